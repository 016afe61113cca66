//! The diagram of the ontology's classes: our classes and the classes our object properties join
//! them to, as boxes; each property as an arrow from its domain to its range (properties that
//! join the same two classes share one arrow), each `rdfs:subClassOf` as a dashed arrow. Laid
//! out by a force-directed placement (Fruchterman and Reingold) from a fixed start, so the same
//! ontology always gives the same picture.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use oxigraph::model::{NamedNode, Term};

use super::{iri, Reference, OWL, RDFS};
use crate::html::escape;
use crate::pages;
use crate::vocab::{compact_iri, TW};

const WIDTH: f64 = 1100.0;
const HEIGHT: f64 = 760.0;
const ITERATIONS: usize = 400;
/// Width of a character of the labels, in pixels (12px sans-serif, roughly).
const CHAR: f64 = 6.8;
const BOX_HEIGHT: f64 = 24.0;

/// A class in the diagram.
struct Node {
    class: NamedNode,
    label: String,
    ours: bool,
    width: f64,
    x: f64,
    y: f64,
}

impl Reference<'_> {
    /// The label of a class or property as plain text, in the reader's language.
    fn plain_label(&self, node: &NamedNode) -> String {
        pages::label(self.store, node.as_ref().into(), self.language)
            .map(|(value, _)| value)
            .unwrap_or_else(|| compact_iri(node.as_str()))
    }

    /// The diagram, as a standalone SVG document.
    pub(super) fn diagram(&self) -> String {
        // Object properties between two named classes, grouped by (domain, range).
        let mut arrows: BTreeMap<(NamedNode, NamedNode), Vec<String>> = BTreeMap::new();
        for property in self.terms(&[iri(OWL, "ObjectProperty")]) {
            let named = |predicate: &str| -> Vec<NamedNode> {
                self.objects(property.as_ref().into(), &iri(RDFS, predicate))
                    .into_iter()
                    .filter_map(|term| match term {
                        Term::NamedNode(node) => Some(node),
                        _ => None,
                    })
                    .collect()
            };
            for domain in named("domain") {
                for range in named("range") {
                    arrows
                        .entry((domain.clone(), range))
                        .or_default()
                        .push(self.plain_label(&property));
                }
            }
        }
        // Our classes, and what they specialise.
        let ours = self.terms(&[iri(OWL, "Class")]);
        let mut supers: BTreeSet<(NamedNode, NamedNode)> = BTreeSet::new();
        for class in &ours {
            for parent in self.objects(class.as_ref().into(), &iri(RDFS, "subClassOf")) {
                if let Term::NamedNode(parent) = parent {
                    supers.insert((class.clone(), parent));
                }
            }
        }
        let mut classes: BTreeSet<NamedNode> = ours.iter().cloned().collect();
        for (domain, range) in arrows.keys() {
            classes.insert(domain.clone());
            classes.insert(range.clone());
        }
        for (_, parent) in &supers {
            classes.insert(parent.clone());
        }
        // Our classes first, then the others, each group by IRI: the start positions on a
        // circle follow this order.
        let mut ordered: Vec<NamedNode> = classes.into_iter().collect();
        ordered.sort_by_key(|class| (!class.as_str().starts_with(TW), class.clone()));
        let count = ordered.len().max(1) as f64;
        let mut nodes: Vec<Node> = ordered
            .into_iter()
            .enumerate()
            .map(|(index, class)| {
                let label = self.plain_label(&class);
                let angle = std::f64::consts::TAU * index as f64 / count;
                let ours = class.as_str().starts_with(TW);
                let radius = if ours { 0.22 } else { 0.42 };
                Node {
                    width: label.chars().count() as f64 * CHAR + 16.0,
                    label,
                    ours,
                    x: WIDTH / 2.0 + radius * WIDTH * angle.cos(),
                    y: HEIGHT / 2.0 + radius * HEIGHT * angle.sin(),
                    class,
                }
            })
            .collect();
        let index: BTreeMap<NamedNode, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, node)| (node.class.clone(), i))
            .collect();
        let mut edges: Vec<(usize, usize)> = arrows
            .keys()
            .map(|(a, b)| (index[a], index[b]))
            .chain(supers.iter().map(|(a, b)| (index[a], index[b])))
            .filter(|(a, b)| a != b)
            .collect();
        edges.sort_unstable();
        edges.dedup();
        layout(&mut nodes, &edges);
        self.svg(&nodes, &index, &arrows, &supers)
    }

    fn svg(
        &self,
        nodes: &[Node],
        index: &BTreeMap<NamedNode, usize>,
        arrows: &BTreeMap<(NamedNode, NamedNode), Vec<String>>,
        supers: &BTreeSet<(NamedNode, NamedNode)>,
    ) -> String {
        let mut svg = String::new();
        // Arrows' labels go on top of the boxes, so that none is hidden.
        let mut labels = String::new();
        let _ = write!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" font-family=\"sans-serif\" font-size=\"12\" direction=\"ltr\" role=\"img\">\
             <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker>\
             <marker id=\"open\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"10\" markerHeight=\"10\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#fff\" stroke=\"#555\"/></marker></defs>"
        );
        for (parent, child) in supers.iter().map(|(a, b)| (index[b], index[a])) {
            if parent == child {
                continue;
            }
            let (x1, y1) = border(&nodes[child], nodes[parent].x, nodes[parent].y);
            let (x2, y2) = border(&nodes[parent], nodes[child].x, nodes[child].y);
            let _ = write!(
                svg,
                "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"#999\" stroke-dasharray=\"4 3\" marker-end=\"url(#open)\"/>"
            );
        }
        for ((domain, range), properties) in arrows {
            let (a, b) = (&nodes[index[domain]], &nodes[index[range]]);
            let text: String = properties
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    format!(
                        "<tspan x=\"{{x}}\" dy=\"{}\">{}</tspan>",
                        if i == 0 { "0" } else { "1.1em" },
                        escape(label)
                    )
                })
                .collect();
            if index[domain] == index[range] {
                // A property from a class to itself: a loop above the box.
                let (x, y) = (a.x + a.width / 2.0 - 10.0, a.y - BOX_HEIGHT / 2.0);
                let _ = write!(
                    svg,
                    "<path d=\"M{:.1},{y:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"none\" stroke=\"#555\" marker-end=\"url(#arrow)\"/>",
                    x - 20.0,
                    x - 30.0,
                    y - 36.0,
                    x + 10.0,
                    y - 36.0,
                    x,
                    y,
                );
                let _ = write!(
                    labels,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#333\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\">{}</text>",
                    x - 10.0,
                    y - 40.0,
                    text.replace("{x}", &format!("{:.1}", x - 10.0))
                );
                continue;
            }
            let (x1, y1) = border(a, b.x, b.y);
            let (x2, y2) = border(b, a.x, a.y);
            let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
            let _ = write!(
                svg,
                "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"#555\" marker-end=\"url(#arrow)\"/>"
            );
            let _ = write!(
                labels,
                "<text x=\"{mx:.1}\" y=\"{my:.1}\" text-anchor=\"middle\" fill=\"#333\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\">{}</text>",
                text.replace("{x}", &format!("{mx:.1}"))
            );
        }
        for node in nodes {
            let (x, y) = (node.x - node.width / 2.0, node.y - BOX_HEIGHT / 2.0);
            let (fill, stroke) = if node.ours {
                ("#e8f0fe", "#1a56c4")
            } else {
                ("#f4f4f4", "#888")
            };
            let shape = format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{BOX_HEIGHT}\" rx=\"4\" fill=\"{fill}\" stroke=\"{stroke}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" dominant-baseline=\"central\"><title>{}</title>{}</text>",
                node.width,
                node.x,
                node.y,
                escape(&compact_iri(node.class.as_str())),
                escape(&node.label)
            );
            if node.ours {
                let local = &node.class.as_str()[TW.len()..];
                let _ = write!(svg, "<a href=\"#{}\">{shape}</a>", escape(local));
            } else {
                svg.push_str(&shape);
            }
        }
        svg.push_str(&labels);
        svg.push_str("</svg>\n");
        svg
    }
}

