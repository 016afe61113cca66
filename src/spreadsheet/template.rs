//! The template: its documented columns, and the export that writes every agreement in it
//! (cells that a spreadsheet would run as formulas neutralised).

use std::io::Write;

use oxigraph::store::Store;

use crate::error::Result;
use crate::output::cell;
use crate::sparql;

/// A column of the template.
pub struct Column {
    /// Header name.
    pub name: &'static str,
    /// Whether every row must fill it.
    pub required: bool,
    /// What goes in it.
    pub help: &'static str,
    /// The example row's value.
    pub example: &'static str,
}

/// The template, in order. Names are matched by any label in any language, or by slug.
pub const COLUMNS: &[Column] = &[
    Column { name: "home_city", required: true, help: "the home city, a member of coll:home-cities (Dakhla, الداخلة, Dajla…)", example: "Dakhla" },
    Column { name: "partner_city", required: true, help: "the foreign city", example: "Columbus" },
    Column { name: "partner_country", required: true, help: "the foreign city's country", example: "United States" },
    Column { name: "kind", required: true, help: "twinning, cooperation, friendship pact, memorandum of understanding, unspecified", example: "twinning" },
    Column { name: "status", required: true, help: "signed, reported, renewed, announced, undocumented", example: "signed" },
    Column { name: "date", required: true, help: "YYYY, YYYY-MM or YYYY-MM-DD, as precise as known", example: "2024-10" },
    Column { name: "themes", required: true, help: "semicolon-separated themes, by label in any language or by slug", example: "economy; culture; education; tourism; friendship" },
    Column { name: "purpose_ar", required: false, help: "the stated purpose, verbatim, in Arabic", example: "تعزيز علاقات التعاون الثنائي في المجالات الاقتصادية والثقافية والتعليمية والسياحية" },
    Column { name: "purpose_en", required: false, help: "the stated purpose in English", example: "to strengthen bilateral cooperation in the economic, cultural, educational and tourism fields" },
    Column { name: "source_url", required: true, help: "the source's URL (several: separated by spaces)", example: "https://www.hespress.com/example-article.html" },
    Column { name: "source_title", required: true, help: "the source's title", example: "اتفاقية توأمة بين كولومبوس والداخلة" },
    Column { name: "source_date", required: false, help: "the source's date, YYYY, YYYY-MM or YYYY-MM-DD (empty: unknown)", example: "2024-10-16" },
    Column { name: "notes", required: false, help: "anything a curator should know", example: "" },
    Column { name: "home_city_ar", required: false, help: "new home city only: its name in Arabic", example: "" },
    Column { name: "partner_city_ar", required: false, help: "new partner city only: its name in Arabic", example: "" },
    Column { name: "partner_country_ar", required: false, help: "new country only: its name in Arabic", example: "" },
    Column { name: "partner_region", required: false, help: "new country only: its world region (Western Europe, Africa…)", example: "" },
    Column { name: "partner_latitude", required: false, help: "new partner city only: latitude, decimal degrees", example: "" },
    Column { name: "partner_longitude", required: false, help: "new partner city only: longitude, decimal degrees", example: "" },
    Column { name: "partner_wikidata", required: false, help: "new partner city only: its Wikidata item (Q…), recorded as a candidate", example: "" },
    Column { name: "purpose_fr", required: false, help: "the stated purpose in French", example: "" },
    Column { name: "home_city_fr", required: false, help: "new home city only: its name in French", example: "" },
    Column { name: "partner_city_fr", required: false, help: "new partner city only: its name in French", example: "" },
    Column { name: "partner_country_fr", required: false, help: "new country only: its name in French", example: "" },
];

/// Writes the header and the example row.
pub fn write_template(mut out: impl Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(&mut out);
    writer
        .write_record(COLUMNS.iter().map(|c| c.name))
        .and_then(|()| writer.write_record(COLUMNS.iter().map(|c| c.example)))
        .and_then(|()| writer.flush().map_err(csv::Error::from))?;
    Ok(())
}

/// Writes every agreement of the store as CSV in the template (UTF-8; Arabic kept as it is).
pub fn export(store: &Store, out: impl Write) -> Result<()> {
    let solutions = sparql::select(store, sparql::EXPORT_CSV, &[])?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(COLUMNS.iter().map(|c| c.name))?;
    for solution in solutions {
        let record: Vec<String> = COLUMNS
            .iter()
            .map(|column| {
                let value = solution.get(column.name).map(cell).unwrap_or_default();
                if column.name == "themes" {
                    let mut themes: Vec<&str> =
                        value.split("; ").filter(|t| !t.is_empty()).collect();
                    themes.sort_unstable();
                    themes.join("; ")
                } else {
                    value
                }
            })
            .collect();
        writer.write_record(record.iter().map(|value| neutralise(value).into_owned()))?;
    }
    writer.flush()?;
    Ok(())
}

/// Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
pub(super) const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell that a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+cmd|…`) gets a leading
/// apostrophe, as OWASP recommends, so that it shows as text; numbers (`-15.9`) stay numbers.
/// [`restore`] takes the apostrophe off again on import.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let is_number = cell.parse::<f64>().is_ok_and(f64::is_finite)
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || ".-+eE".contains(c));
    if cell.starts_with(FORMULA_STARTS) && !is_number {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The text of a cell [`neutralise`] protected: without its leading apostrophe.
pub(super) fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}
