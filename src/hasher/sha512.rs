//! SHA-512 (FIPS 180-4), with a compression function for x86-64 CPUs
//! with AVX2 and BMI2 that hashes two blocks at a time.
//!
//! Why our own: `sha2` 0.10's AVX2 code was measured at 70% of OpenSSL's
//! speed on this project's machine (1 MiB in memory, best of 300, AMD EPYC
//! Zen 3, 2026-11-24: `sha2` 515 MiB/s, this code 604-614, OpenSSL 3.0
//! through Python's `hashlib` 731; `sha2` 0.11, `ring` 0.17 and
//! `sha2-asm` 0.6 were no faster). Elsewhere, and on CPUs without those
//! instructions, [`compress`] hands the blocks to `sha2`.
//!
//! The design follows OpenSSL's AVX2 code: the message schedule of two
//! consecutive blocks is computed together, two words of each block per
//! 256-bit vector, beside scalar rounds that read it from memory with the
//! round constants already added. Where OpenSSL computes a pair's schedule
//! during the first block's rounds, this code computes the *next* pair's
//! during both blocks' rounds, one vector step every four rounds, so that
//! the vector work is spread thin among the scalar work; the first pair's
//! schedule is computed on its own. The rounds' adds are `lea`s, as in
//! OpenSSL, and the rounds are compiled for BMI1/BMI2 (`rorx`, `andn`),
//! which saves a copy per rotation and per `!e & g`. Each of these choices
//! was measured (BENCHMARKS.md, run AH): 0.87-0.90 of OpenSSL's speed
//! before, 0.95-0.98 after. The 21 KB of rounds are placed in memory
//! (`BODY_OFFSET`), since where the linker put them moved their speed by
//! 7% (run AI).
//!
//! Checked against `sha2` (the portable path and the reference of the
//! tests) at every length and cut up to 600 bytes and on random inputs in
//! random pieces, against FIPS 180's examples, and against `sha512sum` by
//! the CLI's and Python's differential tests.

use super::blocks::Blocks;

/// The initial hash value (FIPS 180-4, 5.3.5).
const INIT: [u64; 8] = [
    0x6a09_e667_f3bc_c908,
    0xbb67_ae85_84ca_a73b,
    0x3c6e_f372_fe94_f82b,
    0xa54f_f53a_5f1d_36f1,
    0x510e_527f_ade6_82d1,
    0x9b05_688c_2b3e_6c1f,
    0x1f83_d9ab_fb41_bd6b,
    0x5be0_cd19_137e_2179,
];

/// SHA-384's initial hash value (FIPS 180-4, 5.3.4): SHA-384 is SHA-512
/// from these words, its digest the first 48 bytes.
const INIT_384: [u64; 8] = [
    0xcbbb_9d5d_c105_9ed8,
    0x629a_292a_367c_d507,
    0x9159_015a_3070_dd17,
    0x152f_ecd8_f70e_5939,
    0x6733_2667_ffc0_0b31,
    0x8eb4_4a87_6858_1511,
    0xdb0c_2e0d_64f9_8fa7,
    0x47b5_481d_befa_4fa4,
];

/// A streaming SHA-512 hasher (or SHA-384, [`Sha512::new_384`]).
#[derive(Clone)]
pub(crate) struct Sha512 {
    state: [u64; 8],
    blocks: Blocks<128>,
}

impl Sha512 {
    pub(crate) fn new() -> Sha512 {
        Sha512 {
            state: INIT,
            blocks: Blocks::new(),
        }
    }

    /// SHA-384: the same compression from SHA-384's initial value; the
    /// digest is the first 48 bytes of [`Sha512::finalize`]'s (as `sha2`'s
    /// SHA-384, which was 0.8 times this code's speed here: BENCHMARKS.md).
    pub(crate) fn new_384() -> Sha512 {
        Sha512 {
            state: INIT_384,
            blocks: Blocks::new(),
        }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        let state = &mut self.state;
        self.blocks.update(bytes, |blocks| compress(state, blocks));
    }

