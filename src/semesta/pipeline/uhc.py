"""UHC aggregates per period: kabupaten, kecamatan and desa × segment group, stored once.

``compute`` counts, for every area and segment group, the residents (DKB population), the
registered and active participants, the Pemda-registered and PBI APBN participants, and the
residents in each gap-closing lever (``data/rules/indikator.toml`` ``[[levers]]``), and stores
them in the workspace table ``uhc_aggregate`` with a row in ``uhc_aggregate_run``. It reads the
reconciliation's ``person`` table when the period has one; otherwise it falls back to an exact-NIK
join of ``dkb`` with ``bpjs_peserta`` (and DTSEN, deaths and the formal-worker lists), and says so.

``report`` reads only the stored aggregates (recomputing them first when the period's ingest or
reconciliation is newer than the stored run) and asks :mod:`semesta.core.indicators` for the
status, award category, gaps and ranked levers of each area; it adds the change since the
previous period that has a DKB.

Every resident who is not active falls in exactly one lever (the first ``WHEN`` that applies in
``_LEVER_CASE``), so per area: levers add up to population − active, and the levers that
register someone add up to population − registered.
"""

from __future__ import annotations

import contextlib
import csv
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from importlib import resources
from typing import Any

import duckdb
import pyarrow as pa

from semesta.core import indicators as ind
from semesta.core.rules import packaged_rules, pemda_rate
from semesta.core.text import Bilingual, SemestaError
from semesta.pipeline.workspace import (
    NO_DKB,
    Workspace,
    check_period,
    has_table,
    one,
    period_end,
    require_kabupaten,
)

Progress = Callable[[str], None]
LEVELS = ("kabupaten", "kecamatan", "desa")
TOTAL = "SEMUA"  # the segmen value of an area's total row
UNREGISTERED = "BELUM_TERDAFTAR"
UNKNOWN_SEGMENT = "TIDAK_DIKENAL"
_PREFIX = {"kabupaten": 4, "kecamatan": 6, "desa": 10}
_COUNTS = ("population", "registered", "active", "pemda", "pbi_apbn")

SCHEMA = """
CREATE TABLE IF NOT EXISTS uhc_aggregate (
    period VARCHAR, level VARCHAR, kode VARCHAR, nama VARCHAR, kode_induk VARCHAR,
    segmen VARCHAR, population BIGINT, registered BIGINT, active BIGINT, pemda BIGINT,
    pbi_apbn BIGINT, listed BIGINT, listed_active BIGINT);
CREATE TABLE IF NOT EXISTS uhc_aggregate_run (
    period VARCHAR, basis VARCHAR, kabupaten VARCHAR, stamp VARCHAR, residents BIGINT,
    seconds DOUBLE, computed_at TIMESTAMP DEFAULT now());
"""

# Which membership counts for a person with several: the active one, then the payer (as in the
# reconciliation's person table).
_GROUP_ORDER = (
    "CASE segmen_kelompok WHEN 'PPU_PN' THEN 1 WHEN 'PPU_BU' THEN 2 WHEN 'PBI_APBN' THEN 3 "
    "WHEN 'BP' THEN 4 WHEN 'PBPU_MANDIRI' THEN 5 ELSE 6 END"
)

# Lever of each resident who is not active: the first WHEN that applies. Names are the
# [[levers.options]] of indikator.toml (checked by `lever_names`).
_LEVER_CASE = """
CASE
  WHEN active THEN NULL
  WHEN formal AND NOT registered THEN 'employer_unregistered'
  WHEN formal THEN 'employer_inactive'
  WHEN registered AND segmen_kelompok = 'PBI_APBN' AND poor THEN 'pbi_reactivation'
  WHEN registered AND segmen_kelompok IN ('PBPU_MANDIRI', 'BP') AND arrears AND NOT poor
    THEN 'arrears_self'
  WHEN NOT registered AND poor THEN 'pemda_poor'
  WHEN NOT registered THEN 'uncovered_other'
  WHEN segmen_kelompok IN ('PBPU_MANDIRI', 'BP') AND arrears THEN 'arrears_poor'
  ELSE 'inactive_other'
END
"""
LEVER_NAMES = (
    "employer_unregistered",
    "employer_inactive",
    "pbi_reactivation",
    "arrears_self",
    "pemda_poor",
    "uncovered_other",
    "arrears_poor",
    "inactive_other",
)

