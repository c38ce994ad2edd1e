#!/usr/bin/env python3
"""Runs the one table of conformance cases (tests/conformance/cases.py)
through the four front ends, Rust (examples/verdict.rs), the command line
(`checksig --json`), C (capi/tests/c/verdict.c) and Python
(`checksig.verify`), and fails unless each gives the table's statuses and
verdict. Usage: conformance.py TARGET_DEBUG_DIR C_RUNNER."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "conformance"))
from cases import CASES  # noqa: E402

PYTHON_RUNNER = """
import sys, checksig
args = sys.argv[1:]
unlisted = args[0] == "--unlisted"
path = args[-1]
import os
if os.path.isdir(path):
    root, manifest = path, None
else:
    root, manifest = os.path.dirname(path) or ".", os.path.basename(path)
try:
    report = checksig.verify(root, manifest=manifest, unlisted=unlisted)
except (OSError, ValueError, checksig.ChecksigError) as e:
    print(e, file=sys.stderr)
    print("verdict error")
    sys.exit(0)
for entry in report:
    print(f"{entry.status.name.lower()}\\t{entry.name_bytes.decode(errors='replace')}")
print("verdict", "ok" if report.ok else "failed")
"""


def lay_out(directory: Path, files: dict) -> None:
    for name, content in files.items():
        if name.endswith("@"):
            (directory / name[:-1]).symlink_to(content)
        else:
            (directory / name).write_bytes(content)


def parse(text: str):
    lines = text.splitlines()
    entries = [tuple(line.split("\t", 1)) for line in lines if "\t" in line]
    verdicts = [line.split(" ", 1)[1] for line in lines if line.startswith("verdict ")]
    return entries, verdicts[-1] if verdicts else "none"


def run(command, env=None):
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    return done


def main() -> int:
    target, c_runner = Path(sys.argv[1]), sys.argv[2]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "python"),
               CHECKSIG_LIBRARY=str(target / "libchecksig_capi.so"))
    failures = passed = 0
    with tempfile.TemporaryDirectory() as work:
        for index, (name, files, path, unlisted, entries, verdict) in enumerate(CASES):
            directory = Path(work) / f"case{index}"
            directory.mkdir()
            lay_out(directory, files)
            target_path = str(directory / path) if path else str(directory)
            flag = ["--unlisted"] if unlisted else []
            results = {}
            results["rust"] = parse(run([str(target / "examples" / "verdict"), *flag, target_path]).stdout)
            results["c"] = parse(run([c_runner, *flag, target_path]).stdout)
            results["python"] = parse(run([sys.executable, "-c", PYTHON_RUNNER, *(flag or ["-"]), target_path], env).stdout)
            cli = run([str(target / "checksig"), "--json", "--no-progress", *flag, target_path])
            if cli.returncode == 2:
                results["cli"] = ([], "error")
            else:
                document = json.loads(cli.stdout)
                results["cli"] = (
                    [(e["status"], e.get("name", "")) for e in document["entries"]],
                    "ok" if document["ok"] else "failed",
                )
            expected = ([tuple(e) for e in entries], verdict)
            for front_end, got in results.items():
                if got == expected:
                    passed += 1
                else:
                    failures += 1
                    print(f"FAIL {name} [{front_end}]: got {got}, expected {expected}")
    print("conformance (cases x front ends):")
    print(f"{passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
