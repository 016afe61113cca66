//! The dataset's VoID/DCAT description, as `twinning serve` (beside its SPARQL endpoint) and
//! `twinning site` (beside its dumps) publish it: what the store states about its dataset (its
//! IRI, version, date, licence and source, from a `void:Dataset` such as data/dataset.ttl), its
//! namespaces and size, and how it can be reached. Nothing is stated that the data does not say.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use oxigraph::model::{NamedNodeRef, Term};
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

/// The description, in Turtle.
pub fn describe(store: &Store, access: Access<'_>) -> Result<String> {
    let release = crate::export::release(store)?;
    // The dataset the store describes, with its own licence and source; else a node of the
    // description's own.
    let dataset = release.as_ref().map_or_else(
        || match access {
            Access::Site { base } => format!("{base}void.ttl#dataset"),
            Access::Endpoint { base, .. } => format!("{base}/dataset"),
        },
        |r| r.dataset.clone(),
    );
    // The version and date the data states; none when it states none.
    let mut stated = String::new();
    if let Some(release) = &release {
        let _ = write!(
            stated,
            "\n  owl:versionInfo \"{}\" ;",
            turtle_string(&release.version)
        );
    }
    if let Some(date) = release.as_ref().and_then(|r| r.modified.as_deref()) {
        let _ = write!(stated, "\n  dcterms:modified \"{date}\"^^xsd:date ;");
    }
    for (property, value) in [
        (
            "license",
            release.as_ref().and_then(|r| r.license.as_deref()),
        ),
        ("source", release.as_ref().and_then(|r| r.source.as_deref())),
    ] {
        if let Some(iri) = value.and_then(|v| oxigraph::model::NamedNode::new(v).ok()) {
            let _ = write!(stated, "\n  dcterms:{property} {iri} ;");
        }
    }
    let spaces: Vec<String> = uri_spaces(store)?
        .iter()
        .map(|space| format!("\"{}\"", turtle_string(space)))
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
            ("title", &turtle_string(&title)),
            ("stated", &stated),
            ("spaces", &spaces.join(", ")),
            ("triples", &store.len()?.to_string()),
            ("access", &access),
        ],
    ))
}

/// A Turtle string literal's content, escaped.
fn turtle_string(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
