//! The hash functions, behind one small streaming interface.

use std::sync::OnceLock;

use blake2::digest::VariableOutput as _;
use sha1::Digest as _;

use crate::algorithm::Blake2bLen;
use crate::digest::{Algorithm, Digest};

mod blocks;
mod keccak;
mod md5;
pub(crate) mod sha1_pair;
mod sha512;
mod sums;

/// A streaming hasher for one [`Algorithm`].
///
/// SHA-1 and SHA-256 come from RustCrypto's crates, which pick the SHA-NI
/// instructions at run time where the CPU has them; SHA-512 and MD5 are this
/// crate's own code, measured faster than the published crates
/// ([`backend_of`] says why); BLAKE3 comes from the reference `blake3`
/// crate, which picks its SIMD code (SSE2 to AVX-512) at run time. SHA-224
/// comes from `sha2`, SHA-384 from our SHA-512 code, SHA-3 and SHAKE from
/// CRYPTOGAMS' assembly (`sha3-asm`, the `asm` feature, on x86_64) or `sha3`, BLAKE2b from
/// `blake2`, SM3 from `sm3` (all RustCrypto); the CRCs from the `crc` crate,
/// and the BSD and System V sums are this crate's (`hasher/sums.rs`). Every
/// hasher runs on the calling thread, except that
/// [`Hasher::update_parallel`] shares BLAKE3's tree among threads.
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
    Sha256(sha2::Sha256),
    Sha512(sha512::Sha512),
    Md5(md5::Md5),
    // Boxed: its chunk stack makes it ten times larger than the others.
    Blake3(Box<blake3::Hasher>),
    Sha224(sha2::Sha224),
    // SHA-512's own code from SHA-384's initial value (`hasher/sha512.rs`).
    Sha384(sha512::Sha512),
    // The Keccak and BLAKE2b states are boxed too (200 and 64 bytes of
    // state, plus a block buffer), to keep every `Hasher` small. SHA-3 and
    // SHAKE: `hasher/keccak.rs` picks their backend.
    Keccak(Box<keccak::Keccak>),
    Blake2b(Box<blake2::Blake2bVar>, Blake2bLen),
    Sm3(Box<sm3::Sm3>),
    Sum(sums::Sum, Algorithm),
}

impl Hasher {
    /// A fresh hasher.
    ///
    /// ```
    /// use checksig::{hash_bytes, Algorithm, Hasher};
    /// // Fed nothing, it gives the digest of no bytes.
    /// assert_eq!(Hasher::new(Algorithm::Sha1).finalize(), hash_bytes(Algorithm::Sha1, b""));
    /// ```
    pub fn new(algorithm: Algorithm) -> Hasher {
        let inner = match algorithm {
            Algorithm::Sha1 => Inner::Sha1(sha1::Sha1::new()),
            Algorithm::Sha256 => Inner::Sha256(sha2::Sha256::new()),
            Algorithm::Sha512 => Inner::Sha512(sha512::Sha512::new()),
            Algorithm::Md5 => Inner::Md5(md5::Md5::new()),
            Algorithm::Blake3 => Inner::Blake3(Box::default()),
            Algorithm::Sha224 => Inner::Sha224(sha2::Sha224::new()),
            Algorithm::Sha384 => Inner::Sha384(sha512::Sha512::new_384()),
            Algorithm::Sha3_224 => keccak_of(keccak::Kind::Sha3_224),
            Algorithm::Sha3_256 => keccak_of(keccak::Kind::Sha3_256),
            Algorithm::Sha3_384 => keccak_of(keccak::Kind::Sha3_384),
            Algorithm::Sha3_512 => keccak_of(keccak::Kind::Sha3_512),
            Algorithm::Blake2b(len) => Inner::Blake2b(
                Box::new(
                    blake2::Blake2bVar::new(len.bytes())
                        .expect("Blake2bLen is 1 to 64 bytes, as BLAKE2b allows"),
                ),
                len,
            ),
            Algorithm::Shake128 => keccak_of(keccak::Kind::Shake128),
            Algorithm::Shake256 => keccak_of(keccak::Kind::Shake256),
            Algorithm::Sm3 => Inner::Sm3(Box::default()),
            Algorithm::Crc => Inner::Sum(sums::Sum::new(sums::Kind::Cksum), algorithm),
            Algorithm::Crc32b => Inner::Sum(sums::Sum::new(sums::Kind::Crc32b), algorithm),
            Algorithm::Bsd => Inner::Sum(sums::Sum::new(sums::Kind::Bsd), algorithm),
            Algorithm::Sysv => Inner::Sum(sums::Sum::new(sums::Kind::Sysv), algorithm),
        };
        Hasher { inner }
    }

