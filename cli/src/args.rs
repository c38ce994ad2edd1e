//! The command line: one clap definition for every mode and subcommand.
//!
//! `checksig [DIR]` and `checksig -c [MANIFEST]...` are the top-level
//! command's arguments; `hash`, `create`, `completions` and `help` are clap
//! subcommands (and the hidden `man`). A subcommand's name wins over a
//! directory of that name: `checksig ./help` verifies a directory `help`.

use std::ffi::OsString;

use clap::{Parser, Subcommand};

use crate::make::{CreateArgs, HashArgs};

/// What `checksig --help` explains after the options.
const AFTER_HELP: &str = "\
MODES:
  checksig [OPTIONS] [DIR]
      Verify DIR/sha1sum.txt (default: the current directory). Every failure is
      listed with its line number and reason (expected and actual digests for a
      mismatch), then a one-line summary. Names may not leave DIR (absolute
      names, '..' and symbolic links out are refused), and FIFOs and devices are
      refused without being read. Malformed lines and missing files are failures.
      Names are shown in GNU's escaped form (see below), or shell-quoted when they
      hold another control character.

  checksig hash [--algo ALGO] [--tag] [FILE]...
      Print a checksum line per FILE, byte-identical to 'sha1sum FILE...' (or
      'sha256sum', 'sha512sum', 'md5sum', 'b3sum' with --algo); files are hashed
      in parallel. See 'checksig hash --help'.

  checksig create [--algo ALGO] [-o FILE] [DIR]
      Write a manifest of every regular file under DIR (sorted, relative names,
      escaped as GNU escapes; symbolic links are not followed) to
      DIR/sha1sum.txt (sha256sum.txt...), or to FILE ('-': standard output).

  checksig cksum [OPTION]... [FILE]...   (or: checksig -a ALGO [OPTION]... [FILE]...)
      GNU cksum: the CRC by default, -a md5, sha1, sha256... (BSD-style lines;
      --untagged), -c, -l, --base64, --raw. Linked as md5sum, sha1sum, sha224sum,
      sha256sum, sha384sum, sha512sum, b2sum, b3sum or cksum, checksig is that
      tool: the same options, output, messages and exit status.

  checksig completions SHELL
      Print a completion script for bash, zsh, fish, elvish or powershell.

  (To verify a directory named like a subcommand, such as 'help' or 'hash',
  write './help'.)

  checksig -c [MANIFEST]...
      A drop-in for GNU 'sha1sum -c': the same output, messages and exit status.
      With no MANIFEST, or when MANIFEST is '-', read standard input. Names are
      relative to the current directory, as with sha1sum. The algorithm is
      --algo's, else the first manifest's BSD tag, name (SHA256SUMS, *.sha256,
      md5sum.txt, b3sums...) or digest length; lines of another length are
      improperly formatted, as with GNU's tool for that algorithm. A manifest
      holding only a digest (a sidecar such as file.iso.sha256, as download
      pages offer) verifies the file named like it without the extension.

NOTES ON --check:
  * A name holding a backslash, newline or carriage return is printed in GNU's
    escaped form: a leading '\\', then '\\\\', '\\n' and '\\r' in the name (as
    newer coreutils do; coreutils 9.1 escapes only names with a newline).
  * Unlike sha1sum, which blocks on a FIFO and reads a device forever, checksig
    refuses FIFOs, devices and sockets at once: the entry is reported as
    'FAILED open or read' with the reason on standard error.
  * Messages are in English whatever the locale; names on standard error are
    quoted as GNU's shell-escape style does in a UTF-8 or C locale.

EXIT STATUS:
  0  everything listed was verified and matched
  1  a verification failure (mismatch, missing or unreadable file, malformed line
     where it counts), or a manifest that cannot be read in --check mode
  2  usage error, a --key FILE that cannot be used, or (DIR mode) the directory
     or its manifest cannot be read

SIGNED MANIFESTS:
  With --key, a manifest must carry a good signature by one of the keys, found
  beside it or inside it; otherwise nothing is checked and the exit status is 1.
    checksig --key ubuntu-archive-keyring.gpg -m SHA256SUMS DIR  (SHA256SUMS.gpg)
    checksig --key fedora.gpg -c Fedora-Workstation-43-x86_64-CHECKSUM
    checksig --key openbsd-78-base.pub -m SHA256.sig DIR
  Without --key, a clear-signed or signify-embedded manifest's checksum lines are
  still checked, and DIR mode says the signature was not checked.";

