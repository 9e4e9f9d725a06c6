"""Linkage: every ingested row of a period gets one resolved person, with the evidence.

1. **Records.** Every person-bearing row of every source (DKB, BPJS, DTSEN, deaths, ASN/P3K,
   perangkat desa, company workers, invoice) becomes a record: identifiers, name, birth date,
   sex, KK, desa (``_RECORDS``).
2. **Exact pass.** A record whose valid NIK is in the DKB belongs to that resident, unless the
   names disagree: then the NIK is most likely another resident's (``nik_conflict``).
3. **Probabilistic pass** over the residue only (damaged, unknown or doubted NIK): Splink
   links it to the DKB (``pipeline/splink_model.py``). A link at or above the auto threshold
   is applied; one between the review and auto thresholds goes to ``link_review`` with both
   records side by side, never applied; below, the record stays its own person.
4. **Persons.** ``person`` holds one row per resolved person with what each source says
   (residence, death, move, desil, formal work, membership); ``identity`` maps every record to
   its person and says how (``nik`` | ``splink`` | ``none``); ``membership`` is the BPJS part.

A person's key is the DKB NIK when the person is in the DKB, else the valid NIK seen elsewhere,
else ``kartu:<BPJS card number>``, else ``baris:<layout>:<file>:<row>``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from semesta.pipeline import normalize
from semesta.pipeline.layouts import LAYOUT_BY_NAME
from semesta.pipeline.workspace import (
    Workspace,
    ensure_layout_table,
    has_table,
    one,
    period_end,
    require_kabupaten,
)

Progress = Callable[[str], None]

# Linkage holds every record of every source at once (16.7 M at 5 M residents); DuckDB spills
# beyond this, and the budget at 1 M residents is 4 GB for the whole process.
MEMORY_LIMIT = "3GB"

# What each source says about a person, in one shape. ``nik_stem``: the leading digits of the
# NIK that are certain: 12 (region, kecamatan, birth date) of a NIK whose tail Excel rounded
# (also when printed as a decimal, "6202062503860010.0"), the mantissa's digits of one Excel
# wrote in scientific notation (reference §3.1).
_COMMON = """
    nik, CASE WHEN nik IS NOT NULL THEN substr(nik, 1, 12)
              WHEN regexp_full_match(trim(nik_asli), '[0-9]{{16}}([.,]0+)?')
              THEN substr(trim(nik_asli), 1, 12)
              WHEN regexp_full_match(trim(nik_asli), '[1-9][.,][0-9]+[eE][+]?15')
              THEN regexp_replace(regexp_extract(trim(nik_asli), '^[1-9][.,][0-9]+'), '[.,]', '')
         END AS nik_stem,
    {_NAME_KEY} AS nama
