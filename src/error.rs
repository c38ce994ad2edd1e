//! Errors that stop a whole verification (per-file problems are [`crate::Status`]es).

use std::io;
use std::path::PathBuf;

/// Why a verification could not run at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The root directory could not be opened.
    #[error("cannot open directory {}: {source}", path.display())]
    OpenRoot {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The manifest could not be read.
    #[error("cannot read manifest {}: {source}", path.display())]
    ReadManifest {
        /// The manifest's path.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The memory for a manifest's entries or results could not be had (a
    /// manifest of tens of millions of lines under a memory limit): nothing
    /// was verified. [`crate::Verifier::verify_dir`] reports it as a
    /// [`Error::ReadManifest`] naming the manifest.
    #[error("not enough memory for a manifest of {lines} lines")]
    OutOfMemory {
        /// The manifest's lines (or items) that did not fit.
        lines: usize,
    },
    /// Trusted keys were given ([`crate::Verifier::keys`]) and the
    /// manifest's signature is missing, unreadable, invalid, made by another
    /// key, or not over this manifest: none of its digests was used, no file
    /// was checked. The message names the manifest, the trusted keys and the
    /// reason.
    #[cfg(feature = "signatures")]
    #[error("{}: signature not accepted: {source} (trusted: {keys})", manifest.display())]
    Signature {
        /// The manifest's path.
        manifest: PathBuf,
        /// The trusted keys, for the message ([`crate::signature::TrustedKeys::describe`]).
        keys: String,
        /// Why the signature was not accepted.
        source: crate::signature::SignatureError,
    },
    /// The verification was cancelled before it finished.
    #[error("verification cancelled")]
    Cancelled,
    /// The results of a plan's partitions do not fit it
    /// ([`crate::Plan::merge`]): a line missing, given twice or not planned,
    /// a result that names another file (the manifest changed since it was
    /// planned), or results that cannot be decoded ([`crate::Part::from_bytes`]).
    #[error("the partitions' results do not fit the plan: {0}")]
    Parts(String),
}
