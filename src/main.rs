//! The `twinning` command: parse, run, map the outcome to an exit code (0 ok, 1 problems found,
//! 2 error).

use std::process::ExitCode;

use clap::Parser;
use twinning::cli::Cli;
use twinning::commands::Outcome;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match twinning::commands::run(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        // `twinning export | head` closes the pipe early: not an error.
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        // Every message carries its cause (file, line, column, store, flag): print it once.
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}
