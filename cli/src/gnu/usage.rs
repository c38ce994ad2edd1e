//! Usage errors of `checksig -c` and `checksig hash` in GNU's words: clap
//! parses those command lines (they share options with DIR mode), and what
//! it refuses is reworded as glibc's `getopt_long` and coreutils word it,
//! with exit status 1 instead of clap's 2.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The command a GNU-mode command line's `Try '... --help'` names, or `None`
/// in DIR mode: `checksig hash` for the `hash` subcommand, `checksig` when
/// `-c`/`--check` is among the options (before `--`).
pub fn gnu_mode(argv: &[OsString]) -> Option<&'static str> {
    let args = argv.get(1..).unwrap_or_default();
    if args.first().is_some_and(|a| a.as_bytes() == b"hash") {
        return Some("checksig hash");
    }
    for arg in args {
        let arg = arg.as_bytes();
        if arg == b"--" {
            break;
        }
        if arg == b"--check" {
            return Some("checksig");
        }
        if let Some(shorts) = arg.strip_prefix(b"-").filter(|s| !s.starts_with(b"-")) {
            // Letters up to the first that takes a value (-a ALGO, -m NAME).
            for &c in shorts {
                match c {
                    b'c' => return Some("checksig"),
                    b'a' | b'm' => break,
                    _ => {}
                }
            }
        }
    }
    None
}

/// The message (after `checksig: `) for what clap refused.
pub fn message(error: &clap::Error) -> Vec<u8> {
    let context = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    if error.kind() == ErrorKind::UnknownArgument {
        if let Some(arg) = context(ContextKind::InvalidArg) {
            return unknown_option(&arg);
        }
    }
    // Otherwise clap's first line, without its `error: ` prefix.
    let rendered = error.render().to_string();
    let first = rendered.lines().next().unwrap_or_default();
    first
        .strip_prefix("error: ")
        .unwrap_or(first)
        .as_bytes()
        .to_vec()
}

/// glibc's words for an option it does not know.
fn unknown_option(arg: &str) -> Vec<u8> {
    match arg.strip_prefix('-') {
        Some(rest) if !rest.starts_with('-') && !rest.is_empty() => {
            let letter = rest.chars().next().unwrap_or('?');
            format!("invalid option -- '{letter}'").into_bytes()
        }
        _ => format!("unrecognized option '{arg}'").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(args: &[&str]) -> Vec<OsString> {
        std::iter::once("checksig")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn gnu_modes_are_check_and_hash() {
        assert_eq!(gnu_mode(&argv(&["hash", "--foo"])), Some("checksig hash"));
        assert_eq!(gnu_mode(&argv(&["-c", "--foo"])), Some("checksig"));
        assert_eq!(gnu_mode(&argv(&["--foo", "-wc"])), Some("checksig"));
        assert_eq!(gnu_mode(&argv(&["--check"])), Some("checksig"));
        assert_eq!(gnu_mode(&argv(&["--foo", "dir"])), None);
        assert_eq!(gnu_mode(&argv(&["-m", "c", "--foo"])), None);
        assert_eq!(gnu_mode(&argv(&["-mc", "--foo"])), None);
        assert_eq!(gnu_mode(&argv(&["--", "-c"])), None);
    }

    #[test]
    fn unknown_options_in_glibc_words() {
        assert_eq!(unknown_option("--foo"), b"unrecognized option '--foo'");
        assert_eq!(unknown_option("-x"), b"invalid option -- 'x'");
    }
}
