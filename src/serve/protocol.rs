//! The SPARQL 1.1 Protocol (<https://www.w3.org/TR/sparql11-protocol/>): queries by GET, by POST
//! of a form or of the query itself; updates by POST only; the RDF dataset given by
//! `default-graph-uri`/`named-graph-uri` (queries) and `using-graph-uri`/`using-named-graph-uri`
//! (updates); relative IRIs resolved against the endpoint's URL; errors as 400 with a message.

use oxhttp::model::{Body, Method, Request, Response, StatusCode};
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{QueryResults, QuerySolution};

use super::negotiation::{self, GRAPH_FORMATS, RESULTS_FORMATS};
use super::{authorised, body_text, is_cancelled, parameters, text, timed_out, Answer, State};
use crate::load;

/// Which operations a path takes: /sparql both, /query queries, /update updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepts {
    Both,
    Queries,
    Updates,
}

/// A request's parameters, decoded, in order.
type Parameters = Vec<(String, String)>;

/// A request, read as the Protocol defines it.
enum Operation {
    Query {
        text: String,
        default_graphs: Vec<String>,
        named_graphs: Vec<String>,
    },
    Update {
        text: String,
        using_graphs: Vec<String>,
        using_named_graphs: Vec<String>,
    },
    /// GET of the endpoint without a query: the service description.
    Describe,
}

pub fn endpoint(state: &State, request: &mut Request<Body>, accepts: Accepts) -> Answer {
    let operation = read_operation(request, accepts)?;
    let base = format!("{}{}", state.base, request.uri().path());
    match operation {
        Operation::Describe => service_description(state, request),
        Operation::Query {
            text: query,
            default_graphs,
            named_graphs,
        } => {
            let format = parameters(request.uri().query().unwrap_or_default())
                .into_iter()
                .find(|(k, _)| k == "format")
                .map(|(_, v)| v);
            run_query(
                state,
                request,
                &query,
                &base,
                &iris(&default_graphs, &base)?,
                &iris(&named_graphs, &base)?,
                format.as_deref(),
            )
        }
        Operation::Update {
            text: update,
            using_graphs,
            using_named_graphs,
        } => {
            authorised(state, request)?;
            run_update(
                state,
                &update,
                &base,
                &iris(&using_graphs, &base)?,
                &iris(&using_named_graphs, &base)?,
            )
        }
    }
}

