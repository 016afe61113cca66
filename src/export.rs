//! Exporting the store. Turtle and TriG are pretty and deterministic (sophia's serializer sorts
//! subjects and predicates; blank nodes get Oxigraph's canonical labels), so the same graph always
//! gives the same bytes and data changes diff cleanly in git. N-Triples and N-Quads are sorted
//! lines. RDF/XML and JSON-LD come from Oxigraph's writers.

use std::collections::{BTreeSet, HashSet};
use std::io::Write;

use oxigraph::model::dataset::CanonicalizationAlgorithm;
use oxigraph::model::{Dataset, Graph, GraphNameRef, NamedOrBlankNodeRef, TermRef};
use oxigraph::store::Store;
use sophia::api::prefix::Prefix;
use sophia::api::serializer::{QuadSerializer, TripleSerializer};
use sophia::api::term::{BnodeId, LanguageTag, SimpleTerm};
use sophia::api::MownStr;
use sophia::iri::{Iri, IriRef};
use sophia::turtle::serializer::trig::TriGSerializer;
use sophia::turtle::serializer::turtle::{TurtleConfig, TurtleSerializer};

use crate::error::{Error, Result};
use crate::format::RdfSyntax;
use crate::vocab::PREFIXES;

/// Writes the whole store in `syntax`. Graph syntaxes get the union of all named graphs.
pub fn export(store: &Store, syntax: RdfSyntax, mut out: impl Write) -> Result<()> {
    if matches!(syntax, RdfSyntax::Turtle | RdfSyntax::Trig) {
        out.write_all(header(store)?.as_bytes())?;
    }
    match syntax {
        RdfSyntax::Turtle | RdfSyntax::Ntriples | RdfSyntax::Rdfxml | RdfSyntax::Jsonld => {
            write_graph(syntax, &mut union_graph(store)?, &mut out)?;
        }
        RdfSyntax::Trig => {
            let dataset = canonical_dataset(store)?;
            if !pretty_fits(dataset.len()) {
                let mut quads: Vec<_> = dataset.iter().collect();
                quads.sort_by_cached_key(|q| {
                    (
                        q.graph_name.to_string(),
                        q.subject.to_string(),
                        q.predicate.to_string(),
                        q.object.to_string(),
                    )
                });
                let mut writer = syntax.serializer().for_writer(&mut out);
                for quad in quads {
                    writer.serialize_quad(quad)?;
                }
                writer.finish()?;
                out.flush()?;
                return Ok(());
            }
            let quads: Vec<([SimpleTerm<'_>; 3], Option<SimpleTerm<'_>>)> = dataset
                .iter()
                .map(|q| {
                    let graph = match q.graph_name {
                        GraphNameRef::NamedNode(node) => Some(iri(node.as_str())),
                        GraphNameRef::BlankNode(node) => Some(bnode(node.as_str())),
                        GraphNameRef::DefaultGraph => None,
                    };
                    (
                        [
                            subject(q.subject),
                            iri(q.predicate.as_str()),
                            term(q.object),
                        ],
                        graph,
                    )
                })
                .collect();
            TriGSerializer::new_with_config(&mut out, pretty_config())
                .serialize_dataset(&quads)
                .map_err(sophia_error)?;
        }
        RdfSyntax::Nquads => {
            let dataset = canonical_dataset(store)?;
            let lines: BTreeSet<String> = dataset.iter().map(|q| format!("{q} .\n")).collect();
            lines
                .iter()
                .try_for_each(|line| out.write_all(line.as_bytes()))?;
        }
    }
    out.flush()?;
    Ok(())
}

/// The dataset's own description (data/dataset.ttl): its IRI, version and date of last change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The dataset (a void:Dataset).
    pub dataset: String,
    /// Its owl:versionInfo.
    pub version: String,
    /// Its dcterms:modified, when stated.
    pub modified: Option<String>,
    /// Its dcterms:license, when stated.
    pub license: Option<String>,
    /// Its dcterms:source, when stated (for the paper's data, the paper's DOI).
    pub source: Option<String>,
}

