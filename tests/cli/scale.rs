//! Scale: the synthetic world graph and the bulk loader.

use predicates::prelude::*;

use crate::common::{bare, synthetic_world as world, Sandbox};

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
    let sandbox = world(2000);
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

#[test]
fn a_bulk_load_derives_wikidata_properties_and_rederive_recomputes_the_same_graph() {
    let sandbox = world(500);
    // Every synthetic agreement that is neither announced, undocumented nor a possible duplicate
    // links its two parties by wdt:P190, in both directions, as the rule says.
    let counts = |sandbox: &Sandbox| {
        sandbox.select(&[
            "-e",
            "SELECT (COUNT(?b) AS ?twinned) (COUNT(DISTINCT ?label) AS ?labels) WHERE {
               { ?a wdt:P190 ?b FILTER (STRSTARTS(STR(?a), \"https://w3id.org/twinning/id/synth/\")) }
               UNION { ?x rdfs:label ?label FILTER (STRSTARTS(STR(?x), \"https://w3id.org/twinning/id/synth/\")) } }",
        ])
    };
    let expected = sandbox.select(&[
        "-e",
        "SELECT (COUNT(*) AS ?pairs) WHERE {
           SELECT DISTINCT ?a ?b WHERE {
             ?agreement a tw:Agreement ; tw:party ?a, ?b . FILTER (?a != ?b)
             FILTER (STRSTARTS(STR(?agreement), \"https://w3id.org/twinning/id/synth/\"))
             FILTER NOT EXISTS { ?agreement tw:status status:announced }
             FILTER NOT EXISTS { ?agreement tw:status status:undocumented }
             FILTER NOT EXISTS { ?agreement tw:possibleDuplicateOf ?o } } }",
    ]);
    let before = counts(&sandbox);
    assert_eq!(before[0]["twinned"], expected[0]["pairs"]);
    assert_ne!(before[0]["labels"], "0");
    let derived_before = sandbox.export_turtle();
    sandbox
        .twinning()
        .args(["load", "--rederive"])
        .assert()
        .success()
        .stdout(predicate::str::contains("graph/derived"));
    assert_eq!(counts(&sandbox), before);
    assert_eq!(derived_before, sandbox.export_turtle());
    sandbox
        .twinning()
        .args(["load", "--rederive", "--bulk"])
        .assert()
        .code(2);
}

#[test]
fn a_later_bulk_load_withdraws_derived_triples_that_no_longer_follow() {
    let sandbox = Sandbox::new();
    sandbox.twinning().arg("load").assert().success();
    let agreement = sandbox.file(
        "agreement.nt",
        "<http://example.org/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/twinning/ontology#Agreement> .
<http://example.org/x> <https://w3id.org/twinning/ontology#party> <http://example.org/p> .
<http://example.org/x> <https://w3id.org/twinning/ontology#party> <http://example.org/q> .
",
    );
    let twinned = |sandbox: &Sandbox| {
        sandbox.select(&[
            "-e",
            "SELECT (COUNT(*) AS ?n) WHERE { <http://example.org/p> wdt:P190 <http://example.org/q> }",
        ])[0]["n"]
            .clone()
    };
    sandbox
        .twinning()
        .args(["load", "--bulk"])
        .arg(&agreement)
        .assert()
        .success();
    assert_eq!(twinned(&sandbox), "1");
    let duplicate = sandbox.file(
        "duplicate.nt",
        "<http://example.org/x> <https://w3id.org/twinning/ontology#possibleDuplicateOf> <http://example.org/y> .\n",
    );
    sandbox
        .twinning()
        .args(["load", "--bulk"])
        .arg(&duplicate)
        .assert()
        .success();
    assert_eq!(twinned(&sandbox), "0");
}
