//! The SPARQL 1.1 Graph Store HTTP Protocol (<https://www.w3.org/TR/sparql11-http-rdf-update/>),
//! indirect identification: `/store?graph=IRI` (an absolute IRI, §4.2) and `/store?default` (the
//! store's own default graph; the SPARQL endpoint's default graph is the union of all graphs). GET and HEAD read; PUT replaces, POST merges, DELETE removes, each in one
//! transaction with the derived graph recomputed, and each needing the bearer token. A POST to
//! `/store` itself creates a new graph and answers with its IRI in `Location`; such graphs
//! (`/store/graph/…`) are also reachable directly at their own URL.

use oxhttp::model::{header, Body, HeaderValue, Method, Request, Response, StatusCode};
use std::io::Read;

use oxigraph::io::{RdfParseError, RdfParser};
use oxigraph::model::{GraphName, GraphNameRef, NamedNode};

use super::negotiation::{self, GRAPH_FORMATS};
use super::{authorised, body_bytes, parameters, text, Answer, State};
use crate::load;
use crate::vocab::DERIVED_GRAPH;

/// Which graph a request is about.
enum Target {
    Default,
    Named(NamedNode),
    /// POST to the graph store itself: a graph the server names.
    New,
}

pub fn handle(state: &State, request: &mut Request<Body>) -> Answer {
    let method = request.method().clone();
    let target = target(state, request)?;
    if method == Method::GET || method == Method::HEAD {
        return read(state, request, &target);
    }
    if ![Method::PUT, Method::POST, Method::DELETE].contains(&method) {
        let mut response = text(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("the graph store takes GET, HEAD, PUT, POST and DELETE, not {method}"),
        );
        response.headers_mut().insert(
            header::ALLOW,
            HeaderValue::from_static("GET, HEAD, PUT, POST, DELETE, OPTIONS"),
        );
        return Err(response);
    }
    authorised(state, request)?;
    if let Target::Named(graph) = &target {
        if graph.as_str() == DERIVED_GRAPH {
            return Err(text(
                StatusCode::FORBIDDEN,
                format!("<{DERIVED_GRAPH}> is computed by the server from the other graphs; change those instead"),
            ));
        }
    }
    if method == Method::DELETE {
        let name = match &target {
            Target::Default => GraphNameRef::DefaultGraph,
            Target::Named(graph) => {
                if !exists(state, graph)? {
                    return Err(not_found(graph));
                }
                graph.as_ref().into()
            }
            Target::New => unreachable!("target() refuses DELETE /store"),
        };
        load::remove_graph(&state.store, name).map_err(internal)?;
        return Ok(text(StatusCode::NO_CONTENT, ""));
    }
    // PUT and POST carry a graph, read as it arrives (see `http::upload`); a multipart form
    // whole.
    let media = negotiation::content_type(request);
    let (graph_name, created, triples) =
        if media.as_deref() == Some("multipart/form-data") && method == Method::POST {
            let body = body_bytes(request)?;
            if body.is_empty() {
                return Ok(empty_post());
            }
            let (graph_name, created) = graph_of(state, &target)?;
            let triples = read_multipart(request, &body, &graph_name)?;
            (graph_name, created, triples)
        } else {
            let mut body = Head::new(request.body_mut())?;
            if method == Method::POST && body.is_empty() {
                return Ok(empty_post());
            }
            let (graph_name, created) = graph_of(state, &target)?;
            let triples = parse_graph(media.as_deref(), &mut body, &graph_name)?;
            (graph_name, created, triples)
        };
    load::write_graph(
        &state.store,
        graph_name.as_ref(),
        &triples,
        method == Method::PUT,
    )
    .map_err(internal)?;
    if !created {
        return Ok(text(StatusCode::NO_CONTENT, ""));
    }
    let mut response = text(StatusCode::CREATED, "");
    if let GraphName::NamedNode(graph) = &graph_name {
        if let Ok(location) = HeaderValue::from_str(&location_of(state, graph)) {
            response.headers_mut().insert(header::LOCATION, location);
        }
    }
    Ok(response)
}

/// §5.5: "if the request body is empty, the implementation SHOULD respond with 204".
fn empty_post() -> Response<Body> {
    text(StatusCode::NO_CONTENT, "")
}

