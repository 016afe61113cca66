//! The main job: every research question, what the paper says, and the answer computed by SPARQL
//! from the store, as Markdown-compatible text.

use std::io::Write;

use oxigraph::store::Store;

use crate::catalog::{self, QueryFile};
use crate::error::Result;
use crate::i18n::{Key, Language};
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

/// What a report is about, from the datasets the store describes (VoID): the paper's data,
/// whose research questions and statements the report quotes, or a researcher's own.
#[derive(Debug, Clone, Default)]
pub struct Framing {
    /// The store holds the paper's dataset (derived from Ismaili 2025): the report quotes the
    /// paper beside each answer and cites it.
    pub paper: bool,
    /// Otherwise, the title of the store's own dataset, in the reader's language else English.
    pub title: Option<String>,
    /// And its description.
    pub description: Option<String>,
}

impl Framing {
    /// Reads the framing from the store, in `language`.
    pub fn read(store: &Store, language: Language) -> Result<Self> {
        let solutions = crate::sparql::select(
            store,
            crate::sparql::FRAMING,
            &[crate::sparql::language(language.code())],
        )?;
        let text = |index: usize, name: &str| {
            solutions
                .get(index)
                .and_then(|solution| crate::sparql::text(solution, name))
        };
        let paper = matches!(
            solutions.first().and_then(|solution| solution.get("fromPaper")),
            Some(oxigraph::model::Term::Literal(literal)) if literal.value() == "true"
        );
        Ok(if paper {
            Self {
                paper,
                ..Self::default()
            }
        } else {
            Self {
                paper,
                title: text(0, "title"),
                description: text(0, "description"),
            }
        })
    }

    /// The report's title.
    pub fn title(&self, language: Language) -> String {
        match &self.title {
            Some(title) if !self.paper => title.clone(),
            _ if self.paper => language.text(Key::ReportTitle).to_owned(),
            _ => language.text(Key::ReportTitleGeneric).to_owned(),
        }
    }

    /// The paragraph under the title.
    pub fn intro(&self, language: Language) -> String {
        if self.paper {
            return language.text(Key::ReportIntro).to_owned();
        }
        let generic = language.text(Key::ReportIntroGeneric);
        match &self.description {
            Some(description) => format!("{description} {generic}"),
            None => generic.to_owned(),
        }
    }

    /// A table as the report shows it, to be read: without the identifier columns that the
    /// query results carry for joining (`*_iri`, `*_qid`), and, where no paper is cited,
    /// without the columns that no row fills (the paper's figures).
    pub fn shown(&self, table: &Table) -> Table {
        let mut shown = table.clone();
        for column in &table.columns {
            let index = shown.columns.iter().position(|c| c == column);
            let identifier = is_join_column(column);
            let empty =
                index.is_some_and(|index| shown.rows.iter().all(|row| row[index].is_empty()));
            if identifier || (empty && !self.paper) {
                shown = shown.without(column);
            }
        }
        shown
    }
}

/// Whether a column is for joining in analysis tools (an IRI, a Wikidata QID, an ISO code):
/// results carry it, the report does not show it.
pub fn is_join_column(column: &str) -> bool {
    ["_iri", "_qid", "_iso"]
        .iter()
        .any(|suffix| column.ends_with(suffix))
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

/// Writes the report as Markdown (`markdown`: headings, emphasis and pipe tables, for a
/// document), or as text for a terminal (`markdown` false: plain headings, box-drawn tables
/// wrapped to `width` columns; `width` is not used for Markdown).
pub fn write_text(
    store: &Store,
    store_name: &str,
    markdown: bool,
    width: u16,
    mut out: impl Write,
) -> Result<()> {
    let answers = answer_all(store)?;
    let framing = Framing::read(store, Language::En)?;
    let title = framing.title(Language::En);
    if markdown {
        writeln!(out, "# {title}\n")?;
    } else {
        writeln!(out, "{title}\n{}\n", "=".repeat(title.chars().count()))?;
    }
    if framing.paper {
        writeln!(
            out,
            "Every table below is computed by SPARQL from the {store_name} ({} quads). \
             \"paper\" columns are the figures the paper publishes; the other columns are counted \
             from the records in the graph; disagreements between the paper, its tables and its \
             sources are listed where they change a figure.\n",
            store.len()?
        )?;
    } else {
        writeln!(
            out,
            "{} ({store_name}, {} quads)\n",
            framing.intro(Language::En),
            store.len()?
        )?;
    }
    for (index, answer) in answers.iter().enumerate() {
        let header = &answer.query.header;
        let heading = format!(
            "{}. {}",
            index + 1,
            answer.query.question_for(Language::En, framing.paper)
        );
        if markdown {
            writeln!(out, "## {heading}\n")?;
        } else {
            writeln!(out, "{heading}\n{}\n", "-".repeat(heading.chars().count()))?;
        }
        if framing.paper {
            if let Some(question_ar) = &header.summary_ar {
                writeln!(out, "{question_ar}\n")?;
            }
            if let Some(paper) = &header.paper {
                if markdown {
                    writeln!(out, "**The paper:** {paper}\n")?;
                } else {
                    writeln!(out, "The paper: {paper}\n")?;
                }
            }
        }
        if let Some(description) = &header.description {
            writeln!(out, "{description}\n")?;
        }
        let table = framing.shown(&answer.table);
        if answer.table.rows.is_empty() {
            writeln!(out, "(no results)\n")?;
        } else if markdown {
            writeln!(out, "{}\n", table.render())?;
        } else {
            writeln!(out, "{}\n", table.render_boxed(width))?;
        }
        if markdown {
            writeln!(out, "Query: `twinning query {}`\n", answer.query.slug)?;
        } else {
            writeln!(out, "Query: twinning query {}\n", answer.query.slug)?;
        }
    }
    out.flush()?;
    Ok(())
}
