//! Reading the CSV file: rows by column name (serde), every problem with its physical line and column,
//! and the cells that are dates, coordinates or text.

use oxigraph::model::vocab::xsd;
use oxigraph::model::Literal;
use serde::Deserialize;

use crate::error::Error;

/// One problem in an imported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// 1-based line of the row in the file (the header is line 1).
    pub line: u64,
    /// The column's name, or empty for the whole row.
    pub column: String,
    /// What is wrong and what to do.
    pub message: String,
}

pub(super) fn import_error(file: &str, mut errors: Vec<CellError>) -> Error {
    errors.sort_by(|a, b| a.line.cmp(&b.line).then_with(|| a.column.cmp(&b.column)));
    Error::Import {
        file: file.to_owned(),
        problems: errors
            .into_iter()
            .map(|e| {
                if e.column.is_empty() {
                    format!("{file}:{}: {}", e.line, e.message)
                } else {
                    format!("{file}:{}: column {}: {}", e.line, e.column, e.message)
                }
            })
            .collect(),
    }
}

/// The line, counted as an editor counts it (the header is line 1), on which the record that
/// starts at `byte` begins. The csv reader's own line count lags behind after CRLF line ends and
/// blank lines, which it consumes only when it reads the next record.
pub(super) fn physical_line(bytes: &[u8], byte: u64) -> u64 {
    let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
    while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
        start += 1;
    }
    1 + bytes[..start].iter().filter(|&&b| b == b'\n').count() as u64
}

pub(super) fn csv_error(error: &csv::Error, bytes: &[u8]) -> CellError {
    CellError {
        line: error
            .position()
            .map_or(1, |p| physical_line(bytes, p.byte())),
        column: String::new(),
        message: match error.kind() {
            csv::ErrorKind::Utf8 { .. } => {
                "the file is not UTF-8 text; save it as CSV UTF-8".to_owned()
            }
            _ => error.to_string(),
        },
    }
}

/// A cell's text as the file gives it (trimmed by the reader), without the apostrophe that the
/// CSV export puts before a value a spreadsheet would run as a formula.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Cell(String);

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Cell(super::template::restore(&text).to_owned()))
    }
}

impl std::ops::Deref for Cell {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

/// One row of the template, read by its header's column names (the columns and what goes in
/// them: [`super::template::COLUMNS`]); a column the file leaves out reads as empty.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Record {
    pub(super) home_city: Cell,
    pub(super) partner_city: Cell,
    pub(super) partner_country: Cell,
    pub(super) kind: Cell,
    pub(super) status: Cell,
    pub(super) date: Cell,
    pub(super) themes: Cell,
    pub(super) purpose_ar: Cell,
    pub(super) purpose_en: Cell,
    pub(super) purpose_fr: Cell,
    pub(super) source_url: Cell,
    pub(super) source_title: Cell,
    pub(super) source_date: Cell,
    pub(super) notes: Cell,
    pub(super) home_city_ar: Cell,
    pub(super) home_city_fr: Cell,
    pub(super) partner_city_ar: Cell,
    pub(super) partner_city_fr: Cell,
    pub(super) partner_country_ar: Cell,
    pub(super) partner_country_fr: Cell,
    pub(super) partner_region: Cell,
    pub(super) partner_latitude: Cell,
    pub(super) partner_longitude: Cell,
    pub(super) partner_wikidata: Cell,
}

/// A column that names a place, with the names a new place gets in the other languages.
pub(super) struct Place<'a> {
    /// The column (`home_city`), for messages.
    pub(super) column: &'static str,
    /// The name as the row gives it.
    pub(super) name: &'a str,
    /// Its `_ar` and `_fr` columns.
    pub(super) translations: [(&'static str, &'a str); 2],
}

