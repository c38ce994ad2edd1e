//! THE decision of how the bytes of a file reach the hasher, and the runner
//! of that decision. Every read of file contents in the library goes through
//! a [`Reader`]; [`plan`] picks its strategy from the file's size, the
//! reader's settings and, for a large file, whether it is in the page cache;
//! every threshold it uses is in one table ([`LIMITS`]). The strategies
//! ([`super::buffered`], [`super::paired`], [`super::mapped`],
//! [`super::direct`]) know nothing of each other: one that stops part way
//! hands back a [`Step`] and the [`Reader`] runs the next.
//!
//! * A file of at least [`Limits::map_min`] (16 MiB) is hashed from a memory
//!   map ([`super::mapped`]): no copy out of the page cache, one `madvise` per
//!   4 MiB window instead of page faults, and from [`Limits::prefetch_min`]
//!   a second thread populating windows ahead, so a cold file's disk I/O
//!   overlaps hashing. A file truncated under the map is caught
//!   ([`super::sigbus`]) and reported as changed.
//! * A file of at least [`Limits::direct_min`] (64 MiB) that is mostly not
//!   in the page cache (one `cachestat(2)`, [`super::cache`]) may be read
//!   with `O_DIRECT`, by two reader threads a few 2 MiB buffers ahead of the
//!   hashing thread ([`super::direct`]): on a virtual machine whose host
//!   reclaims freed guest memory, first touching the fresh page-cache pages
//!   of a cold read can cost more CPU than hashing them. With mapping on,
//!   such a file is mapped all the same, and the map hands the rest back
//!   ([`Step::Continue`]) once its pages prove costly ([`Limits::slow_touch`]);
//!   the rest is then read directly. With mapping off, it is read directly
//!   from the start. (BLAKE3 hashed on several threads keeps the map, which
//!   feeds them faster than one disk.) Where direct reads cannot start, or
//!   the first is refused, the rest goes through the page cache.
//! * A smaller file (or any file when mapping is off or impossible) is read
//!   into one reused buffer per worker ([`super::buffered`]). A file that
//!   fits is read with a single `read` of its size plus one byte: a short
//!   read is the end of file. A larger one is read in 256 KiB pieces.
//! * With SHA-1 on a CPU with SHA-NI, two files read the same way (both
//!   whole, or both in pieces, each by its own reader) are hashed together
//!   ([`Reader::hash_pair`], [`super::paired`]). Mapped files are not
//!   paired: from a map one file goes about as fast as two read side by side.
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
//! moved while it was read (`fstat` before and after,
//! [`super::io::unchanged_since`]), is reported as changed, never as hashed,
//! by every strategy, whatever the digest.

use std::fs::File;
use std::io;
use std::path::Path;
use std::time::Duration;

use super::io::{AlignedBuffer, Meter, ReadError, Step, BUFFER_LEN, READ_BUFFERS};
use super::mapped::{MapPlan, SlowTouch};
use super::paired::PairFile;
use super::{buffered, cache, direct, mapped, paired};
use crate::digest::{Algorithm, Digest};
use crate::fs::root::{open_regular, FileKind, OpenError, OpenFile};
use crate::hasher::Hasher;

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

/// Every threshold the planner decides by, in one place, each with what it
/// was measured on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Files at least this large are memory-mapped (when mapping is on).
    ///
    /// Measured on whole directories larger than the CPU caches, as a
    /// verifier meets them (256 MiB of files of one size in the page cache,
    /// two threads, 2026-11-24): with the read buffer page-aligned (see
    /// [`super::io::BUFFER_ALIGN`]), reading and mapping take the same time
    /// from 256 KiB to 64 MiB (0.09-0.12 s either way), and for small files
    /// the system calls of a map cost more than the copy (one thread, 4 KiB
    /// files: 0.51 s of CPU mapped, 0.29 s read); with several threads every
    /// `munmap` also interrupts the other cores to flush their TLBs. A large
    /// file is where a map wins: one 1 GiB file takes 0.67 s mapped against
    /// 0.79 s read, since the page-table work then runs on the prefetch
    /// thread while the copy of a read would run on the hashing thread.
    pub map_min: u64,
    /// Files shorter than this are read whole, in one `read` of their size
    /// plus a spare byte: the read buffer's length ([`BUFFER_LEN`]: large
    /// enough that per-call overhead vanishes, small enough to stay in the
    /// L2 cache while it is hashed). Longer ones are read in pieces.
    pub whole_below: usize,
    /// Files shorter than this are not hashed in pairs: their few blocks
    /// gain less from interleaving than the pair's bookkeeping costs
    /// (100,000 files of 16-800 bytes were 5% slower paired).
    pub pair_min: usize,
    /// From this size on, a second thread populates a map's page tables
    /// ahead of the hashing thread: for one large file that work, and for a
    /// cold file the disk reads it waits for, then run on an otherwise idle
    /// core.
    pub prefetch_min: u64,
    /// From this size on, a file that is not cached is read directly: the
    /// reader threads and their buffers pay for themselves, as the prefetch
    /// thread of a mapped file does from the same size.
    pub direct_min: u64,
    /// A file counts as cold, for direct reads, when the page cache holds
    /// less than 1/`cold_share` of it: a cached file is faster from a map.
    pub cold_share: u64,
    /// Files read directly at once, whatever the number of workers: with
    /// two reader threads of three 2 MiB buffers each, at most 48 MiB of
    /// buffers. Further files take the usual path.
    pub direct_files: usize,
    /// When a map of a cold file hands the rest to direct reads. A window
    /// of 4 MiB whose touch takes the prefetch thread more CPU time than
    /// 2 ms has pages that were costly to touch for the first time: 4 MiB
    /// took 10-20 µs to touch once populated, 0.1-1 ms now and then, and
    /// 6.2-6.8 ms when the host had reclaimed the memory under the page
    /// cache (a C loop, 2026-12-05). Three such windows: enough that a few
    /// unlucky pages do not turn a cheap read into a slower one, few enough
    /// that the costly case loses little.
    pub slow_touch: SlowTouch,
}

