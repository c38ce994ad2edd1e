//! Hashing files as verification reads them, and making manifests.

use std::ffi::c_char;

use std::os::unix::ffi::OsStrExt;

use checksig::{hash_file, Algorithm, HashFileError};

use crate::boundary::path_arg;
use crate::c_string::malloc_string;
use crate::error::{
    checksig_error, run, Failure, CHECKSIG_ERROR_CHANGED, CHECKSIG_ERROR_INVALID_ARGUMENT,
    CHECKSIG_ERROR_IO, CHECKSIG_ERROR_NOT_REGULAR, CHECKSIG_ERROR_OTHER,
};
use crate::go_style;

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
/// them. Files are hashed on `threads` threads (0: one per CPU). Returns NULL
/// on failure: NULL `dir` or unknown algorithm (`CHECKSIG_ERROR_INVALID_ARGUMENT`),
/// `dir` or a directory under it that cannot be listed, or a file that cannot
/// be hashed (`CHECKSIG_ERROR_IO`, `_NOT_REGULAR` or `_CHANGED`, naming the file).
///
/// Ownership: the NUL-terminated text is allocated with `malloc`; free it
/// with `checksig_free`.
///
/// # Safety
/// `dir` is NULL or NUL-terminated; `error` is NULL or a live error object
/// not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_create_manifest(
    dir: *const c_char,
    algorithm: u32,
    threads: usize,
    error: *mut checksig_error,
) -> *mut c_char {
    // SAFETY: the caller promises valid pointers or NULL.
    let text = unsafe {
        run(error, || {
            let algorithm = concrete_algorithm("checksig_create_manifest", algorithm)?;
            let dir = path_arg(dir)
                .ok_or_else(|| Failure::null_argument("checksig_create_manifest", "dir"))?;
            manifest_text(dir, algorithm, threads)
        })
    };
    text.map_or(std::ptr::null_mut(), |text| malloc_string(&text))
}

fn manifest_text(
    dir: &std::path::Path,
    algorithm: Algorithm,
    threads: usize,
) -> Result<Vec<u8>, Failure> {
    let listing = checksig::create::list_dir(dir, algorithm, threads, None).map_err(|e| {
        let shown = String::from_utf8_lossy(go_style::path_bytes(&e.path)).into_owned();
        let reason = go_style::os_error_text(&e.source);
        Failure::with_os_error(
            CHECKSIG_ERROR_IO,
            &e.source,
            format!("open {shown}: {reason}"),
        )
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

fn hash_hex(path: &std::path::Path, algorithm: Algorithm) -> Result<String, Failure> {
    hash_file(algorithm, path)
        .map(|digest| digest.to_hex())
        .map_err(|e| hash_failure(path, e))
}

fn hash_failure(path: &std::path::Path, error: HashFileError) -> Failure {
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
            assert!(checksig_create_manifest(c_dir.as_ptr(), 0, 0, error).is_null());
            assert_eq!(
                crate::error::checksig_error_kind(error),
                CHECKSIG_ERROR_INVALID_ARGUMENT
            );
            assert!(checksig_create_manifest(std::ptr::null(), 1, 0, error).is_null());
            let missing = CString::new(dir.path().join("missing").as_os_str().as_bytes()).unwrap();
            assert!(checksig_create_manifest(missing.as_ptr(), 1, 0, error).is_null());
            assert_eq!(crate::error::checksig_error_kind(error), CHECKSIG_ERROR_IO);
            crate::error::checksig_error_free(error);
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
