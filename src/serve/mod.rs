//! `twinning serve`: the SPARQL 1.1 Protocol at /sparql, the SPARQL 1.1 Graph Store HTTP Protocol
//! at /store, linked-data pages under /id/, a dataset description (VoID, DCAT) and a query page.
//! Read-only unless started with an update token; queries have a timeout and a result limit, and
//! request bodies a size limit.
//!
//! One file per job: `protocol` (queries and updates), `graph_store`, `negotiation` (media
//! types), `pages` (entity pages, dataset description, query page; their HTML lives in
//! `templates/`).

// Handlers return an early HTTP response as their error: built once per request, its size does
// not matter.
#![allow(clippy::result_large_err)]

mod graph_store;
mod http;
mod negotiation;
mod pages;
mod protocol;
mod workers;

use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use oxhttp::model::{header, Body, HeaderValue, Method, Request, Response, StatusCode};
use oxigraph::sparql::CancellationToken;
use oxigraph::store::Store;

use crate::error::Result;

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it listens.
    pub bind: SocketAddr,
    /// Longest a query may run.
    pub timeout: Duration,
    /// Most solutions or triples a query may return.
    pub max_results: usize,
    /// Largest request body accepted, in bytes.
    pub max_body: u64,
    /// Connections one client address may hold open at once.
    pub max_connections_per_client: usize,
    /// The bearer token that allows updates; `None`: read-only.
    pub token: Option<String>,
    /// Hosts that SPARQL `LOAD` may fetch from (none by default).
    pub load_hosts: Vec<String>,
}

struct State {
    store: Store,
    config: Config,
    base: String,
    /// Worker processes that answer the requests that read (servers on a store directory).
    pool: Option<workers::Pool>,
}

/// How a server runs its query workers.
#[derive(Debug, Clone)]
pub struct Workers {
    /// The command line that starts one, without the store: (`twinning`, then the arguments
    /// that follow `--store DIR`: `serve --worker …`).
    pub command: Vec<String>,
    /// The store's directory.
    pub store: std::path::PathBuf,
    /// How many.
    pub count: usize,
    /// Resident memory one may reach while answering, in bytes.
    pub max_memory: u64,
}

/// Serves until the process is stopped; with `workers`, the requests that read are answered by
/// worker processes that can be stopped at any point (see [`workers`]), and those that write by
/// this process.
pub fn serve(store: Store, config: Config, workers: Option<Workers>) -> Result<()> {
    let base = format!("http://{}", config.bind);
    let writer = config.token.is_some().then_some(&store);
    let pool = workers
        .map(|w| {
            workers::Pool::start(
                w.command,
                &w.store,
                writer,
                w.count,
                w.max_memory,
                config.timeout,
            )
        })
        .transpose()
        .map_err(crate::error::Error::Output)?;
    http::run(Arc::new(State {
        store,
        config,
        base,
        pool,
    }))
}

/// A query worker: answers the requests its server sends on standard input, from its own
/// read-only view of the store.
pub fn work(store: Store, config: Config) -> Result<()> {
    let base = format!("http://{}", config.bind);
    let state = State {
        store,
        config,
        base,
        pool: None,
    };
    workers::serve_requests(|request| contained(&state, request))
        .map_err(crate::error::Error::Output)
}

type Answer = std::result::Result<Response<Body>, Response<Body>>;

/// Answers in this process. After a change that succeeded, the query workers are moved to a
/// snapshot that holds it, before the client hears of it, so that what it reads next holds its
/// own change.
fn answer_here(state: &State, request: &mut Request<Body>, writes: bool) -> Response<Body> {
    let response = contained(state, request);
    if let (true, Some(pool)) = (writes && response.status().is_success(), &state.pool) {
        if let Err(error) = pool.refresh(&state.store) {
            return text(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the change is stored, but the query workers cannot see it yet ({error}); restart the server"),
            );
        }
    }
    response
}

/// Whether a request asks to change the store: such requests are answered by the server process
/// (the one that holds a writable store), the others by the query workers.
fn changes_store(parts: &oxhttp::model::request::Parts, body: &[u8]) -> bool {
    let path = parts.uri.path();
    if path == "/store" || path.starts_with("/store/") {
        return [Method::PUT, Method::POST, Method::DELETE].contains(&parts.method);
    }
    match path {
        "/update" => true,
        "/sparql" if parts.method == Method::POST => {
            match negotiation::declared_type(&parts.headers).as_deref() {
                Some("application/sparql-update") => true,
                Some("application/x-www-form-urlencoded") => {
                    parameters(&String::from_utf8_lossy(body))
                        .iter()
                        .any(|(k, _)| k == "update")
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// Whether a request sends a graph to the graph store in one RDF syntax (PUT or POST, not a
/// multipart form): its body is then parsed as it arrives.
fn uploads_graph(parts: &oxhttp::model::request::Parts) -> bool {
    let path = parts.uri.path();
    (path == "/store" || path.starts_with("/store/"))
        && [Method::PUT, Method::POST].contains(&parts.method)
        && negotiation::declared_type(&parts.headers).as_deref() != Some("multipart/form-data")
}

/// A panic while answering (a bug of ours or of the query engine: issue 14 met Oxigraph's ORDER BY
/// sorting with a comparison that is not a total order) becomes a 500 with a message, never a
/// dropped connection.
fn contained(state: &State, request: &mut Request<Body>) -> Response<Body> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle(state, request)))
        .unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            text(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the request stopped on an internal error of the query engine: {message}"),
            )
        })
}

