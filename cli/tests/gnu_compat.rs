//! The differential test: `checksig -c` against GNU `sha1sum -c` on the
//! tricky manifests of `testdata/manifests` (see `cases.txt` there).
//!
//! For every case, checksig's exit status must be the expected verdict, and
//! its standard output and error must equal the recorded expected output
//! (`testdata/manifests/expected/NAME`). When `sha1sum` is installed, they
//! must also equal what it prints right now (program name aside), stream by
//! stream and interleaved (`2>&1`).
//!
//! One deliberate difference is translated before comparing: coreutils 9.1
//! prints a name holding `\` or CR (but no newline) raw, where newer
//! coreutils and checksig print it escaped (`\b\\s: OK`). Cases marked `ours`
//! differ on purpose and are compared with the recorded output only.
//!
//! `CHECKSIG_BLESS=1 cargo test -p checksig-cli --test gnu_compat` rewrites
//! the recorded outputs from `sha1sum` (and from checksig for `ours` cases);
//! review the diff before committing it.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use common::{checksig, modernize_stdout, Invocation, Run};

const HELLO: &[u8] = b"hello\n";

/// The files the manifests refer to (name, contents), besides `dir/`, the
/// symbolic links `link` and `dangling`, and `../outside`.
const FIXTURE: &[(&[u8], &[u8])] = &[
    (b"a", HELLO),
    (b"a b", HELLO),
    (b" lead", HELLO),
    (b"trail ", HELLO),
    (b"*star", HELLO),
    (b"t\tab", HELLO),
    (b"b\\s", HELLO),
    (b"n\nl", HELLO),
    (b"cr\r", HELLO),
    (b"caf\xc3\xa9", HELLO),
    (b"caf\xe9", HELLO),
    (b"it's", HELLO),
    (b"#hash", HELLO),
    (b"paren) = x", HELLO),
    (b"x:y", HELLO),
    (b"wrong", b"bye\n"),
    (b"empty", b""),
    (b"sub/f", HELLO),
    (b"hello.txt", HELLO),
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/manifests")
}

/// A temporary `world/` with the fixture in `world/root` (the working
/// directory of every run), the manifests copied in, and `world/outside`.
struct World {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir(root.join("dir")).unwrap();
        for (name, contents) in FIXTURE {
            std::fs::write(root.join(OsStr::from_bytes(name)), contents).unwrap();
        }
        std::os::unix::fs::symlink("a", root.join("link")).unwrap();
        std::os::unix::fs::symlink("nowhere", root.join("dangling")).unwrap();
        std::fs::write(dir.path().join("outside"), HELLO).unwrap();
        for entry in std::fs::read_dir(corpus()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension() == Some(OsStr::new("sha1")) {
                std::fs::copy(&path, root.join(path.file_name().unwrap())).unwrap();
            }
        }
        World { _dir: dir, root }
    }
}

/// One line of `cases.txt`.
#[derive(Debug)]
struct Case {
    name: String,
    exit: i32,
    ours: bool,
    env: Vec<(String, String)>,
    stdin: Option<String>,
    args: Vec<String>,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(corpus().join("cases.txt")).expect("read cases.txt");
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let fields: Vec<&str> = line.split('|').map(str::trim).collect();
            assert_eq!(fields.len(), 3, "bad case line: {line}");
            let mut case = Case {
                name: fields[0].to_string(),
                exit: fields[1].parse().expect("an exit status"),
                ours: false,
                env: Vec::new(),
                stdin: None,
                args: vec!["-c".to_string()],
            };
            for token in fields[2].split_whitespace() {
                if token == "ours" {
                    case.ours = true;
                } else if let Some(file) = token.strip_prefix('<') {
                    case.stdin = Some(file.to_string());
                } else if let Some((key, value)) =
                    token.split_once('=').filter(|_| token.starts_with("LC_"))
                {
                    case.env.push((key.to_string(), value.to_string()));
                } else {
                    case.args.push(token.to_string());
                }
            }
            case
        })
        .collect()
}

fn invocation<'a>(
    program: &'a Path,
    world: &'a World,
    case: &'a Case,
    stdin: &'a Option<PathBuf>,
) -> Invocation<'a> {
    let mut invocation = Invocation::new(program, &world.root);
    invocation.args = case.args.iter().map(OsStr::new).collect();
    invocation
        .env
        .extend(case.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    invocation.stdin = stdin.as_deref();
    invocation
}

/// Replaces the program name that starts diagnostic lines with `PROG`.
fn normalize_stderr(stderr: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(stderr.len());
    for line in stderr.split_inclusive(|&b| b == b'\n') {
        let rest = [&b"checksig: "[..], b"/usr/bin/sha1sum: ", b"sha1sum: "]
            .iter()
            .find_map(|prefix| line.strip_prefix(*prefix));
        match rest {
            Some(rest) => {
                out.extend_from_slice(b"PROG: ");
                out.extend_from_slice(rest);
            }
            None => out.extend_from_slice(line),
        }
    }
    out
}