/// The planner's thresholds (see each field of [`Limits`] for why).
pub(crate) const LIMITS: Limits = Limits {
    map_min: 16 * MIB,
    whole_below: BUFFER_LEN,
    pair_min: 1024,
    prefetch_min: 64 * MIB,
    direct_min: 64 * MIB,
    cold_share: 2,
    direct_files: 4,
    slow_touch: SlowTouch {
        cost: Duration::from_millis(2),
        windows: 3,
    },
};

const MIB: u64 = 1024 * 1024;

// A file read whole needs its length plus a spare byte in the read buffer.
const _: () = assert!(LIMITS.whole_below <= BUFFER_LEN);

impl Limits {
    /// Whether a file of `len` bytes is mapped, mapping being on if `mmap`.
    fn maps(&self, mmap: bool, len: u64) -> bool {
        mmap && len >= self.map_min
    }
}

/// Whether a file of `len` bytes is mapped when mapping is on (`mmap`), as
/// [`plan`] decides: for the claims of verification, which hand mapped
/// files out one at a time.
pub(crate) fn is_mapped(mmap: bool, len: u64) -> bool {
    LIMITS.maps(mmap, len)
}

/// The threads each of `workers` workers may hash one file on, out of a
/// budget of `threads`: the spare ones shared out, never more in all.
pub(crate) fn threads_per_file(threads: usize, workers: usize) -> usize {
    (threads / workers.max(1)).max(1)
}

/// Whether most of the first `len` bytes of `file` are not in the page
/// cache; `false` when that cannot be known ([`cache::cached_bytes`]).
pub(crate) fn is_cold(file: &File, len: u64) -> bool {
    cache::cached_bytes(file, len).is_some_and(|cached| cached < len / LIMITS.cold_share)
}

/// What a [`Reader`] was asked to do, apart from the file itself.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    pub algorithm: Algorithm,
    /// Whether large files may be mapped.
    pub mmap: bool,
    /// Whether large cold files may be read with `O_DIRECT`.
    pub direct_io: bool,
    /// Threads one mapped file may be hashed on (BLAKE3 only).
    pub threads: usize,
}

impl Settings {
    /// Whether one file is hashed on several threads.
    fn parallel(&self) -> bool {
        self.threads > 1 && self.algorithm.hashes_in_parallel()
    }
}

/// How a file's bytes reach the hasher ([`plan`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Strategy {
    /// In one `read` of this many bytes, plus a spare byte.
    Whole(usize),
    /// In buffer-sized pieces through the page cache.
    Streamed,
    /// With `O_DIRECT` from the start; through the page cache if refused.
    Direct,
    /// From a memory map (in pieces where it cannot be mapped); with a
    /// prefetch thread, and handing the rest to direct reads once fresh
    /// pages prove costly, as asked.
    Mapped { prefetch: bool, hand_off: bool },
}

/// THE decision: the strategy for a file of `len` bytes, given the reader's
/// `settings`, the thresholds in `limits`, and whether the file is cold
/// (asked only of a file large enough to be read directly: one `fstatfs`
/// and one `cachestat`).
pub(crate) fn plan(
    settings: &Settings,
    limits: &Limits,
    len: u64,
    cold: impl FnOnce() -> bool,
) -> Strategy {
    let parallel = settings.parallel();
    // Several threads hashing one file leave no core for reader threads,
    // nor for a prefetch thread.
    let may_read_directly =
        || settings.direct_io && len >= limits.direct_min && !parallel && cold();
    if limits.maps(settings.mmap, len) {
        return Strategy::Mapped {
            prefetch: len >= limits.prefetch_min && !parallel,
            // A cold file is mapped all the same, unless first touching
            // its fresh pages proves costly: then direct reads go on.
            hand_off: may_read_directly(),
        };
    }
    match usize::try_from(len) {
        Ok(len) if len < limits.whole_below => Strategy::Whole(len),
        _ if may_read_directly() => Strategy::Direct,
        _ => Strategy::Streamed,
    }
}

