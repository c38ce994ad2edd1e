//! Memory per manifest line (issue 15): a counting global allocator measures
//! the peak heap of verifying large manifests, per line.
//!
//! A manifest's cost is counted beyond its own bytes (read whole, as the
//! library does) and a fixed allowance (the reading buffers, threads' state).
//! A malformed line must cost at most 64 bytes beyond its text; a
//! well-formed entry at most 64 bytes beyond its name and its expected
//! digest (boxed, 65 bytes).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use checksig::manifest::{Parser, DEFAULT_MANIFEST_NAME};
use checksig::{Algorithm, Digest, EntryReport, Status, StatusKind, Verifier};

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

/// The peak heap in use while `run` runs, above what was in use before.
fn peak_of<T>(run: impl FnOnce() -> T) -> (T, usize) {
    let before = IN_USE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = run();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    println!("peak {peak} bytes, {} per line", peak / LINES);
    (result, peak)
}

fn malformed_manifest() -> Vec<u8> {
    b"x\n".repeat(LINES)
}

fn assert_all_malformed(entries: &[EntryReport]) {
    assert_eq!(entries.len(), LINES);
    for (number, entry) in (1..).zip(entries) {
        assert_eq!(entry.line, number);
        assert!(matches!(&entry.status, Status::Malformed { text } if text == b"x"));
    }
}

#[test]
fn a_malformed_line_costs_at_most_64_bytes_beyond_its_text_in_dir_mode() {
    let _one = MEASURING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let manifest = malformed_manifest();
    std::fs::write(dir.path().join(DEFAULT_MANIFEST_NAME), &manifest).unwrap();
    let verifier = Verifier::new().threads(2);
    let (report, peak) = peak_of(|| verifier.verify_dir(dir.path()).unwrap());
    assert_all_malformed(report.entries());
    assert_eq!(report.count(StatusKind::Malformed), LINES);
    let text = LINES; // one byte per line
    let allowed = LINES * 64 + text + manifest.len() + FIXED;
    assert!(
        peak <= allowed,
        "peak {peak} bytes for {LINES} malformed lines ({} per line), allowed {allowed}",
        peak / LINES
    );
}

#[test]
fn a_malformed_line_costs_at_most_64_bytes_beyond_its_text_from_text() {
    let _one = MEASURING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let manifest = malformed_manifest();
    let mut parser = Parser::new(Algorithm::Sha1);
    let verifier = Verifier::new().threads(2).strict(false);
    let (report, peak) = peak_of(|| {
        verifier
            .verify_text(dir.path(), &mut parser, &manifest)
            .unwrap()
    });
    assert_all_malformed(report.entries());
    let allowed = LINES * 64 + LINES + FIXED;
    assert!(
        peak <= allowed,
        "peak {peak} bytes for {LINES} malformed lines ({} per line), allowed {allowed}",
        peak / LINES
    );
}

#[test]
fn an_entry_costs_at_most_64_bytes_beyond_its_name_and_boxed_digest() {
    let _one = MEASURING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let hex = "f572d396fae9206628714fb2ce00f72e94f2258f";
    let manifest: Vec<u8> = (0..LINES)
        .flat_map(|i| format!("{hex}  {}\n", (b'a' + (i % 26) as u8) as char).into_bytes())
        .collect();
    std::fs::write(dir.path().join(DEFAULT_MANIFEST_NAME), &manifest).unwrap();
    let verifier = Verifier::new().threads(2);
    let (report, peak) = peak_of(|| verifier.verify_dir(dir.path()).unwrap());
    assert_eq!(report.count(StatusKind::Missing), LINES);
    let expected = Digest::from_hex(Algorithm::Sha1, hex.as_bytes()).unwrap();
    assert!(report
        .entries()
        .iter()
        .all(|e| e.expected.as_deref() == Some(&expected) && e.name.len() == 1));
    let name = 1;
    let digest = std::mem::size_of::<Digest>();
    let allowed = LINES * (64 + name + digest) + manifest.len() + FIXED;
    assert!(
        peak <= allowed,
        "peak {peak} bytes for {LINES} entries ({} per line), allowed {allowed}",
        peak / LINES
    );
}

#[test]
fn a_result_is_64_bytes_and_a_status_24() {
    assert!(std::mem::size_of::<EntryReport>() <= 64);
    assert!(std::mem::size_of::<Status>() <= 24);
}
