//! Reconciling our places with candidate items: names, country, GeoNames ID and distance, and
//! the query that asks Wikidata for candidates.

use std::collections::{BTreeMap, BTreeSet};

use oxigraph::model::{Literal, NamedNode, Term, Triple};
use oxigraph::store::Store;

use crate::error::Result;
use crate::matching::normalise;
use crate::sparql;
use crate::vocab::{ID, TW};

use super::candidates::*;
use super::*;

/// One of our places, as the linker sees it.
#[derive(Debug, Clone)]
pub struct Place {
    /// Its IRI.
    pub iri: String,
    /// Its English label.
    pub label: String,
    /// All its names, any language.
    pub names: BTreeSet<String>,
    /// Its country's Wikidata item.
    pub country: Option<String>,
    /// Its GeoNames ID.
    pub geonames: Option<String>,
    /// Longitude, latitude.
    pub coordinates: Option<(f64, f64)>,
    /// The curated exact match.
    pub exact: Option<String>,
    /// A recorded candidate.
    pub candidate: Option<String>,
}

/// Our cities and communes, with what the linker compares.
pub fn places(store: &Store) -> Result<Vec<Place>> {
    let mut places: BTreeMap<String, Place> = BTreeMap::new();
    for solution in sparql::select(store, sparql::LINK_PLACES, &[])? {
        let text = |name: &str| match solution.get(name) {
            Some(Term::Literal(literal)) => Some(literal.value().to_owned()),
            Some(Term::NamedNode(node)) => Some(node.as_str().to_owned()),
            _ => None,
        };
        let Some(iri) = text("place") else { continue };
        let place = places.entry(iri.clone()).or_insert_with(|| Place {
            iri,
            label: text("label").unwrap_or_default(),
            names: BTreeSet::new(),
            country: None,
            geonames: None,
            coordinates: None,
            exact: None,
            candidate: None,
        });
        place.names.extend(text("name"));
        place.names.insert(place.label.clone());
        place.country = place
            .country
            .take()
            .or_else(|| text("countryItem").and_then(|c| qid_of(&c)));
        place.geonames = place.geonames.take().or_else(|| text("geonames"));
        place.coordinates = place
            .coordinates
            .or_else(|| text("wkt").and_then(|w| parse_point(&w)));
        place.exact = place
            .exact
            .take()
            .or_else(|| text("exact").and_then(|c| qid_of(&c)));
        place.candidate = place
            .candidate
            .take()
            .or_else(|| text("candidate").and_then(|c| qid_of(&c)));
    }
    Ok(places.into_values().collect())
}

/// Names compared without case, diacritics, Arabic letter variants or an article prefix
/// (El-/Al-/Ad-/Ed-/Le-/La-, ال).
pub fn name_key(name: &str) -> String {
    let folded = normalise(name);
    for article in ["el ", "al ", "ad ", "ed ", "as ", "es ", "le ", "la "] {
        if let Some(rest) = folded.strip_prefix(article) {
            return rest.to_owned();
        }
    }
    folded
        .strip_prefix("ال")
        .filter(|rest| rest.chars().count() >= 3)
        .map_or(folded.clone(), str::to_owned)
}

/// Great-circle distance in kilometres.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// How a proposal was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// It is the curated exact match.
    Confirms,
    /// Above the threshold, no curated match: becomes the exact match.
    Promote,
    /// Below the threshold: listed for a person to review.
    Review,
    /// Above the threshold, but the place already has a different curated exact match.
    Conflict,
}

/// A possible link, its score and why.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// Our place.
    pub place: Place,
    /// The item.
    pub qid: String,
    /// 0 to 1.
    pub score: f64,
    /// The evidence, rule by rule.
    pub evidence: Vec<String>,
    /// What to do with it.
    pub decision: Decision,
}