/// Verify files against a sha1sum manifest, fast and safely.
#[derive(Debug, Parser)]
#[command(
    name = "checksig",
    version,
    about = "Verify a directory against its sha1sum.txt, or check manifests like 'sha1sum -c'",
    after_long_help = AFTER_HELP,
    max_term_width = 100,
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    /// A subcommand; none verifies DIR or, with --check, manifests.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// The directory to verify (default: .); with --check, the manifests to
    /// read ('-' or none: standard input).
    #[arg(value_name = "DIR | MANIFEST")]
    pub paths: Vec<OsString>,

    /// Read checksums from the MANIFESTs and check them, like 'sha1sum -c'.
    #[arg(short = 'c', long)]
    pub check: bool,

    /// Don't fail or report status for missing files (--check only).
    #[arg(long, requires = "check")]
    pub ignore_missing: bool,

    /// Don't print OK for each successfully verified file (--check only).
    #[arg(long, requires = "check", overrides_with_all = ["status", "warn"])]
    pub quiet: bool,

    /// Don't output anything; the exit status shows success (--check only).
    #[arg(long, requires = "check", overrides_with_all = ["quiet", "warn"])]
    pub status: bool,

    /// Exit non-zero for improperly formatted checksum lines (--check only).
    #[arg(long, requires = "check")]
    pub strict: bool,

    /// Warn about improperly formatted checksum lines (--check only).
    #[arg(short = 'w', long, requires = "check", overrides_with_all = ["quiet", "status"])]
    pub warn: bool,

    /// Worker threads hashing files in parallel (0: one per CPU).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    #[arg(long, short = 'a', value_name = "ALGO", help = algo_help())]
    pub algo: Option<checksig::Algorithm>,

    /// GNU's hashing options, refused with GNU's words in --check mode.
    #[command(flatten)]
    pub hashing_only: HashingOnly,

    /// The manifest to read in DIR (default: sha1sum.txt, else the first of
    /// SHA256SUMS, sha256sum.txt, SHA512SUMS, sha512sum.txt, MD5SUMS, md5sum.txt,
    /// B3SUMS, b3sums, b3sum.txt, SHA1SUMS that exists).
    #[arg(long, short = 'm', value_name = "NAME", conflicts_with = "check")]
    pub manifest: Option<OsString>,

    /// Also report files under DIR that the manifest does not list, as failures.
    #[arg(long, visible_alias = "strict-listing", conflicts_with = "check")]
    pub unlisted: bool,

    /// Read every file instead of memory-mapping large ones (mapping is
    /// faster from the page cache; reading may suit some network file systems).
    #[arg(long)]
    pub no_mmap: bool,

    /// Read large files that are not in the page cache through it, never
    /// with O_DIRECT (used when fresh page-cache pages prove costly to touch,
    /// as on some virtual machines, or with --no-mmap).
    #[arg(long)]
    pub no_direct: bool,

    /// Never show the progress bar (shown on a terminal's standard error
    /// once a run lasts 0.3 s).
    #[arg(long)]
    pub no_progress: bool,

    /// Trust only manifests signed by a key in FILE (repeatable): an OpenPGP
    /// key or keyring (armored or binary), a minisign or signify public key, an
    /// SSH public key or allowed_signers file. The signature is read beside the
    /// manifest (NAME.gpg, .asc, .sig, .sign, .minisig) or inside it
    /// (clear-signed, signify -e) and checked before any digest is used; a
    /// missing, bad or untrusted signature fails the manifest, no file checked.
    #[arg(long = "key", value_name = "FILE")]
    pub keys: Vec<std::path::PathBuf>,

    /// Print the full report as JSON on standard output instead of text.
    ///
    /// Every manifest line gets an object with its line number, name, status,
    /// expected and actual digests and reason. A name (or path) that is not
    /// UTF-8 is given lossily in "name" and exactly, as a byte array, in
    /// "name_bytes". The exit status is the same as without --json.
    #[arg(long, conflicts_with_all = ["quiet", "status", "warn"])]
    pub json: bool,
}

/// The help of the top-level `--algo`: every algorithm of the library's table.
fn algo_help() -> String {
    format!(
        "The manifest's algorithm: {} (default: from the first line's BSD tag, \
         the manifest's name, or the digest length)",
        checksig::Algorithm::names_for_messages()
    )
}

/// `--tag`, `-b`, `-t` and `-z`: hashing options of GNU's tools, accepted with
/// `--check` only to be refused as GNU refuses them (status 1).
#[derive(Debug, clap::Args)]
pub struct HashingOnly {
    #[arg(long, hide = true, requires = "check")]
    pub tag: bool,
    #[arg(short = 'b', long, hide = true, requires = "check")]
    pub binary: bool,
    #[arg(short = 't', long, hide = true, requires = "check")]
    pub text: bool,
    #[arg(short = 'z', long, hide = true, requires = "check")]
    pub zero: bool,
}

