//! Hashing a large file that is not in the page cache: read with `O_DIRECT`
//! by two reader threads into a few recycled buffers, hashed in order as
//! they arrive.
//!
//! Why not the page cache, as for every other file: on a virtual machine
//! whose host reclaims the memory the guest frees (free page reporting, as
//! here), a page the guest reuses costs a fault in the host on its first
//! touch. A cold file read through the page cache lands in such pages, and
//! touching them can cost more than hashing them: 1 GiB read by `read(2)`
//! took 1.2-1.8 s of system time in such runs, against 0.15 s in others
//! (BENCHMARKS.md, session 7). Direct reads land in the same few buffers
//! every time, already touched, so the disk is the only cost, and a
//! verification of a large cold download leaves the page cache as it found
//! it.
//!
//! The planner ([`super::plan`]) sends only files that are mostly not cached
//! this way (one `fstatfs` and one `cachestat(2)`, [`super::cache`]): a
//! cached file is faster from a map. Where the file system is not known to
//! keep its files in the page cache, or the kernel refuses either call, the
//! file takes the usual path. With mapping on, even a cold file is mapped
//! first, since the kernel's read-ahead into cheap pages outruns direct
//! reads (2.2-3 GB/s against 1.4-2.5 here); [`super::mapped`] times the
//! first touch of its pages and hands the rest of the file back to the
//! planner, which brings it here ([`hash_from`]) once they prove costly.
//! With mapping off, a cold file is read directly from the start.
//!
//! Two readers keep two reads in flight (this virtual disk gave 2.1-2.5
//! GB/s to two 2 MiB reads at a time, 1.6-2.0 GB/s to one, `fio`,
//! 2026-12-05): reader `r` reads chunks `r`, `r + 2`, ... (of [`READ_LEN`]) Each passes
//! buffers to the hashing thread over two bounded channels of its own
//! (std's `mpsc`, crossbeam's channels inside std since Rust 1.67): filled
//! ones one way, empty ones back. Reading stops at the chunk that holds the
//! byte after the length the file had when opened, so a file that grows
//! while it is read cannot keep a reader busy. The file's identity is
//! compared before and after, as for any file read in pieces, so a change
//! is reported as such.

use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use super::io::{
    read_until, unchanged_since, AlignedBuffer, BufferPool, Meter, ReadError, Step, BUFFER_ALIGN,
};
use crate::fs::root::Identity;
use crate::hasher::Hasher;

/// Bytes per direct read.
const READ_LEN: usize = 2 * 1024 * 1024;

/// Reader threads per file, hence reads in flight.
const READERS: usize = 2;

/// Buffers per reader: one being read, one waiting to be hashed, one being
/// hashed, so that a stall of a few milliseconds on either side does not
/// stop the other.
const BUFFERS_PER_READER: usize = 3;

/// Alignment of buffers, offsets and lengths for `O_DIRECT`: the largest
/// logical block size of common devices.
const ALIGN: usize = BUFFER_ALIGN;

/// Files being read directly now, at most the planner's cap (its
/// `direct_files`, so that at most 48 MiB of buffers are in use). A child
/// forked during a direct read inherits the count with no reader to lower
/// it: it reads that many files fewer directly, through the page cache
/// instead.
static DIRECT_FILES: AtomicUsize = AtomicUsize::new(0);

/// A claim on one of the files read directly at once, given back when
/// dropped.
struct Claim;

