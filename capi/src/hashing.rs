//! Hashing files as verification reads them: one file, or many in parallel.

use std::ffi::{c_char, CString};
use std::path::Path;

use checksig::create;
use checksig::manifest::{Entry, Style};
use checksig::{hash_file, Algorithm, Digest, HashFileError};

use crate::algorithm::concrete_algorithm;
use crate::boundary::{ffi_guard, free_handle, handle, path_arg};
use crate::c_string::{malloc_string, owned_c_string};
use crate::cancel::checksig_cancel;
use crate::error::{
    checksig_error, Failure, CHECKSIG_ERROR_CANCELLED, CHECKSIG_ERROR_CHANGED,
    CHECKSIG_ERROR_INVALID_ARGUMENT, CHECKSIG_ERROR_IO, CHECKSIG_ERROR_NOT_REGULAR,
    CHECKSIG_ERROR_OTHER,
};
use crate::go_style;

/// The digest of the regular file at `path` in `algorithm` (one of
/// `CHECKSIG_ALGORITHM_*`, not DETECT), as lowercase hex digits (as
/// `sha256sum` and the others print them). Returns NULL on failure, as
/// `checksig_hash_file` does, and for an unknown algorithm
/// (`CHECKSIG_ERROR_INVALID_ARGUMENT`).
///
/// Ownership: the string is allocated with `malloc`; free it with
/// `checksig_free` (or the C library's `free`).
///
/// # Safety
/// `path` is NULL or NUL-terminated; `error` is NULL or a live error object
/// not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_hash_file_algorithm(
    path: *const c_char,
    algorithm: u32,
    error: *mut checksig_error,
) -> *mut c_char {
    const FUNCTION: &str = "checksig_hash_file_algorithm";
    // An unknown algorithm is reported before a NULL path (as it always was).
    let algorithm = ffi_guard!(records error, FUNCTION; => concrete_algorithm(FUNCTION, algorithm));
    let Some(algorithm) = algorithm else {
        return std::ptr::null_mut();
    };
    ffi_guard!(records error, FUNCTION; path: path_arg => hash_hex(path, algorithm))
        .map_or(std::ptr::null_mut(), |hex| malloc_string(hex.as_bytes()))
}

/// The digests of many files, hashed in parallel by `checksig_hash_files`:
/// per file, its digest and the line `sha256sum` (or the algorithm's own
/// tool) would print for it, or why it could not be hashed. Free with
/// `checksig_hashes_free`. Immutable: any number of threads may read it at
/// once. Every string it returns is borrowed and valid until it is freed.
pub struct checksig_hashes {
    files: Vec<Result<Hashed, Failure>>,
}

/// One file's digest, as hex and as the lines GNU's tools print.
struct Hashed {
    hex: CString,
    text_line: CString,
    tagged_line: CString,
}

impl Hashed {
    fn new(name: &[u8], digest: Digest) -> Result<Hashed, Failure> {
        let line = |style| {
            let entry = Entry {
                line: 0,
                name: name.to_vec(),
                digest,
                style,
            };
            checksig::manifest::format_line(&entry)
                .map(|line| owned_c_string(&line))
                .map_err(|e| Failure::new(CHECKSIG_ERROR_OTHER, e.to_string()))
        };
        Ok(Hashed {
            hex: owned_c_string(digest.to_hex().as_bytes()),
            text_line: line(Style::Text)?,
            tagged_line: line(Style::Tagged)?,
        })
    }
}

