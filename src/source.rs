//! How the bytes of a file reach the hasher. Every read of file contents in the
//! library goes through [`Reader`], so the I/O strategy is decided here alone:
//!
//! * A file of at least [`MMAP_THRESHOLD`] (16 MiB) is hashed from a memory map
//!   ([`crate::mapped`]): no copy out of the page cache, one `madvise` per
//!   4 MiB window instead of page faults, and for large files a second thread
//!   populating windows ahead, so a cold file's disk I/O overlaps hashing. A
//!   file truncated under the map is caught ([`crate::sigbus`]) and reported
//!   as changed. Below the threshold the system calls of a map cost more than
//!   the copy they save (measured: see [`MMAP_THRESHOLD`]).
//! * A file of at least [`DIRECT_MIN`] (64 MiB) that is mostly not in the
//!   page cache (one `cachestat(2)`) may be read with `O_DIRECT`, by two
//!   reader threads a few 2 MiB buffers ahead of the hashing thread
//!   ([`crate::direct`]): on a virtual machine whose host reclaims freed
//!   guest memory, first touching the fresh page-cache pages of a cold read
//!   can cost more CPU than hashing them. With mapping on, such a file is
//!   mapped all the same and handed to direct reads only once its pages
//!   prove costly ([`crate::mapped`] times them); with mapping off, it is
//!   read directly from the start. (BLAKE3 hashed on several threads keeps
//!   the map, which feeds them faster than one disk.)
//! * A smaller file (or any file when mapping is off or impossible) is read
//!   into one reused buffer per worker. A file that fits is read with a single
//!   `read` of its size plus one byte: a short read is the end of file (GNU
//!   `sha1sum` needs a second `read` to see the end). A larger one is read in
//!   256 KiB pieces.
//! * With SHA-1 on a CPU with SHA-NI, two files read the same way (both
//!   whole, or both in pieces, each by its own reader) are hashed together,
//!   their rounds interleaved ([`Reader::verify_pair`]): one core then hashes
//!   about one and a half times as fast. Mapped files are not paired: from a
//!   map one file goes about as fast as two read side by side.
//!
//! Read-ahead is left to the kernel's own sequential read-ahead (made
//! larger by `POSIX_FADV_SEQUENTIAL` / `MADV_SEQUENTIAL`). Forcing it with
//! `WILLNEED` was tried and removed: on Linux that path fills the page cache
//! with single pages where the sequential path uses large folios, and every
//! later map of those pages then costs a page-table entry per 4 KiB (1 GiB
//! mapped in 0.22 s of system time instead of 0.01 s, for every later run).
//!
//! A file whose size differs from the size it had when opened (truncated or
//! extended while it was read), or whose modification or status-change time
//! moved while it was read (`fstat` before and after), is reported as
//! changed, never as hashed. (One exception, where no check is needed: a
//! small file read in one `read` that matches the digest it is verified
//! against; see [`Reader::hash_whole`].)

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::Path;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use crate::digest::{Algorithm, Digest};
use crate::direct::{hash_direct, is_cold, DIRECT_MIN};
use crate::hasher::sha1_pair::{update_pair, Lane};
use crate::hasher::Hasher;
use crate::mapped::{hash_mapped_or_hand_off, HashPlan};
use crate::root::{open_regular, FileKind, Identity, OpenError, OpenFile};

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
    hash_file_on(algorithm, path.as_ref(), 1, Meter::NONE)
}

/// [`hash_file`], letting a mapped file use up to `threads` threads where the
/// algorithm can ([`Algorithm::hashes_in_parallel`]), and reporting to
/// `meter` piece by piece: a cancelled meter stops it within one piece, with
/// an error ([`io::ErrorKind::Interrupted`]), never a digest.
pub(crate) fn hash_file_on(
    algorithm: Algorithm,
    path: &Path,
    threads: usize,
    meter: Meter,
) -> Result<Digest, HashFileError> {
    let mut open = open_regular(path).map_err(|e| match e {
        OpenError::Missing => HashFileError::Io(rustix::io::Errno::NOENT.into()),
        OpenError::NotRegular(kind) => HashFileError::NotRegular(kind),
        OpenError::Io(e) => HashFileError::Io(e),
        // No root confines hash_file, so this cannot happen; still no panic.
        OpenError::OutsideRoot => HashFileError::Io(rustix::io::Errno::XDEV.into()),
    })?;
    let mut reader = Reader::new(algorithm).threads_per_file(threads);
    reader.hash_metered(&mut open, meter).map_err(|e| match e {
        ReadError::Io(e) => HashFileError::Io(e),
        ReadError::Changed => HashFileError::Changed,
    })
}

/// Files at least this large are memory-mapped (when mapping is enabled).
///
/// Measured on whole directories larger than the CPU caches, as a verifier
/// meets them (256 MiB of files of one size in the page cache, two threads,
/// 2026-11-24): with the read buffer page-aligned (see [`BUFFER_ALIGN`]),
/// reading and mapping take the same time from 256 KiB to 64 MiB (0.09-0.12 s
/// either way), and for small files the system calls of a map cost more than
/// the copy (one thread, 4 KiB files: 0.51 s of CPU mapped, 0.29 s read);
/// with several threads every `munmap` also interrupts the other cores to
/// flush their TLBs. A large file is where a map wins: one 1 GiB file takes
/// 0.67 s mapped against 0.79 s read, since the page-table work then runs on
/// the prefetch thread ([`crate::mapped`]) while the copy of a read would
/// run on the hashing thread.
pub(crate) const MMAP_THRESHOLD: u64 = 16 * 1024 * 1024;

/// Whether a file of `len` bytes is mapped when mapping is on (`mmap`): the
/// one place that decides it ([`MMAP_THRESHOLD`] says why).
pub(crate) fn is_mapped(mmap: bool, len: u64) -> bool {
    mmap && len >= MMAP_THRESHOLD
}

/// How a [`Reader`] gets a file's bytes ([`Reader::access`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// In one `read` of this many bytes, plus a spare byte.
    Whole(usize),
    /// In buffer-sized pieces.
    Pieces,
    /// From a memory map, or in pieces where it cannot be mapped.
    Mapped,
}

