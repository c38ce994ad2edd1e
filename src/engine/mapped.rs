//! Hashing a large file straight from a memory map.
//!
//! Compared with `read(2)` into a buffer, a map saves the copy from the page
//! cache (about a tenth of the cost of SHA-NI hashing) and lets the kernel
//! read ahead without a second thread. The map is walked in windows: each
//! window is populated in one system call (`MADV_POPULATE_READ`, cheaper than
//! one page fault per 16 pages). For a large file a second thread populates
//! windows ahead of the hashing thread, so that page-table work and the disk
//! reads of a cold file overlap hashing (no `MADV_WILLNEED`: see
//! [`super::plan`] for why read-ahead is left to the kernel). That thread
//! also reads one byte of every page it populated: on a virtual machine
//! whose host backs guest memory lazily, the first touch of a page freshly
//! read from disk can cost microseconds (measured here: up to a second per
//! GiB, more than hashing it), and it had better be paid on the idle core.
//! It also times those touches: for a cold file that may be read directly,
//! once enough windows were slow to touch ([`SlowTouch`], from the
//! planner's table), the hashing thread stops at its next window and hands
//! its hasher back to the planner ([`Step::Continue`]), which has the rest
//! read with `O_DIRECT` into buffers touched long ago ([`super::direct`]).
//!
//! A file truncated while it is mapped would raise `SIGBUS`; [`super::sigbus`]
//! turns that into zeros plus a flag, and an `fstat` before and after catches
//! any rewrite, so such a file is reported as changed and its digest dropped.

use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use memmap2::{Advice, Mmap, MmapOptions};

use super::io::{unchanged_since, Meter, ReadError, Step};
use super::sigbus::Guard;
use crate::digest::Algorithm;
use crate::fs::root::Identity;
use crate::hasher::Hasher;

/// Bytes populated and hashed at a time: large enough that the `madvise` calls
/// vanish, small enough that the read-ahead of the next window starts early.
pub(super) const WINDOW: usize = 4 * 1024 * 1024;

/// What the planner asks of a map: what to compute, on how many threads,
/// with a prefetch thread or not, and when to hand the rest back.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MapPlan {
    pub algorithm: Algorithm,
    /// Threads one file may be hashed on (only algorithms that
    /// [hash in parallel](Algorithm::hashes_in_parallel) use more than one).
    pub threads: usize,
    /// Whether a second thread populates (and touches) windows ahead.
    pub prefetch: bool,
    /// For a file that may be read directly: when the prefetch thread's
    /// touches count as costly enough to hand the rest back.
    pub hand_off: Option<SlowTouch>,
}

/// When first touching a map's fresh pages proves costly: `windows` windows
/// each took the prefetch thread at least `cost` of CPU time to touch.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SlowTouch {
    pub cost: Duration,
    pub windows: usize,
}

