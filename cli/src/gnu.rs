//! `checksig -c`: a drop-in for GNU `sha1sum -c` (coreutils `digest_check`).
//!
//! Manifests are read in turn with one [`Parser`], so GNU's single-blank mode,
//! decided by the first untagged line of the run, carries from one manifest
//! to the next. Each manifest's files are hashed in parallel by the library,
//! then reported in manifest order with GNU's exact lines, diagnostics,
//! warnings and exit status. Names are relative to the current directory and
//! may go anywhere (`allow_outside_root`), as with `sha1sum`.

mod getopt;
pub mod hash;
pub mod tool;
pub mod usage;

use std::ffi::{OsStr, OsString};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;

use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

use checksig::signature::{SignatureCheck, TrustedKeys, Verified};

use checksig::manifest::{read_capped, Item, Manifest, Parser};
use checksig::{
    detect, sidecar, Algorithm, Digest, EntryReport, FileKind, Hasher, Report, Status, Verifier,
};

use crate::json;
use crate::output::{os_error_text, Output};
use crate::progress::{Bar, ClearOnDrop};
use crate::quote::{escaped_name, quotef, Charset};

/// The `--check` options.
#[derive(Clone, Copy, Debug, Default)]
pub struct CheckOptions {
    /// `--quiet`: no `OK` lines.
    pub quiet: bool,
    /// `--status`: no output but diagnostics about files that cannot be read.
    pub status: bool,
    /// `--warn`: a diagnostic for each malformed line.
    pub warn: bool,
    /// `--strict`: malformed lines make the manifest fail.
    pub strict: bool,
    /// `--ignore-missing`: missing files are skipped.
    pub ignore_missing: bool,
    /// `--threads`: 0 for one per CPU.
    pub threads: usize,
    /// `--no-mmap`: read files, never map them.
    pub no_mmap: bool,
    /// `--no-direct`: read cold large files through the page cache.
    pub no_direct: bool,
    /// `--json`: a JSON report instead of GNU's text.
    pub json: bool,
    /// `--algo`: the algorithm, else detected from the first manifest.
    pub algo: Option<Algorithm>,
    /// `--no-progress`: no bar, even on a terminal.
    pub no_progress: bool,
    /// GNU `cksum -c` without `-a`: every manifest is read with
    /// [`Parser::any_tagged`] (each line by its own tag; untagged lines are
    /// malformed). Without it and without `algo`, a manifest whose first
    /// checksum line is tagged is read with [`Parser::each_tag`]: tagged
    /// lines by their own tag, untagged ones as the detected algorithm.
    pub any_tagged: bool,
}

/// Checks every manifest; true if all of them verified. With `keys`, each
/// manifest must be signed by one of them ([`crate::keys`]).
pub fn run(
    manifests: &[OsString],
    options: CheckOptions,
    keys: Option<&Arc<TrustedKeys>>,
    out: &mut Output,
) -> bool {
    let mut checker = Checker {
        options,
        keys,
        parser: Parser::new(options.algo.unwrap_or_default()),
        algorithm: options.algo,
        warn_tag: Algorithm::Crc,
        charset: Charset::from_env(),
        out,
        json: Vec::new(),
    };
    let mut ok = true;
    for manifest in manifests {
        ok &= checker.check(manifest);
    }
    if options.json {
        let document = json::CheckDocument {
            ok,
            manifests: checker.json,
        };
        checker.out.out(&json::to_document(&document));
    }
    ok
}

/// The state of one `checksig -c` run.
struct Checker<'a> {
    options: CheckOptions,
    /// `--key`: the keys every manifest must be signed with.
    keys: Option<&'a Arc<TrustedKeys>>,
    parser: Parser,
    /// The run's algorithm, fixed by `--algo` or by the first manifest read
    /// (one run checks one algorithm, as one GNU tool does).
    algorithm: Option<Algorithm>,
    /// The algorithm `--warn` names for a malformed line of a manifest read
    /// by its tags: the last entry's before it (CRC before any), as GNU
    /// `cksum` 9.1 says.
    warn_tag: Algorithm,
    charset: Charset,
    out: &'a mut Output,
    json: Vec<json::ManifestJson>,
}

