//! The rules every entry point follows: no panic unwinds into C, and raw
//! pointers from C become references only after a NULL check.
//!
//! [`ffi_guard!`] applies both, in the manner of regex-capi's `ffi_fn!`: it
//! wraps an entry point's body rather than its signature, so that cbindgen,
//! which does not expand macros, still sees every exported function.

use std::any::Any;
use std::ffi::{c_char, CStr, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

/// The body of an entry point, guarded: a panic never unwinds into C, and
/// each named pointer argument is checked for NULL and converted by one of
/// this module's functions ([`path_arg`], [`handle`], [`handle_mut`]) before
/// the body sees it.
///
/// Two forms:
///
/// * `ffi_guard!(or FALLBACK; arg: conversion, ... => body)` returns
///   `FALLBACK` for a NULL argument or a panic (accessors, setters, free
///   functions).
/// * `ffi_guard!(records error, "function"; arg: conversion, ... => body)`
///   runs a body returning `Result<T, Failure>` and records its outcome in
///   the caller's error object (an [`Outcome`]); a NULL argument fails as
///   "function: arg is NULL" and a panic as the panic's message. It gives
///   `Option<T>`.
///
/// The enclosing function's `# Safety` contract must promise what the
/// conversions need: each argument NULL or valid (a NUL-terminated string,
/// a live handle), and `error` NULL or a live error object.
///
/// ```ignore
/// pub unsafe extern "C" fn checksig_report_len(report: *const checksig_report) -> usize {
///     ffi_guard!(or 0; report: handle => report.entries.len())
/// }
/// ```
macro_rules! ffi_guard {
    (or $fallback:expr; $($arg:ident: $conversion:ident),* => $body:expr) => {
        $crate::boundary::catch(
            |_| $fallback,
            || {
                $(
                    // SAFETY: the entry point's contract: NULL or valid.
                    #[allow(clippy::unused_unit)] // `or ();` for functions returning nothing
                    let Some($arg) = (unsafe { $crate::boundary::$conversion($arg) }) else {
                        return $fallback;
                    };
                )*
                $body
            },
        )
    };
    (records $error:expr, $function:expr; $($arg:ident: $conversion:ident),* => $body:expr) => {{
        let error = $error;
        let body = || {
            $(
                // SAFETY: the entry point's contract: NULL or valid.
                let $arg = unsafe { $crate::boundary::$conversion($arg) }.ok_or_else(|| {
                    $crate::boundary::Refusal::null($function, stringify!($arg))
                })?;
            )*
            $body
        };
        // SAFETY: the entry point's contract: `error` is NULL or a live
        // error object not used by another thread.
        unsafe { $crate::boundary::run(error, body) }
    }};
}
pub(crate) use ffi_guard;

/// Why a guarded entry point did not run its body to the end.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// A required pointer argument was NULL.
    Null {
        /// The entry point, as C calls it.
        function: String,
        /// The argument, as the header names it.
        argument: String,
    },
    /// The body panicked (a bug); the message says where.
    Panic(String),
}

impl Refusal {
    /// `argument` of `function` was NULL.
    pub(crate) fn null(function: &str, argument: &str) -> Refusal {
        Refusal::Null {
            function: function.to_owned(),
            argument: argument.to_owned(),
        }
    }
}

/// Where a fallible entry point's outcome goes: the caller's error object.
/// Implemented by `*mut checksig_error`, so that this module needs nothing
/// from the module that defines it.
pub(crate) trait Outcome: Copy {
    /// What a failed call reports.
    type Failure: From<Refusal>;

    /// Records `result` (the failure, or success), and gives the value.
    ///
    /// # Safety
    /// `self` is NULL or a live error object not used by another thread.
    unsafe fn record<T>(self, result: Result<T, Self::Failure>) -> Option<T>;
}

/// Runs a fallible body: a panic becomes a failure, and the outcome is
/// recorded in `error`.
///
/// # Safety
/// As [`Outcome::record`].
pub(crate) unsafe fn run<O: Outcome, T>(
    error: O,
    body: impl FnOnce() -> Result<T, O::Failure>,
) -> Option<T> {
    let result = catch(|message| Err(Refusal::Panic(message).into()), body);
    // SAFETY: passed on from our caller.
    unsafe { error.record(result) }
}

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

/// A C string as UTF-8 text; `None` for NULL or bytes that are not UTF-8
/// (a name, never a path).
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn str_arg<'a>(ptr: *const c_char) -> Option<&'a str> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: non-NULL, and the caller promises a NUL-terminated string.
    unsafe { CStr::from_ptr(ptr) }.to_str().ok()
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

    /// What a test's [`Outcome`] records: the last failure, if any.
    #[derive(Clone, Copy)]
    struct Sink(*mut Option<String>);

    impl From<Refusal> for String {
        fn from(refusal: Refusal) -> String {
            format!("{refusal:?}")
        }
    }

    impl Outcome for Sink {
        type Failure = String;

        unsafe fn record<T>(self, result: Result<T, String>) -> Option<T> {
            // SAFETY: the tests pass a live `Option<String>`.
            let slot = unsafe { &mut *self.0 };
            *slot = result.as_ref().err().cloned();
            result.ok()
        }
    }

    /// The length of `text`, guarded; "panic" panics.
    ///
    /// # Safety
    /// `text` is NULL or NUL-terminated.
    unsafe fn length(text: *const c_char) -> usize {
        ffi_guard!(or usize::MAX; text: path_arg => {
            assert_ne!(text, Path::new("panic"));
            text.as_os_str().len()
        })
    }

    /// As [`length`], recording failures in `sink`.
    ///
    /// # Safety
    /// `text` is NULL or NUL-terminated; `sink` holds a live `Option`.
    unsafe fn recorded_length(sink: Sink, text: *const c_char) -> Option<usize> {
        ffi_guard!(records sink, "recorded_length"; text: path_arg => {
            assert_ne!(text, Path::new("panic"), "asked to");
            Ok(text.as_os_str().len())
        })
    }

    #[test]
    fn the_guard_checks_nulls_and_catches_panics() {
        let mut seen = None;
        let sink = Sink(&mut seen);
        // SAFETY: NULL or NUL-terminated strings; `seen` outlives the calls.
        unsafe {
            assert_eq!(length(c"abc".as_ptr()), 3);
            assert_eq!(length(std::ptr::null()), usize::MAX);
            assert_eq!(length(c"panic".as_ptr()), usize::MAX);

            assert_eq!(recorded_length(sink, c"abcd".as_ptr()), Some(4));
            assert_eq!(*sink.0, None);
            assert_eq!(recorded_length(sink, std::ptr::null()), None);
            assert_eq!(
                (*sink.0).as_deref(),
                Some(r#"Null { function: "recorded_length", argument: "text" }"#)
            );
            assert_eq!(recorded_length(sink, c"panic".as_ptr()), None);
            let failure = (*sink.0).clone().unwrap();
            assert!(failure.starts_with("Panic(\"checksig: internal error (panic): assertion"));
            assert!(failure.contains("asked to"), "{failure}");
        }
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
