//! Talking to a SPARQL endpoint (Wikidata's query service or a mirror): polite requests with
//! retries, and the SERVICE handler of `twinning query`.

use std::io::Read;
use std::time::Duration;

use oxigraph::model::Term;
use oxigraph::store::Store;

use crate::error::{Error, Result};
use crate::sparql;

use super::*;
use super::{candidates::*, diff::*};

/// What `link` and `wikidata-diff` can do when the endpoint fails.
pub const OFFLINE_HINT: &str =
    "nothing was written (use --print-query and --wikidata FILE to work offline)";
/// What `query` can do when a federated query's SERVICE call fails.
pub(super) const SERVICE_HINT: &str =
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

pub(super) fn url_encode_form(pairs: &[(&str, &str)]) -> String {
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