/// Hashes the `count` regular files `paths` (each any bytes but NUL) in
/// `algorithm` (one of `CHECKSIG_ALGORITHM_*`, not DETECT), on at most
/// `threads` threads (0: one per CPU) that end before this returns, each
/// file read as `checksig_hash_file` reads it: what `checksig hash FILE...`
/// does. One file's failure does not stop the others: read each file's
/// outcome with `checksig_hashes_digest` and `checksig_hashes_line`.
///
/// Returns NULL only when the call itself is wrong (the reason in `error`, if
/// not NULL): unknown algorithm, or `paths` or one of its first `count`
/// pointers NULL (`CHECKSIG_ERROR_INVALID_ARGUMENT`). `paths` may be NULL
/// when `count` is 0. Free the result with `checksig_hashes_free`.
/// `checksig_hash_files_cancellable` can be stopped from another thread.
///
/// ```c
/// const char *files[] = {"a.iso", "b.iso"};
/// checksig_hashes *hashes = checksig_hash_files(files, 2, CHECKSIG_ALGORITHM_SHA256, 0, error);
/// for (size_t i = 0; i < checksig_hashes_len(hashes); i++) {
///     const char *line = checksig_hashes_line(hashes, i, false);
///     if (line != NULL) fputs(line, stdout);   /* as sha256sum prints it */
///     else if (checksig_hashes_digest(hashes, i, error) == NULL)
///         fprintf(stderr, "%s\n", checksig_error_message(error));
/// }
/// checksig_hashes_free(hashes);
/// ```
///
/// # Safety
/// `paths` is NULL or points to `count` pointers, each NULL or
/// NUL-terminated; `error` is NULL or a live error object not used by
/// another thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_hash_files(
    paths: *const *const c_char,
    count: usize,
    algorithm: u32,
    threads: usize,
    error: *mut checksig_error,
) -> *mut checksig_hashes {
    // SAFETY: passed on from our caller, with no cancel handle.
    unsafe {
        hash_files(
            "checksig_hash_files",
            paths,
            count,
            algorithm,
            threads,
            std::ptr::null(),
            error,
        )
    }
}

/// `checksig_hash_files`, stopped by `cancel` (if not NULL) from any thread:
/// once `checksig_cancel_trigger(cancel)` is called, no thread starts another
/// file and a file being hashed stops within a few MiB; the call then returns
/// NULL with `CHECKSIG_ERROR_CANCELLED` ("hashing cancelled"), never the
/// digests of some files. A NULL `cancel` makes it `checksig_hash_files`. A
/// handle already triggered fails at once.
///
/// ```c
/// checksig_cancel *cancel = checksig_cancel_new();   /* triggered by another thread on Ctrl-C */
/// checksig_hashes *hashes = checksig_hash_files_cancellable(files, 2, CHECKSIG_ALGORITHM_SHA256,
///                                                           0, cancel, error);
/// if (hashes == NULL && checksig_error_kind(error) == CHECKSIG_ERROR_CANCELLED) { /* stopped */ }
/// checksig_hashes_free(hashes);
/// checksig_cancel_free(cancel);   /* once no thread can still trigger it */
/// ```
///
/// # Safety
/// As `checksig_hash_files`; `cancel` is NULL or a live cancel handle, not
/// freed before this returns.
#[no_mangle]
pub unsafe extern "C" fn checksig_hash_files_cancellable(
    paths: *const *const c_char,
    count: usize,
    algorithm: u32,
    threads: usize,
    cancel: *const checksig_cancel,
    error: *mut checksig_error,
) -> *mut checksig_hashes {
    // SAFETY: passed on from our caller.
    unsafe {
        hash_files(
            "checksig_hash_files_cancellable",
            paths,
            count,
            algorithm,
            threads,
            cancel,
            error,
        )
    }
}

