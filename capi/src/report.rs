//! The report a verification returns, and its accessors.
//!
//! A report is the caller's alone: it holds copies of everything it shows
//! (names, paths, digests, messages) and no file descriptor, and freeing it
//! returns all of its memory. The process-wide state a verification leaves
//! behind (parked helper threads for up to a second, pooled buffers, the
//! `SIGBUS` handler) is described in the crate's documentation and at the
//! top of `checksig.h`; none of it is tied to a report.

use std::ffi::{c_char, CString};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use checksig::{Algorithm, EntryReport, Error, Report, StatusKind};

use crate::boundary::{ffi_guard, free_handle};
use crate::c_string::owned_c_string;
use crate::go_style;
use crate::signer::checksig_signature;

/// The file matches its digest.
pub const CHECKSIG_STATUS_OK: u32 = 0;
/// The file's digest differs from the manifest's.
pub const CHECKSIG_STATUS_MISMATCH: u32 = 1;
/// The file does not exist.
pub const CHECKSIG_STATUS_MISSING: u32 = 2;
/// The file exists but could not be opened or read.
pub const CHECKSIG_STATUS_UNREADABLE: u32 = 3;
/// The name is a directory, FIFO, device or socket; it was not read.
pub const CHECKSIG_STATUS_NOT_REGULAR: u32 = 4;
/// The name leaves the root directory; it was not opened.
pub const CHECKSIG_STATUS_OUTSIDE_ROOT: u32 = 5;
/// The file's size changed while it was read.
pub const CHECKSIG_STATUS_CHANGED: u32 = 6;
/// The manifest line is malformed.
pub const CHECKSIG_STATUS_MALFORMED: u32 = 7;
/// A file under the root that the manifest does not list (only with
/// `checksig_options_set_report_unlisted`); its line is 0.
pub const CHECKSIG_STATUS_UNLISTED: u32 = 8;
/// Returned for an index out of range or a NULL report.
pub const CHECKSIG_STATUS_INVALID: u32 = 0xFFFF_FFFF;

/// The results of a verification: one entry per manifest line (file entry or
/// malformed line), in manifest order. Returned by `checksig_verify`, freed
/// with `checksig_report_free`. Immutable: any number of threads may read it
/// at once. Every string it returns is borrowed and valid until it is freed.
pub struct checksig_report {
    /// The library's report, as compact as it is (names and digests in
    /// arenas): lines, statuses and names are read from it directly.
    report: Report,
    /// The root as Go's `path.Join` sees it, for entries' paths.
    root: Vec<u8>,
    /// What follows a malformed line's message in a sidecar ([`sidecar_hint`]).
    hint: Option<String>,
    /// Each entry's C strings, made the first time one of them is asked for:
    /// a caller reading a few entries of millions pays for those few (16
    /// bytes an entry until then, reserved fallibly).
    texts: Box<[OnceLock<Box<EntryText>>]>,
    ok: bool,
    failures: usize,
    counts: [usize; StatusKind::ALL.len()],
    summary: CString,
    /// The article's message ([`failure_message`]): every failure, one per
    /// line, made on first use (millions of failures make a long string).
    message: OnceLock<Option<CString>>,
    /// What the message needs: the root and the manifest as given, and
    /// the algorithm the caller forced.
    root_path: PathBuf,
    manifest: PathBuf,
    algorithm: Option<Algorithm>,
    /// The manifest's signature, when there was one.
    signature: Option<checksig_signature>,
}

/// The strings of one entry that C borrows and the library's report does
/// not hold as such: its joined path, its digests in hex and its message.
struct EntryText {
    path: Vec<u8>,
    expected: Option<CString>,
    actual: Option<CString>,
    message: CString,
}

impl checksig_report {
    /// Builds the C view of `report`, naming files as Go's `path.Join(root, name)`;
    /// `manifest` is the manifest's path as given, for the message when
    /// nothing was verified.
    /// `algorithm` is the one the caller forced, if any: with `manifest`, it
    /// explains a malformed line of a sidecar ([`sidecar_hint`]).
    /// [`Error::OutOfMemory`] when its per-entry table cannot be had.
    pub(crate) fn new(
        root: &Path,
        manifest: &Path,
        algorithm: Option<Algorithm>,
        report: Report,
    ) -> Result<checksig_report, Error> {
        let lines = report.len();
        let mut texts = Vec::new();
        texts
            .try_reserve_exact(lines)
            .map_err(|_| Error::OutOfMemory { lines })?;
        texts.resize_with(lines, OnceLock::new);
        Ok(checksig_report {
            root: go_style::path_bytes(root).to_vec(),
            hint: sidecar_hint(manifest, algorithm),
            texts: texts.into_boxed_slice(),
            ok: report.is_ok(),
            failures: report.failures().count(),
            counts: StatusKind::ALL.map(|kind| report.count(kind)),
            summary: owned_c_string(report.summary().as_bytes()),
            message: OnceLock::new(),
            root_path: root.to_path_buf(),
            manifest: manifest.to_path_buf(),
            algorithm,
            signature: report.signature().map(checksig_signature::new),
            report,
        })
    }

