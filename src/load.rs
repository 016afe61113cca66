//! Loading RDF into the store: parse everything first, then replace each document's named graph
//! and recompute the derived graph in one transaction. A syntax error anywhere means nothing is
//! written; loading the same file twice gives the same store.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use oxigraph::io::{RdfParser, RdfSyntaxError};
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, NamedNodeRef, Quad, QuadRef};
use oxigraph::store::{Store, Transaction};

use crate::bundle::{self, BundledFile};
use crate::derive;
use crate::error::{Error, Result};
use crate::format::RdfSyntax;
use crate::progress::Progress;
use crate::sparql;
use crate::vocab::DERIVED_GRAPH;

/// An RDF document, parsed and ready to replace its named graph.
#[derive(Debug)]
pub struct Document {
    /// Where it came from, for messages.
    pub origin: String,
    /// The named graph that receives its default-graph triples.
    pub graph: NamedNode,
    /// Its quads.
    pub quads: Vec<Quad>,
}

impl Document {
    /// Parses `text` in `syntax`; triples outside any named graph go to `graph`.
    pub fn parse(origin: &str, text: &[u8], syntax: RdfSyntax, graph: NamedNode) -> Result<Self> {
        if syntax == RdfSyntax::Rdfxml {
            crate::guard::check_xml_entities(origin, text)?;
        }
        let parser = RdfParser::from_format(syntax.to_oxigraph())
            .with_default_graph(graph.clone())
            .rename_blank_nodes();
        let quads = parser
            .for_slice(text)
            .map(|quad| {
                let quad = quad.map_err(|e| match (syntax, e.location()) {
                    (RdfSyntax::Rdfxml, None) => rdfxml_error(origin, &e, text),
                    _ => syntax_error(origin, &e),
                })?;
                crate::guard::check_literal(origin, &quad)?;
                Ok(quad)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            origin: origin.to_owned(),
            graph,
            quads,
        })
    }

    /// Reads and parses a file; its graph is `graph`, or else the file's `file:` URL.
    pub fn from_file(path: &Path, syntax: Option<RdfSyntax>, graph: Option<&str>) -> Result<Self> {
        let syntax = match syntax {
            Some(syntax) => syntax,
            None => RdfSyntax::from_path(path, "--format")?,
        };
        let text = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let graph = match graph {
            Some(iri) => NamedNode::new(iri)
                .map_err(|e| Error::Format(format!("--graph {iri}: not a valid IRI: {e}")))?,
            None => file_graph_name(path)?,
        };
        Self::parse(&path.display().to_string(), &text, syntax, graph)
    }

    fn from_bundle(file: BundledFile) -> Result<Self> {
        Self::parse(
            file.path,
            file.text.as_bytes(),
            RdfSyntax::Turtle,
            bundled_graph(&file)?,
        )
    }
}

/// What a load changed: the number of triples now in each graph it replaced.
pub type LoadSummary = BTreeMap<String, usize>;

/// Parses every bundled ontology and data file.
pub fn bundled_documents() -> Result<Vec<Document>> {
    bundle::rdf_files().map(Document::from_bundle).collect()
}

/// The named graph a bundled file is loaded into.
fn bundled_graph(file: &BundledFile) -> Result<NamedNode> {
    NamedNode::new(file.graph_name())
        .map_err(|e| Error::Invalid(format!("{}: bad graph name: {e}", file.path)))
}

