//! Costly results kept between builds, in `.standings-cache/<kind>/` under the site root.
//!
//! Drawing a social image or highlighting a code block gives the same bytes for the same
//! input, yet costs milliseconds; a publisher rebuilds the whole site whenever a figure
//! changes while the code and the cards mostly do not. As Hugo and Zola do for processed
//! images, results are kept by the hash of their input and of the producing code's version,
//! so a hit gives exactly the bytes the work would. The cache is best effort: an entry that
//! cannot be read or fails its check is made again, one that cannot be written is skipped,
//! and [`Cache::prune`] removes entries no build has used for a day, so a folder holds about
//! one site's entries (`serve` makes its own cards, with the local address).

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use xxhash_rust::xxh3::Xxh3;

/// The cache's folder, relative to the site root.
pub const CACHE_DIR: &str = ".standings-cache";

/// How long an entry no build uses is kept: long enough that a build and a running `serve`
/// of the same site, whose cards differ by the address they show, keep each other's.
const UNUSED_FOR: Duration = Duration::from_secs(24 * 60 * 60);
/// An entry's time is refreshed when it is older than this: often enough for pruning, and
/// rarely enough that a warm build does not rewrite every entry's metadata.
const REFRESH_AFTER: Duration = Duration::from_secs(60 * 60);
/// A folder is pruned at most this often. Pruning reads the time of every entry the build
/// did not use, and a build that takes a use case's prose whole uses none of its
/// highlighted code: every build would read thousands of times to remove nothing.
const PRUNE_EVERY: Duration = REFRESH_AFTER;
/// The file whose time says when the folder was last pruned.
const PRUNED: &str = ".pruned";

/// One kind of result: its folder, the version of the code that makes it, and the entries
/// this build has used.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    version: &'static str,
    extension: &'static str,
    used: Mutex<HashSet<String>>,
}

impl Cache {
    /// `version` must change whenever a release could make different bytes from one input.
    pub fn new(root: &Path, kind: &str, version: &'static str, extension: &'static str) -> Cache {
        Cache {
            dir: root.join(CACHE_DIR).join(kind),
            version,
            extension,
            used: Mutex::new(HashSet::new()),
        }
    }

    /// The bytes made from `input`: the stored entry when `complete` accepts it, otherwise
    /// what `make` returns, stored for the next build.
    pub fn get_or_make<E>(
        &self,
        input: &[u8],
        complete: impl Fn(&[u8]) -> bool,
        make: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        self.get_or_make_value(
            input,
            |bytes| complete(&bytes).then_some(bytes),
            make,
            |bytes| Some(bytes.clone()),
        )
    }

    /// Like [`get_or_make`](Self::get_or_make) for a value kept in the form `encode` gives
    /// and `decode` reads back; a value `encode` declines is not kept.
    pub fn get_or_make_value<T, E>(
        &self,
        input: &[u8],
        decode: impl FnOnce(Vec<u8>) -> Option<T>,
        make: impl FnOnce() -> Result<T, E>,
        encode: impl FnOnce(&T) -> Option<Vec<u8>>,
    ) -> Result<T, E> {
        let name = self.entry_name(input);
        let path = self.dir.join(&name);
        let stored = read_entry(&path).and_then(decode);
        self.used
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name);
        if let Some(value) = stored {
            return Ok(value);
        }
        let value = make()?;
        if let Some(bytes) = encode(&value) {
            self.store(&path, &bytes);
        }
        Ok(value)
    }

    fn store(&self, path: &Path, bytes: &[u8]) {
        write_whole(path, |file| file.write_all(bytes));
    }

    /// Removes the entries this cache has not used that no build has used for a day, unless
    /// the folder was pruned within the hour.
    pub fn prune(&self) {
        let now = SystemTime::now();
        let marker = self.dir.join(PRUNED);
        let pruned_lately = std::fs::metadata(&marker)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age < PRUNE_EVERY);
        if pruned_lately {
            return;
        }
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // A warm build has used nearly every entry: those need no look at their time.
            if used.contains(&name) || name == PRUNED {
                continue;
            }
            let idle = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|d| d > UNUSED_FOR);
            if idle {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let _ = File::create(marker);
    }

    /// The name of the entry made from `input`. A build names thousands of entries from inputs
    /// as large as a use case's prose, and a cryptographic hash of them cost a hundredth of a
    /// large site's build. Nothing here needs one: an entry is only ever found by the input
    /// that made it, and no input is chosen to collide with another.
    fn entry_name(&self, input: &[u8]) -> String {
        let mut hasher = Xxh3::new();
        hasher.update(self.version.as_bytes());
        hasher.update(&[0]);
        hasher.update(input);
        format!("{:032x}.{}", hasher.digest128(), self.extension)
    }
}

