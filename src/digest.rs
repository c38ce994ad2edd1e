//! Digest algorithms and digest values.
//!
//! A [`Digest`] is a small fixed-size value (no allocation), so a manifest of a
//! million entries costs one `Vec` of entries and nothing per digest.

use std::fmt;

/// The largest digest any supported algorithm produces, in bytes.
const MAX_DIGEST_LEN: usize = 64;

/// A checksum algorithm a manifest can be written in.
///
/// Only SHA-1 exists today; the enum is the one place other algorithms are
/// added, with their tag and digest length.
///
/// ```
/// use checksig::Algorithm;
/// assert_eq!(Algorithm::Sha1.tag(), "SHA1");
/// assert_eq!(Algorithm::Sha1.hex_len(), 40);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Algorithm {
    /// SHA-1, as written by GNU `sha1sum`.
    #[default]
    Sha1,
}

impl Algorithm {
    /// The name used in BSD-style tagged lines (`SHA1 (name) = ...`) and in GNU's messages.
    pub const fn tag(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
        }
    }

    /// The digest length in bytes.
    pub const fn digest_len(self) -> usize {
        match self {
            Algorithm::Sha1 => 20,
        }
    }

    /// The digest length in hexadecimal digits.
    pub const fn hex_len(self) -> usize {
        self.digest_len() * 2
    }
}

/// A digest value: the bytes of one hash, with the algorithm that made it.
///
/// ```
/// use checksig::{Algorithm, Digest};
/// let d = Digest::from_hex(Algorithm::Sha1, b"DA39A3EE5E6B4B0D3255BFEF95601890AFD80709").unwrap();
/// assert_eq!(d.to_string(), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
/// assert_eq!(d.as_bytes().len(), 20);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest {
    algorithm: Algorithm,
    bytes: [u8; MAX_DIGEST_LEN],
}

impl Digest {
    /// Makes a digest from raw bytes; `None` unless `bytes` has the algorithm's length.
    ///
    /// ```
    /// use checksig::{Algorithm, Digest};
    /// assert!(Digest::from_bytes(Algorithm::Sha1, &[0; 20]).is_some());
    /// assert!(Digest::from_bytes(Algorithm::Sha1, &[0; 19]).is_none());
    /// ```
    pub fn from_bytes(algorithm: Algorithm, bytes: &[u8]) -> Option<Digest> {
        if bytes.len() != algorithm.digest_len() {
            return None;
        }
        let mut digest = Digest {
            algorithm,
            bytes: [0; MAX_DIGEST_LEN],
        };
        digest.bytes[..bytes.len()].copy_from_slice(bytes);
        Some(digest)
    }

    /// Parses exactly `algorithm.hex_len()` hexadecimal digits, in either case.
    ///
    /// ```
    /// use checksig::{Algorithm, Digest};
    /// assert!(Digest::from_hex(Algorithm::Sha1, b"da39a3ee5e6b4b0d3255bfef95601890afd8070").is_none());
    /// assert!(Digest::from_hex(Algorithm::Sha1, b"xa39a3ee5e6b4b0d3255bfef95601890afd80709").is_none());
    /// ```
    pub fn from_hex(algorithm: Algorithm, hex: &[u8]) -> Option<Digest> {
        if hex.len() != algorithm.hex_len() {
            return None;
        }
        let mut bytes = [0; MAX_DIGEST_LEN];
        for (byte, pair) in bytes.iter_mut().zip(hex.chunks_exact(2)) {
            *byte = (hex_value(pair[0])? << 4) | hex_value(pair[1])?;
        }
        Some(Digest { algorithm, bytes })
    }

    /// The algorithm that produced this digest.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The digest's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.algorithm.digest_len()]
    }

    /// The digest as lowercase hexadecimal, as `sha1sum` prints it.
    pub fn to_hex(&self) -> String {
        self.to_string()
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_bytes()
            .iter()
            .try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.tag(), self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_in_either_case() {
        let upper = Digest::from_hex(Algorithm::Sha1, b"F572D396FAE9206628714FB2CE00F72E94F2258F");
        let lower = Digest::from_hex(Algorithm::Sha1, b"f572d396fae9206628714fb2ce00f72e94f2258f");
        assert_eq!(upper, lower);
        assert_eq!(
            upper.unwrap().to_hex(),
            "f572d396fae9206628714fb2ce00f72e94f2258f"
        );
    }

    #[test]
    fn rejects_wrong_length_and_non_hex() {
        assert!(Digest::from_hex(Algorithm::Sha1, b"").is_none());
        assert!(Digest::from_hex(Algorithm::Sha1, &[b'0'; 41]).is_none());
        let mut bad = [b'0'; 40];
        bad[39] = b'g';
        assert!(Digest::from_hex(Algorithm::Sha1, &bad).is_none());
    }
}