/// Reads the operation from the method, the media type, the query string and the body: 2.1 and
/// 2.2 of the Protocol, with 400 for what they do not allow.
fn read_operation(
    request: &mut Request<Body>,
    accepts: Accepts,
) -> Result<Operation, Response<Body>> {
    let url_parameters = parameters(request.uri().query().unwrap_or_default());
    let method = request.method().clone();
    let (parameters, body): (Parameters, Option<(bool, String)>) = if method == Method::GET
        || method == Method::HEAD
    {
        (url_parameters, None)
    } else if method == Method::POST {
        if !negotiation::is_utf8(request) {
            return Err(text(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send queries and updates in UTF-8 (the only charset the SPARQL Protocol allows)",
            ));
        }
        let Some(media) = negotiation::content_type(request) else {
            return Err(text(
                StatusCode::BAD_REQUEST,
                "a POST needs a Content-Type: application/x-www-form-urlencoded, \
                 application/sparql-query or application/sparql-update",
            ));
        };
        match media.as_str() {
            // 2.1.2 and 2.2.1: every parameter is in the body.
            "application/x-www-form-urlencoded" => {
                let body = body_text(request)?;
                let mut all = parameters(&body);
                // `format` (not a Protocol parameter) may stay in the URL.
                all.extend(url_parameters.into_iter().filter(|(k, _)| k == "format"));
                (all, None)
            }
            "application/sparql-query" => (url_parameters, Some((true, body_text(request)?))),
            "application/sparql-update" => (url_parameters, Some((false, body_text(request)?))),
            other => {
                return Err(text(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!("Content-Type {other}: send application/x-www-form-urlencoded, application/sparql-query or application/sparql-update"),
                ))
            }
        }
    } else {
        let mut response = text(
            StatusCode::METHOD_NOT_ALLOWED,
            "the SPARQL endpoint takes GET and POST",
        );
        response.headers_mut().insert(
            oxhttp::model::header::ALLOW,
            oxhttp::model::HeaderValue::from_static("GET, HEAD, POST, OPTIONS"),
        );
        return Err(response);
    };
    let all = |name: &str| -> Vec<String> {
        parameters
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let once = |name: &str| -> Result<Option<String>, Response<Body>> {
        let mut values = all(name);
        match values.len() {
            0 => Ok(None),
            1 => Ok(values.pop()),
            n => Err(text(
                StatusCode::BAD_REQUEST,
                format!("the request has {n} '{name}' parameters; send exactly one"),
            )),
        }
    };
    let (query, update) = match body {
        Some((true, text)) => {
            if !all("query").is_empty() || !all("update").is_empty() {
                return Err(self::text(
                    StatusCode::BAD_REQUEST,
                    "the query is the body of an application/sparql-query POST: do not also send a 'query' or 'update' parameter",
                ));
            }
            (Some(text), None)
        }
        Some((false, text)) => {
            if !all("query").is_empty() || !all("update").is_empty() {
                return Err(self::text(
                    StatusCode::BAD_REQUEST,
                    "the update is the body of an application/sparql-update POST: do not also send a 'query' or 'update' parameter",
                ));
            }
            (None, Some(text))
        }
        None => (once("query")?, once("update")?),
    };
    let query_dataset = all("default-graph-uri").len() + all("named-graph-uri").len();
    let update_dataset = all("using-graph-uri").len() + all("using-named-graph-uri").len();
    match (query, update) {
        (Some(_), Some(_)) => Err(text(
            StatusCode::BAD_REQUEST,
            "a request carries either a query or an update, not both",
        )),
        (Some(_), None) if accepts == Accepts::Updates => Err(text(
            StatusCode::BAD_REQUEST,
            "this is the update endpoint: send queries to /sparql or /query",
        )),
        (None, Some(_)) if accepts == Accepts::Queries => Err(text(
            StatusCode::BAD_REQUEST,
            "this is the query endpoint: send updates to /sparql or /update",
        )),
        (Some(_), None) if update_dataset > 0 => Err(text(
            StatusCode::BAD_REQUEST,
            "using-graph-uri and using-named-graph-uri belong to updates; a query's dataset is given by default-graph-uri and named-graph-uri",
        )),
        (Some(query), None) => Ok(Operation::Query {
            text: query,
            default_graphs: all("default-graph-uri"),
            named_graphs: all("named-graph-uri"),
        }),
        (None, Some(_)) if method != Method::POST => Err(text(
            StatusCode::BAD_REQUEST,
            "updates are sent by POST (SPARQL 1.1 Protocol 2.2), never by GET; nothing was changed",
        )),
        (None, Some(_)) if query_dataset > 0 => Err(text(
            StatusCode::BAD_REQUEST,
            "default-graph-uri and named-graph-uri belong to queries; an update's dataset is given by using-graph-uri and using-named-graph-uri",
        )),
        (None, Some(update)) => Ok(Operation::Update {
            text: update,
            using_graphs: all("using-graph-uri"),
            using_named_graphs: all("using-named-graph-uri"),
        }),
        (None, None) if method == Method::GET || method == Method::HEAD => {
            if parameters.iter().any(|(k, _)| k != "format") {
                Err(text(
                    StatusCode::BAD_REQUEST,
                    "the request has no 'query' parameter",
                ))
            } else {
                Ok(Operation::Describe)
            }
        }
        (None, None) => Err(text(
            StatusCode::BAD_REQUEST,
            "the request carries neither a 'query' nor an 'update' parameter",
        )),
    }
}

/// Graph IRIs from the request, resolved against the endpoint's URL.
fn iris(list: &[String], base: &str) -> Result<Vec<NamedNode>, Response<Body>> {
    let base = oxiri::Iri::parse(base.to_owned()).expect("the endpoint URL is an IRI");
    list.iter()
        .map(|iri| {
            base.resolve(iri)
                .map(|iri| NamedNode::new_unchecked(iri.into_inner()))
                .map_err(|e| text(StatusCode::BAD_REQUEST, format!("{iri}: not an IRI: {e}")))
        })
        .collect()
}

fn run_query(
    state: &State,
    request: &Request<Body>,
    query: &str,
    base: &str,
    default_graphs: &[NamedNode],
    named_graphs: &[NamedNode],
    format: Option<&str>,
) -> Answer {
    super::with_deadline(state, |cancellation| {
        let mut prepared = crate::sparql::prepare_for_endpoint(query, cancellation, base)
            .map_err(|e| text(StatusCode::BAD_REQUEST, e.to_string()))?;
        // 2.1.4: the protocol's dataset wins over FROM and FROM NAMED.
        if !default_graphs.is_empty() || !named_graphs.is_empty() {
            let dataset = prepared.dataset_mut();
            dataset.set_default_graph(
                default_graphs
                    .iter()
                    .cloned()
                    .map(GraphName::NamedNode)
                    .collect(),
            );
            dataset.set_available_named_graphs(
                named_graphs
                    .iter()
                    .cloned()
                    .map(NamedOrBlankNode::NamedNode)
                    .collect(),
            );
        }
        evaluate(state, request, prepared, format)
    })
}

fn evaluate(
    state: &State,
    request: &Request<Body>,
    prepared: oxigraph::sparql::PreparedSparqlQuery,
    format: Option<&str>,
) -> Answer {
    let limit = state.config.max_results;
    let failed = |e: &dyn std::fmt::Display| {
        if is_cancelled(&e.to_string()) {
            timed_out(state)
        } else {
            // 2.1.7: "500 if the service fails to execute the query".
            text(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the query failed while running: {e}"),
            )
        }
    };
    let too_large = || {
        text(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the result has more than {limit} rows or triples; add a LIMIT"),
        )
    };
    let results = prepared
        .on_store(&state.store)
        .execute()
        .map_err(|e| failed(&e))?;
    match results {
        QueryResults::Solutions(solutions) => {
            let results_format = negotiation::results_format(request, format)
                .ok_or_else(|| text(StatusCode::NOT_ACCEPTABLE, RESULTS_FORMATS))?;
            let variables = solutions.variables().to_vec();
            let mut rows: Vec<QuerySolution> = Vec::new();
            for solution in solutions {
                rows.push(solution.map_err(|e| failed(&e))?);
                if rows.len() > limit {
                    return Err(too_large());
                }
            }
            let written = QueryResultsSerializer::from_format(results_format)
                .serialize_solutions_to_writer(Vec::new(), variables)
                .and_then(|mut serializer| {
                    for row in &rows {
                        serializer.serialize(row)?;
                    }
                    serializer.finish()
                });
            results_answer(results_format, written)
        }
        QueryResults::Boolean(value) => {
            let results_format = negotiation::results_format(request, format)
                .ok_or_else(|| text(StatusCode::NOT_ACCEPTABLE, RESULTS_FORMATS))?;
            let written = QueryResultsSerializer::from_format(results_format)
                .serialize_boolean_to_writer(Vec::new(), value);
            results_answer(results_format, written)
        }
        QueryResults::Graph(triples) => {
            let syntax = negotiation::graph_format(request, format)
                .ok_or_else(|| text(StatusCode::NOT_ACCEPTABLE, GRAPH_FORMATS))?;
            let mut graph = oxigraph::model::Graph::new();
            for triple in triples {
                graph.insert(&triple.map_err(|e| failed(&e))?);
                if graph.len() > limit {
                    return Err(too_large());
                }
            }
            Ok(serialize_graph(syntax, &mut graph))
        }
    }
}

/// SPARQL results written to `body`, or the error that stopped their writing.
fn results_answer(format: QueryResultsFormat, written: std::io::Result<Vec<u8>>) -> Answer {
    let body = written.map_err(|e| text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(super::respond(StatusCode::OK, format.media_type(), body))
}

/// A graph in `syntax`, sorted and grouped (see [`crate::export::write_graph`]).
pub fn serialize_graph(
    syntax: crate::format::RdfSyntax,
    graph: &mut oxigraph::model::Graph,
) -> Response<Body> {
    let mut body = Vec::new();
    match crate::export::write_graph(syntax, graph, &mut body) {
        Ok(()) => super::respond(StatusCode::OK, negotiation::media_type(syntax), body),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// 2.2: an update, with its dataset from `using-graph-uri`/`using-named-graph-uri` (which may not
/// be combined with USING, USING NAMED or WITH), then the derived graph brought up to date.
fn run_update(
    state: &State,
    update: &str,
    base: &str,
    using_graphs: &[NamedNode],
    using_named_graphs: &[NamedNode],
) -> Answer {
    let mut prepared = crate::sparql::prepare_update_for_endpoint(
        update,
        base,
        &state.config.load_hosts,
        state.config.timeout,
    )
    .map_err(|e| match e {
        crate::Error::Refused(_) => text(StatusCode::FORBIDDEN, e.to_string()),
        _ => text(StatusCode::BAD_REQUEST, e.to_string()),
    })?;
    let protocol_dataset = !using_graphs.is_empty() || !using_named_graphs.is_empty();
    for dataset in prepared.using_datasets_mut() {
        if !dataset.is_default_dataset() {
            if protocol_dataset {
                return Err(text(
                    StatusCode::BAD_REQUEST,
                    "the update has a USING, USING NAMED or WITH clause: it cannot also take \
                     using-graph-uri or using-named-graph-uri (SPARQL 1.1 Protocol 2.2.3)",
                ));
            }
        } else if protocol_dataset {
            dataset.set_default_graph(
                using_graphs
                    .iter()
                    .cloned()
                    .map(GraphName::NamedNode)
                    .collect(),
            );
            dataset.set_available_named_graphs(
                using_named_graphs
                    .iter()
                    .cloned()
                    .map(NamedOrBlankNode::NamedNode)
                    .collect(),
            );
        } else {
            dataset.set_default_graph_as_union();
        }
    }
    prepared
        .on_store(&state.store)
        .execute()
        // 2.2.5: "500 if the service fails to execute the update request"; the update runs in
        // one transaction, so nothing of it remains.
        .map_err(|e| {
            text(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the update failed while running, and changed nothing: {e}"),
            )
        })?;
    load::rederive(&state.store)
        .map_err(|e| text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(text(StatusCode::NO_CONTENT, ""))
}

fn service_description(state: &State, request: &Request<Body>) -> Answer {
    let endpoint = format!("{}/sparql", state.base);
    let update = if state.config.token.is_some() {
        ", sd:SPARQL11Update"
    } else {
        ""
    };
    let turtle = crate::html::fill(
        include_str!("templates/service.ttl"),
        &[("endpoint", &endpoint), ("update", update)],
    );
    super::pages::reserialize(request, &turtle)
}
