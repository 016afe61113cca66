//! `twinning site`

use crate::cli::SiteArgs;
use crate::error::Result;
use crate::store::{Location, Session};

pub fn run(location: &Location, args: &SiteArgs) -> Result<()> {
    let session = Session::open_for_reading(location)?;
    let summary = crate::site::build(
        &session.store,
        &crate::site::Options {
            output: args.output.clone(),
            force: args.force,
            url: args.url.clone(),
        },
    )?;
    eprintln!(
        "{}: {} entities, {} files",
        args.output.display(),
        summary.entities,
        summary.files
    );
    if !summary.skipped.is_empty() {
        eprintln!(
            "note: {} entities have IRIs that cannot be file names and have no page (twinning \
             serve shows them): {}",
            summary.skipped.len(),
            summary.skipped.join(", ")
        );
    }
    Ok(())
}