/// An entry's bytes, refreshing its time when a build has not done so lately.
/// Writes a file of the cache through a temporary file of its own, renamed over `path`, so
/// that a reader never sees half of it, even when two builds, or two threads of one, write
/// the same file at once. Best effort: a file that cannot be written is only work redone.
pub fn write_whole(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let unique = WRITES.fetch_add(1, Ordering::Relaxed);
    let partial = path.with_extension(format!("{}-{unique}.partial", std::process::id()));
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| {
            let mut file = BufWriter::with_capacity(1 << 16, File::create(&partial)?);
            write(&mut file)?;
            file.flush()
        })
        .and_then(|()| std::fs::rename(&partial, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
}

fn read_entry(path: &Path) -> Option<Vec<u8>> {
    let file = File::open(path).ok()?;
    let metadata = file.metadata().ok()?;
    let modified = metadata.modified().ok()?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).ok()?);
    // Through `take`, reading skips asking the system for the size and position again.
    file.take(u64::MAX).read_to_end(&mut bytes).ok()?;
    let stale = SystemTime::now()
        .duration_since(modified)
        .is_ok_and(|age| age > REFRESH_AFTER);
    if stale && let Ok(file) = File::options().write(true).open(path) {
        let _ = file.set_modified(SystemTime::now());
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(root: &Path) -> Cache {
        Cache::new(root, "test", "1", "txt")
    }

    fn made(text: &str) -> Result<Vec<u8>, ()> {
        Ok(text.as_bytes().to_vec())
    }

    fn ends_well(bytes: &[u8]) -> bool {
        bytes.ends_with(b".")
    }

    #[test]
    fn a_kept_entry_is_returned_and_a_damaged_one_is_made_again() {
        let root = tempfile::tempdir().unwrap();
        let first = cache(root.path());
        assert_eq!(
            first.get_or_make(b"in", ends_well, || made("out.")),
            Ok(b"out.".to_vec())
        );
        let entry = root
            .path()
            .join(CACHE_DIR)
            .join("test")
            .join(first.entry_name(b"in"));
        assert_eq!(std::fs::read(&entry).unwrap(), b"out.");

        let second = cache(root.path());
        let kept = second.get_or_make(b"in", ends_well, || panic!("made again"));
        assert_eq!(kept, Ok::<_, ()>(b"out.".to_vec()));

        std::fs::write(&entry, b"ou").unwrap();
        assert_eq!(
            second.get_or_make(b"in", ends_well, || made("out.")),
            Ok(b"out.".to_vec())
        );
        assert_eq!(std::fs::read(&entry).unwrap(), b"out.");
    }

    #[test]
    fn another_version_does_not_read_the_old_entries() {
        let root = tempfile::tempdir().unwrap();
        let _ = cache(root.path()).get_or_make(b"in", ends_well, || made("old."));
        let newer = Cache::new(root.path(), "test", "2", "txt");
        assert_eq!(
            newer.get_or_make(b"in", ends_well, || made("new.")),
            Ok(b"new.".to_vec())
        );
    }

    #[test]
    fn entries_unused_for_a_day_are_removed() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join(CACHE_DIR).join("test");
        let earlier = cache(root.path());
        for input in ["old", "recent", "used"] {
            let _ = earlier.get_or_make(input.as_bytes(), ends_well, || made("x."));
        }
        let two_days_ago = SystemTime::now() - 2 * UNUSED_FOR;
        for input in ["old", "used"] {
            let file = File::options()
                .write(true)
                .open(dir.join(earlier.entry_name(input.as_bytes())));
            file.unwrap().set_modified(two_days_ago).unwrap();
        }
        let now = cache(root.path());
        let _ = now.get_or_make(b"used", ends_well, || made("x."));
        now.prune();
        assert!(!dir.join(now.entry_name(b"old")).exists());
        assert!(dir.join(now.entry_name(b"recent")).exists());
        assert!(dir.join(now.entry_name(b"used")).exists());
    }

    #[test]
    fn a_folder_is_pruned_at_most_once_an_hour() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join(CACHE_DIR).join("test");
        let age = |name: &str, by: Duration| {
            let file = File::options().write(true).open(dir.join(name)).unwrap();
            file.set_modified(SystemTime::now() - by).unwrap();
        };
        let keep_old = || {
            let _ = cache(root.path()).get_or_make(b"old", ends_well, || made("x."));
            let old = cache(root.path()).entry_name(b"old");
            age(&old, 2 * UNUSED_FOR);
            old
        };
        let old = keep_old();
        cache(root.path()).prune();
        assert!(!dir.join(&old).exists());

        keep_old();
        cache(root.path()).prune();
        assert!(dir.join(&old).exists(), "pruned twice within the hour");
        age(PRUNED, 2 * PRUNE_EVERY);
        cache(root.path()).prune();
        assert!(!dir.join(&old).exists());
    }
}
