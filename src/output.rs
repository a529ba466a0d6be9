//! Writing the built site without ever losing the previous one.
//!
//! A build writes into a folder beside the output folder and swaps it in only when
//! everything succeeded, so a failed build leaves the published `public/` exactly as it was.
//! Files the published site already holds byte for byte are hard-linked into the new folder
//! rather than written again.
//!
//! The site a swap replaces is kept beside the output as `.public.spare/`, and the next
//! build takes it over as its folder: most of its files are already links to the published
//! ones and all of its folders exist, so updating it costs a fraction of making a tree of
//! thousands of folders and then removing the old one. Only the files that differ are
//! replaced, and whatever the build does not write is removed before the swap. Which
//! published files hold what a build renders is told, where it can be, by a record of what
//! earlier builds learnt about them (`facts`) rather than by reading them.
//! The output folder is refused when it is, contains, or sits inside the site's sources.

use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, Mutex};

use rayon::prelude::*;

#[cfg(unix)]
mod facts;
#[cfg(unix)]
mod sightings;

#[cfg(unix)]
use sightings::Sightings;

use crate::content::files_in;
use crate::error::{Diagnostics, Error};
use crate::timings::{Stage, time};

/// Where rendered files go: a folder on disk, or memory (for `check` and `serve`).
pub trait Output: Sync {
    /// Writes one file; `path` is relative to the site's output root and uses `/`.
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
}

/// Writes into a folder, creating subfolders as needed.
pub struct DirOutput {
    dir: PathBuf,
    /// The published site this build replaces. A file it already holds byte for byte is
    /// linked rather than written again: a rebuild usually changes few pages, and on a RAM
    /// disk writing the unchanged ones, and then freeing the copies they replace, took about
    /// a tenth of a build's processor time. The previous site is only ever read, so a failed
    /// build still leaves it as it was; and unchanged files keep their modification time,
    /// which `rsync` and HTTP caches are glad of.
    previous: Option<PathBuf>,
    /// Set when a hard link failed for a reason every other file would share.
    cannot_link: AtomicBool,
    /// The subfolders made or found so far. Every page has a folder of its own, and asking
    /// the file system again for each file's folders cost a few system calls per file.
    /// Paths here are kept and compared as strings: each one the build makes is spelt one
    /// way, and hashing a `Path` parses it into components first.
    made: Mutex<FxHashSet<OsString>>,
    /// What the folder held when the build took it over, listed on a thread of its own
    /// while the site loads.
    spare: LazyLock<Result<Spare, String>, Survey>,
    /// Set by the first write: until then a failed build has changed nothing in the folder.
    written: AtomicBool,
    /// What earlier builds learnt about the published files, which spares reading them.
    #[cfg(unix)]
    facts: facts::Facts,
}

type Survey = Box<dyn FnOnce() -> Result<Spare, String> + Send>;

/// A published file that holds what a build renders.
struct Published {
    inode: u64,
    /// Its metadata and the hash of its bytes, for the record of what builds learnt.
    #[cfg(unix)]
    fact: Option<(fs::Metadata, u128)>,
}

/// The files and folders of an earlier site that a build updates in place.
#[derive(Default)]
struct Spare {
    /// Regular files by path relative to the folder (a hundred thousand full paths would
    /// repeat its path as many times), with their inode numbers. A file the build writes is
    /// taken out; those left are removed before the swap.
    files: Mutex<FxHashMap<OsString, u64>>,
    folders: FxHashSet<OsString>,
    /// Folders of it that a file of this build has replaced.
    gone: Mutex<Vec<PathBuf>>,
    /// Whether the folder is on the file system of the published site, without which an
    /// inode number says nothing about whether two files are one.
    same_device: bool,
}

