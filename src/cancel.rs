//! Cancelling a call from another thread: one token type for every long
//! call (verification, hashing, manifest creation) and one value for "it
//! was cancelled".

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A handle that cancels a running verification, or a hashing or manifest
/// creation ([`create::hash_files_cancellable`](crate::create::hash_files_cancellable),
/// [`create::list_dir_cancellable`](crate::create::list_dir_cancellable)), from any thread.
///
/// ```
/// let cancel = checksig::CancelToken::new();
/// let verifier = checksig::Verifier::new().cancel_token(cancel.clone());
/// cancel.cancel();
/// # let dir = tempfile::tempdir().unwrap();
/// # std::fs::write(dir.path().join("sha1sum.txt"), "").unwrap();
/// assert!(matches!(verifier.verify_dir(dir.path()), Err(checksig::Error::Cancelled)));
/// ```
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token not yet cancelled.
    ///
    /// ```
    /// assert!(!checksig::CancelToken::new().is_cancelled());
    /// ```
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Asks the call that holds this token to stop as soon as possible.
    ///
    /// ```
    /// let token = checksig::CancelToken::new();
    /// let held = token.clone(); // what the running call holds
    /// std::thread::spawn(move || token.cancel()).join().unwrap();
    /// assert!(held.is_cancelled());
    /// ```
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub(crate) fn flag(&self) -> &AtomicBool {
        &self.0
    }

    /// Whether [`CancelToken::cancel`] was called.
    ///
    /// ```
    /// let token = checksig::CancelToken::new();
    /// assert!(!token.is_cancelled());
    /// token.cancel();
    /// assert!(token.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A cancellable call was cancelled by its [`CancelToken`]; what it had
/// computed is dropped, not returned.
///
/// ```
/// assert_eq!(checksig::Cancelled.to_string(), "cancelled");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;
