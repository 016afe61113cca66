//! Curation: SHACL validation, CSV import and export. Nothing a curator does wrong may change the
//! store.

use std::collections::BTreeSet;

use oxigraph::io::RdfFormat;
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use predicates::prelude::*;

use crate::common::{bare, read_tsv, repository, Sandbox};

/// The results of a `validate --format turtle` report: (focus, path, severity, source shape),
/// with prefixed names as in tests/fixtures/shacl/expected.tsv.
fn report_results(turtle: &[u8]) -> BTreeSet<[String; 4]> {
    let store = Store::new().expect("store");
    store
        .load_from_slice(RdfFormat::Turtle, turtle)
        .expect("the report is Turtle");
    let query = SparqlEvaluator::new()
        .parse_query(
            "PREFIX sh: <http://www.w3.org/ns/shacl#>
             SELECT ?focus ?path ?severity ?shape WHERE {
               ?report a sh:ValidationReport ; sh:result ?result .
               ?result sh:focusNode ?focus ; sh:resultSeverity ?severity ; sh:sourceShape ?shape .
               OPTIONAL { ?result sh:resultPath ?path FILTER (isIRI(?path)) }
             }",
        )
        .expect("query");
    let QueryResults::Solutions(solutions) = query.on_store(&store).execute().expect("run") else {
        panic!("SELECT");
    };
    let name = |term: Option<&oxigraph::model::Term>| match term {
        Some(oxigraph::model::Term::NamedNode(node)) => twinning::vocab::compact_iri(node.as_str()),
        Some(other) => other.to_string(),
        None => "-".to_owned(),
    };
    solutions
        .map(|solution| {
            let solution = solution.expect("solution");
            let severity = name(solution.get("severity"));
            [
                name(solution.get("focus")),
                name(solution.get("path")),
                severity.trim_start_matches("sh:").to_owned(),
                name(solution.get("shape")),
            ]
        })
        .collect()
}

fn validate_turtle(files: &[std::path::PathBuf]) -> (i32, BTreeSet<[String; 4]>) {
    let output = bare()
        .arg("validate")
        .args(files)
        .args(["--format", "turtle"])
        .output()
        .expect("run");
    (
        output.status.code().expect("exit code"),
        report_results(&output.stdout),
    )
}

#[test]
fn the_bundled_data_has_no_violations() {
    bare()
        .arg("validate")
        .assert()
        .success()
        .stdout(predicate::str::contains("0 violation(s)"));
    let (code, results) = validate_turtle(&[]);
    assert_eq!(code, 0);
    assert!(results.iter().all(|r| r[2] != "Violation"), "{results:?}");
}

#[test]
fn each_broken_fixture_gives_exactly_its_expected_results() {
    let (_, baseline) = validate_turtle(&[]);
    let expected = read_tsv("shacl/expected.tsv");
    let files: BTreeSet<&str> = expected.iter().map(|row| row["file"].as_str()).collect();
    assert!(files.len() >= 8);
    for file in files {
        let wanted: BTreeSet<[String; 4]> = expected
            .iter()
            .filter(|row| row["file"] == file)
            .map(|row| {
                [
                    row["focus_node"].clone(),
                    row["path"].clone(),
                    row["severity"].clone(),
                    row["source_shape"].clone(),
                ]
            })
            .collect();
        let path = repository().join("tests/fixtures/shacl").join(file);
        let (code, results) = validate_turtle(&[path]);
        let new: BTreeSet<[String; 4]> = results.difference(&baseline).cloned().collect();
        assert_eq!(new, wanted, "{file}");
        let violation = wanted.iter().any(|r| r[2] == "Violation");
        assert_eq!(code, if violation { 1 } else { 0 }, "{file}: exit code");
    }
}

#[test]
fn the_text_report_names_the_entity_the_path_and_the_problem() {
    let path = repository().join("tests/fixtures/shacl/agreement-one-party.ttl");
    bare()
        .arg("validate")
        .arg(path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("agreement:test-one-party"))
        .stdout(predicate::str::contains("tw:party"))
        .stdout(predicate::str::contains("Violation"));
}

