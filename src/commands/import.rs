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
    let minting = spreadsheet::Minting {
        create: args.create,
        base: args
            .base
            .clone()
            .unwrap_or_else(|| spreadsheet::Minting::default().base),
    };
    let mut import = spreadsheet::import(path, &session.store, &minting)?;

    // The shapes judge the store as it would be after the import; only what the import touches
    // can fail it, so they read only that: the vocabularies, the new triples and, two steps out
    // from every resource they name, what the store says (a shape follows a path of at most two
    // properties, and none backwards). A million agreements are not copied for one.
    let candidate = Store::new()?;
    for document in load::bundled_vocabulary()? {
        candidate.extend(document.quads)?;
    }
    candidate.extend(neighbourhood(&session.store, &import.graph)?)?;
    candidate.extend(import.graph.iter().map(|triple| {
        triple
            .into_owned()
            .in_graph(oxigraph::model::GraphName::DefaultGraph)
    }))?;
    let validation = validate::validate_store(candidate)?;
    let subjects = import.subjects();
    let violations = validation.results_about(&subjects, "Violation")?;
    if !violations.is_empty() {
        return Err(Error::ImportViolations {
            file: path.display().to_string(),
            violations,
        });
    }
    // What is incomplete but valid (a city with no Arabic name yet) is imported, and said.
    for warning in validation.results_about(&subjects, "Warning")? {
        eprintln!("warning: {}: {warning}", path.display());
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

/// What the store says about the resources `graph` names, and about the resources those
/// statements name in turn.
fn neighbourhood(
    store: &Store,
    graph: &oxigraph::model::Graph,
) -> Result<Vec<oxigraph::model::Quad>> {
    use oxigraph::model::{NamedOrBlankNode, Term};
    use std::collections::HashSet;
    let node = |term: &Term| match term {
        Term::NamedNode(node) => Some(NamedOrBlankNode::from(node.clone())),
        Term::BlankNode(node) => Some(NamedOrBlankNode::from(node.clone())),
        _ => None,
    };
    let mut seen: HashSet<NamedOrBlankNode> = HashSet::new();
    let mut next: Vec<NamedOrBlankNode> = graph
        .iter()
        .flat_map(|triple| {
            let triple = triple.into_owned();
            [Some(triple.subject), node(&triple.object)]
        })
        .flatten()
        .collect();
    let mut quads = Vec::new();
    for _ in 0..2 {
        let mut found = Vec::new();
        for subject in next.drain(..) {
            if !seen.insert(subject.clone()) {
                continue;
            }
            for quad in store.quads_for_pattern(Some(subject.as_ref()), None, None, None) {
                let quad = quad?;
                found.extend(node(&quad.object));
                quads.push(quad);
            }
        }
        next = found;
    }
    Ok(quads)
}
