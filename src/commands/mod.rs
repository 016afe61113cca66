//! One module per command, each with one `run` entry point. Shared pieces live here.

mod export;
mod import;
mod link;
mod load;
mod query;
mod report;
mod serve;
mod synth;
mod validate;
mod wikidata_diff;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::cli::{Cli, Command, StoreArgs};
use crate::error::{Error, Result};
use crate::store::Location;

/// How a command that ran went: the exit code's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done, nothing to report (exit code 0).
    Success,
    /// Ran fine but found problems, such as SHACL violations (exit code 1).
    Problems,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    let location = location(&cli.store);
    let success = |result: Result<()>| result.map(|()| Outcome::Success);
    match cli.command {
        Command::Load(args) => success(load::run(&location, &args)),
        Command::Query(args) => success(query::run(&location, &args)),
        Command::Export(args) => success(export::run(&location, &args)),
        Command::Report(args) => success(report::run(&location, &args)),
        Command::Import(args) => success(import::run(&location, &args)),
        Command::Link(args) => link::run(&location, &args),
        Command::WikidataDiff(args) => success(wikidata_diff::run(&location, &args)),
        Command::Serve(args) => success(serve::run(&location, &args)),
        Command::Synth(args) => success(synth::run(&args)),
        Command::Validate(args) => validate::run(&args),
    }
}

fn location(args: &StoreArgs) -> Location {
    if args.memory {
        Location::Memory
    } else {
        Location::Directory(
            args.store
                .clone()
                .unwrap_or_else(Location::default_directory),
        )
    }
}

/// Writes to `path` (through a temporary file renamed at the end, so a failure never leaves a
/// half-written file) or to standard output.
fn write_output(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    match path {
        None => {
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            write(&mut out)?;
            out.flush()?;
            Ok(())
        }
        Some(path) => {
            let file_name = path
                .file_name()
                .ok_or_else(|| Error::Format(format!("-o {}: not a file name", path.display())))?;
            let temporary =
                path.with_file_name(format!(".{}.partial", file_name.to_string_lossy()));
            let file = File::create(&temporary).map_err(|e| Error::io(&temporary, e))?;
            let mut out = BufWriter::new(file);
            let written = write(&mut out).and_then(|()| out.flush().map_err(Error::Output));
            drop(out);
            match written {
                Ok(()) => std::fs::rename(&temporary, path).map_err(|e| Error::io(path, e)),
                Err(error) => {
                    let _ = std::fs::remove_file(&temporary);
                    Err(error)
                }
            }
        }
    }
}
