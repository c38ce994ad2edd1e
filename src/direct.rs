//! Hashing a large file that is not in the page cache: read with `O_DIRECT`
//! by a reader thread into a few recycled buffers, hashed as they arrive.
//!
//! Why not the page cache, as for every other file: on a virtual machine
//! whose host reclaims the memory the guest frees (free page reporting, as
//! here), a page the guest reuses costs a fault in the host on its first
//! touch. A cold file read through the page cache lands in such pages, and
//! touching them cost more than hashing them (1 GiB after the memory had been
//! free a few seconds: 1.6-1.8 s of system time for `dd`, against 0.15 s
//! right after it was freed). Direct reads land in the same few buffers every
//! time, already touched, so the disk is the only cost, and a verification
//! of a large cold download leaves the page cache as it found it.
//!
//! Only files that are mostly not cached take this path ([`is_cold`], one
//! `cachestat(2)` call): a cached file is faster from a map. Where the kernel
//! or the file system refuses either call, the file takes the usual path.
//!
//! The reader thread and the hashing thread pass buffers over two bounded
//! channels (std's `mpsc`, crossbeam's channels since Rust 1.72): filled
//! ones one way, empty ones back. The file's identity is compared before and
//! after, as for any file read in pieces, so a change is reported as such.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Mutex;

use crate::digest::{Algorithm, Digest};
use crate::hasher::Hasher;
use crate::root::Identity;
use crate::source::{Meter, ReadError};

/// From this size on, a file that is not cached is read directly: the
/// reader thread and its buffers pay for themselves (the size from which
/// [`crate::mapped`] starts its prefetch thread, for the same reason).
pub(crate) const DIRECT_MIN: u64 = 64 * 1024 * 1024;

/// Bytes per direct read. The disk here delivered 1.6-1.9 GB/s to 1 MiB
/// reads, against 1.3 GB/s to 256 KiB and 1.5 GB/s to 2-8 MiB (`dd
/// iflag=direct`, 2026-12-05).
const CHUNK: usize = 1024 * 1024;

/// Buffers per file: reads in flight or waiting to be hashed, so that a
/// stall of a few milliseconds on either side does not stop the other.
const BUFFERS: usize = 8;

/// Files read directly at once, whatever the number of workers: with
/// [`BUFFERS`] of [`CHUNK`] each, at most 32 MiB of buffers.
const MAX_FILES: usize = 4;

/// Alignment of buffers, offsets and lengths for `O_DIRECT`: the largest
/// logical block size of common devices.
const ALIGN: usize = 4096;

/// Whether most of the first `len` bytes of `file` are not in the page
/// cache; `false` when the kernel cannot say (before Linux 6.5).
pub(crate) fn is_cold(file: &File, len: u64) -> bool {
    match cached_bytes(file, len) {
        Some(cached) => cached < len / 2,
        None => false,
    }
}

/// The bytes of the first `len` bytes of `file` that the page cache holds.
#[cfg(target_os = "linux")]
fn cached_bytes(file: &File, len: u64) -> Option<u64> {
    use std::os::fd::AsRawFd;

    /// `struct cachestat_range` and `struct cachestat` of `<linux/mman.h>`.
    #[repr(C)]
    struct Range {
        off: u64,
        len: u64,
    }
    #[repr(C)]
    #[derive(Default)]
    struct Stat {
        nr_cache: u64,
        nr_dirty: u64,
        nr_writeback: u64,
        nr_evicted: u64,
        nr_recently_evicted: u64,
    }
    /// `cachestat` has this number on every architecture (Linux 6.5).
    const SYS_CACHESTAT: libc::c_long = 451;

    let range = Range { off: 0, len };
    let mut stat = Stat::default();
    // SAFETY: both pointers are to live values of the layouts the kernel
    // expects; the kernel only reads `range` and writes `stat`.
    let done = unsafe {
        libc::syscall(
            SYS_CACHESTAT,
            file.as_raw_fd(),
            &range as *const Range,
            &mut stat as *mut Stat,
            0 as libc::c_uint,
        )
    };
    // SAFETY: sysconf reads a constant of the system.
    let page_size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as u64;
    (done == 0).then(|| stat.nr_cache.saturating_mul(page_size))
}

#[cfg(not(target_os = "linux"))]
fn cached_bytes(_file: &File, _len: u64) -> Option<u64> {
    None
}

