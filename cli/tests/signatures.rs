//! Signed manifests through the command (issue 17): `--key FILE` in DIR and
//! `-c` modes, for each signature format, with the fixtures made by the
//! real tools (`testdata/signatures/generate.sh`).

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use common::{checksig, Invocation, Run};

/// `testdata/signatures/NAME`.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/signatures")
        .join(name)
}

/// A directory with the signed files `a.txt` and `b.txt`, the manifest
/// fixture `manifest` as `name`, and each `(fixture, name)` of `extra`.
fn download(manifest: &str, name: &str, extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in ["a.txt", "b.txt"] {
        std::fs::copy(fixture(&format!("files/{file}")), dir.path().join(file)).unwrap();
    }
    std::fs::copy(fixture(manifest), dir.path().join(name)).unwrap();
    for (from, to) in extra {
        std::fs::copy(fixture(from), dir.path().join(to)).unwrap();
    }
    dir
}

fn run_in(dir: &Path, args: &[&OsStr]) -> Run {
    let program = checksig();
    let mut invocation = Invocation::new(&program, dir);
    invocation.args = args.to_vec();
    invocation.run()
}

/// `checksig --key KEY... -m NAME DIR` (DIR mode), then the same manifest
/// with `checksig --key KEY... -c NAME` in the directory (`-c` mode).
fn both_modes(dir: &Path, name: &str, keys: &[&str]) -> [Run; 2] {
    let keys: Vec<PathBuf> = keys.iter().map(|k| fixture(k)).collect();
    let mut key_args: Vec<&OsStr> = Vec::new();
    for key in &keys {
        key_args.extend([OsStr::new("--key"), key.as_os_str()]);
    }
    let mut dir_args = key_args.clone();
    dir_args.extend([OsStr::new("-m"), OsStr::new(name), dir.as_os_str()]);
    let mut check_args = key_args;
    check_args.extend([OsStr::new("-c"), OsStr::new(name)]);
    [run_in(dir, &dir_args), run_in(dir, &check_args)]
}

/// The manifest verifies in both modes, and the signer is named.
fn accepted(dir: &Path, name: &str, keys: &[&str], signer: &str) {
    let [dir_mode, check_mode] = both_modes(dir, name, keys);
    assert_eq!(dir_mode.status, 0, "{dir_mode:?}");
    let out = dir_mode.out();
    assert!(
        out.contains(&format!("signature: good {signer}")),
        "DIR mode does not name the signer {signer}: {out}"
    );
    assert!(out.contains("OK: 2 OK ("), "{out}");
    assert_eq!(check_mode.status, 0, "{check_mode:?}");
    assert_eq!(check_mode.out(), "a.txt: OK\nb.txt: OK\n");
    assert!(
        check_mode
            .err()
            .contains(&format!("signature: good {signer}")),
        "{check_mode:?}"
    );
}

/// The manifest is refused in both modes with exit status 1, naming the
/// manifest and `reason`; no file is reported OK.
fn refused(dir: &Path, name: &str, keys: &[&str], reason: &str) {
    let [dir_mode, check_mode] = both_modes(dir, name, keys);
    for run in [&dir_mode, &check_mode] {
        assert_eq!(run.status, 1, "{run:?}");
        assert!(!run.out().contains("OK"), "a file reported OK: {run:?}");
        let err = run.err();
        assert!(
            err.contains(&format!("{name}: signature not accepted: ")),
            "{err}"
        );
        assert!(err.contains(reason), "{reason:?} not in {err}");
        assert!(err.contains("(trusted: "), "the keys are not named: {err}");
    }
}

const NOT_TRUSTED: &str = "which is not among the trusted keys";
const NOT_MATCHING: &str = "does not match the manifest";

