"""One manifest verified across a Dask cluster (``pip install 'checksig[dask]'``).

The driver plans once: it reads the manifest, stats every listed file and
cuts the entries into partitions balanced by cost (:func:`checksig.plan`),
a few per worker, the one holding the largest file first. Each partition
runs on a worker that mounts the same file system, in-process, with the
library's own threads (:func:`checksig.verify_lines`); its results come
back as bytes and the driver merges them in manifest order
(:meth:`checksig.Plan.merge`). Malformed lines, unlisted files and the
manifest's own checks are the driver's, done once.

>>> from distributed import Client                          # doctest: +SKIP
>>> import checksig.dask
>>> client = Client("tcp://scheduler:8786")                 # doctest: +SKIP
>>> report = checksig.dask.verify("/lustre/run42", client)  # doctest: +SKIP
>>> report.summary                                          # doctest: +SKIP
'1200000 OK'

From a shell: ``python -m checksig.dask --scheduler tcp://scheduler:8786 PATH``
prints what ``checksig PATH`` prints (failures, then the summary line).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import queue
import socket
import sys
import threading
import time
import uuid
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from . import _cliformat, _partition
from ._api import Cancelled, ChecksigError, PathArg, Progress, Report

try:
    # Imported by name and typed Any: distributed's annotations are partial,
    # and mypy checks this package where the extra may not be installed.
    distributed: Any = importlib.import_module("distributed")
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "checksig.dask needs dask and distributed: pip install 'checksig[dask]'"
    ) from error

#: Partitions per worker when ``partitions`` is not given: enough that a
#: slow worker or an unlucky partition is evened out by the others.
PARTITIONS_PER_WORKER = 4

#: Tasks estimated to take at least this long (``Partition.cost``, seconds
#: on one thread) watch for the driver's stop while they run: a watcher
#: waits on the scheduler half a second at a time, which shorter tasks
#: would only pay for.
STOP_WATCH_MIN_SECONDS = 1.0

class WorkerError(ChecksigError):
    """A worker could not verify its partition; the message names the worker
    (address and host) and the path, e.g. a root it cannot see."""


def _worker_identity(slots: Dict[str, int]) -> Tuple[Any, str, int]:
    """This worker (None when not on one), its address and host, and how
    many tasks run at once on its host: ``slots`` of its host (the task
    slots of every worker there, as the driver saw them), else its own."""
    try:
        worker = distributed.get_worker()
    except ValueError:  # not on a worker (a local test call)
        return None, f"local process {os.getpid()} on {socket.gethostname()}", 1
    state = getattr(worker, "state", worker)
    tasks = int(getattr(state, "nthreads", None) or getattr(worker, "nthreads", 1) or 1)
    tasks = slots.get(_host(worker.address), tasks)
    return worker, f"{worker.address} on {socket.gethostname()}", tasks


def _host(address: str) -> str:
    """The host of a worker's address (``tcp://10.0.0.7:40123``: ``10.0.0.7``)."""
    try:
        return str(distributed.comm.get_address_host(address))
    except Exception:  # an address of a kind this Dask does not parse
        return address


def _slots(workers: Dict[str, int]) -> Dict[str, int]:
    """Task slots by host, from each worker's (``Client.nthreads()``): the
    tasks that may run at once on each machine, which share its CPUs."""
    slots: Dict[str, int] = {}
    for address, threads in workers.items():
        host = _host(address)
        slots[host] = slots.get(host, 0) + max(1, int(threads))
    return slots


def _publisher(worker: Any, run: str, index: int) -> Callable[[Progress], None]:
    """A progress callback that publishes this partition's figures to the
    driver (event topic :data:`PROGRESS_TOPIC`, at most every
    :data:`PUBLISH_SECONDS`); the last figures need not be sent, the
    task's end says them. Should publishing fail, it stops: the hashing
    goes on."""
    last = [0.0]

    def publish(figures: Progress) -> None:
        now = time.monotonic()
        if now - last[0] >= PUBLISH_SECONDS:
            last[0] = now
            try:
                worker.log_event(PROGRESS_TOPIC, [run, index, figures.bytes_done, figures.files_done])
            except Exception:  # a worker closing: progress is news, not results
                last[0] = float("inf")

    return publish