impl MapPlan {
    /// Whether one file is hashed on several threads.
    fn parallel(self) -> bool {
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

    /// Windows slow to touch after which hashing hands the rest back.
    fn hand_off_after(self) -> usize {
        self.hand_off.map_or(usize::MAX, |slow| slow.windows)
    }
}

/// The step of a file hashed on several threads.
const PARALLEL_STEP: usize = 4 * WINDOW;

/// Hashes `file`, whose identity was `before` when it was opened, from a
/// memory map. [`Step::Declined`] when the file cannot be mapped safely
/// (empty, `mmap` fails, no [`Guard`]); [`Step::Continue`] with the hasher
/// of the part hashed when fresh pages proved costly (only with
/// [`MapPlan::hand_off`]); else the digest, unless the file changed since
/// `before` ([`ReadError::Changed`]).
pub(crate) fn hash(file: &File, before: Identity, plan: MapPlan, meter: Meter) -> Step {
    let Some(len) = usize::try_from(before.len).ok().filter(|&len| len > 0) else {
        return Step::Declined;
    };
    // SAFETY: another process may change the file while it is mapped. A
    // truncation is caught by the SIGBUS guard registered before the first
    // access; other changes only change the bytes we hash, and the fstat
    // re-check below reports the file as changed.
    let Ok(map) = (unsafe { MmapOptions::new().len(len).map(file) }) else {
        return Step::Declined;
    };
    let Some(guard) = Guard::register(map.as_ptr(), map.len()) else {
        return Step::Declined;
    };
    let step = match hash_windows(&map, &guard, plan, meter) {
        // A fault taken by the prefetch thread may flag the guard just after
        // the hashing thread last looked; that thread is joined now, so the
        // flag is final.
        Step::Done(Ok(_)) | Step::Continue { .. } if guard.faulted() => Step::Done(Err(fault())),
        step => step,
    };
    drop(guard);
    drop(map);
    match step {
        // Whatever stopped the map, a file that changed is reported so.
        Step::Done(outcome) => Step::Done(unchanged_since(file, before, before.len).and(outcome)),
        // The rest is checked by whoever reads it.
        step => step,
    }
}

/// The error of a map hit by `SIGBUS` while the file stayed the same: a
/// disk error under the page cache.
fn fault() -> ReadError {
    ReadError::Io(io::Error::from_raw_os_error(libc::EIO))
}

/// How far the prefetch thread may run ahead of hashing: far enough to keep
/// the disk busy, not so far that a file larger than memory evicts its own
/// pages before they are hashed.
pub(super) const PREFETCH_AHEAD: usize = 16 * WINDOW;

/// What the hashing thread and the prefetch thread tell each other.
#[derive(Default)]
struct Ahead {
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
    /// Windows whose first touch was slow (see [`SlowTouch`]).
    slow_windows: AtomicUsize,
}

/// The digest of the whole map, unless it stopped being the file's contents,
/// or, with [`MapPlan::hand_off`], the hasher of the part hashed when fresh
/// pages proved costly.
fn hash_windows(map: &Mmap, guard: &Guard, plan: MapPlan, meter: Meter) -> Step {
    // Only advice: a failure costs speed, never correctness. It doubles the
    // kernel's read-ahead for faults in the map; a map of one window is
    // populated in one call, which reads around it anyway.
    if map.len() > WINDOW {
        let _ = map.advise(Advice::Sequential);
    }
    let ahead = Ahead::default();
    if !plan.prefetch {
        return hash_windows_alone(map, guard, plan, meter, &ahead, None);
    }
    std::thread::scope(|scope| {
        // A thread that cannot start only costs the overlap.
        let prefetch = std::thread::Builder::new()
            .spawn_scoped(scope, || populate_ahead(map, &ahead, plan.hand_off))
            .ok();
        let prefetch = prefetch.as_ref().map(|handle| handle.thread());
        // Stops the prefetch thread on every way out, a panic included:
        // the scope waits for it, so a thread left parked would hang the call.
        let _stop = StopPrefetch {
            ahead: &ahead,
            thread: prefetch,
        };
        hash_windows_alone(map, guard, plan, meter, &ahead, prefetch)
    })
}

/// Tells the prefetch thread that hashing ended, when dropped.
struct StopPrefetch<'a> {
    ahead: &'a Ahead,
    thread: Option<&'a std::thread::Thread>,
}

