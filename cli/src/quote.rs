//! How GNU coreutils shows file names: `quotef` on standard error and the
//! `\`-escaped form on standard output.
//!
//! `quotef` is gnulib's `shell-escape` quoting with `:` also quoted, as used by
//! `sha1sum` for every name in a diagnostic: a name that a shell would take
//! literally is printed as is; otherwise it is put in single quotes, with
//! control characters and bytes that are not printable in the locale written
//! as `$'\n'` or `$'\303'` segments. This module reproduces the output of
//! coreutils 9.1 byte for byte, including its quirks (see [`quotef`]).

use std::borrow::Cow;
use std::ops::Range;

/// Whether names are decoded as UTF-8 (a UTF-8 locale) or byte by byte (the
/// C locale), which decides which bytes are printable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    /// A UTF-8 locale: printable multibyte characters are shown as they are.
    Utf8,
    /// A single-byte locale such as `C`: every byte above 0x7f is escaped.
    Bytes,
}

impl Charset {
    /// The character set of the locale the environment selects, looked up as
    /// `setlocale(LC_ALL, "")` does: `LC_ALL`, then `LC_CTYPE`, then `LANG`.
    pub fn from_env() -> Charset {
        let value = ["LC_ALL", "LC_CTYPE", "LANG"]
            .iter()
            .filter_map(std::env::var_os)
            .find(|value| !value.is_empty())
            .unwrap_or_default();
        let value = value.to_string_lossy().to_ascii_lowercase();
        if value.contains("utf-8") || value.contains("utf8") {
            Charset::Utf8
        } else {
            Charset::Bytes
        }
    }
}

/// GNU's escaped form of a name on standard output: unchanged unless it holds
/// a backslash, newline or carriage return; then a leading `\`, and `\\`,
/// `\n`, `\r` in the name, so that the line never breaks and reads back.
pub fn escaped_name(name: &[u8]) -> Cow<'_, [u8]> {
    if !checksig::manifest::needs_escape(name) {
        return Cow::Borrowed(name);
    }
    let mut escaped = Vec::with_capacity(name.len() + 4);
    escaped.push(b'\\');
    escaped.extend_from_slice(&checksig::manifest::escape_name(name));
    Cow::Owned(escaped)
}

/// A name as DIR mode shows it: GNU's escaped form, or shell quoting
/// ([`quotef`]) when that form would leave a control character raw (see
/// [`has_raw_control`]), so that no name can move the cursor, recolour or
/// retitle the terminal.
pub fn display_name(name: &[u8], charset: Charset) -> Vec<u8> {
    if has_raw_control(name, charset) {
        quotef(name, charset)
    } else {
        escaped_name(name).into_owned()
    }
}

/// Whether `name`, in GNU's escaped form, would still hold a control
/// character: C0 other than the newline and carriage return that the form
/// escapes, DEL, or C1. C1 is U+0080..U+009F, or a byte 0x80..0x9f that is
/// no part of a UTF-8 character (0x9b alone is CSI to an 8-bit terminal);
/// in a single-byte locale every byte 0x80..0x9f is C1.
pub fn has_raw_control(name: &[u8], charset: Charset) -> bool {
    let c0_or_del = |b: u8| (b < 0x20 && b != b'\n' && b != b'\r') || b == 0x7f;
    if name.iter().any(|&b| c0_or_del(b)) {
        return true;
    }
    let c1_byte = |b: &u8| (0x80..=0x9f).contains(b);
    match charset {
        Charset::Bytes => name.iter().any(c1_byte),
        Charset::Utf8 => name.utf8_chunks().any(|chunk| {
            chunk
                .valid()
                .chars()
                .any(|c| ('\u{80}'..='\u{9f}').contains(&c))
                || chunk.invalid().iter().any(c1_byte)
        }),
    }
}

/// One character of a name as the quoting algorithm sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    /// A single quote.
    Quote,
    /// A control character with a C escape letter (`\n` has `n`).
    Escape(u8),
    /// Bytes shown as octal escapes: not printable in the locale.
    Unprintable,
    /// Bytes shown as they are; `literal` tells whether a shell takes the
    /// character as itself outside quotes (`:` counts as special, since
    /// `quotef` quotes it), `compatible` whether it may appear in the
    /// double-quoted form GNU prefers for names with a `'`.
    Plain { literal: bool, compatible: bool },
}

