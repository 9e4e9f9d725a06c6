"""Eligibility for PBPU-BP Pemda for every person of a period, in one SQL pass; the preview of a
rule change; the people below the budget line; the BPJS invoice against the Pemda's own list;
and the workspace figures the APBD plan needs.

The decision itself belongs to :mod:`semesta.core.eligibility` (rules as data, Python
specification, SQL twins); this module only feeds it the ``person`` table of the reconciliation
(``pipeline/link.py``) and stores the result:

``eligibility``
    one row per person and period: eligible, the rule code that decides, the evidence (JSON),
    the rank among eligible people (1 = first to fund), and what a preview needs to re-decide
    without reading the sources again: the raw failures (bit mask of every failing check but the
    desil), the desil, the Dinsos letter and the priority flags.
``eligibility_run``
    when, with which rules, for which kabupaten and rate.
``rekomendasi_dinsos``
    Dinsos recommendation letters per period (seed 003), loaded from a CSV.
"""

from __future__ import annotations

import calendar
import contextlib
import csv
import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from semesta.core import eligibility as el
from semesta.core import rules as rulebook
from semesta.core.budget import pemda_bantuan_share
from semesta.core.identifiers import parse_nik
from semesta.core.regions import canonical_code
from semesta.core.text import Bilingual, SemestaError
from semesta.pipeline.workspace import Workspace, check_period, has_table, kabupaten_of, one

Progress = Callable[[str], None]

SCHEMA = """
CREATE TABLE IF NOT EXISTS eligibility (
    period VARCHAR, person_id VARCHAR, eligible BOOLEAN, rule_code VARCHAR, evidence VARCHAR,
    rank BIGINT, fails_raw INTEGER, desil INTEGER, rekomendasi_dinsos BOOLEAN, lansia BOOLEAN,
    anak BOOLEAN, disabilitas BOOLEAN, penyakit_kronis BOOLEAN, resident BOOLEAN,
    registered BOOLEAN, pemda_aktif BOOLEAN, kode_desa VARCHAR);
CREATE TABLE IF NOT EXISTS eligibility_run (
    period VARCHAR, rules_from DATE, kabupaten VARCHAR, rate BIGINT, persons BIGINT,
    eligible BIGINT, decided_at TIMESTAMP DEFAULT now());
CREATE TABLE IF NOT EXISTS rekomendasi_dinsos (
    period VARCHAR, nik VARCHAR, nomor_surat VARCHAR, tanggal_surat DATE, berlaku_sampai DATE,
    alasan VARCHAR);
"""

_MSG_NO_PERSON = Bilingual(
    "Belum ada hasil pemadanan (tabel person) untuk periode {period}: jalankan "
    "'semesta reconcile --workspace ... --period {period}' dahulu.",
    "No reconciliation (person table) for period {period} yet: run "
    "'semesta reconcile --workspace ... --period {period}' first.",
)
_MSG_NO_INVOICE = Bilingual(
    "Tidak ada tagihan BPJS (tabel tagihan) untuk periode {period}.",
    "No BPJS invoice (tagihan table) for period {period}.",
)
_MSG_NOT_INVOICE = Bilingual(
    "Berkas '{file}' tidak dikenali sebagai tagihan iuran PBPU-BP Pemda: {why}",
    "File '{file}' is not recognised as a PBPU-BP Pemda invoice: {why}",
)
_MSG_BUDGET = Bilingual(
    "Anggaran per bulan harus bilangan bulat Rupiah tidak negatif, bukan {value!r}.",
    "The monthly budget must be a non-negative whole number of Rupiah, not {value!r}.",
)


# --- periods and context --------------------------------------------------------------------


def period_bounds(period: str) -> tuple[date, date]:
    year, month = (int(part) for part in check_period(period).split("-"))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def columns(db: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = db.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]
    ).fetchall()
    return {row[0] for row in rows}


@dataclass(frozen=True)
class Context:
    period: str
    start: date
    end: date
    kabupaten: str  # four digits, as in DKB desa codes: "6202"
    region: str  # Kemendagri code: "62.02"
    rate: int  # the Pemda's Rupiah per participant per month in force at the period start
    rules: el.EligibilityRules


def context(
    db: duckdb.DuckDBPyConnection, period: str, rules: el.EligibilityRules | None = None
) -> Context:
    start, end = period_bounds(period)
    if (
        not has_table(db, "person")
        or not one(db, "SELECT count(*) FROM person WHERE period = ?", [period])[0]
    ):
        raise SemestaError(_MSG_NO_PERSON.format(period=period))
    kabupaten = kabupaten_of(db, period)
    if not kabupaten:
        kabupaten = one(
            db,
            "SELECT COALESCE(mode(substr(kode_desa, 1, 4)), '') FROM person "
            "WHERE period = ? AND in_dkb AND kode_desa IS NOT NULL",
            [period],
        )[0]
    region = canonical_code(str(kabupaten)) or str(kabupaten)
    return Context(
        period=period,
        start=start,
        end=end,
        kabupaten=str(kabupaten),
        region=region,
        rate=rulebook.pemda_rate(region, start),
        rules=rules or el.eligibility_rules(end),
    )


# --- facts ----------------------------------------------------------------------------------


