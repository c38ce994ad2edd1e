//! Nothing outside the root is opened, stat'ed, listed, hashed or echoed,
//! on every path (manifest, entries, `--unlisted`, progress totals,
//! `create`), also where `openat2` is refused (a seccomp filter in a child
//! process) and while a directory is swapped with a link to outside; and
//! `create` writes its output safely.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use checksig::{create, Algorithm, Error, StatusKind, Verifier};
use common::{child_role, line_with, run_child, sha1, within, Tree, SHORT};

/// How long each race runs (seconds), `CHECKSIG_RACE_SECONDS` to change.
fn race_time() -> Duration {
    common::seconds_from_env("CHECKSIG_RACE_SECONDS", 3.0)
}

/// Files named `name_0..` in `root/d` (real) and in `outside/d`, with
/// different contents, and `root/x`, a link to `outside/d`; a running
/// [`Swapper`] exchanges `root/d` and `root/x` over and over.
const FILES: usize = 8;

fn race_tree(name: &str) -> Tree {
    let tree = Tree::new();
    std::fs::create_dir(tree.root.join("d")).unwrap();
    std::fs::create_dir(tree.outside.join("d")).unwrap();
    for i in 0..FILES {
        std::fs::write(tree.root.join(format!("d/{name}_{i}")), "inside").unwrap();
        std::fs::write(tree.outside.join(format!("d/{name}_{i}")), "outside").unwrap();
        std::fs::write(tree.outside.join(format!("d/secret_{i}")), "outside").unwrap();
    }
    std::os::unix::fs::symlink(tree.outside.join("d"), tree.root.join("x")).unwrap();
    tree
}

/// Exchanges `root/d` and `root/x` (a directory and a link to outside)
/// atomically, as fast as it can, until dropped.
struct Swapper {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<u64>>,
}

impl Swapper {
    fn start(root: &Path) -> Swapper {
        let stop = Arc::new(AtomicBool::new(false));
        let (d, x) = (root.join("d"), root.join("x"));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut swaps = 0;
            while !flag.load(Ordering::Relaxed) {
                let cwd = rustix::fs::CWD;
                rustix::fs::renameat_with(cwd, &d, cwd, &x, rustix::fs::RenameFlags::EXCHANGE)
                    .expect("exchange");
                swaps += 1;
            }
            swaps
        });
        Swapper {
            stop,
            thread: Some(thread),
        }
    }

    fn stop(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.take().unwrap().join().unwrap()
    }
}