_MSG_LEVERS = Bilingual(
    "indikator.toml [[levers]] ({data}) tidak sama dengan pengungkit di pipeline/uhc.py ({code})",
    "indikator.toml [[levers]] ({data}) differs from the levers in pipeline/uhc.py ({code})",
)
BASIS_NOTES = {
    "person": Bilingual(
        "Dihitung dari hasil rekonsiliasi (tabel person): setiap orang sekali, dipadankan "
        "dengan NIK dan Splink.",
        "Computed from the reconciliation (person table): each person once, linked on NIK "
        "and by Splink.",
    ),
    "nik": Bilingual(
        "Rekonsiliasi belum dijalankan untuk periode ini: penduduk DKB dan peserta BPJS "
        "dipadankan hanya pada NIK yang sama persis (baris dengan NIK rusak tidak terpadankan). "
        "Jalankan 'semesta reconcile' untuk hasil lengkap.",
        "The reconciliation has not run for this period: DKB residents and BPJS participants "
        "are matched on identical NIK only (rows with damaged NIK stay unmatched). Run "
        "'semesta reconcile' for the full result.",
    ),
}


def lever_names(on: date) -> tuple[str, ...]:
    """The lever names, checked against the rule data in force on ``on``."""
    data = tuple(lever.name for lever in ind.levers(on))
    if set(data) != set(LEVER_NAMES):
        raise SemestaError(_MSG_LEVERS.format(data=", ".join(data), code=", ".join(LEVER_NAMES)))
    return LEVER_NAMES


def _has_person(db: duckdb.DuckDBPyConnection, period: str) -> bool:
    if not has_table(db, "person"):
        return False
    return bool(one(db, "SELECT count(*) FROM person WHERE period = ?", [period])[0])


def _stamp(db: duckdb.DuckDBPyConnection, period: str) -> str:
    """What the aggregates depend on: the period's files and its last reconciliation."""
    files = one(
        db,
        "SELECT count(*), max(ingested_at), max(file_id) FROM files WHERE period = ?",
        [period],
    )
    linked = (
        one(db, "SELECT max(linked_at) FROM link_run WHERE period = ?", [period])[0]
        if has_table(db, "link_run")
        else None
    )
    person = _has_person(db, period)
    return f"files={files[0]}/{files[1]}/{files[2]};linked={linked};person={person}"


# --- residents: from the person table, or by exact NIK ---------------------------------------


def _residents_from_person(db: duckdb.DuckDBPyConnection, period: str) -> None:
    db.execute(
        """
        CREATE OR REPLACE TEMP TABLE uhc_resident AS
        SELECT kode_desa, COALESCE(registered, FALSE) AS registered,
               COALESCE(active, FALSE) AS active, desil, formal_worker, segmen_kelompok,
               keterangan_status
        FROM person WHERE period = ? AND resident AND kode_desa IS NOT NULL
        """,
        [period],
    )