def _facts_sql(db: duckdb.DuckDBPyConnection, ctx: Context) -> str:
    """One row per person of the period with the columns the core's SQL twins read."""
    have = columns(db, "person")

    def col(name: str, kind: str) -> str:
        return f"p.{name}" if name in have else f"CAST(NULL AS {kind})"

    period = f"'{ctx.period}'"
    if has_table(db, "membership") and {"segmen_kelompok", "aktif"} <= columns(db, "membership"):
        source = f"SELECT person_id, segmen_kelompok, aktif FROM membership WHERE period = {period}"
    elif has_table(db, "membership") and has_table(db, "bpjs_peserta"):
        source = (
            "SELECT m.person_id, b.segmen_kelompok, b.aktif FROM membership m JOIN bpjs_peserta b "
            f"ON b.file_id = m.file_id AND b.row_number = m.row_number WHERE m.period = {period}"
        )
    else:
        source = (
            "SELECT person_id, segmen_kelompok, active AS aktif FROM person "
            f"WHERE period = {period}"
        )
    letters = (
        "SELECT nik, min(nomor_surat) AS nomor FROM rekomendasi_dinsos "
        f"WHERE period = {period} AND tanggal_surat <= DATE '{ctx.end}' "
        f"AND (berlaku_sampai IS NULL OR berlaku_sampai >= DATE '{ctx.start}') GROUP BY nik"
        if has_table(db, "rekomendasi_dinsos")
        else "SELECT CAST(NULL AS VARCHAR) AS nik, CAST(NULL AS VARCHAR) AS nomor WHERE FALSE"
    )
    pemda_bit = el.GROUP_BITS[el.PEMDA_GROUP]
    return f"""
        WITH act AS (
          SELECT person_id, bit_or({el.group_bit_sql("segmen_kelompok")}) AS groups_mask
          FROM ({source}) WHERE aktif GROUP BY person_id),
        letters AS ({letters})
        SELECT p.person_id, p.nik, COALESCE(p.in_dkb, FALSE) AS in_dkb, p.kode_desa,
               p.meninggal, {col("sumber_meninggal", "VARCHAR")} AS sumber_meninggal, p.pindah,
               p.desil, p.formal_worker, {col("employer", "VARCHAR")} AS employer,
               COALESCE(a.groups_mask, 0) AS groups_mask, p.tanggal_lahir,
               l.nomor AS rekomendasi_nomor,
               {col("disabilitas", "BOOLEAN")} AS disabilitas,
               {col("penyakit_kronis", "BOOLEAN")} AS penyakit_kronis,
               COALESCE(p.resident, FALSE) AS resident, COALESCE(p.registered, FALSE) AS registered,
               (COALESCE(a.groups_mask, 0) & {pemda_bit}) <> 0 AS pemda_aktif
        FROM person p LEFT JOIN act a USING (person_id)
        LEFT JOIN letters l ON l.nik = p.nik
        WHERE p.period = {period}
    """


def facts_rows(workspace: Workspace, period: str) -> Iterator[el.PersonFacts]:
    """Every person of the period as :class:`~semesta.core.eligibility.PersonFacts` (for the
    Python specification: agreement tests and the benchmark's per-person baseline)."""
    db = workspace.connect(read_only=True)
    try:
        ctx = context(db, period)
        cursor = db.execute(
            "SELECT person_id, in_dkb, kode_desa, meninggal, sumber_meninggal, pindah, desil, "
            "formal_worker, employer, groups_mask, tanggal_lahir, rekomendasi_nomor, disabilitas, "
            f"penyakit_kronis FROM ({_facts_sql(db, ctx)}) ORDER BY person_id"
        )
        while batch := cursor.fetchmany(50_000):
            for row in batch:
                yield el.PersonFacts(
                    person_id=row[0],
                    in_dkb=row[1],
                    kode_desa=row[2],
                    meninggal=row[3],
                    sumber_meninggal=row[4],
                    pindah=row[5],
                    desil=row[6],
                    formal_worker=row[7],
                    employer=row[8],
                    active_groups=el.groups_of(row[9]),
                    tanggal_lahir=row[10],
                    rekomendasi=row[11],
                    disabilitas=row[12],
                    penyakit_kronis=row[13],
                )
    finally:
        db.close()


# --- the decision for everyone --------------------------------------------------------------


