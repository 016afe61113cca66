//! `twinning man` and `twinning completions`: generated from the clap definitions in `cli.rs`, so
//! they never drift from `--help`.

use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::error::{Error, Result};

pub fn man(args: &ManArgs) -> Result<()> {
    let mut command = Cli::command();
    command.build();
    let page = match &args.command {
        None => command,
        Some(name) => {
            let known: Vec<String> = command
                .get_subcommands()
                .map(|c| c.get_name().to_owned())
                .collect();
            let sub = command.find_subcommand(name).cloned().ok_or_else(|| {
                Error::Format(format!(
                    "twinning man {name}: no such command; the commands are {}",
                    known.join(", ")
                ))
            })?;
            // The page is named twinning-COMMAND(1), as git and cargo name theirs.
            let title = format!("twinning-{}", sub.get_name());
            sub.name(title)
        }
    };
    let page = clap_mangen::Man::new(page);
    super::write_output(None, |out| page.render(out).map_err(Into::into))
}

pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut command = Cli::command();
    super::write_output(None, |out| {
        clap_complete::generate(shell, &mut command, "twinning", out);
        Ok(())
    })
}
