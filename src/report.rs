//! The outcome of a verification: one result per manifest line, in manifest order.

use std::fmt;
use std::io;

use crate::digest::Digest;
use crate::fs::root::FileKind;
use crate::manifest::{Item, Manifest};

/// What happened to one manifest line.
#[derive(Debug)]
#[non_exhaustive]
pub enum Status {
    /// The file's digest matches.
    Ok,
    /// The file's digest differs from the manifest's.
    Mismatch {
        /// The digest the file has (boxed: a [`Digest`] is 65 bytes, and a
        /// mismatch is rare, so every other status stays small).
        actual: Box<Digest>,
    },
    /// The file does not exist.
    Missing,
    /// The file exists but could not be opened or read.
    Unreadable(io::Error),
    /// The name is a directory, FIFO, device or socket; it was not read.
    NotRegular(FileKind),
    /// The name leaves the root directory (absolute, `..`, or a symbolic link
    /// pointing out); it was not opened.
    OutsideRoot,
    /// The file's size changed while it was read, so no digest is trustworthy.
    Changed,
    /// The line is not a valid manifest line.
    Malformed {
        /// The line, without its line end.
        text: Vec<u8>,
    },
    /// The file is under the root but the manifest does not list it (only
    /// reported with [`crate::Verifier::report_unlisted`]).
    Unlisted,
}

/// The kind of a [`Status`], without its data: a stable code for other languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum StatusKind {
    /// [`Status::Ok`]
    Ok = 0,
    /// [`Status::Mismatch`]
    Mismatch = 1,
    /// [`Status::Missing`]
    Missing = 2,
    /// [`Status::Unreadable`]
    Unreadable = 3,
    /// [`Status::NotRegular`]
    NotRegular = 4,
    /// [`Status::OutsideRoot`]
    OutsideRoot = 5,
    /// [`Status::Changed`]
    Changed = 6,
    /// [`Status::Malformed`]
    Malformed = 7,
    /// [`Status::Unlisted`]
    Unlisted = 8,
}

impl StatusKind {
    /// Every kind, in code order.
    pub const ALL: [StatusKind; 9] = [
        StatusKind::Ok,
        StatusKind::Mismatch,
        StatusKind::Missing,
        StatusKind::Unreadable,
        StatusKind::NotRegular,
        StatusKind::OutsideRoot,
        StatusKind::Changed,
        StatusKind::Malformed,
        StatusKind::Unlisted,
    ];

    /// A short lowercase name, such as `"mismatch"` (used by `--json`).
    pub fn name(self) -> &'static str {
        match self {
            StatusKind::Ok => "ok",
            StatusKind::Mismatch => "mismatch",
            StatusKind::Missing => "missing",
            StatusKind::Unreadable => "unreadable",
            StatusKind::NotRegular => "not_regular",
            StatusKind::OutsideRoot => "outside_root",
            StatusKind::Changed => "changed",
            StatusKind::Malformed => "malformed",
            StatusKind::Unlisted => "unlisted",
        }
    }
}

impl Status {
    /// The kind of this status.
    pub fn kind(&self) -> StatusKind {
        match self {
            Status::Ok => StatusKind::Ok,
            Status::Mismatch { .. } => StatusKind::Mismatch,
            Status::Missing => StatusKind::Missing,
            Status::Unreadable(_) => StatusKind::Unreadable,
            Status::NotRegular(_) => StatusKind::NotRegular,
            Status::OutsideRoot => StatusKind::OutsideRoot,
            Status::Changed => StatusKind::Changed,
            Status::Malformed { .. } => StatusKind::Malformed,
            Status::Unlisted => StatusKind::Unlisted,
        }
    }
}

