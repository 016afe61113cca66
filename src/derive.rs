//! The derived layer (ontology/derived.ttl): what the rules of ontology/rules/ infer from the
//! data, kept in the derived graph, and the counts kept in the aggregates graph.
//!
//! The rules are SPARQL CONSTRUCT files: they define each derived property, for people and for
//! other engines, and a test checks that this module produces exactly their triples. The loader
//! does not evaluate them. Every derived triple is decided by its subject's own triples (an
//! agreement's home city, partner, themes, dates, sources and parties; a place's country,
//! geometry and labels) and a few small tables (collections, countries' regions, the theme
//! hierarchy, the sources' years); a city's `wdt:P190` pairs by the agreements it is a party to,
//! which are kept as pairs of their agreements. So a change derives again only the subjects it
//! touched ([`Dirty`]), reading each one's own triples once (one range of the store's subject
//! index), or, for a bulk load, from the file as it streams by; and a whole store is derived from
//! a few scans of its predicate index.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::OnceLock;

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{
    GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Quad,
    QuadRef, Term, TermRef, Triple,
};
use oxigraph::store::{QuadIter, Store, Transaction};

use crate::aggregates::{Contribution, Counts};
use crate::error::Result;
use crate::vocab::{AGGREGATES_GRAPH, DERIVED_GRAPH, ID, TW};

/// Where the derivation reads: a store or a transaction (which sees its own writes).
pub trait Read {
    /// The quads that match a pattern, in every graph when `graph` is `None`.
    fn quads(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> QuadIter<'_>;
}

impl Read for Store {
    fn quads(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> QuadIter<'_> {
        self.quads_for_pattern(subject, predicate, object, graph)
    }
}

impl Read for Transaction<'_> {
    fn quads(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> QuadIter<'_> {
        self.quads_for_pattern(subject, predicate, object, graph)
    }
}

/// The IRIs the rules read and write.
struct Iris {
    rdf_type: NamedNode,
    agreement: NamedNode,
    municipality: NamedNode,
    alt_label: NamedNode,
    hidden_label: NamedNode,
    name_key: NamedNode,
    home_city: NamedNode,
    member: NamedNode,
    possible_duplicate_of: NamedNode,
    partner_city: NamedNode,
    country: NamedNode,
    world_region: NamedNode,
    theme: NamedNode,
    broader: NamedNode,
    top_concept_of: NamedNode,
    themes: NamedNode,
    date: NamedNode,
    source: NamedNode,
    issued: NamedNode,
    uri: NamedNode,
    pref_label: NamedNode,
    party: NamedNode,
    status: NamedNode,
    doubtful: [NamedNode; 2],
    administering_state: NamedNode,
    has_geometry: NamedNode,
    as_wkt: NamedNode,
    geonames_id: NamedNode,
    wkt_literal: NamedNode,
    // What the rules write.
    label: NamedNode,
    in_scope: NamedNode,
    is_possible_duplicate: NamedNode,
    partner_country: NamedNode,
    partner_region: NamedNode,
    theme_axis: NamedNode,
    table_year: NamedNode,
    source_year: NamedNode,
    twinned: NamedNode,
    located_in: NamedNode,
    coordinates: NamedNode,
    geonames: NamedNode,
    derived: NamedNode,
    aggregates: NamedNode,
}

fn iris() -> &'static Iris {
    static IRIS: OnceLock<Iris> = OnceLock::new();
    IRIS.get_or_init(|| {
        let iri = |iri: String| NamedNode::new_unchecked(iri);
        let tw = |name: &str| iri(format!("{TW}{name}"));
        let skos = |name: &str| iri(format!("http://www.w3.org/2004/02/skos/core#{name}"));
        let dcterms = |name: &str| iri(format!("http://purl.org/dc/terms/{name}"));
        let geo = |name: &str| iri(format!("http://www.opengis.net/ont/geosparql#{name}"));
        let wdt = |name: &str| iri(format!("http://www.wikidata.org/prop/direct/{name}"));
        Iris {
            rdf_type: rdf::TYPE.into_owned(),
            agreement: tw("Agreement"),
            municipality: tw("Municipality"),
            alt_label: skos("altLabel"),
            hidden_label: skos("hiddenLabel"),
            name_key: tw("nameKey"),
            home_city: tw("homeCity"),
            member: skos("member"),
            possible_duplicate_of: tw("possibleDuplicateOf"),
            partner_city: tw("partnerCity"),
            country: tw("country"),
            world_region: tw("worldRegion"),
            theme: tw("theme"),
            broader: skos("broader"),
            top_concept_of: skos("topConceptOf"),
            themes: iri(format!("{ID}scheme/themes")),
            date: dcterms("date"),
            source: dcterms("source"),
            issued: dcterms("issued"),
            uri: iri("http://purl.org/ontology/bibo/uri".to_owned()),
            pref_label: skos("prefLabel"),
            party: tw("party"),
            status: tw("status"),
            doubtful: [
                iri(format!("{ID}status/announced")),
                iri(format!("{ID}status/undocumented")),
            ],
            administering_state: tw("administeringState"),
            has_geometry: geo("hasGeometry"),
            as_wkt: geo("asWKT"),
            geonames_id: tw("geonamesId"),
            wkt_literal: geo("wktLiteral"),
            label: rdfs::LABEL.into_owned(),
            in_scope: tw("inScope"),
            is_possible_duplicate: tw("isPossibleDuplicate"),
            partner_country: tw("partnerCountry"),
            partner_region: tw("partnerRegion"),
            theme_axis: tw("themeAxis"),
            table_year: tw("tableYear"),
            source_year: tw("sourceYear"),
            twinned: wdt("P190"),
            located_in: wdt("P17"),
            coordinates: wdt("P625"),
            geonames: wdt("P1566"),
            derived: iri(DERIVED_GRAPH.to_owned()),
            aggregates: iri(AGGREGATES_GRAPH.to_owned()),
        }
    })
}

