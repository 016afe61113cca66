//! `twinning report`: the main job, every question answered.

use crate::common::{repository, Sandbox};

#[test]
fn the_report_answers_every_bundled_question() {
    let sandbox = Sandbox::new();
    let output = sandbox.twinning().arg("report").output().expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = String::from_utf8(output.stdout).expect("UTF-8");
    let mut questions = 0;
    for entry in std::fs::read_dir(repository().join("queries")).expect("queries/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "rq") {
            let text = std::fs::read_to_string(&path).expect("read");
            let summary = text
                .lines()
                .find_map(|line| line.strip_prefix("#+ summary:"))
                .expect("every query has a summary")
                .trim();
            assert!(report.contains(summary), "report misses: {summary}");
            questions += 1;
        }
    }
    assert!(questions >= 11);
    assert!(report.contains("The paper: "));
    assert!(
        !report.contains("(no results)"),
        "every question has an answer"
    );
}

#[test]
fn the_report_works_in_memory_from_any_directory() {
    let directory = tempfile::tempdir().expect("tempdir");
    crate::common::bare()
        .current_dir(directory.path())
        .args(["--memory", "report"])
        .assert()
        .success();
}

/// Issue 16: `report --lang ar` with text or Markdown output was silently English. It says which
/// format has the language, exits 2 and writes nothing.
#[test]
fn a_text_report_in_arabic_or_french_is_refused_with_the_way_to_get_one() {
    let sandbox = Sandbox::new();
    for (format, lang) in [("text", "ar"), ("markdown", "fr")] {
        let output = sandbox.dir.path().join(format!("report-{lang}.md"));
        sandbox
            .twinning()
            .args(["report", "--format", format, "--lang", lang, "-o"])
            .arg(&output)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(format!(
                "--lang {lang} is available with --format html only"
            )));
        assert!(!output.exists(), "nothing written for {format} {lang}");
    }
}

/// Issue 15: the report shows which question it answers on a terminal's standard error (drawn
/// only on a terminal); piped, as here, standard error stays empty.
#[test]
fn a_piped_report_writes_nothing_on_standard_error() {
    let sandbox = Sandbox::new();
    sandbox.twinning().arg("load").assert().success();
    for format in ["text", "html"] {
        let output = sandbox
            .twinning()
            .args(["report", "--format", format])
            .output()
            .expect("run");
        assert!(output.status.success());
        assert!(!output.stdout.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "",
            "{format}: nothing on stderr when piped"
        );
    }
}

/// On a terminal (here util-linux's `script`, which gives the command one), the report says
/// which question it is answering, as `[k/12] slug…`, so a long report is not silent.
#[test]
fn on_a_terminal_the_report_shows_which_question_it_answers() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no `script` (util-linux) to give the report a terminal");
        return;
    }
    let sandbox = Sandbox::new();
    sandbox.twinning().arg("load").assert().success();
    let command = format!(
        "{} --store {} report > /dev/null",
        assert_cmd::cargo::cargo_bin("twinning").display(),
        sandbox.store().display()
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("TWINNING_STORE")
        .output()
        .expect("run script");
    assert!(output.status.success());
    let shown = String::from_utf8_lossy(&output.stdout);
    let count = crate::common::repository()
        .join("queries")
        .read_dir()
        .expect("queries/")
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|entry| entry.file_name().to_string_lossy().ends_with(".rq"))
        })
        .count();
    assert!(
        shown.contains(&format!("[1/{count}] 001_agreements_per_city")),
        "progress on the terminal: {shown}"
    );
}

/// Issue 16: `--format text` and `--format markdown` wrote the same bytes. Markdown is a document
/// (headings, emphasis, pipe tables); text is for a terminal: plain underlined headings and
/// box-drawn tables whose long cells wrap to the width (120 columns when not a terminal), with
/// the same answers.
#[test]
fn the_text_report_is_for_a_terminal_and_the_markdown_one_a_document() {
    let sandbox = Sandbox::new();
    let run = |format: &str| {
        let output = sandbox.succeed(&["report", "--format", format]);
        String::from_utf8(output.stdout).expect("UTF-8")
    };
    let (text, markdown) = (run("text"), run("markdown"));
    assert_ne!(text, markdown);
    assert!(markdown.starts_with("# City diplomacy") && markdown.contains("\n## 1. "));
    assert!(markdown.contains("**The paper:**") && markdown.contains("|---"));
    assert!(text.starts_with("City diplomacy") && text.contains("\n1. How many"));
    assert!(!text.contains("**") && !text.contains("\n## "));
    assert!(text.contains('│') && text.contains('╞'), "box-drawn tables");
    let widest = text
        .lines()
        .map(|line| line.chars().count())
        .max()
        .unwrap_or(0);
    // Display columns, as the table is laid out (Unicode widths): Arabic vowel marks and bidi
    // marks take none, and a lam-alef pair is one ligature.
    let columns = |line: &str| {
        let ligatures: usize = ["لا", "لأ", "لإ", "لآ"]
            .iter()
            .map(|l| line.matches(l).count())
            .sum();
        line.chars()
            .filter(|c| !matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{200B}'..='\u{200F}' | '\u{061C}'))
            .count()
            - ligatures
    };
    let widest_table = text
        .lines()
        .filter(|line| line.starts_with('│') || line.starts_with('┌'))
        .map(columns)
        .max()
        .unwrap_or(0);
    assert!(
        widest_table <= 120,
        "tables wrap to 120 columns: {widest_table}"
    );
    assert!(widest > 0);
    // The same answers: Dakhla's row in both.
    assert!(text.contains("Dakhla") && markdown.contains("Dakhla"));
}
