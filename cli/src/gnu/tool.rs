//! checksig as a GNU checksum tool: called as `md5sum`, `sha1sum`,
//! `sha224sum`, `sha256sum`, `sha384sum`, `sha512sum`, `b2sum`, `b3sum` or
//! `cksum` (a symbolic or hard link to the binary, as BusyBox and uutils
//! are installed), or as `checksig cksum ...` / `checksig -a ALGO ...`.
//!
//! The command line is parsed as coreutils 9.1 parses it ([`getopt`]), the
//! options are applied in order with the same overrides (`--status`,
//! `--warn` and `--quiet` reset each other; `--tag` implies binary mode), and
//! the usage errors are checked in coreutils' order with its wording and
//! exit status 1. Hashing goes to [`super::hash`], checking to
//! [`super::run`]; algorithms come from the library's table by name, so a
//! name the table lacks is reported, not guessed.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use checksig::algorithm::AlgorithmError;
use checksig::manifest::{Encoding, LineOptions};
use checksig::Algorithm;

use super::getopt::{self, Opt};
use super::hash::{self, Format, Request};
use super::CheckOptions;
use crate::output::Output;
use crate::quote::Charset;

/// A tool checksig can stand in for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// GNU `md5sum`.
    Md5sum,
    /// GNU `sha1sum`.
    Sha1sum,
    /// GNU `sha224sum`.
    Sha224sum,
    /// GNU `sha256sum`.
    Sha256sum,
    /// GNU `sha384sum`.
    Sha384sum,
    /// GNU `sha512sum`.
    Sha512sum,
    /// GNU `b2sum` (BLAKE2b, `-l BITS`).
    B2sum,
    /// `b3sum` of the BLAKE3 team.
    B3sum,
    /// GNU `cksum` (`-a ALGO`, CRC by default).
    Cksum,
}

impl Tool {
    /// Every tool, in the order the help lists them.
    pub const ALL: [Tool; 9] = [
        Tool::Md5sum,
        Tool::Sha1sum,
        Tool::Sha224sum,
        Tool::Sha256sum,
        Tool::Sha384sum,
        Tool::Sha512sum,
        Tool::B2sum,
        Tool::B3sum,
        Tool::Cksum,
    ];

