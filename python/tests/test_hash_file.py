"""hash_file()."""

from __future__ import annotations

import os
import shutil
import subprocess
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
    with pytest.raises(FileNotFoundError, match="No such file or directory"):
        checksig.hash_file(tmp_path / "missing")
    with pytest.raises(checksig.ChecksigError, match="not a regular file"):
        checksig.hash_file(tmp_path)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(checksig.ChecksigError, match="FIFO"):
        checksig.hash_file(tmp_path / "fifo")


# hash_files() and hash_lines(): `checksig hash FILE...` from Python (issue 6).

TOOLS = {"sha1": "sha1sum", "sha256": "sha256sum", "sha512": "sha512sum", "md5": "md5sum", "blake3": "b3sum"}


def test_hash_files_in_order(tmp_path: Path):
    paths = []
    for i in range(20):
        path = tmp_path / f"f{i}"
        path.write_bytes(os.urandom(1000 * i))
        paths.append(path)
    for algorithm in ("sha1", "sha256", "sha512", "md5", "blake3"):
        assert checksig.hash_files(paths, algorithm, threads=3) == [
            checksig.hash_file(path, algorithm) for path in paths
        ]
    assert checksig.hash_files([str(paths[0]), os.fsencode(paths[1])]) == [
        sha1_hex(paths[0].read_bytes()),
        sha1_hex(paths[1].read_bytes()),
    ]
    assert checksig.hash_files([]) == []
    assert checksig.hash_lines([]) == b""


@pytest.mark.parametrize("algorithm", sorted(TOOLS))
def test_hash_lines_are_gnu_tools_output(tmp_path: Path, algorithm: str, monkeypatch: pytest.MonkeyPatch):
    tool = shutil.which(TOOLS[algorithm])
    if tool is None:
        pytest.skip(f"{TOOLS[algorithm]} is not installed")
    monkeypatch.chdir(tmp_path)
    names = ["plain", "with space", "back\\slash", "new\nline", "sub/inner"]
    (tmp_path / "sub").mkdir()
    for name in names:
        (tmp_path / name).write_bytes(name.encode() * 1000)
    expected = subprocess.run([tool, *names], capture_output=True, check=True).stdout
    assert checksig.hash_lines(names, algorithm, threads=2) == expected
    if algorithm != "blake3":  # b3sum has no --tag
        tagged = subprocess.run([tool, "--tag", *names], capture_output=True, check=True).stdout
        assert checksig.hash_lines(names, algorithm, tag=True) == tagged


def test_hash_files_errors(tmp_path: Path):
    (tmp_path / "a").write_bytes(b"a")
    with pytest.raises(FileNotFoundError, match=f"No such file or directory: '{tmp_path}/missing'"):
        checksig.hash_files([tmp_path / "a", tmp_path / "missing", tmp_path])
    with pytest.raises(checksig.ChecksigError, match="not a regular file"):
        checksig.hash_lines([tmp_path / "a", tmp_path])
    with pytest.raises(ValueError, match="unknown algorithm"):
        checksig.hash_files([tmp_path / "a"], "crc32")
    with pytest.raises(ValueError, match="threads"):
        checksig.hash_files([tmp_path / "a"], threads=0)
    with pytest.raises(TypeError, match="sequence of paths"):
        checksig.hash_files(str(tmp_path / "a"))  # type: ignore[arg-type]
