//! The `checksig` command.
//!
//! * `checksig [DIR]` verifies `DIR/sha1sum.txt` with the library's safe
//!   defaults ([`dir`]).
//! * `checksig -c [MANIFEST]...` is a drop-in for GNU `sha1sum -c` ([`gnu`]).
//! * `checksig hash` and `checksig create` make manifests ([`make`]);
//!   `checksig completions SHELL` and the hidden `checksig man` describe the
//!   command itself ([`generate`]).
//!
//! Run `checksig --help` for the options, exit statuses and the few places
//! where `--check` differs from GNU on purpose.

mod args;
mod dir;
mod generate;
mod gnu;
mod json;
mod keys;
mod make;
mod memory;
mod output;
mod progress;
mod quote;
mod version;

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::args::{Args, Command, Mode};
use crate::output::Output;

fn main() -> ExitCode {
    memory::exit_on_abort();
    die_on_closed_pipe();
    let argv: Vec<OsString> = std::env::args_os().collect();
    if let Some(status) = as_gnu_tool(&argv) {
        return status;
    }
    let command = Args::command().long_version(version::long_version());
    let matches = match command.try_get_matches_from(&argv) {
        Ok(matches) => matches,
        Err(e) => return usage_error(e, &argv),
    };
    let mut args = match Args::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(e) => return usage_error(e, &argv),
    };
    if let (Some(Command::Hash(hash)), Some(matches)) =
        (&mut args.command, matches.subcommand_matches("hash"))
    {
        hash.note_order(matches);
    }
    match &args.command {
        Some(Command::Hash(hash)) => run_gnu_style(|out| make::hash(hash, out)),
        Some(Command::Create(create)) => run_gnu_style(|out| make::create(create, out)),
        // `checksig cksum` is dispatched before clap ([`as_gnu_tool`]); the
        // subcommand is there for the help, completions and man page.
        Some(Command::Cksum { args }) => run_cksum(args),
        Some(Command::Completions { shell }) => run_gnu_style(|out| {
            out.out(&generate::completions(*shell));
            0
        }),
        Some(Command::Man { command }) => {
            run_gnu_style(|out| match generate::man_page(command.as_deref()) {
                Some(page) => {
                    out.out(&page);
                    0
                }
                None => {
                    out.diagnostic(b"man: no such subcommand");
                    2
                }
            })
        }
        None => verify(&args),
    }
}

/// A command line clap refuses: in the GNU modes (`-c`, `hash`), worded as
/// GNU's tools word it, with status 1; in DIR mode, clap's own message.
fn usage_error(error: clap::Error, argv: &[OsString]) -> ExitCode {
    use clap::error::ErrorKind;
    let informational = matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    let Some(command) = gnu::usage::gnu_mode(argv).filter(|_| !informational) else {
        error.exit()
    };
    let mut out = Output::new();
    out.diagnostic(&gnu::usage::message(&error));
    out.try_help(command.as_bytes());
    out.finish(true);
    ExitCode::from(1)
}

/// Runs as a GNU checksum tool when asked to: called as `sha256sum`,
/// `cksum`... (a link to the binary), or as `checksig cksum ARGS` or
/// `checksig -a ALGO ARGS` (cksum's `-a`/`--algorithm` first); `None`
/// otherwise.
fn as_gnu_tool(argv: &[OsString]) -> Option<ExitCode> {
    let argv0 = argv.first().map(|a| a.as_bytes()).unwrap_or_default();
    if let Some(tool) = gnu::tool::Tool::from_program(argv0) {
        let invocation = gnu::tool::Invocation {
            tool,
            program: argv0,
            command: argv0,
        };
        return Some(run_tool(&invocation, argv.get(1..).unwrap_or_default()));
    }
    let first = argv.get(1)?.as_bytes();
    if first == b"cksum" {
        return Some(run_cksum(&argv[2..]));
    }
    let algorithm_first =
        first.starts_with(b"-a") || first == b"--algorithm" || first.starts_with(b"--algorithm=");
    algorithm_first.then(|| run_cksum(&argv[1..]))
}

/// `checksig cksum ARGS`.
fn run_cksum(args: &[OsString]) -> ExitCode {
    let invocation = gnu::tool::Invocation {
        tool: gnu::tool::Tool::Cksum,
        program: b"checksig",
        command: b"checksig cksum",
    };
    run_tool(&invocation, args)
}

/// Runs a GNU tool mode; its statuses (and write errors) are GNU's.
fn run_tool(invocation: &gnu::tool::Invocation<'_>, args: &[OsString]) -> ExitCode {
    let mut out = output::Output::named(invocation.program);
    let status = gnu::tool::run(invocation, args, &mut out);
    let written = out.finish(true);
    ExitCode::from(if written { status } else { status.max(1) })
}

/// Restores the default action of SIGPIPE, which the Rust runtime ignores:
/// like GNU's tools, `checksig ... | head -1` then dies of SIGPIPE (status
/// 141 in a shell) at its next write once the reader is gone, instead of
/// hashing on for nothing and exiting 1.
fn die_on_closed_pipe() {
    // SAFETY: `signal` with SIG_DFL installs no handler; it runs first thing
    // in main, before any thread exists that could race on the disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// `checksig [DIR]` or `checksig -c [MANIFEST]...`.
fn verify(args: &Args) -> ExitCode {
    let mode = match args.mode() {
        Ok(mode) => mode,
        Err(e) => e.exit(),
    };
    let mut out = Output::new();
    let gnu = matches!(mode, Mode::Check(_));
    if let Some(message) = args.hashing_only.refusal() {
        out.diagnostic(message.as_bytes());
        out.try_help(b"checksig");
        return ExitCode::from(1);
    }
    let keys = match keys::load(&args.keys) {
        Ok(keys) => keys,
        Err(message) => {
            out.diagnostic(message.as_bytes());
            out.finish(gnu);
            return ExitCode::from(2);
        }
    };
    let status: u8 = match mode {
        Mode::Dir(dir) => match dir::run(&dir, args, keys, &mut out) {
            dir::Outcome::Verified => 0,
            dir::Outcome::Failed => 1,
            dir::Outcome::Error => 2,
        },
        Mode::Check(manifests) => {
            let options = gnu::CheckOptions {
                quiet: args.quiet,
                status: args.status,
                warn: args.warn,
                strict: args.strict,
                ignore_missing: args.ignore_missing,
                threads: args.threads,
                no_mmap: args.no_mmap,
                no_direct: args.no_direct,
                json: args.json,
                algo: args.algo,
                no_progress: args.no_progress,
                any_tagged: false,
            };
            u8::from(!gnu::run(&manifests, options, keys.as_ref(), &mut out))
        }
    };
    let written = out.finish(gnu);
    ExitCode::from(if written { status } else { status.max(1) })
}

/// Runs a subcommand, whose statuses (and write errors) are GNU's.
fn run_gnu_style(run: impl FnOnce(&mut Output) -> u8) -> ExitCode {
    let mut out = Output::new();
    let status = run(&mut out);
    let written = out.finish(true);
    ExitCode::from(if written { status } else { status.max(1) })
}
