//! Issue 6 through the command: `hash` and `create` against the GNU tools and
//! b3sum, `-c` against `sha256sum -c`, `sha512sum -c`, `md5sum -c` and
//! `b3sum -c` (differential, where installed), `--algo`, detection, sidecar
//! files and `--unlisted`.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use common::{checksig, Invocation, Run};

/// The peer tool for each `--algo`, and whether it understands GNU's
/// `--strict`/`--warn` (b3sum does not).
const TOOLS: [(&str, &str); 4] = [
    ("sha256", "sha256sum"),
    ("sha512", "sha512sum"),
    ("md5", "md5sum"),
    ("blake3", "b3sum"),
];

fn find_tool(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|path| path.is_file())
}

fn run(program: &Path, dir: &Path, args: &[&str]) -> Run {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    let mut invocation = Invocation::new(program, dir);
    invocation.args = args;
    invocation.run()
}

/// Files with the names GNU treats specially: a space, a backslash, a newline.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
    let files: [(&str, &[u8]); 6] = [
        ("a.txt", b"hello\n"),
        ("empty", b""),
        ("with space", b"x"),
        ("back\\slash", b"y"),
        ("new\nline", b"z"),
        ("sub/deeper/big.bin", &[7u8; 300_000]),
    ];
    for (name, bytes) in files {
        std::fs::write(root.join(name), bytes).unwrap();
    }
    dir
}

const NAMES: [&str; 6] = [
    "a.txt",
    "empty",
    "with space",
    "back\\slash",
    "new\nline",
    "sub/deeper/big.bin",
];

#[test]
fn hash_prints_what_each_tool_prints() {
    let dir = tree();
    for (algo, tool) in [("sha1", "sha1sum")].into_iter().chain(TOOLS) {
        let Some(tool_path) = find_tool(tool) else {
            println!("SKIP {tool}: not installed");
            continue;
        };
        let mut args = vec!["hash", "--algo", algo];
        args.extend(NAMES);
        let ours = run(&checksig(), dir.path(), &args);
        let theirs = run(&tool_path, dir.path(), &NAMES);
        assert_eq!(ours.status, 0, "{algo}: {}", ours.err());
        assert_eq!(theirs.status, 0, "{tool}: {}", theirs.err());
        if tool == "b3sum" {
            // b3sum 1.2 does not escape names; compare the lines of plain names.
            let plain = |out: &[u8]| -> Vec<String> {
                String::from_utf8_lossy(out)
                    .lines()
                    .filter(|l| !l.starts_with('\\') && !l.contains("line"))
                    .map(str::to_string)
                    .collect()
            };
            assert_eq!(plain(&ours.stdout), plain(&theirs.stdout), "{algo}");
            assert_eq!(plain(&ours.stdout).len(), 4);
        } else {
            assert_eq!(ours.out(), theirs.out(), "{algo} vs {tool}");
        }
    }
}

#[test]
fn hash_reports_missing_files_and_keeps_going() {
    let dir = tree();
    let ours = run(&checksig(), dir.path(), &["hash", "nope", "a.txt", "sub"]);
    assert_eq!(ours.status, 1);
    assert_eq!(
        ours.out(),
        "f572d396fae9206628714fb2ce00f72e94f2258f  a.txt\n"
    );
    assert!(
        ours.err()
            .contains("checksig: nope: No such file or directory"),
        "{}",
        ours.err()
    );
    assert!(ours.err().contains("checksig: sub: Is a directory"));
    assert_eq!(
        run(&checksig(), dir.path(), &["hash", "--algo", "crc64"]).status,
        2
    );
}

