//! Hashing files as the GNU tools print them: `sha1sum FILE...`,
//! `sha256sum --tag`, `-b`, `-z`, `cksum`'s CRC, BSD and SysV lines, and
//! the newer `--base64` and `--raw`.
//!
//! Files on disk are hashed in parallel by the library and printed in
//! argument order; `-` is standard input, read when its turn comes.

use std::ffi::{OsStr, OsString};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;

use base64::Engine as _;
use checksig::manifest::{escape_name, needs_escape};
use checksig::{
    create, hash_files, Algorithm, CancelToken, Digest, FileKind, HashFileError, Hasher,
};

use crate::output::{os_error_text, Output};
use crate::progress::Bar;
use crate::quote::{quotef, Charset};

/// How a digest is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// Lowercase hexadecimal (the default).
    #[default]
    Hex,
    /// `--base64`: standard base64 with padding (coreutils 9.2+).
    Base64,
    /// `--raw`: the digest's bytes, nothing else (coreutils 9.2+, b3sum).
    Raw,
}

/// What one output line looks like.
#[derive(Clone, Copy, Debug, Default)]
pub struct Format {
    /// `--tag`: `ALGO (name) = digest` (BSD style).
    pub tagged: bool,
    /// `-b`: untagged lines mark the name with `*`.
    pub binary: bool,
    /// `-z`: lines end in NUL and names are never escaped.
    pub zero: bool,
    /// Hex, base64 or raw.
    pub encoding: Encoding,
    /// Whether names are printed: `cksum`'s CRC, BSD and SysV lines name a
    /// file only when operands were given; b3sum's `--no-names` never does.
    pub names: bool,
    /// b3sum's escaping: only `\` and newline, a CR stays raw (GNU's tools
    /// escape all three).
    pub b3sum_escapes: bool,
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

/// `cksum`'s historical checksums, printed with the file's size instead of
/// a digest line; known by the algorithm's name in the library's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Legacy {
    /// POSIX `cksum`: `CRC SIZE [NAME]`.
    Crc,
    /// `sum -r`: `%05d %5d [NAME]`, size in 1024-byte blocks.
    Bsd,
    /// `sum -s`: `SUM BLOCKS [NAME]`, size in 512-byte blocks.
    Sysv,
}

impl Legacy {
    fn of(algorithm: Algorithm) -> Option<Legacy> {
        match algorithm.name() {
            "crc" | "crc32b" => Some(Legacy::Crc),
            "bsd" => Some(Legacy::Bsd),
            "sysv" => Some(Legacy::Sysv),
            _ => None,
        }
    }
}