@dataclass
class EligibilityReport:
    period: str
    kabupaten: str
    region: str
    rate: int
    rules: dict[str, Any]
    persons: int
    residents: int
    eligible: int
    eligible_pemda_aktif: int
    pemda_aktif: int
    pemda_aktif_not_eligible: int
    monthly_cost: int  # eligible × rate
    yearly_cost: int
    monthly_saving: int  # active Pemda-paid people found not eligible × rate
    by_rule: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def decide(
    workspace: Workspace,
    period: str,
    rules: el.EligibilityRules | None = None,
    progress: Progress | None = None,
) -> EligibilityReport:
    """Decide for every person of ``period`` and store the ``eligibility`` table."""
    say = progress or (lambda message: None)
    db = workspace.connect()
    try:
        ctx = context(db, period, rules)
        say("fakta per orang / facts per person")
        eligible, code = el.decision_sql(ctx.rules, letter="(rekomendasi_nomor IS NOT NULL)")
        flags = el.flags_sql(ctx.rules, ctx.end)
        # The flags are computed in the outermost SELECT: two of them (disabilitas,
        # penyakit_kronis) share their name with a fact column, which a `SELECT *, … AS name`
        # would keep under that name (and rename the flag), so that ranking read the raw value.
        flag_columns = ", ".join(f"{expr} AS {name}" for name, expr in flags.items())
        kept = ", ".join(("person_id", "eligible", "rule_code", "fails_raw", "desil", flag_columns))
        db.execute("SET preserve_insertion_order = false")  # every read below is ordered
        db.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE elig_decided AS
            SELECT {kept}, {el.evidence_sql(ctx.rules)} AS evidence, resident, registered,
                   pemda_aktif, kode_desa
            FROM (SELECT *, {eligible} AS eligible, {code} AS rule_code
                  FROM (SELECT *, {el.failing_sql(ctx.rules)} AS failing
                        FROM (SELECT *, {el.fails_sql(ctx.kabupaten, ctx.end)} AS fails_raw
                              FROM ({_facts_sql(db, ctx)}))))
            """
        )
        say("keputusan / decisions")
        db.execute("BEGIN TRANSACTION")
        db.execute(SCHEMA)
        db.execute("DELETE FROM eligibility WHERE period = ?", [period])
        db.execute("DELETE FROM eligibility_run WHERE period = ?", [period])
        stored = (
            "person_id, eligible, rule_code, evidence, {rank}, fails_raw, desil, "
            "rekomendasi_dinsos, lansia, anak, disabilitas, penyakit_kronis, resident, "
            "registered, pemda_aktif, kode_desa"
        )
        ranked = stored.format(rank=f"row_number() OVER (ORDER BY {el.rank_order_sql(ctx.rules)})")
        db.execute(  # only the eligible are ranked, so only they are sorted
            f"INSERT INTO eligibility SELECT $1, {ranked} FROM elig_decided WHERE eligible "
            f"UNION ALL SELECT $1, {stored.format(rank='NULL')} FROM elig_decided "
            "WHERE NOT eligible",
            [period],
        )
        persons, eligible_count = one(
            db,
            "SELECT count(*), count(*) FILTER (eligible) FROM eligibility WHERE period = ?",
            [period],
        )
        db.execute(
            "INSERT INTO eligibility_run (period, rules_from, kabupaten, rate, persons, eligible) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [period, ctx.rules.effective_from, ctx.kabupaten, ctx.rate, persons, eligible_count],
        )
        db.execute("COMMIT")
        db.execute("DROP TABLE IF EXISTS elig_decided")
        return _report(db, ctx)
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()


def _report(db: duckdb.DuckDBPyConnection, ctx: Context) -> EligibilityReport:
    persons, residents, eligible, eligible_pemda, pemda, pemda_out = one(
        db,
        "SELECT count(*), count(*) FILTER (resident), count(*) FILTER (eligible), "
        "count(*) FILTER (eligible AND pemda_aktif), count(*) FILTER (pemda_aktif), "
        "count(*) FILTER (pemda_aktif AND NOT eligible) FROM eligibility WHERE period = ?",
        [ctx.period],
    )
    rows = db.execute(
        "SELECT rule_code, eligible, count(*), count(*) FILTER (pemda_aktif), "
        "count(*) FILTER (resident) FROM eligibility WHERE period = ? GROUP BY ALL",
        [ctx.period],
    ).fetchall()
    counts = {r[0]: r for r in rows}
    by_rule = []
    for code, label, office, action, source in _catalogue(ctx.rules):
        if code not in counts:
            continue
        _, ok, n, pemda_n, resident_n = counts[code]
        by_rule.append(
            {
                "rule_code": code,
                "eligible": bool(ok),
                "persons": int(n),
                "residents": int(resident_n),
                "pemda_aktif": int(pemda_n),
                "monthly_rupiah": int(n) * ctx.rate if ok else int(pemda_n) * ctx.rate,
                "label": label.as_dict(),
                "office": office,
                "action": action.as_dict(),
                "source": source,
            }
        )
    return EligibilityReport(
        period=ctx.period,
        kabupaten=ctx.kabupaten,
        region=ctx.region,
        rate=ctx.rate,
        rules=ctx.rules.describe(),
        persons=int(persons),
        residents=int(residents),
        eligible=int(eligible),
        eligible_pemda_aktif=int(eligible_pemda),
        pemda_aktif=int(pemda),
        pemda_aktif_not_eligible=int(pemda_out),
        monthly_cost=int(eligible) * ctx.rate,
        yearly_cost=int(eligible) * ctx.rate * 12,
        monthly_saving=int(pemda_out) * ctx.rate,
        by_rule=by_rule,
    )


def _catalogue(rules: el.EligibilityRules) -> list[tuple[str, Bilingual, str, Bilingual, str]]:
    """Every code a decision can carry: admitted first, then the rules in order."""
    admitted = Bilingual("Layak: semua kriteria terpenuhi", "Eligible: every criterion met")
    action = Bilingual("Pertahankan / daftarkan sebagai PBPU-BP Pemda", "Keep / register")
    items = [
        (rules.eligible_code, admitted, "Dinkes", action, rules.source),
        (
            rules.eligible_without_desil_code,
            Bilingual(
                "Layak, tetapi belum ada di DTSEN (desil tidak diketahui)",
                "Eligible, but not in DTSEN yet (desil unknown)",
            ),
            "Dinsos",
            Bilingual(
                "Usulkan masuk DTSEN melalui Musdesus", "Propose for DTSEN through the Musdesus"
            ),
            rules.desil_source or rules.source,
        ),
    ]
    if rules.route is not None:
        r = rules.route
        items.append((r.code, r.label, r.office, r.action, r.source))
    items += [(r.code, r.label, r.office, r.action, r.source) for r in rules.rules]
    return items


def ensure_decided(
    workspace: Workspace, period: str, progress: Progress | None = None
) -> EligibilityReport:
    """The stored decision of ``period``, computing it first when there is none."""
    db = workspace.connect(read_only=True)
    try:
        if (
            has_table(db, "eligibility_run")
            and one(db, "SELECT count(*) FROM eligibility_run WHERE period = ?", [period])[0]
        ):
            return _report(db, context(db, period))
    finally:
        db.close()
    return decide(workspace, period, progress=progress)


# --- rule-change preview --------------------------------------------------------------------


@dataclass
class Preview:
    period: str
    rate: int
    current: dict[str, Any]
    proposed: dict[str, Any]
    eligible_before: int
    eligible_after: int
    entering: int
    leaving: int
    leaving_pemda_aktif: int  # the Pemda stops paying for them
    monthly_change: int  # (entering − leaving) × rate
    yearly_change: int
    transitions: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _proposal_sql(rules: el.EligibilityRules) -> tuple[str, str, str]:
    """(failing, eligible, rule_code) of ``rules`` over the stored ``eligibility`` columns."""
    eligible, code = el.decision_sql(rules, failing="new_failing", letter="rekomendasi_dinsos")
    return el.failing_sql(rules), eligible, code


def preview(workspace: Workspace, period: str, proposed: el.EligibilityRules) -> Preview:
    """Who enters and who leaves under ``proposed`` rules, and what it costs, from the stored
    decision (no source is read again)."""
    ensure_decided(workspace, period)
    db = workspace.connect(read_only=True)
    try:
        ctx = context(db, period)
        failing, new_eligible, new_code = _proposal_sql(proposed)
        rows = db.execute(
            f"""
            SELECT eligible, new_eligible, rule_code, new_code, count(*),
                   count(*) FILTER (pemda_aktif)
            FROM (SELECT eligible, rule_code, pemda_aktif, {new_eligible} AS new_eligible,
                         {new_code} AS new_code
                  FROM (SELECT *, {failing} AS new_failing FROM eligibility WHERE period = ?))
            GROUP BY ALL
            """,
            [period],
        ).fetchall()
    finally:
        db.close()
    before = sum(r[4] for r in rows if r[0])
    after = sum(r[4] for r in rows if r[1])
    entering = sum(r[4] for r in rows if r[1] and not r[0])
    leaving = sum(r[4] for r in rows if r[0] and not r[1])
    leaving_pemda = sum(r[5] for r in rows if r[0] and not r[1])
    transitions = [
        {
            "from": r[2],
            "to": r[3],
            "direction": "masuk" if r[1] else "keluar",
            "persons": int(r[4]),
            "pemda_aktif": int(r[5]),
        }
        for r in sorted(rows, key=lambda r: (-r[4], r[2], r[3]))
        if r[0] != r[1]
    ]
    return Preview(
        period=period,
        rate=ctx.rate,
        current=ctx.rules.describe(),
        proposed=proposed.describe(),
        eligible_before=int(before),
        eligible_after=int(after),
        entering=int(entering),
        leaving=int(leaving),
        leaving_pemda_aktif=int(leaving_pemda),
        monthly_change=(int(entering) - int(leaving)) * ctx.rate,
        yearly_change=(int(entering) - int(leaving)) * ctx.rate * 12,
        transitions=transitions,
    )


def preview_people(
    workspace: Workspace, period: str, proposed: el.EligibilityRules, limit: int | None = None
) -> list[tuple]:
    """The people who would enter or leave: (direction, person_id, NIK, name, desa, desil,
    code now, code after)."""
    db = workspace.connect(read_only=True)
    try:
        failing, new_eligible, new_code = _proposal_sql(proposed)
        cap = f"LIMIT {int(limit)}" if limit else ""
        return db.execute(
            f"""
            SELECT CASE WHEN x.new_eligible THEN 'masuk' ELSE 'keluar' END, x.person_id, p.nik,
                   p.nama, x.kode_desa, x.desil, x.rule_code, x.new_code
            FROM (SELECT *, {new_eligible} AS new_eligible, {new_code} AS new_code
                  FROM (SELECT *, {failing} AS new_failing FROM eligibility
                        WHERE period = $1)) x
            JOIN person p ON p.period = $1 AND p.person_id = x.person_id
            WHERE x.eligible <> x.new_eligible
            ORDER BY 1, x.kode_desa, x.person_id {cap}
            """,
            [period],
        ).fetchall()
    finally:
        db.close()


# --- below the budget line ------------------------------------------------------------------


@dataclass
class BudgetLine:
    period: str
    rate: int
    monthly_budget: int
    eligible: int
    funded: int  # the first `funded` ranks fit in the budget
    below: int
    monthly_shortfall: int  # below × rate
    below_by_desil: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def budget_line(workspace: Workspace, period: str, monthly_budget: int) -> BudgetLine:
    """How many eligible people a monthly budget pays for, in priority order, and who is left."""
    if isinstance(monthly_budget, bool) or not isinstance(monthly_budget, int):
        raise SemestaError(_MSG_BUDGET.format(value=monthly_budget))
    if monthly_budget < 0:
        raise SemestaError(_MSG_BUDGET.format(value=monthly_budget))
    ensure_decided(workspace, period)
    db = workspace.connect(read_only=True)
    try:
        ctx = context(db, period)
        eligible = one(
            db, "SELECT count(*) FROM eligibility WHERE period = ? AND eligible", [period]
        )[0]
        funded = min(int(eligible), monthly_budget // ctx.rate) if ctx.rate else int(eligible)
        rows = db.execute(
            "SELECT COALESCE(CAST(desil AS VARCHAR), 'tanpa desil'), count(*) FROM eligibility "
            "WHERE period = ? AND eligible AND rank > ? GROUP BY ALL ORDER BY 1",
            [period, funded],
        ).fetchall()
    finally:
        db.close()
    below = int(eligible) - funded
    return BudgetLine(
        period=period,
        rate=ctx.rate,
        monthly_budget=monthly_budget,
        eligible=int(eligible),
        funded=funded,
        below=below,
        monthly_shortfall=below * ctx.rate,
        below_by_desil={str(k): int(v) for k, v in rows},
    )


def below_line_people(workspace: Workspace, period: str, funded: int) -> list[tuple]:
    """Everyone ranked below the line, with why: (rank, NIK, name, desa, desil, flags, why)."""
    db = workspace.connect(read_only=True)
    try:
        ctx = context(db, period)
        rows = db.execute(
            "SELECT e.rank, p.nik, p.nama, e.kode_desa, e.desil, e.rekomendasi_dinsos, e.lansia, "
            "e.anak, e.disabilitas, e.penyakit_kronis, e.rule_code "
            "FROM eligibility e JOIN person p ON p.period = e.period AND p.person_id = e.person_id "
            "WHERE e.period = ? AND e.eligible AND e.rank > ? ORDER BY e.rank",
            [period, funded],
        ).fetchall()
    finally:
        db.close()
    names = ("rekomendasi_dinsos", "lansia", "anak", "disabilitas", "penyakit_kronis")
    result = []
    for row in rows:
        flags = [n for n, v in zip(names, row[5:10], strict=True) if v]
        desil = f"desil {row[4]}" if row[4] is not None else "tanpa desil"
        why = (
            f"peringkat {row[0]} > {funded} yang terbiayai; {desil}; "
            + (", ".join(flags) if flags else "tanpa prioritas kerentanan")
            + f" (urutan: {', '.join(ctx.rules.priority)})"
        )
        result.append((row[0], row[1], row[2], row[3], row[4], ", ".join(flags), why))
    return result


# --- Dinsos letters -------------------------------------------------------------------------

_LETTER_HEADERS = {
    "NIK": "nik",
    "NOMORSURAT": "nomor_surat",
    "NOSURAT": "nomor_surat",
    "NOMOR": "nomor_surat",
    "TANGGALSURAT": "tanggal_surat",
    "TGLSURAT": "tanggal_surat",
    "TANGGAL": "tanggal_surat",
    "BERLAKUSAMPAI": "berlaku_sampai",
    "SAMPAI": "berlaku_sampai",
    "ALASAN": "alasan",
    "KETERANGAN": "alasan",
}


def _parse_day(text: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        with contextlib.suppress(ValueError):
            return datetime.strptime(text, fmt).date()
    raise ValueError(text)


def load_recommendations(workspace: Workspace, period: str, path: Path) -> int:
    """Replace the period's Dinsos letters with those in the CSV ``path`` (columns NIK, NOMOR
    SURAT, TANGGAL SURAT, optional BERLAKU SAMPAI and ALASAN; dates YYYY-MM-DD or DD-MM-YYYY)."""
    _, end = period_bounds(period)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise SemestaError(
            Bilingual(f"'{path}' tidak dapat dibaca: {error}", f"'{path}' cannot be read: {error}")
        ) from None
    lines = text.splitlines()
    delimiter = max((";", ",", "\t"), key=lines[0].count) if lines else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = next(reader, [])
    index = {}
    for i, name in enumerate(header):
        key = "".join(ch for ch in name.upper() if ch.isalnum())
        if key in _LETTER_HEADERS and _LETTER_HEADERS[key] not in index:
            index[_LETTER_HEADERS[key]] = i
    missing = [c for c in ("nik", "nomor_surat", "tanggal_surat") if c not in index]
    if missing:
        raise SemestaError(
            Bilingual(
                f"'{path.name}': kolom wajib tidak ada: {', '.join(missing)} "
                "(perlu NIK, NOMOR SURAT, TANGGAL SURAT).",
                f"'{path.name}': required columns missing: {', '.join(missing)} "
                "(needs NIK, NOMOR SURAT, TANGGAL SURAT).",
            )
        )

    def cell(row: list[str], name: str) -> str:
        i = index.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    rows, problems = [], []
    for line, row in enumerate(reader, start=2):
        if not any(v.strip() for v in row):
            continue
        nik = parse_nik(cell(row, "nik"), as_of=end)
        try:
            issued = _parse_day(cell(row, "tanggal_surat"))
            until = _parse_day(cell(row, "berlaku_sampai"))
        except ValueError as error:
            problems.append(f"{line}: tanggal {error}")
            continue
        number = cell(row, "nomor_surat")
        if nik.nik is None or issued is None or not number:
            problems.append(f"{line}: {nik.problem or 'tanggal/nomor surat kosong'}")
            continue
        rows.append((period, nik.nik, number, issued, until, cell(row, "alasan") or None))
    if problems:
        raise SemestaError(
            Bilingual(
                f"'{path.name}': baris tidak sah: {'; '.join(problems[:10])}",
                f"'{path.name}': invalid rows: {'; '.join(problems[:10])}",
            )
        )
    db = workspace.connect()
    try:
        db.execute("BEGIN TRANSACTION")
        db.execute(SCHEMA)
        db.execute("DELETE FROM rekomendasi_dinsos WHERE period = ?", [period])
        if rows:
            db.executemany("INSERT INTO rekomendasi_dinsos VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()
    return len(rows)


# --- the BPJS invoice against the Pemda's own list ------------------------------------------


@dataclass
class InvoiceCheck:
    period: str
    file_id: int | None
    file_name: str | None
    rate: int
    rows_billed: int
    rupiah_billed: int
    persons_billed: int
    rows_accepted: int
    rupiah_payable: int  # accepted rows at min(iuran, rate)
    rows_not_accepted: int
    rupiah_not_accepted: int
    by_finding: list[dict[str, Any]]
    rate_difference_rows: int
    rate_difference_rupiah: int  # Σ (iuran − rate) over every billed row
    rate_difference_finding: dict[str, Any]  # TAG-TARIF: label, office, action
    eligible_persons: int  # the Pemda's own list: everyone eligible
    expected_rupiah: int  # eligible × rate
    eligible_not_billed: list[dict[str, Any]]
    headcount_difference: int  # rows billed − eligible persons
    rupiah_difference: int  # billed − expected

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ingest_invoice(workspace: Workspace, period: str, path: Path) -> int:
    """Ingest one invoice file for ``period`` (or find it, when already ingested); its file id."""
    from semesta.pipeline.ingest import ingest

    if not path.is_file():
        raise SemestaError(
            Bilingual(f"Berkas '{path}' tidak ditemukan.", f"File '{path}' not found.")
        )
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    found = _file_by_sha(workspace, period, sha, path.name)
    if found is not None:
        return found
    from semesta.pipeline.readers import plan

    layout = plan(path, workspace.mapping()).layout.name  # refuses what it cannot read
    if layout != "tagihan":  # never ingest another export by mistake
        why = f"jenis berkas / file kind: {layout}"
        raise SemestaError(_MSG_NOT_INVOICE.format(file=path.name, why=why))
    workspace.path.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=workspace.path) as folder:
        shutil.copy2(path, Path(folder) / path.name)
        report = ingest(Path(folder), period, workspace, replace=True)
    status = report.files[0]
    if status.status == "refused" or status.layout not in (None, "tagihan"):
        why = (status.message or {}).get("id") or f"jenis berkas / file kind: {status.layout}"
        raise SemestaError(_MSG_NOT_INVOICE.format(file=path.name, why=why))
    found = _file_by_sha(workspace, period, sha, path.name)
    if found is None:  # pragma: no cover - ingest wrote it or refused it above
        raise SemestaError(_MSG_NOT_INVOICE.format(file=path.name, why="tidak tersimpan"))
    return found


def _file_by_sha(workspace: Workspace, period: str, sha: str, name: str) -> int | None:
    if not workspace.exists():
        return None
    db = workspace.connect(read_only=True)
    try:
        rows = db.execute(
            "SELECT file_id, layout FROM files WHERE period = ? AND sha256 = ? "
            "ORDER BY file_id DESC",
            [period, sha],
        ).fetchall()
    finally:
        db.close()
    if rows and rows[0][1] != "tagihan":
        raise SemestaError(
            _MSG_NOT_INVOICE.format(
                file=name, why=f"sudah dimuat sebagai / already ingested as {rows[0][1]}"
            )
        )
    return int(rows[0][0]) if rows else None


def _invoice_rows_sql(db: duckdb.DuckDBPyConnection, ctx: Context, file_id: int) -> str:
    """Each billed row with its person and what the Pemda's list says about them."""
    period = f"'{ctx.period}'"
    identity = (
        f"SELECT file_id, row_number, person_id FROM identity WHERE period = {period} "
        "AND layout = 'tagihan'"
        if has_table(db, "identity")
        else "SELECT NULL::INTEGER AS file_id, NULL::BIGINT AS row_number, "
        "NULL::VARCHAR AS person_id WHERE FALSE"
    )
    if has_table(db, "membership") and {"no_kartu", "segmen_kelompok"} <= columns(db, "membership"):
        cards = (
            "SELECT no_kartu, min(person_id) AS person_id, "
            f"bool_or(aktif AND segmen_kelompok = '{el.PEMDA_GROUP}') AS pemda_aktif "
            f"FROM membership WHERE period = {period} AND no_kartu IS NOT NULL GROUP BY no_kartu"
        )
    else:
        cards = (
            "SELECT NULL::VARCHAR AS no_kartu, NULL::VARCHAR AS person_id, "
            "NULL::BOOLEAN AS pemda_aktif WHERE FALSE"
        )
    return f"""
        WITH t AS (SELECT * FROM tagihan WHERE period = {period} AND file_id = {int(file_id)}),
        cards AS ({cards}),
        ident AS ({identity}),
        by_nik AS (SELECT nik, min(person_id) AS person_id FROM person
                   WHERE period = {period} AND nik IS NOT NULL GROUP BY nik),
        resolved AS (
          SELECT t.row_number, t.no_kartu, t.nik, t.nama, t.kelas, t.iuran,
                 COALESCE(c.person_id, i.person_id, n.person_id) AS person_id,
                 c.no_kartu IS NOT NULL AS card_known, COALESCE(c.pemda_aktif, FALSE) AS pemda_aktif
          FROM t LEFT JOIN cards c ON c.no_kartu = t.no_kartu
          LEFT JOIN ident i ON i.file_id = t.file_id AND i.row_number = t.row_number
          LEFT JOIN by_nik n ON n.nik = t.nik)
        SELECT r.*, e.eligible, e.rule_code, e.evidence,
               CASE WHEN r.person_id IS NULL OR e.person_id IS NULL THEN 'TAG-TIDAK-DIKENAL'
                    WHEN NOT e.eligible THEN e.rule_code
                    WHEN row_number() OVER (PARTITION BY r.person_id ORDER BY r.row_number) > 1
                      THEN 'TAG-GANDA'
                    WHEN r.card_known AND NOT r.pemda_aktif THEN 'TAG-BUKAN-PEMDA-AKTIF'
               END AS finding
        FROM resolved r
        LEFT JOIN eligibility e ON e.period = {period} AND e.person_id = r.person_id
    """


