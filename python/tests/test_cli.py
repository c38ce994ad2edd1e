"""One CLI: the wheel puts the Rust ``checksig`` command among the scripts,
and ``python -m checksig`` runs that same program with the same arguments."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from checksig.__main__ import find_command


def installed_command() -> Path:
    command = find_command()
    if command is None:
        pytest.skip("the package runs from sources (CHECKSIG_LIBRARY), without its command")
    return command


def run(argv: List[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, timeout=120)


def test_the_command_is_the_rust_binary():
    command = installed_command()
    assert command.read_bytes()[:4] == b"\x7fELF"  # not a Python wrapper script
    assert command.parent == Path(sys.executable).parent  # on PATH in the venv
    version = run([str(command), "--version"])
    assert version.returncode == 0
    assert version.stdout.startswith(b"checksig ")


@pytest.mark.parametrize(
    "arguments",
    [
        ["--version"],
        ["--help"],
        ["{good}"],
        ["{bad}"],
        ["--json", "{bad}"],
        ["-c", "{good}/sha1sum.txt"],
        ["{nowhere}"],
        ["--no-such-option"],
    ],
)
def test_python_m_checksig_runs_the_same_program(logs: Path, bad_logs: Path, tmp_path: Path, arguments):
    command = installed_command()
    argv = [a.format(good=logs, bad=bad_logs, nowhere=tmp_path / "nowhere") for a in arguments]
    direct = run([str(command), *argv])
    via_python = run([sys.executable, "-m", "checksig", *argv])
    assert (via_python.returncode, via_python.stdout, via_python.stderr.replace(b"\r", b"")) == (
        direct.returncode,
        direct.stdout,
        direct.stderr.replace(b"\r", b""),
    )


def test_exit_statuses_are_the_commands(logs: Path, bad_logs: Path):
    installed_command()
    assert run([sys.executable, "-m", "checksig", str(logs)]).returncode == 0
    bad = run([sys.executable, "-m", "checksig", str(bad_logs)])
    assert bad.returncode == 1
    assert b"httpd-08.log" in bad.stdout + bad.stderr