fn handle(state: &State, request: &mut Request<Body>) -> Response<Body> {
    let path = request.uri().path().to_owned();
    let answer = if request.method() == Method::OPTIONS {
        Ok(preflight())
    } else {
        match path.as_str() {
            "/" => Ok(pages::query_page(request)),
            "/sparql" => protocol::endpoint(state, request, protocol::Accepts::Both),
            "/query" => protocol::endpoint(state, request, protocol::Accepts::Queries),
            "/update" => protocol::endpoint(state, request, protocol::Accepts::Updates),
            "/.well-known/void" | "/dataset" => pages::dataset_description(state, request),
            "/store" => graph_store::handle(state, request),
            p if p.starts_with("/store/") => graph_store::handle(state, request),
            p if p.starts_with("/id/") => pages::linked_data(state, request, p),
            _ => Err(text(
                StatusCode::NOT_FOUND,
                format!("nothing at {path}; try /, /sparql, /store, /dataset or /id/…"),
            )),
        }
    };
    let mut response = answer.unwrap_or_else(|response| response);
    // HEAD is answered as GET, without the body (RFC 9110 §9.3.2).
    if request.method() == Method::HEAD {
        *response.body_mut() = Body::empty();
    }
    response
}

/// The CORS preflight: browsers may send every method and header the endpoint understands.
fn preflight() -> Response<Body> {
    let mut response = text(StatusCode::NO_CONTENT, "");
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, HEAD, POST, PUT, DELETE, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type, Accept, Authorization"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    response
}

fn respond(status: StatusCode, content_type: &str, body: impl Into<Body>) -> Response<Body> {
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(body.into())
        .expect("valid response");
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

/// An HTML page: no script or style from elsewhere, no framing by other sites.
fn html(status: StatusCode, page: String) -> Response<Body> {
    let mut response = respond(status, "text/html; charset=utf-8", page);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
             frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Language"),
    );
    response
}

/// A plain-text answer: every error carries one, saying what to do.
fn text(status: StatusCode, message: impl Into<String>) -> Response<Body> {
    let mut message = message.into();
    if !message.is_empty() {
        message.push('\n');
    }
    respond(status, "text/plain; charset=utf-8", message)
}

/// The query string's or form's parameters, decoded.
fn parameters(encoded: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(encoded.as_bytes())
        .into_owned()
        .collect()
}

/// The request body, which the HTTP front end has already read within its size limit and
/// deadline.
fn body_bytes(request: &mut Request<Body>) -> std::result::Result<Vec<u8>, Response<Body>> {
    let mut bytes = Vec::new();
    request.body_mut().read_to_end(&mut bytes).map_err(|e| {
        text(
            StatusCode::BAD_REQUEST,
            format!("cannot read the request body: {e}"),
        )
    })?;
    Ok(bytes)
}

fn body_text(request: &mut Request<Body>) -> std::result::Result<String, Response<Body>> {
    String::from_utf8(body_bytes(request)?)
        .map_err(|_| text(StatusCode::BAD_REQUEST, "the request body is not UTF-8"))
}

/// Updates are refused unless the server was started with a token, and then need it
/// (`Authorization: Bearer TOKEN`; the scheme is case-insensitive, RFC 9110 §11.1).
fn authorised(state: &State, request: &Request<Body>) -> std::result::Result<(), Response<Body>> {
    let Some(token) = &state.config.token else {
        return Err(text(
            StatusCode::FORBIDDEN,
            "this endpoint is read-only; start it with --allow-update --token-file FILE to accept updates",
        ));
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, credentials)| credentials.trim());
    if given.is_some_and(|given| constant_time_eq(given.as_bytes(), token.as_bytes())) {
        Ok(())
    } else {
        let mut response = text(
            StatusCode::UNAUTHORIZED,
            "updates need the bearer token: Authorization: Bearer …",
        );
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        Err(response)
    }
}

/// Compares without stopping at the first difference, so timing tells nothing of the token.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Runs `work` with a cancellation token that fires after the configured timeout.
fn with_deadline<T>(state: &State, work: impl FnOnce(CancellationToken) -> T) -> T {
    let cancellation = CancellationToken::new();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let timeout = state.config.timeout;
    let watchdog = {
        let cancellation = cancellation.clone();
        std::thread::spawn(move || {
            if finished.recv_timeout(timeout).is_err() {
                cancellation.cancel();
            }
        })
    };
    let result = work(cancellation);
    let _ = done.send(());
    let _ = watchdog.join();
    result
}

/// The answer to a query stopped by the deadline.
fn timed_out(state: &State) -> Response<Body> {
    text(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "the query ran longer than {} s and was stopped; narrow it or add a LIMIT",
            state.config.timeout.as_secs_f64()
        ),
    )
}

/// Whether an evaluation error is the deadline's cancellation.
fn is_cancelled(error: &impl std::fmt::Display) -> bool {
    error.to_string().to_ascii_lowercase().contains("cancel")
}
