"""No argument is bent, and no front end fails open: an embedded NUL is a
ValueError (never a path cut at the NUL), a wrong type a TypeError, a number
out of range raises instead of wrapping; verify() is strict by default; an
OSError is Python's own, with its filename."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any, Callable, Dict

import pytest

import checksig
from conftest import make_tree, sha1_hex


def test_verify_fails_a_manifest_cut_mid_digest_by_default(tmp_path: Path):
    root = make_tree(tmp_path / "cut", {"a": b"alpha", "b": b"beta"})
    manifest = os.path.join(root, b"sha1sum.txt")
    with open(manifest, "rb") as f:
        text = f.read()
    second = text.index(b"\n") + 1
    with open(manifest, "wb") as f:
        f.write(text[: second + 17])  # the second line stops inside its digest
    report = checksig.verify(root)
    assert not report.ok, report.summary
    assert report[1].status == checksig.Status.MALFORMED and report[1].failed
    assert report.summary == "1 OK, 1 malformed"
    # Only an explicit strict=False keeps sha1sum -c's leniency.
    assert checksig.verify(root, strict=False).ok


def good_tree(tmp_path: Path) -> Path:
    make_tree(tmp_path / "good", {"a": b"alpha"})
    return tmp_path / "good"


#: Every function, called with one path argument replaced by ``bad``.
PATH_CALLS: Dict[str, Callable[[Path, Any], object]] = {
    "check_signatures": lambda good, bad: checksig.check_signatures(bad),
    "verify root": lambda good, bad: checksig.verify(bad),
    "verify manifest": lambda good, bad: checksig.verify(good, manifest=bad),
    "verify_sidecar": lambda good, bad: checksig.verify_sidecar(bad),
    "hash_file": lambda good, bad: checksig.hash_file(bad),
    "hash_files": lambda good, bad: checksig.hash_files([good / "a", bad]),
    "hash_lines": lambda good, bad: checksig.hash_lines([bad]),
    "create_manifest": lambda good, bad: checksig.create_manifest(bad),
    "create_manifest skip": lambda good, bad: checksig.create_manifest(good, skip=bad),
}


def cut_at_nul_would_succeed(good: Path, call: str) -> Any:
    """A path with a NUL whose part before the NUL names something that
    works: cutting it there would silently check that instead."""
    target = {
        "verify manifest": "sha1sum.txt",
        "verify_sidecar": str(good / "a.sha1"),
        "hash_file": str(good / "a"),
        "hash_files": str(good / "a"),
        "hash_lines": str(good / "a"),
        "create_manifest skip": str(good / "a"),
    }.get(call, str(good))
    return target + "\0anything"


@pytest.mark.parametrize("call", sorted(PATH_CALLS))
@pytest.mark.parametrize("kind", ["str", "bytes", "PathLike"])
def test_embedded_nul_is_a_value_error(tmp_path: Path, call: str, kind: str):
    good = good_tree(tmp_path)
    (good / "a.sha1").write_text(sha1_hex(b"alpha"))
    bad = cut_at_nul_would_succeed(good, call)
    argument = {"str": bad, "bytes": os.fsencode(bad), "PathLike": Path(bad)}[kind]
    with pytest.raises(ValueError, match="embedded null byte"):
        PATH_CALLS[call](good, argument)


@pytest.mark.parametrize("call", sorted(PATH_CALLS))
def test_a_path_of_another_type_is_a_type_error(tmp_path: Path, call: str):
    good = good_tree(tmp_path)
    with pytest.raises(TypeError):
        PATH_CALLS[call](good, 42)


WRONG_TYPES = [
    ("threads", 1.5),
    ("threads", True),
    ("threads", "2"),
    ("algorithm", 5),
    ("algorithm", b"sha1"),
    ("strict", "yes"),
    ("strict", 1),
    ("ignore_missing", None),
    ("allow_outside_root", 0),
    ("mmap", "no"),
    ("direct_io", 1),
    ("unlisted", []),
    ("progress", 5),
]


@pytest.mark.parametrize("name,value", WRONG_TYPES, ids=[f"{n}={v!r}" for n, v in WRONG_TYPES])
def test_verify_refuses_wrong_types(tmp_path: Path, name: str, value: object):
    good = good_tree(tmp_path)
    with pytest.raises(TypeError, match=name):
        checksig.verify(good, **{name: value})


@pytest.mark.parametrize(
    "call",
    [
        lambda good, **kw: checksig.hash_files([good / "a"], **kw),
        lambda good, **kw: checksig.hash_lines([good / "a"], **kw),
        lambda good, **kw: checksig.create_manifest(good, **kw),
        lambda good, **kw: checksig.verify_sidecar(good / "a.sha1", **kw),
    ],
    ids=["hash_files", "hash_lines", "create_manifest", "verify_sidecar"],
)
def test_other_calls_refuse_wrong_types_and_ranges(tmp_path: Path, call):
    good = good_tree(tmp_path)
    (good / "a.sha1").write_text(sha1_hex(b"alpha"))
    for value in (1.5, True, "2"):
        with pytest.raises(TypeError, match="threads"):
            call(good, threads=value)
    with pytest.raises(OverflowError):
        call(good, threads=2**64 + 1)
    with pytest.raises(ValueError):
        call(good, threads=0)
    with pytest.raises(TypeError, match="algorithm"):
        call(good, algorithm=5)


@pytest.mark.parametrize("threads", [2**64 + 1, 2**64, 2**100])
def test_threads_out_of_range_raise_never_wrap(tmp_path: Path, threads: int):
    good = good_tree(tmp_path)
    with pytest.raises(OverflowError, match="threads"):
        checksig.verify(good, threads=threads)


def test_threads_in_range_and_index_types_work(tmp_path: Path):
    good = good_tree(tmp_path)
    assert checksig.verify(good, threads=2**64 - 1).ok  # the largest size_t
    assert checksig.verify(good, threads=1).ok
    with pytest.raises(ValueError, match="at least 1"):
        checksig.verify(good, threads=-1)


def test_hash_lines_tag_must_be_a_bool(tmp_path: Path):
    good = good_tree(tmp_path)
    with pytest.raises(TypeError, match="tag"):
        checksig.hash_lines([good / "a"], tag="yes")


def test_os_errors_are_pythons_own_with_the_filename(tmp_path: Path):
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError) as raised:
        checksig.hash_file(missing)
    assert raised.value.errno == errno.ENOENT
    assert raised.value.filename == str(missing)  # as open() reports a Path
    assert raised.value.strerror == os.strerror(errno.ENOENT)
    assert str(raised.value) == f"[Errno 2] No such file or directory: {str(missing)!r}"

    good = good_tree(tmp_path)
    with pytest.raises(FileNotFoundError) as raised:
        checksig.hash_files([good / "a", os.fsencode(missing)])
    assert raised.value.filename == os.fsencode(missing)

    with pytest.raises(FileNotFoundError) as raised:
        checksig.verify(missing)
    assert raised.value.filename == f"{missing}/sha1sum.txt"
    assert str(raised.value) == f"[Errno 2] No such file or directory: '{missing}/sha1sum.txt'"

    with pytest.raises(FileNotFoundError) as raised:
        checksig.create_manifest(missing)
    assert raised.value.filename == str(missing)

    with pytest.raises(FileNotFoundError) as raised:
        checksig.verify_sidecar(missing.with_suffix(".sha1"))
    assert raised.value.filename == str(missing.with_suffix(".sha1"))
