//! Command-line declarations only: every flag is documented here and its constraints are declared,
//! not checked by hand. The work happens in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::format::{QueryOutput, RdfSyntax};

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
    /// Output syntax (default: from the -o extension, else turtle).
    #[arg(long, value_enum)]
    pub format: Option<RdfSyntax>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
}

/// `twinning report`
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Write to this file instead of standard output.
    #[arg(short, long, value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
}
