//! The `checksig` binary end to end: DIR mode on the sample and on hostile
//! trees, `--json`, usage and I/O errors, and the places where `--check`
//! refuses what GNU would block on. Every run has a time limit, so a hang
//! fails the test instead of blocking CI.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{checksig, Invocation, Run};

const HELLO_HEX: &str = "f572d396fae9206628714fb2ce00f72e94f2258f";

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/logs")
}

fn run_in(dir: &Path, args: &[&OsStr]) -> Run {
    Invocation::new(&checksig(), dir).args(args).run()
}

fn run(args: &[&str]) -> Run {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), &args)
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn sample_shows_its_one_mismatch() {
    let dir = sample();
    let result = run(&[dir.to_str().unwrap()]);
    assert_eq!(result.status, 1, "{result:?}");
    let out = result.out();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with(
            "httpd-08.log: FAILED (line 9): mismatch: expected 67286584b3518d0b0316d46e202c5bd16d66f18f, actual "
        ),
        "{out}"
    );
    assert!(lines[1].starts_with("FAILED: 9 OK, 1 mismatch ("), "{out}");
    assert!(lines[1].ends_with("sha1sum.txt)"), "{out}");
    assert!(result.stderr.is_empty(), "{}", result.err());
}

#[test]
fn default_dir_is_the_current_directory() {
    let result = run_in(&sample(), &[]);
    assert_eq!(result.status, 1, "{result:?}");
    assert!(
        result.out().contains("httpd-08.log: FAILED"),
        "{}",
        result.out()
    );
    assert!(result.out().contains("(./sha1sum.txt)"), "{}", result.out());
}

#[test]
fn thread_counts_agree() {
    let dir = sample();
    let dir = dir.to_str().unwrap();
    let one = run(&["--threads", "1", dir]);
    let many = run(&["--threads", "8", dir]);
    let auto = run(&["--threads", "0", dir]);
    assert_eq!(one, many);
    assert_eq!(one, auto);
}

/// A file of several mmap windows (17 MiB) verifies the same mapped or read,
/// with direct reads of cold large files on or off.
#[test]
fn no_mmap_gives_the_same_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..17 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.path().join("big.bin"), &bytes).unwrap();
    let digest = checksig::hash_bytes(checksig::Algorithm::Sha1, &bytes);
    let manifest =
        format!("{digest}  big.bin\n0000000000000000000000000000000000000000  big.bin\n");
    std::fs::write(dir.path().join("sha1sum.txt"), manifest).unwrap();
    let root = dir.path().to_str().unwrap();
    let mapped = run(&[root]);
    let read = run(&["--no-mmap", root]);
    assert_eq!(mapped.status, 1, "{mapped:?}");
    assert_eq!(mapped, read);
    assert_eq!(mapped, run(&["--no-direct", root]));
    assert_eq!(mapped, run(&["--no-direct", "--no-mmap", root]));
    assert!(
        read.out().contains("FAILED: 1 OK, 1 mismatch"),
        "{}",
        read.out()
    );
    let checked = run_in(
        dir.path(),
        &[
            OsStr::new("--no-mmap"),
            OsStr::new("-c"),
            OsStr::new("sha1sum.txt"),
        ],
    );
    assert_eq!(
        checked.out(),
        "big.bin: OK\nbig.bin: FAILED\n",
        "{checked:?}"
    );
}

#[test]
fn verified_directory_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a"), "hello\n").unwrap();
    std::fs::write(dir.path().join("sha1sum.txt"), format!("{HELLO_HEX}  a\n")).unwrap();
    let result = run_in(dir.path(), &[]);
    assert_eq!(result.status, 0, "{result:?}");
    assert_eq!(result.out(), "OK: 1 OK (./sha1sum.txt)\n");
}

