//! How work runs in parallel, in one place: the thread policy ([`pool`]:
//! the calling thread plus parked helper threads), one parallel-for
//! ([`Claims`], with the batching policy in [`shrinking_batch`]) and one
//! ordered result collector ([`ordered::Ordered`]). Verification (both
//! its paths), the stat pass before it and hashing many files all run
//! through these.
//!
//! The thread policy, as users see it: a call uses at most the number of
//! threads it is given (default: the available parallelism), the calling
//! thread included. Helper threads outlive a call by at most
//! [`pool::LINGER`], parked, so that a burst of calls starts them once; a
//! forked child never uses its parent's. BLAKE3 spreads one large file
//! over the threads that no file claims, on one pool of scoped threads per
//! file (`crate::hasher::with_parallel_feeder`), never one per piece.

pub(crate) mod ordered;
pub(crate) mod pool;

use std::num::NonZeroUsize;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The indices `0..len`, handed out in claims (ranges), each index once,
/// to any number of workers: each loops on [`Claims::claim`] until it
/// returns `None`.
pub(crate) struct Claims {
    next: AtomicUsize,
    len: usize,
}

impl Claims {
    /// Claims over `0..len`, none taken yet.
    pub(crate) fn new(len: usize) -> Claims {
        Claims {
            next: AtomicUsize::new(0),
            len,
        }
    }

    /// The next claim: `batch(start)` indices (at least one, at most what
    /// is left) from the first unclaimed one, `start`; `None` once every
    /// index is claimed.
    pub(crate) fn claim(&self, batch: impl Fn(usize) -> usize) -> Option<Range<usize>> {
        let mut start = self.next.load(Ordering::Relaxed);
        loop {
            if start >= self.len {
                return None;
            }
            let end = self.len.min(start + batch(start).max(1));
            match self
                .next
                .compare_exchange_weak(start, end, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return Some(start..end),
                Err(current) => start = current,
            }
        }
    }
}

/// The batching policy for many small pieces of work: a quarter of each
/// worker's share of what is `left`, within `smallest..=largest`, so that
/// claims are cheap at the start and the workers finish together at the end.
pub(crate) fn shrinking_batch(
    left: usize,
    workers: usize,
    smallest: usize,
    largest: usize,
) -> usize {
    (left / (4 * workers.max(1))).clamp(smallest, largest)
}

/// The threads a call may use when asked for `requested` (0: one per CPU).
pub(crate) fn thread_count(requested: usize) -> usize {
    // Asked once per process: on Linux the answer reads cgroup files, which
    // costs more than verifying a few small files.
    static CPUS: OnceLock<usize> = OnceLock::new();
    NonZeroUsize::new(requested).map_or_else(
        || *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, NonZeroUsize::get)),
        NonZeroUsize::get,
    )
}

/// Runs `work` on `workers` threads, the calling thread being one of them,
/// and returns once every one has finished. `work` must finish the job on
/// any number of threads: fewer run if helper threads cannot be started.
pub(crate) fn run_on(workers: usize, work: &(dyn Fn() + Sync)) {
    pool::run(workers.saturating_sub(1), work, |_| work());
}

/// Runs `work` on `workers` helper threads while the calling thread calls
/// `report` every `interval`, then runs `work` on the calling thread too, for
/// what is left if no helper could be started; the caller makes the final
/// report. For a call with a progress callback: the calling thread owns the
/// callback, so it reports rather than works.
pub(crate) fn run_reporting(
    workers: usize,
    work: &(dyn Fn() + Sync),
    interval: std::time::Duration,
    report: &dyn Fn(),
) {
    pool::run(workers, work, |pending| {
        while !pending.wait_timeout(interval) {
            report();
        }
    });
    work();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn every_index_is_claimed_once_whatever_the_batches() {
        for workers in [1, 2, 5] {
            let len = 10_007;
            let claims = Claims::new(len);
            let seen = Mutex::new(vec![0u8; len]);
            let work = || {
                while let Some(range) = claims.claim(|start| {
                    // Zero and oversized batches are made valid.
                    [0, 1, 3, 4096][start % 4]
                }) {
                    let mut seen = seen.lock().unwrap();
                    for index in range {
                        seen[index] += 1;
                    }
                }
            };
            run_on(workers, &work);
            assert!(seen.into_inner().unwrap().iter().all(|&n| n == 1));
        }
    }

    #[test]
    fn batches_shrink_towards_the_end_within_bounds() {
        assert_eq!(shrinking_batch(100_000, 2, 1, 64), 64);
        assert_eq!(shrinking_batch(80, 2, 1, 64), 10);
        assert_eq!(shrinking_batch(3, 2, 2, 64), 2);
        assert_eq!(shrinking_batch(3, 0, 1, 64), 1, "no division by zero");
    }
}