/// The release the store holds: the first void:Dataset with a version (in IRI order), if any.
pub fn release(store: &Store) -> Result<Option<Release>> {
    use oxigraph::model::{NamedNodeRef, Term};
    let void_dataset = NamedNodeRef::new_unchecked("http://rdfs.org/ns/void#Dataset");
    let version = NamedNodeRef::new_unchecked("http://www.w3.org/2002/07/owl#versionInfo");
    let modified = NamedNodeRef::new_unchecked("http://purl.org/dc/terms/modified");
    let value = |subject: NamedOrBlankNodeRef<'_>, predicate| -> Result<Option<String>> {
        Ok(
            match store
                .quads_for_pattern(Some(subject), Some(predicate), None, None)
                .next()
                .transpose()?
            {
                Some(quad) => match quad.object {
                    Term::Literal(literal) => Some(literal.value().to_owned()),
                    Term::NamedNode(node) => Some(node.into_string()),
                    _ => None,
                },
                None => None,
            },
        )
    };
    let license = NamedNodeRef::new_unchecked("http://purl.org/dc/terms/license");
    let source = NamedNodeRef::new_unchecked("http://purl.org/dc/terms/source");
    let mut datasets: Vec<_> = store
        .quads_for_pattern(
            None,
            Some(oxigraph::model::vocab::rdf::TYPE),
            Some(void_dataset.into()),
            None,
        )
        .map(|quad| quad.map(|quad| quad.subject))
        .collect::<std::result::Result<_, _>>()?;
    datasets.sort_by_key(ToString::to_string);
    for dataset in datasets {
        if let Some(version) = value(dataset.as_ref(), version)? {
            return Ok(Some(Release {
                dataset: match &dataset {
                    oxigraph::model::NamedOrBlankNode::NamedNode(node) => node.as_str().to_owned(),
                    other => other.to_string(),
                },
                version,
                modified: value(dataset.as_ref(), modified)?,
                license: value(dataset.as_ref(), license)?,
                source: value(dataset.as_ref(), source)?,
            }));
        }
    }
    Ok(None)
}

/// The comment lines that start a Turtle or TriG export: which dataset, version and date (from
/// the data, so the same store gives the same bytes), and which program wrote it.
fn header(store: &Store) -> Result<String> {
    let program = format!("twinning {}", env!("CARGO_PKG_VERSION"));
    Ok(match release(store)? {
        Some(release) => format!(
            "# {} version {}{}\n# exported by {program}\n\n",
            release.dataset,
            release.version,
            release
                .modified
                .map(|date| format!(" of {date}"))
                .unwrap_or_default()
        ),
        None => format!("# exported by {program}\n\n"),
    })
}

/// Writes every quad as N-Quads in the store's own order, as they are read: constant memory, and
/// a progress bar on a terminal. The order is the store's index order, which depends on the
/// content, not on the order it was loaded in; blank nodes keep the store's labels.
pub fn stream_nquads(store: &Store, out: impl Write) -> Result<()> {
    let (_progress, bar) = crate::progress::single("export", "quads");
    let mut writer =
        oxigraph::io::RdfSerializer::from_format(oxigraph::io::RdfFormat::NQuads).for_writer(out);
    for (count, quad) in store.iter().enumerate() {
        writer.serialize_quad(&quad?)?;
        if count % 100_000 == 0 {
            bar.set_position(count as u64);
        }
    }
    let mut out = writer.finish()?;
    out.flush()?;
    Ok(())
}

/// All triples of all graphs, merged.
pub fn union_graph(store: &Store) -> Result<Graph> {
    let mut graph = Graph::new();
    for quad in store.iter() {
        let quad = quad?;
        graph.insert(quad.as_ref());
    }
    Ok(graph)
}

/// Writes one entity's description as [`write_graph`] does, but Turtle is written sorted as soon
/// as the pretty form would be slow for it ([`description_fits`]).
pub fn write_description(syntax: RdfSyntax, graph: &mut Graph, out: impl Write) -> Result<()> {
    if syntax == RdfSyntax::Turtle {
        let subjects: HashSet<_> = graph.iter().map(|t| t.subject).collect();
        if !description_fits(graph.len(), subjects.len()) {
            graph.canonicalize(CanonicalizationAlgorithm::default());
            return write_sorted(syntax, graph, out);
        }
    }
    write_graph(syntax, graph, out)
}

/// Writes one graph in a graph syntax, deterministically: Turtle pretty and sorted, N-Triples as
/// sorted lines, JSON-LD compacted with the project's prefixes; RDF/XML from Oxigraph's writer,
/// given the triples sorted.
/// Blank nodes are relabelled canonically first.
pub fn write_graph(syntax: RdfSyntax, graph: &mut Graph, mut out: impl Write) -> Result<()> {
    match syntax {
        RdfSyntax::Turtle => write_turtle(graph, out),
        RdfSyntax::Ntriples => {
            graph.canonicalize(CanonicalizationAlgorithm::default());
            let lines: BTreeSet<String> = graph.iter().map(|t| format!("{t} .\n")).collect();
            lines
                .iter()
                .try_for_each(|line| out.write_all(line.as_bytes()))?;
            Ok(())
        }
        RdfSyntax::Jsonld => {
            graph.canonicalize(CanonicalizationAlgorithm::default());
            crate::jsonld::write_compact(graph, out)
        }
        RdfSyntax::Rdfxml | RdfSyntax::Trig | RdfSyntax::Nquads => {
            graph.canonicalize(CanonicalizationAlgorithm::default());
            write_sorted(syntax, graph, out)
        }
    }
}

