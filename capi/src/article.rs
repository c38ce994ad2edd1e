//! The article's entry point, `char *verify(const char *root)`, byte for byte
//! compatible with the Go library's, so that its ctypes code works unchanged.

use std::ffi::c_char;
use std::path::Path;

use checksig::Verifier;

use crate::boundary::{catch, path_arg};
use crate::c_string::malloc_string;
use crate::go_style;
use crate::report::failure_message as report_failure_message;

/// Verifies every file listed in `<root>/sha1sum.txt` (in parallel, names
/// confined to `root`, malformed lines are failures).
///
/// Returns NULL when every listed file matches. Otherwise returns a
/// NUL-terminated UTF-8 message listing every failure, one per line (no
/// trailing newline) in manifest order, in the Go library's words:
///
/// ```text
/// "/tmp/logs/httpd-08.log" - mismatch
/// open /tmp/logs/httpd-09.log: no such file or directory
/// 12: bad line: "not a checksum line"
/// "/etc/passwd" - outside root
/// open /tmp/nowhere/sha1sum.txt: no such file or directory
/// ```
///
/// Paths are `root` and the name joined and cleaned as Go's `path.Join` does.
/// A manifest listing no file verified nothing, which is a failure too:
/// `"<root>/sha1sum.txt" - no file verified` (the Go library said NULL). A
/// NULL `root` gives a message, not a crash; `root` may be any bytes but NUL.
///
/// Ownership: the message is allocated with `malloc`; the caller frees it with
/// `checksig_free` or the C library's `free`. Thread-safe, and usable in a
/// child process after `fork()`. Aborts the process only if the message
/// cannot be allocated (returning NULL would claim success).
///
/// # Safety
/// `root` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn verify(root: *const c_char) -> *mut c_char {
    // SAFETY: the caller promises a NUL-terminated string or NULL.
    // Not `ffi_guard!`: a panic must give its message here, not a fixed fallback
    // (NULL would claim success).
    let message = catch(Some, || unsafe { failure_message(root) });
    match message {
        None => std::ptr::null_mut(),
        Some(message) => {
            let ptr = malloc_string(message.as_bytes());
            if ptr.is_null() {
                std::process::abort();
            }
            ptr
        }
    }
}

/// The failures under `root`, or `None` when everything matched.
///
/// # Safety
/// `root` is NULL or a NUL-terminated string.
unsafe fn failure_message(root: *const c_char) -> Option<String> {
    // SAFETY: passed on from our caller.
    let Some(root) = (unsafe { path_arg(root) }) else {
        return Some("verify: root is NULL".to_string());
    };
    let manifest = Path::new(checksig::manifest::DEFAULT_MANIFEST_NAME);
    match Verifier::new().manifest(manifest).verify_dir(root) {
        Err(error) => Some(go_style::error_message(&error)),
        Ok(report) => report_failure_message(root, manifest, None, &report),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::c_string::checksig_free;
    use std::ffi::{CStr, CString};
    use std::os::unix::ffi::OsStrExt;

    fn call(root: &Path) -> Option<String> {
        let root = CString::new(root.as_os_str().as_bytes()).unwrap();
        // SAFETY: a NUL-terminated string; the result is freed once.
        unsafe {
            let ptr = verify(root.as_ptr());
            if ptr.is_null() {
                return None;
            }
            let text = CStr::from_ptr(ptr).to_str().unwrap().to_owned();
            checksig_free(ptr);
            Some(text)
        }
    }

    fn sha1_line(content: &[u8], name: &str) -> String {
        let digest = checksig::hash_bytes(checksig::Algorithm::Sha1, content);
        format!("{}  {name}\n", digest.to_hex())
    }

    #[test]
    fn null_when_everything_matches() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.log"), b"alpha").unwrap();
        std::fs::write(dir.path().join("sha1sum.txt"), sha1_line(b"alpha", "a.log")).unwrap();
        assert_eq!(call(dir.path()), None);
    }

    #[test]
    fn every_failure_in_go_words_in_manifest_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.log"), b"alpha").unwrap();
        std::fs::write(root.join("b.log"), b"beta").unwrap();
        let manifest = [
            sha1_line(b"alpha", "a.log"),
            sha1_line(b"not beta", "b.log"),
            sha1_line(b"gone", "c.log"),
            "this is \"bad\"\n".to_string(),
            sha1_line(b"x", "../escape"),
        ]
        .concat();
        std::fs::write(root.join("sha1sum.txt"), manifest).unwrap();
        let r = root.to_str().unwrap();
        let parent = root.parent().unwrap().to_str().unwrap();
        let want = format!(
            "\"{r}/b.log\" - mismatch\n\
             open {r}/c.log: no such file or directory\n\
             4: bad line: \"this is \\\"bad\\\"\"\n\
             \"{parent}/escape\" - outside root"
        );
        assert_eq!(call(root).as_deref(), Some(want.as_str()));
    }

    #[test]
    fn missing_manifest_and_null_root() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path().to_str().unwrap();
        let want = format!("open {r}/sha1sum.txt: no such file or directory");
        assert_eq!(call(dir.path()).as_deref(), Some(want.as_str()));
        let gone = dir.path().join("nowhere/");
        let want = format!("open {r}/nowhere/sha1sum.txt: no such file or directory");
        assert_eq!(call(&gone).as_deref(), Some(want.as_str()));
        // SAFETY: NULL is allowed; the result is freed once.
        unsafe {
            let ptr = verify(std::ptr::null());
            assert_eq!(
                CStr::from_ptr(ptr).to_str().unwrap(),
                "verify: root is NULL"
            );
            checksig_free(ptr);
        }
    }

    #[test]
    fn empty_manifest_is_not_success() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("sha1sum.txt"), b"").unwrap();
        let want = format!(
            "\"{}/sha1sum.txt\" - no file verified",
            dir.path().to_str().unwrap()
        );
        assert_eq!(call(dir.path()).as_deref(), Some(want.as_str()));
    }
}
