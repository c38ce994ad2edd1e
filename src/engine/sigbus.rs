//! Surviving a file that shrinks while it is memory-mapped.
//!
//! Touching a page of a mapped file that lies beyond the file's current end
//! raises `SIGBUS`, which kills the process by default. The library runs inside
//! other programs (Python, often while a downloader still writes), so a file
//! truncated under our feet must become a [`crate::Status::Changed`], never a
//! crash.
//!
//! The mechanism: a process-wide `SIGBUS` handler, installed once and chained
//! to whatever handler was there before. Each mapped file being hashed is
//! registered as a [`Guard`] in a fixed table of address ranges. When a fault
//! hits a registered range, the handler maps anonymous zero pages over the rest
//! of that range (`mmap(MAP_FIXED)` is async-signal-safe: one system call),
//! flags the guard and returns; the faulting instruction then reads zeros, the
//! hash finishes on garbage, and the caller sees [`Guard::faulted`] and
//! discards it. A fault anywhere else goes to the previous handler, or kills
//! the process as it would have without us.
//!
//! Why not `MADV_POPULATE_READ` and an `fstat` re-check alone: a truncation
//! between the populate and the read of a page still raises `SIGBUS`. The
//! map still populates each window (it is cheaper than faults), but the
//! handler is what makes the race harmless.
//!
//! The handler touches only atomics and makes only system calls. The table is
//! static (no allocation, nothing thread-local), so it also works in a library
//! loaded with `dlopen`, and a fork leaves at worst a few stale slots in the
//! child (a full table makes callers read instead of map).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

use super::io::page_size;

/// How many files can be guarded at once in the process; a caller that finds
/// the table full reads the file instead of mapping it.
const SLOT_COUNT: usize = 128;

/// One entry of the table of guarded ranges.
struct GuardSlot {
    /// Claimed by a guard.
    taken: AtomicBool,
    /// The guarded range `[start, end)`; `end == 0` when inactive.
    start: AtomicUsize,
    end: AtomicUsize,
    /// Set by the handler.
    faulted: AtomicBool,
}

#[allow(clippy::declare_interior_mutable_const)] // only used to initialise SLOTS
const EMPTY_SLOT: GuardSlot = GuardSlot {
    taken: AtomicBool::new(false),
    start: AtomicUsize::new(0),
    end: AtomicUsize::new(0),
    faulted: AtomicBool::new(false),
};

static SLOTS: [GuardSlot; SLOT_COUNT] = [EMPTY_SLOT; SLOT_COUNT];

/// The handler that was installed before ours, written once before ours is
/// installed and only read afterwards.
static PREVIOUS: OnceLock<libc::sigaction> = OnceLock::new();

/// Whether our handler got installed.
static INSTALLED: OnceLock<bool> = OnceLock::new();

static PAGE_SIZE: AtomicUsize = AtomicUsize::new(0);

/// How many faults the handler turned into zeros, for tests and diagnostics.
static FAULTS_ABSORBED: AtomicUsize = AtomicUsize::new(0);

/// How many `SIGBUS` faults on guarded maps the process has survived.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn faults_absorbed() -> usize {
    FAULTS_ABSORBED.load(Ordering::Relaxed)
}

/// A registered range of mapped memory. Unregisters on drop, which must
/// happen before the memory is unmapped.
pub(crate) struct Guard {
    slot: &'static GuardSlot,
}

impl Guard {
    /// Registers `[start, start + len)`, the whole of one file mapping. `None`
    /// when the handler cannot be (or is no longer) in place, or every slot
    /// is taken: the caller must then not touch mapped memory.
    pub fn register(start: *const u8, len: usize) -> Option<Guard> {
        if !install() || !still_installed() {
            return None;
        }
        let slot = SLOTS.iter().find(|slot| {
            slot.taken
                .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        })?;
        let page = PAGE_SIZE.load(Ordering::Relaxed);
        let start = start as usize;
        let end = start + len.div_ceil(page) * page;
        slot.faulted.store(false, Ordering::Relaxed);
        // start before end: a half-registered slot (end still 0) matches nothing.
        slot.start.store(start, Ordering::Release);
        slot.end.store(end, Ordering::Release);
        Some(Guard { slot })
    }

    /// Whether a `SIGBUS` hit the range: what was hashed is not the file.
    pub fn faulted(&self) -> bool {
        self.slot.faulted.load(Ordering::Acquire)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.slot.end.store(0, Ordering::Release);
        self.slot.start.store(0, Ordering::Release);
        self.slot.taken.store(false, Ordering::Release);
    }
}

