//! What every strategy of the engine shares, and nothing else: the error of
//! a read, the [`Meter`] it reports to, the one read loop, the one identity
//! check after reading, the one pool of aligned buffers, and the [`Step`] a
//! strategy hands back to the planner ([`super::plan`]).

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use crate::digest::Digest;
use crate::fs::root::Identity;
use crate::hasher::Hasher;

/// Why a file's contents could not be hashed.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The OS refused a read.
    Io(io::Error),
    /// The file's size changed while it was read.
    Changed,
}

/// What a strategy hands back to the planner: a hand-off is a value, never
/// a call into another strategy.
pub(crate) enum Step {
    /// The file's outcome.
    Done(Result<Digest, ReadError>),
    /// Nothing was read: the strategy cannot take this file (a map that
    /// cannot be made or guarded). The planner falls back.
    Declined,
    /// The bytes before `offset` are in `hasher`; the rest is for the
    /// planner's next strategy (a map whose fresh pages proved costly, or
    /// direct reads the file system refused).
    Continue { hasher: Box<Hasher>, offset: u64 },
}

/// Where a reader reports while it hashes: the bytes hashed, piece by piece,
/// and whether to stop. Per piece rather than per file, so that progress
/// moves and a cancellation takes effect within one large file.
#[derive(Clone, Copy, Default)]
pub(crate) struct Meter<'a> {
    bytes: Option<&'a AtomicU64>,
    cancel: Option<&'a AtomicBool>,
}

impl<'a> Meter<'a> {
    /// Reports nothing, never stops.
    pub const NONE: Meter<'static> = Meter {
        bytes: None,
        cancel: None,
    };

    pub fn new(bytes: Option<&'a AtomicU64>, cancel: &'a AtomicBool) -> Meter<'a> {
        Meter {
            bytes,
            cancel: Some(cancel),
        }
    }

    /// Counts `n` more bytes hashed; an error once the run is cancelled.
    pub fn tick(&self, n: usize) -> Result<(), ReadError> {
        if let Some(bytes) = self.bytes {
            bytes.fetch_add(n as u64, Ordering::Relaxed);
        }
        match self.cancel {
            Some(cancel) if cancel.load(Ordering::Relaxed) => Err(cancelled()),
            _ => Ok(()),
        }
    }
}

/// The error of a read stopped because the run was cancelled.
pub(crate) fn cancelled() -> ReadError {
    ReadError::Io(io::Error::new(
        io::ErrorKind::Interrupted,
        "verification cancelled",
    ))
}

/// `Ok` if `file`, of which `read` bytes were read to its end, is the file
/// it was `before` (when opened): all of it read, and the same identity now
/// (size, modification and status-change times; one `fstat`). The one check
/// after reading, made by every strategy on every file, whatever its digest:
/// even one `read` is not atomic, and a file truncated and rewritten while
/// it is copied can yield bytes it never held.
pub(crate) fn unchanged_since(file: &File, before: Identity, read: u64) -> Result<(), ReadError> {
    let after = Identity::of(file).map_err(ReadError::Io)?;
    if read != before.len || after != before {
        return Err(ReadError::Changed);
    }
    Ok(())
}

