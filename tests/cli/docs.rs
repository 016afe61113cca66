//! The documentation tells the truth: README shows the real `--help`, and every directory it
//! describes lists its files.

use crate::common::{bare, repository};

#[test]
fn readme_shows_the_real_help() {
    let output = bare().arg("--help").output().expect("run");
    let help = String::from_utf8(output.stdout).expect("UTF-8");
    let readme = std::fs::read_to_string(repository().join("README.md")).expect("README.md");
    assert!(
        readme.contains(help.trim_end()),
        "README.md's usage block is out of date; paste `twinning --help`:\n{help}"
    );
}

#[test]
fn each_data_directory_readme_lists_its_files() {
    for directory in ["ontology", "data", "queries"] {
        let path = repository().join(directory);
        let readme = std::fs::read_to_string(path.join("README.md"))
            .unwrap_or_else(|_| panic!("{directory}/README.md exists"));
        for entry in std::fs::read_dir(&path).expect("directory") {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            if name.ends_with(".ttl") || name.ends_with(".rq") {
                assert!(
                    readme.contains(&name),
                    "{directory}/README.md does not list {name}"
                );
            }
        }
    }
}
