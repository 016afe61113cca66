//! The importer: each row matched against the store (cities, countries, kinds, statuses,
//! themes, sources, agreements already there) and turned into triples.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{Graph, Literal, NamedNode, NamedNodeRef, Term, Triple};
use oxigraph::store::Store;

use crate::error::{Error, Result};
use crate::matching::{normalise, Match, NameIndex};
use crate::vocab::{ID, TW};

use super::{minting::*, rows::*, template::*};

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
    let mut positions = BTreeSet::new();
    for name in &headers {
        if !positions.insert(name) {
            errors.push(CellError {
                line: 1,
                column: name.to_owned(),
                message: format!("the column '{name}' appears twice; keep one"),
            });
        } else if !COLUMNS.iter().any(|c| c.name == name) {
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
        if !positions.contains(column.name) {
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
        let cells: Record = match record.deserialize(Some(&headers)) {
            Ok(cells) => cells,
            Err(e) => {
                errors.push(csv_error(&e, bytes));
                continue;
            }
        };
        let row = Row {
            line,
            cells: &cells,
        };
        context.add_row(&row, minting, &mut import, &mut errors)?;
    }
    if !errors.is_empty() {
        return Err(import_error(&file, errors));
    }
    Ok(import)
}

/// What the importer knows about the store: the names of cities, countries and concepts, read
/// once; and what it has looked up of the entities, agreements and sources the rows name, with
/// what the import itself adds. Those are looked up one by one in the store's indexes, so an
/// import into a store of a million agreements does not read them all.
pub(super) struct Context<'a> {
    store: &'a Store,
    /// Every city's names, read only when a name is not found by its key.
    cities: Option<NameIndex>,
    /// The cities the import creates.
    new_cities: NameIndex,
    countries: NameIndex,
    kinds: NameIndex,
    statuses: NameIndex,
    themes: NameIndex,
    regions: NameIndex,
    /// The country of each city looked up or created.
    city_country: BTreeMap<NamedNode, NamedNode>,
    /// The labels (by language) of each place looked up or created.
    labels: BTreeMap<NamedNode, BTreeMap<String, String>>,
    /// The agreements the import adds.
    agreements: BTreeSet<NamedNode>,
    /// The agreement of each (home city, partner city, year) the import adds: what a row
    /// identifies.
    agreement_keys: BTreeMap<(NamedNode, NamedNode, String), NamedNode>,
    /// Sources by their set of URLs (sorted, space-separated), as looked up or added: a row
    /// reuses a source only when it cites exactly the same URLs.
    sources_by_urls: BTreeMap<String, Option<NamedNode>>,
    /// The sources the import adds.
    sources: BTreeSet<NamedNode>,
}

impl<'a> Context<'a> {
    fn new(store: &'a Store) -> Result<Self> {
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
        Ok(Self {
            store,
            cities: None,
            new_cities: NameIndex::default(),
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
        })
    }

    /// The objects of the store's triples (`subject`, `predicate`, ?) in any graph.
    fn objects(&self, subject: &NamedNode, predicate: &str) -> Result<Vec<Term>> {
        let predicate = NamedNode::new_unchecked(predicate);
        let mut objects = Vec::new();
        for quad in self.store.quads_for_pattern(
            Some(subject.as_ref().into()),
            Some(predicate.as_ref()),
            None,
            None,
        ) {
            objects.push(quad?.object);
        }
        Ok(objects)
    }

    /// Whether the store has the triple (`subject`, `predicate`, `object`) in some graph.
    fn has(&self, subject: &NamedNode, predicate: &str, object: Option<&Term>) -> Result<bool> {
        let predicate = NamedNode::new_unchecked(predicate);
        Ok(self
            .store
            .quads_for_pattern(
                Some(subject.as_ref().into()),
                Some(predicate.as_ref()),
                object.map(Term::as_ref),
                None,
            )
            .next()
            .transpose()?
            .is_some())
    }

