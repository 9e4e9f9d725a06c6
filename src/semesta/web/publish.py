"""Publish a period's results from the DuckDB workspace into the app's database.

The pages read only Django's database: DuckDB allows one writer process, and the job process is
that writer, so a request never opens the workspace. After every job the results the pages need
are copied here as a new :class:`~semesta.web.models.Publication` generation:

=====================  ==========================================  ===========================
workspace (DuckDB)     published as                                 read by
=====================  ==========================================  ===========================
files, quarantine      FileAccount, QuarantineRow                   upload and accounting page
person + every source  Person (sources side by side, status facts)  person page, status check
finding                Finding                                      anomaly and action lists
uhc_aggregate          RegionStat                                   UHC dashboard, API
eligibility results    Person.pemda_eligible, Publication.extra     targeting and budget pages
=====================  ==========================================  ===========================

Each step is one function reading one workspace table; a step whose table is absent (an earlier
pipeline stage not run yet) is skipped and named in ``Publication.notes``. Rows are written in
batches of :data:`BATCH` in their own transactions, so a long publish never holds the database
lock; the generation becomes visible in one short transaction at the end.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
from django.db import connection, transaction
from django.utils import timezone

from semesta.core.text import Bilingual
from semesta.pipeline.layouts import LAYOUT_BY_NAME
from semesta.pipeline.workspace import Workspace, check_period, kabupaten_of
from semesta.web.models import (
    EligibilityCell,
    FileAccount,
    Finding,
    InvoiceLine,
    Person,
    Publication,
    QuarantineRow,
    RegionStat,
)
from semesta.web.privacy import nik_key, person_ref

Progress = Callable[[str], None]
BATCH = 5_000


def publish(
    workspace: Workspace,
    period: str,
    *,
    progress: Progress | None = None,
    results: dict[str, dict] | None = None,
    kabupaten: str | None = None,
) -> Publication:
    """Copy ``period``'s results into a new generation and make it the current one.

    ``results`` holds what the later stages returned (``uhc``: the UHC report document,
    ``eligibility``: the decision report, budget figures and invoice check); the tables are read
    from the workspace. ``kabupaten`` (the uploader's) is used when the workspace cannot tell
    yet (no DKB for the period), so that the period's accounting is visible to its accounts.
    """
    say = progress or (lambda message: None)
    results = results or {}
    check_period(period)
    db = workspace.connect(read_only=True)
    publication = Publication.objects.create(period=period, workspace=str(workspace.path))
    try:
        tables = _tables(db)
        publication.kabupaten_code = kabupaten_of(db, period) or (kabupaten or "")[:4]
        notes: list[dict] = []
        extra: dict = {}
        say("akuntansi berkas / file accounting")
        _files(db, publication, period)
        publication.stages.append("ingest")
        decided = "eligibility" in tables and _has_rows(db, "eligibility", period)
        if "person" in tables and _has_rows(db, "person", period):
            say("orang / persons")
            _people(db, publication, period, tables, say, decided)
            publication.stages.append("person")
        else:
            notes.append(_NOTE_NO_PERSON.as_dict())
        if "finding" in tables and _has_rows(db, "finding", period):
            say("temuan / findings")
            _findings(db, publication, period)
            extra["rules"] = _finding_rules(period)
            publication.stages.append("findings")
        if results.get("uhc"):
            say("indikator UHC / UHC indicators")
            _regions(publication, results["uhc"])
            publication.stages.append("uhc")
        if decided and results.get("eligibility"):
            say("kelayakan / eligibility")
            _cells(db, publication, period)
            extra.update(_eligibility_extra(results["eligibility"]))
            _invoice_lines(publication, results["eligibility"].get("invoice_lines") or [])
            publication.stages.append("eligibility")
        publication.notes = notes
        publication.extra = json.loads(_json(extra))
        publication.counts = _counts(publication)
        publication.completed_at = timezone.now()
        publication.save()
    except BaseException:
        _drop(publication)
        raise
    finally:
        db.close()
    say("generasi lama dihapus / removing the previous generation")
    for old in Publication.objects.filter(period=period).exclude(pk=publication.pk):
        _drop(old)
    return publication


_NOTE_NO_PERSON = Bilingual(
    "Rekonsiliasi belum dijalankan untuk periode ini: data perorangan, cek status dan temuan "
    "belum tersedia.",
    "Reconciliation has not run for this period yet: person records, the status check and the "
    "findings are not available.",
)


def current(period: str | None = None, kabupaten: str | None = None) -> Publication | None:
    """The current generation of ``period`` (default: the latest period published), of the
    kabupaten ``kabupaten`` (4 digits) when given."""
    done = Publication.objects.filter(completed_at__isnull=False)
    if period:
        done = done.filter(period=period)
    if kabupaten:
        done = done.filter(kabupaten_code=kabupaten)
    return done.order_by("-period", "-completed_at").first()


def periods(kabupaten: str | None = None) -> list[str]:
    """Every period with a current publication, newest first."""
    done = Publication.objects.filter(completed_at__isnull=False)
    if kabupaten:
        done = done.filter(kabupaten_code=kabupaten)
    return sorted(set(done.values_list("period", flat=True)), reverse=True)


# --- workspace helpers -----------------------------------------------------------------------


def _tables(db: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        row[0]
        for row in db.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary"
        ).fetchall()
    }


def _has_rows(db: duckdb.DuckDBPyConnection, table: str, period: str) -> bool:
    return bool(
        db.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE period = ? LIMIT 1)", [period]
        ).fetchall()[0][0]
    )


def _columns(db: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [row[0] for row in db.execute(f"DESCRIBE {table}").fetchall()]


def _batches(db: duckdb.DuckDBPyConnection, sql: str, params: list) -> Iterator[list[tuple]]:
    """The rows of ``sql`` in lists of at most BATCH (every batch fetched to the end)."""
    reader = db.sql(sql, params=params).to_arrow_reader(BATCH)
    for batch in reader:
        columns = [column.to_pylist() for column in batch.columns]
        yield list(zip(*columns, strict=True))


def _insert(model: Any, fields: list[str], rows: list[tuple]) -> None:
    """Insert ``rows`` into ``model``'s table in one short transaction (raw executemany: the
    ORM's bulk_create would build a million model instances)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _aware(value: datetime | None) -> datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, timezone.get_current_timezone())


# --- steps -------------------------------------------------------------------------------------


def _files(db: duckdb.DuckDBPyConnection, publication: Publication, period: str) -> None:
    rows = db.execute(
        "SELECT file_id, file_name, layout, rows_read, rows_ingested, rows_quarantined, "
        "values_repaired, values_rejected, ingested_at FROM files WHERE period = ? "
        "ORDER BY file_id",
        [period],
    ).fetchall()
    _insert(
        FileAccount,
        [
            "publication_id",
            "file_id",
            "file_name",
            "layout",
            "rows_read",
            "rows_ingested",
            "rows_quarantined",
            "values_repaired",
            "values_rejected",
            "ingested_at",
        ],
        [(publication.pk, *row[:-1], _aware(row[-1])) for row in rows],
    )
    fields = [
        "publication_id",
        "file_id",
        "file_name",
        "sheet",
        "row_number",
        "column_name",
        "value",
        "scope",
        "reason_code",
        "reason_id",
        "reason_en",
    ]
    for batch in _batches(
        db,
        "SELECT file_id, file_name, COALESCE(sheet, ''), row_number, COALESCE(column_name, ''), "
        "COALESCE(value, ''), scope, reason_code, COALESCE(reason_id, ''), "
        "COALESCE(reason_en, '') FROM quarantine WHERE period = ? ORDER BY file_id, row_number",
        [period],
    ):
        _insert(QuarantineRow, fields, [(publication.pk, *row) for row in batch])


_PERSON_FIELDS = [
    "nik",
    "no_kk",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "kode_desa",
    "kode_kecamatan",
    "in_dkb",
    "resident",
    "meninggal",
    "pindah",
    "desil",
    "formal_worker",
    "employer",
    "registered",
    "active",
    "segmen_kelompok",
    "kelas",
    "status_peserta",
    "keterangan_status",
    "kode_faskes",
    "nama_faskes",
    "no_kartu",
]
_TEXT_FIELDS = {
    "nik",
    "no_kk",
    "nama",
    "jenis_kelamin",
    "kode_desa",
    "kode_kecamatan",
    "formal_worker",
    "employer",
    "segmen_kelompok",
    "status_peserta",
    "keterangan_status",
    "kode_faskes",
    "nama_faskes",
    "no_kartu",
}
# Derived columns of the layout tables that a person page does not need to show.
_HIDDEN = {"period", "file_id", "sheet", "row_number", "nik_jenis_kelamin", "nik_tanggal_lahir"}


def _source_select(db: duckdb.DuckDBPyConnection, layout: str) -> str:
    """The struct of one source row as the person page shows it: file, row, the layout's
    columns, what the file said (``*_asli``) only where the value was not usable, and how the
    row was linked to the person."""
    columns = _columns(db, layout)
    fields = [("berkas", "f.file_name"), ("baris", "t.row_number")]
    for column in columns:
        if column in _HIDDEN:
            continue
        base = column.removesuffix("_asli")
        if column.endswith("_asli") and base in columns:
            fields.append((column, f'CASE WHEN t."{base}" IS NULL THEN t."{column}" END'))
        else:
            fields.append((column, f't."{column}"'))
    fields += [("cara_padan", "i.link_method"), ("peluang_padan", "round(i.match_probability, 4)")]
    return "struct_pack(" + ", ".join(f'"{name}" := {expr}' for name, expr in fields) + ")"


def _people(
    db: duckdb.DuckDBPyConnection,
    publication: Publication,
    period: str,
    tables: set[str],
    say: Progress,
    decided: bool,
) -> None:
    layouts = [name for name in LAYOUT_BY_NAME if name in tables] if "identity" in tables else []
    for layout in layouts:
        db.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE pub_src_{layout} AS
            SELECT i.person_id, list({_source_select(db, layout)}
                                     ORDER BY t.file_id, t.row_number) AS rows
            FROM {layout} t
            JOIN identity i ON i.period = t.period AND i.layout = '{layout}'
             AND i.file_id = t.file_id AND i.row_number = t.row_number
            JOIN files f ON f.file_id = t.file_id
            WHERE t.period = ?
            GROUP BY i.person_id
            """,
            [period],
        )
    pieces = ", ".join(
        f"""CASE WHEN s_{layout}.rows IS NOT NULL
             THEN '"{layout}":' || CAST(to_json(s_{layout}.rows) AS VARCHAR) END"""
        for layout in layouts
    )
    joins = " ".join(
        f"LEFT JOIN pub_src_{layout} s_{layout} USING (person_id)" for layout in layouts
    )
    sources = f"'{{' || concat_ws(',', {pieces}) || '}}'" if layouts else "'{}'"
    findings = (
        "LEFT JOIN (SELECT person_id, count(*) AS n FROM finding WHERE period = $period "
        "GROUP BY person_id) fc USING (person_id)"
        if "finding" in tables
        else "LEFT JOIN (SELECT NULL::VARCHAR AS person_id, 0 AS n) fc USING (person_id)"
    )
    select = ", ".join(f"p.{name}" for name in _PERSON_FIELDS)
    eligibility = (
        "LEFT JOIN eligibility e ON e.period = p.period AND e.person_id = p.person_id"
        if decided
        else "LEFT JOIN (SELECT NULL::VARCHAR AS person_id, NULL::BOOLEAN AS eligible, "
        "NULL::VARCHAR AS rule_code, NULL::VARCHAR AS evidence, NULL::BIGINT AS rank) e "
        "ON e.person_id = p.person_id"
    )
    sql = f"""
        SELECT p.person_id, {select}, COALESCE(fc.n, 0) AS finding_count, {sources} AS sources,
               e.eligible, e.rule_code, e.evidence, e.rank
        FROM person p {joins} {findings} {eligibility}
        WHERE p.period = $period
        ORDER BY p.kode_desa NULLS LAST, p.person_id
    """
    fields = [
        "publication_id",
        "ref",
        "nik_key",
        "kode_kabupaten",
        *_PERSON_FIELDS,
        "finding_count",
        "sources",
        "pemda_eligible",
        "eligibility",
        "eligibility_rank",
    ]
    labels = _eligibility_labels(period) if decided else {}
    kabupaten = publication.kabupaten_code
    done = 0
    for batch in _batches(db, sql.replace("$period", "?"), _period_params(sql, period)):
        rows = []
        for person_id, *values, finding_count, sources, eligible, code, evidence, rank in batch:
            record = dict(zip(_PERSON_FIELDS, values, strict=True))
            for name in _TEXT_FIELDS:
                if record[name] is None:
                    record[name] = ""
            nik = record["nik"]
            rows.append(
                (
                    publication.pk,
                    person_ref(person_id),
                    nik_key(nik) if nik else "",
                    (record["kode_desa"] or kabupaten)[:4] or kabupaten,
                    *record.values(),
                    finding_count,
                    sources,
                    eligible,
                    _json(
                        {
                            "code": code,
                            "label": labels.get(code),
                            "evidence": json.loads(evidence) if evidence else None,
                            "rank": rank,
                        }
                    )
                    if code
                    else None,
                    rank,
                )
            )
        _insert(Person, fields, rows)
        done += len(rows)
        say(f"orang / persons: {done:,}".replace(",", "."))
    for layout in layouts:
        db.execute(f"DROP TABLE IF EXISTS pub_src_{layout}")


def _period_params(sql: str, period: str) -> list[str]:
    return [period] * sql.count("$period")


def _findings(db: duckdb.DuckDBPyConnection, publication: Publication, period: str) -> None:
    fields = [
        "publication_id",
        "rule_code",
        "severity",
        "office",
        "person_ref",
        "nama",
        "nik",
        "kode_kabupaten",
        "kode_kecamatan",
        "kode_desa",
        "evidence",
        "action_id",
        "action_en",
        "monthly_rupiah",
    ]
    kabupaten = publication.kabupaten_code
    sql = """
        SELECT f.rule_code, COALESCE(f.severity, ''), COALESCE(f.office, ''), f.person_id,
               COALESCE(p.nama, ''), COALESCE(p.nik, ''),
               COALESCE(f.kode_desa, p.kode_desa, ''), f.record, f.evidence,
               COALESCE(f.action_id, ''), COALESCE(f.action_en, ''), f.monthly_rupiah
        FROM finding f LEFT JOIN person p ON p.period = f.period AND p.person_id = f.person_id
        WHERE f.period = ?
        ORDER BY f.rule_code, f.kode_desa NULLS LAST, f.person_id
    """
    for batch in _batches(db, sql, [period]):
        rows = []
        for (
            rule,
            severity,
            office,
            person_id,
            nama,
            nik,
            desa,
            record,
            evidence,
            action_id,
            action_en,
            rupiah,
        ) in batch:
            detail = json.loads(evidence) if evidence else {}
            if record:
                detail = {"record": record, **detail} if isinstance(detail, dict) else detail
            rows.append(
                (
                    publication.pk,
                    rule,
                    severity,
                    office,
                    person_ref(person_id) if person_id else "",
                    nama,
                    nik,
                    (desa or kabupaten)[:4] or kabupaten,
                    desa[:6] if len(desa) >= 6 else "",
                    desa,
                    _json(detail),
                    action_id,
                    action_en,
                    rupiah,
                )
            )
        _insert(Finding, fields, rows)


def _finding_rules(period: str) -> dict[str, dict]:
    """Title, action and source of every anomaly rule in force, by rule code."""
    from semesta.pipeline.anomalies import rules_in_force

    year, month = (int(part) for part in period.split("-"))
    end = date(year, month, calendar.monthrange(year, month)[1])
    return {
        rule.code: {
            "title_id": rule.title_id,
            "title_en": rule.title_en,
            "action_id": rule.action_id,
            "action_en": rule.action_en,
            "severity": rule.severity,
            "office": rule.office,
            "source": rule.source,
        }
        for rule in rules_in_force(end)
    }


def _regions(publication: Publication, document: dict) -> None:
    """RegionStat rows from the UHC report (every area's indicators, status, award, gaps)."""
    rows = []
    for area in document.get("areas", []):
        counts = area.get("counts") or {}
        indicators = area.get("indicators") or {}
        detail = {key: value for key, value in area.items() if key != "segments"}
        status = area.get("status") or {}
        detail["uhc_prioritas"] = status.get("prioritas")
        rows.append(
            (
                publication.pk,
                publication.period,
                area["level"],
                area["kode"],
                area.get("kode_induk") or "",
                area.get("nama") or area["kode"],
                int(counts.get("population") or 0),
                int(counts.get("registered") or 0),
                int(counts.get("active") or 0),
                _pct(indicators.get("coverage_pct")),
                _pct(indicators.get("active_pct")),
                _pct(indicators.get("pemda_pct")),
                _json(
                    {
                        s["segmen"]: {
                            "population": s["population"],
                            "registered": s["registered"],
                            "active": s["active"],
                        }
                        for s in area.get("segments", [])
                    }
                ),
                _json(detail),
            )
        )
    _insert(
        RegionStat,
        [
            "publication_id",
            "period",
            "level",
            "code",
            "parent_code",
            "name",
            "population",
            "registered",
            "active",
            "coverage_pct",
            "active_pct",
            "pemda_pct",
            "segments",
            "detail",
        ],
        rows,
    )


def _pct(text: object) -> Decimal | None:
    """A percentage text of the report ("96.4912") rounded to the column's 2 decimals."""
    if text in (None, ""):
        return None
    return Decimal(str(text)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _eligibility_labels(period: str) -> dict[str, dict]:
    """Label of every code an eligibility decision can carry (the rules in force)."""
    from semesta.core.eligibility import eligibility_rules

    year, month = (int(part) for part in period.split("-"))
    rules = eligibility_rules(date(year, month, calendar.monthrange(year, month)[1]))
    labels = {rule.code: rule.label.as_dict() for rule in rules.rules}
    labels[rules.eligible_code] = Bilingual(
        "Layak: semua kriteria terpenuhi", "Eligible: every criterion met"
    ).as_dict()
    labels[rules.eligible_without_desil_code] = Bilingual(
        "Layak, tetapi belum ada di DTSEN (desil tidak diketahui)",
        "Eligible, but not in DTSEN yet (desil unknown)",
    ).as_dict()
    if rules.route is not None:
        labels[rules.route.code] = rules.route.label.as_dict()
    return labels


def _cells(db: duckdb.DuckDBPyConnection, publication: Publication, period: str) -> None:
    """People grouped by what the eligibility rules test, per desa (for the rule preview)."""
    kabupaten = publication.kabupaten_code
    rows = []
    for batch in _batches(
        db,
        """
        SELECT COALESCE(kode_desa, ''), fails_raw, desil, COALESCE(rekomendasi_dinsos, FALSE),
               eligible, rule_code, count(*), count(*) FILTER (pemda_aktif),
               count(*) FILTER (NOT registered)
        FROM eligibility WHERE period = ? GROUP BY ALL ORDER BY ALL
        """,
        [period],
    ):
        for desa, fails, desil, letter, eligible, code, persons, pemda, unregistered in batch:
            rows.append(
                (
                    publication.pk,
                    (desa or kabupaten)[:4] or kabupaten,
                    desa[:6] if len(desa) >= 6 else "",
                    desa,
                    fails,
                    desil,
                    letter,
                    eligible,
                    code,
                    persons,
                    pemda,
                    unregistered,
                )
            )
        _insert(
            EligibilityCell,
            [
                "publication_id",
                "kode_kabupaten",
                "kode_kecamatan",
                "kode_desa",
                "fails_raw",
                "desil",
                "rekomendasi",
                "eligible",
                "rule_code",
                "persons",
                "pemda_aktif",
                "unregistered",
            ],
            rows,
        )
        rows = []


def _eligibility_extra(result: dict) -> dict:
    report = result.get("report") or {}
    labels = {row["rule_code"]: row for row in report.get("by_rule", [])}
    describe = report.get("rules") or {}
    catalogue = [
        {
            "code": rule["code"],
            "label": rule["label"],
            "source": rule.get("source", ""),
            "enabled": rule.get("enabled", True),
            "office": rule.get("office", ""),
            "persons": labels.get(rule["code"], {}).get("persons", 0),
        }
        for rule in describe.get("rules", [])
    ]
    return {
        "eligibility_report": {k: v for k, v in report.items() if k != "rules"},
        "eligibility_describe": {k: v for k, v in describe.items() if k != "rules"},
        "eligibility_rules": catalogue,
        "eligibility_labels": {code: row.get("label") for code, row in labels.items()},
        "figures": result.get("figures") or {},
        "invoice": result.get("invoice"),
    }


def _invoice_lines(publication: Publication, lines: list) -> None:
    """Invoice rows the Pemda's list does not accept, with the person they belong to."""
    if not lines:
        return
    keys = {nik_key(str(line[2])): line for line in lines if line[2]}
    people = {}
    for start in range(0, len(keys), 500):
        chunk = list(keys)[start : start + 500]
        for person in Person.objects.filter(publication=publication, nik_key__in=chunk).only(
            "nik_key", "ref", "kode_kabupaten", "kode_kecamatan", "kode_desa"
        ):
            people[person.nik_key] = person
    kabupaten = publication.kabupaten_code
    rows = []
    for row_number, no_kartu, nik, nama, iuran, finding, *_rest in lines:
        person = people.get(nik_key(str(nik))) if nik else None
        rows.append(
            (
                publication.pk,
                row_number,
                finding or "",
                no_kartu or "",
                nik or "",
                nama or "",
                None,
                iuran,
                person.ref if person else "",
                person.kode_kabupaten if person else kabupaten,
                person.kode_kecamatan if person else "",
                person.kode_desa if person else "",
            )
        )
    for start in range(0, len(rows), BATCH):
        _insert(
            InvoiceLine,
            [
                "publication_id",
                "row_number",
                "finding",
                "no_kartu",
                "nik",
                "nama",
                "kelas",
                "iuran",
                "person_ref",
                "kode_kabupaten",
                "kode_kecamatan",
                "kode_desa",
            ],
            rows[start : start + BATCH],
        )


def _counts(publication: Publication) -> dict[str, int]:
    return {
        "files": FileAccount.objects.filter(publication=publication).count(),
        "quarantine": QuarantineRow.objects.filter(publication=publication).count(),
        "persons": Person.objects.filter(publication=publication).count(),
        "findings": Finding.objects.filter(publication=publication).count(),
        "regions": RegionStat.objects.filter(publication=publication).count(),
        "eligibility_cells": EligibilityCell.objects.filter(publication=publication).count(),
        "invoice_lines": InvoiceLine.objects.filter(publication=publication).count(),
    }


def _drop(publication: Publication) -> None:
    """Remove a generation in small transactions (a million persons would hold the lock)."""
    for model in (Person, Finding, QuarantineRow, RegionStat, EligibilityCell, InvoiceLine):
        rows = model.objects.filter(publication=publication)
        low = rows.order_by("pk").values_list("pk", flat=True).first()
        high = rows.order_by("-pk").values_list("pk", flat=True).first()
        if low is None or high is None:
            continue
        step = BATCH * 4
        for start in range(low, high + 1, step):
            with transaction.atomic():
                rows.filter(pk__gte=start, pk__lt=start + step).delete()
    publication.delete()
