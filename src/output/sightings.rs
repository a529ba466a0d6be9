//! What earlier builds saw of the spare site's folders, so that a rebuild need not list them.
//!
//! A build takes over the site before the published one and must know every file and folder
//! it holds: which files are already the published ones, and which to remove. Listing it
//! meant opening and reading each of its folders, one per page (about 10,700 at 10,000
//! pages), for about a twentieth of a rebuild's processor time. Yet an entry can only be
//! added to a folder, removed or renamed by changing the folder, and that gives it a new
//! modification and change time. So a build records, for each folder it lists, the folder's
//! identity and times with its entries; a later build that finds a folder with the same
//! identity and times takes its entries from the record, for the price of one lookup.
//!
//! As with the facts about files ([`super::facts`]), a folder is only recorded when its times
//! lie [`SETTLED`](super::facts::SETTLED) before the build began, since within one tick of the
//! file system's clock a folder can change without its times showing it; and only on local
//! file systems. The spare and the published site swap at each build, so the record keeps a
//! section for each, and a build rewrites its site's section only when it saw a change.
//!
//! The record is a cache: a missing, unreadable or damaged one is ignored, and every folder
//! is listed.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rustc_hash::FxHashMap;

use super::facts::{Settled, Times};

/// The first bytes of a record; the number changes with its layout.
const MAGIC: &[u8; 16] = b"standings-folds1";

/// One entry of a folder, as the spare site's listing needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Entry {
    /// A regular file, with its inode number.
    File(OsString, u64),
    Folder(OsString),
}

/// A file's or folder's device and inode number.
type Key = (u64, u64);

/// One site's part of a record, by the site's folder.
type Section = (Key, Vec<u8>);

/// A folder as a build saw it: its identity and times, and its entries encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sighting {
    times: Times,
    entries: Vec<u8>,
}

/// The spare site's folders as the last build that updated it saw them, and as this build
/// sees them.
#[derive(Default)]
pub(super) struct Sightings {
    /// Where the record is kept; none for a build that keeps no record.
    path: Option<PathBuf>,
    /// The spare site's own folder, by device and inode. The spare and the published site
    /// swap at each build, and the record keeps a section for each.
    site: Key,
    known: FxHashMap<Key, Sighting>,
    /// This site's section of the record as it was read, and the other site's.
    read: Vec<u8>,
    other: Option<Section>,
    seen: Mutex<Vec<Sighting>>,
    settled: Settled,
}

impl Sightings {
    /// The record kept at `path`, for a build beginning now that updates the site in `dir`;
    /// none where `dir` is not on a local file system.
    pub(super) fn load(path: PathBuf, dir: &Path) -> Sightings {
        let (Some(settled), Ok(metadata)) = (Settled::on(dir), fs::symlink_metadata(dir)) else {
            return Sightings::default();
        };
        let site = Times::of(&metadata).key();
        let sections = fs::read(&path)
            .ok()
            .and_then(|bytes| sections(&bytes))
            .unwrap_or_default();
        let mut sightings = Sightings {
            path: Some(path),
            site,
            settled,
            ..Sightings::default()
        };
        for (key, body) in sections {
            if key == site {
                match decode(&body) {
                    Some(known) => (sightings.known, sightings.read) = (known, body),
                    None => {
                        return Sightings {
                            known: FxHashMap::default(),
                            ..sightings
                        };
                    }
                }
            } else if sightings.other.is_none() {
                sightings.other = Some((key, body));
            }
        }
        sightings
    }

    /// The entries of the folder `metadata` describes, if a build saw it as it is now.
    pub(super) fn recall(&self, metadata: &fs::Metadata) -> Option<Vec<Entry>> {
        let times = Times::of(metadata);
        let known = self.known.get(&times.key()).filter(|s| s.times == times)?;
        let entries = decode_entries(&known.entries)?;
        self.remember(known.clone());
        Some(entries)
    }

    /// Records that the folder `metadata` describes holds `entries`, if its times are
    /// settled. `metadata` must have been taken before the entries were read, so that a
    /// change while reading gives the folder times other than those recorded.
    pub(super) fn note(&self, metadata: &fs::Metadata, entries: &[Entry]) {
        let times = Times::of(metadata);
        if self.path.is_some() && self.settled.holds(&times) {
            self.remember(Sighting {
                times,
                entries: encode_entries(entries),
            });
        }
    }