/// GNU's counters for one manifest.
#[derive(Debug, Default)]
struct Tally {
    misformatted: u64,
    unreadable: u64,
    mismatched: u64,
    matched: bool,
    properly_formatted: bool,
}

impl Checker<'_> {
    /// Checks one manifest operand (`-` is standard input); true if it verified.
    fn check(&mut self, operand: &OsStr) -> bool {
        let is_stdin = operand.as_bytes() == b"-";
        let display: &[u8] = if is_stdin {
            b"standard input"
        } else {
            operand.as_bytes()
        };
        let bytes = match read_manifest(operand, is_stdin) {
            Ok(bytes) => bytes,
            Err(failure) => {
                let message = match &failure {
                    ReadFailure::Open(e) => os_error_text(e),
                    ReadFailure::Read => "read error".to_string(),
                    ReadFailure::Refused(e) => e.to_string(),
                };
                self.manifest_error(operand, display, &message);
                return false;
            }
        };
        let path = (!is_stdin).then_some(Path::new(operand));
        let mut signature = None;
        // Lines of a clear-signed or signify manifest before its signed
        // text: reported line numbers are the manifest's, not the text's.
        let mut line_offset = 0;
        let bytes = match self.keys {
            None => bytes,
            Some(keys) => match self.signed(path, &bytes, keys) {
                Ok(verified) => {
                    let check = SignatureCheck::Verified(verified.signer);
                    if !self.options.status && !self.options.json {
                        let mut line = quotef(display, self.charset);
                        line.extend_from_slice(b": ");
                        line.extend_from_slice(crate::keys::line(&check).as_bytes());
                        self.out.diagnostic(&line);
                    }
                    signature = Some(crate::keys::SignatureJson::new(&check));
                    line_offset = verified.line_offset;
                    verified.body.into_owned()
                }
                Err(message) => {
                    self.manifest_error(operand, display, &message);
                    return false;
                }
            },
        };
        let any_tagged = self.options.algo.is_none()
            && (self.options.any_tagged || detect::first_line_is_tagged(&bytes));
        let verified = if any_tagged {
            if self.options.any_tagged {
                // `cksum -c`: every line tagged, each by its own tag.
                if !self.parser.reads_any_tag() {
                    self.parser = Parser::any_tagged();
                }
            } else {
                // `checksig -c`: the first manifest still names the run's
                // algorithm, which `--warn` names as `sha1sum -c` does, and
                // its untagged lines are read as it, as `sha1sum -c` reads them.
                let algorithm = *self
                    .algorithm
                    .get_or_insert_with(|| detect::detect(path, &bytes));
                if !self.parser.reads_any_tag() || self.parser.algorithm() != algorithm {
                    self.parser = Parser::new(algorithm).each_tag();
                }
            }
            self.parser = self.parser.clone().reading_stdin(is_stdin);
            self.verify_text(&bytes)
        } else {
            let algorithm = *self
                .algorithm
                .get_or_insert_with(|| detect::detect(path, &bytes));
            if self.parser.reads_any_tag() || self.parser.algorithm() != algorithm {
                self.parser = Parser::new(algorithm);
            }
            self.parser = self.parser.clone().reading_stdin(is_stdin);
            match path.and_then(|path| sidecar::parse(path, algorithm, &bytes)) {
                Some(manifest) => self.verify(&manifest),
                None => self.verify_text(&bytes),
            }
        };
        let report = match verified {
            Ok(mut report) => {
                report.shift_lines(line_offset);
                report
            }
            Err(e) => {
                let message = match &e {
                    checksig::Error::OpenRoot { source, .. } => {
                        format!(
                            "cannot open the current directory: {}",
                            os_error_text(source)
                        )
                    }
                    other => other.to_string(),
                };
                self.manifest_error(operand, display, &message);
                return false;
            }
        };
        let tally = self.report(display, &report);
        let ok = tally.properly_formatted
            && tally.matched
            && tally.mismatched == 0
            && tally.unreadable == 0
            && (!self.options.strict || tally.misformatted == 0);
        if self.options.json {
            let mut manifest =
                json::ManifestJson::report(operand.as_bytes(), ok, &report, |e| self.is_failure(e));
            manifest.signature = signature;
            self.json.push(manifest);
        }
        ok
    }

    /// The signed part of the manifest at `path` (`None`: standard input,
    /// whose `bytes` can only hold their signature inside), checked against
    /// `keys` before any digest is used; an error message otherwise.
    fn signed(
        &self,
        path: Option<&Path>,
        bytes: &[u8],
        keys: &Arc<TrustedKeys>,
    ) -> Result<Verified<'static>, String> {
        let refused = |source: &dyn std::fmt::Display| {
            format!(
                "signature not accepted: {source} (trusted: {})",
                keys.describe()
            )
        };
        match path {
            None => checksig::signature::verify(bytes, None, keys, SystemTime::now())
                .and_then(Verified::into_owned)
                .map_err(|e| refused(&e)),
            Some(path) => Verifier::new()
                .allow_outside_root(true)
                .keys(Arc::clone(keys))
                .read_signed(path)
                .map_err(|e| match e {
                    checksig::Error::Signature { source, .. } => refused(&source),
                    checksig::Error::ReadManifest { source, .. } => os_error_text(&source),
                    other => other.to_string(),
                }),
        }
    }

    fn manifest_error(&mut self, operand: &OsStr, display: &[u8], message: &str) {
        if self.options.json {
            self.json
                .push(json::ManifestJson::error(operand.as_bytes(), message));
        } else {
            let mut line = quotef(display, self.charset);
            line.extend_from_slice(b": ");
            line.extend_from_slice(message.as_bytes());
            self.out.diagnostic(&line);
        }
    }

    /// The options of `-c` as a library verifier, with a progress bar on a
    /// terminal (cleared when the guard drops).
    fn verifier(&self) -> (Verifier, Option<ClearOnDrop>) {
        let mut verifier = Verifier::new()
            .threads(self.options.threads)
            .mmap(!self.options.no_mmap)
            .direct_io(!self.options.no_direct)
            .strict(self.options.strict)
            .ignore_missing(self.options.ignore_missing)
            .allow_outside_root(true);
        let bar = Bar::for_stderr(!self.options.no_progress);
        if let Some(bar) = bar.clone() {
            verifier = verifier.progress(move |progress| bar.update(progress));
        }
        (verifier, bar.map(Bar::clear_on_drop))
    }

    /// [`Checker::verify`] of the manifest text `bytes`, parsed with the
    /// checker's parser straight into the library's report (a manifest's
    /// lines are held once, not as items and again as results). A manifest
    /// with an entry named `-` (standard input) is parsed again from the same
    /// parser state and checked by [`Checker::verify`].
    fn verify_text(&mut self, bytes: &[u8]) -> Result<Report, checksig::Error> {
        let before = self.parser.clone();
        let (verifier, clear) = self.verifier();
        let report = verifier.verify_text(".", &mut self.parser, bytes)?;
        drop(clear);
        let reads_stdin = |entry: EntryReport| entry.expected().is_some() && entry.name() == b"-";
        if !report.entries().any(reads_stdin) {
            return Ok(report);
        }
        drop(report);
        self.parser = before;
        let manifest = self
            .parser
            .try_parse(bytes)
            .map_err(|_| checksig::Error::OutOfMemory {
                lines: bytes.iter().filter(|&&b| b == b'\n').count(),
            })?;
        self.verify(&manifest)
    }

    /// One result per item, in manifest order. Entries named `-` are standard
    /// input, as in GNU; the library hashes all the others, in parallel.
    fn verify(&self, manifest: &Manifest) -> Result<Report, checksig::Error> {
        let is_stdin_entry =
            |item: &Item| matches!(item, Item::Entry(entry) if entry.name.as_slice() == b"-");
        let (verifier, _clear) = self.verifier();
        if !manifest.items().iter().any(is_stdin_entry) {
            return verifier.verify_manifest(".", manifest);
        }
        let files = Manifest::from_items(
            manifest
                .items()
                .iter()
                .filter(|item| !is_stdin_entry(item))
                .cloned()
                .collect(),
        );
        let library = verifier.verify_manifest(".", &files)?;
        let mut from_library = library.entries();
        let mut report = Report::new();
        let out_of_memory = |_| checksig::Error::OutOfMemory {
            lines: manifest.items().len(),
        };
        for item in manifest.items() {
            match item {
                Item::Entry(entry) if is_stdin_entry(item) => report
                    .push(
                        entry.line,
                        &entry.name,
                        Some(&entry.digest),
                        hash_stdin(entry.digest),
                    )
                    .map_err(out_of_memory)?,
                _ => {
                    if let Some(result) = from_library.next() {
                        report.push_copy(result).map_err(out_of_memory)?;
                    }
                }
            }
        }
        Ok(report)
    }

    /// Prints GNU's lines for every result, then its warnings.
    fn report(&mut self, display: &[u8], report: &Report) -> Tally {
        let mut tally = Tally::default();
        for entry in report.entries() {
            self.report_entry(display, entry, &mut tally);
        }
        if !self.options.json {
            self.summarize(display, &tally);
        }
        tally
    }

    fn report_entry(&mut self, display: &[u8], entry: EntryReport, tally: &mut Tally) {
        let text = !self.options.json;
        let print = text && !self.options.status;
        match (entry.expected(), entry.text()) {
            (Some(expected), _) => self.warn_tag = expected.algorithm(),
            // GNU takes the algorithm of a recognised tag before it finds
            // the rest of the line wrong.
            (None, Some(text)) => {
                self.warn_tag = tag_of(text).unwrap_or(self.warn_tag);
            }
            _ => {}
        }
        let tag = match self.algorithm {
            _ if self.options.any_tagged => self.warn_tag,
            Some(algorithm) => algorithm,
            None => self.parser.algorithm(),
        };
        match entry.status() {
            Status::Malformed => {
                tally.misformatted += 1;
                if text && self.options.warn {
                    let mut line = quotef(display, self.charset);
                    line.extend_from_slice(
                        format!(
                            ": {}: improperly formatted {} checksum line",
                            entry.line(),
                            tag.tag()
                        )
                        .as_bytes(),
                    );
                    self.out.diagnostic(&line);
                }
                return;
            }
            Status::Ok => {
                tally.properly_formatted = true;
                tally.matched = true;
                if print && !self.options.quiet {
                    self.result_line(entry.name(), b"OK");
                }
                return;
            }
            Status::Mismatch { .. } => {
                tally.properly_formatted = true;
                tally.mismatched += 1;
                if print {
                    self.result_line(entry.name(), b"FAILED");
                }
                return;
            }
            Status::Missing if self.options.ignore_missing => {
                tally.properly_formatted = true;
                return;
            }
            _ => {}
        }
        tally.properly_formatted = true;
        tally.unreadable += 1;
        if text {
            let mut line = quotef(entry.name(), self.charset);
            line.extend_from_slice(b": ");
            line.extend_from_slice(open_failure_reason(entry.status()).as_bytes());
            self.out.diagnostic(&line);
        }
        if print {
            self.result_line(entry.name(), b"FAILED open or read");
        }
    }

    /// `NAME: VERDICT` on standard output, the name in GNU's escaped form.
    fn result_line(&mut self, name: &[u8], verdict: &[u8]) {
        let name = escaped_name(name);
        let mut line = Vec::with_capacity(name.len() + verdict.len() + 3);
        line.extend_from_slice(&name);
        line.extend_from_slice(b": ");
        line.extend_from_slice(verdict);
        line.push(b'\n');
        self.out.out(&line);
    }

    /// GNU's closing diagnostics for one manifest, in its order.
    fn summarize(&mut self, display: &[u8], tally: &Tally) {
        if !tally.properly_formatted {
            let mut line = quotef(display, self.charset);
            line.extend_from_slice(b": no properly formatted checksum lines found");
            self.out.diagnostic(&line);
            return;
        }
        if self.options.status {
            return;
        }
        let warnings = [
            (
                tally.misformatted,
                "line is improperly formatted",
                "lines are improperly formatted",
            ),
            (
                tally.unreadable,
                "listed file could not be read",
                "listed files could not be read",
            ),
            (
                tally.mismatched,
                "computed checksum did NOT match",
                "computed checksums did NOT match",
            ),
        ];
        for (count, one, many) in warnings {
            if count > 0 {
                let words = if count == 1 { one } else { many };
                self.out
                    .diagnostic(format!("WARNING: {count} {words}").as_bytes());
            }
        }
        if self.options.ignore_missing && !tally.matched {
            let mut line = quotef(display, self.charset);
            line.extend_from_slice(b": no file was verified");
            self.out.diagnostic(&line);
        }
    }

    /// Whether an entry counts against the manifest under these options (for JSON).
    fn is_failure(&self, entry: EntryReport) -> bool {
        match entry.status() {
            Status::Ok => false,
            Status::Missing => !self.options.ignore_missing,
            Status::Malformed => self.options.strict,
            _ => true,
        }
    }
}

