//! `twinning export`

use crate::cli::ExportArgs;
use crate::error::{Error, Result};
use crate::format::ExportFormat;
use crate::store::{Location, Session};
use crate::{export, spreadsheet, wikidata};

pub fn run(location: &Location, args: &ExportArgs) -> Result<()> {
    let format = match (args.format, &args.output) {
        (Some(format), _) => format,
        (None, Some(path)) => ExportFormat::from_path(path)?,
        (None, None) => ExportFormat::Turtle,
    };
    let session = Session::open_for_reading(location)?;
    if args.wikidata.is_some() && format != ExportFormat::Quickstatements {
        return Err(Error::Format(
            "--wikidata only applies to --format quickstatements".to_owned(),
        ));
    }
    if args.stream && format != ExportFormat::Nquads {
        return Err(Error::Format(
            "--stream writes N-Quads only (--format nquads): the other formats merge, sort or \
             nest triples, which needs the whole store in memory"
                .to_owned(),
        ));
    }
    super::write_output(args.output.as_deref(), |out| {
        if args.stream {
            return export::stream_nquads(&session.store, out);
        }
        match (format, format.rdf_syntax()) {
            (_, Some(syntax)) => export::export(&session.store, syntax, out),
            (ExportFormat::Quickstatements, None) => {
                write_quickstatements(&session.store, args.wikidata.as_deref(), out)
            }
            (ExportFormat::Graphml, None) => crate::network::write_graphml(&session.store, out),
            (ExportFormat::Gexf, None) => crate::network::write_gexf(&session.store, out),
            (_, None) => spreadsheet::export(&session.store, out),
        }
    })
}

/// Pairs whose cities lack a confirmed QID are skipped and listed on standard error; with
/// Wikidata's statements, pairs Wikidata already has are left out.
fn write_quickstatements(
    store: &oxigraph::store::Store,
    statements: Option<&std::path::Path>,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let (mut pairs, skipped) = wikidata::our_pairs(store)?;
    for pair in &skipped {
        eprintln!("skipped (no confirmed Wikidata item): {pair}");
    }
    match statements {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            let known: std::collections::BTreeSet<(String, String)> =
                wikidata::read_statements(&path.display().to_string(), &bytes)?
                    .into_iter()
                    .map(|pair| pair.items)
                    .collect();
            pairs.retain(|(pair, _)| !known.contains(&pair.items));
        }
        None => eprintln!(
            "note: without --wikidata FILE every pair is written; Wikidata may already have some"
        ),
    }
    out.write_all(wikidata::quickstatements(&pairs).as_bytes())?;
    Ok(())
}
