#!/usr/bin/env bash
# Runs the whole test suite: Rust, C and Python. Each part lives in
# scripts/test.d/NN-name.sh and runs in order; any failure stops the run.
set -euo pipefail
cd "$(dirname "$0")/.."
for part in scripts/test.d/*.sh; do
    echo "==> ${part}"
    bash "${part}"
done
echo "==> all test parts passed"
