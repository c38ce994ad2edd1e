//! Hashing a large file straight from a memory map.
//!
//! Compared with `read(2)` into a buffer, a map saves the copy from the page
//! cache (about a tenth of the cost of SHA-NI hashing) and lets the kernel
//! read ahead without a second thread. The map is walked in windows: each
//! window is populated in one system call (`MADV_POPULATE_READ`, cheaper than
//! one page fault per 16 pages). For a large file a second thread populates
//! windows ahead of the hashing thread, so that page-table work and the disk
//! reads of a cold file overlap hashing (no `MADV_WILLNEED`: see
//! [`crate::source`] for why read-ahead is left to the kernel). That thread
//! also reads one byte of every page it populated: on a virtual machine
//! whose host backs guest memory lazily, the first touch of a page freshly
//! read from disk can cost microseconds (measured here: up to a second per
//! GiB, more than hashing it), and it had better be paid on the idle core.
//! It also times those touches: for a cold file that may be read directly,
//! once [`SLOW_WINDOWS_TO_HAND_OFF`] windows were slow to touch, the hashing
//! thread stops at its next window and hands its hasher to
//! [`crate::direct`], which reads the rest with `O_DIRECT` into buffers
//! touched long ago.
//!
//! A file truncated while it is mapped would raise `SIGBUS`; [`crate::sigbus`]
//! turns that into zeros plus a flag, and an `fstat` before and after catches
//! any rewrite, so such a file is reported as changed and its digest dropped.

use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use memmap2::{Advice, Mmap, MmapOptions};

use crate::digest::{Algorithm, Digest};
use crate::direct::Direct;
use crate::hasher::Hasher;
use crate::root::Identity;
use crate::sigbus::Guard;
use crate::source::{Meter, ReadError};

/// Bytes populated and hashed at a time: large enough that the `madvise` calls
/// vanish, small enough that the read-ahead of the next window starts early.
const WINDOW: usize = 4 * 1024 * 1024;

/// What to compute over a map, and on how many threads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HashPlan {
    pub algorithm: Algorithm,
    /// Threads one file may be hashed on (only algorithms that
    /// [hash in parallel](Algorithm::hashes_in_parallel) use more than one).
    pub threads: usize,
}

impl HashPlan {
    #[cfg(test)]
    pub fn one_thread(algorithm: Algorithm) -> HashPlan {
        HashPlan {
            algorithm,
            threads: 1,
        }
    }

    /// Whether one file is hashed on several threads.
    pub fn parallel(self) -> bool {
        self.threads > 1 && self.algorithm.hashes_in_parallel()
    }

    /// Bytes hashed per step: with several threads, pieces large enough
    /// that starting them costs about 1% ([`Hasher::update_parallel`]).
    fn step(self) -> usize {
        if self.parallel() {
            PARALLEL_STEP
        } else {
            WINDOW
        }
    }
}

/// The step of a file hashed on several threads.
const PARALLEL_STEP: usize = 4 * WINDOW;

/// [`hash_mapped_or_hand_off`] that never hands off.
#[cfg(test)]
pub(crate) fn hash_mapped(
    file: &File,
    before: Identity,
    plan: HashPlan,
    meter: Meter,
) -> Option<Result<Digest, ReadError>> {
    hash_mapped_or_hand_off(file, before, plan, meter, false)
}

