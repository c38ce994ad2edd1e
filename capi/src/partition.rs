//! One manifest verified in parts, on several machines: `checksig_plan_new`
//! (read, stat and cut once), `checksig_verify_lines` (one partition,
//! wherever the root is mounted; its results as bytes), and
//! `checksig_plan_merge` (the parts into the report of a whole
//! verification). A thin layer over `checksig::Verifier::plan`,
//! `Verifier::verify_lines` and `Plan::merge`.

use std::ffi::{c_char, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use checksig::partition::LineSet;
use checksig::{Algorithm, Error, Part, Plan};

use crate::boundary::{ffi_guard, handle};
use crate::c_string::owned_c_string;
use crate::error::{checksig_error, Failure, CHECKSIG_ERROR_INVALID_ARGUMENT};
use crate::options::checksig_options;
use crate::report::checksig_report;
use crate::verify::failure_of;

/// A manifest read, parsed and stat'ed once, its entries cut into
/// partitions balanced by cost: made by `checksig_plan_new`, freed with
/// `checksig_plan_free`. Immutable: any number of threads may read it.
pub struct checksig_plan {
    plan: Plan,
    /// Each partition's lines as `[first, end)` pairs, flattened.
    ranges: Vec<Vec<u64>>,
    root: PathBuf,
    manifest: PathBuf,
    /// `manifest`, NUL-terminated, for `checksig_plan_manifest`.
    manifest_c: CString,
    algorithm: Option<Algorithm>,
}

fn failure(error: &Error) -> Failure {
    match error {
        Error::Parts(_) => Failure::new(CHECKSIG_ERROR_INVALID_ARGUMENT, error.to_string()),
        _ => failure_of(error),
    }
}

/// Plans the verification of `root` with `options` (NULL: the defaults) in
/// at most `partitions` parts: reads the manifest, stats every listed
/// file, and cuts the entries into partitions of about equal cost (bytes
/// at the hashing rate plus a cost per file), the one holding the largest
/// file first. Ask for a few partitions per machine, so that stragglers
/// even out. Malformed lines, and with `report_unlisted` the unlisted
/// files, stay with the plan: `checksig_plan_merge` settles them.
///
/// Returns NULL when the manifest cannot be read, with the reason in
/// `error` (as `checksig_verify`). Free with `checksig_plan_free`.
///
/// ```c
/// checksig_plan *plan = checksig_plan_new("/data", options, 4 * machines, error);
/// for (size_t i = 0; i < checksig_plan_len(plan); i++) {
///     size_t count;
///     const uint64_t *ranges = checksig_plan_partition_ranges(plan, i, &count);
///     /* send ranges[0 .. 2 * count) to a machine: checksig_verify_lines */
/// }
/// ```
///
/// # Safety
/// `root` is NULL or NUL-terminated; `options` is NULL or a live options
/// object; `error` is NULL or a live error object not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_new(
    root: *const c_char,
    options: *const checksig_options,
    partitions: usize,
    error: *mut checksig_error,
) -> *mut checksig_plan {
    ffi_guard!(records error, "checksig_plan_new"; root: path_arg => {
        let defaults = checksig_options::default();
        // SAFETY: the caller promises a live options object or NULL.
        let options = unsafe { handle(options) }.unwrap_or(&defaults);
        let manifest = options.manifest_in(root);
        let plan = options
            .verifier()
            .manifest(&manifest)
            .plan(root, partitions)
            .map_err(|e| failure(&e))?;
        let ranges = plan
            .partitions()
            .iter()
            .map(|p| p.lines.ranges().iter().flat_map(|r| [r.start, r.end]).collect())
            .collect();
        Ok(Box::new(checksig_plan {
            plan,
            ranges,
            root: root.to_path_buf(),
            manifest_c: owned_c_string(manifest.as_os_str().as_bytes()),
            manifest,
            algorithm: options.algorithm(),
        }))
    })
    .map_or(std::ptr::null_mut(), Box::into_raw)
}