/// Whether sophia's pretty serializer (which nests blank nodes) writes Turtle or TriG of
/// `triples` triples: it scans the whole graph for each subject, minutes at 10,000 agreements.
/// Above 50,000 triples, Oxigraph's serializer writes them sorted, grouped by subject and
/// predicate, blank nodes labelled. A dataset of a few thousand agreements stays pretty, so that
/// its changes diff cleanly.
fn pretty_fits(triples: usize) -> bool {
    triples <= 50_000
}

/// The same for one entity's description (a static site's thousands of files): the work grows
/// as triples x subjects, half a second for a kind that 5,000 agreements link to, so such a
/// description is written sorted well below 50,000 triples.
fn description_fits(triples: usize, subjects: usize) -> bool {
    pretty_fits(triples) && triples.saturating_mul(subjects) <= 10_000_000
}

/// Writes a graph with Oxigraph's serializer, its triples sorted so that the same graph gives the
/// same bytes (the writer keeps the order it is given).
fn write_sorted(syntax: RdfSyntax, graph: &Graph, out: impl Write) -> Result<()> {
    let mut triples: Vec<_> = graph.iter().collect();
    triples.sort_by_cached_key(|t| {
        (
            t.subject.to_string(),
            t.predicate.to_string(),
            t.object.to_string(),
        )
    });
    let mut writer = syntax.serializer().for_writer(out);
    for triple in triples {
        writer.serialize_triple(triple)?;
    }
    writer.finish()?;
    Ok(())
}

/// Writes a graph as pretty, deterministic Turtle with the project's prefixes (blank nodes are
/// relabelled canonically first).
pub fn write_turtle(graph: &mut Graph, mut out: impl Write) -> Result<()> {
    graph.canonicalize(CanonicalizationAlgorithm::default());
    if !pretty_fits(graph.len()) {
        return write_sorted(RdfSyntax::Turtle, graph, out);
    }
    let triples: Vec<[SimpleTerm<'_>; 3]> = graph
        .iter()
        .map(|t| {
            [
                subject(t.subject),
                iri(t.predicate.as_str()),
                term(t.object),
            ]
        })
        .collect();
    TurtleSerializer::new_with_config(&mut out, pretty_config())
        .serialize_graph(&triples)
        .map_err(sophia_error)?;
    Ok(())
}

fn canonical_dataset(store: &Store) -> Result<Dataset> {
    let mut dataset = Dataset::new();
    for quad in store.iter() {
        dataset.insert(&quad?);
    }
    dataset.canonicalize(CanonicalizationAlgorithm::default());
    Ok(dataset)
}

fn pretty_config() -> TurtleConfig {
    let prefixes = PREFIXES
        .iter()
        .map(|(prefix, namespace)| {
            (
                Prefix::new_unchecked((*prefix).into()),
                Iri::new_unchecked((*namespace).into()),
            )
        })
        .collect();
    TurtleConfig::new()
        .with_pretty(true)
        .with_own_prefix_map(prefixes)
}

/// A serializer's error: the writer's own (so that a closed pipe stays one), or the source's.
fn sophia_error<E: std::error::Error>(
    error: sophia::api::source::StreamError<E, std::io::Error>,
) -> Error {
    match error {
        sophia::api::source::StreamError::SinkError(cause) => Error::Output(cause),
        sophia::api::source::StreamError::SourceError(cause) => {
            Error::Output(std::io::Error::other(cause.to_string()))
        }
    }
}

fn iri(value: &str) -> SimpleTerm<'_> {
    SimpleTerm::Iri(IriRef::new_unchecked(MownStr::from(value)))
}

fn bnode(id: &str) -> SimpleTerm<'_> {
    SimpleTerm::BlankNode(BnodeId::new_unchecked(MownStr::from(id)))
}

fn subject(subject: NamedOrBlankNodeRef<'_>) -> SimpleTerm<'_> {
    match subject {
        NamedOrBlankNodeRef::NamedNode(node) => iri(node.as_str()),
        NamedOrBlankNodeRef::BlankNode(node) => bnode(node.as_str()),
        #[allow(unreachable_patterns)]
        _ => unreachable!("RDF 1.2 triple terms are not enabled"),
    }
}

/// Converts an Oxigraph term to sophia's, borrowing the strings.
pub fn term(term: TermRef<'_>) -> SimpleTerm<'_> {
    match term {
        TermRef::NamedNode(node) => iri(node.as_str()),
        TermRef::BlankNode(node) => bnode(node.as_str()),
        TermRef::Literal(literal) => match literal.language() {
            Some(language) => SimpleTerm::LiteralLanguage(
                MownStr::from(literal.value()),
                LanguageTag::new_unchecked(MownStr::from(language)),
                None,
            ),
            None => SimpleTerm::LiteralDatatype(
                MownStr::from(literal.value()),
                IriRef::new_unchecked(MownStr::from(literal.datatype().as_str())),
            ),
        },
        #[allow(unreachable_patterns)]
        _ => unreachable!("RDF 1.2 triple terms are not enabled"),
    }
}
