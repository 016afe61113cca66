//! Command-line declarations only: every flag is documented here and its constraints are declared,
//! not checked by hand. The work happens in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::format::{ExportFormat, QueryOutput, RdfSyntax};

/// City diplomacy as linked data: the twinning and cooperation agreements of the cities of
/// Morocco's southern provinces, in an embedded Oxigraph store.
#[derive(Debug, Parser)]
#[command(
    name = "twinning",
    version,
    about,
    long_about = None,
    after_help = "Exit codes: 0 success, 1 the command ran but found problems, 2 error."
)]
pub struct Cli {
    /// Where the store lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where the store lives: given before the command (`twinning --store DIR query …`) or after it
/// (`twinning query --store DIR …`), by the commands that use a store.
#[derive(Debug, Clone, Default, Args)]
pub struct StoreArgs {
    /// Store directory (default: $TWINNING_STORE, else ~/.local/share/twinning/store, following
    /// XDG_DATA_HOME).
    #[arg(long, value_hint = clap::ValueHint::DirPath)]
    pub store: Option<PathBuf>,
    /// Use a throwaway in-memory store, loaded with the bundled data (wins over
    /// $TWINNING_STORE).
    #[arg(long, conflicts_with = "store")]
    pub memory: bool,
}

/// How long and how much memory a query may take: past either, the command stops with exit
/// code 2 and says which flag to change (a runaway query never takes the machine).
#[derive(Debug, Clone, Copy, Args)]
pub struct LimitArgs {
    /// Stop after this many seconds (default: no limit).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Stop when the process holds more than this much memory, in MiB (0: no limit).
    #[arg(long, value_name = "MIB", default_value_t = 8192)]
    pub max_memory: u64,
}

impl LimitArgs {
    /// The limits as the library takes them.
    pub fn limits(self) -> crate::limits::Limits {
        crate::limits::Limits {
            timeout: self
                .timeout
                .filter(|seconds| *seconds > 0.0)
                .map(std::time::Duration::from_secs_f64),
            max_memory: (self.max_memory > 0).then(|| self.max_memory * 1024 * 1024),
        }
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load the bundled ontology and data (no FILES), or RDF files, into the store.
    ///
    /// Each file replaces its own named graph, so loading again is harmless. Everything is parsed
    /// before anything is written: on any error the store is left exactly as it was.
    Load(LoadArgs),
    /// Run a SPARQL query: a file, a bundled query's slug, or -e TEXT.
    Query(QueryArgs),
    /// Export the whole graph (Turtle by default: pretty and byte-for-byte deterministic).
    Export(ExportArgs),
    /// Answer the paper's research questions from the store.
    Report(ReportArgs),
    /// Import agreements from a CSV file in the template (see --template).
    ///
    /// The whole file is checked (parsing, matching names, then the SHACL shapes) before anything
    /// is written; every problem is reported with its line and column. Importing the same rows
    /// twice changes nothing.
    Import(ImportArgs),
    /// Link cities to Wikidata items: status, offline reconciliation from files, or online.
    ///
    /// Matching uses labels and aliases in every language (ignoring case, diacritics, Arabic letter
    /// variants and article prefixes), the country (P17), the GeoNames ID (P1566) and the distance
    /// between coordinates (P625). Above the threshold a candidate becomes an exact match; below
    /// it, it is listed for review; a curated exact match is never overwritten (a conflict is
    /// reported instead).
    Link(LinkArgs),
    /// Compare this graph's twinnings (P190 pairs, start dates) with Wikidata's.
    WikidataDiff(WikidataDiffArgs),
    /// Serve the store: a SPARQL endpoint, linked-data pages and a query page.
    ///
    /// Read-only unless started with --allow-update --token-file FILE; then SPARQL Update and
    /// Graph Store writes (to /store) need that bearer token.
    Serve(ServeArgs),
    /// Write the store as a static linked-data site: entity pages, the ontology, dumps
    ///
    /// A page and RDF files per entity, the research questions, the ontology's reference, the
    /// dataset's dumps and description, and redirect rules for Apache and w3id.org.
    ///
    /// Any static host can serve the directory (GitHub Pages, Apache, `python -m http.server`):
    /// links are relative and nothing is fetched when a page is viewed. The same store gives the
    /// same bytes. The site is built beside DIR and renamed into place; a non-empty DIR is
    /// replaced only with --force.
    Site(SiteArgs),
    /// Generate a deterministic synthetic world graph with the shape of the real data (N-Triples).
    Synth(SynthArgs),
    /// Check the bundled data (no FILES), or RDF files with it, against the SHACL shapes.
    ///
    /// Exit code 0 when nothing is a violation (warnings are printed), 1 on violations.
    Validate(ValidateArgs),
    /// Print the manual page (roff): `twinning man | man -l -`, or a command's: `twinning man query`.
    ///
    /// Generated from the same definitions as --help, so it never differs from it.
    Man(ManArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    ///
    /// For example: `twinning completions bash > ~/.local/share/bash-completion/completions/twinning`.
    Completions(CompletionsArgs),
}

/// `twinning man`
#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command's own page (`twinning man query`: twinning-query(1)); without it, twinning(1).
    pub command: Option<String>,
}

/// `twinning completions`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `twinning load`
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Where the store lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// RDF files to load; without files, the bundled ontology and data.
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
    /// Syntax of the files, when their extension does not tell.
    #[arg(long, value_enum, requires = "files")]
    pub format: Option<RdfSyntax>,
    /// Named graph to load a single file into (default: the file's file: URL).
    #[arg(long, requires = "files")]
    pub graph: Option<String>,
    /// Use Oxigraph's bulk loader (automatic for files over 20 MiB): streams with bounded memory
    /// and shows progress. A file with a syntax error changes nothing; an interrupted load is
    /// finished by running it again.
    #[arg(long, requires = "files")]
    pub bulk: bool,
    /// Only recompute the derived graph (rdfs:label, Wikidata's direct properties) from what the
    /// store holds: the recovery step should a bulk load be interrupted after its data commit.
    #[arg(long, conflicts_with_all = ["files", "bulk", "vocabulary"])]
    pub rederive: bool,
    /// Load the bundled ontology and schemes (themes, regions, kinds…) without the paper's data,
    /// with FILES: to study other cities, whose files make them members of coll:home-cities.
    #[arg(long)]
    pub vocabulary: bool,
}

/// `twinning query`
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// How long and how much memory it may take.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Where the store lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// A .rq file, or the slug of a bundled query (001_agreements_per_city, agreements_per_city, 1).
    #[arg(required_unless_present_any = ["expression", "list"], conflicts_with_all = ["expression", "list"])]
    pub query: Option<String>,
    /// The query text itself.
    #[arg(
        short = 'e',
        long = "expression",
        value_name = "SPARQL",
        conflicts_with = "list"
    )]
    pub expression: Option<String>,
    /// List the bundled queries with their questions.
    #[arg(long)]
    pub list: bool,
    /// Output format (table: an aligned Markdown table; graphs need turtle, ntriples, jsonld or rdfxml).
    #[arg(long, value_enum)]
    pub format: Option<QueryOutput>,
    /// Also write Oxigraph's plan of the query to FILE (JSON), with the rows and time of each
    /// step, as `oxigraph query --explain --stats` does: to see why a query is slow.
    #[arg(long, value_name = "FILE")]
    pub explain: Option<std::path::PathBuf>,
    /// The language of the labels: binds the query's `?lang` (the research queries declare it
    /// with `VALUES ?lang { "en" }`), as the report does. Labels without a translation stay in
    /// English.
    #[arg(long, value_enum)]
    pub lang: Option<crate::i18n::Language>,
}

