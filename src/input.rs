//! Reading source files safely: size limits, UTF-8, front matter and YAML with locations.
//!
//! Every location handed out here is in the coordinates of the whole file, so a YAML error in
//! front matter or a bad value in a data file points at the line an editor sees.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_saphyr::{Budget, Options};

use crate::error::{Diagnostic, Location};

/// No source file of a site comes near this size; a larger one is a mistake (or an attack)
/// and is refused, with no more than this read of it.
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// A file of the site, read and checked, with its path relative to the site root.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

impl SourceFile {
    /// Reads `rel` under `root`, refusing files that are too large or not UTF-8.
    pub fn read(root: &Path, rel: &Path) -> Result<SourceFile, Diagnostic> {
        let here = Location::file(rel);
        let cannot = |e: std::io::Error| {
            Diagnostic::error(here.clone(), format!("cannot read the file: {e}"))
        };
        let file = fs::File::open(root.join(rel)).map_err(cannot)?;
        let bytes = read_limited(&file).map_err(cannot)?;
        let Some(bytes) = bytes else {
            // A file that grew while read, or a device, says nothing true of its size.
            let size = file
                .metadata()
                .map_or(0, |m| m.len())
                .max(MAX_FILE_BYTES + 1);
            return Err(Diagnostic::error(
                here,
                format!(
                    "the file is {}, larger than the {} limit for a source file",
                    human_bytes(size),
                    human_bytes(MAX_FILE_BYTES)
                ),
            ));
        };
        let text =
            String::from_utf8(bytes).map_err(|e| not_utf8(rel, e.as_bytes(), e.utf8_error()))?;
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        Ok(SourceFile {
            path: rel.to_path_buf(),
            text,
        })
    }
}

/// The bytes of `file`, or none when it holds more than [`MAX_FILE_BYTES`], of which no more
/// than that is read. The size is not asked for first: a site has thousands of small files,
/// and that question was a visible share of loading.
fn read_limited(file: &fs::File) -> std::io::Result<Option<Vec<u8>>> {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    /// Most source files fit in one read into a buffer of this size.
    const KEPT: usize = 64 * 1024;
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        buffer.reserve(KEPT);
        let read = file.take(MAX_FILE_BYTES + 1).read_to_end(buffer);
        // The buffer is the thread's; a rare large file does not keep its room.
        let bytes = (buffer.len() as u64 <= MAX_FILE_BYTES).then(|| buffer.to_vec());
        buffer.truncate(0);
        buffer.shrink_to(KEPT);
        read.map(|_| bytes)
    })
}

fn not_utf8(rel: &Path, bytes: &[u8], error: std::str::Utf8Error) -> Diagnostic {
    let valid = &bytes[..error.valid_up_to()];
    let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count()
        + 1;
    Diagnostic::error(
        Location::new(rel, line, column),
        "the file is not valid UTF-8 text; save it as UTF-8",
    )
}

pub fn human_bytes(n: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if n >= 1024 * 1024 {
        format!("{:.1} MiB", n as f64 / MIB)
    } else if n >= 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} bytes")
    }
}

/// Where a piece of text sits in its file: used to turn positions inside that text
/// (a YAML document, a Markdown body) back into file positions.
///
/// The path is shared: a file's every piece of prose (an analysis has a dozen) points at
/// one copy, which on a site of 100k pages keeps tens of megabytes of paths out of memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: Arc<Path>,
    /// The 1-based line of the file on which the text starts.
    pub line: usize,
    /// How many columns of its first line precede the text: a YAML value starts after its
    /// key (`best_for: Agents that…`), a quoted one after its quote too.
    pub shift: usize,
    /// How many columns of each later line precede the text: a YAML block's indentation.
    pub indent: usize,
}

impl Origin {
    pub fn new(file: impl AsRef<Path>, line: usize) -> Self {
        Origin {
            file: Arc::from(file.as_ref()),
            line,
            shift: 0,
            indent: 0,
        }
    }