#[test]
fn malformed_input_to_validate_is_an_error_not_a_finding() {
    let sandbox = Sandbox::new();
    let bad = sandbox.file("bad.ttl", "<a> <b> .\n");
    bare()
        .arg("validate")
        .arg(bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.ttl:1:"));
}

const HEADER: &str = "home_city,partner_city,partner_country,kind,status,date,themes,purpose_ar,purpose_en,source_url,source_title,source_date,notes";

#[test]
fn the_template_documents_the_columns_and_imports_cleanly() {
    let sandbox = Sandbox::new();
    let output = bare().args(["import", "--template"]).output().expect("run");
    assert!(output.status.success());
    let template = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(template.starts_with(HEADER), "{template}");
    assert_eq!(template.lines().count(), 2, "a header and one example row");
    let file = sandbox.file("template.csv", &template);
    sandbox
        .twinning()
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("1 row(s)"));
}

#[test]
fn a_new_agreement_is_imported_once_and_matched_by_any_label() {
    let sandbox = Sandbox::new();
    let csv = format!(
        "{HEADER}\n\
         العيون,CROTONE,إيطاليا,Twinning,signed,2025-03-01,السياحة; Culture; tw-test-none,,,https://example.org/test/laayoune-crotone,Test source (fictitious),2025-03-02,fictitious row for a test\n"
    );
    let file = sandbox.file("rows.csv", &csv.replace("; tw-test-none", ""));
    sandbox
        .twinning()
        .arg("import")
        .arg(&file)
        .assert()
        .success();
    let rows = sandbox.select(&[
        "-e",
        "SELECT ?theme WHERE { agreement:laayoune-crotone-2025 tw:homeCity city:laayoune ; \
         tw:partnerCity city:crotone ; tw:theme ?theme }",
    ]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let ask = sandbox
        .twinning()
        .args(["query", "-e", "ASK { city:laayoune wdt:P190 city:crotone }"])
        .output()
        .expect("run");
    assert_eq!(
        String::from_utf8_lossy(&ask.stdout).trim(),
        "true",
        "the derived graph follows imports"
    );
    let before = sandbox.export_turtle();
    sandbox
        .twinning()
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "0 new agreement(s), 1 already in the store",
        ));
    assert_eq!(
        before,
        sandbox.export_turtle(),
        "importing the same rows twice changes nothing"
    );
}

#[test]
fn every_problem_in_a_bad_file_is_reported_and_nothing_is_written() {
    let sandbox = Sandbox::new();
    sandbox.twinning().arg("load").assert().success();
    let before = sandbox.export_turtle();
    let csv = format!(
        "{HEADER}\n\
         Dakhal,Vasto,Italy,twinning,signed,2024-12,culture,,,https://example.org/a,A,2024-12-12,\n\
         Dakhla,Vasto,Italy,twinning,signed,2023-13-40,culture,,,https://example.org/b,B,,\n\
         Dakhla,Vasto,Italy,twinning,signed,2024-12,tourisme balneaire,,,https://example.org/c,C,,\n\
         Dakhla,Vasto,Italy,,signed,2024-12,culture,,,https://example.org/d,D,,\n\
         Dakhla,Vasto,Italy,twinning,signed\n\
         Dakhla,Columbus,France,twinning,signed,2024-10,culture,,,https://example.org/e,E,,\n"
    );
    let file = sandbox.file("bad.csv", &csv);
    sandbox
        .twinning()
        .arg("import")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.csv:2: column home_city: unknown city 'Dakhal'; did you mean Dakhla",
        ))
        .stderr(predicate::str::contains(
            "bad.csv:3: column date: '2023-13-40': month 13 does not exist",
        ))
        .stderr(predicate::str::contains(
            "bad.csv:4: column themes: unknown theme 'tourisme balneaire'; did you mean Tourisme",
        ))
        .stderr(predicate::str::contains(
            "bad.csv:5: column kind: the kind is required",
        ))
        .stderr(predicate::str::contains(
            "bad.csv:6: this row has 5 fields where the header has 13",
        ))
        .stderr(predicate::str::contains(
            "bad.csv:7: column partner_country: Columbus is in United States, not in France",
        ));
    assert_eq!(
        before,
        sandbox.export_turtle(),
        "a failed import leaves the store as it was"
    );
}

