//! SHA-3 and SHAKE (FIPS 202): the Keccak sponge, with its backend chosen
//! here and nowhere else.
//!
//! - `asm` (the `asm` feature on x86_64): CRYPTOGAMS' `keccak1600-x86_64`
//!   permutation, the code `openssl speed` runs, through `sha3-asm`'s
//!   `sha3_absorb` and `sha3_squeeze`, with the sponge's buffering and
//!   padding below (as OpenSSL's `sha3.c` does it). RustCrypto's `keccak`
//!   has no x86_64 assembly: its SHA3-256 ran at 0.80 to 0.91 of OpenSSL.
//! - `portable`: RustCrypto's `sha3`, everywhere else.
//!
//! The two never call each other; `Hasher` sees one `Keccak` with one
//! interface.

use crate::digest::Algorithm;

#[cfg(all(feature = "asm", target_arch = "x86_64"))]
pub(crate) use asm::Keccak;
#[cfg(not(all(feature = "asm", target_arch = "x86_64")))]
pub(crate) use portable::Keccak;

/// The name of the backend built in, for [`crate::backend_of`].
#[cfg(all(feature = "asm", target_arch = "x86_64"))]
pub(crate) const BACKEND: &str = "x86_64 asm";
/// The name of the backend built in, for [`crate::backend_of`].
#[cfg(not(all(feature = "asm", target_arch = "x86_64")))]
pub(crate) const BACKEND: &str = "portable";

/// The six FIPS 202 functions GNU and checksig name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Sha3_224,
    Sha3_256,
    Sha3_384,
    Sha3_512,
    Shake128,
    Shake256,
}

impl Kind {
    /// The algorithm of the table this function computes (its digest length
    /// comes from there).
    pub(crate) fn algorithm(self) -> Algorithm {
        match self {
            Kind::Sha3_224 => Algorithm::Sha3_224,
            Kind::Sha3_256 => Algorithm::Sha3_256,
            Kind::Sha3_384 => Algorithm::Sha3_384,
            Kind::Sha3_512 => Algorithm::Sha3_512,
            Kind::Shake128 => Algorithm::Shake128,
            Kind::Shake256 => Algorithm::Shake256,
        }
    }
}

#[cfg(all(feature = "asm", target_arch = "x86_64"))]
mod asm {
    use super::Kind;

    /// The largest rate, SHAKE128's 168 bytes (1600 - 2 * 128 bits).
    const MAX_RATE: usize = 168;

    /// A Keccak sponge over CRYPTOGAMS' permutation: the 25 lanes, the
    /// bytes of a block not yet absorbed, and the function's rate and
    /// domain padding.
    #[derive(Clone)]
    pub(crate) struct Keccak {
        lanes: sha3_asm::Buffer,
        pending: [u8; MAX_RATE],
        filled: usize,
        kind: Kind,
    }

    impl Keccak {
        pub(crate) fn new(kind: Kind) -> Keccak {
            Keccak {
                lanes: [0; 25],
                pending: [0; MAX_RATE],
                filled: 0,
                kind,
            }
        }

        pub(crate) fn kind(&self) -> Kind {
            self.kind
        }

        /// The rate in bytes (the block absorbed per permutation) and the
        /// domain byte: FIPS 202's `01` for SHA-3, `1111` for SHAKE, each
        /// followed by the first bit of `pad10*1`.
        fn params(&self) -> (usize, u8) {
            match self.kind {
                Kind::Sha3_224 => (144, 0x06),
                Kind::Sha3_256 => (136, 0x06),
                Kind::Sha3_384 => (104, 0x06),
                Kind::Sha3_512 => (72, 0x06),
                Kind::Shake128 => (168, 0x1f),
                Kind::Shake256 => (136, 0x1f),
            }
        }

        pub(crate) fn update(&mut self, mut bytes: &[u8]) {
            let (rate, _) = self.params();
            if self.filled > 0 {
                let take = bytes.len().min(rate - self.filled);
                self.pending[self.filled..self.filled + take].copy_from_slice(&bytes[..take]);
                self.filled += take;
                bytes = &bytes[take..];
                if self.filled < rate {
                    return;
                }
                sha3_asm::sha3_absorb(&mut self.lanes, &self.pending[..rate], rate);
                self.filled = 0;
            }
            if bytes.len() >= rate {
                // Absorbs every whole block and returns how many bytes are left.
                let left = sha3_asm::sha3_absorb(&mut self.lanes, bytes, rate);
                bytes = &bytes[bytes.len() - left..];
            }
            self.pending[..bytes.len()].copy_from_slice(bytes);
            self.filled = bytes.len();
        }

        /// Pads, absorbs the last block and squeezes `out.len()` bytes (at
        /// most 64, less than any rate).
        pub(crate) fn finalize_into(mut self, out: &mut [u8]) {
            let (rate, domain) = self.params();
            let last = &mut self.pending[..rate];
            last[self.filled..].fill(0);
            last[self.filled] = domain;
            last[rate - 1] |= 0x80;
            sha3_asm::sha3_absorb(&mut self.lanes, last, rate);
            sha3_asm::sha3_squeeze(&mut self.lanes, out, rate);
        }
    }
}

#[cfg(not(all(feature = "asm", target_arch = "x86_64")))]
mod portable {
    use sha3::digest::{ExtendableOutput as _, FixedOutput as _, Update as _, XofReader as _};

    use super::Kind;

    /// RustCrypto's hashers, one per function.
    #[derive(Clone)]
    pub(crate) enum Keccak {
        Sha3_224(sha3::Sha3_224),
        Sha3_256(sha3::Sha3_256),
        Sha3_384(sha3::Sha3_384),
        Sha3_512(sha3::Sha3_512),
        Shake128(sha3::Shake128),
        Shake256(sha3::Shake256),
    }

