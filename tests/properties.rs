//! Property tests (proptest) of the promises that matter most:
//!
//! * every way bytes reach the hasher (streamed `Hasher` updates in any
//!   chunking, `hash_file`, verification with mmap on and off and any thread
//!   count) gives the reference digest (`checksig::reference::sha1`) for
//!   arbitrary contents and for sizes around every boundary (the engine's
//!   boundaries are mirrored in `tests/common`);
//! * a manifest line written by `format_line` parses back to the same entry
//!   for arbitrary byte names;
//! * the parser never panics and parse → format → parse is stable (the same
//!   check as the `manifest_parse` fuzz target);
//! * the report is in manifest order and identical whatever the thread count.

#[allow(dead_code)] // Only some checks are used here; the fuzz targets use all.
#[path = "../fuzz/src/checks.rs"]
mod checks;
mod common;

use checksig::manifest::{format_line, Entry, Item, Manifest, Style};
use checksig::{hash_bytes, reference, Algorithm, Digest, Hasher, Status, Verifier};
use common::Tree;
use proptest::prelude::*;

use common::{BUFFER_LEN, MMAP_THRESHOLD, MMAP_WINDOW};

/// Sizes on every boundary below the mmap threshold: SHA-1's 64-byte block
/// and its 55/56-byte padding edge, pages, the read buffer and the mmap
/// window (a mapped file is hashed window by window).
fn boundary_sizes() -> Vec<usize> {
    let mut sizes = vec![
        0, 1, 2, 55, 56, 57, 63, 64, 65, 127, 128, 129, 4095, 4096, 4097,
    ];
    for edge in [BUFFER_LEN, 2 * BUFFER_LEN, MMAP_WINDOW] {
        sizes.extend([edge - 1, edge, edge + 1]);
    }
    sizes
}

/// `len` pseudo-random bytes from `seed`.
fn bytes(seed: u64, len: usize) -> Vec<u8> {
    common::pseudo_random(seed, len)
}

/// Configurations of the verifier that change how bytes are read: mmap on
/// and off, one worker and several.
fn verifiers() -> Vec<(String, Verifier)> {
    verifiers_with_threads(&[1, 3])
}

/// Every configuration of the verifier, with these thread counts.
fn verifiers_with_threads(thread_counts: &[usize]) -> Vec<(String, Verifier)> {
    let mut all = Vec::new();
    for mmap in [true, false] {
        for &threads in thread_counts {
            all.push((
                format!("mmap {mmap}, {threads} threads"),
                Verifier::new().mmap(mmap).threads(threads),
            ));
        }
    }
    all
}

/// Writes each `contents` as a file, then checks that every reading path
/// gives the reference digest: `hash_file`, and verification in every
/// configuration (listed with the right digest: OK; with a wrong one: a
/// mismatch whose actual digest is the reference).
fn check_files_hash_like_the_reference(contents: &[Vec<u8>]) {
    let tree = Tree::new();
    let mut manifest = Vec::new();
    let mut expected = Vec::new();
    for (i, data) in contents.iter().enumerate() {
        let name = format!("f{i}-{}", data.len());
        let path = tree.file(name.as_bytes(), data);
        let digest = reference::sha1(data);
        assert_eq!(
            checksig::hash_file(Algorithm::Sha1, &path).unwrap(),
            digest,
            "hash_file, {} bytes",
            data.len()
        );
        manifest.extend(common::line_with(name.as_bytes(), digest));
        manifest.extend(common::line_with(name.as_bytes(), common::wrong_digest()));
        expected.push(digest);
    }
    tree.manifest(&manifest);
    for (what, verifier) in verifiers() {
        let report = tree.verify_with(verifier);
        let entries: Vec<_> = report.entries().collect();
        assert_eq!(entries.len(), 2 * contents.len());
        for (i, pair) in entries.chunks(2).enumerate() {
            let size = contents[i].len();
            assert!(
                matches!(pair[0].status(), Status::Ok),
                "{what}, {size} bytes: {:?}",
                pair[0].status()
            );
            match &pair[1].status() {
                Status::Mismatch { actual } => {
                    assert_eq!(**actual, expected[i], "{what}, {size} bytes")
                }
                other => panic!("{what}, {size} bytes: {other:?}"),
            }
        }
    }
}

