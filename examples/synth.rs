//! Writes a synthetic standings site for benchmarks.
//!
//! The site has the shape and volume of the Hugo corpus that `../shared/bench/gen_corpus.py`
//! writes, so the two generators can be compared on the same work: per use case a leaderboard
//! ranking 5–20 models, a ~300-word analysis of every ranked model, a prompts page with three
//! ~20-line code samples (Python, JavaScript, Bash) and a six-question FAQ. Model profiles and
//! guides come on top, in proportion to the size. A few texts use data bindings (`figure`,
//! `claim`, `table`) so that path is measured too; most prose is plain, as on real sites.
//!
//! ```sh
//! cargo run --release --example synth -- --pages 10000 --out /dev/shm/standings-10k
//! ```
//!
//! `--pages` is approximate (use cases are added until the count reaches it), and does not
//! count the head-to-head pages of the models each top puts together, which depend on the
//! computed order. The same arguments always write the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(about = "Writes a synthetic standings site of about N pages, for benchmarks.")]
struct Args {
    /// Approximate number of pages of the built site, head-to-head pages aside.
    #[arg(long, default_value_t = 1000)]
    pages: usize,
    /// The site folder to write; an existing one must be empty or an earlier synthetic site.
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// The first line of `site.yaml`; it marks a folder this program may replace.
const MARKER: &str = "# Synthetic benchmark site written by examples/synth.rs";

fn main() -> ExitCode {
    let args = Args::parse();
    let corpus = generate(args.pages, args.seed);
    match write(&args.out, &corpus) {
        Ok(bytes) => {
            eprintln!(
                "{}: {} pages expected, and head-to-head pages ({} use cases, {} models, {} guides), {} files, {} bytes",
                args.out.display(),
                corpus.pages,
                corpus.use_cases,
                corpus.models,
                corpus.guides,
                corpus.files.len(),
                bytes
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", args.out.display());
            ExitCode::FAILURE
        }
    }
}

// ----- a small deterministic random source ----------------------------------------------------

/// SplitMix64: tiny, fast, and the same on every platform, so a seed always gives one site.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A whole number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Distinct items, in the order drawn.
    fn sample<T: Clone>(&mut self, items: &[T], n: usize) -> Vec<T> {
        let mut pool: Vec<T> = items.to_vec();
        (0..n.min(pool.len()))
            .map(|_| {
                let i = self.below(pool.len());
                pool.swap_remove(i)
            })
            .collect()
    }

    fn date(&mut self, year: usize) -> String {
        format!("{year}-{:02}-{:02}", self.range(1, 12), self.range(1, 28))
    }
}

// ----- vocabulary -----------------------------------------------------------------------------

#[rustfmt::skip]
const WORDS: &[&str] = &[
    "model", "models", "benchmark", "latency", "throughput", "accuracy", "context", "window",
    "token", "tokens", "prompt", "prompts", "reasoning", "retrieval", "grounding", "evaluation",
    "dataset", "pipeline", "inference", "batching", "quantization", "adapter", "embeddings",
    "ranking", "score", "rubric", "judge", "preference", "baseline", "variance", "regression",
    "cost", "budget", "deployment", "endpoint", "provider", "region", "cache", "streaming",
    "response", "output", "input", "schema", "extraction", "summary", "translation", "review",
    "refactoring", "debugging", "tests", "coverage", "ticket", "triage", "contract", "clause",
    "policy", "audit", "invoice", "report", "analyst", "customer", "agent", "tool", "function",
    "workflow", "memory", "safety", "refusal", "drift", "monitoring", "trace", "logs", "metric",
    "quality", "consistency", "temperature", "sampling", "decoding", "locale", "domain", "jargon",
    "edge", "case", "failure", "mode", "error", "recovery", "retry", "timeout", "parallel",
    "document", "page", "table", "chart", "image", "audio", "transcript", "the", "a", "an", "of",
    "to", "in", "for", "on", "with", "at", "by", "from", "across", "under", "over", "between",
    "within", "without", "through", "and", "or", "but", "while", "because", "when", "where",
    "which", "that", "this", "these", "its", "their", "our", "strong", "weak", "fast", "slow",
    "cheap", "costly", "stable", "noisy", "reliable", "brittle", "careful", "verbose", "terse",
    "precise", "concise", "thorough", "shallow", "deep", "broad", "narrow", "robust", "efficient",
    "consistently", "rarely", "often", "usually", "typically", "noticeably", "slightly", "clearly",
    "largely", "handles", "struggles", "excels", "lags", "outperforms", "trails", "matches",
    "improves", "degrades", "recovers", "produces", "follows", "ignores", "respects", "misreads",
    "summarizes", "extracts", "ranks", "answers", "explains",
];

#[rustfmt::skip]
const TASKS: &[&str] = &[
    "Code Review", "Bug Triage", "SQL Generation", "Unit Test Writing", "API Documentation",
    "Log Analysis", "Contract Summaries", "Clause Extraction", "Invoice Parsing", "Support Replies",
    "Ticket Routing", "Meeting Notes", "Sales Emails", "Product Copy", "Sentiment Analysis",
    "Translation", "Legal Research", "Clinical Notes", "Financial Reports", "Data Cleaning",
    "Spreadsheet Formulas", "Regex Writing", "Shell Scripting", "Infrastructure as Code",
    "Incident Postmortems", "Query Rewriting", "Recommendations", "Tutoring", "Quiz Generation",
    "Resume Screening", "Chart Descriptions", "Table Questions", "Long Document QA",
    "Web Browsing Agents", "Function Calling", "JSON Extraction", "Content Moderation",
    "Fact Checking", "Citation Formatting", "Creative Writing",
];

#[rustfmt::skip]
const DOMAINS: &[&str] = &[
    "Rust", "Python", "TypeScript", "Go", "Java", "Healthcare", "Insurance", "Banking", "Retail",
    "Logistics", "Education", "Government", "Telecom", "Energy", "Manufacturing", "Gaming", "Media",
    "Real Estate", "Travel", "Pharma", "Security Teams", "Biotech", "Agriculture", "Automotive",
    "Aerospace", "Nonprofits", "Startups", "Enterprises", "Open Source", "Research Labs",
];

#[rustfmt::skip]
const FAMILIES: &[&str] = &[
    "Orion", "Nimbus", "Cobalt", "Aster", "Helix", "Quill", "Marlin", "Sable", "Vega", "Lumen",
    "Tundra", "Kestrel", "Zephyr", "Basalt", "Cinder", "Atlas", "Pico", "Rune", "Solace", "Ember",
];
#[rustfmt::skip]
const VARIANTS: &[&str] = &[
    "Mini", "Pro", "Ultra", "Lite", "Max", "Instruct", "Chat", "Coder", "Reason", "Flash", "Turbo",
    "Base",
];
#[rustfmt::skip]
const SIZES: &[&str] = &[
    "3B", "7B", "8B", "13B", "34B", "70B", "120B", "405B", "", "",
];

/// Provider ids and names; each model family belongs to one.
#[rustfmt::skip]
const PROVIDERS: &[(&str, &str)] = &[
    ("northwind", "Northwind AI"), ("bluefield", "Bluefield Labs"), ("quarry", "Quarry Systems"),
    ("lattice", "Lattice Research"), ("meridian", "Meridian"), ("foundry", "Open Foundry"),
    ("harbor", "Harbor Intelligence"), ("kite", "Kite Compute"),
];

#[rustfmt::skip]
const QUESTION_STARTS: &[&str] = &[
    "How", "Why", "When", "Which", "What", "Can", "Should", "Does", "Is",
];

// ----- metrics ----------------------------------------------------------------------------------

struct MetricDef {
    key: &'static str,
    label: &'static str,
    short: &'static str,
    unit: &'static str,
    higher: bool,
    format: &'static str,
    /// Values are drawn from `lo..hi` on a grid of `step`, so a threshold prints exactly.
    lo: f64,
    hi: f64,
    step: f64,
    source: &'static str,
}

/// Names, then direction, format, value range and source, so the table below reads as one
/// metric a line.
const fn metric(
    (key, label, short, unit): (&'static str, &'static str, &'static str, &'static str),
    higher: bool,
    format: &'static str,
    (lo, hi, step): (f64, f64, f64),
    source: &'static str,
) -> MetricDef {
    MetricDef {
        key,
        label,
        short,
        unit,
        higher,
        format,
        lo,
        hi,
        step,
        source,
    }
}

#[rustfmt::skip]
const METRICS: &[MetricDef] = &[
    metric(("quality_index", "Quality Index", "Quality", "index points"), true, "{style: number, decimals: 1}", (30.0, 90.0, 0.1), "evals"),
    metric(("accuracy", "Task accuracy", "Accuracy", "percent"), true, "{style: percent, decimals: 1}", (40.0, 98.0, 0.1), "evals"),
    metric(("win_rate", "Win rate", "Win rate", "percent"), true, "{style: percent, decimals: 1}", (5.0, 95.0, 0.1), "arena"),
    metric(("tool_use", "Tool-use score", "Tools", "score 0-1"), true, "{style: number, decimals: 3}", (0.3, 0.99, 0.001), "evals"),
    metric(("output_speed", "Output throughput", "Throughput", "tokens per second"), true, "{style: number, decimals: 1, suffix: \" tok/s\"}", (20.0, 400.0, 0.1), "speed"),
    metric(("latency_p50", "Median latency", "p50 latency", "milliseconds"), false, "{style: number, decimals: 0, suffix: \" ms\"}", (80.0, 4000.0, 1.0), "speed"),
    metric(("ttft", "Time to first token", "TTFT", "seconds"), false, "{style: number, decimals: 2, suffix: \" s\"}", (0.2, 30.0, 0.01), "speed"),
    metric(("context_window", "Context window", "Context", "tokens"), true, "{style: tokens}", (8.0, 1000.0, 8.0), "listing"),
    metric(("price_input", "Input price", "Input", "USD per 1M tokens"), false, "{style: usd}", (0.05, 15.0, 0.05), "listing"),
    metric(("price_output", "Output price", "Output", "USD per 1M tokens"), false, "{style: usd}", (0.1, 60.0, 0.05), "listing"),
];

/// Metrics a use case may use as its hard rule (the filter that leaves 5–20 models ranked).
const FILTER_METRICS: &[&str] = &[
    "quality_index",
    "accuracy",
    "win_rate",
    "output_speed",
    "latency_p50",
    "price_output",
];

fn metric_index(key: &str) -> usize {
    METRICS.iter().position(|m| m.key == key).unwrap_or(0)
}

fn metrics_yaml() -> String {
    let mut y = String::from("# Synthetic metric definitions.\n");
    for m in METRICS {
        let _ = write!(
            y,
            "\n{}:\n  label: {}\n  short_label: {}\n  unit: {}\n  better: {}\n  format: {}\n  source: {}\n  description: {} of the synthetic catalogue.\n",
            m.key,
            m.label,
            m.short,
            m.unit,
            if m.higher { "higher" } else { "lower" },
            m.format,
            m.source,
            m.label
        );
    }
    y
}

const SOURCES_YAML: &str = "evals:\n  name: Synthetic Evals\n  url: https://evals.example/\n\
arena:\n  name: Synthetic Arena\n  url: https://arena.example/\n\
speed:\n  name: Synthetic Speed Tests\n  url: https://speed.example/\n\
listing:\n  name: Gateway listing\n";

fn providers_yaml() -> String {
    PROVIDERS
        .iter()
        .map(|(id, name)| format!("{id}:\n  name: {name}\n  url: https://{id}.example/\n"))
        .collect()
}

fn site_yaml() -> String {
    format!(
        r#"{MARKER}
title: Synthetic Standings
description: Rankings of synthetic AI models by use case, for benchmarking the generator.
base_url: https://synthetic.example/
language: en
gateway:
  name: the gateway
  model_url: https://gateway.example/models/{{slug}}
quick_start:
  language: javascript
  note: Any OpenAI-compatible client works; change the model line to try another model.
  code: |
    import OpenAI from "openai";

    const client = new OpenAI({{
      baseURL: "https://gateway.example/api/v1",
      apiKey: process.env.GATEWAY_API_KEY,
    }});

    const completion = await client.chat.completions.create({{
      model: "{{{{ model }}}}",
      messages: [{{ role: "user", content: "Summarise this ticket in three bullet points." }}],
    }});

    console.log(completion.choices[0].message.content);
call_to_action:
  title: Rank them on your own terms
  text: Every ranking here is computed from the downloadable data.
  label: Download every figure (JSON)
  url: /data/models.json
footer: Synthetic figures for benchmarking; none of them describes a real model.
"#
    )
}

// ----- prose ------------------------------------------------------------------------------------

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn words(r: &mut Rng, n: usize) -> Vec<&'static str> {
    (0..n).map(|_| *r.pick(WORDS)).collect()
}

