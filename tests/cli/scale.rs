//! Scale: the synthetic world graph and the bulk loader.

use predicates::prelude::*;

use crate::common::{bare, Sandbox};

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes() {
    let run = |seed: &str| {
        let output = bare()
            .args(["synth", "--agreements", "300", "--seed", seed])
            .output()
            .expect("run");
        assert!(output.status.success());
        output.stdout
    };
    assert_eq!(run("7"), run("7"));
    assert_ne!(run("7"), run("8"));
}

#[test]
fn the_synthetic_graph_has_the_shape_of_the_real_data_and_answers_the_research_queries() {
    let sandbox = Sandbox::new();
    let file = sandbox.dir.path().join("world.nt");
    bare()
        .args(["synth", "--agreements", "2000", "-o"])
        .arg(&file)
        .assert()
        .success();
    // Bulk-loaded beside the bundled vocabulary.
    sandbox.twinning().arg("load").assert().success();
    sandbox
        .twinning()
        .args(["load", "--bulk"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("triples loaded").not());
    let shape = sandbox.select(&[
        "-e",
        "SELECT (COUNT(DISTINCT ?a) AS ?agreements) (MIN(?themes) AS ?min) (MAX(?themes) AS ?max) WHERE {
           { SELECT ?a (COUNT(DISTINCT ?t) AS ?themes) WHERE { ?a a tw:Agreement ; tw:theme ?t } GROUP BY ?a }
           FILTER (STRSTARTS(STR(?a), \"https://w3id.org/twinning/id/synth/\")) }",
    ]);
    assert_eq!(shape[0]["agreements"], "2000");
    assert_eq!(shape[0]["min"], "1");
    assert!(shape[0]["max"].parse::<u32>().unwrap() <= 8);
    let regions = sandbox.select(&["003_agreements_per_region"]);
    assert!(
        regions
            .iter()
            .all(|row| row["table"].parse::<u32>().unwrap() > 0),
        "every region has agreements: {regions:?}"
    );
    for query in ["001", "002", "004", "005", "006", "007", "008"] {
        assert!(
            !sandbox.select(&[query]).is_empty(),
            "{query} answers on the synthetic graph"
        );
    }
}

#[test]
fn a_failed_bulk_load_writes_nothing_and_a_full_graph_is_refused() {
    let sandbox = Sandbox::new();
    sandbox.twinning().arg("load").assert().success();
    let before = sandbox.export_turtle();
    let bad = sandbox.file("bad.nt", &"<http://example.org/a> <http://example.org/b> \"c\" .\n".repeat(1000).replace("\"c\" .\n<http://example.org/a> <http://example.org/b> \"c\" .\n<http://example.org/a> <http://example.org/b> \"c\"", "\"c\" .\n<http://example.org/a> <http://example.org/b> oops"));
    sandbox
        .twinning()
        .args(["load", "--bulk"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(r"bad\.nt:\d+:\d+: syntax error").unwrap());
    assert_eq!(before, sandbox.export_turtle());
    let good = sandbox.file(
        "good.nt",
        "<http://example.org/a> <http://example.org/b> \"c\" .\n",
    );
    sandbox
        .twinning()
        .args(["load", "--bulk"])
        .arg(&good)
        .assert()
        .success();
    sandbox
        .twinning()
        .args(["load", "--bulk"])
        .arg(&good)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already holds data"));
}