    pub(crate) fn finalize(mut self) -> [u8; 64] {
        let length = self.blocks.bits().to_be_bytes();
        let state = &mut self.state;
        self.blocks
            .finish(&length, |blocks| compress(state, blocks));
        let mut digest = [0u8; 64];
        for (out, word) in digest.chunks_exact_mut(8).zip(self.state) {
            out.copy_from_slice(&word.to_be_bytes());
        }
        digest
    }
}

/// Hashes `blocks`, whose length is a multiple of 128, into `state`.
fn compress(state: &mut [u64; 8], blocks: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    if avx2::is_available() {
        // SAFETY: the CPU has the features `avx2::compress` is compiled for.
        unsafe { avx2::compress(state, blocks) };
        return;
    }
    portable(state, blocks);
}

/// `sha2`'s compression function, one block at a time.
fn portable(state: &mut [u64; 8], blocks: &[u8]) {
    use sha2::digest::generic_array::GenericArray;
    for block in blocks.chunks_exact(128) {
        sha2::compress512(state, &[*GenericArray::from_slice(block)]);
    }
}

/// Whether this CPU runs the two-block AVX2 compression function.
pub(crate) fn is_accelerated() -> bool {
    #[cfg(target_arch = "x86_64")]
    return avx2::is_available();
    #[cfg(not(target_arch = "x86_64"))]
    return false;
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::asm;
    use std::arch::x86_64::*;

    /// Whether the CPU has what [`compress`] is compiled for (checked once
    /// by the standard library, then a load).
    pub(super) fn is_available() -> bool {
        is_x86_feature_detected!("avx2")
            && is_x86_feature_detected!("bmi1")
            && is_x86_feature_detected!("bmi2")
    }

    /// The round constants (FIPS 180-4, 4.2.3).
    static K: [u64; 80] = [
        0x428a_2f98_d728_ae22,
        0x7137_4491_23ef_65cd,
        0xb5c0_fbcf_ec4d_3b2f,
        0xe9b5_dba5_8189_dbbc,
        0x3956_c25b_f348_b538,
        0x59f1_11f1_b605_d019,
        0x923f_82a4_af19_4f9b,
        0xab1c_5ed5_da6d_8118,
        0xd807_aa98_a303_0242,
        0x1283_5b01_4570_6fbe,
        0x2431_85be_4ee4_b28c,
        0x550c_7dc3_d5ff_b4e2,
        0x72be_5d74_f27b_896f,
        0x80de_b1fe_3b16_96b1,
        0x9bdc_06a7_25c7_1235,
        0xc19b_f174_cf69_2694,
        0xe49b_69c1_9ef1_4ad2,
        0xefbe_4786_384f_25e3,
        0x0fc1_9dc6_8b8c_d5b5,
        0x240c_a1cc_77ac_9c65,
        0x2de9_2c6f_592b_0275,
        0x4a74_84aa_6ea6_e483,
        0x5cb0_a9dc_bd41_fbd4,
        0x76f9_88da_8311_53b5,
        0x983e_5152_ee66_dfab,
        0xa831_c66d_2db4_3210,
        0xb003_27c8_98fb_213f,
        0xbf59_7fc7_beef_0ee4,
        0xc6e0_0bf3_3da8_8fc2,
        0xd5a7_9147_930a_a725,
        0x06ca_6351_e003_826f,
        0x1429_2967_0a0e_6e70,
        0x27b7_0a85_46d2_2ffc,
        0x2e1b_2138_5c26_c926,
        0x4d2c_6dfc_5ac4_2aed,
        0x5338_0d13_9d95_b3df,
        0x650a_7354_8baf_63de,
        0x766a_0abb_3c77_b2a8,
        0x81c2_c92e_47ed_aee6,
        0x9272_2c85_1482_353b,
        0xa2bf_e8a1_4cf1_0364,
        0xa81a_664b_bc42_3001,
        0xc24b_8b70_d0f8_9791,
        0xc76c_51a3_0654_be30,
        0xd192_e819_d6ef_5218,
        0xd699_0624_5565_a910,
        0xf40e_3585_5771_202a,
        0x106a_a070_32bb_d1b8,
        0x19a4_c116_b8d2_d0c8,
        0x1e37_6c08_5141_ab53,
        0x2748_774c_df8e_eb99,
        0x34b0_bcb5_e19b_48a8,
        0x391c_0cb3_c5c9_5a63,
        0x4ed8_aa4a_e341_8acb,
        0x5b9c_ca4f_7763_e373,
        0x682e_6ff3_d6b2_b8a3,
        0x748f_82ee_5def_b2fc,
        0x78a5_636f_4317_2f60,
        0x84c8_7814_a1f0_ab72,
        0x8cc7_0208_1a64_39ec,
        0x90be_fffa_2363_1e28,
        0xa450_6ceb_de82_bde9,
        0xbef9_a3f7_b2c6_7915,
        0xc671_78f2_e372_532b,
        0xca27_3ece_ea26_619c,
        0xd186_b8c7_21c0_c207,
        0xeada_7dd6_cde0_eb1e,
        0xf57d_4f7f_ee6e_d178,
        0x06f0_67aa_7217_6fba,
        0x0a63_7dc5_a2c8_98a6,
        0x113f_9804_bef9_0dae,
        0x1b71_0b35_131c_471b,
        0x28db_77f5_2304_7d84,
        0x32ca_ab7b_40c7_2493,
        0x3c9e_be0a_15c9_bebc,
        0x431d_67c4_9c10_0d4c,
        0x4cc5_d4be_cb3e_42b6,
        0x597f_299c_fc65_7e2a,
        0x5fcb_6fab_3ad6_faec,
        0x6c44_198c_4a47_5817,
    ];

    /// The message schedule of two blocks plus the round constants, as the
    /// rounds read them: `[t / 2]` holds words `t` and `t + 1` of the first
    /// block, then the same two of the second.
    #[repr(align(32))]
    struct Schedule([[u64; 4]; 40]);

    /// [`K`] in the layout of [`Schedule`]: each two constants twice.
    static K2: Schedule = {
        let mut out = [[0; 4]; 40];
        let mut pair = 0;
        while pair < 40 {
            out[pair] = [K[2 * pair], K[2 * pair + 1], K[2 * pair], K[2 * pair + 1]];
            pair += 1;
        }
        Schedule(out)
    };

    /// `vpshufb` masks: each 64-bit word byte-swapped (the message is
    /// big-endian), and each rotated right by 8 bits (one instruction for
    /// what takes three as shifts).
    #[repr(C, align(32))]
    struct Masks {
        swap: [u8; 32],
        rotate_8: [u8; 32],
    }
    static MASKS: Masks = {
        let (mut swap, mut rotate_8) = ([0; 32], [0; 32]);
        let mut byte = 0;
        while byte < 32 {
            // `vpshufb` indexes bytes within each 128-bit half.
            let word = (byte % 16) / 8 * 8;
            swap[byte] = (word + 7 - byte % 8) as u8;
            rotate_8[byte] = (word + (byte % 8 + 1) % 8) as u8;
            byte += 1;
        }
        Masks { swap, rotate_8 }
    };

    /// The steps that compute one pair's schedule: four load two rows of
    /// words each, thirty-two compute one row each ([`schedule_step`]).
    const STEPS: usize = 36;

    /// Where [`pair_rounds`]'s rounds start, in bytes past a 64-byte
    /// boundary. They are 21 KB of straight-line code, close to what Zen 4's
    /// micro-op cache holds, and where the linker happened to put them moved
    /// their speed by 7% (probably by how their 64-byte windows fall into
    /// that cache's sets; this VM has no counters to show it). So they are
    /// placed, not left to chance: after saving registers, `pair_rounds`
    /// runs a `.p2align 6` and then this many bytes of no-ops. SHA-512 on
    /// Zen 4 in MiB/s, best of 4 rounds, for each offset (BENCHMARKS.md,
    /// run AI):
    ///
    /// | offset | 0-12 | 16 | 20-48 | 52-60 |
    /// |---|---|---|---|---|
    /// | MiB/s | 803-808 | 744 | 804-807 | 763-765 |
    ///
    /// 32 is the middle of the widest good run, so that a change of a few
    /// bytes in the rounds is likely to leave them in it. Another compiler
    /// version may lay the rounds out anew: measure again with it
    /// (`benches/openssl.rs`).
    const BODY_OFFSET: usize = 32;
    // `.nops` refuses 0, and 64 or more is another place's offset.
    const _: () = assert!(BODY_OFFSET > 0 && BODY_OFFSET < 64);

    /// The two blocks of a pair.
    #[derive(Clone, Copy)]
    struct Pair {
        first: *const u8,
        second: *const u8,
    }

    /// Hashes `blocks`, whose length is a multiple of 128, into `state`.
    ///
    /// # Safety
    /// The CPU must have AVX2, BMI1 and BMI2 ([`is_available`]).
    #[target_feature(enable = "avx2,bmi1,bmi2")]
    pub(super) unsafe fn compress(state: &mut [u64; 8], blocks: &[u8]) {
        let count = blocks.len() / 128;
        if count == 0 {
            return;
        }
        // Pair `p`; a lone last block stands in for its pair's second too,
        // whose schedule is computed and not used.
        let pair = |p: usize| {
            let first = 2 * p;
            let second = (first + 1).min(count - 1);
            // SAFETY: both indexes are below `count`, so inside `blocks`.
            unsafe {
                Pair {
                    first: blocks.as_ptr().add(128 * first),
                    second: blocks.as_ptr().add(128 * second),
                }
            }
        };
        let mut schedules = [Schedule([[0; 4]; 40]), Schedule([[0; 4]; 40])];
        let (one, other) = schedules.split_at_mut(1);
        let (mut current, mut next) = (&mut one[0], &mut other[0]);
        // SAFETY: the features are the caller's promise; the pair's blocks
        // are inside `blocks`.
        unsafe { schedule(current, pair(0)) };
        let pairs = count.div_ceil(2);
        for p in 0..pairs {
            let following = (p + 1 < pairs).then(|| pair(p + 1));
            let both = 2 * p + 1 < count;
            // SAFETY: as above.
            unsafe { pair_rounds(state, current, next, following, both) };
            std::mem::swap(&mut current, &mut next);
        }
    }

    /// Computes `pair`'s schedule into `next`, all its [`STEPS`] in a row.
    ///
    /// # Safety
    /// The CPU must have AVX2; `pair`'s blocks must be 128 readable bytes.
    #[target_feature(enable = "avx2")]
    unsafe fn schedule(next: &mut Schedule, pair: Pair) {
        let mut words = [_mm256_setzero_si256(); 8];
        // Written out, each step with a constant number, so that `words`
        // stays in registers.
        macro_rules! steps {
            ($($n:literal)*) => {$(
                // SAFETY: the caller's promise.
                unsafe { schedule_step(&mut words, next, pair, $n) };
            )*};
        }
        steps!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35);
    }

    /// Hashes the first block of a pair and, if `both`, the second, from
    /// `current`, their schedule, while computing the schedule of
    /// `following`, if any, into `next`. Every eight rounds carry up to two
    /// of its [`STEPS`], before their third and seventh rounds, so that the
    /// vector units work beside the scalar ones and neither waits for the
    /// other (before the first and fifth was 1-2% slower).
    ///
    /// # Safety
    /// The CPU must have AVX2, BMI1 and BMI2; `following`'s blocks must be
    /// 128 readable bytes each.
    #[target_feature(enable = "avx2,bmi1,bmi2")]
    unsafe fn pair_rounds(
        state: &mut [u64; 8],
        current: &Schedule,
        next: &mut Schedule,
        following: Option<Pair>,
        both: bool,
    ) {
        // SAFETY: only no-ops, which place the code after them
        // ([`BODY_OFFSET`]); they touch no register, memory or flag.
        unsafe {
            asm!(
                ".p2align 6",
                ".nops {offset}",
                offset = const BODY_OFFSET,
                options(nostack, preserves_flags),
            )
        };
        let mut words = [_mm256_setzero_si256(); 8];
        // Eight rounds from `$base` of the block in `$lane`, with step
        // `n = 20 * (lane / 2) + base / 4 + j` before round `base + 2 + 4j`:
        // a constant once inlined, as is every branch but the one on
        // `following`.
        macro_rules! rounds {
            ($working:ident, $lane:literal: $($base:literal)*) => {$(
                eight_rounds(&mut $working, current, $base, $lane, |j| {
                    let n = 20 * ($lane / 2) + $base / 4 + j;
                    if n < STEPS {
                        if let Some(following) = following {
                            // SAFETY: the features and `following` are the
                            // caller's promise.
                            unsafe { schedule_step(&mut words, next, following, n) };
                        }
                    }
                });
            )*};
        }
        let mut working = *state;
        rounds!(working, 0: 0 8 16 24 32 40 48 56 64 72);
        add_into(state, &working);
        if both {
            let mut working = *state;
            rounds!(working, 2: 0 8 16 24 32 40 48 56 64 72);
            add_into(state, &working);
        }
    }

    /// Step `n` of computing `pair`'s schedule into `next`, with `words`
    /// holding the last sixteen words of both blocks, two of each per
    /// vector. Steps 0 to 3 load the blocks, two rows each; each later
    /// step computes the next row (FIPS 180-4, 6.4.2, step 1):
    /// `W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]`, for `t` and
    /// `t + 1`. Always inlined with a constant `n`, so that `words` stays in
    /// registers.
    ///
    /// # Safety
    /// The CPU must have AVX2; `pair`'s blocks must be 128 readable bytes.
    #[inline(always)]
    unsafe fn schedule_step(words: &mut [__m256i; 8], next: &mut Schedule, pair: Pair, n: usize) {
        // SAFETY: the caller's promise; the loads stay inside the blocks
        // (16 * row + 16 <= 128) and the aligned accesses are to
        // 32-byte-aligned statics and rows.
        unsafe {
            let rows = if n < 4 {
                2 * n..2 * n + 2
            } else {
                n + 4..n + 5
            };
            for row in rows {
                let new = if n < 4 {
                    let swap = _mm256_load_si256(MASKS.swap.as_ptr().cast());
                    let low = _mm_loadu_si128(pair.first.add(16 * row).cast());
                    let high = _mm_loadu_si128(pair.second.add(16 * row).cast());
                    _mm256_shuffle_epi8(_mm256_set_m128i(high, low), swap)
                } else {
                    next_row(words, row)
                };
                words[row % 8] = new;
                let k = _mm256_load_si256(K2.0[row].as_ptr().cast());
                _mm256_store_si256(next.0[row].as_mut_ptr().cast(), _mm256_add_epi64(new, k));
            }
            // Keeps the step where it is among the rounds: an empty `asm!`
            // that may touch memory, so no store or load crosses it. Without
            // it the optimiser gathered the steps into two runs between the
            // rounds, and the whole ran 9% slower (BENCHMARKS.md, run AH).
            asm!("", options(nostack, preserves_flags));
        }
    }

    /// Row `row` of the schedule from the eight before it in `words`
    /// (`words[row % 8]` holds row `row - 8`).
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[inline(always)]
    unsafe fn next_row(words: &[__m256i; 8], row: usize) -> __m256i {
        // SAFETY: the caller's promise.
        unsafe {
            let back_16 = words[row % 8];
            let back_15 = _mm256_alignr_epi8(words[(row + 1) % 8], back_16, 8);
            let back_7 = _mm256_alignr_epi8(words[(row + 5) % 8], words[(row + 4) % 8], 8);
            let back_2 = words[(row + 7) % 8];
            let rotate_8 = _mm256_load_si256(MASKS.rotate_8.as_ptr().cast());
            let s0 = _mm256_xor_si256(
                _mm256_xor_si256(
                    rotate_right::<1, 63>(back_15),
                    _mm256_shuffle_epi8(back_15, rotate_8),
                ),
                _mm256_srli_epi64(back_15, 7),
            );
            let s1 = _mm256_xor_si256(
                _mm256_xor_si256(
                    rotate_right::<19, 45>(back_2),
                    rotate_right::<61, 3>(back_2),
                ),
                _mm256_srli_epi64(back_2, 6),
            );
            _mm256_add_epi64(_mm256_add_epi64(back_16, back_7), _mm256_add_epi64(s0, s1))
        }
    }

    /// Each 64-bit lane rotated right by `R` (`L` is 64 - `R`).
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[inline(always)]
    unsafe fn rotate_right<const R: i32, const L: i32>(x: __m256i) -> __m256i {
        // SAFETY: the caller's promise.
        unsafe { _mm256_or_si256(_mm256_srli_epi64(x, R), _mm256_slli_epi64(x, L)) }
    }

    fn add_into(state: &mut [u64; 8], working: &[u64; 8]) {
        for (word, add) in state.iter_mut().zip(working) {
            *word = word.wrapping_add(*add);
        }
    }

    /// `a + b`, as `lea`. The rounds alone ran 8% faster with their adds as
    /// `lea` than as the `add`s the compiler picks (BENCHMARKS.md, run AH),
    /// as OpenSSL writes them: on Zen 4, `add` competes with the
    /// rounds' other ALU work where `lea` does not.
    #[inline(always)]
    fn lea(a: u64, b: u64) -> u64 {
        let sum;
        // SAFETY: an address computation on two registers; nothing is read.
        unsafe {
            asm!(
                "lea {sum}, [{a} + {b}]",
                sum = lateout(reg) sum,
                a = in(reg) a,
                b = in(reg) b,
                options(pure, nomem, nostack, preserves_flags),
            )
        };
        sum
    }

    /// One round (FIPS 180-4, 6.4.2, steps 3 and 4) with the working
    /// variables renamed instead of moved: `$d` and `$h` get the new `e` and `a`.
    macro_rules! round {
        ($a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $g:ident, $h:ident, $wk:expr) => {
            let ch = lea($e & $f, !$e & $g); // the halves are disjoint
            let t1 = lea(lea(lea($h, $wk), ch), big_sigma1($e));
            // Maj(a, b, c) = ((a ^ b) & (b ^ c)) ^ b, and the optimiser
            // reuses a ^ b as the next round's b ^ c.
            let maj = (($a ^ $b) & ($b ^ $c)) ^ $b;
            $d = lea($d, t1);
            $h = lea(lea(t1, maj), big_sigma0($a));
        };
    }

    /// Rounds `base..base + 8` of the block in lanes `lane..lane + 2` of
    /// `schedule` (0: the first block, 2: the second), calling `between(0)`
    /// before round `base + 2` and `between(1)` before round `base + 6`.
    /// Always inlined, so that the caller's run of rounds is one straight
    /// line of code.
    #[inline(always)]
    fn eight_rounds(
        state: &mut [u64; 8],
        schedule: &Schedule,
        base: usize,
        lane: usize,
        mut between: impl FnMut(usize),
    ) {
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
        let wk = |i: usize| schedule.0[(base + i) / 2][lane + (base + i) % 2];
        round!(a, b, c, d, e, f, g, h, wk(0));
        round!(h, a, b, c, d, e, f, g, wk(1));
        between(0);
        round!(g, h, a, b, c, d, e, f, wk(2));
        round!(f, g, h, a, b, c, d, e, wk(3));
        round!(e, f, g, h, a, b, c, d, wk(4));
        round!(d, e, f, g, h, a, b, c, wk(5));
        between(1);
        round!(c, d, e, f, g, h, a, b, wk(6));
        round!(b, c, d, e, f, g, h, a, wk(7));
        *state = [a, b, c, d, e, f, g, h];
    }

    #[inline(always)]
    fn big_sigma0(a: u64) -> u64 {
        a.rotate_right(28) ^ a.rotate_right(34) ^ a.rotate_right(39)
    }

    #[inline(always)]
    fn big_sigma1(e: u64) -> u64 {
        e.rotate_right(14) ^ e.rotate_right(18) ^ e.rotate_right(41)
    }
}