/// A header that names a column twice is refused at line 1 (which of the two cells to read
/// would be a guess), with nothing written.
#[test]
fn a_column_named_twice_is_refused() {
    let sandbox = Sandbox::new();
    sandbox.succeed(&["load"]);
    let csv = format!(
        "{HEADER},notes\n\
         Dakhla,Vasto,Italy,twinning,signed,2024-12,culture,,,https://example.org/a,A,2024-12-12,one,two\n"
    );
    let file = sandbox.file("twice.csv", &csv);
    sandbox.refused(
        &["import", file.to_str().expect("path")],
        "twice.csv:1: column notes: the column 'notes' appears twice; keep one",
    );
}

#[test]
fn bom_crlf_quotes_and_newlines_are_read_as_a_spreadsheet_writes_them() {
    let sandbox = Sandbox::new();
    let csv = format!(
        "\u{feff}{HEADER}\r\n\
         Boujdour,Vasto,Italy,cooperation,announced,2026,\"culture; sport\",\"تعزيز \"\"الشراكة\"\"\nفي مجال الرياضة\",\"Sport, \"\"culture\"\"\",https://example.org/test/boujdour-vasto,\"Title, with comma\",,\r\n"
    );
    let file = sandbox.file("excel.csv", &csv);
    sandbox
        .twinning()
        .arg("import")
        .arg(&file)
        .assert()
        .success();
    let rows = sandbox.select(&[
        "-e",
        "SELECT ?purpose WHERE { agreement:boujdour-vasto-2026 tw:statedPurpose ?purpose }",
    ]);
    assert_eq!(rows[0]["purpose"], "تعزيز \"الشراكة\"\nفي مجال الرياضة");
}

#[test]
fn create_mints_new_cities_and_countries_and_writes_turtle() {
    let sandbox = Sandbox::new();
    let csv = format!(
        "{HEADER},partner_city_ar,partner_country_ar,partner_region,partner_latitude,partner_longitude,partner_wikidata\n\
         Smara,Testville,Testland,twinning,signed,2026-01,culture,,,https://example.org/test/smara-testville,Fictitious test source,2026-01-02,,تستفيل,تستلاند,Africa,1.5,2.5,Q999999999\n"
    );
    let file = sandbox.file("new.csv", &csv);
    sandbox
        .twinning()
        .arg("import")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown city 'Testville'"))
        .stderr(predicate::str::contains("unknown country 'Testland'"));
    let turtle = sandbox.dir.path().join("new.ttl");
    sandbox
        .twinning()
        .args(["import", "--create", "-o"])
        .arg(&turtle)
        .arg(&file)
        .assert()
        .success();
    let written = std::fs::read_to_string(&turtle).expect("Turtle written");
    assert!(written.contains("city:testville"), "{written}");
    assert!(
        written.contains("tw:wikidataCandidate wd:Q999999999"),
        "a curator's QID is a candidate: {written}"
    );
    let rows = sandbox.select(&[
        "-e",
        "SELECT ?region WHERE { city:testville tw:country/tw:worldRegion ?region }",
    ]);
    assert_eq!(
        rows[0]["region"],
        "https://w3id.org/twinning/id/region/africa"
    );
}

