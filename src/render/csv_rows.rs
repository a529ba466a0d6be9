//! CSV text for the ranking files, written straight into one buffer.
//!
//! The csv crate spends a hundred instructions or more on every field to keep its streaming
//! state, and a ranking file is mostly fields: every model of the catalogue that a use case
//! leaves out takes a row of blanks around its name and reason, so a site of hundreds of use
//! cases writes millions of them. The files are small and written whole, so none of that
//! state is needed; the quoting is the crate's default, which the tests check against it.

use std::fmt::Display;
use std::io::Write;

/// Rows of comma-separated fields, each ended by a newline.
#[derive(Default)]
pub struct Rows {
    out: Vec<u8>,
    /// A field has been written on the current row.
    started: bool,
}

impl Rows {
    fn separate(&mut self) {
        if self.started {
            self.out.push(b',');
        }
        self.started = true;
    }

    /// A field of text, in quotes (with quotes inside doubled) only when it holds a comma,
    /// a quote or a line break.
    pub fn text(&mut self, text: &str) {
        self.separate();
        if !text
            .bytes()
            .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
        {
            self.out.extend_from_slice(text.as_bytes());
            return;
        }
        self.out.push(b'"');
        // Most quoted fields are sentences with a comma and no quote: copied whole.
        for (i, piece) in text.split('"').enumerate() {
            if i > 0 {
                self.out.extend_from_slice(b"\"\"");
            }
            self.out.extend_from_slice(piece.as_bytes());
        }
        self.out.push(b'"');
    }

    /// Fields another `Rows` wrote (and no end of row), appended as they are.
    pub fn encoded(&mut self, fields: &[u8]) {
        self.separate();
        self.out.extend_from_slice(fields);
    }

    /// A number as it displays, or an empty field; numbers never need quotes.
    pub fn number(&mut self, value: Option<impl Display>) {
        self.separate();
        if let Some(v) = value {
            let _ = write!(self.out, "{v}");
        }
    }

    /// `count` empty fields.
    pub fn blanks(&mut self, count: usize) {
        if count == 0 {
            return;
        }
        self.separate();
        self.out.resize(self.out.len() + count - 1, b',');
    }

    pub fn end_row(&mut self) {
        self.out.push(b'\n');
        self.started = false;
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn with_crate(records: &[Vec<String>]) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        for r in records {
            w.write_record(r).expect("writes to memory");
        }
        w.into_inner().expect("writes to memory")
    }

    fn with_rows(records: &[Vec<String>]) -> Vec<u8> {
        let mut rows = Rows::default();
        for r in records {
            for field in r {
                rows.text(field);
            }
            rows.end_row();
        }
        rows.into_bytes()
    }

    proptest! {
        // Two fields or more: a row of one empty field is the one case the crate quotes
        // specially, and no ranking file has such a row. All rows are as wide, as the crate
        // requires and as a ranking file's rows are.
        #[test]
        fn rows_are_what_the_csv_crate_writes(
            records in (2usize..6).prop_flat_map(|width| prop::collection::vec(
                prop::collection::vec("[a-z ,\"\n\r#'é]{0,6}", width),
                0..5,
            ))
        ) {
            prop_assert_eq!(with_rows(&records), with_crate(&records));
        }
    }

    #[test]
    fn blanks_and_numbers_are_plain_fields() {
        let mut rows = Rows::default();
        rows.number(Some(1));
        rows.blanks(2);
        rows.number(None::<f64>);
        rows.text("a \"b\", c");
        rows.end_row();
        assert_eq!(rows.into_bytes(), b"1,,,,\"a \"\"b\"\", c\"\n");
    }
}