#[cfg(test)]
mod tests {
    use super::{portable, Sha512, INIT};
    use proptest::prelude::*;

    fn sha512_hex(bytes: &[u8]) -> String {
        let mut sha512 = Sha512::new();
        sha512.update(bytes);
        sha512
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn reference(bytes: &[u8]) -> [u8; 64] {
        use sha2::Digest as _;
        sha2::Sha512::digest(bytes).into()
    }

    /// FIPS 180's examples (NIST's "SHA-512" example document) and the empty message.
    #[test]
    fn fips_180_examples() {
        let cases = [
            ("", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
            ("abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
            ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
             "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"),
        ];
        for (input, expected) in cases {
            assert_eq!(sha512_hex(input.as_bytes()), expected, "{input:?}");
        }
        let million_a = vec![b'a'; 1_000_000];
        assert_eq!(
            sha512_hex(&million_a),
            "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"
        );
    }

    /// Every length around the padding edges (111, 112, 127, 128 bytes mod
    /// 128) and over a few block pairs, each fed whole and cut at every point.
    #[test]
    fn matches_sha2_at_every_length_and_cut_up_to_600_bytes() {
        let bytes: Vec<u8> = (0..600u32).map(|i| (i * 37 % 256) as u8).collect();
        for len in 0..=bytes.len() {
            let expected = reference(&bytes[..len]);
            for cut in (0..=len).step_by(if len > 300 { 7 } else { 1 }) {
                let mut sha512 = Sha512::new();
                sha512.update(&bytes[..cut]);
                sha512.update(&bytes[cut..len]);
                assert_eq!(sha512.finalize(), expected, "len {len} cut {cut}");
            }
        }
    }

    /// SHA-384 from SHA-512's code matches `sha2`'s SHA-384 around the
    /// padding edges and over a few blocks, whole and cut.
    #[test]
    fn sha384_matches_sha2() {
        use sha2::Digest as _;
        let bytes: Vec<u8> = (0..400u32).map(|i| (i * 91 % 256) as u8).collect();
        for len in 0..=bytes.len() {
            let expected = sha2::Sha384::digest(&bytes[..len]);
            for cut in [0, len / 3, len] {
                let mut sha384 = Sha512::new_384();
                sha384.update(&bytes[..cut]);
                sha384.update(&bytes[cut..len]);
                assert_eq!(
                    &sha384.finalize()[..48],
                    &expected[..],
                    "len {len} cut {cut}"
                );
            }
        }
    }

    /// The accelerated and the portable compression functions agree on one
    /// to nine blocks, so that pairs and a lone last block are both covered.
    #[test]
    fn compression_functions_agree() {
        let bytes: Vec<u8> = (0..9 * 128u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        for blocks in 1..=9 {
            let (mut fast, mut slow) = (INIT, INIT);
            super::compress(&mut fast, &bytes[..128 * blocks]);
            portable(&mut slow, &bytes[..128 * blocks]);
            assert_eq!(fast, slow, "{blocks} blocks");
        }
    }

    proptest! {
        /// Random contents up to 100 KiB, fed in random pieces.
        #[test]
        fn matches_sha2_in_any_pieces(
            bytes in proptest::collection::vec(any::<u8>(), 0..100_000),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
        ) {
            let mut sha512 = Sha512::new();
            for piece in crate::hasher::blocks::pieces(&bytes, &cuts) {
                sha512.update(piece);
            }
            prop_assert_eq!(sha512.finalize(), reference(&bytes));
        }
    }
}