    /// The tool's command name.
    pub const fn name(self) -> &'static str {
        match self {
            Tool::Md5sum => "md5sum",
            Tool::Sha1sum => "sha1sum",
            Tool::Sha224sum => "sha224sum",
            Tool::Sha256sum => "sha256sum",
            Tool::Sha384sum => "sha384sum",
            Tool::Sha512sum => "sha512sum",
            Tool::B2sum => "b2sum",
            Tool::B3sum => "b3sum",
            Tool::Cksum => "cksum",
        }
    }

    /// The tool a program was invoked as: the last component of `argv[0]`.
    pub fn from_program(argv0: &[u8]) -> Option<Tool> {
        let base = argv0.rsplit(|&b| b == b'/').next()?;
        Tool::ALL
            .into_iter()
            .find(|tool| tool.name().as_bytes() == base)
    }

    /// The algorithm name the tool uses without `-a` (cksum: CRC).
    fn default_algorithm(self) -> &'static str {
        match self {
            Tool::Md5sum => "md5",
            Tool::Sha1sum => "sha1",
            Tool::Sha224sum => "sha224",
            Tool::Sha256sum => "sha256",
            Tool::Sha384sum => "sha384",
            Tool::Sha512sum => "sha512",
            Tool::B2sum => "blake2b",
            Tool::B3sum => "blake3",
            Tool::Cksum => "crc",
        }
    }

    /// The tool's options, in coreutils' `long_options` order (which is the
    /// order glibc lists an ambiguous abbreviation's possibilities in).
    fn options(self) -> Vec<Opt<Id>> {
        let mut table = Vec::new();
        match self {
            Tool::B3sum => {
                table.extend([
                    opt("check", Some(b'c'), false, Id::Check),
                    opt("derive-key", None, true, Id::Unsupported),
                    opt("help", Some(b'h'), false, Id::Help),
                    opt("keyed", None, false, Id::Unsupported),
                    opt("length", Some(b'l'), true, Id::Length),
                    opt("no-mmap", None, false, Id::Ignored),
                    opt("no-names", None, false, Id::NoNames),
                    opt("num-threads", None, true, Id::Threads),
                    opt("quiet", None, false, Id::Quiet),
                    opt("raw", None, false, Id::Raw),
                    opt("seek", None, true, Id::Seek),
                    opt("tag", None, false, Id::Tag),
                    opt("version", Some(b'V'), false, Id::Version),
                ]);
                return table;
            }
            Tool::B2sum | Tool::Cksum => table.push(opt("length", Some(b'l'), true, Id::Length)),
            _ => {}
        }
        table.extend([
            opt("check", Some(b'c'), false, Id::Check),
            opt("ignore-missing", None, false, Id::IgnoreMissing),
            opt("quiet", None, false, Id::Quiet),
            opt("status", None, false, Id::Status),
            opt("warn", Some(b'w'), false, Id::Warn),
            opt("strict", None, false, Id::Strict),
            opt("tag", None, false, Id::Tag),
            opt("zero", Some(b'z'), false, Id::Zero),
        ]);
        if self == Tool::Cksum {
            table.extend([
                opt("algorithm", Some(b'a'), true, Id::Algorithm),
                opt("debug", None, false, Id::Ignored),
                opt("untagged", None, false, Id::Untagged),
                opt("base64", None, false, Id::Base64),
                opt("raw", None, false, Id::Raw),
                // cksum 9.1 takes -b and -t, then stops with its usage line.
                opt("", Some(b'b'), false, Id::UsageFailure),
                opt("", Some(b't'), false, Id::UsageFailure),
            ]);
        } else {
            table.extend([
                opt("binary", Some(b'b'), false, Id::Binary),
                opt("text", Some(b't'), false, Id::Text),
            ]);
        }
        table.extend([
            opt("help", None, false, Id::Help),
            opt("version", None, false, Id::Version),
        ]);
        table
    }
}

const fn opt(long: &'static str, short: Option<u8>, takes_arg: bool, id: Id) -> Opt<Id> {
    Opt {
        long,
        short,
        takes_arg,
        id,
    }
}

/// What an option does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Id {
    Length,
    Check,
    IgnoreMissing,
    Quiet,
    Status,
    Warn,
    Strict,
    Tag,
    Zero,
    Algorithm,
    Untagged,
    Base64,
    Raw,
    Binary,
    Text,
    Help,
    Version,
    /// Accepted and without effect here (`cksum --debug`, `b3sum --no-mmap`).
    Ignored,
    /// Accepted by getopt, then a bare usage failure (`cksum -b` in 9.1).
    UsageFailure,
    /// b3sum's keyed modes, which checksig does not offer.
    Unsupported,
    NoNames,
    Threads,
    /// b3sum's `--seek` into the extended output: 0 only.
    Seek,
}

/// The names `cksum -a` takes, in coreutils' order (9.1's eleven, then the
/// ones later releases added, then BLAKE3, which checksig adds).
pub const CKSUM_ALGORITHMS: [&str; 17] = [
    "bsd", "sysv", "crc", "crc32b", "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha2",
    "sha3", "blake2b", "sm3", "shake128", "shake256", "blake3",
];

/// The options once applied in order, as coreutils' variables hold them.
#[derive(Debug)]
struct Settings {
    /// -1 unset, 0 text (`-t`), 1 binary (`-b`, `--tag`).
    binary: i8,
    check: bool,
    tag: bool,
    zero: bool,
    ignore_missing: bool,
    quiet: bool,
    status: bool,
    warn: bool,
    strict: bool,
    /// `-l` in bits (bytes for b3sum); 0 is the default length.
    length: u64,
    length_text: Vec<u8>,
    algorithm: &'static str,
    algorithm_specified: bool,
    base64: bool,
    raw: bool,
    names: bool,
    threads: usize,
}

