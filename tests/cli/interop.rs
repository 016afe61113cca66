//! Scaling out: the N-Quads export loads into another SPARQL engine (rdflib) and answers the
//! research questions exactly as twinning does.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::common::{bindings, python_with_clients, repository, synthetic_world, Sandbox};

/// The research queries whose answers rdflib 7.6 reproduces. The other one, 007, meets an rdflib
/// bug: it joins an `OPTIONAL` subquery on one of the two variables it shares (the city, not the
/// year), so a date conflict shows under every year of its city (see README, "Scaling out").
const PORTABLE: &[&str] = &[
    "001_agreements_per_city",
    "002_agreements_per_country",
    "003_agreements_per_region",
    "004_theme_frequency",
    "005_top_concept_frequency",
    "006_theme_diversity_per_city",
    // The plain versions (queries/raw/), which give the same answers as the top-level files.
    "raw/008_political_advocacy",
    "009_governance",
    "010_governance_vs_eu_benchmark",
    "011_discrepancies",
    "raw/012_sources",
];

type Rows = Vec<BTreeMap<String, String>>;

/// Exports the store as N-Quads into the sandbox (with `extra` flags) and returns the file.
fn export_nquads(sandbox: &Sandbox, extra: &[&str]) -> std::path::PathBuf {
    let file = sandbox.dir.path().join("export.nq");
    sandbox
        .twinning()
        .args(["export", "--format", "nquads"])
        .args(extra)
        .arg("-o")
        .arg(&file)
        .assert()
        .success();
    file
}

/// The query's answer from rdflib over the export, rows sorted (the order is checked by twinning's
/// own tests; here what matters is that the same rows come out).
fn rdflib_answer(python: &std::ffi::OsStr, export: &Path, query: &str) -> Rows {
    let output = Command::new(python)
        .arg(repository().join("tests/clients/other_engine.py"))
        .arg(export)
        .arg(repository().join("queries").join(format!("{query}.rq")))
        .output()
        .expect("run Python");
    assert!(
        output.status.success(),
        "rdflib failed on {query}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    sorted(bindings(&output.stdout))
}

fn sorted(mut rows: Rows) -> Rows {
    rows.sort();
    rows
}

#[test]
fn the_nquads_export_answers_the_research_questions_identically_in_rdflib() {
    let Some(python) = python_with_clients() else {
        return;
    };
    let sandbox = Sandbox::new();
    sandbox.twinning().arg("load").assert().success();
    let export = export_nquads(&sandbox, &[]);
    for query in PORTABLE {
        let ours = sorted(sandbox.select(&[query]));
        assert!(!ours.is_empty(), "{query} answers");
        assert_eq!(rdflib_answer(&python, &export, query), ours, "{query}");
    }
}

#[test]
fn a_synthetic_world_streamed_as_nquads_answers_identically_in_rdflib() {
    let Some(python) = python_with_clients() else {
        return;
    };
    let sandbox = synthetic_world(1000);
    // The path README's "Scaling out" gives for world-sized stores.
    let export = export_nquads(&sandbox, &["--stream"]);
    for query in ["002_agreements_per_country", "003_agreements_per_region"] {
        let ours = sorted(sandbox.select(&[query]));
        assert!(
            ours.len() >= 7,
            "{query} spans the synthetic world: {ours:?}"
        );
        assert_eq!(rdflib_answer(&python, &export, query), ours, "{query}");
    }
}

/// The researcher's notebook (examples/analysis.ipynb) runs as is, with the clients' Python, on
/// an N-Quads export: every cell executes without an error (examples/run_notebook.py).
#[test]
fn the_analysis_notebook_runs_on_an_export() {
    let Some(python) = python_with_clients() else {
        return;
    };
    let sandbox = Sandbox::new();
    let export = export_nquads(&sandbox, &[]);
    let output = Command::new(&python)
        .arg(repository().join("examples/run_notebook.py"))
        .arg("--output")
        .arg(sandbox.dir.path().join("executed.ipynb"))
        .env("TWINNING_NQUADS", &export)
        .output()
        .expect("run the notebook");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("0 error(s)"), "{report}");
}