/// Whether any graph of the paper's bundled data (`data/`) holds triples.
pub fn holds_papers_data(store: &Store) -> Result<bool> {
    for file in bundle::rdf_files().filter(|file| file.path.starts_with("data/")) {
        if holds_data(store, &bundled_graph(&file)?) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Parses the bundled ontology and schemes only (`ontology/`), without the paper's data.
pub fn bundled_vocabulary() -> Result<Vec<Document>> {
    bundle::rdf_files()
        .filter(|file| file.path.starts_with("ontology/"))
        .map(Document::from_bundle)
        .collect()
}

/// Loads the bundled ontology and data, replacing their graphs.
pub fn load_bundle(store: &Store) -> Result<LoadSummary> {
    load_documents(store, &bundled_documents()?)
}

/// Replaces the named graph of each document with its content and recomputes the derived graph,
/// atomically: on any error the store is left as it was.
pub fn load_documents(store: &Store, documents: &[Document]) -> Result<LoadSummary> {
    let mut transaction = store.start_transaction()?;
    let mut touched: Vec<NamedNode> = Vec::new();
    for document in documents {
        let mut graphs: Vec<NamedNodeRef<'_>> = vec![document.graph.as_ref()];
        // A TriG or N-Quads file brings its own named graphs: those are replaced too.
        for quad in &document.quads {
            if let GraphName::NamedNode(graph) = &quad.graph_name {
                if !graphs.contains(&graph.as_ref()) {
                    graphs.push(graph.as_ref());
                }
            }
        }
        for graph in graphs {
            if !touched.iter().any(|known| known.as_ref() == graph) {
                touched.push(graph.into_owned());
            }
        }
    }
    let mut removed = Vec::new();
    for graph in &touched {
        removed.extend(graph_quads(&transaction, graph.as_ref().into())?);
    }
    let added: Vec<Quad> = documents
        .iter()
        .flat_map(|document| document.quads.iter().cloned())
        .collect();
    apply(&mut transaction, &removed, &added, |transaction| {
        for graph in &touched {
            transaction.clear_graph(graph.as_ref())?;
        }
        for quad in &added {
            transaction.insert(quad.as_ref());
        }
        Ok(())
    })?;
    transaction.commit()?;
    let derived = derived_graph();
    let mut summary = LoadSummary::new();
    let aggregates = NamedNode::new_unchecked(crate::vocab::AGGREGATES_GRAPH);
    for graph in touched.iter().chain([&derived, &aggregates]) {
        summary.insert(graph.as_str().to_owned(), graph_size(store, graph)?);
    }
    Ok(summary)
}

/// Whether a named graph holds any triple.
pub fn holds_data(store: &Store, graph: &NamedNode) -> bool {
    store
        .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
        .next()
        .is_some()
}

/// The number of triples in a named graph, counted by SPARQL (on the store's encoded terms,
/// without decoding a string).
pub fn graph_size(store: &Store, graph: &NamedNode) -> Result<usize> {
    let solutions = sparql::select(
        store,
        sparql::GRAPH_SIZE,
        &[("graph", graph.clone().into())],
    )?;
    Ok(
        match solutions.first().and_then(|solution| solution.get("n")) {
            Some(oxigraph::model::Term::Literal(n)) => n.value().parse().unwrap_or(0),
            _ => 0,
        },
    )
}

/// The graph that holds what the rules derive.
pub fn derived_graph() -> NamedNode {
    NamedNode::new_unchecked(DERIVED_GRAPH)
}

/// Applies a change in a transaction and derives what it touched ([`derive::apply`]).
fn apply(
    transaction: &mut Transaction<'_>,
    removed: &[Quad],
    added: &[Quad],
    change: impl FnOnce(&mut Transaction<'_>) -> Result<()>,
) -> Result<()> {
    derive::apply(transaction, removed, added, change)?;
    fault_point("fail-derive")
}

/// The quads of one graph, as a transaction sees them.
fn graph_quads(transaction: &Transaction<'_>, graph: GraphNameRef<'_>) -> Result<Vec<Quad>> {
    Ok(transaction
        .quads_for_pattern(None, None, None, Some(graph))
        .collect::<std::result::Result<_, _>>()?)
}

/// Adds triples to a named graph (nothing is removed) and derives what they touch, in one
/// transaction.
pub fn insert_triples(
    store: &Store,
    graph: &NamedNode,
    triples: &oxigraph::model::Graph,
) -> Result<()> {
    let added: Vec<Quad> = triples
        .iter()
        .map(|triple| triple.into_owned().in_graph(graph.clone()))
        .collect();
    let mut transaction = store.start_transaction()?;
    apply(&mut transaction, &[], &added, |transaction| {
        for quad in &added {
            transaction.insert(quad.as_ref());
        }
        Ok(())
    })?;
    transaction.commit()?;
    Ok(())
}

/// Writes `triples` into `graph` (the default graph or a named one), first emptying it when
/// `replace`, and derives what that touches, in one transaction: readers see the graph before
/// or after, never half of it. For the Graph Store Protocol's PUT and POST.
pub fn write_graph(
    store: &Store,
    graph: GraphNameRef<'_>,
    triples: &oxigraph::model::Graph,
    replace: bool,
) -> Result<()> {
    let mut transaction = store.start_transaction()?;
    let removed = if replace {
        graph_quads(&transaction, graph)?
    } else {
        Vec::new()
    };
    let added: Vec<Quad> = triples
        .iter()
        .map(|triple| {
            QuadRef::new(triple.subject, triple.predicate, triple.object, graph).into_owned()
        })
        .collect();
    apply(&mut transaction, &removed, &added, |transaction| {
        if replace {
            transaction.clear_graph(graph)?;
        }
        if let GraphNameRef::NamedNode(name) = graph {
            // An empty PUT still creates the graph (it then exists, empty).
            transaction.insert_named_graph(name);
        }
        for quad in &added {
            transaction.insert(quad.as_ref());
        }
        Ok(())
    })?;
    transaction.commit()?;
    Ok(())
}

/// Removes a graph (a named graph disappears; the default graph is emptied) and derives what
/// that touches, in one transaction. For the Graph Store Protocol's DELETE.
pub fn remove_graph(store: &Store, graph: GraphNameRef<'_>) -> Result<()> {
    let mut transaction = store.start_transaction()?;
    let removed = graph_quads(&transaction, graph)?;
    apply(&mut transaction, &removed, &[], |transaction| {
        match graph {
            GraphNameRef::NamedNode(name) => transaction.remove_named_graph(name)?,
            other => transaction.clear_graph(other)?,
        }
        Ok(())
    })?;
    transaction.commit()?;
    Ok(())
}

/// Removes `remove` and adds `add` to `graph`, then derives what that touches, in one
/// transaction.
pub fn change(
    store: &Store,
    remove: &[Quad],
    graph: &NamedNode,
    add: &[oxigraph::model::Triple],
) -> Result<()> {
    let added: Vec<Quad> = add
        .iter()
        .map(|triple| triple.clone().in_graph(graph.clone()))
        .collect();
    let mut transaction = store.start_transaction()?;
    apply(&mut transaction, remove, &added, |transaction| {
        for quad in remove {
            transaction.remove(quad.as_ref());
        }
        for quad in &added {
            transaction.insert(quad.as_ref());
        }
        Ok(())
    })?;
    transaction.commit()?;
    Ok(())
}

/// Files larger than this go through the bulk loader.
pub const BULK_THRESHOLD: u64 = 20 * 1024 * 1024;

/// Streams a large file into its named graph with Oxigraph's bulk loader: bounded memory, a
/// progress bar on a terminal, and nothing visible until the whole file has loaded (on a syntax
/// error nothing is written). Then recomputes the derived graph, also in bulk, and compacts the
/// store once (the bulk loader leaves many overlapping files; compacting them makes every later
/// query two to three times faster).
///
/// Atomicity: the file's graph appears in one step, at the loader's commit. The derived graph is
/// then replaced in a second step. `before_writing` runs before the first write (it leaves the
/// store's "derivation pending" marker); should the process be killed or the derivation fail
/// after it, the next open of the store recomputes the derived graph.
///
/// A graph that already holds data is replaced: the whole file is parsed first (a syntax error
/// leaves the store as it was), then the old triples are removed in batches, which a transaction
/// of millions of removals could not do in bounded memory. Should that be interrupted, the graph
/// may be partly removed: loading the same file again finishes the replacement.
pub fn bulk_load(
    store: &Store,
    path: &Path,
    syntax: RdfSyntax,
    graph: NamedNode,
    before_writing: &dyn Fn() -> Result<()>,
) -> Result<BulkLoad> {
    let origin = path.display().to_string();
    let mut progress = Progress::new(3);
    let started = Instant::now();
    let replacing = if holds_data(store, &graph) {
        progress.add_steps(2);
        check_syntax(path, syntax, &mut progress)?;
        before_writing()?;
        let bar = progress.counting("remove the old triples", "triples");
        remove_graph_in_batches(store, &graph, |count| bar.inc(count))?;
        Some(started.elapsed())
    } else {
        None
    };
    if syntax == RdfSyntax::Rdfxml {
        check_xml_file_entities(path)?;
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let started = Instant::now();
    let bar = progress.counting("bulk load", "triples");
    let mut loader = store
        .bulk_loader()
        .on_progress(move |count| bar.set_position(count));
    // What the file touches is noted as it streams by, against the store as it was (the loader
    // shows nothing before its commit): then only that is derived again. Replacing a graph
    // touches what it held too: everything is derived again.
    let mut dirty = derive::Dirty::default();
    let mut additions = derive::Additions::default();
    if replacing.is_some() {
        dirty.touch_all();
    }
    let quads = RdfParser::from_format(syntax.to_oxigraph())
        .with_default_graph(graph.clone())
        .for_reader(std::io::BufReader::new(file))
        .map(|quad| {
            let quad = quad.map_err(|e| parse_error(path, syntax, e))?;
            dirty.note(store, quad.as_ref())?;
            if !dirty.all() {
                additions.add(quad.as_ref());
            }
            Ok::<_, Error>(quad)
        });
    loader.load_ok_quads::<Error, Error>(quads)?;
    let before = if dirty.all() {
        None
    } else {
        Some(derive::Before::read(store, dirty)?)
    };
    if replacing.is_none() {
        before_writing()?;
    }
    loader.commit()?;
    fault_point("abort-after-data-commit")?;
    let loading = started.elapsed();
    let started = Instant::now();
    match before {
        Some(before) => derive_again_in_bulk(store, before, additions, &mut progress),
        None => rederive_in_bulk(store, &mut progress),
    }
    .map_err(|cause| {
        Error::Invalid(format!(
            "{origin}: the data is loaded, but recomputing the derived graph failed ({cause}); \
             the next use of the store recomputes it"
        ))
    })?;
    let deriving = started.elapsed();
    let started = Instant::now();
    progress.waiting("compact");
    store.optimize()?;
    drop(progress);
    Ok(BulkLoad {
        triples: graph_size(store, &graph)?,
        replacing,
        loading,
        deriving,
        compacting: started.elapsed(),
    })
}

/// A large RDF/XML file is checked for entity expansion before the bulk loader sees it: read
/// whole only when its prolog declares entities (RDF/XML files seldom do).
fn check_xml_file_entities(path: &Path) -> Result<()> {
    use std::io::Read as _;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(64 * 1024).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    if !head.windows(8).any(|w| w == b"<!ENTITY") {
        return Ok(());
    }
    let text = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    crate::guard::check_xml_entities(&path.display().to_string(), &text)
}

/// Parses a whole file without keeping anything: its first syntax error, with file, line and
/// column, or nothing.
fn check_syntax(path: &Path, syntax: RdfSyntax, progress: &mut Progress) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let progress = progress.counting("check the file", "triples");
    for (count, quad) in RdfParser::from_format(syntax.to_oxigraph())
        .for_reader(std::io::BufReader::new(file))
        .enumerate()
    {
        quad.map_err(|e| parse_error(path, syntax, e))?;
        if count % 100_000 == 0 {
            progress.set_position(count as u64);
        }
    }
    Ok(())
}

/// An RDF/XML syntax error, which Oxigraph reports without a position: the document is parsed
/// again up to the error, and the parser's byte position then gives the line and column.
fn rdfxml_error(origin: &str, error: &RdfSyntaxError, text: &[u8]) -> Error {
    let mut parser = oxrdfxml::RdfXmlParser::new().for_slice(text);
    let mut reached = None;
    while let Some(triple) = parser.next() {
        if triple.is_err() {
            reached = usize::try_from(parser.buffer_position()).ok();
            break;
        }
    }
    let Some(offset) = reached.map(|offset| offset.min(text.len())) else {
        return syntax_error(origin, error);
    };
    let before = &text[..offset];
    let line_start = before
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |newline| newline + 1);
    Error::RdfSyntax {
        file: origin.to_owned(),
        line: before.iter().filter(|&&byte| byte == b'\n').count() as u64 + 1,
        column: String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count() as u64
            + 1,
        message: format!("{error} (RDF/XML: the parser stopped here)"),
    }
}

/// A parser's error, with the file's position.
fn parse_error(path: &Path, syntax: RdfSyntax, error: oxigraph::io::RdfParseError) -> Error {
    match error {
        oxigraph::io::RdfParseError::Syntax(e) => match (syntax, e.location()) {
            // A large RDF/XML file is read again only to place its error.
            (RdfSyntax::Rdfxml, None) => match std::fs::read(path) {
                Ok(text) => rdfxml_error(&path.display().to_string(), &e, &text),
                Err(_) => syntax_error(&path.display().to_string(), &e),
            },
            _ => syntax_error(&path.display().to_string(), &e),
        },
        // The parsers hold at most 16 MiB of one line or statement (which also bounds any
        // literal); past it their message names neither the file nor the limit.
        oxigraph::io::RdfParseError::Io(e) if e.to_string().contains("buffer maximal size") => {
            let message = "a line or statement is longer than 16 MiB, the most the parser \
                           holds at once (a literal that large is refused); nothing was loaded"
                .to_owned();
            match first_long_line(path, 16 * 1024 * 1024) {
                Some(line) => Error::RdfSyntax {
                    file: path.display().to_string(),
                    line,
                    column: 1,
                    message,
                },
                None => Error::RdfInvalid {
                    file: path.display().to_string(),
                    message,
                },
            }
        }
        oxigraph::io::RdfParseError::Io(e) => Error::io(path, e),
    }
}

/// The number of the first line of `path` longer than `limit` bytes, read in a stream: where the
/// parser gave up holding a statement, it names no position.
fn first_long_line(path: &Path, limit: usize) -> Option<u64> {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(path).ok()?);
    let (mut line, mut length) = (1, 0);
    loop {
        let buffer = reader.fill_buf().ok()?;
        if buffer.is_empty() {
            return None;
        }
        let read = buffer.len();
        for &byte in buffer {
            if byte == b'\n' {
                line += 1;
                length = 0;
            } else {
                length += 1;
                if length > limit {
                    return Some(line);
                }
            }
        }
        reader.consume(read);
    }
}

/// Empties a named graph in transactions of bounded size.
fn remove_graph_in_batches(
    store: &Store,
    graph: &NamedNode,
    mut removed: impl FnMut(u64),
) -> Result<()> {
    const BATCH: usize = 100_000;
    loop {
        let batch = store
            .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
            .take(BATCH)
            .collect::<std::result::Result<Vec<_>, _>>()?;
        if batch.is_empty() {
            break;
        }
        let mut transaction = store.start_transaction()?;
        for quad in &batch {
            transaction.remove(quad.as_ref());
        }
        transaction.commit()?;
        removed(batch.len() as u64);
    }
    Ok(())
}

/// What a bulk load did, and how long each of its steps took.
#[derive(Debug, Clone, Copy)]
pub struct BulkLoad {
    /// Triples in the graph loaded.
    pub triples: usize,
    /// Checking the file and removing the graph's old triples, when it held some.
    pub replacing: Option<Duration>,
    /// Parsing and indexing the file, up to the loader's commit.
    pub loading: Duration,
    /// Recomputing the derived graph.
    pub deriving: Duration,
    /// Compacting the store.
    pub compacting: Duration,
}

impl std::fmt::Display for BulkLoad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rate = self.triples as f64 / self.loading.as_secs_f64().max(1e-9);
        if let Some(replacing) = self.replacing {
            write!(f, "replace {:.2} s, ", replacing.as_secs_f64())?;
        }
        write!(
            f,
            "bulk load {:.2} s ({rate:.0} triples/s), derive {:.2} s, compact {:.2} s",
            self.loading.as_secs_f64(),
            self.deriving.as_secs_f64(),
            self.compacting.as_secs_f64()
        )
    }
}