"""
# Names are compared in one spelling: upper case, single spaces, no dots, and the abbreviations
# that Indonesian registers use for the commonest name elements written out (MOH., M., MUH.,
# MOCH. → MUHAMMAD; ABD. → ABDUL), so that "M. KUSUMA" and "MUHAMMAD KUSUMA" agree.
_ABBREVIATIONS = (
    (
        r"^M |\b(MOCH|MOH|MOHD|MUH|MUHD|MHD|MUHAMAD|MOHAMMAD|MOHAMAD|MOCHAMMAD|MOCHAMAD)\b",
        "MUHAMMAD",
    ),
    (r"\bABD\b", "ABDUL"),
)


def _name_key(column: str) -> str:
    key = f"upper(regexp_replace(COALESCE({column}, ''), '[.,]', ' ', 'g'))"
    key = f"trim(regexp_replace({key}, '\\s+', ' ', 'g'))"
    for pattern, replacement in _ABBREVIATIONS:
        key = f"regexp_replace({key}, '{pattern}', '{replacement} ', 'g')"
    return f"NULLIF(trim(regexp_replace({key}, '\\s+', ' ', 'g')), '')"


_NAME_KEY = _name_key("nama")
_RECORDS = {
    "dkb": "no_kk, COALESCE(tanggal_lahir, nik_tanggal_lahir) AS tanggal_lahir, "
    "COALESCE(jenis_kelamin, nik_jenis_kelamin) AS jenis_kelamin, kode_desa, NULL AS no_kartu",
    "bpjs_peserta": "NULL, COALESCE(tanggal_lahir, nik_tanggal_lahir), "
    "COALESCE(jenis_kelamin, nik_jenis_kelamin), NULL, no_kartu",
    "dtsen": "no_kk, nik_tanggal_lahir, nik_jenis_kelamin, NULL, NULL",
    "kematian": "NULL, nik_tanggal_lahir, nik_jenis_kelamin, NULL, NULL",
    "pegawai_asn": "NULL, COALESCE(tanggal_lahir, nik_tanggal_lahir), nik_jenis_kelamin, "
    "NULL, NULL",
    "perangkat_desa": "NULL, nik_tanggal_lahir, nik_jenis_kelamin, kode_desa, NULL",
    "pekerja_badan_usaha": "NULL, COALESCE(tanggal_lahir, nik_tanggal_lahir), "
    "nik_jenis_kelamin, NULL, NULL",
    "tagihan": "NULL, nik_tanggal_lahir, nik_jenis_kelamin, NULL, no_kartu",
}
RECORD_LAYOUTS = tuple(_RECORDS)
RECORD_COLUMNS = (
    "unique_id, layout, file_id, row_number, nik, nik_stem, nama, no_kk, tanggal_lahir, "
    "jenis_kelamin, kode_desa, no_kartu"
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS identity (
    period VARCHAR, layout VARCHAR, file_id INTEGER, row_number BIGINT, person_id VARCHAR,
    link_method VARCHAR, match_probability DOUBLE);
CREATE TABLE IF NOT EXISTS link_review (
    period VARCHAR, layout VARCHAR, file_id INTEGER, row_number BIGINT, candidate_person_id VARCHAR,
    match_probability DOUBLE, record_nik VARCHAR, record_nama VARCHAR, record_tanggal_lahir DATE,
    candidate_nik VARCHAR, candidate_nama VARCHAR, candidate_tanggal_lahir DATE,
    candidate_kode_desa VARCHAR);
CREATE TABLE IF NOT EXISTS membership (
    period VARCHAR, file_id INTEGER, row_number BIGINT, person_id VARCHAR, link_method VARCHAR,
    match_probability DOUBLE, no_kartu VARCHAR, nik VARCHAR, segmen VARCHAR,
    segmen_kelompok VARCHAR, kelas INTEGER, aktif BOOLEAN, status_peserta VARCHAR,
    keterangan_status VARCHAR, kode_faskes VARCHAR, nama_faskes VARCHAR, tmt DATE);
CREATE TABLE IF NOT EXISTS person (
    period VARCHAR, person_id VARCHAR, nik VARCHAR, no_kk VARCHAR, nama VARCHAR,
    jenis_kelamin VARCHAR, tanggal_lahir DATE, kode_desa VARCHAR, kode_kecamatan VARCHAR,
    in_dkb BOOLEAN, resident BOOLEAN, meninggal DATE, sumber_meninggal VARCHAR, pindah DATE,
    desil INTEGER, formal_worker VARCHAR, employer VARCHAR, registered BOOLEAN, active BOOLEAN,
    memberships INTEGER, segmen_kelompok VARCHAR, kelas INTEGER, status_peserta VARCHAR,
    keterangan_status VARCHAR, kode_faskes VARCHAR, nama_faskes VARCHAR, no_kartu VARCHAR);
CREATE TABLE IF NOT EXISTS nik_conflict (
    period VARCHAR, layout VARCHAR, file_id INTEGER, row_number BIGINT, nik VARCHAR,
    record_nama VARCHAR, dkb_nama VARCHAR);
CREATE TABLE IF NOT EXISTS link_run (
    period VARCHAR, kabupaten VARCHAR, records BIGINT, exact BIGINT, residue BIGINT,
    splink_linked BIGINT, review BIGINT, unlinked BIGINT, persons BIGINT, residents BIGINT,
    auto_threshold DOUBLE, review_threshold DOUBLE, linked_at TIMESTAMP DEFAULT now());
"""

SCHEMA_TABLES = ("identity", "link_review", "membership", "person", "nik_conflict", "link_run")

