//! The C ABI of checksig: a thin layer over the Rust library's public API.
//!
//! * `verify(root)`: the article's function, byte for byte compatible with the
//!   Go library it replaces (see [`article`]).
//! * A structured API: options, a report handle with per-entry accessors, a
//!   progress callback, cancellation, error objects in the manner of
//!   regex-capi, `checksig_hash_file` and `checksig_version`.
//! * What the core does beyond `sha1sum.txt`: every algorithm
//!   (`checksig_options_set_algorithm`, `checksig_hash_file_algorithm`),
//!   unlisted files (`checksig_options_set_report_unlisted`), hash-only
//!   sidecars (`checksig_verify_sidecar`, or a sidecar given to
//!   `checksig_options_set_manifest`), `checksig hash FILE...`
//!   (`checksig_hash_files`) and `checksig create` (`checksig_create_manifest`),
//!   each also with a cancel handle (`checksig_hash_files_cancellable`,
//!   `checksig_create_manifest_cancellable`).
//!
//! Rules at the boundary: every pointer is checked for NULL, no panic
//! unwinds into C (each entry point catches it and reports an error), strings
//! handed over are `malloc`'ed (freed with `checksig_free` or libc `free`) or
//! borrowed from a handle (documented per function), every handle has a free
//! function, and no global state or thread pool is kept, so the library is
//! thread-safe and keeps working in a child process after `fork()`.
//!
//! The header `include/checksig.h` is generated from this crate by cbindgen;
//! `cargo test -p checksig-capi` fails when it is stale, and
//! `CHECKSIG_BLESS=1 cargo test -p checksig-capi --test header` rewrites it.

#![cfg(unix)]
#![allow(non_camel_case_types)]

pub mod article;
mod boundary;
pub mod c_string;
pub mod error;
mod go_style;
pub mod hash;
pub mod options;
pub mod report;

use std::ffi::c_char;

/// The library's version, such as `"0.1.0"`: static, never free it.
#[no_mangle]
pub extern "C" fn checksig_version() -> *const c_char {
    boundary::catch(
        |_| std::ptr::null(),
        || concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_the_crate_version() {
        // SAFETY: a static NUL-terminated string.
        let version = unsafe { std::ffi::CStr::from_ptr(super::checksig_version()) };
        assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
