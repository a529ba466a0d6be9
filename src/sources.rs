//! The site's source folder, and the front matter earlier builds parsed from it, kept in
//! `.standings-cache/front/`.
//!
//! Parsing YAML took about a tenth of a warm 10,000-page build's processor time, nearly all
//! of it front matter that had not changed since the build before: the few hundred bytes of
//! an analysis file cost some 12 µs in the parser. A build now keeps each document's parsed
//! value in a compact binary form (postcard), by the hash of its type and its text, and the
//! next build decodes the kept value instead of parsing text it has seen.
//!
//! Only documents that parsed without error are kept, so every error is still found by the
//! parser and reported with its line and column; a kept value carries the lines and columns
//! its own diagnostics need ([`crate::input::Spanned`]). A value is only taken from a
//! program built from the same source as the one that kept it: the key holds a fingerprint
//! of the source (`build.rs`), because a changed type would decode into nonsense rather than
//! fail. Each value is stored with a checksum, and one that fails it, or does not decode
//! exactly, is parsed again. The record is a cache: a missing or damaged one is ignored.

use std::fs;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rustc_hash::FxHashMap;
use serde::Serialize;
use serde::de::DeserializeOwned;
use xxhash_rust::xxh3::{xxh3_64_with_seed, xxh3_128_with_seed};

use crate::cache::{CACHE_DIR, write_whole};
use crate::error::Diagnostic;
use crate::input::{Origin, parse_yaml};

/// The first bytes of a record; the number changes with its layout.
const MAGIC: &[u8; 16] = b"standings-front2";

/// The site root, the parsed front matter an earlier build kept, and what this build parses
/// or reuses.
#[derive(Default)]
pub struct Sources {
    root: PathBuf,
    /// Where the record is kept; none when nothing is kept between builds.
    path: Option<PathBuf>,
    /// Tells the values kept by this program's source from another's.
    seed: u64,
    /// The record as read, and where each kept value lies in it.
    record: Vec<u8>,
    known: FxHashMap<u128, Range<usize>>,
    /// The values this build used, by key: a range of `record`, or new bytes.
    used: Mutex<Vec<(u128, Kept)>>,
}

enum Kept {
    Old(Range<usize>),
    New(Vec<u8>),
}

impl Sources {
    /// The sources under `root`, parsed without keeping anything, as for a single file read
    /// again.
    pub fn uncached(root: &Path) -> Sources {
        Sources {
            root: root.to_path_buf(),
            ..Sources::default()
        }
    }