    fn remember(&self, sighting: Sighting) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.push(sighting);
    }

    /// Replaces this site's section of the record with the folders this build saw, unless
    /// they are those it held. Best effort: a record that cannot be written only costs a
    /// later build the listing.
    pub(super) fn save(self) {
        let Some(path) = &self.path else {
            return;
        };
        let mut seen = self.seen.into_inner().unwrap_or_else(|p| p.into_inner());
        // The same folders give the same section, whatever order the threads saw them in.
        seen.sort_unstable_by_key(|s| s.times.key());
        seen.dedup_by_key(|s| s.times.key());
        let mut body = Vec::with_capacity(seen.len() * 64);
        for s in &seen {
            s.times.encode(&mut body);
            put_bytes(&mut body, &s.entries);
        }
        if body == self.read {
            return;
        }
        let mut bytes = MAGIC.to_vec();
        let ours = (self.site, body);
        for (key, body) in std::iter::once(&ours).chain(&self.other) {
            bytes.extend_from_slice(&key.0.to_le_bytes());
            bytes.extend_from_slice(&key.1.to_le_bytes());
            put_bytes(&mut bytes, body);
        }
        let check = xxhash_rust::xxh3::xxh3_64(&bytes);
        bytes.extend_from_slice(&check.to_le_bytes());
        crate::cache::write_whole(path, |file| file.write_all(&bytes));
    }
}

/// The sightings of a build of the site in `dir` that began long after its folders last
/// changed, kept at `path`.
#[cfg(test)]
pub(super) fn settled(path: PathBuf, dir: &Path) -> Sightings {
    Sightings {
        settled: Settled::always(),
        ..Sightings::load(path, dir)
    }
}

/// Where the record of the folders of builds into `target` is kept, under the cache folder.
pub(super) fn record_path(cache: &Path, target: &Path) -> PathBuf {
    let mut path = super::facts::record_path(cache, target).into_os_string();
    path.push(".folders");
    PathBuf::from(path)
}

fn encode_entries(entries: &[Entry]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in entries {
        let name = match entry {
            Entry::File(name, inode) => {
                bytes.push(0);
                bytes.extend_from_slice(&inode.to_le_bytes());
                name
            }
            Entry::Folder(name) => {
                bytes.push(1);
                name
            }
        };
        put_bytes(&mut bytes, name.as_bytes());
    }
    bytes
}

/// Appends `bytes` after their length.
fn put_bytes(into: &mut Vec<u8>, bytes: &[u8]) {
    into.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    into.extend_from_slice(bytes);
}

/// Reads what [`encode_entries`] wrote; none for bytes it cannot have written.
fn decode_entries(mut bytes: &[u8]) -> Option<Vec<Entry>> {
    let mut entries = Vec::new();
    while let Some((&kind, rest)) = bytes.split_first() {
        bytes = rest;
        let inode = match kind {
            0 => Some(take_u64(&mut bytes)?),
            1 => None,
            _ => return None,
        };
        let name = take_bytes(&mut bytes)?;
        // Only a name a folder can hold: a record that says otherwise is not trusted.
        if matches!(name, b"" | b"." | b"..") || name.contains(&b'/') || name.contains(&0) {
            return None;
        }
        let name = OsStr::from_bytes(name).to_os_string();
        entries.push(match inode {
            Some(inode) => Entry::File(name, inode),
            None => Entry::Folder(name),
        });
    }
    Some(entries)
}

/// The sections of a record, by the site they are about; none for a damaged record.
fn sections(bytes: &[u8]) -> Option<Vec<Section>> {
    let (body, check) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() != check {
        return None;
    }
    let mut rest = body.strip_prefix(MAGIC.as_slice())?;
    let mut sections = Vec::new();
    while !rest.is_empty() {
        let key = (take_u64(&mut rest)?, take_u64(&mut rest)?);
        sections.push((key, take_bytes(&mut rest)?.to_vec()));
    }
    Some(sections)
}

/// The folders of one section.
fn decode(mut body: &[u8]) -> Option<FxHashMap<Key, Sighting>> {
    let mut known = FxHashMap::default();
    while !body.is_empty() {
        let times = Times::decode(take(&mut body, Times::LEN)?);
        let entries = take_bytes(&mut body)?.to_vec();
        known.insert(times.key(), Sighting { times, entries });
    }
    Some(known)
}

fn take<'a>(bytes: &mut &'a [u8], len: usize) -> Option<&'a [u8]> {
    let (head, rest) = bytes.split_at_checked(len)?;
    *bytes = rest;
    Some(head)
}

fn take_u64(bytes: &mut &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(take(bytes, 8)?.try_into().ok()?))
}

