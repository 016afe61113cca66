//! Matching names as people type them to the graph's resources: any label in any language
//! (Dakhla, الداخلة, Dajla…), ignoring case, diacritics and Arabic letter variants, or the slug.

use std::collections::{BTreeMap, BTreeSet};

use oxigraph::model::NamedNode;
use oxigraph::store::Store;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::error::Result;
use crate::sparql;

/// Folds a name for comparison: decomposed, without combining marks (accents, Arabic harakat),
/// lower-case, Arabic alef/yeh/teh-marbuta variants unified, punctuation and spaces collapsed.
pub fn normalise(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    for c in name.nfkd().filter(|c| !is_combining_mark(*c)) {
        let c = match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ى' => 'ي',
            'ة' => 'ه',
            'ـ' => continue, // tatweel, a stretching stroke
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        folded.extend(c.to_lowercase());
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a name matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// Exactly one resource.
    One(NamedNode),
    /// Several resources share the name.
    Ambiguous(Vec<NamedNode>),
    /// Nothing; the closest known names.
    Unknown(Vec<String>),
}

/// Labels and slugs of one kind of resource (cities, countries, themes…).
#[derive(Debug, Default)]
pub struct NameIndex {
    by_name: BTreeMap<String, BTreeSet<NamedNode>>,
    display: BTreeMap<String, String>,
}

impl NameIndex {
    /// Indexes the names of the entities of a class or concept scheme (`parameters` of
    /// [`sparql::NAMES`]; labels in any language), and each entity's slug (the last segment of
    /// its IRI).
    pub fn from_query(store: &Store, parameters: &[(&str, oxigraph::model::Term)]) -> Result<Self> {
        let mut index = Self::default();
        // Slugs come after all labels, so suggestions show a label ("Dakhla") rather than a slug.
        let mut slugs = Vec::new();
        for solution in sparql::select(store, sparql::NAMES, parameters)? {
            let (Some(oxigraph::model::Term::NamedNode(entity)), Some(label)) =
                (solution.get("entity"), solution.get("label"))
            else {
                continue;
            };
            let label = match label {
                oxigraph::model::Term::Literal(literal) => literal.value().to_owned(),
                other => other.to_string(),
            };
            index.insert(&label, entity.clone());
            slugs.push(entity.clone());
        }
        for entity in slugs {
            let slug = entity
                .as_str()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            index.insert(&slug, entity);
        }
        Ok(index)
    }

    /// Adds one name for `entity`.
    pub fn insert(&mut self, name: &str, entity: NamedNode) {
        let key = normalise(name);
        if key.is_empty() {
            return;
        }
        self.display
            .entry(key.clone())
            .or_insert_with(|| name.to_owned());
        self.by_name.entry(key).or_default().insert(entity);
    }

    /// Looks a name up.
    pub fn find(&self, name: &str) -> Match {
        let key = normalise(name);
        match self.by_name.get(&key) {
            Some(entities) if entities.len() == 1 => {
                Match::One(entities.iter().next().expect("one").clone())
            }
            Some(entities) => Match::Ambiguous(entities.iter().cloned().collect()),
            None => Match::Unknown(self.closest(&key)),
        }
    }

    /// Up to three known names closest to `key`, best first.
    fn closest(&self, key: &str) -> Vec<String> {
        let mut scored: Vec<(f64, &String)> = self
            .display
            .iter()
            .map(|(known, shown)| (strsim::jaro_winkler(key, known), shown))
            .filter(|(score, _)| *score >= 0.75)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let mut names: Vec<String> = Vec::new();
        for (_, shown) in scored {
            if !names.contains(shown) {
                names.push(shown.clone());
            }
            if names.len() == 3 {
                break;
            }
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_arabic_variants() {
        assert_eq!(normalise("Laâyoune"), "laayoune");
        assert_eq!(normalise("  EL-Argoub "), "el argoub");
        assert_eq!(normalise("إيطاليا"), normalise("ايطاليا"));
        assert_eq!(normalise("الدَّاخِلَة"), normalise("الداخله"));
    }

    #[test]
    fn finds_by_any_label_and_suggests_close_names() {
        let dakhla = NamedNode::new_unchecked("https://w3id.org/twinning/id/city/dakhla");
        let mut index = NameIndex::default();
        index.insert("Dakhla", dakhla.clone());
        index.insert("الداخلة", dakhla.clone());
        index.insert("Dajla", dakhla.clone());
        assert_eq!(index.find("DAKHLA"), Match::One(dakhla.clone()));
        assert_eq!(index.find("الداخلة"), Match::One(dakhla));
        assert_eq!(
            index.find("Dakhal"),
            Match::Unknown(vec!["Dakhla".to_owned(), "Dajla".to_owned()])
        );
    }
}
