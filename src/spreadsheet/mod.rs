//! The agreements as a spreadsheet: a documented CSV template, an importer that checks the whole
//! file (parsing, matching names to the graph, then the SHACL shapes) before anything is written,
//! and an exporter that writes the same template.
//! One room per job: [`template`] (the columns and the export), [`rows`] (reading the file),
//! [`minting`] (new IRIs) and [`import`] (matching rows against the store).

mod import;
mod minting;
mod rows;
mod template;

pub use import::*;
pub use minting::*;
pub use rows::*;
pub use template::*;

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use super::{import::*, minting::*, rows::*, template::*};
    use oxigraph::model::vocab::xsd;
    use oxigraph::store::Store;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn bundled_store() -> &'static Store {
        static STORE: OnceLock<Store> = OnceLock::new();
        STORE.get_or_init(|| {
            let store = Store::new().expect("in-memory store");
            crate::load::load_bundle(&store).expect("bundled data loads");
            store
        })
    }

    fn creating() -> Minting {
        Minting {
            create: true,
            ..Minting::default()
        }
    }

    fn header() -> String {
        COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>().join(",")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = import_bytes("fuzz.csv", &bytes, bundled_store(), &creating());
        }

        #[test]
        fn arbitrary_rows_under_the_real_header_never_panic(
            rows in proptest::collection::vec(
                proptest::collection::vec("[ -~\\u{600}-\\u{6ff}\"\n;]{0,12}", 0..20), 0..6)
        ) {
            let mut text = header();
            for row in rows {
                text.push('\n');
                text.push_str(&row.join(","));
            }
            let _ = import_bytes("fuzz.csv", text.as_bytes(), bundled_store(), &creating());
        }
    }

    #[test]
    fn dates_are_checked_against_the_calendar() {
        assert_eq!(parse_date("2024").unwrap().datatype(), xsd::G_YEAR);
        assert_eq!(parse_date("2024-10").unwrap().datatype(), xsd::G_YEAR_MONTH);
        assert_eq!(parse_date("2024-02-29").unwrap().datatype(), xsd::DATE);
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("2023-13-40").unwrap_err().contains("month 13"));
        assert!(parse_date("23-10").is_err());
        assert!(parse_date("October 2024").is_err());
        assert!(parse_date("").is_err());
    }

    #[test]
    fn slugs_are_readable() {
        assert_eq!(name_slug("Great Neck"), "great-neck");
        assert_eq!(name_slug("Laâyoune"), "laayoune");
        assert_eq!(
            url_slug("https://www.example.org/a/b.html"),
            "www-example-org-a-b-html"
        );
    }
}
