//! How the bytes of a file reach the hasher. Every read of file contents in the
//! library goes through [`Reader`], so the I/O strategy is decided here alone.
//!
//! Today a file is read through one reused buffer per worker thread. A file
//! whose size differs from the size it had when opened (truncated or extended
//! while it was read) is reported as changed, never as hashed.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::digest::{Algorithm, Digest};
use crate::hasher::Hasher;
use crate::root::{open_regular, FileKind, OpenError, OpenFile};

/// Why [`hash_file`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HashFileError {
    /// The file could not be opened or read.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The path is a directory, FIFO, device or socket.
    #[error("not a regular file ({0})")]
    NotRegular(FileKind),
    /// The file's size changed while it was read.
    #[error("file changed while it was read")]
    Changed,
}

/// The digest of the regular file at `path`, read the same way verification reads.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("hello.txt");
/// std::fs::write(&path, "hello\n").unwrap();
/// let digest = checksig::hash_file(checksig::Algorithm::Sha1, &path).unwrap();
/// assert_eq!(digest.to_hex(), "f572d396fae9206628714fb2ce00f72e94f2258f");
/// ```
pub fn hash_file(algorithm: Algorithm, path: impl AsRef<Path>) -> Result<Digest, HashFileError> {
    let mut open = open_regular(path.as_ref()).map_err(|e| match e {
        OpenError::Missing => HashFileError::Io(rustix::io::Errno::NOENT.into()),
        OpenError::NotRegular(kind) => HashFileError::NotRegular(kind),
        OpenError::Io(e) => HashFileError::Io(e),
        // No root confines hash_file, so this cannot happen; still no panic.
        OpenError::OutsideRoot => HashFileError::Io(rustix::io::Errno::XDEV.into()),
    })?;
    Reader::new(algorithm).hash(&mut open).map_err(|e| match e {
        ReadError::Io(e) => HashFileError::Io(e),
        ReadError::Changed => HashFileError::Changed,
    })
}

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
