"""Shared by the benchmarks: the synthetic sets, their ingested workspaces, and measuring a
step in a fresh interpreter so that its wall time and peak memory are its own."""

from __future__ import annotations

import json
import multiprocessing as mp
import resource
import shutil
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
    own; ``target`` puts one dict on the queue."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result
