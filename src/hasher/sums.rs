//! The checksums of GNU `cksum` and `sum` that are not cryptographic: the
//! POSIX CRC (cksum's default), zlib's CRC-32 (`crc32b`) and the BSD and
//! System V 16-bit sums. The CRCs are the `crc` crate's (its 16-table
//! "slice-by-16" code); the two sums are a line of arithmetic each, as
//! coreutils' `sum.c` defines them (no crate offers them).

use crc::{Crc, Table, CRC_32_CKSUM, CRC_32_ISO_HDLC};

/// POSIX `cksum`'s CRC: polynomial 0x04C11DB7, not reflected, the length
/// appended after the data, the result inverted.
static CKSUM: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&CRC_32_CKSUM);

/// zlib's CRC-32 (ISO-HDLC), as `cksum -a crc32b` prints it.
static CRC32B: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&CRC_32_ISO_HDLC);

/// One of the four sums, with the number of bytes fed (each line shows the
/// size, and the POSIX CRC covers it).
#[derive(Clone)]
pub(crate) struct Sum {
    state: State,
    len: u64,
}

#[derive(Clone)]
enum State {
    Cksum(crc::Digest<'static, u32, Table<16>>),
    Crc32b(crc::Digest<'static, u32, Table<16>>),
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
            Kind::Cksum => State::Cksum(CKSUM.digest()),
            Kind::Crc32b => State::Crc32b(CRC32B.digest()),
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
                digest.finalize().to_be_bytes().to_vec()
            }
            State::Crc32b(digest) => digest.finalize().to_be_bytes().to_vec(),
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
