//! The root directory handle, and what opening a name beneath it gives:
//! a regular file with its identity, or why not.
//!
//! Confinement is [`super::beneath`]'s. Every file is opened with
//! `O_NONBLOCK`, so that opening a FIFO never waits for a writer; the entry
//! is then refused after `fstat` unless it is a regular file.

use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::Arc;

use rustix::fs::{AtFlags, FileType, Mode, OFlags, Stat};
use rustix::io::Errno;

/// The kind of a file that is not a regular file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A directory.
    Directory,
    /// A named pipe.
    Fifo,
    /// A character device, such as `/dev/zero`.
    CharDevice,
    /// A block device.
    BlockDevice,
    /// A Unix socket.
    Socket,
    /// Anything else.
    Other,
}

impl FileKind {
    fn of(file_type: FileType) -> FileKind {
        match file_type {
            FileType::Directory => FileKind::Directory,
            FileType::Fifo => FileKind::Fifo,
            FileType::CharacterDevice => FileKind::CharDevice,
            FileType::BlockDevice => FileKind::BlockDevice,
            FileType::Socket => FileKind::Socket,
            _ => FileKind::Other,
        }
    }

    /// A short description, such as "directory" or "character device".
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::Directory => "directory",
            FileKind::Fifo => "FIFO",
            FileKind::CharDevice => "character device",
            FileKind::BlockDevice => "block device",
            FileKind::Socket => "socket",
            FileKind::Other => "special file",
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

/// Why an entry could not be opened for hashing.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// No such file.
    Missing,
    /// The name leaves the root directory.
    OutsideRoot,
    /// It exists but is not a regular file.
    NotRegular(FileKind),
    /// Any other failure, with the OS error.
    Io(io::Error),
}

impl From<OpenError> for io::Error {
    /// The OS error behind an open failure, for callers that report only an
    /// `io::Error` (such as reading a manifest).
    fn from(error: OpenError) -> io::Error {
        match error {
            OpenError::Missing => Errno::NOENT.into(),
            OpenError::OutsideRoot => Errno::XDEV.into(),
            OpenError::NotRegular(FileKind::Directory) => Errno::ISDIR.into(),
            OpenError::NotRegular(kind) => io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("not a regular file ({kind})"),
            ),
            OpenError::Io(error) => error,
        }
    }
}

/// A regular file opened for hashing, with the size it had when opened.
pub(crate) struct OpenFile {
    pub file: File,
    pub len: u64,
    /// From the `fstat` that checked the type, so that readers comparing the
    /// file before and after hashing need not ask again.
    pub identity: Identity,
    /// Counts the file among its root's open files until it is dropped.
    _held: Option<super::limit::Held>,
}

impl OpenFile {
    fn held_by(mut self, count: &Arc<AtomicUsize>) -> OpenFile {
        self._held = Some(super::limit::Held::new(count));
        self
    }
}

/// What identifies a file's contents cheaply: any write or truncation
/// changes the modification or status-change time, or the size. Two changes
/// within one clock tick are told apart on Linux 6.13 and later, whose
/// multigrain timestamps make the change after an `fstat` get a finer time;
/// older kernels leave a same-tick window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Identity {
    pub len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

impl Identity {
    pub(crate) fn of(file: &File) -> io::Result<Identity> {
        Ok(Identity::from_stat(&rustix::fs::fstat(file)?))
    }

    // The casts matter on targets whose `time_t` or `long` is 32 bits.
    #[allow(clippy::unnecessary_cast)]
    fn from_stat(stat: &Stat) -> Identity {
        Identity {
            len: stat.st_size as u64,
            modified: (stat.st_mtime as i64, stat.st_mtime_nsec as i64),
            changed: (stat.st_ctime as i64, stat.st_ctime_nsec as i64),
        }
    }
}

/// Opens `path` for hashing, refusing anything but a regular file without blocking.
pub(crate) fn open_regular(path: &Path) -> Result<OpenFile, OpenError> {
    match rustix::fs::open(path, READ_FLAGS, Mode::empty()) {
        Ok(fd) => regular(File::from(fd)),
        Err(Errno::NXIO) => Err(not_openable(
            rustix::fs::open(path, PATH_FLAGS, Mode::empty()).map(File::from),
        )),
        Err(errno) => Err(open_error(errno)),
    }
}

