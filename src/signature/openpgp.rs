//! OpenPGP signatures, detached (binary or armored) or clear-signed, checked
//! with rPGP against the caller's certificates: the signing key (primary or
//! subkey) must be bound to its certificate, allowed to sign, not revoked and
//! not expired.

use std::time::SystemTime;

use pgp::composed::{Deserializable, DetachedSignature, SignedPublicKey, SignedPublicSubKey};
use pgp::crypto::hash::HashAlgorithm;
use pgp::packet::{Signature, SignatureType};
use pgp::types::{KeyDetails, PublicKeyTrait, Tag};

use super::clearsign::Parts;
use super::error::{KeyError, SignatureError};
use super::{hex, trim_start, Format, Signer, TrustedKeys};

const END_SIGNATURE: &[u8] = b"-----END PGP SIGNATURE-----";

/// Reads the certificates of a keyring, armored or binary (`gpg --export`).
pub(super) fn parse_keys(text: &[u8]) -> Result<Vec<SignedPublicKey>, KeyError> {
    let error = |e: pgp::errors::Error| KeyError::invalid(format!("OpenPGP key: {e}"));
    let certs: Vec<_> = if text.starts_with(b"-----BEGIN") {
        let (certs, _headers) = SignedPublicKey::from_armor_many(text).map_err(error)?;
        certs.collect::<Result<_, _>>().map_err(error)?
    } else {
        SignedPublicKey::from_bytes_many(text)
            .map_err(error)?
            .collect::<Result<_, _>>()
            .map_err(error)?
    };
    if certs.is_empty() {
        return Err(KeyError::invalid("OpenPGP key: no certificate"));
    }
    Ok(certs)
}

/// Checks a detached signature (binary or armored) over `manifest`.
pub(super) fn verify_detached(
    manifest: &[u8],
    signature: &[u8],
    keys: &TrustedKeys,
    now: SystemTime,
) -> Result<Signer, SignatureError> {
    let signatures = parse_signatures(trim_start(signature))?;
    verify_signatures(&signatures, manifest, keys, now)
}

/// Checks a clear-signed manifest's signature over its signed text.
pub(super) fn verify_clearsigned(
    parts: &Parts<'_>,
    keys: &TrustedKeys,
    now: SystemTime,
) -> Result<Signer, SignatureError> {
    let signatures = parse_signatures(parts.signature)?;
    verify_signatures(&signatures, &parts.signed_text()?, keys, now)
}

/// The signature packets of an armored or binary signature.
fn parse_signatures(bytes: &[u8]) -> Result<Vec<Signature>, SignatureError> {
    let invalid = |e: pgp::errors::Error| invalid(None, e.to_string());
    let signatures: Vec<DetachedSignature> = if bytes.starts_with(b"-----BEGIN") {
        if !bytes
            .split(|&b| b == b'\n')
            .any(|l| l.trim_ascii() == END_SIGNATURE)
        {
            return Err(truncated("no -----END PGP SIGNATURE----- line"));
        }
        let (signatures, _headers) = DetachedSignature::from_armor_many(bytes).map_err(invalid)?;
        signatures.collect::<Result<_, _>>().map_err(invalid)?
    } else {
        if let Some(reason) = binary_truncation(bytes) {
            return Err(truncated(&reason));
        }
        DetachedSignature::from_bytes_many(bytes)
            .map_err(invalid)?
            .collect::<Result<_, _>>()
            .map_err(invalid)?
    };
    if signatures.is_empty() {
        return Err(invalid(pgp::errors::Error::InvalidInput {
            backtrace: None,
        }));
    }
    Ok(signatures.into_iter().map(|s| s.signature).collect())
}

/// Why a binary packet sequence was cut, if it was: a packet whose header
/// announces more bytes than are left.
fn binary_truncation(mut bytes: &[u8]) -> Option<String> {
    while let Some((&tag, rest)) = bytes.split_first() {
        let (len, header) = if tag & 0x40 != 0 {
            // New format: one, two or five length octets.
            match rest.first().copied() {
                None => return Some("a packet header without its length".to_owned()),
                Some(l @ 0..=191) => (usize::from(l), 1),
                Some(l @ 192..=223) => match rest.get(1) {
                    Some(&l2) => ((usize::from(l - 192) << 8) + usize::from(l2) + 192, 2),
                    None => return Some("a packet header without its length".to_owned()),
                },
                Some(255) => match rest.get(1..5) {
                    Some(b) => (u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize, 5),
                    None => return Some("a packet header without its length".to_owned()),
                },
                // Partial lengths are for streamed data, not signatures: rPGP judges.
                Some(_) => return None,
            }
        } else {
            let octets = match tag & 3 {
                0 => 1,
                1 => 2,
                2 => 4,
                _ => return None,
            };
            match rest.get(..octets) {
                Some(b) => (
                    b.iter().fold(0usize, |n, &x| (n << 8) | usize::from(x)),
                    octets,
                ),
                None => return Some("a packet header without its length".to_owned()),
            }
        };
        let body = &rest[header..];
        if body.len() < len {
            return Some(format!("a packet of {len} bytes has {} left", body.len()));
        }
        bytes = &body[len..];
    }
    None
}