/// The checkable algorithm whose tag starts a manifest line (after blanks
/// and an escape's `\`, before ` (` or `(`), as GNU `cksum -c` recognises it.
fn tag_of(line: &[u8]) -> Option<Algorithm> {
    let start = line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let line = &line[start..];
    let line = line.strip_prefix(b"\\").unwrap_or(line);
    let end = line.iter().position(|&b| b == b' ' || b == b'(')?;
    Algorithm::from_tag(&line[..end]).filter(|algorithm| algorithm.is_checkable())
}

/// Why a listed file could not be opened or read, in the words `sha1sum`
/// uses (`strerror`), or ours where `sha1sum` would block or read forever.
fn open_failure_reason(status: &Status) -> String {
    match status {
        Status::Missing => os_error_text(&io::Error::from_raw_os_error(2)),
        Status::Unreadable(e) => os_error_text(e),
        // sha1sum opens a directory, then fails to read it (EISDIR).
        Status::NotRegular(FileKind::Directory) => os_error_text(&io::Error::from_raw_os_error(21)),
        Status::NotRegular(kind) => format!("not a regular file ({kind}), not read"),
        other => other.to_string(),
    }
}

/// Why a manifest could not be read.
enum ReadFailure {
    /// It could not be opened (GNU: `NAME: strerror`).
    Open(io::Error),
    /// It was opened but reading failed (GNU: `NAME: read error`).
    Read,
    /// It is larger than [`checksig::manifest::MAX_MANIFEST_LEN`], or did not fit in memory
    /// (`NAME: manifest larger than 1 GiB`).
    Refused(io::Error),
}

