//! The command line as a user meets it (issue 13): which store a command uses, the manual page and
//! completions, help that lists only what a command takes, progress on a terminal, and readers
//! beside a running server.

use predicates::prelude::*;

use crate::common::{bare, Sandbox};

/// Regression (issue 13): `TWINNING_STORE` in the environment made `--memory` fail with
/// "'--memory' cannot be used with '--store'" although `--store` was never typed.
#[test]
fn memory_typed_on_the_command_line_wins_over_the_environment() {
    let sandbox = Sandbox::new();
    bare()
        .env("TWINNING_STORE", sandbox.store())
        .args([
            "--memory",
            "query",
            "-e",
            "ASK { city:dakhla ?p ?o }",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("true"));
    assert!(
        !sandbox.store().exists(),
        "the in-memory run left the environment's store alone"
    );
    // Without --memory the environment's store is used (and filled on first use).
    bare()
        .env("TWINNING_STORE", sandbox.store())
        .args([
            "query",
            "-e",
            "ASK { city:dakhla ?p ?o }",
            "--format",
            "csv",
        ])
        .assert()
        .success();
    assert!(sandbox.store().join("CURRENT").exists());
}

#[test]
fn store_flags_go_before_or_after_the_command_and_two_stores_are_refused() {
    let sandbox = Sandbox::new();
    bare()
        .args(["query", "--store"])
        .arg(sandbox.store())
        .args(["-e", "ASK { ?s ?p ?o }", "--format", "csv"])
        .assert()
        .success();
    assert!(sandbox.store().join("CURRENT").exists());
    bare()
        .arg("--store")
        .arg(sandbox.store())
        .args(["query", "--memory", "-e", "ASK { ?s ?p ?o }"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--memory and --store"));
}

/// Regression (issue 13): `synth --help` listed --store and --memory, which synth ignores.
#[test]
fn help_lists_only_the_flags_a_command_takes() {
    let synth = bare().args(["synth", "--help"]).output().unwrap();
    let synth = String::from_utf8(synth.stdout).unwrap();
    assert!(synth.contains("--agreements"), "{synth}");
    assert!(
        !synth.contains("--store") && !synth.contains("--memory"),
        "{synth}"
    );
    let query = bare().args(["query", "--help"]).output().unwrap();
    let query = String::from_utf8(query.stdout).unwrap();
    assert!(
        query.contains("--store") && query.contains("--memory"),
        "{query}"
    );
    bare()
        .args(["--store", "/tmp/x", "synth", "--agreements", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("uses no store"));
}

#[test]
fn the_manual_page_and_completions_come_from_the_command_line_definitions() {
    let man = bare().arg("man").output().unwrap();
    assert!(man.status.success());
    let man = String::from_utf8(man.stdout).unwrap();
    assert!(
        man.starts_with(".ie") || man.contains(".TH twinning"),
        "roff: {man:.200}"
    );
    for command in ["load", "query", "export", "serve", "validate"] {
        assert!(man.contains(command), "twinning(1) lists {command}");
    }
    let query = bare().args(["man", "query"]).output().unwrap();
    let query = String::from_utf8(query.stdout).unwrap();
    assert!(query.contains(".TH twinning-query"), "{query:.300}");
    assert!(
        query.contains("expression"),
        "the page documents -e/--expression"
    );
    bare()
        .args(["man", "nonsense"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such command"));
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef twinning"),
        ("fish", "complete -c twinning"),
    ] {
        let script = bare().args(["completions", shell]).output().unwrap();
        assert!(script.status.success(), "{shell}");
        let script = String::from_utf8(script.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: {script:.200}");
        assert!(
            script.contains("wikidata-diff"),
            "{shell} completes the commands"
        );
    }
}

/// Regression (issue 13): the progress bar covered only the bulk step and printed rates such as
/// "63,249.6962/s". Run under `script`, so that standard error is a terminal.
#[test]
fn a_bulk_load_shows_every_step_on_a_terminal_and_nothing_when_piped() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no `script` (util-linux) to give the load a terminal");
        return;
    }
    let sandbox = Sandbox::new();
    let world = sandbox.dir.path().join("world.nt");
    bare()
        .args(["synth", "--agreements", "3000", "-o"])
        .arg(&world)
        .assert()
        .success();
    let binary = assert_cmd::cargo::cargo_bin("twinning");
    let command = format!(
        "{} --store {} load --bulk {}",
        binary.display(),
        sandbox.store().display(),
        world.display()
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("COLUMNS", "120")
        .output()
        .expect("run script");
    assert!(output.status.success());
    let terminal = String::from_utf8_lossy(&output.stdout);
    for step in ["[1/3] bulk load", "[2/3] derive", "[3/3] compact"] {
        assert!(terminal.contains(step), "{step} missing from:\n{terminal}");
    }
    let rates = rates(&terminal);
    assert!(!rates.is_empty(), "a rate is shown: {terminal}");
    assert!(
        rates.iter().all(|rate| !rate.contains('.')),
        "rates are whole numbers: {rates:?}"
    );
    // Piped: the summary line only.
    sandbox
        .twinning()
        .args(["load", "--bulk"])
        .arg(&world)
        .assert()
        .success()
        .stderr(predicate::str::contains("[1/").not())
        .stderr(predicate::str::contains("bulk load"));
}

/// The `N/s` rates in a terminal transcript.
fn rates(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .map(|word| word.trim_end_matches(','))
        .filter(|word| word.ends_with("/s"))
        .collect()
}

/// Regression (issue 13): while `serve` ran, every other command on its store failed with "in
/// use". A read-only server shares the store with readers; a writer still gets the clear error.
#[test]
fn readers_work_beside_a_read_only_server_and_a_writer_is_refused() {
    let server = crate::serve::start(&[]);
    let store = server.store();
    bare()
        .arg("--store")
        .arg(&store)
        .args(["query", "001_agreements_per_city", "--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Dakhla"));
    bare()
        .arg("--store")
        .arg(&store)
        .args(["export", "--format", "ntriples"])
        .assert()
        .success();
    bare()
        .arg("--store")
        .arg(&store)
        .arg("report")
        .assert()
        .success();
    bare()
        .arg("--store")
        .arg(&store)
        .arg("load")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("in use"));
    // And the server still answers.
    let (status, _, body) = crate::serve::curl(&[
        "-G",
        &format!("{}/sparql", server.base),
        "--data-urlencode",
        "query=ASK { city:dakhla ?p ?o }",
        "-H",
        "Accept: text/csv",
    ]);
    assert_eq!(status, 200);
    assert!(body.contains("true"));
}