/// What the rules read of one subject: its own triples, in every graph but the derived layer's.
#[derive(Debug, Default, Clone, PartialEq)]
struct Own {
    /// `a tw:Agreement`.
    agreement: bool,
    /// `a tw:Municipality`.
    municipality: bool,
    home_cities: Vec<Term>,
    /// Recorded as a possible duplicate of another agreement.
    duplicate: bool,
    partners: Vec<Term>,
    themes: Vec<Term>,
    dates: Vec<Term>,
    sources: Vec<Term>,
    parties: Vec<Term>,
    /// Only announced, or documented by no cited source.
    doubtful: bool,
    labels: Vec<Term>,
    other_labels: Vec<Term>,
    hidden_labels: Vec<Term>,
    countries: Vec<Term>,
    administering_states: Vec<Term>,
    geometries: Vec<Term>,
    geonames_ids: Vec<Term>,
}

impl Own {
    /// Adds one of the subject's triples (others are ignored).
    fn add(&mut self, predicate: NamedNodeRef<'_>, object: Term) {
        let v = iris();
        if predicate == v.rdf_type {
            self.agreement |= matches!(&object, Term::NamedNode(class) if *class == v.agreement);
            self.municipality |=
                matches!(&object, Term::NamedNode(class) if *class == v.municipality);
            return;
        } else if predicate == v.possible_duplicate_of {
            self.duplicate = true;
            return;
        } else if predicate == v.status {
            self.doubtful |=
                matches!(&object, Term::NamedNode(status) if v.doubtful.contains(status));
            return;
        }
        let Some((_, list)) = self
            .lists()
            .into_iter()
            .find(|(filled_by, _)| predicate == **filled_by)
        else {
            return;
        };
        // The union of the graphs repeats a triple stated in two of them: keep it once.
        if !list.contains(&object) {
            list.push(object);
        }
    }

    /// Adds what `other` holds (the triples a bulk load adds to the subject).
    fn merge(&mut self, other: &Own) {
        self.agreement |= other.agreement;
        self.municipality |= other.municipality;
        self.duplicate |= other.duplicate;
        self.doubtful |= other.doubtful;
        let mut other = other.clone();
        for ((_, list), (_, more)) in self.lists().into_iter().zip(other.lists()) {
            for term in more.drain(..) {
                if !list.contains(&term) {
                    list.push(term);
                }
            }
        }
    }

    /// The fields that hold lists, each with the predicate that fills it.
    fn lists(&mut self) -> [(&'static NamedNode, &mut Vec<Term>); 13] {
        let v = iris();
        [
            (&v.home_city, &mut self.home_cities),
            (&v.partner_city, &mut self.partners),
            (&v.theme, &mut self.themes),
            (&v.date, &mut self.dates),
            (&v.source, &mut self.sources),
            (&v.party, &mut self.parties),
            (&v.pref_label, &mut self.labels),
            (&v.alt_label, &mut self.other_labels),
            (&v.hidden_label, &mut self.hidden_labels),
            (&v.country, &mut self.countries),
            (&v.administering_state, &mut self.administering_states),
            (&v.has_geometry, &mut self.geometries),
            (&v.geonames_id, &mut self.geonames_ids),
        ]
    }

    /// Its `wdt:P190` pairs (wikidata-direct.rq): every two of its parties, both ways, when it
    /// is a signed, documented, not duplicate agreement.
    fn pairs(&self) -> Vec<(NamedOrBlankNode, Term)> {
        let mut pairs = Vec::new();
        if self.twins() {
            for party in &self.parties {
                if let Some(node) = as_subject(party) {
                    for other in &self.parties {
                        if other != party {
                            pairs.push((node.into_owned(), other.clone()));
                        }
                    }
                }
            }
        }
        pairs
    }

    /// Whether its `wdt:P190` pairs are offered: a signed, documented, not duplicate agreement.
    fn twins(&self) -> bool {
        self.agreement && !self.doubtful && !self.duplicate
    }
}

/// The predicates [`Own`] keeps, with the object a scan is restricted to (for rdf:type and the
/// statuses, only the values the rules test).
fn own_predicates() -> Vec<(NamedNodeRef<'static>, Option<TermRef<'static>>)> {
    let v = iris();
    let mut predicates = vec![
        (v.rdf_type.as_ref(), Some(v.agreement.as_ref().into())),
        (v.rdf_type.as_ref(), Some(v.municipality.as_ref().into())),
        (v.possible_duplicate_of.as_ref(), None),
    ];
    predicates.extend(
        v.doubtful
            .iter()
            .map(|status| (v.status.as_ref(), Some(status.as_ref().into()))),
    );
    for (predicate, _) in Own::default().lists() {
        predicates.push((predicate.as_ref(), None));
    }
    predicates
}

fn is_derived(graph: &oxigraph::model::GraphName) -> bool {
    is_derived_ref(graph.as_ref())
}

/// Whether a graph is the derived layer's (the derived graph or the aggregates graph).
fn is_derived_ref(graph: GraphNameRef<'_>) -> bool {
    let v = iris();
    matches!(graph, GraphNameRef::NamedNode(g) if g == v.derived || g == v.aggregates)
}

/// The objects of one predicate by subject: read whole (when deriving a whole store) or looked
/// up as needed (when deriving a few subjects), and remembered.
struct Objects {
    predicate: NamedNode,
    whole: bool,
    known: RefCell<HashMap<Term, Rc<Vec<Term>>>>,
}

impl Objects {
    fn lookup(predicate: &NamedNode) -> Self {
        Self {
            predicate: predicate.clone(),
            whole: false,
            known: RefCell::default(),
        }
    }

    fn whole(source: &(impl Read + ?Sized), predicate: &NamedNode) -> Result<Self> {
        let mut known: HashMap<Term, Vec<Term>> = HashMap::new();
        for quad in source.quads(None, Some(predicate.as_ref()), None, None) {
            let quad = quad?;
            if is_derived(&quad.graph_name) {
                continue;
            }
            let objects = known.entry(quad.subject.into()).or_default();
            if !objects.contains(&quad.object) {
                objects.push(quad.object);
            }
        }
        Ok(Self {
            predicate: predicate.clone(),
            whole: true,
            known: RefCell::new(known.into_iter().map(|(k, v)| (k, Rc::new(v))).collect()),
        })
    }