/// Bytes written by [`put_bytes`].
fn take_bytes<'a>(bytes: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = usize::try_from(take_u64(bytes)?).ok()?;
    take(bytes, len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStringExt;

    fn entries() -> Vec<Entry> {
        vec![
            Entry::File("index.html".into(), 7),
            Entry::Folder("model-a".into()),
            Entry::File(OsString::from_vec(vec![0xff, b'x']), u64::MAX),
        ]
    }

    /// A site folder holding one page folder, in a temporary folder beside a record.
    struct Fixture {
        dir: tempfile::TempDir,
    }

    impl Fixture {
        fn new() -> Fixture {
            let dir = tempfile::tempdir().unwrap();
            for site in ["site", "other"] {
                fs::create_dir_all(dir.path().join(site).join("page")).unwrap();
            }
            Fixture { dir }
        }

        fn path(&self, rel: &str) -> PathBuf {
            self.dir.path().join(rel)
        }

        fn metadata(&self, rel: &str) -> fs::Metadata {
            fs::symlink_metadata(self.path(rel)).unwrap()
        }

        /// The sightings of a build of `site`, as the build loads them.
        fn load(&self, site: &str) -> Sightings {
            Sightings::load(self.path("record"), &self.path(site))
        }

        /// The same, for a build that began long after the folders last changed.
        fn settled(&self, site: &str) -> Sightings {
            settled(self.path("record"), &self.path(site))
        }

        /// A build of `site` that saw its page folder holding `entries()`.
        fn note(&self, site: &str) {
            let sightings = self.settled(site);
            sightings.note(&self.metadata(&format!("{site}/page")), &entries());
            sightings.save();
        }

        fn recall(&self, site: &str) -> Option<Vec<Entry>> {
            self.load(site)
                .recall(&self.metadata(&format!("{site}/page")))
        }
    }

    #[test]
    fn a_folder_seen_as_it_is_gives_its_entries_back() {
        let fixture = Fixture::new();
        fixture.note("site");
        assert_eq!(fixture.recall("site"), Some(entries()));
    }

    #[test]
    fn a_folder_changed_since_is_listed_again() {
        let fixture = Fixture::new();
        fixture.note("site");
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(fixture.path("site/page/added.html"), b"new").unwrap();
        assert_eq!(fixture.recall("site"), None);
    }

    #[test]
    fn a_folder_that_changed_just_before_the_build_is_not_recorded() {
        let fixture = Fixture::new();
        let sightings = fixture.load("site");
        sightings.note(&fixture.metadata("site/page"), &entries());
        sightings.save();
        assert_eq!(fixture.recall("site"), None);
    }

    #[test]
    fn each_site_keeps_its_own_section() {
        let fixture = Fixture::new();
        fixture.note("site");
        fixture.note("other");
        assert_eq!(fixture.recall("site"), Some(entries()));
        assert_eq!(fixture.recall("other"), Some(entries()));
        // A build of one site does not see the other's folders.
        let sightings = fixture.load("site");
        assert_eq!(sightings.recall(&fixture.metadata("other/page")), None);
    }

    #[test]
    fn a_build_that_saw_no_change_leaves_the_record_as_it_was() {
        let fixture = Fixture::new();
        fixture.note("site");
        let before = fixture.metadata("record");
        let sightings = fixture.settled("site");
        assert!(sightings.recall(&fixture.metadata("site/page")).is_some());
        sightings.save();
        let after = fixture.metadata("record");
        assert_eq!(Times::of(&before), Times::of(&after));
    }

    #[test]
    fn a_record_of_names_no_folder_can_hold_is_not_trusted() {
        for name in ["", ".", "..", "a/b", "a\0b"] {
            let bytes = encode_entries(&[Entry::Folder(name.into())]);
            assert_eq!(decode_entries(&bytes), None, "{name:?}");
        }
        assert!(decode_entries(&encode_entries(&entries())).is_some());
    }

    #[test]
    fn a_well_sealed_record_with_a_broken_body_is_ignored() {
        let fixture = Fixture::new();
        fixture.note("site");
        let sightings = fixture.load("site");
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&sightings.site.0.to_le_bytes());
        bytes.extend_from_slice(&sightings.site.1.to_le_bytes());
        // A body cut inside its first folder's times.
        put_bytes(&mut bytes, &[7; Times::LEN - 1]);
        let check = xxhash_rust::xxh3::xxh3_64(&bytes);
        bytes.extend_from_slice(&check.to_le_bytes());
        fs::write(fixture.path("record"), &bytes).unwrap();
        assert!(sections(&bytes).is_some());
        assert_eq!(fixture.recall("site"), None);
    }

    #[test]
    fn a_damaged_record_is_ignored() {
        let fixture = Fixture::new();
        fixture.note("site");
        let record = fixture.path("record");
        let whole = fs::read(&record).unwrap();
        let mut flipped = whole.clone();
        flipped[MAGIC.len() + 20] ^= 1;
        for damaged in [&whole[..whole.len() - 1], &whole[1..], b"garbage", &flipped] {
            fs::write(&record, damaged).unwrap();
            assert!(sections(damaged).is_none());
            assert_eq!(fixture.recall("site"), None);
        }
    }
}
