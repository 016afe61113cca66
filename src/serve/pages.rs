//! Pages for people and for linked-data clients: an entity's page under /id/ (HTML in the
//! reader's language, or RDF by Accept header or suffix), the dataset description, and the query
//! page. Entity pages read the store's indexes directly, within the query deadline, and show
//! incoming links a page at a time.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::Instant;

use oxhttp::model::{header, Body, Request, Response, StatusCode};
use oxigraph::io::RdfFormat;
use oxigraph::model::{Graph, NamedNode, NamedNodeRef, Triple};

use super::negotiation::{self, accepted};
use super::protocol::serialize_graph;
use super::{html, parameters, text, Answer, State};
use crate::format::RdfSyntax;
use crate::html::escape;
use crate::i18n::{Key, Language};
use crate::pages::{Description, Links, Renderer};
use crate::vocab::ID;

/// Incoming links shown per page.
const PAGE: usize = 100;
/// Most of an entity's own triples read (a page is for people; the rest is in the export).
const MOST_OWN: usize = 5_000;

pub fn linked_data(state: &State, request: &Request<Body>, path: &str) -> Answer {
    let (stem, suffix) = match path.rsplit_once('.') {
        Some((stem, "ttl")) => (stem, Some(Some(RdfSyntax::Turtle))),
        Some((stem, "nt")) => (stem, Some(Some(RdfSyntax::Ntriples))),
        Some((stem, "jsonld")) => (stem, Some(Some(RdfSyntax::Jsonld))),
        Some((stem, "rdf")) => (stem, Some(Some(RdfSyntax::Rdfxml))),
        Some((stem, "html")) => (stem, Some(None)),
        _ => (path, None),
    };
    let iri = format!("{ID}{}", &stem["/id/".len()..]);
    let Ok(entity) = NamedNode::new(&iri) else {
        return Err(text(
            StatusCode::NOT_FOUND,
            format!("{stem}: not an entity IRI"),
        ));
    };
    let page: usize = parameters(request.uri().query().unwrap_or_default())
        .into_iter()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let description = describe(state, &entity, page)?;
    if description.own.is_empty() && description.incoming.is_empty() {
        return Err(text(StatusCode::NOT_FOUND, format!("no entity <{iri}>")));
    }
    let wants_html = match suffix {
        Some(None) => true,
        Some(Some(_)) => false,
        None => accepted(request)
            .iter()
            .find(|m| {
                m.as_str() == "text/html"
                    || m.as_str() == "application/xhtml+xml"
                    || negotiation::graph_syntax(m).is_some()
                    || m.as_str() == "*/*"
            })
            .is_some_and(|m| m == "text/html" || m == "application/xhtml+xml"),
    };
    if wants_html {
        let language = preferred_language(request);
        let renderer = Renderer {
            store: &state.store,
            language,
            links: Links::Server,
            labels: None,
        };
        return Ok(html(
            StatusCode::OK,
            renderer.entity_page(entity.as_ref(), stem, &description, page),
        ));
    }
    let syntax = match suffix {
        Some(Some(syntax)) => syntax,
        _ => negotiation::graph_format(request, None).ok_or_else(|| {
            text(
                StatusCode::NOT_ACCEPTABLE,
                format!("{} (or text/html)", negotiation::GRAPH_FORMATS),
            )
        })?,
    };
    // The RDF view: the entity's triples, the labels of what they link, and the incoming page.
    let mut graph = description.rdf(&state.store);
    Ok(serialize_graph(syntax, &mut graph))
}

/// Reads the entity's triples from the store's indexes, stopping at the query deadline.
fn describe(state: &State, entity: &NamedNode, page: usize) -> Result<Description, Response<Body>> {
    let limits = crate::pages::Limits {
        most_own: MOST_OWN,
        incoming: (page - 1).saturating_mul(PAGE)..page.saturating_mul(PAGE),
        deadline: Some(Instant::now() + state.config.timeout),
    };
    crate::pages::describe(&state.store, entity.as_ref(), &limits)
        .map_err(internal)?
        .ok_or_else(|| {
            text(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "<{entity}> has more links than can be read in {} s",
                    state.config.timeout.as_secs_f64()
                ),
            )
        })
}