/// Hashes `file`, whose identity was `before` when it was opened, from a
/// memory map; `None` when the file cannot be mapped safely (the caller then
/// reads it). Any change since `before` makes the result [`ReadError::Changed`].
/// If `may_hand_off` (a file not in the page cache), the rest of the file is
/// read with `O_DIRECT` once first touching the map's fresh pages proves
/// costly (see [`SLOW_TOUCH`]).
pub(crate) fn hash_mapped_or_hand_off(
    file: &File,
    before: Identity,
    plan: HashPlan,
    meter: Meter,
    may_hand_off: bool,
) -> Option<Result<Digest, ReadError>> {
    let len = usize::try_from(before.len).ok().filter(|&len| len > 0)?;
    // SAFETY: another process may change the file while it is mapped. A
    // truncation is caught by the SIGBUS guard registered before the first
    // access; other changes only change the bytes we hash, and the fstat
    // re-check below reports the file as changed.
    let map = unsafe { MmapOptions::new().len(len).map(file) }.ok()?;
    let guard = Guard::register(map.as_ptr(), map.len())?;
    let hashed = match hash_windows(&map, &guard, plan, meter, may_hand_off) {
        // A fault taken by the prefetch thread may flag the guard just after
        // the hashing thread last looked; that thread is joined now, so the
        // flag is final.
        Ok(_) if guard.faulted() => Err(Cut::Fault),
        hashed => hashed,
    };
    drop(guard);
    drop(map);
    Some(match hashed {
        Ok(Hashed::Whole(digest)) => concluded(file, before, Ok(digest)),
        Ok(Hashed::Part(hasher, offset)) => hand_off(file, before, *hasher, offset as u64, meter),
        Err(cut) => concluded(file, before, Err(cut)),
    })
}

/// Reads the rest of `file`, from `offset` on, into `hasher`: directly if
/// the file can be set up for it, else through the page cache.
fn hand_off(
    file: &File,
    before: Identity,
    hasher: Hasher,
    offset: u64,
    meter: Meter,
) -> Result<Digest, ReadError> {
    match Direct::begin(file) {
        Some(direct) => direct.finish(before, hasher, offset, meter),
        None => crate::source::hash_rest(file, before, hasher, offset, meter),
    }
}

/// The outcome of hashing a whole map: its digest if the file is still the
/// one it was `before`.
fn concluded(
    file: &File,
    before: Identity,
    hashed: Result<Digest, Cut>,
) -> Result<Digest, ReadError> {
    let after = Identity::of(file).map_err(ReadError::Io)?;
    match hashed {
        _ if after != before => Err(ReadError::Changed),
        Ok(digest) => Ok(digest),
        // Still the same file: the fault was a disk error under the page cache.
        Err(Cut::Fault) => Err(ReadError::Io(io::Error::from_raw_os_error(libc::EIO))),
        Err(Cut::BeyondEnd) => Err(ReadError::Changed),
        Err(Cut::Stopped(error)) => Err(error),
    }
}

/// How far a map was hashed.
enum Hashed {
    /// All of it.
    Whole(Digest),
    /// Up to this offset, where fresh pages proved costly: the hasher of
    /// the bytes before it, for the rest to be read otherwise.
    Part(Box<Hasher>, usize),
}

/// Why hashing a map stopped early.
#[derive(Debug)]
enum Cut {
    /// The meter said stop (the run was cancelled).
    Stopped(ReadError),
    /// A page could not be populated: the file is shorter than the map now.
    BeyondEnd,
    /// A `SIGBUS` hit the map; what was hashed includes zeros, not the file.
    Fault,
}

/// From this size on, a second thread populates the map's page tables ahead
/// of the hashing thread: for one large file that work, and for a cold file
/// the disk reads it waits for, then run on an otherwise idle core.
pub(crate) const PREFETCH_THREAD_MIN: usize = 64 * 1024 * 1024;

/// How far the prefetch thread may run ahead of hashing: far enough to keep
/// the disk busy, not so far that a file larger than memory evicts its own
/// pages before they are hashed.
const PREFETCH_AHEAD: usize = 16 * WINDOW;

/// What the hashing thread and the prefetch thread tell each other.
#[derive(Default)]
struct Progress {
    /// The end of the last window the prefetch thread populated; every
    /// window before it was populated by one thread or the other.
    populated: AtomicUsize,
    /// The end of the step the hashing thread is on (it faults in whatever
    /// of that step the prefetch thread has not touched yet).
    started: AtomicUsize,
    /// Bytes from the start already hashed.
    hashed: AtomicUsize,
    /// Set when hashing ended, early or not.
    done: AtomicBool,
    /// Windows whose first touch was slow (see [`SLOW_TOUCH`]).
    slow_windows: AtomicUsize,
}

