//! Verifying the files a manifest lists: the library's main entry points.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use crate::digest::Algorithm;
use crate::error::Error;
use crate::manifest::{Entry, Item, Manifest, Parser, DEFAULT_MANIFEST_NAME};
use crate::report::{EntryReport, Policy, Report, Status};
use crate::root::{OpenError, Root};
use crate::source::{ReadError, Reader};

/// How often, at most, the progress callback runs.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(50);

/// Verifies `root/sha1sum.txt` with the default options: every file must be
/// present, match, and stay inside `root`; malformed lines are failures.
///
/// ```no_run
/// let report = checksig::verify_dir("/tmp/logs")?;
/// if !report.is_ok() {
///     eprintln!("{}", report.summary());
/// }
/// # Ok::<(), checksig::Error>(())
/// ```
pub fn verify_dir(root: impl AsRef<Path>) -> Result<Report, Error> {
    Verifier::new().verify_dir(root)
}

/// Figures passed to a progress callback.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes hashed so far.
    pub bytes_done: u64,
    /// Bytes of all listed files that could be stat'ed before hashing began.
    pub bytes_total: u64,
    /// Manifest lines finished (checked or found malformed).
    pub files_done: u64,
    /// Manifest lines in all.
    pub files_total: u64,
}

/// A progress callback: called on the verifying thread, at most every 50 ms
/// and once at the end; return `false` to cancel.
pub type ProgressFn = dyn Fn(&Progress) -> bool + Send + Sync;

/// A handle that cancels a running verification from any thread.
///
/// ```
/// let cancel = checksig::CancelToken::new();
/// let verifier = checksig::Verifier::new().cancel_token(cancel.clone());
/// cancel.cancel();
/// # let dir = tempfile::tempdir().unwrap();
/// # std::fs::write(dir.path().join("sha1sum.txt"), "").unwrap();
/// assert!(matches!(verifier.verify_dir(dir.path()), Err(checksig::Error::Cancelled)));
/// ```
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Asks the verification to stop as soon as possible.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Options for a verification, built step by step.
///
/// ```no_run
/// use checksig::Verifier;
/// let report = Verifier::new()
///     .threads(4)
///     .manifest("SHA1SUMS")
///     .ignore_missing(true)
///     .verify_dir("downloads")?;
/// assert!(report.is_ok());
/// # Ok::<(), checksig::Error>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    algorithm: Algorithm,
    threads: Option<NonZeroUsize>,
    manifest: PathBuf,
    ignore_missing: bool,
    strict: bool,
    allow_outside_root: bool,
    cancel: CancelToken,
    progress: Option<Arc<ProgressFn>>,
}

impl Default for Verifier {
    fn default() -> Verifier {
        Verifier::new()
    }
}

impl Verifier {
    /// The defaults: as many threads as CPUs, `sha1sum.txt`, every file
    /// required, malformed lines fail, names confined to the root.
    pub fn new() -> Verifier {
        Verifier {
            algorithm: Algorithm::Sha1,
            threads: None,
            manifest: PathBuf::from(DEFAULT_MANIFEST_NAME),
            ignore_missing: false,
            strict: true,
            allow_outside_root: false,
            cancel: CancelToken::new(),
            progress: None,
        }
    }

    /// Worker threads; 0 means one per available CPU.
    pub fn threads(mut self, threads: usize) -> Verifier {
        self.threads = NonZeroUsize::new(threads);
        self
    }

    /// The manifest's path, relative to the root unless absolute (default `sha1sum.txt`).
    pub fn manifest(mut self, path: impl Into<PathBuf>) -> Verifier {
        self.manifest = path.into();
        self
    }

    /// Missing files are reported but are not failures (GNU's `--ignore-missing`).
    pub fn ignore_missing(mut self, yes: bool) -> Verifier {
        self.ignore_missing = yes;
        self
    }

    /// Malformed lines are failures (default `true`; GNU's `sha1sum -c` uses
    /// `false` unless given `--strict`).
    pub fn strict(mut self, yes: bool) -> Verifier {
        self.strict = yes;
        self
    }

    /// Allow absolute names, `..` and symbolic links out of the root (default
    /// `false`). `sha1sum -c` behaves as if this were `true`.
    pub fn allow_outside_root(mut self, yes: bool) -> Verifier {
        self.allow_outside_root = yes;
        self
    }

    /// A token that cancels the verification from another thread.
    pub fn cancel_token(mut self, token: CancelToken) -> Verifier {
        self.cancel = token;
        self
    }

    /// A callback told of progress; see [`ProgressFn`].
    pub fn progress(
        mut self,
        callback: impl Fn(&Progress) -> bool + Send + Sync + 'static,
    ) -> Verifier {
        self.progress = Some(Arc::new(callback));
        self
    }

    /// Reads and parses the manifest under `root`, then verifies it.
    pub fn verify_dir(&self, root: impl AsRef<Path>) -> Result<Report, Error> {
        let root = root.as_ref();
        let manifest_path = root.join(&self.manifest);
        let bytes = std::fs::read(&manifest_path).map_err(|source| Error::ReadManifest {
            path: manifest_path,
            source,
        })?;
        let manifest = Parser::new(self.algorithm).parse(&bytes);
        self.verify_manifest(root, &manifest)
    }

