//! Digest values: the bytes of one hash, with the algorithm that made it.
//!
//! A [`Digest`] is a small fixed-size value (no allocation), so a manifest of a
//! million entries costs one `Vec` of entries and nothing per digest.

use std::fmt;

pub use crate::algorithm::Algorithm;

/// The largest digest any supported algorithm produces, in bytes.
const MAX_DIGEST_LEN: usize = 64;

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