impl DirOutput {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        DirOutput {
            dir: dir.into(),
            previous: None,
            cannot_link: AtomicBool::new(false),
            made: Mutex::default(),
            spare: LazyLock::new(Box::new(|| Ok(Spare::default()))),
            written: AtomicBool::new(false),
            #[cfg(unix)]
            facts: facts::Facts::default(),
        }
    }

    /// Reuses the unchanged files of the site published at `previous`, if there is one.
    pub fn reusing(self, previous: &Path) -> Self {
        DirOutput {
            previous: previous.is_dir().then(|| previous.to_path_buf()),
            ..self
        }
    }

    fn linking(&self) -> bool {
        !self.cannot_link.load(Ordering::Relaxed)
    }

    /// Takes over the earlier site already in the folder: lists what it holds, and removes
    /// whatever is neither a folder nor a regular file, so that no write can follow a
    /// symbolic link out of it. When the site cannot be listed, or the file system takes two
    /// spellings of a name for one file (where matching names would remove the wrong
    /// file), the build starts from an empty folder instead.
    #[cfg(unix)]
    fn updating(self, record: PathBuf) -> Self {
        use std::os::unix::fs::MetadataExt;
        let device = |p: &Path| fs::metadata(p).map(|m| m.dev()).ok();
        let same_device = self
            .previous
            .as_deref()
            .is_some_and(|p| device(p).is_some() && device(p) == device(&self.dir));
        let dir = self.dir.clone();
        let listing = std::thread::spawn({
            let dir = dir.clone();
            move || {
                // The writes wait for this listing on the threads of rayon's global pool. Were
                // its own tasks queued there, a build whose writes began before the listing
                // ended would have every thread waiting and none listing: it lists on its own.
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .thread_name(|_| "spare-listing".into())
                    .build()
                    .map_err(io::Error::other)?;
                pool.install(|| time(Stage::Spare, || listed(&dir, Sightings::load(record, &dir))))
            }
        });
        let spare: Survey = Box::new(move || match listing.join() {
            Ok(Ok(listing)) => Ok(Spare {
                files: Mutex::new(
                    (listing.files.into_iter())
                        .map(|(path, inode)| (path.into_os_string(), inode))
                        .collect(),
                ),
                folders: (listing.folders.into_iter())
                    .map(PathBuf::into_os_string)
                    .collect(),
                gone: Mutex::default(),
                same_device,
            }),
            _ => start_afresh(&dir)
                .map(|()| Spare::default())
                .map_err(|e| e.to_string()),
        });
        DirOutput {
            spare: LazyLock::new(spare),
            ..self
        }
    }

    /// Keeps a record of what this build learns about the published files at `path`, and
    /// uses the one an earlier build kept there.
    #[cfg(unix)]
    fn learning(self, path: PathBuf, published: &Path) -> Self {
        DirOutput {
            facts: facts::Facts::load(path, published),
            ..self
        }
    }

    /// The published file at `old` if it holds exactly `bytes`: known from what an earlier
    /// build learnt about it, or else read.
    #[cfg(unix)]
    fn published(&self, old: &Path, bytes: &[u8]) -> Option<Published> {
        use std::os::unix::fs::MetadataExt;
        if !self.facts.in_use() {
            return holds(old, bytes).map(|inode| Published { inode, fact: None });
        }
        let metadata = fs::symlink_metadata(old).ok()?;
        if !metadata.is_file() || metadata.len() != bytes.len() as u64 {
            return None;
        }
        let hash = facts::hash(bytes);
        // A file replaced since it was looked up is not the one the facts are about.
        if !self.facts.vouch(&metadata, hash) && holds(old, bytes) != Some(metadata.ino()) {
            return None;
        }
        let inode = metadata.ino();
        Some(Published {
            inode,
            fact: Some((metadata, hash)),
        })
    }

    #[cfg(not(unix))]
    fn published(&self, old: &Path, bytes: &[u8]) -> Option<Published> {
        holds(old, bytes).map(|inode| Published { inode })
    }

    /// Remembers what `found` says of a published file this build keeps as it is. A file it
    /// links elsewhere is not learnt: the link changes the file's change time.
    fn keeps(&self, found: Published) {
        #[cfg(unix)]
        if let Some((metadata, hash)) = found.fact {
            self.facts.learn(&metadata, hash);
        }
    }

    fn spare(&self) -> io::Result<&Spare> {
        let listed = LazyLock::force(&self.spare).as_ref();
        listed.map_err(|e| io::Error::other(format!("cannot list the spare site: {e}")))
    }

    /// `full` relative to the folder. Every path asked about is the folder joined with a
    /// checked relative path, or a folder above one, so its text starts with the folder's and
    /// a separator: cut as text, which costs a fraction of comparing parsed components, done
    /// for every file and folder of the site. Anything else takes the general way.
    fn relative<'a>(&self, full: &'a Path) -> &'a Path {
        let quick = full
            .to_str()
            .zip(self.dir.to_str())
            .and_then(|(full, dir)| {
                let rest = full.strip_prefix(dir)?;
                match dir.ends_with('/') {
                    true => Some(rest),
                    false => rest.strip_prefix('/'),
                }
            });
        quick
            .filter(|rest| !rest.is_empty() && !rest.starts_with('/'))
            .map_or_else(|| full.strip_prefix(&self.dir).unwrap_or(full), Path::new)
    }

    /// Whether `folder` is one of the earlier site's that is still there.
    fn spare_folder(&self, folder: &Path) -> io::Result<bool> {
        let (spare, folder) = (self.spare()?, self.relative(folder));
        let gone = spare.gone.lock().unwrap_or_else(|p| p.into_inner());
        let listed = spare.folders.contains(folder.as_os_str());
        Ok(listed && !gone.iter().any(|g| folder.starts_with(g)))
    }

    /// Removes the earlier site's folder `folder`, where this build writes a file; unless
    /// this build has written into it, which is a clash of two of its own paths.
    fn clear_spare_folder(&self, folder: &Path) -> io::Result<()> {
        let made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        if made.iter().any(|m| Path::new(m).starts_with(folder)) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "this build writes a folder of that name",
            ));
        }
        drop(made);
        fs::remove_dir_all(folder)?;
        let (spare, folder) = (self.spare()?, self.relative(folder));
        let mut files = spare.files.lock().unwrap_or_else(|p| p.into_inner());
        files.retain(|f, _| !Path::new(f).starts_with(folder));
        let mut gone = spare.gone.lock().unwrap_or_else(|p| p.into_inner());
        gone.push(folder.to_path_buf());
        Ok(())
    }

    fn make_folder(&self, folder: &Path) -> io::Result<()> {
        let made = || self.made.lock().unwrap_or_else(|p| p.into_inner());
        if made().contains(folder.as_os_str()) {
            return Ok(());
        }
        if !self.spare_folder(folder)? && fs::create_dir_all(folder).is_err() {
            // The earlier site may hold a file where this build wants a folder.
            for f in folder.ancestors().take_while(|f| *f != self.dir) {
                if self.take_spare(f)?.is_some() {
                    fs::remove_file(f)?;
                }
            }
            fs::create_dir_all(folder)?;
        }
        made().insert(folder.as_os_str().to_owned());
        Ok(())
    }

    /// The inode number of the earlier site's file at `full`, which this build now writes.
    fn take_spare(&self, full: &Path) -> io::Result<Option<u64>> {
        let mut files = self
            .spare()?
            .files
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        Ok(files.remove(self.relative(full).as_os_str()))
    }

    /// Removes the files and folders of the earlier site that this build did not write.
    fn prune(&self) -> io::Result<()> {
        let spare = self.spare()?;
        let files = std::mem::take(&mut *spare.files.lock().unwrap_or_else(|p| p.into_inner()));
        files
            .into_par_iter()
            .try_for_each(|(path, _)| ignore_missing(fs::remove_file(self.dir.join(path))))?;
        let made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        // Each folder made, relative to the output's, and the folders above it.
        let mut kept = FxHashSet::default();
        for folder in made.iter() {
            let rel = Path::new(folder)
                .strip_prefix(&self.dir)
                .unwrap_or(Path::new(""));
            let mut rel = rel.as_os_str().as_encoded_bytes();
            while !rel.is_empty() && kept.insert(rel) {
                let parent = rel.iter().rposition(|&b| b == b'/').unwrap_or(0);
                rel = &rel[..parent];
            }
        }
        let mut unused: Vec<PathBuf> = spare
            .folders
            .iter()
            .filter(|f| !kept.contains(f.as_encoded_bytes()))
            .map(|f| self.dir.join(f))
            .collect();
        // A folder removed whole takes its subfolders with it; one that a file of this
        // build replaced is no folder any more.
        unused.sort();
        for folder in unused {
            if fs::symlink_metadata(&folder).is_ok_and(|m| m.is_dir()) {
                ignore_missing(fs::remove_dir_all(&folder))?;
            }
        }
        Ok(())
    }
}