/// Files being read directly now, at most [`MAX_FILES`].
static DIRECT_FILES: AtomicUsize = AtomicUsize::new(0);

/// A claim on one of the [`MAX_FILES`] slots, given back when dropped.
struct Slot;

impl Slot {
    fn claim() -> Option<Slot> {
        DIRECT_FILES
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |files| {
                (files < MAX_FILES).then_some(files + 1)
            })
            .ok()
            .map(|_| Slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        DIRECT_FILES.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Hashes `file`, whose identity was `before` when it was opened, read with
/// `O_DIRECT`; `None`, having hashed nothing, when the file cannot be read
/// that way (the caller then reads it as usual). Any change since `before`
/// makes the result [`ReadError::Changed`].
pub(crate) fn hash_direct(
    file: &File,
    before: Identity,
    algorithm: Algorithm,
    meter: Meter,
) -> Option<Result<Digest, ReadError>> {
    let _slot = Slot::claim()?;
    let _direct = DirectMode::set(file)?;
    let stop = AtomicBool::new(false);
    let stop = &stop;
    let read = std::thread::scope(|scope| {
        let (full_tx, full_rx) = sync_channel(BUFFERS);
        let (free_tx, free_rx) = sync_channel(BUFFERS);
        for buffer in Buffers::take() {
            // Room for every buffer, and the receiver is alive.
            let _ = free_tx.send(buffer);
        }
        // A thread that cannot start leaves the file to the usual path.
        let reader = std::thread::Builder::new()
            .spawn_scoped(scope, move || {
                read_ahead(file, &free_rx, full_tx, stop);
                free_rx
            })
            .ok()?;
        let read = hash_arriving(&full_rx, &free_tx, algorithm, meter);
        // The reader is waiting for a buffer or reading one: it sees the
        // flag or the hang-up and ends.
        stop.store(true, Ordering::Release);
        drop(free_tx);
        if let Ok(free_rx) = reader.join() {
            Buffers::give_back(
                free_rx
                    .try_iter()
                    .chain(full_rx.try_iter().flatten().map(|(b, _)| b)),
            );
        }
        read
    })?;
    Some(read.and_then(|(digest, read)| {
        let after = Identity::of(file).map_err(ReadError::Io)?;
        if read != before.len || after != before {
            return Err(ReadError::Changed);
        }
        Ok(digest)
    }))
}

/// A page-aligned buffer of [`CHUNK`] bytes.
struct Buffer {
    bytes: Vec<u8>,
    start: usize,
}

impl Buffer {
    fn new() -> Buffer {
        let bytes = vec![0; CHUNK + ALIGN];
        let start = bytes.as_ptr().align_offset(ALIGN).min(ALIGN);
        Buffer { bytes, start }
    }

    fn get(&self) -> &[u8] {
        &self.bytes[self.start..self.start + CHUNK]
    }

    fn get_mut(&mut self) -> &mut [u8] {
        &mut self.bytes[self.start..self.start + CHUNK]
    }
}

/// Buffers of finished direct reads, kept so that the next large cold file
/// does not fault in fresh memory (2.5-3.6 µs a page here, 10 ms for one
/// file's buffers). `try_lock` only, as for the read buffers of
/// [`crate::source`]: a lock lost in a `fork` makes the child allocate.
static SPARE: Mutex<Vec<Buffer>> = Mutex::new(Vec::new());

/// Taking the buffers of one direct read from [`SPARE`], and giving them back.
struct Buffers;

impl Buffers {
    fn take() -> Vec<Buffer> {
        let mut taken = Vec::with_capacity(BUFFERS);
        if let Ok(mut spare) = SPARE.try_lock() {
            let keep = spare.len().saturating_sub(BUFFERS);
            taken.extend(spare.drain(keep..));
        }
        taken.resize_with(BUFFERS, Buffer::new);
        taken
    }

    /// Keeps `buffers` for later, up to one file's worth.
    fn give_back(buffers: impl Iterator<Item = Buffer>) {
        if let Ok(mut spare) = SPARE.try_lock() {
            let room = BUFFERS.saturating_sub(spare.len());
            spare.extend(buffers.take(room));
        }
    }
}

/// `O_DIRECT` on a file descriptor, cleared again when dropped so that a
/// caller falling back to the usual path reads it as usual.
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
        // Only the caller's fallback reads after this, and a failure here
        // shows there as an error of its own.
        let _ = rustix::fs::fcntl_setfl(self.file, self.flags);
    }
}

