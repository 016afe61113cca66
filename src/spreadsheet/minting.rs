//! What import mints for names the store does not know, and in which namespace (`--base`).

use oxigraph::model::NamedNode;

use crate::vocab::{ID, TW};

pub(super) fn tw(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{TW}{local}"))
}

pub(super) fn id(path: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ID}{path}"))
}

pub(super) const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
pub(super) const SCHEMA: &str = "https://schema.org/";
pub(super) const DCTERMS: &str = "http://purl.org/dc/terms/";
pub(super) const BIBO: &str = "http://purl.org/ontology/bibo/";

pub(super) fn named(namespace: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{namespace}{local}"))
}

/// What `import` does with names the store does not know.
#[derive(Debug, Clone)]
pub struct Minting {
    /// Mint new cities and countries for them (`--create`); otherwise each is an error.
    pub create: bool,
    /// The namespace of what the import mints (`--base`): `{base}city/{slug}`,
    /// `{base}agreement/{home}-{partner}-{year}`, `{base}source/…`, `{base}geometry/…`. A city
    /// already named by IRI in the store (a home city added by its membership alone) is the
    /// one a name minting that IRI describes.
    pub base: String,
}

impl Default for Minting {
    fn default() -> Self {
        Self {
            create: false,
            base: ID.to_owned(),
        }
    }
}

impl Minting {
    pub(super) fn mint(&self, path: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}{path}", self.base))
    }
}

/// The last segment of an IRI.
pub(super) fn slug(entity: &NamedNode) -> String {
    entity
        .as_str()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A readable slug for a new name: ASCII letters and digits, hyphens.
pub(super) fn name_slug(name: &str) -> String {
    let folded = crate::matching::normalise(name);
    let ascii: String = folded
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug = ascii
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        // A name in a non-Latin script: keep it, percent-encoded, so it stays unique.
        folded.bytes().map(|b| format!("{b:02x}")).collect()
    } else {
        slug
    }
}

pub(super) fn url_slug(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let mut slug = name_slug(rest);
    slug.truncate(96);
    slug.trim_end_matches('-').to_owned()
}
