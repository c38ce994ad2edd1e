#!/usr/bin/env bash
# Python package: python3 with venv and pip (the tests make their own virtual
# environments per CPython under pyenv, installing pytest and mypy from PyPI);
# for scripts/build-wheel.sh, cargo-zigbuild (links against glibc 2.17; built
# from crates.io: about 8 minutes on 2 loaded cores, once) and a virtual
# environment with ziglang (zig, from PyPI), auditwheel, build and setuptools.
# dask and distributed (the [dask] extra) are installed by scripts/test.d/40-python.sh
# into the one CPython venv that runs python/tests/test_dask.py, as pytest is.
set -euo pipefail
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
    apt_install python3 python3-venv python3-pip
fi
export PATH="$PATH:$HOME/.cargo/bin"
if ! command -v cargo-zigbuild >/dev/null 2>&1; then
    # Its own target directory: never the project's CARGO_TARGET_DIR.
    env -u CARGO_TARGET_DIR cargo install --locked cargo-zigbuild
fi
tools="${CHECKSIG_WHEEL_TOOLS:-$HOME/.cache/checksig/wheel-tools}"
if [ ! -x "$tools/bin/python" ]; then
    python3 -m venv "$tools"
fi
"$tools/bin/python" -m pip install -q --disable-pip-version-check \
    ziglang auditwheel build "setuptools>=77"