/// How a run ended early.
enum Stop {
    /// Exit with this status, everything said.
    Exit(u8),
    /// A usage error: `PROG: message`, then `Try 'PROG --help' ...`, status 1.
    Usage(Vec<u8>),
    /// coreutils' bare `usage (EXIT_FAILURE)`: only the `Try` line.
    BareUsage,
    /// A fatal error without the `Try` line (coreutils' `die`): each line
    /// is printed after `PROG: `.
    Die(Vec<String>),
}

/// A GNU-tool invocation: who we are and how the help is reached.
pub struct Invocation<'a> {
    /// The tool.
    pub tool: Tool,
    /// The name prefixing diagnostics (`argv[0]` as given, as coreutils does).
    pub program: &'a [u8],
    /// The command the `Try '... --help'` line names.
    pub command: &'a [u8],
}

/// Runs the tool over `args` (the arguments after the program name or the
/// `cksum` subcommand); the exit status.
pub fn run(invocation: &Invocation<'_>, args: &[OsString], out: &mut Output) -> u8 {
    match parse_and_run(invocation, args, out) {
        Ok(status) | Err(Stop::Exit(status)) => status,
        Err(Stop::Usage(message)) => {
            out.diagnostic(&message);
            out.try_help(invocation.command);
            1
        }
        Err(Stop::BareUsage) => {
            out.try_help(invocation.command);
            1
        }
        Err(Stop::Die(lines)) => {
            for line in lines {
                out.diagnostic(line.as_bytes());
            }
            1
        }
    }
}

