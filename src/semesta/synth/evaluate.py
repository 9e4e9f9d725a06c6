"""Score a reconciled workspace against the synthetic kabupaten's ``truth/``.

``truth/rows.parquet`` says which person every export row really is; ``truth/anomalies.csv``
lists every planted anomaly by kind (the rule codes of ``data/rules/anomalies.toml``). Row-level
kinds (a damaged NIK, a duplicate row) are compared row by row, the others person by person.
Used by ``bench/reconcile.py`` and the accuracy tests; never by the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from semesta.pipeline.link import RECORD_LAYOUTS

ROW_LEVEL = {"nik_rusak", "duplikat_baris"}


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        planted = self.true_positives + self.false_negatives
        return self.true_positives / planted if planted else 1.0

    def as_dict(self) -> dict:
        return {
            "tp": self.true_positives,
            "fp": self.false_positives,
            "fn": self.false_negatives,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
        }


def label_records(db: duckdb.DuckDBPyConnection, truth: Path, period: str) -> None:
    """Temp tables ``scored_record`` (every record with its true person) and ``person_truth``
    (our person → true person); the scores below read them."""
    db.execute(
        f"CREATE OR REPLACE TEMP TABLE truth_row AS SELECT * FROM "
        f"read_parquet('{truth / 'rows.parquet'}')"
    )
    db.execute(
        f"CREATE OR REPLACE TEMP TABLE truth_anomaly AS SELECT * FROM "
        f"read_csv('{truth / 'anomalies.csv'}', all_varchar = true, header = true)"
    )
    sheets = " UNION ALL ".join(
        f"SELECT '{layout}' AS layout, file_id, row_number, COALESCE(sheet, '') AS sheet "
        f"FROM {layout} WHERE period = '{period}'"
        for layout in RECORD_LAYOUTS
        if db.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [layout]
        ).fetchall()[0][0]
    )
    db.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE scored_record AS
        SELECT i.*, f.file_name, t.person_id AS truth_person,
               f.file_name || '!' || s.sheet || '!' || i.row_number AS truth_key
        FROM identity i JOIN ({sheets}) s USING (layout, file_id, row_number)
        JOIN files f USING (file_id)
        LEFT JOIN truth_row t ON t.file = f.file_name AND COALESCE(t.sheet, '') = s.sheet
         AND t.row_number = i.row_number
        WHERE i.period = '{period}'
        """
    )
    db.execute(
        """
        CREATE OR REPLACE TEMP TABLE person_truth AS
        SELECT person_id, arg_max(truth_person, n) AS truth_person FROM (
          SELECT person_id, truth_person, count(*) + 1000 * bool_or(layout = 'dkb')::INT AS n
          FROM scored_record WHERE truth_person IS NOT NULL GROUP BY ALL) GROUP BY person_id
        """
    )


def score(
    db: duckdb.DuckDBPyConnection, truth: Path, period: str
) -> tuple[Score, dict[str, Score]]:
    """The probabilistic links' score and each rule's, from one labelling of the records."""
    label_records(db, truth, period)
    return _linkage_score(db), _finding_scores(db, period)


def _linkage_score(db: duckdb.DuckDBPyConnection) -> Score:
    """The probabilistic links of the residue: right, wrong, and linkable but left out."""
    tp, fp, fn = db.execute(
        """
        WITH residue AS (
          SELECT r.*, pt.truth_person AS linked_truth,
                 r.truth_person IN (SELECT truth_person FROM scored_record WHERE layout = 'dkb')
                   AS linkable
          FROM scored_record r LEFT JOIN person_truth pt USING (person_id)
          WHERE r.layout <> 'dkb' AND r.link_method <> 'nik')
        SELECT count(*) FILTER (link_method = 'splink' AND linked_truth = truth_person),
               count(*) FILTER (link_method = 'splink'
                                AND linked_truth IS DISTINCT FROM truth_person),
               count(*) FILTER (link_method <> 'splink' AND linkable)
        FROM residue
        """
    ).fetchall()[0]
    return Score(tp, fp, fn)


def _finding_scores(db: duckdb.DuckDBPyConnection, period: str) -> dict[str, Score]:
    """Per rule code planted in truth: the findings that match it, the extra, the missed."""
    rows = db.execute(
        f"""
        WITH found AS (
          SELECT DISTINCT f.rule_code,
                 CASE WHEN f.rule_code IN {tuple(ROW_LEVEL)} THEN s.truth_key
                      ELSE CAST(pt.truth_person AS VARCHAR) END AS unit
          FROM finding f LEFT JOIN person_truth pt USING (person_id)
          LEFT JOIN scored_record s ON f.record = s.file_name || ' baris ' || s.row_number
          WHERE f.period = '{period}'),
        planted AS (
          SELECT DISTINCT kind AS rule_code,
                 CASE WHEN kind IN {tuple(ROW_LEVEL)} THEN split_part(detail, ' ', 1)
                      ELSE person_id END AS unit
          FROM truth_anomaly)
        SELECT rule_code,
               count(*) FILTER (f.unit IS NOT NULL AND t.unit IS NOT NULL),
               count(*) FILTER (t.unit IS NULL),
               count(*) FILTER (f.unit IS NULL)
        FROM found f FULL JOIN planted t USING (rule_code, unit)
        WHERE rule_code IN (SELECT DISTINCT kind FROM truth_anomaly)
        GROUP BY rule_code ORDER BY rule_code
        """
    ).fetchall()
    return {code: Score(tp, fp, fn) for code, tp, fp, fn in rows}