/// `twinning export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where the store lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output format (default: from the -o extension, else turtle).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// With --format quickstatements: Wikidata's P190 statements (SPARQL JSON, as for
    /// wikidata-diff), so that only the pairs Wikidata lacks are written.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub wikidata: Option<PathBuf>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// Write N-Quads in the store's own order as they are read, without sorting the lines or
    /// relabelling blank nodes: memory stays constant however large the store (like
    /// `oxigraph dump`). The default output is sorted, so that data changes diff cleanly.
    #[arg(long, conflicts_with = "wikidata")]
    pub stream: bool,
}

/// `twinning import`
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Where the store lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// The CSV file (UTF-8, comma-separated, with the template's header).
    #[arg(required_unless_present = "template", conflicts_with = "template", value_hint = clap::ValueHint::FilePath)]
    pub file: Option<PathBuf>,
    /// Print the template: the header and one example row.
    #[arg(long)]
    pub template: bool,
    /// Mint new cities and countries for unknown names, instead of failing.
    #[arg(long)]
    pub create: bool,
    /// The namespace of the IRIs the import mints, e.g. https://example.org/ for
    /// https://example.org/city/rennes (default: this project's, https://w3id.org/twinning/id/).
    /// A home city listed by IRI alone (`coll:home-cities skos:member <…/city/rennes>`) gets
    /// its names from the row that mints the same IRI.
    #[arg(long, value_name = "IRI", value_parser = parse_base)]
    pub base: Option<String>,
    /// Also write the new triples as Turtle, ready to add to data/.
    #[arg(short, long, value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// Check everything, write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `twinning link`
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["status", "wikidata", "endpoint", "print_query"])))]
pub struct LinkArgs {
    /// Where the store lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// List every city and country with its Wikidata link status and evidence.
    #[arg(long)]
    pub status: bool,
    /// Reconcile offline from saved files: SPARQL JSON results or Special:EntityData JSON.
    #[arg(long, num_args = 1.., value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub wikidata: Vec<PathBuf>,
    /// Reconcile online: ask this SPARQL endpoint for candidates (default: Wikidata's query
    /// service, or TWINNING_WIKIDATA_ENDPOINT).
    #[arg(long, num_args = 0..=1, value_name = "URL")]
    pub endpoint: Option<Option<String>>,
    /// Print the query `--endpoint` would send, to run it in a browser and pass the JSON back.
    #[arg(long)]
    pub print_query: bool,
    /// Score from which a candidate becomes an exact match (0 to 1).
    #[arg(long, default_value_t = 0.8)]
    pub threshold: f64,
    /// Seconds to wait for the endpoint.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// Also write the accepted links as Turtle, ready to add to data/.
    #[arg(short, long, value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// Show the proposals, write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `twinning wikidata-diff`
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["wikidata", "endpoint", "print_query"])))]
pub struct WikidataDiffArgs {
    /// Where the store lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Wikidata's P190 statements saved as SPARQL JSON results (?item ?twin ?start).
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub wikidata: Option<PathBuf>,
    /// Ask this SPARQL endpoint for Wikidata's P190 statements (default: Wikidata's query
    /// service, or TWINNING_WIKIDATA_ENDPOINT).
    #[arg(long, num_args = 0..=1, value_name = "URL")]
    pub endpoint: Option<Option<String>>,
    /// Print the query that fetches Wikidata's statements.
    #[arg(long)]
    pub print_query: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// Seconds to wait for the endpoint.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
}

