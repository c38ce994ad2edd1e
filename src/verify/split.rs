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