/// Frees a plan. NULL is a no-op.
///
/// # Safety
/// `plan` is NULL or from `checksig_plan_new`, not in use by another
/// thread, and not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_free(plan: *mut checksig_plan) {
    // SAFETY: the caller promises a handle from checksig_plan_new or NULL.
    ffi_guard!(or (); => unsafe { crate::boundary::free_handle(plan) })
}

/// Reads a plan through `read`; `fallback` for NULL.
///
/// # Safety
/// `plan` is NULL or a live plan.
unsafe fn read<T: Copy>(
    plan: *const checksig_plan,
    fallback: T,
    read: impl FnOnce(&checksig_plan) -> T,
) -> T {
    ffi_guard!(or fallback; plan: handle => read(plan))
}

/// The number of partitions (0 for NULL, or a manifest without entries).
///
/// # Safety
/// `plan` is NULL or a live plan.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_len(plan: *const checksig_plan) -> usize {
    // SAFETY: passed on from our caller.
    unsafe { read(plan, 0, |p| p.plan.partitions().len()) }
}

/// Partition `index`'s manifest lines, as `*count` pairs `[first, end)`
/// (1-based line numbers, `end` excluded) in increasing order: the array
/// holds `2 * *count` numbers, borrowed from the plan. NULL (and `*count`
/// 0) for NULL or an index out of range.
///
/// # Safety
/// `plan` is NULL or a live plan; `count` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_partition_ranges(
    plan: *const checksig_plan,
    index: usize,
    count: *mut usize,
) -> *const u64 {
    // SAFETY: passed on from our caller.
    let ranges = unsafe {
        read(plan, None, |p| {
            p.ranges.get(index).map(|r| (r.as_ptr(), r.len() / 2))
        })
    };
    let (pointer, pairs) = ranges.unwrap_or((std::ptr::null(), 0));
    if !count.is_null() {
        // SAFETY: the caller promises a writable `count` or NULL.
        unsafe { count.write(pairs) };
    }
    pointer
}

/// Partition `index`'s files (entries); 0 for NULL or out of range.
///
/// # Safety
/// `plan` is NULL or a live plan.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_partition_files(
    plan: *const checksig_plan,
    index: usize,
) -> u64 {
    // SAFETY: passed on from our caller.
    unsafe {
        read(plan, 0, |p| {
            p.plan.partitions().get(index).map_or(0, |q| q.lines.len())
        })
    }
}

/// Partition `index`'s bytes, as stat'ed when planned; 0 for NULL or out of range.
///
/// # Safety
/// `plan` is NULL or a live plan.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_partition_bytes(
    plan: *const checksig_plan,
    index: usize,
) -> u64 {
    // SAFETY: passed on from our caller.
    unsafe {
        read(plan, 0, |p| {
            p.plan.partitions().get(index).map_or(0, |q| q.bytes)
        })
    }
}

/// Partition `index`'s estimated seconds on one thread; 0 for NULL or out of range.
///
/// # Safety
/// `plan` is NULL or a live plan.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_partition_cost(
    plan: *const checksig_plan,
    index: usize,
) -> f64 {
    // SAFETY: passed on from our caller.
    unsafe {
        read(plan, 0.0, |p| {
            p.plan.partitions().get(index).map_or(0.0, |q| q.cost)
        })
    }
}

/// Bytes of every listed file that could be stat'ed; 0 for NULL.
///
/// # Safety
/// `plan` is NULL or a live plan.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_bytes(plan: *const checksig_plan) -> u64 {
    // SAFETY: passed on from our caller.
    unsafe { read(plan, 0, |p| p.plan.bytes()) }
}

/// Manifest lines that matter (entries and malformed lines: the
/// `files_total` of a whole verification's progress); 0 for NULL.
///
/// # Safety
/// `plan` is NULL or a live plan.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_lines(plan: *const checksig_plan) -> u64 {
    // SAFETY: passed on from our caller.
    unsafe { read(plan, 0, |p| p.plan.lines()) }
}