# Which group of an active membership counts for the person when there are several: the one
# that pays for them (the Pemda's own list last, so funded-twice people show the other payer).
_GROUP_ORDER = (
    "CASE segmen_kelompok WHEN 'PPU_PN' THEN 1 WHEN 'PPU_BU' THEN 2 "
    "WHEN 'PBI_APBN' THEN 3 WHEN 'BP' THEN 4 WHEN 'PBPU_MANDIRI' THEN 5 ELSE 6 END"
)
# A membership's rank for the person's summary: active ones first, then by the order above.
_RANK = f"(NOT aktif)::INT * 10 + {_GROUP_ORDER}"


@dataclass(frozen=True)
class LinkReport:
    period: str
    kabupaten: str
    records: int
    exact: int
    residue: int
    splink_linked: int
    review: int
    unlinked: int
    persons: int
    residents: int

    def as_dict(self) -> dict:
        return dict(vars(self))


def link(workspace: Workspace, period: str, progress: Progress | None = None) -> LinkReport:
    """Resolve every record of ``period`` to a person and store identity, person, membership."""
    from semesta.pipeline import splink_model

    say = progress or (lambda message: None)
    db = workspace.connect(memory_limit=MEMORY_LIMIT)
    db.execute("SET preserve_insertion_order = false")  # order-free joins and groups spill
    try:
        kabupaten = require_kabupaten(db, period, linked=False)  # re-linking: the DKB says
        _ensure_source_tables(db, period)
        say("rekaman dan pencocokan NIK / records and the exact NIK pass")
        prepare_residue(db, period)
        say("pencocokan probabilistik (Splink) / probabilistic linkage")
        links = splink_model.link_residue(db, "residue", "dkb_record")
        db.register("splink_links", links)
        auto, review = splink_model.thresholds()
        say("orang / persons")
        db.execute("BEGIN TRANSACTION")
        db.execute(SCHEMA)
        for table in SCHEMA_TABLES:
            db.execute(f"DELETE FROM {table} WHERE period = ?", [period])
        _identity(db, period, auto, review)
        db.execute(
            "INSERT INTO nik_conflict SELECT ?, layout, file_id, row_number, nik, "
            "record_nama, dkb_nama FROM nik_doubt",
            [period],
        )
        _membership(db, period)
        _person(db, period, kabupaten)
        counts = _counts(db, period, kabupaten, auto, review)
        db.execute("COMMIT")
        db.unregister("splink_links")
        return counts
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # no transaction open yet
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()


def _ensure_source_tables(db: duckdb.DuckDBPyConnection, period: str) -> None:
    """An export never loaded (no death list this month) is an empty table, not an error."""
    as_of = period_end(period)
    for name in RECORD_LAYOUTS:
        layout = LAYOUT_BY_NAME[name]
        ensure_layout_table(db, layout, normalize.typed_columns(layout, as_of))


def _records(db: duckdb.DuckDBPyConnection, period: str) -> None:
    parts = [
        f"SELECT '{layout}:' || file_id || ':' || row_number AS unique_id, '{layout}' AS layout, "
        f"file_id, row_number, {_COMMON.format(_NAME_KEY=_NAME_KEY)}, {columns} "
        f"FROM {layout} WHERE period = '{period}'"
        for layout, columns in _RECORDS.items()
        if has_table(db, layout)
    ]
    db.execute(f"CREATE OR REPLACE TEMP TABLE record AS {' UNION ALL '.join(parts)}")


def prepare_residue(db: duckdb.DuckDBPyConnection, period: str) -> None:
    """Temp tables ``record``, ``dkb_record`` (one per NIK), ``exact_link``, ``nik_doubt`` and
    ``residue``: everything the probabilistic pass needs."""
    from semesta.pipeline import splink_model

    _records(db, period)
    db.execute(
        "CREATE OR REPLACE TEMP TABLE dkb_record AS SELECT * FROM record "
        "WHERE layout = 'dkb' QUALIFY row_number() OVER (PARTITION BY nik ORDER BY file_id, "
        "row_number) = 1 OR nik IS NULL"
    )
    _exact(db, splink_model.exact_name_min())


