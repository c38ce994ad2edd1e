//! The progress bar of long runs: on standard error, only when it is a
//! terminal, from the library's progress callback ([`checksig::Progress`]).
//!
//! The rate and the ETA are ours ([`Estimate`]), measured from the start of
//! the run over a sliding window. (indicatif's own estimate starts when the
//! bar is first drawn, 0.3 s in: the bytes hashed before then looked like an
//! instant jump, so on one 2 GiB file the first rate read 697 GiB/s and the
//! ETA `0s`, and its slow average kept them inflated for seconds.)

use std::collections::VecDeque;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use checksig::Progress;
use indicatif::{BinaryBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Runs shorter than this never show a bar, so quick checks do not flicker.
/// (`CHECKSIG_PROGRESS_DELAY_MS` overrides it, for tests on a terminal.)
const SHOW_AFTER: Duration = Duration::from_millis(300);

/// The span the rate is measured over: long enough to smooth the steps of a
/// few MiB in which the library counts, short enough to follow a change of
/// speed (the page cache running out, a slower disk).
const WINDOW: Duration = Duration::from_secs(5);

fn show_after() -> Duration {
    std::env::var("CHECKSIG_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(SHOW_AFTER, Duration::from_millis)
}

/// The rate and time left of a run, from `(time since start, bytes done)`
/// samples.
#[derive(Debug)]
pub struct Estimate {
    /// Oldest first; the first one at most [`WINDOW`] before the newest,
    /// or the run's start `(0, 0)`.
    samples: VecDeque<(Duration, u64)>,
}

impl Estimate {
    /// An estimate whose first sample is the run's start: nothing done yet.
    pub fn new() -> Estimate {
        Estimate {
            samples: VecDeque::from([(Duration::ZERO, 0)]),
        }
    }

    /// Records `bytes` done at `at` since the start.
    pub fn record(&mut self, at: Duration, bytes: u64) {
        self.samples.push_back((at, bytes));
        // Keep one sample at or before the window's start, so the rate
        // always spans the whole window (or the whole run, if shorter).
        while self
            .samples
            .get(1)
            .is_some_and(|&(t, _)| at.saturating_sub(t) >= WINDOW)
        {
            self.samples.pop_front();
        }
    }

    /// Bytes per second over the window; `None` until time has passed.
    pub fn rate(&self) -> Option<f64> {
        let (&(t0, b0), &(t1, b1)) = (self.samples.front()?, self.samples.back()?);
        let span = t1.saturating_sub(t0).as_secs_f64();
        (span > 0.0).then(|| b1.saturating_sub(b0) as f64 / span)
    }

    /// The time left to reach `total` bytes at [`Estimate::rate`]; `None`
    /// while nothing has moved.
    pub fn eta(&self, total: u64) -> Option<Duration> {
        let rate = self.rate().filter(|&rate| rate > 0.0)?;
        let (_, done) = *self.samples.back()?;
        let left = total.saturating_sub(done) as f64;
        Some(Duration::from_secs_f64((left / rate).min(1e9)))
    }
}

/// `12s`, `3m04s`, `1h02m`; `-` for unknown.
fn eta_text(eta: Option<Duration>) -> String {
    let Some(eta) = eta else {
        return "-".to_string();
    };
    let secs = eta.as_secs_f64().ceil() as u64;
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format!("{}h{:02}m", secs / 3600, secs % 3600 / 60),
    }
}

/// What follows the bar: `1.00 GiB/2.00 GiB, 0/1 files, 300.00 MiB/s, ETA 4s`.
fn status_text(progress: &Progress, estimate: &Estimate) -> String {
    let total = progress.bytes_total.max(progress.bytes_done);
    let rate = estimate.rate().unwrap_or(0.0) as u64;
    format!(
        "{}/{}, {}/{} files, {}/s, ETA {}",
        BinaryBytes(progress.bytes_done),
        BinaryBytes(total),
        progress.files_done,
        progress.files_total,
        BinaryBytes(rate),
        eta_text(estimate.eta(total)),
    )
}

/// A bar that appears once a run has lasted [`SHOW_AFTER`].
#[derive(Clone)]
pub struct Bar {
    inner: Arc<Mutex<Shown>>,
    started: Instant,
    show_after: Duration,
}

struct Shown {
    bar: Option<ProgressBar>,
    estimate: Estimate,
}

impl Bar {
    /// A bar if standard error is a terminal and `wanted`; otherwise `None`.
    /// Its clock starts now: make it just before the run.
    pub fn for_stderr(wanted: bool) -> Option<Bar> {
        (wanted && std::io::stderr().is_terminal()).then(|| Bar {
            inner: Arc::new(Mutex::new(Shown {
                bar: None,
                estimate: Estimate::new(),
            })),
            started: Instant::now(),
            show_after: show_after(),
        })
    }

    /// Shows `progress`; always true (the bar never cancels).
    pub fn update(&self, progress: &Progress) -> bool {
        let elapsed = self.started.elapsed();
        let mut shown = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        shown.estimate.record(elapsed, progress.bytes_done);
        if elapsed < self.show_after {
            return true;
        }
        let message = status_text(progress, &shown.estimate);
        let bar = shown.bar.get_or_insert_with(new_bar);
        // The message first: the other two may draw.
        bar.set_message(message);
        bar.set_length(progress.bytes_total.max(progress.bytes_done).max(1));
        bar.set_position(progress.bytes_done);
        true
    }

    /// Removes the bar before the report is printed.
    pub fn finish(&self) {
        let mut shown = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bar) = shown.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// Clears its bar when dropped, on every way out of a run.
pub struct ClearOnDrop(Bar);

impl Drop for ClearOnDrop {
    fn drop(&mut self) {
        self.0.finish();
    }
}

impl Bar {
    /// A guard that removes the bar when it goes out of scope.
    pub fn clear_on_drop(self) -> ClearOnDrop {
        ClearOnDrop(self)
    }
}

fn new_bar() -> ProgressBar {
    let style = ProgressStyle::with_template("[{bar:20}] {msg}")
        .expect("the template is valid")
        .progress_chars("=> ");
    ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::stderr()).with_style(style)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    fn progress(bytes_done: u64, bytes_total: u64) -> Progress {
        Progress {
            bytes_done,
            bytes_total,
            files_done: 0,
            files_total: 1,
        }
    }

    /// One 2 GiB file hashed at 200 MiB/s, seen first 0.3 s in: the rate and
    /// ETA are right at once, not inflated by the bytes done before the bar.
    #[test]
    fn first_sample_after_the_delay_gives_the_true_rate_and_eta() {
        let mut estimate = Estimate::new();
        estimate.record(ms(300), 60 * MIB);
        assert_eq!(estimate.rate(), Some(200.0 * MIB as f64));
        let eta = estimate.eta(2048 * MIB).unwrap().as_secs_f64();
        assert!((eta - 9.94).abs() < 0.01, "{eta}");
        assert_eq!(
            status_text(&progress(60 * MIB, 2048 * MIB), &estimate),
            "60.00 MiB/2.00 GiB, 0/1 files, 200.00 MiB/s, ETA 10s"
        );
    }

    #[test]
    fn nothing_done_yet_has_no_eta() {
        let mut estimate = Estimate::new();
        assert_eq!(estimate.rate(), None);
        assert_eq!(estimate.eta(100), None);
        estimate.record(ms(300), 0);
        assert_eq!(estimate.rate(), Some(0.0));
        assert_eq!(eta_text(estimate.eta(100)), "-");
    }

    /// The rate follows a change of speed within the window: 100 MiB/s for
    /// 10 s, then 10 MiB/s for 10 s, reads 10 MiB/s.
    #[test]
    fn rate_follows_the_last_window() {
        let mut estimate = Estimate::new();
        let mut bytes = 0;
        for tenth in 1..=200 {
            bytes += if tenth <= 100 { 10 * MIB } else { MIB };
            estimate.record(ms(tenth * 100), bytes);
        }
        let rate = estimate.rate().unwrap() / MIB as f64;
        assert!((rate - 10.0).abs() < 0.01, "{rate}");
        assert!(estimate.samples.len() <= 52, "{}", estimate.samples.len());
    }

    #[test]
    fn eta_texts() {
        assert_eq!(eta_text(Some(ms(400))), "1s");
        assert_eq!(eta_text(Some(ms(59_000))), "59s");
        assert_eq!(eta_text(Some(ms(184_000))), "3m04s");
        assert_eq!(eta_text(Some(ms(3_720_000))), "1h02m");
        assert_eq!(eta_text(Some(Duration::ZERO)), "0s");
    }

    #[test]
    fn message_names_files_done_and_total() {
        let progress = Progress {
            bytes_done: 10,
            bytes_total: 20,
            files_done: 3,
            files_total: 7,
        };
        assert!(status_text(&progress, &Estimate::new()).contains(", 3/7 files, "));
    }

    #[test]
    fn no_bar_when_not_wanted() {
        assert!(Bar::for_stderr(false).is_none());
    }
}