def _residents_by_nik(db: duckdb.DuckDBPyConnection, period: str, kabupaten: str) -> None:
    """Exact-NIK fallback with the reconciliation's residence rules (alive, not moved out by
    the period end, desa inside the kabupaten)."""
    end = period_end(period).isoformat()
    p = period.replace("'", "")

    def table(name: str, sql: str, empty: str) -> str:
        return sql if has_table(db, name) else empty

    dead = table(
        "kematian",
        f"SELECT DISTINCT nik FROM kematian WHERE period = '{p}' AND nik IS NOT NULL",
        "SELECT NULL::VARCHAR AS nik WHERE FALSE",
    )
    welfare = table(
        "dtsen",
        f"SELECT nik, arg_max(desil, COALESCE(tanggal_data, DATE '1900-01-01')) AS desil "
        f"FROM dtsen WHERE period = '{p}' AND nik IS NOT NULL GROUP BY nik",
        "SELECT NULL::VARCHAR AS nik, NULL::INTEGER AS desil WHERE FALSE",
    )
    workers = [
        table(
            "pegawai_asn",
            f"SELECT nik, CASE WHEN upper(status_kepegawaian) LIKE '%PPPK%' OR "
            f"upper(status_kepegawaian) LIKE '%P3K%' THEN 'P3K' ELSE 'ASN' END AS kind, 1 AS rank "
            f"FROM pegawai_asn WHERE period = '{p}' AND nik IS NOT NULL",
            "",
        ),
        table(
            "perangkat_desa",
            f"SELECT nik, 'perangkat_desa' AS kind, 2 AS rank FROM perangkat_desa "
            f"WHERE period = '{p}' AND nik IS NOT NULL",
            "",
        ),
        table(
            "pekerja_badan_usaha",
            f"SELECT nik, 'badan_usaha' AS kind, 3 AS rank FROM pekerja_badan_usaha "
            f"WHERE period = '{p}' AND nik IS NOT NULL",
            "",
        ),
    ]
    parts = [w for w in workers if w]
    formal = (
        f"SELECT nik, arg_min(kind, rank) AS kind FROM ({' UNION ALL '.join(parts)}) GROUP BY nik"
        if parts
        else "SELECT NULL::VARCHAR AS nik, NULL::VARCHAR AS kind WHERE FALSE"
    )
    members = table(
        "bpjs_peserta",
        f"""SELECT nik, bool_or(COALESCE(aktif, FALSE)) AS active,
               arg_min(segmen_kelompok, (NOT COALESCE(aktif, FALSE))::INT * 10 + {_GROUP_ORDER})
                 AS segmen_kelompok,
               arg_min(keterangan_status, (NOT COALESCE(aktif, FALSE))::INT * 10 + {_GROUP_ORDER})
                 AS keterangan_status
            FROM bpjs_peserta WHERE period = '{p}' AND nik IS NOT NULL GROUP BY nik""",
        "SELECT NULL::VARCHAR AS nik, NULL::BOOLEAN AS active, NULL::VARCHAR AS segmen_kelompok, "
        "NULL::VARCHAR AS keterangan_status WHERE FALSE",
    )
    db.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE uhc_resident AS
        WITH d AS (  -- the first DKB row of each NIK decides its desa and whether it lives here
          SELECT nik, arg_min(kode_desa, ord) AS kode_desa, arg_min(here, ord) AS here
          FROM (
            SELECT nik, kode_desa, file_id::BIGINT * 10000000000 + row_number AS ord,
                   tanggal_meninggal IS NULL
                   AND upper(COALESCE(status_hidup, 'HIDUP')) NOT IN ('MATI', 'MENINGGAL')
                   AND NOT (status_pindah IS NOT NULL
                            AND COALESCE(tanggal_pindah, DATE '{end}') <= DATE '{end}')
                   AND starts_with(COALESCE(kode_desa, ''), '{kabupaten}') AS here
            FROM dkb WHERE period = '{p}' AND nik IS NOT NULL)
          GROUP BY nik),
        dead AS ({dead}), welfare AS ({welfare}), formal AS ({formal}), members AS ({members})
        SELECT d.kode_desa, m.nik IS NOT NULL AS registered, COALESCE(m.active, FALSE) AS active,
               w.desil, f.kind AS formal_worker, m.segmen_kelompok, m.keterangan_status
        FROM d
        LEFT JOIN dead x ON x.nik = d.nik
        LEFT JOIN members m ON m.nik = d.nik
        LEFT JOIN welfare w ON w.nik = d.nik
        LEFT JOIN formal f ON f.nik = d.nik
        WHERE d.here AND x.nik IS NULL
        """
    )


def _listed(db: duckdb.DuckDBPyConnection, period: str, basis: str) -> tuple[int, int]:
    """Distinct participants on the period's BPJS list (residents or not) and the active ones."""
    if basis == "person":
        row = one(
            db,
            "SELECT count(*) FILTER (registered), count(*) FILTER (active) FROM person "
            "WHERE period = ?",
            [period],
        )
    elif has_table(db, "bpjs_peserta"):
        row = one(
            db,
            "SELECT count(DISTINCT key), count(DISTINCT key) FILTER (aktif) FROM ("
            "SELECT COALESCE(nik, 'kartu:' || no_kartu) AS key, COALESCE(aktif, FALSE) AS aktif "
            "FROM bpjs_peserta WHERE period = ? AND COALESCE(nik, no_kartu) IS NOT NULL)",
            [period],
        )
    else:
        row = (0, 0)
    return int(row[0]), int(row[1])


