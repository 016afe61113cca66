//! `twinning serve`: the SPARQL 1.1 Protocol at /sparql, linked-data pages under /id/, a dataset
//! description (VoID, DCAT), a Graph Store endpoint for authorised loads, and a query page.
//! Read-only unless started with an update token; queries have a timeout and a result limit.

// Handlers return an early HTTP response as their error: built once per request, its size does
// not matter.
#![allow(clippy::result_large_err)]

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use oxhttp::model::{header, Body, HeaderValue, Method, Request, Response, StatusCode};
use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{CancellationToken, QueryResults, SparqlEvaluator};
use oxigraph::store::Store;

use crate::error::{Error, Result};
use crate::format::RdfSyntax;
use crate::html::escape;
use crate::load::{self, Document};
use crate::vocab::{ID, PREFIXES};

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it listens.
    pub bind: SocketAddr,
    /// Longest a query may run.
    pub timeout: Duration,
    /// Most solutions or triples a query may return.
    pub max_results: usize,
    /// The bearer token that allows updates; `None`: read-only.
    pub token: Option<String>,
}

struct State {
    store: Store,
    config: Config,
    base: String,
}

/// Serves until the process is stopped.
pub fn serve(store: Store, config: Config) -> Result<()> {
    let base = format!("http://{}", config.bind);
    let bind = config.bind;
    let state = Arc::new(State {
        store,
        config,
        base,
    });
    let server = oxhttp::Server::new(move |request| handle(&state, request))
        .bind(bind)
        .with_global_timeout(Duration::from_secs(60))
        .with_max_concurrent_connections(128)
        .spawn()
        .map_err(|e| Error::Format(format!("--bind {bind}: cannot listen: {e}")))?;
    eprintln!("twinning: SPARQL endpoint at http://{bind}/sparql, query page at http://{bind}/");
    server.join().map_err(Error::Output)
}

fn respond(status: StatusCode, content_type: &str, body: impl Into<Body>) -> Response<Body> {
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .body(body.into())
        .expect("valid response");
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

fn text(status: StatusCode, message: impl Into<String>) -> Response<Body> {
    let mut message = message.into();
    if !message.is_empty() {
        message.push('\n');
    }
    respond(status, "text/plain; charset=utf-8", message)
}

fn handle(state: &State, request: &mut Request<Body>) -> Response<Body> {
    let path = request.uri().path().to_owned();
    if request.method() == Method::OPTIONS {
        let mut response = text(StatusCode::NO_CONTENT, "");
        let headers = response.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, PUT, OPTIONS"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("Content-Type, Accept, Authorization"),
        );
        return response;
    }
    match path.as_str() {
        "/" => respond(StatusCode::OK, "text/html; charset=utf-8", query_page()),
        "/sparql" | "/query" => protocol(state, request),
        "/update" => protocol(state, request),
        "/.well-known/void" | "/dataset" => dataset_description(state, request),
        "/store" => graph_store(state, request),
        p if p.starts_with("/id/") => linked_data(state, request, p),
        _ => text(
            StatusCode::NOT_FOUND,
            format!("nothing at {path}; try /, /sparql, /dataset or /id/…"),
        ),
    }
}

/// The query string's or form's parameters, decoded.
fn parameters(encoded: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(encoded.as_bytes())
        .into_owned()
        .collect()
}

fn body_text(request: &mut Request<Body>) -> std::result::Result<String, Response<Body>> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(request.body_mut(), &mut bytes).map_err(|e| {
        text(
            StatusCode::BAD_REQUEST,
            format!("cannot read the request body: {e}"),
        )
    })?;
    String::from_utf8(bytes)
        .map_err(|_| text(StatusCode::BAD_REQUEST, "the request body is not UTF-8"))
}

