//! `twinning site`: the store as a static linked-data site that any web server or GitHub Pages
//! can host, with relative links and nothing fetched at view time.
//!
//! ```text
//! index.html, index.ar.html, index.fr.html      the dataset, its parts and every entity
//! report.html, report.ar.html, report.fr.html   the research questions: SPARQL, answers, charts
//! ontology/index{,.ar,.fr}.html                 the ontology reference, with a diagram
//! ontology/*.ttl                                the ontology, vocabularies and shapes as bundled
//! id/…/x{,.ar,.fr}.html, x.ttl, .jsonld, .nt, .rdf   one entity (as `twinning serve` shows it)
//! data/twinning.ttl, .nq, twinning-csv.zip      the whole dataset
//! data/network.graphml, network.gexf           the city network (cities, agreements)
//! void.ttl                                      its VoID/DCAT description
//! .htaccess                                     content negotiation on Apache
//! w3id/.htaccess                                redirect rules for w3id.org (with --url)
//! ```
//!
//! The same store gives the same bytes. The site is built in a temporary directory beside the
//! target and renamed into place, so a failure leaves no half-built site.

mod ontology;
mod rules;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use oxigraph::model::{NamedNode, NamedNodeRef, Term};
use oxigraph::store::Store;

use crate::error::{Error, Result};
use crate::format::RdfSyntax;
use crate::html::escape;
use crate::i18n::{Key, Language};
use crate::pages::{self, Description, Limits, Links, PagePaths, Renderer};
use crate::vocab::ID;

/// What `twinning site` builds, and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site's directory.
    pub output: PathBuf,
    /// Replace `output` when it is not empty.
    pub force: bool,
    /// Where the site will be published (`https://example.org/twinning/`), for the w3id.org
    /// redirect rules and the dataset description's absolute links.
    pub url: Option<String>,
}

/// What was built.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Entities with a page.
    pub entities: usize,
    /// Files written.
    pub files: usize,
    /// Entities whose IRI cannot be a file name (served by `twinning serve` only).
    pub skipped: Vec<String>,
}

const RDF_TYPE: NamedNodeRef<'static> = oxigraph::model::vocab::rdf::TYPE;
const IN_SCHEME: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#inScheme");
const SKOS_CONCEPT: &str = "http://www.w3.org/2004/02/skos/core#Concept";

/// Incoming links per entity page: a home city that 100,000 agreements name gets 100 pages,
/// not one of 20 MB.
const SITE_PAGE: usize = 1_000;

/// The syntaxes each entity is written in, with their file extensions.
const ENTITY_SYNTAXES: [(RdfSyntax, &str); 4] = [
    (RdfSyntax::Turtle, "ttl"),
    (RdfSyntax::Jsonld, "jsonld"),
    (RdfSyntax::Ntriples, "nt"),
    (RdfSyntax::Rdfxml, "rdf"),
];

/// Builds the site: refuses a non-empty `output` unless `force`, builds beside it, then renames.
pub fn build(store: &Store, options: &Options) -> Result<Summary> {
    if let Some(url) = &options.url {
        site_url(url).map_err(|message| Error::Format(format!("--url {url}: {message}")))?;
    }
    let target = &options.output;
    check_target(target, options.force)?;
    let staging = Staging::beside(target)?;
    let mut site = Site {
        root: staging.path.clone(),
        summary: Summary::default(),
        files: AtomicUsize::new(0),
        labels: pages::Labels::default(),
    };
    site.write_everything(store, options)?;
    let mut summary = site.summary;
    summary.files = site.files.into_inner();
    staging.replace(target)?;
    Ok(summary)
}