/// Scores every candidate whose name matches one of a place's names: the name (0.4), the country
/// (P17, ±), the GeoNames ID (P1566, ±) and the distance between coordinates (P625, ±).
pub fn reconcile(places: &[Place], candidates: &[Candidate], threshold: f64) -> Vec<Proposal> {
    let mut proposals = Vec::new();
    for place in places {
        let keys: BTreeSet<String> = place.names.iter().map(|n| name_key(n)).collect();
        let mut best: BTreeMap<&str, (f64, Vec<String>)> = BTreeMap::new();
        for candidate in candidates
            .iter()
            .filter(|c| keys.contains(&name_key(&c.label)))
        {
            let mut score: f64 = 0.4;
            let mut evidence = vec![format!("name '{}' matches", candidate.label)];
            match (&place.country, &candidate.country) {
                (Some(ours), Some(theirs)) if ours == theirs => {
                    score += 0.2;
                    evidence.push(format!("country {theirs} agrees"));
                }
                (Some(ours), Some(theirs)) => {
                    score -= 0.4;
                    evidence.push(format!("country {theirs} differs from {ours}"));
                }
                _ => evidence.push("country not compared".to_owned()),
            }
            match (&place.geonames, &candidate.geonames) {
                (Some(ours), Some(theirs)) if ours == theirs => {
                    score += 0.3;
                    evidence.push(format!("GeoNames {theirs} agrees"));
                }
                (Some(ours), Some(theirs)) => {
                    score -= 0.3;
                    evidence.push(format!("GeoNames {theirs} differs from {ours}"));
                }
                _ => {}
            }
            if let (Some(ours), Some(theirs)) = (place.coordinates, candidate.coordinates) {
                let km = distance_km(ours, theirs);
                let (points, verdict) = match km {
                    km if km <= 10.0 => (0.3, "within 10 km"),
                    km if km <= 50.0 => (0.15, "within 50 km"),
                    km if km <= 100.0 => (0.0, "within 100 km"),
                    _ => (-0.4, "too far"),
                };
                score += points;
                evidence.push(format!("{km:.1} km apart ({verdict})"));
            }
            let score = score.clamp(0.0, 1.0);
            let entry = best
                .entry(candidate.qid.as_str())
                .or_insert((f64::MIN, Vec::new()));
            if score > entry.0 {
                *entry = (score, evidence);
            }
        }
        for (qid, (score, evidence)) in best {
            let decision = match &place.exact {
                Some(exact) if exact == qid => Decision::Confirms,
                Some(_) if score >= threshold => Decision::Conflict,
                None if score >= threshold => Decision::Promote,
                _ => Decision::Review,
            };
            proposals.push(Proposal {
                place: place.clone(),
                qid: qid.to_owned(),
                score,
                evidence,
                decision,
            });
        }
    }
    // Two items above the threshold for one place: neither is promoted, a person decides.
    let mut promoted: BTreeMap<String, usize> = BTreeMap::new();
    for proposal in proposals.iter().filter(|p| p.decision == Decision::Promote) {
        *promoted.entry(proposal.place.iri.clone()).or_default() += 1;
    }
    for proposal in &mut proposals {
        if proposal.decision == Decision::Promote && promoted[&proposal.place.iri] > 1 {
            proposal.decision = Decision::Review;
            proposal
                .evidence
                .push("another item scores as high: review".to_owned());
        }
    }
    proposals
}

/// The triples that record accepted proposals: the exact match, its status and its evidence.
pub fn link_triples(proposals: &[Proposal]) -> Vec<Triple> {
    let mut triples = Vec::new();
    for proposal in proposals.iter().filter(|p| p.decision == Decision::Promote) {
        let place = NamedNode::new_unchecked(&proposal.place.iri);
        triples.push(Triple::new(
            place.clone(),
            NamedNode::new_unchecked("http://www.w3.org/2004/02/skos/core#exactMatch"),
            NamedNode::new_unchecked(format!("{ENTITY}{}", proposal.qid)),
        ));
        triples.push(Triple::new(
            place.clone(),
            NamedNode::new_unchecked(format!("{TW}linkStatus")),
            NamedNode::new_unchecked(format!("{ID}link-status/confirmed")),
        ));
        triples.push(Triple::new(
            place,
            NamedNode::new_unchecked(format!("{TW}linkEvidence")),
            Literal::new_language_tagged_literal_unchecked(
                format!(
                    "twinning link: {} scored {:.2}: {}",
                    proposal.qid,
                    proposal.score,
                    proposal.evidence.join("; ")
                ),
                "en",
            ),
        ));
    }
    triples
}

/// The query `link` sends to find candidates: every name of every place, in the languages
/// places use (queries/internal/wikidata_candidates.rq).
pub fn candidate_query(places: &[Place]) -> Result<String> {
    let names: BTreeSet<&str> = places
        .iter()
        .flat_map(|place| place.names.iter().map(String::as_str))
        .collect();
    let names: Vec<Term> = names
        .into_iter()
        .flat_map(|name| {
            ["en", "ar", "fr", "es", "it"].map(|language| {
                Literal::new_language_tagged_literal_unchecked(name, language).into()
            })
        })
        .collect();
    sparql::with_values(sparql::WIKIDATA_CANDIDATES, "name", &names)
}
