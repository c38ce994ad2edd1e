//! A manifest parsed straight into its report: the entries go to a run, each
//! malformed line to its final place in the report, so that no line is held
//! twice (once as an item, once as a result). A manifest of 5 million
//! malformed lines so costs one 64-byte [`EntryReport`] per line and its text.

use std::collections::TryReserveError;

use crate::manifest::{Item, Manifest, Parser};
use crate::report::{EntryReport, Status};

/// The entries of a manifest, and the place of each of its lines in the report.
pub(super) struct Split {
    /// The well-formed entries, in manifest order, for a run.
    pub entries: Manifest,
    /// One report per item, in manifest order: a malformed line's own, or a
    /// placeholder for an entry (any status but [`Status::Malformed`]) that
    /// `Report::fill` replaces with the run's result. Empty while no
    /// line is malformed: then the run's results are the report.
    pub skeleton: Vec<EntryReport>,
}

impl Split {
    /// How many lines are malformed, settled in the report without a run.
    pub fn malformed_lines(&self) -> u64 {
        // An empty skeleton: no malformed line; else one place per item.
        self.skeleton
            .len()
            .saturating_sub(self.entries.items().len()) as u64
    }
}

/// Parses `bytes` with `parser`; every allocation sized by the manifest is
/// fallible.
pub(super) fn parse(parser: &mut Parser, bytes: &[u8]) -> Result<Split, TryReserveError> {
    let most_entries = parser.most_items(bytes);
    let mut entries: Vec<Item> = Vec::new();
    let mut skeleton: Vec<EntryReport> = Vec::new();
    parser.try_for_each_item(bytes, 1, |item| {
        match item {
            Item::Entry(entry) => {
                if entries.capacity() == 0 {
                    entries.try_reserve_exact(most_entries)?;
                }
                if skeleton.capacity() > 0 {
                    skeleton.try_reserve(1)?;
                    skeleton.push(placeholder(entry.line));
                }
                entries.try_reserve(1)?;
                entries.push(Item::Entry(entry));
            }
            Item::Malformed(malformed) => {
                if skeleton.capacity() == 0 {
                    // Exactly one report per item, reserved once.
                    skeleton.try_reserve_exact(Parser::count_items(bytes))?;
                    skeleton.extend(entries.iter().map(|entry| placeholder(entry.line())));
                }
                skeleton.try_reserve(1)?;
                skeleton.push(EntryReport {
                    line: malformed.line,
                    name: Vec::new(),
                    expected: None,
                    status: Status::Malformed {
                        text: malformed.text,
                    },
                });
            }
        }
        Ok(())
    })?;
    Ok(Split {
        entries: Manifest::from_items(entries),
        skeleton,
    })
}

/// The place of the entry on `line`, until the run's result fills it.
fn placeholder(line: u64) -> EntryReport {
    EntryReport {
        line,
        name: Vec::new(),
        expected: None,
        status: Status::Missing,
    }
}

#[cfg(test)]
mod tests {
    use crate::manifest::{Manifest, Parser};
    use crate::{Algorithm, Report, Verifier};

    /// Each result's line, name, kind and malformed text, in report order.
    fn said(report: &Report) -> Vec<(u64, Vec<u8>, String)> {
        let show = |e: &crate::EntryReport| (e.line, e.name.clone(), format!("{:?}", e.status));
        report.entries().iter().map(show).collect()
    }

    #[test]
    fn parsed_into_the_report_it_says_what_a_parsed_manifest_says() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), "a").unwrap();
        std::fs::write(dir.path().join("unlisted"), "u").unwrap();
        let hex = "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"; // sha1("a")
        let wrong = "0000000000000000000000000000000000000000";
        // Malformed lines before, between and after entries, and a comment.
        let text =
            format!("bad one\n{hex}  a\n# note\n{wrong}  a\n  \nsecond bad\n{hex}  gone\nlast bad");
        for unlisted in [false, true] {
            let verifier = Verifier::new().threads(2).report_unlisted(unlisted);
            let manifest = Manifest::parse(text.as_bytes());
            let expected = verifier.verify_manifest(dir.path(), &manifest).unwrap();
            let mut parser = Parser::new(Algorithm::Sha1);
            let got = verifier
                .verify_text(dir.path(), &mut parser, text.as_bytes())
                .unwrap();
            assert_eq!(said(&got), said(&expected), "unlisted {unlisted}");
            assert_eq!(got.entries().len(), 7 + usize::from(unlisted));
        }
    }

    #[test]
    fn without_malformed_lines_the_run_is_the_report() {
        let dir = tempfile::tempdir().unwrap();
        let text = "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8  a\n";
        let split = super::parse(&mut Parser::new(Algorithm::Sha1), text.as_bytes()).unwrap();
        assert!(split.skeleton.is_empty());
        assert_eq!(split.entries.items().len(), 1);
        let report = Verifier::new()
            .verify_text(
                dir.path(),
                &mut Parser::new(Algorithm::Sha1),
                text.as_bytes(),
            )
            .unwrap();
        assert_eq!(said(&report)[0].0, 1);
    }
}
