#!/usr/bin/env python3
"""Times checksig against its peers on the same data, in one run.

    python3 benches/peers.py [--data DIR] [--cold [--settle S] [--shuffle]] [--sweep] [--plot PNG] [--json OUT]

Tools, each verifying the same DIR/sha1sum.txt:
  ours-cli   target/release/checksig DIR           (a process per run)
  ours-capi  verify(DIR) from libchecksig_capi.so  (ctypes, in this process)
  sha1sum    sha1sum -c sha1sum.txt > /dev/null    (GNU coreutils, a process)
  py-pool    hashlib.sha1 over a thread pool of one thread per CPU (in process)
  naive      checksig::reference: one thread, whole-file reads, portable SHA-1
  floor      open + read to the end + close of every file on every CPU, no
             hashing (benches/floor.c): the syscall floor
and the hardware limit, `openssl speed -evp sha1 -bytes 16384` (one core).

Data sets (made once under --data, default $CARGO_TARGET_DIR or target/,
then peer-data/): 1 x 1 GiB, 8 x 128 MiB, 20,000 x 4 KiB, 100,000 tiny files
of 16..800 bytes. --cold evicts every file from the page cache
(posix_fadvise DONTNEED) before each run, and --settle S then waits S seconds
before the run (a virtual machine with free page reporting hands memory freed
by the eviction back to its host after about 2 s, so the run meets the fresh
pages of a file evicted long ago; without it, mostly pages just freed); otherwise each data set is read
once from a cold cache, as `cat` would, and each tool's first run is not
counted. Each figure is the median of --runs runs, taken in rounds: every
tool once per round, so that the machine's drift touches all tools alike.
--sweep also times naive, ours-cli and sha1sum over file sizes 0 B..1 GiB
(for the plot in BENCHMARKS.md).
"""

import argparse
import ctypes
import datetime
import hashlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30
CPUS = os.cpu_count() or 1


def target_dir():
    return Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))


# ---------------------------------------------------------------- data sets


def make_dataset(root, name, sizes):
    """Files f000000... with the given sizes and their sha1sum.txt, made once."""
    path = root / name
    done = path / ".complete"
    if done.exists():
        return path
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    lines = []
    block = os.urandom(MIB)
    for index, size in enumerate(sizes):
        file_name = f"f{index:06}"
        digest = hashlib.sha1()
        with open(path / file_name, "wb") as out:
            left, chunk_no = size, 0
            while left > 0:
                # A fresh prefix per file and MiB: nothing is deduplicated.
                stamp = index.to_bytes(4, "little") + chunk_no.to_bytes(4, "little")
                chunk = (stamp + block[8:])[: min(left, MIB)]
                digest.update(chunk)
                out.write(chunk)
                left -= len(chunk)
                chunk_no += 1
        lines.append(f"{digest.hexdigest()}  {file_name}\n")
    (path / "sha1sum.txt").write_text("".join(lines))
    os.sync()
    done.touch()
    return path


def main_datasets(root, only):
    """(label, path) of each data set whose label starts with one of `only`."""
    rng = random.Random(42)
    tiny = [rng.randint(16, 800) for _ in range(100_000)]
    specs = [
        ("1 x 1 GiB", "1x1G", [GIB]),
        ("8 x 128 MiB", "8x128M", [128 * MIB] * 8),
        ("20,000 x 4 KiB", "20000x4K", [4 * KIB] * 20_000),
        ("100,000 x 16..800 B", "100000xtiny", tiny),
    ]
    return [(label, make_dataset(root, name, sizes)) for label, name, sizes in specs
            if not only or any(label.startswith(p) for p in only)]


SWEEP_SIZES = [0, KIB, 4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB, MIB, 4 * MIB,
               16 * MIB, 64 * MIB, 256 * MIB, GIB]


