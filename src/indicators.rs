//! Indicators of openness and diversity, computed from SPARQL results (never typed in): partner
//! countries and regions, Shannon entropy and evenness, the Herfindahl–Hirschman index, theme
//! shares, and a governance score from Table 2 set against the EU benchmark.

use std::collections::{BTreeMap, BTreeSet};

use oxigraph::store::Store;

use crate::error::Result;
use crate::sparql::text;

/// Shannon entropy `H = −Σ pᵢ ln pᵢ` of a distribution given as counts (zeros ignored).
pub fn entropy(counts: &[f64]) -> f64 {
    let total: f64 = counts.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let entropy = -counts
        .iter()
        .filter(|&&c| c > 0.0)
        .map(|&c| {
            let p = c / total;
            p * p.ln()
        })
        .sum::<f64>();
    // One category gives −(1 · ln 1) = −0, which prints as "-0.000".
    if entropy <= 0.0 {
        0.0
    } else {
        entropy
    }
}

/// Evenness `J = H / ln K` over `categories` possible categories (1 when spread evenly over all
/// of them, 0 when concentrated in one); 0 when fewer than two categories exist.
pub fn evenness(counts: &[f64], categories: usize) -> f64 {
    if categories < 2 {
        return 0.0;
    }
    entropy(counts) / (categories as f64).ln()
}

/// Herfindahl–Hirschman index `HHI = Σ sᵢ²` of shares (from 1/K, even, to 1, one category).
pub fn hhi(counts: &[f64]) -> f64 {
    let total: f64 = counts.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    counts.iter().map(|c| (c / total).powi(2)).sum()
}

/// One agreement as the indicators see it.
#[derive(Debug, Clone, Default)]
pub struct AgreementProfile {
    /// The home city's label.
    pub city: String,
    /// The partner's country label.
    pub country: Option<String>,
    /// The partner country's world region label.
    pub region: Option<String>,
    /// Top concepts (axes) its themes fall under, by slug (`economic`, `cultural`…).
    pub axes: BTreeSet<String>,
}

/// Table 2 for one council: a cooperation committee? dedicated to international cooperation?
/// how many members? (`None`: unknown).
pub type CouncilAnswers = (Option<bool>, Option<bool>, Option<f64>);

/// What the indicators are computed from.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Agreements by IRI.
    pub agreements: BTreeMap<String, AgreementProfile>,
    /// Number of regions in the world-regions scheme.
    pub region_count: usize,
    /// The axes of the themes scheme (its top concepts), in order.
    pub axes: Vec<Axis>,
    /// Table 2 per home city: (has a cooperation committee, dedicated to international
    /// cooperation, member count), each possibly unknown.
    pub governance: BTreeMap<String, CouncilAnswers>,
    /// The EU survey's mean staff of international relations offices.
    pub eu_mean_staff: Option<f64>,
    /// The EU survey's share (0–1) of cities with an international relations office.
    pub eu_office_share: Option<f64>,
}

/// One of the paper's theme axes: a top concept of the themes scheme.
#[derive(Debug, Clone, Default)]
pub struct Axis {
    /// The last segment of its IRI (`economic`): what agreements are marked with.
    pub slug: String,
    /// Its label in the profile's language (the slug where there is none).
    pub label: String,
}

