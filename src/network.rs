//! The city network as a graph file for network-analysis tools (Gephi, Cytoscape, networkx,
//! igraph): cities as nodes, agreements as edges, in GraphML or GEXF, written with quick-xml.

use std::io::Write;

use oxigraph::store::Store;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::error::{Error, Result};
use crate::sparql::{self, text, Internal};

/// The type of an attribute's values.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Text,
    Boolean,
    Double,
    Integer,
}

impl Kind {
    fn graphml(self) -> &'static str {
        match self {
            Kind::Text => "string",
            Kind::Boolean => "boolean",
            Kind::Double => "double",
            Kind::Integer => "int",
        }
    }

    fn gexf(self) -> &'static str {
        match self {
            Kind::Text => "string",
            Kind::Boolean => "boolean",
            Kind::Double => "double",
            Kind::Integer => "integer",
        }
    }
}

/// The attributes of the cities, in the order [`Network::read`] gives their values.
const NODE_KEYS: &[(&str, Kind)] = &[
    ("label", Kind::Text),
    ("label_ar", Kind::Text),
    ("label_fr", Kind::Text),
    ("home", Kind::Boolean),
    ("country", Kind::Text),
    ("country_iri", Kind::Text),
    ("region", Kind::Text),
    ("region_iri", Kind::Text),
    ("latitude", Kind::Double),
    ("longitude", Kind::Double),
    ("qid", Kind::Text),
];

/// The attributes of the agreements, likewise.
const EDGE_KEYS: &[(&str, Kind)] = &[
    ("label", Kind::Text),
    ("kind", Kind::Text),
    ("status", Kind::Text),
    ("date", Kind::Text),
    ("year", Kind::Integer),
    ("themes", Kind::Text),
];

/// A node or an edge: its id, for an edge its ends, and its values (in the order of
/// [`NODE_KEYS`] or [`EDGE_KEYS`]; `None` where unknown).
struct Element {
    id: String,
    ends: Option<(String, String)>,
    values: Vec<Option<String>>,
}

/// The city network, as the store holds it: one node per city, one edge per agreement (home
/// city to partner city), ids being the IRIs.
struct Network {
    nodes: Vec<Element>,
    edges: Vec<Element>,
}

impl Network {
    fn read(store: &Store) -> Result<Self> {
        let select = |query: Internal| sparql::select(store, query, &[]);
        let mut nodes = Vec::new();
        for node in select(sparql::NETWORK_NODES)? {
            let Some(id) = text(&node, "city") else {
                continue;
            };
            let at = text(&node, "wkt").and_then(|wkt| crate::wikidata::parse_point(&wkt));
            nodes.push(Element {
                id,
                ends: None,
                values: vec![
                    text(&node, "label_en"),
                    text(&node, "label_ar"),
                    text(&node, "label_fr"),
                    text(&node, "home"),
                    text(&node, "country_label"),
                    text(&node, "country"),
                    text(&node, "region_label"),
                    text(&node, "region"),
                    at.map(|(_, latitude)| latitude.to_string()),
                    at.map(|(longitude, _)| longitude.to_string()),
                    text(&node, "qid"),
                ],
            });
        }
        let mut edges = Vec::new();
        for edge in select(sparql::NETWORK_EDGES)? {
            let (Some(id), Some(source), Some(target)) = (
                text(&edge, "agreement"),
                text(&edge, "home"),
                text(&edge, "partner"),
            ) else {
                continue;
            };
            edges.push(Element {
                id,
                ends: Some((source, target)),
                values: ["label", "kind", "status", "date", "year", "themes"]
                    .iter()
                    .map(|name| text(&edge, name))
                    .collect(),
            });
        }
        Ok(Self { nodes, edges })
    }
}

type XmlWriter<'a> = Writer<&'a mut dyn Write>;

fn start(writer: &mut XmlWriter<'_>, name: &str, attributes: &[(&str, &str)]) -> Result<()> {
    let mut start = BytesStart::new(name);
    for attribute in attributes {
        start.push_attribute(*attribute);
    }
    writer
        .write_event(Event::Start(start))
        .map_err(Error::Output)
}

fn end(writer: &mut XmlWriter<'_>, name: &str) -> Result<()> {
    writer
        .write_event(Event::End(BytesEnd::new(name)))
        .map_err(Error::Output)
}

fn empty(writer: &mut XmlWriter<'_>, name: &str, attributes: &[(&str, &str)]) -> Result<()> {
    writer
        .create_element(name)
        .with_attributes(attributes.iter().copied())
        .write_empty()?;
    Ok(())
}

