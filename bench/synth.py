"""Benchmark: time and peak memory to write a synthetic kabupaten.

    python bench/synth.py [--population 5000000] [--out bench/out/synth-bench]

Goal (issue 3): 5 million residents in under 10 minutes on this 2-core machine. Peak memory is
given for this process alone and for it with its writer processes (sampled: harness.TreeMemory).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import time
from pathlib import Path

from harness import TreeMemory
from semesta.synth.exports import synthesize
from semesta.synth.options import SynthOptions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=5_000_000)
    parser.add_argument("--out", type=Path, default=None, help="default: bench/out/synth-N")
    args = parser.parse_args()
    args.out = args.out or Path(__file__).parent / "out" / f"synth-{args.population}"
    shutil.rmtree(args.out, ignore_errors=True)
    start = time.perf_counter()
    phases: list[tuple[float, str]] = []
    with TreeMemory(os.getpid()) as memory:
        report = synthesize(
            SynthOptions(population=args.population, seed=1),
            args.out,
            progress=lambda message: phases.append((time.perf_counter() - start, message)),
        )
    elapsed = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = sum(f["rows"] for f in report["files"])
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    for at, message in phases:
        print(f"  {at:8.1f} s  {message}")
    print(f"population          {args.population:>14,}")
    print(f"rows written        {rows:>14,} in {len(report['files'])} files ({size / 1e6:,.0f} MB)")
    print(f"wall time           {elapsed:>14.1f} s   (goal for 5,000,000: < 600 s)")
    print(f"peak memory         {own:>14,.0f} MB main, {memory.peak_mb:,.0f} MB with its writers")
    # The other benchmarks reuse this set (bench/harness.py).
    args.out.with_suffix(".json").write_text(json.dumps(report))


if __name__ == "__main__":
    main()