def _exact(db: duckdb.DuckDBPyConnection, name_min: float) -> None:
    """The exact pass: a record whose NIK is a DKB resident's belongs to that resident, unless
    the names disagree (Jaro-Winkler below ``name_min``): then the NIK is most likely someone
    else's, typed by mistake (``nik_conflict``), and the record joins the residue."""
    agree = (
        f"r.layout = 'dkb' OR r.nama IS NULL OR d.nama IS NULL "
        f"OR jaro_winkler_similarity(r.nama, d.nama) >= {name_min}"
    )
    join = "FROM record r JOIN dkb_record d ON d.nik = r.nik"
    db.execute(
        f"CREATE OR REPLACE TEMP TABLE exact_link AS "
        f"SELECT r.unique_id, d.nik AS person_id {join} WHERE {agree}"
    )
    db.execute(
        f"CREATE OR REPLACE TEMP TABLE nik_doubt AS "
        f"SELECT r.unique_id, d.nik, r.layout, r.file_id, r.row_number, "
        f"r.nama AS record_nama, d.nama AS dkb_nama {join} WHERE NOT ({agree})"
    )
    db.execute(
        "CREATE OR REPLACE TEMP TABLE residue AS SELECT * FROM record WHERE layout <> 'dkb' "
        "AND unique_id NOT IN (SELECT unique_id FROM exact_link)"
    )


def _identity(db: duckdb.DuckDBPyConnection, period: str, auto: float, review: float) -> None:
    """Every record's person: exact NIK, an applied Splink link, or itself."""
    db.execute(
        f"""
        INSERT INTO identity
        SELECT ?, r.layout, r.file_id, r.row_number,
          CASE WHEN e.person_id IS NOT NULL THEN e.person_id
               WHEN s.match_probability >= {auto} THEN s.person_id
               WHEN r.nik IS NOT NULL AND c.unique_id IS NULL THEN r.nik  -- not a DKB NIK
               WHEN r.no_kartu IS NOT NULL THEN 'kartu:' || r.no_kartu
               ELSE 'baris:' || r.unique_id END,
          CASE WHEN e.person_id IS NOT NULL THEN 'nik'
               WHEN s.match_probability >= {auto} THEN 'splink' ELSE 'none' END,
          CASE WHEN e.person_id IS NOT NULL THEN 1.0 ELSE s.match_probability END
        FROM record r
        LEFT JOIN exact_link e USING (unique_id)
        LEFT JOIN nik_doubt c USING (unique_id)
        LEFT JOIN splink_links s ON s.unique_id = r.unique_id
        """,
        [period],
    )
    # A DKB row whose NIK could not be read is keyed by its row: 'baris:dkb:<file>:<row>'.
    db.execute(
        f"""
        INSERT INTO link_review
        SELECT ?, r.layout, r.file_id, r.row_number, s.person_id, s.match_probability,
               r.nik, r.nama, r.tanggal_lahir, c.nik, c.nama, c.tanggal_lahir, c.kode_desa
        FROM splink_links s JOIN record r USING (unique_id)
        JOIN dkb_record c ON c.unique_id = s.candidate_id
        WHERE s.match_probability >= {review} AND s.match_probability < {auto}
        """,
        [period],
    )


def _membership(db: duckdb.DuckDBPyConnection, period: str) -> None:
    db.execute(
        """
        INSERT INTO membership
        SELECT i.period, b.file_id, b.row_number, i.person_id, i.link_method, i.match_probability,
               b.no_kartu, b.nik, b.segmen, b.segmen_kelompok, b.kelas, b.aktif, b.status_peserta,
               b.keterangan_status, b.kode_faskes, b.nama_faskes, b.tmt
        FROM bpjs_peserta b JOIN identity i
          ON i.period = b.period AND i.layout = 'bpjs_peserta' AND i.file_id = b.file_id
         AND i.row_number = b.row_number
        WHERE b.period = ?
        """,
        [period],
    )


