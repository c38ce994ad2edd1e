"""Verify a directory of downloaded files against its ``sha1sum.txt``, fast.

A drop-in replacement for the Go library of the article "Writing Python
Extension Library in Go" (its ``check_signatures``, and its C ``verify``
loaded with ctypes), built on the Rust library checksig through its C ABI,
with ctypes only: no compiler is involved at import time.

>>> import checksig
>>> checksig.check_signatures("/tmp/logs")                  # doctest: +SKIP
Traceback (most recent call last):
ValueError: "/tmp/logs/httpd-08.log" - mismatch
>>> report = checksig.verify("/tmp/logs", threads=4)        # doctest: +SKIP
>>> report.ok, report.summary                               # doctest: +SKIP
(False, '9 OK, 1 mismatch')
>>> checksig.hash_file("/tmp/logs/httpd-00.log")            # doctest: +SKIP
'6659cb84ab403dc85962fc77b9156924bbbaab2c'
>>> checksig.verify_sidecar("dl/debian.iso.sha256").ok       # doctest: +SKIP
True
"""

from ._api import (
    ALGORITHMS,
    Cancelled,
    ChecksigError,
    Entry,
    PathArg,
    Progress,
    Report,
    Signature,
    SignatureError,
    Status,
    VerificationError,
    check_signatures,
    create_manifest,
    hash_file,
    hash_files,
    hash_lines,
    library_version,
    verify,
    verify_sidecar,
)
from ._partition import Partition, Plan, plan, verify_lines

__version__ = library_version()

__all__ = [
    "ALGORITHMS",
    "Cancelled",
    "ChecksigError",
    "Entry",
    "PathArg",
    "Partition",
    "Plan",
    "Progress",
    "Report",
    "Signature",
    "SignatureError",
    "Status",
    "VerificationError",
    "__version__",
    "check_signatures",
    "create_manifest",
    "hash_file",
    "hash_files",
    "hash_lines",
    "library_version",
    "plan",
    "verify",
    "verify_lines",
    "verify_sidecar",
]
