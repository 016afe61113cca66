//! The W3C SPARQL 1.1 Protocol and SPARQL 1.1 Graph Store HTTP Protocol, one requirement (or a few
//! close ones) per test, through curl against `twinning serve`. Each test is named after the
//! section of the Recommendation it checks and quotes it; `docs/protocol-checklist.md` lists every
//! requirement. Sources: <https://www.w3.org/TR/2013/REC-sparql11-protocol-20130321/> ("§" alone)
//! and <https://www.w3.org/TR/2013/REC-sparql11-http-rdf-update-20130321/> ("GSP §"). Test names
//! in backquotes (`bad_update_get`, ...) are those of the W3C test suites in `w3c/rdf-tests`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

use crate::serve::{curl, start, Server};

const PLACES: &str = "https://w3id.org/twinning/graph/data/places";
const AGREEMENTS: &str = "https://w3id.org/twinning/graph/data/agreements";
/// A triple of the places graph that no other bundled graph holds.
const DAKHLA: &str = "<https://w3id.org/twinning/id/city/dakhla> <http://www.w3.org/2004/02/skos/core#prefLabel> \"Dakhla\"@en";
/// Where the tests' own IRIs live.
const EX: &str = "http://example.org/protocol-test/";
const TOKEN: &str = "protocol-test-token-0123456789abcdef";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A server that accepts writes with `Authorization: Bearer <token>`. Keep the directory (which
/// holds the token file) alive as long as the server.
fn writable() -> (Server, TempDir, String) {
    let directory = tempfile::tempdir().expect("tempdir");
    let token_file = directory.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).expect("token file");
    let server = start(&[
        "--allow-update",
        "--token-file",
        token_file.to_str().expect("UTF-8 path"),
    ]);
    (server, directory, TOKEN.to_owned())
}

fn bearer(token: &str) -> String {
    format!("Authorization: Bearer {token}")
}

/// `http://example.org/protocol-test/<local>`.
fn ex(local: &str) -> String {
    format!("{EX}{local}")
}

/// `<EX subject> <EX p> "value"`, a triple of the tests' own.
fn triple(subject: &str, value: &str) -> String {
    format!("<{EX}{subject}> <{EX}p> \"{value}\"")
}

