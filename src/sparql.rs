//! The one place where SPARQL is prepared and run. The project's prefixes are predeclared, and
//! the default graph is the union of all named graphs (as in Oxigraph's server with
//! `union-default-graph`), so a query sees the ontology, the data and the derived triples
//! together.
//!
//! The queries the program runs itself live in `queries/internal/` and are compiled in (the
//! constants below); a parameter is a variable the query selects, bound before it runs
//! ([`select`]), never spliced into its text.

use oxigraph::model::Term;
use oxigraph::sparql::{PreparedSparqlQuery, QuerySolution, SparqlEvaluator, Variable};

use crate::error::{Error, Result};
use crate::vocab::PREFIXES;

/// A query the program runs: a file of `queries/internal/`, compiled in.
#[derive(Debug, Clone, Copy)]
pub struct Internal {
    /// Its path in the repository (named in messages).
    pub path: &'static str,
    /// Its text.
    pub text: &'static str,
}

macro_rules! internal {
    ($($(#[$doc:meta])* $name:ident = $file:literal;)*) => {
        $(
            $(#[$doc])*
            pub const $name: Internal = Internal {
                path: concat!("queries/internal/", $file),
                text: include_str!(concat!("../queries/internal/", $file)),
            };
        )*
        /// Every internal query.
        pub const INTERNAL: &[Internal] = &[$($name),*];
    };
}

internal! {
    /// The report's map (`?lang`).
    MAP = "map.rq";
    /// The report's indicators: agreements with city, country, region and axes (`?lang`).
    INDICATORS_PROFILE = "indicators_profile.rq";
    /// The report's indicators: the axes and regions diversity is measured over.
    INDICATORS_SCHEMES = "indicators_schemes.rq";
    /// The report's indicators: Table 2's council organisation (`?lang`).
    INDICATORS_GOVERNANCE = "indicators_governance.rq";
    /// The report's indicators: the EU survey's figures.
    INDICATORS_BENCHMARK = "indicators_benchmark.rq";
    /// The size of a named graph (`?graph`).
    GRAPH_SIZE = "graph_size.rq";
    /// A scheme's top concepts or its other concepts (`?scheme`, `?top`).
    CONCEPTS = "concepts.rq";
    /// Every name of the entities of a class or scheme (`?classProperty`, `?class`).
    NAMES = "names.rq";
    /// `import`: each city's country.
    IMPORT_CITY_COUNTRIES = "import_city_countries.rq";
    /// `import`: the agreements in the store.
    IMPORT_AGREEMENTS = "import_agreements.rq";
    /// `import`: city and country labels with their language.
    IMPORT_PLACE_LABELS = "import_place_labels.rq";
    /// `import`: the URLs of the cited sources.
    IMPORT_SOURCE_URLS = "import_source_urls.rq";
    /// The CSV export.
    EXPORT_CSV = "export_csv.rq";
    /// `link`: the places and what the linker compares.
    LINK_PLACES = "link_places.rq";
    /// `link --status`.
    LINK_STATUS = "link_status.rq";
    /// The Wikidata items our places are linked to.
    LINKED_ITEMS = "linked_items.rq";
    /// Our twinnings as Wikidata statements.
    WIKIDATA_PAIRS = "wikidata_pairs.rq";
    /// `wikidata-diff`: our places' English labels by item.
    WIKIDATA_LABELS = "wikidata_labels.rq";
    /// `validate`: the SHACL report as a table.
    VALIDATION_RESULTS = "validation_results.rq";
}

/// Parses `text` (from `origin`, for messages) into a query ready to run on the store. A SERVICE
/// call leaves the machine only through a handler its caller gives ([`prepare_with_service`]).
pub fn prepare(origin: &str, text: &str) -> Result<PreparedSparqlQuery> {
    parse_with(
        SparqlEvaluator::new().without_default_http_service_handler(),
        origin,
        text,
    )
}

/// [`prepare`], with `handler` answering SERVICE calls to `endpoint` (the Wikidata handler of
/// `twinning query`, which knows the store).
pub fn prepare_with_service<H>(
    origin: &str,
    text: &str,
    endpoint: &str,
    handler: H,
) -> Result<PreparedSparqlQuery>
where
    H: oxigraph::sparql::ServiceHandler<Error = Error> + Send + Sync + 'static,
{
    let evaluator = SparqlEvaluator::new()
        .without_default_http_service_handler()
        .with_service_handler(oxigraph::model::NamedNode::new_unchecked(endpoint), handler);
    parse_with(evaluator, origin, text)
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

/// Parses a SELECT query with its parameters bound: a VALUES block joined at the top of its
/// WHERE pattern (below projection, ordering and grouping), which the planner sees, so that it
/// starts from the bound values. (Oxigraph's own `substitute_variable` binds them only as the
/// evaluation starts, after the join order is chosen: `import`'s name query took 10 s instead
/// of 0.7 s at 100k agreements.)
fn prepare_bound(
    origin: &str,
    text: &str,
    parameters: &[(&str, Term)],
) -> Result<PreparedSparqlQuery> {
    let mut parser = spargebra::SparqlParser::new();
    for (prefix, namespace) in PREFIXES {
        parser = parser
            .with_prefix(*prefix, *namespace)
            .map_err(|e| Error::Invalid(format!("bad built-in prefix {prefix}: {e}")))?;
    }
    let mut query = parser.parse_query(text).map_err(|e| Error::SparqlSyntax {
        origin: origin.to_owned(),
        message: e.to_string(),
    })?;
    let spargebra::Query::Select { pattern, .. } = &mut query else {
        return Err(Error::Invalid(format!(
            "{origin}: only a SELECT query takes parameters"
        )));
    };
    let mut row = Vec::new();
    for (_, value) in parameters {
        row.push(Some(match value {
            Term::NamedNode(node) => spargebra::term::GroundTerm::NamedNode(node.clone()),
            Term::Literal(literal) => spargebra::term::GroundTerm::Literal(literal.clone()),
            other => {
                return Err(Error::Invalid(format!(
                    "{origin}: a parameter cannot be {other}"
                )))
            }
        }));
    }
    let values = spargebra::algebra::GraphPattern::Values {
        variables: parameters
            .iter()
            .map(|(name, _)| Variable::new_unchecked(*name))
            .collect(),
        bindings: vec![row],
    };
    *pattern = bind(std::mem::take(pattern), values);
    let mut prepared = SparqlEvaluator::new()
        .without_default_http_service_handler()
        .for_query(query);
    // Also bound from the start of the evaluation, so that a group evaluated on its own (a FILTER
    // inside an OPTIONAL) sees the value, as a parameter should: the VALUES block alone is
    // joined only after such groups.
    for (name, value) in parameters {
        prepared = prepared.substitute_variable(Variable::new_unchecked(*name), value.clone());
    }
    if prepared.dataset().is_default_dataset() {
        prepared.dataset_mut().set_default_graph_as_union();
    }
    Ok(prepared)
}

/// `pattern` joined with `values` below its solution modifiers, extensions, filters and grouping.
fn bind(
    pattern: spargebra::algebra::GraphPattern,
    values: spargebra::algebra::GraphPattern,
) -> spargebra::algebra::GraphPattern {
    use spargebra::algebra::GraphPattern::*;
    match pattern {
        Project { inner, variables } => Project {
            inner: Box::new(bind(*inner, values)),
            variables,
        },
        Distinct { inner } => Distinct {
            inner: Box::new(bind(*inner, values)),
        },
        Reduced { inner } => Reduced {
            inner: Box::new(bind(*inner, values)),
        },
        Slice {
            inner,
            start,
            length,
        } => Slice {
            inner: Box::new(bind(*inner, values)),
            start,
            length,
        },
        OrderBy { inner, expression } => OrderBy {
            inner: Box::new(bind(*inner, values)),
            expression,
        },
        Extend {
            inner,
            variable,
            expression,
        } => Extend {
            inner: Box::new(bind(*inner, values)),
            variable,
            expression,
        },
        Filter { expr, inner } => Filter {
            expr,
            inner: Box::new(bind(*inner, values)),
        },
        Group {
            inner,
            variables,
            aggregates,
        } => Group {
            inner: Box::new(bind(*inner, values)),
            variables,
            aggregates,
        },
        other => Join {
            left: Box::new(values),
            right: Box::new(other),
        },
    }
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

/// Runs a query given as text (`twinning query`), with `handler` answering its SERVICE calls to
/// `endpoint`; with `explain`, also Oxigraph's plan of it, whose statistics (rows and time of each
/// step) are filled in as the results are read (`--explain`).
pub fn query_with_service<H>(
    store: &oxigraph::store::Store,
    origin: &str,
    text: &str,
    endpoint: &str,
    handler: H,
    explain: bool,
) -> Result<(
    oxigraph::sparql::QueryResults<'static>,
    Option<oxigraph::sparql::QueryExplanation>,
)>
where
    H: oxigraph::sparql::ServiceHandler<Error = Error> + Send + Sync + 'static,
{
    let query = prepare_with_service(origin, text, endpoint, handler)?.on_store(store);
    let (results, explanation) = if explain {
        let (results, explanation) = query.compute_statistics().explain();
        (results, Some(explanation))
    } else {
        (query.execute(), None)
    };
    Ok((
        results.map_err(|cause| Error::evaluation(origin, cause))?,
        explanation,
    ))
}

/// Runs an internal query on `store` with its parameters bound (each a variable the query
/// selects), and collects its solutions.
pub fn select(
    store: &oxigraph::store::Store,
    query: Internal,
    parameters: &[(&str, Term)],
) -> Result<Vec<QuerySolution>> {
    select_text(store, query.path, query.text, parameters)
}

/// [`select`] for a query given as text (`origin` names it in messages).
pub fn select_text(
    store: &oxigraph::store::Store,
    origin: &str,
    text: &str,
    parameters: &[(&str, Term)],
) -> Result<Vec<QuerySolution>> {
    let evaluation = |cause| Error::evaluation(origin, cause);
    solutions(store, origin, text, parameters)?
        .map(|solution| solution.map_err(evaluation))
        .collect()
}

/// Runs a SELECT query given as text with its parameters bound, and streams its solutions.
pub fn solutions(
    store: &oxigraph::store::Store,
    origin: &str,
    text: &str,
    parameters: &[(&str, Term)],
) -> Result<oxigraph::sparql::QuerySolutionIter<'static>> {
    let prepared = if parameters.is_empty() {
        prepare(origin, text)?
    } else {
        prepare_bound(origin, text, parameters)?
    };
    match prepared
        .on_store(store)
        .execute()
        .map_err(|cause| Error::evaluation(origin, cause))?
    {
        oxigraph::sparql::QueryResults::Solutions(solutions) => Ok(solutions),
        _ => Err(Error::Invalid(format!("{origin}: expected a SELECT query"))),
    }
}

/// The parameter `?lang`, bound to a language code.
pub fn language(code: &str) -> (&'static str, Term) {
    ("lang", oxigraph::model::Literal::from(code).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of queries/internal/ is compiled in, parses, and selects the parameters its
    /// first comment names (a parameter that is not selected would silently stay unbound).
    #[test]
    fn the_internal_queries_are_all_compiled_in_and_select_their_parameters() {
        let files: Vec<&str> = crate::bundle::FILES
            .iter()
            .map(|(path, _)| *path)
            .filter(|path| path.starts_with("queries/internal/") && path.ends_with(".rq"))
            .collect();
        let compiled: Vec<&str> = INTERNAL.iter().map(|query| query.path).collect();
        for file in &files {
            assert!(compiled.contains(file), "{file} is not compiled in");
        }
        assert_eq!(files.len(), compiled.len());
        for query in INTERNAL {
            let _ = prepare(query.path, query.text).unwrap();
            let select = query
                .text
                .lines()
                .find(|line| line.starts_with("SELECT"))
                .unwrap_or_default();
            let parameters = query
                .text
                .lines()
                .find_map(|line| line.strip_prefix("# Parameters:"))
                .unwrap_or_default();
            for parameter in parameters.split_whitespace() {
                assert!(
                    select.contains(&format!("{parameter} ")),
                    "{}: {parameter} is not selected",
                    query.path
                );
            }
        }
    }

    #[test]
    fn a_parameter_is_bound_before_the_query_runs() {
        let store = oxigraph::store::Store::new().unwrap();
        crate::load::load_bundle(&store).unwrap();
        let size = |graph: &str| {
            let solutions = select(
                &store,
                GRAPH_SIZE,
                &[(
                    "graph",
                    oxigraph::model::NamedNode::new_unchecked(graph).into(),
                )],
            )
            .unwrap();
            match solutions.first().and_then(|s| s.get("n")) {
                Some(Term::Literal(n)) => n.value().parse::<usize>().unwrap(),
                _ => 0,
            }
        };
        let agreements = size("https://w3id.org/twinning/graph/data/agreements");
        let places = size("https://w3id.org/twinning/graph/data/places");
        assert!(agreements > 100 && places > 100 && agreements != places);
        let top = |top: bool| {
            select(
                &store,
                CONCEPTS,
                &[
                    (
                        "scheme",
                        oxigraph::model::NamedNode::new_unchecked(
                            "https://w3id.org/twinning/id/scheme/themes",
                        )
                        .into(),
                    ),
                    ("top", oxigraph::model::Literal::from(top).into()),
                ],
            )
            .unwrap()
            .len()
        };
        assert_eq!(top(true), 5, "the paper's five axes");
        assert!(top(false) > 5);
    }

    /// A parameter used inside an OPTIONAL (the report's profile: a partner's country in the
    /// reader's language) is bound there too: without it, no agreement had a partner country.
    #[test]
    fn a_parameter_is_seen_inside_an_optional_group() {
        let store = oxigraph::store::Store::new().unwrap();
        crate::load::load_bundle(&store).unwrap();
        for code in ["en", "ar", "fr"] {
            let solutions = select(&store, INDICATORS_PROFILE, &[language(code)]).unwrap();
            let with_country = solutions
                .iter()
                .filter(|s| matches!(s.get("country"), Some(Term::Literal(l)) if l.language() == Some(code)))
                .count();
            assert!(
                with_country >= 17,
                "{code}: {with_country} of {} rows have a partner country",
                solutions.len()
            );
        }
    }
}
