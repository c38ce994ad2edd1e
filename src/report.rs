//! The outcome of a verification: one result per manifest line, in manifest order.
//!
//! A [`Report`] is columnar, so that a manifest of millions of lines costs
//! little more than its names: each result is one fixed-size row (24
//! bytes: line, offsets, status code, algorithm), the names, malformed
//! lines' text and expected digests (at their algorithm's own length) are
//! in one byte arena, and the rare data (a mismatch's digest, an I/O error,
//! a file's kind) in a side table the row points into. The rows are kept
//! in pieces (a chunked run makes one per chunk, without copying them
//! together); [`Report::entries`] hands out borrowed [`EntryReport`] views.

use std::fmt;
use std::io;

use crate::digest::Digest;
use crate::fs::root::FileKind;
use crate::manifest::Item;
use crate::Algorithm;
use std::collections::TryReserveError;

/// What happened to one manifest line.
///
/// ```
/// use checksig::{Status, StatusKind};
///
/// let status = Status::Missing;
/// assert!(matches!(status, Status::Missing));
/// assert_eq!(status.kind(), StatusKind::Missing);
/// ```
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
    /// The line is not a valid manifest line (its text is
    /// [`EntryReport::text`]).
    Malformed,
    /// The file is under the root but the manifest does not list it (only
    /// reported with [`crate::Verifier::report_unlisted`]).
    Unlisted,
}

/// The kind of a [`Status`], without its data: a stable code for other languages.
///
/// ```
/// use checksig::StatusKind;
///
/// // The code is the enum's `u32` value (what the C ABI passes on).
/// assert_eq!(StatusKind::Ok as u32, 0);
/// assert_eq!(StatusKind::Mismatch as u32, 1);
/// assert_eq!(StatusKind::Unlisted as u32, 8);
/// ```
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
    ///
    /// ```
    /// use checksig::StatusKind;
    ///
    /// assert_eq!(StatusKind::ALL.len(), 9);
    /// for (code, kind) in StatusKind::ALL.iter().enumerate() {
    ///     assert_eq!(*kind as u32, code as u32);
    /// }
    /// ```
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
    ///
    /// ```
    /// use checksig::StatusKind;
    ///
    /// assert_eq!(StatusKind::Mismatch.name(), "mismatch");
    /// assert_eq!(StatusKind::OutsideRoot.name(), "outside_root");
    /// ```
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
    ///
    /// ```
    /// use checksig::{Status, StatusKind};
    ///
    /// assert_eq!(Status::Ok.kind(), StatusKind::Ok);
    /// assert_eq!(Status::Changed.kind(), StatusKind::Changed);
    /// let err = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
    /// assert_eq!(Status::Unreadable(err).kind(), StatusKind::Unreadable);
    /// ```
    pub fn kind(&self) -> StatusKind {
        match self {
            Status::Ok => StatusKind::Ok,
            Status::Mismatch { .. } => StatusKind::Mismatch,
            Status::Missing => StatusKind::Missing,
            Status::Unreadable(_) => StatusKind::Unreadable,
            Status::NotRegular(_) => StatusKind::NotRegular,
            Status::OutsideRoot => StatusKind::OutsideRoot,
            Status::Changed => StatusKind::Changed,
            Status::Malformed => StatusKind::Malformed,
            Status::Unlisted => StatusKind::Unlisted,
        }
    }
}

impl Status {
    /// A copy of this status (an I/O error keeps its OS error number, or
    /// else its kind and message).
    pub(crate) fn duplicate(&self) -> Status {
        match self {
            Status::Ok => Status::Ok,
            Status::Mismatch { actual } => Status::Mismatch {
                actual: actual.clone(),
            },
            Status::Missing => Status::Missing,
            Status::Unreadable(e) => Status::Unreadable(match e.raw_os_error() {
                Some(code) => io::Error::from_raw_os_error(code),
                None => io::Error::new(e.kind(), e.to_string()),
            }),
            Status::NotRegular(kind) => Status::NotRegular(*kind),
            Status::OutsideRoot => Status::OutsideRoot,
            Status::Changed => Status::Changed,
            Status::Malformed => Status::Malformed,
            Status::Unlisted => Status::Unlisted,
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
            Status::Malformed => f.write_str("improperly formatted line"),
            Status::Unlisted => f.write_str("not listed in the manifest"),
        }
    }
}