/// A window whose touch takes the prefetch thread more CPU time than this
/// has pages that were costly to touch for the first time: 4 MiB took 10-20
/// µs to touch once populated, 0.1-1 ms now and then, and 6.2-6.8 ms when
/// the host had reclaimed the memory under the page cache (a C loop,
/// 2026-12-05).
const SLOW_TOUCH: Duration = Duration::from_millis(2);

/// Slow windows after which the rest of a file whose hashing may hand off
/// goes to direct reads: enough that a few unlucky pages do not turn a cheap
/// read into a slower one, few enough that the costly case loses little.
const SLOW_WINDOWS_TO_HAND_OFF: usize = 3;

/// The digest of the whole map, unless it stopped being the file's contents,
/// or, if `may_hand_off`, the hasher of the part hashed when fresh pages
/// proved costly.
fn hash_windows(
    map: &Mmap,
    guard: &Guard,
    plan: HashPlan,
    meter: Meter,
    may_hand_off: bool,
) -> Result<Hashed, Cut> {
    // Only advice: a failure costs speed, never correctness. It doubles the
    // kernel's read-ahead for faults in the map; a map of one window is
    // populated in one call, which reads around it anyway.
    if map.len() > WINDOW {
        let _ = map.advise(Advice::Sequential);
    }
    let progress = Progress::default();
    // Hashing on several threads leaves no core idle for a prefetch thread.
    if map.len() < PREFETCH_THREAD_MIN || plan.parallel() {
        return hash_windows_alone(map, guard, plan, meter, &progress, None, false);
    }
    std::thread::scope(|scope| {
        // A thread that cannot start only costs the overlap.
        let prefetch = std::thread::Builder::new()
            .spawn_scoped(scope, || populate_ahead(map, &progress, may_hand_off))
            .ok();
        let prefetch = prefetch.as_ref().map(|handle| handle.thread());
        // Stops the prefetch thread on every way out, a panic included:
        // the scope waits for it, so a thread left parked would hang the call.
        let _stop = StopPrefetch {
            progress: &progress,
            thread: prefetch,
        };
        hash_windows_alone(map, guard, plan, meter, &progress, prefetch, may_hand_off)
    })
}

/// Tells the prefetch thread that hashing ended, when dropped.
struct StopPrefetch<'a> {
    progress: &'a Progress,
    thread: Option<&'a std::thread::Thread>,
}

impl Drop for StopPrefetch<'_> {
    fn drop(&mut self) {
        self.progress.done.store(true, Ordering::Release);
        if let Some(thread) = self.thread {
            thread.unpark();
        }
    }
}

/// Populates every window in order, at most [`PREFETCH_AHEAD`] bytes ahead of
/// hashing, and touches its pages, until hashing ends. Windows the hashing
/// thread has already started are skipped: when touching is the slower of
/// the two, the threads share it instead of both waiting on the same pages.
/// Purely an optimisation: errors are left for the hashing thread to meet and
/// report (a page truncated away faults here as it would there, and the
/// guard absorbs it on any thread). With `time_touches`, counts the windows
/// slow to touch, for a hashing thread that may hand off.
fn populate_ahead(map: &Mmap, progress: &Progress, time_touches: bool) {
    let mut offset = 0;
    while !progress.done.load(Ordering::Acquire) {
        offset = offset.max(progress.started.load(Ordering::Acquire));
        if offset >= map.len() {
            return;
        }
        if offset >= progress.hashed.load(Ordering::Acquire) + PREFETCH_AHEAD {
            // Woken by the hashing thread after each step and when it ends.
            std::thread::park();
            continue;
        }
        let len = WINDOW.min(map.len() - offset);
        if let Err(e) = map.advise_range(Advice::PopulateRead, offset, len) {
            // Before Linux 5.14 there is no such call, and the touches below
            // fault the pages in instead; any other failure (a file cut
            // short) is for the hashing thread to meet.
            if e.raw_os_error() != Some(libc::EINVAL) {
                return;
            }
        }
        progress.populated.store(offset + len, Ordering::Release);
        let window = &map[offset..offset + len];
        if !time_touches {
            touch_pages(window);
        } else if touch_is_slow(window)
            && progress.slow_windows.fetch_add(1, Ordering::AcqRel) + 1 >= SLOW_WINDOWS_TO_HAND_OFF
        {
            // The rest is for direct reads: touching more costly pages
            // ahead would be for nothing.
            return;
        }
        offset += len;
    }
}

