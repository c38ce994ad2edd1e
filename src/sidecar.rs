//! Hash-only sidecar files: `file.iso.sha256` holding just the digest of
//! `file.iso`, as many download pages offer.
//!
//! A sidecar whose line also names a file (`<hex>  file.iso`) is an ordinary
//! one-line manifest and is read as such; this module handles the bare form.
//!
//! ```
//! use checksig::{sidecar, Algorithm};
//! let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
//! let manifest = sidecar::parse("dl/file.iso.sha256".as_ref(), Algorithm::Sha256, hex.as_bytes()).unwrap();
//! let entry = manifest.entries().next().unwrap();
//! assert_eq!(entry.name, b"dl/file.iso");
//! assert_eq!(entry.digest.to_hex(), hex);
//! ```

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::digest::{Algorithm, Digest};
use crate::manifest::{Entry, Item, Manifest, Style};

/// The one-entry manifest of a bare sidecar at `path` (the file it checks is
/// `path` without its last extension), or `None` if `bytes` is not one
/// digest of `algorithm` (surrounding blanks and line ends allowed) or
/// `path` does not end in an algorithm's extension (see [`target`]).
pub fn parse(path: &Path, algorithm: Algorithm, bytes: &[u8]) -> Option<Manifest> {
    let digest = Digest::from_hex(algorithm, bytes.trim_ascii())?;
    let target = target(path)?;
    Some(Manifest::from_items(vec![Item::Entry(Entry {
        line: 1,
        name: target.as_os_str().as_bytes().to_vec(),
        digest,
        style: Style::Text,
    })]))
}

/// The file a sidecar checks: its path without the last extension
/// (`file.iso.sha256` checks `file.iso`); `None` unless that extension names
/// an algorithm ([`crate::detect::from_extension`]), so that a manifest such
/// as `sha1sum.txt` holding a bare digest stays a malformed manifest.
///
/// ```
/// use std::path::Path;
/// assert_eq!(checksig::sidecar::target(Path::new("a/f.iso.md5")), Some(Path::new("a/f.iso").into()));
/// assert_eq!(checksig::sidecar::target(Path::new("SHA256SUMS")), None);
/// assert_eq!(checksig::sidecar::target(Path::new("sha1sum.txt")), None);
/// ```
pub fn target(path: &Path) -> Option<std::path::PathBuf> {
    crate::detect::from_extension(path)?;
    let stem = path.file_stem()?;
    Some(path.with_file_name(stem))
}

/// What a sidecar named `path` should hold, to explain a line that is not
/// that (most often a digest cut short, or of another algorithm); `forced` is
/// the algorithm the caller chose, if any. `None` unless `path` is named like
/// a sidecar.
///
/// ```
/// use checksig::sidecar::expected_form;
/// assert_eq!(
///     expected_form("dl/f.iso.sha256".as_ref(), None).unwrap(),
///     "one SHA-256 digest of 64 hex digits"
/// );
/// assert_eq!(expected_form("SHA256SUMS".as_ref(), None), None);
/// ```
pub fn expected_form(path: &Path, forced: Option<Algorithm>) -> Option<String> {
    let named = crate::detect::from_extension(path)?;
    let algorithm = forced.unwrap_or(named);
    Some(format!(
        "one {} digest of {} hex digits",
        algorithm.tag().replace("SHA", "SHA-"),
        algorithm.hex_len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_digests_only() {
        let hex = "d41d8cd98f00b204e9800998ecf8427e";
        let path = Path::new("x.bin.md5");
        for text in [hex.to_string(), format!("{hex}\n"), format!("  {hex}\r\n")] {
            let manifest = parse(path, Algorithm::Md5, text.as_bytes()).unwrap();
            assert_eq!(manifest.entries().next().unwrap().name, b"x.bin");
        }
        assert!(parse(path, Algorithm::Md5, format!("{hex}  x.bin\n").as_bytes()).is_none());
        assert!(parse(path, Algorithm::Sha1, hex.as_bytes()).is_none());
        assert!(parse(Path::new("MD5SUMS"), Algorithm::Md5, hex.as_bytes()).is_none());
        assert!(parse(path, Algorithm::Md5, b"").is_none());
        let sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
        assert!(parse(Path::new("sha1sum.txt"), Algorithm::Sha1, sha1.as_bytes()).is_none());
        assert!(parse(Path::new("x.SHA1"), Algorithm::Sha1, sha1.as_bytes()).is_some());
    }
}
