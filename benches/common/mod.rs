//! What the hash-function benchmarks share (`benches/algorithms.rs`,
//! `benches/openssl.rs`): their bytes, and one message digested whole.

use checksig::{Algorithm, Digest, Hasher};

/// The message of a one-message case: `openssl speed`'s largest default
/// block, so that its figures compare with OpenSSL's.
pub const MESSAGE: usize = 16 << 10;

/// `len` bytes that no hash function can shortcut: each the top byte of
/// its index times a 64-bit odd constant (the golden ratio's).
pub fn bytes(len: usize) -> Vec<u8> {
    (0..len as u64)
        .map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8)
        .collect()
}

/// `message`'s digest as one operation of `openssl speed -evp` makes it:
/// [`Hasher::new`], one [`Hasher::update`], [`Hasher::finalize`].
pub fn digest_message(algorithm: Algorithm, message: &[u8]) -> Digest {
    let mut hasher = Hasher::new(algorithm);
    hasher.update(message);
    hasher.finalize()
}
