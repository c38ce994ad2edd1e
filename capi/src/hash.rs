//! Hashing one file, as verification reads it.

use std::ffi::c_char;

use checksig::{hash_file, Algorithm, HashFileError};

use crate::boundary::path_arg;
use crate::c_string::malloc_string;
use crate::error::{
    checksig_error, run, Failure, CHECKSIG_ERROR_CHANGED, CHECKSIG_ERROR_IO,
    CHECKSIG_ERROR_NOT_REGULAR, CHECKSIG_ERROR_OTHER,
};
use crate::go_style;

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
            let shown = String::from_utf8_lossy(go_style::path_bytes(path)).into_owned();
            match hash_file(Algorithm::Sha1, path) {
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
        })
    };
    hex.map_or(std::ptr::null_mut(), |hex| malloc_string(hex.as_bytes()))
}
