//! Checks for the signature fuzz targets (`signature_keys`,
//! `signature_verify`, `signature_clearsign`), also replayed by the
//! workspace's `cargo test --features signatures`
//! (`tests/fuzz_corpus.rs`, which includes this file by path), so
//! it depends on nothing but `checksig` and `std`.
//!
//! Keys, signatures and manifests are untrusted input: no bytes may make the
//! parsers panic, hang or grow memory without bound, and no bytes may verify
//! unless a trusted key signed exactly the body returned.

use std::time::{Duration, SystemTime};

use checksig::signature::{self, Format, TrustedKeys};

/// The fixtures' public keys (testdata/signatures/generate.sh), one of each
/// format.
const KEYS: [&[u8]; 5] = [
    include_bytes!("../../testdata/signatures/openpgp/alice.asc"),
    include_bytes!("../../testdata/signatures/openpgp/bob.asc"),
    include_bytes!("../../testdata/signatures/minisign/alice.pub"),
    include_bytes!("../../testdata/signatures/signify/alice.pub"),
    include_bytes!("../../testdata/signatures/ssh/allowed_signers"),
];

/// The manifest the fixtures' detached signatures sign.
pub const MANIFEST: &[u8] = include_bytes!("../../testdata/signatures/SHA256SUMS");

/// The fixtures' trusted keys.
pub fn trusted_keys() -> TrustedKeys {
    let mut keys = TrustedKeys::new();
    for key in KEYS {
        keys.add(key).expect("fixture key");
    }
    keys
}

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600)
}

/// Target `signature_keys`: reading any bytes as a key file never panics; a
/// key file that is accepted added at least one key.
pub fn signature_keys(data: &[u8]) {
    let mut keys = TrustedKeys::new();
    if let Ok(added) = keys.add(data) {
        assert!(added > 0, "a key file accepted with no key");
        assert_eq!(keys.len(), added);
    }
}

/// Target `signature_verify`: any bytes as a detached signature of the
/// fixture manifest, and as a manifest with its signature inside, never
/// panic; what verifies names its signer, its body is the manifest
/// (detached) or what `unsigned_body` reads (inside), and reading it without
/// keys names the same format.
pub fn signature_verify(keys: &TrustedKeys, data: &[u8]) {
    if let Ok(verified) = signature::verify(MANIFEST, Some(("fuzz.sig", data)), keys, now()) {
        assert_eq!(verified.body, MANIFEST);
        assert!(!verified.signer.key.is_empty(), "a signer without a name");
    }
    match signature::verify(data, None, keys, now()) {
        Ok(verified) => {
            let unsigned = signature::unsigned_body(data).expect("verified but unreadable");
            assert_eq!(&*unsigned.body, &verified.body[..]);
            assert_eq!(unsigned.signature, Some(verified.signer.format));
        }
        Err(err) => {
            let _ = err.to_string();
        }
    }
}

/// Target `signature_clearsign`: splitting any bytes as a signed manifest
/// never panics; the body of a clear-signed one is no longer than the input
/// and holds no armor line; a signify-embedded body is the input's tail.
pub fn signature_clearsign(data: &[u8]) {
    let Ok(unsigned) = signature::unsigned_body(data) else {
        return;
    };
    match unsigned.signature {
        None => assert_eq!(&*unsigned.body, data),
        Some(Format::Signify) => assert!(data.ends_with(&unsigned.body)),
        Some(Format::OpenPgp) => {
            assert!(unsigned.body.len() <= data.len());
            for line in unsigned.body.split(|&b| b == b'\n') {
                assert_ne!(line, b"-----BEGIN PGP SIGNATURE-----");
            }
        }
        Some(other) => panic!("{other} cannot be inside a manifest"),
    }
}
