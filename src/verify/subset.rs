//! One manifest verified in parts, on several machines: a [`Plan`] made
//! once (the manifest parsed, every entry stat'ed, the entries cut into
//! partitions by [`crate::partition::cut`]), each partition verified by
//! [`Verifier::verify_lines`] wherever the root is mounted, and the
//! [`Part`]s merged by [`Plan::merge`] into the [`Report`] a whole
//! verification gives, entry for entry.
//!
//! Each partition runs a [`Run`] over its entries, with the options and
//! the confinement of a whole verification; malformed lines and unlisted
//! files are the plan's, settled once where it was made.

use std::path::Path;

use super::load::{Loaded, Signature};
use super::{assemble, named, no_room_for, stat_sizes, Run, Verifier};
use crate::digest::Algorithm;
use crate::error::Error;
use crate::fs::root::Root;
use crate::manifest::{Item, Manifest, Parser};
use crate::partition::{cut, CostModel, LineSet, Partition};
use crate::report::{Entries, EntryReport, Report, Status};

/// A manifest read, parsed and stat'ed once, cut into partitions for
/// [`Verifier::verify_lines`]; made by [`Verifier::plan`].
///
/// No plan finishes before its largest file is hashed, on one thread:
/// [`Plan::lower_bound`] says how long that takes.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # for (name, text) in [("a", "a"), ("b", "b"), ("c", "c")] {
/// #     std::fs::write(dir.path().join(name), text).unwrap();
/// # }
/// # std::fs::write(dir.path().join("sha1sum.txt"), "\
/// # 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n\
/// # e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98  b\n\
/// # 0000000000000000000000000000000000000000  c\n").unwrap();
/// use checksig::Verifier;
/// let verifier = Verifier::new().threads(2);
/// let plan = verifier.plan(dir.path(), 2)?;
/// assert_eq!(plan.partitions().len(), 2);
/// // Each partition may run on another machine; its results travel as bytes.
/// let mut parts = Vec::new();
/// for partition in plan.partitions() {
///     let part = verifier.verify_lines(dir.path(), &partition.lines)?;
///     parts.push(checksig::Part::from_bytes(&part.to_bytes())?);
/// }
/// let report = plan.merge(parts)?;
/// assert_eq!(report.summary(), "2 OK, 1 mismatch");
/// assert_eq!(report.get(2).unwrap().name(), b"c");
/// # Ok::<(), checksig::Error>(())
/// ```
pub struct Plan {
    verifier: Verifier,
    root: Root,
    /// Every item of the manifest, in manifest order.
    manifest: Manifest,
    partitions: Vec<Partition>,
    model: CostModel,
    bytes: u64,
    largest_file: u64,
    /// The manifest's signature, said in the merged report; its line
    /// offset turns the manifest's lines (the partitions', the parts') into
    /// those of the parsed body (the plan's items).
    signature: Signature,
}

impl std::fmt::Debug for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plan")
            .field("partitions", &self.partitions)
            .field("bytes", &self.bytes)
            .field("largest_file", &self.largest_file)
            .finish_non_exhaustive()
    }
}

/// The results of one partition ([`Verifier::verify_lines`]): one
/// [`EntryReport`] per line of the set that the manifest has (an entry or
/// a malformed line), in manifest order.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # std::fs::write(dir.path().join("a"), "a").unwrap();
/// # std::fs::write(dir.path().join("sha1sum.txt"), "\
/// # 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n\
/// # 0000000000000000000000000000000000000000  gone\n").unwrap();
/// use checksig::{partition::LineSet, Part, StatusKind, Verifier};
/// let part = Verifier::new().verify_lines(dir.path(), &LineSet::from_lines([1, 2]))?;
/// let kinds: Vec<StatusKind> = part.entries().map(|e| e.kind()).collect();
/// assert_eq!(kinds, [StatusKind::Ok, StatusKind::Missing]);
/// // A part travels as bytes and comes back the same.
/// let back = Part::from_bytes(&part.to_bytes())?;
/// assert_eq!(back.entries().len(), 2);
/// # Ok::<(), checksig::Error>(())
/// ```
#[derive(Debug)]
pub struct Part {
    report: Report,
}