#[test]
fn openpgp_detached_binary_and_armored() {
    let dir = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("openpgp/SHA256SUMS.gpg", "SHA256SUMS.gpg")],
    );
    accepted(
        dir.path(),
        "SHA256SUMS",
        &["openpgp/alice.asc"],
        "OpenPGP signature by key ",
    );
    // A binary key file, and a keyring holding the key among others.
    accepted(dir.path(), "SHA256SUMS", &["openpgp/alice.gpg"], "OpenPGP");
    accepted(
        dir.path(),
        "SHA256SUMS",
        &["openpgp/keyring.gpg"],
        "OpenPGP",
    );
    refused(
        dir.path(),
        "SHA256SUMS",
        &["openpgp/mallory.asc"],
        NOT_TRUSTED,
    );
    let dir = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("openpgp/SHA256SUMS.asc", "SHA256SUMS.asc")],
    );
    accepted(
        dir.path(),
        "SHA256SUMS",
        &["openpgp/mallory.asc", "openpgp/alice.asc"],
        "OpenPGP",
    );
}

#[test]
fn openpgp_refusals() {
    let key = &["openpgp/alice.asc"][..];
    let tampered = download(
        "SHA256SUMS.tampered",
        "SHA256SUMS",
        &[("openpgp/SHA256SUMS.gpg", "SHA256SUMS.gpg")],
    );
    refused(tampered.path(), "SHA256SUMS", key, NOT_MATCHING);
    let other = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("openpgp/OTHER.asc", "SHA256SUMS.asc")],
    );
    refused(other.path(), "SHA256SUMS", key, NOT_MATCHING);
    for truncated in [
        "openpgp/SHA256SUMS.truncated.gpg",
        "openpgp/SHA256SUMS.truncated.asc",
    ] {
        let dir = download("SHA256SUMS", "SHA256SUMS", &[(truncated, "SHA256SUMS.gpg")]);
        refused(dir.path(), "SHA256SUMS", key, "signature");
    }
    let unsigned = download("SHA256SUMS", "SHA256SUMS", &[]);
    refused(unsigned.path(), "SHA256SUMS", key, "no signature");
}

#[test]
fn openpgp_subkey_and_expired_key() {
    let subkey = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("openpgp/SHA256SUMS.subkey.asc", "SHA256SUMS.asc")],
    );
    accepted(
        subkey.path(),
        "SHA256SUMS",
        &["openpgp/bob.asc"],
        "OpenPGP signature by subkey ",
    );
    let expired = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("openpgp/SHA256SUMS.expired.asc", "SHA256SUMS.asc")],
    );
    refused(
        expired.path(),
        "SHA256SUMS",
        &["openpgp/carol.asc"],
        "which expired at",
    );
}

#[test]
fn openpgp_clear_signed() {
    let key = &["openpgp/alice.asc"][..];
    let good = download("openpgp/CHECKSUM.clearsigned", "CHECKSUM", &[]);
    accepted(good.path(), "CHECKSUM", key, "OpenPGP");
    refused(
        good.path(),
        "CHECKSUM",
        &["openpgp/mallory.asc"],
        NOT_TRUSTED,
    );
    let tampered = download("openpgp/CHECKSUM.tampered", "CHECKSUM", &[]);
    refused(tampered.path(), "CHECKSUM", key, NOT_MATCHING);
    let truncated = download("openpgp/CHECKSUM.truncated", "CHECKSUM", &[]);
    refused(truncated.path(), "CHECKSUM", key, "truncated");
    // Another file's signature beside a clear-signed manifest is the one
    // checked, and refused.
    let other = download(
        "openpgp/CHECKSUM.clearsigned",
        "CHECKSUM",
        &[("openpgp/OTHER.asc", "CHECKSUM.asc")],
    );
    refused(other.path(), "CHECKSUM", key, NOT_MATCHING);
}

/// Lines before the armor and after the signature are not signed: never
/// read (one names a file that is not there, one gives `a.txt` a wrong
/// digest).
#[test]
fn lines_outside_a_clear_signed_text_are_not_used() {
    let dir = download("openpgp/CHECKSUM.outside", "CHECKSUM", &[]);
    accepted(dir.path(), "CHECKSUM", &["openpgp/alice.asc"], "OpenPGP");
}

