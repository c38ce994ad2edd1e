//! `checksig [DIR]`: verify `DIR/sha1sum.txt` with the library's defaults.
//!
//! Every failure gets one line on standard output, in manifest order:
//!
//! ```text
//! httpd-08.log: FAILED (line 9): mismatch: expected 6728...f18f, actual 8d3e...0a1b
//! ghost.log: FAILED (line 11): no such file or directory
//! line 12: FAILED: improperly formatted line: 'not a checksum line'
//! FAILED: 9 OK, 1 mismatch, 1 missing, 1 malformed (testdata/logs/sha1sum.txt)
//! ```
//!
//! then the summary line, which starts with `OK:` only when every listed file
//! matched. Names are shown in GNU's escaped form (see [`crate::quote::escaped_name`]); a
//! name holding another control character (a tab, an escape, DEL, a C1 control such as 0x9b or U+009B) is shown
//! shell-quoted as in GNU's diagnostics (see [`quotef`]), so no raw control
//! character ever reaches the terminal.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use checksig::{EntryReport, Report, Status, Verifier};

use crate::args::Args;
use crate::progress::Bar;

use crate::json;
use crate::output::{os_error_text, Output};
use crate::quote::{display_name, quotef, Charset};

/// The exit status of DIR mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every listed file matched.
    Verified,
    /// At least one entry failed.
    Failed,
    /// The directory or its manifest could not be read.
    Error,
}

/// Verifies `path`, a directory or a manifest or sidecar file in one
/// ([`checksig::locate_manifest`]), printing failures and a summary (or JSON).
pub fn run(
    path: &OsStr,
    args: &Args,
    keys: Option<std::sync::Arc<checksig::signature::TrustedKeys>>,
    out: &mut Output,
) -> Outcome {
    let as_json = args.json;
    let charset = Charset::from_env();
    let path = Path::new(path);
    if let Err(e) = std::fs::metadata(path) {
        let reason = format!("cannot open: {}", os_error_text(&e));
        fail(out, path, &reason, charset);
        return Outcome::Error;
    }
    let (root, name) = match &args.manifest {
        Some(given) if path.is_dir() => (path.to_path_buf(), given.into()),
        _ => checksig::locate_manifest(path),
    };
    let root = root.as_path();
    let manifest = root.join(&name);
    let mut verifier = Verifier::new()
        .threads(args.threads)
        .mmap(!args.no_mmap)
        .direct_io(!args.no_direct)
        .manifest(&name)
        .report_unlisted(args.unlisted);
    if let Some(algorithm) = args.algo {
        verifier = verifier.algorithm(algorithm);
    }
    if let Some(keys) = keys {
        verifier = verifier.keys(keys);
    }
    let bar = Bar::for_stderr(!args.no_progress);
    if let Some(bar) = bar.clone() {
        verifier = verifier.progress(move |progress| bar.update(progress));
    }
    let result = verifier.verify_dir(root);
    if let Some(bar) = &bar {
        bar.finish();
    }
    let report = match result {
        Ok(report) => report,
        Err(checksig::Error::ReadManifest { path, source }) => {
            let reason = format!("cannot read manifest: {}", os_error_text(&source));
            fail(out, &path, &reason, charset);
            return Outcome::Error;
        }
        Err(checksig::Error::OpenRoot { path, source }) => {
            let reason = format!("cannot open directory: {}", os_error_text(&source));
            fail(out, &path, &reason, charset);
            return Outcome::Error;
        }
        Err(checksig::Error::Signature { source, keys, .. }) => {
            // A manifest that is not signed as it must be is a failed
            // verification, not an unreadable one.
            let reason = format!("signature not accepted: {source} (trusted: {keys})");
            fail(out, &manifest, &reason, charset);
            return Outcome::Failed;
        }
        Err(e) => {
            out.diagnostic(e.to_string().as_bytes());
            return Outcome::Error;
        }
    };
    // A malformed line of a sidecar says what the sidecar should hold.
    let sidecar_form = checksig::sidecar::expected_form(&name, args.algo);
    if as_json {
        out.out(&json::to_document(&document(root, &manifest, &report)));
    } else {
        for failure in report.failures() {
            out.out(&failure_line(failure, sidecar_form.as_deref(), charset));
        }
        if let Some(check) = report.signature() {
            out.out(format!("{}\n", crate::keys::line(check)).as_bytes());
        }
        out.out(&summary_line(&report, &manifest, charset));
    }
    let outcome = if report.is_ok() {
        Outcome::Verified
    } else {
        Outcome::Failed
    };
    // The process exits next: its memory goes back to the system at once,
    // where freeing a report of 100,000 names one by one takes milliseconds.
    std::mem::forget(report);
    outcome
}