/// Both many-file hashing entry points, `function` naming the one called.
///
/// # Safety
/// As `checksig_hash_files_cancellable`.
unsafe fn hash_files(
    function: &str,
    paths: *const *const c_char,
    count: usize,
    algorithm: u32,
    threads: usize,
    cancel: *const checksig_cancel,
    error: *mut checksig_error,
) -> *mut checksig_hashes {
    ffi_guard!(records error, function; => {
            let algorithm = concrete_algorithm(function, algorithm)?;
            let paths: &[*const c_char] = match (paths.is_null(), count) {
                (_, 0) => &[],
                (true, _) => return Err(Failure::null_argument(function, "paths")),
                // SAFETY: the caller promises `count` readable pointers.
                (false, _) => unsafe { std::slice::from_raw_parts(paths, count) },
            };
            let paths = paths
                .iter()
                .enumerate()
                .map(|(i, &path)| {
                    // SAFETY: each is NULL or NUL-terminated, as promised.
                    unsafe { path_arg(path) }
                        .ok_or_else(|| Failure::null_argument(function, &format!("paths[{i}]")))
                })
                .collect::<Result<Vec<&Path>, Failure>>()?;
            // SAFETY: a live cancel handle or NULL, as promised.
            let digests = match unsafe { handle(cancel) } {
                Some(cancel) => {
                    create::hash_files_cancellable(&paths, algorithm, threads, cancel.token())
                        .map_err(|_| Failure::new(CHECKSIG_ERROR_CANCELLED, "hashing cancelled"))?
                }
                None => create::hash_files(&paths, algorithm, threads),
            };
            let files = digests
                .into_iter()
                .zip(&paths)
                .map(|(digest, path)| match digest {
                    Ok(digest) => Hashed::new(go_style::path_bytes(path), digest),
                    Err(e) => Err(hash_failure(path, e)),
                })
                .collect();
            Ok(Box::new(checksig_hashes { files }))
    })
    .map_or(std::ptr::null_mut(), Box::into_raw)
}

/// The number of files in `hashes` (the `count` given); 0 for NULL.
///
/// # Safety
/// `hashes` is NULL or a live handle from `checksig_hash_files`.
#[no_mangle]
pub unsafe extern "C" fn checksig_hashes_len(hashes: *const checksig_hashes) -> usize {
    ffi_guard!(or 0; hashes: handle => hashes.files.len())
}

/// File `index`'s digest in lowercase hex, borrowed from `hashes`; or NULL
/// when it could not be hashed, with the reason in `error` (if not NULL) as
/// `checksig_hash_file` reports it (`CHECKSIG_ERROR_IO` with the OS error,
/// `_NOT_REGULAR` or `_CHANGED`, naming the file), or for NULL `hashes` or
/// `index` out of range (`CHECKSIG_ERROR_INVALID_ARGUMENT`). On success
/// `error` is set to `CHECKSIG_ERROR_NONE`.
///
/// # Safety
/// `hashes` is NULL or a live handle from `checksig_hash_files`; `error` is
/// NULL or a live error object not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_hashes_digest(
    hashes: *const checksig_hashes,
    index: usize,
    error: *mut checksig_error,
) -> *const c_char {
    const FUNCTION: &str = "checksig_hashes_digest";
    ffi_guard!(records error, FUNCTION; hashes: handle => {
            match hashes.files.get(index) {
                Some(Ok(hashed)) => Ok(hashed.hex.as_ptr()),
                Some(Err(failure)) => Err(failure.clone()),
                None => Err(Failure::new(
                    CHECKSIG_ERROR_INVALID_ARGUMENT,
                    format!(
                        "{FUNCTION}: index {index} out of range ({} files)",
                        hashes.files.len()
                    ),
                )),
            }
    })
    .unwrap_or(std::ptr::null())
}

/// The line GNU's tool prints for file `index` (`sha256sum FILE`, or
/// `sha256sum --tag FILE` when `tagged`), newline included, byte for byte:
/// the path as given, escaped as GNU escapes names. Borrowed from `hashes`;
/// NULL when the file could not be hashed (see `checksig_hashes_digest`),
/// for NULL `hashes` or `index` out of range.
///
/// # Safety
/// `hashes` is NULL or a live handle from `checksig_hash_files`.
#[no_mangle]
pub unsafe extern "C" fn checksig_hashes_line(
    hashes: *const checksig_hashes,
    index: usize,
    tagged: bool,
) -> *const c_char {
    ffi_guard!(or std::ptr::null(); hashes: handle => match hashes.files.get(index) {
        Some(Ok(hashed)) if tagged => hashed.tagged_line.as_ptr(),
        Some(Ok(hashed)) => hashed.text_line.as_ptr(),
        _ => std::ptr::null(),
    })
}

