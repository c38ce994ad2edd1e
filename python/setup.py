"""Builds the Rust C ABI crate (capi/) with cargo into the package as
``checksig/_checksig<EXT_SUFFIX>``, a plain shared library loaded with ctypes.

In the repository the crates are in the parent directory. An sdist cannot
reach outside this directory, so ``sdist`` copies what cargo needs (the core
crate, the C ABI crate and a workspace manifest naming only those two) into
``rust/`` of the archive; a build from the sdist uses that copy.
"""

import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.sdist import sdist
from setuptools_rust import Binding, RustExtension

HERE = Path(__file__).resolve().parent
BUNDLED = Path("rust")  # in an sdist
REPOSITORY = Path("..")  # in the repository

# What cargo needs to build capi, relative to the workspace root.
CRATE_FILES = ["Cargo.toml", "Cargo.lock", "README.md", "build.rs", "capi/Cargo.toml", "capi/build.rs"]
CRATE_DIRS = ["src", "capi/src"]
# Sections of the workspace manifest naming files that the sdist leaves out.
TARGET_SECTION = re.compile(r"^\[\[(bench|test|example|bin)\]\]$")


def workspace() -> Path:
    """The workspace root, relative to this file: the sdist's copy, else the repository."""
    if (HERE / BUNDLED / "capi" / "Cargo.toml").exists():
        return BUNDLED
    return REPOSITORY


def trimmed_manifest(text: str) -> str:
    """The workspace manifest with only the core and capi as members, and
    without the bench/test/example/bin targets whose files are not copied."""
    text = re.sub(r"(?m)^members\s*=\s*\[[^\]]*\]", 'members = [".", "capi"]', text)
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("["):
            skipping = bool(TARGET_SECTION.match(stripped))
        if not skipping:
            kept.append(line)
    return "".join(kept)


class sdist_with_crates(sdist):
    """``sdist`` that also puts the Rust crates under ``rust/``."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        source = HERE.parent
        if not (source / "capi" / "Cargo.toml").exists():
            source = HERE / BUNDLED  # an sdist made from an sdist
        target = Path(base_dir) / BUNDLED
        for name in CRATE_FILES:
            if (source / name).is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source / name, target / name)
        for name in CRATE_DIRS:
            shutil.copytree(
                source / name,
                target / name,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("target", "__pycache__"),
            )
        manifest = target / "Cargo.toml"
        manifest.write_text(trimmed_manifest(manifest.read_text()))


setup(
    rust_extensions=[
        RustExtension(
            "checksig._checksig",
            path=str(workspace() / "capi" / "Cargo.toml"),
            binding=Binding.NoBinding,
            # The library carries no Python symbols: any interpreter can load it.
            py_limited_api=False,
        )
    ],
    cmdclass={"sdist": sdist_with_crates},
)