/// `quotef`: a name (or any operand) as GNU shows it in a diagnostic.
///
/// Quirk kept for byte-exact output: when a name holds a `'` and ends in an
/// escaped character, coreutils 9.1 re-quotes it with its escape state left
/// over, which adds an empty `''` or drops a `'$'` at the start.
///
/// The name's characters are classified as they are met, never listed:
/// quoting costs the output's few bytes per byte of the name, not a list
/// entry per byte (which asked 1.5 GiB for a 64 MiB malformed line).
pub fn quotef(arg: &[u8], charset: Charset) -> Vec<u8> {
    let units = || split(arg, charset);
    if !needs_quotes(arg, units()) {
        return arg.to_vec();
    }
    let has_quote = units().any(|(_, unit)| unit == Unit::Quote);
    let all_compatible = units().all(|(_, unit)| match unit {
        Unit::Quote => true,
        Unit::Plain { compatible, .. } => compatible,
        Unit::Escape(_) | Unit::Unprintable => false,
    });
    if has_quote && all_compatible {
        let mut quoted = Vec::with_capacity(arg.len() + 2);
        quoted.push(b'"');
        quoted.extend_from_slice(arg);
        quoted.push(b'"');
        return quoted;
    }
    let (first, pending) = single_quoted(arg, units(), false);
    if has_quote {
        // gnulib scans once, then writes again from the start without
        // resetting its "inside $'...'" state.
        single_quoted(arg, units(), pending).0
    } else {
        first
    }
}

/// The units of `arg`, each with the byte range it covers, in order.
fn split(arg: &[u8], charset: Charset) -> impl Iterator<Item = (Range<usize>, Unit)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= arg.len() {
            return None;
        }
        let (len, unit) = classify(arg, i, charset);
        let range = i..i + len;
        i += len;
        Some((range, unit))
    })
}

/// The length and kind of the unit starting at `arg[i]`.
fn classify(arg: &[u8], i: usize, charset: Charset) -> (usize, Unit) {
    let byte = arg[i];
    let unit = match byte {
        b'\'' => Unit::Quote,
        0x07 => Unit::Escape(b'a'),
        0x08 => Unit::Escape(b'b'),
        0x0c => Unit::Escape(b'f'),
        b'\n' => Unit::Escape(b'n'),
        b'\r' => Unit::Escape(b'r'),
        b'\t' => Unit::Escape(b't'),
        0x0b => Unit::Escape(b'v'),
        b' ' | b':' => Unit::Plain {
            literal: false,
            compatible: true,
        },
        // Special at the start of a word only.
        b'#' | b'~' => Unit::Plain {
            literal: i != 0,
            compatible: i == 0,
        },
        // A brace alone is special; within a word it is literal.
        b'{' | b'}' => Unit::Plain {
            literal: arg.len() != 1,
            compatible: arg.len() == 1,
        },
        b'%'
        | b'+'
        | b','
        | b'-'
        | b'.'
        | b'/'
        | b'0'..=b'9'
        | b'A'..=b'Z'
        | b']'
        | b'_'
        | b'a'..=b'z'
        | b'@' => Unit::Plain {
            literal: true,
            compatible: true,
        },
        0x21..=0x7e => Unit::Plain {
            literal: false,
            compatible: false,
        },
        0x00..=0x1f | 0x7f => Unit::Unprintable,
        0x80..=0xff => return multibyte(arg, i, charset),
    };
    (1, unit)
}

/// A character that starts with a byte above 0x7f.
fn multibyte(arg: &[u8], i: usize, charset: Charset) -> (usize, Unit) {
    if charset == Charset::Bytes {
        return (1, Unit::Unprintable);
    }
    let rest = &arg[i..];
    let window = &rest[..rest.len().min(4)];
    let valid = match std::str::from_utf8(window) {
        Ok(text) => text,
        Err(e) if e.valid_up_to() > 0 => {
            std::str::from_utf8(&window[..e.valid_up_to()]).unwrap_or_default()
        }
        // An incomplete character at the end: the rest is escaped as one.
        Err(e) if e.error_len().is_none() => return (rest.len(), Unit::Unprintable),
        Err(_) => return (1, Unit::Unprintable),
    };
    match valid.chars().next() {
        Some(c) if is_printable(c) => (
            c.len_utf8(),
            Unit::Plain {
                literal: true,
                compatible: true,
            },
        ),
        Some(c) => (c.len_utf8(), Unit::Unprintable),
        None => (1, Unit::Unprintable),
    }
}

