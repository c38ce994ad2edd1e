#!/usr/bin/env bash
# Long reliability runs with a bounded time (not part of scripts/test.sh):
#
#   bash scripts/stress.sh [SECONDS]        (default 60)
#
# 1. Fault injection, release build: files truncated, extended, rewritten and
#    replaced while they are hashed, by another thread and by another process,
#    mmap on and off (tests/faults.rs with CHECKSIG_STRESS_SECS=SECONDS for
#    each of its four variants). Never a false OK, never a crash.
# 2. The C ABI: 8 threads calling verify() and checksig_verify() at once for
#    SECONDS, every answer checked, resident memory compared start to end.
# 3. Python: 10,000 checksig.verify() calls on ten logs (at most 10 minutes)
#    with resident memory that stays flat.
#
# Each part prints a FIGURES line; RELIABILITY.md records them. Fuzzing is
# separate: bash fuzz/run.sh SECONDS. Exit status 0 only if every part passed.
# STRESS_PARTS="2 3" runs only some parts.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target/stress}"
parts=" ${STRESS_PARTS:-1 2 3} "
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ "$parts" == *" 1 "* ]]; then
    echo "==> 1. fault injection (release), ${seconds} s per variant"
    CHECKSIG_STRESS_SECS="$seconds" cargo test -q --release -p checksig --test faults -- \
        --nocapture --test-threads=1 2>&1 | tee "$work/faults.log" | grep -E "FIGURES|FORK|test result"
    grep -q "test result: ok" "$work/faults.log"
fi

# A sample tree for parts 2 and 3: 50 files, one listed with a wrong digest.
mkdir "$work/tree"
for i in $(seq 0 49); do
    head -c $((i * 9973 + 1)) /dev/urandom >"$work/tree/file-$i.bin"
done
(cd "$work/tree" && sha1sum file-*.bin >sha1sum.txt)
sed -i 's/^[0-9a-f]\{40\}  file-7.bin$/0000000000000000000000000000000000000000  file-7.bin/' \
    "$work/tree/sha1sum.txt"

echo "==> 2. C ABI: 8 threads for ${seconds} s"
if [[ "$parts" != *" 2 "* ]]; then
    echo "not selected"
elif [ -f capi/Cargo.toml ] && [ -f include/checksig.h ]; then
    cargo build -q --release -p checksig-capi
    cat >"$work/threads.c" <<'EOF'
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "checksig.h"

enum { THREADS = 8 };
static const char *root;
static char want[4096];
static double seconds;

struct tally { long calls; long wrong; };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static long rss_kb(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) { if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0; fclose(f); }
    return resident * 4;
}

static void *work(void *arg) {
    struct tally *tally = arg;
    double end = now() + seconds;
    while (now() < end) {
        char *message = verify(root);
        if (message == NULL || strcmp(message, want) != 0) tally->wrong++;
        checksig_free(message);
        struct checksig_options *options = checksig_options_new();
        checksig_options_set_threads(options, 2);
        struct checksig_report *report = checksig_verify(root, options, NULL);
        if (report == NULL || checksig_report_is_ok(report) ||
            checksig_report_len(report) != 50 ||
            checksig_report_count(report, CHECKSIG_STATUS_MISMATCH) != 1 ||
            checksig_report_count(report, CHECKSIG_STATUS_OK) != 49) tally->wrong++;
        checksig_report_free(report);
        checksig_options_free(options);
        tally->calls += 2;
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) return 2;
    root = argv[1];
    seconds = atof(argv[2]);
    snprintf(want, sizeof want, "\"%s/file-7.bin\" - mismatch", root);
    /* Warm up, so that the first measure includes what is allocated once. */
    struct tally warm = {0, 0};
    double saved = seconds; seconds = 0.5; work(&warm); seconds = saved;
    long start = rss_kb();
    pthread_t threads[THREADS];
    struct tally tallies[THREADS];
    for (int i = 0; i < THREADS; i++) {
        tallies[i] = (struct tally){0, 0};
        pthread_create(&threads[i], NULL, work, &tallies[i]);
    }
    /* The first tenth of the run sets up the 8 threads' stacks and malloc
       arenas; from then on resident memory must stay flat. */
    struct timespec tenth = {(time_t)(seconds / 10), 0};
    nanosleep(&tenth, NULL);
    long settled = rss_kb();
    long calls = 0, wrong = warm.wrong;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        calls += tallies[i].calls;
        wrong += tallies[i].wrong;
    }
    long end = rss_kb();
    printf("FIGURES C ABI: %d threads, %.0f s, %ld calls, %ld wrong answers, "
           "RSS %ld KiB at start, %ld KiB after a tenth of the run, %ld KiB at the end\n",
           THREADS, seconds, calls, wrong, start, settled, end);
    /* Flat: at most 4 MiB more at the end than after the first tenth. */
    return wrong == 0 && end - settled < 4096 ? 0 : 1;
}
EOF
    gcc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude "$work/threads.c" \
        -L"$CARGO_TARGET_DIR/release" -lchecksig_capi -lpthread -o "$work/threads"
    LD_LIBRARY_PATH="$CARGO_TARGET_DIR/release" "$work/threads" "$work/tree" "$seconds"
else
    echo "SKIPPED: the C ABI (capi/, include/checksig.h) is not there"
fi

# A smaller tree for part 3, the article's shape: ten logs, one bad digest.
mkdir "$work/logs"
for i in $(seq 0 9); do
    seq 1 $((1000 * (i + 1))) | sed "s/^/GET \/page\/$i /" >"$work/logs/httpd-0$i.log"
done
(cd "$work/logs" && sha1sum httpd-0*.log >sha1sum.txt)
sed -i 's/^[0-9a-f]\{40\}  httpd-08.log$/0000000000000000000000000000000000000000  httpd-08.log/' \
    "$work/logs/sha1sum.txt"

echo "==> 3. Python: 10,000 verify() calls, flat memory (at most 10 minutes)"
if [[ "$parts" != *" 3 "* ]]; then
    echo "not selected"
elif [ -f python/checksig/__init__.py ] && [ -f "$CARGO_TARGET_DIR/release/libchecksig_capi.so" ]; then
    CHECKSIG_LIBRARY="$CARGO_TARGET_DIR/release/libchecksig_capi.so" PYTHONPATH=python \
        python3 - "$work/logs" 600 <<'EOF'
import sys, time
import checksig

root, budget = sys.argv[1], float(sys.argv[2])

def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4

def once():
    report = checksig.verify(root, threads=2)
    assert not report.ok and len(report.entries) == 10, report.summary
    bad = report.failures
    assert len(bad) == 1 and bad[0].name_bytes == b"httpd-08.log", bad

for _ in range(200):  # warm up: imports, caches, allocator pools
    once()
start, before = time.monotonic(), rss_kib()
samples, calls = [], 0
while calls < 10_000 and time.monotonic() - start < budget:
    once()
    calls += 1
    if calls % 1000 == 0:
        samples.append(rss_kib())
after = rss_kib()
print(f"FIGURES Python: {calls} verify() calls in {time.monotonic() - start:.1f} s, "
      f"RSS {before} -> {after} KiB, every 1000 calls: {samples}")
assert after - before < 8192, "resident memory grew by more than 8 MiB"
EOF
else
    echo "SKIPPED: the Python package (python/checksig) or the C library is not there"
fi
echo "==> stress: all parts passed"