/// The one read loop: reads `file` from `offset` into `buffer` until
/// `enough(filled)`, the buffer is full, or the end of the file, retrying a
/// read interrupted by a signal; the number of bytes read. `pread`, so no
/// strategy depends on the file's position.
pub(crate) fn read_until(
    file: &File,
    offset: u64,
    buffer: &mut [u8],
    enough: impl Fn(usize) -> bool,
) -> io::Result<usize> {
    let mut filled = 0;
    while !enough(filled) && filled < buffer.len() {
        match file.read_at(&mut buffer[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The `len` bytes of a file that was `len` bytes long when opened
/// (`before`), in one `read` of `len` plus a spare byte: a short read is the
/// end of file (GNU `sha1sum` needs a second `read` to see the end).
/// [`ReadError::Changed`] if it holds fewer bytes, or the spare byte filled.
/// `buffer` must hold `len + 1` bytes.
pub(crate) fn read_whole<'b>(
    file: &File,
    before: Identity,
    buffer: &'b mut [u8],
    len: usize,
) -> Result<&'b [u8], ReadError> {
    let wanted = &mut buffer[..len + 1];
    // At least one read, even of an empty file: the spare byte sees growth.
    let filled =
        read_until(file, 0, wanted, |filled| filled >= len.max(1)).map_err(ReadError::Io)?;
    if filled != len || before.len != len as u64 {
        return Err(ReadError::Changed);
    }
    Ok(&wanted[..len])
}

/// Tells the kernel `file` will be read from start to end.
pub(crate) fn advise_sequential(file: &File) {
    // Only advice: a failure costs speed, never correctness.
    let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::Sequential);
}

/// The size of a page, as the system says.
pub(crate) fn page_size() -> Option<usize> {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(page).ok().filter(|&page| page > 0)
}

/// Read size of buffered reads: large enough that per-call overhead
/// vanishes, small enough to stay in the L2 cache while it is hashed.
pub(crate) const BUFFER_LEN: usize = 256 * 1024;

/// Where an [`AlignedBuffer`] starts: the page cache copies into it a page
/// at a time, and on AMD Zen the kernel's `rep movsb` copy runs at a fraction
/// of its speed when source and destination are not equally aligned (malloc
/// puts a large buffer 16 bytes past a page boundary). The same alignment is
/// what `O_DIRECT` asks of buffers on common devices.
pub(crate) const BUFFER_ALIGN: usize = 4096;

/// A buffer of a fixed length starting on a [`BUFFER_ALIGN`] boundary.
pub(crate) struct AlignedBuffer {
    bytes: Vec<u8>,
    start: usize,
    len: usize,
}

impl AlignedBuffer {
    fn new(len: usize) -> AlignedBuffer {
        let bytes = vec![0; len + BUFFER_ALIGN];
        let start = bytes.as_ptr().align_offset(BUFFER_ALIGN).min(BUFFER_ALIGN);
        AlignedBuffer { bytes, start, len }
    }

    pub fn get(&self) -> &[u8] {
        &self.bytes[self.start..self.start + self.len]
    }

    pub fn get_mut(&mut self) -> &mut [u8] {
        &mut self.bytes[self.start..self.start + self.len]
    }
}

/// Aligned buffers of one length kept between files, so that a program
/// verifying again and again (the C ABI called in a loop) does not map and
/// fault in fresh pages every time (2.5-3.6 µs a page here). Only
/// `try_lock` is used: a lock held by a thread that vanished in a `fork`
/// makes the child allocate, never wait.
pub(crate) struct BufferPool {
    spare: Mutex<Vec<AlignedBuffer>>,
    len: usize,
    keep: usize,
}

impl BufferPool {
    /// A pool of buffers of `len` bytes that keeps at most `keep` of them.
    pub const fn new(len: usize, keep: usize) -> BufferPool {
        BufferPool {
            spare: Mutex::new(Vec::new()),
            len,
            keep,
        }
    }

    /// A kept buffer, or a new one.
    pub fn take(&self) -> AlignedBuffer {
        self.spare
            .try_lock()
            .ok()
            .and_then(|mut spare| spare.pop())
            .unwrap_or_else(|| AlignedBuffer::new(self.len))
    }

    /// Keeps `buffer` for the next taker, if there is room.
    pub fn give_back(&self, buffer: AlignedBuffer) {
        debug_assert_eq!(buffer.len, self.len);
        if let Ok(mut spare) = self.spare.try_lock() {
            if spare.len() < self.keep {
                spare.push(buffer);
            }
        }
    }
}

/// The read buffers of buffered and paired reads: at most 8 kept (2 MiB).
pub(crate) static READ_BUFFERS: BufferPool = BufferPool::new(BUFFER_LEN, 8);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_aligned_and_of_their_length() {
        let pool = BufferPool::new(3 * BUFFER_ALIGN + 5, 1);
        let mut buffer = pool.take();
        assert_eq!(buffer.get_mut().len(), 3 * BUFFER_ALIGN + 5);
        assert_eq!(buffer.get().as_ptr() as usize % BUFFER_ALIGN, 0);
        pool.give_back(buffer);
        assert_eq!(pool.spare.lock().unwrap().len(), 1);
        pool.give_back(pool.take());
        pool.give_back(AlignedBuffer::new(3 * BUFFER_ALIGN + 5));
        assert_eq!(pool.spare.lock().unwrap().len(), 1, "no more than kept");
    }

    #[test]
    fn the_read_loop_stops_when_enough_or_at_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let file = File::open(&path).unwrap();
        let mut buffer = [0u8; 16];
        assert_eq!(read_until(&file, 0, &mut buffer, |_| false).unwrap(), 10);
        assert_eq!(read_until(&file, 4, &mut buffer, |_| false).unwrap(), 6);
        assert_eq!(&buffer[..6], b"456789");
        assert_eq!(
            read_until(&file, 0, &mut buffer[..3], |_| false).unwrap(),
            3
        );
        assert_eq!(read_until(&file, 0, &mut buffer, |n| n > 0).unwrap(), 10);
        assert_eq!(read_until(&file, 20, &mut buffer, |_| false).unwrap(), 0);
    }
}
