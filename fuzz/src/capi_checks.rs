//! The C ABI check: arbitrary manifest bytes in the fixed tree, verified
//! through the article's `verify()` and through `checksig_verify` (default
//! options and explicit ones), must agree with the Rust API entry by entry,
//! never panic across the boundary, and free cleanly (the fuzzer runs with
//! AddressSanitizer, which reports a leak or a use after free).

use std::ffi::{c_char, CStr, CString};
use std::os::unix::ffi::OsStrExt;

use checksig::{Report, Verifier};
use checksig_capi::article::verify;
use checksig_capi::c_string::checksig_free;
use checksig_capi::error::{
    checksig_error_free, checksig_error_kind, checksig_error_message, checksig_error_new,
    CHECKSIG_ERROR_NONE,
};
use checksig_capi::options::{
    checksig_options_free, checksig_options_new, checksig_options_set_threads,
};
use checksig_capi::report::{
    checksig_report, checksig_report_entry_actual, checksig_report_entry_expected,
    checksig_report_entry_line, checksig_report_entry_message, checksig_report_entry_name,
    checksig_report_entry_status, checksig_report_free, checksig_report_is_ok, checksig_report_len,
    checksig_report_summary, CHECKSIG_STATUS_INVALID,
};
use checksig_capi::verify::checksig_verify;

use crate::checks::FixedTree;

/// Target `capi_verify`. Writes `data` as the tree's `sha1sum.txt`.
pub fn capi_verify(tree: &FixedTree, data: &[u8]) {
    std::fs::write(tree.root.join("sha1sum.txt"), data).unwrap();
    let rust = Verifier::new().threads(2).verify_dir(&tree.root);
    let root = CString::new(tree.root.as_os_str().as_bytes()).unwrap();

    // SAFETY: root is NUL-terminated; the message is freed with checksig_free.
    let message = unsafe { verify(root.as_ptr()) };
    let rust_ok = rust.as_ref().is_ok_and(Report::is_ok);
    assert_eq!(
        message.is_null(),
        rust_ok,
        "verify() is NULL exactly when all is OK"
    );
    if !message.is_null() {
        // SAFETY: a NUL-terminated string from verify().
        let text = unsafe { CStr::from_ptr(message) };
        assert!(!text.to_bytes().is_empty());
        assert!(text.to_str().is_ok(), "verify()'s message is UTF-8");
        // SAFETY: from verify(), freed once.
        unsafe { checksig_free(message) };
    }

    for threads in [None, Some(3)] {
        // SAFETY: every handle is created here, used on this thread, freed once.
        unsafe {
            let options = match threads {
                None => std::ptr::null_mut(),
                Some(n) => {
                    let options = checksig_options_new();
                    assert!(checksig_options_set_threads(options, n));
                    options
                }
            };
            let error = checksig_error_new();
            let report = checksig_verify(root.as_ptr(), options, error);
            match &rust {
                Ok(expected) => {
                    assert!(!report.is_null(), "checksig_verify failed where Rust ran");
                    assert_eq!(checksig_error_kind(error), CHECKSIG_ERROR_NONE);
                    compare(report, expected);
                }
                Err(_) => {
                    assert!(report.is_null());
                    assert_ne!(checksig_error_kind(error), CHECKSIG_ERROR_NONE);
                    assert!(!checksig_error_message(error).is_null());
                }
            }
            checksig_report_free(report);
            checksig_error_free(error);
            if !options.is_null() {
                checksig_options_free(options);
            }
        }
    }
}

/// # Safety
/// `report` is a live report.
unsafe fn compare(report: *const checksig_report, expected: &Report) {
    // SAFETY (whole function): report is live; indexes are checked by the ABI.
    unsafe {
        let len = checksig_report_len(report);
        assert_eq!(len, expected.entries().len());
        assert_eq!(checksig_report_is_ok(report), expected.is_ok());
        assert!(c_str(checksig_report_summary(report)).is_some());
        for (index, entry) in expected.entries().enumerate() {
            assert_eq!(checksig_report_entry_line(report, index), entry.line());
            assert_eq!(
                checksig_report_entry_status(report, index),
                entry.kind() as u32
            );
            let mut name_len = usize::MAX;
            let name = checksig_report_entry_name(report, index, &mut name_len);
            assert!(!name.is_null());
            assert_eq!(std::slice::from_raw_parts(name, name_len), entry.name());
            let hex = |digest: Option<checksig::Digest>| digest.map(|d| d.to_hex());
            assert_eq!(
                c_str(checksig_report_entry_expected(report, index)),
                hex(entry.expected())
            );
            assert_eq!(
                c_str(checksig_report_entry_actual(report, index)),
                hex(entry.actual())
            );
            assert!(c_str(checksig_report_entry_message(report, index)).is_some());
        }
        // Out of range: defined answers, no crash.
        assert_eq!(
            checksig_report_entry_status(report, len),
            CHECKSIG_STATUS_INVALID
        );
        assert!(checksig_report_entry_name(report, len, std::ptr::null_mut()).is_null());
        assert!(checksig_report_entry_message(report, usize::MAX).is_null());
    }
}

/// A borrowed C string as UTF-8, `None` for NULL.
///
/// # Safety
/// `ptr` is NULL or NUL-terminated and live.
unsafe fn c_str(ptr: *const c_char) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: promised by the caller.
    let text = unsafe { CStr::from_ptr(ptr) };
    Some(text.to_str().expect("C ABI strings are UTF-8").to_string())
}
