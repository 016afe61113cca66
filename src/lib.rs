//! twinning: the twinning and cooperation agreements of the cities of Morocco's southern
//! provinces as linked data, in an embedded Oxigraph store.
//!
//! The binary (`main.rs`) only parses the command line and maps errors to exit codes; everything
//! else lives here, one module per concern.
#![deny(missing_docs)]

pub mod aggregates;
pub mod bundle;
pub mod catalog;
pub mod charts;
pub mod cli;
pub mod commands;
pub mod derive;
pub mod error;
pub mod export;
pub mod format;
pub mod guard;
pub mod html;
pub mod i18n;
pub mod indicators;
pub mod jsonld;
pub mod limits;
pub mod load;
pub mod matching;
pub mod network;
pub mod output;
pub mod pages;
pub mod progress;
pub mod report;
pub mod serve;
pub mod site;
pub mod sparql;
pub mod spreadsheet;
pub mod store;
pub mod synth;
pub mod validate;
pub mod vocab;
pub mod void;
pub mod wikidata;

pub use error::{Error, Result};