/// The installed `sha1sum`, if any, and whether it needs [`modernize_stdout`].
fn gnu_sha1sum() -> Option<(PathBuf, bool)> {
    let path = ["/usr/bin/sha1sum", "/bin/sha1sum"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())?;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b\\s"), HELLO).unwrap();
    std::fs::write(
        dir.path().join("m"),
        b"f572d396fae9206628714fb2ce00f72e94f2258f  b\\s\n",
    )
    .unwrap();
    let probe = Invocation::new(&path, dir.path()).args(&["-c", "m"]).run();
    let escapes_backslash = probe.stdout.starts_with(b"\\");
    Some((path, !escapes_backslash))
}

/// A run as recorded in `expected/NAME`: length-prefixed, so any bytes fit.
fn render(run: &Run) -> Vec<u8> {
    let mut text = format!("exit {}\nstdout {}\n", run.status, run.stdout.len()).into_bytes();
    text.extend_from_slice(&run.stdout);
    text.extend_from_slice(format!("\nstderr {}\n", run.stderr.len()).as_bytes());
    text.extend_from_slice(&run.stderr);
    text
}

fn show(bytes: &[u8]) -> String {
    format!("{}", bytes.escape_ascii())
}

#[test]
fn check_mode_matches_gnu_sha1sum_on_the_corpus() {
    let world = World::new();
    let gnu = gnu_sha1sum();
    if gnu.is_none() {
        eprintln!("sha1sum is not installed: comparing with the recorded GNU output only");
    }
    let bless = std::env::var_os("CHECKSIG_BLESS").is_some();
    let expected_dir = corpus().join("expected");
    let checksig = checksig();
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 50, "the corpus lost cases");
    for case in &cases {
        let stdin = case.stdin.as_ref().map(|file| world.root.join(file));
        let mine_invocation = invocation(&checksig, &world, case, &stdin);
        let mut mine = mine_invocation.run();
        mine.stderr = normalize_stderr(&mine.stderr);
        if mine.status != case.exit {
            failures.push(format!(
                "{}: exit status {} (expected {})\nstdout: {}\nstderr: {}",
                case.name,
                mine.status,
                case.exit,
                show(&mine.stdout),
                show(&mine.stderr)
            ));
        }
        let mut reference = mine.clone();
        if let (Some((gnu_path, modernize)), false) = (&gnu, case.ours) {
            let theirs_invocation = invocation(gnu_path, &world, case, &stdin);
            let mut theirs = theirs_invocation.run();
            theirs.stderr = normalize_stderr(&theirs.stderr);
            let mut theirs_both = normalize_stderr(&theirs_invocation.run_combined());
            if *modernize {
                theirs.stdout = modernize_stdout(&theirs.stdout);
                theirs_both = modernize_stdout(&theirs_both);
            }
            if mine != theirs {
                failures.push(format!(
                    "{}: differs from sha1sum\n  checksig: exit {} stdout {}\n            stderr {}\n  sha1sum:  exit {} stdout {}\n            stderr {}",
                    case.name,
                    mine.status,
                    show(&mine.stdout),
                    show(&mine.stderr),
                    theirs.status,
                    show(&theirs.stdout),
                    show(&theirs.stderr)
                ));
            }
            let mine_both = normalize_stderr(&mine_invocation.run_combined());
            if mine_both != theirs_both {
                failures.push(format!(
                    "{}: 2>&1 differs from sha1sum\n  checksig: {}\n  sha1sum:  {}",
                    case.name,
                    show(&mine_both),
                    show(&theirs_both)
                ));
            }
            reference = theirs;
        }
        let path = expected_dir.join(&case.name);
        if bless {
            std::fs::create_dir_all(&expected_dir).unwrap();
            std::fs::write(&path, render(&reference)).unwrap();
        }
        match std::fs::read(&path) {
            Ok(expected) if expected == render(&mine) => {}
            Ok(expected) => failures.push(format!(
                "{}: differs from {}\n  got:      {}\n  expected: {}",
                case.name,
                path.display(),
                show(&render(&mine)),
                show(&expected)
            )),
            Err(e) => failures.push(format!(
                "{}: cannot read {}: {e}",
                case.name,
                path.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems over {} cases:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_manifest_in_the_corpus_is_used() {
    let cases = std::fs::read_to_string(corpus().join("cases.txt")).unwrap();
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".sha1") {
            assert!(cases.contains(&name), "{name} is in no case of cases.txt");
        }
    }
}

#[test]
fn modernize_only_touches_raw_backslash_and_cr_names() {
    let gnu91 =
        b"a: OK\nb\\s: FAILED\ncr\r: FAILED open or read\n\\n\\nl: OK\nPROG: x\\y: No such file\n";
    assert_eq!(
        show(&modernize_stdout(gnu91)),
        show(b"a: OK\n\\b\\\\s: FAILED\n\\cr\\r: FAILED open or read\n\\n\\nl: OK\nPROG: x\\y: No such file\n")
    );
}
