#!/usr/bin/env bash
# Usage: scripts/build-wheel.sh OUTDIR
#
# Writes OUTDIR/checksig-<version>-py3-none-manylinux_2_17_x86_64.whl (one wheel
# for every CPython from 3.8 up: the package is ctypes over a plain shared
# library, with no tie to a Python version or ABI) and the sdist
# OUTDIR/checksig-<version>.tar.gz (which carries the Rust crates and builds
# wherever cargo is, without zig).
#
# The wheel is built from the sdist (as `python -m build` does), so each build
# also proves the sdist builds. Both Rust artifacts, the C ABI library and the
# `checksig` command, are linked against glibc 2.17 by `cargo zigbuild` (zig
# from PyPI's ziglang) and stripped; `auditwheel show` must confirm
# manylinux_2_17_x86_64, and the wheel must stay under 6 MB (it was 1.3 MB before
# the `signatures` feature, whose OpenPGP, minisign, signify and SSH code adds about
# 4 MB to each of the two binaries, BENCHMARKS.md; 4.8 MB with it, 2026-12-07).
#
# Needs what scripts/install.d/40-python.sh installs: cargo-zigbuild, and a
# virtual environment with ziglang, auditwheel, build and setuptools
# ($CHECKSIG_WHEEL_TOOLS, default ~/.cache/checksig/wheel-tools).
set -euo pipefail
out="${1:?usage: scripts/build-wheel.sh OUTDIR}"
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$(dirname "$0")/.."
tools="${CHECKSIG_WHEEL_TOOLS:-$HOME/.cache/checksig/wheel-tools}"
# cargo-zigbuild runs `python3 -m ziglang` when no zig is on PATH: the tools'.
export PATH="$tools/bin:$PATH:$HOME/.cargo/bin"
if [ ! -x "$tools/bin/python" ] || ! command -v cargo-zigbuild >/dev/null 2>&1; then
    echo "build-wheel.sh: missing $tools or cargo-zigbuild: run scripts/install-deps.sh" >&2
    exit 2
fi
# Its own target directory: the zig-linked, stripped build shares nothing
# with the workspace's usual builds, and survives between runs (the build
# itself happens in a temporary copy of the sdist).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/wheel"
export CHECKSIG_CARGO_BUILD="cargo zigbuild"
export CHECKSIG_CARGO_TARGET="x86_64-unknown-linux-gnu.2.17"
export CHECKSIG_WHEEL_PLATFORM="manylinux_2_17_x86_64"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
"$tools/bin/python" -m build --no-isolation --outdir "$stage" python >"$stage/build.log" 2>&1 ||
    { cat "$stage/build.log" >&2; exit 1; }
wheel=$(ls "$stage"/checksig-*-py3-none-manylinux_2_17_x86_64.whl)
sdist=$(ls "$stage"/checksig-*.tar.gz)

"$tools/bin/auditwheel" show "$wheel" | tee "$stage/audit.txt"
if ! tr '\n' ' ' <"$stage/audit.txt" | grep -q 'consistent with the following platform tag: "manylinux_2_17_x86_64"'; then
    echo "build-wheel.sh: auditwheel does not confirm manylinux_2_17_x86_64" >&2
    exit 1
fi
size=$(stat -c %s "$wheel")
if [ "$size" -ge $((6 * 1024 * 1024)) ]; then
    echo "build-wheel.sh: $(basename "$wheel") is $size bytes, over 6 MB" >&2
    exit 1
fi
mv "$wheel" "$sdist" "$out/"
echo "wheel: $out/$(basename "$wheel") ($size bytes)"
echo "sdist: $out/$(basename "$sdist") ($(stat -c %s "$out/$(basename "$sdist")") bytes)"