/// Percent-encodes everything but the RFC 3986 unreserved characters.
fn pct(text: &str) -> String {
    let mut encoded = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// An `application/x-www-form-urlencoded` body (spaces become `+`, as browsers send them).
fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

fn is_client_error(status: u16) -> bool {
    (400..500).contains(&status)
}

fn query_url(server: &Server) -> String {
    format!("{}/sparql", server.base)
}

fn store_url(server: &Server) -> String {
    format!("{}/store", server.base)
}

fn graph_url(server: &Server, iri: &str) -> String {
    format!("{}/store?graph={}", server.base, pct(iri))
}

fn default_graph_url(server: &Server) -> String {
    format!("{}/store?default", server.base)
}

/// A header's value; the name is matched case-insensitively, the first line (status) skipped.
fn header(head: &str, name: &str) -> Option<String> {
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}

/// The response's media type without parameters, in lower case.
fn media_type(head: &str) -> String {
    header(head, "content-type")
        .map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

/// The `boolean` of a SPARQL JSON result.
fn boolean(body: &str) -> bool {
    let json: Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("SPARQL JSON results: {e}: {body}"));
    json["boolean"]
        .as_bool()
        .unwrap_or_else(|| panic!("a boolean result: {body}"))
}

/// Runs an ASK query by GET and returns its answer (read as SPARQL JSON results).
fn ask(server: &Server, query: &str) -> bool {
    ask_with(server, query, &[])
}

/// As `ask`, with extra protocol parameters, each `name=value` (curl URL-encodes the value).
fn ask_with(server: &Server, query: &str, parameters: &[&str]) -> bool {
    let url = query_url(server);
    let query = format!("query={query}");
    let mut args = vec!["-G", url.as_str(), "--data-urlencode", query.as_str()];
    args.extend(parameters.iter().flat_map(|p| ["--data-urlencode", *p]));
    args.extend(["-H", "Accept: application/sparql-results+json"]);
    let (status, _, body) = curl(&args);
    assert_eq!(status, 200, "{query} {parameters:?}: {body}");
    boolean(&body)
}

/// Whether `graph` holds `triple`, asked through the query endpoint.
fn in_graph(server: &Server, graph: &str, triple: &str) -> bool {
    ask(server, &format!("ASK {{ GRAPH <{graph}> {{ {triple} }} }}"))
}

/// Whether any named graph holds `triple`.
fn anywhere(server: &Server, triple: &str) -> bool {
    ask(server, &format!("ASK {{ GRAPH ?g {{ {triple} }} }}"))
}

/// The first solution's binding of `variable` in a SELECT, as (type, value) of SPARQL JSON.
fn first_binding(server: &Server, query: &str, variable: &str) -> (String, String) {
    let url = query_url(server);
    let query = format!("query={query}");
    let (status, _, body) = curl(&[
        "-G",
        &url,
        "--data-urlencode",
        &query,
        "-H",
        "Accept: application/sparql-results+json",
    ]);
    assert_eq!(status, 200, "{query}: {body}");
    let json: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    let term = &json["results"]["bindings"][0][variable];
    (
        term["type"].as_str().unwrap_or_default().to_owned(),
        term["value"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The number of triples in a named graph, counted by the query endpoint.
fn triples_in(server: &Server, graph: &str) -> usize {
    let query = format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}");
    let (_, value) = first_binding(server, &query, "n");
    value.parse().expect("a count")
}

/// POSTs an update directly (`application/sparql-update`) with the token.
fn update(server: &Server, token: &str, update: &str) -> (u16, String) {
    let url = query_url(server);
    let auth = bearer(token);
    let (status, _, body) = post(&url, "application/sparql-update", &auth, update);
    (status, body)
}

/// Sends `body` with `method` to `url` with the token, as `content_type`; an empty
/// `content_type` sends no Content-Type header at all ("Content-Type:" makes curl drop it).
fn send(
    method: &str,
    url: &str,
    token: &str,
    content_type: &str,
    body: &str,
) -> (u16, String, String) {
    let auth = bearer(token);
    let content_type = format!("Content-Type: {content_type}");
    curl(&[
        "-X",
        method,
        url,
        "-H",
        &auth,
        "-H",
        content_type.trim_end(),
        "--data-binary",
        body,
    ])
}

/// POSTs `body` as `content_type` with the `Authorization` header `auth`.
fn post(url: &str, content_type: &str, auth: &str, body: &str) -> (u16, String, String) {
    curl(&[
        "-X",
        "POST",
        url,
        "-H",
        &format!("Content-Type: {content_type}"),
        "-H",
        auth,
        "--data-binary",
        body,
    ])
}

fn delete(url: &str, token: &str) -> (u16, String, String) {
    let auth = bearer(token);
    curl(&["-X", "DELETE", url, "-H", &auth])
}

/// Like `curl`, but keeps the case of the header block (Location and ETag values are
/// case-sensitive) and discards the body.
fn curl_head_preserving_case(args: &[&str]) -> (u16, String) {
    let output = Command::new("curl")
        .args(["-s", "-S", "-o", "/dev/null", "-D", "-", "--max-time", "30"])
        .args(args)
        .output()
        .expect("curl is installed");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let head = text
        .split("\r\n\r\n")
        .filter(|block| block.starts_with("HTTP/") && !block.starts_with("HTTP/1.1 100"))
        .last()
        .unwrap_or_default()
        .to_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head)
}

/// Resolves a (possibly relative) reference, such as a Location header, against `base`.
fn resolve(base: &str, reference: &str) -> String {
    url::Url::parse(base)
        .and_then(|base| base.join(reference))
        .map(|url| url.to_string())
        .unwrap_or_else(|e| panic!("{reference} against {base}: {e}"))
}

/// A HEAD request over a plain socket, so that a body the server should not send would be seen.
/// Returns the status, the header block (lower case) and whatever followed it.
fn raw_head(server: &Server, target: &str) -> (u16, String, Vec<u8>) {
    let authority = server.base.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&authority).expect("connect to the server");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("read timeout");
    write!(
        stream,
        "HEAD {target} HTTP/1.1\r\nHost: {authority}\r\nAccept: text/turtle\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut received = Vec::new();
    // Ends when the server closes the connection, or after the timeout if it keeps it open.
    let _ = stream.read_to_end(&mut received);
    let end = received
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|at| at + 4)
        .unwrap_or_else(|| panic!("a complete header block: {received:?}"));
    let head = String::from_utf8_lossy(&received[..end]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head, received[end..].to_vec())
}

/// A UTF-16 (little-endian, with a byte order mark) encoding of `text`.
fn utf16(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// Two graphs of the tests' own, each with one document: `g1` holds `s1`, `g2` holds `s2`.
fn two_documents(server: &Server, token: &str) {
    let data = format!(
        "INSERT DATA {{ GRAPH <{EX}g1> {{ <{EX}s1> a <{EX}Document> }} GRAPH <{EX}g2> {{ <{EX}s2> a <{EX}Document> }} }}"
    );
    let (status, body) = update(server, token, &data);
    assert!(is_success(status), "{status} {body}");
}

/// Whether graph `out` marks subject `s` (`<EX s> a <EX Marked>`).
fn marked(server: &Server, out: &str, s: &str) -> bool {
    in_graph(server, &ex(out), &format!("<{EX}{s}> a <{EX}Marked>"))
}

const RDF_XML: &str = "<?xml version=\"1.0\"?>
<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns:ex=\"http://example.org/protocol-test/\">
  <rdf:Description rdf:about=\"http://example.org/protocol-test/rdfxml\"><ex:p>v</ex:p></rdf:Description>
</rdf:RDF>
";

// ---------------------------------------------------------------------------------------------
// SPARQL 1.1 Protocol: the query operation
// ---------------------------------------------------------------------------------------------

/// §2.1: "The query operation **MUST** be invoked with either the HTTP GET or HTTP POST method."
/// Another method is a client error (`bad_query_method`: 4xx); §2: "All HTTP requirements ...
/// **must** be followed", so a 405 names the allowed methods in an Allow header.
#[test]
fn protocol_2_1_query_with_another_method_is_refused() {
    let server = start(&[]);
    let url = format!("{}?query={}", query_url(&server), pct("ASK {}"));
    for method in ["PUT", "DELETE", "PATCH"] {
        let (status, head, body) = curl(&[
            "-X",
            method,
            &url,
            "-H",
            "Content-Type: application/x-www-form-urlencoded",
            "--data-binary",
            "",
        ]);
        assert!(is_client_error(status), "{method}: {status} {body}");
        if status == 405 {
            assert!(
                header(&head, "allow").is_some(),
                "{method}: a 405 without Allow: {head}"
            );
        }
    }
}

/// §2.1: requests "**must** include exactly one SPARQL query string (parameter name: `query`)"
/// (table: `query` (exactly 1)). Two queries, or a protocol request with none, are client errors
/// (`bad_multiple_queries`: 4xx).
#[test]
fn protocol_2_1_exactly_one_query_parameter() {
    let server = start(&[]);
    let url = query_url(&server);
    let (status, _, body) = curl(&[
        "-G",
        &url,
        "--data-urlencode",
        "query=ASK {}",
        "--data-urlencode",
        "query=SELECT * {}",
    ]);
    assert!(
        is_client_error(status),
        "two queries by GET: {status} {body}"
    );
    let two = form(&[("query", "ASK {}"), ("query", "SELECT * {}")]);
    let none = form(&[("default-graph-uri", PLACES)]);
    for (what, body) in [("two queries", &two), ("no query", &none)] {
        let (status, _, response) = curl(&[
            &url,
            "-H",
            "Content-Type: application/x-www-form-urlencoded",
            "--data-binary",
            body,
        ]);
        assert!(
            is_client_error(status),
            "{what} in a form: {status} {response}"
        );
    }
}

/// §2.1.1: "clients **must** URL percent encode all parameters and include them as query
/// parameter strings"; parameters "**must** be separated with the ampersand (`&`)"; "Clients may
/// include the query string parameters in any order." The service percent-decodes UTF-8 (example
/// 3.1.13 sends kanji this way) and answers 2XX (`query_get`).
#[test]
fn protocol_2_1_1_query_via_get() {
    let server = start(&[]);
    assert!(ask(&server, &format!("ASK {{ {DAKHLA} }}")));
    assert!(
        ask(
            &server,
            "ASK { <https://w3id.org/twinning/id/city/dakhla> <http://www.w3.org/2004/02/skos/core#prefLabel> \"الداخلة\"@ar }"
        ),
        "a non-ASCII literal, percent-encoded as UTF-8"
    );
    let query = pct(&format!("ASK {{ {DAKHLA} }}"));
    let graph = pct(PLACES);
    let base = query_url(&server);
    for target in [
        format!("{base}?query={query}&default-graph-uri={graph}"),
        format!("{base}?default-graph-uri={graph}&query={query}"),
    ] {
        let (status, head, body) =
            curl(&[&target, "-H", "Accept: application/sparql-results+json"]);
        assert_eq!(status, 200, "{target}: {body}");
        assert_eq!(media_type(&head), "application/sparql-results+json");
        assert!(boolean(&body), "{target}");
    }
}

/// §2.1.2: clients "**must** URL percent encode ... all parameters and include them as parameters
/// within the request body via the `application/x-www-form-urlencoded` media type"
/// (`query_post_form`). Dataset parameters travel in the body too.
#[test]
fn protocol_2_1_2_query_via_post_urlencoded() {
    let server = start(&[]);
    let url = query_url(&server);
    let query = format!("ASK {{ {DAKHLA} }}");
    for (graph, expected) in [(PLACES, true), (AGREEMENTS, false)] {
        let body = form(&[("query", query.as_str()), ("default-graph-uri", graph)]);
        let (status, head, response) = curl(&[
            &url,
            "-H",
            "Content-Type: application/x-www-form-urlencoded",
            "-H",
            "Accept: application/sparql-results+json",
            "--data-binary",
            &body,
        ]);
        assert_eq!(status, 200, "{response}");
        assert_eq!(media_type(&head), "application/sparql-results+json");
        assert_eq!(boolean(&response), expected, "default-graph-uri={graph}");
    }
    let body = form(&[("query", query.as_str())]);
    let (status, _, response) = curl(&[
        &url,
        "-H",
        "Content-Type: application/x-www-form-urlencoded; charset=UTF-8",
        "-H",
        "Accept: application/sparql-results+json",
        "--data-binary",
        &body,
    ]);
    assert_eq!(status, 200, "with a charset parameter: {response}");
    assert!(boolean(&response));
}

/// §2.1.2: "The content type header of the HTTP request **must** be set to
/// `application/x-www-form-urlencoded`"; §2.1.3: "Clients **must** set the content type header of
/// the HTTP request to `application/sparql-query`"; §2.1: the parameters "**must** be sent
/// according to one of these three options". A body under no or another media type is a client
/// error (`bad_query_missing_form_type`, `bad_query_missing_direct_type`,
/// `bad_query_wrong_media_type`: 4xx).
#[test]
fn protocol_2_1_2_a_body_without_a_protocol_media_type_is_refused() {
    let server = start(&[]);
    let url = query_url(&server);
    for (content_type, body) in [
        ("", "query=ASK%20%7B%7D"),
        ("", "ASK {}"),
        ("text/plain", "ASK {}"),
        ("application/json", "{\"query\": \"ASK {}\"}"),
    ] {
        let content_type_header = format!("Content-Type: {content_type}");
        let (status, _, response) = curl(&[
            "-X",
            "POST",
            &url,
            "-H",
            content_type_header.trim_end(),
            "--data-binary",
            body,
        ]);
        assert!(
            is_client_error(status),
            "Content-Type {content_type:?}, body {body:?}: {status} {response}"
        );
    }
}

/// §2.1.3: clients "**must** include the SPARQL query string, unencoded, and nothing else as the
/// message body"; they "**may** include the optional `default-graph-uri` and `named-graph-uri`
/// parameters as HTTP query string parameters in the request URI" (`query_post_direct`,
/// `query_dataset_default_graphs_post`, `query_dataset_named_graphs_post`).
#[test]
fn protocol_2_1_3_query_via_post_directly() {
    let server = start(&[]);
    let base = query_url(&server);
    let query = format!("ASK {{ {DAKHLA} }}");
    let named = format!("ASK {{ GRAPH ?g {{ {DAKHLA} }} }}");
    for (parameter, graph, body, expected) in [
        ("default-graph-uri", PLACES, &query, true),
        ("default-graph-uri", AGREEMENTS, &query, false),
        ("named-graph-uri", PLACES, &named, true),
        ("named-graph-uri", AGREEMENTS, &named, false),
    ] {
        let url = format!("{base}?{parameter}={}", pct(graph));
        let (status, head, response) = curl(&[
            "-X",
            "POST",
            &url,
            "-H",
            "Content-Type: application/sparql-query",
            "-H",
            "Accept: application/sparql-results+json",
            "--data-binary",
            body,
        ]);
        assert_eq!(status, 200, "{parameter}={graph}: {response}");
        assert_eq!(media_type(&head), "application/sparql-results+json");
        assert_eq!(boolean(&response), expected, "{parameter}={graph}");
    }
}

/// §2.1.3: "Note that UTF-8 is the only valid charset here." A UTF-16 body is refused
/// (`bad_query_non_utf8`: 4xx); `charset=UTF-8` said explicitly is fine.
#[test]
fn protocol_2_1_3_direct_post_is_utf8_only() {
    let server = start(&[]);
    let url = query_url(&server);
    let directory = tempfile::tempdir().expect("tempdir");
    let file = directory.path().join("ask-utf16.rq");
    std::fs::write(&file, utf16("ASK {}")).expect("write the query");
    let data = format!("@{}", file.display());
    let (status, _, body) = curl(&[
        "-X",
        "POST",
        &url,
        "-H",
        "Content-Type: application/sparql-query; charset=UTF-16",
        "--data-binary",
        &data,
    ]);
    assert!(is_client_error(status), "a UTF-16 query: {status} {body}");
    let (status, _, body) = curl(&[
        "-X",
        "POST",
        &url,
        "-H",
        "Content-Type: application/sparql-query; charset=UTF-8",
        "-H",
        "Accept: application/sparql-results+json",
        "--data-binary",
        "ASK {}",
    ]);
    assert_eq!(status, 200, "{body}");
    assert!(boolean(&body));
}

/// §2.1.4: "The RDF Dataset for a query may be specified ... via the `default-graph-uri` and
/// `named-graph-uri` parameters"; table: `default-graph-uri` (0 or more). Several make a default
/// graph that is their merge, as several FROM do (`query_dataset_default_graphs_get`).
#[test]
fn protocol_2_1_4_default_graph_uri_sets_the_default_graph() {
    let server = start(&[]);
    let query = format!("ASK {{ {DAKHLA} }}");
    assert!(
        ask(&server, &query),
        "the service's default dataset sees every graph"
    );
    let places = format!("default-graph-uri={PLACES}");
    let agreements = format!("default-graph-uri={AGREEMENTS}");
    assert!(ask_with(&server, &query, &[&places]));
    assert!(!ask_with(&server, &query, &[&agreements]));
    assert!(
        ask_with(&server, &query, &[&agreements, &places]),
        "two default-graph-uri are merged"
    );
    assert!(
        !ask_with(
            &server,
            &format!("ASK {{ GRAPH ?g {{ {DAKHLA} }} }}"),
            &[&places]
        ),
        "a default graph given alone brings no named graphs"
    );
}

/// §2.1.4 / table: `named-graph-uri` (0 or more) gives the named graphs
/// (`query_dataset_named_graphs_get`, `query_dataset_full`); outside GRAPH the query sees the
/// default graph, which named graphs given alone leave empty (Query §13.2: "If there is no FROM
/// clause, but there is one or more FROM NAMED clauses, then the dataset includes an empty graph
/// for the default graph").
#[test]
fn protocol_2_1_4_named_graph_uri_sets_the_named_graphs() {
    let server = start(&[]);
    let in_some_graph = format!("ASK {{ GRAPH ?g {{ {DAKHLA} }} }}");
    let places = format!("named-graph-uri={PLACES}");
    let agreements = format!("named-graph-uri={AGREEMENTS}");
    assert!(ask_with(&server, &in_some_graph, &[&places]));
    assert!(!ask_with(&server, &in_some_graph, &[&agreements]));
    assert!(ask_with(&server, &in_some_graph, &[&agreements, &places]));
    assert!(
        !ask_with(
            &server,
            &format!("ASK {{ GRAPH <{AGREEMENTS}> {{ ?s ?p ?o }} }}"),
            &[&places]
        ),
        "a graph the request does not name is not in the dataset"
    );
    assert!(
        !ask_with(&server, "ASK { ?s ?p ?o }", &[&places]),
        "with named graphs only, the default graph is empty"
    );
    let full = format!("default-graph-uri={AGREEMENTS}");
    assert!(
        ask_with(
            &server,
            &format!("ASK {{ ?a ?b ?c GRAPH <{PLACES}> {{ {DAKHLA} }} }}"),
            &[&full, &places]
        ),
        "default and named graphs together"
    );
}

/// §2.1.4: "If different RDF Datasets are specified in both the protocol request and the SPARQL
/// query string, then the SPARQL service **must** execute the query using the RDF Dataset given in
/// the protocol request." (`query_multiple_dataset`; example 3.1.8.)
#[test]
fn protocol_2_1_4_the_protocol_dataset_overrides_from_and_from_named() {
    let server = start(&[]);
    let from_places = format!("ASK FROM <{PLACES}> {{ {DAKHLA} }}");
    let from_agreements = format!("ASK FROM <{AGREEMENTS}> {{ {DAKHLA} }}");
    assert!(ask(&server, &from_places), "FROM alone gives the dataset");
    assert!(!ask(&server, &from_agreements));
    assert!(!ask_with(
        &server,
        &from_places,
        &[&format!("default-graph-uri={AGREEMENTS}")]
    ));
    assert!(ask_with(
        &server,
        &from_agreements,
        &[&format!("default-graph-uri={PLACES}")]
    ));
    let named_agreements = format!("ASK FROM NAMED <{AGREEMENTS}> {{ GRAPH ?g {{ {DAKHLA} }} }}");
    assert!(
        !ask(&server, &named_agreements),
        "FROM NAMED alone gives the dataset"
    );
    assert!(ask_with(
        &server,
        &named_agreements,
        &[&format!("named-graph-uri={PLACES}")]
    ));
    // The same by direct POST, with the dataset in the URL.
    let url = format!(
        "{}?default-graph-uri={}",
        query_url(&server),
        pct(AGREEMENTS)
    );
    let (status, _, body) = curl(&[
        "-X",
        "POST",
        &url,
        "-H",
        "Content-Type: application/sparql-query",
        "-H",
        "Accept: application/sparql-results+json",
        "--data-binary",
        &from_places,
    ]);
    assert_eq!(status, 200, "{body}");
    assert!(!boolean(&body), "direct POST: the protocol's dataset wins");
}

/// §2.1.5: "Protocol clients **should** use HTTP content negotiation [RFC2616] to request response
/// formats that the client can consume." The service follows the Accept header's preferences
/// (q-values) and, when it can offer nothing acceptable, says 406 (RFC 2616 §10.4.7).
#[test]
fn protocol_2_1_5_content_negotiation_follows_the_clients_preferences() {
    let server = start(&[]);
    let url = query_url(&server);
    let select = "query=SELECT ?l WHERE { <https://w3id.org/twinning/id/city/dakhla> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }";
    let construct = "query=CONSTRUCT WHERE { <https://w3id.org/twinning/id/city/dakhla> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }";
    for (query, accept, expected) in [
        (
            select,
            "application/sparql-results+xml;q=0.5, application/sparql-results+json",
            "application/sparql-results+json",
        ),
        (
            select,
            "application/sparql-results+json;q=0.5, application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        (
            select,
            "text/csv;q=0.2, text/tab-separated-values;q=0.9",
            "text/tab-separated-values",
        ),
        (
            construct,
            "text/turtle;q=0.1, application/n-triples",
            "application/n-triples",
        ),
        (
            construct,
            "application/n-triples;q=0.1, text/turtle",
            "text/turtle",
        ),
        (construct, "application/rdf+xml", "application/rdf+xml"),
    ] {
        let accept_header = format!("Accept: {accept}");
        let (status, head, body) =
            curl(&["-G", &url, "--data-urlencode", query, "-H", &accept_header]);
        assert_eq!(status, 200, "{accept}: {body}");
        assert_eq!(media_type(&head), expected, "Accept: {accept}");
    }
    let (status, _, _) = curl(&[
        "-G",
        &url,
        "--data-urlencode",
        select,
        "-H",
        "Accept: image/png",
    ]);
    assert_eq!(status, 406);
}

/// §2.1.6: "a protocol service **should** use a 2XX HTTP response code for a successful query";
/// the body is "a SPARQL Results Document in XML, JSON, or CSV/TSV format (for SPARQL Query forms
/// SELECT and ASK); or, an RDF graph ... for SPARQL Query forms DESCRIBE and CONSTRUCT"; "The
/// content type of the response to a successful query operation must be the media type defined
/// for the format of the response body." (`query_content_type_ask`, `..._describe`.)
#[test]
fn protocol_2_1_6_success_is_2xx_with_the_media_type_of_the_body() {
    let server = start(&[]);
    let url = query_url(&server);
    let ask_query = format!("query=ASK {{ {DAKHLA} }}");
    let (status, head, body) = curl(&[
        "-G",
        &url,
        "--data-urlencode",
        &ask_query,
        "-H",
        "Accept: application/sparql-results+json",
    ]);
    assert!(is_success(status), "{status} {body}");
    assert_eq!(media_type(&head), "application/sparql-results+json");
    assert!(boolean(&body));
    let (status, head, body) = curl(&[
        "-G",
        &url,
        "--data-urlencode",
        &ask_query,
        "-H",
        "Accept: application/sparql-results+xml",
    ]);
    assert!(is_success(status), "{status} {body}");
    assert_eq!(media_type(&head), "application/sparql-results+xml");
    assert!(body.contains("<boolean>true</boolean>"), "{body}");
    // No Accept header at all: some results format, and the body in it.
    let (status, head, body) = curl(&["-G", &url, "--data-urlencode", &ask_query, "-H", "Accept:"]);
    assert!(is_success(status), "{status} {body}");
    match media_type(&head).as_str() {
        "application/sparql-results+json" => assert!(boolean(&body)),
        "application/sparql-results+xml" => assert!(body.contains("<boolean>true</boolean>")),
        other => panic!("an ASK answered as {other:?}: {body}"),
    }
    let describe = "query=DESCRIBE <https://w3id.org/twinning/id/city/dakhla>";
    let (status, head, body) = curl(&[
        "-G",
        &url,
        "--data-urlencode",
        describe,
        "-H",
        "Accept: application/n-triples",
    ]);
    assert!(is_success(status), "{status} {body}");
    assert_eq!(media_type(&head), "application/n-triples");
    assert!(body.contains(DAKHLA), "{body}");
}

/// §2.1.7: "400 if the SPARQL query supplied in the request is not a legal sequence of characters
/// in the language defined by the SPARQL grammar" (`bad_query_syntax`; example 3.1.9); "The
/// response body of a failed query request is implementation defined" (here a text/plain
/// message, as in example 3.1.9). An update is not a query.
#[test]
fn protocol_2_1_7_a_malformed_query_is_400() {
    let server = start(&[]);
    let url = query_url(&server);
    for query in [
        "ASK {",
        "SELECT ?name WHERE { ?x <http://xmlns.com/foaf/0.1/name> ?name ORDER BY ?name }",
        "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
    ] {
        let parameter = format!("query={query}");
        let (status, head, body) = curl(&["-G", &url, "--data-urlencode", &parameter]);
        assert_eq!(status, 400, "GET {query}: {body}");
        assert_eq!(media_type(&head), "text/plain", "{head}");
        assert!(!body.trim().is_empty(), "the 400 says what is wrong");
        let (status, _, body) = curl(&[
            "-X",
            "POST",
            &url,
            "-H",
            "Content-Type: application/sparql-query",
            "--data-binary",
            query,
        ]);
        assert_eq!(status, 400, "POST {query}: {body}");
    }
}

// ---------------------------------------------------------------------------------------------
// SPARQL 1.1 Protocol: the update operation
// ---------------------------------------------------------------------------------------------

/// §2.2: "The update operation **must** be invoked using the HTTP POST method." An update sent by
/// GET is refused (`bad_update_get`: 4xx) and changes nothing, even with a valid token.
#[test]
fn protocol_2_2_update_via_get_is_refused() {
    let (server, _directory, token) = writable();
    let auth = bearer(&token);
    let data = triple("via-get", "x");
    let insert = format!("update=INSERT DATA {{ GRAPH <{EX}g> {{ {data} }} }}");
    for path in ["/sparql", "/update"] {
        let url = format!("{}{path}", server.base);
        let (status, _, body) = curl(&["-G", &url, "--data-urlencode", &insert, "-H", &auth]);
        assert!(
            is_client_error(status),
            "GET {path}?update=...: {status} {body}"
        );
    }
    assert!(!anywhere(&server, &data), "the update did not run");
}

/// §2.2: requests "**must** include exactly one SPARQL update request string (parameter name:
/// `update`)" (table: `update` (exactly 1)). Two are a client error (`bad_multiple_updates`: 4xx)
/// and neither runs.
#[test]
fn protocol_2_2_exactly_one_update_parameter() {
    let (server, _directory, token) = writable();
    let auth = bearer(&token);
    let first = triple("first", "x");
    let second = triple("second", "x");
    let one = format!("INSERT DATA {{ GRAPH <{EX}g> {{ {first} }} }}");
    let two = format!("INSERT DATA {{ GRAPH <{EX}g> {{ {second} }} }}");
    let body = form(&[("update", one.as_str()), ("update", two.as_str())]);
    let (status, _, response) = post(
        &query_url(&server),
        "application/x-www-form-urlencoded",
        &auth,
        &body,
    );
    assert!(is_client_error(status), "{status} {response}");
    assert!(!anywhere(&server, &first) && !anywhere(&server, &second));
}

/// §2.2.1: clients "**must** URL percent encode ... all parameters and include them as parameters
/// within the request body via the `application/x-www-form-urlencoded` media type"
/// (`update_post_form`, which sends `update=CLEAR+ALL`); §2.2.4: a service "**should** use a 2XX
/// HTTP response code for an update request that is successfully processed".
#[test]
fn protocol_2_2_1_update_via_post_urlencoded() {
    let (server, _directory, token) = writable();
    let auth = bearer(&token);
    for path in ["/sparql", "/update"] {
        let data = triple(&format!("form{}", path.replace('/', "-")), "x");
        let insert = format!("INSERT DATA {{ GRAPH <{EX}g> {{ {data} }} }}");
        let body = form(&[("update", insert.as_str())]);
        assert!(body.contains('+'), "spaces are sent as '+': {body}");
        let (status, _, response) = curl(&[
            &format!("{}{path}", server.base),
            "-H",
            "Content-Type: application/x-www-form-urlencoded",
            "-H",
            &auth,
            "--data-binary",
            &body,
        ]);
        assert!(is_success(status), "{path}: {status} {response}");
        assert!(in_graph(&server, &ex("g"), &data), "{path}: the update ran");
    }
}

/// §2.2.1: "The content type header of the HTTP request **must** be set to
/// `application/x-www-form-urlencoded`"; §2.2: the parameters "**must** be sent according to one
/// of these two options" (`bad_update_missing_form_type`, `bad_update_wrong_media_type`: 4xx).
#[test]
fn protocol_2_2_1_an_update_without_a_protocol_media_type_is_refused() {
    let (server, _directory, token) = writable();
    let url = query_url(&server);
    let data = triple("wrong-type", "x");
    let insert = format!("INSERT DATA {{ GRAPH <{EX}g> {{ {data} }} }}");
    let encoded = form(&[("update", insert.as_str())]);
    for (content_type, body) in [
        ("", encoded.as_str()),
        ("", insert.as_str()),
        ("text/plain", insert.as_str()),
        ("application/sparql-query", insert.as_str()),
    ] {
        let (status, _, response) = send("POST", &url, &token, content_type, body);
        assert!(
            is_client_error(status),
            "Content-Type {content_type:?}: {status} {response}"
        );
    }
    assert!(!anywhere(&server, &data), "nothing ran");
}

/// §2.2.2: clients "**must** include the SPARQL update request string, unencoded, and nothing else
/// as the message body" and "**must** set the content type header ... to
/// `application/sparql-update`" (`update_post_direct`; example 3.2.4 separates operations with
/// ';'). A body in another charset than UTF-8 is refused (`bad_update_non_utf8`: 4xx).
#[test]
fn protocol_2_2_2_update_via_post_directly() {
    let (server, _directory, token) = writable();
    let old = triple("direct", "old");
    let new = triple("direct", "new");
    let (status, body) = update(
        &server,
        &token,
        &format!("INSERT DATA {{ GRAPH <{EX}g> {{ {old} }} }}"),
    );
    assert!(is_success(status), "{status} {body}");
    assert!(in_graph(&server, &ex("g"), &old));
    let (status, body) = update(
        &server,
        &token,
        &format!("DELETE DATA {{ GRAPH <{EX}g> {{ {old} }} }} ;\nINSERT DATA {{ GRAPH <{EX}g> {{ {new} }} }}"),
    );
    assert!(is_success(status), "two operations: {status} {body}");
    assert!(!in_graph(&server, &ex("g"), &old) && in_graph(&server, &ex("g"), &new));

    let utf16_data = triple("utf16", "x");
    let directory = tempfile::tempdir().expect("tempdir");
    let file = directory.path().join("update-utf16.ru");
    std::fs::write(
        &file,
        utf16(&format!(
            "INSERT DATA {{ GRAPH <{EX}g> {{ {utf16_data} }} }}"
        )),
    )
    .expect("write the update");
    let (status, _, response) = send(
        "POST",
        &query_url(&server),
        &token,
        "application/sparql-update; charset=UTF-16",
        &format!("@{}", file.display()),
    );
    assert!(
        is_client_error(status),
        "a UTF-16 update: {status} {response}"
    );
    assert!(!anywhere(&server, &utf16_data));
}

/// §2.2.3: "A SPARQL Update processor should treat each occurrence of the `using-graph-uri=g`
/// parameter in an update protocol operation as if a `USING <g>` clause were included for every
/// operation in the SPARQL 1.1 Update request"; table: `using-graph-uri` (0 or more), in the URL
/// of a direct POST and in the body of a URL-encoded POST (`update_dataset_default_graph`,
/// `update_dataset_default_graphs`; example 3.2.3).
#[test]
fn protocol_2_2_3_using_graph_uri_acts_as_using() {
    let (server, _directory, token) = writable();
    two_documents(&server, &token);
    let auth = bearer(&token);
    let mark = |out: &str| {
        format!("INSERT {{ GRAPH <{EX}{out}> {{ ?s a <{EX}Marked> }} }} WHERE {{ ?s a <{EX}Document> }}")
    };
    // Direct POST, the parameter in the URL.
    let url = format!("{}?using-graph-uri={}", query_url(&server), pct(&ex("g1")));
    let (status, _, body) = post(&url, "application/sparql-update", &auth, &mark("out1"));
    assert!(is_success(status), "{status} {body}");
    assert!(marked(&server, "out1", "s1") && !marked(&server, "out1", "s2"));
    // URL-encoded POST, the parameter in the body.
    let out2 = mark("out2");
    let g2 = ex("g2");
    let body = form(&[("update", out2.as_str()), ("using-graph-uri", g2.as_str())]);
    let (status, _, response) = post(
        &query_url(&server),
        "application/x-www-form-urlencoded",
        &auth,
        &body,
    );
    assert!(is_success(status), "{status} {response}");
    assert!(marked(&server, "out2", "s2") && !marked(&server, "out2", "s1"));
    // Twice: the WHERE clause's default graph is the merge of both.
    let url = format!(
        "{}?using-graph-uri={}&using-graph-uri={}",
        query_url(&server),
        pct(&ex("g1")),
        pct(&ex("g2"))
    );
    let (status, _, body) = post(&url, "application/sparql-update", &auth, &mark("out3"));
    assert!(is_success(status), "{status} {body}");
    assert!(marked(&server, "out3", "s1") && marked(&server, "out3", "s2"));
}

/// §2.2.3: "a SPARQL Update processor should treat each occurrence of the
/// `using-named-graph-uri=g` parameter in an update protocol operation as if a `USING NAMED <g>`
/// clause were included for every operation" (`update_dataset_named_graphs`; examples 3.2.5 and
/// 3.2.6).
#[test]
fn protocol_2_2_3_using_named_graph_uri_acts_as_using_named() {
    let (server, _directory, token) = writable();
    two_documents(&server, &token);
    let auth = bearer(&token);
    let mark = |out: &str| {
        format!(
            "INSERT {{ GRAPH <{EX}{out}> {{ ?s a <{EX}Marked> }} }} WHERE {{ GRAPH ?g {{ ?s a <{EX}Document> }} }}"
        )
    };
    let url = format!(
        "{}?using-named-graph-uri={}",
        query_url(&server),
        pct(&ex("g2"))
    );
    let (status, _, body) = post(&url, "application/sparql-update", &auth, &mark("out1"));
    assert!(is_success(status), "{status} {body}");
    assert!(marked(&server, "out1", "s2") && !marked(&server, "out1", "s1"));
    let out2 = mark("out2");
    let g1 = ex("g1");
    let body = form(&[
        ("using-named-graph-uri", g1.as_str()),
        ("update", out2.as_str()),
    ]);
    let (status, _, response) = post(
        &query_url(&server),
        "application/x-www-form-urlencoded",
        &auth,
        &body,
    );
    assert!(is_success(status), "{status} {response}");
    assert!(marked(&server, "out2", "s1") && !marked(&server, "out2", "s2"));
}

/// §2.2.3: "It is an error to supply the `using-graph-uri` or `using-named-graph-uri` parameters
/// when using this protocol to convey a SPARQL 1.1 Update request that contains an operation that
/// uses the `USING`, `USING NAMED`, or `WITH` clause." (`bad_update_dataset_conflict`: 4xx.)
/// Nothing of the request runs, not even its other operations.
#[test]
fn protocol_2_2_3_using_parameters_with_using_or_with_is_an_error() {
    let (server, _directory, token) = writable();
    two_documents(&server, &token);
    let auth = bearer(&token);
    let with =
        format!("WITH <{EX}g1> INSERT {{ ?s a <{EX}Marked> }} WHERE {{ ?s a <{EX}Document> }}");
    let using = format!(
        "INSERT {{ GRAPH <{EX}out> {{ ?s a <{EX}Marked> }} }} USING <{EX}g1> WHERE {{ ?s a <{EX}Document> }}"
    );
    let using_named = format!(
        "INSERT {{ GRAPH <{EX}out> {{ ?s a <{EX}Marked> }} }} USING NAMED <{EX}g1> WHERE {{ GRAPH ?g {{ ?s a <{EX}Document> }} }}"
    );
    let second_operation =
        format!("INSERT DATA {{ GRAPH <{EX}out> {{ <{EX}flag> a <{EX}Marked> }} }} ;\n{with}");
    for parameter in ["using-graph-uri", "using-named-graph-uri"] {
        let url = format!("{}?{parameter}={}", query_url(&server), pct(&ex("g2")));
        for request in [&with, &using, &using_named, &second_operation] {
            let (status, _, body) = post(&url, "application/sparql-update", &auth, request);
            assert!(
                is_client_error(status),
                "{parameter} with {request}: {status} {body}"
            );
        }
    }
    assert!(
        !ask(
            &server,
            &format!("ASK {{ GRAPH ?g {{ ?s a <{EX}Marked> }} }}")
        ),
        "no operation ran"
    );
}

/// §2.2.5: "The HTTP response code for an unsuccessful update request should be: 400 if the
/// SPARQL update request string is not a legal sequence of characters in the language defined by
/// the SPARQL Update grammar" (`bad_update_syntax`, which sends `update=CLEAR%20XYZ`). A query is
/// not an update.
#[test]
fn protocol_2_2_5_a_malformed_update_is_400() {
    let (server, _directory, token) = writable();
    let auth = bearer(&token);
    let (status, _, body) = curl(&[
        &query_url(&server),
        "-H",
        "Content-Type: application/x-www-form-urlencoded",
        "-H",
        &auth,
        "--data-binary",
        "update=CLEAR%20XYZ",
    ]);
    assert_eq!(status, 400, "{body}");
    for request in [
        "SELECT * WHERE { ?s ?p ?o }",
        "INSERT DATA { <http://example.org/a> }",
    ] {
        let (status, body) = update(&server, &token, request);
        assert_eq!(status, 400, "{request}: {body}");
        assert!(!body.trim().is_empty(), "the 400 says what is wrong");
    }
}

/// §2.2.5: the code for an unsuccessful update "should be ... 500 if the service fails to execute
/// the update request". SPARQL 1.1 Update §2.2: "Each request SHOULD be treated atomically"; §3:
/// "a result of failure from any operation MUST abort the sequence of operations". `DROP GRAPH`
/// (without SILENT) of a graph that does not exist fails.
#[test]
fn protocol_2_2_5_an_update_that_fails_is_500_and_has_no_effect() {
    let (server, _directory, token) = writable();
    let before = triple("before-failure", "x");
    let after = triple("after-failure", "x");
    let missing = ex("never-created");
    for (request, data) in [
        (
            format!("INSERT DATA {{ GRAPH <{EX}g> {{ {before} }} }} ;\nDROP GRAPH <{missing}>"),
            &before,
        ),
        (
            format!("DROP GRAPH <{missing}> ;\nINSERT DATA {{ GRAPH <{EX}g> {{ {after} }} }}"),
            &after,
        ),
    ] {
        let (status, body) = update(&server, &token, &request);
        assert_eq!(status, 500, "{request}: {body}");
        assert!(!anywhere(&server, data), "{request}: nothing of it stays");
    }
}

/// §2.3: "SPARQL Protocol services **must** define their own base URI, which **may** be the service
/// endpoint"; the `BASE` keyword, when present, defines it (RFC 3986 §5.1.1; Query §4.1.1.2). A
/// relative IRI in a query or an update thus becomes an absolute IRI (`update_base_uri`: "`?o`
/// bound to an IRI that is _not_ `<test>`").
#[test]
fn protocol_2_3_the_service_defines_a_base_iri() {
    let (server, _directory, token) = writable();
    let (kind, value) = first_binding(&server, "SELECT (<relative-name> AS ?x) WHERE {}", "x");
    assert_eq!(kind, "uri");
    assert!(
        url::Url::parse(&value).is_ok() && value.ends_with("relative-name"),
        "resolved against the service's base: {value}"
    );
    let (_, value) = first_binding(
        &server,
        "BASE <http://example.org/base/> SELECT (<name> AS ?x) WHERE {}",
        "x",
    );
    assert_eq!(value, "http://example.org/base/name", "BASE wins");
    let (status, body) = update(
        &server,
        &token,
        &format!("INSERT DATA {{ GRAPH <{EX}base> {{ <{EX}s> <{EX}p> <test> }} }}"),
    );
    assert!(is_success(status), "{status} {body}");
    let (kind, value) = first_binding(
        &server,
        &format!("SELECT ?o WHERE {{ GRAPH <{EX}base> {{ <{EX}s> <{EX}p> ?o }} }}"),
        "o",
    );
    assert_eq!(kind, "uri");
    assert!(
        value != "test" && url::Url::parse(&value).is_ok() && value.ends_with("test"),
        "{value}"
    );
}

/// §4.1: "implementations may choose not to implement the update operation. Alternatively,
/// implementations may choose to use HTTP authentication mechanisms or other
/// implementation-defined mechanisms to prevent unauthorized invocations of the update
/// operation." Read-only: 403. With a token: 401 without it (with WWW-Authenticate, as HTTP
/// requires of a 401), and the token's scheme name is case-insensitive (RFC 7235 §2.1).
#[test]
fn protocol_4_1_updates_need_authorisation() {
    let data = triple("authorised", "x");
    let insert = form(&[(
        "update",
        format!("INSERT DATA {{ GRAPH <{EX}g> {{ {data} }} }}").as_str(),
    )]);
    let server = start(&[]);
    let (status, _, body) = curl(&[
        &query_url(&server),
        "-H",
        "Content-Type: application/x-www-form-urlencoded",
        "--data-binary",
        &insert,
    ]);
    assert_eq!(status, 403, "read-only: {body}");
    assert!(!anywhere(&server, &data));
    drop(server);

    let (server, _directory, token) = writable();
    let url = query_url(&server);
    let (status, head, _) = curl(&[
        &url,
        "-H",
        "Content-Type: application/x-www-form-urlencoded",
        "--data-binary",
        &insert,
    ]);
    assert_eq!(status, 401);
    assert!(header(&head, "www-authenticate").is_some(), "{head}");
    for wrong in [
        "Authorization: Basic dXNlcjpwYXNz",
        "Authorization: Bearer not-the-token",
    ] {
        let (status, _, _) = curl(&[
            &url,
            "-H",
            "Content-Type: application/x-www-form-urlencoded",
            "-H",
            wrong,
            "--data-binary",
            &insert,
        ]);
        assert_eq!(status, 401, "{wrong}");
    }
    assert!(!anywhere(&server, &data));
    let lower_case = format!("Authorization: bearer {token}");
    let (status, _, body) = curl(&[
        &url,
        "-H",
        "Content-Type: application/x-www-form-urlencoded",
        "-H",
        &lower_case,
        "--data-binary",
        &insert,
    ]);
    assert!(is_success(status), "{status} {body}");
    assert!(anywhere(&server, &data));
}

// ---------------------------------------------------------------------------------------------
// SPARQL 1.1 Graph Store HTTP Protocol
// ---------------------------------------------------------------------------------------------

/// GSP §4.2: the server "**MUST** perform the indicated operation on the RDF graph content
/// identified by the IRI embedded in the query component where the IRI is the result of
/// percent-decoding the value associated with the *graph* key." Characters such as `?`, `&`, `=`
/// and non-ASCII letters arrive percent-encoded and belong to the IRI.
#[test]
fn graph_store_4_2_the_graph_parameter_is_percent_decoded() {
    let (server, _directory, token) = writable();
    let iri = ex("café?a=b&c=d");
    let data = triple("decoded", "x");
    let (status, _, body) = send(
        "PUT",
        &graph_url(&server, &iri),
        &token,
        "text/turtle",
        &format!("{data} ."),
    );
    assert_eq!(status, 201, "{body}");
    assert!(in_graph(&server, &iri, &data));
    assert!(
        !in_graph(&server, &ex("café?a=b"), &data),
        "'&' inside the IRI is not a separator"
    );
    let (status, _, body) = curl(&[
        &graph_url(&server, &iri),
        "-H",
        "Accept: application/n-triples",
    ]);
    assert_eq!(status, 200);
    assert!(body.contains(&format!("<{EX}decoded>")), "{body}");
}

/// GSP §4.2: "The query string IRI **MUST** be an absolute IRI and the server **MUST** respond with
/// a `400 Bad Request` if it is not."
#[test]
fn graph_store_4_2_a_relative_graph_iri_is_400() {
    let (server, _directory, token) = writable();
    let data = triple("relative", "x");
    let url = format!("{}/store?graph=relative-graph", server.base);
    let (status, _, body) = curl(&[&url, "-H", "Accept: text/turtle"]);
    assert_eq!(status, 400, "GET: {body}");
    for method in ["PUT", "POST"] {
        let (status, _, body) = send(method, &url, &token, "text/turtle", &format!("{data} ."));
        assert_eq!(status, 400, "{method}: {body}");
    }
    let (status, _, body) = delete(&url, &token);
    assert_eq!(status, 400, "DELETE: {body}");
    assert!(!anywhere(&server, &data), "no graph was written");
}

/// GSP §4.2: "a query component comprised of the string *default* can be used to indicate that the
/// operation indirectly identifies the default graph in the Graph Store". §5.3: PUT `?default` is
/// `DROP SILENT DEFAULT; INSERT DATA { .. }`; §5.4: DELETE `?default` is `DROP DEFAULT`, which
/// leaves the named graphs alone. The default graph always exists: no 404. (`put__default_graph`
/// expects 201, §5.3 allows 200 or 204 for modified content.)
#[test]
fn graph_store_4_2_default_identifies_the_default_graph() {
    let (server, _directory, token) = writable();
    let url = default_graph_url(&server);
    let subject = format!("<{EX}in-default>");
    let (status, _, body) = send(
        "PUT",
        &url,
        &token,
        "text/turtle",
        &format!("{} .", triple("in-default", "x")),
    );
    assert!(
        [200, 201, 204].contains(&status),
        "PUT ?default: {status} {body}"
    );
    let (status, _, body) = curl(&[&url, "-H", "Accept: application/n-triples"]);
    assert_eq!(status, 200);
    assert!(body.contains(&subject), "GET ?default after PUT: {body}");
    let (status, _, body) = delete(&url, &token);
    assert!(
        [200, 204].contains(&status),
        "DELETE ?default: {status} {body}"
    );
    let (status, _, body) = curl(&[&url, "-H", "Accept: application/n-triples"]);
    assert_eq!(status, 200, "the default graph still exists, empty");
    assert!(
        !body.contains(&subject),
        "GET ?default after DELETE: {body}"
    );
    assert!(
        in_graph(&server, PLACES, DAKHLA),
        "DROP DEFAULT leaves the named graphs"
    );
}

/// GSP §5: "If the *Accept* header is not provided with a GET request, the server **MUST** return
/// one of RDF XML, Turtle, or N-Triples."
#[test]
fn graph_store_5_get_without_accept_returns_rdfxml_turtle_or_ntriples() {
    let server = start(&[]);
    let (status, head, body) = curl(&[&graph_url(&server, PLACES), "-H", "Accept:"]);
    assert_eq!(status, 200, "{body}");
    let media = media_type(&head);
    assert!(
        [
            "application/rdf+xml",
            "text/turtle",
            "application/n-triples"
        ]
        .contains(&media.as_str()),
        "{media}"
    );
    assert!(body.contains("Dakhla"));
}

/// GSP §5: "For operations involving an RDF payload (PUT and POST), the server **MUST** parse the
/// RDF payload according to media type specified in the *Content-Type* header if it is provided
/// in the request." Each syntax the server accepts (with parameters, as the W3C tests send
/// `text/turtle; charset=utf-8`).
#[test]
fn graph_store_5_payloads_are_parsed_by_their_content_type() {
    let (server, _directory, token) = writable();
    for (name, content_type, body) in [
        (
            "turtle",
            "text/turtle; charset=utf-8",
            format!("PREFIX ex: <{EX}>\nex:turtle ex:p \"v\" .\n"),
        ),
        (
            "ntriples",
            "application/n-triples",
            format!("<{EX}ntriples> <{EX}p> \"v\" .\n"),
        ),
        ("rdfxml", "application/rdf+xml", RDF_XML.to_owned()),
        (
            "jsonld",
            "application/ld+json",
            format!("{{\"@id\": \"{EX}jsonld\", \"{EX}p\": \"v\"}}"),
        ),
    ] {
        let graph = ex(&format!("g-{name}"));
        let (status, _, response) = send(
            "PUT",
            &graph_url(&server, &graph),
            &token,
            content_type,
            &body,
        );
        assert_eq!(status, 201, "{content_type}: {response}");
        assert!(
            in_graph(&server, &graph, &triple(name, "v")),
            "{content_type}"
        );
    }
}

/// GSP §5: without a Content-Type, "the implementation **MAY** attempt to parse the document" in a
/// format it recognises; "Otherwise, if this header is not provided, the server **SHOULD** attempt
/// to parse the RDF payload as RDF/XML." A missing Content-Type is not a 415: RDF/XML is stored,
/// and a Turtle body either fails to parse as RDF/XML (400) or is recognised (201).
#[test]
fn graph_store_5_a_payload_without_content_type_is_read_as_rdfxml() {
    let (server, _directory, token) = writable();
    let graph = ex("g-no-content-type");
    let (status, _, body) = send("PUT", &graph_url(&server, &graph), &token, "", RDF_XML);
    assert_eq!(status, 201, "RDF/XML without Content-Type: {body}");
    assert!(in_graph(&server, &graph, &triple("rdfxml", "v")));
    let graph = ex("g-no-content-type-turtle");
    let (status, _, body) = send(
        "PUT",
        &graph_url(&server, &graph),
        &token,
        "",
        &format!("{} .", triple("turtle-no-type", "v")),
    );
    assert!(
        [201, 400].contains(&status),
        "Turtle without Content-Type: {status} {body}"
    );
}

/// GSP §5.1: "if the attempt to parse the RDF payload according to the provided *Content-Type*
/// fails then the server **MUST** respond with a `400 Bad Request`". The store is left as it was.
#[test]
fn graph_store_5_1_an_unparsable_payload_is_400() {
    let (server, _directory, token) = writable();
    let new = ex("g-unparsable");
    let (status, head, body) = send(
        "PUT",
        &graph_url(&server, &new),
        &token,
        "text/turtle",
        "this is { not turtle",
    );
    assert_eq!(status, 400, "{body}");
    assert_eq!(media_type(&head), "text/plain");
    let (status, _, _) = curl(&[&graph_url(&server, &new)]);
    assert_eq!(status, 404, "no graph was created");

    let existing = ex("g-kept");
    let data = triple("kept", "x");
    let url = graph_url(&server, &existing);
    let (status, _, body) = send(
        "PUT",
        &url,
        &token,
        "application/n-triples",
        &format!("{data} .\n"),
    );
    assert_eq!(status, 201, "{body}");
    for method in ["PUT", "POST"] {
        let (status, _, body) = send(method, &url, &token, "application/n-triples", "<broken");
        assert_eq!(status, 400, "{method}: {body}");
    }
    assert!(in_graph(&server, &existing, &data));
    assert_eq!(triples_in(&server, &existing), 1);
}

/// GSP §5.1: "If a clients issues a POST or PUT with a content type that is not understood by the
/// graph store, the implementation **MUST** respond with `415 Unsupported Media Type`." N-Quads
/// describes a dataset, not one graph, and is not understood here either.
#[test]
fn graph_store_5_1_an_unknown_content_type_is_415() {
    let (server, _directory, token) = writable();
    let graph = ex("g-unsupported");
    let url = graph_url(&server, &graph);
    let nquads = format!("{} <{graph}> .\n", triple("quad", "x"));
    for method in ["PUT", "POST"] {
        for (content_type, body) in [
            (
                "application/x-unknown-rdf",
                format!("{} .", triple("unknown", "x")),
            ),
            ("application/n-quads", nquads.clone()),
        ] {
            let (status, _, response) = send(method, &url, &token, content_type, &body);
            assert_eq!(status, 415, "{method} {content_type}: {response}");
        }
    }
    let (status, _, _) = curl(&[&url]);
    assert_eq!(status, 404, "nothing was stored");
}

/// GSP §5.1: "A request using an unsupported HTTP verb in conjunction with a malformed or
/// unsupported request syntax **MUST** receive a response with a `405 Method Not Allowed`"; HTTP
/// (RFC 2616 §10.4.6): the response "**MUST** include an Allow header".
#[test]
fn graph_store_5_1_an_unsupported_method_is_405() {
    let (server, _directory, token) = writable();
    let auth = bearer(&token);
    let url = graph_url(&server, PLACES);
    for method in ["PROPFIND", "COPY"] {
        let (status, head, body) = curl(&["-X", method, &url, "-H", &auth]);
        assert_eq!(status, 405, "{method}: {body}");
        assert!(header(&head, "allow").is_some(), "{method}: {head}");
    }
    assert!(in_graph(&server, PLACES, DAKHLA));
}

/// GSP §5.2: "A request that uses the HTTP **GET** method **MUST** retrieve an RDF payload that is
/// a serialization of the named graph paired with the graph IRI in the Graph Store", equivalent to
/// `CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <graph_uri> { ?s ?p ?o } }`, "in any of the preferred
/// representation formats specified in the Accept request-header field"; §5.2.1: "such a request
/// should receive a response with a `200 (Ok)`".
#[test]
fn graph_store_5_2_get_returns_the_graph() {
    let server = start(&[]);
    let url = graph_url(&server, PLACES);
    let (status, head, body) = curl(&[&url, "-H", "Accept: application/n-triples"]);
    assert_eq!(status, 200);
    assert_eq!(media_type(&head), "application/n-triples");
    assert!(body.contains(DAKHLA), "the graph's own triples");
    let lines = body.lines().filter(|line| !line.trim().is_empty()).count();
    assert_eq!(
        lines,
        triples_in(&server, PLACES),
        "exactly the graph, nothing else"
    );
    for accept in ["text/turtle", "application/rdf+xml", "application/ld+json"] {
        let accept_header = format!("Accept: {accept}");
        let (status, head, body) = curl(&[&url, "-H", &accept_header]);
        assert_eq!(status, 200, "{accept}");
        assert_eq!(media_type(&head), accept);
        assert!(body.contains("Dakhla"), "{accept}");
    }
}

/// GSP §5.1: "If the RDF graph content identified in the request does not exist in the server,
/// and the operation requires that it does, a `404 Not Found` response code **MUST** be provided"
/// (`get_of_delete__existing_graph`: 404).
#[test]
fn graph_store_5_2_get_of_a_missing_graph_is_404() {
    let server = start(&[]);
    let (status, _, _) = curl(&[
        &graph_url(&server, &ex("never-created")),
        "-H",
        "Accept: text/turtle",
    ]);
    assert_eq!(status, 404);
}

/// GSP §5.2: "In the event that the specified representation format is not supported, a `406 Not
/// Acceptable` response code **SHOULD** be returned."
#[test]
fn graph_store_5_2_an_unsupported_accept_is_406() {
    let server = start(&[]);
    let (status, _, _) = curl(&[&graph_url(&server, PLACES), "-H", "Accept: image/png"]);
    assert_eq!(status, 406);
}

/// GSP §5.2: "The response to such request **SHOULD** be made cacheable wherever possible"; §5:
/// "conditional requests that make use of headers such as If-Modified-Since ... should be handled
/// appropriately"; §5.6: a cache sees a change "by a change in Content-Length, Content-MD5, ETag or
/// Last-Modified". A GET carries a validator, a conditional GET with it answers 304, and the
/// validator changes when the graph does.
#[test]
fn graph_store_5_2_get_is_cacheable() {
    let (server, _directory, token) = writable();
    let graph = ex("g-cached");
    let url = graph_url(&server, &graph);
    let (status, _, body) = send(
        "PUT",
        &url,
        &token,
        "text/turtle",
        &format!("{} .", triple("cached", "1")),
    );
    assert_eq!(status, 201, "{body}");
    let validator = || {
        let (status, head) = curl_head_preserving_case(&[&url, "-H", "Accept: text/turtle"]);
        assert_eq!(status, 200);
        let etag = header(&head, "etag");
        let modified = header(&head, "last-modified");
        assert!(
            etag.is_some() || modified.is_some(),
            "no ETag nor Last-Modified: {head}"
        );
        (etag, modified)
    };
    let (etag, modified) = validator();
    let condition = match (&etag, &modified) {
        (Some(etag), _) => format!("If-None-Match: {etag}"),
        (None, Some(modified)) => format!("If-Modified-Since: {modified}"),
        (None, None) => unreachable!(),
    };
    let (status, _, _) = curl(&[&url, "-H", "Accept: text/turtle", "-H", &condition]);
    assert_eq!(status, 304, "{condition}");
    if etag.is_none() {
        // Last-Modified counts seconds.
        std::thread::sleep(Duration::from_millis(1100));
    }
    let (status, _, body) = send(
        "POST",
        &url,
        &token,
        "text/turtle",
        &format!("{} .", triple("cached", "2")),
    );
    assert!(is_success(status), "{status} {body}");
    assert_ne!(
        validator(),
        (etag, modified),
        "the validator changed with the graph"
    );
}

/// GSP §5.3: "If the identified RDF graph content does not exist and that IRI is capable of being
/// defined as new RDF graph content by the requesting user agent, the origin server **MUST**
/// create the RDF graph content with that IRI"; "If new RDF graph content is created, the origin
/// server **MUST** inform the user agent via the `201 Created` response." (`put__initial_state`.)
#[test]
fn graph_store_5_3_put_creates_a_graph_201() {
    let (server, _directory, token) = writable();
    let graph = ex("g-created");
    let data = triple("created", "x");
    let url = graph_url(&server, &graph);
    let (status, _, body) = send("PUT", &url, &token, "text/turtle", &format!("{data} ."));
    assert_eq!(status, 201, "{body}");
    assert!(in_graph(&server, &graph, &data));
    let (status, _, body) = curl(&[&url, "-H", "Accept: application/n-triples"]);
    assert_eq!(status, 200);
    assert!(body.contains(&format!("<{EX}created>")), "{body}");
}

/// GSP §5.3: PUT has "the same effect as" `DROP SILENT GRAPH <graph_uri>; INSERT DATA { GRAPH
/// <graph_uri> { .. } }`; "If existing RDF graph content is modified, either the `200 OK` or `204
/// No Content` response codes **MUST** be sent"; "The server **MUST NOT** attempt to apply the
/// request to some other resource." (`put__graph_already_in_store`.)
#[test]
fn graph_store_5_3_put_replaces_an_existing_graph_200_or_204() {
    let (server, _directory, token) = writable();
    let graph = ex("g-replaced");
    let other = ex("g-other");
    let (first, second, kept) = (
        triple("replaced", "1"),
        triple("replaced", "2"),
        triple("other", "x"),
    );
    let url = graph_url(&server, &graph);
    let (status, _, body) = send("PUT", &url, &token, "text/turtle", &format!("{first} ."));
    assert_eq!(status, 201, "{body}");
    let (status, _, body) = send(
        "PUT",
        &graph_url(&server, &other),
        &token,
        "text/turtle",
        &format!("{kept} ."),
    );
    assert_eq!(status, 201, "{body}");
    let (status, _, body) = send("PUT", &url, &token, "text/turtle", &format!("{second} ."));
    assert!([200, 204].contains(&status), "{status} {body}");
    assert!(!in_graph(&server, &graph, &first) && in_graph(&server, &graph, &second));
    assert!(
        in_graph(&server, &other, &kept),
        "the other graph is untouched"
    );
    // A bundled graph is replaced the same way.
    let (status, _, body) = send(
        "PUT",
        &graph_url(&server, AGREEMENTS),
        &token,
        "application/n-triples",
        &format!("{second} .\n"),
    );
    assert!([200, 204].contains(&status), "{status} {body}");
    assert_eq!(triples_in(&server, AGREEMENTS), 1);
    assert!(in_graph(&server, PLACES, DAKHLA));
}

/// GSP §5.3: "For implementations that support empty graphs, if the request body is empty and
/// there is sufficient authorization to create a new named graph ..., then an empty graph would
/// need to be created. Note, this option is only relevant for situations where an empty body is
/// appropriate for the indicated content-type. Otherwise, as described in section 5.1, a `400 Bad
/// Request` **SHOULD** be returned." An empty graph exists (GET 200); a graph never created does
/// not (GET 404).
#[test]
fn graph_store_5_3_an_empty_put_creates_an_empty_graph() {
    let (server, _directory, token) = writable();
    let graph = ex("g-empty");
    let url = graph_url(&server, &graph);
    let (status, _, body) = send("PUT", &url, &token, "text/turtle", "");
    assert_eq!(status, 201, "{body}");
    let (status, _, body) = curl(&[&url, "-H", "Accept: application/n-triples"]);
    assert_eq!(status, 200, "an empty graph exists");
    assert!(body.trim().is_empty(), "{body}");
    assert_eq!(triples_in(&server, &graph), 0);
    let (status, _, _) = delete(&url, &token);
    assert!([200, 204].contains(&status), "{status}");
    let (status, _, _) = curl(&[&url]);
    assert_eq!(status, 404, "deleted, it no longer exists");
    let xml = graph_url(&server, &ex("g-empty-rdfxml"));
    let (status, _, body) = send("PUT", &xml, &token, "application/rdf+xml", "");
    assert_eq!(status, 400, "an empty body is no RDF/XML document: {body}");
    let (status, _, _) = curl(&[&xml]);
    assert_eq!(status, 404);
}

/// GSP §5.4: DELETE is `DROP GRAPH <graph_uri>`; "A response code of `200 OK` or `204 No Content`
/// **MUST** be given in the response if the operation succeeded"; "If there is no such RDF graph
/// content in the Graph Store, the server **MUST** respond with a `404 Not Found` response code."
/// (`delete__existing_graph`, `get_of_delete__existing_graph`, `delete__nonexistent_graph`.)
#[test]
fn graph_store_5_4_delete_removes_a_graph() {
    let (server, _directory, token) = writable();
    let graph = ex("g-deleted");
    let data = triple("deleted", "x");
    let url = graph_url(&server, &graph);
    let (status, _, body) = send("PUT", &url, &token, "text/turtle", &format!("{data} ."));
    assert_eq!(status, 201, "{body}");
    let (status, _, body) = delete(&url, &token);
    assert!([200, 204].contains(&status), "{status} {body}");
    let (status, _, _) = curl(&[&url]);
    assert_eq!(status, 404);
    assert!(!anywhere(&server, &data));
    let (status, _, _) = delete(&url, &token);
    assert_eq!(status, 404, "deleting it again");
    let (status, _, body) = delete(&graph_url(&server, AGREEMENTS), &token);
    assert!(
        [200, 204].contains(&status),
        "a bundled graph: {status} {body}"
    );
    let (status, _, _) = curl(&[&graph_url(&server, AGREEMENTS)]);
    assert_eq!(status, 404);
    assert!(in_graph(&server, PLACES, DAKHLA), "only that graph went");
}

/// GSP §5.5: a POST to a graph "**MUST** be understood as a request that the origin server perform
/// an RDF merge of the enclosed RDF payload" into it, like `INSERT DATA { GRAPH <graph_uri> { .. }
/// }` (`post__existing_graph`). Into an existing graph: 200 or 204. Into a new one: created, and
/// if that is said with 201, HTTP (RFC 7231 §4.3.3) asks for a Location header.
#[test]
fn graph_store_5_5_post_merges_into_a_graph() {
    let (server, _directory, token) = writable();
    let graph = ex("g-merged");
    let (first, second) = (triple("merged", "1"), triple("merged", "2"));
    let url = graph_url(&server, &graph);
    let (status, head, body) = send("POST", &url, &token, "text/turtle", &format!("{first} ."));
    assert!(
        [200, 201, 204].contains(&status),
        "into a new graph: {status} {body}"
    );
    if status == 201 {
        assert!(
            header(&head, "location").is_some(),
            "a 201 names what it created: {head}"
        );
    }
    let (status, _, body) = send("POST", &url, &token, "text/turtle", &format!("{second} ."));
    assert!(
        [200, 204].contains(&status),
        "into an existing graph: {status} {body}"
    );
    assert!(in_graph(&server, &graph, &first) && in_graph(&server, &graph, &second));
    let before = triples_in(&server, PLACES);
    let (status, _, body) = send(
        "POST",
        &graph_url(&server, PLACES),
        &token,
        "text/turtle",
        &format!("{first} ."),
    );
    assert!([200, 204].contains(&status), "{status} {body}");
    assert_eq!(
        triples_in(&server, PLACES),
        before + 1,
        "merged, nothing replaced"
    );
    assert!(in_graph(&server, PLACES, DAKHLA));
}

/// GSP §5.5: with multipart/form-data, POST "**MUST** be understood as a request that the origin
/// server perform an RDF merge of the graphs - that the documents submitted with the multipart form
/// are a serialization of - into the RDF graph content identified by the request or encoded IRI."
/// (`post__multipart_formdata`.)
#[test]
fn graph_store_5_5_post_multipart_form_data_merges_every_part() {
    let (server, directory, token) = writable();
    let graph = ex("g-multipart");
    let url = graph_url(&server, &graph);
    let (kept, first, second) = (
        triple("multipart", "0"),
        triple("multipart", "1"),
        triple("multipart", "2"),
    );
    let (status, _, body) = send("PUT", &url, &token, "text/turtle", &format!("{kept} ."));
    assert_eq!(status, 201, "{body}");
    let turtle = directory.path().join("first.ttl");
    let ntriples = directory.path().join("second.nt");
    std::fs::write(&turtle, format!("{first} .\n")).expect("write");
    std::fs::write(&ntriples, format!("{second} .\n")).expect("write");
    let auth = bearer(&token);
    let first_part = format!("first=@{};type=text/turtle", turtle.display());
    let second_part = format!("second=@{};type=application/n-triples", ntriples.display());
    let (status, _, body) = curl(&[
        "-X",
        "POST",
        &url,
        "-H",
        &auth,
        "-F",
        &first_part,
        "-F",
        &second_part,
    ]);
    assert!([200, 204].contains(&status), "{status} {body}");
    for data in [&kept, &first, &second] {
        assert!(in_graph(&server, &graph, data), "{data}");
    }
}

/// GSP §5.5: "If the request IRI identifies the underlying Graph Store, the origin server **MUST**
/// create a new RDF graph comprised of the statements in the RDF payload and return a designated
/// graph IRI associated with the new graph. The new graph IRI should be specified in the Location
/// HTTP header along with a `201 Created` code and be different from the request IRI."
/// (`post__create__new_graph`.)
#[test]
fn graph_store_5_5_post_to_the_graph_store_creates_a_new_graph() {
    let (server, _directory, token) = writable();
    let store = store_url(&server);
    let auth = bearer(&token);
    let mut created = Vec::new();
    for value in ["1", "2"] {
        let data = triple("posted-to-store", value);
        let body = format!("{data} .");
        let (status, head) = curl_head_preserving_case(&[
            "-X",
            "POST",
            &store,
            "-H",
            &auth,
            "-H",
            "Content-Type: text/turtle",
            "--data-binary",
            &body,
        ]);
        assert_eq!(status, 201, "{head}");
        let location = header(&head, "location").unwrap_or_else(|| panic!("no Location: {head}"));
        let graph = resolve(&store, &location);
        assert_ne!(
            graph, store,
            "the new graph's IRI differs from the request IRI"
        );
        assert!(
            in_graph(&server, &graph, &data),
            "Location names the new graph: {graph}"
        );
        let (status, _, _) = curl(&[&graph_url(&server, &graph)]);
        assert_eq!(status, 200);
        created.push(graph);
    }
    assert_ne!(created[0], created[1], "each POST makes a new graph");
}

/// GSP §5.5: "In either case, if the request body is empty, the implementation **SHOULD** respond
/// with `204 No Content`." (Both cases: a POST to the Graph Store and a POST to a graph.)
#[test]
fn graph_store_5_5_an_empty_post_is_204() {
    let (server, _directory, token) = writable();
    let (status, _, body) = send("POST", &store_url(&server), &token, "text/turtle", "");
    assert_eq!(status, 204, "to the Graph Store: {body}");
    let graph = ex("g-empty-post");
    let data = triple("empty-post", "x");
    let url = graph_url(&server, &graph);
    let (status, _, body) = send("PUT", &url, &token, "text/turtle", &format!("{data} ."));
    assert_eq!(status, 201, "{body}");
    let (status, _, body) = send("POST", &url, &token, "text/turtle", "");
    assert_eq!(status, 204, "to a graph: {body}");
    assert_eq!(triples_in(&server, &graph), 1);
}

/// GSP §5.6: "the HTTP **HEAD** method is identical to **GET** except that the server **MUST NOT**
/// return a message-body in the response" (`head_on_an_existing_graph`: 200,
/// `head_on_a_nonexisting_graph`: 404).
#[test]
fn graph_store_5_6_head_is_get_without_a_body() {
    let server = start(&[]);
    let (status, head, _) = curl(&[&graph_url(&server, PLACES), "-H", "Accept: text/turtle"]);
    assert_eq!(status, 200);
    let get_media = media_type(&head);
    let (status, head, body) = raw_head(&server, &format!("/store?graph={}", pct(PLACES)));
    assert_eq!(status, 200, "{head}");
    assert_eq!(media_type(&head), get_media, "the same headers as GET");
    assert!(body.is_empty(), "HEAD sent {} bytes of body", body.len());
    let (status, head, body) = raw_head(
        &server,
        &format!("/store?graph={}", pct(&ex("never-created"))),
    );
    assert_eq!(status, 404, "{head}");
    assert!(
        body.is_empty(),
        "a 404 to HEAD sent {} bytes of body",
        body.len()
    );
}

/// GSP §5.7 (informative): "SPARQL 1.1 Update can be used as a patch document" in a PATCH request
/// (RFC 5789) on the graph. A server that does not offer PATCH answers 405 with an Allow header
/// (§5.1); one that does applies the update.
#[test]
fn graph_store_5_7_patch_applies_a_sparql_update_or_is_405() {
    let (server, _directory, token) = writable();
    let graph = ex("g-patched");
    let (kept, added) = (triple("patched", "0"), triple("patched", "1"));
    let url = graph_url(&server, &graph);
    let (status, _, body) = send("PUT", &url, &token, "text/turtle", &format!("{kept} ."));
    assert_eq!(status, 201, "{body}");
    let patch = format!("INSERT DATA {{ GRAPH <{graph}> {{ {added} }} }}");
    let (status, head, body) = send("PATCH", &url, &token, "application/sparql-update", &patch);
    if status == 405 {
        assert!(header(&head, "allow").is_some(), "{head}");
        assert!(!in_graph(&server, &graph, &added));
    } else {
        assert!(is_success(status), "{status} {body}");
        assert!(in_graph(&server, &graph, &kept) && in_graph(&server, &graph, &added));
    }
}

/// GSP §6: implementations "**SHOULD** take advantage of the many security-related facilities
/// associated with" HTTP and "are not required to carry out requested graph management operations
/// that may be in contradistinction to a particular security policy"; "applications may consider
/// responding with the `401 status code (Unauthorized)`", and "the `403 status code (Forbidden)`
/// can be sent back". §5.3: if the graph "could not be created or modified ... (perhaps due to
/// security considerations), an appropriate error response **SHOULD** be given".
#[test]
fn graph_store_6_writes_need_authorisation() {
    let data = triple("unauthorised", "x");
    let body = format!("{data} .");
    let graph = ex("g-unauthorised");

    let server = start(&[]);
    let url = graph_url(&server, &graph);
    for method in ["PUT", "POST"] {
        let (status, _, response) = curl(&[
            "-X",
            method,
            &url,
            "-H",
            "Content-Type: text/turtle",
            "--data-binary",
            &body,
        ]);
        assert_eq!(status, 403, "read-only {method}: {response}");
    }
    let (status, _, _) = curl(&["-X", "DELETE", &graph_url(&server, PLACES)]);
    assert_eq!(status, 403, "read-only DELETE");
    assert!(in_graph(&server, PLACES, DAKHLA) && !anywhere(&server, &data));
    drop(server);

    let (server, _directory, token) = writable();
    let url = graph_url(&server, &graph);
    let (status, head, _) = curl(&[
        "-X",
        "PUT",
        &url,
        "-H",
        "Content-Type: text/turtle",
        "--data-binary",
        &body,
    ]);
    assert_eq!(status, 401);
    assert!(header(&head, "www-authenticate").is_some(), "{head}");
    let (status, _, _) = send("PUT", &url, "not-the-token", "text/turtle", &body);
    assert_eq!(status, 401);
    let (status, _, _) = curl(&["-X", "DELETE", &graph_url(&server, PLACES)]);
    assert_eq!(status, 401, "DELETE without a token");
    assert!(in_graph(&server, PLACES, DAKHLA) && !anywhere(&server, &data));
    let lower_case = format!("Authorization: bearer {token}");
    let (status, _, response) = curl(&[
        "-X",
        "PUT",
        &url,
        "-H",
        &lower_case,
        "-H",
        "Content-Type: text/turtle",
        "--data-binary",
        &body,
    ]);
    assert_eq!(status, 201, "{response}");
    assert!(in_graph(&server, &graph, &data));
}