/// The unit statuses, which a row names by its code alone.
static OK: Status = Status::Ok;
static MISSING: Status = Status::Missing;
static OUTSIDE_ROOT: Status = Status::OutsideRoot;
static CHANGED: Status = Status::Changed;
static MALFORMED: Status = Status::Malformed;
static UNLISTED: Status = Status::Unlisted;

/// One result: 24 bytes whatever the name or the digest.
#[derive(Clone, Copy, Debug)]
struct Row {
    /// The 1-based line in the manifest; 0 for an unlisted file.
    line: u64,
    /// Where the row's bytes start in its piece's arena: the expected
    /// digest ([`record_len`] bytes, when `algorithm` is set), then the name
    /// (or a malformed line's text).
    at: u32,
    /// The name's (or text's) length.
    name_len: u32,
    /// The status's place in the piece's side table, for the kinds that
    /// carry data ([`StatusKind::Mismatch`], `Unreadable`, `NotRegular`).
    rare: u32,
    /// The expected digest's algorithm; `None` for a malformed line or an
    /// unlisted file.
    algorithm: Option<Algorithm>,
    /// The [`StatusKind`] code.
    kind: u8,
}

/// The bytes a digest of `algorithm` takes in the arena: its own length,
/// and for a CRC or sum the input's length (8 bytes) after it.
fn record_len(algorithm: Algorithm) -> usize {
    algorithm.digest_len() + if algorithm.is_checkable() { 0 } else { 8 }
}

/// The arena bytes `item`'s result takes.
pub(crate) fn arena_len(item: &Item) -> usize {
    match item {
        Item::Entry(entry) => record_len(entry.digest.algorithm()) + entry.name.len(),
        Item::Malformed(malformed) => malformed.text.len(),
    }
}

/// The error of an arena that cannot grow (offsets past `u32` in one piece).
fn capacity_overflow() -> TryReserveError {
    Vec::<u8>::new()
        .try_reserve(usize::MAX)
        .expect_err("no allocation has usize::MAX bytes")
}

/// Rows and their bytes; a report is a list of these. Offsets are `u32`:
/// a piece whose arena would pass 4 GiB is closed and another started.
#[derive(Debug, Default)]
pub(crate) struct Piece {
    /// The index, in the whole report, of this piece's first row.
    start: usize,
    rows: Vec<Row>,
    bytes: Vec<u8>,
    rare: Vec<Status>,
}

impl Piece {
    /// Whether `more` bytes still fit under `u32` offsets.
    fn fits(&self, more: usize) -> bool {
        self.bytes
            .len()
            .checked_add(more)
            .is_some_and(|end| end <= u32::MAX as usize)
            && self.rare.len() < u32::MAX as usize
    }

    /// A piece for the results of `items`, its rows and arena reserved
    /// exactly (a chunk's: [`crate::verify`]'s chunked path).
    pub(crate) fn for_items(items: &[Item]) -> Result<Piece, TryReserveError> {
        let mut piece = Piece::default();
        piece.rows.try_reserve_exact(items.len())?;
        piece
            .bytes
            .try_reserve_exact(items.iter().map(arena_len).sum())?;
        Ok(piece)
    }

    /// Adds `item`'s result (a malformed line's text as its name).
    pub(crate) fn push_item(&mut self, item: &Item, status: Status) -> Result<(), TryReserveError> {
        match item {
            Item::Entry(entry) => self.push(entry.line, &entry.name, Some(&entry.digest), status),
            Item::Malformed(malformed) => {
                self.push(malformed.line, &malformed.text, None, Status::Malformed)
            }
        }
    }

