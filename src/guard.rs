//! Limits on what an RDF document may make us build, checked before or while it is parsed: XML
//! entity expansion ("billion laughs": a 1 KB RDF/XML file that expands to a 300 MB literal)
//! and the size of any one literal. A document beyond them is refused with a message; nothing is
//! written.

use std::collections::HashMap;

use oxigraph::model::{Quad, Term};

use crate::error::{Error, Result};

/// The longest literal accepted, in bytes (no text of the domain comes near it).
pub const MAX_LITERAL: usize = 16 * 1024 * 1024;
/// The most text all entity references of an XML document may expand to, in bytes.
pub const MAX_ENTITY_EXPANSION: u64 = 16 * 1024 * 1024;

/// Refuses an RDF/XML document whose entities expand beyond [`MAX_ENTITY_EXPANSION`], from its
/// internal DTD (`<!ENTITY name "value">`) and the references in its body, before any expansion
/// happens. `origin` names the document in messages.
pub fn check_xml_entities(origin: &str, text: &[u8]) -> Result<()> {
    let text = String::from_utf8_lossy(text);
    let Some(doctype) = text.find("<!DOCTYPE") else {
        return Ok(());
    };
    let subset_end = text[doctype..]
        .find("]>")
        .map_or(text.len(), |end| doctype + end + 2);
    let subset = &text[doctype..subset_end];
    let mut values: HashMap<&str, &str> = HashMap::new();
    for declaration in subset.split("<!ENTITY").skip(1) {
        let declaration = declaration.trim_start();
        let Some((name, rest)) = declaration.split_once(char::is_whitespace) else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some((value, _)) = rest[1..].split_once(quote) {
            values.insert(name, value);
        }
    }
    let mut sizes: HashMap<&str, u64> = HashMap::new();
    let total = references(&text[subset_end..])
        .map(|name| expanded_size(name, &values, &mut sizes, 0))
        .try_fold(0u64, |total, size| {
            size.map(|size| total.saturating_add(size))
        })
        .map_err(|name| refused(origin, &format!("the entity &{name}; refers to itself")))?;
    if total > MAX_ENTITY_EXPANSION {
        return Err(refused(
            origin,
            &format!(
                "its entity references would expand to {} MB of text (limit {} MB): this is how \
                 \"billion laughs\" documents exhaust memory",
                total / 1_000_000,
                MAX_ENTITY_EXPANSION / 1_000_000
            ),
        ));
    }
    Ok(())
}

/// The names in `&name;` references of a text (character references `&#…;` left out).
fn references(text: &str) -> impl Iterator<Item = &str> {
    text.split('&').skip(1).filter_map(|after| {
        let name = &after[..after.find(';')?];
        (!name.is_empty() && !name.starts_with('#') && !name.contains(char::is_whitespace))
            .then_some(name)
    })
}

/// The length of an entity's expansion, memoised; `Err(name)` on a cycle.
fn expanded_size<'a>(
    name: &'a str,
    values: &HashMap<&'a str, &'a str>,
    sizes: &mut HashMap<&'a str, u64>,
    depth: usize,
) -> std::result::Result<u64, &'a str> {
    if let Some(size) = sizes.get(name) {
        return Ok(*size);
    }
    let Some(value) = values.get(name) else {
        // A predefined entity (&amp; …) or an unknown one, which the parser will refuse.
        return Ok(1);
    };
    if depth > 64 {
        return Err(name);
    }
    let mut size = value.len() as u64;
    for reference in references(value) {
        size = size
            .saturating_sub(reference.len() as u64 + 2)
            .saturating_add(expanded_size(reference, values, sizes, depth + 1)?);
    }
    sizes.insert(name, size);
    Ok(size)
}

/// Refuses a parsed quad whose literal is longer than [`MAX_LITERAL`].
pub fn check_literal(origin: &str, quad: &Quad) -> Result<()> {
    if let Term::Literal(literal) = &quad.object {
        if literal.value().len() > MAX_LITERAL {
            return Err(refused(
                origin,
                &format!(
                    "the object of {} {} is a literal of {} MB (limit {} MB)",
                    quad.subject,
                    quad.predicate,
                    literal.value().len() / 1_000_000,
                    MAX_LITERAL / 1_000_000
                ),
            ));
        }
    }
    Ok(())
}

