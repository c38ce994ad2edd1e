//! The one walker of a tree beneath a [`Root`], for `create` and
//! `--unlisted` alike.
//!
//! Each directory is opened beneath the one it was found in, with
//! `O_DIRECTORY | O_NOFOLLOW`, and listed from that handle: a directory
//! swapped for a symbolic link after it was listed fails to open (and is
//! seen as the link it now is) instead of leading out of the root. An
//! entry's type comes from the directory itself (`d_type`) or, where the
//! file system does not say, from `fstatat` with `AT_SYMLINK_NOFOLLOW`:
//! links are reported, never followed.

use std::ffi::CStr;
use std::io;
use std::ops::ControlFlow;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags};
use rustix::io::Errno;

use super::root::Root;

/// What the walk found.
pub(crate) enum Found<'a> {
    /// An entry that is not a directory (a directory is walked instead).
    Entry {
        /// Its name relative to the root, `/`-separated.
        name: &'a [u8],
        /// Its type, links not followed.
        kind: FileType,
        /// Its device and inode numbers.
        id: (u64, u64),
    },
    /// A directory that could not be opened or listed (`.` for the root).
    Unreadable {
        /// Its name relative to the root.
        name: &'a [u8],
        /// Why.
        error: io::Error,
    },
}

/// Tells `visit` every entry beneath `root` (in directory order), until it
/// breaks.
pub(crate) fn walk(root: &Root, visit: &mut dyn FnMut(Found<'_>) -> ControlFlow<()>) {
    let _ = match rustix::fs::openat(root.fd(), ".", LIST_FLAGS, Mode::empty()) {
        Ok(dir) => walk_dir(dir, &mut Vec::new(), visit),
        Err(errno) => visit(Found::Unreadable {
            name: b".",
            error: errno.into(),
        }),
    };
}

/// A directory opened to be listed; never through a link.
const LIST_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC)
    .union(OFlags::NONBLOCK);

/// Walks the directory `dir`, named `prefix` relative to the root.
// The casts matter on targets whose `dev_t` or `ino_t` is 32 bits.
#[allow(clippy::unnecessary_cast)]
fn walk_dir(
    dir: OwnedFd,
    prefix: &mut Vec<u8>,
    visit: &mut dyn FnMut(Found<'_>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let device = match rustix::fs::fstat(&dir) {
        Ok(stat) => stat.st_dev as u64,
        Err(errno) => return unreadable(prefix, visit, errno),
    };
    let mut entries = match Dir::new(dir) {
        Ok(entries) => entries,
        Err(errno) => return unreadable(prefix, visit, errno),
    };
    while let Some(entry) = entries.read() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(errno) => return unreadable(prefix, visit, errno),
        };
        let file_name = entry.file_name();
        if matches!(file_name.to_bytes(), b"." | b"..") {
            continue;
        }
        let here = entries.fd().expect("a Dir holds its descriptor");
        let kind = match entry.file_type() {
            FileType::Unknown => {
                match rustix::fs::statat(here, file_name, AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(stat) => FileType::from_raw_mode(stat.st_mode),
                    // Gone since it was listed.
                    Err(Errno::NOENT) => continue,
                    Err(_) => FileType::Unknown,
                }
            }
            kind => kind,
        };
        let length = prefix.len();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        prefix.extend_from_slice(file_name.to_bytes());
        let flow = if kind == FileType::Directory {
            into_directory(here, file_name, prefix, visit)
        } else {
            visit(Found::Entry {
                name: prefix,
                kind,
                id: (device, entry.ino()),
            })
        };
        prefix.truncate(length);
        flow?;
    }
    ControlFlow::Continue(())
}

/// Tells `visit` that the directory `prefix` could not be listed.
fn unreadable(
    prefix: &[u8],
    visit: &mut dyn FnMut(Found<'_>) -> ControlFlow<()>,
    error: Errno,
) -> ControlFlow<()> {
    let name = if prefix.is_empty() { &b"."[..] } else { prefix };
    visit(Found::Unreadable {
        name,
        error: error.into(),
    })
}

/// Walks the subdirectory `name` of `parent`; if it is no longer a
/// directory (swapped for a link since it was listed), reports what it is.
#[allow(clippy::unnecessary_cast)]
fn into_directory(
    parent: BorrowedFd<'_>,
    name: &CStr,
    prefix: &mut Vec<u8>,
    visit: &mut dyn FnMut(Found<'_>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    match rustix::fs::openat(parent, name, LIST_FLAGS, Mode::empty()) {
        Ok(dir) => walk_dir(dir, prefix, visit),
        Err(Errno::LOOP | Errno::NOTDIR) => {
            match rustix::fs::statat(parent.as_fd(), name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat) => visit(Found::Entry {
                    name: prefix,
                    kind: FileType::from_raw_mode(stat.st_mode),
                    id: (stat.st_dev as u64, stat.st_ino as u64),
                }),
                Err(_) => ControlFlow::Continue(()),
            }
        }
        Err(Errno::NOENT) => ControlFlow::Continue(()),
        Err(errno) => visit(Found::Unreadable {
            name: prefix,
            error: errno.into(),
        }),
    }
}