def _invoice_file(db: duckdb.DuckDBPyConnection, period: str, file_id: int | None) -> tuple:
    if not has_table(db, "tagihan"):
        raise SemestaError(_MSG_NO_INVOICE.format(period=period))
    rows = db.execute(
        "SELECT f.file_id, f.file_name FROM files f WHERE f.period = ? AND f.layout = 'tagihan' "
        "AND (? IS NULL OR f.file_id = ?) ORDER BY f.file_id DESC LIMIT 1",
        [period, file_id, file_id],
    ).fetchall()
    if not rows:
        raise SemestaError(_MSG_NO_INVOICE.format(period=period))
    return int(rows[0][0]), str(rows[0][1])


def check_invoice(
    workspace: Workspace,
    period: str,
    file_id: int | None = None,
    progress: Progress | None = None,
) -> InvoiceCheck:
    """Compare the period's invoice (the latest, or ``file_id``) with the Pemda's own list."""
    ensure_decided(workspace, period, progress)
    db = workspace.connect(read_only=True)
    try:
        ctx = context(db, period)
        file_id, file_name = _invoice_file(db, period, file_id)
        db.execute(f"CREATE OR REPLACE TEMP TABLE inv AS {_invoice_rows_sql(db, ctx, file_id)}")
        rows_billed, rupiah_billed, persons_billed = one(
            db, "SELECT count(*), COALESCE(sum(iuran), 0), count(DISTINCT person_id) FROM inv"
        )
        accepted, payable = one(
            db,
            f"SELECT count(*), COALESCE(sum(least(iuran, {ctx.rate})), 0) FROM inv "
            "WHERE finding IS NULL",
        )
        diff_rows, diff_rupiah = one(
            db,
            f"SELECT count(*) FILTER (iuran <> {ctx.rate}), "
            f"COALESCE(sum(iuran - {ctx.rate}), 0) FROM inv",
        )
        grouped = db.execute(
            "SELECT finding, count(*), COALESCE(sum(iuran), 0) FROM inv "
            "WHERE finding IS NOT NULL GROUP BY ALL"
        ).fetchall()
        missing = db.execute(
            """
            SELECT CASE WHEN pemda_aktif THEN 'TAG-TIDAK-DITAGIH' WHEN registered
                        THEN 'TAG-NONAKTIF' ELSE 'TAG-BELUM-TERDAFTAR' END, count(*)
            FROM eligibility WHERE period = ? AND eligible
              AND person_id NOT IN (SELECT person_id FROM inv WHERE person_id IS NOT NULL)
            GROUP BY ALL
            """,
            [period],
        ).fetchall()
        eligible = one(
            db, "SELECT count(*) FROM eligibility WHERE period = ? AND eligible", [period]
        )[0]
    finally:
        db.close()
    labels = _finding_labels(ctx)
    by_finding = [
        {
            "code": code,
            "rows": int(n),
            "rupiah": int(rupiah),
            **labels.get(code, {}),
        }
        for code, n, rupiah in sorted(grouped, key=lambda g: _order(ctx, g[0]))
    ]
    not_billed = [
        {"code": code, "persons": int(n), "rupiah": int(n) * ctx.rate, **labels.get(code, {})}
        for code, n in sorted(missing, key=lambda g: _order(ctx, g[0]))
    ]
    not_accepted = sum(f["rows"] for f in by_finding)
    return InvoiceCheck(
        period=period,
        file_id=file_id,
        file_name=file_name,
        rate=ctx.rate,
        rows_billed=int(rows_billed),
        rupiah_billed=int(rupiah_billed),
        persons_billed=int(persons_billed),
        rows_accepted=int(accepted),
        rupiah_payable=int(payable),
        rows_not_accepted=not_accepted,
        rupiah_not_accepted=sum(f["rupiah"] for f in by_finding),
        by_finding=by_finding,
        rate_difference_rows=int(diff_rows),
        rate_difference_rupiah=int(diff_rupiah),
        rate_difference_finding={"code": "TAG-TARIF", **labels.get("TAG-TARIF", {})},
        eligible_persons=int(eligible),
        expected_rupiah=int(eligible) * ctx.rate,
        eligible_not_billed=not_billed,
        headcount_difference=int(rows_billed) - int(eligible),
        rupiah_difference=int(rupiah_billed) - int(eligible) * ctx.rate,
    )


