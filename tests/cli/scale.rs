//! Scale: the synthetic world graph and the bulk loader.

use predicates::prelude::*;

use crate::common::{bare, bundle_and_synthetic_file, synthetic_world as world, Sandbox};

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
    // --cities sets the number of cities, each a schema:City.
    let output = bare()
        .args(["synth", "--agreements", "50", "--cities", "120"])
        .output()
        .expect("run");
    assert!(output.status.success());
    let cities = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|line| line.ends_with("<https://schema.org/City> ."))
        .count();
    assert_eq!(cities, 120);
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
    let parties = sandbox.select(&[
        "-e",
        "SELECT (MIN(?parties) AS ?min) (MAX(?parties) AS ?max) WHERE {
           { SELECT ?a (COUNT(DISTINCT ?p) AS ?parties) WHERE { ?a a tw:Agreement ; tw:party ?p } GROUP BY ?a }
           FILTER (STRSTARTS(STR(?a), \"https://w3id.org/twinning/id/synth/\")) }",
    ]);
    assert_eq!(
        parties[0]["min"], "2",
        "every agreement has two parties or more"
    );
    assert!(
        parties[0]["max"].parse::<u32>().unwrap() > 2,
        "some have more"
    );
    let languages = sandbox.select(&[
        "-e",
        "SELECT DISTINCT (LANG(?label) AS ?language) WHERE {
           ?city a tw:Municipality ; skos:prefLabel ?label
           FILTER (STRSTARTS(STR(?city), \"https://w3id.org/twinning/id/synth/\")) } ORDER BY ?language",
    ]);
    assert_eq!(
        languages
            .iter()
            .map(|row| row["language"].as_str())
            .collect::<Vec<_>>(),
        ["ar", "en", "fr"]
    );
    // The synthetic home cities count in the research queries: 001's total grows by exactly the
    // synthetic agreements, and it has a row for every home city.
    let bundled = Sandbox::new();
    bundled.twinning().arg("load").assert().success();
    let total = |rows: &[std::collections::BTreeMap<String, String>]| {
        rows.iter()
            .find(|row| row["city"] == "Total")
            .expect("a Total row")["table"]
            .parse::<u32>()
            .unwrap()
    };
    let per_city = sandbox.select(&["001"]);
    assert_eq!(total(&per_city), total(&bundled.select(&["001"])) + 2000);
    assert!(
        per_city.len() > 20,
        "one row per home city: {}",
        per_city.len()
    );
    let regions = sandbox.select(&["003_agreements_per_region"]);
    assert!(
        regions
            .iter()
            .all(|row| row["table"].parse::<u32>().unwrap() > 0),
        "every region has agreements: {regions:?}"
    );
    for query in [
        "001", "002", "004", "005", "006", "007", "008", "009", "010", "011", "012",
    ] {
        assert!(
            !sandbox.select(&[query]).is_empty(),
            "{query} answers on the synthetic graph"
        );
    }
}

#[test]
fn a_failed_bulk_load_writes_nothing_and_a_later_one_replaces_the_graph() {
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
    let objects = || {
        sandbox
            .select(&[
                "-e",
                "SELECT ?o WHERE { <http://example.org/a> <http://example.org/b> ?o } ORDER BY ?o",
            ])
            .into_iter()
            .map(|row| row["o"].clone())
            .collect::<Vec<_>>()
    };
    let good = sandbox.file(
        "good.nt",
        "<http://example.org/a> <http://example.org/b> \"c\" .\n\
         <http://example.org/a> <http://example.org/b> \"d\" .\n",
    );
    sandbox
        .twinning()
        .args(["load", "--bulk"])
        .arg(&good)
        .assert()
        .success();
    assert_eq!(objects(), ["c", "d"]);
    // A broken version of the same file: checked before anything is removed.
    let loaded = sandbox.export_turtle();
    sandbox.file(
        "good.nt",
        "<http://example.org/a> <http://example.org/b> \"e\" .\n<http://example.org/a> oops\n",
    );
    sandbox
        .twinning()
        .args(["load", "--bulk"])
        .arg(&good)
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(r"good\.nt:2:\d+: syntax error").unwrap());
    assert_eq!(loaded, sandbox.export_turtle());
    // A corrected version replaces the graph's old triples.
    sandbox.file(
        "good.nt",
        "<http://example.org/a> <http://example.org/b> \"e\" .\n",
    );
    sandbox
        .twinning()
        .args(["load", "--bulk"])
        .arg(&good)
        .assert()
        .success()
        .stderr(predicate::str::is_match(r"good\.nt: replace [\d.]+ s, bulk load").unwrap());
    assert_eq!(objects(), ["e"]);
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

#[test]
fn a_streamed_export_holds_the_same_quads_as_the_sorted_one() {
    let sandbox = world(300);
    let export = |args: &[&str]| {
        let output = sandbox
            .twinning()
            .args(["export", "--format", "nquads"])
            .args(args)
            .output()
            .expect("run");
        assert!(output.status.success(), "{output:?}");
        let text = String::from_utf8(output.stdout).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines.sort();
        lines
    };
    let sorted = export(&[]);
    let streamed = export(&["--stream"]);
    assert_eq!(sorted.len(), streamed.len());
    assert!(sorted.len() > 5000, "{} quads", sorted.len());
    // Blank nodes are labelled canonically in the sorted export and by the store when streamed.
    let named = |lines: &[String]| {
        lines
            .iter()
            .filter(|line| !line.contains("_:"))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(named(&sorted), named(&streamed));
    sandbox
        .twinning()
        .args(["export", "--stream", "--format", "turtle"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--stream writes N-Quads only"));
}

#[test]
fn the_research_queries_answer_for_other_cities_without_the_papers_data() {
    let sandbox = Sandbox::new();
    let world = sandbox.dir.path().join("world.nt");
    bare()
        .args(["synth", "--agreements", "200", "--cities", "150", "-o"])
        .arg(&world)
        .assert()
        .success();
    sandbox
        .twinning()
        .args(["load", "--vocabulary"])
        .arg(&world)
        .assert()
        .success()
        .stderr(predicate::str::contains("still holds the paper's data").not());
    let per_city = sandbox.select(&["001"]);
    // The synthetic world's own home cities (one in 25 of its cities), and a total of its
    // agreements only: none of the paper's four cities.
    assert_eq!(per_city.len(), 150 / 25 + 1, "{per_city:?}");
    assert!(per_city.iter().all(|row| row["city"] != "Dakhla"));
    let total = per_city.iter().find(|row| row["city"] == "Total").unwrap();
    assert_eq!(total["table"], "200");
    let themes = sandbox.select(&["004"]);
    assert!(
        themes.iter().any(|row| row["agreements"] != "0"),
        "{themes:?}"
    );
    sandbox
        .twinning()
        .args(["report", "--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::contains("City 0"));
    // Loading the vocabulary where the paper's data already is says so.
    let full = Sandbox::new();
    full.twinning().arg("load").assert().success();
    full.twinning()
        .args(["load", "--vocabulary"])
        .assert()
        .success()
        .stderr(predicate::str::contains("still holds the paper's data"));
}

#[test]
fn files_left_by_an_interrupted_bulk_load_are_removed_by_the_next_writer() {
    let sandbox = Sandbox::new();
    sandbox.twinning().arg("load").assert().success();
    let before = sandbox.export_turtle();
    // What a bulk load killed by Ctrl-C leaves: its sorted runs, not yet ingested.
    let stray = sandbox.store().join("bulk-1234.sst");
    std::fs::write(&stray, vec![0_u8; 4096]).unwrap();
    sandbox
        .twinning()
        .args(["load", "--rederive"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "removed 1 temporary file(s) (0.0 MB) left in",
        ));
    assert!(!stray.exists());
    assert_eq!(before, sandbox.export_turtle());
}

/// The derived and aggregates graphs of a store, as sorted N-Triples lines, and the note of any
/// repair.
fn derived_triples(sandbox: &Sandbox) -> (Vec<String>, String) {
    let output = sandbox.succeed(&[
        "query",
        "-e",
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } \
         FILTER (?g IN (<https://w3id.org/twinning/graph/derived>, <https://w3id.org/twinning/graph/aggregates>)) }",
        "--format",
        "ntriples",
    ]);
    let mut lines: Vec<String> = String::from_utf8(output.stdout)
        .expect("UTF-8")
        .lines()
        .map(str::to_owned)
        .collect();
    lines.sort();
    (lines, String::from_utf8_lossy(&output.stderr).into_owned())
}

/// A bulk load of `agreements` synthetic agreements into a store holding the bundle, with
/// `fault` injected (`TWINNING_FAULT`); returns the sandbox and whether the load succeeded.
fn load_with_fault(agreements: u32, fault: Option<&str>) -> (Sandbox, bool) {
    let (sandbox, file) = bundle_and_synthetic_file(agreements);
    let mut load = sandbox.twinning();
    load.args(["load", "--bulk"]).arg(&file);
    if let Some(fault) = fault {
        load.env("TWINNING_FAULT", fault);
    }
    let ok = load.output().expect("run twinning").status.success();
    (sandbox, ok)
}

#[test]
fn a_load_killed_between_its_data_and_its_derived_graph_is_finished_by_the_next_open() {
    let (clean, ok) = load_with_fault(300, None);
    assert!(ok);
    let (expected, quiet) = derived_triples(&clean);
    assert!(!quiet.contains("recomputing"), "{quiet}");
    assert!(expected.iter().any(|t| t.contains("/synth/")));
    assert!(expected.iter().any(|t| t.contains("agreementCount")));

    // Killed (SIGABRT, no clean-up) right after the data committed: the derived graph is stale.
    let (killed, ok) = load_with_fault(300, Some("abort-after-data-commit"));
    assert!(!ok, "the injected fault stops the load");
    let (repaired, note) = derived_triples(&killed);
    assert!(
        note.contains("stopped before it recomputed the derived graph"),
        "the repair is announced: {note}"
    );
    assert_eq!(
        repaired, expected,
        "the next open rebuilt the derived graph"
    );
    let (_, again) = derived_triples(&killed);
    assert!(!again.contains("recomputing"), "repaired once: {again}");
}

#[test]
fn a_bulk_derivation_that_fails_is_finished_by_the_next_open() {
    let (clean, _) = load_with_fault(200, None);
    let (expected, _) = derived_triples(&clean);
    let (failed, ok) = load_with_fault(200, Some("fail-bulk-derive"));
    assert!(!ok, "a failed derivation fails the load");
    let (repaired, note) = derived_triples(&failed);
    assert!(note.contains("recomputing it now"), "{note}");
    assert_eq!(repaired, expected);
}

#[test]
fn a_derivation_that_fails_in_a_transaction_leaves_the_store_as_it_was() {
    let sandbox = Sandbox::new();
    sandbox.twinning().arg("load").assert().success();
    let before = sandbox.export_turtle();
    let file = sandbox.file(
        "extra.ttl",
        "@prefix tw: <https://w3id.org/twinning/ontology#> .\n\
         <http://example.org/a> a tw:Agreement ; tw:party <http://example.org/p>, <http://example.org/q> .\n",
    );
    sandbox
        .twinning()
        .arg("load")
        .arg(&file)
        .env("TWINNING_FAULT", "fail-derive")
        .assert()
        .failure()
        .stderr(predicate::str::contains("fail-derive"));
    assert_eq!(
        before,
        sandbox.export_turtle(),
        "nothing of the load remains"
    );
}
