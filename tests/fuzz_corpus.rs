//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/*`) through the
//! same checks the libFuzzer targets run, so `cargo test` keeps every input
//! the fuzzer found interesting (and every past crash) passing, without the
//! fuzzer or a nightly toolchain.

#[allow(dead_code)] // Not every check has a corpus replayed here.
#[path = "../fuzz/src/checks.rs"]
mod checks;

#[path = "../fuzz/src/replay.rs"]
mod replay;

use std::path::{Path, PathBuf};

/// The committed corpora, `fuzz/corpus`.
fn corpora() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus")
}

/// Runs `check` on every input of the corpus of `target`, naming the input
/// that fails.
fn replay(target: &str, check: impl Fn(&[u8])) {
    replay::replay(&corpora(), target, check);
}

#[test]
fn manifest_parse_corpus() {
    replay("manifest_parse", checks::manifest_parse);
}

#[test]
fn escape_codec_corpus() {
    replay("escape_codec", checks::escape_codec);
}

#[test]
fn verify_fixed_tree_corpus() {
    let tree = checks::FixedTree::new();
    replay("verify_fixed_tree", |data| {
        checks::verify_fixed_tree_input(&tree, data)
    });
}

/// The seed manifest of the fixed tree passes with every thread count, and
/// its statuses are the expected ones (so the checks themselves are checked).
#[test]
fn fixed_tree_seed_has_the_expected_statuses() {
    use checksig::StatusKind::*;
    let tree = checks::FixedTree::new();
    let seed = tree.seed_manifest();
    for threads in 1..=4 {
        checks::verify_fixed_tree(&tree, &seed, threads);
    }
    let report = checksig::Verifier::new()
        .verify_manifest(&tree.root, &checksig::manifest::Manifest::parse(&seed))
        .unwrap();
    let kinds: Vec<_> = report.entries().map(|e| e.status().kind()).collect();
    assert_eq!(
        kinds,
        [
            Ok,
            Ok,
            Ok,
            Ok,
            Ok,
            Ok,
            Ok,
            Ok,
            Ok,
            OutsideRoot,
            OutsideRoot,
            OutsideRoot,
            OutsideRoot,
            OutsideRoot,
            Unreadable,
            NotRegular,
            NotRegular,
            NotRegular,
            Missing,
            Mismatch,
            Ok,
            Malformed
        ]
    );
}

#[cfg(feature = "signatures")]
#[path = "../fuzz/src/signature_checks.rs"]
mod signature_checks;

/// The signature targets' corpora (`fuzz/corpus/signature_*/*`) through
/// their checks (`fuzz/src/signature_checks.rs`).
#[cfg(feature = "signatures")]
mod signatures {
    use super::signature_checks;

    #[test]
    fn signature_keys_corpus() {
        super::replay("signature_keys", signature_checks::signature_keys);
    }

    #[test]
    fn signature_verify_corpus() {
        let keys = signature_checks::trusted_keys();
        super::replay("signature_verify", |data| {
            signature_checks::signature_verify(&keys, data)
        });
    }

    #[test]
    fn signature_clearsign_corpus() {
        super::replay("signature_clearsign", signature_checks::signature_clearsign);
    }

    /// The seeds hold a good signature of each format, so the verify check does
    /// reach the verified branch (a check that never sees success proves little).
    #[test]
    fn verify_seeds_include_good_signatures_of_each_format() {
        let keys = signature_checks::trusted_keys();
        let mut formats = std::collections::BTreeSet::new();
        for (_, data) in super::replay::corpus(&super::corpora(), "signature_verify") {
            let now = std::time::SystemTime::now();
            let detached = checksig::signature::verify(
                signature_checks::MANIFEST,
                Some(("s", &data)),
                &keys,
                now,
            );
            if let Ok(v) =
                detached.or_else(|_| checksig::signature::verify(&data, None, &keys, now))
            {
                formats.insert(v.signer.format.to_string());
            }
        }
        assert_eq!(formats.len(), 4, "{formats:?}");
    }
}
