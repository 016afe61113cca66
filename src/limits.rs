//! Limits on a command's time and memory. The query engine cannot always be stopped from
//! outside (a sort runs to its end, whatever the cancellation token says), so a command that
//! exceeds its limits is ended: its store was opened read-only, nothing is lost, and the user
//! gets a message naming the flag to change instead of a machine out of memory.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long and how much memory a command may use.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock time; `None`: no limit.
    pub timeout: Option<Duration>,
    /// Resident memory of the whole process, in bytes; `None`: no limit.
    pub max_memory: Option<u64>,
}

/// A running watch: dropping it ends the watch.
pub struct Watch {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Watches this process while `what` runs: past the timeout or above the memory limit it prints
/// why and exits with code 2.
pub fn watch(limits: Limits, what: &str) -> Watch {
    if limits.timeout.is_none() && limits.max_memory.is_none() {
        return Watch {
            stop: None,
            thread: None,
        };
    }
    let (stop, stopped) = mpsc::channel::<()>();
    let what = what.to_owned();
    let started = Instant::now();
    let thread = std::thread::spawn(move || loop {
        match stopped.recv_timeout(Duration::from_millis(50)) {
            Err(RecvTimeoutError::Timeout) => {}
            _ => return,
        }
        if let Some(timeout) = limits.timeout {
            if started.elapsed() > timeout {
                stop_process(&format!(
                    "{what} ran longer than {} s and was stopped; narrow it, add a LIMIT, or give more time with --timeout",
                    timeout.as_secs_f64()
                ));
            }
        }
        if let (Some(limit), Some(used)) = (limits.max_memory, resident_memory()) {
            if used > limit {
                stop_process(&format!(
                    "{what} needed more than {} MiB of memory and was stopped; narrow it, add a LIMIT, or allow more with --max-memory",
                    limit / (1024 * 1024)
                ));
            }
        }
    });
    Watch {
        stop: Some(stop),
        thread: Some(thread),
    }
}

fn stop_process(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(2)
}

/// This process's resident memory in bytes, if known.
pub fn resident_memory() -> Option<u64> {
    process_memory("self")
}

/// A process's resident memory in bytes (Linux: VmRSS in /proc/PROCESS/status, PROCESS being a
/// pid or `self`), if known.
pub fn process_memory(process: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{process}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}