/// Read size: large enough that per-call overhead vanishes, small enough to
/// stay in the L2 cache while it is hashed.
const BUFFER_LEN: usize = 256 * 1024;

/// The threads each of `workers` workers may hash one file on, out of a
/// budget of `threads`: the spare ones shared out, never more in all.
pub(crate) fn threads_per_file(threads: usize, workers: usize) -> usize {
    (threads / workers.max(1)).max(1)
}

/// Why a file's contents could not be hashed.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The OS refused a read.
    Io(io::Error),
    /// The file's size changed while it was read.
    Changed,
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
fn cancelled() -> ReadError {
    ReadError::Io(io::Error::new(
        io::ErrorKind::Interrupted,
        "verification cancelled",
    ))
}

/// Hashes files, reusing its buffer across them. One per worker thread.
pub(crate) struct Reader {
    algorithm: Algorithm,
    mmap: bool,
    /// Threads one mapped file may be hashed on (see [`HashPlan`]).
    threads_per_file: usize,
    /// Whether large cold files are read with `O_DIRECT` ([`crate::direct`]).
    direct_io: bool,
    buffer: Vec<u8>,
}

/// Buffers of finished readers, so that a program verifying again and again
/// (the C ABI called in a loop) does not map and fault in fresh pages every
/// time. Only `try_lock` is used: a lock held by a thread that vanished in a
/// `fork` makes the child allocate, never wait.
static SPARE_BUFFERS: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// At most this many spare buffers are kept (2 MiB in all).
const SPARE_LIMIT: usize = 8;

fn take_buffer() -> Vec<u8> {
    SPARE_BUFFERS
        .try_lock()
        .ok()
        .and_then(|mut spare| spare.pop())
        .unwrap_or_else(|| vec![0; BUFFER_LEN + BUFFER_ALIGN])
}

/// Keeps `buffer` for the next reader, if there is room.
fn give_back_buffer(buffer: Vec<u8>) {
    if let Ok(mut spare) = SPARE_BUFFERS.try_lock() {
        if spare.len() < SPARE_LIMIT {
            spare.push(buffer);
        }
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        if !self.buffer.is_empty() {
            give_back_buffer(std::mem::take(&mut self.buffer));
        }
    }
}

impl Reader {
    /// A reader that maps large files.
    pub fn new(algorithm: Algorithm) -> Reader {
        Reader::with_mmap(algorithm, true)
    }

    /// A reader that maps large files only if `mmap` is true.
    pub fn with_mmap(algorithm: Algorithm, mmap: bool) -> Reader {
        Reader {
            algorithm,
            mmap,
            threads_per_file: 1,
            direct_io: true,
            buffer: Vec::new(),
        }
    }

    /// Lets large files that are not in the page cache be read with
    /// `O_DIRECT` (`true` by default); `false` leaves them to the map or the
    /// reads chosen by size.
    pub fn direct_io(mut self, yes: bool) -> Reader {
        self.direct_io = yes;
        self
    }

    /// Lets a mapped file be hashed on up to `threads` threads, when the
    /// algorithm can (BLAKE3); 1 by default. See [`threads_per_file`].
    pub fn threads_per_file(mut self, threads: usize) -> Reader {
        self.threads_per_file = threads.max(1);
        self
    }

    fn plan(&self) -> HashPlan {
        HashPlan {
            algorithm: self.algorithm,
            threads: self.threads_per_file,
        }
    }

    /// Hashes all of `open.file`, which must still be `open.len` bytes long.
    #[cfg(test)]
    pub fn hash(&mut self, open: &mut OpenFile) -> Result<Digest, ReadError> {
        self.hash_metered(open, Meter::NONE)
    }

    /// [`Reader::hash`], reporting to `meter` as it goes.
    pub fn hash_metered(&mut self, open: &mut OpenFile, meter: Meter) -> Result<Digest, ReadError> {
        self.hash_expecting(open, None, meter)
    }

    /// [`Reader::hash_metered`] for a check against `expected`. The one
    /// difference: a file read whole in one `read` whose digest is `expected`
    /// is not `fstat`ed again afterwards (see [`Reader::hash_whole`]).
    pub fn verify_metered(
        &mut self,
        open: &mut OpenFile,
        expected: &Digest,
        meter: Meter,
    ) -> Result<Digest, ReadError> {
        self.hash_expecting(open, Some(expected), meter)
    }

    /// How this reader gets the bytes of a file of `len` bytes.
    fn access(&self, len: u64) -> Access {
        if is_mapped(self.mmap, len) {
            return Access::Mapped;
        }
        match usize::try_from(len) {
            Ok(len) if len < BUFFER_LEN => Access::Whole(len),
            _ => Access::Pieces,
        }
    }

    fn hash_expecting(
        &mut self,
        open: &mut OpenFile,
        expected: Option<&Digest>,
        meter: Meter,
    ) -> Result<Digest, ReadError> {
        match self.access(open.len) {
            Access::Whole(len) => {
                let digest = self.hash_whole(open, len, expected)?;
                meter.tick(len)?;
                Ok(digest)
            }
            Access::Mapped => {
                // A cold file is mapped all the same, unless first touching
                // its fresh pages proves costly: then direct reads go on.
                let may_hand_off = self.reads_direct(open);
                let (file, identity) = (&open.file, open.identity);
                match hash_mapped_or_hand_off(file, identity, self.plan(), meter, may_hand_off) {
                    Some(result) => result,
                    None => self.hash_streamed(open, meter),
                }
            }
            Access::Pieces if self.reads_direct(open) => {
                match hash_direct(&open.file, open.identity, self.algorithm, meter) {
                    Some(result) => result,
                    None => self.hash_streamed(open, meter),
                }
            }
            Access::Pieces => self.hash_streamed(open, meter),
        }
    }

