//! Namespaces and graph names: the IRIs the code needs to know, in one place.

/// The project's ontology namespace.
pub const TW: &str = "https://w3id.org/twinning/ontology#";
/// Where instances live.
pub const ID: &str = "https://w3id.org/twinning/id/";
/// Prefix of the named graphs the bundled files are loaded into (`graph/data/agreements`).
pub const GRAPH_BASE: &str = "https://w3id.org/twinning/graph/";
/// The named graph holding the triples derived by the rules in `ontology/rules/`.
pub const DERIVED_GRAPH: &str = "https://w3id.org/twinning/graph/derived";
/// The graph of the aggregate counts (RDF Data Cube observations), computed from the derived graph.
pub const AGGREGATES_GRAPH: &str = "https://w3id.org/twinning/graph/aggregates";

/// Prefixes used in every serialisation and accepted in every query (`twinning query -e` can use
/// them without declaring them). Sorted by prefix, so output is stable.
pub const PREFIXES: &[(&str, &str)] = &[
    ("agent", "https://w3id.org/twinning/id/agent/"),
    ("agreement", "https://w3id.org/twinning/id/agreement/"),
    ("aspect", "https://w3id.org/twinning/id/aspect/"),
    ("bibo", "http://purl.org/ontology/bibo/"),
    ("city", "https://w3id.org/twinning/id/city/"),
    ("coll", "https://w3id.org/twinning/id/collection/"),
    ("council", "https://w3id.org/twinning/id/council/"),
    ("country", "https://w3id.org/twinning/id/country/"),
    ("dataset", "https://w3id.org/twinning/id/dataset/"),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("disagreement", "https://w3id.org/twinning/id/disagreement/"),
    ("dkind", "https://w3id.org/twinning/id/disagreement-kind/"),
    ("figure", "https://w3id.org/twinning/id/figure/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("geo", "http://www.opengis.net/ont/geosparql#"),
    ("geometry", "https://w3id.org/twinning/id/geometry/"),
    ("indicator", "https://w3id.org/twinning/id/indicator/"),
    ("kind", "https://w3id.org/twinning/id/kind/"),
    ("link", "https://w3id.org/twinning/id/link-status/"),
    ("measure", "https://w3id.org/twinning/id/measure/"),
    ("org", "http://www.w3.org/ns/org#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("place", "https://w3id.org/twinning/id/place/"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("qb", "http://purl.org/linked-data/cube#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("region", "https://w3id.org/twinning/id/region/"),
    ("schema", "https://schema.org/"),
    ("scheme", "https://w3id.org/twinning/id/scheme/"),
    ("sh", "http://www.w3.org/ns/shacl#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("source", "https://w3id.org/twinning/id/source/"),
    ("statement", "https://w3id.org/twinning/id/statement/"),
    ("status", "https://w3id.org/twinning/id/status/"),
    ("theme", "https://w3id.org/twinning/id/theme/"),
    ("tw", "https://w3id.org/twinning/ontology#"),
    ("tws", "https://w3id.org/twinning/ontology/shapes#"),
    ("unit", "https://w3id.org/twinning/id/unit/"),
    ("vann", "http://purl.org/vocab/vann/"),
    ("void", "http://rdfs.org/ns/void#"),
    ("wd", "http://www.wikidata.org/entity/"),
    ("wdt", "http://www.wikidata.org/prop/direct/"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];

/// Shortens an IRI to `prefix:local` when a known prefix matches and the local part is a plain
/// name; otherwise returns `<iri>`.
pub fn compact_iri(iri: &str) -> String {
    // Longest namespace first, so `id/disagreement-kind/` wins over a shorter match.
    PREFIXES
        .iter()
        .filter(|(_, namespace)| iri.starts_with(namespace))
        .max_by_key(|(_, namespace)| namespace.len())
        .and_then(|(prefix, namespace)| {
            let local = &iri[namespace.len()..];
            let plain = !local.is_empty()
                && local
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            plain.then(|| format!("{prefix}:{local}"))
        })
        .unwrap_or_else(|| format!("<{iri}>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_sorted_and_unique() {
        assert!(PREFIXES.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }

    #[test]
    fn compacts_with_the_longest_namespace() {
        assert_eq!(
            compact_iri("https://w3id.org/twinning/id/disagreement-kind/count"),
            "dkind:count"
        );
        assert_eq!(
            compact_iri("https://w3id.org/twinning/id/city/dakhla"),
            "city:dakhla"
        );
        assert_eq!(
            compact_iri("http://example.org/x"),
            "<http://example.org/x>"
        );
        assert_eq!(
            compact_iri("https://w3id.org/twinning/id/city/a/b"),
            "<https://w3id.org/twinning/id/city/a/b>"
        );
    }
}
