//! The keys a caller trusts, each format detected from the key's bytes.

use std::io::Read;
use std::path::Path;

use base64ct::{Base64, Encoding};

use super::error::KeyError;
use super::{hex, openpgp, ssh, trim_start};

/// The largest key file read by [`TrustedKeys::add_file`]: a keyring of
/// thousands of certificates fits; a wrong file (a disk image) is refused
/// before it fills memory.
const MAX_KEY_FILE: u64 = 16 << 20;

/// The public keys whose signatures are trusted, given by the caller (never
/// fetched from a network): OpenPGP certificates or keyrings (armored or
/// binary), minisign public keys, signify public keys, SSH public keys or an
/// OpenSSH `allowed_signers` file. The format is read from the bytes.
///
/// ```
/// use checksig::signature::TrustedKeys;
/// let mut keys = TrustedKeys::new();
/// // A minisign public key, as `minisign -G` writes it.
/// keys.add(b"untrusted comment: minisign public key 8C87A1D0C1E1F2B4\n\
///            RWS08uHB0KGHjFdUVJ0wDIwbThCFPa9O86B2JCeylRCnp5Xpl4nu+ch3\n")?;
/// assert_eq!(keys.len(), 1);
/// # Ok::<(), checksig::signature::KeyError>(())
/// ```
#[derive(Clone, Default)]
pub struct TrustedKeys {
    pub(super) openpgp: Vec<pgp::composed::SignedPublicKey>,
    pub(super) ed25519: Vec<EdKey>,
    pub(super) ssh: Vec<ssh::SshKey>,
}

impl std::fmt::Debug for TrustedKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustedKeys")
            .field("openpgp", &self.openpgp.len())
            .field("minisign_or_signify", &self.ed25519.len())
            .field("ssh", &self.ssh.len())
            .finish()
    }
}

/// A minisign or signify public key: the two share one format (signify's
/// `Ed` + 8-byte key number + 32-byte Ed25519 key, in base64 under an
/// untrusted comment line), so either kind of signature is checked with it.
#[derive(Clone, Debug)]
pub(super) struct EdKey {
    pub(super) id: [u8; 8],
    pub(super) key: [u8; 32],
    /// The key line, as minisign-verify reads it.
    pub(super) base64: String,
    /// The untrusted comment of the key file (for display only).
    pub(super) comment: String,
}

impl EdKey {
    /// The key ID as minisign prints it (the 8 bytes as a little-endian
    /// number in hexadecimal).
    pub(super) fn display_id(id: &[u8; 8]) -> String {
        let mut reversed = *id;
        reversed.reverse();
        hex(&reversed)
    }

    /// The key for display: its ID and comment.
    pub(super) fn describe(&self) -> String {
        let id = Self::display_id(&self.id);
        if self.comment.is_empty() {
            format!("key ID {id}")
        } else {
            format!("key ID {id} ({})", self.comment)
        }
    }
}

impl TrustedKeys {
    /// No keys.
    ///
    /// ```
    /// assert!(checksig::signature::TrustedKeys::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds every key in `bytes` (one key file's content) and returns how
    /// many it held.
    ///
    /// ```
    /// use checksig::signature::TrustedKeys;
    /// let mut keys = TrustedKeys::new();
    /// let added = keys.add(b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmd6sbCxtPkbuuTVUJcfMMkeA1Yt/VaA5OlS26gMMEh me@host\n")?;
    /// assert_eq!(added, 1);
    /// # Ok::<(), checksig::signature::KeyError>(())
    /// ```
    pub fn add(&mut self, bytes: &[u8]) -> Result<usize, KeyError> {
        let text = trim_start(bytes);
        let added = if text.starts_with(b"-----BEGIN PGP PRIVATE KEY BLOCK-----") {
            return Err(KeyError::invalid(
                "an OpenPGP secret key: give the public key (gpg --export)",
            ));
        } else if text.starts_with(b"-----BEGIN PGP PUBLIC KEY BLOCK-----")
            || text.first().is_some_and(|&b| b & 0x80 != 0)
        {
            let certs = openpgp::parse_keys(text)?;
            let n = certs.len();
            self.openpgp.extend(certs);
            n
        } else if let Some(key) = parse_ed25519(text)? {
            self.ed25519.push(key);
            1
        } else {
            let keys = ssh::parse_keys(text)?;
            let n = keys.len();
            self.ssh.extend(keys);
            n
        };
        Ok(added)
    }

