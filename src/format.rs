//! Choosing formats: one place for file extensions and `--format` names.

use std::path::Path;

use clap::ValueEnum;
use oxigraph::io::{JsonLdProfileSet, RdfFormat};
use oxigraph::sparql::results::QueryResultsFormat;

use crate::error::{Error, Result};

/// RDF syntaxes accepted by `load` and written by `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RdfSyntax {
    /// Turtle (.ttl)
    Turtle,
    /// TriG (.trig)
    Trig,
    /// N-Triples (.nt)
    Ntriples,
    /// N-Quads (.nq)
    Nquads,
    /// RDF/XML (.rdf, .owl)
    Rdfxml,
    /// JSON-LD (.jsonld)
    Jsonld,
}

impl RdfSyntax {
    /// The matching Oxigraph format.
    pub fn to_oxigraph(self) -> RdfFormat {
        match self {
            Self::Turtle => RdfFormat::Turtle,
            Self::Trig => RdfFormat::TriG,
            Self::Ntriples => RdfFormat::NTriples,
            Self::Nquads => RdfFormat::NQuads,
            Self::Rdfxml => RdfFormat::RdfXml,
            Self::Jsonld => RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
        }
    }

    /// Oxigraph's serializer for this syntax, with the project's prefixes (which the syntaxes
    /// without prefixes ignore).
    pub fn serializer(self) -> oxigraph::io::RdfSerializer {
        let mut serializer = oxigraph::io::RdfSerializer::from_format(self.to_oxigraph());
        for (prefix, namespace) in crate::vocab::PREFIXES {
            serializer = serializer
                .with_prefix(*prefix, *namespace)
                .expect("the built-in prefixes are valid IRIs");
        }
        serializer
    }

    /// Whether the syntax can hold named graphs.
    pub fn is_dataset(self) -> bool {
        matches!(self, Self::Trig | Self::Nquads | Self::Jsonld)
    }

    /// Picks the syntax from the file extension; `flag` names the option that overrides it.
    pub fn from_path(path: &Path, flag: &str) -> Result<Self> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("ttl") => Ok(Self::Turtle),
            Some("trig") => Ok(Self::Trig),
            Some("nt") => Ok(Self::Ntriples),
            Some("nq") => Ok(Self::Nquads),
            Some("rdf" | "owl" | "xml") => Ok(Self::Rdfxml),
            Some("jsonld" | "json") => Ok(Self::Jsonld),
            _ => Err(Error::Format(format!(
                "{}: cannot tell the RDF syntax from the file name; use {flag} \
                 (turtle, trig, ntriples, nquads, rdfxml, jsonld)",
                path.display()
            ))),
        }
    }
}

/// Output formats of `twinning export`: the RDF syntaxes, the agreements as CSV, the city
/// network as GraphML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Turtle: pretty and byte-for-byte deterministic
    Turtle,
    /// TriG, with the named graphs
    Trig,
    /// N-Triples, sorted
    Ntriples,
    /// N-Quads, sorted, with the named graphs
    Nquads,
    /// RDF/XML
    Rdfxml,
    /// JSON-LD (expanded)
    Jsonld,
    /// The agreements table in the import template (UTF-8 CSV)
    Csv,
    /// QuickStatements (v1) for the twinnings Wikidata lacks
    Quickstatements,
    /// The city network for network-analysis tools: GraphML (cities as nodes, agreements as
    /// edges)
    Graphml,
    /// The same network in GEXF 1.2, Gephi's format
    Gexf,
}

impl ExportFormat {
    /// The RDF syntax, or `None` for CSV.
    pub fn rdf_syntax(self) -> Option<RdfSyntax> {
        match self {
            Self::Turtle => Some(RdfSyntax::Turtle),
            Self::Trig => Some(RdfSyntax::Trig),
            Self::Ntriples => Some(RdfSyntax::Ntriples),
            Self::Nquads => Some(RdfSyntax::Nquads),
            Self::Rdfxml => Some(RdfSyntax::Rdfxml),
            Self::Jsonld => Some(RdfSyntax::Jsonld),
            Self::Csv | Self::Quickstatements | Self::Graphml | Self::Gexf => None,
        }
    }

    /// Picks the format from the output file's extension.
    pub fn from_path(path: &Path) -> Result<Self> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("csv") => return Ok(Self::Csv),
            Some("qs") => return Ok(Self::Quickstatements),
            Some("graphml") => return Ok(Self::Graphml),
            Some("gexf") => return Ok(Self::Gexf),
            _ => {}
        }
        Ok(match RdfSyntax::from_path(path, "--format")? {
            RdfSyntax::Turtle => Self::Turtle,
            RdfSyntax::Trig => Self::Trig,
            RdfSyntax::Ntriples => Self::Ntriples,
            RdfSyntax::Nquads => Self::Nquads,
            RdfSyntax::Rdfxml => Self::Rdfxml,
            RdfSyntax::Jsonld => Self::Jsonld,
        })
    }
}

/// Output formats of `twinning query`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QueryOutput {
    /// An aligned table (Markdown-compatible) for SELECT, `true`/`false` for ASK.
    Table,
    /// SPARQL 1.1 CSV results
    Csv,
    /// SPARQL 1.1 TSV results
    Tsv,
    /// SPARQL 1.1 JSON results
    Json,
    /// SPARQL 1.1 XML results
    Xml,
    /// Turtle, for CONSTRUCT and DESCRIBE
    Turtle,
    /// N-Triples, for CONSTRUCT and DESCRIBE
    Ntriples,
    /// JSON-LD, for CONSTRUCT and DESCRIBE
    Jsonld,
    /// RDF/XML, for CONSTRUCT and DESCRIBE
    Rdfxml,
}

impl QueryOutput {
    /// The SPARQL results format, for SELECT and ASK.
    pub fn results_format(self) -> Option<QueryResultsFormat> {
        match self {
            Self::Csv => Some(QueryResultsFormat::Csv),
            Self::Tsv => Some(QueryResultsFormat::Tsv),
            Self::Json => Some(QueryResultsFormat::Json),
            Self::Xml => Some(QueryResultsFormat::Xml),
            _ => None,
        }
    }

    /// The RDF syntax, for CONSTRUCT and DESCRIBE.
    pub fn graph_syntax(self) -> Option<RdfSyntax> {
        match self {
            Self::Turtle => Some(RdfSyntax::Turtle),
            Self::Ntriples => Some(RdfSyntax::Ntriples),
            Self::Jsonld => Some(RdfSyntax::Jsonld),
            Self::Rdfxml => Some(RdfSyntax::Rdfxml),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_syntax_from_the_extension() {
        assert_eq!(
            RdfSyntax::from_path(Path::new("a/b.TTL"), "--format").unwrap(),
            RdfSyntax::Turtle
        );
        assert_eq!(
            RdfSyntax::from_path(Path::new("x.nq"), "--format").unwrap(),
            RdfSyntax::Nquads
        );
        let error = RdfSyntax::from_path(Path::new("notes.txt"), "--format").unwrap_err();
        assert!(error.to_string().contains("--format"));
    }
}
