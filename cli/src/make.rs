//! `checksig hash FILE...` and `checksig create [DIR]`: making manifests.
//!
//! `hash` prints exactly what `sha1sum FILE...` (or `sha256sum`, `md5sum`...
//! with `--algo`) prints, files hashed in parallel and printed in argument
//! order. `create` writes a manifest of every regular file under DIR.

use std::ffi::{OsStr, OsString};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use checksig::manifest::{format_line, Entry, Style};
use checksig::{
    create, hash_files, Algorithm, CancelToken, Digest, FileKind, HashFileError, Hasher,
};
use clap::Parser;

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

    /// The algorithm: sha1, sha256, sha512, md5 or blake3.
    #[arg(long, short = 'a', value_name = "ALGO", default_value = "sha1")]
    pub algo: Algorithm,

    /// Write BSD-style lines (`SHA256 (name) = ...`), like `sha256sum --tag`.
    #[arg(long)]
    pub tag: bool,

    /// Worker threads hashing files in parallel (0: one per CPU).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Never show the progress bar (shown on a terminal's standard error
    /// once a run lasts 0.3 s).
    #[arg(long)]
    pub no_progress: bool,
}

/// `checksig create`: write a manifest of every regular file under DIR.
#[derive(Debug, Parser)]
#[command(name = "checksig create", max_term_width = 100)]
pub struct CreateArgs {
    /// The directory to list.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: OsString,

    /// The algorithm: sha1, sha256, sha512, md5 or blake3.
    #[arg(long, short = 'a', value_name = "ALGO", default_value = "sha1")]
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

/// Runs `checksig hash`; the exit status (0, or 1 if a file could not be hashed).
pub fn hash(args: &HashArgs, out: &mut Output) -> u8 {
    let charset = Charset::from_env();
    let mut files = args.files.clone();
    if files.is_empty() {
        files.push("-".into());
    }
    let on_disk: Vec<&OsStr> = files
        .iter()
        .filter(|f| f.as_bytes() != b"-")
        .map(OsString::as_os_str)
        .collect();
    let bar = Bar::for_stderr(!args.no_progress);
    let mut digests = match &bar {
        Some(bar) => {
            let update = |progress: &checksig::Progress| bar.update(progress);
            let hashed = create::hash_files_with_progress(
                &on_disk,
                args.algo,
                args.threads,
                &CancelToken::new(),
                &update,
            );
            bar.finish();
            // Neither the bar nor a fresh token ever cancels.
            hashed.unwrap_or_default()
        }
        None => hash_files(&on_disk, args.algo, args.threads),
    }
    .into_iter();
    let mut failed = false;
    for file in &files {
        let result = if file.as_bytes() == b"-" {
            hash_stdin(args.algo).map_err(HashFileError::Io)
        } else {
            digests.next().expect("one digest per file")
        };
        match result {
            Ok(digest) => out.out(&line(file.as_bytes(), digest, args.tag)),
            Err(error) => {
                failed = true;
                let mut message = quotef(file.as_bytes(), charset);
                message.extend_from_slice(b": ");
                message.extend_from_slice(hash_error_text(&error).as_bytes());
                out.diagnostic(&message);
            }
        }
    }
    u8::from(failed)
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
    let listed = match &bar {
        Some(bar) => {
            let update = |progress: &checksig::Progress| bar.update(progress);
            let cancel = CancelToken::new();
            let listed = create::list_dir_with_progress(
                dir,
                args.algo,
                args.threads,
                target.as_deref(),
                &cancel,
                &update,
            );
            bar.finish();
            listed
        }
        None => create::list_dir(dir, args.algo, args.threads, target.as_deref())
            .map_err(create::CreateError::List),
    };
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

/// One line as `sha1sum` prints it for `name` (escaped when GNU escapes).
fn line(name: &[u8], digest: Digest, tag: bool) -> Vec<u8> {
    let entry = Entry {
        line: 0,
        name: name.to_vec(),
        digest,
        style: if tag { Style::Tagged } else { Style::Text },
    };
    // Command-line arguments are never empty in practice nor hold NUL bytes;
    // an empty one is reported as GNU does (it cannot be opened anyway).
    format_line(&entry).unwrap_or_default()
}

/// What `sha1sum` says for a file it cannot hash.
fn hash_error_text(error: &HashFileError) -> String {
    match error {
        HashFileError::Io(e) => os_error_text(e),
        // sha1sum opens a directory, then fails to read it (EISDIR).
        HashFileError::NotRegular(FileKind::Directory) => {
            os_error_text(&io::Error::from_raw_os_error(21))
        }
        other => other.to_string(),
    }
}

fn hash_stdin(algorithm: Algorithm) -> io::Result<Digest> {
    let mut hasher = Hasher::new(algorithm);
    let mut buffer = vec![0; 64 * 1024];
    let mut stdin = io::stdin().lock();
    loop {
        match stdin.read(&mut buffer) {
            Ok(0) => return Ok(hasher.finalize()),
            Ok(n) => hasher.update(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
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
    fn lines_are_gnu_lines() {
        let digest = checksig::hash_bytes(Algorithm::Md5, b"");
        assert_eq!(
            line(b"a\nb", digest, false),
            b"\\d41d8cd98f00b204e9800998ecf8427e  a\\nb\n"
        );
        assert_eq!(
            line(b"a", digest, true),
            b"MD5 (a) = d41d8cd98f00b204e9800998ecf8427e\n"
        );
        assert_eq!(default_manifest_name(Algorithm::Blake3), "b3sum.txt");
    }
}
