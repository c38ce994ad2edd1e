//! Completeness: the files under the root that the manifest does not list.
//!
//! An added file is as dangerous as a changed one when its mere presence
//! changes behaviour (a `.py` next to listed ones can shadow an import), so
//! [`crate::Verifier::report_unlisted`] reports every non-directory entry
//! under the root (regular file, symbolic link, FIFO...) that no manifest
//! line names, as [`Status::Unlisted`]. Symbolic links are not followed, so
//! a link to a directory is one unlisted entry and its target is not walked.
//! The manifest file itself is never unlisted.
//!
//! Names are compared after lexical normalisation: `./a//b` lists `a/b`.

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::fs::walk::{walk, Found};
use crate::fs::Root;
use crate::manifest::Manifest;
use crate::report::{Report, Status};

/// The entries under `root` that `manifest` does not list, sorted by name
/// (raw bytes, relative to `root`), then one [`Status::Unreadable`] result
/// per directory that could not be listed. The manifest itself, at
/// `manifest_path` (relative to the root unless absolute), is left out.
/// An allocation of the report the system refuses is an error.
pub(crate) fn unlisted(
    root: &Root,
    manifest: &Manifest,
    manifest_path: &Path,
) -> Result<Report, std::collections::TryReserveError> {
    let mut listed: HashSet<Vec<u8>> = manifest
        .entries()
        .filter_map(|entry| normalize(&entry.name))
        .collect();
    // An absolute manifest path is recognised by identity, not by name.
    let mut own_id = None;
    if manifest_path.is_absolute() {
        own_id = std::fs::metadata(manifest_path)
            .ok()
            .map(|meta| (meta.dev(), meta.ino()));
    } else if let Some(own) = normalize(manifest_path.as_os_str().as_bytes()) {
        listed.insert(own);
    }
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    walk(root, &mut |entry| {
        match entry {
            Found::Entry { name, id, .. } => {
                if !listed.contains(name) && Some(id) != own_id {
                    found.push(name.to_vec());
                }
            }
            Found::Unreadable { name, error } => unreadable.push((name.to_vec(), error)),
        }
        ControlFlow::Continue(())
    });
    found.sort_unstable();
    unreadable.sort_unstable_by(|a: &(Vec<u8>, _), b| a.0.cmp(&b.0));
    let mut report = Report::new();
    let bytes = found.iter().chain(unreadable.iter().map(|(name, _)| name));
    report.try_reserve(found.len() + unreadable.len(), bytes.map(Vec::len).sum())?;
    for name in found {
        report.push(0, &name, None, Status::Unlisted)?;
    }
    for (name, error) in unreadable {
        report.push(0, &name, None, Status::Unreadable(error))?;
    }
    Ok(report)
}

/// `name` without `.` components and repeated slashes; `None` for a name that
/// is absolute or climbs with `..`, which cannot name a file found by the walk.
fn normalize(name: &[u8]) -> Option<Vec<u8>> {
    if name.first() == Some(&b'/') {
        return None;
    }
    let mut normal = Vec::with_capacity(name.len());
    for component in name.split(|&b| b == b'/') {
        match component {
            b"" | b"." => {}
            b".." => return None,
            _ => {
                if !normal.is_empty() {
                    normal.push(b'/');
                }
                normal.extend_from_slice(component);
            }
        }
    }
    Some(normal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::StatusKind;

    fn names(report: &Report) -> Vec<(&[u8], StatusKind)> {
        report.entries().map(|r| (r.name(), r.kind())).collect()
    }

    #[test]
    fn reports_unlisted_files_sorted_and_skips_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("pkg/sub")).unwrap();
        std::fs::create_dir(root.join("empty")).unwrap();
        for name in [
            "a",
            "z",
            "pkg/listed.py",
            "pkg/evil.py",
            "pkg/sub/x",
            "SHA256SUMS",
        ] {
            std::fs::write(root.join(name), name).unwrap();
        }
        std::os::unix::fs::symlink("/etc", root.join("link")).unwrap();
        let zero = "0".repeat(40);
        let manifest = Manifest::parse(
            format!("{zero}  ./a\n{zero}  pkg//listed.py\n{zero}  ../out\n").as_bytes(),
        );
        let root_dir = Root::open(root, true).unwrap();
        let found = unlisted(&root_dir, &manifest, Path::new("SHA256SUMS")).unwrap();
        assert_eq!(
            names(&found),
            [
                (&b"link"[..], StatusKind::Unlisted),
                (b"pkg/evil.py", StatusKind::Unlisted),
                (b"pkg/sub/x", StatusKind::Unlisted),
                (b"z", StatusKind::Unlisted),
            ]
        );
        assert!(found
            .entries()
            .all(|r| r.line() == 0 && r.expected().is_none()));
        // An absolute manifest path under the root is recognised too.
        let found = unlisted(&root_dir, &manifest, &root.join("SHA256SUMS")).unwrap();
        assert_eq!(found.len(), 4);
        // A manifest elsewhere does not hide a file of the same name.
        let found = unlisted(&root_dir, &manifest, Path::new("/nonexistent/SHA256SUMS")).unwrap();
        assert_eq!(found.len(), 5);
    }

    #[test]
    fn normalizes_names() {
        assert_eq!(normalize(b"./a//b/./c").unwrap(), b"a/b/c");
        assert_eq!(normalize(b"/abs"), None);
        assert_eq!(normalize(b"a/../b"), None);
    }
}
