//! The C codes of the hash algorithms, and the core's algorithm each names.

use std::ffi::{c_char, CStr, CString};
use std::sync::OnceLock;

use checksig::Algorithm;

use crate::boundary::ffi_guard;

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
/// SHA-224 (`sha224sum`).
pub const CHECKSIG_ALGORITHM_SHA224: u32 = 6;
/// SHA-384 (`sha384sum`).
pub const CHECKSIG_ALGORITHM_SHA384: u32 = 7;
/// SHA3-224 (`cksum -a sha3 -l 224`).
pub const CHECKSIG_ALGORITHM_SHA3_224: u32 = 8;
/// SHA3-256 (`cksum -a sha3 -l 256`).
pub const CHECKSIG_ALGORITHM_SHA3_256: u32 = 9;
/// SHA3-384 (`cksum -a sha3 -l 384`).
pub const CHECKSIG_ALGORITHM_SHA3_384: u32 = 10;
/// SHA3-512 (`cksum -a sha3 -l 512`).
pub const CHECKSIG_ALGORITHM_SHA3_512: u32 = 11;
/// BLAKE2b-512 (`b2sum`); a manifest's `BLAKE2b-N` lines of other
/// lengths are read too.
pub const CHECKSIG_ALGORITHM_BLAKE2B: u32 = 12;
/// SHAKE128 with 256 bits of output.
pub const CHECKSIG_ALGORITHM_SHAKE128: u32 = 13;
/// SHAKE256 with 512 bits of output.
pub const CHECKSIG_ALGORITHM_SHAKE256: u32 = 14;
/// SM3 (`cksum -a sm3`).
pub const CHECKSIG_ALGORITHM_SM3: u32 = 15;
/// The POSIX CRC of `cksum` (hashing only: no manifest holds it).
pub const CHECKSIG_ALGORITHM_CRC: u32 = 16;
/// zlib's CRC-32 (`cksum -a crc32b`; hashing only).
pub const CHECKSIG_ALGORITHM_CRC32B: u32 = 17;
/// The BSD sum (`sum -r`; hashing only).
pub const CHECKSIG_ALGORITHM_BSD: u32 = 18;
/// The System V sum (`sum -s`; hashing only).
pub const CHECKSIG_ALGORITHM_SYSV: u32 = 19;

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

/// The name of algorithm `code`, such as `"sha256"`: the lowercase name
/// the CLI's `--algo` and Python take (static; never free it). NULL for
/// `CHECKSIG_ALGORITHM_DETECT` and unknown codes, so a loop from 1 until
/// NULL lists every algorithm this library knows.
///
/// ```c
/// for (uint32_t code = 1; checksig_algorithm_name(code) != NULL; code++)
///     printf("%u %s\n", code, checksig_algorithm_name(code));
/// ```
#[no_mangle]
pub extern "C" fn checksig_algorithm_name(code: u32) -> *const c_char {
    ffi_guard!(or std::ptr::null(); => {
        Algorithm::from_code(code).map_or(std::ptr::null(), |algorithm| c_name(algorithm).as_ptr())
    })
}

/// The code of the algorithm `name` names: its name, tag or tool, in any
/// case, with or without a dash (`"sha256"`, `"SHA-256"`, `"b3sum"`);
/// `CHECKSIG_ALGORITHM_DETECT` (0) for NULL or an unknown name.
///
/// ```c
/// uint32_t code = checksig_algorithm_from_name("SHA-256"); /* CHECKSIG_ALGORITHM_SHA256 */
/// ```
///
/// # Safety
/// `name` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn checksig_algorithm_from_name(name: *const c_char) -> u32 {
    ffi_guard!(or CHECKSIG_ALGORITHM_DETECT; name: str_arg => {
        name.parse::<Algorithm>().map_or(CHECKSIG_ALGORITHM_DETECT, Algorithm::code)
    })
}

/// The algorithm's name as a C string, made once per process.
fn c_name(algorithm: Algorithm) -> &'static CStr {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        Algorithm::ALL
            .iter()
            .map(|a| CString::new(a.name()).expect("algorithm names hold no NUL"))
            .collect()
    });
    let index = Algorithm::ALL
        .iter()
        .position(|&a| a == algorithm)
        .expect("ALL lists every algorithm");
    &names[index]
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
            CHECKSIG_ALGORITHM_SHA224,
            CHECKSIG_ALGORITHM_SHA384,
            CHECKSIG_ALGORITHM_SHA3_224,
            CHECKSIG_ALGORITHM_SHA3_256,
            CHECKSIG_ALGORITHM_SHA3_384,
            CHECKSIG_ALGORITHM_SHA3_512,
            CHECKSIG_ALGORITHM_BLAKE2B,
            CHECKSIG_ALGORITHM_SHAKE128,
            CHECKSIG_ALGORITHM_SHAKE256,
            CHECKSIG_ALGORITHM_SM3,
            CHECKSIG_ALGORITHM_CRC,
            CHECKSIG_ALGORITHM_CRC32B,
            CHECKSIG_ALGORITHM_BSD,
            CHECKSIG_ALGORITHM_SYSV,
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
        assert_eq!(algorithm_arg(Algorithm::ALL.len() as u32 + 1), None);
        for algorithm in Algorithm::ALL {
            let name = checksig_algorithm_name(algorithm.code());
            // SAFETY: a non-NULL name is a static NUL-terminated string.
            let name = unsafe { CStr::from_ptr(name) }.to_str().unwrap();
            assert_eq!(name, algorithm.name());
            // SAFETY: a NUL-terminated string.
            let tag = CString::new(algorithm.tag()).unwrap();
            assert_eq!(
                unsafe { checksig_algorithm_from_name(tag.as_ptr()) },
                algorithm.code()
            );
        }
        assert!(checksig_algorithm_name(CHECKSIG_ALGORITHM_DETECT).is_null());
        assert!(checksig_algorithm_name(Algorithm::ALL.len() as u32 + 1).is_null());
        // SAFETY: NULL and NUL-terminated strings.
        unsafe {
            assert_eq!(checksig_algorithm_from_name(std::ptr::null()), 0);
            assert_eq!(checksig_algorithm_from_name(c"sha385".as_ptr()), 0);
            assert_eq!(
                checksig_algorithm_from_name(c"sha384".as_ptr()),
                CHECKSIG_ALGORITHM_SHA384
            );
            assert_eq!(
                checksig_algorithm_from_name(c"BLAKE2b".as_ptr()),
                CHECKSIG_ALGORITHM_BLAKE2B
            );
        }
        let refused = concrete_algorithm("f", CHECKSIG_ALGORITHM_DETECT).unwrap_err();
        assert_eq!(refused.message, "f: unknown algorithm 0");
    }
}
