//! MD5 (RFC 1321), with a compression function written for a short
//! dependency chain.
//!
//! Why our own: the published crates were measured slower than GNU `md5sum`
//! on this project's machine (in memory, AMD EPYC, 2026-11-24: `md-5` 0.10
//! with its assembly 508 MiB/s, portable 488, `md-5` 0.11 522, OpenSSL 607;
//! this code 662-665). It has no `unsafe`, and its buffering and padding are
//! shared with SHA-512 (`blocks.rs`). It is checked against `md-5` (a
//! dev-dependency) on random inputs cut at random points, against RFC 1321's
//! test suite, and against `md5sum` by the CLI's tests.
//!
//! MD5 is one chain of 64 steps per 64-byte block, each needing the one
//! before, so its speed is the latency of one step. A step adds four terms
//! to `a`, rotates and adds `b`; only the boolean function of `b`, `c`, `d`
//! waits for the previous step. LLVM reassociates the additions and puts
//! the round constant last, on the chain (a sixth operation per step);
//! `md5-asm` puts a three-operand `lea` there (two cycles on AMD Zen). Here
//! the constants are read from a table the optimiser cannot see into, so
//! `a + m + k` is summed off the chain, and round 2's function is written
//! as the sum of its two disjoint halves so that one half leaves the chain
//! too (as OpenSSL and `md5sum` do).

use super::blocks::Blocks;

/// The initial state (RFC 1321, 3.3).
const INIT: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];

/// The round constants: floor(abs(sin(i + 1)) * 2^32).
static K: [u32; 64] = [
    0xd76a_a478,
    0xe8c7_b756,
    0x2420_70db,
    0xc1bd_ceee,
    0xf57c_0faf,
    0x4787_c62a,
    0xa830_4613,
    0xfd46_9501,
    0x6980_98d8,
    0x8b44_f7af,
    0xffff_5bb1,
    0x895c_d7be,
    0x6b90_1122,
    0xfd98_7193,
    0xa679_438e,
    0x49b4_0821,
    0xf61e_2562,
    0xc040_b340,
    0x265e_5a51,
    0xe9b6_c7aa,
    0xd62f_105d,
    0x0244_1453,
    0xd8a1_e681,
    0xe7d3_fbc8,
    0x21e1_cde6,
    0xc337_07d6,
    0xf4d5_0d87,
    0x455a_14ed,
    0xa9e3_e905,
    0xfcef_a3f8,
    0x676f_02d9,
    0x8d2a_4c8a,
    0xfffa_3942,
    0x8771_f681,
    0x6d9d_6122,
    0xfde5_380c,
    0xa4be_ea44,
    0x4bde_cfa9,
    0xf6bb_4b60,
    0xbebf_bc70,
    0x289b_7ec6,
    0xeaa1_27fa,
    0xd4ef_3085,
    0x0488_1d05,
    0xd9d4_d039,
    0xe6db_99e5,
    0x1fa2_7cf8,
    0xc4ac_5665,
    0xf429_2244,
    0x432a_ff97,
    0xab94_23a7,
    0xfc93_a039,
    0x655b_59c3,
    0x8f0c_cc92,
    0xffef_f47d,
    0x8584_5dd1,
    0x6fa8_7e4f,
    0xfe2c_e6e0,
    0xa301_4314,
    0x4e08_11a1,
    0xf753_7e82,
    0xbd3a_f235,
    0x2ad7_d2bb,
    0xeb86_d391,
];

/// The rotation of each step, by round.
const SHIFTS: [[u32; 4]; 4] = [
    [7, 12, 17, 22],
    [5, 9, 14, 20],
    [4, 11, 16, 23],
    [6, 10, 15, 21],
];

/// A streaming MD5 hasher.
#[derive(Clone)]
pub(crate) struct Md5 {
    state: [u32; 4],
    blocks: Blocks<64>,
}

impl Md5 {
    pub(crate) fn new() -> Md5 {
        Md5 {
            state: INIT,
            blocks: Blocks::new(),
        }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        let state = &mut self.state;
        self.blocks.update(bytes, |blocks| compress(state, blocks));
    }

    pub(crate) fn finalize(mut self) -> [u8; 16] {
        // The length in bits modulo 2^64, little-endian (RFC 1321, 3.2).
        let length = (self.blocks.bits() as u64).to_le_bytes();
        let state = &mut self.state;
        self.blocks
            .finish(&length, |blocks| compress(state, blocks));
        let mut digest = [0u8; 16];
        for (out, word) in digest.chunks_exact_mut(4).zip(self.state) {
            out.copy_from_slice(&word.to_le_bytes());
        }
        digest
    }
}