#[test]
fn minisign() {
    let key = &["minisign/alice.pub"][..];
    let good = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("minisign/SHA256SUMS.minisig", "SHA256SUMS.minisig")],
    );
    accepted(
        good.path(),
        "SHA256SUMS",
        key,
        "minisign signature by key ID ",
    );
    refused(
        good.path(),
        "SHA256SUMS",
        &["minisign/mallory.pub"],
        NOT_TRUSTED,
    );
    let tampered = download(
        "SHA256SUMS.tampered",
        "SHA256SUMS",
        &[("minisign/SHA256SUMS.minisig", "SHA256SUMS.minisig")],
    );
    refused(tampered.path(), "SHA256SUMS", key, NOT_MATCHING);
    let other = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("minisign/OTHER.minisig", "SHA256SUMS.minisig")],
    );
    refused(other.path(), "SHA256SUMS", key, NOT_MATCHING);
    let truncated = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[(
            "minisign/SHA256SUMS.truncated.minisig",
            "SHA256SUMS.minisig",
        )],
    );
    refused(truncated.path(), "SHA256SUMS", key, "minisign");
}

#[test]
fn signify_detached() {
    let key = &["signify/alice.pub"][..];
    let good = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("signify/SHA256SUMS.sig", "SHA256SUMS.sig")],
    );
    accepted(
        good.path(),
        "SHA256SUMS",
        key,
        "signify signature by key ID ",
    );
    refused(
        good.path(),
        "SHA256SUMS",
        &["signify/mallory.pub"],
        NOT_TRUSTED,
    );
    let tampered = download(
        "SHA256SUMS.tampered",
        "SHA256SUMS",
        &[("signify/SHA256SUMS.sig", "SHA256SUMS.sig")],
    );
    refused(tampered.path(), "SHA256SUMS", key, NOT_MATCHING);
    let other = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("signify/OTHER.sig", "SHA256SUMS.sig")],
    );
    refused(other.path(), "SHA256SUMS", key, NOT_MATCHING);
    let truncated = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("signify/SHA256SUMS.truncated.sig", "SHA256SUMS.sig")],
    );
    refused(truncated.path(), "SHA256SUMS", key, "signify");
}

/// OpenBSD's `SHA256.sig`: the BSD-tagged manifest inside the signature.
#[test]
fn signify_embedded() {
    let key = &["signify/alice.pub"][..];
    let good = download("signify/SHA256.sig", "SHA256.sig", &[]);
    accepted(
        good.path(),
        "SHA256.sig",
        key,
        "signify signature by key ID ",
    );
    let mallory = download("signify/SHA256.mallory.sig", "SHA256.sig", &[]);
    refused(mallory.path(), "SHA256.sig", key, NOT_TRUSTED);
    let tampered = download("signify/SHA256.tampered.sig", "SHA256.sig", &[]);
    refused(tampered.path(), "SHA256.sig", key, NOT_MATCHING);
    let truncated = download("signify/SHA256.truncated.sig", "SHA256.sig", &[]);
    refused(truncated.path(), "SHA256.sig", key, "signify");
}

#[test]
fn ssh() {
    let good = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("ssh/SHA256SUMS.sig", "SHA256SUMS.sig")],
    );
    accepted(
        good.path(),
        "SHA256SUMS",
        &["ssh/alice.pub"],
        "SSH signature by key SHA256:",
    );
    accepted(
        good.path(),
        "SHA256SUMS",
        &["ssh/allowed_signers"],
        "SSH signature by key SHA256:",
    );
    refused(good.path(), "SHA256SUMS", &["ssh/mallory.pub"], NOT_TRUSTED);
    let key = &["ssh/alice.pub"][..];
    let tampered = download(
        "SHA256SUMS.tampered",
        "SHA256SUMS",
        &[("ssh/SHA256SUMS.sig", "SHA256SUMS.sig")],
    );
    refused(tampered.path(), "SHA256SUMS", key, NOT_MATCHING);
    let other = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("ssh/OTHER.sig", "SHA256SUMS.sig")],
    );
    refused(other.path(), "SHA256SUMS", key, NOT_MATCHING);
    let truncated = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("ssh/SHA256SUMS.truncated.sig", "SHA256SUMS.sig")],
    );
    refused(truncated.path(), "SHA256SUMS", key, "SSH");
}

