"""Ctrl-C (KeyboardInterrupt) cancels a long verification quickly."""

from __future__ import annotations

import _thread
import os
import signal
import threading
import time
from pathlib import Path

import pytest

import checksig
import checksig._api

#: The interrupt must end the call well before the verification would have
#: (seconds); the design target is about 100 ms.
MAX_SECONDS_AFTER_INTERRUPT = 1.0


def interrupt_after(seconds: float, send) -> "list[float]":
    sent: "list[float]" = []

    def fire() -> None:
        time.sleep(seconds)
        sent.append(time.monotonic())
        send()

    threading.Thread(target=fire, daemon=True).start()
    return sent


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(_thread.interrupt_main, id="interrupt_main"),
        pytest.param(lambda: os.kill(os.getpid(), signal.SIGINT), id="SIGINT"),
    ],
)
def test_keyboard_interrupt_cancels(long_tree: Path, send):
    sent = interrupt_after(0.3, send)
    with pytest.raises(KeyboardInterrupt):
        checksig.verify(long_tree)
    latency = time.monotonic() - sent[0]
    assert latency < MAX_SECONDS_AFTER_INTERRUPT, f"took {latency:.3f} s after the interrupt"
    assert_no_verification_left_running()


def assert_no_verification_left_running() -> None:
    """The call returned before KeyboardInterrupt propagated: its helper
    thread ends at once (a thread still hashing would stay listed)."""
    for thread in threading.enumerate():
        if thread.name == checksig._api.HELPER_THREAD_NAME:
            thread.join(timeout=1)
    names = [thread.name for thread in threading.enumerate()]
    assert checksig._api.HELPER_THREAD_NAME not in names


def test_keyboard_interrupt_cancels_check_signatures(long_tree: Path):
    sent = interrupt_after(0.3, _thread.interrupt_main)
    with pytest.raises(KeyboardInterrupt):
        checksig.check_signatures(long_tree)
    assert time.monotonic() - sent[0] < MAX_SECONDS_AFTER_INTERRUPT
    assert_no_verification_left_running()


def test_usable_after_an_interrupt(long_tree: Path, logs: Path):
    interrupt_after(0.2, _thread.interrupt_main)
    with pytest.raises(KeyboardInterrupt):
        checksig.verify(long_tree)
    assert checksig.verify(logs).ok



def test_verify_lines_is_cancelled_by_its_progress_and_by_stop(tmp_path: Path) -> None:
    # verify_lines shares verify's cancel handle and progress callback
    # (_api._cancellable), and adds `stop`: any object with wait(timeout).
    root = tmp_path / "sparse"
    root.mkdir()
    with open(root / "huge", "wb") as huge:
        huge.truncate(8 << 30)  # seconds to hash
    (root / "sha1sum.txt").write_bytes(b"0" * 40 + b"  huge\n")
    seen: "list[checksig.Progress]" = []

    def refuse(figures: checksig.Progress) -> bool:
        seen.append(figures)
        return False

    with pytest.raises(checksig.Cancelled):
        checksig.verify_lines(root, [(1, 2)], threads=1, progress=refuse)
    assert seen and (seen[0].files_total, seen[0].bytes_total) == (1, 8 << 30)
    stop = threading.Event()
    with pytest.raises(checksig.Cancelled):
        checksig.verify_lines(root, [(1, 2)], threads=1, progress=lambda _figures: stop.set(), stop=stop)
    assert stop.is_set()