/// Checks the address a site will be published at: an absolute http(s) URL of a folder
/// (ending in `/`, no query or fragment), written as a URL parser writes it (no space or quote to
/// break the Turtle and the rules it goes into), without `$` (a back-reference in a rewrite
/// rule), and not under w3id.org, whose rules would then redirect to themselves.
pub fn site_url(text: &str) -> std::result::Result<String, String> {
    let url = url::Url::parse(text).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("an http:// or https:// address is expected".to_owned());
    }
    if url.as_str() != text || text.contains('$') {
        return Err(format!(
            "write the address as a URL is written (spaces and quotes percent-encoded, no $): {}",
            url.as_str()
        ));
    }
    if !text.ends_with('/') || url.query().is_some() || url.fragment().is_some() {
        return Err(
            "the site's folder is expected, ending in / (e.g. https://example.github.io/twinning/)"
                .to_owned(),
        );
    }
    if url.host_str() == Some("w3id.org") {
        return Err(
            "the site's own address is expected, not w3id.org's, which redirects to it".to_owned(),
        );
    }
    Ok(text.to_owned())
}

/// A namespace whose entities have pages: its IRI, the site's folder for them, and the prefix of
/// their groups on the home page.
struct Namespace {
    iri: String,
    folder: String,
    group: String,
}

/// Ours (`id/`), and the `void:uriSpace` of each dataset the store describes (a researcher's
/// own, `https://example.org/`, in `ns/example.org/`): an http(s) namespace ending in `/` (a
/// `#` namespace names parts of one document, which a file per entity cannot serve), written as
/// a URL parser writes it, with no user, port or query, whose host and path can be folder names,
/// that neither holds nor is inside ours, and whose folder no earlier one (in IRI order) took:
/// `http://x.org/` and `https://x.org/` would share one.
fn namespaces(store: &Store) -> Result<Vec<Namespace>> {
    let mut spaces = vec![Namespace {
        iri: ID.to_owned(),
        folder: "id/".to_owned(),
        group: String::new(),
    }];
    for iri in crate::void::uri_spaces(store)? {
        if iri.starts_with(ID) || ID.starts_with(iri.as_str()) || !iri.ends_with('/') {
            continue;
        }
        let Ok(url) = url::Url::parse(&iri) else {
            continue;
        };
        let host = url.host_str().unwrap_or_default();
        let path = url.path().trim_matches('/');
        // Every label of the host is a name: no "..", which would lead out of ns/.
        let safe_host = host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        if url.as_str() != iri
            || !matches!(url.scheme(), "http" | "https")
            || !url.username().is_empty()
            || url.password().is_some()
            || url.port().is_some()
            || url.query().is_some()
            || url.fragment().is_some()
            || !safe_host
            || !(path.is_empty() || pages::file_safe(path))
        {
            continue;
        }
        let group = if path.is_empty() {
            format!("{host}/")
        } else {
            format!("{host}/{path}/")
        };
        let folder = format!("ns/{group}");
        if spaces.iter().any(|space| space.folder == folder) {
            continue;
        }
        spaces.push(Namespace { folder, iri, group });
    }
    Ok(spaces)
}

/// Refuses a target that is a file, or a non-empty directory without `force`.
fn check_target(target: &Path, force: bool) -> Result<()> {
    match fs::metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(target, e)),
        Ok(meta) if !meta.is_dir() => Err(Error::Refused(format!(
            "{}: exists and is not a directory; choose another --output",
            target.display()
        ))),
        Ok(_) => {
            let empty = fs::read_dir(target)
                .map_err(|e| Error::io(target, e))?
                .next()
                .is_none();
            if empty || force {
                Ok(())
            } else {
                Err(Error::Refused(format!(
                    "{}: the directory is not empty; add --force to replace it with the site",
                    target.display()
                )))
            }
        }
    }
}

/// A directory beside the target, removed when dropped unless it replaced the target.
struct Staging {
    path: PathBuf,
    done: bool,
}