/// The mmap threshold ± 1 (the last also ends one byte into a new mmap
/// window): files of 16 MiB, so fewer configurations (one thread, mmap on
/// and off) to keep a debug build quick.
#[test]
fn mmap_threshold_sizes_hash_like_the_reference() {
    let tree = Tree::new();
    let mut manifest = Vec::new();
    let sizes = [MMAP_THRESHOLD - 1, MMAP_THRESHOLD, MMAP_THRESHOLD + 1];
    let mut digests = Vec::new();
    for (i, &size) in sizes.iter().enumerate() {
        let data = bytes(i as u64 + 99, size);
        let digest = reference::sha1(&data);
        let path = tree.file(format!("big{i}").as_bytes(), &data);
        assert_eq!(checksig::hash_file(Algorithm::Sha1, &path).unwrap(), digest);
        manifest.extend(common::line_with(format!("big{i}").as_bytes(), digest));
        digests.push(digest);
    }
    tree.manifest(&manifest);
    for mmap in [true, false] {
        let report = tree.verify_with(Verifier::new().threads(1).mmap(mmap));
        for (entry, size) in report.entries().zip(sizes) {
            assert!(
                matches!(entry.status(), Status::Ok),
                "mmap {mmap}, {size} bytes: {:?}",
                entry.status()
            );
        }
    }
}

#[test]
fn boundary_sizes_hash_like_the_reference_every_way() {
    let contents: Vec<Vec<u8>> = boundary_sizes()
        .into_iter()
        .enumerate()
        .map(|(i, size)| bytes(i as u64 + 7, size))
        .collect();
    check_files_hash_like_the_reference(&contents);
}

/// A name byte, biased to the bytes that matter to the grammar.
fn name_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => prop::sample::select(b"\n\r\\ \t*()=#.-/".to_vec()),
        1 => 0x80u8..=0xff,
        4 => 1u8..=0xff,
    ]
}

/// Every possible file name: not empty, no NUL.
fn name() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(name_byte(), 1..40)
}

fn style() -> impl Strategy<Value = Style> {
    prop::sample::select(vec![Style::Text, Style::Binary, Style::Tagged])
}

fn digest() -> impl Strategy<Value = Digest> {
    prop::array::uniform20(any::<u8>())
        .prop_map(|bytes| Digest::from_bytes(Algorithm::Sha1, &bytes).unwrap())
}

