//! What earlier builds learnt about the published files, so that a rebuild need not read them.
//!
//! A build reuses each published file that already holds the bytes it renders, and finding
//! that out meant reading the whole published site: about 390 MB at 10,000 pages, more
//! processor time than any stage but the templates. So, as git's index does for a working
//! tree, a build records for each published file whose bytes it knew the file's identity
//! and times (device, inode, modification and change time) with a 128-bit hash of its bytes.
//! The next build looks the published file up; when the identity and both times are still
//! those recorded, comparing the hash of the new bytes with the recorded one tells what
//! reading the file would.
//!
//! A file changed since gets new times, and is read again. Within one tick of the file
//! system's clock, though (two seconds on FAT, a few milliseconds elsewhere), a file can
//! change without its times showing it; so a fact is only recorded for a file whose times
//! lie at least [`SETTLED`] before the build began. A file this build writes is therefore
//! learnt by a later build, which reads it once more.
//!
//! Only local file systems whose times the kernel keeps are trusted this way: a network
//! file system may answer a lookup from a cache of another machine's old times, which only
//! opening the file would refresh. Elsewhere every file is read as before.
//!
//! The record is a cache: a missing, unreadable or truncated one is ignored, and every file
//! is read as before.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a file's times must lie in the past before its bytes are taken as settled.
pub(super) const SETTLED: Duration = Duration::from_secs(2);

/// The first bytes of a record; the number changes with its layout or its hash.
const MAGIC: &[u8; 16] = b"standings-facts1";

/// A file's or folder's identity and times, which change with its contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Times {
    device: u64,
    inode: u64,
    /// Modification and change time, in nanoseconds since 1970.
    modified: i64,
    changed: i64,
}

impl Times {
    pub(super) const LEN: usize = 32;

    pub(super) fn of(metadata: &fs::Metadata) -> Times {
        // A time past 2262 saturates, and so is never settled.
        let nanos = |seconds: i64, fraction: i64| {
            seconds
                .saturating_mul(1_000_000_000)
                .saturating_add(fraction)
        };
        Times {
            device: metadata.dev(),
            inode: metadata.ino(),
            modified: nanos(metadata.mtime(), metadata.mtime_nsec()),
            changed: nanos(metadata.ctime(), metadata.ctime_nsec()),
        }
    }

    pub(super) fn key(&self) -> (u64, u64) {
        (self.device, self.inode)
    }

    pub(super) fn encode(&self, into: &mut Vec<u8>) {
        into.extend_from_slice(&self.device.to_le_bytes());
        into.extend_from_slice(&self.inode.to_le_bytes());
        into.extend_from_slice(&self.modified.to_le_bytes());
        into.extend_from_slice(&self.changed.to_le_bytes());
    }

    /// Reads what [`Times::encode`] wrote into `bytes`, [`Times::LEN`] long.
    pub(super) fn decode(bytes: &[u8]) -> Times {
        let word = |i: usize| <[u8; 8]>::try_from(&bytes[i * 8..i * 8 + 8]).unwrap_or_default();
        Times {
            device: u64::from_le_bytes(word(0)),
            inode: u64::from_le_bytes(word(1)),
            modified: i64::from_le_bytes(word(2)),
            changed: i64::from_le_bytes(word(3)),
        }
    }
}

/// Which times lie far enough before a build's start to be trusted.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Settled {
    /// In nanoseconds since 1970.
    before: i64,
}

impl Settled {
    /// For a build beginning now into `dir`; none where `dir` is not on a local file system.
    pub(super) fn on(dir: &Path) -> Option<Settled> {
        if !is_local(dir) {
            return None;
        }
        let began = SystemTime::now().checked_sub(SETTLED).unwrap_or(UNIX_EPOCH);
        let since_epoch = began.duration_since(UNIX_EPOCH).unwrap_or_default();
        Some(Settled {
            before: i64::try_from(since_epoch.as_nanos()).unwrap_or(i64::MAX),
        })
    }

    /// As for a build that began long after every file was written.
    #[cfg(test)]
    pub(super) fn always() -> Settled {
        Settled { before: i64::MAX }
    }

