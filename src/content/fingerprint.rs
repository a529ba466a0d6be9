//! A digest of everything a use case holds, so that what is made from it can be kept between
//! builds and found again by this digest alone.
//!
//! Texts, most of a use case's bytes, are hashed as they are; the small structured parts
//! (ranking rules, dates, places in files) through their `Debug` form, which is complete and
//! needs no hand-kept list of their fields. The use-case types are taken apart without `..`,
//! so a field added to one of them does not compile until it is part of the digest: a field
//! left out would let a kept result outlive the input that changed it.

use std::collections::BTreeMap;
use std::fmt::{self, Debug, Write};
use std::path::Path;

use xxhash_rust::xxh3::Xxh3;

use crate::error::Location;
use crate::input::Origin;

use super::{Analysis, CriterionInfo, Faq, Prompt, Prompts, Prose, Question, UseCase, WhyNot};

/// The digest being built.
#[derive(Default)]
pub struct Digest {
    hash: Xxh3,
    names_use_case: bool,
}

impl Digest {
    /// Whether a text passes `use_case=` to a binding, which then reads another use case's
    /// ranking: something outside the values digested.
    pub fn names_use_case(&self) -> bool {
        self.names_use_case
    }

    /// A text, with its length first, so that two texts cannot run into one another.
    pub fn text(&mut self, text: &str) {
        self.text_bytes(text.as_bytes());
    }

    fn text_bytes(&mut self, bytes: &[u8]) {
        self.number(bytes.len());
        self.hash.update(bytes);
    }

    /// A path, as its bytes: the `Debug` form of a path escapes it character by character.
    pub fn path(&mut self, path: &Path) {
        self.text_bytes(path.as_os_str().as_encoded_bytes());
    }

    pub fn number(&mut self, n: usize) {
        self.hash.update(&(n as u64).to_le_bytes());
    }

    fn location(&mut self, at: &Location) {
        let Location { file, line, column } = at;
        self.path(file);
        self.number(*line);
        self.number(*column);
    }

    /// A value through its `Debug` form, closed by a byte no UTF-8 text holds.
    pub fn debug(&mut self, value: &impl Debug) {
        let _ = write!(Sink(&mut self.hash), "{value:?}");
        self.hash.update(&[0xff]);
    }

    pub fn part(&mut self, value: &impl Part) {
        value.add_to(self);
    }

    pub fn finish(&self) -> u128 {
        self.hash.digest128()
    }
}

/// Feeds formatted text to the hash without building a string.
struct Sink<'a>(&'a mut Xxh3);

impl Write for Sink<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// A value that can add itself to a digest.
pub trait Part {
    fn add_to(&self, d: &mut Digest);
}

impl Part for String {
    fn add_to(&self, d: &mut Digest) {
        d.text(self);
    }
}

impl<T: Part> Part for Option<T> {
    fn add_to(&self, d: &mut Digest) {
        match self {
            Some(value) => {
                d.text("some");
                value.add_to(d);
            }
            None => d.text("none"),
        }
    }
}

impl<T: Part> Part for Vec<T> {
    fn add_to(&self, d: &mut Digest) {
        d.debug(&self.len());
        for value in self {
            value.add_to(d);
        }
    }
}

impl<T: Part> Part for BTreeMap<String, T> {
    fn add_to(&self, d: &mut Digest) {
        d.debug(&self.len());
        for (key, value) in self {
            d.text(key);
            value.add_to(d);
        }
    }
}

impl Part for Prose {
    fn add_to(&self, d: &mut Digest) {
        let Prose { text, origin } = self;
        d.names_use_case |= text.contains("use_case");
        let Origin {
            file,
            line,
            shift,
            indent,
        } = origin;
        d.text(text);
        d.path(file);
        d.number(*line);
        d.number(*shift);
        d.number(*indent);
    }
}

impl Part for UseCase {
    fn add_to(&self, d: &mut Digest) {
        let UseCase {
            slug,
            title,
            short_title,
            eyebrow,
            description,
            order,
            headline,
            columns,
            spec,
            criteria_info,
            filter_notes,
            criteria_intro,
            summary,
            updated,
            why_not,
            analyses,
            prompts,
            faq,
            file,
        } = self;
        for text in [slug, title, short_title, eyebrow, description, headline] {
            d.text(text);
        }
        d.part(columns);
        d.debug(&(order, spec, updated));
        d.path(file);
        d.part(criteria_info);
        d.part(filter_notes);
        d.part(criteria_intro);
        d.part(summary);
        d.part(why_not);
        d.part(analyses);
        d.part(prompts);
        d.part(faq);
    }
}

impl Part for CriterionInfo {
    fn add_to(&self, d: &mut Digest) {
        let CriterionInfo {
            why,
            location,
            allow_claimed,
        } = self;
        d.part(why);
        d.location(location);
        d.debug(allow_claimed);
    }
}

impl Part for WhyNot {
    fn add_to(&self, d: &mut Digest) {
        let WhyNot { text, location } = self;
        d.part(text);
        d.location(location);
    }
}

impl Part for Analysis {
    fn add_to(&self, d: &mut Digest) {
        let Analysis {
            model,
            best_for,
            strengths,
            weaknesses,
            body,
            file,
        } = self;
        d.text(model);
        d.part(best_for);
        d.part(strengths);
        d.part(weaknesses);
        d.part(body);
        d.path(file);
    }
}

impl Part for Prompts {
    fn add_to(&self, d: &mut Digest) {
        let Prompts {
            intro,
            items,
            quick_start,
        } = self;
        d.part(intro);
        d.part(items);
        d.debug(quick_start);
    }
}

impl Part for Prompt {
    fn add_to(&self, d: &mut Digest) {
        let Prompt {
            title,
            language,
            text,
            expected,
        } = self;
        for text in [title, language, text] {
            d.text(text);
        }
        d.part(expected);
    }
}

impl Part for Faq {
    fn add_to(&self, d: &mut Digest) {
        let Faq { intro, items } = self;
        d.part(intro);
        d.part(items);
    }
}

impl Part for Question {
    fn add_to(&self, d: &mut Digest) {
        let Question { question, answer } = self;
        d.part(question);
        d.part(answer);
    }
}
