//! Verify a directory of downloaded files against its checksum manifest
//! (`sha1sum.txt`), fast, in parallel, and safely.
//!
//! ```no_run
//! let report = checksig::verify_dir("/tmp/logs")?;
//! for failure in report.failures() {
//!     eprintln!(
//!         "{}: {}",
//!         String::from_utf8_lossy(failure.name()),
//!         failure.status()
//!     );
//! }
//! assert!(report.is_ok(), "{}", report.summary());
//! # Ok::<(), checksig::Error>(())
//! ```
//!
//! * [`manifest`] parses and writes manifests exactly as GNU `sha1sum` does.
//! * [`verify_dir`] and [`Verifier`] check every listed file, in parallel with
//!   a bounded number of open files, and report every result in manifest
//!   order ([`Report`]). By default a name may not leave the root directory,
//!   and a FIFO or device is refused without being read.
//! * Manifests of every algorithm of GNU `cksum` and the `*sum` tools (SHA-1,
//!   SHA-2, SHA-3, BLAKE2b, SM3, MD5) and of BLAKE3 and SHAKE are read with
//!   GNU's rules for each tool ([`Algorithm`]), or line by line by their tags
//!   as `cksum -c` reads them ([`manifest::Parser::any_tagged`]); [`detect`]
//!   says how the algorithm is chosen when [`Verifier::algorithm`] does not
//!   force it. [`manifest::format_digest_line`] writes every line GNU writes,
//!   the CRC and sum lines of `cksum` and `sum` included.
//! * [`Verifier::report_unlisted`] also reports files under the root that the
//!   manifest does not list.
//! * [`Verifier::plan`], [`Verifier::verify_lines`] and [`Plan::merge`]
//!   verify one manifest on several machines: partitions balanced by cost
//!   ([`partition`]), each verified where the files are mounted, merged
//!   into the report of a whole verification.
//! * [`reference`](mod@reference) is the naive implementation that tests and benchmarks
//!   compare against.
//!
//! Unix only: names are raw bytes, and confinement uses `openat2(2)`.

#![cfg(unix)]
#![warn(missing_docs)]

pub mod algorithm;
mod cancel;
pub mod create;
pub mod detect;
mod digest;
mod engine;
mod error;
mod exec;
mod fs;
mod hasher;
pub mod manifest;
pub mod partition;
pub mod reference;
mod report;
pub mod sidecar;
#[cfg(feature = "signatures")]
pub mod signature;
mod unlisted;
mod verify;
mod wire;

pub use algorithm::{Algorithm, UnknownAlgorithm};
pub use cancel::{CancelToken, Cancelled};
pub use create::{hash_files, hash_files_cancellable};
pub use digest::Digest;
pub use engine::{hash_file, HashFileError};
pub use error::Error;
pub use fs::root::FileKind;
pub use hasher::{backend, backend_of, hash_bytes, Hasher};
pub use report::{Entries, EntryReport, Report, Status, StatusKind};
pub use verify::{
    find_manifest, locate_manifest, verify_dir, Part, Plan, Progress, ProgressFn, Verifier,
};
