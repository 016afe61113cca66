//! Compiles the ontology, the data and the query files into the binary, so that `twinning` works
//! from any directory. Every bundled file becomes one `(relative path, contents)` entry.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::{env, fs};

const BUNDLED_DIRS: [&str; 3] = ["ontology", "data", "queries"];
const BUNDLED_EXTENSIONS: [&str; 3] = ["ttl", "rq", "ru"];

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    for dir in BUNDLED_DIRS {
        println!("cargo:rerun-if-changed={dir}");
        collect(&root, &root.join(dir), &mut files);
    }
    files.sort();
    let mut out = String::from(
        "/// Files compiled into the binary: (path relative to the repository, contents).\n",
    );
    out.push_str("pub static FILES: &[(&str, &str)] = &[\n");
    for relative in &files {
        writeln!(
            out,
            "    ({relative:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/\", {relative:?}))),"
        )
        .expect("writing to a String");
    }
    out.push_str("];\n");
    // A digest of the bundle, so a store filled by another build can be told apart.
    let mut hasher = std::hash::DefaultHasher::new();
    for relative in &files {
        relative.hash(&mut hasher);
        fs::read(root.join(relative))
            .expect("readable")
            .hash(&mut hasher);
    }
    writeln!(
        out,
        "/// Digest of the bundled files (changes whenever one of them does).\npub const DIGEST: &str = \"{:016x}\";",
        hasher.finish()
    )
    .expect("writing to a String");
    let target = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("bundled.rs");
    fs::write(target, out).expect("OUT_DIR is writable");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if path
            .extension()
            .and_then(|extension| extension.to_str())
            .is_some_and(|extension| BUNDLED_EXTENSIONS.contains(&extension))
        {
            let relative = path.strip_prefix(root).expect("under the root");
            files.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}