/// Hashes files, reusing its buffer across them. One per worker thread.
pub(crate) struct Reader {
    settings: Settings,
    limits: Limits,
    /// Whether a file is cold ([`is_cold`], or a test's answer).
    cold: fn(&File, u64) -> bool,
    /// The read buffer, taken from [`READ_BUFFERS`] on first use (a reader
    /// that only maps files never takes one).
    buffer: Option<AlignedBuffer>,
}

impl Drop for Reader {
    fn drop(&mut self) {
        if let Some(buffer) = self.buffer.take() {
            READ_BUFFERS.give_back(buffer);
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
            settings: Settings {
                algorithm,
                mmap,
                direct_io: true,
                threads: 1,
            },
            limits: LIMITS,
            cold: is_cold,
            buffer: None,
        }
    }

    /// Hashes the next files with `algorithm` (a manifest's entries may
    /// each have their own).
    pub(crate) fn set_algorithm(&mut self, algorithm: Algorithm) {
        self.settings.algorithm = algorithm;
    }

    /// Lets large files that are not in the page cache be read with
    /// `O_DIRECT` (`true` by default); `false` leaves them to the map or the
    /// reads chosen by size.
    pub fn direct_io(mut self, yes: bool) -> Reader {
        self.settings.direct_io = yes;
        self
    }

    /// Lets a mapped file be hashed on up to `threads` threads, when the
    /// algorithm can (BLAKE3); 1 by default. See [`threads_per_file`].
    pub fn threads_per_file(mut self, threads: usize) -> Reader {
        self.settings.threads = threads.max(1);
        self
    }

    /// The same reader deciding by `limits` (to force a strategy on a
    /// small file).
    #[cfg(test)]
    pub fn with_limits(mut self, limits: Limits) -> Reader {
        self.limits = limits;
        self
    }

    /// The same reader taking every file for cold (or none).
    #[cfg(test)]
    pub fn all_cold(mut self, cold: bool) -> Reader {
        self.cold = if cold { |_, _| true } else { |_, _| false };
        self
    }

    /// Hashes all of `open.file`, which must still be `open.len` bytes long.
    #[cfg(test)]
    pub fn hash(&mut self, open: &mut OpenFile) -> Result<Digest, ReadError> {
        self.hash_metered(open, Meter::NONE)
    }

    /// Hashes all of `open.file`, reporting to `meter` as it goes: the
    /// digest, unless the file changed since it was opened.
    pub fn hash_metered(&mut self, open: &mut OpenFile, meter: Meter) -> Result<Digest, ReadError> {
        let strategy = self.strategy(open);
        self.run(open, strategy, meter)
    }

    /// The strategy for `open` ([`plan`]).
    fn strategy(&self, open: &OpenFile) -> Strategy {
        let cold = || (self.cold)(&open.file, open.len);
        plan(&self.settings, &self.limits, open.len, cold)
    }

    /// Hashes `open` by `strategy`, then by whatever strategy takes over
    /// from a step handed back: a map that cannot be made falls back to
    /// streamed reads, a map whose fresh pages proved costly hands its
    /// hasher to direct reads, and direct reads that cannot start hand it
    /// to streamed reads.
    fn run(
        &mut self,
        open: &OpenFile,
        strategy: Strategy,
        meter: Meter,
    ) -> Result<Digest, ReadError> {
        let (file, before) = (&open.file, open.identity);
        let algorithm = self.settings.algorithm;
        match strategy {
            Strategy::Whole(len) => {
                buffered::whole(file, before, algorithm, self.buffer(), len, meter)
            }
            Strategy::Streamed => self.rest(open, Step::Declined, false, meter),
            Strategy::Direct => self.rest(open, Step::Declined, true, meter),
            Strategy::Mapped { prefetch, hand_off } => {
                let plan = MapPlan {
                    algorithm,
                    threads: self.settings.threads,
                    prefetch,
                    hand_off: hand_off.then_some(self.limits.slow_touch),
                };
                match mapped::hash(file, before, plan, meter) {
                    Step::Done(outcome) => outcome,
                    declined @ Step::Declined => self.rest(open, declined, false, meter),
                    handed @ Step::Continue { .. } => self.rest(open, handed, true, meter),
                }
            }
        }
    }

