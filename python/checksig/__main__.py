"""``python -m checksig ARGS...`` runs the ``checksig`` command the wheel
installed beside the interpreter's scripts, with the same arguments: one
program, whichever way it is started (``checksig --help`` says what it does).

The process is replaced (``exec``), so exit status, signals and standard
streams are the command's own.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path
from typing import Iterator, List, Optional

#: The command's file name among the scripts.
COMMAND = "checksig"


def _candidates() -> Iterator[Path]:
    """Where pip puts scripts, for each way this package can be installed."""
    yield Path(sysconfig.get_path("scripts")) / COMMAND  # venv, system, --prefix
    user_scheme = f"{os.name}_user"
    if user_scheme in sysconfig.get_scheme_names():  # pip install --user
        yield Path(sysconfig.get_path("scripts", scheme=user_scheme)) / COMMAND
    package = Path(__file__).resolve().parent
    # pip install --target DIR: DIR/checksig/ and DIR/bin/checksig.
    yield package.parent / "bin" / COMMAND
    # PREFIX/lib/pythonX.Y/site-packages/checksig/ and PREFIX/bin/checksig,
    # for a prefix that is not this interpreter's.
    if len(package.parents) > 3:
        yield package.parents[3] / "bin" / COMMAND


def find_command() -> Optional[Path]:
    """The installed ``checksig`` executable, or None."""
    for candidate in _candidates():
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def main(argv: Optional[List[str]] = None) -> None:
    """Replaces this process with ``checksig`` and ``argv`` (default: this
    process's arguments)."""
    arguments = sys.argv[1:] if argv is None else argv
    command = find_command()
    if command is None:
        sys.exit(
            "checksig: the checksig command is not installed beside this package "
            "(install the wheel with pip, which puts it among the scripts)"
        )
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command, [str(command), *arguments])


if __name__ == "__main__":
    main()