impl Claim {
    fn take(max_files: usize) -> Option<Claim> {
        DIRECT_FILES
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |files| {
                (files < max_files).then_some(files + 1)
            })
            .ok()
            .map(|_| Claim)
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        DIRECT_FILES.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Reads `file`, whose identity was `before` when it was opened, from
/// `offset` (a multiple of [`ALIGN`]) on with `O_DIRECT` into `hasher`,
/// which holds the bytes before it: the file's digest, unless it changed
/// since `before` ([`ReadError::Changed`]). Hands `hasher` back untouched
/// ([`Step::Continue`]) when `max_files` files are read directly already,
/// the file system refuses `O_DIRECT` or its first read, or no reader
/// thread starts: the planner then reads the rest through the page cache.
pub(crate) fn hash_from(
    file: &File,
    before: Identity,
    mut hasher: Box<Hasher>,
    offset: u64,
    max_files: usize,
    meter: Meter,
) -> Step {
    debug_assert_eq!(offset % ALIGN as u64, 0);
    let Some(_claim) = Claim::take(max_files) else {
        return Step::Continue { hasher, offset };
    };
    let Some(mode) = DirectMode::set(file) else {
        return Step::Continue { hasher, offset };
    };
    let outcome = read_and_hash(file, offset, before.len, &mut hasher, meter);
    // Reads through the page cache from here on.
    drop(mode);
    match outcome {
        Ok(Outcome::Read(read)) => {
            Step::Done(unchanged_since(file, before, offset + read).map(|()| hasher.finalize()))
        }
        Ok(Outcome::Refused) => Step::Continue { hasher, offset },
        Err(e) => Step::Done(Err(e)),
    }
}

/// The chunk, counted from `start`, that holds byte `len`: one past the
/// length when opened, so that a file that grew is seen to.
fn last_chunk(start: u64, len: u64) -> u64 {
    len.saturating_sub(start) / READ_LEN as u64
}

/// How far the reader threads got.
enum Outcome {
    /// To the end of the file, or past the length when opened: the bytes.
    Read(u64),
    /// Nowhere: no reader thread started, or the first read was refused
    /// as invalid (a file system that takes `O_DIRECT` but not these
    /// reads). Nothing was hashed.
    Refused,
}

/// Hashes the file from `start` on into `hasher`, read by reader threads
/// started and ended here.
fn read_and_hash(
    file: &File,
    start: u64,
    len: u64,
    hasher: &mut Hasher,
    meter: Meter,
) -> Result<Outcome, ReadError> {
    let stop = AtomicBool::new(false);
    let mut buffers = take_buffers();
    let last = last_chunk(start, len);
    std::thread::scope(|scope| {
        // Set on every way out, a panic included: a reader waiting for its
        // next buffer, or about to read one, then ends.
        let _stop = StopReaders(&stop);
        let mut lanes = Vec::with_capacity(READERS);
        for first in 0..READERS {
            let (full_tx, full) = sync_channel(BUFFERS_PER_READER);
            let (free, free_rx) = sync_channel(BUFFERS_PER_READER);
            for buffer in buffers.drain(..BUFFERS_PER_READER) {
                // Each channel holds all of its reader's buffers: no send
                // ever waits, here or below.
                let _ = free.send(buffer);
            }
            let reader = ReaderThread {
                file,
                start,
                first: first as u64,
                last,
                stop: &stop,
            };
            let thread = std::thread::Builder::new()
                .spawn_scoped(scope, move || reader.run(free_rx, full_tx));
            // A reader started already ends when `lanes` is dropped.
            let Ok(reader) = thread else {
                return Ok(Outcome::Refused);
            };
            lanes.push(Feed { full, free, reader });
        }
        let hashed = hash_in_order(&lanes, last, hasher, meter);
        stop.store(true, Ordering::Release);
        for lane in lanes {
            lane.collect_buffers();
        }
        hashed
    })
}

/// Sets the readers' stop flag when dropped.
struct StopReaders<'a>(&'a AtomicBool);

impl Drop for StopReaders<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

/// One reader thread seen from the hashing thread: the buffers it filled,
/// the way to hand them back, and the thread, which returns its channel of
/// empty buffers when it ends.
struct Feed<'scope> {
    full: Receiver<Filled>,
    free: SyncSender<AlignedBuffer>,
    reader: std::thread::ScopedJoinHandle<'scope, Receiver<AlignedBuffer>>,
}

impl Feed<'_> {
    /// Ends the reader (it sees the stop flag, or the hang-up of `free`) and
    /// keeps its buffers for the next file.
    fn collect_buffers(self) {
        drop(self.free);
        if let Ok(free) = self.reader.join() {
            let filled = self.full.try_iter().flatten().map(|(buffer, _)| buffer);
            for buffer in free.try_iter().chain(filled) {
                DIRECT_BUFFERS.give_back(buffer);
            }
        }
    }
}