/// One step: `a` becomes `b + ((a + m + k + f) <<< s)`, with `f` in two
/// parts: `off_chain`, which does not depend on `b`, and `on_chain`, which does.
#[inline(always)]
fn step(a: u32, b: u32, m: u32, k: u32, off_chain: u32, on_chain: u32, s: u32) -> u32 {
    a.wrapping_add(m)
        .wrapping_add(k)
        .wrapping_add(off_chain)
        .wrapping_add(on_chain)
        .rotate_left(s)
        .wrapping_add(b)
}

/// Hashes `blocks`, whose length is a multiple of 64, into `state`.
fn compress(state: &mut [u32; 4], blocks: &[u8]) {
    // Opaque to the optimiser: see the module's comment.
    let k = std::hint::black_box(&K);
    let [mut a, mut b, mut c, mut d] = *state;
    for block in blocks.chunks_exact(64) {
        let mut m = [0u32; 16];
        for (word, bytes) in m.iter_mut().zip(block.chunks_exact(4)) {
            *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        let [a0, b0, c0, d0] = [a, b, c, d];
        // The four rounds, four steps at a time, each step one (a, b, c, d)
        // rotation further; `i` is the step, `x` its message word.
        macro_rules! steps {
            ($round:expr, $x:expr, |$b:ident, $c:ident, $d:ident| $off:expr, $on:expr) => {
                for group in 0..4 {
                    for (j, s) in SHIFTS[$round].into_iter().enumerate() {
                        let i = 16 * $round + 4 * group + j;
                        let ($b, $c, $d) = (b, c, d);
                        let next = step(a, b, m[$x(i)], k[i], $off, $on, s);
                        (a, b, c, d) = (d, next, b, c);
                    }
                }
            };
        }
        steps!(0, |i| i % 16, |b, c, d| 0, d ^ (b & (c ^ d)));
        steps!(1, |i| (5 * i + 1) % 16, |b, c, d| c & !d, b & d);
        steps!(2, |i| (3 * i + 5) % 16, |b, c, d| 0, b ^ c ^ d);
        steps!(3, |i| (7 * i) % 16, |b, c, d| 0, c ^ (b | !d));
        a = a.wrapping_add(a0);
        b = b.wrapping_add(b0);
        c = c.wrapping_add(c0);
        d = d.wrapping_add(d0);
    }
    *state = [a, b, c, d];
}

#[cfg(test)]
mod tests {
    use super::Md5;
    use proptest::prelude::*;

    fn md5_hex(bytes: &[u8]) -> String {
        let mut md5 = Md5::new();
        md5.update(bytes);
        md5.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// RFC 1321, appendix A.5.
    #[test]
    fn rfc_1321_test_suite() {
        let suite = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (
                "abcdefghijklmnopqrstuvwxyz",
                "c3fcd3d76192e4007dfb496cca67e13b",
            ),
            (
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                "d174ab98d277d9f5a5611c2c9f419d9f",
            ),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ];
        for (input, expected) in suite {
            assert_eq!(md5_hex(input.as_bytes()), expected, "{input:?}");
        }
    }

    fn reference(bytes: &[u8]) -> [u8; 16] {
        use ::md5::Digest as _;
        ::md5::Md5::digest(bytes).into()
    }

    /// Every length around the padding edges (55, 56, 63, 64 bytes mod 64),
    /// each fed whole and cut at every point.
    #[test]
    fn matches_md_5_at_every_length_and_cut_up_to_200_bytes() {
        let bytes: Vec<u8> = (0..200u32).map(|i| (i * 37 % 256) as u8).collect();
        for len in 0..=bytes.len() {
            let expected = reference(&bytes[..len]);
            for cut in 0..=len {
                let mut md5 = Md5::new();
                md5.update(&bytes[..cut]);
                md5.update(&bytes[cut..len]);
                assert_eq!(md5.finalize(), expected, "len {len} cut {cut}");
            }
        }
    }

    proptest! {
        /// Random contents up to 100 KiB, fed in random pieces.
        #[test]
        fn matches_md_5_in_any_pieces(
            bytes in proptest::collection::vec(any::<u8>(), 0..100_000),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
        ) {
            let mut md5 = Md5::new();
            for piece in crate::hasher::blocks::pieces(&bytes, &cuts) {
                md5.update(piece);
            }
            prop_assert_eq!(md5.finalize(), reference(&bytes));
        }
    }
}
