"""A workspace: one folder holding the DuckDB database of every ingested period, the user's
column mapping and DuckDB's spill directory.

Layout of the folder::

    semesta.duckdb        all tables (see SCHEMA and the layout tables)
    pemetaan_kolom.toml   header → column map written by the user, e.g. "NO IDENTITAS" = "nik"
    .tmp/                 DuckDB spill space, safe to delete
"""

from __future__ import annotations

import calendar
import re
import tomllib
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from semesta.core.regions import regions
from semesta.core.text import Bilingual, SemestaError
from semesta.pipeline.layouts import LAYOUT_BY_NAME, Layout

DATABASE = "semesta.duckdb"
MAPPING = "pemetaan_kolom.toml"
MEMORY_LIMIT = "1500MB"  # stay well inside a modest office PC; DuckDB spills beyond it

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    file_id INTEGER PRIMARY KEY, period VARCHAR NOT NULL, layout VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, sheets VARCHAR,
    rows_read BIGINT, rows_ingested BIGINT, rows_quarantined BIGINT,
    values_repaired BIGINT, values_rejected BIGINT, ingested_at TIMESTAMP DEFAULT now()
);
CREATE TABLE IF NOT EXISTS quarantine (
    file_id INTEGER, period VARCHAR, file_name VARCHAR, sheet VARCHAR, row_number BIGINT,
    column_name VARCHAR, value VARCHAR, scope VARCHAR, reason_code VARCHAR,
    reason_id VARCHAR, reason_en VARCHAR
);
CREATE TABLE IF NOT EXISTS repairs (
    file_id INTEGER, sheet VARCHAR, row_number BIGINT, column_name VARCHAR,
    value VARCHAR, repaired VARCHAR, reason_code VARCHAR
);
CREATE TABLE IF NOT EXISTS region_desa (kode VARCHAR PRIMARY KEY, nama VARCHAR,
    kode_kecamatan VARCHAR, kode_kabupaten VARCHAR);
"""

PERIOD = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


def one(db: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple:
    """The single row a query returns (DuckDB 2 wants every result fetched to the end)."""
    rows = db.execute(sql, params or []).fetchall()
    return rows[0]


def has_table(db: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(one(db, "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name])[0])


def period_end(period: str) -> date:
    """The last day of ``YYYY-MM``: the date on which rules are applied to the period."""
    year, month = (int(part) for part in check_period(period).split("-"))
    return date(year, month, calendar.monthrange(year, month)[1])


def kabupaten_of(db: duckdb.DuckDBPyConnection, period: str, *, linked: bool = True) -> str | None:
    """The workspace's kabupaten (4 digits) for ``period``: the one the last reconciliation
    recorded (``linked``), else where most of the period's DKB rows live; None without a DKB."""
    if linked and has_table(db, "link_run"):
        rows = db.execute(
            "SELECT kabupaten FROM link_run WHERE period = ? ORDER BY linked_at DESC LIMIT 1",
            [period],
        ).fetchall()
        if rows and rows[0][0]:
            return str(rows[0][0])
    if not has_table(db, "dkb"):
        return None
    rows = db.execute(
        "SELECT substr(kode_desa, 1, 4), count(*) FROM dkb WHERE period = ? "
        "AND kode_desa IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
        [period],
    ).fetchall()
    return str(rows[0][0]) if rows else None


NO_DKB = Bilingual(
    "Belum ada DKB untuk periode {period} di workspace: muat DKB dahulu (semesta ingest).",
    "No DKB for period {period} in the workspace: ingest the DKB first (semesta ingest).",
)


def require_kabupaten(db: duckdb.DuckDBPyConnection, period: str, *, linked: bool = True) -> str:
    """``kabupaten_of``, or a bilingual error when the period has no DKB."""
    kabupaten = kabupaten_of(db, period, linked=linked)
    if kabupaten is None:
        raise SemestaError(NO_DKB.format(period=period))
    return kabupaten


def check_period(period: str) -> str:
    if not PERIOD.match(period or ""):
        raise SemestaError(
            Bilingual(
                f"Periode '{period}' tidak valid: tulis tahun-bulan, misalnya 2025-06.",
                f"Period '{period}' is not valid: write year-month, e.g. 2025-06.",
            )
        )
    return period


class Workspace:
    def __init__(self, path: Path):
        self.path = Path(path)

    @property
    def database(self) -> Path:
        return self.path / DATABASE

    def exists(self) -> bool:
        return self.database.exists()

    def connect(
        self, read_only: bool = False, memory_limit: str = MEMORY_LIMIT
    ) -> duckdb.DuckDBPyConnection:
        if read_only and not self.exists():
            raise SemestaError(
                Bilingual(
                    f"Workspace '{self.path}' belum ada; jalankan 'semesta ingest' dahulu.",
                    f"Workspace '{self.path}' does not exist yet; run 'semesta ingest' first.",
                )
            )
        self.path.mkdir(parents=True, exist_ok=True)
        db = duckdb.connect(str(self.database), read_only=read_only)
        db.execute(f"SET memory_limit = '{memory_limit}'")
        db.execute(f"SET temp_directory = '{self.path / '.tmp'}'")
        db.execute("SET preserve_insertion_order = true")
        db.execute("SET enable_progress_bar = false")  # our own progress goes to stderr
        if not read_only:
            db.execute(SCHEMA)
            _load_regions(db)
        return db

    def mapping(self) -> dict[str, str]:
        """The user's header → column map (``[kolom]`` table of pemetaan_kolom.toml)."""
        file = self.path / MAPPING
        if not file.exists():
            return {}
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise SemestaError(
                Bilingual(
                    f"{MAPPING} tidak dapat dibaca: {error}", f"{MAPPING} cannot be read: {error}"
                )
            ) from error
        columns = data.get("kolom", {})
        known = {c.name for layout in LAYOUT_BY_NAME.values() for c in layout.columns}
        unknown = sorted(set(columns.values()) - known)
        if unknown:
            raise SemestaError(
                Bilingual(
                    f"{MAPPING} memetakan ke kolom yang tidak dikenal: {', '.join(unknown)}.",
                    f"{MAPPING} maps to unknown columns: {', '.join(unknown)}.",
                )
            )
        return {str(k): str(v) for k, v in columns.items()}


def ensure_layout_table(db: duckdb.DuckDBPyConnection, layout: Layout, columns) -> None:
    """The layout's table: file provenance, then the typed columns of normalize.typed_columns."""
    typed = ", ".join(f'"{c.name}" {c.sql_type}' for c in columns)
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {layout.name} (period VARCHAR, file_id INTEGER, "
        f"sheet VARCHAR, row_number BIGINT, {typed})"
    )


def _load_regions(db: duckdb.DuckDBPyConnection) -> None:
    if one(db, "SELECT count(*) FROM region_desa")[0]:
        return
    desa = [r for r in regions() if r.level == "desa"]
    table = pa.table(
        {
            "kode": [r.digits for r in desa],
            "nama": [r.name for r in desa],
            "kode_kecamatan": [r.digits[:6] for r in desa],
            "kode_kabupaten": [r.digits[:4] for r in desa],
        }
    )
    db.register("region_desa_arrow", table)
    db.execute("INSERT INTO region_desa SELECT * FROM region_desa_arrow")
    db.unregister("region_desa_arrow")