/// Issue 16: a researcher's own cities need not have Arabic names. A new city without one is
/// imported, and the import says what is incomplete (the shapes' warnings about what it adds),
/// as `validate` would.
#[test]
fn a_new_city_without_an_arabic_name_is_imported_with_a_warning() {
    let sandbox = Sandbox::new();
    sandbox.twinning().arg("load").assert().success();
    let csv = format!(
        "{HEADER}\nSmara,Otherville,Italy,twinning,signed,2026-01,culture,,,https://example.org/test/x,X,2026-01-02,\n"
    );
    let file = sandbox.file("no-arabic.csv", &csv);
    sandbox
        .twinning()
        .args(["import", "--create"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("1 new agreement(s)"))
        .stderr(predicate::str::contains("warning: "))
        .stderr(predicate::str::contains("city:otherville skos:prefLabel"))
        .stderr(predicate::str::contains("no Arabic name"));
    let rows = sandbox.select(&[
        "-e",
        "SELECT ?name WHERE { city:otherville skos:prefLabel ?name }",
    ]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["name"], "Otherville");
}

#[test]
fn csv_export_has_every_agreement_with_arabic_intact() {
    let sandbox = Sandbox::new();
    let output = sandbox
        .twinning()
        .args(["export", "--format", "csv"])
        .output()
        .expect("run");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.records().count(), 18);
    assert!(text.contains("الداخلة"));
    assert!(text.starts_with(HEADER));
}

/// Issue 15: the importer looks sources up by URL in the store's indexes (it no longer reads
/// them all). A row that cites exactly the URL of a source in the store reuses it; a row that
/// cites that URL and another gets a source of its own.
#[test]
fn an_import_reuses_a_stored_source_only_for_exactly_its_urls() {
    let sandbox = Sandbox::new();
    let url = "http://www.corcas.com/Default.aspx?tabid=156&Itemid=80689&ctl=Details&mid=1499";
    let file = sandbox.file(
        "rows.csv",
        &format!(
            "{HEADER}\n\
             Dakhla,Crotone,Italy,Twinning,signed,2024-05-01,Tourism,,,{url},Same source,,test row\n\
             Smara,Crotone,Italy,Twinning,signed,2024-05-01,Tourism,,,{url} https://example.org/more,Two URLs,,test row\n"
        ),
    );
    let output = sandbox.succeed(&["import", file.to_str().expect("UTF-8")]);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("2 new agreement(s)"), "{said}");
    let source = |agreement: &str| {
        let rows = sandbox.select(&[
            "-e",
            &format!("SELECT ?source WHERE {{ agreement:{agreement} dcterms:source ?source }}"),
        ]);
        assert_eq!(rows.len(), 1, "{agreement}: {rows:?}");
        rows[0]["source"].clone()
    };
    assert_eq!(
        source("dakhla-crotone-2024"),
        "https://w3id.org/twinning/id/source/ref-17"
    );
    let own = source("smara-crotone-2024");
    assert_ne!(own, "https://w3id.org/twinning/id/source/ref-17");
    let urls = sandbox.select(&[
        "-e",
        &format!("SELECT ?url WHERE {{ <{own}> bibo:uri ?url }}"),
    ]);
    assert_eq!(urls.len(), 2, "{urls:?}");
}

