//! Opening a name beneath a directory handle without ever leaving it.
//!
//! Confinement is the kernel's where it can be: `openat2(2)` with
//! `RESOLVE_BENEATH` refuses, during path resolution itself, an absolute
//! name, a `..` that climbs above the handle and a symbolic link that points
//! out of it, so no check-then-open race exists.
//!
//! Where `openat2` is refused (`ENOSYS` before Linux 5.6, `EPERM` from a
//! seccomp filter in some containers) the same rules are kept by walking the
//! name one component at a time from the handle: each directory is opened
//! with `O_NOFOLLOW` beneath the one before, `..` returns to a handle already
//! held (never above the first), and a symbolic link is read with
//! `readlinkat` and its target walked the same way (an absolute target is
//! refused, as `RESOLVE_BENEATH` refuses it). Nothing is ever resolved by
//! path from outside the handle, so a directory swapped for a symbolic link
//! mid-walk is either seen as the link (and confined) or not at all.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{FileType, Mode, OFlags, ResolveFlags};
use rustix::io::Errno;

/// How many times `openat2` is retried when a rename elsewhere on the system
/// raced a `..` step (`EAGAIN`).
const OPENAT2_RETRIES: u32 = 64;

/// How many symbolic links one name may pass through, as Linux allows.
const MAX_LINKS: usize = 40;

/// Opens `name` beneath `dir` with `flags`; `Errno::XDEV` when the name
/// leaves `dir`. `openat2_refused` remembers, for one root, that `openat2`
/// is refused, so the walk is not preceded by a failing call every time.
pub(super) fn open_beneath(
    dir: BorrowedFd<'_>,
    name: &[u8],
    flags: OFlags,
    openat2_refused: &AtomicBool,
) -> Result<OwnedFd, Errno> {
    if !openat2_refused.load(Ordering::Relaxed) {
        match with_openat2(dir, name, flags) {
            Err(Errno::NOSYS | Errno::PERM) => openat2_refused.store(true, Ordering::Relaxed),
            result => return result,
        }
    }
    walk_beneath(dir, name, flags)
}

fn with_openat2(dir: BorrowedFd<'_>, name: &[u8], flags: OFlags) -> Result<OwnedFd, Errno> {
    let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
    let mut attempts = 0;
    loop {
        match rustix::fs::openat2(dir, name, flags, Mode::empty(), resolve) {
            // A rename or mount anywhere on the system during a `..` step:
            // the kernel cannot vouch for the walk and asks the caller to try
            // again (openat2(2)). Bounded, and failing closed, so that
            // constant renames cannot make us spin.
            Err(Errno::AGAIN) if attempts < OPENAT2_RETRIES => {
                attempts += 1;
                std::thread::yield_now();
            }
            result => return result,
        }
    }
}