/// Frees the results of `checksig_hash_files` and every string borrowed
/// from them; NULL is a no-op.
///
/// # Safety
/// `hashes` is NULL or from `checksig_hash_files`, not in use by another
/// thread, and not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn checksig_hashes_free(hashes: *mut checksig_hashes) {
    // SAFETY: the caller promises a handle from checksig_hash_files or NULL.
    ffi_guard!(or (); => unsafe { free_handle(hashes) })
}

/// The SHA-1 digest of the regular file at `path` (any bytes but NUL), as 40
/// lowercase hex digits. Returns NULL on failure (NULL `path`, missing or
/// unreadable file, not a regular file, file changed while read), with the
/// reason in `error` if it is not NULL.
///
/// Ownership: the string is allocated with `malloc`; free it with
/// `checksig_free` (or the C library's `free`).
///
/// # Safety
/// `path` is NULL or NUL-terminated; `error` is NULL or a live error object
/// not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_hash_file(
    path: *const c_char,
    error: *mut checksig_error,
) -> *mut c_char {
    ffi_guard!(records error, "checksig_hash_file"; path: path_arg => hash_hex(path, Algorithm::Sha1))
        .map_or(std::ptr::null_mut(), |hex| malloc_string(hex.as_bytes()))
}

fn hash_hex(path: &Path, algorithm: Algorithm) -> Result<String, Failure> {
    hash_file(algorithm, path)
        .map(|digest| digest.to_hex())
        .map_err(|e| hash_failure(path, e))
}

