"""hash_file()."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import checksig
from conftest import sha1_hex


def test_digest(tmp_path: Path):
    for size in (0, 1, 4095, 1 << 20):
        data = os.urandom(size)
        path = tmp_path / f"f{size}"
        path.write_bytes(data)
        assert checksig.hash_file(path) == sha1_hex(data)
    (tmp_path / "hello").write_bytes(b"hello\n")
    assert checksig.hash_file(tmp_path / "hello") == "f572d396fae9206628714fb2ce00f72e94f2258f"


def test_errors(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="no such file or directory"):
        checksig.hash_file(tmp_path / "missing")
    with pytest.raises(checksig.ChecksigError, match="not a regular file"):
        checksig.hash_file(tmp_path)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(checksig.ChecksigError, match="FIFO"):
        checksig.hash_file(tmp_path / "fifo")