    /// The rest of `open` after `step` (from the start if it was
    /// declined): read directly if `direct` and the file can be, else
    /// through the page cache.
    fn rest(
        &mut self,
        open: &OpenFile,
        step: Step,
        direct: bool,
        meter: Meter,
    ) -> Result<Digest, ReadError> {
        let (file, before) = (&open.file, open.identity);
        let mut step = step;
        if direct {
            let (hasher, offset) = self.carried(step);
            step = direct::hash_from(
                file,
                before,
                hasher,
                offset,
                self.limits.direct_files,
                meter,
            );
        }
        let (hasher, offset) = match step {
            Step::Done(outcome) => return outcome,
            step => self.carried(step),
        };
        buffered::stream(file, before, hasher, offset, self.buffer(), meter)
    }

    /// The hasher and offset a step hands on: a fresh one at the start when
    /// nothing was read.
    fn carried(&self, step: Step) -> (Box<Hasher>, u64) {
        match step {
            Step::Continue { hasher, offset } => (hasher, offset),
            _ => (Box::new(Hasher::new(self.settings.algorithm)), 0),
        }
    }

    /// The page-aligned read buffer, taken from the pool on first use.
    fn buffer(&mut self) -> &mut [u8] {
        self.buffer
            .get_or_insert_with(|| READ_BUFFERS.take())
            .get_mut()
    }

    /// `open` as one file of a pair, read into this reader's buffer.
    fn pair_file<'a>(&'a mut self, open: &'a OpenFile) -> PairFile<'a> {
        PairFile {
            file: &open.file,
            before: open.identity,
            buffer: self.buffer(),
        }
    }

