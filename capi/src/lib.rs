//! The C ABI of checksig: a thin layer over the Rust library's public API.
//!
//! * `verify(root)`: the article's function, byte for byte compatible with the
//!   Go library it replaces (see [`article`]).
//! * A structured API: options, a report handle with per-entry accessors, a
//!   progress callback, cancellation, error objects in the manner of
//!   regex-capi, `checksig_hash_file` and `checksig_version`.
//! * What the core does beyond `sha1sum.txt`: every algorithm
//!   (`checksig_options_set_algorithm`, `checksig_hash_file_algorithm`;
//!   BLAKE2b of any length through `checksig_algorithm_with_length`),
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
//! borrowed from a handle (documented per function), and every handle has a
//! free function.
//!
//! # Process-wide state
//!
//! Every call is independent: nothing kept between calls changes a result,
//! and every function may be called from many threads at once and in a
//! child process after `fork()`. What the core keeps, for speed and safety
//! (the header says the same to C users):
//!
//! * **Helper threads.** A call on more than one thread works on the calling
//!   thread and on helper threads, done with its work when it returns; an
//!   idle helper then waits, parked, up to one second for the next call's
//!   work and exits (at most 64 wait at once). A child after `fork()` starts
//!   its own. Read-ahead and BLAKE3 threads for one large file start and end
//!   within the call.
//! * **Buffers.** Up to 8 read buffers of 256 KiB and one large file's
//!   worth of `O_DIRECT` buffers (6 x 2 MiB) stay allocated for the next
//!   call until the process ends, holding bytes of files read before.
//! * **A `SIGBUS` handler**, installed the first time a file is
//!   memory-mapped, chained to the previous one and never removed, with a
//!   fixed table of 128 guarded mappings: a mapped file that shrinks while
//!   it is hashed is reported as changed instead of killing the process. A
//!   program that installs its own handler afterwards replaces it, and the
//!   library then reads instead of mapping.
//! * **Facts learnt once**: the CPU count, the page size, whether
//!   `openat2(2)` is refused (every later call then uses the fallback
//!   opener), the hashing backends; and a count of files read with
//!   `O_DIRECT` at the moment (at most 4).
//!
//! No file descriptor, path or report is kept between calls.
//!
//! The header `include/checksig.h` is generated from this crate by cbindgen;
//! `cargo test -p checksig-capi` fails when it is stale, and
//! `CHECKSIG_BLESS=1 cargo test -p checksig-capi --test header` rewrites it.

#![cfg(unix)]
#![allow(non_camel_case_types)]

pub mod algorithm;
pub mod article;
mod boundary;
pub mod c_string;
pub mod cancel;
pub mod create;
pub mod error;
mod go_style;
pub mod hashing;
pub mod keys;
pub mod options;
pub mod partition;
pub mod report;
pub mod signer;
pub mod verify;

use std::ffi::c_char;

/// The library's version, such as `"0.1.0"`: static, never free it.
#[no_mangle]
pub extern "C" fn checksig_version() -> *const c_char {
    boundary::ffi_guard!(or std::ptr::null(); => concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast())
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
