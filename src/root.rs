//! Opening manifest entries below a root directory, confined to it.
//!
//! Confinement is the kernel's: `openat2(2)` with `RESOLVE_BENEATH` refuses,
//! during path resolution itself, an absolute name, a `..` that climbs above
//! the root and a symbolic link that points out of it, so no check-then-open
//! race exists. Kernels older than 5.6 (or sandboxes that filter `openat2`)
//! fall back to resolving the path with `realpath` and checking the prefix,
//! which is correct unless the tree is changed while it is verified.
//!
//! A name of one component that is not a symbolic link (most names, in a
//! flat download directory) cannot leave the root, so it is opened with
//! plain `openat` and `O_NOFOLLOW`: confined as well, and cheaper. A symbolic
//! link fails there with `ELOOP` and is resolved by the general path.
//!
//! Every file is opened with `O_NONBLOCK`, so that opening a FIFO never waits
//! for a writer; the entry is then refused after `fstat` unless it is a
//! regular file.

use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{AtFlags, FileType, Mode, OFlags, ResolveFlags, Stat};
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

/// A directory that manifest names are resolved against.
#[derive(Debug)]
pub(crate) struct Root {
    dir: File,
    path: PathBuf,
    confined: bool,
}

/// Set once `openat2` turns out to be unavailable, so the fallback is not
/// preceded by a failing system call for every file.
static OPENAT2_MISSING: AtomicBool = AtomicBool::new(false);

/// How many times `openat2` is retried when a rename elsewhere on the system
/// raced a `..` step (`EAGAIN`).
const OPENAT2_RETRIES: u32 = 64;

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
            path: path.to_path_buf(),
            confined,
        })
    }

    /// Opens the regular file `name` (raw bytes, relative to the root).
    pub fn open_file(&self, name: &[u8]) -> Result<OpenFile, OpenError> {
        let name = OsStr::from_bytes(name);
        match self.open_any(name, READ_FLAGS) {
            Ok(file) => regular(file),
            // A socket (or a device without a driver) cannot be opened to be
            // read; opened as a path only, it still tells what it is.
            Err(OpenError::Io(e)) if e.raw_os_error() == Some(Errno::NXIO.raw_os_error()) => {
                let as_path = self.open_any(name, PATH_FLAGS).map_err(|_| Errno::NXIO);
                Err(not_openable(as_path))
            }
            Err(e) => Err(e),
        }
    }

    /// The size of `name` if a `stat` finds a regular file; only an estimate
    /// for progress, since nothing is opened or confined here.
    pub fn file_len_hint(&self, name: &[u8]) -> Option<u64> {
        let stat = rustix::fs::statat(&self.dir, OsStr::from_bytes(name), AtFlags::empty()).ok()?;
        (FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile)
            .then_some(stat.st_size as u64)
    }

    fn open_any(&self, name: &OsStr, flags: OFlags) -> Result<File, OpenError> {
        if !self.confined {
            return rustix::fs::openat(&self.dir, name, flags, Mode::empty())
                .map(File::from)
                .map_err(open_error);
        }
        // See the module's documentation; `openat2` costs 0.3-0.5 µs more per
        // file here, a tenth of a tiny file's system time (BENCHMARKS.md).
        // Not for `O_PATH`, which would open a symbolic link itself.
        if is_one_component(name) && !flags.contains(OFlags::PATH) {
            match rustix::fs::openat(&self.dir, name, flags | OFlags::NOFOLLOW, Mode::empty()) {
                Ok(fd) => return Ok(File::from(fd)),
                Err(Errno::LOOP) => {}
                Err(errno) => return Err(open_error(errno)),
            }
        }
        if !OPENAT2_MISSING.load(Ordering::Relaxed) {
            let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
            let mut attempts = 0;
            loop {
                match rustix::fs::openat2(&self.dir, name, flags, Mode::empty(), resolve) {
                    Ok(fd) => return Ok(File::from(fd)),
                    Err(Errno::XDEV) => return Err(OpenError::OutsideRoot),
                    // A rename or mount anywhere on the system during a `..`
                    // step: the kernel cannot vouch for the walk and asks the
                    // caller to try again (openat2(2)). Bounded, and failing
                    // closed, so that constant renames cannot make us spin.
                    Err(Errno::AGAIN) if attempts < OPENAT2_RETRIES => {
                        attempts += 1;
                        std::thread::yield_now();
                    }
                    Err(Errno::NOSYS | Errno::PERM) => {
                        OPENAT2_MISSING.store(true, Ordering::Relaxed);
                        break;
                    }
                    Err(errno) => return Err(open_error(errno)),
                }
            }
        }
        self.open_beneath_by_path(Path::new(name), flags)
    }

    /// The fallback when `openat2` is missing: resolve, check, then open.
    fn open_beneath_by_path(&self, name: &Path, flags: OFlags) -> Result<File, OpenError> {
        if leaves_lexically(name) {
            return Err(OpenError::OutsideRoot);
        }
        let root = self.path.canonicalize().map_err(OpenError::Io)?;
        let resolved = match root.join(name).canonicalize() {
            Ok(resolved) => resolved,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(OpenError::Missing),
            Err(e) => return Err(OpenError::Io(e)),
        };
        if !resolved.starts_with(&root) {
            return Err(OpenError::OutsideRoot);
        }
        rustix::fs::open(&resolved, flags, Mode::empty())
            .map(File::from)
            .map_err(open_error)
    }
}

/// Whether `name` names an entry of the directory itself: not empty, no `/`,
/// neither `.` nor `..`.
fn is_one_component(name: &OsStr) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty() && !bytes.contains(&b'/') && bytes != b"." && bytes != b".."
}

/// Whether `name` is absolute or climbs above its start with `..`.
fn leaves_lexically(name: &Path) -> bool {
    let mut depth = 0usize;
    for component in name.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth == 0 => return true,
            Component::ParentDir => depth -= 1,
            Component::RootDir | Component::Prefix(_) => return true,
        }
    }
    false
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

    #[test]
    fn lexical_escape_check() {
        assert!(leaves_lexically(Path::new("/etc/passwd")));
        assert!(leaves_lexically(Path::new("../x")));
        assert!(leaves_lexically(Path::new("a/../../x")));
        assert!(!leaves_lexically(Path::new("a/../x")));
        assert!(!leaves_lexically(Path::new("./a/b")));
    }
}
