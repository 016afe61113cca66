//! `twinning serve`

use std::time::Duration;

use crate::cli::ServeArgs;
use crate::error::{Error, Result};
use crate::serve::{self, Config, Workers};
use crate::store::{Location, Session};

pub fn run(location: &Location, args: &ServeArgs) -> Result<()> {
    let token = match &args.token_file {
        Some(path) => {
            let token = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            let token = token.trim().to_owned();
            if token.len() < 16 {
                return Err(Error::Format(format!(
                    "--token-file {}: the token must be at least 16 characters",
                    path.display()
                )));
            }
            Some(token)
        }
        None => None,
    };
    let config = Config {
        bind: args.bind,
        timeout: Duration::from_secs(args.timeout),
        max_results: args.max_results,
        max_body: args.max_body,
        max_connections_per_client: args.max_connections_per_client,
        token,
        load_hosts: args.allow_load_from.clone(),
    };
    if args.worker {
        let session = Session::open_for_reading(location)?;
        return serve::work(session.store.clone(), config);
    }
    // A read-only server shares the store with other readers (`query`, `export`, `report`); one
    // that accepts updates holds the store alone, and loads go through it (PUT /store). Either
    // answers what reads through worker processes (on a writable server, from snapshots) and
    // writes itself.
    let session = if config.token.is_some() {
        Session::open_for_update(location)?
    } else {
        Session::open_for_reading(location)?
    };
    let workers = match &session.location {
        Location::Directory(path) if args.workers > 0 => Some(Workers {
            command: worker_command(args)?,
            store: path.clone(),
            count: args.workers,
            max_memory: args.max_query_memory * 1024 * 1024,
        }),
        _ => None,
    };
    serve::serve(session.store.clone(), config, workers)
}

/// The command line that starts a worker of this server, without its `--store DIR`.
fn worker_command(args: &ServeArgs) -> Result<Vec<String>> {
    let program = std::env::current_exe().map_err(Error::Output)?;
    Ok(vec![
        program.display().to_string(),
        "serve".to_owned(),
        "--worker".to_owned(),
        "--bind".to_owned(),
        args.bind.to_string(),
        "--timeout".to_owned(),
        args.timeout.to_string(),
        "--max-results".to_owned(),
        args.max_results.to_string(),
        "--max-body".to_owned(),
        args.max_body.to_string(),
    ])
}