impl Part {
    /// The results, in manifest order.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"),
    /// #     "0000000000000000000000000000000000000000  gone\n").unwrap();
    /// use checksig::{partition::LineSet, Verifier};
    /// let part = Verifier::new().verify_lines(dir.path(), &LineSet::from_lines([1]))?;
    /// assert_eq!(part.entries().next().unwrap().name(), b"gone");
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn entries(&self) -> Entries<'_> {
        self.report.entries()
    }

    /// The results as bytes, to send to the process that merges them
    /// (format in the crate's `wire` module: line, status, name, digests,
    /// an I/O error as its OS error number and message).
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"),
    /// #     "0000000000000000000000000000000000000000  gone\n").unwrap();
    /// use checksig::{partition::LineSet, Part, Verifier};
    /// let part = Verifier::new().verify_lines(dir.path(), &LineSet::from_lines([1]))?;
    /// let bytes = part.to_bytes();
    /// let back = Part::from_bytes(&bytes)?;
    /// assert_eq!(back.entries().next().unwrap().name(), b"gone");
    /// assert_eq!(back.to_bytes(), bytes);
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::wire::encode(&self.report)
    }

    /// The results [`Part::to_bytes`] made; [`Error::Parts`] for bytes it
    /// did not make (never a panic).
    ///
    /// ```
    /// assert!(checksig::Part::from_bytes(b"garbage").is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Part, Error> {
        crate::wire::decode(bytes)
            .map(|report| Part { report })
            .map_err(Error::Parts)
    }
}

impl Verifier {
    /// Reads the manifest of `root` (found as [`Verifier::verify_dir`] finds
    /// it), stats every listed file through the root, and cuts the entries
    /// into at most `partitions` partitions of about equal cost
    /// ([`crate::partition::cut`], with [`CostModel::MEASURED`]): a few per
    /// machine, so that stragglers even out. Errors as
    /// [`Verifier::verify_dir`]'s. [`Plan`]'s example also verifies the
    /// partitions and merges their parts.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "a").unwrap();
    /// # std::fs::write(dir.path().join("big"), "hello").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"), "\
    /// # 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n\
    /// # not a manifest line\n\
    /// # 0000000000000000000000000000000000000000  big\n").unwrap();
    /// let plan = checksig::Verifier::new().plan(dir.path(), 4)?;
    /// // Two files: at most two non-empty partitions, however many were asked for.
    /// assert!(!plan.partitions().is_empty() && plan.partitions().len() <= 2);
    /// assert_eq!(plan.files(), 2);
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn plan(&self, root: impl AsRef<Path>, partitions: usize) -> Result<Plan, Error> {
        self.plan_with(root, partitions, CostModel::MEASURED)
    }

    /// [`Verifier::plan`] with another cost model, for instance one
    /// measured on a shared file system, where opening a file costs more.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"), "").unwrap();
    /// use checksig::partition::CostModel;
    /// let lustre = CostModel { bytes_per_second: 1.0e9, seconds_per_file: 2e-3 };
    /// let plan = checksig::Verifier::new().plan_with(dir.path(), 8, lustre)?;
    /// assert!(plan.partitions().is_empty());
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn plan_with(
        &self,
        root: impl AsRef<Path>,
        partitions: usize,
        model: CostModel,
    ) -> Result<Plan, Error> {
        let loaded = self.load(root.as_ref())?;
        let mut parser = loaded.parser();
        let Loaded {
            verifier,
            root,
            manifest_path,
            algorithm,
            bytes,
            signature,
        } = loaded;
        let manifest = match crate::sidecar::parse(&verifier.manifest, algorithm, &bytes) {
            Some(manifest) => manifest,
            None => parser
                .try_parse(&bytes)
                .map_err(|_| named(no_room_for(&bytes), &manifest_path))?,
        };
        drop(bytes);
        let sizes = stat_sizes(&root, manifest.items(), verifier.thread_count());
        let entries: Vec<(u64, u64)> = manifest
            .items()
            .iter()
            .zip(&sizes)
            .filter(|(item, _)| matches!(item, Item::Entry(_)))
            .map(|(item, &size)| (item.line() + signature.line_offset, size))
            .collect();
        let partitions = cut(&entries, partitions, &model);
        Ok(Plan {
            bytes: sizes.iter().sum(),
            largest_file: sizes.iter().copied().max().unwrap_or(0),
            verifier,
            root,
            manifest,
            partitions,
            model,
            signature,
        })
    }