/// Where the line from a box's centre towards (x, y) leaves the box.
fn border(node: &Node, x: f64, y: f64) -> (f64, f64) {
    let (dx, dy) = (x - node.x, y - node.y);
    if dx == 0.0 && dy == 0.0 {
        return (node.x, node.y);
    }
    let (half_w, half_h) = (node.width / 2.0, BOX_HEIGHT / 2.0);
    let scale = (half_w / dx.abs()).min(half_h / dy.abs());
    (node.x + dx * scale, node.y + dy * scale)
}

/// Fruchterman–Reingold in a bounded frame: connected boxes attract, all boxes repel, a weak
/// pull to the centre keeps unconnected boxes in, the moves cool down; then overlapping boxes
/// are pushed apart. Deterministic: no randomness.
fn layout(nodes: &mut [Node], edges: &[(usize, usize)]) {
    let n = nodes.len();
    if n < 2 {
        return;
    }
    let margin = 24.0;
    let clamp = |node: &mut Node| {
        node.x = node
            .x
            .clamp(margin + node.width / 2.0, WIDTH - margin - node.width / 2.0);
        node.y = node.y.clamp(margin + 40.0, HEIGHT - margin);
    };
    let k = ((WIDTH * HEIGHT) / n as f64).sqrt() * 0.75;
    let (cx, cy) = (WIDTH / 2.0, HEIGHT / 2.0);
    let mut temperature = WIDTH / 10.0;
    for _ in 0..ITERATIONS {
        let mut moves = vec![(0.0f64, 0.0f64); n];
        for i in 0..n {
            for j in (i + 1)..n {
                // Distances count wide boxes as wider apart sideways.
                let (dx, dy) = (nodes[i].x - nodes[j].x, (nodes[i].y - nodes[j].y) * 2.0);
                let distance = (dx * dx + dy * dy).sqrt().max(0.5);
                let force = k * k / distance;
                let (fx, fy) = (dx / distance * force, dy / distance * force);
                moves[i].0 += fx;
                moves[i].1 += fy;
                moves[j].0 -= fx;
                moves[j].1 -= fy;
            }
        }
        for &(a, b) in edges {
            let (dx, dy) = (nodes[a].x - nodes[b].x, nodes[a].y - nodes[b].y);
            let distance = (dx * dx + dy * dy).sqrt().max(0.5);
            let force = distance * distance / k;
            let (fx, fy) = (dx / distance * force, dy / distance * force);
            moves[a].0 -= fx;
            moves[a].1 -= fy;
            moves[b].0 += fx;
            moves[b].1 += fy;
        }
        for (node, (mx, my)) in nodes.iter_mut().zip(&mut moves) {
            *mx -= (node.x - cx) * 0.6;
            *my -= (node.y - cy) * 0.6;
            let length = (*mx * *mx + *my * *my).sqrt().max(1e-9);
            let step = length.min(temperature);
            node.x += *mx / length * step;
            node.y += *my / length * step;
            clamp(node);
        }
        temperature = (temperature * 0.985).max(0.5);
    }
    // Boxes that still overlap (with a gap for the arrows) are pushed apart along the axis
    // where they overlap least.
    let gap = 14.0;
    for _ in 0..200 {
        let mut moved = false;
        for i in 0..n {
            for j in (i + 1)..n {
                let overlap_x =
                    (nodes[i].width + nodes[j].width) / 2.0 + gap - (nodes[i].x - nodes[j].x).abs();
                let overlap_y = BOX_HEIGHT + gap - (nodes[i].y - nodes[j].y).abs();
                if overlap_x <= 0.0 || overlap_y <= 0.0 {
                    continue;
                }
                moved = true;
                if overlap_y < overlap_x {
                    let push = if nodes[i].y <= nodes[j].y { -1.0 } else { 1.0 } * overlap_y / 2.0;
                    nodes[i].y += push;
                    nodes[j].y -= push;
                } else {
                    let push = if nodes[i].x <= nodes[j].x { -1.0 } else { 1.0 } * overlap_x / 2.0;
                    nodes[i].x += push;
                    nodes[j].x -= push;
                }
                clamp(&mut nodes[i]);
                clamp(&mut nodes[j]);
            }
        }
        if !moved {
            break;
        }
    }
}