    /// What the article's `verify` returns: `None` when the report is OK,
    /// otherwise every failure, one per line (or why nothing was verified).
    pub(crate) fn message(&self) -> Option<&CString> {
        self.message
            .get_or_init(|| {
                failure_message(
                    &self.root_path,
                    &self.manifest,
                    self.algorithm,
                    &self.report,
                )
                .map(|m| owned_c_string(m.as_bytes()))
            })
            .as_ref()
    }

    /// Entry `index` of the library's report.
    fn entry(&self, index: usize) -> Option<EntryReport<'_>> {
        self.report.get(index)
    }

    /// Entry `index`'s strings, made on first use.
    fn text(&self, index: usize) -> Option<&EntryText> {
        let entry = self.entry(index)?;
        let text = self.texts.get(index)?.get_or_init(|| {
            let (path, message) = entry_text(entry, &self.root, self.hint.as_deref());
            let hex = |digest: Option<checksig::Digest>| {
                digest.map(|d| owned_c_string(d.to_hex().as_bytes()))
            };
            Box::new(EntryText {
                path,
                expected: hex(entry.expected()),
                actual: hex(entry.actual()),
                message: owned_c_string(message.as_bytes()),
            })
        });
        Some(text)
    }
}

/// What the article's `verify` returns for `report`: `None` when it is OK,
/// otherwise every failure, one per line (or why nothing was verified). Only
/// failures are formatted, so 100,000 matching entries cost nothing here.
pub(crate) fn failure_message(
    root: &Path,
    manifest: &Path,
    algorithm: Option<Algorithm>,
    report: &Report,
) -> Option<String> {
    if report.is_ok() {
        return None;
    }
    let root_bytes = go_style::path_bytes(root);
    let hint = sidecar_hint(manifest, algorithm);
    let lines: Vec<String> = report
        .failures()
        .map(|entry| entry_text(entry, root_bytes, hint.as_deref()).1)
        .collect();
    Some(if lines.is_empty() {
        go_style::nothing_verified_message(root, manifest)
    } else {
        lines.join("\n")
    })
}

/// An entry's path (Go's `path.Join(root, name)`; empty for a malformed
/// line) and its message in the Go library's words.
fn entry_text(
    entry: checksig::EntryReport,
    root: &[u8],
    sidecar_hint: Option<&str>,
) -> (Vec<u8>, String) {
    let malformed = entry.kind() == StatusKind::Malformed;
    let path = if malformed {
        Vec::new()
    } else {
        go_style::join(root, entry.name())
    };
    let mut message = go_style::entry_message(entry, &path);
    if let (true, Some(hint)) = (malformed, sidecar_hint) {
        message.push_str(hint);
    }
    (path, message)
}

/// What follows the message of a malformed line when the manifest is a
/// hash-only sidecar (`file.iso.sha256`), whose one line is most often a
/// digest cut short or of another algorithm, e.g.
/// ` (the sidecar should hold one SHA-256 digest of 64 hex digits)`. `None` for a
/// manifest not named as a sidecar, whose messages stay the Go library's.
fn sidecar_hint(manifest: &Path, forced: Option<Algorithm>) -> Option<String> {
    checksig::sidecar::expected_form(manifest, forced)
        .map(|form| format!(" (the sidecar should hold {form})"))
}

/// Frees a report and every string borrowed from it; NULL is a no-op.
///
/// # Safety
/// `report` is NULL or from `checksig_verify`, not in use by another thread,
/// and not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_free(report: *mut checksig_report) {
    // SAFETY: the caller promises a handle from checksig_verify or NULL.
    ffi_guard!(or (); => unsafe { free_handle(report) })
}