    /// Whether `open` may be read with `O_DIRECT` ([`crate::direct`]): a
    /// large file mostly not in the page cache, hashed on one thread.
    fn reads_direct(&self, open: &OpenFile) -> bool {
        self.direct_io
            && open.len >= DIRECT_MIN
            && !self.plan().parallel()
            && is_cold(&open.file, open.len)
    }

    /// A file that fits in the buffer with a byte to spare: usually one `read`.
    ///
    /// Even one `read` is not atomic: a truncation racing it zeroes part of a
    /// page being copied, and a writer may restore the size before the read
    /// returns (the stress test below does hit this). So the file's identity
    /// is compared before and after, as for larger files, with one exception:
    /// when the digest is the `expected` one. The bytes read were then the
    /// expected bytes, at the expected length (the spare byte saw the end of
    /// file), so no change during the read can have made a wrong file pass,
    /// and a change after it is beyond any check. That skips one of the five
    /// system calls a small matching file costs; a torn read still shows as a
    /// mismatch, and is then told apart as a change.
    fn hash_whole(
        &mut self,
        open: &mut OpenFile,
        len: usize,
        expected: Option<&Digest>,
    ) -> Result<Digest, ReadError> {
        let algorithm = self.algorithm;
        let bytes = self.read_whole(open, len)?;
        let mut hasher = Hasher::new(algorithm);
        hasher.update(bytes);
        conclude(open, hasher.finalize(), expected)
    }

    /// The bytes of a file of `len` bytes that fits in the buffer with a
    /// byte to spare, after checking that `len` is all it holds.
    fn read_whole(&mut self, open: &mut OpenFile, len: usize) -> Result<&[u8], ReadError> {
        let before = open.identity;
        let wanted = &mut self.buffer()[..len + 1];
        let mut filled = 0;
        loop {
            match open.file.read(&mut wanted[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ReadError::Io(e)),
            }
            if filled >= len {
                break;
            }
        }
        // Fewer bytes: truncated. The spare byte filled: it grew.
        if filled != len || before.len != len as u64 {
            return Err(ReadError::Changed);
        }
        Ok(&wanted[..len])
    }

    /// Verifies two SHA-1 files at once, each read by its own reader, when
    /// the CPU hashes pairs faster ([`crate::hasher::sha1_pair`]):
    /// [`Reader::verify_metered`] for each, in less time. Two files read
    /// whole in one `read` each are hashed together; so are two larger
    /// files read in pieces, side by side. `None`, having read nothing, when
    /// the two are not read the same way, or either is mapped or read
    /// directly ([`crate::direct`]).
    pub fn verify_pair(
        (reader_a, open_a, expected_a): (&mut Reader, &mut OpenFile, &Digest),
        (reader_b, open_b, expected_b): (&mut Reader, &mut OpenFile, &Digest),
        meter: Meter,
    ) -> Option<(Result<Digest, ReadError>, Result<Digest, ReadError>)> {
        let sha1 = |reader: &Reader| reader.algorithm == Algorithm::Sha1;
        if !(sha1(reader_a) && sha1(reader_b) && crate::hasher::hashes_pairs_faster()) {
            return None;
        }
        let (len_a, len_b) = match (reader_a.access(open_a.len), reader_b.access(open_b.len)) {
            // A cold large file is read directly, alone.
            (Access::Pieces, Access::Pieces)
                if reader_a.reads_direct(open_a) || reader_b.reads_direct(open_b) =>
            {
                return None
            }
            (Access::Pieces, Access::Pieces) => {
                return Some(hash_streamed_pair(
                    Side::new(open_a, reader_a.buffer()),
                    Side::new(open_b, reader_b.buffer()),
                    meter,
                ))
            }
            (Access::Whole(a), Access::Whole(b)) if a.min(b) >= PAIR_MIN_LEN => (a, b),
            _ => return None,
        };
        let (bytes_a, bytes_b) = match (
            reader_a.read_whole(open_a, len_a),
            reader_b.read_whole(open_b, len_b),
        ) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => {
                // One could not be read: each gets its own outcome, the
                // other hashed on its own.
                let single = |bytes: &[u8], open: &OpenFile, expected| {
                    conclude(
                        open,
                        crate::hasher::hash_bytes(Algorithm::Sha1, bytes),
                        Some(expected),
                    )
                };
                let a = a.and_then(|bytes| single(bytes, open_a, expected_a));
                let b = b.and_then(|bytes| single(bytes, open_b, expected_b));
                return Some((tick(a, len_a, meter), tick(b, len_b, meter)));
            }
        };
        let (digest_a, digest_b) = crate::hasher::sha1_pair(bytes_a, bytes_b);
        Some((
            tick(conclude(open_a, digest_a, Some(expected_a)), len_a, meter),
            tick(conclude(open_b, digest_b, Some(expected_b)), len_b, meter),
        ))
    }

    /// The page-aligned read buffer, taken from the pool on first use (a
    /// reader that only maps files never takes one).
    fn buffer(&mut self) -> &mut [u8] {
        if self.buffer.is_empty() {
            self.buffer = take_buffer();
        }
        aligned(&mut self.buffer)
    }

    /// A file read in pieces: a writer can change it between two reads and
    /// restore its size, so its identity is compared before and after (two
    /// `fstat`s, nothing next to the reads of a 256 KiB file or more).
    fn hash_streamed(&mut self, open: &mut OpenFile, meter: Meter) -> Result<Digest, ReadError> {
        advise_sequential(open);
        let mut hasher = Hasher::new(self.algorithm);
        let read = read_into(&mut open.file, self.buffer(), &mut hasher, meter)?;
        unchanged_after_reading(open, read)?;
        Ok(hasher.finalize())
    }
}

/// Tells the kernel `open` will be read from start to end.
fn advise_sequential(open: &OpenFile) {
    // Only advice: a failure costs speed, never correctness.
    let _ = rustix::fs::fadvise(&open.file, 0, None, rustix::fs::Advice::Sequential);
}

/// `Ok` if `open`, of which `read` bytes were read to its end, is the file
/// it was when opened: same size, all of it read, same identity now.
fn unchanged_after_reading(open: &OpenFile, read: u64) -> Result<(), ReadError> {
    if open.identity.len != open.len {
        return Err(ReadError::Changed);
    }
    unchanged_since(&open.file, open.identity, read)
}

