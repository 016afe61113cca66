//! The ontology's reference pages (`ontology/index{,.ar,.fr}.html`), as Widoco or pyLODE would
//! write them: every class, property and concept scheme with its labels and comments in the
//! reader's language, domains, ranges and super-terms, the SHACL shapes in words, and a diagram
//! of the classes and the properties that join them. Everything is read from the store's
//! ontology graphs and from the bundled shapes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Graph, NamedNode, NamedOrBlankNode, NamedOrBlankNodeRef, Term, TermRef};
use oxigraph::store::Store;

use super::Site;
use crate::error::{Error, Result};
use crate::html::escape;
use crate::i18n::{Key, Language};
use crate::pages::{self, Links, PagePaths, Renderer};
use crate::vocab::{compact_iri, TW};

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const OWL: &str = "http://www.w3.org/2002/07/owl#";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const SH: &str = "http://www.w3.org/ns/shacl#";
const DCTERMS: &str = "http://purl.org/dc/terms/";
/// The ontology's own IRI.
const ONTOLOGY: &str = "https://w3id.org/twinning/ontology";

fn iri(namespace: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{namespace}{local}"))
}

/// The members of the RDF list that starts at `head`, reading `rdf:first` and `rdf:rest` with
/// `objects` (at most 1000: a cycle ends there).
fn list_members(head: Term, objects: impl Fn(&Term, &str) -> Vec<Term>) -> Vec<Term> {
    let mut members = Vec::new();
    let mut node = head;
    while matches!(node, Term::BlankNode(_)) && members.len() < 1000 {
        members.extend(objects(&node, "first"));
        match objects(&node, "rest").into_iter().next() {
            Some(next) => node = next,
            None => break,
        }
    }
    members
}

/// Writes the ontology's files as bundled, and its reference page and diagram in each language.
pub(super) fn write(site: &mut Site, store: &Store, pages: &PagePaths) -> Result<()> {
    for file in crate::bundle::rdf_files()
        .filter(|file| file.path.starts_with("ontology/"))
        .chain(crate::bundle::shapes())
    {
        site.write(file.path, file.text)?;
    }
    let shapes = shapes_graph()?;
    for language in Language::ALL {
        let reference = Reference {
            store,
            shapes: &shapes,
            language,
            renderer: Renderer {
                store,
                language,
                links: Links::Site { root: "../", pages },
                labels: None,
            },
        };
        let suffix = Links::suffix(language);
        let svg = reference.diagram();
        // The file on its own links to the entries of the page it illustrates.
        site.write(
            &format!("ontology/diagram{suffix}.svg"),
            svg.replace("href=\"#", &format!("href=\"index{suffix}.html#")),
        )?;
        site.write(
            &format!("ontology/index{suffix}.html"),
            reference.page(&svg)?,
        )?;
    }
    Ok(())
}

fn shapes_graph() -> Result<Graph> {
    let file = crate::bundle::shapes()
        .ok_or_else(|| Error::Invalid("ontology/shapes.ttl is not bundled".to_owned()))?;
    let mut graph = Graph::new();
    for triple in RdfParser::from_format(RdfFormat::Turtle).for_slice(file.text) {
        let triple = triple.map_err(|e| Error::Invalid(format!("{}: {e}", file.path)))?;
        graph.insert(&oxigraph::model::Triple::from(triple));
    }
    Ok(graph)
}

/// One language's view of the ontology.
struct Reference<'a> {
    store: &'a Store,
    shapes: &'a Graph,
    language: Language,
    renderer: Renderer<'a>,
}