    fn of(&self, source: &(impl Read + ?Sized), subject: &Term) -> Result<Rc<Vec<Term>>> {
        if let Some(objects) = self.known.borrow().get(subject) {
            return Ok(Rc::clone(objects));
        }
        let mut objects = Vec::new();
        if !self.whole {
            if let Some(node) = as_subject(subject) {
                for quad in source.quads(Some(node), Some(self.predicate.as_ref()), None, None) {
                    let quad = quad?;
                    if !is_derived(&quad.graph_name) && !objects.contains(&quad.object) {
                        objects.push(quad.object);
                    }
                }
            }
        }
        let objects = Rc::new(objects);
        self.known
            .borrow_mut()
            .insert(subject.clone(), Rc::clone(&objects));
        Ok(objects)
    }
}

fn as_subject(term: &Term) -> Option<NamedOrBlankNodeRef<'_>> {
    match term {
        Term::NamedNode(node) => Some(node.as_ref().into()),
        Term::BlankNode(node) => Some(node.as_ref().into()),
        _ => None,
    }
}

/// The string value of a term, as SPARQL's STR gives it (none for a blank node).
fn str_of(term: &Term) -> Option<&str> {
    match term {
        Term::NamedNode(node) => Some(node.as_str()),
        Term::Literal(literal) => Some(literal.value()),
        _ => None,
    }
}

/// The small tables the rules join the subjects' own triples with.
struct Tables {
    /// city -> the collections it is a member of (skos:member, read whole: a few per city).
    collections: HashMap<Term, Vec<Term>>,
    countries: Objects,
    regions: Objects,
    issued: Objects,
    urls: Objects,
    wkt: Objects,
    /// concept -> the theme axes it falls under through skos:broader* (only concepts that have
    /// one); read whole, as the theme scheme is small.
    axes: HashMap<Term, Vec<Term>>,
}

impl Tables {
    /// `whole`: read every table whole now (a whole store is being derived).
    fn read(source: &(impl Read + ?Sized), whole: bool) -> Result<Self> {
        let v = iris();
        let mut collections: HashMap<Term, Vec<Term>> = HashMap::new();
        for quad in source.quads(None, Some(v.member.as_ref()), None, None) {
            let quad = quad?;
            if is_derived(&quad.graph_name) {
                continue;
            }
            let list = collections.entry(quad.object).or_default();
            let collection = Term::from(quad.subject);
            if !list.contains(&collection) {
                list.push(collection);
            }
        }
        let objects = |predicate: &NamedNode| {
            if whole {
                Objects::whole(source, predicate)
            } else {
                Ok(Objects::lookup(predicate))
            }
        };
        Ok(Self {
            collections,
            countries: objects(&v.country)?,
            regions: objects(&v.world_region)?,
            issued: objects(&v.issued)?,
            urls: objects(&v.uri)?,
            wkt: objects(&v.as_wkt)?,
            axes: theme_axes(source)?,
        })
    }

    /// The years of a cited source: its dcterms:issued, or, when it has none, a /YYYY/MM/ path
    /// in its URLs (ontology/rules/years.rq).
    fn source_years(&self, source: &(impl Read + ?Sized), cited: &Term) -> Result<Vec<String>> {
        let issued = self.issued.of(source, cited)?;
        if !issued.is_empty() {
            return Ok(issued
                .iter()
                .filter_map(str_of)
                .map(|value| value.chars().take(4).collect())
                .collect());
        }
        static YEAR: OnceLock<(regex::Regex, regex::Regex)> = OnceLock::new();
        let (test, year) = YEAR.get_or_init(|| {
            (
                regex::Regex::new("/(19|20)[0-9]{2}/[01][0-9]/").expect("valid"),
                regex::Regex::new("^.*?/((19|20)[0-9]{2})/[01][0-9]/.*$").expect("valid"),
            )
        });
        Ok(self
            .urls
            .of(source, cited)?
            .iter()
            .filter_map(str_of)
            .filter(|url| test.is_match(url))
            .map(|url| year.replace_all(url, "$1").into_owned())
            .collect())
    }
}

/// Every concept that falls under a theme axis (a top concept of scheme:themes) through
/// skos:broader*, with its axes (ontology/rules/themes.rq).
fn theme_axes(source: &(impl Read + ?Sized)) -> Result<HashMap<Term, Vec<Term>>> {
    let v = iris();
    let mut axes = HashSet::new();
    for quad in source.quads(
        None,
        Some(v.top_concept_of.as_ref()),
        Some(v.themes.as_ref().into()),
        None,
    ) {
        axes.insert(Term::from(quad?.subject));
    }
    let mut broader: HashMap<Term, Vec<Term>> = HashMap::new();
    for quad in source.quads(None, Some(v.broader.as_ref()), None, None) {
        let quad = quad?;
        broader
            .entry(quad.subject.into())
            .or_default()
            .push(quad.object);
    }
    let mut result = HashMap::new();
    for concept in broader.keys().chain(&axes) {
        let mut seen = HashSet::from([concept.clone()]);
        let mut todo = vec![concept.clone()];
        let mut found = Vec::new();
        while let Some(node) = todo.pop() {
            if axes.contains(&node) && !found.contains(&node) {
                found.push(node.clone());
            }
            for parent in broader.get(&node).into_iter().flatten() {
                if seen.insert(parent.clone()) {
                    todo.push(parent.clone());
                }
            }
        }
        if !found.is_empty() {
            found.sort_by_cached_key(ToString::to_string);
            result.insert(concept.clone(), found);
        }
    }
    Ok(result)
}

/// Reads and remembers the subjects' own triples.
struct Subjects {
    /// Every subject was read whole beforehand: one not known has no triple the rules read.
    whole: bool,
    known: RefCell<HashMap<NamedOrBlankNode, Rc<Own>>>,
}

impl Subjects {
    fn lookup() -> Self {
        Self {
            whole: false,
            known: RefCell::default(),
        }
    }

    /// Reads every subject's own triples, one scan per predicate.
    fn whole(source: &(impl Read + ?Sized)) -> Result<Self> {
        let mut known: HashMap<NamedOrBlankNode, Own> = HashMap::new();
        for (predicate, object) in own_predicates() {
            for quad in source.quads(None, Some(predicate), object, None) {
                let quad = quad?;
                if !is_derived(&quad.graph_name) {
                    known
                        .entry(quad.subject)
                        .or_default()
                        .add(predicate, quad.object);
                }
            }
        }
        Ok(Self {
            whole: true,
            known: RefCell::new(known.into_iter().map(|(k, v)| (k, Rc::new(v))).collect()),
        })
    }