    /// Verifies only the manifest lines in `lines` of the manifest of
    /// `root` (found as [`Verifier::verify_dir`] finds it), with every
    /// option and the confinement of a whole verification, on this
    /// verifier's threads; the progress callback counts these lines only.
    /// A line of the set that is a comment, blank or past the end is
    /// skipped; a malformed one is reported as malformed. Unlisted files
    /// are not looked for: that is [`Plan::merge`]'s work.
    ///
    /// The results of sets that cover the manifest, merged in manifest
    /// order ([`Plan::merge`]), are those of [`Verifier::verify_dir`].
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "a").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"), "\
    /// # 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n\
    /// # 0000000000000000000000000000000000000000  gone\n").unwrap();
    /// use checksig::{partition::LineSet, Status, Verifier};
    /// let part = Verifier::new().verify_lines(dir.path(), &LineSet::from_lines([2]))?;
    /// assert_eq!(part.entries().len(), 1);
    /// assert!(matches!(part.entries().next().unwrap().status(), Status::Missing));
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn verify_lines(&self, root: impl AsRef<Path>, lines: &LineSet) -> Result<Part, Error> {
        let loaded = self.load(root.as_ref())?;
        // The set's lines in the parsed body (past a signature's header).
        let offset = loaded.signature.line_offset;
        let shifted;
        let lines = if offset == 0 {
            lines
        } else {
            shifted = LineSet::from_ranges(lines.ranges().iter().filter_map(|range| {
                let start = range.start.max(offset + 1);
                (start < range.end).then(|| start - offset..range.end - offset)
            }));
            &shifted
        };
        let sidecar =
            crate::sidecar::parse(&loaded.verifier.manifest, loaded.algorithm, &loaded.bytes);
        let mut items: Vec<Item> = Vec::new();
        let mut keep = |item: Item| {
            items.try_reserve(1)?;
            items.push(item);
            Ok(())
        };
        let kept = match sidecar {
            Some(manifest) => {
                let first = manifest.entries().next().map(|e| e.digest.algorithm());
                let wanted = manifest.into_items().into_iter();
                wanted
                    .filter(|item| lines.contains(item.line()))
                    .try_for_each(&mut keep)
                    .map(|()| first)
            }
            None => select(&mut loaded.parser(), &loaded.bytes, lines, keep),
        };
        let first_algorithm =
            kept.map_err(|_| named(no_room_for(&loaded.bytes), &loaded.manifest_path))?;
        drop(loaded.bytes);
        // The options of the whole verification, with its algorithm: that
        // of the manifest's first entry, wherever this set starts.
        let this = Verifier {
            algorithm: first_algorithm.unwrap_or(loaded.verifier.algorithm),
            report_unlisted: false,
            ..loaded.verifier
        };
        let manifest = Manifest::from_items(items);
        let run = Run::new(&this, &loaded.root, &manifest)
            .map_err(|e| named(e, &loaded.manifest_path))?;
        let statuses = run.execute()?;
        let mut report = assemble(manifest.items(), statuses, Report::new(), this.policy())
            .map_err(|_| {
                let lines = manifest.items().len();
                named(Error::OutOfMemory { lines }, &loaded.manifest_path)
            })?;
        report.shift_lines(offset);
        Ok(Part { report })
    }
}

/// Hands `keep` the items of `bytes` on the lines of `lines`, in order,
/// and returns the algorithm of the manifest's first entry. A line outside
/// the set is parsed only while it can still change how later lines parse
/// (GNU's single-blank mode, decided by the first untagged line) or until
/// the first entry is known; after that it is only counted, so that each of
/// many partitions costs a scan of the manifest for line ends, not a parse.
fn select(
    parser: &mut Parser,
    bytes: &[u8],
    lines: &LineSet,
    mut keep: impl FnMut(Item) -> Result<(), std::collections::TryReserveError>,
) -> Result<Option<Algorithm>, std::collections::TryReserveError> {
    let last = lines.ranges().last().map_or(0, |r| r.end);
    let mut first_algorithm = None;
    let mut rest = bytes;
    let mut number = 1;
    while !rest.is_empty() {
        let settled = parser.mode_is_fixed() && first_algorithm.is_some();
        if settled && number >= last {
            break;
        }
        let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |newline| newline + 1);
        let (raw, after) = rest.split_at(end);
        let wanted = lines.contains(number);
        if wanted || !settled {
            parser.try_for_each_item(raw, number, |item| {
                if let (None, Item::Entry(entry)) = (first_algorithm, &item) {
                    first_algorithm = Some(entry.digest.algorithm());
                }
                if wanted {
                    keep(item)?;
                }
                Ok(())
            })?;
        }
        rest = after;
        number += 1;
    }
    Ok(first_algorithm)
}

impl Plan {
    /// The partitions, the one with the largest file first.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "a").unwrap();
    /// # std::fs::write(dir.path().join("big"), "hello").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"), "\
    /// # 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n\
    /// # not a manifest line\n\
    /// # 0000000000000000000000000000000000000000  big\n").unwrap();
    /// let plan = checksig::Verifier::new().plan(dir.path(), 1)?;
    /// assert_eq!(plan.partitions().len(), 1);
    /// let partition = &plan.partitions()[0];
    /// assert_eq!((partition.bytes, partition.largest_file), (6, 5));
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn partitions(&self) -> &[Partition] {
        &self.partitions
    }

