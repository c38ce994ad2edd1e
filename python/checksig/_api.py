"""The public API: ``check_signatures``, ``verify``, ``hash_file`` and their types."""

from __future__ import annotations

import ctypes
import datetime
import enum
import operator
import os
import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, TypeVar, Union, overload

from . import _native
from ._native import lib

#: Anything that names a file: ``str``, ``bytes`` or ``os.PathLike``. Names
#: that are not UTF-8 pass through ``os.fsencode`` unchanged.
PathArg = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]

#: How long the main thread waits between checks for Ctrl-C.
_POLL_SECONDS = 0.05

#: The name of the thread that runs a call started on the main thread (a
#: verification, ``hash_files``, ``hash_lines`` or ``create_manifest``).
HELPER_THREAD_NAME = "checksig-verify"

T = TypeVar("T")


class Status(enum.IntEnum):
    """What happened to one manifest line (``CHECKSIG_STATUS_*`` in the C header)."""

    OK = 0
    """The file matches its digest."""
    MISMATCH = 1
    """The file's digest differs from the manifest's."""
    MISSING = 2
    """The file does not exist."""
    UNREADABLE = 3
    """The file exists but could not be opened or read."""
    NOT_REGULAR = 4
    """The name is a directory, FIFO, device or socket; it was not read."""
    OUTSIDE_ROOT = 5
    """The name leaves the root directory; it was not opened."""
    CHANGED = 6
    """The file's size changed while it was read."""
    MALFORMED = 7
    """The manifest line is malformed."""
    UNLISTED = 8
    """The file is under the root but not listed (``verify(..., unlisted=True)``)."""


def _algorithms() -> Dict[str, int]:
    """Every algorithm the library knows, from its own table (codes 1, 2, ...
    until ``checksig_algorithm_name`` gives NULL)."""
    names: Dict[str, int] = {}
    code = 1
    while True:
        name = _native.lib.checksig_algorithm_name(code)
        if name is None:
            return names
        names[name.decode()] = code
        code += 1


ALGORITHMS = _algorithms()
"""The algorithms, by name, and their ``CHECKSIG_ALGORITHM_*`` codes."""


def _algorithm_code(algorithm: Optional[str], length: Optional[int] = None) -> int:
    """The C code of ``algorithm`` (None: detect), with a digest of
    ``length`` bits if given (BLAKE2b's ``b2sum -l``; any other algorithm
    takes only its own length): ``TypeError`` for what is not a name or an
    int, ``ValueError`` for an unknown name or a length it does not have."""
    if algorithm is None:
        if length is not None:
            raise ValueError("length needs an algorithm")
        return 0  # CHECKSIG_ALGORITHM_DETECT
    if not isinstance(algorithm, str):
        raise TypeError(f"algorithm must be a str or None, not {type(algorithm).__name__}")
    code = 0
    if "\0" not in algorithm:
        code = _native.lib.checksig_algorithm_from_name(algorithm.encode("utf-8", "replace"))
    if code == 0:
        raise ValueError(
            f"unknown algorithm {algorithm!r} (expected one of {', '.join(ALGORITHMS)})"
        )
    if length is None:
        return code
    if isinstance(length, bool):
        raise TypeError("length must be an int or None, not bool")
    try:
        bits = operator.index(length)
    except TypeError:
        raise TypeError(f"length must be an int or None, not {type(length).__name__}") from None
    if not 0 <= bits <= 0xFFFFFFFF:  # what a uint32_t holds: no wrapping into a valid length
        raise ValueError(f"invalid length {bits} for {algorithm}")
    try:
        made: int = _call_with_error(
            lambda error: _native.lib.checksig_algorithm_with_length(code, bits, error)
        )
        return made
    except _Failure as failure:
        # "checksig_algorithm_with_length: invalid length ..." without the C name.
        raise ValueError(failure.message.split(": ", 1)[-1]) from None


#: The largest ``size_t``: a count above it would wrap in the C call.
_SIZE_MAX = 2 ** (8 * ctypes.sizeof(ctypes.c_size_t)) - 1


def _path_bytes(value: PathArg, name: str) -> bytes:
    """``value`` as the bytes the C library takes; ``TypeError`` for what is
    not a path, ``ValueError`` for an embedded NUL (which C would cut at)."""
    if not isinstance(value, (str, bytes, os.PathLike)):
        raise TypeError(
            f"{name} must be str, bytes or os.PathLike, not {type(value).__name__}"
        )
    encoded = os.fsencode(value)
    if b"\0" in encoded:
        raise ValueError(f"{name}: embedded null byte")
    return encoded


def _threads(value: Optional[int]) -> int:
    """``threads`` as the C call's count (0: one per CPU); never bent: a
    ``bool`` or a float is a ``TypeError``, a count below 1 a ``ValueError``,
    one above ``SIZE_MAX`` an ``OverflowError``."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise TypeError("threads must be an int or None, not bool")
    try:
        count = operator.index(value)
    except TypeError:
        raise TypeError(f"threads must be an int or None, not {type(value).__name__}") from None
    if count < 1:
        raise ValueError(f"threads must be at least 1, not {count}")
    if count > _SIZE_MAX:
        raise OverflowError(f"threads must be at most {_SIZE_MAX}, not {count}")
    return count


def _flag(value: bool, name: str) -> bool:
    """A yes/no option: only ``True`` or ``False`` (``TypeError`` otherwise)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")
    return value


class ChecksigError(Exception):
    """An error that is neither an OS error nor a bad argument: a path that is
    not a regular file, a file that changed while it was read, an internal error."""


