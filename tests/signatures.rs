//! Signed manifests checked against fixtures made by the real tools
//! (testdata/signatures/generate.sh: gpg, minisign, signify, ssh-keygen):
//! for each format a good signature, a wrong key, a tampered manifest, a
//! signature over another file and a truncated signature; for OpenPGP also a
//! subkey, an expired key, keyrings and clear-signed manifests.
#![cfg(feature = "signatures")]

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use checksig::signature::{self, Format, SignatureError, TrustedKeys};

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/signatures")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn keys(names: &[&str]) -> TrustedKeys {
    let mut keys = TrustedKeys::new();
    for name in names {
        keys.add_file(&path(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    keys
}

/// 2025-01-01: after every fixture was made, before any good key expires.
fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600)
}

fn check(
    manifest: &str,
    sig: Option<&str>,
    keys: &TrustedKeys,
) -> Result<signature::Verified<'static>, SignatureError> {
    let manifest = read(manifest);
    let sig = sig.map(|name| (name, read(name)));
    signature::verify(
        &manifest,
        sig.as_ref().map(|(n, b)| (*n, &b[..])),
        keys,
        now(),
    )
    .and_then(signature::Verified::into_owned)
}

fn detached(
    manifest: &str,
    sig: &str,
    keys: &TrustedKeys,
) -> Result<signature::Verified<'static>, SignatureError> {
    check(manifest, Some(sig), keys)
}

fn assert_good(
    result: Result<signature::Verified<'static>, SignatureError>,
    body: &[u8],
    format: Format,
    key: &str,
) -> signature::Verified<'static> {
    let verified = result.unwrap_or_else(|e| panic!("expected a good signature: {e}"));
    assert_eq!(&*verified.body, body);
    assert_eq!(verified.signer.format, format);
    assert!(verified.signer.key.contains(key), "{}", verified.signer.key);
    verified
}

macro_rules! assert_err {
    ($result:expr, $pattern:pat, $text:expr) => {{
        let err = $result.unwrap_err();
        assert!(matches!(err, $pattern), "unexpected error: {err:?}");
        assert!(err.to_string().contains($text), "{err}");
    }};
}

const JAN_2_2024: u64 = 1_704_153_600;

// ---- OpenPGP ---------------------------------------------------------------

#[test]
fn openpgp_good_binary_and_armored() {
    let k = keys(&["openpgp/alice.asc"]);
    for sig in ["openpgp/SHA256SUMS.gpg", "openpgp/SHA256SUMS.asc"] {
        let v = assert_good(
            detached("SHA256SUMS", sig, &k),
            &read("SHA256SUMS"),
            Format::OpenPgp,
            "alice@example.org",
        );
        assert_eq!(
            v.signer.created,
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(JAN_2_2024))
        );
    }
    // A binary certificate and a binary keyring of two certificates.
    for key in ["openpgp/alice.gpg", "openpgp/keyring.gpg"] {
        assert_good(
            detached("SHA256SUMS", "openpgp/SHA256SUMS.asc", &keys(&[key])),
            &read("SHA256SUMS"),
            Format::OpenPgp,
            "alice",
        );
    }
    assert_eq!(keys(&["openpgp/keyring.gpg"]).len(), 2);
}

#[test]
fn openpgp_wrong_key() {
    let k = keys(&["openpgp/alice.asc", "openpgp/bob.asc"]);
    assert_err!(
        detached("SHA256SUMS", "openpgp/SHA256SUMS.mallory.asc", &k),
        SignatureError::Untrusted {
            format: Format::OpenPgp,
            ..
        },
        "not among the trusted keys"
    );
    // No OpenPGP key at all: untrusted too, naming the issuer.
    let k = keys(&["minisign/alice.pub"]);
    assert_err!(
        detached("SHA256SUMS", "openpgp/SHA256SUMS.asc", &k),
        SignatureError::Untrusted { .. },
        "key "
    );
}