impl HashingOnly {
    /// GNU's message for the first of them, in coreutils' order.
    pub fn refusal(&self) -> Option<&'static str> {
        if self.zero {
            Some("the --zero option is not supported when verifying checksums")
        } else if self.tag {
            Some("the --tag option is meaningless when verifying checksums")
        } else if self.binary || self.text {
            Some("the --binary and --text options are meaningless when verifying checksums")
        } else {
            None
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a checksum line per FILE, like 'sha1sum FILE...'.
    Hash(HashArgs),
    /// Write a manifest of every regular file under DIR.
    Create(CreateArgs),
    /// Act as GNU cksum: 'checksig cksum --help' lists its options.
    ///
    /// The arguments are cksum's, parsed as GNU's getopt parses them (see
    /// 'checksig cksum --help'). A link to checksig named md5sum, sha1sum,
    /// sha224sum, sha256sum, sha384sum, sha512sum, b2sum, b3sum or cksum is
    /// that tool.
    #[command(disable_help_flag = true)]
    Cksum {
        /// cksum's options and files.
        #[arg(
            value_name = "ARG",
            trailing_var_arg = true,
            allow_hyphen_values = true
        )]
        args: Vec<OsString>,
    },
    /// Print a shell completion script.
    ///
    /// For bash: `checksig completions bash > ~/.local/share/bash-completion/completions/checksig`;
    /// zsh: into a directory of $fpath as `_checksig`; fish: into
    /// ~/.config/fish/completions/checksig.fish.
    Completions {
        /// The shell to complete for.
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) of checksig, or of one subcommand.
    #[command(hide = true)]
    Man {
        /// A subcommand (`hash`, `create`, `completions`): its own page.
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

/// Which job the command line asks for.
#[derive(Debug)]
pub enum Mode {
    /// `checksig [DIR]`.
    Dir(OsString),
    /// `checksig -c [MANIFEST]...`; never empty (`-` stands for standard input).
    Check(Vec<OsString>),
}

impl Args {
    /// The mode, or a usage error for more than one DIR.
    pub fn mode(&self) -> Result<Mode, clap::Error> {
        if self.check {
            let mut manifests = self.paths.clone();
            if manifests.is_empty() {
                manifests.push("-".into());
            }
            return Ok(Mode::Check(manifests));
        }
        match self.paths.as_slice() {
            [] => Ok(Mode::Dir(".".into())),
            [dir] => Ok(Mode::Dir(dir.clone())),
            _ => {
                use clap::CommandFactory;
                Err(Args::command().error(
                    clap::error::ErrorKind::TooManyValues,
                    "only one DIR can be verified at a time (use --check for several manifests)",
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("checksig").chain(args.iter().copied()))
    }

    #[test]
    fn definition_is_consistent() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }

    #[test]
    fn last_of_quiet_status_warn_wins() {
        let args = parse(&["-c", "--quiet", "--status", "--warn"]).unwrap();
        assert!(args.warn && !args.quiet && !args.status);
        let args = parse(&["-c", "--warn", "--quiet"]).unwrap();
        assert!(args.quiet && !args.warn && !args.status);
        let args = parse(&["-c", "-w", "--status"]).unwrap();
        assert!(args.status && !args.quiet && !args.warn);
    }

    #[test]
    fn check_flags_require_check() {
        for flag in [
            "--quiet",
            "--status",
            "--warn",
            "--strict",
            "--ignore-missing",
        ] {
            assert!(parse(&[flag]).is_err(), "{flag}");
        }
    }

    #[test]
    fn modes() {
        assert!(matches!(parse(&[]).unwrap().mode().unwrap(), Mode::Dir(d) if d == "."));
        assert!(matches!(parse(&["x"]).unwrap().mode().unwrap(), Mode::Dir(d) if d == "x"));
        assert!(parse(&["x", "y"]).unwrap().mode().is_err());
        let Mode::Check(m) = parse(&["-c"]).unwrap().mode().unwrap() else {
            panic!("not check mode")
        };
        assert_eq!(m, vec![OsString::from("-")]);
    }

    #[test]
    fn subcommands_take_their_names_and_paths_the_rest() {
        assert!(matches!(
            parse(&["hash", "f"]).unwrap().command,
            Some(Command::Hash(_))
        ));
        assert!(matches!(
            parse(&["create"]).unwrap().command,
            Some(Command::Create(_))
        ));
        let args = parse(&["./help"]).unwrap();
        assert!(args.command.is_none());
        assert!(matches!(args.mode().unwrap(), Mode::Dir(d) if d == "./help"));
        // After the top-level options, a subcommand's name is a DIR.
        let args = parse(&["--threads", "2", "hash"]).unwrap();
        assert!(args.command.is_none());
        assert!(matches!(args.mode().unwrap(), Mode::Dir(d) if d == "hash"));
    }

    #[test]
    fn json_conflicts_with_output_flags() {
        assert!(parse(&["-c", "--json", "--quiet"]).is_err());
        assert!(parse(&["-c", "--json", "--strict"]).is_ok());
    }
}
