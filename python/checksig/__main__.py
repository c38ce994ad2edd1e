"""``python -m checksig DIR``: verify DIR against its manifest and print the report.

``python -m checksig dl/file.iso.sha256``: verify the file a hash-only sidecar
checks (``dl/file.iso``).

Exit status: 0 when every file matches, 1 when some fail, 2 when the
verification cannot run, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

from . import ALGORITHMS, ChecksigError, Progress, __version__, verify, verify_sidecar


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m checksig",
        description="Verify the files of DIR against its sha1sum.txt manifest, "
        "or the file a sidecar such as dl/file.iso.sha256 checks.",
    )
    parser.add_argument(
        "dir",
        metavar="DIR",
        type=os.fsencode,
        help="the directory to verify, or a sidecar file (FILE.sha256, .sha1, .sha512, .md5, .b3)",
    )
    parser.add_argument("--manifest", default="sha1sum.txt", help="manifest path, relative to DIR")
    parser.add_argument("--threads", type=int, default=None, help="worker threads (default: one per CPU)")
    parser.add_argument("--ignore-missing", action="store_true", help="missing files are not failures")
    parser.add_argument("--strict", action="store_true", help="malformed lines are failures")
    parser.add_argument(
        "--algo",
        choices=sorted(ALGORITHMS),
        default=None,
        help="the manifest's algorithm (default: from its tag, name or digest length)",
    )
    parser.add_argument(
        "--unlisted", action="store_true", help="files under DIR not in the manifest are failures"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every entry, not only failures")
    parser.add_argument("--progress", action="store_true", help="show progress on standard error")
    parser.add_argument("--version", action="version", version=f"checksig {__version__}")
    return parser


def _show_progress(progress: Progress) -> None:
    total = max(progress.bytes_total, 1)
    print(
        f"\r{progress.files_done}/{progress.files_total} files, "
        f"{100 * progress.bytes_done // total}%",
        end="",
        file=sys.stderr,
        flush=True,
    )


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if os.path.isfile(args.dir):
            report = verify_sidecar(
                args.dir,
                threads=args.threads,
                progress=_show_progress if args.progress else None,
                algorithm=args.algo,
            )
        else:
            report = verify(
                args.dir,
                manifest=args.manifest,
                threads=args.threads,
                ignore_missing=args.ignore_missing,
                strict=args.strict,
                progress=_show_progress if args.progress else None,
                algorithm=args.algo,
                unlisted=args.unlisted,
            )
    except KeyboardInterrupt:
        print("checksig: interrupted", file=sys.stderr)
        return 130
    except (OSError, ValueError, ChecksigError) as error:
        print(f"checksig: {error}", file=sys.stderr)
        return 2
    if args.progress:
        print(file=sys.stderr)
    for entry in report:
        if entry.failed or args.verbose:
            print(entry.message)
    if not report.ok and not report.failures and report.message:
        print(report.message)
    print(report.summary, file=sys.stderr)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
