//! Making manifests: hashing many files in parallel, and listing a directory.
//! [`hash_files_cancellable`] and [`list_dir_cancellable`] do the same and
//! can be stopped from another thread by a [`CancelToken`].
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

use std::io;
use std::ops::ControlFlow;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rustix::fs::FileType;

use crate::cancel::CancelToken;
pub use crate::cancel::Cancelled;
use crate::digest::{Algorithm, Digest};
use crate::engine::{hash_file_on, threads_per_file, HashFileError, Meter, ReadError, Reader};
use crate::exec::ordered::Ordered;
use crate::exec::{thread_count, Claims};
use crate::fs::root::OpenError;
use crate::fs::walk::{walk, Found};
use crate::fs::Root;
use crate::manifest::{Entry, Style};
use crate::verify::{Progress, PROGRESS_INTERVAL};

/// The digests of `paths`, in their order, hashed by at most `threads`
/// threads (0: one per CPU): the calling thread and helpers that are done
/// with the call when it returns (they park for a moment, as a
/// verification's do). Each file is read as [`hash_file`](crate::hash_file)
/// reads it; one file's failure does not stop the others.
/// With fewer files than threads, a BLAKE3 file may use the spare threads.
/// [`hash_files_cancellable`] can be stopped from another thread.
///
/// # Panics
///
/// If the list of results (one slot per path of `paths`) cannot be
/// allocated, as a `Vec` of them would: their number is that of the
/// caller's own slice, not one read from input. ([`list_dir`], whose files
/// come from the tree, returns an error instead.)
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
    hash_paths(paths, algorithm, threads, Watch::default())
        .expect("only a cancel token stops hashing")
}

/// [`hash_files`], stopped by `cancel` from any thread: once it is cancelled
/// no thread starts another file, a file being hashed stops within one piece
/// (a few MiB), and the call returns [`Cancelled`], with no digest at all. A
/// call that returns `Ok` was never cancelled, so each digest is the whole
/// file's. The token stays cancelled: use a new one for the next call.
///
/// # Panics
///
/// If the list of results (one slot per path of `paths`) cannot be
/// allocated, as a `Vec` of them would: their number is that of the
/// caller's own slice, not one read from input. ([`list_dir`], whose files
/// come from the tree, returns an error instead.)
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # let a = dir.path().join("a");
/// # std::fs::write(&a, "abc").unwrap();
/// use checksig::{create, Algorithm, CancelToken};
/// let cancel = CancelToken::new();
/// let results = create::hash_files_cancellable(&[&a], Algorithm::Sha1, 0, &cancel)?;
/// assert_eq!(results[0].as_ref().unwrap().to_hex(), "a9993e364706816aba3e25717850c26c9cd0d89d");
///
/// cancel.cancel(); // as another thread would, on Ctrl-C
/// let stopped = create::hash_files_cancellable(&[&a], Algorithm::Sha1, 0, &cancel);
/// assert_eq!(stopped.unwrap_err(), create::Cancelled);
/// # Ok::<(), create::Cancelled>(())
/// ```
pub fn hash_files_cancellable<P: AsRef<Path> + Sync>(
    paths: &[P],
    algorithm: Algorithm,
    threads: usize,
    cancel: &CancelToken,
) -> Result<Vec<Result<Digest, HashFileError>>, Cancelled> {
    let watch = Watch {
        cancel: Some(cancel.flag()),
        progress: None,
    };
    hash_paths(paths, algorithm, threads, watch)
}

/// [`hash_files_cancellable`], telling `progress` how far it got: on the
/// calling thread, at most every 50 ms and once at the end, with the bytes
/// hashed so far (counted piece by piece, so they move through one large
/// file) of the files' sizes (one `stat` each, before hashing starts).
/// `progress` returning `false` cancels the call, as the token does.
///
/// # Panics
///
/// If the list of results (one slot per path of `paths`) cannot be
/// allocated, as a `Vec` of them would: their number is that of the
/// caller's own slice, not one read from input. ([`list_dir`], whose files
/// come from the tree, returns an error instead.)
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # let a = dir.path().join("a");
/// # std::fs::write(&a, "abc").unwrap();
/// use checksig::{create, Algorithm, CancelToken};
/// let last = std::cell::Cell::new(None);
/// let results = create::hash_files_with_progress(
///     &[&a], Algorithm::Sha1, 0, &CancelToken::new(),
///     &|progress| { last.set(Some(*progress)); true },
/// )?;
/// assert!(results[0].is_ok());
/// let last = last.get().unwrap();
/// assert_eq!((last.bytes_done, last.bytes_total, last.files_done), (3, 3, 1));
/// # Ok::<(), create::Cancelled>(())
/// ```
pub fn hash_files_with_progress<P: AsRef<Path> + Sync>(
    paths: &[P],
    algorithm: Algorithm,
    threads: usize,
    cancel: &CancelToken,
    progress: &dyn Fn(&Progress) -> bool,
) -> Result<Vec<Result<Digest, HashFileError>>, Cancelled> {
    let watch = Watch {
        cancel: Some(cancel.flag()),
        progress: Some(progress),
    };
    hash_paths(paths, algorithm, threads, watch)
}