/// `create` then `tool -c` on the manifest, and `checksig -c` of the same.
#[test]
fn created_manifests_verify_with_each_tool_and_with_checksig() {
    for (algo, tool) in [("sha1", "sha1sum")].into_iter().chain(TOOLS) {
        let dir = tree();
        let created = run(&checksig(), dir.path(), &["create", "--algo", algo]);
        assert_eq!(created.status, 0, "{algo}: {}", created.err());
        let manifest = format!("{tool}.txt");
        let text = std::fs::read(dir.path().join(&manifest)).unwrap();
        assert_eq!(
            text.iter().filter(|&&b| b == b'\n').count(),
            NAMES.len(),
            "{algo}: one line per file (the newline in a name is escaped)"
        );
        // Sorted as raw bytes, relative, the manifest itself left out.
        assert!(String::from_utf8_lossy(&text).starts_with(&format!(
            "{}  a.txt\n",
            checksig::hash_bytes(algo.parse().unwrap(), b"hello\n")
        )));
        let ours = run(&checksig(), dir.path(), &[]);
        assert_eq!(ours.status, 0, "{algo}: {}{}", ours.out(), ours.err());
        assert!(ours.out().starts_with("OK: 6 OK"), "{}", ours.out());
        let Some(tool_path) = find_tool(tool) else {
            println!("SKIP {tool} -c: not installed");
            continue;
        };
        if tool == "b3sum" {
            // b3sum 1.2 cannot read escaped names: check a manifest without them.
            let plain: Vec<u8> = String::from_utf8_lossy(&text)
                .lines()
                .filter(|l| !l.starts_with('\\') && !l.starts_with("line"))
                .flat_map(|l| format!("{l}\n").into_bytes())
                .collect();
            std::fs::write(dir.path().join(&manifest), plain).unwrap();
        }
        let theirs = run(&tool_path, dir.path(), &["-c", &manifest]);
        assert_eq!(theirs.status, 0, "{tool}: {}{}", theirs.out(), theirs.err());
    }
}

/// The same manifests, with failures, checked by `checksig -c` and by the tool.
#[test]
fn check_mode_matches_each_tool() {
    for (algo, tool) in TOOLS {
        let Some(tool_path) = find_tool(tool) else {
            println!("SKIP {tool} -c: not installed");
            continue;
        };
        let dir = tree();
        let algorithm: checksig::Algorithm = algo.parse().unwrap();
        let line = |bytes: &[u8], name: &str| {
            format!("{}  {name}\n", checksig::hash_bytes(algorithm, bytes))
        };
        let mut text = [
            line(b"hello\n", "a.txt"),
            line(b"", "empty"),
            line(b"not x", "with space"),
            line(b"", "gone"),
        ]
        .concat();
        let gnu = tool != "b3sum";
        if gnu {
            // A line of another algorithm's length: improperly formatted.
            text.push_str(&format!("{}  a.txt\n", "0".repeat(40)));
        }
        let manifest = format!("sums-{algo}");
        std::fs::write(dir.path().join(&manifest), &text).unwrap();
        let mut args = vec!["-c", manifest.as_str()];
        if gnu {
            args.push("--warn");
        }
        let theirs = run(&tool_path, dir.path(), &args);
        let mut ours_args = vec!["-c", "--algo", algo];
        ours_args.extend(&args[1..]);
        let ours = run(&checksig(), dir.path(), &ours_args);
        assert_eq!(
            ours.status,
            theirs.status,
            "{tool}: {}{}",
            ours.err(),
            theirs.err()
        );
        if gnu {
            assert_eq!(ours.out(), theirs.out(), "{tool}");
        } else {
            // b3sum words an unreadable file its own way; the verdicts on
            // the files it read must agree.
            let verdicts = |out: String| -> Vec<String> {
                out.lines()
                    .filter(|l| l.ends_with(": OK") || l.ends_with(": FAILED"))
                    .map(str::to_string)
                    .collect()
            };
            assert_eq!(verdicts(ours.out()), verdicts(theirs.out()), "{tool}");
            assert_eq!(verdicts(ours.out()).len(), 3);
            assert!(theirs.out().contains("gone: FAILED"));
            assert!(ours.out().contains("gone: FAILED open or read"));
        }
        if gnu {
            let tool_prefix = format!("{}: ", tool_path.display());
            assert_eq!(
                ours.err().replace("checksig: ", &tool_prefix),
                theirs.err(),
                "{tool}"
            );
            assert!(ours.err().contains(&format!(
                "improperly formatted {} checksum line",
                algorithm.tag()
            )));
        }
        // Without --algo the digest length decides (BLAKE3 needs its name).
        if algo != "blake3" {
            let detected = run(&checksig(), dir.path(), &args);
            assert_eq!(detected.out(), ours.out(), "{algo} detected");
        }
    }
}

