//! Helpers shared by the integration tests: trees on disk, manifest lines,
//! time bounds (a hang fails the test instead of blocking CI) and child
//! processes (for resource limits, `fork` and faults from another process).

#![allow(dead_code)] // Each test crate uses a different part of this module.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use checksig::manifest::{format_line, Entry, Style};
use checksig::{reference, Algorithm, Digest, Report, Verifier};

/// The environment variable that tells a re-executed test binary which role to play.
pub const CHILD_ROLE: &str = "CHECKSIG_TEST_CHILD_ROLE";

/// The engine's private I/O boundaries, mirrored (src/engine/io.rs
/// `BUFFER_LEN`, `LIMITS.map_min` in src/engine/plan.rs, src/engine/mapped.rs
/// `WINDOW`) so that tests put file sizes
/// on their edges and make files large enough to be memory-mapped. If the
/// engine's tuning changes, update these: the tests still pass with stale
/// values, but stop testing the edges (and mmap, if the threshold grows).
pub const BUFFER_LEN: usize = 256 * 1024;
pub const MMAP_THRESHOLD: usize = 16 * 1024 * 1024;
pub const MMAP_WINDOW: usize = 4 * 1024 * 1024;

/// A generous bound for one verification of a small tree: seconds of margin on
/// a loaded 2-core machine, yet a hang still fails quickly.
pub const SHORT: Duration = Duration::from_secs(20);

/// Runs `f` on its own thread and returns its result, or panics if it does not
/// finish within `limit`. A thread that hangs is left behind; the test fails.
pub fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name(what.to_string())
        .spawn(move || {
            let _ = sender.send(f());
        })
        .expect("spawn a thread");
    match receiver.recv_timeout(limit) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: did not finish within {limit:?} (a hang)")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: panicked (see above)"),
    }
}

/// A temporary directory holding `root/` (what is verified) and `outside/`
/// (a sibling that names must not reach).
pub struct Tree {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub outside: PathBuf,
}

impl Tree {
    pub fn new() -> Tree {
        let dir = tempfile::Builder::new()
            .prefix("checksig-test-")
            .tempdir()
            .expect("create a temporary directory");
        let root = dir.path().join("root");
        let outside = dir.path().join("outside");
        std::fs::create_dir(&root).unwrap();
        std::fs::create_dir(&outside).unwrap();
        Tree {
            _dir: dir,
            root,
            outside,
        }
    }

    /// Writes `root/name` (raw bytes, parents created).
    pub fn file(&self, name: &[u8], contents: &[u8]) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// `root/name`, for raw-byte names.
    pub fn path(&self, name: &[u8]) -> PathBuf {
        use std::os::unix::ffi::OsStrExt;
        self.root.join(std::ffi::OsStr::from_bytes(name))
    }

    /// Writes `root/sha1sum.txt`.
    pub fn manifest(&self, text: &[u8]) {
        std::fs::write(self.root.join("sha1sum.txt"), text).unwrap();
    }

    /// Verifies `root` with `verifier`, failing the test on a hang or a whole-run error.
    pub fn verify_with(&self, verifier: Verifier) -> Report {
        let root = self.root.clone();
        within(SHORT, "verification", move || verifier.verify_dir(&root))
            .expect("the verification runs")
    }

    /// Verifies `root` with the default options.
    pub fn verify(&self) -> Report {
        self.verify_with(Verifier::new())
    }
}

/// `len` pseudo-random bytes from `seed`: a 64 KiB xorshift block, repeated
/// with each copy's first eight bytes replaced by its index, so no two
/// blocks are equal. Cheap for the megabytes a debug build must hash.
pub fn pseudo_random(seed: u64, len: usize) -> Vec<u8> {
    const BLOCK: usize = 64 * 1024;
    let mut state = seed | 1;
    let block: Vec<u8> = (0..BLOCK.min(len))
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let mut bytes = Vec::with_capacity(len);
    let mut index = 0u64;
    while bytes.len() < len {
        let start = bytes.len();
        let take = BLOCK.min(len - start);
        bytes.extend_from_slice(&block[..take]);
        if index > 0 {
            let tag = index.to_le_bytes();
            let n = tag.len().min(take);
            bytes[start..start + n].copy_from_slice(&tag[..n]);
        }
        index += 1;
    }
    bytes
}

