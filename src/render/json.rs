//! Pretty JSON written straight into a buffer, byte for byte as `serde_json::to_vec_pretty`
//! writes it.
//!
//! Every use case publishes a `ranking.json`, and most of it is the models the ranking leaves
//! out: hundreds of small objects per file, each with a sentence. Through serde every key
//! goes through the string escaper as well as every value, and the escaper looks at one byte
//! at a time; together that was a third of the ranking files' cost. Here keys are written as
//! they are (they are our own identifiers), and the leading stretch of a text that needs no
//! escape is skipped eight bytes at a time. The tests hold the output to serde_json's for
//! random documents.

use serde_json::ser::{CompactFormatter, Formatter};

use super::{clean_words, has_below, has_byte};

/// A JSON document under construction, indented by two spaces as serde_json's pretty printer
/// does.
#[derive(Default)]
pub struct Pretty {
    out: Vec<u8>,
    depth: usize,
    /// The innermost open object or array already holds a value.
    has_value: bool,
}

impl Pretty {
    pub fn with_capacity(capacity: usize) -> Pretty {
        Pretty {
            out: Vec::with_capacity(capacity),
            ..Pretty::default()
        }
    }

    pub fn begin_object(&mut self) {
        self.open(b'{');
    }

    pub fn end_object(&mut self) {
        self.close(b'}');
    }

    pub fn begin_array(&mut self) {
        self.open(b'[');
    }

    pub fn end_array(&mut self) {
        self.close(b']');
    }

    /// Starts the member `key` of the open object; its value comes next. `key` is written
    /// without escaping, so it must be plain text with no quote, backslash or control byte.
    pub fn key(&mut self, key: &str) {
        debug_assert!(!key.bytes().any(needs_escape), "key {key:?} needs escaping");
        self.next_item();
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }

    /// Starts the next element of the open array; its value comes next.
    pub fn element(&mut self) {
        self.next_item();
    }

    pub fn str(&mut self, text: &str) {
        self.out.push(b'"');
        escape_into(&mut self.out, text);
        self.out.push(b'"');
        self.has_value = true;
    }

    /// A number as serde_json writes an `f64`: shortest round-trip digits, `null` when not
    /// finite.
    pub fn f64(&mut self, value: f64) {
        if value.is_finite() {
            // Writing into a Vec cannot fail.
            let _ = CompactFormatter.write_f64(&mut self.out, value);
        } else {
            self.out.extend_from_slice(b"null");
        }
        self.has_value = true;
    }

    pub fn opt_f64(&mut self, value: Option<f64>) {
        match value {
            Some(v) => self.f64(v),
            None => self.null(),
        }
    }

    pub fn int(&mut self, value: u64) {
        // Writing into a Vec cannot fail.
        let _ = CompactFormatter.write_u64(&mut self.out, value);
        self.has_value = true;
    }

    pub fn signed(&mut self, value: i64) {
        // Writing into a Vec cannot fail.
        let _ = CompactFormatter.write_i64(&mut self.out, value);
        self.has_value = true;
    }

    pub fn null(&mut self) {
        self.out.extend_from_slice(b"null");
        self.has_value = true;
    }

    /// The document, ended by a newline.
    pub fn finish(mut self) -> Vec<u8> {
        self.out.push(b'\n');
        self.out
    }

    fn open(&mut self, bracket: u8) {
        self.depth += 1;
        self.has_value = false;
        self.out.push(bracket);
    }

    fn close(&mut self, bracket: u8) {
        self.depth -= 1;
        if self.has_value {
            self.out.push(b'\n');
            self.indent();
        }
        self.out.push(bracket);
        self.has_value = true;
    }

    fn next_item(&mut self) {
        self.out
            .extend_from_slice(if self.has_value { b",\n" } else { b"\n" });
        self.indent();
    }

    fn indent(&mut self) {
        self.out.resize(self.out.len() + 2 * self.depth, b' ');
    }
}

fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Whether any of the eight bytes packed in `word` needs escaping: a quote, a backslash or a
/// control byte.
fn word_needs_escape(word: u64) -> bool {
    has_below(word, 0x20) || has_byte(word, b'"') || has_byte(word, b'\\')
}

/// `text` as the inside of a JSON string, escaped as serde_json escapes it.
fn escape_into(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let clean = clean_words(bytes, word_needs_escape);
    let (plain, rest) = bytes.split_at(clean);
    out.extend_from_slice(plain);
    let mut start = 0;
    for (i, &b) in rest.iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        out.extend_from_slice(&rest[start..i]);
        start = i + 1;
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
    }
    out.extend_from_slice(&rest[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

    /// A JSON document whose objects keep their members in order, as the writer does.
    #[derive(Debug, Clone)]
    enum Doc {
        Null,
        Int(u64),
        Float(f64),
        Text(String),
        Array(Vec<Doc>),
        Object(Vec<(String, Doc)>),
    }

    impl Serialize for Doc {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                Doc::Null => s.serialize_unit(),
                Doc::Int(i) => s.serialize_u64(*i),
                Doc::Float(f) => s.serialize_f64(*f),
                Doc::Text(t) => s.serialize_str(t),
                Doc::Array(items) => {
                    let mut seq = s.serialize_seq(Some(items.len()))?;
                    for item in items {
                        seq.serialize_element(item)?;
                    }
                    seq.end()
                }
                Doc::Object(members) => {
                    let mut map = s.serialize_map(Some(members.len()))?;
                    for (k, v) in members {
                        map.serialize_entry(k, v)?;
                    }
                    map.end()
                }
            }
        }
    }

    fn write(doc: &Doc, j: &mut Pretty) {
        match doc {
            Doc::Null => j.null(),
            Doc::Int(i) => j.int(*i),
            Doc::Float(f) => j.f64(*f),
            Doc::Text(t) => j.str(t),
            Doc::Array(items) => {
                j.begin_array();
                for item in items {
                    j.element();
                    write(item, j);
                }
                j.end_array();
            }
            Doc::Object(members) => {
                j.begin_object();
                for (k, v) in members {
                    j.key(k);
                    write(v, j);
                }
                j.end_object();
            }
        }
    }

    fn doc() -> impl Strategy<Value = Doc> {
        // Text mixes plain runs longer than a word with every byte that needs escaping.
        let text = "([a-z ]{0,12}|[\"\\\\\u{0}-\u{1f}\u{7f}é€😀]){0,6}".prop_map(Doc::Text);
        let leaf = prop_oneof![
            Just(Doc::Null),
            any::<u64>().prop_map(Doc::Int),
            any::<f64>().prop_map(Doc::Float),
            prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-0.0)].prop_map(Doc::Float),
            text,
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Doc::Array),
                prop::collection::vec(("[a-z_]{1,10}", inner), 0..6).prop_map(Doc::Object),
            ]
        })
    }

    proptest! {
        #[test]
        fn writes_what_serde_json_writes(doc in doc()) {
            let mut j = Pretty::default();
            write(&doc, &mut j);
            let mut expected = serde_json::to_vec_pretty(&doc).unwrap();
            expected.push(b'\n');
            prop_assert_eq!(String::from_utf8(j.finish()).unwrap(), String::from_utf8(expected).unwrap());
        }

        #[test]
        fn escapes_text_as_serde_json_does(text in "[\u{0}-\u{7f}é€😀]{0,40}") {
            let mut out = Vec::new();
            escape_into(&mut out, &text);
            let expected = serde_json::to_string(&text).unwrap();
            prop_assert_eq!(String::from_utf8(out).unwrap(), &expected[1..expected.len() - 1]);
        }
    }
}
