//! The checksums of GNU `cksum` and `sum` that are not cryptographic: the
//! POSIX CRC (cksum's default), zlib's CRC-32 (`crc32b`) and the BSD and
//! System V 16-bit sums. The CRCs are `crc-fast`'s: carry-less multiply
//! (PCLMULQDQ, VPCLMULQDQ with AVX-512; PMULL on AArch64) where the CPU has
//! it, tables elsewhere. It ran 16-21 GB/s on one core here, where the `crc`
//! crate's slice-by-16 tables ran 2.4-2.9 GB/s and GNU 9.1's PCLMUL `cksum`
//! was faster than either (BENCHMARKS.md, "cksum's CRC"). The two sums are a
//! line of arithmetic each, as coreutils' `sum.c` defines them (no crate
//! offers them).

use std::sync::OnceLock;

use crc_fast::{CrcAlgorithm, Digest};

/// The code `crc-fast` runs on this CPU for both CRCs, in its words (such as
/// `x86_64-sse-pclmulqdq`): it chooses once per process, as the other
/// backends do.
pub(crate) fn backend() -> &'static str {
    static TARGET: OnceLock<String> = OnceLock::new();
    TARGET.get_or_init(|| crc_fast::get_calculator_target(CrcAlgorithm::Crc32Cksum))
}

/// One of the four sums, with the number of bytes fed (each line shows the
/// size, and the POSIX CRC covers it).
#[derive(Clone)]
pub(crate) struct Sum {
    state: State,
    len: u64,
}

#[derive(Clone)]
enum State {
    /// POSIX `cksum`'s CRC (CRC-32/CKSUM: polynomial 0x04C11DB7, not
    /// reflected, the inverted result); the length is fed after the data.
    Cksum(Digest),
    /// zlib's CRC-32 (CRC-32/ISO-HDLC), as `cksum -a crc32b` prints it.
    Crc32b(Digest),
    /// The rotating 16-bit BSD checksum.
    Bsd(u16),
    /// The System V sum of bytes (modulo 2^32, folded at the end).
    Sysv(u32),
}

/// Which sum [`Sum::new`] computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Cksum,
    Crc32b,
    Bsd,
    Sysv,
}

impl Sum {
    pub(crate) fn new(kind: Kind) -> Sum {
        let state = match kind {
            Kind::Cksum => State::Cksum(Digest::new(CrcAlgorithm::Crc32Cksum)),
            Kind::Crc32b => State::Crc32b(Digest::new(CrcAlgorithm::Crc32IsoHdlc)),
            Kind::Bsd => State::Bsd(0),
            Kind::Sysv => State::Sysv(0),
        };
        Sum { state, len: 0 }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        self.len = self.len.wrapping_add(bytes.len() as u64);
        match &mut self.state {
            State::Cksum(digest) | State::Crc32b(digest) => digest.update(bytes),
            State::Bsd(sum) => {
                for &byte in bytes {
                    *sum = sum.rotate_right(1).wrapping_add(u16::from(byte));
                }
            }
            State::Sysv(sum) => {
                // Bytes summed in a wide lane, folded into the 32-bit sum per
                // piece: the same modulo 2^32 as GNU's byte loop.
                let piece: u64 = bytes.iter().map(|&b| u64::from(b)).sum();
                *sum = sum.wrapping_add(piece as u32);
            }
        }
    }

    /// The checksum's bytes, big-endian as GNU's `--raw` writes them, and
    /// the number of bytes fed.
    pub(crate) fn finalize(self) -> (Vec<u8>, u64) {
        let bytes = match self.state {
            State::Cksum(mut digest) => {
                let mut len = self.len;
                while len != 0 {
                    digest.update(&[len as u8]);
                    len >>= 8;
                }
                crc32(&digest).to_be_bytes().to_vec()
            }
            State::Crc32b(digest) => crc32(&digest).to_be_bytes().to_vec(),
            State::Bsd(sum) => sum.to_be_bytes().to_vec(),
            State::Sysv(sum) => {
                let folded = (sum & 0xffff) + (sum >> 16);
                let folded = (folded & 0xffff) + (folded >> 16);
                (folded as u16).to_be_bytes().to_vec()
            }
        };
        (bytes, self.len)
    }
}

/// A 32-bit CRC's value (`crc-fast` returns every width as a `u64`).
fn crc32(digest: &Digest) -> u32 {
    digest.finalize() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(kind: Kind, bytes: &[u8]) -> (u32, u64) {
        let mut sum = Sum::new(kind);
        let (first, second) = bytes.split_at(bytes.len() / 3);
        sum.update(first);
        sum.update(second);
        let (digest, len) = sum.finalize();
        let value = digest.iter().fold(0u32, |n, &b| (n << 8) | u32::from(b));
        (value, len)
    }

    /// The check values of "123456789": the CRC catalogue's for CRC-32
    /// (0xCBF43926), and the values `cksum`, `sum -r` and `sum -s` print
    /// for it (POSIX's CRC covers the length too, so it is not the
    /// catalogue's 0x765E7680).
    #[test]
    fn check_values() {
        assert_eq!(sum(Kind::Crc32b, b"123456789"), (0xCBF4_3926, 9));
        assert_eq!(sum(Kind::Cksum, b"123456789"), (930_766_865, 9));
        assert_eq!(sum(Kind::Bsd, b"123456789"), (53615, 9));
        assert_eq!(sum(Kind::Sysv, b"123456789"), (477, 9));
        // The empty input: cksum prints 4294967295 0.
        assert_eq!(sum(Kind::Cksum, b""), (4_294_967_295, 0));
    }

    /// The CRCs agree with the `crc` crate's tables (the catalogue's
    /// CRC-32/CKSUM with POSIX's length after the data, and CRC-32/ISO-HDLC)
    /// on lengths on both sides of the SIMD code's block sizes, fed in
    /// uneven pieces.
    #[test]
    fn crcs_match_the_table_code() {
        let cksum = crc::Crc::<u32>::new(&crc::CRC_32_CKSUM);
        let crc32b = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
        let bytes: Vec<u8> = (0..70_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        for len in [
            0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 4096, 65_537, 70_000,
        ] {
            let data = &bytes[..len];
            let mut expected = cksum.digest();
            expected.update(data);
            let mut n = len as u64;
            while n != 0 {
                expected.update(&[n as u8]);
                n >>= 8;
            }
            assert_eq!(
                sum(Kind::Cksum, data),
                (expected.finalize(), len as u64),
                "cksum, {len} bytes"
            );
            assert_eq!(
                sum(Kind::Crc32b, data),
                (crc32b.checksum(data), len as u64),
                "crc32b, {len} bytes"
            );
        }
    }

    /// The System V sum wraps at 2^32 (17 MiB of 0xff pass it) and folds
    /// twice, as GNU's `unsigned int` sum does.
    #[test]
    fn sysv_wraps_and_folds() {
        let bytes = vec![0xff; 17 << 20];
        let total = (0xffu64 * (17 << 20)) as u32;
        let r = (total & 0xffff) + (total >> 16);
        let expected = (r & 0xffff) + (r >> 16);
        assert_eq!(sum(Kind::Sysv, &bytes).0, expected);
        assert_eq!(expected, 3824, "what `sum -s` prints for these bytes");
    }
}
