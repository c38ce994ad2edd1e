//! Hashing files as the GNU tools print them: `sha1sum FILE...`,
//! `sha256sum --tag`, `-b`, `-z`, `cksum`'s CRC, BSD and SysV lines, and
//! the newer `--base64` and `--raw`.
//!
//! Files on disk are hashed in parallel by the library and printed in
//! argument order; `-` is standard input, read when its turn comes.

use std::ffi::{OsStr, OsString};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;

use checksig::algorithm::Output as LineForm;
use checksig::manifest::{format_digest_line, LineOptions};
use checksig::{create, Algorithm, Digest, FileKind, HashFileError, Hasher};

use crate::output::{os_error_text, Output};
use crate::progress::Bar;
use crate::quote::{quotef, Charset};

/// What one output line looks like: the library's [`LineOptions`], and
/// whether lines name their file.
#[derive(Clone, Copy, Debug, Default)]
pub struct Format {
    /// `--tag`, `-b`, `-z`, the encoding and b3sum's escapes.
    pub options: LineOptions,
    /// Whether names are printed: `cksum`'s CRC, BSD and SysV lines name a
    /// file only when operands were given; b3sum's `--no-names` never does.
    pub names: bool,
}

/// What to hash and how to print it.
pub struct Request<'a> {
    /// The operands (`-` is standard input); never empty.
    pub files: &'a [OsString],
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The line format.
    pub format: Format,
    /// Worker threads (0: one per CPU).
    pub threads: usize,
    /// Never show a progress bar.
    pub no_progress: bool,
}

/// Whether `algorithm` prints `cksum`'s historical lines (CRC, BSD, SysV:
/// the table's [`LineForm`]), which have no tagged form and cannot be
/// checked.
pub fn is_legacy(algorithm: Algorithm) -> bool {
    algorithm.descriptor().output != LineForm::Digest
}

/// Hashes every file and prints its line; the exit status (0, or 1 if a
/// file could not be hashed).
pub fn run(request: &Request<'_>, out: &mut Output) -> u8 {
    let charset = Charset::from_env();
    let on_disk: Vec<&OsStr> = request
        .files
        .iter()
        .filter(|f| f.as_bytes() != b"-")
        .map(OsString::as_os_str)
        .collect();
    let bar = Bar::for_stderr(!request.no_progress);
    let update =
        |progress: &checksig::Progress| bar.as_ref().is_none_or(|bar| bar.update(progress));
    let mut hashing = create::Hashing::new(request.algorithm).threads(request.threads);
    if bar.is_some() {
        hashing = hashing.progress(&update);
    }
    let hashed = hashing.hash_files(&on_disk);
    if let Some(bar) = &bar {
        bar.finish();
    }
    let mut digests = match hashed {
        Ok(digests) => digests.into_iter(),
        // Nothing here cancels (no token is shared, the bar never stops it).
        Err(cancelled) => {
            out.diagnostic(cancelled.to_string().as_bytes());
            return 1;
        }
    };
    let mut failed = false;
    for file in request.files {
        let result = if file.as_bytes() == b"-" {
            hash_stdin(request.algorithm).map_err(HashFileError::Io)
        } else {
            digests
                .next()
                .unwrap_or_else(|| Err(HashFileError::Io(io::Error::other("not hashed"))))
        };
        let name = request.format.names.then_some(file.as_bytes());
        let options = request.format.options.omit_name(!request.format.names);
        match result.map(|digest| format_digest_line(&digest, name, options)) {
            Ok(Ok(line)) => out.out(&line),
            Ok(Err(error)) => {
                failed = true;
                let mut message = quotef(file.as_bytes(), charset);
                message.extend_from_slice(b": ");
                message.extend_from_slice(error.to_string().as_bytes());
                out.diagnostic(&message);
            }
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

/// What GNU's tools say for a file they cannot hash.
pub fn hash_error_text(error: &HashFileError) -> String {
    match error {
        HashFileError::Io(e) => os_error_text(e),
        // sha1sum opens a directory, then fails to read it (EISDIR).
        HashFileError::NotRegular(FileKind::Directory) => {
            os_error_text(&io::Error::from_raw_os_error(21))
        }
        other => other.to_string(),
    }
}

/// Standard input's digest, read to its end.
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