#[test]
fn detection_by_tag_and_file_name() {
    let dir = tree();
    let sha512 = checksig::hash_bytes(checksig::Algorithm::Sha512, b"hello\n");
    std::fs::write(
        dir.path().join("tagged"),
        format!("SHA512 (a.txt) = {sha512}\n"),
    )
    .unwrap();
    let tagged = run(&checksig(), dir.path(), &["-c", "tagged"]);
    assert_eq!((tagged.status, tagged.out().as_str()), (0, "a.txt: OK\n"));
    let blake3 = checksig::hash_bytes(checksig::Algorithm::Blake3, b"hello\n");
    std::fs::write(dir.path().join("B3SUMS"), format!("{blake3}  a.txt\n")).unwrap();
    let named = run(&checksig(), dir.path(), &["-c", "B3SUMS"]);
    assert_eq!((named.status, named.out().as_str()), (0, "a.txt: OK\n"));
    // DIR mode finds B3SUMS when sha1sum.txt is absent.
    let dir_mode = run(&checksig(), dir.path(), &[]);
    assert_eq!(dir_mode.status, 0, "{}", dir_mode.out());
    assert!(dir_mode.out().contains("B3SUMS"), "{}", dir_mode.out());
}

#[test]
fn sidecar_with_only_a_digest() {
    let dir = tree();
    let digest = checksig::hash_bytes(checksig::Algorithm::Sha256, b"hello\n");
    std::fs::write(dir.path().join("a.txt.sha256"), format!("{digest}\n")).unwrap();
    let ok = run(&checksig(), dir.path(), &["-c", "a.txt.sha256"]);
    assert_eq!(
        (ok.status, ok.out().as_str()),
        (0, "a.txt: OK\n"),
        "{}",
        ok.err()
    );
    std::fs::write(dir.path().join("a.txt"), "changed").unwrap();
    let bad = run(&checksig(), dir.path(), &["-c", "a.txt.sha256"]);
    assert_eq!((bad.status, bad.out().as_str()), (1, "a.txt: FAILED\n"));

    // DIR mode says what a malformed sidecar should hold (here a SHA-1
    // digest in a .sha256 file); `-c` stays GNU's words.
    let sha1 = checksig::hash_bytes(checksig::Algorithm::Sha1, b"hello\n");
    std::fs::write(dir.path().join("a.txt.sha256"), format!("{sha1}\n")).unwrap();
    let malformed = run(&checksig(), dir.path(), &["--manifest", "a.txt.sha256"]);
    assert_eq!(malformed.status, 1, "{}", malformed.err());
    assert!(
        malformed.out().starts_with(&format!(
            "line 1: FAILED: improperly formatted line: {sha1} \
             (the sidecar should hold one SHA-256 digest of 64 hex digits)\n"
        )),
        "{}",
        malformed.out()
    );
    let gnu = run(&checksig(), dir.path(), &["-c", "a.txt.sha256"]);
    assert!(!gnu.err().contains("sidecar should hold"), "{}", gnu.err());
}

#[test]
fn unlisted_files_fail_dir_mode() {
    let dir = tree();
    assert_eq!(run(&checksig(), dir.path(), &["create"]).status, 0);
    assert_eq!(run(&checksig(), dir.path(), &["--unlisted"]).status, 0);
    std::fs::write(dir.path().join("sub/added.py"), "import os\n").unwrap();
    let plain = run(&checksig(), dir.path(), &[]);
    assert_eq!(plain.status, 0);
    let strict = run(&checksig(), dir.path(), &["--strict-listing"]);
    assert_eq!(strict.status, 1);
    assert_eq!(
        strict.out(),
        "sub/added.py: FAILED: not listed in the manifest\n\
         FAILED: 6 OK, 1 unlisted (./sha1sum.txt)\n"
    );
    let json = run(&checksig(), dir.path(), &["--unlisted", "--json"]);
    assert!(json.out().contains("\"unlisted\""), "{}", json.out());
    // No progress bar when standard error is not a terminal.
    assert_eq!(strict.err(), "");
}