/// What the reader thread sends: a buffer and how many of its bytes the
/// file filled (fewer than [`CHUNK`]: the end of the file), or the error of
/// the read at `offset`.
type Filled = Result<(Buffer, usize), (io::Error, u64)>;

/// Reads the file chunk by chunk into the buffers `free` hands over and
/// sends each to `full`, until the end of the file, an error, or `stop`.
fn read_ahead(file: &File, free: &Receiver<Buffer>, full: SyncSender<Filled>, stop: &AtomicBool) {
    let mut offset = 0u64;
    while let Ok(mut buffer) = free.recv() {
        if stop.load(Ordering::Acquire) {
            return;
        }
        let filled = match fill(file, buffer.get_mut(), offset) {
            Ok(filled) => filled,
            Err(e) => {
                let _ = full.send(Err((e, offset)));
                return;
            }
        };
        offset += filled as u64;
        if full.send(Ok((buffer, filled))).is_err() || filled < CHUNK {
            return;
        }
    }
}

/// Fills `buffer` from `offset` on, stopping early only at the end of the
/// file; the number of bytes read.
fn fill(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read_at(&mut buffer[filled..], offset + filled as u64) {
            Ok(0) => break,
            // A direct read stops short of an aligned end only at the end of
            // the file; an aligned short read is read on from.
            Ok(n) if (filled + n) % ALIGN != 0 => return Ok(filled + n),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Hashes the buffers arriving on `full` in order, handing each back on
/// `free`: the digest and the bytes read, or `None` if the very first read
/// was refused as invalid (a file system that accepts `O_DIRECT` but not
/// these reads), so the caller reads the file as usual.
fn hash_arriving(
    full: &Receiver<Filled>,
    free: &SyncSender<Buffer>,
    algorithm: Algorithm,
    meter: Meter,
) -> Option<Result<(Digest, u64), ReadError>> {
    let mut hasher = Hasher::new(algorithm);
    let mut read = 0u64;
    // The reader sends a short buffer last, or an error.
    for filled in full.iter() {
        let (buffer, filled) = match filled {
            Ok(filled) => filled,
            Err((e, 0)) if e.raw_os_error() == Some(libc::EINVAL) => return None,
            Err((e, _)) => return Some(Err(ReadError::Io(e))),
        };
        hasher.update(&buffer.get()[..filled]);
        read += filled as u64;
        if let Err(stopped) = meter.tick(filled) {
            return Some(Err(stopped));
        }
        let end = filled < CHUNK;
        // After the end the reader is gone; the buffer is collected later.
        let _ = free.send(buffer);
        if end {
            return Some(Ok((hasher.finalize(), read)));
        }
    }
    // Only a reader that panicked hangs up without either.
    Some(Err(ReadError::Io(io::Error::other(
        "the direct reader stopped before the end of the file",
    ))))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
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

    /// `hash_direct` with SHA-1 for a file whose identity when opened was
    /// `before`; panics if the file cannot be read directly here.
    fn direct_sha1_since(file: &File, before: Identity, meter: Meter) -> Result<Digest, ReadError> {
        hash_direct(file, before, Algorithm::Sha1, meter).expect("O_DIRECT works on the temp dir")
    }

    /// Drops the file's clean pages from the page cache.
    fn evict(file: &File) {
        file.sync_all().unwrap();
        rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
    }

    /// Whether this kernel has `cachestat(2)` (Linux 6.5), from its release:
    /// the tests that need it skip only where the kernel is older.
    pub(crate) fn kernel_has_cachestat() -> bool {
        let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let mut numbers = release.split(|c: char| !c.is_ascii_digit());
        let major: u32 = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        let minor: u32 = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        (major, minor) >= (6, 5)
    }

    #[test]
    fn the_page_cache_is_asked_where_the_kernel_can_answer() {
        let dir = tempfile::tempdir().unwrap();
        let (_, file) = write_file(dir.path(), &[1; 3 * ALIGN]);
        let cached = cached_bytes(&file, 3 * ALIGN as u64);
        assert_eq!(cached.is_some(), kernel_has_cachestat(), "{cached:?}");
        if let Some(cached) = cached {
            assert_eq!(
                cached,
                3 * ALIGN as u64,
                "a file just written is all cached"
            );
        }
    }

    #[test]
    fn matches_the_reference_at_every_chunk_edge() {
        let dir = tempfile::tempdir().unwrap();
        for len in [
            0,
            1,
            ALIGN - 1,
            ALIGN,
            ALIGN + 1,
            CHUNK - 1,
            CHUNK,
            CHUNK + 1,
            // More chunks than buffers: every buffer comes back and is reused.
            BUFFERS * CHUNK * 2 + 3 * ALIGN + 5,
        ] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let (_, file) = write_file(dir.path(), &bytes);
            evict(&file);
            let digest = direct_sha1_since(&file, opened(&file), Meter::NONE).unwrap();
            assert_eq!(digest, crate::reference::sha1(&bytes), "length {len}");
        }
    }

    #[test]
    fn other_algorithms_read_directly_too() {
        let dir = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..3 * CHUNK + 17).map(|i| (i * 7 % 253) as u8).collect();
        let (_, file) = write_file(dir.path(), &bytes);
        for algorithm in Algorithm::ALL {
            let digest = hash_direct(&file, opened(&file), algorithm, Meter::NONE)
                .expect("direct")
                .unwrap();
            assert_eq!(
                digest,
                crate::hash_bytes(algorithm, &bytes),
                "{algorithm:?}"
            );
        }
    }

    #[test]
    fn the_file_is_read_as_usual_again_afterwards() {
        let dir = tempfile::tempdir().unwrap();
        let (_, file) = write_file(dir.path(), &[7; 3 * ALIGN + 1]);
        let flags = rustix::fs::fcntl_getfl(&file).unwrap();
        direct_sha1_since(&file, opened(&file), Meter::NONE).unwrap();
        assert_eq!(rustix::fs::fcntl_getfl(&file).unwrap(), flags);
        assert!(!flags.contains(rustix::fs::OFlags::DIRECT));
    }

    #[test]
    fn a_file_cut_short_or_grown_since_opening_is_changed() {
        let dir = tempfile::tempdir().unwrap();
        for new_len in [0, 5, CHUNK as u64, 2 * CHUNK as u64 + 1, 4 * CHUNK as u64] {
            let (path, file) = write_file(dir.path(), &vec![3; 2 * CHUNK + 1]);
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
        let dir = tempfile::tempdir().unwrap();
        let (path, file) = write_file(dir.path(), &vec![3; CHUNK + 9]);
        let before = opened(&file);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let writer = File::options().write(true).open(&path).unwrap();
        writer.write_all_at(&[4], 100).unwrap();
        let result = direct_sha1_since(&file, before, Meter::NONE);
        assert!(matches!(result, Err(ReadError::Changed)), "{result:?}");
    }

    #[test]
    fn a_cancelled_run_stops_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (_, file) = write_file(dir.path(), &vec![1; 4 * CHUNK]);
        let bytes = std::sync::atomic::AtomicU64::new(0);
        let cancel = AtomicBool::new(true);
        let result = direct_sha1_since(&file, opened(&file), Meter::new(Some(&bytes), &cancel));
        match result {
            Err(ReadError::Io(e)) => assert_eq!(e.kind(), io::ErrorKind::Interrupted),
            other => panic!("{other:?}"),
        }
        // Stopped after the first chunk, not at the end.
        assert_eq!(bytes.load(Ordering::Relaxed), CHUNK as u64);
    }

    #[test]
    fn is_cold_tells_an_evicted_file_from_a_cached_one() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = vec![9; 4 * CHUNK];
        let (path, file) = write_file(dir.path(), &bytes);
        if !kernel_has_cachestat() {
            // Before Linux 6.5: never cold, so never read directly.
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

    /// The trap of `tests/faults.rs`, on the direct path: the listed bytes
    /// end in zeros, and the file flips between prefixes of them and their
    /// full length with the last byte 1. A reader that took a short read for
    /// the whole file, or kept zeros of a cut buffer, would get the listed
    /// digest; no result may be that digest.
    #[test]
    fn a_file_cut_and_restored_while_read_never_gives_the_listed_digest() {
        let dir = tempfile::tempdir().unwrap();
        let len = 3 * CHUNK + 7;
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
