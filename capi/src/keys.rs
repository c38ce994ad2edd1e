//! Trusted keys in the options, and a check of a manifest's signature
//! alone (issue 17).

use std::ffi::c_char;

use checksig::signature::{KeyError, SignatureCheck, TrustedKeys};

use crate::boundary::{ffi_guard, handle};
use crate::error::{checksig_error, Failure, CHECKSIG_ERROR_KEY};
use crate::options::checksig_options;
use crate::signer::checksig_signature;
use crate::verify::failure_of;

/// Trusts the keys in the file `path` (any bytes but NUL): an OpenPGP key or
/// keyring (armored or binary), a minisign or signify public key, an SSH
/// public key or an `allowed_signers` file. Call once per key file. Once a
/// key is given, `checksig_verify` accepts a manifest only with a good
/// signature by one of the keys, found beside it (`NAME.gpg`, `.asc`, `.sig`,
/// `.sign`, `.minisig`, opened beneath the root as the manifest is) or inside
/// it (clear-signed OpenPGP, signify's embedded form), checked before any
/// digest is used; otherwise it fails with `CHECKSIG_ERROR_SIGNATURE` and no
/// report. Keys are never fetched from a network.
///
/// Returns false, with the reason in `error` if it is not NULL, when
/// `options` or `path` is NULL (`CHECKSIG_ERROR_INVALID_ARGUMENT`) or the
/// file cannot be read or holds no usable public key (`CHECKSIG_ERROR_KEY`);
/// the options' keys are then unchanged.
///
/// ```c
/// checksig_options_add_key_file(options, "/usr/share/keyrings/ubuntu-archive-keyring.gpg", error);
/// checksig_options_set_manifest(options, "SHA256SUMS"); /* signed by SHA256SUMS.gpg */
/// checksig_report *report = checksig_verify("/tmp/dl", options, error);
/// ```
///
/// # Safety
/// `options` is NULL or a live options object not in use by a verification;
/// `path` is NULL or NUL-terminated; `error` is NULL or a live error object
/// not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_options_add_key_file(
    options: *mut checksig_options,
    path: *const c_char,
    error: *mut checksig_error,
) -> bool {
    ffi_guard!(records error, "checksig_options_add_key_file"; options: handle_mut, path: path_arg => {
        let mut keys = options.keys().map_or_else(TrustedKeys::new, |k| TrustedKeys::clone(k));
        match keys.add_file(path) {
            Ok(_) => {
                options.set_keys(Some(keys));
                Ok(())
            }
            Err(KeyError::Io { path, source }) => Err(Failure::with_os_error(
                CHECKSIG_ERROR_KEY,
                &source,
                format!("{path}: {source}"),
            )),
            Err(e) => Err(Failure::new(CHECKSIG_ERROR_KEY, e.to_string())),
        }
    })
    .is_some()
}

/// Forgets every key given by `checksig_options_add_key_file`: signatures
/// are no longer required. Returns false when `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object not in use by a verification.
#[no_mangle]
pub unsafe extern "C" fn checksig_options_clear_keys(options: *mut checksig_options) -> bool {
    ffi_guard!(or false; options: handle_mut => {
        options.set_keys(None);
        true
    })
}

/// Checks only the signature of the manifest of `root` (the options'
/// manifest, or the one the library finds) against the options' keys (none:
/// every signature is untrusted); no file is hashed. Returns the signature
/// (free it with `checksig_signature_free`), or NULL with the reason in
/// `error`: `CHECKSIG_ERROR_SIGNATURE` (missing, invalid, untrusted, or not
/// over this manifest: the message names the manifest, the keys and the
/// reason), `CHECKSIG_ERROR_READ_MANIFEST`...
///
/// # Safety
/// `root` is NULL or NUL-terminated; `options` is NULL or a live options
/// object; `error` is NULL or a live error object not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_check_signature(
    root: *const c_char,
    options: *const checksig_options,
    error: *mut checksig_error,
) -> *mut checksig_signature {
    ffi_guard!(records error, "checksig_check_signature"; root: path_arg => {
        let defaults = checksig_options::default();
        // SAFETY: the caller promises a live options object or NULL.
        let options = unsafe { handle(options) }.unwrap_or(&defaults);
        let manifest = options.manifest_in(root);
        let signer = options
            .verifier()
            .manifest(&manifest)
            .check_signature(root)
            .map_err(|e| failure_of(&e))?;
        Ok(Box::new(checksig_signature::new(&SignatureCheck::Verified(signer))))
    })
    .map_or(std::ptr::null_mut(), Box::into_raw)
}
