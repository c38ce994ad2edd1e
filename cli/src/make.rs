//! `checksig hash FILE...` and `checksig create [DIR]`: making manifests.
//!
//! `hash` prints exactly what `sha1sum FILE...` (or `sha256sum`, `md5sum`...
//! with `--algo`) prints, files hashed in parallel and printed in argument
//! order. `create` writes a manifest of every regular file under DIR.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use checksig::manifest::{format_line, Encoding, LineOptions};
use checksig::{create, Algorithm};
use clap::Parser;

use crate::gnu::hash;
use crate::output::{os_error_text, Output};
use crate::progress::Bar;
use crate::quote::{quotef, Charset};

/// `checksig hash`: print checksum lines like `sha1sum FILE...`.
#[derive(Debug, Parser)]
#[command(name = "checksig hash", max_term_width = 100)]
pub struct HashArgs {
    /// The files to hash ('-' or none: standard input).
    #[arg(value_name = "FILE")]
    pub files: Vec<OsString>,

    #[arg(long, short = 'a', value_name = "ALGO", default_value = "sha1", help = algo_help())]
    pub algo: Algorithm,

    /// Write BSD-style lines (`SHA256 (name) = ...`), like `sha256sum --tag`.
    #[arg(long, overrides_with = "untagged")]
    pub tag: bool,

    /// Write `DIGEST  NAME` lines (the default; cksum's spelling).
    #[arg(long, overrides_with = "tag")]
    pub untagged: bool,

    /// Mark names with '*' (`DIGEST *NAME`), like `sha1sum -b`.
    #[arg(short = 'b', long, overrides_with = "text")]
    pub binary: bool,

    /// Text mode (the default): `DIGEST  NAME`.
    #[arg(short = 't', long, overrides_with = "binary")]
    pub text: bool,

    /// `-t` came after the last `--tag` on the command line (set from the
    /// parsed matches by [`HashArgs::note_order`]): GNU's tools refuse that
    /// order only (`-t --tag` is tagged output).
    #[arg(skip)]
    pub text_after_tag: bool,

    /// End each line with NUL, not newline, and never escape names.
    #[arg(short = 'z', long)]
    pub zero: bool,

    /// Write digests in base64, not hexadecimal (coreutils 9.2+ `cksum --base64`).
    #[arg(long, conflicts_with = "raw")]
    pub base64: bool,

    /// Write the raw digest bytes of one FILE (coreutils 9.2+ `cksum --raw`).
    #[arg(long)]
    pub raw: bool,

    /// Worker threads hashing files in parallel (0: one per CPU).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Never show the progress bar (shown on a terminal's standard error
    /// once a run lasts 0.3 s).
    #[arg(long)]
    pub no_progress: bool,

    /// Check-mode options, accepted only to be refused as GNU refuses them
    /// when hashing ("meaningful only when verifying checksums").
    #[command(flatten)]
    pub check_only: CheckOnly,
}

/// `--ignore-missing`, `--quiet`, `--status`, `--strict` and `-w`, which
/// `checksig hash` refuses with GNU's words.
#[derive(Debug, clap::Args)]
pub struct CheckOnly {
    #[arg(long, hide = true)]
    ignore_missing: bool,
    #[arg(long, hide = true, overrides_with_all = ["status", "warn"])]
    quiet: bool,
    #[arg(long, hide = true, overrides_with_all = ["quiet", "warn"])]
    status: bool,
    #[arg(long, hide = true)]
    strict: bool,
    #[arg(short = 'w', long, hide = true, overrides_with_all = ["quiet", "status"])]
    warn: bool,
}

impl CheckOnly {
    /// The first one given, in coreutils' order, as its long name.
    fn first(&self) -> Option<&'static str> {
        [
            (self.ignore_missing, "ignore-missing"),
            (self.status, "status"),
            (self.warn, "warn"),
            (self.quiet, "quiet"),
            (self.strict, "strict"),
        ]
        .into_iter()
        .find_map(|(set, name)| set.then_some(name))
    }
}

impl HashArgs {
    /// Records from `matches` (those of the `hash` subcommand) what the
    /// fields cannot hold: whether `-t` came after `--tag`, as GNU's
    /// `binary` variable, set by each in turn, is then text mode.
    pub fn note_order(&mut self, matches: &clap::ArgMatches) {
        let last = |id: &str| matches.indices_of(id).and_then(Iterator::max);
        self.text_after_tag = match (last("tag"), last("text")) {
            (Some(tag), Some(text)) => self.tag && self.text && text > tag,
            _ => false,
        };
    }
}

/// The help of `--algo`: every algorithm of the library's table.
pub fn algo_help() -> String {
    format!("The algorithm: {}", Algorithm::names_for_messages())
}

/// `checksig create`: write a manifest of every regular file under DIR.
#[derive(Debug, Parser)]
#[command(name = "checksig create", max_term_width = 100)]
pub struct CreateArgs {
    /// The directory to list.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: OsString,

    #[arg(long, short = 'a', value_name = "ALGO", default_value = "sha1", help = algo_help())]
    pub algo: Algorithm,

    /// Where to write the manifest ('-': standard output); default
    /// DIR/sha1sum.txt (sha256sum.txt, sha512sum.txt, md5sum.txt, b3sum.txt).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<OsString>,

