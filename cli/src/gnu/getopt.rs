//! GNU `getopt_long`, as the coreutils checksum tools parse their command
//! line, with glibc's error messages word for word.
//!
//! What it reproduces: short options grouped (`-bc`) or with their argument
//! attached (`-l256`) or following (`-l 256`); long options with `=value` or
//! the next argument; a long option abbreviated to any unambiguous prefix
//! (`--stat` for `--status`, an exact name winning over longer ones); options
//! after operands (argument permutation) unless `POSIXLY_CORRECT` is set; `--`
//! ending the options; `-` alone as an operand. clap does none of the
//! prefixes nor glibc's wording, which scripts and tests compare byte for byte,
//! hence this small parser.

use std::ffi::OsString;
use std::fmt;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// One option of a tool: its long name (empty for a short-only option), its
/// short letter (if any), whether it takes an argument, and what the caller
/// calls it.
#[derive(Clone, Copy, Debug)]
pub struct Opt<T> {
    /// The long name, without `--`.
    pub long: &'static str,
    /// The short letter, if the option has one.
    pub short: Option<u8>,
    /// Whether the option takes an argument (`required_argument`).
    pub takes_arg: bool,
    /// The caller's identifier.
    pub id: T,
}

/// What the command line held: the options in order, then the operands.
#[derive(Debug)]
pub struct Parsed<T> {
    /// Each option met, with its argument, in command-line order.
    pub options: Vec<(T, Option<OsString>)>,
    /// The operands, in order.
    pub operands: Vec<OsString>,
}

/// A command line glibc's `getopt_long` rejects, worded as glibc words it
/// (after `PROGRAM: `).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// `unrecognized option '--foo'`.
    Unrecognized(Vec<u8>),
    /// `invalid option -- 'x'`.
    InvalidShort(u8),
    /// `option requires an argument -- 'l'`.
    MissingShortArg(u8),
    /// `option '--length' requires an argument`.
    MissingLongArg(&'static str),
    /// `option '--tag' doesn't allow an argument`.
    UnexpectedArg(&'static str),
    /// `option '--s' is ambiguous; possibilities: '--status' '--strict'`.
    Ambiguous(Vec<u8>, Vec<&'static str>),
}

impl Error {
    /// The message, as bytes (an unrecognized option may not be UTF-8).
    pub fn message(&self) -> Vec<u8> {
        let mut text = Vec::new();
        match self {
            Error::Unrecognized(arg) => {
                text.extend_from_slice(b"unrecognized option '");
                text.extend_from_slice(arg);
                text.push(b'\'');
            }
            Error::InvalidShort(c) => {
                text.extend_from_slice(b"invalid option -- '");
                text.push(*c);
                text.push(b'\'');
            }
            Error::MissingShortArg(c) => {
                text.extend_from_slice(b"option requires an argument -- '");
                text.push(*c);
                text.push(b'\'');
            }
            Error::MissingLongArg(name) => {
                text.extend_from_slice(format!("option '--{name}' requires an argument").as_bytes())
            }
            Error::UnexpectedArg(name) => text.extend_from_slice(
                format!("option '--{name}' doesn't allow an argument").as_bytes(),
            ),
            Error::Ambiguous(arg, names) => {
                text.extend_from_slice(b"option '");
                text.extend_from_slice(arg);
                text.extend_from_slice(b"' is ambiguous; possibilities:");
                for name in names {
                    text.extend_from_slice(format!(" '--{name}'").as_bytes());
                }
            }
        }
        text
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.message()))
    }
}

/// Parses `args` (without the program name) against `table`; options may
/// follow operands unless `posixly_correct` (then the first operand ends the
/// options, as with `POSIXLY_CORRECT` set).
pub fn parse<T: Copy>(
    args: &[OsString],
    table: &[Opt<T>],
    posixly_correct: bool,
) -> Result<Parsed<T>, Error> {
    let mut parsed = Parsed {
        options: Vec::new(),
        operands: Vec::new(),
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let bytes = arg.as_bytes();
        if bytes == b"--" {
            parsed.operands.extend(rest.by_ref().cloned());
            break;
        }
        if let Some(long) = bytes.strip_prefix(b"--") {
            let (name, value) = match long.iter().position(|&b| b == b'=') {
                Some(at) => (&long[..at], Some(&long[at + 1..])),
                None => (long, None),
            };
            let opt = find_long(table, name, bytes)?;
            let value = match (opt.takes_arg, value) {
                (true, Some(value)) => Some(OsString::from_vec(value.to_vec())),
                (true, None) => Some(
                    rest.next()
                        .cloned()
                        .ok_or(Error::MissingLongArg(opt.long))?,
                ),
                (false, Some(_)) => return Err(Error::UnexpectedArg(opt.long)),
                (false, None) => None,
            };
            parsed.options.push((opt.id, value));
            continue;
        }
        if bytes.len() > 1 && bytes[0] == b'-' {
            let mut at = 1;
            while at < bytes.len() {
                let c = bytes[at];
                at += 1;
                let opt = table
                    .iter()
                    .find(|opt| opt.short == Some(c))
                    .ok_or(Error::InvalidShort(c))?;
                if !opt.takes_arg {
                    parsed.options.push((opt.id, None));
                    continue;
                }
                let value = if at < bytes.len() {
                    OsString::from_vec(bytes[at..].to_vec())
                } else {
                    rest.next().cloned().ok_or(Error::MissingShortArg(c))?
                };
                parsed.options.push((opt.id, Some(value)));
                break;
            }
            continue;
        }
        parsed.operands.push(arg.clone());
        if posixly_correct {
            parsed.operands.extend(rest.by_ref().cloned());
            break;
        }
    }
    Ok(parsed)
}