    /// Adds a row; an arena past `u32` offsets is an error.
    fn push(
        &mut self,
        line: u64,
        name: &[u8],
        expected: Option<&Digest>,
        status: Status,
    ) -> Result<(), TryReserveError> {
        let record = expected.map_or(0, |d| record_len(d.algorithm()));
        if !self.fits(record + name.len()) {
            return Err(capacity_overflow());
        }
        self.rows.try_reserve(1)?;
        self.bytes.try_reserve(record + name.len())?;
        let kind = status.kind();
        let rare = match status {
            Status::Mismatch { .. } | Status::Unreadable(_) | Status::NotRegular(_) => {
                self.rare.try_reserve(1)?;
                self.rare.push(status);
                (self.rare.len() - 1) as u32
            }
            _ => 0,
        };
        let at = self.bytes.len() as u32;
        if let Some(digest) = expected {
            self.bytes.extend_from_slice(digest.as_bytes());
            if let Some(len) = digest.input_len() {
                self.bytes.extend_from_slice(&len.to_le_bytes());
            }
        }
        self.bytes.extend_from_slice(name);
        self.rows.push(Row {
            line,
            at,
            name_len: name.len() as u32,
            rare,
            algorithm: expected.map(Digest::algorithm),
            kind: kind as u8,
        });
        Ok(())
    }
}

/// Verification policy that decides which results are failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Policy {
    pub ignore_missing: bool,
    pub strict: bool,
}

impl Default for Policy {
    /// [`crate::Verifier::new`]'s.
    fn default() -> Policy {
        Policy {
            ignore_missing: false,
            strict: true,
        }
    }
}

/// The result for one manifest line, or for one file the manifest does not
/// list: a view into a [`Report`] (copy it freely; it borrows).
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # std::fs::write(dir.path().join("a"), "hello\n").unwrap();
/// # std::fs::write(dir.path().join("sha1sum.txt"),
/// #     "f572d396fae9206628714fb2ce00f72e94f2258f  a\nnot a line\n").unwrap();
/// let report = checksig::Verifier::new().strict(false).verify_dir(dir.path())?;
/// let first = report.entries().next().unwrap();
/// assert_eq!((first.line(), first.name()), (1, &b"a"[..]));
/// assert!(matches!(first.status(), checksig::Status::Ok));
/// assert_eq!(first.actual(), first.expected());
/// let second = report.get(1).unwrap();
/// assert_eq!(second.text(), Some(&b"not a line"[..]));
/// # Ok::<(), checksig::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct EntryReport<'a> {
    piece: &'a Piece,
    row: &'a Row,
}

impl<'a> EntryReport<'a> {
    /// The 1-based line number in the manifest; 0 for a file found under the
    /// root and not listed ([`Status::Unlisted`], or [`Status::Unreadable`]
    /// for a directory that could not be listed).
    ///
    /// ```
    /// let mut report = checksig::Report::new();
    /// report.push(7, b"a", None, checksig::Status::Missing)?;
    /// assert_eq!(report.get(0).unwrap().line(), 7);
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn line(self) -> u64 {
        self.row.line
    }