/// The largest listed file's size: no plan finishes before it is hashed,
/// however many machines share the work; 0 for NULL.
///
/// # Safety
/// `plan` is NULL or a live plan.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_largest_file(plan: *const checksig_plan) -> u64 {
    // SAFETY: passed on from our caller.
    unsafe { read(plan, 0, |p| p.plan.largest_file()) }
}

/// Estimated seconds to hash the largest file on one thread: the plan's
/// lower bound, since a file cannot be split without changing its digest;
/// 0 for NULL.
///
/// # Safety
/// `plan` is NULL or a live plan.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_lower_bound(plan: *const checksig_plan) -> f64 {
    // SAFETY: passed on from our caller.
    unsafe { read(plan, 0.0, |p| p.plan.lower_bound()) }
}

/// The manifest the plan read, as named (relative to the root unless
/// absolute): the options' manifest, or the one the library found, such as
/// `sha1sum.txt`. Borrowed from the plan; NULL for NULL.
///
/// # Safety
/// `plan` is NULL or a live plan.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_manifest(plan: *const checksig_plan) -> *const c_char {
    // SAFETY: passed on from our caller.
    unsafe { read(plan, std::ptr::null(), |p| p.manifest_c.as_ptr()) }
}

/// Estimated seconds to verify everything on one thread; 0 for NULL.
///
/// # Safety
/// `plan` is NULL or a live plan.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_cost(plan: *const checksig_plan) -> f64 {
    // SAFETY: passed on from our caller.
    unsafe { read(plan, 0.0, |p| p.plan.cost()) }
}

/// Verifies only the manifest lines in `ranges` (`count` pairs `[first,
/// end)`, as `checksig_plan_partition_ranges` gives them, in any order) of
/// the manifest of `root`, with `options` (NULL: the defaults) and the
/// confinement of a whole verification, on the options' threads; the
/// progress callback counts these lines only. Typically called on another
/// machine that mounts the same file system, with the same options as the
/// plan.
///
/// Returns the results as `*len` bytes for `checksig_plan_merge`,
/// malloc'ed: free them with `checksig_free((char *)bytes)` or `free`.
/// Returns NULL when the verification could not run (the root or manifest
/// unreadable, cancelled, `ranges` NULL with `count` > 0...), the reason
/// in `error`.
///
/// # Safety
/// `root` is NULL or NUL-terminated; `options` is NULL or a live options
/// object; `ranges` is NULL or holds `2 * count` numbers; `len` is NULL or
/// writable; `error` is NULL or a live error object not used by another
/// thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_verify_lines(
    root: *const c_char,
    options: *const checksig_options,
    ranges: *const u64,
    count: usize,
    len: *mut usize,
    error: *mut checksig_error,
) -> *mut u8 {
    const FUNCTION: &str = "checksig_verify_lines";
    ffi_guard!(records error, FUNCTION; root: path_arg, len: handle_mut => {
        let pairs: &[u64] = if count == 0 {
            &[]
        } else if ranges.is_null() {
            return Err(Failure::new(CHECKSIG_ERROR_INVALID_ARGUMENT, format!("{FUNCTION}: ranges is NULL")));
        } else {
            let numbers = count.checked_mul(2).ok_or_else(|| {
                Failure::new(CHECKSIG_ERROR_INVALID_ARGUMENT, format!("{FUNCTION}: count too large"))
            })?;
            // SAFETY: the caller promises `2 * count` readable numbers.
            unsafe { std::slice::from_raw_parts(ranges, numbers) }
        };
        let lines = LineSet::from_ranges(pairs.chunks_exact(2).map(|pair| pair[0]..pair[1]));
        let defaults = checksig_options::default();
        // SAFETY: the caller promises a live options object or NULL.
        let options = unsafe { handle(options) }.unwrap_or(&defaults);
        let part = options
            .verifier()
            .manifest(options.manifest_in(root))
            .verify_lines(root, &lines)
            .map_err(|e| failure(&e))?;
        let bytes = part.to_bytes();
        // SAFETY: malloc may be called with any size; the result is checked.
        let out = unsafe { libc::malloc(bytes.len().max(1)) }.cast::<u8>();
        if out.is_null() {
            return Err(Failure::new(crate::error::CHECKSIG_ERROR_OTHER, format!("{FUNCTION}: out of memory")));
        }
        // SAFETY: `out` has room for `bytes.len()` bytes and cannot overlap.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), out, bytes.len()) };
        *len = bytes.len();
        Ok(out)
    })
    .unwrap_or(std::ptr::null_mut())
}

