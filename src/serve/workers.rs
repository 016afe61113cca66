//! Query workers: every request that only reads is answered by one of a few worker processes
//! (`twinning serve --worker`), each with the store open read-only. The server watches each
//! request's time and the worker's memory; past the deadline or the memory budget it kills the
//! worker (the only way to stop Oxigraph in the middle of a sort), answers 503, and starts a
//! fresh one. A panic in a worker ends only that worker. So no request, however written, holds
//! more than the budget or longer than the deadline.
//!
//! A server that accepts updates holds its store open for writing, and RocksDB does not let
//! another process read a store while one writes it. Its workers read a snapshot instead: a
//! RocksDB checkpoint (hard links to the store's immutable files, so cheap) taken at start and
//! after every change, before the change is answered. A worker of an older snapshot is replaced
//! before it answers again, so a client reads its own writes; a snapshot no worker reads any more
//! is deleted.
//!
//! Framing on the worker's standard input and output: a request is a JSON head (method, URI,
//! headers) and a body; a response a JSON head (status, headers) and a body; each part preceded
//! by its length as four bytes, big-endian.

use std::collections::BTreeMap;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use oxhttp::model::{Body, HeaderName, HeaderValue, Request, Response, StatusCode};
use serde::{Deserialize, Serialize};

/// How the workers are started and watched.
pub struct Pool {
    /// The program and the arguments that follow the store's location.
    program: String,
    arguments: Vec<String>,
    /// The store the workers read, or the snapshots they read.
    reads: Mutex<Reads>,
    /// Resident memory a worker may reach while answering, in bytes.
    max_memory: u64,
    /// How long one request may take: the query timeout, which the worker applies itself.
    timeout: Duration,
    /// When the worker is stopped if it has not answered: the timeout and a grace.
    deadline: Duration,
    idle: Mutex<Vec<Worker>>,
    available: Condvar,
}

/// What the workers read: the store itself, or (on a writable server) its newest snapshot.
struct Reads {
    /// The store, or the directory that holds the numbered snapshots.
    path: PathBuf,
    snapshots: bool,
    /// The newest snapshot's number (0 without snapshots).
    newest: u64,
    /// How many workers read each snapshot.
    readers: BTreeMap<u64, usize>,
}

impl Reads {
    fn location(&self, snapshot: u64) -> PathBuf {
        if self.snapshots {
            self.path.join(snapshot.to_string())
        } else {
            self.path.clone()
        }
    }

    /// Deletes the snapshots older than the newest that no worker reads.
    fn remove_unread(&mut self) {
        if !self.snapshots {
            return;
        }
        let newest = self.newest;
        let unread: Vec<u64> = self
            .readers
            .iter()
            .filter(|(number, count)| **number != newest && **count == 0)
            .map(|(number, _)| *number)
            .collect();
        for number in unread {
            self.readers.remove(&number);
            if let Err(error) = std::fs::remove_dir_all(self.location(number)) {
                eprintln!(
                    "twinning: cannot remove the snapshot {}: {error}",
                    self.location(number).display()
                );
            }
        }
    }
}

struct Worker {
    /// The snapshot it reads.
    snapshot: u64,
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
    /// Starts `size` workers with `command` (the program, then the arguments that follow
    /// `--store DIR`) on `store`, or, with `writer`, on snapshots of the store that process holds
    /// open for writing (kept in a directory beside it).
    pub fn start(
        command: Vec<String>,
        store: &Path,
        writer: Option<&oxigraph::store::Store>,
        size: usize,
        max_memory: u64,
        timeout: Duration,
    ) -> std::io::Result<Self> {
        let mut command = command.into_iter();
        let program = command.next().unwrap_or_default();
        let path = match writer {
            Some(_) => snapshot_directory(store),
            None => store.to_owned(),
        };
        if writer.is_some() {
            // Left by an earlier server on this store, which has stopped: we hold its lock.
            if path.exists() {
                std::fs::remove_dir_all(&path)?;
            }
            std::fs::create_dir_all(&path)?;
        }
        let pool = Self {
            program,
            arguments: command.collect(),
            reads: Mutex::new(Reads {
                path,
                snapshots: writer.is_some(),
                newest: 0,
                readers: BTreeMap::new(),
            }),
            max_memory,
            timeout,
            deadline: timeout + Duration::from_secs(2),
            idle: Mutex::new(Vec::new()),
            available: Condvar::new(),
        };
        if let Some(store) = writer {
            pool.refresh(store)?;
        }
        for _ in 0..size.max(1) {
            let worker = pool.spawn()?;
            pool.idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(worker);
        }
        Ok(pool)
    }