fn parse_and_run(
    invocation: &Invocation<'_>,
    args: &[OsString],
    out: &mut Output,
) -> Result<u8, Stop> {
    let tool = invocation.tool;
    let table = tool.options();
    let posixly_correct = std::env::var_os("POSIXLY_CORRECT").is_some();
    // getopt reports an error where it meets it; options before it still
    // take effect (`--help --foo` prints the help).
    let (parsed, error) = parse_prefix(args, &table, posixly_correct);
    let charset = Charset::from_env();
    let mut settings = Settings {
        binary: -1,
        check: false,
        tag: tool == Tool::Cksum,
        zero: false,
        ignore_missing: false,
        quiet: false,
        status: false,
        warn: false,
        strict: false,
        length: 0,
        length_text: Vec::new(),
        algorithm: tool.default_algorithm(),
        algorithm_specified: false,
        base64: false,
        raw: false,
        names: true,
        threads: 0,
    };
    for (id, value) in &parsed.options {
        let value = value.as_ref().map(|v| v.as_bytes()).unwrap_or_default();
        match id {
            Id::Binary => settings.binary = 1,
            Id::Text => settings.binary = 0,
            Id::Check => settings.check = true,
            Id::Status => (settings.status, settings.warn, settings.quiet) = (true, false, false),
            Id::Warn => (settings.status, settings.warn, settings.quiet) = (false, true, false),
            Id::Quiet => (settings.status, settings.warn, settings.quiet) = (false, false, true),
            Id::IgnoreMissing => settings.ignore_missing = true,
            Id::Strict => settings.strict = true,
            Id::Tag => {
                settings.tag = true;
                // The *sum tools' --tag implies binary mode; cksum 9.1's
                // leaves it (-b and -t are usage errors there).
                if tool != Tool::Cksum {
                    settings.binary = 1;
                }
            }
            Id::Untagged => settings.tag = false,
            Id::Zero => settings.zero = true,
            Id::Base64 => settings.base64 = true,
            Id::Raw => settings.raw = true,
            Id::NoNames => settings.names = false,
            Id::Ignored => {}
            Id::Threads => {
                settings.threads = parse_number(value).ok_or_else(|| {
                    Stop::Die(vec![format!(
                        "invalid number of threads: {}",
                        quote(value, charset)
                    )])
                })? as usize
            }
            Id::Seek => {
                if parse_number(value) != Some(0) {
                    return Err(Stop::Die(vec![format!(
                        "only --seek 0 is supported, not {}",
                        quote(value, charset)
                    )]));
                }
            }
            Id::Length if tool == Tool::B3sum => {
                settings.length = parse_number(value).ok_or_else(|| {
                    Stop::Die(vec![format!("invalid length: {}", quote(value, charset))])
                })?;
                settings.length_text = value.to_vec();
            }
            Id::Length => {
                let bits = parse_number(value).ok_or_else(|| {
                    Stop::Die(vec![format!("invalid length: {}", quote(value, charset))])
                })?;
                if bits % 8 != 0 {
                    return Err(Stop::Die(vec![
                        format!("invalid length: {}", quote(value, charset)),
                        "length is not a multiple of 8".to_string(),
                    ]));
                }
                settings.length = bits;
                settings.length_text = value.to_vec();
            }
            Id::Algorithm => {
                settings.algorithm = CKSUM_ALGORITHMS
                    .iter()
                    .find(|name| name.as_bytes() == value)
                    .ok_or_else(|| invalid_algorithm(value, charset))?;
                settings.algorithm_specified = true;
            }
            Id::Help => {
                out.out(help(invocation).as_bytes());
                return Err(Stop::Exit(0));
            }
            Id::Version => {
                out.out(
                    format!("{} (checksig) {}\n", tool.name(), env!("CARGO_PKG_VERSION"))
                        .as_bytes(),
                );
                return Err(Stop::Exit(0));
            }
            Id::UsageFailure => return Err(Stop::BareUsage),
            Id::Unsupported => {
                return Err(Stop::Die(vec![
                    "keyed hashing (--keyed, --derive-key) is not supported by checksig".into(),
                ]))
            }
        }
    }
    if let Some(error) = error {
        return Err(Stop::Usage(error.message()));
    }
    length_and_check(tool, &settings, charset)?;
    validate(tool, &settings)?;
    let algorithm = resolve(tool, &settings, charset)?;
    let mut files = parsed.operands;
    let operands_given = !files.is_empty();
    if files.is_empty() {
        files.push("-".into());
    }
    if settings.raw && files.len() > 1 {
        return Err(Stop::Die(vec![
            "the --raw option is not supported with multiple files".into(),
        ]));
    }
    if settings.check {
        let options = CheckOptions {
            quiet: settings.quiet,
            status: settings.status,
            warn: settings.warn,
            strict: settings.strict,
            ignore_missing: settings.ignore_missing,
            threads: settings.threads,
            algo: algorithm,
            // `cksum -c` without `-a`: each line by its own tag.
            any_tagged: algorithm.is_none(),
            no_progress: true,
            ..CheckOptions::default()
        };
        return Ok(u8::from(!super::run(&files, options, None, out)));
    }
    let Some(algorithm) = algorithm else {
        unreachable!("hashing always resolves an algorithm");
    };
    let legacy = hash::is_legacy(algorithm);
    let format = Format {
        options: LineOptions::default()
            .tagged(settings.tag)
            .binary(settings.binary == 1)
            .zero(settings.zero)
            .encoding(if settings.raw {
                Encoding::Raw
            } else if settings.base64 {
                Encoding::Base64
            } else {
                Encoding::Hex
            })
            .b3sum_escapes(tool == Tool::B3sum),
        names: settings.names && (operands_given || !legacy),
    };
    let request = Request {
        files: &files,
        algorithm,
        format,
        threads: settings.threads,
        // GNU's tools draw nothing on a terminal; neither does a stand-in.
        no_progress: true,
    };
    Ok(hash::run(&request, out))
}

/// getopt over `args`, keeping the options met before an error.
fn parse_prefix(
    args: &[OsString],
    table: &[Opt<Id>],
    posixly_correct: bool,
) -> (getopt::Parsed<Id>, Option<getopt::Error>) {
    // Find how far the command line parses: the longest prefix of the
    // arguments without error, re-parsed (command lines are short).
    match getopt::parse(args, table, posixly_correct) {
        Ok(parsed) => (parsed, None),
        Err(error) => {
            let good = (0..args.len())
                .rev()
                .find_map(|n| getopt::parse(&args[..n], table, posixly_correct).ok())
                .unwrap_or(getopt::Parsed {
                    options: Vec::new(),
                    operands: Vec::new(),
                });
            (good, Some(error))
        }
    }
}

