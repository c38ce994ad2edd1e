//! A large manifest verified as it is parsed: each worker claims a chunk of
//! lines, parses it and checks its entries at once.
//!
//! Why: parsed first, on the calling thread alone, 20,000 lines took 5 ms
//! in a fresh process before any file was opened, about a twentieth of the
//! run, and the list of entries took 2 MB of fresh pages, which cost
//! 2.5-3.6 µs each on this project's machine (BENCHMARKS.md, session 6).
//! Here parsing runs on every worker, interleaved with hashing, and no list
//! of the whole manifest is built: each chunk's entries move into their
//! reports.
//!
//! Used only where a [`Run`] would check the manifest in its own order
//! anyway: more than [`SCHEDULE_BY_SIZE_LIMIT`] items (lines that are
//! neither comments nor empty, counted before parsing), several workers,
//! and no progress callback or completeness check, which need the whole
//! list. The report is the same as a [`Run`]'s; the tests compare the two.

use super::*;
use crate::manifest::is_skipped;
use crate::report::Piece;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

/// Lines per chunk, a worker's claim: few enough that the workers finish
/// together (16 files of 4 KiB are 60 µs of work), enough that claiming
/// costs nothing next to them.
const CHUNK_LINES: usize = 16;

/// At most this many lines are parsed in order first, until one decides
/// single-blank mode ([`Parser`]); a manifest that has not decided it by
/// then (all tagged lines, say) is verified the usual way.
const HEAD_MAX_LINES: usize = 64;

/// Verifies `bytes`, a manifest read by `parser`, chunk by chunk, if it
/// suits (see the module's documentation); `None` if it does not. When it
/// does, `parser` leaves with the single-blank mode the manifest decided,
/// as reading it whole would leave it (`-c` keeps it for the next manifest).
pub(super) fn verify(
    verifier: &Verifier,
    root: &Root,
    parser: &mut Parser,
    bytes: &[u8],
) -> Option<Result<Report, Error>> {
    if !options_suit(verifier) {
        return None;
    }
    verify_chunks(verifier, root, parser, bytes, SCHEDULE_BY_SIZE_LIMIT + 1)
}

/// Whether nothing the verifier is asked for needs the whole list first.
fn options_suit(verifier: &Verifier) -> bool {
    verifier.progress.is_none() && !verifier.report_unlisted && verifier.thread_count() > 1
}

/// [`verify`] without the option checks; `None` if `bytes` has fewer than
/// `min_items` items, if more of its lines are comments or empty than not
/// (each line has a slot), or if single-blank mode is not decided within
/// [`HEAD_MAX_LINES`] lines.
fn verify_chunks(
    verifier: &Verifier,
    root: &Root,
    decided: &mut Parser,
    bytes: &[u8],
    min_items: usize,
) -> Option<Result<Report, Error>> {
    let mut parser = decided.clone();
    let algorithm = parser.algorithm();
    let (head, rest, rest_first_line) = parse_head(&mut parser, bytes)?;
    let Lines {
        chunks,
        count: rest_lines,
        skipped,
    } = lines_of(rest, rest_first_line);
    let rest_items = rest_lines - skipped;
    if head.len() + rest_items < min_items || skipped > rest_items {
        return None;
    }
    let this = &Verifier {
        algorithm,
        ..verifier.clone()
    };
    let workers = this.thread_count();
    let checker = Checker::new(this, root);
    let lines = head.len() + rest_lines;
    // One piece of the report per claim: claim 0 is the head, parsed
    // already; claim i the chunk i - 1.
    let Ok(slots) = Ordered::<Piece>::new(chunks.len() + 1) else {
        return Some(Err(Error::OutOfMemory { lines }));
    };
    let head = Mutex::new(Some(head));
    let claims = Claims::new(chunks.len() + 1);
    let out_of_memory = AtomicBool::new(false);
    let work = || {
        let [mut reader, mut partner] = checker.readers(workers);
        let meter = Meter::new(None, this.cancel.flag());
        while !this.cancel.is_cancelled() && !out_of_memory.load(Ordering::Relaxed) {
            let Some(claimed) = claims.claim(|_| 1) else {
                return;
            };
            let claim = claimed.start;
            let items = match claim.checked_sub(1) {
                None => head.lock().unwrap_or_else(|e| e.into_inner()).take(),
                Some(index) => chunks
                    .get(index)
                    .map(|&(chunk, first_line)| parser.clone().parse_lines(chunk, first_line)),
            };
            let Some(items) = items else {
                return;
            };
            match check_chunk(
                &checker,
                &items,
                [&mut reader, &mut partner],
                meter,
                &this.cancel,
            ) {
                Some(Ok(piece)) => {
                    slots.set(claim, piece);
                }
                Some(Err(_)) => out_of_memory.store(true, Ordering::Relaxed),
                None => return,
            }
        }
    };
    crate::exec::run_on(workers, &work);
    *decided = parser;
    if this.cancel.is_cancelled() {
        return Some(Err(Error::Cancelled));
    }
    if out_of_memory.load(Ordering::Relaxed) {
        return Some(Err(Error::OutOfMemory { lines }));
    }
    Some(Ok(Report::from_pieces(
        slots.into_written(),
        verifier.policy(),
    )))
}

