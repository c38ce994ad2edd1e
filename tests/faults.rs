//! Fault tests, black box: files truncated, extended and rewritten while they
//! are hashed (by another thread and by another process, mmap on and off), and
//! a `fork` after the library was used.
//!
//! The trap: the listed content `A` is random bytes followed by zeros, and the
//! file under test is never `A`. It flips between `A` with its last byte set
//! to 1 (full length) and prefixes of `A` (truncated, often inside the last
//! page). A reader that hashes a truncated map as zero-filled pages, or reads
//! a short file as if it still had its old length, computes exactly `A`'s
//! digest and would say OK: any OK for that file is a false OK. A static twin
//! holding `A` must be OK every time, so the verifier is not just failing.
//!
//! `cargo test` runs a few seconds; `scripts/stress.sh` sets
//! `CHECKSIG_STRESS_SECS` for long runs. Figures are printed (`--nocapture`).

mod common;

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use checksig::{StatusKind, Verifier};
use common::*;

const PAGE: u64 = 4096;

/// File sizes that take each reading path: one `read`, 256 KiB pieces, and
/// a memory map (just over the threshold: several mmap windows).
/// For long runs (`scripts/stress.sh`), the mapped file is 64 MiB + 7, so that
/// the engine's prefetch thread populates windows ahead of hashing too.
fn sizes() -> [u64; 3] {
    let mapped = if std::env::var_os("CHECKSIG_STRESS_SECS").is_some() {
        64 * 1024 * 1024 + 7
    } else {
        MMAP_THRESHOLD as u64 + 7
    };
    [100 * 1024 + 3, 600 * 1024 + 5, mapped]
}

/// The listed contents: random bytes, then a tail of zeros (half the file).
fn listed_contents(len: u64, seed: u64) -> Vec<u8> {
    let mut contents = pseudo_random(seed, len as usize);
    contents[len as usize / 2..].fill(0);
    contents
}

/// What the mutator did.
#[derive(Debug, Default, Clone, Copy)]
struct Faults {
    truncations: u64,
    extensions: u64,
    rewrites: u64,
    replacements: u64,
}

impl Faults {
    fn total(&self) -> u64 {
        self.truncations + self.extensions + self.rewrites + self.replacements
    }
}

/// Puts the trap file in its "full" state: `A` with the last byte set to 1.
fn write_full_state(path: &Path, listed: &[u8]) {
    let mut full = listed.to_vec();
    *full.last_mut().unwrap() = 1;
    std::fs::write(path, full).unwrap();
}

/// Mutates `path` until `stop`: truncates to a prefix of `A` (mostly inside
/// the last page), extends back to full length with one `pwrite` of the last
/// byte (1, never 0), flips and restores a byte in place, and now and then
/// replaces the file by renaming a full copy over it.
fn mutate(path: &Path, listed: &[u8], stop: &AtomicBool) -> Faults {
    let len = listed.len() as u64;
    let mut faults = Faults::default();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut random = move |bound: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % bound
    };
    let mut file = File::options().write(true).open(path).unwrap();
    while !stop.load(Ordering::Relaxed) {
        let cut = if random(4) == 0 {
            random(len)
        } else {
            len - 1 - random(PAGE.min(len - 1))
        };
        file.set_len(cut).unwrap();
        faults.truncations += 1;
        std::thread::yield_now();
        file.write_all_at(&[1], len - 1).unwrap();
        faults.extensions += 1;
        let at = random(len / 2);
        file.write_all_at(&[!listed[at as usize]], at).unwrap();
        file.write_all_at(&listed[at as usize..at as usize + 1], at)
            .unwrap();
        faults.rewrites += 2;
        // Leave the verifier some of the 2 CPUs.
        std::thread::sleep(Duration::from_micros(random(400)));
        if random(64) == 0 {
            let temp = path.with_extension("new");
            write_full_state(&temp, listed);
            std::fs::rename(&temp, path).unwrap();
            file = File::options().write(true).open(path).unwrap();
            faults.replacements += 1;
        }
    }
    faults
}

/// What the verifications saw.
#[derive(Debug, Default)]
struct Outcomes {
    verifications: u64,
    trap: [u64; StatusKind::ALL.len()],
}

