//! Which algorithm a manifest is written in, when the caller does not say.
//!
//! In order, the first rule that decides wins:
//!
//! 1. The BSD tag of the first checksum line (`SHA256 (name) = ...`,
//!    OpenSSL's `MD5(name)= ...`): lines that are neither tagged nor start
//!    with a digest, such as a clear-signed manifest's armor, are skipped.
//! 2. The manifest's file name: `sha256sum.txt`, `SHA256SUMS`, `*.sha256`,
//!    `md5sum.txt`, `MD5SUMS`, `*.md5`, `b3sums`, `*.b3` and the like for
//!    every algorithm (case does not matter).
//! 3. The length of the first checksum line's digest: 32 hex digits are MD5,
//!    40 SHA-1, 56 SHA-224, 64 SHA-256, 96 SHA-384 and 128 SHA-512 (the
//!    table's `detect_by_length` rows). BLAKE3, SHA-3, SM3 and BLAKE2b
//!    digests are as long as SHA-2 ones, so they are only chosen by tag,
//!    by name or by the caller.
//! 4. SHA-1, the historical default.
//!
//! Once chosen, the manifest is read with GNU's rules for that algorithm's
//! tool: a line of another digest length is malformed, as `sha256sum -c`
//! calls it "improperly formatted".
//!
//! ```
//! use checksig::{detect, Algorithm};
//! let line = format!("{}  a.iso\n", "ab".repeat(32));
//! assert_eq!(detect::detect(None, line.as_bytes()), Algorithm::Sha256);
//! assert_eq!(detect::detect(Some("B3SUMS".as_ref()), line.as_bytes()), Algorithm::Blake3);
//! assert_eq!(detect::detect(None, b"MD5 (a) = 00000000000000000000000000000000\n"), Algorithm::Md5);
//! ```

use std::path::Path;

use crate::digest::Algorithm;

/// The algorithm of a manifest named `path` (if known) holding `bytes`, by
/// the rules of this module: tag, file name, digest length, then SHA-1.
pub fn detect(path: Option<&Path>, bytes: &[u8]) -> Algorithm {
    let first = first_line(bytes);
    first
        .and_then(from_tag)
        .or_else(|| path.and_then(from_file_name))
        .or_else(|| first.and_then(from_digest_length))
        .unwrap_or_default()
}

/// Whether the manifest's first checksum line is tagged with an algorithm
/// that can be checked (`SHA256 (f) = ...`, `BLAKE2b-256 (f) = ...`): such a
/// manifest may be read line by line by each line's own tag
/// ([`crate::manifest::Parser::any_tagged`]), as GNU `cksum -c` reads one.
///
/// ```
/// use checksig::detect::first_line_is_tagged;
/// assert!(first_line_is_tagged(b"# sums\nBLAKE2b-256 (a) = 00\nMD5 (b) = 00\n"));
/// assert!(!first_line_is_tagged(format!("{}  a\n", "0".repeat(40)).as_bytes()));
/// assert!(!first_line_is_tagged(b"CRC (a) = 00\n"), "CRCs are not checked");
/// ```
pub fn first_line_is_tagged(bytes: &[u8]) -> bool {
    first_line(bytes).and_then(from_tag).is_some()
}

/// The algorithm a manifest's file name announces, if any.
///
/// ```
/// use checksig::{detect::from_file_name, Algorithm};
/// assert_eq!(from_file_name("dl/SHA512SUMS".as_ref()), Some(Algorithm::Sha512));
/// assert_eq!(from_file_name("debian.iso.sha256".as_ref()), Some(Algorithm::Sha256));
/// assert_eq!(from_file_name("md5sum.txt".as_ref()), Some(Algorithm::Md5));
/// assert_eq!(from_file_name("checksums.txt".as_ref()), None);
/// ```
pub fn from_file_name(path: &Path) -> Option<Algorithm> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let name = name.strip_suffix(".txt").unwrap_or(&name);
    // `SHA256SUMS`, `sha256sum`, `b3sums`, `blake3sums`.
    let stem = name.strip_suffix('s').unwrap_or(name);
    if let Some(algorithm) = stem.strip_suffix("sum").and_then(by_name) {
        return Some(algorithm);
    }
    from_extension(path)
}

