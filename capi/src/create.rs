//! Making manifests: `checksig create` for C.

use std::ffi::c_char;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use checksig::create::{self, CreateError};
use checksig::{Algorithm, CancelToken};

use crate::algorithm::concrete_algorithm;
use crate::boundary::{ffi_guard, handle, path_arg};
use crate::c_string::malloc_string;
use crate::cancel::checksig_cancel;
use crate::error::{
    checksig_error, Failure, CHECKSIG_ERROR_CANCELLED, CHECKSIG_ERROR_IO, CHECKSIG_ERROR_OTHER,
};
use crate::go_style;
use crate::hashing::hash_failure;

/// A manifest of every regular file under `dir` (symbolic links neither
/// followed nor listed), sorted by name as raw bytes, relative to `dir`, in
/// GNU's format for `algorithm` (one of `CHECKSIG_ALGORITHM_*`, not DETECT):
/// what `sha256sum` and the others would write, names escaped as GNU escapes
/// them. Files are hashed on `threads` threads (0: one per CPU). `skip`, if
/// not NULL, is a file to leave out, such as the manifest about to be
/// rewritten: a path as `open` takes it (relative to the working directory,
/// not to `dir`), compared once symbolic links are resolved; a `skip` that does
/// not exist leaves nothing out. Returns NULL on failure: NULL `dir` or unknown
/// algorithm (`CHECKSIG_ERROR_INVALID_ARGUMENT`), `dir` or a directory under
/// it that cannot be listed, or a file that cannot be hashed
/// (`CHECKSIG_ERROR_IO`, `_NOT_REGULAR` or `_CHANGED`, naming the file).
/// `checksig_create_manifest_cancellable` can be stopped from another thread.
///
/// Ownership: the NUL-terminated text is allocated with `malloc`; free it
/// with `checksig_free`.
///
/// ```c
/// char *text = checksig_create_manifest("dl", CHECKSIG_ALGORITHM_SHA256, 0, "dl/SHA256SUMS", error);
/// /* write text to dl/SHA256SUMS, then */ checksig_free(text);
/// ```
///
/// # Safety
/// `dir` and `skip` are NULL or NUL-terminated; `error` is NULL or a live
/// error object not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_create_manifest(
    dir: *const c_char,
    algorithm: u32,
    threads: usize,
    skip: *const c_char,
    error: *mut checksig_error,
) -> *mut c_char {
    // SAFETY: passed on from our caller, with no cancel handle.
    unsafe {
        create_manifest(
            "checksig_create_manifest",
            dir,
            algorithm,
            threads,
            skip,
            std::ptr::null(),
            error,
        )
    }
}

/// `checksig_create_manifest`, stopped by `cancel` (if not NULL) from any
/// thread: once `checksig_cancel_trigger(cancel)` is called, the walk stops,
/// no thread starts another file and a file being hashed stops within a few
/// MiB; the call then returns NULL with `CHECKSIG_ERROR_CANCELLED` ("manifest
/// creation cancelled"), never part of a manifest. A NULL `cancel` makes it
/// `checksig_create_manifest`. A handle already triggered fails at once.
///
/// ```c
/// checksig_cancel *cancel = checksig_cancel_new();   /* triggered by another thread on Ctrl-C */
/// char *text = checksig_create_manifest_cancellable("dl", CHECKSIG_ALGORITHM_SHA256, 0, NULL,
///                                                   cancel, error);
/// if (text == NULL && checksig_error_kind(error) == CHECKSIG_ERROR_CANCELLED) { /* stopped */ }
/// checksig_free(text);
/// checksig_cancel_free(cancel);   /* once no thread can still trigger it */
/// ```
///
/// # Safety
/// As `checksig_create_manifest`; `cancel` is NULL or a live cancel handle,
/// not freed before this returns.
#[no_mangle]
pub unsafe extern "C" fn checksig_create_manifest_cancellable(
    dir: *const c_char,
    algorithm: u32,
    threads: usize,
    skip: *const c_char,
    cancel: *const checksig_cancel,
    error: *mut checksig_error,
) -> *mut c_char {
    // SAFETY: passed on from our caller.
    unsafe {
        create_manifest(
            "checksig_create_manifest_cancellable",
            dir,
            algorithm,
            threads,
            skip,
            cancel,
            error,
        )
    }
}

