//! The one table of algorithms: every fact the crate, the command line, the
//! C ABI and the Python package know about each algorithm (names, aliases,
//! BSD tag, tool, digest length, manifest file names, C code, how GNU writes
//! its lines) stands in [`Descriptor`]s here, and everything else derives
//! from them.
//!
//! Adding an algorithm is a row in `TABLE`, a variant of [`Algorithm`], and
//! its hasher in `crate::hasher`.
//!
//! One algorithm has a length chosen by the user: BLAKE2b, whose `-l` gives
//! any multiple of 8 bits up to 512 ([`Algorithm::Blake2b`] carries a
//! [`Blake2bLen`]). SHA-2 and SHA-3 "by length" (`cksum -a sha2 -l 384`) are
//! the fixed rows of that length ([`Algorithm::parse_with_length`]).
//!
//! ```
//! use checksig::Algorithm;
//! let sha256 = Algorithm::Sha256.descriptor();
//! assert_eq!((sha256.tag, sha256.tool, sha256.digest_len), ("SHA256", "sha256sum", 32));
//! assert_eq!(Algorithm::from_code(sha256.code), Some(Algorithm::Sha256));
//! let b2_256 = Algorithm::parse_with_length("blake2b", Some(256)).unwrap();
//! assert_eq!((b2_256.tag(), b2_256.digest_len()), ("BLAKE2b-256", 32));
//! ```

use std::fmt;

/// A checksum algorithm a manifest can be written in.
///
/// Manifests are read with GNU's rules for the algorithm's tool; see
/// [`crate::detect`] for how one is chosen. A small `Copy` value (two
/// bytes): BLAKE2b carries its digest length, every other algorithm has
/// one length.
///
/// ```
/// use checksig::Algorithm;
/// assert_eq!(Algorithm::Sha1.tag(), "SHA1");
/// assert_eq!(Algorithm::Sha1.hex_len(), 40);
/// assert_eq!(Algorithm::Sha256.tool(), "sha256sum");
/// assert_eq!("b3".parse::<Algorithm>(), Ok(Algorithm::Blake3));
/// assert_eq!("SHA3-256".parse::<Algorithm>(), Ok(Algorithm::Sha3_256));
/// assert!(std::mem::size_of::<Algorithm>() <= 2);
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
    /// SHA-224, as written by GNU `sha224sum`.
    Sha224,
    /// SHA-384, as written by GNU `sha384sum`.
    Sha384,
    /// SHA3-224 (FIPS 202), as written by GNU `cksum -a sha3 -l 224`.
    Sha3_224,
    /// SHA3-256, as written by GNU `cksum -a sha3 -l 256`.
    Sha3_256,
    /// SHA3-384, as written by GNU `cksum -a sha3 -l 384`.
    Sha3_384,
    /// SHA3-512, as written by GNU `cksum -a sha3 -l 512`.
    Sha3_512,
    /// BLAKE2b (RFC 7693) with a digest of the given length, as written by
    /// GNU `b2sum` (512 bits) and `b2sum -l N`.
    Blake2b(Blake2bLen),
    /// SHAKE128 (FIPS 202) with 256 bits of output. GNU has no SHAKE; the
    /// length is the one that gives SHAKE128 its full 128-bit strength.
    Shake128,
    /// SHAKE256 with 512 bits of output (its full 256-bit strength).
    Shake256,
    /// SM3 (GB/T 32905-2016), as written by GNU `cksum -a sm3`.
    Sm3,
    /// The POSIX CRC of GNU `cksum` (its default): a 32-bit CRC over the
    /// bytes and then their length, printed in decimal with the size.
    Crc,
    /// The CRC-32 of zlib and Ethernet, as written by GNU `cksum -a crc32b`.
    Crc32b,
    /// The BSD 16-bit checksum of `sum -r` (`cksum -a bsd`).
    Bsd,
    /// The System V 16-bit checksum of `sum -s` (`cksum -a sysv`).
    Sysv,
}

/// A BLAKE2b digest length: a whole number of bytes from 1 to 64 (GNU's
/// `-l` takes it in bits, a multiple of 8 up to 512).
///
/// ```
/// use checksig::algorithm::Blake2bLen;
/// assert_eq!(Blake2bLen::from_bits(256).map(Blake2bLen::bytes), Some(32));
/// assert_eq!(Blake2bLen::from_bits(252), None);
/// assert_eq!(Blake2bLen::from_bits(0), None);
/// assert_eq!(Blake2bLen::FULL.bits(), 512);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Blake2bLen(u8);

impl Blake2bLen {
    /// The full length, 512 bits (`b2sum` without `-l`).
    pub const FULL: Blake2bLen = Blake2bLen(64);

