//! Entry reports as bytes, to carry a partition's results from the process
//! that verified it to the one that merges them ([`crate::Part::to_bytes`],
//! [`crate::Part::from_bytes`]).
//!
//! The format (all integers little-endian): the magic `CSPART1\0`, the
//! number of entries (u64), then per entry its line (u64), its
//! [`StatusKind`] code (u32), its name (u64 length, bytes), its expected
//! digest (u8 0 or 1, then algorithm code u32, u64 length, bytes), and the
//! status's data: the actual digest of a mismatch; the OS error number
//! (i32, -1 for none) and message of an unreadable file; the kind of a
//! non-regular file (u8); the text of a malformed line. An I/O error comes
//! back as the same OS error, or as one whose message is the original's.
//! Decoding never panics and allocates no more than the input's length.

use std::io;

use crate::digest::{Algorithm, Digest};
use crate::fs::root::FileKind;
use crate::report::{Report, Status, StatusKind};

const MAGIC: &[u8; 8] = b"CSPART1\0";

/// `report`'s entries as bytes.
pub(crate) fn encode(report: &Report) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + report.len() * 48);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(report.len() as u64).to_le_bytes());
    for entry in report.entries() {
        out.extend_from_slice(&entry.line().to_le_bytes());
        out.extend_from_slice(&(entry.kind() as u32).to_le_bytes());
        put_bytes(&mut out, entry.name());
        match entry.expected() {
            Some(digest) => {
                out.push(1);
                put_digest(&mut out, &digest);
            }
            None => out.push(0),
        }
        match entry.status() {
            Status::Mismatch { actual } => put_digest(&mut out, actual),
            Status::Unreadable(error) => {
                out.extend_from_slice(&error.raw_os_error().unwrap_or(-1).to_le_bytes());
                put_bytes(&mut out, error.to_string().as_bytes());
            }
            Status::NotRegular(kind) => out.push(kind_code(*kind)),
            Status::Malformed => put_bytes(&mut out, entry.text().unwrap_or_default()),
            _ => {}
        }
    }
    out
}

/// The entries `bytes` holds, or why they cannot be read.
pub(crate) fn decode(bytes: &[u8]) -> Result<Report, String> {
    let mut input = Input { bytes };
    if input.take(MAGIC.len())? != MAGIC {
        return Err("not a partition's results (bad magic)".into());
    }
    let count = input.u64()?;
    // Each entry takes at least 21 bytes: no more can be claimed.
    if count > (input.bytes.len() / 21) as u64 {
        return Err(format!(
            "{count} entries announced in {} bytes",
            bytes.len()
        ));
    }
    let mut entries = Report::new();
    entries
        .try_reserve(count as usize, 0)
        .map_err(|e| e.to_string())?;
    for _ in 0..count {
        let line = input.u64()?;
        let code = input.u32()?;
        let kind = StatusKind::ALL
            .into_iter()
            .find(|kind| *kind as u32 == code)
            .ok_or_else(|| format!("line {line}: unknown status code {code}"))?;
        let name = input.slice()?;
        let expected = match input.u8()? {
            0 => None,
            1 => Some(input.digest()?),
            other => return Err(format!("line {line}: bad digest flag {other}")),
        };
        let status = match kind {
            StatusKind::Ok => Status::Ok,
            StatusKind::Mismatch => Status::Mismatch {
                actual: Box::new(input.digest()?),
            },
            StatusKind::Missing => Status::Missing,
            StatusKind::Unreadable => {
                let errno = input.u32()? as i32;
                let message = input.slice()?;
                Status::Unreadable(if errno >= 0 {
                    io::Error::from_raw_os_error(errno)
                } else {
                    io::Error::other(String::from_utf8_lossy(message).into_owned())
                })
            }
            StatusKind::NotRegular => Status::NotRegular(kind_of(input.u8()?)?),
            StatusKind::OutsideRoot => Status::OutsideRoot,
            StatusKind::Changed => Status::Changed,
            StatusKind::Malformed => {
                let text = input.slice()?;
                entries
                    .push(line, text, None, Status::Malformed)
                    .map_err(|e| e.to_string())?;
                continue;
            }
            StatusKind::Unlisted => Status::Unlisted,
        };
        entries
            .push(line, name, expected.as_ref(), status)
            .map_err(|e| e.to_string())?;
    }
    if !input.bytes.is_empty() {
        return Err(format!("{} bytes after the last entry", input.bytes.len()));
    }
    Ok(entries)
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn put_digest(out: &mut Vec<u8>, digest: &Digest) {
    out.extend_from_slice(&digest.algorithm().code().to_le_bytes());
    put_bytes(out, digest.as_bytes());
}

const KINDS: [FileKind; 6] = [
    FileKind::Directory,
    FileKind::Fifo,
    FileKind::CharDevice,
    FileKind::BlockDevice,
    FileKind::Socket,
    FileKind::Other,
];

fn kind_code(kind: FileKind) -> u8 {
    KINDS
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(KINDS.len() - 1) as u8
}

fn kind_of(code: u8) -> Result<FileKind, String> {
    KINDS
        .get(usize::from(code))
        .copied()
        .ok_or_else(|| format!("unknown file kind {code}"))
}

/// What is left of the input.
struct Input<'a> {
    bytes: &'a [u8],
}