/// Options for hashing files or listing a directory, built step by step as
/// a [`Verifier`](crate::Verifier)'s are: the algorithm, the threads, a
/// [`CancelToken`] and a progress callback. The free functions of this
/// module ([`hash_files`], [`list_dir`] and their `_cancellable` and
/// `_with_progress` forms) are shorthands for it.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # std::fs::write(dir.path().join("a"), "abc").unwrap();
/// use checksig::{create::Hashing, Algorithm, CancelToken};
/// let cancel = CancelToken::new();
/// let hashing = Hashing::new(Algorithm::Sha256)
///     .threads(2)
///     .cancel_token(cancel.clone())
///     .progress(&|progress| progress.files_done <= progress.files_total);
/// let listing = hashing.list_dir(dir.path(), None)?;
/// assert_eq!(listing[0].name, b"a");
/// let digests = hashing.hash_files(&[dir.path().join("a")])?;
/// assert_eq!(digests[0].as_ref().unwrap(), &checksig::hash_bytes(Algorithm::Sha256, b"abc"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Hashing<'a> {
    algorithm: Algorithm,
    threads: usize,
    cancel: CancelToken,
    progress: Option<&'a dyn Fn(&Progress) -> bool>,
}

impl<'a> Hashing<'a> {
    /// Hashing with `algorithm` on one thread per CPU, not cancellable from
    /// outside, without progress.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let a = dir.path().join("a");
    /// # std::fs::write(&a, "abc").unwrap();
    /// use checksig::{create::Hashing, Algorithm};
    /// let digests = Hashing::new(Algorithm::Sha1).hash_files(&[&a])?;
    /// let digest = digests[0].as_ref().unwrap();
    /// assert_eq!(digest.algorithm(), Algorithm::Sha1);
    /// assert_eq!(digest.to_hex(), "a9993e364706816aba3e25717850c26c9cd0d89d");
    /// # Ok::<(), checksig::Cancelled>(())
    /// ```
    pub fn new(algorithm: Algorithm) -> Hashing<'a> {
        Hashing {
            algorithm,
            threads: 0,
            cancel: CancelToken::new(),
            progress: None,
        }
    }

    /// At most `threads` threads (0: one per CPU), the calling thread included.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let paths: Vec<_> = (0..4).map(|i| dir.path().join(i.to_string())).collect();
    /// # for (i, path) in paths.iter().enumerate() { std::fs::write(path, i.to_string()).unwrap(); }
    /// use checksig::{create::Hashing, hash_bytes, Algorithm};
    /// // One thread or four, the digests come back in the order of `paths`.
    /// let digests = Hashing::new(Algorithm::Sha1).threads(1).hash_files(&paths)?;
    /// let parallel = Hashing::new(Algorithm::Sha1).threads(4).hash_files(&paths)?;
    /// for (i, (one, four)) in digests.iter().zip(&parallel).enumerate() {
    ///     let expected = hash_bytes(Algorithm::Sha1, i.to_string().as_bytes());
    ///     assert_eq!(one.as_ref().unwrap(), &expected);
    ///     assert_eq!(four.as_ref().unwrap(), &expected);
    /// }
    /// # Ok::<(), checksig::Cancelled>(())
    /// ```
    pub fn threads(mut self, threads: usize) -> Hashing<'a> {
        self.threads = threads;
        self
    }

    /// A token that stops the call from any thread: no digest or listing is
    /// returned then, only [`Cancelled`] ([`CreateError::Cancelled`]).
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "abc").unwrap();
    /// use checksig::{create::{CreateError, Hashing}, Algorithm, CancelToken, Cancelled};
    /// let cancel = CancelToken::new();
    /// let hashing = Hashing::new(Algorithm::Sha1).cancel_token(cancel.clone());
    /// cancel.cancel(); // as another thread would, on Ctrl-C
    /// assert_eq!(hashing.hash_files(&[dir.path().join("a")]).unwrap_err(), Cancelled);
    /// assert!(matches!(hashing.list_dir(dir.path(), None), Err(CreateError::Cancelled)));
    /// ```
    pub fn cancel_token(mut self, token: CancelToken) -> Hashing<'a> {
        self.cancel = token;
        self
    }

    /// A callback told how far the hashing got, on the calling thread, at
    /// most every 50 ms and once at the end; returning `false` cancels.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let a = dir.path().join("a");
    /// # std::fs::write(&a, "abc").unwrap();
    /// use checksig::{create::Hashing, Algorithm, Cancelled};
    /// let files_done = std::cell::Cell::new(0);
    /// let counting = |progress: &checksig::Progress| {
    ///     files_done.set(progress.files_done);
    ///     true
    /// };
    /// assert!(Hashing::new(Algorithm::Sha1).progress(&counting).hash_files(&[&a]).is_ok());
    /// assert_eq!(files_done.get(), 1);
    /// // A callback that returns `false` stops the call.
    /// let stop = |_: &checksig::Progress| false;
    /// let stopped = Hashing::new(Algorithm::Sha1).progress(&stop).hash_files(&[&a]);
    /// assert_eq!(stopped.unwrap_err(), Cancelled);
    /// ```
    pub fn progress(mut self, callback: &'a dyn Fn(&Progress) -> bool) -> Hashing<'a> {
        self.progress = Some(callback);
        self
    }

    /// The digests of `paths`, in their order ([`hash_files`]); `Err` only
    /// when the [`CancelToken`] or the progress callback cancelled the call.
    ///
    /// # Panics
    ///
    /// As [`hash_files`]: if the list of results (one slot per path of
    /// `paths`) cannot be allocated.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    /// # std::fs::write(&a, "").unwrap();
    /// use checksig::{create::Hashing, Algorithm};
    /// let results = Hashing::new(Algorithm::Sha1).hash_files(&[&a, &b])?;
    /// assert_eq!(
    ///     results[0].as_ref().unwrap().to_hex(),
    ///     "da39a3ee5e6b4b0d3255bfef95601890afd80709"
    /// );
    /// assert!(results[1].is_err()); // b does not exist; a was hashed all the same
    /// # Ok::<(), checksig::Cancelled>(())
    /// ```
    pub fn hash_files<P: AsRef<Path> + Sync>(
        &self,
        paths: &[P],
    ) -> Result<Vec<Result<Digest, HashFileError>>, Cancelled> {
        hash_paths(paths, self.algorithm, self.threads, self.watch())
    }

    /// Every regular file under `dir` with its digest ([`list_dir`]).
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("b"), "abc").unwrap();
    /// # std::fs::write(dir.path().join("a"), "").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"), "").unwrap();
    /// use checksig::{create::Hashing, Algorithm};
    /// let manifest = dir.path().join("sha1sum.txt");
    /// let listing = Hashing::new(Algorithm::Sha1).list_dir(dir.path(), Some(&manifest))?;
    /// let names: Vec<&[u8]> = listing.iter().map(|file| &file.name[..]).collect();
    /// assert_eq!(names, [&b"a"[..], b"b"]); // sorted; the manifest skipped
    /// # Ok::<(), checksig::create::CreateError>(())
    /// ```
    pub fn list_dir(&self, dir: &Path, skip: Option<&Path>) -> Result<Vec<Listed>, CreateError> {
        list(dir, self.algorithm, self.threads, skip, self.watch())
    }

    fn watch(&self) -> Watch<'_> {
        Watch {
            cancel: Some(self.cancel.flag()),
            progress: self.progress,
        }
    }
}

