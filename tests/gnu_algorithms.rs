//! The algorithms and line formats of GNU `cksum` and the `*sum` tools
//! (issue 18), compared byte for byte with the tools on this machine: the
//! library hashes and writes each line, the GNU tool does the same, and the
//! two must agree; then each side checks the other's manifest.
//!
//! A tool that is absent (or too old for an algorithm) skips its cases with
//! a printed reason. What coreutils 9.1 lacks (SHA-3, `--base64`, crc32b) is
//! covered by test vectors in the library's unit tests.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;

use checksig::manifest::{format_digest_line, Encoding, LineOptions, Parser};
use checksig::{hash_bytes, hash_file, Algorithm, Digest};

/// File names GNU writes in its own ways: escaped (`\`, newline, carriage
/// return), with leading blanks or a star, not UTF-8.
const NAMES: [&[u8]; 6] = [
    b"plain.bin",
    b"new\nline",
    b"back\\slash",
    b" lead",
    b"*star",
    b"caf\xe9",
];

/// Contents around the block sizes (64, 128, 136, 144 bytes) and the sums'
/// blocks (512, 1024), one per name.
fn contents(index: usize) -> Vec<u8> {
    let len = [0, 1, 135, 1025, 70_001, 513][index];
    (0..len as u64)
        .map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8)
        .collect()
}

/// A directory with one file per name.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (index, name) in NAMES.iter().enumerate() {
        std::fs::write(
            dir.path().join(std::ffi::OsStr::from_bytes(name)),
            contents(index),
        )
        .unwrap();
    }
    dir
}

/// Whether `tool` runs with `args` (an algorithm it knows); prints why not.
fn have(tool: &str, args: &[&str]) -> bool {
    let ran = Command::new(tool)
        .args(args)
        .arg("/dev/null")
        .output()
        .is_ok_and(|out| out.status.success());
    if !ran {
        eprintln!("skipped: `{tool} {}` is not available here", args.join(" "));
    }
    ran
}

/// What `tool args NAMES...` prints in `dir`.
fn gnu(dir: &Path, tool: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(tool)
        .args(args)
        .args(NAMES.iter().map(|name| std::ffi::OsStr::from_bytes(name)))
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{tool} {args:?}: {out:?}");
    out.stdout
}

/// What the library writes for the same files.
fn ours(dir: &Path, algorithm: Algorithm, options: LineOptions) -> Vec<u8> {
    let mut text = Vec::new();
    for name in NAMES {
        let digest = hash_file(algorithm, dir.join(std::ffi::OsStr::from_bytes(name))).unwrap();
        text.extend(format_digest_line(&digest, Some(name), options).unwrap());
    }
    text
}

fn same(what: &str, ours: &[u8], gnu: &[u8]) {
    assert!(
        ours == gnu,
        "{what}:\nours: {}\ngnu:  {}",
        String::from_utf8_lossy(ours),
        String::from_utf8_lossy(gnu)
    );
}

fn algorithm(name: &str, bits: Option<u32>) -> Algorithm {
    Algorithm::parse_with_length(name, bits).unwrap()
}