impl Drop for StopPrefetch<'_> {
    fn drop(&mut self) {
        self.ahead.done.store(true, Ordering::Release);
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
/// guard absorbs it on any thread). With `slow`, counts the windows slow to
/// touch, for a hashing thread that may hand off, and stops once there are
/// enough of them.
fn populate_ahead(map: &Mmap, ahead: &Ahead, slow: Option<SlowTouch>) {
    let mut offset = 0;
    while !ahead.done.load(Ordering::Acquire) {
        offset = offset.max(ahead.started.load(Ordering::Acquire));
        if offset >= map.len() {
            return;
        }
        if offset >= ahead.hashed.load(Ordering::Acquire) + PREFETCH_AHEAD {
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
        ahead.populated.store(offset + len, Ordering::Release);
        let window = &map[offset..offset + len];
        match slow {
            None => touch_pages(window),
            Some(slow)
                if touch_is_slow(window, slow.cost)
                    && ahead.slow_windows.fetch_add(1, Ordering::AcqRel) + 1 >= slow.windows =>
            {
                // The rest is for direct reads: touching more costly pages
                // ahead would be for nothing.
                return;
            }
            Some(_) => {}
        }
        offset += len;
    }
}

/// Touches the pages of `window` ([`touch_pages`]); whether that took this
/// thread at least `cost` of CPU time.
fn touch_is_slow(window: &[u8], cost: Duration) -> bool {
    let before = thread_cpu_time();
    touch_pages(window);
    let took = thread_cpu_time()
        .zip(before)
        .map(|(after, before)| after.saturating_sub(before));
    took.is_some_and(|took| took >= cost)
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
/// system call unless the prefetch thread already has; with
/// [`MapPlan::hand_off`], stops with [`Step::Continue`] once the prefetch
/// thread found enough slow windows.
fn hash_windows_alone(
    map: &Mmap,
    guard: &Guard,
    plan: MapPlan,
    meter: Meter,
    ahead: &Ahead,
    prefetch: Option<&std::thread::Thread>,
) -> Step {
    let threads = if plan.parallel() { plan.threads } else { 1 };
    crate::hasher::with_parallel_feeder(threads, |feed| {
        let mut hasher = Hasher::new(plan.algorithm);
        let mut offset = 0;
        while offset < map.len() {
            if ahead.slow_windows.load(Ordering::Acquire) >= plan.hand_off_after() {
                // A cancelled run stops here rather than start the readers.
                if let Err(e) = meter.tick(0) {
                    return Step::Done(Err(e));
                }
                let (hasher, offset) = (Box::new(hasher), offset as u64);
                return Step::Continue { hasher, offset };
            }
            let end = map.len().min(offset + plan.step());
            ahead.started.store(end, Ordering::Release);
            // Hashed on several threads, a step is faster faulted in by those
            // threads than populated first by this one; a truncated file then
            // faults, and the guard reports it.
            if !plan.parallel() && ahead.populated.load(Ordering::Acquire) < end {
                if let Err(e) = map.advise_range(Advice::PopulateRead, offset, end - offset) {
                    // Other errors (EINVAL before Linux 5.14) only lose the
                    // batching. EFAULT: the file is shorter than the map now.
                    if e.raw_os_error() == Some(libc::EFAULT) {
                        return Step::Done(Err(ReadError::Changed));
                    }
                }
            }
            feed(&mut hasher, &map[offset..end]);
            if guard.faulted() {
                // What was hashed includes zeros, not the file.
                return Step::Done(Err(fault()));
            }
            if let Err(e) = meter.tick(end - offset) {
                return Step::Done(Err(e));
            }
            offset = end;
            ahead.hashed.store(offset, Ordering::Release);
            if let Some(thread) = prefetch {
                thread.unpark();
            }
        }
        Step::Done(Ok(hasher.finalize()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Digest;

    /// A plan for SHA-1 on one thread, without a prefetch thread.
    fn one_thread() -> MapPlan {
        MapPlan {
            algorithm: Algorithm::Sha1,
            threads: 1,
            prefetch: false,
            hand_off: None,
        }
    }

    /// The outcome of a map that cannot hand off.
    fn done(step: Step) -> Result<Digest, ReadError> {
        match step {
            Step::Done(outcome) => outcome,
            Step::Declined => panic!("not mappable"),
            Step::Continue { .. } => panic!("handed off"),
        }
    }

    fn is_fault(outcome: &Result<Digest, ReadError>) -> bool {
        matches!(outcome, Err(ReadError::Io(e)) if e.raw_os_error() == Some(libc::EIO))
    }

    /// [`hash`] with SHA-1 on one thread, for a file whose identity
    /// when opened was `before`; panics if the file cannot be mapped.
    fn mapped_sha1_since(file: &File, before: Identity) -> Result<Digest, ReadError> {
        done(hash(file, before, one_thread(), Meter::NONE))
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
            let plan = MapPlan {
                algorithm,
                threads: 2,
                ..one_thread()
            };
            let digest = done(hash(&file, opened(&file), plan, Meter::NONE)).expect("hashed");
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
        assert!(matches!(
            hash(&file, opened(&file), one_thread(), Meter::NONE),
            Step::Declined
        ));
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
            hash_windows(&map, &guard, one_thread(), Meter::NONE),
            Step::Done(Err(ReadError::Changed))
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
            let ahead = Ahead::default();
            ahead.populated.store(map.len(), Ordering::Release);
            truncate(&path, WINDOW + 1);
            let plan = MapPlan {
                algorithm,
                threads: 2,
                ..one_thread()
            };
            let result = done(hash_windows_alone(
                &map,
                &guard,
                plan,
                Meter::NONE,
                &ahead,
                None,
            ));
            assert!(is_fault(&result), "{algorithm:?}: {result:?}");
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
            let ahead = Ahead::default();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                std::thread::scope(|scope| {
                    let handle = scope.spawn(|| populate_ahead(&map, &ahead, None));
                    let _stop = StopPrefetch {
                        ahead: &ahead,
                        thread: Some(handle.thread()),
                    };
                    // Let it populate up to its limit and park.
                    while ahead.populated.load(Ordering::Acquire) < PREFETCH_AHEAD {
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
        let bytes: Vec<u8> = (0..4 * WINDOW + 4097).map(|i| (i % 253) as u8).collect();
        let (path, file) = write_file(dir.path(), &bytes);
        let plan = MapPlan {
            prefetch: true,
            ..one_thread()
        };
        let digest = done(hash(&file, opened(&file), plan, Meter::NONE));
        assert_eq!(digest.unwrap(), crate::reference::sha1(&bytes));

        let (map, guard) = map_guarded(&file, bytes.len());
        truncate(&path, WINDOW);
        let result = done(hash_windows(&map, &guard, plan, Meter::NONE));
        assert!(
            matches!(result, Err(ReadError::Changed)) || is_fault(&result),
            "{result:?}"
        );
    }
}
