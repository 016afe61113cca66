//! Our twinnings beside Wikidata's P190 statements, and QuickStatements for what Wikidata
//! lacks.

use std::collections::{BTreeMap, BTreeSet};

use oxigraph::model::{NamedNode, Term};
use oxigraph::store::Store;

use crate::error::Result;
use crate::output::Table;
use crate::sparql;

use super::*;
use super::{candidates::*, endpoint::*};

/// A twinning as a pair of Wikidata items.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pair {
    /// The two items, sorted.
    pub items: (String, String),
    /// The start date as precise as known (`2024`, `2024-10`, `2024-10-16`).
    pub start: Option<String>,
}

impl Pair {
    pub(super) fn new(a: String, b: String, start: Option<String>) -> Self {
        let items = if a <= b { (a, b) } else { (b, a) };
        Self { items, start }
    }
}

/// Our twinnings (the derived wdt:P190 pairs): those whose two places have an exact Wikidata
/// match, with their start date and a source URL (left empty where a recorded disagreement
/// disputes them); and those left out for lack of an exact match.
pub fn our_pairs(store: &Store) -> Result<(Vec<SourcedPair>, Vec<String>)> {
    let mut pairs = BTreeMap::new();
    let mut skipped = BTreeSet::new();
    for solution in sparql::select(store, sparql::WIKIDATA_PAIRS, &[])? {
        let text = |name: &str| match solution.get(name) {
            Some(Term::Literal(literal)) => Some(literal.value().to_owned()),
            Some(Term::NamedNode(node)) => Some(node.as_str().to_owned()),
            _ => None,
        };
        let (Some(a), Some(b)) = (text("a"), text("b")) else {
            continue;
        };
        match (
            text("qa").and_then(|q| qid_of(&q)),
            text("qb").and_then(|q| qid_of(&q)),
        ) {
            (Some(qa), Some(qb)) => {
                let pair = Pair::new(qa, qb, text("start"));
                pairs
                    .entry(pair.items.clone())
                    .or_insert((pair, text("source_url")));
            }
            _ => {
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                skipped.insert(format!(
                    "{} – {}",
                    crate::vocab::compact_iri(&a),
                    crate::vocab::compact_iri(&b)
                ));
            }
        }
    }
    Ok((pairs.into_values().collect(), skipped.into_iter().collect()))
}

/// Wikidata's P190 statements from SPARQL JSON results with `?item ?twin ?start`.
pub fn read_statements(origin: &str, bytes: &[u8]) -> Result<Vec<Pair>> {
    let (_, solutions) = parse_results(origin, bytes)?;
    let mut pairs = BTreeSet::new();
    for solution in solutions {
        let iri = |name: &str| match solution.get(name) {
            Some(Term::NamedNode(node)) => Some(node.as_str().to_owned()),
            _ => None,
        };
        let (Some(item), Some(twin)) = (iri("item"), iri("twin")) else {
            continue;
        };
        let item_qid = qid_of(&item).ok_or_else(|| not_an_item(origin, &item))?;
        let twin_qid = qid_of(&twin).ok_or_else(|| not_an_item(origin, &twin))?;
        let start = match solution.get("start") {
            Some(Term::Literal(literal)) => Some(literal.value().chars().take(10).collect()),
            _ => None,
        };
        pairs.insert(Pair::new(item_qid, twin_qid, start));
    }
    Ok(pairs.into_iter().collect())
}

/// The query that fetches Wikidata's P190 statements for our items
/// (queries/internal/wikidata_statements.rq).
pub fn statements_query(items: &BTreeSet<String>) -> Result<String> {
    let items: Vec<Term> = items
        .iter()
        .map(|qid| NamedNode::new_unchecked(format!("{ENTITY}{qid}")).into())
        .collect();
    sparql::with_values(sparql::WIKIDATA_STATEMENTS, "item", &items)
}

/// Whether two dates agree at the precision both have.
pub(super) fn same_date(a: &str, b: &str) -> bool {
    let length = a.len().min(b.len());
    a[..length] == b[..length]
}

/// Compares our pairs with Wikidata's: one row per pair, with its status.
pub fn diff(ours: &[SourcedPair], theirs: &[Pair], labels: &BTreeMap<String, String>) -> Table {
    let mut theirs_by_items: BTreeMap<&(String, String), Vec<&Pair>> = BTreeMap::new();
    for pair in theirs {
        theirs_by_items.entry(&pair.items).or_default().push(pair);
    }
    let label = |qid: &str| labels.get(qid).cloned().unwrap_or_default();
    let date = |pair: &Pair| pair.start.clone().unwrap_or_default();
    let mut rows = Vec::new();
    for (pair, _) in ours {
        let status = match theirs_by_items.get(&pair.items) {
            None => "only here",
            Some(found) => {
                let wikidata_dates: Vec<&str> =
                    found.iter().filter_map(|p| p.start.as_deref()).collect();
                match (&pair.start, wikidata_dates.first()) {
                    (Some(ours), Some(_)) if !wikidata_dates.iter().any(|d| same_date(ours, d)) => {
                        "dates differ"
                    }
                    _ => "in both",
                }
            }
        };
        let wikidata = theirs_by_items
            .get(&pair.items)
            .map(|found| {
                found
                    .iter()
                    .filter_map(|p| p.start.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        rows.push(vec![
            status.to_owned(),
            pair.items.0.clone(),
            label(&pair.items.0),
            pair.items.1.clone(),
            label(&pair.items.1),
            date(pair),
            wikidata,
        ]);
    }
    let ours_items: BTreeSet<&(String, String)> = ours.iter().map(|(p, _)| &p.items).collect();
    for (items, found) in &theirs_by_items {
        if !ours_items.contains(items) {
            rows.push(vec![
                "only in Wikidata".to_owned(),
                items.0.clone(),
                label(&items.0),
                items.1.clone(),
                label(&items.1),
                String::new(),
                found
                    .iter()
                    .filter_map(|p| p.start.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            ]);
        }
    }
    rows.sort();
    Table {
        columns: [
            "status",
            "item",
            "label",
            "twin",
            "twin_label",
            "start_here",
            "start_wikidata",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
        ..Table::default()
    }
}

/// QuickStatements (version 1) for the pairs Wikidata lacks: both directions, the start time at
/// the precision known (P580), and the source URL (S854).
pub fn quickstatements(pairs: &[SourcedPair]) -> String {
    let mut lines = String::new();
    for (pair, url) in pairs {
        let mut qualifiers = String::new();
        if let Some(start) = &pair.start {
            let (value, precision) = match start.len() {
                4 => (format!("+{start}-00-00T00:00:00Z"), 9),
                7 => (format!("+{start}-00T00:00:00Z"), 10),
                _ => (format!("+{}T00:00:00Z", &start[..start.len().min(10)]), 11),
            };
            qualifiers.push_str(&format!("\tP580\t{value}/{precision}"));
        }
        if let Some(url) = url {
            qualifiers.push_str(&format!("\tS854\t\"{}\"", url.replace('"', "%22")));
        }
        for (from, to) in [
            (&pair.items.0, &pair.items.1),
            (&pair.items.1, &pair.items.0),
        ] {
            lines.push_str(&format!("{from}\tP190\t{to}{qualifiers}\n"));
        }
    }
    lines
}