/// Both manifest-creating entry points, `function` naming the one called.
///
/// # Safety
/// As `checksig_create_manifest_cancellable`.
unsafe fn create_manifest(
    function: &str,
    dir: *const c_char,
    algorithm: u32,
    threads: usize,
    skip: *const c_char,
    cancel: *const checksig_cancel,
    error: *mut checksig_error,
) -> *mut c_char {
    // An unknown algorithm is reported before a NULL directory (as it always was).
    let algorithm = ffi_guard!(records error, function; => concrete_algorithm(function, algorithm));
    let Some(algorithm) = algorithm else {
        return std::ptr::null_mut();
    };
    ffi_guard!(records error, function; dir: path_arg => {
        // SAFETY: the caller promises a live cancel handle and a
        // NUL-terminated `skip`, or NULL.
        let (cancel, skip) = unsafe { (handle(cancel).map(checksig_cancel::token), path_arg(skip)) };
        manifest_text(dir, algorithm, threads, skip, cancel)
    })
    .map_or(std::ptr::null_mut(), |text| malloc_string(&text))
}

fn manifest_text(
    dir: &Path,
    algorithm: Algorithm,
    threads: usize,
    skip: Option<&Path>,
    cancel: Option<&CancelToken>,
) -> Result<Vec<u8>, Failure> {
    let listed = match cancel {
        Some(cancel) => create::list_dir_cancellable(dir, algorithm, threads, skip, cancel),
        None => create::list_dir(dir, algorithm, threads, skip).map_err(CreateError::from),
    };
    let listing = listed.map_err(|e| match e {
        CreateError::List(e) => {
            let shown = String::from_utf8_lossy(go_style::path_bytes(&e.path)).into_owned();
            let reason = go_style::os_error_text(&e.source);
            Failure::with_os_error(
                CHECKSIG_ERROR_IO,
                &e.source,
                format!("open {shown}: {reason}"),
            )
        }
        CreateError::Cancelled => {
            Failure::new(CHECKSIG_ERROR_CANCELLED, "manifest creation cancelled")
        }
        e => Failure::new(CHECKSIG_ERROR_OTHER, e.to_string()),
    })?;
    let mut text = Vec::new();
    for file in listing {
        let entry = file.entry();
        let line = match (entry, file.digest) {
            (Some(entry), _) => checksig::manifest::format_line(&entry),
            (None, Err(e)) => {
                let path = dir.join(std::ffi::OsStr::from_bytes(&file.name));
                return Err(hash_failure(&path, e));
            }
            (None, Ok(_)) => unreachable!("a digest makes an entry"),
        };
        // A listed name is never empty and never holds a NUL byte.
        text.extend(line.map_err(|e| Failure::new(CHECKSIG_ERROR_OTHER, e.to_string()))?);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithm::CHECKSIG_ALGORITHM_MD5;
    use crate::c_string::checksig_free;
    use crate::error::CHECKSIG_ERROR_INVALID_ARGUMENT;
    use std::ffi::{CStr, CString};
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn creates_gnu_manifests() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/b"), b"abc").unwrap();
        std::fs::write(dir.path().join("a\nz"), b"").unwrap();
        let c_dir = CString::new(dir.path().as_os_str().as_bytes()).unwrap();
        // SAFETY: NUL-terminated arguments; the result is freed once.
        unsafe {
            let text = checksig_create_manifest(
                c_dir.as_ptr(),
                CHECKSIG_ALGORITHM_MD5,
                2,
                std::ptr::null(),
                std::ptr::null_mut(),
            );
            assert!(!text.is_null());
            assert_eq!(
                CStr::from_ptr(text).to_str().unwrap(),
                "\\d41d8cd98f00b204e9800998ecf8427e  a\\nz\n\
                 900150983cd24fb0d6963f7d28e17f72  sub/b\n"
            );
            checksig_free(text);
            let error = crate::error::checksig_error_new();
            assert!(
                checksig_create_manifest(c_dir.as_ptr(), 0, 0, std::ptr::null(), error).is_null()
            );
            assert_eq!(
                crate::error::checksig_error_kind(error),
                CHECKSIG_ERROR_INVALID_ARGUMENT
            );
            assert!(
                checksig_create_manifest(std::ptr::null(), 1, 0, std::ptr::null(), error).is_null()
            );
            let missing = CString::new(dir.path().join("missing").as_os_str().as_bytes()).unwrap();
            assert!(
                checksig_create_manifest(missing.as_ptr(), 1, 0, std::ptr::null(), error).is_null()
            );
            assert_eq!(crate::error::checksig_error_kind(error), CHECKSIG_ERROR_IO);
            crate::error::checksig_error_free(error);
        }
    }

    #[test]
    fn create_manifest_skips_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), b"abc").unwrap();
        std::fs::write(dir.path().join("SHA1SUMS"), b"stale").unwrap();
        let c_dir = CString::new(dir.path().as_os_str().as_bytes()).unwrap();
        let skip = CString::new(dir.path().join("SHA1SUMS").as_os_str().as_bytes()).unwrap();
        let absent = CString::new(dir.path().join("none").as_os_str().as_bytes()).unwrap();
        let a_line = "a9993e364706816aba3e25717850c26c9cd0d89d  a\n";
        // SAFETY: NUL-terminated arguments; each result is freed once.
        unsafe {
            for (skip, want) in [
                (skip.as_ptr(), a_line.to_string()),
                (
                    absent.as_ptr(),
                    format!(
                        "{}  SHA1SUMS\n{a_line}",
                        checksig::hash_bytes(Algorithm::Sha1, b"stale")
                    ),
                ),
                (
                    std::ptr::null(),
                    format!(
                        "{}  SHA1SUMS\n{a_line}",
                        checksig::hash_bytes(Algorithm::Sha1, b"stale")
                    ),
                ),
            ] {
                let text =
                    checksig_create_manifest(c_dir.as_ptr(), 1, 1, skip, std::ptr::null_mut());
                assert_eq!(CStr::from_ptr(text).to_str().unwrap(), want);
                checksig_free(text);
            }
        }
    }

    #[test]
    fn a_triggered_cancel_handle_stops_hashing_and_creation() {
        use crate::cancel::{checksig_cancel_free, checksig_cancel_new, checksig_cancel_trigger};
        use crate::error::{checksig_error_free, checksig_error_kind, checksig_error_new};
        use crate::hashing::{
            checksig_hash_files_cancellable, checksig_hashes_digest, checksig_hashes_free,
        };
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), b"abc").unwrap();
        let c_dir = CString::new(dir.path().as_os_str().as_bytes()).unwrap();
        let c_file = CString::new(dir.path().join("a").as_os_str().as_bytes()).unwrap();
        let files = [c_file.as_ptr()];
        let message = |error| {
            // SAFETY: a live error object; the message is copied at once.
            unsafe { CStr::from_ptr(crate::error::checksig_error_message(error)) }
                .to_str()
                .unwrap()
                .to_owned()
        };
        // SAFETY: NUL-terminated arguments and live handles, each freed once.
        unsafe {
            let error = checksig_error_new();
            let cancel = checksig_cancel_new();
            // Not triggered, or no handle at all: as the plain functions.
            for handle in [cancel.cast_const(), std::ptr::null()] {
                let text = checksig_create_manifest_cancellable(
                    c_dir.as_ptr(),
                    1,
                    2,
                    std::ptr::null(),
                    handle,
                    error,
                );
                assert_eq!(
                    CStr::from_ptr(text).to_str().unwrap(),
                    "a9993e364706816aba3e25717850c26c9cd0d89d  a\n"
                );
                checksig_free(text);
                let hashes =
                    checksig_hash_files_cancellable(files.as_ptr(), 1, 1, 2, handle, error);
                assert_eq!(
                    CStr::from_ptr(checksig_hashes_digest(hashes, 0, error)).to_str(),
                    Ok("a9993e364706816aba3e25717850c26c9cd0d89d")
                );
                checksig_hashes_free(hashes);
            }

            checksig_cancel_trigger(cancel);
            let text = checksig_create_manifest_cancellable(
                c_dir.as_ptr(),
                1,
                2,
                std::ptr::null(),
                cancel,
                error,
            );
            assert!(text.is_null());
            assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_CANCELLED);
            assert_eq!(message(error), "manifest creation cancelled");
            let hashes = checksig_hash_files_cancellable(files.as_ptr(), 1, 1, 2, cancel, error);
            assert!(hashes.is_null());
            assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_CANCELLED);
            assert_eq!(message(error), "hashing cancelled");
            // Bad arguments are named with the function called.
            assert!(
                checksig_hash_files_cancellable(std::ptr::null(), 1, 1, 0, cancel, error).is_null()
            );
            assert_eq!(
                message(error),
                "checksig_hash_files_cancellable: paths is NULL"
            );
            assert!(checksig_create_manifest_cancellable(
                std::ptr::null(),
                1,
                0,
                std::ptr::null(),
                cancel,
                error
            )
            .is_null());
            assert_eq!(
                message(error),
                "checksig_create_manifest_cancellable: dir is NULL"
            );
            checksig_cancel_free(cancel);
            checksig_error_free(error);
        }
    }
}
