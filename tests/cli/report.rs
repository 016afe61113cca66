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
    assert!(report.contains("**The paper:**"));
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
