//! The check of how the `checksig` command prints names. The CLI is a binary
//! crate with no library, so its formatting module (`cli/src/quote.rs`,
//! which depends only on `checksig` and `std`) is compiled in here by path.

#[allow(dead_code)] // The fuzz target uses only the formatting functions.
#[path = "../../cli/src/quote.rs"]
mod quote;

use checksig::manifest::{needs_escape, unescape_name};
use quote::{escaped_name, quotef, Charset};

/// Target `cli_names`: for any name (file names hold no NUL),
///
/// * standard output's form (`NAME: OK` lines, GNU's `\`-escaped name) never
///   holds a newline or CR, so one result is one line, and it decodes back to
///   the name;
/// * the diagnostic form (`quotef`) never holds a raw control character, is
///   ASCII in the C locale and UTF-8 in a UTF-8 locale, and, for names
///   without a single quote (where coreutils has a quirk the CLI copies on
///   purpose), reads back to the name as a POSIX shell would.
pub fn cli_names(data: &[u8]) {
    let name: Vec<u8> = data.iter().copied().filter(|&b| b != 0).collect();

    let shown = escaped_name(&name);
    let mut line = shown.to_vec();
    line.extend_from_slice(b": OK\n");
    assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1, "{line:?}");
    assert!(!line.contains(&b'\r'));
    if needs_escape(&name) {
        assert_eq!(shown[0], b'\\');
        assert_eq!(unescape_name(&shown[1..]).as_ref(), Some(&name));
    } else {
        assert_eq!(&shown[..], &name[..]);
    }

    for charset in [Charset::Bytes, Charset::Utf8] {
        let quoted = quotef(&name, charset);
        assert!(
            !quoted.iter().any(|&b| b < 0x20 || b == 0x7f),
            "raw control character in {quoted:?} ({charset:?})"
        );
        match charset {
            Charset::Bytes => assert!(quoted.is_ascii(), "{quoted:?}"),
            Charset::Utf8 => {
                let text = std::str::from_utf8(&quoted).expect("UTF-8 in a UTF-8 locale");
                assert!(
                    !text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)),
                    "raw C1 control in {text:?}"
                );
            }
        }
        if !name.contains(&b'\'') {
            assert_eq!(
                shell_unquote(&quoted).as_deref(),
                Some(&name[..]),
                "quotef({name:?}, {charset:?}) = {:?}",
                String::from_utf8_lossy(&quoted)
            );
        }
    }
}

/// Reads a word as a POSIX shell with `$'...'` would: bare bytes, `'...'`,
/// `"..."` and `$'...'` with C escapes (`\n`, `\\`, `\'`, octal `\ooo`...).
/// `None` if it is not one well-formed word.
fn shell_unquote(word: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < word.len() {
        match word[i] {
            b'\'' => {
                let end = i + 1 + word[i + 1..].iter().position(|&b| b == b'\'')?;
                out.extend_from_slice(&word[i + 1..end]);
                i = end + 1;
            }
            b'"' => {
                i += 1;
                loop {
                    match *word.get(i)? {
                        b'"' => break,
                        b'\\' if matches!(word.get(i + 1), Some(b'$' | b'`' | b'"' | b'\\')) => {
                            out.push(word[i + 1]);
                            i += 2;
                        }
                        byte => {
                            out.push(byte);
                            i += 1;
                        }
                    }
                }
                i += 1;
            }
            b'$' if word.get(i + 1) == Some(&b'\'') => {
                i += 2;
                loop {
                    match *word.get(i)? {
                        b'\'' => break,
                        b'\\' => {
                            let (byte, used) = c_escape(&word[i + 1..])?;
                            out.push(byte);
                            i += 1 + used;
                        }
                        byte => {
                            out.push(byte);
                            i += 1;
                        }
                    }
                }
                i += 1;
            }
            b'\\' => {
                out.push(*word.get(i + 1)?);
                i += 2;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    Some(out)
}

/// One C escape after a backslash in `$'...'`: the byte and the bytes used.
fn c_escape(rest: &[u8]) -> Option<(u8, usize)> {
    let simple = match *rest.first()? {
        b'a' => 0x07,
        b'b' => 0x08,
        b'e' | b'E' => 0x1b,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'v' => 0x0b,
        b'\\' => b'\\',
        b'\'' => b'\'',
        b'"' => b'"',
        b'?' => b'?',
        b'0'..=b'7' => {
            let digits = rest
                .iter()
                .take(3)
                .take_while(|b| (b'0'..=b'7').contains(b));
            let (value, used) =
                digits.fold((0u32, 0), |(v, n), &d| (v * 8 + u32::from(d - b'0'), n + 1));
            return Some((u8::try_from(value).ok()?, used));
        }
        _ => return None,
    };
    Some((simple, 1))
}
