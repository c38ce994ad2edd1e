//! The command's promises on hostile input: bounded memory, no abort, and no
//! raw control character on a terminal (DIR mode's text and `--json`).

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use common::{checksig, Invocation, Run};

/// `checksig ARGS...` in `dir` under `ulimit -v KIB`, through `sh`.
fn run_limited(dir: &Path, kib: u64, args: &[&OsStr]) -> Run {
    let sh = Path::new("/bin/sh");
    let script = format!("ulimit -v {kib} && exec \"$0\" \"$@\"");
    let checksig = checksig();
    let mut all: Vec<&OsStr> = vec![OsStr::new("-c"), OsStr::new(&script), checksig.as_os_str()];
    all.extend_from_slice(args);
    Invocation::new(sh, dir).args(&all).run()
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    Invocation::new(&checksig(), dir).args(args).run()
}

/// Whether `bytes` holds a control character a terminal would act on: C0
/// but the newline, DEL, a C1 byte (0x80..0x9f) that is not inside a UTF-8
/// character, or U+0080..U+009F.
fn has_raw_control(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|chunk| {
        chunk.valid().chars().any(|c| c != '\n' && c.is_control())
            || chunk.invalid().iter().any(|b| (0x80..=0x9f).contains(b))
    })
}

/// Names holding every kind of control character that DIR mode must not
/// print raw: ESC, DEL, the raw byte 0x9b (CSI to an 8-bit terminal),
/// U+009B (CSI in UTF-8) and U+0085 (NEL).
fn hostile_names() -> Vec<&'static [u8]> {
    vec![
        b"esc\x1b[2Jx",
        b"del\x7fx",
        b"csi\x9b2Jx",
        b"utf8csi\xc2\x9b2Jx",
        b"nel\xc2\x85x",
    ]
}

/// A directory whose manifest lists each hostile name as a missing file and
/// holds it again as a malformed line.
fn hostile_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = Vec::new();
    for name in hostile_names() {
        manifest.extend_from_slice(format!("{}  ", "0".repeat(40)).as_bytes());
        manifest.extend_from_slice(name);
        manifest.push(b'\n');
        manifest.extend_from_slice(name);
        manifest.push(b'\n');
    }
    std::fs::write(dir.path().join("sha1sum.txt"), manifest).unwrap();
    dir
}

#[test]
fn dir_mode_prints_no_raw_control_character() {
    let dir = hostile_dir();
    let program = checksig();
    for locale in ["C.UTF-8", "C"] {
        let mut invocation = Invocation::new(&program, dir.path()).args(&["."]);
        invocation.env = vec![("LC_ALL", locale)];
        let run = invocation.run();
        assert_eq!(run.status, 1, "{}", run.err());
        assert!(!has_raw_control(&run.stdout), "{locale}: {:?}", run.out());
        assert!(!has_raw_control(&run.stderr), "{locale}: {:?}", run.err());
        // Every failure is there, one line each, and the summary.
        assert_eq!(run.out().lines().count(), 2 * hostile_names().len() + 1);
    }
}

#[test]
fn json_escapes_c1_and_del_and_keeps_the_names() {
    let dir = hostile_dir();
    let run = run_in(dir.path(), &["--json", "."]);
    assert_eq!(run.status, 1, "{}", run.err());
    assert!(!has_raw_control(&run.stdout), "{:?}", run.out());
    assert!(run.out().contains(r"utf8csi\u009b2Jx"), "{}", run.out());
    let document: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let names: Vec<&str> = document["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| entry["name"].as_str())
        .collect();
    assert!(names.contains(&"utf8csi\u{9b}2Jx"), "{names:?}");
    assert!(names.contains(&"del\u{7f}x"), "{names:?}");
}

/// `--check` keeps GNU's bytes on standard output: only DIR mode and JSON
/// escape.
#[test]
fn check_mode_keeps_gnu_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let name = b"csi\x9bx";
    std::fs::write(dir.path().join(OsStr::from_bytes(name)), b"hello\n").unwrap();
    let mut manifest = b"f572d396fae9206628714fb2ce00f72e94f2258f  ".to_vec();
    manifest.extend_from_slice(name);
    manifest.push(b'\n');
    std::fs::write(dir.path().join("sums"), manifest).unwrap();
    let run = run_in(dir.path(), &["-c", "sums"]);
    assert_eq!(run.stdout, b"csi\x9bx: OK\n");
}

/// A manifest of many lines under an address-space limit of 64 MiB: the
/// command ends with a message and an exit status, not SIGABRT.
#[test]
fn out_of_memory_is_a_message_not_a_signal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sha1sum.txt"), b"x\n".repeat(3_000_000)).unwrap();
    for args in [&["."][..], &["-c", "sha1sum.txt"][..]] {
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        let run = run_limited(dir.path(), 65536, &args);
        assert!(
            (1..128).contains(&run.status),
            "{args:?}: status {} ({})",
            run.status,
            run.err()
        );
        assert!(run.err().contains("checksig: "), "{args:?}: {}", run.err());
    }
}

/// Under a limit the entries of a long manifest do not fit in, the
/// reservation sized by the manifest fails, and the command says so, naming
/// the manifest, with DIR mode's error status 2 (GNU's 1 with `-c`). A
/// malformed line costs a 24-byte row and its text: 3 million of them are
/// verified under 96 MiB, 12 million (288 MB of rows) do not fit in 256 MiB.
#[test]
fn a_manifest_too_long_for_memory_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sha1sum.txt"), b"x\n".repeat(12_000_000)).unwrap();
    for (args, status, prefix) in [
        (
            &["d"][..],
            2,
            "checksig: d/sha1sum.txt: cannot read manifest: ",
        ),
        (&["-c", "d/sha1sum.txt"][..], 1, "checksig: d/sha1sum.txt: "),
    ] {
        let parent = dir.path();
        std::fs::create_dir_all(parent.join("d")).unwrap();
        std::fs::rename(parent.join("sha1sum.txt"), parent.join("d/sha1sum.txt")).ok();
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        let run = run_limited(parent, 262_144, &args);
        assert_eq!(run.status, status, "{args:?}: {}", run.err());
        assert!(run.err().starts_with(prefix), "{args:?}: {}", run.err());
        assert!(
            run.err()
                .contains("not enough memory for a manifest of 12000000 lines"),
            "{args:?}: {}",
            run.err()
        );
    }
}

/// `-c /dev/zero` and an endless pipe stop with an error naming the
/// manifest (here at the memory limit, below the 1 GiB cap, which the
/// library's own test reaches with a smaller cap).
#[test]
fn endless_manifests_stop_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let zero = [OsStr::new("-c"), OsStr::new("/dev/zero")];
    let run = run_limited(dir.path(), 262_144, &zero);
    assert_eq!(run.status, 1, "{}", run.err());
    assert!(
        run.err().starts_with("checksig: /dev/zero: "),
        "{}",
        run.err()
    );
    let refused =
        |err: &str| err.contains("not enough memory") || err.contains("larger than 1 GiB");
    assert!(refused(&run.err()), "{}", run.err());
    let sh = Path::new("/bin/sh");
    let script = format!(
        "ulimit -v 262144 && yes | exec \"{}\" -c -",
        checksig().display()
    );
    let run = Invocation::new(sh, dir.path())
        .args(&["-c", script.as_str()])
        .run();
    assert_eq!(run.status, 1, "{}", run.err());
    assert!(
        run.err().starts_with("checksig: 'standard input': "),
        "{}",
        run.err()
    );
    assert!(refused(&run.err()), "{}", run.err());
}
