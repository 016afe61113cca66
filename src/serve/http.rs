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

/// Reads the body within its deadline and size limit, runs the handlers on a blocking thread
/// (a worker process for what reads, this process for what writes), and answers what reads within
/// the query deadline whatever the handlers do.
async fn answer(
    state: Arc<State>,
    request: hyper::Request<Incoming>,
) -> std::result::Result<hyper::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    if super::uploads_graph(&parts) {
        return Ok(upload(state, parts, body).await);
    }
    let limit = state.config.max_body;
    let body = match tokio::time::timeout(
        BODY_TIMEOUT,
        Limited::new(body, usize::try_from(limit).unwrap_or(usize::MAX)).collect(),
    )
    .await
    {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => {
            return Ok(plain(StatusCode::PAYLOAD_TOO_LARGE, too_large(limit)))
        }
        Ok(Err(error)) => {
            return Ok(plain(
                StatusCode::BAD_REQUEST,
                format!("cannot read the request body: {error}"),
            ))
        }
        Err(_) => return Ok(plain(StatusCode::REQUEST_TIMEOUT, too_slow())),
    };
    let writes = super::changes_store(&parts, &body);
    let handler_state = state.clone();
    let handled = tokio::task::spawn_blocking(move || {
        let response = match &handler_state.pool {
            Some(pool) if !writes => pool.answer(Request::from_parts(parts, body.to_vec())),
            _ => {
                let mut request =
                    Request::from_parts(parts, oxhttp::model::Body::from(body.to_vec()));
                super::answer_here(&handler_state, &mut request, writes)
            }
        };
        into_bytes(response)
    });
    if writes {
        // A change is not stopped halfway: it commits or fails as a whole, and is answered then.
        return Ok(finished(handled.await));
    }
    // The workers are stopped at the deadline plus two seconds; this is the backstop.
    let deadline = state.config.timeout + Duration::from_secs(4);
    Ok(match tokio::time::timeout(deadline, handled).await {
        Ok(handled) => finished(handled),
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

/// A graph sent to the graph store (PUT or POST) is parsed as it arrives, never held whole: the
/// body is passed on in chunks to the handler, which reads it as a stream. Past the size limit or
/// the body's deadline the stream fails, and with it the request (413, 408), storing nothing.
async fn upload(
    state: Arc<State>,
    parts: oxhttp::model::request::Parts,
    mut body: Incoming,
) -> hyper::Response<Full<Bytes>> {
    let limit = state.config.max_body;
    let (sender, chunks) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(16);
    let handled = tokio::task::spawn_blocking(move || {
        let body = oxhttp::model::Body::from_read(Chunks {
            chunks,
            current: Bytes::new(),
        });
        let mut request = Request::from_parts(parts, body);
        into_bytes(super::answer_here(&state, &mut request, true))
    });
    let pump = tokio::spawn(async move {
        let deadline = tokio::time::Instant::now() + BODY_TIMEOUT;
        let mut received: u64 = 0;
        loop {
            let chunk = match tokio::time::timeout_at(deadline, body.frame()).await {
                Ok(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => {
                        received += data.len() as u64;
                        if received > limit {
                            Err(std::io::Error::new(
                                std::io::ErrorKind::FileTooLarge,
                                too_large(limit),
                            ))
                        } else {
                            Ok(data)
                        }
                    }
                    // Trailers.
                    Err(_) => continue,
                },
                Ok(Some(Err(error))) => Err(std::io::Error::other(format!(
                    "cannot read the request body: {error}"
                ))),
                Ok(None) => return,
                Err(_) => Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    too_slow(),
                )),
            };
            let failed = chunk.is_err();
            if sender.send(chunk).await.is_err() || failed {
                return;
            }
        }
    });
    // The handler may answer before the body has arrived (a syntax error on its first line, a
    // missing token): the rest is then not waited for.
    let handled = handled.await;
    pump.abort();
    finished(handled)
}

/// The request body as the handler reads it: the chunks the front end receives.
struct Chunks {
    chunks: tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>,
    current: Bytes,
}

impl std::io::Read for Chunks {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                Some(chunk) => self.current = chunk?,
                None => return Ok(0),
            }
        }
        let length = buffer.len().min(self.current.len());
        buffer[..length].copy_from_slice(&self.current.split_to(length));
        Ok(length)
    }
}

fn into_bytes(
    response: oxhttp::model::Response<oxhttp::model::Body>,
) -> std::io::Result<(oxhttp::model::response::Parts, Vec<u8>)> {
    let (parts, mut body) = response.into_parts();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut body, &mut bytes).map(|_| (parts, bytes))
}

fn finished(
    handled: std::result::Result<
        std::io::Result<(oxhttp::model::response::Parts, Vec<u8>)>,
        tokio::task::JoinError,
    >,
) -> hyper::Response<Full<Bytes>> {
    match handled {
        Ok(Ok((parts, bytes))) => hyper::Response::from_parts(parts, Full::new(Bytes::from(bytes))),
        Ok(Err(error)) => plain(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
        Err(error) => plain(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    }
}

fn too_large(limit: u64) -> String {
    format!("the request body is larger than {limit} bytes (the server's --max-body)")
}

fn too_slow() -> String {
    format!(
        "the request body took longer than {} s to arrive",
        BODY_TIMEOUT.as_secs()
    )
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
