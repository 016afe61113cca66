//! The ontology, data, rules and queries compiled into the binary (see `build.rs`).

use crate::vocab::GRAPH_BASE;

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// A file compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct BundledFile {
    /// Path relative to the repository root, e.g. `data/agreements.ttl`.
    pub path: &'static str,
    /// The file's text.
    pub text: &'static str,
}

impl BundledFile {
    /// The named graph this file is loaded into: `graph/` + its path without extension.
    pub fn graph_name(&self) -> String {
        let stem = self
            .path
            .rsplit_once('.')
            .map_or(self.path, |(stem, _)| stem);
        format!("{GRAPH_BASE}{stem}")
    }
}

fn files_matching(predicate: impl Fn(&str) -> bool) -> impl Iterator<Item = BundledFile> {
    FILES
        .iter()
        .filter(move |(path, _)| predicate(path))
        .map(|&(path, text)| BundledFile { path, text })
}

/// The SHACL shapes: checked against the data, not loaded as data.
const SHAPES: &str = "ontology/shapes.ttl";

/// The ontology and data Turtle files, in a stable order (the shapes excepted).
pub fn rdf_files() -> impl Iterator<Item = BundledFile> {
    files_matching(|path| path.ends_with(".ttl") && path != SHAPES)
}

/// The SHACL shapes graph, `ontology/shapes.ttl`.
pub fn shapes() -> Option<BundledFile> {
    files_matching(|path| path == SHAPES).next()
}

/// The research queries: `queries/NNN_slug.rq`, in number order.
pub fn query_files() -> impl Iterator<Item = BundledFile> {
    files_matching(|path| {
        path.strip_prefix("queries/")
            .is_some_and(|name| name.ends_with(".rq") && !name.contains('/'))
    })
}

/// Every bundled query people run: the research queries first, then those in subfolders
/// (`queries/raw/…`, `queries/wikidata/…`), not the program's own (`queries/internal/`, which
/// [`crate::sparql`] compiles in).
pub fn all_query_files() -> impl Iterator<Item = BundledFile> {
    query_files().chain(files_matching(|path| {
        path.strip_prefix("queries/").is_some_and(|name| {
            name.ends_with(".rq") && name.contains('/') && !name.starts_with("internal/")
        })
    }))
}

/// The CONSTRUCT rules whose results form the derived graph: `ontology/rules/*.rq` (not those of
/// `ontology/rules/aggregates/`, which make observations of the aggregates graph).
pub fn rule_files() -> impl Iterator<Item = BundledFile> {
    files_matching(|path| {
        path.strip_prefix("ontology/rules/")
            .is_some_and(|name| name.ends_with(".rq") && !name.contains('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_names_follow_the_file_path() {
        let file = BundledFile {
            path: "data/agreements.ttl",
            text: "",
        };
        assert_eq!(
            file.graph_name(),
            "https://w3id.org/twinning/graph/data/agreements"
        );
    }

    #[test]
    fn the_bundle_holds_ontology_data_and_queries() {
        assert!(rdf_files().any(|f| f.path.starts_with("ontology/")));
        assert!(rdf_files().any(|f| f.path.starts_with("data/")));
        assert!(query_files().count() >= 11);
        assert!(rule_files().count() >= 1);
    }
}
