//! The main job: every research question, what the paper says, and the answer computed by SPARQL
//! from the store, as Markdown-compatible text.

use std::io::Write;

use oxigraph::store::Store;

use crate::catalog::{self, QueryFile};
use crate::error::Result;
use crate::i18n::Language;
use crate::output::Table;

/// One answered question.
#[derive(Debug)]
pub struct Answer {
    /// The query that answered it.
    pub query: QueryFile,
    /// Its results.
    pub table: Table,
    /// The language its labels were asked in (the query's `?lang`).
    pub language: Language,
}

/// Runs a research query file with its labels in `language` (bound to the query's `?lang`,
/// whose `VALUES` blocks give its default), and collects its results.
pub fn answer(store: &Store, query: QueryFile, language: Language) -> Result<Answer> {
    let table = Table::select_bound(
        store,
        &query.origin,
        &query.text,
        &[crate::sparql::language(language.code())],
    )?;
    Ok(Answer {
        query,
        table,
        language,
    })
}

/// Answers every bundled research query, in order, in English.
pub fn answer_all(store: &Store) -> Result<Vec<Answer>> {
    answer_each(&catalog::bundled(), |query| {
        answer(store, query.clone(), Language::En)
    })
}

/// Answers each query with `answer`, in order, showing on standard error (when it is a terminal)
/// which question is being answered: on a large store a report takes a while.
pub fn answer_each(
    queries: &[QueryFile],
    answer: impl Fn(&QueryFile) -> Result<Answer>,
) -> Result<Vec<Answer>> {
    let mut progress = crate::progress::Progress::new(queries.len());
    queries
        .iter()
        .map(|query| {
            progress.waiting(&query.slug);
            answer(query)
        })
        .collect()
}

/// Writes the report as Markdown-compatible text.
pub fn write_text(store: &Store, store_name: &str, mut out: impl Write) -> Result<()> {
    let answers = answer_all(store)?;
    writeln!(
        out,
        "# City diplomacy of Morocco's southern provinces: the paper's questions, answered from the graph\n"
    )?;
    writeln!(
        out,
        "Every table below is computed by SPARQL from the {store_name} ({} quads). \
         \"paper\" columns are the figures the paper publishes; the other columns are counted \
         from the records in the graph; disagreements between the paper, its tables and its \
         sources are listed where they change a figure.\n",
        store.len()?
    )?;
    for (index, answer) in answers.iter().enumerate() {
        let header = &answer.query.header;
        writeln!(out, "## {}. {}\n", index + 1, answer.query.question())?;
        if let Some(question_ar) = &header.summary_ar {
            writeln!(out, "{question_ar}\n")?;
        }
        if let Some(paper) = &header.paper {
            writeln!(out, "**The paper:** {paper}\n")?;
        }
        if let Some(description) = &header.description {
            writeln!(out, "{description}\n")?;
        }
        if answer.table.rows.is_empty() {
            writeln!(out, "(no results)\n")?;
        } else {
            writeln!(out, "{}\n", answer.table.render())?;
        }
        writeln!(out, "Query: `twinning query {}`\n", answer.query.slug)?;
    }
    out.flush()?;
    Ok(())
}