    fn own(&self, source: &(impl Read + ?Sized), subject: &NamedOrBlankNode) -> Result<Rc<Own>> {
        if let Some(own) = self.known.borrow().get(subject) {
            return Ok(Rc::clone(own));
        }
        let mut own = Own::default();
        if !self.whole {
            for quad in source.quads(Some(subject.as_ref()), None, None, None) {
                let quad = quad?;
                if !is_derived(&quad.graph_name) {
                    own.add(quad.predicate.as_ref(), quad.object);
                }
            }
        }
        let own = Rc::new(own);
        self.known
            .borrow_mut()
            .insert(subject.clone(), Rc::clone(&own));
        Ok(own)
    }

    fn all(&self) -> Vec<NamedOrBlankNode> {
        self.known.borrow().keys().cloned().collect()
    }
}

/// What was derived for one subject.
#[derive(Default)]
struct Derived {
    /// The triples with the subject as their subject, but for `wdt:P190`.
    triples: Vec<Triple>,
    /// An agreement's `wdt:P190` pairs (their subjects are its parties).
    pairs: Vec<(NamedOrBlankNode, Term)>,
    /// An agreement in at least one scope: what it adds to the counts.
    contribution: Option<Contribution>,
}

/// Everything derived with `subject` as its subject (all rules but `wdt:P190`), an agreement's
/// `wdt:P190` pairs, and its contribution to the counts.
fn derive_subject(
    source: &(impl Read + ?Sized),
    subjects: &Subjects,
    tables: &Tables,
    subject: &NamedOrBlankNode,
) -> Result<Derived> {
    let v = iris();
    let own = subjects.own(source, subject)?;
    let mut triples = Vec::new();
    let mut push = |predicate: &NamedNode, object: Term| {
        triples.push(Triple::new(subject.clone(), predicate.clone(), object));
    };
    // labels.rq
    for label in &own.labels {
        push(&v.label, label.clone());
    }
    // A city's name keys (no rule: SPARQL cannot fold Unicode; src/matching.rs).
    if own.municipality {
        let slug = match subject {
            NamedOrBlankNode::NamedNode(node) => node.as_str().rsplit('/').next(),
            _ => None,
        };
        let mut keys: Vec<String> = own
            .labels
            .iter()
            .chain(&own.other_labels)
            .chain(&own.hidden_labels)
            .filter_map(|label| match label {
                Term::Literal(literal) => Some(literal.value()),
                _ => None,
            })
            .chain(slug)
            .map(crate::matching::normalise)
            .filter(|key| !key.is_empty())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            push(&v.name_key, Literal::new_simple_literal(key).into());
        }
    }
    // wikidata-direct.rq: P17, P625, P1566 of a place.
    for country in own.countries.iter().chain(&own.administering_states) {
        push(&v.located_in, country.clone());
    }
    for geometry in &own.geometries {
        for wkt in tables.wkt.of(source, geometry)?.iter() {
            if let Some(text) = str_of(wkt) {
                push(
                    &v.coordinates,
                    Literal::new_typed_literal(point(text), v.wkt_literal.clone()).into(),
                );
            }
        }
    }
    for id in &own.geonames_ids {
        push(&v.geonames, id.clone());
    }
    // themes.rq: a concept's axes.
    let me = Term::from(subject.clone());
    for axis in tables.axes.get(&me).into_iter().flatten() {
        push(&v.theme_axis, axis.clone());
    }
    // The agreement's own properties: scope.rq, duplicates.rq, partners.rq, themes.rq, years.rq.
    let mut scopes = Vec::new();
    for city in &own.home_cities {
        for collection in tables.collections.get(city).into_iter().flatten() {
            for scope in [city, collection] {
                if !scopes.contains(scope) {
                    scopes.push(scope.clone());
                }
            }
        }
    }
    for scope in &scopes {
        push(&v.in_scope, scope.clone());
    }
    if own.agreement {
        push(
            &v.is_possible_duplicate,
            Literal::from(own.duplicate).into(),
        );
    }
    let mut countries = Vec::new();
    let mut regions = Vec::new();
    for partner in &own.partners {
        for country in tables.countries.of(source, partner)?.iter() {
            if !countries.contains(country) {
                countries.push(country.clone());
            }
            for region in tables.regions.of(source, country)?.iter() {
                if !regions.contains(region) {
                    regions.push(region.clone());
                }
            }
        }
    }
    for country in &countries {
        push(&v.partner_country, country.clone());
    }
    for region in &regions {
        push(&v.partner_region, region.clone());
    }
    let mut axes = Vec::new();
    for theme in &own.themes {
        for axis in tables.axes.get(theme).into_iter().flatten() {
            if !axes.contains(axis) {
                axes.push(axis.clone());
            }
        }
    }
    for axis in &axes {
        push(&v.theme_axis, axis.clone());
    }
    if own.agreement {
        for date in &own.dates {
            if let Some(text) = str_of(date) {
                let year: String = text.chars().take(4).collect();
                push(
                    &v.table_year,
                    Literal::new_typed_literal(year, xsd::G_YEAR).into(),
                );
            }
        }
        let mut earliest: Option<String> = None;
        for cited in &own.sources {
            for year in tables.source_years(source, cited)? {
                if earliest.as_ref().is_none_or(|e| year < *e) {
                    earliest = Some(year);
                }
            }
        }
        if let Some(year) = earliest {
            push(
                &v.source_year,
                Literal::new_typed_literal(year, xsd::G_YEAR).into(),
            );
        }
    }
    let contribution = (!scopes.is_empty()).then(|| Contribution {
        scopes,
        home_cities: own.home_cities.clone(),
        duplicate: own.agreement && own.duplicate,
        countries,
        regions,
        themes: own.themes.clone(),
        axes,
    });
    Ok(Derived {
        triples,
        pairs: own.pairs(),
        contribution,
    })
}