    /// Worker threads hashing files in parallel (0: one per CPU).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Never show the progress bar (shown on a terminal's standard error
    /// once a run lasts 0.3 s).
    #[arg(long)]
    pub no_progress: bool,
}

/// The manifest name `create` writes for `algorithm`, which `checksig DIR` finds.
pub fn default_manifest_name(algorithm: Algorithm) -> String {
    format!("{}.txt", algorithm.tool())
}

/// Runs `checksig hash`; the exit status (0, 1 if a file could not be
/// hashed or, as with GNU's tools, for a usage error).
pub fn hash(args: &HashArgs, out: &mut Output) -> u8 {
    let usage = |out: &mut Output, message: &str| {
        out.diagnostic(message.as_bytes());
        out.try_help(b"checksig hash");
        1
    };
    if args.text_after_tag {
        return usage(out, "--tag does not support --text mode");
    }
    if let Some(name) = args.check_only.first() {
        return usage(
            out,
            &format!("the --{name} option is meaningful only when verifying checksums"),
        );
    }
    let mut files = args.files.clone();
    if files.is_empty() {
        files.push("-".into());
    }
    if args.raw && files.len() > 1 {
        out.diagnostic(b"the --raw option is not supported with multiple files");
        return 1;
    }
    let request = hash::Request {
        files: &files,
        algorithm: args.algo,
        format: hash::Format {
            options: LineOptions::default()
                .tagged(args.tag)
                .binary(args.binary)
                .zero(args.zero)
                .encoding(if args.raw {
                    Encoding::Raw
                } else if args.base64 {
                    Encoding::Base64
                } else {
                    Encoding::Hex
                }),
            names: true,
        },
        threads: args.threads,
        no_progress: args.no_progress,
    };
    hash::run(&request, out)
}

/// Runs `checksig create`; 0, 1 if a file could not be hashed (nothing is
/// written then), 2 if DIR cannot be listed or the manifest cannot be written.
pub fn create(args: &CreateArgs, out: &mut Output) -> u8 {
    let charset = Charset::from_env();
    let dir = Path::new(&args.dir);
    let to_stdout = args.output.as_ref().is_some_and(|o| o.as_bytes() == b"-");
    let target: Option<PathBuf> = match &args.output {
        _ if to_stdout => None,
        Some(path) => Some(PathBuf::from(path)),
        None => Some(dir.join(default_manifest_name(args.algo))),
    };
    let bar = Bar::for_stderr(!args.no_progress);
    let update =
        |progress: &checksig::Progress| bar.as_ref().is_none_or(|bar| bar.update(progress));
    let mut hashing = create::Hashing::new(args.algo).threads(args.threads);
    if bar.is_some() {
        hashing = hashing.progress(&update);
    }
    let listed = hashing.list_dir(dir, target.as_deref());
    if let Some(bar) = &bar {
        bar.finish();
    }
    let listing = match listed {
        Ok(listing) => listing,
        Err(create::CreateError::List(error)) => {
            let mut message = quotef(args.dir.as_bytes(), charset);
            message.extend_from_slice(b": cannot list ");
            message.extend_from_slice(&quotef(error.path.as_os_str().as_bytes(), charset));
            message.extend_from_slice(format!(": {}", os_error_text(&error.source)).as_bytes());
            out.diagnostic(&message);
            return 2;
        }
        // Neither the bar nor a fresh token ever cancels.
        Err(other) => {
            out.diagnostic(other.to_string().as_bytes());
            return 2;
        }
    };
    let mut text = Vec::new();
    let mut failed = false;
    for file in &listing {
        match (&file.digest, file.entry()) {
            (_, Some(entry)) => {
                text.extend(format_line(&entry).expect("a listed file has a valid name"))
            }
            (Err(error), None) => {
                failed = true;
                let path = dir.join(OsStr::from_bytes(&file.name));
                let mut message = quotef(path.as_os_str().as_bytes(), charset);
                message.extend_from_slice(b": ");
                message.extend_from_slice(hash_error_text(error).as_bytes());
                out.diagnostic(&message);
            }
            (Ok(_), None) => unreachable!("a digest makes an entry"),
        }
    }
    if failed {
        out.diagnostic(b"no manifest written: some files could not be hashed");
        return 1;
    }
    match target {
        None => {
            out.out(&text);
            0
        }
        Some(path) => match create::write_manifest(&path, &text, args.output.is_some()) {
            Ok(()) => 0,
            Err(error) => {
                let mut message = quotef(path.as_os_str().as_bytes(), charset);
                message.extend_from_slice(b": ");
                message.extend_from_slice(os_error_text(&error).as_bytes());
                out.diagnostic(&message);
                2
            }
        },
    }
}

/// What `sha1sum` says for a file it cannot hash.
fn hash_error_text(error: &checksig::HashFileError) -> String {
    hash::hash_error_text(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_are_consistent() {
        use clap::CommandFactory;
        HashArgs::command().debug_assert();
        CreateArgs::command().debug_assert();
    }

    #[test]
    fn default_manifest_names() {
        assert_eq!(default_manifest_name(Algorithm::Blake3), "b3sum.txt");
    }

    #[test]
    fn algo_help_lists_the_table() {
        for algorithm in Algorithm::ALL {
            assert!(algo_help().contains(algorithm.name()), "{algorithm:?}");
        }
    }
}