class Cancelled(ChecksigError):
    """The verification was cancelled because the progress callback returned False."""


class SignatureError(ChecksigError):
    """Trusted keys were given and the manifest's signature is missing,
    invalid, made by another key, or not over the manifest: no file was
    checked. The message names the manifest, the trusted keys and the reason."""


@dataclass(frozen=True)
class Signature:
    """A manifest's signature (:attr:`Report.signature`).

    >>> report = checksig.verify("dl", manifest="SHA256SUMS", keys=["ubuntu.gpg"])  # doctest: +SKIP
    >>> report.signer.format, report.signer.key                                     # doctest: +SKIP
    ('OpenPGP', 'key 843938DF228D22F7B3742BC0D94AA3F0EFE21092 (Ubuntu CD Image ...)')
    """

    checked: bool
    """True when it was checked against the trusted keys (and was good: a bad
    one raises :class:`SignatureError`); False when the manifest is signed
    but no key was given."""
    format: str
    """``"OpenPGP"``, ``"minisign"``, ``"signify"`` or ``"SSH"``."""
    key: Optional[str]
    """The key that made a checked signature, for display; None when unchecked."""
    created: Optional[datetime.datetime]
    """When a checked signature says it was made (UTC); None when it says
    nothing (signify, SSH) or was not checked."""


class VerificationError(ValueError):
    """Raised by :meth:`Report.raise_for_failures`: some files failed.

    ``str(error)`` is the article's message (one failure per line);
    ``error.report`` holds every result.
    """

    def __init__(self, message: str, report: "Report") -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class Progress:
    """Progress figures passed to a ``progress`` callback."""

    bytes_done: int
    """Bytes hashed so far."""
    bytes_total: int
    """Bytes of all listed files that could be stat'ed before hashing began."""
    files_done: int
    """Manifest lines finished."""
    files_total: int
    """Manifest lines in all."""


@dataclass(frozen=True)
class Entry:
    """The result for one manifest line.

    >>> entry.status, entry.path, entry.message          # doctest: +SKIP
    (<Status.MISMATCH: 1>, '/tmp/logs/httpd-08.log', '"/tmp/logs/httpd-08.log" - mismatch')
    """

    line: int
    """The 1-based line number in the manifest."""
    status: Status
    """What happened."""
    failed: bool
    """Whether this entry counts as a failure under the options used."""
    name_bytes: bytes
    """The file name as the manifest lists it (empty for a malformed line)."""
    path_bytes: bytes
    """The root and the name joined and cleaned as Go's ``path.Join`` does."""
    expected: Optional[str]
    """The digest the manifest lists, in lowercase hex (None for a malformed line)."""
    actual: Optional[str]
    """The digest the file has, when it was read."""
    message: str
    """One line in the article's words, e.g. ``"/tmp/logs/a.log" - mismatch``."""

    @property
    def name(self) -> str:
        """:attr:`name_bytes` decoded as ``os.fsdecode`` does (non-UTF-8 bytes survive)."""
        return os.fsdecode(self.name_bytes)

    @property
    def path(self) -> str:
        """:attr:`path_bytes` decoded as ``os.fsdecode`` does."""
        return os.fsdecode(self.path_bytes)


#: A report's message not yet read from its C report.
_UNREAD: Any = object()


