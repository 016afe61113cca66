//! `twinning site` (issue 17): a static linked-data site that a plain file server can host, the
//! same bytes from the same store, built beside its directory and renamed into place; its links
//! checked in Chromium, its negotiation and w3id.org redirect rules in a real Apache.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use predicates::prelude::*;

use crate::common::{repository, Sandbox};
use crate::serve::curl;

/// A sandbox with the bundled data loaded.
fn loaded() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.succeed(&["load"]);
    sandbox
}

/// Every file under `root`, by its path relative to it, with its bytes.
fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![root.to_owned()];
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory).expect("read the site") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read a file of the site");
                files.insert(path.strip_prefix(root).expect("inside").to_owned(), bytes);
            }
        }
    }
    files
}

/// Fails with the paths that differ, if any.
fn assert_same(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>, what: &str) {
    let differ: Vec<&PathBuf> = a
        .keys()
        .chain(b.keys())
        .filter(|path| a.get(*path) != b.get(*path))
        .collect();
    assert!(differ.is_empty(), "{what}: {differ:?}");
}

/// Fails if a build left its working directory (`.site.building-PID`) beside the site.
fn assert_no_leftovers(parent: &Path) {
    let leftovers: Vec<_> = std::fs::read_dir(parent)
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".site."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn text(files: &BTreeMap<PathBuf, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        files
            .get(Path::new(path))
            .unwrap_or_else(|| panic!("the site has no {path}"))
            .clone(),
    )
    .expect("UTF-8")
}

/// Parses Turtle (relative IRIs against `base`) into a graph.
fn turtle(text: &str, base: &str) -> oxigraph::model::Graph {
    let mut graph = oxigraph::model::Graph::new();
    for triple in oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
        .with_base_iri(base)
        .expect("base IRI")
        .for_slice(text)
    {
        graph.insert(&oxigraph::model::Triple::from(
            triple.expect("valid Turtle"),
        ));
    }
    graph
}

