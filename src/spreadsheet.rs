//! The agreements as a spreadsheet: a documented CSV template, an importer that checks the whole
//! file (parsing, matching names to the graph, then the SHACL shapes) before anything is written,
//! and an exporter that writes the same template.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{Graph, Literal, NamedNode, NamedNodeRef, Term, Triple};
use oxigraph::store::Store;

use crate::error::{Error, Result};
use crate::matching::{Match, NameIndex};
use crate::output::cell;
use crate::sparql;
use crate::vocab::{ID, TW};

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
    Column { name: "home_city", required: true, help: "the southern city (Dakhla, الداخلة, Dajla…)", example: "Dakhla" },
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
];

/// Writes the header and the example row.
pub fn write_template(mut out: impl Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(&mut out);
    writer
        .write_record(COLUMNS.iter().map(|c| c.name))
        .and_then(|()| writer.write_record(COLUMNS.iter().map(|c| c.example)))
        .and_then(|()| writer.flush().map_err(csv::Error::from))
        .map_err(|e| Error::Output(std::io::Error::other(e)))?;
    Ok(())
}

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

/// What an import produces before anything is written.
#[derive(Debug, Default)]
pub struct Import {
    /// The new triples.
    pub graph: Graph,
    /// Rows read.
    pub rows: usize,
    /// New agreements.
    pub agreements: Vec<NamedNode>,
    /// Rows whose agreement is already in the store: skipped.
    pub skipped: Vec<(u64, NamedNode)>,
    /// Cities and countries minted with `--create`.
    pub created: Vec<NamedNode>,
}

impl Import {
    /// Every subject of the new triples: what the SHACL check must look at.
    pub fn subjects(&self) -> BTreeSet<String> {
        self.graph
            .iter()
            .filter_map(|triple| match triple.subject {
                oxigraph::model::NamedOrBlankNodeRef::NamedNode(node) => {
                    Some(node.as_str().to_owned())
                }
                _ => None,
            })
            .collect()
    }
}

fn tw(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{TW}{local}"))
}

fn id(path: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ID}{path}"))
}

const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const SCHEMA: &str = "https://schema.org/";
const DCTERMS: &str = "http://purl.org/dc/terms/";

fn named(namespace: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{namespace}{local}"))
}

/// What `import` does with names the store does not know.
#[derive(Debug, Clone)]
pub struct Minting {
    /// Mint new cities and countries for them (`--create`); otherwise each is an error.
    pub create: bool,
    /// The namespace of what the import mints (`--base`): `{base}city/{slug}`,
    /// `{base}agreement/{home}-{partner}-{year}`, `{base}source/…`, `{base}geometry/…`. A city
    /// already named by IRI in the store (a home city added by its membership alone) is the
    /// one a name minting that IRI describes.
    pub base: String,
}

impl Default for Minting {
    fn default() -> Self {
        Self {
            create: false,
            base: ID.to_owned(),
        }
    }
}

impl Minting {
    fn mint(&self, path: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}{path}", self.base))
    }
}

/// Reads a CSV file in the template and works out the triples it adds to `store`. Every problem
/// in the file is collected; on any, nothing is returned but the list.
pub fn import(path: &Path, store: &Store, minting: &Minting) -> Result<Import> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    import_bytes(&path.display().to_string(), &bytes, store, minting)
}

