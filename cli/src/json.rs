//! `--json`: the full report, machine-readable.
//!
//! Names and paths are bytes on Unix. Each is given as a string in `name`
//! (lossily decoded when it is not UTF-8) and, only when it is not UTF-8,
//! exactly as an array of byte values in `name_bytes`, so nothing is lost.

use std::collections::BTreeMap;

use checksig::{EntryReport, Report, Status, StatusKind};
use serde::Serialize;

use crate::output::os_error_text;

/// `checksig --json DIR`.
#[derive(Debug, Serialize)]
pub struct DirDocument {
    /// The directory verified.
    pub root: String,
    /// `root`'s exact bytes when it is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_bytes: Option<Vec<u8>>,
    /// The manifest read.
    pub manifest: String,
    /// `manifest`'s exact bytes when it is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest_bytes: Option<Vec<u8>>,
    /// The library's one-line summary, such as `9 OK, 1 mismatch`.
    pub summary: String,
    /// The manifest's signature, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<crate::keys::SignatureJson>,
    /// The results.
    #[serde(flatten)]
    pub report: ReportJson,
}

/// `checksig --check --json MANIFEST...`.
#[derive(Debug, Serialize)]
pub struct CheckDocument {
    /// Whether every manifest verified (exit status 0).
    pub ok: bool,
    /// One object per manifest operand, in order.
    pub manifests: Vec<ManifestJson>,
}

/// One manifest of a `--check` run.
#[derive(Debug, Serialize)]
pub struct ManifestJson {
    /// The operand (`-` for standard input).
    pub manifest: String,
    /// `manifest`'s exact bytes when it is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest_bytes: Option<Vec<u8>>,
    /// Why the manifest could not be read or checked at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The results, when it was read.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportJson>,
    /// The manifest's signature, when `--key` checked it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<crate::keys::SignatureJson>,
}

impl ManifestJson {
    /// A manifest that was checked.
    pub fn report(
        operand: &[u8],
        ok: bool,
        entries: &Report,
        is_failure: impl Fn(EntryReport) -> bool,
    ) -> ManifestJson {
        let (manifest, manifest_bytes) = text_and_bytes(operand);
        ManifestJson {
            manifest,
            manifest_bytes,
            error: None,
            report: Some(ReportJson::new(ok, entries, is_failure)),
            signature: None,
        }
    }

    /// A manifest that could not be read.
    pub fn error(operand: &[u8], message: &str) -> ManifestJson {
        let (manifest, manifest_bytes) = text_and_bytes(operand);
        ManifestJson {
            manifest,
            manifest_bytes,
            error: Some(message.to_string()),
            report: None,
            signature: None,
        }
    }
}

/// The results of one manifest.
#[derive(Debug, Serialize)]
pub struct ReportJson {
    /// Whether the manifest verified.
    pub ok: bool,
    /// How many entries failed under the options used.
    pub failures: usize,
    /// How many results of each kind (`ok`, `mismatch`, `missing`, ...).
    pub counts: BTreeMap<&'static str, usize>,
    /// One object per manifest line that is not a comment or empty, in order.
    pub entries: Vec<EntryJson>,
}

impl ReportJson {
    /// The JSON form of `entries`.
    pub fn new(ok: bool, entries: &Report, is_failure: impl Fn(EntryReport) -> bool) -> ReportJson {
        let mut counts: BTreeMap<&'static str, usize> = StatusKind::ALL
            .iter()
            .map(|kind| (kind.name(), 0))
            .collect();
        for kind in StatusKind::ALL {
            *counts.entry(kind.name()).or_default() += entries.count(kind);
        }
        let entries: Vec<EntryJson> = entries
            .entries()
            .map(|entry| EntryJson::new(entry, is_failure(entry)))
            .collect();
        ReportJson {
            ok,
            failures: entries.iter().filter(|e| e.failure).count(),
            counts,
            entries,
        }
    }
}

/// The result for one manifest line.
#[derive(Debug, Serialize)]
pub struct EntryJson {
    /// 1-based line number in the manifest.
    pub line: u64,
    /// The file name (absent for a malformed line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The name's exact bytes when it is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_bytes: Option<Vec<u8>>,
    /// `ok`, `mismatch`, `missing`, `unreadable`, `not_regular`,
    /// `outside_root`, `changed` or `malformed`.
    pub status: &'static str,
    /// Whether this result makes the verification fail.
    pub failure: bool,
    /// A short human-readable reason.
    pub reason: String,
    /// The digest the manifest lists (hex).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The digest the file has (hex), when it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// The OS error, for an unreadable file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The kind of file, when it is not a regular file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_kind: Option<String>,
    /// The line's text, for a malformed line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The text's exact bytes when it is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_bytes: Option<Vec<u8>>,
}