/// The WKT of a point in the query service's form: `Point(longitude latitude)`
/// (wikidata-direct.rq: REPLACE(STR(?wkt), "^\\s*POINT\\s*", "Point", "i")).
fn point(wkt: &str) -> String {
    static POINT: OnceLock<regex::Regex> = OnceLock::new();
    POINT
        .get_or_init(|| regex::Regex::new(r"(?i)^[ \t\n\r]*POINT[ \t\n\r]*").expect("valid"))
        .replace_all(wkt, "Point")
        .into_owned()
}

/// The whole derived layer of a store: every derived triple (passed to `emit`, possibly more
/// than once) and the counts.
pub fn derive_all(
    source: &(impl Read + ?Sized),
    emit: &mut dyn FnMut(Triple) -> Result<()>,
) -> Result<Counts> {
    let subjects = Subjects::whole(source)?;
    let tables = Tables::read(source, true)?;
    let mut counts = Counts::default();
    let mut all = subjects.all();
    // Concepts under a theme axis have a derived triple of their own.
    for concept in tables.axes.keys() {
        if let Some(node) = as_subject(concept) {
            all.push(node.into_owned());
        }
    }
    let mut done = HashSet::with_capacity(all.len());
    for subject in all {
        if !done.insert(subject.clone()) {
            continue;
        }
        let derived = derive_subject(source, &subjects, &tables, &subject)?;
        if let Some(contribution) = &derived.contribution {
            counts.add(contribution, 1);
        }
        for (party, other) in derived.pairs {
            emit(Triple::new(party, iris().twinned.clone(), other))?;
        }
        for triple in derived.triples {
            emit(triple)?;
        }
    }
    Ok(counts)
}

/// The subjects a change touches: those whose derived triples may change with it.
#[derive(Debug, Default)]
pub struct Dirty {
    subjects: HashSet<NamedOrBlankNode>,
    /// The change reaches every agreement (the theme hierarchy changed): derive everything.
    all: bool,
    /// The subject of the last quad noted: a file lists a subject's triples together.
    last: Option<NamedOrBlankNode>,
}

impl Dirty {
    /// Notes one quad added or removed, reading `source` before the change.
    pub fn note(&mut self, source: &(impl Read + ?Sized), quad: QuadRef<'_>) -> Result<()> {
        let v = iris();
        if self.all {
            return Ok(());
        }
        if is_derived_ref(quad.graph_name) {
            return Ok(());
        }
        let predicate = quad.predicate;
        if predicate == v.broader || predicate == v.top_concept_of {
            self.all = true;
            return Ok(());
        }
        let plain = ![
            &v.member,
            &v.country,
            &v.world_region,
            &v.issued,
            &v.uri,
            &v.as_wkt,
        ]
        .iter()
        .any(|special| predicate == **special);
        if plain
            && self
                .last
                .as_ref()
                .is_some_and(|last| last.as_ref() == quad.subject)
        {
            return Ok(());
        }
        self.last = Some(quad.subject.into_owned());
        self.subjects.insert(quad.subject.into_owned());
        let object = quad.object;
        // Who reads this subject's triple through a table.
        let subject = Term::from(quad.subject.into_owned());
        if predicate == v.member {
            self.referring(source, &v.home_city, object)?;
        } else if predicate == v.country {
            self.referring(source, &v.partner_city, subject.as_ref())?;
        } else if predicate == v.world_region {
            let partners: Vec<Term> = source
                .quads(None, Some(v.country.as_ref()), Some(subject.as_ref()), None)
                .map(|quad| quad.map(|quad| quad.subject.into()))
                .collect::<std::result::Result<_, _>>()?;
            for partner in partners {
                self.referring(source, &v.partner_city, partner.as_ref())?;
            }
        } else if predicate == v.issued || predicate == v.uri {
            self.referring(source, &v.source, subject.as_ref())?;
        } else if predicate == v.as_wkt {
            self.referring(source, &v.has_geometry, subject.as_ref())?;
        }
        Ok(())
    }

    /// Marks the subjects of `predicate` whose object is `object`.
    fn referring(
        &mut self,
        source: &(impl Read + ?Sized),
        predicate: &NamedNode,
        object: TermRef<'_>,
    ) -> Result<()> {
        for quad in source.quads(None, Some(predicate.as_ref()), Some(object), None) {
            self.subjects.insert(quad?.subject);
        }
        Ok(())
    }

    /// Marks everything to be derived again.
    pub fn touch_all(&mut self) {
        self.all = true;
    }

    /// Whether everything must be derived again.
    pub fn all(&self) -> bool {
        self.all
    }

    /// How many subjects it touches.
    pub fn len(&self) -> usize {
        self.subjects.len()
    }

    /// Whether it touches nothing.
    pub fn is_empty(&self) -> bool {
        !self.all && self.subjects.is_empty()
    }
}

/// The touched subjects as they were before a change: read before it is applied, so that their
/// old contributions can be taken out of the counts and their old `wdt:P190` pairs checked.
pub struct Before {
    subjects: Vec<NamedOrBlankNode>,
    owns: Subjects,
    counts: Counts,
    pairs: HashSet<(NamedOrBlankNode, Term)>,
}

impl Before {
    /// Reads the touched subjects before the change.
    pub fn read(source: &(impl Read + ?Sized), dirty: Dirty) -> Result<Self> {
        let owns = Subjects::lookup();
        let tables = Tables::read(source, false)?;
        let subjects: Vec<NamedOrBlankNode> = dirty.subjects.into_iter().collect();
        let mut counts = Counts::default();
        let mut pairs = HashSet::new();
        for subject in &subjects {
            let own = owns.own(source, subject)?;
            pairs.extend(own.pairs());
            if own.home_cities.is_empty() {
                continue;
            }
            let derived = derive_subject(source, &owns, &tables, subject)?;
            if let Some(contribution) = &derived.contribution {
                counts.add(contribution, -1);
            }
        }
        Ok(Self {
            subjects,
            owns,
            counts,
            pairs,
        })
    }

    /// How many subjects will be derived again.
    pub fn len(&self) -> usize {
        self.subjects.len()
    }

    /// Whether no subject will be.
    pub fn is_empty(&self) -> bool {
        self.subjects.is_empty()
    }
}

