#!/usr/bin/env bash
# Runs the whole test suite: Rust, C and Python. Each part lives in
# scripts/test.d/NN-name.sh and runs in order; any failure stops the run.
# The last line adds up what every runner reported: "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for part in scripts/test.d/*.sh; do
    echo "==> ${part}"
    bash "${part}" 2>&1 | tee -a "$log"
done
echo "==> all test parts passed"
# cargo: "test result: ok. 5 passed; 0 failed"; pytest: "50 passed in 4.2s";
# the C ABI test: "1985 passed, 0 failed".
awk '
    /^test result:/ { passed += $4; failed += $6; next }
    /^[0-9]+ passed, [0-9]+ failed$/ { passed += $1; failed += $3; next }
    / passed in [0-9.]+s/ {
        for (i = 1; i < NF; i++) {
            if ($(i + 1) ~ /^passed/) passed += $i
            if ($(i + 1) ~ /^failed/) failed += $i
        }
    }
    END { printf "tests: %d passed, %d failed\n", passed, failed }
' "$log"
