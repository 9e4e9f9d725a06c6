"""Findings: run every anomaly rule in force (``data/rules/anomalies.toml``) over the linked
tables of a period and store each finding with its rule code, severity, evidence, action, the
office that acts and the monthly Rupiah the Pemda stops paying when it is acted on.

``reconcile`` is the whole job: link (``pipeline/link.py``), then the rules, in one call.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import duckdb

from semesta.core import rules
from semesta.core.regions import regions
from semesta.pipeline.link import MEMORY_LIMIT, LinkReport, link
from semesta.pipeline.workspace import Workspace, one, period_end

Progress = Callable[[str], None]

SCHEMA = """
CREATE TABLE IF NOT EXISTS finding (
    period VARCHAR, rule_code VARCHAR, severity VARCHAR, office VARCHAR, sheet VARCHAR,
    person_id VARCHAR, kode_desa VARCHAR, record VARCHAR, evidence VARCHAR, action_id VARCHAR,
    action_en VARCHAR, monthly_rupiah BIGINT);
"""

# The views every rule's SQL may use (see the header of anomalies.toml).
_VIEWS = """
CREATE OR REPLACE TEMP VIEW p AS SELECT * FROM person WHERE period = $period;
CREATE OR REPLACE TEMP VIEW m AS SELECT * FROM membership WHERE period = $period;
CREATE OR REPLACE TEMP VIEW r AS
  SELECT i.*, f.file_name, f.file_name || ' baris ' || i.row_number AS record
  FROM identity i JOIN files f USING (file_id) WHERE i.period = $period;
CREATE OR REPLACE TEMP VIEW n AS SELECT * FROM nik_conflict WHERE period = $period;
CREATE OR REPLACE TEMP VIEW q AS
  SELECT file_id, row_number, value, 'diperbaiki: ' || repaired AS outcome, reason_code
  FROM repairs WHERE column_name = 'nik' AND file_id IN (SELECT file_id FROM files
                                                         WHERE period = $period)
  UNION ALL
  SELECT file_id, row_number, value, 'ditolak' AS outcome, reason_code
  FROM quarantine WHERE column_name = 'nik' AND scope = 'value' AND period = $period;
"""


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    office: str
    sheet: str
    title_id: str
    title_en: str
    action_id: str
    action_en: str
    sql: str
    source: str


@dataclass
class ReconcileReport:
    link: LinkReport
    rupiah_rate: int
    rules: list[dict] = field(default_factory=list)
    monthly_rupiah_total: int = 0  # each Pemda payment once, however many rules flag it

    def as_dict(self) -> dict:
        return {
            "period": self.link.period,
            "kabupaten": self.link.kabupaten,
            "linkage": self.link.as_dict(),
            "pemda_rate": self.rupiah_rate,
            "rules": self.rules,
            "monthly_rupiah_total": self.monthly_rupiah_total,
        }


def rules_in_force(on: date) -> list[Rule]:
    """Every anomaly rule in force on ``on``, in the order of the rule file."""
    catalogue = rules.packaged_rules("anomalies")
    found = []
    for code in catalogue.series:
        version = catalogue.find(code, on)
        if version is None:
            continue
        found.append(
            Rule(
                code=code,
                **{
                    key: version.text(key)
                    for key in (
                        "severity",
                        "office",
                        "sheet",
                        "title_id",
                        "title_en",
                        "action_id",
                        "action_en",
                        "sql",
                    )
                },
                source=version.source,
            )
        )
    return found


def reconcile(
    workspace: Workspace, period: str, progress: Progress | None = None
) -> ReconcileReport:
    """Link the period's records, then store every finding of every rule in force."""
    say = progress or (lambda message: None)
    linked = link(workspace, period, progress=say)
    end = period_end(period)
    kabupaten = regions().get(linked.kabupaten)
    rate = rules.pemda_rate(kabupaten.code if kabupaten else linked.kabupaten, end)
    db = workspace.connect(memory_limit=MEMORY_LIMIT)
    db.execute("SET preserve_insertion_order = false")  # findings have no order; lets joins spill
    try:
        report = ReconcileReport(linked, rate)
        db.execute("BEGIN TRANSACTION")
        db.execute(SCHEMA)
        db.execute("DELETE FROM finding WHERE period = ?", [period])
        _views(db, period)
        desil_max = _desil_max(end)
        for rule in rules_in_force(end):
            say(f"aturan / rule {rule.code}")
            report.rules.append(_run(db, rule, period, end, linked.kabupaten, rate, desil_max))
        # A duplicate row is a payment of its own; every other finding ends the person's one.
        payments = one(
            db,
            "SELECT count(DISTINCT CASE WHEN rule_code = 'duplikat_baris' THEN record "
            "ELSE person_id END) FROM finding WHERE period = ? AND monthly_rupiah > 0",
            [period],
        )[0]
        report.monthly_rupiah_total = int(payments) * rate
        db.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # no transaction open yet
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()
    # Pages and commands read stored aggregates, never the raw rows: count them now.
    from semesta.pipeline import uhc

    say("agregat UHC / UHC aggregates")
    uhc.compute(workspace, period)
    return report


def _views(db: duckdb.DuckDBPyConnection, period: str) -> None:
    literal = period.replace("'", "")
    for statement in _VIEWS.replace("$period", f"'{literal}'").split(";"):
        if statement.strip():
            db.execute(statement)


def _run(
    db: duckdb.DuckDBPyConnection,
    rule: Rule,
    period: str,
    end: date,
    kabupaten: str,
    rate: int,
    desil_max: int,
) -> dict:
    sql = rule.sql.format(
        period=period,
        period_end=f"DATE '{end.isoformat()}'",
        kabupaten=kabupaten,
        desil_max=desil_max,
    )
    db.execute(
        f"""
        INSERT INTO finding
        SELECT ?, ?, ?, ?, ?, person_id, kode_desa, record, CAST(evidence AS VARCHAR), ?, ?,
               CASE WHEN pemda_paid THEN ? ELSE 0 END
        FROM ({sql}) AS found(person_id, kode_desa, record, evidence, pemda_paid)
        """,
        [
            period,
            rule.code,
            rule.severity,
            rule.office,
            rule.sheet,
            rule.action_id,
            rule.action_en,
            rate,
        ],
    )
    count, rupiah = one(
        db,
        "SELECT count(*), COALESCE(sum(monthly_rupiah), 0) FROM finding "
        "WHERE period = ? AND rule_code = ?",
        [period, rule.code],
    )
    return {
        "rule_code": rule.code,
        "title_id": rule.title_id,
        "title_en": rule.title_en,
        "severity": rule.severity,
        "office": rule.office,
        "sheet": rule.sheet,
        "findings": int(count),
        "monthly_rupiah": int(rupiah),
        "source": rule.source,
    }


def _desil_max(on: date) -> int:
    """The highest PBI JK desil in force on ``on`` (0 before DTSEN existed: no desil rule runs)."""
    if rules.packaged_rules("dtsen").find("pbi_jk", on) is None:
        return 0
    return max(rules.desil_range("pbi_jk", on))
