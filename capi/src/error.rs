//! Error objects, in the manner of regex-capi: the caller creates one, passes
//! it to calls that can fail, and reads its kind and message afterwards.

use std::ffi::{c_char, CString};
use std::io;

use crate::boundary::{ffi_guard, free_handle, Outcome, Refusal};
use crate::c_string::owned_c_string;

/// No error: the last call given this object succeeded.
pub const CHECKSIG_ERROR_NONE: u32 = 0;
/// A required pointer was NULL, or an argument was out of range.
pub const CHECKSIG_ERROR_INVALID_ARGUMENT: u32 = 1;
/// The root directory could not be opened.
pub const CHECKSIG_ERROR_OPEN_ROOT: u32 = 2;
/// The manifest could not be read.
pub const CHECKSIG_ERROR_READ_MANIFEST: u32 = 3;
/// The verification was cancelled (by a cancel handle or the progress callback).
pub const CHECKSIG_ERROR_CANCELLED: u32 = 4;
/// A file could not be opened or read (`checksig_hash_file`).
pub const CHECKSIG_ERROR_IO: u32 = 5;
/// The path is a directory, FIFO, device or socket (`checksig_hash_file`).
pub const CHECKSIG_ERROR_NOT_REGULAR: u32 = 6;
/// The file changed size while it was read (`checksig_hash_file`).
pub const CHECKSIG_ERROR_CHANGED: u32 = 7;
/// A bug in the library: a panic was caught at the boundary.
pub const CHECKSIG_ERROR_PANIC: u32 = 8;
/// Any other error.
pub const CHECKSIG_ERROR_OTHER: u32 = 9;
/// Trusted keys were given and the manifest's signature is missing, invalid,
/// made by another key, or not over the manifest: nothing was verified.
pub const CHECKSIG_ERROR_SIGNATURE: u32 = 10;
/// A key file could not be read or holds no usable public key
/// (`checksig_options_add_key_file`).
pub const CHECKSIG_ERROR_KEY: u32 = 11;

/// An error: a kind (`CHECKSIG_ERROR_*`), an OS error number when the OS
/// reported it, and a UTF-8 message. Create with `checksig_error_new`, free
/// with `checksig_error_free`. Use one error object per thread.
pub struct checksig_error {
    kind: u32,
    os_error: i32,
    message: CString,
}

/// What a failed call reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Failure {
    pub kind: u32,
    pub os_error: i32,
    pub message: String,
}

impl Failure {
    pub fn new(kind: u32, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            os_error: 0,
            message: message.into(),
        }
    }

    pub fn with_os_error(kind: u32, error: &io::Error, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            os_error: error.raw_os_error().unwrap_or(0),
            message: message.into(),
        }
    }

    pub fn null_argument(function: &str, argument: &str) -> Failure {
        Failure::from(Refusal::null(function, argument))
    }
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Failure {
        match refusal {
            Refusal::Null { function, argument } => Failure::new(
                CHECKSIG_ERROR_INVALID_ARGUMENT,
                format!("{function}: {argument} is NULL"),
            ),
            Refusal::Panic(message) => Failure::new(CHECKSIG_ERROR_PANIC, message),
        }
    }
}

impl Outcome for *mut checksig_error {
    type Failure = Failure;

    unsafe fn record<T>(self, result: Result<T, Failure>) -> Option<T> {
        // SAFETY: passed on from our caller.
        unsafe { record(self, result) }
    }
}

/// Records the outcome of a call in the caller's error object, if it gave one:
/// the failure, or `CHECKSIG_ERROR_NONE` on success.
///
/// # Safety
/// `error` is NULL or a live error object not used by another thread.
pub(crate) unsafe fn record<T>(
    error: *mut checksig_error,
    result: Result<T, Failure>,
) -> Option<T> {
    // SAFETY: the caller promises a live, unshared error object or NULL.
    let slot = unsafe { error.as_mut() };
    match result {
        Ok(value) => {
            if let Some(slot) = slot {
                slot.kind = CHECKSIG_ERROR_NONE;
                slot.os_error = 0;
                slot.message = CString::default();
            }
            Some(value)
        }
        Err(failure) => {
            if let Some(slot) = slot {
                slot.kind = failure.kind;
                slot.os_error = failure.os_error;
                slot.message = owned_c_string(failure.message.as_bytes());
            }
            None
        }
    }
}

