//! The counts the research questions ask for, kept as RDF Data Cube observations (qb:) in their
//! own graph, so that a question over a million agreements reads a few hundred observations.
//!
//! Each agreement in a scope (tw:inScope) adds one to the observation of each of its values in
//! each data set ([`Contribution`], made by src/derive.rs with the agreement's derived
//! properties). A change takes the old contributions of the agreements it touches out and puts
//! their new ones in ([`Counts::apply`]), so a million agreements are never counted again for
//! one. The data sets and their structures are declared in ontology/derived.ttl; every count can
//! also be computed from the records themselves (queries/README.md shows how).

use std::collections::{HashMap, HashSet};

use oxigraph::model::{GraphNameRef, Literal, NamedNode, Quad, Term, Triple};
use oxigraph::store::Transaction;

use crate::error::Result;
use crate::vocab::{AGGREGATES_GRAPH, ID, TW};

const QB: &str = "http://purl.org/linked-data/cube#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// The data sets (declared in ontology/derived.ttl): the agreements counted by scope alone, or
/// by scope and one more dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum DataSet {
    Scope,
    PartnerCountry,
    PartnerRegion,
    Theme,
    ThemeAxis,
}

impl DataSet {
    /// Its slug under dataset: (and under observation/ for its observations).
    fn slug(self) -> &'static str {
        match self {
            Self::Scope => "agreements-by-scope",
            Self::PartnerCountry => "agreements-by-partner-country",
            Self::PartnerRegion => "agreements-by-partner-region",
            Self::Theme => "agreements-by-theme",
            Self::ThemeAxis => "agreements-by-theme-axis",
        }
    }

    /// The dimension property after tw:scope, if any.
    fn dimension(self) -> Option<&'static str> {
        match self {
            Self::Scope => None,
            Self::PartnerCountry => Some("partnerCountryDimension"),
            Self::PartnerRegion => Some("partnerRegionDimension"),
            Self::Theme => Some("themeDimension"),
            Self::ThemeAxis => Some("themeAxisDimension"),
        }
    }
}

/// What one agreement adds to the counts (from its derived properties, src/derive.rs).
#[derive(Debug, Clone, Default)]
pub struct Contribution {
    /// Its scopes (tw:inScope): its home city and the collections of it.
    pub scopes: Vec<Term>,
    /// Its home cities: the scopes that are cities, for which only the theme breakdowns are
    /// kept.
    pub home_cities: Vec<Term>,
    /// Recorded as a possible duplicate (not counted among the distinct agreements).
    pub duplicate: bool,
    /// Its partner's countries (tw:partnerCountry).
    pub countries: Vec<Term>,
    /// Its partner's world regions (tw:partnerRegion).
    pub regions: Vec<Term>,
    /// Its themes (tw:theme).
    pub themes: Vec<Term>,
    /// Its theme axes (tw:themeAxis).
    pub axes: Vec<Term>,
}

/// Counts by cell: (data set, values of its dimensions, scope first) -> (agreements, distinct
/// agreements). Whole counts, or the change a change of the data makes to them.
#[derive(Debug, Default)]
pub struct Counts(HashMap<(DataSet, Vec<Term>), (i64, i64)>);

impl Counts {
    /// Adds (`sign` 1) or takes out (`sign` -1) one agreement's contribution.
    pub fn add(&mut self, contribution: &Contribution, sign: i64) {
        let distinct = if contribution.duplicate { 0 } else { sign };
        let mut add = |set: DataSet, values: Vec<Term>| {
            let count = self.0.entry((set, values)).or_default();
            count.0 += sign;
            count.1 += distinct;
        };
        for scope in &contribution.scopes {
            let cell = |value: Option<&Term>| {
                std::iter::once(scope)
                    .chain(value)
                    .cloned()
                    .collect::<Vec<_>>()
            };
            add(DataSet::Scope, cell(None));
            // By partner, the counts are kept for whole collections only (no question asks for
            // one city's, and a city's partners are as many as its agreements); by theme and
            // axis for home cities too (questions 006 and 008), a few dozen cells each.
            let city = contribution.home_cities.contains(scope);
            for (set, values) in [
                (DataSet::PartnerCountry, &contribution.countries),
                (DataSet::PartnerRegion, &contribution.regions),
                (DataSet::Theme, &contribution.themes),
                (DataSet::ThemeAxis, &contribution.axes),
            ] {
                if city && matches!(set, DataSet::PartnerCountry | DataSet::PartnerRegion) {
                    continue;
                }
                for value in values {
                    add(set, cell(Some(value)));
                }
            }
        }
    }

    /// The observations of every data set, as quads of the aggregates graph.
    pub fn observations(&self) -> Vec<Quad> {
        let mut quads = Vec::with_capacity(self.0.len() * 6);
        for ((set, values), (agreements, distinct)) in &self.0 {
            if *agreements > 0 {
                observation(*set, values, *agreements, *distinct, &mut quads);
            }
        }
        quads
    }

