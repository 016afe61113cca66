//! An entity's page for people: its own triples and the triples that point to it, in the reader's
//! language, with the datatypes and properties named by their labels. The same page is served by
//! `twinning serve` under /id/ and written as a file by `twinning site`; only where its links go
//! differs ([`Links`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use oxigraph::model::{
    Graph, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Term, TermRef, Triple,
};
use oxigraph::store::Store;

use crate::html::escape;
use crate::i18n::{Key, Language};
use crate::vocab::{compact_iri, ID};

/// The page's stylesheet, shared with the query page.
pub const CSS: &str = include_str!("page.css");

const PREF_LABEL: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#prefLabel");
const RDFS_LABEL: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2000/01/rdf-schema#label");
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// What the store says about an entity: its own triples and (a page of) the triples that point
/// to it.
#[derive(Debug, Default)]
pub struct Description {
    /// Triples whose subject is the entity.
    pub own: Graph,
    /// Triples whose object is the entity.
    pub incoming: Graph,
    /// Whether more incoming triples exist than `incoming` holds.
    pub more_incoming: bool,
}

impl Description {
    /// Whether the store says nothing about the entity.
    pub fn is_empty(&self) -> bool {
        self.own.is_empty() && self.incoming.is_empty()
    }

    /// The entity in RDF: its triples, the triples that point to it, and the labels of every node
    /// they link, so that a client can name them without another request.
    pub fn rdf(&self, store: &Store) -> Graph {
        let mut graph = self.own.clone();
        graph.extend(self.incoming.iter());
        let linked: HashSet<NamedOrBlankNode> = self
            .own
            .iter()
            .filter_map(|t| match t.object {
                TermRef::NamedNode(node) => Some(node.into_owned().into()),
                _ => None,
            })
            .chain(self.incoming.iter().map(|t| t.subject.into_owned()))
            .collect();
        for node in &linked {
            for quad in store
                .quads_for_pattern(Some(node.as_ref()), Some(PREF_LABEL), None, None)
                .flatten()
            {
                graph.insert(&Triple::from(quad));
            }
        }
        graph
    }

    /// The description as pages of at most `size` incoming triples each (sorted by subject and
    /// property, so that the same store gives the same pages), each with all the own triples;
    /// one page when nothing points to the entity.
    pub fn paged(&self, size: usize) -> Vec<Description> {
        let mut incoming: Vec<_> = self.incoming.iter().collect();
        incoming.sort_by_cached_key(|t| (t.subject.to_string(), t.predicate.to_string()));
        let chunks: Vec<_> = incoming.chunks(size.max(1)).collect();
        let last = chunks.len().saturating_sub(1);
        let mut pages: Vec<Description> = chunks
            .into_iter()
            .enumerate()
            .map(|(index, chunk)| Description {
                own: self.own.clone(),
                incoming: chunk.iter().copied().collect(),
                more_incoming: index < last,
            })
            .collect();
        if pages.is_empty() {
            pages.push(Description {
                own: self.own.clone(),
                ..Description::default()
            });
        }
        pages
    }
}

/// How much of an entity [`describe`] reads.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Most of the entity's own triples read.
    pub most_own: usize,
    /// Which of the incoming triples, in the store's order (stable while the store does not
    /// change): pages follow it.
    pub incoming: std::ops::Range<usize>,
    /// When to give up.
    pub deadline: Option<Instant>,
}

impl Limits {
    /// Everything.
    pub fn all() -> Self {
        Limits {
            most_own: usize::MAX,
            incoming: 0..usize::MAX,
            deadline: None,
        }
    }
}

