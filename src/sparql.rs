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
use spargebra::algebra::{Expression, GraphPattern};
use spargebra::term::GroundTerm;

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
    /// The report's title and framing: the datasets the store describes (`?lang`).
    FRAMING = "framing.rq";
    /// `export --format graphml`: the cities.
    NETWORK_NODES = "network_nodes.rq";
    /// `export --format graphml`: the agreements.
    NETWORK_EDGES = "network_edges.rq";
    /// `link`: candidate items, sent to Wikidata (`?name` values filled by [`with_values`]).
    WIKIDATA_CANDIDATES = "wikidata_candidates.rq";
    /// `wikidata-diff`: Wikidata's P190 statements (`?item` values filled by [`with_values`]).
    WIKIDATA_STATEMENTS = "wikidata_statements.rq";
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

/// The rule that makes the governance indicators' observations (ontology/derived.ttl), run as
/// it is after every derivation ([`crate::aggregates::refresh_governance`]).
pub const GOVERNANCE_INDICATORS: Internal = Internal {
    path: "ontology/rules/aggregates/governance-indicators.rq",
    text: include_str!("../ontology/rules/aggregates/governance-indicators.rq"),
};

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

/// Parses a SELECT query with its parameters bound.
///
/// A parameter the query declares itself, with a VALUES block giving its default (the research
/// queries' `VALUES ?lang { "en" }`, in each subquery that reads labels), takes the given value
/// in every such block: the query runs as if its author had written that value, and it stays a
/// plain query that any engine runs with its defaults.
///
/// Any other parameter must be a variable the query selects (the internal queries): a VALUES
/// block joined at the top of its WHERE pattern (below projection, ordering and grouping), which
/// the planner sees, so that it starts from the bound values. (Oxigraph's own
/// `substitute_variable` binds them only as the evaluation starts, after the join order is
/// chosen: `import`'s name query took 10 s instead of 0.7 s at 100k agreements.)
fn prepare_bound(
    evaluator: SparqlEvaluator,
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
    let mut values = Vec::with_capacity(parameters.len());
    for (name, value) in parameters {
        values.push((
            Variable::new_unchecked(*name),
            match value {
                Term::NamedNode(node) => GroundTerm::NamedNode(node.clone()),
                Term::Literal(literal) => GroundTerm::Literal(literal.clone()),
                other => {
                    return Err(Error::Invalid(format!(
                        "{origin}: a parameter cannot be {other}"
                    )))
                }
            },
        ));
    }
    let mut declared = Vec::new();
    declare(pattern, &values, &mut declared);
    values.retain(|(variable, _)| !declared.contains(variable));
    let selected = selected(pattern);
    if let Some((variable, _)) = values.iter().find(|(v, _)| !selected.contains(&v)) {
        return Err(Error::Invalid(format!(
            "{origin}: {variable} is a parameter here, but the query neither declares it \
             (VALUES {variable} {{ ... }}) nor selects it"
        )));
    }
    let undeclared = || {
        parameters
            .iter()
            .filter(|(name, _)| !declared.iter().any(|variable| variable.as_str() == *name))
    };
    if !values.is_empty() {
        let block = GraphPattern::Values {
            variables: values
                .iter()
                .map(|(variable, _)| variable.clone())
                .collect(),
            bindings: vec![values
                .iter()
                .map(|(_, value)| Some(value.clone()))
                .collect()],
        };
        *pattern = bind(std::mem::take(pattern), block);
    }
    let mut prepared = evaluator.for_query(query);
    // Also bound from the start of the evaluation, so that a group evaluated on its own (a FILTER
    // inside an OPTIONAL) sees the value, as a parameter should: the VALUES block alone is
    // joined only after such groups.
    for (name, value) in undeclared() {
        prepared = prepared.substitute_variable(Variable::new_unchecked(*name), value.clone());
    }
    if prepared.dataset().is_default_dataset() {
        prepared.dataset_mut().set_default_graph_as_union();
    }
    Ok(prepared)
}

/// The variables a SELECT query's pattern projects.
fn selected(pattern: &GraphPattern) -> Vec<&Variable> {
    match pattern {
        GraphPattern::Project { variables, .. } => variables.iter().collect(),
        GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::OrderBy { inner, .. } => selected(inner),
        _ => Vec::new(),
    }
}