# The pieces of a person, each keyed by person_id ($period, $kabupaten and {end} are
# substituted: the period is checked, the kabupaten is four digits).
_PERSON_PIECES = {
    "ids": "SELECT * FROM identity WHERE period = $period",
    "dkb": """
        SELECT i.person_id, d.* EXCLUDE (period, file_id, sheet, row_number)
        FROM dkb d JOIN (  -- the first DKB row of each person (a narrow window, then the row)
            SELECT person_id, file_id, row_number FROM person_ids WHERE layout = 'dkb'
            QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY file_id, row_number) = 1
          ) i ON i.file_id = d.file_id AND i.row_number = d.row_number
        WHERE d.period = $period
    """,
    # The best name, birth date, sex and NIK of people outside the DKB; a NIK that is a DKB
    # resident's but came with another name (nik_doubt) is not theirs.
    "named": """
        SELECT i.person_id,
               max(r.nik) FILTER (r.unique_id NOT IN (SELECT unique_id FROM nik_doubt)) AS nik,
               max(r.nama) AS nama, max(r.tanggal_lahir) AS tanggal_lahir,
               max(r.jenis_kelamin) AS jenis_kelamin, max(r.no_kk) AS no_kk
        FROM person_ids i JOIN record r ON r.layout = i.layout AND r.file_id = i.file_id
         AND r.row_number = i.row_number
        WHERE i.person_id NOT IN (SELECT person_id FROM person_dkb)
        GROUP BY ALL
    """,
    "deaths": """
        SELECT i.person_id, min(k.tanggal_meninggal) AS tanggal, any_value(k.sumber) AS sumber
        FROM kematian k JOIN person_ids i ON i.layout = 'kematian' AND i.file_id = k.file_id
         AND i.row_number = k.row_number WHERE k.period = $period GROUP BY ALL
    """,
    "welfare": """
        SELECT i.person_id, arg_max(t.desil, COALESCE(t.tanggal_data, DATE '1900-01-01')) AS desil
        FROM dtsen t JOIN person_ids i ON i.layout = 'dtsen' AND i.file_id = t.file_id
         AND i.row_number = t.row_number WHERE t.period = $period GROUP BY ALL
    """,
    "workers": """
        SELECT person_id, arg_min(kind, rank) AS kind, arg_min(employer, rank) AS employer FROM (
          SELECT i.person_id, CASE WHEN upper(a.status_kepegawaian) LIKE '%PPPK%'
                   OR upper(a.status_kepegawaian) LIKE '%P3K%' THEN 'P3K' ELSE 'ASN' END AS kind,
                 a.instansi AS employer, 1 AS rank
          FROM pegawai_asn a JOIN person_ids i ON i.layout = 'pegawai_asn'
           AND i.file_id = a.file_id AND i.row_number = a.row_number WHERE a.period = $period
          UNION ALL
          SELECT i.person_id, 'perangkat_desa',
                 'Pemerintah Desa ' || COALESCE(p.nama_desa, p.kode_desa, ''), 2
          FROM perangkat_desa p JOIN person_ids i ON i.layout = 'perangkat_desa'
           AND i.file_id = p.file_id AND i.row_number = p.row_number WHERE p.period = $period
          UNION ALL
          SELECT i.person_id, 'badan_usaha', w.pemberi_kerja, 3
          FROM pekerja_badan_usaha w JOIN person_ids i ON i.layout = 'pekerja_badan_usaha'
           AND i.file_id = w.file_id AND i.row_number = w.row_number WHERE w.period = $period)
        GROUP BY person_id
    """,
    "members": f"""
        SELECT person_id, count(*) AS memberships, bool_or(aktif) AS active,
               arg_min(segmen_kelompok, {_RANK}) AS segmen_kelompok,
               arg_min(kelas, {_RANK}) AS kelas,
               arg_min(status_peserta, {_RANK}) AS status_peserta,
               arg_min(keterangan_status, {_RANK}) AS keterangan,
               arg_min(kode_faskes, {_RANK}) AS kode_faskes,
               arg_min(nama_faskes, {_RANK}) AS nama_faskes,
               arg_min(no_kartu, {_RANK}) AS no_kartu
        FROM membership WHERE period = $period GROUP BY person_id
    """,
    "everyone": "SELECT DISTINCT person_id FROM person_ids",
}
_PERSON_SELECT = """
    SELECT $period, e.person_id,
      COALESCE(d.nik, n.nik), COALESCE(d.no_kk, n.no_kk), COALESCE(d.nama, n.nama),
      COALESCE(d.jenis_kelamin, d.nik_jenis_kelamin, n.jenis_kelamin),
      COALESCE(d.tanggal_lahir, d.nik_tanggal_lahir, n.tanggal_lahir),
      d.kode_desa, substr(d.kode_desa, 1, 6),
      d.person_id IS NOT NULL,
      d.person_id IS NOT NULL
        AND COALESCE(d.tanggal_meninggal, x.tanggal) IS NULL
        AND upper(COALESCE(d.status_hidup, 'HIDUP')) NOT IN ('MATI', 'MENINGGAL')
        AND NOT (d.status_pindah IS NOT NULL AND COALESCE(d.tanggal_pindah, DATE '{end}')
                 <= DATE '{end}')
        AND starts_with(COALESCE(d.kode_desa, ''), $kabupaten),
      COALESCE(d.tanggal_meninggal, x.tanggal),
      CASE WHEN d.tanggal_meninggal IS NOT NULL THEN 'DKB' ELSE x.sumber END,
      CASE WHEN d.status_pindah IS NOT NULL THEN COALESCE(d.tanggal_pindah, DATE '{end}') END,
      w.desil, k.kind, k.employer,
      m.person_id IS NOT NULL, COALESCE(m.active, FALSE), COALESCE(m.memberships, 0),
      m.segmen_kelompok, m.kelas, m.status_peserta, m.keterangan, m.kode_faskes,
      m.nama_faskes, m.no_kartu
    FROM person_everyone e
    LEFT JOIN person_dkb d USING (person_id) LEFT JOIN person_named n USING (person_id)
    LEFT JOIN person_deaths x USING (person_id) LEFT JOIN person_welfare w USING (person_id)
    LEFT JOIN person_workers k USING (person_id) LEFT JOIN person_members m USING (person_id)
"""