fn ignore_missing(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// The regular files (with their inode numbers) and the folders of a tree.
#[cfg(unix)]
#[derive(Default)]
struct Listing {
    files: Vec<(PathBuf, u64)>,
    folders: Vec<PathBuf>,
}

#[cfg(unix)]
impl Listing {
    fn merge(mut self, other: Listing) -> Listing {
        self.files.extend(other.files);
        self.folders.extend(other.folders);
        self
    }
}

/// Lists the tree under `root`'s folder `rel`, by paths relative to `root`, removing on the
/// way whatever is neither a folder nor a regular file; symbolic links are never followed.
/// A folder as an earlier build saw it is not read again.
#[cfg(unix)]
fn survey(root: &Path, rel: &Path, sightings: &Sightings) -> io::Result<Listing> {
    use sightings::Entry;
    let dir = root.join(rel);
    // Taken before the folder is read, so that a change while reading shows next time.
    let metadata = fs::symlink_metadata(&dir)?;
    if !metadata.is_dir() {
        return Err(io::Error::other(format!("{} is no folder", dir.display())));
    }
    let entries = match sightings.recall(&metadata) {
        Some(entries) => entries,
        None => {
            let entries = entries(&dir)?;
            // The site's own folder changes at every build (the probe of `folds_names`, the
            // renames), so recording it would only rewrite the record each time.
            if !rel.as_os_str().is_empty() {
                sightings.note(&metadata, &entries);
            }
            entries
        }
    };
    entries
        .into_par_iter()
        .map(|entry| {
            let mut listing = Listing::default();
            match entry {
                Entry::Folder(name) => {
                    let path = rel.join(name);
                    listing = survey(root, &path, sightings)?;
                    listing.folders.push(path);
                }
                Entry::File(name, inode) => listing.files.push((rel.join(name), inode)),
            }
            Ok(listing)
        })
        .try_reduce(Listing::default, |a, b| Ok(a.merge(b)))
}

/// The folders and regular files in `dir`; anything else there is removed.
#[cfg(unix)]
fn entries(dir: &Path) -> io::Result<Vec<sightings::Entry>> {
    use sightings::Entry;
    use std::os::unix::fs::DirEntryExt;
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            entries.push(Entry::Folder(entry.file_name()));
        } else if kind.is_file() {
            entries.push(Entry::File(entry.file_name(), entry.ino()));
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(entries)
}

/// The earlier site under `dir`, if it can be listed and names are matched as they are
/// spelled; what the listing saw is recorded for later builds.
#[cfg(unix)]
fn listed(dir: &Path, sightings: Sightings) -> io::Result<Listing> {
    let listing = survey(dir, Path::new(""), &sightings)?;
    sightings.save();
    match folds_names(dir)? {
        true => Err(io::Error::other("the file system folds names")),
        false => Ok(listing),
    }
}

/// Whether the file system takes another spelling of a name (other case, or another
/// Unicode normalisation) for the same file, as macOS's usually do.
#[cfg(unix)]
fn folds_names(dir: &Path) -> io::Result<bool> {
    let probe = dir.join(".standings-probe-\u{e9}");
    fs::File::create(&probe)?;
    let folded = [".STANDINGS-PROBE-\u{c9}", ".standings-probe-e\u{301}"]
        .iter()
        .any(|name| fs::symlink_metadata(dir.join(name)).is_ok());
    fs::remove_file(&probe)?;
    Ok(folded)
}

/// Empties the folder a build took over, by moving the earlier site out of the way.
#[cfg(unix)]
fn start_afresh(dir: &Path) -> io::Result<()> {
    let mut aside = dir.as_os_str().to_owned();
    aside.push(".discarded");
    let aside = PathBuf::from(aside);
    let _ = remove_any(&aside);
    fs::rename(dir, &aside)?;
    fs::create_dir_all(dir)?;
    let _ = remove_any(&aside);
    Ok(())
}

impl Output for DirOutput {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        check_path(path)?;
        self.written.store(true, Ordering::Relaxed);
        let full = self.dir.join(path);
        if let Some(parent) = full.parent() {
            self.make_folder(parent)?;
        }
        let mut spare = self.take_spare(&full)?;
        if let Some(previous) = self.previous.as_ref().filter(|_| self.linking()) {
            let old = previous.join(path);
            if let Some(found) = self.published(&old, bytes) {
                // Usually the earlier site's file is the published one already.
                if spare == Some(found.inode) && self.spare()?.same_device {
                    self.keeps(found);
                    return Ok(());
                }
                if spare.take().is_some() {
                    fs::remove_file(&full)?;
                }
                match fs::hard_link(&old, &full) {
                    Ok(()) => return Ok(()),
                    // A file system without hard links, or a folder on another one: stop
                    // reading files that cannot be reused.
                    Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                        self.cannot_link.store(true, Ordering::Relaxed)
                    }
                    Err(_) => {}
                }
            }
        }
        if spare.is_some() {
            fs::remove_file(&full)?;
        }
        // A file written twice may be a link into the previous site by now: it is replaced,
        // never written through, or the previous site would change under a build that can
        // still fail.
        let mut file = match create_new(&full) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                // The earlier site may have had a folder where this build writes a file.
                match self.spare_folder(&full)? {
                    true => self.clear_spare_folder(&full)?,
                    false => fs::remove_file(&full)?,
                }
                create_new(&full)?
            }
            file => file?,
        };
        // The whole file in one call: a page is written once, so a buffer would only copy it.
        file.write_all(bytes)
    }
}

/// Refuses a path with more than one spelling or leading out of the output folder: the
/// folder's files and folders are compared as strings, and no write may escape it.
pub(crate) fn check_path(path: &str) -> io::Result<()> {
    match path.split('/').any(|part| matches!(part, "" | "." | "..")) {
        true => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a file's path must be relative, without empty, `.` or `..` parts",
        )),
        false => Ok(()),
    }
}

