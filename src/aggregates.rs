//! The counts the research questions ask for, kept as RDF Data Cube observations (qb:) in their
//! own graph, so that a question over a million agreements reads a few hundred observations.
//!
//! They are computed from the derived layer (ontology/derived.ttl) in one pass over its facts:
//! each agreement in a scope (tw:inScope) adds one to the observation of each of its values in
//! each data set. The data sets and their structures are declared in ontology/derived.ttl; every
//! count can also be computed from the records themselves (queries/README.md shows how).

use std::collections::HashMap;

use oxigraph::model::{
    GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term,
};

use crate::error::Result;
use crate::vocab::{AGGREGATES_GRAPH, ID, TW};

const QB: &str = "http://purl.org/linked-data/cube#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// The data sets: (slug, the dimension properties after tw:scope).
const DATA_SETS: &[(&str, &[&str])] = &[
    ("agreements-by-scope", &[]),
    (
        "agreements-by-partner-country",
        &["partnerCountryDimension"],
    ),
    ("agreements-by-partner-region", &["partnerRegionDimension"]),
    ("agreements-by-theme", &["themeDimension"]),
    ("agreements-by-theme-axis", &["themeAxisDimension"]),
];

/// What the aggregates read about one agreement.
#[derive(Default)]
struct Facts {
    scopes: Vec<Term>,
    duplicate: bool,
    countries: Vec<Term>,
    regions: Vec<Term>,
    themes: Vec<Term>,
    axes: Vec<Term>,
}

/// Reads the objects of one predicate, in every graph, by subject.
pub type Scan<'a> = dyn Fn(NamedNodeRef<'_>) -> Result<Vec<(NamedOrBlankNode, Term)>> + 'a;

/// The observations of every data set, as quads of the aggregates graph, in a stable order.
pub fn observations(scan: &Scan<'_>) -> Result<Vec<Quad>> {
    let tw = |name: &str| NamedNode::new_unchecked(format!("{TW}{name}"));
    let mut facts: HashMap<NamedOrBlankNode, Facts> = HashMap::new();
    for (subject, scope) in scan(tw("inScope").as_ref())? {
        facts.entry(subject).or_default().scopes.push(scope);
    }
    // A scope that is not the agreement's home city is a collection of them.
    let mut home_city: HashMap<NamedOrBlankNode, Term> = HashMap::new();
    for (subject, city) in scan(tw("homeCity").as_ref())? {
        if facts.contains_key(&subject) {
            home_city.insert(subject, city);
        }
    }
    let mut read = |name: &str, field: fn(&mut Facts) -> &mut Vec<Term>| -> Result<()> {
        for (subject, object) in scan(tw(name).as_ref())? {
            if let Some(facts) = facts.get_mut(&subject) {
                field(facts).push(object);
            }
        }
        Ok(())
    };
    read("partnerCountry", |f| &mut f.countries)?;
    read("partnerRegion", |f| &mut f.regions)?;
    read("theme", |f| &mut f.themes)?;
    read("themeAxis", |f| &mut f.axes)?;
    let truth = Term::from(Literal::from(true));
    for (subject, value) in scan(tw("isPossibleDuplicate").as_ref())? {
        if let Some(facts) = facts.get_mut(&subject) {
            facts.duplicate |= value == truth;
        }
    }

    // (data set, values of its dimensions, scope first) -> (agreements, distinct agreements)
    let mut counts: HashMap<(usize, Vec<Term>), (u64, u64)> = HashMap::new();
    for (agreement, facts) in &mut facts {
        let city = home_city.get(agreement);
        // The union of the graphs repeats a triple stated in two of them: count it once.
        for values in [
            &mut facts.scopes,
            &mut facts.countries,
            &mut facts.regions,
            &mut facts.themes,
            &mut facts.axes,
        ] {
            // A handful of values: a linear scan is enough.
            let mut kept: Vec<Term> = Vec::with_capacity(values.len());
            for value in values.drain(..) {
                if !kept.contains(&value) {
                    kept.push(value);
                }
            }
            *values = kept;
        }
        let mut add = |set: usize, values: Vec<Term>| {
            let count = counts.entry((set, values)).or_default();
            count.0 += 1;
            count.1 += u64::from(!facts.duplicate);
        };
        for scope in &facts.scopes {
            let cell = |values: &[&Term]| {
                std::iter::once(scope)
                    .chain(values.iter().copied())
                    .cloned()
                    .collect::<Vec<_>>()
            };
            add(0, cell(&[]));
            // The breakdowns are counted over whole collections only (the questions ask for
            // no city's), which keeps them small with thousands of home cities.
            if city == Some(scope) {
                continue;
            }
            for (set, values) in [
                (1, &facts.countries),
                (2, &facts.regions),
                (3, &facts.themes),
                (4, &facts.axes),
            ] {
                for value in values {
                    add(set, cell(&[value]));
                }
            }
        }
    }

    let graph = NamedNode::new_unchecked(AGGREGATES_GRAPH);
    let mut quads = Vec::with_capacity(counts.len() * 6);
    let mut push = |subject: &NamedNode, predicate: NamedNode, object: Term| {
        quads.push(Quad::new(
            subject.clone(),
            predicate,
            object,
            GraphNameRef::from(graph.as_ref()),
        ));
    };
    let qb = |name: &str| NamedNode::new_unchecked(format!("{QB}{name}"));
    for ((set, values), (agreements, distinct)) in counts {
        let (slug, dimensions) = DATA_SETS[set];
        let observation = NamedNode::new_unchecked(format!(
            "{ID}observation/{slug}/{:016x}",
            fingerprint(&values)
        ));
        push(
            &observation,
            NamedNode::new_unchecked(RDF_TYPE),
            qb("Observation").into(),
        );
        push(
            &observation,
            qb("dataSet"),
            NamedNode::new_unchecked(format!("{ID}dataset/{slug}")).into(),
        );
        let names = std::iter::once("scope").chain(dimensions.iter().copied());
        for (name, value) in names.zip(values) {
            push(&observation, tw(name), value);
        }
        push(
            &observation,
            tw("agreementCount"),
            Literal::from(agreements as i64).into(),
        );
        push(
            &observation,
            tw("distinctAgreementCount"),
            Literal::from(distinct as i64).into(),
        );
    }
    Ok(quads)
}

/// A stable 64-bit FNV-1a digest of the cell's values, for the observation's IRI: the same cell
/// gets the same IRI in every build.
fn fingerprint(values: &[Term]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for value in values {
        for byte in value.to_string().bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}