#[test]
fn openpgp_tampered_and_other_file() {
    let k = keys(&["openpgp/alice.asc"]);
    assert_err!(
        detached("SHA256SUMS.tampered", "openpgp/SHA256SUMS.asc", &k),
        SignatureError::BadSignature {
            format: Format::OpenPgp,
            ..
        },
        "alice@example.org"
    );
    assert_err!(
        detached("SHA256SUMS", "openpgp/OTHER.asc", &k),
        SignatureError::BadSignature { .. },
        "does not match"
    );
}

#[test]
fn openpgp_weak_hash() {
    let k = keys(&["openpgp/alice.asc"]);
    assert_err!(
        detached("SHA256SUMS", "openpgp/SHA256SUMS.sha1.asc", &k),
        SignatureError::Invalid { .. },
        "weak or unknown hash Some(Sha1)"
    );
}

#[test]
fn openpgp_truncated() {
    let k = keys(&["openpgp/alice.asc"]);
    for sig in [
        "openpgp/SHA256SUMS.truncated.gpg",
        "openpgp/SHA256SUMS.truncated.asc",
    ] {
        assert_err!(
            detached("SHA256SUMS", sig, &k),
            SignatureError::Truncated {
                format: Format::OpenPgp,
                ..
            },
            "truncated"
        );
    }
    assert_err!(
        check("openpgp/CHECKSUM.truncated", None, &k),
        SignatureError::Truncated { .. },
        "cut"
    );
}

#[test]
fn openpgp_subkey_signature() {
    let k = keys(&["openpgp/bob.asc"]);
    assert_good(
        detached("SHA256SUMS", "openpgp/SHA256SUMS.subkey.asc", &k),
        &read("SHA256SUMS"),
        Format::OpenPgp,
        "subkey ",
    );
}

#[test]
fn openpgp_expired_key() {
    let k = keys(&["openpgp/carol.asc"]);
    assert_err!(
        detached("SHA256SUMS", "openpgp/SHA256SUMS.expired.asc", &k),
        SignatureError::Expired { .. },
        "2020-01-02"
    );
    // Before it expired, the same signature is good.
    let before = SystemTime::UNIX_EPOCH + Duration::from_secs(1_577_890_000);
    let manifest = read("SHA256SUMS");
    let sig = read("openpgp/SHA256SUMS.expired.asc");
    let v = signature::verify(&manifest, Some(("x.asc", &sig)), &k, before).unwrap();
    assert!(v.signer.key.contains("carol"), "{}", v.signer.key);
}

#[test]
fn openpgp_clear_signed_body_is_the_signed_text_only() {
    let k = keys(&["openpgp/alice.asc"]);
    assert_good(
        check("openpgp/CHECKSUM.clearsigned", None, &k),
        &read("CHECKSUM"),
        Format::OpenPgp,
        "alice",
    );
    // Lines before the header and after the signature are not signed: they
    // are not in the body, and the signature still holds (as for gpg).
    let v = assert_good(
        check("openpgp/CHECKSUM.outside", None, &k),
        &read("CHECKSUM"),
        Format::OpenPgp,
        "alice",
    );
    assert!(!String::from_utf8_lossy(&v.body).contains("evil"));
    assert_err!(
        check("openpgp/CHECKSUM.tampered", None, &k),
        SignatureError::BadSignature { .. },
        "alice"
    );
    let k = keys(&["openpgp/mallory.asc"]);
    assert_err!(
        check("openpgp/CHECKSUM.clearsigned", None, &k),
        SignatureError::Untrusted { .. },
        "trusted"
    );
}

#[test]
fn unsigned_body_drops_the_armor() {
    let clear = read("openpgp/CHECKSUM.outside");
    let unsigned = signature::unsigned_body(&clear).unwrap();
    assert_eq!(&*unsigned.body, &read("CHECKSUM")[..]);
    assert_eq!(unsigned.signature, Some(Format::OpenPgp));
    let embedded = read("signify/SHA256.sig");
    let unsigned = signature::unsigned_body(&embedded).unwrap();
    assert_eq!(&*unsigned.body, &read("CHECKSUM")[..]);
    assert_eq!(unsigned.signature, Some(Format::Signify));
    let plain = read("SHA256SUMS");
    let unsigned = signature::unsigned_body(&plain).unwrap();
    assert_eq!(&*unsigned.body, &plain[..]);
    assert_eq!(unsigned.signature, None);
}

