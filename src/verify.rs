//! Verifying the files a manifest lists: the library's main entry points.

use std::num::NonZeroUsize;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::cancel::CancelToken;
use crate::digest::{Algorithm, Digest};
use crate::engine::{is_mapped, threads_per_file, Meter, ReadError, Reader};
use crate::error::Error;
use crate::exec::ordered::Ordered;
use crate::exec::{shrinking_batch, thread_count, Claims};
use crate::fs::limit::is_out_of_descriptors;
use crate::fs::root::{open_regular, OpenError, OpenFile, Root};
use crate::hasher::hashes_pairs_faster;
use crate::manifest::{Entry, Item, Manifest, Parser, DEFAULT_MANIFEST_NAME};
use crate::report::{Policy, Report, Status};

mod chunked;
mod load;
#[cfg(feature = "signatures")]
mod signed;
mod split;
mod subset;

pub use subset::{Part, Plan};

/// How often, at most, the progress callback runs.
pub(crate) const PROGRESS_INTERVAL: Duration = Duration::from_millis(50);

/// Verifies the manifest of `root` ([`find_manifest`]: `sha1sum.txt`, else
/// `SHA256SUMS`...) with the default options: every file must be present,
/// match, and stay inside `root`; malformed lines are failures.
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

/// The manifest [`Verifier::verify_dir`] reads in `root` when none is
/// named: the first of [`MANIFEST_NAMES`](crate::algorithm::MANIFEST_NAMES)
/// (`sha1sum.txt`, `SHA256SUMS`, `sha256sum.txt`, `SHA512SUMS`, ...) that
/// `root` holds, looked up beneath it without following a link (one that
/// leads out is then refused when read); else `sha1sum.txt`, whose absence
/// the verification reports.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// assert_eq!(checksig::find_manifest(dir.path()), std::path::Path::new("sha1sum.txt"));
/// std::fs::write(dir.path().join("MD5SUMS"), "")?;
/// std::fs::write(dir.path().join("SHA512SUMS"), "")?;
/// assert_eq!(checksig::find_manifest(dir.path()), std::path::Path::new("SHA512SUMS"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn find_manifest(root: impl AsRef<Path>) -> PathBuf {
    let found = Root::open(root.as_ref(), true).ok().and_then(|root| {
        crate::algorithm::MANIFEST_NAMES
            .into_iter()
            .find(|name| root.has_entry(name.as_bytes()))
    });
    PathBuf::from(found.unwrap_or(DEFAULT_MANIFEST_NAME))
}

/// Where the manifest that `path` stands for lives, as `(root, manifest)`:
/// a directory is the root of the manifest [`find_manifest`] finds in it;
/// any other path is a manifest (or a hash-only sidecar) whose directory is
/// the root. What `checksig PATH` and [`Verifier::verify_path`] verify.
///
/// ```
/// use std::path::Path;
/// let (root, manifest) = checksig::locate_manifest("dl/SHA256SUMS");
/// assert_eq!((root.as_path(), manifest.as_path()), (Path::new("dl"), Path::new("SHA256SUMS")));
/// let (root, manifest) = checksig::locate_manifest("file.iso.sha256");
/// assert_eq!((root.as_path(), manifest.as_path()), (Path::new("."), Path::new("file.iso.sha256")));
/// # let dir = tempfile::tempdir().unwrap();
/// assert_eq!(checksig::locate_manifest(dir.path()).1, Path::new("sha1sum.txt"));
/// ```
pub fn locate_manifest(path: impl AsRef<Path>) -> (PathBuf, PathBuf) {
    let path = path.as_ref();
    let file_name = path.file_name().filter(|_| !path.is_dir());
    match file_name {
        Some(name) => {
            let root = match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                _ => PathBuf::from("."),
            };
            (root, PathBuf::from(name))
        }
        None => (path.to_path_buf(), find_manifest(path)),
    }
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
    /// Whether `verify_dir` detects the algorithm (see [`crate::detect`]).
    detect_algorithm: bool,
    report_unlisted: bool,
    threads: Option<NonZeroUsize>,
    manifest: PathBuf,
    /// Whether [`Verifier::manifest`] named it; if not, `verify_dir` looks
    /// for one ([`find_manifest`]).
    manifest_given: bool,
    ignore_missing: bool,
    strict: bool,
    allow_outside_root: bool,
    cancel: CancelToken,
    progress: Option<Arc<ProgressFn>>,
    mmap: bool,
    direct_io: bool,
    /// The keys a manifest must be signed with ([`Verifier::keys`]).
    #[cfg(feature = "signatures")]
    keys: Option<Arc<crate::signature::TrustedKeys>>,
}

impl Default for Verifier {
    fn default() -> Verifier {
        Verifier::new()
    }
}

impl Verifier {
    /// The defaults: as many threads as CPUs, the manifest found by
    /// [`find_manifest`] (`sha1sum.txt` first), every file
    /// required, malformed lines fail, names confined to the root.
    pub fn new() -> Verifier {
        Verifier {
            algorithm: Algorithm::Sha1,
            detect_algorithm: true,
            report_unlisted: false,
            threads: None,
            manifest: PathBuf::from(DEFAULT_MANIFEST_NAME),
            manifest_given: false,
            ignore_missing: false,
            strict: true,
            allow_outside_root: false,
            cancel: CancelToken::new(),
            progress: None,
            mmap: true,
            direct_io: true,
            #[cfg(feature = "signatures")]
            keys: None,
        }
    }

    /// Worker threads; 0 means one per available CPU.
    pub fn threads(mut self, threads: usize) -> Verifier {
        self.threads = NonZeroUsize::new(threads);
        self
    }