impl fmt::Display for Status {
    /// A short reason, such as `mismatch` or `not a regular file (FIFO)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Ok => f.write_str("OK"),
            Status::Mismatch { .. } => f.write_str("mismatch"),
            Status::Missing => f.write_str("no such file or directory"),
            Status::Unreadable(e) => write!(f, "cannot be read: {e}"),
            Status::NotRegular(kind) => write!(f, "not a regular file ({kind})"),
            Status::OutsideRoot => f.write_str("outside the root directory"),
            Status::Changed => f.write_str("changed while it was read"),
            Status::Malformed { .. } => f.write_str("improperly formatted line"),
            Status::Unlisted => f.write_str("not listed in the manifest"),
        }
    }
}

/// The result for one manifest line, or for one file the manifest does not list.
#[derive(Debug)]
pub struct EntryReport {
    /// The 1-based line number in the manifest; 0 for a file found under the
    /// root and not listed ([`Status::Unlisted`], or [`Status::Unreadable`]
    /// for a directory that could not be listed).
    pub line: u64,
    /// The file name as listed (raw bytes); empty for a malformed line.
    pub name: Vec<u8>,
    /// The digest the manifest lists; `None` for a malformed line. Boxed,
    /// so that a report costs 64 bytes per line rather than 128 (a
    /// manifest's malformed lines, which have none, cost no digest at all).
    pub expected: Option<Box<Digest>>,
    /// What happened.
    pub status: Status,
}

impl EntryReport {
    /// The digest the file was found to have, when it was read.
    pub fn actual(&self) -> Option<Digest> {
        match &self.status {
            Status::Ok => self.expected.as_deref().copied(),
            Status::Mismatch { actual } => Some(**actual),
            _ => None,
        }
    }
}

/// Verification policy that decides which results are failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Policy {
    pub ignore_missing: bool,
    pub strict: bool,
}

/// The results of verifying a manifest: one [`EntryReport`] per entry or
/// malformed line, in manifest order.
///
/// ```no_run
/// let report = checksig::verify_dir("downloads")?;
/// for failure in report.failures() {
///     println!("{}: {}", String::from_utf8_lossy(&failure.name), failure.status);
/// }
/// println!("{}", report.summary());
/// # Ok::<(), checksig::Error>(())
/// ```
#[derive(Debug)]
pub struct Report {
    entries: Vec<EntryReport>,
    policy: Policy,
    /// What was found out about the manifest's signature.
    #[cfg(feature = "signatures")]
    signature: Option<crate::signature::SignatureCheck>,
}

impl Report {
    pub(crate) fn new(entries: Vec<EntryReport>, policy: Policy) -> Report {
        Report {
            entries,
            policy,
            #[cfg(feature = "signatures")]
            signature: None,
        }
    }

