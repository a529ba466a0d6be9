//! Gives the program a fingerprint of the source it was built from, `STANDINGS_SOURCE_HASH`.
//!
//! Parsed front matter is kept between builds in a binary form that holds no field names
//! (`src/sources.rs`), so a value kept by a program whose types differ would decode into
//! nonsense rather than fail. Keying kept values by this fingerprint confines each to the
//! source that wrote it, whatever the executable's name, size or time.

use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    // The manifest too: a crate's features change what it does without changing the lock.
    let mut files = vec![root.join("Cargo.lock"), root.join("Cargo.toml")];
    collect(&root.join("src"), &mut files);
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in &files {
        hasher.write(
            file.strip_prefix(&root)
                .unwrap_or(file)
                .as_os_str()
                .as_encoded_bytes(),
        );
        hasher.write(&fs::read(file).unwrap_or_default());
    }
    println!(
        "cargo:rustc-env=STANDINGS_SOURCE_HASH={:016x}",
        hasher.finish()
    );
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=Cargo.toml");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
