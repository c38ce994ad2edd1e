//! Replays the committed corpora of the signature fuzz targets
//! (`fuzz/corpus/signature_*/*`) through the same checks the libFuzzer
//! targets run (`fuzz/src/signature_checks.rs`), without the fuzzer.
#![cfg(feature = "signatures")]

#[path = "../fuzz/src/signature_checks.rs"]
mod signature_checks;

use std::path::PathBuf;

/// Runs `check` on every file of the corpus of `target`; fails on an empty
/// corpus, so a renamed one cannot pass silently.
fn replay(target: &str, check: impl Fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "empty corpus {}", dir.display());
    for path in &files {
        let data = std::fs::read(path).unwrap();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&data)));
        assert!(result.is_ok(), "{target}: {} fails", path.display());
    }
}

#[test]
fn signature_keys_corpus() {
    replay("signature_keys", signature_checks::signature_keys);
}

#[test]
fn signature_verify_corpus() {
    let keys = signature_checks::trusted_keys();
    replay("signature_verify", |data| {
        signature_checks::signature_verify(&keys, data)
    });
}

#[test]
fn signature_clearsign_corpus() {
    replay("signature_clearsign", signature_checks::signature_clearsign);
}

/// The seeds hold a good signature of each format, so the verify check does
/// reach the verified branch (a check that never sees success proves little).
#[test]
fn verify_seeds_include_good_signatures_of_each_format() {
    let keys = signature_checks::trusted_keys();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/signature_verify");
    let mut formats = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        let now = std::time::SystemTime::now();
        let detached =
            checksig::signature::verify(signature_checks::MANIFEST, Some(("s", &data)), &keys, now);
        if let Ok(v) = detached.or_else(|_| checksig::signature::verify(&data, None, &keys, now)) {
            formats.insert(v.signer.format.to_string());
        }
    }
    assert_eq!(formats.len(), 4, "{formats:?}");
}
