//! `rank`, `init` and `new` as an editor runs them.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use standings::LoadOptions;

use common::{build_in_memory, example_root, scratch_site};

fn standings(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_standings"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn root() -> String {
    example_root().to_string_lossy().into_owned()
}

#[test]
fn rank_json_and_csv_are_the_published_files() {
    let (site, files) = build_in_memory(&example_root(), &LoadOptions::default());
    for u in &site.content.use_cases {
        for (format, file) in [("json", "ranking.json"), ("csv", "ranking.csv")] {
            let out = standings(&["rank", &u.slug, "--format", format, "--root", &root()]);
            assert!(out.status.success(), "{}", stderr(&out));
            let published = &files[&format!("use-cases/{}/{file}", u.slug)];
            assert!(&out.stdout == published, "{} {file} differs", u.slug);
        }
    }
}

#[test]
fn rank_table_shows_every_model_with_contributions_and_reasons() {
    let (_, files) = build_in_memory(&example_root(), &LoadOptions::default());
    let json: serde_json::Value =
        serde_json::from_slice(&files["use-cases/coding/ranking.json"]).unwrap();
    let out = standings(&["rank", "coding", "--root", &root()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    for row in json["ranked"].as_array().unwrap() {
        let line = table
            .lines()
            .find(|l| l.contains(&format!(" {} ", row["model"].as_str().unwrap())))
            .unwrap_or_else(|| panic!("{} missing from\n{table}", row["model"]));
        let score = format!("{:.2}", row["score"].as_f64().unwrap());
        assert!(line.contains(&score), "{line} lacks {score}");
        for part in row["criteria"].as_array().unwrap() {
            let points = format!("{:.2}", part["contribution"].as_f64().unwrap());
            assert!(line.contains(&points), "{line} lacks {points}");
        }
    }
    for e in json["excluded"].as_array().unwrap() {
        let expected = format!(
            "{}: {}",
            e["model"].as_str().unwrap(),
            e["reason"].as_str().unwrap()
        );
        assert!(
            table.contains(&expected),
            "{expected} missing from\n{table}"
        );
    }
}

#[test]
fn what_if_weights_rerank_without_touching_files() {
    let site = scratch_site();
    let root = site.path().to_str().unwrap();
    let index = site.path().join("content/use-cases/coding/index.md");
    let before = fs::read(&index).unwrap();

    let out = standings(&[
        "rank",
        "coding",
        "--root",
        root,
        "--weight",
        "aa_coding_index=25",
        "--weight",
        "terminalbench_hard=20",
        "--weight",
        "output_speed=30",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("aa_coding_index (25%)"), "{text}");
    assert!(text.contains("these ranks moved"), "{text}");
    assert!(text.contains("▲") || text.contains("▼"), "{text}");
    assert_eq!(fs::read(&index).unwrap(), before);

    let json = standings(&[
        "rank",
        "coding",
        "--root",
        root,
        "--format",
        "json",
        "--weight",
        "aa_coding_index=25",
        "--weight",
        "terminalbench_hard=20",
        "--weight",
        "output_speed=30",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["criteria"][0]["weight"], 25.0);

    let out = standings(&[
        "rank",
        "coding",
        "--root",
        root,
        "--weight",
        "aa_coding_index=10",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not 100"), "{}", stderr(&out));
    let out = standings(&["rank", "coding", "--root", root, "--weight", "nope=10"]);
    assert_eq!(out.status.code(), Some(2));
    let out = standings(&[
        "rank",
        "coding",
        "--root",
        root,
        "--weight",
        "aa_coding_index",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = standings(&["rank", "codng", "--root", root]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `coding`?"),
        "{}",
        stderr(&out)
    );
}

fn build(root: &Path) -> Output {
    let public = root.join("public");
    standings(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ])
}

#[test]
fn init_makes_a_site_that_builds_and_never_overwrites() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("new-site");
    let out = standings(&["init", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let built = build(&dir);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(dir.join("public/use-cases/writing/index.html").is_file());
    assert!(
        dir.join("public/use-cases/writing/faq/index.html")
            .is_file()
    );
    assert!(
        dir.join("public/use-cases/writing/prompts/index.html")
            .is_file()
    );
    let checked = standings(&["check", "--root", dir.to_str().unwrap()]);
    assert!(checked.status.success(), "{}", stderr(&checked));
    assert!(
        stderr(&checked).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&checked)
    );
    let page = fs::read_to_string(dir.join("public/index.html")).unwrap();
    assert!(
        !page.contains("__standings"),
        "build output has no live-reload script"
    );

    let settings = fs::read(dir.join("site.yaml")).unwrap();
    let again = standings(&["init", dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("not empty"), "{}", stderr(&again));
    assert_eq!(fs::read(dir.join("site.yaml")).unwrap(), settings);
}

#[test]
fn new_creates_files_that_build_and_refuses_to_overwrite() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("site");
    assert!(standings(&["init", dir.to_str().unwrap()]).status.success());
    let root = dir.to_str().unwrap();

    let out = standings(&["new", "model", "example-model-d", "--root", root]);
    assert!(out.status.success(), "{}", stderr(&out));
    let model = dir.join("data/models/example-model-d.yaml");
    let text = fs::read_to_string(&model).unwrap();
    assert!(text.contains("quality_index: null"), "{text}");
    assert!(text.contains("# required"), "fields are explained: {text}");

    let out = standings(&["new", "use-case", "summaries", "--root", root]);
    assert!(out.status.success(), "{}", stderr(&out));
    let built = build(&dir);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(dir.join("public/use-cases/summaries/index.html").is_file());
    assert!(
        dir.join("public/models/example-model-d/index.html")
            .is_file()
    );

    fs::write(&model, "name: edited\n").unwrap();
    for args in [
        &["new", "model", "example-model-d", "--root", root][..],
        &["new", "use-case", "summaries", "--root", root][..],
    ] {
        let out = standings(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    }
    assert_eq!(fs::read_to_string(&model).unwrap(), "name: edited\n");
    for bad in ["../escape", "Upper", "faq", ""] {
        let out = standings(&["new", "model", bad, "--root", root]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    assert!(!parent.path().join("escape.yaml").exists());
}
