//! `twinning import`

use oxigraph::model::NamedNode;
use oxigraph::store::Store;

use crate::cli::ImportArgs;
use crate::error::{Error, Result};
use crate::store::{Location, Session};
use crate::vocab::GRAPH_BASE;
use crate::{export, load, spreadsheet, validate};

pub fn run(location: &Location, args: &ImportArgs) -> Result<()> {
    let Some(path) = &args.file else {
        return super::write_output(None, |out| spreadsheet::write_template(out));
    };
    let session = Session::open_for_update(location)?;
    let mut import = spreadsheet::import(path, &session.store, args.create)?;

    // The shapes judge the store as it would be after the import; only what the import touches
    // can fail it.
    let candidate = Store::new()?;
    candidate.extend(
        session
            .store
            .iter()
            .collect::<std::result::Result<Vec<_>, _>>()?,
    )?;
    candidate.extend(import.graph.iter().map(|triple| {
        triple
            .into_owned()
            .in_graph(oxigraph::model::GraphName::DefaultGraph)
    }))?;
    let violations = validate::validate_store(candidate)?.violations_about(&import.subjects())?;
    if !violations.is_empty() {
        return Err(Error::ImportViolations {
            file: path.display().to_string(),
            violations,
        });
    }

    if let Some(output) = &args.output {
        super::write_output(Some(output), |out| {
            export::write_turtle(&mut import.graph, out)
        })?;
    }
    if !args.dry_run && !import.graph.is_empty() {
        let graph = NamedNode::new_unchecked(format!("{GRAPH_BASE}imports"));
        load::insert_triples(&session.store, &graph, &import.graph)?;
    }
    eprintln!(
        "{}: {} row(s): {} new agreement(s), {} already in the store, {} new city/country(ies){}",
        path.display(),
        import.rows,
        import.agreements.len(),
        import.skipped.len(),
        import.created.len(),
        if args.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    Ok(())
}
