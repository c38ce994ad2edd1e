//! Verification options and the progress callback.

use std::ffi::{c_char, c_void};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use checksig::signature::TrustedKeys;

use checksig::{Algorithm, CancelToken, Progress, Verifier};

use crate::algorithm::algorithm_arg;
use crate::boundary::{ffi_guard, free_handle, handle};
use crate::cancel::checksig_cancel;

/// Progress figures passed to a `checksig_progress_fn`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct checksig_progress {
    /// Bytes hashed so far.
    pub bytes_done: u64,
    /// Bytes of all listed files that could be stat'ed before hashing began.
    pub bytes_total: u64,
    /// Manifest lines finished (checked or found malformed).
    pub files_done: u64,
    /// Manifest lines in all.
    pub files_total: u64,
}

impl From<&Progress> for checksig_progress {
    fn from(progress: &Progress) -> checksig_progress {
        checksig_progress {
            bytes_done: progress.bytes_done,
            bytes_total: progress.bytes_total,
            files_done: progress.files_done,
            files_total: progress.files_total,
        }
    }
}

/// A progress callback. It is called on the thread that called
/// `checksig_verify`, at most every 50 ms and once at the end, with the
/// `user_data` given to `checksig_options_set_progress`. `progress` is
/// borrowed for the duration of the call. Return true to continue, false to
/// cancel the verification (which then fails with `CHECKSIG_ERROR_CANCELLED`).
/// The callback must not unwind (no C++ exception or longjmp out of it).
pub type checksig_progress_fn = Option<
    unsafe extern "C" fn(progress: *const checksig_progress, user_data: *mut c_void) -> bool,
>;

/// Options for `checksig_verify`. Create with `checksig_options_new`, free
/// with `checksig_options_free`. Setting options while a verification uses
/// the same object is a data race; using one object from many concurrent
/// verifications is fine.
pub struct checksig_options {
    threads: usize,
    /// `None`: the library finds it (`checksig::find_manifest`).
    manifest: Option<PathBuf>,
    ignore_missing: bool,
    strict: bool,
    allow_outside_root: bool,
    mmap: bool,
    direct_io: bool,
    algorithm: Option<Algorithm>,
    report_unlisted: bool,
    progress: Option<ProgressCallback>,
    cancel: Option<CancelToken>,
    /// `checksig_options_add_key_file`: the keys a manifest must be signed with.
    keys: Option<Arc<TrustedKeys>>,
}

#[derive(Clone, Copy)]
struct ProgressCallback {
    function: unsafe extern "C" fn(*const checksig_progress, *mut c_void) -> bool,
    user_data: *mut c_void,
}

impl ProgressCallback {
    fn call(&self, progress: &Progress) -> bool {
        let figures = checksig_progress::from(progress);
        // SAFETY: the caller of checksig_options_set_progress promised a valid
        // function and user data for as long as these options are used;
        // `figures` outlives the call.
        unsafe { (self.function)(&figures, self.user_data) }
    }
}

// SAFETY: the core calls the progress callback only on the thread that called
// checksig_verify (documented by checksig::ProgressFn), so `user_data` is only
// ever used on the caller's own thread; the bound is required by the builder.
unsafe impl Send for ProgressCallback {}
// SAFETY: as above: never called from two threads at once.
unsafe impl Sync for ProgressCallback {}

impl Default for checksig_options {
    fn default() -> checksig_options {
        checksig_options {
            threads: 0,
            manifest: None,
            ignore_missing: false,
            strict: true,
            allow_outside_root: false,
            mmap: true,
            direct_io: true,
            algorithm: None,
            report_unlisted: false,
            progress: None,
            cancel: None,
            keys: None,
        }
    }
}

impl checksig_options {
    /// The manifest's path as given (relative to the root unless
    /// absolute), or the one the library finds in `root`.
    pub(crate) fn manifest_in(&self, root: &Path) -> PathBuf {
        self.manifest
            .clone()
            .unwrap_or_else(|| checksig::find_manifest(root))
    }