/// A good signature vouches for the manifest, not for the files: a changed
/// file still fails.
#[test]
fn a_bad_file_under_a_good_signature_still_fails() {
    let dir = download("openpgp/CHECKSUM.clearsigned", "CHECKSUM", &[]);
    std::fs::write(dir.path().join("a.txt"), "changed\n").unwrap();
    let [dir_mode, check_mode] = both_modes(dir.path(), "CHECKSUM", &["openpgp/alice.asc"]);
    assert_eq!(dir_mode.status, 1, "{dir_mode:?}");
    let out = dir_mode.out();
    assert!(out.contains("signature: good OpenPGP"), "{out}");
    // Line 4 of the file: the armor's three lines come first.
    assert!(out.contains("a.txt: FAILED (line 4): mismatch"), "{out}");
    assert!(out.contains("FAILED: 1 OK, 1 mismatch"), "{out}");
    assert_eq!(check_mode.status, 1, "{check_mode:?}");
    assert_eq!(check_mode.out(), "a.txt: FAILED\nb.txt: OK\n");
}

/// Without `--key`, Fedora's clear-signed CHECKSUM is read as GNU's
/// `sha256sum -c` reads it, the algorithm detected from its first checksum
/// line, not its armor; DIR mode says the signature was not checked.
#[test]
fn keyless_clear_signed_manifest_needs_no_algo() {
    let dir = download("openpgp/CHECKSUM.clearsigned", "CHECKSUM", &[]);
    let check = run_in(dir.path(), &[OsStr::new("-c"), OsStr::new("CHECKSUM")]);
    assert_eq!(check.status, 0, "{check:?}");
    assert_eq!(check.out(), "a.txt: OK\nb.txt: OK\n");
    let dir_mode = run_in(
        dir.path(),
        &[OsStr::new("-m"), OsStr::new("CHECKSUM"), OsStr::new(".")],
    );
    assert_eq!(dir_mode.status, 0, "{dir_mode:?}");
    let out = dir_mode.out();
    assert!(
        out.contains("signature: OpenPGP signature present, not checked"),
        "{out}"
    );
    let embedded = download("signify/SHA256.sig", "SHA256.sig", &[]);
    let dir_mode = run_in(
        embedded.path(),
        &[OsStr::new("-m"), OsStr::new("SHA256.sig"), OsStr::new(".")],
    );
    assert_eq!(dir_mode.status, 0, "{dir_mode:?}");
    assert!(
        dir_mode
            .out()
            .contains("signify signature present, not checked"),
        "{dir_mode:?}"
    );
}

/// `--json` gives the signer; a key file that cannot be used is a usage
/// error (status 2) naming it.
#[test]
fn json_and_bad_key_files() {
    let dir = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("openpgp/SHA256SUMS.gpg", "SHA256SUMS.gpg")],
    );
    let key = fixture("openpgp/alice.asc");
    let run = run_in(
        dir.path(),
        &[
            OsStr::new("--json"),
            OsStr::new("--key"),
            key.as_os_str(),
            OsStr::new("."),
        ],
    );
    assert_eq!(run.status, 0, "{run:?}");
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["signature"]["checked"], true);
    assert_eq!(json["signature"]["format"], "OpenPGP");
    assert_eq!(json["signature"]["created"], 1_704_153_600);
    assert!(json["signature"]["key"].as_str().unwrap().contains("Alice"));
    let bad = fixture("SHA256SUMS");
    let run = run_in(
        dir.path(),
        &[OsStr::new("--key"), bad.as_os_str(), OsStr::new(".")],
    );
    assert_eq!(run.status, 2, "{run:?}");
    assert!(run.err().contains("SHA256SUMS"), "{run:?}");
    let run = run_in(
        dir.path(),
        &[
            OsStr::new("--key"),
            OsStr::new("/nonexistent/key"),
            OsStr::new("-c"),
            OsStr::new("SHA256SUMS"),
        ],
    );
    assert_eq!(run.status, 2, "{run:?}");
    assert!(run.err().contains("/nonexistent/key"), "{run:?}");
}

