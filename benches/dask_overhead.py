"""The Dask path against one process (issue 19): checksig.dask.verify on a
LocalCluster of two worker processes against checksig.verify, on 20,000 files
of 4 KiB and on 8 files of 128 MiB, warm page cache, alternating rounds,
medians. Also the planning alone (read, parse, stat, cut). Each round runs
every case once, one after the other, so that a load that comes and goes
on a shared machine hits them alike: the ratio to one process is also given
round by round (the same round's one-process time), as a median and the
quartiles, which is what to read under load; and the CPU seconds of every
process of the run (this one, with the scheduler, and the workers and
their nannies: psutil, which distributed depends on), which a load slows
less than the wall clock.

    CHECKSIG_LIBRARY=$CARGO_TARGET_DIR/release/libchecksig_capi.so \\
        PYTHONPATH=python python3 benches/dask_overhead.py [--rounds 9] [--dir /var/tmp/x]

Needs the [dask] extra. Prints one Markdown table; the load average is
printed before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import time
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import dask
import distributed
import psutil

import checksig
import checksig.dask


def make_tree(root: Path, count: int, size: int) -> Path:
    if (root / "sha1sum.txt").exists():
        return root
    root.mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(count):
        data = hashlib.shake_128(f"{i}".encode()).digest(size) if size <= 1 << 16 else (
            os.urandom(1 << 20) * (size >> 20)
        )
        name = f"f{i:05d}"
        (root / name).write_bytes(data)
        lines.append(f"{hashlib.sha1(data).hexdigest()}  {name}\n")
    (root / "sha1sum.txt").write_text("".join(lines))
    return root


def cpu_seconds() -> float:
    """User and system CPU seconds of this process and its children so far
    (the workers, while they live)."""
    total = 0.0
    me = psutil.Process()
    for process in [me] + me.children(recursive=True):
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def timed(function: Callable[[], object]) -> Tuple[float, float]:
    """Wall and CPU seconds of one call."""
    cpu = cpu_seconds()
    start = time.perf_counter()
    function()
    return time.perf_counter() - start, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--dir", default="/var/tmp/checksig-dask-bench")
    args = parser.parse_args()
    base = Path(args.dir)
    trees = {
        "20,000 x 4 KiB": make_tree(base / "small", 20_000, 4096),
        "8 x 128 MiB": make_tree(base / "large", 8, 128 << 20),
    }
    print("load average before:", os.getloadavg())
    with dask.config.set({"distributed.worker.multiprocessing-method": "spawn"}):
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50
        )
    client = distributed.Client(cluster)
    rows = []
    for label, root in trees.items():
        cases: Dict[str, Callable[[], object]] = {
            "one process (2 threads)": lambda: checksig.verify(root, threads=2),
            "plan only": lambda: checksig.plan(root, 8),
            "Dask, 2 workers, threads=1": lambda: checksig.dask.verify(root, client, threads=1),
            # The default: each host's CPUs shared among its task slots (one thread each here).
            "Dask, 2 workers, default threads": lambda: checksig.dask.verify(root, client),
            "Dask, default, with progress": lambda: checksig.dask.verify(
                root, client, progress=lambda _figures: None
            ),
        }
        for case in cases.values():  # warm-up: page cache, worker imports
            case()
        times: Dict[str, List[float]] = {name: [] for name in cases}
        cpus: Dict[str, List[float]] = {name: [] for name in cases}
        for _ in range(args.rounds):
            for name, case in cases.items():
                wall, cpu = timed(case)
                times[name].append(wall)
                cpus[name].append(cpu)
        locals_ = times["one process (2 threads)"]
        local = statistics.median(locals_)
        for name, samples in times.items():
            median = statistics.median(samples)
            ratios = sorted(sample / one for sample, one in zip(samples, locals_))
            quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
            rows.append(
                f"| {label} | {name} | {median:.3f} s ({min(samples):.3f}-{max(samples):.3f}) "
                f"| {median / local:.2f} x | {statistics.median(ratios):.2f} x "
                f"({quartiles[0]:.2f}-{quartiles[-1]:.2f}) | {statistics.median(cpus[name]):.2f} s |"
            )
    client.close()
    cluster.close()
    print("load average after:", os.getloadavg())
    print(
        "| tree | path | median (range) | median against one process's "
        "| round by round: median (quartiles) | CPU, all processes (median) |"
    )
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
