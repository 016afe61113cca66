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
        ReportStyle::Markdown => report::write_text(&session.store, &store_name, true, 0, out),
        // On a terminal, its width; otherwise (a file, a pipe) a fixed one, so that the same
        // store gives the same bytes.
        ReportStyle::Text => {
            let width = args
                .output
                .is_none()
                .then(terminal_width)
                .flatten()
                .unwrap_or(120);
            report::write_text(&session.store, &store_name, false, width, out)
        }
    })
}

/// The width of the terminal standard output is, if it is one (`COLUMNS`, as shells export it).
fn terminal_width() -> Option<u16> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()?
        .parse()
        .ok()
        .filter(|w| *w >= 40)
}