/// Reads a report through `read`; `fallback` for NULL (or a bug).
///
/// # Safety
/// `report` is NULL or a live report.
unsafe fn read<T: Copy>(
    report: *const checksig_report,
    fallback: T,
    read: impl FnOnce(&checksig_report) -> T,
) -> T {
    ffi_guard!(or fallback; report: handle => read(report))
}

/// Reads entry `index` of the library's report through `read`; `fallback`
/// for NULL or out of range.
///
/// # Safety
/// `report` is NULL or a live report.
unsafe fn read_entry<T: Copy>(
    report: *const checksig_report,
    index: usize,
    fallback: T,
    read: impl FnOnce(&checksig_report, EntryReport<'_>) -> T,
) -> T {
    // SAFETY: passed on from our caller.
    unsafe {
        self::read(report, fallback, |r| {
            r.entry(index).map_or(fallback, |entry| read(r, entry))
        })
    }
}

/// Reads entry `index`'s strings (made on first use) through `read`;
/// `fallback` for NULL or out of range.
///
/// # Safety
/// `report` is NULL or a live report.
unsafe fn read_text<T: Copy>(
    report: *const checksig_report,
    index: usize,
    fallback: T,
    read: impl FnOnce(&EntryText) -> T,
) -> T {
    // SAFETY: passed on from our caller.
    unsafe { self::read(report, fallback, |r| r.text(index).map_or(fallback, read)) }
}

/// The number of entries (manifest lines with an entry or malformed); 0 for NULL.
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_len(report: *const checksig_report) -> usize {
    // SAFETY: passed on from our caller.
    unsafe { read(report, 0, |r| r.report.len()) }
}

/// True when no entry is a failure and at least one file matched (a manifest
/// listing no file verified nothing and is not OK). False for NULL.
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_is_ok(report: *const checksig_report) -> bool {
    // SAFETY: passed on from our caller.
    unsafe { read(report, false, |r| r.ok) }
}

/// The number of entries that are failures under the options used; 0 for NULL.
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_failure_count(report: *const checksig_report) -> usize {
    // SAFETY: passed on from our caller.
    unsafe { read(report, 0, |r| r.failures) }
}

/// The number of entries with status `status` (a `CHECKSIG_STATUS_*`); 0 for
/// NULL or an unknown status.
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_count(
    report: *const checksig_report,
    status: u32,
) -> usize {
    // SAFETY: passed on from our caller.
    unsafe {
        read(report, 0, |r| {
            usize::try_from(status)
                .ok()
                .and_then(|i| r.counts.get(i).copied())
                .unwrap_or(0)
        })
    }
}

/// A one-line summary such as `9 OK, 1 mismatch`. Borrowed from the report;
/// NULL for NULL.
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_summary(report: *const checksig_report) -> *const c_char {
    // SAFETY: passed on from our caller.
    unsafe { read(report, std::ptr::null(), |r| r.summary.as_ptr()) }
}

/// What the article's `verify` would return for this report: NULL when the
/// report is OK (or for NULL); otherwise every failure, one per line in
/// manifest order, in the Go library's words, or, when nothing failed but
/// nothing was verified either (a manifest listing no file, or only missing
/// files under `ignore_missing`), a line saying so. Borrowed from the report.
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_message(report: *const checksig_report) -> *const c_char {
    // SAFETY: passed on from our caller.
    unsafe {
        read(report, std::ptr::null(), |r| {
            r.message().map_or(std::ptr::null(), |m| m.as_ptr())
        })
    }
}

/// The manifest's signature: checked (`checksig_signature_is_checked`; who
/// made it: `checksig_signature_key`) when keys were given
/// (`checksig_options_add_key_file`), or present but not checked when none
/// was given; NULL when the manifest has no signature that was looked at, or
/// for NULL. Borrowed from the report: never free it.
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_signature(
    report: *const checksig_report,
) -> *const checksig_signature {
    // SAFETY: passed on from our caller.
    unsafe {
        read(report, std::ptr::null(), |r| {
            r.signature
                .as_ref()
                .map_or(std::ptr::null(), |s| s as *const _)
        })
    }
}

/// The 1-based manifest line of entry `index`; 0 for NULL or out of range.
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_entry_line(
    report: *const checksig_report,
    index: usize,
) -> u64 {
    // SAFETY: passed on from our caller.
    unsafe { read_entry(report, index, 0, |_, e| e.line()) }
}

/// The status of entry `index`, a `CHECKSIG_STATUS_*`; `CHECKSIG_STATUS_INVALID`
/// for NULL or out of range.
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_entry_status(
    report: *const checksig_report,
    index: usize,
) -> u32 {
    // SAFETY: passed on from our caller.
    unsafe {
        read_entry(report, index, CHECKSIG_STATUS_INVALID, |_, e| {
            e.kind() as u32
        })
    }
}

/// Whether entry `index` is a failure under the options used (a missing file
/// is not with `ignore_missing`; a malformed line is not without `strict`).
/// False for NULL or out of range.
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_entry_is_failure(
    report: *const checksig_report,
    index: usize,
) -> bool {
    // SAFETY: passed on from our caller.
    unsafe { read_entry(report, index, false, |r, e| r.report.is_failure(e)) }
}

/// Stores `bytes`' length in `*len` (if `len` is not NULL) and returns its start.
///
/// # Safety
/// `len` is NULL or valid for a write.
unsafe fn byte_string(bytes: &[u8], len: *mut usize) -> *const u8 {
    if !len.is_null() {
        // SAFETY: the caller promises `len` is writable.
        unsafe { *len = bytes.len() };
    }
    bytes.as_ptr()
}

/// The name of entry `index` as the manifest lists it: raw bytes, not
/// NUL-terminated, its length stored in `*len` (`len` may be NULL). Empty for
/// a malformed line. Borrowed from the report; NULL (and `*len` untouched)
/// for NULL or out of range.
///
/// # Safety
/// `report` is NULL or a live report; `len` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_entry_name(
    report: *const checksig_report,
    index: usize,
    len: *mut usize,
) -> *const u8 {
    // SAFETY: passed on from our caller.
    unsafe {
        read_entry(report, index, std::ptr::null(), |_, e| {
            byte_string(e.name(), len)
        })
    }
}

