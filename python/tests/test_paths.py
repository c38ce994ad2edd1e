"""Paths as str, bytes and os.PathLike; names that are not UTF-8."""

from __future__ import annotations

import os
import pathlib
from pathlib import Path

import pytest

import checksig
from conftest import make_tree, sha1_hex


@pytest.mark.parametrize("convert", [str, os.fsencode, Path, pathlib.PurePosixPath])
def test_every_path_type(logs: Path, convert):
    root = convert(str(logs))
    assert checksig.verify(root).ok
    assert checksig.check_signatures(root) is None
    assert checksig.hash_file(convert(str(logs / "httpd-00.log"))) == sha1_hex(
        (logs / "httpd-00.log").read_bytes()
    )
    assert checksig.verify(root, manifest=convert("sha1sum.txt")).ok


def test_non_utf8_root_and_names(tmp_path: Path):
    root = os.fsencode(tmp_path) + b"/caf\xe9-\xff"
    make_tree(root, {b"\xfe.log": b"one", b"ok.log": b"two"}, wrong=[b"\xfe.log"])
    report = checksig.verify(root)
    failure = report[0]
    assert failure.name_bytes == b"\xfe.log"
    assert failure.path_bytes == root + b"/\xfe.log"
    assert os.fsencode(failure.path) == failure.path_bytes  # surrogateescape round trip
    assert failure.name == os.fsdecode(b"\xfe.log")
    # Go's %q: each byte that is not UTF-8 as \xNN.
    want = f'"{tmp_path}/caf\\xe9-\\xff/\\xfe.log" - mismatch'
    assert failure.message == want
    with pytest.raises(ValueError) as raised:
        checksig.check_signatures(root)
    assert str(raised.value) == want
    # The str form of the same root works too.
    assert checksig.verify(os.fsdecode(root))[0].path_bytes == root + b"/\xfe.log"
    assert checksig.hash_file(root + b"/\xfe.log") == sha1_hex(b"one")


def test_names_with_quotes_and_spaces(tmp_path: Path):
    make_tree(tmp_path, {'sp ace "q".txt': b"x", "tab\there": b"y"}, wrong=['sp ace "q".txt', "tab\there"])
    messages = [entry.message for entry in checksig.verify(tmp_path)]
    assert messages == [
        f'"{tmp_path}/sp ace \\"q\\".txt" - mismatch',
        f'"{tmp_path}/tab\\there" - mismatch',
    ]
