//! Reading a file through the page cache into a worker's read buffer: whole
//! in one `read` when it fits with a byte to spare, else streamed in
//! buffer-sized pieces (from any offset, for the rest of a file another
//! strategy began).

use std::fs::File;

use super::io::{advise_sequential, read_until, read_whole, unchanged_since, Meter, ReadError};
use crate::digest::{Algorithm, Digest};
use crate::fs::root::Identity;
use crate::hasher::Hasher;

/// The digest of a file of `len` bytes that fits in `buffer` with a byte to
/// spare (usually one `read`), unless it changed since `before`.
pub(crate) fn whole(
    file: &File,
    before: Identity,
    algorithm: Algorithm,
    buffer: &mut [u8],
    len: usize,
    meter: Meter,
) -> Result<Digest, ReadError> {
    let bytes = read_whole(file, before, buffer, len)?;
    let mut hasher = Hasher::new(algorithm);
    hasher.update(bytes);
    let digest = hasher.finalize();
    unchanged_since(file, before, len as u64)?;
    meter.tick(len)?;
    Ok(digest)
}

/// Feeds `file` from `offset` to its end into `hasher`, which holds the
/// bytes before it, one `buffer` at a time: the digest of the file, unless
/// it changed since `before`. A writer can change a file between two reads
/// and restore its size, so the identity is compared after reading too (one
/// `fstat`, nothing next to the reads of a 256 KiB file or more).
pub(crate) fn stream(
    file: &File,
    before: Identity,
    mut hasher: Box<Hasher>,
    offset: u64,
    buffer: &mut [u8],
    meter: Meter,
) -> Result<Digest, ReadError> {
    advise_sequential(file);
    let mut at = offset;
    loop {
        let n = read_until(file, at, buffer, |filled| filled > 0).map_err(ReadError::Io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        at += n as u64;
        meter.tick(n)?;
    }
    unchanged_since(file, before, at)?;
    Ok(hasher.finalize())
}