pub(crate) fn hash_failure(path: &Path, error: HashFileError) -> Failure {
    let shown = String::from_utf8_lossy(go_style::path_bytes(path)).into_owned();
    match error {
        HashFileError::Io(e) => Failure::with_os_error(
            CHECKSIG_ERROR_IO,
            &e,
            format!("open {shown}: {}", go_style::os_error_text(&e)),
        ),
        e @ HashFileError::NotRegular(_) => {
            Failure::new(CHECKSIG_ERROR_NOT_REGULAR, format!("{shown}: {e}"))
        }
        e @ HashFileError::Changed => Failure::new(CHECKSIG_ERROR_CHANGED, format!("{shown}: {e}")),
        e => Failure::new(CHECKSIG_ERROR_OTHER, format!("{shown}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithm::CHECKSIG_ALGORITHM_SHA256;
    use crate::c_string::checksig_free;
    use std::ffi::{CStr, CString};
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn hash_files_in_parallel() {
        let dir = tempfile::tempdir().unwrap();
        let abc = dir.path().join("abc");
        std::fs::write(&abc, b"abc").unwrap();
        std::fs::write(dir.path().join("new\nline"), b"").unwrap();
        let paths: Vec<CString> = [
            abc.clone(),
            dir.path().join("missing"),
            dir.path().to_path_buf(),
            dir.path().join("new\nline"),
        ]
        .iter()
        .map(|p| CString::new(p.as_os_str().as_bytes()).unwrap())
        .collect();
        let pointers: Vec<*const c_char> = paths.iter().map(|p| p.as_ptr()).collect();
        let d = dir.path().to_str().unwrap();
        let text = |ptr: *const c_char| {
            // SAFETY: NULL or a string borrowed from a live handle.
            (!ptr.is_null()).then(|| unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned())
        };
        // SAFETY: `pointers` holds 4 NUL-terminated paths; handles freed once.
        unsafe {
            let error = crate::error::checksig_error_new();
            let hashes =
                checksig_hash_files(pointers.as_ptr(), 4, CHECKSIG_ALGORITHM_SHA256, 2, error);
            assert_eq!(checksig_hashes_len(hashes), 4);
            let abc_hex = checksig::hash_bytes(Algorithm::Sha256, b"abc").to_hex();
            assert_eq!(
                text(checksig_hashes_digest(hashes, 0, error)),
                Some(abc_hex.clone())
            );
            assert_eq!(
                crate::error::checksig_error_kind(error),
                crate::error::CHECKSIG_ERROR_NONE
            );
            assert_eq!(
                text(checksig_hashes_line(hashes, 0, false)),
                Some(format!("{abc_hex}  {d}/abc\n"))
            );
            assert_eq!(
                text(checksig_hashes_line(hashes, 0, true)),
                Some(format!("SHA256 ({d}/abc) = {abc_hex}\n"))
            );

            assert!(checksig_hashes_digest(hashes, 1, error).is_null());
            assert_eq!(crate::error::checksig_error_kind(error), CHECKSIG_ERROR_IO);
            assert_eq!(crate::error::checksig_error_os_error(error), libc::ENOENT);
            assert_eq!(
                text(crate::error::checksig_error_message(error)),
                Some(format!("open {d}/missing: no such file or directory"))
            );
            assert!(checksig_hashes_line(hashes, 1, false).is_null());
            assert!(checksig_hashes_digest(hashes, 2, error).is_null());
            assert_eq!(
                crate::error::checksig_error_kind(error),
                CHECKSIG_ERROR_NOT_REGULAR
            );
            // GNU escapes a name holding a newline, and marks the line with `\`.
            let empty = checksig::hash_bytes(Algorithm::Sha256, b"").to_hex();
            assert_eq!(
                text(checksig_hashes_line(hashes, 3, false)),
                Some(format!("\\{empty}  {d}/new\\nline\n"))
            );

            assert!(checksig_hashes_digest(hashes, 4, error).is_null());
            assert_eq!(
                crate::error::checksig_error_kind(error),
                CHECKSIG_ERROR_INVALID_ARGUMENT
            );
            assert!(checksig_hashes_line(hashes, 4, false).is_null());
            checksig_hashes_free(hashes);

            let none = checksig_hash_files(std::ptr::null(), 0, 1, 0, error);
            assert_eq!(checksig_hashes_len(none), 0);
            checksig_hashes_free(none);
            assert!(checksig_hash_files(std::ptr::null(), 1, 1, 0, error).is_null());
            assert_eq!(
                text(crate::error::checksig_error_message(error)),
                Some("checksig_hash_files: paths is NULL".to_string())
            );
            let with_null = [pointers[0], std::ptr::null()];
            assert!(checksig_hash_files(with_null.as_ptr(), 2, 1, 0, error).is_null());
            assert_eq!(
                text(crate::error::checksig_error_message(error)),
                Some("checksig_hash_files: paths[1] is NULL".to_string())
            );
            assert!(checksig_hash_files(pointers.as_ptr(), 1, 0, 0, error).is_null());
            assert_eq!(
                crate::error::checksig_error_kind(error),
                CHECKSIG_ERROR_INVALID_ARGUMENT
            );
            assert_eq!(checksig_hashes_len(std::ptr::null()), 0);
            assert!(checksig_hashes_digest(std::ptr::null(), 0, error).is_null());
            assert!(checksig_hashes_line(std::ptr::null(), 0, true).is_null());
            checksig_hashes_free(std::ptr::null_mut());
            crate::error::checksig_error_free(error);
        }
    }

    #[test]
    fn every_algorithm_by_code() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").unwrap();
        let c_path = CString::new(path.as_os_str().as_bytes()).unwrap();
        let codes = checksig::Algorithm::ALL.len() as u32;
        for code in 1..=codes {
            let algorithm = crate::algorithm::algorithm_arg(code).unwrap().unwrap();
            // SAFETY: a NUL-terminated path; the result is freed once.
            unsafe {
                let hex = checksig_hash_file_algorithm(c_path.as_ptr(), code, std::ptr::null_mut());
                assert!(!hex.is_null());
                let expected = checksig::hash_bytes(algorithm, b"abc").to_hex();
                assert_eq!(CStr::from_ptr(hex).to_str().unwrap(), expected);
                checksig_free(hex);
            }
        }
        // SAFETY: NULL error; unknown code and NULL path are refused.
        unsafe {
            assert!(
                checksig_hash_file_algorithm(c_path.as_ptr(), 0, std::ptr::null_mut()).is_null()
            );
            assert!(
                checksig_hash_file_algorithm(c_path.as_ptr(), codes + 1, std::ptr::null_mut())
                    .is_null()
            );
            assert!(
                checksig_hash_file_algorithm(std::ptr::null(), 1, std::ptr::null_mut()).is_null()
            );
        }
    }
}
