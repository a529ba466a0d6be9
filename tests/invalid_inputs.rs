//! The bad-input corpus: `tests/fixtures/invalid/<case>/` is a small site with one mistake, and
//! its `expected.txt` holds the location (`file:line:column`) and the message it must give.
//! Every case must fail `check` and `build` with exactly that one error, never panic, and
//! leave an existing `public/` as it was.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use standings::check::{self, CheckOptions};

const HUGE: u64 = 50 * 1024 * 1024;

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut cases: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// A copy of the case in a scratch folder, with the parts that cannot live in the repository
/// (a 50 MB file, a link to a file outside the site) made on the spot.
fn prepare(case: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(case, dir.path());
    fs::remove_file(dir.path().join("expected.txt")).unwrap();
    match case.file_name().unwrap().to_str().unwrap() {
        "huge-file" => {
            let file = fs::File::create(dir.path().join("data/models/huge.yaml")).unwrap();
            file.set_len(HUGE).unwrap();
        }
        "symlink-outside-site" => {
            let outside = tempfile::NamedTempFile::new()
                .unwrap()
                .into_temp_path()
                .keep()
                .unwrap();
            fs::write(
                &outside,
                "---\ntitle: Not part of the site\ndescription: x\n---\nSecret\n",
            )
            .unwrap();
            std::os::unix::fs::symlink(&outside, dir.path().join("content/guides/leak.md"))
                .unwrap();
        }
        _ => {}
    }
    dir
}

fn expected(case: &Path) -> (String, String) {
    let text = fs::read_to_string(case.join("expected.txt")).unwrap();
    let mut lines = text.lines();
    (
        lines.next().unwrap().to_string(),
        lines.next().unwrap().to_string(),
    )
}

#[test]
fn the_corpus_covers_at_least_thirty_mistakes() {
    assert!(cases().len() >= 30, "only {} cases", cases().len());
}

#[test]
fn each_mistake_gives_one_error_at_its_place() {
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (location, message) = expected(&case);
        let site = prepare(&case);
        let options = CheckOptions {
            today: "2026-05-20".parse().ok(),
            ..CheckOptions::default()
        };
        let findings = check::run(site.path(), &options).unwrap_or_else(|e| panic!("{name}: {e}"));
        let errors: Vec<String> = findings
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                format!(
                    "{}: {}",
                    d.location.as_ref().map_or(String::new(), |l| l.to_string()),
                    d.message
                )
            })
            .collect();
        assert_eq!(
            errors.len(),
            1,
            "{name}: expected one error, got {errors:#?}"
        );
        assert!(
            errors[0].starts_with(&format!("{location}: ")),
            "{name}: expected the error at {location}, got {}",
            errors[0]
        );
        assert!(
            errors[0].contains(&message),
            "{name}: expected {message:?}, got {}",
            errors[0]
        );
    }
}

#[test]
fn each_mistake_fails_the_commands_and_keeps_public() {
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (location, message) = expected(&case);
        let site = prepare(&case);
        let public = site.path().join("public");
        fs::create_dir_all(&public).unwrap();
        fs::write(public.join("index.html"), "the previous site").unwrap();

        // `build` takes the front matter `check` parsed and kept in the cache, so a mistake
        // found after parsing must keep its place through the cache.
        for command in ["check", "build"] {
            let out = Command::new(env!("CARGO_BIN_EXE_standings"))
                .args([command, "--root", site.path().to_str().unwrap()])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{name} {command}: exit code {:?}\n{stderr}",
                out.status.code()
            );
            assert!(
                stderr.contains(&location),
                "{name} {command}: no {location} in\n{stderr}"
            );
            assert!(
                stderr.contains(&message),
                "{name} {command}: no {message:?} in\n{stderr}"
            );
            assert!(
                !stderr.contains("panicked"),
                "{name} {command}: panicked\n{stderr}"
            );
        }
        assert_eq!(
            fs::read_to_string(public.join("index.html")).unwrap(),
            "the previous site",
            "{name}"
        );
        let leftovers: Vec<String> = fs::read_dir(site.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".public"))
            .collect();
        assert!(leftovers.is_empty(), "{name}: {leftovers:?}");
    }
}

#[test]
fn a_broken_link_allowed_as_a_warning_stops_no_page() {
    // Links are checked with their use case's pages; at the warning level the pages that
    // hold the link are still made.
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid/broken-internal-link");
    let site = prepare(&case);
    let settings = site.path().join("site.yaml");
    let mut yaml = fs::read_to_string(&settings).unwrap();
    yaml.push_str("check:\n  broken_links: warning\n");
    fs::write(&settings, yaml).unwrap();
    let (_, files) = common::build_in_memory(site.path(), &standings::LoadOptions::default());
    let leaderboard = common::text(&files, "use-cases/general/index.html");
    assert!(
        leaderboard.contains("href=\"/use-cases/generl/\""),
        "{leaderboard}"
    );
}

#[test]
fn every_broken_model_file_is_reported_alike_on_every_run() {
    // Model files are parsed in parallel; their problems must still all be reported, the
    // same on every run. A second file for one id is reported even when the first
    // cannot be read, so that fixing the first does not reveal a new error.
    let site = common::scratch_site();
    let models = site.path().join("data/models");
    let valid = fs::read_to_string(models.join("gpt-5.5.yaml")).unwrap();
    fs::write(models.join("gpt-5.5.yml"), &valid).unwrap();
    fs::write(models.join("gpt-5.5.yaml"), "name: [unclosed\n").unwrap();
    fs::write(
        models.join("gpt-5.4.yaml"),
        "name: GPT-5.4\nprovider: 7: 8\n",
    )
    .unwrap();
    let problems = |run: usize| {
        let error = standings::Site::load(site.path(), &standings::LoadOptions::default())
            .err()
            .unwrap_or_else(|| panic!("run {run}: the site loaded"));
        error
            .diagnostics()
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<String>>()
    };
    let first = problems(0);
    let at = |file: &str| first.iter().position(|d| d.contains(file));
    let (broken, other, second) = (at("gpt-5.5.yaml:"), at("gpt-5.4.yaml:"), at("gpt-5.5.yml"));
    assert!(broken.is_some() && other.is_some(), "{first:#?}");
    let second = second.unwrap_or_else(|| panic!("no duplicate reported: {first:#?}"));
    assert!(
        first[second].contains("a second file defines the model `gpt-5.5`"),
        "{first:#?}"
    );
    for run in 1..4 {
        assert_eq!(problems(run), first, "run {run}");
    }
}
