//! Wikidata: reconciling cities with Wikidata items, comparing twinnings with Wikidata's P190
//! statements, and writing QuickStatements for what Wikidata lacks. Works offline on files in the
//! formats the query service and `Special:EntityData` return, and online against an endpoint.
//! One room per job: [`candidates`] (reading what Wikidata returns), [`reconcile`] (matching
//! places), [`endpoint`] (requests and the SERVICE handler), [`diff`] (P190 and QuickStatements).

mod candidates;
mod diff;
mod endpoint;
mod reconcile;

pub use candidates::*;
pub use diff::*;
pub use endpoint::*;
pub use reconcile::*;

/// Wikidata's entity namespace.
pub const ENTITY: &str = "http://www.wikidata.org/entity/";
/// Wikidata's public query service.
pub const DEFAULT_ENDPOINT: &str = "https://query.wikidata.org/sparql";
/// Who we are, as Wikimedia's User-Agent policy asks.
pub const USER_AGENT: &str = concat!(
    "twinning/",
    env!("CARGO_PKG_VERSION"),
    " (https://github.com/twinning/twinning; city diplomacy linked data)"
);

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use super::{candidates::*, diff::*, endpoint::*, reconcile::*};

    #[test]
    fn articles_and_scripts_fold_away() {
        assert_eq!(name_key("El Aaiún"), name_key("Aaiun"));
        assert_eq!(name_key("Ad-Dakhla"), "dakhla");
        assert_eq!(name_key("الداخلة"), name_key("داخله"));
    }

    #[test]
    fn distances_are_great_circle_kilometres() {
        let dakhla = (-15.95798, 23.68477);
        let laayoune = (-13.18797, 27.14180);
        let km = distance_km(dakhla, laayoune);
        assert!((km - 475.0).abs() < 15.0, "{km}");
        assert!(distance_km(dakhla, dakhla) < 1e-9);
    }

    #[test]
    fn quickstatements_keep_the_date_precision() {
        let pair = |start: &str| {
            (
                Pair::new("Q1".into(), "Q2".into(), Some(start.into())),
                Some("https://example.org/a".to_owned()),
            )
        };
        let lines = quickstatements(&[pair("2024-10")]);
        assert_eq!(
            lines,
            "Q1\tP190\tQ2\tP580\t+2024-10-00T00:00:00Z/10\tS854\t\"https://example.org/a\"\n\
             Q2\tP190\tQ1\tP580\t+2024-10-00T00:00:00Z/10\tS854\t\"https://example.org/a\"\n"
        );
        assert!(quickstatements(&[pair("2009")]).contains("+2009-00-00T00:00:00Z/9"));
        assert!(quickstatements(&[pair("2024-10-16")]).contains("+2024-10-16T00:00:00Z/11"));
    }

    #[test]
    fn points_parse_in_both_spellings() {
        assert_eq!(
            parse_point("Point(-15.95798 23.68477)"),
            Some((-15.95798, 23.68477))
        );
        assert_eq!(parse_point(" POINT(2.5 49.2) "), Some((2.5, 49.2)));
        assert_eq!(parse_point("LINESTRING"), None);
    }
}
