//! The OpenPGP cleartext signature framework (RFC 9580 section 7): splits a
//! clear-signed manifest into its signed text and its signature block.
//!
//! The split is ours, not rPGP's, so that text outside the signed part
//! (before the header or after the signature) is never part of the body and
//! does not make the whole manifest unreadable either: it is simply not
//! signed, so not used.

use super::error::SignatureError;
use super::Format;

const BEGIN_MESSAGE: &[u8] = b"-----BEGIN PGP SIGNED MESSAGE-----";
const BEGIN_SIGNATURE: &[u8] = b"-----BEGIN PGP SIGNATURE-----";
const END_SIGNATURE: &[u8] = b"-----END PGP SIGNATURE-----";

/// A clear-signed manifest's parts.
#[derive(Debug)]
pub(super) struct Parts<'a> {
    /// The signed text's lines as they stand in the file (dash-escaped, each
    /// without its line break).
    lines: Vec<&'a [u8]>,
    /// The armored signature block, from its BEGIN line to its END line.
    pub(super) signature: &'a [u8],
}

impl Parts<'_> {
    /// The first signed line as it stands in the manifest, if any.
    pub(super) fn first_line(&self) -> Option<&[u8]> {
        self.lines.first().copied()
    }

    /// The signed text as the manifest body: dash-unescaped, trailing spaces
    /// and tabs removed (the signature does not cover them), each line ending
    /// in `\n`.
    pub(super) fn body(&self) -> Result<Vec<u8>, SignatureError> {
        self.joined(b"\n", true)
    }

    /// The text the signature is computed over: the same lines joined by
    /// CR LF, without a line break after the last.
    pub(super) fn signed_text(&self) -> Result<Vec<u8>, SignatureError> {
        self.joined(b"\r\n", false)
    }

    fn joined(&self, eol: &[u8], last_eol: bool) -> Result<Vec<u8>, SignatureError> {
        let size: usize = self.lines.iter().map(|l| l.len() + eol.len()).sum();
        let mut out = Vec::new();
        out.try_reserve_exact(size)
            .map_err(|_| SignatureError::OutOfMemory)?;
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(eol);
            }
            out.extend_from_slice(canonical(line));
        }
        if last_eol && !self.lines.is_empty() {
            out.extend_from_slice(eol);
        }
        Ok(out)
    }
}

/// A text line as signed: without a dash escape, trailing spaces or tabs.
fn canonical(line: &[u8]) -> &[u8] {
    let line = line.strip_prefix(b"- ").unwrap_or(line);
    let end = line
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(0, |i| i + 1);
    &line[..end]
}

/// The lines of `text`, each without its `\n` or `\r\n`.
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
}

/// Whether `line` is the armor line `marker` (trailing white space allowed).
fn is(line: &[u8], marker: &[u8]) -> bool {
    line.trim_ascii_end() == marker
}

/// Splits a clear-signed manifest; `None` when `manifest` has no
/// `-----BEGIN PGP SIGNED MESSAGE-----` line.
pub(super) fn split(manifest: &[u8]) -> Result<Option<Parts<'_>>, SignatureError> {
    let mut iter = lines(manifest);
    if !iter.by_ref().any(|line| is(line, BEGIN_MESSAGE)) {
        return Ok(None);
    }
    read_headers(&mut iter)?;
    let mut text = Vec::new();
    let begin = loop {
        match iter.next() {
            Some(line) if is(line, BEGIN_SIGNATURE) => break line,
            Some(line) if line.contains(&b'\r') => {
                // A lone CR is a line break to OpenPGP's text canonicalisation
                // but not to a manifest reader: refuse the ambiguity.
                return Err(invalid("a carriage return inside a signed line"));
            }
            Some(line) => text.push(line),
            None => return Err(truncated("no -----BEGIN PGP SIGNATURE----- line")),
        }
    };
    let end = iter
        .by_ref()
        .find(|line| is(line, END_SIGNATURE))
        .ok_or_else(|| truncated("no -----END PGP SIGNATURE----- line"))?;
    if iter.any(|line| is(line, BEGIN_MESSAGE)) {
        return Err(invalid("more than one signed message"));
    }
    Ok(Some(Parts {
        lines: text,
        signature: span(manifest, begin, end),
    }))
}

/// Reads the armor headers up to the blank line; only `Hash:` is allowed.
fn read_headers<'a>(iter: &mut impl Iterator<Item = &'a [u8]>) -> Result<(), SignatureError> {
    loop {
        match iter.next() {
            None => return Err(truncated("it ends in its armor headers")),
            Some(line) if line.trim_ascii().is_empty() => return Ok(()),
            Some(line) if line.starts_with(b"Hash:") => {}
            Some(line) => {
                return Err(invalid(&format!(
                    "unexpected armor header {:?}",
                    String::from_utf8_lossy(line)
                )))
            }
        }
    }
}

/// The bytes of `whole` from the start of `first` to the end of `last`, both
/// sub-slices of it.
fn span<'a>(whole: &'a [u8], first: &[u8], last: &[u8]) -> &'a [u8] {
    let base = whole.as_ptr() as usize;
    let start = first.as_ptr() as usize - base;
    let end = last.as_ptr() as usize - base + last.len();
    &whole[start..end]
}

fn truncated(reason: &str) -> SignatureError {
    SignatureError::Truncated {
        format: Format::OpenPgp,
        reason: format!("clear-signed manifest cut: {reason}"),
    }
}

fn invalid(reason: &str) -> SignatureError {
    SignatureError::Invalid {
        format: Some(Format::OpenPgp),
        key: None,
        reason: format!("clear-signed manifest: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNED: &[u8] = b"before\n-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA256\r\n\r\n\
        - -----BEGIN PGP SIGNATURE-----\r\nabc  x \t\r\n\r\nlast\r\n-----BEGIN PGP SIGNATURE-----\r\n\r\n\
        AAAA\r\n-----END PGP SIGNATURE-----\r\nafter\n";

    #[test]
    fn splits_text_and_signature() {
        let parts = split(SIGNED).unwrap().unwrap();
        assert_eq!(
            parts.body().unwrap(),
            b"-----BEGIN PGP SIGNATURE-----\nabc  x\n\nlast\n"
        );
        assert_eq!(
            parts.signed_text().unwrap(),
            b"-----BEGIN PGP SIGNATURE-----\r\nabc  x\r\n\r\nlast"
        );
        assert_eq!(
            parts.signature,
            b"-----BEGIN PGP SIGNATURE-----\r\n\r\nAAAA\r\n-----END PGP SIGNATURE-----"
        );
    }

    #[test]
    fn not_clear_signed() {
        assert!(split(b"abc  x\n").unwrap().is_none());
        assert!(split(b"").unwrap().is_none());
    }

    #[test]
    fn cut_or_odd_messages_are_refused() {
        let cut = &SIGNED[..SIGNED.len() - 40];
        assert!(matches!(split(cut), Err(SignatureError::Truncated { .. })));
        let cut = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nabc  x\n";
        assert!(matches!(split(cut), Err(SignatureError::Truncated { .. })));
        let header = b"-----BEGIN PGP SIGNED MESSAGE-----\nComment: x\n\n";
        assert!(matches!(split(header), Err(SignatureError::Invalid { .. })));
        let two = [SIGNED, SIGNED].concat();
        assert!(matches!(split(&two), Err(SignatureError::Invalid { .. })));
        let cr = b"-----BEGIN PGP SIGNED MESSAGE-----\n\na\rb\n-----BEGIN PGP SIGNATURE-----\n";
        assert!(matches!(split(cr), Err(SignatureError::Invalid { .. })));
    }
}