def _verify_partition(
    root: PathArg,
    ranges: Sequence[Tuple[int, int]],
    options: Dict[str, Any],
    stop: Optional[str] = None,
    report_as: Optional[Tuple[str, int]] = None,
    slots: Optional[Dict[str, int]] = None,
) -> bytes:
    """The task: one partition verified on this worker, in-process. With no
    ``threads`` option, the CPUs are shared among the tasks that run at once
    on this host (``slots``, by host: several workers may share a machine,
    as a ``LocalCluster`` or dask-jobqueue's ``processes`` make them). Once
    the ``distributed.Event`` named ``stop`` is set (the driver cancelled),
    the library's cancel handle stops the hashing. With
    ``report_as`` (the run and this partition's index), its progress is
    published to the driver as it hashes."""
    worker, where, tasks = _worker_identity(slots or {})
    options = dict(options)
    if options.get("threads") is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        options["threads"] = max(1, cpus // max(1, tasks))
    progress = None if report_as is None or worker is None else _publisher(worker, *report_as)
    try:
        event = distributed.Event(stop, client=distributed.get_client()) if stop is not None else None
        return _partition.verify_lines(root, ranges, progress=progress, stop=event, **options)
    except OSError as error:
        raise WorkerError(
            f"worker {where} cannot verify {os.fsdecode(root)!r}: {error}"
        ) from None


def verify(
    root: PathArg,
    client: Any,
    *,
    partitions: Optional[int] = None,
    progress: Optional[Callable[[Progress], Optional[bool]]] = None,
    **options: Any,
) -> Report:
    """Verifies ``root``'s manifest on the workers of ``client``'s cluster, which
    must all mount ``root`` at the same path; returns the same :class:`Report`
    as :func:`checksig.verify` with the same options, entry for entry.

    :param partitions: how many parts to cut the manifest into (at most one
        per entry); default :data:`PARTITIONS_PER_WORKER` per worker.
    :param progress: called on the calling thread with a :class:`Progress`
        as the workers hash (each task publishes its figures to the driver
        every :data:`PUBLISH_SECONDS` or so, through the scheduler's event
        log, topic :data:`PROGRESS_TOPIC`) and as partitions finish, the
        figures summed over every worker and never going back (malformed
        lines count as done from the start); return False to cancel (raises
        :class:`checksig.Cancelled`). An exception it raises cancels too.
    :param options: the keyword options of :func:`checksig.verify`
        (``manifest``, ``threads`` per worker task (default: the CPUs of
        the task's machine over the task slots of every worker there),
        ``ignore_missing``,
        ``strict``, ``allow_outside_root``, ``mmap``, ``algorithm``,
        ``unlisted``, ``direct_io``).
    :raises WorkerError: when a worker cannot verify its part (naming the
        worker and the path: a root it does not see, say). Futures not yet
        done are cancelled.
    :raises KeyboardInterrupt: on Ctrl-C, after cancelling the futures;
        a task already running whose partition was estimated at a second
        or more stops hashing within a second (a ``distributed.Event`` its
        worker waits on triggers the library's cancel handle); shorter ones
        finish.

    A worker that dies mid-run is replaced by Dask, which runs its
    partitions again elsewhere: the report is still complete.
    """
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable or None, not {type(progress).__name__}")
    workers = client.nthreads()
    plan = _partition.plan(root, _partition_count(workers, partitions), **options)
    try:
        return _run(plan, root, client, options, progress, _slots(workers))
    finally:
        plan.close()


def _partition_count(workers: Dict[str, int], partitions: Optional[int]) -> int:
    """``partitions``, or :data:`PARTITIONS_PER_WORKER` per worker."""
    if partitions is not None:
        return partitions
    return PARTITIONS_PER_WORKER * max(1, len(workers))


#: A finished partition, in the driver's queue of news (in place of its bytes done).
_FINISHED = -1


def _run(
    plan: _partition.Plan,
    root: PathArg,
    client: Any,
    options: Dict[str, Any],
    progress: Optional[Callable[[Progress], Optional[bool]]],
    slots: Dict[str, int],
) -> Report:
    run = uuid.uuid4().hex[:12]
    count = len(plan.partitions)
    futures: List[Any] = []
    # What the driver waits for: (partition, bytes done, files done) as a
    # worker publishes them, (partition, _FINISHED, 0) as a task ends.
    news: "queue.SimpleQueue[Tuple[int, int, int]]" = queue.SimpleQueue()
    # Set on cancel: a task already running stops hashing (Dask cancels
    # only the tasks that have not started).
    stop = distributed.Event(f"checksig-stop-{run}", client=client)
    with contextlib.ExitStack() as listening:
        if progress is not None:
            listening.enter_context(_listening(client, run, news))
        try:
            for index, partition in enumerate(plan.partitions):
                future = client.submit(
                    _verify_partition,
                    root,
                    partition.ranges,
                    options,
                    # Short tasks end before a stop could reach them: only
                    # long ones wait on the scheduler for it.
                    stop.name if partition.cost >= STOP_WATCH_MIN_SECONDS else None,
                    (run, index) if progress is not None else None,
                    slots,
                    key=f"checksig-verify-{run}-{index}",
                    pure=False,
                    # The partition holding the largest file starts first.
                    priority=count - index,
                )
                future.add_done_callback(lambda _future, index=index: news.put((index, _FINISHED, 0)))
                futures.append(future)
            finished = [False] * count
            # Each partition's latest figures: as published while it runs
            # (never going back, should a task be run again), then the plan's.
            figures = [(0, 0)] * count
            # Their sums; malformed lines count as done from the start.
            total_bytes, total_files = 0, plan.lines - plan.files
            remaining = count
            while remaining:
                try:
                    index, done_bytes, done_files = news.get(timeout=_WAKE_SECONDS)
                except queue.Empty:  # lets Ctrl-C in
                    continue
                if finished[index]:
                    continue  # late news of a finished partition
                if done_bytes == _FINISHED:
                    if futures[index].status != "finished":
                        futures[index].result()  # raises the worker's error
                    finished[index] = True
                    remaining -= 1
                    done_bytes, done_files = plan.partitions[index].bytes, plan.partitions[index].files
                before_bytes, before_files = figures[index]
                done_bytes, done_files = max(before_bytes, done_bytes), max(before_files, done_files)
                figures[index] = (done_bytes, done_files)
                total_bytes += done_bytes - before_bytes
                total_files += done_files - before_files
                if progress is not None and figures[index] != (before_bytes, before_files):
                    if progress(Progress(total_bytes, plan.bytes, total_files, plan.lines)) is False:
                        raise Cancelled("verification cancelled")
            # Fetched at the end, all at once: one round trip.
            parts: List[bytes] = client.gather(futures)
        except BaseException:
            stop.set()
            client.cancel(futures)
            raise
    return plan.merge(parts)


#: The event topic on which tasks publish their progress: one topic, its
#: messages ``[run, partition, bytes done, files done]``, so that the
#: scheduler keeps one bounded log of them however many runs there are.
PROGRESS_TOPIC = "checksig-progress"

#: A task publishes its progress at most this often.
PUBLISH_SECONDS = 0.2

#: How long the driver waits for news at a time (between, Ctrl-C gets in).
_WAKE_SECONDS = 0.1

#: The runs listening to :data:`PROGRESS_TOPIC`, by run: where their news go.
_listeners: Dict[str, "queue.SimpleQueue[Tuple[int, int, int]]"] = {}
#: How many runs listen, by client: the first subscribes, the last unsubscribes.
_subscribed: Dict[str, int] = {}
_listeners_lock = threading.Lock()


def _on_progress(event: Tuple[float, Any]) -> None:
    """The client's handler of :data:`PROGRESS_TOPIC` (on its event loop):
    a run's news to its queue; others' ignored."""
    try:
        run, index, done_bytes, done_files = event[1]
        news = _listeners.get(run)
        if news is not None:
            news.put((int(index), int(done_bytes), int(done_files)))
    except (TypeError, ValueError):  # not ours
        pass


@contextlib.contextmanager
def _listening(client: Any, run: str, news: "queue.SimpleQueue[Tuple[int, int, int]]") -> Iterator[None]:
    """While inside, the progress the tasks of ``run`` publish goes to ``news``."""
    with _listeners_lock:
        _listeners[run] = news
        runs = _subscribed.get(client.id, 0)
        if runs == 0:
            client.subscribe_topic(PROGRESS_TOPIC, _on_progress)
        _subscribed[client.id] = runs + 1
    try:
        yield
    finally:
        with _listeners_lock:
            del _listeners[run]
            runs = _subscribed.pop(client.id) - 1
            if runs:
                _subscribed[client.id] = runs
            elif client.status not in ("closing", "closed"):
                client.unsubscribe_topic(PROGRESS_TOPIC)


def main(argv: Optional[List[str]] = None) -> int:
    """``python -m checksig.dask --scheduler ADDRESS PATH``: exit status 0
    when every file matched, 1 when one failed, 2 when PATH could not be
    verified."""
    parser = argparse.ArgumentParser(
        prog="python -m checksig.dask",
        description="Verify PATH (a directory, or a manifest in one) on a Dask cluster "
        "whose workers mount it at the same path; prints what `checksig PATH` prints.",
    )
    parser.add_argument("--scheduler", required=True, help="the scheduler's address, e.g. tcp://host:8786")
    parser.add_argument("--partitions", type=int, default=None, help="parts to cut the manifest into")
    parser.add_argument("--threads", type=int, default=None, help="threads per task on a worker")
    parser.add_argument("--unlisted", action="store_true", help="also report files the manifest does not list")
    parser.add_argument("path", help="a directory, or a manifest (or sidecar) file in one")
    args = parser.parse_args(argv)
    path = os.fsencode(args.path)
    if os.path.isdir(path):
        root, manifest = path, None
    else:
        root, manifest = os.path.dirname(path) or b".", os.path.basename(path)
    options: Dict[str, Any] = {"threads": args.threads, "unlisted": args.unlisted}
    if manifest is not None:
        options["manifest"] = manifest
    with distributed.Client(args.scheduler) as client:
        try:
            workers = client.nthreads()
            plan = _partition.plan(root, _partition_count(workers, args.partitions), **options)
            try:
                report = _run(plan, root, client, options, None, _slots(workers))
                shown = os.path.join(root, plan.manifest)
            finally:
                plan.close()
        except (OSError, ValueError, ChecksigError) as error:
            print(f"checksig: {args.path}: {error}", file=sys.stderr)
            return 2
    out = sys.stdout.buffer
    for line in _cliformat.report_lines(report, shown):
        out.write(line + b"\n")
    out.flush()
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