    /// Reads a place's labels and country from the store, once.
    fn remember(&mut self, place: &NamedNode) -> Result<()> {
        if self.labels.contains_key(place) {
            return Ok(());
        }
        let mut labels = BTreeMap::new();
        for label in self.objects(place, &format!("{SKOS}prefLabel"))? {
            if let Term::Literal(label) = label {
                let language = label.language().unwrap_or_default().to_owned();
                labels
                    .entry(language)
                    .or_insert_with(|| label.value().to_owned());
            }
        }
        self.labels.insert(place.clone(), labels);
        let country = self
            .objects(place, &format!("{TW}country"))?
            .into_iter()
            .find_map(|term| match term {
                Term::NamedNode(country) => Some(country),
                _ => None,
            });
        if let Some(country) = country {
            self.city_country.entry(place.clone()).or_insert(country);
        }
        Ok(())
    }

    /// The agreement already in the store or the import of (home city, partner city, year): an
    /// agreement of the partner (a city has few) whose home city and the year of a date match.
    fn known_agreement(&self, key: &(NamedNode, NamedNode, String)) -> Result<Option<NamedNode>> {
        if let Some(agreement) = self.agreement_keys.get(key) {
            return Ok(Some(agreement.clone()));
        }
        let (home, partner, year) = key;
        let partner_city = NamedNode::new_unchecked(format!("{TW}partnerCity"));
        for quad in self.store.quads_for_pattern(
            None,
            Some(partner_city.as_ref()),
            Some(partner.as_ref().into()),
            None,
        ) {
            let oxigraph::model::NamedOrBlankNode::NamedNode(agreement) = quad?.subject else {
                continue;
            };
            if self.has(&agreement, &format!("{TW}homeCity"), Some(&home.clone().into()))?
                && self
                    .objects(&agreement, &format!("{DCTERMS}date"))?
                    .iter()
                    .any(|date| matches!(date, Term::Literal(date) if date.value().get(..4) == Some(year)))
            {
                return Ok(Some(agreement));
            }
        }
        Ok(None)
    }

    /// Whether an IRI names an agreement, in the store or the import.
    fn is_agreement(&self, iri: &NamedNode) -> Result<bool> {
        Ok(self.agreements.contains(iri)
            || self.has(iri, rdf::TYPE.as_str(), Some(&tw("Agreement").into()))?)
    }

