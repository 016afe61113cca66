//! The research queries: `queries/NNN_slug.rq` files whose `#+ key: value` header says what each
//! one asks, what the paper answers, and how it is tagged.

use std::path::Path;

use crate::bundle;
use crate::error::{Error, Result};

/// A query file with its header.
#[derive(Debug, Clone)]
pub struct QueryFile {
    /// `NNN_slug`, the file name without `.rq`.
    pub slug: String,
    /// Where the text came from (a bundled path or a user's file).
    pub origin: String,
    /// The SPARQL text, header included (it is made of comments).
    pub text: String,
    /// The parsed header.
    pub header: Header,
}

/// The decorators at the top of a query file.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// The research question, in English.
    pub summary: Option<String>,
    /// The research question, in Arabic.
    pub summary_ar: Option<String>,
    /// The research question, in French.
    pub summary_fr: Option<String>,
    /// The question in words that fit any set of home cities (`#+ generic`): a report on a
    /// dataset that is not the paper's asks it so.
    pub generic: Option<String>,
    /// The same, in Arabic.
    pub generic_ar: Option<String>,
    /// The same, in French.
    pub generic_fr: Option<String>,
    /// What the paper states as the answer.
    pub paper: Option<String>,
    /// The same, in Arabic.
    pub paper_ar: Option<String>,
    /// The same, in French.
    pub paper_fr: Option<String>,
    /// How the query answers the question.
    pub description: Option<String>,
    /// Free tags.
    pub tags: Vec<String>,
}

impl Header {
    /// Reads the leading `#+ key: value` comment lines; other comments are skipped and the header
    /// ends at the first line of SPARQL.
    pub fn parse(text: &str) -> Self {
        let mut header = Self::default();
        for line in text.lines().map(str::trim) {
            if line.is_empty() {
                continue;
            }
            let Some(comment) = line.strip_prefix('#') else {
                break;
            };
            let Some((key, value)) = comment.strip_prefix('+').and_then(|d| d.split_once(':'))
            else {
                continue;
            };
            let value = value.trim().to_owned();
            match key.trim() {
                "summary" => header.summary = Some(value),
                "summary_ar" => header.summary_ar = Some(value),
                "summary_fr" => header.summary_fr = Some(value),
                "generic" => header.generic = Some(value),
                "generic_ar" => header.generic_ar = Some(value),
                "generic_fr" => header.generic_fr = Some(value),
                "paper_ar" => header.paper_ar = Some(value),
                "paper_fr" => header.paper_fr = Some(value),
                "paper" => header.paper = Some(value),
                "description" => header.description = Some(value),
                "tags" => {
                    header.tags = value
                        .split(',')
                        .map(|tag| tag.trim().to_owned())
                        .filter(|tag| !tag.is_empty())
                        .collect();
                }
                _ => {}
            }
        }
        header
    }
}

impl QueryFile {
    fn new(slug: String, origin: String, text: String) -> Self {
        let header = Header::parse(&text);
        Self {
            slug,
            origin,
            text,
            header,
        }
    }

    /// The question, or the slug when the file has no summary.
    pub fn question(&self) -> &str {
        self.header.summary.as_deref().unwrap_or(&self.slug)
    }

    /// The question in `language` (its `#+ summary_ar` / `summary_fr`), else in English.
    pub fn question_in(&self, language: crate::i18n::Language) -> &str {
        use crate::i18n::Language;
        match language {
            Language::Ar => self.header.summary_ar.as_deref(),
            Language::Fr => self.header.summary_fr.as_deref(),
            Language::En => None,
        }
        .unwrap_or_else(|| self.question())
    }

