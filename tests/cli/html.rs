//! The HTML report: self-contained, every section and chart present, in three languages, and
//! rendered by a real browser (headless Chromium) without errors.

use std::path::Path;
use std::process::Command;

use crate::common::{bare, repository};

fn report(language: &str, path: &Path) -> String {
    let output = bare()
        .args([
            "--memory", "report", "--format", "html", "--lang", language, "-o",
        ])
        .arg(path)
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read_to_string(path).expect("report written")
}

#[test]
fn the_html_report_is_self_contained_with_every_section_and_chart() {
    let directory = tempfile::tempdir().expect("tempdir");
    let html = report("en", &directory.path().join("report.html"));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        !html.contains("http://cdn")
            && !html.contains("<script src")
            && !html.contains("<link rel=\"stylesheet\"")
    );
    assert!(!html.contains("@import") && !html.contains("fonts.googleapis"));
    let questions = std::fs::read_dir(repository().join("queries"))
        .expect("queries")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "rq"))
        })
        .count();
    assert_eq!(html.matches("class=\"question\"").count(), questions);
    // Regions, countries, axes, timeline, matrix, map.
    assert!(
        html.matches("<svg").count() >= 6,
        "{}",
        html.matches("<svg").count()
    );
    for section in [
        "id=\"indicators\"",
        "id=\"map\"",
        "id=\"disagreements\"",
        "<details>",
    ] {
        assert!(html.contains(section), "{section}");
    }
    // Figures from the graph: the paper's Western Europe 10, and an indicator with its formula.
    assert!(html.contains("Western Europe"));
    assert!(html.contains("HHI = Σ sᵢ²"));
}

