//! `twinning report`

use crate::cli::{ReportArgs, ReportStyle};
use crate::error::Result;
use crate::report;
use crate::store::{Location, Session};

pub fn run(location: &Location, args: &ReportArgs) -> Result<()> {
    let session = Session::open_for_reading(location)?;
    let store_name = session.location.describe();
    let _watch = crate::limits::watch(args.limits.limits(), "the report");
    super::write_output(args.output.as_deref(), |out| match args.format {
        ReportStyle::Html => crate::html::write(&session.store, args.lang, out),
        ReportStyle::Text | ReportStyle::Markdown => {
            report::write_text(&session.store, &store_name, out)
        }
    })
}