    /// The origin of a piece of this text that starts `lines` lines further down.
    pub fn down(&self, lines: usize) -> Origin {
        Origin {
            file: Arc::clone(&self.file),
            line: self.line + lines,
            shift: if lines == 0 { self.shift } else { self.indent },
            indent: self.indent,
        }
    }

    /// A position given relative to the text (1-based line and column).
    pub fn at(&self, line: usize, column: usize) -> Location {
        Location::new(
            &*self.file,
            self.line + line.max(1) - 1,
            column + self.shift_on(line),
        )
    }

    /// Where the text of the string value `spanned` of the YAML text `yaml` (which starts at
    /// this origin) starts in the file. The parser places a value where its text starts,
    /// except that a quoted one starts at its quote. The later lines of a block (`|`, `>`)
    /// are indented as its first; lines a quoted or plain value folds into one are placed
    /// as its first.
    pub fn of_text(&self, spanned: &Spanned<String>, yaml: &str, lines: &Lines) -> Origin {
        let line = spanned.line as usize;
        if line == 0 {
            return self.down(0);
        }
        let column = (spanned.column as usize).max(1);
        let first = lines.line(yaml, line);
        let (shift, indent) = match first.chars().nth(column - 1) {
            Some('"' | '\'') => (column, 0),
            _ => (column - 1, column - 1),
        };
        Origin {
            file: Arc::clone(&self.file),
            line: self.line + line - 1,
            shift: self.shift_on(line) + shift,
            indent: self.shift_on(line + 1) + indent,
        }
    }

    /// How far this origin moves the columns of its text's line `line`.
    fn shift_on(&self, line: usize) -> usize {
        if line <= 1 { self.shift } else { self.indent }
    }

    /// The location of a value read with [`Spanned`].
    pub fn of<T>(&self, spanned: &Spanned<T>) -> Location {
        if spanned.line == 0 {
            return Location::file(&*self.file);
        }
        self.at(spanned.line as usize, spanned.column as usize)
    }

    pub fn error(&self, line: usize, column: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.at(line, column), message)
    }
}

/// Where each line of a text starts. A front matter places each of its values (a dozen in an
/// analysis) by the text of the value's line; counting lines from the start for each was a
/// sixtieth of a large site's instructions.
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let ends = text.match_indices('\n').map(|(i, _)| i + 1);
        let starts = std::iter::once(0).chain(ends);
        Lines {
            starts: starts.filter(|&start| start < text.len()).collect(),
        }
    }

    /// Line `n` (from 1) of `text`, the text these lines were found in, as `str::lines`
    /// gives it; empty past the last line.
    pub fn line<'t>(&self, text: &'t str, n: usize) -> &'t str {
        let Some(&start) = n.checked_sub(1).and_then(|i| self.starts.get(i)) else {
            return "";
        };
        let rest = &text[start..];
        match rest.split_once('\n') {
            Some((line, _)) => line.strip_suffix('\r').unwrap_or(line),
            None => rest,
        }
    }
}

/// A value of a YAML file with the line and column (1-based, relative to the YAML text) it
/// was written at; 0 when unknown.
///
/// serde-saphyr's own `Spanned` holds its `Location`, which cannot be made outside it, and so
/// could not be kept between builds with the rest of a parsed front matter
/// ([`crate::sources`]). This one reads through it from YAML, and from the compact form a
/// kept value is stored in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub line: u32,
    pub column: u32,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            let read = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
            let place = read.referenced;
            let narrow = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
            return Ok(Spanned {
                value: read.value,
                line: narrow(place.line()),
                column: narrow(place.column()),
            });
        }
        let (value, line, column) = Deserialize::deserialize(deserializer)?;
        Ok(Spanned {
            value,
            line,
            column,
        })
    }
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (&self.value, self.line, self.column).serialize(serializer)
    }
}

/// A Markdown file split into its YAML front matter and its body.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// Front matter, without its fences; empty when the file has none.
    pub yaml: &'a str,
    pub yaml_origin: Origin,
    pub body: &'a str,
    pub body_origin: Origin,
}

