//! The report as one self-contained HTML file: inline CSS and SVG, no network, in English,
//! Arabic (right to left) or French.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write;

use oxigraph::store::Store;

use crate::catalog::{self, QueryFile};
use crate::charts::{self, MapPoint};
use crate::error::Result;
use crate::i18n::{Key, Language};
use crate::indicators::Profile;
use crate::output::Table;
use crate::report::Answer;

/// The bundled Natural Earth land outline.
const LAND: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/world/land-110m.txt"
));

/// Fills a template's `{name}` placeholders in one pass, so that a value is never scanned for
/// placeholders itself; unknown placeholders and other braces (CSS, JavaScript) stay as they are.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = after
            .find('}')
            .map(|close| &after[..close])
            .filter(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        match name.and_then(|name| values.iter().find(|(key, _)| *key == name)) {
            Some((name, value)) => {
                out.push_str(value);
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

fn paper(query: &QueryFile, language: Language) -> Option<String> {
    let header = &query.header;
    match language {
        Language::Ar => header.paper_ar.clone(),
        Language::Fr => header.paper_fr.clone(),
        Language::En => None,
    }
    .or_else(|| header.paper.clone())
}

fn html_table(
    answer: &Answer,
    framing: &crate::report::Framing,
    language: Language,
    out: &mut String,
) {
    let table = &framing.shown(&answer.table);
    // A cell whose text is in another language than the reader's (a statement with no
    // translation yet, shown in English) says so: its language for the browser and a mark.
    let foreign = |row: usize, column: usize| {
        table
            .language(row, column)
            .filter(|tag| tag.split('-').next() != Some(language.code()))
    };
    let marked = (0..table.rows.len())
        .any(|row| (0..table.columns.len()).any(|column| foreign(row, column).is_some()));
    if marked {
        let _ = write!(
            out,
            "<p class=\"note\">{}</p>",
            escape(language.text(Key::ShownInEnglish))
        );
    }
    out.push_str("<div class=\"table\"><table><thead><tr>");
    for column in &table.columns {
        let _ = write!(
            out,
            "<th>{}</th>",
            escape(&crate::i18n::column(language, column))
        );
    }
    out.push_str("</tr></thead><tbody>");
    let url_column = table.columns.iter().position(|c| c == "url");
    for (index, row) in table.rows.iter().enumerate() {
        out.push_str("<tr>");
        // The row's web addresses (a reference may print several): links, shown decoded.
        let urls: Vec<&str> = url_column
            .map(|c| row[c].split(" | ").filter(|u| is_web(u)).collect())
            .unwrap_or_default();
        for (column, value) in row.iter().enumerate() {
            if Some(column) == url_column && !urls.is_empty() {
                out.push_str("<td class=\"url\">");
                for (n, url) in urls.iter().enumerate() {
                    let _ = write!(
                        out,
                        "{}<a href=\"{}\"><bdi dir=\"ltr\">{}</bdi></a>",
                        if n > 0 { "<br>" } else { "" },
                        escape(url),
                        escape(&decoded(url))
                    );
                }
                out.push_str("</td>");
                continue;
            }
            if table.columns[column] == "title" && !value.is_empty() && !urls.is_empty() {
                let _ = write!(
                    out,
                    "<td><a href=\"{}\"><bdi>{}</bdi></a></td>",
                    escape(urls[0]),
                    escape(value)
                );
                continue;
            }
            let numeric = !value.is_empty() && value.parse::<f64>().is_ok();
            // A text cell is isolated, so that a Latin name, an identifier or a URL keeps its
            // own direction inside an Arabic table.
            let value = escape(&crate::i18n::value(language, value));
            let _ = if numeric {
                write!(out, "<td class=\"n\">{value}</td>")
            } else if value.is_empty() {
                // No value: a dash, as tables print it, rather than a cell that looks lost.
                write!(out, "<td class=\"none\">—</td>")
            } else if let Some(tag) = foreign(index, column) {
                write!(
                    out,
                    "<td><bdi lang=\"{tag}\" dir=\"auto\">{value}</bdi> <sup class=\"lang\">{}</sup></td>",
                    escape(tag)
                )
            } else {
                write!(out, "<td><bdi>{value}</bdi></td>")
            };
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

/// Whether `text` is a web address a page may link to: http or https (any case), nothing else
/// (javascript:, data:…), and no whitespace.
pub fn is_web(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !text.contains(char::is_whitespace)
}

/// A web address as a reader reads it: percent-encoded UTF-8 (Arabic paths) decoded; the link
/// itself keeps the address as printed.
fn decoded(url: &str) -> String {
    percent_encoding::percent_decode_str(url)
        .decode_utf8()
        .map_or_else(|_| url.to_owned(), |text| text.into_owned())
}

/// Pairs (label, number) from two columns of a table.
fn series(table: &Table, label: &str, value: &str) -> Vec<(String, f64)> {
    (0..table.rows.len())
        .filter_map(|row| {
            let name = table.get(row, label)?.to_owned();
            let number = table.get(row, value)?.parse().ok()?;
            (name != "Total").then_some((name, number))
        })
        .collect()
}

/// The chart that goes with a research query, if any.
fn chart_for(answer: &Answer, language: Language, profile: &Profile) -> Result<Option<String>> {
    let slug = answer.query.slug.as_str();
    let table = &answer.table;
    Ok(match slug {
        s if s.ends_with("agreements_per_region") => Some(charts::bars(
            language.text(Key::AgreementsPerRegion),
            &series(table, "region", "table"),
        )?),
        s if s.ends_with("agreements_per_country") => Some(charts::bars(
            language.text(Key::AgreementsPerCountry),
            &series(table, "country", "table"),
        )?),
        s if s.ends_with("top_concept_frequency") => Some(charts::bars(
            language.text(Key::AgreementsPerTopConcept),
            &series(table, "top_concept", "agreements"),
        )?),
        s if s.ends_with("timeline") => {
            let mut counts: BTreeMap<String, BTreeMap<i32, f64>> = BTreeMap::new();
            let mut years = BTreeSet::new();
            for row in 0..table.rows.len() {
                let (Some(year), Some(city), Some(count)) = (
                    table.get(row, "year"),
                    table.get(row, "city"),
                    table.get(row, "by_table"),
                ) else {
                    continue;
                };
                let (Ok(year), Ok(count)) = (year.parse::<i32>(), count.parse::<f64>()) else {
                    continue;
                };
                years.insert(year);
                *counts
                    .entry(city.to_owned())
                    .or_default()
                    .entry(year)
                    .or_default() += count;
            }
            let years: Vec<i32> = years.into_iter().collect();
            let series: Vec<(String, Vec<f64>)> = counts
                .into_iter()
                .map(|(city, by_year)| {
                    (
                        city,
                        years
                            .iter()
                            .map(|y| by_year.get(y).copied().unwrap_or(0.0))
                            .collect(),
                    )
                })
                .collect();
            Some(charts::stacked_timeline(
                language.text(Key::TimelineByYear),
                &years,
                &series,
            )?)
        }
        s if s.ends_with("theme_diversity_per_city") => {
            let cities = profile.cities();
            let values: Vec<Vec<f64>> = cities
                .iter()
                .map(|city| {
                    profile
                        .axes
                        .iter()
                        .map(|axis| {
                            profile
                                .agreements
                                .values()
                                .filter(|a| &a.city == city && a.axes.contains(&axis.slug))
                                .count() as f64
                        })
                        .collect()
                })
                .collect();
            Some(charts::matrix(
                language.text(Key::CityThemeMatrix),
                &cities,
                &profile
                    .axes
                    .iter()
                    .map(|axis| axis.label.clone())
                    .collect::<Vec<_>>(),
                &values,
            )?)
        }
        _ => None,
    })
}

fn map_svg(store: &Store, language: Language) -> Result<String> {
    let solutions = crate::sparql::select(
        store,
        crate::sparql::MAP,
        &[crate::sparql::language(language.code())],
    )?;
    let text = |solution: &oxigraph::sparql::QuerySolution, name: &str| match solution.get(name) {
        Some(oxigraph::model::Term::Literal(literal)) => literal.value().to_owned(),
        Some(oxigraph::model::Term::NamedNode(node)) => node.as_str().to_owned(),
        _ => String::new(),
    };
    let mut points: BTreeMap<String, MapPoint> = BTreeMap::new();
    let mut arcs = BTreeSet::new();
    for solution in &solutions {
        let field = |name| text(solution, name);
        let (Some(home), Some(partner)) = (
            crate::wikidata::parse_point(&field("homeWkt")),
            crate::wikidata::parse_point(&field("partnerWkt")),
        ) else {
            continue;
        };
        points.entry(field("home")).or_insert(MapPoint {
            label: field("homeLabel"),
            at: home,
            home: true,
        });
        points.entry(field("partner")).or_insert(MapPoint {
            label: field("partnerLabel"),
            at: partner,
            home: false,
        });
        arcs.insert((
            home.0.to_bits(),
            home.1.to_bits(),
            partner.0.to_bits(),
            partner.1.to_bits(),
        ));
    }
    let arcs: Vec<_> = arcs
        .into_iter()
        .map(|(a, b, c, d)| {
            (
                (f64::from_bits(a), f64::from_bits(b)),
                (f64::from_bits(c), f64::from_bits(d)),
            )
        })
        .collect();
    let points: Vec<MapPoint> = points.into_values().collect();
    charts::map(
        language.text(Key::Map),
        &charts::parse_outline(LAND),
        &points,
        &arcs,
    )
}

/// An indicator's name, its formula, and how to read its value.
type IndicatorRow = (
    Key,
    String,
    Box<dyn Fn(&crate::indicators::Indicators) -> String>,
);

fn indicators_section(profile: &Profile, language: Language, out: &mut String) {
    let percent = |v: f64| format!("{:.0}%", v * 100.0);
    // A value that rounds to zero prints as 0.000, not -0.000 (the entropy of one region is
    // -1·log 1 = -0).
    let fixed = |v: f64| format!("{:.3}", if v.abs() < 0.0005 { 0.0 } else { v });
    let mut scopes: Vec<(String, crate::indicators::Indicators)> = profile
        .cities()
        .into_iter()
        .map(|city| {
            let indicators = profile.indicators(Some(&city));
            (city, indicators)
        })
        .collect();
    scopes.push((
        language.text(Key::Overall).to_owned(),
        profile.indicators(None),
    ));
    let mut rows: Vec<IndicatorRow> = vec![
        (
            Key::Agreements,
            "n".to_owned(),
            Box::new(|i| i.agreements.to_string()),
        ),
        (
            Key::PartnerCountries,
            format!("|{{{}}}|", language.text(Key::PartnerCountries)),
            Box::new(|i| i.partner_countries.to_string()),
        ),
        (
            Key::PartnerRegions,
            format!("|{{{}}}|", language.text(Key::PartnerRegions)),
            Box::new(|i| i.partner_regions.to_string()),
        ),
        (
            Key::EntropyRegions,
            "H = −Σ pᵢ ln pᵢ".to_owned(),
            Box::new(move |i| fixed(i.region_entropy)),
        ),
        (
            Key::EvennessRegions,
            format!("J = H / ln {}", profile.region_count),
            Box::new(move |i| fixed(i.region_evenness)),
        ),
        (
            Key::HhiRegions,
            "HHI = Σ sᵢ²".to_owned(),
            Box::new(move |i| fixed(i.region_hhi)),
        ),
        (
            Key::EntropyAxes,
            "H = −Σ pᵢ ln pᵢ".to_owned(),
            Box::new(move |i| fixed(i.axis_entropy)),
        ),
        (
            Key::EvennessAxes,
            format!("J = H / ln {}", profile.axes.len()),
            Box::new(move |i| fixed(i.axis_evenness)),
        ),
    ];
    for (key, axis) in [
        (Key::ShareEconomic, "economic"),
        (Key::ShareCultural, "cultural"),
        (Key::ShareScientific, "scientific"),
        (Key::ShareSocial, "social"),
        (Key::SharePolitical, "political"),
    ] {
        // The agreements under the axis (named in the reader's language) over all of them.
        let label = profile
            .axes
            .iter()
            .find(|a| a.slug == axis)
            .map_or(axis, |a| a.label.as_str());
        rows.push((
            key,
            format!("n({label}) / n"),
            Box::new(move |i| {
                i.shares
                    .iter()
                    .find(|(name, _)| name == axis)
                    .map_or_else(String::new, |(_, s)| percent(*s))
            }),
        ));
    }
    let unknown = language.text(Key::Unknown).to_owned();
    rows.push((
        Key::GovernanceScore,
        language.text(Key::GovernanceFormula).to_owned(),
        Box::new(move |i| i.governance.map_or_else(|| unknown.clone(), fixed)),
    ));
    let _ = write!(out, "<section id=\"indicators\"><h2>{}</h2><div class=\"table\"><table><thead><tr><th></th><th>{}</th>", escape(language.text(Key::Indicators)), escape(language.text(Key::Formula)));
    for (scope, _) in &scopes {
        let _ = write!(out, "<th>{}</th>", escape(scope));
    }
    out.push_str("</tr></thead><tbody>");
    for (key, formula, value) in &rows {
        let _ = write!(
            out,
            "<tr><th>{}</th><td><code dir=\"auto\">{}</code></td>",
            escape(language.text(*key)),
            escape(formula)
        );
        for (_, indicators) in &scopes {
            let _ = write!(out, "<td class=\"n\">{}</td>", escape(&value(indicators)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    if let (Some(staff), Some(share)) = (profile.eu_mean_staff, profile.eu_office_share) {
        let sentence = escape(language.text(Key::EuBenchmarkSentence))
            .replace(
                "{share}",
                &format!("<bdi>{}</bdi>", (share * 100.0).round()),
            )
            .replace("{staff}", &format!("<bdi>{staff}</bdi>"));
        let _ = write!(
            out,
            "<p><strong>{}</strong>: {sentence}</p>",
            escape(language.text(Key::EuBenchmark)),
        );
    }
    out.push_str("</section>");
}

const CSS: &str = "
body{font-family:system-ui,'Noto Sans','Noto Naskh Arabic','DejaVu Sans',sans-serif;margin:0 auto;max-width:1100px;padding:1.5rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ccd;padding-bottom:.2rem;margin-top:2.2rem}
.paper{background:#f5f3ea;border-inline-start:4px solid #b8a45c;padding:.5rem .8rem}
.table{overflow-x:auto}table{border-collapse:collapse;font-size:.88rem;margin:.6rem 0}
th,td{border:1px solid #d4d4dc;padding:.25rem .5rem;text-align:start;vertical-align:top}
th{background:#eef0f6}td.n{text-align:end;font-variant-numeric:tabular-nums}
sup.lang{font-size:.7rem;color:#555;text-transform:uppercase}.note{font-size:.85rem;color:#444}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto;direction:ltr}
details{margin:.5rem 0}pre{background:#f6f6f6;padding:.6rem;overflow-x:auto;direction:ltr;text-align:left;font-size:.8rem}
nav ol{columns:2;column-gap:3rem;padding-inline-start:2.4rem}nav li{break-inside:avoid;margin-bottom:.25rem}td.url{overflow-wrap:anywhere;min-width:14rem}footer{margin-top:3rem;font-size:.8rem;color:#555}
";

/// Writes the whole report as HTML.
pub fn write(store: &Store, language: Language, out: impl Write) -> Result<()> {
    let answers = crate::report::answer_each(&catalog::bundled(), |query| {
        crate::report::answer(store, query.clone(), language)
    })?;
    write_answers(store, language, &answers, out)
}

/// Writes the report as HTML from the bundled queries' `answers` in `language`, in their order
/// (a static site writes them as CSV too, without asking twice).
pub fn write_answers(
    store: &Store,
    language: Language,
    answers: &[crate::report::Answer],
    mut out: impl Write,
) -> Result<()> {
    let profile = Profile::load(store, language.code())?;
    let queries: Vec<&catalog::QueryFile> = answers.iter().map(|answer| &answer.query).collect();
    let framing = crate::report::Framing::read(store, language)?;
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{code}\" dir=\"{dir}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><style>{CSS}</style></head><body><header><h1>{title}</h1><p>{intro}</p></header>",
        code = language.code(),
        dir = if language.is_rtl() { "rtl" } else { "ltr" },
        title = escape(&framing.title(language)),
        intro = escape(&framing.intro(language)),
    );
    let _ = write!(
        html,
        "<nav><h2>{}</h2><ol>",
        escape(language.text(Key::Contents))
    );
    for (index, query) in queries.iter().enumerate() {
        let _ = write!(
            html,
            "<li><a href=\"#q{}\">{}</a></li>",
            index + 1,
            escape(query.question_for(language, framing.paper))
        );
    }
    // The disagreements between the paper and its sources, or the dataset's own, if it records
    // any.
    let disagreements = answers
        .iter()
        .find(|a| a.query.slug.ends_with("discrepancies"))
        .filter(|a| framing.paper || !a.table.rows.is_empty());
    let _ = write!(
        html,
        "<li><a href=\"#indicators\">{}</a></li><li><a href=\"#map\">{}</a></li>",
        escape(language.text(Key::Indicators)),
        escape(language.text(Key::Map)),
    );
    if disagreements.is_some() {
        let _ = write!(
            html,
            "<li><a href=\"#disagreements\">{}</a></li>",
            escape(language.text(Key::Disagreements))
        );
    }
    html.push_str("</ol></nav>");
    for (index, answer) in answers.iter().enumerate() {
        let query = &answer.query;
        let _ = write!(
            html,
            "<section id=\"q{}\" class=\"question\"><h2>{}. {}</h2>",
            index + 1,
            index + 1,
            escape(query.question_for(language, framing.paper))
        );
        if let Some(paper) = paper(query, language).filter(|_| framing.paper) {
            let _ = write!(
                html,
                "<p class=\"paper\"><strong>{}{}</strong> {}</p>",
                escape(language.text(Key::ThePaper)),
                language.colon(),
                escape(&paper)
            );
        }
        if answer.table.rows.is_empty() {
            let _ = write!(html, "<p>{}</p>", escape(language.text(Key::NoResults)));
        } else {
            html_table(answer, &framing, language, &mut html);
        }
        if let Some(svg) = chart_for(answer, language, &profile)? {
            let _ = write!(html, "<figure class=\"chart\">{svg}</figure>");
        }
        let _ = write!(
            html,
            "<details><summary>{} ({})</summary><pre>{}</pre></details></section>",
            escape(language.text(Key::ShowQuery)),
            escape(&query.slug),
            // The query as run: its `VALUES ?lang` blocks are bound to the report's language.
            escape(&format!(
                "# ?lang = \"{}\"\n{}",
                language.code(),
                query.text
            ))
        );
    }
    indicators_section(&profile, language, &mut html);
    let _ = write!(
        html,
        "<section id=\"map\"><h2>{}</h2><figure class=\"chart\">{}<figcaption>{}</figcaption></figure></section>",
        escape(language.text(Key::Map)),
        map_svg(store, language)?,
        escape(language.text(Key::MapCaption))
    );
    if let Some(disagreements) = disagreements {
        let _ = write!(
            html,
            "<section id=\"disagreements\"><h2>{}</h2><p>{}</p>",
            escape(language.text(Key::Disagreements)),
            escape(language.text(Key::DisagreementsIntro))
        );
        html_table(disagreements, &framing, language, &mut html);
        html.push_str("</section>");
    }
    // The paper is cited where its data is shown.
    let citation = if framing.paper {
        format!(
            " · {}{} Ismaili, H. (2025), IJCSTS 2(2), 98–106, <a href=\"https://doi.org/10.54878/x0w7nf44\">doi:10.54878/x0w7nf44</a> (CC BY 4.0)",
            escape(language.text(Key::Source)),
            language.colon(),
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        html,
        "<footer>{}{citation} · Natural Earth ({})</footer></body></html>",
        escape(language.text(Key::GeneratedBy)),
        escape(language.text(Key::PublicDomain))
    );
    out.write_all(html.as_bytes())?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod fill_tests {
    use super::fill;

    #[test]
    fn values_are_not_scanned_again() {
        assert_eq!(
            fill(
                "<b>{title}</b>{css}{x}",
                &[("title", "{css}"), ("css", "a{b}")]
            ),
            "<b>{css}</b>a{b}{x}"
        );
        assert_eq!(fill("body{margin:0}", &[("margin", "1")]), "body{margin:0}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape("الداخلة"), "الداخلة");
    }
}
