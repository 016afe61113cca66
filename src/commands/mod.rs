//! One module per command, each with one `run` entry point. Shared pieces live here.

mod export;
mod import;
mod link;
mod load;
mod manual;
mod query;
mod report;
mod serve;
mod site;
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
    let top = &cli.store;
    let success = |result: Result<()>| result.map(|()| Outcome::Success);
    match &cli.command {
        Command::Load(args) => success(load::run(&location(top, &args.store)?, args)),
        Command::Query(args) => success(query::run(&location(top, &args.store)?, args)),
        Command::Export(args) => success(export::run(&location(top, &args.store)?, args)),
        Command::Report(args) => success(report::run(&location(top, &args.store)?, args)),
        Command::Import(args) => success(import::run(&location(top, &args.store)?, args)),
        Command::Link(args) => link::run(&location(top, &args.store)?, args),
        Command::WikidataDiff(args) => {
            success(wikidata_diff::run(&location(top, &args.store)?, args))
        }
        Command::Serve(args) => success(serve::run(&location(top, &args.store)?, args)),
        Command::Site(args) => success(site::run(&location(top, &args.store)?, args)),
        Command::Synth(args) => no_store(top, "synth").and_then(|()| success(synth::run(args))),
        Command::Validate(args) => no_store(top, "validate").and_then(|()| validate::run(args)),
        Command::Man(args) => no_store(top, "man").and_then(|()| success(manual::man(args))),
        Command::Completions(args) => {
            no_store(top, "completions").and_then(|()| success(manual::completions(args.shell)))
        }
    }
}

/// The store a command uses: `--memory`, else `--store` (before or after the command), else
/// `$TWINNING_STORE`, else the default directory. The environment is read here rather than by
/// clap, so that `--memory` typed on the command line wins over a store set in the environment.
fn location(top: &StoreArgs, command: &StoreArgs) -> Result<Location> {
    let store = command.store.as_ref().or(top.store.as_ref());
    if top.memory || command.memory {
        return match store {
            Some(_) => Err(Error::Format(
                "--memory and --store name two different stores: give one".to_owned(),
            )),
            None => Ok(Location::Memory),
        };
    }
    Ok(Location::Directory(match store {
        Some(path) => path.clone(),
        None => std::env::var_os("TWINNING_STORE")
            .filter(|value| !value.is_empty())
            .map_or_else(Location::default_directory, Into::into),
    }))
}

/// Commands that use no store refuse a store flag rather than ignore it.
fn no_store(top: &StoreArgs, command: &str) -> Result<()> {
    if top.store.is_some() || top.memory {
        return Err(Error::Format(format!(
            "`twinning {command}` uses no store: drop --store/--memory"
        )));
    }
    Ok(())
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
