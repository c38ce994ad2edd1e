"""Shared helpers: every test builds its own directories under tmp_path."""

from __future__ import annotations

import hashlib
import os
import signal
from pathlib import Path
from typing import Dict, Iterable, Iterator, Union

import pytest

Name = Union[str, bytes]


@pytest.fixture(autouse=True, scope="session")
def sigint_raises_keyboard_interrupt() -> Iterator[None]:
    """The Ctrl-C tests need Python's own SIGINT handler. A process started
    in the background by a non-interactive shell (`cmd &`) inherits SIGINT
    ignored, and Python then leaves it ignored: no KeyboardInterrupt ever
    comes (every such test failed so in a CI rehearsal started that way).
    The handler is restored here, and child processes inherit the default."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def sha1_hex(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def make_tree(
    root: Union[str, bytes, Path],
    files: Dict[Name, bytes],
    wrong: Iterable[Name] = (),
    extra_lines: Iterable[bytes] = (),
    manifest: Name = "sha1sum.txt",
) -> bytes:
    """Writes `files` under `root` and a manifest listing them in order, with a
    wrong digest for the names in `wrong`; returns `root` as bytes."""
    root_bytes = os.fsencode(root)
    os.makedirs(root_bytes, exist_ok=True)
    wrong_names = {os.fsencode(name) for name in wrong}
    lines = []
    for name, data in files.items():
        name_bytes = os.fsencode(name)
        with open(os.path.join(root_bytes, name_bytes), "wb") as f:
            f.write(data)
        digest = "0" * 40 if name_bytes in wrong_names else sha1_hex(data)
        lines.append(digest.encode() + b"  " + name_bytes + b"\n")
    lines.extend(extra_lines)
    with open(os.path.join(root_bytes, os.fsencode(manifest)), "wb") as f:
        f.write(b"".join(lines))
    return root_bytes


def article_logs() -> Dict[Name, bytes]:
    """Ten log files named as the article's sample (httpd-00.log ... httpd-09.log)."""
    return {
        f"httpd-0{i}.log": "".join(
            f'10.0.0.{i} - - [22/Jul/2020:10:{n % 60:02d}:00] "GET /page/{n} HTTP/1.1" 200 {n}\n'
            for n in range(500 * (i + 1))
        ).encode()
        for i in range(10)
    }


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    """A copy of the article's sample shape: every digest right."""
    make_tree(tmp_path / "logs", article_logs())
    return tmp_path / "logs"


@pytest.fixture
def bad_logs(tmp_path: Path) -> Path:
    """The article's sample shape with httpd-08.log's digest wrong."""
    make_tree(tmp_path / "bad", article_logs(), wrong=["httpd-08.log"])
    return tmp_path / "bad"


LONG_FILE_BYTES = 8 << 20
LONG_LINKS = 1000


@pytest.fixture
def long_tree(tmp_path: Path) -> Path:
    """A directory whose verification takes seconds (1000 names, 8 GiB to hash)
    but costs 8 MiB of disk: every name is a hard link to the same file."""
    root = tmp_path / "long"
    root.mkdir()
    data = os.urandom(LONG_FILE_BYTES)
    (root / "data").write_bytes(data)
    digest = sha1_hex(data).encode()
    lines = []
    for i in range(LONG_LINKS):
        os.link(root / "data", root / f"link{i:04}")
        lines.append(digest + b"  link%04d\n" % i)
    (root / "sha1sum.txt").write_bytes(b"".join(lines))
    return root