class Report(Sequence[Entry]):
    """The results of a verification: one :class:`Entry` per manifest line, in
    manifest order. Iterate over it, index it, or check :attr:`ok`.

    >>> report = checksig.verify("/tmp/logs")              # doctest: +SKIP
    >>> report.ok, report.summary                          # doctest: +SKIP
    (False, '9 OK, 1 mismatch')
    >>> [entry.name for entry in report.failures]          # doctest: +SKIP
    ['httpd-08.log']
    """

    def __init__(
        self,
        entries: Tuple[Entry, ...],
        ok: bool,
        summary: str,
        message: Optional[str],
        signature: Optional[Signature] = None,
    ) -> None:
        self._entries: Optional[Tuple[Entry, ...]] = tuple(entries)
        self._c: Optional["_Owned"] = None
        self._made: Dict[int, Entry] = {}
        self._len = len(self._entries)
        self._ok = ok
        self._summary = summary
        self._message = message
        self._signature = signature

    @classmethod
    def _of_c(cls, owned: "_Owned") -> "Report":
        """A report over the C report ``owned``, which it keeps (and frees
        when it is collected): an :class:`Entry` is made when it is asked
        for, so a report of millions of lines costs the C report's compact
        form until its entries are read."""
        pointer = owned.pointer
        report = cls.__new__(cls)
        report._entries = None
        report._c = owned
        report._made = {}
        report._len = lib.checksig_report_len(pointer)
        report._ok = bool(lib.checksig_report_is_ok(pointer))
        report._summary = _text(lib.checksig_report_summary(pointer)) or ""
        report._message = _UNREAD  # the C report makes it when it is asked for
        report._signature = _read_signature(lib.checksig_report_signature(pointer))
        return report

    def _entry(self, index: int) -> Entry:
        """Entry ``index`` (0 <= index < len): made once, so that the same
        entry reached twice (``report.failures[0] is report[8]``) is the same
        object."""
        if self._entries is not None:
            return self._entries[index]
        entry = self._made.get(index)
        if entry is None:
            entry = _read_entry(self._c.pointer, index)  # type: ignore[union-attr, arg-type]
            self._made[index] = entry
        return entry

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        # Pickled with its entries: a C report does not cross processes.
        return (Report, (self.entries, self._ok, self._summary, self.message, self._signature))

    @property
    def signature(self) -> Optional[Signature]:
        """The manifest's signature: checked when ``keys`` were given, or
        present but unchecked; None when the manifest has none that was looked at."""
        return self._signature

    @property
    def signer(self) -> Optional[Signature]:
        """Who signed the manifest, when ``keys`` were given (the checked
        :attr:`signature`); None otherwise."""
        return self._signature if self._signature is not None and self._signature.checked else None

    @property
    def ok(self) -> bool:
        """True when nothing failed and at least one file matched."""
        return self._ok

    @property
    def summary(self) -> str:
        """One line such as ``9 OK, 1 mismatch``."""
        return self._summary

    @property
    def message(self) -> Optional[str]:
        """None when :attr:`ok`; otherwise what the article's ``verify`` returns:
        every failure, one per line."""
        if self._message is _UNREAD:
            self._message = _text(lib.checksig_report_message(self._c.pointer))  # type: ignore[union-attr]
        return self._message

    @property
    def entries(self) -> Tuple[Entry, ...]:
        """Every result, in manifest order (made, then kept, on first use)."""
        if self._entries is None:
            self._entries = tuple(self._entry(i) for i in range(self._len))
            self._made = {}
        return self._entries

    @property
    def failures(self) -> List[Entry]:
        """The entries that failed, in manifest order."""
        if self._entries is not None:
            return [entry for entry in self._entries if entry.failed]
        pointer = self._c.pointer  # type: ignore[union-attr]
        return [
            self._entry(i) for i in range(self._len) if lib.checksig_report_entry_is_failure(pointer, i)
        ]

    def count(self, status: Status) -> int:
        """How many entries have ``status``."""
        if self._entries is not None:
            return sum(1 for entry in self._entries if entry.status == status)
        return int(lib.checksig_report_count(self._c.pointer, int(status)))  # type: ignore[union-attr]

    def raise_for_failures(self) -> None:
        """Raises :class:`VerificationError` (a ``ValueError``) unless :attr:`ok`."""
        if not self._ok:
            raise VerificationError(self.message or self._summary, self)

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Entry]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[Entry, Sequence[Entry]]:
        if isinstance(index, slice):
            return tuple(self._entry(i) for i in range(*index.indices(self._len)))
        position = operator.index(index)
        if position < 0:
            position += self._len
        if not 0 <= position < self._len:
            raise IndexError("report index out of range")
        return self._entry(position)

    def __repr__(self) -> str:
        return f"<checksig.Report ok={self._ok} {self._summary!r}>"