/// The graph a PUT or POST writes to, and whether it is new.
fn graph_of(state: &State, target: &Target) -> Result<(GraphName, bool), Response<Body>> {
    Ok(match target {
        Target::Default => (GraphName::DefaultGraph, false),
        Target::Named(graph) => (GraphName::NamedNode(graph.clone()), !exists(state, graph)?),
        Target::New => (GraphName::NamedNode(new_graph_name(state)), true),
    })
}

/// The graph named by the query string: `graph=IRI` (absolute) or
/// `default`, exactly one of them; neither only for a POST.
fn target(state: &State, request: &Request<Body>) -> Result<Target, Response<Body>> {
    let path = request.uri().path();
    if path != "/store" {
        // Direct identification: the graphs this server names (POST /store) are their own URLs.
        return Ok(Target::Named(NamedNode::new_unchecked(format!(
            "{}{path}",
            state.base
        ))));
    }
    let params = parameters(request.uri().query().unwrap_or_default());
    let graphs: Vec<&String> = params
        .iter()
        .filter(|(k, _)| k == "graph")
        .map(|(_, v)| v)
        .collect();
    let default = params.iter().any(|(k, _)| k == "default");
    match (graphs.as_slice(), default) {
        ([], true) => Ok(Target::Default),
        // 4.2: "The query string IRI MUST be an absolute IRI", else 400.
        ([graph], false) => NamedNode::new(graph.as_str())
            .map(Target::Named)
            .map_err(|e| {
                text(
                    StatusCode::BAD_REQUEST,
                    format!("graph={graph}: not an absolute IRI ({e}); the Graph Store Protocol takes absolute graph IRIs only"),
                )
            }),
        ([], false) if request.method() == Method::POST => Ok(Target::New),
        // The graph store itself can only be added to (issue 14: DELETE /store answered 415).
        ([], false) if [Method::PUT, Method::DELETE].contains(request.method()) => {
            let mut response = text(
                StatusCode::METHOD_NOT_ALLOWED,
                format!(
                    "{} needs a graph: /store?graph=IRI or /store?default; the graph store itself takes only POST (a new graph)",
                    request.method()
                ),
            );
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST, OPTIONS"));
            Err(response)
        }
        ([], false) => Err(text(
            StatusCode::BAD_REQUEST,
            "name the graph: /store?graph=IRI, or /store?default for the default graph",
        )),
        _ => Err(text(
            StatusCode::BAD_REQUEST,
            "name one graph: either one graph=IRI or default, not both or several",
        )),
    }
}

fn read(state: &State, request: &Request<Body>, target: &Target) -> Answer {
    let graph_name: GraphNameRef<'_> = match target {
        Target::Default => GraphNameRef::DefaultGraph,
        Target::Named(graph) => {
            if !exists(state, graph)? {
                return Err(not_found(graph));
            }
            graph.as_ref().into()
        }
        Target::New => unreachable!("target() names a graph for GET"),
    };
    let format = parameters(request.uri().query().unwrap_or_default())
        .into_iter()
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v);
    let syntax = negotiation::graph_format(request, format.as_deref())
        .ok_or_else(|| text(StatusCode::NOT_ACCEPTABLE, GRAPH_FORMATS))?;
    let mut graph = oxigraph::model::Graph::new();
    for quad in state
        .store
        .quads_for_pattern(None, None, None, Some(graph_name))
    {
        let quad = quad.map_err(internal)?;
        graph.insert(&oxigraph::model::Triple::from(quad));
    }
    let mut body = Vec::new();
    crate::export::write_graph(syntax, &mut graph, &mut body).map_err(internal)?;
    // §5.2: GET SHOULD be cacheable. The serialisation is deterministic, so a digest of it is a
    // strong validator that changes exactly when the graph does.
    let etag = {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        body.hash(&mut hasher);
        format!("\"{:016x}\"", hasher.finish())
    };
    let matches = request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag
        });
    let mut response = if matches {
        super::respond(
            StatusCode::NOT_MODIFIED,
            negotiation::media_type(syntax),
            Vec::new(),
        )
    } else {
        super::respond(StatusCode::OK, negotiation::media_type(syntax), body)
    };
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    Ok(response)
}

