"""The lines ``checksig DIR`` prints for a report (cli/src/dir.rs), for
``python -m checksig.dask``: one per failure, in manifest order, then the
summary line. Names are shown as the CLI shows them (cli/src/quote.rs):
GNU's escaped form, or GNU's shell quoting (``quotef``) when a control
character would be left raw; malformed lines are shell-quoted."""

from __future__ import annotations

import os
import re
import unicodedata
from typing import List, Optional, Tuple

from ._api import Entry, Report, Status


def utf8_locale() -> bool:
    """Whether the locale is UTF-8, as the CLI decides (``LC_ALL``, ``LC_CTYPE``, ``LANG``)."""
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = os.environ.get(name)
        if value:
            value = value.lower()
            return "utf-8" in value or "utf8" in value
    return False


_ESCAPES = {0x07: "a", 0x08: "b", 0x0C: "f", 0x0A: "n", 0x0D: "r", 0x09: "t", 0x0B: "v"}
_SAFE = set(b"%+,-./0123456789:ABCDEFGHIJKLMNOPQRSTUVWXYZ]_abcdefghijklmnopqrstuvwxyz@")
_COMPATIBLE = _SAFE | {ord(" ")}


def _printable(c: str) -> bool:
    code = ord(c)
    space = code in (0x1680, 0x2028, 0x2029, 0x205F, 0x3000) or 0x2000 <= code <= 0x200A and code != 0x2007
    noncharacter = 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE
    return unicodedata.category(c) != "Cc" and not space and not noncharacter


def _units(arg: bytes, utf8: bool) -> List[Tuple[str, bytes, bool]]:
    """``(kind, bytes, compatible)`` per character: kind ``quote``, ``escape``
    (bytes: the letter), ``unprintable`` or ``plain``."""
    units: List[Tuple[str, bytes, bool]] = []
    i = 0
    while i < len(arg):
        byte = arg[i]
        if byte == 0x27:
            units.append(("quote", b"'", True))
        elif byte in _ESCAPES:
            units.append(("escape", _ESCAPES[byte].encode(), False))
        elif byte == 0x20:
            units.append(("plain", b" ", True))
        elif byte in b"#~":
            units.append(("plain", bytes([byte]), i == 0))
        elif byte in b"{}":
            units.append(("plain", bytes([byte]), len(arg) == 1))
        elif byte in _SAFE:
            units.append(("plain", bytes([byte]), True))
        elif 0x21 <= byte <= 0x7E:
            units.append(("plain", bytes([byte]), False))
        elif byte < 0x20 or byte == 0x7F or not utf8:
            units.append(("unprintable", bytes([byte]), False))
        else:
            window = arg[i : i + 4]
            for length in (4, 3, 2):
                try:
                    c = window[:length].decode("utf-8")
                except UnicodeDecodeError:
                    continue
                if len(c) == 1:
                    break
            else:
                c = ""
            if not c:
                # An incomplete character at the end is one unit; else one byte.
                rest = arg[i:]
                try:
                    rest.decode("utf-8")
                    incomplete = False
                except UnicodeDecodeError as error:
                    incomplete = error.reason == "unexpected end of data" and error.start == 0
                if incomplete and len(rest) < 4:
                    units.append(("unprintable", rest, False))
                    break
                units.append(("unprintable", bytes([byte]), False))
            else:
                raw = c.encode("utf-8")
                units.append(("plain" if _printable(c) else "unprintable", raw, _printable(c)))
                i += len(raw)
                continue
        i += 1
    return units


def _needs_quotes(arg: bytes, units: List[Tuple[str, bytes, bool]]) -> bool:
    if not arg:
        return True
    position = 0
    for kind, raw, _ in units:
        if kind != "plain":
            return True
        byte = raw[0]
        if byte in b"#~":
            if position == 0:
                return True
        elif byte in b"{}":
            if len(arg) == 1:
                return True
        elif byte not in _SAFE or byte == ord(":"):
            if byte < 0x80:
                return True
        position += len(raw)
    return False


def _single_quoted(units: List[Tuple[str, bytes, bool]], pending: bool) -> Tuple[bytes, bool]:
    out = bytearray(b"'")
    for kind, raw, _ in units:
        if kind == "quote":
            out += b"'\\''"
            pending = False
        elif kind in ("escape", "unprintable"):
            if not pending:
                out += b"'$'"
                pending = True
            if kind == "escape":
                out += b"\\" + raw
            else:
                for byte in raw:
                    out += b"\\%o%o%o" % (byte >> 6, (byte >> 3) & 7, byte & 7)
        else:
            if pending:
                out += b"''"
                pending = False
            out += raw
    out += b"'"
    return bytes(out), pending