/// Every digest algorithm GNU 9.1 has, through `cksum -a` (tagged by
/// default, `--untagged`, `-z`) and through its own tool (untagged, `--tag`,
/// `-b`), BLAKE2b also at 256 and 8 bits.
#[test]
fn digest_lines_are_gnus() {
    let dir = tree();
    let untagged = LineOptions::default();
    let tagged = untagged.tagged(true);
    let cases: [(&str, Algorithm, Option<&str>, &[&str]); 10] = [
        ("md5", Algorithm::Md5, Some("md5sum"), &[]),
        ("sha1", Algorithm::Sha1, Some("sha1sum"), &[]),
        ("sha224", Algorithm::Sha224, Some("sha224sum"), &[]),
        ("sha256", Algorithm::Sha256, Some("sha256sum"), &[]),
        ("sha384", Algorithm::Sha384, Some("sha384sum"), &[]),
        ("sha512", Algorithm::Sha512, Some("sha512sum"), &[]),
        ("blake2b", algorithm("blake2b", None), Some("b2sum"), &[]),
        (
            "blake2b",
            algorithm("blake2b", Some(256)),
            Some("b2sum"),
            &["-l", "256"],
        ),
        (
            "blake2b",
            algorithm("blake2b", Some(8)),
            Some("b2sum"),
            &["-l", "8"],
        ),
        ("sm3", Algorithm::Sm3, None, &[]),
    ];
    for (name, algorithm, tool, length) in cases {
        let what = format!("{name} {length:?}");
        if have("cksum", &[&["-a", name], length].concat()) {
            let args = [&["-a", name], length].concat();
            same(
                &what,
                &ours(dir.path(), algorithm, tagged),
                &gnu(dir.path(), "cksum", &args),
            );
            let args = [&["-a", name, "--untagged"], length].concat();
            same(
                &what,
                &ours(dir.path(), algorithm, untagged),
                &gnu(dir.path(), "cksum", &args),
            );
            let args = [&["-a", name, "-z"], length].concat();
            same(
                &what,
                &ours(dir.path(), algorithm, tagged.zero(true)),
                &gnu(dir.path(), "cksum", &args),
            );
        }
        let Some(tool) = tool else { continue };
        if have(tool, length) {
            same(
                &what,
                &ours(dir.path(), algorithm, untagged),
                &gnu(dir.path(), tool, length),
            );
            let args = [&["--tag"], length].concat();
            same(
                &what,
                &ours(dir.path(), algorithm, tagged),
                &gnu(dir.path(), tool, &args),
            );
            let args = [&["-b"], length].concat();
            same(
                &what,
                &ours(dir.path(), algorithm, untagged.binary(true)),
                &gnu(dir.path(), tool, &args),
            );
            let args = [&["-z"], length].concat();
            same(
                &what,
                &ours(dir.path(), algorithm, untagged.zero(true)),
                &gnu(dir.path(), tool, &args),
            );
        }
    }
}

/// cksum's CRC (its default), and the BSD and System V sums through `sum`
/// and `cksum -a`: decimal values, sizes and blocks, names as they are.
#[test]
fn crc_and_sum_lines_are_gnus() {
    let dir = tree();
    let plain = LineOptions::default();
    if have("cksum", &[]) {
        same(
            "cksum",
            &ours(dir.path(), Algorithm::Crc, plain),
            &gnu(dir.path(), "cksum", &[]),
        );
        same(
            "cksum -z",
            &ours(dir.path(), Algorithm::Crc, plain.zero(true)),
            &gnu(dir.path(), "cksum", &["-z"]),
        );
    }
    for (flag, algorithm) in [("-r", Algorithm::Bsd), ("-s", Algorithm::Sysv)] {
        if have("sum", &[flag]) {
            same(
                flag,
                &ours(dir.path(), algorithm, plain),
                &gnu(dir.path(), "sum", &[flag]),
            );
        }
    }
    for (name, algorithm) in [
        ("bsd", Algorithm::Bsd),
        ("sysv", Algorithm::Sysv),
        ("crc", Algorithm::Crc),
    ] {
        if have("cksum", &["-a", name]) {
            same(
                name,
                &ours(dir.path(), algorithm, plain),
                &gnu(dir.path(), "cksum", &["-a", name]),
            );
        }
    }
    if have("cksum", &["-a", "crc32b"]) {
        same(
            "crc32b",
            &ours(dir.path(), Algorithm::Crc32b, plain),
            &gnu(dir.path(), "cksum", &["-a", "crc32b"]),
        );
    }
    // Standard input read without arguments: no name.
    if have("cksum", &[]) {
        let mut child = Command::new("cksum")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child.stdin.take().unwrap().write_all(&contents(4)).unwrap();
        let out = child.wait_with_output().unwrap();
        let digest = hash_bytes(Algorithm::Crc, &contents(4));
        same(
            "cksum <",
            &format_digest_line(&digest, None, plain).unwrap(),
            &out.stdout,
        );
    }
}