/// Reads the entity's triples from the store's indexes, within `limits`; `None` when the
/// deadline passed first. Skipping to a far page reads the links before it, so that too stops
/// at the deadline.
pub fn describe(
    store: &Store,
    entity: NamedNodeRef<'_>,
    limits: &Limits,
) -> crate::Result<Option<Description>> {
    let overdue = || limits.deadline.is_some_and(|d| Instant::now() > d);
    let mut description = Description::default();
    for quad in store
        .quads_for_pattern(Some(entity.into()), None, None, None)
        .take(limits.most_own)
    {
        description.own.insert(&Triple::from(quad?));
        if overdue() {
            return Ok(None);
        }
    }
    for (index, quad) in store
        .quads_for_pattern(None, None, Some(entity.into()), None)
        .enumerate()
    {
        if index % 1024 == 0 && overdue() {
            return Ok(None);
        }
        if index < limits.incoming.start {
            continue;
        }
        if index >= limits.incoming.end {
            description.more_incoming = true;
            break;
        }
        description.incoming.insert(&Triple::from(quad?));
    }
    Ok(Some(description))
}

/// Where a page's links go.
#[derive(Debug, Clone, Copy)]
pub enum Links<'a> {
    /// A server's absolute paths: `/id/…` for entities, `?lang=` for the page's languages,
    /// `?page=` for the next incoming links.
    Server,
    /// A static site's files, relative to the page: `root` leads from the page's folder to the
    /// site's root (`../../` for `id/city/x.html`); a page is `x.html` in English and
    /// `x.ar.html`, `x.fr.html` in the other languages. Only entities with a page are links.
    Site {
        /// From the page's folder to the site's root.
        root: &'a str,
        /// The entities the site has a page for.
        pages: &'a PagePaths,
    },
}

impl Links<'_> {
    /// The file name suffix of a page in `language` on a static site (`""`, `.ar`, `.fr`).
    pub fn suffix(language: Language) -> &'static str {
        match language {
            Language::En => "",
            Language::Ar => ".ar",
            Language::Fr => ".fr",
        }
    }

    /// Where a link to `iri` goes: our entities stay on the site, other http(s) IRIs link out,
    /// and any other scheme (javascript:, data:…) is never a link.
    pub fn href(&self, iri: &str, language: Language) -> Option<String> {
        if let Links::Site { root, pages } = self {
            if let Some(path) = pages.get(iri) {
                return Some(format!("{root}{path}{}.html", Self::suffix(language)));
            }
        }
        if let Some(rest) = iri.strip_prefix(ID) {
            return match self {
                Links::Server => Some(format!("/id/{rest}")),
                // An entity the site has no page for (its IRI cannot be a file name, or the
                // store does not mention it) is named, not linked.
                Links::Site { .. } => None,
            };
        }
        // The ontology's terms: their entries in the site's ontology reference.
        if let (Links::Site { root, .. }, Some(local)) = (self, iri.strip_prefix(crate::vocab::TW))
        {
            return Some(format!(
                "{root}ontology/index{}.html#{local}",
                Self::suffix(language)
            ));
        }
        crate::html::is_web(iri).then(|| iri.to_owned())
    }

    /// Where page `page` of an entity's incoming links is, in `language`: on a server its
    /// address with `?page=`; on a static site its file (`x.html`, then `x.p2.html`; `x.ar.html`,
    /// then `x.p2.ar.html`; no entity's name has a dot, so none collides with a page).
    pub fn page(&self, stem: &str, page: usize, language: Language) -> String {
        match self {
            Links::Server => format!("{stem}?page={page}&lang={}", language.code()),
            Links::Site { .. } => Self::page_file(stem, page, language),
        }
    }

    /// The file name of page `page` of a static site's entity page, in `language`.
    pub fn page_file(stem: &str, page: usize, language: Language) -> String {
        let number = if page > 1 {
            format!(".p{page}")
        } else {
            String::new()
        };
        format!("{stem}{number}{}.html", Self::suffix(language))
    }

    fn home(&self, language: Language) -> String {
        match self {
            Links::Server => "/".to_owned(),
            Links::Site { root, .. } => format!("{root}index{}.html", Self::suffix(language)),
        }
    }
}

/// The entities a static site has a page for: each IRI with its page's path from the site's
/// root, without the language suffix and extension (`id/city/dakhla`).
pub type PagePaths = HashMap<String, String>;

/// Whether `path` (under `id/`) can be a file path on any static host: segments of ASCII letters,
/// digits, `-` and `_` (no dot, so that `x` and `x.ar` cannot collide with a page's language
/// variant; no case-only differences are guarded against).
pub fn file_safe(path: &str) -> bool {
    path.split('/').all(|segment| {
        !segment.is_empty()
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
    })
}

