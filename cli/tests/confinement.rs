//! The CLI keeps the root's promises: a manifest linked outside is refused
//! and its lines never echoed (text or `--json`), `create -o` writes through
//! a FIFO, and a low descriptor limit never changes a verdict.

mod common;

use std::ffi::OsStr;
use std::path::Path;

use common::{checksig, Invocation};

/// `root/` and `outside/` in a temporary directory.
fn tree() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (root, outside) = (dir.path().join("root"), dir.path().join("outside"));
    std::fs::create_dir(&root).unwrap();
    std::fs::create_dir(&outside).unwrap();
    (dir, root, outside)
}

#[test]
fn a_manifest_linked_outside_is_refused_and_not_echoed() {
    let (_dir, root, outside) = tree();
    std::fs::write(outside.join("shadow"), "root:secretline:0:0\n").unwrap();
    std::os::unix::fs::symlink(outside.join("shadow"), root.join("sha1sum.txt")).unwrap();
    let program = checksig();
    for args in [
        &[OsStr::new("root")][..],
        &["--json".as_ref(), "root".as_ref()],
    ] {
        let run = Invocation::new(&program, root.parent().unwrap())
            .args(args)
            .run();
        assert_eq!(run.status, 2, "{args:?}: {}{}", run.out(), run.err());
        let all = format!("{}{}", run.out(), run.err());
        assert!(!all.contains("secretline"), "{args:?}: {all}");
        assert!(all.contains("outside the directory"), "{args:?}: {all}");
    }
}

#[test]
fn create_output_onto_a_fifo_writes_through() {
    use std::io::Read;
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let (_dir, root, outside) = tree();
    std::fs::write(root.join("a"), "a").unwrap();
    let fifo = outside.join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let mut reader = std::fs::File::options()
        .read(true)
        .custom_flags(libc_nonblock())
        .open(&fifo)
        .unwrap();
    let program = checksig();
    let run = Invocation::new(&program, &root)
        .args(&[OsStr::new("create"), OsStr::new("-o"), fifo.as_os_str()])
        .run();
    assert_eq!(run.status, 0, "{}", run.err());
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    let mut read = String::new();
    let _ = reader.read_to_string(&mut read);
    assert_eq!(
        read, "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n",
        "the manifest came through the FIFO"
    );
}

/// `O_NONBLOCK` on Linux (the CLI tests do not depend on `libc`).
fn libc_nonblock() -> i32 {
    0o4000
}

/// `checksig --threads 8 DIR` under `ulimit -n 16` over 2,000 files: every
/// run the same verdict (all OK), never "Too many open files".
#[test]
fn a_low_descriptor_limit_never_changes_a_verdict() {
    let (_dir, root, _outside) = tree();
    let names: Vec<String> = (0..2000).map(|i| format!("f{i:04}")).collect();
    for name in &names {
        std::fs::write(root.join(name), name).unwrap();
    }
    let manifest = std::process::Command::new("sha1sum")
        .args(&names)
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(manifest.status.success());
    std::fs::write(root.join("sha1sum.txt"), manifest.stdout).unwrap();
    let program = checksig();
    let script = format!(
        "ulimit -n 16 && exec '{}' --threads 8 --no-progress root",
        program.display()
    );
    for run in 0..10 {
        let done = Invocation::new(Path::new("/bin/sh"), root.parent().unwrap())
            .args(&["-c", script.as_str()])
            .run();
        assert_eq!(
            (done.status, done.out().lines().last().map(str::to_owned)),
            (0, Some("OK: 2000 OK (root/sha1sum.txt)".to_string())),
            "run {run}: {}{}",
            done.out(),
            done.err()
        );
    }
}