/// Touches the pages of `window` ([`touch_pages`]); whether that took this
/// thread more CPU time than [`SLOW_TOUCH`].
fn touch_is_slow(window: &[u8]) -> bool {
    let before = thread_cpu_time();
    touch_pages(window);
    let cost = thread_cpu_time()
        .zip(before)
        .map(|(after, before)| after.saturating_sub(before));
    cost.is_some_and(|cost| cost > SLOW_TOUCH) || tests_say_every_touch_is_slow()
}

/// The CPU time this thread has used: what touching pages costs, without
/// the time it waited for a core while both cores hashed other files.
/// (A fault the host takes under the guest counts as the thread's.)
fn thread_cpu_time() -> Option<Duration> {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a live timespec for the call to fill.
    let done = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    (done == 0).then(|| {
        Duration::new(
            now.tv_sec.max(0) as u64,
            now.tv_nsec.clamp(0, 999_999_999) as u32,
        )
    })
}

/// Whether a test has made every window count as slow to touch.
fn tests_say_every_touch_is_slow() -> bool {
    #[cfg(test)]
    return tests::EVERY_TOUCH_IS_SLOW.load(Ordering::Relaxed);
    #[cfg(not(test))]
    false
}

/// Bytes between two touches: the smallest page size there is.
const TOUCH_STRIDE: usize = 4096;

/// Reads one byte of every page of `window`, so that whatever the first
/// access to a page costs (below the guest kernel too) is paid by this thread.
fn touch_pages(window: &[u8]) {
    let sum = window
        .iter()
        .step_by(TOUCH_STRIDE)
        .fold(0u8, |sum, &byte| sum.wrapping_add(byte));
    std::hint::black_box(sum);
}