/// A node's label in `language`, else in English, else in any language; with the language the
/// label is in. `skos:prefLabel` first, then `rdfs:label`.
pub fn label(
    store: &Store,
    node: NamedOrBlankNodeRef<'_>,
    language: Language,
) -> Option<(String, String)> {
    [PREF_LABEL, RDFS_LABEL].into_iter().find_map(|predicate| {
        best_literal(
            store
                .quads_for_pattern(Some(node), Some(predicate), None, None)
                .flatten()
                .map(|quad| quad.object),
            language,
        )
    })
}

/// Of some terms, the literal in `language`, else in English, else in any language (the
/// smallest value first, so that the choice does not depend on the store's order); with its
/// language tag.
pub fn best_literal(
    terms: impl IntoIterator<Item = Term>,
    language: Language,
) -> Option<(String, String)> {
    let mut best: Option<(u8, String, String)> = None;
    for term in terms {
        if let Term::Literal(literal) = term {
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
    best.map(|(_, value, tag)| (value, tag))
}

/// Text in its language, isolated so that a Latin run inside Arabic keeps its order; marked with
/// its language when that is not the page's.
pub fn in_language(value: &str, tag: &str, page: Language) -> String {
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

/// Labels already looked up, shared by the renderers of a long job (a static site's thousands
/// of pages name the same properties, kinds and countries again and again).
#[derive(Debug, Default)]
pub struct Labels(Mutex<LabelMap>);

/// A node's label in a language, or none, by node and language.
type LabelMap = HashMap<(NamedOrBlankNode, Language), Option<(String, String)>>;

impl Labels {
    /// [`label`], remembered.
    pub fn get(
        &self,
        store: &Store,
        node: NamedOrBlankNodeRef<'_>,
        language: Language,
    ) -> Option<(String, String)> {
        let key = (node.into_owned(), language);
        if let Some(found) = self.lock().get(&key) {
            return found.clone();
        }
        let found = label(store, node, language);
        self.lock().insert(key, found.clone());
        found
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LabelMap> {
        // A panic elsewhere cannot leave a half-written entry: insert is the only write.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Renders nodes and values of one store for one page.
pub struct Renderer<'a> {
    /// The store the labels come from.
    pub store: &'a Store,
    /// The reader's language.
    pub language: Language,
    /// Where links go.
    pub links: Links<'a>,
    /// Labels remembered across pages, if any.
    pub labels: Option<&'a Labels>,
}

impl Renderer<'_> {
    /// A node's label in `language` (see [`label`]), from the cache when there is one.
    fn label(&self, node: NamedOrBlankNodeRef<'_>, language: Language) -> Option<(String, String)> {
        match self.labels {
            Some(labels) => labels.get(self.store, node, language),
            None => label(self.store, node, language),
        }
    }

    /// A node's name: its label in the reader's language (isolated, marked when in another),
    /// else its path under `id/` or its CURIE, left to right.
    pub fn name(&self, node: NamedOrBlankNodeRef<'_>) -> String {
        match self.label(node, self.language) {
            Some((value, tag)) => in_language(&value, &tag, self.language),
            None => {
                // Our unlabelled entities by their path (`observation/…/89f8`), others by CURIE.
                let name = match node {
                    NamedOrBlankNodeRef::NamedNode(iri) => iri
                        .as_str()
                        .strip_prefix(ID)
                        .map_or_else(|| compact_iri(iri.as_str()), str::to_owned),
                    other => other.to_string(),
                };
                format!("<bdi dir=\"ltr\">{}</bdi>", escape(&name))
            }
        }
    }

    /// A node by its name ([`Renderer::name`]), linked where it can be.
    pub fn node(&self, node: NamedOrBlankNodeRef<'_>) -> String {
        let shown = self.name(node);
        match node {
            NamedOrBlankNodeRef::NamedNode(iri) => {
                match self.links.href(iri.as_str(), self.language) {
                    Some(link) => format!("<a href=\"{}\">{shown}</a>", escape(&link)),
                    None => format!("{shown} <code>{}</code>", escape(iri.as_str())),
                }
            }
            _ => shown,
        }
    }

    /// A term: a node as [`Renderer::node`], a literal in its language or with its datatype
    /// named in the reader's language (its CURIE in the tooltip).
    pub fn term(&self, term: TermRef<'_>) -> String {
        match term {
            TermRef::NamedNode(node) => self.node(node.into()),
            TermRef::BlankNode(node) => self.node(node.into()),
            TermRef::Literal(literal) => match literal.language() {
                Some(tag) => in_language(literal.value(), tag, self.language),
                None if literal.datatype().as_str()
                    == "http://www.w3.org/2001/XMLSchema#string" =>
                {
                    format!("<bdi>{}</bdi>", escape(literal.value()))
                }
                None => {
                    let curie = compact_iri(literal.datatype().as_str());
                    let datatype = self
                        .label(literal.datatype().into(), self.language)
                        .map_or_else(
                            || escape(&curie),
                            |(value, tag)| in_language(&value, &tag, self.language),
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

    /// A property by its label, with its CURIE below.
    pub fn property(&self, property: NamedNodeRef<'_>) -> String {
        let name = compact_iri(property.as_str());
        match self.label(property.into(), self.language) {
            Some((value, tag)) => format!(
                "{}<br><code dir=\"ltr\">{}</code>",
                in_language(&value, &tag, self.language),
                escape(&name)
            ),
            None => format!("<code dir=\"ltr\">{}</code>", escape(&name)),
        }
    }

    /// The entity's page. `stem` is where its files are, without extension (`/id/city/x` on a
    /// server, `x` on a static site); `page` is the page of incoming links shown.
    pub fn entity_page(
        &self,
        entity: NamedNodeRef<'_>,
        stem: &str,
        description: &Description,
        page: usize,
    ) -> String {
        let language = self.language;
        let title = self
            .label(entity.into(), language)
            .map(|(value, _)| value)
            .unwrap_or_else(|| compact_iri(entity.as_str()));
        let heading = self.name(entity.into());
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
                .push(self.term(triple.object));
        }
        let mut own = String::new();
        for (property, mut values) in by_property.into_values() {
            values.sort();
            values.dedup();
            let _ = write!(
                own,
                "<tr><th>{}</th><td>{}</td></tr>",
                self.property(property.as_ref()),
                values.join("<br>")
            );
        }
        let mut incoming: Vec<String> = description
            .incoming
            .iter()
            .map(|triple| {
                format!(
                    "<tr><td>{}</td><th>{}</th></tr>",
                    self.node(triple.subject),
                    self.property(triple.predicate)
                )
            })
            .collect();
        incoming.sort();
        incoming.dedup();
        let mut pager = String::new();
        if page > 1 {
            let _ = write!(
                pager,
                "<a rel=\"prev\" href=\"{}\">{}</a> ",
                escape(&self.links.page(stem, page - 1, language)),
                language.text(Key::PreviousPage)
            );
        }
        if description.more_incoming {
            let _ = write!(
                pager,
                "<a rel=\"next\" href=\"{}\">{}</a>",
                escape(&self.links.page(stem, page + 1, language)),
                language.text(Key::NextPage)
            );
        }
        let in_language = |other: Language| match self.links {
            Links::Server => format!("?lang={}", other.code()),
            Links::Site { .. } => Links::page_file(stem, page, other),
        };
        crate::html::fill(
            include_str!("entity.html"),
            &[
                ("css", CSS),
                ("lang", language.code()),
                ("dir", language.dir()),
                ("home", &escape(&self.links.home(language))),
                ("ar", &escape(&in_language(Language::Ar))),
                ("en", &escape(&in_language(Language::En))),
                ("fr", &escape(&in_language(Language::Fr))),
                ("title", &escape(&title)),
                ("heading", &heading),
                ("iri", &escape(entity.as_str())),
                ("stem", &escape(stem)),
                ("download", language.text(Key::Download)),
                ("colon", language.colon()),
                ("linked_from", language.text(Key::LinkedFrom)),
                ("own", &own),
                ("incoming", &incoming.concat()),
                ("pager", &pager),
            ],
        )
    }
}