    /// The sources under `root`, with the values kept there for this program.
    pub fn load(root: &Path) -> Sources {
        let seed = xxh3_64_with_seed(env!("STANDINGS_SOURCE_HASH").as_bytes(), 0);
        let path = root.join(CACHE_DIR).join("front").join("documents");
        let record = fs::read(&path).unwrap_or_default();
        let known = index(&record).unwrap_or_default();
        Sources {
            root: root.to_path_buf(),
            path: Some(path),
            seed,
            record,
            known,
            used: Mutex::default(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The front matter `yaml` as a `T`: the kept value when there is one, else parsed.
    pub fn parse<T: Serialize + DeserializeOwned>(
        &self,
        yaml: &str,
        origin: &Origin,
    ) -> Result<T, Diagnostic> {
        if self.path.is_none() {
            return parse_yaml(yaml, origin);
        }
        let type_seed = xxh3_64_with_seed(std::any::type_name::<T>().as_bytes(), self.seed);
        let key = xxh3_128_with_seed(yaml.as_bytes(), type_seed);
        if let Some(range) = self.known.get(&key)
            && let Ok((value, [])) = postcard::take_from_bytes(&self.record[range.clone()])
        {
            self.keep(key, Kept::Old(range.clone()));
            return Ok(value);
        }
        let value = parse_yaml(yaml, origin)?;
        if let Ok(bytes) = postcard::to_allocvec(&value) {
            self.keep(key, Kept::New(bytes));
        }
        Ok(value)
    }

    fn keep(&self, key: u128, kept: Kept) {
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        used.push((key, kept));
    }

    /// Replaces the record with the values this build used. Best effort: a record that
    /// cannot be written only costs the next build the parsing.
    pub fn save(self) {
        let Some(path) = &self.path else {
            return;
        };
        let mut used = self.used.into_inner().unwrap_or_else(|p| p.into_inner());
        used.sort_unstable_by_key(|(key, _)| *key);
        used.dedup_by_key(|(key, _)| *key);
        // At 100,000 pages the record is tens of megabytes; one that would not change is
        // not written again.
        let reused = used.iter().all(|(_, kept)| matches!(kept, Kept::Old(_)));
        if reused && used.len() == self.known.len() {
            return;
        }
        let values = used.iter().map(|(key, kept)| match kept {
            Kept::Old(range) => (key, &self.record[range.clone()]),
            Kept::New(value) => (key, value.as_slice()),
        });
        write_whole(path, |file| write_record(file, values));
    }
}

/// Writes the values by key, each after its length and checksum, as they go: at 100,000
/// pages the record is tens of megabytes, which a copy in memory would add to the build's
/// peak.
fn write_record<'a>(
    file: &mut dyn Write,
    values: impl Iterator<Item = (&'a u128, &'a [u8])>,
) -> std::io::Result<()> {
    file.write_all(MAGIC)?;
    for (key, value) in values {
        file.write_all(&key.to_le_bytes())?;
        file.write_all(&(value.len() as u64).to_le_bytes())?;
        file.write_all(&xxh3_64_with_seed(value, 0).to_le_bytes())?;
        file.write_all(value)?;
    }
    Ok(())
}

/// Where each sound value of a record lies; `None` for a record that is not whole. A value
/// that fails its checksum is left out.
fn index(record: &[u8]) -> Option<FxHashMap<u128, Range<usize>>> {
    let mut at = MAGIC.len();
    if record.get(..at)? != MAGIC {
        return None;
    }
    let word = |at: usize| -> Option<u64> {
        Some(u64::from_le_bytes(record.get(at..at + 8)?.try_into().ok()?))
    };
    let mut known = FxHashMap::default();
    while at < record.len() {
        let key = u128::from(word(at)?) | u128::from(word(at + 8)?) << 64;
        let (len, sum) = (word(at + 16)?, word(at + 24)?);
        let start = at + 32;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        if xxh3_64_with_seed(record.get(start..end)?, 0) == sum {
            known.insert(key, start..end);
        }
        at = end;
    }
    Some(known)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Spanned;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Front {
        title: Spanned<String>,
        #[serde(default)]
        tags: Vec<Spanned<String>>,
    }

    const YAML: &str = "title: A page\ntags:\n  - one\n  -   two\n";

    fn origin() -> Origin {
        Origin::new("content/page.md", 2)
    }

    /// Parses `yaml` with the sources of `root` as loaded now, then keeps what was used.
    fn parse_and_save(root: &Path, yaml: &str) -> (Result<Front, Diagnostic>, bool) {
        let sources = Sources::load(root);
        let result = sources.parse::<Front>(yaml, &origin());
        let reused = {
            let used = sources.used.lock().unwrap();
            used.iter().any(|(_, kept)| matches!(kept, Kept::Old(_)))
        };
        sources.save();
        (result, reused)
    }

    #[test]
    fn a_kept_value_is_decoded_with_the_places_of_its_values() {
        let site = tempfile::tempdir().unwrap();
        let (parsed, reused) = parse_and_save(site.path(), YAML);
        assert!(!reused);
        let (kept, reused) = parse_and_save(site.path(), YAML);
        assert!(reused);
        let kept = kept.unwrap();
        assert_eq!(kept, parsed.unwrap());
        assert_eq!((kept.tags[1].line, kept.tags[1].column), (4, 7));
        assert_eq!(
            origin().of(&kept.tags[1]).to_string(),
            "content/page.md:5:7"
        );
    }

    #[test]
    fn changed_text_is_parsed_again() {
        let site = tempfile::tempdir().unwrap();
        parse_and_save(site.path(), YAML).0.unwrap();
        let (changed, reused) = parse_and_save(site.path(), &YAML.replace("one", "uno"));
        assert!(!reused);
        assert_eq!(changed.unwrap().tags[0].value, "uno");
    }

    #[test]
    fn a_damaged_record_or_another_programs_is_ignored() {
        let site = tempfile::tempdir().unwrap();
        parse_and_save(site.path(), YAML).0.unwrap();
        let other = Sources {
            seed: Sources::load(site.path()).seed ^ 1,
            ..Sources::load(site.path())
        };
        other.parse::<Front>(YAML, &origin()).unwrap();
        assert!(matches!(other.used.lock().unwrap()[0].1, Kept::New(_)));
        let record = site.path().join(CACHE_DIR).join("front/documents");
        let whole = fs::read(&record).unwrap();
        let mut flipped = whole.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0x20;
        for damaged in [&whole[..whole.len() - 1], &whole[1..], &flipped] {
            fs::write(&record, damaged).unwrap();
            assert!(Sources::load(site.path()).known.is_empty());
        }
    }

    /// Counts the documents this build parsed rather than decoded.
    impl Sources {
        pub(crate) fn parsed_afresh(&self) -> usize {
            let used = self.used.lock().unwrap();
            used.iter()
                .filter(|(_, kept)| matches!(kept, Kept::New(_)))
                .count()
        }
    }
}
