//! The HTTP front end: hyper on a small tokio runtime, so that a slow or idle connection costs a
//! few bytes and not a thread. It enforces what a public endpoint needs before a request reaches
//! the handlers: a deadline for the request head and one for the body (slowloris), a body size
//! limit (413), a cap on connections per client address and in all, and a deadline on the answer
//! (a query the engine cannot stop in time is answered 503, and the connection is not held).
//! The handlers themselves are synchronous and run on blocking threads.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use oxhttp::model::{header, HeaderValue, Request, StatusCode};

use super::State;
use crate::error::{Error, Result};

/// How long a client may take to send a request's line and headers.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send a request's body.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an idle kept-alive connection stays open.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections open at once, from all clients.
const MAX_CONNECTIONS: usize = 1024;

/// Serves `state` until the process is stopped.
pub fn run(state: Arc<State>) -> Result<()> {
    let bind = state.config.bind;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(64)
        .enable_all()
        .build()
        .map_err(Error::Output)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|e| Error::Format(format!("--bind {bind}: cannot listen: {e}")))?;
        eprintln!(
            "twinning: SPARQL endpoint at http://{bind}/sparql, query page at http://{bind}/"
        );
        let clients: Arc<Mutex<HashMap<IpAddr, usize>>> = Arc::default();
        let connections = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
        loop {
            let Ok((stream, peer)) = listener.accept().await else {
                continue;
            };
            let Some(guard) =
                Connection::admit(&clients, peer, state.config.max_connections_per_client)
            else {
                // Over its share: closed at once, which costs the others nothing.
                continue;
            };
            let Ok(permit) = connections.clone().try_acquire_owned() else {
                continue;
            };
            let state = state.clone();
            tokio::spawn(async move {
                let _guard = guard;
                let _permit = permit;
                let service = service_fn(move |request| answer(state.clone(), request));
                let connection = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEAD_TIMEOUT)
                    .max_buf_size(64 * 1024)
                    .serve_connection(TokioIo::new(stream), service);
                // An idle or stalled connection is closed after IDLE_TIMEOUT past its last
                // request's deadline at most.
                let _ = tokio::time::timeout(
                    HEAD_TIMEOUT + BODY_TIMEOUT + IDLE_TIMEOUT + Duration::from_secs(600),
                    connection,
                )
                .await;
            });
        }
    })
}

/// One client's open connection, counted against its address's share while it lives.
struct Connection {
    clients: Arc<Mutex<HashMap<IpAddr, usize>>>,
    address: IpAddr,
}

impl Connection {
    fn admit(
        clients: &Arc<Mutex<HashMap<IpAddr, usize>>>,
        peer: SocketAddr,
        share: usize,
    ) -> Option<Self> {
        let mut counts = clients.lock().unwrap_or_else(|e| e.into_inner());
        let count = counts.entry(peer.ip()).or_default();
        if *count >= share {
            return None;
        }
        *count += 1;
        Some(Self {
            clients: clients.clone(),
            address: peer.ip(),
        })
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        let mut counts = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = counts.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.address);
            }
        }
    }
}

/// Reads the body within its deadline and size limit, runs the handlers on a blocking thread,
/// and answers within the query deadline whatever the handlers do.
async fn answer(
    state: Arc<State>,
    request: hyper::Request<Incoming>,
) -> std::result::Result<hyper::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let limit = state.config.max_body;
    let body = match tokio::time::timeout(
        BODY_TIMEOUT,
        Limited::new(body, usize::try_from(limit).unwrap_or(usize::MAX)).collect(),
    )
    .await
    {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => {
            return Ok(plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the request body is larger than {limit} bytes (the server's --max-body)"),
            ))
        }
        Ok(Err(error)) => {
            return Ok(plain(
                StatusCode::BAD_REQUEST,
                format!("cannot read the request body: {error}"),
            ))
        }
        Err(_) => {
            return Ok(plain(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request body took longer than {} s to arrive",
                    BODY_TIMEOUT.as_secs()
                ),
            ))
        }
    };
    // The workers are stopped at the deadline plus two seconds; this is the backstop.
    let deadline = state.config.timeout + Duration::from_secs(4);
    let handler_state = state.clone();
    let handled = tokio::task::spawn_blocking(move || {
        let response = match &handler_state.pool {
            Some(pool) => pool.answer(Request::from_parts(parts, body.to_vec())),
            None => {
                let mut request =
                    Request::from_parts(parts, oxhttp::model::Body::from(body.to_vec()));
                super::contained(&handler_state, &mut request)
            }
        };
        let (parts, mut body) = response.into_parts();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut body, &mut bytes).map(|_| (parts, bytes))
    });
    Ok(match tokio::time::timeout(deadline, handled).await {
        Ok(Ok(Ok((parts, bytes)))) => {
            hyper::Response::from_parts(parts, Full::new(Bytes::from(bytes)))
        }
        Ok(Ok(Err(error))) => plain(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
        Ok(Err(error)) => plain(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
        // The engine did not stop at the cancellation (a sort runs to its end): the client is
        // answered now; the work is left to finish on its thread.
        Err(_) => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the query ran longer than {} s and was stopped; narrow it or add a LIMIT",
                state.config.timeout.as_secs_f64()
            ),
        ),
    })
}

fn plain(status: StatusCode, message: String) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(message + "\n")));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}
