use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::partition::LineSet;
use crate::{Error, Part, Report, Verifier};

/// Everything a result says, in report order, and the report's verdict.
fn said(report: &Report) -> (Vec<String>, String, bool) {
    let entries = report
        .entries()
        .map(|e| {
            format!(
                "{} {:?} {:?} {:?} {} fail={}",
                e.line(),
                e.name(),
                e.expected(),
                e.status().kind(),
                e.status(),
                report.is_failure(e)
            )
        })
        .collect();
    (entries, report.summary(), report.is_ok())
}

fn sha1(bytes: &[u8]) -> String {
    crate::hasher::hash_bytes(crate::Algorithm::Sha1, bytes).to_hex()
}

/// A root whose manifest has every kind of line: matches, a mismatch,
/// missing files, malformed lines, a comment, duplicates, a non-UTF-8
/// name, a name with a newline (escaped), names leaving the root
/// (`..`, absolute, a link out), a FIFO and a directory, a big file, and a
/// file no line lists.
fn adversarial() -> (tempfile::TempDir, tempfile::TempDir) {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "s").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |name: &[u8], bytes: &[u8]| {
        std::fs::write(root.join(std::ffi::OsStr::from_bytes(name)), bytes).unwrap()
    };
    write(b"a", b"a");
    write(b"b", b"b");
    write(b"caf\xe9", b"latin-1");
    write(b"new\nline", b"nl");
    write(b"unlisted.py", b"import os");
    let big = vec![7u8; 3 << 20];
    write(b"big", &big);
    std::fs::create_dir(root.join("sub")).unwrap();
    write(b"sub/c", b"c");
    std::os::unix::fs::symlink(outside.path().join("secret"), root.join("out")).unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        root.join("fifo"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
    let secret = sha1(b"s");
    let mut text = Vec::new();
    let mut line = |bytes: &[u8]| {
        text.extend_from_slice(bytes);
        text.push(b'\n');
    };
    line(format!("{}  a", sha1(b"a")).as_bytes());
    line(b"this line is malformed");
    line(format!("{}  b", sha1(b"not b")).as_bytes());
    line(b"# a comment");
    line(format!("{}  gone", sha1(b"x")).as_bytes());
    line(format!("{}  a", sha1(b"a")).as_bytes());
    line(
        [sha1(b"latin-1").as_bytes(), b"  caf\xe9"]
            .concat()
            .as_slice(),
    );
    line(format!("\\{}  new\\nline", sha1(b"nl")).as_bytes());
    line(b"");
    let sibling = outside.path().file_name().unwrap().to_str().unwrap();
    line(format!("{secret}  ../{sibling}/secret").as_bytes());
    line(format!("{}  {}", secret, outside.path().join("secret").display()).as_bytes());
    line(format!("{}  out", secret).as_bytes());
    line(format!("{}  fifo", sha1(b"")).as_bytes());
    line(format!("{}  sub", sha1(b"")).as_bytes());
    line(format!("{}  ./sub//c", sha1(b"c")).as_bytes());
    line(format!("{}  big", sha1(&big)).as_bytes());
    line(b"0123  short digest");
    line(format!("{}  b", sha1(b"b")).as_bytes());
    text.extend_from_slice(b"last line, no newline");
    write(b"sha1sum.txt", &text);
    (dir, outside)
}

/// The manifest's lines (1-based), 19 in all: 17 items, 14 entries.
const LINES: u64 = 19;

fn options() -> Vec<Verifier> {
    vec![
        Verifier::new().threads(2),
        Verifier::new().threads(1).report_unlisted(true),
        Verifier::new()
            .threads(3)
            .strict(false)
            .ignore_missing(true)
            .mmap(false),
        Verifier::new().threads(2).allow_outside_root(true),
    ]
}

/// The merge of `sets`' parts, each sent as bytes.
fn merged(verifier: &Verifier, root: &Path, sets: &[LineSet]) -> Result<Report, Error> {
    let plan = verifier.plan(root, 4)?;
    let mut parts = Vec::new();
    for set in sets {
        let part = verifier.verify_lines(root, set)?;
        parts.push(Part::from_bytes(&part.to_bytes())?);
    }
    plan.merge(parts)
}

