//! Replays every committed corpus (`fuzz/corpus/<target>/*`) through its
//! target's check, without libFuzzer: `cargo test --manifest-path
//! fuzz/Cargo.toml` (run by `scripts/test.d/50-reliability.sh`). The
//! workspace's own `cargo test` replays the library-only targets too
//! (`tests/fuzz_corpus.rs`); the C ABI and CLI targets need this crate.

use std::path::{Path, PathBuf};

use checksig_fuzz::checks::FixedTree;
use checksig_fuzz::{capi_checks, checks, cli_checks, signature_checks};

/// Replays the committed corpus of `target` (see `checksig_fuzz::replay`).
fn replay(target: &str, check: impl Fn(&[u8])) {
    let corpora: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    checksig_fuzz::replay::replay(&corpora, target, check);
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
        checks::verify_fixed_tree_input(&tree, data)
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
