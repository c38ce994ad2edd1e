//! SSH signatures (`ssh-keygen -Y sign -n file`), checked with RustCrypto's
//! `ssh-key`, against public keys or an OpenSSH `allowed_signers` file.

use std::time::{Duration, SystemTime};

use ssh_key::{HashAlg, PublicKey, SshSig};

use super::error::{KeyError, SignatureError};
use super::{Format, Signer, TrustedKeys};

/// The namespace `ssh-keygen -Y sign -n file` signs in, and the only one
/// accepted: a signature made for another purpose (git commits, e-mail) is
/// not a manifest's signature.
const NAMESPACE: &str = "file";

const BEGIN: &[u8] = b"-----BEGIN SSH SIGNATURE-----";
const END: &[u8] = b"-----END SSH SIGNATURE-----";

/// A trusted SSH key: a public key line, or one line of `allowed_signers`
/// with its principals and the options that limit it.
#[derive(Clone, Debug)]
pub(super) struct SshKey {
    key: PublicKey,
    principals: Option<String>,
    namespaces: Option<Vec<String>>,
    valid_after: Option<SystemTime>,
    valid_before: Option<SystemTime>,
}

impl SshKey {
    pub(super) fn describe(&self) -> String {
        let fingerprint = self.key.fingerprint(HashAlg::Sha256);
        match &self.principals {
            Some(principals) => format!("key {fingerprint} ({principals})"),
            None if self.key.comment().is_empty() => format!("key {fingerprint}"),
            None => format!("key {fingerprint} ({})", self.key.comment()),
        }
    }
}

/// Reads SSH public keys (`ssh-ed25519 AAAA... comment`, one a line) or
/// `allowed_signers` lines (`principals [options] keytype key [comment]`).
pub(super) fn parse_keys(text: &[u8]) -> Result<Vec<SshKey>, KeyError> {
    let text = std::str::from_utf8(text)
        .map_err(|_| KeyError::invalid("not a key in a known format (not text)"))?;
    let mut keys = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let key = parse_line(line).map_err(|reason| {
            KeyError::invalid(format!(
                "line {}: {reason}{}",
                index + 1,
                if keys.is_empty() && index == 0 {
                    " (not a key in a known format)"
                } else {
                    ""
                }
            ))
        })?;
        keys.push(key);
    }
    if keys.is_empty() {
        return Err(KeyError::invalid("not a key in a known format (no key)"));
    }
    Ok(keys)
}

/// One line: a public key, or an `allowed_signers` entry.
fn parse_line(line: &str) -> Result<SshKey, String> {
    let mut limits = Limits::default();
    let (principals, rest) = if is_key_type(line) {
        (None, line)
    } else {
        let (principals, rest) = token(line);
        let rest = if is_key_type(rest) {
            rest
        } else {
            let (options, rest) = token(rest);
            limits = parse_options(options)?;
            rest
        };
        (Some(principals.trim_matches('"').to_owned()), rest)
    };
    let key = PublicKey::from_openssh(rest).map_err(|e| format!("not an SSH public key: {e}"))?;
    Ok(SshKey {
        key,
        principals,
        namespaces: limits.namespaces,
        valid_after: limits.valid_after,
        valid_before: limits.valid_before,
    })
}

/// The options of an `allowed_signers` line.
#[derive(Default)]
struct Limits {
    namespaces: Option<Vec<String>>,
    valid_after: Option<SystemTime>,
    valid_before: Option<SystemTime>,
}

/// Whether `text` starts with an SSH key type.
fn is_key_type(text: &str) -> bool {
    ["ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-"]
        .iter()
        .any(|prefix| text.starts_with(prefix))
}

/// The first white-space separated token of `text` (double quotes keep white
/// space inside), and the rest after the white space that follows it.
fn token(text: &str) -> (&str, &str) {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return (&text[..i], text[i..].trim_start()),
            _ => {}
        }
    }
    (text, "")
}