fn content_type(request: &Request<Body>) -> String {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn protocol(state: &State, request: &mut Request<Body>) -> Response<Body> {
    let mut params = parameters(request.uri().query().unwrap_or_default());
    let mut query = None;
    let mut update = None;
    if request.method() == Method::POST {
        let body = match body_text(request) {
            Ok(body) => body,
            Err(response) => return response,
        };
        match content_type(request).as_str() {
            "application/x-www-form-urlencoded" => params.extend(parameters(&body)),
            "application/sparql-query" => query = Some(body),
            "application/sparql-update" => update = Some(body),
            other => {
                return text(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!("Content-Type {other:?}: send application/sparql-query, application/sparql-update or a form"),
                )
            }
        }
    } else if request.method() != Method::GET && request.method() != Method::HEAD {
        return text(StatusCode::METHOD_NOT_ALLOWED, "use GET or POST");
    }
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    query = query.or_else(|| get("query"));
    update = update.or_else(|| get("update"));
    if let Some(update) = update {
        return run_update(state, request, &update);
    }
    let Some(query) = query else {
        return service_description(state, request);
    };
    let default_graphs: Vec<String> = params
        .iter()
        .filter(|(k, _)| k == "default-graph-uri")
        .map(|(_, v)| v.clone())
        .collect();
    let named_graphs: Vec<String> = params
        .iter()
        .filter(|(k, _)| k == "named-graph-uri")
        .map(|(_, v)| v.clone())
        .collect();
    run_query(
        state,
        request,
        &query,
        &default_graphs,
        &named_graphs,
        get("format").as_deref(),
    )
}

/// The media types a client accepts, best first.
fn accepted(request: &Request<Body>) -> Vec<String> {
    let accept = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("*/*");
    let mut types: Vec<(f32, usize, String)> = accept
        .split(',')
        .enumerate()
        .map(|(index, item)| {
            let mut parts = item.split(';');
            let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                .unwrap_or(1.0);
            (quality, index, media)
        })
        .collect();
    types.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    types
        .into_iter()
        .filter(|(q, _, _)| *q > 0.0)
        .map(|(_, _, m)| m)
        .collect()
}

fn results_format(request: &Request<Body>, format: Option<&str>) -> Option<QueryResultsFormat> {
    if let Some(format) = format {
        return match format {
            "json" => Some(QueryResultsFormat::Json),
            "xml" => Some(QueryResultsFormat::Xml),
            "csv" => Some(QueryResultsFormat::Csv),
            "tsv" => Some(QueryResultsFormat::Tsv),
            _ => None,
        };
    }
    for media in accepted(request) {
        match media.as_str() {
            "*/*" | "application/*" | "application/sparql-results+json" | "application/json" => {
                return Some(QueryResultsFormat::Json)
            }
            "application/sparql-results+xml" | "application/xml" => {
                return Some(QueryResultsFormat::Xml)
            }
            "text/csv" => return Some(QueryResultsFormat::Csv),
            "text/tab-separated-values" => return Some(QueryResultsFormat::Tsv),
            _ => {}
        }
    }
    None
}

fn graph_format(request: &Request<Body>, format: Option<&str>) -> Option<RdfSyntax> {
    if let Some(format) = format {
        return match format {
            "turtle" | "ttl" => Some(RdfSyntax::Turtle),
            "ntriples" | "nt" => Some(RdfSyntax::Ntriples),
            "jsonld" => Some(RdfSyntax::Jsonld),
            "rdfxml" => Some(RdfSyntax::Rdfxml),
            _ => None,
        };
    }
    for media in accepted(request) {
        match media.as_str() {
            "*/*" | "text/*" | "text/turtle" => return Some(RdfSyntax::Turtle),
            "application/n-triples" => return Some(RdfSyntax::Ntriples),
            "application/ld+json" | "application/json" => return Some(RdfSyntax::Jsonld),
            "application/rdf+xml" => return Some(RdfSyntax::Rdfxml),
            _ => {}
        }
    }
    None
}

fn media_type(syntax: RdfSyntax) -> &'static str {
    match syntax {
        RdfSyntax::Turtle => "text/turtle; charset=utf-8",
        RdfSyntax::Trig => "application/trig",
        RdfSyntax::Ntriples => "application/n-triples",
        RdfSyntax::Nquads => "application/n-quads",
        RdfSyntax::Rdfxml => "application/rdf+xml",
        RdfSyntax::Jsonld => "application/ld+json",
    }
}