impl Record {
    /// The home city's columns.
    pub(super) fn home_city(&self) -> Place<'_> {
        Place {
            column: "home_city",
            name: &self.home_city,
            translations: [("ar", &self.home_city_ar), ("fr", &self.home_city_fr)],
        }
    }

    /// The partner city's columns.
    pub(super) fn partner_city(&self) -> Place<'_> {
        Place {
            column: "partner_city",
            name: &self.partner_city,
            translations: [("ar", &self.partner_city_ar), ("fr", &self.partner_city_fr)],
        }
    }

    /// The partner country's columns.
    pub(super) fn partner_country(&self) -> Place<'_> {
        Place {
            column: "partner_country",
            name: &self.partner_country,
            translations: [
                ("ar", &self.partner_country_ar),
                ("fr", &self.partner_country_fr),
            ],
        }
    }
}

/// A row being imported: its cells and its physical line, for messages.
pub(super) struct Row<'a> {
    pub(super) line: u64,
    pub(super) cells: &'a Record,
}

impl Row<'_> {
    pub(super) fn error(&self, errors: &mut Vec<CellError>, column: &str, message: String) {
        errors.push(CellError {
            line: self.line,
            column: column.to_owned(),
            message,
        });
    }
}

pub(super) fn coordinate(text: &str, limit: f64) -> Option<f64> {
    let value: f64 = text.parse().ok()?;
    (value.is_finite() && value.abs() <= limit).then_some(value)
}

/// Parses YYYY, YYYY-MM or YYYY-MM-DD into the matching XSD type, checking the calendar.
pub fn parse_date(text: &str) -> std::result::Result<Literal, String> {
    let bad =
        || format!("'{text}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2024-10-16)");
    let parts: Vec<&str> = text.split('-').collect();
    let number = |part: &str, digits: usize| -> Option<u32> {
        (part.len() == digits && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())?
    };
    let year = parts.first().and_then(|p| number(p, 4)).ok_or_else(bad)?;
    match parts.len() {
        1 => Ok(Literal::new_typed_literal(text, xsd::G_YEAR)),
        2 | 3 => {
            let month = number(parts[1], 2).ok_or_else(bad)?;
            if !(1..=12).contains(&month) {
                return Err(format!("'{text}': month {month} does not exist"));
            }
            if parts.len() == 2 {
                return Ok(Literal::new_typed_literal(text, xsd::G_YEAR_MONTH));
            }
            let day = number(parts[2], 2).ok_or_else(bad)?;
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            let days = match month {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            if !(1..=days).contains(&day) {
                return Err(format!("'{text}': day {day} does not exist in that month"));
            }
            Ok(Literal::new_typed_literal(text, xsd::DATE))
        }
        _ => Err(bad()),
    }
}

pub(super) fn text_literal(text: &str) -> Literal {
    if text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)) {
        Literal::new_language_tagged_literal_unchecked(text, "ar")
    } else {
        Literal::new_simple_literal(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spreadsheet::template::COLUMNS;

    /// The first row of a CSV text, read as the importer reads it.
    fn first_row(text: &str) -> Record {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().expect("a header").clone();
        let record = reader
            .records()
            .next()
            .expect("a row")
            .expect("a valid row");
        record.deserialize(Some(&headers)).expect("a record")
    }

    /// Every column of the template is a field of [`Record`], and every field a column: a row
    /// whose cells are their own column names reads back each one in its place.
    #[test]
    fn every_column_of_the_template_is_read_into_its_field() {
        let names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
        let cells = first_row(&format!("{}\n{}\n", names.join(","), names.join(",")));
        let shown = format!("{cells:?}");
        for name in &names {
            assert!(
                shown.contains(&format!("{name}: Cell(\"{name}\")")),
                "{name}: {shown}"
            );
        }
        assert_eq!(shown.matches("Cell(").count(), names.len(), "{shown}");
        assert_eq!(cells.home_city().translations[1], ("fr", "home_city_fr"));
    }

    /// A formula cell the export guarded reads back as it was written.
    #[test]
    fn a_guarded_formula_reads_back_without_its_apostrophe() {
        let cells = first_row("notes,themes\n'=1+1,'plain\n");
        assert_eq!(&*cells.notes, "=1+1");
        assert_eq!(&*cells.themes, "'plain");
    }
}
