//! The C codes of the hash algorithms, and the core's algorithm each names.

use std::ffi::{c_char, CStr, CString};
use std::sync::OnceLock;

use checksig::algorithm::Blake2bLen;
use checksig::Algorithm;

use crate::boundary::ffi_guard;

use crate::error::{checksig_error, Failure, CHECKSIG_ERROR_INVALID_ARGUMENT};

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
/// lengths are read too, and `checksig_algorithm_with_length` makes the
/// code of another length (`b2sum -l N`).
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

/// Where a code made by `checksig_algorithm_with_length` keeps the length:
/// its bits from 16 up hold the length in bits, the low 16 the table's code.
/// A length of 0 (every constant above) is the algorithm's own.
const LENGTH_SHIFT: u32 = 16;

/// `Some(None)` for DETECT, `Some(Some(_))` for an algorithm, `None` if unknown.
/// The codes are the core's table's ([`Algorithm::code`]); the constants
/// above exist for the header, and a test holds them equal to the table. A
/// code with a length is only the one [`code_of`] gives for its algorithm.
pub(crate) fn algorithm_arg(code: u32) -> Option<Option<Algorithm>> {
    if code == CHECKSIG_ALGORITHM_DETECT {
        return Some(None);
    }
    let algorithm = Algorithm::from_code(code & ((1 << LENGTH_SHIFT) - 1))?;
    match code >> LENGTH_SHIFT {
        0 => Some(Some(algorithm)),
        bits => Algorithm::parse_with_length(algorithm.name(), Some(bits))
            .ok()
            .filter(|&algorithm| code_of(algorithm) == code)
            .map(Some),
    }
}

/// The code C passes for `algorithm`: the table's, with the length in bits
/// above [`LENGTH_SHIFT`] for a BLAKE2b shorter than 512 bits (the one
/// algorithm whose length is chosen).
pub(crate) fn code_of(algorithm: Algorithm) -> u32 {
    match algorithm {
        Algorithm::Blake2b(len) if len != Blake2bLen::FULL => {
            algorithm.code() | (len.bits() << LENGTH_SHIFT)
        }
        _ => algorithm.code(),
    }
}

/// The code of algorithm `code` with a digest of `bits` bits, as
/// `b2sum -l BITS` and `cksum -a NAME -l BITS` take them: BLAKE2b takes a
/// multiple of 8 from 8 to 512; every other algorithm only its own length
/// (`CHECKSIG_ALGORITHM_SHA256` with 256 gives it back). Pass the result
/// wherever a `CHECKSIG_ALGORITHM_*` code goes (`checksig_hash_file_algorithm`,
/// `checksig_hash_files`, `checksig_create_manifest`,
/// `checksig_options_set_algorithm`): the digests and lines are those of
/// that length (`BLAKE2b-256 (name) = ...` when tagged).
///
/// Returns `CHECKSIG_ALGORITHM_DETECT` (0), with
/// `CHECKSIG_ERROR_INVALID_ARGUMENT` in `error` (if not NULL), for an
/// unknown or DETECT `code` and for a length the algorithm does not have
/// (0, not a multiple of 8, above 512). On success `error` is set to
/// `CHECKSIG_ERROR_NONE`.
///
/// ```c
/// uint32_t b2_256 = checksig_algorithm_with_length(CHECKSIG_ALGORITHM_BLAKE2B, 256, error);
/// char *hex = checksig_hash_file_algorithm("file.iso", b2_256, error);   /* b2sum -l 256 */
/// ```
///
/// # Safety
/// `error` is NULL or a live error object not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_algorithm_with_length(
    code: u32,
    bits: u32,
    error: *mut checksig_error,
) -> u32 {
    const FUNCTION: &str = "checksig_algorithm_with_length";
    ffi_guard!(records error, FUNCTION; => {
        let algorithm = match algorithm_arg(code) {
            Some(Some(algorithm)) if code == algorithm.code() => algorithm,
            _ => return Err(unknown(FUNCTION, code)),
        };
        Algorithm::parse_with_length(algorithm.name(), Some(bits))
            .map(code_of)
            .map_err(|_| {
                let allowed = match algorithm {
                    Algorithm::Blake2b(_) => "a multiple of 8 from 8 to 512".to_string(),
                    _ => format!("only {}", algorithm.digest_len() * 8),
                };
                Failure::new(
                    CHECKSIG_ERROR_INVALID_ARGUMENT,
                    format!(
                        "{FUNCTION}: invalid length {bits} for {}: it takes {allowed} bits",
                        algorithm.name()
                    ),
                )
            })
    })
    .unwrap_or(CHECKSIG_ALGORITHM_DETECT)
}