/// Who watches a hashing: a cancel flag, a progress callback, or neither.
#[derive(Clone, Copy, Default)]
struct Watch<'a> {
    cancel: Option<&'a AtomicBool>,
    progress: Option<&'a dyn Fn(&Progress) -> bool>,
}

/// The work of [`hash_files`]; `Err` only when `cancel` was set.
fn hash_paths<P: AsRef<Path> + Sync>(
    paths: &[P],
    algorithm: Algorithm,
    threads: usize,
    watch: Watch,
) -> Result<Vec<Result<Digest, HashFileError>>, Cancelled> {
    let len_hint = |index: usize| {
        std::fs::metadata(paths[index].as_ref())
            .ok()
            .map(|m| m.len())
    };
    let hashed = hash_each(
        paths.len(),
        threads,
        watch,
        len_hint,
        |index, per_file, meter| hash_file_on(algorithm, paths[index].as_ref(), per_file, meter),
    );
    hashed.map_err(|stopped| match stopped {
        Stopped::Cancelled => Cancelled,
        // The results are a few times the caller's own list of paths: as
        // when a `Vec` of them cannot be had, a panic (documented).
        Stopped::OutOfMemory => panic!("no memory for the results of {} files", paths.len()),
    })
}

/// The digests of the regular files `names` beneath `root`, each hashed from
/// a descriptor opened beneath it (never by a path that could have been
/// swapped for a link since the walk); `Err` only when `watch` cancelled it.
fn hash_names(
    root: &Root,
    names: &[Vec<u8>],
    algorithm: Algorithm,
    threads: usize,
    watch: Watch,
) -> Result<Vec<Result<Digest, HashFileError>>, CreateError> {
    let len_hint = |index: usize| root.file_len_hint(&names[index]);
    let hashed = hash_each(
        names.len(),
        threads,
        watch,
        len_hint,
        |index, per_file, meter| {
            let mut open = root.open_file(&names[index]).map_err(open_error)?;
            let mut reader = Reader::new(algorithm).threads_per_file(per_file);
            reader.hash_metered(&mut open, meter).map_err(|e| match e {
                ReadError::Io(e) => HashFileError::Io(e),
                ReadError::Changed => HashFileError::Changed,
            })
        },
    );
    hashed.map_err(|stopped| match stopped {
        Stopped::Cancelled => CreateError::Cancelled,
        Stopped::OutOfMemory => CreateError::OutOfMemory { files: names.len() },
    })
}