/// Parses a body as one graph in the syntax its media type names: 415 for a media type that is
/// not a graph syntax, 400 for a syntax error (with its line and column). Without a media type
/// the body is read as RDF/XML, as §5 says a server SHOULD.
fn parse_graph(
    media: Option<&str>,
    body: &mut Head<impl Read>,
    graph: &GraphName,
) -> Result<oxigraph::model::Graph, Response<Body>> {
    let syntax = match media {
        None => crate::format::RdfSyntax::Rdfxml,
        Some(media) => negotiation::graph_syntax(media).ok_or_else(|| {
            text(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("Content-Type {media}: send text/turtle, application/n-triples, application/rdf+xml or application/ld+json"),
            )
        })?,
    };
    // An empty body is an empty graph in the line-based syntaxes, but no document at all in
    // RDF/XML or JSON-LD (§5.3: 400 where "an empty body" is not "appropriate").
    let document = matches!(
        syntax,
        crate::format::RdfSyntax::Rdfxml | crate::format::RdfSyntax::Jsonld
    );
    if document && body.is_blank()? {
        return Err(text(
            StatusCode::BAD_REQUEST,
            "the body is empty, which is no RDF/XML or JSON-LD document; send text/turtle or \
             application/n-triples for an empty graph",
        ));
    }
    let refused = |e: crate::Error| text(StatusCode::BAD_REQUEST, e.to_string());
    if syntax == crate::format::RdfSyntax::Rdfxml {
        crate::guard::check_xml_entities("request body", body.prolog()?).map_err(refused)?;
    }
    let mut parser = RdfParser::from_format(syntax.to_oxigraph()).rename_blank_nodes();
    // Relative IRIs in the body resolve against the graph's IRI.
    if let GraphName::NamedNode(graph) = graph {
        parser = parser
            .with_base_iri(graph.as_str())
            .map_err(|e| text(StatusCode::BAD_REQUEST, e.to_string()))?;
    }
    let mut triples = oxigraph::model::Graph::new();
    for quad in parser.for_reader(body) {
        let quad = quad.map_err(|e| match e {
            RdfParseError::Io(e) => unreadable(&e),
            RdfParseError::Syntax(e) => {
                let hint = if media.is_none() {
                    " (the request had no Content-Type, so it was read as RDF/XML)"
                } else {
                    ""
                };
                text(
                    StatusCode::BAD_REQUEST,
                    format!("{}{hint}", crate::load::syntax_error("request body", &e)),
                )
            }
        })?;
        crate::guard::check_literal("request body", &quad).map_err(refused)?;
        if quad.graph_name != GraphName::DefaultGraph {
            return Err(text(
                StatusCode::BAD_REQUEST,
                "the body holds named graphs; the graph store takes one graph per request",
            ));
        }
        triples.insert(&oxigraph::model::Triple::from(quad));
    }
    Ok(triples)
}

/// A request body as it arrives, with its beginning read ahead: enough to tell an empty body,
/// and an XML document's prolog (where entities are declared) before the parser sees any of it.
struct Head<R> {
    start: Vec<u8>,
    /// How much of `start` the parser has read.
    consumed: usize,
    rest: R,
    ended: bool,
}

impl<R: Read> Head<R> {
    fn new(rest: R) -> Result<Self, Response<Body>> {
        let mut head = Self {
            start: Vec::new(),
            consumed: 0,
            rest,
            ended: false,
        };
        head.read_ahead()?;
        Ok(head)
    }

    /// Reads one more chunk into `start`; false at the end of the body.
    fn read_ahead(&mut self) -> Result<bool, Response<Body>> {
        if self.ended {
            return Ok(false);
        }
        let mut chunk = [0; 64 * 1024];
        let read = loop {
            match self.rest.read(&mut chunk) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                other => break other.map_err(|e| unreadable(&e))?,
            }
        };
        self.start.extend_from_slice(&chunk[..read]);
        self.ended = read == 0;
        Ok(!self.ended)
    }

    fn is_empty(&self) -> bool {
        self.start.is_empty()
    }

    /// Whether the body holds only white space.
    fn is_blank(&mut self) -> Result<bool, Response<Body>> {
        while self.start.iter().all(u8::is_ascii_whitespace) {
            if !self.read_ahead()? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The XML document's prolog: what comes before its root element. Where it declares a
    /// document type (which may declare entities), the whole document, which the size limit
    /// bounds.
    fn prolog(&mut self) -> Result<&[u8], Response<Body>> {
        let root = |start: &[u8]| {
            start
                .windows(2)
                .position(|w| w[0] == b'<' && !matches!(w[1], b'?' | b'!'))
        };
        let end = loop {
            if let Some(root) = root(&self.start) {
                break root;
            }
            if !self.read_ahead()? {
                break self.start.len();
            }
        };
        if self.start[..end]
            .windows(9)
            .any(|w| w.eq_ignore_ascii_case(b"<!DOCTYPE"))
        {
            while self.read_ahead()? {}
            return Ok(&self.start);
        }
        Ok(&self.start[..end])
    }
}

impl<R: Read> Read for Head<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.consumed < self.start.len() {
            let ahead = &self.start[self.consumed..];
            let length = ahead.len().min(buffer.len());
            buffer[..length].copy_from_slice(&ahead[..length]);
            self.consumed += length;
            return Ok(length);
        }
        if self.ended {
            return Ok(0);
        }
        self.rest.read(buffer)
    }
}

