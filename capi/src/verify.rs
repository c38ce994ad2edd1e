//! The structured API's entry points: `checksig_verify` and
//! `checksig_verify_sidecar`, which return a report.

use std::ffi::c_char;
use std::path::Path;

use checksig::Error;

use crate::boundary::{ffi_guard, handle};
use crate::error::{
    checksig_error, Failure, CHECKSIG_ERROR_CANCELLED, CHECKSIG_ERROR_INVALID_ARGUMENT,
    CHECKSIG_ERROR_OPEN_ROOT, CHECKSIG_ERROR_OTHER, CHECKSIG_ERROR_READ_MANIFEST,
};
use crate::go_style;
use crate::options::checksig_options;
use crate::report::checksig_report;

/// What a verification that could not run reports.
pub(crate) fn failure_of(error: &Error) -> Failure {
    let message = go_style::error_message(error);
    match error {
        Error::OpenRoot { source, .. } => {
            Failure::with_os_error(CHECKSIG_ERROR_OPEN_ROOT, source, message)
        }
        Error::ReadManifest { source, .. } => {
            Failure::with_os_error(CHECKSIG_ERROR_READ_MANIFEST, source, message)
        }
        Error::Cancelled => Failure::new(CHECKSIG_ERROR_CANCELLED, message),
        Error::Signature { .. } => Failure::new(crate::error::CHECKSIG_ERROR_SIGNATURE, message),
        _ => Failure::new(CHECKSIG_ERROR_OTHER, message),
    }
}

/// Verifies the directory `root` (any bytes but NUL; need not be UTF-8)
/// against its manifest, with `options` (NULL means the defaults of
/// `checksig_options_new`). Blocks until done, hashing on the calling thread
/// and on helper threads that have finished their share when it returns (a
/// helper then waits up to one second for the next call before it exits:
/// see "Process-wide state" at the top of this header). It may be called
/// from any number of threads at once and from a child process after
/// `fork()`.
///
/// Returns a report (free it with `checksig_report_free`), even when files
/// fail: see `checksig_report_is_ok`. Returns NULL when the verification could
/// not run (`root` NULL, the manifest unreadable, cancelled...), with the
/// reason in `error` if it is not NULL.
///
/// # Safety
/// `root` is NULL or NUL-terminated; `options` is NULL or a live options
/// object; `error` is NULL or a live error object not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_verify(
    root: *const c_char,
    options: *const checksig_options,
    error: *mut checksig_error,
) -> *mut checksig_report {
    ffi_guard!(records error, "checksig_verify"; root: path_arg => {
        let defaults = checksig_options::default();
        // SAFETY: the caller promises a live options object or NULL.
        let options = unsafe { handle(options) }.unwrap_or(&defaults);
        let manifest = options.manifest_in(root);
        let report = options
            .verifier()
            .manifest(&manifest)
            .verify_dir(root)
            .map_err(|e| failure_of(&e))?;
        let report = checksig_report::new(root, &manifest, options.algorithm(), report)
            .map_err(|e| failure_of(&e))?;
        Ok(Box::new(report))
    })
    .map_or(std::ptr::null_mut(), Box::into_raw)
}

