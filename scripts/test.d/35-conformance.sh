#!/usr/bin/env bash
# One table of cases (tests/conformance/cases.py: good, mismatch, missing,
# malformed, outside the root, unlisted, sidecar, a manifest file,
# SHA256SUMS only, no manifest, a manifest linked outside) through Rust, the
# command line, C and Python: every front end must give the same statuses and
# verdict, the table's.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="$(realpath -m "${CARGO_TARGET_DIR:-target}/debug")"
cargo build -q -p checksig-capi -p checksig-cli
cargo build -q -p checksig --example verdict
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -std=c11 -Wall -Wextra -Werror -Iinclude capi/tests/c/verdict.c -L"$target" -lchecksig_capi \
    -Wl,-rpath,"$target" -o "$work/verdict"
python3 scripts/conformance.py "$target" "$work/verdict" | tail -n 20