fn create_new(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// The inode number of the regular file at `old` if it holds exactly `bytes`. A symbolic
/// link is never taken for its target (linking it would publish the link, not the file),
/// and a named pipe is not waited on.
#[cfg(unix)]
fn holds(old: &Path, bytes: &[u8]) -> Option<u64> {
    use std::io::Read;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    /// Most pages fit in one read; the buffer stays small however large a file is.
    const CHUNK: usize = 64 * 1024;
    thread_local! {
        static HELD: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let Ok(mut file) = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(old)
    else {
        return None;
    };
    let metadata = file.metadata().ok()?;
    if !metadata.is_file() || metadata.len() != bytes.len() as u64 {
        return None;
    }
    let same = HELD.with_borrow_mut(|held| {
        held.resize(CHUNK, 0);
        bytes.chunks(CHUNK).all(|chunk| {
            let held = &mut held[..chunk.len()];
            file.read_exact(held).is_ok() && held == chunk
        })
    });
    same.then(|| metadata.ino())
}

/// Without a way to open a file but not a symbolic link, every file is written.
#[cfg(not(unix))]
fn holds(_old: &Path, _bytes: &[u8]) -> Option<u64> {
    None
}

/// Keeps every file in memory, sorted by path.
#[derive(Default)]
pub struct MemoryOutput {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemoryOutput {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

impl Output for MemoryOutput {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        check_path(path)?;
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// The files of `static/`, relative to the site root.
pub fn static_files(root: &Path, out: &mut Diagnostics) -> Vec<PathBuf> {
    files_in(root, Path::new("static"), &[], out)
}

/// The site path a static file is published at.
pub fn static_target(rel: &Path) -> String {
    crate::error::display_path(rel.strip_prefix("static").unwrap_or(rel))
}

/// Copies the static files as they are. Returns the number of bytes.
pub fn copy_static(root: &Path, files: &[PathBuf], output: &dyn Output) -> Result<u64, Error> {
    let mut bytes = 0;
    for rel in files {
        let data = fs::read(root.join(rel)).map_err(|e| Error::io("read", rel, e))?;
        let target = static_target(rel);
        output
            .write(&target, &data)
            .map_err(|e| Error::io("write", &target, e))?;
        bytes += data.len() as u64;
    }
    Ok(bytes)
}

/// Refuses an output folder that would overwrite or delete the site's sources.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), Error> {
    let unsafe_output = |reason: &str| Error::UnsafeOutput {
        path: output.to_path_buf(),
        reason: reason.to_string(),
    };
    let root = absolute(root)?;
    let target = absolute(output)?;
    if target == root {
        return Err(unsafe_output("it is the site root"));
    }
    if root.starts_with(&target) {
        return Err(unsafe_output("it contains the site"));
    }
    for source in ["content", "data", "templates", "static"] {
        if target.starts_with(root.join(source)) {
            return Err(unsafe_output(&format!(
                "it is inside the site's {source}/ folder"
            )));
        }
    }
    // Built sites have a data/ folder of their own (data/models.json), so sources are
    // recognised by files only a site's sources hold.
    let sources = [
        target.join(crate::config::SETTINGS_FILE),
        target.join("data").join("metrics.yaml"),
        target.join("content").join("use-cases"),
    ];
    if sources.iter().any(|p| p.exists()) {
        return Err(unsafe_output(
            "it holds a site's sources (site.yaml, data/metrics.yaml or content/use-cases/)",
        ));
    }
    Ok(())
}

/// The absolute form of a path, with symbolic links of its existing part resolved, so that
/// `./public/..` and a link to the root are recognised.
fn absolute(path: &Path) -> Result<PathBuf, Error> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| Error::io("find", ".", e))?
            .join(path)
    };
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut resolved = existing
        .canonicalize()
        .map_err(|e| Error::io("resolve", existing, e))?;
    for name in rest.iter().rev() {
        if name == ".." {
            resolved.pop();
        } else if name != "." {
            resolved.push(name);
        }
    }
    Ok(resolved)
}

/// Builds into a temporary folder beside `output` and swaps it in when `build` succeeds.
pub fn publish<T>(
    root: &Path,
    output: &Path,
    build: impl FnOnce(&dyn Output) -> Result<T, Error>,
) -> Result<T, Error> {
    check_output_dir(root, output)?;
    let target = absolute(output)?;
    let parent = target
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::UnsafeOutput {
            path: output.to_path_buf(),
            reason: "it has no parent folder".into(),
        })?;
    fs::create_dir_all(&parent).map_err(|e| Error::io("create", &parent, e))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folders = Folders {
        staging: parent.join(format!(".{name}.building-{}", std::process::id())),
        retired: parent.join(format!(".{name}.previous-{}", std::process::id())),
        spare: parent.join(format!(".{name}.spare")),
        target,
    };
    remove_abandoned(&parent, &name);
    let cache = root.join(crate::cache::CACHE_DIR);
    let (output, adopted) = folders.staging_output(&cache)?;
    #[cfg(unix)]
    let output = output.learning(facts::record_path(&cache, &folders.target), &parent);
    let value = match build(&output) {
        Ok(v) => v,
        Err(e) => {
            // A build that failed before writing leaves the spare as it was; one that wrote
            // may have failed on the spare itself, so the next build starts afresh.
            let _ = output.spare();
            let untouched = adopted && !output.written.load(Ordering::Relaxed);
            if !(untouched && folders.keep_or_remove(&folders.staging).is_ok()) {
                let _ = remove_dir(&folders.staging);
            }
            return Err(e);
        }
    };
    time(Stage::Replace, || {
        output
            .prune()
            .map_err(|e| Error::io("tidy", &folders.staging, e))?;
        folders.replace()
    })?;
    #[cfg(unix)]
    output.facts.save();
    Ok(value)
}

/// The folders of a build beside its output folder, `target`.
struct Folders {
    staging: PathBuf,
    /// Where the published site goes while the new one moves into place.
    retired: PathBuf,
    /// The site before the published one, kept for the next build to update.
    spare: PathBuf,
    target: PathBuf,
}