/// [`import`] on bytes already read; `file` names them in messages.
pub fn import_bytes(file: &str, bytes: &[u8], store: &Store, minting: &Minting) -> Result<Import> {
    let file = file.to_owned();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| import_error(&file, vec![csv_error(&e, bytes)]))?
        .clone();
    let mut errors = Vec::new();
    let mut positions = BTreeMap::new();
    for (index, name) in headers.iter().enumerate() {
        if COLUMNS.iter().any(|c| c.name == name) {
            positions.insert(name.to_owned(), index);
        } else {
            errors.push(CellError {
                line: 1,
                column: name.to_owned(),
                message: format!(
                    "unknown column '{name}'; the template's columns are: {} (see `twinning import --template`)",
                    COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
                ),
            });
        }
    }
    for column in COLUMNS.iter().filter(|c| c.required) {
        if !positions.contains_key(column.name) {
            errors.push(CellError {
                line: 1,
                column: column.name.to_owned(),
                message: format!(
                    "missing required column '{}' ({})",
                    column.name, column.help
                ),
            });
        }
    }
    if !errors.is_empty() {
        return Err(import_error(&file, errors));
    }

    let mut context = Context::new(store)?;
    let mut import = Import::default();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                errors.push(csv_error(&e, bytes));
                continue;
            }
        };
        let line = record
            .position()
            .map_or(0, |p| physical_line(bytes, p.byte()));
        if record.len() != headers.len() {
            errors.push(CellError {
                line,
                column: String::new(),
                message: format!(
                    "this row has {} fields where the header has {}",
                    record.len(),
                    headers.len()
                ),
            });
            continue;
        }
        import.rows += 1;
        let row = Row {
            line,
            values: &positions
                .iter()
                .map(|(name, index)| {
                    (
                        name.as_str(),
                        restore(record.get(*index).unwrap_or_default()),
                    )
                })
                .collect(),
        };
        context.add_row(&row, minting, &mut import, &mut errors);
    }
    if !errors.is_empty() {
        return Err(import_error(&file, errors));
    }
    Ok(import)
}

fn import_error(file: &str, mut errors: Vec<CellError>) -> Error {
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
fn physical_line(bytes: &[u8], byte: u64) -> u64 {
    let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
    while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
        start += 1;
    }
    1 + bytes[..start].iter().filter(|&&b| b == b'\n').count() as u64
}

fn csv_error(error: &csv::Error, bytes: &[u8]) -> CellError {
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

struct Row<'a> {
    line: u64,
    values: &'a BTreeMap<&'a str, &'a str>,
}

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        self.values.get(column).copied().unwrap_or_default()
    }

    fn error(&self, errors: &mut Vec<CellError>, column: &str, message: String) {
        errors.push(CellError {
            line: self.line,
            column: column.to_owned(),
            message,
        });
    }
}

/// What the importer knows about the store: names, existing agreements and sources.
struct Context {
    cities: NameIndex,
    countries: NameIndex,
    kinds: NameIndex,
    statuses: NameIndex,
    themes: NameIndex,
    regions: NameIndex,
    city_country: BTreeMap<NamedNode, NamedNode>,
    labels: BTreeMap<NamedNode, BTreeMap<String, String>>,
    agreements: BTreeSet<NamedNode>,
    /// The agreement of each (home city, partner city, year): what a row identifies.
    agreement_keys: BTreeMap<(NamedNode, NamedNode, String), NamedNode>,
    /// Sources by their set of URLs (sorted, space-separated): a row reuses a source only when it
    /// cites exactly the same URLs.
    sources_by_urls: BTreeMap<String, NamedNode>,
    sources: BTreeSet<NamedNode>,
}