/// Runs `checksig ARGS` on a pseudo-terminal with `script` (util-linux), so
/// that standard error is a terminal; returns what the terminal showed.
fn on_a_terminal(dir: &Path, args: &str) -> Option<String> {
    let script = find_tool("script")?;
    let command = format!("{} {args}", checksig().display());
    let mut invocation = Invocation::new(&script, dir);
    // The log lives outside `dir`, so that `create` never lists it.
    let log_dir = tempfile::tempdir().unwrap();
    let log = log_dir.path().join("typescript");
    let log_arg = log.as_os_str().to_owned();
    let args: Vec<&OsStr> = vec![
        OsStr::new("-qec"),
        OsStr::new(command.as_str()),
        log_arg.as_os_str(),
    ];
    invocation.args = args;
    invocation.env.push(("CHECKSIG_PROGRESS_DELAY_MS", "0"));
    let run = invocation.run();
    assert_eq!(run.status, 0, "{}{}", run.out(), run.err());
    let shown = std::fs::read(&log).ok()?;
    Some(String::from_utf8_lossy(&shown).into_owned())
}

#[test]
fn progress_bar_only_on_a_terminal() {
    let dir = tree();
    assert_eq!(run(&checksig(), dir.path(), &["create"]).status, 0);
    let Some(shown) = on_a_terminal(dir.path(), ".") else {
        println!("SKIP progress on a terminal: no script(1)");
        return;
    };
    assert!(shown.contains("6/6 files"), "{shown:?}");
    assert!(shown.contains("OK: 6 OK"), "{shown:?}");
    let quiet = on_a_terminal(dir.path(), "--no-progress .").unwrap();
    assert!(!quiet.contains("files,"), "{quiet:?}");
    assert!(quiet.contains("OK: 6 OK"), "{quiet:?}");
}

/// `-c` shows the bar too (then GNU's lines), with a rate and an ETA.
#[test]
fn progress_bar_in_check_mode() {
    let dir = tree();
    assert_eq!(run(&checksig(), dir.path(), &["create"]).status, 0);
    let Some(shown) = on_a_terminal(dir.path(), "-c sha1sum.txt") else {
        println!("SKIP progress on a terminal: no script(1)");
        return;
    };
    assert!(shown.contains(", 6/6 files, "), "{shown:?}");
    assert!(shown.contains("/s, ETA "), "{shown:?}");
    assert!(shown.contains("a.txt: OK"), "{shown:?}");
    let quiet = on_a_terminal(dir.path(), "--no-progress -c sha1sum.txt").unwrap();
    assert!(!quiet.contains("files,"), "{quiet:?}");
    assert!(quiet.contains("a.txt: OK"), "{quiet:?}");
}

/// `hash` and `create` show the bar too, then print or write what they would
/// without it.
#[test]
fn progress_bar_when_making_manifests() {
    let dir = tree();
    let Some(shown) = on_a_terminal(dir.path(), "hash a.txt empty sub/deeper/big.bin") else {
        println!("SKIP progress on a terminal: no script(1)");
        return;
    };
    assert!(shown.contains(", 3/3 files, "), "{shown:?}");
    assert!(shown.contains("/s, ETA "), "{shown:?}");
    assert!(
        shown.contains("f572d396fae9206628714fb2ce00f72e94f2258f  a.txt"),
        "{shown:?}"
    );
    let shown = on_a_terminal(dir.path(), "create").unwrap();
    // The six files of the tree.
    assert!(shown.contains(", 6/6 files, "), "{shown:?}");
    let written = std::fs::read_to_string(dir.path().join("sha1sum.txt")).unwrap();
    assert!(
        written.starts_with("f572d396fae9206628714fb2ce00f72e94f2258f  a.txt\n"),
        "{written}"
    );
    let quiet = on_a_terminal(dir.path(), "hash --no-progress a.txt").unwrap();
    assert!(!quiet.contains("files,"), "{quiet:?}");
    let quiet = on_a_terminal(dir.path(), "create --no-progress").unwrap();
    assert!(!quiet.contains("files,"), "{quiet:?}");
}