    /// The question as a report asks it: in the paper's words on the paper's data
    /// (`paper`), else in the words that fit any home cities (`#+ generic…`), where the file
    /// has them; in `language`, else in English.
    pub fn question_for(&self, language: crate::i18n::Language, paper: bool) -> &str {
        use crate::i18n::Language;
        if paper {
            return self.question_in(language);
        }
        let header = &self.header;
        match language {
            Language::Ar => header.generic_ar.as_deref(),
            Language::Fr => header.generic_fr.as_deref(),
            Language::En => None,
        }
        .or(header.generic.as_deref())
        .unwrap_or_else(|| self.question_in(language))
    }
}

/// The bundled research queries, in number order.
pub fn bundled() -> Vec<QueryFile> {
    from_files(bundle::query_files())
}

/// Every bundled query: the research queries, then the others (`wikidata/partner_facts`).
pub fn all_bundled() -> Vec<QueryFile> {
    from_files(bundle::all_query_files())
}

fn from_files(files: impl Iterator<Item = bundle::BundledFile>) -> Vec<QueryFile> {
    files
        .map(|file| {
            let slug = file
                .path
                .trim_start_matches("queries/")
                .trim_end_matches(".rq")
                .to_owned();
            QueryFile::new(slug, file.path.to_owned(), file.text.to_owned())
        })
        .collect()
}

/// Finds a query by file path, or a bundled query by slug (`001_agreements_per_city`), by slug
/// without its number (`agreements_per_city`) or by number (`001`, `1`).
pub fn resolve(name: &str) -> Result<QueryFile> {
    let path = Path::new(name);
    if path.is_file() {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let slug = path
            .file_stem()
            .map_or_else(|| name.to_owned(), |s| s.to_string_lossy().into_owned());
        return Ok(QueryFile::new(slug, name.to_owned(), text));
    }
    let wanted = name.trim_end_matches(".rq");
    let queries = all_bundled();
    let wanted_number = wanted.parse::<u32>().ok();
    let found = queries.iter().find(|query| {
        let (number, rest) = query.slug.split_once('_').unwrap_or((&query.slug, ""));
        query.slug == wanted
            || rest == wanted
            || (wanted_number.is_some() && number.parse::<u32>().ok() == wanted_number)
    });
    found.cloned().ok_or_else(|| Error::UnknownQuery {
        name: name.to_owned(),
        known: queries.into_iter().map(|query| query.slug).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_header_and_stops_at_sparql() {
        let header = Header::parse(
            "#+ summary: How many?\n#+ summary_ar: كم؟\n# a plain comment\n#+ tags: a, b,\nSELECT * {}\n#+ paper: not read",
        );
        assert_eq!(header.summary.as_deref(), Some("How many?"));
        assert_eq!(header.summary_ar.as_deref(), Some("كم؟"));
        assert_eq!(header.tags, ["a", "b"]);
        assert_eq!(header.paper, None);
    }

    #[test]
    fn every_bundled_query_has_a_question_in_two_languages() {
        for query in bundled() {
            assert!(
                query.header.summary.is_some(),
                "{} lacks #+ summary",
                query.slug
            );
            assert!(
                query.header.summary_ar.is_some(),
                "{} lacks #+ summary_ar",
                query.slug
            );
            assert!(
                query.header.paper.is_some(),
                "{} lacks #+ paper",
                query.slug
            );
            // A report on other cities asks every question in words that fit them.
            for (key, value) in [
                ("generic", &query.header.generic),
                ("generic_ar", &query.header.generic_ar),
                ("generic_fr", &query.header.generic_fr),
            ] {
                let text = value
                    .as_deref()
                    .unwrap_or_else(|| panic!("{} lacks #+ {key}", query.slug));
                for word in ["southern", "الجنوبية", "du Sud", "the paper's text"] {
                    assert!(
                        !text.contains(word),
                        "{}: #+ {key} says '{word}'",
                        query.slug
                    );
                }
            }
        }
    }

    #[test]
    fn unknown_names_list_the_known_queries() {
        let error = resolve("no_such_query").unwrap_err();
        assert!(matches!(error, Error::UnknownQuery { ref known, .. } if !known.is_empty()));
    }
}