/// `Ok` if `file`, of which `read` bytes were read to its end, is the file
/// it was `before`: all of it read, same identity now.
pub(crate) fn unchanged_since(file: &File, before: Identity, read: u64) -> Result<(), ReadError> {
    let after = Identity::of(file).map_err(ReadError::Io)?;
    if read != before.len || after != before {
        return Err(ReadError::Changed);
    }
    Ok(())
}

/// Feeds `file` from `offset` to its end into `hasher`, which holds the
/// bytes before it, through the page cache on this thread: the digest of
/// the file, unless it changed since `before`. For the rest of a file whose
/// start a map hashed, when direct reads cannot take over.
pub(crate) fn hash_rest(
    file: &File,
    before: Identity,
    mut hasher: Hasher,
    offset: u64,
    meter: Meter,
) -> Result<Digest, ReadError> {
    let mut file_at = file;
    file_at
        .seek(io::SeekFrom::Start(offset))
        .map_err(ReadError::Io)?;
    let mut buffer = take_buffer();
    let read = read_into(&mut file_at, aligned(&mut buffer), &mut hasher, meter);
    give_back_buffer(buffer);
    unchanged_since(file, before, offset + read?)?;
    Ok(hasher.finalize())
}

/// Two files read in pieces side by side, each into its own buffer: the
/// whole blocks both pieces hold are hashed together, the rest of the
/// longer piece alone; a file that ends first is concluded, and the other
/// goes on alone. Each file is checked for changes as
/// [`Reader::hash_streamed`] checks one.
fn hash_streamed_pair<'a>(
    mut a: Side<'a>,
    mut b: Side<'a>,
    meter: Meter,
) -> (Result<Digest, ReadError>, Result<Digest, ReadError>) {
    advise_sequential(a.open);
    advise_sequential(b.open);
    while a.outcome.is_none() || b.outcome.is_none() {
        a.fill();
        b.fill();
        let together = match (&a.outcome, &b.outcome) {
            (None, None) => a.filled.min(b.filled) / 64 * 64,
            _ => 0,
        };
        update_pair(
            &mut a.lane,
            &a.buffer[..together],
            &mut b.lane,
            &b.buffer[..together],
        );
        a.hash_rest(together);
        b.hash_rest(together);
        if meter.tick(a.filled + b.filled).is_err() {
            a.stop();
            b.stop();
        }
    }
    (a.into_outcome(), b.into_outcome())
}

/// One file of [`hash_streamed_pair`]: its buffer, its SHA-1 lane, and its
/// outcome once it has one.
struct Side<'a> {
    open: &'a mut OpenFile,
    buffer: &'a mut [u8],
    lane: Lane,
    /// Bytes read so far, and of them in the buffer now.
    read: u64,
    filled: usize,
    outcome: Option<Result<Digest, ReadError>>,
}