/// The reference SHA-1 of `contents`.
pub fn sha1(contents: &[u8]) -> Digest {
    reference::sha1(contents)
}

/// A digest no test content has.
pub fn wrong_digest() -> Digest {
    Digest::from_bytes(Algorithm::Sha1, &[0x5a; 20]).unwrap()
}

/// One manifest line, as GNU writes it, listing `name` with `digest`.
pub fn line_with(name: &[u8], digest: Digest) -> Vec<u8> {
    format_line(&Entry {
        line: 0,
        name: name.to_vec(),
        digest,
        style: Style::Text,
    })
    .expect("a writable name")
}

/// One manifest line listing `name` with the digest of `contents`.
pub fn line(name: &[u8], contents: &[u8]) -> Vec<u8> {
    line_with(name, sha1(contents))
}

/// The statuses of a report as `(line, name, status kind)`, for assertions.
pub fn kinds(report: &Report) -> Vec<(u64, Vec<u8>, checksig::StatusKind)> {
    report
        .entries()
        .map(|e| (e.line(), e.name().to_vec(), e.status().kind()))
        .collect()
}

/// The role this process plays if a test re-executed its own binary.
pub fn child_role() -> Option<String> {
    std::env::var(CHILD_ROLE).ok()
}

/// What a child process did.
#[derive(Debug)]
pub struct ChildOutput {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Re-executes this test binary to run only `test` with `role` set in
/// [`CHILD_ROLE`], optionally through `sh -c "<shell_prefix> && exec ..."`
/// (for `ulimit`). Kills it and panics if it runs longer than `limit`.
pub fn run_child(
    test: &str,
    role: &str,
    envs: &[(&str, &str)],
    shell_prefix: Option<&str>,
    limit: Duration,
) -> ChildOutput {
    let exe = std::env::current_exe().expect("the test binary's path");
    let test_args = [
        test,
        "--exact",
        "--nocapture",
        "--test-threads=1",
        "--include-ignored",
    ];
    let mut command = match shell_prefix {
        Some(prefix) => {
            let mut command = Command::new("sh");
            command
                .arg("-c")
                .arg(format!("{prefix} && exec \"$0\" \"$@\""))
                .arg(&exe)
                .args(test_args);
            command
        }
        None => {
            let mut command = Command::new(&exe);
            command.args(test_args);
            command
        }
    };
    command
        .env(CHILD_ROLE, role)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("start the child test process");
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "child role {role} did not finish within {limit:?} (a hang); stderr:\n{}",
                stderr.join().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    ChildOutput {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// The effective user id (0 when tests run as root, as in CI containers).
pub fn euid() -> u32 {
    extern "C" {
        fn geteuid() -> u32;
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { geteuid() }
}

/// Creates a FIFO at `path`.
pub fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    extern "C" {
        fn mkfifo(path: *const std::ffi::c_char, mode: u32) -> i32;
    }
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: c_path is a valid NUL-terminated string that outlives the call.
    let rc = unsafe { mkfifo(c_path.as_ptr(), 0o644) };
    assert_eq!(
        rc,
        0,
        "mkfifo {}: {}",
        path.display(),
        std::io::Error::last_os_error()
    );
}

/// A seconds figure from the environment (for long runs in scripts/stress.sh),
/// or `default` for the quick run of `cargo test`.
pub fn seconds_from_env(name: &str, default: f64) -> Duration {
    let seconds = std::env::var(name)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(default);
    Duration::from_secs_f64(seconds)
}
