//! Running out of file descriptors (`EMFILE`, `ENFILE`) is a moment, not a
//! verdict: an open that meets it waits for another worker to close a file
//! and tries again, so that `ulimit -n 16` with eight threads gives the same
//! results as no limit, only slower.
//!
//! The wait cannot last forever: while no other file of the root is open,
//! nothing of ours will free a descriptor, so after [`LONELY_PATIENCE`] of
//! that the error is the file's.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustix::io::Errno;

use super::root::OpenError;

/// How long an open keeps retrying while no other file of its root is open.
const LONELY_PATIENCE: Duration = Duration::from_secs(2);

/// The longest pause between two attempts.
const LONGEST_PAUSE: Duration = Duration::from_millis(20);

/// One open file, counted in its root's `held` until dropped.
#[derive(Debug)]
pub(crate) struct Held(Arc<AtomicUsize>);

impl Held {
    pub(super) fn new(count: &Arc<AtomicUsize>) -> Held {
        count.fetch_add(1, Ordering::Relaxed);
        Held(Arc::clone(count))
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Release);
    }
}

/// Whether `error` says the process or the system has no descriptor left.
pub(crate) fn is_out_of_descriptors(error: &OpenError) -> bool {
    matches!(error, OpenError::Io(e)
        if [Errno::MFILE, Errno::NFILE].iter().any(|n| e.raw_os_error() == Some(n.raw_os_error())))
}

/// `open()`, tried again while it fails for want of descriptors and another
/// file counted in `held` may still close; by a caller holding none itself.
pub(super) fn waiting<T>(
    held: &AtomicUsize,
    mut open: impl FnMut() -> Result<T, OpenError>,
) -> Result<T, OpenError> {
    let mut pause = Duration::from_micros(50);
    let mut alone_since: Option<Instant> = None;
    loop {
        match open() {
            Err(error) if is_out_of_descriptors(&error) => {
                if held.load(Ordering::Acquire) > 0 {
                    alone_since = None;
                } else if alone_since.get_or_insert_with(Instant::now).elapsed() >= LONELY_PATIENCE
                {
                    return Err(error);
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(LONGEST_PAUSE);
            }
            result => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emfile() -> OpenError {
        OpenError::Io(Errno::MFILE.into())
    }

    #[test]
    fn waits_while_another_file_is_open_then_succeeds() {
        let held = Arc::new(AtomicUsize::new(0));
        let other = Held::new(&held);
        let mut tries = 0;
        let mut other = Some(other);
        let result = waiting(&held, || {
            tries += 1;
            if tries == 5 {
                other.take(); // another worker closes its file
            }
            if tries < 8 {
                Err(emfile())
            } else {
                Ok(tries)
            }
        });
        assert_eq!(result.unwrap(), 8);
        assert_eq!(held.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn gives_up_when_nothing_of_ours_is_open() {
        let held = AtomicUsize::new(0);
        let start = Instant::now();
        let result: Result<(), _> = waiting(&held, || Err(emfile()));
        assert!(is_out_of_descriptors(&result.unwrap_err()));
        assert!(start.elapsed() >= LONELY_PATIENCE);
        assert!(start.elapsed() < LONELY_PATIENCE * 3);
        // Any other error is returned at once.
        let missing: Result<(), _> = waiting(&held, || Err(OpenError::Missing));
        assert!(matches!(missing, Err(OpenError::Missing)));
    }
}
