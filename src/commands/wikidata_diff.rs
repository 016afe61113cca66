//! `twinning wikidata-diff`

use std::collections::{BTreeMap, BTreeSet};

use crate::cli::{DiffFormat, WikidataDiffArgs};
use crate::error::{Error, Result};
use crate::store::{Location, Session};
use crate::wikidata;

pub fn run(location: &Location, args: &WikidataDiffArgs) -> Result<()> {
    let session = Session::open_for_reading(location)?;
    let (ours, skipped) = wikidata::our_pairs(&session.store)?;
    let items: BTreeSet<String> = ours
        .iter()
        .flat_map(|(pair, _)| [pair.items.0.clone(), pair.items.1.clone()])
        .collect();
    if args.print_query {
        let query = wikidata::statements_query(&items)?;
        return super::write_output(None, |out| Ok(out.write_all(query.as_bytes())?));
    }
    let theirs = match (&args.wikidata, &args.endpoint) {
        (Some(path), _) => {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            wikidata::read_statements(&path.display().to_string(), &bytes)?
        }
        (None, Some(endpoint)) => {
            let endpoint = &endpoint.clone().unwrap_or_else(wikidata::endpoint);
            let query = wikidata::statements_query(&items)?;
            let timeout = std::time::Duration::from_secs(args.timeout);
            let bytes = wikidata::fetch(endpoint, &query, timeout, 4, wikidata::OFFLINE_HINT)?;
            wikidata::read_statements(endpoint, &bytes)?
        }
        (None, None) => unreachable!("clap requires a source"),
    };
    for pair in &skipped {
        eprintln!("not compared (no confirmed Wikidata item): {pair}");
    }
    let labels = labels(&session.store)?;
    let table = wikidata::diff(&ours, &theirs, &labels);
    super::write_output(None, |out| {
        match args.format {
            DiffFormat::Table => writeln!(out, "{}", table.render())?,
            DiffFormat::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer.write_record(&table.columns)?;
                for row in &table.rows {
                    writer.write_record(row)?;
                }
                writer.flush()?;
            }
            DiffFormat::Json => {
                let rows: Vec<BTreeMap<&str, &str>> = table
                    .rows
                    .iter()
                    .map(|row| {
                        table
                            .columns
                            .iter()
                            .map(String::as_str)
                            .zip(row.iter().map(String::as_str))
                            .collect()
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut *out, &rows)
                    .map_err(|e| Error::Output(e.into()))?;
                writeln!(out)?;
            }
        }
        Ok(())
    })
}

/// English labels of our places by their Wikidata item.
fn labels(store: &oxigraph::store::Store) -> Result<BTreeMap<String, String>> {
    let table = crate::output::Table::internal(store, crate::sparql::WIKIDATA_LABELS)?;
    Ok(table
        .rows
        .into_iter()
        .map(|row| (row[0].trim_start_matches("wd:").to_owned(), row[1].clone()))
        .collect())
}
