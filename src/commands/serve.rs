//! `twinning serve`

use std::time::Duration;

use crate::cli::ServeArgs;
use crate::error::{Error, Result};
use crate::serve::{self, Config};
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
    // A read-only server shares the store with other readers (`query`, `export`, `report`); one
    // that accepts updates holds it alone, and loads go through it (PUT /store).
    let session = if token.is_some() {
        Session::open_for_update(location)?
    } else {
        Session::open_for_reading(location)?
    };
    serve::serve(
        session.store.clone(),
        Config {
            bind: args.bind,
            timeout: Duration::from_secs(args.timeout),
            max_results: args.max_results,
            max_body: args.max_body,
            max_connections_per_client: args.max_connections_per_client,
            token,
            load_hosts: args.allow_load_from.clone(),
        },
    )
}