/// What a bulk load adds to each subject it touches, collected as the file streams by (a file
/// lists a subject's triples together: they are gathered before they are filed).
#[derive(Default)]
pub struct Additions {
    subjects: HashMap<NamedOrBlankNode, Own>,
    current: Option<(NamedOrBlankNode, Own)>,
}

impl Additions {
    /// Notes one quad of the file.
    pub fn add(&mut self, quad: QuadRef<'_>) {
        if is_derived_ref(quad.graph_name) {
            return;
        }
        match &mut self.current {
            Some((subject, own)) if subject.as_ref() == quad.subject => {
                own.add(quad.predicate, quad.object.into_owned());
            }
            _ => {
                self.file();
                let mut own = Own::default();
                own.add(quad.predicate, quad.object.into_owned());
                self.current = Some((quad.subject.into_owned(), own));
            }
        }
    }

    fn file(&mut self) {
        if let Some((subject, own)) = self.current.take() {
            if own != Own::default() {
                self.subjects.entry(subject).or_default().merge(&own);
            }
        }
    }

    fn into_map(mut self) -> HashMap<NamedOrBlankNode, Own> {
        self.file();
        self.subjects
    }
}

/// After the change: derives the touched subjects again, reading them from `source`, or, when a
/// bulk load only added `additions`, from what they were before and those. `remove` and
/// `insert` receive the derived triples that go and come; returns the change in the counts.
pub fn derive_again(
    source: &(impl Read + ?Sized),
    before: Before,
    additions: Option<Additions>,
    remove: &mut dyn FnMut(Quad) -> Result<()>,
    insert: &mut dyn FnMut(Triple) -> Result<()>,
    tick: &mut dyn FnMut(),
) -> Result<Counts> {
    let v = iris();
    let tables = Tables::read(source, false)?;
    let owns = match additions {
        None => Subjects::lookup(),
        Some(additions) => {
            let mut additions = additions.into_map();
            let mut known = HashMap::with_capacity(before.subjects.len());
            for subject in &before.subjects {
                let mut own = Own::clone(&*before.owns.own(source, subject)?);
                if let Some(added) = additions.remove(subject) {
                    own.merge(&added);
                }
                known.insert(subject.clone(), Rc::new(own));
            }
            Subjects {
                whole: true,
                known: RefCell::new(known),
            }
        }
    };
    let mut counts = before.counts;
    let mut pairs = HashSet::new();
    for subject in &before.subjects {
        let derived = derive_subject(source, &owns, &tables, subject)?;
        if let Some(contribution) = &derived.contribution {
            counts.add(contribution, 1);
        }
        pairs.extend(derived.pairs);
        // Only what changed is written: a triple both old and new stays. A subject that had no
        // triple the rules read had no derived triple that could go (those of the theme
        // hierarchy change only with it, and then everything is derived again).
        let mut new: HashSet<Triple> = derived.triples.into_iter().collect();
        // (Not even looked up then: after a bulk load, before the compaction, every lookup
        // reads many files.)
        let had_none = *before.owns.own(source, subject)? == Own::default();
        let old = if had_none {
            None
        } else {
            Some(source.quads(
                Some(subject.as_ref()),
                None,
                None,
                Some(v.derived.as_ref().into()),
            ))
        };
        for quad in old.into_iter().flatten() {
            let quad = quad?;
            if quad.predicate == v.twinned {
                continue;
            }
            let triple = Triple::from(quad.clone());
            if !new.remove(&triple) {
                remove(quad)?;
            }
        }
        for triple in new {
            insert(triple)?;
        }
        tick();
    }
    // A pair that went may still be made by another agreement of the two cities.
    for (party, other) in before.pairs.difference(&pairs) {
        if !made_by_any(source, party, other)? {
            remove(Quad::new(
                party.clone(),
                v.twinned.clone(),
                other.clone(),
                v.derived.clone(),
            ))?;
        }
    }
    for (party, other) in pairs {
        insert(Triple::new(party, v.twinned.clone(), other))?;
    }
    Ok(counts)
}