/// Verifies the file a hash-only sidecar checks, given the sidecar's own
/// path: `dl/file.iso.sha256` (holding one bare digest, or one line
/// `<digest>  file.iso`) checks `dl/file.iso`. The same as `checksig_verify`
/// with the sidecar's directory (`.` when the path has none) as the root and
/// its file name as the manifest; every other option applies (`options` may
/// be NULL), the options' manifest is ignored.
///
/// The file name must end in an algorithm's extension: `.sha1`, `.sha256`,
/// `.sha512`, `.md5`, `.b3` or `.blake3`, optionally followed by `sum`, in
/// any case; it also chooses the algorithm unless
/// `checksig_options_set_algorithm` forces one. The report has one entry,
/// line 1, for `file.iso`: `CHECKSIG_STATUS_OK`, `_MISMATCH`, `_MISSING`...,
/// or `CHECKSIG_STATUS_MALFORMED` when the sidecar does not hold one digest
/// of the right length (its message says what was expected).
///
/// Returns NULL (the reason in `error`, if not NULL) for a NULL `sidecar`
/// or a name without an algorithm's extension (`CHECKSIG_ERROR_INVALID_ARGUMENT`),
/// and when the sidecar cannot be read: missing, or a FIFO, device or
/// directory (`CHECKSIG_ERROR_READ_MANIFEST`). Free the report with
/// `checksig_report_free`.
///
/// ```c
/// checksig_report *report = checksig_verify_sidecar("dl/file.iso.sha256", NULL, error);
/// if (report != NULL && checksig_report_is_ok(report)) { /* dl/file.iso matches */ }
/// checksig_report_free(report);
/// ```
///
/// # Safety
/// `sidecar` is NULL or NUL-terminated; `options` is NULL or a live options
/// object; `error` is NULL or a live error object not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_verify_sidecar(
    sidecar: *const c_char,
    options: *const checksig_options,
    error: *mut checksig_error,
) -> *mut checksig_report {
    const FUNCTION: &str = "checksig_verify_sidecar";
    ffi_guard!(records error, FUNCTION; sidecar: path_arg => {
        let (root, name) = split_sidecar(sidecar).ok_or_else(|| {
            Failure::new(
                CHECKSIG_ERROR_INVALID_ARGUMENT,
                format!(
                    "{FUNCTION}: {} is not named as a sidecar (FILE.sha256, .sha1, .sha512, \
                     .md5, .b3 or .blake3, optionally ending in \"sum\")",
                    go_style::quote(go_style::path_bytes(sidecar))
                ),
            )
        })?;
        let defaults = checksig_options::default();
        // SAFETY: the caller promises a live options object or NULL.
        let options = unsafe { handle(options) }.unwrap_or(&defaults);
        let report = options
            .verifier()
            .manifest(name)
            .verify_dir(root)
            .map_err(|e| failure_of(&e))?;
        let report = checksig_report::new(root, name, options.algorithm(), report)
            .map_err(|e| failure_of(&e))?;
        Ok(Box::new(report))
    })
    .map_or(std::ptr::null_mut(), Box::into_raw)
}