/// A report of one part's entries alone (`len` bytes from
/// `checksig_verify_lines`), under the plan's options, with the paths and
/// messages the merged report will have: to read results as parts come
/// in. Its summary and verdict speak of these entries only. Free it with
/// `checksig_report_free`. NULL for bytes that are not a part's results
/// (`CHECKSIG_ERROR_INVALID_ARGUMENT` in `error`).
///
/// # Safety
/// `plan` is NULL or a live plan; `part` is NULL or `len` readable bytes;
/// `error` is NULL or a live error object not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_part_report(
    plan: *const checksig_plan,
    part: *const u8,
    len: usize,
    error: *mut checksig_error,
) -> *mut checksig_report {
    ffi_guard!(records error, "checksig_plan_part_report"; plan: handle, part: handle => {
        // SAFETY: the caller promises `len` readable bytes at `part`.
        let bytes = unsafe { std::slice::from_raw_parts(part, len) };
        let part = Part::from_bytes(bytes).map_err(|e| failure(&e))?;
        let report = plan.plan.report_of(part);
        let report = checksig_report::new(&plan.root, &plan.manifest, plan.algorithm, report)
            .map_err(|e| failure_of(&e))?;
        Ok(Box::new(report))
    })
    .map_or(std::ptr::null_mut(), Box::into_raw)
}