impl Reference<'_> {
    /// Objects of `subject`'s `predicate` in the store.
    fn objects(&self, subject: NamedOrBlankNodeRef<'_>, predicate: &NamedNode) -> Vec<Term> {
        let mut objects: Vec<Term> = self
            .store
            .quads_for_pattern(Some(subject), Some(predicate.as_ref()), None, None)
            .flatten()
            .map(|quad| quad.object)
            .collect();
        objects.sort_by_key(Term::to_string);
        objects.dedup();
        objects
    }

    /// Our terms with `rdf:type` one of `types`, sorted by local name.
    fn terms(&self, types: &[NamedNode]) -> Vec<NamedNode> {
        let mut terms = BTreeSet::new();
        for class in types {
            for quad in self
                .store
                .quads_for_pattern(
                    None,
                    Some(iri(RDF, "type").as_ref()),
                    Some(class.as_ref().into()),
                    None,
                )
                .flatten()
            {
                if let NamedOrBlankNode::NamedNode(node) = quad.subject {
                    if node.as_str().starts_with(TW) {
                        terms.insert(node);
                    }
                }
            }
        }
        terms.into_iter().collect()
    }

    /// The text of `subject`'s `predicate` in the reader's language, else English, else any;
    /// isolated and marked when not in the reader's language.
    fn text(&self, subject: NamedOrBlankNodeRef<'_>, predicate: &NamedNode) -> Option<String> {
        self.plain_text(subject, predicate)
            .map(|(value, tag)| pages::in_language(&value, &tag, self.language))
    }

    /// [`Self::text`] as it is, with its language tag.
    fn plain_text(
        &self,
        subject: NamedOrBlankNodeRef<'_>,
        predicate: &NamedNode,
    ) -> Option<(String, String)> {
        pages::best_literal(self.objects(subject, predicate), self.language)
    }
}

