//! Reading the CSV file: rows by column name, every problem with its physical line and column,
//! and the cells that are dates, coordinates or text.

use std::collections::BTreeMap;

use oxigraph::model::vocab::xsd;
use oxigraph::model::Literal;

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

pub(super) struct Row<'a> {
    pub(super) line: u64,
    pub(super) values: &'a BTreeMap<&'a str, &'a str>,
}

impl Row<'_> {
    pub(super) fn get(&self, column: &str) -> &str {
        self.values.get(column).copied().unwrap_or_default()
    }

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