#[test]
fn the_site_holds_every_part_and_the_same_store_gives_the_same_bytes() {
    // Two stores loaded apart (blank nodes get other labels in each), three builds.
    let sandbox = loaded();
    let other = loaded();
    let first = sandbox.dir.path().join("first");
    let again = sandbox.dir.path().join("again");
    let second = other.dir.path().join("second");
    sandbox.succeed(&["site", "-o", first.to_str().expect("path")]);
    sandbox.succeed(&["site", "-o", again.to_str().expect("path")]);
    other.succeed(&["site", "-o", second.to_str().expect("path")]);
    let files = tree(&first);
    assert_same(&files, &tree(&again), "two builds of one store differ");
    assert_same(
        &files,
        &tree(&second),
        "builds of two loads of the same data differ",
    );
    for path in [
        "index.html",
        "index.ar.html",
        "index.fr.html",
        "report.html",
        "report.ar.html",
        "report.fr.html",
        "ontology/index.html",
        "ontology/index.ar.html",
        "ontology/index.fr.html",
        "ontology/diagram.svg",
        "ontology/twinning.ttl",
        "ontology/shapes.ttl",
        "data/twinning.ttl",
        "data/twinning.nq",
        "data/twinning-csv.zip",
        "void.ttl",
        ".htaccess",
        "id/city/dakhla.html",
        "id/city/dakhla.ar.html",
        "id/city/dakhla.fr.html",
        "id/city/dakhla.ttl",
        "id/city/dakhla.jsonld",
        "id/city/dakhla.nt",
        "id/city/dakhla.rdf",
        "id/agreement/dakhla-crotone-2022.html",
    ] {
        assert!(files.contains_key(Path::new(path)), "no {path}");
    }
    // Without --url, no w3id.org rules (they need the site's address).
    assert!(!files.contains_key(Path::new("w3id/.htaccess")));

    // The entity's Turtle is its description, with the labels of what it links.
    let dakhla = turtle(
        &text(&files, "id/city/dakhla.ttl"),
        "https://example.org/id/city/dakhla.ttl",
    );
    let has = |s: &str, p: &str, o: &str| {
        let wanted = format!("{s} {p} {o}");
        dakhla
            .iter()
            .any(|t| format!("{} {} {}", t.subject, t.predicate, t.object) == wanted)
    };
    assert!(has(
        "<https://w3id.org/twinning/id/city/dakhla>",
        "<http://www.w3.org/2004/02/skos/core#prefLabel>",
        "\"الداخلة\"@ar"
    ));
    assert!(has(
        "<https://w3id.org/twinning/id/agreement/dakhla-crotone-2022>",
        "<https://w3id.org/twinning/ontology#homeCity>",
        "<https://w3id.org/twinning/id/city/dakhla>"
    ));

    // The whole dataset's Turtle holds what the store holds: the export, byte for byte.
    let export = sandbox.export_turtle();
    assert_eq!(files[Path::new("data/twinning.ttl")], export);

    // The description names the dumps, resolved against its own address.
    let void = turtle(
        &text(&files, "void.ttl"),
        "https://example.org/site/void.ttl",
    );
    let dumps: Vec<String> = void
        .iter()
        .filter(|t| t.predicate.as_str() == "http://rdfs.org/ns/void#dataDump")
        .map(|t| t.object.to_string())
        .collect();
    assert!(
        dumps.contains(&"<https://example.org/site/data/twinning.ttl>".to_owned()),
        "{dumps:?}"
    );

    // Pages: the Arabic entity page is in Arabic and links to Arabic pages, relatively.
    let page = text(&files, "id/city/dakhla.ar.html");
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(
        page.contains("href=\"../../id/country/morocco.ar.html\""),
        "{page}"
    );
    assert!(page.contains("href=\"dakhla.ttl\""));
    assert!(!page.contains("href=\"/"), "an absolute link");

    // The CSV bundle: the agreements and each question's answer in each language.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(
        files[Path::new("data/twinning-csv.zip")].clone(),
    ))
    .expect("a zip archive");
    let names: Vec<String> = (0..archive.len())
        .map(|index| {
            let entry = archive.by_index(index).expect("entry");
            entry.name().expect("a name").into_owned()
        })
        .collect();
    assert!(names.contains(&"agreements.csv".to_owned()), "{names:?}");
    for language in ["ar", "en", "fr"] {
        assert!(
            names.contains(&format!("answers/{language}/001_agreements_per_city.csv")),
            "{names:?}"
        );
    }
    let mut answer = String::new();
    std::io::Read::read_to_string(
        &mut archive
            .by_name("answers/ar/001_agreements_per_city.csv")
            .expect("entry"),
        &mut answer,
    )
    .expect("UTF-8");
    assert!(answer.contains("الداخلة"), "{answer}");
    let mut agreements = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("agreements.csv").expect("entry"),
        &mut agreements,
    )
    .expect("UTF-8");
    assert_eq!(agreements.lines().count(), 19, "a header and 18 agreements");
}

