//! How much of a file the page cache holds (`cachestat(2)`), for the
//! planner's choice of direct reads for a cold file ([`super::plan`]).

use std::fs::File;

#[cfg(target_os = "linux")]
use super::io::page_size;

/// The bytes of the first `len` bytes of `file` that the page cache holds;
/// `None` on a file system whose own cache is elsewhere or not reachable
/// through this file (overlayfs, ZFS, FUSE, network file systems: any but
/// those listed), before Linux 6.5, and since Linux 6.14 for a file the
/// caller neither owns nor may write (`cachestat` answers `EPERM`).
#[cfg(target_os = "linux")]
pub(crate) fn cached_bytes(file: &File, len: u64) -> Option<u64> {
    use std::os::fd::AsRawFd;

    /// `struct cachestat_range` and `struct cachestat` of `<linux/mman.h>`.
    #[repr(C)]
    struct Range {
        off: u64,
        len: u64,
    }
    #[repr(C)]
    #[derive(Default)]
    struct Stat {
        /// In pages.
        nr_cache: u64,
        nr_dirty: u64,
        nr_writeback: u64,
        nr_evicted: u64,
        nr_recently_evicted: u64,
    }
    /// `cachestat`'s number everywhere but on alpha and mips, where this
    /// number is another call or none, and the answer `ENOSYS` or `EFAULT`.
    const SYS_CACHESTAT: libc::c_long = 451;

    if !in_page_cache_file_system(file) {
        return None;
    }
    let range = Range { off: 0, len };
    let mut stat = Stat::default();
    // SAFETY: both pointers are to live values of the layouts the kernel
    // expects; the kernel only reads `range` and writes `stat`.
    let done = unsafe {
        libc::syscall(
            SYS_CACHESTAT,
            file.as_raw_fd(),
            &range as *const Range,
            &mut stat as *mut Stat,
            0 as libc::c_uint,
        )
    };
    let page_size = page_size()? as u64;
    (done == 0).then(|| stat.nr_cache.saturating_mul(page_size))
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn cached_bytes(_file: &File, _len: u64) -> Option<u64> {
    None
}

/// Whether `file` is on a local file system whose files' pages are the page
/// cache `cachestat` sees, and that reads `O_DIRECT` from its device.
#[cfg(target_os = "linux")]
pub(crate) fn in_page_cache_file_system(file: &File) -> bool {
    /// `EXT4_SUPER_MAGIC` (ext2 and ext3 too), `XFS_SUPER_MAGIC`,
    /// `BTRFS_SUPER_MAGIC` and `F2FS_SUPER_MAGIC` of `<linux/magic.h>`.
    const PAGE_CACHE_FILE_SYSTEMS: [u32; 4] = [0xEF53, 0x5846_5342, 0x9123_683E, 0xF2F5_2010];
    match rustix::fs::fstatfs(file) {
        // `f_type` is signed on some targets: its low 32 bits are the magic.
        Ok(stat) => PAGE_CACHE_FILE_SYSTEMS.contains(&(stat.f_type as u32)),
        Err(_) => false,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Whether this kernel has `cachestat(2)` (Linux 6.5), from its release:
    /// the tests that need it skip only where the kernel is older.
    pub(crate) fn kernel_has_cachestat() -> bool {
        let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let mut numbers = release.split(|c: char| !c.is_ascii_digit());
        let major: u32 = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        let minor: u32 = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        (major, minor) >= (6, 5)
    }

    /// Whether `cachestat` should answer for `file`: Linux 6.5 or later, on
    /// a file system whose page cache it sees.
    pub(crate) fn cachestat_answers_for(file: &File) -> bool {
        kernel_has_cachestat() && in_page_cache_file_system(file)
    }

    #[test]
    fn the_page_cache_is_asked_where_the_kernel_can_answer() {
        const PAGE: usize = 4096;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, [1; 3 * PAGE]).unwrap();
        let file = File::open(&path).unwrap();
        let cached = cached_bytes(&file, 3 * PAGE as u64);
        assert_eq!(cached.is_some(), cachestat_answers_for(&file), "{cached:?}");
        if let Some(cached) = cached {
            // At least: a page larger than 4 KiB holds more.
            assert!(
                cached >= 3 * PAGE as u64,
                "a file just written is all cached: {cached}"
            );
        }
    }
}