    /// The length of `bits` bits: a multiple of 8 from 8 to 512.
    pub const fn from_bits(bits: u32) -> Option<Blake2bLen> {
        if bits == 0 || bits % 8 != 0 || bits > 512 {
            return None;
        }
        Some(Blake2bLen((bits / 8) as u8))
    }

    /// The length of `bytes` bytes, 1 to 64.
    ///
    /// ```
    /// # use checksig::algorithm::Blake2bLen;
    /// assert_eq!(Blake2bLen::from_bytes(64), Some(Blake2bLen::FULL));
    /// assert_eq!(Blake2bLen::from_bytes(65), None);
    /// ```
    pub const fn from_bytes(bytes: usize) -> Option<Blake2bLen> {
        if bytes == 0 || bytes > 64 {
            return None;
        }
        Some(Blake2bLen(bytes as u8))
    }

    /// The length in bytes.
    pub const fn bytes(self) -> usize {
        self.0 as usize
    }

    /// The length in bits.
    pub const fn bits(self) -> u32 {
        self.0 as u32 * 8
    }
}

/// How GNU writes a checksum of an algorithm.
///
/// ```
/// use checksig::{algorithm::Output, Algorithm};
/// assert_eq!(Algorithm::Crc.descriptor().output, Output::Crc);
/// assert_eq!(Algorithm::Sha1.descriptor().output, Output::Digest);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Output {
    /// A digest in hex (or base64), untagged `hex  name` or tagged
    /// `TAG (name) = hex`; checked by `-c`.
    Digest,
    /// `cksum`'s `CRC SIZE NAME`: the CRC in decimal and the size in bytes
    /// (`crc`, `crc32b`).
    Crc,
    /// `sum -r`'s `%05d %5s NAME`: the checksum and the size in 1 KiB blocks.
    Bsd,
    /// `sum -s`'s `%d %s NAME`: the checksum and the size in 512-byte blocks.
    Sysv,
}

/// Everything known about one algorithm: one row of the table.
///
/// ```
/// use checksig::Algorithm;
/// let blake3 = Algorithm::Blake3.descriptor();
/// assert_eq!(blake3.name, "blake3");
/// assert!(blake3.aliases.contains(&"b3"));
/// assert!(!blake3.detect_by_length, "as long as SHA-256: chosen by name only");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct Descriptor {
    /// The algorithm this row describes (BLAKE2b at its full length).
    pub algorithm: Algorithm,
    /// The lowercase name `--algo` takes and the CLI, C and Python print.
    pub name: &'static str,
    /// Other names accepted for it (besides the tag and the tool).
    pub aliases: &'static [&'static str],
    /// The name in BSD-style tagged lines (`SHA1 (name) = ...`) and in
    /// GNU's messages (BLAKE2b's at its full length; see [`Algorithm::tag`]).
    pub tag: &'static str,
    /// The command that writes and checks its manifests (`cksum` for the
    /// algorithms GNU has only there, and for SHAKE, which GNU lacks).
    pub tool: &'static str,
    /// The digest length in bytes (BLAKE2b's full length; see
    /// [`Algorithm::digest_len`]).
    pub digest_len: usize,
    /// Whether a bare hex digest of this length may be taken to be this
    /// algorithm ([`crate::detect`]'s third rule).
    pub detect_by_length: bool,
    /// Whether one input can be hashed on several threads: true for
    /// BLAKE3, a tree of independent chunks; the others are one chain of
    /// blocks, each needing the one before.
    pub parallel: bool,
    /// How GNU writes it; only [`Output::Digest`] algorithms are read from
    /// manifests (GNU refuses `--check` for the others).
    pub output: Output,
    /// Conventional manifest file names, in the order a directory is
    /// searched for them ([`MANIFEST_NAMES`]).
    pub manifest_names: &'static [&'static str],
    /// The `CHECKSIG_ALGORITHM_*` code of the C ABI (0 means "detect").
    pub code: u32,
}

/// A row of the table with the values most rows share.
const fn row(
    algorithm: Algorithm,
    name: &'static str,
    tag: &'static str,
    tool: &'static str,
    digest_len: usize,
    code: u32,
) -> Descriptor {
    Descriptor {
        algorithm,
        name,
        aliases: &[],
        tag,
        tool,
        digest_len,
        detect_by_length: false,
        parallel: false,
        output: Output::Digest,
        manifest_names: &[],
        code,
    }
}