    impl Keccak {
        pub(crate) fn new(kind: Kind) -> Keccak {
            match kind {
                Kind::Sha3_224 => Keccak::Sha3_224(Default::default()),
                Kind::Sha3_256 => Keccak::Sha3_256(Default::default()),
                Kind::Sha3_384 => Keccak::Sha3_384(Default::default()),
                Kind::Sha3_512 => Keccak::Sha3_512(Default::default()),
                Kind::Shake128 => Keccak::Shake128(Default::default()),
                Kind::Shake256 => Keccak::Shake256(Default::default()),
            }
        }

        pub(crate) fn kind(&self) -> Kind {
            match self {
                Keccak::Sha3_224(_) => Kind::Sha3_224,
                Keccak::Sha3_256(_) => Kind::Sha3_256,
                Keccak::Sha3_384(_) => Kind::Sha3_384,
                Keccak::Sha3_512(_) => Kind::Sha3_512,
                Keccak::Shake128(_) => Kind::Shake128,
                Keccak::Shake256(_) => Kind::Shake256,
            }
        }

        pub(crate) fn update(&mut self, bytes: &[u8]) {
            match self {
                Keccak::Sha3_224(hasher) => hasher.update(bytes),
                Keccak::Sha3_256(hasher) => hasher.update(bytes),
                Keccak::Sha3_384(hasher) => hasher.update(bytes),
                Keccak::Sha3_512(hasher) => hasher.update(bytes),
                Keccak::Shake128(hasher) => hasher.update(bytes),
                Keccak::Shake256(hasher) => hasher.update(bytes),
            }
        }

        /// Writes the digest into `out`, which has the function's digest
        /// length (SHAKE: any length).
        pub(crate) fn finalize_into(self, out: &mut [u8]) {
            match self {
                Keccak::Sha3_224(hasher) => out.copy_from_slice(&hasher.finalize_fixed()),
                Keccak::Sha3_256(hasher) => out.copy_from_slice(&hasher.finalize_fixed()),
                Keccak::Sha3_384(hasher) => out.copy_from_slice(&hasher.finalize_fixed()),
                Keccak::Sha3_512(hasher) => out.copy_from_slice(&hasher.finalize_fixed()),
                Keccak::Shake128(hasher) => hasher.finalize_xof().read(out),
                Keccak::Shake256(hasher) => hasher.finalize_xof().read(out),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use sha3::digest::{ExtendableOutput as _, Update as _, XofReader as _};
    use sha3::Digest as _;

    use super::*;

    const KINDS: [Kind; 6] = [
        Kind::Sha3_224,
        Kind::Sha3_256,
        Kind::Sha3_384,
        Kind::Sha3_512,
        Kind::Shake128,
        Kind::Shake256,
    ];

    /// RustCrypto's digest, the reference the backend in use is held to.
    fn reference(kind: Kind, bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![0; kind.algorithm().digest_len()];
        match kind {
            Kind::Sha3_224 => out.copy_from_slice(&sha3::Sha3_224::digest(bytes)),
            Kind::Sha3_256 => out.copy_from_slice(&sha3::Sha3_256::digest(bytes)),
            Kind::Sha3_384 => out.copy_from_slice(&sha3::Sha3_384::digest(bytes)),
            Kind::Sha3_512 => out.copy_from_slice(&sha3::Sha3_512::digest(bytes)),
            Kind::Shake128 => {
                let mut hasher = sha3::Shake128::default();
                hasher.update(bytes);
                hasher.finalize_xof().read(&mut out);
            }
            Kind::Shake256 => {
                let mut hasher = sha3::Shake256::default();
                hasher.update(bytes);
                hasher.finalize_xof().read(&mut out);
            }
        }
        out
    }

    fn ours(kind: Kind, pieces: &[&[u8]]) -> Vec<u8> {
        let mut keccak = Keccak::new(kind);
        for piece in pieces {
            keccak.update(piece);
        }
        assert_eq!(keccak.kind(), kind);
        let mut out = vec![0; kind.algorithm().digest_len()];
        keccak.finalize_into(&mut out);
        out
    }

    /// Every length around the rates (72, 104, 136, 144, 168 bytes and
    /// their multiples), where the padding lands in the last byte of a
    /// block or needs a block of its own, in one piece and cut in two.
    #[test]
    fn matches_rustcrypto_at_every_block_boundary() {
        let bytes: Vec<u8> = (0..3 * 168 + 2).map(|i| (i * 7 + 3) as u8).collect();
        for kind in KINDS {
            for len in 0..bytes.len() {
                let whole = &bytes[..len];
                let expected = reference(kind, whole);
                assert_eq!(ours(kind, &[whole]), expected, "{kind:?}, {len} bytes");
                for cut in [1, len / 2, len.saturating_sub(1)] {
                    let cut = cut.min(len);
                    let (a, b) = whole.split_at(cut);
                    assert_eq!(
                        ours(kind, &[a, b]),
                        expected,
                        "{kind:?}, {len} cut at {cut}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(64))]

        /// Any input fed in any pieces hashes as RustCrypto's `sha3` does.
        #[test]
        fn matches_rustcrypto_in_any_pieces(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2000),
            cuts in proptest::collection::vec(0usize..2000, 0..6),
            which in 0usize..6,
        ) {
            let kind = KINDS[which];
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.sort_unstable();
            let mut pieces = Vec::new();
            let mut start = 0;
            for cut in cuts {
                pieces.push(&bytes[start..cut]);
                start = cut;
            }
            pieces.push(&bytes[start..]);
            proptest::prop_assert_eq!(ours(kind, &pieces), reference(kind, &bytes));
        }
    }
}
