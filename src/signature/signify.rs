//! OpenBSD signify signatures (Ed25519 over the whole message), detached or
//! embedded (`signify -S -e`, OpenBSD's `SHA256.sig`), checked with
//! `ed25519-dalek`.

use base64ct::{Base64, Encoding};
use ed25519_dalek::{Signature, VerifyingKey};

use super::error::SignatureError;
use super::keys::EdKey;
use super::{Format, Signer, TrustedKeys};

const COMMENT: &[u8] = b"untrusted comment:";

/// The length of a decoded signature line: `Ed`, an 8-byte key number and a
/// 64-byte Ed25519 signature.
const SIGNATURE_LEN: usize = 74;

/// An embedded signature split from its message.
pub(super) struct EmbeddedParts<'a> {
    /// The base64 signature line.
    pub(super) signature_line: &'a [u8],
    /// The signed message (the checksum lines).
    pub(super) message: &'a [u8],
}

/// Splits `untrusted comment: ...\n<base64 signature>\n<message>`. `None`
/// when `manifest` does not start with an untrusted comment; an error when it
/// does but the signature line is cut or is not one.
pub(super) fn split_embedded(manifest: &[u8]) -> Result<Option<EmbeddedParts<'_>>, SignatureError> {
    if !manifest.starts_with(COMMENT) {
        return Ok(None);
    }
    let (signature_line, message) = two_lines(manifest)?;
    decode(signature_line)?;
    Ok(Some(EmbeddedParts {
        signature_line,
        message,
    }))
}

/// Checks a detached signify signature (`untrusted comment` and signature
/// lines, nothing after them) over `manifest`.
pub(super) fn verify_detached(
    manifest: &[u8],
    signature: &[u8],
    keys: &TrustedKeys,
) -> Result<Signer, SignatureError> {
    let (line, rest) = two_lines(signature)?;
    if !rest.trim_ascii().is_empty() {
        return Err(invalid("text after the signature line".to_owned()));
    }
    verify(manifest, line, keys)
}

/// Checks the base64 signature `line` over `message`.
pub(super) fn verify(
    message: &[u8],
    line: &[u8],
    keys: &TrustedKeys,
) -> Result<Signer, SignatureError> {
    let (id, signature) = decode(line)?;
    let Some(key) = keys.ed25519.iter().find(|k| k.id == id) else {
        return Err(SignatureError::Untrusted {
            format: Format::Signify,
            key: format!("key ID {}", EdKey::display_id(&id)),
        });
    };
    let verifying = VerifyingKey::from_bytes(&key.key).map_err(|err| SignatureError::Invalid {
        format: Some(Format::Signify),
        key: Some(key.describe()),
        reason: format!("the trusted key is not an Ed25519 point: {err}"),
    })?;
    verifying
        .verify_strict(message, &signature)
        .map_err(|_| SignatureError::BadSignature {
            format: Format::Signify,
            key: key.describe(),
            detail: None,
        })?;
    Ok(Signer {
        format: Format::Signify,
        key: key.describe(),
        created: None,
    })
}

/// The second line of `text` (the first is the untrusted comment) and what
/// follows it. A text that ends before the second line's end was cut.
fn two_lines(text: &[u8]) -> Result<(&[u8], &[u8]), SignatureError> {
    let mut parts = text.splitn(3, |&b| b == b'\n');
    let _comment = parts.next();
    match (parts.next(), parts.next()) {
        (Some(line), Some(rest)) => Ok((line.strip_suffix(b"\r").unwrap_or(line), rest)),
        _ => Err(SignatureError::Truncated {
            format: Format::Signify,
            reason: "it ends before the end of its signature line".to_owned(),
        }),
    }
}

/// The key number and signature of a base64 signature line.
fn decode(line: &[u8]) -> Result<([u8; 8], Signature), SignatureError> {
    let text = std::str::from_utf8(line)
        .map_err(|_| invalid("a signature line that is not text".to_owned()))?;
    let bytes = Base64::decode_vec(text.trim())
        .map_err(|_| invalid("a signature line that is not base64".to_owned()))?;
    if bytes.len() < SIGNATURE_LEN && b"Ed".starts_with(&bytes[..bytes.len().min(2)]) {
        return Err(SignatureError::Truncated {
            format: Format::Signify,
            reason: format!("{} of its {SIGNATURE_LEN} bytes", bytes.len()),
        });
    }
    if bytes.len() != SIGNATURE_LEN || &bytes[..2] != b"Ed" {
        return Err(invalid(format!(
            "not an Ed25519 signature ({} bytes, algorithm {:?})",
            bytes.len(),
            String::from_utf8_lossy(&bytes[..bytes.len().min(2)])
        )));
    }
    let mut id = [0; 8];
    id.copy_from_slice(&bytes[2..10]);
    let mut signature = [0; 64];
    signature.copy_from_slice(&bytes[10..]);
    Ok((id, Signature::from_bytes(&signature)))
}

fn invalid(reason: String) -> SignatureError {
    SignatureError::Invalid {
        format: Some(Format::Signify),
        key: None,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_split_needs_a_whole_signature_line() {
        assert!(split_embedded(b"abc  x\n").unwrap().is_none());
        let err = split_embedded(b"untrusted comment: x\nRWQ").err().unwrap();
        assert!(matches!(err, SignatureError::Truncated { .. }), "{err}");
        let err = split_embedded(b"untrusted comment: x\nRWQAAA==\nmsg")
            .err()
            .unwrap();
        assert!(matches!(err, SignatureError::Truncated { .. }), "{err}");
        let err = split_embedded(b"untrusted comment: x\n!!\nmsg")
            .err()
            .unwrap();
        assert!(matches!(err, SignatureError::Invalid { .. }), "{err}");
    }
}
