//! Integration tests: the real `twinning` binary on temporary stores, one module per theme.

mod cli;
mod common;
mod curate;
mod docs;
mod export;
mod hostile;
mod html;
mod interop;
mod load;
mod paper;
mod protocol;
mod query;
mod report;
mod scale;
mod serve;
mod setup;
mod site;
mod wikidata;