/// Why a listed file could not be opened, as [`hash_file`](crate::hash_file) says it.
fn open_error(error: OpenError) -> HashFileError {
    match error {
        OpenError::Missing => HashFileError::Io(rustix::io::Errno::NOENT.into()),
        OpenError::NotRegular(kind) => HashFileError::NotRegular(kind),
        OpenError::Io(e) => HashFileError::Io(e),
        OpenError::OutsideRoot => HashFileError::Io(rustix::io::Errno::XDEV.into()),
    }
}

/// Why [`hash_each`] gave no digests.
#[derive(Debug, PartialEq, Eq)]
enum Stopped {
    /// The watch's token, or its progress callback, cancelled the call.
    Cancelled,
    /// The list of `count` results could not be allocated.
    OutOfMemory,
}

/// `count` digests, `hash(index, threads_per_file, meter)` each, on at most
/// `threads` threads; `Err` when `watch` cancelled it or the results do
/// not fit in memory. With a progress
/// callback, `len_hint(index)` gives the total (one `stat` each, before
/// hashing starts) and the calling thread reports, as a verification's does.
fn hash_each(
    count: usize,
    threads: usize,
    watch: Watch,
    len_hint: impl Fn(usize) -> Option<u64>,
    hash: impl Fn(usize, usize, Meter) -> Result<Digest, HashFileError> + Sync,
) -> Result<Vec<Result<Digest, HashFileError>>, Stopped> {
    let cancel = watch.cancel;
    let cancelled = || cancel.is_some_and(|flag| flag.load(Ordering::Relaxed));
    let (bytes_done, files_done) = (AtomicU64::new(0), AtomicU64::new(0));
    let meter = match (cancel, watch.progress) {
        (Some(flag), Some(_)) => Meter::new(Some(&bytes_done), flag),
        (Some(flag), None) => Meter::new(None, flag),
        (None, _) => Meter::NONE,
    };
    let Ok(slots) = Ordered::new(count) else {
        return Err(Stopped::OutOfMemory);
    };
    let threads = thread_count(threads);
    let workers = threads.min(count).max(1);
    // Threads no worker uses (fewer files than threads) may share a file.
    let per_file = threads_per_file(threads, workers);
    let claims = Claims::new(count);
    let work = || {
        while let Some(claimed) = claims.claim(|_| 1) {
            if cancelled() {
                return;
            }
            let index = claimed.start;
            // Each index is claimed once, so the slot is still empty.
            slots.set(index, hash(index, per_file, meter));
            files_done.fetch_add(1, Ordering::Relaxed);
        }
    };
    match (watch.progress, cancel) {
        (Some(progress), Some(flag)) => {
            let bytes_total = (0..count).filter_map(len_hint).sum();
            let report = || {
                let now = Progress {
                    bytes_done: bytes_done.load(Ordering::Relaxed),
                    bytes_total,
                    files_done: files_done.load(Ordering::Relaxed),
                    files_total: count as u64,
                };
                if !progress(&now) {
                    flag.store(true, Ordering::Relaxed);
                }
            };
            crate::exec::run_reporting(workers, &work, PROGRESS_INTERVAL, &report);
            if !cancelled() {
                report();
            }
        }
        _ => crate::exec::run_on(workers, &work),
    }
    // A file the meter stopped holds an error that is not the file's: drop all.
    if cancelled() {
        return Err(Stopped::Cancelled);
    }
    // Only a cancelled run leaves a slot empty.
    slots.into_vec().ok_or(Stopped::Cancelled)
}

