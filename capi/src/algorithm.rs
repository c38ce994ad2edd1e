//! The C codes of the hash algorithms, and the core's algorithm each names.

use checksig::Algorithm;

use crate::error::{Failure, CHECKSIG_ERROR_INVALID_ARGUMENT};

/// Detect the algorithm (`checksig_options_set_algorithm` only).
pub const CHECKSIG_ALGORITHM_DETECT: u32 = 0;
/// SHA-1 (`sha1sum`).
pub const CHECKSIG_ALGORITHM_SHA1: u32 = 1;
/// SHA-256 (`sha256sum`).
pub const CHECKSIG_ALGORITHM_SHA256: u32 = 2;
/// SHA-512 (`sha512sum`).
pub const CHECKSIG_ALGORITHM_SHA512: u32 = 3;
/// MD5 (`md5sum`).
pub const CHECKSIG_ALGORITHM_MD5: u32 = 4;
/// BLAKE3 (`b3sum`).
pub const CHECKSIG_ALGORITHM_BLAKE3: u32 = 5;

/// `Some(None)` for DETECT, `Some(Some(_))` for an algorithm, `None` if unknown.
/// The codes are the core's table's ([`Algorithm::code`]); the constants
/// above exist for the header, and a test holds them equal to the table.
pub(crate) fn algorithm_arg(code: u32) -> Option<Option<Algorithm>> {
    if code == CHECKSIG_ALGORITHM_DETECT {
        return Some(None);
    }
    Algorithm::from_code(code).map(Some)
}

/// The algorithm a hashing call names: a known code other than DETECT, or an
/// invalid-argument failure naming the function and the code.
pub(crate) fn concrete_algorithm(function: &str, code: u32) -> Result<Algorithm, Failure> {
    match algorithm_arg(code) {
        Some(Some(algorithm)) => Ok(algorithm),
        _ => Err(Failure::new(
            CHECKSIG_ERROR_INVALID_ARGUMENT,
            format!("{function}: unknown algorithm {code}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_names_one_algorithm() {
        let codes = [
            CHECKSIG_ALGORITHM_SHA1,
            CHECKSIG_ALGORITHM_SHA256,
            CHECKSIG_ALGORITHM_SHA512,
            CHECKSIG_ALGORITHM_MD5,
            CHECKSIG_ALGORITHM_BLAKE3,
        ];
        let named: Vec<Algorithm> = codes
            .iter()
            .map(|&code| concrete_algorithm("f", code).unwrap())
            .collect();
        assert_eq!(named, Algorithm::ALL);
        for (code, algorithm) in codes.into_iter().zip(Algorithm::ALL) {
            assert_eq!(algorithm.code(), code, "{algorithm}");
        }
        assert_eq!(algorithm_arg(CHECKSIG_ALGORITHM_DETECT), Some(None));
        assert_eq!(algorithm_arg(6), None);
        let refused = concrete_algorithm("f", CHECKSIG_ALGORITHM_DETECT).unwrap_err();
        assert_eq!(refused.message, "f: unknown algorithm 0");
    }
}
