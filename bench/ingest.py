"""Benchmark: ingest throughput and peak memory against pandas on the same files, same run.

    python bench/ingest.py [--population 1000000] [--out bench/out]

1. Generates (or reuses) the synthetic kabupaten of the given size with seed 1.
2. Runs `semesta ingest` on it in a child process: wall time, rows/s, peak RSS.
3. Runs the baseline in a child process: pandas `read_csv` on every CSV and `read_excel` on every
   sheet of every XLSX (default engine, openpyxl), given the delimiter, encoding and header row
   that Semesta found, all columns as text: wall time, rows/s, peak RSS.
4. Prints the figures and the ratio. Goal (issue 3): at least 5× pandas, peak under 2 GB at 1 M.

Each side runs in a fresh interpreter (spawn) and reports its own peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import shutil
import sys
import time
from pathlib import Path


def _synthesize(population: int, out: Path) -> float:
    from semesta.synth.exports import synthesize
    from semesta.synth.options import SynthOptions

    marker = out.with_suffix(".json")
    if marker.exists() and json.loads(marker.read_text()).get("population") == population:
        return float("nan")
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    report = synthesize(SynthOptions(population=population, seed=1), out)
    elapsed = time.perf_counter() - start
    marker.write_text(json.dumps(report))
    return elapsed


def _run_semesta(exports: str, workspace: str, queue) -> None:
    from semesta.pipeline.ingest import ingest
    from semesta.pipeline.workspace import Workspace

    shutil.rmtree(workspace, ignore_errors=True)
    start = time.perf_counter()
    report = ingest(Path(exports), "2025-06", Workspace(Path(workspace)))
    elapsed = time.perf_counter() - start
    totals = report.totals()
    queue.put(
        {"seconds": elapsed, "rows": totals["rows_read"], "totals": totals, "peak_mb": _peak_mb()}
    )


def _run_pandas(exports: str, queue) -> None:
    import pandas as pd

    from semesta.pipeline import readers

    start = time.perf_counter()
    rows = 0
    for path in sorted(Path(exports).iterdir()):
        if not path.is_file():
            continue
        plan = readers.plan(path)  # same knowledge Semesta has: header row, delimiter, encoding
        if plan.fmt == "csv":
            frame = pd.read_csv(
                path,
                sep=plan.delimiter,
                encoding=plan.encoding,
                dtype=str,
                skiprows=plan.sheets[0].header_row - 1,
                keep_default_na=False,
            )
            rows += len(frame)
        else:
            for sheet in plan.sheets:
                frame = pd.read_excel(
                    path, sheet_name=sheet.name, dtype=str, skiprows=sheet.header_row - 1
                )
                rows += len(frame)
    queue.put({"seconds": time.perf_counter() - start, "rows": rows, "peak_mb": _peak_mb()})


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _measure(target, *args) -> dict:
    """Run ``target`` in a fresh interpreter (spawn) so its peak memory is its own."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--skip-pandas", action="store_true")
    args = parser.parse_args()

    exports = args.out / f"synth-{args.population}"
    synth_seconds = _synthesize(args.population, exports)
    semesta = _measure(_run_semesta, str(exports), str(args.out / f"workspace-{args.population}"))
    result = {"population": args.population, "synth_seconds": synth_seconds, "semesta": semesta}
    if not args.skip_pandas:
        result["pandas"] = _measure(_run_pandas, str(exports))
        result["speedup"] = result["pandas"]["seconds"] / semesta["seconds"]
    _print(result)
    json.dump(result, sys.stderr)
    sys.stderr.write("\n")


def _print(r: dict) -> None:
    s = r["semesta"]
    print(f"population                 {r['population']:>12,}")
    if r["synth_seconds"] == r["synth_seconds"]:
        print(f"synth (generation)         {r['synth_seconds']:>12.1f} s")
    print(
        f"semesta ingest             {s['seconds']:>12.1f} s  "
        f"{s['rows'] / s['seconds']:>12,.0f} rows/s"
        f"  peak {s['peak_mb']:,.0f} MB"
    )
    if "pandas" in r:
        p = r["pandas"]
        print(
            f"pandas read_csv+read_excel {p['seconds']:>12.1f} s  "
            f"{p['rows'] / p['seconds']:>12,.0f} rows/s  peak {p['peak_mb']:,.0f} MB"
        )
        print(f"speed-up vs pandas         {r['speedup']:>12.1f} ×   (goal ≥ 5×)")
    print(
        f"rows read / ingested / quarantined: {s['totals']['rows_read']:,} / "
        f"{s['totals']['rows_ingested']:,} / {s['totals']['rows_quarantined']:,}"
    )


if __name__ == "__main__":
    main()
