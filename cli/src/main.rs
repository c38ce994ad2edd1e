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

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::args::{Args, Command, Mode};
use crate::output::Output;

fn main() -> ExitCode {
    memory::exit_on_abort();
    die_on_closed_pipe();
    let command = Args::command().long_version(version::long_version());
    let args = match Args::from_arg_matches(&command.get_matches()) {
        Ok(args) => args,
        Err(e) => e.exit(),
    };
    match &args.command {
        Some(Command::Hash(hash)) => run_gnu_style(|out| make::hash(hash, out)),
        Some(Command::Create(create)) => run_gnu_style(|out| make::create(create, out)),
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
