//! Standard output and standard error, written as GNU tools write them.
//!
//! Standard output is buffered, and flushed before every diagnostic (as
//! gnulib's `error()` does), so the two streams interleave in order on a
//! terminal or in `2>&1`. A failed write to standard output is remembered and
//! reported once at the end, like coreutils' `close_stdout`; nothing panics on
//! a closed pipe.

use std::io::{self, BufWriter, Stdout, Write};

/// The program name that prefixes every diagnostic.
pub const PROGRAM: &str = "checksig";

/// Where the command writes.
pub struct Output {
    stdout: BufWriter<Stdout>,
    write_error: Option<io::Error>,
    program: Vec<u8>,
}

impl Output {
    /// Buffered standard output, unbuffered standard error.
    pub fn new() -> Output {
        Output::named(PROGRAM.as_bytes())
    }

    /// Like [`Output::new`], with diagnostics prefixed by `program` (a GNU
    /// tool's name as it was invoked: `sha256sum`, `/usr/bin/cksum`).
    pub fn named(program: &[u8]) -> Output {
        Output {
            stdout: BufWriter::with_capacity(64 * 1024, io::stdout()),
            write_error: None,
            program: program.to_vec(),
        }
    }

    /// Writes `message` to standard error as it is (a line of its own, such
    /// as GNU's `Try '... --help' for more information.`), after flushing
    /// standard output.
    pub fn raw_diagnostic(&mut self, message: &[u8]) {
        self.flush();
        let _ = io::stderr().write_all(message);
    }

    /// Writes GNU's second line of a usage error, `Try 'COMMAND --help' for
    /// more information.`, to standard error (after the message, if any,
    /// was written with [`Output::diagnostic`]).
    pub fn try_help(&mut self, command: &[u8]) {
        let mut line = Vec::with_capacity(command.len() + 40);
        line.extend_from_slice(b"Try '");
        line.extend_from_slice(command);
        line.extend_from_slice(b" --help' for more information.\n");
        self.raw_diagnostic(&line);
    }

    /// Writes raw bytes to standard output.
    pub fn out(&mut self, bytes: &[u8]) {
        if self.write_error.is_some() {
            return;
        }
        if let Err(error) = self.stdout.write_all(bytes) {
            self.write_error = Some(error);
        }
    }

    /// Writes `checksig: <message>\n` (or the program name given to
    /// [`Output::named`]) to standard error, after flushing standard output.
    pub fn diagnostic(&mut self, message: &[u8]) {
        self.flush();
        let mut line = Vec::with_capacity(self.program.len() + message.len() + 3);
        line.extend_from_slice(&self.program);
        line.extend_from_slice(b": ");
        line.extend_from_slice(message);
        line.push(b'\n');
        // Nothing sensible is left to do when standard error is gone.
        let _ = io::stderr().write_all(&line);
    }

    fn flush(&mut self) {
        if self.write_error.is_none() {
            if let Err(error) = self.stdout.flush() {
                self.write_error = Some(error);
            }
        }
    }

    /// Flushes standard output; false (after saying so, unless the reader
    /// went away) if anything written to it was lost. With `gnu`, the message
    /// is coreutils' bare `write error` (its stdout is line-buffered, so the
    /// OS error is gone by the time it reports); otherwise it names the error.
    pub fn finish(mut self, gnu: bool) -> bool {
        self.flush();
        match self.write_error.take() {
            None => true,
            Some(error) if error.kind() == io::ErrorKind::BrokenPipe => false,
            Some(_) if gnu => {
                self.diagnostic(b"write error");
                false
            }
            Some(error) => {
                let message = format!("write error: {}", os_error_text(&error));
                self.diagnostic(message.as_bytes());
                false
            }
        }
    }
}

/// An OS error as `strerror` words it (`No such file or directory`), without
/// the ` (os error 2)` Rust appends, so messages match the C tools.
pub fn os_error_text(error: &io::Error) -> String {
    let text = error.to_string();
    match (error.raw_os_error(), text.rfind(" (os error ")) {
        (Some(_), Some(at)) => text[..at].to_string(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_error_text_is_strerror() {
        let e = io::Error::from_raw_os_error(2);
        assert_eq!(os_error_text(&e), "No such file or directory");
        let e = io::Error::other("custom");
        assert_eq!(os_error_text(&e), "custom");
    }
}