    /// Hashes two SHA-1 files at once, each read by its own reader, when the
    /// CPU hashes pairs faster ([`crate::hasher::sha1_pair()`]):
    /// [`Reader::hash_metered`] for each, in less time. Two files read whole
    /// are hashed together if neither is shorter than [`Limits::pair_min`];
    /// so are two files streamed in pieces. `None`, having read nothing,
    /// when the two are not read the same way, or either is mapped or read
    /// directly.
    pub fn hash_pair(
        (reader_a, open_a): (&mut Reader, &mut OpenFile),
        (reader_b, open_b): (&mut Reader, &mut OpenFile),
        meter: Meter,
    ) -> Option<(Result<Digest, ReadError>, Result<Digest, ReadError>)> {
        let sha1 = |reader: &Reader| reader.settings.algorithm == Algorithm::Sha1;
        if !(sha1(reader_a) && sha1(reader_b) && crate::hasher::hashes_pairs_faster()) {
            return None;
        }
        let pair_min = reader_a.limits.pair_min;
        match (reader_a.strategy(open_a), reader_b.strategy(open_b)) {
            (Strategy::Whole(len_a), Strategy::Whole(len_b)) if len_a.min(len_b) >= pair_min => {
                let (a, b) = (reader_a.pair_file(open_a), reader_b.pair_file(open_b));
                Some(paired::whole((a, len_a), (b, len_b), meter))
            }
            (Strategy::Streamed, Strategy::Streamed) => {
                let (a, b) = (reader_a.pair_file(open_a), reader_b.pair_file(open_b));
                Some(paired::streamed(a, b, meter))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::fs::FileExt;
    use std::path::Path;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
        let _serial = crate::engine::direct::tests::one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        let len = LIMITS.direct_min as usize + 4097;
        let bytes = pattern(len);
        let path = dir.path().join("cold");
        std::fs::write(&path, &bytes).unwrap();
        let evict = || {
            let file = File::open(&path).unwrap();
            file.sync_all().unwrap();
            rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
        };
        let cold = || is_cold(&File::open(&path).unwrap(), len as u64);
        if !crate::engine::cache::tests::cachestat_answers_for(&File::open(&path).unwrap()) {
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
        let _serial = crate::engine::direct::tests::one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        let probe = File::open(dir.path()).unwrap();
        if !crate::engine::cache::tests::cachestat_answers_for(&probe)
            || !crate::hasher::hashes_pairs_faster()
        {
            return;
        }
        let len = LIMITS.direct_min as usize + 1;
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
        assert!(Reader::hash_pair(
            (&mut reader_a, &mut open_a),
            (&mut reader_b, &mut open_b),
            Meter::NONE,
        )
        .is_none());
        let digest = reader_b.hash_metered(&mut open_b, Meter::NONE);
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
            LIMITS.map_min as usize - 1,
            LIMITS.map_min as usize,
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
        for len in [0, 100, BUFFER_LEN + 10, LIMITS.map_min as usize + 10] {
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

    /// A small file rewritten (same size) between opening and reading is
    /// changed, whatever it now holds: also when its new bytes are the
    /// digest's (the case once let through without a second look).
    #[test]
    fn a_small_file_rewritten_after_opening_is_changed_even_when_it_matches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let (old, new) = (pattern(100), vec![7u8; 100]);
        std::fs::write(&path, &old).unwrap();
        let mut open = open_regular(&path).unwrap();
        std::fs::write(&path, &new).unwrap();
        // A time no clock granularity can hide.
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(std::time::SystemTime::UNIX_EPOCH)
            .unwrap();
        let result = Reader::new(Algorithm::Sha1).hash(&mut open);
        assert!(matches!(result, Err(ReadError::Changed)), "{result:?}");
    }

    /// Promise 9, no false OK from a torn read: the listed bytes end in
    /// zeros, and the file holds them with its last byte 1. Cut to half its
    /// length and extended again between opening and reading (what a
    /// truncation racing a `read` does to the bytes copied), it reads as the
    /// listed bytes, at the opened length. The digest matches the listed
    /// one; the file must still be reported changed, read whole or paired.
    #[test]
    fn a_small_file_torn_into_the_listed_bytes_is_changed() {
        let dir = tempfile::tempdir().unwrap();
        let len = 20_000;
        let mut listed = pattern(len);
        listed[len / 2..].fill(0);
        let listed_digest = crate::reference::sha1(&listed);
        let mut held = listed.clone();
        held[len - 1] = 1;
        let (path, other) = (dir.path().join("torn"), dir.path().join("other"));
        std::fs::write(&other, pattern(len)).unwrap();
        let tear = || {
            let writer = std::fs::File::options().write(true).open(&path).unwrap();
            writer.set_len(len as u64 / 2).unwrap();
            writer.set_len(len as u64).unwrap();
            // A time no clock granularity can hide.
            writer
                .set_modified(std::time::SystemTime::UNIX_EPOCH)
                .unwrap();
        };
        std::fs::write(&path, &held).unwrap();
        let mut open = open_regular(&path).unwrap();
        tear();
        assert_eq!(
            crate::reference::sha1(&std::fs::read(&path).unwrap()),
            listed_digest
        );
        let result = Reader::new(Algorithm::Sha1).hash(&mut open);
        assert!(
            matches!(result, Err(ReadError::Changed)),
            "alone: {result:?}"
        );

        if crate::hasher::hashes_pairs_faster() {
            std::fs::write(&path, &held).unwrap();
            let (mut open, mut open_other) =
                (open_regular(&path).unwrap(), open_regular(&other).unwrap());
            tear();
            let (mut reader, mut partner) =
                (Reader::new(Algorithm::Sha1), Reader::new(Algorithm::Sha1));
            let (torn, _) = Reader::hash_pair(
                (&mut reader, &mut open),
                (&mut partner, &mut open_other),
                Meter::NONE,
            )
            .expect("two small SHA-1 files are paired");
            assert!(matches!(torn, Err(ReadError::Changed)), "paired: {torn:?}");
        }
    }

    /// Two files hashed together get the outcome each would get alone:
    /// a digest, a change (rewritten or grown after opening).
    #[test]
    fn a_pair_gets_the_outcomes_of_its_files() {
        if !crate::hasher::hashes_pairs_faster() {
            return; // `hash_pair` declines; `check_pair` then checks one by one.
        }
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        };
        let (good, other) = (pattern(5000), pattern(1500));
        let good_digest = crate::reference::sha1(&good);
        let mut readers = (Reader::new(Algorithm::Sha1), Reader::new(Algorithm::Sha1));
        let mut verify = |a: &Path, b: &Path, change: &dyn Fn()| {
            let (mut open_a, mut open_b) = (open_regular(a).unwrap(), open_regular(b).unwrap());
            change();
            Reader::hash_pair(
                (&mut readers.0, &mut open_a),
                (&mut readers.1, &mut open_b),
                Meter::NONE,
            )
            .expect("two small SHA-1 files are verified together")
        };
        let a = write("a", &good);
        let b = write("b", &other);
        let (first, second) = verify(&a, &b, &|| {});
        assert_eq!(first.unwrap(), good_digest);
        assert_eq!(second.unwrap(), crate::reference::sha1(&other));

        let rewrite = || {
            std::fs::write(&b, vec![9u8; 1500]).unwrap();
            let file = std::fs::File::options().write(true).open(&b).unwrap();
            file.set_modified(std::time::SystemTime::UNIX_EPOCH)
                .unwrap();
        };
        let (first, second) = verify(&a, &b, &rewrite);
        assert_eq!(first.unwrap(), good_digest);
        assert!(matches!(second, Err(ReadError::Changed)), "{second:?}");

        let grow = || {
            let mut file = std::fs::OpenOptions::new().append(true).open(&a).unwrap();
            file.write_all(b"more").unwrap();
        };
        let b_digest = crate::reference::sha1(&[9u8; 1500]);
        let (first, second) = verify(&a, &b, &grow);
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
            (LIMITS.map_min as usize + 4097, BUFFER_LEN + 7),
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
                Reader::hash_pair(
                    (&mut readers.0, &mut open_a),
                    (&mut readers.1, &mut open_b),
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
        let (mut open_a, mut open_b) = (open_regular(&path).unwrap(), open_regular(&path).unwrap());
        let (a, b) = Reader::hash_pair(
            (&mut Reader::new(Algorithm::Sha1), &mut open_a),
            (&mut Reader::new(Algorithm::Sha1), &mut open_b),
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
        std::fs::write(&small, pattern(LIMITS.pair_min)).unwrap();
        std::fs::write(&large, pattern(BUFFER_LEN)).unwrap();
        std::fs::write(&tiny, pattern(LIMITS.pair_min - 1)).unwrap();
        let cases = [
            (Algorithm::Sha1, &large),
            (Algorithm::Sha1, &tiny),
            (Algorithm::Sha256, &small),
        ];
        for (algorithm, second) in cases {
            let (mut reader_a, mut reader_b) = (Reader::new(algorithm), Reader::new(algorithm));
            let (mut open_a, mut open_b) =
                (open_regular(&small).unwrap(), open_regular(second).unwrap());
            let paired = Reader::hash_pair(
                (&mut reader_a, &mut open_a),
                (&mut reader_b, &mut open_b),
                Meter::NONE,
            );
            assert!(paired.is_none(), "{algorithm:?} {second:?}");
            assert!(
                reader_a.buffer.is_none() && reader_b.buffer.is_none(),
                "nothing read"
            );
        }
        let (mut open_a, mut open_b) =
            (open_regular(&large).unwrap(), open_regular(&large).unwrap());
        let paired = Reader::hash_pair(
            (&mut Reader::new(Algorithm::Sha256), &mut open_a),
            (&mut Reader::new(Algorithm::Sha256), &mut open_b),
            Meter::NONE,
        );
        assert!(paired.is_none(), "SHA-256, two large files");

        let mapped = dir.path().join("mapped");
        std::fs::File::create(&mapped)
            .unwrap()
            .set_len(LIMITS.map_min)
            .unwrap();
        let (mut open_a, mut open_b) = (
            open_regular(&large).unwrap(),
            open_regular(&mapped).unwrap(),
        );
        let paired = Reader::hash_pair(
            (&mut Reader::new(Algorithm::Sha1), &mut open_a),
            (&mut Reader::new(Algorithm::Sha1), &mut open_b),
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
        let paired = Reader::hash_pair((reader, &mut first), (partner, &mut second), Meter::NONE);
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
    /// Every other round also hashes the streamed file and the read-whole
    /// one, each opened twice, as pairs ([`Reader::hash_pair`]).
    /// (Files are small so that hundreds of rounds fit in a debug build's
    /// seconds; the mapped ones are mapped by a lower [`Limits::map_min`].)
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
            let mut mapping = Reader::new(Algorithm::Sha1).with_limits(Limits {
                map_min: 1,
                ..LIMITS
            });
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
                    let result = if *mapped {
                        mapping.hash(&mut open)
                    } else {
                        reader.hash(&mut open)
                    };
                    tally.count(result, truth, &format!("file {i}"));
                }
            }
        });
        eprintln!(
            "stress: {rounds} rounds, {} hashed, {} changed, {} SIGBUS faults absorbed",
            tally.ok,
            tally.changed,
            crate::engine::sigbus::faults_absorbed()
        );
        assert!(
            tally.changed > 0,
            "the writer never raced a hash: the test proved nothing"
        );
    }

    use crate::engine::direct::tests::one_at_a_time;
    use crate::engine::mapped::{PREFETCH_AHEAD, WINDOW};

    /// A counting meter that never stops, and what it counted.
    struct Counter(AtomicU64, AtomicBool);

    impl Counter {
        fn new() -> Counter {
            Counter(AtomicU64::new(0), AtomicBool::new(false))
        }

        fn meter(&self) -> Meter<'_> {
            Meter::new(Some(&self.0), &self.1)
        }

        fn counted(&self) -> u64 {
            self.0.load(Ordering::Relaxed)
        }
    }

    /// One route through the planner, forced by its inputs.
    struct Route {
        name: &'static str,
        algorithm: Algorithm,
        mmap: bool,
        threads: usize,
        limits: Limits,
        cold: bool,
        /// The strategy the planner must pick for a file of this length.
        expected: fn(usize) -> Strategy,
    }

    /// Limits that let every strategy take a small file.
    const SMALL: Limits = Limits {
        map_min: 1,
        whole_below: 0,
        pair_min: 1,
        prefetch_min: u64::MAX,
        direct_min: 1,
        cold_share: 2,
        direct_files: usize::MAX,
        slow_touch: SlowTouch {
            cost: Duration::ZERO,
            windows: 1,
        },
    };

    fn route(name: &'static str, limits: Limits, expected: fn(usize) -> Strategy) -> Route {
        Route {
            name,
            algorithm: Algorithm::Sha1,
            mmap: true,
            threads: 1,
            limits,
            cold: false,
            expected,
        }
    }

    /// Every route of the planner: whole, streamed, direct, direct refused
    /// (the page cache takes over), mapped, mapped with a prefetch thread,
    /// mapped handing off to direct reads (and to the page cache when
    /// direct reads are refused), BLAKE3 mapped on two threads.
    fn routes() -> Vec<Route> {
        vec![
            Route {
                mmap: false,
                ..route("whole or streamed by size", LIMITS, |len| {
                    if len < BUFFER_LEN {
                        Strategy::Whole(len)
                    } else {
                        Strategy::Streamed
                    }
                })
            },
            Route {
                mmap: false,
                ..route("streamed", SMALL, |_| Strategy::Streamed)
            },
            Route {
                mmap: false,
                cold: true,
                ..route("direct", SMALL, |len| match len {
                    0 => Strategy::Streamed,
                    _ => Strategy::Direct,
                })
            },
            Route {
                mmap: false,
                cold: true,
                ..route(
                    "direct refused, then the page cache",
                    Limits {
                        direct_files: 0,
                        ..SMALL
                    },
                    |len| match len {
                        0 => Strategy::Streamed,
                        _ => Strategy::Direct,
                    },
                )
            },
            route("mapped", SMALL, |len| match len {
                0 => Strategy::Streamed,
                _ => Strategy::Mapped {
                    prefetch: false,
                    hand_off: false,
                },
            }),
            route(
                "mapped with a prefetch thread",
                Limits {
                    prefetch_min: 1,
                    ..SMALL
                },
                |len| match len {
                    0 => Strategy::Streamed,
                    _ => Strategy::Mapped {
                        prefetch: true,
                        hand_off: false,
                    },
                },
            ),
            Route {
                cold: true,
                ..route(
                    "mapped, handing off to direct reads",
                    Limits {
                        prefetch_min: 1,
                        ..SMALL
                    },
                    |len| match len {
                        0 => Strategy::Streamed,
                        _ => Strategy::Mapped {
                            prefetch: true,
                            hand_off: true,
                        },
                    },
                )
            },
            Route {
                cold: true,
                ..route(
                    "mapped, handing off, direct refused",
                    Limits {
                        prefetch_min: 1,
                        direct_files: 0,
                        ..SMALL
                    },
                    |len| match len {
                        0 => Strategy::Streamed,
                        _ => Strategy::Mapped {
                            prefetch: true,
                            hand_off: true,
                        },
                    },
                )
            },
            Route {
                algorithm: Algorithm::Blake3,
                threads: 2,
                cold: true,
                ..route("BLAKE3 mapped on two threads", SMALL, |len| match len {
                    0 => Strategy::Streamed,
                    _ => Strategy::Mapped {
                        prefetch: false,
                        hand_off: false,
                    },
                })
            },
        ]
    }

    /// The strategy tester (after ripgrep's `SearcherTester`): every route
    /// of the planner, forced through its inputs (settings, limits, the
    /// answer to "cold?"), over lengths around every piece size; each route
    /// picks the strategy it must, gives the reference digest, and counts
    /// every byte once, hand-offs included.
    #[test]
    fn every_route_gives_the_reference_digest() {
        let _serial = one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        let lengths = [
            0,
            1,
            4095,
            4096,
            BUFFER_LEN - 1,
            BUFFER_LEN,
            BUFFER_LEN + 1,
            WINDOW + 1,
            2 * WINDOW + 4097,
        ];
        for len in lengths {
            let bytes = pattern(len);
            let path = dir.path().join(format!("f{len}"));
            std::fs::write(&path, &bytes).unwrap();
            for route in routes() {
                let what = format!("{}, length {len}", route.name);
                let mut reader = Reader::with_mmap(route.algorithm, route.mmap)
                    .threads_per_file(route.threads)
                    .with_limits(route.limits)
                    .all_cold(route.cold);
                let mut open = open_regular(&path).unwrap();
                assert_eq!(reader.strategy(&open), (route.expected)(len), "{what}");
                let counter = Counter::new();
                let digest = reader.hash_metered(&mut open, counter.meter());
                let reference = crate::hash_bytes(route.algorithm, &bytes);
                assert_eq!(digest.unwrap(), reference, "{what}");
                assert_eq!(counter.counted(), len as u64, "{what}");
            }
        }
    }

    /// The paired routes of the tester: two files read whole, two streamed.
    #[test]
    fn every_paired_route_gives_the_reference_digests() {
        if !crate::hasher::hashes_pairs_faster() {
            return; // `hash_pair` declines: there is no paired route.
        }
        let dir = tempfile::tempdir().unwrap();
        let lengths = [
            (LIMITS.pair_min, LIMITS.pair_min),
            (4096, 100_000),
            (BUFFER_LEN - 1, 1024),
            (BUFFER_LEN, BUFFER_LEN),
            (BUFFER_LEN + 1, 3 * BUFFER_LEN + 64),
        ];
        for (len_a, len_b) in lengths {
            let (bytes_a, bytes_b) = (pattern(len_a), pattern(len_b + 3)[3..].to_vec());
            let (path_a, path_b) = (dir.path().join("a"), dir.path().join("b"));
            std::fs::write(&path_a, &bytes_a).unwrap();
            std::fs::write(&path_b, &bytes_b).unwrap();
            let (mut open_a, mut open_b) = (
                open_regular(&path_a).unwrap(),
                open_regular(&path_b).unwrap(),
            );
            let mut readers = [(); 2].map(|_| Reader::with_mmap(Algorithm::Sha1, false));
            let [reader_a, reader_b] = &mut readers;
            let counter = Counter::new();
            let paired = Reader::hash_pair(
                (reader_a, &mut open_a),
                (reader_b, &mut open_b),
                counter.meter(),
            );
            let what = format!("lengths {len_a} and {len_b}");
            // Read whole and in pieces: not paired.
            if (len_a < BUFFER_LEN) != (len_b < BUFFER_LEN) {
                assert!(paired.is_none(), "{what}");
                continue;
            }
            let (a, b) = paired.expect(&what);
            assert_eq!(a.unwrap(), crate::reference::sha1(&bytes_a), "{what}");
            assert_eq!(b.unwrap(), crate::reference::sha1(&bytes_b), "{what}");
            assert_eq!(counter.counted(), (len_a + len_b) as u64, "{what}");
        }
    }

    /// A cold file whose pages prove costly to touch is hashed from the map
    /// for a few windows, then read directly to the end: the digest is the
    /// file's, every byte is counted once, and the part read directly stays
    /// out of the page cache. Cut short before the hand-off, it is changed;
    /// cancelled, it stops with an error. (Every touch counts as costly: a
    /// cost of zero in the planner's limits.)
    #[test]
    fn a_costly_map_hands_the_rest_to_direct_reads() {
        let _serial = one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        // Longer than the prefetch thread may run ahead of a hand-off.
        let len = LIMITS.prefetch_min as usize + PREFETCH_AHEAD + 3 * WINDOW + 4097;
        let mut bytes = vec![0u8; len];
        for (i, page) in bytes.chunks_mut(4096).enumerate() {
            page.fill((i % 251) as u8);
        }
        let path = dir.path().join("f");
        std::fs::write(&path, &bytes).unwrap();
        let file = File::open(&path).unwrap();
        if !crate::engine::cache::tests::cachestat_answers_for(&file) {
            // An old kernel, or tmpfs: never cold.
            return;
        }
        file.sync_all().unwrap();
        rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
        let costly = Limits {
            slow_touch: SlowTouch {
                cost: Duration::ZERO,
                ..LIMITS.slow_touch
            },
            ..LIMITS
        };
        let mut reader = Reader::new(Algorithm::Sha1).with_limits(costly);
        let mut open = open_regular(&path).unwrap();
        assert_eq!(
            reader.strategy(&open),
            Strategy::Mapped {
                prefetch: true,
                hand_off: true
            }
        );
        let counter = Counter::new();
        let digest = reader.hash_metered(&mut open, counter.meter());
        assert_eq!(digest.unwrap(), crate::reference::sha1(&bytes));
        assert_eq!(counter.counted(), len as u64);
        let cached = cache::cached_bytes(&file, len as u64).unwrap();
        assert!(
            cached <= (len - 3 * WINDOW) as u64,
            "the rest was read through the page cache, not directly: {cached} of {len} cached"
        );
        assert!(!rustix::fs::fcntl_getfl(&open.file)
            .unwrap()
            .contains(rustix::fs::OFlags::DIRECT));

        // Cut short before the hand-off: changed, by the map or by the reads.
        let mut open = open_regular(&path).unwrap();
        let writer = std::fs::File::options().write(true).open(&path).unwrap();
        writer.set_len(len as u64 - 1).unwrap();
        let result = reader.hash(&mut open);
        assert!(matches!(result, Err(ReadError::Changed)), "{result:?}");
        // Cancelled: an error, whether before or after the hand-off.
        let mut open = open_regular(&path).unwrap();
        let cancelled = AtomicBool::new(true);
        let result = reader.hash_metered(&mut open, Meter::new(None, &cancelled));
        assert!(
            matches!(&result, Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::Interrupted),
            "{result:?}"
        );
    }
}
