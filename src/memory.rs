//! Large buffers that ask for transparent huge pages.
//!
//! A run over 100,000 files keeps some 35 MB of manifest bytes, parsed
//! entries and reports, all written once and fresh from the system: at 4 KiB
//! a page that is about 9,000 page faults, each one zeroing a page and
//! entering the kernel (some 25 ms on the project's machine, much of it on the
//! calling thread before the first file is opened). Where the system allows
//! huge pages on request (`transparent_hugepage=madvise`, a common default),
//! the same memory comes in about twenty 2 MiB faults. Only advice: where it
//! is refused, nothing changes.

/// Below this, a buffer cannot hold a whole aligned huge page worth asking for.
const MIN_LEN: usize = 4 * 1024 * 1024;

/// The size of a transparent huge page on x86-64 and most arm64 kernels.
const HUGE_PAGE: usize = 2 * 1024 * 1024;

/// A vector with room for `capacity` items whose untouched memory asks for
/// huge pages when it is large.
pub(crate) fn vec_with_capacity<T>(capacity: usize) -> Vec<T> {
    let mut vec: Vec<T> = Vec::with_capacity(capacity);
    advise_huge_pages(
        vec.as_mut_ptr().cast::<u8>(),
        vec.capacity() * size_of::<T>(),
    );
    vec
}

/// Advises the kernel to back the whole huge pages inside `[start, start + len)`
/// with huge pages. Must be called before the memory is first written.
fn advise_huge_pages(start: *mut u8, len: usize) {
    if len < MIN_LEN {
        return;
    }
    let first = (start as usize).next_multiple_of(HUGE_PAGE);
    let end = (start as usize + len) / HUGE_PAGE * HUGE_PAGE;
    if end <= first {
        return;
    }
    // SAFETY: the range lies inside one allocation this thread owns and has
    // not written yet; MADV_HUGEPAGE changes how the kernel backs it, never
    // its contents, and a failure (EINVAL where THP is unavailable) is only
    // ignored advice.
    unsafe {
        libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_vectors_are_usable_and_small_ones_untouched() {
        for capacity in [0, 1, 1000, MIN_LEN / 8 - 1, 3 * MIN_LEN] {
            let mut vec: Vec<u64> = vec_with_capacity(capacity);
            assert!(vec.capacity() >= capacity);
            vec.extend((0..capacity as u64).map(|i| i * 3));
            assert!(vec.iter().enumerate().all(|(i, &v)| v == i as u64 * 3));
        }
    }
}