/// Splits `---` fenced front matter from the Markdown body.
pub fn split_front_matter<'a>(file: &'a SourceFile) -> Result<Document<'a>, Diagnostic> {
    let text = file.text.as_str();
    let Some(after_open) = strip_fence(text) else {
        let origin = Origin::new(&file.path, 1);
        return Ok(Document {
            yaml: "",
            yaml_origin: origin.clone(),
            body: text,
            body_origin: origin,
        });
    };
    let yaml_start = text.len() - after_open.len();
    let mut offset = yaml_start;
    for (line, raw) in (2..).zip(after_open.split_inclusive('\n')) {
        if raw.trim_end() == "---" {
            let body_start = offset + raw.len();
            let yaml_origin = Origin::new(&file.path, 2);
            return Ok(Document {
                yaml: &text[yaml_start..offset],
                body_origin: yaml_origin.down(line - 1),
                yaml_origin,
                body: &text[body_start..],
            });
        }
        offset += raw.len();
    }
    Err(Diagnostic::error(
        Location::file(&file.path),
        "the front matter opened with `---` on line 1 is never closed",
    )
    .with_help("end the front matter with a line holding only `---`"))
}

fn strip_fence(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---")?;
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
}

/// Limits that keep a hostile file (an alias "billion laughs", a deep nest) from exhausting
/// memory or time: a real site's files stay far below them.
fn yaml_options() -> Options {
    let mut budget = Budget::default();
    budget.max_events = 200_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_depth = 64;
    budget.max_nodes = 200_000;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = 100_000;
    options
}

/// More nodes than any site file has; a document whose aliases expand beyond this is an alias
/// bomb ("billion laughs").
const MAX_EXPANDED_NODES: usize = 100_000;

/// Counts the nodes a document would have with every alias expanded, stopping at the first
/// alias that takes the count past the limit. Anchors are rare in site files, so documents
/// without both `&` and `*` skip the scan.
fn check_aliases(yaml: &str, origin: &Origin) -> Result<(), Diagnostic> {
    use serde_saphyr::granit_parser::{Event, Parser};
    if !(yaml.contains('&') && yaml.contains('*')) {
        return Ok(());
    }
    let mut sizes: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    // Open collections: (anchor id, nodes so far).
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut total = 0usize;
    for event in Parser::new_from_str(yaml) {
        let Ok((event, span)) = event else {
            return Ok(());
        };
        let finished = match event {
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                open.push((anchor, 1));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => open.pop(),
            Event::Scalar(_, _, anchor, _) => Some((anchor, 1)),
            Event::Alias(id) => Some((0, sizes.get(&id).copied().unwrap_or(1))),
            _ => None,
        };
        let Some((anchor, size)) = finished else {
            continue;
        };
        if anchor != 0 {
            sizes.insert(anchor, size);
        }
        match open.last_mut() {
            Some((_, count)) => *count = count.saturating_add(size),
            None => total = total.saturating_add(size),
        }
        let expanded = open
            .iter()
            .fold(total, |acc, (_, c)| acc.saturating_add(*c));
        if expanded > MAX_EXPANDED_NODES {
            return Err(origin
                .error(span.start.line(), span.start.col() + 1, format!(
                    "the YAML's aliases expand to more than {MAX_EXPANDED_NODES} values; this looks like an alias bomb and is not read"
                ))
                .with_help("write the values out instead of repeating anchors with `*`"));
        }
    }
    Ok(())
}

/// Parses YAML into `T`, turning errors into diagnostics at the right place of the file.
pub fn parse_yaml<T: DeserializeOwned>(yaml: &str, origin: &Origin) -> Result<T, Diagnostic> {
    check_aliases(yaml, origin)?;
    // An empty document is an empty mapping: a file with no settings yet is not an error.
    let source = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_saphyr::from_str_with_options(source, yaml_options())
        .map_err(|e| syntax_error(source, origin).unwrap_or_else(|| yaml_diagnostic(&e, origin)))
}

