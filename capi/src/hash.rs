//! Hashing files as verification reads them, and making manifests.

use std::ffi::{c_char, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use checksig::create::{self, CreateError};
use checksig::manifest::{Entry, Style};
use checksig::{hash_file, Algorithm, CancelToken, Digest, HashFileError};

use crate::boundary::{catch, free_handle, handle, path_arg};
use crate::c_string::{malloc_string, owned_c_string};
use crate::error::{
    checksig_error, run, Failure, CHECKSIG_ERROR_CANCELLED, CHECKSIG_ERROR_CHANGED,
    CHECKSIG_ERROR_INVALID_ARGUMENT, CHECKSIG_ERROR_IO, CHECKSIG_ERROR_NOT_REGULAR,
    CHECKSIG_ERROR_OTHER,
};
use crate::go_style;
use crate::options::checksig_cancel;

/// Detect the algorithm (`checksig_options_set_algorithm` only).
pub const CHECKSIG_ALGORITHM_DETECT: u32 = 0;
/// SHA-1 (`sha1sum`).
pub const CHECKSIG_ALGORITHM_SHA1: u32 = 1;
/// SHA-256 (`sha256sum`).
pub const CHECKSIG_ALGORITHM_SHA256: u32 = 2;
/// SHA-512 (`sha512sum`).
pub const CHECKSIG_ALGORITHM_SHA512: u32 = 3;
/// MD5 (`md5sum`).
pub const CHECKSIG_ALGORITHM_MD5: u32 = 4;
/// BLAKE3 (`b3sum`).
pub const CHECKSIG_ALGORITHM_BLAKE3: u32 = 5;

/// `Some(None)` for DETECT, `Some(Some(_))` for an algorithm, `None` if unknown.
pub(crate) fn algorithm_arg(code: u32) -> Option<Option<Algorithm>> {
    Some(Some(match code {
        CHECKSIG_ALGORITHM_DETECT => return Some(None),
        CHECKSIG_ALGORITHM_SHA1 => Algorithm::Sha1,
        CHECKSIG_ALGORITHM_SHA256 => Algorithm::Sha256,
        CHECKSIG_ALGORITHM_SHA512 => Algorithm::Sha512,
        CHECKSIG_ALGORITHM_MD5 => Algorithm::Md5,
        CHECKSIG_ALGORITHM_BLAKE3 => Algorithm::Blake3,
        _ => return None,
    }))
}

/// The algorithm a hashing call names: a known code other than DETECT, or an
/// invalid-argument failure naming the function and the code.
fn concrete_algorithm(function: &str, code: u32) -> Result<Algorithm, Failure> {
    match algorithm_arg(code) {
        Some(Some(algorithm)) => Ok(algorithm),
        _ => Err(Failure::new(
            CHECKSIG_ERROR_INVALID_ARGUMENT,
            format!("{function}: unknown algorithm {code}"),
        )),
    }
}

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
    // SAFETY: the caller promises valid pointers or NULL.
    let hex = unsafe {
        run(error, || {
            let algorithm = concrete_algorithm("checksig_hash_file_algorithm", algorithm)?;
            let path = path_arg(path)
                .ok_or_else(|| Failure::null_argument("checksig_hash_file_algorithm", "path"))?;
            hash_hex(path, algorithm)
        })
    };
    hex.map_or(std::ptr::null_mut(), |hex| malloc_string(hex.as_bytes()))
}

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
    // SAFETY: the caller promises valid pointers or NULL.
    let text = unsafe {
        run(error, || {
            let algorithm = concrete_algorithm(function, algorithm)?;
            let dir = path_arg(dir).ok_or_else(|| Failure::null_argument(function, "dir"))?;
            // SAFETY: a live cancel handle or NULL, as promised.
            let cancel = handle(cancel).map(checksig_cancel::token);
            manifest_text(dir, algorithm, threads, path_arg(skip), cancel)
        })
    };
    text.map_or(std::ptr::null_mut(), |text| malloc_string(&text))
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
    // SAFETY: the caller promises valid pointers or NULL.
    let hashes = unsafe {
        run(error, || {
            let algorithm = concrete_algorithm(function, algorithm)?;
            let paths: &[*const c_char] = match (paths.is_null(), count) {
                (_, 0) => &[],
                (true, _) => return Err(Failure::null_argument(function, "paths")),
                // SAFETY: the caller promises `count` readable pointers.
                (false, _) => std::slice::from_raw_parts(paths, count),
            };
            let paths = paths
                .iter()
                .enumerate()
                // SAFETY: each is NULL or NUL-terminated, as promised.
                .map(|(i, &path)| {
                    path_arg(path)
                        .ok_or_else(|| Failure::null_argument(function, &format!("paths[{i}]")))
                })
                .collect::<Result<Vec<&Path>, Failure>>()?;
            // SAFETY: a live cancel handle or NULL, as promised.
            let digests = match handle(cancel) {
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
    };
    hashes.map_or(std::ptr::null_mut(), Box::into_raw)
}

/// The number of files in `hashes` (the `count` given); 0 for NULL.
///
/// # Safety
/// `hashes` is NULL or a live handle from `checksig_hash_files`.
#[no_mangle]
pub unsafe extern "C" fn checksig_hashes_len(hashes: *const checksig_hashes) -> usize {
    // SAFETY: the caller promises a live handle or NULL.
    catch(
        |_| 0,
        || unsafe { handle(hashes) }.map_or(0, |h| h.files.len()),
    )
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
    // SAFETY: the caller promises a live handle and error object, or NULL.
    let hex = unsafe {
        run(error, || {
            let hashes =
                handle(hashes).ok_or_else(|| Failure::null_argument(FUNCTION, "hashes"))?;
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
    };
    hex.unwrap_or(std::ptr::null())
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
    catch(
        |_| std::ptr::null(),
        // SAFETY: the caller promises a live handle or NULL.
        || match unsafe { handle(hashes) }.and_then(|h| h.files.get(index)) {
            Some(Ok(hashed)) if tagged => hashed.tagged_line.as_ptr(),
            Some(Ok(hashed)) => hashed.text_line.as_ptr(),
            _ => std::ptr::null(),
        },
    )
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
    catch(|_| (), || unsafe { free_handle(hashes) })
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
    // SAFETY: the caller promises valid pointers or NULL.
    let hex = unsafe {
        run(error, || {
            let path = path_arg(path)
                .ok_or_else(|| Failure::null_argument("checksig_hash_file", "path"))?;
            hash_hex(path, Algorithm::Sha1)
        })
    };
    hex.map_or(std::ptr::null_mut(), |hex| malloc_string(hex.as_bytes()))
}

fn hash_hex(path: &Path, algorithm: Algorithm) -> Result<String, Failure> {
    hash_file(algorithm, path)
        .map(|digest| digest.to_hex())
        .map_err(|e| hash_failure(path, e))
}

fn hash_failure(path: &Path, error: HashFileError) -> Failure {
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
    use crate::c_string::checksig_free;
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
    fn a_triggered_cancel_handle_stops_hashing_and_creation() {
        use crate::error::{checksig_error_free, checksig_error_kind, checksig_error_new};
        use crate::options::{checksig_cancel_free, checksig_cancel_new, checksig_cancel_trigger};
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

    #[test]
    fn every_algorithm_by_code() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").unwrap();
        let c_path = CString::new(path.as_os_str().as_bytes()).unwrap();
        for code in 1..=5 {
            let algorithm = algorithm_arg(code).unwrap().unwrap();
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
                checksig_hash_file_algorithm(c_path.as_ptr(), 6, std::ptr::null_mut()).is_null()
            );
            assert!(
                checksig_hash_file_algorithm(std::ptr::null(), 1, std::ptr::null_mut()).is_null()
            );
        }
    }
}
