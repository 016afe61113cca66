//! The dataset's VoID/DCAT description, as `twinning serve` (beside its SPARQL endpoint) and
//! `twinning site` (beside its dumps) publish it: what the store states about its dataset (its
//! IRI, version, date, licence and source, from a `void:Dataset` such as data/dataset.ttl), its
//! namespaces and size, and how it can be reached. Nothing is stated that the data does not say.

use std::collections::BTreeSet;

use oxigraph::model::vocab::rdf;
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Term};
use oxigraph::store::Store;

use crate::error::Result;
use crate::i18n::Language;
use crate::vocab::ID;

/// How the dataset is reached.
#[derive(Debug, Clone, Copy)]
pub enum Access<'a> {
    /// A static site whose root is `base` (empty: relative to the description's own file),
    /// with its home page and dumps.
    Site {
        /// The site's address, ending in `/`, or empty.
        base: &'a str,
    },
    /// A server at `base` (no trailing `/`) with a SPARQL endpoint; `examples` are resources to
    /// start from.
    Endpoint {
        /// The server's address.
        base: &'a str,
        /// `void:exampleResource`s.
        examples: &'a [String],
    },
}

const VOID_DATASET: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://rdfs.org/ns/void#Dataset");
const URI_SPACE: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://rdfs.org/ns/void#uriSpace");

/// Every `void:uriSpace` the store's datasets declare, and ours, in order.
pub fn uri_spaces(store: &Store) -> Result<BTreeSet<String>> {
    let mut spaces = BTreeSet::from([ID.to_owned()]);
    for quad in store.quads_for_pattern(None, Some(URI_SPACE), None, None) {
        if let Term::Literal(literal) = quad?.object {
            spaces.insert(literal.value().to_owned());
        }
    }
    Ok(spaces)
}

/// What a dataset states of itself: each property's Turtle name and its value.
type Statements = Vec<(&'static str, Term)>;

/// The dataset the store describes (in IRI order, the first `void:Dataset` with a version, else
/// the first one), if any, with what it states of its version, date, licence and source: each
/// as the data writes it (its first value in term order), so that a date keeps its datatype.
fn described(store: &Store) -> Result<Option<(NamedNode, Statements)>> {
    const STATED: [(&str, &str); 4] = [
        (
            "owl:versionInfo",
            "http://www.w3.org/2002/07/owl#versionInfo",
        ),
        ("dcterms:modified", "http://purl.org/dc/terms/modified"),
        ("dcterms:license", "http://purl.org/dc/terms/license"),
        ("dcterms:source", "http://purl.org/dc/terms/source"),
    ];
    let mut datasets = BTreeSet::new();
    for quad in store.quads_for_pattern(None, Some(rdf::TYPE), Some(VOID_DATASET.into()), None) {
        if let NamedOrBlankNode::NamedNode(node) = quad?.subject {
            datasets.insert(node);
        }
    }
    let mut chosen: Option<(NamedNode, Statements)> = None;
    for dataset in datasets {
        let mut stated = Vec::new();
        for (name, iri) in STATED {
            let predicate = NamedNodeRef::new_unchecked(iri);
            let mut values: Vec<Term> = store
                .quads_for_pattern(Some(dataset.as_ref().into()), Some(predicate), None, None)
                .map(|quad| quad.map(|q| q.object))
                .collect::<std::result::Result<_, _>>()?;
            values.sort_by_cached_key(ToString::to_string);
            if let Some(value) = values.into_iter().next() {
                stated.push((name, value));
            }
        }
        let versioned = stated.iter().any(|(name, _)| *name == "owl:versionInfo");
        if versioned {
            return Ok(Some((dataset, stated)));
        }
        chosen.get_or_insert((dataset, stated));
    }
    Ok(chosen)
}

/// The description, in Turtle.
pub fn describe(store: &Store, access: Access<'_>) -> Result<String> {
    // The dataset the store describes, with what it states; else a node of the description's own.
    let (dataset, stated) = match described(store)? {
        Some((dataset, stated)) => (dataset.to_string(), stated),
        None => (
            match access {
                Access::Site { base } => format!("<{base}void.ttl#dataset>"),
                Access::Endpoint { base, .. } => format!("<{base}/dataset>"),
            },
            Vec::new(),
        ),
    };
    // Terms are written as N-Triples writes them, which Turtle reads: escaped, typed, tagged.
    let stated: String = stated
        .iter()
        .map(|(name, value)| format!("\n  {name} {value} ;"))
        .collect();
    let spaces: Vec<String> = uri_spaces(store)?
        .iter()
        .map(|space| Literal::new_simple_literal(space).to_string())
        .collect();
    let title = crate::report::Framing::read(store, Language::En)?.title(Language::En);
    // The part that says how it is reached (site.ttl, endpoint.ttl): the template's last
    // statements, after which it puts the final full stop.
    let access = match access {
        Access::Site { base } => {
            crate::html::fill(include_str!("site.ttl").trim_end(), &[("base", base)])
        }
        Access::Endpoint { base, examples } => {
            let examples: String = examples
                .iter()
                .map(|example| format!(" ;\n  void:exampleResource {example}"))
                .collect();
            crate::html::fill(
                include_str!("endpoint.ttl").trim_end(),
                &[("base", base), ("examples", &examples)],
            )
        }
    };
    Ok(crate::html::fill(
        include_str!("dataset.ttl"),
        &[
            ("dataset", &dataset),
            (
                "title",
                &Literal::new_language_tagged_literal_unchecked(title, "en").to_string(),
            ),
            ("stated", &stated),
            ("spaces", &spaces.join(", ")),
            ("triples", &store.len()?.to_string()),
            ("access", &access),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the data states (a blank-node dataset, a version with a carriage return, a date
    /// with a quote and its own datatype), the description is Turtle that parses, about the
    /// named dataset, with the date's datatype kept.
    #[test]
    fn odd_statements_still_give_valid_turtle() {
        let store = Store::new().expect("a store");
        store
            .load_from_slice(
                oxigraph::io::RdfFormat::Turtle,
                r#"@prefix void: <http://rdfs.org/ns/void#> .
                   @prefix owl: <http://www.w3.org/2002/07/owl#> .
                   @prefix dcterms: <http://purl.org/dc/terms/> .
                   [] a void:Dataset ; owl:versionInfo "1.0" .
                   <https://x.org/d> a void:Dataset ; owl:versionInfo "2.0\r" ;
                     dcterms:modified "2024\"12"^^<http://www.w3.org/2001/XMLSchema#dateTime> ;
                     void:uriSpace "https://x.org/\"q\"/" ."#,
            )
            .expect("the fixture");
        for access in [
            Access::Site { base: "" },
            Access::Endpoint {
                base: "http://localhost:7878",
                examples: &[],
            },
        ] {
            let turtle = describe(&store, access).expect("a description");
            let mut graph = oxigraph::model::Graph::new();
            for triple in oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
                .with_base_iri("http://localhost/void.ttl")
                .expect("a base")
                .for_slice(turtle.as_bytes())
            {
                graph.insert(&oxigraph::model::Triple::from(
                    triple.unwrap_or_else(|e| panic!("{e}: {turtle}")),
                ));
            }
            assert!(
                turtle.contains("<https://x.org/d> a void:Dataset"),
                "{turtle}"
            );
            assert!(turtle.contains("\"2.0\\r\""), "{turtle}");
            assert!(turtle.contains("XMLSchema#dateTime>"), "{turtle}");
        }
    }
}