    /// The algorithm this hasher computes.
    ///
    /// ```
    /// use checksig::{Algorithm, Hasher};
    /// assert_eq!(Hasher::new(Algorithm::Blake3).algorithm(), Algorithm::Blake3);
    /// ```
    pub fn algorithm(&self) -> Algorithm {
        match self.inner {
            Inner::Sha1(_) => Algorithm::Sha1,
            Inner::Sha256(_) => Algorithm::Sha256,
            Inner::Sha512(_) => Algorithm::Sha512,
            Inner::Md5(_) => Algorithm::Md5,
            Inner::Blake3(_) => Algorithm::Blake3,
            Inner::Sha224(_) => Algorithm::Sha224,
            Inner::Sha384(_) => Algorithm::Sha384,
            Inner::Keccak(ref keccak) => keccak.kind().algorithm(),
            Inner::Blake2b(_, len) => Algorithm::Blake2b(len),
            Inner::Sm3(_) => Algorithm::Sm3,
            Inner::Sum(_, algorithm) => algorithm,
        }
    }

    /// Feeds bytes, hashing them on up to `threads` threads where the
    /// algorithm allows it; the digest is the same as after [`update`].
    ///
    /// Only BLAKE3, a tree hash, splits one input among threads: this call
    /// starts a pool of up to `threads` threads (its own, not rayon's
    /// global pool; at most one per 512 KiB of `bytes`, none below 1 MiB),
    /// lets BLAKE3 share the subtrees of `bytes` among them, and joins them
    /// before it returns, so no thread outlives the call. Every other
    /// algorithm is a chain of blocks: it hashes on the calling thread, as
    /// [`update`] does. [`Algorithm::hashes_in_parallel`] tells which.
    ///
    /// Each call starts and joins its threads and waits for the slower
    /// ones, so feed large pieces: in memory on 2 cores, 16 MiB pieces hash
    /// 1.8 times as fast as one thread, 4 MiB pieces 1.5 times
    /// (`benches/algorithms.sh`).
    ///
    /// [`update`]: Hasher::update
    ///
    /// ```
    /// use checksig::{hash_bytes, Algorithm, Hasher};
    /// let bytes = vec![7u8; 3 << 20];
    /// let mut hasher = Hasher::new(Algorithm::Blake3);
    /// hasher.update_parallel(&bytes, 2);
    /// assert_eq!(hasher.finalize(), hash_bytes(Algorithm::Blake3, &bytes));
    /// ```
    pub fn update_parallel(&mut self, bytes: &[u8], threads: usize) {
        let threads = threads.min(bytes.len() / MIN_PER_THREAD);
        match &mut self.inner {
            Inner::Blake3(hasher) if threads >= 2 => hash_on_threads(hasher, bytes, threads),
            _ => self.update(bytes),
        }
    }

