//! Writing an output file (the manifest `create` makes) without ever
//! writing through a link planted in its directory.
//!
//! The new contents go to a temporary file created beneath the directory's
//! handle with `O_CREAT | O_EXCL | O_NOFOLLOW` (a name planted in advance,
//! as a link or anything else, makes the create fail and another name is
//! tried), then `renameat` puts it in place: an interrupted run never leaves
//! a truncated file, and a link at the final name is replaced, not followed.
//! Only an output the user named that is not a regular file (a FIFO, a
//! device, or a name under `/dev` or `/proc` such as `/dev/stdout`) is
//! written through, as a shell redirection would.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;

use super::root::Root;

/// How many temporary names are tried before giving up.
const TEMPORARY_ATTEMPTS: u32 = 64;

/// Writes `bytes` to `path` through a temporary file renamed over it
/// (see the module's documentation).
pub(crate) fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Root::open(parent, true)?.replace(name, bytes)
}

/// Whether a user-named output `path` is written through rather than
/// replaced: it exists and is not a regular file, or it is one of the
/// system's names for an open file (under `/dev` or `/proc`).
pub(crate) fn writes_through(path: &Path) -> bool {
    let special = path.starts_with("/dev") || path.starts_with("/proc");
    match std::fs::metadata(path) {
        Ok(meta) => special || !meta.is_file(),
        Err(_) => false,
    }
}

/// Writes `bytes` into the existing `path` (a FIFO, a device, standard
/// output), appending, without creating or truncating anything.
pub(crate) fn write_through(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = File::options()
        .append(true)
        .custom_flags(libc::O_NOCTTY)
        .open(path)?;
    file.write_all(bytes)?;
    file.flush()
}

impl Root {
    /// Writes `bytes` as the entry `name` of the root (one component)
    /// through a new temporary file renamed over it.
    pub(crate) fn replace(&self, name: &OsStr, bytes: &[u8]) -> io::Result<()> {
        let (temporary, file) = self.create_temporary(name)?;
        let written = write_all(file, bytes).and_then(|()| {
            rustix::fs::renameat(self.fd(), &temporary, self.fd(), name).map_err(io::Error::from)
        });
        if written.is_err() {
            let _ = rustix::fs::unlinkat(self.fd(), &temporary, rustix::fs::AtFlags::empty());
        }
        written
    }

    /// A new file beneath the root, named after `name`, never one that
    /// existed (nor a link).
    fn create_temporary(&self, name: &OsStr) -> io::Result<(Vec<u8>, File)> {
        let flags = OFlags::WRONLY
            | OFlags::CREATE
            | OFlags::EXCL
            | OFlags::NOFOLLOW
            | OFlags::CLOEXEC
            | OFlags::NOCTTY;
        for attempt in 0..TEMPORARY_ATTEMPTS {
            // The name may be guessed: `O_EXCL | O_NOFOLLOW` is the guard.
            let mut temporary = b".".to_vec();
            temporary.extend_from_slice(name.as_bytes());
            let suffix = match attempt {
                0 => format!(".{}.tmp", std::process::id()),
                _ => format!(".{}.{attempt}.tmp", std::process::id()),
            };
            temporary.extend_from_slice(suffix.as_bytes());
            match rustix::fs::openat(self.fd(), &temporary[..], flags, Mode::from(0o666)) {
                Ok(fd) => return Ok((temporary, File::from(fd))),
                Err(Errno::EXIST) => continue,
                Err(errno) => return Err(errno.into()),
            }
        }
        Err(Errno::EXIST.into())
    }
}

fn write_all(mut file: File, bytes: &[u8]) -> io::Result<()> {
    file.write_all(bytes)?;
    file.flush()
}
