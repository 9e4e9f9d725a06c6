"""Benchmark: the PBPU-BP Pemda eligibility decision for every resident of the 1 M set, the
rule-change preview and the invoice check, against a per-person Python baseline, same process.

    python bench/eligibility.py [--workspace bench/out/workspace-1000000] [--period 2025-06]

1. Copies the ingested workspace to ``bench/out/budget-<name>`` (the original is never written)
   and, when the copy has no ``person`` table yet, links it (``semesta.pipeline.link``; its time
   is reported but is the reconciliation's, not this benchmark's). A linked copy is reused.
2. Semesta: ``pipeline.eligibility.decide`` (one SQL pass: facts, raw failures, decision, rule
   code, evidence JSON, rank; stored in ``eligibility``), then ``preview`` of a rule change
   (desil 1–4 instead of 1–5; read from the stored decision only), the budget line, and the
   invoice check.
3. Baseline: the same facts read out of DuckDB, then ``core.eligibility.decide`` per person in
   Python and a sort by ``priority_key`` (the specification the SQL twin follows); the preview
   baseline re-decides everyone in Python under the new rules. Counts must agree.
4. Prints the times and ratios. Goals (issue 6): decision < 10 s, preview < 2 s at 1 M residents.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

OUT = Path(__file__).parent / "out"


def _copy(source: Path) -> Path:
    import duckdb

    target = OUT / f"budget-{source.name}"
    database = target / "semesta.duckdb"
    if database.exists():
        db = duckdb.connect(str(database), read_only=True)
        try:
            linked = db.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'person'"
            ).fetchall()[0][0]
        finally:
            db.close()
        if linked:
            return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy2(source / "semesta.duckdb", database)
    return target


def _link(workspace: Path, period: str) -> float | None:
    import duckdb

    from semesta.pipeline.link import link
    from semesta.pipeline.workspace import Workspace

    db = duckdb.connect(str(workspace / "semesta.duckdb"), read_only=True)
    try:
        has = db.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'person'"
        ).fetchall()[0][0]
    finally:
        db.close()
    if has:
        return None
    start = time.perf_counter()
    link(Workspace(workspace), period)
    return time.perf_counter() - start


# The planted errors of the synthetic set (truth/anomalies.csv) a Pemda-paid row can carry, and
# the eligibility codes that may report them (the first failing rule wins).
PLANTED = {
    "meninggal_masih_aktif": ("ELG-HIDUP",),
    "pindah_masih_pemda": ("ELG-PINDAH", "ELG-HIDUP"),
    "bukan_penduduk_pemda": ("ELG-DKB", "ELG-HIDUP"),
    "ganda_pbi_pemda": ("ELG-PBI", "ELG-HIDUP", "ELG-PINDAH"),
    "ganda_pemda_ppu": ("ELG-PPU", "ELG-HIDUP", "ELG-PINDAH", "ELG-PBI"),
    "pekerja_formal_pemda": ("ELG-FORMAL", "ELG-PPU", "ELG-PBI", "ELG-HIDUP", "ELG-PINDAH"),
    "mampu_pemda": ("ELG-DESIL", "ELG-FORMAL", "ELG-PPU", "ELG-PBI", "ELG-HIDUP", "ELG-PINDAH"),
}


def _invoice_accuracy(place, period: str, file_id: int, truth: Path) -> dict | None:
    """Recall of the planted errors on the invoice and precision of the rows not accepted."""
    from semesta.pipeline import eligibility as pe

    if not truth.exists():
        return None
    import duckdb

    rows = pe.invoice_rows(place, period, file_id, "not_accepted")
    db = duckdb.connect()
    kinds = db.execute(
        f"SELECT kind, nik FROM read_csv('{truth}', all_varchar = true) WHERE kind IN "
        f"({', '.join(repr(k) for k in [*PLANTED, 'duplikat_orang', 'duplikat_baris'])})"
    ).fetchall()
    source = place.connect(read_only=True)
    try:
        billed = {
            r[0]
            for r in source.execute(
                "SELECT nik FROM tagihan WHERE period = ? AND file_id = ?", [period, file_id]
            ).fetchall()
        }
        card_nik = dict(
            source.execute(
                "SELECT m.no_kartu, p.nik FROM membership m "
                "JOIN person p USING (period, person_id) WHERE m.period = ?",
                [period],
            ).fetchall()
        )
    finally:
        source.close()
    codes_of: dict[str, set[str]] = {}
    for row in rows:
        codes_of.setdefault(row[2], set()).add(row[5])
    planted = [(kind, nik) for kind, nik in kinds if kind in PLANTED and nik in billed]
    found = sum(1 for kind, nik in planted if codes_of.get(nik, set()) & set(PLANTED[kind]))
    errors = {nik for kind, nik in kinds if kind in PLANTED}
    duplicates = {nik for kind, nik in kinds if kind not in PLANTED}
    true = sum(
        1
        for row in rows
        if (row[5] == "TAG-GANDA" and card_nik.get(row[1]) in duplicates)
        or (row[5] != "TAG-GANDA" and row[2] in errors)
    )
    return {
        "planted": len(planted),
        "found": found,
        "recall": found / len(planted) if planted else 1.0,
        "flagged": len(rows),
        "true": true,
        "precision": true / len(rows) if rows else 1.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=OUT / "workspace-1000000")
    parser.add_argument("--period", default="2025-06")
    parser.add_argument(
        "--truth", type=Path, default=OUT / "synth-1000000" / "truth" / "anomalies.csv"
    )
    args = parser.parse_args()
    if not (args.workspace / "semesta.duckdb").exists():
        print(f"no workspace at {args.workspace}: run bench/ingest.py first", file=sys.stderr)
        return 2

    from semesta.core import eligibility as el
    from semesta.pipeline import eligibility as pe
    from semesta.pipeline.workspace import Workspace

    workspace = _copy(args.workspace)
    linked = _link(workspace, args.period)
    place = Workspace(workspace)
    _, end_day = pe.period_bounds(args.period)

    # --- Semesta ----------------------------------------------------------------------------
    start = time.perf_counter()
    report = pe.decide(place, args.period)
    decide_s = time.perf_counter() - start

    rules = el.eligibility_rules(end_day)
    proposed = rules.changed(desil_max=4)
    start = time.perf_counter()
    preview = pe.preview(place, args.period, proposed)
    preview_s = time.perf_counter() - start

    start = time.perf_counter()
    line = pe.budget_line(place, args.period, report.monthly_cost * 9 // 10)
    line_s = time.perf_counter() - start

    start = time.perf_counter()
    invoice = pe.check_invoice(place, args.period)
    invoice_s = time.perf_counter() - start

    accuracy = _invoice_accuracy(place, args.period, invoice.file_id, args.truth)

    # --- baseline: per-person Python decision -----------------------------------------------
    start = time.perf_counter()
    facts = list(pe.facts_rows(place, args.period))
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    decisions = [el.decide(f, rules, report.kabupaten, end_day) for f in facts]
    eligible = [f for f, d in zip(facts, decisions, strict=True) if d.eligible]
    eligible.sort(key=lambda f: el.priority_key(f, rules, end_day))
    python_s = time.perf_counter() - start
    start = time.perf_counter()
    after = sum(el.decide(f, proposed, report.kabupaten, end_day).eligible for f in facts)
    python_preview_s = time.perf_counter() - start

    codes = Counter(d.rule_code for d in decisions)
    sql_codes = {r["rule_code"]: r["persons"] for r in report.by_rule}
    agree = codes == Counter(sql_codes) and after == preview.eligible_after

    rp = lambda v: f"Rp {v:,}".replace(",", ".")  # noqa: E731
    print(f"workspace copy: {workspace}")
    if linked is not None:
        print(f"linked first (reconciliation, not counted): {linked:.1f} s")
    print(
        f"persons {report.persons:,}, residents {report.residents:,}, eligible "
        f"{report.eligible:,} = {rp(report.monthly_cost)}/month (rate {rp(report.rate)})"
    )
    print(
        f"preview desil 1–4: enter {preview.entering:,}, leave {preview.leaving:,}, "
        f"{rp(preview.monthly_change)}/month, {rp(preview.yearly_change)}/year"
    )
    print(f"budget line at 90 %: {line.funded:,} funded, {line.below:,} below")
    print(
        f"invoice: {invoice.rows_billed:,} rows, {invoice.rows_not_accepted:,} not accepted "
        f"({rp(invoice.rupiah_not_accepted)})"
    )
    print()
    print(f"{'step':<44}{'Semesta':>10}{'baseline':>12}{'ratio':>9}")
    print(
        f"{'decision, every person (goal < 10 s)':<44}{decide_s:>9.2f}s"
        f"{python_s:>11.2f}s{python_s / decide_s:>8.1f}×"
    )
    print(
        f"{'  baseline incl. reading the facts':<44}{'':>10}{read_s + python_s:>11.2f}s"
        f"{(read_s + python_s) / decide_s:>8.1f}×"
    )
    print(
        f"{'rule-change preview (goal < 2 s)':<44}{preview_s:>9.2f}s"
        f"{python_preview_s:>11.2f}s{python_preview_s / preview_s:>8.1f}×"
    )
    print(f"{'budget line':<44}{line_s:>9.2f}s")
    print(f"{'invoice check':<44}{invoice_s:>9.2f}s")
    if accuracy:
        print(
            f"\ninvoice against truth/: recall {accuracy['recall']:.4f} "
            f"({accuracy['found']:,} of {accuracy['planted']:,} planted errors billed), "
            f"precision {accuracy['precision']:.4f} ({accuracy['true']:,} of "
            f"{accuracy['flagged']:,} rows not accepted)"
        )
    print(f"\nSQL and Python agree on every rule count and the preview: {agree}")
    ok = decide_s < 10 and preview_s < 2 and agree
    print("goals met" if ok else "GOALS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