/// glibc's `iswprint` for a non-ASCII character in a UTF-8 locale, short of
/// its table of unassigned code points: not a control, not a space other than
/// the no-break ones, not a noncharacter.
fn is_printable(c: char) -> bool {
    let code = u32::from(c);
    let space = matches!(code, 0x1680 | 0x2000..=0x2006 | 0x2008..=0x200a | 0x2028 | 0x2029 | 0x205f | 0x3000);
    let noncharacter = (0xfdd0..=0xfdef).contains(&code) || code & 0xfffe == 0xfffe;
    !c.is_control() && !space && !noncharacter
}

/// Whether a shell would not take `arg` literally (with `:` also quoted).
fn needs_quotes(arg: &[u8], mut units: impl Iterator<Item = (Range<usize>, Unit)>) -> bool {
    arg.is_empty()
        || units.any(|(_, unit)| match unit {
            Unit::Plain { literal, .. } => !literal,
            Unit::Quote | Unit::Escape(_) | Unit::Unprintable => true,
        })
}

/// The single-quoted form, starting with `pending` as the "inside `$'...'`"
/// state; also returns the state at the end.
fn single_quoted(
    arg: &[u8],
    units: impl Iterator<Item = (Range<usize>, Unit)>,
    mut pending: bool,
) -> (Vec<u8>, bool) {
    let mut out = Vec::with_capacity(arg.len() + 2);
    out.push(b'\'');
    for (range, unit) in units {
        match unit {
            Unit::Quote => {
                out.extend_from_slice(br"'\''");
                pending = false;
            }
            Unit::Escape(letter) => {
                start_escape(&mut out, &mut pending);
                out.extend_from_slice(&[b'\\', letter]);
            }
            Unit::Unprintable => {
                for &byte in &arg[range] {
                    start_escape(&mut out, &mut pending);
                    out.extend_from_slice(&[
                        b'\\',
                        b'0' + (byte >> 6),
                        b'0' + ((byte >> 3) & 7),
                        b'0' + (byte & 7),
                    ]);
                }
            }
            Unit::Plain { .. } => {
                if pending {
                    out.extend_from_slice(b"''");
                    pending = false;
                }
                out.extend_from_slice(&arg[range]);
            }
        }
    }
    out.push(b'\'');
    (out, pending)
}