# --- aggregation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AggregateRun:
    period: str
    basis: str
    kabupaten: str
    residents: int
    rows: int
    seconds: float


def _aggregate(db: duckdb.DuckDBPyConnection, on: date) -> None:
    """uhc_cell: desa × segment counts and lever counts from uhc_resident."""
    names = lever_names(on)
    version = packaged_rules("dtsen").find("pbi_jk", on)
    poor = (
        f"COALESCE(desil BETWEEN {version.rupiah('desil_min')} AND {version.rupiah('desil_max')},"
        " FALSE)"
        if version is not None
        else "FALSE"
    )
    words = [w.replace("'", "''") for w in ind.arrears_status_words(on)]
    arrears = (
        " OR ".join(f"upper(COALESCE(keterangan_status, '')) LIKE '%{w}%'" for w in words)
        or "FALSE"
    )
    lever_counts = ", ".join(f"count(*) FILTER (lever = '{n}') AS lever_{n}" for n in names)
    db.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE uhc_cell AS
        SELECT kode_desa, segmen, count(*) AS population,
               count(*) FILTER (registered) AS registered, count(*) FILTER (active) AS active,
               count(*) FILTER (registered AND segmen_kelompok = 'PBPU_BP_PEMDA') AS pemda,
               count(*) FILTER (registered AND segmen_kelompok = 'PBI_APBN') AS pbi_apbn,
               {lever_counts}
        FROM (
          SELECT *, {_LEVER_CASE} AS lever,
                 COALESCE(segmen_kelompok, CASE WHEN registered THEN '{UNKNOWN_SEGMENT}'
                                                ELSE '{UNREGISTERED}' END) AS segmen
          FROM (SELECT *, formal_worker IS NOT NULL OR segmen_kelompok IN ('PPU_PN', 'PPU_BU')
                            AS formal,
                       {poor} AS poor, ({arrears}) AS arrears
                FROM uhc_resident))
        GROUP BY ALL
        """
    )


def _ensure_schema(db: duckdb.DuckDBPyConnection) -> None:
    db.execute(SCHEMA)
    for name in LEVER_NAMES:
        db.execute(f"ALTER TABLE uhc_aggregate ADD COLUMN IF NOT EXISTS lever_{name} BIGINT")


def _names(db: duckdb.DuckDBPyConnection, codes: Sequence[str]) -> pa.Table:
    """Names of the areas: desa from the workspace's region_desa, kecamatan and kabupaten from
    the packaged Kemendagri lists (read directly: the full region index is not needed here)."""
    wanted = set(codes)
    names: dict[str, str] = {}
    for file_name in ("regencies.csv", "districts.csv"):
        text = resources.files("semesta.data.regions").joinpath(file_name).read_text("utf-8")
        for row in csv.DictReader(io.StringIO(text)):
            digits = row["code"].replace(".", "")
            if digits in wanted:
                names[digits] = row["name"]
    desa = [c for c in wanted if len(c) == _PREFIX["desa"]]
    if desa:
        found = db.execute(
            "SELECT kode, nama FROM region_desa WHERE kode IN (SELECT unnest(?::VARCHAR[]))",
            [desa],
        ).fetchall()
        names.update({str(k): str(n) for k, n in found})
    ordered = sorted(wanted)
    return pa.table(
        {
            "kode": pa.array(ordered, pa.string()),
            "nama": pa.array([names.get(c) for c in ordered], pa.string()),
        }
    )


def compute(workspace: Workspace, period: str, progress: Progress | None = None) -> AggregateRun:
    """Count every area and segment of ``period`` and store them in ``uhc_aggregate``."""
    say = progress or (lambda message: None)
    check_period(period)
    on = period_end(period)
    start = time.perf_counter()
    db = workspace.connect()
    try:
        if not has_table(db, "dkb") and not _has_person(db, period):
            raise SemestaError(NO_DKB.format(period=period))
        kabupaten = require_kabupaten(db, period)
        basis = "person" if _has_person(db, period) else "nik"
        stamp = _stamp(db, period)
        say(f"penduduk ({basis}) / residents ({basis})")
        if basis == "person":
            _residents_from_person(db, period)
        else:
            _residents_by_nik(db, period, kabupaten)
        say("agregat / aggregates")
        _aggregate(db, on)
        listed, listed_active = _listed(db, period, basis)
        summed = ", ".join(f"sum({c})::BIGINT AS {c}" for c in (*_COUNTS, *_lever_columns()))
        rollups = []
        for level, parent in (("desa", 6), ("kecamatan", 4), ("kabupaten", 2)):
            width = _PREFIX[level]
            key = f"substr(kode_desa, 1, {width})"
            for segment in (TOTAL, "segmen"):
                seg = f"'{TOTAL}'" if segment == TOTAL else "segmen"
                rollups.append(
                    f"SELECT '{level}' AS level, {key} AS kode, substr({key}, 1, {parent}) "
                    f"AS kode_induk, {seg} AS segmen, {summed} FROM uhc_cell GROUP BY ALL"
                )
        db.execute(f"CREATE OR REPLACE TEMP TABLE uhc_rows AS {' UNION ALL '.join(rollups)}")
        codes = [r[0] for r in db.execute("SELECT DISTINCT kode FROM uhc_rows").fetchall()]
        db.register("uhc_names", _names(db, codes))
        columns = ", ".join((*_COUNTS, *_lever_columns()))
        db.execute("BEGIN TRANSACTION")
        _ensure_schema(db)
        db.execute("DELETE FROM uhc_aggregate WHERE period = ?", [period])
        db.execute("DELETE FROM uhc_aggregate_run WHERE period = ?", [period])
        db.execute(
            f"""
            INSERT INTO uhc_aggregate (period, level, kode, nama, kode_induk, segmen, {columns},
                                       listed, listed_active)
            SELECT $period, r.level, r.kode, n.nama,
                   r.kode_induk, r.segmen,
                   {", ".join(f"r.{c}" for c in columns.split(", "))},
                   CASE WHEN r.level = 'kabupaten' AND r.segmen = '{TOTAL}' THEN $listed END,
                   CASE WHEN r.level = 'kabupaten' AND r.segmen = '{TOTAL}' THEN $listed_active END
            FROM uhc_rows r LEFT JOIN uhc_names n USING (kode)
            ORDER BY CASE r.level WHEN 'kabupaten' THEN 1 WHEN 'kecamatan' THEN 2 ELSE 3 END,
                     r.kode, r.segmen <> '{TOTAL}', r.segmen
            """,
            {"period": period, "listed": listed, "listed_active": listed_active},
        )
        residents, rows = one(
            db,
            f"SELECT sum(population) FILTER (level = 'kabupaten' AND segmen = '{TOTAL}'), "
            "count(*) FROM uhc_aggregate WHERE period = ?",
            [period],
        )
        seconds = time.perf_counter() - start
        db.execute(
            "INSERT INTO uhc_aggregate_run (period, basis, kabupaten, stamp, residents, seconds) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [period, basis, kabupaten, stamp, residents or 0, seconds],
        )
        db.execute("COMMIT")
        db.unregister("uhc_names")
        return AggregateRun(period, basis, kabupaten, int(residents or 0), int(rows), seconds)
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # no transaction open yet
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()


def _lever_columns() -> tuple[str, ...]:
    return tuple(f"lever_{name}" for name in LEVER_NAMES)


def ensure(workspace: Workspace, period: str, progress: Progress | None = None) -> bool:
    """Compute the period's aggregates unless the stored ones are current; True if computed."""
    check_period(period)
    db = workspace.connect()
    try:
        if not has_table(db, "dkb") and not _has_person(db, period):
            raise SemestaError(NO_DKB.format(period=period))
        stored = (
            db.execute(
                "SELECT stamp FROM uhc_aggregate_run WHERE period = ? "
                "ORDER BY computed_at DESC LIMIT 1",
                [period],
            ).fetchall()
            if has_table(db, "uhc_aggregate_run")
            else []
        )
        current = stored and stored[0][0] == _stamp(db, period)
    finally:
        db.close()
    if current:
        return False
    compute(workspace, period, progress)
    return True