impl EntryJson {
    fn new(entry: EntryReport, failure: bool) -> EntryJson {
        let malformed_text = entry.text().map(text_and_bytes);
        let (name, name_bytes) = if malformed_text.is_some() {
            (None, None)
        } else {
            let (name, bytes) = text_and_bytes(entry.name());
            (Some(name), bytes)
        };
        let (text, text_bytes) = match malformed_text {
            Some((text, bytes)) => (Some(text), bytes),
            None => (None, None),
        };
        EntryJson {
            line: entry.line(),
            name,
            name_bytes,
            status: entry.kind().name(),
            failure,
            reason: entry.status().to_string(),
            expected: entry.expected().map(|digest| digest.to_hex()),
            actual: entry.actual().map(|digest| digest.to_hex()),
            error: match entry.status() {
                Status::Unreadable(e) => Some(os_error_text(e)),
                _ => None,
            },
            file_kind: match entry.status() {
                Status::NotRegular(kind) => Some(kind.to_string()),
                _ => None,
            },
            text,
            text_bytes,
        }
    }
}

/// A string for `bytes`, plus the bytes themselves when they are not UTF-8.
pub fn text_and_bytes(bytes: &[u8]) -> (String, Option<Vec<u8>>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), None),
        Err(_) => (
            String::from_utf8_lossy(bytes).into_owned(),
            Some(bytes.to_vec()),
        ),
    }
}

/// `value` as pretty-printed JSON, ending in a newline, with no raw control
/// character in it: serde_json escapes C0 itself; DEL and C1
/// (U+007F..U+009F) become `\u` escapes too ([`NoControls`]).
pub fn to_document(value: &impl Serialize) -> Vec<u8> {
    let mut line = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(
        &mut line,
        NoControls(serde_json::ser::PrettyFormatter::new()),
    );
    // These plain structs (string keys only) always serialize.
    if value.serialize(&mut serializer).is_err() {
        line.clear();
    }
    line.push(b'\n');
    line
}

/// serde_json's pretty formatter, but DEL and the C1 controls, which it
/// writes raw (JSON allows them), are written as `\u007f`..`\u009f`: a
/// report shown on a terminal cannot drive it (U+009B is CSI).
struct NoControls(serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for NoControls {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(|c| ('\u{7f}'..='\u{9f}').contains(&c)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let control = rest[at..].chars().next().unwrap_or_default();
            write!(writer, "\\u{:04x}", u32::from(control))?;
            rest = &rest[at + control.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use checksig::{Algorithm, Digest};

    #[test]
    fn non_utf8_names_keep_their_bytes() {
        let digest = Digest::from_bytes(Algorithm::Sha1, &[1; 20]).unwrap();
        let mut report = Report::new();
        report
            .push(3, b"caf\xe9", Some(&digest), Status::Missing)
            .unwrap();
        let entry = report.get(0).unwrap();
        let json = serde_json::to_value(EntryJson::new(entry, true)).unwrap();
        assert_eq!(json["name"], "caf\u{fffd}");
        assert_eq!(json["name_bytes"], serde_json::json!([99, 97, 102, 233]));
        assert_eq!(json["status"], "missing");
        assert_eq!(json["line"], 3);
    }

    /// DEL and C1 controls, raw in serde_json's own output, are escaped;
    /// C0 stays escaped as serde_json does it; other text is unchanged.
    #[test]
    fn documents_hold_no_raw_control_character() {
        let value = serde_json::json!({"name": "a\u{9b}31m\u{7f}\u{85}\u{1b}é\u{a0}z"});
        let text = String::from_utf8(to_document(&value)).unwrap();
        let expected = "\"a\\u009b31m\\u007f\\u0085\\u001b\u{e9}\u{a0}z\"";
        assert!(text.contains(expected), "{text}");
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn utf8_names_have_no_byte_array() {
        let (text, bytes) = text_and_bytes("é".as_bytes());
        assert_eq!((text.as_str(), bytes), ("é", None));
    }
}