/// Sets, in every VALUES block of `pattern` (subqueries and EXISTS included) that binds one of
/// the `parameters`, that variable to the parameter's value, and adds the variable to
/// `declared`.
fn declare(
    pattern: &mut GraphPattern,
    parameters: &[(Variable, GroundTerm)],
    declared: &mut Vec<Variable>,
) {
    each_values_block(pattern, &mut |variables, bindings| {
        for (variable, value) in parameters {
            if let Some(column) = variables.iter().position(|v| v == variable) {
                for row in bindings.iter_mut() {
                    row[column] = Some(value.clone());
                }
                if !declared.contains(variable) {
                    declared.push(variable.clone());
                }
            }
        }
        // Rows that differed only by the default are now one.
        let mut unique = Vec::with_capacity(bindings.len());
        for row in bindings.drain(..) {
            if !unique.contains(&row) {
                unique.push(row);
            }
        }
        *bindings = unique;
    });
}

type Bindings = Vec<Vec<Option<GroundTerm>>>;

/// Calls `visit` on every VALUES block of `pattern`: in subqueries and EXISTS too, but not in
/// SERVICE calls (what a remote endpoint runs is its own).
fn each_values_block(
    pattern: &mut GraphPattern,
    visit: &mut dyn FnMut(&[Variable], &mut Bindings),
) {
    match pattern {
        GraphPattern::Values {
            variables,
            bindings,
        } => visit(variables, bindings),
        GraphPattern::Join { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right } => {
            each_values_block(left, visit);
            each_values_block(right, visit);
        }
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => {
            each_values_block(left, visit);
            each_values_block(right, visit);
            if let Some(expression) = expression {
                each_values_block_in(expression, visit);
            }
        }
        GraphPattern::Filter { expr, inner } => {
            each_values_block_in(expr, visit);
            each_values_block(inner, visit);
        }
        GraphPattern::Extend {
            inner, expression, ..
        } => {
            each_values_block_in(expression, visit);
            each_values_block(inner, visit);
        }
        GraphPattern::Graph { inner, .. }
        | GraphPattern::OrderBy { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Group { inner, .. } => each_values_block(inner, visit),
        #[allow(unreachable_patterns)]
        _ => (),
    }
}

/// [`each_values_block`] for the EXISTS patterns of an expression.
fn each_values_block_in(
    expression: &mut Expression,
    visit: &mut dyn FnMut(&[Variable], &mut Bindings),
) {
    match expression {
        Expression::Exists(pattern) => each_values_block(pattern, visit),
        Expression::Or(a, b)
        | Expression::And(a, b)
        | Expression::Equal(a, b)
        | Expression::SameTerm(a, b)
        | Expression::Greater(a, b)
        | Expression::GreaterOrEqual(a, b)
        | Expression::Less(a, b)
        | Expression::LessOrEqual(a, b)
        | Expression::Add(a, b)
        | Expression::Subtract(a, b)
        | Expression::Multiply(a, b)
        | Expression::Divide(a, b) => {
            each_values_block_in(a, visit);
            each_values_block_in(b, visit);
        }
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
            each_values_block_in(a, visit);
        }
        Expression::If(a, b, c) => {
            for child in [a, b, c] {
                each_values_block_in(child, visit);
            }
        }
        Expression::In(a, list) => {
            each_values_block_in(a, visit);
            for child in list {
                each_values_block_in(child, visit);
            }
        }
        Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
            for child in list {
                each_values_block_in(child, visit);
            }
        }
        _ => (),
    }
}

