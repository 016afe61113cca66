//! `twinning link`

use oxigraph::model::{NamedNode, NamedNodeRef, Quad};
use oxigraph::store::Store;

use crate::cli::LinkArgs;
use crate::error::{Error, Result};
use crate::output::Table;
use crate::store::{Location, Session};
use crate::vocab::{GRAPH_BASE, TW};
use crate::wikidata::{self, Decision};

use super::Outcome;

pub fn run(location: &Location, args: &LinkArgs) -> Result<Outcome> {
    if !(0.0..=1.0).contains(&args.threshold) {
        return Err(Error::Format(
            "--threshold is a score between 0 and 1".to_owned(),
        ));
    }
    if args.status {
        let session = Session::open_for_reading(location)?;
        let table = Table::internal(&session.store, crate::sparql::LINK_STATUS)?;
        super::write_output(None, |out| Ok(writeln!(out, "{}", table.render())?))?;
        return Ok(Outcome::Success);
    }
    if args.print_query {
        let session = Session::open_for_reading(location)?;
        let query = wikidata::candidate_query(&wikidata::places(&session.store)?)?;
        super::write_output(None, |out| Ok(out.write_all(query.as_bytes())?))?;
        return Ok(Outcome::Success);
    }
    // Read every input before touching the store: a bad file or a dead endpoint costs nothing.
    let mut candidates = Vec::new();
    for path in &args.wikidata {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        candidates.extend(wikidata::read_candidates(
            &path.display().to_string(),
            &bytes,
        )?);
    }
    let session = Session::open_for_update(location)?;
    let places = wikidata::places(&session.store)?;
    if let Some(endpoint) = &args.endpoint {
        let endpoint = endpoint.clone().unwrap_or_else(wikidata::endpoint);
        let endpoint = &endpoint;
        let query = wikidata::candidate_query(&places)?;
        let timeout = std::time::Duration::from_secs(args.timeout);
        let bytes = wikidata::fetch(endpoint, &query, timeout, 4, wikidata::OFFLINE_HINT)?;
        candidates.extend(wikidata::read_candidates(endpoint, &bytes)?);
    }
    let proposals = wikidata::reconcile(&places, &candidates, args.threshold);
    let table = Table {
        columns: ["place", "label", "item", "score", "decision", "evidence"]
            .map(str::to_owned)
            .to_vec(),
        rows: proposals
            .iter()
            .map(|p| {
                vec![
                    crate::vocab::compact_iri(&p.place.iri),
                    p.place.label.clone(),
                    format!("wd:{}", p.qid),
                    format!("{:.2}", p.score),
                    match p.decision {
                        Decision::Confirms => "confirms the exact match",
                        Decision::Promote => "promoted to exact match",
                        Decision::Review => "review",
                        Decision::Conflict => "CONFLICT with the curated exact match",
                    }
                    .to_owned(),
                    p.evidence.join("; "),
                ]
            })
            .collect(),
        ..Table::default()
    };
    super::write_output(None, |out| Ok(writeln!(out, "{}", table.render())?))?;
    let conflicts: Vec<_> = proposals
        .iter()
        .filter(|p| p.decision == Decision::Conflict)
        .collect();
    for conflict in &conflicts {
        eprintln!(
            "conflict: {} is curated as wd:{} but wd:{} scores {:.2}; the curated link is kept",
            crate::vocab::compact_iri(&conflict.place.iri),
            conflict.place.exact.as_deref().unwrap_or_default(),
            conflict.qid,
            conflict.score
        );
    }
    let triples = wikidata::link_triples(&proposals);
    if let Some(output) = &args.output {
        let mut graph: oxigraph::model::Graph = triples.iter().collect();
        super::write_output(Some(output), |out| {
            crate::export::write_turtle(&mut graph, out)
        })?;
    }
    if !args.dry_run && !triples.is_empty() {
        let removed = superseded(&session.store, &proposals)?;
        let graph = NamedNode::new_unchecked(format!("{GRAPH_BASE}links"));
        crate::load::change(&session.store, &removed, &graph, &triples)?;
    }
    eprintln!(
        "{} proposal(s): {} promoted, {} to review, {} conflict(s){}",
        proposals.len(),
        proposals
            .iter()
            .filter(|p| p.decision == Decision::Promote)
            .count(),
        proposals
            .iter()
            .filter(|p| p.decision == Decision::Review)
            .count(),
        conflicts.len(),
        if args.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    Ok(if conflicts.is_empty() {
        Outcome::Success
    } else {
        Outcome::Problems
    })
}

/// A promoted place's candidate link and old status, in whatever graph they are.
fn superseded(store: &Store, proposals: &[wikidata::Proposal]) -> Result<Vec<Quad>> {
    let mut quads = Vec::new();
    for proposal in proposals.iter().filter(|p| p.decision == Decision::Promote) {
        let place = NamedNode::new_unchecked(&proposal.place.iri);
        for property in ["wikidataCandidate", "linkStatus"] {
            let predicate = NamedNode::new_unchecked(format!("{TW}{property}"));
            for quad in store.quads_for_pattern(
                Some(place.as_ref().into()),
                Some(NamedNodeRef::from(&predicate)),
                None,
                None,
            ) {
                quads.push(quad?);
            }
        }
    }
    Ok(quads)
}