    /// The arena bytes after the digest: the name, or a malformed line's text.
    fn tail(self) -> &'a [u8] {
        let start = self.row.at as usize + self.row.algorithm.map_or(0, record_len);
        &self.piece.bytes[start..start + self.row.name_len as usize]
    }

    /// The file name as listed (raw bytes); empty for a malformed line.
    ///
    /// ```
    /// let mut report = checksig::Report::new();
    /// report.push(1, b"a b", None, checksig::Status::Missing)?;
    /// assert_eq!(report.get(0).unwrap().name(), b"a b");
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn name(self) -> &'a [u8] {
        if self.row.kind == StatusKind::Malformed as u8 {
            &[]
        } else {
            self.tail()
        }
    }

    /// A malformed line's text, without its line end; `None` for any other
    /// result.
    ///
    /// ```
    /// let mut report = checksig::Report::new();
    /// report.push(3, b"junk", None, checksig::Status::Malformed)?;
    /// assert_eq!(report.get(0).unwrap().text(), Some(&b"junk"[..]));
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn text(self) -> Option<&'a [u8]> {
        (self.row.kind == StatusKind::Malformed as u8).then(|| self.tail())
    }

    /// The digest the manifest lists; `None` for a malformed line or an
    /// unlisted file.
    ///
    /// ```
    /// use checksig::{hash_bytes, Algorithm, Report, Status};
    /// let digest = hash_bytes(Algorithm::Sha1, b"a");
    /// let mut report = Report::new();
    /// report.push(1, b"a", Some(&digest), Status::Missing)?;
    /// assert_eq!(report.get(0).unwrap().expected(), Some(digest));
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn expected(self) -> Option<Digest> {
        let algorithm = self.row.algorithm?;
        let at = self.row.at as usize;
        let len = algorithm.digest_len();
        let bytes = &self.piece.bytes[at..at + len];
        if algorithm.is_checkable() {
            Digest::from_bytes(algorithm, bytes)
        } else {
            let mut input_len = [0; 8];
            input_len.copy_from_slice(&self.piece.bytes[at + len..at + len + 8]);
            Digest::from_sum(algorithm, bytes, u64::from_le_bytes(input_len))
        }
    }

    /// What happened.
    ///
    /// ```
    /// let mut report = checksig::Report::new();
    /// report.push(1, b"a", None, checksig::Status::OutsideRoot)?;
    /// assert!(matches!(report.get(0).unwrap().status(), checksig::Status::OutsideRoot));
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn status(self) -> &'a Status {
        match StatusKind::ALL[self.row.kind as usize] {
            StatusKind::Ok => &OK,
            StatusKind::Missing => &MISSING,
            StatusKind::OutsideRoot => &OUTSIDE_ROOT,
            StatusKind::Changed => &CHANGED,
            StatusKind::Malformed => &MALFORMED,
            StatusKind::Unlisted => &UNLISTED,
            StatusKind::Mismatch | StatusKind::Unreadable | StatusKind::NotRegular => {
                &self.piece.rare[self.row.rare as usize]
            }
        }
    }

    /// The kind of [`EntryReport::status`], read from the row alone.
    ///
    /// ```
    /// let mut report = checksig::Report::new();
    /// report.push(1, b"a", None, checksig::Status::Changed)?;
    /// assert_eq!(report.get(0).unwrap().kind(), checksig::StatusKind::Changed);
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn kind(self) -> StatusKind {
        StatusKind::ALL[self.row.kind as usize]
    }

    /// The digest the file was found to have, when it was read.
    ///
    /// ```
    /// use checksig::{hash_bytes, Algorithm, Report, Status};
    /// let (listed, found) = (hash_bytes(Algorithm::Sha1, b"a"), hash_bytes(Algorithm::Sha1, b"b"));
    /// let mut report = Report::new();
    /// report.push(1, b"a", Some(&listed), Status::Mismatch { actual: Box::new(found) })?;
    /// report.push(2, b"b", Some(&listed), Status::Ok)?;
    /// report.push(3, b"c", Some(&listed), Status::Missing)?;
    /// let actual: Vec<_> = report.entries().map(|e| e.actual()).collect();
    /// assert_eq!(actual, [Some(found), Some(listed), None]);
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn actual(self) -> Option<Digest> {
        match self.status() {
            Status::Ok => self.expected(),
            Status::Mismatch { actual } => Some(**actual),
            _ => None,
        }
    }
}

impl fmt::Debug for EntryReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("EntryReport");
        s.field("line", &self.line())
            .field("name", &String::from_utf8_lossy(self.name()))
            .field("expected", &self.expected())
            .field("status", self.status());
        if let Some(text) = self.text() {
            s.field("text", &String::from_utf8_lossy(text));
        }
        s.finish()
    }
}

/// The results of verifying a manifest: one [`EntryReport`] per entry or
/// malformed line, in manifest order.
///
/// ```no_run
/// let report = checksig::verify_dir("downloads")?;
/// for failure in report.failures() {
///     println!("{}: {}", String::from_utf8_lossy(failure.name()), failure.status());
/// }
/// println!("{}", report.summary());
/// # Ok::<(), checksig::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct Report {
    pieces: Vec<Piece>,
    len: usize,
    policy: Policy,
    /// What was found out about the manifest's signature.
    #[cfg(feature = "signatures")]
    signature: Option<crate::signature::SignatureCheck>,
}

impl Report {
    /// An empty report under [`crate::Verifier::new`]'s policy (a missing
    /// file and a malformed line are failures), to [`Report::push`] results
    /// into.
    ///
    /// ```
    /// let report = checksig::Report::new();
    /// assert!(report.is_empty() && !report.is_ok());
    /// ```
    pub fn new() -> Report {
        Report::default()
    }

