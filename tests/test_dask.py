"""`argmine batch --engine dask`: a scheduler and two workers on loopback, started here.

Skipped when dask[distributed] is not installed (`pip install -e ".[dask]"`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed (argmine[dask])")
pytestmark = pytest.mark.slow  # a scheduler and worker processes to start


from argmine import export  # noqa: E402
from argmine.batch import RECORD_NAME, REPORT_NAME, Observer, run_batch  # noqa: E402
from argmine.graph.decode import thesis_of  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _opeds():
    spec = importlib.util.spec_from_file_location("opeds", ROOT / "benchmarks" / "opeds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Cluster:
    """A `dask scheduler` and worker processes on 127.0.0.1 (random ports), each one a process we started."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / "scheduler.json"
        self.procs: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        self.env = env
        self.scheduler = self._start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                      "--scheduler-file", str(self.file)], "scheduler")
        deadline = time.monotonic() + 60
        while not self.file.exists() and time.monotonic() < deadline:
            if self.scheduler.poll() is not None:
                raise RuntimeError(f"dask scheduler exited: {(folder / 'scheduler.log').read_text()[-2000:]}")
            time.sleep(0.1)
        time.sleep(0.2)  # the file is written before it is complete on some versions
        self.address = json.loads(self.file.read_text())["address"]

    def _start(self, args: list[str], log: str) -> subprocess.Popen:
        dask = shutil.which("dask")
        if dask is None:
            pytest.skip("the dask command is not on PATH")
        out = open(self.folder / f"{log}.log", "wb")
        proc = subprocess.Popen([dask, *args], stdout=out, stderr=subprocess.STDOUT, env=self.env)
        self.procs.append(proc)
        return proc

    def add_worker(self) -> subprocess.Popen:
        """One worker process, one thread, no nanny (so that killing it really loses the worker)."""
        n = len(self.workers)
        proc = self._start(["worker", "--scheduler-file", str(self.file), "--nthreads", "1", "--no-nanny",
                            "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{n}",
                            "--local-directory", str(self.folder / f"w{n}")], f"worker{n}")
        self.workers.append(proc)
        return proc

    def wait_for(self, n: int) -> None:
        with distributed.Client(self.address, timeout="30s") as client:
            client.wait_for_workers(n, timeout=90)

    def stop(self) -> None:
        """Workers first, then the scheduler; a process that does not stop in 5 s is killed."""
        for proc in [*self.workers, self.scheduler]:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        c.add_worker()
        c.add_worker()
        c.wait_for(2)
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """120 generated op-eds in subfolders, JSONL records (one hostile id, one bad) and one binary file."""
    root = tmp_path_factory.mktemp("archive")
    _opeds().write_folder(root / "in", 120, seed=7, paragraphs=(1, 3))
    texts = _opeds().generate(3, seed=8, paragraphs=(1, 2))
    with open(root / "in" / "feed.jsonl", "w", encoding="utf-8") as fh:
        for rid, text in zip(("../up", "x1", "x2"), texts):
            fh.write(json.dumps({"id": rid, "text": text}) + "\n")
        fh.write('{"id": "broken"}\n')
    (root / "in" / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    reference = run_batch([str(root / "in")], root / "local", model="rules", workers=1)
    assert reference.count("ok") == 123 and reference.count("failed") == 2
    return root


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in (REPORT_NAME, RECORD_NAME)}


def _statuses(folder: Path) -> list[tuple]:
    report = json.loads((folder / REPORT_NAME).read_text())
    return [(d["input"], d["output"], d["status"], d["reason"], d["words"]) for d in report["documents"]]


def test_dask_outputs_are_byte_identical_to_a_local_run(cluster, archive):
    out = archive / "dask"
    result = run_batch([str(archive / "in")], out, model="rules", engine="dask", scheduler=cluster.address)
    assert result.exit_code == 1  # the binary file and the record without text
    assert result.workers == 2 and result.engine == "dask"
    local = _outputs(archive / "local")
    assert len(local) == 123
    assert _outputs(out) == local
    assert _statuses(out) == _statuses(archive / "local")
    report = json.loads((out / REPORT_NAME).read_text())
    assert report["engine"] == "dask" and report["totals"]["failed"] == 2


def test_dask_workers_prune_as_a_local_run_does(cluster, archive):
    # Before the test that kills a worker: both workers map. The rule baseline scores every unit 0.5, so under
    # --min-score 0.9 each map keeps its thesis alone.
    out = archive / "dask-pruned"
    result = run_batch([str(archive / "in")], out, model="rules", engine="dask", scheduler=cluster.address,
                       min_score=0.9)
    local = run_batch([str(archive / "in")], archive / "local-pruned", model="rules", workers=1, min_score=0.9)
    assert result.count("ok") == local.count("ok") == 123 and result.options["min_score"] == 0.9
    pruned = _outputs(out)
    assert pruned == _outputs(archive / "local-pruned")
    full = _outputs(archive / "local")
    assert pruned.keys() == full.keys()
    dropped = 0
    for name in pruned:
        amap, unpruned = export.read(out / name), export.read(archive / "local" / name)
        assert [u.id for u in amap.units] == [thesis_of(unpruned.units).id], name
        assert amap.units[0] == unpruned.unit(amap.units[0].id)
        dropped += len(unpruned) - len(amap)
    assert dropped > len(pruned)  # most maps had more than their thesis


class KillWorker(Observer):
    """SIGKILLs one Dask worker process when the first map comes back from the cluster."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.mapped_before_kill: int | None = None
        self.count = 0
        self.mapped = 0

    def done(self, entry) -> None:
        self.count += 1
        self.mapped += entry.status == "ok"
        if self.mapped and self.mapped_before_kill is None:
            self.mapped_before_kill = self.mapped
            os.kill(self.proc.pid, signal.SIGKILL)


def test_a_worker_killed_mid_job_loses_no_document(cluster, archive):
    victim = cluster.workers[0]
    killer = KillWorker(victim)
    out = archive / "dask-killed"
    result = run_batch([str(archive / "in")], out, model="rules", engine="dask", scheduler=cluster.address,
                       force=True, observer=killer)
    assert victim.wait(timeout=10) == -signal.SIGKILL
    # killed when 1 of the 123 maps was back: nearly the whole job ran with one worker fewer
    assert killer.mapped_before_kill == 1 and killer.count == 125
    assert result.count("ok") == 123 and result.count("failed") == 2
    assert _outputs(out) == _outputs(archive / "local")  # nothing lost, nothing different
    for name in _outputs(out):
        export.read(out / name)
    with distributed.Client(cluster.address, timeout="10s") as client:
        assert len(client.scheduler_info()["workers"]) == 1


def test_unreachable_scheduler_is_a_usage_error(tmp_path, monkeypatch):
    from argmine.batch import BatchUsageError

    monkeypatch.setattr("argmine.batch.dask_engine.CONNECT_TIMEOUT", 1.0)
    (tmp_path / "a.txt").write_text("We must act. Because time is short, delay costs lives.\n")
    with pytest.raises(BatchUsageError, match="cannot reach the Dask scheduler"):
        run_batch([str(tmp_path / "a.txt")], tmp_path / "out", model="rules", engine="dask",
                  scheduler="tcp://127.0.0.1:9")
