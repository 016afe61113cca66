//! `twinning validate`

use crate::cli::{ReportFormat, ValidateArgs};
use crate::error::Result;
use crate::load::Document;
use crate::validate;

use super::Outcome;

pub fn run(args: &ValidateArgs) -> Result<Outcome> {
    let documents = args
        .files
        .iter()
        .map(|path| Document::from_file(path, args.input_format, None))
        .collect::<Result<Vec<_>>>()?;
    let validation = validate::validate(documents, args.vocabulary)?;
    super::write_output(None, |out| {
        match args.format {
            ReportFormat::Turtle => validation.write_turtle(&mut *out)?,
            ReportFormat::Text => {
                let table = validation.table()?.without("focus_iri");
                if !table.rows.is_empty() {
                    writeln!(out, "{}\n", table.render())?;
                }
                writeln!(
                    out,
                    "{} violation(s), {} warning(s), {} info(s): {}",
                    validation.violations,
                    validation.warnings,
                    validation.infos,
                    if validation.passes() {
                        "no violations"
                    } else {
                        "the data does not conform; fix the violations above"
                    }
                )?;
            }
        }
        Ok(())
    })?;
    Ok(if validation.passes() {
        Outcome::Success
    } else {
        Outcome::Problems
    })
}