#[test]
fn the_union_of_subsets_is_the_whole_verification_entry_for_entry() {
    let (dir, _outside) = adversarial();
    let root = dir.path();
    for verifier in options() {
        let whole = verifier.verify_dir(root).unwrap();
        assert_eq!(
            whole.entries().len(),
            17 + whole.count(crate::StatusKind::Unlisted)
        );
        // The plan's own partitions.
        for partitions in [1, 2, 5, 64] {
            let plan = verifier.plan(root, partitions).unwrap();
            let sets: Vec<LineSet> = plan.partitions().iter().map(|p| p.lines.clone()).collect();
            let got = merged(&verifier, root, &sets).unwrap();
            assert_eq!(said(&got), said(&whole), "{partitions} partitions");
        }
        // Any cover: every line in a set of its own, odd and even lines,
        // and sets that include comments, blank and malformed lines and
        // lines past the end.
        let singles: Vec<LineSet> = (1..=LINES).map(|l| LineSet::from_lines([l])).collect();
        let halves = [
            LineSet::from_lines((1..=LINES + 5).filter(|l| l % 2 == 0)),
            LineSet::from_lines((0..=LINES).filter(|l| l % 2 == 1)),
        ];
        for sets in [&singles[..], &halves[..]] {
            let got = merged(&verifier, root, sets).unwrap();
            assert_eq!(said(&got), said(&whole));
        }
    }
}

#[test]
fn a_subset_keeps_the_confinement_of_a_whole_verification() {
    let (dir, _outside) = adversarial();
    let outside_lines = LineSet::from_lines([10, 11, 12]);
    let part = Verifier::new()
        .verify_lines(dir.path(), &outside_lines)
        .unwrap();
    let kinds: Vec<_> = part.entries().map(|e| e.status().kind()).collect();
    assert_eq!(kinds, [crate::StatusKind::OutsideRoot; 3]);
    let part = Verifier::new()
        .allow_outside_root(true)
        .verify_lines(dir.path(), &outside_lines)
        .unwrap();
    let kinds: Vec<_> = part.entries().map(|e| e.status().kind()).collect();
    assert_eq!(kinds, [crate::StatusKind::Ok; 3]);
}

#[test]
fn only_the_lines_asked_for_are_read() {
    let (dir, _outside) = adversarial();
    let part = Verifier::new()
        .verify_lines(dir.path(), &LineSet::from_ranges(std::iter::once(1..4)))
        .unwrap();
    let lines: Vec<u64> = part.entries().map(|e| e.line()).collect();
    assert_eq!(lines, [1, 2, 3]);
    assert_eq!(part.entries().next().unwrap().name(), b"a");
    assert!(
        Verifier::new()
            .verify_lines(dir.path(), &LineSet::default())
            .unwrap()
            .entries()
            .len()
            == 0
    );
}

#[test]
fn parts_that_do_not_fit_the_plan_are_refused() {
    let (dir, _outside) = adversarial();
    let root = dir.path();
    let verifier = Verifier::new();
    let plan = verifier.plan(root, 2).unwrap();
    let part = |lines: &[u64]| {
        verifier
            .verify_lines(root, &LineSet::from_lines(lines.iter().copied()))
            .unwrap()
    };
    let everything: Vec<u64> = (1..=LINES).collect();
    let without_5: Vec<u64> = everything.iter().copied().filter(|&l| l != 5).collect();
    let fits = |parts: Vec<Part>| match plan.merge(parts) {
        Err(Error::Parts(reason)) => Err(reason),
        other => Ok(other.unwrap().entries().len()),
    };
    assert_eq!(fits(vec![part(&everything)]), Ok(17));
    assert!(fits(vec![part(&without_5)])
        .unwrap_err()
        .contains("line 5 has no result"));
    assert!(fits(vec![part(&everything), part(&[3])])
        .unwrap_err()
        .contains("line 3 has two results"));
    // The manifest changed after planning: line 1 names another file.
    let manifest = std::fs::read(root.join("sha1sum.txt")).unwrap();
    let changed = [
        b"0000000000000000000000000000000000000000  z\n".as_slice(),
        &manifest,
    ]
    .concat();
    std::fs::write(root.join("sha1sum.txt"), changed).unwrap();
    assert!(fits(vec![part(&everything)])
        .unwrap_err()
        .contains("line 1 names another file"));
}

