#!/usr/bin/env bash
# Python package: `pip install ./python` in a fresh virtual environment (cargo
# builds the C ABI crate, in release), then the pytest suite against the
# installed package and mypy --strict over its sources; then `python -m build`
# makes the sdist and the wheel, the wheel must hold the shared library, and
# the sdist must install in a second fresh environment (building from the Rust
# sources it carries), where the suite runs again. Cargo's target directory is
# shared to keep this quick.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
work="$CARGO_TARGET_DIR/python-test"
rm -rf "$work"
mkdir -p "$work"
unset CHECKSIG_LIBRARY  # test the library the package carries

echo "--- pip install ./python into a fresh venv"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check ./python pytest build mypy

echo "--- pytest against the installed package"
# The pytest script (not `python -m pytest`) keeps python/ off sys.path, so
# `import checksig` finds the installed package, not the sources.
"$work/venv/bin/pytest" -q -p no:cacheprovider python/tests

echo "--- mypy --strict: the package ships py.typed, so its annotations must hold"
"$work/venv/bin/mypy" --strict --no-incremental --cache-dir=/dev/null python/checksig

echo "--- python -m build: sdist and wheel"
"$work/venv/bin/python" -m build -q --outdir "$work/dist" python >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; exit 1; }
ls -l "$work/dist"
"$work/venv/bin/python" - "$work/dist" <<'PY'
import pathlib, sys, tarfile, zipfile
dist = pathlib.Path(sys.argv[1])
(wheel,) = dist.glob("checksig-*.whl")
names = zipfile.ZipFile(wheel).namelist()
libraries = [n for n in names if n.startswith("checksig/_checksig") and n.endswith(".so")]
assert libraries, f"no shared library in {wheel.name}: {names}"
assert "checksig/py.typed" in names
(sdist,) = dist.glob("checksig-*.tar.gz")
members = tarfile.open(sdist).getnames()
for needed in ("rust/Cargo.toml", "rust/Cargo.lock", "rust/src/lib.rs", "rust/capi/src/lib.rs"):
    assert any(m.endswith("/" + needed) for m in members), f"{needed} missing from {sdist.name}"
print(f"wheel {wheel.name} holds {libraries[0]}; sdist {sdist.name} carries the crates")
PY

echo "--- the sdist installs in another fresh venv and passes the suite"
python3 -m venv "$work/venv-sdist"
"$work/venv-sdist/bin/python" -m pip install -q --disable-pip-version-check "$work"/dist/checksig-*.tar.gz pytest
"$work/venv-sdist/bin/pytest" -q -p no:cacheprovider python/tests
echo "Python: all checks passed"
