//! Strings handed to C: owned ones come from `malloc`, so that both
//! [`checksig_free`] and the C library's own `free` release them.

use std::ffi::{c_char, CString};

use crate::boundary::ffi_guard;

/// Copies `bytes` into a new NUL-terminated string from the C allocator.
/// Interior NUL bytes (never produced by this library's messages) become
/// U+FFFD so that the C string is not silently cut short.
/// NULL only when the allocator is out of memory.
pub(crate) fn malloc_string(bytes: &[u8]) -> *mut c_char {
    let bytes = without_nul(bytes);
    // SAFETY: malloc may be called with any size; the result is checked.
    let ptr = unsafe { libc::malloc(bytes.len() + 1) }.cast::<u8>();
    if ptr.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: `ptr` has room for len + 1 bytes and cannot overlap `bytes`.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr, bytes.len());
        *ptr.add(bytes.len()) = 0;
    }
    ptr.cast()
}

/// A `CString` for strings that C borrows from a handle (see [`malloc_string`]
/// for the NUL rule).
pub(crate) fn owned_c_string(bytes: &[u8]) -> CString {
    CString::new(without_nul(bytes).into_owned()).expect("NUL bytes were replaced")
}

fn without_nul(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if bytes.contains(&0) {
        let replaced = bytes
            .split(|&b| b == 0)
            .collect::<Vec<_>>()
            .join("\u{FFFD}".as_bytes());
        std::borrow::Cow::Owned(replaced)
    } else {
        std::borrow::Cow::Borrowed(bytes)
    }
}

/// Frees a string returned by this library (by `verify`, `checksig_hash_file`
/// and every other function documented as returning an owned string).
/// NULL is a no-op. Such strings come from `malloc`, so the C library's
/// `free` works as well.
///
/// Never pass a borrowed `const char *` (such as `checksig_version()` or a
/// report's accessors) to this function.
///
/// # Safety
/// `string` is NULL or an owned string returned by this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn checksig_free(string: *mut c_char) {
    // SAFETY: the caller promises a malloc'ed string from this library or NULL,
    // and free(NULL) is a no-op.
    ffi_guard!(or (); => unsafe { libc::free(string.cast()) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn malloc_string_round_trips() {
        let ptr = malloc_string("\"/tmp/é\" - mismatch".as_bytes());
        // SAFETY: malloc_string returns a NUL-terminated string or NULL.
        let text = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned();
        // SAFETY: owned by us, freed once.
        unsafe { checksig_free(ptr) };
        assert_eq!(text, "\"/tmp/é\" - mismatch");
    }

    #[test]
    fn interior_nul_is_replaced() {
        assert_eq!(owned_c_string(b"a\0b").to_str().unwrap(), "a\u{FFFD}b");
        let ptr = malloc_string(b"\0");
        // SAFETY: as above.
        let text = unsafe { CStr::from_ptr(ptr) }.to_bytes().to_vec();
        // SAFETY: owned by us, freed once.
        unsafe { checksig_free(ptr) };
        assert_eq!(text, "\u{FFFD}".as_bytes());
    }

    #[test]
    fn free_null_is_a_no_op() {
        // SAFETY: NULL is allowed.
        unsafe { checksig_free(std::ptr::null_mut()) };
    }
}
