//! The hash functions, behind one small streaming interface.

use sha1::Digest as _;

use crate::digest::{Algorithm, Digest};

/// A streaming hasher for one [`Algorithm`].
///
/// SHA-1 comes from RustCrypto's `sha1` crate, which picks the SHA-NI
/// instructions at run time where the CPU has them.
///
/// ```
/// use checksig::{Algorithm, Hasher};
/// let mut hasher = Hasher::new(Algorithm::Sha1);
/// hasher.update(b"hello\n");
/// assert_eq!(hasher.finalize().to_hex(), "f572d396fae9206628714fb2ce00f72e94f2258f");
/// ```
#[derive(Clone)]
pub struct Hasher {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Sha1(sha1::Sha1),
}

impl Hasher {
    /// A fresh hasher.
    pub fn new(algorithm: Algorithm) -> Hasher {
        let inner = match algorithm {
            Algorithm::Sha1 => Inner::Sha1(sha1::Sha1::new()),
        };
        Hasher { inner }
    }

    /// Feeds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.inner {
            Inner::Sha1(hasher) => hasher.update(bytes),
        }
    }

    /// The digest of everything fed so far.
    pub fn finalize(self) -> Digest {
        match self.inner {
            Inner::Sha1(hasher) => {
                let bytes = hasher.finalize();
                Digest::from_bytes(Algorithm::Sha1, &bytes).expect("SHA-1 is 20 bytes")
            }
        }
    }
}

/// The digest of `bytes`.
///
/// ```
/// use checksig::{hash_bytes, Algorithm};
/// assert_eq!(
///     hash_bytes(Algorithm::Sha1, b"").to_hex(),
///     "da39a3ee5e6b4b0d3255bfef95601890afd80709"
/// );
/// ```
pub fn hash_bytes(algorithm: Algorithm, bytes: &[u8]) -> Digest {
    let mut hasher = Hasher::new(algorithm);
    hasher.update(bytes);
    hasher.finalize()
}