impl Staging {
    fn beside(target: &Path) -> Result<Self> {
        let parent = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| Error::Format(format!("{}: not a directory name", target.display())))?
            .to_string_lossy()
            .into_owned();
        fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        clear_dead_builds(&parent, &name);
        let path = parent.join(format!(".{name}.building-{}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        }
        fs::create_dir(&path).map_err(|e| Error::io(&path, e))?;
        Ok(Self { path, done: false })
    }

    /// Puts the built site in place of `target` (an old one is moved aside first and removed
    /// only once the new one is in place).
    fn replace(mut self, target: &Path) -> Result<()> {
        let old = self.path.with_file_name(
            self.path
                .file_name()
                .map(|n| n.to_string_lossy().replace(".building-", ".old-"))
                .unwrap_or_default(),
        );
        let existed = target.exists();
        if existed {
            fs::rename(target, &old).map_err(|e| Error::io(target, e))?;
        }
        if let Err(e) = fs::rename(&self.path, target) {
            if existed {
                let _ = fs::rename(&old, target);
            }
            return Err(Error::io(target, e));
        }
        self.done = true;
        if existed {
            fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        Ok(())
    }
}

/// Removes what builds of `name` that died (killed, out of space…) left beside it: their
/// directories are named after their process, which no longer runs.
fn clear_dead_builds(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let pid = [".building-", ".old-"].iter().find_map(|marker| {
            file_name
                .strip_prefix(&format!(".{name}{marker}"))
                .and_then(|pid| pid.parse::<u32>().ok())
        });
        if let Some(pid) = pid {
            let running = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
            if !running {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// The site being written.
struct Site {
    root: PathBuf,
    summary: Summary,
    /// Files written so far (by several threads).
    files: AtomicUsize,
    /// The labels the entity pages have looked up.
    labels: pages::Labels,
}

/// Stops the other workers when the thread it lives in panics.
struct StopOnPanic<'a>(&'a AtomicBool);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::Relaxed);
        }
    }
}

/// An entity with a page: its IRI, its path from the site's root (`id/city/dakhla`) and the
/// group the home page lists it in (`city`; `example.org/city` in another namespace).
struct Entity {
    iri: NamedNode,
    path: String,
    group: String,
}

impl Entity {
    /// From the page's folder to the site's root (`../../` for `id/city/x.html`).
    fn root(&self) -> String {
        "../".repeat(self.path.matches('/').count())
    }

