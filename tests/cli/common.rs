//! Shared test helpers: every test runs the real binary on its own temporary store.

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

/// A temporary store directory and the commands that run against it.
pub struct Sandbox {
    pub dir: TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    pub fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    /// `twinning --store <temporary store>` with no environment leaking in.
    pub fn twinning(&self) -> Command {
        let mut command = bare();
        command.arg("--store").arg(self.store());
        command
    }

    /// Writes a file into the sandbox and returns its path.
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write fixture");
        path
    }

    /// Runs `twinning query <args> --format json` and returns the bindings as rows of
    /// variable -> plain value. `args` is a slug, a file, or `["-e", text]`.
    pub fn select(&self, args: &[&str]) -> Vec<std::collections::BTreeMap<String, String>> {
        let output = self
            .twinning()
            .arg("query")
            .args(args)
            .args(["--format", "json"])
            .output()
            .expect("run twinning");
        assert!(
            output.status.success(),
            "query {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        bindings(&output.stdout)
    }

    /// The Turtle export, as bytes.
    pub fn export_turtle(&self) -> Vec<u8> {
        self.succeed(&["export"]).stdout
    }

    /// Runs `twinning <args>` on the store, which must succeed; its output.
    pub fn succeed(&self, args: &[&str]) -> std::process::Output {
        let output = self.twinning().args(args).output().expect("run twinning");
        assert!(
            output.status.success(),
            "twinning {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Runs `twinning <args>`, which must be refused as bad input: exit code 2, `message` on
    /// standard error, and the store exactly as it was.
    pub fn refused(&self, args: &[&str], message: &str) {
        let before = self.export_turtle();
        let output = self.twinning().args(args).output().expect("run twinning");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "twinning {args:?}: {stderr}");
        assert!(stderr.contains(message), "twinning {args:?}: {stderr}");
        assert_eq!(before, self.export_turtle(), "the store changed");
    }
}

/// `twinning` with no store chosen and no environment leaking in (HOME points nowhere useful).
pub fn bare() -> Command {
    let mut command = Command::cargo_bin("twinning").expect("binary built");
    command.env_remove("TWINNING_STORE");
    command
}

/// Parses SPARQL JSON results into rows of variable -> value.
pub fn bindings(json: &[u8]) -> Vec<std::collections::BTreeMap<String, String>> {
    bindings_as(json, |value| {
        value["value"].as_str().unwrap_or_default().to_owned()
    })
}

/// Each binding as type, value, datatype and language tag, joined: rows equal in all four.
pub fn typed_bindings(json: &[u8]) -> Vec<std::collections::BTreeMap<String, String>> {
    bindings_as(json, |value| {
        let field = |name: &str| value[name].as_str().unwrap_or_default();
        // A plain string is xsd:string in SPARQL 1.1; one engine may say so.
        let datatype = match field("datatype") {
            "http://www.w3.org/2001/XMLSchema#string" => "",
            datatype => datatype,
        };
        [field("type"), field("value"), datatype, field("xml:lang")].join("\u{1f}")
    })
}

/// The rows of SPARQL JSON results, each binding written by `write`.
fn bindings_as(
    json: &[u8],
    write: impl Fn(&Value) -> String,
) -> Vec<std::collections::BTreeMap<String, String>> {
    let results: Value = serde_json::from_slice(json).expect("SPARQL JSON results");
    results["results"]["bindings"]
        .as_array()
        .expect("bindings")
        .iter()
        .map(|binding| {
            binding
                .as_object()
                .expect("binding object")
                .iter()
                .map(|(variable, value)| (variable.clone(), write(value)))
                .collect()
        })
        .collect()
}

/// The repository root, for reading queries/ and fixtures.
pub fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Reads a tab-separated fixture: a header line, then rows.
pub fn read_tsv(name: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = std::fs::read_to_string(repository().join("tests/fixtures").join(name))
        .expect("fixture exists");
    let mut lines = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty());
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    lines
        .map(|line| {
            header
                .iter()
                .zip(line.split('\t').chain(std::iter::repeat("")))
                .map(|(key, value)| ((*key).to_owned(), value.trim().to_owned()))
                .collect()
        })
        .collect()
}

/// Flags for headless Chromium on a machine with a closed network (no sandbox as root, no
/// background connections), from the file tests/clients/crawl.py reads too.
pub static HEADLESS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    include_str!("../clients/headless.txt")
        .split_whitespace()
        .collect()
});

/// The installed Chromium, or `None` — which fails the calling test when
/// TWINNING_REQUIRE_BROWSER is set (as in CI) and otherwise skips it.
pub fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let output = std::process::Command::new("which")
                .arg(name)
                .output()
                .ok()?;
            output
                .status
                .success()
                .then(|| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()))
        });
    if found.is_none() {
        assert!(
            std::env::var_os("TWINNING_REQUIRE_BROWSER").is_none(),
            "TWINNING_REQUIRE_BROWSER is set but no Chromium is installed"
        );
        eprintln!("skipped: no Chromium (install Debian's chromium; .ci/run does)");
    }
    found
}

/// The Python with the independent clients (SPARQLWrapper, rdflib) named by `TWINNING_PYTHON`, or
/// `None` (the caller skips) unless `TWINNING_REQUIRE_CLIENTS` is set, as in CI, which fails.
pub fn python_with_clients() -> Option<std::ffi::OsString> {
    let python = std::env::var_os("TWINNING_PYTHON");
    if python.is_none() {
        assert!(
            std::env::var_os("TWINNING_REQUIRE_CLIENTS").is_none(),
            "TWINNING_REQUIRE_CLIENTS is set but TWINNING_PYTHON (a Python with SPARQLWrapper and rdflib) is not"
        );
        eprintln!(
            "skipped: set TWINNING_PYTHON to a Python with SPARQLWrapper and rdflib (.ci/run does)"
        );
    }
    python
}

/// A store holding the bundle, and beside it a synthetic world of `agreements` agreements
/// (`world.nt`), not yet loaded.
pub fn bundle_and_synthetic_file(agreements: u32) -> (Sandbox, PathBuf) {
    let sandbox = Sandbox::new();
    let file = sandbox.dir.path().join("world.nt");
    bare()
        .args(["synth", "--agreements", &agreements.to_string(), "-o"])
        .arg(&file)
        .assert()
        .success();
    sandbox.twinning().arg("load").assert().success();
    (sandbox, file)
}

/// A store with the bundled vocabulary and a synthetic world of `agreements` agreements, bulk
/// loaded (quietly: standard error is not a terminal), with the bulk loader's timings reported.
pub fn synthetic_world(agreements: u32) -> Sandbox {
    let (sandbox, file) = bundle_and_synthetic_file(agreements);
    sandbox
        .twinning()
        .args(["load", "--bulk"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("triples loaded").not())
        .stderr(
            predicate::str::is_match(
                r"bulk load [\d.]+ s \(\d+ triples/s\), derive [\d.]+ s, compact [\d.]+ s",
            )
            .unwrap(),
        );
    sandbox
}