def _finding_labels(ctx: Context) -> dict[str, dict[str, Any]]:
    labels: dict[str, dict[str, Any]] = {}
    for code, label, office, action, _source in _catalogue(ctx.rules):
        labels[code] = {"label": label.as_dict(), "office": office, "action": action.as_dict()}
    for code, finding in el.invoice_findings(ctx.start).items():
        labels[code] = {
            "label": finding.label.as_dict(),
            "office": finding.office,
            "action": finding.action.as_dict(),
        }
    return labels


def _order(ctx: Context, code: str) -> tuple[int, str]:
    codes = [c[0] for c in _catalogue(ctx.rules)] + list(el.invoice_findings(ctx.start))
    return (codes.index(code) if code in codes else len(codes), code)


def invoice_rows(workspace: Workspace, period: str, file_id: int, which: str) -> list[tuple]:
    """Rows for the workbook: ``which`` = "not_accepted" (billed rows with a finding),
    "rate" (rows whose iuran differs from the rate) or "not_billed" (eligible, not billed)."""
    db = workspace.connect(read_only=True)
    try:
        ctx = context(db, period)
        db.execute(f"CREATE OR REPLACE TEMP TABLE inv AS {_invoice_rows_sql(db, ctx, file_id)}")
        labels = _finding_labels(ctx)
        if which == "not_accepted":
            rows = db.execute(
                "SELECT row_number, no_kartu, nik, nama, iuran, finding, evidence FROM inv "
                "WHERE finding IS NOT NULL ORDER BY row_number"
            ).fetchall()
            return [
                (
                    *r[:5],
                    r[5],
                    labels.get(r[5], {}).get("label", {}).get("id", ""),
                    r[6] or "",
                    labels.get(r[5], {}).get("action", {}).get("id", ""),
                )
                for r in rows
            ]
        if which == "rate":
            return db.execute(
                f"SELECT row_number, no_kartu, nik, nama, iuran, {ctx.rate}, "
                f"iuran - {ctx.rate} FROM inv WHERE iuran <> {ctx.rate} ORDER BY row_number"
            ).fetchall()
        rows = db.execute(
            """
            SELECT p.nik, p.nama, e.kode_desa, e.desil, e.rule_code,
                   CASE WHEN e.pemda_aktif THEN 'TAG-TIDAK-DITAGIH' WHEN e.registered
                        THEN 'TAG-NONAKTIF' ELSE 'TAG-BELUM-TERDAFTAR' END
            FROM eligibility e JOIN person p ON p.period = e.period AND p.person_id = e.person_id
            WHERE e.period = $1 AND e.eligible
              AND e.person_id NOT IN (SELECT person_id FROM inv WHERE person_id IS NOT NULL)
            ORDER BY 6, e.kode_desa, p.nik
            """,
            [period],
        ).fetchall()
        return [
            (*r[:5], r[5], labels.get(r[5], {}).get("label", {}).get("id", ""), ctx.rate)
            for r in rows
        ]
    finally:
        db.close()