    /// Feeds bytes.
    ///
    /// ```
    /// use checksig::{hash_bytes, Algorithm, Hasher};
    /// // Bytes fed in pieces hash as if fed at once.
    /// let mut hasher = Hasher::new(Algorithm::Sha256);
    /// hasher.update(b"hello, ");
    /// hasher.update(b"world");
    /// assert_eq!(hasher.finalize(), hash_bytes(Algorithm::Sha256, b"hello, world"));
    /// ```
    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.inner {
            Inner::Sha1(hasher) => hasher.update(bytes),
            Inner::Sha256(hasher) => hasher.update(bytes),
            Inner::Sha512(hasher) => hasher.update(bytes),
            Inner::Md5(hasher) => hasher.update(bytes),
            Inner::Blake3(hasher) => {
                hasher.update(bytes);
            }
            Inner::Sha224(hasher) => sha2::Digest::update(hasher, bytes),
            Inner::Sha384(hasher) => hasher.update(bytes),
            Inner::Keccak(hasher) => hasher.update(bytes),
            Inner::Blake2b(hasher, _) => blake2::digest::Update::update(&mut **hasher, bytes),
            Inner::Sm3(hasher) => sm3::Digest::update(&mut **hasher, bytes),
            Inner::Sum(sum, _) => sum.update(bytes),
        }
    }

    /// The digest of everything fed so far.
    ///
    /// ```
    /// use checksig::{Algorithm, Hasher};
    /// let mut hasher = Hasher::new(Algorithm::Sha1);
    /// hasher.update(b"abc");
    /// let digest = hasher.finalize();
    /// assert_eq!(digest.to_hex(), "a9993e364706816aba3e25717850c26c9cd0d89d");
    /// ```
    pub fn finalize(self) -> Digest {
        let algorithm = self.algorithm();
        let digest = match self.inner {
            Inner::Sha1(hasher) => Digest::from_bytes(algorithm, &hasher.finalize()),
            Inner::Sha256(hasher) => Digest::from_bytes(algorithm, &hasher.finalize()),
            Inner::Sha512(hasher) => Digest::from_bytes(algorithm, &hasher.finalize()),
            Inner::Md5(hasher) => Digest::from_bytes(algorithm, &hasher.finalize()),
            Inner::Blake3(hasher) => Digest::from_bytes(algorithm, hasher.finalize().as_bytes()),
            Inner::Sha224(hasher) => Digest::from_bytes(algorithm, &hasher.finalize()),
            Inner::Sha384(hasher) => Digest::from_bytes(algorithm, &hasher.finalize()[..48]),
            Inner::Keccak(hasher) => {
                let mut out = [0; 64];
                let out = &mut out[..algorithm.digest_len()];
                hasher.finalize_into(out);
                Digest::from_bytes(algorithm, out)
            }
            Inner::Blake2b(hasher, len) => {
                let mut out = [0; 64];
                let out = &mut out[..len.bytes()];
                hasher
                    .finalize_variable(out)
                    .expect("the buffer has the length the hasher was made for");
                Digest::from_bytes(algorithm, out)
            }
            Inner::Sm3(hasher) => Digest::from_bytes(algorithm, &hasher.finalize()),
            Inner::Sum(sum, _) => {
                let (bytes, len) = sum.finalize();
                Digest::from_sum(algorithm, &bytes, len)
            }
        };
        digest.expect("each hash's output has its algorithm's digest length")
    }
}

/// A SHA-3 or SHAKE hasher, on the backend `hasher/keccak.rs` chose.
fn keccak_of(kind: keccak::Kind) -> Inner {
    Inner::Keccak(Box::new(keccak::Keccak::new(kind)))
}

/// The SHA-1 digests of `a` and `b`, computed together: faster than one
/// after the other where [`hashes_pairs_faster`] (see `hasher::sha1_pair`).
pub(crate) fn sha1_pair(a: &[u8], b: &[u8]) -> (Digest, Digest) {
    let (digest_a, digest_b) = sha1_pair::digests(a, b);
    (sha1_digest(digest_a), sha1_digest(digest_b))
}

/// The [`Digest`] of a SHA-1 computed by [`sha1_pair`]'s lanes.
pub(crate) fn sha1_digest(bytes: [u8; 20]) -> Digest {
    Digest::from_bytes(Algorithm::Sha1, &bytes).expect("SHA-1 digests are 20 bytes")
}

