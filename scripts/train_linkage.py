"""Estimate the m probabilities of the linkage model from labelled pairs, and write them into
src/semesta/data/linkage/model.json.

    .venv/bin/python scripts/train_linkage.py bench/out/synth-1000000 bench/out/reconcile-1000000

(the second folder: a reconciled workspace of the same synthetic set). The labelled pairs are
the residue records (damaged NIK, a NIK not in the DKB, or a NIK whose names disagree) with the
DKB record of the same true person (truth/rows.parquet). For each comparison, m of a level is
the share of those true pairs whose first matching level it is, null levels left out (Splink's
definition), with a floor of 1 % per level (see FLOOR). Levels marked ``fix_m_probability`` keep
their value: they encode domain knowledge (a NIK never changes region). The u probabilities are
not written: the pipeline estimates them on each Pemda's own data. Run it again when the
model's comparisons change; then choose the thresholds with bench/reconcile.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from semesta.pipeline.link import _records
from semesta.pipeline.workspace import Workspace
from semesta.synth.evaluate import label_records

MODEL = Path(__file__).parents[1] / "src/semesta/data/linkage/model.json"
# Every level keeps at least 1 % of the matches: the synthetic exports damage one thing per row
# (a NIK or a name, never both), real ones do not, and a weight must never be near-certain
# on what the training data could not show.
FLOOR = 0.01
PERIOD = "2025-06"
_COLUMNS = ("nik", "nik_stem", "nama", "no_kk", "tanggal_lahir", "jenis_kelamin", "kode_desa")


def main(exports: Path, workspace: Path) -> None:
    model = json.loads(MODEL.read_text())
    db = Workspace(workspace).connect(read_only=True)
    label_records(db, exports / "truth", PERIOD)
    _records(db, PERIOD)
    sides = ", ".join(f"r.{c} AS {c}_l, d.{c} AS {c}_r" for c in _COLUMNS)
    db.execute(
        f"""
        CREATE TEMP TABLE true_pair AS
        WITH residue AS (
          SELECT r.*, s.truth_person FROM record r JOIN scored_record s
            ON s.layout || ':' || s.file_id || ':' || s.row_number = r.unique_id
          WHERE r.layout <> 'dkb' AND (r.nik IS NULL OR r.nik NOT IN
                (SELECT nik FROM record WHERE layout = 'dkb' AND nik IS NOT NULL))),
        dkb AS (
          SELECT r.*, s.truth_person FROM record r JOIN scored_record s
            ON s.layout || ':' || s.file_id || ':' || s.row_number = r.unique_id
          WHERE r.layout = 'dkb')
        SELECT {sides} FROM residue r JOIN dkb d USING (truth_person)
        """
    )
    pairs = db.execute("SELECT count(*) FROM true_pair").fetchall()[0][0]
    print(f"{pairs:,} labelled true pairs")
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        cases = " ".join(
            f"WHEN {level['sql_condition']} THEN {i}"
            for i, level in enumerate(levels)
            if level["sql_condition"] != "ELSE"
        )
        counts = dict(
            db.execute(
                f"SELECT CASE {cases} ELSE {len(levels) - 1} END AS level, count(*) "
                "FROM true_pair GROUP BY 1"
            ).fetchall()
        )
        scored = [i for i, level in enumerate(levels) if not level.get("is_null_level")]
        fixed = [i for i in scored if levels[i].get("fix_m_probability")]  # domain knowledge
        free = [i for i in scored if i not in fixed]
        total = sum(counts.get(i, 0) for i in scored)
        raw = {i: max(counts.get(i, 0) / total, FLOOR) for i in free}
        share = (1 - sum(levels[i]["m_probability"] for i in fixed)) / sum(raw.values())
        for i in free:
            levels[i]["m_probability"] = round(raw[i] * share, 6)
        print(
            comparison["output_column_name"],
            {levels[i]["label_for_charts"]: levels[i]["m_probability"] for i in scored},
        )
    MODEL.write_text(json.dumps(model, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