/// Whether `algorithm` prints `cksum`'s historical lines (CRC, BSD, SysV),
/// which have no tagged form and cannot be checked.
pub fn is_legacy(algorithm: Algorithm) -> bool {
    Legacy::of(algorithm).is_some()
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
    let mut digests = match &bar {
        Some(bar) => {
            let update = |progress: &checksig::Progress| bar.update(progress);
            let hashed = create::hash_files_with_progress(
                &on_disk,
                request.algorithm,
                request.threads,
                &CancelToken::new(),
                &update,
            );
            bar.finish();
            // Neither the bar nor a fresh token ever cancels.
            hashed.unwrap_or_default()
        }
        None => hash_files(&on_disk, request.algorithm, request.threads),
    }
    .into_iter();
    let legacy = Legacy::of(request.algorithm);
    let mut failed = false;
    for file in request.files {
        let result = if file.as_bytes() == b"-" {
            hash_stdin(request.algorithm).map_err(HashFileError::Io)
        } else {
            match digests.next() {
                Some(result) => result.map(|digest| {
                    // The size of the file just hashed, for cksum's
                    // historical lines only.
                    let len = match legacy {
                        Some(_) => std::fs::metadata(file).map_or(0, |m| m.len()),
                        None => 0,
                    };
                    (digest, len)
                }),
                None => Err(HashFileError::Io(io::Error::other("not hashed"))),
            }
        };
        match result {
            Ok((digest, len)) => {
                let line = match legacy {
                    Some(legacy) if request.format.encoding == Encoding::Hex => {
                        legacy_line(legacy, file.as_bytes(), &digest, len, request.format)
                    }
                    _ => line(file.as_bytes(), &digest, request.format),
                };
                out.out(&line);
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

/// The digest as the encoding writes it.
fn encode(digest: &Digest, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Hex => digest.to_hex().into_bytes(),
        Encoding::Base64 => base64::engine::general_purpose::STANDARD
            .encode(digest.as_bytes())
            .into_bytes(),
        Encoding::Raw => digest.as_bytes().to_vec(),
    }
}

/// One line as GNU's `output_file` writes it: a leading `\` and escapes when
/// the name holds `\`, newline or CR (never with `-z`), then the tagged form
/// or `DIGEST  NAME` (`DIGEST *NAME` in binary mode), then `\n` or NUL.
pub fn line(name: &[u8], digest: &Digest, format: Format) -> Vec<u8> {
    let value = encode(digest, format.encoding);
    if format.encoding == Encoding::Raw {
        return value;
    }
    let escape = if format.b3sum_escapes {
        name.iter().any(|&b| b == b'\\' || b == b'\n')
    } else {
        needs_escape(name)
    };
    // A line without a name (b3sum --no-names) has nothing to escape.
    let escape = escape && !format.zero && (format.names || format.tagged);
    let name = match (escape, format.b3sum_escapes) {
        (false, _) => name.to_vec(),
        (true, false) => escape_name(name),
        (true, true) => b3sum_escape(name),
    };
    let mut line = Vec::with_capacity(name.len() + value.len() + 16);
    if escape {
        line.push(b'\\');
    }
    if format.tagged {
        line.extend_from_slice(digest.algorithm().tag().as_bytes());
        line.extend_from_slice(b" (");
        line.extend_from_slice(&name);
        line.extend_from_slice(b") = ");
        line.extend_from_slice(&value);
    } else {
        line.extend_from_slice(&value);
        if format.names {
            line.push(b' ');
            line.push(if format.binary { b'*' } else { b' ' });
            line.extend_from_slice(&name);
        }
    }
    line.push(if format.zero { 0 } else { b'\n' });
    line
}

/// b3sum's escaped name: `\\` and `\n` only.
fn b3sum_escape(name: &[u8]) -> Vec<u8> {
    let mut escaped = Vec::with_capacity(name.len() + 2);
    for &byte in name {
        match byte {
            b'\\' => escaped.extend_from_slice(br"\\"),
            b'\n' => escaped.extend_from_slice(br"\n"),
            _ => escaped.push(byte),
        }
    }
    escaped
}

/// `cksum`'s line for CRC, BSD and SysV sums (names raw, as GNU prints them).
fn legacy_line(legacy: Legacy, name: &[u8], digest: &Digest, len: u64, format: Format) -> Vec<u8> {
    let value = digest
        .as_bytes()
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let mut line = match legacy {
        Legacy::Crc => format!("{value} {len}"),
        Legacy::Bsd => format!("{value:05} {:5}", len.div_ceil(1024)),
        Legacy::Sysv => format!("{value} {}", len.div_ceil(512)),
    }
    .into_bytes();
    if format.names {
        line.push(b' ');
        line.extend_from_slice(name);
    }
    line.push(if format.zero { 0 } else { b'\n' });
    line
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

/// Standard input's digest and length, read to its end.
fn hash_stdin(algorithm: Algorithm) -> io::Result<(Digest, u64)> {
    let mut hasher = Hasher::new(algorithm);
    let mut buffer = vec![0; 64 * 1024];
    let mut stdin = io::stdin().lock();
    let mut len = 0u64;
    loop {
        match stdin.read(&mut buffer) {
            Ok(0) => return Ok((hasher.finalize(), len)),
            Ok(n) => {
                hasher.update(&buffer[..n]);
                len += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md5_empty() -> Digest {
        checksig::hash_bytes(Algorithm::Md5, b"")
    }

    #[test]
    fn lines_are_gnu_lines() {
        let text = Format {
            names: true,
            ..Format::default()
        };
        assert_eq!(
            line(b"a\nb", &md5_empty(), text),
            b"\\d41d8cd98f00b204e9800998ecf8427e  a\\nb\n"
        );
        let binary = Format {
            binary: true,
            ..text
        };
        assert_eq!(
            line(b"a", &md5_empty(), binary),
            b"d41d8cd98f00b204e9800998ecf8427e *a\n"
        );
        let tagged = Format {
            tagged: true,
            ..text
        };
        assert_eq!(
            line(b"a", &md5_empty(), tagged),
            b"MD5 (a) = d41d8cd98f00b204e9800998ecf8427e\n"
        );
        let zero = Format { zero: true, ..text };
        assert_eq!(
            line(b"b\\s", &md5_empty(), zero),
            b"d41d8cd98f00b204e9800998ecf8427e  b\\s\0"
        );
        let base64 = Format {
            encoding: Encoding::Base64,
            ..tagged
        };
        assert_eq!(
            line(b"a", &md5_empty(), base64),
            b"MD5 (a) = 1B2M2Y8AsgTpgAmY7PhCfg==\n"
        );
        let raw = Format {
            encoding: Encoding::Raw,
            ..text
        };
        assert_eq!(line(b"a", &md5_empty(), raw), md5_empty().as_bytes());
        let b3sum = Format {
            b3sum_escapes: true,
            ..text
        };
        assert_eq!(
            line(b"b\\s\r", &md5_empty(), b3sum),
            b"\\d41d8cd98f00b204e9800998ecf8427e  b\\\\s\r\n"
        );
        let no_names = Format {
            names: false,
            ..b3sum
        };
        assert_eq!(
            line(b"b\\s", &md5_empty(), no_names),
            b"d41d8cd98f00b204e9800998ecf8427e\n"
        );
    }

    #[test]
    fn legacy_lines() {
        // Two bytes standing for a 16-bit sum, four for a CRC.
        let sum = Digest::from_bytes(Algorithm::Md5, &[0; 16]).unwrap();
        let names = Format {
            names: true,
            ..Format::default()
        };
        assert_eq!(
            legacy_line(Legacy::Bsd, b"f", &sum, 3, names),
            b"00000     1 f\n"
        );
        assert_eq!(
            legacy_line(Legacy::Sysv, b"f", &sum, 513, names),
            b"0 2 f\n"
        );
        assert_eq!(
            legacy_line(Legacy::Crc, b"f", &sum, 0, Format::default()),
            b"0 0\n"
        );
    }
}
