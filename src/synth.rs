//! A deterministic synthetic world graph with the shape of the real data, for testing and
//! benchmarking at scale: agreements with two or more parties, one to eight themes from the real
//! theme scheme, dates, kinds, statuses and sources; cities in countries across every world
//! region; labels in three languages. The same seed gives the same bytes.

use std::io::Write;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{Literal, NamedNode, Term, TripleRef};
use oxigraph::store::Store;

use crate::error::Result;
use crate::vocab::{ID, TW};

const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const DCTERMS: &str = "http://purl.org/dc/terms/";
/// Where synthetic resources live, apart from the real ones.
pub const SYNTH: &str = "https://w3id.org/twinning/id/synth/";

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Number of agreements.
    pub agreements: usize,
    /// Number of cities (home and partner).
    pub cities: usize,
    /// The random seed.
    pub seed: u64,
}

fn concepts(store: &Store, scheme: &str, top_level: bool) -> Result<Vec<NamedNode>> {
    let scheme = NamedNode::new_unchecked(format!("{ID}scheme/{scheme}"));
    Ok(crate::sparql::select(
        store,
        crate::sparql::CONCEPTS,
        &[
            ("scheme", scheme.into()),
            ("top", oxigraph::model::Literal::from(top_level).into()),
        ],
    )?
    .into_iter()
    .filter_map(|s| match s.get("concept") {
        Some(Term::NamedNode(node)) => Some(node.clone()),
        _ => None,
    })
    .collect())
}