    /// Adds every key in the file at `path` (at most 16 MiB); a file that
    /// holds no key is an error naming it.
    ///
    /// ```no_run
    /// let mut keys = checksig::signature::TrustedKeys::new();
    /// keys.add_file("/usr/share/keyrings/ubuntu-archive-keyring.gpg".as_ref())?;
    /// # Ok::<(), checksig::signature::KeyError>(())
    /// ```
    pub fn add_file(&mut self, path: &Path) -> Result<usize, KeyError> {
        let io = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| file.take(MAX_KEY_FILE + 1).read_to_end(&mut bytes))
            .map_err(io)?;
        if bytes.len() as u64 > MAX_KEY_FILE {
            return Err(KeyError::invalid(format!(
                "{}: larger than {MAX_KEY_FILE} bytes, not a key file",
                path.display()
            )));
        }
        match self.add(&bytes) {
            // A key file that trusts nobody is a mistake, not an empty set.
            Ok(0) => Err(KeyError::invalid(format!(
                "{}: no key in it",
                path.display()
            ))),
            Ok(added) => Ok(added),
            Err(KeyError::Invalid { reason }) => {
                Err(KeyError::invalid(format!("{}: {reason}", path.display())))
            }
            Err(other) => Err(other),
        }
    }

    /// How many keys are trusted (each OpenPGP certificate counts once).
    ///
    /// ```
    /// assert_eq!(checksig::signature::TrustedKeys::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.openpgp.len() + self.ed25519.len() + self.ssh.len()
    }

    /// Every trusted key for a message, such as `OpenPGP key 1A2B... (Alice
    /// <alice@example.org>), SSH key SHA256:...`; `no key` when there is none.
    ///
    /// ```
    /// assert_eq!(checksig::signature::TrustedKeys::new().describe(), "no key");
    /// ```
    pub fn describe(&self) -> String {
        let keys: Vec<String> = self
            .openpgp
            .iter()
            .map(|cert| format!("OpenPGP {}", openpgp::describe(cert, None)))
            .chain(
                self.ed25519
                    .iter()
                    .map(|key| format!("minisign/signify {}", key.describe())),
            )
            .chain(self.ssh.iter().map(|key| format!("SSH {}", key.describe())))
            .collect();
        if keys.is_empty() {
            "no key".to_owned()
        } else {
            keys.join(", ")
        }
    }

    /// Whether no key is trusted.
    ///
    /// ```
    /// assert!(checksig::signature::TrustedKeys::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A minisign or signify public key: an optional `untrusted comment:` line,
/// then the base64 of `Ed` + key ID + key. `None` when `text` is not one.
fn parse_ed25519(text: &[u8]) -> Result<Option<EdKey>, KeyError> {
    let Ok(text) = std::str::from_utf8(text) else {
        return Ok(None);
    };
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let (comment, line) = match lines.next() {
        Some(first) if first.starts_with("untrusted comment:") => {
            let comment = first["untrusted comment:".len()..].trim();
            (comment, lines.next().unwrap_or_default())
        }
        // A bare key, as minisign's -P option takes it.
        Some(first) if first.len() == 56 && !first.contains(' ') => ("", first),
        _ => return Ok(None),
    };
    if lines.next().is_some() {
        return Err(KeyError::invalid(
            "a minisign or signify public key has two lines; this has more",
        ));
    }
    let bytes = Base64::decode_vec(line)
        .map_err(|_| KeyError::invalid("a minisign or signify public key that is not base64"))?;
    if bytes.len() != 42 || &bytes[..2] != b"Ed" {
        return Err(KeyError::invalid(format!(
            "not a minisign or signify Ed25519 public key ({} bytes, algorithm {:?})",
            bytes.len(),
            String::from_utf8_lossy(&bytes[..bytes.len().min(2)])
        )));
    }
    let mut id = [0; 8];
    id.copy_from_slice(&bytes[2..10]);
    let mut key = [0; 32];
    key.copy_from_slice(&bytes[10..]);
    Ok(Some(EdKey {
        id,
        key,
        base64: line.to_owned(),
        comment: comment.to_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_bytes_are_refused() {
        assert!(TrustedKeys::new().add(b"hello world").is_err());
        assert!(TrustedKeys::new().add(b"").is_err());
    }

    #[test]
    fn secret_keys_are_refused() {
        let err = TrustedKeys::new()
            .add(b"-----BEGIN PGP PRIVATE KEY BLOCK-----\n")
            .unwrap_err();
        assert!(err.to_string().contains("secret key"), "{err}");
    }

    #[test]
    fn ed25519_key_with_and_without_comment() {
        let line = "RWS08uHB0KGHjFdUVJ0wDIwbThCFPa9O86B2JCeylRCnp5Xpl4nu+ch3";
        let key = parse_ed25519(line.as_bytes()).unwrap().unwrap();
        assert_eq!(key.comment, "");
        let text = format!("untrusted comment: signify public key\n{line}\n");
        let key = parse_ed25519(text.as_bytes()).unwrap().unwrap();
        assert_eq!(key.comment, "signify public key");
        assert_eq!(
            key.describe(),
            format!("key ID {} (signify public key)", EdKey::display_id(&key.id))
        );
        let short = "untrusted comment: x\nRWS08uHB0KGHjFdUVJ0w\n";
        assert!(parse_ed25519(short.as_bytes()).is_err());
    }
}