/// The ontology's reference: every class and property of the tw: namespace has its entry, in
/// the reader's language; the shapes are in words; the diagram names the classes.
#[test]
fn the_ontology_reference_documents_every_term_in_three_languages() {
    let sandbox = loaded();
    let output = sandbox.dir.path().join("site");
    sandbox.succeed(&["site", "-o", output.to_str().expect("path")]);
    let terms = sandbox.select(&[
        "-e",
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> \
         SELECT DISTINCT ?term WHERE { VALUES ?type { owl:Class owl:ObjectProperty \
         owl:DatatypeProperty owl:AnnotationProperty } ?term a ?type \
         FILTER(STRSTARTS(STR(?term), \"https://w3id.org/twinning/ontology#\")) }",
    ]);
    assert!(terms.len() > 40, "{}", terms.len());
    for (suffix, label) in [
        ("", "home city"),
        (".ar", "المدينة المرجعية"),
        (".fr", "ville de référence"),
    ] {
        let page = std::fs::read_to_string(output.join(format!("ontology/index{suffix}.html")))
            .expect("the ontology page");
        for row in &terms {
            let local = row["term"]
                .rsplit('#')
                .next()
                .expect("a local name")
                .trim_end_matches('>');
            assert!(
                page.contains(&format!("id=\"{local}\"")),
                "{suffix}: no entry for {local}"
            );
        }
        assert!(page.contains(label), "{suffix}: no '{label}'");
        assert!(page.contains("<svg"), "{suffix}: no diagram");
        assert!(page.contains("id=\"shape-"), "{suffix}: no shapes");
    }
    let french = std::fs::read_to_string(output.join("ontology/index.fr.html")).expect("page");
    assert!(
        french.contains("exactement 1"),
        "the shapes are not in words"
    );
    let arabic = std::fs::read_to_string(output.join("ontology/index.ar.html")).expect("page");
    assert!(arabic.contains("مخالفة"), "no severity in Arabic");
}

#[test]
fn a_non_empty_directory_is_kept_unless_forced() {
    let sandbox = loaded();
    let output = sandbox.dir.path().join("site");
    std::fs::create_dir(&output).expect("mkdir");
    std::fs::write(output.join("notes.txt"), "mine").expect("write");
    sandbox
        .twinning()
        .args(["site", "-o"])
        .arg(&output)
        .assert()
        .failure()
        .stderr(predicates::str::contains("not empty").and(predicates::str::contains("--force")));
    assert_eq!(
        std::fs::read_to_string(output.join("notes.txt")).expect("kept"),
        "mine"
    );
    assert!(!output.join("index.html").exists());

    // A file is never replaced.
    let file = sandbox.file("a-file", "data");
    sandbox
        .twinning()
        .args(["site", "--force", "-o"])
        .arg(&file)
        .assert()
        .failure()
        .stderr(predicates::str::contains("not a directory"));
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), "data");

    sandbox
        .twinning()
        .args(["site", "--force", "-o"])
        .arg(&output)
        .assert()
        .success();
    assert!(output.join("index.html").exists());
    assert!(!output.join("notes.txt").exists());
    assert_no_leftovers(sandbox.dir.path());

    // A URL that is not the site's address is refused before anything is written.
    for url in [
        "example.org/site/",
        "https://example.org/a b/",
        "https://example.org/$1/",
        "https://example.org/site",
        "https://w3id.org/twinning/",
        "ftp://example.org/site/",
    ] {
        sandbox
            .twinning()
            .args(["site", "--force", "--url", url, "-o"])
            .arg(&output)
            .assert()
            .failure()
            .stderr(predicates::str::contains("--url"));
    }
    assert!(output.join("index.html").exists());
}

/// A build that dies half-way (here: the file size limit kills it while it writes the dataset)
/// leaves the previous site in place, untouched; the next build clears what the dead one left.
#[test]
fn a_build_that_dies_half_way_leaves_the_previous_site_in_place() {
    let sandbox = loaded();
    let output = sandbox.dir.path().join("site");
    sandbox.succeed(&["site", "-o", output.to_str().expect("path")]);
    let before = tree(&output);
    let status = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 600; exec \"$0\" \"$@\"")
        .arg(assert_cmd::cargo::cargo_bin("twinning"))
        .arg("--store")
        .arg(sandbox.store())
        .args(["site", "--force", "-o"])
        .arg(&output)
        .status()
        .expect("run twinning");
    assert!(!status.success(), "the build should have been stopped");
    assert_same(&tree(&output), &before, "the previous site changed");
    sandbox.succeed(&["site", "--force", "-o", output.to_str().expect("path")]);
    assert_same(&tree(&output), &before, "a rebuild differs");
    assert_no_leftovers(sandbox.dir.path());
}

/// Serves `site` with a plain static file server and crawls it in headless Chromium from
/// `start`: the crawl's summary, after checking that no link is broken and no fragment missing.
fn crawl(browser: &Path, site: &Path, start: &str) -> serde_json::Value {
    let result = Command::new("python3")
        .arg(repository().join("tests/clients/crawl.py"))
        .arg(site)
        .arg(start)
        .arg("--chromium")
        .arg(browser)
        .output()
        .expect("run tests/clients/crawl.py");
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&result.stdout).expect("the crawl's JSON");
    assert_eq!(summary["broken"], serde_json::json!([]), "{start}");
    assert_eq!(
        summary["missing_fragments"],
        serde_json::json!([]),
        "{start}"
    );
    assert_eq!(summary["truncated"], false);
    summary
}