/// One regular file found by [`list_dir`], with its digest or why it has none.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # std::fs::create_dir(dir.path().join("sub")).unwrap();
/// # std::fs::write(dir.path().join("sub/a"), "abc").unwrap();
/// use checksig::{create, Algorithm};
/// let listing = create::list_dir(dir.path(), Algorithm::Sha1, 1, None)?;
/// assert_eq!(listing.len(), 1);
/// assert_eq!(listing[0].name, b"sub/a");
/// assert_eq!(
///     listing[0].digest.as_ref().unwrap().to_hex(),
///     "a9993e364706816aba3e25717850c26c9cd0d89d"
/// );
/// # Ok::<(), create::ListError>(())
/// ```
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
    ///
    /// ```
    /// use checksig::{create::Listed, hash_bytes, manifest, Algorithm, HashFileError};
    /// let hashed = Listed { name: b"a".to_vec(), digest: Ok(hash_bytes(Algorithm::Sha1, b"")) };
    /// let line = manifest::format_line(&hashed.entry().unwrap())?;
    /// assert_eq!(line, b"da39a3ee5e6b4b0d3255bfef95601890afd80709  a\n");
    /// let failed = Listed { name: b"b".to_vec(), digest: Err(HashFileError::Changed) };
    /// assert!(failed.entry().is_none());
    /// # Ok::<(), manifest::FormatError>(())
    /// ```
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
/// cannot be listed, or if the list of files found does not fit in memory
/// (an error of kind [`io::ErrorKind::OutOfMemory`] naming `dir`).
/// [`list_dir_cancellable`] can be stopped from another thread.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # std::fs::write(dir.path().join("a"), "abc").unwrap();
/// # std::fs::write(dir.path().join("sha1sum.txt"), "").unwrap();
/// use checksig::{create, Algorithm};
/// let manifest = dir.path().join("sha1sum.txt");
/// let listing = create::list_dir(dir.path(), Algorithm::Sha1, 0, Some(&manifest))?;
/// assert_eq!(listing.len(), 1); // the manifest itself is skipped
/// assert_eq!(listing[0].name, b"a");
/// # Ok::<(), create::ListError>(())
/// ```
pub fn list_dir(
    dir: &Path,
    algorithm: Algorithm,
    threads: usize,
    skip: Option<&Path>,
) -> Result<Vec<Listed>, ListError> {
    list(dir, algorithm, threads, skip, Watch::default()).map_err(|e| match e {
        CreateError::List(e) => e,
        CreateError::OutOfMemory { files } => with_path(
            io::Error::new(
                io::ErrorKind::OutOfMemory,
                CreateError::OutOfMemory { files }.to_string(),
            ),
            dir,
        ),
        CreateError::Cancelled => unreachable!("only a cancel token stops listing"),
    })
}