/// The table, in [`Algorithm`]'s declaration order (checked by a test).
const TABLE: [Descriptor; 19] = [
    Descriptor {
        detect_by_length: true,
        manifest_names: &["sha1sum.txt", "SHA1SUMS"],
        ..row(Algorithm::Sha1, "sha1", "SHA1", "sha1sum", 20, 1)
    },
    Descriptor {
        detect_by_length: true,
        manifest_names: &["SHA256SUMS", "sha256sum.txt"],
        ..row(Algorithm::Sha256, "sha256", "SHA256", "sha256sum", 32, 2)
    },
    Descriptor {
        detect_by_length: true,
        manifest_names: &["SHA512SUMS", "sha512sum.txt"],
        ..row(Algorithm::Sha512, "sha512", "SHA512", "sha512sum", 64, 3)
    },
    Descriptor {
        detect_by_length: true,
        manifest_names: &["MD5SUMS", "md5sum.txt"],
        ..row(Algorithm::Md5, "md5", "MD5", "md5sum", 16, 4)
    },
    Descriptor {
        aliases: &["b3"],
        parallel: true,
        manifest_names: &["B3SUMS", "b3sums", "b3sum.txt"],
        ..row(Algorithm::Blake3, "blake3", "BLAKE3", "b3sum", 32, 5)
    },
    Descriptor {
        detect_by_length: true,
        manifest_names: &["SHA224SUMS", "sha224sum.txt"],
        ..row(Algorithm::Sha224, "sha224", "SHA224", "sha224sum", 28, 6)
    },
    Descriptor {
        detect_by_length: true,
        manifest_names: &["SHA384SUMS", "sha384sum.txt"],
        ..row(Algorithm::Sha384, "sha384", "SHA384", "sha384sum", 48, 7)
    },
    row(Algorithm::Sha3_224, "sha3-224", "SHA3-224", "cksum", 28, 8),
    row(Algorithm::Sha3_256, "sha3-256", "SHA3-256", "cksum", 32, 9),
    row(Algorithm::Sha3_384, "sha3-384", "SHA3-384", "cksum", 48, 10),
    row(Algorithm::Sha3_512, "sha3-512", "SHA3-512", "cksum", 64, 11),
    Descriptor {
        aliases: &["b2", "blake2"],
        manifest_names: &["B2SUMS", "b2sums", "b2sum.txt"],
        ..row(
            Algorithm::Blake2b(Blake2bLen::FULL),
            "blake2b",
            "BLAKE2b",
            "b2sum",
            64,
            12,
        )
    },
    row(Algorithm::Shake128, "shake128", "SHAKE128", "cksum", 32, 13),
    row(Algorithm::Shake256, "shake256", "SHAKE256", "cksum", 64, 14),
    row(Algorithm::Sm3, "sm3", "SM3", "cksum", 32, 15),
    Descriptor {
        aliases: &["cksum"],
        output: Output::Crc,
        ..row(Algorithm::Crc, "crc", "CRC", "cksum", 4, 16)
    },
    Descriptor {
        output: Output::Crc,
        ..row(Algorithm::Crc32b, "crc32b", "CRC32B", "cksum", 4, 17)
    },
    Descriptor {
        aliases: &["sum"],
        output: Output::Bsd,
        ..row(Algorithm::Bsd, "bsd", "BSD", "sum", 2, 18)
    },
    Descriptor {
        output: Output::Sysv,
        ..row(Algorithm::Sysv, "sysv", "SYSV", "sum", 2, 19)
    },
];

/// BLAKE2b's tags by length in bytes (index `bytes - 1`): GNU writes the
/// length in bits after a dash unless it is the full 512.
const BLAKE2B_TAGS: [&str; 64] = [
    "BLAKE2b-8",
    "BLAKE2b-16",
    "BLAKE2b-24",
    "BLAKE2b-32",
    "BLAKE2b-40",
    "BLAKE2b-48",
    "BLAKE2b-56",
    "BLAKE2b-64",
    "BLAKE2b-72",
    "BLAKE2b-80",
    "BLAKE2b-88",
    "BLAKE2b-96",
    "BLAKE2b-104",
    "BLAKE2b-112",
    "BLAKE2b-120",
    "BLAKE2b-128",
    "BLAKE2b-136",
    "BLAKE2b-144",
    "BLAKE2b-152",
    "BLAKE2b-160",
    "BLAKE2b-168",
    "BLAKE2b-176",
    "BLAKE2b-184",
    "BLAKE2b-192",
    "BLAKE2b-200",
    "BLAKE2b-208",
    "BLAKE2b-216",
    "BLAKE2b-224",
    "BLAKE2b-232",
    "BLAKE2b-240",
    "BLAKE2b-248",
    "BLAKE2b-256",
    "BLAKE2b-264",
    "BLAKE2b-272",
    "BLAKE2b-280",
    "BLAKE2b-288",
    "BLAKE2b-296",
    "BLAKE2b-304",
    "BLAKE2b-312",
    "BLAKE2b-320",
    "BLAKE2b-328",
    "BLAKE2b-336",
    "BLAKE2b-344",
    "BLAKE2b-352",
    "BLAKE2b-360",
    "BLAKE2b-368",
    "BLAKE2b-376",
    "BLAKE2b-384",
    "BLAKE2b-392",
    "BLAKE2b-400",
    "BLAKE2b-408",
    "BLAKE2b-416",
    "BLAKE2b-424",
    "BLAKE2b-432",
    "BLAKE2b-440",
    "BLAKE2b-448",
    "BLAKE2b-456",
    "BLAKE2b-464",
    "BLAKE2b-472",
    "BLAKE2b-480",
    "BLAKE2b-488",
    "BLAKE2b-496",
    "BLAKE2b-504",
    "BLAKE2b",
];