/// Checks the entries of one chunk's `items` into a piece of the report;
/// `None` if the run was cancelled, an error if the piece did not fit.
fn check_chunk(
    checker: &Checker<'_>,
    items: &[Item],
    [reader, partner]: [&mut Reader; 2],
    meter: Meter<'_>,
    cancel: &CancelToken,
) -> Option<Result<Piece, std::collections::TryReserveError>> {
    let mut piece = match Piece::for_items(items) {
        Ok(piece) => piece,
        Err(e) => return Some(Err(e)),
    };
    let mut items = items.iter().peekable();
    while let Some(item) = items.next() {
        if cancel.is_cancelled() {
            return None;
        }
        let status = match item {
            Item::Malformed(_) => Status::Malformed,
            Item::Entry(entry) => match items.peek() {
                Some(Item::Entry(next)) if checker.pairing => {
                    let [status, next_status] =
                        checker.check_pair([entry, next], [&mut *reader, &mut *partner], meter);
                    if let Err(e) = piece.push_item(item, status) {
                        return Some(Err(e));
                    }
                    let next = items.next().expect("peeked");
                    if let Err(e) = piece.push_item(next, next_status) {
                        return Some(Err(e));
                    }
                    continue;
                }
                _ => checker.check(entry, reader, meter),
            },
        };
        if let Err(e) = piece.push_item(item, status) {
            return Some(Err(e));
        }
    }
    Some(Ok(piece))
}

/// Parses lines of `bytes` in order until single-blank mode is decided:
/// their items, the bytes after them and the number of the first line
/// there. `None` if [`HEAD_MAX_LINES`] lines do not decide it.
fn parse_head<'b>(parser: &mut Parser, bytes: &'b [u8]) -> Option<(Vec<Item>, &'b [u8], u64)> {
    let mut items = Vec::new();
    let mut rest = bytes;
    let mut line = 1;
    while !parser.mode_is_fixed() && !rest.is_empty() {
        if line > HEAD_MAX_LINES as u64 {
            return None;
        }
        let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |newline| newline + 1);
        items.extend(parser.parse_lines(&rest[..end], line));
        rest = &rest[end..];
        line += 1;
    }
    Some((items, rest, line))
}

/// The lines of a manifest, cut into chunks.
struct Lines<'b> {
    /// Pieces of [`CHUNK_LINES`] lines (the last may have fewer), each with
    /// the number of its first line.
    chunks: Vec<(&'b [u8], u64)>,
    /// Lines in all.
    count: usize,
    /// Comment and empty lines among them ([`crate::manifest::is_skipped`]).
    skipped: usize,
}