/// The reader's language: `?lang=ar|en|fr` in the URL when given (so that a link can choose it),
/// else Accept-Language (ar, en or fr; English when none of them).
fn preferred_language(request: &Request<Body>) -> Language {
    let chosen = parameters(request.uri().query().unwrap_or_default())
        .into_iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, code)| Language::ALL.into_iter().find(|l| l.code() == code));
    if let Some(language) = chosen {
        return language;
    }
    let header = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    negotiation::ranked(header)
        .iter()
        .find_map(|tag| {
            let primary = tag.split('-').next().unwrap_or_default();
            Language::ALL.into_iter().find(|l| l.code() == primary)
        })
        .unwrap_or(Language::En)
}

/// Serves a Turtle document in the syntax the client asks for.
pub fn reserialize(request: &Request<Body>, turtle: &str) -> Answer {
    let syntax = negotiation::graph_format(request, None)
        .ok_or_else(|| text(StatusCode::NOT_ACCEPTABLE, negotiation::GRAPH_FORMATS))?;
    if syntax == RdfSyntax::Turtle {
        // The template is written for people, with its own prefixes: served as it is.
        return Ok(super::respond(
            StatusCode::OK,
            negotiation::media_type(syntax),
            turtle.to_owned(),
        ));
    }
    let mut graph = Graph::new();
    for quad in oxigraph::io::RdfParser::from_format(RdfFormat::Turtle).for_slice(turtle) {
        graph.insert(&Triple::from(quad.map_err(internal)?));
    }
    Ok(serialize_graph(syntax, &mut graph))
}

pub fn dataset_description(state: &State, request: &Request<Body>) -> Answer {
    let home_cities = NamedNode::new_unchecked(format!("{ID}collection/home-cities"));
    let member = NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#member");
    let examples: BTreeSet<String> = state
        .store
        .quads_for_pattern(Some(home_cities.as_ref().into()), Some(member), None, None)
        .flatten()
        .map(|quad| quad.object.to_string())
        .collect();
    let examples: Vec<String> = examples.into_iter().collect();
    let turtle = crate::void::describe(
        &state.store,
        crate::void::Access::Endpoint {
            base: &state.base,
            examples: &examples,
        },
    )
    .map_err(internal)?;
    reserialize(request, &turtle)
}

pub fn query_page(request: &Request<Body>) -> Response<Body> {
    let language = preferred_language(request);
    // The research questions only: the federated query (wikidata/partner_facts) needs SERVICE,
    // which a public endpoint does not run.
    let mut examples = String::new();
    for query in crate::catalog::bundled() {
        let _ = write!(
            examples,
            "<li><button type=\"button\" data-query=\"{}\">{}</button></li>",
            escape(&query.text),
            escape(query.question_in(language))
        );
    }
    let text = |key| escape(language.text(key));
    html(
        StatusCode::OK,
        crate::html::fill(
            include_str!("templates/query.html"),
            &[
                ("css", crate::pages::CSS),
                ("lang", language.code()),
                ("dir", language.dir()),
                ("colon", language.colon()),
                ("intro", &text(Key::QueryPageIntro)),
                ("endpoint", &text(Key::Endpoint)),
                ("dataset_description", &text(Key::DatasetDescription)),
                ("an_entity", &text(Key::AnEntity)),
                ("run", &text(Key::Run)),
                ("running", &text(Key::Running)),
                ("rows", &text(Key::Rows)),
                ("research_questions", &text(Key::ResearchQuestions)),
                ("examples", &examples),
            ],
        ),
    )
}

fn internal(error: impl std::fmt::Display) -> Response<Body> {
    text(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
}