    /// The manifest's path, relative to the root unless absolute (default `sha1sum.txt`).
    ///
    /// A hash-only sidecar works too: a manifest named after an algorithm's
    /// extension (`file.iso.sha256`, `file.md5`, `file.b3`) that holds one bare
    /// digest checks the file it is named after ([`crate::sidecar`]).
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("file.iso"), "abc")?;
    /// std::fs::write(
    ///     dir.path().join("file.iso.sha256"),
    ///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n",
    /// )?;
    /// let report = checksig::Verifier::new().manifest("file.iso.sha256").verify_dir(dir.path())?;
    /// assert!(report.is_ok());
    /// assert_eq!(report.get(0).unwrap().name(), b"file.iso");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn manifest(mut self, path: impl Into<PathBuf>) -> Verifier {
        self.manifest = path.into();
        self.manifest_given = true;
        self
    }

    /// Reads the manifest as `algorithm`'s, with GNU's rules for its tool
    /// (default: detected from the manifest's first line or file name, see
    /// [`crate::detect`]).
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "abc").unwrap();
    /// # std::fs::write(dir.path().join("sums"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a\n").unwrap();
    /// use checksig::{Algorithm, Verifier};
    /// let report = Verifier::new().manifest("sums").algorithm(Algorithm::Sha256).verify_dir(dir.path())?;
    /// assert!(report.is_ok());
    /// let report = Verifier::new().manifest("sums").algorithm(Algorithm::Blake3).verify_dir(dir.path())?;
    /// assert!(!report.is_ok());
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn algorithm(mut self, algorithm: Algorithm) -> Verifier {
        self.algorithm = algorithm;
        self.detect_algorithm = false;
        self
    }

    /// Also report every file under the root that the manifest does not
    /// list, as [`Status::Unlisted`] failures after the manifest's entries,
    /// sorted by name (default `false`). Every non-directory entry counts
    /// (regular file, symbolic link, FIFO...); links are not followed; names
    /// are compared after lexical normalisation (`./a//b` lists `a/b`); the
    /// manifest itself is not unlisted. A directory that cannot be listed is
    /// reported as [`Status::Unreadable`], also with line 0. The walk runs
    /// after the listed files are hashed; [`Progress`] counts only those.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "hello\n").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"),
    /// #     "f572d396fae9206628714fb2ce00f72e94f2258f  a\n").unwrap();
    /// std::fs::write(dir.path().join("added.py"), "import os\n").unwrap();
    /// let report = checksig::Verifier::new().report_unlisted(true).verify_dir(dir.path())?;
    /// assert_eq!(report.failures().next().unwrap().name(), b"added.py");
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn report_unlisted(mut self, yes: bool) -> Verifier {
        self.report_unlisted = yes;
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

    /// Memory-map large files (default `true`). Mapping avoids copying out of
    /// the page cache; `false` reads every file with `read(2)`, for file
    /// systems where mapping is slow or unsupported. Either way a file that
    /// shrinks while it is hashed is reported as [`Status::Changed`].
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "hello\n").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"),
    /// #     "f572d396fae9206628714fb2ce00f72e94f2258f  a\n").unwrap();
    /// let report = checksig::Verifier::new().mmap(false).verify_dir(dir.path())?;
    /// assert!(report.is_ok());
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn mmap(mut self, yes: bool) -> Verifier {
        self.mmap = yes;
        self
    }

    /// Read large files (64 MiB and more) that are mostly not in the page
    /// cache with `O_DIRECT` where that is faster (default `true`): with
    /// mapping on, once first touching their fresh page-cache pages proves
    /// costly (on virtual machines whose host reclaims freed guest memory);
    /// with mapping off, from the start. The disk is then the only cost, and
    /// the page cache is not filled. `false` reads them through the page
    /// cache like every other file, for a caller about to read them again,
    /// or a file system that does direct reads badly. (Where the kernel or
    /// file system cannot, files are read through the page cache anyway.)
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "hello\n").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"),
    /// #     "f572d396fae9206628714fb2ce00f72e94f2258f  a\n").unwrap();
    /// let report = checksig::Verifier::new().direct_io(false).verify_dir(dir.path())?;
    /// assert!(report.is_ok());
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn direct_io(mut self, yes: bool) -> Verifier {
        self.direct_io = yes;
        self
    }

    /// Trust only a manifest signed by one of `keys` (cargo feature
    /// `signatures`; see [`crate::signature`]; an `Arc` shares them between
    /// verifiers). The signature is looked for
    /// beside the manifest (`NAME.gpg`, `.asc`, `.sig`, `.sign`, `.minisig`,
    /// opened beneath the root as the manifest is), else inside it
    /// (clear-signed OpenPGP, embedded signify), and checked before any
    /// digest is used; only the bytes it covers are parsed. A missing,
    /// invalid or untrusted signature is [`Error::Signature`] and no file is
    /// checked. [`Report::signature`] says who signed. Keys are never fetched.
    ///
    /// Without keys (the default) a clear-signed or embedded-signify manifest
    /// is read without its signature's lines, and [`Report::signature`] says
    /// the signature was not checked.
    ///
    /// ```
    /// use checksig::signature::TrustedKeys;
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "hello\n").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"),
    /// #     "f572d396fae9206628714fb2ce00f72e94f2258f  a\n").unwrap();
    /// let mut keys = TrustedKeys::new();
    /// keys.add(b"untrusted comment: signify public key\nRWS08uHB0KGHjFdUVJ0wDIwbThCFPa9O86B2JCeylRCnp5Xpl4nu+ch3\n")?;
    /// // sha1sum.txt has no signature: nothing is checked.
    /// let err = checksig::Verifier::new().keys(keys).verify_dir(dir.path()).unwrap_err();
    /// assert!(matches!(err, checksig::Error::Signature { .. }));
    /// assert!(err.to_string().contains("no signature"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// [`Report::signature`]: crate::Report::signature
    #[cfg(feature = "signatures")]
    pub fn keys(mut self, keys: impl Into<Arc<crate::signature::TrustedKeys>>) -> Verifier {
        self.keys = Some(keys.into());
        self
    }

    /// Checks only the signature of the manifest of `root` (found as
    /// [`Verifier::verify_dir`] finds it) against the keys given to
    /// [`Verifier::keys`] (none: every signature is untrusted), and says who
    /// signed it; no file is hashed.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("SHA256SUMS"), "").unwrap();
    /// let err = checksig::Verifier::new().check_signature(dir.path()).unwrap_err();
    /// assert!(err.to_string().contains("SHA256SUMS: signature not accepted: no signature"));
    /// ```
    #[cfg(feature = "signatures")]
    pub fn check_signature(
        &self,
        root: impl AsRef<Path>,
    ) -> Result<crate::signature::Signer, Error> {
        let root = root.as_ref();
        if !self.manifest_given {
            return self
                .clone()
                .manifest(find_manifest(root))
                .check_signature(root);
        }
        Ok(self.signed(root)?.signer)
    }

    /// Reads the manifest file at `path` and checks its signature (beside
    /// it, opened through the same directory handle, or inside it) against
    /// the keys given to [`Verifier::keys`]; returns only the bytes the
    /// signature covers, and who signed them. For a front end that parses
    /// the manifest itself (`checksig -c --key`).
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("SHA256SUMS");
    /// # std::fs::write(&path, "").unwrap();
    /// let err = checksig::Verifier::new().read_signed(&path).unwrap_err();
    /// assert!(matches!(err, checksig::Error::Signature { .. }));
    /// ```
    #[cfg(feature = "signatures")]
    pub fn read_signed(
        &self,
        path: impl AsRef<Path>,
    ) -> Result<crate::signature::Verified<'static>, Error> {
        let (root, name) = locate_manifest(path);
        self.clone().manifest(name).signed(&root)
    }

    /// The manifest of `root` (named), read and checked against the keys.
    #[cfg(feature = "signatures")]
    fn signed(&self, root: &Path) -> Result<crate::signature::Verified<'static>, Error> {
        let (root, manifest_path, bytes) = self.open_and_read(root)?;
        let empty = crate::signature::TrustedKeys::new();
        let keys = self.keys.as_deref().unwrap_or(&empty);
        let (verified, _) = signed::check(&root, &self.manifest, &manifest_path, &bytes, keys)?;
        // A detached signature's body is the whole manifest: hand over the
        // buffer that was read rather than copy it.
        let whole =
            matches!(&verified.body, std::borrow::Cow::Borrowed(body) if body.len() == bytes.len());
        let crate::signature::Verified {
            body,
            line_offset,
            signer,
        } = verified;
        if whole {
            drop(body);
            let body = std::borrow::Cow::Owned(bytes);
            return Ok(crate::signature::Verified {
                body,
                line_offset,
                signer,
            });
        }
        let verified = crate::signature::Verified {
            body,
            line_offset,
            signer,
        };
        verified.into_owned().map_err(|source| Error::Signature {
            manifest: manifest_path,
            keys: keys.describe(),
            source,
        })
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

    /// Reads and parses the manifest under `root`, then verifies it. Unless
    /// [`Verifier::manifest`] names one, the manifest is the first of
    /// [`MANIFEST_NAMES`](crate::algorithm::MANIFEST_NAMES) that `root`
    /// holds ([`find_manifest`]): `sha1sum.txt`, then `SHA256SUMS`...
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("a"), "abc")?;
    /// std::fs::write(
    ///     dir.path().join("SHA256SUMS"),
    ///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a\n",
    /// )?;
    /// assert!(checksig::Verifier::new().verify_dir(dir.path())?.is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_dir(&self, root: impl AsRef<Path>) -> Result<Report, Error> {
        let loaded = self.load(root.as_ref())?;
        let mut report = loaded.verifier.verify_bytes(
            &loaded.root,
            &loaded.bytes,
            loaded.algorithm,
            &loaded.manifest_path,
        )?;
        loaded.signature.mark(&mut report, true);
        Ok(report)
    }

    /// Verifies the manifest text `bytes` (the manifest at `manifest_path`,
    /// or the part of it its signature covers), read as `algorithm`'s,
    /// beneath `root`.
    fn verify_bytes(
        &self,
        root: &Root,
        bytes: &[u8],
        algorithm: Algorithm,
        manifest_path: &Path,
    ) -> Result<Report, Error> {
        if bytes.len() >= PRESTART_MIN {
            crate::exec::pool::prestart(self.thread_count() - 1);
        }
        // A sidecar (`file.iso.sha256` holding only a digest) checks the file it is named after.
        let Some(manifest) = crate::sidecar::parse(&self.manifest, algorithm, bytes) else {
            let mut parser = load::parser(self, bytes, algorithm);
            return self
                .verify_text_in(root, &mut parser, bytes)
                .map_err(|e| named(e, manifest_path));
        };
        self.verify_parsed(root, &manifest, Report::new(), 0)
            .map_err(|e| named(e, manifest_path))
    }

    /// Verifies what `path` names ([`locate_manifest`]): a directory, as
    /// [`Verifier::verify_dir`] does, or a manifest or hash-only sidecar
    /// file, against the directory it is in (the manifest named by
    /// [`Verifier::manifest`] is then ignored).
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("file.iso"), "abc")?;
    /// let sidecar = dir.path().join("file.iso.sha256");
    /// std::fs::write(&sidecar, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n")?;
    /// assert!(checksig::Verifier::new().verify_path(&sidecar)?.is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_path(&self, path: impl AsRef<Path>) -> Result<Report, Error> {
        let path = path.as_ref();
        if path.is_dir() {
            return self.verify_dir(path);
        }
        let (root, manifest) = locate_manifest(path);
        self.clone().manifest(manifest).verify_dir(root)
    }

    /// Verifies an already parsed manifest, resolving names against `root`.
    /// Each file is hashed with its entry's own algorithm (a `cksum`
    /// manifest may mix them line by line).
    pub fn verify_manifest(
        &self,
        root: impl AsRef<Path>,
        manifest: &Manifest,
    ) -> Result<Report, Error> {
        let root = self.open_root(root.as_ref())?;
        self.verify_parsed(&root, manifest, Report::new(), 0)
    }

    /// Verifies the manifest text `bytes`, parsed with `parser` (which keeps
    /// GNU's single-blank mode across manifests), resolving names against
    /// `root`. The lines are parsed straight into the report, so a manifest
    /// costs less than [`Manifest`] then [`Verifier::verify_manifest`]: a
    /// malformed line is held once, as its result.
    ///
    /// ```no_run
    /// use checksig::{manifest::Parser, Algorithm, Verifier};
    /// let bytes = std::fs::read("downloads/sha1sum.txt")?;
    /// let mut parser = Parser::new(Algorithm::Sha1);
    /// let report = Verifier::new().verify_text("downloads", &mut parser, &bytes)?;
    /// println!("{}", report.summary());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_text(
        &self,
        root: impl AsRef<Path>,
        parser: &mut Parser,
        bytes: &[u8],
    ) -> Result<Report, Error> {
        let root = self.open_root(root.as_ref())?;
        self.verify_text_in(&root, parser, bytes)
    }

    /// [`Verifier::verify_text`] beneath the opened `root`: chunk by chunk
    /// as the workers hash ([`chunked`]) where that suits, else parsed
    /// first.
    fn verify_text_in(
        &self,
        root: &Root,
        parser: &mut Parser,
        bytes: &[u8],
    ) -> Result<Report, Error> {
        if let Some(result) = chunked::verify(self, root, parser, bytes) {
            return result;
        }
        let split = split::parse(parser, bytes).map_err(|_| no_room_for(bytes))?;
        let settled = split.malformed.len() as u64;
        self.verify_parsed(root, &split.entries, split.malformed, settled)
    }

    /// The policy that decides this verifier's failures.
    pub(crate) fn policy(&self) -> Policy {
        Policy {
            ignore_missing: self.ignore_missing,
            strict: self.strict,
        }
    }

    /// [`Verifier::verify_manifest`], with `malformed`, a report of lines
    /// outside `manifest` (malformed lines already settled), merged into
    /// the result by line number. Those `settled` lines count in the
    /// progress figures.
    fn verify_parsed(
        &self,
        root: &Root,
        manifest: &Manifest,
        malformed: Report,
        settled: u64,
    ) -> Result<Report, Error> {
        let algorithm = manifest
            .entries()
            .next()
            .map_or(self.algorithm, |entry| entry.digest.algorithm());
        let this = &Verifier {
            algorithm,
            ..self.clone()
        };
        let mut run = Run::new(this, root, manifest)?;
        run.settle(settled);
        let statuses = run.execute()?;
        let lines = manifest.items().len() + malformed.len();
        let out_of_memory = |_| Error::OutOfMemory { lines };
        let mut report = assemble(manifest.items(), statuses, malformed, self.policy())
            .map_err(out_of_memory)?;
        if self.report_unlisted {
            let unlisted =
                crate::unlisted::unlisted(root, manifest, &self.manifest).map_err(out_of_memory)?;
            report.append(unlisted).map_err(out_of_memory)?;
        }
        Ok(report)
    }

    /// The root directory, confined unless [`Verifier::allow_outside_root`].
    fn open_root(&self, path: &Path) -> Result<Root, Error> {
        Root::open(path, !self.allow_outside_root).map_err(|source| Error::OpenRoot {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Reads the manifest, which must be a regular file: a FIFO would block
    /// and `/dev/zero` would never end, so both are refused before any read.
    /// A relative name is opened beneath the root, confined as every entry
    /// is: a manifest that is a link out of the root is refused unread.
    fn read_manifest(&self, root: &Root, path: &Path) -> Result<Vec<u8>, Error> {
        let failed = |source| Error::ReadManifest {
            path: path.to_path_buf(),
            source,
        };
        let open = if self.manifest.is_absolute() {
            open_regular(&self.manifest)
        } else {
            root.open_file(self.manifest.as_os_str().as_bytes())
        };
        let open = open.map_err(|e| match e {
            OpenError::OutsideRoot => {
                failed(std::io::Error::other("outside the directory, not opened"))
            }
            e => failed(e.into()),
        })?;
        crate::manifest::read_capped(open.file, Some(open.len)).map_err(failed)
    }

    fn thread_count(&self) -> usize {
        thread_count(self.threads.map_or(0, NonZeroUsize::get))
    }
}

/// From this size of manifest (some 1,300 lines), the helper threads are
/// started before it is parsed ([`crate::exec::pool::prestart`]).
const PRESTART_MIN: usize = 64 * 1024;

/// The error for a manifest `bytes` whose items do not fit in memory: it
/// says how many lines the manifest has.
fn no_room_for(bytes: &[u8]) -> Error {
    Error::OutOfMemory {
        lines: memchr::memchr_iter(b'\n', bytes).count(),
    }
}

/// `error`, naming the manifest at `path` when it is the manifest that did
/// not fit in memory ([`Error::OutOfMemory`] becomes [`Error::ReadManifest`]).
fn named(error: Error, path: &Path) -> Error {
    match error {
        Error::OutOfMemory { .. } => Error::ReadManifest {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::OutOfMemory, error.to_string()),
        },
        other => other,
    }
}

/// The status of `entry` whose file was hashed with this outcome.
fn status_of(entry: &Entry, outcome: Result<Digest, ReadError>) -> Status {
    match outcome {
        Ok(actual) if actual == entry.digest => Status::Ok,
        Ok(actual) => Status::Mismatch {
            actual: Box::new(actual),
        },
        Err(ReadError::Changed) => Status::Changed,
        Err(ReadError::Io(e)) => Status::Unreadable(e),
    }
}

/// The status of an entry that could not be opened.
fn open_status(error: OpenError) -> Status {
    match error {
        OpenError::Missing => Status::Missing,
        OpenError::OutsideRoot => Status::OutsideRoot,
        OpenError::NotRegular(kind) => Status::NotRegular(kind),
        OpenError::Io(e) => Status::Unreadable(e),
    }
}

/// The report of `items` checked with `statuses` (one each, in order),
/// with `malformed`'s results (lines outside `items`) merged in by line
/// number: one piece, reserved whole, each name and digest copied once
/// into its arena.
fn assemble(
    items: &[Item],
    statuses: Vec<Status>,
    malformed: Report,
    policy: Policy,
) -> Result<Report, std::collections::TryReserveError> {
    if items.is_empty() {
        let mut report = malformed;
        report.set_policy(policy);
        return Ok(report);
    }
    let mut report = Report::with_policy(policy);
    let bytes: usize = items.iter().map(crate::report::arena_len).sum::<usize>()
        + malformed
            .entries()
            .map(|e| e.text().map_or(0, <[u8]>::len))
            .sum::<usize>();
    report.try_reserve(items.len() + malformed.len(), bytes)?;
    let mut settled = malformed.entries().peekable();
    // The malformed lines before line `before` (all that are left for None).
    let mut push_malformed = |report: &mut Report,
                              before: Option<u64>|
     -> Result<(), std::collections::TryReserveError> {
        while let Some(line) = settled.next_if(|e| before.is_none_or(|b| e.line() < b)) {
            report.push(
                line.line(),
                line.text().unwrap_or_default(),
                None,
                Status::Malformed,
            )?;
        }
        Ok(())
    };
    for (item, status) in items.iter().zip(statuses) {
        push_malformed(&mut report, Some(item.line()))?;
        report.push_item(item, status)?;
    }
    push_malformed(&mut report, None)?;
    report.shrink_to_fit();
    Ok(report)
}

/// Files at least this large are started first, largest first, so that one
/// big file does not start last and finish long after the others.
const BIG_FILE: u64 = 1024 * 1024;

/// Above this many entries, files are hashed in manifest order unless sizes
/// are needed anyway for progress. A big file late in a long manifest then
/// may finish last, but stat'ing every entry of, say, 100,000 tiny files
/// would cost a fifth more time on every run.
const SCHEDULE_BY_SIZE_LIMIT: usize = 4096;

/// Below this many entries, the calling thread stats them all alone.
const PARALLEL_STAT_MIN: usize = 256;

/// The stat pass claims this many entries at a time: a stat is a few
/// microseconds, so claims of one would contend on the shared counter.
const STAT_BATCH: usize = 256;

/// Small files are claimed this many at a time, so that workers do not
/// contend on the shared counter once per tiny file.
const SMALL_BATCH: usize = 8;

/// Each item's size (0 if it cannot be stat'ed, is not beneath the root,
/// or is a malformed line), looked up by `workers` threads at once: the
/// stat pass of a run, and of a plan ([`subset`]).
fn stat_sizes(root: &Root, items: &[Item], workers: usize) -> Vec<u64> {
    let sizes: Vec<AtomicU64> = std::iter::repeat_with(AtomicU64::default)
        .take(items.len())
        .collect();
    let claims = Claims::new(items.len());
    let stat_chunks = || {
        while let Some(range) = claims.claim(|_| STAT_BATCH) {
            for (item, size) in items[range.clone()].iter().zip(&sizes[range]) {
                if let Item::Entry(entry) = item {
                    let len = root.file_len_hint(&entry.name).unwrap_or(0);
                    size.store(len, Ordering::Relaxed);
                }
            }
        }
    };
    // A thread costs about as much to start as a few dozen stats.
    let workers = if items.len() > PARALLEL_STAT_MIN {
        workers
    } else {
        1
    };
    crate::exec::run_on(workers, &stat_chunks);
    sizes.into_iter().map(AtomicU64::into_inner).collect()
}

/// How entries are opened under the root and hashed, one at a time or two
/// together: for a [`Run`] and for [`chunked`] verification alike.
struct Checker<'a> {
    verifier: &'a Verifier,
    root: &'a Root,
    /// Whether two files in a row are hashed together
    /// ([`Reader::hash_pair`]): SHA-1 on a CPU with SHA-NI.
    pairing: bool,
}