/// GNU's manifests read back: a `cksum -c` manifest mixing algorithms line
/// by line (each by its tag, BLAKE2b at two lengths) and a `b2sum -l 256`
/// manifest, untagged; every entry's digest is its file's.
#[test]
fn gnu_manifests_parse_to_each_files_digest() {
    let dir = tree();
    let mut mixed = Vec::new();
    for (name, length) in [
        ("sha224", &[][..]),
        ("sm3", &[][..]),
        ("blake2b", &["-l", "128"][..]),
        ("blake2b", &[][..]),
        ("sha384", &[][..]),
    ] {
        if !have("cksum", &[&["-a", name], length].concat()) {
            continue;
        }
        mixed.extend(gnu(dir.path(), "cksum", &[&["-a", name], length].concat()));
    }
    let manifest = Parser::any_tagged().parse(&mixed);
    assert_eq!(manifest.malformed().count(), 0);
    let mut algorithms = std::collections::BTreeSet::new();
    for entry in manifest.entries() {
        let algorithm = entry.digest.algorithm();
        algorithms.insert(algorithm.tag());
        let index = NAMES.iter().position(|name| *name == entry.name).unwrap();
        assert_eq!(
            entry.digest,
            hash_bytes(algorithm, &contents(index)),
            "{:?}",
            entry.name
        );
    }
    assert_eq!(manifest.entries().count(), algorithms.len() * NAMES.len());

    if have("b2sum", &["-l", "256"]) {
        let text = gnu(dir.path(), "b2sum", &["-l", "256"]);
        let manifest = Parser::new(algorithm("blake2b", None)).parse(&text);
        assert_eq!(manifest.entries().count(), NAMES.len());
        for (index, entry) in manifest.entries().enumerate() {
            assert_eq!(
                entry.digest,
                hash_bytes(algorithm("blake2b", Some(256)), &contents(index))
            );
        }
    }
}

/// Our manifests checked by GNU: tagged lines of every algorithm GNU 9.1
/// has, mixed in one `cksum -c` input, and `b2sum -c` of untagged lines of
/// two lengths; a wrong digest is found.
#[test]
fn gnu_checks_our_manifests() {
    let dir = tree();
    let tagged = LineOptions::default().tagged(true);
    let mut mixed = Vec::new();
    for (name, algorithm) in [
        ("md5", Algorithm::Md5),
        ("sha224", Algorithm::Sha224),
        ("sha384", Algorithm::Sha384),
        ("sm3", Algorithm::Sm3),
        ("blake2b", algorithm("blake2b", Some(96))),
    ] {
        if have("cksum", &["-a", name]) {
            mixed.extend(ours(dir.path(), algorithm, tagged));
        }
    }
    let check = |tool: &str, text: &[u8]| -> bool {
        std::fs::write(dir.path().join("SUMS"), text).unwrap();
        Command::new(tool)
            .args(["--check", "--strict", "--quiet", "SUMS"])
            .current_dir(dir.path())
            .output()
            .unwrap()
            .status
            .success()
    };
    if !mixed.is_empty() {
        assert!(
            check("cksum", &mixed),
            "{}",
            String::from_utf8_lossy(&mixed)
        );
        let wrong = Digest::from_bytes(Algorithm::Sm3, &[0; 32]).unwrap();
        let mut bad = mixed.clone();
        bad.extend(format_digest_line(&wrong, Some(b"plain.bin"), tagged).unwrap());
        assert!(!check("cksum", &bad));
    }
    if have("b2sum", &[]) {
        let mut text = ours(
            dir.path(),
            algorithm("blake2b", Some(160)),
            LineOptions::default(),
        );
        text.extend(ours(
            dir.path(),
            algorithm("blake2b", None),
            LineOptions::default(),
        ));
        assert!(check("b2sum", &text), "{}", String::from_utf8_lossy(&text));
    }
    // Base64 is GNU 9.2's: checked when the tool has it.
    if have("cksum", &["-a", "sha256", "--base64"]) {
        let text = ours(
            dir.path(),
            Algorithm::Sha256,
            tagged.encoding(Encoding::Base64),
        );
        assert!(check("cksum", &text));
    }
}