    pub(super) fn holds(&self, times: &Times) -> bool {
        times.modified.max(times.changed) < self.before
    }
}

/// One published file as a build found it, and the hash of its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fact {
    times: Times,
    hash: u128,
}

const FACT_LEN: usize = Times::LEN + 16;

impl Fact {
    fn of(metadata: &fs::Metadata, hash: u128) -> Fact {
        Fact {
            times: Times::of(metadata),
            hash,
        }
    }

    fn key(&self) -> (u64, u64) {
        self.times.key()
    }

    fn encode(&self, into: &mut Vec<u8>) {
        self.times.encode(into);
        into.extend_from_slice(&self.hash.to_le_bytes());
    }

    fn decode(bytes: &[u8]) -> Fact {
        let hash = <[u8; 16]>::try_from(&bytes[Times::LEN..FACT_LEN]).unwrap_or_default();
        Fact {
            times: Times::decode(&bytes[..Times::LEN]),
            hash: u128::from_le_bytes(hash),
        }
    }
}

/// The facts of the last build into one output folder, and those this build learns.
#[derive(Default)]
pub(super) struct Facts {
    /// Where the record is kept; none for a build that keeps no record.
    path: Option<PathBuf>,
    /// Sorted by device and inode: a sorted list takes a third of the memory of a map, which
    /// counts at 100,000 pages.
    known: Vec<Fact>,
    learnt: Mutex<Vec<Fact>>,
    settled: Settled,
}

/// The hash a fact keeps of a file's bytes.
pub(super) fn hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

impl Facts {
    /// The record kept at `path`, for a build beginning now into the folder `dir`; none
    /// where `dir` is not on a local file system.
    pub(super) fn load(path: PathBuf, dir: &Path) -> Facts {
        let Some(settled) = Settled::on(dir) else {
            return Facts::default();
        };
        let mut known = match fs::read(&path) {
            Ok(bytes) => decode(&bytes),
            Err(_) => Vec::new(),
        };
        known.sort_unstable_by_key(Fact::key);
        Facts {
            path: Some(path),
            known,
            learnt: Mutex::default(),
            settled,
        }
    }

    /// Whether facts are learnt and used at all.
    pub(super) fn in_use(&self) -> bool {
        self.path.is_some()
    }

    /// Whether the file `metadata` describes is known to hold bytes of hash `hash`.
    pub(super) fn vouch(&self, metadata: &fs::Metadata, hash: u128) -> bool {
        let found = Fact::of(metadata, hash);
        self.known
            .binary_search_by_key(&found.key(), Fact::key)
            .is_ok_and(|i| self.known[i] == found)
    }

    /// Records that the file `metadata` describes holds bytes of hash `hash`, if its times
    /// are settled.
    pub(super) fn learn(&self, metadata: &fs::Metadata, hash: u128) {
        let fact = Fact::of(metadata, hash);
        if self.path.is_some() && self.settled.holds(&fact.times) {
            let mut learnt = self.learnt.lock().unwrap_or_else(|p| p.into_inner());
            learnt.push(fact);
        }
    }

    /// Replaces the record with what this build learnt. Best effort: a record that cannot
    /// be written only costs the next build the reading.
    pub(super) fn save(&self) {
        let Some(path) = &self.path else {
            return;
        };
        let mut learnt = self.learnt.lock().unwrap_or_else(|p| p.into_inner());
        // A path written twice is learnt twice.
        learnt.sort_unstable_by_key(Fact::key);
        learnt.dedup_by_key(|fact| fact.key());
        let mut bytes = Vec::with_capacity(MAGIC.len() + learnt.len() * FACT_LEN);
        bytes.extend_from_slice(MAGIC);
        for fact in learnt.iter() {
            fact.encode(&mut bytes);
        }
        crate::cache::write_whole(path, |file| file.write_all(&bytes));
    }
}

