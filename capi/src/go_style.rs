//! Messages worded as the article's Go library words them, so that callers
//! matching on its strings keep working: Go's `path.Join`, `%q` quoting and
//! lowercase OS error texts.

use std::io;
use std::path::Path;

use checksig::{EntryReport, Error, FileKind, Status};

/// Go's `path.Join(root, name)`: joined with `/`, then [`clean`]ed. An
/// absolute `name` is shown as itself (cleaned), since that is the file the
/// manifest names.
pub(crate) fn join(root: &[u8], name: &[u8]) -> Vec<u8> {
    if name.starts_with(b"/") || root.is_empty() {
        return clean(name);
    }
    if name.is_empty() {
        return clean(root);
    }
    let mut joined = Vec::with_capacity(root.len() + 1 + name.len());
    joined.extend_from_slice(root);
    joined.push(b'/');
    joined.extend_from_slice(name);
    clean(&joined)
}

/// Go's `path.Clean`: the shortest lexically equivalent path (repeated `/`,
/// `.` and `dir/..` removed; `..` kept only where it cannot be resolved).
pub(crate) fn clean(path: &[u8]) -> Vec<u8> {
    if path.is_empty() {
        return b".".to_vec();
    }
    let rooted = path[0] == b'/';
    let mut out: Vec<u8> = Vec::with_capacity(path.len());
    if rooted {
        out.push(b'/');
    }
    // `out[..floor]` can never be removed by a later `..`.
    let mut floor = out.len();
    for part in path.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." if out.len() > floor => {
                let keep = out[floor..]
                    .iter()
                    .rposition(|&b| b == b'/')
                    .map_or(floor, |i| floor + i);
                out.truncate(keep);
            }
            b".." if rooted => {}
            _ => {
                if out.len() > usize::from(rooted) {
                    out.push(b'/');
                }
                out.extend_from_slice(part);
                if part == b".." {
                    floor = out.len();
                }
            }
        }
    }
    if out.is_empty() {
        out.push(b'.');
    }
    out
}

/// Go's `%q` (`strconv.Quote`): a double-quoted string in which `"` and `\`
/// are escaped, printable characters are kept, control and other
/// non-printable characters become `\n`, `\x1b`, `\u00a0`..., and each byte
/// that is not UTF-8 becomes `\xNN`.
pub(crate) fn quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_quoted_char(&mut out, c);
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out.push('"');
    out
}