/// Issue 17: served by a plain static file server and crawled in headless Chromium from the
/// home page in each language, every internal link and every fragment resolves.
#[test]
fn in_chromium_every_link_of_the_site_resolves() {
    let Some(browser) = crate::common::chromium() else {
        return;
    };
    let sandbox = loaded();
    let output = sandbox.dir.path().join("site");
    sandbox.succeed(&["site", "-o", output.to_str().expect("path")]);
    let entities = std::fs::read_dir(output.join("id/city"))
        .expect("cities")
        .count();
    assert!(entities > 100);
    for start in ["index.html", "index.ar.html"] {
        let summary = crawl(&browser, &output, start);
        // Every page in three languages and every RDF file was reached.
        assert!(
            summary["pages"].as_u64() > Some(1200),
            "{start}: {}",
            summary["pages"]
        );
        assert!(summary["files"].as_u64() > Some(1700), "{start}");
    }
}

/// Issue 17, on a researcher's own cities (examples/own-cities, in its own namespace, without
/// the paper's records): their entities have pages under ns/example.org/ (the dataset's
/// void:uriSpace); the ontology reference still names the paper as the source of the bundled
/// shapes, but the site has no page for it, so it is named, not linked; no link is broken.
#[test]
fn in_chromium_a_site_of_other_cities_has_no_broken_link() {
    let Some(browser) = crate::common::chromium() else {
        return;
    };
    let sandbox = Sandbox::new();
    sandbox.succeed(&[
        "load",
        "--vocabulary",
        repository()
            .join("examples/own-cities/agreements.ttl")
            .to_str()
            .expect("path"),
    ]);
    let output = sandbox.dir.path().join("site");
    sandbox.succeed(&["site", "-o", output.to_str().expect("path")]);
    assert!(
        !output.join("id/source/ismaili-2025.html").exists(),
        "the paper's records were not loaded"
    );
    let ontology = std::fs::read_to_string(output.join("ontology/index.html")).expect("ontology");
    assert!(
        ontology.contains("https://w3id.org/twinning/id/source/ismaili-2025")
            && !ontology.contains("href=\"../id/source/ismaili-2025"),
        "the ontology page links to a page the site does not have"
    );
    // The researcher's cities, in French as their labels are.
    let city = std::fs::read_to_string(output.join("ns/example.org/city/northhaven.fr.html"))
        .expect("a page for https://example.org/city/northhaven");
    assert!(city.contains("Havre-du-Nord"), "{city}");
    let turtle = std::fs::read_to_string(output.join("ns/example.org/city/northhaven.ttl"))
        .expect("its Turtle");
    assert!(turtle.contains("<https://example.org/city/northhaven>"));
    let home = std::fs::read_to_string(output.join("index.html")).expect("home page");
    assert!(home.contains("href=\"ns/example.org/city/northhaven.html\""));
    // The description is of the researcher's dataset (its IRI, namespace and CC0 licence, as
    // its data states them), with nothing of the paper's (its licence, its source), nor a
    // version the data does not state.
    let void = std::fs::read_to_string(output.join("void.ttl")).expect("void.ttl");
    for stated in [
        "<https://example.org/dataset/example-land> a void:Dataset",
        "\"https://example.org/\"",
        "dcterms:license <https://creativecommons.org/publicdomain/zero/1.0/>",
    ] {
        assert!(void.contains(stated), "{stated}: {void}");
    }
    for paper in [
        "10.54878",
        "licenses/by/4.0",
        "ismaili-2025",
        "owl:versionInfo",
    ] {
        assert!(!void.contains(paper), "{paper}: {void}");
    }
    let pages = |folder: &str| {
        std::fs::read_dir(output.join(folder))
            .expect(folder)
            .filter(|entry| {
                entry
                    .as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".html"))
            })
            .count() as u64
    };
    let cities = pages("ns/example.org/city");
    let agreements = pages("ns/example.org/agreement");
    assert!(
        cities >= 3 * 8 && agreements >= 3 * 8,
        "{cities} {agreements}"
    );
    let summary = crawl(&browser, &output, "index.fr.html");
    // Every city's and agreement's page in three languages was reached.
    assert!(
        summary["pages"].as_u64() >= Some(cities + agreements),
        "{}",
        summary["pages"]
    );
}

/// A private Apache (tests/clients/apache.py), stopped when dropped.
struct Apache {
    state: PathBuf,
    base: String,
}