/// A sentence, sometimes with inline emphasis or code, as real prose has.
fn sentence(r: &mut Rng) -> String {
    let n = r.range(8, 20);
    let mut w: Vec<String> = words(r, n).into_iter().map(String::from).collect();
    let i = r.below(w.len());
    match r.below(100) {
        0..12 => w[i] = format!("**{}**", w[i]),
        12..22 => w[i] = format!("`{}`", w[i]),
        22..27 => w[i] = format!("*{}*", w[i]),
        _ => {}
    }
    if r.chance(0.15) {
        let cut = r.range(2, w.len() - 2);
        w[cut - 1].push(',');
    }
    format!("{}.", capitalise(&w.join(" ")))
}

/// A paragraph of `lo..=hi` words, about.
fn paragraph(r: &mut Rng, lo: usize, hi: usize) -> String {
    let target = r.range(lo, hi);
    let mut out: Vec<String> = Vec::new();
    let mut n = 0;
    while n < target {
        let s = sentence(r);
        n += s.split(' ').count();
        out.push(s);
    }
    out.join(" ")
}

fn bullet(r: &mut Rng, lo: usize, hi: usize) -> String {
    let n = r.range(lo, hi);
    capitalise(&words(r, n).join(" "))
}

/// A double-quoted YAML string.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Text as a YAML literal block at the given indentation.
fn literal(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::from("|\n");
    for line in text.lines() {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

fn slugify(s: &str) -> String {
    let mut slug = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

// ----- code samples -----------------------------------------------------------------------------

fn ident(r: &mut Rng) -> String {
    let base = r.pick(&[
        "client", "model", "result", "prompt", "items", "batch", "resp", "cfg", "scores", "rows",
        "ctx", "msg", "doc", "out", "rank", "judge",
    ]);
    let suffix = r.pick(&["", "_a", "_b", "_list", "_map", "2", "_raw", "_ok"]);
    format!("{base}{suffix}")
}

/// `header`, lines from `chunk` and `footer`: `n` lines in all.
fn fill(
    r: &mut Rng,
    header: Vec<String>,
    footer: Vec<String>,
    n: usize,
    chunk: fn(&mut Rng) -> Vec<String>,
) -> String {
    let mut lines = header;
    let budget = n - footer.len();
    while lines.len() < budget {
        let mut c = chunk(r);
        c.truncate(budget - lines.len());
        lines.extend(c);
    }
    lines.extend(footer);
    lines.join("\n") + "\n"
}

fn python(r: &mut Rng) -> String {
    let name = format!(
        "{}_{}",
        ident(r).replace('_', ""),
        r.pick(&["run", "eval", "score"])
    );
    let header = vec![
        "import json".into(),
        "import os".into(),
        "from dataclasses import dataclass".into(),
        String::new(),
        "@dataclass".into(),
        "class Case:".into(),
        "    name: str".into(),
        format!("    weight: float = 0.{}", r.range(10, 99)),
        String::new(),
        format!("def {name}(cases, temperature=0.{}):", r.range(0, 9)),
    ];
    let footer = vec![format!("    return {}", ident(r))];
    fill(r, header, footer, 20, |r| match r.below(5) {
        0 => vec![format!(
            "    print(f\"{{{}!r}} -> {}\")",
            ident(r),
            r.pick(WORDS)
        )],
        1 => vec![format!(
            "    {} = {{\"model\": \"{}\", \"max_tokens\": {}}}",
            ident(r),
            r.pick(WORDS),
            r.range(64, 4096)
        )],
        2 => vec![
            "    for i, case in enumerate(cases):".into(),
            format!(
                "        {} = case.weight * {}  # {}",
                ident(r),
                r.range(1, 99),
                bullet(r, 3, 6)
            ),
        ],
        3 => vec![
            format!("    if len(cases) > {}:", r.range(1, 50)),
            format!("        raise ValueError(\"{}\")", bullet(r, 3, 7)),
        ],
        _ => vec![format!(
            "    {} = os.environ.get(\"{}\", \"{}\")",
            ident(r),
            r.pick(WORDS).to_uppercase(),
            r.range(0, 9)
        )],
    })
}

fn javascript(r: &mut Rng) -> String {
    let header = vec![
        "import { readFile } from 'node:fs/promises';".into(),
        String::new(),
        format!(
            "const API = 'https://api.example.com/v1/{}';",
            r.pick(WORDS)
        ),
        String::new(),
        format!(
            "export async function {}{}(input, opts = {{}}) {{",
            r.pick(&["rank", "score", "ask", "judge"]),
            r.pick(FAMILIES)
        ),
    ];
    let footer = vec![
        format!("  return {{ ok: true, n: {} }};", r.range(0, 100)),
        "}".into(),
    ];
    fill(r, header, footer, 20, |r| {
        let v = ident(r).replace('_', "");
        match r.below(5) {
            0 => vec![format!("  // {}", bullet(r, 5, 10))],
            1 => vec![format!(
                "  const {v} = await fetch(API, {{ method: 'POST', body: JSON.stringify({{ input }}) }});"
            )],
            2 => vec![
                format!("  for (const row of {v} ?? []) {{"),
                format!(
                    "    console.log(`${{row.id}}: {}`, row.score * {});",
                    r.pick(WORDS),
                    r.range(1, 99)
                ),
                "  }".into(),
            ],
            3 => vec![format!(
                "  let {v} = opts.{} || {};",
                r.pick(&["limit", "retries", "timeout"]),
                r.range(1, 5000)
            )],
            _ => vec![format!(
                "  if (!{v}) throw new Error('{}');",
                bullet(r, 3, 6)
            )],
        }
    })
}

fn bash(r: &mut Rng) -> String {
    let header = vec![
        "#!/usr/bin/env bash".into(),
        "set -euo pipefail".into(),
        String::new(),
        format!(
            "MODEL=\"${{MODEL:-{}}}\"",
            slugify(FAMILIES[r.below(FAMILIES.len())])
        ),
        "OUT_DIR=\"./runs/$(date +%s)\"".into(),
        "mkdir -p \"$OUT_DIR\"".into(),
        String::new(),
    ];
    fill(r, header, vec!["echo \"done\"".into()], 20, |r| {
        match r.below(5) {
        0 => vec![format!("# {}", bullet(r, 4, 9))],
        1 => vec![
            format!("for f in data/{}/*.jsonl; do", r.pick(WORDS)),
            "  curl -sS -X POST \"$API_URL\" -H \"Content-Type: application/json\" -d @\"$f\" > \"$OUT_DIR/$(basename \"$f\")\"".into(),
            "done".into(),
        ],
        2 => vec![format!(
            "jq -r '.results[] | [.id, .score] | @tsv' \"$OUT_DIR\"/*.jsonl | sort -k2 -nr | head -n {}",
            r.range(3, 50)
        )],
        3 => vec![format!(
            "if [[ -z \"${{API_KEY:-}}\" ]]; then echo \"missing API_KEY\" >&2; exit {}; fi",
            r.range(1, 9)
        )],
        _ => vec![format!("echo \"{}: $MODEL\" | tee -a \"$OUT_DIR/log.txt\"", r.pick(WORDS))],
    }
    })
}

// ----- the catalogue ----------------------------------------------------------------------------

struct Model {
    id: String,
    name: String,
    active: bool,
    values: Vec<Option<f64>>,
}

impl Model {
    fn value(&self, key: &str) -> Option<f64> {
        self.values[metric_index(key)]
    }
}

fn draw_value(r: &mut Rng, m: &MetricDef) -> f64 {
    let steps = ((m.hi - m.lo) / m.step) as usize;
    let v = m.lo + r.range(0, steps) as f64 * m.step;
    if m.key == "context_window" {
        // Whole multiples of 8K tokens, as context windows are published.
        return (v * 1000.0).round();
    }
    let decimals = (-m.step.log10()).ceil().max(0.0) as i32;
    let scale = 10f64.powi(decimals);
    (v * scale).round() / scale
}

fn models(r: &mut Rng, count: usize) -> Vec<(Model, String)> {
    let mut names: Vec<(usize, &str)> = Vec::new();
    for f in 0..FAMILIES.len() {
        for variant in VARIANTS {
            names.push((f, variant));
        }
    }
    let chosen = r.sample(&names, count);
    let mut out: Vec<(Model, String)> = chosen
        .into_iter()
        .map(|(f, variant)| {
            let size = r.pick(SIZES);
            let name = format!("{} {variant} {size}", FAMILIES[f])
                .trim()
                .to_string();
            let provider = PROVIDERS[f % PROVIDERS.len()].0;
            model(r, name, provider)
        })
        .collect();
    out.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    out.dedup_by(|a, b| a.0.id == b.0.id);
    out
}

fn model(r: &mut Rng, name: String, provider: &str) -> (Model, String) {
    let id = slugify(&name);
    let status = match r.below(100) {
        0..4 => "deprecated",
        4..9 => "preview",
        _ => "active",
    };
    let values: Vec<Option<f64>> = METRICS
        .iter()
        .map(|m| (!r.chance(0.05)).then(|| draw_value(r, m)))
        .collect();
    let mut y = format!(
        "name: {name}\nprovider: {provider}\nstatus: {status}\ngateway_slug: {provider}/{id}\nreleased: {}\ninputs: [text{}]\nnotes: {}\nas_of: {}\n\nmetrics:\n",
        r.date(2025),
        if r.chance(0.5) { ", image" } else { "" },
        quoted(&sentence(r)),
        r.date(2026)
    );
    for (m, v) in METRICS.iter().zip(&values) {
        match v {
            None => {
                let _ = writeln!(y, "  {}: null", m.key);
            }
            Some(v) if r.chance(0.1) => {
                let _ = writeln!(y, "  {}: {{value: {v}, claimed: true}}", m.key);
            }
            Some(v) => {
                let _ = writeln!(y, "  {}: {v}", m.key);
            }
        }
    }
    let model = Model {
        id,
        name,
        active: status != "deprecated",
        values,
    };
    (model, y)
}

// ----- use cases --------------------------------------------------------------------------------

struct UseCasePlan {
    slug: String,
    title: String,
    filter_metric: &'static str,
    threshold: f64,
    /// The models that pass the filter, in catalogue order.
    ranked: Vec<usize>,
}

/// Picks a hard rule that leaves about `n` models ranked: the rule's bound is the n-th best
/// value among the active models.
fn choose_filter(r: &mut Rng, catalogue: &[Model], n: usize) -> (&'static str, f64, Vec<usize>) {
    let key = *r.pick(FILTER_METRICS);
    let higher = METRICS[metric_index(key)].higher;
    let mut values: Vec<f64> = catalogue
        .iter()
        .filter(|m| m.active)
        .filter_map(|m| m.value(key))
        .collect();
    values.sort_by(|a, b| {
        if higher {
            b.total_cmp(a)
        } else {
            a.total_cmp(b)
        }
    });
    let threshold = values[n.min(values.len()) - 1];
    let passes = |v: f64| {
        if higher {
            v >= threshold
        } else {
            v <= threshold
        }
    };
    let ranked = (0..catalogue.len())
        .filter(|&i| catalogue[i].active && catalogue[i].value(key).is_some_and(passes))
        .collect();
    (key, threshold, ranked)
}

/// Integer weights adding up to exactly 100.
fn weights(r: &mut Rng, n: usize) -> Vec<i64> {
    let raw: Vec<i64> = (0..n).map(|_| r.range(1, 10) as i64).collect();
    let total: i64 = raw.iter().sum();
    let mut w: Vec<i64> = raw.iter().map(|x| (100 * x + total / 2) / total).collect();
    let largest = (0..n)
        .max_by_key(|&i| (w[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    w[largest] += 100 - w.iter().sum::<i64>();
    w
}

fn use_case_index(r: &mut Rng, plan: &UseCasePlan, catalogue: &[Model], order: usize) -> String {
    let keys: Vec<&str> = METRICS.iter().map(|m| m.key).collect();
    let n = r.range(4, 7);
    let criteria = r.sample(&keys, n);
    let w = weights(r, criteria.len());
    let others: Vec<&str> = keys.iter().copied().filter(|k| *k != criteria[0]).collect();
    let columns = r.sample(&others, 3);
    let mut y = format!(
        "---\ntitle: {}\nshort_title: {}\ndescription: {}\norder: {order}\nupdated: {}\nheadline: {}\ncolumns: [{}]\ncriteria_intro: {}\nranking:\n  method: weighted\n  top: 5\n  criteria:\n",
        quoted(&format!("Best AI models for {}", plan.title)),
        quoted(&plan.title),
        quoted(&format!(
            "Which AI models are best for {}? Ranked by {} weighted criteria.",
            plan.title.to_lowercase(),
            criteria.len()
        )),
        r.date(2026),
        criteria[0],
        columns.join(", "),
        quoted(&paragraph(r, 40, 40)),
    );
    for (key, weight) in criteria.iter().zip(&w) {
        let _ = writeln!(y, "    - metric: {key}\n      weight: {weight}");
        if (key.starts_with("price") || *key == "latency_p50") && r.chance(0.3) {
            y.push_str("      scale: log\n");
        }
        let _ = writeln!(
            y,
            "      why: {}",
            quoted(&format!("{}.", bullet(r, 8, 16)))
        );
    }
    let op = if METRICS[metric_index(plan.filter_metric)].higher {
        ">="
    } else {
        "<="
    };
    let _ = write!(
        y,
        "  filters:\n    - metric: {}\n      op: \"{op}\"\n      value: {}\n      why: {}\n  tie_breakers: [{}]\n---\n",
        plan.filter_metric,
        plan.threshold,
        quoted(&format!("{}.", bullet(r, 6, 12))),
        r.pick(&keys)
    );
    y.push_str(&summary(r, plan, catalogue));
    y
}

/// Three paragraphs; the second names the leader on the hard rule's metric through `claim`,
/// so every build checks it.
fn summary(r: &mut Rng, plan: &UseCasePlan, catalogue: &[Model]) -> String {
    let higher = METRICS[metric_index(plan.filter_metric)].higher;
    let leader = plan
        .ranked
        .iter()
        .map(|&i| &catalogue[i])
        .filter_map(|m| m.value(plan.filter_metric).map(|v| (m, v)))
        .max_by(|a, b| {
            if higher {
                a.1.total_cmp(&b.1)
            } else {
                b.1.total_cmp(&a.1)
            }
        })
        .map(|(m, _)| m);
    let mut text = paragraph(r, 80, 120);
    text.push_str("\n\n");
    text.push_str(&paragraph(r, 60, 100));
    if let Some(m) = leader {
        let _ = write!(
            text,
            " {{{{ claim(model=\"{id}\", best=\"{key}\", among=\"ranked\") }}}} leads the ranked models on this rule with {{{{ figure(model=\"{id}\", metric=\"{key}\") }}}}.",
            id = m.id,
            key = plan.filter_metric
        );
    }
    text.push_str("\n\n");
    text.push_str(&paragraph(r, 80, 120));
    let _ = writeln!(
        text,
        "\n\nSee also the [example prompts](/use-cases/{slug}/prompts/) and the [FAQ](/use-cases/{slug}/faq/).",
        slug = plan.slug
    );
    text
}

fn analysis(r: &mut Rng, m: &Model, plan: &UseCasePlan, headline_binding: bool) -> String {
    let mut y = format!("---\nbest_for: {}\nstrengths:\n", quoted(&bullet(r, 4, 8)));
    for _ in 0..r.range(3, 5) {
        let _ = writeln!(y, "  - {}", quoted(&bullet(r, 6, 14)));
    }
    y.push_str("weaknesses:\n");
    for _ in 0..r.range(2, 4) {
        let _ = writeln!(y, "  - {}", quoted(&bullet(r, 6, 14)));
    }
    let _ = write!(
        y,
        "---\n{} is one of the models ranked for {}. {}",
        m.name,
        plan.title.to_lowercase(),
        paragraph(r, 75, 100)
    );
    if headline_binding {
        let _ = write!(
            y,
            " On the hard rule of this ranking it has {{{{ figure(model=\"{}\", metric=\"{}\") }}}}.",
            m.id, plan.filter_metric
        );
    }
    for _ in 0..2 {
        let _ = write!(y, "\n\n{}", paragraph(r, 85, 110));
    }
    let _ = writeln!(
        y,
        "\n\nBack to the [{} leaderboard](/use-cases/{}/).",
        plan.title, plan.slug
    );
    y
}

/// A code sample's title, its language and what writes it.
type Sample = (&'static str, &'static str, fn(&mut Rng) -> String);

fn prompts(r: &mut Rng) -> String {
    let mut y = String::from("---\nprompts:\n");
    let samples: [Sample; 3] = [
        ("Python", "python", python),
        ("JavaScript", "js", javascript),
        ("Shell", "bash", bash),
    ];
    for (title, language, code) in samples {
        let _ = write!(
            y,
            "  - title: {}\n    language: {language}\n    prompt: {}    expected: {}\n",
            quoted(&format!("{title}: {}", bullet(r, 3, 6))),
            literal(&code(r), 6),
            quoted(&paragraph(r, 25, 45))
        );
    }
    let _ = writeln!(y, "---\n{}", paragraph(r, 40, 70));
    y
}

fn faq(r: &mut Rng) -> String {
    let mut text = String::new();
    for _ in 0..6 {
        let n = r.range(5, 11);
        let _ = write!(
            text,
            "## {} {}?\n\n{}\n\n",
            r.pick(QUESTION_STARTS),
            words(r, n).join(" "),
            paragraph(r, 35, 75)
        );
    }
    text
}

// ----- guides and home --------------------------------------------------------------------------

fn guide(r: &mut Rng, index: usize, catalogue: &[Model], use_cases: &[UseCasePlan]) -> String {
    let visible: Vec<&Model> = catalogue.iter().collect();
    let n = r.range(2, 3);
    let chosen = r.sample(&visible, n);
    let ids: Vec<String> = chosen.iter().map(|m| quoted(&m.id)).collect();
    let names: Vec<&str> = chosen.iter().map(|m| m.name.as_str()).collect();
    let keys: Vec<&str> = METRICS.iter().map(|m| m.key).collect();
    let metrics: Vec<String> = r.sample(&keys, 4).iter().map(|k| quoted(k)).collect();
    let mut y = format!(
        "---\ntitle: {}\ndescription: {}\nmodels: [{}]\n",
        quoted(&format!("Guide {}: {}", index + 1, names.join(" vs "))),
        quoted(&format!("{}.", bullet(r, 8, 14))),
        ids.join(", ")
    );
    if !use_cases.is_empty() && r.chance(0.5) {
        let _ = writeln!(y, "use_case: {}", use_cases[r.below(use_cases.len())].slug);
    }
    let _ = write!(y, "order: {index}\nupdated: {}\n---\n", r.date(2026));
    for section in 0..4 {
        let _ = write!(
            y,
            "## {}\n\n{}\n\n",
            capitalise(&bullet(r, 2, 5)),
            paragraph(r, 90, 90)
        );
        if section == 1 {
            let _ = write!(
                y,
                "{{{{ table(models=[{}], metrics=[{}], caption=\"Side by side\") }}}}\n\n",
                ids.join(", "),
                metrics.join(", ")
            );
        }
    }
    let _ = writeln!(
        y,
        "{} answers at {{{{ figure(model=\"{}\", metric=\"output_speed\") }}}}.",
        chosen[0].name, chosen[0].id
    );
    y
}

fn home(r: &mut Rng, use_cases: usize) -> String {
    format!(
        "---\ntitle: Synthetic Standings\n---\n{}\n\nBrowse all {use_cases} rankings below.\n",
        paragraph(r, 90, 90)
    )
}

// ----- the whole site ---------------------------------------------------------------------------

/// A generated site: every file with its text, and what it amounts to.
struct Corpus {
    files: Vec<(String, String)>,
    pages: usize,
    use_cases: usize,
    models: usize,
    guides: usize,
}

fn generate(pages: usize, seed: u64) -> Corpus {
    let r = &mut Rng(seed);
    let model_count = (pages / 40).clamp(20, FAMILIES.len() * VARIANTS.len());
    let guide_count = (pages / 200).max(2);
    let mut files = vec![
        ("site.yaml".to_string(), site_yaml()),
        ("data/metrics.yaml".into(), metrics_yaml()),
        ("data/sources.yaml".into(), SOURCES_YAML.to_string()),
        ("data/providers.yaml".into(), providers_yaml()),
    ];
    let mut catalogue = Vec::new();
    for (m, yaml) in models(r, model_count) {
        files.push((format!("data/models/{}.yaml", m.id), yaml));
        catalogue.push(m);
    }
    // Home, 404, one profile per model and the guides.
    let mut count = 2 + catalogue.len() + guide_count;
    let plans = use_cases(r, &catalogue, pages, &mut count, &mut files);
    for i in 0..guide_count {
        files.push((
            format!("content/guides/guide-{}.md", i + 1),
            guide(r, i, &catalogue, &plans),
        ));
    }
    files.push(("content/index.md".into(), home(r, plans.len())));
    Corpus {
        files,
        pages: count,
        use_cases: plans.len(),
        models: catalogue.len(),
        guides: guide_count,
    }
}

fn use_cases(
    r: &mut Rng,
    catalogue: &[Model],
    pages: usize,
    count: &mut usize,
    files: &mut Vec<(String, String)>,
) -> Vec<UseCasePlan> {
    let mut combos: Vec<(&str, &str)> = Vec::new();
    for task in TASKS {
        for domain in DOMAINS {
            combos.push((task, domain));
        }
    }
    let combos = r.sample(&combos, combos.len());
    let mut plans = Vec::new();
    while *count < pages {
        let i = plans.len();
        let (task, domain) = combos[i % combos.len()];
        let round = i / combos.len();
        let title = match round {
            0 => format!("{task} for {domain}"),
            n => format!("{task} for {domain} ({})", n + 1),
        };
        let n = r.range(5, 20);
        let (filter_metric, threshold, ranked) = choose_filter(r, catalogue, n);
        let plan = UseCasePlan {
            slug: slugify(&title),
            title,
            filter_metric,
            threshold,
            ranked,
        };
        write_use_case(r, &plan, catalogue, i + 1, files);
        *count += 3 + plan.ranked.len();
        plans.push(plan);
    }
    plans
}

fn write_use_case(
    r: &mut Rng,
    plan: &UseCasePlan,
    catalogue: &[Model],
    order: usize,
    files: &mut Vec<(String, String)>,
) {
    let dir = format!("content/use-cases/{}", plan.slug);
    files.push((
        format!("{dir}/index.md"),
        use_case_index(r, plan, catalogue, order),
    ));
    for &i in &plan.ranked {
        let m = &catalogue[i];
        let binding = r.chance(0.1);
        files.push((
            format!("{dir}/analysis/{}.md", m.id),
            analysis(r, m, plan, binding),
        ));
    }
    files.push((format!("{dir}/prompts.md"), prompts(r)));
    files.push((format!("{dir}/faq.md"), faq(r)));
}

/// Writes the site into `out`, replacing an earlier synthetic site there. Returns the bytes
/// written.
fn write(out: &Path, corpus: &Corpus) -> std::io::Result<u64> {
    clear(out)?;
    let mut bytes = 0;
    for (path, text) in &corpus.files {
        let full = out.join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&full, text)?;
        bytes += text.len() as u64;
    }
    Ok(bytes)
}

/// Empties `out` only when it is a synthetic site written earlier, never anything else.
fn clear(out: &Path) -> std::io::Result<()> {
    let Ok(mut entries) = fs::read_dir(out) else {
        return Ok(());
    };
    if entries.next().is_none() {
        return Ok(());
    }
    let ours = fs::read_to_string(out.join("site.yaml")).is_ok_and(|s| s.starts_with(MARKER));
    if !ours {
        return Err(std::io::Error::other(
            "the folder is not empty and is not a synthetic site; choose another --out",
        ));
    }
    fs::remove_dir_all(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn the_same_seed_writes_the_same_site() {
        let a = generate(300, 7);
        let b = generate(300, 7);
        assert_eq!(a.files, b.files);
        assert_ne!(a.files, generate(300, 8).files);
    }

    /// Writes the synthetic site of about `pages` pages and builds it in memory.
    fn built(
        pages: usize,
    ) -> (
        Corpus,
        standings::site::Summary,
        std::collections::BTreeMap<String, Vec<u8>>,
    ) {
        let corpus = generate(pages, 42);
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &corpus).unwrap();
        let (site, _) = standings::Site::load(dir.path(), &standings::LoadOptions::default())
            .unwrap_or_else(|e| panic!("{e}\n{:#?}", e.diagnostics()));
        let out = standings::output::MemoryOutput::new();
        let summary = standings::build(Arc::new(site), &out)
            .unwrap_or_else(|e| panic!("{e}\n{:#?}", e.diagnostics()));
        (corpus, summary, out.into_files())
    }

    #[test]
    fn a_model_profile_accounts_for_every_use_case() {
        let (corpus, _, files) = built(600);
        let number = |text: &str| -> usize {
            let digits: String = text
                .chars()
                .take_while(|c| *c != ' ')
                .filter(char::is_ascii_digit)
                .collect();
            digits.parse().unwrap()
        };
        let mut counted = 0;
        for (path, html) in files.iter().filter(|(p, _)| p.starts_with("models/")) {
            let doc = scraper::Html::parse_document(&String::from_utf8_lossy(html));
            let select = |css: &str| scraper::Selector::parse(css).unwrap();
            let listed = doc.select(&select("ul.placements > li")).count();
            let counts: Vec<usize> = doc
                .select(&select("ul.not-ranked-counts > li"))
                .map(|li| number(&li.text().collect::<String>()))
                .collect();
            counted += usize::from(!counts.is_empty());
            assert_eq!(
                listed + counts.iter().sum::<usize>(),
                corpus.use_cases,
                "{path}"
            );
        }
        assert!(counted > 0, "no profile counted its not-ranked use cases");
    }

    #[test]
    fn a_small_synthetic_site_loads_and_builds() {
        let (corpus, summary, files) = built(300);
        // Which models share a top, and so get a comparison, depends on the computed order.
        let comparisons = files.keys().filter(|p| p.starts_with("compare/")).count();
        assert!(comparisons > 0);
        assert_eq!(summary.pages, corpus.pages + comparisons);
        let page = files
            .keys()
            .find(|p| p.ends_with("/prompts/index.html"))
            .unwrap();
        let html = String::from_utf8_lossy(&files[page]);
        let code = html.split("<code class=\"language-").nth(1).unwrap();
        let code = code.split("</code>").next().unwrap();
        assert!(code.contains("<span class=\"l"), "not highlighted: {code}");
    }

    #[test]
    fn weights_add_up_to_a_hundred() {
        let r = &mut Rng(1);
        for n in 1..=7 {
            let w = weights(r, n);
            assert_eq!(w.iter().sum::<i64>(), 100);
            assert!(w.iter().all(|&x| x > 0));
        }
    }
}
