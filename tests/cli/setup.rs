//! Set-up on a fresh machine: the libclang check that runs before anything compiles (issue 13),
//! and the licence files the manifest and the data declare.

use std::path::Path;
use std::process::Command;

use crate::common::repository;

/// Runs `.ci/libclang.sh --check` with every searched directory under `root`.
fn libclang_check(root: &Path) -> std::process::Output {
    Command::new("sh")
        .arg(repository().join(".ci/libclang.sh"))
        .arg("--check")
        .env("LIBCLANG_ROOT", root)
        .env_remove("LIBCLANG_PATH")
        .env_remove("LD_LIBRARY_PATH")
        // No llvm-config from the real machine: only the fake root counts.
        .env("LLVM_CONFIG", "/nonexistent/llvm-config")
        .output()
        .expect("run sh")
}

fn touch(root: &Path, file: &str) {
    let path = root.join(file.trim_start_matches('/'));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, b"").unwrap();
}

/// Regression (issue 13): a fresh Debian image ships libclang-cpp.so.14, which bindgen does not
/// load; the old check took it for libclang and the build failed ten minutes later.
#[test]
fn libclang_cpp_alone_is_not_libclang() {
    let root = tempfile::tempdir().unwrap();
    touch(root.path(), "/usr/lib/llvm-14/lib/libclang-cpp.so.14");
    touch(root.path(), "/usr/lib/x86_64-linux-gnu/libclang-cpp.so.14");
    let output = libclang_check(root.path());
    assert!(
        !output.status.success(),
        "libclang-cpp was taken for libclang"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("apt-get install -y libclang-dev"),
        "the message gives the command to run: {stderr}"
    );
}

#[test]
fn each_name_bindgen_loads_is_found() {
    for file in [
        "/usr/lib/llvm-14/lib/libclang.so",
        "/usr/lib/llvm-14/lib/libclang-14.so.1",
        "/usr/lib/x86_64-linux-gnu/libclang-14.so.14",
        "/usr/lib/x86_64-linux-gnu/libclang.so.1",
        "/usr/local/lib/libclang-17.so",
    ] {
        let root = tempfile::tempdir().unwrap();
        touch(root.path(), "/usr/lib/x86_64-linux-gnu/libclang-cpp.so.14");
        touch(root.path(), file);
        let output = libclang_check(root.path());
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{file} not found");
        assert!(stdout.trim_end().ends_with(file), "{file}: {stdout}");
    }
}

#[test]
fn an_empty_machine_has_no_libclang() {
    let root = tempfile::tempdir().unwrap();
    assert!(!libclang_check(root.path()).status.success());
}

#[test]
fn the_declared_licences_are_in_the_repository() {
    let manifest = std::fs::read_to_string(repository().join("Cargo.toml")).unwrap();
    assert!(manifest.contains("license = \"MIT OR Apache-2.0\""));
    for (file, words) in [
        (
            "LICENSE-MIT",
            "Permission is hereby granted, free of charge",
        ),
        (
            "LICENSE-APACHE",
            "Apache License\n                           Version 2.0",
        ),
        (
            "LICENSE-CC-BY-4.0",
            "Creative Commons Attribution 4.0 International",
        ),
    ] {
        let text = std::fs::read_to_string(repository().join(file))
            .unwrap_or_else(|_| panic!("{file} is missing"));
        assert!(text.contains(words), "{file} is not the licence's text");
    }
    // The data says which licence it is under, and the README names the file.
    let ontology = std::fs::read_to_string(repository().join("ontology/twinning.ttl")).unwrap();
    assert!(ontology.contains("creativecommons.org/licenses/by/4.0"));
    let readme = std::fs::read_to_string(repository().join("README.md")).unwrap();
    assert!(readme.contains("LICENSE-CC-BY-4.0"));
}