/// [`list_dir`], stopped by `cancel` from any thread: once it is cancelled
/// the walk stops at the next directory entry, no thread starts another
/// file, a file being hashed stops within one piece (a few MiB), and the call
/// returns [`CreateError::Cancelled`], with no listing at all. A listing
/// returned (`Ok`) was never cancelled. The token stays cancelled: use a new
/// one for the next call.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # std::fs::write(dir.path().join("a"), "abc").unwrap();
/// use checksig::{create, Algorithm, CancelToken};
/// let cancel = CancelToken::new();
/// let listing = create::list_dir_cancellable(dir.path(), Algorithm::Sha1, 0, None, &cancel)?;
/// assert_eq!(listing[0].name, b"a");
///
/// cancel.cancel(); // as another thread would, on Ctrl-C
/// let stopped = create::list_dir_cancellable(dir.path(), Algorithm::Sha1, 0, None, &cancel);
/// assert!(matches!(stopped, Err(create::CreateError::Cancelled)));
/// # Ok::<(), create::CreateError>(())
/// ```
pub fn list_dir_cancellable(
    dir: &Path,
    algorithm: Algorithm,
    threads: usize,
    skip: Option<&Path>,
    cancel: &CancelToken,
) -> Result<Vec<Listed>, CreateError> {
    let watch = Watch {
        cancel: Some(cancel.flag()),
        progress: None,
    };
    list(dir, algorithm, threads, skip, watch)
}

/// [`list_dir_cancellable`], telling `progress` how far the hashing got, as
/// [`hash_files_with_progress`] does (once the directory is walked; the
/// totals are the listed files).
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # std::fs::write(dir.path().join("a"), "abc").unwrap();
/// use checksig::{create, Algorithm, CancelToken};
/// let cancel = CancelToken::new();
/// let listing = create::list_dir_with_progress(
///     dir.path(), Algorithm::Sha1, 0, None, &cancel, &|progress| progress.files_total == 1,
/// )?;
/// assert_eq!(listing[0].name, b"a");
/// # Ok::<(), create::CreateError>(())
/// ```
pub fn list_dir_with_progress(
    dir: &Path,
    algorithm: Algorithm,
    threads: usize,
    skip: Option<&Path>,
    cancel: &CancelToken,
    progress: &dyn Fn(&Progress) -> bool,
) -> Result<Vec<Listed>, CreateError> {
    let watch = Watch {
        cancel: Some(cancel.flag()),
        progress: Some(progress),
    };
    list(dir, algorithm, threads, skip, watch)
}

/// Why [`list_dir_cancellable`] returned no listing.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// use checksig::{create::{self, CreateError}, Algorithm, CancelToken};
/// let missing = dir.path().join("missing");
/// let cancel = CancelToken::new();
/// let error = create::list_dir_cancellable(&missing, Algorithm::Sha1, 0, None, &cancel);
/// assert!(matches!(error, Err(CreateError::List(e)) if e.path == missing));
/// cancel.cancel();
/// let error = create::list_dir_cancellable(dir.path(), Algorithm::Sha1, 0, None, &cancel);
/// assert!(matches!(error, Err(CreateError::Cancelled)));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CreateError {
    /// A directory could not be listed.
    #[error(transparent)]
    List(#[from] ListError),
    /// The [`CancelToken`] was cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The memory for the list of the files found, or for their results,
    /// could not be had (a tree of tens of millions of files under a
    /// memory limit): nothing was hashed, or what was is dropped.
    #[error("not enough memory for a list of {files} files")]
    OutOfMemory {
        /// The files found when memory ran out.
        files: usize,
    },
}

impl From<Cancelled> for CreateError {
    fn from(_: Cancelled) -> CreateError {
        CreateError::Cancelled
    }
}