    /// The file name without extension (`dakhla`).
    fn stem(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

impl Site {
    /// Writes a large file as it is produced, without holding it in memory (a dump of 100k
    /// agreements is 640 MB of N-Quads).
    fn write_streaming(
        &self,
        relative: &str,
        produce: impl FnOnce(&mut std::io::BufWriter<fs::File>) -> Result<()>,
    ) -> Result<()> {
        use std::io::Write as _;
        let path = self.root.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let file = fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut out = std::io::BufWriter::new(file);
        produce(&mut out)?;
        out.flush().map_err(|e| Error::io(&path, e))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn write(&self, relative: &str, bytes: impl AsRef<[u8]>) -> Result<()> {
        use std::io::Write as _;
        let path = self.root.join(relative);
        self.write_streaming(relative, |out| {
            out.write_all(bytes.as_ref())
                .map_err(|e| Error::io(&path, e))
        })
    }

    fn write_everything(&mut self, store: &Store, options: &Options) -> Result<()> {
        let entities = self.entities(store)?;
        // Links go only to pages the site has.
        let pages: PagePaths = entities
            .iter()
            .map(|e| (e.iri.as_str().to_owned(), e.path.clone()))
            .collect();
        let mut progress = crate::progress::Progress::new(4);
        let bar = progress.counting_to("entity pages", "entities", entities.len() as u64);
        self.write_entities(store, &entities, &pages, &bar)?;
        // The research questions, asked once in each language: the report and the CSV bundle.
        progress.waiting("report");
        let mut answers = Vec::new();
        for language in Language::ALL {
            let answered = crate::report::answer_each(&crate::catalog::bundled(), |query| {
                crate::report::answer(store, query.clone(), language)
            })?;
            let mut html = Vec::new();
            crate::html::write_answers(store, language, &answered, &mut html)?;
            self.write(&format!("report{}.html", Links::suffix(language)), html)?;
            answers.push(answered);
        }
        progress.waiting("dataset");
        self.write_dataset(store, options, &answers)?;
        progress.waiting("ontology");
        ontology::write(self, store, &pages)?;
        for language in Language::ALL {
            let page = index_page(store, &entities, &pages, language)?;
            self.write(&format!("index{}.html", Links::suffix(language)), page)?;
        }
        self.write(".htaccess", rules::site_htaccess())?;
        if let Some(url) = &options.url {
            self.write("w3id/.htaccess", rules::w3id_htaccess(url))?;
        }
        Ok(())
    }

    /// Every IRI that the store mentions (as subject or object) in a namespace the site
    /// publishes, in order: ours under `id/`, and each other dataset's `void:uriSpace` under
    /// `ns/` and its host (`ns/example.org/city/x` for `https://example.org/city/x`).
    fn entities(&mut self, store: &Store) -> Result<Vec<Entity>> {
        let spaces = namespaces(store)?;
        let mut iris = BTreeSet::new();
        for quad in store.iter() {
            let quad = quad?;
            for term in [Term::from(quad.subject), quad.object] {
                if let Term::NamedNode(node) = term {
                    if spaces
                        .iter()
                        .any(|space| node.as_str().starts_with(&space.iri))
                    {
                        iris.insert(node);
                    }
                }
            }
        }
        let mut entities = Vec::new();
        let mut taken = std::collections::HashSet::new();
        for iri in iris {
            // The longest namespace the IRI is in.
            let Some(space) = spaces
                .iter()
                .filter(|space| iri.as_str().starts_with(&space.iri))
                .max_by_key(|space| space.iri.len())
            else {
                continue;
            };
            let rest = &iri.as_str()[space.iri.len()..];
            let path = format!("{}{rest}", space.folder);
            // Two namespaces can still meet in a folder (`https://x.org/` holds
            // `https://x.org/a/b`, and `https://x.org/a/` is declared too): the first IRI keeps it.
            if pages::file_safe(rest) && taken.insert(path.clone()) {
                let group = match rest.rsplit_once('/') {
                    Some((folder, _)) if space.iri == ID => {
                        folder.split('/').next().unwrap_or(folder).to_owned()
                    }
                    Some((folder, _)) => format!("{}{folder}", space.group),
                    None => space.group.trim_end_matches('/').to_owned(),
                };
                let group = if group.is_empty() {
                    rest.to_owned()
                } else {
                    group
                };
                entities.push(Entity { path, iri, group });
            } else {
                self.summary.skipped.push(iri.into_string());
            }
        }
        self.summary.entities = entities.len();
        Ok(entities)
    }

    /// Every entity's pages and files, on as many threads as the machine has cores: each thread
    /// takes every n-th entity, so that the few large pages (a kind with every agreement
    /// linking to it) are spread out. The first error stops them all.
    fn write_entities(
        &self,
        store: &Store,
        entities: &[Entity],
        pages: &PagePaths,
        bar: &indicatif::ProgressBar,
    ) -> Result<()> {
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .clamp(1, entities.len().max(1));
        let failed = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|first| {
                    let failed = &failed;
                    scope.spawn(move || -> Result<()> {
                        let _stop = StopOnPanic(failed);
                        for entity in entities.iter().skip(first).step_by(threads) {
                            if failed.load(Ordering::Relaxed) {
                                break;
                            }
                            if let Err(e) = self.write_entity(store, entity, pages) {
                                failed.store(true, Ordering::Relaxed);
                                return Err(e);
                            }
                            bar.inc(1);
                        }
                        Ok(())
                    })
                })
                .collect();
            // Every worker is joined: the first error is returned, and a panic goes on.
            let mut result = Ok(());
            let mut panic = None;
            for worker in workers {
                match worker.join() {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => {
                        if result.is_ok() {
                            result = Err(e);
                        }
                    }
                    Err(payload) => {
                        panic.get_or_insert(payload);
                    }
                }
            }
            if let Some(payload) = panic {
                std::panic::resume_unwind(payload);
            }
            result
        })
    }

    fn write_entity(&self, store: &Store, entity: &Entity, pages: &PagePaths) -> Result<()> {
        let description = pages::describe(store, entity.iri.as_ref(), &Limits::all())?
            .unwrap_or_else(Description::default);
        let root = entity.root();
        let folder = entity
            .path
            .rsplit_once('/')
            .map_or("", |(folder, _)| folder);
        // People read the incoming links a page at a time; the RDF files hold them all.
        for (index, part) in description.paged(SITE_PAGE).iter().enumerate() {
            for language in Language::ALL {
                let renderer = Renderer {
                    store,
                    language,
                    links: Links::Site { root: &root, pages },
                    labels: Some(&self.labels),
                };
                let page =
                    renderer.entity_page(entity.iri.as_ref(), entity.stem(), part, index + 1);
                let file = Links::page_file(entity.stem(), index + 1, language);
                self.write(&format!("{folder}/{file}"), page)?;
            }
        }
        let graph = description.rdf(store);
        for (syntax, extension) in ENTITY_SYNTAXES {
            let mut bytes = Vec::new();
            crate::export::write_description(syntax, &mut graph.clone(), &mut bytes)?;
            self.write(&format!("{}.{extension}", entity.path), bytes)?;
        }
        Ok(())
    }