    /// The algorithm `checksig_options_set_algorithm` forced, if any.
    pub(crate) fn algorithm(&self) -> Option<Algorithm> {
        self.algorithm
    }

    /// The trusted keys, if any were given.
    pub(crate) fn keys(&self) -> Option<&Arc<TrustedKeys>> {
        self.keys.as_ref()
    }

    /// Replaces the trusted keys.
    pub(crate) fn set_keys(&mut self, keys: Option<TrustedKeys>) {
        self.keys = keys.map(Arc::new);
    }

    /// The core's builder, configured as these options say.
    pub(crate) fn verifier(&self) -> Verifier {
        let mut verifier = Verifier::new()
            .threads(self.threads)
            .ignore_missing(self.ignore_missing)
            .strict(self.strict)
            .allow_outside_root(self.allow_outside_root)
            .mmap(self.mmap)
            .direct_io(self.direct_io)
            .report_unlisted(self.report_unlisted);
        if let Some(algorithm) = self.algorithm {
            verifier = verifier.algorithm(algorithm);
        }
        if let Some(token) = &self.cancel {
            verifier = verifier.cancel_token(token.clone());
        }
        if let Some(keys) = &self.keys {
            verifier = verifier.keys(Arc::clone(keys));
        }
        if let Some(callback) = self.progress {
            verifier = verifier.progress(move |progress: &Progress| callback.call(progress));
        }
        verifier
    }
}

/// New options with the defaults: one thread per CPU, `sha1sum.txt`, every
/// file required, malformed lines are failures (strict), names confined to
/// the root, large files memory-mapped, no progress callback, no cancel handle. NULL only when out of
/// memory. Free with `checksig_options_free`.
#[no_mangle]
pub extern "C" fn checksig_options_new() -> *mut checksig_options {
    ffi_guard!(or std::ptr::null_mut(); => Box::into_raw(Box::<checksig_options>::default()))
}

/// Frees options; NULL is a no-op. A cancel handle attached to them stays valid.
///
/// # Safety
/// `options` is NULL or from `checksig_options_new`, not in use, and not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn checksig_options_free(options: *mut checksig_options) {
    // SAFETY: the caller promises a handle from checksig_options_new or NULL.
    ffi_guard!(or (); => unsafe { free_handle(options) })
}

/// Applies `set` to the options; false when `options` is NULL (or on a bug).
///
/// # Safety
/// `options` is NULL or a live options object not in use elsewhere.
unsafe fn update(options: *mut checksig_options, set: impl FnOnce(&mut checksig_options)) -> bool {
    ffi_guard!(or false; options: handle_mut => {
        set(options);
        true
    })
}

/// Worker threads; 0 (the default) means one per available CPU.
/// Returns false when `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object not in use by a verification.
#[no_mangle]
pub unsafe extern "C" fn checksig_options_set_threads(
    options: *mut checksig_options,
    threads: usize,
) -> bool {
    // SAFETY: passed on from our caller.
    unsafe { update(options, |o| o.threads = threads) }
}