/// The algorithm a file's last extension names: `file.iso.sha256`,
/// `file.iso.sha256sum`, `file.md5`, `file.b3` (case does not matter).
///
/// ```
/// use checksig::{detect::from_extension, Algorithm};
/// assert_eq!(from_extension("debian.iso.SHA256".as_ref()), Some(Algorithm::Sha256));
/// assert_eq!(from_extension("sha1sum.txt".as_ref()), None);
/// ```
pub fn from_extension(path: &Path) -> Option<Algorithm> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    by_name(extension.strip_suffix("sum").unwrap_or(&extension))
}

/// The algorithm named by a manifest line's BSD tag (`SHA256 (`,
/// `SHA256(`, `BLAKE2b-256 (`): the table's tags ([`Algorithm::from_tag`]),
/// those of the algorithms a manifest can hold.
fn from_tag(line: &[u8]) -> Option<Algorithm> {
    let line = skip_blanks(line);
    let line = line.strip_prefix(b"\\").unwrap_or(line);
    let end = line.iter().position(|&b| b == b'(' || b == b' ')?;
    let rest = &line[end..];
    if !(rest.starts_with(b" (") || rest.starts_with(b"(")) {
        return None;
    }
    Algorithm::from_tag(&line[..end]).filter(|algorithm| algorithm.is_checkable())
}

/// The algorithm whose hex digest length the line starts with, followed by
/// a blank: the table's algorithms taken by length ([`Algorithm::by_hex_len`]).
fn from_digest_length(line: &[u8]) -> Option<Algorithm> {
    let line = skip_blanks(line);
    let line = line.strip_prefix(b"\\").unwrap_or(line);
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if !matches!(line.get(digits), Some(b' ' | b'\t')) {
        return None;
    }
    Algorithm::by_hex_len(digits)
}

/// The algorithm a lowercase name from a file name means (the table's
/// names and aliases, [`Algorithm::by_name`]); manifests hold only the
/// algorithms that can be checked.
fn by_name(name: &str) -> Option<Algorithm> {
    Algorithm::by_name(name).filter(|algorithm| algorithm.is_checkable())
}

/// The first checksum line (one with a BSD tag or a digest of a known
/// length), without its line end; else the first line that is neither a
/// comment nor empty. Lines before it, such as the armor of a clear-signed
/// manifest (`-----BEGIN PGP SIGNED MESSAGE-----`, `Hash: SHA256`), which
/// GNU's tools skip as improperly formatted, decide nothing.
fn first_line(bytes: &[u8]) -> Option<&[u8]> {
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter(|line| !line.is_empty() && line[0] != b'#');
    let first = lines.next()?;
    std::iter::once(first)
        .chain(lines)
        .find(|&line| from_tag(line).is_some() || from_digest_length(line).is_some())
        .or(Some(first))
}

