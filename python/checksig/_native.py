"""The shared library and the C prototypes of its functions (ctypes only).

The library is the ``checksig-capi`` cdylib, installed next to this file as
``libchecksig.so``: a plain shared library, not a Python extension module, so
one wheel serves every Python 3. Set the ``CHECKSIG_LIBRARY`` environment
variable to load another build, e.g. ``target/debug/libchecksig_capi.so``.
"""

from __future__ import annotations

import ctypes
import os
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_bool,
    c_char_p,
    c_double,
    c_int32,
    c_size_t,
    c_uint32,
    c_uint64,
    c_void_p,
)
from pathlib import Path

# Error kinds (CHECKSIG_ERROR_* in include/checksig.h).
ERROR_NONE = 0
ERROR_INVALID_ARGUMENT = 1
ERROR_OPEN_ROOT = 2
ERROR_READ_MANIFEST = 3
ERROR_CANCELLED = 4
ERROR_IO = 5
ERROR_NOT_REGULAR = 6
ERROR_CHANGED = 7
ERROR_PANIC = 8
ERROR_OTHER = 9
ERROR_SIGNATURE = 10
ERROR_KEY = 11


class ProgressStruct(Structure):
    """``checksig_progress``."""

    _fields_ = [
        ("bytes_done", c_uint64),
        ("bytes_total", c_uint64),
        ("files_done", c_uint64),
        ("files_total", c_uint64),
    ]


PROGRESS_FN = CFUNCTYPE(c_bool, POINTER(ProgressStruct), c_void_p)


#: The library's file name beside this module.
LIBRARY_NAME = "libchecksig.so"


def library_path() -> Path:
    """Where the shared library is: ``$CHECKSIG_LIBRARY`` or beside this file."""
    override = os.environ.get("CHECKSIG_LIBRARY")
    if override:
        return Path(override)
    beside = Path(__file__).resolve().parent / LIBRARY_NAME
    if beside.exists():
        return beside
    raise ImportError(
        f"checksig: shared library {beside} not found; install the package with pip "
        "(a wheel carries it; from source, cargo builds it) or set CHECKSIG_LIBRARY"
    )


