"""Shared by the benchmarks: the synthetic sets, their ingested workspaces, and measuring a
step in a fresh interpreter so that its wall time and peak memory are its own."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import resource
import shutil
import threading
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"
PERIOD = "2025-06"


def synthesize(population: int, out: Path) -> float:
    """The seed-1 synthetic kabupaten of ``population`` in ``out`` (reused when present);
    the seconds it took, or NaN when reused."""
    from semesta.synth.exports import synthesize as run
    from semesta.synth.options import SynthOptions

    marker = out.with_suffix(".json")
    if marker.exists() and json.loads(marker.read_text()).get("population") == population:
        return float("nan")
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    report = run(SynthOptions(population=population, seed=1), out)
    elapsed = time.perf_counter() - start
    marker.write_text(json.dumps(report))
    return elapsed


def ingested(population: int, out: Path = OUT) -> tuple[Path, Path]:
    """(exports, workspace) of the synthetic set, ingested once and reused."""
    from semesta.pipeline.ingest import ingest
    from semesta.pipeline.workspace import Workspace

    exports = out / f"synth-{population}"
    synthesize(population, exports)
    workspace = out / f"workspace-{population}"
    marker = workspace / "ingested.json"
    if not marker.exists():
        shutil.rmtree(workspace, ignore_errors=True)
        report = ingest(exports, PERIOD, Workspace(workspace))
        marker.write_text(json.dumps(report.totals()))
    return exports, workspace


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure(target, *args) -> dict:
    """Run ``target(*args, queue)`` in a fresh interpreter (spawn) so its peak memory is its
    own; ``target`` puts one dict on the queue. Adds ``tree_peak_mb``: the peak memory of that
    process together with every process it starts (readers, writers), sampled."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    with TreeMemory(process.pid) as memory:
        result = queue.get()
    process.join()
    return result | {"tree_peak_mb": memory.peak_mb}


class TreeMemory:
    """Samples the memory of a process and all its descendants (Linux /proc) every
    ``interval`` seconds; ``peak_mb`` is the largest sum seen.

    Each process counts its proportional set size (PSS: a page shared by n processes counts
    1/n in each), so pages a child shares with its parent are not counted twice. ``ru_maxrss``
    cannot give this: it knows one process at a time, and a spawned child's figure includes
    what it inherited from its parent for the instant between fork and exec.
    """

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval = pid, interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = sum(_pss_kib(pid) for pid in _tree(self.pid))
            self.peak_mb = max(self.peak_mb, total / 1024)
            self._stop.wait(self.interval)


def _tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    # the field after the command, which may hold spaces, is the state, then ppid
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
