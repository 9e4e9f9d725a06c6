"""The reconciliation workbook: a summary, then one sheet per action list, each ready for the
office that acts (BPJS, Dinsos, Dukcapil, employers, Dinkes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import duckdb

from semesta.core.money import format_rupiah
from semesta.excel import Column, Sheet, write_workbook
from semesta.pipeline.anomalies import ReconcileReport
from semesta.pipeline.workspace import Workspace

_FINDING_COLUMNS = [
    Column("Kode aturan", "text", 22),
    Column("Tingkat", "text", 9),
    Column("NIK", "id"),
    Column("Nama", "text", 26),
    Column("Kode desa", "id", 12),
    Column("Desa", "text", 20),
    Column("Baris sumber", "text", 34),
    Column("Bukti", "text", 60),
    Column("Tindakan", "text", 50),
    Column("Instansi", "text", 14),
    Column("Rp/bulan", "rupiah", 12),
]
UNREGISTERED_SHEET = "Belum terdaftar per desa"


def write_reconciliation(workspace: Workspace, report: ReconcileReport, path: Path) -> Path:
    """The workbook of ``report`` at ``path``, read from the reconciled workspace."""
    db = workspace.connect(read_only=True)
    try:
        return _write(db, report, path)
    finally:
        db.close()


def _write(db: duckdb.DuckDBPyConnection, report: ReconcileReport, path: Path) -> Path:
    period = report.link.period
    sheets = [_summary(report)]
    names = sorted({r["sheet"] for r in report.rules if r["sheet"] != UNREGISTERED_SHEET})
    for name in names:
        codes = [r["rule_code"] for r in report.rules if r["sheet"] == name]
        sheets.append(
            Sheet(
                name, f"{name} — periode {period}", _FINDING_COLUMNS, _findings(db, period, codes)
            )
        )
    sheets.append(_unregistered(db, period))
    sheets.append(_review(db, period))
    return write_workbook(path, sheets)


def _summary(report: ReconcileReport) -> Sheet:
    link = report.link
    notes = [
        f"Kabupaten {link.kabupaten}, periode {link.period}. Tarif iuran Pemda "
        f"{format_rupiah(report.rupiah_rate)} per orang per bulan.",
        f"Rekaman {_n(link.records)}; cocok NIK {_n(link.exact)}; sisa {_n(link.residue)}: "
        f"dicocokkan Splink {_n(link.splink_linked)}, perlu ditinjau {_n(link.review)}, "
        f"tidak cocok {_n(link.unlinked)}.",
    ]
    columns = [
        Column("Kode aturan", "text", 24),
        Column("Temuan", "text", 50),
        Column("Tingkat", "text", 9),
        Column("Instansi", "text", 16),
        Column("Daftar tindakan", "text", 30),
        Column("Jumlah", "int"),
        Column("Hemat Rp/bulan", "rupiah"),
        Column("Hemat Rp/tahun", "rupiah"),
        Column("Dasar", "text", 60),
    ]
    rows = [
        (
            r["rule_code"],
            r["title_id"],
            r["severity"],
            r["office"],
            r["sheet"],
            r["findings"],
            r["monthly_rupiah"],
            r["monthly_rupiah"] * 12,
            r["source"],
        )
        for r in report.rules
    ]
    # A payment flagged by two rules is saved once: the total is not the sum of the rows.
    total = report.monthly_rupiah_total
    rows.append(
        ("JUMLAH", "", "", "", "", sum(r["findings"] for r in report.rules), total, total * 12, "")
    )
    notes.append(
        "Jumlah hemat menghitung setiap iuran Pemda sekali, walau ditandai lebih dari satu aturan."
    )
    return Sheet("Ringkasan", "Ringkasan rekonsiliasi", columns, rows, notes)


def _n(value: int) -> str:
    """Indonesian digit grouping of a count: 10.102 (only the digits, not the sentence)."""
    return f"{value:,}".replace(",", ".")


def _findings(db: duckdb.DuckDBPyConnection, period: str, codes: list[str]) -> Iterator[tuple]:
    rows = db.execute(
        """
        SELECT f.rule_code, f.severity, p.nik, p.nama, f.kode_desa, d.nama, f.record,
               f.evidence, f.action_id, f.office, f.monthly_rupiah
        FROM finding f LEFT JOIN person p ON p.period = f.period AND p.person_id = f.person_id
        LEFT JOIN region_desa d ON d.kode = f.kode_desa
        WHERE f.period = ? AND list_contains(?, f.rule_code)
        ORDER BY f.rule_code, f.kode_desa, p.nama
        """,
        [period, codes],
    ).fetchall()
    for row in rows:
        yield (*row[:7], _plain_evidence(row[7]), *row[8:])


def _plain_evidence(text: str | None) -> str:
    """``{"dtsen_desil": 8}`` → ``dtsen_desil: 8``, for a person reading a cell."""
    if not text:
        return ""
    return "; ".join(f"{key}: {value}" for key, value in json.loads(text).items())


def _unregistered(db: duckdb.DuckDBPyConnection, period: str) -> Sheet:
    rows = db.execute(
        """
        SELECT p.kode_desa, d.nama, substr(p.kode_desa, 1, 6), count(*) AS residents,
               count(*) FILTER (NOT p.registered) AS unregistered,
               count(*) FILTER (f.rule_code = 'miskin_belum_terdaftar') AS poor_unregistered
        FROM person p LEFT JOIN region_desa d ON d.kode = p.kode_desa
        LEFT JOIN finding f ON f.period = p.period AND f.person_id = p.person_id
         AND f.rule_code = 'miskin_belum_terdaftar'
        WHERE p.period = ? AND p.resident
        GROUP BY ALL HAVING count(*) FILTER (NOT p.registered) > 0
        ORDER BY unregistered DESC, p.kode_desa
        """,
        [period],
    ).fetchall()
    columns = [
        Column("Kode desa", "id", 12),
        Column("Desa", "text", 22),
        Column("Kode kecamatan", "id", 12),
        Column("Penduduk", "int"),
        Column("Belum terdaftar", "int"),
        Column("Di antaranya miskin (desil PBI)", "int", 16),
    ]
    return Sheet(UNREGISTERED_SHEET, f"{UNREGISTERED_SHEET} — periode {period}", columns, rows)


def _review(db: duckdb.DuckDBPyConnection, period: str) -> Sheet:
    rows = db.execute(
        """
        SELECT layout, file_id, row_number, match_probability, record_nik, record_nama,
               record_tanggal_lahir, candidate_nik, candidate_nama, candidate_tanggal_lahir,
               candidate_kode_desa
        FROM link_review WHERE period = ? ORDER BY match_probability DESC
        """,
        [period],
    ).fetchall()
    columns = [
        Column("Sumber", "text", 14),
        Column("Berkas", "int", 7),
        Column("Baris", "int", 8),
        Column("Peluang cocok", "percent", 10),
        Column("NIK di sumber", "id"),
        Column("Nama di sumber", "text", 24),
        Column("Lahir (sumber)", "date"),
        Column("NIK di DKB", "id"),
        Column("Nama di DKB", "text", 24),
        Column("Lahir (DKB)", "date"),
        Column("Desa (DKB)", "id", 12),
    ]
    notes = [
        "Pasangan di bawah ambang otomatis: putuskan sama atau beda orang; tidak "
        "diterapkan tanpa keputusan petugas."
    ]
    return Sheet(
        "Tinjauan pencocokan",
        "Tinjauan pencocokan rekaman",
        columns,
        [(*r[:3], _fraction(r[3]), *r[4:]) for r in rows],
        notes,
    )


def _fraction(probability: float) -> Fraction:
    return Fraction(probability).limit_denominator(10_000)