    /// The source, in the store or the import, that cites exactly the URLs of `key`
    /// ([`url_key`]): one of the sources that cite its first URL (as an IRI, an xsd:anyURI or a
    /// string).
    fn source_citing(&mut self, key: &str) -> Result<Option<NamedNode>> {
        if let Some(known) = self.sources_by_urls.get(key) {
            return Ok(known.clone());
        }
        let uri = NamedNode::new_unchecked(format!("{BIBO}uri"));
        let first = key.split(' ').next().unwrap_or_default();
        let mut forms = vec![
            Term::from(Literal::new_typed_literal(first, xsd::ANY_URI)),
            Literal::new_simple_literal(first).into(),
        ];
        if let Ok(iri) = NamedNode::new(first) {
            forms.push(iri.into());
        }
        let mut found = None;
        'forms: for form in &forms {
            for quad in
                self.store
                    .quads_for_pattern(None, Some(uri.as_ref()), Some(form.as_ref()), None)
            {
                let oxigraph::model::NamedOrBlankNode::NamedNode(source) = quad?.subject else {
                    continue;
                };
                let urls: Vec<String> = self
                    .objects(&source, uri.as_str())?
                    .into_iter()
                    .map(|url| match url {
                        Term::NamedNode(iri) => iri.into_string(),
                        Term::Literal(literal) => literal.value().to_owned(),
                        other => other.to_string(),
                    })
                    .collect();
                if url_key(urls.iter().map(String::as_str)) == key {
                    found = Some(source);
                    break 'forms;
                }
            }
        }
        self.sources_by_urls.insert(key.to_owned(), found.clone());
        Ok(found)
    }

    /// Finds a city by name: by its name key in the store's indexes (tw:nameKey, derived from
    /// each city's names), or among the cities the import creates. A name neither knows is
    /// looked for among every city's names, read once: they give the closest names, and they
    /// match in a store derived by a build without name keys.
    fn find_city(&mut self, name: &str) -> Result<Match> {
        let key = normalise(name);
        if key.is_empty() {
            return Ok(Match::Unknown(Vec::new()));
        }
        let mut found = BTreeSet::new();
        match self.new_cities.find(name) {
            Match::One(city) => {
                found.insert(city);
            }
            Match::Ambiguous(cities) => found.extend(cities),
            Match::Unknown(_) => {}
        }
        let name_key = tw("nameKey");
        let key = Term::from(Literal::new_simple_literal(key));
        for quad in
            self.store
                .quads_for_pattern(None, Some(name_key.as_ref()), Some(key.as_ref()), None)
        {
            if let oxigraph::model::NamedOrBlankNode::NamedNode(city) = quad?.subject {
                found.insert(city);
            }
        }
        Ok(match found.len() {
            0 => {
                if self.cities.is_none() {
                    self.cities = Some(NameIndex::from_query(
                        self.store,
                        &[
                            ("classProperty", rdf::TYPE.into_owned().into()),
                            ("class", tw("Municipality").into()),
                        ],
                    )?);
                }
                self.cities
                    .as_ref()
                    .map_or(Match::Unknown(Vec::new()), |cities| cities.find(name))
            }
            1 => Match::One(found.into_iter().next().expect("one")),
            _ => Match::Ambiguous(found.into_iter().collect()),
        })
    }

    /// Whether an IRI names a source (it cites a URL), in the store or the import.
    fn is_source(&self, iri: &NamedNode) -> Result<bool> {
        Ok(self.sources.contains(iri) || self.has(iri, &format!("{BIBO}uri"), None)?)
    }

    /// Reports what a name matched (`found`) as an error unless it is one entity.
    fn resolve(
        found: Match,
        row: &Row<'_>,
        (column, name): (&str, &str),
        what: &str,
        errors: &mut Vec<CellError>,
    ) -> Option<NamedNode> {
        if name.is_empty() {
            row.error(errors, column, format!("the {what} is required"));
            return None;
        }
        match found {
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
    ) -> Result<()> {
        let before = errors.len();
        let cells = row.cells;
        let country = self.place(
            row,
            &cells.partner_country(),
            "country",
            minting,
            import,
            errors,
            None,
        )?;
        let home = self.place(
            row,
            &cells.home_city(),
            "city",
            minting,
            import,
            errors,
            Some(None),
        )?;
        let partner = self.place(
            row,
            &cells.partner_city(),
            "city",
            minting,
            import,
            errors,
            Some(country.clone()),
        )?;
        let kind = Self::resolve(
            self.kinds.find(&cells.kind),
            row,
            ("kind", &cells.kind),
            "kind",
            errors,
        );
        let status = Self::resolve(
            self.statuses.find(&cells.status),
            row,
            ("status", &cells.status),
            "status",
            errors,
        );
        let date = parse_date(&cells.date);
        if let Err(message) = &date {
            row.error(errors, "date", message.clone());
        }
        let mut themes = Vec::new();
        let theme_cell = &cells.themes;
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
        let urls: Vec<&str> = cells.source_url.split_whitespace().collect();
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
        if cells.source_title.is_empty() {
            row.error(
                errors,
                "source_title",
                "the source's title is required".to_owned(),
            );
        }
        let source_date = match &*cells.source_date {
            "" => Ok(None),
            text => parse_date(text).map(Some),
        };
        if let Err(message) = &source_date {
            row.error(errors, "source_date", message.clone());
        }
        if errors.len() > before {
            return Ok(());
        }
        let (Some(home), Some(partner), Some(kind), Some(status), Ok(date), Ok(source_date)) =
            (home, partner, kind, status, date, source_date)
        else {
            return Ok(());
        };

        let year = &date.value()[..4];
        let key = (home.clone(), partner.clone(), year.to_owned());
        if let Some(known) = self.known_agreement(&key)? {
            import.skipped.push((row.line, known));
            return Ok(());
        }
        let agreement = minting.mint(&format!(
            "agreement/{}-{}-{year}",
            slug(&home),
            slug(&partner)
        ));
        if self.is_agreement(&agreement)? {
            import.skipped.push((row.line, agreement));
            return Ok(());
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
        if !cells.purpose_ar.is_empty() {
            add(
                &agreement,
                tw("statedPurpose"),
                Literal::new_language_tagged_literal_unchecked(&*cells.purpose_ar, "ar").into(),
            );
        }
        for (language, translation) in [("en", &cells.purpose_en), ("fr", &cells.purpose_fr)] {
            if !translation.is_empty() {
                add(
                    &agreement,
                    tw("statedPurposeTranslation"),
                    Literal::new_language_tagged_literal_unchecked(&**translation, language).into(),
                );
            }
        }
        if !cells.notes.is_empty() {
            add(
                &agreement,
                rdfs::COMMENT.into_owned(),
                Literal::new_language_tagged_literal_unchecked(&*cells.notes, "en").into(),
            );
        }
        let key = url_key(urls.iter().copied());
        let known = self.source_citing(&key)?;
        let source = match &known {
            Some(source) => source.clone(),
            None => {
                let base = format!("source/{}", url_slug(urls[0]));
                let mut candidate = minting.mint(&base);
                let mut suffix = 2;
                while self.is_source(&candidate)? {
                    candidate = minting.mint(&format!("{base}-{suffix}"));
                    suffix += 1;
                }
                candidate
            }
        };
        add(&agreement, named(DCTERMS, "source"), source.clone().into());
        if known.is_none() {
            self.sources_by_urls.insert(key, Some(source.clone()));
            self.sources.insert(source.clone());
            add(
                &source,
                rdf::TYPE.into_owned(),
                named("http://purl.org/ontology/bibo/", "Webpage").into(),
            );
            add(
                &source,
                named(DCTERMS, "title"),
                text_literal(&cells.source_title).into(),
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
        Ok(())
    }

    /// Resolves (or, with `create`, mints) a city or a country. `city_country` is `None` for a
    /// country, `Some(None)` for a home city, `Some(Some(country))` for a partner city.
    #[allow(clippy::too_many_arguments)]
    fn place(
        &mut self,
        row: &Row<'_>,
        place: &Place<'_>,
        what: &str,
        minting: &Minting,
        import: &mut Import,
        errors: &mut Vec<CellError>,
        city_country: Option<Option<NamedNode>>,
    ) -> Result<Option<NamedNode>> {
        let name = place.name;
        let matched = if city_country.is_some() {
            self.find_city(name)?
        } else {
            self.countries.find(name)
        };
        let found = match matched {
            Match::Unknown(_) if minting.create && !name.is_empty() => None,
            matched => match Self::resolve(matched, row, (place.column, name), what, errors) {
                Some(entity) => Some(entity),
                None => return Ok(None),
            },
        };
        if let Some(entity) = found {
            self.remember(&entity)?;
            let known = self.city_country.get(&entity).cloned();
            if let (Some(Some(country)), Some(known)) = (&city_country, &known) {
                if known != country {
                    self.remember(known)?;
                    self.remember(country)?;
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
            return Ok(Some(entity));
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
        // The name in the other languages the row gives (`{column}_ar`, `{column}_fr`).
        for (other, text) in place.translations {
            if other != language && !text.is_empty() {
                add(
                    named(SKOS, "prefLabel"),
                    Literal::new_language_tagged_literal_unchecked(text, other).into(),
                );
            }
        }
        match &city_country {
            None => {
                add(rdf::TYPE.into_owned(), named(SCHEMA, "Country").into());
                if row.cells.partner_region.is_empty() {
                    row.error(
                        errors,
                        "partner_region",
                        format!(
                            "'{name}' is a new country: give its world region (partner_region)"
                        ),
                    );
                } else if let Some(region) = Self::resolve(
                    self.regions.find(&row.cells.partner_region),
                    row,
                    ("partner_region", &row.cells.partner_region),
                    "world region",
                    errors,
                ) {
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
        for (other, text) in place.translations {
            if other != language && !text.is_empty() {
                labels.insert(other.to_owned(), text.to_owned());
            }
        }
        let index = if city_country.is_some() {
            &mut self.new_cities
        } else {
            &mut self.countries
        };
        index.insert(name, entity.clone());
        import.created.push(entity.clone());
        Ok(Some(entity))
    }

    fn add_partner_details(
        &self,
        row: &Row<'_>,
        city: &NamedNode,
        minting: &Minting,
        import: &mut Import,
        errors: &mut Vec<CellError>,
    ) {
        let latitude: &str = &row.cells.partner_latitude;
        let longitude: &str = &row.cells.partner_longitude;
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
        let qid: &str = &row.cells.partner_wikidata;
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

pub(super) fn url_key<'a>(urls: impl Iterator<Item = &'a str>) -> String {
    let mut urls: Vec<&str> = urls.collect();
    urls.sort_unstable();
    urls.dedup();
    urls.join(" ")
}
