//! A manifest's signature, checked before any of its digests is trusted
//! (cargo feature `signatures`, issue 17).
//!
//! With trusted keys ([`crate::Verifier::keys`]) the signature is looked for
//! beside the manifest ([`signature::signature_names`]), opened through the
//! same [`Root`] as the manifest, else inside it; only the bytes it covers
//! are parsed. Without keys a signed manifest loses its signature's framing
//! (as GNU's tools skip those lines) and the report says the signature was
//! not checked.

use std::borrow::Cow;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::SystemTime;

use crate::error::Error;
use crate::fs::root::{OpenError, Root};
use crate::signature::{self, SignatureCheck, SignatureError, TrustedKeys, Verified};

/// The largest detached signature read (a signature is a few hundred bytes;
/// an OpenPGP one with many issuers a few KiB).
const MAX_SIGNATURE_LEN: u64 = 1 << 20;

/// The part of a manifest to parse, and what its signature says.
pub(super) struct Body<'a> {
    /// The checksum lines: the signed bytes, or the unsigned manifest.
    pub(super) bytes: Cow<'a, [u8]>,
    /// Lines of the manifest before the body's first line.
    pub(super) line_offset: u64,
    /// What the report says of the signature.
    pub(super) check: Option<SignatureCheck>,
    /// The detached signature's name beneath the root, when one was used
    /// (not an unlisted file).
    pub(super) signature_file: Option<Vec<u8>>,
}

/// The body of `bytes`, the manifest `manifest` (as named to the verifier;
/// `manifest_path` for messages) read through `root`: checked against
/// `keys` when there are some.
pub(super) fn body<'a>(
    root: &Root,
    manifest: &Path,
    manifest_path: &Path,
    bytes: &'a [u8],
    keys: Option<&TrustedKeys>,
) -> Result<Body<'a>, Error> {
    let Some(keys) = keys else {
        if !may_hold_a_signature(bytes) {
            return Ok(Body {
                bytes: Cow::Borrowed(bytes),
                line_offset: 0,
                check: unchecked_detached(root, manifest),
                signature_file: None,
            });
        }
        return Ok(match signature::unsigned_body(bytes) {
            Ok(unsigned) if unsigned.signature.is_some() => Body {
                line_offset: unsigned.line_offset,
                check: unsigned.signature.map(SignatureCheck::Unchecked),
                bytes: unsigned.body,
                signature_file: None,
            },
            // Unsigned, or a signature's framing that is cut or odd: every
            // line is read as it is (the armor lines are then malformed).
            _ => Body {
                bytes: Cow::Borrowed(bytes),
                line_offset: 0,
                check: None,
                signature_file: None,
            },
        });
    };
    let (verified, detached) = check(root, manifest, manifest_path, bytes, keys)?;
    Ok(Body {
        bytes: verified.body,
        line_offset: verified.line_offset,
        check: Some(SignatureCheck::Verified(verified.signer)),
        signature_file: detached.filter(|_| !manifest.is_absolute()),
    })
}

/// Whether `bytes` may hold a signature (clear-signed or embedded signify):
/// a SIMD search, so that an ordinary manifest of millions of lines is not
/// split into lines once more just to find none.
fn may_hold_a_signature(bytes: &[u8]) -> bool {
    bytes.starts_with(b"untrusted comment:")
        || memchr::memmem::find(bytes, b"-----BEGIN PGP SIGNED MESSAGE-----").is_some()
}

/// Checks the signature of the manifest `bytes` against `keys`: a detached
/// one beside `manifest` (beneath `root`, or beside an absolute manifest),
/// else one inside it. Also gives the detached signature's name, if one was used.
pub(super) fn check<'a>(
    root: &Root,
    manifest: &Path,
    manifest_path: &Path,
    bytes: &'a [u8],
    keys: &TrustedKeys,
) -> Result<(Verified<'a>, Option<Vec<u8>>), Error> {
    let failed = |source| Error::Signature {
        manifest: manifest_path.to_path_buf(),
        keys: keys.describe(),
        source,
    };
    let detached = detached(root, manifest).map_err(failed)?;
    let now = SystemTime::now();
    let verified = match &detached {
        Some((name, signature)) => signature::verify(bytes, Some((name, signature)), keys, now),
        None => signature::verify(bytes, None, keys, now),
    }
    .map_err(failed)?;
    Ok((verified, detached.map(|(name, _)| name.into_bytes())))
}

/// Without keys: what the report says of a detached signature lying beside
/// the manifest (that it was not checked), if one is there and readable.
/// Only its first bytes matter (its format); nothing is trusted from it.
fn unchecked_detached(root: &Root, manifest: &Path) -> Option<SignatureCheck> {
    let (_, bytes) = detached(root, manifest).ok()??;
    signature::detect(&bytes).map(SignatureCheck::Unchecked)
}

/// The first detached signature beside `manifest` (as named to the
/// verifier): beneath `root`, or beside an absolute manifest in its own
/// directory. Its name and bytes.
fn detached(root: &Root, manifest: &Path) -> Result<Option<(String, Vec<u8>)>, SignatureError> {
    if manifest.is_absolute() {
        let dir = manifest.parent().unwrap_or(Path::new("/"));
        let name = manifest.file_name().unwrap_or_default();
        let beside = Root::open(dir, true)
            .map_err(|e| unreadable(&dir.display().to_string(), &e.to_string()))?;
        find_detached(&beside, name.as_bytes())
    } else {
        find_detached(root, manifest.as_os_str().as_bytes())
    }
}

/// The first detached signature beside the manifest `name` beneath `root`:
/// its name and bytes.
fn find_detached(root: &Root, name: &[u8]) -> Result<Option<(String, Vec<u8>)>, SignatureError> {
    for candidate in signature::signature_names(name) {
        let shown = String::from_utf8_lossy(&candidate).into_owned();
        match root.open_file(&candidate) {
            Ok(open) => {
                let bytes = crate::manifest::read_file_capped(
                    open.file,
                    Some(open.len),
                    MAX_SIGNATURE_LEN,
                    "signature",
                )
                .map_err(|e| unreadable(&shown, &e.to_string()))?;
                return Ok(Some((shown, bytes)));
            }
            Err(OpenError::Missing) => {}
            Err(OpenError::OutsideRoot) => {
                return Err(unreadable(&shown, "outside the directory, not opened"))
            }
            Err(e) => return Err(unreadable(&shown, &std::io::Error::from(e).to_string())),
        }
    }
    Ok(None)
}

fn unreadable(name: &str, reason: &str) -> SignatureError {
    SignatureError::Invalid {
        format: None,
        key: None,
        reason: format!("cannot read {name}: {reason}"),
    }
}