impl Folders {
    /// The folder to build in: the spare site when there is one (a rename, so two builds
    /// at once never share it), otherwise a new one; and whether it was the spare.
    fn staging_output(&self, cache: &Path) -> Result<(DirOutput, bool), Error> {
        let staging = &self.staging;
        remove_dir(staging)?;
        let output = DirOutput::new(staging).reusing(&self.target);
        // Only a real folder is taken over: a symbolic link would lead the build elsewhere.
        #[cfg(unix)]
        if fs::rename(&self.spare, staging).is_ok() {
            if fs::symlink_metadata(staging).is_ok_and(|m| m.is_dir()) {
                let record = sightings::record_path(cache, &self.target);
                return Ok((output.updating(record), true));
            }
            remove_dir(staging)?;
        }
        fs::create_dir_all(staging).map_err(|e| Error::io("create", staging, e))?;
        Ok((output, false))
    }

    /// Moves the new site into place, and the published one aside as the spare.
    fn replace(&self) -> Result<(), Error> {
        let (staging, target, retired) = (&self.staging, &self.target, &self.retired);
        if target.exists() {
            remove_dir(retired)?;
            fs::rename(target, retired).map_err(|e| Error::io("move aside", target, e))?;
        }
        if let Err(e) = fs::rename(staging, target) {
            // Put the previous site back rather than leave no site at all.
            let _ = fs::rename(retired, target);
            return Err(Error::io("move into place", staging, e));
        }
        self.keep_or_remove(retired)
    }

    /// Keeps `dir` as the spare site, or removes it when there already is one.
    fn keep_or_remove(&self, dir: &Path) -> Result<(), Error> {
        if cfg!(unix) && !self.spare.exists() && fs::rename(dir, &self.spare).is_ok() {
            return Ok(());
        }
        remove_dir(dir)
    }
}

/// Removes the staging and retired folders of builds that were killed before they could
/// clean up after themselves: each holds a whole site, and on a RAM disk a few of them fill
/// the memory. A folder whose process still runs (another build) is left alone, and so is
/// every folder on a system where that cannot be told.
fn remove_abandoned(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.building-"), format!(".{name}.previous-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let pid = prefixes
            .iter()
            .find_map(|p| file_name.strip_prefix(p.as_str()))
            .map(|rest| rest.trim_end_matches(".discarded"))
            .and_then(|pid| pid.parse::<u32>().ok());
        if pid.is_some_and(|pid| pid != std::process::id() && has_ended(pid)) {
            let _ = remove_dir(&entry.path());
        }
    }
}

/// Whether no process `pid` runs, as far as `/proc` tells; `false` where there is no `/proc`.
fn has_ended(pid: u32) -> bool {
    Path::new("/proc/self").exists() && !Path::new("/proc").join(pid.to_string()).exists()
}

fn remove_dir(dir: &Path) -> Result<(), Error> {
    ignore_missing(remove_any(dir)).map_err(|e| Error::io("remove", dir, e))
}

/// Removes a folder, or whatever else is at `path` (never what a symbolic link points to).
fn remove_any(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path)?.is_dir() {
        true => remove_tree(path, 2),
        false => fs::remove_file(path),
    }
}