/// A tree whose manifest lists one of everything that must not hang, leak
/// out of the root, or be read: each gets its own clear error line.
#[test]
fn hostile_entries_each_get_a_clear_error_quickly() {
    let top = tempfile::tempdir().unwrap();
    let root = top.path().join("root");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(top.path().join("x"), "hello\n").unwrap();
    std::fs::write(root.join("good"), "hello\n").unwrap();
    std::fs::write(root.join("n\nl"), "hello\n").unwrap();
    std::fs::create_dir(root.join("dir")).unwrap();
    mkfifo(&root.join("fifo"));
    std::os::unix::fs::symlink("/dev/zero", root.join("zero-link")).unwrap();
    std::os::unix::fs::symlink(top.path().join("x"), root.join("out-link")).unwrap();
    let manifest = [
        format!("{HELLO_HEX}  good"),
        format!("{HELLO_HEX}  fifo"),
        format!("{HELLO_HEX}  /dev/zero"),
        format!("{HELLO_HEX}  zero-link"),
        format!("{HELLO_HEX}  ../x"),
        format!("{HELLO_HEX}  out-link"),
        format!("{HELLO_HEX}  dir"),
        format!("{HELLO_HEX}  ghost"),
        "not a checksum line".to_string(),
        format!("\\{}  n\\nl", "0".repeat(40)),
        format!("{HELLO_HEX}  e\x1b[2Jsc"),
    ]
    .map(|line| line + "\n")
    .concat();
    std::fs::write(root.join("sha1sum.txt"), manifest).unwrap();

    let result = run_in(&root, &[]);
    assert_eq!(result.status, 1, "{result:?}");
    let out = result.out();
    let expected = [
        "fifo: FAILED (line 2): not a regular file (FIFO), not read",
        "/dev/zero: FAILED (line 3): outside the directory, not opened",
        "zero-link: FAILED (line 4): outside the directory, not opened",
        "../x: FAILED (line 5): outside the directory, not opened",
        "out-link: FAILED (line 6): outside the directory, not opened",
        "dir: FAILED (line 7): not a regular file (directory), not read",
        "ghost: FAILED (line 8): no such file or directory",
        "line 9: FAILED: improperly formatted line: 'not a checksum line'",
        "\\n\\nl: FAILED (line 10): mismatch: expected 0000000000000000000000000000000000000000, actual f572d396fae9206628714fb2ce00f72e94f2258f",
        "'e'$'\\033''[2Jsc': FAILED (line 11): no such file or directory",
        "FAILED: 1 OK, 1 mismatch, 2 missing, 2 not regular, 4 outside root, 1 malformed (./sha1sum.txt)",
    ];
    assert_eq!(out.lines().collect::<Vec<_>>(), expected, "{out}");
}

#[test]
fn json_report_parses_and_is_complete() {
    let dir = sample();
    let result = run(&["--json", dir.to_str().unwrap()]);
    assert_eq!(result.status, 1, "{result:?}");
    let json: serde_json::Value = serde_json::from_slice(&result.stdout).expect("valid JSON");
    assert_eq!(json["ok"], false);
    assert_eq!(json["failures"], 1);
    assert_eq!(json["summary"], "9 OK, 1 mismatch");
    assert_eq!(json["counts"]["ok"], 9);
    assert_eq!(json["counts"]["mismatch"], 1);
    let entries = json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 10);
    let bad = &entries[8];
    assert_eq!(bad["name"], "httpd-08.log");
    assert_eq!(bad["line"], 9);
    assert_eq!(bad["status"], "mismatch");
    assert_eq!(bad["failure"], true);
    assert_eq!(bad["expected"], "67286584b3518d0b0316d46e202c5bd16d66f18f");
    assert_eq!(bad["actual"].as_str().unwrap().len(), 40);
    assert_ne!(bad["actual"], bad["expected"]);
    assert_eq!(entries[0]["status"], "ok");
    assert_eq!(entries[0]["actual"], entries[0]["expected"]);
}

#[test]
fn json_keeps_non_utf8_names_exactly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(OsStr::from_bytes(b"caf\xe9")), "hello\n").unwrap();
    let mut manifest = format!("{HELLO_HEX}  ").into_bytes();
    manifest.extend_from_slice(b"caf\xe9\njunk \xff\n");
    std::fs::write(dir.path().join("sha1sum.txt"), manifest).unwrap();
    let result = run_in(dir.path(), &[OsStr::new("--json")]);
    let json: serde_json::Value = serde_json::from_slice(&result.stdout).expect("valid JSON");
    let entries = json["entries"].as_array().unwrap();
    assert_eq!(entries[0]["status"], "ok");
    assert_eq!(entries[0]["name"], "caf\u{fffd}");
    assert_eq!(
        entries[0]["name_bytes"],
        serde_json::json!([99, 97, 102, 233])
    );
    assert_eq!(entries[1]["status"], "malformed");
    assert_eq!(
        entries[1]["text_bytes"],
        serde_json::json!([106, 117, 110, 107, 32, 255])
    );
    assert_eq!(result.status, 1);
}

#[test]
fn check_mode_json_parses() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a"), "hello\n").unwrap();
    std::fs::write(
        dir.path().join("m"),
        format!("{HELLO_HEX}  a\n{HELLO_HEX}  ghost\n"),
    )
    .unwrap();
    let args = ["-c", "--json", "m", "nonexistent"].map(OsStr::new);
    let result = run_in(dir.path(), &args);
    assert_eq!(result.status, 1, "{result:?}");
    assert!(result.stderr.is_empty(), "{}", result.err());
    let json: serde_json::Value = serde_json::from_slice(&result.stdout).expect("valid JSON");
    assert_eq!(json["ok"], false);
    let manifests = json["manifests"].as_array().unwrap();
    assert_eq!(manifests[0]["manifest"], "m");
    assert_eq!(manifests[0]["entries"][0]["status"], "ok");
    assert_eq!(manifests[0]["entries"][1]["status"], "missing");
    assert_eq!(manifests[0]["counts"]["missing"], 1);
    assert_eq!(manifests[1]["error"], "No such file or directory");
}