/// What a reader sends: a buffer and how many of its bytes the file filled
/// (fewer than [`READ_LEN`]: the end of the file), or the error of the read at
/// `offset`.
type Filled = Result<(AlignedBuffer, usize), (io::Error, u64)>;

/// One reader thread: chunks `first`, `first + READERS`, ... up to `last`,
/// chunk `k` starting `k` chunks after `start`.
struct ReaderThread<'a> {
    file: &'a File,
    start: u64,
    first: u64,
    last: u64,
    stop: &'a AtomicBool,
}

impl ReaderThread<'_> {
    /// Reads each of its chunks into a buffer from `free` and sends it to
    /// `full`, until its last chunk, the end of the file, an error, or the
    /// stop flag.
    fn run(
        self,
        free: Receiver<AlignedBuffer>,
        full: SyncSender<Filled>,
    ) -> Receiver<AlignedBuffer> {
        for chunk in (self.first..=self.last).step_by(READERS) {
            let Ok(mut buffer) = free.recv() else { break };
            if self.stop.load(Ordering::Acquire) {
                break;
            }
            let offset = self.start + chunk * READ_LEN as u64;
            match fill(self.file, buffer.get_mut(), offset) {
                Ok(filled) => {
                    let _ = full.send(Ok((buffer, filled)));
                    if filled < READ_LEN {
                        break;
                    }
                }
                Err(e) => {
                    let _ = full.send(Err((e, offset)));
                    break;
                }
            }
        }
        free
    }
}

/// Fills `buffer` from `offset` on, stopping early only at the end of the
/// file; the number of bytes read. On the file systems read directly, a
/// read stops short of an aligned end only at the end of the file; an
/// aligned short read is read on from.
fn fill(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    read_until(file, offset, buffer, |filled| filled % ALIGN != 0)
}

/// Hashes chunks 0 to `last` in file order into `hasher`, each from its
/// reader, handing every buffer back, up to the end of the file or chunk
/// `last`.
fn hash_in_order(
    lanes: &[Feed],
    last: u64,
    hasher: &mut Hasher,
    meter: Meter,
) -> Result<Outcome, ReadError> {
    let mut read = 0u64;
    for chunk in 0..=last {
        let lane = &lanes[chunk as usize % READERS];
        let (buffer, filled) = match lane.full.recv() {
            Ok(Ok(filled)) => filled,
            Ok(Err((e, _))) if chunk == 0 && e.raw_os_error() == Some(libc::EINVAL) => {
                return Ok(Outcome::Refused)
            }
            Ok(Err((e, _))) => return Err(ReadError::Io(e)),
            // Only a reader that panicked hangs up early.
            Err(_) => {
                let panicked = io::Error::other("a direct reader thread panicked");
                return Err(ReadError::Io(panicked));
            }
        };
        hasher.update(&buffer.get()[..filled]);
        read += filled as u64;
        let _ = lane.free.send(buffer);
        meter.tick(filled)?;
        if filled < READ_LEN {
            break;
        }
    }
    Ok(Outcome::Read(read))
}

/// All the buffers of one file's readers.
const BUFFERS: usize = READERS * BUFFERS_PER_READER;

/// Buffers of finished direct reads, one file's worth at most (12 MiB), kept
/// so that the next large cold file does not fault in fresh memory (2.5-3.6
/// µs a page here: 8 ms for one file's buffers).
static DIRECT_BUFFERS: BufferPool = BufferPool::new(READ_LEN, BUFFERS);

/// One file's buffers, kept ones first.
fn take_buffers() -> Vec<AlignedBuffer> {
    (0..BUFFERS).map(|_| DIRECT_BUFFERS.take()).collect()
}

/// `O_DIRECT` on a file descriptor, cleared again when dropped so that a
/// caller falling back to the usual path reads it through the page cache.
struct DirectMode<'a> {
    file: &'a File,
    flags: rustix::fs::OFlags,
}

