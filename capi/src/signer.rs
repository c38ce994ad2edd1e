//! A manifest's signature as C sees it (issue 17): checked, with who made
//! it and when, or present but not checked.

use std::ffi::{c_char, CString};

use checksig::signature::SignatureCheck;

use crate::boundary::{ffi_guard, free_handle};
use crate::c_string::owned_c_string;

/// A manifest's signature: checked, with who made it and when, or present but
/// not checked (no key given). Borrowed from a report
/// (`checksig_report_signature`) or owned (`checksig_check_signature`, freed
/// with `checksig_signature_free`). Immutable; every string it returns is
/// borrowed from it.
pub struct checksig_signature {
    checked: bool,
    format: CString,
    key: Option<CString>,
    created: Option<i64>,
}

impl checksig_signature {
    /// The C view of `check`.
    pub(crate) fn new(check: &SignatureCheck) -> checksig_signature {
        match check {
            SignatureCheck::Verified(signer) => checksig_signature {
                checked: true,
                format: owned_c_string(signer.format.to_string().as_bytes()),
                key: Some(owned_c_string(signer.key.as_bytes())),
                created: signer
                    .created
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .and_then(|d| i64::try_from(d.as_secs()).ok()),
            },
            SignatureCheck::Unchecked(format) => checksig_signature {
                checked: false,
                format: owned_c_string(format.to_string().as_bytes()),
                key: None,
                created: None,
            },
            other => checksig_signature {
                checked: false,
                format: owned_c_string(other.to_string().as_bytes()),
                key: None,
                created: None,
            },
        }
    }
}

/// Frees a signature from `checksig_check_signature`; NULL is a no-op. Never
/// free one borrowed from a report.
///
/// # Safety
/// `signature` is NULL or from `checksig_check_signature`, and not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn checksig_signature_free(signature: *mut checksig_signature) {
    // SAFETY: the caller promises a handle from checksig_check_signature or NULL.
    ffi_guard!(or (); => unsafe { free_handle(signature) })
}

/// Whether the signature was checked against trusted keys (and was good:
/// a bad one stops the verification). False when it was only found, with no
/// key given, or for NULL.
///
/// # Safety
/// `signature` is NULL or a live signature.
#[no_mangle]
pub unsafe extern "C" fn checksig_signature_is_checked(
    signature: *const checksig_signature,
) -> bool {
    ffi_guard!(or false; signature: handle => signature.checked)
}

/// The signature's format: `"OpenPGP"`, `"minisign"`, `"signify"` or
/// `"SSH"`. Borrowed from the signature; NULL for NULL.
///
/// # Safety
/// `signature` is NULL or a live signature.
#[no_mangle]
pub unsafe extern "C" fn checksig_signature_format(
    signature: *const checksig_signature,
) -> *const c_char {
    ffi_guard!(or std::ptr::null(); signature: handle => signature.format.as_ptr())
}

/// The key that made a checked signature, for display (an OpenPGP
/// fingerprint and user ID, a minisign or signify key ID and comment, an SSH
/// key's SHA-256 fingerprint and principals). Borrowed from the signature;
/// NULL when it was not checked, or for NULL.
///
/// # Safety
/// `signature` is NULL or a live signature.
#[no_mangle]
pub unsafe extern "C" fn checksig_signature_key(
    signature: *const checksig_signature,
) -> *const c_char {
    ffi_guard!(or std::ptr::null(); signature: handle => {
        signature.key.as_ref().map_or(std::ptr::null(), |k| k.as_ptr())
    })
}

/// When a checked signature says it was made, in seconds since 1970 UTC,
/// stored in `*seconds`; returns false (and leaves `*seconds` alone) when it
/// says nothing (signify and SSH signatures carry no time), when it was not
/// checked, or for NULL arguments.
///
/// # Safety
/// `signature` is NULL or a live signature; `seconds` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn checksig_signature_created(
    signature: *const checksig_signature,
    seconds: *mut i64,
) -> bool {
    ffi_guard!(or false; signature: handle => {
        match (signature.created, seconds.is_null()) {
            (Some(created), false) => {
                // SAFETY: the caller promises `seconds` is writable; not NULL.
                unsafe { seconds.write(created) };
                true
            }
            _ => false,
        }
    })
}
