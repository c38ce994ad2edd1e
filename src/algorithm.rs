//! The one table of algorithms: every fact the crate, the command line, the
//! C ABI and the Python package know about each algorithm (names, aliases,
//! BSD tag, tool, digest length, manifest file names, C code) stands in
//! [`Descriptor`]s here, and everything else derives from them.
//!
//! Adding an algorithm is a row in `TABLE`, a variant of [`Algorithm`], and
//! its hasher in `crate::hasher`.
//!
//! ```
//! use checksig::Algorithm;
//! let sha256 = Algorithm::Sha256.descriptor();
//! assert_eq!((sha256.tag, sha256.tool, sha256.digest_len), ("SHA256", "sha256sum", 32));
//! assert_eq!(Algorithm::from_code(sha256.code), Some(Algorithm::Sha256));
//! ```

use std::fmt;

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
    /// The algorithm this row describes.
    pub algorithm: Algorithm,
    /// The lowercase name `--algo` takes and the CLI, C and Python print.
    pub name: &'static str,
    /// Other names accepted for it (besides the tag and the tool).
    pub aliases: &'static [&'static str],
    /// The name in BSD-style tagged lines (`SHA1 (name) = ...`) and in GNU's messages.
    pub tag: &'static str,
    /// The command that writes and checks its manifests.
    pub tool: &'static str,
    /// The digest length in bytes.
    pub digest_len: usize,
    /// Whether a bare hex digest of this length may be taken to be this
    /// algorithm ([`crate::detect`]'s third rule).
    pub detect_by_length: bool,
    /// Whether one input can be hashed on several threads: true for
    /// BLAKE3, a tree of independent chunks; the others are one chain of
    /// blocks, each needing the one before.
    pub parallel: bool,
    /// Conventional manifest file names, in the order a directory is
    /// searched for them ([`MANIFEST_NAMES`]).
    pub manifest_names: &'static [&'static str],
    /// The `CHECKSIG_ALGORITHM_*` code of the C ABI (0 means "detect").
    pub code: u32,
}

/// The table, in [`Algorithm`]'s declaration order (checked by a test).
const TABLE: [Descriptor; 5] = [
    Descriptor {
        algorithm: Algorithm::Sha1,
        name: "sha1",
        aliases: &[],
        tag: "SHA1",
        tool: "sha1sum",
        digest_len: 20,
        detect_by_length: true,
        parallel: false,
        manifest_names: &["sha1sum.txt", "SHA1SUMS"],
        code: 1,
    },
    Descriptor {
        algorithm: Algorithm::Sha256,
        name: "sha256",
        aliases: &[],
        tag: "SHA256",
        tool: "sha256sum",
        digest_len: 32,
        detect_by_length: true,
        parallel: false,
        manifest_names: &["SHA256SUMS", "sha256sum.txt"],
        code: 2,
    },
    Descriptor {
        algorithm: Algorithm::Sha512,
        name: "sha512",
        aliases: &[],
        tag: "SHA512",
        tool: "sha512sum",
        digest_len: 64,
        detect_by_length: true,
        parallel: false,
        manifest_names: &["SHA512SUMS", "sha512sum.txt"],
        code: 3,
    },
    Descriptor {
        algorithm: Algorithm::Md5,
        name: "md5",
        aliases: &[],
        tag: "MD5",
        tool: "md5sum",
        digest_len: 16,
        detect_by_length: true,
        parallel: false,
        manifest_names: &["MD5SUMS", "md5sum.txt"],
        code: 4,
    },
    Descriptor {
        algorithm: Algorithm::Blake3,
        name: "blake3",
        aliases: &["b3"],
        tag: "BLAKE3",
        tool: "b3sum",
        digest_len: 32,
        detect_by_length: false,
        parallel: true,
        manifest_names: &["B3SUMS", "b3sums", "b3sum.txt"],
        code: 5,
    },
];

/// The manifest names a directory is searched for, in order, when the
/// caller names none: the article's `sha1sum.txt` first, then the stronger
/// algorithms' conventional names, then `SHA1SUMS`.
///
/// ```
/// assert_eq!(checksig::algorithm::MANIFEST_NAMES[0], "sha1sum.txt");
/// assert!(checksig::algorithm::MANIFEST_NAMES.contains(&"SHA256SUMS"));
/// ```
pub const MANIFEST_NAMES: [&str; 11] = [
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
    "SHA1SUMS",
];

impl Algorithm {
    /// Every algorithm, SHA-1 first.
    pub const ALL: [Algorithm; 5] = [
        Algorithm::Sha1,
        Algorithm::Sha256,
        Algorithm::Sha512,
        Algorithm::Md5,
        Algorithm::Blake3,
    ];

    /// This algorithm's row of the table.
    pub const fn descriptor(self) -> &'static Descriptor {
        &TABLE[self as usize]
    }

    /// The name used in BSD-style tagged lines (`SHA1 (name) = ...`) and in GNU's messages.
    pub const fn tag(self) -> &'static str {
        self.descriptor().tag
    }

    /// The command that writes and checks manifests of this algorithm
    /// (`sha1sum`, `sha256sum`, `sha512sum`, `md5sum`, `b3sum`).
    pub const fn tool(self) -> &'static str {
        self.descriptor().tool
    }

    /// The lowercase name `--algo` takes (`sha1`, `sha256`, `sha512`, `md5`, `blake3`).
    pub const fn name(self) -> &'static str {
        self.descriptor().name
    }

    /// The digest length in bytes.
    pub const fn digest_len(self) -> usize {
        self.descriptor().digest_len
    }

    /// The digest length in hexadecimal digits.
    pub const fn hex_len(self) -> usize {
        self.digest_len() * 2
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

    /// The `CHECKSIG_ALGORITHM_*` code of the C ABI.
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
    /// assert_eq!(Algorithm::by_hex_len(63), None);
    /// ```
    pub fn by_hex_len(hex_len: usize) -> Option<Algorithm> {
        TABLE
            .iter()
            .find(|row| row.detect_by_length && row.digest_len * 2 == hex_len)
            .map(|row| row.algorithm)
    }

    /// Every algorithm's name, comma-separated with a final "or", for
    /// messages: `sha1, sha256, sha512, md5 or blake3`.
    ///
    /// ```
    /// assert!(checksig::Algorithm::names_for_messages().ends_with(" or blake3"));
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
    /// without a dash (`sha256`, `SHA-256`, `sha256sum`, `b3`, `b3sum`, `blake3`).
    fn from_str(name: &str) -> Result<Algorithm, UnknownAlgorithm> {
        let folded: String = name
            .chars()
            .filter(|&c| c != '-' && c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        let base = folded.strip_suffix("sum").unwrap_or(&folded);
        TABLE
            .iter()
            .find(|row| {
                row.name == base
                    || row.aliases.contains(&base)
                    || row.tag.eq_ignore_ascii_case(base)
                    || row.tool == folded
            })
            .map(|row| row.algorithm)
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
            assert_eq!(row.algorithm as usize, index, "{}", row.name);
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
    }

    #[test]
    fn every_way_of_naming_an_algorithm_parses() {
        for row in &TABLE {
            for name in [row.name, row.tag, row.tool]
                .into_iter()
                .chain(row.aliases.iter().copied())
            {
                assert_eq!(name.parse::<Algorithm>(), Ok(row.algorithm), "{name}");
            }
        }
        assert_eq!("SHA-256".parse::<Algorithm>(), Ok(Algorithm::Sha256));
        assert!("sha384".parse::<Algorithm>().is_err());
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
    }
}