class _Failure(Exception):
    """A failed C call: the error object's kind, errno and message."""

    def __init__(self, kind: int, os_error: int, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.os_error = os_error
        self.message = message
        #: The argument the failure is about, when the caller knows it.
        self.filename: Optional[Union[str, bytes]] = None

    def public(self, filename: Optional[Union[str, bytes]] = None) -> BaseException:
        """The exception the public API raises for this failure.

        An OS error becomes Python's own: ``OSError(errno, strerror,
        filename)``, whose constructor picks the subclass
        (``FileNotFoundError``, ``PermissionError``...) and whose message
        reads ``[Errno 2] No such file or directory: 'dl/sha1sum.txt'``.
        ``filename`` is the argument the failure is about when the caller
        knows it, else :attr:`filename` as set where the failure arose;
        otherwise the path the library's message names (``open <path>:
        <reason>``)."""
        if self.kind == _native.ERROR_INVALID_ARGUMENT:
            return ValueError(self.message)
        if self.kind == _native.ERROR_CANCELLED:
            return Cancelled(self.message)
        if self.kind == _native.ERROR_SIGNATURE:
            return SignatureError(self.message)
        if self.os_error:
            if filename is None:
                filename = self.filename
            if filename is None:
                filename = _named_path(self.message)
            return OSError(self.os_error, os.strerror(self.os_error), filename)
        return ChecksigError(self.message)


def _named_path(message: str) -> Optional[str]:
    """The path in a library message of the form ``<operation> <path>: <reason>``
    (``open dl/sha1sum.txt: no such file or directory``), or None."""
    head, separator, _reason = message.rpartition(": ")
    _operation, space, path = head.partition(" ")
    return path if separator and space and path else None


class _Owned:
    """A C handle freed exactly once, by ``close`` or when garbage-collected."""

    def __init__(self, pointer: Optional[int], free: Callable[[int], None]) -> None:
        if not pointer:
            raise MemoryError("checksig: out of memory")
        self.pointer: Optional[int] = pointer
        self._free = free
        self.keep_alive: object = None

    def close(self) -> None:
        pointer, self.pointer = self.pointer, None
        if pointer:
            self._free(pointer)

    def __del__(self) -> None:
        self.close()


def _call_with_error(function: Callable[[int], T]) -> T:
    """Calls ``function(error_pointer)``; raises :class:`_Failure` if the error is set."""
    error = _Owned(lib.checksig_error_new(), lib.checksig_error_free)
    try:
        result = function(error.pointer)  # type: ignore[arg-type]
        kind = lib.checksig_error_kind(error.pointer)
        if kind != _native.ERROR_NONE:
            message = (lib.checksig_error_message(error.pointer) or b"").decode("utf-8", "replace")
            raise _Failure(kind, lib.checksig_error_os_error(error.pointer), message)
        return result
    finally:
        error.close()


def _run_interruptibly(call: Callable[[], T], cancel: _Owned) -> T:
    """Runs a blocking foreign call so that Ctrl-C cancels it.

    Signals reach Python only on the main thread, and only between bytecodes,
    never inside a foreign call. So on the main thread the call runs on a
    helper thread while this thread waits in short joins; on
    KeyboardInterrupt it triggers ``cancel``, waits for the call to return
    (the library checks the token between pieces of a file, every few MiB)
    and re-raises. On other threads
    the call runs directly (the GIL is released during it either way).
    """
    if threading.current_thread() is not threading.main_thread():
        return call()
    outcome: List[Tuple[bool, object]] = []
    finished = threading.Event()

    def run() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as error:  # re-raised on the calling thread
            outcome.append((False, error))
        finally:
            finished.set()

    helper = threading.Thread(target=run, name=HELPER_THREAD_NAME, daemon=True)
    try:
        helper.start()
        while not finished.wait(_POLL_SECONDS):
            pass
    except BaseException:
        lib.checksig_cancel_trigger(cancel.pointer)
        # An Event, not Thread.join: on Python 3.11 a join interrupted by
        # Ctrl-C marks the thread as stopped while it still runs. The helper
        # owns what the call uses, so a second Ctrl-C here leaves nothing
        # dangling. (A helper interrupted while starting finds the token set.)
        if helper.ident is not None:
            finished.wait()
        raise
    succeeded, value = outcome[0]
    if not succeeded:
        raise value  # type: ignore[misc]
    return value  # type: ignore[return-value]


def _read_bytes(function: Callable[..., Optional[int]], report: int, index: int) -> bytes:
    length = ctypes.c_size_t(0)
    pointer = function(report, index, ctypes.byref(length))
    if not pointer or not length.value:
        return b""
    return ctypes.string_at(pointer, length.value)


def _text(value: Optional[bytes]) -> Optional[str]:
    return None if value is None else value.decode("utf-8", "replace")


def _read_entry(report: int, index: int) -> Entry:
    return Entry(
        line=lib.checksig_report_entry_line(report, index),
        status=Status(lib.checksig_report_entry_status(report, index)),
        failed=lib.checksig_report_entry_is_failure(report, index),
        name_bytes=_read_bytes(lib.checksig_report_entry_name, report, index),
        path_bytes=_read_bytes(lib.checksig_report_entry_path, report, index),
        expected=_text(lib.checksig_report_entry_expected(report, index)),
        actual=_text(lib.checksig_report_entry_actual(report, index)),
        message=_text(lib.checksig_report_entry_message(report, index)) or "",
    )


def _read_signature(signature: Optional[int]) -> Optional[Signature]:
    """Copies a C signature (NULL: None) into a :class:`Signature`."""
    if not signature:
        return None
    seconds = ctypes.c_int64()
    created = None
    if lib.checksig_signature_created(signature, ctypes.byref(seconds)):
        created = datetime.datetime.fromtimestamp(seconds.value, datetime.timezone.utc)
    return Signature(
        checked=lib.checksig_signature_is_checked(signature),
        format=_text(lib.checksig_signature_format(signature)) or "",
        key=_text(lib.checksig_signature_key(signature)),
        created=created,
    )


def _read_report(report: _Owned) -> Report:
    """The :class:`Report` over a C report, which it takes over (its
    entries are read from it as they are asked for)."""
    return Report._of_c(report)


def _key_paths(keys: Optional[Union[PathArg, Sequence[PathArg]]]) -> List[bytes]:
    """The key files of a ``keys`` argument: None, one path, or a sequence of paths."""
    if keys is None:
        return []
    if isinstance(keys, (str, bytes, os.PathLike)):
        keys = [keys]
    return [_path_bytes(key, "keys") for key in keys]


def _add_keys(options: int, keys: List[bytes]) -> None:
    """Adds each key file to the C options; raises :class:`_Failure` for one
    that cannot be used."""
    for key in keys:

        def add(error: int, key: bytes = key) -> bool:
            return bool(lib.checksig_options_add_key_file(options, key, error))

        try:
            _call_with_error(add)
        except _Failure as failure:
            failure.filename = os.fsdecode(key)  # the key file it is about
            raise


def _progress_callback(
    progress: Callable[[Progress], Optional[bool]], raised: List[BaseException]
) -> object:
    """A C progress callback calling ``progress``; an exception it raises
    cancels the verification and is kept in ``raised``."""

    def callback(figures: "ctypes._Pointer[_native.ProgressStruct]", _user_data: object) -> bool:
        try:
            p = figures.contents
            keep_going = progress(Progress(p.bytes_done, p.bytes_total, p.files_done, p.files_total))
            return keep_going is not False
        except BaseException as error:  # re-raised after the call returns
            raised.append(error)
            return False

    return _native.PROGRESS_FN(callback)


#: The keyword options of :func:`verify` that make its C options object
#: (:func:`_options`): shared by a whole verification, a plan and its
#: partitions (``progress`` is per call).
OPTION_NAMES = (
    "manifest",
    "threads",
    "ignore_missing",
    "strict",
    "allow_outside_root",
    "mmap",
    "algorithm",
    "unlisted",
    "direct_io",
    "keys",
)


def _options(
    manifest: Optional[PathArg] = None,
    threads: Optional[int] = None,
    ignore_missing: bool = False,
    strict: bool = True,
    allow_outside_root: bool = False,
    mmap: bool = True,
    algorithm: Optional[str] = None,
    unlisted: bool = False,
    direct_io: bool = True,
    keys: Optional[Union[PathArg, Sequence[PathArg]]] = None,
) -> _Owned:
    """The C options object for the keyword options of :func:`verify`
    (:data:`OPTION_NAMES`), each checked: the one place they are turned into
    C calls, for :func:`verify`, :func:`checksig.plan` and
    :func:`checksig.verify_lines`. A manifest of None leaves the library's
    default. Raises :class:`_Failure` (naming the file) for a key file that
    cannot be used."""
    thread_count = _threads(threads)
    algorithm_code = _algorithm_code(algorithm)
    manifest_bytes = None if manifest is None else _path_bytes(manifest, "manifest")
    key_files = _key_paths(keys)
    flags = {
        "ignore_missing": _flag(ignore_missing, "ignore_missing"),
        "allow_outside_root": _flag(allow_outside_root, "allow_outside_root"),
        "mmap": _flag(mmap, "mmap"),
        "direct_io": _flag(direct_io, "direct_io"),
        "report_unlisted": _flag(unlisted, "unlisted"),
        "strict": _flag(strict, "strict"),
    }
    options = _Owned(lib.checksig_options_new(), lib.checksig_options_free)
    lib.checksig_options_set_threads(options.pointer, thread_count)
    if manifest_bytes is not None:
        lib.checksig_options_set_manifest(options.pointer, manifest_bytes)
    for name, value in flags.items():
        getattr(lib, f"checksig_options_set_{name}")(options.pointer, value)
    lib.checksig_options_set_algorithm(options.pointer, algorithm_code)
    try:
        _add_keys(options.pointer, key_files)  # type: ignore[arg-type]
    except _Failure:
        options.close()
        raise
    return options


def _verify(
    root: PathArg,
    manifest: Optional[PathArg],
    threads: Optional[int],
    ignore_missing: bool,
    strict: bool,
    allow_outside_root: bool,
    mmap: bool,
    progress: Optional[Callable[[Progress], Optional[bool]]],
    algorithm: Optional[str] = None,
    unlisted: bool = False,
    sidecar: Optional[PathArg] = None,
    direct_io: bool = True,
    keys: Optional[Union[PathArg, Sequence[PathArg]]] = None,
) -> Report:
    """``verify`` without the translation of failures into public exceptions.

    With ``sidecar``, ``checksig_verify_sidecar`` verifies it (``root`` and
    ``manifest`` are then unused). A ``manifest`` of None leaves the
    library's default."""
    if sidecar is None:
        verify_function, target = lib.checksig_verify, _path_bytes(root, "root")
    else:
        verify_function, target = lib.checksig_verify_sidecar, _path_bytes(sidecar, "path")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable or None, not {type(progress).__name__}")
    options = _options(
        manifest=manifest,
        threads=threads,
        ignore_missing=ignore_missing,
        strict=strict,
        allow_outside_root=allow_outside_root,
        mmap=mmap,
        algorithm=algorithm,
        unlisted=unlisted,
        direct_io=direct_io,
        keys=keys,
    )

    def call() -> Report:
        pointer = _call_with_error(lambda error: verify_function(target, options.pointer, error))
        return _read_report(_Owned(pointer, lib.checksig_report_free))

    return _cancellable(call, options, progress)


def _cancellable(
    call: Callable[[], T],
    options: _Owned,
    progress: Optional[Callable[[Progress], Optional[bool]]] = None,
    stop: Optional[object] = None,
) -> T:
    """Runs ``call``, a C call made with the C ``options`` (which it closes
    when the call returns), so that it can be cancelled: the one place a
    verification gets its cancel handle and progress callback, for
    :func:`verify`, :func:`verify_sidecar` and :func:`checksig.verify_lines`.

    - ``progress`` becomes the options' progress callback; returning False
      cancels, and an exception it raises cancels and is raised here.
    - Ctrl-C cancels (:func:`_run_interruptibly`).
    - ``stop``, when given, is any object whose ``wait(timeout)`` returns
      True once it is set (a ``threading.Event``, a ``distributed.Event``
      set on another machine): a helper thread waits on it and triggers the
      cancel handle. It is not joined (it may be waiting on a scheduler):
      once the call has returned it no longer touches the handle.

    Raises :class:`_Failure` as the call does (``ERROR_CANCELLED`` once cancelled).
    """
    cancel = _Owned(lib.checksig_cancel_new(), lib.checksig_cancel_free)
    lib.checksig_options_set_cancel(options.pointer, cancel.pointer)
    raised: List[BaseException] = []
    if progress is not None:
        callback = _progress_callback(progress, raised)
        lib.checksig_options_set_progress(options.pointer, callback, None)
        options.keep_alive = callback  # C holds its address while `options` lives

    def run() -> T:
        # Runs on the helper thread and refers to `options` (and so to the
        # callback): they live until the C call has returned, even if the
        # calling thread stopped waiting (a second Ctrl-C).
        try:
            return call()
        finally:
            options.close()

    finished = threading.Event()
    lock = threading.Lock()
    if stop is not None:
        wait = getattr(stop, "wait")

        def watch() -> None:
            try:
                while not finished.is_set():
                    if wait(_STOP_POLL_SECONDS):
                        with lock:
                            if not finished.is_set():
                                lib.checksig_cancel_trigger(cancel.pointer)
                        return
            except Exception:  # the stop's source went away (a scheduler closing)
                return

        threading.Thread(target=watch, name="checksig-stop-watcher", daemon=True).start()
    try:
        return _run_interruptibly(run, cancel)
    except _Failure:
        if raised:
            raise raised[0] from None
        raise
    finally:
        with lock:
            finished.set()
        cancel.close()


#: How long the stop watcher of :func:`_cancellable` waits on ``stop`` at a
#: time (a ``distributed.Event`` waits on the scheduler: one request per wait).
_STOP_POLL_SECONDS = 0.5


def verify(
    root: PathArg,
    *,
    manifest: Optional[PathArg] = None,
    threads: Optional[int] = None,
    ignore_missing: bool = False,
    strict: bool = True,
    allow_outside_root: bool = False,
    mmap: bool = True,
    progress: Optional[Callable[[Progress], Optional[bool]]] = None,
    algorithm: Optional[str] = None,
    unlisted: bool = False,
    direct_io: bool = True,
    keys: Optional[Union[PathArg, Sequence[PathArg]]] = None,
) -> Report:
    """Verifies every file listed in ``root``'s manifest, in parallel.

    Returns a :class:`Report` even when files fail (check :attr:`Report.ok`
    or call :meth:`Report.raise_for_failures`).

    :param root: the directory (``str``, ``bytes`` or ``os.PathLike``).
    :param manifest: the manifest's path, relative to ``root`` unless absolute;
        None (the default) lets the library find it (``sha1sum.txt``, else
        ``SHA256SUMS``, ``sha256sum.txt``, ...: ``checksig::find_manifest``).
        A hash-only sidecar works too: ``manifest="file.iso.sha256"`` (or
        ``.sha1``, ``.sha512``, ``.md5``, ``.b3``, ``.blake3``, optionally
        ending in ``sum``, any case) holding one bare digest checks
        ``file.iso`` beside it; see :func:`verify_sidecar`.
    :param threads: worker threads; None means one per CPU.
    :param ignore_missing: a missing file is reported but is not a failure.
    :param strict: a malformed manifest line is a failure (``sha1sum --strict``),
        the default, as in the library, the C API and the CLI's DIR mode: a
        manifest cut mid-line fails. False reports such lines without failing
        on them, as ``sha1sum -c`` does.
    :param allow_outside_root: allow names that leave ``root`` (absolute, ``..``,
        symbolic links out); by default they are refused without being opened.
    :param mmap: memory-map large files (False reads them with ``read(2)``).
    :param direct_io: let large files (64 MiB or more) that are mostly not in
        the page cache be read with ``O_DIRECT`` when their fresh page-cache
        pages prove costly to touch (or from the start with ``mmap=False``);
        False reads them through the page cache, for a caller about to read
        them.
    :param progress: called with a :class:`Progress` about every 50 ms and at
        the end, on the thread running the verification (a helper thread when
        ``verify`` is called from the main thread); return False to cancel
        (raises :class:`Cancelled`). An exception it raises cancels the
        verification and propagates.
    :param algorithm: ``"sha1"``, ``"sha256"``, ``"sha512"``, ``"md5"`` or
        ``"blake3"``; None (the default) detects it from the manifest's BSD
        tag, file name (``SHA256SUMS``, ``*.md5``, ``b3sums``...) or digest length.
    :param unlisted: also report files under ``root`` that the manifest does
        not list, as :attr:`Status.UNLISTED` failures (line 0) after the
        manifest's entries, sorted by name.
    :param keys: trusted key files (one path or a sequence): OpenPGP keys or
        keyrings (armored or binary), minisign or signify public keys, SSH
        public keys or ``allowed_signers`` files. The manifest must then carry
        a good signature by one of them, beside it (``NAME.gpg``, ``.asc``,
        ``.sig``, ``.sign``, ``.minisig``) or inside it (clear-signed,
        signify's embedded form), checked before any digest is used; only the
        signed bytes are read. :attr:`Report.signer` says who signed. Without
        keys, a signed manifest's checksum lines are still checked and
        :attr:`Report.signature` says the signature was not checked.
    :raises SignatureError: when ``keys`` are given and the signature is
        missing, invalid, untrusted or not over the manifest (no file checked).
    :raises ValueError: for an unknown ``algorithm``, a path holding a NUL
        byte, or ``threads`` below 1.
    :raises TypeError: for an argument of the wrong type (``threads=1.5``,
        ``threads=True``, ``algorithm=5``, ``strict="yes"``...).
    :raises OverflowError: for ``threads`` beyond the C ``size_t``.
    :raises FileNotFoundError: (or another ``OSError``, its ``filename`` set)
        when the manifest or the root cannot be read.
    :raises KeyboardInterrupt: on Ctrl-C, after cancelling the verification.

    The GIL is released while files are hashed, and the call may be made
    from many threads at once and in a forked child process.

    >>> report = checksig.verify("/tmp/logs", threads=4)    # doctest: +SKIP
    >>> for entry in report.failures:                       # doctest: +SKIP
    ...     print(entry.message)
    "/tmp/logs/httpd-08.log" - mismatch
    """
    try:
        return _verify(
            root,
            manifest,
            threads,
            ignore_missing,
            strict,
            allow_outside_root,
            mmap,
            progress,
            algorithm,
            unlisted,
            direct_io=direct_io,
            keys=keys,
        )
    except _Failure as failure:
        raise failure.public() from None


def verify_sidecar(
    path: PathArg,
    *,
    threads: Optional[int] = None,
    allow_outside_root: bool = False,
    mmap: bool = True,
    progress: Optional[Callable[[Progress], Optional[bool]]] = None,
    algorithm: Optional[str] = None,
    direct_io: bool = True,
) -> Report:
    """Verifies the file a hash-only sidecar checks, given the sidecar's path:
    ``dl/file.iso.sha256``, holding one bare digest (as download pages offer)
    or one line ``<digest>  file.iso``, checks ``dl/file.iso``.

    The sidecar's name must end in ``.sha1``, ``.sha256``, ``.sha512``,
    ``.md5``, ``.b3`` or ``.blake3``, optionally followed by ``sum``, in any
    case; the extension chooses the algorithm unless ``algorithm`` forces one.
    The same as ``verify(os.path.dirname(path), manifest=os.path.basename(path),
    strict=True)``: the :class:`Report` has one :class:`Entry`, line 1, for
    ``file.iso`` (``Status.OK``, ``MISMATCH``, ``MISSING``...), or a
    ``Status.MALFORMED`` failure whose message says which digest was
    expected when the sidecar does not hold one of the right length. The
    other parameters are :func:`verify`'s.

    :raises ValueError: when the name has no algorithm's extension, or for an
        unknown ``algorithm``.
    :raises FileNotFoundError: (or another ``OSError``) when the sidecar
        cannot be read.
    :raises ChecksigError: when the sidecar is a FIFO, device or directory.

    >>> report = checksig.verify_sidecar("dl/debian.iso.sha256")   # doctest: +SKIP
    >>> report.ok, report[0].path                                 # doctest: +SKIP
    (True, 'dl/debian.iso')
    """
    try:
        return _verify(
            "",
            "",
            threads,
            False,
            True,
            allow_outside_root,
            mmap,
            progress,
            algorithm,
            sidecar=path,
            direct_io=direct_io,
        )
    except _Failure as failure:
        raise failure.public() from None


def check_signatures(
    root_dir: PathArg, *, keys: Optional[Union[PathArg, Sequence[PathArg]]] = None
) -> None:
    """The article's API: checks (in parallel) every file listed in
    ``root_dir/sha1sum.txt``.

    Returns None when every file matches; otherwise raises ``ValueError``
    whose message is exactly what the article's Go library returns, one
    failure per line, e.g. ``"/tmp/logs/httpd-08.log" - mismatch``. A missing
    manifest, a malformed line and a name leaving ``root_dir`` are failures too.

    With ``keys`` (trusted key files, as :func:`verify` takes them),
    ``sha1sum.txt`` must also carry a good signature by one of them (beside
    it, ``sha1sum.txt.gpg``..., or inside it), checked first: otherwise
    ``ValueError`` names the manifest, the keys and the reason, and no file
    is checked. A key file that cannot be used raises ``ValueError`` too.

    >>> checksig.check_signatures("/tmp/logs")              # doctest: +SKIP
    Traceback (most recent call last):
    ValueError: "/tmp/logs/httpd-08.log" - mismatch
    """
    try:
        report = _verify(root_dir, "sha1sum.txt", None, False, True, False, True, None, keys=keys)
    except _Failure as failure:
        raise ValueError(failure.message) from None
    if report.message is not None:
        raise ValueError(report.message)


def hash_file(path: PathArg, algorithm: str = "sha1", *, length: Optional[int] = None) -> str:
    """The digest of the regular file at ``path`` (SHA-1 unless ``algorithm``
    says ``"sha256"``, ``"sha512"``, ``"md5"``, ``"blake3"`` or another of
    :data:`ALGORITHMS`), in lowercase hex, read the same way verification
    reads it. ``length`` is the digest's length in bits, as ``b2sum -l``
    takes it: BLAKE2b takes a multiple of 8 from 8 to 512, any other
    algorithm only its own (None: the algorithm's own, 512 for BLAKE2b).

    :raises ValueError: for an unknown algorithm or a length it does not have.

    :raises FileNotFoundError: (or another ``OSError``) when it cannot be read.
    :raises ChecksigError: when it is not a regular file or changed while read.
    :raises KeyboardInterrupt: on Ctrl-C, after cancelling the hashing (which
        stops within a few MiB, even inside one large file).

    >>> checksig.hash_file("/tmp/logs/httpd-00.log")        # doctest: +SKIP
    '6659cb84ab403dc85962fc77b9156924bbbaab2c'
    >>> checksig.hash_file("abc.txt", "blake2b", length=128)  # doctest: +SKIP
    'cf4ab791c62b8d2b2109c90275287816'
    """
    # The C ABI's checksig_hash_file_algorithm takes no cancel handle:
    # hashing one file through the cancellable many-files call is what lets
    # Ctrl-C stop it (it reads the file the same way).
    return _hashes([path], algorithm, None, length)[0][0]


def _new_cancel() -> _Owned:
    """A cancel handle for :func:`_run_interruptibly` and a call that borrows it.

    Never closed explicitly: the call (on the helper thread) borrows it until
    it returns, which after a second Ctrl-C is later than the caller's
    return, and the main thread may trigger it until then too. The handle is
    freed when the last of them drops its reference."""
    return _Owned(lib.checksig_cancel_new(), lib.checksig_cancel_free)


def _hashes(
    paths: Sequence[PathArg], algorithm: str, threads: Optional[int], length: Optional[int]
) -> List[Tuple[str, bytes, bytes]]:
    """Every file's digest and its two GNU lines (text, tagged), hashed in
    parallel by ``checksig_hash_files_cancellable`` (Ctrl-C cancels it);
    raises the first file's failure."""
    thread_count = _threads(threads)
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise TypeError("paths must be a sequence of paths, not one path")
    code = _algorithm_code(algorithm, length)
    paths = list(paths)
    encoded = [_path_bytes(path, "path") for path in paths]
    array = (ctypes.c_char_p * len(encoded))(*encoded)
    cancel = _new_cancel()

    def call() -> List[Tuple[str, bytes, bytes]]:
        pointer = _call_with_error(
            lambda error: lib.checksig_hash_files_cancellable(
                array, len(encoded), code, thread_count, cancel.pointer, error
            )
        )
        hashes = _Owned(pointer, lib.checksig_hashes_free)
        try:
            results = []
            for index in range(lib.checksig_hashes_len(hashes.pointer)):
                try:
                    hex_digest: bytes = _call_with_error(
                        lambda error: lib.checksig_hashes_digest(hashes.pointer, index, error)
                    )
                except _Failure as failure:
                    failure.filename = os.fspath(paths[index])  # as open() reports it
                    raise
                results.append(
                    (
                        hex_digest.decode("ascii"),
                        lib.checksig_hashes_line(hashes.pointer, index, False),
                        lib.checksig_hashes_line(hashes.pointer, index, True),
                    )
                )
            return results
        finally:
            hashes.close()

    try:
        return _run_interruptibly(call, cancel)
    except _Failure as failure:
        raise failure.public() from None


def hash_files(
    paths: Sequence[PathArg],
    algorithm: str = "sha1",
    *,
    threads: Optional[int] = None,
    length: Optional[int] = None,
) -> List[str]:
    """The digests of ``paths``, in their order, in lowercase hex: what
    :func:`hash_file` gives for each (``length`` as it takes it), but hashed
    in parallel on ``threads`` threads (None: one per CPU).

    :raises FileNotFoundError: (or another ``OSError``) for the first file,
        in order, that cannot be read (every file is hashed first).
    :raises ChecksigError: for the first that is not a regular file or
        changed while read.
    :raises KeyboardInterrupt: on Ctrl-C, after cancelling the hashing (which
        stops within a few MiB, even inside one large file).

    The GIL is released while files are hashed.

    >>> checksig.hash_files(["a.iso", "b.iso"], "sha256")         # doctest: +SKIP
    ['ba7816bf...', '3a985da7...']
    """
    return [digest for digest, _, _ in _hashes(paths, algorithm, threads, length)]


def hash_lines(
    paths: Sequence[PathArg],
    algorithm: str = "sha1",
    *,
    threads: Optional[int] = None,
    tag: bool = False,
    length: Optional[int] = None,
) -> bytes:
    """What ``sha1sum FILE...`` prints for ``paths`` (or ``sha256sum`` and
    the others for ``algorithm``, ``b2sum -l 256`` for ``"blake2b"`` with
    ``length=256``; ``sha256sum --tag`` with ``tag=True``),
    byte for byte: one line per path as given, names escaped as GNU escapes
    them, files hashed in parallel as :func:`hash_files` hashes them. Raises
    as :func:`hash_files` does (``KeyboardInterrupt`` on Ctrl-C included).

    >>> checksig.hash_lines(["a.iso"], "sha256")                 # doctest: +SKIP
    b'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.iso\n'
    """
    tagged_lines = _flag(tag, "tag")
    hashes = _hashes(paths, algorithm, threads, length)
    return b"".join(tagged if tagged_lines else text for _, text, tagged in hashes)


def create_manifest(
    directory: PathArg,
    algorithm: str = "sha1",
    *,
    threads: Optional[int] = None,
    skip: Optional[PathArg] = None,
    length: Optional[int] = None,
) -> bytes:
    """A manifest of every regular file under ``directory`` (symbolic links
    neither followed nor listed), sorted by name, relative to it, in GNU's
    format for ``algorithm`` (what ``sha256sum`` and the others write, names
    escaped as GNU escapes them). Write it to ``directory / "sha256sum.txt"``
    (or the like) to verify the directory later. ``skip`` is a file to leave
    out, such as that manifest when it is rewritten (a path as ``open`` takes
    it, not relative to ``directory``). ``length`` is the digest's length in
    bits, as :func:`hash_file` takes it (``b2sum -l``).

    :raises FileNotFoundError: (or another ``OSError``) when ``directory``
        cannot be listed or a file cannot be read.
    :raises ChecksigError: when a file changed while it was read.
    :raises KeyboardInterrupt: on Ctrl-C, after cancelling the listing and
        hashing (which stops within a few MiB, even inside one large file).

    The GIL is released while files are hashed.

    >>> checksig.create_manifest("/tmp/logs", "sha256")     # doctest: +SKIP
    b'c2ee...  httpd-00.log\\n...'
    """
    thread_count = _threads(threads)
    code = _algorithm_code(algorithm, length)
    dir_bytes = _path_bytes(directory, "directory")
    skip_bytes = None if skip is None else _path_bytes(skip, "skip")
    cancel = _new_cancel()

    def call() -> bytes:
        pointer = _call_with_error(
            lambda error: lib.checksig_create_manifest_cancellable(
                dir_bytes, code, thread_count, skip_bytes, cancel.pointer, error
            )
        )
        try:
            return ctypes.string_at(pointer)
        finally:
            lib.checksig_free(pointer)

    try:
        return _run_interruptibly(call, cancel)
    except _Failure as failure:
        raise failure.public() from None


def library_version() -> str:
    """The version of the loaded shared library, e.g. ``"0.1.0"``."""
    version: bytes = lib.checksig_version()
    return version.decode("ascii")
