//! `Verifier::keys` (issue 17): the signature is checked before any digest,
//! through the manifest's directory handle, and the report says who signed.
#![cfg(feature = "signatures")]

mod signed_common;

use checksig::signature::{Format, SignatureCheck, SignatureError};
use checksig::{Error, Verifier};
use signed_common::{alice, download, fixture};

#[test]
fn a_good_signature_is_in_the_report() {
    let dir = download("SHA256SUMS", "SHA256SUMS", Some("openpgp/SHA256SUMS.gpg"));
    let report = Verifier::new()
        .keys(alice())
        .verify_dir(dir.path())
        .unwrap();
    assert!(report.is_ok(), "{}", report.summary());
    let Some(SignatureCheck::Verified(signer)) = report.signature() else {
        panic!("{:?}", report.signature());
    };
    assert_eq!(signer.format, Format::OpenPgp);
    assert!(signer.key.contains("Alice"), "{}", signer.key);
    assert_eq!(
        signer.created_utc().as_deref(),
        Some("2024-01-02 00:00:00 UTC")
    );
    // The signature alone, and the signed bytes for a front end that parses them.
    let alone = Verifier::new()
        .keys(alice())
        .check_signature(dir.path())
        .unwrap();
    assert_eq!(&alone, signer);
    let verified = Verifier::new()
        .keys(alice())
        .read_signed(dir.path().join("SHA256SUMS"))
        .unwrap();
    assert_eq!(verified.body, std::fs::read(fixture("SHA256SUMS")).unwrap());
}

/// A manifest named by an absolute path: its signature is read beside it.
#[test]
fn an_absolute_manifest_has_its_signature_beside_it() {
    let dir = download("SHA256SUMS", "SHA256SUMS", Some("openpgp/SHA256SUMS.gpg"));
    let manifest = dir.path().join("SHA256SUMS");
    let report = Verifier::new()
        .keys(alice())
        .manifest(&manifest)
        .verify_dir(dir.path())
        .unwrap();
    assert!(report.is_ok());
    assert!(matches!(
        report.signature(),
        Some(SignatureCheck::Verified(_))
    ));
    std::fs::remove_file(dir.path().join("SHA256SUMS.gpg")).unwrap();
    let err = Verifier::new()
        .keys(alice())
        .manifest(&manifest)
        .verify_dir(dir.path())
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Signature {
                source: SignatureError::Missing,
                ..
            }
        ),
        "{err}"
    );
}

/// A tampered manifest is refused whole: an error naming it and the keys,
/// no report at all.
#[test]
fn a_tampered_manifest_is_an_error_naming_it_and_the_keys() {
    let dir = download(
        "SHA256SUMS.tampered",
        "SHA256SUMS",
        Some("openpgp/SHA256SUMS.gpg"),
    );
    let err = Verifier::new()
        .keys(alice())
        .verify_dir(dir.path())
        .unwrap_err();
    let Error::Signature {
        manifest,
        keys,
        source,
    } = &err
    else {
        panic!("{err}");
    };
    assert_eq!(manifest, &dir.path().join("SHA256SUMS"));
    assert!(
        keys.contains("OpenPGP key ") && keys.contains("Alice"),
        "{keys}"
    );
    assert!(
        matches!(source, SignatureError::BadSignature { .. }),
        "{source}"
    );
    let message = err.to_string();
    assert!(
        message.contains("SHA256SUMS: signature not accepted: "),
        "{message}"
    );
}

/// A signature file that is a link out of the root is not followed.
#[test]
fn a_signature_outside_the_root_is_not_read() {
    let dir = download("SHA256SUMS", "SHA256SUMS", Some("openpgp/SHA256SUMS.gpg"));
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("SHA256SUMS.gpg");
    std::fs::rename(dir.path().join("SHA256SUMS.gpg"), &target).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("SHA256SUMS.gpg")).unwrap();
    let err = Verifier::new()
        .keys(alice())
        .verify_dir(dir.path())
        .unwrap_err();
    assert!(
        err.to_string().contains("cannot read SHA256SUMS.gpg"),
        "{err}"
    );
}

#[test]
fn without_keys_a_detached_signature_beside_is_reported_unchecked() {
    let dir = download("SHA256SUMS", "SHA256SUMS", Some("openpgp/SHA256SUMS.gpg"));
    let report = Verifier::new().verify_dir(dir.path()).unwrap();
    assert!(report.is_ok(), "{}", report.summary());
    assert_eq!(
        report.signature(),
        Some(&SignatureCheck::Unchecked(Format::OpenPgp))
    );
    // No signature beside it: nothing is said of one.
    std::fs::remove_file(dir.path().join("SHA256SUMS.gpg")).unwrap();
    let report = Verifier::new().verify_dir(dir.path()).unwrap();
    assert_eq!(report.signature(), None);
}

#[test]
fn an_oversized_signature_is_called_a_signature_not_a_manifest() {
    let dir = download("SHA256SUMS", "SHA256SUMS", Some("openpgp/SHA256SUMS.gpg"));
    std::fs::write(dir.path().join("SHA256SUMS.gpg"), vec![b'x'; 2 << 20]).unwrap();
    let err = Verifier::new()
        .keys(alice())
        .verify_dir(dir.path())
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("SHA256SUMS.gpg: signature larger than 1 MiB"),
        "{message}"
    );
}