impl Drop for Swapper {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// A manifest of `d/name_i` expecting the outside contents: a file reported
/// OK was read outside the root.
fn outside_manifest(tree: &Tree, name: &str) {
    let mut text = Vec::new();
    for i in 0..FILES {
        text.extend(line_with(
            format!("d/{name}_{i}").as_bytes(),
            sha1(b"outside"),
        ));
    }
    tree.manifest(&text);
}

/// Verifies the race tree over and over while it is swapped; the number of
/// entries reported OK (each one an outside file read).
fn verify_under_swaps(tree: &Tree, verifier: impl Fn() -> Verifier) -> (u64, u64) {
    let swapper = Swapper::start(&tree.root);
    let (mut outside_reads, start) = (0, Instant::now());
    let mut runs = 0;
    while start.elapsed() < race_time() {
        let report = verifier().verify_dir(&tree.root).unwrap();
        outside_reads += report
            .entries()
            .filter(|e| e.status().kind() == StatusKind::Ok)
            .count() as u64;
        runs += 1;
    }
    assert!(swapper.stop() > 100, "the swapper ran");
    assert!(runs > 10, "{runs} verifications");
    (outside_reads, runs)
}

#[test]
fn a_manifest_linked_outside_is_refused_and_never_echoed() {
    let tree = Tree::new();
    std::fs::write(tree.outside.join("shadow"), "root:secretline:0:0\n").unwrap();
    std::os::unix::fs::symlink(tree.outside.join("shadow"), tree.root.join("sha1sum.txt")).unwrap();
    let result = Verifier::new().verify_dir(&tree.root);
    match result {
        Err(error @ Error::ReadManifest { .. }) => {
            let text = format!("{error} {error:?}");
            assert!(!text.contains("secretline"), "{text}");
            assert!(text.contains("outside"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    // A relative link out is refused the same way; one inside is read.
    std::fs::remove_file(tree.root.join("sha1sum.txt")).unwrap();
    std::os::unix::fs::symlink("../outside/shadow", tree.root.join("sha1sum.txt")).unwrap();
    assert!(Verifier::new().verify_dir(&tree.root).is_err());
    tree.file(b"a", b"a");
    tree.file(b"real.txt", &line_with(b"a", sha1(b"a")));
    std::fs::remove_file(tree.root.join("sha1sum.txt")).unwrap();
    std::os::unix::fs::symlink("real.txt", tree.root.join("sha1sum.txt")).unwrap();
    assert!(tree.verify().is_ok());
}

#[test]
fn progress_totals_count_no_outside_file() {
    let tree = Tree::new();
    std::fs::write(tree.outside.join("big"), vec![7; 1 << 20]).unwrap();
    std::os::unix::fs::symlink(tree.outside.join("big"), tree.root.join("link")).unwrap();
    std::fs::create_dir(tree.root.join("sub")).unwrap();
    tree.file(b"in", b"0123456789");
    let mut text = Vec::new();
    for name in ["in", "link", "../outside/big", "sub/../../outside/big"] {
        text.extend(line_with(name.as_bytes(), sha1(b"x")));
    }
    tree.manifest(&text);
    let total = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&total);
    let verifier = Verifier::new().threads(2).progress(move |progress| {
        seen.fetch_max(progress.bytes_total, Ordering::Relaxed);
        true
    });
    let report = tree.verify_with(verifier);
    assert_eq!(total.load(Ordering::Relaxed), 10);
    assert_eq!(
        report
            .entries()
            .filter(|e| e.status().kind() == StatusKind::OutsideRoot)
            .count(),
        3
    );
}

#[test]
fn entries_are_never_read_outside_under_swaps() {
    let tree = race_tree("f");
    outside_manifest(&tree, "f");
    let (outside_reads, runs) = within(SHORT + race_time(), "race", move || {
        verify_under_swaps(&tree, || Verifier::new().threads(2))
    });
    assert_eq!(outside_reads, 0, "outside files read OK in {runs} runs");
}

#[test]
fn unlisted_never_lists_outside_names_under_swaps() {
    let tree = race_tree("f");
    tree.manifest(b"");
    let hits = within(SHORT + race_time(), "race", move || {
        let swapper = Swapper::start(&tree.root);
        let (mut hits, mut runs, start) = (0, 0, Instant::now());
        while start.elapsed() < race_time() {
            let report = Verifier::new()
                .report_unlisted(true)
                .strict(false)
                .verify_dir(&tree.root)
                .unwrap();
            hits += report
                .entries()
                .filter(|e| e.name().windows(6).any(|w| w == b"secret"))
                .count();
            runs += 1;
        }
        swapper.stop();
        assert!(runs > 10);
        hits
    });
    assert_eq!(hits, 0, "outside names listed");
}

#[test]
fn create_never_hashes_an_outside_file_under_swaps() {
    let tree = race_tree("f");
    let hits = within(SHORT + race_time(), "race", move || {
        let swapper = Swapper::start(&tree.root);
        let (mut hits, mut listed, start) = (0, 0, Instant::now());
        let outside = sha1(b"outside");
        while start.elapsed() < race_time() {
            let listing = create::list_dir(&tree.root, Algorithm::Sha1, 2, None).unwrap();
            hits += listing
                .iter()
                .filter(|l| l.digest.as_ref().ok() == Some(&outside))
                .count();
            listed += listing.len();
        }
        swapper.stop();
        assert!(listed > 0, "some files were listed");
        hits
    });
    assert_eq!(hits, 0, "outside files hashed into the manifest");
}

#[test]
fn create_does_not_write_through_a_planted_temporary_name() {
    let tree = Tree::new();
    let victim = tree.outside.join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let pid = std::process::id();
    let planted = tree.root.join(format!(".sha1sum.txt.{pid}.tmp"));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    std::fs::write(tree.root.join(format!(".sha1sum.txt.{pid}.1.tmp")), "taken").unwrap();
    let output = tree.root.join("sha1sum.txt");
    create::write_manifest(&output, b"manifest\n", false).unwrap();
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert_eq!(std::fs::read(&output).unwrap(), b"manifest\n");
    assert!(std::fs::symlink_metadata(&output).unwrap().is_file());
    assert!(std::fs::symlink_metadata(&planted).unwrap().is_symlink());
    // A link at the final name is replaced, not written through.
    std::fs::remove_file(&output).unwrap();
    std::os::unix::fs::symlink(&victim, &output).unwrap();
    create::write_manifest(&output, b"again\n", false).unwrap();
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert_eq!(std::fs::read(&output).unwrap(), b"again\n");
}

#[test]
fn an_output_fifo_is_written_through() {
    use std::io::Read;
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let tree = Tree::new();
    let fifo = tree.root.join("fifo");
    common::mkfifo(&fifo);
    // A reader that does not block, so that the writer's open succeeds.
    let mut reader = std::fs::File::options()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    create::write_manifest(&fifo, b"through\n", true).unwrap();
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    let mut read = Vec::new();
    let _ = reader.read_to_end(&mut read);
    assert_eq!(read, b"through\n");
    // /dev/null is written through too, not replaced.
    create::write_manifest(Path::new("/dev/null"), b"x", true).unwrap();
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
}

/// Installs, on every thread of this process, a seccomp filter that makes
/// `openat2` fail with `EPERM`, as some container runtimes do.
fn refuse_openat2() {
    const SYS_OPENAT2: u32 = 437;
    const AUDIT_ARCH_X86_64: u32 = 0xc000_003e;
    const AUDIT_ARCH_AARCH64: u32 = 0xc000_00b7;
    let arch = if cfg!(target_arch = "aarch64") {
        AUDIT_ARCH_AARCH64
    } else {
        AUDIT_ARCH_X86_64
    };
    let statement = |code: u16, k: u32, jt: u8, jf: u8| libc::sock_filter { code, jt, jf, k };
    let (ld, jeq, ret) = (
        (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16,
        (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
        (libc::BPF_RET | libc::BPF_K) as u16,
    );
    let filter = [
        // seccomp_data: nr at offset 0, arch at offset 4.
        statement(ld, 4, 0, 0),
        statement(jeq, arch, 1, 0),
        statement(ret, libc::SECCOMP_RET_ALLOW, 0, 0),
        statement(ld, 0, 0, 0),
        statement(jeq, SYS_OPENAT2, 0, 1),
        statement(ret, libc::SECCOMP_RET_ERRNO | libc::EPERM as u32, 0, 0),
        statement(ret, libc::SECCOMP_RET_ALLOW, 0, 0),
    ];
    let program = libc::sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_ptr() as *mut libc::sock_filter,
    };
    // SAFETY: plain system calls; `program` and `filter` outlive them, and
    // the kernel copies the filter.
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        let installed = libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            libc::SECCOMP_FILTER_FLAG_TSYNC,
            &program as *const libc::sock_fprog,
        );
        assert_eq!(installed, 0, "{}", std::io::Error::last_os_error());
    }
}

#[test]
fn with_openat2_refused_entries_stay_confined_under_swaps() {
    if child_role().as_deref() == Some("openat2-refused") {
        refuse_openat2();
        let refused = rustix::fs::openat2(
            rustix::fs::CWD,
            ".",
            rustix::fs::OFlags::RDONLY,
            rustix::fs::Mode::empty(),
            rustix::fs::ResolveFlags::BENEATH,
        );
        assert_eq!(refused.unwrap_err(), rustix::io::Errno::PERM);
        let tree = race_tree("f");
        outside_manifest(&tree, "f");
        // Links that stay inside still resolve, as with openat2.
        tree.file(b"in/a", b"a");
        std::os::unix::fs::symlink("../in", tree.root.join("d/up")).unwrap();
        let inside = Tree::new();
        inside.file(b"in/a", b"a");
        std::os::unix::fs::symlink("../in/a", inside.root.join("in/link")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", inside.root.join("abs")).unwrap();
        let mut text = line_with(b"in/link", sha1(b"a"));
        text.extend(line_with(b"in/./../in/a", sha1(b"a")));
        text.extend(line_with(b"abs", sha1(b"a")));
        text.extend(line_with(b"in/../../outside/x", sha1(b"a")));
        inside.manifest(&text);
        let kinds: Vec<StatusKind> = inside
            .verify_with(Verifier::new().strict(false))
            .entries()
            .map(|e| e.status().kind())
            .collect();
        assert_eq!(
            kinds,
            [
                StatusKind::Ok,
                StatusKind::Ok,
                StatusKind::OutsideRoot,
                StatusKind::OutsideRoot
            ]
        );
        let (outside_reads, runs) = verify_under_swaps(&tree, || Verifier::new().threads(2));
        println!("outside reads: {outside_reads} in {runs} runs");
        assert_eq!(outside_reads, 0, "outside files read OK in {runs} runs");
        return;
    }
    let child = run_child(
        "with_openat2_refused_entries_stay_confined_under_swaps",
        "openat2-refused",
        &[],
        None,
        SHORT + race_time() * 2,
    );
    assert!(child.status.success(), "{}\n{}", child.stdout, child.stderr);
    assert!(
        child.stdout.contains("outside reads: 0"),
        "{}",
        child.stdout
    );
}

#[test]
fn sidecar_and_names_with_dots_stay_beneath() {
    // A sidecar checks the file it is named after, beneath the root.
    let tree = Tree::new();
    tree.file(b"f.iso", b"iso");
    let hex = sha1(b"iso").to_hex();
    tree.file(b"f.iso.sha1", hex.as_bytes());
    let report = tree.verify_with(Verifier::new().manifest(OsStr::from_bytes(b"f.iso.sha1")));
    assert!(report.is_ok(), "{}", report.summary());
}