/// The report of the whole verification `plan` planned, from the results
/// of its partitions (`count` byte strings from `checksig_verify_lines`,
/// `parts[i]` of `lengths[i]` bytes, in any order): the same report, entry
/// for entry, as `checksig_verify` gives, with each malformed line in its
/// place and, with `report_unlisted`, the unlisted files (walked now, on
/// the calling machine). Free it with `checksig_report_free`; the plan
/// stays usable.
///
/// Returns NULL with `CHECKSIG_ERROR_INVALID_ARGUMENT` in `error` when the
/// parts do not fit the plan: a line without a result or with two, bytes
/// that are not results, or results naming another file (the manifest
/// changed since it was planned).
///
/// # Safety
/// `plan` is NULL or a live plan; `parts` and `lengths` are NULL or hold
/// `count` elements, each part NULL or `lengths[i]` readable bytes;
/// `error` is NULL or a live error object not used by another thread.
#[no_mangle]
pub unsafe extern "C" fn checksig_plan_merge(
    plan: *const checksig_plan,
    parts: *const *const u8,
    lengths: *const usize,
    count: usize,
    error: *mut checksig_error,
) -> *mut checksig_report {
    const FUNCTION: &str = "checksig_plan_merge";
    ffi_guard!(records error, FUNCTION; plan: handle => {
        let invalid = |what: &str| Failure::new(CHECKSIG_ERROR_INVALID_ARGUMENT, format!("{FUNCTION}: {what}"));
        let (parts, lengths): (&[*const u8], &[usize]) = if count == 0 {
            (&[], &[])
        } else if parts.is_null() || lengths.is_null() {
            return Err(invalid("parts or lengths is NULL"));
        } else {
            // SAFETY: the caller promises `count` elements in each.
            unsafe { (std::slice::from_raw_parts(parts, count), std::slice::from_raw_parts(lengths, count)) }
        };
        let mut decoded = Vec::with_capacity(count);
        for (i, (&part, &len)) in parts.iter().zip(lengths).enumerate() {
            if part.is_null() {
                return Err(invalid(&format!("part {i} is NULL")));
            }
            // SAFETY: the caller promises `len` readable bytes.
            let bytes = unsafe { std::slice::from_raw_parts(part, len) };
            decoded.push(Part::from_bytes(bytes).map_err(|e| failure(&e))?);
        }
        let report = plan.plan.merge(decoded).map_err(|e| failure(&e))?;
        let report = checksig_report::new(&plan.root, &plan.manifest, plan.algorithm, report)
            .map_err(|e| failure_of(&e))?;
        Ok(Box::new(report))
    })
    .map_or(std::ptr::null_mut(), Box::into_raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{checksig_error_free, checksig_error_kind, checksig_error_new};
    use crate::report::{checksig_report_free, checksig_report_len, checksig_report_summary};
    use crate::verify::checksig_verify;
    use std::ffi::{CStr, CString};

    /// Plan, verify each partition's lines, merge: the report of
    /// `checksig_verify`; a missing part is refused as an invalid argument.
    #[test]
    fn parts_merge_into_the_whole_report() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::new();
        for i in 0..20 {
            std::fs::write(dir.path().join(format!("f{i}")), format!("{i}")).unwrap();
            let digest = if i % 6 == 0 {
                "0".repeat(40)
            } else {
                checksig::hash_bytes(Algorithm::Sha1, format!("{i}").as_bytes()).to_hex()
            };
            text.push_str(&format!("{digest}  f{i}\n"));
        }
        text.push_str("not a line\n");
        std::fs::write(dir.path().join("sha1sum.txt"), text).unwrap();
        let root = CString::new(dir.path().to_str().unwrap()).unwrap();
        // SAFETY: live handles and NUL-terminated strings throughout.
        unsafe {
            let error = checksig_error_new();
            let plan = checksig_plan_new(root.as_ptr(), std::ptr::null(), 3, error);
            assert!(!plan.is_null());
            assert_eq!(checksig_plan_len(plan), 3);
            assert_eq!(
                CStr::from_ptr(checksig_plan_manifest(plan)).to_bytes(),
                b"sha1sum.txt"
            );
            let mut parts = Vec::new();
            for i in 0..checksig_plan_len(plan) {
                let mut count = 0;
                let ranges = checksig_plan_partition_ranges(plan, i, &mut count);
                let mut len = 0;
                let part = checksig_verify_lines(
                    root.as_ptr(),
                    std::ptr::null(),
                    ranges,
                    count,
                    &mut len,
                    error,
                );
                assert!(!part.is_null());
                parts.push((part.cast_const(), len));
            }
            let (pointers, lengths): (Vec<*const u8>, Vec<usize>) = parts.iter().copied().unzip();
            let merged = checksig_plan_merge(
                plan,
                pointers.as_ptr(),
                lengths.as_ptr(),
                parts.len(),
                error,
            );
            let whole = checksig_verify(root.as_ptr(), std::ptr::null(), error);
            assert_eq!(checksig_report_len(merged), 21);
            assert_eq!(checksig_report_len(merged), checksig_report_len(whole));
            assert_eq!(
                CStr::from_ptr(checksig_report_summary(merged)),
                CStr::from_ptr(checksig_report_summary(whole))
            );
            let short = checksig_plan_merge(
                plan,
                pointers.as_ptr(),
                lengths.as_ptr(),
                parts.len() - 1,
                error,
            );
            assert!(short.is_null());
            assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_INVALID_ARGUMENT);
            for (part, _) in parts {
                libc::free(part.cast_mut().cast());
            }
            checksig_report_free(merged);
            checksig_report_free(whole);
            checksig_plan_free(plan);
            checksig_error_free(error);
        }
    }

    /// The plan's options are the options object's: with a key file, a
    /// tampered manifest is refused as `checksig_verify` refuses it, and a
    /// good one's merged report says it was checked, as the whole's does.
    #[test]
    fn a_plan_honours_the_options_key_files() {
        use crate::error::CHECKSIG_ERROR_SIGNATURE;
        use crate::keys::checksig_options_add_key_file;
        use crate::options::{checksig_options_free, checksig_options_new};
        use crate::report::checksig_report_signature;
        use crate::signer::checksig_signature_is_checked;
        let fixtures =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/signatures");
        let download = |manifest: &str| {
            let dir = tempfile::tempdir().unwrap();
            for file in ["a.txt", "b.txt"] {
                std::fs::copy(fixtures.join("files").join(file), dir.path().join(file)).unwrap();
            }
            std::fs::copy(fixtures.join(manifest), dir.path().join("SHA256SUMS")).unwrap();
            let signature = fixtures.join("openpgp/SHA256SUMS.gpg");
            std::fs::copy(signature, dir.path().join("SHA256SUMS.gpg")).unwrap();
            dir
        };
        let key = CString::new(fixtures.join("openpgp/alice.asc").to_str().unwrap()).unwrap();
        let good = download("SHA256SUMS");
        let tampered = download("SHA256SUMS.tampered");
        let good = CString::new(good.path().to_str().unwrap()).unwrap();
        let tampered = CString::new(tampered.path().to_str().unwrap()).unwrap();
        // SAFETY: live handles and NUL-terminated strings throughout.
        unsafe {
            let error = checksig_error_new();
            let options = checksig_options_new();
            assert!(checksig_options_add_key_file(options, key.as_ptr(), error));
            let refused = checksig_plan_new(tampered.as_ptr(), options, 2, error);
            assert!(refused.is_null());
            assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_SIGNATURE);
            let plan = checksig_plan_new(good.as_ptr(), options, 2, error);
            assert!(!plan.is_null());
            let mut parts = Vec::new();
            for i in 0..checksig_plan_len(plan) {
                let mut count = 0;
                let ranges = checksig_plan_partition_ranges(plan, i, &mut count);
                let mut len = 0;
                let part =
                    checksig_verify_lines(good.as_ptr(), options, ranges, count, &mut len, error);
                assert!(!part.is_null());
                parts.push((part.cast_const(), len));
            }
            let (pointers, lengths): (Vec<*const u8>, Vec<usize>) = parts.iter().copied().unzip();
            let merged = checksig_plan_merge(
                plan,
                pointers.as_ptr(),
                lengths.as_ptr(),
                parts.len(),
                error,
            );
            let whole = checksig_verify(good.as_ptr(), options, error);
            assert_eq!(checksig_report_len(merged), 2);
            assert!(checksig_signature_is_checked(checksig_report_signature(
                whole
            )));
            assert!(checksig_signature_is_checked(checksig_report_signature(
                merged
            )));
            for (part, _) in parts {
                libc::free(part.cast_mut().cast());
            }
            checksig_report_free(merged);
            checksig_report_free(whole);
            checksig_plan_free(plan);
            checksig_options_free(options);
            checksig_error_free(error);
        }
    }

    #[test]
    fn null_plans_and_parts_are_harmless() {
        // SAFETY: NULL everywhere the contract allows it.
        unsafe {
            assert_eq!(checksig_plan_len(std::ptr::null()), 0);
            let mut count = 7;
            assert!(checksig_plan_partition_ranges(std::ptr::null(), 0, &mut count).is_null());
            assert_eq!(count, 0);
            assert_eq!(checksig_plan_lower_bound(std::ptr::null()), 0.0);
            checksig_plan_free(std::ptr::null_mut());
            assert!(
                checksig_plan_new(std::ptr::null(), std::ptr::null(), 2, std::ptr::null_mut())
                    .is_null()
            );
            assert!(checksig_plan_merge(
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null(),
                0,
                std::ptr::null_mut()
            )
            .is_null());
            let mut len = 0;
            let root = c"/nonexistent".as_ptr();
            assert!(checksig_verify_lines(
                root,
                std::ptr::null(),
                std::ptr::null(),
                1,
                &mut len,
                std::ptr::null_mut()
            )
            .is_null());
        }
    }
}
