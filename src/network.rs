//! The city network as a graph file for network-analysis tools (Gephi, Cytoscape, networkx,
//! igraph): cities as nodes, agreements as edges, in GraphML
//! (<http://graphml.graphdrawing.org/specification.html>), written with quick-xml.

use std::io::Write;

use oxigraph::model::Term;
use oxigraph::store::Store;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::error::{Error, Result};
use crate::sparql::{self, Internal};

/// A GraphML attribute: its id and name, what it belongs to, and its type.
struct Key {
    name: &'static str,
    of: &'static str,
    kind: &'static str,
}

const NODE_KEYS: &[Key] = &[
    Key {
        name: "label",
        of: "node",
        kind: "string",
    },
    Key {
        name: "label_ar",
        of: "node",
        kind: "string",
    },
    Key {
        name: "label_fr",
        of: "node",
        kind: "string",
    },
    Key {
        name: "home",
        of: "node",
        kind: "boolean",
    },
    Key {
        name: "country",
        of: "node",
        kind: "string",
    },
    Key {
        name: "country_iri",
        of: "node",
        kind: "string",
    },
    Key {
        name: "region",
        of: "node",
        kind: "string",
    },
    Key {
        name: "region_iri",
        of: "node",
        kind: "string",
    },
    Key {
        name: "latitude",
        of: "node",
        kind: "double",
    },
    Key {
        name: "longitude",
        of: "node",
        kind: "double",
    },
    Key {
        name: "qid",
        of: "node",
        kind: "string",
    },
];

const EDGE_KEYS: &[Key] = &[
    Key {
        name: "label",
        of: "edge",
        kind: "string",
    },
    Key {
        name: "kind",
        of: "edge",
        kind: "string",
    },
    Key {
        name: "status",
        of: "edge",
        kind: "string",
    },
    Key {
        name: "date",
        of: "edge",
        kind: "string",
    },
    Key {
        name: "year",
        of: "edge",
        kind: "int",
    },
    Key {
        name: "themes",
        of: "edge",
        kind: "string",
    },
];

/// The text of a value: a literal's lexical form, an IRI as it is.
fn text(term: Option<&Term>) -> Option<String> {
    match term? {
        Term::Literal(literal) => Some(literal.value().to_owned()),
        Term::NamedNode(node) => Some(node.as_str().to_owned()),
        _ => None,
    }
}

/// (longitude, latitude) of a WKT point, `POINT(lon lat)`.
fn point(wkt: &str) -> Option<(String, String)> {
    let inner = wkt.trim().strip_prefix("POINT")?.trim();
    let inner = inner.strip_prefix('(')?.strip_suffix(')')?;
    let mut numbers = inner.split_whitespace();
    let (lon, lat) = (numbers.next()?, numbers.next()?);
    (lon.parse::<f64>().is_ok() && lat.parse::<f64>().is_ok())
        .then(|| (lon.to_owned(), lat.to_owned()))
}

fn xml(error: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("cannot write GraphML: {error}"))
}

/// One `<node>` or `<edge>`: its attributes, then its data values (empty ones left out).
fn element(
    writer: &mut Writer<&mut dyn Write>,
    name: &str,
    attributes: &[(&str, &str)],
    data: &[(&str, Option<String>)],
) -> Result<()> {
    let mut start = BytesStart::new(name);
    for attribute in attributes {
        start.push_attribute(*attribute);
    }
    writer.write_event(Event::Start(start)).map_err(xml)?;
    for (key, value) in data {
        let Some(value) = value.as_deref().filter(|v| !v.is_empty()) else {
            continue;
        };
        writer
            .create_element("data")
            .with_attribute(("key", *key))
            .write_text_content(BytesText::new(value))
            .map_err(xml)?;
    }
    writer
        .write_event(Event::End(BytesEnd::new(name)))
        .map_err(xml)?;
    Ok(())
}

/// Writes the network of the store's agreements as GraphML: a directed graph (home city to
/// partner city), one node per city, one edge per agreement, ids being the IRIs.
pub fn write_graphml(store: &Store, out: &mut dyn Write) -> Result<()> {
    let select = |query: Internal| sparql::select(store, query, &[]);
    let nodes = select(sparql::NETWORK_NODES)?;
    let edges = select(sparql::NETWORK_EDGES)?;
    let mut writer = Writer::new_with_indent(out, b' ', 2);
    writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(xml)?;
    let mut root = BytesStart::new("graphml");
    root.push_attribute(("xmlns", "http://graphml.graphdrawing.org/xmlns"));
    root.push_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"));
    root.push_attribute((
        "xsi:schemaLocation",
        "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
    ));
    writer.write_event(Event::Start(root)).map_err(xml)?;
    for key in NODE_KEYS.iter().chain(EDGE_KEYS) {
        let id = format!("{}_{}", key.of, key.name);
        writer
            .create_element("key")
            .with_attributes([
                ("id", id.as_str()),
                ("for", key.of),
                ("attr.name", key.name),
                ("attr.type", key.kind),
            ])
            .write_empty()
            .map_err(xml)?;
    }
    let mut graph = BytesStart::new("graph");
    graph.push_attribute(("id", "twinning"));
    graph.push_attribute(("edgedefault", "directed"));
    writer.write_event(Event::Start(graph)).map_err(xml)?;
    for node in &nodes {
        let Some(id) = text(node.get("city")) else {
            continue;
        };
        let at = text(node.get("wkt")).as_deref().and_then(point);
        element(
            &mut writer,
            "node",
            &[("id", &id)],
            &[
                ("node_label", text(node.get("label_en"))),
                ("node_label_ar", text(node.get("label_ar"))),
                ("node_label_fr", text(node.get("label_fr"))),
                ("node_home", text(node.get("home"))),
                ("node_country", text(node.get("country_label"))),
                ("node_country_iri", text(node.get("country"))),
                ("node_region", text(node.get("region_label"))),
                ("node_region_iri", text(node.get("region"))),
                ("node_latitude", at.as_ref().map(|(_, lat)| lat.clone())),
                ("node_longitude", at.map(|(lon, _)| lon)),
                ("node_qid", text(node.get("qid"))),
            ],
        )?;
    }
    for edge in &edges {
        let (Some(id), Some(source), Some(target)) = (
            text(edge.get("agreement")),
            text(edge.get("home")),
            text(edge.get("partner")),
        ) else {
            continue;
        };
        element(
            &mut writer,
            "edge",
            &[("id", &id), ("source", &source), ("target", &target)],
            &[
                ("edge_label", text(edge.get("label"))),
                ("edge_kind", text(edge.get("kind"))),
                ("edge_status", text(edge.get("status"))),
                ("edge_date", text(edge.get("date"))),
                ("edge_year", text(edge.get("year"))),
                ("edge_themes", text(edge.get("themes"))),
            ],
        )?;
    }
    writer
        .write_event(Event::End(BytesEnd::new("graph")))
        .map_err(xml)?;
    writer
        .write_event(Event::End(BytesEnd::new("graphml")))
        .map_err(xml)?;
    writeln!(writer.get_mut())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_read_longitude_first() {
        assert_eq!(
            point("POINT(-15.95798 23.68477)"),
            Some(("-15.95798".to_owned(), "23.68477".to_owned()))
        );
        assert_eq!(
            point("POINT (2 48)"),
            Some(("2".to_owned(), "48".to_owned()))
        );
        assert_eq!(point("LINESTRING(0 0, 1 1)"), None);
        assert_eq!(point("POINT(a b)"), None);
    }
}