/// A manifest operand's bytes, read with the library's cap
/// ([`read_capped`]): a file, a pipe, `/dev/zero` or standard input alike.
fn read_manifest(operand: &OsStr, is_stdin: bool) -> Result<Vec<u8>, ReadFailure> {
    let read = if is_stdin {
        read_capped(io::stdin().lock(), None)
    } else {
        let file = std::fs::File::open(operand).map_err(ReadFailure::Open)?;
        let size = file
            .metadata()
            .ok()
            .filter(|meta| meta.is_file())
            .map(|meta| meta.len());
        read_capped(file, size)
    };
    read.map_err(|e| match e.kind() {
        io::ErrorKind::InvalidData | io::ErrorKind::OutOfMemory => ReadFailure::Refused(e),
        _ => ReadFailure::Read,
    })
}

/// The status of an entry named `-`: standard input, read to its end (so a
/// second such entry sees nothing left, as with GNU).
fn hash_stdin(expected: Digest) -> Status {
    let mut hasher = Hasher::new(expected.algorithm());
    let mut buffer = vec![0; 64 * 1024];
    let mut stdin = io::stdin().lock();
    loop {
        match stdin.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Status::Unreadable(e),
        }
    }
    let actual = hasher.finalize();
    if actual == expected {
        Status::Ok
    } else {
        Status::Mismatch {
            actual: Box::new(actual),
        }
    }
}
