//! Making manifests: hashing many files in parallel, and listing a directory.
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! # std::fs::create_dir(dir.path().join("sub")).unwrap();
//! # std::fs::write(dir.path().join("sub/b"), "hello\n").unwrap();
//! # std::fs::write(dir.path().join("a"), "").unwrap();
//! use checksig::{create, manifest, Algorithm};
//! let listing = create::list_dir(dir.path(), Algorithm::Sha1, 0, None)?;
//! let mut text = Vec::new();
//! for file in &listing {
//!     text.extend(manifest::format_line(&file.entry().unwrap())?);
//! }
//! assert_eq!(text, b"da39a3ee5e6b4b0d3255bfef95601890afd80709  a\n\
//!                    f572d396fae9206628714fb2ce00f72e94f2258f  sub/b\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use crate::digest::{Algorithm, Digest};
use crate::manifest::{Entry, Style};
use crate::source::{hash_file_on, threads_per_file, HashFileError};
use crate::verify::thread_count;

/// The digests of `paths`, in their order, hashed by at most `threads`
/// scoped threads (0: one per CPU) that end before this returns. Each file is
/// read as [`hash_file`](crate::hash_file) reads it; one file's failure does not stop the others.
/// With fewer files than threads, a BLAKE3 file may use the spare threads.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # let (a, b) = (dir.path().join("a"), dir.path().join("b"));
/// # std::fs::write(&a, "abc").unwrap();
/// use checksig::{hash_files, Algorithm};
/// let results = hash_files(&[&a, &b], Algorithm::Sha256, 2);
/// assert_eq!(
///     results[0].as_ref().unwrap().to_hex(),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// assert!(results[1].is_err()); // b does not exist
/// ```
pub fn hash_files<P: AsRef<Path> + Sync>(
    paths: &[P],
    algorithm: Algorithm,
    threads: usize,
) -> Vec<Result<Digest, HashFileError>> {
    let slots: Vec<OnceLock<Result<Digest, HashFileError>>> = std::iter::repeat_with(OnceLock::new)
        .take(paths.len())
        .collect();
    let threads = thread_count(threads);
    let workers = threads.min(paths.len()).max(1);
    // Threads no worker uses (fewer files than threads) may share a file.
    let per_file = threads_per_file(threads, workers);
    let next = AtomicUsize::new(0);
    let work = || loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(path) = paths.get(index) else {
            return;
        };
        // Each index is claimed once, so the slot is still empty.
        let _ = slots[index].set(hash_file_on(algorithm, path.as_ref(), per_file));
    };

    std::thread::scope(|scope| {
        for _ in 1..workers {
            scope.spawn(work);
        }
        work();
    });
    slots
        .into_iter()
        .map(|slot| slot.into_inner().expect("every path is hashed"))
        .collect()
}

/// One regular file found by [`list_dir`], with its digest or why it has none.
#[derive(Debug)]
pub struct Listed {
    /// The name relative to the directory, `/`-separated, as raw bytes.
    pub name: Vec<u8>,
    /// The digest, or why the file could not be hashed.
    pub digest: Result<Digest, HashFileError>,
}

impl Listed {
    /// The manifest entry for this file (`None` if it could not be hashed),
    /// ready for [`crate::manifest::format_line`].
    pub fn entry(&self) -> Option<Entry> {
        let digest = *self.digest.as_ref().ok()?;
        Some(Entry {
            line: 0,
            name: self.name.clone(),
            digest,
            style: Style::Text,
        })
    }
}

