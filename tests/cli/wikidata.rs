//! Wikidata: link status, offline and online reconciliation, the diff, QuickStatements and the
//! federated query, against recorded responses replayed by an HTTP server on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use predicates::prelude::*;

use crate::common::{bare, repository, Sandbox};

fn fixture(name: &str) -> std::path::PathBuf {
    repository().join("tests/fixtures/wikidata").join(name)
}

/// What the replay server answers, in order; the last answer repeats.
#[derive(Clone)]
enum Answer {
    Json(Vec<u8>),
    Status(u16),
    Silence,
}

/// A one-endpoint HTTP server replaying recorded answers; it keeps the requests it received.
struct Replay {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Replay {
    fn start(answers: Vec<Answer>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let url = format!("http://{}/sparql", listener.local_addr().expect("address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        thread::spawn(move || {
            let mut index = 0;
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut head = String::new();
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                    head.push_str(&line);
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                seen.lock()
                    .expect("lock")
                    .push(format!("{head}\n{}", String::from_utf8_lossy(&body)));
                let answer = answers[index.min(answers.len() - 1)].clone();
                index += 1;
                let response = match answer {
                    Answer::Json(json) => {
                        let mut response = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            json.len()
                        )
                        .into_bytes();
                        response.extend(json);
                        response
                    }
                    Answer::Status(code) => format!(
                        "HTTP/1.1 {code} Oops\r\nRetry-After: 0\r\nContent-Length: 4\r\nConnection: close\r\n\r\noops"
                    )
                    .into_bytes(),
                    Answer::Silence => {
                        thread::sleep(Duration::from_secs(30));
                        Vec::new()
                    }
                };
                let _ = stream.write_all(&response);
            }
        });
        Self { url, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("lock").clone()
    }
}

fn json(name: &str) -> Answer {
    Answer::Json(std::fs::read(fixture(name)).expect("fixture"))
}

fn ask(sandbox: &Sandbox, query: &str) -> bool {
    let output = sandbox
        .twinning()
        .args(["query", "-e", query])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim() == "true"
}

#[test]
fn status_lists_every_city_and_country_with_its_link() {
    let output = bare()
        .args(["--memory", "link", "--status"])
        .output()
        .expect("run");
    assert!(output.status.success());
    let table = String::from_utf8(output.stdout).expect("UTF-8");
    for expected in [
        "city:creil",
        "candidate",
        "wd:Q331087",
        "city:boujdour",
        "none",
        "country:morocco",
        "exact",
    ] {
        assert!(table.contains(expected), "{expected} missing:\n{table}");
    }
}