def previous_period(workspace: Workspace, period: str) -> str | None:
    """The latest period before ``period`` that has a DKB (or a reconciliation)."""
    db = workspace.connect(read_only=True)
    try:
        candidates = []
        for table in ("dkb", "person"):
            if has_table(db, table):
                candidates += db.execute(
                    f"SELECT max(period) FROM {table} WHERE period < ?", [period]
                ).fetchall()
        found = [row[0] for row in candidates if row[0]]
        return max(found) if found else None
    finally:
        db.close()


# --- reading the stored aggregates ----------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """One stored area total (segmen = SEMUA) with its segments and lever counts."""

    level: str
    kode: str
    nama: str | None
    kode_induk: str | None
    counts: ind.Counts
    levers: dict[str, int]
    listed: int | None
    listed_active: int | None
    segments: tuple[tuple[str, int, int, int], ...] = field(default=())  # segmen, pop, reg, act


def read_areas(db: duckdb.DuckDBPyConnection, period: str, level: str | None = None) -> list[Area]:
    """The stored areas of ``period`` (one level or all), kabupaten first, by code."""
    if not has_table(db, "uhc_aggregate"):
        return []
    where = "period = ?" + (" AND level = ?" if level else "")
    params = [period, level] if level else [period]
    columns = ("level", "kode", "nama", "kode_induk", "segmen", *_COUNTS, *_lever_columns())
    rows = db.execute(
        f"SELECT {', '.join(columns)}, listed, listed_active FROM uhc_aggregate WHERE {where} "
        "ORDER BY CASE level WHEN 'kabupaten' THEN 1 WHEN 'kecamatan' THEN 2 ELSE 3 END, kode, "
        f"segmen <> '{TOTAL}', segmen",
        params,
    ).fetchall()
    areas: list[Area] = []
    segments: dict[tuple[str, str], list[tuple[str, int, int, int]]] = {}
    for row in rows:
        record = dict(zip((*columns, "listed", "listed_active"), row, strict=True))
        key = (record["level"], record["kode"])
        if record["segmen"] != TOTAL:
            segments.setdefault(key, []).append(
                (
                    record["segmen"],
                    record["population"],
                    record["registered"],
                    record["active"],
                )
            )
            continue
        areas.append(
            Area(
                level=record["level"],
                kode=record["kode"],
                nama=record["nama"],
                kode_induk=record["kode_induk"],
                counts=ind.Counts(**{c: int(record[c]) for c in _COUNTS}),
                levers={n: int(record[f"lever_{n}"] or 0) for n in LEVER_NAMES},
                listed=record["listed"],
                listed_active=record["listed_active"],
            )
        )
    return [
        Area(**{**vars(a), "segments": tuple(segments.get((a.level, a.kode), ()))}) for a in areas
    ]