/// The longest tag GNU reads (`BLAKE2b-512`): a longer first word is no tag.
const MAX_TAG_LEN: usize = 11;

/// The manifest names a directory is searched for, in order, when the
/// caller names none: the article's `sha1sum.txt` first, then the stronger
/// algorithms' conventional names, then `SHA1SUMS`.
///
/// ```
/// assert_eq!(checksig::algorithm::MANIFEST_NAMES[0], "sha1sum.txt");
/// assert!(checksig::algorithm::MANIFEST_NAMES.contains(&"SHA256SUMS"));
/// ```
pub const MANIFEST_NAMES: [&str; 18] = [
    "sha1sum.txt",
    "SHA256SUMS",
    "sha256sum.txt",
    "SHA512SUMS",
    "sha512sum.txt",
    "MD5SUMS",
    "md5sum.txt",
    "B3SUMS",
    "b3sums",
    "b3sum.txt",
    "SHA224SUMS",
    "sha224sum.txt",
    "SHA384SUMS",
    "sha384sum.txt",
    "B2SUMS",
    "b2sums",
    "b2sum.txt",
    "SHA1SUMS",
];

/// Why [`Algorithm::parse_with_length`] refused a name and length.
///
/// ```
/// use checksig::algorithm::{Algorithm, AlgorithmError};
/// assert!(matches!(Algorithm::parse_with_length("sha3", None), Err(AlgorithmError::LengthRequired(_))));
/// assert!(matches!(Algorithm::parse_with_length("sha2", Some(100)), Err(AlgorithmError::InvalidLength { .. })));
/// assert!(matches!(Algorithm::parse_with_length("md4", None), Err(AlgorithmError::Unknown(_))));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AlgorithmError {
    /// No algorithm has this name.
    #[error(transparent)]
    Unknown(#[from] UnknownAlgorithm),
    /// `sha2` and `sha3` name a family: a length must choose the member.
    #[error("--algorithm={0} requires specifying --length 224, 256, 384, or 512")]
    LengthRequired(String),
    /// The algorithm has no digest of this many bits.
    #[error("invalid length {bits} for {name}")]
    InvalidLength {
        /// The algorithm as named.
        name: String,
        /// The length asked for, in bits.
        bits: u32,
    },
}

impl Algorithm {
    /// Every row of the table, SHA-1 first (BLAKE2b at its full length).
    pub const ALL: [Algorithm; 19] = [
        Algorithm::Sha1,
        Algorithm::Sha256,
        Algorithm::Sha512,
        Algorithm::Md5,
        Algorithm::Blake3,
        Algorithm::Sha224,
        Algorithm::Sha384,
        Algorithm::Sha3_224,
        Algorithm::Sha3_256,
        Algorithm::Sha3_384,
        Algorithm::Sha3_512,
        Algorithm::Blake2b(Blake2bLen::FULL),
        Algorithm::Shake128,
        Algorithm::Shake256,
        Algorithm::Sm3,
        Algorithm::Crc,
        Algorithm::Crc32b,
        Algorithm::Bsd,
        Algorithm::Sysv,
    ];

    /// The index of this algorithm's row in the table.
    const fn index(self) -> usize {
        match self {
            Algorithm::Sha1 => 0,
            Algorithm::Sha256 => 1,
            Algorithm::Sha512 => 2,
            Algorithm::Md5 => 3,
            Algorithm::Blake3 => 4,
            Algorithm::Sha224 => 5,
            Algorithm::Sha384 => 6,
            Algorithm::Sha3_224 => 7,
            Algorithm::Sha3_256 => 8,
            Algorithm::Sha3_384 => 9,
            Algorithm::Sha3_512 => 10,
            Algorithm::Blake2b(_) => 11,
            Algorithm::Shake128 => 12,
            Algorithm::Shake256 => 13,
            Algorithm::Sm3 => 14,
            Algorithm::Crc => 15,
            Algorithm::Crc32b => 16,
            Algorithm::Bsd => 17,
            Algorithm::Sysv => 18,
        }
    }

