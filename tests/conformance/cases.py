"""One table of conformance cases: each is laid out in a directory of its own
and run through every front end (scripts/conformance.py), which must all give
the expected statuses and verdict.

A case is (name, files, path, unlisted, expected_entries, expected_verdict):
files maps relative names to bytes (a name ending in "@" is a symbolic link to
the bytes' text); path is what the front ends are given, relative to the
case's directory ("" for the directory itself); expected_entries lists
(status, name) in report order.
"""

import hashlib

ABC = b"abc"
SHA1_ABC = hashlib.sha1(ABC).hexdigest()
SHA256_ABC = hashlib.sha256(ABC).hexdigest()
ZERO40 = "0" * 40


def sha1_line(name: str, digest: str = SHA1_ABC) -> bytes:
    return f"{digest}  {name}\n".encode()


CASES = [
    ("good", {"a": ABC, "sha1sum.txt": sha1_line("a")}, "", False,
     [("ok", "a")], "ok"),
    ("mismatch", {"a": ABC, "sha1sum.txt": sha1_line("a", ZERO40)}, "", False,
     [("mismatch", "a")], "failed"),
    ("missing", {"sha1sum.txt": sha1_line("a")}, "", False,
     [("missing", "a")], "failed"),
    ("malformed", {"a": ABC, "sha1sum.txt": sha1_line("a") + b"not a checksum line\n"}, "",
     False, [("ok", "a"), ("malformed", "")], "failed"),
    ("outside the root", {"sha1sum.txt": sha1_line("../outside")}, "", False,
     [("outside_root", "../outside")], "failed"),
    ("link out of the root", {"a@": "/etc/hostname", "sha1sum.txt": sha1_line("a")}, "",
     False, [("outside_root", "a")], "failed"),
    ("unlisted", {"a": ABC, "extra": b"x", "sha1sum.txt": sha1_line("a")}, "", True,
     [("ok", "a"), ("unlisted", "extra")], "failed"),
    ("sidecar", {"a": ABC, "a.sha256": f"{SHA256_ABC}\n".encode()}, "a.sha256", False,
     [("ok", "a")], "ok"),
    ("manifest file", {"a": ABC, "sums": sha1_line("a")}, "sums", False,
     [("ok", "a")], "ok"),
    ("SHA256SUMS only", {"a": ABC, "SHA256SUMS": f"{SHA256_ABC}  a\n".encode()}, "", False,
     [("ok", "a")], "ok"),
    ("sha1sum.txt before SHA256SUMS",
     {"a": ABC, "sha1sum.txt": sha1_line("a", ZERO40), "SHA256SUMS": f"{SHA256_ABC}  a\n".encode()},
     "", False, [("mismatch", "a")], "failed"),
    ("no manifest", {"a": ABC}, "", False, [], "error"),
    ("manifest linked outside", {"sha1sum.txt@": "/etc/passwd"}, "", False, [], "error"),
]