impl<'a> DirectMode<'a> {
    /// `None` if the file system does not do direct reads.
    #[cfg(target_os = "linux")]
    fn set(file: &'a File) -> Option<DirectMode<'a>> {
        let flags = rustix::fs::fcntl_getfl(file).ok()?;
        rustix::fs::fcntl_setfl(file, flags | rustix::fs::OFlags::DIRECT).ok()?;
        Some(DirectMode { file, flags })
    }

    #[cfg(not(target_os = "linux"))]
    fn set(_file: &'a File) -> Option<DirectMode<'a>> {
        None
    }
}

impl Drop for DirectMode<'_> {
    fn drop(&mut self) {
        // Should this fail, a fallback's map ignores the flag, and its
        // aligned reads of whole buffers still work.
        let _ = rustix::fs::fcntl_setfl(self.file, self.flags);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::digest::{Algorithm, Digest};
    use crate::engine::cache::tests::cachestat_answers_for;
    use crate::engine::plan::is_cold;
    use std::os::unix::fs::FileExt;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    fn write_file(dir: &Path, bytes: &[u8]) -> (PathBuf, File) {
        let path = dir.join("f");
        std::fs::write(&path, bytes).unwrap();
        let file = File::open(&path).unwrap();
        (path, file)
    }

    fn opened(file: &File) -> Identity {
        Identity::of(file).unwrap()
    }

    /// Held by every test that reads directly through the planner: they
    /// would otherwise compete for its few direct files, and one left
    /// without would fall back.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

    pub(crate) fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
        ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `file` read directly from its start with `algorithm`, for a file
    /// whose identity when opened was `before`; panics if the file cannot
    /// be read directly here.
    fn direct(
        file: &File,
        before: Identity,
        algorithm: Algorithm,
        meter: Meter,
    ) -> Result<Digest, ReadError> {
        let hasher = Box::new(Hasher::new(algorithm));
        match hash_from(file, before, hasher, 0, usize::MAX, meter) {
            Step::Done(outcome) => outcome,
            _ => panic!("O_DIRECT works on the temp dir"),
        }
    }

    fn direct_sha1_since(file: &File, before: Identity, meter: Meter) -> Result<Digest, ReadError> {
        direct(file, before, Algorithm::Sha1, meter)
    }

    /// Drops the file's clean pages from the page cache.
    fn evict(file: &File) {
        file.sync_all().unwrap();
        rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
    }

    #[test]
    fn matches_the_reference_at_every_chunk_edge() {
        let _serial = one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        for len in [
            0,
            1,
            ALIGN - 1,
            ALIGN,
            ALIGN + 1,
            READ_LEN - 1,
            READ_LEN,
            READ_LEN + 1,
            2 * READ_LEN - 1,
            2 * READ_LEN,
            2 * READ_LEN + 1,
            // More chunks than buffers: every buffer comes back and is reused.
            BUFFERS * READ_LEN * 2 + 3 * ALIGN + 5,
        ] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let (_, file) = write_file(dir.path(), &bytes);
            evict(&file);
            let digest = direct_sha1_since(&file, opened(&file), Meter::NONE).unwrap();
            assert_eq!(digest, crate::reference::sha1(&bytes), "length {len}");
        }
    }

    /// The rest of a file from an offset, into a hasher holding the bytes
    /// before it (a map's hand-off), read directly or through the page
    /// cache, gives the whole file's digest and counts the rest once.
    #[test]
    fn the_rest_from_an_offset_completes_the_digest() {
        let _serial = one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        for len in [
            ALIGN + 1,
            READ_LEN,
            2 * READ_LEN + 3 * ALIGN + 1,
            5 * READ_LEN,
        ] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 17 % 239) as u8).collect();
            let (_, file) = write_file(dir.path(), &bytes);
            let reference = crate::reference::sha1(&bytes);
            for offset in [ALIGN, READ_LEN, 2 * READ_LEN + ALIGN]
                .into_iter()
                .filter(|&o| o <= len)
            {
                for direct in [true, false] {
                    let mut hasher = Box::new(Hasher::new(Algorithm::Sha1));
                    hasher.update(&bytes[..offset]);
                    let counted = std::sync::atomic::AtomicU64::new(0);
                    let running = AtomicBool::new(false);
                    let meter = Meter::new(Some(&counted), &running);
                    let before = opened(&file);
                    let at = offset as u64;
                    let digest = if direct {
                        match hash_from(&file, before, hasher, at, usize::MAX, meter) {
                            Step::Done(outcome) => outcome,
                            _ => panic!("O_DIRECT works on the temp dir"),
                        }
                    } else {
                        let mut buffer = crate::engine::io::READ_BUFFERS.take();
                        crate::engine::buffered::stream(
                            &file,
                            before,
                            hasher,
                            at,
                            buffer.get_mut(),
                            meter,
                        )
                    };
                    let what = format!("length {len}, offset {offset}, direct {direct}");
                    assert_eq!(digest.unwrap(), reference, "{what}");
                    assert_eq!(
                        counted.load(Ordering::Relaxed),
                        (len - offset) as u64,
                        "{what}"
                    );
                }
            }
        }
    }

    #[test]
    fn other_algorithms_read_directly_too() {
        let _serial = one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..3 * READ_LEN + 17)
            .map(|i| (i * 7 % 253) as u8)
            .collect();
        let (_, file) = write_file(dir.path(), &bytes);
        for algorithm in Algorithm::ALL {
            let digest = direct(&file, opened(&file), algorithm, Meter::NONE).unwrap();
            assert_eq!(
                digest,
                crate::hash_bytes(algorithm, &bytes),
                "{algorithm:?}"
            );
        }
    }

    #[test]
    fn the_file_is_read_as_usual_again_afterwards() {
        let _serial = one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        let (_, file) = write_file(dir.path(), &[7; 3 * ALIGN + 1]);
        let flags = rustix::fs::fcntl_getfl(&file).unwrap();
        direct_sha1_since(&file, opened(&file), Meter::NONE).unwrap();
        assert_eq!(rustix::fs::fcntl_getfl(&file).unwrap(), flags);
        assert!(!flags.contains(rustix::fs::OFlags::DIRECT));
    }

    #[test]
    fn a_file_cut_short_or_grown_since_opening_is_changed() {
        let _serial = one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        for new_len in [
            0,
            5,
            READ_LEN as u64,
            2 * READ_LEN as u64 + 2,
            4 * READ_LEN as u64,
        ] {
            let (path, file) = write_file(dir.path(), &vec![3; 2 * READ_LEN + 1]);
            let before = opened(&file);
            File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(new_len)
                .unwrap();
            let result = direct_sha1_since(&file, before, Meter::NONE);
            assert!(
                matches!(result, Err(ReadError::Changed)),
                "{new_len}: {result:?}"
            );
        }
    }

    /// The same length, rewritten in place after opening: the time moved.
    #[test]
    fn a_file_rewritten_since_opening_is_changed() {
        let _serial = one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        let (path, file) = write_file(dir.path(), &vec![3; READ_LEN + 9]);
        let before = opened(&file);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let writer = File::options().write(true).open(&path).unwrap();
        writer.write_all_at(&[4], 100).unwrap();
        let result = direct_sha1_since(&file, before, Meter::NONE);
        assert!(matches!(result, Err(ReadError::Changed)), "{result:?}");
    }

    #[test]
    fn a_cancelled_run_stops_with_an_error() {
        let _serial = one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        let (_, file) = write_file(dir.path(), &vec![1; 4 * READ_LEN]);
        let bytes = std::sync::atomic::AtomicU64::new(0);
        let cancel = AtomicBool::new(true);
        let result = direct_sha1_since(&file, opened(&file), Meter::new(Some(&bytes), &cancel));
        match result {
            Err(ReadError::Io(e)) => assert_eq!(e.kind(), io::ErrorKind::Interrupted),
            other => panic!("{other:?}"),
        }
        // Stopped after the first chunk, not at the end.
        assert_eq!(bytes.load(Ordering::Relaxed), READ_LEN as u64);
        // And the file is read as usual afterwards.
        assert!(!rustix::fs::fcntl_getfl(&file)
            .unwrap()
            .contains(rustix::fs::OFlags::DIRECT));
    }

    #[test]
    fn is_cold_tells_an_evicted_file_from_a_cached_one() {
        let _serial = one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        let bytes = vec![9; 4 * READ_LEN];
        let (path, file) = write_file(dir.path(), &bytes);
        if !cachestat_answers_for(&file) {
            // Before Linux 6.5, or on tmpfs: never cold, never read directly.
            assert!(!is_cold(&file, bytes.len() as u64));
            return;
        }
        evict(&file);
        assert!(is_cold(&file, bytes.len() as u64));
        // A direct read leaves the page cache as it was.
        direct_sha1_since(&file, opened(&file), Meter::NONE).unwrap();
        assert!(is_cold(&file, bytes.len() as u64));
        std::fs::read(&path).unwrap();
        assert!(!is_cold(&file, bytes.len() as u64));
    }

    /// A file that keeps growing while it is read: reading stops at the
    /// chunk holding the byte after the length when opened, and the file is
    /// reported changed, however fast the writer.
    #[test]
    fn a_growing_file_is_read_only_past_its_opened_length() {
        let _serial = one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        let len = 2 * READ_LEN + 5;
        let (path, file) = write_file(dir.path(), &vec![5; len]);
        let before = opened(&file);
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let stop = Arc::clone(&stop);
            let mut out = File::options().append(true).open(&path).unwrap();
            std::thread::spawn(move || {
                use std::io::Write;
                let block = vec![6; READ_LEN];
                while !stop.load(Ordering::Relaxed) {
                    out.write_all(&block).unwrap();
                }
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(20));
        let bytes = std::sync::atomic::AtomicU64::new(0);
        let running = AtomicBool::new(false);
        let result = direct_sha1_since(&file, before, Meter::new(Some(&bytes), &running));
        stop.store(true, Ordering::Relaxed);
        writer.join().unwrap();
        assert!(matches!(result, Err(ReadError::Changed)), "{result:?}");
        let read = bytes.load(Ordering::Relaxed);
        assert_eq!(
            read,
            3 * READ_LEN as u64,
            "the chunks up to the opened length's"
        );
    }

    /// The trap of `tests/faults.rs`, on the direct path: the listed bytes
    /// end in zeros, and the file flips between prefixes of them and their
    /// full length with the last byte 1. A reader that took a short read for
    /// the whole file, or kept zeros of a cut buffer, would get the listed
    /// digest; no result may be that digest.
    #[test]
    fn a_file_cut_and_restored_while_read_never_gives_the_listed_digest() {
        let _serial = one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        let len = 3 * READ_LEN + 7;
        let mut listed: Vec<u8> = (0..len).map(|i| (i * 13 % 241) as u8 + 1).collect();
        listed[len / 2..].fill(0);
        let listed_digest = crate::reference::sha1(&listed);
        let mut full = listed.clone();
        full[len - 1] = 1;
        let (path, _) = write_file(dir.path(), &full);
        let stop = Arc::new(AtomicBool::new(false));
        let mutator = {
            let stop = Arc::clone(&stop);
            let writer = File::options().write(true).open(&path).unwrap();
            std::thread::spawn(move || {
                let mut cut = len as u64 / 3;
                while !stop.load(Ordering::Relaxed) {
                    writer.set_len(cut).unwrap();
                    std::thread::yield_now();
                    writer.write_all_at(&[1], len as u64 - 1).unwrap();
                    cut = (cut * 7 + 4093) % len as u64;
                    std::thread::sleep(std::time::Duration::from_micros(200));
                }
            })
        };
        let mut outcomes = [0u32; 3];
        for _ in 0..200 {
            let file = File::open(&path).unwrap();
            match direct_sha1_since(&file, opened(&file), Meter::NONE) {
                Ok(digest) => {
                    assert_ne!(digest, listed_digest, "a false OK");
                    outcomes[0] += 1;
                }
                Err(ReadError::Changed) => outcomes[1] += 1,
                Err(ReadError::Io(_)) => outcomes[2] += 1,
            }
        }
        stop.store(true, Ordering::Relaxed);
        mutator.join().unwrap();
        println!("direct reads while mutated: {outcomes:?} (digest, changed, error)");
        assert!(
            outcomes[1] > 0,
            "the mutator never raced a read: {outcomes:?}"
        );
    }
}