    /// This algorithm's row of the table.
    pub const fn descriptor(self) -> &'static Descriptor {
        &TABLE[self.index()]
    }

    /// The name used in BSD-style tagged lines (`SHA1 (name) = ...`) and in
    /// GNU's messages; BLAKE2b's carries its length unless it is 512 bits
    /// (`BLAKE2b-256`), as GNU writes it.
    ///
    /// ```
    /// use checksig::{algorithm::Blake2bLen, Algorithm};
    /// assert_eq!(Algorithm::Blake2b(Blake2bLen::FULL).tag(), "BLAKE2b");
    /// assert_eq!(Algorithm::Blake2b(Blake2bLen::from_bits(160).unwrap()).tag(), "BLAKE2b-160");
    /// assert_eq!(Algorithm::Sha3_384.tag(), "SHA3-384");
    /// ```
    pub const fn tag(self) -> &'static str {
        match self {
            Algorithm::Blake2b(len) => BLAKE2B_TAGS[len.bytes() - 1],
            _ => self.descriptor().tag,
        }
    }

    /// The command that writes and checks manifests of this algorithm
    /// (`sha1sum`, `sha256sum`, `b2sum`, ..., `cksum` for those GNU has
    /// only there, `sum` for the BSD and System V sums).
    pub const fn tool(self) -> &'static str {
        self.descriptor().tool
    }

    /// The lowercase name `--algo` takes (`sha1`, `sha256`, `sha3-256`,
    /// `blake2b`, `crc`, ...; BLAKE2b's whatever its length).
    pub const fn name(self) -> &'static str {
        self.descriptor().name
    }

    /// The digest length in bytes (BLAKE2b's chosen length).
    ///
    /// ```
    /// use checksig::Algorithm;
    /// assert_eq!(Algorithm::Sha384.digest_len(), 48);
    /// assert_eq!(Algorithm::parse_with_length("b2", Some(8)).unwrap().digest_len(), 1);
    /// ```
    pub const fn digest_len(self) -> usize {
        match self {
            Algorithm::Blake2b(len) => len.bytes(),
            _ => self.descriptor().digest_len,
        }
    }

    /// The digest length in hexadecimal digits.
    pub const fn hex_len(self) -> usize {
        self.digest_len() * 2
    }

    /// The digest length in base64 digits, padding included (GNU's `--base64`).
    ///
    /// ```
    /// assert_eq!(checksig::Algorithm::Sha256.base64_len(), 44);
    /// ```
    pub const fn base64_len(self) -> usize {
        self.digest_len().div_ceil(3) * 4
    }

    /// Whether one input can be hashed on several threads
    /// ([`Hasher::update_parallel`](crate::Hasher::update_parallel)).
    ///
    /// ```
    /// use checksig::Algorithm;
    /// assert!(Algorithm::Blake3.hashes_in_parallel());
    /// assert!(!Algorithm::Sha256.hashes_in_parallel());
    /// ```
    pub const fn hashes_in_parallel(self) -> bool {
        self.descriptor().parallel
    }

    /// Whether manifests of this algorithm can be checked: false for the
    /// CRCs and the BSD and System V sums, which GNU's `--check` refuses.
    ///
    /// ```
    /// use checksig::Algorithm;
    /// assert!(Algorithm::Sm3.is_checkable());
    /// assert!(!Algorithm::Crc.is_checkable());
    /// ```
    pub const fn is_checkable(self) -> bool {
        matches!(self.descriptor().output, Output::Digest)
    }

    /// Whether `self` and `other` are the same algorithm but for the
    /// length: two BLAKE2b lengths, or two SHA-3 lengths (GNU reads
    /// `BLAKE2b-256 (f) = ...` in a `b2sum -c` of any length, and
    /// `SHA3-512` lines where `-a sha3` was given).
    ///
    /// ```
    /// use checksig::Algorithm;
    /// assert!(Algorithm::Sha3_256.same_family(Algorithm::Sha3_512));
    /// assert!(!Algorithm::Sha256.same_family(Algorithm::Sha512));
    /// ```
    pub const fn same_family(self, other: Algorithm) -> bool {
        matches!(
            (self.family(), other.family()),
            (Some(a), Some(b)) if a == b
        ) || self.index() == other.index()
    }

    /// 1 for SHA-3, 2 for BLAKE2b: the families whose members differ by length.
    const fn family(self) -> Option<u8> {
        match self {
            Algorithm::Sha3_224
            | Algorithm::Sha3_256
            | Algorithm::Sha3_384
            | Algorithm::Sha3_512 => Some(1),
            Algorithm::Blake2b(_) => Some(2),
            _ => None,
        }
    }

    /// The `CHECKSIG_ALGORITHM_*` code of the C ABI (BLAKE2b's whatever
    /// its length).
    ///
    /// ```
    /// assert_eq!(checksig::Algorithm::Sha1.code(), 1);
    /// ```
    pub const fn code(self) -> u32 {
        self.descriptor().code
    }

    /// The algorithm of a `CHECKSIG_ALGORITHM_*` code, `None` for 0
    /// ("detect") and unknown codes.
    ///
    /// ```
    /// use checksig::Algorithm;
    /// assert_eq!(Algorithm::from_code(5), Some(Algorithm::Blake3));
    /// assert_eq!(Algorithm::from_code(0), None);
    /// ```
    pub fn from_code(code: u32) -> Option<Algorithm> {
        TABLE
            .iter()
            .find(|row| row.code == code)
            .map(|row| row.algorithm)
    }

    /// The algorithm a lowercase name or alias (not a tag or tool) means:
    /// `sha256`, `b3`. Manifest file names and extensions are matched with it.
    ///
    /// ```
    /// use checksig::Algorithm;
    /// assert_eq!(Algorithm::by_name("b3"), Some(Algorithm::Blake3));
    /// assert_eq!(Algorithm::by_name("SHA256"), None, "lowercase only");
    /// ```
    pub fn by_name(name: &str) -> Option<Algorithm> {
        TABLE
            .iter()
            .find(|row| row.name == name || row.aliases.contains(&name))
            .map(|row| row.algorithm)
    }

    /// The algorithms a bare hex digest of `hex_len` digits may be taken
    /// for ([`crate::detect`]'s third rule).
    ///
    /// ```
    /// use checksig::Algorithm;
    /// assert_eq!(Algorithm::by_hex_len(64), Some(Algorithm::Sha256));
    /// assert_eq!(Algorithm::by_hex_len(96), Some(Algorithm::Sha384));
    /// assert_eq!(Algorithm::by_hex_len(63), None);
    /// ```
    pub fn by_hex_len(hex_len: usize) -> Option<Algorithm> {
        TABLE
            .iter()
            .find(|row| row.detect_by_length && row.digest_len * 2 == hex_len)
            .map(|row| row.algorithm)
    }

    /// The algorithm a tag of a manifest line names, exactly as GNU writes
    /// it: `SHA256`, `SHA3-256`, `BLAKE2b`, `BLAKE2b-N` for any multiple
    /// of 8 up to 512 (`BLAKE2b-512` is plain BLAKE2b). Case matters, as
    /// for GNU. The CRC and sum tags are found too (the caller refuses them
    /// in manifests: [`Algorithm::is_checkable`]).
    ///
    /// ```
    /// use checksig::Algorithm;
    /// assert_eq!(Algorithm::from_tag(b"SHA3-256"), Some(Algorithm::Sha3_256));
    /// assert_eq!(Algorithm::from_tag(b"BLAKE2b-256").map(Algorithm::digest_len), Some(32));
    /// assert_eq!(Algorithm::from_tag(b"BLAKE2b-512"), Algorithm::from_tag(b"BLAKE2b"));
    /// assert_eq!(Algorithm::from_tag(b"BLAKE2b-7"), None);
    /// assert_eq!(Algorithm::from_tag(b"sha256"), None);
    /// ```
    pub fn from_tag(tag: &[u8]) -> Option<Algorithm> {
        if tag.len() > MAX_TAG_LEN {
            return None;
        }
        if let Some(row) = TABLE.iter().find(|row| row.tag.as_bytes() == tag) {
            return Some(row.algorithm);
        }
        let bits = tag.strip_prefix(b"BLAKE2b-")?;
        if bits.is_empty() || bits.len() > 3 || !bits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let bits = bits
            .iter()
            .fold(0u32, |n, &digit| n * 10 + u32::from(digit - b'0'));
        Blake2bLen::from_bits(bits).map(Algorithm::Blake2b)
    }

    /// The algorithm of a name (as [`FromStr`](std::str::FromStr) takes
    /// it) with a length in bits, as GNU's `cksum -a NAME -l BITS` and
    /// `b2sum -l BITS` take them: `sha2` and `sha3` need 224, 256, 384 or
    /// 512; `blake2b` takes a multiple of 8 up to 512; any other algorithm
    /// only its own length. Without a length, BLAKE2b is 512 bits.
    ///
    /// ```
    /// use checksig::Algorithm;
    /// assert_eq!(Algorithm::parse_with_length("sha2", Some(384)), Ok(Algorithm::Sha384));
    /// assert_eq!(Algorithm::parse_with_length("sha3", Some(256)), Ok(Algorithm::Sha3_256));
    /// assert_eq!(Algorithm::parse_with_length("sha256", Some(256)), Ok(Algorithm::Sha256));
    /// assert!(Algorithm::parse_with_length("sha256", Some(128)).is_err());
    /// assert_eq!(Algorithm::parse_with_length("b2sum", Some(512)).ok(), "blake2b".parse().ok());
    /// ```
    pub fn parse_with_length(name: &str, bits: Option<u32>) -> Result<Algorithm, AlgorithmError> {
        let invalid = |bits| AlgorithmError::InvalidLength {
            name: name.to_string(),
            bits,
        };
        let family: Option<[Algorithm; 4]> = match fold(name).as_str() {
            "sha2" => Some([
                Algorithm::Sha224,
                Algorithm::Sha256,
                Algorithm::Sha384,
                Algorithm::Sha512,
            ]),
            "sha3" => Some([
                Algorithm::Sha3_224,
                Algorithm::Sha3_256,
                Algorithm::Sha3_384,
                Algorithm::Sha3_512,
            ]),
            _ => None,
        };
        if let Some(members) = family {
            let bits = bits.ok_or_else(|| AlgorithmError::LengthRequired(name.to_string()))?;
            return members
                .into_iter()
                .find(|member| member.digest_len() as u32 * 8 == bits)
                .ok_or_else(|| invalid(bits));
        }
        let algorithm: Algorithm = name.parse()?;
        match (algorithm, bits) {
            (_, None) => Ok(algorithm),
            (Algorithm::Blake2b(_), Some(bits)) => Blake2bLen::from_bits(bits)
                .map(Algorithm::Blake2b)
                .ok_or_else(|| invalid(bits)),
            (_, Some(bits)) if algorithm.digest_len() as u32 * 8 == bits => Ok(algorithm),
            (_, Some(bits)) => Err(invalid(bits)),
        }
    }

    /// Every algorithm's name, comma-separated with a final "or", for
    /// messages: `sha1, sha256, ... or sysv`.
    ///
    /// ```
    /// assert!(checksig::Algorithm::names_for_messages().ends_with(" or sysv"));
    /// ```
    pub fn names_for_messages() -> String {
        let names: Vec<&str> = TABLE.iter().map(|row| row.name).collect();
        match names.split_last() {
            Some((last, [])) => (*last).to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

/// `name` in lowercase without dashes and underscores, as names are compared.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|&c| c != '-' && c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The error of parsing an unknown algorithm name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownAlgorithm(pub String);

impl fmt::Display for UnknownAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown algorithm {:?} (expected {})",
            self.0,
            Algorithm::names_for_messages()
        )
    }
}