/// GNU blocks on a FIFO and reads /dev/zero forever; checksig -c refuses
/// both at once, and /dev/null too, each as "FAILED open or read".
#[test]
fn check_mode_refuses_fifos_and_devices_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("fifo"));
    let manifest = ["fifo", "/dev/zero", "/dev/null"]
        .map(|name| format!("{HELLO_HEX}  {name}\n"))
        .concat();
    std::fs::write(dir.path().join("m"), manifest).unwrap();
    let result = run_in(dir.path(), &[OsStr::new("-c"), OsStr::new("m")]);
    assert_eq!(result.status, 1, "{result:?}");
    assert_eq!(
        result.out(),
        "fifo: FAILED open or read\n/dev/zero: FAILED open or read\n/dev/null: FAILED open or read\n"
    );
    assert_eq!(
        result.err(),
        "checksig: fifo: not a regular file (FIFO), not read\n\
         checksig: /dev/zero: not a regular file (character device), not read\n\
         checksig: /dev/null: not a regular file (character device), not read\n\
         checksig: WARNING: 3 listed files could not be read\n"
    );
}

#[test]
fn missing_directory_or_manifest_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let ghost = dir.path().join("ghost");
    let result = run(&[ghost.to_str().unwrap()]);
    assert_eq!(result.status, 2, "{result:?}");
    assert_eq!(
        result.err(),
        format!(
            "checksig: {}: cannot open: No such file or directory\n",
            ghost.display()
        )
    );

    let result = run(&[dir.path().to_str().unwrap()]);
    assert_eq!(result.status, 2, "{result:?}");
    assert_eq!(
        result.err(),
        format!(
            "checksig: {}: cannot read manifest: No such file or directory\n",
            dir.path().join("sha1sum.txt").display()
        )
    );

    // A file is a manifest: an empty one verifies nothing, and fails.
    let file = dir.path().join("file");
    std::fs::write(&file, "").unwrap();
    let result = run(&[file.to_str().unwrap()]);
    assert_eq!(result.status, 1, "{result:?}");
    assert!(
        result.out().contains("the manifest lists no file"),
        "{}",
        result.out()
    );
}

/// `checksig PATH` verifies a directory (its manifest found by the
/// library: here only `SHA256SUMS`), a manifest file, or a sidecar.
#[test]
fn a_directory_a_manifest_or_a_sidecar_is_verified() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a"), "abc").unwrap();
    let sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    std::fs::write(dir.path().join("SHA256SUMS"), format!("{sha256}  a\n")).unwrap();
    std::fs::write(dir.path().join("a.sha256"), format!("{sha256}\n")).unwrap();
    for path in [
        dir.path().to_path_buf(),
        dir.path().join("SHA256SUMS"),
        dir.path().join("a.sha256"),
    ] {
        let result = run(&[path.to_str().unwrap()]);
        assert_eq!(result.status, 0, "{}: {result:?}", path.display());
        assert!(result.out().starts_with("OK: 1 OK"), "{}", result.out());
    }
    std::fs::write(dir.path().join("a"), "abd").unwrap();
    let result = run(&[dir.path().join("SHA256SUMS").to_str().unwrap()]);
    assert_eq!(result.status, 1, "{result:?}");
}

#[test]
fn empty_manifest_verifies_nothing_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sha1sum.txt"), "").unwrap();
    let result = run_in(dir.path(), &[]);
    assert_eq!(result.status, 1, "{result:?}");
    assert!(
        result.out().starts_with("FAILED: nothing verified"),
        "{}",
        result.out()
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["--quiet"][..],
        &["--status", "."],
        &["--strict"],
        &["--ignore-missing"],
        &["-w"],
        &["a", "b"],
        &["--threads", "many"],
        &["--no-such-flag"],
    ] {
        let result = run(args);
        assert_eq!(result.status, 2, "{args:?}: {result:?}");
        assert!(result.stdout.is_empty(), "{args:?}");
        assert!(!result.stderr.is_empty(), "{args:?}");
    }
}

