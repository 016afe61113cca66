//! SHACL validation with a real SHACL Core engine: rudof's `shacl` crate (native mode). The data
//! graph is handed over as N-Triples; the engine's report is turned back into a standard
//! `sh:ValidationReport` graph, which serves both the Turtle output and, through one SPARQL query
//! joined with the data's labels, the human-readable report.

use std::io::Write;

use oxigraph::model::{Graph, GraphName, NamedNode, Quad};
use oxigraph::store::Store;
use rudof_rdf::rdf_core::RDFFormat;
use rudof_rdf::rdf_impl::{OxigraphInMemory, ReaderMode};
use shacl::validator::processor::{GraphValidation, ShaclProcessor};
use shacl::validator::store::Graph as ShaclGraph;
use shacl::validator::store::ShaclDataManager;
use shacl::validator::{ShaclConfig, ShaclValidationMode};

use crate::bundle;
use crate::error::{Error, Result};
use crate::export;
use crate::load::{self, Document};
use crate::output::Table;

/// The named graph that holds the validation report beside the validated data.
const REPORT_GRAPH: &str = "https://w3id.org/twinning/graph/validation-report";
/// The named graph that holds the shapes beside the report.
const SHAPES_GRAPH: &str = "https://w3id.org/twinning/graph/shapes";

/// The outcome of a validation.
pub struct Validation {
    /// The validated data and, in its own named graph, the standard report.
    store: Store,
    /// Number of results per severity.
    pub violations: usize,
    /// Results of severity sh:Warning.
    pub warnings: usize,
    /// Results of severity sh:Info.
    pub infos: usize,
}

impl Validation {
    /// Whether there is no result of severity sh:Violation.
    pub fn passes(&self) -> bool {
        self.violations == 0
    }

    /// The results, one row each, grouped by focus node: the entity's label, the path, the
    /// problem, the offending value and the severity.
    pub fn table(&self) -> Result<Table> {
        Table::internal(&self.store, crate::sparql::VALIDATION_RESULTS)
    }

    /// The results of `severity` ("Violation", "Warning" or "Info") whose focus node is one of
    /// `subjects` (IRIs), as readable lines.
    pub fn results_about(
        &self,
        subjects: &std::collections::BTreeSet<String>,
        severity: &str,
    ) -> Result<Vec<String>> {
        let table = self.table()?;
        Ok((0..table.rows.len())
            .filter(|&row| table.get(row, "severity") == Some(severity))
            .filter(|&row| {
                table
                    .get(row, "focus_iri")
                    .is_some_and(|iri| subjects.contains(iri))
            })
            .map(|row| {
                let field = |name| table.get(row, name).unwrap_or_default();
                format!(
                    "{} {}: {} {}",
                    field("focus"),
                    field("path"),
                    field("problem"),
                    field("value")
                )
                .trim_end()
                .to_owned()
            })
            .collect())
    }

    /// Writes the standard `sh:ValidationReport` as Turtle.
    pub fn write_turtle(&self, out: impl Write) -> Result<()> {
        let graph = NamedNode::new_unchecked(REPORT_GRAPH);
        let mut report = Graph::new();
        for quad in self
            .store
            .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
        {
            report.insert(quad?.as_ref());
        }
        export::write_turtle(&mut report, out)
    }
}

/// Validates `documents` against the bundled shapes, together with the bundled ontology and
/// data, or (`vocabulary_only`) with the ontology and schemes alone, as `load --vocabulary`
/// loads them: a researcher's own cities without the paper's.
pub fn validate(documents: Vec<Document>, vocabulary_only: bool) -> Result<Validation> {
    let mut all = if vocabulary_only {
        load::bundled_vocabulary()?
    } else {
        load::bundled_documents()?
    };
    all.extend(documents);
    let store = Store::new()?;
    load::load_documents(&store, &all)?;
    validate_store(store)
}

/// Validates everything in `store` (an in-memory copy: the report is added to it).
pub fn validate_store(store: Store) -> Result<Validation> {
    let shapes = bundle::shapes()
        .ok_or_else(|| Error::Invalid("ontology/shapes.ttl is not bundled".to_owned()))?;
    let schema = ShaclDataManager::load(
        &mut shapes.text.as_bytes(),
        shapes.path,
        &RDFFormat::Turtle,
        None,
    )
    .map_err(|e| Error::Invalid(format!("{}: {e}", shapes.path)))?;

    let mut data = Vec::new();
    for triple in export::union_graph(&store)?.iter() {
        writeln!(data, "{triple} .")?;
    }
    let graph = OxigraphInMemory::from_reader(
        &mut data.as_slice(),
        "data",
        &RDFFormat::NTriples,
        None,
        &ReaderMode::Strict,
    )
    .map_err(|e| Error::Invalid(format!("SHACL engine could not read the data: {e}")))?;
    let graph = ShaclGraph::try_from(graph)
        .map_err(|e| Error::Invalid(format!("SHACL engine could not index the data: {e}")))?;
    let report = GraphValidation::new(graph)
        .validate(
            &schema,
            &ShaclValidationMode::Native,
            &ShaclConfig::default(),
        )
        .map_err(|e| Error::Invalid(format!("SHACL validation failed: {e}")))?;

    let mut report_graph = OxigraphInMemory::new();
    report
        .to_rdf(&mut report_graph)
        .map_err(|e| Error::Invalid(format!("cannot write the SHACL report: {e}")))?;
    // The shapes go beside the report, so the report can quote each shape's message.
    let shapes_graph = NamedNode::new_unchecked(SHAPES_GRAPH);
    store
        .load_from_slice(
            oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
                .with_default_graph(shapes_graph),
            shapes.text,
        )
        .map_err(|e| Error::Invalid(format!("{}: {e}", shapes.path)))?;
    let report_name = NamedNode::new_unchecked(REPORT_GRAPH);
    store.extend(report_graph.quads().map(|quad| {
        Quad::new(
            quad.subject,
            quad.predicate,
            quad.object,
            GraphName::NamedNode(report_name.clone()),
        )
    }))?;

    let count = |severity: &str| {
        report
            .results()
            .iter()
            .filter(|result| result.severity().to_string().ends_with(severity))
            .count()
    };
    Ok(Validation {
        violations: count("Violation"),
        warnings: count("Warning"),
        infos: count("Info"),
        store,
    })
}
