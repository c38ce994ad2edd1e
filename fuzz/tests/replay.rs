//! Replays every committed corpus (`fuzz/corpus/<target>/*`) through its
//! target's check, without libFuzzer: `cargo test --manifest-path
//! fuzz/Cargo.toml` (run by `scripts/test.d/50-reliability.sh`). The
//! workspace's own `cargo test` replays the library-only targets too
//! (`tests/fuzz_corpus.rs`); the C ABI and CLI targets need this crate.

use std::path::PathBuf;

use checksig_fuzz::checks::FixedTree;
use checksig_fuzz::{capi_checks, checks, cli_checks, signature_checks};

fn replay(target: &str, check: impl Fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
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
    println!("{target}: {} inputs replayed", files.len());
}

#[test]
fn manifest_parse() {
    replay("manifest_parse", checks::manifest_parse);
}

#[test]
fn escape_codec() {
    replay("escape_codec", checks::escape_codec);
}

#[test]
fn verify_fixed_tree() {
    let tree = FixedTree::new();
    replay("verify_fixed_tree", |data| {
        let (threads, manifest) = match data.split_first() {
            Some((&first, rest)) => (usize::from(first % 4) + 1, rest),
            None => (1, data),
        };
        checks::verify_fixed_tree(&tree, manifest, threads);
    });
}

#[test]
fn capi_verify() {
    let tree = FixedTree::new();
    replay("capi_verify", |data| capi_checks::capi_verify(&tree, data));
}

#[test]
fn cli_names() {
    replay("cli_names", cli_checks::cli_names);
}

#[test]
fn signature_keys() {
    replay("signature_keys", signature_checks::signature_keys);
}

#[test]
fn signature_verify() {
    let keys = signature_checks::trusted_keys();
    replay("signature_verify", |data| {
        signature_checks::signature_verify(&keys, data)
    });
}

#[test]
fn signature_clearsign() {
    replay("signature_clearsign", signature_checks::signature_clearsign);
}
