//! The progress bar of long DIR runs: on standard error, only when it is a
//! terminal, from the library's progress callback ([`checksig::Progress`]).

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use checksig::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Runs shorter than this never show a bar, so quick checks do not flicker.
/// (`CHECKSIG_PROGRESS_DELAY_MS` overrides it, for tests on a terminal.)
const SHOW_AFTER: Duration = Duration::from_millis(300);

fn show_after() -> Duration {
    std::env::var("CHECKSIG_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(SHOW_AFTER, Duration::from_millis)
}

/// A bar that appears once a run has lasted [`SHOW_AFTER`].
#[derive(Clone)]
pub struct Bar {
    inner: Arc<Mutex<Option<ProgressBar>>>,
    started: Instant,
    show_after: Duration,
}

impl Bar {
    /// A bar if standard error is a terminal and `wanted`; otherwise `None`.
    pub fn for_stderr(wanted: bool) -> Option<Bar> {
        (wanted && std::io::stderr().is_terminal()).then(|| Bar {
            inner: Arc::default(),
            started: Instant::now(),
            show_after: show_after(),
        })
    }

    /// Shows `progress`; always true (the bar never cancels).
    pub fn update(&self, progress: &Progress) -> bool {
        if self.started.elapsed() < self.show_after {
            return true;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let bar = inner.get_or_insert_with(|| new_bar(progress.bytes_total));
        // The library counts a file's bytes once it is hashed, so one huge
        // file shows as a jump at its end; the file count moves meanwhile.
        bar.set_message(files_message(progress));
        bar.set_length(progress.bytes_total.max(progress.bytes_done));
        bar.set_position(progress.bytes_done);
        true
    }

    /// Removes the bar before the report is printed.
    pub fn finish(&self) {
        if let Some(bar) = self.inner.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}

fn new_bar(total: u64) -> ProgressBar {
    let style = ProgressStyle::with_template(
        "[{bar:30}] {bytes}/{total_bytes} {msg}, {binary_bytes_per_sec}, ETA {eta}",
    )
    .expect("the template is valid")
    .progress_chars("=> ");
    ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()).with_style(style)
}

/// `12/345 files`.
fn files_message(progress: &Progress) -> String {
    format!("{}/{} files", progress.files_done, progress.files_total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_files_done_and_total() {
        let progress = Progress {
            bytes_done: 10,
            bytes_total: 20,
            files_done: 3,
            files_total: 7,
        };
        assert_eq!(files_message(&progress), "3/7 files");
    }

    #[test]
    fn no_bar_when_not_wanted() {
        assert!(Bar::for_stderr(false).is_none());
    }
}
