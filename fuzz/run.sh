#!/usr/bin/env bash
# Runs every cargo-fuzz target (or the ones named) for a bounded time each,
# one after another, and prints libFuzzer's figures.
#
#   bash fuzz/run.sh [SECONDS] [TARGET...]      (default: 60 seconds each)
#
# The toolchain is stable, so RUSTC_BOOTSTRAP=1 lets cargo-fuzz use the
# sanitizer flags. New inputs go to fuzz/target/corpus/<target> (not
# committed); the committed seeds in fuzz/corpus/<target> are only read, and
# `cargo test` replays them (tests/fuzz_corpus.rs). Crashes land in
# fuzz/artifacts/<target>/: copy a fixed one into fuzz/corpus/<target>/ so it
# stays a regression test. Exit status: 0 only if no target found anything.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
export RUSTC_BOOTSTRAP=1
# A thread-exit race that LeakSanitizer mistakes for a leak (see lsan.supp).
export LSAN_OPTIONS="suppressions=$PWD/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi
mkdir -p target/logs
failed=()
for target in "${targets[@]}"; do
    mkdir -p "target/corpus/${target}" "corpus/${target}"
    log="target/logs/${target}.log"
    echo "==> ${target}: ${seconds} s (log: fuzz/${log})"
    # -a: debug assertions (overflow checks) on; -timeout: an input that runs
    # 10 s is a hang; -rss_limit_mb: one that needs 2 GB is a leak.
    if cargo fuzz run -a "${target}" "target/corpus/${target}" "corpus/${target}" -- \
        -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"${log}" 2>&1; then
        grep -E "^Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb" "${log}" || true
    else
        echo "!! ${target} FAILED: see fuzz/${log} and fuzz/artifacts/${target}/"
        tail -n 30 "${log}"
        failed+=("${target}")
    fi
done
if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz targets with findings: ${failed[*]}"
    exit 1
fi
echo "all fuzz targets ran clean"