/// In the GNU modes (-c, hash) a usage error is GNU's: one line naming the
/// problem in coreutils' words, the `Try` line, status 1.
#[test]
fn gnu_mode_usage_errors_exit_1_in_gnu_words() {
    for (args, message) in [
        (
            &["-c", "--json", "--status"][..],
            "the argument '--json' cannot be used with '--status'",
        ),
        (
            &["-c", "--no-such-flag"],
            "unrecognized option '--no-such-flag'",
        ),
        (&["-cx"], "invalid option -- 'x'"),
        (
            &["-c", "--tag"],
            "the --tag option is meaningless when verifying checksums",
        ),
        (
            &["-c", "-z"],
            "the --zero option is not supported when verifying checksums",
        ),
        (
            &["-c", "-t"],
            "the --binary and --text options are meaningless when verifying checksums",
        ),
    ] {
        let result = run(args);
        assert_eq!(result.status, 1, "{args:?}: {result:?}");
        assert!(result.stdout.is_empty(), "{args:?}");
        assert_eq!(
            result.err(),
            format!("checksig: {message}\nTry 'checksig --help' for more information.\n"),
            "{args:?}"
        );
    }
    for (args, message) in [
        (
            &["hash", "--ignore-missing", "x"][..],
            "the --ignore-missing option is meaningful only when verifying checksums",
        ),
        (&["hash", "--foo"], "unrecognized option '--foo'"),
        (
            &["hash", "--tag", "-t"],
            "--tag does not support --text mode",
        ),
    ] {
        let result = run(args);
        assert_eq!(result.status, 1, "{args:?}: {result:?}");
        assert_eq!(
            result.err(),
            format!("checksig: {message}\nTry 'checksig hash --help' for more information.\n"),
            "{args:?}"
        );
    }
    // GNU refuses `-t` only after `--tag` (`--tag` sets binary mode, `-t`
    // text mode, and the last one holds): `-t --tag` is tagged output.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a"), b"hello\n").unwrap();
    let tagged = Invocation::new(&checksig(), dir.path())
        .args(&["hash", "-t", "--tag", "a"])
        .run();
    assert_eq!(
        (tagged.status, tagged.out()),
        (
            0,
            "SHA1 (a) = f572d396fae9206628714fb2ce00f72e94f2258f\n".to_string()
        ),
        "{}",
        tagged.err()
    );
}

#[test]
fn hash_help_lists_every_algorithm_of_the_table() {
    let help = run(&["hash", "--help"]);
    assert_eq!(help.status, 0);
    for algorithm in checksig::Algorithm::ALL {
        assert!(
            help.out().contains(algorithm.name()),
            "{algorithm:?}: {}",
            help.out()
        );
    }
}

#[test]
fn help_and_version() {
    let help = run(&["--help"]);
    assert_eq!(help.status, 0);
    for needle in [
        "--check",
        "--ignore-missing",
        "--quiet",
        "--status",
        "--strict",
        "--warn",
        "--threads",
        "--json",
        "escaped form",
        "FIFO",
    ] {
        assert!(help.out().contains(needle), "--help lacks {needle}");
    }
    let version = run(&["--version"]);
    assert_eq!(version.status, 0);
    assert!(
        version
            .out()
            .starts_with(&format!("checksig {}\n", env!("CARGO_PKG_VERSION"))),
        "{}",
        version.out()
    );
    assert!(version.out().contains("engine: "), "{}", version.out());
}

/// Runs `program args` in `dir` with standard output on /dev/full; returns
/// the exit status and standard error.
fn run_into_full_disk(program: &Path, dir: &Path, args: &[&str]) -> (i32, String) {
    use std::process::Stdio;
    use wait_timeout::ChildExt;
    let errors = dir.join("stderr");
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create("/dev/full").expect("open /dev/full"))
        .stderr(std::fs::File::create(&errors).unwrap())
        .spawn()
        .unwrap();
    let status = child
        .wait_timeout(common::LIMIT)
        .unwrap()
        .expect("finished in time");
    let stderr = std::fs::read_to_string(errors).unwrap();
    (status.code().unwrap_or(-1), stderr)
}

#[test]
fn lost_output_is_a_write_error_as_in_gnu() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a"), "hello\n").unwrap();
    std::fs::write(dir.path().join("m"), format!("{HELLO_HEX}  a\n")).unwrap();
    let (status, stderr) = run_into_full_disk(&checksig(), dir.path(), &["-c", "m"]);
    assert_eq!((status, stderr.as_str()), (1, "checksig: write error\n"));
    let gnu = Path::new("/usr/bin/sha1sum");
    if gnu.exists() {
        let (status, stderr) = run_into_full_disk(gnu, dir.path(), &["-c", "m"]);
        assert_eq!(
            (status, stderr.as_str()),
            (1, "/usr/bin/sha1sum: write error\n")
        );
    }
    let logs = sample();
    let (status, stderr) = run_into_full_disk(&checksig(), dir.path(), &[logs.to_str().unwrap()]);
    assert_eq!(status, 1, "{stderr}");
    assert_eq!(stderr, "checksig: write error: No space left on device\n");
}