/// How `wikidata-diff` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// An aligned Markdown table.
    Table,
    /// CSV with a header.
    Csv,
    /// A JSON array of objects.
    Json,
}

/// `twinning serve`
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where the store lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub bind: std::net::SocketAddr,
    /// Seconds a query may run before it is stopped (answered with 503).
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// Most rows or triples a query may return (more is answered with 413).
    #[arg(long, default_value_t = 100_000)]
    pub max_results: usize,
    /// Largest request body accepted, in bytes (a query, an update or a graph sent to /store);
    /// larger bodies are answered with 413.
    #[arg(long, default_value_t = 16 * 1024 * 1024, value_name = "BYTES")]
    pub max_body: u64,
    /// Worker processes answering requests on a read-only server: each is stopped past the
    /// deadline or the memory budget, and replaced.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub workers: usize,
    /// Memory one worker may hold while answering, in MiB (past it the request gets 503).
    #[arg(long, default_value_t = 2048, value_name = "MIB")]
    pub max_query_memory: u64,
    /// Run as a query worker of a server (internal).
    #[arg(long, hide = true)]
    pub worker: bool,
    /// Connections one client address may hold open at once (more are closed at once), so that
    /// one client cannot keep the others out.
    #[arg(long, default_value_t = 32, value_name = "N")]
    pub max_connections_per_client: usize,
    /// Accept SPARQL Update and Graph Store writes (requires --token-file).
    #[arg(long, requires = "token_file")]
    pub allow_update: bool,
    /// A host SPARQL `LOAD` may fetch from (repeat for several; none by default, so that an
    /// update cannot make the server fetch internal URLs). Redirections are not followed.
    #[arg(long, value_name = "HOST", requires = "allow_update")]
    pub allow_load_from: Vec<String>,
    /// File holding the bearer token that updates must present.
    #[arg(long, requires = "allow_update", value_hint = clap::ValueHint::FilePath)]
    pub token_file: Option<PathBuf>,
}