    /// Applies a change of the counts to the observations stored in a transaction: an
    /// observation whose count falls to 0 is removed, one that appears is written whole.
    pub fn apply(&self, transaction: &mut Transaction<'_>) -> Result<()> {
        let graph = NamedNode::new_unchecked(AGGREGATES_GRAPH);
        let agreement_count = tw("agreementCount");
        let distinct_count = tw("distinctAgreementCount");
        for ((set, values), (agreements, distinct)) in &self.0 {
            if *agreements == 0 && *distinct == 0 {
                continue;
            }
            let subject = observation_iri(*set, values);
            let stored: Vec<Quad> = transaction
                .quads_for_pattern(
                    Some(subject.as_ref().into()),
                    None,
                    None,
                    Some(graph.as_ref().into()),
                )
                .collect::<std::result::Result<_, _>>()?;
            let count = |predicate: &NamedNode| {
                stored
                    .iter()
                    .find(|quad| quad.predicate == *predicate)
                    .and_then(|quad| match &quad.object {
                        Term::Literal(literal) => literal.value().parse::<i64>().ok(),
                        _ => None,
                    })
                    .unwrap_or(0)
            };
            let now = (
                count(&agreement_count) + agreements,
                count(&distinct_count) + distinct,
            );
            for quad in &stored {
                transaction.remove(quad.as_ref());
            }
            if now.0 > 0 {
                let mut quads = Vec::new();
                observation(*set, values, now.0, now.1, &mut quads);
                for quad in &quads {
                    transaction.insert(quad.as_ref());
                }
            }
        }
        Ok(())
    }
}

/// Makes the observations of dataset:governance-indicators again, by their rule
/// (ontology/rules/aggregates/governance-indicators.rq) over what `transaction` sees, and writes
/// the difference: after every derivation, in its transaction. The rule reads a few triples per
/// home city, so it costs milliseconds whatever the number of agreements.
pub fn refresh_governance(transaction: &mut Transaction<'_>) -> Result<()> {
    let graph = NamedNode::new_unchecked(AGGREGATES_GRAPH);
    let made: HashSet<Triple> =
        crate::sparql::construct_in(transaction, crate::sparql::GOVERNANCE_INDICATORS)?
            .into_iter()
            .collect();
    let data_set = NamedNode::new_unchecked(format!("{ID}dataset/governance-indicators"));
    let in_data_set = NamedNode::new_unchecked(format!("{QB}dataSet"));
    let observations = transaction
        .quads_for_pattern(
            None,
            Some(in_data_set.as_ref()),
            Some(data_set.as_ref().into()),
            Some(graph.as_ref().into()),
        )
        .map(|quad| quad.map(|quad| quad.subject))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let mut stored = HashSet::new();
    for observation in &observations {
        for quad in transaction.quads_for_pattern(
            Some(observation.as_ref()),
            None,
            None,
            Some(graph.as_ref().into()),
        ) {
            stored.insert(Triple::from(quad?));
        }
    }
    for triple in stored.difference(&made) {
        transaction.remove(triple.as_ref().in_graph(graph.as_ref()));
    }
    for triple in made.difference(&stored) {
        transaction.insert(triple.as_ref().in_graph(graph.as_ref()));
    }
    Ok(())
}

fn tw(name: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{TW}{name}"))
}

/// The IRI of a cell's observation: the same cell gets the same IRI in every build.
fn observation_iri(set: DataSet, values: &[Term]) -> NamedNode {
    NamedNode::new_unchecked(format!(
        "{ID}observation/{}/{:016x}",
        set.slug(),
        fingerprint(values)
    ))
}

/// Writes one observation's quads.
fn observation(
    set: DataSet,
    values: &[Term],
    agreements: i64,
    distinct: i64,
    quads: &mut Vec<Quad>,
) {
    let graph = NamedNode::new_unchecked(AGGREGATES_GRAPH);
    let slug = set.slug();
    let subject = observation_iri(set, values);
    let mut push = |predicate: NamedNode, object: Term| {
        quads.push(Quad::new(
            subject.clone(),
            predicate,
            object,
            GraphNameRef::from(graph.as_ref()),
        ));
    };
    let qb = |name: &str| NamedNode::new_unchecked(format!("{QB}{name}"));
    push(NamedNode::new_unchecked(RDF_TYPE), qb("Observation").into());
    push(
        qb("dataSet"),
        NamedNode::new_unchecked(format!("{ID}dataset/{slug}")).into(),
    );
    let names = std::iter::once("scope").chain(set.dimension());
    for (name, value) in names.zip(values) {
        push(tw(name), value.clone());
    }
    push(tw("agreementCount"), Literal::from(agreements).into());
    push(tw("distinctAgreementCount"), Literal::from(distinct).into());
}

/// A stable 64-bit FNV-1a digest of the cell's values, for the observation's IRI: the same cell
/// gets the same IRI in every build.
fn fingerprint(values: &[Term]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for value in values {
        for byte in value.to_string().bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}
