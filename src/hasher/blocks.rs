//! The streaming half of MD5 and SHA-512, which differ only in their block
//! size, how they write the message length, and their compression function:
//! input gathered into whole blocks, and the final padding.

/// Bytes waiting to fill an `N`-byte block, and the message length so far.
#[derive(Clone)]
pub(crate) struct Blocks<const N: usize> {
    block: [u8; N],
    buffered: usize,
    len: u128,
}

impl<const N: usize> Blocks<N> {
    pub(crate) fn new() -> Blocks<N> {
        Blocks {
            block: [0; N],
            buffered: 0,
            len: 0,
        }
    }

    /// Feeds `bytes`, handing `compress` every run of whole blocks (a
    /// multiple of `N` bytes) as soon as it is complete.
    pub(crate) fn update(&mut self, mut bytes: &[u8], mut compress: impl FnMut(&[u8])) {
        self.len = self.len.wrapping_add(bytes.len() as u128);
        if self.buffered > 0 {
            let take = bytes.len().min(N - self.buffered);
            self.block[self.buffered..self.buffered + take].copy_from_slice(&bytes[..take]);
            self.buffered += take;
            bytes = &bytes[take..];
            if self.buffered < N {
                return;
            }
            compress(&self.block);
            self.buffered = 0;
        }
        let whole = bytes.len() / N * N;
        if whole > 0 {
            compress(&bytes[..whole]);
        }
        let rest = &bytes[whole..];
        self.block[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    /// The message length in bits, modulo 2^128.
    pub(crate) fn bits(&self) -> u128 {
        self.len.wrapping_mul(8)
    }

    /// Pads the message (0x80, then zeros up to `N - length.len()` bytes mod
    /// `N`, then `length`, the length field as the algorithm writes it) and
    /// hands `compress` the last blocks.
    pub(crate) fn finish(mut self, length: &[u8], compress: impl FnMut(&[u8])) {
        let tail = 1 + length.len();
        let zeros = (2 * N - tail - self.buffered) % N;
        // At most a block and the tail: 144 bytes for SHA-512's 128-byte
        // blocks and 16-byte length.
        let mut padding = [0u8; 2 * 128];
        let padding = &mut padding[..tail + zeros];
        padding[0] = 0x80;
        padding[1 + zeros..].copy_from_slice(length);
        self.update(padding, compress);
        debug_assert_eq!(self.buffered, 0);
    }
}

/// `bytes` cut at the points `cuts` pick, in order (tests only): random
/// pieces for a streaming hasher, empty ones included.
#[cfg(test)]
pub(crate) fn pieces<'a>(bytes: &'a [u8], cuts: &[proptest::sample::Index]) -> Vec<&'a [u8]> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
    points.sort_unstable();
    points.push(bytes.len());
    let mut from = 0;
    points
        .into_iter()
        .map(|to| {
            let piece = &bytes[from..to];
            from = to;
            piece
        })
        .collect()
}