/// Verifies `root` (a trap file and its twin for every size) again and again
/// until `duration` has passed, checking every report.
fn verify_while_mutated(root: &Path, mmap: bool, duration: Duration) -> Outcomes {
    let verifier = Verifier::new().threads(2).mmap(mmap);
    let mut outcomes = Outcomes::default();
    let start = Instant::now();
    while start.elapsed() < duration || outcomes.verifications < 3 {
        let report = verifier.verify_dir(root).expect("the run itself succeeds");
        outcomes.verifications += 1;
        for entry in report.entries() {
            let name = String::from_utf8_lossy(entry.name());
            let kind = entry.status().kind();
            if name.starts_with("twin") {
                assert_eq!(kind, StatusKind::Ok, "{name}: {:?}", entry.status());
                continue;
            }
            outcomes.trap[kind as usize] += 1;
            assert!(
                matches!(
                    kind,
                    StatusKind::Mismatch | StatusKind::Changed | StatusKind::Unreadable
                ),
                "FALSE VERDICT for {name} (mmap {mmap}): {:?}; the file never held the listed bytes",
                entry.status()
            );
        }
    }
    outcomes
}

/// Builds the tree: for every size, `trapN` (mutated) and `twinN` (static),
/// both listed with the digest of the same `A`.
fn trap_tree() -> (Tree, Vec<(PathBuf, Vec<u8>)>) {
    let tree = Tree::new();
    let mut manifest = Vec::new();
    let mut traps = Vec::new();
    for (i, &len) in sizes().iter().enumerate() {
        let listed = listed_contents(len, i as u64 + 11);
        let trap = format!("trap{i}");
        let twin = format!("twin{i}");
        tree.file(twin.as_bytes(), &listed);
        write_full_state(&tree.path(trap.as_bytes()), &listed);
        manifest.extend(line(trap.as_bytes(), &listed));
        manifest.extend(line(twin.as_bytes(), &listed));
        traps.push((tree.path(trap.as_bytes()), listed));
    }
    tree.manifest(&manifest);
    (tree, traps)
}

fn report(what: &str, mmap: bool, faults: Faults, outcomes: &Outcomes) {
    let kinds: Vec<String> = StatusKind::ALL
        .iter()
        .filter(|&&k| outcomes.trap[k as usize] > 0)
        .map(|&k| format!("{} {}", outcomes.trap[k as usize], k.name()))
        .collect();
    println!(
        "FIGURES {what}, mmap {mmap}: {} verifications, {} faults injected \
         ({} truncations, {} extensions, {} in-place writes, {} replacements); \
         trap files: {}; false OK: 0; twins: all OK",
        outcomes.verifications,
        faults.total(),
        faults.truncations,
        faults.extensions,
        faults.rewrites,
        faults.replacements,
        kinds.join(", ")
    );
}

fn stress_duration() -> Duration {
    seconds_from_env("CHECKSIG_STRESS_SECS", 1.5)
}

#[test]
fn files_changed_by_another_thread_never_verify() {
    for mmap in [true, false] {
        let (tree, traps) = trap_tree();
        let stop = Arc::new(AtomicBool::new(false));
        let mutators: Vec<_> = traps
            .into_iter()
            .map(|(path, listed)| {
                let stop = Arc::clone(&stop);
                std::thread::spawn(move || mutate(&path, &listed, &stop))
            })
            .collect();
        let root = tree.root.clone();
        let duration = stress_duration();
        let outcomes = within(duration + SHORT, "verify while mutated", move || {
            verify_while_mutated(&root, mmap, duration)
        });
        stop.store(true, Ordering::Relaxed);
        let mut faults = Faults::default();
        for mutator in mutators {
            let f = mutator.join().unwrap();
            faults.truncations += f.truncations;
            faults.extensions += f.extensions;
            faults.rewrites += f.rewrites;
            faults.replacements += f.replacements;
        }
        assert!(outcomes.verifications > 0 && faults.total() > 0);
        report("another thread", mmap, faults, &outcomes);
    }
}