#[test]
fn missing_signature() {
    let k = keys(&["openpgp/alice.asc"]);
    assert_err!(
        check("SHA256SUMS", None, &k),
        SignatureError::Missing,
        "no signature"
    );
}

// ---- minisign --------------------------------------------------------------

#[test]
fn minisign_good() {
    let k = keys(&["minisign/alice.pub"]);
    let v = assert_good(
        detached("SHA256SUMS", "minisign/SHA256SUMS.minisig", &k),
        &read("SHA256SUMS"),
        Format::Minisign,
        "file:SHA256SUMS",
    );
    assert_eq!(
        v.signer.created,
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(JAN_2_2024))
    );
}

#[test]
fn minisign_refusals() {
    let k = keys(&["minisign/alice.pub"]);
    assert_err!(
        detached("SHA256SUMS", "minisign/SHA256SUMS.mallory.minisig", &k),
        SignatureError::Untrusted {
            format: Format::Minisign,
            ..
        },
        "key ID"
    );
    assert_err!(
        detached("SHA256SUMS.tampered", "minisign/SHA256SUMS.minisig", &k),
        SignatureError::BadSignature { .. },
        "does not match"
    );
    // minisign's trusted comment names the file that was signed.
    assert_err!(
        detached("SHA256SUMS", "minisign/OTHER.minisig", &k),
        SignatureError::BadSignature { .. },
        "file:OTHER"
    );
    assert_err!(
        detached("SHA256SUMS", "minisign/SHA256SUMS.truncated.minisig", &k),
        SignatureError::Truncated { .. },
        "truncated"
    );
}

// ---- signify ---------------------------------------------------------------

#[test]
fn signify_good_detached_and_embedded() {
    let k = keys(&["signify/alice.pub"]);
    assert_good(
        detached("SHA256SUMS", "signify/SHA256SUMS.sig", &k),
        &read("SHA256SUMS"),
        Format::Signify,
        "(alice public key)",
    );
    assert_good(
        check("signify/SHA256.sig", None, &k),
        &read("CHECKSUM"),
        Format::Signify,
        "alice",
    );
}

#[test]
fn signify_refusals() {
    let k = keys(&["signify/alice.pub"]);
    assert_err!(
        detached("SHA256SUMS", "signify/SHA256SUMS.mallory.sig", &k),
        SignatureError::Untrusted {
            format: Format::Signify,
            ..
        },
        "key ID"
    );
    assert_err!(
        check("signify/SHA256.mallory.sig", None, &k),
        SignatureError::Untrusted { .. },
        "key ID"
    );
    assert_err!(
        detached("SHA256SUMS.tampered", "signify/SHA256SUMS.sig", &k),
        SignatureError::BadSignature { .. },
        "alice"
    );
    assert_err!(
        check("signify/SHA256.tampered.sig", None, &k),
        SignatureError::BadSignature { .. },
        "alice"
    );
    assert_err!(
        detached("SHA256SUMS", "signify/OTHER.sig", &k),
        SignatureError::BadSignature { .. },
        "does not match"
    );
    assert_err!(
        detached("SHA256SUMS", "signify/SHA256SUMS.truncated.sig", &k),
        SignatureError::Truncated { .. },
        "truncated"
    );
    assert_err!(
        check("signify/SHA256.truncated.sig", None, &k),
        SignatureError::Truncated { .. },
        "truncated"
    );
    // Cut inside the embedded message: the signature is of other bytes.
    let whole = read("signify/SHA256.sig");
    let cut = &whole[..whole.len() - 10];
    let err = signature::verify(cut, None, &k, now()).unwrap_err();
    assert!(matches!(err, SignatureError::BadSignature { .. }), "{err}");
}

// ---- SSH -------------------------------------------------------------------