/// The path of entry `index`: the root and the name joined and cleaned as
/// Go's `path.Join` does (an absolute name stays as it is). Raw bytes, not
/// NUL-terminated, length in `*len` as for `checksig_report_entry_name`. Empty
/// for a malformed line. Borrowed from the report.
///
/// # Safety
/// `report` is NULL or a live report; `len` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_entry_path(
    report: *const checksig_report,
    index: usize,
    len: *mut usize,
) -> *const u8 {
    // SAFETY: passed on from our caller.
    unsafe {
        read_text(report, index, std::ptr::null(), |e| {
            byte_string(&e.path, len)
        })
    }
}

/// The digest the manifest lists for entry `index`, in lowercase hex; NULL
/// for a malformed line, NULL or out of range. Borrowed from the report.
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_entry_expected(
    report: *const checksig_report,
    index: usize,
) -> *const c_char {
    // SAFETY: passed on from our caller.
    unsafe {
        read_text(report, index, std::ptr::null(), |e| {
            e.expected.as_ref().map_or(std::ptr::null(), |d| d.as_ptr())
        })
    }
}

/// The digest entry `index`'s file was found to have, in lowercase hex; NULL
/// when it was not read (missing, refused...), NULL or out of range.
/// Borrowed from the report.
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_entry_actual(
    report: *const checksig_report,
    index: usize,
) -> *const c_char {
    // SAFETY: passed on from our caller.
    unsafe {
        read_text(report, index, std::ptr::null(), |e| {
            e.actual.as_ref().map_or(std::ptr::null(), |d| d.as_ptr())
        })
    }
}

/// A one-line message for entry `index` in the article's words, such as
/// `"/tmp/logs/httpd-08.log" - mismatch` or `"/tmp/logs/a.log" - ok`. UTF-8;
/// borrowed from the report; NULL for NULL or out of range.
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn checksig_report_entry_message(
    report: *const checksig_report,
    index: usize,
) -> *const c_char {
    // SAFETY: passed on from our caller.
    unsafe { read_text(report, index, std::ptr::null(), |e| e.message.as_ptr()) }
}

/// The short name of a status code, such as `"mismatch"` (static; never free
/// it); NULL for an unknown code.
#[no_mangle]
pub extern "C" fn checksig_status_name(status: u32) -> *const c_char {
    ffi_guard!(or std::ptr::null(); => {
        usize::try_from(status)
            .ok()
            .and_then(|i| status_c_names().get(i))
            .map_or(std::ptr::null(), |name| name.as_ptr())
    })
}