impl Apache {
    /// Starts Apache with `mounts` (`/path=directory`); `None` (the test skips) when Apache is
    /// not installed, unless `TWINNING_REQUIRE_APACHE` is set, as in CI.
    fn start(state: PathBuf, mounts: &[String]) -> Option<Self> {
        let mut command = Command::new("python3");
        command
            .arg(repository().join("tests/clients/apache.py"))
            .arg("start")
            .arg(&state);
        for mount in mounts {
            command.args(["--mount", mount]);
        }
        let output = command.output().expect("run tests/clients/apache.py");
        if output.status.code() == Some(3) {
            assert!(
                std::env::var_os("TWINNING_REQUIRE_APACHE").is_none(),
                "TWINNING_REQUIRE_APACHE is set but Apache is not installed"
            );
            eprintln!("skipped: no Apache (install Debian's apache2-bin; .ci/run does)");
            return None;
        }
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let started: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        Some(Self {
            state,
            base: started["base"].as_str().expect("base").to_owned(),
        })
    }
}

impl Drop for Apache {
    fn drop(&mut self) {
        let _ = Command::new("python3")
            .arg(repository().join("tests/clients/apache.py"))
            .arg("stop")
            .arg(&self.state)
            .output();
    }
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == name).then(|| value.trim())
    })
}