    /// Takes a snapshot of `store` (after a change) for the workers to read from now on: a
    /// worker reading an older one is replaced before it answers again.
    pub fn refresh(&self, store: &oxigraph::store::Store) -> std::io::Result<()> {
        let mut reads = self.reads.lock().unwrap_or_else(|e| e.into_inner());
        if !reads.snapshots {
            return Ok(());
        }
        let number = reads.newest + 1;
        store
            .backup(reads.location(number))
            .map_err(std::io::Error::other)?;
        reads.newest = number;
        reads.readers.entry(number).or_default();
        reads.remove_unread();
        Ok(())
    }

    fn spawn(&self) -> std::io::Result<Worker> {
        let (snapshot, location) = {
            let reads = self.reads.lock().unwrap_or_else(|e| e.into_inner());
            (reads.newest, reads.location(reads.newest))
        };
        let mut child = Command::new(&self.program)
            .arg("--store")
            .arg(location)
            .args(&self.arguments)
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
        *self
            .reads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .readers
            .entry(snapshot)
            .or_default() += 1;
        Ok(Worker {
            snapshot,
            child,
            input,
            output,
        })
    }

    /// Stops a worker (stopped already, or reading an old snapshot).
    fn retire(&self, mut worker: Worker) {
        let _ = worker.child.kill();
        let _ = worker.child.wait();
        let mut reads = self.reads.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = reads.readers.get_mut(&worker.snapshot) {
            *count = count.saturating_sub(1);
        }
        reads.remove_unread();
    }

    /// Whether a worker reads the newest snapshot (always, without snapshots).
    fn is_current(&self, worker: &Worker) -> bool {
        worker.snapshot == self.reads.lock().unwrap_or_else(|e| e.into_inner()).newest
    }

    /// `worker`, or, when it cannot serve (stopped, or reading an old snapshot), a fresh one.
    fn renewed(&self, worker: Worker, healthy: bool) -> std::io::Result<Worker> {
        if healthy && self.is_current(&worker) {
            return Ok(worker);
        }
        self.retire(worker);
        self.spawn()
    }

    /// Answers a request through a worker, within the deadline and the memory budget.
    pub fn answer(&self, request: Request<Vec<u8>>) -> Response<Body> {
        let waited = Instant::now();
        let worker = {
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
        // A worker of an older snapshot would not see the latest change.
        let mut worker = match self.renewed(worker, true) {
            Ok(worker) => worker,
            Err(error) => return self.lost(&error),
        };
        let (response, healthy) = self.exchange(&mut worker, request);
        let worker = match self.renewed(worker, healthy) {
            Ok(worker) => worker,
            Err(error) => {
                self.lost(&error);
                return response;
            }
        };
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(worker);
        self.available.notify_one();
        response
    }

    /// A worker could not be started: the pool has one fewer.
    fn lost(&self, error: &std::io::Error) -> Response<Body> {
        eprintln!("twinning: cannot start a query worker: {error}");
        self.available.notify_one();
        failure("no query worker could be started; see the server's log")
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
        let reads = self.reads.lock().unwrap_or_else(|e| e.into_inner());
        if reads.snapshots {
            let _ = std::fs::remove_dir_all(&reads.path);
        }
    }
}

/// Where a writable server keeps the snapshots its workers read: beside the store (hard links
/// need the same file system), named after it.
fn snapshot_directory(store: &Path) -> PathBuf {
    let mut name = store.file_name().unwrap_or_default().to_owned();
    name.push(".serve-snapshots");
    store.with_file_name(name)
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