#[test]
fn the_arabic_and_french_reports_are_translated() {
    let directory = tempfile::tempdir().expect("tempdir");
    let arabic = report("ar", &directory.path().join("ar.html"));
    assert!(arabic.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(arabic.contains("الداخلة"), "labels in Arabic");
    assert!(arabic.contains("أوروبا الغربية"), "chart labels in Arabic");
    let french = report("fr", &directory.path().join("fr.html"));
    assert!(french.contains("<html lang=\"fr\" dir=\"ltr\">"));
    assert!(french.contains("Europe de l"), "region labels in French");
    // The disagreements' kinds and the figures they affect by their labels, not their slugs.
    assert!(french.contains("Écart de décompte"), "kinds in French");
    assert!(
        french.contains("Accords de Dakhla (9 selon l"),
        "figures in French"
    );
    // The theme matrix names its columns by the axes' labels, the footer its licences, and
    // French puts a no-break space before a colon.
    let matrix = french
        .split("<svg")
        .find(|svg| svg.contains("Dakhla") && svg.contains("Liens économiques"));
    assert!(
        matrix.is_some_and(|svg| !svg.contains(">economic<")),
        "axis labels in the chart"
    );
    assert!(french.contains("(domaine public)") && !french.contains("public domain"));
    assert!(french.contains("Source\u{a0}: Ismaili"), "French colon");
    // What the data marks unknown, by the properties' French labels; date conflicts and
    // references in a form without English words.
    assert!(
        french.contains("nombre de membres (Conseil communal de Boujdour)"),
        "unknowns in French"
    );
    assert!(french.contains("Sorrente (2009 / 2017)") && !french.contains(": table 2009"));
    assert!(!french.contains("ref 16"), "references as [16]");
    // Issue 16: the words the queries write themselves were left in English.
    let cells = |html: &str| -> Vec<String> {
        html.split("<td")
            .skip(1)
            .filter_map(|cell| Some(cell.split_once('>')?.1.split_once("</td>")?.0))
            .map(|cell| cell.replace("<bdi>", "").replace("</bdi>", ""))
            .collect()
    };
    // "Total" is French too.
    let english = [
        "Total",
        "true",
        "false",
        "unknown",
        "no committee",
        "percent",
        "staff",
    ];
    for (html, words) in [(&arabic, &english[..]), (&french, &english[1..])] {
        let cells = cells(html);
        assert!(cells.len() > 100);
        for word in words {
            assert!(
                !cells.iter().any(|cell| cell == word),
                "a cell reads {word:?}"
            );
        }
    }
    assert!(
        cells(&arabic).iter().any(|cell| cell == "المجموع"),
        "the Total row in Arabic"
    );
    assert!(cells(&french).iter().any(|cell| cell == "inconnu"));
    // A rounded zero is no negative number; the EU benchmark is said in words.
    assert!(!arabic.contains("-0.000") && !french.contains("-0.000"));
    assert!(
        french.contains("des villes de l&#39;UE ont un bureau"),
        "the EU benchmark explained"
    );
}

#[test]
fn chromium_renders_the_reports_without_errors_and_saves_screenshots() {
    let Some(browser) = crate::common::chromium() else {
        return;
    };
    let target = repository().join("target");
    std::fs::create_dir_all(&target).expect("target/");
    let directory = tempfile::tempdir().expect("tempdir");
    for language in ["en", "ar"] {
        let path = directory.path().join(format!("report-{language}.html"));
        report(language, &path);
        let profile = directory.path().join(format!("profile-{language}"));
        let common = [
            crate::common::HEADLESS.as_slice(),
            &["--enable-logging=stderr", "--v=0"],
        ]
        .concat();
        let url = format!("file://{}", path.display());
        let dom = Command::new(&browser)
            .args(&common)
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(["--dump-dom", &url])
            .output()
            .expect("run Chromium");
        assert!(
            dom.status.success(),
            "{}",
            String::from_utf8_lossy(&dom.stderr)
        );
        let rendered = String::from_utf8_lossy(&dom.stdout);
        let log = String::from_utf8_lossy(&dom.stderr);
        assert!(
            rendered.contains("id=\"map\"") && rendered.contains("<svg"),
            "the browser built the page"
        );
        assert!(
            !log.contains("Uncaught") && !log.contains(":CONSOLE("),
            "console errors:\n{log}"
        );
        if language == "ar" {
            assert!(rendered.contains("dir=\"rtl\""));
        }
        let screenshot = target.join(format!("report-{language}.png"));
        let shot = Command::new(&browser)
            .args(&common)
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(["--window-size=1200,2400", "--hide-scrollbars"])
            .arg(format!("--screenshot={}", screenshot.display()))
            .arg(&url)
            .output()
            .expect("run Chromium");
        assert!(
            shot.status.success(),
            "{}",
            String::from_utf8_lossy(&shot.stderr)
        );
        assert!(
            std::fs::metadata(&screenshot).is_ok_and(|m| m.len() > 10_000),
            "screenshot saved"
        );
    }
}

/// Issue 16: where a statement has no text in the reader's language, the table was silently
/// English (or its cells empty). That cell alone is shown in English, marked as such (a note
/// above the table, `lang="en"` and the language code on the cell), never empty; the other
/// cells stay in the reader's language.
#[test]
fn a_statement_in_english_only_is_shown_in_english_and_marked() {
    let sandbox = crate::common::Sandbox::new();
    sandbox.twinning().arg("load").assert().success();
    let extra = sandbox.file(
        "english-only.ttl",
        "@prefix tw: <https://w3id.org/twinning/ontology#> .\n\
         @prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
         <https://w3id.org/twinning/id/disagreement/test-english-only> a tw:Disagreement ;\n\
         \x20 skos:prefLabel \"A disagreement recorded in English only\"@en ;\n\
         \x20 tw:disagreementKind <https://w3id.org/twinning/id/disagreement-kind/count> ;\n\
         \x20 tw:subject <https://w3id.org/twinning/id/city/dakhla> ;\n\
         \x20 tw:paperSays \"The paper says one thing.\"@en ;\n\
         \x20 tw:otherSays \"Another source says another.\"@en .\n",
    );
    sandbox
        .twinning()
        .arg("load")
        .arg(&extra)
        .assert()
        .success();
    let path = sandbox.dir.path().join("ar.html");
    sandbox
        .twinning()
        .args(["report", "--format", "html", "--lang", "ar", "-o"])
        .arg(&path)
        .assert()
        .success();
    let html = std::fs::read_to_string(&path).unwrap();
    let section = html
        .split("<section id=\"disagreements\">")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the disagreements section");
    assert!(section.contains("class=\"note\""), "the table is marked");
    for english in ["The paper says one thing.", "Another source says another."] {
        assert!(
            section.contains(&format!(
                "<bdi lang=\"en\" dir=\"auto\">{english}</bdi> <sup class=\"lang\">en</sup>"
            )),
            "{english} is marked as English"
        );
    }
    // The rest of the table stays in Arabic: another disagreement's words, as the paper prints
    // them, and the kinds.
    let unmarked = section.matches("<td><bdi>").count();
    assert!(unmarked > 50, "{unmarked} cells in Arabic");
    assert!(!section.contains("<div class=\"table\" lang=\"en\""));
}

/// The visible text of a page in its own language: tags, scripts, styles, code (SPARQL, IRIs),
/// identifiers shown left-to-right and text marked as English (`lang="en"`, a statement with no
/// translation) left out.
fn visible_text(html: &str) -> String {
    let mut html = html.to_owned();
    let elements = ["script", "style", "code", "pre", "textarea", "summary"]
        .map(|element| (format!("<{element}"), format!("</{element}>")));
    let marked = [
        ("<bdi lang=\"en\"", "</bdi>"),
        ("<bdi dir=\"ltr\"", "</bdi>"),
    ];
    let all = elements
        .iter()
        .map(|(open, close)| (open.as_str(), close.as_str()))
        .chain(marked);
    for (open, close) in all {
        while let Some(start) = html.find(open) {
            let Some(end) = html[start..].find(close) else {
                break;
            };
            html.replace_range(start..start + end + close.len(), " ");
        }
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Issue 16: no word of the English catalogue is left in the Arabic and French pages (the
/// report, the query page, entity pages), where the language has its own word for it.
#[test]
fn no_english_ui_word_is_left_in_the_arabic_and_french_pages() {
    use twinning::i18n::{Language, ALL_KEYS};
    let directory = tempfile::tempdir().expect("temporary directory");
    let server = crate::serve::start(&[]);
    let mut left = Vec::new();
    for language in [Language::Ar, Language::Fr] {
        let code = language.code();
        let mut pages = vec![(
            "report".to_owned(),
            report(code, &directory.path().join(format!("{code}.html"))),
        )];
        for path in [
            "/",
            "/id/city/dakhla",
            "/id/status/signed",
            "/id/agreement/dakhla-vibo-valentia-2023",
        ] {
            let (status, _, body) = crate::serve::curl(&[
                &format!("{}{path}", server.base),
                "-H",
                "Accept: text/html",
                "-H",
                &format!("Accept-Language: {code}"),
            ]);
            assert_eq!(status, 200, "{path}");
            if path.starts_with("/id/agreement/") {
                // Its date's datatype (xsd:gYearMonth) is named in the reader's language.
                let datatype = if code == "ar" {
                    "سنة وشهر"
                } else {
                    "année et mois"
                };
                assert!(
                    body.contains(&format!(
                        "title=\"xsd:gYearMonth\"><bdi lang=\"{code}\">{datatype}</bdi></small>"
                    )),
                    "{code} {path}: the datatype in {code}"
                );
            }
            pages.push((path.to_owned(), body));
        }
        for (page, html) in &pages {
            let text = visible_text(html);
            for key in ALL_KEYS {
                let english = Language::En.text(key);
                // Words both languages share ("Source", "Total"), and templates with
                // placeholders, are not English left over.
                if english == language.text(key) || english.contains('{') || english.len() < 4 {
                    continue;
                }
                if text.contains(english) {
                    left.push(format!("{code} {page}: {english:?} ({key:?})"));
                }
            }
        }
    }
    assert!(left.is_empty(), "English left:\n{}", left.join("\n"));
}

/// Issue 16: a report on a researcher's own cities (the shipped synthetic example) is framed by
/// that dataset's own description, not by the paper: its title and description, no quotation of
/// the paper, no citation of it, no empty "paper" columns, no empty disagreements section; the
/// bundled data's report keeps all of them.
#[test]
fn a_report_on_other_cities_is_framed_by_their_dataset_not_by_the_paper() {
    let sandbox = crate::common::Sandbox::new();
    sandbox
        .twinning()
        .args(["load", "--vocabulary"])
        .arg(crate::common::repository().join("examples/own-cities/agreements.ttl"))
        .assert()
        .success();
    for (code, title) in [
        (
            "en",
            "Example Land: twinning agreements of three fictional cities",
        ),
        (
            "fr",
            "Example Land : accords de jumelage de trois villes fictives",
        ),
        // No Arabic title: the English one, as the dataset gives no other.
        (
            "ar",
            "Example Land: twinning agreements of three fictional cities",
        ),
    ] {
        let path = sandbox.dir.path().join(format!("{code}.html"));
        sandbox
            .twinning()
            .args(["report", "--format", "html", "--lang", code, "-o"])
            .arg(&path)
            .assert()
            .success();
        let html = std::fs::read_to_string(&path).expect("report written");
        assert!(html.contains(&format!("<title>{title}")), "{code}: title");
        assert!(html.contains("No fact in it is about a real place") || code != "en");
        // The questions are asked of these cities, not of the paper's (`#+ generic…`). The
        // queries shown as run (`<pre>`) keep their whole header, the paper's question included.
        let shown: String = html
            .split("<pre>")
            .enumerate()
            .map(|(index, part)| {
                if index == 0 {
                    part
                } else {
                    part.split_once("</pre>").map_or("", |(_, rest)| rest)
                }
            })
            .collect();
        for paper in [
            "Ismaili",
            "class=\"paper\"",
            "id=\"disagreements\"",
            "Morocco",
            "Maroc",
            "southern",
            "provinces du Sud",
            "الأقاليم الجنوبية",
            "the paper's text",
        ] {
            assert!(
                !shown.contains(paper),
                "{code}: {paper} in a report on other cities"
            );
        }
        // No column that no row fills (001's paper figure and disagreements).
        let first = html
            .split("<section id=\"q1\"")
            .nth(1)
            .and_then(|rest| rest.split("</thead>").next())
            .expect("question 1's table");
        assert_eq!(first.matches("<th>").count(), 3, "{code}: {first}");
    }
    let text = sandbox.succeed(&["report"]).stdout;
    let text = String::from_utf8(text).expect("UTF-8");
    assert!(text.starts_with("Example Land: twinning agreements"));
    assert!(!text.contains("The paper:") && !text.contains("Morocco"));
    assert!(
        !text.contains("southern"),
        "a question in the paper's words"
    );
    let bundled = report("en", &sandbox.dir.path().join("bundled.html"));
    for paper in [
        "Ismaili",
        "class=\"paper\"",
        "id=\"disagreements\"",
        "Morocco",
    ] {
        assert!(bundled.contains(paper), "the paper's report keeps {paper}");
    }
}

/// Issue 16: the indicators' formulas are in the reader's language too (they are code, which the
/// catalogue scan leaves out): axis names, partner countries and regions, the governance score.
#[test]
fn the_indicator_formulas_are_in_the_readers_language() {
    let directory = tempfile::tempdir().expect("tempdir");
    for (code, expected) in [
        (
            "fr",
            [
                "n(Liens économiques) / n",
                "|{pays partenaires}|",
                "commission de coopération",
            ],
        ),
        ("ar", ["/ n", "|{الدول الشريكة}|", "وجود لجنة للتعاون"]),
    ] {
        let html = report(code, &directory.path().join(format!("{code}.html")));
        let section = html
            .split("<section id=\"indicators\">")
            .nth(1)
            .and_then(|rest| rest.split("</section>").next())
            .expect("the indicators section");
        for text in expected {
            assert!(section.contains(text), "{code}: {text}");
        }
        for english in [
            "theme",
            "committee",
            "countries",
            "regions",
            "economic",
            "staff",
        ] {
            assert!(
                !section.contains(english),
                "{code}: '{english}' in the indicators"
            );
        }
        assert!(!section.contains("-0.000"), "{code}: a negative zero");
    }
}

/// Issue 16: in a real browser, in every language, no two labels of the map overlap (their
/// rendered boxes, measured by Chromium) and no cell of the disagreements table is empty.
#[test]
fn in_chromium_no_map_labels_overlap_and_no_disagreement_cell_is_empty() {
    let Some(browser) = crate::common::chromium() else {
        return;
    };
    let directory = tempfile::tempdir().expect("tempdir");
    // Writes what it measures into the page, which --dump-dom prints.
    let probe = r#"<script>
      const boxes = [...document.querySelectorAll('#map svg text')]
        .filter(t => t.textContent.trim() && t.getBBox().width > 0)
        .map(t => [t.textContent.trim(), t.getBBox()]);
      const overlaps = [];
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const [a, p] = boxes[i], [b, q] = boxes[j];
        if (p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height)
          overlaps.push(a + ' / ' + b);
      }
      const empty = [...document.querySelectorAll('#disagreements td')].filter(td => !td.textContent.trim()).length;
      const cells = document.querySelectorAll('#disagreements td').length;
      document.body.setAttribute('data-probe', JSON.stringify({labels: boxes.length, overlaps, empty, cells}));
    </script></body>"#;
    for language in ["en", "ar", "fr"] {
        let path = directory.path().join(format!("report-{language}.html"));
        let html = report(language, &path).replace("</body>", probe);
        std::fs::write(&path, html).expect("write the probed report");
        let output = Command::new(&browser)
            .args(crate::common::HEADLESS.iter())
            .arg(format!(
                "--user-data-dir={}",
                directory
                    .path()
                    .join(format!("profile-{language}"))
                    .display()
            ))
            .args(["--window-size=1200,2400", "--dump-dom"])
            .arg(format!("file://{}", path.display()))
            .output()
            .expect("run Chromium");
        let dom = String::from_utf8_lossy(&output.stdout);
        let probe = dom
            .split("data-probe=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the probe ran")
            .replace("&quot;", "\"");
        let probe: serde_json::Value = serde_json::from_str(&probe).expect("JSON");
        assert!(probe["labels"].as_u64() >= Some(20), "{language}: {probe}");
        assert_eq!(
            probe["overlaps"],
            serde_json::json!([]),
            "{language}: {probe}"
        );
        assert!(probe["cells"].as_u64() >= Some(100), "{language}: {probe}");
        assert_eq!(probe["empty"], 0, "{language}: {probe}");
    }
}

/// Issue 16: the sources table showed percent-encoded addresses and no links. Each address is a
/// link, shown decoded (an Arabic path reads in Arabic), and each title links to its source;
/// only http(s) addresses become links.
#[test]
fn the_sources_are_links_shown_decoded() {
    let directory = tempfile::tempdir().expect("tempdir");
    let html = report("en", &directory.path().join("report.html"));
    let sources = html
        .split("<section id=\"q12\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the sources section");
    let links = sources.matches("<a href=\"http").count();
    assert!(
        links >= 36,
        "{links} links (a title and an address per row)"
    );
    assert!(
        sources.contains("communedakhla.ma/ar/تفاقية-توأمة"),
        "decoded Arabic path"
    );
    assert!(
        sources.contains("href=\"https://www.communedakhla.ma/ar/%D8%AA"),
        "link as printed"
    );
    assert!(!sources.contains("href=\"javascript"));
}