/// A fault injected for the tests, when `TWINNING_FAULT` names this point: `abort-*` stops the
/// process at once, as if killed (no destructor runs, nothing more is written); `fail-*` returns
/// an error, as a failing disk or rule would.
pub fn fault_point(name: &str) -> Result<()> {
    if std::env::var_os("TWINNING_FAULT").is_some_and(|fault| fault == name) {
        if name.starts_with("abort-") {
            eprintln!("twinning: stopping at fault point {name} (TWINNING_FAULT)");
            std::process::abort();
        }
        return Err(Error::Invalid(format!(
            "fault injected at {name} (TWINNING_FAULT)"
        )));
    }
    Ok(())
}

/// Recomputes the derived graph after a change made elsewhere (a SPARQL update).
pub fn rederive(store: &Store) -> Result<()> {
    let mut transaction = store.start_transaction()?;
    derive::derive_all_in(&mut transaction)?;
    fault_point("fail-derive")?;
    transaction.commit()?;
    Ok(())
}

/// Recomputes the derived graph of a large store: the rules read a snapshot and their results
/// stream through the bulk loader, so memory stays bounded (a 128-bit fingerprint per derived
/// triple). Derived triples that no longer follow are removed afterwards, so the derived graph
/// is never emptied on the way. Not atomic with the change that made it necessary (see
/// [`bulk_load`]); running it again is always safe.
pub fn rederive_in_bulk(store: &Store, progress: &mut Progress) -> Result<()> {
    fault_point("fail-bulk-derive")?;
    let derived = derived_graph();
    let bar = progress.counting("derive", "triples");
    let mut loader = store
        .bulk_loader()
        .on_progress(move |count| bar.set_position(count));
    let mut fingerprints = std::collections::HashSet::new();
    let mut batch = Vec::new();
    let counts = derive::derive_all(store, &mut |triple| {
        let quad = triple.in_graph(derived.clone());
        if fingerprints.insert(fingerprint(quad.as_ref())) {
            batch.push(quad);
            if batch.len() >= 100_000 {
                loader.load_quads(batch.drain(..))?;
            }
        }
        Ok(())
    })?;
    loader.load_quads(batch)?;
    loader.commit()?;
    remove_stale(store, &derived, &fingerprints)?;
    // Thousands of home cities make hundreds of thousands of observations: too many for one
    // transaction. Replaced in batches, then bulk loaded, inside the "derivation pending" window.
    let graph = NamedNode::new_unchecked(crate::vocab::AGGREGATES_GRAPH);
    remove_graph_in_batches(store, &graph, |_| {})?;
    let mut loader = store.bulk_loader();
    loader.load_quads(counts.observations())?;
    loader.commit()?;
    let mut transaction = store.start_transaction()?;
    crate::aggregates::refresh_governance(&mut transaction)?;
    transaction.commit()?;
    Ok(())
}

