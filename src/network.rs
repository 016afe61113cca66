//! The city network as a graph file for network-analysis tools (Gephi, Cytoscape, networkx,
//! igraph): cities as nodes, agreements as edges, in GraphML
//! (<http://graphml.graphdrawing.org/specification.html>), written with quick-xml.

use std::io::Write;

use oxigraph::store::Store;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::error::{Error, Result};
use crate::sparql::{self, text, Internal};

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
        let Some(id) = text(node, "city") else {
            continue;
        };
        let at = text(node, "wkt").and_then(|wkt| crate::wikidata::parse_point(&wkt));
        element(
            &mut writer,
            "node",
            &[("id", &id)],
            &[
                ("node_label", text(node, "label_en")),
                ("node_label_ar", text(node, "label_ar")),
                ("node_label_fr", text(node, "label_fr")),
                ("node_home", text(node, "home")),
                ("node_country", text(node, "country_label")),
                ("node_country_iri", text(node, "country")),
                ("node_region", text(node, "region_label")),
                ("node_region_iri", text(node, "region")),
                (
                    "node_latitude",
                    at.map(|(_, latitude)| latitude.to_string()),
                ),
                (
                    "node_longitude",
                    at.map(|(longitude, _)| longitude.to_string()),
                ),
                ("node_qid", text(node, "qid")),
            ],
        )?;
    }
    for edge in &edges {
        let (Some(id), Some(source), Some(target)) = (
            text(edge, "agreement"),
            text(edge, "home"),
            text(edge, "partner"),
        ) else {
            continue;
        };
        element(
            &mut writer,
            "edge",
            &[("id", &id), ("source", &source), ("target", &target)],
            &[
                ("edge_label", text(edge, "label")),
                ("edge_kind", text(edge, "kind")),
                ("edge_status", text(edge, "status")),
                ("edge_date", text(edge, "date")),
                ("edge_year", text(edge, "year")),
                ("edge_themes", text(edge, "themes")),
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