fn run_query(
    state: &State,
    request: &Request<Body>,
    query: &str,
    default_graphs: &[String],
    named_graphs: &[String],
    format: Option<&str>,
) -> Response<Body> {
    let cancellation = CancellationToken::new();
    let mut prepared = match crate::sparql::prepare_for_endpoint(query, cancellation.clone()) {
        Ok(prepared) => prepared,
        Err(e) => return text(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let iris = |list: &[String]| -> std::result::Result<Vec<NamedNode>, Response<Body>> {
        list.iter()
            .map(|iri| {
                NamedNode::new(iri)
                    .map_err(|e| text(StatusCode::BAD_REQUEST, format!("{iri}: not an IRI: {e}")))
            })
            .collect()
    };
    if !default_graphs.is_empty() {
        match iris(default_graphs) {
            Ok(graphs) => prepared
                .dataset_mut()
                .set_default_graph(graphs.into_iter().map(GraphName::NamedNode).collect()),
            Err(response) => return response,
        }
    }
    if !named_graphs.is_empty() {
        match iris(named_graphs) {
            Ok(graphs) => prepared.dataset_mut().set_available_named_graphs(
                graphs
                    .into_iter()
                    .map(NamedOrBlankNode::NamedNode)
                    .collect(),
            ),
            Err(response) => return response,
        }
    }
    // The timeout cancels the evaluation from another thread.
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let timeout = state.config.timeout;
    let watchdog = {
        let cancellation = cancellation.clone();
        std::thread::spawn(move || {
            if finished.recv_timeout(timeout).is_err() {
                cancellation.cancel();
            }
        })
    };
    let response = evaluate(state, request, prepared, format);
    let _ = done.send(());
    let _ = watchdog.join();
    response
}

fn evaluate(
    state: &State,
    request: &Request<Body>,
    prepared: oxigraph::sparql::PreparedSparqlQuery,
    format: Option<&str>,
) -> Response<Body> {
    let limit = state.config.max_results;
    let failed = |e: &dyn std::fmt::Display| {
        let message = e.to_string();
        if message.to_ascii_lowercase().contains("cancel") {
            text(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the query ran longer than {} s and was stopped; narrow it or add a LIMIT",
                    state.config.timeout.as_secs_f64()
                ),
            )
        } else {
            text(StatusCode::BAD_REQUEST, format!("query failed: {message}"))
        }
    };
    let too_large = || {
        text(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the result has more than {limit} rows or triples; add a LIMIT"),
        )
    };
    let results = match prepared.on_store(&state.store).execute() {
        Ok(results) => results,
        Err(e) => return failed(&e),
    };
    match results {
        QueryResults::Solutions(solutions) => {
            let Some(results_format) = results_format(request, format) else {
                return text(StatusCode::NOT_ACCEPTABLE, "SELECT results come as application/sparql-results+json, application/sparql-results+xml, text/csv or text/tab-separated-values");
            };
            let variables = solutions.variables().to_vec();
            let mut rows = Vec::new();
            for solution in solutions {
                match solution {
                    Ok(solution) => rows.push(solution),
                    Err(e) => return failed(&e),
                }
                if rows.len() > limit {
                    return too_large();
                }
            }
            let mut body = Vec::new();
            let written = QueryResultsSerializer::from_format(results_format)
                .serialize_solutions_to_writer(&mut body, variables)
                .and_then(|mut serializer| {
                    for row in &rows {
                        serializer.serialize(row)?;
                    }
                    serializer.finish()
                });
            match written {
                Ok(_) => respond(StatusCode::OK, results_format.media_type(), body),
                Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
            }
        }
        QueryResults::Boolean(value) => {
            let Some(results_format) = results_format(request, format) else {
                return text(
                    StatusCode::NOT_ACCEPTABLE,
                    "ASK results come as SPARQL JSON, XML, CSV or TSV",
                );
            };
            let mut body = Vec::new();
            match QueryResultsSerializer::from_format(results_format)
                .serialize_boolean_to_writer(&mut body, value)
            {
                Ok(_) => respond(StatusCode::OK, results_format.media_type(), body),
                Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
            }
        }
        QueryResults::Graph(triples) => {
            let Some(syntax) = graph_format(request, format) else {
                return text(StatusCode::NOT_ACCEPTABLE, "graphs come as text/turtle, application/n-triples, application/ld+json or application/rdf+xml");
            };
            let mut collected = Vec::new();
            for triple in triples {
                match triple {
                    Ok(triple) => collected.push(triple),
                    Err(e) => return failed(&e),
                }
                if collected.len() > limit {
                    return too_large();
                }
            }
            serialize_triples(syntax, collected.iter())
        }
    }
}

fn serialize_triples<'a>(
    syntax: RdfSyntax,
    triples: impl Iterator<Item = &'a oxigraph::model::Triple>,
) -> Response<Body> {
    let mut writer = syntax.serializer().for_writer(Vec::new());
    for triple in triples {
        if let Err(e) = writer.serialize_triple(triple) {
            return text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
        }
    }
    match writer.finish() {
        Ok(body) => respond(StatusCode::OK, media_type(syntax), body),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// Updates are refused unless the server was started with a token, and then need it.
fn authorised(state: &State, request: &Request<Body>) -> std::result::Result<(), Response<Body>> {
    let Some(token) = &state.config.token else {
        return Err(text(StatusCode::FORBIDDEN, "this endpoint is read-only; start it with --allow-update --token-file FILE to accept updates"));
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if given == Some(token.as_str()) {
        Ok(())
    } else {
        let mut response = text(
            StatusCode::UNAUTHORIZED,
            "updates need the bearer token: Authorization: Bearer …",
        );
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        Err(response)
    }
}

fn run_update(state: &State, request: &Request<Body>, update: &str) -> Response<Body> {
    if let Err(response) = authorised(state, request) {
        return response;
    }
    let mut evaluator = SparqlEvaluator::new().without_default_http_service_handler();
    for (prefix, namespace) in PREFIXES {
        evaluator = evaluator
            .with_prefix(*prefix, *namespace)
            .expect("valid built-in prefixes");
    }
    let prepared = match evaluator.parse_update(update) {
        Ok(prepared) => prepared,
        Err(e) => return text(StatusCode::BAD_REQUEST, format!("SPARQL syntax error: {e}")),
    };
    if let Err(e) = prepared.on_store(&state.store).execute() {
        return text(StatusCode::BAD_REQUEST, format!("update failed: {e}"));
    }
    match load::rederive(&state.store) {
        Ok(()) => text(StatusCode::NO_CONTENT, ""),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// The Graph Store Protocol, for loading while the server answers: GET a graph, PUT replaces it
/// and POST adds to it, atomically (readers see the old graph or the new one, never half of it).
fn graph_store(state: &State, request: &mut Request<Body>) -> Response<Body> {
    let params = parameters(request.uri().query().unwrap_or_default());
    let Some(graph) = params
        .iter()
        .find(|(k, _)| k == "graph")
        .map(|(_, v)| v.clone())
    else {
        return text(StatusCode::BAD_REQUEST, "name the graph: /store?graph=IRI");
    };
    let Ok(graph) = NamedNode::new(&graph) else {
        return text(StatusCode::BAD_REQUEST, format!("{graph}: not an IRI"));
    };
    if request.method() == Method::GET {
        let triples: Vec<oxigraph::model::Triple> = state
            .store
            .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
            .filter_map(std::result::Result::ok)
            .map(oxigraph::model::Triple::from)
            .collect();
        if triples.is_empty() {
            return text(StatusCode::NOT_FOUND, format!("no graph <{graph}>"));
        }
        return serialize_triples(
            graph_format(request, None).unwrap_or(RdfSyntax::Turtle),
            triples.iter(),
        );
    }
    if let Err(response) = authorised(state, request) {
        return response;
    }
    let syntax = match content_type(request).as_str() {
        "text/turtle" => RdfSyntax::Turtle,
        "application/n-triples" => RdfSyntax::Ntriples,
        "application/rdf+xml" => RdfSyntax::Rdfxml,
        "application/ld+json" => RdfSyntax::Jsonld,
        other => return text(StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("Content-Type {other:?}: send text/turtle, application/n-triples, application/rdf+xml or application/ld+json")),
    };
    let body = match body_text(request) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let document = match Document::parse("request body", body.as_bytes(), syntax, graph.clone()) {
        Ok(document) => document,
        Err(e) => return text(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let result = if request.method() == Method::PUT {
        load::load_documents(&state.store, &[document]).map(|_| ())
    } else if request.method() == Method::POST {
        let triples: oxigraph::model::Graph = document
            .quads
            .iter()
            .map(|q| oxigraph::model::TripleRef::from(q.as_ref()))
            .collect();
        load::insert_triples(&state.store, &graph, &triples)
    } else {
        return text(StatusCode::METHOD_NOT_ALLOWED, "use GET, PUT or POST");
    };
    match result {
        Ok(()) => text(StatusCode::NO_CONTENT, ""),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

fn service_description(state: &State, request: &Request<Body>) -> Response<Body> {
    let endpoint = format!("{}/sparql", state.base);
    let turtle = format!(
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n\
         @prefix void: <http://rdfs.org/ns/void#> .\n\
         <{endpoint}> a sd:Service ;\n\
         \x20 sd:endpoint <{endpoint}> ;\n\
         \x20 sd:supportedLanguage sd:SPARQL11Query{} ;\n\
         \x20 sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>, <http://www.w3.org/ns/formats/SPARQL_Results_XML>, <http://www.w3.org/ns/formats/SPARQL_Results_CSV>, <http://www.w3.org/ns/formats/SPARQL_Results_TSV>, <http://www.w3.org/ns/formats/Turtle>, <http://www.w3.org/ns/formats/N-Triples>, <http://www.w3.org/ns/formats/JSON-LD>, <http://www.w3.org/ns/formats/RDF_XML> ;\n\
         \x20 sd:feature sd:UnionDefaultGraph ;\n\
         \x20 sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] ;\n\
         \x20 void:sparqlEndpoint <{endpoint}> .\n",
        if state.config.token.is_some() { ", sd:SPARQL11Update" } else { "" }
    );
    reserialize(request, &turtle)
}

/// Serves a Turtle document in the syntax the client asks for.
fn reserialize(request: &Request<Body>, turtle: &str) -> Response<Body> {
    let syntax = graph_format(request, None).unwrap_or(RdfSyntax::Turtle);
    if syntax == RdfSyntax::Turtle {
        return respond(StatusCode::OK, media_type(syntax), turtle.to_owned());
    }
    let graph: std::result::Result<Vec<oxigraph::model::Triple>, _> =
        oxigraph::io::RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(turtle)
            .map(|q| q.map(oxigraph::model::Triple::from))
            .collect();
    match graph {
        Ok(triples) => serialize_triples(syntax, triples.iter()),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

fn dataset_description(state: &State, request: &Request<Body>) -> Response<Body> {
    let triples = state.store.len().unwrap_or_default();
    let examples = crate::sparql::select(
        &state.store,
        "examples",
        "SELECT ?example WHERE { coll:home-cities skos:member ?example } ORDER BY ?example",
    )
    .unwrap_or_default();
    let examples: Vec<String> = examples
        .iter()
        .filter_map(|s| s.get("example").map(ToString::to_string))
        .collect();
    let base = &state.base;
    let mut turtle = format!(
        "@prefix void: <http://rdfs.org/ns/void#> .\n@prefix dcat: <http://www.w3.org/ns/dcat#> .\n\
         @prefix dcterms: <http://purl.org/dc/terms/> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n\
         <{base}/dataset> a void:Dataset, dcat:Dataset ;\n\
         \x20 dcterms:title \"twinning: city twinning and cooperation agreements of Morocco's southern provinces\"@en ;\n\
         \x20 dcterms:source <https://doi.org/10.54878/x0w7nf44> ;\n\
         \x20 dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;\n\
         \x20 owl:versionInfo \"{}\" ;\n\
         \x20 void:sparqlEndpoint <{base}/sparql> ;\n\
         \x20 void:uriSpace \"{ID}\" ;\n\
         \x20 void:triples {triples} ;\n\
         \x20 dcat:distribution [ a dcat:Distribution ; dcat:accessURL <{base}/sparql> ; dcat:mediaType \"application/sparql-results+json\" ]",
        env!("CARGO_PKG_VERSION")
    );
    for example in examples {
        let _ = write!(turtle, " ;\n  void:exampleResource {example}");
    }
    turtle.push_str(" .\n");
    reserialize(request, &turtle)
}

fn linked_data(state: &State, request: &Request<Body>, path: &str) -> Response<Body> {
    let (path, suffix_format) = match path.rsplit_once('.') {
        Some((stem, "ttl")) => (stem, Some(RdfSyntax::Turtle)),
        Some((stem, "nt")) => (stem, Some(RdfSyntax::Ntriples)),
        Some((stem, "jsonld")) => (stem, Some(RdfSyntax::Jsonld)),
        Some((stem, "rdf")) => (stem, Some(RdfSyntax::Rdfxml)),
        Some((stem, "html")) => (stem, None),
        _ => (path, None),
    };
    let iri = format!("{ID}{}", &path["/id/".len()..]);
    let Ok(entity) = NamedNode::new(&iri) else {
        return text(StatusCode::NOT_FOUND, format!("{path}: not an entity IRI"));
    };
    let describe = format!(
        "CONSTRUCT {{ <{iri}> ?p ?o . ?o skos:prefLabel ?label . ?s ?inverse <{iri}> . ?s skos:prefLabel ?sLabel }} WHERE {{
           {{ <{iri}> ?p ?o OPTIONAL {{ ?o skos:prefLabel ?label }} }}
           UNION {{ ?s ?inverse <{iri}> OPTIONAL {{ ?s skos:prefLabel ?sLabel }} }} }}"
    );
    let triples: Vec<oxigraph::model::Triple> = match crate::sparql::prepare("describe", &describe)
        .and_then(|q| {
            q.on_store(&state.store)
                .execute()
                .map_err(|cause| Error::Evaluation {
                    origin: "describe".into(),
                    cause,
                })
        }) {
        Ok(QueryResults::Graph(triples)) => triples.filter_map(std::result::Result::ok).collect(),
        _ => Vec::new(),
    };
    if triples.is_empty() {
        return text(StatusCode::NOT_FOUND, format!("no entity <{iri}>"));
    }
    let html_wanted = suffix_format.is_none()
        && !path.ends_with(".html")
        && accepted(request)
            .first()
            .is_some_and(|m| m == "text/html" || m == "application/xhtml+xml");
    let explicit_html = request.uri().path().ends_with(".html");
    if let Some(syntax) = suffix_format {
        return serialize_triples(syntax, triples.iter());
    }
    if html_wanted || explicit_html {
        let language = request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split([',', ';', '-'])
                    .next()
                    .unwrap_or("en")
                    .trim()
                    .to_ascii_lowercase()
            })
            .filter(|l| ["ar", "en", "fr"].contains(&l.as_str()))
            .unwrap_or_else(|| "en".to_owned());
        return respond(
            StatusCode::OK,
            "text/html; charset=utf-8",
            entity_page(&entity, &triples, &language),
        );
    }
    serialize_triples(
        graph_format(request, None).unwrap_or(RdfSyntax::Turtle),
        triples.iter(),
    )
}

fn local_link(iri: &str) -> String {
    iri.strip_prefix(ID)
        .map_or_else(|| iri.to_owned(), |rest| format!("/id/{rest}"))
}

fn entity_page(entity: &NamedNode, triples: &[oxigraph::model::Triple], language: &str) -> String {
    use oxigraph::model::{NamedOrBlankNodeRef, TermRef};
    let label_of = |node: &str| -> Option<String> {
        let mut best = None;
        for triple in triples {
            if let (NamedOrBlankNodeRef::NamedNode(s), TermRef::Literal(l)) =
                (triple.subject.as_ref(), triple.object.as_ref())
            {
                if s.as_str() == node && triple.predicate.as_str().ends_with("#prefLabel") {
                    if l.language() == Some(language) {
                        return Some(l.value().to_owned());
                    }
                    if l.language() == Some("en") || best.is_none() {
                        best = Some(l.value().to_owned());
                    }
                }
            }
        }
        best
    };
    let title =
        label_of(entity.as_str()).unwrap_or_else(|| crate::vocab::compact_iri(entity.as_str()));
    let show = |term: TermRef<'_>| match term {
        TermRef::NamedNode(node) => {
            let label =
                label_of(node.as_str()).unwrap_or_else(|| crate::vocab::compact_iri(node.as_str()));
            format!(
                "<a href=\"{}\">{}</a>",
                escape(&local_link(node.as_str())),
                escape(&label)
            )
        }
        TermRef::Literal(literal) => match literal.language() {
            Some(lang) => format!(
                "<span lang=\"{}\">{}</span>",
                escape(lang),
                escape(literal.value())
            ),
            None => escape(literal.value()),
        },
        other => escape(&other.to_string()),
    };
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{language}\" dir=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>body{{font-family:system-ui,sans-serif;max-width:1000px;margin:auto;padding:1rem}}td,th{{border-bottom:1px solid #ddd;padding:.2rem .5rem;text-align:start;vertical-align:top}}</style></head><body><p><a href=\"/\">twinning</a></p><h1>{}</h1><p><code>{}</code> · <a href=\"{}.ttl\">Turtle</a> · <a href=\"{}.jsonld\">JSON-LD</a> · <a href=\"{}.nt\">N-Triples</a></p><table>",
        if language == "ar" { "rtl" } else { "ltr" },
        escape(&title),
        escape(&title),
        escape(entity.as_str()),
        escape(&local_link(entity.as_str())),
        escape(&local_link(entity.as_str())),
        escape(&local_link(entity.as_str())),
    );
    for triple in triples
        .iter()
        .filter(|t| t.subject.to_string() == entity.to_string())
    {
        let _ = write!(
            html,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(&crate::vocab::compact_iri(triple.predicate.as_str())),
            show(triple.object.as_ref())
        );
    }
    html.push_str("</table><h2>Linked from</h2><table>");
    for triple in triples
        .iter()
        .filter(|t| t.object.to_string() == entity.to_string())
    {
        let subject: TermRef<'_> = match triple.subject.as_ref() {
            NamedOrBlankNodeRef::NamedNode(node) => node.into(),
            NamedOrBlankNodeRef::BlankNode(node) => node.into(),
            #[allow(unreachable_patterns)]
            _ => continue,
        };
        let _ = write!(
            html,
            "<tr><td>{}</td><th>{}</th></tr>",
            show(subject),
            escape(&crate::vocab::compact_iri(triple.predicate.as_str()))
        );
    }
    html.push_str("</table></body></html>");
    html
}

fn query_page() -> String {
    let mut examples = String::new();
    for query in crate::catalog::all_bundled() {
        let _ = write!(
            examples,
            "<li><button type=\"button\" data-query=\"{}\">{}</button></li>",
            escape(&query.text),
            escape(query.question())
        );
    }
    format!(
        r##"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>twinning SPARQL</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:auto;padding:1rem}}textarea{{width:100%;height:14rem;font-family:monospace}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2rem .4rem;text-align:start}}li button{{text-align:start;background:none;border:none;color:#0645ad;cursor:pointer}}</style></head>
<body><h1>twinning: SPARQL</h1><p>City diplomacy of Morocco's southern provinces as linked data. Endpoint: <code>/sparql</code> · <a href="/dataset">dataset description</a> · <a href="/id/city/dakhla">an entity</a></p>
<form id="form"><textarea id="query" name="query">SELECT ?city ?label WHERE {{ coll:home-cities skos:member ?city . ?city skos:prefLabel ?label FILTER (lang(?label) = "en") }}</textarea>
<p><button type="submit" id="run">Run</button> <a id="json" href="#">JSON</a> · <a id="csv" href="#">CSV</a></p></form>
<div id="status"></div><div id="results"></div><h2>The research questions</h2><ol id="examples">{examples}</ol>
<script>
const q = document.getElementById('query');
function links() {{ const e = encodeURIComponent(q.value);
  document.getElementById('json').href = '/sparql?format=json&query=' + e;
  document.getElementById('csv').href = '/sparql?format=csv&query=' + e; }}
async function run() {{
  links(); const status = document.getElementById('status'), out = document.getElementById('results');
  status.textContent = 'Running…'; out.textContent = '';
  const response = await fetch('/sparql', {{method: 'POST', headers: {{'Content-Type': 'application/sparql-query', 'Accept': 'application/sparql-results+json'}}, body: q.value}});
  if (!response.ok) {{ status.textContent = response.status + ': ' + await response.text(); return; }}
  const data = await response.json(); const table = document.createElement('table'); table.id = 'result-table';
  const head = table.insertRow(); for (const v of data.head.vars) {{ const th = document.createElement('th'); th.textContent = v; head.appendChild(th); }}
  for (const b of (data.results ? data.results.bindings : [])) {{ const row = table.insertRow(); for (const v of data.head.vars) {{ row.insertCell().textContent = b[v] ? b[v].value : ''; }} }}
  if (!data.results) {{ status.textContent = String(data.boolean); return; }}
  status.textContent = data.results.bindings.length + ' rows'; out.appendChild(table);
}}
document.getElementById('form').addEventListener('submit', e => {{ e.preventDefault(); run(); }});
for (const b of document.querySelectorAll('#examples button')) b.addEventListener('click', () => {{ q.value = b.dataset.query; run(); }});
links();
// /?query=… runs a query and /?example=N a research question on load (for links and tests).
const params = new URLSearchParams(location.search);
if (params.get('query')) {{ q.value = params.get('query'); run(); }}
else if (params.get('example')) {{ const b = document.querySelectorAll('#examples button')[Number(params.get('example')) - 1]; if (b) b.click(); }}
</script></body></html>"##
    )
}
