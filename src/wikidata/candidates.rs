//! Candidate items as Wikidata returns them: SPARQL JSON results of the candidate query, or
//! `Special:EntityData` JSON.

use oxigraph::model::Term;
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput,
};

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
        entity_candidates(origin, &json)
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

pub(super) fn entity_candidates(origin: &str, json: &serde_json::Value) -> Result<Vec<Candidate>> {
    let mut candidates = Vec::new();
    let entities = json["entities"].as_object().into_iter().flatten();
    for (id, entity) in entities {
        let qid = qid_of(&format!("{ENTITY}{id}")).ok_or_else(|| not_an_item(origin, id))?;
        let claim = |property: &str| {
            entity["claims"][property][0]["mainsnak"]["datavalue"]["value"].clone()
        };
        let country = claim("P17")["id"].as_str().map(str::to_owned);
        let geonames = claim("P1566").as_str().map(str::to_owned);
        let point = claim("P625");
        let coordinates = point["longitude"].as_f64().zip(point["latitude"].as_f64());
        let mut names: Vec<String> = Vec::new();
        for label in entity["labels"].as_object().into_iter().flatten() {
            names.extend(label.1["value"].as_str().map(str::to_owned));
        }
        for aliases in entity["aliases"].as_object().into_iter().flatten() {
            for alias in aliases.1.as_array().into_iter().flatten() {
                names.extend(alias["value"].as_str().map(str::to_owned));
            }
        }
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
