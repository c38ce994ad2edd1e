"""One manifest verified in parts: :func:`plan` (read, stat and cut once),
:func:`verify_lines` (one partition, wherever the root is mounted; its
results as bytes) and :meth:`Plan.merge` (the parts into the
:class:`~checksig.Report` of a whole verification). ctypes over
``checksig_plan_new``, ``checksig_verify_lines`` and ``checksig_plan_merge``;
:mod:`checksig.dask` runs the partitions on a Dask cluster.

>>> plan = checksig.plan("/data", partitions=8)              # doctest: +SKIP
>>> parts = [checksig.verify_lines("/data", p.ranges) for p in plan.partitions]  # doctest: +SKIP
>>> plan.merge(parts) == checksig.verify("/data")            # doctest: +SKIP
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import _api
from ._api import Entry, PathArg, Progress, Report, _Failure, _Owned, _call_with_error
from ._native import lib

#: The keyword options :func:`checksig.verify` takes that a plan and its
#: partitions share (``progress`` is per call).
OPTION_NAMES = _api.OPTION_NAMES


def _options(options: Dict[str, Any]) -> _Owned:
    """A C options object for ``options`` (the keywords of :func:`checksig.verify`),
    made as :func:`checksig.verify` makes it (``_api._options``)."""
    unknown = set(options) - set(OPTION_NAMES)
    if unknown:
        raise TypeError(f"unexpected option(s): {', '.join(sorted(unknown))}")
    try:
        return _api._options(**options)
    except _Failure as failure:  # a key file that cannot be used, named
        raise failure.public() from None


@dataclass(frozen=True)
class Partition:
    """One partition of a :class:`Plan`: the manifest lines one task verifies."""

    ranges: Tuple[Tuple[int, int], ...]
    """Its lines, as ``(first, end)`` pairs (``end`` excluded), in order."""
    files: int
    """How many entries."""
    bytes: int
    """Their bytes, as stat'ed when planned."""
    cost: float
    """Estimated seconds on one thread (bytes at the hashing rate plus a cost per file)."""


class Plan:
    """A manifest read, parsed and stat'ed once, its entries cut into
    partitions balanced by cost, the one with the largest file first
    (made by :func:`plan`). Malformed lines and unlisted files stay with
    the plan: :meth:`merge` settles them."""

    def __init__(self, root: PathArg, options: Dict[str, Any], pointer: int) -> None:
        self._owned = _Owned(pointer, lib.checksig_plan_free)
        self.root = root
        #: The options it was made with, for :func:`verify_lines` on each partition.
        self.options = dict(options)
        p = self._owned.pointer
        partitions = []
        for index in range(lib.checksig_plan_len(p)):
            count = ctypes.c_size_t(0)
            numbers = lib.checksig_plan_partition_ranges(p, index, ctypes.byref(count))
            flat = [numbers[i] for i in range(2 * count.value)]
            partitions.append(
                Partition(
                    ranges=tuple(zip(flat[0::2], flat[1::2])),
                    files=lib.checksig_plan_partition_files(p, index),
                    bytes=lib.checksig_plan_partition_bytes(p, index),
                    cost=lib.checksig_plan_partition_cost(p, index),
                )
            )
        #: The partitions, the one holding the largest file first.
        self.partitions: Tuple[Partition, ...] = tuple(partitions)
        #: Bytes of every listed file that could be stat'ed.
        self.bytes: int = lib.checksig_plan_bytes(p)
        #: Manifest lines that matter (entries and malformed lines).
        self.lines: int = lib.checksig_plan_lines(p)
        #: Entries, the lines the partitions hold.
        self.files: int = sum(part.files for part in self.partitions)
        #: The largest listed file's size.
        self.largest_file: int = lib.checksig_plan_largest_file(p)
        #: Seconds to hash the largest file on one thread: no plan finishes
        #: sooner, since a file cannot be split without changing its digest.
        self.lower_bound: float = lib.checksig_plan_lower_bound(p)
        #: Estimated seconds for everything on one thread.
        self.cost: float = lib.checksig_plan_cost(p)
        #: The manifest it read, relative to the root unless absolute (the
        #: ``manifest`` option, or the one the library found: ``sha1sum.txt``...).
        self.manifest: bytes = lib.checksig_plan_manifest(p) or b""

    def part_entries(self, part: bytes) -> Dict[int, Entry]:
        """One part's results (:func:`verify_lines`) as :class:`~checksig.Entry`
        objects by manifest line, as the merged report will hold them: to read
        results as parts come in."""
        try:
            pointer = _call_with_error(
                lambda error: lib.checksig_plan_part_report(self._owned.pointer, part, len(part), error)
            )
        except _Failure as failure:
            raise failure.public() from None
        report = _Owned(pointer, lib.checksig_report_free)
        try:
            count = lib.checksig_report_len(report.pointer)
            entries = (_api._read_entry(report.pointer, i) for i in range(count))  # type: ignore[arg-type]
            return {entry.line: entry for entry in entries}
        finally:
            report.close()

    def merge(self, parts: Sequence[bytes]) -> Report:
        """The report of the whole verification from every partition's
        results (:func:`verify_lines`, in any order): the same, entry for
        entry, as :func:`checksig.verify` with the plan's options, and built
        as it builds its report. The library merges the parts
        (``checksig_plan_merge``), each decoded once.

        :raises ValueError: when the parts do not fit the plan (a line
            missing or given twice, or the manifest changed since planning).
        """
        buffers = [ctypes.create_string_buffer(bytes(part), len(part)) for part in parts]
        array = (ctypes.c_void_p * len(buffers))(*[ctypes.addressof(b) for b in buffers])
        lengths = (ctypes.c_size_t * len(buffers))(*[len(part) for part in parts])
        try:
            pointer = _call_with_error(
                lambda error: lib.checksig_plan_merge(
                    self._owned.pointer, array, lengths, len(buffers), error
                )
            )
        except _Failure as failure:
            raise failure.public() from None
        return _api._read_report(_Owned(pointer, lib.checksig_report_free))

    def close(self) -> None:
        """Frees the plan now (else when it is garbage-collected)."""
        self._owned.close()

    def __repr__(self) -> str:
        return (
            f"<checksig.Plan {len(self.partitions)} partitions, {self.files} files, "
            f"{self.bytes} bytes, largest {self.largest_file}>"
        )


