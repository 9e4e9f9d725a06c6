"""Benchmark: the NIK, KK and noka SQL over a million cells, with and without the fast path.

    python bench/identifiers_sql.py [--rows 1000000] [--repeat 3] [--seed 1]

Builds, in an in-memory DuckDB, one table of cells per identifier: 98.5 % clean valid values
(plain digits in a text cell; NIKs and KKs from every known prefix, both sexes, birth and
recording dates over a century) and 1.5 % a mix of spreadsheet damage and junk (apostrophes,
grouping, ``.0`` suffixes, scientific notation, numeric cells, cut values, unknown prefixes,
impossible dates, serial 0000, empty cells and free text). For each identifier it times
``CREATE TEMP TABLE ... AS SELECT <every output>`` with the expressions of ``nik_sql`` /
``kk_sql`` / ``noka_sql`` and with the full expressions alone (the same rules without the fast
path), best of ``--repeat``, and the same statement over an empty table (planning alone). Both
variants are checked to give identical tables. Goals: NIK ≤ 0.4 s, KK and noka ≤ 0.3 s per
million rows on a 2-core machine (shared: compare the ratios).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import date, timedelta

import duckdb
import numpy as np
import pyarrow as pa

from semesta.core.identifiers import SqlSteps, kk_sql, nik_sql, noka_sql
from semesta.core.regions import regions

AS_OF = date(2025, 6, 30)
DIRTY_SHARE = 0.015


def _clean_16(rng: np.random.Generator, count: int, first: date, female: bool) -> list[str]:
    """Valid NIKs (``female``: day + 40 for half of them) or KKs dated first..AS_OF."""
    prefixes = np.array(sorted(regions().kabupaten_prefixes()), dtype=np.int64)
    prefix = prefixes[rng.integers(0, len(prefixes), count)]
    kecamatan = rng.integers(1, 40, count)
    start = np.datetime64(first.isoformat())
    days = rng.integers(0, (np.datetime64(AS_OF.isoformat()) - start).astype(int) + 1, count)
    when = start + days
    year = when.astype("datetime64[Y]").astype(int) + 1970
    month = when.astype("datetime64[M]").astype(int) % 12 + 1
    day = (when - when.astype("datetime64[M]")).astype(int) + 1
    if female:
        day = day + 40 * (rng.random(count) < 0.5)
    serial = rng.integers(1, 10000, count)
    value = (
        prefix * 10**12
        + kecamatan * 10**10
        + day * 10**8
        + month * 10**6
        + (year % 100) * 10**4
        + serial
    )
    return [str(v) for v in value.tolist()]


def _clean_noka(rng: np.random.Generator, count: int) -> list[str]:
    return [f"{v:013d}" for v in rng.integers(0, 10**13, count).tolist()]


def _damaged(rnd: random.Random, clean: str) -> tuple[str | None, bool]:
    """One spreadsheet accident or piece of junk, as the readers stage it (text, numeric)."""
    style = rnd.randrange(16)
    if style == 0:
        return "'" + clean, False
    if style == 1:
        mark = rnd.choice([" ", ".", "-", "\u00a0"])
        return mark.join(clean[i : i + 4] for i in range(0, len(clean), 4)), False
    if style == 2:
        return clean + rnd.choice([".0", ".00", ",0"]), False
    if style == 3:  # scientific notation, all digits kept or some lost
        keep = rnd.choice([len(clean), 6])
        return f"{clean[0]}.{clean[1:keep]}E+{len(clean) - 1}", False
    if style == 4:  # a numeric cell: exact, or rounded to 15 significant digits
        return rnd.choice([clean, clean[:-1] + "0"]), True
    if style == 5:
        return clean[: rnd.randrange(len(clean))], False
    if style == 6:
        return clean + str(rnd.randrange(10)), False
    if style == 7:  # unknown prefix
        return "99" + clean[2:], False
    if style == 8 and len(clean) == 16:  # impossible day or month
        return clean[:6] + rnd.choice(["3213", "0013", "0000", "7202"]) + clean[10:], False
    if style == 9 and len(clean) == 16:  # 29 February of a year that is no leap year
        return clean[:6] + "290201" + clean[12:], False
    if style == 10 and len(clean) == 16:
        return clean[:12] + "0000", False
    if style == 11:
        return rnd.choice([None, "", "   ", "-", "'"]), False
    if style == 12:
        return rnd.choice(["belum ada", "TIDAK ADA", "n/a", "0", "-" + clean]), False
    if style == 13:
        return clean[:5] + "O" + clean[6:], False  # letter O for zero
    if style == 14:
        return "  " + clean + " ", False  # outer spaces only: valid, but not clean
    return clean[:6] + "290200" + clean[12:], False  # valid, left to the full expression


def _table(clean: list[str], rng: np.random.Generator, seed: int) -> pa.Table:
    rnd = random.Random(seed)
    values: list[str | None] = list(clean)
    numeric = [False] * len(clean)
    for i in rng.choice(len(clean), int(len(clean) * DIRTY_SHARE), replace=False).tolist():
        values[i], numeric[i] = _damaged(rnd, clean[i])
    return pa.table({"v": pa.array(values, pa.string()), "n": pa.array(numeric, pa.bool_())})


def _select(steps: SqlSteps, table: str) -> str:
    return f"CREATE OR REPLACE TEMP TABLE out_{table} AS {steps.query(table)}"


def _best(con: duckdb.DuckDBPyConnection, sql: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        con.execute(sql).fetchall()
        best = min(best, time.perf_counter() - start)
    return best


def _run(
    con: duckdb.DuckDBPyConnection,
    name: str,
    variants: dict[str, Callable[[], SqlSteps]],
    repeat: int,
    goal: float,
) -> None:
    seconds, planning = {}, {}
    for variant, build in variants.items():
        steps = build()
        planning[variant] = _best(con, _select(steps, f"{name}_empty"), repeat)
        seconds[variant] = _best(con, _select(steps, name), repeat)
        con.execute(f"CREATE OR REPLACE TEMP TABLE result_{variant} AS FROM out_{name}")
    differ = "SELECT count(*) FROM (FROM result_fast EXCEPT ALL FROM result_full)"
    (differing,) = con.execute(differ).fetchall()[0]
    assert differing == 0, f"{name}: {differing} rows differ between the variants"
    run = {v: seconds[v] - planning[v] for v in seconds}  # evaluation alone
    print(
        f"{name:<5} evaluation: full {run['full']:6.3f} s, fast path {run['fast']:6.3f} s"
        f" (×{run['full'] / run['fast']:4.1f}; goal ≤ {goal} s:"
        f" {'met' if run['fast'] <= goal else 'NOT met'})   planning: full"
        f" {planning['full']:.3f} s, fast path {planning['fast']:.3f} s   statement: full"
        f" {seconds['full']:.3f} s, fast path {seconds['fast']:.3f} s"
        f" (×{seconds['full'] / seconds['fast']:4.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    tables = {
        "nik": _clean_16(rng, args.rows, AS_OF - timedelta(days=95 * 365), female=True),
        "kk": _clean_16(rng, args.rows, date(1975, 1, 1), female=False),
        "noka": _clean_noka(rng, args.rows),
    }
    con = duckdb.connect()
    (threads,) = con.execute("SELECT current_setting('threads')").fetchall()[0]
    print(f"{args.rows:,} rows per identifier, {DIRTY_SHARE:.1%} damaged; DuckDB threads {threads}")
    for offset, (name, clean) in enumerate(tables.items()):
        cells = _table(clean, rng, args.seed + offset)
        con.register("cells_arrow", cells)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM cells_arrow")
        con.execute(f"CREATE TABLE {name}_empty AS SELECT * FROM cells_arrow LIMIT 0")
        con.unregister("cells_arrow")

    _run(
        con,
        "nik",
        {
            "full": lambda: nik_sql("v", "n", as_of=AS_OF, fast_path=False),
            "fast": lambda: nik_sql("v", "n", as_of=AS_OF),
        },
        args.repeat,
        0.4,
    )
    _run(
        con,
        "kk",
        {
            "full": lambda: kk_sql("v", "n", as_of=AS_OF, fast_path=False),
            "fast": lambda: kk_sql("v", "n", as_of=AS_OF),
        },
        args.repeat,
        0.3,
    )
    _run(
        con,
        "noka",
        {
            "full": lambda: noka_sql("v", "n", fast_path=False),
            "fast": lambda: noka_sql("v", "n"),
        },
        args.repeat,
        0.3,
    )


if __name__ == "__main__":
    main()