/// A manifest mixing every algorithm a manifest can hold, line by line
/// (SHA-1 lines among them, which workers hash in pairs): each entry is
/// hashed with its own algorithm, so every line is OK, and a wrong digest
/// of any algorithm is a mismatch. Large files too, which are mapped.
#[test]
fn a_mixed_manifest_verifies_each_entry_with_its_algorithm() {
    let dir = tempfile::tempdir().unwrap();
    let checkable: Vec<Algorithm> = Algorithm::ALL
        .into_iter()
        .filter(|a| a.is_checkable())
        .chain([
            algorithm("blake2b", Some(256)),
            algorithm("blake2b", Some(8)),
        ])
        .collect();
    let tagged = LineOptions::default().tagged(true);
    let mut text = Vec::new();
    let mut expected = Vec::new();
    for round in 0..3 {
        for (index, &algorithm) in checkable.iter().enumerate() {
            let name = format!("f{round}-{index}");
            let len = if round == 2 {
                (9 << 20) + index
            } else {
                index * 1000 + round
            };
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 + index) as u8).collect();
            std::fs::write(dir.path().join(&name), &bytes).unwrap();
            // A SHA-1 line between any two, so that pairs meet other algorithms.
            let sha1_name = format!("s{round}-{index}");
            std::fs::write(dir.path().join(&sha1_name), &bytes[..bytes.len() / 2]).unwrap();
            let sha1 = hash_bytes(Algorithm::Sha1, &bytes[..bytes.len() / 2]);
            text.extend(format_digest_line(&sha1, Some(sha1_name.as_bytes()), tagged).unwrap());
            expected.push(checksig::StatusKind::Ok);
            let wrong = index % 5 == 4 && round == 1;
            let digest = if wrong {
                hash_bytes(algorithm, b"something else")
            } else {
                hash_bytes(algorithm, &bytes)
            };
            let encoding = if index % 2 == 0 {
                Encoding::Hex
            } else {
                Encoding::Base64
            };
            text.extend(
                format_digest_line(&digest, Some(name.as_bytes()), tagged.encoding(encoding))
                    .unwrap(),
            );
            expected.push(if wrong {
                checksig::StatusKind::Mismatch
            } else {
                checksig::StatusKind::Ok
            });
        }
    }
    for threads in [1, 2] {
        let report = checksig::Verifier::new()
            .threads(threads)
            .verify_text(dir.path(), &mut Parser::any_tagged(), &text)
            .unwrap();
        let kinds: Vec<_> = report.entries().map(|e| e.status().kind()).collect();
        assert_eq!(kinds, expected, "{threads} threads");
    }
}

/// `checksig DIR` (`verify_dir`) with a manifest tagged line by line with
/// different algorithms, as `cksum -a X` writes them: each line is read by
/// its own tag, and a wrong digest of any of them fails.
#[test]
fn verify_dir_reads_each_tagged_line_by_its_own_tag() {
    let dir = tree();
    let algorithms = [
        Algorithm::Sha256,
        Algorithm::parse_with_length("blake2b", Some(256)).unwrap(),
        Algorithm::Md5,
        Algorithm::Sha3_512,
        Algorithm::Sm3,
        Algorithm::Sha1,
    ];
    let tagged = LineOptions::default().tagged(true);
    let mut text = Vec::new();
    for (name, algorithm) in NAMES.iter().zip(algorithms) {
        let digest = hash_file(
            algorithm,
            dir.path().join(std::ffi::OsStr::from_bytes(name)),
        )
        .unwrap();
        text.extend(format_digest_line(&digest, Some(name), tagged).unwrap());
    }
    std::fs::write(dir.path().join("sha256sum.txt"), &text).unwrap();
    let report = checksig::verify_dir(dir.path()).unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.entries().len(), NAMES.len());
    // One digit of the MD5 line (the third) changed: that line, and only it, fails.
    let mut lines: Vec<Vec<u8>> = text
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    let md5 = &mut lines[2];
    let at = md5.len() - 2;
    md5[at] = if md5[at] == b'0' { b'1' } else { b'0' };
    std::fs::write(dir.path().join("sha256sum.txt"), lines.concat()).unwrap();
    let report = checksig::verify_dir(dir.path()).unwrap();
    let failed: Vec<u64> = report
        .entries()
        .filter(|entry| !matches!(entry.status(), checksig::Status::Ok))
        .map(|entry| entry.line())
        .collect();
    assert_eq!(failed, [3], "{report:?}");
}

/// A tagged manifest may also hold `sha256sum`'s untagged lines: read as the
/// algorithm detected from the first line, as `sha256sum -c` reads them.
#[test]
fn verify_dir_reads_untagged_lines_of_a_tagged_manifest_as_its_algorithm() {
    let dir = tree();
    let mut text = Vec::new();
    for (i, name) in NAMES.iter().enumerate() {
        let digest = hash_file(
            Algorithm::Sha256,
            dir.path().join(std::ffi::OsStr::from_bytes(name)),
        )
        .unwrap();
        let options = LineOptions::default().tagged(i % 2 == 0);
        text.extend(format_digest_line(&digest, Some(name), options).unwrap());
    }
    std::fs::write(dir.path().join("sha256sum.txt"), &text).unwrap();
    let report = checksig::verify_dir(dir.path()).unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.entries().len(), NAMES.len());
}