/// Hashes the map step by step, populating each step's page tables in one
/// system call unless the prefetch thread already has; if `may_hand_off`,
/// stops with [`Hashed::Part`] once the prefetch thread found
/// [`SLOW_WINDOWS_TO_HAND_OFF`] slow windows.
fn hash_windows_alone(
    map: &Mmap,
    guard: &Guard,
    plan: HashPlan,
    meter: Meter,
    progress: &Progress,
    prefetch: Option<&std::thread::Thread>,
    may_hand_off: bool,
) -> Result<Hashed, Cut> {
    let mut hasher = Hasher::new(plan.algorithm);
    let mut offset = 0;
    while offset < map.len() {
        if may_hand_off && progress.slow_windows.load(Ordering::Acquire) >= SLOW_WINDOWS_TO_HAND_OFF
        {
            // A cancelled run stops here rather than start the readers.
            meter.tick(0).map_err(Cut::Stopped)?;
            return Ok(Hashed::Part(Box::new(hasher), offset));
        }
        let end = map.len().min(offset + plan.step());
        progress.started.store(end, Ordering::Release);
        // Hashed on several threads, a step is faster faulted in by those
        // threads than populated first by this one; a truncated file then
        // faults, and the guard reports it.
        if !plan.parallel() && progress.populated.load(Ordering::Acquire) < end {
            if let Err(e) = map.advise_range(Advice::PopulateRead, offset, end - offset) {
                // Other errors (EINVAL before Linux 5.14) only lose the batching.
                if e.raw_os_error() == Some(libc::EFAULT) {
                    return Err(Cut::BeyondEnd);
                }
            }
        }
        hasher.update_parallel(&map[offset..end], plan.threads);
        if guard.faulted() {
            return Err(Cut::Fault);
        }
        meter.tick(end - offset).map_err(Cut::Stopped)?;
        offset = end;
        progress.hashed.store(offset, Ordering::Release);
        if let Some(thread) = prefetch {
            thread.unpark();
        }
    }
    Ok(Hashed::Whole(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Makes the prefetch thread count every window as slow to touch (only
    /// a hashing that may hand off acts on it).
    pub(super) static EVERY_TOUCH_IS_SLOW: AtomicBool = AtomicBool::new(false);

    /// A cold file whose pages prove costly to touch is hashed from the map
    /// for a few windows, then read directly to the end: the digest is the
    /// file's, every byte is counted once, and the part read directly stays
    /// out of the page cache. Cut short before the hand-off, it is changed.
    #[test]
    fn a_costly_map_hands_the_rest_to_direct_reads() {
        let _serial = crate::direct::tests::one_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        // Longer than the prefetch thread may run ahead of a hand-off.
        let len = PREFETCH_THREAD_MIN + PREFETCH_AHEAD + 3 * WINDOW + 4097;
        let mut bytes = vec![0u8; len];
        for (i, page) in bytes.chunks_mut(4096).enumerate() {
            page.fill((i % 251) as u8);
        }
        let (path, file) = write_file(dir.path(), &bytes);
        if !crate::direct::tests::cachestat_answers_for(&file) {
            // An old kernel, or tmpfs: never cold.
            return;
        }
        file.sync_all().unwrap();
        rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
        let _slow = EveryTouchIsSlow::on();
        let counted = std::sync::atomic::AtomicU64::new(0);
        let running = AtomicBool::new(false);
        let plan = HashPlan::one_thread(Algorithm::Sha1);
        let meter = Meter::new(Some(&counted), &running);
        let hashed = hash_mapped_or_hand_off(&file, opened(&file), plan, meter, true);
        assert_eq!(hashed.unwrap().unwrap(), crate::reference::sha1(&bytes));
        assert_eq!(counted.load(Ordering::Relaxed), len as u64);
        let cached = crate::direct::cached_bytes(&file, len as u64).unwrap();
        assert!(
            cached <= (len - 3 * WINDOW) as u64,
            "the rest was read through the page cache, not directly: {cached} of {len} cached"
        );
        assert!(!rustix::fs::fcntl_getfl(&file)
            .unwrap()
            .contains(rustix::fs::OFlags::DIRECT));

        // Cut short before the hand-off: changed, by the map or by the reads.
        let before = opened(&file);
        truncate(&path, len - 1);
        let hashed = hash_mapped_or_hand_off(&file, before, plan, Meter::NONE, true);
        assert!(
            matches!(hashed, Some(Err(ReadError::Changed))),
            "{hashed:?}"
        );
        // Cancelled: an error, whether before or after the hand-off.
        let cancelled = AtomicBool::new(true);
        let meter = Meter::new(None, &cancelled);
        let hashed = hash_mapped_or_hand_off(&file, opened(&file), plan, meter, true);
        assert!(
            matches!(&hashed, Some(Err(ReadError::Io(e))) if e.kind() == io::ErrorKind::Interrupted),
            "{hashed:?}"
        );
    }

    /// [`EVERY_TOUCH_IS_SLOW`] while it lives.
    struct EveryTouchIsSlow;

    impl EveryTouchIsSlow {
        fn on() -> EveryTouchIsSlow {
            EVERY_TOUCH_IS_SLOW.store(true, Ordering::Relaxed);
            EveryTouchIsSlow
        }
    }

    impl Drop for EveryTouchIsSlow {
        fn drop(&mut self) {
            EVERY_TOUCH_IS_SLOW.store(false, Ordering::Relaxed);
        }
    }

    /// `hash_mapped` with SHA-1 on one thread, for a file whose identity
    /// when opened was `before`; panics if the file cannot be mapped.
    fn mapped_sha1_since(file: &File, before: Identity) -> Result<Digest, ReadError> {
        hash_mapped(
            file,
            before,
            HashPlan::one_thread(Algorithm::Sha1),
            Meter::NONE,
        )
        .expect("mappable")
    }

    /// The SHA-1 of a file that maps and hashes without trouble.
    fn mapped_sha1(file: &File) -> Digest {
        mapped_sha1_since(file, opened(file)).expect("hashed")
    }

    fn opened(file: &File) -> Identity {
        Identity::of(file).unwrap()
    }

    fn write_file(dir: &std::path::Path, bytes: &[u8]) -> (std::path::PathBuf, File) {
        let path = dir.join("f");
        std::fs::write(&path, bytes).unwrap();
        let file = File::open(&path).unwrap();
        (path, file)
    }

    /// The first `len` bytes of `file` mapped, and guarded.
    fn map_guarded(file: &File, len: usize) -> (Mmap, Guard) {
        // SAFETY: the tests' files are private to them; their truncation
        // is what the guard is for.
        let map = unsafe { MmapOptions::new().len(len).map(file) }.unwrap();
        let guard = Guard::register(map.as_ptr(), map.len()).unwrap();
        (map, guard)
    }

    fn truncate(path: &std::path::Path, len: usize) {
        let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        file.set_len(len as u64).unwrap();
    }

    #[test]
    fn matches_the_reference_across_window_boundaries() {
        let dir = tempfile::tempdir().unwrap();
        for len in [
            1,
            4095,
            4096,
            WINDOW - 1,
            WINDOW,
            WINDOW + 1,
            2 * WINDOW + 4097,
        ] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let (_, file) = write_file(dir.path(), &bytes);
            let digest = mapped_sha1(&file);
            assert_eq!(digest, crate::reference::sha1(&bytes), "length {len}");
        }
    }

    /// BLAKE3 on two threads, in steps of several windows with a partial
    /// last step, gives the one-thread digest; other algorithms ignore the
    /// extra thread.
    #[test]
    fn a_file_hashed_on_several_threads_matches_one_thread() {
        let dir = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..2 * PARALLEL_STEP + WINDOW + 5)
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        let (_, file) = write_file(dir.path(), &bytes);
        for algorithm in [Algorithm::Blake3, Algorithm::Sha1] {
            let plan = HashPlan {
                algorithm,
                threads: 2,
            };
            let digest = hash_mapped(&file, opened(&file), plan, Meter::NONE)
                .expect("mappable")
                .expect("hashed");
            assert_eq!(
                digest,
                crate::hash_bytes(algorithm, &bytes),
                "{algorithm:?}"
            );
        }
    }

    #[test]
    fn an_empty_file_is_not_mapped() {
        let dir = tempfile::tempdir().unwrap();
        let (_, file) = write_file(dir.path(), b"");
        assert!(hash_mapped(
            &file,
            opened(&file),
            HashPlan::one_thread(Algorithm::Sha1),
            Meter::NONE
        )
        .is_none());
    }

    #[test]
    fn a_size_other_than_the_opened_size_is_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let (_, file) = write_file(dir.path(), &[1; 10_000]);
        let mut claimed = opened(&file);
        claimed.len = 20_000;
        let result = mapped_sha1_since(&file, claimed);
        assert!(matches!(result, Err(ReadError::Changed)));
    }

    /// The zero-tail case: if the handler's zeros were hashed as the file,
    /// this file's digest would match and a truncated file would pass.
    #[test]
    fn truncated_after_mapping_is_a_change_even_when_zeros_would_match() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = vec![0u8; 3 * WINDOW];
        bytes[..4096].fill(0xab);
        let (path, _) = write_file(dir.path(), &bytes);
        let file = File::open(&path).unwrap();
        let before = opened(&file);
        let (map, guard) = map_guarded(&file, bytes.len());
        truncate(&path, 4096);
        assert!(matches!(
            hash_windows(
                &map,
                &guard,
                HashPlan::one_thread(Algorithm::Sha1),
                Meter::NONE,
                false
            ),
            Err(Cut::BeyondEnd)
        ));
        drop(guard);
        drop(map);
        // And through the entry point, a file truncated before hashing.
        let result = mapped_sha1_since(&file, before);
        assert!(matches!(result, Err(ReadError::Changed)));
    }

    /// What skipping the populate call relies on: pages the prefetch thread
    /// mapped, then truncated away, fault (SIGBUS, caught) instead of being
    /// hashed as zeros; on one thread and on BLAKE3's worker threads.
    #[test]
    fn windows_populated_ahead_then_truncated_fault() {
        let dir = tempfile::tempdir().unwrap();
        for algorithm in [Algorithm::Sha1, Algorithm::Blake3] {
            let bytes = vec![0x5a; 3 * WINDOW];
            let (path, file) = write_file(dir.path(), &bytes);
            let (map, guard) = map_guarded(&file, bytes.len());
            map.advise_range(Advice::PopulateRead, 0, map.len())
                .unwrap();
            let progress = Progress::default();
            progress.populated.store(map.len(), Ordering::Release);
            truncate(&path, WINDOW + 1);
            let plan = HashPlan {
                algorithm,
                threads: 2,
            };
            let result =
                hash_windows_alone(&map, &guard, plan, Meter::NONE, &progress, None, false);
            assert!(
                matches!(result, Err(Cut::Fault)),
                "{algorithm:?}: {:?}",
                result.err()
            );
        }
    }

    /// The prefetch thread's touches read the file too: a page truncated
    /// away after it was populated faults there, and the guard absorbs it
    /// on that thread as on the hashing one, flagging the map.
    #[test]
    fn a_touch_beyond_a_truncated_end_is_absorbed_and_flagged() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = vec![0x3c; 2 * WINDOW];
        let (path, file) = write_file(dir.path(), &bytes);
        let (map, guard) = map_guarded(&file, bytes.len());
        map.advise_range(Advice::PopulateRead, 0, map.len())
            .unwrap();
        touch_pages(&map[WINDOW..]);
        assert!(!guard.faulted());
        truncate(&path, WINDOW);
        std::thread::scope(|scope| scope.spawn(|| touch_pages(&map[WINDOW..])).join()).unwrap();
        assert!(guard.faulted());
    }

    /// A panic while hashing still stops the prefetch thread, so the scope
    /// that waits for it returns (and the panic reaches the caller).
    #[test]
    fn the_prefetch_thread_stops_when_hashing_panics() {
        let dir = tempfile::tempdir().unwrap();
        let (_, file) = write_file(dir.path(), &vec![1; PREFETCH_AHEAD + 2 * WINDOW]);
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // SAFETY: the file is private to this test and not changed.
            let map = unsafe { MmapOptions::new().map(&file) }.unwrap();
            let progress = Progress::default();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                std::thread::scope(|scope| {
                    let handle = scope.spawn(|| populate_ahead(&map, &progress, false));
                    let _stop = StopPrefetch {
                        progress: &progress,
                        thread: Some(handle.thread()),
                    };
                    // Let it populate up to its limit and park.
                    while progress.populated.load(Ordering::Acquire) < PREFETCH_AHEAD {
                        std::thread::yield_now();
                    }
                    panic!("hashing failed");
                })
            }));
            done.send(outcome.is_err()).unwrap();
        });
        let panicked = finished
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the scope returned");
        assert!(panicked);
    }

    #[test]
    fn a_map_large_enough_for_the_prefetch_thread_hashes_right_and_sees_truncation() {
        let dir = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..PREFETCH_THREAD_MIN + 4097)
            .map(|i| (i % 253) as u8)
            .collect();
        let (path, file) = write_file(dir.path(), &bytes);
        let digest = mapped_sha1(&file);
        assert_eq!(digest, crate::reference::sha1(&bytes));

        let (map, guard) = map_guarded(&file, bytes.len());
        truncate(&path, WINDOW);
        assert!(hash_windows(
            &map,
            &guard,
            HashPlan::one_thread(Algorithm::Sha1),
            Meter::NONE,
            false
        )
        .is_err());
    }
}