impl<'a> Input<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        if len > self.bytes.len() {
            return Err("the results end early".into());
        }
        let (head, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, String> {
        let bytes = self.take(4)?;
        Ok(u32::from_le_bytes(bytes.try_into().expect("4 bytes")))
    }

    fn u64(&mut self) -> Result<u64, String> {
        let bytes = self.take(8)?;
        Ok(u64::from_le_bytes(bytes.try_into().expect("8 bytes")))
    }

    fn slice(&mut self) -> Result<&'a [u8], String> {
        let len = self.u64()?;
        let len = usize::try_from(len).map_err(|_| "a length beyond memory".to_string())?;
        self.take(len)
    }

    fn digest(&mut self) -> Result<Digest, String> {
        let code = self.u32()?;
        let algorithm =
            Algorithm::from_code(code).ok_or_else(|| format!("unknown algorithm code {code}"))?;
        let bytes = self.slice()?;
        Digest::from_bytes(algorithm, bytes)
            .ok_or_else(|| format!("a {algorithm} digest of {} bytes", bytes.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        let sha1 = |byte| Digest::from_bytes(Algorithm::Sha1, &[byte; 20]).unwrap();
        let mut report = Report::new();
        let mut entry = |line, name: &[u8], status| {
            report.push(line, name, Some(&sha1(1)), status).unwrap();
        };
        entry(1, b"a", Status::Ok);
        entry(
            2,
            b"b\xff\n",
            Status::Mismatch {
                actual: Box::new(sha1(2)),
            },
        );
        entry(3, b"c", Status::Missing);
        entry(
            4,
            b"d",
            Status::Unreadable(io::Error::from_raw_os_error(13)),
        );
        entry(5, b"e", Status::Unreadable(io::Error::other("odd")));
        entry(6, b"f", Status::NotRegular(FileKind::Fifo));
        entry(7, b"../g", Status::OutsideRoot);
        entry(8, b"h", Status::Changed);
        report
            .push(9, b"bad \x00 line", None, Status::Malformed)
            .unwrap();
        report
    }

    fn said(report: &Report) -> Vec<String> {
        report
            .entries()
            .map(|e| format!("{e:?} {} {:?}", e.status(), e.kind()))
            .collect()
    }

    #[test]
    fn entries_come_back_as_they_went() {
        let entries = sample();
        let back = decode(&encode(&entries)).unwrap();
        assert_eq!(said(&back), said(&entries));
        assert_eq!(decode(&encode(&Report::new())).unwrap().len(), 0);
    }

    #[test]
    fn damaged_bytes_are_refused_never_panic() {
        let bytes = encode(&sample());
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        for i in 0..bytes.len() {
            flipped[i] ^= 0xff;
            let _ = decode(&flipped);
            flipped[i] ^= 0xff;
        }
        let mut huge = MAGIC.to_vec();
        huge.extend_from_slice(&u64::MAX.to_le_bytes());
        assert!(decode(&huge).is_err());
        let mut trailing = bytes;
        trailing.push(0);
        assert!(decode(&trailing).is_err());
    }
}