impl<'a> Checker<'a> {
    fn new(verifier: &'a Verifier, root: &'a Root) -> Checker<'a> {
        Checker {
            verifier,
            root,
            pairing: verifier.algorithm == Algorithm::Sha1 && hashes_pairs_faster(),
        }
    }

    /// A worker's two readers: two SHA-1 files in a row, read the same way
    /// and not mapped, are hashed together, one by each.
    fn readers(&self, workers: usize) -> [Reader; 2] {
        // Threads no worker uses (fewer files than threads) may share a file.
        let per_file = threads_per_file(self.verifier.thread_count(), workers);
        std::array::from_fn(|_| {
            Reader::with_mmap(self.verifier.algorithm, self.verifier.mmap)
                .direct_io(self.verifier.direct_io)
                .threads_per_file(per_file)
        })
    }

    fn check(&self, entry: &Entry, reader: &mut Reader, meter: Meter) -> Status {
        match self.open(entry) {
            Ok(mut open) => self.check_open(entry, &mut open, reader, meter),
            Err(status) => status,
        }
    }

    /// Two entries, hashed together when both are read the same way (whole,
    /// or in pieces) and not mapped ([`Reader::hash_pair`]), else one
    /// after the other.
    fn check_pair(
        &self,
        [first, second]: [&Entry; 2],
        [reader, partner]: [&mut Reader; 2],
        meter: Meter,
    ) -> [Status; 2] {
        let mut open_first = match self.open(first) {
            Ok(open) => open,
            Err(status) => return [status, self.check(second, partner, meter)],
        };
        // Holding the first file, the second is not waited for: out of
        // descriptors, the first is checked and closed before the second
        // waits for a descriptor, so that no two workers wait on each other.
        let mut open_second = match self.root.try_open_file(&second.name) {
            Ok(open) => open,
            Err(e) if is_out_of_descriptors(&e) => {
                let first_status = self.check_open(first, &mut open_first, reader, meter);
                drop(open_first);
                return [first_status, self.check(second, partner, meter)];
            }
            Err(e) => {
                let first_status = self.check_open(first, &mut open_first, reader, meter);
                return [first_status, open_status(e)];
            }
        };
        reader.set_algorithm(first.digest.algorithm());
        partner.set_algorithm(second.digest.algorithm());
        let paired = Reader::hash_pair(
            (&mut *reader, &mut open_first),
            (&mut *partner, &mut open_second),
            meter,
        );
        match paired {
            Some((outcome_first, outcome_second)) => [
                status_of(first, outcome_first),
                status_of(second, outcome_second),
            ],
            None => [
                self.check_open(first, &mut open_first, reader, meter),
                self.check_open(second, &mut open_second, partner, meter),
            ],
        }
    }

    /// Opens `entry` beneath the root, waiting for a descriptor if none is
    /// left (the caller holds no other file).
    fn open(&self, entry: &Entry) -> Result<OpenFile, Status> {
        self.root.open_file(&entry.name).map_err(open_status)
    }

    fn check_open(
        &self,
        entry: &Entry,
        open: &mut OpenFile,
        reader: &mut Reader,
        meter: Meter,
    ) -> Status {
        // Each entry is hashed with its own digest's algorithm: a `cksum`
        // manifest may mix them line by line.
        reader.set_algorithm(entry.digest.algorithm());
        status_of(entry, reader.hash_metered(open, meter))
    }
}

