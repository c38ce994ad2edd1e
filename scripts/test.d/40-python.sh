#!/usr/bin/env bash
# Python package: scripts/build-wheel.sh builds the one wheel (py3-none,
# manylinux_2_17, checked by auditwheel) and the sdist, once; the wheel must
# hold the library, the checksig command, py.typed and both licenses. Then, for
# each CPython on the machine from 3.8 up (pyenv's and the system's), a fresh
# virtual environment installs that very wheel and runs the pytest suite
# against it; mypy --strict checks the sources once. Last, the sdist builds a
# wheel with `pip wheel` in a temporary directory, with plain cargo (no zig),
# as on a fresh machine with a Rust toolchain, and that wheel passes a smoke
# test. The Dask tests (python/tests/test_dask.py) run on one CPython, 3.11
# where the machine has it, whose venv installs the wheel with its [dask] extra.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
work="$CARGO_TARGET_DIR/python-test"
rm -rf "$work"
mkdir -p "$work"
unset CHECKSIG_LIBRARY  # test the library the wheel carries

echo "--- scripts/build-wheel.sh: the wheel and the sdist"
bash scripts/build-wheel.sh "$work/dist"
wheel=$(ls "$work"/dist/checksig-*-py3-none-manylinux_2_17_x86_64.whl)
sdist=$(ls "$work"/dist/checksig-*.tar.gz)
python3 - "$wheel" "$sdist" <<'PY'
import sys, tarfile, zipfile
wheel, sdist = sys.argv[1:]
names = set(zipfile.ZipFile(wheel).namelist())
version = wheel.rsplit("/", 1)[1].split("-")[1]
for needed in (
    "checksig/libchecksig.so",
    "checksig/py.typed",
    f"checksig-{version}.data/scripts/checksig",
    f"checksig-{version}.dist-info/licenses/LICENSE-MIT",
    f"checksig-{version}.dist-info/licenses/LICENSE-APACHE",
):
    assert needed in names, f"{needed} missing from {wheel}: {sorted(names)}"
assert not any(n.startswith("checksig/_checksig") for n in names), names
members = tarfile.open(sdist).getnames()
for needed in ("rust/Cargo.toml", "rust/Cargo.lock", "rust/src/lib.rs", "rust/capi/src/lib.rs",
               "rust/cli/src/main.rs", "LICENSE-MIT", "LICENSE-APACHE"):
    assert any(m.endswith("/" + needed) for m in members), f"{needed} missing from {sdist}"
print("wheel and sdist hold what they must")
PY

# Every CPython from 3.8 up that the machine has, one per minor version.
minors=()
declare -A python_of=()
for candidate in "$HOME"/.pyenv/versions/3.*/bin/python3 "$(command -v python3)" /usr/bin/python3; do
    [ -x "$candidate" ] || continue
    minor=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2] if sys.version_info >= (3, 8) else "older")')
    [ "$minor" != "older" ] && [ -z "${python_of[$minor]:-}" ] || continue
    python_of[$minor]=$candidate
    minors+=("$minor")
done
echo "--- CPythons: ${minors[*]}"
[ ${#minors[@]} -gt 0 ]

dask_python="${minors[0]}"
[ -n "${python_of[3.11]:-}" ] && dask_python=3.11
echo "--- the Dask extra (checksig[dask]) is tested on CPython $dask_python"

passed=()
for minor in "${minors[@]}"; do
    python=${python_of[$minor]}
    echo "--- Python $minor ($python): fresh venv, the wheel, pytest"
    venv="$work/venv-$minor"
    "$python" -m venv "$venv"
    # The Dask extra on one CPython only (3.11; else the first), to keep CI
    # short: tests/test_dask.py skips itself where it is not installed, and
    # the plain install must not pull it.
    if [ "$minor" = "$dask_python" ]; then
        "$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel[dask]" pytest
        "$venv/bin/python" -c 'import dask, distributed'
    else
        "$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel" pytest
        "$venv/bin/python" -c 'import importlib.util as u, sys; sys.exit(u.find_spec("distributed") is not None)'
    fi
    # The pytest script (not `python -m pytest`) keeps python/ off sys.path,
    # so `import checksig` finds the installed package, not the sources.
    "$venv/bin/pytest" -q -p no:cacheprovider python/tests | tee "$work/pytest-$minor.log"
    # The summary line proves pytest ran to its end (a test that replaced
    # the process would end it early with status 0).
    grep -Eq '^[0-9]+ passed' "$work/pytest-$minor.log"
    passed+=("$minor")
done

echo "--- mypy --strict: the package ships py.typed, so its annotations must hold"
"$work/venv-$minor/bin/python" -m pip install -q --disable-pip-version-check mypy
"$work/venv-$minor/bin/mypy" --strict --no-incremental --cache-dir=/dev/null python/checksig

echo "--- the sdist builds with plain cargo (pip wheel in a temporary directory)"
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
(cd "$fresh" && CARGO_TARGET_DIR="$CARGO_TARGET_DIR/sdist-build" \
    python3 -m pip wheel -q --disable-pip-version-check --no-deps -w "$fresh/out" "$sdist")
built=$(ls "$fresh"/out/checksig-*-py3-none-linux_x86_64.whl)
python3 -m venv "$fresh/venv"
"$fresh/venv/bin/python" -m pip install -q --disable-pip-version-check "$built" pytest
"$fresh/venv/bin/pytest" -q -p no:cacheprovider python/tests/test_verify.py python/tests/test_cli.py
echo "Python: wheel $(basename "$wheel") ($(stat -c %s "$wheel") bytes) passed on CPython ${passed[*]}; the sdist builds"