/// Whether [`sha1_pair`] beats two single digests on this CPU (it has SHA-NI).
pub(crate) fn hashes_pairs_faster() -> bool {
    sha1_pair::is_accelerated()
}

/// The least share of [`Hasher::update_parallel`]'s input that is worth a
/// thread: below it, starting the thread costs more than it saves.
const MIN_PER_THREAD: usize = 512 * 1024;

/// The name of a BLAKE3 pool thread; asked by rayon, on the thread that
/// builds the pool, once per thread it starts (counted by tests).
fn pool_thread_name(index: usize) -> String {
    #[cfg(test)]
    POOL_THREADS_NAMED.with(|count| count.set(count.get() + 1));
    format!("checksig-blake3-{index}")
}

#[cfg(test)]
thread_local! {
    /// BLAKE3 pool threads this test thread started (tests only).
    static POOL_THREADS_NAMED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Runs `body` with a feeder that hashes each piece it is given on up to
/// `threads` threads where the algorithm allows it (BLAKE3, as
/// [`Hasher::update_parallel`] does), on one pool started for the whole of
/// `body` rather than one per piece: a large file fed in 16 MiB steps used
/// to start and join `threads` threads per step (a 10 GiB file on 8
/// threads, some 5,000 threads). The pool's threads are scoped: all joined
/// before this returns. If no thread can start, the feeder hashes on the
/// calling thread.
pub(crate) fn with_parallel_feeder<R>(
    threads: usize,
    body: impl FnOnce(&dyn Fn(&mut Hasher, &[u8])) -> R,
) -> R {
    let serial = |hasher: &mut Hasher, bytes: &[u8]| hasher.update(bytes);
    if threads < 2 {
        return body(&serial);
    }
    let mut body = Some(body);
    let built = rayon_core::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(pool_thread_name)
        .build_scoped(
            |thread| thread.run(),
            |pool| {
                let body = body.take().expect("the pool runs the body once");
                body(&|hasher: &mut Hasher, bytes: &[u8]| {
                    if let Inner::Blake3(blake3) = &mut hasher.inner {
                        if bytes.len() >= 2 * MIN_PER_THREAD {
                            pool.install(|| {
                                blake3.update_rayon(bytes);
                            });
                            return;
                        }
                    }
                    hasher.update(bytes);
                })
            },
        );
    match built {
        Ok(result) => result,
        // The only error is a thread that could not start, before the body ran.
        Err(_) => (body.take().expect("the body did not run"))(&serial),
    }
}

/// Hashes `bytes` into `hasher` with BLAKE3's `update_rayon` on a pool of
/// `threads` scoped threads, all joined before this returns.
fn hash_on_threads(hasher: &mut blake3::Hasher, bytes: &[u8], threads: usize) {
    let pool = rayon_core::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(pool_thread_name)
        .build_scoped(
            |thread| thread.run(),
            |pool| {
                pool.install(|| {
                    hasher.update_rayon(bytes);
                })
            },
        );
    // The only error is a thread that could not start, before any byte
    // was hashed: the calling thread does the work alone.
    if pool.is_err() {
        hasher.update(bytes);
    }
}

/// Names the implementation of every algorithm that runs on this CPU, for
/// `--version` output and benchmark reports, such as
/// `sha1: SHA-NI, sha256: SHA-NI, sha512: AVX2+BMI2, md5: portable, blake3: AVX2`.
///
/// RustCrypto's `sha1` and `sha2` 0.10 check the CPU once at run time: with
/// the SHA extensions (`sha`, plus SSE2, SSSE3 and SSE4.1) SHA-1 and SHA-256
/// use the SHA-NI instructions, several times faster than their portable
/// code, which is the fallback. SHA-512 has no such instructions on most x86
/// CPUs; with AVX2, BMI1 and BMI2 it runs this crate's two-block code
/// (`src/hasher/sha512.rs`: 1.2 times `sha2`'s speed), otherwise `sha2`'s,
/// which uses AVX2 where present.
/// MD5 is this crate's portable code (see `src/hasher/md5.rs` for why: it
/// beats the published crates and GNU `md5sum`). BLAKE3 picks the widest of AVX-512, AVX2,
/// SSE4.1 and SSE2. (The `asm` feature of `sha1`, which we enable, is ignored
/// since 0.10.7: the `sha1-asm` fallback is gone upstream.)
///
/// ```
/// let backend = checksig::backend();
/// assert!(backend.starts_with("sha1: "), "{backend}");
/// assert!(backend.contains(", blake3: "), "{backend}");
/// ```
pub fn backend() -> &'static str {
    static BACKEND: OnceLock<String> = OnceLock::new();
    BACKEND.get_or_init(|| {
        Algorithm::ALL
            .iter()
            .map(|&algorithm| format!("{}: {}", algorithm.name(), backend_of(algorithm)))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// The implementation of `algorithm` that runs on this CPU, such as `SHA-NI`.
///
/// ```
/// use checksig::{backend_of, Algorithm};
/// let md5 = backend_of(Algorithm::Md5);
/// assert_eq!(md5, "portable");
/// ```
pub fn backend_of(algorithm: Algorithm) -> &'static str {
    // `crc-fast` picks its own code on every architecture.
    if matches!(algorithm, Algorithm::Crc | Algorithm::Crc32b) {
        return sums::backend();
    }
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    {
        use std::arch::is_x86_feature_detected as has;
        let sha_ni = has!("sha") && has!("sse2") && has!("ssse3") && has!("sse4.1");
        match algorithm {
            Algorithm::Sha1 | Algorithm::Sha256 | Algorithm::Sha224 if sha_ni => "SHA-NI",
            Algorithm::Sha512 | Algorithm::Sha384 if sha512::is_accelerated() => "AVX2+BMI2",
            Algorithm::Sha512 | Algorithm::Sha384 if has!("avx2") => "AVX2",
            Algorithm::Sha3_224
            | Algorithm::Sha3_256
            | Algorithm::Sha3_384
            | Algorithm::Sha3_512
            | Algorithm::Shake128
            | Algorithm::Shake256 => keccak::BACKEND,
            Algorithm::Blake3 if has!("avx512f") && has!("avx512vl") => "AVX-512",
            Algorithm::Blake3 if has!("avx2") => "AVX2",
            Algorithm::Blake3 if has!("sse4.1") => "SSE4.1",
            Algorithm::Blake3 if has!("sse2") => "SSE2",
            _ => "portable",
        }
    }
    #[cfg(target_arch = "aarch64")]
    {
        match algorithm {
            Algorithm::Blake3 => "NEON",
            _ => "portable",
        }
    }
    #[cfg(not(any(target_arch = "x86", target_arch = "x86_64", target_arch = "aarch64")))]
    {
        let _ = algorithm;
        "portable"
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

#[cfg(test)]
mod tests {
    /// One pool for a whole file: three pieces fed on two threads start two
    /// threads, where three calls of `update_parallel` start six, and the
    /// digest is the same as hashing the bytes at once.
    #[test]
    fn a_feeder_hashes_every_piece_on_one_pool() {
        let bytes: Vec<u8> = (0..3 * (2 << 20)).map(|i| (i % 251) as u8).collect();
        let started = || POOL_THREADS_NAMED.with(std::cell::Cell::get);
        let before = started();
        let digest = with_parallel_feeder(2, |feed| {
            let mut hasher = Hasher::new(Algorithm::Blake3);
            for piece in bytes.chunks(2 << 20) {
                feed(&mut hasher, piece);
            }
            hasher.finalize()
        });
        assert_eq!(digest, hash_bytes(Algorithm::Blake3, &bytes));
        assert_eq!(started() - before, 2);

        let before = started();
        let mut hasher = Hasher::new(Algorithm::Blake3);
        for piece in bytes.chunks(2 << 20) {
            hasher.update_parallel(piece, 2);
        }
        assert_eq!(hasher.finalize(), digest);
        assert_eq!(started() - before, 6, "a pool per call");
    }

    use super::*;

    /// Known answers for "abc" (FIPS 180 examples, RFC 1321, BLAKE3's test vectors).
    #[test]
    fn known_answers() {
        let cases = [
            (Algorithm::Sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (Algorithm::Sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (Algorithm::Sha512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
            (Algorithm::Md5, "900150983cd24fb0d6963f7d28e17f72"),
            (Algorithm::Blake3, "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"),
            // FIPS 180-4's examples.
            (Algorithm::Sha224, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"),
            (Algorithm::Sha384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
            // FIPS 202's examples (SHAKE at 256 and 512 bits of output).
            (Algorithm::Sha3_224, "e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf"),
            (Algorithm::Sha3_256, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"),
            (Algorithm::Sha3_384, "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25"),
            (Algorithm::Sha3_512, "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0"),
            (Algorithm::Shake128, "5881092dd818bf5cf8a3ddb793fbcba74097d5c526a6d35f97b83351940f2cc8"),
            (Algorithm::Shake256, "483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739d5a15bef186a5386c75744c0527e1faa9f8726e462a12a4feb06bd8801e751e4"),
            // RFC 7693, appendix A.
            (Algorithm::Blake2b(Blake2bLen::FULL), "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"),
            (Algorithm::Blake2b(Blake2bLen::from_bits(256).unwrap()), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"),
            // GB/T 32905-2016, example 1.
            (Algorithm::Sm3, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
            // What `cksum -a crc32b`, `cksum`, `sum -r` and `sum -s` print for "abc", as bytes.
            (Algorithm::Crc32b, "352441c2"),
            (Algorithm::Crc, "48aa78a2"),
            (Algorithm::Bsd, "40ac"),
            (Algorithm::Sysv, "0126"),
        ];
        for (algorithm, hex) in cases {
            assert_eq!(hash_bytes(algorithm, b"abc").to_hex(), hex, "{algorithm}");
            let mut hasher = Hasher::new(algorithm);
            hasher.update(b"a");
            hasher.update(b"bc");
            assert_eq!(hasher.algorithm(), algorithm);
            assert_eq!(hasher.finalize().to_hex(), hex, "{algorithm} in pieces");
        }
    }

    /// Two-block examples: FIPS 180-4's and FIPS 202's 448-bit message,
    /// GB/T 32905's example 2, and SHAKE of the empty message.
    #[test]
    fn multi_block_known_answers() {
        let m = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        let cases: [(Algorithm, &[u8], &str); 7] = [
            (Algorithm::Sha224, m, "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525"),
            (Algorithm::Sha384, m, "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b"),
            (Algorithm::Sha3_256, m, "41c0dba2a9d6240849100376a8235e2c82e1b9998a999e21db32dd97496d3376"),
            (Algorithm::Sha3_512, m, "04a371e84ecfb5b8b77cb48610fca8182dd457ce6f326a0fd3d7ec2f1e91636dee691fbe0c985302ba1b0d8dc78c086346b533b49c030d99a27daf1139d6e75e"),
            (Algorithm::Sm3, &[b'a', b'b', b'c', b'd'].repeat(16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
            (Algorithm::Shake128, b"", "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26"),
            (Algorithm::Shake256, b"", "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762fd75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be"),
        ];
        for (algorithm, message, hex) in cases {
            assert_eq!(
                hash_bytes(algorithm, message).to_hex(),
                hex,
                "{algorithm:?}"
            );
        }
    }

    /// Every algorithm's digest has its length, and a CRC or sum keeps the
    /// input's length.
    #[test]
    fn every_algorithm_hashes_to_its_length() {
        for algorithm in Algorithm::ALL {
            let digest = hash_bytes(algorithm, b"12345");
            assert_eq!(
                digest.as_bytes().len(),
                algorithm.digest_len(),
                "{algorithm:?}"
            );
            assert_eq!(digest.input_len(), (!algorithm.is_checkable()).then_some(5));
        }
    }

    /// Bytes that differ from chunk to chunk, so a chunk hashed at the
    /// wrong place in BLAKE3's tree changes the digest.
    fn varied(len: usize) -> Vec<u8> {
        (0..len as u64)
            .map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8)
            .collect()
    }

    /// The same digest as one thread, at the sizes where BLAKE3's tree
    /// changes shape: chunk (1 KiB) and subtree (2^k KiB) boundaries, below
    /// and above the 1 MiB where threads start, on 2 to 4 threads.
    #[test]
    fn parallel_update_matches_one_thread_at_tree_boundaries() {
        let bytes = varied((8 << 20) + 4096);
        let mut sizes = vec![0, 1, 1023, 1024, 1025, 5 << 20, (8 << 20) + 4096];
        for k in 10..=23 {
            let power = 1usize << k;
            sizes.extend([power - 1024, power - 1, power, power + 1, power + 1024]);
        }
        for len in sizes {
            let expected = hash_bytes(Algorithm::Blake3, &bytes[..len]);
            for threads in [2, 3, 4] {
                let mut hasher = Hasher::new(Algorithm::Blake3);
                hasher.update_parallel(&bytes[..len], threads);
                assert_eq!(
                    hasher.finalize(),
                    expected,
                    "{len} bytes on {threads} threads"
                );
            }
        }
    }

    /// The same digest when the parallel piece starts mid-stream, at a
    /// chunk boundary or not, and more bytes follow it.
    #[test]
    fn parallel_update_matches_one_thread_mid_stream() {
        let bytes = varied(6 << 20);
        let expected = hash_bytes(Algorithm::Blake3, &bytes);
        for prefix in [1, 1023, 1024, 4097, (1 << 20) + 3] {
            for piece in [1 << 20, (2 << 20) + 1, 4 << 20] {
                let mut hasher = Hasher::new(Algorithm::Blake3);
                hasher.update(&bytes[..prefix]);
                hasher.update_parallel(&bytes[prefix..prefix + piece], 2);
                hasher.update(&bytes[prefix + piece..]);
                assert_eq!(
                    hasher.finalize(),
                    expected,
                    "prefix {prefix}, piece {piece}"
                );
            }
        }
    }

    /// Algorithms without a tree hash the same bytes on the calling thread.
    #[test]
    fn parallel_update_of_chained_algorithms_is_update() {
        let bytes = varied(3 << 20);
        for algorithm in Algorithm::ALL {
            let mut hasher = Hasher::new(algorithm);
            hasher.update_parallel(&bytes, 2);
            assert_eq!(
                hasher.finalize(),
                hash_bytes(algorithm, &bytes),
                "{algorithm}"
            );
            assert_eq!(
                algorithm.hashes_in_parallel(),
                algorithm == Algorithm::Blake3
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(24))]

        /// Any input cut anywhere into a plain piece, a parallel piece and
        /// a plain piece hashes as one update does.
        #[test]
        fn parallel_update_matches_one_thread_anywhere(
            len in 0usize..(5 << 20),
            cut_a in 0.0f64..1.0,
            cut_b in 0.0f64..1.0,
            threads in 1usize..5,
        ) {
            let bytes = varied(len);
            let (lo, hi) = if cut_a <= cut_b { (cut_a, cut_b) } else { (cut_b, cut_a) };
            let (a, b) = ((len as f64 * lo) as usize, (len as f64 * hi) as usize);
            let mut hasher = Hasher::new(Algorithm::Blake3);
            hasher.update(&bytes[..a]);
            hasher.update_parallel(&bytes[a..b], threads);
            hasher.update(&bytes[b..]);
            proptest::prop_assert_eq!(hasher.finalize(), hash_bytes(Algorithm::Blake3, &bytes));
        }
    }
}
