//! Candidate items as Wikidata returns them: SPARQL JSON results of the candidate query, or
//! `Special:EntityData` JSON.

use std::collections::BTreeMap;

use oxigraph::model::Term;
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput,
};
use serde::Deserialize;

use crate::error::{Error, Result};

use super::*;

/// A Wikidata item that may be one of our places.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The item's ID, `Q…`.
    pub qid: String,
    /// A label or alias it carries.
    pub label: String,
    /// Its country (P17), `Q…`.
    pub country: Option<String>,
    /// Its GeoNames ID (P1566).
    pub geonames: Option<String>,
    /// Its coordinates (P625): longitude, latitude.
    pub coordinates: Option<(f64, f64)>,
}

pub(super) fn qid_of(iri: &str) -> Option<String> {
    let id = iri.strip_prefix(ENTITY)?;
    (id.len() > 1 && id.starts_with('Q') && id[1..].bytes().all(|b| b.is_ascii_digit()))
        .then(|| id.to_owned())
}

/// Parses `Point(lon lat)` (Wikidata's WKT) or `POINT(lon lat)`.
pub fn parse_point(wkt: &str) -> Option<(f64, f64)> {
    let inner = wkt.trim().split_once('(')?.1.strip_suffix(')')?;
    let mut numbers = inner.split_whitespace().map(str::parse::<f64>);
    let (Some(Ok(longitude)), Some(Ok(latitude))) = (numbers.next(), numbers.next()) else {
        return None;
    };
    Some((longitude, latitude))
}

/// Reads candidates from a file: SPARQL JSON results (as the query service returns them) or
/// entity JSON (as `Special:EntityData/Q….json` returns it), told apart by their content.
pub fn read_candidates(origin: &str, bytes: &[u8]) -> Result<Vec<Candidate>> {
    let json: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| Error::Input {
        origin: format!("{origin}:{}:{}", e.line(), e.column()),
        message: format!("not valid JSON: {e}"),
    })?;
    if json.get("entities").is_some() {
        entity_candidates(origin, bytes)
    } else if json.get("results").is_some() {
        sparql_candidates(origin, bytes)
    } else {
        Err(Error::Input {
            origin: origin.to_owned(),
            message: "neither SPARQL JSON results nor Wikidata entity JSON".to_owned(),
        })
    }
}

pub(super) fn not_an_item(origin: &str, value: &str) -> Error {
    Error::Input {
        origin: origin.to_owned(),
        message: format!("{value} is not a Wikidata item (http://www.wikidata.org/entity/Q…)"),
    }
}

/// Parses SPARQL JSON results, reporting malformed JSON with its line and column.
pub(super) fn parse_results(
    origin: &str,
    bytes: &[u8],
) -> Result<(
    std::sync::Arc<[oxigraph::sparql::Variable]>,
    Vec<oxigraph::sparql::QuerySolution>,
)> {
    serde_json::from_slice::<serde_json::Value>(bytes).map_err(|e| Error::Input {
        origin: format!("{origin}:{}:{}", e.line(), e.column()),
        message: format!("not valid JSON: {e}"),
    })?;
    let invalid = |message: String| Error::Input {
        origin: origin.to_owned(),
        message,
    };
    let SliceQueryResultsParserOutput::Solutions(solutions) =
        QueryResultsParser::from_format(QueryResultsFormat::Json)
            .for_slice(bytes)
            .map_err(|e| invalid(e.to_string()))?
    else {
        return Err(invalid("a boolean result, not solutions".to_owned()));
    };
    let variables: std::sync::Arc<[oxigraph::sparql::Variable]> = solutions.variables().into();
    let solutions = solutions
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| invalid(e.to_string()))?;
    Ok((variables, solutions))
}

pub(super) fn sparql_candidates(origin: &str, bytes: &[u8]) -> Result<Vec<Candidate>> {
    let (_, solutions) = parse_results(origin, bytes)?;
    let mut candidates = Vec::new();
    for solution in solutions {
        let text = |name: &str| match solution.get(name) {
            Some(Term::Literal(literal)) => Some(literal.value().to_owned()),
            Some(Term::NamedNode(node)) => Some(node.as_str().to_owned()),
            _ => None,
        };
        let Some(item) = text("item") else { continue };
        let qid = qid_of(&item).ok_or_else(|| not_an_item(origin, &item))?;
        candidates.push(Candidate {
            qid,
            label: text("label").unwrap_or_default(),
            country: text("country").and_then(|c| qid_of(&c)),
            geonames: text("geonames"),
            coordinates: text("coord").and_then(|wkt| parse_point(&wkt)),
        });
    }
    Ok(candidates)
}

/// Wikidata's entity JSON (`Special:EntityData/Q….json`): what the linker reads of it.
#[derive(Debug, Deserialize)]
struct EntityData {
    entities: BTreeMap<String, Entity>,
}

#[derive(Debug, Deserialize)]
struct Entity {
    #[serde(default)]
    labels: BTreeMap<String, Text>,
    #[serde(default)]
    aliases: BTreeMap<String, Vec<Text>>,
    #[serde(default)]
    claims: BTreeMap<String, Vec<Statement>>,
}

#[derive(Debug, Deserialize)]
struct Text {
    value: String,
}

#[derive(Debug, Deserialize)]
struct Statement {
    mainsnak: Snak,
}

/// A statement's main value; `datavalue` is absent for "no value" and "unknown value".
#[derive(Debug, Deserialize)]
struct Snak {
    datavalue: Option<DataValue>,
}

#[derive(Debug, Deserialize)]
struct DataValue {
    value: Value,
}

/// The kinds of value the linker reads: an item (P17), a string (P1566), a point (P625).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Value {
    Item { id: String },
    Point { latitude: f64, longitude: f64 },
    Text(String),
    Other(serde::de::IgnoredAny),
}

impl Entity {
    /// The value of the first statement of `property`.
    fn first(&self, property: &str) -> Option<&Value> {
        self.claims
            .get(property)?
            .first()?
            .mainsnak
            .datavalue
            .as_ref()
            .map(|datavalue| &datavalue.value)
    }
}

/// Candidates from entity JSON: one per label and alias of each item, with its country,
/// GeoNames ID and point.
pub(super) fn entity_candidates(origin: &str, bytes: &[u8]) -> Result<Vec<Candidate>> {
    let data: EntityData = serde_json::from_slice(bytes).map_err(|e| Error::Input {
        origin: format!("{origin}:{}:{}", e.line(), e.column()),
        message: format!("not Wikidata entity JSON: {e}"),
    })?;
    let mut candidates = Vec::new();
    for (id, entity) in &data.entities {
        let qid = qid_of(&format!("{ENTITY}{id}")).ok_or_else(|| not_an_item(origin, id))?;
        let country = match entity.first("P17") {
            Some(Value::Item { id }) => Some(id.clone()),
            _ => None,
        };
        let geonames = match entity.first("P1566") {
            Some(Value::Text(id)) => Some(id.clone()),
            _ => None,
        };
        let coordinates = match entity.first("P625") {
            Some(Value::Point {
                latitude,
                longitude,
            }) => Some((*longitude, *latitude)),
            _ => None,
        };
        let names = entity
            .labels
            .values()
            .chain(entity.aliases.values().flatten())
            .map(|text| text.value.clone());
        for label in names {
            candidates.push(Candidate {
                qid: qid.clone(),
                label,
                country: country.clone(),
                geonames: geonames.clone(),
                coordinates,
            });
        }
    }
    Ok(candidates)
}
