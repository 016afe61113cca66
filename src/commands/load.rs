//! `twinning load`

use crate::cli::LoadArgs;
use crate::error::Result;
use crate::load::{self, Document};
use crate::store::{Location, Session};

pub fn run(location: &Location, args: &LoadArgs) -> Result<()> {
    if args.graph.is_some() && args.files.len() > 1 {
        return Err(crate::error::Error::Format(
            "--graph names one graph: give it a single file".to_owned(),
        ));
    }
    // Large files stream through the bulk loader; the rest is parsed before the store is opened
    // for writing, so a bad file costs nothing.
    let large = |path: &std::path::Path| {
        args.bulk || std::fs::metadata(path).is_ok_and(|m| m.len() > load::BULK_THRESHOLD)
    };
    if args.rederive {
        let session = Session::open_for_writing(location)?;
        // An interrupted derivation was just completed by the open: once is enough.
        if !session.derived_on_open {
            session.derivation_pending()?;
            load::rederive_in_bulk(&session.store, &mut crate::progress::Progress::new(1))?;
            session.derivation_done()?;
        }
        let count = load::graph_size(&session.store, &load::derived_graph())?;
        println!("{count:>8} triples  <{}>", crate::vocab::DERIVED_GRAPH);
        return Ok(());
    }
    let (bulk, small): (Vec<_>, Vec<_>) = args.files.iter().partition(|path| large(path));
    let mut documents = if args.vocabulary {
        load::bundled_vocabulary()?
    } else if args.files.is_empty() {
        load::bundled_documents()?
    } else {
        Vec::new()
    };
    for path in &small {
        documents.push(Document::from_file(
            path,
            args.format,
            args.graph.as_deref(),
        )?);
    }
    let session = Session::open_for_writing(location)?;
    let mut summary = load::load_documents(&session.store, &documents)?;
    for path in bulk {
        let syntax = match args.format {
            Some(syntax) => syntax,
            None => crate::format::RdfSyntax::from_path(path, "--format")?,
        };
        let graph = match &args.graph {
            Some(iri) => oxigraph::model::NamedNode::new(iri)
                .map_err(|e| crate::error::Error::Format(format!("--graph {iri}: {e}")))?,
            None => load::file_graph_name(path)?,
        };
        let bulk = load::bulk_load(&session.store, path, syntax, graph.clone(), &|| {
            session.derivation_pending()
        })
        .inspect_err(|_| {
            session.remove_bulk_leftovers();
        })?;
        session.derivation_done()?;
        eprintln!("{}: {bulk}", path.display());
        summary.insert(graph.as_str().to_owned(), bulk.triples);
        for graph in [crate::vocab::DERIVED_GRAPH, crate::vocab::AGGREGATES_GRAPH] {
            let size = load::graph_size(
                &session.store,
                &oxigraph::model::NamedNode::new_unchecked(graph),
            )?;
            summary.insert(graph.to_owned(), size);
        }
    }
    if args.files.is_empty() && !args.vocabulary {
        session.mark_bundle_loaded()?;
    }
    if args.vocabulary && load::holds_papers_data(&session.store)? {
        eprintln!(
            "note: {} still holds the paper's data and its four home cities; load into a new \
             --store to study other cities alone",
            session.location.describe()
        );
    }
    for (graph, triples) in &summary {
        println!("{triples:>8} triples  <{graph}>");
    }
    eprintln!(
        "loaded {} graph(s) into {}",
        summary.len(),
        session.location.describe()
    );
    Ok(())
}