/// Opens a `$'...'` segment unless one is open.
fn start_escape(out: &mut Vec<u8>, pending: &mut bool) {
    if !*pending {
        out.extend_from_slice(b"'$'");
        *pending = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outputs of coreutils 9.1 `sha1sum -- NAME` ("NAME: No such file...").
    const UTF8_CASES: &[(&[u8], &str)] = &[
        (b"missing file", "'missing file'"),
        (b"d", "d"),
        (b"it's:x", "\"it's:x\""),
        (b"x:y", "'x:y'"),
        (b"\xe9t\xe9", r"''$'\351''t'$'\351'"),
        ("café x".as_bytes(), "'café x'"),
        (b"t\tab", r"'t'$'\t''ab'"),
        (b"e\x1bsc", r"'e'$'\033''sc'"),
        (b"it's#", r"'it'\''s#'"),
        (b"#it's", "\"#it's\""),
        (b"it's@", "\"it's@\""),
        (b"it's?", r"'it'\''s?'"),
        (b"a\"b", "'a\"b'"),
        (b"it's\\", r"'it'\''s\'"),
        (b"{", "'{'"),
        (b"{}", "{}"),
        (b"a{", "a{"),
        (b"#a", "'#a'"),
        (b"a#", "a#"),
        (b"~", "'~'"),
        (b"a~", "a~"),
        (b"@", "@"),
        (b"a=b", "'a=b'"),
        (b"a,b%+", "a,b%+"),
        (b"]", "]"),
        (b"[", "'['"),
        (b"a^", "'a^'"),
        (b"it's\n", r"'''it'\''s'$'\n'"),
        (b"", "''"),
        ("é".as_bytes(), "é"),
        ("it'sé".as_bytes(), "\"it'sé\""),
        (b"a\x7f", r"'a'$'\177'"),
        (b"\xc2\x80", r"''$'\302\200'"),
        (b"\xc2\xa0", "\u{a0}"),
        (b"\xe2\x80\xa8", r"''$'\342\200\250'"),
        (b"\xcc\x81", "\u{301}"),
        (b"\xf4\x8f\xbf\xbf", r"''$'\364\217\277\277'"),
        (b"\xe2\x82", r"''$'\342\202'"),
        (b"a'b\nc", r"'a'\''b'$'\n''c'"),
        (b"a\nb'c", r"'a'$'\n''b'\''c'"),
        (b"\n'", r"''$'\n'\'''"),
        (b"'\n", r"''\'''$'\n'"),
        (b"'", "\"'\""),
        (b"x'y'z", "\"x'y'z\""),
        (b"x'\x01'z", r"'x'\'''$'\001'\''z'"),
        (b"\x01'\x01", r"'\001'\'''$'\001'"),
        (b"ab'\x01", r"'''ab'\'''$'\001'"),
        (b"\tb'\x01", r"'\t''b'\'''$'\001'"),
        (b"\x01a", r"''$'\001''a'"),
    ];

    #[test]
    fn matches_coreutils_in_utf8_locale() {
        for (name, expected) in UTF8_CASES {
            let got = quotef(name, Charset::Utf8);
            assert_eq!(
                String::from_utf8_lossy(&got),
                *expected,
                "{:?}",
                String::from_utf8_lossy(name)
            );
        }
    }

    #[test]
    fn matches_coreutils_in_c_locale() {
        let cases: &[(&[u8], &str)] = &[
            ("café x".as_bytes(), r"'caf'$'\303\251'' x'"),
            ("é".as_bytes(), r"''$'\303\251'"),
            ("it'sé".as_bytes(), r"'''it'\''s'$'\303\251'"),
            (b"\xc2\xa0", r"''$'\302\240'"),
            (b"a b", "'a b'"),
        ];
        for (name, expected) in cases {
            let got = quotef(name, Charset::Bytes);
            assert_eq!(String::from_utf8_lossy(&got), *expected);
        }
    }

    /// Bytes allocated and not yet freed by this thread, and their peak.
    mod counting {
        use std::alloc::{GlobalAlloc, Layout, System};
        use std::cell::Cell;

        thread_local! {
            static LIVE: Cell<isize> = const { Cell::new(0) };
            static PEAK: Cell<isize> = const { Cell::new(0) };
        }

        fn add(bytes: isize) {
            let _ = LIVE.try_with(|live| {
                live.set(live.get() + bytes);
                let _ = PEAK.try_with(|peak| peak.set(peak.get().max(live.get())));
            });
        }

        /// The peak of live bytes during `run`, above what was live before.
        pub fn peak_during(run: impl FnOnce()) -> isize {
            let start = LIVE.with(Cell::get);
            PEAK.with(|peak| peak.set(start));
            run();
            PEAK.with(Cell::get) - start
        }

        struct Counting;

        // SAFETY: every call is passed on to the system allocator unchanged;
        // only thread-local counters (no allocation) are updated.
        unsafe impl GlobalAlloc for Counting {
            unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
                add(layout.size() as isize);
                // SAFETY: the caller's contract is `System.alloc`'s.
                unsafe { System.alloc(layout) }
            }

            unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
                add(-(layout.size() as isize));
                // SAFETY: `ptr` came from `System` with this layout.
                unsafe { System.dealloc(ptr, layout) }
            }

            unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
                add(new_size as isize - layout.size() as isize);
                // SAFETY: `ptr` came from `System` with this layout.
                unsafe { System.realloc(ptr, layout, new_size) }
            }
        }

        #[global_allocator]
        static ALLOCATOR: Counting = Counting;
    }

    /// Quoting costs a few bytes per byte of the name (its output), not a
    /// list entry of 24 bytes per byte (1.5 GiB for a 64 MiB line).
    #[test]
    fn quoting_memory_is_linear_with_a_small_constant() {
        for (byte, per_byte) in [(0x01u8, 12), (b'a', 3), (b'\'', 12), (0xe9, 12)] {
            let name = vec![byte; 1 << 20];
            let mut len = 0;
            let peak = counting::peak_during(|| len = quotef(&name, Charset::Utf8).len());
            assert!(len >= name.len());
            assert!(
                peak <= per_byte * name.len() as isize,
                "{byte:#x}: {peak} bytes at most for {} bytes out",
                len
            );
        }
    }

    #[test]
    fn escaped_name_only_when_needed() {
        assert_eq!(&*escaped_name(b"a b"), b"a b");
        assert_eq!(&*escaped_name(b"a\nb"), br"\a\nb");
        assert_eq!(&*escaped_name(b"b\\s"), br"\b\\s");
        assert_eq!(&*escaped_name(b"cr\r"), br"\cr\r");
    }
}