/// Issue 17: hosted on Apache, the site's .htaccess answers an entity's IRI path and the
/// ontology by content negotiation (q-values and languages weighed), and the w3id.org rules
/// send `/twinning/id/…` and `/twinning/ontology` to the right file of the published site.
#[test]
fn on_apache_the_site_negotiates_and_the_w3id_rules_redirect() {
    let sandbox = loaded();
    let root = sandbox.dir.path();
    // Apache's workers run unprivileged: the site must be readable by them.
    std::fs::set_permissions(root, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let site = root.join("site");
    std::fs::create_dir_all(site.join("w3id")).expect("mkdir");
    let Some(apache) = Apache::start(
        root.join("apache"),
        &[
            format!("/site={}", site.display()),
            format!("/twinning={}", site.join("w3id").display()),
        ],
    ) else {
        return;
    };
    let url = format!("{}/site/", apache.base);
    sandbox.succeed(&[
        "site",
        "--force",
        "--url",
        &url,
        "-o",
        site.to_str().expect("path"),
    ]);
    let get = |path: &str, headers: &[&str]| {
        let mut args: Vec<String> = Vec::new();
        for header in headers {
            args.push("-H".to_owned());
            args.push((*header).to_owned());
        }
        args.push(format!("{}{path}", apache.base));
        curl(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let media = |head: &str| {
        header(head, "content-type")
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .to_owned()
    };

    // The site: one IRI path, the variant the client weighs highest.
    for (accept, expected) in [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/html;q=0.5, text/turtle", "text/turtle"),
        ("text/turtle;q=0.1, text/html", "text/html"),
        ("*/*", "text/html"),
    ] {
        let (status, head, body) = get("/site/id/city/dakhla", &[&format!("Accept: {accept}")]);
        assert_eq!(status, 200, "{accept}: {head}");
        assert_eq!(media(&head), expected, "{accept}: {head}");
        assert!(
            body.contains("dakhla") || body.contains("الداخلة"),
            "{accept}"
        );
    }
    let (_, head, body) = get(
        "/site/id/city/dakhla",
        &["Accept: text/html", "Accept-Language: ar, en;q=0.5"],
    );
    assert!(body.contains("<html lang=\"ar\""), "{head}");
    let (_, _, body) = get("/site/id/city/dakhla", &["Accept-Language: fr"]);
    assert!(body.contains("<html lang=\"fr\""));
    let (_, _, body) = get("/site/id/city/dakhla", &[]);
    assert!(body.contains("<html lang=\"en\""));
    let (status, head, body) = get("/site/ontology", &["Accept: text/turtle"]);
    assert_eq!(
        (status, media(&head).as_str()),
        (200, "text/turtle"),
        "{head}"
    );
    assert!(body.contains("owl:Ontology"));
    let (status, head, _) = get("/site/ontology", &["Accept: text/html"]);
    assert_eq!(status, 301, "{head}");
    assert_eq!(
        header(&head, "location"),
        Some(format!("{url}ontology/").as_str())
    );

    // w3id.org's rules: 303 to the file, which then answers.
    for (path, headers, target) in [
        (
            "/twinning/id/city/dakhla",
            vec!["Accept: text/turtle"],
            "id/city/dakhla.ttl",
        ),
        (
            "/twinning/id/agreement/dakhla-crotone-2022",
            vec!["Accept: application/ld+json"],
            "id/agreement/dakhla-crotone-2022.jsonld",
        ),
        (
            "/twinning/id/city/dakhla",
            vec![
                "Accept: text/html,application/xhtml+xml,*/*;q=0.8",
                "Accept-Language: fr-FR,fr;q=0.9",
            ],
            "id/city/dakhla.fr.html",
        ),
        (
            "/twinning/id/city/dakhla",
            vec!["Accept-Language: ar"],
            "id/city/dakhla.ar.html",
        ),
        ("/twinning/id/city/dakhla", vec![], "id/city/dakhla.html"),
        (
            "/twinning/ontology",
            vec!["Accept: text/turtle"],
            "ontology/twinning.ttl",
        ),
        (
            "/twinning/ontology",
            vec!["Accept: text/html"],
            "ontology/index.html",
        ),
        ("/twinning/", vec![], "index.html"),
        // A file's own address is passed on as it is, whatever the client accepts.
        (
            "/twinning/id/city/dakhla.ttl",
            vec!["Accept: text/html"],
            "id/city/dakhla.ttl",
        ),
    ] {
        let (status, head, _) = get(path, &headers);
        let expected = format!("{url}{target}");
        assert!(matches!(status, 302 | 303), "{path} {headers:?}: {head}");
        // Browsers' scripts may follow the redirects (CORS on the redirect itself).
        assert_eq!(
            header(&head, "access-control-allow-origin"),
            Some("*"),
            "{path}"
        );
        assert_eq!(
            header(&head, "location"),
            Some(expected.as_str()),
            "{path} {headers:?}"
        );
        let (status, _, _) = curl(&[&expected]);
        assert_eq!(status, 200, "{expected}");
    }
}

/// People read an entity's incoming links a page at a time: with 1,500 agreements in scope, the
/// collection of home cities gets two pages in each language (`home-cities.html`,
/// `home-cities.p2.html`; `.ar`, `.fr`), linked by next and previous, and between languages on
/// the same page; together they list every incoming link once. Its RDF files hold them all.
#[test]
fn an_entity_with_many_incoming_links_gets_pages_of_them() {
    let sandbox = crate::common::synthetic_world(1_500);
    let output = sandbox.dir.path().join("site");
    sandbox.succeed(&["site", "-o", output.to_str().expect("path")]);
    let folder = output.join("id/collection");
    let read = |name: &str| {
        std::fs::read_to_string(folder.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let first = read("home-cities.html");
    let second = read("home-cities.p2.html");
    assert!(first.contains("rel=\"next\" href=\"home-cities.p2.html\""));
    assert!(!first.contains("rel=\"prev\""));
    assert!(second.contains("rel=\"prev\" href=\"home-cities.html\""));
    assert!(!second.contains("rel=\"next\""), "two pages, not three");
    assert!(!folder.join("home-cities.p3.html").exists());
    let arabic = read("home-cities.p2.ar.html");
    assert!(arabic.contains("rel=\"prev\" href=\"home-cities.ar.html\""));
    assert!(
        arabic.contains("href=\"home-cities.p2.fr.html\""),
        "French, same page"
    );
    assert!(read("home-cities.p2.fr.html").contains("<html lang=\"fr\""));
    // Every incoming link is listed once across the two pages.
    let stored = sandbox.select(&[
        "-e",
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p WHERE { GRAPH ?g { ?s ?p coll:home-cities } } }",
    ]);
    let expected: usize = stored[0]["n"].parse().expect("a count");
    assert!(expected > 1_000 && expected <= 2_000, "{expected}");
    let rows = |page: &str| {
        page.split("<h2")
            .last()
            .unwrap_or_default()
            .matches("<tr>")
            .count()
    };
    assert_eq!(rows(&first) + rows(&second), expected);
    assert_eq!(rows(&first), 1_000);
    // The RDF files hold every incoming link.
    let turtle = turtle(&read("home-cities.ttl"), "https://example.org/");
    let home = "https://w3id.org/twinning/id/collection/home-cities";
    assert_eq!(
        turtle
            .iter()
            .filter(|t| t.object.to_string() == format!("<{home}>"))
            .count(),
        expected
    );
}
