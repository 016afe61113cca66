//! Pages for people and for linked-data clients: an entity's page under /id/ (HTML in the
//! reader's language, or RDF by Accept header or suffix), the dataset description, and the query
//! page. Entity pages read the store's indexes directly, within the query deadline, and show
//! incoming links a page at a time.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::Instant;

use oxhttp::model::{header, Body, Request, Response, StatusCode};
use oxigraph::io::RdfFormat;
use oxigraph::model::{
    Graph, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Term, TermRef, Triple,
};

use super::negotiation::{self, accepted};
use super::protocol::serialize_graph;
use super::{html, parameters, text, Answer, State};
use crate::format::RdfSyntax;
use crate::html::escape;
use crate::i18n::{Key, Language};
use crate::vocab::{compact_iri, ID};

/// Incoming links shown per page.
const PAGE: usize = 100;
/// Most of an entity's own triples read (a page is for people; the rest is in the export).
const MOST_OWN: usize = 5_000;

const PREF_LABEL: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#prefLabel");
const RDFS_LABEL: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2000/01/rdf-schema#label");
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// What the store says about an entity: its own triples and one page of the triples that point
/// to it.
struct Description {
    own: Graph,
    incoming: Graph,
    more_incoming: bool,
}

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
        return Ok(html(
            StatusCode::OK,
            entity_page(state, &entity, stem, &description, page, language),
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
    let mut graph = description.own.clone();
    graph.extend(description.incoming.iter());
    let linked: std::collections::HashSet<NamedOrBlankNode> = description
        .own
        .iter()
        .filter_map(|t| match t.object {
            TermRef::NamedNode(node) => Some(node.into_owned().into()),
            _ => None,
        })
        .chain(description.incoming.iter().map(|t| t.subject.into_owned()))
        .collect();
    for node in &linked {
        for quad in state
            .store
            .quads_for_pattern(Some(node.as_ref()), Some(PREF_LABEL), None, None)
            .flatten()
        {
            graph.insert(&Triple::from(quad));
        }
    }
    Ok(serialize_graph(syntax, &mut graph))
}

/// Reads the entity's triples from the store's indexes, stopping at the query deadline.
fn describe(state: &State, entity: &NamedNode, page: usize) -> Result<Description, Response<Body>> {
    let deadline = Instant::now() + state.config.timeout;
    let overdue = || {
        text(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "<{entity}> has more links than can be read in {} s",
                state.config.timeout.as_secs_f64()
            ),
        )
    };
    let mut own = Graph::new();
    for quad in state
        .store
        .quads_for_pattern(Some(entity.as_ref().into()), None, None, None)
        .take(MOST_OWN)
    {
        let quad = quad.map_err(internal)?;
        own.insert(&Triple::from(quad));
        if Instant::now() > deadline {
            return Err(overdue());
        }
    }
    let mut incoming = Graph::new();
    let mut more_incoming = false;
    // The store's own order is stable while it does not change: pages follow it. Skipping to a
    // far page reads the links before it, so that too stops at the deadline.
    for (index, quad) in state
        .store
        .quads_for_pattern(None, None, Some(entity.as_ref().into()), None)
        .enumerate()
    {
        if index % 1024 == 0 && Instant::now() > deadline {
            return Err(overdue());
        }
        if index < (page - 1).saturating_mul(PAGE) {
            continue;
        }
        if index >= page.saturating_mul(PAGE) {
            more_incoming = true;
            break;
        }
        incoming.insert(&Triple::from(quad.map_err(internal)?));
    }
    Ok(Description {
        own,
        incoming,
        more_incoming,
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

/// A node's label in `language`, else in English, else in any language; with the language the
/// label is in.
fn label(
    state: &State,
    node: NamedOrBlankNodeRef<'_>,
    language: Language,
) -> Option<(String, String)> {
    let mut best: Option<(u8, String, String)> = None;
    for predicate in [PREF_LABEL, RDFS_LABEL] {
        for quad in state
            .store
            .quads_for_pattern(Some(node), Some(predicate), None, None)
            .flatten()
        {
            if let Term::Literal(literal) = quad.object {
                let tag = literal.language().unwrap_or_default().to_owned();
                let rank = if tag == language.code() {
                    0
                } else if tag == "en" {
                    1
                } else {
                    2
                };
                if best
                    .as_ref()
                    .is_none_or(|(r, v, _)| (rank, literal.value()) < (*r, v.as_str()))
                {
                    best = Some((rank, literal.value().to_owned(), tag));
                }
            }
        }
        if best.is_some() {
            break;
        }
    }
    best.map(|(_, value, tag)| (value, tag))
}

/// Where an IRI links to: our entities stay on this server, other http(s) IRIs link out, and any
/// other scheme (javascript:, data:…) is never a link.
fn href(iri: &str) -> Option<String> {
    if let Some(rest) = iri.strip_prefix(ID) {
        return Some(format!("/id/{rest}"));
    }
    crate::html::is_web(iri).then(|| iri.to_owned())
}

/// Text in its language, isolated so that a Latin run inside Arabic keeps its order.
fn in_language(value: &str, tag: &str, page: Language) -> String {
    if tag.is_empty() {
        return format!("<bdi>{}</bdi>", escape(value));
    }
    let marker = if tag == page.code() {
        String::new()
    } else {
        format!(" <small class=\"lang\">{}</small>", escape(tag))
    };
    format!(
        "<bdi lang=\"{}\">{}</bdi>{marker}",
        escape(tag),
        escape(value)
    )
}

fn show_node(state: &State, node: NamedOrBlankNodeRef<'_>, language: Language) -> String {
    let shown = match label(state, node, language) {
        Some((value, tag)) => in_language(&value, &tag, language),
        None => {
            let name = match node {
                NamedOrBlankNodeRef::NamedNode(iri) => compact_iri(iri.as_str()),
                other => other.to_string(),
            };
            format!("<bdi dir=\"ltr\">{}</bdi>", escape(&name))
        }
    };
    match node {
        NamedOrBlankNodeRef::NamedNode(iri) => match href(iri.as_str()) {
            Some(link) => format!("<a href=\"{}\">{shown}</a>", escape(&link)),
            None => format!("{shown} <code>{}</code>", escape(iri.as_str())),
        },
        _ => shown,
    }
}

fn show_term(state: &State, term: TermRef<'_>, language: Language) -> String {
    match term {
        TermRef::NamedNode(node) => show_node(state, node.into(), language),
        TermRef::BlankNode(node) => show_node(state, node.into(), language),
        TermRef::Literal(literal) => match literal.language() {
            Some(tag) => in_language(literal.value(), tag, language),
            None if literal.datatype().as_str() == "http://www.w3.org/2001/XMLSchema#string" => {
                format!("<bdi>{}</bdi>", escape(literal.value()))
            }
            // The value, and its datatype named in the reader's language where a label says
            // how (its CURIE in the tooltip).
            None => {
                let curie = compact_iri(literal.datatype().as_str());
                let datatype = label(state, literal.datatype().into(), language).map_or_else(
                    || escape(&curie),
                    |(value, tag)| in_language(&value, &tag, language),
                );
                format!(
                    "<bdi dir=\"ltr\">{}</bdi> <small class=\"datatype\" title=\"{}\">{datatype}</small>",
                    escape(literal.value()),
                    escape(&curie)
                )
            }
        },
        #[allow(unreachable_patterns)]
        _ => escape(&term.to_string()),
    }
}

fn show_property(state: &State, property: &NamedNode, language: Language) -> String {
    let name = compact_iri(property.as_str());
    match label(state, property.as_ref().into(), language) {
        Some((value, tag)) => format!(
            "{}<br><code dir=\"ltr\">{}</code>",
            in_language(&value, &tag, language),
            escape(&name)
        ),
        None => format!("<code dir=\"ltr\">{}</code>", escape(&name)),
    }
}

fn entity_page(
    state: &State,
    entity: &NamedNode,
    stem: &str,
    description: &Description,
    page: usize,
    language: Language,
) -> String {
    let title = label(state, entity.as_ref().into(), language)
        .map(|(value, _)| value)
        .unwrap_or_else(|| compact_iri(entity.as_str()));
    // One row per property, its values sorted; rdf:type first, then by name.
    let mut by_property: BTreeMap<(bool, String), (NamedNode, Vec<String>)> = BTreeMap::new();
    for triple in &description.own {
        let key = (
            triple.predicate.as_str() != RDF_TYPE,
            compact_iri(triple.predicate.as_str()),
        );
        by_property
            .entry(key)
            .or_insert_with(|| (triple.predicate.into_owned(), Vec::new()))
            .1
            .push(show_term(state, triple.object, language));
    }
    let mut own = String::new();
    for (property, mut values) in by_property.into_values() {
        values.sort();
        values.dedup();
        let _ = write!(
            own,
            "<tr><th>{}</th><td>{}</td></tr>",
            show_property(state, &property, language),
            values.join("<br>")
        );
    }
    let mut incoming_rows: Vec<String> = description
        .incoming
        .iter()
        .map(|triple| {
            format!(
                "<tr><td>{}</td><th>{}</th></tr>",
                show_node(state, triple.subject, language),
                show_property(state, &triple.predicate.into_owned(), language)
            )
        })
        .collect();
    incoming_rows.sort();
    incoming_rows.dedup();
    let mut pager = String::new();
    if page > 1 {
        let _ = write!(
            pager,
            "<a rel=\"prev\" href=\"{stem}?page={}&amp;lang={}\">{}</a> ",
            page - 1,
            language.code(),
            language.text(Key::PreviousPage)
        );
    }
    if description.more_incoming {
        let _ = write!(
            pager,
            "<a rel=\"next\" href=\"{stem}?page={}&amp;lang={}\">{}</a>",
            page + 1,
            language.code(),
            language.text(Key::NextPage)
        );
    }
    crate::html::fill(
        include_str!("templates/entity.html"),
        &[
            ("css", include_str!("templates/page.css")),
            ("lang", language.code()),
            ("dir", language.dir()),
            ("title", &escape(&title)),
            ("iri", &escape(entity.as_str())),
            ("stem", &escape(stem)),
            ("download", language.text(Key::Download)),
            ("colon", language.colon()),
            ("linked_from", language.text(Key::LinkedFrom)),
            ("own", &own),
            ("incoming", &incoming_rows.concat()),
            ("pager", &pager),
        ],
    )
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
    let triples = state.store.len().unwrap_or_default();
    let home_cities = NamedNode::new_unchecked(format!("{ID}collection/home-cities"));
    let member = NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#member");
    let examples: BTreeSet<String> = state
        .store
        .quads_for_pattern(Some(home_cities.as_ref().into()), Some(member), None, None)
        .flatten()
        .map(|quad| quad.object.to_string())
        .collect();
    let examples: String = examples
        .iter()
        .map(|example| format!(" ;\n  void:exampleResource {example}"))
        .collect();
    // The version and date the data states (data/dataset.ttl), else the program's version.
    let release = crate::export::release(&state.store).ok().flatten();
    let version = release
        .as_ref()
        .map_or(env!("CARGO_PKG_VERSION"), |release| {
            release.version.as_str()
        });
    let modified = release
        .as_ref()
        .and_then(|release| release.modified.as_deref())
        .map(|date| {
            format!("\n  dcterms:modified \"{date}\"^^<http://www.w3.org/2001/XMLSchema#date> ;")
        })
        .unwrap_or_default();
    let turtle = crate::html::fill(
        include_str!("templates/dataset.ttl"),
        &[
            ("base", &state.base),
            ("id", ID),
            ("version", version),
            ("modified", &modified),
            ("triples", &triples.to_string()),
            ("examples", &examples),
        ],
    );
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
                ("css", include_str!("templates/page.css")),
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