def sweep_datasets(root):
    """For each size, enough files for 256 MiB (at most 20,000 files)."""
    sets = []
    for size in SWEEP_SIZES:
        count = 20_000 if size == 0 else max(1, min(20_000, 256 * MIB // size))
        sets.append((size, count, make_dataset(root, f"sweep-{count}x{size}", [size] * count)))
    return sets


def manifest_names(path):
    return [line[42:].rstrip("\n") for line in (path / "sha1sum.txt").read_text().splitlines(True)]


def total_bytes(path):
    return sum((path / name).stat().st_size for name in manifest_names(path))


def evict(path):
    for entry in os.scandir(path):
        fd = os.open(entry.path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def warm(path):
    """Evicts, then reads every file start to end as `cat` would, so that every
    tool meets the same page cache whatever ran before. (How pages entered the
    cache matters on Linux: sequential reads bring large folios, forced
    read-ahead single pages, and mapping single pages costs far more.)"""
    evict(path)
    for entry in os.scandir(path):
        with open(entry.path, "rb", buffering=0) as f:
            while f.read(1 << 20):
                pass


# ------------------------------------------------------------------- tools


def build():
    env = dict(os.environ)
    subprocess.run(["cargo", "build", "--release", "-p", "checksig-cli", "-p", "checksig-capi"],
                   cwd=REPO, check=True, env=env)
    out = subprocess.run(["cargo", "bench", "-p", "checksig", "--bench", "naive", "--no-run",
                          "--message-format=json"], cwd=REPO, check=True, env=env,
                         stdout=subprocess.PIPE, text=True).stdout
    naive = None
    for line in out.splitlines():
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "naive":
            naive = message.get("executable") or naive
    floor = target_dir() / "floor"
    subprocess.run(["cc", "-O2", "-pthread", "-o", str(floor), str(REPO / "benches/floor.c")],
                   check=True)
    release = target_dir() / "release"
    return {
        "cli": release / "checksig",
        "capi": release / "libchecksig_capi.so",
        "naive": Path(naive),
        "floor": floor,
    }


def run_process(argv, cwd=None):
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{argv} failed ({done.returncode}): {done.stderr[-500:]!r}")
    return elapsed


class Capi:
    def __init__(self, path):
        self.lib = ctypes.CDLL(str(path))
        self.lib.verify.argtypes = [ctypes.c_char_p]
        self.lib.verify.restype = ctypes.c_void_p
        self.lib.checksig_free.argtypes = [ctypes.c_void_p]
        self.lib.checksig_free.restype = None

    def verify(self, path):
        result = self.lib.verify(os.fsencode(path))
        if result:
            message = ctypes.string_at(result).decode(errors="replace")
            self.lib.checksig_free(result)
            raise RuntimeError(f"verify({path}): {message[:300]}")

    def call(self, path):
        """verify(path), whatever it finds (the article's sample has failures)."""
        result = self.lib.verify(os.fsencode(path))
        if result:
            self.lib.checksig_free(result)

    def timed(self, path):
        start = time.perf_counter()
        self.verify(path)
        return time.perf_counter() - start


def py_pool(path):
    expected = []
    for line in (path / "sha1sum.txt").read_text().splitlines():
        expected.append((line[42:], line[:40]))

    def check(item):
        name, digest = item
        h = hashlib.sha1()
        with open(path / name, "rb", buffering=0) as f:
            while chunk := f.read(MIB):
                h.update(chunk)
        return h.hexdigest() == digest

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CPUS) as pool:
        ok = all(pool.map(check, expected, chunksize=64))
    elapsed = time.perf_counter() - start
    if not ok:
        raise RuntimeError(f"py-pool: mismatch in {path}")
    return elapsed


def hardware_limit():
    """SHA-1 bytes per second on one core, as openssl measures it."""
    out = subprocess.run(["openssl", "speed", "-evp", "sha1", "-bytes", "16384", "-seconds", "3"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    match = re.search(r"^sha1\s+([\d.]+)k", out, re.M)
    return float(match.group(1)) * 1000


# ----------------------------------------------------------------- running


def measure(tools, path, runs, cold, which, settle=0.0, shuffle=False):
    """Median seconds per tool over `runs` runs (after a warm-up run)."""
    capi = tools.get("capi_lib")
    runners = {
        "ours-cli": lambda: run_process([str(tools["cli"]), str(path)]),
        "ours-capi": (lambda: capi.timed(path)) if capi else None,
        "sha1sum": lambda: run_process(["sha1sum", "-c", "sha1sum.txt"], cwd=path),
        "py-pool": lambda: py_pool(path),
        "naive": lambda: run_process([str(tools["naive"]), str(path)]),
        "floor": lambda: run_process([str(tools["floor"]), str(CPUS), str(path)]),
    }
    names = [name for name in which if runners.get(name) is not None]
    times = {name: [] for name in names}
    if not cold:
        warm(path)
    # Round after round, each tool once per round: the speed of this shared
    # virtual machine drifts over seconds, and a ratio between two tools
    # timed in separate blocks measured the drift as much as the tools.
    # With --shuffle, each round in its own random order: cold, what ran just
    # before a tool decides how fast its fresh pages are (this VM's host takes
    # back memory freed by an eviction, and a tool that filled the page cache
    # leaves the next one pages the host still backs), so a fixed order
    # favours whoever follows the page-cache readers.
    for attempt in range(runs + (0 if cold else 1)):
        order = random.Random(attempt).sample(names, len(names)) if shuffle else names
        for name in order:
            if cold:
                evict(path)
                time.sleep(settle)
            elapsed = runners[name]()
            if cold or attempt > 0:
                times[name].append(elapsed)
    results = {}
    for name in names:
        results[name] = statistics.median(times[name])
        print(f"    {name:10} {results[name]:9.4f} s  "
              f"(runs: {', '.join(f'{t:.4f}' for t in times[name])})", flush=True)
    return results


def machine():
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    flags = Path("/proc/cpuinfo").read_text()
    sha1sum = subprocess.run(["sha1sum", "--version"], stdout=subprocess.PIPE, text=True).stdout
    return {
        "cpu": model,
        "cpus": CPUS,
        "sha_ni": " sha_ni" in flags,
        "kernel": platform.release(),
        "sha1sum": sha1sum.splitlines()[0],
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load": os.getloadavg(),
    }


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="evict the page cache before each run")
    parser.add_argument("--settle", type=float, default=0.0,
                        help="with --cold, seconds to wait between evicting and running")
    parser.add_argument("--shuffle", action="store_true",
                        help="run the tools of each round in a random order (seeded by the round)")
    parser.add_argument("--only", default="", help="comma-separated data set name prefixes")
    parser.add_argument("--sweep", action="store_true", help="also time over file sizes")
    parser.add_argument("--plot", type=Path, help="write the sweep plot (needs matplotlib)")
    parser.add_argument("--json", type=Path, help="write all figures as JSON")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    data = args.data or target_dir() / "peer-data"
    data.mkdir(parents=True, exist_ok=True)

    tools = build() if not args.no_build else {
        "cli": target_dir() / "release/checksig",
        "capi": target_dir() / "release/libchecksig_capi.so",
        "naive": next((target_dir() / "release/deps").glob("naive-*[!.d]")),
        "floor": target_dir() / "floor",
    }
    if tools["capi"].exists():
        capi = Capi(tools["capi"])
        if hasattr(capi.lib, "verify"):
            tools["capi_lib"] = capi
    info = machine()
    backend = subprocess.run([str(tools["cli"]), "--version"], stdout=subprocess.PIPE, text=True).stdout
    info["checksig"] = " ".join(backend.split())
    limit = hardware_limit()
    info["sha1_limit_bytes_per_s"] = limit
    print(f"# {info['date']}: {info['cpu']}, {CPUS} CPUs, sha_ni={info['sha_ni']}, "
          f"Linux {info['kernel']}, {info['sha1sum']}, Python {info['python']}")
    print(f"# {info['checksig']}; load average at start {info['load']}")
    print(f"# hardware limit (openssl speed -evp sha1 -bytes 16384): {limit / 1e9:.3f} GB/s per core")
    cache = f"cold (evicted, then {args.settle:g} s, before each run)" if args.cold else "warm"
    if args.shuffle:
        cache += "; tools in a random order each round"
    print(f"# page cache: {cache}; median of {args.runs} runs")

    report = {"machine": info, "cold": args.cold, "settle": args.settle, "runs": args.runs,
              "cases": [], "sweep": []}
    tools_order = ["ours-cli", "ours-capi", "sha1sum", "py-pool", "naive", "floor"]
    only = [p for p in args.only.split(",") if p]
    for label, path in main_datasets(data, only):
        size = total_bytes(path)
        print(f"\n## {label} ({size / MIB:.1f} MiB)", flush=True)
        which = [t for t in tools_order if not (t == "naive" and size >= GIB and args.runs > 3)]
        times = measure(tools, path, args.runs, args.cold, which, args.settle, args.shuffle)
        one_core = size / limit
        all_cores = size / (limit * min(CPUS, len(manifest_names(path))))
        report["cases"].append({"case": label, "bytes": size, "seconds": times,
                                "limit_one_core_s": one_core, "limit_all_cores_s": all_cores})
        ours = times.get("ours-cli")
        print(f"  ideal on all cores {all_cores:.4f} s; ours-cli/ideal {ratio(ours, all_cores)}; "
              f"ours-cli/sha1sum {ratio(ours, times.get('sha1sum'))}; "
              f"ours-cli/floor {ratio(ours, times.get('floor'))}; "
              f"ours-capi/sha1sum {ratio(times.get('ours-capi'), times.get('sha1sum'))}; "
              f"py-pool/ideal {ratio(times.get('py-pool'), all_cores)}; "
              f"sha1sum/ideal {ratio(times.get('sha1sum'), all_cores)}")

    sample = REPO / "testdata/logs"
    if "capi_lib" in tools and sample.exists() and not args.cold:
        capi = tools["capi_lib"]
        for _ in range(50):
            capi.call(sample)
        # Blocks of calls, the median block reported, as for every other
        # figure: the speed of this shared machine drifts over seconds.
        calls, blocks = 1000, []
        for _ in range(args.runs):
            start = time.perf_counter()
            for _ in range(calls):
                capi.call(sample)
            blocks.append((time.perf_counter() - start) / calls)
        per_call = statistics.median(blocks)
        report["article_sample_capi_ms"] = per_call * 1e3
        report["article_sample_capi_blocks_ms"] = [block * 1e3 for block in blocks]
        print(f"\n## article sample (testdata/logs, 10 files) via the C ABI from Python: "
              f"{per_call * 1e3:.3f} ms per call (median of {args.runs} blocks of {calls} calls, "
              f"each its mean: {', '.join(f'{block * 1e3:.3f}' for block in blocks)})")

    if args.sweep:
        print("\n## sweep over file sizes", flush=True)
        for size, count, path in sweep_datasets(data):
            print(f"  {count} x {size} B", flush=True)
            times = measure(tools, path, max(1, min(args.runs, 3)), args.cold,
                            ["ours-cli", "sha1sum", "naive"])
            report["sweep"].append({"size": size, "count": count, "seconds": times})
        if args.plot:
            plot(report["sweep"], args.plot, info, args.cold)
    report["machine"]["load_at_end"] = os.getloadavg()
    print(f"\n# load average at end {report['machine']['load_at_end']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))


def plot(sweep, out, info, cold):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    points = [row for row in sweep if row["size"] > 0]
    for tool, label in [("ours-cli", "checksig (all cores)"), ("sha1sum", "GNU sha1sum -c"),
                        ("naive", "naive reference")]:
        xs = [row["size"] for row in points]
        ys = [row["size"] * row["count"] / row["seconds"][tool] / 1e9 for row in points]
        ax.plot(xs, ys, marker="o", label=label)
    limit = info["sha1_limit_bytes_per_s"] / 1e9
    ax.axhline(limit, color="grey", linestyle="--", label=f"SHA-1 limit, one core ({limit:.2f} GB/s)")
    ax.axhline(limit * info["cpus"], color="grey", linestyle=":",
               label=f"SHA-1 limit, {info['cpus']} cores")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("file size (bytes); 256 MiB per point, at most 20,000 files")
    ax.set_ylabel("throughput (GB/s)")
    ax.set_title(f"Verifying a directory, {'cold' if cold else 'warm'} page cache\n"
                 f"{info['cpu']}, {info['cpus']} CPUs, {info['date']}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"plot written to {out}")


if __name__ == "__main__":
    sys.exit(main())