#[test]
fn offline_reconciliation_promotes_reviews_and_reports_conflicts() {
    let sandbox = Sandbox::new();
    sandbox
        .twinning()
        .args(["link", "--wikidata"])
        .arg(fixture("candidates.json"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("promoted to exact match"))
        .stderr(predicate::str::contains(
            "conflict: city:vasto is curated as wd:Q51313 but wd:Q30031570",
        ));
    // Above the threshold, no curated link: promoted, and the candidate record is gone.
    assert!(ask(
        &sandbox,
        "ASK { city:creil skos:exactMatch wd:Q331087 ; tw:linkStatus link:confirmed }"
    ));
    assert!(!ask(
        &sandbox,
        "ASK { city:creil tw:wikidataCandidate ?item }"
    ));
    // The curated link is never overwritten.
    assert!(ask(
        &sandbox,
        "ASK { city:vasto skos:exactMatch wd:Q51313 }"
    ));
    assert!(!ask(
        &sandbox,
        "ASK { city:vasto skos:exactMatch wd:Q30031570 }"
    ));
    // Distractors and weak evidence are only listed.
    assert!(!ask(
        &sandbox,
        "ASK { city:columbus skos:exactMatch wd:Q9000000001 }"
    ));
    assert!(!ask(
        &sandbox,
        "ASK { city:boujdour skos:exactMatch ?item }"
    ));
}

#[test]
fn the_threshold_decides_what_is_promoted() {
    let sandbox = Sandbox::new();
    sandbox
        .twinning()
        .args(["link", "--threshold", "0.95", "--wikidata"])
        .arg(fixture("candidates.json"))
        .assert()
        .code(1);
    // Bazas scores 0.90 (no GeoNames ID to compare): reviewed, not promoted, at 0.95.
    assert!(!ask(&sandbox, "ASK { city:bazas skos:exactMatch ?item }"));
    assert!(ask(
        &sandbox,
        "ASK { city:creil skos:exactMatch wd:Q331087 }"
    ));
    sandbox
        .twinning()
        .args(["link", "--threshold", "1.5", "--status"])
        .assert()
        .code(2);
}

#[test]
fn entity_json_is_read_too_and_links_can_be_written_as_turtle() {
    let sandbox = Sandbox::new();
    let output = sandbox.dir.path().join("links.ttl");
    sandbox
        .twinning()
        .args(["link", "--dry-run", "-o"])
        .arg(&output)
        .arg("--wikidata")
        .arg(fixture("entities/Q331087.json"))
        .arg(fixture("entities/Q3115965.json"))
        .assert()
        .success();
    let turtle = std::fs::read_to_string(&output).expect("written");
    assert!(
        turtle.contains("city:creil") && turtle.contains("wd:Q331087"),
        "{turtle}"
    );
    assert!(
        turtle.contains("city:great-neck") && turtle.contains("wd:Q3115965"),
        "{turtle}"
    );
    assert!(
        !ask(&sandbox, "ASK { city:creil skos:exactMatch ?item }"),
        "--dry-run writes nothing"
    );
}

#[test]
fn bad_wikidata_files_are_errors_and_nothing_is_written() {
    let sandbox = Sandbox::new();
    let before = sandbox.export_turtle();
    // Entity JSON of the wrong shape is named with the line and column where it goes wrong.
    let wrong = sandbox.file(
        "wrong-shape.json",
        "{\"entities\": {\"Q1\": {\"labels\": [\"not an object\"]}}}",
    );
    sandbox
        .twinning()
        .args(["link", "--wikidata"])
        .arg(&wrong)
        .assert()
        .code(2)
        .stderr(
            predicate::str::is_match(r"wrong-shape\.json:1:\d+: not Wikidata entity JSON").unwrap(),
        );
    sandbox
        .twinning()
        .args(["link", "--wikidata"])
        .arg(fixture("malformed.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(r"malformed\.json:\d+:\d+: not valid JSON").unwrap());
    sandbox
        .twinning()
        .args(["link", "--wikidata"])
        .arg(fixture("not-an-item.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a Wikidata item"));
    assert_eq!(before, sandbox.export_turtle());
}

/// What `link` sends is queries/internal/wikidata_candidates.rq with its VALUES block filled
/// with every name (in the parsed query, never spliced into text): it parses as SPARQL, names
/// with quotes included, and keeps the file's explanation above it.
#[test]
fn print_query_shows_what_would_be_sent() {
    let output = bare()
        .args(["--memory", "link", "--print-query"])
        .output()
        .expect("run twinning");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(text.starts_with("# Candidate Wikidata items"), "{text}");
    for expected in [
        "VALUES ( ?name )",
        "( \"Dakhla\"@en )",
        "( \"الداخلة\"@ar )",
        "<http://www.wikidata.org/prop/direct/P1566>",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let _ = oxigraph::sparql::SparqlEvaluator::new()
        .parse_query(&text)
        .expect("the printed query is SPARQL");
}

#[test]
fn online_reconciliation_asks_politely_and_retries_on_429() {
    let server = Replay::start(vec![Answer::Status(429), json("candidates.json")]);
    let sandbox = Sandbox::new();
    sandbox
        .twinning()
        .args(["link", "--endpoint", &server.url])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("HTTP 429"))
        .stderr(predicate::str::contains("retrying"));
    assert!(ask(
        &sandbox,
        "ASK { city:creil skos:exactMatch wd:Q331087 }"
    ));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests[1]
            .to_ascii_lowercase()
            .contains("user-agent: twinning/"),
        "{}",
        requests[1]
    );
    assert!(requests[1].contains("query=") && requests[1].contains("P1566"));
}

#[test]
fn an_endpoint_that_fails_leaves_the_store_unchanged() {
    let server = Replay::start(vec![Answer::Status(500)]);
    let sandbox = Sandbox::new();
    let before = sandbox.export_turtle();
    sandbox
        .twinning()
        .args(["link", "--endpoint", &server.url])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(&server.url))
        .stderr(predicate::str::contains("HTTP 500"));
    assert_eq!(server.requests().len(), 4, "retried, then gave up");
    assert_eq!(before, sandbox.export_turtle());
}

#[test]
fn an_endpoint_that_never_answers_times_out() {
    let server = Replay::start(vec![Answer::Silence]);
    let sandbox = Sandbox::new();
    sandbox
        .twinning()
        .args(["link", "--timeout", "1", "--endpoint", &server.url])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no answer within 1 s"));
}

#[test]
fn the_diff_sorts_pairs_into_both_here_wikidata_and_dates() {
    let output = bare()
        .args([
            "--memory",
            "wikidata-diff",
            "--format",
            "json",
            "--wikidata",
        ])
        .arg(fixture("p190.json"))
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("JSON");
    let status_of = |a: &str, b: &str| {
        rows.iter()
            .find(|row| {
                let (x, y) = (row["item"].as_str().unwrap(), row["twin"].as_str().unwrap());
                (x, y) == (a, b) || (y, x) == (a, b)
            })
            .map(|row| row["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(status_of("Q345204", "Q16567").as_deref(), Some("in both"));
    assert_eq!(
        status_of("Q47837", "Q17943").as_deref(),
        Some("dates differ")
    );
    assert_eq!(
        status_of("Q345204", "Q9000000004").as_deref(),
        Some("only in Wikidata")
    );
    assert_eq!(status_of("Q345204", "Q3739").as_deref(), Some("only here"));
    let csv = bare()
        .args(["--memory", "wikidata-diff", "--format", "csv", "--wikidata"])
        .arg(fixture("p190.json"))
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&csv.stdout).starts_with("status,item,label,twin"));
}

#[test]
fn quickstatements_add_only_what_wikidata_lacks() {
    let output = bare()
        .args([
            "--memory",
            "export",
            "--format",
            "quickstatements",
            "--wikidata",
        ])
        .arg(fixture("p190.json"))
        .output()
        .expect("run");
    assert!(output.status.success());
    let lines = String::from_utf8(output.stdout).expect("UTF-8");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !lines.contains("Q345204\tP190\tQ16567"),
        "Wikidata has Dakhla–Columbus:\n{lines}"
    );
    assert!(
        lines.contains("Q345204\tP190\tQ3739\tP580\t+2024-11-00T00:00:00Z/10"),
        "{lines}"
    );
    assert!(
        lines.contains("Q3739\tP190\tQ345204\tP580\t+2024-11-00T00:00:00Z/10"),
        "both directions"
    );
    assert!(lines.lines().all(|line| line.split('\t').count() >= 3));
    assert!(
        stderr.contains("skipped (no confirmed Wikidata item): city:creil – city:dakhla"),
        "{stderr}"
    );
}

#[test]
fn the_federated_query_enriches_partners_through_the_service() {
    let server = Replay::start(vec![json("partner_facts.json")]);
    let sandbox = Sandbox::new();
    let output = sandbox
        .twinning()
        .env("TWINNING_WIKIDATA_ENDPOINT", &server.url)
        .args(["query", "wikidata/partner_facts", "--format", "json"])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows = crate::common::bindings(&output.stdout);
    let columbus = rows
        .iter()
        .find(|row| row["partner"] == "Columbus")
        .expect("Columbus");
    assert_eq!(columbus["coordinates"], "Point(-82.99879 39.96118)");
    let request = &server.requests()[0];
    assert!(
        request.contains("Q16567"),
        "the SERVICE call is restricted to our items: {request}"
    );
}

/// Regression (issue 13): offline, the federated query's error suggested `--print-query`, a flag
/// `query` does not take.
#[test]
fn the_federated_query_offline_says_what_query_can_do() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let url = format!("http://{}/sparql", closed.local_addr().expect("addr"));
    drop(closed);
    let sandbox = Sandbox::new();
    let output = sandbox
        .twinning()
        .env("TWINNING_WIKIDATA_ENDPOINT", &url)
        .args(["query", "wikidata/partner_facts"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("--print-query"), "{stderr}");
    assert!(
        stderr.contains("SERVICE") && stderr.contains("TWINNING_WIKIDATA_ENDPOINT"),
        "{stderr}"
    );
}

#[test]
fn the_diff_fetches_wikidata_statements_from_an_endpoint() {
    let server = Replay::start(vec![json("p190.json")]);
    let output = bare()
        .args([
            "--memory",
            "wikidata-diff",
            "--format",
            "csv",
            "--endpoint",
            &server.url,
        ])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = String::from_utf8_lossy(&output.stdout);
    assert!(csv.contains("only in Wikidata,Q345204"), "{csv}");
    let request = &server.requests()[0];
    assert!(
        request.contains("P190") && request.contains("Q345204"),
        "asks for our items' P190: {request}"
    );
}
