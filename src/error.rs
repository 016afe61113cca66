//! The library's one error type. Every variant names what the user needs to fix: the file, line and
//! column, the flag, the store directory or the query.

use std::path::PathBuf;

/// Result alias used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `twinning`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An RDF document could not be parsed.
    #[error("{file}:{line}:{column}: syntax error: {message}")]
    RdfSyntax {
        /// The file (or `-` for standard input, or the bundled path).
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
        /// The parser's explanation.
        message: String,
    },
    /// An RDF document could not be parsed and the parser gave no position.
    #[error("{file}: {message}")]
    RdfInvalid {
        /// The file.
        file: String,
        /// The parser's explanation.
        message: String,
    },
    /// A SPARQL query or update could not be parsed.
    #[error("{origin}: SPARQL syntax error: {message}")]
    SparqlSyntax {
        /// Where the query comes from: a file, a bundled query or `-e`.
        origin: String,
        /// The parser's explanation, with line and column.
        message: String,
    },
    /// A SPARQL query failed while running.
    #[error("{origin}: query failed: {cause}")]
    Evaluation {
        /// Where the query comes from.
        origin: String,
        /// The engine's error.
        cause: oxigraph::sparql::QueryEvaluationError,
    },
    /// Neither a file nor a bundled query has this name.
    #[error("no query file or bundled query named '{name}'; bundled queries are:\n  {}", known.join("\n  "))]
    UnknownQuery {
        /// What the user asked for.
        name: String,
        /// The slugs of the bundled queries.
        known: Vec<String>,
    },
    /// A format could not be chosen, or is not available for this output.
    #[error("{0}")]
    Format(String),
    /// Another process holds the store.
    #[error(
        "the store {} is in use by another twinning process; wait for it to finish, or use --memory",
        path.display()
    )]
    StoreInUse {
        /// The store directory.
        path: PathBuf,
    },
    /// The store could not be opened or written.
    #[error("cannot open the store {}: {cause}", path.display())]
    StoreOpen {
        /// The store directory.
        path: PathBuf,
        /// What went wrong.
        cause: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A storage operation failed.
    #[error("store error: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
    /// A file could not be read or written.
    #[error("{}: {cause}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        cause: std::io::Error,
    },
    /// Writing to standard output or to a serializer failed.
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    /// A CSV file to import has problems; every one is listed, nothing was written.
    #[error("{file}: nothing was imported; fix these {} problem(s):\n  {}", problems.len(), problems.join("\n  "))]
    Import {
        /// The CSV file.
        file: String,
        /// One line per problem: file:line: column: message.
        problems: Vec<String>,
    },
    /// Imported rows would break the SHACL shapes; nothing was written.
    #[error("{file}: nothing was imported; the new data breaks the shapes:\n  {}", violations.join("\n  "))]
    ImportViolations {
        /// The CSV file.
        file: String,
        /// One line per violation.
        violations: Vec<String>,
    },
    /// An input file (Wikidata JSON…) is malformed or holds something unexpected.
    #[error("{origin}: {message}")]
    Input {
        /// The file, with line and column where known.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// A SPARQL endpoint failed to answer.
    #[error("{endpoint}: {message}; {hint}")]
    Endpoint {
        /// The endpoint URL.
        endpoint: String,
        /// What went wrong.
        message: String,
        /// What the user can do instead: depends on the command that called the endpoint.
        hint: &'static str,
    },
    /// A bundled file does not have the shape the program expects.
    #[error("{0}")]
    Invalid(String),
    /// A request the policy refuses (LOAD from a host that is not allowed…).
    #[error("{0}")]
    Refused(String),
}

/// A CSV writer's error: its writer's own I/O error as it is (so that a closed pipe stays one),
/// anything else as an output error.
impl From<csv::Error> for Error {
    fn from(error: csv::Error) -> Self {
        let message = error.to_string();
        match error.into_kind() {
            csv::ErrorKind::Io(cause) => Self::Output(cause),
            _ => Self::Output(std::io::Error::other(message)),
        }
    }
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, cause: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            cause,
        }
    }

    /// Wraps a query evaluation error with the query it came from.
    pub fn evaluation(origin: &str, cause: oxigraph::sparql::QueryEvaluationError) -> Self {
        Self::Evaluation {
            origin: origin.to_owned(),
            cause,
        }
    }

    /// True when the error is a closed pipe on output (`twinning export | head`), which is not a
    /// failure from the user's point of view.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}