impl Profile {
    /// Reads everything the indicators need, with labels in `language`.
    pub fn load(store: &Store, language: &str) -> Result<Self> {
        let mut profile = Self::default();
        for solution in crate::sparql::select(
            store,
            crate::sparql::INDICATORS_PROFILE,
            &[crate::sparql::language(language)],
        )? {
            let Some(agreement) = text(&solution, "agreement") else {
                continue;
            };
            let entry = profile.agreements.entry(agreement).or_default();
            entry.city = text(&solution, "city").unwrap_or_default();
            entry.country = entry.country.take().or_else(|| text(&solution, "country"));
            entry.region = entry.region.take().or_else(|| text(&solution, "region"));
            entry.axes.extend(text(&solution, "axis"));
        }
        for solution in crate::sparql::select(
            store,
            crate::sparql::INDICATORS_SCHEMES,
            &[crate::sparql::language(language)],
        )? {
            match text(&solution, "scheme").as_deref() {
                Some("regions") => profile.region_count += 1,
                Some("axes") => {
                    let concept = text(&solution, "concept").unwrap_or_default();
                    let slug = concept.rsplit('/').next().unwrap_or_default().to_owned();
                    let label = text(&solution, "label").unwrap_or_else(|| slug.clone());
                    profile.axes.push(Axis { slug, label });
                }
                _ => {}
            }
        }
        for solution in crate::sparql::select(
            store,
            crate::sparql::INDICATORS_GOVERNANCE,
            &[crate::sparql::language(language)],
        )? {
            let Some(city) = text(&solution, "city") else {
                continue;
            };
            let entry = profile.governance.entry(city).or_insert((None, None, None));
            let boolean = |name: &str| text(&solution, name).map(|v| v == "true");
            entry.0 = entry.0.or(boolean("committee"));
            entry.1 = entry.1.or(boolean("dedicated"));
            entry.2 = entry
                .2
                .or_else(|| text(&solution, "members").and_then(|v| v.parse().ok()));
        }
        for solution in crate::sparql::select(store, crate::sparql::INDICATORS_BENCHMARK, &[])? {
            let value = text(&solution, "value").and_then(|v| v.parse::<f64>().ok());
            match text(&solution, "measure").as_deref() {
                Some("mean-international-office-staff") => profile.eu_mean_staff = value,
                Some("share-with-international-office") => {
                    profile.eu_office_share = value.map(|v| v / 100.0)
                }
                _ => {}
            }
        }
        Ok(profile)
    }

    /// Home cities, in label order.
    pub fn cities(&self) -> Vec<String> {
        let cities: BTreeSet<&String> = self.agreements.values().map(|a| &a.city).collect();
        cities.into_iter().cloned().collect()
    }

    /// The indicators for one city (`Some`) or all agreements (`None`).
    pub fn indicators(&self, city: Option<&str>) -> Indicators {
        let agreements: Vec<&AgreementProfile> = self
            .agreements
            .values()
            .filter(|a| city.is_none_or(|c| a.city == c))
            .collect();
        let count_by = |key: &dyn Fn(&AgreementProfile) -> Option<String>| {
            let mut counts: BTreeMap<String, f64> = BTreeMap::new();
            for agreement in &agreements {
                if let Some(value) = key(agreement) {
                    *counts.entry(value).or_default() += 1.0;
                }
            }
            counts
        };
        let regions = count_by(&|a| a.region.clone());
        let countries = count_by(&|a| a.country.clone());
        let mut axes: BTreeMap<String, f64> = self
            .axes
            .iter()
            .map(|axis| (axis.slug.clone(), 0.0))
            .collect();
        for agreement in &agreements {
            for axis in &agreement.axes {
                *axes.entry(axis.clone()).or_default() += 1.0;
            }
        }
        let region_counts: Vec<f64> = regions.values().copied().collect();
        let axis_counts: Vec<f64> = axes.values().copied().collect();
        let total = agreements.len() as f64;
        let share = |axis: &str| {
            if total == 0.0 {
                0.0
            } else {
                agreements.iter().filter(|a| a.axes.contains(axis)).count() as f64 / total
            }
        };
        Indicators {
            agreements: agreements.len(),
            partner_countries: countries.len(),
            partner_regions: regions.len(),
            region_entropy: entropy(&region_counts),
            region_evenness: evenness(&region_counts, self.region_count),
            axis_entropy: entropy(&axis_counts),
            axis_evenness: evenness(&axis_counts, self.axes.len()),
            region_hhi: hhi(&region_counts),
            shares: self
                .axes
                .iter()
                .map(|axis| (axis.slug.clone(), share(&axis.slug)))
                .collect(),
            governance: self.governance_score(city),
        }
    }

