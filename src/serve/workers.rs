//! Query workers: on a read-only server every request is answered by one of a few worker
//! processes (`twinning serve --worker`), each with the store open read-only. The server watches
//! each request's time and the worker's memory; past the deadline or the memory budget it kills
//! the worker (the only way to stop Oxigraph in the middle of a sort), answers 503, and starts a
//! fresh one. A panic in a worker ends only that worker. So no request, however written, holds
//! more than the budget or longer than the deadline.
//!
//! Framing on the worker's standard input and output: a request is a JSON head (method, URI,
//! headers) and a body; a response a JSON head (status, headers) and a body; each part preceded
//! by its length as four bytes, big-endian.

use std::io::{BufReader, BufWriter, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use oxhttp::model::{Body, HeaderName, HeaderValue, Request, Response, StatusCode};
use serde::{Deserialize, Serialize};

/// How the workers are started and watched.
pub struct Pool {
    /// The command line that starts a worker.
    command: Vec<String>,
    /// Resident memory a worker may reach while answering, in bytes.
    max_memory: u64,
    /// How long one request may take: the query timeout, which the worker applies itself.
    timeout: Duration,
    /// When the worker is stopped if it has not answered: the timeout and a grace.
    deadline: Duration,
    idle: Mutex<Vec<Worker>>,
    available: Condvar,
}

struct Worker {
    child: Child,
    input: BufWriter<ChildStdin>,
    output: Receiver<std::io::Result<(Head, Vec<u8>)>>,
}

#[derive(Serialize, Deserialize, Default)]
struct Head {
    #[serde(default)]
    method: String,
    #[serde(default)]
    uri: String,
    #[serde(default)]
    status: u16,
    headers: Vec<(String, String)>,
}

impl Pool {
    /// Starts `size` workers with `command` (the program first).
    pub fn start(
        command: Vec<String>,
        size: usize,
        max_memory: u64,
        timeout: Duration,
    ) -> std::io::Result<Self> {
        let pool = Self {
            command,
            max_memory,
            timeout,
            deadline: timeout + Duration::from_secs(2),
            idle: Mutex::new(Vec::new()),
            available: Condvar::new(),
        };
        for _ in 0..size.max(1) {
            let worker = pool.spawn()?;
            pool.idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(worker);
        }
        Ok(pool)
    }

    fn spawn(&self) -> std::io::Result<Worker> {
        let mut child = Command::new(&self.command[0])
            .args(&self.command[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let input = BufWriter::new(child.stdin.take().expect("piped"));
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let (sender, output) = mpsc::channel();
        std::thread::spawn(move || loop {
            let frame = read_frame(&mut stdout);
            let failed = frame.is_err();
            if sender.send(frame).is_err() || failed {
                return;
            }
        });
        Ok(Worker {
            child,
            input,
            output,
        })
    }

    /// Answers a request through a worker, within the deadline and the memory budget.
    pub fn answer(&self, request: Request<Vec<u8>>) -> Response<Body> {
        let waited = Instant::now();
        let mut worker = {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(worker) = idle.pop() {
                    break worker;
                }
                let (guard, timeout) = self
                    .available
                    .wait_timeout(idle, Duration::from_millis(200))
                    .unwrap_or_else(|e| e.into_inner());
                idle = guard;
                if timeout.timed_out() && waited.elapsed() > self.deadline {
                    return busy();
                }
            }
        };
        let (response, healthy) = self.exchange(&mut worker, request);
        if !healthy {
            let _ = worker.child.kill();
            let _ = worker.child.wait();
            match self.spawn() {
                Ok(fresh) => worker = fresh,
                Err(error) => {
                    eprintln!("twinning: cannot start a query worker: {error}");
                    self.available.notify_one();
                    return response;
                }
            }
        }
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(worker);
        self.available.notify_one();
        response
    }

    /// Sends the request and waits for the answer while watching the worker: the response, and
    /// whether the worker can serve again.
    fn exchange(&self, worker: &mut Worker, request: Request<Vec<u8>>) -> (Response<Body>, bool) {
        let (parts, body) = request.into_parts();
        let head = Head {
            method: parts.method.to_string(),
            uri: parts.uri.to_string(),
            headers: header_pairs(&parts.headers),
            ..Head::default()
        };
        if write_frame(&mut worker.input, &head, &body).is_err() {
            return (failure("the query worker stopped"), false);
        }
        let started = Instant::now();
        loop {
            match worker.output.recv_timeout(Duration::from_millis(20)) {
                Ok(Ok((head, body))) => return (response(head, body), true),
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                    return (
                        failure("the query worker stopped on an internal error"),
                        false,
                    )
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            if started.elapsed() > self.deadline {
                return (
                    stopped(format!(
                        "the query ran longer than {} s and was stopped; narrow it or add a LIMIT",
                        self.timeout.as_secs_f64()
                    )),
                    false,
                );
            }
            if crate::limits::process_memory(&worker.child.id().to_string())
                .is_some_and(|used| used > self.max_memory)
            {
                return (
                    stopped(format!(
                        "the query needed more than {} MiB of memory and was stopped; narrow it or add a LIMIT",
                        self.max_memory / (1024 * 1024)
                    )),
                    false,
                );
            }
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for worker in self
            .idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter_mut()
        {
            let _ = worker.child.kill();
            let _ = worker.child.wait();
        }
    }
}

/// The worker's side: answers requests from standard input with `handle` until it closes.
pub fn serve_requests(
    handle: impl Fn(&mut Request<Body>) -> Response<Body>,
) -> std::io::Result<()> {
    let mut input = BufReader::new(std::io::stdin().lock());
    let mut output = BufWriter::new(std::io::stdout().lock());
    loop {
        let (head, body) = match read_frame(&mut input) {
            Ok(frame) => frame,
            Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(error) => return Err(error),
        };
        let mut builder = Request::builder()
            .method(head.method.as_str())
            .uri(head.uri.as_str());
        for (name, value) in &head.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let mut request = builder
            .body(Body::from(body))
            .map_err(std::io::Error::other)?;
        let response = handle(&mut request);
        let (parts, mut body) = response.into_parts();
        let mut bytes = Vec::new();
        body.read_to_end(&mut bytes)?;
        let head = Head {
            status: parts.status.as_u16(),
            headers: header_pairs(&parts.headers),
            ..Head::default()
        };
        write_frame(&mut output, &head, &bytes)?;
    }
}

/// Headers as text pairs, for the frame's JSON head (values that are not text are left out).
fn header_pairs(headers: &oxhttp::model::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_owned())))
        .collect()
}

fn write_frame(out: &mut impl Write, head: &Head, body: &[u8]) -> std::io::Result<()> {
    let head = serde_json::to_vec(head).map_err(std::io::Error::other)?;
    for part in [head.as_slice(), body] {
        out.write_all(
            &u32::try_from(part.len())
                .map_err(std::io::Error::other)?
                .to_be_bytes(),
        )?;
        out.write_all(part)?;
    }
    out.flush()
}

fn read_frame(input: &mut impl Read) -> std::io::Result<(Head, Vec<u8>)> {
    let mut part = || -> std::io::Result<Vec<u8>> {
        let mut length = [0; 4];
        input.read_exact(&mut length)?;
        let mut bytes = vec![0; u32::from_be_bytes(length) as usize];
        input.read_exact(&mut bytes)?;
        Ok(bytes)
    };
    let head = serde_json::from_slice(&part()?).map_err(std::io::Error::other)?;
    Ok((head, part()?))
}

fn response(head: Head, body: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(head.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in head.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

fn stopped(message: String) -> Response<Body> {
    super::text(StatusCode::SERVICE_UNAVAILABLE, message)
}

fn failure(message: &str) -> Response<Body> {
    super::text(StatusCode::INTERNAL_SERVER_ERROR, message)
}

fn busy() -> Response<Body> {
    let mut response = super::text(
        StatusCode::SERVICE_UNAVAILABLE,
        "every query worker is busy; try again in a moment",
    );
    response.headers_mut().insert(
        oxhttp::model::header::RETRY_AFTER,
        HeaderValue::from_static("2"),
    );
    response
}
