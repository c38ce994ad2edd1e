"""Builds the wheel: the C ABI library (crate ``capi/``) as
``checksig/libchecksig.so``, loaded with ctypes, and the ``checksig`` command
(crate ``cli/``) as the wheel's script, so that ``pip install checksig`` puts
the real CLI on PATH (as ruff and uv ship theirs).

Why a hand-written step and not a Rust build backend: maturin ships either
binaries (``bindings = "bin"``) or one library, never a cdylib loaded by
ctypes beside a binary; setuptools-rust does both (``RustExtension`` and
``RustBin``) but names the library for one interpreter (``_x.cpython-311-...``)
and cannot build for zig's glibc-versioned target (it asks ``rustc --print
cfg`` about ``x86_64-unknown-linux-gnu.2.17``, which rustc does not know).
One ``cargo build`` of both packages, read back through cargo's JSON
messages, is less code than either workaround. The wheel is tagged
``py3-none-<platform>``: nothing in it depends on a Python version or ABI.

``CHECKSIG_CARGO_BUILD`` replaces ``cargo build`` (``scripts/build-wheel.sh``
sets ``cargo zigbuild`` to link against glibc 2.17) and
``CHECKSIG_CARGO_TARGET`` adds ``--target``; ``CHECKSIG_WHEEL_PLATFORM``
names the wheel's platform (default: this machine's). Release builds are stripped
(``CARGO_PROFILE_RELEASE_STRIP``, unless set already).

In the repository the crates are in the parent directory. An sdist cannot
reach outside this directory, so ``sdist`` copies what cargo needs (the core
crate, the C ABI and CLI crates, and a workspace manifest naming only those
three) into ``rust/`` of the archive; a build from the sdist uses that copy.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Optional

from setuptools import Command, Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build import build
from distutils.command.build_scripts import build_scripts  # setuptools provides distutils
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
BUNDLED = HERE / "rust"  # in an sdist
REPOSITORY = HERE.parent  # in the repository

#: Files and directories cargo needs, relative to the workspace root. The
#: crates' own tests, benches and examples stay out.
CRATE_FILES = ["Cargo.toml", "Cargo.lock", "README.md", "build.rs", "LICENSE-MIT", "LICENSE-APACHE"]
CRATE_DIRS = ["src", "capi", "cli"]  # the core's sources, two whole crates
#: Left out of a crate's top directory (its tests, benches, examples and
#: build output); anywhere, Python's caches.
LEFT_OUT_AT_TOP = {"target", "tests", "benches", "examples"}
MEMBERS = ["checksig-capi", "checksig-cli"]
# Sections of the workspace manifest naming files that the sdist leaves out.
TARGET_SECTION = re.compile(r"^\[\[(bench|test|example|bin)\]\]$")


def workspace() -> Path:
    """The workspace root: the sdist's copy, else the repository."""
    if (BUNDLED / "capi" / "Cargo.toml").exists():
        return BUNDLED
    return REPOSITORY


def trimmed_manifest(text: str) -> str:
    """The workspace manifest with only the core, capi and cli as members,
    and without the bench/test/example/bin targets whose files are not copied."""
    text = re.sub(r"(?m)^members\s*=\s*\[[^\]]*\]", 'members = [".", "capi", "cli"]', text)
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("["):
            skipping = bool(TARGET_SECTION.match(stripped))
        if not skipping:
            kept.append(line)
    return "".join(kept)


def left_out(crate: Optional[Path]):  # type: ignore[no-untyped-def]
    """A ``copytree`` ignore function for ``crate`` (None: a plain directory)."""

    def ignore(directory: str, names: List[str]) -> List[str]:
        at_top = Path(directory) == crate
        return [n for n in names if n == "__pycache__" or (at_top and n in LEFT_OUT_AT_TOP)]

    return ignore