/// Writes the synthetic graph as N-Triples.
pub fn generate(shape: Shape, out: impl Write) -> Result<()> {
    // The vocabularies come from the bundled ontology, so the synthetic graph uses the real
    // themes, kinds, statuses and regions.
    let vocabulary = Store::new()?;
    crate::load::load_bundle(&vocabulary)?;
    let themes = concepts(&vocabulary, "themes", false)?;
    let kinds = concepts(&vocabulary, "agreement-kinds", true)?;
    let regions = concepts(&vocabulary, "world-regions", true)?;
    let signed = NamedNode::new_unchecked(format!("{ID}status/signed"));
    let statuses = concepts(&vocabulary, "agreement-status", true)?;

    let mut random = fastrand::Rng::with_seed(shape.seed);
    let mut writer = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(out);
    let mut emit = |s: &NamedNode, p: &str, o: Term| -> Result<()> {
        let p = NamedNode::new_unchecked(p);
        writer.serialize_triple(TripleRef::new(s, &p, &o))?;
        Ok(())
    };
    let cities = shape.cities.max(8);
    let countries = (cities / 10).max(regions.len());
    let homes = (cities / 25).max(4);
    let home_collection = NamedNode::new_unchecked(format!("{ID}collection/home-cities"));
    let label = |text: String, language: &str| {
        Literal::new_language_tagged_literal_unchecked(text, language)
    };
    for k in 0..countries {
        let country = NamedNode::new_unchecked(format!("{SYNTH}country/k{k}"));
        emit(
            &country,
            rdf::TYPE.as_str(),
            NamedNode::new_unchecked("https://schema.org/Country").into(),
        )?;
        emit(
            &country,
            &format!("{SKOS}prefLabel"),
            label(format!("Country {k}"), "en").into(),
        )?;
        emit(
            &country,
            &format!("{SKOS}prefLabel"),
            label(format!("البلد {k}"), "ar").into(),
        )?;
        emit(
            &country,
            &format!("{SKOS}prefLabel"),
            label(format!("Pays {k}"), "fr").into(),
        )?;
        // Every region gets countries: round-robin.
        emit(
            &country,
            &format!("{TW}worldRegion"),
            regions[k % regions.len()].clone().into(),
        )?;
    }
    for c in 0..cities {
        let city = NamedNode::new_unchecked(format!("{SYNTH}city/c{c}"));
        emit(
            &city,
            rdf::TYPE.as_str(),
            NamedNode::new_unchecked("https://schema.org/City").into(),
        )?;
        emit(
            &city,
            rdf::TYPE.as_str(),
            NamedNode::new_unchecked(format!("{TW}Municipality")).into(),
        )?;
        emit(
            &city,
            &format!("{SKOS}prefLabel"),
            label(format!("City {c}"), "en").into(),
        )?;
        emit(
            &city,
            &format!("{SKOS}prefLabel"),
            label(format!("المدينة {c}"), "ar").into(),
        )?;
        emit(
            &city,
            &format!("{SKOS}prefLabel"),
            label(format!("Ville {c}"), "fr").into(),
        )?;
        let country =
            NamedNode::new_unchecked(format!("{SYNTH}country/k{}", random.usize(..countries)));
        emit(&city, &format!("{TW}country"), country.into())?;
        if c < homes {
            emit(&home_collection, &format!("{SKOS}member"), city.into())?;
        }
    }
    for a in 0..shape.agreements {
        let agreement = NamedNode::new_unchecked(format!("{SYNTH}agreement/a{a}"));
        let home = random.usize(..homes);
        let partner = homes + random.usize(..cities - homes);
        let city = |i: usize| NamedNode::new_unchecked(format!("{SYNTH}city/c{i}"));
        emit(
            &agreement,
            rdf::TYPE.as_str(),
            NamedNode::new_unchecked(format!("{TW}Agreement")).into(),
        )?;
        emit(&agreement, &format!("{TW}homeCity"), city(home).into())?;
        emit(
            &agreement,
            &format!("{TW}partnerCity"),
            city(partner).into(),
        )?;
        emit(&agreement, &format!("{TW}party"), city(home).into())?;
        emit(&agreement, &format!("{TW}party"), city(partner).into())?;
        if random.u8(..10) == 0 {
            emit(
                &agreement,
                &format!("{TW}party"),
                city(homes + random.usize(..cities - homes)).into(),
            )?;
        }
        emit(
            &agreement,
            &format!("{TW}kind"),
            kinds[random.usize(..kinds.len())].clone().into(),
        )?;
        let status = if random.u8(..10) < 8 {
            signed.clone()
        } else {
            statuses[random.usize(..statuses.len())].clone()
        };
        emit(&agreement, &format!("{TW}status"), status.into())?;
        let date = format!("{}-{:02}", 1960 + random.u32(..66), 1 + random.u32(..12));
        emit(
            &agreement,
            &format!("{DCTERMS}date"),
            Literal::new_typed_literal(date.clone(), xsd::G_YEAR_MONTH).into(),
        )?;
        for _ in 0..1 + random.usize(..8) {
            emit(
                &agreement,
                &format!("{TW}theme"),
                themes[random.usize(..themes.len())].clone().into(),
            )?;
        }
        emit(
            &agreement,
            &format!("{SKOS}prefLabel"),
            label(
                format!("City {home} – City {partner} ({})", &date[..4]),
                "en",
            )
            .into(),
        )?;
        let source = NamedNode::new_unchecked(format!("{SYNTH}source/s{a}"));
        emit(
            &agreement,
            &format!("{DCTERMS}source"),
            source.clone().into(),
        )?;
        emit(
            &source,
            rdf::TYPE.as_str(),
            NamedNode::new_unchecked("http://purl.org/ontology/bibo/Webpage").into(),
        )?;
        emit(
            &source,
            &format!("{DCTERMS}title"),
            Literal::new_simple_literal(format!("Synthetic source {a}")).into(),
        )?;
        emit(
            &source,
            &format!("{DCTERMS}issued"),
            Literal::new_typed_literal(date, xsd::G_YEAR_MONTH).into(),
        )?;
        emit(
            &source,
            "http://purl.org/ontology/bibo/uri",
            Literal::new_typed_literal(format!("https://example.org/synth/{a}"), xsd::ANY_URI)
                .into(),
        )?;
    }
    writer.finish()?;
    Ok(())
}
