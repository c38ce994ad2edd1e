"""The GIL is released, many threads may verify at once, and the library
works in a forked child (no global thread pool to lose across fork())."""

from __future__ import annotations

import multiprocessing
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import checksig


def test_many_threads_at_once(logs: Path, bad_logs: Path):
    want = f'"{bad_logs}/httpd-08.log" - mismatch'

    def work(i: int) -> bool:
        if i % 2:
            return checksig.verify(logs, threads=2).ok and checksig.check_signatures(logs) is None
        try:
            checksig.check_signatures(bad_logs)
        except ValueError as error:
            return str(error) == want and checksig.verify(bad_logs).message == want
        return False

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(48)))


def test_gil_is_released(long_tree: Path):
    """Python code keeps running on another thread while files are hashed."""
    stop = threading.Event()
    outcome = []

    def verify_until_stopped() -> None:
        try:
            checksig.verify(long_tree, threads=1, progress=lambda _: not stop.is_set())
            outcome.append("finished")
        except checksig.Cancelled:
            outcome.append("cancelled")

    worker = threading.Thread(target=verify_until_stopped)
    worker.start()
    iterations = 0
    deadline = time.monotonic() + 0.3
    while time.monotonic() < deadline:
        iterations += 1
    stop.set()
    worker.join()
    assert outcome == ["cancelled"], "the verification was still running while we counted"
    assert iterations > 10_000


def verify_in_child(root: str) -> "str | None":
    try:
        checksig.check_signatures(root)
    except ValueError as error:
        return str(error)
    return None


def test_multiprocessing_fork(logs: Path, bad_logs: Path):
    assert checksig.verify(logs).ok  # used in the parent before forking
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        results = pool.map(verify_in_child, [str(logs), str(bad_logs)] * 3)
    assert results == [None, f'"{bad_logs}/httpd-08.log" - mismatch'] * 3


def child_verifies(root: str, queue: "multiprocessing.Queue[object]") -> None:
    report = checksig.verify(root)
    queue.put((report.ok, report.summary))


def test_fork_while_another_thread_verifies(long_tree: Path, logs: Path):
    """Forking while a verification runs on another thread leaves the child
    with none of its threads; the child still verifies (no deadlock)."""
    stop = threading.Event()
    busy = threading.Thread(
        target=lambda: pytest.raises(
            checksig.Cancelled,
            checksig.verify,
            long_tree,
            progress=lambda _: not stop.is_set(),
        )
    )
    busy.start()
    try:
        time.sleep(0.2)
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        child = context.Process(target=child_verifies, args=(str(logs), queue))
        child.start()
        child.join(timeout=60)
        assert child.exitcode == 0, "the child finished"
        assert queue.get(timeout=5) == (True, "10 OK")
    finally:
        stop.set()
        busy.join()
