"""checksig.dask on a LocalCluster of two worker processes: the same report
as checksig.verify, a worker killed mid-run, a root a worker cannot see,
cancellation, and each process start method. Skipped without the extra
(``pip install 'checksig[dask]'``)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

import checksig  # noqa: E402
import checksig.dask  # noqa: E402
from checksig.__main__ import find_command  # noqa: E402

from conftest import make_tree, sha1_hex  # noqa: E402


def local_cluster(method: str = "spawn") -> "distributed.LocalCluster":
    with dask.config.set({"distributed.worker.multiprocessing-method": method}):
        return distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=50,
        )


@pytest.fixture(scope="module")
def client() -> Iterator["distributed.Client"]:
    cluster = local_cluster()
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def adversarial(root: Path) -> Path:
    """Mismatches, missing files, malformed lines, duplicates, non-UTF-8
    names, a name leaving the root, a comment, a large file and an unlisted one."""
    files: Dict[Any, bytes] = {f"small-{i:03d}": b"x" * (i * 37 % 900) for i in range(60)}
    files[b"caf\xe9-latin1"] = b"latin-1"
    files["large.bin"] = bytes(range(256)) * (80 * 1024)  # 20 MiB: mapped
    files["new\nline"] = b"newline in the name"  # listed raw: two lines, one malformed
    extra = [
        b"not a manifest line\n",
        sha1_hex(b"x").encode() + b"  small-001\n",  # a duplicate, with a wrong digest
        sha1_hex(b"gone").encode() + b"  gone.txt\n",
        b"# a comment\n",
        sha1_hex(b"s").encode() + b"  ../outside\n",
        sha1_hex(b"").encode() + b"  small-000\n",  # a duplicate, right
        b"0123 short\n",
        b"\\" + sha1_hex(b"newline in the name").encode() + b"  new\\nline\n",  # escaped: right
    ]
    make_tree(root, files, wrong=["small-007", "small-042", b"caf\xe9-latin1"], extra_lines=extra)
    (root / "unlisted.py").write_bytes(b"import os\n")
    return root


OPTIONS: List[Dict[str, Any]] = [
    {},
    {"unlisted": True},
    {"strict": False, "ignore_missing": True, "mmap": False},
    {"allow_outside_root": True, "threads": 1},
]


@pytest.mark.parametrize("options", OPTIONS)
def test_the_same_report_as_one_process(client, tmp_path: Path, options: Dict[str, Any]) -> None:
    root = adversarial(tmp_path / "tree")
    local = checksig.verify(root, **options)
    assert local.count(checksig.Status.MISMATCH) == 4 and local.count(checksig.Status.MALFORMED) == 3
    for partitions in (None, 1, 7, 1000):
        report = checksig.dask.verify(root, client, partitions=partitions, **options)
        assert isinstance(report, checksig.Report)
        assert report.entries == local.entries, partitions
        assert (report.ok, report.summary, report.message) == (local.ok, local.summary, local.message)


def test_an_all_good_tree_and_a_bytes_root(client, logs: Path) -> None:
    report = checksig.dask.verify(os.fsencode(logs), client)
    assert report.ok and report.entries == checksig.verify(logs).entries


def test_progress_adds_up_across_workers(client, tmp_path: Path) -> None:
    root = adversarial(tmp_path / "tree")
    seen: List[checksig.Progress] = []
    checksig.dask.verify(root, client, partitions=6, progress=seen.append)
    plan = checksig.plan(root, 6)
    assert len(seen) >= 2
    last = seen[-1]
    assert (last.bytes_done, last.files_done) == (plan.bytes, plan.lines) == (last.bytes_total, last.files_total)
    assert all(a.files_done <= b.files_done for a, b in zip(seen, seen[1:]))


def test_progress_moves_within_a_partition(client, tmp_path: Path) -> None:
    # One partition, one 8 GiB sparse file: seconds to hash. Before the
    # workers published their progress, the first figures came when the
    # partition ended, all bytes done; now some come while it hashes, and
    # returning False then cancels it.
    root = make_tree(tmp_path / "sparse", {"small": b"s"})
    with open(os.path.join(root, b"sparse"), "wb") as sparse:
        sparse.truncate(8 << 30)
    with open(os.path.join(root, b"sha1sum.txt"), "ab") as manifest:
        manifest.write(b"0" * 40 + b"  sparse\n")
    seen: List[checksig.Progress] = []

    def progress(figures: checksig.Progress) -> bool:
        seen.append(figures)
        return not 0 < figures.bytes_done < figures.bytes_total

    with pytest.raises(checksig.Cancelled):
        checksig.dask.verify(root, client, partitions=1, threads=1, progress=progress)
    assert seen and seen[-1].bytes_total == (8 << 30) + 1 and seen[-1].files_total == 2
    assert all(a.bytes_done <= b.bytes_done for a, b in zip(seen, seen[1:]))


def test_tasks_on_one_host_share_its_cpus(client) -> None:
    # Two workers of one task slot each on this machine: a task's default
    # threads are the machine's CPUs over two, not over one (which ran four
    # hashing threads on two cores).
    slots = checksig.dask._slots(client.nthreads())
    assert list(slots.values()) == [2]
    tasks = [
        client.submit(lambda: checksig.dask._worker_identity(slots)[2], pure=False, workers=[worker])
        for worker in client.nthreads()
    ]
    assert client.gather(tasks) == [2, 2]


def test_the_plan_states_its_lower_bound(tmp_path: Path) -> None:
    root = adversarial(tmp_path / "tree")
    plan = checksig.plan(root, 4)
    assert plan.largest_file == 20 * 1024 * 1024
    assert plan.partitions[0].bytes >= plan.largest_file
    assert 0 < plan.lower_bound <= plan.cost
    assert plan.manifest == b"sha1sum.txt"
    malformed = checksig.verify(root).count(checksig.Status.MALFORMED)
    assert sum(p.files for p in plan.partitions) == plan.files == plan.lines - malformed == 68


def test_parts_that_do_not_fit_are_refused(tmp_path: Path) -> None:
    root = adversarial(tmp_path / "tree")
    plan = checksig.plan(root, 3)
    parts = [checksig.verify_lines(root, p.ranges) for p in plan.partitions]
    known: Dict[int, checksig.Entry] = {}
    for part in parts:
        known.update(plan.part_entries(part))
    whole = checksig.verify(root)
    assert plan.merge(parts).entries == whole.entries
    assert [e for e in whole.entries if e.line in known] == sorted(known.values(), key=lambda e: e.line)
    with pytest.raises(ValueError, match="do not fit the plan"):
        plan.part_entries(b"garbage")
    with pytest.raises(ValueError, match="has no result"):
        plan.merge(parts[1:])
    with pytest.raises(ValueError, match="not a partition's results"):
        plan.merge(parts + [b"garbage and more garbage"])


def test_a_worker_killed_mid_run_is_replaced_and_the_report_complete(client, tmp_path: Path) -> None:
    files = {f"f{i:03d}": bytes([i]) * (2 << 20) for i in range(48)}
    root = make_tree(tmp_path / "big", files, wrong=["f010"])
    local = checksig.verify(root)
    pids = client.run(os.getpid)
    killed: List[str] = []

    def kill_a_busy_worker() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not killed:
            for worker, keys in client.processing().items():
                if any(str(key).startswith("checksig-verify") for key in keys) and worker in pids:
                    os.kill(pids[worker], signal.SIGKILL)
                    killed.append(worker)
                    return
            time.sleep(0.002)

    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    try:
        report = checksig.dask.verify(root, client, partitions=24, threads=1)
    finally:
        killer.join()
    assert killed, "no worker was busy to be killed"
    assert report.entries == local.entries
    client.wait_for_workers(2, timeout=60)


def test_a_root_a_worker_cannot_see_names_the_worker_and_the_path(
    client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    adversarial(tmp_path / "tree")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(tmp_path)
    # The driver sees ./tree; the workers look for it in another directory.
    before = client.run(os.getcwd)
    client.run(os.chdir, str(elsewhere))
    try:
        with pytest.raises(checksig.dask.WorkerError) as raised:
            checksig.dask.verify("tree", client)
    finally:
        for worker, cwd in before.items():
            client.run(os.chdir, cwd, workers=[worker])
    message = str(raised.value)
    assert "'tree'" in message and "No such file or directory" in message
    assert any(worker in message for worker in before), message


class SpyCancel:
    def __init__(self, client: "distributed.Client") -> None:
        self.cancel = client.cancel
        self.cancelled: List[Any] = []

    def __call__(self, futures: Any, *args: Any, **kwargs: Any) -> Any:
        self.cancelled.extend(futures)
        return self.cancel(futures, *args, **kwargs)


@pytest.mark.parametrize("stop", ["return False", "Ctrl-C"])
def test_cancelling_cancels_the_futures(client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: str) -> None:
    root = adversarial(tmp_path / "tree")
    spy = SpyCancel(client)
    monkeypatch.setattr(client, "cancel", spy)

    def progress(_figures: checksig.Progress) -> bool:
        if stop == "Ctrl-C":
            raise KeyboardInterrupt
        return False

    expected = checksig.Cancelled if stop == "return False" else KeyboardInterrupt
    with pytest.raises(expected):
        checksig.dask.verify(root, client, partitions=8, progress=progress)
    assert len(spy.cancelled) == 8
    assert all(str(future.key).startswith("checksig-verify") for future in spy.cancelled)


def test_a_real_sigint_cancels_the_futures(client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = adversarial(tmp_path / "tree")
    spy = SpyCancel(client)
    monkeypatch.setattr(client, "cancel", spy)
    # The driver is waiting on its futures when the signal comes: a progress
    # callback that sleeps after the first partition keeps it there.
    first = threading.Event()

    def progress(_figures: checksig.Progress) -> None:
        first.set()
        time.sleep(0.2)

    interrupter = threading.Thread(
        target=lambda: first.wait(30) and os.kill(os.getpid(), signal.SIGINT)
    )
    interrupter.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            for _ in range(50):  # until the signal lands mid-run
                checksig.dask.verify(root, client, partitions=8, progress=progress)
    finally:
        interrupter.join()
    assert spy.cancelled


def test_cancelling_stops_a_task_already_running(client, tmp_path: Path) -> None:
    # A 1 TiB sparse file: minutes to hash, so only a stop ends its task soon.
    root = make_tree(tmp_path / "huge", {"small": b"s"})
    with open(os.path.join(root, b"huge"), "wb") as huge:
        huge.truncate(1 << 40)
    with open(os.path.join(root, b"sha1sum.txt"), "ab") as manifest:
        manifest.write(b"0" * 40 + b"  huge\n")

    def executing() -> List[str]:
        found = client.run(lambda dask_worker: [str(ts.key) for ts in dask_worker.state.executing])
        return [key for keys in found.values() for key in keys if key.startswith("checksig-verify")]

    def interrupt_once_hashing() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not executing():
            time.sleep(0.05)
        time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGINT)

    interrupter = threading.Thread(target=interrupt_once_hashing)
    interrupter.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            checksig.dask.verify(root, client, partitions=2)
    finally:
        interrupter.join()
    deadline = time.monotonic() + 15
    while executing() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not executing(), "the task hashing the huge file still runs"


@pytest.mark.parametrize("method", ["spawn", "forkserver", "fork"])
def test_every_start_method(tmp_path: Path, method: str) -> None:
    root = adversarial(tmp_path / "tree")
    cluster = local_cluster(method)
    try:
        with distributed.Client(cluster) as client:
            report = checksig.dask.verify(root, client, unlisted=True)
    finally:
        cluster.close()
    assert report.entries == checksig.verify(root, unlisted=True).entries


def test_the_command_prints_the_cli_report(client, tmp_path: Path) -> None:
    root = make_tree(tmp_path / "tree", {"a": b"a", "b": b"b"}, wrong=["b"], extra_lines=[b"bad line\n"])
    argv = [sys.executable, "-m", "checksig.dask", "--scheduler", client.scheduler.address]
    run = subprocess.run(argv + [os.fsdecode(root)], capture_output=True, timeout=120)
    assert run.returncode == 1, run.stderr
    lines = run.stdout.decode().splitlines()
    assert lines == [
        f"b: FAILED (line 2): mismatch: expected {'0' * 40}, actual {sha1_hex(b'b')}",
        "line 3: FAILED: improperly formatted line: 'bad line'",
        f"FAILED: 1 OK, 1 mismatch, 1 malformed ({os.fsdecode(root)}/sha1sum.txt)",
    ]
    # Byte for byte what the CLI prints, for every kind of failure and name.
    tree = adversarial(tmp_path / "adversarial")
    (tree / "t\tab").write_bytes(b"tab")
    with open(tree / "sha1sum.txt", "ab") as manifest:
        manifest.write(b"0" * 40 + b"  t\tab\nit's bad\n\xe9\x01\n")
    command = find_command()
    for locale in ("C.UTF-8", "C"):
        env = dict(os.environ, LC_ALL=locale)
        dask_run = subprocess.run(argv + ["--unlisted", str(tree)], capture_output=True, timeout=120, env=env)
        assert dask_run.returncode == 1, dask_run.stderr
        assert b"'t'$'\\t''ab': FAILED (line 73): mismatch" in dask_run.stdout
        if command is not None:
            cli = subprocess.run([str(command), "--unlisted", str(tree)], capture_output=True, timeout=120, env=env)
            assert dask_run.stdout == cli.stdout
    missing = subprocess.run(argv + [str(tmp_path / "nowhere")], capture_output=True, timeout=120)
    assert missing.returncode == 2 and b"nowhere" in missing.stderr


SIGNATURES = Path(__file__).resolve().parents[2] / "testdata" / "signatures"


def signed_download(root: Path, manifest: str, signature: Optional[str]) -> Path:
    """a.txt, b.txt, the manifest fixture as SHA256SUMS and the signature
    fixture beside it as SHA256SUMS.gpg (none for a clear-signed one)."""
    root.mkdir()
    for name in ("a.txt", "b.txt"):
        shutil.copy(SIGNATURES / "files" / name, root / name)
    shutil.copy(SIGNATURES / manifest, root / "SHA256SUMS")
    if signature is not None:
        shutil.copy(SIGNATURES / signature, root / "SHA256SUMS.gpg")
    return root


@pytest.mark.parametrize(
    "manifest,signature",
    [("SHA256SUMS", "openpgp/SHA256SUMS.gpg"), ("openpgp/CHECKSUM.clearsigned", None)],
)
def test_keys_reach_every_part_as_a_whole_verification(
    client, tmp_path: Path, manifest: str, signature: Optional[str]
) -> None:
    root = signed_download(tmp_path / "good", manifest, signature)
    (root / "b.txt").write_bytes(b"changed")  # one mismatch, on the manifest's line
    (root / "new.txt").write_bytes(b"unlisted")
    keys = [SIGNATURES / "openpgp" / "alice.asc"]
    for options in ({"keys": keys}, {}):  # checked, and present but not checked
        local = checksig.verify(root, unlisted=True, **options)
        # Checked with keys; without, present but not checked (the report says so).
        assert local.signature is not None and local.signature.checked == bool(options)
        for partitions in (1, 2):
            report = checksig.dask.verify(root, client, partitions=partitions, unlisted=True, **options)
            assert report.entries == local.entries
            assert report.signature == local.signature
            assert (report.ok, report.summary) == (local.ok, local.summary)
        plan = checksig.plan(root, 2, unlisted=True, **options)
        parts = [checksig.verify_lines(root, p.ranges, unlisted=True, **options) for p in plan.partitions]
        merged = plan.merge(parts)
        assert merged.entries == local.entries and merged.signature == local.signature

    tampered = signed_download(tmp_path / "bad", "SHA256SUMS.tampered", "openpgp/SHA256SUMS.gpg")
    with pytest.raises(checksig.SignatureError) as whole:
        checksig.verify(tampered, keys=keys)
    with pytest.raises(checksig.SignatureError) as parted:
        checksig.dask.verify(tampered, client, keys=keys)
    assert str(parted.value) == str(whole.value)
    with pytest.raises(checksig.SignatureError):
        checksig.verify_lines(tampered, [(1, 3)], keys=keys)
    # A key file that cannot be read is refused as verify refuses it.
    with pytest.raises(FileNotFoundError) as missing:
        checksig.plan(root, 2, keys=[tmp_path / "no-such-key.asc"])
    assert missing.value.filename == os.fsdecode(tmp_path / "no-such-key.asc")
