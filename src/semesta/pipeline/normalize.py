"""Normalise a staged export in SQL: one normaliser per column kind, every rejection explained.

The staged table holds text only (readers.py). For each column of the layout this module gives
the SQL that turns text into a typed value, and the SQL that names why a non-empty value could
not be used. A rejected value becomes NULL in a row that is still kept; a row is quarantined as a
whole only when nothing identifies it (layout.row_needs_any) or it is empty. Identifier rules come
from semesta.core.identifiers (Python is the specification, its SQL twin is tested against it);
small vocabularies (sex, segment, status) are mapped in Python over their few distinct values.

The SQL is DuckDB's dialect, kept to functions SQLGlot can transpile (as Splink does) so that a
province can run the same statements on Spark.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from semesta.core import identifiers, segments
from semesta.core.text import Bilingual
from semesta.pipeline.layouts import Column, Layout

REASONS: dict[str, Bilingual] = {
    "baris_kosong": Bilingual("Baris kosong", "Empty row"),
    "baris_tanpa_identitas": Bilingual(
        "Baris tanpa identitas yang dapat dipakai ({columns} kosong atau tidak valid)",
        "Row without a usable identity ({columns} empty or invalid)",
    ),
    "baris_judul_berulang": Bilingual("Baris judul kolom yang berulang", "Repeated header row"),
    "tanggal_tidak_dikenal": Bilingual(
        "Tanggal tidak dikenali (format yang diterima: dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd, "
        "nomor seri Excel)",
        "Date not recognised (accepted: dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd, Excel serial number)",
    ),
    "tanggal_di_luar_jangkauan": Bilingual(
        "Tanggal sebelum 1900 atau sesudah tanggal data",
        "Date before 1900 or after the data's date",
    ),
    "angka_tidak_valid": Bilingual("Bukan bilangan bulat", "Not a whole number"),
    "angka_di_luar_rentang": Bilingual(
        "Angka di luar rentang {low}–{high}", "Number outside {low}–{high}"
    ),
    "rupiah_tidak_valid": Bilingual(
        "Nilai Rupiah tidak dikenali atau memuat sen", "Rupiah amount not recognised or has cents"
    ),
    "jenis_kelamin_tidak_dikenal": Bilingual(
        "Jenis kelamin tidak dikenali (L/P)", "Sex not recognised (L/P)"
    ),
    "kode_desa_tidak_dikenal": Bilingual(
        "Kode desa/kelurahan tidak ada dalam Kepmendagri 2025",
        "Desa/kelurahan code not in Kepmendagri 2025",
    ),
    "segmen_tidak_dikenal": Bilingual(
        "Segmen kepesertaan tidak ada dalam katalog segmen",
        "Membership segment not in the segment catalogue",
    ),
    "status_tidak_dikenal": Bilingual(
        "Status kepesertaan tidak dikenali (AKTIF / NON AKTIF)",
        "Membership status not recognised (AKTIF / NON AKTIF)",
    ),
} | identifiers.REASONS

SEX = {
    "L": "L",
    "LK": "L",
    "LAKILAKI": "L",
    "LAKI": "L",
    "LAKI2": "L",
    "PRIA": "L",
    "M": "L",
    "MALE": "L",
    "1": "L",
    "P": "P",
    "PR": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "W": "P",
    "F": "P",
    "FEMALE": "P",
    "2": "P",
}
ACTIVE = {
    "AKTIF": True,
    "0": True,
    "ACTIVE": True,
    "NONAKTIF": False,
    "TIDAKAKTIF": False,
    "NA": False,
    "INACTIVE": False,
    "1": False,
}
DATE_FORMATS = (
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%d-%m-%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
)
ROMAN = {"I": 1, "II": 2, "III": 3}


@dataclass(frozen=True)
class Typed:
    """The SQL of one output column: its value and, where it can fail, the reason code."""

    name: str
    sql_type: str
    value: str
    code: str | None = None  # SQL giving a reason code when a non-empty value was rejected
    repair: str | None = None  # SQL giving a repair code when the value was repaired
    source: str | None = None  # the staged column it is read from, when not ``name``
    # Pieces computed once per row before value, code and repair, which refer to them by name:
    # layers of (name, expression), each over the ones before (identifiers.SqlSteps). A parsed
    # date is used three times, and parsing it three times costs thrice.
    layers: identifiers.Layers = ()

    @property
    def raw(self) -> str:
        return self.source or self.name


def key_sql(value: str) -> str:
    """Upper-case letters and digits only: the key vocabularies are matched on."""
    return f"regexp_replace(upper(coalesce({value}, '')), '[^A-Z0-9]', '', 'g')"


def text_sql(value: str) -> str:
    """Trimmed, runs of white space as one space, NULL when empty.

    The regular expression runs only where it can change something (two spaces, a tab, a line
    break): most cells have neither, and the test is ~3x cheaper than the replacement.
    """
    collapsed = f"trim(regexp_replace({value}, '\\s+', ' ', 'g'))"
    needs = " OR ".join(
        [f"contains({value}, '  ')"] + [f"contains({value}, chr({c}))" for c in (9, 10, 12, 13)]
    )
    return f"nullif(CASE WHEN {needs} THEN {collapsed} ELSE trim({value}) END, '')"


def typed_columns(layout: Layout, as_of: date) -> list[Typed]:
    out: list[Typed] = []
    for column in layout.columns:
        out.extend(_typed(column, as_of))
    return out


def _typed(column: Column, as_of: date) -> list[Typed]:
    v = f'"{column.name}"'
    kind = column.kind
    if kind in ("nik", "kk", "noka"):
        return _identifier(column, as_of)
    if kind == "text":
        return [Typed(column.name, "VARCHAR", text_sql(v))]
    if kind == "name":
        return [Typed(column.name, "VARCHAR", f"upper({text_sql(v)})")]
    if kind == "date":
        return [_date(column.name, v, as_of)]
    if kind == "int":
        return [_int(column, v)]
    if kind == "rupiah":
        return [_rupiah(column.name, v)]
    if kind == "desa":
        digits = f"regexp_replace(coalesce({v}, ''), '[^0-9]', '', 'g')"
        known = f"({digits} IN (SELECT kode FROM region_desa))"
        present = f"nullif(trim({v}), '') IS NOT NULL"
        return [
            Typed(
                column.name,
                "VARCHAR",
                f"CASE WHEN {known} THEN {digits} END",
                f"CASE WHEN {present} AND NOT {known} THEN 'kode_desa_tidak_dikenal' END",
            )
        ]
    if kind in ("sex", "segment", "status"):
        return _vocabulary(column)
    raise ValueError(f"unknown column kind {kind}")


def _identifier(column: Column, as_of: date) -> list[Typed]:
    v = f'"{column.name}"'
    numeric = f'"_numeric_{column.name}"'
    name = column.name
    if column.kind == "nik":
        steps = identifiers.nik_sql(v, numeric, as_of=as_of, prefix=name)
    elif column.kind == "kk":
        steps = identifiers.kk_sql(v, numeric, as_of=as_of, prefix=name)
    else:
        steps = identifiers.noka_sql(v, numeric, prefix=name)
    out = steps.outputs
    present = f"nullif(trim({v}), '') IS NOT NULL"
    code = f"CASE WHEN ({out['status']}) = 'rejected' AND {present} THEN {out['code']} END"
    repair = f"CASE WHEN ({out['status']}) = 'repaired' THEN {out['code']} END"
    typed = [
        Typed(name, "VARCHAR", out[column.kind], code, repair, layers=steps.layers),
        Typed(f"{name}_asli", "VARCHAR", f"nullif(trim({v}), '')"),
    ]
    if column.kind == "nik":
        typed += [
            Typed("nik_jenis_kelamin", "VARCHAR", out["sex"]),
            Typed("nik_tanggal_lahir", "DATE", out["birth_date"]),
        ]
    return typed


def _date(name: str, v: str, as_of: date) -> Typed:
    text = f"trim({v})"
    formats = ", ".join(f"'{f}'" for f in DATE_FORMATS)
    serial = (
        f"CASE WHEN regexp_full_match({text}, '[0-9]{{1,5}}(\\.0+)?') THEN "
        f"DATE '1899-12-30' + CAST(CAST({text} AS DOUBLE) AS INTEGER) END"
    )
    parse = (
        f"CASE WHEN nullif({text}, '') IS NOT NULL THEN "
        f"coalesce(CAST(try_strptime({text}, [{formats}]) AS DATE), {serial}) END"
    )
    parsed = f'"__parsed_{name}"'
    in_range = f"({parsed} BETWEEN DATE '1900-01-01' AND DATE '{as_of.isoformat()}')"
    value = f"CASE WHEN {in_range} THEN {parsed} END"
    code = (
        f"CASE WHEN nullif({text}, '') IS NOT NULL AND {parsed} IS NULL "
        f"THEN 'tanggal_tidak_dikenal' WHEN {parsed} IS NOT NULL AND NOT {in_range} "
        f"THEN 'tanggal_di_luar_jangkauan' END"
    )
    return Typed(name, "DATE", value, code, layers=(((f"__parsed_{name}", parse),),))


def _int(column: Column, v: str) -> Typed:
    low, high = column.range or (-(2**31), 2**31 - 1)
    text = f"trim(regexp_replace(upper(trim({v})), '^(KELAS|DESIL)\\s*', ''))"
    roman = " ".join(f"WHEN {text} = '{r}' THEN {n}" for r, n in ROMAN.items())
    # Digits only: DuckDB would cast "5.5" to 6, "1e1" to 10 and "0x10" to 16.
    whole = f"regexp_replace({text}, '\\.0+$', '')"
    parse = (
        f"CASE {roman} WHEN regexp_full_match({whole}, '[+-]?[0-9]+') "
        f"THEN TRY_CAST({whole} AS INTEGER) END"
    )
    number = f'"__number_{column.name}"'
    in_range = f"({number} BETWEEN {low} AND {high})"
    code = (
        f"CASE WHEN nullif({text}, '') IS NOT NULL AND {number} IS NULL "
        f"THEN 'angka_tidak_valid' WHEN {number} IS NOT NULL AND NOT {in_range} "
        f"THEN 'angka_di_luar_rentang' END"
    )
    return Typed(
        column.name,
        "INTEGER",
        f"CASE WHEN {in_range} THEN {number} END",
        code,
        layers=(((f"__number_{column.name}", parse),),),
    )


def _rupiah(name: str, v: str) -> Typed:
    """Integer Rupiah from "42000", "42.000", "Rp 42.000,-", "42.000,00" or an Excel 42000.0."""
    s = f"regexp_replace(regexp_replace(upper(trim({v})), '^RP\\.?', ''), '[\\s]|,-$', '', 'g')"
    digits = (
        f"CASE WHEN regexp_full_match({s}, '[0-9]{{1,3}}(\\.[0-9]{{3}})+(,0+)?') "
        f"THEN replace(regexp_replace({s}, ',0+$', ''), '.', '') "
        f"WHEN regexp_full_match({s}, '[0-9]+([.,]0+)?') "
        f"THEN regexp_replace({s}, '[.,]0+$', '') END"
    )
    value = f'"__rupiah_{name}"'
    present = f"nullif(trim({v}), '') IS NOT NULL"
    code = f"CASE WHEN {present} AND {value} IS NULL THEN 'rupiah_tidak_valid' END"
    return Typed(
        name,
        "BIGINT",
        value,
        code,
        layers=(((f"__rupiah_{name}", f"TRY_CAST({digits} AS BIGINT)"),),),
    )


def _vocabulary(column: Column) -> list[Typed]:
    """Sex, segment and status: few distinct values, mapped in Python into a lookup table."""
    key = key_sql(f'"{column.name}"')
    table = f"vocab_{column.kind}"
    lookup = f"(SELECT target FROM {table} WHERE {table}.key = {key})"
    code = f"CASE WHEN {key} <> '' AND {lookup} IS NULL THEN '{_VOCAB_CODE[column.kind]}' END"
    if column.kind == "sex":
        return [Typed(column.name, "VARCHAR", lookup, code)]
    if column.kind == "segment":
        return [
            Typed(column.name, "VARCHAR", text_sql(f'"{column.name}"')),
            Typed("segmen_kelompok", "VARCHAR", lookup, code, source=column.name),
        ]
    return [
        Typed(column.name, "VARCHAR", text_sql(f'"{column.name}"')),
        Typed("aktif", "BOOLEAN", f"CAST({lookup} AS BOOLEAN)", code, source=column.name),
    ]


_VOCAB_CODE = {
    "sex": "jenis_kelamin_tidak_dikenal",
    "segment": "segmen_tidak_dikenal",
    "status": "status_tidak_dikenal",
}


def load_vocabularies(db: duckdb.DuckDBPyConnection, stage: str, layout: Layout) -> None:
    """Map the distinct raw values of vocabulary columns into small lookup tables."""
    for column in layout.columns:
        if column.kind not in _VOCAB_CODE:
            continue
        keys = [
            row[0]
            for row in db.execute(
                f"SELECT DISTINCT {key_sql(chr(34) + column.name + chr(34))} FROM {stage}"
            ).fetchall()
        ]
        pairs = [(k, _map_vocabulary(column.kind, k)) for k in keys]
        pairs = [(k, str(t)) for k, t in pairs if t is not None]
        table = f"vocab_{column.kind}"
        db.execute(f"CREATE OR REPLACE TEMP TABLE {table} (key VARCHAR, target VARCHAR)")
        if pairs:
            db.executemany(f"INSERT INTO {table} VALUES (?, ?)", pairs)


def _map_vocabulary(kind: str, key: str) -> str | bool | None:
    if kind == "sex":
        return SEX.get(key)
    if kind == "status":
        if key in ACTIVE:
            return ACTIVE[key]
        return (
            False
            if key.startswith(("NONAKTIF", "TIDAKAKTIF"))
            else (True if key.startswith("AKTIF") else None)
        )
    return segments.segment_group(key)