/// The first YAML syntax error of a document, if it has one. Deserialisation stops at the
/// first value of the wrong type, which can sit before a syntax error that is the real
/// cause (an unclosed bracket further down), so a failed document is scanned whole.
fn syntax_error(yaml: &str, origin: &Origin) -> Option<Diagnostic> {
    let error = serde_saphyr::granit_parser::Parser::new_from_str(yaml).find_map(Result::err)?;
    let mark = error.marker();
    Some(origin.error(
        mark.line(),
        mark.col() + 1,
        format!("the YAML is malformed: {}", error.info()),
    ))
}

fn yaml_diagnostic(error: &serde_saphyr::Error, origin: &Origin) -> Diagnostic {
    use serde_saphyr::MessageFormatter;
    let formatter = serde_saphyr::DefaultMessageFormatter;
    let message = formatter
        .format_message(error.without_snippet())
        .into_owned();
    let location = match error.location() {
        Some(l) if l.line() > 0 => origin.at(l.line() as usize, l.column() as usize),
        _ => Location::file(&*origin.file),
    };
    let help = suggestion_for(&message);
    let diagnostic = Diagnostic::error(location, clean_message(&message));
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// serde's "unknown field `wieght`, expected one of `metric`, `weight`" names the valid
/// fields; pick the nearest one for a "did you mean".
fn suggestion_for(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected = rest.split_once("expected ")?.1;
    let known: Vec<&str> = expected
        .trim_start_matches("one of ")
        .split(", ")
        .map(|s| s.trim_matches('`'))
        .collect();
    crate::error::did_you_mean(field, known)
}

fn clean_message(message: &str) -> String {
    if message.starts_with("duplicate mapping key") {
        let key = message
            .trim_start_matches("duplicate mapping key: ")
            .split(',')
            .next()
            .unwrap_or_default();
        return format!("the key `{key}` appears twice in this mapping");
    }
    if message == "invalid floating point" || message.starts_with("invalid floating point") {
        return "expected a number here".to_string();
    }
    if message == "expected string scalar" {
        return "expected a single text value here".to_string();
    }
    if message.contains("budget") || message.contains("Budget") {
        return format!(
            "the YAML is too large or uses too many aliases to be read safely ({message})"
        );
    }
    message.to_string()
}

/// A YAML mapping read in file order with the location of every key, so that a bad id is
/// reported on its own line.
#[derive(Debug, Clone)]
pub struct Entries<V>(pub Vec<(Spanned<String>, V)>);

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, V: serde::Deserialize<'de>> serde::Deserialize<'de> for Entries<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<V>(std::marker::PhantomData<V>);
        impl<'de, V: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Entries(Vec::new()))
            }
        }
        deserializer.deserialize_map(Visit(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Deserialize;

    proptest! {
        // Line endings of both kinds, a lone carriage return, and empty lines.
        #[test]
        fn a_line_is_the_one_str_lines_gives(text in "[ab\r\n]{0,12}") {
            let lines = Lines::new(&text);
            for n in 0..=text.len() + 1 {
                let expected = n.checked_sub(1).and_then(|i| text.lines().nth(i));
                prop_assert_eq!(lines.line(&text, n), expected.unwrap_or_default(), "line {}", n);
            }
        }
    }

    fn source(text: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from("content/x.md"),
            text: text.to_string(),
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Front {
        title: String,
        #[serde(default)]
        weight: Option<f64>,
    }

    /// Where the text of each value of `yaml` (front matter starting on line 2 of its file)
    /// places the relative position `at`.
    fn placed(yaml: &str, at: (usize, usize)) -> Vec<(usize, usize)> {
        #[derive(Deserialize)]
        struct Texts {
            texts: Vec<Spanned<String>>,
        }
        let origin = Origin::new("content/x.md", 2);
        let texts: Texts = parse_yaml(yaml, &origin).unwrap();
        let place = |s: &Spanned<String>| {
            let location = origin.of_text(s, yaml, &Lines::new(yaml)).at(at.0, at.1);
            (location.line, location.column)
        };
        texts.texts.iter().map(place).collect()
    }

    #[test]
    fn a_value_s_text_is_placed_where_the_file_holds_it() {
        let yaml = "texts:\n  - plain words\n  - 'quoted words'\n  - \"double\"\n  - |\n    first\n    second\n";
        // Column 3 of the text's first line: the `a` of `plain`, the `o` of `quoted`, the
        // `u` of `double`, the `r` of `first`; a block's second line is its own.
        assert_eq!(placed(yaml, (1, 3)), [(3, 7), (4, 8), (5, 8), (7, 7)]);
        assert_eq!(placed(yaml, (2, 1))[3], (8, 5));
    }

    #[test]
    fn a_file_at_the_size_limit_is_read_and_one_byte_more_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let limit = MAX_FILE_BYTES as usize;
        fs::write(dir.path().join("at.md"), "a".repeat(limit)).unwrap();
        fs::write(dir.path().join("over.md"), "a".repeat(limit + 1)).unwrap();
        fs::write(dir.path().join("small.md"), "small").unwrap();
        let read = |name: &str| SourceFile::read(dir.path(), Path::new(name));
        assert_eq!(read("at.md").unwrap().text.len(), limit);
        let refused = read("over.md").unwrap_err();
        let message = &refused.message;
        assert!(
            message.contains("larger than the 2.0 MiB limit"),
            "{message}"
        );
        // The thread's buffer holds nothing of the larger files read before.
        assert_eq!(read("small.md").unwrap().text, "small");
    }

    #[test]
    fn front_matter_errors_point_at_the_file_line() {
        let file = source("---\ntitle: A\nweight: heavy\n---\nBody\n");
        let doc = split_front_matter(&file).unwrap();
        assert_eq!(doc.body, "Body\n");
        assert_eq!(doc.body_origin.line, 5);
        let err = parse_yaml::<Front>(doc.yaml, &doc.yaml_origin).unwrap_err();
        let location = err.location.unwrap();
        assert_eq!((location.line, location.column), (3, 9));
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        let file = source("---\ntitle: A\nBody\n");
        let err = split_front_matter(&file).unwrap_err();
        assert!(err.message.contains("never closed"), "{}", err.message);
    }

    #[test]
    fn misspelt_keys_get_a_suggestion() {
        let origin = Origin::new("site.yaml", 1);
        let ok = parse_yaml::<Front>("title: A\nweight: 3\n", &origin).unwrap();
        assert_eq!((ok.title.as_str(), ok.weight), ("A", Some(3.0)));
        let err = parse_yaml::<Front>("title: A\nwieght: 3\n", &origin).unwrap_err();
        assert_eq!(err.help.as_deref(), Some("did you mean `weight`?"));
        assert_eq!(err.location.unwrap().line, 2);
    }

    #[test]
    fn entries_keep_key_locations() {
        let origin = Origin::new("data/metrics.yaml", 1);
        let e: Entries<u32> = parse_yaml("a: 1\nb: 2\n", &origin).unwrap();
        assert_eq!(e.0[1].0.value, "b");
        assert_eq!(origin.of(&e.0[1].0).line, 2);
    }

    #[test]
    fn alias_bombs_are_refused_before_expansion() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g"])
        {
            bomb.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 10].join(", ")
            ));
        }
        let err = parse_yaml::<Entries<Vec<String>>>(&bomb, &Origin::new("x.yaml", 1)).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{}", err.message);
        let ok = "a: &a [x, y]\nb: *a\n";
        let parsed = parse_yaml::<Entries<Vec<String>>>(ok, &Origin::new("x.yaml", 1)).unwrap();
        assert_eq!(parsed.0[1].1, ["x", "y"]);
    }

    #[test]
    fn a_file_without_front_matter_is_all_body() {
        let file = source("# Title\n");
        let doc = split_front_matter(&file).unwrap();
        assert_eq!(doc.yaml, "");
        assert_eq!(doc.body, "# Title\n");
    }
}