/// Derives again what a bulk load touched: new derived triples stream through the bulk loader,
/// the few that no longer follow are removed, and the counts change by what the touched
/// agreements add and take out.
fn derive_again_in_bulk(
    store: &Store,
    before: derive::Before,
    additions: derive::Additions,
    progress: &mut Progress,
) -> Result<()> {
    fault_point("fail-bulk-derive")?;
    let derived = derived_graph();
    let bar = progress.counting("derive", "subjects");
    bar.set_length(before.len() as u64);
    let mut loader = store.bulk_loader();
    let mut batch = Vec::new();
    let mut stale = Vec::new();
    let counts = derive::derive_again(
        store,
        before,
        Some(additions),
        &mut |quad| {
            stale.push(quad);
            Ok(())
        },
        &mut |triple| {
            batch.push(triple.in_graph(derived.clone()));
            if batch.len() >= 100_000 {
                loader.load_quads(batch.drain(..))?;
            }
            Ok(())
        },
        &mut || bar.inc(1),
    )?;
    loader.load_quads(batch)?;
    loader.commit()?;
    let mut transaction = store.start_transaction()?;
    for quad in &stale {
        transaction.remove(quad.as_ref());
    }
    counts.apply(&mut transaction)?;
    crate::aggregates::refresh_governance(&mut transaction)?;
    transaction.commit()?;
    Ok(())
}