/// The text of a query the program sends elsewhere (to Wikidata's query service), with the
/// rows of its `VALUES ?variable { }` blocks set to `values`, one row each: set in the parsed
/// query and serialized by spargebra, never spliced into the text. The file's leading comment
/// lines are kept above it, for a reader of `--print-query`.
pub fn with_values(query: Internal, variable: &str, values: &[Term]) -> Result<String> {
    let mut parsed = spargebra::SparqlParser::new()
        .parse_query(query.text)
        .map_err(|e| Error::SparqlSyntax {
            origin: query.path.to_owned(),
            message: e.to_string(),
        })?;
    let spargebra::Query::Select { pattern, .. } = &mut parsed else {
        return Err(Error::Invalid(format!("{}: a SELECT query", query.path)));
    };
    let rows = values
        .iter()
        .map(|value| match value {
            Term::NamedNode(node) => Ok(vec![Some(GroundTerm::NamedNode(node.clone()))]),
            Term::Literal(literal) => Ok(vec![Some(GroundTerm::Literal(literal.clone()))]),
            other => Err(Error::Invalid(format!(
                "{}: cannot send {other}",
                query.path
            ))),
        })
        .collect::<Result<Vec<_>>>()?;
    let variable = Variable::new_unchecked(variable);
    let mut filled = false;
    each_values_block(pattern, &mut |variables, bindings| {
        if variables == std::slice::from_ref(&variable) {
            bindings.clone_from(&rows);
            filled = true;
        }
    });
    if !filled {
        return Err(Error::Invalid(format!(
            "{}: no VALUES {variable} block to fill",
            query.path
        )));
    }
    let comments: String = query
        .text
        .lines()
        .take_while(|line| line.starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect();
    Ok(format!("{comments}{parsed}\n"))
}

/// `pattern` joined with `values` below its solution modifiers, extensions, filters and grouping.
fn bind(pattern: GraphPattern, values: GraphPattern) -> GraphPattern {
    use GraphPattern::*;
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

/// Runs a query given as text (`twinning query`) with its parameters bound (see [`solutions`]),
/// with `handler` answering its SERVICE calls to `endpoint`; with `explain`, also Oxigraph's plan
/// of it, whose statistics (rows and time of each step) are filled in as the results are read
/// (`--explain`).
pub fn query_with_service<H>(
    store: &oxigraph::store::Store,
    origin: &str,
    text: &str,
    parameters: &[(&str, Term)],
    (endpoint, handler): (&str, H),
    explain: bool,
) -> Result<(
    oxigraph::sparql::QueryResults<'static>,
    Option<oxigraph::sparql::QueryExplanation>,
)>
where
    H: oxigraph::sparql::ServiceHandler<Error = Error> + Send + Sync + 'static,
{
    let query = if parameters.is_empty() {
        prepare_with_service(origin, text, endpoint, handler)?
    } else {
        let evaluator = SparqlEvaluator::new()
            .without_default_http_service_handler()
            .with_service_handler(oxigraph::model::NamedNode::new_unchecked(endpoint), handler);
        prepare_bound(evaluator, origin, text, parameters)?
    }
    .on_store(store);
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

/// Runs an internal CONSTRUCT query over what a transaction sees (its own writes included), and
/// collects its triples.
pub fn construct_in(
    transaction: &oxigraph::store::Transaction<'_>,
    query: Internal,
) -> Result<Vec<oxigraph::model::Triple>> {
    let evaluation = |cause| Error::evaluation(query.path, cause);
    match prepare(query.path, query.text)?
        .on_transaction(transaction)
        .execute()
        .map_err(evaluation)?
    {
        oxigraph::sparql::QueryResults::Graph(triples) => {
            triples.map(|triple| triple.map_err(evaluation)).collect()
        }
        _ => Err(Error::Invalid(format!(
            "{}: expected a CONSTRUCT query",
            query.path
        ))),
    }
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

/// Runs a SELECT query given as text with its parameters bound, and streams its solutions. A
/// parameter is either declared by the query (a `VALUES` block giving its default, replaced by
/// the value everywhere it appears) or selected by it (bound before it runs); anything else is
/// an error, never a parameter silently ignored.
pub fn solutions(
    store: &oxigraph::store::Store,
    origin: &str,
    text: &str,
    parameters: &[(&str, Term)],
) -> Result<oxigraph::sparql::QuerySolutionIter<'static>> {
    let evaluator = SparqlEvaluator::new().without_default_http_service_handler();
    let prepared = if parameters.is_empty() {
        parse_with(evaluator, origin, text)?
    } else {
        prepare_bound(evaluator, origin, text, parameters)?
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

/// A solution's value for `name` as text: a literal's lexical form, an IRI as it is.
pub fn text(solution: &QuerySolution, name: &str) -> Option<String> {
    match solution.get(name)? {
        Term::Literal(literal) => Some(literal.value().to_owned()),
        Term::NamedNode(node) => Some(node.as_str().to_owned()),
        _ => None,
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

    /// A research query declares `?lang` with a default in each scope that reads labels; bound,
    /// the parameter replaces the default everywhere (a subquery included), so that names and
    /// lists are in one language; a label missing in it falls back to English, tagged as such.
    #[test]
    fn a_declared_parameter_replaces_its_default_in_every_scope() {
        let store = oxigraph::store::Store::new().unwrap();
        store
            .load_from_slice(
                oxigraph::io::RdfFormat::Turtle,
                r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
                <urn:a> skos:prefLabel "A"@en, "A-fr"@fr ; skos:related <urn:b>, <urn:c> .
                <urn:b> skos:prefLabel "B"@en, "B-fr"@fr .
                <urn:c> skos:prefLabel "C"@en ."#,
            )
            .unwrap();
        let text = r#"PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            SELECT ?name ?related WHERE {
              VALUES ?lang { "en" }
              BIND(<urn:a> AS ?x)
              OPTIONAL { ?x skos:prefLabel ?name . FILTER(lang(?name) = ?lang) }
              { SELECT ?x (GROUP_CONCAT(?n; separator=", ") AS ?related) WHERE {
                  VALUES ?lang { "en" }
                  ?x skos:related ?y .
                  OPTIONAL { ?y skos:prefLabel ?l . FILTER(lang(?l) = ?lang) }
                  OPTIONAL { ?y skos:prefLabel ?l . FILTER(lang(?l) = "en") }
                  BIND(STR(?l) AS ?n) } GROUP BY ?x }
            }"#;
        let row = |parameters: &[(&str, Term)]| {
            let solutions = select_text(&store, "test", text, parameters).unwrap();
            assert_eq!(solutions.len(), 1);
            let cell = |name| solutions[0].get(name).map(ToString::to_string);
            (cell("name"), cell("related"))
        };
        let english = row(&[]);
        assert_eq!(english.0.as_deref(), Some("\"A\"@en"));
        let french = row(&[language("fr")]);
        assert_eq!(french.0.as_deref(), Some("\"A-fr\"@fr"));
        let related = french.1.unwrap();
        assert!(
            related == "\"B-fr, C\"" || related == "\"C, B-fr\"",
            "the subquery's list is in French, C in English: {related}"
        );
        // A parameter the query neither declares nor selects is an error, not ignored.
        let error = select_text(
            &store,
            "test",
            "SELECT ?x WHERE { ?x ?p ?o }",
            &[language("fr")],
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("?lang") && error.contains("neither declares"),
            "{error}"
        );
    }

    /// A name with quotes, a backslash or a newline reaches Wikidata as that name: the VALUES
    /// block is set in the parsed query and serialized, not spliced into text.
    #[test]
    fn values_sent_elsewhere_are_set_in_the_parsed_query() {
        let name = "Sa'id \"the \\ city\"\nline";
        let text = with_values(
            WIKIDATA_CANDIDATES,
            "name",
            &[oxigraph::model::Literal::new_language_tagged_literal_unchecked(name, "en").into()],
        )
        .unwrap();
        let parsed = spargebra::SparqlParser::new().parse_query(&text).unwrap();
        let mut found = Vec::new();
        if let spargebra::Query::Select { pattern, .. } = &parsed {
            let mut stack = vec![pattern];
            while let Some(pattern) = stack.pop() {
                match pattern {
                    GraphPattern::Values { bindings, .. } => found.extend(bindings.clone()),
                    GraphPattern::Join { left, right }
                    | GraphPattern::LeftJoin { left, right, .. } => {
                        stack.extend([left.as_ref(), right.as_ref()]);
                    }
                    GraphPattern::Project { inner, .. }
                    | GraphPattern::Filter { inner, .. }
                    | GraphPattern::Extend { inner, .. } => stack.push(inner),
                    _ => {}
                }
            }
        }
        assert_eq!(
            found,
            vec![vec![Some(GroundTerm::Literal(
                oxigraph::model::Literal::new_language_tagged_literal_unchecked(name, "en")
            ))]]
        );
        assert!(with_values(WIKIDATA_CANDIDATES, "nothing", &[]).is_err());
    }
}