    /// An empty report under `policy`.
    pub(crate) fn with_policy(policy: Policy) -> Report {
        Report {
            policy,
            ..Report::default()
        }
    }

    /// Sets the policy of a report made elsewhere (a chunk's, a part's).
    pub(crate) fn set_policy(&mut self, policy: Policy) {
        self.policy = policy;
    }

    /// Adds a result at the end: the name (a malformed line's text, for
    /// [`Status::Malformed`]) and the expected digest are copied into the
    /// report's arena. An allocation the system refuses is an error.
    ///
    /// ```
    /// use checksig::{Report, Status, StatusKind};
    /// let mut report = Report::new();
    /// report.push(1, b"a", None, Status::Missing)?;
    /// report.push(2, b"#!", None, Status::Malformed)?;
    /// assert_eq!(report.len(), 2);
    /// assert_eq!(report.count(StatusKind::Malformed), 1);
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn push(
        &mut self,
        line: u64,
        name: &[u8],
        expected: Option<&Digest>,
        status: Status,
    ) -> Result<(), TryReserveError> {
        let more = expected.map_or(0, |d| record_len(d.algorithm())) + name.len();
        if self.pieces.last().is_none_or(|piece| !piece.fits(more)) {
            self.pieces.try_reserve(1)?;
            self.pieces.push(Piece {
                start: self.len,
                ..Piece::default()
            });
        }
        let piece = self.pieces.last_mut().expect("a piece was made");
        piece.push(line, name, expected, status)?;
        self.len += 1;
        Ok(())
    }

    /// Adds a copy of `entry` (from this report or another) at the end; an
    /// I/O error keeps its OS error number, or else its kind and message.
    ///
    /// ```
    /// use checksig::{Report, Status};
    /// let mut first = Report::new();
    /// first.push(4, b"a", None, Status::Missing)?;
    /// let mut second = Report::new();
    /// second.push_copy(first.get(0).unwrap())?;
    /// assert_eq!(second.get(0).unwrap().line(), 4);
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn push_copy(&mut self, entry: EntryReport<'_>) -> Result<(), TryReserveError> {
        let name = entry.text().unwrap_or(entry.name());
        self.push(
            entry.line(),
            name,
            entry.expected().as_ref(),
            entry.status().duplicate(),
        )
    }

    /// Adds `item`'s result (a malformed line's text as its name).
    pub(crate) fn push_item(&mut self, item: &Item, status: Status) -> Result<(), TryReserveError> {
        match item {
            Item::Entry(entry) => self.push(entry.line, &entry.name, Some(&entry.digest), status),
            Item::Malformed(malformed) => {
                self.push(malformed.line, &malformed.text, None, Status::Malformed)
            }
        }
    }

    /// A report of `pieces` in order (a chunked run's, one per chunk, in a
    /// list it already had: nothing is copied), under `policy`.
    pub(crate) fn from_pieces(pieces: Vec<Piece>, policy: Policy) -> Report {
        let mut report = Report {
            pieces,
            ..Report::with_policy(policy)
        };
        report.reindex();
        report
    }

    /// Reserves room for `rows` more results and `bytes` more bytes of
    /// names and digests in the last piece, so that a report built whole
    /// grows no further.
    pub(crate) fn try_reserve(&mut self, rows: usize, bytes: usize) -> Result<(), TryReserveError> {
        if self.pieces.is_empty() {
            self.pieces.try_reserve(1)?;
            self.pieces.push(Piece {
                start: self.len,
                ..Piece::default()
            });
        }
        let piece = self.pieces.last_mut().expect("a piece was made");
        piece.rows.try_reserve_exact(rows)?;
        piece.bytes.try_reserve_exact(bytes)?;
        Ok(())
    }

    /// Gives back the memory reserved and not used.
    pub(crate) fn shrink_to_fit(&mut self) {
        for piece in &mut self.pieces {
            piece.rows.shrink_to_fit();
            piece.bytes.shrink_to_fit();
        }
    }

