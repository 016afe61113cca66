//! Writing query results: SPARQL results formats for machines, an aligned Markdown table for
//! people, RDF syntaxes for graphs.

use std::collections::BTreeMap;
use std::io::Write;

use comfy_table::{presets::ASCII_MARKDOWN, ContentArrangement, Table as Grid};
use oxigraph::model::Term;
use oxigraph::sparql::results::QueryResultsSerializer;
use oxigraph::sparql::{QueryResults, QuerySolutionIter};

use crate::error::{Error, Result};
use crate::format::QueryOutput;
use crate::vocab::compact_iri;

/// SELECT results as text cells: what a person reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Variable names, in the query's order.
    pub columns: Vec<String>,
    /// One row per solution; unbound values are empty cells.
    pub rows: Vec<Vec<String>>,
    /// The language tag of each cell that holds a language-tagged literal, by (row, column):
    /// a reader is told which cells are not in their language.
    pub languages: BTreeMap<(usize, usize), String>,
}

impl Table {
    /// Collects SELECT solutions.
    pub fn from_solutions(solutions: QuerySolutionIter<'_>, origin: &str) -> Result<Self> {
        let columns = solutions
            .variables()
            .iter()
            .map(|variable| variable.as_str().to_owned())
            .collect::<Vec<_>>();
        let mut table = Self {
            columns,
            ..Self::default()
        };
        for solution in solutions {
            let solution = solution.map_err(|cause| Error::Evaluation {
                origin: origin.to_owned(),
                cause,
            })?;
            let row = table.rows.len();
            for (column, value) in solution.values().iter().enumerate() {
                if let Some(Term::Literal(literal)) = value {
                    if let Some(language) = literal.language() {
                        table.languages.insert((row, column), language.to_owned());
                    }
                }
            }
            table.rows.push(
                solution
                    .values()
                    .iter()
                    .map(|value| value.as_ref().map(cell).unwrap_or_default())
                    .collect(),
            );
        }
        Ok(table)
    }

    /// Runs a SELECT query (`origin` names it in messages) and collects its results.
    pub fn select(store: &oxigraph::store::Store, origin: &str, text: &str) -> Result<Self> {
        Self::select_bound(store, origin, text, &[])
    }

    /// [`Table::select`] with parameters bound (see [`crate::sparql::solutions`]).
    pub fn select_bound(
        store: &oxigraph::store::Store,
        origin: &str,
        text: &str,
        parameters: &[(&str, Term)],
    ) -> Result<Self> {
        let solutions = crate::sparql::solutions(store, origin, text, parameters)?;
        Self::from_solutions(solutions, origin)
    }

    /// The language tag of the literal in `row` and `column`, if it has one.
    pub fn language(&self, row: usize, column: usize) -> Option<&str> {
        self.languages.get(&(row, column)).map(String::as_str)
    }

    /// Runs one of the program's own queries and collects its results.
    pub fn internal(
        store: &oxigraph::store::Store,
        query: crate::sparql::Internal,
    ) -> Result<Self> {
        Self::select(store, query.path, query.text)
    }

    /// The value of `column` in `row`, if both exist.
    pub fn get(&self, row: usize, column: &str) -> Option<&str> {
        let index = self.columns.iter().position(|c| c == column)?;
        self.rows.get(row)?.get(index).map(String::as_str)
    }

    /// The same table without `column`.
    pub fn without(mut self, column: &str) -> Self {
        if let Some(index) = self.columns.iter().position(|c| c == column) {
            self.columns.remove(index);
            for row in &mut self.rows {
                row.remove(index);
            }
            self.languages = std::mem::take(&mut self.languages)
                .into_iter()
                .filter(|((_, column), _)| *column != index)
                .map(|((row, column), tag)| ((row, column - usize::from(column > index)), tag))
                .collect();
        }
        self
    }

    /// A table for a terminal: box-drawn, long cells wrapped to fit `width` columns.
    pub fn render_boxed(&self, width: u16) -> String {
        let mut grid = Grid::new();
        grid.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width)
            .set_header(&self.columns);
        for row in &self.rows {
            grid.add_row(row.iter().map(|value| value.replace('\n', " ")));
        }
        grid.to_string()
    }

    /// An aligned table that is also valid Markdown. Arabic text is kept as it is.
    pub fn render(&self) -> String {
        let mut grid = Grid::new();
        grid.load_preset(ASCII_MARKDOWN)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(&self.columns);
        for row in &self.rows {
            grid.add_row(
                row.iter()
                    .map(|value| value.replace('|', "\\|").replace('\n', " ")),
            );
        }
        grid.to_string()
    }
}

/// How a term reads in a table cell: a literal's value, a prefixed name for IRIs.
pub fn cell(term: &Term) -> String {
    match term {
        Term::NamedNode(node) => compact_iri(node.as_str()),
        Term::BlankNode(node) => format!("_:{}", node.as_str()),
        Term::Literal(literal) => literal.value().to_owned(),
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}

/// Writes any query result in the requested format.
pub fn write_results(
    results: QueryResults<'_>,
    format: QueryOutput,
    origin: &str,
    mut out: impl Write,
) -> Result<()> {
    let evaluation = |cause| Error::Evaluation {
        origin: origin.to_owned(),
        cause,
    };
    match results {
        QueryResults::Solutions(solutions) => match format {
            QueryOutput::Table => {
                let table = Table::from_solutions(solutions, origin)?;
                writeln!(out, "{}", table.render())?;
            }
            _ => {
                let results_format = format.results_format().ok_or_else(|| {
                    Error::Format(format!(
                        "{origin}: a SELECT query gives solutions: use --format table, csv, tsv, json or xml"
                    ))
                })?;
                let mut serializer = QueryResultsSerializer::from_format(results_format)
                    .serialize_solutions_to_writer(&mut out, solutions.variables().to_vec())?;
                for solution in solutions {
                    serializer.serialize(&solution.map_err(evaluation)?)?;
                }
                serializer.finish()?;
            }
        },
        QueryResults::Boolean(value) => match format.results_format() {
            Some(results_format) => {
                QueryResultsSerializer::from_format(results_format)
                    .serialize_boolean_to_writer(&mut out, value)?;
            }
            None if format == QueryOutput::Table => writeln!(out, "{value}")?,
            None => {
                return Err(Error::Format(format!(
                    "{origin}: an ASK query gives true or false: use --format table, csv, tsv, json or xml"
                )))
            }
        },
        QueryResults::Graph(triples) => {
            let syntax = format.graph_syntax().ok_or_else(|| {
                Error::Format(format!(
                    "{origin}: a CONSTRUCT or DESCRIBE query gives a graph: use --format turtle, ntriples, jsonld or rdfxml"
                ))
            })?;
            let mut writer = syntax.serializer().for_writer(&mut out);
            for triple in triples {
                writer.serialize_triple(&triple.map_err(evaluation)?)?;
            }
            writer.finish()?;
        }
    }
    Ok(())
}
