//! Wikidata: reconciling cities with Wikidata items, comparing twinnings with Wikidata's P190
//! statements, and writing QuickStatements for what Wikidata lacks. Works offline on files in the
//! formats the query service and `Special:EntityData` return, and online against an endpoint.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::time::Duration;

use oxigraph::model::{Literal, NamedNode, Term, Triple};
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput,
};
use oxigraph::store::Store;

use crate::error::{Error, Result};
use crate::matching::normalise;
use crate::output::Table;
use crate::sparql;
use crate::vocab::{ID, TW};

/// Wikidata's entity namespace.
pub const ENTITY: &str = "http://www.wikidata.org/entity/";
/// Wikidata's public query service.
pub const DEFAULT_ENDPOINT: &str = "https://query.wikidata.org/sparql";
/// Who we are, as Wikimedia's User-Agent policy asks.
pub const USER_AGENT: &str = concat!(
    "twinning/",
    env!("CARGO_PKG_VERSION"),
    " (https://github.com/twinning/twinning; city diplomacy linked data)"
);

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

fn qid_of(iri: &str) -> Option<String> {
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

fn not_an_item(origin: &str, value: &str) -> Error {
    Error::Input {
        origin: origin.to_owned(),
        message: format!("{value} is not a Wikidata item (http://www.wikidata.org/entity/Q…)"),
    }
}

/// Parses SPARQL JSON results, reporting malformed JSON with its line and column.
fn parse_results(
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

fn sparql_candidates(origin: &str, bytes: &[u8]) -> Result<Vec<Candidate>> {
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

fn entity_candidates(origin: &str, json: &serde_json::Value) -> Result<Vec<Candidate>> {
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

/// What `link` and `wikidata-diff` can do when the endpoint fails.
pub const OFFLINE_HINT: &str =
    "nothing was written (use --print-query and --wikidata FILE to work offline)";
/// What `query` can do when a federated query's SERVICE call fails.
const SERVICE_HINT: &str =
    "this query calls Wikidata through SERVICE, which needs the network: run it \
     where query.wikidata.org is reachable, or point TWINNING_WIKIDATA_ENDPOINT at a mirror";

/// Sends a query to a SPARQL endpoint and returns the JSON results, retrying with backoff on 429
/// and 5xx answers (honouring Retry-After) and giving up after `attempts`. `hint` tells the user
/// what to do should it fail.
pub fn fetch(
    endpoint: &str,
    query: &str,
    timeout: Duration,
    attempts: u32,
    hint: &'static str,
) -> Result<Vec<u8>> {
    use oxhttp::model::{header, Method, Request};
    let client = oxhttp::Client::new()
        .with_global_timeout(timeout)
        .with_user_agent(USER_AGENT)
        .map_err(|e| Error::Invalid(format!("bad User-Agent: {e}")))?
        .with_redirection_limit(3);
    let failure = |message: String| Error::Endpoint {
        endpoint: endpoint.to_owned(),
        message,
        hint,
    };
    let body = url_encode_form(&[("query", query)]);
    let mut wait = Duration::from_millis(500);
    let mut last = String::new();
    for attempt in 1..=attempts.max(1) {
        let request = Request::builder()
            .method(Method::POST)
            .uri(endpoint)
            .header(header::ACCEPT, "application/sparql-results+json")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body.clone())
            .map_err(|e| failure(format!("not a valid endpoint URL: {e}")))?;
        match client.request(request) {
            Ok(response) => {
                let status = response.status();
                let retry_after = response
                    .headers()
                    .get(header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                let mut bytes = Vec::new();
                response
                    .into_body()
                    .read_to_end(&mut bytes)
                    .map_err(|e| failure(format!("reading the answer: {e}")))?;
                if status.is_success() {
                    return Ok(bytes);
                }
                last = format!("HTTP {status}");
                if !(status.as_u16() == 429 || status.is_server_error()) {
                    return Err(failure(format!(
                        "{last}: {}",
                        String::from_utf8_lossy(&bytes).trim()
                    )));
                }
                if let Some(seconds) = retry_after {
                    wait = Duration::from_secs(seconds.min(30));
                }
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::TimedOut
                    || e.kind() == std::io::ErrorKind::WouldBlock =>
            {
                last = format!("no answer within {} s", timeout.as_secs_f64());
            }
            Err(e) => return Err(failure(e.to_string())),
        }
        if attempt < attempts {
            eprintln!(
                "{endpoint}: {last}; retrying in {:.1} s (attempt {}/{attempts})",
                wait.as_secs_f64(),
                attempt + 1
            );
            std::thread::sleep(wait);
            wait *= 2;
        }
    }
    Err(failure(format!("{last}, after {attempts} attempt(s)")))
}

fn url_encode_form(pairs: &[(&str, &str)]) -> String {
    let encode = |text: &str| {
        let mut out = String::new();
        for byte in text.bytes() {
            match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    out.push(char::from(byte))
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{byte:02X}")),
            }
        }
        out
    };
    pairs
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The environment variable that points `SERVICE <https://query.wikidata.org/sparql>` (and the
/// default of `--endpoint`) at another endpoint: a mirror, or a test server.
pub const ENDPOINT_VARIABLE: &str = "TWINNING_WIKIDATA_ENDPOINT";

/// The endpoint Wikidata's query service is reached at.
pub fn endpoint() -> String {
    std::env::var(ENDPOINT_VARIABLE).unwrap_or_else(|_| DEFAULT_ENDPOINT.to_owned())
}

/// Answers `SERVICE <https://query.wikidata.org/sparql>` in federated queries through
/// [`fetch`]: a descriptive User-Agent, a timeout, retries with backoff, and the endpoint of
/// `TWINNING_WIKIDATA_ENDPOINT` when it is set.
///
/// Oxigraph sends a SERVICE block without the bindings of the rest of the query, so a block
/// about `?item` would ask Wikidata about every item. When the handler knows the store, a
/// variable named `?item` in the block is restricted (VALUES) to the Wikidata items the graph's
/// places link to with `skos:exactMatch`.
#[derive(Default)]
pub struct WikidataService {
    /// The store whose linked items bound `?item`.
    pub store: Option<Store>,
}

impl oxigraph::sparql::ServiceHandler for WikidataService {
    type Error = Error;

    fn handle(
        &self,
        pattern: &spargebra::algebra::GraphPattern,
        base_iri: Option<&oxiri::Iri<String>>,
    ) -> Result<oxigraph::sparql::QuerySolutionIter<'static>> {
        let endpoint = endpoint();
        let item = oxigraph::sparql::Variable::new_unchecked("item");
        let mut pattern = pattern.clone();
        if let Some(store) = &self.store {
            if pattern.to_string().contains("?item") {
                let items = sparql::select(store, sparql::LINKED_ITEMS, &[])?
                    .into_iter()
                    .filter_map(|solution| match solution.get("item") {
                        Some(Term::NamedNode(node)) => Some(vec![Some(
                            spargebra::term::GroundTerm::NamedNode(node.clone()),
                        )]),
                        _ => None,
                    })
                    .collect();
                pattern = spargebra::algebra::GraphPattern::Join {
                    left: Box::new(spargebra::algebra::GraphPattern::Values {
                        variables: vec![item],
                        bindings: items,
                    }),
                    right: Box::new(pattern),
                };
            }
        }
        let query = spargebra::Query::Select {
            dataset: None,
            pattern,
            base_iri: base_iri.cloned(),
        }
        .to_string();
        let bytes = fetch(&endpoint, &query, Duration::from_secs(60), 4, SERVICE_HINT)?;
        let (variables, solutions) = parse_results(&endpoint, &bytes)?;
        let rows = solutions.into_iter().map(Ok).collect::<Vec<_>>();
        Ok(oxigraph::sparql::QuerySolutionIter::new(variables, rows))
    }
}

/// A pair with the URL of a source that documents it.
pub type SourcedPair = (Pair, Option<String>);

/// A twinning as a pair of Wikidata items.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pair {
    /// The two items, sorted.
    pub items: (String, String),
    /// The start date as precise as known (`2024`, `2024-10`, `2024-10-16`).
    pub start: Option<String>,
}

impl Pair {
    fn new(a: String, b: String, start: Option<String>) -> Self {
        let items = if a <= b { (a, b) } else { (b, a) };
        Self { items, start }
    }
}

/// Our twinnings (the derived wdt:P190 pairs): those whose two places have an exact Wikidata
/// match, with their start date and a source URL (left empty where a recorded disagreement
/// disputes them); and those left out for lack of an exact match.
pub fn our_pairs(store: &Store) -> Result<(Vec<SourcedPair>, Vec<String>)> {
    let mut pairs = BTreeMap::new();
    let mut skipped = BTreeSet::new();
    for solution in sparql::select(store, sparql::WIKIDATA_PAIRS, &[])? {
        let text = |name: &str| match solution.get(name) {
            Some(Term::Literal(literal)) => Some(literal.value().to_owned()),
            Some(Term::NamedNode(node)) => Some(node.as_str().to_owned()),
            _ => None,
        };
        let (Some(a), Some(b)) = (text("a"), text("b")) else {
            continue;
        };
        match (
            text("qa").and_then(|q| qid_of(&q)),
            text("qb").and_then(|q| qid_of(&q)),
        ) {
            (Some(qa), Some(qb)) => {
                let pair = Pair::new(qa, qb, text("start"));
                pairs
                    .entry(pair.items.clone())
                    .or_insert((pair, text("source_url")));
            }
            _ => {
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                skipped.insert(format!(
                    "{} – {}",
                    crate::vocab::compact_iri(&a),
                    crate::vocab::compact_iri(&b)
                ));
            }
        }
    }
    Ok((pairs.into_values().collect(), skipped.into_iter().collect()))
}

/// Wikidata's P190 statements from SPARQL JSON results with `?item ?twin ?start`.
pub fn read_statements(origin: &str, bytes: &[u8]) -> Result<Vec<Pair>> {
    let (_, solutions) = parse_results(origin, bytes)?;
    let mut pairs = BTreeSet::new();
    for solution in solutions {
        let iri = |name: &str| match solution.get(name) {
            Some(Term::NamedNode(node)) => Some(node.as_str().to_owned()),
            _ => None,
        };
        let (Some(item), Some(twin)) = (iri("item"), iri("twin")) else {
            continue;
        };
        let item_qid = qid_of(&item).ok_or_else(|| not_an_item(origin, &item))?;
        let twin_qid = qid_of(&twin).ok_or_else(|| not_an_item(origin, &twin))?;
        let start = match solution.get("start") {
            Some(Term::Literal(literal)) => Some(literal.value().chars().take(10).collect()),
            _ => None,
        };
        pairs.insert(Pair::new(item_qid, twin_qid, start));
    }
    Ok(pairs.into_iter().collect())
}

/// The query that fetches Wikidata's P190 statements for our items
/// (queries/internal/wikidata_statements.rq).
pub fn statements_query(items: &BTreeSet<String>) -> Result<String> {
    let items: Vec<Term> = items
        .iter()
        .map(|qid| NamedNode::new_unchecked(format!("{ENTITY}{qid}")).into())
        .collect();
    sparql::with_values(sparql::WIKIDATA_STATEMENTS, "item", &items)
}

/// Whether two dates agree at the precision both have.
fn same_date(a: &str, b: &str) -> bool {
    let length = a.len().min(b.len());
    a[..length] == b[..length]
}

/// Compares our pairs with Wikidata's: one row per pair, with its status.
pub fn diff(ours: &[SourcedPair], theirs: &[Pair], labels: &BTreeMap<String, String>) -> Table {
    let mut theirs_by_items: BTreeMap<&(String, String), Vec<&Pair>> = BTreeMap::new();
    for pair in theirs {
        theirs_by_items.entry(&pair.items).or_default().push(pair);
    }
    let label = |qid: &str| labels.get(qid).cloned().unwrap_or_default();
    let date = |pair: &Pair| pair.start.clone().unwrap_or_default();
    let mut rows = Vec::new();
    for (pair, _) in ours {
        let status = match theirs_by_items.get(&pair.items) {
            None => "only here",
            Some(found) => {
                let wikidata_dates: Vec<&str> =
                    found.iter().filter_map(|p| p.start.as_deref()).collect();
                match (&pair.start, wikidata_dates.first()) {
                    (Some(ours), Some(_)) if !wikidata_dates.iter().any(|d| same_date(ours, d)) => {
                        "dates differ"
                    }
                    _ => "in both",
                }
            }
        };
        let wikidata = theirs_by_items
            .get(&pair.items)
            .map(|found| {
                found
                    .iter()
                    .filter_map(|p| p.start.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        rows.push(vec![
            status.to_owned(),
            pair.items.0.clone(),
            label(&pair.items.0),
            pair.items.1.clone(),
            label(&pair.items.1),
            date(pair),
            wikidata,
        ]);
    }
    let ours_items: BTreeSet<&(String, String)> = ours.iter().map(|(p, _)| &p.items).collect();
    for (items, found) in &theirs_by_items {
        if !ours_items.contains(items) {
            rows.push(vec![
                "only in Wikidata".to_owned(),
                items.0.clone(),
                label(&items.0),
                items.1.clone(),
                label(&items.1),
                String::new(),
                found
                    .iter()
                    .filter_map(|p| p.start.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            ]);
        }
    }
    rows.sort();
    Table {
        columns: [
            "status",
            "item",
            "label",
            "twin",
            "twin_label",
            "start_here",
            "start_wikidata",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
        ..Table::default()
    }
}

/// QuickStatements (version 1) for the pairs Wikidata lacks: both directions, the start time at
/// the precision known (P580), and the source URL (S854).
pub fn quickstatements(pairs: &[SourcedPair]) -> String {
    let mut lines = String::new();
    for (pair, url) in pairs {
        let mut qualifiers = String::new();
        if let Some(start) = &pair.start {
            let (value, precision) = match start.len() {
                4 => (format!("+{start}-00-00T00:00:00Z"), 9),
                7 => (format!("+{start}-00T00:00:00Z"), 10),
                _ => (format!("+{}T00:00:00Z", &start[..start.len().min(10)]), 11),
            };
            qualifiers.push_str(&format!("\tP580\t{value}/{precision}"));
        }
        if let Some(url) = url {
            qualifiers.push_str(&format!("\tS854\t\"{}\"", url.replace('"', "%22")));
        }
        for (from, to) in [
            (&pair.items.0, &pair.items.1),
            (&pair.items.1, &pair.items.0),
        ] {
            lines.push_str(&format!("{from}\tP190\t{to}{qualifiers}\n"));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_and_scripts_fold_away() {
        assert_eq!(name_key("El Aaiún"), name_key("Aaiun"));
        assert_eq!(name_key("Ad-Dakhla"), "dakhla");
        assert_eq!(name_key("الداخلة"), name_key("داخله"));
    }

    #[test]
    fn distances_are_great_circle_kilometres() {
        let dakhla = (-15.95798, 23.68477);
        let laayoune = (-13.18797, 27.14180);
        let km = distance_km(dakhla, laayoune);
        assert!((km - 475.0).abs() < 15.0, "{km}");
        assert!(distance_km(dakhla, dakhla) < 1e-9);
    }

    #[test]
    fn quickstatements_keep_the_date_precision() {
        let pair = |start: &str| {
            (
                Pair::new("Q1".into(), "Q2".into(), Some(start.into())),
                Some("https://example.org/a".to_owned()),
            )
        };
        let lines = quickstatements(&[pair("2024-10")]);
        assert_eq!(
            lines,
            "Q1\tP190\tQ2\tP580\t+2024-10-00T00:00:00Z/10\tS854\t\"https://example.org/a\"\n\
             Q2\tP190\tQ1\tP580\t+2024-10-00T00:00:00Z/10\tS854\t\"https://example.org/a\"\n"
        );
        assert!(quickstatements(&[pair("2009")]).contains("+2009-00-00T00:00:00Z/9"));
        assert!(quickstatements(&[pair("2024-10-16")]).contains("+2024-10-16T00:00:00Z/11"));
    }

    #[test]
    fn points_parse_in_both_spellings() {
        assert_eq!(
            parse_point("Point(-15.95798 23.68477)"),
            Some((-15.95798, 23.68477))
        );
        assert_eq!(parse_point(" POINT(2.5 49.2) "), Some((2.5, 49.2)));
        assert_eq!(parse_point("LINESTRING"), None);
    }
}