impl std::error::Error for UnknownAlgorithm {}

impl std::str::FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    /// Accepts the name, an alias, the tag or the tool, in any case, with or
    /// without a dash (`sha256`, `SHA-256`, `sha256sum`, `b3`, `b3sum`,
    /// `blake3`, `sha3-256`, `BLAKE2b-256`). A tool several algorithms share
    /// (`cksum`, `sum`) names its default: the CRC, the BSD sum.
    fn from_str(name: &str) -> Result<Algorithm, UnknownAlgorithm> {
        if let Some(algorithm) = Algorithm::from_tag(name.as_bytes()) {
            return Ok(algorithm);
        }
        let folded = fold(name);
        let base = folded.strip_suffix("sum").unwrap_or(&folded);
        TABLE
            .iter()
            .find(|row| {
                fold(row.name) == base
                    || row.aliases.contains(&base)
                    || row.aliases.contains(&folded.as_str())
                    || fold(row.tag) == base
                    || (row.tool == folded
                        && TABLE.iter().filter(|other| other.tool == row.tool).count() == 1)
            })
            .map(|row| row.algorithm)
            .or_else(|| {
                let tagged = name.to_ascii_uppercase().replace("BLAKE2B", "BLAKE2b");
                Algorithm::from_tag(tagged.as_bytes())
            })
            .ok_or_else(|| UnknownAlgorithm(name.to_string()))
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_in_declaration_order_with_distinct_codes_and_names() {
        for (index, row) in TABLE.iter().enumerate() {
            assert_eq!(row.algorithm.index(), index, "{}", row.name);
            assert_eq!(Algorithm::ALL[index], row.algorithm);
            assert_ne!(row.code, 0, "0 means detect");
        }
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                assert_ne!(a.code, b.code);
                assert_ne!(a.name, b.name);
                assert_ne!(a.tag, b.tag);
            }
        }
        assert!(TABLE.iter().all(|row| row.tag.len() <= MAX_TAG_LEN));
    }

    /// Every BLAKE2b length has its tag, which reads back as that length.
    #[test]
    fn every_blake2b_length_has_gnus_tag() {
        for bytes in 1..=64 {
            let algorithm = Algorithm::Blake2b(Blake2bLen::from_bytes(bytes).unwrap());
            let tag = algorithm.tag();
            if bytes == 64 {
                assert_eq!(tag, "BLAKE2b");
            } else {
                assert_eq!(tag, format!("BLAKE2b-{}", bytes * 8));
            }
            assert_eq!(Algorithm::from_tag(tag.as_bytes()), Some(algorithm));
            assert_eq!(algorithm.digest_len(), bytes);
            assert_eq!(
                Algorithm::parse_with_length("blake2b", Some(bytes as u32 * 8)),
                Ok(algorithm)
            );
        }
        for bad in [
            "BLAKE2b-0",
            "BLAKE2b-520",
            "BLAKE2b-12",
            "BLAKE2b-",
            "BLAKE2b-0256",
            "BLAKE2B-256",
        ] {
            assert_eq!(
                Algorithm::from_tag(bad.as_bytes()).filter(|a| a.tag() == bad),
                None,
                "{bad}"
            );
        }
    }

    /// `sha2`/`sha3` with each length GNU takes, and refusals.
    #[test]
    fn lengths_choose_family_members() {
        let cases = [
            ("sha2", 224, Algorithm::Sha224),
            ("sha2", 256, Algorithm::Sha256),
            ("sha2", 384, Algorithm::Sha384),
            ("sha2", 512, Algorithm::Sha512),
            ("sha3", 224, Algorithm::Sha3_224),
            ("sha3", 256, Algorithm::Sha3_256),
            ("sha3", 384, Algorithm::Sha3_384),
            ("sha3", 512, Algorithm::Sha3_512),
        ];
        for (name, bits, algorithm) in cases {
            assert_eq!(
                Algorithm::parse_with_length(name, Some(bits)),
                Ok(algorithm)
            );
            assert_eq!(algorithm.digest_len() as u32 * 8, bits);
        }
        assert!(Algorithm::parse_with_length("sha3", Some(160)).is_err());
        assert!(Algorithm::parse_with_length("blake2b", Some(513)).is_err());
        assert!(Algorithm::parse_with_length("blake2b", Some(0)).is_err());
        assert!(Algorithm::parse_with_length("md5", Some(160)).is_err());
        assert_eq!(
            Algorithm::parse_with_length("md5", Some(128)),
            Ok(Algorithm::Md5)
        );
    }

    #[test]
    fn every_way_of_naming_an_algorithm_parses() {
        for row in &TABLE {
            let tool_is_its_own = TABLE.iter().filter(|other| other.tool == row.tool).count() == 1;
            let tool = tool_is_its_own.then_some(row.tool);
            for name in [row.name, row.tag]
                .into_iter()
                .chain(tool)
                .chain(row.aliases.iter().copied())
            {
                assert_eq!(name.parse::<Algorithm>(), Ok(row.algorithm), "{name}");
            }
        }
        assert_eq!("SHA-256".parse::<Algorithm>(), Ok(Algorithm::Sha256));
        assert!("sha385".parse::<Algorithm>().is_err());
        assert_eq!("cksum".parse::<Algorithm>(), Ok(Algorithm::Crc));
        assert_eq!("sum".parse::<Algorithm>(), Ok(Algorithm::Bsd));
        assert_eq!(
            "b2sum".parse::<Algorithm>(),
            Ok(Algorithm::Blake2b(Blake2bLen::FULL))
        );
        assert_eq!("sha3-512".parse::<Algorithm>(), Ok(Algorithm::Sha3_512));
        let b2_256 = Algorithm::Blake2b(Blake2bLen::from_bits(256).unwrap());
        assert_eq!("blake2b-256".parse::<Algorithm>(), Ok(b2_256));
        assert_eq!("BLAKE2b-256".parse::<Algorithm>(), Ok(b2_256));
    }

    #[test]
    fn every_discovered_manifest_name_belongs_to_one_algorithm() {
        for name in MANIFEST_NAMES {
            let owners = TABLE
                .iter()
                .filter(|row| row.manifest_names.contains(&name))
                .count();
            assert_eq!(owners, 1, "{name}");
        }
        let listed: usize = TABLE.iter().map(|row| row.manifest_names.len()).sum();
        assert_eq!(listed, MANIFEST_NAMES.len());
    }

    #[test]
    fn blake3_is_never_taken_by_length() {
        assert_eq!(Algorithm::by_hex_len(64), Some(Algorithm::Sha256));
        assert_eq!(Algorithm::by_hex_len(128), Some(Algorithm::Sha512));
        assert_eq!(Algorithm::by_hex_len(32), Some(Algorithm::Md5));
        assert_eq!(Algorithm::by_hex_len(40), Some(Algorithm::Sha1));
        assert_eq!(Algorithm::by_hex_len(56), Some(Algorithm::Sha224));
        assert_eq!(Algorithm::by_hex_len(96), Some(Algorithm::Sha384));
    }
}