    /// Verifies an already parsed manifest, resolving names against `root`.
    pub fn verify_manifest(
        &self,
        root: impl AsRef<Path>,
        manifest: &Manifest,
    ) -> Result<Report, Error> {
        let root_path = root.as_ref();
        let root =
            Root::open(root_path, !self.allow_outside_root).map_err(|source| Error::OpenRoot {
                path: root_path.to_path_buf(),
                source,
            })?;
        let statuses = Run::new(self, &root, manifest).execute()?;
        let entries = manifest
            .items()
            .iter()
            .zip(statuses)
            .map(|(item, status)| entry_report(item, status))
            .collect();
        Ok(Report::new(
            entries,
            Policy {
                ignore_missing: self.ignore_missing,
                strict: self.strict,
            },
        ))
    }

    fn thread_count(&self) -> usize {
        self.threads
            .or_else(|| std::thread::available_parallelism().ok())
            .map_or(1, NonZeroUsize::get)
    }
}

fn entry_report(item: &Item, status: Status) -> EntryReport {
    match item {
        Item::Entry(entry) => EntryReport {
            line: entry.line,
            name: entry.name.clone(),
            expected: Some(entry.digest),
            status,
        },
        Item::Malformed(malformed) => EntryReport {
            line: malformed.line,
            name: Vec::new(),
            expected: None,
            status,
        },
    }
}

/// One verification in progress: a fixed set of workers pulls entries by
/// index, so never more than one file per worker is open, and the calling
/// thread collects results and reports progress.
struct Run<'a> {
    verifier: &'a Verifier,
    root: &'a Root,
    items: &'a [Item],
    next: AtomicUsize,
    bytes_done: AtomicU64,
}

impl<'a> Run<'a> {
    fn new(verifier: &'a Verifier, root: &'a Root, manifest: &'a Manifest) -> Run<'a> {
        Run {
            verifier,
            root,
            items: manifest.items(),
            next: AtomicUsize::new(0),
            bytes_done: AtomicU64::new(0),
        }
    }

    fn execute(&self) -> Result<Vec<Status>, Error> {
        let mut statuses: Vec<Option<Status>> = Vec::new();
        statuses.resize_with(self.items.len(), || None);
        let workers = self.verifier.thread_count().min(self.items.len()).max(1);
        let (sender, receiver) = mpsc::channel();
        std::thread::scope(|scope| {
            for _ in 0..workers {
                let sender = sender.clone();
                scope.spawn(move || self.work(sender));
            }
            drop(sender);
            self.collect(&receiver, &mut statuses);
        });
        if self.verifier.cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        Ok(statuses
            .into_iter()
            .map(|status| status.expect("every item gets a status"))
            .collect())
    }

    fn work(&self, results: mpsc::Sender<(usize, Status)>) {
        let mut reader = Reader::new(self.verifier.algorithm);
        while !self.verifier.cancel.is_cancelled() {
            let index = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = self.items.get(index) else {
                return;
            };
            let status = match item {
                Item::Entry(entry) => self.check(entry, &mut reader),
                Item::Malformed(malformed) => Status::Malformed {
                    text: malformed.text.clone(),
                },
            };
            if results.send((index, status)).is_err() {
                return;
            }
        }
    }

    fn check(&self, entry: &Entry, reader: &mut Reader) -> Status {
        let mut open = match self.root.open_file(&entry.name) {
            Ok(open) => open,
            Err(OpenError::Missing) => return Status::Missing,
            Err(OpenError::OutsideRoot) => return Status::OutsideRoot,
            Err(OpenError::NotRegular(kind)) => return Status::NotRegular(kind),
            Err(OpenError::Io(e)) => return Status::Unreadable(e),
        };
        let result = reader.hash(&mut open);
        self.bytes_done.fetch_add(open.len, Ordering::Relaxed);
        match result {
            Ok(actual) if actual == entry.digest => Status::Ok,
            Ok(actual) => Status::Mismatch { actual },
            Err(ReadError::Changed) => Status::Changed,
            Err(ReadError::Io(e)) => Status::Unreadable(e),
        }
    }

    /// Runs on the calling thread until every worker has finished.
    fn collect(&self, results: &mpsc::Receiver<(usize, Status)>, statuses: &mut [Option<Status>]) {
        let mut progress = Progress {
            bytes_total: self.progress_total_bytes(),
            files_total: self.items.len() as u64,
            ..Progress::default()
        };
        let mut last_report = Instant::now();
        loop {
            match results.recv_timeout(PROGRESS_INTERVAL) {
                Ok((index, status)) => {
                    statuses[index] = Some(status);
                    progress.files_done += 1;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            if last_report.elapsed() >= PROGRESS_INTERVAL {
                last_report = Instant::now();
                self.report_progress(&mut progress);
            }
        }
        if !self.verifier.cancel.is_cancelled() {
            self.report_progress(&mut progress);
        }
    }

    fn report_progress(&self, progress: &mut Progress) {
        let Some(callback) = &self.verifier.progress else {
            return;
        };
        progress.bytes_done = self.bytes_done.load(Ordering::Relaxed);
        if !callback(progress) {
            self.verifier.cancel.cancel();
        }
    }

    /// The listed files' total size, for progress only (so it costs nothing
    /// without a callback). A stat does not open, so confinement is unaffected.
    fn progress_total_bytes(&self) -> u64 {
        if self.verifier.progress.is_none() {
            return 0;
        }
        self.items
            .iter()
            .filter_map(|item| match item {
                Item::Entry(entry) => self.root.file_len_hint(&entry.name),
                Item::Malformed(_) => None,
            })
            .sum()
    }
}