    /// Adds `other`'s results after this report's, moving its pieces (no
    /// row is copied).
    pub(crate) fn append(&mut self, other: Report) -> Result<(), TryReserveError> {
        self.pieces.try_reserve(other.pieces.len())?;
        for mut piece in other.pieces {
            if piece.rows.is_empty() {
                continue;
            }
            piece.start = self.len;
            self.len += piece.rows.len();
            self.pieces.push(piece);
        }
        Ok(())
    }

    /// Recounts where each piece starts after rows were dropped.
    fn reindex(&mut self) {
        self.pieces.retain(|piece| !piece.rows.is_empty());
        let mut start = 0;
        for piece in &mut self.pieces {
            piece.start = start;
            start += piece.rows.len();
        }
        self.len = start;
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
            for piece in &mut self.pieces {
                let Piece { rows, bytes, .. } = piece;
                rows.retain(|row| {
                    let name = &bytes[row.at as usize..][..row.name_len as usize];
                    !(row.kind == StatusKind::Unlisted as u8
                        && row.algorithm.is_none()
                        && name == file)
                });
            }
            self.reindex();
        }
        self.shift_lines(line_offset);
    }

    /// Adds `offset` to every line number but 0 (an unlisted file's): the
    /// report of a signed manifest's body, whose lines were counted from
    /// the body's first, moved to the manifest's own lines (`offset` lines
    /// of armor or signature came first: the `line_offset` of a verified
    /// signature, with the `signatures` feature).
    ///
    /// ```
    /// use checksig::{Report, Status};
    /// let mut report = Report::new();
    /// report.push(1, b"a", None, Status::Missing)?;
    /// report.push(0, b"b", None, Status::Unlisted)?;
    /// report.shift_lines(3);
    /// let lines: Vec<u64> = report.entries().map(|e| e.line()).collect();
    /// assert_eq!(lines, [4, 0]);
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn shift_lines(&mut self, offset: u64) {
        if offset == 0 {
            return;
        }
        for piece in &mut self.pieces {
            for row in piece.rows.iter_mut().filter(|row| row.line > 0) {
                row.line += offset;
            }
        }
    }

    /// How many results the report has.
    ///
    /// ```
    /// assert_eq!(checksig::Report::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the report has no result.
    ///
    /// ```
    /// assert!(checksig::Report::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The result at `index` (in the order of [`Report::entries`]).
    ///
    /// ```
    /// let mut report = checksig::Report::new();
    /// report.push(1, b"a", None, checksig::Status::Missing)?;
    /// assert_eq!(report.get(0).unwrap().name(), b"a");
    /// assert!(report.get(1).is_none());
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn get(&self, index: usize) -> Option<EntryReport<'_>> {
        if index >= self.len {
            return None;
        }
        let at = self.pieces.partition_point(|piece| piece.start <= index) - 1;
        let piece = &self.pieces[at];
        Some(EntryReport {
            piece,
            row: &piece.rows[index - piece.start],
        })
    }

    /// Every result, in manifest order; then, with
    /// [`crate::Verifier::report_unlisted`], the unlisted files in byte order
    /// of their names.
    ///
    /// ```
    /// let mut report = checksig::Report::new();
    /// report.push(1, b"a", None, checksig::Status::Missing)?;
    /// report.push(2, b"b", None, checksig::Status::Missing)?;
    /// let names: Vec<&[u8]> = report.entries().rev().map(|e| e.name()).collect();
    /// assert_eq!(names, [b"b", b"a"]);
    /// assert_eq!(report.entries().len(), 2);
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn entries(&self) -> Entries<'_> {
        Entries {
            pieces: &self.pieces,
            front: (0, 0),
            back: (self.pieces.len(), 0),
            left: self.len,
        }
    }

    /// Whether `entry` counts as a failure under this report's options:
    /// everything but OK, except a missing file with `ignore_missing` and a
    /// malformed line without `strict`.
    ///
    /// ```
    /// let mut report = checksig::Report::new();
    /// report.push(1, b"a", None, checksig::Status::Missing)?;
    /// assert!(report.is_failure(report.get(0).unwrap()));
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn is_failure(&self, entry: EntryReport<'_>) -> bool {
        self.policy.is_failure(entry.kind())
    }

    /// The failures, in manifest order.
    ///
    /// ```
    /// use checksig::{Report, Status};
    /// let mut report = Report::new();
    /// report.push(1, b"a", None, Status::Missing)?;
    /// report.push(2, b"b", None, Status::Ok)?;
    /// let failed: Vec<u64> = report.failures().map(|e| e.line()).collect();
    /// assert_eq!(failed, [1]);
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn failures(&self) -> impl DoubleEndedIterator<Item = EntryReport<'_>> + '_ {
        self.entries().filter(|&e| self.is_failure(e))
    }

    /// How many results have this kind.
    ///
    /// ```
    /// use checksig::{Report, Status, StatusKind};
    /// let mut report = Report::new();
    /// report.push(1, b"a", None, Status::Missing)?;
    /// assert_eq!(report.count(StatusKind::Missing), 1);
    /// assert_eq!(report.count(StatusKind::Ok), 0);
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn count(&self, kind: StatusKind) -> usize {
        self.pieces
            .iter()
            .flat_map(|piece| &piece.rows)
            .filter(|row| row.kind == kind as u8)
            .count()
    }

    /// True when no result is a failure and at least one file matched.
    ///
    /// A manifest with no entry, or whose every file is missing under
    /// `ignore_missing`, verified nothing and is not OK (as `sha1sum -c` says
    /// "no properly formatted checksum lines found" or "no file was verified").
    ///
    /// ```
    /// let mut report = checksig::Report::new();
    /// report.push(1, b"a", None, checksig::Status::Ok)?;
    /// assert!(report.is_ok());
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn is_ok(&self) -> bool {
        self.failures().next().is_none() && self.count(StatusKind::Ok) > 0
    }

    /// One line such as `9 OK, 1 mismatch` or `nothing verified`.
    ///
    /// ```
    /// let mut report = checksig::Report::new();
    /// assert_eq!(report.summary(), "nothing verified: the manifest lists no file");
    /// report.push(1, b"a", None, checksig::Status::Ok)?;
    /// report.push(2, b"b", None, checksig::Status::Missing)?;
    /// assert_eq!(report.summary(), "1 OK, 1 missing");
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
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

    /// The heap bytes this report holds (rows, arenas, side tables and
    /// piece headers, by capacity): what `tests/memory.rs` accounts for.
    ///
    /// ```
    /// let mut report = checksig::Report::new();
    /// report.push(1, b"a", None, checksig::Status::Missing)?;
    /// assert!(report.heap_bytes() >= checksig::Report::ROW_BYTES + 1);
    /// # Ok::<(), std::collections::TryReserveError>(())
    /// ```
    pub fn heap_bytes(&self) -> usize {
        let pieces = self.pieces.capacity() * std::mem::size_of::<Piece>();
        let rows = self.pieces.iter().map(|piece| {
            piece.rows.capacity() * Report::ROW_BYTES
                + piece.bytes.capacity()
                + piece.rare.capacity() * std::mem::size_of::<Status>()
        });
        pieces + rows.sum::<usize>()
    }

    /// The fixed bytes of one result, beyond its name and expected digest.
    ///
    /// ```
    /// assert!(checksig::Report::ROW_BYTES <= 24);
    /// ```
    pub const ROW_BYTES: usize = std::mem::size_of::<Row>();
}