fn refused(origin: &str, why: &str) -> Error {
    Error::RdfInvalid {
        file: origin.to_owned(),
        message: format!("refused: {why}; nothing was loaded"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laughs(levels: usize) -> String {
        let mut dtd = String::from("<!ENTITY l0 \"lol\">\n");
        for level in 1..=levels {
            let refs = format!("&l{};", level - 1).repeat(10);
            dtd.push_str(&format!("<!ENTITY l{level} \"{refs}\">\n"));
        }
        format!(
            "<?xml version=\"1.0\"?><!DOCTYPE rdf:RDF [\n{dtd}]>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"http://example.org/s\"><p xmlns=\"http://example.org/\">&l{levels};</p></rdf:Description></rdf:RDF>"
        )
    }

    #[test]
    fn a_billion_laughs_is_refused_before_it_expands() {
        assert!(check_xml_entities("a.rdf", laughs(9).as_bytes()).is_err());
        assert!(check_xml_entities("a.rdf", laughs(6).as_bytes()).is_ok());
    }

    #[test]
    fn a_literal_over_the_limit_is_refused() {
        let node = oxigraph::model::NamedNode::new_unchecked("http://example.org/s");
        let quad = |length: usize| {
            Quad::new(
                node.clone(),
                node.clone(),
                oxigraph::model::Literal::new_simple_literal("x".repeat(length)),
                oxigraph::model::GraphName::DefaultGraph,
            )
        };
        assert!(check_literal("a.ttl", &quad(1000)).is_ok());
        let error = check_literal("a.ttl", &quad(MAX_LITERAL + 1)).unwrap_err();
        assert!(error.to_string().contains("limit 16 MB"), "{error}");
    }

    #[test]
    fn ordinary_entities_pass_and_cycles_are_refused() {
        let prefixes = "<?xml version=\"1.0\"?><!DOCTYPE rdf:RDF [<!ENTITY xsd \"http://www.w3.org/2001/XMLSchema#\">]><rdf:RDF><x a=\"&xsd;int\">&amp;</x></rdf:RDF>";
        assert!(check_xml_entities("a.rdf", prefixes.as_bytes()).is_ok());
        let cycle = "<!DOCTYPE r [<!ENTITY a \"&b;\"><!ENTITY b \"&a;\">]><r>&a;</r>";
        assert!(check_xml_entities("a.rdf", cycle.as_bytes()).is_err());
    }
}

#[cfg(test)]
mod fuzz {
    //! Hostile input never panics the loaders (issue 14): arbitrary bytes, and documents built from
    //! the fragments an attacker would combine, in every syntax the loaders take.
    use super::*;
    use crate::format::RdfSyntax;
    use proptest::prelude::*;

    const FRAGMENTS: [&str; 16] = [
        "<!DOCTYPE r [",
        "]>",
        "<!ENTITY a \"",
        "&a;",
        "&b;",
        "\">",
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">",
        "<rdf:Description rdf:about=\"http://e/s\">",
        "</rdf:Description>",
        "</rdf:RDF>",
        "<http://e/s> <http://e/p> ",
        "\"lit\"@ar",
        " .\n",
        "@prefix e: <http://e/> .",
        "[ e:p ( 1 2 ) ]",
        "\"\"\"",
    ];

    fn graph() -> oxigraph::model::NamedNode {
        oxigraph::model::NamedNode::new_unchecked("http://example.org/g")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn arbitrary_bytes_never_panic_a_loader(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            for syntax in [RdfSyntax::Turtle, RdfSyntax::Ntriples, RdfSyntax::Trig, RdfSyntax::Nquads, RdfSyntax::Rdfxml, RdfSyntax::Jsonld] {
                let _ = crate::load::Document::parse("fuzz", &bytes, syntax, graph());
            }
            let _ = check_xml_entities("fuzz", &bytes);
        }

        #[test]
        fn attacker_fragments_never_panic_a_loader(pieces in proptest::collection::vec(0..FRAGMENTS.len(), 0..40)) {
            let text: String = pieces.iter().map(|i| FRAGMENTS[*i]).collect();
            for syntax in [RdfSyntax::Turtle, RdfSyntax::Rdfxml] {
                let _ = crate::load::Document::parse("fuzz", text.as_bytes(), syntax, graph());
            }
            let _ = check_xml_entities("fuzz", text.as_bytes());
        }
    }
}
