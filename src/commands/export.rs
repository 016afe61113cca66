//! `twinning export`

use crate::cli::ExportArgs;
use crate::error::Result;
use crate::export;
use crate::format::RdfSyntax;
use crate::store::{Location, Session};

pub fn run(location: &Location, args: &ExportArgs) -> Result<()> {
    let syntax = match (args.format, &args.output) {
        (Some(syntax), _) => syntax,
        (None, Some(path)) => RdfSyntax::from_path(path, "--format")?,
        (None, None) => RdfSyntax::Turtle,
    };
    let session = Session::open_for_reading(location)?;
    super::write_output(args.output.as_deref(), |out| {
        export::export(&session.store, syntax, out)
    })
}