/// The option a long name (`name`, as typed, before any `=`) stands for: the
/// exact name, else the only one it abbreviates.
fn find_long<'t, T>(table: &'t [Opt<T>], name: &[u8], arg: &[u8]) -> Result<&'t Opt<T>, Error> {
    let longs = || table.iter().filter(|opt| !opt.long.is_empty());
    if let Some(exact) = longs().find(|opt| opt.long.as_bytes() == name) {
        return Ok(exact);
    }
    let candidates: Vec<&Opt<T>> = longs()
        // An empty name (`--=x`) abbreviates every option, as in glibc.
        .filter(|opt| opt.long.as_bytes().starts_with(name))
        .collect();
    match candidates.as_slice() {
        [] => Err(Error::Unrecognized(arg.to_vec())),
        [one] => Ok(one),
        many => Err(Error::Ambiguous(
            arg.to_vec(),
            many.iter().map(|opt| opt.long).collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &[Opt<char>] = &[
        Opt {
            long: "check",
            short: Some(b'c'),
            takes_arg: false,
            id: 'c',
        },
        Opt {
            long: "length",
            short: Some(b'l'),
            takes_arg: true,
            id: 'l',
        },
        Opt {
            long: "status",
            short: None,
            takes_arg: false,
            id: 's',
        },
        Opt {
            long: "strict",
            short: None,
            takes_arg: false,
            id: 'S',
        },
        Opt {
            long: "tag",
            short: None,
            takes_arg: false,
            id: 't',
        },
    ];

    fn run(args: &[&str], posix: bool) -> Result<Parsed<char>, Error> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        parse(&args, TABLE, posix)
    }

    fn ids(parsed: &Parsed<char>) -> Vec<(char, Option<String>)> {
        parsed
            .options
            .iter()
            .map(|(id, v)| (*id, v.as_ref().map(|v| v.to_string_lossy().into_owned())))
            .collect()
    }

    #[test]
    fn groups_arguments_prefixes_and_permutation() {
        let parsed = run(&["f", "-cl256", "--stat", "--len=8", "--", "-c"], false).unwrap();
        assert_eq!(
            ids(&parsed),
            vec![
                ('c', None),
                ('l', Some("256".into())),
                ('s', None),
                ('l', Some("8".into()))
            ]
        );
        assert_eq!(parsed.operands, vec![OsString::from("f"), "-c".into()]);
        let parsed = run(&["-l", "x", "-", "-c"], true).unwrap();
        assert_eq!(ids(&parsed), vec![('l', Some("x".into()))]);
        assert_eq!(parsed.operands, vec![OsString::from("-"), "-c".into()]);
    }

    #[test]
    fn glibc_messages() {
        let message = |args: &[&str]| run(args, false).unwrap_err().to_string();
        assert_eq!(message(&["--foo=1"]), "unrecognized option '--foo=1'");
        assert_eq!(message(&["-x"]), "invalid option -- 'x'");
        assert_eq!(message(&["-cl"]), "option requires an argument -- 'l'");
        assert_eq!(
            message(&["--len"]),
            "option '--length' requires an argument"
        );
        assert_eq!(
            message(&["--ta=1"]),
            "option '--tag' doesn't allow an argument"
        );
        assert_eq!(
            message(&["--st=1"]),
            "option '--st=1' is ambiguous; possibilities: '--status' '--strict'"
        );
        assert_eq!(
            message(&["--=x"]),
            "option '--=x' is ambiguous; possibilities: '--check' '--length' '--status' '--strict' '--tag'"
        );
    }
}
