//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/*`) through the
//! same checks the libFuzzer targets run, so `cargo test` keeps every input
//! the fuzzer found interesting (and every past crash) passing, without the
//! fuzzer or a nightly toolchain.

#[allow(dead_code)] // Not every check has a corpus replayed here.
#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::PathBuf;

/// The corpus files of `target`; fails if there are none, so a renamed or
/// emptied corpus cannot pass silently.
fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "empty corpus {}", dir.display());
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect()
}

/// Runs `check` on every input, naming the input that fails.
fn replay(target: &str, check: impl Fn(&[u8])) {
    let inputs = corpus(target);
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
        let (threads, manifest) = match data.split_first() {
            Some((&first, rest)) => (usize::from(first % 4) + 1, rest),
            None => (1, data),
        };
        checks::verify_fixed_tree(&tree, manifest, threads);
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

    /// Runs `check` on every file of the corpus of `target`.
    fn replay_signatures(target: &str, check: impl Fn(&[u8])) {
        for (path, data) in super::corpus(target) {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&data)));
            assert!(result.is_ok(), "{target}: {} fails", path.display());
        }
    }

    #[test]
    fn signature_keys_corpus() {
        replay_signatures("signature_keys", signature_checks::signature_keys);
    }

    #[test]
    fn signature_verify_corpus() {
        let keys = signature_checks::trusted_keys();
        replay_signatures("signature_verify", |data| {
            signature_checks::signature_verify(&keys, data)
        });
    }

    #[test]
    fn signature_clearsign_corpus() {
        replay_signatures("signature_clearsign", signature_checks::signature_clearsign);
    }

    /// The seeds hold a good signature of each format, so the verify check does
    /// reach the verified branch (a check that never sees success proves little).
    #[test]
    fn verify_seeds_include_good_signatures_of_each_format() {
        let keys = signature_checks::trusted_keys();
        let mut formats = std::collections::BTreeSet::new();
        for (_, data) in super::corpus("signature_verify") {
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