/// Applies `allowed_signers` options (`namespaces="..."`, `valid-after=`,
/// `valid-before=`); a certificate authority is refused (certificates are
/// not supported).
fn parse_options(options: &str) -> Result<Limits, String> {
    let mut key = Limits::default();
    for option in split_options(options) {
        let (name, value) = option.split_once('=').unwrap_or((option, ""));
        let value = value.trim_matches('"');
        match name.to_ascii_lowercase().as_str() {
            "namespaces" => {
                key.namespaces = Some(value.split(',').map(str::to_owned).collect());
            }
            "valid-after" => key.valid_after = Some(parse_time(value)?),
            "valid-before" => key.valid_before = Some(parse_time(value)?),
            "cert-authority" => {
                return Err("cert-authority: SSH certificates are not supported".to_owned())
            }
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(key)
}

/// `a,b="c,d",e` split at the commas outside quotes.
fn split_options(options: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in options.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&options[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&options[start..]);
    parts
}

/// An `allowed_signers` time: `YYYYMMDD[HHMM[SS]][Z]`, read as UTC (OpenSSH
/// reads a time without `Z` as local time; a library has no business with
/// the process's time zone).
fn parse_time(value: &str) -> Result<SystemTime, String> {
    let digits = value.strip_suffix(['Z', 'z']).unwrap_or(value);
    let bad = || format!("time {value:?} is not YYYYMMDD[HHMM[SS]][Z]");
    if !matches!(digits.len(), 8 | 12 | 14) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| {
        digits
            .get(range)
            .map_or(0, |s| s.parse::<u64>().unwrap_or(0))
    };
    let (year, month, day) = (num(0..4), num(4..6), num(6..8));
    let (hour, minute, second) = (num(8..10), num(10..12), num(12..14));
    if !(1970..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(bad());
    }
    // Days from the civil date (H. Hinnant's algorithm), for years >= 1970.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y % 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second;
    Ok(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// Checks an SSH signature over `manifest` made in the `file` namespace.
pub(super) fn verify(
    manifest: &[u8],
    signature: &[u8],
    keys: &TrustedKeys,
    now: SystemTime,
) -> Result<Signer, SignatureError> {
    let sig = parse(signature)?;
    let signer_key = PublicKey::from(sig.public_key().clone());
    let fingerprint = format!("key {}", signer_key.fingerprint(HashAlg::Sha256));
    if sig.namespace() != NAMESPACE {
        return Err(SignatureError::Invalid {
            format: Some(Format::Ssh),
            key: Some(fingerprint),
            reason: format!(
                "made for namespace {:?}, not {NAMESPACE:?} (ssh-keygen -Y sign -n file)",
                sig.namespace()
            ),
        });
    }
    let mut refusal = None;
    for key in keys
        .ssh
        .iter()
        .filter(|k| k.key.key_data() == sig.public_key())
    {
        if let Err(err) = usable(key, now) {
            refusal = Some(err);
            continue;
        }
        return match key.key.verify(NAMESPACE, manifest, &sig) {
            Ok(()) => Ok(Signer {
                format: Format::Ssh,
                key: key.describe(),
                created: None,
            }),
            Err(_) => Err(SignatureError::BadSignature {
                format: Format::Ssh,
                key: key.describe(),
                detail: None,
            }),
        };
    }
    Err(refusal.unwrap_or(SignatureError::Untrusted {
        format: Format::Ssh,
        key: fingerprint,
    }))
}

/// Whether an `allowed_signers` entry lets its key sign files now.
fn usable(key: &SshKey, now: SystemTime) -> Result<(), SignatureError> {
    if let Some(namespaces) = &key.namespaces {
        if !namespaces.iter().any(|n| n == NAMESPACE) {
            return Err(SignatureError::Invalid {
                format: Some(Format::Ssh),
                key: Some(key.describe()),
                reason: format!("allowed_signers limits the key to namespaces {namespaces:?}"),
            });
        }
    }
    if let Some(before) = key.valid_before {
        if now >= before {
            return Err(SignatureError::Expired {
                format: Format::Ssh,
                key: key.describe(),
                expired: before,
            });
        }
    }
    if let Some(after) = key.valid_after {
        if now < after {
            return Err(SignatureError::Invalid {
                format: Some(Format::Ssh),
                key: Some(key.describe()),
                reason: "allowed_signers makes the key valid only later (valid-after)".to_owned(),
            });
        }
    }
    Ok(())
}

/// Reads the armored signature; one without its end line was cut short.
fn parse(signature: &[u8]) -> Result<SshSig, SignatureError> {
    let has_end = signature
        .split(|&b| b == b'\n')
        .any(|line| line.trim_ascii() == END);
    if !has_end {
        return Err(SignatureError::Truncated {
            format: Format::Ssh,
            reason: format!("no {} line", String::from_utf8_lossy(END)),
        });
    }
    debug_assert!(super::trim_start(signature).starts_with(BEGIN));
    SshSig::from_pem(signature).map_err(|err| SignatureError::Invalid {
        format: Some(Format::Ssh),
        key: None,
        reason: err.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmd6sbCxtPkbuuTVUJcfMMkeA1Yt/VaA5OlS26gMMEh";

    #[test]
    fn public_key_and_allowed_signers_lines() {
        let keys = parse_keys(format!("{KEY} me@host\n").as_bytes()).unwrap();
        assert_eq!(keys[0].principals, None);
        let line = format!(
            "me@example.org,\"you@example.org\" namespaces=\"file,git\",valid-before=\"20300101Z\" {KEY}\n# comment\n\nother@x {KEY}"
        );
        let keys = parse_keys(line.as_bytes()).unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(
            keys[0].namespaces.as_deref(),
            Some(&["file".to_owned(), "git".to_owned()][..])
        );
        assert_eq!(
            keys[0].valid_before,
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_456_000))
        );
        assert_eq!(keys[1].principals.as_deref(), Some("other@x"));
    }

    #[test]
    fn bad_lines_are_named() {
        let err = parse_keys(format!("{KEY}\nx cert-authority {KEY}\n").as_bytes()).unwrap_err();
        assert!(
            err.to_string().starts_with("line 2: cert-authority"),
            "{err}"
        );
        let err = parse_keys(format!("x valid-before=\"2030\" {KEY}\n").as_bytes()).unwrap_err();
        assert!(err.to_string().contains("YYYYMMDD"), "{err}");
        assert!(parse_keys(b"# nothing\n").is_err());
    }

    #[test]
    fn times_are_utc() {
        let at = |s| {
            parse_time(s)
                .unwrap()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs()
        };
        assert_eq!(at("19700101"), 0);
        assert_eq!(at("20000229Z"), 951_782_400);
        assert_eq!(at("202001012359"), 1_577_923_140);
        assert_eq!(at("20200101235959"), 1_577_923_199);
        assert!(parse_time("20201301").is_err());
    }

    #[test]
    fn a_signature_without_its_end_line_is_truncated() {
        let err = parse(b"-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n").unwrap_err();
        assert!(matches!(err, SignatureError::Truncated { .. }), "{err}");
    }
}