fn skip_blanks(line: &[u8]) -> &[u8] {
    let blanks = line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    &line[blanks..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(algorithm: Algorithm) -> String {
        format!("{}  file\n", "0".repeat(algorithm.hex_len()))
    }

    #[test]
    fn every_known_file_name() {
        let cases = [
            ("sha1sum.txt", Algorithm::Sha1),
            ("SHA1SUMS", Algorithm::Sha1),
            ("x.sha1", Algorithm::Sha1),
            ("sha256sum.txt", Algorithm::Sha256),
            ("SHA256SUMS", Algorithm::Sha256),
            ("sha256sums.txt", Algorithm::Sha256),
            ("x.iso.sha256", Algorithm::Sha256),
            ("x.iso.sha256sum", Algorithm::Sha256),
            ("sha512sum.txt", Algorithm::Sha512),
            ("SHA512SUMS", Algorithm::Sha512),
            ("x.sha512", Algorithm::Sha512),
            ("md5sum.txt", Algorithm::Md5),
            ("MD5SUMS", Algorithm::Md5),
            ("x.md5", Algorithm::Md5),
            ("b3sums", Algorithm::Blake3),
            ("B3SUMS", Algorithm::Blake3),
            ("b3sum.txt", Algorithm::Blake3),
            ("x.b3", Algorithm::Blake3),
            ("x.blake3", Algorithm::Blake3),
            ("SHA224SUMS", Algorithm::Sha224),
            ("sha384sum.txt", Algorithm::Sha384),
            (
                "B2SUMS",
                Algorithm::Blake2b(crate::algorithm::Blake2bLen::FULL),
            ),
            (
                "x.b2",
                Algorithm::Blake2b(crate::algorithm::Blake2bLen::FULL),
            ),
            ("x.sm3", Algorithm::Sm3),
            ("x.sha3-256", Algorithm::Sha3_256),
        ];
        for (name, algorithm) in cases {
            assert_eq!(from_file_name(Path::new(name)), Some(algorithm), "{name}");
        }
        for name in [
            "checksums.txt",
            "sums",
            "x.txt",
            "sha3sum.txt",
            "",
            "x.crc",
            "CKSUMS",
        ] {
            assert_eq!(from_file_name(Path::new(name)), None, "{name}");
        }
    }

    #[test]
    fn digest_length_decides_without_a_name() {
        for algorithm in [
            Algorithm::Md5,
            Algorithm::Sha1,
            Algorithm::Sha256,
            Algorithm::Sha512,
        ] {
            assert_eq!(detect(None, line(algorithm).as_bytes()), algorithm);
        }
        // Comments and empty lines are passed over; an escaped line counts.
        let text = format!("# x\n\r\n\\{}", line(Algorithm::Md5));
        assert_eq!(detect(None, text.as_bytes()), Algorithm::Md5);
    }

    #[test]
    fn tag_beats_name_beats_length() {
        let tagged = format!("SHA512 (f) = {}\n", "0".repeat(128));
        assert_eq!(
            detect(Some(Path::new("MD5SUMS")), tagged.as_bytes()),
            Algorithm::Sha512
        );
        let openssl = format!("MD5(f)= {}\n", "0".repeat(32));
        assert_eq!(detect(None, openssl.as_bytes()), Algorithm::Md5);
        assert_eq!(
            detect(Some(Path::new("MD5SUMS")), line(Algorithm::Sha1).as_bytes()),
            Algorithm::Md5
        );
    }

    /// The tags of the new algorithms, with a length suffix too; the CRC's
    /// tag is no manifest's.
    #[test]
    fn every_checkable_tag_decides() {
        let cases = [
            ("SHA224 (f) = ", Algorithm::Sha224),
            ("SHA384(f)= ", Algorithm::Sha384),
            ("SHA3-256 (f) = ", Algorithm::Sha3_256),
            ("SM3 (f) = ", Algorithm::Sm3),
            (
                "BLAKE2b (f) = ",
                Algorithm::Blake2b(crate::algorithm::Blake2bLen::FULL),
            ),
            (
                "BLAKE2b-256 (f) = ",
                Algorithm::Blake2b(crate::algorithm::Blake2bLen::from_bits(256).unwrap()),
            ),
        ];
        for (line, algorithm) in cases {
            assert_eq!(from_tag(line.as_bytes()), Some(algorithm), "{line}");
        }
        assert_eq!(from_tag(b"CRC (f) = 1"), None);
        assert_eq!(
            detect(None, format!("{}  f\n", "0".repeat(56)).as_bytes()),
            Algorithm::Sha224
        );
        assert_eq!(
            detect(None, format!("{}  f\n", "0".repeat(96)).as_bytes()),
            Algorithm::Sha384
        );
    }

    #[test]
    fn undecidable_is_sha1() {
        assert_eq!(detect(None, b""), Algorithm::Sha1);
        assert_eq!(detect(None, b"garbage\n"), Algorithm::Sha1);
        assert_eq!(detect(None, &b"0".repeat(33)), Algorithm::Sha1);
        // A length no algorithm has.
        assert_eq!(
            detect(None, format!("{}  f", "0".repeat(30)).as_bytes()),
            Algorithm::Sha1
        );
    }

    /// A clear-signed manifest (Fedora's `CHECKSUM`): the armor lines before
    /// the first checksum line decide nothing, as GNU skips them.
    #[test]
    fn armor_before_the_first_checksum_line_decides_nothing() {
        let tagged = format!(
            "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n# Fedora\nSHA256 (f.iso) = {}\n",
            "0".repeat(64)
        );
        assert_eq!(detect(None, tagged.as_bytes()), Algorithm::Sha256);
        let untagged = format!(
            "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n{}",
            line(Algorithm::Sha256)
        );
        assert_eq!(detect(None, untagged.as_bytes()), Algorithm::Sha256);
    }
}
