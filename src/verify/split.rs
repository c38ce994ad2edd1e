//! A manifest parsed straight into its report: the entries go to a run, each
//! malformed line straight into a report of its own (a 24-byte row and its
//! text in one arena), so that no line is held twice (once as an item, once
//! as a result). The run's results and these are merged by line number.

use std::collections::TryReserveError;

use crate::manifest::{Item, Manifest, Parser};
use crate::report::{Report, Status};

/// The entries of a manifest, and its malformed lines' results.
pub(super) struct Split {
    /// The well-formed entries, in manifest order, for a run.
    pub entries: Manifest,
    /// The malformed lines, settled without a run, in manifest order.
    pub malformed: Report,
}

/// Parses `bytes` with `parser`; every allocation sized by the manifest is
/// fallible.
pub(super) fn parse(parser: &mut Parser, bytes: &[u8]) -> Result<Split, TryReserveError> {
    let most_entries = parser.most_items(bytes);
    let mut entries: Vec<Item> = Vec::new();
    let mut malformed = Report::new();
    parser.try_for_each_item(bytes, 1, |item| {
        match item {
            Item::Entry(entry) => {
                if entries.capacity() == 0 {
                    entries.try_reserve_exact(most_entries)?;
                }
                entries.try_reserve(1)?;
                entries.push(Item::Entry(entry));
            }
            Item::Malformed(line) => {
                if malformed.is_empty() {
                    // At most one row per item, and the text's bytes at most.
                    malformed.try_reserve(Parser::count_items(bytes), 0)?;
                }
                malformed.push(line.line, &line.text, None, Status::Malformed)?;
            }
        }
        Ok(())
    })?;
    malformed.shrink_to_fit();
    Ok(Split {
        entries: Manifest::from_items(entries),
        malformed,
    })
}

#[cfg(test)]
mod tests {
    use crate::manifest::{Manifest, Parser};
    use crate::{Algorithm, Report, Verifier};

    /// Each result's line, name, kind and malformed text, in report order.
    fn said(report: &Report) -> Vec<(u64, Vec<u8>, String)> {
        let show = |e: crate::EntryReport| (e.line(), e.name().to_vec(), format!("{e:?}"));
        report.entries().map(show).collect()
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
        assert!(split.malformed.is_empty());
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
