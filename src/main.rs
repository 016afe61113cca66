//! The `twinning` command: parse, run, map the outcome to an exit code (0 ok, 1 problems found,
//! 2 error).

use std::process::ExitCode;

use clap::Parser;
use twinning::cli::Cli;
use twinning::commands::Outcome;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A panic (a bug: ours, or the query engine's) is reported as an error with exit code 2,
    // never as Rust's exit code 101 and a backtrace hint.
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "error: twinning stopped on an internal error ({info}); nothing was written to the \
             store. Please report it with the command you ran."
        );
    }));
    let outcome = std::panic::catch_unwind(|| twinning::commands::run(cli));
    let Ok(outcome) = outcome else {
        return ExitCode::from(2);
    };
    match outcome {
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