#[test]
fn csv_round_trip_into_an_empty_store_is_stable() {
    let exported = |sandbox: &Sandbox| {
        let output = sandbox
            .twinning()
            .args(["export", "--format", "csv"])
            .output()
            .expect("run");
        assert!(output.status.success());
        output.stdout
    };
    // A store holding only the vocabulary: every city, country and source comes from the CSV.
    let vocabulary_only = || {
        let sandbox = Sandbox::new();
        let mut load = sandbox.twinning();
        load.arg("load");
        for file in ["twinning", "themes", "regions", "vocabularies"] {
            load.arg(repository().join("ontology").join(format!("{file}.ttl")));
        }
        load.assert().success();
        sandbox
    };
    let first = exported(&Sandbox::new());
    let second_store = vocabulary_only();
    let file = second_store.file(
        "agreements.csv",
        std::str::from_utf8(&first).expect("UTF-8"),
    );
    second_store
        .twinning()
        .args(["import", "--create"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("18 new agreement(s)"));
    let second = exported(&second_store);
    assert_eq!(
        String::from_utf8_lossy(&first),
        String::from_utf8_lossy(&second),
        "export → import → export gives the same CSV"
    );
    let third_store = vocabulary_only();
    let file = third_store.file(
        "agreements.csv",
        std::str::from_utf8(&second).expect("UTF-8"),
    );
    third_store
        .twinning()
        .args(["import", "--create"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(
        second_store.export_turtle(),
        third_store.export_turtle(),
        "and the imported graphs are the same"
    );
}

#[test]
fn an_import_into_a_store_in_use_is_refused_and_changes_nothing() {
    let sandbox = Sandbox::new();
    sandbox.twinning().arg("load").assert().success();
    let before = sandbox.export_turtle();
    let csv = format!(
        "{HEADER}\nSmara,Vasto,Italy,twinning,signed,2026-02,culture,,,https://example.org/test/y,Y,2026-02-03,\n"
    );
    let file = sandbox.file("locked.csv", &csv);
    let lock = std::fs::File::options()
        .write(true)
        .open(sandbox.store().join("twinning.lock"))
        .expect("lock file");
    lock.lock().expect("take the lock");
    sandbox
        .twinning()
        .arg("import")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "in use by another twinning process",
        ));
    lock.unlock().expect("release");
    assert_eq!(before, sandbox.export_turtle());
}

#[test]
fn the_csv_export_opens_cleanly_in_libreoffice() {
    let has_soffice = std::process::Command::new("which")
        .arg("soffice")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_soffice {
        assert!(
            std::env::var_os("TWINNING_REQUIRE_BROWSER").is_none(),
            "LibreOffice is missing (make e2e-tools installs it)"
        );
        eprintln!("skipped: no LibreOffice");
        return;
    }
    let directory = tempfile::tempdir().expect("tempdir");
    let csv_path = directory.path().join("agreements.csv");
    bare()
        .args(["--memory", "export", "--format", "csv", "-o"])
        .arg(&csv_path)
        .assert()
        .success();
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        directory.path().display()
    );
    // CSV (UTF-8, comma, quote) → ODS → CSV: what Calc read is what we wrote.
    let convert = |arguments: &[&str], target: &std::path::Path| {
        let output = std::process::Command::new("soffice")
            .arg(&profile)
            .args(["--headless", "--norestore"])
            .args(arguments)
            .arg("--outdir")
            .arg(target)
            .output()
            .expect("run LibreOffice");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    convert(
        &[
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "ods",
            csv_path.to_str().expect("UTF-8"),
        ],
        directory.path(),
    );
    let back = directory.path().join("back");
    std::fs::create_dir_all(&back).expect("dir");
    let ods = directory.path().join("agreements.ods");
    convert(
        &[
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false",
            ods.to_str().expect("UTF-8"),
        ],
        &back,
    );
    let read = |path: &std::path::Path| -> Vec<Vec<String>> {
        csv::Reader::from_path(path)
            .expect("CSV")
            .records()
            .map(|record| record.expect("record").iter().map(str::to_owned).collect())
            .collect()
    };
    let (ours, calc) = (read(&csv_path), read(&back.join("agreements.csv")));
    assert_eq!(ours.len(), calc.len(), "every row survives");
    for (row, (a, b)) in ours.iter().zip(&calc).enumerate() {
        for (column, (x, y)) in a.iter().zip(b).enumerate() {
            let same_number =
                matches!((x.parse::<f64>(), y.parse::<f64>()), (Ok(p), Ok(q)) if p == q);
            assert!(
                x == y || same_number,
                "row {row}, column {column}: {x:?} became {y:?}"
            );
        }
    }
    assert!(
        calc.iter().flatten().any(|cell| cell.contains("الداخلة")),
        "Arabic intact"
    );
}

/// Regression (issue 13): a bad row on line 3 of a file with Windows line ends (as Excel and
/// LibreOffice save CSV) was reported as line 2. Lines are counted as an editor counts them, the
/// header being line 1, blank lines and multi-line cells included.
#[test]
fn problems_are_reported_on_the_physical_line_whatever_the_line_ends() {
    let sandbox = Sandbox::new();
    sandbox.twinning().arg("load").assert().success();
    let good = "Dakhla,Vasto,Italy,twinning,signed,2024-12,culture,,,https://example.org/a,A,,";
    let bad = "Dakhal,Vasto,Italy,twinning,signed,2024-12,culture,,,https://example.org/b,B,,";
    let multi_line = "Dakhla,Vasto,Italy,twinning,signed,2024-12,culture,,,https://example.org/c,\"C,\nsecond line\",,";
    for (name, text, line) in [
        ("crlf.csv", format!("{HEADER}\r\n{good}\r\n{bad}\r\n"), 3),
        ("lf.csv", format!("{HEADER}\n{good}\n{bad}\n"), 3),
        ("blank.csv", format!("{HEADER}\n\n{good}\n\n{bad}\n"), 5),
        ("blank-crlf.csv", format!("{HEADER}\r\n\r\n{bad}\r\n"), 3),
        ("cell.csv", format!("{HEADER}\n{multi_line}\n{bad}\n"), 4),
    ] {
        let file = sandbox.file(name, &text);
        sandbox
            .twinning()
            .arg("import")
            .arg(&file)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "{name}:{line}: column home_city: unknown city 'Dakhal'"
            )));
    }
}