/// The failure of a call given an algorithm code it does not know.
fn unknown(function: &str, code: u32) -> Failure {
    Failure::new(
        CHECKSIG_ERROR_INVALID_ARGUMENT,
        format!("{function}: unknown algorithm {code}"),
    )
}

/// The algorithm a hashing call names: a known code other than DETECT, or an
/// invalid-argument failure naming the function and the code.
pub(crate) fn concrete_algorithm(function: &str, code: u32) -> Result<Algorithm, Failure> {
    match algorithm_arg(code) {
        Some(Some(algorithm)) => Ok(algorithm),
        _ => Err(unknown(function, code)),
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

    /// BLAKE2b's codes by length: each length its own code, which every
    /// call taking a code reads back; bad lengths and codes refused with
    /// the reason.
    #[test]
    fn blake2b_codes_carry_their_length() {
        let with_length = |code, bits| {
            // SAFETY: a live error object, freed once.
            unsafe {
                let error = crate::error::checksig_error_new();
                let made = checksig_algorithm_with_length(code, bits, error);
                let message = CStr::from_ptr(crate::error::checksig_error_message(error))
                    .to_str()
                    .unwrap()
                    .to_owned();
                let kind = crate::error::checksig_error_kind(error);
                crate::error::checksig_error_free(error);
                (made, kind, message)
            }
        };
        let b2_256 = with_length(CHECKSIG_ALGORITHM_BLAKE2B, 256).0;
        assert_eq!(
            concrete_algorithm("f", b2_256).unwrap(),
            Algorithm::parse_with_length("blake2b", Some(256)).unwrap()
        );
        assert_eq!(
            concrete_algorithm("f", b2_256).unwrap().tag(),
            "BLAKE2b-256"
        );
        for bits in (8..=512).step_by(8) {
            let code = with_length(CHECKSIG_ALGORITHM_BLAKE2B, bits).0;
            let algorithm = concrete_algorithm("f", code).unwrap();
            assert_eq!(algorithm.digest_len() as u32 * 8, bits);
            assert_eq!(code_of(algorithm), code);
        }
        assert_eq!(
            with_length(CHECKSIG_ALGORITHM_BLAKE2B, 512).0,
            CHECKSIG_ALGORITHM_BLAKE2B
        );
        assert_eq!(
            with_length(CHECKSIG_ALGORITHM_SHA256, 256).0,
            CHECKSIG_ALGORITHM_SHA256
        );
        for bits in [0, 4, 252, 520, u32::MAX] {
            let (code, kind, message) = with_length(CHECKSIG_ALGORITHM_BLAKE2B, bits);
            assert_eq!(
                (code, kind),
                (CHECKSIG_ALGORITHM_DETECT, CHECKSIG_ERROR_INVALID_ARGUMENT)
            );
            assert_eq!(
                message,
                format!(
                    "checksig_algorithm_with_length: invalid length {bits} for blake2b: \
                     it takes a multiple of 8 from 8 to 512 bits"
                )
            );
        }
        let (code, _, message) = with_length(CHECKSIG_ALGORITHM_SHA256, 128);
        assert_eq!(code, CHECKSIG_ALGORITHM_DETECT);
        assert!(
            message.ends_with("for sha256: it takes only 256 bits"),
            "{message}"
        );
        for code in [CHECKSIG_ALGORITHM_DETECT, 99, b2_256] {
            let (made, kind, message) = with_length(code, 256);
            assert_eq!(
                (made, kind),
                (CHECKSIG_ALGORITHM_DETECT, CHECKSIG_ERROR_INVALID_ARGUMENT)
            );
            assert_eq!(
                message,
                format!("checksig_algorithm_with_length: unknown algorithm {code}")
            );
        }
        // Only the one code of each length: not SHA-256 "with 256 bits",
        // not BLAKE2b-512 spelled with its length, not a length BLAKE2b lacks.
        for code in [
            CHECKSIG_ALGORITHM_SHA256 | (256 << LENGTH_SHIFT),
            CHECKSIG_ALGORITHM_BLAKE2B | (512 << LENGTH_SHIFT),
            CHECKSIG_ALGORITHM_BLAKE2B | (252 << LENGTH_SHIFT),
        ] {
            assert_eq!(algorithm_arg(code), None, "{code:#x}");
        }
    }
}