/// A clear-signed manifest on standard input: its signature is inside.
#[test]
fn clear_signed_manifest_on_standard_input() {
    let dir = download("openpgp/CHECKSUM.clearsigned", "CHECKSUM", &[]);
    let program = checksig();
    let key = fixture("openpgp/alice.asc");
    let manifest = dir.path().join("CHECKSUM");
    let mut invocation = Invocation::new(&program, dir.path());
    invocation.args = vec![OsStr::new("--key"), key.as_os_str(), OsStr::new("-c")];
    invocation.stdin = Some(&manifest);
    let run = invocation.run();
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(run.out(), "a.txt: OK\nb.txt: OK\n");
    let key = fixture("openpgp/mallory.asc");
    invocation.args = vec![
        OsStr::new("--key"),
        key.as_os_str(),
        OsStr::new("-c"),
        OsStr::new("-"),
    ];
    let run = invocation.run();
    assert_eq!(run.status, 1, "{run:?}");
    assert!(
        run.err()
            .contains("'standard input': signature not accepted"),
        "{run:?}"
    );
}

/// With `--unlisted`, the detached signature that was checked is no more
/// an unlisted file than the manifest is; another file still is.
#[test]
fn the_checked_signature_is_not_unlisted() {
    let dir = download(
        "SHA256SUMS",
        "SHA256SUMS",
        &[("openpgp/SHA256SUMS.gpg", "SHA256SUMS.gpg")],
    );
    let key = fixture("openpgp/alice.asc");
    let args = [
        OsStr::new("--unlisted"),
        OsStr::new("--key"),
        key.as_os_str(),
        OsStr::new("."),
    ];
    let run = run_in(dir.path(), &args);
    assert_eq!(run.status, 0, "{run:?}");
    std::fs::write(dir.path().join("added.txt"), "x").unwrap();
    let run = run_in(dir.path(), &args);
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(
        run.out().matches("not listed in the manifest").count(),
        1,
        "{run:?}"
    );
    assert!(
        run.out().contains("added.txt: FAILED: not listed"),
        "{run:?}"
    );
}

/// Every `"line"` number in a `--json` report, in order.
fn json_lines(run: &Run) -> Vec<u64> {
    fn walk(value: &serde_json::Value, lines: &mut Vec<u64>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    match (key.as_str(), value.as_u64()) {
                        ("line", Some(line)) => lines.push(line),
                        _ => walk(value, lines),
                    }
                }
            }
            serde_json::Value::Array(values) => values.iter().for_each(|v| walk(v, lines)),
            _ => {}
        }
    }
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let mut lines = Vec::new();
    walk(&json, &mut lines);
    lines
}

/// Line numbers are the manifest's, not the signed text's, in both modes:
/// a clear-signed manifest's checksum lines come after its armor header,
/// an embedded signify manifest's after its comment and signature lines.
#[test]
fn line_numbers_count_the_manifests_lines() {
    let cases = [
        (
            "openpgp/CHECKSUM.clearsigned",
            "CHECKSUM",
            "openpgp/alice.asc",
        ),
        ("signify/SHA256.sig", "SHA256.sig", "signify/alice.pub"),
    ];
    for (manifest, name, key) in cases {
        let dir = download(manifest, name, &[]);
        let key = fixture(key);
        let text = std::fs::read(dir.path().join(name)).unwrap();
        let line_of = |file: &str| {
            let at = text
                .split(|&b| b == b'\n')
                .position(|l| l.windows(file.len()).any(|w| w == file.as_bytes()));
            at.unwrap() as u64 + 1
        };
        let expected = vec![line_of("a.txt"), line_of("b.txt")];
        assert!(expected[0] > 1, "{manifest}: the body starts past line 1");
        let common = [OsStr::new("--json"), OsStr::new("--key"), key.as_os_str()];
        let dir_mode = [
            &common[..],
            &[OsStr::new("-m"), OsStr::new(name), dir.path().as_os_str()],
        ]
        .concat();
        let check_mode = [&common[..], &[OsStr::new("-c"), OsStr::new(name)]].concat();
        for args in [dir_mode, check_mode] {
            let run = run_in(dir.path(), &args);
            assert_eq!(run.status, 0, "{run:?}");
            assert_eq!(json_lines(&run), expected, "{manifest} {args:?}");
        }
    }
}
