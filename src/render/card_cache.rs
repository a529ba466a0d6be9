//! Drawn social images kept between builds, in `.standings-cache/cards/` under the site root.
//!
//! Rasterising a card is the costliest step of a build's data files (milliseconds each, one
//! per use case), yet a card changes only with its use case's title, top three or date. As
//! Hugo and Zola do for processed images, drawn cards are kept by the hash of their SVG and
//! of the drawing code's version, so a hit gives exactly the bytes drawing would. The cache
//! is best effort: an entry that cannot be read is drawn again, one that cannot be written
//! is skipped, and a build removes the entries no build has used for a day, so the folder
//! holds about one site's cards (`serve` draws its own, with the local address).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::card;
use crate::error::Diagnostic;

/// The cache folder, relative to the site root.
pub const CACHE_DIR: &str = ".standings-cache/cards";

/// Changes whenever a release could draw the same SVG differently.
const DRAWING_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "/resvg-0.49/png-fast-rgb");

const PNG_START: &[u8] = b"\x89PNG\r\n\x1a\n";
/// The IEND chunk every complete PNG ends with.
const PNG_END: &[u8] = &[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82];

pub struct CardCache {
    dir: PathBuf,
}

impl CardCache {
    pub fn new(root: &Path) -> CardCache {
        CardCache {
            dir: root.join(CACHE_DIR),
        }
    }

    /// The PNG of `svg` and the cache entry that holds it.
    pub fn draw(&self, svg: &str) -> Result<(String, Vec<u8>), Diagnostic> {
        let name = entry_name(svg);
        let path = self.dir.join(&name);
        if let Ok(bytes) = std::fs::read(&path)
            && bytes.starts_with(PNG_START)
            && bytes.ends_with(PNG_END)
        {
            mark_used(&path);
            return Ok((name, bytes));
        }
        let png = card::rasterise(svg)?;
        self.store(&path, &png);
        Ok((name, png))
    }

    /// Writes an entry through a file of this thread's own, so that a reader never sees
    /// half of it, even when two builds draw the same card at once.
    fn store(&self, path: &Path, png: &[u8]) {
        let thread = format!("{:?}", std::thread::current().id());
        let digits: String = thread.chars().filter(char::is_ascii_digit).collect();
        let partial = path.with_extension(format!("{}-{digits}.partial", std::process::id()));
        let stored = std::fs::create_dir_all(&self.dir)
            .and_then(|()| std::fs::write(&partial, png))
            .and_then(|()| std::fs::rename(&partial, path));
        if stored.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
    }

    /// Removes the entries other than `used` that no build has used for [`UNUSED_FOR`].
    pub fn prune(&self, used: &HashSet<String>) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let idle = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|d| d > UNUSED_FOR);
            if idle && !used.contains(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// How long an entry no build uses is kept: long enough that a build and a running `serve`
/// of the same site, whose cards differ by the address they show, keep each other's.
const UNUSED_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// Records that an entry was used by giving it the current time.
fn mark_used(path: &Path) {
    if let Ok(file) = std::fs::File::options().write(true).open(path) {
        let _ = file.set_modified(SystemTime::now());
    }
}

fn entry_name(svg: &str) -> String {
    let digest = Sha256::new()
        .chain_update(DRAWING_VERSION)
        .chain_update([0])
        .chain_update(svg)
        .finalize();
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{hex}.png")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\"><rect width=\"1200\" height=\"630\" fill=\"#fff\"/></svg>";

    #[test]
    fn a_cached_card_is_the_drawn_card_and_a_damaged_entry_is_drawn_again() {
        let root = tempfile::tempdir().unwrap();
        let cache = CardCache::new(root.path());
        let (name, drawn) = cache.draw(SVG).unwrap();
        assert_eq!(drawn, card::rasterise(SVG).unwrap());
        let entry = root.path().join(CACHE_DIR).join(&name);
        assert_eq!(std::fs::read(&entry).unwrap(), drawn);
        assert_eq!(cache.draw(SVG).unwrap().1, drawn);

        std::fs::write(&entry, &drawn[..drawn.len() / 2]).unwrap();
        assert_eq!(cache.draw(SVG).unwrap().1, drawn);
        assert_eq!(std::fs::read(&entry).unwrap(), drawn);
    }

    #[test]
    fn entries_unused_for_a_day_are_removed() {
        let root = tempfile::tempdir().unwrap();
        let cache = CardCache::new(root.path());
        let (old, _) = cache.draw(SVG).unwrap();
        let (recent, _) = cache.draw(&SVG.replace("#fff", "#eee")).unwrap();
        let (used, _) = cache.draw(&SVG.replace("#fff", "#ddd")).unwrap();
        let dir = root.path().join(CACHE_DIR);
        let two_days_ago = SystemTime::now() - 2 * UNUSED_FOR;
        for name in [&old, &used] {
            let file = std::fs::File::options().write(true).open(dir.join(name));
            file.unwrap().set_modified(two_days_ago).unwrap();
        }
        cache.prune(&HashSet::from([used.clone()]));
        assert!(!dir.join(old).exists());
        assert!(dir.join(recent).exists());
        assert!(dir.join(used).exists());
    }
}