    /// The manifest's signature: [`SignatureCheck::Verified`] with its
    /// signer when trusted keys were given ([`crate::Verifier::keys`]),
    /// [`SignatureCheck::Unchecked`] when the manifest is signed but no key
    /// was given, `None` when no signature was looked at or found.
    ///
    /// [`SignatureCheck::Verified`]: crate::signature::SignatureCheck::Verified
    /// [`SignatureCheck::Unchecked`]: crate::signature::SignatureCheck::Unchecked
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "hello\n").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"),
    /// #     "f572d396fae9206628714fb2ce00f72e94f2258f  a\n").unwrap();
    /// let report = checksig::verify_dir(dir.path())?;
    /// assert!(report.signature().is_none());
    /// # Ok::<(), checksig::Error>(())
    /// ```
    #[cfg(feature = "signatures")]
    pub fn signature(&self) -> Option<&crate::signature::SignatureCheck> {
        self.signature.as_ref()
    }

    /// Records the manifest's signature, moves the lines of a signed body
    /// back to their place in the manifest (`line_offset` lines of armor or
    /// signature came before the body), and drops the detached signature
    /// file that was checked from the unlisted files, as the manifest is.
    #[cfg(feature = "signatures")]
    pub(crate) fn set_signature(
        &mut self,
        signature: Option<crate::signature::SignatureCheck>,
        line_offset: u64,
        signature_file: Option<&[u8]>,
    ) {
        self.signature = signature;
        if let Some(file) = signature_file {
            self.entries
                .retain(|e| !(matches!(e.status, Status::Unlisted) && e.name == file));
        }
        if line_offset > 0 {
            for entry in self.entries.iter_mut().filter(|e| e.line > 0) {
                entry.line += line_offset;
            }
        }
    }

    /// Gives the manifest's entries their names and its malformed lines
    /// their text, from the manifest that was verified (item `i` made entry
    /// `i`), when the run left them empty: moved, not copied, so that no
    /// line's bytes are held twice.
    pub(crate) fn move_names_from(&mut self, manifest: Manifest) {
        for (entry, item) in self.entries.iter_mut().zip(manifest.into_items()) {
            match (item, &mut entry.status) {
                (Item::Entry(listed), _) => entry.name = listed.name,
                (Item::Malformed(malformed), Status::Malformed { text }) => *text = malformed.text,
                (Item::Malformed(_), _) => {}
            }
        }
    }

    /// Puts this report's results into the places `skeleton` keeps for them
    /// (every report whose status is not [`Status::Malformed`], in order),
    /// the results past them (unlisted files) after; an empty skeleton
    /// leaves the report as it is.
    pub(crate) fn fill(&mut self, mut skeleton: Vec<EntryReport>) {
        if skeleton.is_empty() {
            return;
        }
        let mut results = std::mem::take(&mut self.entries).into_iter();
        for slot in &mut skeleton {
            if !matches!(slot.status, Status::Malformed { .. }) {
                if let Some(result) = results.next() {
                    *slot = result;
                }
            }
        }
        skeleton.extend(results);
        self.entries = skeleton;
    }

    /// Adds the results of the completeness check after the manifest's own.
    pub(crate) fn extend(&mut self, unlisted: Vec<EntryReport>) {
        self.entries.extend(unlisted);
    }

    /// Every result, in manifest order; then, with
    /// [`crate::Verifier::report_unlisted`], the unlisted files in byte order
    /// of their names.
    pub fn entries(&self) -> &[EntryReport] {
        &self.entries
    }

    /// Takes the results out.
    pub fn into_entries(self) -> Vec<EntryReport> {
        self.entries
    }

    /// Whether `entry` counts as a failure under this report's options:
    /// everything but OK, except a missing file with `ignore_missing` and a
    /// malformed line without `strict`.
    pub fn is_failure(&self, entry: &EntryReport) -> bool {
        match entry.status {
            Status::Ok => false,
            Status::Missing => !self.policy.ignore_missing,
            Status::Malformed { .. } => self.policy.strict,
            _ => true,
        }
    }

    /// The failures, in manifest order.
    pub fn failures(&self) -> impl Iterator<Item = &EntryReport> {
        self.entries.iter().filter(|e| self.is_failure(e))
    }

    /// How many results have this kind.
    pub fn count(&self, kind: StatusKind) -> usize {
        self.entries
            .iter()
            .filter(|e| e.status.kind() == kind)
            .count()
    }

    /// True when no result is a failure and at least one file matched.
    ///
    /// A manifest with no entry, or whose every file is missing under
    /// `ignore_missing`, verified nothing and is not OK (as `sha1sum -c` says
    /// "no properly formatted checksum lines found" or "no file was verified").
    pub fn is_ok(&self) -> bool {
        self.failures().next().is_none() && self.count(StatusKind::Ok) > 0
    }

    /// One line such as `9 OK, 1 mismatch` or `nothing verified`.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = StatusKind::ALL
            .iter()
            .map(|&kind| (kind, self.count(kind)))
            .filter(|&(_, n)| n > 0)
            .map(|(kind, n)| match kind {
                StatusKind::Ok => format!("{n} OK"),
                _ => format!("{n} {}", kind.name().replace('_', " ")),
            })
            .collect();
        if parts.is_empty() {
            "nothing verified: the manifest lists no file".to_string()
        } else {
            parts.join(", ")
        }
    }
}
