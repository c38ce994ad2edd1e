"""verify(): per-entry results, options, the Report API and errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import checksig
from checksig import Cancelled, Progress, Status, VerificationError
from conftest import make_tree, sha1_hex


def test_every_entry_in_manifest_order(bad_logs: Path):
    report = checksig.verify(bad_logs)
    assert not report.ok
    assert len(report) == 10
    assert [entry.name for entry in report] == [f"httpd-0{i}.log" for i in range(10)]
    assert [entry.line for entry in report] == list(range(1, 11))
    assert report.summary == "9 OK, 1 mismatch"
    assert report.count(Status.OK) == 9
    (failure,) = report.failures
    assert failure is report[8]
    assert failure.status is Status.MISMATCH
    assert failure.failed
    assert failure.expected == "0" * 40
    assert failure.actual == sha1_hex((bad_logs / "httpd-08.log").read_bytes())
    assert failure.path == f"{bad_logs}/httpd-08.log"
    assert failure.path_bytes == os.fsencode(failure.path)
    assert failure.name_bytes == b"httpd-08.log"
    assert failure.message == f'"{bad_logs}/httpd-08.log" - mismatch'
    assert report.message == failure.message
    ok = report[0]
    assert ok.status is Status.OK and not ok.failed
    assert ok.expected == ok.actual == sha1_hex((bad_logs / "httpd-00.log").read_bytes())


def test_ok_report(logs: Path):
    report = checksig.verify(logs)
    assert report.ok
    assert report.message is None
    assert report.failures == []
    report.raise_for_failures()
    assert "ok=True" in repr(report)


def test_raise_for_failures(bad_logs: Path):
    report = checksig.verify(bad_logs)
    with pytest.raises(VerificationError) as raised:
        report.raise_for_failures()
    assert isinstance(raised.value, ValueError)
    assert str(raised.value) == f'"{bad_logs}/httpd-08.log" - mismatch'
    assert raised.value.report is report


def test_statuses(tmp_path: Path):
    root = tmp_path / "root"
    make_tree(
        root,
        {"ok": b"fine", "bad": b"bad", "gone": b"x"},
        wrong=["bad"],
        extra_lines=[
            b"not a checksum line\n",
            sha1_hex(b"").encode() + b"  sub\n",
            sha1_hex(b"").encode() + b"  ../escape\n",
            sha1_hex(b"").encode() + b"  /etc/hostname\n",
            sha1_hex(b"").encode() + b"  fifo\n",
        ],
    )
    (root / "gone").unlink()
    (root / "sub").mkdir()
    os.mkfifo(root / "fifo")
    report = checksig.verify(root)
    statuses = [entry.status for entry in report]
    assert statuses == [
        Status.OK,
        Status.MISMATCH,
        Status.MISSING,
        Status.MALFORMED,
        Status.NOT_REGULAR,
        Status.OUTSIDE_ROOT,
        Status.OUTSIDE_ROOT,
        Status.NOT_REGULAR,
    ]
    malformed = report[3]
    assert malformed.failed  # strict by default, as the library and the CLI's DIR mode
    assert malformed.message == '4: bad line: "not a checksum line"'
    assert malformed.name_bytes == b"" and malformed.expected is None
    assert report[2].message == f"open {root}/gone: no such file or directory"
    assert report[4].message == f"read {root}/sub: is a directory"
    assert report[5].message == f'"{tmp_path}/escape" - outside root'
    assert report[6].path == "/etc/hostname"
    assert report[7].message == f'"{root}/fifo" - not a regular file (FIFO)'
    assert report[2].actual is None

    lenient = checksig.verify(root, strict=False)
    assert not lenient[3].failed  # as sha1sum -c


def test_ignore_missing(tmp_path: Path):
    make_tree(tmp_path, {"a": b"a", "b": b"b"})
    (tmp_path / "b").unlink()
    assert not checksig.verify(tmp_path).ok
    report = checksig.verify(tmp_path, ignore_missing=True)
    assert report.ok
    assert report[1].status is Status.MISSING and not report[1].failed


def test_allow_outside_root(tmp_path: Path):
    make_tree(tmp_path / "root", {"../outside.txt": b"out"})
    assert checksig.verify(tmp_path / "root")[0].status is Status.OUTSIDE_ROOT
    assert checksig.verify(tmp_path / "root", allow_outside_root=True).ok


def test_manifest_threads_and_mmap_options(tmp_path: Path):
    files = {f"f{i}": os.urandom(1000 * i) for i in range(20)}
    make_tree(tmp_path, files, wrong=["f7"], manifest="SHA1SUMS")
    for threads in (1, 3, None):
        for mmap, direct_io in ((True, True), (False, True), (True, False)):
            report = checksig.verify(
                tmp_path, manifest="SHA1SUMS", threads=threads, mmap=mmap, direct_io=direct_io
            )
            assert [e.name for e in report.failures] == ["f7"]
    with pytest.raises(ValueError):
        checksig.verify(tmp_path, manifest="SHA1SUMS", threads=0)
    # Named by nobody, the manifest is found by the library: SHA1SUMS here.
    assert [e.name for e in checksig.verify(tmp_path).failures] == ["f7"]
    (tmp_path / "SHA1SUMS").unlink()
    with pytest.raises(FileNotFoundError):
        checksig.verify(tmp_path)  # no manifest of any conventional name here


def test_errors(tmp_path: Path):
    with pytest.raises(FileNotFoundError) as raised:
        checksig.verify(tmp_path / "nowhere")
    assert raised.value.strerror == "No such file or directory"
    assert raised.value.filename == f"{tmp_path}/nowhere/sha1sum.txt"
    (tmp_path / "sha1sum.txt").mkdir()
    with pytest.raises(OSError):
        checksig.verify(tmp_path)


def test_progress(logs: Path):
    seen = []
    report = checksig.verify(logs, progress=seen.append)
    assert report.ok
    assert seen, "called at least once, at the end"
    assert all(isinstance(p, Progress) for p in seen)
    last = seen[-1]
    total = sum(path.stat().st_size for path in logs.glob("httpd-*.log"))
    assert (last.files_done, last.files_total) == (10, 10)
    assert (last.bytes_done, last.bytes_total) == (total, total)


def test_progress_returning_false_cancels(logs: Path):
    with pytest.raises(Cancelled):
        checksig.verify(logs, progress=lambda progress: False)


def test_progress_exception_propagates(logs: Path):
    class Boom(Exception):
        pass

    def progress(_: Progress) -> None:
        raise Boom("from the callback")

    with pytest.raises(Boom, match="from the callback"):
        checksig.verify(logs, progress=progress)


def test_version():
    assert checksig.__version__ == checksig.library_version()
    assert checksig.__version__[0].isdigit()


@pytest.mark.parametrize("mmap", [True, False])
def test_progress_figures_only_grow(tmp_path: Path, mmap: bool):
    # The figures the CLI's progress bar shows (issue 6): bytes and files
    # done of total, never decreasing, never above the totals, ending at them.
    files = {f"f{i}": os.urandom((4 << 20) + i) for i in range(3)}
    files["empty"] = b""
    make_tree(tmp_path, files)
    seen = []
    assert checksig.verify(tmp_path, threads=2, mmap=mmap, progress=seen.append).ok
    total = sum(len(data) for data in files.values())
    for before, after in zip(seen, seen[1:]):
        assert after.bytes_done >= before.bytes_done and after.files_done >= before.files_done
    assert all(p.bytes_total == total and p.files_total == 4 for p in seen)
    assert all(p.bytes_done <= total and p.files_done <= 4 for p in seen)
    assert (seen[-1].bytes_done, seen[-1].files_done) == (total, 4)


def test_a_report_makes_its_entries_when_they_are_read(tmp_path: Path):
    """A report of 200,000 lines costs the C report's compact form until
    its entries are read: verify() itself allocates under 4 MB of Python
    objects (it made all 200,000 Entry objects, 70 MB here, before), and
    what is read is the same as a whole reading gives."""
    import tracemalloc

    root = tmp_path / "many"
    root.mkdir()
    (root / "a").write_bytes(b"a")
    good = f"{sha1_hex(b'a')}  a\n".encode()
    (root / "sha1sum.txt").write_bytes(good + b"x\n" * 200_000)
    tracemalloc.start()
    try:
        report = checksig.verify(root, strict=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4_000_000, peak
    assert len(report) == 200_001
    assert report.ok and report.count(Status.MALFORMED) == 200_000 and report.failures == []
    first, last = report[0], report[-1]
    assert (first.name, first.status, last.line, last.status) == ("a", Status.OK, 200_001, Status.MALFORMED)
    assert report[-1] is last and report[1:3] == (report[1], report[2])
    with pytest.raises(IndexError):
        report[200_001]
    entries = report.entries
    assert entries[0] is first and entries[-1] is last and len(entries) == 200_001


def test_a_report_pickles_with_its_entries(bad_logs: Path):
    import pickle

    report = checksig.verify(bad_logs)
    copy = pickle.loads(pickle.dumps(report))
    assert list(copy) == list(report)
    assert (copy.ok, copy.summary, copy.message, copy.signature) == (
        report.ok, report.summary, report.message, report.signature)
    assert copy.failures == report.failures and copy.count(Status.OK) == 9