/// The component-by-component walk (see the module's documentation).
pub(super) fn walk_beneath(
    root: BorrowedFd<'_>,
    name: &[u8],
    flags: OFlags,
) -> Result<OwnedFd, Errno> {
    if name.first() == Some(&b'/') {
        return Err(Errno::XDEV);
    }
    if name.is_empty() {
        return Err(Errno::NOENT);
    }
    // Components still to walk, the next one last, so that a link's target
    // is pushed in front of what follows it.
    let mut pending: Vec<Vec<u8>> = components(name);
    // Directories walked into, below `root`; `..` pops one.
    let mut dirs: Vec<OwnedFd> = Vec::new();
    let mut links = 0;
    while let Some(component) = pending.pop() {
        let last = pending.is_empty();
        let here = dirs.last().map_or(root, |fd| fd.as_fd());
        match &component[..] {
            b"" | b"." if !last => continue,
            b".." if !last => {
                dirs.pop().ok_or(Errno::XDEV)?;
                continue;
            }
            b"" | b"." => return rustix::fs::openat(here, ".", flags, Mode::empty()),
            b".." => {
                dirs.pop().ok_or(Errno::XDEV)?;
                let here = dirs.last().map_or(root, |fd| fd.as_fd());
                return rustix::fs::openat(here, ".", flags, Mode::empty());
            }
            _ => {}
        }
        let step = if last {
            flags | OFlags::NOFOLLOW
        } else {
            OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC
        };
        let error = match rustix::fs::openat(here, &component[..], step, Mode::empty()) {
            // `O_PATH | O_NOFOLLOW` opens a final link itself: follow it.
            Ok(fd) if last && flags.contains(OFlags::PATH) && is_link(&fd) => Errno::LOOP,
            Ok(fd) if last => return Ok(fd),
            Ok(fd) => {
                dirs.push(fd);
                continue;
            }
            Err(errno) => errno,
        };
        // Only a symbolic link is walked on; anything else is the error.
        if !matches!(error, Errno::LOOP | Errno::NOTDIR) {
            return Err(error);
        }
        let target = match rustix::fs::readlinkat(here, &component[..], Vec::new()) {
            Ok(target) => target.into_bytes(),
            // Not a link (any more): the open's error stands.
            Err(Errno::INVAL) => return Err(error),
            Err(errno) => return Err(errno),
        };
        links += 1;
        if links > MAX_LINKS {
            return Err(Errno::LOOP);
        }
        if target.first() == Some(&b'/') || target.is_empty() {
            return Err(Errno::XDEV);
        }
        pending.extend(components(&target));
    }
    // Every path returns from inside the loop: the last component opens.
    Err(Errno::NOENT)
}

fn is_link(fd: &OwnedFd) -> bool {
    rustix::fs::fstat(fd)
        .is_ok_and(|stat| FileType::from_raw_mode(stat.st_mode) == FileType::Symlink)
}

/// The components of `name`, the first one last.
fn components(name: &[u8]) -> Vec<Vec<u8>> {
    name.split(|&b| b == b'/')
        .rev()
        .map(<[u8]>::to_vec)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// The walk used where `openat2` is refused keeps `RESOLVE_BENEATH`'s
    /// rules: links and `..` inside resolve, anything out is `EXDEV`.
    #[test]
    fn the_walk_follows_links_inside_and_refuses_every_way_out() {
        let top = tempfile::tempdir().unwrap();
        let root = top.path().join("root");
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/f"), "f").unwrap();
        std::fs::write(top.path().join("secret"), "s").unwrap();
        symlink("b/f", root.join("a/link")).unwrap();
        symlink("..", root.join("a/b/up")).unwrap();
        symlink("../../secret", root.join("a/out")).unwrap();
        symlink("/etc/passwd", root.join("abs")).unwrap();
        symlink("loop", root.join("loop")).unwrap();
        let dir = rustix::fs::open(&root, OFlags::PATH | OFlags::DIRECTORY, Mode::empty()).unwrap();
        let open = |name: &str| walk_beneath(dir.as_fd(), name.as_bytes(), OFlags::RDONLY);
        for inside in [
            "a/b/f",
            "a/link",
            "a/b/up/link",
            "./a//b/../b/f",
            "a/b/up/b/f",
        ] {
            let fd = open(inside).unwrap_or_else(|e| panic!("{inside}: {e}"));
            assert_eq!(rustix::fs::fstat(&fd).unwrap().st_size, 1, "{inside}");
        }
        for out in [
            "a/out",
            "abs",
            "..",
            "a/../../secret",
            "/etc/passwd",
            "a/b/../../..",
        ] {
            assert_eq!(open(out).unwrap_err(), Errno::XDEV, "{out}");
        }
        assert_eq!(open("loop").unwrap_err(), Errno::LOOP);
        assert_eq!(open("a/missing").unwrap_err(), Errno::NOENT);
        assert_eq!(open("a/b/f/x").unwrap_err(), Errno::NOTDIR);
        // O_PATH follows a final link too, and stays confined.
        let path = |name: &str| walk_beneath(dir.as_fd(), name.as_bytes(), OFlags::PATH);
        assert!(path("a/link").is_ok());
        assert_eq!(path("a/out").unwrap_err(), Errno::XDEV);
    }
}