/// `twinning synth`
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Number of agreements.
    #[arg(long)]
    pub agreements: usize,
    /// Number of cities (default: agreements / 5, at least 8).
    #[arg(long)]
    pub cities: Option<usize>,
    /// Random seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 2025)]
    pub seed: u64,
    /// Output file (.nt); standard output without it.
    #[arg(short, long, value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
}

/// `twinning validate`
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// RDF files to check together with the bundled ontology and data.
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
    /// Check the files with the bundled ontology and schemes only, without the paper's data (as
    /// `load --vocabulary` loads them): for a dataset of other cities.
    #[arg(long, requires = "files")]
    pub vocabulary: bool,
    /// Syntax of the files, when their extension does not tell.
    #[arg(long = "input-format", value_enum, requires = "files")]
    pub input_format: Option<RdfSyntax>,
    /// Report format: text (grouped by entity) or turtle (the standard sh:ValidationReport).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

/// How `report` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportStyle {
    /// Text for the terminal: underlined headings and box-drawn tables wrapped to its width (120
    /// columns when written to a file or a pipe).
    Text,
    /// A Markdown document: headings, emphasis and pipe tables.
    Markdown,
    /// One self-contained HTML file: tables, charts, a map, the SPARQL behind each answer.
    Html,
}

/// How `validate` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A table grouped by entity, for people.
    Text,
    /// The standard SHACL validation report graph.
    Turtle,
}

/// `twinning site`
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// Where the store lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// The directory to write the site to.
    #[arg(short, long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub output: PathBuf,
    /// Replace DIR when it is not empty (its files are removed once the new site is in place).
    #[arg(long)]
    pub force: bool,
    /// The address the site will be published at (`https://example.github.io/twinning/`): the
    /// dataset description links its dumps there, and `w3id/.htaccess` redirects
    /// `https://w3id.org/twinning/…` to it.
    #[arg(long, value_name = "URL", value_parser = crate::site::site_url)]
    pub url: Option<String>,
}

/// `twinning report`
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// How long and how much memory it may take.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Where the store lives.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Report format: text (for the terminal), markdown (a document), or html (one
    /// self-contained file with charts and a map).
    #[arg(long, value_enum, default_value_t = ReportStyle::Text)]
    pub format: ReportStyle,
    /// Language of headings, labels and questions (html only: the text and Markdown reports are
    /// in English).
    #[arg(long, value_enum, default_value_t = crate::i18n::Language::En)]
    pub lang: crate::i18n::Language,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
}

/// A namespace for minted IRIs: an absolute http(s) IRI ending in `/` or `#`.
fn parse_base(text: &str) -> Result<String, String> {
    let iri = oxigraph::model::NamedNode::new(text).map_err(|e| format!("not an IRI: {e}"))?;
    let iri = iri.as_str();
    if !(iri.starts_with("http://") || iri.starts_with("https://")) {
        return Err("an http:// or https:// namespace is expected".to_owned());
    }
    if !(iri.ends_with('/') || iri.ends_with('#')) {
        return Err(format!(
            "a namespace ends with / or # (did you mean {iri}/?)"
        ));
    }
    Ok(iri.to_owned())
}
