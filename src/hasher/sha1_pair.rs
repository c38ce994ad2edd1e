//! SHA-1 of two messages at once, for verifying many files.
//!
//! With SHA-NI, one message's compression is a chain of 20 `sha1rnds4`
//! instructions per block, each waiting for the one before: on this
//! project's AMD EPYC a single message runs at the instruction's latency
//! (1.6 GB/s, `openssl speed`'s figure too), while the core could start a
//! new `sha1rnds4` before the last one finished. Two messages whose rounds
//! are interleaved keep it busier: 2.4-2.5 GB/s for the pair in a
//! microbenchmark (BENCHMARKS.md, session 4). So a worker with two files in
//! hand hashes them together, whole ([`digests`]) or piece by piece
//! ([`Lane`], [`update_pair`]); the part of the longer message past the
//! shorter one's whole blocks, and the padding, go one at a time through
//! the `sha1` crate's compression function.

use sha1::digest::generic_array::{typenum::U64, GenericArray};

use super::blocks::Blocks;

/// SHA-1's initial state (FIPS 180-4, 5.3.1).
const H0: [u32; 5] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
];

/// Whether [`digests`] interleaves the two messages (the CPU has SHA-NI);
/// when it does not, there is nothing to gain from pairing files.
pub(crate) fn is_accelerated() -> bool {
    #[cfg(target_arch = "x86_64")]
    return shani::is_available();
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// The SHA-1 digests of `a` and of `b`.
pub(crate) fn digests(a: &[u8], b: &[u8]) -> ([u8; 20], [u8; 20]) {
    let (mut lane_a, mut lane_b) = (Lane::new(), Lane::new());
    let together = a.len().min(b.len()) / 64 * 64;
    update_pair(&mut lane_a, &a[..together], &mut lane_b, &b[..together]);
    (lane_a.finish(&a[together..]), lane_b.finish(&b[together..]))
}

/// One message hashed in pieces of whole blocks, beside another one
/// ([`update_pair`]) or alone, for files too large to read whole.
#[derive(Clone, Debug)]
pub(crate) struct Lane {
    state: [u32; 5],
    /// Bytes compressed so far.
    len: u64,
}

impl Lane {
    pub(crate) fn new() -> Lane {
        Lane { state: H0, len: 0 }
    }

    /// Compresses `blocks`, whole blocks of this message, on their own.
    pub(crate) fn update_blocks(&mut self, blocks: &[u8]) {
        compress(&mut self.state, blocks);
        self.len += blocks.len() as u64;
    }

    /// The digest of the message whose last bytes, after the blocks
    /// compressed so far, are `rest`.
    pub(crate) fn finish(self, rest: &[u8]) -> [u8; 20] {
        finish(self.state, self.len + rest.len() as u64, rest)
    }
}

/// Compresses `a`, whole blocks of `lane_a`'s message, and `b`, as many
/// whole blocks of `lane_b`'s, together.
pub(crate) fn update_pair(lane_a: &mut Lane, a: &[u8], lane_b: &mut Lane, b: &[u8]) {
    compress_pair(&mut lane_a.state, a, &mut lane_b.state, b);
    lane_a.len += a.len() as u64;
    lane_b.len += b.len() as u64;
}

/// Compresses `a` into `state_a` and `b` into `state_b`, two runs of whole
/// blocks of the same length.
fn compress_pair(state_a: &mut [u32; 5], a: &[u8], state_b: &mut [u32; 5], b: &[u8]) {
    debug_assert!(a.len() == b.len() && a.len() % 64 == 0);
    #[cfg(target_arch = "x86_64")]
    if shani::is_available() {
        // SAFETY: the CPU has the features `shani::compress_pair` is
        // compiled for, and the runs are whole blocks of equal length.
        unsafe { shani::compress_pair(state_a, a, state_b, b) };
        return;
    }
    compress(state_a, a);
    compress(state_b, b);
}

/// Compresses whole blocks one message at a time (the `sha1` crate picks
/// SHA-NI when the CPU has it), in one call.
fn compress(state: &mut [u32; 5], blocks: &[u8]) {
    debug_assert!(blocks.len() % 64 == 0);
    // SAFETY: `GenericArray<u8, U64>` is `repr(transparent)` over 64 `u8`s
    // with no padding (size 64, alignment 1, every byte pattern valid; its
    // own `from_slice` makes the same cast), and the slice made covers
    // `blocks.len() / 64` of them, all within `blocks`.
    let blocks = unsafe {
        std::slice::from_raw_parts(
            blocks.as_ptr().cast::<GenericArray<u8, U64>>(),
            blocks.len() / 64,
        )
    };
    sha1::compress(state, blocks);
}

/// The digest of a message of `len` bytes whose state after its first
/// `len - rest.len()` bytes (whole blocks) is `state`.
fn finish(mut state: [u32; 5], len: u64, rest: &[u8]) -> [u8; 20] {
    let mut blocks = Blocks::<64>::new();
    blocks.update(rest, |whole| compress(&mut state, whole));
    let bits = len.wrapping_mul(8);
    blocks.finish(&bits.to_be_bytes(), |last| compress(&mut state, last));
    let mut digest = [0u8; 20];
    for (word, out) in state.iter().zip(digest.chunks_exact_mut(4)) {
        out.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

#[cfg(target_arch = "x86_64")]
mod shani {
    use std::arch::x86_64::*;

    pub(super) fn is_available() -> bool {
        is_x86_feature_detected!("sha")
            && is_x86_feature_detected!("sse2")
            && is_x86_feature_detected!("ssse3")
            && is_x86_feature_detected!("sse4.1")
    }

    /// One message's registers: `abcd` holds A..D (A in the high lane), `e`
    /// holds E in its high lane.
    struct Lane {
        abcd: __m128i,
        e: __m128i,
    }

    /// The next four message words for groups 4..20: FIPS 180-4's
    /// `W[t] = ROTL1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16])`, four at a time,
    /// from the four previous groups of words.
    macro_rules! schedule {
        ($w:ident, $g:expr) => {
            $w[$g % 4] = _mm_sha1msg2_epu32(
                _mm_xor_si128(
                    _mm_sha1msg1_epu32($w[$g % 4], $w[($g + 1) % 4]),
                    $w[($g + 2) % 4],
                ),
                $w[($g + 3) % 4],
            )
        };
    }

    /// Four rounds of group `$g` (1..20) with round function `$k`: the new
    /// A..D from the current one, and E derived from the A..D of four
    /// rounds before (`sha1nexte`) plus the group's words.
    macro_rules! group {
        ($cur:ident, $old:ident, $w:ident, $g:expr, $k:literal) => {{
            let next = _mm_sha1rnds4_epu32::<$k>($cur, _mm_sha1nexte_epu32($old, $w[$g % 4]));
            $old = $cur;
            $cur = next;
        }};
    }

    /// Compresses the whole blocks of `a` into `state_a` and those of `b`
    /// into `state_b`, the rounds of the two interleaved.
    ///
    /// # Safety
    /// The CPU must have SHA-NI, SSE2, SSSE3 and SSE4.1, and `a` and `b`
    /// must be whole blocks of the same length.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub(super) unsafe fn compress_pair(
        state_a: &mut [u32; 5],
        a: &[u8],
        state_b: &mut [u32; 5],
        b: &[u8],
    ) {
        let mut lane_a = load(state_a);
        let mut lane_b = load(state_b);
        for (block_a, block_b) in a.chunks_exact(64).zip(b.chunks_exact(64)) {
            block(&mut lane_a, block_a, &mut lane_b, block_b);
        }
        store(&lane_a, state_a);
        store(&lane_b, state_b);
    }

    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn load(state: &[u32; 5]) -> Lane {
        Lane {
            abcd: _mm_set_epi32(
                state[0] as i32,
                state[1] as i32,
                state[2] as i32,
                state[3] as i32,
            ),
            e: _mm_set_epi32(state[4] as i32, 0, 0, 0),
        }
    }

    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn store(lane: &Lane, state: &mut [u32; 5]) {
        state[0] = _mm_extract_epi32::<3>(lane.abcd) as u32;
        state[1] = _mm_extract_epi32::<2>(lane.abcd) as u32;
        state[2] = _mm_extract_epi32::<1>(lane.abcd) as u32;
        state[3] = _mm_extract_epi32::<0>(lane.abcd) as u32;
        state[4] = _mm_extract_epi32::<3>(lane.e) as u32;
    }

    /// A block's 16 words, big-endian, four to a register, first word in the
    /// high lane.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn words(block: &[u8]) -> [__m128i; 4] {
        let reverse = _mm_set_epi64x(0x0001_0203_0405_0607, 0x0809_0a0b_0c0d_0e0f);
        let mut words = [_mm_setzero_si128(); 4];
        for (word, bytes) in words.iter_mut().zip(block.chunks_exact(16)) {
            // SAFETY: `bytes` is 16 bytes long, and the load is unaligned.
            let loaded = unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) };
            *word = _mm_shuffle_epi8(loaded, reverse);
        }
        words
    }

    /// The 80 rounds of one block of each message, interleaved: two
    /// independent chains of `sha1rnds4` for the core to overlap.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn block(lane_a: &mut Lane, block_a: &[u8], lane_b: &mut Lane, block_b: &[u8]) {
        let (mut wa, mut wb) = (words(block_a), words(block_b));
        // Group 0 takes E itself, not a derived one.
        let (mut old_a, mut old_b) = (lane_a.abcd, lane_b.abcd);
        let mut cur_a = _mm_sha1rnds4_epu32::<0>(old_a, _mm_add_epi32(lane_a.e, wa[0]));
        let mut cur_b = _mm_sha1rnds4_epu32::<0>(old_b, _mm_add_epi32(lane_b.e, wb[0]));
        for g in 1..20 {
            if g >= 4 {
                schedule!(wa, g);
                schedule!(wb, g);
            }
            match g / 5 {
                0 => {
                    group!(cur_a, old_a, wa, g, 0);
                    group!(cur_b, old_b, wb, g, 0);
                }
                1 => {
                    group!(cur_a, old_a, wa, g, 1);
                    group!(cur_b, old_b, wb, g, 1);
                }
                2 => {
                    group!(cur_a, old_a, wa, g, 2);
                    group!(cur_b, old_b, wb, g, 2);
                }
                _ => {
                    group!(cur_a, old_a, wa, g, 3);
                    group!(cur_b, old_b, wb, g, 3);
                }
            }
        }
        lane_a.abcd = _mm_add_epi32(lane_a.abcd, cur_a);
        lane_a.e = _mm_sha1nexte_epu32(old_a, lane_a.e);
        lane_b.abcd = _mm_add_epi32(lane_b.abcd, cur_b);
        lane_b.e = _mm_sha1nexte_epu32(old_b, lane_b.e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha1::Digest as _;

    fn reference(bytes: &[u8]) -> [u8; 20] {
        sha1::Sha1::digest(bytes).into()
    }

    fn pattern(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 8) as u8)
            .collect()
    }

    /// Every pair of lengths around the block edges, against the `sha1` crate.
    #[test]
    fn pairs_of_every_length_match_the_reference() {
        let lengths: Vec<usize> = (0..=200)
            .chain([255, 256, 1000, 4096, 4097, 65_536])
            .collect();
        for &len_a in &lengths {
            for &len_b in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 4096, len_a].iter() {
                let (a, b) = (pattern(len_a, 1), pattern(len_b, 2));
                let (digest_a, digest_b) = digests(&a, &b);
                assert_eq!(digest_a, reference(&a), "a: {len_a} (b: {len_b})");
                assert_eq!(digest_b, reference(&b), "b: {len_b} (a: {len_a})");
            }
        }
    }

    /// FIPS 180's examples, each paired with the other.
    #[test]
    fn fips_examples() {
        let abc = b"abc";
        let long = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        let (x, y) = digests(abc, long);
        assert_eq!(hex(&x), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(hex(&y), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Two messages fed in pieces as a streamed pair is: whole blocks of
    /// both together while both last, then the longer one alone.
    fn streamed(a: &[u8], b: &[u8], piece: usize) -> ([u8; 20], [u8; 20]) {
        let (mut lane_a, mut lane_b) = (Lane::new(), Lane::new());
        let (mut pieces_a, mut pieces_b) = (a.chunks(piece), b.chunks(piece));
        let (mut rest_a, mut rest_b): (Option<&[u8]>, Option<&[u8]>) = (None, None);
        loop {
            let (next_a, next_b) = (pieces_a.next(), pieces_b.next());
            match (next_a, next_b) {
                (Some(x), Some(y)) if x.len() == piece && y.len() == piece => {
                    update_pair(&mut lane_a, x, &mut lane_b, y)
                }
                (None, None) => break,
                (x, y) => {
                    for (lane, piece_of, rest) in
                        [(&mut lane_a, x, &mut rest_a), (&mut lane_b, y, &mut rest_b)]
                    {
                        match piece_of {
                            Some(p) if p.len() == piece => lane.update_blocks(p),
                            Some(p) => *rest = Some(p),
                            None => {}
                        }
                    }
                }
            }
        }
        (
            lane_a.finish(rest_a.unwrap_or_default()),
            lane_b.finish(rest_b.unwrap_or_default()),
        )
    }

    #[test]
    fn lanes_fed_in_pieces_match_the_reference() {
        for (len_a, len_b) in [
            (0, 0),
            (64, 640),
            (1000, 1000),
            (4096, 4095),
            (4097, 12_345),
            (30_000, 64),
        ] {
            let (a, b) = (pattern(len_a, 3), pattern(len_b, 4));
            for piece in [64, 128, 4096] {
                let (digest_a, digest_b) = streamed(&a, &b, piece);
                assert_eq!(
                    digest_a,
                    reference(&a),
                    "a: {len_a}, b: {len_b}, piece {piece}"
                );
                assert_eq!(
                    digest_b,
                    reference(&b),
                    "b: {len_b}, a: {len_a}, piece {piece}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn random_pairs_match_the_reference(
            a in proptest::collection::vec(proptest::num::u8::ANY, 0..2000),
            b in proptest::collection::vec(proptest::num::u8::ANY, 0..2000),
        ) {
            let (digest_a, digest_b) = digests(&a, &b);
            proptest::prop_assert_eq!(digest_a, reference(&a));
            proptest::prop_assert_eq!(digest_b, reference(&b));
        }
    }
}