impl<'a> Side<'a> {
    fn new(open: &'a mut OpenFile, buffer: &'a mut [u8]) -> Side<'a> {
        Side {
            open,
            buffer,
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
        while self.outcome.is_none() && self.filled < self.buffer.len() {
            match self.open.file.read(&mut self.buffer[self.filled..]) {
                Ok(0) => break,
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.filled = 0;
                    self.outcome = Some(Err(ReadError::Io(e)));
                }
            }
        }
        self.read += self.filled as u64;
    }

    /// Hashes the piece from `from` on, whole blocks since a full buffer
    /// is whole blocks, and concludes at the end of the file.
    fn hash_rest(&mut self, from: usize) {
        if self.outcome.is_some() {
            return;
        }
        let rest = &self.buffer[from..self.filled];
        if self.filled == self.buffer.len() {
            self.lane.update_blocks(rest);
            return;
        }
        let digest = crate::hasher::sha1_digest(self.lane.clone().finish(rest));
        self.outcome = Some(unchanged_after_reading(self.open, self.read).map(|()| digest));
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

/// A whole file's `digest`, unless it differs from `expected` (or nothing is
/// expected) and the file's identity moved since it was opened: see
/// [`Reader::hash_whole`].
fn conclude(
    open: &OpenFile,
    digest: Digest,
    expected: Option<&Digest>,
) -> Result<Digest, ReadError> {
    if expected != Some(&digest)
        && Identity::of(&open.file).map_err(ReadError::Io)? != open.identity
    {
        return Err(ReadError::Changed);
    }
    Ok(digest)
}

/// Counts a whole file of `len` bytes as hashed once it is, and turns its
/// outcome into the run's cancellation if the run was cancelled meanwhile.
fn tick(outcome: Result<Digest, ReadError>, len: usize, meter: Meter) -> Result<Digest, ReadError> {
    let digest = outcome?;
    meter.tick(len)?;
    Ok(digest)
}

/// Files shorter than this are not hashed in pairs: their few blocks gain
/// less from interleaving than the pair's bookkeeping costs (100,000 files
/// of 16-800 bytes were 5% slower paired).
const PAIR_MIN_LEN: usize = 1024;

/// Where [`aligned`] starts the buffer: the page cache copies into it a page
/// at a time, and on AMD Zen the kernel's `rep movsb` copy runs at a fraction
/// of its speed when source and destination are not equally aligned (malloc
/// puts a large buffer 16 bytes past a page boundary).
const BUFFER_ALIGN: usize = 4096;

/// The [`BUFFER_LEN`] bytes of `buffer` that start on a page boundary.
fn aligned(buffer: &mut [u8]) -> &mut [u8] {
    // Every buffer comes from `take_buffer`, which makes room for the shift.
    debug_assert_eq!(buffer.len(), BUFFER_LEN + BUFFER_ALIGN);
    let start = buffer.as_ptr().align_offset(BUFFER_ALIGN).min(BUFFER_ALIGN);
    &mut buffer[start..start + BUFFER_LEN]
}

/// Feeds `file` to `hasher` until end of file; the number of bytes read.
fn read_into(
    file: &mut impl Read,
    buffer: &mut [u8],
    hasher: &mut Hasher,
    meter: Meter,
) -> Result<u64, ReadError> {
    let mut total = 0u64;
    loop {
        match file.read(buffer) {
            Ok(0) => return Ok(total),
            Ok(n) => {
                hasher.update(&buffer[..n]);
                total += n as u64;
                meter.tick(n)?;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::root::open_regular;
    use std::io::Write;
    use std::os::unix::fs::FileExt;
    use std::path::Path;
    use std::time::{Duration, Instant};

    /// A cancelled run stops within one piece of a large file (a buffer when
    /// read, a window when mapped), and progress counts pieces as they go.
    #[test]
    fn a_cancelled_meter_stops_after_one_piece() {
        let dir = tempfile::tempdir().unwrap();
        // Three windows when mapped, many buffers when read.
        let len = 3 * 4 * 1024 * 1024 + 4096;
        let path = dir.path().join("big");
        std::fs::write(&path, pattern(len)).unwrap();
        let cancel = AtomicBool::new(true);
        for mmap in [false, true] {
            let bytes = AtomicU64::new(0);
            let mut open = open_regular(&path).unwrap();
            let result = Reader::with_mmap(Algorithm::Sha1, mmap)
                .hash_metered(&mut open, Meter::new(Some(&bytes), &cancel));
            assert!(
                matches!(&result, Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::Interrupted),
                "mmap {mmap}: {result:?}"
            );
            let counted = bytes.load(Ordering::Relaxed) as usize;
            assert!(
                counted > 0 && counted <= 4 * 1024 * 1024,
                "mmap {mmap}: {counted}"
            );
        }
        let bytes = AtomicU64::new(0);
        let mut open = open_regular(&path).unwrap();
        let running = AtomicBool::new(false);
        Reader::new(Algorithm::Sha1)
            .hash_metered(&mut open, Meter::new(Some(&bytes), &running))
            .unwrap();
        assert_eq!(bytes.load(Ordering::Relaxed), len as u64);
    }

    /// Deterministic bytes that differ at every offset, so that a digest of
    /// anything but the real prefix cannot match.
    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    fn hash_path(reader: &mut Reader, path: &Path) -> Digest {
        let mut open = open_regular(path).unwrap();
        reader.hash(&mut open).unwrap()
    }

    #[test]
    fn spare_threads_are_shared_out_within_the_budget() {
        for (threads, workers, each) in [(4, 2, 2), (3, 2, 1), (2, 1, 2), (8, 3, 2), (1, 1, 1)] {
            assert_eq!(
                threads_per_file(threads, workers),
                each,
                "{threads} {workers}"
            );
        }
        for threads in 1..=16 {
            for workers in 1..=threads {
                assert!(workers * threads_per_file(threads, workers) <= threads);
            }
        }
    }

    /// With mapping off, a large file that is not in the page cache is read
    /// directly and stays out of the cache; with direct reads off, it is read
    /// through the cache. With mapping on, it is mapped (and hands off to
    /// direct reads only when its pages prove costly to touch:
    /// `mapped::tests::a_costly_map_hands_the_rest_to_direct_reads`), and so
    /// is it by BLAKE3 on two threads.
    #[test]
    fn a_large_cold_file_is_read_directly_and_left_uncached() {
        let _serial = crate::direct::tests::one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        let len = DIRECT_MIN as usize + 4097;
        let bytes = pattern(len);
        let path = dir.path().join("cold");
        std::fs::write(&path, &bytes).unwrap();
        let evict = || {
            let file = File::open(&path).unwrap();
            file.sync_all().unwrap();
            rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
        };
        let cold = || is_cold(&File::open(&path).unwrap(), len as u64);
        if !crate::direct::tests::cachestat_answers_for(&File::open(&path).unwrap()) {
            // Before Linux 6.5 no file counts as cold: nothing is read directly.
            return;
        }
        evict();
        assert!(cold());
        let digest = hash_path(&mut Reader::with_mmap(Algorithm::Sha1, false), &path);
        assert_eq!(digest, crate::reference::sha1(&bytes));
        assert!(cold(), "the direct read filled the page cache");
        let mut through_the_cache = Reader::with_mmap(Algorithm::Sha1, false).direct_io(false);
        assert_eq!(
            hash_path(&mut through_the_cache, &path),
            crate::reference::sha1(&bytes)
        );
        assert!(
            !cold(),
            "with direct reads off, the reads fill the page cache"
        );
        evict();
        let digest = hash_path(&mut Reader::with_mmap(Algorithm::Sha1, true), &path);
        assert_eq!(digest, crate::reference::sha1(&bytes));
        evict();
        let mut blake3 = Reader::new(Algorithm::Blake3).threads_per_file(2);
        assert_eq!(
            hash_path(&mut blake3, &path),
            crate::hash_bytes(Algorithm::Blake3, &bytes)
        );
        assert!(!cold(), "BLAKE3 on two threads hashes from the map");
        assert_eq!(
            hash_path(&mut Reader::new(Algorithm::Sha1), &path),
            crate::reference::sha1(&bytes)
        );
    }

    /// With mapping off, two large files are hashed as a pair through the
    /// page cache, unless one of them is cold: that one is read directly.
    #[test]
    fn a_cold_large_file_is_not_paired() {
        let _serial = crate::direct::tests::one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        let probe = File::open(dir.path()).unwrap();
        if !crate::direct::tests::cachestat_answers_for(&probe)
            || !crate::hasher::hashes_pairs_faster()
        {
            return;
        }
        let len = DIRECT_MIN as usize + 1;
        let bytes = pattern(len);
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, &bytes).unwrap();
        std::fs::write(&b, &bytes).unwrap();
        let file = File::open(&b).unwrap();
        file.sync_all().unwrap();
        rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
        let expected = crate::reference::sha1(&bytes);
        let (mut reader_a, mut reader_b) = (
            Reader::with_mmap(Algorithm::Sha1, false),
            Reader::with_mmap(Algorithm::Sha1, false),
        );
        let (mut open_a, mut open_b) = (open_regular(&a).unwrap(), open_regular(&b).unwrap());
        assert!(Reader::verify_pair(
            (&mut reader_a, &mut open_a, &expected),
            (&mut reader_b, &mut open_b, &expected),
            Meter::NONE,
        )
        .is_none());
        let digest = reader_b.verify_metered(&mut open_b, &expected, Meter::NONE);
        assert_eq!(digest.unwrap(), expected);
        assert!(is_cold(&file, len as u64), "b was read directly");
    }

    #[test]
    fn every_path_matches_the_reference() {
        let dir = tempfile::tempdir().unwrap();
        let sizes = [
            0,
            1,
            4096,
            BUFFER_LEN - 1,
            BUFFER_LEN,
            BUFFER_LEN + 1,
            MMAP_THRESHOLD as usize - 1,
            MMAP_THRESHOLD as usize,
            3 * 4 * 1024 * 1024 + 5,
        ];
        for mmap in [true, false] {
            let mut reader = Reader::with_mmap(Algorithm::Sha1, mmap);
            for len in sizes {
                let bytes = pattern(len);
                let path = dir.path().join(format!("f{len}"));
                std::fs::write(&path, &bytes).unwrap();
                let digest = hash_path(&mut reader, &path);
                assert_eq!(
                    digest,
                    crate::reference::sha1(&bytes),
                    "len {len} mmap {mmap}"
                );
            }
        }
    }

    #[test]
    fn a_file_that_grew_or_shrank_after_opening_is_changed() {
        let dir = tempfile::tempdir().unwrap();
        for len in [0, 100, BUFFER_LEN + 10, MMAP_THRESHOLD as usize + 10] {
            for mmap in [true, false] {
                let path = dir.path().join("f");
                std::fs::write(&path, pattern(len)).unwrap();
                let mut open = open_regular(&path).unwrap();
                let mut writer = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .unwrap();
                writer.write_all(b"more").unwrap();
                let result = Reader::with_mmap(Algorithm::Sha1, mmap).hash(&mut open);
                assert!(
                    matches!(result, Err(ReadError::Changed)),
                    "grew: {len} {mmap}"
                );

                let mut open = open_regular(&path).unwrap();
                writer.set_len(len as u64 / 2).unwrap();
                let result = Reader::with_mmap(Algorithm::Sha1, mmap).hash(&mut open);
                if len > 0 {
                    assert!(
                        matches!(result, Err(ReadError::Changed)),
                        "shrank: {len} {mmap}"
                    );
                }
            }
        }
    }

    /// A small file rewritten (same size) between opening and reading: when
    /// verified against its old digest it is reported as changed, not as a
    /// mismatch; against what it now holds, it matches without a second look.
    #[test]
    fn a_small_file_rewritten_after_opening_is_changed_unless_it_matches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let (old, new) = (pattern(100), vec![7u8; 100]);
        let (old_digest, new_digest) = (crate::reference::sha1(&old), crate::reference::sha1(&new));
        for (expected, outcome) in [(old_digest, Err(())), (new_digest, Ok(new_digest))] {
            std::fs::write(&path, &old).unwrap();
            let mut open = open_regular(&path).unwrap();
            std::fs::write(&path, &new).unwrap();
            // A time no clock granularity can hide.
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(std::time::SystemTime::UNIX_EPOCH)
                .unwrap();
            let result =
                Reader::new(Algorithm::Sha1).verify_metered(&mut open, &expected, Meter::NONE);
            match (result, outcome) {
                (Ok(digest), Ok(wanted)) => assert_eq!(digest, wanted),
                (Err(ReadError::Changed), Err(())) => {}
                (result, _) => panic!("expected {expected:?}: {result:?}"),
            }
        }
    }

    /// Two files verified together get the outcome each would get alone:
    /// a match, a mismatch, a change (rewritten or grown after opening).
    #[test]
    fn a_pair_gets_the_outcomes_of_its_files() {
        if !crate::hasher::hashes_pairs_faster() {
            return; // `verify_pair` declines; `check_pair` then checks one by one.
        }
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        };
        let (good, other) = (pattern(5000), pattern(1500));
        let good_digest = crate::reference::sha1(&good);
        let wrong_digest = crate::reference::sha1(b"something else");
        let mut readers = (Reader::new(Algorithm::Sha1), Reader::new(Algorithm::Sha1));
        let mut verify =
            |a: &Path, expected_a: &Digest, b: &Path, expected_b: &Digest, change: &dyn Fn()| {
                let (mut open_a, mut open_b) = (open_regular(a).unwrap(), open_regular(b).unwrap());
                change();
                Reader::verify_pair(
                    (&mut readers.0, &mut open_a, expected_a),
                    (&mut readers.1, &mut open_b, expected_b),
                    Meter::NONE,
                )
                .expect("two small SHA-1 files are verified together")
            };
        let a = write("a", &good);
        let b = write("b", &other);
        let (first, second) = verify(&a, &good_digest, &b, &wrong_digest, &|| {});
        assert_eq!(first.unwrap(), good_digest);
        assert_eq!(second.unwrap(), crate::reference::sha1(&other));

        let rewrite = || {
            std::fs::write(&b, vec![9u8; 1500]).unwrap();
            let file = std::fs::File::options().write(true).open(&b).unwrap();
            file.set_modified(std::time::SystemTime::UNIX_EPOCH)
                .unwrap();
        };
        let other_digest = crate::reference::sha1(&other);
        let (first, second) = verify(&a, &good_digest, &b, &other_digest, &rewrite);
        assert_eq!(first.unwrap(), good_digest);
        assert!(matches!(second, Err(ReadError::Changed)), "{second:?}");

        let grow = || {
            let mut file = std::fs::OpenOptions::new().append(true).open(&a).unwrap();
            file.write_all(b"more").unwrap();
        };
        let b_digest = crate::reference::sha1(&[9u8; 1500]);
        let (first, second) = verify(&a, &good_digest, &b, &b_digest, &grow);
        assert!(matches!(first, Err(ReadError::Changed)), "{first:?}");
        assert_eq!(second.unwrap(), b_digest);
    }

    /// Two files of a streamed pair, of lengths around the buffer's and
    /// far apart (one that would be mapped if mapping were on), each get
    /// their own digest, mismatch or change.
    #[test]
    fn a_streamed_pair_gets_the_outcomes_of_its_files() {
        if !crate::hasher::hashes_pairs_faster() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let lengths = [
            (BUFFER_LEN, BUFFER_LEN),
            (BUFFER_LEN + 1, 3 * BUFFER_LEN + 100),
            (2 * BUFFER_LEN, 2 * BUFFER_LEN - 64),
            (MMAP_THRESHOLD as usize + 4097, BUFFER_LEN + 7),
        ];
        let mut readers = (
            Reader::with_mmap(Algorithm::Sha1, false),
            Reader::with_mmap(Algorithm::Sha1, false),
        );
        for (len_a, len_b) in lengths {
            let (bytes_a, bytes_b) = (pattern(len_a), pattern(len_b + 1)[1..].to_vec());
            let (path_a, path_b) = (dir.path().join("a"), dir.path().join("b"));
            let mut verify = |change: &dyn Fn()| {
                std::fs::write(&path_a, &bytes_a).unwrap();
                std::fs::write(&path_b, &bytes_b).unwrap();
                let (mut open_a, mut open_b) = (
                    open_regular(&path_a).unwrap(),
                    open_regular(&path_b).unwrap(),
                );
                change();
                let wrong = crate::reference::sha1(b"not this");
                Reader::verify_pair(
                    (&mut readers.0, &mut open_a, &wrong),
                    (&mut readers.1, &mut open_b, &wrong),
                    Meter::NONE,
                )
                .expect("two large SHA-1 files are verified together")
            };
            let what = format!("lengths {len_a} and {len_b}");
            let (a, b) = verify(&|| {});
            assert_eq!(a.unwrap(), crate::reference::sha1(&bytes_a), "{what}");
            assert_eq!(b.unwrap(), crate::reference::sha1(&bytes_b), "{what}");

            let truncate_a = || {
                let file = std::fs::File::options().write(true).open(&path_a).unwrap();
                file.set_len(len_a as u64 - 1).unwrap();
            };
            let (a, b) = verify(&truncate_a);
            assert!(matches!(a, Err(ReadError::Changed)), "{what}: {a:?}");
            assert_eq!(b.unwrap(), crate::reference::sha1(&bytes_b), "{what}");

            let grow_b = || {
                let mut file = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path_b)
                    .unwrap();
                file.write_all(b"more").unwrap();
            };
            let (a, b) = verify(&grow_b);
            assert_eq!(a.unwrap(), crate::reference::sha1(&bytes_a), "{what}");
            assert!(matches!(b, Err(ReadError::Changed)), "{what}: {b:?}");
        }
    }

    /// A cancelled run stops a streamed pair after one piece of each file.
    #[test]
    fn a_cancelled_streamed_pair_stops() {
        if !crate::hasher::hashes_pairs_faster() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("large");
        std::fs::write(&path, pattern(4 * BUFFER_LEN)).unwrap();
        let (bytes, cancel) = (AtomicU64::new(0), AtomicBool::new(true));
        let digest = crate::reference::sha1(b"");
        let (mut open_a, mut open_b) = (open_regular(&path).unwrap(), open_regular(&path).unwrap());
        let (a, b) = Reader::verify_pair(
            (&mut Reader::new(Algorithm::Sha1), &mut open_a, &digest),
            (&mut Reader::new(Algorithm::Sha1), &mut open_b, &digest),
            Meter::new(Some(&bytes), &cancel),
        )
        .expect("paired");
        for outcome in [a, b] {
            assert!(
                matches!(&outcome, Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::Interrupted),
                "{outcome:?}"
            );
        }
        assert_eq!(bytes.load(Ordering::Relaxed), 2 * BUFFER_LEN as u64);
    }

    /// A pair is declined, before anything is read, unless both files are
    /// read whole and not tiny, or both are read in pieces, and the
    /// algorithm is SHA-1.
    #[test]
    fn a_pair_is_declined_for_mixed_or_tiny_files_and_other_algorithms() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small");
        let large = dir.path().join("large");
        let tiny = dir.path().join("tiny");
        std::fs::write(&small, pattern(PAIR_MIN_LEN)).unwrap();
        std::fs::write(&large, pattern(BUFFER_LEN)).unwrap();
        std::fs::write(&tiny, pattern(PAIR_MIN_LEN - 1)).unwrap();
        let digest = crate::reference::sha1(&pattern(PAIR_MIN_LEN));
        let cases = [
            (Algorithm::Sha1, &large),
            (Algorithm::Sha1, &tiny),
            (Algorithm::Sha256, &small),
        ];
        for (algorithm, second) in cases {
            let (mut reader_a, mut reader_b) = (Reader::new(algorithm), Reader::new(algorithm));
            let (mut open_a, mut open_b) =
                (open_regular(&small).unwrap(), open_regular(second).unwrap());
            let paired = Reader::verify_pair(
                (&mut reader_a, &mut open_a, &digest),
                (&mut reader_b, &mut open_b, &digest),
                Meter::NONE,
            );
            assert!(paired.is_none(), "{algorithm:?} {second:?}");
            assert!(
                reader_a.buffer.is_empty() && reader_b.buffer.is_empty(),
                "nothing read"
            );
        }
        let (mut open_a, mut open_b) =
            (open_regular(&large).unwrap(), open_regular(&large).unwrap());
        let paired = Reader::verify_pair(
            (&mut Reader::new(Algorithm::Sha256), &mut open_a, &digest),
            (&mut Reader::new(Algorithm::Sha256), &mut open_b, &digest),
            Meter::NONE,
        );
        assert!(paired.is_none(), "SHA-256, two large files");

        let mapped = dir.path().join("mapped");
        std::fs::File::create(&mapped)
            .unwrap()
            .set_len(MMAP_THRESHOLD)
            .unwrap();
        let (mut open_a, mut open_b) = (
            open_regular(&large).unwrap(),
            open_regular(&mapped).unwrap(),
        );
        let paired = Reader::verify_pair(
            (&mut Reader::new(Algorithm::Sha1), &mut open_a, &digest),
            (&mut Reader::new(Algorithm::Sha1), &mut open_b, &digest),
            Meter::NONE,
        );
        assert!(paired.is_none(), "a file that is mapped");
    }

    /// For the stress test: outcomes counted, and any digest but the truth
    /// (of the length the file had when opened) failing the test.
    #[derive(Default)]
    struct Tally {
        ok: u32,
        changed: u32,
    }

    impl Tally {
        fn count(&mut self, outcome: Result<Digest, ReadError>, truth: Digest, what: &str) {
            match outcome {
                Ok(digest) => {
                    assert_eq!(digest, truth, "{what}: a digest of bytes it never held");
                    self.ok += 1;
                }
                Err(ReadError::Changed) => self.changed += 1,
                Err(ReadError::Io(e)) => panic!("{what}: {e}"),
            }
        }
    }

    /// For the stress test: the file at `path` (only ever a prefix of
    /// `bytes`) opened twice and verified as a pair, each opening against the
    /// digest of the length it had.
    fn verify_a_pair(
        path: &Path,
        bytes: &[u8],
        [reader, partner]: [&mut Reader; 2],
        tally: &mut Tally,
    ) {
        let (Ok(mut first), Ok(mut second)) = (open_regular(path), open_regular(path)) else {
            return;
        };
        let truth = |open: &OpenFile| crate::reference::sha1(&bytes[..open.len as usize]);
        let truths = [truth(&first), truth(&second)];
        let paired = Reader::verify_pair(
            (reader, &mut first, &truths[0]),
            (partner, &mut second, &truths[1]),
            Meter::NONE,
        );
        // None: cut below the pairing size when opened.
        if let Some((outcome_first, outcome_second)) = paired {
            tally.count(outcome_first, truths[0], "a pair, first");
            tally.count(outcome_second, truths[1], "a pair, second");
        }
    }

    /// A writer truncates files to random lengths and restores them, over and
    /// over, while they are hashed by every path. The process must survive
    /// (no SIGBUS), and a digest reported must be that of exactly the bytes
    /// the file held when opened: the contents only ever are a prefix of
    /// `pattern`, so zeros from a vanished page or a torn read cannot match.
    /// Every other round verifies against that digest instead, where a torn
    /// read must come out as a change, never as a mismatch, and verifies the
    /// streamed file and the read-whole one, each opened twice, as pairs
    /// ([`Reader::verify_pair`]).
    /// (Files are small so that hundreds of rounds fit in a debug build's
    /// seconds; the mapped ones go to `hash_mapped` directly.)
    #[test]
    fn truncation_while_hashing_never_crashes_nor_passes_stale_bytes() {
        let dir = tempfile::tempdir().unwrap();
        // (length, mapped)
        let kinds = [
            (200_000, true),
            (40_000, true),
            (BUFFER_LEN + 4321, false), // streamed
            (20_000, false),            // read whole
        ];
        let files: Vec<(std::path::PathBuf, Vec<u8>, bool)> = kinds
            .iter()
            .enumerate()
            .map(|(i, &(len, mapped))| {
                let path = dir.path().join(format!("f{i}"));
                let bytes = pattern(len);
                std::fs::write(&path, &bytes).unwrap();
                (path, bytes, mapped)
            })
            .collect();
        let stop = AtomicBool::new(false);
        // Stops the writer even when an assertion fails, so a failure fails
        // the test instead of hanging it.
        struct StopOnDrop<'a>(&'a AtomicBool);
        impl Drop for StopOnDrop<'_> {
            fn drop(&mut self) {
                self.0.store(true, Ordering::Relaxed);
            }
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut rounds = 0u32;
        let mut tally = Tally::default();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let mut seed = 0x2545_f491_u64;
                while !stop.load(Ordering::Relaxed) {
                    for (path, bytes, _) in &files {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        let cut = (seed % bytes.len() as u64) as usize;
                        let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
                        file.set_len(cut as u64).unwrap();
                        std::thread::sleep(Duration::from_micros(seed % 200));
                        file.write_all_at(&bytes[cut..], cut as u64).unwrap();
                    }
                }
            });
            let _stop_writer = StopOnDrop(&stop);
            let mut reader = Reader::with_mmap(Algorithm::Sha1, false);
            let mut partner = Reader::with_mmap(Algorithm::Sha1, false);
            while rounds < 400 && Instant::now() < deadline {
                rounds += 1;
                if rounds % 2 == 0 {
                    // The streamed file, then the read-whole one.
                    for (path, bytes, _) in &files[2..] {
                        verify_a_pair(path, bytes, [&mut reader, &mut partner], &mut tally);
                    }
                }
                for (i, (path, bytes, mapped)) in files.iter().enumerate() {
                    let Ok(mut open) = open_regular(path) else {
                        continue;
                    };
                    let truth = crate::reference::sha1(&bytes[..open.len as usize]);
                    let verifying = rounds % 2 == 0;
                    let result = if *mapped {
                        crate::mapped::hash_mapped(
                            &open.file,
                            open.identity,
                            HashPlan::one_thread(Algorithm::Sha1),
                            Meter::NONE,
                        )
                        .unwrap_or_else(|| reader.hash(&mut open))
                    } else if verifying {
                        reader.verify_metered(&mut open, &truth, Meter::NONE)
                    } else {
                        reader.hash(&mut open)
                    };
                    tally.count(result, truth, &format!("file {i} (verifying: {verifying})"));
                }
            }
        });
        eprintln!(
            "stress: {rounds} rounds, {} hashed, {} changed, {} SIGBUS faults absorbed",
            tally.ok,
            tally.changed,
            crate::sigbus::faults_absorbed()
        );
        assert!(
            tally.changed > 0,
            "the writer never raced a hash: the test proved nothing"
        );
    }
}
