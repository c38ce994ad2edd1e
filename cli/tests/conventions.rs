//! The command's conventions (issue 16): clap subcommands listed by `-h`
//! with their own usage lines, `help`, shell completions, man pages, and
//! death by SIGPIPE on a closed pipe as GNU's tools die.

mod common;

use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{checksig, Invocation, Run};
use wait_timeout::ChildExt;

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    let program = checksig();
    let mut invocation = Invocation::new(&program, dir);
    invocation.args = args;
    invocation.run()
}

fn run(args: &[&str]) -> Run {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

#[test]
fn short_help_lists_the_subcommands() {
    let help = run(&["-h"]);
    assert_eq!(help.status, 0, "{help:?}");
    let out = help.out();
    assert!(
        out.contains("Usage: checksig [OPTIONS] [DIR | MANIFEST]...\n       checksig <COMMAND>"),
        "{out}"
    );
    for command in ["hash", "create", "completions", "help"] {
        assert!(
            out.lines().any(|l| l.starts_with(&format!("  {command} "))),
            "-h lacks {command}: {out}"
        );
    }
    // The man page generator is for packagers, not listed.
    assert!(!out.lines().any(|l| l.starts_with("  man ")), "{out}");
}

#[test]
fn help_subcommand_prints_help() {
    assert_eq!(run(&["help"]).out(), run(&["--help"]).out());
    let hash = run(&["help", "hash"]);
    assert_eq!(hash.status, 0);
    assert_eq!(hash.out(), run(&["hash", "--help"]).out());
}

#[test]
fn subcommand_usage_lines_name_the_program() {
    let hash = run(&["hash", "--help"]);
    assert!(
        hash.out()
            .contains("Usage: checksig hash [OPTIONS] [FILE]...\n"),
        "{}",
        hash.out()
    );
    let create = run(&["create", "--help"]);
    assert!(
        create
            .out()
            .contains("Usage: checksig create [OPTIONS] [DIR]\n"),
        "{}",
        create.out()
    );
    // One default, clap's, not the doc comment's as well.
    assert!(
        create.out().contains("The directory to list [default: .]"),
        "{}",
        create.out()
    );
    assert!(!create.out().contains("(default: .)"), "{}", create.out());
    // create keeps clap's conventions (hash, a GNU mode, words usage
    // errors as GNU does: see cli.rs).
    let wrong = run(&["create", "--bogus"]);
    assert_eq!(wrong.status, 2);
    assert!(
        wrong.err().contains("Usage: checksig create [OPTIONS]"),
        "{}",
        wrong.err()
    );
}

/// `help` (or `hash`) as a path: `./help` is the directory, and after the
/// top-level options a subcommand's name is a DIR too.
#[test]
fn a_directory_named_help_is_verified_as_dot_slash_help() {
    let dir = tempfile::tempdir().unwrap();
    let help = dir.path().join("help");
    std::fs::create_dir(&help).unwrap();
    std::fs::write(help.join("a"), "hello\n").unwrap();
    std::fs::write(
        help.join("sha1sum.txt"),
        "f572d396fae9206628714fb2ce00f72e94f2258f  a\n",
    )
    .unwrap();
    let verified = run_in(dir.path(), &["./help"]);
    assert_eq!(verified.status, 0, "{verified:?}");
    assert_eq!(verified.out(), "OK: 1 OK (./help/sha1sum.txt)\n");
    let verified = run_in(dir.path(), &["--threads", "1", "help"]);
    assert_eq!(verified.out(), "OK: 1 OK (help/sha1sum.txt)\n");
    // Bare, it is the subcommand.
    assert!(run_in(dir.path(), &["help"]).out().contains("Usage:"));
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    for (shell, marker) in [
        ("bash", "complete -F _checksig"),
        ("zsh", "#compdef checksig"),
        ("fish", "complete -c checksig"),
    ] {
        let script = run(&["completions", shell]);
        assert_eq!(script.status, 0, "{shell}: {script:?}");
        let text = script.out();
        assert!(text.contains(marker), "{shell}: {text}");
        for word in ["hash", "create", "ignore-missing"] {
            assert!(text.contains(word), "{shell} lacks {word}");
        }
    }
    let wrong = run(&["completions", "tcsh"]);
    assert_eq!(wrong.status, 2);
}

/// A completion script that bash itself loads and that completes a
/// subcommand.
#[test]
fn bash_completes_subcommands() {
    if !Path::new("/bin/bash").exists() {
        println!("SKIP bash completion: no bash");
        return;
    }
    let script = run(&["completions", "bash"]).out();
    let test = format!(
        "{script}\nCOMP_WORDS=(checksig cre); COMP_CWORD=1; _checksig checksig cre checksig; \
         echo \"${{COMPREPLY[@]}}\""
    );
    let out = Command::new("/bin/bash")
        .args(["--norc", "-c", &test])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "create");
}