#[test]
fn files_changed_by_another_process_never_verify() {
    if child_role().as_deref() == Some("mutator") {
        let path = PathBuf::from(std::env::var("CHECKSIG_TRAP").unwrap());
        let len: usize = std::env::var("CHECKSIG_TRAP_LEN").unwrap().parse().unwrap();
        let seed: u64 = std::env::var("CHECKSIG_TRAP_SEED")
            .unwrap()
            .parse()
            .unwrap();
        let listed = listed_contents(len as u64, seed);
        let stop = Arc::new(AtomicBool::new(false));
        let timer = {
            let stop = Arc::clone(&stop);
            let duration = stress_duration();
            std::thread::spawn(move || {
                std::thread::sleep(duration);
                stop.store(true, Ordering::Relaxed);
            })
        };
        let faults = mutate(&path, &listed, &stop);
        timer.join().unwrap();
        println!(
            "FAULTS {} {} {} {}",
            faults.truncations, faults.extensions, faults.rewrites, faults.replacements
        );
        return;
    }
    for mmap in [true, false] {
        let (tree, traps) = trap_tree();
        // One process mutates the largest (mapped) file, this one verifies.
        let index = sizes().len() - 1;
        let (path, _) = &traps[index];
        let duration = stress_duration();
        let child = {
            let path = path.to_str().unwrap().to_string();
            let len = sizes()[index].to_string();
            let seed = (index as u64 + 11).to_string();
            std::thread::spawn(move || {
                run_child(
                    "files_changed_by_another_process_never_verify",
                    "mutator",
                    &[
                        ("CHECKSIG_TRAP", &path),
                        ("CHECKSIG_TRAP_LEN", &len),
                        ("CHECKSIG_TRAP_SEED", &seed),
                    ],
                    None,
                    duration + SHORT,
                )
            })
        };
        // Verify while the child runs (it may take a moment to start).
        let root = tree.root.clone();
        let outcomes = within(duration + SHORT, "verify while mutated", move || {
            verify_while_mutated(&root, mmap, duration)
        });
        let child = child.join().unwrap();
        assert!(child.status.success(), "{child:?}");
        let figures: Vec<u64> = child
            .stdout
            .lines()
            .find_map(|l| l.split_once("FAULTS ").map(|(_, figures)| figures))
            .expect("the mutator's figures")
            .split(' ')
            .map(|n| n.parse().unwrap())
            .collect();
        let faults = Faults {
            truncations: figures[0],
            extensions: figures[1],
            rewrites: figures[2],
            replacements: figures[3],
        };
        assert!(outcomes.verifications > 0 && faults.total() > 0);
        report("another process", mmap, faults, &outcomes);
    }
}

/// Counts bytes hashed through a progress callback, to prove the fork test's
/// parent really read the files before forking.
static PARENT_BYTES: AtomicU64 = AtomicU64::new(0);