# --- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """Change since the previous period: persons, and percentage points of each indicator."""

    period: str
    population: int
    registered: int
    active: int
    points: dict[str, Fraction | None]


@dataclass(frozen=True)
class AreaReport:
    area: Area
    result: ind.Classification
    levers: tuple[ind.LeverOption, ...]
    closures: tuple[ind.Closure, ...]
    change: Change | None
    listed_view: ind.Classification | None  # kabupaten, counted as on the BPJS list


@dataclass(frozen=True)
class UhcReport:
    period: str
    on: date
    kabupaten: str
    kabupaten_name: str | None
    basis: str
    computed_at: Any
    rate: int
    arrears: int | None
    previous: str | None
    levels: tuple[str, ...]
    areas: tuple[AreaReport, ...]

    def level(self, level: str) -> list[AreaReport]:
        return [a for a in self.areas if a.area.level == level]


def report(
    workspace: Workspace,
    period: str,
    levels: Sequence[str] = LEVELS,
    *,
    arrears: int | None = None,
    variant: str | None = None,
    award_year: int | None = None,
    progress: Progress | None = None,
) -> UhcReport:
    """Status, award category, gaps and levers of every area of ``levels`` for ``period``,
    from the stored aggregates (computed first if missing or out of date)."""
    check_period(period)
    for level in levels:
        if level not in LEVELS:
            raise SemestaError(
                Bilingual(
                    f"Tingkat '{level}' tidak dikenal: pilih {', '.join(LEVELS)}.",
                    f"Unknown level '{level}': choose {', '.join(LEVELS)}.",
                )
            )
    if not workspace.exists():
        workspace.connect(read_only=True)  # raises the bilingual "workspace does not exist"
    ensure(workspace, period, progress)
    previous = previous_period(workspace, period)
    if previous is not None:
        ensure(workspace, previous, progress)
    on = period_end(period)
    db = workspace.connect(read_only=True)
    try:
        basis, kabupaten, computed_at = one(
            db,
            "SELECT basis, kabupaten, computed_at FROM uhc_aggregate_run WHERE period = ? "
            "ORDER BY computed_at DESC LIMIT 1",
            [period],
        )
        stored = read_areas(db, period)
        name = next((a.nama for a in stored if a.level == "kabupaten"), None)
        areas = [a for a in stored if a.level in levels]
        before = {(a.level, a.kode): a for a in read_areas(db, previous)} if previous else {}
    finally:
        db.close()
    rate = pemda_rate(kabupaten, on)
    reports = []
    for area in areas:
        if area.counts.population == 0:
            continue
        result = ind.classify(
            area.counts, on, arrears=arrears, variant=variant, award_year=award_year
        )
        ranked = ind.rank_levers(area.levers, rate, on)
        closures = tuple(ind.close_gap(gap, ranked) for gap in result.gaps)
        change = _change(area, before.get((area.level, area.kode)), previous, on)
        listed_view = None
        if area.level == "kabupaten" and area.listed is not None and area.listed_active is not None:
            listed_counts = ind.Counts(
                population=area.counts.population,
                registered=area.listed,
                active=area.listed_active,
                pemda=area.counts.pemda,
                pbi_apbn=area.counts.pbi_apbn,
            )
            listed_view = ind.classify(
                listed_counts, on, arrears=arrears, variant=variant, award_year=award_year
            )
        reports.append(AreaReport(area, result, ranked, closures, change, listed_view))
    return UhcReport(
        period=period,
        on=on,
        kabupaten=kabupaten,
        kabupaten_name=name,
        basis=basis,
        computed_at=computed_at,
        rate=rate,
        arrears=arrears,
        previous=previous,
        levels=tuple(levels),
        areas=tuple(reports),
    )