/// Removes the derived triples that no longer follow: those the rules did not just produce.
fn remove_stale(
    store: &Store,
    derived: &NamedNode,
    fingerprints: &std::collections::HashSet<u128>,
) -> Result<()> {
    // The graph now holds the old derived triples and the new ones: when it is no larger than
    // the new set, nothing is stale and the scan is skipped.
    if graph_size(store, derived)? <= fingerprints.len() {
        return Ok(());
    }
    let stale = store
        .quads_for_pattern(None, None, None, Some(derived.as_ref().into()))
        .filter(|quad| {
            // Read errors are kept, to be reported by the collect below.
            quad.as_ref().map_or(true, |quad| {
                !fingerprints.contains(&fingerprint(quad.as_ref()))
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    if !stale.is_empty() {
        let mut transaction = store.start_transaction()?;
        for quad in &stale {
            transaction.remove(quad.as_ref());
        }
        transaction.commit()?;
    }
    Ok(())
}

/// A 128-bit fingerprint of a quad: two independent 64-bit hashes, so that telling millions of
/// derived triples apart needs no copy of them.
fn fingerprint(quad: QuadRef<'_>) -> u128 {
    use std::hash::{Hash, Hasher};
    let half = |salt: u8| {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        salt.hash(&mut hasher);
        quad.hash(&mut hasher);
        hasher.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// The named graph of a user's file: its `file:` URL.
pub fn file_graph_name(path: &Path) -> Result<NamedNode> {
    let absolute = std::path::absolute(path).map_err(|e| Error::io(path, e))?;
    let mut iri = String::from("file://");
    for segment in absolute
        .to_string_lossy()
        .split('/')
        .filter(|s| !s.is_empty())
    {
        iri.push('/');
        for byte in segment.bytes() {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                iri.push(char::from(byte));
            } else {
                iri.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    NamedNode::new(&iri).map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))
}

pub(crate) fn syntax_error(origin: &str, error: &RdfSyntaxError) -> Error {
    let text = error.to_string();
    // Oxigraph's message starts with its own "Parser error at line …:"; we print the position
    // as file:line:column instead.
    let message = text
        .strip_prefix("Parser error")
        .and_then(|rest| rest.split_once(": "))
        .map_or(text.as_str(), |(_, message)| message)
        .to_owned();
    match error.location() {
        Some(location) => Error::RdfSyntax {
            file: origin.to_owned(),
            line: location.start.line + 1,
            column: location.start.column + 1,
            message,
        },
        None => Error::RdfInvalid {
            file: origin.to_owned(),
            message,
        },
    }
}