/// Every regular file under `dir` (symbolic links are neither followed nor
/// listed), sorted by name as raw bytes, with its digest: what
/// `checksig create` writes. `skip` names one file to leave out, such as the
/// manifest being written. Fails only if `dir` or a directory under it
/// cannot be listed.
pub fn list_dir(
    dir: &Path,
    algorithm: Algorithm,
    threads: usize,
    skip: Option<&Path>,
) -> Result<Vec<Listed>, ListError> {
    let skip = skip.and_then(|skip| std::fs::canonicalize(skip).ok());
    let mut names = Vec::new();
    walk_regular(dir, &mut Vec::new(), &mut names)?;
    names.sort_unstable();
    if let Some(skip) = &skip {
        names.retain(|name| {
            std::fs::canonicalize(dir.join(OsStr::from_bytes(name)))
                .ok()
                .as_ref()
                != Some(skip)
        });
    }
    let paths: Vec<PathBuf> = names
        .iter()
        .map(|name| dir.join(OsStr::from_bytes(name)))
        .collect();
    let digests = hash_files(&paths, algorithm, threads);
    Ok(names
        .into_iter()
        .zip(digests)
        .map(|(name, digest)| Listed { name, digest })
        .collect())
}

/// A directory [`list_dir`] could not list.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct ListError {
    /// The directory.
    pub path: PathBuf,
    /// Why (with the OS error number).
    pub source: io::Error,
}

fn walk_regular(
    root: &Path,
    prefix: &mut Vec<u8>,
    found: &mut Vec<Vec<u8>>,
) -> Result<(), ListError> {
    let dir = if prefix.is_empty() {
        root.to_path_buf()
    } else {
        root.join(OsStr::from_bytes(prefix))
    };
    let entries = std::fs::read_dir(&dir).map_err(|e| with_path(e, &dir))?;
    for entry in entries {
        let entry = entry.map_err(|e| with_path(e, &dir))?;
        let length = prefix.len();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        prefix.extend_from_slice(entry.file_name().as_bytes());
        // `file_type` does not follow symbolic links.
        let kind = entry.file_type().map_err(|e| with_path(e, &entry.path()))?;
        if kind.is_dir() {
            walk_regular(root, prefix, found)?;
        } else if kind.is_file() {
            found.push(prefix.clone());
        }
        prefix.truncate(length);
    }
    Ok(())
}

fn with_path(source: io::Error, path: &Path) -> ListError {
    ListError {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hasher::hash_bytes;

    #[test]
    fn results_keep_input_order_with_any_thread_count() {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = (0..50).map(|i| dir.path().join(format!("f{i}"))).collect();
        for (i, path) in paths.iter().enumerate() {
            if i % 5 != 0 {
                std::fs::write(path, vec![i as u8; i * 100]).unwrap();
            }
        }
        for threads in [0, 1, 3] {
            for algorithm in Algorithm::ALL {
                let results = hash_files(&paths, algorithm, threads);
                for (i, result) in results.iter().enumerate() {
                    if i % 5 == 0 {
                        assert!(result.is_err(), "{i}");
                    } else {
                        let expected = hash_bytes(algorithm, &vec![i as u8; i * 100]);
                        assert_eq!(result.as_ref().unwrap(), &expected, "{i} {algorithm}");
                    }
                }
            }
        }
        assert!(hash_files::<PathBuf>(&[], Algorithm::Sha1, 0).is_empty());
    }

    #[test]
    fn lists_regular_files_sorted_and_skips_links_and_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/c")).unwrap();
        for name in ["z", "b/c/x", "b/a", "B", "sha256sum.txt"] {
            std::fs::write(root.join(name), name).unwrap();
        }
        std::os::unix::fs::symlink("z", root.join("link")).unwrap();
        let listing = list_dir(
            root,
            Algorithm::Sha256,
            2,
            Some(&root.join("sha256sum.txt")),
        )
        .unwrap();
        let names: Vec<&[u8]> = listing.iter().map(|l| &l.name[..]).collect();
        assert_eq!(names, [&b"B"[..], b"b/a", b"b/c/x", b"z"]);
        assert_eq!(
            listing[2].entry().unwrap().digest,
            hash_bytes(Algorithm::Sha256, b"b/c/x")
        );
        let error = list_dir(&root.join("missing"), Algorithm::Sha1, 1, None).unwrap_err();
        assert_eq!(error.path, root.join("missing"));
        assert_eq!(error.source.raw_os_error(), Some(2));
    }
}