impl Context {
    fn new(store: &Store) -> Result<Self> {
        let names = |property: NamedNodeRef<'_>, class: &str| {
            NameIndex::from_query(
                store,
                &[
                    ("classProperty", property.into_owned().into()),
                    ("class", NamedNode::new_unchecked(class).into()),
                ],
            )
        };
        let scheme = |name: &str| format!("{ID}scheme/{name}");
        let in_scheme = NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#inScheme");
        let mut context = Self {
            cities: names(rdf::TYPE, &format!("{TW}Municipality"))?,
            countries: names(rdf::TYPE, "https://schema.org/Country")?,
            kinds: names(in_scheme, &scheme("agreement-kinds"))?,
            statuses: names(in_scheme, &scheme("agreement-status"))?,
            themes: names(in_scheme, &scheme("themes"))?,
            regions: names(in_scheme, &scheme("world-regions"))?,
            city_country: BTreeMap::new(),
            labels: BTreeMap::new(),
            agreements: BTreeSet::new(),
            agreement_keys: BTreeMap::new(),
            sources_by_urls: BTreeMap::new(),
            sources: BTreeSet::new(),
        };
        for row in select(store, sparql::IMPORT_CITY_COUNTRIES)? {
            context.city_country.insert(row[0].clone(), row[1].clone());
        }
        for solution in sparql::select(store, sparql::IMPORT_AGREEMENTS, &[])? {
            let node = |name| match solution.get(name) {
                Some(Term::NamedNode(node)) => Some(node.clone()),
                _ => None,
            };
            let Some(agreement) = node("a") else { continue };
            if let (Some(home), Some(partner), Some(Term::Literal(year))) =
                (node("home"), node("partner"), solution.get("year"))
            {
                context
                    .agreement_keys
                    .insert((home, partner, year.value().to_owned()), agreement.clone());
            }
            context.agreements.insert(agreement);
        }
        let texts = select_texts(store, sparql::IMPORT_PLACE_LABELS)?;
        for (entity, label, language) in texts {
            context
                .labels
                .entry(entity)
                .or_default()
                .insert(language, label);
        }
        let mut urls_of: BTreeMap<NamedNode, Vec<String>> = BTreeMap::new();
        for (source, url, _) in select_texts(store, sparql::IMPORT_SOURCE_URLS)? {
            urls_of.entry(source).or_default().push(url);
        }
        for (source, urls) in urls_of {
            context
                .sources_by_urls
                .insert(url_key(urls.iter().map(String::as_str)), source.clone());
            context.sources.insert(source);
        }
        Ok(context)
    }

    fn resolve(
        index: &NameIndex,
        row: &Row<'_>,
        column: &str,
        what: &str,
        errors: &mut Vec<CellError>,
    ) -> Option<NamedNode> {
        let name = row.get(column);
        if name.is_empty() {
            row.error(errors, column, format!("the {what} is required"));
            return None;
        }
        match index.find(name) {
            Match::One(entity) => Some(entity),
            Match::Ambiguous(entities) => {
                row.error(
                    errors,
                    column,
                    format!(
                        "'{name}' names several {what}s ({}): use the slug",
                        entities.iter().map(slug).collect::<Vec<_>>().join(", ")
                    ),
                );
                None
            }
            Match::Unknown(closest) => {
                let hint = if closest.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean {}?", closest.join(", "))
                };
                row.error(errors, column, format!("unknown {what} '{name}'{hint}"));
                None
            }
        }
    }

    fn add_row(
        &mut self,
        row: &Row<'_>,
        minting: &Minting,
        import: &mut Import,
        errors: &mut Vec<CellError>,
    ) {
        let before = errors.len();
        let country = self.place(
            row,
            "partner_country",
            "country",
            minting,
            import,
            errors,
            None,
        );
        let home = self.place(
            row,
            "home_city",
            "city",
            minting,
            import,
            errors,
            Some(None),
        );
        let partner = self.place(
            row,
            "partner_city",
            "city",
            minting,
            import,
            errors,
            Some(country.clone()),
        );
        let kind = Self::resolve(&self.kinds, row, "kind", "kind", errors);
        let status = Self::resolve(&self.statuses, row, "status", "status", errors);
        let date = parse_date(row.get("date"));
        if let Err(message) = &date {
            row.error(errors, "date", message.clone());
        }
        let mut themes = Vec::new();
        let theme_cell = row.get("themes");
        for name in theme_cell
            .split(';')
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            match self.themes.find(name) {
                Match::One(theme) => themes.push(theme),
                Match::Ambiguous(_) => row.error(
                    errors,
                    "themes",
                    format!("'{name}' names several themes: use the slug"),
                ),
                Match::Unknown(closest) => row.error(
                    errors,
                    "themes",
                    format!(
                        "unknown theme '{name}'{}",
                        if closest.is_empty() {
                            String::new()
                        } else {
                            format!("; did you mean {}?", closest.join(", "))
                        }
                    ),
                ),
            }
        }
        if theme_cell.trim().is_empty() {
            row.error(
                errors,
                "themes",
                "at least one theme is required".to_owned(),
            );
        }
        let urls: Vec<&str> = row.get("source_url").split_whitespace().collect();
        if urls.is_empty() {
            row.error(
                errors,
                "source_url",
                "the source's URL is required".to_owned(),
            );
        }
        for url in &urls {
            if oxigraph::model::NamedNode::new(*url).is_err()
                || !(url.starts_with("http://") || url.starts_with("https://"))
            {
                row.error(
                    errors,
                    "source_url",
                    format!("'{url}' is not an http(s) URL"),
                );
            }
        }
        if row.get("source_title").is_empty() {
            row.error(
                errors,
                "source_title",
                "the source's title is required".to_owned(),
            );
        }
        let source_date = match row.get("source_date") {
            "" => Ok(None),
            text => parse_date(text).map(Some),
        };
        if let Err(message) = &source_date {
            row.error(errors, "source_date", message.clone());
        }
        if errors.len() > before {
            return;
        }
        let (Some(home), Some(partner), Some(kind), Some(status), Ok(date), Ok(source_date)) =
            (home, partner, kind, status, date, source_date)
        else {
            return;
        };

        let year = &date.value()[..4];
        let key = (home.clone(), partner.clone(), year.to_owned());
        if let Some(known) = self.agreement_keys.get(&key) {
            import.skipped.push((row.line, known.clone()));
            return;
        }
        let agreement = minting.mint(&format!(
            "agreement/{}-{}-{year}",
            slug(&home),
            slug(&partner)
        ));
        if self.agreements.contains(&agreement) {
            import.skipped.push((row.line, agreement));
            return;
        }
        self.agreements.insert(agreement.clone());
        self.agreement_keys.insert(key, agreement.clone());
        let graph = &mut import.graph;
        let mut add = |s: &NamedNode, p: NamedNode, o: Term| {
            graph.insert(&Triple::new(s.clone(), p, o));
        };
        add(&agreement, rdf::TYPE.into_owned(), tw("Agreement").into());
        add(&agreement, tw("homeCity"), home.clone().into());
        add(&agreement, tw("partnerCity"), partner.clone().into());
        add(&agreement, tw("party"), home.clone().into());
        add(&agreement, tw("party"), partner.clone().into());
        add(&agreement, tw("kind"), kind.into());
        add(&agreement, tw("status"), status.into());
        add(&agreement, named(DCTERMS, "date"), date.clone().into());
        for theme in themes {
            add(&agreement, tw("theme"), theme.into());
        }
        for language in ["en", "ar", "fr"] {
            if let (Some(h), Some(p)) =
                (self.label(&home, language), self.label(&partner, language))
            {
                add(
                    &agreement,
                    named(SKOS, "prefLabel"),
                    Literal::new_language_tagged_literal_unchecked(
                        format!("{h} – {p} ({year})"),
                        language,
                    )
                    .into(),
                );
            }
        }
        if !row.get("purpose_ar").is_empty() {
            add(
                &agreement,
                tw("statedPurpose"),
                Literal::new_language_tagged_literal_unchecked(row.get("purpose_ar"), "ar").into(),
            );
        }
        if !row.get("purpose_en").is_empty() {
            add(
                &agreement,
                tw("statedPurposeTranslation"),
                Literal::new_language_tagged_literal_unchecked(row.get("purpose_en"), "en").into(),
            );
        }
        if !row.get("notes").is_empty() {
            add(
                &agreement,
                rdfs::COMMENT.into_owned(),
                Literal::new_language_tagged_literal_unchecked(row.get("notes"), "en").into(),
            );
        }
        let key = url_key(urls.iter().copied());
        let known = self.sources_by_urls.get(&key).cloned();
        let source = known.clone().unwrap_or_else(|| {
            let base = format!("source/{}", url_slug(urls[0]));
            let mut candidate = minting.mint(&base);
            let mut suffix = 2;
            while self.sources.contains(&candidate) {
                candidate = minting.mint(&format!("{base}-{suffix}"));
                suffix += 1;
            }
            candidate
        });
        add(&agreement, named(DCTERMS, "source"), source.clone().into());
        if known.is_none() {
            self.sources_by_urls.insert(key, source.clone());
            self.sources.insert(source.clone());
            add(
                &source,
                rdf::TYPE.into_owned(),
                named("http://purl.org/ontology/bibo/", "Webpage").into(),
            );
            add(
                &source,
                named(DCTERMS, "title"),
                text_literal(row.get("source_title")).into(),
            );
            let host = urls[0]
                .split_once("://")
                .map_or(urls[0], |(_, rest)| rest)
                .split('/')
                .next()
                .unwrap_or_default();
            let when = source_date
                .as_ref()
                .map_or("undated".to_owned(), |d| d.value().to_owned());
            add(
                &source,
                named(SKOS, "prefLabel"),
                Literal::new_language_tagged_literal_unchecked(format!("{host} ({when})"), "en")
                    .into(),
            );
            for url in &urls {
                add(
                    &source,
                    named("http://purl.org/ontology/bibo/", "uri"),
                    Literal::new_typed_literal(*url, xsd::ANY_URI).into(),
                );
            }
            match source_date {
                Some(issued) => add(&source, named(DCTERMS, "issued"), issued.into()),
                None => add(
                    &source,
                    tw("explicitlyUnknown"),
                    named(DCTERMS, "issued").into(),
                ),
            }
        }
        import.agreements.push(agreement);
    }

    /// Resolves (or, with `create`, mints) a city or a country. `city_country` is `None` for a
    /// country, `Some(None)` for a home city, `Some(Some(country))` for a partner city.
    #[allow(clippy::too_many_arguments)]
    fn place(
        &mut self,
        row: &Row<'_>,
        column: &str,
        what: &str,
        minting: &Minting,
        import: &mut Import,
        errors: &mut Vec<CellError>,
        city_country: Option<Option<NamedNode>>,
    ) -> Option<NamedNode> {
        let name = row.get(column);
        let index = if city_country.is_some() {
            &self.cities
        } else {
            &self.countries
        };
        let found = match index.find(name) {
            Match::Unknown(_) if minting.create && !name.is_empty() => None,
            _ => Some(Self::resolve(index, row, column, what, errors)?),
        };
        if let Some(entity) = found {
            if let (Some(Some(country)), Some(known)) =
                (&city_country, self.city_country.get(&entity))
            {
                if known != country {
                    row.error(
                        errors,
                        "partner_country",
                        format!(
                            "{name} is in {}, not in {}",
                            self.label(known, "en").unwrap_or_else(|| slug(known)),
                            self.label(country, "en").unwrap_or_else(|| slug(country)),
                        ),
                    );
                }
            }
            return Some(entity);
        }
        let entity = minting.mint(&format!(
            "{}/{}",
            if city_country.is_some() {
                "city"
            } else {
                "country"
            },
            name_slug(name)
        ));
        let language = if name.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)) {
            "ar"
        } else {
            "en"
        };
        let graph = &mut import.graph;
        let mut add = |p: NamedNode, o: Term| {
            graph.insert(&Triple::new(entity.clone(), p, o));
        };
        add(
            named(SKOS, "prefLabel"),
            Literal::new_language_tagged_literal_unchecked(name, language).into(),
        );
        let arabic = row.get(&format!("{column}_ar")).to_owned();
        if language != "ar" && !arabic.is_empty() {
            add(
                named(SKOS, "prefLabel"),
                Literal::new_language_tagged_literal_unchecked(arabic.as_str(), "ar").into(),
            );
        }
        match &city_country {
            None => {
                add(rdf::TYPE.into_owned(), named(SCHEMA, "Country").into());
                if row.get("partner_region").is_empty() {
                    row.error(
                        errors,
                        "partner_region",
                        format!(
                            "'{name}' is a new country: give its world region (partner_region)"
                        ),
                    );
                } else if let Some(region) =
                    Self::resolve(&self.regions, row, "partner_region", "world region", errors)
                {
                    add(tw("worldRegion"), region.into());
                }
            }
            Some(country) => {
                add(rdf::TYPE.into_owned(), named(SCHEMA, "City").into());
                add(rdf::TYPE.into_owned(), tw("Municipality").into());
                match country {
                    Some(country) => {
                        add(tw("country"), country.clone().into());
                        self.city_country.insert(entity.clone(), country.clone());
                    }
                    None => add(tw("explicitlyUnknown"), tw("country").into()),
                }
                if country.is_none() {
                    import.graph.insert(&Triple::new(
                        id("collection/home-cities"),
                        named(SKOS, "member"),
                        entity.clone(),
                    ));
                } else {
                    self.add_partner_details(row, &entity, minting, import, errors);
                }
            }
        }
        let labels = self.labels.entry(entity.clone()).or_default();
        labels.insert(language.to_owned(), name.to_owned());
        if language != "ar" && !arabic.is_empty() {
            labels.insert("ar".to_owned(), arabic);
        }
        let index = if city_country.is_some() {
            &mut self.cities
        } else {
            &mut self.countries
        };
        index.insert(name, entity.clone());
        import.created.push(entity.clone());
        Some(entity)
    }

    fn add_partner_details(
        &self,
        row: &Row<'_>,
        city: &NamedNode,
        minting: &Minting,
        import: &mut Import,
        errors: &mut Vec<CellError>,
    ) {
        let latitude = row.get("partner_latitude");
        let longitude = row.get("partner_longitude");
        if !latitude.is_empty() || !longitude.is_empty() {
            match (coordinate(latitude, 90.0), coordinate(longitude, 180.0)) {
                // The numbers are written as typed, so an export gives back the same text.
                (Some(_), Some(_)) => {
                    let (lat, lon) = (latitude, longitude);
                    let geometry = minting.mint(&format!("geometry/{}", slug(city)));
                    let geo = "http://www.opengis.net/ont/geosparql#";
                    import.graph.insert(&Triple::new(city.clone(), named(geo, "hasGeometry"), geometry.clone()));
                    import.graph.insert(&Triple::new(geometry.clone(), rdf::TYPE.into_owned(), named(geo, "Geometry")));
                    import.graph.insert(&Triple::new(
                        geometry,
                        named(geo, "asWKT"),
                        Literal::new_typed_literal(format!("POINT({lon} {lat})"), named(geo, "wktLiteral")),
                    ));
                }
                _ => row.error(
                    errors,
                    "partner_latitude",
                    format!("'{latitude}, {longitude}' is not a latitude (-90..90) and longitude (-180..180) in decimal degrees"),
                ),
            }
        }
        let qid = row.get("partner_wikidata");
        if !qid.is_empty() {
            let qid = qid
                .trim_start_matches("http://www.wikidata.org/entity/")
                .trim_start_matches("wd:");
            if qid.len() > 1 && qid.starts_with('Q') && qid[1..].bytes().all(|b| b.is_ascii_digit())
            {
                // A curator's QID is a candidate until `twinning link` verifies it.
                import.graph.insert(&Triple::new(
                    city.clone(),
                    tw("wikidataCandidate"),
                    NamedNode::new_unchecked(format!("http://www.wikidata.org/entity/{qid}")),
                ));
                import.graph.insert(&Triple::new(
                    city.clone(),
                    tw("linkStatus"),
                    id("link-status/candidate"),
                ));
            } else {
                row.error(
                    errors,
                    "partner_wikidata",
                    format!("'{qid}' is not a Wikidata item ID such as Q16567"),
                );
            }
        }
    }

    fn label(&self, entity: &NamedNode, language: &str) -> Option<String> {
        self.labels.get(entity)?.get(language).cloned()
    }
}

