//! Content negotiation: which media type a client accepts (RFC 9110 §12.5.1), which one a request
//! body declares, and the syntaxes behind them.

use oxhttp::model::{header, Body, Request};
use oxigraph::sparql::results::QueryResultsFormat;

use crate::format::RdfSyntax;

/// The media types a client accepts, best first (by quality, then in the order given), without
/// those it refuses (`q=0`).
pub fn accepted(request: &Request<Body>) -> Vec<String> {
    let accept = request
        .headers()
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let accept = if accept.trim().is_empty() {
        "*/*".to_owned()
    } else {
        accept
    };
    ranked(&accept)
}

/// The items of an Accept-style header (`a;q=0.5, b`), lower case, best first: by quality, then
/// in the order given; refused items (`q=0`) left out. Serves Accept and Accept-Language.
pub fn ranked(header: &str) -> Vec<String> {
    let mut items: Vec<(f32, usize, String)> = header
        .split(',')
        .enumerate()
        .filter(|(_, item)| !item.trim().is_empty())
        .map(|(index, item)| {
            let mut parts = item.split(';');
            let value = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                .unwrap_or(1.0);
            (quality, index, value)
        })
        .collect();
    items.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    items
        .into_iter()
        .filter(|(q, _, _)| *q > 0.0)
        .map(|(_, _, value)| value)
        .collect()
}

/// The media type a request body declares, without parameters, lower case; `None` when absent.
pub fn content_type(request: &Request<Body>) -> Option<String> {
    declared_type(request.headers())
}

/// The media type `headers` declare for a body, as [`content_type`] gives it.
pub fn declared_type(headers: &oxhttp::model::HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|v| !v.is_empty())
}

/// Whether the body's declared charset, if any, is UTF-8.
pub fn is_utf8(request: &Request<Body>) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .skip(1)
        .filter_map(|parameter| parameter.split_once('='))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("charset"))
        .all(|(_, value)| {
            let value = value.trim().trim_matches('"');
            value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8")
        })
}

/// The results format for SELECT and ASK: the `format` parameter when given, else the client's
/// Accept header (SPARQL JSON for `*/*`).
pub fn results_format(request: &Request<Body>, format: Option<&str>) -> Option<QueryResultsFormat> {
    if let Some(format) = format {
        return match format {
            "json" => Some(QueryResultsFormat::Json),
            "xml" => Some(QueryResultsFormat::Xml),
            "csv" => Some(QueryResultsFormat::Csv),
            "tsv" => Some(QueryResultsFormat::Tsv),
            other => QueryResultsFormat::from_media_type(other),
        };
    }
    accepted(request)
        .iter()
        .find_map(|media| match media.as_str() {
            "*/*" | "application/*" | "application/json" => Some(QueryResultsFormat::Json),
            "application/xml" | "text/xml" => Some(QueryResultsFormat::Xml),
            "text/*" => Some(QueryResultsFormat::Csv),
            other => QueryResultsFormat::from_media_type(other),
        })
}

/// The graph syntax for CONSTRUCT, DESCRIBE and RDF documents: the `format` parameter when given,
/// else the client's Accept header (Turtle for `*/*`).
pub fn graph_format(request: &Request<Body>, format: Option<&str>) -> Option<RdfSyntax> {
    if let Some(format) = format {
        return match format {
            "turtle" | "ttl" => Some(RdfSyntax::Turtle),
            "ntriples" | "nt" => Some(RdfSyntax::Ntriples),
            "jsonld" | "json" => Some(RdfSyntax::Jsonld),
            "rdfxml" | "xml" => Some(RdfSyntax::Rdfxml),
            other => graph_syntax(other),
        };
    }
    accepted(request)
        .iter()
        .find_map(|media| match media.as_str() {
            "*/*" | "text/*" => Some(RdfSyntax::Turtle),
            "application/json" => Some(RdfSyntax::Jsonld),
            "application/xml" => Some(RdfSyntax::Rdfxml),
            other => graph_syntax(other),
        })
}

/// The graph syntax a media type names (the ones a single graph can be sent or served in).
pub fn graph_syntax(media: &str) -> Option<RdfSyntax> {
    match media {
        "text/turtle" | "application/x-turtle" => Some(RdfSyntax::Turtle),
        "application/n-triples" | "text/plain" => Some(RdfSyntax::Ntriples),
        "application/ld+json" => Some(RdfSyntax::Jsonld),
        "application/rdf+xml" => Some(RdfSyntax::Rdfxml),
        _ => None,
    }
}

/// The media type served for a syntax.
pub fn media_type(syntax: RdfSyntax) -> &'static str {
    match syntax {
        RdfSyntax::Turtle => "text/turtle; charset=utf-8",
        RdfSyntax::Trig => "application/trig",
        RdfSyntax::Ntriples => "application/n-triples",
        RdfSyntax::Nquads => "application/n-quads",
        RdfSyntax::Rdfxml => "application/rdf+xml",
        RdfSyntax::Jsonld => "application/ld+json",
    }
}

/// What a client that accepts nothing we serve is told (406), by kind of answer.
pub const RESULTS_FORMATS: &str =
    "SELECT and ASK results come as application/sparql-results+json, \
     application/sparql-results+xml, text/csv or text/tab-separated-values";
/// See [`RESULTS_FORMATS`].
pub const GRAPH_FORMATS: &str = "graphs come as text/turtle, application/n-triples, \
     application/ld+json or application/rdf+xml";

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn qualities_order_and_refuse() {
        assert_eq!(
            ranked("text/csv;q=0.5, application/json, text/html;q=0"),
            ["application/json", "text/csv"]
        );
        assert_eq!(ranked("fr-FR, ar;q=0.9, en;q=0.8"), ["fr-fr", "ar", "en"]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// The protocol's header parsing never panics, whatever a client sends (issue 14).
        #[test]
        fn arbitrary_headers_never_panic(header in ".{0,200}") {
            let _ = ranked(&header);
            let _ = graph_syntax(&header);
        }
    }
}