    /// Table 2 as a score from 0 to 1 per council whose answers are known: one third each for a
    /// standing cooperation committee, a remit limited to international cooperation, and a size
    /// at least the EU mean staff. Unknown answers leave the council out. Over all cities: the
    /// mean of the known scores.
    pub fn governance_score(&self, city: Option<&str>) -> Option<f64> {
        let eu_staff = self.eu_mean_staff?;
        let scores: Vec<f64> = self
            .governance
            .iter()
            .filter(|(name, _)| city.is_none_or(|c| c == name.as_str()))
            .filter_map(|(_, &(committee, dedicated, members))| {
                let committee = committee?;
                if !committee {
                    return Some(0.0);
                }
                let dedicated = dedicated?;
                let members = members?;
                Some(
                    (1.0 + f64::from(u8::from(dedicated))
                        + f64::from(u8::from(members >= eu_staff)))
                        / 3.0,
                )
            })
            .collect();
        (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
    }
}

/// The indicators of one city or of all agreements.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicators {
    /// Number of agreements.
    pub agreements: usize,
    /// Distinct partner countries.
    pub partner_countries: usize,
    /// Distinct partner regions.
    pub partner_regions: usize,
    /// Shannon entropy of agreements over partner regions (nats).
    pub region_entropy: f64,
    /// Entropy over ln(number of regions in the scheme).
    pub region_evenness: f64,
    /// Shannon entropy of agreement–axis pairs over the five axes (nats).
    pub axis_entropy: f64,
    /// Entropy over ln(5).
    pub axis_evenness: f64,
    /// Herfindahl–Hirschman index of agreements over partner regions.
    pub region_hhi: f64,
    /// Share (0–1) of agreements with at least one theme under each axis.
    pub shares: Vec<(String, f64)>,
    /// Table 2 governance score (0–1), when known.
    pub governance: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn entropy_and_evenness_match_hand_computation() {
        // Two categories, equal: H = ln 2; over 2 possible categories, J = 1.
        assert!(close(entropy(&[3.0, 3.0]), 2f64.ln()));
        assert!(close(evenness(&[3.0, 3.0], 2), 1.0));
        // The paper's regions: 10, 4, 2, 2 of 18.
        // H = −(10/18 ln 10/18 + 4/18 ln 4/18 + 2·2/18 ln 2/18) = 1.14906…
        let h = entropy(&[10.0, 4.0, 2.0, 2.0]);
        assert!((h - 1.149_06).abs() < 1e-5, "{h}");
        // Over the paper's 7 regions: J = H / ln 7 = 0.59050…
        assert!((evenness(&[10.0, 4.0, 2.0, 2.0], 7) - 0.590_50).abs() < 1e-5);
        assert!(close(entropy(&[5.0]), 0.0));
        // Printed in the report: a city with one partner region reads 0.000, not -0.000.
        assert_eq!(format!("{:.3}", entropy(&[5.0])), "0.000");
        assert!(close(entropy(&[]), 0.0));
        assert!(close(evenness(&[1.0], 1), 0.0));
    }

    #[test]
    fn hhi_matches_hand_computation() {
        // (10² + 4² + 2² + 2²) / 18² = 124 / 324 = 0.38271…
        assert!(close(hhi(&[10.0, 4.0, 2.0, 2.0]), 124.0 / 324.0));
        assert!(close(hhi(&[7.0]), 1.0));
        assert!(close(hhi(&[1.0, 1.0, 1.0, 1.0]), 0.25));
    }

    #[test]
    fn governance_score_counts_only_known_councils() {
        let mut profile = Profile {
            eu_mean_staff: Some(10.0),
            ..Profile::default()
        };
        profile
            .governance
            .insert("A".into(), (Some(true), Some(false), Some(5.0)));
        profile
            .governance
            .insert("B".into(), (Some(false), None, None));
        profile.governance.insert("C".into(), (None, None, None));
        profile
            .governance
            .insert("D".into(), (Some(true), Some(true), Some(12.0)));
        assert!(close(
            profile.governance_score(Some("A")).unwrap(),
            1.0 / 3.0
        ));
        assert!(close(profile.governance_score(Some("B")).unwrap(), 0.0));
        assert_eq!(profile.governance_score(Some("C")), None);
        assert!(close(profile.governance_score(Some("D")).unwrap(), 1.0));
        // Mean of the known: (1/3 + 0 + 1) / 3.
        assert!(close(
            profile.governance_score(None).unwrap(),
            (1.0 / 3.0 + 1.0) / 3.0
        ));
    }
}
