//! `--key FILE`: the keys a manifest must be signed with (issue 17), and how
//! a signature's outcome is shown.

use std::path::PathBuf;
use std::sync::Arc;

use checksig::signature::{SignatureCheck, TrustedKeys};

/// The keys of every `--key FILE`, or `None` when none was given. An error
/// names the key file and why it could not be used.
pub fn load(files: &[PathBuf]) -> Result<Option<Arc<TrustedKeys>>, String> {
    if files.is_empty() {
        return Ok(None);
    }
    let mut keys = TrustedKeys::new();
    for file in files {
        if let Err(e) = keys.add_file(file) {
            return Err(format!("cannot use key: {e}"));
        }
    }
    Ok(Some(Arc::new(keys)))
}

/// One line on a manifest's signature, such as `signature: good OpenPGP
/// signature by key 1A2B... (Alice <alice@example.org>), made 2024-01-02
/// 00:00:00 UTC`.
pub fn line(check: &SignatureCheck) -> String {
    match check {
        SignatureCheck::Unchecked(format) => {
            format!("signature: {format} signature present, not checked (give --key FILE)")
        }
        other => format!("signature: {other}"),
    }
}

/// A signature's outcome for `--json`.
#[derive(Debug, serde::Serialize)]
pub struct SignatureJson {
    /// Whether the signature was checked against the `--key`s.
    pub checked: bool,
    /// `OpenPGP`, `minisign`, `signify` or `SSH`.
    pub format: String,
    /// The key that signed (when checked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// When the signature says it was made, in seconds since 1970 (when it says).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<u64>,
}

impl SignatureJson {
    /// The JSON form of `check`.
    pub fn new(check: &SignatureCheck) -> SignatureJson {
        match check {
            SignatureCheck::Verified(signer) => SignatureJson {
                checked: true,
                format: signer.format.to_string(),
                key: Some(signer.key.clone()),
                created: signer
                    .created
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| d.as_secs()),
            },
            SignatureCheck::Unchecked(format) => SignatureJson {
                checked: false,
                format: format.to_string(),
                key: None,
                created: None,
            },
            // A future kind of outcome: its text, unchecked.
            other => SignatureJson {
                checked: false,
                format: other.to_string(),
                key: None,
                created: None,
            },
        }
    }
}