/// `checksig: PATH: REASON` on standard error.
fn fail(out: &mut Output, path: &Path, reason: &str, charset: Charset) {
    let mut line = quotef(path.as_os_str().as_bytes(), charset);
    line.extend_from_slice(b": ");
    line.extend_from_slice(reason.as_bytes());
    out.diagnostic(&line);
}

/// One failure, as one line.
fn failure_line(entry: EntryReport, sidecar_form: Option<&str>, charset: Charset) -> Vec<u8> {
    let mut line = Vec::new();
    if let Some(text) = entry.text() {
        line.extend_from_slice(
            format!("line {}: FAILED: improperly formatted line: ", entry.line()).as_bytes(),
        );
        line.extend_from_slice(&quotef(text, charset));
        if let Some(form) = sidecar_form {
            line.extend_from_slice(format!(" (the sidecar should hold {form})").as_bytes());
        }
    } else if let Status::Unlisted = entry.status() {
        line.extend_from_slice(&display_name(entry.name(), charset));
        line.extend_from_slice(b": FAILED: not listed in the manifest");
    } else {
        line.extend_from_slice(&display_name(entry.name(), charset));
        line.extend_from_slice(
            format!(": FAILED (line {}): {}", entry.line(), reason(entry)).as_bytes(),
        );
    }
    line.push(b'\n');
    line
}

/// Why an entry that is not malformed failed.
fn reason(entry: EntryReport) -> String {
    match (entry.status(), entry.expected()) {
        (Status::Mismatch { actual }, Some(expected)) => {
            format!("mismatch: expected {expected}, actual {actual}")
        }
        (Status::Unreadable(e), _) => format!("cannot be read: {}", os_error_text(e)),
        (Status::NotRegular(kind), _) => format!("not a regular file ({kind}), not read"),
        (Status::OutsideRoot, _) => "outside the directory, not opened".to_string(),
        (status, _) => status.to_string(),
    }
}

/// `OK: 10 OK (DIR/sha1sum.txt)` or `FAILED: 9 OK, 1 mismatch (DIR/sha1sum.txt)`.
fn summary_line(report: &Report, manifest: &Path, charset: Charset) -> Vec<u8> {
    let verdict = if report.is_ok() { "OK" } else { "FAILED" };
    let mut line = format!("{verdict}: {} (", report.summary()).into_bytes();
    line.extend_from_slice(&quotef(manifest.as_os_str().as_bytes(), charset));
    line.extend_from_slice(b")\n");
    line
}

fn document(root: &Path, manifest: &Path, report: &Report) -> json::DirDocument {
    let (root_text, root_bytes) = json::text_and_bytes(root.as_os_str().as_bytes());
    let (manifest_text, manifest_bytes) = json::text_and_bytes(manifest.as_os_str().as_bytes());
    json::DirDocument {
        root: root_text,
        root_bytes,
        manifest: manifest_text,
        manifest_bytes,
        summary: report.summary(),
        signature: report.signature().map(crate::keys::SignatureJson::new),
        report: json::ReportJson::new(report.is_ok(), report, |entry| report.is_failure(entry)),
    }
}