def plan(root: PathArg, partitions: int, **options: Any) -> Plan:
    """Plans the verification of ``root`` in at most ``partitions`` parts:
    reads the manifest, stats every listed file and cuts the entries into
    partitions of about equal cost, largest file first. Takes the keyword
    options of :func:`checksig.verify` (not ``progress``).

    :raises FileNotFoundError: (or another ``OSError``) when the manifest
        or the root cannot be read, as :func:`checksig.verify`.
    """
    if isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1:
        raise ValueError(f"partitions must be a positive int, not {partitions!r}")
    owned = _options(options)
    target = _api._path_bytes(root, "root")
    try:
        pointer = _call_with_error(
            lambda error: lib.checksig_plan_new(target, owned.pointer, partitions, error)
        )
    except _Failure as failure:
        raise failure.public() from None
    finally:
        owned.close()
    return Plan(root, options, pointer)


def verify_lines(
    root: PathArg,
    ranges: Sequence[Tuple[int, int]],
    progress: Optional[Callable[[Progress], Optional[bool]]] = None,
    stop: Optional[Any] = None,
    **options: Any,
) -> bytes:
    """Verifies only the manifest lines in ``ranges`` (``(first, end)`` pairs,
    ``end`` excluded, as :attr:`Partition.ranges`) of ``root``'s manifest,
    with the keyword options of :func:`checksig.verify` and the confinement
    of a whole verification; returns the results as bytes for
    :meth:`Plan.merge`. ``progress`` is called as by :func:`checksig.verify`,
    counting these lines only. Ctrl-C cancels it, and so does ``stop``, any
    object whose ``wait(timeout)`` returns True once it is set (a
    ``threading.Event``, or a ``distributed.Event`` set by another machine):
    a helper thread waits on it and triggers the library's cancel handle.

    :raises FileNotFoundError: (or another ``OSError``) when the root or the
        manifest cannot be read here.
    """
    flat: List[int] = []
    for first, end in ranges:
        flat.extend((int(first), int(end)))
    numbers = (ctypes.c_uint64 * len(flat))(*flat)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable or None, not {type(progress).__name__}")
    owned = _options(options)
    target = _api._path_bytes(root, "root")

    def call() -> bytes:
        length = ctypes.c_size_t(0)
        pointer = _call_with_error(
            lambda error: lib.checksig_verify_lines(
                target, owned.pointer, numbers, len(flat) // 2, ctypes.byref(length), error
            )
        )
        try:
            return ctypes.string_at(pointer, length.value)
        finally:
            lib.checksig_free(pointer)

    try:
        return _api._cancellable(call, owned, progress, stop)
    except _Failure as failure:
        raise failure.public() from None