/// Regression (issue 14): cells starting with `=`, `+`, `-` or `@` were exported raw, and
/// spreadsheets run them as formulas. They get a leading apostrophe (OWASP); numbers stay
/// numbers; importing the export keeps the text as it was.
#[test]
fn formulas_in_cells_are_neutralised_on_export_and_kept_as_text_on_import() {
    let sandbox = Sandbox::new();
    sandbox.twinning().arg("load").assert().success();
    let formula = "=HYPERLINK(\"http://evil.example/\",\"click\")";
    let command = "+cmd|' /C calc'!A0";
    let csv = format!(
        "{HEADER}\nDakhla,Vasto,Italy,cooperation,signed,2019-03,culture,,\"{}\",https://example.org/x,\"{}\",,\n",
        command,
        formula.replace('"', "\"\"")
    );
    let file = sandbox.file("formulas.csv", &csv);
    sandbox
        .twinning()
        .arg("import")
        .arg(&file)
        .assert()
        .success();
    let output = sandbox
        .twinning()
        .args(["export", "--format", "csv"])
        .output()
        .expect("run");
    let exported = String::from_utf8(output.stdout).expect("UTF-8");
    let mut reader = csv::Reader::from_reader(exported.as_bytes());
    let headers = reader.headers().expect("header").clone();
    let column = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let mut seen = false;
    for record in reader.records() {
        let record = record.expect("record");
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '@']),
                "a cell a spreadsheet would run: {cell}"
            );
        }
        if record[column("source_url")].contains("example.org/x") {
            seen = true;
            assert_eq!(&record[column("source_title")], format!("'{formula}"));
            assert_eq!(&record[column("purpose_en")], format!("'{command}"));
        }
        let longitude = &record[column("partner_longitude")];
        assert!(
            !longitude.starts_with('\''),
            "numbers stay numbers: {longitude}"
        );
    }
    assert!(seen, "the imported agreement is exported");
    // Importing the export into a fresh store keeps the text exactly.
    let again = Sandbox::new();
    again.twinning().arg("load").assert().success();
    let file = again.file("again.csv", &exported);
    again.twinning().arg("import").arg(&file).assert().success();
    let rows = again.select(&[
        "-e",
        "SELECT ?title WHERE { ?source dcterms:title ?title FILTER (STRSTARTS(STR(?title), \"=HYPER\")) }",
    ]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["title"], formula);
}

