//! Replaying a committed corpus (`fuzz/corpus/<target>/*`) without
//! libFuzzer, written once for both replays: this crate's
//! `fuzz/tests/replay.rs` (every target) and the workspace's
//! `tests/fuzz_corpus.rs` (the library-only targets), which includes this file
//! by path, so it depends on nothing but `std`.

use std::path::{Path, PathBuf};

/// The inputs of the corpus of `target` under `corpora` (the `fuzz/corpus`
/// directory), sorted by name; fails if there are none, so that a renamed
/// or emptied corpus cannot pass silently.
pub fn corpus(corpora: &Path, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = corpora.join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "empty corpus {}", dir.display());
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, bytes)
        })
        .collect()
}

/// Runs `check` on every input of the corpus of `target`, naming the input
/// that fails.
pub fn replay(corpora: &Path, target: &str, check: impl Fn(&[u8])) {
    let inputs = corpus(corpora, target);
    for (path, bytes) in &inputs {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(bytes)));
        assert!(
            result.is_ok(),
            "{target}: corpus input {} fails",
            path.display()
        );
    }
    println!("{target}: {} corpus inputs replayed", inputs.len());
}
