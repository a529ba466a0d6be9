//! Drawn social images kept between builds, in `.standings-cache/cards/` under the site root.
//!
//! Rasterising a card is the costliest step of a build's data files (milliseconds each, one
//! per use case), yet a card changes only with its use case's title, top three or date. As
//! Hugo and Zola do for processed images, drawn cards are kept by the hash of their SVG and
//! of the drawing code's version, so a hit gives exactly the bytes drawing would. The cache
//! is best effort: an entry that cannot be read is drawn again, one that cannot be written
//! is skipped, and a build removes the entries it did not use, so the folder stays the size
//! of one site's cards.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

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

    /// Removes every entry but `used`.
    pub fn keep_only(&self, used: &HashSet<String>) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".png") && !used.contains(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
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
    fn entries_a_build_did_not_use_are_removed() {
        let root = tempfile::tempdir().unwrap();
        let cache = CardCache::new(root.path());
        let (old, _) = cache.draw(SVG).unwrap();
        let (new, _) = cache.draw(&SVG.replace("#fff", "#eee")).unwrap();
        cache.keep_only(&HashSet::from([new.clone()]));
        let dir = root.path().join(CACHE_DIR);
        assert!(!dir.join(old).exists());
        assert!(dir.join(new).exists());
    }
}