/// A body that could not be read: too large (413), too slow (408), or cut off (400).
fn unreadable(error: &std::io::Error) -> Response<Body> {
    let status = match error.kind() {
        std::io::ErrorKind::FileTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        std::io::ErrorKind::TimedOut => StatusCode::REQUEST_TIMEOUT,
        _ => StatusCode::BAD_REQUEST,
    };
    text(status, error.to_string())
}

/// §5.5: a multipart/form-data POST merges every part, each parsed by its own media type (or,
/// without one, by its file name's extension).
fn read_multipart(
    request: &Request<Body>,
    body: &[u8],
    graph: &GraphName,
) -> Result<oxigraph::model::Graph, Response<Body>> {
    let header = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multer::parse_boundary(header)
        .map_err(|e| text(StatusCode::BAD_REQUEST, format!("multipart/form-data: {e}")))?;
    let stream = futures::stream::once(std::future::ready(Ok::<_, std::convert::Infallible>(
        bytes::Bytes::copy_from_slice(body),
    )));
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut triples = oxigraph::model::Graph::new();
    futures::executor::block_on(async {
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| text(StatusCode::BAD_REQUEST, format!("multipart/form-data: {e}")))?
        {
            let media = field
                .content_type()
                .map(|m| m.essence_str().to_ascii_lowercase())
                .filter(|m| m != "application/octet-stream")
                .or_else(|| {
                    let name = field.file_name()?;
                    let syntax =
                        crate::format::RdfSyntax::from_path(std::path::Path::new(name), "").ok()?;
                    Some(
                        negotiation::media_type(syntax)
                            .split(';')
                            .next()?
                            .to_owned(),
                    )
                });
            let part = field
                .bytes()
                .await
                .map_err(|e| text(StatusCode::BAD_REQUEST, format!("multipart/form-data: {e}")))?;
            let mut part = Head::new(&part[..])?;
            triples.extend(parse_graph(media.as_deref(), &mut part, graph)?.iter());
        }
        Ok::<_, Response<Body>>(())
    })?;
    Ok(triples)
}

fn exists(state: &State, graph: &NamedNode) -> Result<bool, Response<Body>> {
    state
        .store
        .contains_named_graph(graph.as_ref())
        .map_err(internal)
}

/// A fresh graph IRI under the server's own URL, for POST /store.
fn new_graph_name(state: &State) -> NamedNode {
    loop {
        let name = NamedNode::new_unchecked(format!(
            "{}/store/graph/{:016x}",
            state.base,
            fastrand::u64(..)
        ));
        if !state
            .store
            .contains_named_graph(name.as_ref())
            .unwrap_or(true)
        {
            return name;
        }
    }
}

/// Where a graph can be fetched: its own IRI when the server serves it, else the indirect URL.
fn location_of(state: &State, graph: &NamedNode) -> String {
    if graph
        .as_str()
        .starts_with(&format!("{}/store/", state.base))
    {
        return graph.as_str().to_owned();
    }
    let encoded: String = url::form_urlencoded::byte_serialize(graph.as_str().as_bytes()).collect();
    format!("{}/store?graph={encoded}", state.base)
}

fn not_found(graph: &NamedNode) -> Response<Body> {
    text(
        StatusCode::NOT_FOUND,
        format!("no graph <{graph}> in the store"),
    )
}

fn internal(error: impl std::fmt::Display) -> Response<Body> {
    text(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
}