/// The first signature that a trusted key made over `data`; otherwise the
/// most telling refusal (a bad signature by a trusted key before a key that
/// is not trusted).
fn verify_signatures(
    signatures: &[Signature],
    data: &[u8],
    keys: &TrustedKeys,
    now: SystemTime,
) -> Result<Signer, SignatureError> {
    let mut refusal: Option<SignatureError> = None;
    for signature in signatures {
        match verify_one(signature, data, keys, now) {
            Ok(signer) => return Ok(signer),
            Err(err) => {
                let untrusted = matches!(err, SignatureError::Untrusted { .. });
                if refusal.is_none() || !untrusted {
                    refusal = Some(err);
                }
            }
        }
    }
    Err(refusal.unwrap_or_else(|| invalid(None, "no signature packet".to_owned())))
}

/// One signature: its kind and hash, the key that made it, then the maths.
fn verify_one(
    signature: &Signature,
    data: &[u8],
    keys: &TrustedKeys,
    now: SystemTime,
) -> Result<Signer, SignatureError> {
    if !matches!(
        signature.typ(),
        Some(SignatureType::Binary | SignatureType::Text)
    ) {
        return Err(invalid(
            None,
            format!(
                "a {:?} signature, not a document signature",
                signature.typ()
            ),
        ));
    }
    if matches!(
        signature.hash_alg(),
        Some(HashAlgorithm::Md5 | HashAlgorithm::Sha1 | HashAlgorithm::Ripemd160) | None
    ) {
        return Err(invalid(
            None,
            format!(
                "weak or unknown hash {:?} (collisions can be made)",
                signature.hash_alg()
            ),
        ));
    }
    let Some((cert, subkey)) = find_key(signature, keys) else {
        return Err(SignatureError::Untrusted {
            format: Format::OpenPgp,
            key: issuer(signature),
        });
    };
    let name = describe(cert, subkey);
    check_key(cert, subkey, signature, now).map_err(|reason| reason.into_error(&name))?;
    let result = match subkey {
        Some(subkey) => signature.verify(&subkey.key, data),
        None => signature.verify(&cert.primary_key, data),
    };
    result.map_err(|_| SignatureError::BadSignature {
        format: Format::OpenPgp,
        key: name.clone(),
        detail: None,
    })?;
    Ok(Signer {
        format: Format::OpenPgp,
        key: name,
        created: signature.created().map(|t| SystemTime::from(*t)),
    })
}

/// The certificate, and its subkey if not the primary key, named as the
/// signature's issuer.
fn find_key<'k>(
    signature: &Signature,
    keys: &'k TrustedKeys,
) -> Option<(&'k SignedPublicKey, Option<&'k SignedPublicSubKey>)> {
    let fingerprints = signature.issuer_fingerprint();
    let ids = signature.issuer();
    let named = |key: &dyn KeyDetails| {
        fingerprints.iter().any(|f| **f == key.fingerprint())
            || ids.iter().any(|id| **id == key.key_id())
    };
    keys.openpgp.iter().find_map(|cert| {
        if named(&cert.primary_key) {
            return Some((cert, None));
        }
        let subkey = cert.public_subkeys.iter().find(|s| named(&s.key))?;
        Some((cert, Some(subkey)))
    })
}

/// The issuer a signature names, for an untrusted signature's message.
fn issuer(signature: &Signature) -> String {
    if let Some(fingerprint) = signature.issuer_fingerprint().first() {
        format!("key {}", hex(fingerprint.as_bytes()))
    } else if let Some(id) = signature.issuer().first() {
        format!("key ID {}", hex(id.as_ref()))
    } else {
        "a key it does not name".to_owned()
    }
}

/// A certificate's key for display: fingerprint and first user ID.
pub(super) fn describe(cert: &SignedPublicKey, subkey: Option<&SignedPublicSubKey>) -> String {
    let primary = hex(cert.primary_key.fingerprint().as_bytes());
    let user = cert
        .details
        .users
        .first()
        .map(|u| format!(" ({})", String::from_utf8_lossy(u.id.id())))
        .unwrap_or_default();
    match subkey {
        Some(subkey) => format!(
            "subkey {} of key {primary}{user}",
            hex(subkey.key.fingerprint().as_bytes())
        ),
        None => format!("key {primary}{user}"),
    }
}

/// Why a key may not be trusted for a signature.
enum KeyRefusal {
    Expired(SystemTime),
    Revoked,
    Invalid(String),
}

impl KeyRefusal {
    fn into_error(self, key: &str) -> SignatureError {
        let key = key.to_owned();
        match self {
            KeyRefusal::Expired(expired) => SignatureError::Expired {
                format: Format::OpenPgp,
                key,
                expired,
            },
            KeyRefusal::Revoked => SignatureError::Revoked {
                format: Format::OpenPgp,
                key,
            },
            KeyRefusal::Invalid(reason) => invalid(Some(key), reason),
        }
    }
}

