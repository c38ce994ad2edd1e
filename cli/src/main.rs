//! The `checksig` command.
//!
//! * `checksig [DIR]` verifies `DIR/sha1sum.txt` with the library's safe
//!   defaults ([`dir`]).
//! * `checksig -c [MANIFEST]...` is a drop-in for GNU `sha1sum -c` ([`gnu`]).
//!
//! Run `checksig --help` for the options, exit statuses and the few places
//! where `--check` differs from GNU on purpose.

mod args;
mod dir;
mod gnu;
mod json;
mod make;
mod memory;
mod output;
mod progress;
mod quote;
mod version;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser};

use crate::args::{Args, Mode};
use crate::output::Output;

fn main() -> ExitCode {
    memory::exit_on_abort();
    match std::env::args_os().nth(1).as_ref().and_then(|a| a.to_str()) {
        Some("hash") => {
            return make_command(|out| {
                let args = make::HashArgs::parse_from(std::env::args_os().skip(1));
                make::hash(&args, out)
            })
        }
        Some("create") => {
            return make_command(|out| {
                let args = make::CreateArgs::parse_from(std::env::args_os().skip(1));
                make::create(&args, out)
            })
        }
        _ => {}
    }
    let command = Args::command().long_version(version::long_version());
    let args = match Args::from_arg_matches(&command.get_matches()) {
        Ok(args) => args,
        Err(e) => e.exit(),
    };
    let mode = match args.mode() {
        Ok(mode) => mode,
        Err(e) => e.exit(),
    };
    let mut out = Output::new();
    let gnu = matches!(mode, Mode::Check(_));
    let status: u8 = match mode {
        Mode::Dir(dir) => match dir::run(&dir, &args, &mut out) {
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
            };
            u8::from(!gnu::run(&manifests, options, &mut out))
        }
    };
    let written = out.finish(gnu);
    ExitCode::from(if written { status } else { status.max(1) })
}

/// Runs `checksig hash` or `checksig create`, whose statuses are GNU's.
fn make_command(run: impl FnOnce(&mut Output) -> u8) -> ExitCode {
    let mut out = Output::new();
    let status = run(&mut out);
    let written = out.finish(true);
    ExitCode::from(if written { status } else { status.max(1) })
}