fn url_key<'a>(urls: impl Iterator<Item = &'a str>) -> String {
    let mut urls: Vec<&str> = urls.collect();
    urls.sort_unstable();
    urls.dedup();
    urls.join(" ")
}

fn coordinate(text: &str, limit: f64) -> Option<f64> {
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

fn text_literal(text: &str) -> Literal {
    if text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)) {
        Literal::new_language_tagged_literal_unchecked(text, "ar")
    } else {
        Literal::new_simple_literal(text)
    }
}

/// The last segment of an IRI.
fn slug(entity: &NamedNode) -> String {
    entity
        .as_str()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A readable slug for a new name: ASCII letters and digits, hyphens.
fn name_slug(name: &str) -> String {
    let folded = crate::matching::normalise(name);
    let ascii: String = folded
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug = ascii
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        // A name in a non-Latin script: keep it, percent-encoded, so it stays unique.
        folded.bytes().map(|b| format!("{b:02x}")).collect()
    } else {
        slug
    }
}

fn url_slug(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let mut slug = name_slug(rest);
    slug.truncate(96);
    slug.trim_end_matches('-').to_owned()
}

fn select(store: &Store, query: sparql::Internal) -> Result<Vec<Vec<NamedNode>>> {
    Ok(sparql::select(store, query, &[])?
        .iter()
        .filter_map(|solution| {
            solution
                .values()
                .iter()
                .map(|value| match value {
                    Some(Term::NamedNode(node)) => Some(node.clone()),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
        })
        .collect())
}

fn select_texts(
    store: &Store,
    query: sparql::Internal,
) -> Result<Vec<(NamedNode, String, String)>> {
    Ok(sparql::select(store, query, &[])?
        .iter()
        .filter_map(|solution| {
            match (
                solution.get("entity"),
                solution.get("label"),
                solution.get("lang"),
            ) {
                (Some(Term::NamedNode(entity)), Some(label), Some(language)) => {
                    Some((entity.clone(), cell(label), cell(language)))
                }
                _ => None,
            }
        })
        .collect())
}

/// Writes every agreement of the store as CSV in the template (UTF-8; Arabic kept as it is).
pub fn export(store: &Store, out: impl Write) -> Result<()> {
    let solutions = sparql::select(store, sparql::EXPORT_CSV, &[])?;
    let mut writer = csv::Writer::from_writer(out);
    let write_error = |e: csv::Error| Error::Output(std::io::Error::other(e));
    writer
        .write_record(COLUMNS.iter().map(|c| c.name))
        .map_err(write_error)?;
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
        writer
            .write_record(record.iter().map(|value| neutralise(value).into_owned()))
            .map_err(write_error)?;
    }
    writer.flush()?;
    Ok(())
}

/// Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell that a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+cmd|…`) gets a leading
/// apostrophe, as OWASP recommends, so that it shows as text; numbers (`-15.9`) stay numbers.
/// [`restore`] takes the apostrophe off again on import.
fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
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
fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn bundled_store() -> &'static Store {
        static STORE: OnceLock<Store> = OnceLock::new();
        STORE.get_or_init(|| {
            let store = Store::new().expect("in-memory store");
            crate::load::load_bundle(&store).expect("bundled data loads");
            store
        })
    }

    fn creating() -> Minting {
        Minting {
            create: true,
            ..Minting::default()
        }
    }

    fn header() -> String {
        COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>().join(",")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = import_bytes("fuzz.csv", &bytes, bundled_store(), &creating());
        }

        #[test]
        fn arbitrary_rows_under_the_real_header_never_panic(
            rows in proptest::collection::vec(
                proptest::collection::vec("[ -~\\u{600}-\\u{6ff}\"\n;]{0,12}", 0..20), 0..6)
        ) {
            let mut text = header();
            for row in rows {
                text.push('\n');
                text.push_str(&row.join(","));
            }
            let _ = import_bytes("fuzz.csv", text.as_bytes(), bundled_store(), &creating());
        }
    }

    #[test]
    fn dates_are_checked_against_the_calendar() {
        assert_eq!(parse_date("2024").unwrap().datatype(), xsd::G_YEAR);
        assert_eq!(parse_date("2024-10").unwrap().datatype(), xsd::G_YEAR_MONTH);
        assert_eq!(parse_date("2024-02-29").unwrap().datatype(), xsd::DATE);
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("2023-13-40").unwrap_err().contains("month 13"));
        assert!(parse_date("23-10").is_err());
        assert!(parse_date("October 2024").is_err());
        assert!(parse_date("").is_err());
    }

    #[test]
    fn slugs_are_readable() {
        assert_eq!(name_slug("Great Neck"), "great-neck");
        assert_eq!(name_slug("Laâyoune"), "laayoune");
        assert_eq!(
            url_slug("https://www.example.org/a/b.html"),
            "www-example-org-a-b-html"
        );
    }
}
