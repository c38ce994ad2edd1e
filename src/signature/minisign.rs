//! minisign signatures, checked with `minisign-verify`.

use base64ct::{Base64, Encoding};

use super::error::SignatureError;
use super::keys::EdKey;
use super::{Format, Signer, TrustedKeys};

/// Checks a minisign signature file (untrusted comment, signature, trusted
/// comment, global signature) over `manifest`.
pub(super) fn verify(
    manifest: &[u8],
    signature: &[u8],
    keys: &TrustedKeys,
) -> Result<Signer, SignatureError> {
    let text = std::str::from_utf8(signature).map_err(|_| invalid("not text".to_owned()))?;
    let id = key_id(text)?;
    let Some(key) = keys.ed25519.iter().find(|k| k.id == id) else {
        return Err(SignatureError::Untrusted {
            format: Format::Minisign,
            key: format!("key ID {}", EdKey::display_id(&id)),
        });
    };
    let signature = minisign_verify::Signature::decode(text).map_err(|e| invalid(e.to_string()))?;
    let public = minisign_verify::PublicKey::from_base64(&key.base64).map_err(|e| {
        SignatureError::Invalid {
            format: Some(Format::Minisign),
            key: Some(key.describe()),
            reason: format!("the trusted key: {e}"),
        }
    })?;
    // Legacy (non-prehashed) signatures are Ed25519 over the file itself:
    // as strong, and still made by older minisign and by signify-compatible
    // tools.
    public
        .verify(manifest, &signature, true)
        .map_err(|_| SignatureError::BadSignature {
            format: Format::Minisign,
            key: key.describe(),
            detail: Some(signature.trusted_comment().to_owned()),
        })?;
    Ok(Signer {
        format: Format::Minisign,
        key: format!(
            "{}, trusted comment: {}",
            key.describe(),
            signature.trusted_comment()
        ),
        created: timestamp(signature.trusted_comment()),
    })
}

/// The key ID of the signature line; a file cut before its fourth line (or
/// inside a base64 line) is truncated.
fn key_id(text: &str) -> Result<[u8; 8], SignatureError> {
    let lines: Vec<&str> = text.lines().collect();
    let truncated = |reason: &str| SignatureError::Truncated {
        format: Format::Minisign,
        reason: reason.to_owned(),
    };
    let decoded = |line: &str| Base64::decode_vec(line.trim());
    let Some(signature_line) = lines.get(1) else {
        return Err(truncated("no signature line"));
    };
    let bytes = decoded(signature_line).map_err(|_| match lines.len() {
        2 => truncated("its signature line is cut"),
        _ => invalid("a signature line that is not base64".to_owned()),
    })?;
    if bytes.len() < 74 && lines.len() == 2 {
        return Err(truncated("its signature line is cut"));
    }
    if bytes.len() != 74 {
        return Err(invalid(format!(
            "a signature line of {} bytes, not 74",
            bytes.len()
        )));
    }
    match lines.get(3).map(|line| decoded(line).map(|b| b.len())) {
        Some(Ok(64)) => {}
        None | Some(_) if lines.len() <= 4 => {
            return Err(truncated("no whole global signature (fourth line)"))
        }
        _ => {
            return Err(invalid(
                "a global signature that is not 64 bytes".to_owned(),
            ))
        }
    }
    let mut id = [0; 8];
    id.copy_from_slice(&bytes[2..10]);
    Ok(id)
}

/// The time in a trusted comment's `timestamp:SECONDS` field (what `minisign
/// -S` writes).
fn timestamp(comment: &str) -> Option<std::time::SystemTime> {
    let field = comment
        .split('\t')
        .find_map(|f| f.strip_prefix("timestamp:"))?;
    let secs: u64 = field.trim().parse().ok()?;
    std::time::SystemTime::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(secs))
}

fn invalid(reason: String) -> SignatureError {
    SignatureError::Invalid {
        format: Some(Format::Minisign),
        key: None,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_timestamp_is_read() {
        let t = timestamp("timestamp:1600000000\tfile:SHA256SUMS\thashed").unwrap();
        assert_eq!(
            t.duration_since(std::time::SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            1_600_000_000
        );
        assert_eq!(timestamp("file:x"), None);
    }

    #[test]
    fn cut_files_are_truncated() {
        for text in [
            "untrusted comment: x",
            "untrusted comment: x\nRWQ",
            "untrusted comment: x\n",
        ] {
            let err = key_id(text).unwrap_err();
            assert!(
                matches!(err, SignatureError::Truncated { .. }),
                "{text:?}: {err}"
            );
        }
    }
}