/// Issue 16, "Studying other cities": the shipped synthetic example (examples/own-cities/) loads
/// on its own, passes the shapes (no Arabic names needed), and its rows imported again are
/// recognised as the agreements already there, under the example's own IRIs: nothing doubles.
#[test]
fn the_own_cities_example_loads_validates_and_is_not_imported_twice() {
    let sandbox = Sandbox::new();
    let example = repository().join("examples/own-cities");
    let turtle = example.join("agreements.ttl");
    bare()
        .arg("validate")
        .arg(&turtle)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 violation(s)"));
    // On its own, as `load --vocabulary` loads it: the warnings are about the example's places
    // (no Arabic names yet), none about the paper's.
    bare()
        .args(["validate", "--vocabulary"])
        .arg(&turtle)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 violation(s)"))
        .stdout(predicate::str::contains(
            "https://example.org/city/northhaven",
        ))
        .stdout(predicate::str::contains("city:dakhla").not());
    sandbox
        .twinning()
        .args(["load", "--vocabulary"])
        .arg(&turtle)
        .assert()
        .success();
    let totals = |sandbox: &Sandbox| -> Vec<(String, String)> {
        sandbox
            .select(&["001_agreements_per_city"])
            .into_iter()
            .map(|row| (row["city"].clone(), row["table"].clone()))
            .collect()
    };
    let loaded = totals(&sandbox);
    assert_eq!(
        loaded,
        [
            ("Eastbrook", "3"),
            ("Northhaven", "3"),
            ("Southmere", "2"),
            ("Total", "8")
        ]
        .map(|(city, count)| (city.to_owned(), count.to_owned()))
    );
    sandbox
        .twinning()
        .arg("import")
        .arg(example.join("agreements.csv"))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "0 new agreement(s), 8 already in the store",
        ));
    assert_eq!(totals(&sandbox), loaded);
}

/// Issue 16: a researcher who lists their home cities by IRI, then imports their spreadsheet,
/// gets one city per IRI. Without `--base` the import would mint the cities in this project's
/// namespace beside the undescribed members: it is refused, and says to use `--base`. With
/// `--base`, the minted IRIs are the members', so the rows describe them; every new IRI is in
/// that namespace.
#[test]
fn import_with_base_mints_in_the_users_namespace_and_completes_the_listed_members() {
    let sandbox = Sandbox::new();
    let members = sandbox.file(
        "members.ttl",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
         @prefix coll: <https://w3id.org/twinning/id/collection/> .\n\
         coll:home-cities skos:member <https://example.org/city/northhaven> ,\n\
         \x20 <https://example.org/city/eastbrook> , <https://example.org/city/southmere> .\n",
    );
    sandbox
        .twinning()
        .args(["load", "--vocabulary"])
        .arg(&members)
        .assert()
        .success();
    let csv = repository().join("examples/own-cities/agreements.csv");
    let before = sandbox.export_turtle();
    sandbox
        .twinning()
        .args(["import", "--create"])
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--base"))
        .stderr(predicate::str::contains(
            "<https://example.org/city/northhaven>",
        ));
    assert_eq!(before, sandbox.export_turtle(), "nothing written");
    let turtle = sandbox.dir.path().join("new.ttl");
    sandbox
        .twinning()
        .args(["import", "--create", "--base", "https://example.org/", "-o"])
        .arg(&turtle)
        .arg(&csv)
        .assert()
        .success()
        .stderr(predicate::str::contains("8 new agreement(s)"));
    let rows = sandbox.select(&["001_agreements_per_city"]);
    let cities: Vec<&str> = rows.iter().map(|row| row["city"].as_str()).collect();
    assert_eq!(cities, ["Eastbrook", "Northhaven", "Southmere", "Total"]);
    assert_eq!(rows[3]["table"], "8");
    // The French names came with the rows (the *_fr columns).
    let french = sandbox.select(&["001_agreements_per_city", "--lang", "fr"]);
    let cities: Vec<&str> = french.iter().map(|row| row["city"].as_str()).collect();
    assert_eq!(
        cities,
        ["Havre-du-Nord", "Mer-du-Sud", "Ruisseau-de-l'Est", "Total"]
    );
    let written = std::fs::read(&turtle).expect("the new triples");
    let subjects: BTreeSet<String> = oxigraph::io::RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(&written)
        .map(|quad| quad.expect("valid Turtle").subject.to_string())
        .collect();
    let members = "<https://w3id.org/twinning/id/collection/home-cities>";
    let foreign: Vec<&String> = subjects
        .iter()
        .filter(|s| !s.starts_with("<https://example.org/") && s.as_str() != members)
        .collect();
    assert!(foreign.is_empty(), "minted outside --base: {foreign:?}");
    assert!(subjects.contains("<https://example.org/agreement/northhaven-westharbour-2001>"));
    assert!(subjects.contains("<https://example.org/city/northhaven>"));
    bare()
        .args(["import", "--create", "--base", "example.org/"])
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--base"));
}