/// Installs the handler once per process; whether it is installed.
fn install() -> bool {
    *INSTALLED.get_or_init(|| {
        let Some(page) = page_size() else {
            return false;
        };
        PAGE_SIZE.store(page, Ordering::Relaxed);
        // SAFETY: a zeroed sigaction is a valid out-parameter; a null new
        // action only queries.
        let previous = unsafe {
            let mut previous: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGBUS, std::ptr::null(), &mut previous) != 0 {
                return false;
            }
            previous
        };
        if PREVIOUS.set(previous).is_err() {
            return false;
        }
        // SAFETY: the action is fully initialised: our handler, an empty
        // mask, and flags that are valid for sigaction.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigbus as *const () as libc::sighandler_t;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut()) == 0
        }
    })
}

/// Whether the handler in place is still ours: someone (Python's
/// `faulthandler`, say) may have replaced it since. One system call per
/// mapped file.
fn still_installed() -> bool {
    // SAFETY: as in `install`, a query only.
    unsafe {
        let mut current: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGBUS, std::ptr::null(), &mut current) == 0
            && current.sa_sigaction == on_sigbus as *const () as libc::sighandler_t
    }
}

extern "C" fn on_sigbus(
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
) {
    // SAFETY: the kernel passes a valid siginfo to an SA_SIGINFO handler.
    let (address, from_fault) = unsafe { ((*info).si_addr() as usize, (*info).si_code > 0) };
    if from_fault && zero_fill_guarded(address) {
        return;
    }
    // SAFETY: forwarding the kernel's own arguments.
    unsafe { chain(signal, info, context, from_fault) }
}

/// If `address` lies in a guarded range: maps zero pages from its page to the
/// end of the range, flags the range, and returns `true`.
fn zero_fill_guarded(address: usize) -> bool {
    let page = PAGE_SIZE.load(Ordering::Relaxed);
    for slot in &SLOTS {
        let start = slot.start.load(Ordering::Acquire);
        let end = slot.end.load(Ordering::Acquire);
        if start <= address && address < end {
            let from = address & !(page - 1);
            // SAFETY: [from, end) lies inside a live mapping the guard's
            // owner created (the guard is dropped before the unmap). Every
            // thread that reads it (the hashing thread, the prefetch thread,
            // BLAKE3's workers) is joined before the guard is dropped, and
            // anything hashed after a fault is discarded because the guard
            // is flagged (checked again once every thread is joined, since
            // the flag is set after the zero pages are in place); replacing
            // the range with private zero pages cannot affect any other
            // memory.
            let mapped = unsafe {
                libc::mmap(
                    from as *mut libc::c_void,
                    end - from,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                    -1,
                    0,
                )
            };
            if mapped == libc::MAP_FAILED {
                return false;
            }
            slot.faulted.store(true, Ordering::Release);
            FAULTS_ABSORBED.fetch_add(1, Ordering::Relaxed);
            return true;
        }
    }
    false
}

/// Hands a signal we do not own to the previous handler, or restores the
/// default action so that the process dies exactly as it would have.
///
/// # Safety
/// Must be called from the SIGBUS handler with the kernel's arguments.
unsafe fn chain(
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
    from_fault: bool,
) {
    let Some(previous) = PREVIOUS.get() else {
        return;
    };
    let handler = previous.sa_sigaction;
    if handler == libc::SIG_IGN && !from_fault {
        return;
    }
    if handler == libc::SIG_DFL || handler == libc::SIG_IGN {
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(signal, &default, std::ptr::null_mut());
        if !from_fault {
            // Sent by kill(2): it will not repeat by itself.
            libc::raise(signal);
        }
        // A fault repeats when we return, now with the default action.
        return;
    }
    if previous.sa_flags & libc::SA_SIGINFO != 0 {
        let handler: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
            std::mem::transmute(handler);
        handler(signal, info, context);
    } else {
        let handler: extern "C" fn(libc::c_int) = std::mem::transmute(handler);
        handler(signal);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_in_a_guarded_range_reads_zeros_and_is_flagged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, vec![7u8; 64 * 1024]).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        // SAFETY: the file is private to this test; its truncation below is
        // exactly what the guard is for.
        let map = unsafe { memmap2::Mmap::map(&file).unwrap() };
        let guard = Guard::register(map.as_ptr(), map.len()).expect("handler installed");
        assert!(!guard.faulted());
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(0)
            .unwrap();
        // Without the guard this read would kill the test process.
        let sum: u64 = map.iter().map(|&b| u64::from(b)).sum();
        assert_eq!(sum, 0, "the vanished pages read as zeros");
        assert!(guard.faulted());
        drop(guard);
    }

    #[test]
    fn slots_are_released() {
        let buffer = vec![0u8; 4096];
        for _ in 0..SLOT_COUNT * 2 {
            let guard = Guard::register(buffer.as_ptr(), buffer.len());
            assert!(guard.is_some());
        }
    }
}
