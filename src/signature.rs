//! Signed manifests (issue 17, cargo feature `signatures`): who published a
//! manifest, checked before any of its digests is trusted.
//!
//! A manifest is signed in one of these ways, each detected from the bytes,
//! never from a file name:
//!
//! * a detached signature beside it ([`signature_names`] lists the names to
//!   look for): OpenPGP (binary `.gpg`/`.sig` or armored `.asc`/`.sign`),
//!   minisign (`.minisig`), signify (`.sig`) or SSH (`ssh-keygen -Y sign -n
//!   file`, `.sig`);
//! * inside it: OpenPGP clear-signed text (Fedora's `*-CHECKSUM`) or
//!   signify's embedded form (OpenBSD's `SHA256.sig`, `signify -S -e`).
//!
//! [`verify`] checks the signature against the caller's [`TrustedKeys`] and
//! returns only the bytes the signature covers ([`Verified::body`]). Without
//! keys, [`unsigned_body`] drops the signature's framing so the checksum lines
//! can still be read, and says that a signature was present but not checked.
//! Keys are never fetched from a network.
//!
//! ```
//! use checksig::signature::{self, TrustedKeys};
//! use std::time::SystemTime;
//!
//! let keys = TrustedKeys::new();
//! let manifest = b"da39a3ee5e6b4b0d3255bfef95601890afd80709  empty\n";
//! // No signature at all: a distinct error, before any digest is looked at.
//! let err = signature::verify(manifest, None, &keys, SystemTime::now()).unwrap_err();
//! assert!(matches!(err, signature::SignatureError::Missing));
//! ```

mod clearsign;
mod error;
mod keys;
mod minisign;
mod openpgp;
mod signify;
mod ssh;

use std::borrow::Cow;
use std::fmt;
use std::time::SystemTime;

pub use error::{KeyError, SignatureError};
pub use keys::TrustedKeys;

/// A signature format.
///
/// ```
/// use checksig::signature::Format;
/// assert_eq!(Format::OpenPgp.to_string(), "OpenPGP");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// OpenPGP (RFC 4880 / RFC 9580): detached or clear-signed.
    OpenPgp,
    /// minisign: Ed25519 over the file's BLAKE2b (or, legacy, the file).
    Minisign,
    /// OpenBSD signify: Ed25519 over the file, detached or embedded.
    Signify,
    /// OpenSSH's SSHSIG (`ssh-keygen -Y sign -n file`).
    Ssh,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::OpenPgp => "OpenPGP",
            Format::Minisign => "minisign",
            Format::Signify => "signify",
            Format::Ssh => "SSH",
        })
    }
}

/// Who signed a manifest, and when.
///
/// ```
/// use checksig::signature::{Format, Signer};
/// let signer = Signer { format: Format::Signify, key: "key 0123456789ABCDEF".into(), created: None };
/// assert_eq!(signer.to_string(), "signify key 0123456789ABCDEF");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signer {
    /// The signature's format.
    pub format: Format,
    /// The key that made the signature, for display: an OpenPGP fingerprint
    /// and user ID, a minisign or signify key ID and the key file's comment,
    /// an SSH key's SHA-256 fingerprint and principals.
    pub key: String,
    /// When the signature says it was made (OpenPGP; minisign's trusted
    /// timestamp). signify and SSH signatures carry no time.
    pub created: Option<SystemTime>,
}

impl fmt::Display for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.format, self.key)
    }
}

impl Signer {
    /// When the signature was made, in UTC (`2024-01-02 00:00:00 UTC`), if it says.
    ///
    /// ```
    /// use checksig::signature::{Format, Signer};
    /// use std::time::{Duration, SystemTime};
    /// let created = SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_153_600);
    /// let signer = Signer { format: Format::OpenPgp, key: "key 00".into(), created: Some(created) };
    /// assert_eq!(signer.created_utc().as_deref(), Some("2024-01-02 00:00:00 UTC"));
    /// ```
    pub fn created_utc(&self) -> Option<String> {
        self.created.map(error::fmt_time)
    }
}