#[test]
fn the_plan_states_what_bounds_it() {
    let (dir, _outside) = adversarial();
    let plan = Verifier::new().plan(dir.path(), 3).unwrap();
    assert_eq!(plan.largest_file(), 3 << 20);
    assert_eq!(plan.partitions()[0].largest_file, 3 << 20);
    assert_eq!(plan.lower_bound(), plan.cost_model().seconds(3 << 20));
    assert!(plan.cost() >= plan.lower_bound());
    assert_eq!(plan.files(), 14);
    assert_eq!(plan.lines(), 17);
    let planned: u64 = plan.partitions().iter().map(|p| p.lines.len()).sum();
    assert_eq!(planned, 14, "malformed lines stay with the plan");
}

#[test]
fn a_missing_root_is_the_same_error_as_for_a_whole_verification() {
    let missing = Path::new("/nonexistent/checksig-root");
    let whole = Verifier::new().verify_dir(missing).unwrap_err().to_string();
    let lines = Verifier::new()
        .verify_lines(missing, &LineSet::from_lines([1]))
        .unwrap_err()
        .to_string();
    let plan = Verifier::new().plan(missing, 2).unwrap_err().to_string();
    assert_eq!(lines, whole);
    assert_eq!(plan, whole);
}

/// GNU's single-blank mode, decided by the first untagged line, holds for a
/// subset that starts later: `hex  name` then names ` name`.
#[test]
fn a_subset_parses_its_lines_as_the_whole_manifest_does() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("a"), "a").unwrap();
    std::fs::write(root.join(" a"), "space").unwrap();
    let text = format!(
        "{} a\n# note\n{}  a\nbad\n{}  a\n",
        sha1(b"a"),
        sha1(b"space"),
        sha1(b"a")
    );
    std::fs::write(root.join("sha1sum.txt"), text).unwrap();
    let verifier = Verifier::new();
    let whole = verifier.verify_dir(root).unwrap();
    assert_eq!(whole.entries().nth(1).unwrap().name(), b" a");
    assert!(whole.is_ok() || whole.count(crate::StatusKind::Malformed) == 1);
    for set in [[3].as_slice(), &[5], &[4, 5], &[1, 3]] {
        let part = verifier
            .verify_lines(root, &LineSet::from_lines(set.iter().copied()))
            .unwrap();
        let got: Vec<(u64, Vec<u8>, String)> = part
            .entries()
            .map(|e| (e.line(), e.name().to_vec(), e.status().to_string()))
            .collect();
        let expected: Vec<(u64, Vec<u8>, String)> = whole
            .entries()
            .filter(|e| set.contains(&e.line()))
            .map(|e| (e.line(), e.name().to_vec(), e.status().to_string()))
            .collect();
        assert_eq!(got, expected, "lines {set:?}");
    }
    for partitions in [1, 2, 3] {
        let plan = verifier.plan(root, partitions).unwrap();
        let sets: Vec<LineSet> = plan.partitions().iter().map(|p| p.lines.clone()).collect();
        assert_eq!(said(&merged(&verifier, root, &sets).unwrap()), said(&whole));
    }
}

/// A tagged manifest mixing algorithms (`cksum`'s) is read in parts as
/// whole: each line by its own tag.
#[test]
fn a_mixed_algorithm_manifest_in_parts_is_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("a"), "a").unwrap();
    std::fs::write(root.join("b"), "b").unwrap();
    let sha256 = crate::hasher::hash_bytes(crate::Algorithm::Sha256, b"b").to_hex();
    let text = format!(
        "SHA1 (a) = {}\nSHA256 (b) = {sha256}\nSHA256 (a) = {sha256}\n",
        sha1(b"a")
    );
    std::fs::write(root.join("CHECKSUMS"), text).unwrap();
    let verifier = Verifier::new().manifest("CHECKSUMS");
    let whole = verifier.verify_dir(root).unwrap();
    assert_eq!(whole.summary(), "2 OK, 1 mismatch");
    let sets = [LineSet::from_lines([2]), LineSet::from_lines([1, 3])];
    assert_eq!(said(&merged(&verifier, root, &sets).unwrap()), said(&whole));
}