/// Why a name that cannot be opened for reading (`ENXIO`: a socket, or a
/// device without a driver) was refused, told by `fstat` on the same name
/// opened as a path only (`as_path`).
fn not_openable(as_path: rustix::io::Result<File>) -> OpenError {
    let stat = as_path.and_then(|file| rustix::fs::fstat(&file));
    match stat.map(|stat| FileType::from_raw_mode(stat.st_mode)) {
        Ok(FileType::RegularFile) | Err(_) => OpenError::Io(Errno::NXIO.into()),
        Ok(other) => OpenError::NotRegular(FileKind::of(other)),
    }
}

fn regular(file: File) -> Result<OpenFile, OpenError> {
    let stat = rustix::fs::fstat(&file).map_err(|e| OpenError::Io(e.into()))?;
    match FileType::from_raw_mode(stat.st_mode) {
        FileType::RegularFile => Ok(OpenFile {
            file,
            len: stat.st_size as u64,
            identity: Identity::from_stat(&stat),
            _held: None,
        }),
        other => Err(OpenError::NotRegular(FileKind::of(other))),
    }
}

/// Read-only, never the controlling terminal, and non-blocking so that
/// opening a FIFO does not wait for a writer.
const READ_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::CLOEXEC)
    .union(OFlags::NOCTTY)
    .union(OFlags::NONBLOCK);

/// Opens a name only to `fstat` it; works on sockets, which cannot be opened.
const PATH_FLAGS: OFlags = OFlags::PATH.union(OFlags::CLOEXEC);

/// A directory handle that every name beneath it is opened through: entries
/// to hash, the manifest, directories to walk ([`super::walk`]) and the
/// output of `create` ([`super::output`]).
#[derive(Debug)]
pub(crate) struct Root {
    dir: File,
    confined: bool,
    /// Set once `openat2` is refused, for this root's later names.
    openat2_refused: AtomicBool,
    /// Files opened by [`Root::open_file`] and not yet closed.
    held: Arc<AtomicUsize>,
}

impl Root {
    /// Opens `path` as the root. With `confined`, names may not leave it.
    pub fn open(path: &Path, confined: bool) -> io::Result<Root> {
        let fd = rustix::fs::open(
            path,
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(Root {
            dir: File::from(fd),
            confined,
            openat2_refused: AtomicBool::new(false),
            held: Arc::default(),
        })
    }

    /// The handle itself, for the walker and the writer.
    pub(super) fn fd(&self) -> BorrowedFd<'_> {
        self.dir.as_fd()
    }

    /// Opens the regular file `name` (raw bytes, relative to the root) for a
    /// caller that holds no other file of this root: when the process is out
    /// of descriptors it waits for one ([`super::limit`]) rather than fail.
    pub fn open_file(&self, name: &[u8]) -> Result<OpenFile, OpenError> {
        super::limit::waiting(&self.held, || self.try_open_file(name))
    }

    /// [`Root::open_file`] once, failing at once when out of descriptors
    /// (for a caller that holds a file, and must close it before waiting).
    pub fn try_open_file(&self, name: &[u8]) -> Result<OpenFile, OpenError> {
        let opened = match self.open_any(name, READ_FLAGS) {
            Ok(file) => regular(file),
            // A socket (or a device without a driver) cannot be opened to be
            // read; opened as a path only, it still tells what it is.
            Err(OpenError::Io(e)) if e.raw_os_error() == Some(Errno::NXIO.raw_os_error()) => {
                let as_path = self.open_any(name, PATH_FLAGS).map_err(|_| Errno::NXIO);
                Err(not_openable(as_path))
            }
            Err(e) => Err(e),
        };
        opened.map(|open| open.held_by(&self.held))
    }

    /// The size of `name` if it is a regular file beneath the root; only an
    /// estimate, for progress and scheduling. A name of one component is
    /// `stat`ed without following a link; any other is opened as a path
    /// only, confined as every open is, so nothing outside is counted.
    pub fn file_len_hint(&self, name: &[u8]) -> Option<u64> {
        let stat = if is_one_component(OsStr::from_bytes(name)) {
            let stat = rustix::fs::statat(
                &self.dir,
                OsStr::from_bytes(name),
                AtFlags::SYMLINK_NOFOLLOW,
            )
            .ok()?;
            if FileType::from_raw_mode(stat.st_mode) == FileType::Symlink {
                rustix::fs::fstat(self.open_any(name, PATH_FLAGS).ok()?).ok()?
            } else {
                stat
            }
        } else {
            rustix::fs::fstat(self.open_any(name, PATH_FLAGS).ok()?).ok()?
        };
        (FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile)
            .then_some(stat.st_size as u64)
    }