/// The manifest's path (any bytes but NUL), relative to the root unless
/// absolute. The string is copied. By default the first of `sha1sum.txt`,
/// `SHA256SUMS`, `sha256sum.txt`, `SHA512SUMS`, `sha512sum.txt`, `MD5SUMS`,
/// `md5sum.txt`, `B3SUMS`, `b3sums`, `b3sum.txt` and `SHA1SUMS` that the
/// root holds is read (`sha1sum.txt` if none: its absence is reported);
/// the article's `verify()` always reads `sha1sum.txt`. Returns
/// false when `options` or `manifest` is NULL.
///
/// A hash-only sidecar works too: a manifest named `FILE.sha256` (or `.sha1`,
/// `.sha512`, `.md5`, `.b3`, `.blake3`, each optionally ending in `sum`, in
/// any case) that holds one bare digest, as download pages offer, is read as
/// a one-line manifest for `FILE`, next to it: its algorithm comes from the
/// extension (unless `checksig_options_set_algorithm` forces one), the
/// report's only entry is `FILE` on line 1, and a digest of the wrong length
/// is a malformed line 1. `checksig_verify_sidecar` takes the sidecar's own
/// path instead of a root and a name.
///
/// ```c
/// checksig_options_set_manifest(options, "debian.iso.sha256");
/// checksig_report *report = checksig_verify("/tmp/dl", options, error);
/// /* one entry: "debian.iso", CHECKSIG_STATUS_OK when its SHA-256 matches */
/// ```
///
/// # Safety
/// `options` is NULL or a live options object not in use by a verification;
/// `manifest` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn checksig_options_set_manifest(
    options: *mut checksig_options,
    manifest: *const c_char,
) -> bool {
    ffi_guard!(or false; options: handle_mut, manifest: path_arg => {
        options.manifest = Some(manifest.to_path_buf());
        true
    })
}

/// Whether a missing file is reported without being a failure (GNU's
/// `--ignore-missing`); default false. Returns false when `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object not in use by a verification.
#[no_mangle]
pub unsafe extern "C" fn checksig_options_set_ignore_missing(
    options: *mut checksig_options,
    yes: bool,
) -> bool {
    // SAFETY: passed on from our caller.
    unsafe { update(options, |o| o.ignore_missing = yes) }
}

/// Whether a malformed manifest line is a failure; default true. Returns
/// false when `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object not in use by a verification.
#[no_mangle]
pub unsafe extern "C" fn checksig_options_set_strict(
    options: *mut checksig_options,
    yes: bool,
) -> bool {
    // SAFETY: passed on from our caller.
    unsafe { update(options, |o| o.strict = yes) }
}

/// Whether names may leave the root (absolute names, `..`, symbolic links
/// pointing out); default false, which reports them as outside the root
/// without opening them. Returns false when `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object not in use by a verification.
#[no_mangle]
pub unsafe extern "C" fn checksig_options_set_allow_outside_root(
    options: *mut checksig_options,
    yes: bool,
) -> bool {
    // SAFETY: passed on from our caller.
    unsafe { update(options, |o| o.allow_outside_root = yes) }
}

/// Whether large files are memory-mapped (default true); false reads every
/// file with `read(2)`, for file systems where mapping is slow or unsupported.
/// Either way a file that shrinks while it is hashed is reported as changed,
/// never a crash. Returns false when `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object not in use by a verification.
#[no_mangle]
pub unsafe extern "C" fn checksig_options_set_mmap(
    options: *mut checksig_options,
    yes: bool,
) -> bool {
    // SAFETY: passed on from our caller.
    unsafe { update(options, |o| o.mmap = yes) }
}

/// Whether large files (64 MiB and more) that are mostly not in the page
/// cache may be read with `O_DIRECT` (default true): with mapping on, once
/// first touching their fresh page-cache pages proves costly (as on some
/// virtual machines); with mapping off, from the start. False reads them
/// through the page cache like every other file (for a caller about to read
/// them again). Returns false when `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object not in use by a verification.
#[no_mangle]
pub unsafe extern "C" fn checksig_options_set_direct_io(
    options: *mut checksig_options,
    yes: bool,
) -> bool {
    // SAFETY: passed on from our caller.
    unsafe { update(options, |o| o.direct_io = yes) }
}

/// The manifest's algorithm: `CHECKSIG_ALGORITHM_DETECT` (the default: from
/// the manifest's BSD tag, file name or digest length) or one of
/// `CHECKSIG_ALGORITHM_*`. Returns false (and changes nothing) when `options`
/// is NULL or `algorithm` is unknown.
///
/// # Safety
/// `options` is NULL or a live options object not in use by a verification.
#[no_mangle]
pub unsafe extern "C" fn checksig_options_set_algorithm(
    options: *mut checksig_options,
    algorithm: u32,
) -> bool {
    let Some(algorithm) = algorithm_arg(algorithm) else {
        return false;
    };
    // SAFETY: passed on from our caller.
    unsafe { update(options, |o| o.algorithm = algorithm) }
}