/// One verification in progress: a fixed set of workers (the calling thread
/// and helper threads, see [`crate::helpers`]) claims entries in schedule
/// order, so never more than two files per worker are open (a pair hashed
/// together); with a progress callback the calling thread only reports
/// progress.
struct Run<'a> {
    verifier: &'a Verifier,
    root: &'a Root,
    items: &'a [Item],
    /// Item indices in the order they are hashed.
    order: Vec<usize>,
    /// How many of `order` are big files, claimed one or two at a time.
    big: usize,
    /// How many of the big files are mapped ([`is_mapped`]), and so
    /// claimed one at a time: from a map one file hashes about as fast as
    /// two read side by side, and the map's prefetch thread needs a core.
    mapped: usize,
    workers: usize,
    checker: Checker<'a>,
    /// Claims over `order`.
    claims: Claims,
    /// Workers hashing a claim of big files right now.
    on_big: AtomicUsize,
    /// One status per item, filled by the worker that checked it.
    statuses: Ordered<Status>,
    bytes_total: u64,
    bytes_done: AtomicU64,
    files_done: AtomicU64,
    /// Lines outside `items`, already settled (malformed lines parsed
    /// straight into the report): counted in the progress figures as files
    /// done, as a run over every item would count them.
    settled: u64,
}

