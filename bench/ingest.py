"""Benchmark: ingest throughput and peak memory against pandas on the same files, same run.

    python bench/ingest.py [--population 1000000] [--out bench/out]

1. Generates (or reuses) the synthetic kabupaten of the given size with seed 1.
2. Runs `semesta ingest` on it in a child process: wall time, rows/s, peak RSS.
3. Runs the baseline in a child process: pandas `read_csv` on every CSV and `read_excel` on every
   sheet of every XLSX (default engine, openpyxl), given the delimiter, encoding and header row
   that Semesta found, all columns as text: wall time, rows/s, peak RSS.
4. Prints the figures and the ratio. Goal (issue 3): at least 5× pandas, peak under 2 GB at 1 M:
   the main process alone, and with its reader processes (sampled, see harness.TreeMemory).

Each side runs in a fresh interpreter (spawn) and reports its own peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from harness import measure, peak_mb, synthesize


def _run_semesta(exports: str, workspace: str, queue) -> None:
    from semesta.pipeline.ingest import ingest
    from semesta.pipeline.workspace import Workspace

    shutil.rmtree(workspace, ignore_errors=True)
    start = time.perf_counter()
    report = ingest(Path(exports), "2025-06", Workspace(Path(workspace)))
    elapsed = time.perf_counter() - start
    totals = report.totals()
    queue.put(
        {"seconds": elapsed, "rows": totals["rows_read"], "totals": totals, "peak_mb": peak_mb()}
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
    queue.put({"seconds": time.perf_counter() - start, "rows": rows, "peak_mb": peak_mb()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--skip-pandas", action="store_true")
    args = parser.parse_args()

    exports = args.out / f"synth-{args.population}"
    synth_seconds = synthesize(args.population, exports)
    semesta = measure(_run_semesta, str(exports), str(args.out / f"ingest-bench-{args.population}"))
    result = {"population": args.population, "synth_seconds": synth_seconds, "semesta": semesta}
    if not args.skip_pandas:
        result["pandas"] = measure(_run_pandas, str(exports))
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
        f"  peak {s['peak_mb']:,.0f} MB main process,"
        f" {s['tree_peak_mb']:,.0f} MB with its readers (goal < 2,000 MB)"
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