impl Policy {
    /// Whether a result of `kind` is a failure.
    pub(crate) fn is_failure(self, kind: StatusKind) -> bool {
        match kind {
            StatusKind::Ok => false,
            StatusKind::Missing => !self.ignore_missing,
            StatusKind::Malformed => self.strict,
            _ => true,
        }
    }
}

/// The results of a [`Report`], in order ([`Report::entries`]).
///
/// ```
/// let mut report = checksig::Report::new();
/// report.push(1, b"a", None, checksig::Status::Missing)?;
/// let mut entries: checksig::Entries<'_> = report.entries();
/// assert_eq!(entries.len(), 1);
/// assert_eq!(entries.next().map(|e| e.line()), Some(1));
/// # Ok::<(), std::collections::TryReserveError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Entries<'a> {
    pieces: &'a [Piece],
    /// The next row from the front: piece, row in it.
    front: (usize, usize),
    /// The row after the next from the back: piece, row in it (0: the
    /// end of the piece before).
    back: (usize, usize),
    left: usize,
}

impl<'a> Iterator for Entries<'a> {
    type Item = EntryReport<'a>;

    fn next(&mut self) -> Option<EntryReport<'a>> {
        if self.left == 0 {
            return None;
        }
        while self.front.1 >= self.pieces[self.front.0].rows.len() {
            self.front = (self.front.0 + 1, 0);
        }
        let piece = &self.pieces[self.front.0];
        let row = &piece.rows[self.front.1];
        self.front.1 += 1;
        self.left -= 1;
        Some(EntryReport { piece, row })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl DoubleEndedIterator for Entries<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        while self.back.1 == 0 {
            self.back.0 -= 1;
            self.back.1 = self.pieces[self.back.0].rows.len();
        }
        self.back.1 -= 1;
        let piece = &self.pieces[self.back.0];
        self.left -= 1;
        Some(EntryReport {
            piece,
            row: &piece.rows[self.back.1],
        })
    }
}

