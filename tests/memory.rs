//! Memory per manifest line (issue 15): a counting global allocator measures
//! the peak heap of verifying large manifests, per line.
//!
//! A manifest's cost is counted beyond its own bytes (read whole, as the
//! library does) and a fixed allowance (the reading buffers, threads' state).
//! A malformed line must cost at most 64 bytes beyond its text; a
//! well-formed entry at most 64 bytes beyond its name, its expected digest
//! included (a report is columnar: a 24-byte row, the digest at its own
//! length in the arena).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use checksig::manifest::{Parser, DEFAULT_MANIFEST_NAME};
use checksig::{Algorithm, Digest, Report, Status, StatusKind, Verifier};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` with the same arguments; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged (the caller's contract is `System`'s).
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            added(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(pointer, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            added(new_size);
        }
        moved
    }
}

fn added(size: usize) {
    let now = IN_USE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One measurement at a time: the counters are process-wide.
static MEASURING: Mutex<()> = Mutex::new(());

/// Lines in each manifest measured.
const LINES: usize = 200_000;

/// Reading buffers, threads and the like, whatever the manifest's length.
const FIXED: usize = 4 << 20;

/// One measurement at a time: the counters are process-wide, so a test
/// holds this while it allocates (a test's allocations would count in
/// another's peak).
fn one_at_a_time() -> MutexGuard<'static, ()> {
    MEASURING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The peak heap in use while `run` runs, above what was in use before.
fn peak_of<T>(run: impl FnOnce() -> T) -> (T, usize) {
    let before = IN_USE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = run();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    println!("peak {peak} bytes, {} per line", peak / LINES);
    (result, peak)
}

/// What `run` returns, after failing unless its peak heap was within
/// `allowed` bytes for the [`LINES`] lines of `what`.
fn within<T>(allowed: usize, what: &str, run: impl FnOnce() -> T) -> T {
    let (result, peak) = peak_of(run);
    assert!(
        peak <= allowed,
        "peak {peak} bytes for {LINES} {what} ({} per line), allowed {allowed}",
        peak / LINES
    );
    result
}

fn malformed_manifest() -> Vec<u8> {
    b"x\n".repeat(LINES)
}

fn assert_all_malformed(report: &Report) {
    assert_eq!(report.len(), LINES);
    for (number, entry) in (1..).zip(report.entries()) {
        assert_eq!(entry.line(), number);
        assert!(matches!(entry.status(), Status::Malformed));
        assert_eq!(entry.text(), Some(&b"x"[..]));
    }
}

/// A manifest of [`LINES`] SHA-1 entries naming one-character files that
/// do not exist (each still gets its row).
fn entries_manifest() -> (Vec<u8>, &'static str) {
    let hex = "f572d396fae9206628714fb2ce00f72e94f2258f";
    let manifest = (0..LINES)
        .flat_map(|i| format!("{hex}  {}\n", (b'a' + (i % 26) as u8) as char).into_bytes())
        .collect();
    (manifest, hex)
}

fn assert_all_missing(report: &Report, hex: &str) {
    assert_eq!(report.count(StatusKind::Missing), LINES);
    let expected = Digest::from_hex(Algorithm::Sha1, hex.as_bytes()).unwrap();
    assert!(report
        .entries()
        .all(|e| e.expected() == Some(expected) && e.name().len() == 1));
}

#[test]
fn a_malformed_line_costs_at_most_64_bytes_beyond_its_text_in_dir_mode() {
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let manifest = malformed_manifest();
    std::fs::write(dir.path().join(DEFAULT_MANIFEST_NAME), &manifest).unwrap();
    let verifier = Verifier::new().threads(2);
    let text = LINES; // one byte per line
    let allowed = LINES * 64 + text + manifest.len() + FIXED;
    let report = within(allowed, "malformed lines", || {
        verifier.verify_dir(dir.path()).unwrap()
    });
    assert_all_malformed(&report);
    assert_eq!(report.count(StatusKind::Malformed), LINES);
}

#[test]
fn a_malformed_line_costs_at_most_64_bytes_beyond_its_text_from_text() {
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let manifest = malformed_manifest();
    let mut parser = Parser::new(Algorithm::Sha1);
    let verifier = Verifier::new().threads(2).strict(false);
    let report = within(LINES * 64 + LINES + FIXED, "malformed lines", || {
        verifier
            .verify_text(dir.path(), &mut parser, &manifest)
            .unwrap()
    });
    assert_all_malformed(&report);
}

/// DIR mode with two threads: the manifest is parsed and checked chunk by
/// chunk, each chunk's results one piece of the report.
#[test]
fn an_entry_costs_at_most_64_bytes_beyond_its_name_in_dir_mode() {
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let (manifest, hex) = entries_manifest();
    std::fs::write(dir.path().join(DEFAULT_MANIFEST_NAME), &manifest).unwrap();
    let verifier = Verifier::new().threads(2);
    let name = 1;
    let allowed = LINES * (64 + name) + manifest.len() + FIXED;
    let report = within(allowed, "entries", || {
        verifier.verify_dir(dir.path()).unwrap()
    });
    assert_all_missing(&report, hex);
}

/// What the report itself holds, whichever path made it: at most 64 bytes
/// per entry beyond its name (a 24-byte row, 20 bytes of SHA-1 digest,
/// the pieces' headers), as [`Report::heap_bytes`] accounts for it.
#[test]
fn a_report_holds_at_most_64_bytes_per_entry_beyond_its_name() {
    // Not measured here, but its allocations would count in another's peak.
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let (manifest, hex) = entries_manifest();
    std::fs::write(dir.path().join(DEFAULT_MANIFEST_NAME), &manifest).unwrap();
    for threads in [1, 2] {
        let report = Verifier::new()
            .threads(threads)
            .verify_dir(dir.path())
            .unwrap();
        assert_all_missing(&report, hex);
        let held = report.heap_bytes();
        assert!(
            held <= LINES * (64 + 1),
            "{threads} threads: {held} bytes for {LINES} entries ({} per entry)",
            held / LINES
        );
        println!(
            "{threads} threads: report holds {} bytes per entry",
            held / LINES
        );
    }
    let mut parser = Parser::new(Algorithm::Sha1);
    let report = Verifier::new()
        .threads(2)
        .verify_text(dir.path(), &mut parser, &manifest)
        .unwrap();
    assert!(report.heap_bytes() <= LINES * (64 + 1));
}

/// `verify_text` (`checksig -c`) with two threads: parsed and checked chunk
/// by chunk, as DIR mode is; the manifest's bytes are the caller's.
#[test]
fn an_entry_costs_at_most_64_bytes_beyond_its_name_from_text() {
    let name = 1;
    entries_from_text_within(2, LINES * (64 + name) + FIXED);
}

/// The parse-first path (`verify_text` and DIR mode with one thread, a
/// progress callback or `--unlisted`): the entries are parsed as items for
/// the run, then each is copied once into the report.
#[test]
fn an_entry_parsed_first_costs_its_item_and_its_row() {
    // An item (104 bytes and its name's allocation), its status in the
    // run (25), the run's order (8), the row and digest (44) and name.
    entries_from_text_within(1, LINES * 224 + FIXED);
}

/// `verify_text` of the entries' manifest on `threads` threads, failing
/// unless its peak heap is within `allowed` bytes.
fn entries_from_text_within(threads: usize, allowed: usize) {
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let (manifest, hex) = entries_manifest();
    let mut parser = Parser::new(Algorithm::Sha1);
    let verifier = Verifier::new().threads(threads);
    let report = within(allowed, "entries", || {
        verifier
            .verify_text(dir.path(), &mut parser, &manifest)
            .unwrap()
    });
    assert_all_missing(&report, hex);
}

#[test]
fn a_row_is_24_bytes_and_a_status_24() {
    const { assert!(Report::ROW_BYTES <= 24) };
    assert!(std::mem::size_of::<Status>() <= 24);
}