def _person(db: duckdb.DuckDBPyConnection, period: str, kabupaten: str) -> None:
    """One row per person. Each piece is its own temporary table, so that a large kabupaten
    stays within the workspace's memory limit (DuckDB spills between statements)."""
    end = period_end(period).isoformat()
    values = {"$period": f"'{period}'", "$kabupaten": f"'{kabupaten}'", "{end}": end}
    for name, sql in _PERSON_PIECES.items():
        for key, value in values.items():
            sql = sql.replace(key, value)
        db.execute(f"CREATE OR REPLACE TEMP TABLE person_{name} AS {sql}")
    final = _PERSON_SELECT
    for key, value in values.items():
        final = final.replace(key, value)
    db.execute(f"INSERT INTO person {final}")
    for name in _PERSON_PIECES:
        db.execute(f"DROP TABLE person_{name}")


def _counts(
    db: duckdb.DuckDBPyConnection, period: str, kabupaten: str, auto: float, review: float
) -> LinkReport:
    records, exact, linked, unlinked = one(
        db,
        "SELECT count(*), count(*) FILTER (link_method = 'nik'), "
        "count(*) FILTER (link_method = 'splink'), "
        "count(*) FILTER (link_method = 'none' AND layout <> 'dkb') FROM identity WHERE period = ?",
        [period],
    )
    residue = one(db, "SELECT count(*) FROM residue")[0]
    in_review = one(db, "SELECT count(*) FROM link_review WHERE period = ?", [period])[0]
    persons, residents = one(
        db, "SELECT count(*), count(*) FILTER (resident) FROM person WHERE period = ?", [period]
    )
    report = LinkReport(
        period, kabupaten, records, exact, residue, linked, in_review, unlinked, persons, residents
    )
    db.execute(
        "INSERT INTO link_run (period, kabupaten, records, exact, residue, splink_linked, review, "
        "unlinked, persons, residents, auto_threshold, review_threshold) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            period,
            kabupaten,
            records,
            exact,
            residue,
            linked,
            in_review,
            unlinked,
            persons,
            residents,
            auto,
            review,
        ],
    )
    return report
