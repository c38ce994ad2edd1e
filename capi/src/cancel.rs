//! The cancel handle: stops a verification, hashing or manifest creation
//! from any thread.

use checksig::CancelToken;

use crate::boundary::{ffi_guard, free_handle};

/// A handle that cancels a running verification, or a running
/// `checksig_hash_files_cancellable` or `checksig_create_manifest_cancellable`,
/// from any thread. Create with `checksig_cancel_new`, attach with
/// `checksig_options_set_cancel` (or pass it to those functions), trigger
/// with `checksig_cancel_trigger`, free with `checksig_cancel_free`. Once
/// triggered it stays triggered: use a new one for the next call.
pub struct checksig_cancel {
    token: CancelToken,
}

impl checksig_cancel {
    /// The core's token this handle triggers.
    pub(crate) fn token(&self) -> &CancelToken {
        &self.token
    }
}

/// A new cancel handle, not triggered; NULL only when out of memory. Free
/// with `checksig_cancel_free`.
#[no_mangle]
pub extern "C" fn checksig_cancel_new() -> *mut checksig_cancel {
    ffi_guard!(or std::ptr::null_mut(); => {
        Box::into_raw(Box::new(checksig_cancel {
            token: CancelToken::new(),
        }))
    })
}

/// Asks every call using this handle (verifications, hashing, manifest
/// creation) to stop as soon as possible; they fail with
/// `CHECKSIG_ERROR_CANCELLED`. Safe to call from any thread,
/// including a signal-handling thread, while a verification runs. NULL is a
/// no-op.
///
/// # Safety
/// `cancel` is NULL or a live cancel handle.
#[no_mangle]
pub unsafe extern "C" fn checksig_cancel_trigger(cancel: *const checksig_cancel) {
    ffi_guard!(or (); cancel: handle => cancel.token.cancel())
}

/// Whether `checksig_cancel_trigger` was called on this handle (false for NULL).
///
/// # Safety
/// `cancel` is NULL or a live cancel handle.
#[no_mangle]
pub unsafe extern "C" fn checksig_cancel_is_triggered(cancel: *const checksig_cancel) -> bool {
    ffi_guard!(or false; cancel: handle => cancel.token.is_cancelled())
}

/// Frees a cancel handle; NULL is a no-op. Options it was attached to keep
/// working.
///
/// # Safety
/// `cancel` is NULL or from `checksig_cancel_new`, and not used afterwards
/// (no other thread may still trigger it).
#[no_mangle]
pub unsafe extern "C" fn checksig_cancel_free(cancel: *mut checksig_cancel) {
    // SAFETY: the caller promises a handle from checksig_cancel_new or NULL.
    ffi_guard!(or (); => unsafe { free_handle(cancel) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_handles_are_harmless() {
        // SAFETY: NULL is allowed everywhere.
        unsafe {
            checksig_cancel_trigger(std::ptr::null());
            assert!(!checksig_cancel_is_triggered(std::ptr::null()));
            checksig_cancel_free(std::ptr::null_mut());
        }
    }

    #[test]
    fn a_triggered_handle_stays_triggered() {
        // SAFETY: a live handle, freed once.
        unsafe {
            let cancel = checksig_cancel_new();
            assert!(!checksig_cancel_is_triggered(cancel));
            let token = (*cancel).token().clone();
            checksig_cancel_trigger(cancel);
            checksig_cancel_trigger(cancel);
            assert!(checksig_cancel_is_triggered(cancel));
            checksig_cancel_free(cancel);
            assert!(token.is_cancelled());
        }
    }
}