# --- workspace figures for the APBD plan and the monthly bill -------------------------------


@dataclass
class WorkspaceFigures:
    period: str
    kabupaten: str
    region: str
    rate: int
    population: int  # residents (DKB, alive, not moved out, desa in the kabupaten)
    registered: int  # residents with a BPJS membership
    active: int  # residents with an active membership
    coverage_source: str  # "uhc_aggregate" or "person"
    pemda_paid_active: int  # active PBPU-BP Pemda cards (what BPJS bills)
    kelas3_mandiri_active: int  # resident persons with an active PBPU/BP kelas III membership
    bantuan_share: int
    eligible: int
    eligible_unregistered: int
    monthly_saving: int
    saving_source: str  # "finding" or "eligibility"
    saving_by_rule: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def workspace_figures(
    workspace: Workspace, period: str, progress: Progress | None = None
) -> WorkspaceFigures:
    """Population, coverage, the Pemda's bill counts, the eligible need and the saving."""
    ensure_decided(workspace, period, progress)
    db = workspace.connect(read_only=True)
    try:
        ctx = context(db, period)
        population, registered, active, source = _coverage(db, ctx)
        pemda_paid, kelas3 = _bill_counts(db, ctx)
        eligible, unregistered = one(
            db,
            "SELECT count(*) FILTER (eligible), count(*) FILTER (eligible AND NOT registered) "
            "FROM eligibility WHERE period = ?",
            [period],
        )
        saving, saving_source, by_rule = _saving(db, ctx)
    finally:
        db.close()
    share, _ = pemda_bantuan_share(ctx.start)
    return WorkspaceFigures(
        period=period,
        kabupaten=ctx.kabupaten,
        region=ctx.region,
        rate=ctx.rate,
        population=population,
        registered=registered,
        active=active,
        coverage_source=source,
        pemda_paid_active=pemda_paid,
        kelas3_mandiri_active=kelas3,
        bantuan_share=share,
        eligible=int(eligible),
        eligible_unregistered=int(unregistered),
        monthly_saving=saving,
        saving_source=saving_source,
        saving_by_rule=by_rule,
    )