/// What a verification found out about its manifest's signature
/// ([`crate::Report::signature`]).
///
/// ```
/// use checksig::signature::{Format, SignatureCheck};
/// let check = SignatureCheck::Unchecked(Format::OpenPgp);
/// assert_eq!(check.to_string(), "OpenPGP signature present, not checked (no trusted key given)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureCheck {
    /// Checked against the trusted keys before any digest was used: made by
    /// this signer.
    Verified(Signer),
    /// The manifest holds a signature (clear-signed or embedded), or one lies
    /// beside it (`SHA256SUMS.gpg`), that was not checked, because no trusted
    /// key was given; its checksum lines were still read, as GNU's tools read
    /// them.
    Unchecked(Format),
}

impl fmt::Display for SignatureCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureCheck::Verified(signer) => {
                write!(f, "good {} signature by {}", signer.format, signer.key)?;
                match signer.created_utc() {
                    Some(created) => write!(f, ", made {created}"),
                    None => Ok(()),
                }
            }
            SignatureCheck::Unchecked(format) => write!(
                f,
                "{format} signature present, not checked (no trusted key given)"
            ),
        }
    }
}

/// A manifest whose signature was checked.
///
/// ```
/// # use checksig::signature::{Format, Signer, Verified};
/// let verified = Verified {
///     body: b"checksum lines\n"[..].into(),
///     line_offset: 0,
///     signer: Signer { format: Format::Ssh, key: "SHA256:...".into(), created: None },
/// };
/// assert_eq!(&*verified.body, b"checksum lines\n");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified<'a> {
    /// Only the bytes the signature covers: the whole manifest for a detached
    /// signature; the signed text of a clear-signed manifest (dash-unescaped,
    /// each line as signed: without trailing spaces or tabs, ending in `\n`),
    /// never a line outside it; the message of an embedded signify signature.
    /// Borrowed from the manifest unless dash-unescaping changed it.
    pub body: Cow<'a, [u8]>,
    /// How many lines of the manifest come before the body's first line (the
    /// armor header of a clear-signed manifest, the comment and signature
    /// lines of an embedded signify one; 0 with a detached signature): body
    /// line `n` is manifest line `n + line_offset`.
    pub line_offset: u64,
    /// Who signed it.
    pub signer: Signer,
}

impl Verified<'_> {
    /// The same, owning its body (copied when it was borrowed), or
    /// [`SignatureError::OutOfMemory`] when the copy cannot be allocated.
    ///
    /// ```
    /// # use checksig::signature::{Format, Signer, Verified};
    /// let text = b"checksum lines\n".to_vec();
    /// let verified = Verified {
    ///     body: text[..].into(),
    ///     line_offset: 0,
    ///     signer: Signer { format: Format::Ssh, key: "SHA256:...".into(), created: None },
    /// };
    /// let owned: Verified<'static> = verified.into_owned().unwrap();
    /// drop(text);
    /// assert_eq!(&*owned.body, b"checksum lines\n");
    /// ```
    pub fn into_owned(self) -> Result<Verified<'static>, SignatureError> {
        Ok(Verified {
            body: Cow::Owned(match self.body {
                Cow::Borrowed(bytes) => copy(bytes)?,
                Cow::Owned(bytes) => bytes,
            }),
            line_offset: self.line_offset,
            signer: self.signer,
        })
    }
}

/// The suffixes of detached signatures, in the order [`signature_names`]
/// gives them: OpenPGP binary (Ubuntu), OpenPGP armored, signify, SSH or
/// OpenPGP, OpenPGP armored (Debian), minisign.
pub const SIGNATURE_SUFFIXES: [&str; 5] = [".gpg", ".asc", ".sig", ".sign", ".minisig"];

/// The names of the detached signatures to look for beside a manifest, in the
/// order to try them: `NAME.gpg`, `NAME.asc`, `NAME.sig`, `NAME.sign`,
/// `NAME.minisig` ([`SIGNATURE_SUFFIXES`]). The first that exists is the
/// signature; its format is then read from its bytes.
///
/// ```
/// let names = checksig::signature::signature_names(b"SHA256SUMS");
/// assert_eq!(names[0], b"SHA256SUMS.gpg");
/// assert_eq!(names[4], b"SHA256SUMS.minisig");
/// ```
pub fn signature_names(manifest_name: &[u8]) -> Vec<Vec<u8>> {
    SIGNATURE_SUFFIXES
        .iter()
        .map(|suffix| [manifest_name, suffix.as_bytes()].concat())
        .collect()
}

