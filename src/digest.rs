//! Digest algorithms and digest values.
//!
//! A [`Digest`] is a small fixed-size value (no allocation), so a manifest of a
//! million entries costs one `Vec` of entries and nothing per digest.

use std::fmt;

/// The largest digest any supported algorithm produces, in bytes.
const MAX_DIGEST_LEN: usize = 64;

/// A checksum algorithm a manifest can be written in.
///
/// Manifests are read with GNU's rules for the algorithm's tool; see
/// [`crate::detect`] for how one is chosen.
///
/// ```
/// use checksig::Algorithm;
/// assert_eq!(Algorithm::Sha1.tag(), "SHA1");
/// assert_eq!(Algorithm::Sha1.hex_len(), 40);
/// assert_eq!(Algorithm::Sha256.tool(), "sha256sum");
/// assert_eq!("b3".parse::<Algorithm>(), Ok(Algorithm::Blake3));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Algorithm {
    /// SHA-1, as written by GNU `sha1sum`.
    #[default]
    Sha1,
    /// SHA-256, as written by GNU `sha256sum`.
    Sha256,
    /// SHA-512, as written by GNU `sha512sum`.
    Sha512,
    /// MD5, as written by GNU `md5sum`.
    Md5,
    /// BLAKE3 (256-bit output), as written by `b3sum`.
    Blake3,
}

impl Algorithm {
    /// Every algorithm, SHA-1 first.
    pub const ALL: [Algorithm; 5] = [
        Algorithm::Sha1,
        Algorithm::Sha256,
        Algorithm::Sha512,
        Algorithm::Md5,
        Algorithm::Blake3,
    ];

    /// The name used in BSD-style tagged lines (`SHA1 (name) = ...`) and in GNU's messages.
    pub const fn tag(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
            Algorithm::Md5 => "MD5",
            Algorithm::Blake3 => "BLAKE3",
        }
    }

    /// The command that writes and checks manifests of this algorithm
    /// (`sha1sum`, `sha256sum`, `sha512sum`, `md5sum`, `b3sum`).
    pub const fn tool(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "sha1sum",
            Algorithm::Sha256 => "sha256sum",
            Algorithm::Sha512 => "sha512sum",
            Algorithm::Md5 => "md5sum",
            Algorithm::Blake3 => "b3sum",
        }
    }

    /// The lowercase name `--algo` takes (`sha1`, `sha256`, `sha512`, `md5`, `blake3`).
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
            Algorithm::Md5 => "md5",
            Algorithm::Blake3 => "blake3",
        }
    }

    /// The digest length in bytes.
    pub const fn digest_len(self) -> usize {
        match self {
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 | Algorithm::Blake3 => 32,
            Algorithm::Sha512 => 64,
            Algorithm::Md5 => 16,
        }
    }

    /// The digest length in hexadecimal digits.
    pub const fn hex_len(self) -> usize {
        self.digest_len() * 2
    }

    /// Whether one input can be hashed on several threads
    /// ([`Hasher::update_parallel`](crate::Hasher::update_parallel)): true
    /// for BLAKE3, a tree of independent chunks; the others are one chain
    /// of blocks, each needing the one before.
    ///
    /// ```
    /// use checksig::Algorithm;
    /// assert!(Algorithm::Blake3.hashes_in_parallel());
    /// assert!(!Algorithm::Sha256.hashes_in_parallel());
    /// ```
    pub const fn hashes_in_parallel(self) -> bool {
        matches!(self, Algorithm::Blake3)
    }
}

/// The error of parsing an unknown algorithm name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown algorithm {0:?} (expected sha1, sha256, sha512, md5 or blake3)")]
pub struct UnknownAlgorithm(pub String);

impl std::str::FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    /// Accepts the name, the tag or the tool, in any case, with or without a
    /// dash (`sha256`, `SHA-256`, `sha256sum`, `b3`, `b3sum`, `blake3`).
    fn from_str(name: &str) -> Result<Algorithm, UnknownAlgorithm> {
        let folded: String = name
            .chars()
            .filter(|&c| c != '-' && c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        let base = folded.strip_suffix("sum").unwrap_or(&folded);
        match base {
            "sha1" => Ok(Algorithm::Sha1),
            "sha256" => Ok(Algorithm::Sha256),
            "sha512" => Ok(Algorithm::Sha512),
            "md5" => Ok(Algorithm::Md5),
            "blake3" | "b3" => Ok(Algorithm::Blake3),
            _ => Err(UnknownAlgorithm(name.to_string())),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
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
        // Invalid digits are collected, not branched on: digests are random,
        // so a branch per digit would mispredict half the time.
        let mut invalid = 0;
        for (byte, pair) in bytes.iter_mut().zip(hex.chunks_exact(2)) {
            let (high, low) = (HEX_VALUES[pair[0] as usize], HEX_VALUES[pair[1] as usize]);
            invalid |= high | low;
            *byte = (high << 4) | (low & 0x0f);
        }
        (invalid & NOT_HEX == 0).then_some(Digest { algorithm, bytes })
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

/// Marks a byte that is not a hexadecimal digit in [`HEX_VALUES`].
const NOT_HEX: u8 = 0x80;

/// The value of every hexadecimal digit, either case; [`NOT_HEX`] for other bytes.
const HEX_VALUES: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

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

    /// Every byte value at the first, second, second-to-last and last digit:
    /// accepted exactly when it is a hexadecimal digit, either case.
    #[test]
    fn from_hex_accepts_exactly_hex_digits_at_every_position() {
        for algorithm in [Algorithm::Sha1, Algorithm::Sha512] {
            let len = algorithm.hex_len();
            for position in [0, 1, len - 2, len - 1] {
                for byte in 0..=255u8 {
                    let mut hex = vec![b'7'; len];
                    hex[position] = byte;
                    let parsed = Digest::from_hex(algorithm, &hex);
                    assert_eq!(
                        parsed.is_some(),
                        byte.is_ascii_hexdigit(),
                        "{byte:#x} at {position}"
                    );
                    if let Some(digest) = parsed {
                        let lower = String::from_utf8(hex).unwrap().to_ascii_lowercase();
                        assert_eq!(digest.to_hex(), lower);
                    }
                }
            }
        }
    }

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

    #[test]
    fn names_round_trip_and_lengths() {
        for algorithm in Algorithm::ALL {
            assert_eq!(algorithm.name().parse(), Ok(algorithm));
            assert_eq!(algorithm.tag().parse(), Ok(algorithm));
            assert_eq!(algorithm.tool().parse(), Ok(algorithm));
            let hex = "ab".repeat(algorithm.digest_len());
            let digest = Digest::from_hex(algorithm, hex.as_bytes()).unwrap();
            assert_eq!(digest.to_hex(), hex);
        }
        assert_eq!("SHA-512".parse(), Ok(Algorithm::Sha512));
        assert!("sha3".parse::<Algorithm>().is_err());
        assert_eq!(Algorithm::Md5.hex_len(), 32);
        assert_eq!(Algorithm::Sha512.hex_len(), 128);
    }
}