/// coreutils' checks after the options, in its order.
fn validate(tool: Tool, settings: &Settings) -> Result<(), Stop> {
    let usage = |text: &str| Err(Stop::Usage(text.as_bytes().to_vec()));
    if tool == Tool::B3sum {
        // b3sum: --quiet "must be used with --check".
        if settings.quiet && !settings.check {
            return usage("the --quiet option is meaningful only when verifying checksums");
        }
        return Ok(());
    }
    if settings.tag && settings.binary == 0 {
        return usage(if tool == Tool::Cksum {
            "--text mode is only supported with --untagged"
        } else {
            "--tag does not support --text mode"
        });
    }
    if settings.zero && settings.check {
        return usage("the --zero option is not supported when verifying checksums");
    }
    if tool != Tool::Cksum && settings.tag && settings.check {
        return usage("the --tag option is meaningless when verifying checksums");
    }
    if settings.binary >= 0 && settings.check {
        return usage("the --binary and --text options are meaningless when verifying checksums");
    }
    let check_only = [
        (settings.ignore_missing, "ignore-missing"),
        (settings.status, "status"),
        (settings.warn, "warn"),
        (settings.quiet, "quiet"),
        (settings.strict, "strict"),
    ];
    for (set, name) in check_only {
        if set && !settings.check {
            return usage(&format!(
                "the --{name} option is meaningful only when verifying checksums"
            ));
        }
    }
    Ok(())
}

/// coreutils' checks of `-l` and of `-c` with cksum's historical sums,
/// which come before the others.
fn length_and_check(tool: Tool, settings: &Settings, charset: Charset) -> Result<(), Stop> {
    let name = settings.algorithm;
    let bits = settings.length;
    let die = |lines: Vec<String>| Err(Stop::Die(lines));
    let length_quoted = || quote(&settings.length_text, charset);
    match tool {
        Tool::B3sum if bits != 0 && bits != 32 => {
            return die(vec![format!(
                "only the default length (32 bytes) is supported, not {}",
                length_quoted()
            )])
        }
        Tool::Cksum if bits != 0 && !matches!(name, "blake2b" | "sha2" | "sha3") => {
            return die(vec![
                "--length is only supported with --algorithm=blake2b".into()
            ])
        }
        Tool::B2sum | Tool::Cksum if name == "blake2b" && bits > 512 => {
            return die(vec![
                format!("invalid length: {}", length_quoted()),
                format!(
                    "maximum digest length for {} is 512 bits",
                    quote(b"BLAKE2b", charset)
                ),
            ])
        }
        _ => {}
    }
    let legacy_name = matches!(name, "bsd" | "sysv" | "crc");
    if tool == Tool::Cksum && settings.check && settings.algorithm_specified && legacy_name {
        return die(vec![
            "--check is not supported with --algorithm={bsd,sysv,crc}".into(),
        ]);
    }
    Ok(())
}

/// The algorithm the options select, from the library's table by name
/// (`None`: `cksum -c` without `-a`, where each manifest's lines decide).
fn resolve(tool: Tool, settings: &Settings, charset: Charset) -> Result<Option<Algorithm>, Stop> {
    let name = settings.algorithm;
    let bits = settings.length;
    let die = |lines: Vec<String>| Err(Stop::Die(lines));
    if tool == Tool::Cksum && settings.check && !settings.algorithm_specified {
        return Ok(None);
    }
    if matches!(name, "sha2" | "sha3") && bits == 0 {
        return die(vec![format!(
            "--algorithm={name} requires specifying --length"
        )]);
    }
    // b3sum's `-l` counts bytes and is checked already; 0 is the default.
    let bits = (tool != Tool::B3sum && bits != 0).then_some(bits);
    let bits = bits.map(|bits| u32::try_from(bits).unwrap_or(u32::MAX));
    match Algorithm::parse_with_length(name, bits) {
        Ok(algorithm) => Ok(Some(algorithm)),
        Err(AlgorithmError::InvalidLength { .. }) => die(vec![
            format!("invalid length: {}", quote(&settings.length_text, charset)),
            format!(
                "digest length for {} must be 224, 256, 384, or 512",
                quote(name.to_uppercase().as_bytes(), charset)
            ),
        ]),
        Err(_) => die(vec![format!(
            "the {name} algorithm is not available in this build of checksig"
        )]),
    }
}