/// After the library was used (worker threads ran, the SIGBUS handler was
/// installed, files were mapped), a forked child verifies correctly, with
/// several threads, and finds a mismatch it must find.
#[test]
fn forked_child_verifies_after_parent_used_the_library() {
    extern "C" {
        fn fork() -> i32;
        fn waitpid(pid: i32, status: *mut i32, options: i32) -> i32;
        fn _exit(code: i32) -> !;
        fn kill(pid: i32, signal: i32) -> i32;
    }
    if child_role().as_deref() != Some("fork") {
        // Fork in a fresh single-test process, not in the multi-threaded harness.
        let child = run_child(
            "forked_child_verifies_after_parent_used_the_library",
            "fork",
            &[],
            None,
            Duration::from_secs(60),
        );
        assert!(child.status.success(), "{child:?}");
        assert!(child.stdout.contains("FORK OK"), "{child:?}");
        return;
    }
    let (tree, _) = trap_tree();
    let mut manifest = std::fs::read(tree.root.join("sha1sum.txt")).unwrap();
    manifest.extend(line(b"trap0", b"wrong"));
    tree.manifest(&manifest);
    let expect = |report: &checksig::Report| {
        let oks = report.count(StatusKind::Ok);
        let mismatches = report.count(StatusKind::Mismatch);
        oks == sizes().len() && mismatches == sizes().len() + 1
    };
    let parent = Verifier::new()
        .threads(4)
        .progress(|p| {
            PARENT_BYTES.store(p.bytes_done, Ordering::Relaxed);
            true
        })
        .verify_dir(&tree.root)
        .unwrap();
    assert!(expect(&parent), "parent: {}", parent.summary());
    assert!(PARENT_BYTES.load(Ordering::Relaxed) > 0);

    // SAFETY: this process runs one test on one thread (the library's workers
    // have finished); the child only verifies and leaves with _exit.
    let pid = unsafe { fork() };
    assert!(pid >= 0, "fork: {}", std::io::Error::last_os_error());
    if pid == 0 {
        let ok = std::panic::catch_unwind(|| {
            let report = Verifier::new().threads(4).verify_dir(&tree.root).unwrap();
            expect(&report)
        });
        // SAFETY: _exit ends the child without running the parent's atexit
        // handlers or destructors twice.
        unsafe { _exit(if matches!(ok, Ok(true)) { 0 } else { 1 }) };
    }
    let start = Instant::now();
    let mut status = 0;
    loop {
        // SAFETY: pid is our child; status is a valid out-pointer. 1 = WNOHANG.
        let done = unsafe { waitpid(pid, &mut status, 1) };
        assert!(done >= 0, "waitpid: {}", std::io::Error::last_os_error());
        if done == pid {
            break;
        }
        if start.elapsed() > SHORT {
            // SAFETY: pid is our own child, not yet reaped. 9 = SIGKILL.
            unsafe { kill(pid, 9) };
            panic!("the forked child hangs");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(status, 0, "forked child's wait status");
    // And the parent still works after the fork.
    let again = Verifier::new().threads(4).verify_dir(&tree.root).unwrap();
    assert!(expect(&again));
    println!("FORK OK");
}

/// Names with `..` (and links whose target has one) keep verifying while
/// files are renamed elsewhere on the system: `openat2(RESOLVE_BENEATH)`
/// answers EAGAIN when any rename happens during a `..` step, and asks the
/// caller to retry. Found by the `verify_fixed_tree` fuzz target, where other
/// processes' renames made `sub/up-link -> ../a` "unreadable".
#[test]
fn dotdot_names_verify_during_renames_elsewhere() {
    let tree = Tree::new();
    tree.file(b"a", b"a\n");
    std::fs::create_dir(tree.root.join("sub")).unwrap();
    std::os::unix::fs::symlink("../a", tree.root.join("sub/up-link")).unwrap();
    let mut manifest = Vec::new();
    for _ in 0..200 {
        manifest.extend(line(b"sub/../a", b"a\n"));
        manifest.extend(line(b"sub/up-link", b"a\n"));
    }
    tree.manifest(&manifest);
    let stop = Arc::new(AtomicBool::new(false));
    let renamer = {
        let stop = Arc::clone(&stop);
        let from = tree.outside.join("x");
        let to = tree.outside.join("y");
        std::fs::write(&from, b"x").unwrap();
        std::thread::spawn(move || {
            let mut renames = 0u64;
            while !stop.load(Ordering::Relaxed) {
                std::fs::rename(&from, &to).unwrap();
                std::fs::rename(&to, &from).unwrap();
                renames += 2;
            }
            renames
        })
    };
    let root = tree.root.clone();
    let duration = stress_duration();
    let checked = within(duration + SHORT, "verify during renames", move || {
        let start = Instant::now();
        let mut checked = 0u64;
        while start.elapsed() < duration {
            let report = Verifier::new().threads(2).verify_dir(&root).unwrap();
            if let Some(entry) = report.failures().next() {
                panic!(
                    "{} (line {}): {:?}",
                    String::from_utf8_lossy(entry.name()),
                    entry.line(),
                    entry.status()
                );
            }
            checked += report.entries().len() as u64;
        }
        checked
    });
    stop.store(true, Ordering::Relaxed);
    let renames = renamer.join().unwrap();
    println!(
        "FIGURES renames elsewhere: {checked} `..` names verified OK during {renames} renames"
    );
}
