//! Hashing one file, as verification reads it.

use std::ffi::c_char;

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
            let Some(Some(algorithm)) = algorithm_arg(algorithm) else {
                return Err(Failure::new(
                    CHECKSIG_ERROR_INVALID_ARGUMENT,
                    format!("checksig_hash_file_algorithm: unknown algorithm {algorithm}"),
                ));
            };
            let path = path_arg(path)
                .ok_or_else(|| Failure::null_argument("checksig_hash_file_algorithm", "path"))?;
            hash_hex(path, algorithm)
        })
    };
    hex.map_or(std::ptr::null_mut(), |hex| malloc_string(hex.as_bytes()))
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
    let shown = String::from_utf8_lossy(go_style::path_bytes(path)).into_owned();
    match hash_file(algorithm, path) {
        Ok(digest) => Ok(digest.to_hex()),
        Err(HashFileError::Io(e)) => Err(Failure::with_os_error(
            CHECKSIG_ERROR_IO,
            &e,
            format!("open {shown}: {}", go_style::os_error_text(&e)),
        )),
        Err(e @ HashFileError::NotRegular(_)) => Err(Failure::new(
            CHECKSIG_ERROR_NOT_REGULAR,
            format!("{shown}: {e}"),
        )),
        Err(e @ HashFileError::Changed) => Err(Failure::new(
            CHECKSIG_ERROR_CHANGED,
            format!("{shown}: {e}"),
        )),
        Err(e) => Err(Failure::new(CHECKSIG_ERROR_OTHER, format!("{shown}: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::c_string::checksig_free;
    use std::ffi::{CStr, CString};
    use std::os::unix::ffi::OsStrExt;

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
