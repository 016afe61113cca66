//! `twinning report`

use crate::cli::{ReportArgs, ReportStyle};
use crate::error::{Error, Result};
use crate::report;
use crate::store::{Location, Session};

pub fn run(location: &Location, args: &ReportArgs) -> Result<()> {
    // The text and Markdown reports are written in English only: asked for another language,
    // they say so rather than answer in English.
    if args.format != ReportStyle::Html && args.lang != crate::i18n::Language::En {
        return Err(Error::Format(format!(
            "--lang {} is available with --format html only (the text and Markdown reports are \
             in English); use: twinning report --format html --lang {} -o report.html",
            args.lang.code(),
            args.lang.code()
        )));
    }
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