    /// The whole dataset as Turtle, N-Quads and CSV, the city network as GraphML and GEXF, and
    /// the VoID/DCAT description.
    fn write_dataset(
        &mut self,
        store: &Store,
        options: &Options,
        answers: &[Vec<crate::report::Answer>],
    ) -> Result<()> {
        for (syntax, name) in [
            (RdfSyntax::Turtle, "data/twinning.ttl"),
            (RdfSyntax::Nquads, "data/twinning.nq"),
        ] {
            self.write_streaming(name, |out| crate::export::export(store, syntax, out))?;
        }
        // The city network, for network-analysis tools.
        self.write_streaming("data/network.graphml", |out| {
            crate::network::write_graphml(store, out)
        })?;
        self.write_streaming("data/network.gexf", |out| {
            crate::network::write_gexf(store, out)
        })?;
        let bundle = csv_bundle(store, answers)?;
        self.write("data/twinning-csv.zip", bundle)?;
        let void = crate::void::describe(
            store,
            crate::void::Access::Site {
                base: options.url.as_deref().unwrap_or(""),
            },
        )?;
        self.write("void.ttl", void)
    }
}

/// The data as CSV in one zip archive: the agreements in the import template's columns
/// (`agreements.csv`, as `twinning export --format csv` writes it) and each research question's
/// answer in each language (`answers`: `answers/en/001_agreements_per_city.csv`…), with IRI and QID
/// columns. Cells that a spreadsheet would run as formulas are neutralised; entries carry a fixed
/// date, so the same store gives the same bytes.
fn csv_bundle(store: &Store, answers: &[Vec<crate::report::Answer>]) -> Result<Vec<u8>> {
    use std::io::Write as _;
    use zip::write::SimpleFileOptions;
    let zip_error = |e: zip::result::ZipError| Error::Output(std::io::Error::other(e));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    archive
        .start_file("agreements.csv", options)
        .map_err(zip_error)?;
    crate::spreadsheet::export(store, &mut archive)?;
    for answer in answers.iter().flatten() {
        archive
            .start_file(
                format!(
                    "answers/{}/{}.csv",
                    answer.language.code(),
                    answer.query.slug
                ),
                options,
            )
            .map_err(zip_error)?;
        let mut writer = csv::Writer::from_writer(&mut archive);
        writer.write_record(&answer.table.columns)?;
        for row in &answer.table.rows {
            writer.write_record(
                row.iter()
                    .map(|cell| crate::spreadsheet::neutralise(cell).into_owned()),
            )?;
        }
        writer.flush()?;
    }
    let mut cursor = archive.finish().map_err(zip_error)?;
    cursor.flush()?;
    Ok(cursor.into_inner())
}