def cargo_build() -> Dict[str, Path]:
    """Builds the library and the command in release; returns their paths
    (``"library"``, ``"command"``) as cargo's JSON messages name them."""
    command: List[str] = shlex.split(os.environ.get("CHECKSIG_CARGO_BUILD", "cargo build"))
    command += ["--release", "--manifest-path", str(workspace() / "Cargo.toml")]
    command += [argument for member in MEMBERS for argument in ("-p", member)]
    command += ["--message-format=json-render-diagnostics"]
    target = os.environ.get("CHECKSIG_CARGO_TARGET")
    if target:
        command += ["--target", target]
    env = dict(os.environ)
    env.setdefault("CARGO_PROFILE_RELEASE_STRIP", "symbols")
    print(" ".join(command), flush=True)
    output = subprocess.run(command, env=env, stdout=subprocess.PIPE, check=True, text=True).stdout
    found: Dict[str, Path] = {}
    for line in output.splitlines():
        message = json.loads(line) if line.startswith("{") else {}
        if message.get("reason") != "compiler-artifact":
            continue
        kinds = message["target"]["kind"]
        if "cdylib" in kinds:
            found["library"] = Path(next(f for f in message["filenames"] if f.endswith(".so")))
        elif "bin" in kinds and message["target"]["name"] == "checksig":
            found["command"] = Path(message["executable"])
    missing = {"library", "command"} - set(found)
    if missing:
        raise RuntimeError(f"cargo built no {' nor '.join(sorted(missing))}: {' '.join(command)}")
    return found


class build_rust(Command):
    """Runs cargo; puts the library into the package and the command among
    the scripts."""

    description = "build the Rust library and the checksig command with cargo"
    user_options: List[tuple] = []

    def initialize_options(self) -> None:
        self.build_lib = None
        self.build_temp = None

    def finalize_options(self) -> None:
        self.set_undefined_options("build", ("build_lib", "build_lib"), ("build_temp", "build_temp"))

    def run(self) -> None:
        built = cargo_build()
        package = Path(self.build_lib) / "checksig"
        package.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built["library"], package / "libchecksig.so")
        # The command goes through build_scripts, whose list is read when it
        # is finalized (after this runs).
        scripts = Path(self.build_temp) / "rust-scripts"
        scripts.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built["command"], scripts / "checksig")
        self.distribution.scripts = [str(scripts / "checksig")]


class build_with_rust(build):
    """``build`` that runs cargo first."""

    sub_commands = [("build_rust", None)] + build.sub_commands


class build_binary_scripts(build_scripts):
    """Copies scripts byte for byte: the command is an executable, not a
    Python script whose ``#!`` line would be rewritten."""

    def copy_scripts(self):  # type: ignore[no-untyped-def]
        self.mkpath(self.build_dir)
        outfiles = []
        for script in self.scripts:
            target = os.path.join(self.build_dir, os.path.basename(script))
            self.copy_file(script, target)
            os.chmod(target, 0o755)
            outfiles.append(target)
        return outfiles, outfiles


class bdist_wheel_any_python(bdist_wheel):
    """A platform wheel for every Python 3: ``py3-none-<platform>``, the
    platform ``CHECKSIG_WHEEL_PLATFORM`` when set (``scripts/build-wheel.sh``
    sets ``manylinux_2_17_x86_64`` and has ``auditwheel show`` confirm it)."""

    def finalize_options(self) -> None:
        self.plat_name = self.plat_name or os.environ.get("CHECKSIG_WHEEL_PLATFORM")
        super().finalize_options()

    def get_tag(self):  # type: ignore[no-untyped-def]
        _python, _abi, platform = super().get_tag()
        return "py3", "none", platform


class BinaryDistribution(Distribution):
    """Holds machine code: installed into platlib, the wheel not pure."""

    def has_ext_modules(self) -> bool:
        return True


class sdist_with_crates(sdist):
    """``sdist`` that also puts the Rust crates under ``rust/``."""

    def make_release_tree(self, base_dir, files):  # type: ignore[no-untyped-def]
        super().make_release_tree(base_dir, files)
        source = REPOSITORY if (REPOSITORY / "capi" / "Cargo.toml").exists() else BUNDLED
        target = Path(base_dir) / "rust"
        for name in CRATE_FILES:
            if (source / name).is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source / name, target / name)
        for name in CRATE_DIRS:
            crate = source / name
            top = crate if name != "src" else None  # src/ is sources, not a crate
            shutil.copytree(crate, target / name, dirs_exist_ok=True, ignore=left_out(top))
        manifest = target / "Cargo.toml"
        manifest.write_text(trimmed_manifest(manifest.read_text()))


setup(
    distclass=BinaryDistribution,
    cmdclass={
        "build": build_with_rust,
        "build_rust": build_rust,
        "build_scripts": build_binary_scripts,
        "bdist_wheel": bdist_wheel_any_python,
        "sdist": sdist_with_crates,
    },
)
