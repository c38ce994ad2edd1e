//! The one place a verification starts: the root opened once, the manifest
//! read through it, its signature checked against the keys (or, without
//! keys, a signed manifest's framing stripped and the signature reported
//! unchecked), and its algorithm detected. [`Verifier::verify_dir`],
//! [`Verifier::plan`] and [`Verifier::verify_lines`] all begin here, so that
//! a manifest verified in parts is read, trusted and reported as a whole one.

use std::path::{Path, PathBuf};

use super::{find_manifest, Verifier};
use crate::digest::Algorithm;
use crate::error::Error;
use crate::fs::root::Root;
use crate::report::Report;

/// A manifest as read beneath its opened root, ready to parse.
pub(super) struct Loaded {
    /// The verifier, with its manifest named.
    pub(super) verifier: Verifier,
    pub(super) root: Root,
    /// The manifest's path, for messages.
    pub(super) manifest_path: PathBuf,
    /// The algorithm the manifest is read as (detected unless given).
    pub(super) algorithm: Algorithm,
    /// The checksum lines: the bytes the signature covers, or the whole
    /// manifest when it is not signed.
    pub(super) bytes: Vec<u8>,
    /// What the report says of the signature.
    pub(super) signature: Signature,
}

impl Loaded {
    /// The parser [`Verifier::verify_dir`] reads the manifest with: each
    /// line by its own tag when the first line is tagged and no algorithm
    /// was given (`cksum`'s mixed manifests), else the algorithm's.
    pub(super) fn parser(&self) -> crate::manifest::Parser {
        parser(&self.verifier, &self.bytes, self.algorithm)
    }
}

/// The parser `verifier` reads the manifest `bytes` of `algorithm` with:
/// when the first line is tagged and no algorithm was given, each tagged
/// line by its own tag (`cksum`'s mixed manifests) and untagged lines as
/// `algorithm` (as `sha256sum -c` reads them); else `algorithm`'s.
pub(super) fn parser(
    verifier: &Verifier,
    bytes: &[u8],
    algorithm: Algorithm,
) -> crate::manifest::Parser {
    let parser = crate::manifest::Parser::new(algorithm);
    if verifier.detect_algorithm && crate::detect::first_line_is_tagged(bytes) {
        parser.each_tag()
    } else {
        parser
    }
}

/// What a manifest's signature makes of its report.
#[derive(Clone, Debug, Default)]
pub(super) struct Signature {
    /// Lines of the manifest before the first line of [`Loaded::bytes`]
    /// (a clear-signed manifest's header): an entry's line in the manifest
    /// is its line in the body plus this.
    pub(super) line_offset: u64,
    #[cfg(feature = "signatures")]
    check: Option<crate::signature::SignatureCheck>,
    /// The detached signature's name beneath the root, when one was used.
    #[cfg(feature = "signatures")]
    file: Option<Vec<u8>>,
}

impl Signature {
    /// Says in `report` what the signature is, and drops the detached
    /// signature from its unlisted files. With `shift`, the report's lines
    /// are the body's and become the manifest's.
    pub(super) fn mark(&self, report: &mut Report, shift: bool) {
        #[cfg(feature = "signatures")]
        report.set_signature(
            self.check.clone(),
            if shift { self.line_offset } else { 0 },
            self.file.as_deref(),
        );
        #[cfg(not(feature = "signatures"))]
        let _ = (report, shift);
    }
}

impl Verifier {
    /// The manifest of `root` (the one [`Verifier::manifest`] names, else
    /// [`find_manifest`]'s), read through the one handle on `root` that every
    /// entry is then opened beneath, and checked against the keys.
    pub(super) fn load(&self, root_path: &Path) -> Result<Loaded, Error> {
        if !self.manifest_given {
            return self
                .clone()
                .manifest(find_manifest(root_path))
                .load(root_path);
        }
        let (root, manifest_path, bytes) = self.open_and_read(root_path)?;
        #[cfg(feature = "signatures")]
        let (bytes, signature) = {
            let keys = self.keys.as_deref();
            let body = super::signed::body(&root, &self.manifest, &manifest_path, &bytes, keys)?;
            let signature = Signature {
                line_offset: body.line_offset,
                check: body.check,
                file: body.signature_file,
            };
            // The body is the whole manifest unless a signature framed it.
            let body = match body.bytes {
                std::borrow::Cow::Owned(body) => Some(body),
                std::borrow::Cow::Borrowed(body) if body.len() == bytes.len() => None,
                std::borrow::Cow::Borrowed(body) => Some(body.to_vec()),
            };
            (body.unwrap_or(bytes), signature)
        };
        #[cfg(not(feature = "signatures"))]
        let signature = Signature::default();
        let algorithm = if self.detect_algorithm {
            crate::detect::detect(Some(&self.manifest), &bytes)
        } else {
            self.algorithm
        };
        Ok(Loaded {
            verifier: self.clone(),
            root,
            manifest_path,
            algorithm,
            bytes,
            signature,
        })
    }

    /// The root opened once (unopenable, it is the manifest beneath it that
    /// cannot be read), the manifest's path, and its bytes read through
    /// that handle; the manifest must be named.
    pub(super) fn open_and_read(&self, root: &Path) -> Result<(Root, PathBuf, Vec<u8>), Error> {
        let manifest_path = root.join(&self.manifest);
        let root = self.open_root(root).map_err(|e| match e {
            Error::OpenRoot { source, .. } if !self.manifest.is_absolute() => Error::ReadManifest {
                path: manifest_path.clone(),
                source,
            },
            e => e,
        })?;
        let bytes = self.read_manifest(&root, &manifest_path)?;
        Ok((root, manifest_path, bytes))
    }
}