/// Manifest-like bytes: lines assembled from the grammar's pieces, so that
/// most inputs get past the first few bytes (pure random bytes rarely do).
fn manifest_like() -> impl Strategy<Value = Vec<u8>> {
    let hex = "f572d396fae9206628714fb2ce00f72e94f2258f";
    let piece = prop_oneof![
        Just(hex.as_bytes().to_vec()),
        Just(hex.to_uppercase().into_bytes()),
        Just(hex.as_bytes()[..39].to_vec()),
        Just(b"SHA1 (".to_vec()),
        Just(b"SHA1(".to_vec()),
        Just(b") = ".to_vec()),
        Just(b")=".to_vec()),
        Just(b"  ".to_vec()),
        Just(b" *".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\\".to_vec()),
        Just(b"\\n".to_vec()),
        Just(b"#".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\0".to_vec()),
        prop::collection::vec(name_byte(), 1..8),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn one_line_round_trips(name in name(), style in style(), digest in digest()) {
        let entry = Entry { line: 1, name, digest, style };
        let line = format_line(&entry).unwrap();
        let parsed = Manifest::parse(&line);
        prop_assert_eq!(parsed.items(), [Item::Entry(entry)]);
    }

    #[test]
    fn whole_manifests_round_trip(
        entries in prop::collection::vec((name(), style(), digest()), 1..12),
        crlf in any::<bool>(),
    ) {
        let mut text = Vec::new();
        let mut expected = Vec::new();
        for (i, (name, style, digest)) in entries.into_iter().enumerate() {
            let entry = Entry { line: i as u64 + 1, name, digest, style };
            let mut line = format_line(&entry).unwrap();
            if crlf {
                line.insert(line.len() - 1, b'\r');
            }
            text.extend(line);
            expected.push(Item::Entry(entry));
        }
        let parsed = Manifest::parse(&text);
        prop_assert_eq!(parsed.items(), &expected[..]);
    }

    #[test]
    fn parser_holds_its_invariants_on_arbitrary_bytes(
        data in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        checks::manifest_parse(&data);
    }

    #[test]
    fn parser_holds_its_invariants_on_manifest_like_bytes(data in manifest_like()) {
        checks::manifest_parse(&data);
    }

    #[test]
    fn escape_codec_round_trips(data in prop::collection::vec(name_byte(), 0..60)) {
        checks::escape_codec(&data);
    }

    /// Streaming in any chunking gives the one-shot and the reference digest.
    #[test]
    fn hasher_chunking_is_invisible(
        seed in any::<u64>(),
        len in prop_oneof![0usize..200, 0usize..5000],
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
    ) {
        let data = bytes(seed, len);
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(len + 1)).collect();
        cuts.sort_unstable();
        let mut hasher = Hasher::new(Algorithm::Sha1);
        let mut start = 0;
        for cut in cuts.into_iter().chain([len]) {
            hasher.update(&data[start..cut]);
            start = cut;
        }
        let expected = reference::sha1(&data);
        prop_assert_eq!(hasher.finalize(), expected);
        prop_assert_eq!(hash_bytes(Algorithm::Sha1, &data), expected);
    }
}

proptest! {
    // Each case writes files and runs eight verifications: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn arbitrary_files_hash_like_the_reference_every_way(
        files in prop::collection::vec(
            (any::<u64>(), prop_oneof![
                4 => 0usize..5000,
                1 => (BUFFER_LEN - 64)..(BUFFER_LEN + 64),
            ]),
            1..4,
        ),
    ) {
        let contents: Vec<Vec<u8>> =
            files.iter().map(|&(seed, len)| bytes(seed, len)).collect();
        check_files_hash_like_the_reference(&contents);
    }

    #[test]
    fn report_is_in_manifest_order_whatever_the_thread_count(
        lines in prop::collection::vec(line_kind(), 1..40),
        seed in any::<u64>(),
    ) {
        let tree = Tree::new();
        let files: Vec<Vec<u8>> = (0..6)
            .map(|i| bytes(seed.wrapping_add(i), (seed % 3000) as usize + i as usize))
            .collect();
        for (i, data) in files.iter().enumerate() {
            tree.file(format!("d/f{i}").as_bytes(), data);
        }
        std::fs::create_dir(tree.root.join("dir")).unwrap();
        let mut manifest = Vec::new();
        for kind in &lines {
            manifest.extend(match *kind {
                LineKind::Match(i) => common::line(format!("d/f{i}").as_bytes(), &files[i]),
                LineKind::Mismatch(i) => {
                    common::line_with(format!("d/f{i}").as_bytes(), common::wrong_digest())
                }
                LineKind::Missing(i) => common::line(format!("gone{i}").as_bytes(), b""),
                LineKind::Outside => common::line(b"../outside/x", b""),
                LineKind::Directory => common::line(b"dir", b""),
                LineKind::Malformed(i) => format!("malformed {i}\n").into_bytes(),
                LineKind::Comment => b"# comment\n".to_vec(),
            });
        }
        tree.manifest(&manifest);
        let expected_lines: Vec<u64> =
            Manifest::parse(&manifest).items().iter().map(Item::line).collect();
        let baseline = summarize(&tree.verify_with(Verifier::new().threads(1).mmap(false)));
        let lines_seen: Vec<u64> = baseline.iter().map(|r| r.0).collect();
        prop_assert_eq!(lines_seen, expected_lines);
        let kinds: Vec<_> = lines.iter().filter_map(LineKind::status).collect();
        let got: Vec<_> = baseline.iter().map(|r| r.3).collect();
        prop_assert_eq!(got, kinds);
        let all_configurations = verifiers_with_threads(&[1, 2, 3, 8])
            .into_iter()
            .chain([("default threads".to_string(), Verifier::new().threads(0))]);
        for (_, verifier) in all_configurations {
            prop_assert_eq!(summarize(&tree.verify_with(verifier)), baseline.clone());
        }
    }
}

#[derive(Clone, Debug)]
enum LineKind {
    Match(usize),
    Mismatch(usize),
    Missing(usize),
    Outside,
    Directory,
    Malformed(usize),
    Comment,
}

impl LineKind {
    fn status(&self) -> Option<checksig::StatusKind> {
        use checksig::StatusKind::*;
        Some(match self {
            LineKind::Match(_) => Ok,
            LineKind::Mismatch(_) => Mismatch,
            LineKind::Missing(_) => Missing,
            LineKind::Outside => OutsideRoot,
            LineKind::Directory => NotRegular,
            LineKind::Malformed(_) => Malformed,
            LineKind::Comment => return None,
        })
    }
}

fn line_kind() -> impl Strategy<Value = LineKind> {
    prop_oneof![
        4 => (0usize..6).prop_map(LineKind::Match),
        2 => (0usize..6).prop_map(LineKind::Mismatch),
        1 => (0usize..6).prop_map(LineKind::Missing),
        1 => Just(LineKind::Outside),
        1 => Just(LineKind::Directory),
        1 => (0usize..99).prop_map(LineKind::Malformed),
        1 => Just(LineKind::Comment),
    ]
}

type Summary = (
    u64,
    Vec<u8>,
    Option<Digest>,
    checksig::StatusKind,
    Option<Digest>,
);

/// Everything a report says, in a comparable form.
fn summarize(report: &checksig::Report) -> Vec<Summary> {
    report
        .entries()
        .map(|e| {
            (
                e.line(),
                e.name().to_vec(),
                e.expected(),
                e.status().kind(),
                e.actual(),
            )
        })
        .collect()
}