/// A sidecar's directory (`.` when it has none) and file name; `None` unless
/// the name ends in an algorithm's extension.
fn split_sidecar(sidecar: &Path) -> Option<(&Path, &Path)> {
    let name = Path::new(sidecar.file_name()?);
    checksig::sidecar::target(name)?;
    let root = match sidecar.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Some((root, name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::{checksig_cancel_free, checksig_cancel_new, checksig_cancel_trigger};
    use crate::error::{
        checksig_error_free, checksig_error_kind, checksig_error_message, checksig_error_new,
        checksig_error_os_error, CHECKSIG_ERROR_NONE,
    };
    use crate::options::{
        checksig_options_free, checksig_options_new, checksig_options_set_algorithm,
        checksig_options_set_allow_outside_root, checksig_options_set_cancel,
        checksig_options_set_ignore_missing, checksig_options_set_manifest,
        checksig_options_set_progress, checksig_options_set_report_unlisted,
        checksig_options_set_strict, checksig_options_set_threads, checksig_progress,
    };
    use crate::report::*;
    use std::ffi::{c_void, CStr, CString};
    use std::os::unix::ffi::OsStrExt;

    fn sha1_line(content: &[u8], name: &str) -> String {
        let digest = checksig::hash_bytes(checksig::Algorithm::Sha1, content);
        format!("{}  {name}\n", digest.to_hex())
    }

    /// a.log matches, b.log mismatches, c.log is missing, line 4 is malformed.
    fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.log"), b"a").unwrap();
        std::fs::write(dir.path().join("b.log"), b"b").unwrap();
        let manifest = [
            sha1_line(b"a", "a.log"),
            sha1_line(b"not b", "b.log"),
            sha1_line(b"c", "c.log"),
            "garbage\n".to_string(),
        ]
        .concat();
        std::fs::write(dir.path().join("MANIFEST"), manifest).unwrap();
        dir
    }

    fn c_path(path: &std::path::Path) -> CString {
        CString::new(path.as_os_str().as_bytes()).unwrap()
    }

    /// # Safety
    /// `ptr` is NULL or NUL-terminated.
    unsafe fn text(ptr: *const c_char) -> Option<String> {
        // SAFETY: passed on from our caller.
        (!ptr.is_null()).then(|| unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned())
    }

    #[test]
    fn algorithm_and_unlisted_options() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), b"abc").unwrap();
        std::fs::write(dir.path().join("added.py"), b"x").unwrap();
        let digest = checksig::hash_bytes(checksig::Algorithm::Blake3, b"abc");
        std::fs::write(dir.path().join("sums"), format!("{digest}  a\n")).unwrap();
        let root = c_path(dir.path());
        // SAFETY: live handles, used on this thread, each freed once.
        unsafe {
            let options = checksig_options_new();
            assert!(checksig_options_set_manifest(options, c"sums".as_ptr()));
            // A 64-digit digest is SHA-256 unless told otherwise.
            let report = checksig_verify(root.as_ptr(), options, std::ptr::null_mut());
            assert_eq!(
                checksig_report_entry_status(report, 0),
                CHECKSIG_STATUS_MISMATCH
            );
            checksig_report_free(report);
            assert!(!checksig_options_set_algorithm(options, 99));
            assert!(!checksig_options_set_algorithm(std::ptr::null_mut(), 1));
            assert!(checksig_options_set_algorithm(
                options,
                crate::algorithm::CHECKSIG_ALGORITHM_BLAKE3
            ));
            assert!(checksig_options_set_report_unlisted(options, true));
            assert!(!checksig_options_set_report_unlisted(
                std::ptr::null_mut(),
                true
            ));
            let report = checksig_verify(root.as_ptr(), options, std::ptr::null_mut());
            assert_eq!(checksig_report_len(report), 2);
            assert_eq!(checksig_report_entry_status(report, 0), CHECKSIG_STATUS_OK);
            assert_eq!(
                checksig_report_entry_status(report, 1),
                CHECKSIG_STATUS_UNLISTED
            );
            assert_eq!(checksig_report_count(report, CHECKSIG_STATUS_UNLISTED), 1);
            assert!(!checksig_report_is_ok(report));
            checksig_report_free(report);
            checksig_options_free(options);
        }
    }

    const ABC_SHA256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    /// `dl/file.iso` ("abc") and the sidecars of issue 6 beside it.
    fn sidecar_fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let dl = dir.path().join("dl");
        std::fs::create_dir(&dl).unwrap();
        std::fs::write(dl.join("file.iso"), b"abc").unwrap();
        let sidecars = [
            ("file.iso.sha256", format!("{ABC_SHA256}\n")),
            (
                "file.iso.SHA256SUM",
                format!("  {}\r\n", ABC_SHA256.to_uppercase()),
            ),
            (
                "file.iso.md5",
                "900150983cd24fb0d6963f7d28e17f72".to_string(),
            ),
            ("file.iso.sha512", format!("{ABC_SHA256}\n")),
            ("file.iso.b3", "0".repeat(64)),
            ("gone.iso.sha256", format!("{ABC_SHA256}\n")),
            ("short.iso.sha256", format!("{}\n", &ABC_SHA256[1..])),
        ];
        for (name, text) in sidecars {
            std::fs::write(dl.join(name), text).unwrap();
        }
        nix_mkfifo(&dl.join("fifo.iso.sha256"));
        dir
    }

    fn nix_mkfifo(path: &std::path::Path) {
        let c = c_path(path);
        // SAFETY: a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    }

    /// The one entry of the report of `name` verified as a manifest in
    /// `root`: status, name, message; or the error's kind and message.
    fn sidecar_outcome(
        root: &std::path::Path,
        name: &std::ffi::CStr,
    ) -> Result<(u32, Vec<u8>, String), (u32, String)> {
        let root = c_path(root);
        // SAFETY: live handles, used on this thread, each freed once.
        unsafe {
            let options = checksig_options_new();
            let error = checksig_error_new();
            assert!(checksig_options_set_manifest(options, name.as_ptr()));
            let report = checksig_verify(root.as_ptr(), options, error);
            let outcome = if report.is_null() {
                Err((
                    checksig_error_kind(error),
                    text(checksig_error_message(error)).unwrap(),
                ))
            } else {
                assert_eq!(checksig_report_len(report), 1);
                assert_eq!(checksig_report_entry_line(report, 0), 1);
                let mut len = 0;
                let name = checksig_report_entry_name(report, 0, &mut len);
                Ok((
                    checksig_report_entry_status(report, 0),
                    std::slice::from_raw_parts(name, len).to_vec(),
                    text(checksig_report_entry_message(report, 0)).unwrap(),
                ))
            };
            checksig_report_free(report);
            checksig_options_free(options);
            checksig_error_free(error);
            outcome
        }
    }

    #[test]
    fn sidecars_through_set_manifest() {
        let dir = sidecar_fixture();
        let dl = dir.path().join("dl");
        let d = dl.to_str().unwrap();
        let ok = |name: &std::ffi::CStr| {
            assert_eq!(
                sidecar_outcome(&dl, name),
                Ok((
                    CHECKSIG_STATUS_OK,
                    b"file.iso".to_vec(),
                    format!("\"{d}/file.iso\" - ok")
                )),
                "{name:?}"
            );
        };
        ok(c"file.iso.sha256");
        ok(c"file.iso.SHA256SUM");
        ok(c"file.iso.md5");
        let mismatch = Ok((
            CHECKSIG_STATUS_MISMATCH,
            b"file.iso".to_vec(),
            format!("\"{d}/file.iso\" - mismatch"),
        ));
        assert_eq!(sidecar_outcome(&dl, c"file.iso.b3"), mismatch);
        assert_eq!(
            sidecar_outcome(&dl, c"gone.iso.sha256"),
            Ok((
                CHECKSIG_STATUS_MISSING,
                b"gone.iso".to_vec(),
                format!("open {d}/gone.iso: no such file or directory")
            ))
        );
        assert_eq!(
            sidecar_outcome(&dl, c"short.iso.sha256"),
            Ok((
                CHECKSIG_STATUS_MALFORMED,
                Vec::new(),
                format!(
                    "1: bad line: \"{}\" (the sidecar should hold one SHA-256 digest of 64 hex digits)",
                    &ABC_SHA256[1..]
                )
            ))
        );
        // A SHA-256 digest in a .sha512 sidecar is the wrong length too.
        let (status, _, message) = sidecar_outcome(&dl, c"file.iso.sha512").unwrap();
        assert_eq!(status, CHECKSIG_STATUS_MALFORMED);
        assert!(message.ends_with("(the sidecar should hold one SHA-512 digest of 128 hex digits)"));
        // Relative to the root: the sidecar's directory is the target's.
        let (status, name, _) = sidecar_outcome(dir.path(), c"dl/file.iso.sha256").unwrap();
        assert_eq!(
            (status, name),
            (CHECKSIG_STATUS_OK, b"dl/file.iso".to_vec())
        );
        assert_eq!(
            sidecar_outcome(&dl, c"fifo.iso.sha256"),
            Err((
                CHECKSIG_ERROR_READ_MANIFEST,
                format!("open {d}/fifo.iso.sha256: not a regular file (FIFO)")
            ))
        );
    }

    #[test]
    fn verify_sidecar_by_its_path() {
        let dir = sidecar_fixture();
        let dl = dir.path().join("dl");
        let d = dl.to_str().unwrap();
        // SAFETY: live handles, used on this thread, each freed once.
        unsafe {
            let error = checksig_error_new();
            let sidecar = c_path(&dl.join("file.iso.sha256"));
            let report = checksig_verify_sidecar(sidecar.as_ptr(), std::ptr::null(), error);
            assert!(checksig_report_is_ok(report));
            let mut len = 0;
            let path = checksig_report_entry_path(report, 0, &mut len);
            assert_eq!(
                std::slice::from_raw_parts(path, len),
                format!("{d}/file.iso").as_bytes()
            );
            checksig_report_free(report);

            // The options apply, but for their manifest: a forced algorithm
            // reads the SHA-256 digest as BLAKE3's (same length: a mismatch),
            // or as SHA-512's (too short: malformed, and the hint says so).
            let options = checksig_options_new();
            assert!(checksig_options_set_manifest(
                options,
                c"elsewhere".as_ptr()
            ));
            assert!(checksig_options_set_algorithm(
                options,
                crate::algorithm::CHECKSIG_ALGORITHM_BLAKE3
            ));
            let report = checksig_verify_sidecar(sidecar.as_ptr(), options, error);
            assert_eq!(
                checksig_report_entry_status(report, 0),
                CHECKSIG_STATUS_MISMATCH
            );
            checksig_report_free(report);
            assert!(checksig_options_set_algorithm(
                options,
                crate::algorithm::CHECKSIG_ALGORITHM_SHA512
            ));
            let report = checksig_verify_sidecar(sidecar.as_ptr(), options, error);
            assert_eq!(
                text(checksig_report_entry_message(report, 0)).unwrap(),
                format!(
                    "1: bad line: \"{ABC_SHA256}\" (the sidecar should hold one SHA-512 digest of 128 hex digits)"
                )
            );
            checksig_report_free(report);
            checksig_options_free(options);

            let short = c_path(&dl.join("short.iso.sha256"));
            let report = checksig_verify_sidecar(short.as_ptr(), std::ptr::null(), error);
            assert!(!checksig_report_is_ok(report));
            assert_eq!(checksig_report_failure_count(report), 1);
            assert_eq!(
                checksig_report_entry_status(report, 0),
                CHECKSIG_STATUS_MALFORMED
            );
            checksig_report_free(report);

            for (bad, why) in [
                (c_path(&dl.join("file.iso")), "not named as a sidecar"),
                (c_path(&dl.join("SHA256SUMS")), "not named as a sidecar"),
                (c_path(std::path::Path::new("/")), "not named as a sidecar"),
            ] {
                assert!(checksig_verify_sidecar(bad.as_ptr(), std::ptr::null(), error).is_null());
                assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_INVALID_ARGUMENT);
                let message = text(checksig_error_message(error)).unwrap();
                assert!(message.contains(why), "{message}");
            }
            assert!(checksig_verify_sidecar(std::ptr::null(), std::ptr::null(), error).is_null());
            assert_eq!(
                text(checksig_error_message(error)).unwrap(),
                "checksig_verify_sidecar: sidecar is NULL"
            );
            let fifo = c_path(&dl.join("fifo.iso.sha256"));
            assert!(checksig_verify_sidecar(fifo.as_ptr(), std::ptr::null(), error).is_null());
            assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_READ_MANIFEST);
            let gone = c_path(&dl.join("none.iso.sha256"));
            assert!(checksig_verify_sidecar(gone.as_ptr(), std::ptr::null(), error).is_null());
            assert_eq!(checksig_error_os_error(error), libc::ENOENT);
            checksig_error_free(error);
        }
    }

    #[test]
    fn sidecar_paths_split() {
        use std::path::Path;
        fn split(path: &str) -> Option<(&Path, &Path)> {
            split_sidecar(Path::new(path))
        }
        assert_eq!(
            split("dl/f.iso.sha256"),
            Some((Path::new("dl"), Path::new("f.iso.sha256")))
        );
        assert_eq!(
            split("f.iso.MD5SUM"),
            Some((Path::new("."), Path::new("f.iso.MD5SUM")))
        );
        assert_eq!(split("/f.b3"), Some((Path::new("/"), Path::new("f.b3"))));
        assert_eq!(split("dl/SHA256SUMS"), None);
        assert_eq!(split("dl/.."), None);
        assert_eq!(split(""), None);
    }

    #[test]
    fn report_accessors_and_options() {
        let dir = fixture();
        let root = c_path(dir.path());
        let r = dir.path().to_str().unwrap();
        // SAFETY: live handles, used on this thread, each freed once.
        unsafe {
            let options = checksig_options_new();
            let error = checksig_error_new();
            assert!(checksig_options_set_manifest(options, c"MANIFEST".as_ptr()));
            assert!(checksig_options_set_threads(options, 2));
            assert!(checksig_options_set_strict(options, false));
            let report = checksig_verify(root.as_ptr(), options, error);
            assert!(!report.is_null());
            assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_NONE);
            assert_eq!(checksig_report_len(report), 4);
            assert!(!checksig_report_is_ok(report));
            assert_eq!(checksig_report_failure_count(report), 2);
            assert_eq!(checksig_report_count(report, CHECKSIG_STATUS_MALFORMED), 1);
            let statuses: Vec<u32> = (0..5)
                .map(|i| checksig_report_entry_status(report, i))
                .collect();
            assert_eq!(
                statuses,
                [
                    CHECKSIG_STATUS_OK,
                    CHECKSIG_STATUS_MISMATCH,
                    CHECKSIG_STATUS_MISSING,
                    CHECKSIG_STATUS_MALFORMED,
                    CHECKSIG_STATUS_INVALID
                ]
            );
            assert!(!checksig_report_entry_is_failure(report, 3), "not strict");
            assert_eq!(checksig_report_entry_line(report, 3), 4);
            let mut len = 0;
            let path = checksig_report_entry_path(report, 1, &mut len);
            let path = std::slice::from_raw_parts(path, len);
            assert_eq!(path, format!("{r}/b.log").as_bytes());
            let name = checksig_report_entry_name(report, 1, std::ptr::null_mut());
            assert_eq!(*name, b'b');
            let actual = checksig::hash_bytes(checksig::Algorithm::Sha1, b"b").to_hex();
            assert_eq!(text(checksig_report_entry_actual(report, 1)), Some(actual));
            assert_eq!(text(checksig_report_entry_actual(report, 2)), None);
            assert_eq!(text(checksig_report_entry_expected(report, 3)), None);
            assert_eq!(
                text(checksig_report_message(report)).unwrap(),
                format!("\"{r}/b.log\" - mismatch\nopen {r}/c.log: no such file or directory")
            );
            assert_eq!(
                text(checksig_report_entry_message(report, 3)).unwrap(),
                "4: bad line: \"garbage\""
            );
            assert_eq!(
                text(checksig_report_summary(report)).unwrap(),
                "1 OK, 1 mismatch, 1 missing, 1 malformed"
            );
            checksig_report_free(report);

            assert!(checksig_options_set_ignore_missing(options, true));
            std::fs::write(dir.path().join("b.log"), b"not b").unwrap();
            let report = checksig_verify(root.as_ptr(), options, error);
            assert!(checksig_report_is_ok(report));
            assert!(checksig_report_message(report).is_null());
            checksig_report_free(report);

            assert!(checksig_options_set_allow_outside_root(options, true));
            assert!(checksig_options_set_manifest(
                options,
                c"/nonexistent/MANIFEST".as_ptr()
            ));
            assert!(checksig_verify(root.as_ptr(), options, error).is_null());
            assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_READ_MANIFEST);
            assert_eq!(checksig_error_os_error(error), libc::ENOENT);
            assert_eq!(
                text(checksig_error_message(error)).unwrap(),
                "open /nonexistent/MANIFEST: no such file or directory"
            );
            checksig_options_free(options);
            checksig_error_free(error);
        }
    }

    unsafe extern "C" fn count_calls(
        progress: *const checksig_progress,
        seen: *mut c_void,
    ) -> bool {
        // SAFETY: `seen` is the test's vector, `progress` valid for the call.
        unsafe { (*seen.cast::<Vec<checksig_progress>>()).push(*progress) };
        true
    }

    unsafe extern "C" fn refuse(_: *const checksig_progress, _: *mut c_void) -> bool {
        false
    }

    #[test]
    fn progress_and_cancellation() {
        let dir = fixture();
        let root = c_path(dir.path());
        let mut seen: Vec<checksig_progress> = Vec::new();
        // SAFETY: live handles and a live counter, each used on this thread.
        unsafe {
            let options = checksig_options_new();
            let error = checksig_error_new();
            checksig_options_set_manifest(options, c"MANIFEST".as_ptr());
            let user_data = (&mut seen as *mut Vec<checksig_progress>).cast();
            checksig_options_set_progress(options, Some(count_calls), user_data);
            let report = checksig_verify(root.as_ptr(), options, error);
            assert!(!report.is_null());
            checksig_report_free(report);
            let last = *seen.last().expect("called at least at the end");
            assert_eq!((last.files_done, last.files_total), (4, 4));
            assert_eq!((last.bytes_done, last.bytes_total), (2, 2));

            checksig_options_set_progress(options, Some(refuse), std::ptr::null_mut());
            assert!(checksig_verify(root.as_ptr(), options, error).is_null());
            assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_CANCELLED);

            checksig_options_set_progress(options, None, std::ptr::null_mut());
            let cancel = checksig_cancel_new();
            checksig_options_set_cancel(options, cancel);
            checksig_cancel_trigger(cancel);
            checksig_cancel_free(cancel);
            assert!(checksig_verify(root.as_ptr(), options, error).is_null());
            assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_CANCELLED);
            assert_eq!(
                text(checksig_error_message(error)).unwrap(),
                "verification cancelled"
            );
            checksig_options_free(options);
            checksig_error_free(error);
        }
    }

    #[test]
    fn progress_figures_are_the_cores() {
        let dir = fixture();
        std::fs::write(dir.path().join("big"), vec![7u8; 3 << 20]).unwrap();
        let digest = checksig::hash_bytes(checksig::Algorithm::Sha1, &vec![7u8; 3 << 20]);
        let mut manifest = std::fs::read(dir.path().join("MANIFEST")).unwrap();
        manifest.extend(format!("{digest}  big\n").bytes());
        std::fs::write(dir.path().join("MANIFEST"), manifest).unwrap();

        let from_rust = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = from_rust.clone();
        checksig::Verifier::new()
            .manifest("MANIFEST")
            .progress(move |p: &checksig::Progress| {
                sink.lock().unwrap().push(checksig_progress::from(p));
                true
            })
            .verify_dir(dir.path())
            .unwrap();
        let from_rust = from_rust.lock().unwrap().clone();

        let root = c_path(dir.path());
        let mut from_c: Vec<checksig_progress> = Vec::new();
        // SAFETY: live handles and a live vector, each used on this thread.
        unsafe {
            let options = checksig_options_new();
            checksig_options_set_manifest(options, c"MANIFEST".as_ptr());
            let user_data = (&mut from_c as *mut Vec<checksig_progress>).cast();
            checksig_options_set_progress(options, Some(count_calls), user_data);
            let report = checksig_verify(root.as_ptr(), options, std::ptr::null_mut());
            assert!(!report.is_null());
            checksig_report_free(report);
            checksig_options_free(options);
        }
        // The calls' timing varies; the totals and the final figures do not.
        let totals = |seen: &[checksig_progress]| {
            let last = *seen.last().unwrap();
            (
                last,
                seen.iter().map(|p| (p.bytes_total, p.files_total)).max(),
            )
        };
        assert_eq!(totals(&from_c), totals(&from_rust));
        let (last, _) = totals(&from_c);
        assert_eq!((last.files_done, last.files_total), (5, 5));
        assert_eq!(last.bytes_done, 2 + (3 << 20));
    }
}
