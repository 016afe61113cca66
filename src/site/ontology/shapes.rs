//! The SHACL shapes in words: for each node shape, what it applies to, and each constraint as a
//! phrase in the reader's language, with its severity and the shape's own message.

use std::fmt::Write as _;

use oxigraph::model::{NamedNode, NamedOrBlankNode, NamedOrBlankNodeRef, Term, TermRef};

use super::{iri, Reference, RDF, RDFS, SH};
use crate::html::escape;
use crate::i18n::Key;
use crate::pages;

/// How deep nested shapes (`sh:or` of shapes with properties…) are followed.
const DEPTH: usize = 4;

impl Reference<'_> {
    /// Objects of `subject`'s `predicate` in the shapes graph.
    fn shape_objects(&self, subject: NamedOrBlankNodeRef<'_>, local: &str) -> Vec<Term> {
        let predicate = iri(SH, local);
        let mut objects: Vec<Term> = self
            .shapes
            .objects_for_subject_predicate(subject, predicate.as_ref())
            .map(TermRef::into_owned)
            .collect();
        objects.sort_by_key(Term::to_string);
        objects
    }

    /// An RDF list's members, in the shapes graph.
    fn shape_list(&self, head: &Term) -> Vec<Term> {
        super::list_members(head.clone(), |node, predicate| match node {
            Term::BlankNode(node) => self
                .shapes
                .objects_for_subject_predicate(node, iri(RDF, predicate).as_ref())
                .map(TermRef::into_owned)
                .collect(),
            _ => Vec::new(),
        })
    }

    /// A value of a constraint: a literal as it is, an IRI by its label.
    fn value(&self, term: &Term) -> String {
        match term {
            Term::Literal(literal) => {
                format!("<code dir=\"ltr\">{}</code>", escape(literal.value()))
            }
            other => self.term(other.as_ref()),
        }
    }

    /// A key's text with `{name}` replaced by `value` (already HTML).
    fn phrase(&self, key: Key, name: &str, value: &str) -> String {
        escape(self.language.text(key)).replace(&format!("{{{name}}}"), value)
    }

    /// The path a property shape constrains: a property by its label, `^p` for an inverse path,
    /// `p / q` for a sequence.
    fn path(&self, path: &Term) -> String {
        match path {
            Term::BlankNode(node) => {
                if let Some(inverse) = self.shape_objects(node.into(), "inversePath").first() {
                    return format!("^{}", self.path(inverse));
                }
                let steps = self.shape_list(path);
                if steps.is_empty() {
                    escape(&path.to_string())
                } else {
                    steps
                        .iter()
                        .map(|step| self.path(step))
                        .collect::<Vec<_>>()
                        .join(" / ")
                }
            }
            other => self.term(other.as_ref()),
        }
    }

    /// The constraints a shape states, as phrases.
    fn constraints(&self, shape: NamedOrBlankNodeRef<'_>, depth: usize) -> Vec<String> {
        let mut phrases = Vec::new();
        let objects = |local: &str| self.shape_objects(shape, local);
        let on_values = !objects("path").is_empty();
        let number = |term: &Term| match term {
            Term::Literal(literal) => escape(literal.value()),
            other => escape(&other.to_string()),
        };
        let min = objects("minCount");
        let max = objects("maxCount");
        match (min.first(), max.first()) {
            (Some(a), Some(b)) if a == b => {
                phrases.push(self.phrase(Key::ExactlyCount, "n", &number(a)));
            }
            (a, b) => {
                if let Some(a) = a {
                    phrases.push(self.phrase(Key::AtLeastCount, "n", &number(a)));
                }
                if let Some(b) = b {
                    phrases.push(self.phrase(Key::AtMostCount, "n", &number(b)));
                }
            }
        }
        for class in objects("class") {
            phrases.push(self.phrase(Key::ValuesOfClass, "class", &self.value(&class)));
        }
        for datatype in objects("datatype") {
            phrases.push(self.phrase(Key::ValuesOfDatatype, "datatype", &self.value(&datatype)));
        }
        for kind in objects("nodeKind") {
            if kind == Term::from(iri(SH, "IRI")) {
                phrases.push(escape(self.language.text(Key::ValuesAreIris)));
            } else {
                phrases.push(self.value(&kind));
            }
        }
        for value in objects("hasValue") {
            phrases.push(self.phrase(Key::IncludesValue, "value", &self.value(&value)));
        }
        for list in objects("in") {
            let values: Vec<String> = self
                .shape_list(&list)
                .iter()
                .map(|v| self.value(v))
                .collect();
            phrases.push(self.phrase(Key::OneOfValues, "values", &values.join(", ")));
        }
        for list in objects("languageIn") {
            let tags: Vec<String> = self
                .shape_list(&list)
                .iter()
                .map(|v| self.value(v))
                .collect();
            phrases.push(self.phrase(Key::LanguagesIn, "languages", &tags.join(", ")));
        }
        if objects("uniqueLang")
            .iter()
            .any(|t| matches!(t, Term::Literal(l) if l.value() == "true"))
        {
            phrases.push(escape(self.language.text(Key::OneValuePerLanguage)));
        }
        for pattern in objects("pattern") {
            phrases.push(self.phrase(Key::MatchesPattern, "pattern", &self.value(&pattern)));
        }
        for bound in objects("minInclusive") {
            phrases.push(self.phrase(Key::AtLeastValue, "value", &self.value(&bound)));
        }
        if depth < DEPTH {
            for qualified in objects("qualifiedValueShape") {
                let n = objects("qualifiedMinCount")
                    .first()
                    .map_or_else(|| "1".to_owned(), number);
                let inner = self.nested(&qualified, depth);
                phrases.push(
                    self.phrase(Key::QualifiedValues, "n", &n)
                        .replace("{shape}", &inner),
                );
            }
            for list in objects("or") {
                let alternatives: Vec<String> = self
                    .shape_list(&list)
                    .iter()
                    .map(|alternative| self.nested(alternative, depth))
                    .collect();
                let or = format!(" <em>{}</em> ", escape(self.language.text(Key::Or)));
                // On a property shape, SHACL applies sh:or and sh:not to each value in turn.
                let key = if on_values {
                    Key::EachEither
                } else {
                    Key::EitherOf
                };
                phrases.push(self.phrase(key, "alternatives", &alternatives.join(&or)));
            }
            for negated in objects("not") {
                let key = if on_values {
                    Key::NoValue
                } else {
                    Key::NotShape
                };
                phrases.push(self.phrase(key, "shape", &self.nested(&negated, depth)));
            }
            for node in objects("node") {
                phrases.push(self.phrase(Key::ConformsTo, "shape", &self.shape_name(&node)));
            }
        }
        phrases
    }

    /// A shape inside another (an alternative of `sh:or`…): its path and constraints, and
    /// those of its property shapes, in one phrase.
    fn nested(&self, shape: &Term, depth: usize) -> String {
        let node: NamedOrBlankNode = match shape {
            Term::NamedNode(node) => node.clone().into(),
            Term::BlankNode(node) => node.clone().into(),
            other => return escape(&other.to_string()),
        };
        let mut parts = Vec::new();
        let own = self.constraints(node.as_ref(), depth + 1);
        match self.shape_objects(node.as_ref(), "path").first() {
            Some(path) => parts.push(format!(
                "{}{} {}",
                self.path(path),
                self.language.colon(),
                own.join(self.language.semicolon())
            )),
            None if !own.is_empty() => parts.push(own.join(self.language.semicolon())),
            None => {}
        }
        for property in self.shape_objects(node.as_ref(), "property") {
            parts.push(self.nested(&property, depth + 1));
        }
        format!("({})", parts.join(self.language.semicolon()))
    }

    /// A named shape by its label (the shapes are labelled in English), linked to its entry.
    fn shape_name(&self, shape: &Term) -> String {
        let Term::NamedNode(node) = shape else {
            return escape(&shape.to_string());
        };
        let label = pages::best_literal(
            self.shapes
                .objects_for_subject_predicate(node, iri(RDFS, "label").as_ref())
                .map(TermRef::into_owned),
            self.language,
        );
        let shown = label.map_or_else(
            || escape(&crate::vocab::compact_iri(node.as_str())),
            |(value, tag)| pages::in_language(&value, &tag, self.language),
        );
        format!("<a href=\"#{}\">{shown}</a>", anchor(node))
    }

    /// What a node shape applies to, in words.
    fn targets(&self, shape: NamedOrBlankNodeRef<'_>) -> Vec<String> {
        let mut targets = Vec::new();
        for class in self.shape_objects(shape, "targetClass") {
            targets.push(self.phrase(Key::EveryInstanceOf, "class", &self.value(&class)));
        }
        for property in self.shape_objects(shape, "targetSubjectsOf") {
            targets.push(self.phrase(Key::EverySubjectOf, "property", &self.value(&property)));
        }
        for property in self.shape_objects(shape, "targetObjectsOf") {
            targets.push(self.phrase(Key::EveryObjectOf, "property", &self.value(&property)));
        }
        for node in self.shape_objects(shape, "targetNode") {
            targets.push(self.value(&node));
        }
        targets
    }

    /// The severity of a shape's results, in words (a violation unless it says otherwise).
    fn severity(&self, shape: NamedOrBlankNodeRef<'_>) -> String {
        let severity = self.shape_objects(shape, "severity");
        let key = match severity.first() {
            Some(Term::NamedNode(node)) if node.as_str() == format!("{SH}Warning") => {
                Key::SeverityWarning
            }
            Some(Term::NamedNode(node)) if node.as_str() == format!("{SH}Info") => {
                Key::SeverityInfo
            }
            _ => Key::SeverityViolation,
        };
        format!(
            "<span class=\"severity\">{}</span>",
            escape(self.language.text(key))
        )
    }

    fn message(&self, shape: NamedOrBlankNodeRef<'_>) -> String {
        pages::best_literal(self.shape_objects(shape, "message"), self.language)
            .map(|(value, tag)| {
                format!(
                    "<br><small>{}</small>",
                    pages::in_language(&value, &tag, self.language)
                )
            })
            .unwrap_or_default()
    }

    /// Every named node shape, with what it applies to, its constraints and its property shapes', in
    /// the shapes file's terms.
    pub(super) fn shape_entries(&self) -> String {
        let mut shapes: Vec<NamedNode> = self
            .shapes
            .subjects_for_predicate_object(iri(RDF, "type").as_ref(), iri(SH, "NodeShape").as_ref())
            .filter_map(|subject| match subject {
                NamedOrBlankNodeRef::NamedNode(node) => Some(node.into_owned()),
                _ => None,
            })
            .collect();
        shapes.sort();
        let mut out = String::new();
        for shape in &shapes {
            let node: NamedOrBlankNodeRef<'_> = shape.as_ref().into();
            let targets = self.targets(node);
            // A shape without targets is used by others (sh:node): they link to it.
            let applies = if targets.is_empty() {
                String::new()
            } else {
                format!(
                    "<p>{}{} {}</p>",
                    escape(self.language.text(Key::AppliesTo)),
                    self.language.colon(),
                    targets.join(" · ")
                )
            };
            let _ = write!(
                out,
                "<section class=\"shape\" id=\"{}\"><h3>{}</h3>{applies}<ul>",
                anchor(shape),
                self.shape_name(&Term::from(shape.clone())),
            );
            let own = self.constraints(node, 0);
            if !own.is_empty() {
                let _ = write!(
                    out,
                    "<li>{} — {}{}</li>",
                    own.join(self.language.semicolon()),
                    self.severity(node),
                    self.message(node)
                );
            }
            // Property shapes are often blank nodes, whose order changes from load to load:
            // they are listed in the order of what they say.
            let mut items: Vec<String> = Vec::new();
            for property in self.shape_objects(node, "property") {
                let property_node: NamedOrBlankNode = match &property {
                    Term::NamedNode(n) => n.clone().into(),
                    Term::BlankNode(n) => n.clone().into(),
                    _ => continue,
                };
                let property_ref = property_node.as_ref();
                let path = self
                    .shape_objects(property_ref, "path")
                    .first()
                    .map(|path| self.path(path))
                    .unwrap_or_default();
                items.push(format!(
                    "<li><strong>{path}</strong>{} {} — {}{}</li>",
                    self.language.colon(),
                    self.constraints(property_ref, 0)
                        .join(self.language.semicolon()),
                    self.severity(property_ref),
                    self.message(property_ref)
                ));
            }
            items.sort();
            out.push_str(&items.concat());
            out.push_str("</ul></section>");
        }
        out
    }
}

/// A shape's anchor on the page: `shape-` and its local name.
fn anchor(shape: &NamedNode) -> String {
    let local = shape.as_str().rsplit(['#', '/']).next().unwrap_or_default();
    escape(&format!("shape-{local}"))
}
