//! The signature fixtures (`testdata/signatures`) as the signed-manifest
//! tests use them: one place for the paths, Alice's key and a download.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use checksig::signature::TrustedKeys;

/// A fixture's path.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/signatures")
        .join(name)
}

/// Alice's OpenPGP certificate, the key the detached fixtures are signed with.
pub fn alice() -> TrustedKeys {
    let mut keys = TrustedKeys::new();
    keys.add_file(&fixture("openpgp/alice.asc")).unwrap();
    keys
}

/// a.txt, b.txt and the manifest `manifest` as `name`, with the detached
/// signature `signature` beside it (as `name`.gpg) if there is one.
pub fn download(manifest: &str, name: &str, signature: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in ["a.txt", "b.txt"] {
        std::fs::copy(fixture(&format!("files/{file}")), dir.path().join(file)).unwrap();
    }
    std::fs::copy(fixture(manifest), dir.path().join(name)).unwrap();
    if let Some(signature) = signature {
        std::fs::copy(fixture(signature), dir.path().join(format!("{name}.gpg"))).unwrap();
    }
    dir
}
