//! The rules every entry point follows: no panic unwinds into C, and raw
//! pointers from C become references only after a NULL check.

use std::any::Any;
use std::ffi::{c_char, CStr, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

/// Runs `body`; if it panics, returns `on_panic(message)` instead of letting
/// the panic unwind across the C boundary (which is undefined behaviour).
pub(crate) fn catch<T>(on_panic: impl FnOnce(String) -> T, body: impl FnOnce() -> T) -> T {
    // AssertUnwindSafe: after a panic the only state we touch again is what
    // `on_panic` builds from the message; half-updated handles are not reused.
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => on_panic(panic_message(payload.as_ref())),
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    let detail = if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.as_str()
    } else {
        "unknown panic"
    };
    format!("checksig: internal error (panic): {detail}")
}

/// A C path (any bytes but NUL) as a `Path`; `None` for NULL.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn path_arg<'a>(ptr: *const c_char) -> Option<&'a Path> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: non-NULL, and the caller promises a NUL-terminated string.
    let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    Some(Path::new(OsStr::from_bytes(bytes)))
}

/// A shared reference from a C handle; `None` for NULL.
///
/// # Safety
/// `ptr` is NULL or was returned by this library and not yet freed.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T) -> Option<&'a T> {
    // SAFETY: the caller promises a live handle or NULL.
    unsafe { ptr.as_ref() }
}

/// A mutable reference from a C handle; `None` for NULL.
///
/// # Safety
/// `ptr` is NULL or was returned by this library, not yet freed, and not in
/// use by another thread.
pub(crate) unsafe fn handle_mut<'a, T>(ptr: *mut T) -> Option<&'a mut T> {
    // SAFETY: the caller promises a live, unshared handle or NULL.
    unsafe { ptr.as_mut() }
}

/// Frees a handle made by `Box::into_raw`; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or came from `Box::into_raw` in this library and is not used again.
pub(crate) unsafe fn free_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: the caller promises the pointer came from Box::into_raw and
        // is freed only once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_values() {
        let got = catch(|message| message, || -> String { panic!("boom {}", 7) });
        assert_eq!(got, "checksig: internal error (panic): boom 7");
        let got = catch(|message| message, || -> String { panic!("static") });
        assert_eq!(got, "checksig: internal error (panic): static");
        assert_eq!(catch(|_| 0, || 5), 5);
    }

    #[test]
    fn null_arguments_are_none() {
        // SAFETY: NULL is allowed.
        unsafe {
            assert!(path_arg(std::ptr::null()).is_none());
            assert!(handle::<u8>(std::ptr::null()).is_none());
            assert!(handle_mut::<u8>(std::ptr::null_mut()).is_none());
            free_handle::<u8>(std::ptr::null_mut());
        }
    }
}
