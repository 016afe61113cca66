//! Preparing SPARQL: the project's prefixes are predeclared, and the default graph is the union of
//! all named graphs (as in Oxigraph's server with `union-default-graph`), so a query sees the
//! ontology, the data and the derived triples together.

use oxigraph::sparql::{PreparedSparqlQuery, SparqlEvaluator};

use crate::error::{Error, Result};
use crate::vocab::PREFIXES;

/// Parses `text` (from `origin`, for messages) into a query ready to run on the store.
pub fn prepare(origin: &str, text: &str) -> Result<PreparedSparqlQuery> {
    prepare_with(origin, text, crate::wikidata::WikidataService::default())
}

/// [`prepare`], with a SERVICE handler for Wikidata that knows the store (see
/// [`crate::wikidata::WikidataService`]).
pub fn prepare_for_store(
    origin: &str,
    text: &str,
    store: &oxigraph::store::Store,
) -> Result<PreparedSparqlQuery> {
    let service = crate::wikidata::WikidataService {
        store: Some(store.clone()),
    };
    prepare_with(origin, text, service)
}

/// [`prepare`] for a public endpoint: no SERVICE call may leave the machine, the query can be
/// cancelled, and relative IRIs resolve against `base_iri` (the endpoint's URL).
pub fn prepare_for_endpoint(
    text: &str,
    cancellation: oxigraph::sparql::CancellationToken,
    base_iri: &str,
) -> Result<PreparedSparqlQuery> {
    let evaluator = SparqlEvaluator::new()
        .without_default_http_service_handler()
        .with_cancellation_token(cancellation)
        .with_base_iri(base_iri)
        .map_err(|e| Error::Invalid(format!("bad base IRI {base_iri}: {e}")))?;
    parse_with(evaluator, "query", text)
}

/// Parses a SPARQL update for the endpoint: the project's prefixes, relative IRIs resolved
/// against `base_iri`, no SERVICE call leaving the machine, and LOAD only from the hosts in
/// `load_hosts` (none by default: a LOAD could make the server fetch internal URLs), without
/// following redirections.
pub fn prepare_update_for_endpoint(
    text: &str,
    base_iri: &str,
    load_hosts: &[String],
    timeout: std::time::Duration,
) -> Result<oxigraph::sparql::PreparedSparqlUpdate> {
    let bad_base =
        |e: oxiri::IriParseError| Error::Invalid(format!("bad base IRI {base_iri}: {e}"));
    let syntax = |e: oxigraph::sparql::SparqlSyntaxError| Error::SparqlSyntax {
        origin: "update".to_owned(),
        message: e.to_string(),
    };
    let mut parser = spargebra::SparqlParser::new()
        .with_base_iri(base_iri)
        .map_err(bad_base)?;
    let mut evaluator = SparqlEvaluator::new()
        .without_default_http_service_handler()
        .with_http_timeout(timeout)
        .with_http_redirection_limit(0)
        .with_base_iri(base_iri)
        .map_err(bad_base)?;
    for (prefix, namespace) in PREFIXES {
        let bad = |e| Error::Invalid(format!("bad built-in prefix {prefix}: {e}"));
        parser = parser.with_prefix(*prefix, *namespace).map_err(bad)?;
        evaluator = evaluator.with_prefix(*prefix, *namespace).map_err(bad)?;
    }
    for operation in &parser.parse_update(text).map_err(syntax)?.operations {
        if let spargebra::GraphUpdateOperation::Load { source, .. } = operation {
            let host = url::Url::parse(source.as_str())
                .ok()
                .and_then(|url| url.host_str().map(str::to_ascii_lowercase));
            if !host.is_some_and(|host| {
                load_hosts
                    .iter()
                    .any(|allowed| allowed.eq_ignore_ascii_case(&host))
            }) {
                return Err(Error::Refused(format!(
                    "LOAD <{}>: this endpoint loads only from the hosts given to --allow-load-from \
                     (now: {}); send the data itself with the Graph Store Protocol instead",
                    source.as_str(),
                    if load_hosts.is_empty() { "none".to_owned() } else { load_hosts.join(", ") }
                )));
            }
        }
    }
    evaluator.parse_update(text).map_err(syntax)
}

fn prepare_with(
    origin: &str,
    text: &str,
    service: crate::wikidata::WikidataService,
) -> Result<PreparedSparqlQuery> {
    let evaluator = SparqlEvaluator::new().with_service_handler(
        oxigraph::model::NamedNode::new_unchecked(crate::wikidata::DEFAULT_ENDPOINT),
        service,
    );
    parse_with(evaluator, origin, text)
}

fn parse_with(
    mut evaluator: SparqlEvaluator,
    origin: &str,
    text: &str,
) -> Result<PreparedSparqlQuery> {
    for (prefix, namespace) in PREFIXES {
        evaluator = evaluator
            .with_prefix(*prefix, *namespace)
            .map_err(|e| Error::Invalid(format!("bad built-in prefix {prefix}: {e}")))?;
    }
    let mut query = evaluator
        .parse_query(text)
        .map_err(|e| Error::SparqlSyntax {
            origin: origin.to_owned(),
            message: e.to_string(),
        })?;
    // FROM and FROM NAMED, when the query has them, say what the dataset is.
    if query.dataset().is_default_dataset() {
        query.dataset_mut().set_default_graph_as_union();
    }
    Ok(query)
}

/// Runs a SELECT query on `store` and collects its solutions (`origin` names it in messages).
pub fn select(
    store: &oxigraph::store::Store,
    origin: &str,
    text: &str,
) -> Result<Vec<oxigraph::sparql::QuerySolution>> {
    select_in(store, origin, text, None)
}

/// [`select`] with the variable `?lang` (which the query must select) bound to `language`, for
/// queries that filter labels with `lang(?label) = ?lang`.
pub fn select_in(
    store: &oxigraph::store::Store,
    origin: &str,
    text: &str,
    language: Option<&str>,
) -> Result<Vec<oxigraph::sparql::QuerySolution>> {
    let evaluation = |cause| Error::evaluation(origin, cause);
    let mut prepared = prepare(origin, text)?;
    if let Some(language) = language {
        prepared = prepared.substitute_variable(
            oxigraph::sparql::Variable::new_unchecked("lang"),
            oxigraph::model::Literal::from(language),
        );
    }
    match prepared.on_store(store).execute().map_err(evaluation)? {
        oxigraph::sparql::QueryResults::Solutions(solutions) => solutions
            .map(|solution| solution.map_err(evaluation))
            .collect(),
        _ => Err(Error::Invalid(format!("{origin}: expected a SELECT query"))),
    }
}