    /// Whether the root directory holds an entry of one component `name`,
    /// of any type, a link not followed (for finding a manifest by its
    /// conventional name: what it is, and whether it leads out, is for the
    /// open that reads it to say).
    pub fn has_entry(&self, name: &[u8]) -> bool {
        is_one_component(OsStr::from_bytes(name))
            && rustix::fs::statat(
                &self.dir,
                OsStr::from_bytes(name),
                AtFlags::SYMLINK_NOFOLLOW,
            )
            .is_ok()
    }

    fn open_any(&self, name: &[u8], flags: OFlags) -> Result<File, OpenError> {
        let os_name = OsStr::from_bytes(name);
        if !self.confined {
            return rustix::fs::openat(&self.dir, os_name, flags, Mode::empty())
                .map(File::from)
                .map_err(open_error);
        }
        // A name of one component that is not a symbolic link (most names,
        // in a flat download directory) cannot leave the root: plain
        // `openat` with `O_NOFOLLOW` is confined as well, and cheaper than
        // `openat2` by 0.3-0.5 µs a file (BENCHMARKS.md). A link fails with
        // `ELOOP` and takes the general path. Not for `O_PATH`, which would
        // open a link itself.
        if is_one_component(os_name) && !flags.contains(OFlags::PATH) {
            match rustix::fs::openat(&self.dir, os_name, flags | OFlags::NOFOLLOW, Mode::empty()) {
                Ok(fd) => return Ok(File::from(fd)),
                Err(Errno::LOOP) => {}
                Err(errno) => return Err(open_error(errno)),
            }
        }
        match super::beneath::open_beneath(self.fd(), name, flags, &self.openat2_refused) {
            Ok(fd) => Ok(File::from(fd)),
            Err(Errno::XDEV) => Err(OpenError::OutsideRoot),
            Err(errno) => Err(open_error(errno)),
        }
    }

    /// Makes every later open take the walk that `openat2`'s refusal takes.
    #[cfg(test)]
    pub(crate) fn refuse_openat2(&self) {
        self.openat2_refused
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Whether `name` names an entry of the directory itself: not empty, no `/`,
/// neither `.` nor `..`.
fn is_one_component(name: &OsStr) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty() && !bytes.contains(&b'/') && bytes != b"." && bytes != b".."
}

fn open_error(errno: Errno) -> OpenError {
    if errno == Errno::NOENT {
        OpenError::Missing
    } else {
        OpenError::Io(errno.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_component_names() {
        for name in ["a", "httpd-08.log", "...", ".hidden", "a b", "\\"] {
            assert!(is_one_component(OsStr::new(name)), "{name}");
        }
        for name in ["", ".", "..", "a/b", "/a", "a/", "./a", "../a"] {
            assert!(!is_one_component(OsStr::new(name)), "{name}");
        }
    }

    /// With `openat2` refused, a root opens through the walk: the same
    /// verdicts, and links out are still refused.
    #[test]
    fn a_root_without_openat2_keeps_its_verdicts() {
        let top = tempfile::tempdir().unwrap();
        let root_path = top.path().join("root");
        std::fs::create_dir_all(root_path.join("sub")).unwrap();
        std::fs::write(root_path.join("sub/f"), "f").unwrap();
        std::fs::write(top.path().join("secret"), "secret").unwrap();
        std::os::unix::fs::symlink("sub/f", root_path.join("in")).unwrap();
        std::os::unix::fs::symlink("../secret", root_path.join("out")).unwrap();
        let root = Root::open(&root_path, true).unwrap();
        root.refuse_openat2();
        assert_eq!(root.open_file(b"in").unwrap().len, 1);
        assert_eq!(root.open_file(b"sub/../sub/f").unwrap().len, 1);
        assert!(matches!(
            root.open_file(b"out"),
            Err(OpenError::OutsideRoot)
        ));
        assert!(matches!(
            root.open_file(b"../secret"),
            Err(OpenError::OutsideRoot)
        ));
        assert!(matches!(
            root.open_file(b"sub/none"),
            Err(OpenError::Missing)
        ));
        assert!(matches!(
            root.open_file(b"sub"),
            Err(OpenError::NotRegular(FileKind::Directory))
        ));
        assert_eq!(root.file_len_hint(b"in"), Some(1));
        assert_eq!(root.file_len_hint(b"out"), None);
        assert_eq!(root.file_len_hint(b"../secret"), None);
    }
}