def quotef(arg: bytes, utf8: bool) -> bytes:
    """GNU's shell quoting of ``arg`` in a diagnostic (coreutils 9.1)."""
    units = _units(arg, utf8)
    if not _needs_quotes(arg, units):
        return arg
    has_quote = any(kind == "quote" for kind, _, _ in units)
    compatible = all(kind == "quote" or (kind == "plain" and ok) for kind, _, ok in units)
    if has_quote and compatible:
        return b'"' + arg + b'"'
    first, pending = _single_quoted(units, False)
    if has_quote:
        return _single_quoted(units, pending)[0]
    return first


def _raw_control(name: bytes, utf8: bool) -> bool:
    if any((b < 0x20 and b not in (0x0A, 0x0D)) or b == 0x7F for b in name):
        return True
    if not utf8:
        return any(0x80 <= b <= 0x9F for b in name)
    text = name.decode("utf-8", "surrogateescape")
    return any("\x80" <= c <= "\x9f" or 0xDC80 <= ord(c) <= 0xDC9F for c in text)


def display_name(name: bytes, utf8: bool) -> bytes:
    """A name as DIR mode shows it."""
    if _raw_control(name, utf8):
        return quotef(name, utf8)
    if b"\\" in name or b"\n" in name or b"\r" in name:
        return b"\\" + name.replace(b"\\", b"\\\\").replace(b"\n", b"\\n").replace(b"\r", b"\\r")
    return name


_GO_ESCAPE = re.compile(rb'\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|[abfnrtv"\\])')
_GO_LETTERS = {b"a": 7, b"b": 8, b"f": 12, b"n": 10, b"r": 13, b"t": 9, b"v": 11, b'"': 34, b"\\": 92}


def _go_unquote(quoted: bytes) -> bytes:
    """The bytes behind the library's Go-style ``"..."`` quoting."""

    def one(match: "re.Match[bytes]") -> bytes:
        escape = match.group(1)
        if escape[:1] == b"x":
            return bytes([int(escape[1:], 16)])
        if escape[:1] in (b"u", b"U"):
            return chr(int(escape[1:], 16)).encode("utf-8")
        return bytes([_GO_LETTERS[escape]])

    return _GO_ESCAPE.sub(one, quoted[1:-1])


def _reason(entry: Entry) -> str:
    status = entry.status
    if status == Status.MISMATCH:
        return f"mismatch: expected {entry.expected}, actual {entry.actual}"
    if status == Status.MISSING:
        return "no such file or directory"
    if status == Status.UNREADABLE:
        return "cannot be read: " + entry.message.rpartition(": ")[2]
    if status == Status.NOT_REGULAR:
        if entry.message.endswith("is a directory"):
            kind = "directory"
        else:
            kind = entry.message.rpartition("(")[2].rstrip(")")
        return f"not a regular file ({kind}), not read"
    if status == Status.OUTSIDE_ROOT:
        return "outside the directory, not opened"
    return "changed while it was read"


def report_lines(report: Report, manifest: bytes, utf8: Optional[bool] = None) -> List[bytes]:
    """The lines ``checksig DIR`` prints for ``report`` of ``manifest`` (its
    path as shown), without line ends."""
    utf8 = utf8_locale() if utf8 is None else utf8
    lines = []
    for entry in report.failures:
        if entry.status == Status.MALFORMED:
            quoted = entry.message.partition(": bad line: ")[2].encode("utf-8")
            text = quotef(_go_unquote(quoted), utf8)
            lines.append(b"line %d: FAILED: improperly formatted line: %s" % (entry.line, text))
        elif entry.status == Status.UNLISTED:
            lines.append(display_name(entry.name_bytes, utf8) + b": FAILED: not listed in the manifest")
        else:
            reason = _reason(entry).encode("utf-8")
            name = display_name(entry.name_bytes, utf8)
            lines.append(b"%s: FAILED (line %d): %s" % (name, entry.line, reason))
    verdict = b"OK" if report.ok else b"FAILED"
    lines.append(b"%s: %s (%s)" % (verdict, report.summary.encode("utf-8"), quotef(manifest, utf8)))
    return lines
