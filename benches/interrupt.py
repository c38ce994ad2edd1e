#!/usr/bin/env python3
"""How long each long Python call takes to stop after Ctrl-C (issue 15: 0.2 s).

    CHECKSIG_LIBRARY=target/release/libchecksig_capi.so PYTHONPATH=python \\
        python3 benches/interrupt.py [--runs N] [--delay S]

For each call (verify over a large sparse file, hash_file, hash_files,
hash_lines, create_manifest), a thread sends SIGINT to the process after
--delay seconds while the call runs in the main thread; the figure is the time
from the signal to the KeyboardInterrupt reaching the caller. Prints the
median and the maximum over --runs runs per call. The test suite
(python/tests/test_cancel*.py) asserts a loose bound that a loaded CI machine
meets; this script gives the figure to quote.
"""

import argparse
import os
import signal
import statistics
import tempfile
import threading
import time
from pathlib import Path

import checksig

#: Sparse, so it costs no disk; hashing it takes far longer than a run.
SPARSE_BYTES = 64 << 30


def make_tree(root: Path) -> None:
    """One large sparse file and a manifest (with a wrong digest) naming it."""
    with open(root / "sparse", "wb") as f:
        f.truncate(SPARSE_BYTES)
    (root / "sha1sum.txt").write_text("0" * 40 + "  sparse\n")


def latency(call, delay: float) -> float:
    """Seconds from SIGINT to the KeyboardInterrupt out of `call`."""
    sent = []

    def fire() -> None:
        time.sleep(delay)
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=fire, daemon=True).start()
    try:
        call()
    except KeyboardInterrupt:
        return time.monotonic() - sent[0]
    raise RuntimeError("the call ended before the interrupt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--delay", type=float, default=0.3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_tree(root)
        sparse = root / "sparse"
        calls = {
            "verify": lambda: checksig.verify(root),
            "hash_file": lambda: checksig.hash_file(sparse, "sha256"),
            "hash_files": lambda: checksig.hash_files([sparse], "sha256"),
            "hash_lines": lambda: checksig.hash_lines([sparse], "md5", threads=2),
            "create_manifest": lambda: checksig.create_manifest(root, "sha1"),
        }
        print(f"load average {os.getloadavg()[0]:.1f}, {args.runs} runs per call")
        for name, call in calls.items():
            times = [latency(call, args.delay) for _ in range(args.runs)]
            print(
                f"{name:16} median {statistics.median(times) * 1000:7.1f} ms"
                f"   max {max(times) * 1000:7.1f} ms"
            )


if __name__ == "__main__":
    main()