impl Reference<'_> {
    /// A term, by label: our ontology's terms link to their entry on this page, our entities to
    /// their pages, other IRIs out; class expressions (unions, restrictions) in Manchester
    /// syntax.
    fn term(&self, term: TermRef<'_>) -> String {
        match term {
            TermRef::NamedNode(node) if node.as_str().starts_with(TW) => {
                let local = &node.as_str()[TW.len()..];
                format!(
                    "<a href=\"#{}\">{}</a>",
                    escape(local),
                    self.renderer.name(node.into())
                )
            }
            TermRef::BlankNode(node) => self.expression(node.into()),
            other => self.renderer.term(other),
        }
    }

    /// A blank class expression of the ontology: `A ∪ B`, or a restriction such as
    /// `tw:homeCity exactly 1`.
    fn expression(&self, node: NamedOrBlankNodeRef<'_>) -> String {
        if let Some(Term::BlankNode(list)) = self.objects(node, &iri(OWL, "unionOf")).first() {
            let members: Vec<String> = self
                .list(list.as_ref().into())
                .iter()
                .map(|member| self.term(member.as_ref()))
                .collect();
            return members.join(" ∪ ");
        }
        let property = self.objects(node, &iri(OWL, "onProperty"));
        let Some(property) = property.first() else {
            return escape(&node.to_string());
        };
        let mut parts = vec![self.term(property.as_ref())];
        for (predicate, word) in [
            ("cardinality", "exactly"),
            ("minCardinality", "min"),
            ("maxCardinality", "max"),
            ("qualifiedCardinality", "exactly"),
            ("someValuesFrom", "some"),
            ("allValuesFrom", "only"),
            ("hasValue", "value"),
        ] {
            for value in self.objects(node, &iri(OWL, predicate)) {
                let shown = match &value {
                    Term::Literal(literal) => escape(literal.value()),
                    other => self.term(other.as_ref()),
                };
                parts.push(format!("<code>{word}</code> {shown}"));
            }
        }
        format!("<span dir=\"ltr\">{}</span>", parts.join(" "))
    }

    /// An RDF list's members, in the store.
    fn list(&self, head: NamedOrBlankNodeRef<'_>) -> Vec<Term> {
        list_members(
            Term::from(head.into_owned()),
            |node, predicate| match node {
                Term::BlankNode(node) => self.objects(node.as_ref().into(), &iri(RDF, predicate)),
                _ => Vec::new(),
            },
        )
    }

    /// A definition list row, when there is something to show; its values sorted as shown, so
    /// that blank nodes, whose labels change from load to load, do not change the page.
    fn row(out: &mut String, name: &str, mut values: Vec<String>) {
        if !values.is_empty() {
            values.sort();
            values.dedup();
            let _ = write!(
                out,
                "<dt>{}</dt><dd>{}</dd>",
                escape(name),
                values.join(" · ")
            );
        }
    }

    fn entry(&self, term: &NamedNode, out: &mut String, relations: &[(Key, NamedNode)]) {
        let language = self.language;
        let local = &term.as_str()[TW.len()..];
        let _ = write!(
            out,
            "<section class=\"term\" id=\"{}\"><h3>{} <code dir=\"ltr\">{}</code></h3>",
            escape(local),
            self.renderer.name(term.as_ref().into()),
            escape(&compact_iri(term.as_str()))
        );
        if let Some(comment) = self.text(term.as_ref().into(), &iri(RDFS, "comment")) {
            let _ = write!(out, "<p>{comment}</p>");
        }
        out.push_str("<dl>");
        Self::row(
            out,
            language.text(Key::Iri),
            vec![format!(
                "<code dir=\"ltr\">{}</code>",
                escape(term.as_str())
            )],
        );
        let types: Vec<String> = self
            .objects(term.as_ref().into(), &iri(RDF, "type"))
            .iter()
            .map(|t| self.term(t.as_ref()))
            .collect();
        Self::row(out, language.text(Key::TermType), types);
        for (key, predicate) in relations {
            let values: Vec<String> = self
                .objects(term.as_ref().into(), predicate)
                .iter()
                .map(|value| self.term(value.as_ref()))
                .collect();
            Self::row(out, language.text(*key), values);
        }
        out.push_str("</dl></section>");
    }

    /// The page.
    fn page(&self, svg: &str) -> Result<String> {
        let language = self.language;
        let ontology = NamedNode::new_unchecked(ONTOLOGY);
        let (title, title_tag) = self
            .plain_text(ontology.as_ref().into(), &iri(DCTERMS, "title"))
            .unwrap_or_default();
        let description = self
            .text(ontology.as_ref().into(), &iri(DCTERMS, "description"))
            .unwrap_or_default();
        let version = self
            .objects(ontology.as_ref().into(), &iri(OWL, "versionInfo"))
            .first()
            .map(|v| match v {
                Term::Literal(literal) => literal.value().to_owned(),
                other => other.to_string(),
            })
            .unwrap_or_default();
        let classes = self.terms(&[iri(OWL, "Class"), iri(RDFS, "Class")]);
        let properties = self.terms(&[
            iri(OWL, "ObjectProperty"),
            iri(OWL, "DatatypeProperty"),
            iri(OWL, "AnnotationProperty"),
            iri(RDF, "Property"),
        ]);
        let mut class_entries = String::new();
        for class in &classes {
            self.entry(
                class,
                &mut class_entries,
                &[(Key::SubClassOf, iri(RDFS, "subClassOf"))],
            );
        }
        let mut property_entries = String::new();
        for property in &properties {
            self.entry(
                property,
                &mut property_entries,
                &[
                    (Key::Domain, iri(RDFS, "domain")),
                    (Key::Range, iri(RDFS, "range")),
                    (Key::SubPropertyOf, iri(RDFS, "subPropertyOf")),
                ],
            );
        }
        let index = |terms: &[NamedNode]| -> String {
            terms
                .iter()
                .map(|t| self.term(t.as_ref().into()))
                .collect::<Vec<_>>()
                .join(" · ")
        };
        let text = |key| escape(language.text(key));
        let files: String = crate::bundle::rdf_files()
            .filter(|file| file.path.starts_with("ontology/"))
            .chain(crate::bundle::shapes())
            .map(|file| {
                let name = file.path.trim_start_matches("ontology/");
                format!("<a href=\"{name}\" dir=\"ltr\">{name}</a>")
            })
            .collect::<Vec<_>>()
            .join(" · ");
        let suffix = Links::suffix(language);
        Ok(crate::html::fill(
            include_str!("ontology.html"),
            &[
                ("css", pages::CSS),
                ("lang", language.code()),
                ("dir", language.dir()),
                ("suffix", suffix),
                ("title", &pages::in_language(&title, &title_tag, language)),
                ("plain_title", &escape(&title)),
                ("description", &description),
                ("version_label", &text(Key::Version)),
                ("version", &escape(&version)),
                ("namespace_label", &text(Key::Namespace)),
                ("namespace", &escape(TW)),
                ("download", &text(Key::Download)),
                ("colon", language.colon()),
                ("files", &files),
                ("diagram_label", &text(Key::Diagram)),
                ("diagram", svg),
                ("classes_label", &text(Key::Classes)),
                ("classes_index", &index(&classes)),
                ("classes", &class_entries),
                ("properties_label", &text(Key::Properties)),
                ("properties_index", &index(&properties)),
                ("properties", &property_entries),
                ("schemes_label", &text(Key::ConceptSchemes)),
                ("schemes", &self.schemes()),
                ("shapes_label", &text(Key::Constraints)),
                ("shapes_intro", &text(Key::ConstraintsIntro)),
                ("shapes", &self.shape_entries()),
                ("home", &text(Key::Home)),
            ],
        ))
    }

    /// Each concept scheme with its concepts as a tree (top concepts first, then what is
    /// narrower), each concept linking to its page.
    fn schemes(&self) -> String {
        let in_scheme = iri(SKOS, "inScheme");
        let broader = iri(SKOS, "broader");
        let mut out = String::new();
        let mut schemes: BTreeSet<NamedNode> = BTreeSet::new();
        for quad in self
            .store
            .quads_for_pattern(
                None,
                Some(iri(RDF, "type").as_ref()),
                Some(iri(SKOS, "ConceptScheme").as_ref().into()),
                None,
            )
            .flatten()
        {
            if let NamedOrBlankNode::NamedNode(node) = quad.subject {
                schemes.insert(node);
            }
        }
        for scheme in &schemes {
            let mut members: BTreeSet<NamedNode> = BTreeSet::new();
            for quad in self
                .store
                .quads_for_pattern(
                    None,
                    Some(in_scheme.as_ref()),
                    Some(scheme.as_ref().into()),
                    None,
                )
                .flatten()
            {
                if let NamedOrBlankNode::NamedNode(node) = quad.subject {
                    members.insert(node);
                }
            }
            let parent = |concept: &NamedNode| -> Option<NamedNode> {
                self.objects(concept.as_ref().into(), &broader)
                    .into_iter()
                    .find_map(|t| match t {
                        Term::NamedNode(node) if members.contains(&node) => Some(node),
                        _ => None,
                    })
            };
            let mut children: BTreeMap<Option<NamedNode>, Vec<NamedNode>> = BTreeMap::new();
            for member in &members {
                children
                    .entry(parent(member))
                    .or_default()
                    .push(member.clone());
            }
            let _ = write!(
                out,
                "<section class=\"scheme\"><h3>{}</h3>",
                self.renderer.node(scheme.as_ref().into())
            );
            if let Some(definition) = self
                .text(scheme.as_ref().into(), &iri(SKOS, "definition"))
                .or_else(|| self.text(scheme.as_ref().into(), &iri(RDFS, "comment")))
                .or_else(|| self.text(scheme.as_ref().into(), &iri(DCTERMS, "description")))
            {
                let _ = write!(out, "<p>{definition}</p>");
            }
            self.tree(&children, None, &mut out, 0);
            out.push_str("</section>");
        }
        out
    }

    fn tree(
        &self,
        children: &BTreeMap<Option<NamedNode>, Vec<NamedNode>>,
        parent: Option<NamedNode>,
        out: &mut String,
        depth: usize,
    ) {
        let Some(members) = children.get(&parent) else {
            return;
        };
        out.push_str("<ul>");
        for member in members {
            let _ = write!(out, "<li>{}", self.renderer.node(member.as_ref().into()));
            if depth < 16 {
                self.tree(children, Some(member.clone()), out, depth + 1);
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
}

mod diagram;
mod shapes;