def _change(area: Area, before: Area | None, previous: str | None, on: date) -> Change | None:
    if before is None or previous is None:
        return None
    now, then = ind.measure(area.counts, on), ind.measure(before.counts, on)
    points = {
        name: (now[name] - then[name])  # type: ignore[operator]
        if now.get(name) is not None and then.get(name) is not None
        else None
        for name in now
    }
    return Change(
        period=previous,
        population=area.counts.population - before.counts.population,
        registered=area.counts.registered - before.counts.registered,
        active=area.counts.active - before.counts.active,
        points=points,
    )


# --- JSON -----------------------------------------------------------------------------------


def area_dict(item: AreaReport) -> dict[str, Any]:
    area = item.area
    document: dict[str, Any] = {
        "level": area.level,
        "kode": area.kode,
        "nama": area.nama,
        "kode_induk": area.kode_induk,
        **ind.classification_dict(item.result),
        "segments": [
            {"segmen": s, "population": p, "registered": r, "active": a}
            for s, p, r, a in area.segments
        ],
        "levers": [
            {
                "lever": o.lever.name,
                "label": o.lever.label.as_dict(),
                "action": o.lever.action.as_dict(),
                "persons": o.persons,
                "gains_coverage": o.lever.gains_coverage,
                "rupiah_per_person_month": o.rupiah_per_person,
                "monthly_rupiah": o.monthly_rupiah,
                "active_per_million_rupiah": ind.decimal_text(o.active_per_million_rupiah, 2),
                "source": o.lever.source,
            }
            for o in item.levers
        ],
        "closures": [
            {
                "target": c.gap.target.name,
                "missing": c.gap.missing,
                "closed": c.closed,
                "remaining": c.remaining,
                "monthly_rupiah": c.monthly_rupiah,
                "yearly_rupiah": c.yearly_rupiah,
                "steps": [{"lever": s.option.lever.name, "persons": s.persons} for s in c.steps],
            }
            for c in item.closures
        ],
        "change": None,
    }
    if item.change is not None:
        document["change"] = {
            "since": item.change.period,
            "population": item.change.population,
            "registered": item.change.registered,
            "active": item.change.active,
            "points": {k: ind.decimal_text(v) for k, v in item.change.points.items()},
        }
    if item.listed_view is not None:
        document["bpjs_list"] = {
            "note": LISTED_NOTE.as_dict(),
            "listed": area.listed,
            "listed_active": area.listed_active,
            **ind.classification_dict(item.listed_view),
        }
    return document


LISTED_NOTE = Bilingual(
    "Seperti BPJS menghitung: semua peserta pada daftar BPJS periode ini (termasuk yang tidak "
    "ditemukan sebagai penduduk DKB: meninggal, pindah, atau tidak ada di DKB) ÷ penduduk DKB; "
    "karena itu dapat melebihi 100 %.",
    "As BPJS counts: every participant on the period's BPJS list (including those not found "
    "among the DKB residents: dead, moved, or not in the DKB) ÷ DKB population; hence it can "
    "pass 100 %.",
)


def report_dict(result: UhcReport) -> dict[str, Any]:
    return {
        "period": result.period,
        "date": result.on,
        "kabupaten": result.kabupaten,
        "kabupaten_name": result.kabupaten_name,
        "basis": result.basis,
        "basis_note": BASIS_NOTES[result.basis].as_dict(),
        "computed_at": result.computed_at,
        "pemda_rate_rupiah": result.rate,
        "arrears_rupiah": result.arrears,
        "previous_period": result.previous,
        "levels": list(result.levels),
        "areas": [area_dict(a) for a in result.areas],
    }