/// Nothing is lost: an agreement whose kind or status has no English name (a store loaded from a
/// file alone, without the bundled vocabularies) is still a row of the CSV export, its kind and
/// status written by their IRIs. The export once wrote the header and none of 200 rows.
#[test]
fn the_csv_export_keeps_agreements_whose_kind_has_no_name() {
    let (_bundled, file) = crate::common::bundle_and_synthetic_file(200);
    let sandbox = Sandbox::new();
    sandbox.twinning().arg("load").arg(&file).assert().success();
    let output = sandbox.succeed(&["export", "--format", "csv"]).stdout;
    let mut reader = csv::Reader::from_reader(output.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    assert!(rows.len() >= 200, "{} rows", rows.len());
    assert!(
        rows.iter().any(|row| row
            .iter()
            .any(|cell| cell.starts_with("https://w3id.org/twinning/id/kind/"))),
        "a kind without a name is written by its IRI"
    );
}

/// The CSV export names one source per agreement, the first by IRI: its address, title and date
/// in the same row, never the address of one source beside the title of another (nor a source
/// written as a blank node or as text, which has none to order by). (The query
/// once found that source with a subquery per agreement, 243 s for 10k agreements.)
#[test]
fn the_csv_export_names_each_agreements_first_source_whole() {
    let sandbox = Sandbox::new();
    sandbox.twinning().arg("load").assert().success();
    let extra = sandbox.file(
        "sources.ttl",
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n\
         @prefix bibo: <http://purl.org/ontology/bibo/> .\n\
         <https://w3id.org/twinning/id/agreement/boujdour-lozio-2022> dcterms:source\n\
         <https://w3id.org/twinning/id/source/aaa-first>, <https://w3id.org/twinning/id/source/zzz-last>,\n\
         \"Le Matin\", [ bibo:uri \"https://example.org/blank\" ] .\n\
         <https://w3id.org/twinning/id/source/aaa-first> bibo:uri \"https://example.org/first\" ;\n\
         dcterms:title \"The first source\" ; dcterms:issued \"2023-01-02\" .\n\
         <https://w3id.org/twinning/id/source/zzz-last> bibo:uri \"https://example.org/last\" ;\n\
         dcterms:title \"The last source\" .\n",
    );
    sandbox.succeed(&["load", extra.to_str().expect("path")]);
    let output = sandbox.succeed(&["export", "--format", "csv"]).stdout;
    let mut reader = csv::Reader::from_reader(output.as_slice());
    let headers = reader.headers().expect("a header").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    assert_eq!(rows.len(), 18, "one row per agreement");
    let lozio = rows
        .iter()
        .find(|row| &row[column("partner_city")] == "Lozio")
        .expect("Lozio's row");
    assert_eq!(&lozio[column("source_url")], "https://example.org/first");
    assert_eq!(&lozio[column("source_title")], "The first source");
    assert_eq!(&lozio[column("source_date")], "2023-01-02");
}
