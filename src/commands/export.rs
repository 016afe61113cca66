//! `twinning export`

use crate::cli::ExportArgs;
use crate::error::Result;
use crate::format::ExportFormat;
use crate::store::{Location, Session};
use crate::{export, spreadsheet};

pub fn run(location: &Location, args: &ExportArgs) -> Result<()> {
    let format = match (args.format, &args.output) {
        (Some(format), _) => format,
        (None, Some(path)) => ExportFormat::from_path(path)?,
        (None, None) => ExportFormat::Turtle,
    };
    let session = Session::open_for_reading(location)?;
    super::write_output(args.output.as_deref(), |out| match format.rdf_syntax() {
        Some(syntax) => export::export(&session.store, syntax, out),
        None => spreadsheet::export(&session.store, out),
    })
}