/// Checks that the signing key is valid at `now` and when it signed: a
/// self-signed primary key, a subkey bound to it (with a back signature),
/// allowed to sign, neither revoked nor expired.
fn check_key(
    cert: &SignedPublicKey,
    subkey: Option<&SignedPublicSubKey>,
    signature: &Signature,
    now: SystemTime,
) -> Result<(), KeyRefusal> {
    let primary = &cert.primary_key;
    let revoked = cert
        .details
        .revocation_signatures
        .iter()
        .any(|r| r.verify_key(primary).is_ok());
    if revoked {
        return Err(KeyRefusal::Revoked);
    }
    let self_signature = newest(
        cert.details
            .users
            .iter()
            .flat_map(|u| {
                u.signatures
                    .iter()
                    .filter(|s| s.verify_certification(primary, Tag::UserId, &u.id).is_ok())
            })
            .chain(
                cert.details
                    .direct_signatures
                    .iter()
                    .filter(|s| s.verify_key(primary).is_ok()),
            ),
    )
    .ok_or_else(|| KeyRefusal::Invalid("no valid self-signature".to_owned()))?;
    let made = signature.created().map(|t| SystemTime::from(*t));
    check_expiry(
        SystemTime::from(*primary.created_at()),
        self_signature,
        made,
        now,
    )?;
    let Some(subkey) = subkey else {
        return may_sign(self_signature);
    };
    let sub = &subkey.key;
    let sub_revoked = subkey.signatures.iter().any(|s| {
        s.typ() == Some(SignatureType::SubkeyRevocation)
            && s.verify_subkey_binding(primary, sub).is_ok()
    });
    if sub_revoked {
        return Err(KeyRefusal::Revoked);
    }
    let binding = newest(subkey.signatures.iter().filter(|s| {
        s.typ() == Some(SignatureType::SubkeyBinding)
            && s.verify_subkey_binding(primary, sub).is_ok()
            && s.embedded_signature()
                .is_some_and(|back| back.verify_primary_key_binding(sub, primary).is_ok())
    }))
    .ok_or_else(|| {
        KeyRefusal::Invalid("the subkey has no valid binding with a back signature".to_owned())
    })?;
    check_expiry(SystemTime::from(*sub.created_at()), binding, made, now)?;
    may_sign(binding)
}

/// The newest of some signatures.
fn newest<'s>(signatures: impl Iterator<Item = &'s Signature>) -> Option<&'s Signature> {
    signatures.max_by_key(|s| s.created().copied())
}

/// A key whose self-signature sets key flags must have the signing flag.
fn may_sign(self_signature: &Signature) -> Result<(), KeyRefusal> {
    let flags = self_signature.key_flags();
    if flags.sign() || flags == Default::default() {
        Ok(())
    } else {
        Err(KeyRefusal::Invalid(
            "the key is not allowed to sign (key flags)".to_owned(),
        ))
    }
}

/// A key created at `created` whose self-signature sets an expiry must not
/// have expired by `now`, nor before the signature was made.
fn check_expiry(
    created: SystemTime,
    self_signature: &Signature,
    made: Option<SystemTime>,
    now: SystemTime,
) -> Result<(), KeyRefusal> {
    let Some(lifetime) = self_signature.key_expiration_time() else {
        return Ok(());
    };
    let Ok(lifetime) = lifetime.to_std() else {
        return Ok(());
    };
    if lifetime.is_zero() {
        // Zero means "does not expire" (RFC 9580 5.2.3.13).
        return Ok(());
    }
    let expired = created.checked_add(lifetime).unwrap_or(created);
    if now >= expired || made.is_some_and(|m| m >= expired) {
        return Err(KeyRefusal::Expired(expired));
    }
    Ok(())
}

fn truncated(reason: &str) -> SignatureError {
    SignatureError::Truncated {
        format: Format::OpenPgp,
        reason: reason.to_owned(),
    }
}

fn invalid(key: Option<String>, reason: String) -> SignatureError {
    SignatureError::Invalid {
        format: Some(Format::OpenPgp),
        key,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_truncation_reads_packet_lengths() {
        // New format, one-octet length 3, three bytes: whole.
        assert_eq!(binary_truncation(&[0xc2, 3, 1, 2, 3]), None);
        assert!(binary_truncation(&[0xc2, 3, 1, 2]).is_some());
        assert!(binary_truncation(&[0xc2]).is_some());
        // Old format, two-octet length 0x0102.
        assert!(binary_truncation(&[0x89, 1, 2, 0]).is_some());
        assert_eq!(binary_truncation(&[0x88, 1, 9]), None);
        // Five-octet length.
        assert!(binary_truncation(&[0xc2, 255, 0, 0, 1, 0, 1]).is_some());
    }
}