/// Whether some agreement makes the `wdt:P190` pair (`party`, `other`), as `source` is now.
fn made_by_any(
    source: &(impl Read + ?Sized),
    party: &NamedOrBlankNode,
    other: &Term,
) -> Result<bool> {
    let v = iris();
    let owns = Subjects::lookup();
    let party = Term::from(party.clone());
    for quad in source.quads(None, Some(v.party.as_ref()), Some(party.as_ref()), None) {
        let own = owns.own(source, &quad?.subject)?;
        if own.twins() && own.parties.contains(other) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Past this many touched subjects, a change in a transaction derives everything: as fast, and
/// the transaction holds it anyway.
const WHOLE: usize = 20_000;

/// Derives what a change made in a transaction touched, in the same transaction: `change`
/// applies it (after the touched subjects were read as they were). A change that reaches every
/// agreement (or most of a small store) derives everything.
pub fn apply(
    transaction: &mut Transaction<'_>,
    removed: &[Quad],
    added: &[Quad],
    change: impl FnOnce(&mut Transaction<'_>) -> Result<()>,
) -> Result<()> {
    let mut dirty = Dirty::default();
    for quad in removed.iter().chain(added) {
        dirty.note(&*transaction, quad.as_ref())?;
    }
    if dirty.all() || dirty.len() > WHOLE {
        change(transaction)?;
        return derive_all_in(transaction);
    }
    let before = Before::read(&*transaction, dirty)?;
    change(transaction)?;
    let derived = iris().derived.clone();
    let mut removals = Vec::new();
    let mut insertions = Vec::new();
    let counts = derive_again(
        &*transaction,
        before,
        None,
        &mut |quad| {
            removals.push(quad);
            Ok(())
        },
        &mut |triple| {
            insertions.push(triple.in_graph(derived.clone()));
            Ok(())
        },
        &mut || {},
    )?;
    for quad in &removals {
        transaction.remove(quad.as_ref());
    }
    for quad in &insertions {
        transaction.insert(quad.as_ref());
    }
    counts.apply(transaction)?;
    crate::aggregates::refresh_governance(transaction)
}

/// Replaces the whole derived layer in a transaction.
pub fn derive_all_in(transaction: &mut Transaction<'_>) -> Result<()> {
    let v = iris();
    transaction.clear_graph(v.derived.as_ref())?;
    let mut triples = Vec::new();
    let counts = derive_all(&*transaction, &mut |triple| {
        triples.push(triple);
        Ok(())
    })?;
    for triple in &triples {
        transaction.insert(triple.as_ref().in_graph(v.derived.as_ref()));
    }
    transaction.clear_graph(v.aggregates.as_ref())?;
    for quad in counts.observations() {
        transaction.insert(quad.as_ref());
    }
    crate::aggregates::refresh_governance(transaction)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use oxigraph::model::{GraphName, NamedNodeRef};
    use oxigraph::sparql::QueryResults;

    use super::*;
    use crate::format::RdfSyntax;
    use crate::load::{self, Document};

    /// The triples of the rules of ontology/rules/, evaluated by Oxigraph's SPARQL engine.
    fn by_rules(store: &Store) -> BTreeSet<String> {
        let mut triples = BTreeSet::new();
        for rule in crate::bundle::rule_files() {
            let results = crate::sparql::prepare(rule.path, rule.text)
                .expect("the rule parses")
                .on_store(store)
                .execute()
                .expect("the rule runs");
            let QueryResults::Graph(results) = results else {
                panic!("{} is not a CONSTRUCT", rule.path)
            };
            for triple in results {
                triples.insert(triple.expect("a triple").to_string());
            }
        }
        triples
    }

    fn graph_of(store: &Store, graph: &str) -> BTreeSet<String> {
        store
            .quads_for_pattern(
                None,
                None,
                None,
                Some(NamedNodeRef::new_unchecked(graph).into()),
            )
            .map(|quad| Triple::from(quad.expect("a quad")).to_string())
            .collect()
    }

    /// The derived and aggregates graphs as a derivation from scratch makes them.
    fn from_scratch(store: &Store) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut derived = BTreeSet::new();
        let counts = derive_all(store, &mut |triple| {
            derived.insert(triple.to_string());
            Ok(())
        })
        .expect("derives");
        let transaction = store.start_transaction().expect("a transaction");
        let governance =
            crate::sparql::construct_in(&transaction, crate::sparql::GOVERNANCE_INDICATORS)
                .expect("the governance rule runs");
        let aggregates = counts
            .observations()
            .into_iter()
            .map(Triple::from)
            .chain(governance)
            .map(|triple| triple.to_string())
            .collect();
        (derived, aggregates)
    }

    /// Asserts that two sets of triples are equal, naming the triples only one of them has.
    fn assert_same(left: &BTreeSet<String>, right: &BTreeSet<String>, what: [&str; 2]) {
        for (one, other, what) in [(left, right, what[0]), (right, left, what[1])] {
            assert_eq!(
                one.difference(other).collect::<Vec<_>>(),
                Vec::<&String>::new(),
                "{what}"
            );
        }
    }

    /// Asserts that the store's derived layer is what a derivation from scratch gives.
    fn assert_current(store: &Store, after: &str) {
        let (derived, aggregates) = from_scratch(store);
        let stored = graph_of(store, DERIVED_GRAPH);
        assert_same(
            &stored,
            &derived,
            [
                &format!("stale derived triples after {after}"),
                &format!("missing derived triples after {after}"),
            ],
        );
        let stored = graph_of(store, AGGREGATES_GRAPH);
        assert_eq!(stored, aggregates, "counts after {after}");
    }

    fn synthetic(agreements: usize, seed: u64) -> Vec<u8> {
        let mut bytes = Vec::new();
        crate::synth::generate(
            crate::synth::Shape {
                agreements,
                cities: agreements / 3 + 10,
                seed,
            },
            &mut bytes,
        )
        .expect("synthetic world");
        bytes
    }

    fn world(agreements: usize) -> Store {
        let store = Store::new().expect("store");
        let mut documents = load::bundled_documents().expect("bundle");
        documents.push(
            Document::parse(
                "synthetic.nt",
                &synthetic(agreements, 7),
                RdfSyntax::Ntriples,
                NamedNode::new_unchecked("https://example.org/synthetic"),
            )
            .expect("parses"),
        );
        load::load_documents(&store, &documents).expect("loads");
        store
    }

    #[test]
    fn the_derivation_gives_exactly_what_the_rules_infer() {
        for store in [
            {
                let store = Store::new().expect("store");
                load::load_bundle(&store).expect("loads");
                store
            },
            world(300),
        ] {
            let (derived, _) = from_scratch(&store);
            assert_eq!(graph_of(&store, DERIVED_GRAPH), derived);
            // The cities' name keys have no rule: they are their names as the importer folds
            // them (src/matching.rs).
            let (keys, derived): (BTreeSet<String>, BTreeSet<String>) = derived
                .into_iter()
                .partition(|triple| triple.contains("/ontology#nameKey> "));
            let rules = by_rules(&store);
            assert_same(
                &derived,
                &rules,
                ["derived beyond the rules", "the rules infer more"],
            );
            assert!(derived.len() > 1000, "{}", derived.len());
            let mut folded = BTreeSet::new();
            let names = "SELECT ?city ?name WHERE { ?city a tw:Municipality . \
                 { ?city skos:prefLabel|skos:altLabel|skos:hiddenLabel ?name } \
                 UNION { ?city a tw:Municipality BIND(REPLACE(STR(?city), \"^.*/\", \"\") AS ?name) } }";
            for solution in crate::sparql::select_text(&store, "names", names, &[]).expect("runs") {
                let (Some(Term::NamedNode(city)), Some(Term::Literal(name))) =
                    (solution.get("city"), solution.get("name"))
                else {
                    continue;
                };
                let key = crate::matching::normalise(name.value());
                if !key.is_empty() {
                    folded.insert(format!(
                        "{city} <{TW}nameKey> {}",
                        Literal::new_simple_literal(key)
                    ));
                }
            }
            assert!(folded.len() > 20, "{}", folded.len());
            assert_same(
                &keys,
                &folded,
                ["keys beyond the names", "names without a key"],
            );
        }
    }

    /// The subjects of one predicate with one object, in a stable order.
    fn subjects(store: &Store, predicate: &str, object: Option<&str>) -> Vec<(Quad, Term)> {
        let predicate = NamedNode::new_unchecked(predicate);
        let object = object.map(NamedNode::new_unchecked);
        let mut quads: Vec<Quad> = store
            .quads_for_pattern(
                None,
                Some(predicate.as_ref()),
                object.as_ref().map(|o| o.as_ref().into()),
                None,
            )
            .map(|quad| quad.expect("a quad"))
            .filter(|quad| !is_derived(&quad.graph_name))
            .collect();
        quads.sort_by_key(ToString::to_string);
        quads
            .into_iter()
            .map(|quad| {
                let object = quad.object.clone();
                (quad, object)
            })
            .collect()
    }

    fn all_of(store: &Store, subject: &Term) -> Vec<Quad> {
        let Some(subject) = as_subject(subject) else {
            return Vec::new();
        };
        store
            .quads_for_pattern(Some(subject), None, None, None)
            .map(|quad| quad.expect("a quad"))
            .filter(|quad| !is_derived(&quad.graph_name))
            .collect()
    }

    #[test]
    fn a_change_derives_what_it_touches_as_a_derivation_from_scratch_would() {
        let store = world(300);
        assert_current(&store, "the load");
        let synthetic = NamedNode::new_unchecked("https://example.org/synthetic");
        let tw = |name: &str| format!("{TW}{name}");
        let change = |remove: Vec<Quad>, add: Vec<Triple>, what: &str| {
            load::change(&store, &remove, &synthetic, &add).expect("changes");
            assert_current(&store, what);
        };
        let home = subjects(&store, &tw("homeCity"), None);
        let partner = subjects(&store, &tw("partnerCity"), None);

        // An agreement removed whole.
        let gone = Term::from(home[0].0.subject.clone());
        change(all_of(&store, &gone), Vec::new(), "removing an agreement");

        // An agreement added: another one's triples under a new IRI.
        let model = Term::from(home[1].0.subject.clone());
        let fresh = NamedNode::new_unchecked(format!("{ID}agreement/fresh"));
        let copy = all_of(&store, &model)
            .into_iter()
            .map(|quad| Triple::new(fresh.clone(), quad.predicate, quad.object))
            .collect();
        change(Vec::new(), copy, "adding an agreement");

        // Recorded as a possible duplicate; then only announced.
        let agreement = home[2].0.subject.clone();
        change(
            Vec::new(),
            vec![Triple::new(
                agreement.clone(),
                NamedNode::new_unchecked(tw("possibleDuplicateOf")),
                model.clone(),
            )],
            "a possible duplicate",
        );
        let status = NamedNode::new_unchecked(tw("status"));
        let old: Vec<Quad> = store
            .quads_for_pattern(Some(agreement.as_ref()), Some(status.as_ref()), None, None)
            .map(|quad| quad.expect("a quad"))
            .collect();
        change(
            old,
            vec![Triple::new(
                agreement.clone(),
                status,
                NamedNode::new_unchecked(format!("{ID}status/announced")),
            )],
            "a status",
        );

        // A partner city moves to another country; a country to another region.
        let city = partner[5].1.clone();
        let country = NamedNode::new_unchecked(tw("country"));
        let countries = subjects(&store, &tw("country"), None);
        let moved: Vec<Quad> = all_of(&store, &city)
            .into_iter()
            .filter(|quad| quad.predicate == country)
            .collect();
        let elsewhere = countries
            .iter()
            .map(|(_, country)| country.clone())
            .find(|other| moved.iter().all(|quad| quad.object != *other))
            .expect("another country");
        let city_node = as_subject(&city).expect("a node").into_owned();
        change(
            moved,
            vec![Triple::new(city_node, country, elsewhere)],
            "a partner city's country",
        );
        let regions = subjects(&store, &tw("worldRegion"), None);
        let (quad, region) = &regions[0];
        let other_region = regions
            .iter()
            .map(|(_, region)| region.clone())
            .find(|other| other != region)
            .expect("another region");
        change(
            vec![quad.clone()],
            vec![Triple::new(
                quad.subject.clone(),
                quad.predicate.clone(),
                other_region,
            )],
            "a country's region",
        );

        // A home city leaves its collection.
        let members = subjects(&store, "http://www.w3.org/2004/02/skos/core#member", None);
        let leaving = members
            .iter()
            .find(|(quad, _)| quad.subject.to_string().contains("home-cities"))
            .expect("a member")
            .0
            .clone();
        change(vec![leaving], Vec::new(), "a city leaving its collection");

        // A theme added to an agreement; a source's date removed.
        let themes = subjects(&store, &tw("theme"), None);
        change(
            Vec::new(),
            vec![Triple::new(
                home[7].0.subject.clone(),
                NamedNode::new_unchecked(tw("theme")),
                themes[0].1.clone(),
            )],
            "a theme",
        );
        let issued = subjects(&store, "http://purl.org/dc/terms/issued", None);
        change(vec![issued[0].0.clone()], Vec::new(), "a source's date");

        // The theme hierarchy changes: everything is derived again.
        let broader = subjects(&store, "http://www.w3.org/2004/02/skos/core#broader", None);
        change(
            vec![broader[0].0.clone()],
            Vec::new(),
            "the theme hierarchy",
        );

        // The whole synthetic graph removed.
        load::remove_graph(&store, GraphName::NamedNode(synthetic.clone()).as_ref())
            .expect("removes");
        assert_current(&store, "removing a graph");
    }

    #[test]
    fn a_bulk_load_derives_the_new_agreements_as_a_derivation_from_scratch_would() {
        let dir = tempfile::tempdir().expect("a directory");
        let store = Store::new().expect("store");
        load::load_bundle(&store).expect("loads");
        for (name, seed) in [("first.nt", 1), ("second.nt", 2)] {
            let path = dir.path().join(name);
            std::fs::write(&path, synthetic(200, seed)).expect("writes");
            let graph = load::file_graph_name(&path).expect("a graph name");
            load::bulk_load(&store, &path, RdfSyntax::Ntriples, graph, &|| Ok(()))
                .expect("bulk loads");
            assert_current(&store, name);
        }
    }
}