    /// Bytes of every listed file that could be stat'ed.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "a").unwrap();
    /// # std::fs::write(dir.path().join("big"), "hello").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"), "\
    /// # 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n\
    /// # not a manifest line\n\
    /// # 0000000000000000000000000000000000000000  big\n").unwrap();
    /// let plan = checksig::Verifier::new().plan(dir.path(), 2)?;
    /// assert_eq!(plan.bytes(), 1 + 5);
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Manifest lines that matter (entries and malformed lines): the
    /// `files_total` of a whole verification's [`crate::Progress`].
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "a").unwrap();
    /// # std::fs::write(dir.path().join("big"), "hello").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"), "\
    /// # 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n\
    /// # not a manifest line\n\
    /// # 0000000000000000000000000000000000000000  big\n").unwrap();
    /// let plan = checksig::Verifier::new().plan(dir.path(), 2)?;
    /// assert_eq!(plan.lines(), 3); // two entries and a malformed line
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn lines(&self) -> u64 {
        self.manifest.items().len() as u64
    }

    /// Well-formed entries, the lines the partitions hold.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "a").unwrap();
    /// # std::fs::write(dir.path().join("big"), "hello").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"), "\
    /// # 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n\
    /// # not a manifest line\n\
    /// # 0000000000000000000000000000000000000000  big\n").unwrap();
    /// let plan = checksig::Verifier::new().plan(dir.path(), 2)?;
    /// assert_eq!(plan.files(), 2); // the malformed line is not a file
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn files(&self) -> u64 {
        self.manifest.entries().count() as u64
    }

    /// The largest file's size: no plan finishes before it is hashed.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "a").unwrap();
    /// # std::fs::write(dir.path().join("big"), "hello").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"), "\
    /// # 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n\
    /// # not a manifest line\n\
    /// # 0000000000000000000000000000000000000000  big\n").unwrap();
    /// let plan = checksig::Verifier::new().plan(dir.path(), 2)?;
    /// assert_eq!(plan.largest_file(), 5);
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn largest_file(&self) -> u64 {
        self.largest_file
    }

    /// The cost model the partitions were balanced with.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "a").unwrap();
    /// # std::fs::write(dir.path().join("big"), "hello").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"), "\
    /// # 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n\
    /// # not a manifest line\n\
    /// # 0000000000000000000000000000000000000000  big\n").unwrap();
    /// use checksig::partition::CostModel;
    /// let plan = checksig::Verifier::new().plan(dir.path(), 2)?;
    /// assert_eq!(plan.cost_model(), CostModel::MEASURED);
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn cost_model(&self) -> CostModel {
        self.model
    }

    /// Estimated seconds to verify everything on one thread.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "a").unwrap();
    /// # std::fs::write(dir.path().join("big"), "hello").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"), "\
    /// # 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n\
    /// # not a manifest line\n\
    /// # 0000000000000000000000000000000000000000  big\n").unwrap();
    /// let plan = checksig::Verifier::new().plan(dir.path(), 2)?;
    /// let sum: f64 = plan.partitions().iter().map(|p| p.cost).sum();
    /// assert!(plan.cost() > 0.0);
    /// assert_eq!(plan.cost(), sum);
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn cost(&self) -> f64 {
        self.partitions.iter().map(|p| p.cost).sum()
    }

    /// Estimated seconds to hash the largest file on one thread: however
    /// many machines there are, the plan takes at least this long, since a
    /// file cannot be split without changing its SHA-1 or SHA-2 digest.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "a").unwrap();
    /// # std::fs::write(dir.path().join("big"), "hello").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"), "\
    /// # 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n\
    /// # not a manifest line\n\
    /// # 0000000000000000000000000000000000000000  big\n").unwrap();
    /// let plan = checksig::Verifier::new().plan(dir.path(), 2)?;
    /// assert_eq!(plan.lower_bound(), plan.cost_model().seconds(5));
    /// assert!(plan.lower_bound() <= plan.cost());
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn lower_bound(&self) -> f64 {
        if self.partitions.is_empty() {
            0.0
        } else {
            self.model.seconds(self.largest_file)
        }
    }

    /// A report of `part`'s entries alone, under the plan's options (which
    /// results are failures): to show results as the parts come in, before
    /// [`Plan::merge`]. Its summary and verdict speak of those entries only.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"),
    /// #     "0000000000000000000000000000000000000000  gone\n").unwrap();
    /// let verifier = checksig::Verifier::new();
    /// let plan = verifier.plan(dir.path(), 1)?;
    /// let part = verifier.verify_lines(dir.path(), &plan.partitions()[0].lines)?;
    /// assert_eq!(plan.report_of(part).summary(), "1 missing");
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn report_of(&self, part: Part) -> Report {
        let mut report = part.report;
        report.set_policy(self.verifier.policy());
        report
    }

    /// The report of the whole verification, from the [`Part`]s of every
    /// partition (in any order): entries in manifest order, each malformed
    /// line in its place, then, with [`Verifier::report_unlisted`], the
    /// files under the root the manifest does not list (walked now).
    ///
    /// [`Error::Parts`] when the parts do not fit the plan: a planned line
    /// without a result or with two, a result for a line the plan does not
    /// have, or one naming another file or digest (the manifest changed).
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::write(dir.path().join("a"), "a").unwrap();
    /// # std::fs::write(dir.path().join("big"), "hello").unwrap();
    /// # std::fs::write(dir.path().join("sha1sum.txt"), "\
    /// # 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n\
    /// # not a manifest line\n\
    /// # 0000000000000000000000000000000000000000  big\n").unwrap();
    /// use checksig::{Error, StatusKind, Verifier};
    /// let verifier = Verifier::new();
    /// let plan = verifier.plan(dir.path(), 2)?;
    /// // Without every partition's part the merge refuses.
    /// assert!(matches!(plan.merge(Vec::new()), Err(Error::Parts(_))));
    /// let mut parts = Vec::new();
    /// for partition in plan.partitions() {
    ///     parts.push(verifier.verify_lines(dir.path(), &partition.lines)?);
    /// }
    /// let report = plan.merge(parts)?;
    /// let kinds: Vec<StatusKind> = report.entries().map(|e| e.kind()).collect();
    /// assert_eq!(kinds, [StatusKind::Ok, StatusKind::Malformed, StatusKind::Mismatch]);
    /// # Ok::<(), checksig::Error>(())
    /// ```
    pub fn merge(&self, parts: impl IntoIterator<Item = Part>) -> Result<Report, Error> {
        let items = self.manifest.items();
        let out_of_memory = |_| Error::OutOfMemory { lines: items.len() };
        let parts: Vec<Part> = parts.into_iter().collect();
        let mut results: Vec<EntryReport<'_>> = Vec::new();
        for part in &parts {
            results
                .try_reserve(part.report.len())
                .map_err(out_of_memory)?;
            results.extend(part.entries());
        }
        // In place (a stable sort would allocate half the list, infallibly);
        // two results for one line are an error whichever comes first.
        results.sort_unstable_by_key(|entry| entry.line());
        let mut merged = Report::with_policy(self.verifier.policy());
        let bytes = items.iter().map(crate::report::arena_len).sum();
        merged
            .try_reserve(items.len(), bytes)
            .map_err(out_of_memory)?;
        let mut results = results.into_iter().peekable();
        for item in items {
            let line = item.line() + self.signature.line_offset;
            if let Some(stray) = results.next_if(|entry| entry.line() < line) {
                return Err(Error::Parts(format!(
                    "line {} is not planned",
                    stray.line()
                )));
            }
            let mut result = None;
            while let Some(entry) = results.next_if(|entry| entry.line() == line) {
                if result.replace(entry).is_some() {
                    return Err(Error::Parts(format!("line {line} has two results")));
                }
            }
            match item {
                Item::Entry(entry) => {
                    let result =
                        result.ok_or_else(|| Error::Parts(format!("line {line} has no result")))?;
                    if result.name() != entry.name || result.expected() != Some(entry.digest) {
                        return Err(Error::Parts(format!(
                            "line {line} names another file or digest: the manifest changed \
                             since it was planned"
                        )));
                    }
                    let status = result.status().duplicate();
                    merged
                        .push(line, &entry.name, Some(&entry.digest), status)
                        .map_err(out_of_memory)?;
                }
                Item::Malformed(malformed) => merged
                    .push(line, &malformed.text, None, Status::Malformed)
                    .map_err(out_of_memory)?,
            }
        }
        if let Some(stray) = results.next() {
            return Err(Error::Parts(format!(
                "line {} is not planned",
                stray.line()
            )));
        }
        drop(results);
        drop(parts);
        let mut report = merged;
        if self.verifier.report_unlisted {
            let unlisted =
                crate::unlisted::unlisted(&self.root, &self.manifest, &self.verifier.manifest)
                    .map_err(out_of_memory)?;
            report.append(unlisted).map_err(out_of_memory)?;
        }
        self.signature.mark(&mut report, false);
        Ok(report)
    }
}

#[cfg(test)]
mod tests;