/// `cksum -a` with a name it does not know, worded as gnulib's `argmatch`.
fn invalid_algorithm(value: &[u8], charset: Charset) -> Stop {
    let mut text = format!(
        "invalid argument {} for {}\nValid arguments are:",
        quote(value, charset),
        quote(b"--algorithm", charset)
    );
    for name in CKSUM_ALGORITHMS {
        text.push_str(&format!("\n  - {}", quote(name.as_bytes(), charset)));
    }
    Stop::Usage(text.into_bytes())
}

/// A decimal number as `xdectoumax` takes it (leading blanks and `+`
/// allowed, no suffix).
fn parse_number(text: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(text).ok()?;
    let text = text.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// gnulib's `quote`: ‘x’ in a UTF-8 locale, 'x' otherwise; control
/// characters and bytes that are not text as C escapes.
fn quote(text: &[u8], charset: Charset) -> String {
    let (open, close) = match charset {
        Charset::Utf8 => ("\u{2018}", "\u{2019}"),
        Charset::Bytes => ("'", "'"),
    };
    let mut body = String::new();
    for chunk in text.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => body.push_str("\\n"),
                '\t' => body.push_str("\\t"),
                '\\' => body.push_str("\\\\"),
                c if c.is_control() => body.push_str(&format!("\\{:03o}", c as u32)),
                c if !c.is_ascii() && charset == Charset::Bytes => {
                    let mut buf = [0; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        body.push_str(&format!("\\{b:03o}"));
                    }
                }
                c => body.push(c),
            }
        }
        for b in chunk.invalid() {
            body.push_str(&format!("\\{b:03o}"));
        }
    }
    format!("{open}{body}{close}")
}

