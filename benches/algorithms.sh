#!/usr/bin/env bash
# Per-algorithm single-thread throughput (issue 6), as quoted in BENCHMARKS.md:
#   1. the machine, the load and the tools' versions;
#   2. one 512 MiB file of random bytes in the page cache, hashed on one thread
#      by `checksig hash --threads 1 --algo ALGO` (the engine's read path) and
#      by the peer tool (GNU coreutils' *sum, `b3sum --num-threads 1`): best of
#      RUNS runs, in MiB/s of wall time and of CPU time (user + system);
#   3. `openssl speed` on 16 KiB blocks and OpenSSL through Python's hashlib
#      (best of 300 x 1 MiB in memory): single-core references;
#   4. the hash functions in memory (`cargo bench --bench algorithms`): the
#      same bytes without file I/O, and BLAKE3 on 1 and 2 threads;
#   5. each algorithm OpenSSL has against OpenSSL's libcrypto in one process,
#      in alternating turns on the last core (`cargo bench --bench openssl`),
#      with the `asm` feature, as the CLI, the C library and the wheel are
#      built.
#
# Usage: bash benches/algorithms.sh
# Environment: CARGO_TARGET_DIR (default: target), CHECKSIG_BENCH_DIR (where the
# data file is made once; default: $CARGO_TARGET_DIR/tmp/bench-data), RUNS
# (default 5), ALGORITHMS_SKIP_CRITERION=1 to skip step 4.
# Run it on a quiet machine: every figure is best-of-N, but on 2 cores another
# process's compile still shows. The load average is printed before and after.
set -euo pipefail

cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
data_dir=${CHECKSIG_BENCH_DIR:-$target/tmp/bench-data}
runs=${RUNS:-5}

cargo build --quiet --release -p checksig-cli
checksig=$target/release/checksig

mkdir -p "$data_dir"
file=$data_dir/random-512MiB
if [ "$(stat -c %s "$file" 2>/dev/null || echo 0)" != 536870912 ]; then
    head -c 536870912 /dev/urandom >"$file.tmp"
    mv "$file.tmp" "$file"
fi
size=$(stat -c %s "$file")

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
    "flags: $(grep -m1 -ow -e sha_ni -e avx2 -e avx512f -e bmi2 /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "kernel: $(uname -r); $(rustc --version)"
echo "checksig --version: $("$checksig" --version | tr '\n' ' ')"
echo "peers: $(md5sum --version | head -1); $(b3sum --version 2>/dev/null || echo 'b3sum: not installed')"
echo

# MiB/s for a number of seconds.
rate() { awk -v size="$size" -v s="$1" 'BEGIN { printf "%.0f", size / 1048576 / s }'; }
# The best wall and CPU seconds of $runs runs of "$@" on the file.
best_of() {
    local best_wall=1e9 best_cpu=1e9 wall user sys
    for _ in $(seq "$runs"); do
        read -r wall user sys < <({ /usr/bin/time -f '%e %U %S' "$@" "$file" >/dev/null; } 2>&1)
        best_wall=$(awk -v a="$wall" -v b="$best_wall" 'BEGIN { print (a < b ? a : b) }')
        best_cpu=$(awk -v a="$user" -v b="$sys" -v c="$best_cpu" 'BEGIN { print (a + b < c ? a + b : c) }')
    done
    echo "$best_wall $best_cpu"
}

cat "$file" >/dev/null
echo "| algo   | command                                   | wall MiB/s | CPU MiB/s |"
echo "|--------|-------------------------------------------|-----------:|----------:|"
for pair in sha1:sha1sum sha256:sha256sum sha512:sha512sum md5:md5sum blake3:"b3sum --num-threads 1"; do
    algo=${pair%%:*}
    peer=${pair#*:}
    for cmd in "$checksig hash --threads 1 --algo $algo" "$peer"; do
        if ! command -v "${cmd%% *}" >/dev/null; then
            continue
        fi
        # shellcheck disable=SC2086 # the command's words
        read -r wall cpu < <(best_of $cmd)
        printf '| %-6s | %-41s | %10s | %9s |\n' "$algo" "\`${cmd/#$checksig/checksig}\`" \
            "$(rate "$wall")" "$(rate "$cpu")"
    done
done
echo

if command -v openssl >/dev/null; then
    for algo in sha1 sha256 sha512 md5; do
        openssl speed -evp "$algo" -bytes 16384 -seconds 3 2>/dev/null |
            awk -v algo="$algo" '$1 == algo {
                printf "openssl speed -evp %s, 16 KiB blocks: %.0f MiB/s\n", algo, $2 * 1000 / 1048576 }'
    done
    echo
fi
# OpenSSL's code once more, measured as criterion's fastest sample is: the
# best of many 1 MiB hashes in memory.
python3 - <<'PY'
import hashlib, ssl, time
buf = bytes(range(256)) * 4096
for algo in ("sha1", "sha256", "sha512", "md5"):
    best = float("inf")
    for _ in range(300):
        start = time.perf_counter()
        hashlib.new(algo, buf).digest()
        best = min(best, time.perf_counter() - start)
    print(f"{ssl.OPENSSL_VERSION} via hashlib, {algo}, 1 MiB in memory, best of 300: {1 / best:.0f} MiB/s")
PY
echo

if [ "${ALGORITHMS_SKIP_CRITERION:-}" != 1 ]; then
    cargo bench --quiet -p checksig --bench algorithms >"$target/algorithms-criterion.log" 2>&1
    # Criterion's median for each case and its fastest sample (the least
    # disturbed by other processes), in MiB/s.
    python3 - "$target/criterion" <<'EOF'
import json, sys
from pathlib import Path

root = Path(sys.argv[1])
print("| in memory (cargo bench --bench algorithms) | median MiB/s | fastest sample MiB/s |")
print("|---|---:|---:|")
for group in ("hash", "blake3_parallel"):
    for bench in sorted((root / group).glob("*/*/new/benchmark.json")):
        meta = json.loads(bench.read_text())
        mib = meta["throughput"]["Bytes"] / 1048576
        median_ns = json.loads((bench.parent / "estimates.json").read_text())["median"]["point_estimate"]
        sample = json.loads((bench.parent / "sample.json").read_text())
        best_ns = min(t / n for t, n in zip(sample["times"], sample["iters"]))
        print(f"| {group}: {meta['function_id']}, {meta['value_str']} "
              f"| {mib / (median_ns / 1e9):.0f} | {mib / (best_ns / 1e9):.0f} |")
EOF
fi
echo

# Step 5: the comparison least disturbed by other processes, since both sides
# of each round run within 100 ms of each other; on the last core.
pin=()
if command -v taskset >/dev/null; then
    pin=(taskset -c "$(($(nproc) - 1))")
fi
"${pin[@]}" cargo bench --quiet -p checksig --features asm --bench openssl
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
