//! A manifest verified in parts (`Verifier::plan`, `verify_lines`,
//! `Plan::merge`) is loaded as `verify_dir` loads it: its signature checked
//! against the keys before any digest is used, said in the merged report,
//! and a clear-signed manifest's lines counted as the manifest's.
#![cfg(feature = "signatures")]

mod signed_common;

use std::path::Path;

use checksig::signature::SignatureCheck;
use checksig::{Error, Part, Report, Verifier};
use signed_common::{alice, download};

/// The report of `root` verified in two parts, each through the bytes a
/// part travels as.
fn in_parts(verifier: &Verifier, root: &Path) -> Result<Report, Error> {
    let plan = verifier.plan(root, 2)?;
    let mut parts = Vec::new();
    for partition in plan.partitions() {
        let part = verifier.verify_lines(root, &partition.lines)?;
        parts.push(Part::from_bytes(&part.to_bytes())?);
    }
    plan.merge(parts)
}

/// Everything a report says, entry by entry.
fn said(report: &Report) -> (Vec<String>, String, Option<SignatureCheck>) {
    let entries = report
        .entries()
        .map(|e| {
            format!(
                "{} {:?} {:?} {}",
                e.line(),
                e.name(),
                e.expected(),
                e.status()
            )
        })
        .collect();
    (entries, report.summary(), report.signature().cloned())
}

#[test]
fn a_plan_refuses_a_bad_signature_as_verify_dir_does() {
    let dir = download(
        "SHA256SUMS.tampered",
        "SHA256SUMS",
        Some("openpgp/SHA256SUMS.gpg"),
    );
    let verifier = Verifier::new().keys(alice());
    let whole = verifier.verify_dir(dir.path()).unwrap_err();
    assert!(matches!(whole, Error::Signature { .. }), "{whole}");
    let planned = verifier.plan(dir.path(), 2).unwrap_err();
    assert!(matches!(planned, Error::Signature { .. }), "{planned}");
    assert_eq!(planned.to_string(), whole.to_string());
    let lines = checksig::partition::LineSet::from_lines([1, 2]);
    let part = verifier.verify_lines(dir.path(), &lines).unwrap_err();
    assert_eq!(part.to_string(), whole.to_string());
}

#[test]
fn a_merged_report_says_who_signed_as_verify_dir_does() {
    let dir = download("SHA256SUMS", "SHA256SUMS", Some("openpgp/SHA256SUMS.gpg"));
    std::fs::write(dir.path().join("unlisted.txt"), "new").unwrap();
    let verifier = Verifier::new().keys(alice()).report_unlisted(true);
    let whole = verifier.verify_dir(dir.path()).unwrap();
    assert!(matches!(
        whole.signature(),
        Some(SignatureCheck::Verified(_))
    ));
    let merged = in_parts(&verifier, dir.path()).unwrap();
    // The detached signature is not unlisted; the new file is.
    assert_eq!(said(&merged), said(&whole));
    assert_eq!(merged.summary(), "2 OK, 1 unlisted");
}

#[test]
fn a_clear_signed_manifest_in_parts_is_the_whole_entry_for_entry() {
    let dir = download("openpgp/CHECKSUM.clearsigned", "SHA256SUMS", None);
    // One file changed: its line is the manifest's (5), not the body's (2).
    std::fs::write(dir.path().join("b.txt"), "changed").unwrap();
    for (verifier, signed) in [
        (Verifier::new().keys(alice()), true),
        (Verifier::new(), false),
    ] {
        let whole = verifier.verify_dir(dir.path()).unwrap();
        match whole.signature() {
            Some(SignatureCheck::Verified(_)) => assert!(signed),
            Some(SignatureCheck::Unchecked(_)) => assert!(!signed),
            other => panic!("{other:?}"),
        }
        let lines: Vec<u64> = whole.entries().map(|e| e.line()).collect();
        assert_eq!(lines, [4, 5]);
        assert_eq!(
            said(&in_parts(&verifier, dir.path()).unwrap()),
            said(&whole)
        );
        // The plan's partitions hold the manifest's lines, and a part says them.
        let plan = verifier.plan(dir.path(), 1).unwrap();
        let planned: Vec<u64> = plan.partitions()[0].lines.iter().collect();
        assert_eq!(planned, [4, 5]);
        let part = verifier
            .verify_lines(dir.path(), &checksig::partition::LineSet::from_lines([5]))
            .unwrap();
        assert_eq!(part.entries().len(), 1);
        assert_eq!(part.entries().next().unwrap().name(), b"b.txt");
        assert_eq!(part.entries().next().unwrap().line(), 5);
    }
}