/// The `--help` text, in the layout of coreutils' (our own words).
fn help(invocation: &Invocation<'_>) -> String {
    let tool = invocation.tool;
    let command = String::from_utf8_lossy(invocation.command);
    let mut text = format!("Usage: {command} [OPTION]... [FILE]...\n");
    let what = match tool {
        Tool::Cksum => {
            "Print or verify checksums.\nBy default use the 32 bit CRC algorithm.".to_string()
        }
        Tool::B2sum => "Print or check BLAKE2b (512-bit) checksums.".to_string(),
        Tool::B3sum => "Print or check BLAKE3 (256-bit) checksums.".to_string(),
        other => format!(
            "Print or check {} ({}-bit) checksums.",
            other.default_algorithm().to_uppercase(),
            match other {
                Tool::Md5sum => 128,
                Tool::Sha1sum => 160,
                Tool::Sha224sum => 224,
                Tool::Sha256sum => 256,
                Tool::Sha384sum => 384,
                _ => 512,
            }
        ),
    };
    text.push_str(&what);
    text.push_str("\n\nWith no FILE, or when FILE is -, read standard input.\n");
    let mut lines: Vec<&str> = Vec::new();
    match tool {
        Tool::B3sum => lines.extend([
            "  -c, --check          read BLAKE3 sums from the FILEs and check them",
            "  -l, --length=BYTES   digest length in bytes (only 32 is supported)",
            "      --no-mmap        accepted; checksig decides how files are read",
            "      --no-names       print digests without file names",
            "      --num-threads=N  hash with N threads (0: one per CPU)",
            "      --quiet          don't print OK for each successfully verified file",
            "      --raw            write the raw digest bytes (one FILE only)",
            "      --seek=0         the output offset (only 0 is supported)",
            "      --tag            create a BSD-style checksum",
            "  -h, --help           display this help and exit",
            "  -V, --version        output version information and exit",
        ]),
        _ => {
            if tool == Tool::Cksum {
                lines.extend([
                    "  -a, --algorithm=TYPE  select the digest type to use.  See DIGEST below.",
                    "      --base64          emit base64-encoded digests, not hexadecimal",
                ]);
            } else {
                lines.push("  -b, --binary          read in binary mode");
            }
            lines.push("  -c, --check           read checksums from the FILEs and check them");
            if matches!(tool, Tool::B2sum | Tool::Cksum) {
                lines.extend([
                    "  -l, --length=BITS     digest length in bits; must not exceed the max for",
                    "                          the blake2 algorithm and must be a multiple of 8",
                ]);
            }
            if tool == Tool::Cksum {
                lines.extend([
                    "      --raw             emit a raw binary digest, not hexadecimal",
                    "      --tag             create a BSD-style checksum (the default)",
                    "      --untagged        create a reversed style checksum, without digest type",
                ]);
            } else {
                lines.extend([
                    "      --tag             create a BSD-style checksum",
                    "  -t, --text            read in text mode (default)",
                ]);
            }
            lines.extend([
                "  -z, --zero            end each output line with NUL, not newline,",
                "                          and disable file name escaping",
                "",
                "The following five options are useful only when verifying checksums:",
                "      --ignore-missing  don't fail or report status for missing files",
                "      --quiet           don't print OK for each successfully verified file",
                "      --status          don't output anything, status code shows success",
                "      --strict          exit non-zero for improperly formatted checksum lines",
                "  -w, --warn            warn about improperly formatted checksum lines",
                "",
                "      --help        display this help and exit",
                "      --version     output version information and exit",
            ]);
        }
    }
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    if tool == Tool::Cksum {
        text.push_str("\nDIGEST determines the digest algorithm and default output format:\n");
        for name in CKSUM_ALGORITHMS {
            let available = match name {
                "sha2" => Algorithm::by_name("sha256").is_some(),
                "sha3" => Algorithm::by_name("sha3-256").is_some(),
                _ => Algorithm::by_name(name).is_some(),
            };
            let note = if available {
                ""
            } else {
                " (not in this build)"
            };
            text.push_str(&format!("  {name}{note}\n"));
        }
    }
    text.push_str("\nchecksig stands in for this tool; run 'checksig --help' for its own modes.\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_known_by_their_last_component() {
        assert_eq!(
            Tool::from_program(b"/usr/bin/sha256sum"),
            Some(Tool::Sha256sum)
        );
        assert_eq!(Tool::from_program(b"cksum"), Some(Tool::Cksum));
        assert_eq!(Tool::from_program(b"checksig"), None);
        assert_eq!(Tool::from_program(b"sha256sum.exe"), None);
    }

    #[test]
    fn option_tables_have_unique_names() {
        for tool in Tool::ALL {
            let table = tool.options();
            for (i, a) in table.iter().enumerate() {
                for b in &table[i + 1..] {
                    assert!(
                        a.long.is_empty() || a.long != b.long,
                        "{tool:?} --{}",
                        a.long
                    );
                    assert!(
                        a.short.is_none() || a.short != b.short,
                        "{tool:?} -{:?}",
                        a.short
                    );
                }
            }
        }
    }

    #[test]
    fn lengths_parse_as_xdectoumax() {
        assert_eq!(parse_number(b"256"), Some(256));
        assert_eq!(parse_number(b" +8"), Some(8));
        assert_eq!(parse_number(b"-8"), None);
        assert_eq!(parse_number(b"8k"), None);
        assert_eq!(parse_number(b""), None);
    }

    #[test]
    fn quote_is_locale_quoting() {
        assert_eq!(quote(b"12", Charset::Utf8), "\u{2018}12\u{2019}");
        assert_eq!(quote(b"a\nb", Charset::Bytes), "'a\\nb'");
        assert_eq!(quote(b"\xff", Charset::Utf8), "\u{2018}\\377\u{2019}");
    }
}
