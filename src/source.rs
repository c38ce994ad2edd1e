//! How the bytes of a file reach the hasher. Every read of file contents in the
//! library goes through [`Reader`], so the I/O strategy is decided here alone.
//!
//! Today a file is read through one reused buffer per worker thread. A file
//! whose size differs from the size it had when opened (truncated or extended
//! while it was read) is reported as changed, never as hashed.

use std::fs::File;
use std::io::{self, Read};

use crate::digest::{Algorithm, Digest};
use crate::hasher::Hasher;
use crate::root::OpenFile;

/// Read size: large enough that per-call overhead vanishes, small enough to
/// stay in the L2 cache while it is hashed.
const BUFFER_LEN: usize = 256 * 1024;

/// Why a file's contents could not be hashed.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The OS refused a read.
    Io(io::Error),
    /// The file's size changed while it was read.
    Changed,
}

/// Hashes files, reusing its buffer across them. One per worker thread.
pub(crate) struct Reader {
    algorithm: Algorithm,
    buffer: Vec<u8>,
}

impl Reader {
    pub fn new(algorithm: Algorithm) -> Reader {
        Reader {
            algorithm,
            buffer: Vec::new(),
        }
    }

    /// Hashes all of `open.file`, which must still be `open.len` bytes long.
    pub fn hash(&mut self, open: &mut OpenFile) -> Result<Digest, ReadError> {
        if self.buffer.is_empty() {
            self.buffer = vec![0; BUFFER_LEN];
        }
        let mut hasher = Hasher::new(self.algorithm);
        let read = read_into(&mut open.file, &mut self.buffer, &mut hasher)?;
        if read != open.len {
            return Err(ReadError::Changed);
        }
        Ok(hasher.finalize())
    }
}

/// Feeds `file` to `hasher` until end of file; the number of bytes read.
fn read_into(file: &mut File, buffer: &mut [u8], hasher: &mut Hasher) -> Result<u64, ReadError> {
    let mut total = 0u64;
    loop {
        match file.read(buffer) {
            Ok(0) => return Ok(total),
            Ok(n) => {
                hasher.update(&buffer[..n]);
                total += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
}
