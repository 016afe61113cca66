//! Compacted JSON-LD for a graph: one node object per subject, keys and `@id`s shortened with the
//! project's prefixes declared in an `@context`, the way a reader (and `jq`) expects JSON-LD to
//! look. Oxigraph's writer emits the streaming profile only (full IRIs, no `@context`), and no
//! maintained Rust crate compacts JSON-LD synchronously; the form written here is the simplest
//! compacted one (no term definitions beyond prefixes, every property an array), which any
//! JSON-LD processor expands back to exactly the same triples.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use oxigraph::model::{Graph, NamedOrBlankNodeRef, TermRef};
use serde_json::{json, Map, Value};

use crate::error::Result;
use crate::vocab::PREFIXES;

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";

/// Writes `graph` as compacted JSON-LD, subjects and values sorted, so the same graph always
/// gives the same bytes.
pub fn write_compact(graph: &Graph, out: impl Write) -> Result<()> {
    let mut used = BTreeSet::new();
    let mut nodes: BTreeMap<String, BTreeMap<String, BTreeSet<ValueKey>>> = BTreeMap::new();
    for triple in graph {
        let subject = match triple.subject {
            NamedOrBlankNodeRef::NamedNode(node) => compact(node.as_str(), &mut used),
            NamedOrBlankNodeRef::BlankNode(node) => format!("_:{}", node.as_str()),
            #[allow(unreachable_patterns)]
            _ => continue,
        };
        let properties = nodes.entry(subject).or_default();
        if triple.predicate.as_str() == RDF_TYPE {
            if let TermRef::NamedNode(class) = triple.object {
                properties
                    .entry("@type".to_owned())
                    .or_default()
                    .insert(ValueKey::Type(compact(class.as_str(), &mut used)));
                continue;
            }
        }
        let key = compact(triple.predicate.as_str(), &mut used);
        let value = match triple.object {
            TermRef::NamedNode(node) => ValueKey::Id(compact(node.as_str(), &mut used)),
            TermRef::BlankNode(node) => ValueKey::Id(format!("_:{}", node.as_str())),
            TermRef::Literal(literal) => match literal.language() {
                Some(language) => {
                    ValueKey::Language(literal.value().to_owned(), language.to_owned())
                }
                None if literal.datatype().as_str() == XSD_STRING => {
                    ValueKey::String(literal.value().to_owned())
                }
                None => ValueKey::Typed(
                    literal.value().to_owned(),
                    compact(literal.datatype().as_str(), &mut used),
                ),
            },
            #[allow(unreachable_patterns)]
            _ => continue,
        };
        properties.entry(key).or_default().insert(value);
    }
    let context: Map<String, Value> = PREFIXES
        .iter()
        .filter(|(prefix, _)| used.contains(*prefix))
        .map(|(prefix, namespace)| ((*prefix).to_owned(), Value::from(*namespace)))
        .collect();
    let graph: Vec<Value> = nodes
        .into_iter()
        .map(|(id, properties)| {
            let mut node = Map::new();
            node.insert("@id".to_owned(), Value::from(id));
            for (key, values) in properties {
                node.insert(key, values.into_iter().map(ValueKey::into_json).collect());
            }
            Value::Object(node)
        })
        .collect();
    let document = json!({ "@context": context, "@graph": graph });
    let mut out = out;
    serde_json::to_writer_pretty(&mut out, &document).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// A value, ordered so that output is stable.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum ValueKey {
    Type(String),
    Id(String),
    String(String),
    Language(String, String),
    Typed(String, String),
}

impl ValueKey {
    fn into_json(self) -> Value {
        match self {
            Self::Type(class) => Value::from(class),
            Self::Id(id) => json!({ "@id": id }),
            Self::String(value) => Value::from(value),
            Self::Language(value, language) => json!({ "@value": value, "@language": language }),
            Self::Typed(value, datatype) => json!({ "@value": value, "@type": datatype }),
        }
    }
}

/// `prefix:local` when a project prefix matches and the local part is a plain name (so that no
/// processor could read it as anything else), else the full IRI; notes the prefix used.
fn compact(iri: &str, used: &mut BTreeSet<&'static str>) -> String {
    let compact = crate::vocab::compact_iri(iri);
    if let Some(prefix) = compact
        .split(':')
        .next()
        .filter(|_| !compact.starts_with('<'))
    {
        if let Some((known, _)) = PREFIXES.iter().find(|(p, _)| *p == prefix) {
            used.insert(known);
            return compact;
        }
    }
    iri.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfParser};

    #[test]
    fn compacted_json_ld_expands_to_the_same_triples() {
        let turtle = r#"
            @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
            @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
            <https://w3id.org/twinning/id/city/dakhla> a <https://w3id.org/twinning/ontology#City> ;
                skos:prefLabel "Dakhla"@en, "الداخلة"@ar ;
                <http://example.org/odd/p> "plain", "2024"^^xsd:gYear ;
                <http://example.org/q> [ skos:notation "x" ] .
        "#;
        let graph: Graph = RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(turtle)
            .map(|q| oxigraph::model::Triple::from(q.unwrap()))
            .collect();
        let mut bytes = Vec::new();
        write_compact(&graph, &mut bytes).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("\"@context\""), "{text}");
        assert!(text.contains("\"@id\": \"city:dakhla\""), "{text}");
        assert!(text.contains("\"skos:prefLabel\""), "{text}");
        let back: Graph = RdfParser::from_format(RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        })
        .for_slice(&bytes)
        .map(|q| oxigraph::model::Triple::from(q.unwrap()))
        .collect();
        assert_eq!(back.len(), graph.len());
        let mut a = graph.clone();
        let mut b = back;
        a.canonicalize(oxigraph::model::dataset::CanonicalizationAlgorithm::default());
        b.canonicalize(oxigraph::model::dataset::CanonicalizationAlgorithm::default());
        assert_eq!(a, b, "{text}");
    }
}