fn push_quoted_char(out: &mut String, c: char) {
    match c {
        '"' | '\\' => {
            out.push('\\');
            out.push(c);
        }
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if is_printable(c) => out.push(c),
        c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and
/// the ASCII space. Rust's own notion (what `escape_debug` keeps, for a
/// character that does not start a string) agrees except for the non-ASCII
/// spaces, which Go escapes.
fn is_printable(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    if c.is_whitespace() {
        return false;
    }
    let mut buf = [0u8; 5];
    buf[0] = b'a';
    let len = 1 + c.encode_utf8(&mut buf[1..]).len();
    let text = std::str::from_utf8(&buf[..len]).expect("built from chars");
    text.escape_debug().count() == 2
}

/// Go's wording of an OS error: the C library's text with a lowercase first
/// letter and no "(os error N)" suffix, e.g. `no such file or directory`.
pub(crate) fn os_error_text(error: &io::Error) -> String {
    let text = match error.raw_os_error() {
        Some(code) => {
            let full = io::Error::from_raw_os_error(code).to_string();
            let suffix = format!(" (os error {code})");
            full.strip_suffix(&suffix).unwrap_or(&full).to_string()
        }
        None => error.to_string(),
    };
    lowercase_first(&text)
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A path for an unquoted place in a message (messages are UTF-8): bytes
/// that are not UTF-8 become U+FFFD, and control characters (C0, DEL, C1)
/// the escapes [`quote`] gives them, so no message carries a raw one.
fn lossy(path: &[u8]) -> String {
    let text = String::from_utf8_lossy(path);
    if !text.chars().any(char::is_control) {
        return text.into_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            push_quoted_char(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// The message for one manifest line, as the Go library would word it:
/// `"<path>" - mismatch`, `open <path>: no such file or directory`,
/// `<n>: bad line: "<line>"`...; `path` is [`join`] of the root and the name.
pub(crate) fn entry_message(entry: EntryReport, path: &[u8]) -> String {
    let quoted = || quote(path);
    match entry.status() {
        Status::Ok => format!("{} - ok", quoted()),
        Status::Mismatch { .. } => format!("{} - mismatch", quoted()),
        Status::Missing => format!("open {}: no such file or directory", lossy(path)),
        Status::Unreadable(e) => {
            // An open error is by far the likeliest; EIO comes from a read.
            let op = if e.raw_os_error() == Some(libc::EIO) {
                "read"
            } else {
                "open"
            };
            format!("{op} {}: {}", lossy(path), os_error_text(e))
        }
        // What Go says when it reads a directory it has opened.
        Status::NotRegular(FileKind::Directory) => {
            format!("read {}: is a directory", lossy(path))
        }
        Status::NotRegular(kind) => {
            format!("{} - not a regular file ({})", quoted(), kind.describe())
        }
        Status::OutsideRoot => format!("{} - outside root", quoted()),
        Status::Changed => format!("{} - changed while it was read", quoted()),
        Status::Malformed => format!(
            "{}: bad line: {}",
            entry.line(),
            quote(entry.text().unwrap_or_default())
        ),
        other => format!("{} - {other}", quoted()),
    }
}

/// The message for a report in which nothing failed but nothing was verified:
/// the manifest lists no file (or only missing ones, under `ignore_missing`).
pub(crate) fn nothing_verified_message(root: &Path, manifest: &Path) -> String {
    let manifest = path_bytes(manifest);
    let path = join(path_bytes(root), manifest);
    format!("{} - no file verified", quote(&path))
}

/// The message for an error that stopped the whole verification, e.g.
/// `open /tmp/logs/sha1sum.txt: no such file or directory`.
pub(crate) fn error_message(error: &Error) -> String {
    match error {
        Error::ReadManifest { path, source } | Error::OpenRoot { path, source } => {
            format!(
                "open {}: {}",
                lossy(&clean(path_bytes(path))),
                os_error_text(source)
            )
        }
        Error::Cancelled => "verification cancelled".to_string(),
        other => other.to_string(),
    }
}

pub(crate) fn path_bytes(path: &Path) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_matches_go() {
        // Cases from Go's path.Clean documentation and tests.
        let cases: &[(&str, &str)] = &[
            ("", "."),
            ("abc", "abc"),
            ("abc/def", "abc/def"),
            (".", "."),
            ("..", ".."),
            ("../..", "../.."),
            ("../../abc", "../../abc"),
            ("/abc", "/abc"),
            ("/", "/"),
            ("abc/", "abc"),
            ("/abc/", "/abc"),
            ("//abc", "/abc"),
            ("///abc", "/abc"),
            ("abc//def//ghi", "abc/def/ghi"),
            ("abc/./def", "abc/def"),
            ("/./abc/def", "/abc/def"),
            ("abc/.", "abc"),
            ("abc/def/ghi/../jkl", "abc/def/jkl"),
            ("abc/def/../ghi/../jkl", "abc/jkl"),
            ("abc/def/..", "abc"),
            ("abc/def/../..", "."),
            ("/abc/def/../..", "/"),
            ("abc/def/../../..", ".."),
            ("/abc/def/../../..", "/"),
            ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"),
            ("abc/./../def", "def"),
            ("abc//./../def", "def"),
            ("abc/../../././../def", "../../def"),
            ("/../abc", "/abc"),
            ("../abc/..", ".."),
        ];
        for (input, want) in cases {
            let got = clean(input.as_bytes());
            assert_eq!(String::from_utf8(got).unwrap(), *want, "clean({input:?})");
        }
    }

    #[test]
    fn join_matches_go() {
        assert_eq!(
            join(b"/tmp/logs", b"httpd-08.log"),
            b"/tmp/logs/httpd-08.log"
        );
        assert_eq!(join(b"/tmp/logs/", b"./a//b"), b"/tmp/logs/a/b");
        assert_eq!(join(b"logs", b"../x"), b"x");
        assert_eq!(join(b"", b"a"), b"a");
        assert_eq!(join(b"a", b""), b"a");
        assert_eq!(join(b"/tmp/logs", b"/etc/passwd"), b"/etc/passwd");
    }

    #[test]
    fn quote_matches_go() {
        // Expected values are what Go's strconv.Quote returns.
        let cases: &[(&[u8], &str)] = &[
            (b"/tmp/logs/a.log", r#""/tmp/logs/a.log""#),
            (br#"a"b\c"#, r#""a\"b\\c""#),
            (b"tab\there\n", r#""tab\there\n""#),
            (b"\x07\x08\x0c\x0b\r", r#""\a\b\f\v\r""#),
            (b"\x00\x1b\x7f", r#""\x00\x1b\x7f""#),
            (b"caf\xc3\xa9", "\"caf\u{e9}\""),
            (b"\xff\xfeok", r#""\xff\xfeok""#),
            (b"\xe2\x82A", r#""\xe2\x82A""#),
            ("nb\u{a0}sp".as_bytes(), r#""nb\u00a0sp""#),
            ("\u{200b}".as_bytes(), r#""\u200b""#),
            ("\u{feff}".as_bytes(), r#""\ufeff""#),
            ("\u{e000}".as_bytes(), r#""\ue000""#),
            ("\u{f0000}".as_bytes(), r#""\U000f0000""#),
            ("日本\u{301}".as_bytes(), "\"日本\u{301}\""),
            ("\u{1f600}".as_bytes(), "\"\u{1f600}\""),
        ];
        for (input, want) in cases {
            assert_eq!(quote(input), *want, "quote({input:?})");
        }
    }

    #[test]
    fn os_errors_are_worded_as_go() {
        let enoent = io::Error::from_raw_os_error(libc::ENOENT);
        assert_eq!(os_error_text(&enoent), "no such file or directory");
        let eacces = io::Error::from_raw_os_error(libc::EACCES);
        assert_eq!(os_error_text(&eacces), "permission denied");
        let custom = io::Error::other("Weird");
        assert_eq!(os_error_text(&custom), "weird");
    }

    #[test]
    fn stopping_errors_are_worded_as_go() {
        let error = Error::ReadManifest {
            path: "/tmp/nowhere//sha1sum.txt".into(),
            source: io::Error::from_raw_os_error(libc::ENOENT),
        };
        assert_eq!(
            error_message(&error),
            "open /tmp/nowhere/sha1sum.txt: no such file or directory"
        );
        assert_eq!(error_message(&Error::Cancelled), "verification cancelled");
    }

    /// Paths outside quotes keep no raw control character: C0, DEL and C1
    /// (U+009B is CSI) get Go's escapes, bytes that are not UTF-8 U+FFFD.
    #[test]
    fn unquoted_paths_carry_no_raw_control() {
        let mut report = checksig::Report::new();
        report.push(1, b"", None, Status::Missing).unwrap();
        let path = b"d/a\x1b[31m\xc2\x9b2J\x9b\x7f\tz";
        let message = entry_message(report.get(0).unwrap(), path);
        assert_eq!(
            message,
            "open d/a\\x1b[31m\\u009b2J\u{fffd}\\x7f\\tz: no such file or directory"
        );
        assert!(!message.chars().any(char::is_control), "{message:?}");
    }
}