/// Whether `dir` is on a file system of this machine whose times the kernel keeps itself,
/// and whose inode numbers last. Overlayfs is left out: without `xino`, the inode numbers of
/// its folders can change when it is mounted again, and its lower layers can change under it
/// without its times showing it.
#[cfg(target_os = "linux")]
fn is_local(dir: &Path) -> bool {
    /// tmpfs, ext2/3/4, XFS, Btrfs, F2FS and ZFS.
    const LOCAL: [i64; 6] = [
        0x0102_1994,
        0xEF53,
        0x5846_5342,
        0x9123_683E,
        0xF2F5_2010,
        0x2FC1_2FC1,
    ];
    // The field's type differs between architectures.
    #[allow(clippy::unnecessary_cast)]
    let local = |kind| LOCAL.contains(&(kind as i64));
    rustix::fs::statfs(dir).is_ok_and(|info| local(info.f_type))
}

/// Elsewhere the kinds of file system are not told apart, so none is trusted.
#[cfg(not(target_os = "linux"))]
fn is_local(_dir: &Path) -> bool {
    false
}

fn decode(bytes: &[u8]) -> Vec<Fact> {
    match bytes.strip_prefix(MAGIC.as_slice()) {
        Some(facts) if facts.len() % FACT_LEN == 0 => {
            facts.chunks_exact(FACT_LEN).map(Fact::decode).collect()
        }
        _ => Vec::new(),
    }
}

/// Where the facts about the output folder `target` are kept, under the cache folder `cache`.
pub(super) fn record_path(cache: &Path, target: &Path) -> PathBuf {
    let name = xxhash_rust::xxh3::xxh3_64(target.as_os_str().as_encoded_bytes());
    cache.join("published").join(format!("{name:016x}"))
}

/// Writes a record at `record` that says each file holds the bytes given with it.
#[cfg(test)]
pub(super) fn forge(record: &Path, files: &[(&Path, &[u8])]) {
    let facts = settled(record);
    for (file, bytes) in files {
        facts.learn(&fs::symlink_metadata(file).unwrap(), hash(bytes));
    }
    facts.save();
}

/// A record at `path` as a build that began long after its files were written keeps it.
#[cfg(test)]
fn settled(path: &Path) -> Facts {
    Facts {
        path: Some(path.to_path_buf()),
        settled: Settled::always(),
        ..Facts::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(record: &Path) -> Facts {
        Facts::load(record.to_path_buf(), &std::env::temp_dir())
    }

    #[test]
    fn a_saved_fact_vouches_only_for_the_same_file_and_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let record = dir.path().join("cache/published/out");
        let (one, other) = (dir.path().join("one"), dir.path().join("other"));
        fs::write(&one, b"page").unwrap();
        fs::write(&other, b"page").unwrap();
        let (one, other) = (fs::metadata(&one).unwrap(), fs::metadata(&other).unwrap());
        let facts = settled(&record);
        facts.learn(&one, hash(b"page"));
        facts.save();
        let loaded = load(&record);
        assert!(loaded.vouch(&one, hash(b"page")));
        assert!(!loaded.vouch(&one, hash(b"pages")));
        assert!(!loaded.vouch(&other, hash(b"page")));
    }

    #[test]
    fn a_file_written_during_the_build_is_not_learnt() {
        let dir = tempfile::tempdir().unwrap();
        let record = dir.path().join("record");
        let file = dir.path().join("page");
        fs::write(&file, b"page").unwrap();
        let facts = load(&record);
        facts.learn(&fs::metadata(&file).unwrap(), hash(b"page"));
        facts.save();
        assert!(!load(&record).vouch(&fs::metadata(&file).unwrap(), hash(b"page")));
    }

    #[test]
    fn a_damaged_record_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let (record, file) = (dir.path().join("record"), dir.path().join("page"));
        fs::write(&file, b"page").unwrap();
        let facts = settled(&record);
        facts.learn(&fs::metadata(&file).unwrap(), hash(b"page"));
        facts.save();
        let whole = fs::read(&record).unwrap();
        for damaged in [&whole[..whole.len() - 1], &whole[1..], b"garbage"] {
            fs::write(&record, damaged).unwrap();
            assert!(load(&record).known.is_empty());
        }
    }
}