/// Whether files under the root that the manifest does not list are reported,
/// as `CHECKSIG_STATUS_UNLISTED` failures (line 0) after the manifest's
/// entries, sorted by name; default false. The manifest itself is never
/// unlisted. Returns false when `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object not in use by a verification.
#[no_mangle]
pub unsafe extern "C" fn checksig_options_set_report_unlisted(
    options: *mut checksig_options,
    yes: bool,
) -> bool {
    // SAFETY: passed on from our caller.
    unsafe { update(options, |o| o.report_unlisted = yes) }
}

/// Sets (or, with a NULL `callback`, removes) the progress callback; see
/// `checksig_progress_fn`. `user_data` is passed to it unchanged and must stay
/// valid while these options are used. Returns false when `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object not in use by a verification;
/// `callback`, if set, is safe to call with `user_data`.
#[no_mangle]
pub unsafe extern "C" fn checksig_options_set_progress(
    options: *mut checksig_options,
    callback: checksig_progress_fn,
    user_data: *mut c_void,
) -> bool {
    let progress = callback.map(|function| ProgressCallback {
        function,
        user_data,
    });
    // SAFETY: passed on from our caller.
    unsafe { update(options, |o| o.progress = progress) }
}

/// Attaches a cancel handle (or, with NULL, detaches it). The options keep
/// their own reference: the handle may be freed before them. Returns false
/// when `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live options object not in use by a verification;
/// `cancel` is NULL or a live cancel handle.
#[no_mangle]
pub unsafe extern "C" fn checksig_options_set_cancel(
    options: *mut checksig_options,
    cancel: *const checksig_cancel,
) -> bool {
    // SAFETY: the caller promises a live cancel handle or NULL.
    let token = unsafe { handle(cancel) }.map(|c| c.token().clone());
    // SAFETY: passed on from our caller.
    unsafe { update(options, |o| o.cancel = token) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setters_reject_null() {
        // SAFETY: NULL is allowed everywhere.
        unsafe {
            let null = std::ptr::null_mut();
            assert!(!checksig_options_set_threads(null, 2));
            assert!(!checksig_options_set_manifest(null, c"x".as_ptr()));
            assert!(!checksig_options_set_ignore_missing(null, true));
            assert!(!checksig_options_set_strict(null, true));
            assert!(!checksig_options_set_allow_outside_root(null, true));
            assert!(!checksig_options_set_mmap(null, false));
            assert!(!checksig_options_set_direct_io(null, false));
            assert!(!checksig_options_set_progress(
                null,
                None,
                std::ptr::null_mut()
            ));
            assert!(!checksig_options_set_cancel(null, std::ptr::null()));
            let options = checksig_options_new();
            assert!(!checksig_options_set_manifest(options, std::ptr::null()));
            assert!(checksig_options_set_manifest(options, c"SHA1SUMS".as_ptr()));
            assert_eq!((*options).manifest, Some(PathBuf::from("SHA1SUMS")));
            checksig_options_free(options);
            checksig_options_free(null);
        }
    }

    #[test]
    fn options_keep_their_own_reference_to_a_cancel_handle() {
        use crate::cancel::{
            checksig_cancel_free, checksig_cancel_is_triggered, checksig_cancel_new,
            checksig_cancel_trigger,
        };
        // SAFETY: live handles, each freed once.
        unsafe {
            let cancel = checksig_cancel_new();
            let options = checksig_options_new();
            assert!(checksig_options_set_cancel(options, cancel));
            checksig_cancel_trigger(cancel);
            assert!(checksig_cancel_is_triggered(cancel));
            checksig_cancel_free(cancel);
            let token = (*options).cancel.clone().unwrap();
            assert!(token.is_cancelled());
            checksig_options_free(options);
        }
    }
}