#[test]
fn man_pages() {
    let page = run(&["man"]);
    assert_eq!(page.status, 0, "{page:?}");
    let roff = page.out();
    assert!(roff.contains(".TH checksig 1"), "{roff}");
    assert!(roff.contains(".SH SUBCOMMANDS"), "{roff}");
    assert!(roff.contains("checksig\\-hash(1)"), "{roff}");
    let hash = run(&["man", "hash"]);
    assert_eq!(hash.status, 0);
    assert!(hash.out().contains(".TH checksig-hash 1"), "{}", hash.out());
    assert_eq!(run(&["man", "nope"]).status, 2);
    // man(1) renders it without a warning, where groff is installed.
    if Path::new("/usr/bin/groff").exists() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("checksig.1");
        std::fs::write(&file, &page.stdout).unwrap();
        let out = Command::new("/usr/bin/groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    }
}

/// Many lines of `checksig hash` into a pipe whose reader leaves after one
/// byte: the process dies of SIGPIPE, as `sha1sum` does, not exit 1.
#[test]
fn a_closed_pipe_kills_with_sigpipe() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f"), "hello\n").unwrap();
    // 20,000 lines of 43 bytes: more than the pipe and the output buffer.
    let mut child = Command::new(checksig())
        .arg("hash")
        .args(std::iter::repeat_n("f", 20_000))
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let status = child
        .wait_timeout(common::LIMIT)
        .unwrap()
        .expect("finished in time");
    assert_eq!(status.signal(), Some(libc_sigpipe()), "{status:?}");
    let mut stderr = String::new();
    child.stderr.unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(stderr, "");
    // From a shell, as a user sees it: status 141 (128 + SIGPIPE).
    if Path::new("/bin/bash").exists() {
        let command = format!(
            "{} hash $(printf 'f %.0s' $(seq 20000)) | head -c1 >/dev/null; \
             echo ${{PIPESTATUS[0]}}",
            checksig().display()
        );
        let out = Command::new("/bin/bash")
            .args(["--norc", "-c", &command])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "141\n");
    }
}

/// SIGPIPE's number on Linux (13), without a libc dependency for one number.
fn libc_sigpipe() -> i32 {
    13
}

/// The `--json` example of cli/README.md is the real output of
/// `checksig --json testdata/logs`, but for the entries it leaves out.
#[test]
fn readme_json_example_is_the_real_output() {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(manifest_dir.join("README.md")).unwrap();
    let start = readme.find("```json\n").expect("a json block") + "```json\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let shown: serde_json::Value = serde_json::from_str(&readme[start..end]).unwrap();
    let real = run_in(&manifest_dir.join(".."), &["--json", "testdata/logs"]);
    assert_eq!(real.status, 1);
    let mut real: serde_json::Value = serde_json::from_slice(&real.stdout).unwrap();
    let entries = real["entries"].as_array().unwrap().len();
    assert_eq!(entries, 10, "every manifest line has an entry");
    let shown_lines: Vec<_> = shown["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].clone())
        .collect();
    real["entries"]
        .as_array_mut()
        .unwrap()
        .retain(|e| shown_lines.contains(&e["line"]));
    assert_eq!(shown, real);
}
