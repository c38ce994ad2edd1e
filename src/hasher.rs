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

/// Names the SHA-1 implementation that runs on this CPU, for `--version`
/// output and benchmark reports.
///
/// RustCrypto's `sha1` 0.10 checks the CPU once at run time: with the SHA
/// extensions (`sha`, plus SSE2, SSSE3 and SSE4.1) it uses the SHA-NI
/// instructions, several times faster than its portable code, which is the
/// fallback. (Its `asm` feature, which we enable, is ignored since 0.10.7:
/// the `sha1-asm` fallback is gone upstream.)
///
/// ```
/// let backend = checksig::backend();
/// assert!(backend.starts_with("sha1: "), "{backend}");
/// ```
pub fn backend() -> &'static str {
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    {
        if std::arch::is_x86_feature_detected!("sha")
            && std::arch::is_x86_feature_detected!("sse2")
            && std::arch::is_x86_feature_detected!("ssse3")
            && std::arch::is_x86_feature_detected!("sse4.1")
        {
            "sha1: SHA-NI"
        } else {
            "sha1: portable"
        }
    }
    #[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
    {
        "sha1: portable"
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
