//! The naive reference implementation: what the article's code does, in spirit.
//!
//! One thread, each file read whole into memory, software SHA-1 (`sha1_smol`,
//! no SIMD or SHA-NI), no confinement. It is kept so that tests can check the
//! fast paths against an independent implementation, and so that benchmarks
//! show what each design choice buys. Do not use it to verify untrusted trees.

use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::digest::{Algorithm, Digest};
use crate::manifest::{Item, Manifest};

/// The SHA-1 of `bytes`, computed in portable software.
///
/// ```
/// assert_eq!(
///     checksig::reference::sha1(b"abc").to_hex(),
///     "a9993e364706816aba3e25717850c26c9cd0d89d"
/// );
/// ```
pub fn sha1(bytes: &[u8]) -> Digest {
    let bytes = sha1_smol::Sha1::from(bytes).digest().bytes();
    Digest::from_bytes(Algorithm::Sha1, &bytes).expect("SHA-1 is 20 bytes")
}

/// The SHA-1 of the file at `path`, read whole.
pub fn hash_file(path: impl AsRef<Path>) -> io::Result<Digest> {
    Ok(sha1(&std::fs::read(path)?))
}

/// For each manifest line in order: `Some(matches)` for an entry whose file
/// could be read, `None` for an unreadable file or a malformed line.
///
/// ```no_run
/// let text = std::fs::read("logs/sha1sum.txt")?;
/// let manifest = checksig::manifest::Manifest::parse(&text);
/// let verdicts = checksig::reference::verify(std::path::Path::new("logs"), &manifest);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn verify(root: &Path, manifest: &Manifest) -> Vec<Option<bool>> {
    manifest
        .items()
        .iter()
        .map(|item| match item {
            Item::Entry(entry) => {
                let path = root.join(OsStr::from_bytes(&entry.name));
                hash_file(path).ok().map(|digest| digest == entry.digest)
            }
            Item::Malformed(_) => None,
        })
        .collect()
}
