//! `twinning query`

use crate::catalog::{self, QueryFile};
use crate::cli::QueryArgs;
use crate::error::Result;
use crate::format::QueryOutput;
use crate::output::{self, Table};
use crate::sparql;
use crate::store::{Location, Session};

pub fn run(location: &Location, args: &QueryArgs) -> Result<()> {
    if args.list {
        return list();
    }
    let query = match (&args.expression, &args.query) {
        (Some(text), _) => QueryFile {
            slug: "-e".to_owned(),
            origin: "-e".to_owned(),
            text: text.clone(),
            header: catalog::Header::parse(text),
        },
        (None, Some(name)) => catalog::resolve(name)?,
        (None, None) => unreachable!("clap requires a query, -e or --list"),
    };
    // A syntax error is reported before the store is touched.
    let _ = sparql::prepare(&query.origin, &query.text)?;
    let session = Session::open_for_reading(location)?;
    let _watch = crate::limits::watch(args.limits.limits(), &format!("the query {}", query.origin));
    // SERVICE <https://query.wikidata.org/sparql> is answered by Wikidata, with `?item` bound
    // to the items our places are linked to.
    let (results, explanation) = sparql::query_with_service(
        &session.store,
        &query.origin,
        &query.text,
        &args
            .lang
            .map(|language| vec![sparql::language(language.code())])
            .unwrap_or_default(),
        (
            crate::wikidata::DEFAULT_ENDPOINT,
            crate::wikidata::WikidataService {
                store: Some(session.store.clone()),
            },
        ),
        args.explain.is_some(),
    )?;
    let format = args.format.unwrap_or(match results {
        oxigraph::sparql::QueryResults::Graph(_) => QueryOutput::Turtle,
        _ => QueryOutput::Table,
    });
    super::write_output(None, |out| {
        output::write_results(results, format, &query.origin, out)
    })?;
    // The statistics are complete once every result has been read.
    if let (Some(path), Some(explanation)) = (&args.explain, explanation) {
        super::write_output(Some(path), |out| {
            explanation.write_in_json(&mut *out)?;
            writeln!(out)?;
            Ok(())
        })?;
    }
    Ok(())
}

fn list() -> Result<()> {
    let table = Table {
        columns: vec!["query".to_owned(), "question".to_owned(), "tags".to_owned()],
        rows: catalog::all_bundled()
            .into_iter()
            .map(|query| {
                vec![
                    query.slug.clone(),
                    query.question().to_owned(),
                    query.header.tags.join(", "),
                ]
            })
            .collect(),
        ..Table::default()
    };
    super::write_output(None, |out| {
        writeln!(out, "{}", table.render())?;
        Ok(())
    })
}