def _declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    """Sets every function's argument and result types (all pointers are opaque)."""
    prototypes = {
        # The article's API.
        "verify": ([c_char_p], c_void_p),
        "checksig_free": ([c_void_p], None),
        "checksig_version": ([], c_char_p),
        "checksig_status_name": ([c_uint32], c_char_p),
        "checksig_algorithm_name": ([c_uint32], c_char_p),
        "checksig_algorithm_from_name": ([c_char_p], c_uint32),
        "checksig_algorithm_with_length": ([c_uint32, c_uint32, c_void_p], c_uint32),
        "checksig_hash_file": ([c_char_p, c_void_p], c_void_p),
        "checksig_hash_file_algorithm": ([c_char_p, c_uint32, c_void_p], c_void_p),
        "checksig_create_manifest": ([c_char_p, c_uint32, c_size_t, c_char_p, c_void_p], c_void_p),
        "checksig_hash_files": ([POINTER(c_char_p), c_size_t, c_uint32, c_size_t, c_void_p], c_void_p),
        "checksig_create_manifest_cancellable": (
            [c_char_p, c_uint32, c_size_t, c_char_p, c_void_p, c_void_p],
            c_void_p,
        ),
        "checksig_hash_files_cancellable": (
            [POINTER(c_char_p), c_size_t, c_uint32, c_size_t, c_void_p, c_void_p],
            c_void_p,
        ),
        "checksig_hashes_len": ([c_void_p], c_size_t),
        "checksig_hashes_digest": ([c_void_p, c_size_t, c_void_p], c_char_p),
        "checksig_hashes_line": ([c_void_p, c_size_t, c_bool], c_char_p),
        "checksig_hashes_free": ([c_void_p], None),
        # Errors.
        "checksig_error_new": ([], c_void_p),
        "checksig_error_free": ([c_void_p], None),
        "checksig_error_kind": ([c_void_p], c_uint32),
        "checksig_error_os_error": ([c_void_p], c_int32),
        "checksig_error_message": ([c_void_p], c_char_p),
        # Options and cancellation.
        "checksig_options_new": ([], c_void_p),
        "checksig_options_free": ([c_void_p], None),
        "checksig_options_set_threads": ([c_void_p, c_size_t], c_bool),
        "checksig_options_set_manifest": ([c_void_p, c_char_p], c_bool),
        "checksig_options_set_ignore_missing": ([c_void_p, c_bool], c_bool),
        "checksig_options_set_strict": ([c_void_p, c_bool], c_bool),
        "checksig_options_set_allow_outside_root": ([c_void_p, c_bool], c_bool),
        "checksig_options_set_mmap": ([c_void_p, c_bool], c_bool),
        "checksig_options_set_direct_io": ([c_void_p, c_bool], c_bool),
        "checksig_options_set_algorithm": ([c_void_p, c_uint32], c_bool),
        "checksig_options_set_report_unlisted": ([c_void_p, c_bool], c_bool),
        "checksig_options_set_progress": ([c_void_p, PROGRESS_FN, c_void_p], c_bool),
        "checksig_options_set_cancel": ([c_void_p, c_void_p], c_bool),
        "checksig_cancel_new": ([], c_void_p),
        "checksig_cancel_trigger": ([c_void_p], None),
        "checksig_cancel_is_triggered": ([c_void_p], c_bool),
        "checksig_cancel_free": ([c_void_p], None),
        # Reports.
        "checksig_verify": ([c_char_p, c_void_p, c_void_p], c_void_p),
        "checksig_verify_sidecar": ([c_char_p, c_void_p, c_void_p], c_void_p),
        "checksig_report_free": ([c_void_p], None),
        "checksig_report_len": ([c_void_p], c_size_t),
        "checksig_report_is_ok": ([c_void_p], c_bool),
        "checksig_report_failure_count": ([c_void_p], c_size_t),
        "checksig_report_count": ([c_void_p, c_uint32], c_size_t),
        "checksig_report_summary": ([c_void_p], c_char_p),
        "checksig_report_message": ([c_void_p], c_char_p),
        "checksig_report_entry_line": ([c_void_p, c_size_t], c_uint64),
        "checksig_report_entry_status": ([c_void_p, c_size_t], c_uint32),
        "checksig_report_entry_is_failure": ([c_void_p, c_size_t], c_bool),
        "checksig_report_entry_name": ([c_void_p, c_size_t, POINTER(c_size_t)], c_void_p),
        "checksig_report_entry_path": ([c_void_p, c_size_t, POINTER(c_size_t)], c_void_p),
        "checksig_report_entry_expected": ([c_void_p, c_size_t], c_char_p),
        "checksig_report_entry_actual": ([c_void_p, c_size_t], c_char_p),
        "checksig_report_entry_message": ([c_void_p, c_size_t], c_char_p),
        # One manifest in parts (checksig._partition, checksig.dask).
        "checksig_plan_new": ([c_char_p, c_void_p, c_size_t, c_void_p], c_void_p),
        "checksig_plan_free": ([c_void_p], None),
        "checksig_plan_len": ([c_void_p], c_size_t),
        "checksig_plan_partition_ranges": ([c_void_p, c_size_t, POINTER(c_size_t)], POINTER(c_uint64)),
        "checksig_plan_partition_files": ([c_void_p, c_size_t], c_uint64),
        "checksig_plan_partition_bytes": ([c_void_p, c_size_t], c_uint64),
        "checksig_plan_partition_cost": ([c_void_p, c_size_t], c_double),
        "checksig_plan_bytes": ([c_void_p], c_uint64),
        "checksig_plan_lines": ([c_void_p], c_uint64),
        "checksig_plan_largest_file": ([c_void_p], c_uint64),
        "checksig_plan_lower_bound": ([c_void_p], c_double),
        "checksig_plan_cost": ([c_void_p], c_double),
        "checksig_plan_manifest": ([c_void_p], c_char_p),
        "checksig_verify_lines": (
            [c_char_p, c_void_p, POINTER(c_uint64), c_size_t, POINTER(c_size_t), c_void_p],
            c_void_p,
        ),
        "checksig_plan_part_report": ([c_void_p, c_char_p, c_size_t, c_void_p], c_void_p),
        "checksig_plan_merge": (
            [c_void_p, POINTER(c_void_p), POINTER(c_size_t), c_size_t, c_void_p],
            c_void_p,
        ),
        # Signed manifests.
        "checksig_options_add_key_file": ([c_void_p, c_char_p, c_void_p], c_bool),
        "checksig_options_clear_keys": ([c_void_p], c_bool),
        "checksig_report_signature": ([c_void_p], c_void_p),
        "checksig_signature_is_checked": ([c_void_p], c_bool),
        "checksig_signature_format": ([c_void_p], c_char_p),
        "checksig_signature_key": ([c_void_p], c_char_p),
        "checksig_signature_created": ([c_void_p, POINTER(ctypes.c_int64)], c_bool),
    }
    for name, (argtypes, restype) in prototypes.items():
        function = getattr(lib, name)
        function.argtypes = argtypes
        function.restype = restype
    return lib


# ctypes.CDLL (unlike PyDLL) releases the GIL for the duration of every call.
lib = _declare(ctypes.CDLL(os.fspath(library_path())))