/// The lines of `bytes`, the first of them numbered `first_line`.
fn lines_of(bytes: &[u8], first_line: u64) -> Lines<'_> {
    let mut lines = Lines {
        chunks: Vec::with_capacity(bytes.len() / (CHUNK_LINES * 40) + 1),
        count: 0,
        skipped: 0,
    };
    let (mut chunk_start, mut line_start, mut line) = (0, 0, first_line);
    for newline in memchr::memchr_iter(b'\n', bytes) {
        lines.count += 1;
        lines.skipped += usize::from(is_skipped(&bytes[line_start..=newline]));
        line_start = newline + 1;
        if lines.count % CHUNK_LINES == 0 {
            lines.chunks.push((&bytes[chunk_start..line_start], line));
            (chunk_start, line) = (line_start, line + CHUNK_LINES as u64);
        }
    }
    if line_start < bytes.len() {
        lines.count += 1;
        lines.skipped += usize::from(is_skipped(&bytes[line_start..]));
    }
    if chunk_start < bytes.len() {
        lines.chunks.push((&bytes[chunk_start..], line));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A line's number and name, expected and actual digests, and status.
    type Said = (u64, Vec<u8>, Option<Digest>, Option<Digest>, String);

    /// What a report says of each line, comparable across the two paths.
    fn summary(report: &Report) -> Vec<Said> {
        report
            .entries()
            .map(|e| {
                let status = format!("{:?}{:?}", e.status(), e.text());
                (
                    e.line(),
                    e.name().to_vec(),
                    e.expected(),
                    e.actual(),
                    status,
                )
            })
            .collect()
    }

    /// The report of a [`Run`] over the parsed manifest, for comparison.
    fn run_report(verifier: &Verifier, dir: &Path, bytes: &[u8]) -> Report {
        let manifest = Parser::new(Algorithm::Sha1).parse(bytes);
        verifier.verify_manifest(dir, &manifest).unwrap()
    }

    fn chunked(verifier: &Verifier, dir: &Path, text: &str) -> Option<Result<Report, Error>> {
        let root = Root::open(dir, true).unwrap();
        verify_chunks(
            verifier,
            &root,
            &mut Parser::new(Algorithm::Sha1),
            text.as_bytes(),
            0,
        )
    }

    /// One manifest line of a kind, naming file `index` of the tree.
    fn line(kind: u8, index: usize) -> String {
        let content = format!("file {index}\n");
        let good = crate::hasher::hash_bytes(Algorithm::Sha1, content.as_bytes());
        let other = crate::hasher::hash_bytes(Algorithm::Sha1, b"something else");
        match kind {
            0 => format!("{good}  f{index}\n"),
            1 => format!("{other}  f{index}\n"),
            2 => format!("{good}  missing{index}\n"),
            3 => "# a comment\n".to_string(),
            4 => "\n".to_string(),
            5 => "not a manifest line\n".to_string(),
            6 => format!("SHA1 (f{index}) = {good}\n"),
            7 => format!("{good} *f{index}\r\n"),
            // One blank: single-blank mode if it decides, else malformed.
            8 => format!("{good} f{index}\n"),
            9 => format!("{good}  ../outside{index}\n"),
            10 => format!("\\{good}  f\\n{index}\n"), // escaped: a newline in the name
            11 => format!("{good}  f{index}\0\n"),
            _ => format!("  {good}  f{index}\n"), // leading blanks
        }
    }

    fn tree(files: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for index in 0..files {
            let contents = format!("file {index}\n");
            std::fs::write(dir.path().join(format!("f{index}")), &contents).unwrap();
            std::fs::write(dir.path().join(format!("f\n{index}")), &contents).unwrap();
        }
        dir
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Chunk by chunk, every line gets the report a [`Run`] gives it,
        /// in the same order, whatever the mix of lines, the line that
        /// decides single-blank mode and where it falls among the chunks.
        #[test]
        fn chunked_reports_match_a_run(
            head in proptest::collection::vec(prop_oneof![Just(3u8), Just(4), Just(5), Just(6)], 0..40),
            decider in prop_oneof![Just(0u8), Just(7), Just(8), Just(10)],
            kinds in proptest::collection::vec(prop_oneof![3 => Just(0u8), 9 => 1u8..13], 0..120),
            last_newline in any::<bool>(),
        ) {
            let dir = tree(kinds.len() + 1);
            let mut text: String = head.iter().enumerate().map(|(i, &k)| line(k, i)).collect();
            text.push_str(&line(decider, kinds.len()));
            text.extend(kinds.iter().enumerate().map(|(i, &k)| line(k, i)));
            if !last_newline {
                text.pop();
            }
            let verifier = Verifier::new().threads(2);
            let expected = summary(&run_report(&verifier, dir.path(), text.as_bytes()));
            // More comment and empty lines than others are left to a run
            // (tested below).
            let chunked = chunked(&verifier, dir.path(), &text);
            prop_assume!(chunked.is_some());
            prop_assert_eq!(summary(&chunked.unwrap().unwrap()), expected);
        }
    }

    #[test]
    fn chunks_end_after_every_sixteenth_line_and_count_them_all() {
        let text: String = (1..=40).map(|i| format!("{i}\n")).collect();
        let lines = lines_of(text.as_bytes(), 5);
        assert_eq!((lines.count, lines.skipped), (40, 0));
        let firsts: Vec<u64> = lines.chunks.iter().map(|&(_, first)| first).collect();
        assert_eq!(firsts, [5, 21, 37]);
        let first = lines.chunks[0].0;
        assert!(first.starts_with(b"1\n") && first.ends_with(b"\n16\n"));
        assert_eq!(lines.chunks[2].0, b"33\n34\n35\n36\n37\n38\n39\n40\n");
        let lines = lines_of(b"a\n# b\n\r\n\n \n#", 1);
        assert_eq!((lines.chunks.len(), lines.count, lines.skipped), (1, 6, 4));
        assert_eq!(lines_of(b"", 1).count, 0);
    }

    /// `verify_text` (`checksig -c`) takes the chunked path too, and its
    /// parser leaves with the single-blank mode the manifest decided, as a
    /// whole parse leaves it: `-c` reads the next manifest in that mode.
    #[test]
    fn verify_text_is_chunked_and_keeps_the_decided_mode() {
        let dir = tree(5000);
        let text: String = (0..5000).map(|i| line(8, i)).collect(); // one blank each
        let mut whole = Parser::new(Algorithm::Sha1);
        let _ = whole.parse(text.as_bytes());
        assert!(whole.mode_is_fixed());
        let two = Verifier::new().threads(2);
        let root = Root::open(dir.path(), true).unwrap();
        let mut parser = Parser::new(Algorithm::Sha1);
        let chunked = verify(&two, &root, &mut parser, text.as_bytes());
        assert!(
            chunked.is_some(),
            "5,000 entries on two threads are chunked"
        );
        assert_eq!(format!("{parser:?}"), format!("{whole:?}"));
        let mut parser = Parser::new(Algorithm::Sha1);
        let report = two
            .verify_text(dir.path(), &mut parser, text.as_bytes())
            .unwrap();
        assert_eq!(format!("{parser:?}"), format!("{whole:?}"));
        assert!(report.is_ok(), "{}", report.summary());
        assert_eq!(report.len(), 5000);
    }

    #[test]
    fn a_mode_undecided_after_the_head_is_left_to_a_run() {
        let dir = tree(1);
        let verifier = Verifier::new().threads(2);
        let tagged = line(6, 0).repeat(HEAD_MAX_LINES + 1);
        assert!(chunked(&verifier, dir.path(), &tagged).is_none());
        let decided = line(6, 0).repeat(HEAD_MAX_LINES - 1) + &line(0, 0);
        assert!(chunked(&verifier, dir.path(), &decided).is_some());
    }

    #[test]
    fn only_manifests_of_many_items_without_whole_list_options_are_chunked() {
        let dir = tree(0);
        let two = Verifier::new().threads(2);
        assert!(options_suit(&two));
        assert!(!options_suit(&Verifier::new().threads(1)));
        assert!(!options_suit(&two.clone().report_unlisted(true)));
        assert!(!options_suit(&two.clone().progress(|_| true)));
        let root = Root::open(dir.path(), true).unwrap();
        let items = |text: &str, min| {
            verify_chunks(
                &two,
                &root,
                &mut Parser::new(Algorithm::Sha1),
                text.as_bytes(),
                min,
            )
            .is_some()
        };
        let entries = line(2, 0).repeat(100);
        assert!(items(&entries, 100));
        assert!(!items(&entries, 101));
        let commented = line(2, 0) + &line(3, 0).repeat(99);
        assert!(!items(&commented, 0), "more comments than items");
    }

    /// With no helper thread to be had, the calling thread parses and
    /// checks every chunk itself.
    #[test]
    fn without_helper_threads_the_caller_checks_every_chunk() {
        let dir = tree(100);
        let text: String = (0..100).map(|i| line(0, i)).collect();
        let verifier = Verifier::new().threads(4);
        crate::exec::pool::REFUSE_THREADS.with(|refuse| refuse.set(true));
        let result = chunked(&verifier, dir.path(), &text);
        crate::exec::pool::REFUSE_THREADS.with(|refuse| refuse.set(false));
        let report = result.unwrap().unwrap();
        assert_eq!(report.count(crate::StatusKind::Ok), 100);
        let lines: Vec<u64> = report.entries().map(|e| e.line()).collect();
        assert_eq!(lines, (1..=100).collect::<Vec<u64>>());
    }

    #[test]
    fn a_cancelled_run_is_an_error() {
        let dir = tree(40);
        let text: String = (0..40).map(|i| line(0, i)).collect();
        let token = CancelToken::new();
        token.cancel();
        let verifier = Verifier::new().threads(2).cancel_token(token);
        let result = chunked(&verifier, dir.path(), &text).unwrap();
        assert!(matches!(result, Err(Error::Cancelled)));
    }

    /// The root is opened once, before any path chooses chunks: a missing
    /// one is an error whichever path the manifest would take.
    #[test]
    fn a_missing_root_is_an_error() {
        let dir = tree(0);
        let verifier = Verifier::new().threads(2);
        let manifest = Parser::new(Algorithm::Sha1).parse(line(0, 0).as_bytes());
        let result = verifier.verify_manifest(dir.path().join("gone"), &manifest);
        assert!(matches!(result, Err(Error::OpenRoot { .. })));
    }
}