impl ExactSizeIterator for Entries<'_> {}

impl std::iter::FusedIterator for Entries<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash_bytes;

    #[test]
    fn a_row_is_24_bytes() {
        assert_eq!(std::mem::size_of::<Row>(), 24);
        assert!(std::mem::size_of::<Status>() <= 24);
    }

    #[test]
    fn digests_take_their_own_length_and_come_back() {
        let mut report = Report::new();
        let sha1 = hash_bytes(Algorithm::Sha1, b"x");
        let b3 = hash_bytes(Algorithm::Blake3, b"x");
        let crc = hash_bytes(Algorithm::Crc, b"123456789");
        report.push(1, b"a", Some(&sha1), Status::Ok).unwrap();
        report.push(2, b"bb", Some(&b3), Status::Missing).unwrap();
        report.push(3, b"c", Some(&crc), Status::Ok).unwrap();
        report.push(4, b"junk", None, Status::Malformed).unwrap();
        let io = io::Error::from_raw_os_error(13);
        report
            .push(5, b"d", Some(&sha1), Status::Unreadable(io))
            .unwrap();
        let piece = &report.pieces[0];
        assert_eq!(piece.bytes.len(), 20 + 1 + 32 + 2 + 4 + 8 + 1 + 4 + 20 + 1);
        let got: Vec<_> = report
            .entries()
            .map(|e| (e.line(), e.name().to_vec(), e.expected(), e.kind()))
            .collect();
        assert_eq!(got[0], (1, b"a".to_vec(), Some(sha1), StatusKind::Ok));
        assert_eq!(got[1], (2, b"bb".to_vec(), Some(b3), StatusKind::Missing));
        assert_eq!(got[2].2.unwrap().input_len(), Some(9));
        assert_eq!(got[3], (4, Vec::new(), None, StatusKind::Malformed));
        assert_eq!(report.get(3).unwrap().text(), Some(&b"junk"[..]));
        let unreadable = report.get(4).unwrap();
        assert!(
            matches!(unreadable.status(), Status::Unreadable(e) if e.raw_os_error() == Some(13))
        );
    }

    #[test]
    fn pieces_read_as_one_both_ways() {
        let mut parts = Vec::new();
        for part in 0..4u64 {
            let mut report = Report::new();
            for line in 0..part {
                report
                    .push(part * 10 + line, b"n", None, Status::Missing)
                    .unwrap();
            }
            parts.push(report);
        }
        let mut report = Report::new();
        for part in parts {
            report.append(part).unwrap();
        }
        let lines: Vec<u64> = report.entries().map(|e| e.line()).collect();
        assert_eq!(lines, [10, 20, 21, 30, 31, 32]);
        let back: Vec<u64> = report.entries().rev().map(|e| e.line()).collect();
        assert_eq!(back, [32, 31, 30, 21, 20, 10]);
        let by_index: Vec<u64> = (0..6).map(|i| report.get(i).unwrap().line()).collect();
        assert_eq!(by_index, lines);
        let mut both = report.entries();
        assert_eq!(both.next().map(|e| e.line()), Some(10));
        assert_eq!(both.next_back().map(|e| e.line()), Some(32));
        assert_eq!(both.len(), 4);
        assert_eq!(both.map(|e| e.line()).collect::<Vec<_>>(), [20, 21, 30, 31]);
    }
}
