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
    // Parse everything before opening the store for writing: a bad file costs nothing.
    let documents = if args.files.is_empty() {
        load::bundled_documents()?
    } else {
        args.files
            .iter()
            .map(|path| Document::from_file(path, args.format, args.graph.as_deref()))
            .collect::<Result<Vec<_>>>()?
    };
    let session = Session::open_for_writing(location)?;
    let summary = load::load_documents(&session.store, &documents)?;
    if args.files.is_empty() {
        session.mark_bundle_loaded()?;
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
