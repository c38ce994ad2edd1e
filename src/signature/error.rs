//! What can go wrong when checking a signature or reading a key.

use std::time::SystemTime;

use super::Format;

/// Why a manifest's signature was not accepted. Each way of failing is its own
/// variant; each message names the key (when one is known) and the reason.
/// The caller adds the manifest's file name.
///
/// ```
/// use checksig::signature::{Format, SignatureError};
/// let err = SignatureError::Untrusted { format: Format::Minisign, key: "key ID 0123".into() };
/// assert_eq!(err.to_string(), "minisign signature by key ID 0123, which is not among the trusted keys");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// Neither a detached signature nor one inside the manifest.
    #[error("no signature: none beside the manifest and none inside it")]
    Missing,
    /// The signature could not be read: not a signature, an unsupported
    /// algorithm, a weak hash, a key not allowed to sign.
    #[error("invalid {}signature{}: {reason}", fmt_format(*.format), fmt_key(.key.as_deref()))]
    Invalid {
        /// The format, when it was recognised.
        format: Option<Format>,
        /// The key, when it was named.
        key: Option<String>,
        /// Why.
        reason: String,
    },
    /// The signature ends early (a cut download).
    #[error("truncated {format} signature: {reason}")]
    Truncated {
        /// The format.
        format: Format,
        /// What is missing.
        reason: String,
    },
    /// Made by a key that is not among the trusted keys.
    #[error("{format} signature by {key}, which is not among the trusted keys")]
    Untrusted {
        /// The format.
        format: Format,
        /// The key the signature names.
        key: String,
    },
    /// Made by a trusted key that had expired (at the signature's time or now).
    #[error("{format} signature by {key}, which expired at {}", fmt_time(*.expired))]
    Expired {
        /// The format.
        format: Format,
        /// The key.
        key: String,
        /// When it expired.
        expired: SystemTime,
    },
    /// Made by a trusted key that its owner revoked.
    #[error("{format} signature by {key}, which is revoked")]
    Revoked {
        /// The format.
        format: Format,
        /// The key.
        key: String,
    },
    /// Made by a trusted key, but not over these bytes: the manifest was
    /// changed after signing, or the signature is of another file.
    #[error("{format} signature by {key} does not match the manifest (changed after signing, or the signature of another file){}", fmt_detail(.detail.as_deref()))]
    BadSignature {
        /// The format.
        format: Format,
        /// The key.
        key: String,
        /// What else the signature says (minisign's trusted comment).
        detail: Option<String>,
    },
    /// Memory for the manifest's signed text could not be had.
    #[error("out of memory for the signed text")]
    OutOfMemory,
}

/// Why a trusted key could not be read.
///
/// ```
/// use checksig::signature::TrustedKeys;
/// let err = TrustedKeys::new().add(b"not a key").unwrap_err();
/// assert!(err.to_string().contains("not a key in a known format"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Not a key, or a key that cannot be used.
    #[error("{reason}")]
    Invalid {
        /// Why.
        reason: String,
    },
    /// A key file that could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
}

impl KeyError {
    pub(super) fn invalid(reason: impl Into<String>) -> Self {
        KeyError::Invalid {
            reason: reason.into(),
        }
    }
}

fn fmt_format(format: Option<Format>) -> String {
    format.map_or_else(String::new, |f| format!("{f} "))
}

fn fmt_key(key: Option<&str>) -> String {
    key.map_or_else(String::new, |k| format!(" by {k}"))
}

fn fmt_detail(detail: Option<&str>) -> String {
    detail.map_or_else(String::new, |d| format!("; it says: {d}"))
}

/// A time as a UTC date and time (a calendar crate for one message would not
/// earn its place).
pub(super) fn fmt_time(time: SystemTime) -> String {
    let Ok(since) = time.duration_since(SystemTime::UNIX_EPOCH) else {
        return "a time before 1970".to_owned();
    };
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days to a civil date (proleptic Gregorian), after H. Hinnant's algorithm.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn times_are_utc_dates() {
        let at = |secs| fmt_time(SystemTime::UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(at(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(at(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(at(1_577_923_199), "2020-01-01 23:59:59 UTC");
        assert_eq!(at(4_102_444_800), "2100-01-01 00:00:00 UTC");
    }
}