/// Checks the signature of `manifest` against `keys` at time `now` (for key
/// expiry), and returns the bytes it covers and who signed them.
///
/// `detached` is a detached signature (its file name, for messages, and its
/// bytes); without one, the signature must be inside the manifest
/// (clear-signed OpenPGP or embedded signify). Each way of failing is its own
/// [`SignatureError`] variant.
///
/// ```
/// use checksig::signature::{self, SignatureError, TrustedKeys};
/// use std::time::SystemTime;
///
/// let keys = TrustedKeys::new();
/// let err = signature::verify(b"x", Some(("x.sig", b"junk")), &keys, SystemTime::now());
/// assert!(matches!(err, Err(SignatureError::Invalid { .. })));
/// ```
pub fn verify<'a>(
    manifest: &'a [u8],
    detached: Option<(&str, &[u8])>,
    keys: &TrustedKeys,
    now: SystemTime,
) -> Result<Verified<'a>, SignatureError> {
    match detached {
        Some((name, signature)) => {
            let signer = verify_detached(manifest, name, signature, keys, now)?;
            Ok(Verified {
                body: Cow::Borrowed(manifest),
                line_offset: 0,
                signer,
            })
        }
        None => match embedded(manifest)? {
            Some(Embedded::ClearSigned(parts)) => {
                let signer = openpgp::verify_clearsigned(&parts, keys, now)?;
                Ok(Verified {
                    body: Cow::Owned(parts.body()?),
                    line_offset: parts.first_line().map_or(0, |l| lines_before(manifest, l)),
                    signer,
                })
            }
            Some(Embedded::Signify(parts)) => {
                let signer = signify::verify(parts.message, parts.signature_line, keys)?;
                Ok(Verified {
                    body: Cow::Borrowed(parts.message),
                    line_offset: lines_before(manifest, parts.message),
                    signer,
                })
            }
            None => Err(SignatureError::Missing),
        },
    }
}

/// A manifest read without keys: its checksum lines, and whether a signature
/// was there (and was not checked).
///
/// ```
/// let unsigned = checksig::signature::unsigned_body(b"abc  x\n").unwrap();
/// assert_eq!(unsigned.signature, None);
/// assert_eq!(&*unsigned.body, b"abc  x\n");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsigned<'a> {
    /// The checksum lines: the whole manifest, or for a signed one the text
    /// the signature would cover (the armor and signature lines dropped).
    pub body: Cow<'a, [u8]>,
    /// How many lines of the manifest come before the body's first line, as
    /// [`Verified::line_offset`]; 0 for a manifest without a signature.
    pub line_offset: u64,
    /// The format of the signature inside the manifest, which was not checked.
    pub signature: Option<Format>,
}

/// The checksum lines of `manifest` when no keys are given: a clear-signed or
/// signify-embedded manifest loses its signature framing (as GNU `sha256sum
/// -c` ignores those lines), and [`Unsigned::signature`] says a signature was
/// present but not checked. Any other manifest is returned as it is.
///
/// ```
/// let text = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n\
///     - -dash\nabc  x\n-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n";
/// let unsigned = checksig::signature::unsigned_body(text).unwrap();
/// assert_eq!(&*unsigned.body, b"-dash\nabc  x\n");
/// assert_eq!(unsigned.signature, Some(checksig::signature::Format::OpenPgp));
/// ```
pub fn unsigned_body(manifest: &[u8]) -> Result<Unsigned<'_>, SignatureError> {
    Ok(match embedded(manifest)? {
        Some(Embedded::ClearSigned(parts)) => Unsigned {
            body: Cow::Owned(parts.body()?),
            line_offset: parts.first_line().map_or(0, |l| lines_before(manifest, l)),
            signature: Some(Format::OpenPgp),
        },
        Some(Embedded::Signify(parts)) => Unsigned {
            body: Cow::Borrowed(parts.message),
            line_offset: lines_before(manifest, parts.message),
            signature: Some(Format::Signify),
        },
        None => Unsigned {
            body: Cow::Borrowed(manifest),
            line_offset: 0,
            signature: None,
        },
    })
}

/// How many lines of `manifest` come before `first`, a slice of it (the
/// first line of its body): dash-unescaping keeps lines one for one, so
/// body line `n` is manifest line `n` plus this.
fn lines_before(manifest: &[u8], first: &[u8]) -> u64 {
    let start = (first.as_ptr() as usize).saturating_sub(manifest.as_ptr() as usize);
    memchr::memchr_iter(b'\n', &manifest[..start.min(manifest.len())]).count() as u64
}

