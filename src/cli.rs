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

/// Where the store lives.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// Store directory (default: ~/.local/share/twinning/store, following XDG_DATA_HOME).
    #[arg(long, global = true, env = "TWINNING_STORE", value_hint = clap::ValueHint::DirPath)]
    pub store: Option<PathBuf>,
    /// Use a throwaway in-memory store, loaded with the bundled data.
    #[arg(long, global = true, conflicts_with = "store")]
    pub memory: bool,
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
    /// Check the bundled data (no FILES), or RDF files with it, against the SHACL shapes.
    ///
    /// Exit code 0 when nothing is a violation (warnings are printed), 1 on violations.
    Validate(ValidateArgs),
}

/// `twinning load`
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// RDF files to load; without files, the bundled ontology and data.
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
    /// Syntax of the files, when their extension does not tell.
    #[arg(long, value_enum, requires = "files")]
    pub format: Option<RdfSyntax>,
    /// Named graph to load a single file into (default: the file's file: URL).
    #[arg(long, requires = "files")]
    pub graph: Option<String>,
}

/// `twinning query`
#[derive(Debug, Args)]
pub struct QueryArgs {
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
}

/// `twinning export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format (default: from the -o extension, else turtle).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
}

/// `twinning import`
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file (UTF-8, comma-separated, with the template's header).
    #[arg(required_unless_present = "template", conflicts_with = "template", value_hint = clap::ValueHint::FilePath)]
    pub file: Option<PathBuf>,
    /// Print the template: the header and one example row.
    #[arg(long)]
    pub template: bool,
    /// Mint new cities and countries for unknown names, instead of failing.
    #[arg(long)]
    pub create: bool,
    /// Also write the new triples as Turtle, ready to add to data/.
    #[arg(short, long, value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// Check everything, write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `twinning validate`
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// RDF files to check together with the bundled ontology and data.
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
    /// Syntax of the files, when their extension does not tell.
    #[arg(long = "input-format", value_enum, requires = "files")]
    pub input_format: Option<RdfSyntax>,
    /// Report format: text (grouped by entity) or turtle (the standard sh:ValidationReport).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

/// How `validate` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A table grouped by entity, for people.
    Text,
    /// The standard SHACL validation report graph.
    Turtle,
}

/// `twinning report`
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Write to this file instead of standard output.
    #[arg(short, long, value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
}
