//! Two SHA-1 files hashed together, their rounds interleaved
//! ([`crate::hasher::sha1_pair()`]): on a CPU with SHA-NI one core then hashes
//! about one and a half times as fast. Two files read whole are read, then
//! hashed as one pair; two larger ones are read side by side in pieces. Each
//! file gets the outcome it would get alone, checked as alone.

use std::fs::File;

use super::io::{
    advise_sequential, cancelled, read_until, read_whole, unchanged_since, Meter, ReadError,
};
use crate::digest::{Algorithm, Digest};
use crate::fs::root::Identity;
use crate::hasher::sha1_pair::{update_pair, Lane};

/// One file of a pair: its descriptor, its identity when opened, and the
/// read buffer of its reader.
pub(crate) struct PairFile<'a> {
    pub file: &'a File,
    pub before: Identity,
    pub buffer: &'a mut [u8],
}

/// Two files of `len_a` and `len_b` bytes, each read whole in one `read`
/// ([`read_whole`]), hashed together.
pub(crate) fn whole(
    (a, len_a): (PairFile, usize),
    (b, len_b): (PairFile, usize),
    meter: Meter,
) -> (Result<Digest, ReadError>, Result<Digest, ReadError>) {
    let (bytes_a, bytes_b) = match (
        read_whole(a.file, a.before, a.buffer, len_a),
        read_whole(b.file, b.before, b.buffer, len_b),
    ) {
        (Ok(bytes_a), Ok(bytes_b)) => (bytes_a, bytes_b),
        (bytes_a, bytes_b) => {
            // One could not be read: each gets its own outcome, the other
            // hashed on its own.
            let single = |bytes: &[u8], file, before, len| {
                let digest = crate::hasher::hash_bytes(Algorithm::Sha1, bytes);
                concluded(file, before, digest, len, meter)
            };
            let a = bytes_a.and_then(|bytes| single(bytes, a.file, a.before, len_a));
            let b = bytes_b.and_then(|bytes| single(bytes, b.file, b.before, len_b));
            return (a, b);
        }
    };
    let (digest_a, digest_b) = crate::hasher::sha1_pair(bytes_a, bytes_b);
    (
        concluded(a.file, a.before, digest_a, len_a, meter),
        concluded(b.file, b.before, digest_b, len_b, meter),
    )
}

/// A whole file's `digest`, unless it changed since `before`; counted as
/// hashed, or the run's cancellation if it was cancelled meanwhile.
fn concluded(
    file: &File,
    before: Identity,
    digest: Digest,
    len: usize,
    meter: Meter,
) -> Result<Digest, ReadError> {
    unchanged_since(file, before, len as u64)?;
    meter.tick(len)?;
    Ok(digest)
}

/// Two files read in pieces side by side, each into its own buffer: the
/// whole blocks both pieces hold are hashed together, the rest of the
/// longer piece alone; a file that ends first is concluded, and the other
/// goes on alone. Each file is checked for changes as a file streamed alone.
pub(crate) fn streamed(
    a: PairFile,
    b: PairFile,
    meter: Meter,
) -> (Result<Digest, ReadError>, Result<Digest, ReadError>) {
    let (mut a, mut b) = (Side::new(a), Side::new(b));
    advise_sequential(a.pair.file);
    advise_sequential(b.pair.file);
    while a.outcome.is_none() || b.outcome.is_none() {
        a.fill();
        b.fill();
        let together = match (&a.outcome, &b.outcome) {
            (None, None) => a.filled.min(b.filled) / 64 * 64,
            _ => 0,
        };
        update_pair(
            &mut a.lane,
            &a.pair.buffer[..together],
            &mut b.lane,
            &b.pair.buffer[..together],
        );
        a.hash_tail(together);
        b.hash_tail(together);
        if meter.tick(a.filled + b.filled).is_err() {
            a.stop();
            b.stop();
        }
    }
    (a.into_outcome(), b.into_outcome())
}

/// One file of [`streamed`]: its buffer, its SHA-1 lane, and its outcome
/// once it has one.
struct Side<'a> {
    pair: PairFile<'a>,
    lane: Lane,
    /// Bytes read so far, and of them in the buffer now.
    read: u64,
    filled: usize,
    outcome: Option<Result<Digest, ReadError>>,
}

impl<'a> Side<'a> {
    fn new(pair: PairFile<'a>) -> Side<'a> {
        Side {
            pair,
            lane: Lane::new(),
            read: 0,
            filled: 0,
            outcome: None,
        }
    }

    /// Reads the next piece, until the buffer is full or the file ends
    /// (nothing once the file has its outcome).
    fn fill(&mut self) {
        self.filled = 0;
        if self.outcome.is_some() {
            return;
        }
        match read_until(self.pair.file, self.read, self.pair.buffer, |_| false) {
            Ok(filled) => self.filled = filled,
            Err(e) => self.outcome = Some(Err(ReadError::Io(e))),
        }
        self.read += self.filled as u64;
    }

    /// Hashes the piece from `from` on, whole blocks since a full buffer
    /// is whole blocks, and concludes at the end of the file.
    fn hash_tail(&mut self, from: usize) {
        if self.outcome.is_some() {
            return;
        }
        let rest = &self.pair.buffer[from..self.filled];
        if self.filled == self.pair.buffer.len() {
            self.lane.update_blocks(rest);
            return;
        }
        let digest = crate::hasher::sha1_digest(self.lane.clone().finish(rest));
        let unchanged = unchanged_since(self.pair.file, self.pair.before, self.read);
        self.outcome = Some(unchanged.map(|()| digest));
    }

    /// Ends a file not yet concluded: the run was cancelled.
    fn stop(&mut self) {
        self.outcome.get_or_insert_with(|| Err(cancelled()));
    }

    fn into_outcome(self) -> Result<Digest, ReadError> {
        self.outcome
            .expect("the loop ends when both sides have their outcome")
    }
}