/// Removes a folder, the subtrees `depth` levels down in parallel: a built site holds
/// thousands of small files, and removing them one by one is bound by the processor. Below
/// that depth the standard library removes each subtree, never following symbolic links.
fn remove_tree(dir: &Path, depth: usize) -> io::Result<()> {
    if depth == 0 {
        return fs::remove_dir_all(dir);
    }
    let entries = fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path(), depth - 1)
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_relative_as_comparing_components_would() {
        for dir in [
            "public",
            "public/",
            "/tmp/site/public",
            ".",
            "./out",
            "out/.",
        ] {
            let output = DirOutput::new(dir);
            for rel in ["index.html", "use-cases/coding/index.html", "a/b/", ""] {
                let full = Path::new(dir).join(rel);
                for path in full.ancestors() {
                    let expected = path.strip_prefix(dir).unwrap_or(path);
                    assert_eq!(output.relative(path), expected, "{dir:?} {path:?}");
                }
            }
        }
    }

    #[test]
    fn refuses_outputs_that_hold_sources() {
        let site = tempfile::tempdir().unwrap();
        fs::create_dir_all(site.path().join("content")).unwrap();
        fs::write(site.path().join("site.yaml"), "title: t\n").unwrap();
        let root = site.path();
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(root, &root.join("..")).is_err());
        assert!(check_output_dir(root, &root.join("content/out")).is_err());
        assert!(check_output_dir(root, &root.join("public/..")).is_err());
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }

    #[test]
    fn a_failed_build_keeps_the_previous_output() {
        let site = tempfile::tempdir().unwrap();
        let public = site.path().join("public");
        publish(site.path(), &public, |out| {
            out.write("index.html", b"first")
                .map_err(|e| Error::io("write", "x", e))
        })
        .unwrap();
        let failed: Result<(), Error> = publish(site.path(), &public, |out| {
            out.write("index.html", b"second").unwrap();
            Err(Error::Usage("broken".into()))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read(public.join("index.html")).unwrap(), b"first");
        let folders = || {
            let mut names: Vec<_> = fs::read_dir(site.path())
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name != crate::cache::CACHE_DIR)
                .collect();
            names.sort();
            names
        };
        assert_eq!(folders(), ["public"]);
        // Once there is a spare site, a failed build leaves it there for the next one.
        publish(site.path(), &public, |out| {
            out.write("index.html", b"third")
                .map_err(|e| Error::io("write", "x", e))
        })
        .unwrap();
        let before = folders();
        let failed: Result<(), Error> =
            publish(site.path(), &public, |_| Err(Error::Usage("broken".into())));
        assert!(failed.is_err());
        assert_eq!(fs::read(public.join("index.html")).unwrap(), b"third");
        assert_eq!(folders(), before);
        // One that failed after writing may have failed on the spare: it is not kept.
        let failed: Result<(), Error> = publish(site.path(), &public, |out| {
            out.write("index.html", b"fourth").unwrap();
            Err(Error::Usage("broken".into()))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read(public.join("index.html")).unwrap(), b"third");
        assert_eq!(folders(), ["public"]);
    }

    /// Publishes `files` into `public`, written in this order, failing after them if asked.
    #[cfg(unix)]
    fn publish_files(public: &Path, files: &[(&str, &[u8])], fail: bool) -> Result<(), Error> {
        let root = public.parent().unwrap();
        publish(root, public, |out| {
            for (path, bytes) in files {
                out.write(path, bytes)
                    .map_err(|e| Error::io("write", path, e))?;
            }
            match fail {
                true => Err(Error::Usage("broken".into())),
                false => Ok(()),
            }
        })
    }

    /// A site folder whose `public/` a first build published `files` into.
    #[cfg(unix)]
    fn published(files: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf) {
        let site = tempfile::tempdir().unwrap();
        let public = site.path().join("public");
        publish_files(&public, files, false).unwrap();
        (site, public)
    }

    /// Like `published`, built twice, so that the first site is the spare beside it.
    #[cfg(unix)]
    fn with_spare(files: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf) {
        let (site, public) = published(files);
        publish_files(&public, files, false).unwrap();
        (site, public)
    }

    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        fs::symlink_metadata(path).unwrap().ino()
    }

    /// The record in which builds into `public` keep what they learnt of its files.
    #[cfg(unix)]
    fn record(public: &Path) -> PathBuf {
        let cache = public.parent().unwrap().join(crate::cache::CACHE_DIR);
        facts::record_path(&cache, &absolute(public).unwrap())
    }

    /// The record in which builds into `public` keep what they saw of the spare's folders.
    #[cfg(unix)]
    fn folder_record(public: &Path) -> PathBuf {
        let cache = public.parent().unwrap().join(crate::cache::CACHE_DIR);
        sightings::record_path(&cache, &absolute(public).unwrap())
    }

    #[test]
    #[cfg(unix)]
    fn a_rebuild_records_the_files_it_keeps_once_their_times_have_settled() {
        let files: &[(&str, &[u8])] = &[("a/index.html", b"same"), ("b.json", b"kept")];
        let (_site, public) = with_spare(files);
        publish_files(&public, files, false).unwrap();
        // The magic number, and no fact: the files' times were too fresh to be trusted.
        assert_eq!(fs::metadata(record(&public)).unwrap().len(), 16);
        std::thread::sleep(std::time::Duration::from_millis(2100));
        publish_files(&public, files, false).unwrap();
        assert_eq!(fs::metadata(record(&public)).unwrap().len(), 16 + 2 * 48);
    }

    /// Records the spare site beside `public` as a build that began long after its folders
    /// last changed would see it.
    #[cfg(unix)]
    fn forge_sightings(public: &Path) {
        let spare = public.parent().unwrap().join(".public.spare");
        let sightings = sightings::settled(folder_record(public), &spare);
        survey(&spare, Path::new(""), &sightings).unwrap();
        sightings.save();
    }

    #[test]
    fn a_path_with_more_than_one_spelling_or_leading_out_is_refused() {
        let site = tempfile::tempdir().unwrap();
        let outside = site.path().join("outside.html");
        let absolute = outside.to_string_lossy().into_owned();
        let dir = DirOutput::new(site.path().join("public"));
        let memory = MemoryOutput::new();
        for output in [&dir as &dyn Output, &memory] {
            for path in [
                "a//index.html",
                "./index.html",
                "a/../b.html",
                &absolute,
                "a/",
            ] {
                let refused = output.write(path, b"page").unwrap_err();
                assert_eq!(refused.kind(), io::ErrorKind::InvalidInput, "{path}");
            }
            output.write("a/index.html", b"page").unwrap();
        }
        assert!(!outside.exists());
        assert_eq!(memory.into_files().len(), 1);
    }

    #[test]
    #[cfg(unix)]
    fn writes_that_all_wait_for_the_spare_listing_do_not_stop_the_build() {
        let names: Vec<String> = (0..3000).map(|i| format!("f{i}/index.html")).collect();
        let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
        let (_site, public) = with_spare(&files);
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let root = public.parent().unwrap().to_path_buf();
            // Every thread of the global pool writes at once, so that all of them wait for
            // the listing of the spare's 3,000 folders.
            let built = publish(&root, &public, |out| {
                (0..rayon::current_num_threads() * 8)
                    .into_par_iter()
                    .try_for_each(|i| out.write(&format!("g{i}.html"), b"y"))
                    .map_err(|e| Error::io("write", "g.html", e))
            });
            let _ = done.send(built.is_ok());
        });
        let built = finished.recv_timeout(std::time::Duration::from_secs(120));
        assert_eq!(built, Ok(true), "the build did not finish");
    }

    #[test]
    #[cfg(unix)]
    fn the_record_holds_every_folder_of_the_spare_but_its_own() {
        let (site, public) = with_spare(&[("a/b/index.html", b"page")]);
        forge_sightings(&public);
        let spare = site.path().join(".public.spare");
        let sightings = Sightings::load(folder_record(&public), &spare);
        let recall = |rel: &str| sightings.recall(&fs::symlink_metadata(spare.join(rel)).unwrap());
        assert!(recall("a").is_some());
        assert!(recall("a/b").is_some());
        assert!(recall("").is_none());
    }

    #[test]
    #[cfg(unix)]
    fn a_spare_site_taken_from_the_record_still_loses_what_the_build_does_not_write() {
        let both: &[(&str, &[u8])] = &[("a/index.html", b"a"), ("b/index.html", b"b")];
        let (_site, public) = with_spare(both);
        forge_sightings(&public);
        let one: &[(&str, &[u8])] = &[("a/index.html", b"a")];
        publish_files(&public, one, false).unwrap();
        expect_tree(&public, one);
    }

    #[test]
    #[cfg(unix)]
    fn a_spare_folder_whose_times_match_its_record_is_not_read_again() {
        use sightings::Entry;
        let files: &[(&str, &[u8])] = &[("a/index.html", b"page")];
        let (site, public) = with_spare(files);
        let spare = site.path().join(".public.spare");
        fs::write(spare.join("a/unread.html"), b"by hand").unwrap();
        // A record that leaves out the file just added, made with the folder's present times.
        let sightings = sightings::settled(folder_record(&public), &spare);
        let index = Entry::File("index.html".into(), inode(&spare.join("a/index.html")));
        sightings.note(&fs::symlink_metadata(spare.join("a")).unwrap(), &[index]);
        sightings.save();
        publish_files(&public, files, false).unwrap();
        // Had the build read the folder, it would have removed the file.
        assert_eq!(fs::read(public.join("a/unread.html")).unwrap(), b"by hand");
    }

    #[test]
    #[cfg(unix)]
    fn a_file_added_by_hand_to_a_recorded_folder_of_the_spare_is_not_published() {
        let files: &[(&str, &[u8])] = &[("a/index.html", b"page")];
        let (site, public) = with_spare(files);
        forge_sightings(&public);
        // Past the file system clock's tick, so that the addition shows in the folder's times.
        std::thread::sleep(std::time::Duration::from_millis(50));
        fs::write(site.path().join(".public.spare/a/stray.html"), b"by hand").unwrap();
        publish_files(&public, files, false).unwrap();
        expect_tree(&public, files);
    }

    #[test]
    #[cfg(unix)]
    fn a_published_file_its_record_vouches_for_is_kept_unread() {
        let (_site, public) = with_spare(&[("a/index.html", b"same")]);
        let page = public.join("a/index.html");
        facts::forge(&record(&public), &[(&page, b"told")]);
        publish_files(&public, &[("a/index.html", b"told")], false).unwrap();
        assert_eq!(fs::read(&page).unwrap(), b"same");
    }

    #[test]
    #[cfg(unix)]
    fn a_published_file_changed_by_hand_is_read_again_even_with_its_old_modification_time() {
        let files: &[(&str, &[u8])] = &[("a/index.html", b"same")];
        let (_site, public) = with_spare(files);
        let page = public.join("a/index.html");
        facts::forge(&record(&public), &[(&page, b"same")]);
        let modified = fs::metadata(&page).unwrap().modified().unwrap();
        // Past the file system clock's tick, so that the edit can show in the change time.
        std::thread::sleep(std::time::Duration::from_millis(50));
        fs::write(&page, b"edit").unwrap();
        let edited = fs::File::options().write(true).open(&page).unwrap();
        edited.set_modified(modified).unwrap();
        publish_files(&public, files, false).unwrap();
        assert_eq!(fs::read(&page).unwrap(), b"same");
    }

    #[test]
    #[cfg(unix)]
    fn a_rebuild_links_unchanged_files_and_writes_changed_ones() {
        let first: &[(&str, &[u8])] = &[("a/index.html", b"same"), ("b.json", b"old")];
        let (_site, public) = published(first);
        let (a, b) = (
            inode(&public.join("a/index.html")),
            inode(&public.join("b.json")),
        );
        let second: &[(&str, &[u8])] = &[("a/index.html", b"same"), ("b.json", b"new")];
        publish_files(&public, second, false).unwrap();
        assert_eq!(inode(&public.join("a/index.html")), a);
        assert_ne!(inode(&public.join("b.json")), b);
        assert_eq!(fs::read(public.join("a/index.html")).unwrap(), b"same");
        assert_eq!(fs::read(public.join("b.json")).unwrap(), b"new");
    }

    #[test]
    #[cfg(unix)]
    fn a_failed_rebuild_never_writes_through_a_linked_file() {
        let (_site, public) = published(&[("index.html", b"first")]);
        // The first write links the published file; the second must not change it.
        let files: &[(&str, &[u8])] = &[("index.html", b"first"), ("index.html", b"second")];
        assert!(publish_files(&public, files, true).is_err());
        assert_eq!(fs::read(public.join("index.html")).unwrap(), b"first");
        publish_files(&public, files, false).unwrap();
        assert_eq!(fs::read(public.join("index.html")).unwrap(), b"second");
    }

    /// Every file under `dir` with its contents, by path relative to it.
    #[cfg(unix)]
    fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| !e.file_type().is_dir())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap();
                (crate::error::display_path(rel), fs::read(e.path()).unwrap())
            })
            .collect()
    }

    #[cfg(unix)]
    fn expect_tree(dir: &Path, files: &[(&str, &[u8])]) {
        let expected: BTreeMap<String, Vec<u8>> = files
            .iter()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect();
        assert_eq!(tree(dir), expected);
    }

    #[test]
    #[cfg(unix)]
    fn a_rebuild_updates_the_site_before_the_published_one() {
        let first: &[(&str, &[u8])] = &[
            ("a/index.html", b"a"),
            ("b/deep/index.html", b"b"),
            ("c.json", b"c"),
        ];
        let (site, public) = published(first);
        let a = inode(&public.join("a/index.html"));
        publish_files(&public, first, false).unwrap();
        let spare = site.path().join(".public.spare");
        assert_eq!(inode(&spare.join("a/index.html")), a);
        let folder = inode(&spare.join("a"));
        let third: &[(&str, &[u8])] = &[
            ("a/index.html", b"a"),
            ("c.json", b"changed"),
            ("d/index.html", b"d"),
        ];
        publish_files(&public, third, false).unwrap();
        expect_tree(&public, third);
        assert_eq!(inode(&public.join("a/index.html")), a);
        // The spare's folder itself was taken over, not made anew.
        assert_eq!(inode(&public.join("a")), folder);
        // The site it replaced is now the spare, untouched.
        expect_tree(&spare, first);
    }

    #[test]
    #[cfg(unix)]
    fn what_was_added_to_a_published_site_by_hand_is_not_published_again() {
        let files: &[(&str, &[u8])] = &[("index.html", b"page")];
        let (_site, public) = published(files);
        fs::write(public.join("stray.txt"), b"by hand").unwrap();
        fs::create_dir_all(public.join("extra/deeper")).unwrap();
        fs::write(public.join("extra/deeper/page.html"), b"by hand").unwrap();
        for _ in 0..3 {
            publish_files(&public, files, false).unwrap();
            expect_tree(&public, files);
        }
    }

    #[test]
    #[cfg(unix)]
    fn a_symbolic_link_in_the_spare_site_is_removed_not_followed() {
        let (site, public) = with_spare(&[("a/index.html", b"page")]);
        let outside = site.path().join("outside");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("index.html"), b"mine").unwrap();
        let spare = site.path().join(".public.spare");
        fs::remove_dir_all(spare.join("a")).unwrap();
        std::os::unix::fs::symlink(&outside, spare.join("a")).unwrap();
        let changed: &[(&str, &[u8])] = &[("a/index.html", b"changed")];
        publish_files(&public, changed, false).unwrap();
        expect_tree(&public, changed);
        assert_eq!(fs::read(outside.join("index.html")).unwrap(), b"mine");
    }

    #[test]
    #[cfg(unix)]
    fn a_spare_that_is_no_folder_is_never_taken_over() {
        let (site, public) = published(&[("index.html", b"first")]);
        let victim = site.path().join("victim");
        fs::create_dir_all(victim.join("sub")).unwrap();
        fs::write(victim.join("sub/kept.txt"), b"mine").unwrap();
        let spare = site.path().join(".public.spare");
        std::os::unix::fs::symlink(&victim, &spare).unwrap();
        let next: &[(&str, &[u8])] = &[("index.html", b"second")];
        publish_files(&public, next, false).unwrap();
        expect_tree(&public, next);
        assert!(fs::symlink_metadata(&public).unwrap().is_dir());
        expect_tree(&victim, &[("sub/kept.txt", b"mine")]);
        fs::remove_dir_all(&spare).unwrap();
        fs::write(&spare, b"a file").unwrap();
        publish_files(&public, &[("index.html", b"third")], false).unwrap();
        expect_tree(&public, &[("index.html", b"third")]);
    }

    #[test]
    #[cfg(unix)]
    fn a_file_and_a_folder_of_one_name_in_one_build_fail_it() {
        let files: &[(&str, &[u8])] = &[("d/index.html", b"page")];
        let (_site, public) = with_spare(files);
        let clashes: [&[(&str, &[u8])]; 2] = [
            &[("d/index.html", b"page"), ("d", b"file")],
            &[("d", b"file"), ("d/index.html", b"page")],
        ];
        for clash in clashes {
            assert!(publish_files(&public, clash, false).is_err());
            expect_tree(&public, files);
        }
        // A file written twice where the spare had a folder is replaced like any other.
        publish_files(&public, files, false).unwrap();
        publish_files(&public, files, false).unwrap();
        let twice: &[(&str, &[u8])] = &[("d", b"first"), ("d", b"second")];
        publish_files(&public, twice, false).unwrap();
        expect_tree(&public, &[("d", b"second")]);
    }

    #[test]
    #[cfg(unix)]
    fn a_file_and_a_folder_may_trade_places_between_builds() {
        let file: &[(&str, &[u8])] = &[("a", b"file"), ("b/index.html", b"b")];
        let folder: &[(&str, &[u8])] = &[("a/index.html", b"folder"), ("b", b"file")];
        let (_site, public) = published(file);
        for files in [folder, file, folder, file] {
            publish_files(&public, files, false).unwrap();
            expect_tree(&public, files);
        }
    }

    #[test]
    #[cfg(unix)]
    fn a_failed_update_of_the_spare_site_never_writes_through_a_linked_file() {
        let files: &[(&str, &[u8])] = &[("index.html", b"first")];
        let (site, public) = with_spare(files);
        let spare = site.path().join(".public.spare/index.html");
        assert_eq!(inode(&spare), inode(&public.join("index.html")));
        assert!(publish_files(&public, &[("index.html", b"second")], true).is_err());
        expect_tree(&public, files);
        publish_files(&public, &[("index.html", b"second")], false).unwrap();
        expect_tree(&public, &[("index.html", b"second")]);
    }

    #[test]
    #[cfg(unix)]
    fn files_longer_than_one_read_are_compared_whole() {
        let page: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut changed_at_end = page.clone();
        *changed_at_end.last_mut().unwrap() ^= 1;
        let (_site, public) = published(&[("a.html", &page), ("b.html", &page)]);
        let (a, b) = (inode(&public.join("a.html")), inode(&public.join("b.html")));
        let next: &[(&str, &[u8])] = &[("a.html", &page), ("b.html", &changed_at_end)];
        publish_files(&public, next, false).unwrap();
        assert_eq!(inode(&public.join("a.html")), a);
        assert_ne!(inode(&public.join("b.html")), b);
        assert_eq!(fs::read(public.join("b.html")).unwrap(), changed_at_end);
    }

    #[test]
    #[cfg(unix)]
    fn a_named_pipe_in_the_previous_output_is_not_waited_on() {
        let (_site, public) = published(&[("index.html", b"page")]);
        let pipe = public.join("index.html");
        fs::remove_file(&pipe).unwrap();
        let c_path = std::ffi::CString::new(pipe.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0);
        publish_files(&public, &[("index.html", b"page")], false).unwrap();
        assert!(fs::symlink_metadata(&pipe).unwrap().file_type().is_file());
        assert_eq!(fs::read(&pipe).unwrap(), b"page");
    }

    #[test]
    #[cfg(unix)]
    fn a_symbolic_link_in_the_previous_output_is_not_reused() {
        let (site, public) = published(&[("index.html", b"page")]);
        let elsewhere = site.path().join("elsewhere.html");
        fs::write(&elsewhere, b"page").unwrap();
        fs::remove_file(public.join("index.html")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, public.join("index.html")).unwrap();
        publish_files(&public, &[("index.html", b"page")], false).unwrap();
        let published = fs::symlink_metadata(public.join("index.html")).unwrap();
        assert!(published.file_type().is_file());
        assert_ne!(inode(&public.join("index.html")), inode(&elsewhere));
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_build_removes_what_killed_builds_left_behind() {
        let site = tempfile::tempdir().unwrap();
        // No process has this id (above Linux's largest), so its build was killed.
        let abandoned = site.path().join(".public.building-4294967290");
        let retired = site.path().join(".public.previous-4294967290");
        // A build that is still running (this test's own parent process) is left alone.
        let running = site.path().join(format!(
            ".public.building-{}",
            std::os::unix::process::parent_id()
        ));
        for dir in [&abandoned, &retired, &running] {
            fs::create_dir_all(dir.join("use-cases")).unwrap();
            fs::write(dir.join("use-cases/index.html"), b"old").unwrap();
        }
        publish(site.path(), &site.path().join("public"), |out| {
            out.write("index.html", b"new")
                .map_err(|e| Error::io("write", "x", e))
        })
        .unwrap();
        assert!(!abandoned.exists() && !retired.exists());
        assert!(running.exists());
    }
}