/// The core's status names ([`StatusKind::name`]) as C strings, in code
/// order, made once per process.
fn status_c_names() -> &'static [CString] {
    static NAMES: std::sync::OnceLock<Vec<CString>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        StatusKind::ALL
            .iter()
            .map(|kind| CString::new(kind.name()).expect("status names hold no NUL"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn status_codes_are_the_core_kinds() {
        let codes = [
            CHECKSIG_STATUS_OK,
            CHECKSIG_STATUS_MISMATCH,
            CHECKSIG_STATUS_MISSING,
            CHECKSIG_STATUS_UNREADABLE,
            CHECKSIG_STATUS_NOT_REGULAR,
            CHECKSIG_STATUS_OUTSIDE_ROOT,
            CHECKSIG_STATUS_CHANGED,
            CHECKSIG_STATUS_MALFORMED,
            CHECKSIG_STATUS_UNLISTED,
        ];
        for (kind, code) in StatusKind::ALL.iter().zip(codes) {
            assert_eq!(*kind as u32, code);
            // SAFETY: a static C string.
            let name = unsafe { CStr::from_ptr(checksig_status_name(code)) };
            assert_eq!(name.to_str().unwrap(), kind.name());
        }
        assert_eq!(codes.len(), StatusKind::ALL.len());
        assert!(checksig_status_name(9).is_null());
        assert!(checksig_status_name(CHECKSIG_STATUS_INVALID).is_null());
    }

    #[test]
    fn null_report_accessors_are_harmless() {
        let null = std::ptr::null();
        let mut len = 7usize;
        // SAFETY: NULL is allowed everywhere.
        unsafe {
            assert_eq!(checksig_report_len(null), 0);
            assert!(!checksig_report_is_ok(null));
            assert_eq!(checksig_report_failure_count(null), 0);
            assert_eq!(checksig_report_count(null, 0), 0);
            assert!(checksig_report_summary(null).is_null());
            assert!(checksig_report_message(null).is_null());
            assert_eq!(checksig_report_entry_line(null, 0), 0);
            assert_eq!(
                checksig_report_entry_status(null, 0),
                CHECKSIG_STATUS_INVALID
            );
            assert!(!checksig_report_entry_is_failure(null, 0));
            assert!(checksig_report_entry_name(null, 0, &mut len).is_null());
            assert!(checksig_report_entry_path(null, 0, &mut len).is_null());
            assert_eq!(len, 7);
            assert!(checksig_report_entry_expected(null, 0).is_null());
            assert!(checksig_report_entry_actual(null, 0).is_null());
            assert!(checksig_report_entry_message(null, 0).is_null());
            checksig_report_free(std::ptr::null_mut());
        }
    }

    /// An entry's strings are made when one of them is first asked for,
    /// once: the pointers C borrows stay the same, and entries never read
    /// cost none.
    #[test]
    fn entry_strings_are_made_on_first_use_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), "a").unwrap();
        let manifest = "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n\
                        0000000000000000000000000000000000000000  a\n\
                        x\n";
        std::fs::write(dir.path().join("sha1sum.txt"), manifest).unwrap();
        let report = checksig::Verifier::new().verify_dir(dir.path()).unwrap();
        let manifest = Path::new("sha1sum.txt");
        let report = checksig_report::new(dir.path(), manifest, None, report).unwrap();
        let made = |r: &checksig_report| {
            r.texts
                .iter()
                .map(|t| t.get().is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(made(&report), [false, false, false]);
        assert!(
            report.message.get().is_none(),
            "the article's message waits too"
        );
        // SAFETY: a live report, indices in range.
        unsafe {
            let all = CStr::from_ptr(checksig_report_message(&report))
                .to_str()
                .unwrap();
            assert_eq!(all.lines().count(), 2, "{all}");
            assert_eq!(checksig_report_message(&report), all.as_ptr().cast());
            assert_eq!(
                checksig_report_entry_status(&report, 1),
                CHECKSIG_STATUS_MISMATCH
            );
            assert_eq!(
                made(&report),
                [false, false, false],
                "statuses need no strings"
            );
            let message = checksig_report_entry_message(&report, 1);
            assert_eq!(made(&report), [false, true, false]);
            assert_eq!(checksig_report_entry_message(&report, 1), message);
            let text = CStr::from_ptr(message).to_str().unwrap();
            assert!(text.ends_with("/a\" - mismatch"), "{text}");
            let expected = CStr::from_ptr(checksig_report_entry_expected(&report, 1));
            assert_eq!(expected.to_bytes(), [b'0'; 40]);
            assert!(checksig_report_entry_expected(&report, 2).is_null());
            assert_eq!(made(&report), [false, true, true]);
        }
    }
}