/// The site's home page in `language`: what the dataset is, its parts, and every entity, grouped
/// by the folder of its IRI under a heading named after the class most of them have.
fn index_page(
    store: &Store,
    entities: &[Entity],
    pages: &PagePaths,
    language: Language,
) -> Result<String> {
    let framing = crate::report::Framing::read(store, language)?;
    let suffix = Links::suffix(language);
    let renderer = Renderer {
        store,
        language,
        links: Links::Site { root: "", pages },
        labels: None,
    };
    let mut groups: BTreeMap<&str, Vec<&Entity>> = BTreeMap::new();
    for entity in entities {
        groups
            .entry(entity.group.as_str())
            .or_default()
            .push(entity);
    }
    let mut contents = String::new();
    let mut sections = String::new();
    for (folder, members) in &groups {
        let heading = group_heading(store, members, pages, language);
        let _ = write!(
            contents,
            "<li><a href=\"#{folder}\">{heading}</a> ({})</li>",
            members.len()
        );
        let _ = write!(
            sections,
            "<section id=\"{folder}\"><h3>{heading} <small>({})</small></h3><ul class=\"entities\">",
            members.len()
        );
        for entity in members {
            let _ = write!(
                sections,
                "<li>{}</li>",
                renderer.node(entity.iri.as_ref().into())
            );
        }
        sections.push_str("</ul></section>");
    }
    let text = |key| escape(language.text(key));
    Ok(crate::html::fill(
        include_str!("index.html"),
        &[
            ("css", pages::CSS),
            ("lang", language.code()),
            ("dir", language.dir()),
            ("title", &escape(&framing.title(language))),
            ("intro", &escape(&framing.intro(language))),
            ("suffix", suffix),
            ("research_questions", &text(Key::ResearchQuestions)),
            ("ontology", &text(Key::Ontology)),
            ("ontology_intro", &text(Key::OntologyIntro)),
            ("download", &text(Key::Download)),
            ("whole_dataset", &text(Key::WholeDataset)),
            ("csv_bundle", &text(Key::CsvBundle)),
            ("dataset_description", &text(Key::DatasetDescription)),
            ("entities", &text(Key::Entities)),
            ("colon", language.colon()),
            ("contents", &contents),
            ("sections", &sections),
        ],
    ))
}

/// A group's heading: the label of the class most of its entities have (ties: the first IRI),
/// in `language`; for SKOS concepts, the scheme most of them are in.
fn group_heading(
    store: &Store,
    members: &[&Entity],
    pages: &PagePaths,
    language: Language,
) -> String {
    let most = |predicate: NamedNodeRef<'_>| -> Option<NamedNode> {
        let mut counts: BTreeMap<NamedNode, usize> = BTreeMap::new();
        for entity in members {
            for quad in store
                .quads_for_pattern(
                    Some(entity.iri.as_ref().into()),
                    Some(predicate),
                    None,
                    None,
                )
                .flatten()
            {
                if let Term::NamedNode(class) = quad.object {
                    *counts.entry(class).or_default() += 1;
                }
            }
        }
        counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|(node, _)| node)
    };
    let renderer = Renderer {
        store,
        language,
        links: Links::Site { root: "", pages },
        labels: None,
    };
    let class = most(RDF_TYPE);
    let named = match class {
        Some(class) if class.as_str() == SKOS_CONCEPT => most(IN_SCHEME).or(Some(class)),
        other => other,
    };
    match named {
        Some(node) => renderer.name(node.as_ref().into()),
        None => format!("<bdi dir=\"ltr\">{}</bdi>", escape(&members[0].group)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only namespaces whose folder is unambiguous get pages: not a `#` one, not one with a
    /// port, a user, a query or a host like `..` (which would lead out of `ns/`), and of two that
    /// would share a folder (`http:` and `https:`), the first in IRI order.
    #[test]
    fn only_namespaces_with_a_folder_of_their_own_get_pages() {
        let store = Store::new().expect("a store");
        let declared = [
            "https://example.org/",
            "http://example.org/",
            "https://../",
            "https://./x/",
            "https://example.org/city#",
            "https://example.org:8080/a/",
            "https://user@example.org/b/",
            "https://example.org/c/?q=/",
            "https://Example.ORG/d/",
            "https://example.net/data/",
        ];
        let turtle: String = declared
            .iter()
            .map(|space| {
                format!(
                    "<https://d.org/{}> <http://rdfs.org/ns/void#uriSpace> \"{space}\" .\n",
                    space.len()
                )
            })
            .collect();
        store
            .load_from_slice(oxigraph::io::RdfFormat::Turtle, turtle.as_bytes())
            .expect("the fixture");
        let folders: Vec<String> = namespaces(&store)
            .expect("namespaces")
            .into_iter()
            .map(|space| format!("{} {}", space.iri, space.folder))
            .collect();
        assert_eq!(
            folders,
            [
                "https://w3id.org/twinning/id/ id/",
                "http://example.org/ ns/example.org/",
                "https://example.net/data/ ns/example.net/data/",
            ]
        );
    }
}
