//! The `standings` binary as a publisher runs it: exit codes, messages and the output folder.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::scratch_site;

fn standings(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_standings"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn build(root: &Path, output: &Path) -> Output {
    build_with(root, output, &[])
}

fn build_with(root: &Path, output: &Path, more: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    args.extend_from_slice(more);
    standings(&args)
}

#[test]
fn build_writes_the_site_and_prints_a_summary() {
    let site = scratch_site();
    let public = site.path().join("public");
    let out = build(site.path(), &public);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(public.join("index.html").is_file());
    assert!(public.join("use-cases/coding/ranking.json").is_file());
    let summary = stderr(&out);
    assert!(
        summary.contains("built ") && summary.contains(" pages, ") && summary.contains(" ms"),
        "{summary}"
    );
    // Not a terminal: no colour codes.
    assert!(!summary.contains('\u{1b}'), "{summary}");
}

#[test]
fn timings_list_every_stage_in_the_order_a_build_runs_them() {
    let site = scratch_site();
    let public = site.path().join("public");
    let out = build_with(site.path(), &public, &["--timings"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stderr(&out);
    // Each line after the heading: a stage's name, then its milliseconds; nested stages are
    // indented under the stage they belong to.
    let lines: Vec<&str> = report
        .lines()
        .skip_while(|l| !l.starts_with("stage"))
        .skip(1)
        .collect();
    let name = |l: &&str| {
        l.trim_start()
            .split("  ")
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let main: Vec<String> = lines
        .iter()
        .filter(|l| !l.starts_with(' '))
        .map(name)
        .collect();
    let stages: Vec<String> = lines.iter().map(name).collect();
    assert_eq!(
        main,
        [
            "load",
            "list spare output",
            "rank",
            "compile templates",
            "plan",
            "prose and pages",
            "static",
            "replace output",
            "total"
        ],
        "{report}"
    );
    for nested in [
        "prose",
        "markdown",
        "leaderboards",
        "analyses",
        "write",
        "data files",
    ] {
        assert!(stages.iter().any(|s| s == nested), "{nested} in {report}");
    }
}

#[test]
fn a_broken_data_file_fails_with_its_line_and_keeps_public() {
    let site = scratch_site();
    let public = site.path().join("public");
    assert!(build(site.path(), &public).status.success());
    let before = fs::read(public.join("use-cases/coding/index.html")).unwrap();

    let model = site.path().join("data/models/gpt-5.5.yaml");
    let text = fs::read_to_string(&model)
        .unwrap()
        .replace("aa_coding_index: 59.1", "aa_coding_index: fifty-nine");
    fs::write(&model, text).unwrap();
    let out = build(site.path(), &public);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains("data/models/gpt-5.5.yaml:12:3"),
        "{message}"
    );
    assert!(
        message.contains("aa_coding_index: fifty-nine"),
        "the source line is shown: {message}"
    );
    assert_eq!(
        fs::read(public.join("use-cases/coding/index.html")).unwrap(),
        before
    );
    let leftovers: Vec<_> = fs::read_dir(site.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left behind: {leftovers:?}"
    );
}

#[test]
fn several_mistakes_are_reported_in_one_run() {
    let site = scratch_site();
    let index = site.path().join("content/use-cases/coding/index.md");
    let text = fs::read_to_string(&index)
        .unwrap()
        .replace("weight: 40", "weight: 30");
    fs::write(&index, text).unwrap();
    let provider = site.path().join("data/models/gpt-5.4.yaml");
    let text = fs::read_to_string(&provider)
        .unwrap()
        .replace("provider: openai", "provider: opnai");
    fs::write(&provider, text).unwrap();
    let out = build(site.path(), &site.path().join("public"));
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains("the weights add up to 90, not 100"),
        "{message}"
    );
    assert!(
        message.contains("content/use-cases/coding/index.md:"),
        "{message}"
    );
    assert!(
        message.contains("data/models/gpt-5.4.yaml:2:11"),
        "{message}"
    );
    assert!(message.contains("did you mean `openai`?"), "{message}");
    assert!(message.contains("the site has 2 errors"), "{message}");
    assert!(!site.path().join("public").exists());
}

#[test]
fn usage_mistakes_exit_with_2() {
    assert_eq!(standings(&["bulid"]).status.code(), Some(2));
    assert_eq!(
        standings(&["build", "--no-such-flag"]).status.code(),
        Some(2)
    );
    let site = scratch_site();
    let root = site.path().to_str().unwrap();
    let out = standings(&["build", "--root", root, "--output", root]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("it is the site root"),
        "{}",
        stderr(&out)
    );
    let out = standings(&["build", "--root", root, "--base-url", "javascript:alert(1)"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_is_available_everywhere() {
    for args in [&["--help"][..], &["build", "--help"]] {
        let out = standings(args);
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"));
    }
}

#[test]
fn a_folder_that_is_not_a_site_is_explained() {
    let empty = tempfile::tempdir().unwrap();
    let out = standings(&["build", "--root", empty.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("has no site.yaml"),
        "{}",
        stderr(&out)
    );
}
