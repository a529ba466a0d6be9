//! The theme's stylesheets, script and icon, published under names that carry a hash of
//! their content (`css/site.1a2b3c4d5e.css`).
//!
//! A host can then tell browsers to keep these files for a year: a changed file gets a new
//! name, and pages point at it through the template context. A site's own `static/` file of
//! the same name replaces the theme's, and is hashed the same way.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use crate::error::{Diagnostics, Error};
use crate::highlight;

/// The theme's stylesheet, written unless the site's `static/` has its own.
const THEME_CSS: &str = include_str!("../../static/css/site.css");
/// The script that makes leaderboard columns sortable.
const THEME_SORT_JS: &str = include_str!("../../static/js/sort.js");
/// The site's icon; without one, browsers ask every host's root for `/favicon.ico`.
const THEME_ICON: &str = include_str!("../../static/images/icon.svg");

/// Hex digits of the content hash kept in a file name: enough to never collide in one site.
const HASH_LENGTH: usize = 10;

/// One hashed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The name templates and `static/` know it by: `css/site.css`.
    pub name: &'static str,
    /// Where it is written: `css/site.1a2b3c4d5e.css`.
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Assets {
    list: Vec<Asset>,
    /// What every page's template sees as `site`: it links these files, and is the same for
    /// every page of a build, so it is made once per set of assets.
    pub(crate) site_view: OnceLock<tera::Value>,
}

/// Two sets of assets are the same when their files are; the view follows from them.
impl PartialEq for Assets {
    fn eq(&self, other: &Assets) -> bool {
        self.list == other.list
    }
}

impl Eq for Assets {}

impl Assets {
    /// The theme's assets, or the site's own versions from `static/`.
    pub fn collect(root: &Path) -> Result<Assets, Error> {
        let theme: [(&'static str, Vec<u8>); 4] = [
            ("css/site.css", THEME_CSS.as_bytes().to_vec()),
            (
                "css/syntax.css",
                highlight::stylesheet().as_bytes().to_vec(),
            ),
            ("js/sort.js", THEME_SORT_JS.as_bytes().to_vec()),
            ("images/icon.svg", THEME_ICON.as_bytes().to_vec()),
        ];
        let list = theme
            .into_iter()
            .map(|(name, bytes)| {
                let own = root.join("static").join(name);
                let bytes = if own.is_file() {
                    std::fs::read(&own).map_err(|e| Error::io("read", &own, e))?
                } else {
                    bytes
                };
                Ok(Asset {
                    name,
                    path: hashed_name(name, &bytes),
                    bytes,
                })
            })
            .collect::<Result<_, Error>>()?;
        Ok(Assets {
            list,
            site_view: OnceLock::new(),
        })
    }

    /// The published path of an asset, relative to the output root.
    pub fn path<'a>(&'a self, name: &'a str) -> &'a str {
        self.list
            .iter()
            .find(|a| a.name == name)
            .map_or(name, |a| a.path.as_str())
    }

    /// The files of `static/` copied as they are: the theme's own names are left out,
    /// because those are published under their hashed names only.
    pub fn plain_static_files(&self, root: &Path, out: &mut Diagnostics) -> Vec<PathBuf> {
        crate::output::static_files(root, out)
            .into_iter()
            .filter(|rel| {
                let target = crate::output::static_target(rel);
                !self.list.iter().any(|a| a.name == target)
            })
            .collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Asset> {
        self.list.iter()
    }
}

/// `css/site.css` with its content's hash before the extension.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest
        .iter()
        .flat_map(|b| [b >> 4, b & 0xf])
        .take(HASH_LENGTH)
        .map(|d| char::from_digit(u32::from(d), 16).unwrap_or('0'))
        .collect();
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') => format!("{stem}.{hex}.{ext}"),
        _ => format!("{name}.{hex}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_follows_the_content() {
        let a = hashed_name("css/site.css", b"body{}");
        assert_eq!(a, hashed_name("css/site.css", b"body{}"));
        assert_ne!(a, hashed_name("css/site.css", b"body{color:red}"));
        assert!(a.starts_with("css/site.") && a.ends_with(".css"));
        assert_eq!(a.len(), "css/site..css".len() + HASH_LENGTH);
    }

    #[test]
    fn a_site_file_replaces_the_theme_file() {
        let site = tempfile::tempdir().unwrap();
        let theme = Assets::collect(site.path()).unwrap();
        std::fs::create_dir_all(site.path().join("static/css")).unwrap();
        std::fs::write(site.path().join("static/css/site.css"), "body{}").unwrap();
        let own = Assets::collect(site.path()).unwrap();
        assert_ne!(theme.path("css/site.css"), own.path("css/site.css"));
        assert_eq!(theme.path("js/sort.js"), own.path("js/sort.js"));
    }
}