impl<'a> Run<'a> {
    fn new(
        verifier: &'a Verifier,
        root: &'a Root,
        manifest: &'a Manifest,
    ) -> Result<Run<'a>, Error> {
        let items = manifest.items();
        let out_of_memory = |_| Error::OutOfMemory { lines: items.len() };
        let mut run = Run {
            verifier,
            root,
            items,
            order: Vec::new(),
            big: 0,
            mapped: 0,
            workers: verifier.thread_count().min(items.len()).max(1),
            checker: Checker::new(verifier, root),
            claims: Claims::new(0),
            on_big: AtomicUsize::new(0),
            statuses: Ordered::new(items.len()).map_err(out_of_memory)?,
            bytes_total: 0,
            bytes_done: AtomicU64::new(0),
            files_done: AtomicU64::new(0),
            settled: 0,
        };
        run.schedule().map_err(out_of_memory)?;
        run.claims = Claims::new(run.order.len());
        Ok(run)
    }

    /// Counts `lines` settled outside this run in its progress figures.
    fn settle(&mut self, lines: u64) {
        self.settled = lines;
        self.files_done = AtomicU64::new(lines);
    }

    fn workers(&self) -> usize {
        self.workers
    }

    /// Big files first, largest first; then the rest in manifest order (which
    /// is usually directory order, kind to the caches). Sizes cost one `stat`
    /// per entry, a fifth of the system calls of a tiny file, so they are only
    /// looked up when they matter: with several workers and at most
    /// [`SCHEDULE_BY_SIZE_LIMIT`] entries, or for a progress total.
    fn schedule(&mut self) -> Result<(), std::collections::TryReserveError> {
        let by_size = self.workers() > 1 && self.items.len() <= SCHEDULE_BY_SIZE_LIMIT;
        let sizes = if by_size || self.verifier.progress.is_some() {
            self.sizes()
        } else {
            Vec::new()
        };
        self.bytes_total = sizes.iter().sum();
        let mut big: Vec<usize> = (0..sizes.len()).filter(|&i| sizes[i] >= BIG_FILE).collect();
        big.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
        self.big = big.len();
        self.mapped = big
            .iter()
            .filter(|&&i| is_mapped(self.verifier.mmap, sizes[i]))
            .count();
        self.order = big;
        self.order.try_reserve_exact(self.items.len() - self.big)?;
        self.order.extend(
            (0..self.items.len()).filter(|&i| sizes.get(i).is_none_or(|&size| size < BIG_FILE)),
        );
        Ok(())
    }

    /// Each entry's size, by [`stat_sizes`].
    fn sizes(&self) -> Vec<u64> {
        stat_sizes(self.root, self.items, self.workers())
    }

    fn execute(self) -> Result<Vec<Status>, Error> {
        let run = &self;
        let work = || run.work();
        if run.verifier.progress.is_some() {
            let report = || run.report_progress();
            crate::exec::run_reporting(run.workers(), &work, PROGRESS_INTERVAL, &report);
            if !self.verifier.cancel.is_cancelled() {
                run.report_progress();
            }
        } else {
            // The calling thread is one of the workers: one thread fewer
            // to start, and a single worker starts none.
            crate::exec::run_on(run.workers(), &work);
        }
        if self.verifier.cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        Ok(self.statuses.into_vec().expect("every item gets a status"))
    }

    /// The next entries to hash, as a range of `order`: big files one at a
    /// time or two to hash together, small ones in batches that shrink
    /// towards the end so that the workers finish together (to two files
    /// when files are hashed in pairs).
    fn claim(&self) -> Option<std::ops::Range<usize>> {
        let claimed = self.claims.claim(|start| {
            if start < self.mapped {
                1
            } else if start < self.big {
                self.big_batch(self.big - start)
            } else {
                let smallest = if self.checker.pairing { 2 } else { 1 };
                shrinking_batch(
                    self.order.len() - start,
                    self.workers,
                    smallest,
                    SMALL_BATCH,
                )
            }
        })?;
        if claimed.start < self.big {
            self.on_big.fetch_add(1, Ordering::Relaxed);
        }
        Some(claimed)
    }

    /// How many of the `left` unclaimed big files to claim: two, to hash
    /// together at one and a half times the speed of one, while there are
    /// more of them than idle workers; else one, so that the last files
    /// run side by side on their own cores rather than paired on one.
    fn big_batch(&self, left: usize) -> usize {
        let idle = self.workers - self.on_big.load(Ordering::Relaxed).min(self.workers - 1);
        if self.checker.pairing && left >= 2 && left > idle {
            2
        } else {
            1
        }
    }

    fn work(&self) {
        let [mut reader, mut partner] = self.checker.readers(self.workers());
        let meter = self.meter(self.verifier.progress.is_some());
        while let Some(claimed) = self.claim() {
            let mut pending = self.order[claimed.clone()].iter().copied().peekable();
            while let Some(index) = pending.next() {
                if self.verifier.cancel.is_cancelled() {
                    return;
                }
                let item = &self.items[index];
                let status = match item {
                    Item::Entry(entry) => match pending.peek().map(|&next| &self.items[next]) {
                        Some(Item::Entry(next_entry)) if self.checker.pairing => {
                            let next = pending.next().expect("peeked");
                            let [status, next_status] = self.checker.check_pair(
                                [entry, next_entry],
                                [&mut reader, &mut partner],
                                meter,
                            );
                            self.statuses.set(next, next_status);
                            status
                        }
                        _ => self.checker.check(entry, &mut reader, meter),
                    },
                    Item::Malformed(_) => Status::Malformed,
                };
                // Each index is in `order` once, so the slot is still empty.
                self.statuses.set(index, status);
            }
            if self.verifier.progress.is_some() {
                self.files_done
                    .fetch_add(claimed.len() as u64, Ordering::Relaxed);
            }
            if claimed.start < self.big {
                self.on_big.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }

    fn meter(&self, counting: bool) -> Meter<'_> {
        Meter::new(
            counting.then_some(&self.bytes_done),
            self.verifier.cancel.flag(),
        )
    }

    fn report_progress(&self) {
        let Some(callback) = &self.verifier.progress else {
            return;
        };
        let progress = Progress {
            bytes_done: self.bytes_done.load(Ordering::Relaxed),
            bytes_total: self.bytes_total,
            files_done: self.files_done.load(Ordering::Relaxed),
            files_total: self.items.len() as u64 + self.settled,
        };
        if !callback(&progress) {
            self.verifier.cancel.cancel();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(sizes: &[usize]) -> (tempfile::TempDir, Manifest) {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::new();
        for (i, &size) in sizes.iter().enumerate() {
            let bytes = vec![i as u8; size];
            std::fs::write(dir.path().join(format!("f{i}")), &bytes).unwrap();
            let digest = crate::hasher::hash_bytes(Algorithm::Sha1, &bytes);
            text.push_str(&format!("{digest}  f{i}\n"));
        }
        let manifest = Manifest::parse(text.as_bytes());
        (dir, manifest)
    }

    fn order(verifier: &Verifier, sizes: &[usize]) -> Vec<usize> {
        let (dir, manifest) = tree(sizes);
        let root = Root::open(dir.path(), true).unwrap();
        let run = Run::new(verifier, &root, &manifest).unwrap();
        let order = run.order.clone();
        let reports = run.execute().unwrap();
        assert!(reports.iter().all(|r| matches!(r, Status::Ok)));
        order
    }

    #[test]
    fn big_files_start_first_largest_first_then_manifest_order() {
        const M: usize = BIG_FILE as usize;
        let sizes = [10, 2 * M, 20, 3 * M, 0, M];
        assert_eq!(
            order(&Verifier::new().threads(2), &sizes),
            [3, 1, 5, 0, 2, 4]
        );
    }

    #[test]
    fn one_worker_keeps_manifest_order_and_skips_the_stat_pass() {
        const M: usize = BIG_FILE as usize;
        let sizes = [10, 2 * M, 20];
        assert_eq!(order(&Verifier::new().threads(1), &sizes), [0, 1, 2]);
    }

    /// The claims of a run over sparse files of `sizes` (no digest
    /// matters: nothing is hashed), taken in turn by one worker after
    /// another, each still holding its last claim.
    fn claims(threads: usize, mmap: bool, sizes: &[u64]) -> Vec<std::ops::Range<usize>> {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::new();
        for (i, &size) in sizes.iter().enumerate() {
            let file = std::fs::File::create(dir.path().join(format!("f{i}"))).unwrap();
            file.set_len(size).unwrap();
            text.push_str(&format!("{}  f{i}\n", "0".repeat(40)));
        }
        let manifest = Manifest::parse(text.as_bytes());
        let root = Root::open(dir.path(), true).unwrap();
        let verifier = Verifier::new().threads(threads).mmap(mmap);
        let run = Run::new(&verifier, &root, &manifest).unwrap();
        std::iter::from_fn(|| run.claim()).collect()
    }

    /// Big files read in pieces are claimed two at a time, to be hashed
    /// together, while there are more of them than idle workers; the last
    /// ones one at a time, side by side. Mapped files are claimed alone.
    #[test]
    fn big_files_are_claimed_in_pairs_unless_mapped_or_the_last() {
        if !crate::hasher::hashes_pairs_faster() {
            return;
        }
        const M: u64 = BIG_FILE;
        // Two workers, four files: a pair each (the first worker is busy
        // when the second claims).
        assert_eq!(claims(2, true, &[M; 4]), [0..2, 2..4]);
        // Two files for two workers: one each.
        assert_eq!(claims(2, true, &[M; 2]), [0..1, 1..2]);
        // Three: a pair, then the last alone.
        assert_eq!(claims(2, true, &[M; 3]), [0..2, 2..3]);
        // One worker pairs all it can.
        assert_eq!(claims(1, true, &[M; 3]), [0..2, 2..3]);
        // Mapped files one by one, then the rest in pairs.
        let mapped = crate::engine::LIMITS.map_min;
        assert_eq!(
            claims(2, true, &[mapped, M, mapped, M, M, M]),
            [0..1, 1..2, 2..4, 4..6]
        );
        // Without maps, the same files all pair up.
        assert_eq!(
            claims(2, false, &[mapped, M, mapped, M, M, M]),
            [0..2, 2..4, 4..6]
        );
    }

    /// Big and middling files, paired or not, mapped or not, each get
    /// their own status.
    #[test]
    fn every_large_entry_gets_its_own_status() {
        const M: usize = BIG_FILE as usize;
        let sizes = [
            3 * M,
            2 * M + 5,
            M,
            M + 64,
            5 * M,
            300_000,
            400_000,
            M + 1,
            262_144,
        ];
        let (dir, manifest) = tree(&sizes);
        for i in [1, 4, 6] {
            let bytes = vec![0xee; sizes[i]];
            std::fs::write(dir.path().join(format!("f{i}")), bytes).unwrap();
        }
        assert_only_mismatches(dir.path(), &manifest, [1, 2, 3], |i| [1, 4, 6].contains(&i));
    }

    /// Every entry is OK but those `mismatched` says, with any of `threads`
    /// and with mapping on and off.
    fn assert_only_mismatches<const N: usize>(
        dir: &std::path::Path,
        manifest: &Manifest,
        threads: [usize; N],
        mismatched: impl Fn(usize) -> bool,
    ) {
        for threads in threads {
            for mmap in [true, false] {
                let report = Verifier::new()
                    .threads(threads)
                    .mmap(mmap)
                    .verify_manifest(dir, manifest)
                    .unwrap();
                assert_eq!(report.entries().len(), manifest.items().len());
                for (i, entry) in report.entries().enumerate() {
                    let expected = if mismatched(i) { "mismatch" } else { "OK" };
                    let ok = matches!(entry.status(), Status::Ok);
                    let mismatch = matches!(entry.status(), Status::Mismatch { .. });
                    assert!(
                        if mismatched(i) { mismatch } else { ok },
                        "entry {i}: {} instead of {expected} ({threads} threads, mmap {mmap})",
                        entry.status()
                    );
                }
            }
        }
    }

    #[test]
    fn every_entry_gets_its_own_status_with_many_workers() {
        let sizes: Vec<usize> = (0..300).map(|i| i * 37 % 1000).collect();
        let (dir, manifest) = tree(&sizes);
        for i in (0..300).step_by(7) {
            std::fs::write(dir.path().join(format!("f{i}")), b"corrupt").unwrap();
        }
        assert_only_mismatches(dir.path(), &manifest, [1, 2, 7], |i| i % 7 == 0);
    }

    /// With a progress callback the calling thread only reports; if no
    /// helper thread can be started, it still verifies every entry, and
    /// the last report counts them all.
    #[test]
    fn without_helper_threads_a_reporting_call_still_verifies_everything() {
        let (dir, manifest) = tree(&[10, 20, 30, 40]);
        let last = Arc::new(std::sync::Mutex::new(None));
        let seen = Arc::clone(&last);
        let verifier = Verifier::new().threads(2).progress(move |progress| {
            *seen.lock().unwrap() = Some(progress.files_done);
            true
        });
        crate::exec::pool::REFUSE_THREADS.with(|refuse| refuse.set(true));
        let report = verifier.verify_manifest(dir.path(), &manifest);
        crate::exec::pool::REFUSE_THREADS.with(|refuse| refuse.set(false));
        let report = report.unwrap();
        assert_eq!(report.count(crate::StatusKind::Ok), 4);
        assert_eq!(*last.lock().unwrap(), Some(4));
    }
}