def _coverage(db: duckdb.DuckDBPyConnection, ctx: Context) -> tuple[int, int, int, str]:
    """From issue 5's stored aggregate when it is there, else counted from ``person``."""
    if has_table(db, "uhc_aggregate"):
        have = columns(db, "uhc_aggregate")
        names = {
            "level": next((c for c in ("level", "tingkat") if c in have), None),
            "population": next((c for c in ("population", "penduduk") if c in have), None),
            "registered": next((c for c in ("registered", "terdaftar") if c in have), None),
            "active": next((c for c in ("active", "aktif") if c in have), None),
        }
        if all(names.values()) and "period" in have:
            segment = " AND segmen = 'SEMUA'" if "segmen" in have else ""  # the area's total
            rows = db.execute(
                f"SELECT {names['population']}, {names['registered']}, {names['active']} "
                f"FROM uhc_aggregate WHERE period = ? AND {names['level']} = 'kabupaten'"
                f"{segment} LIMIT 1",
                [ctx.period],
            ).fetchall()
            if rows and all(v is not None for v in rows[0]):
                return int(rows[0][0]), int(rows[0][1]), int(rows[0][2]), "uhc_aggregate"
    population, registered, active = one(
        db,
        "SELECT count(*), count(*) FILTER (registered), count(*) FILTER (active) FROM person "
        "WHERE period = ? AND resident",
        [ctx.period],
    )
    return int(population), int(registered), int(active), "person"