/// The values of an element that are known, with their keys' names.
fn known<'a>(
    keys: &'a [(&'a str, Kind)],
    element: &'a Element,
) -> impl Iterator<Item = (&'a str, &'a str)> {
    keys.iter()
        .zip(&element.values)
        .filter_map(|((name, _), value)| {
            value
                .as_deref()
                .filter(|v| !v.is_empty())
                .map(|value| (*name, value))
        })
}

/// Writes the network of the store's agreements as GraphML
/// (<http://graphml.graphdrawing.org/specification.html>): a directed graph, one node per city,
/// one edge per agreement.
pub fn write_graphml(store: &Store, out: &mut dyn Write) -> Result<()> {
    let network = Network::read(store)?;
    let mut writer = Writer::new_with_indent(out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    start(
        &mut writer,
        "graphml",
        &[
            ("xmlns", "http://graphml.graphdrawing.org/xmlns"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
            ),
        ],
    )?;
    for (of, keys) in [("node", NODE_KEYS), ("edge", EDGE_KEYS)] {
        for (name, kind) in keys {
            let id = format!("{of}_{name}");
            empty(
                &mut writer,
                "key",
                &[
                    ("id", id.as_str()),
                    ("for", of),
                    ("attr.name", name),
                    ("attr.type", kind.graphml()),
                ],
            )?;
        }
    }
    start(
        &mut writer,
        "graph",
        &[("id", "twinning"), ("edgedefault", "directed")],
    )?;
    for (of, keys, elements) in [
        ("node", NODE_KEYS, &network.nodes),
        ("edge", EDGE_KEYS, &network.edges),
    ] {
        for element in elements {
            let mut attributes = vec![("id", element.id.as_str())];
            if let Some((source, target)) = &element.ends {
                attributes.extend([("source", source.as_str()), ("target", target.as_str())]);
            }
            start(&mut writer, of, &attributes)?;
            for (name, value) in known(keys, element) {
                let key = format!("{of}_{name}");
                writer
                    .create_element("data")
                    .with_attribute(("key", key.as_str()))
                    .write_text_content(BytesText::new(value))?;
            }
            end(&mut writer, of)?;
        }
    }
    end(&mut writer, "graph")?;
    end(&mut writer, "graphml")?;
    writeln!(writer.get_mut())?;
    Ok(())
}

/// Writes the same network as GEXF 1.2 (<https://gexf.net/>), Gephi's own format: the English
/// name is each node's and edge's label, everything else an attribute value.
pub fn write_gexf(store: &Store, out: &mut dyn Write) -> Result<()> {
    let network = Network::read(store)?;
    let mut writer = Writer::new_with_indent(out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    start(
        &mut writer,
        "gexf",
        &[
            ("xmlns", "http://www.gexf.net/1.2draft"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd",
            ),
            ("version", "1.2"),
        ],
    )?;
    start(&mut writer, "meta", &[])?;
    writer
        .create_element("creator")
        .write_text_content(BytesText::new(concat!(
            "twinning ",
            env!("CARGO_PKG_VERSION")
        )))?;
    end(&mut writer, "meta")?;
    start(
        &mut writer,
        "graph",
        &[("defaultedgetype", "directed"), ("mode", "static")],
    )?;
    for (class, keys) in [("node", NODE_KEYS), ("edge", EDGE_KEYS)] {
        start(
            &mut writer,
            "attributes",
            &[("class", class), ("mode", "static")],
        )?;
        for (name, kind) in keys.iter().filter(|(name, _)| *name != "label") {
            empty(
                &mut writer,
                "attribute",
                &[("id", name), ("title", name), ("type", kind.gexf())],
            )?;
        }
        end(&mut writer, "attributes")?;
    }
    for (of, keys, elements) in [
        ("node", NODE_KEYS, &network.nodes),
        ("edge", EDGE_KEYS, &network.edges),
    ] {
        start(&mut writer, &format!("{of}s"), &[])?;
        for element in elements {
            let label = known(keys, element)
                .find(|(name, _)| *name == "label")
                .map_or(element.id.as_str(), |(_, value)| value);
            let mut attributes = vec![("id", element.id.as_str()), ("label", label)];
            if let Some((source, target)) = &element.ends {
                attributes.extend([("source", source.as_str()), ("target", target.as_str())]);
            }
            start(&mut writer, of, &attributes)?;
            start(&mut writer, "attvalues", &[])?;
            for (name, value) in known(keys, element).filter(|(name, _)| *name != "label") {
                empty(&mut writer, "attvalue", &[("for", name), ("value", value)])?;
            }
            end(&mut writer, "attvalues")?;
            end(&mut writer, of)?;
        }
        end(&mut writer, &format!("{of}s"))?;
    }
    end(&mut writer, "graph")?;
    end(&mut writer, "gexf")?;
    writeln!(writer.get_mut())?;
    Ok(())
}
