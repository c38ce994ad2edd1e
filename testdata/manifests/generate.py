#!/usr/bin/env python3
"""Writes the tricky manifests of testdata/manifests/*.sha1.

They are bytes no editor keeps reliably (CRLF, tabs, raw non-UTF-8, NUL,
trailing blanks), so they are written by this script; run it again after
editing it:
    python3 testdata/manifests/generate.py

The manifests refer to the fixture tree that cli/tests/gnu_compat.rs builds
(FIXTURE there): files holding "hello\\n" (digest H) unless noted, a file
"wrong" holding "bye\\n", an empty file "empty", a directory "dir", "sub/f",
a symlink "link" -> "a", a dangling symlink "dangling" and "../outside".
The commands and their expected exit statuses are in cases.txt; GNU's
expected output for each case is in expected/.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent

H = b"f572d396fae9206628714fb2ce00f72e94f2258f"  # sha1("hello\n")
E = b"da39a3ee5e6b4b0d3255bfef95601890afd80709"  # sha1("")
Z = b"0" * 40  # matches nothing


def lines(*items: bytes) -> bytes:
    return b"".join(item + b"\n" for item in items)


MANIFESTS = {
    # Everything verifies: exit 0.
    "ok.sha1": lines(H + b"  a", H + b" *a b", E + b"  empty", H + b"  sub/f"),
    # One of each result in GNU's text form.
    "basic.sha1": lines(
        H + b"  a",
        H + b"  a b",
        H + b"  wrong",
        H + b"  ghost",
        H + b"  dir",
        H + b"  sub/f",
        H + b"  link",
        H + b"  dangling",
        H + b"  ../outside",
        E + b"  empty",
        H.upper() + b"  x:y",
        b"not a checksum line",
    ),
    # Binary indicators: '*' is not part of the name, but a second one is.
    "binary.sha1": lines(H + b" *a", H + b" **star", H + b" *a b", H + b" *ghost"),
    # Blanks: leading blanks and tabs skipped, name blanks kept, tab in a name.
    "blanks.sha1": lines(
        b"  " + H + b"   lead",
        b"\t " + H + b"  trail ",
        H + b"  a b",
        H + b"  t\tab",
        H + b"\t a",
        H + b"  trail",
        H + b"  \tlead",
    ),
    # GNU's escaped names, good and bad.
    "escapes.sha1": lines(
        b"\\" + H + b"  n\\nl",
        b"\\" + H + b"  b\\\\s",
        b"\\" + H + b"  cr\\r",
        b"\\" + H + b"  a",
        H + b"  b\\s",
        b"\\" + H + b"  a\\tb",
        b"\\" + H + b"  trailing\\",
        b"\\SHA1 (n\\nl) = " + H,
        b"\\" + H + b"  ghost\\nline",
        b"\\" + H + b"  gh\\\\ost",
        b"\\" + Z + b"  n\\nl",
    ),
    # BSD/OpenSSL tagged lines, good and bad.
    "tagged.sha1": lines(
        b"SHA1 (a) = " + H,
        b"SHA1(a b)= " + H,
        b"SHA1 (paren) = x) = " + H,
        b"SHA1 (a) =" + H.upper(),
        b"SHA1 (wrong) = " + H,
        b"SHA1 (ghost) = " + H,
        b"sha1 (a) = " + H,
        b"SHA256 (a) = " + H,
        b"SHA1 (a) = " + H + b" ",
        b"SHA1 (a) " + H,
        b"SHA1  (a) = " + H,
        b"SHA1 (a = " + H,
    ),
    # CRLF line ends: one '\r' is stripped, a second belongs to the name.
    "crlf.sha1": H + b"  a\r\n" + H + b"  cr\r\r\n" + b"junk\r\n" + H + b"  a b\r\n",
    # Comments, empty lines and lines of blanks.
    "comments.sha1": lines(
        b"# a comment",
        b"",
        H + b"  #hash",
        b" # not a comment",
        b"   ",
        b"\t",
        b"#" + H + b"  ghost",
        H + b"  a",
    ),
    # Digests of the wrong length or with non-hex digits, missing parts.
    "digests.sha1": lines(
        H[:39] + b"  a",
        H + b"0  a",
        b"g" + H[1:] + b"  a",
        H,
        H + b" ",
        H + b"x a",
        H + b"  a",
        H + b"  wrong",
        H + b"  wrong",
    ),
    # Single-blank mode: the first untagged line decides for the whole run.
    "single-blank.sha1": lines(H + b" a", H + b"  a", H + b" *a", H + b" a b", H + b"  "),
    # Indicator mode, then a single-blank line (malformed).
    "indicator.sha1": lines(H + b"  a", H + b" a", H + b" *a b"),
    # Only malformed lines, and nothing at all.
    "junk.sha1": lines(b"junk", b"more junk", H + b"a"),
    "empty.sha1": b"",
    # Every file missing (--ignore-missing: "no file was verified").
    "missing.sha1": lines(H + b"  ghost", H + b"  spectre"),
    # Names GNU must quote on standard error.
    "quoting.sha1": lines(
        H + b"  it's gone",
        H + b"  $HOME",
        H + b"  x:gone",
        H + b"  caf\xc3\xa9 gone",
        H + b"  caf\xe9 gone",
        H + b"  t\tgone",
        H + b"  e\x1bgone",
        H + b"  #gone",
        H + b"  ~gone",
        H + b"  @gone",
        H + b"  {",
        H + b"  it's",
        H + b"  caf\xc3\xa9",
        H + b"  caf\xe9",
        b"\\" + H + b"  it's\\n",
    ),
    # An entry named '-' is standard input (twice: the second sees nothing).
    "dash.sha1": lines(H + b"  -", H + b"  -", H + b"  a"),
    # One mismatch, one unreadable, one malformed: singular warnings.
    "singular.sha1": lines(H + b"  wrong", H + b"  ghost", b"junk", H + b"  a"),
    # A NUL byte: GNU truncates the line there (so "a" matches), checksig
    # fails closed and calls the line malformed.
    "nul.sha1": lines(H + b"  a\0junk", H + b"  a b"),
}


def main() -> None:
    for name, content in MANIFESTS.items():
        (HERE / name).write_bytes(content)


if __name__ == "__main__":
    main()