#[test]
fn ssh_good_with_public_key_and_allowed_signers() {
    for key in ["ssh/alice.pub", "ssh/allowed_signers"] {
        let k = keys(&[key]);
        assert_good(
            detached("SHA256SUMS", "ssh/SHA256SUMS.sig", &k),
            &read("SHA256SUMS"),
            Format::Ssh,
            "alice@example.org",
        );
    }
}

#[test]
fn ssh_refusals() {
    let k = keys(&["ssh/allowed_signers"]);
    assert_err!(
        detached("SHA256SUMS", "ssh/SHA256SUMS.mallory.sig", &k),
        SignatureError::Untrusted {
            format: Format::Ssh,
            ..
        },
        "SHA256:"
    );
    assert_err!(
        detached("SHA256SUMS.tampered", "ssh/SHA256SUMS.sig", &k),
        SignatureError::BadSignature { .. },
        "alice"
    );
    assert_err!(
        detached("SHA256SUMS", "ssh/OTHER.sig", &k),
        SignatureError::BadSignature { .. },
        "does not match"
    );
    assert_err!(
        detached("SHA256SUMS", "ssh/SHA256SUMS.truncated.sig", &k),
        SignatureError::Truncated { .. },
        "truncated"
    );
    assert_err!(
        detached("SHA256SUMS", "ssh/SHA256SUMS.git.sig", &k),
        SignatureError::Invalid { .. },
        "namespace \"git\""
    );
}

#[test]
fn ssh_allowed_signers_limits_apply() {
    let line = std::fs::read_to_string(path("ssh/allowed_signers")).unwrap();
    let limited = |options: &str| {
        let mut k = TrustedKeys::new();
        k.add(line.replacen("namespaces=\"file\"", options, 1).as_bytes())
            .unwrap();
        k
    };
    assert_err!(
        detached(
            "SHA256SUMS",
            "ssh/SHA256SUMS.sig",
            &limited("namespaces=\"git\"")
        ),
        SignatureError::Invalid { .. },
        "namespaces"
    );
    assert_err!(
        detached(
            "SHA256SUMS",
            "ssh/SHA256SUMS.sig",
            &limited("valid-before=\"20241231Z\"")
        ),
        SignatureError::Expired { .. },
        "2024-12-31"
    );
    assert_err!(
        detached(
            "SHA256SUMS",
            "ssh/SHA256SUMS.sig",
            &limited("valid-after=\"20300101\"")
        ),
        SignatureError::Invalid { .. },
        "valid-after"
    );
    assert!(detached(
        "SHA256SUMS",
        "ssh/SHA256SUMS.sig",
        &limited("valid-after=\"20240101\",valid-before=\"20300101\"")
    )
    .is_ok());
}

// ---- across formats --------------------------------------------------------

#[test]
fn a_signature_in_no_known_format_is_invalid() {
    let k = keys(&["ssh/alice.pub"]);
    assert_err!(
        detached("SHA256SUMS", "SHA256SUMS", &k),
        SignatureError::Invalid { format: None, .. },
        "not a signature in a known format"
    );
}

#[test]
fn keys_of_every_format_together() {
    let k = keys(&[
        "openpgp/alice.asc",
        "minisign/alice.pub",
        "signify/alice.pub",
        "ssh/allowed_signers",
    ]);
    assert_eq!(k.len(), 4);
    for sig in [
        "openpgp/SHA256SUMS.gpg",
        "minisign/SHA256SUMS.minisig",
        "signify/SHA256SUMS.sig",
        "ssh/SHA256SUMS.sig",
    ] {
        assert!(detached("SHA256SUMS", sig, &k).is_ok(), "{sig}");
    }
}

#[test]
fn sidecar_names_find_each_fixture_kind() {
    let names = signature::signature_names(b"SHA256SUMS");
    let suffixes: Vec<_> = names
        .iter()
        .map(|n| String::from_utf8_lossy(&n[10..]).into_owned())
        .collect();
    assert_eq!(suffixes, [".gpg", ".asc", ".sig", ".sign", ".minisig"]);
}