/// The work of [`list_dir`]; `Cancelled` only when `watch` cancelled it.
/// `skip` is left out by identity (device and inode), not by name.
fn list(
    dir: &Path,
    algorithm: Algorithm,
    threads: usize,
    skip: Option<&Path>,
    watch: Watch,
) -> Result<Vec<Listed>, CreateError> {
    let cancel = watch.cancel;
    let root = Root::open(dir, true).map_err(|e| with_path(e, dir))?;
    let skip = skip
        .and_then(|skip| std::fs::metadata(skip).ok())
        .map(|meta| (meta.dev(), meta.ino()));
    let mut names = Vec::new();
    let mut failure = None;
    walk(&root, &mut |found| {
        if cancel.is_some_and(|flag| flag.load(Ordering::Relaxed)) {
            failure = Some(CreateError::Cancelled);
            return ControlFlow::Break(());
        }
        match found {
            Found::Entry {
                name,
                kind: FileType::RegularFile,
                id,
            } if Some(id) != skip => {
                // A tree's size is the input's: its list is reserved fallibly.
                let mut owned = Vec::new();
                if names.try_reserve(1).is_err() || owned.try_reserve_exact(name.len()).is_err() {
                    failure = Some(CreateError::OutOfMemory { files: names.len() });
                    return ControlFlow::Break(());
                }
                owned.extend_from_slice(name);
                names.push(owned);
            }
            Found::Entry { .. } => {}
            Found::Unreadable { name, error } => {
                let path = match name {
                    b"." => dir.to_path_buf(),
                    name => dir.join(std::ffi::OsStr::from_bytes(name)),
                };
                failure = Some(CreateError::List(with_path(error, &path)));
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    if let Some(failure) = failure {
        return Err(failure);
    }
    names.sort_unstable();
    let digests = hash_names(&root, &names, algorithm, threads, watch)?;
    let mut listed = Vec::new();
    listed
        .try_reserve_exact(names.len())
        .map_err(|_| CreateError::OutOfMemory { files: names.len() })?;
    listed.extend(
        names
            .into_iter()
            .zip(digests)
            .map(|(name, digest)| Listed { name, digest }),
    );
    Ok(listed)
}

/// Writes the manifest `text` to `path` as `checksig create` does: into a
/// temporary file created beneath the directory of `path` (never one that
/// existed, never through a link), then renamed over `path`, so that an
/// interrupted run leaves no truncated manifest and a link planted at
/// either name is replaced, not written through. An output the user named
/// (`user_named`) that is not a regular file (a FIFO, a device, or a name
/// under `/dev` or `/proc` such as `/dev/stdout`) is written through
/// instead, appending, as a shell redirection would.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("sha1sum.txt");
/// checksig::create::write_manifest(&path, b"manifest\n", false)?;
/// assert_eq!(std::fs::read(&path)?, b"manifest\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_manifest(path: &Path, text: &[u8], user_named: bool) -> io::Result<()> {
    if user_named && crate::fs::output::writes_through(path) {
        crate::fs::output::write_through(path, text)
    } else {
        crate::fs::output::replace(path, text)
    }
}

/// A directory [`list_dir`] could not list.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// use checksig::{create, Algorithm};
/// let missing = dir.path().join("missing");
/// let error = create::list_dir(&missing, Algorithm::Sha1, 0, None).unwrap_err();
/// assert_eq!(error.path, missing);
/// assert_eq!(error.source.kind(), std::io::ErrorKind::NotFound);
/// assert!(error.to_string().starts_with(&format!("{}: ", missing.display())));
/// ```
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct ListError {
    /// The directory.
    pub path: PathBuf,
    /// Why (with the OS error number).
    pub source: io::Error,
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

    /// Results that cannot be allocated are an error, not a panic or an
    /// abort: a directory tree's listing is sized by the input.
    #[test]
    fn results_that_do_not_fit_are_an_error() {
        let never = |_: usize, _: usize, _: Meter| -> Result<Digest, HashFileError> {
            unreachable!("nothing is hashed")
        };
        let stopped = hash_each(usize::MAX / 8, 1, Watch::default(), |_| None, never);
        assert_eq!(stopped.unwrap_err(), Stopped::OutOfMemory);
    }

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

    /// A sparse file of 4 GiB: seconds to hash, no disk space.
    fn large_sparse_file(dir: &Path) -> PathBuf {
        let path = dir.join("large");
        std::fs::File::create(&path)
            .unwrap()
            .set_len(4 << 30)
            .unwrap();
        path
    }

    /// Progress counts bytes piece by piece within one large file (so a
    /// rate and an ETA exist before it ends), and `false` cancels.
    #[test]
    fn progress_moves_within_one_large_file_and_can_cancel() {
        let dir = tempfile::tempdir().unwrap();
        let large = large_sparse_file(dir.path());
        let seen = std::cell::Cell::new(Progress::default());
        let stop_once_moving = |progress: &Progress| {
            seen.set(*progress);
            progress.bytes_done == 0
        };
        let result = hash_files_with_progress(
            &[&large],
            Algorithm::Sha1,
            1,
            &CancelToken::new(),
            &stop_once_moving,
        );
        assert_eq!(result.unwrap_err(), Cancelled);
        let seen = seen.get();
        assert!(seen.bytes_done > 0 && seen.bytes_done < 4 << 30, "{seen:?}");
        assert_eq!(
            (seen.bytes_total, seen.files_done, seen.files_total),
            (4 << 30, 0, 1)
        );
    }

    #[test]
    fn progress_ends_with_every_byte_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, vec![1; 20 << 20]).unwrap();
        std::fs::write(&b, "hello\n").unwrap();
        let last = std::cell::Cell::new(Progress::default());
        let results = hash_files_with_progress(
            &[&a, &b, &dir.path().join("gone")],
            Algorithm::Sha256,
            2,
            &CancelToken::new(),
            &|progress| {
                last.set(*progress);
                true
            },
        )
        .unwrap();
        assert_eq!(
            results[1].as_ref().unwrap(),
            &hash_bytes(Algorithm::Sha256, b"hello\n")
        );
        let total = (20 << 20) + 6;
        let expected = Progress {
            bytes_done: total,
            bytes_total: total,
            files_done: 3,
            files_total: 3,
        };
        assert_eq!(last.get(), expected);
    }

    #[test]
    fn a_token_cancelled_before_the_call_stops_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/a"), "a").unwrap();
        let paths = [dir.path().join("sub/a")];
        let cancel = CancelToken::new();
        assert_eq!(
            hash_files_cancellable(&paths, Algorithm::Sha1, 1, &cancel)
                .unwrap()
                .len(),
            1
        );
        assert!(list_dir_cancellable(dir.path(), Algorithm::Sha1, 1, None, &cancel).is_ok());

        cancel.cancel();
        assert_eq!(
            hash_files_cancellable(&paths, Algorithm::Sha1, 1, &cancel).unwrap_err(),
            Cancelled
        );
        let listed = list_dir_cancellable(dir.path(), Algorithm::Sha1, 1, None, &cancel);
        assert!(matches!(listed, Err(CreateError::Cancelled)), "{listed:?}");
        assert_eq!(CreateError::from(Cancelled).to_string(), "cancelled");
        // A directory that cannot be listed is still that error, not a cancel.
        let missing =
            list_dir_cancellable(&dir.path().join("no"), Algorithm::Sha1, 1, None, &cancel);
        assert!(matches!(missing, Err(CreateError::List(_))), "{missing:?}");
    }

    /// The stop happens inside the file: once the first piece is hashed, a
    /// cancel from another thread ends the file with an error, not a digest.
    #[test]
    fn a_cancel_stops_hashing_inside_a_large_file() {
        let dir = tempfile::tempdir().unwrap();
        let large = large_sparse_file(dir.path());
        for algorithm in [Algorithm::Sha1, Algorithm::Blake3] {
            let (hashed, cancel, done) = (
                AtomicU64::new(0),
                AtomicBool::new(false),
                AtomicBool::new(false),
            );
            let result = std::thread::scope(|scope| {
                scope.spawn(|| {
                    while hashed.load(Ordering::Relaxed) == 0 && !done.load(Ordering::Relaxed) {
                        std::thread::sleep(std::time::Duration::from_millis(1));
                    }
                    cancel.store(true, Ordering::Relaxed);
                });
                let meter = Meter::new(Some(&hashed), &cancel);
                let result = hash_file_on(algorithm, &large, 2, meter);
                done.store(true, Ordering::Relaxed);
                result
            });
            match result {
                Err(HashFileError::Io(e)) => assert_eq!(e.kind(), io::ErrorKind::Interrupted),
                other => panic!("{algorithm}: {other:?}"),
            }
            assert!(hashed.load(Ordering::Relaxed) < 4 << 30, "{algorithm}");
        }
    }

    /// Runs `call` while another thread cancels its token soon after it began.
    fn cancelled_soon<T: Send>(call: impl FnOnce(&CancelToken) -> T + Send) -> T {
        let cancel = CancelToken::new();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(20));
                cancel.cancel();
            });
            call(&cancel)
        })
    }

    #[test]
    fn a_cancel_from_another_thread_returns_no_digests() {
        let dir = tempfile::tempdir().unwrap();
        let large = large_sparse_file(dir.path());
        std::fs::write(dir.path().join("small"), "small").unwrap();
        let paths = [large, dir.path().join("small")];
        for threads in [1, 2] {
            let hashed = cancelled_soon(|cancel| {
                hash_files_cancellable(&paths, Algorithm::Sha256, threads, cancel)
            });
            assert_eq!(hashed.unwrap_err(), Cancelled);
            let listed = cancelled_soon(|cancel| {
                list_dir_cancellable(dir.path(), Algorithm::Sha256, threads, None, cancel)
            });
            assert!(matches!(listed, Err(CreateError::Cancelled)), "{listed:?}");
        }
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