/// A signature inside the manifest.
enum Embedded<'a> {
    ClearSigned(clearsign::Parts<'a>),
    Signify(signify::EmbeddedParts<'a>),
}

/// The signature inside `manifest`, if there is one.
fn embedded(manifest: &[u8]) -> Result<Option<Embedded<'_>>, SignatureError> {
    if let Some(parts) = clearsign::split(manifest)? {
        return Ok(Some(Embedded::ClearSigned(parts)));
    }
    Ok(signify::split_embedded(manifest)?.map(Embedded::Signify))
}

/// Checks a detached signature, its format read from its bytes.
fn verify_detached(
    manifest: &[u8],
    name: &str,
    signature: &[u8],
    keys: &TrustedKeys,
    now: SystemTime,
) -> Result<Signer, SignatureError> {
    match detect(signature) {
        Some(Format::OpenPgp) => openpgp::verify_detached(manifest, signature, keys, now),
        Some(Format::Minisign) => minisign::verify(manifest, signature, keys),
        Some(Format::Signify) => signify::verify_detached(manifest, signature, keys),
        Some(Format::Ssh) => ssh::verify(manifest, signature, keys, now),
        None => Err(SignatureError::Invalid {
            format: None,
            key: None,
            reason: format!("{name} is not a signature in a known format"),
        }),
    }
}

/// The format of a detached signature, from its first bytes.
pub(crate) fn detect(signature: &[u8]) -> Option<Format> {
    let text = trim_start(signature);
    if text.starts_with(b"-----BEGIN PGP SIGNATURE-----") {
        Some(Format::OpenPgp)
    } else if text.starts_with(b"-----BEGIN SSH SIGNATURE-----") {
        Some(Format::Ssh)
    } else if text.starts_with(b"untrusted comment:") {
        // minisign's third line is its signed ("trusted") comment; signify
        // has none.
        let third = text.split(|&b| b == b'\n').nth(2).unwrap_or_default();
        if third.starts_with(b"trusted comment:") {
            Some(Format::Minisign)
        } else {
            Some(Format::Signify)
        }
    } else if text.first().is_some_and(|&b| b & 0x80 != 0) {
        // A binary OpenPGP packet: its tag byte has the top bit set.
        Some(Format::OpenPgp)
    } else {
        None
    }
}

/// `bytes` without leading ASCII white space.
fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

/// A copy of `bytes`, or an error instead of an abort when memory is short.
fn copy(bytes: &[u8]) -> Result<Vec<u8>, SignatureError> {
    let mut out = Vec::new();
    out.try_reserve_exact(bytes.len())
        .map_err(|_| SignatureError::OutOfMemory)?;
    out.extend_from_slice(bytes);
    Ok(out)
}

/// Upper-case hexadecimal of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_format_from_its_bytes() {
        assert_eq!(
            detect(b"\n-----BEGIN PGP SIGNATURE-----\n"),
            Some(Format::OpenPgp)
        );
        assert_eq!(detect(&[0x88, 0x75]), Some(Format::OpenPgp));
        assert_eq!(
            detect(b"-----BEGIN SSH SIGNATURE-----\n"),
            Some(Format::Ssh)
        );
        assert_eq!(
            detect(b"untrusted comment: x\nRWQ=\ntrusted comment: t\nAA==\n"),
            Some(Format::Minisign)
        );
        assert_eq!(
            detect(b"untrusted comment: x\nRWQ=\n"),
            Some(Format::Signify)
        );
        assert_eq!(detect(b"abc"), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn signature_names_in_documented_order() {
        let names = signature_names(b"SHA512SUMS");
        let names: Vec<_> = names.iter().map(|n| String::from_utf8_lossy(n)).collect();
        assert_eq!(
            names,
            [
                "SHA512SUMS.gpg",
                "SHA512SUMS.asc",
                "SHA512SUMS.sig",
                "SHA512SUMS.sign",
                "SHA512SUMS.minisig"
            ]
        );
    }

    #[test]
    fn plain_manifest_is_missing_a_signature() {
        let keys = TrustedKeys::new();
        let err = verify(b"abc  x\n", None, &keys, SystemTime::now()).unwrap_err();
        assert!(matches!(err, SignatureError::Missing), "{err}");
    }
}
