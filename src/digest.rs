//! Digest values: the bytes of one hash, with the algorithm that made it.
//!
//! A [`Digest`] is a small fixed-size value (no allocation), so a manifest of a
//! million entries costs one `Vec` of entries and nothing per digest.

use std::fmt;

pub use crate::algorithm::Algorithm;

/// The largest digest any supported algorithm produces, in bytes.
const MAX_DIGEST_LEN: usize = 64;

/// Where a CRC or sum keeps its input's length (past its 4 bytes at most).
const INPUT_LEN_AT: usize = MAX_DIGEST_LEN - 8;

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

    /// A checksum of [`Algorithm::Crc`], [`Algorithm::Crc32b`],
    /// [`Algorithm::Bsd`] or [`Algorithm::Sysv`] (big-endian bytes, as GNU's
    /// `--raw` writes them) with the length of its input, which their lines
    /// print ([`Digest::input_len`]). `None` for another algorithm or the
    /// wrong number of bytes.
    ///
    /// ```
    /// use checksig::{Algorithm, Digest};
    /// let crc = Digest::from_sum(Algorithm::Crc, &930766865u32.to_be_bytes(), 9).unwrap();
    /// assert_eq!(crc.input_len(), Some(9));
    /// assert!(Digest::from_sum(Algorithm::Sha1, &[0; 20], 9).is_none());
    /// ```
    pub fn from_sum(algorithm: Algorithm, bytes: &[u8], input_len: u64) -> Option<Digest> {
        if algorithm.is_checkable() {
            return None;
        }
        let mut digest = Digest::from_bytes(algorithm, bytes)?;
        // A sum is at most 4 bytes: the length is kept after it, in bytes
        // `as_bytes` never shows.
        digest.bytes[INPUT_LEN_AT..].copy_from_slice(&input_len.to_le_bytes());
        Some(digest)
    }

    /// The length of the input of a CRC, BSD or System V checksum (made by
    /// a [`Hasher`](crate::Hasher) or [`Digest::from_sum`]); `None` for
    /// digests, whose lines do not show it.
    ///
    /// ```
    /// use checksig::{hash_bytes, Algorithm};
    /// assert_eq!(hash_bytes(Algorithm::Crc, b"123456789").input_len(), Some(9));
    /// assert_eq!(hash_bytes(Algorithm::Sha1, b"123456789").input_len(), None);
    /// ```
    pub fn input_len(&self) -> Option<u64> {
        if self.algorithm.is_checkable() {
            return None;
        }
        let mut len = [0; 8];
        len.copy_from_slice(&self.bytes[INPUT_LEN_AT..]);
        Some(u64::from_le_bytes(len))
    }

    /// The digest in base64 with padding, as GNU's `cksum --base64` writes it.
    ///
    /// ```
    /// use checksig::{hash_bytes, Algorithm};
    /// assert_eq!(
    ///     hash_bytes(Algorithm::Sha256, b"").to_base64(),
    ///     "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    /// );
    /// ```
    pub fn to_base64(&self) -> String {
        use base64ct::Encoding as _;
        base64ct::Base64::encode_string(self.as_bytes())
    }

    /// Parses a base64 digest of exactly `algorithm`'s length, padded, in
    /// its one canonical form (the form GNU's `--check` compares against:
    /// unused bits zero).
    ///
    /// ```
    /// use checksig::{Algorithm, Digest};
    /// let d = Digest::from_base64(Algorithm::Sha256, b"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=").unwrap();
    /// assert_eq!(d.to_hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /// assert!(Digest::from_base64(Algorithm::Sha256, b"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=").is_none());
    /// assert!(Digest::from_base64(Algorithm::Sha1, b"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=").is_none());
    /// ```
    pub fn from_base64(algorithm: Algorithm, base64: &[u8]) -> Option<Digest> {
        use base64ct::Encoding as _;
        if base64.len() != algorithm.base64_len() {
            return None;
        }
        let mut bytes = [0; MAX_DIGEST_LEN];
        let decoded = base64ct::Base64::decode(base64, &mut bytes).ok()?;
        if decoded.len() != algorithm.digest_len() {
            return None;
        }
        Some(Digest { algorithm, bytes })
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
    ///
    /// ```
    /// use checksig::{hash_bytes, Algorithm};
    /// assert_eq!(hash_bytes(Algorithm::Sha256, b"a").algorithm(), Algorithm::Sha256);
    /// ```
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The digest's bytes.
    ///
    /// ```
    /// use checksig::{Algorithm, Digest};
    /// let digest = Digest::from_bytes(Algorithm::Sha1, &[7; 20]).unwrap();
    /// assert_eq!(digest.as_bytes(), &[7; 20]);
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.algorithm.digest_len()]
    }

    /// The digest as lowercase hexadecimal, as `sha1sum` prints it.
    ///
    /// ```
    /// use checksig::{hash_bytes, Algorithm};
    /// assert_eq!(
    ///     hash_bytes(Algorithm::Sha1, b"abc").to_hex(),
    ///     "a9993e364706816aba3e25717850c26c9cd0d89d"
    /// );
    /// ```
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

    /// Base64 round trips at every length (1, 2 and 0 padding bytes) and
    /// refuses missing padding, wrong lengths and non-canonical last digits.
    #[test]
    fn base64_round_trip_and_refusals() {
        for algorithm in Algorithm::ALL {
            let digest = crate::hash_bytes(algorithm, b"x");
            let base64 = digest.to_base64();
            assert_eq!(base64.len(), algorithm.base64_len());
            let parsed = Digest::from_base64(algorithm, base64.as_bytes()).unwrap();
            assert_eq!(parsed.as_bytes(), digest.as_bytes(), "{algorithm:?}");
        }
        // SHA-1: 20 bytes, one `=`; SHA-512: 64 bytes, two.
        let sha1 = crate::hash_bytes(Algorithm::Sha1, b"");
        assert_eq!(sha1.to_base64(), "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
        assert!(Digest::from_base64(Algorithm::Sha1, b"2jmj7l5rSw0yVb/vlWAYkK/YBwk").is_none());
        assert!(Digest::from_base64(Algorithm::Sha1, b"2jmj7l5rSw0yVb/vlWAYkK/YBwl=").is_none());
        assert!(Digest::from_base64(Algorithm::Sha1, b"2jmj7l5rSw0yVb/vlWAYkK/YBw==").is_none());
        let sha512 = crate::hash_bytes(Algorithm::Sha512, b"");
        assert!(sha512.to_base64().ends_with("=="));
        assert_eq!(
            Digest::from_base64(Algorithm::Sha512, sha512.to_base64().as_bytes()),
            Some(sha512)
        );
        let sha3 = crate::hash_bytes(Algorithm::Sha3_384, b"");
        assert!(!sha3.to_base64().ends_with('='));
        assert_eq!(
            Digest::from_base64(Algorithm::Sha3_384, sha3.to_base64().as_bytes()),
            Some(sha3)
        );
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
            if !matches!(algorithm.tool(), "cksum" | "sum") {
                assert_eq!(algorithm.tool().parse(), Ok(algorithm));
            }
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
