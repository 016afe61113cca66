//! `twinning synth`

use crate::cli::SynthArgs;
use crate::error::Result;
use crate::synth::{self, Shape};

pub fn run(args: &SynthArgs) -> Result<()> {
    let shape = Shape {
        agreements: args.agreements,
        cities: args.cities.unwrap_or((args.agreements / 5).max(8)),
        seed: args.seed,
    };
    super::write_output(args.output.as_deref(), |out| synth::generate(shape, out))
}