/// A new error object, of kind `CHECKSIG_ERROR_NONE`; NULL only when out of memory.
/// Free it with `checksig_error_free`.
#[no_mangle]
pub extern "C" fn checksig_error_new() -> *mut checksig_error {
    ffi_guard!(or std::ptr::null_mut(); => {
        Box::into_raw(Box::new(checksig_error {
            kind: CHECKSIG_ERROR_NONE,
            os_error: 0,
            message: CString::default(),
        }))
    })
}

/// Frees an error object; NULL is a no-op.
///
/// # Safety
/// `error` is NULL or from `checksig_error_new`, and not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn checksig_error_free(error: *mut checksig_error) {
    // SAFETY: the caller promises a handle from checksig_error_new or NULL.
    ffi_guard!(or (); => unsafe { free_handle(error) })
}

/// The error's kind, one of `CHECKSIG_ERROR_*` (`CHECKSIG_ERROR_INVALID_ARGUMENT` for NULL).
///
/// # Safety
/// `error` is NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn checksig_error_kind(error: *const checksig_error) -> u32 {
    if error.is_null() {
        return CHECKSIG_ERROR_INVALID_ARGUMENT;
    }
    ffi_guard!(or CHECKSIG_ERROR_PANIC; error: handle => error.kind)
}

/// The OS error number (`errno`) behind the error, or 0 when there is none.
///
/// # Safety
/// `error` is NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn checksig_error_os_error(error: *const checksig_error) -> i32 {
    ffi_guard!(or 0; error: handle => error.os_error)
}

/// The error's message, UTF-8 and NUL-terminated; "" when the kind is
/// `CHECKSIG_ERROR_NONE`. Borrowed: valid until the error object is passed to
/// another call or freed; never pass it to `checksig_free`. NULL for a NULL
/// error object.
///
/// # Safety
/// `error` is NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn checksig_error_message(error: *const checksig_error) -> *const c_char {
    ffi_guard!(or std::ptr::null(); error: handle => error.message.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn records_failure_then_success() {
        let error = checksig_error_new();
        // SAFETY: a live error object, used on this thread only, freed once.
        unsafe {
            assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_NONE);
            let enoent = io::Error::from_raw_os_error(libc::ENOENT);
            let failure = Failure::with_os_error(CHECKSIG_ERROR_IO, &enoent, "open x: gone");
            assert_eq!(record::<()>(error, Err(failure)), None);
            assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_IO);
            assert_eq!(checksig_error_os_error(error), libc::ENOENT);
            let message = CStr::from_ptr(checksig_error_message(error));
            assert_eq!(message.to_str().unwrap(), "open x: gone");
            assert_eq!(record(error, Ok(3)), Some(3));
            assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_NONE);
            assert_eq!(
                CStr::from_ptr(checksig_error_message(error)).to_bytes(),
                b""
            );
            checksig_error_free(error);
        }
    }

    #[test]
    fn panics_are_recorded() {
        let error = checksig_error_new();
        // SAFETY: as above.
        unsafe {
            let got: Option<()> = crate::boundary::run(error, || panic!("bug"));
            assert_eq!(got, None);
            assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_PANIC);
            checksig_error_free(error);
        }
    }

    #[test]
    fn null_error_objects_are_tolerated() {
        // SAFETY: NULL is allowed everywhere.
        unsafe {
            assert_eq!(
                record::<()>(std::ptr::null_mut(), Err(Failure::new(1, "x"))),
                None
            );
            assert_eq!(
                checksig_error_kind(std::ptr::null()),
                CHECKSIG_ERROR_INVALID_ARGUMENT
            );
            assert_eq!(checksig_error_os_error(std::ptr::null()), 0);
            assert!(checksig_error_message(std::ptr::null()).is_null());
            checksig_error_free(std::ptr::null_mut());
        }
    }
}
