"""python -m checksig DIR."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "checksig", *args], capture_output=True, text=True, timeout=60
    )


def test_ok(logs: Path):
    result = run(str(logs))
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr.strip() == "10 OK"
    verbose = run("-v", str(logs))
    assert verbose.stdout.count(" - ok\n") == 10


def test_failures(bad_logs: Path):
    result = run("--threads", "2", str(bad_logs))
    assert result.returncode == 1
    assert result.stdout == f'"{bad_logs}/httpd-08.log" - mismatch\n'
    assert result.stderr.strip() == "9 OK, 1 mismatch"


def test_cannot_run(tmp_path: Path):
    result = run(str(tmp_path))
    assert result.returncode == 2
    assert f"No such file or directory: '{tmp_path}/sha1sum.txt'" in result.stderr


def test_progress_and_version(logs: Path):
    result = run("--progress", str(logs))
    assert result.returncode == 0
    assert "10/10 files, 100%" in result.stderr
    assert run("--version").stdout.startswith("checksig ")