def _bill_counts(db: duckdb.DuckDBPyConnection, ctx: Context) -> tuple[int, int]:
    if has_table(db, "membership") and {"segmen_kelompok", "aktif", "kelas"} <= columns(
        db, "membership"
    ):
        pemda, kelas3 = one(
            db,
            f"""
            SELECT count(*) FILTER (m.aktif AND m.segmen_kelompok = '{el.PEMDA_GROUP}'),
                   count(DISTINCT m.person_id) FILTER (m.aktif AND m.kelas = 3
                     AND m.segmen_kelompok IN {tuple(el.MANDIRI_GROUPS)} AND p.resident)
            FROM membership m LEFT JOIN person p ON p.period = m.period
              AND p.person_id = m.person_id
            WHERE m.period = ?
            """,
            [ctx.period],
        )
        return int(pemda), int(kelas3)
    pemda, kelas3 = one(
        db,
        f"SELECT count(*) FILTER (aktif AND segmen_kelompok = '{el.PEMDA_GROUP}'), "
        f"count(DISTINCT no_kartu) FILTER (aktif AND kelas = 3 AND segmen_kelompok IN "
        f"{tuple(el.MANDIRI_GROUPS)}) FROM bpjs_peserta WHERE period = ?",
        [ctx.period],
    )
    return int(pemda), int(kelas3)


def _saving(db: duckdb.DuckDBPyConnection, ctx: Context) -> tuple[int, str, list[dict[str, Any]]]:
    """The monthly Rupiah the Pemda stops paying if the reconciliation's lists are acted on.

    Each payment counts once however many rules flag it (as the reconciliation's own total: a
    duplicate BPJS row is a payment of its own, any other finding ends the person's payment).
    Without a reconciliation, the active Pemda-paid people the eligibility rules exclude.
    """
    if (
        has_table(db, "finding")
        and one(db, "SELECT count(*) FROM finding WHERE period = ?", [ctx.period])[0]
    ):
        total = one(
            db,
            "SELECT COALESCE(sum(rupiah), 0) FROM (SELECT max(monthly_rupiah) AS rupiah "
            "FROM finding WHERE period = ? AND monthly_rupiah > 0 GROUP BY "
            "CASE WHEN rule_code = 'duplikat_baris' THEN record ELSE person_id END)",
            [ctx.period],
        )[0]
        rows = db.execute(
            "SELECT rule_code, count(*), COALESCE(sum(monthly_rupiah), 0) FROM finding "
            "WHERE period = ? AND monthly_rupiah > 0 GROUP BY ALL ORDER BY 3 DESC, 1",
            [ctx.period],
        ).fetchall()
        return (
            int(total),
            "finding",
            [{"rule_code": r[0], "findings": int(r[1]), "monthly_rupiah": int(r[2])} for r in rows],
        )
    rows = db.execute(
        "SELECT rule_code, count(*) FROM eligibility WHERE period = ? AND pemda_aktif "
        "AND NOT eligible GROUP BY ALL ORDER BY 2 DESC, 1",
        [ctx.period],
    ).fetchall()
    by_rule = [
        {"rule_code": r[0], "findings": int(r[1]), "monthly_rupiah": int(r[1]) * ctx.rate}
        for r in rows
    ]
    return sum(r["monthly_rupiah"] for r in by_rule), "eligibility", by_rule
