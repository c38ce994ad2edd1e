//! Helpers shared by the CLI tests: running a program with a time limit.

#![allow(dead_code)] // Each test crate uses a different part of this module.

use std::ffi::OsStr;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt;

/// How long one run may take before it counts as a hang: seconds of margin
/// on a loaded 2-core machine, yet a hang fails instead of blocking CI.
pub const LIMIT: Duration = Duration::from_secs(20);

/// The `checksig` binary under test.
pub fn checksig() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_checksig"))
}

/// What a finished run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The exit status (a signal counts as 128 + its number).
    pub status: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Run {
    /// Standard output, lossily, for messages and `contains` checks.
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Standard error, lossily.
    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// What to run.
pub struct Invocation<'a> {
    pub program: &'a Path,
    pub args: Vec<&'a OsStr>,
    pub dir: &'a Path,
    pub env: Vec<(&'a str, &'a str)>,
    pub stdin: Option<&'a Path>,
}

impl<'a> Invocation<'a> {
    /// `program args...` in `dir`, in the C.UTF-8 locale, with empty stdin.
    pub fn new(program: &'a Path, dir: &'a Path) -> Invocation<'a> {
        Invocation {
            program,
            args: Vec::new(),
            dir,
            env: vec![("LC_ALL", "C.UTF-8")],
            stdin: None,
        }
    }

    /// Adds arguments.
    pub fn args<S: AsRef<OsStr> + ?Sized>(mut self, args: &'a [&'a S]) -> Invocation<'a> {
        self.args.extend(args.iter().map(|a| a.as_ref()));
        self
    }

    fn command(&self) -> Command {
        let mut command = Command::new(self.program);
        command
            .args(&self.args)
            .current_dir(self.dir)
            .env_remove("LANG")
            .env_remove("LANGUAGE")
            .env_remove("LC_CTYPE")
            .env_remove("LC_MESSAGES");
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }

    fn stdin(&self) -> Stdio {
        match self.stdin {
            Some(path) => Stdio::from(File::open(path).expect("open the stdin file")),
            None => Stdio::null(),
        }
    }

    /// Runs to completion (at most [`LIMIT`]), capturing both streams.
    pub fn run(&self) -> Run {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let out_path = dir.path().join("stdout");
        let err_path = dir.path().join("stderr");
        let status = self.wait(
            File::create(&out_path).expect("create stdout file"),
            File::create(&err_path).expect("create stderr file"),
        );
        Run {
            status,
            stdout: std::fs::read(out_path).expect("read stdout"),
            stderr: std::fs::read(err_path).expect("read stderr"),
        }
    }

    /// Runs with standard output and standard error in one file, as `2>&1`
    /// does, and returns what it holds (to check the interleaving).
    pub fn run_combined(&self) -> Vec<u8> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("both");
        let file = File::create(&path).expect("create output file");
        let other = file.try_clone().expect("duplicate output file");
        self.wait(file, other);
        let mut both = Vec::new();
        File::open(path)
            .and_then(|mut f| f.read_to_end(&mut both))
            .expect("read output");
        both
    }

    fn wait(&self, stdout: File, stderr: File) -> i32 {
        let mut child = self
            .command()
            .stdin(self.stdin())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.program.display()));
        match child.wait_timeout(LIMIT).expect("wait for the child") {
            Some(status) => {
                use std::os::unix::process::ExitStatusExt;
                status
                    .code()
                    .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
            }
            None => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{} {:?} did not finish within {LIMIT:?} (a hang)",
                    self.program.display(),
                    self.args
                );
            }
        }
    }
}

/// Rewrites coreutils 9.1's raw `NAME: VERDICT` lines for names holding `\`
/// or CR (and no newline) into the escaped form newer coreutils and checksig
/// print. A line that 9.1 escaped already (its name held a newline) stays.
pub fn modernize_stdout(stdout: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(stdout.len());
    for line in stdout.split_inclusive(|&b| b == b'\n') {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let split = [&b": FAILED open or read"[..], b": FAILED", b": OK"]
            .iter()
            .find_map(|verdict| body.strip_suffix(*verdict).map(|name| (name, *verdict)));
        let Some((name, verdict)) = split else {
            out.extend_from_slice(line);
            continue;
        };
        let escaped_by_gnu = name.first() == Some(&b'\\')
            && checksig::manifest::unescape_name(&name[1..]).is_some_and(|n| n.contains(&b'\n'));
        if escaped_by_gnu || !checksig::manifest::needs_escape(name) {
            out.extend_from_slice(line);
            continue;
        }
        out.push(b'\\');
        out.extend_from_slice(&checksig::manifest::escape_name(name));
        out.extend_from_slice(verdict);
        out.extend_from_slice(&line[body.len()..]);
    }
    out
}
