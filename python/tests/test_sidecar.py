"""Hash-only sidecars (issue 6): ``dl/file.iso.sha256`` holding only a digest."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

import checksig
from checksig import ChecksigError, Status

ABC_SHA256 = hashlib.sha256(b"abc").hexdigest()


@pytest.fixture
def dl(tmp_path: Path) -> Path:
    """``dl/file.iso`` ("abc") with a correct ``file.iso.sha256`` beside it."""
    root = tmp_path / "dl"
    root.mkdir()
    (root / "file.iso").write_bytes(b"abc")
    (root / "file.iso.sha256").write_text(ABC_SHA256 + "\n")
    return root


@pytest.mark.parametrize(
    "name, text",
    [
        ("file.iso.sha256", ABC_SHA256 + "\n"),
        ("file.iso.SHA256SUM", "  " + ABC_SHA256.upper() + "\r\n"),
        ("file.iso.sha1", hashlib.sha1(b"abc").hexdigest()),
        ("file.iso.sha512", hashlib.sha512(b"abc").hexdigest() + "\n"),
        ("file.iso.md5", hashlib.md5(b"abc").hexdigest() + "\n"),
        ("file.iso.b3", "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85\n"),
        ("file.iso.blake3sum", "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85\n"),
        # A sidecar that names its file is an ordinary one-line manifest.
        ("file.iso.sha256", ABC_SHA256 + "  file.iso\n"),
    ],
)
def test_every_algorithm_extension(dl: Path, name: str, text: str):
    (dl / name).write_text(text)
    for report in (checksig.verify(dl, manifest=name), checksig.verify_sidecar(dl / name)):
        assert report.ok, report.message
        (entry,) = report
        assert (entry.line, entry.name, entry.status) == (1, "file.iso", Status.OK)
        assert entry.path == f"{dl}/file.iso"
        assert entry.expected == entry.actual == checksig.hash_file(dl / "file.iso", _algo(name))


def _algo(name: str) -> str:
    extension = name.rsplit(".", 1)[1].lower()
    if extension.endswith("sum"):
        extension = extension[: -len("sum")]
    return {"b3": "blake3"}.get(extension, extension)


def test_relative_path_and_path_types(dl: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(dl.parent)
    for path in ("dl/file.iso.sha256", b"dl/file.iso.sha256", Path("dl/file.iso.sha256")):
        report = checksig.verify_sidecar(path)
        assert report.ok and report[0].path == "dl/file.iso"
    monkeypatch.chdir(dl)
    report = checksig.verify_sidecar("file.iso.sha256")
    assert report.ok and report[0].path == "file.iso"
    # Through verify(): the sidecar's directory, relative to the root, is the file's.
    report = checksig.verify(dl.parent, manifest="dl/file.iso.sha256")
    assert report.ok and report[0].name == "dl/file.iso"


def test_wrong_digest_is_a_mismatch_naming_the_file(dl: Path):
    (dl / "file.iso").write_bytes(b"abd")
    report = checksig.verify_sidecar(dl / "file.iso.sha256")
    assert not report.ok
    (entry,) = report.failures
    assert entry.status is Status.MISMATCH and entry.name == "file.iso"
    assert entry.expected == ABC_SHA256
    assert entry.actual == hashlib.sha256(b"abd").hexdigest()
    assert report.message == f'"{dl}/file.iso" - mismatch'
    with pytest.raises(checksig.VerificationError, match="file.iso\" - mismatch"):
        report.raise_for_failures()


def test_missing_target(dl: Path):
    (dl / "file.iso").unlink()
    report = checksig.verify_sidecar(dl / "file.iso.sha256")
    assert [(e.name, e.status, e.failed) for e in report] == [("file.iso", Status.MISSING, True)]
    assert report.message == f"open {dl}/file.iso: no such file or directory"
    assert report.summary == "1 missing"


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("file.iso.sha256", ABC_SHA256[:-1] + "\n", "the sidecar should hold one SHA-256 digest of 64 hex digits"),
        ("file.iso.sha512", ABC_SHA256 + "\n", "the sidecar should hold one SHA-512 digest of 128 hex digits"),
        ("file.iso.md5", "not a digest\n", "the sidecar should hold one MD5 digest of 32 hex digits"),
    ],
)
def test_malformed_sidecar_says_what_was_expected(dl: Path, name: str, text: str, expected: str):
    (dl / name).write_text(text)
    report = checksig.verify_sidecar(dl / name)
    assert not report.ok
    (entry,) = report
    assert (entry.line, entry.status, entry.failed) == (1, Status.MALFORMED, True)
    assert entry.message == f'1: bad line: "{text.strip()}" ({expected})'
    assert report.message == entry.message
    # verify() reads it the same way; strict=True makes the line a failure there too.
    via_verify = checksig.verify(dl, manifest=name, strict=True)
    assert via_verify[0].message == entry.message and via_verify.failures


def test_forced_algorithm(dl: Path):
    # A SHA-256 digest read as BLAKE3's (the same length) is a mismatch.
    report = checksig.verify_sidecar(dl / "file.iso.sha256", algorithm="blake3")
    assert report[0].status is Status.MISMATCH
    with pytest.raises(ValueError, match="unknown algorithm"):
        checksig.verify_sidecar(dl / "file.iso.sha256", algorithm="crc32")


def test_sidecar_that_is_a_fifo(dl: Path):
    os.mkfifo(dl / "fifo.iso.sha256")
    with pytest.raises(ChecksigError) as raised:
        checksig.verify_sidecar(dl / "fifo.iso.sha256")
    assert str(raised.value) == f"open {dl}/fifo.iso.sha256: not a regular file (FIFO)"
    with pytest.raises(ChecksigError, match="FIFO"):
        checksig.verify(dl, manifest="fifo.iso.sha256")


def test_unreadable_or_misnamed_sidecars(dl: Path):
    with pytest.raises(FileNotFoundError):
        checksig.verify_sidecar(dl / "none.iso.sha256")
    (dl / "dir.sha256").mkdir()
    with pytest.raises(OSError):
        checksig.verify_sidecar(dl / "dir.sha256")
    for misnamed in (dl / "file.iso", dl / "SHA256SUMS", dl / "file.iso.sha-256", "/"):
        with pytest.raises(ValueError, match="is not named as a sidecar"):
            checksig.verify_sidecar(misnamed)


def test_progress_and_threads(dl: Path):
    seen: list[checksig.Progress] = []
    report = checksig.verify_sidecar(dl / "file.iso.sha256", threads=1, mmap=False, progress=seen.append)
    assert report.ok
    last = seen[-1]
    assert (last.files_done, last.files_total, last.bytes_done, last.bytes_total) == (1, 1, 3, 3)
    with pytest.raises(checksig.Cancelled):
        checksig.verify_sidecar(dl / "file.iso.sha256", progress=lambda _: False)


def test_symbolic_link_out_of_the_directory(dl: Path, tmp_path: Path):
    (tmp_path / "elsewhere.iso").write_bytes(b"abc")
    (dl / "link.iso").symlink_to(tmp_path / "elsewhere.iso")
    (dl / "link.iso.sha256").write_text(ABC_SHA256)
    assert checksig.verify_sidecar(dl / "link.iso.sha256")[0].status is Status.OUTSIDE_ROOT
    assert checksig.verify_sidecar(dl / "link.iso.sha256", allow_outside_root=True).ok

