//! `twinning report`

use crate::cli::ReportArgs;
use crate::error::Result;
use crate::report;
use crate::store::{Location, Session};

pub fn run(location: &Location, args: &ReportArgs) -> Result<()> {
    let session = Session::open_for_reading(location)?;
    let store_name = session.location.describe();
    super::write_output(args.output.as_deref(), |out| {
        report::write_text(&session.store, &store_name, out)
    })
}
