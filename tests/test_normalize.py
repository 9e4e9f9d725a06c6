"""Each column kind's SQL turns the staged text into a typed value, or says why it cannot.

Every case runs the normaliser's real SQL (``normalize.typed_columns`` with its layers, the
vocabulary tables of ``load_vocabularies`` and the Kemendagri desa list) on a tiny in-memory
DuckDB table of hand-written cells, as ingestion does on a staged file. Expected values are
worked out by hand from the formats an office really sends.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write
from semesta.core.identifiers import with_layers
from semesta.core.regions import regions
from semesta.core.segments import SEGMENT_GROUPS
from semesta.core.text import Bilingual
from semesta.pipeline import normalize
from semesta.pipeline.ingest import ingest
from semesta.pipeline.layouts import KINDS, LAYOUT_BY_NAME, Column, Layout
from semesta.pipeline.readers import IDENTIFIER_KINDS

AS_OF = date(2025, 6, 30)  # the last day of period 2025-06


@pytest.fixture(scope="module")
def db():
    """One connection holding every Kemendagri 2025 desa code, as a workspace does."""
    con = duckdb.connect()
    desa = pa.table({"kode": [r.digits for r in regions() if r.level == "desa"]})
    con.register("desa_arrow", desa)
    con.execute("CREATE TABLE region_desa AS SELECT kode FROM desa_arrow")
    con.unregister("desa_arrow")
    yield con
    con.close()


def normalise(db, layout: Layout | str, rows: list[dict], as_of: date = AS_OF) -> list[dict]:
    """Stage ``rows`` (raw text per column, ``_numeric_<column>`` flags) like the readers do, then
    return per row every typed value, ``_code_<name>`` and ``_repair_<name>``."""
    layout = LAYOUT_BY_NAME[layout] if isinstance(layout, str) else layout
    identifiers = [c.name for c in layout.columns if c.kind in IDENTIFIER_KINDS]
    staged = {"_row": pa.array(range(len(rows)), pa.int64())}
    for column in layout.columns:
        staged[column.name] = pa.array([r.get(column.name) for r in rows], pa.string())
    for name in identifiers:
        flag = f"_numeric_{name}"
        staged[flag] = pa.array([bool(r.get(flag, False)) for r in rows], pa.bool_())
    db.register("stage", pa.table(staged))
    try:
        normalize.load_vocabularies(db, "stage", layout)
        typed = normalize.typed_columns(layout, as_of)
        parts = [f'{t.value} AS "{t.name}"' for t in typed]
        parts += [f'{t.code} AS "_code_{t.name}"' for t in typed if t.code]
        parts += [f'{t.repair} AS "_repair_{t.name}"' for t in typed if t.repair]
        source = with_layers("stage", [t.layers for t in typed])
        cursor = db.execute(f"SELECT {', '.join(parts)} FROM {source} ORDER BY _row")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        db.unregister("stage")


def alone(layout: str, column: str) -> Layout:
    """A layout of one column of ``layout``, to normalise that column by itself."""
    return Layout(layout, Bilingual("", ""), (LAYOUT_BY_NAME[layout].column(column),))


def column_of(db, layout: str, column: str, values: list, typed: str | None = None, **kw):
    """(value, reason code) of one column of ``layout`` for each raw value; the column is
    normalised alone (the other columns' SQL, a NIK's above all, is costly to plan)."""
    name = typed or column
    out = normalise(db, alone(layout, column), [{column: v} for v in values], **kw)
    return [(row[name], row.get(f"_code_{name}")) for row in out]


def sql_of(db, expression: str, values: list) -> list:
    """An expression over ``v`` evaluated for each value."""
    return [
        db.execute(f"SELECT {expression} FROM (SELECT ?::VARCHAR AS v)", [x]).fetchall()[0][0]
        for x in values
    ]


# --- dates -------------------------------------------------------------------------------------

# 1 February 2025 in every way it arrives. Excel serial 45689: 1899-12-30 + 45689 days.
FEBRUARY_1 = [
    "01-02-2025",
    "1-2-2025",
    "01/02/2025",
    "2025-02-01",  # ISO, also what the reader makes of a date cell
    "01.02.2025",
    "2025/02/01",
    "2025-02-01 10:30:15",  # what the reader makes of a datetime cell
    "01-02-2025 10:30:00",
    "01/02/2025 10:30:00",
    " 01-02-2025 ",
    "45689",  # a date cell the export wrote as a plain number
    "45689.0",
    "45689.00",
]


@pytest.mark.parametrize("text", FEBRUARY_1)
def test_a_date_is_read_in_every_format_an_office_sends(db, text):
    assert column_of(db, "kematian", "tanggal_meninggal", [text]) == [(date(2025, 2, 1), None)]


def test_an_excel_serial_number_counts_days_from_30_december_1899(db):
    # 45000 days after 1899-12-30 is 15 March 2023 (as Excel shows serial 45000); serial 61 is
    # 1 March 1900, the first day after Excel's phantom 29 February 1900.
    assert column_of(db, "kematian", "tanggal_meninggal", ["45000", "45000.0", "61"]) == [
        (date(2023, 3, 15), None),
        (date(2023, 3, 15), None),
        (date(1900, 3, 1), None),
    ]


def test_a_slashed_date_is_day_first_as_in_indonesia(db):
    assert column_of(db, "kematian", "tanggal_meninggal", ["12/01/2025", "01/13/2025"]) == [
        (date(2025, 1, 12), None),
        (None, "tanggal_tidak_dikenal"),  # month 13: an American date is not guessed
    ]


@pytest.mark.parametrize(
    "text",
    ["30-02-2025", "31/04/2025", "kemarin", "2025-13-01", "45000.5", "100000", "1 Feb 2025"],
)
def test_a_date_that_is_no_real_date_in_an_accepted_format_is_not_recognised(db, text):
    # 45000.5 is half a day (a time), 100000 has six digits: neither is a serial date.
    assert column_of(db, "kematian", "tanggal_meninggal", [text]) == [
        (None, "tanggal_tidak_dikenal")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "31-12-1899",
        "1",  # serial 1 = 31 December 1899
        "01-07-2025",  # the day after the data date
        "01-02-25",  # a two-digit year is year 25, never guessed as 1925 or 2025
        "99999",  # serial 99999 = 2173-10-14
    ],
)
def test_a_date_before_1900_or_after_the_data_date_is_out_of_range(db, text):
    assert column_of(db, "kematian", "tanggal_meninggal", [text]) == [
        (None, "tanggal_di_luar_jangkauan")
    ]


def test_the_first_day_of_1900_and_the_data_date_itself_are_in_range(db):
    assert column_of(db, "kematian", "tanggal_meninggal", ["01-01-1900", "30-06-2025"]) == [
        (date(1900, 1, 1), None),
        (date(2025, 6, 30), None),
    ]


def test_the_upper_limit_is_the_data_date_given_not_today(db):
    later = date(2025, 7, 31)
    assert column_of(db, "kematian", "tanggal_meninggal", ["01-07-2025"], as_of=later) == [
        (date(2025, 7, 1), None)
    ]


def test_an_empty_date_cell_is_null_without_a_reason(db):
    assert column_of(db, "kematian", "tanggal_meninggal", ["", "   ", None]) == [(None, None)] * 3


# --- whole numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["5", "05", " 5 ", "5.0", "5.00", "+5", "Desil 5", "DESIL 05", "desil5", " Desil 5"]
)
def test_a_desil_is_read_with_or_without_its_word_and_excels_decimal(db, text):
    assert column_of(db, "dtsen", "desil", [text]) == [(5, None)]


@pytest.mark.parametrize(
    ("text", "kelas"),
    [("KELAS III", 3), ("III", 3), ("Kelas II", 2), ("II", 2), ("Kelas I", 1), ("kelas 2.0", 2)],
)
def test_a_kelas_is_read_in_arabic_or_roman_numerals(db, text, kelas):
    assert column_of(db, "bpjs_peserta", "kelas", [text]) == [(kelas, None)]


@pytest.mark.parametrize("text", ["5.5", "4.5", "1e1", "0x10", "1_0", "lima", "IV", "5,0"])
def test_a_number_that_is_not_written_as_a_whole_number_is_rejected_not_rounded(db, text):
    # DuckDB alone would cast "5.5" to desil 6 and "1e1" to 10.
    assert column_of(db, "dtsen", "desil", [text]) == [(None, "angka_tidak_valid")]


def test_the_desil_range_is_one_to_ten_inclusive(db):
    assert column_of(db, "dtsen", "desil", ["0", "1", "10", "11", "-1"]) == [
        (None, "angka_di_luar_rentang"),
        (1, None),
        (10, None),
        (None, "angka_di_luar_rentang"),
        (None, "angka_di_luar_rentang"),
    ]


def test_the_kelas_range_is_one_to_three(db):
    assert column_of(db, "bpjs_peserta", "kelas", ["KELAS 4", "0", "3"]) == [
        (None, "angka_di_luar_rentang"),
        (None, "angka_di_luar_rentang"),
        (3, None),
    ]


def test_an_empty_number_cell_is_null_without_a_reason(db):
    assert column_of(db, "dtsen", "desil", ["", " ", None]) == [(None, None)] * 3


# --- rupiah ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rupiah"),
    [
        ("42000", 42_000),
        ("42.000", 42_000),
        ("Rp 42.000,-", 42_000),
        ("Rp. 42.000", 42_000),
        ("RP42000", 42_000),
        ("rp 42 000", 42_000),
        ("42.000,00", 42_000),
        ("42000,00", 42_000),
        ("42000.0", 42_000),  # an Excel number cell
        ("42.000,-", 42_000),
        ("Rp 1.088.451.000", 1_088_451_000),
        ("0", 0),
    ],
)
def test_a_rupiah_amount_is_read_as_integer_rupiah_however_formatted(db, text, rupiah):
    assert column_of(db, "tagihan", "iuran", [text]) == [(rupiah, None)]


@pytest.mark.parametrize(
    "text", ["42.000,50", "42.5", "37800.25", "-42000", "Rp", "4.20.00", "empat puluh ribu"]
)
def test_a_rupiah_amount_with_cents_or_in_no_known_format_is_rejected(db, text):
    assert column_of(db, "tagihan", "iuran", [text]) == [(None, "rupiah_tidak_valid")]


def test_an_empty_rupiah_cell_is_null_without_a_reason(db):
    assert column_of(db, "tagihan", "iuran", ["", " ", None]) == [(None, None)] * 3


@st.composite
def formatted_rupiah(draw) -> tuple[str, int]:
    """An integer amount as an office writes it: grouped with dots or not, Rp in front, ",-"
    or ",00" behind, or as Excel's float."""
    amount = draw(st.integers(0, 10**13))
    grouped = f"{amount:,}".replace(",", ".")
    body = draw(
        st.sampled_from(
            [
                str(amount),
                grouped,
                f"{grouped},-",
                f"{grouped},00",
                f"{amount},00",
                f"{amount}.0",
            ]
        )
    )
    prefix = draw(st.sampled_from(["", "Rp", "Rp ", "Rp. ", "RP.", "rp "]))
    pad = draw(st.sampled_from(["", " "]))
    return f"{pad}{prefix}{body}{pad}", amount


@settings(max_examples=40, deadline=None)
@given(st.lists(formatted_rupiah(), min_size=1, max_size=25))
def test_any_formatted_integer_amount_is_read_back_exactly(db, cases):
    texts = [text for text, _ in cases]
    assert column_of(db, "tagihan", "iuran", texts) == [(amount, None) for _, amount in cases]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 99)), min_size=1, max_size=25))
def test_any_amount_with_cents_is_rejected(db, cases):
    # "Rp 1.234,05": whatever the cents, a Rupiah amount is whole.
    texts = [f"Rp {amount:,}".replace(",", ".") + f",{cents:02d}" for amount, cents in cases]
    assert column_of(db, "tagihan", "iuran", texts) == [(None, "rupiah_tidak_valid")] * len(cases)


# --- text and names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Budi   Santoso ", "Budi Santoso"),
        ("Budi\tSantoso", "Budi Santoso"),
        ("Budi\nSantoso", "Budi Santoso"),
        ("Budi\r\nSantoso", "Budi Santoso"),
        ("Budi\x0cSantoso", "Budi Santoso"),
        ("\tBudi", "Budi"),
        (" Budi ", "Budi"),
        ("Ma\u2019ruf Jos\u00e9", "Ma\u2019ruf Jos\u00e9"),
        # A no-break space is trimmed at the ends but left as it is between words: only
        # ASCII white space is collapsed.
        ("\u00a0Budi\u00a0", "Budi"),
        ("Budi\u00a0Santoso", "Budi\u00a0Santoso"),
        ("   ", None),
        ("", None),
        (None, None),
    ],
)
def test_text_is_trimmed_with_runs_of_white_space_as_one_space(db, raw, clean):
    assert sql_of(db, normalize.text_sql("v"), [raw]) == [clean]


def test_a_text_column_is_cleaned_and_a_name_column_also_upper_cased(db):
    rows = normalise(db, "kematian", [{"nama": "  siti\taisyah ", "sumber": "  rsud  dr. murjani"}])
    assert (rows[0]["nama"], rows[0]["sumber"]) == ("SITI AISYAH", "rsud dr. murjani")


def test_a_name_keeps_its_accents_and_apostrophes_when_upper_cased(db):
    rows = normalise(db, "kematian", [{"nama": "ma\u2019ruf jos\u00e9"}])
    assert rows[0]["nama"] == "MA\u2019RUF JOS\u00c9"


def test_the_vocabulary_key_keeps_upper_case_letters_and_digits_only(db):
    assert sql_of(db, normalize.key_sql("v"), ["Laki-laki", " pbi (apbn) ", "00000021", None]) == [
        "LAKILAKI",
        "PBIAPBN",
        "00000021",
        "",
    ]


# --- desa codes --------------------------------------------------------------------------------


def test_a_desa_code_is_known_with_or_without_kemendagri_dots(db):
    # 62.02.01.1009 Kota Besi Hulu (Kotawaringin Timur); 31.71.01.1001 Gambir (Jakarta Pusat):
    # a resident's desa may lie outside the kabupaten.
    values = ["6202011009", "62.02.01.1009", " 62.02.01.1009 ", "3171011001"]
    assert column_of(db, "dkb", "kode_desa", values) == [
        ("6202011009", None),
        ("6202011009", None),
        ("6202011009", None),
        ("3171011001", None),
    ]


@pytest.mark.parametrize("text", ["6202019999", "620201100", "62020110091", "Kota Besi"])
def test_a_desa_code_not_in_kepmendagri_2025_is_rejected(db, text):
    assert column_of(db, "dkb", "kode_desa", [text]) == [(None, "kode_desa_tidak_dikenal")]


def test_an_empty_desa_cell_or_a_missing_desa_column_is_null_without_a_reason(db):
    # A list of village officials may come without a KODE DESA column (the reader stages it as
    # NULL): every row must not be reported as an unknown code.
    assert column_of(db, "perangkat_desa", "kode_desa", ["", "  ", None]) == [(None, None)] * 3


# --- vocabularies --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("L", "L"),
        ("l", "L"),
        ("Laki-laki", "L"),
        ("LAKI - LAKI", "L"),
        ("LAKI2", "L"),
        ("Pria", "L"),
        ("M", "L"),
        ("1", "L"),
        ("P", "P"),
        ("Perempuan", "P"),
        ("wanita", "P"),
        ("F", "P"),
        ("2", "P"),
    ],
)
def test_sex_is_read_from_every_spelling_in_use(db, text, sex):
    assert column_of(db, "dkb", "jenis_kelamin", [text]) == [(sex, None)]


def test_an_unknown_sex_is_rejected_and_an_empty_one_is_not(db):
    assert column_of(db, "dkb", "jenis_kelamin", ["X", "3", "", None]) == [
        (None, "jenis_kelamin_tidak_dikenal"),
        (None, "jenis_kelamin_tidak_dikenal"),
        (None, None),
        (None, None),
    ]


def test_every_name_and_code_in_the_segment_catalogue_is_mapped_to_its_group(db):
    spellings = [
        (spelling, group.code)
        for group in SEGMENT_GROUPS.values()
        for spelling in (*group.aliases, *group.codes)
    ]
    got = column_of(db, "bpjs_peserta", "segmen", [s for s, _ in spellings], "segmen_kelompok")
    assert got == [(group, None) for _, group in spellings]


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("pbi apbn", "PBI_APBN"),
        ("  PBI  (APBN) ", "PBI_APBN"),
        ("00000021", "PBI_APBN"),  # kodebu with leading zeros
        ("PBI (APBD)", "PBPU_BP_PEMDA"),  # the older name of PBPU-BP Pemda
        ("Pekerja Mandiri", "PBPU_MANDIRI"),
        ("Pegawai Swasta", "PPU_BU"),
    ],
)
def test_a_segment_is_matched_ignoring_case_spacing_punctuation_and_leading_zeros(db, text, group):
    got = column_of(db, "bpjs_peserta", "segmen", [text], "segmen_kelompok")
    assert got == [(group, None)]


@pytest.mark.parametrize("text", ["PBI", "PPU", "TIDAK ADA"])
def test_an_ambiguous_or_unknown_segment_is_rejected(db, text):
    # "PBI" alone may be APBN or the older "PBI (APBD)"; "PPU" alone may be PN or BU.
    got = column_of(db, "bpjs_peserta", "segmen", [text], "segmen_kelompok")
    assert got == [(None, "segmen_tidak_dikenal")]


def test_the_segment_text_is_kept_cleaned_beside_its_group(db):
    rows = normalise(db, "bpjs_peserta", [{"segmen": "  PBI  (APBN) "}])
    assert (rows[0]["segmen"], rows[0]["segmen_kelompok"]) == ("PBI (APBN)", "PBI_APBN")


@pytest.mark.parametrize(
    ("text", "active"),
    [
        ("AKTIF", True),
        ("Aktif", True),
        ("0", True),  # VClaim statusPeserta kode 0 = AKTIF (reference §6.2)
        ("Active", True),
        ("NON AKTIF", False),
        ("Non-Aktif", False),
        ("TIDAK AKTIF", False),
        ("Non Aktif Karena Premi", False),
        ("NON AKTIF - MENINGGAL", False),
        ("NONAKTIF (PBI DINONAKTIFKAN)", False),
        ("inactive", False),
    ],
)
def test_a_membership_status_is_read_as_active_or_not(db, text, active):
    assert column_of(db, "bpjs_peserta", "status_peserta", [text], "aktif") == [(active, None)]


def test_an_unknown_status_is_rejected_and_its_text_kept(db):
    rows = normalise(db, "bpjs_peserta", [{"status_peserta": " DIBEKUKAN "}, {}])
    assert [(r["status_peserta"], r["aktif"], r["_code_aktif"]) for r in rows] == [
        ("DIBEKUKAN", None, "status_tidak_dikenal"),
        (None, None, None),
    ]


def test_the_vocabulary_table_maps_each_distinct_key_once(db):
    staged = pa.table({"jenis_kelamin": ["L", "l", "Laki-laki", "P", "X", None] * 50})
    db.register("stage_sex", staged)
    try:
        normalize.load_vocabularies(db, "stage_sex", alone("dkb", "jenis_kelamin"))
        table = db.execute("SELECT key, target FROM vocab_sex ORDER BY key").fetchall()
    finally:
        db.unregister("stage_sex")
    # Unknown keys (X, and the empty key of NULL) are left out: their lookup is NULL.
    assert table == [("L", "L"), ("LAKILAKI", "L"), ("P", "P")]


# --- identifiers through the normaliser ----------------------------------------------------------


def test_a_valid_nik_gives_its_sex_and_birth_date_from_its_digits(db):
    # 6202 01 410590 0017: day 41 = 1 + 40, so a woman born 1 May 1990.
    rows = normalise(db, "dkb", [{"nik": "6202014105900017"}])
    assert {
        k: rows[0][k] for k in ("nik", "nik_asli", "nik_jenis_kelamin", "nik_tanggal_lahir")
    } == {
        "nik": "6202014105900017",
        "nik_asli": "6202014105900017",
        "nik_jenis_kelamin": "P",
        "nik_tanggal_lahir": date(1990, 5, 1),
    }


def test_a_repaired_identifier_keeps_the_cell_as_written_beside_the_repair(db):
    rows = normalise(
        db, "bpjs_peserta", [{"no_kartu": "'0001 2386 8164 3", "nik": "6202014105900017.0"}]
    )
    assert cells_of(rows[0], "no_kartu", "no_kartu_asli", "_repair_no_kartu", "_code_no_kartu") == (
        "0001238681643",
        "'0001 2386 8164 3",
        "apostrof",  # the first repair is the one reported
        None,
    )
    assert cells_of(rows[0], "nik", "nik_asli", "_repair_nik") == (
        "6202014105900017",
        "6202014105900017.0",
        "akhiran_desimal",
    )


def test_an_empty_identifier_is_neither_rejected_nor_repaired(db):
    rows = normalise(db, "dtsen", [{"nik": ""}, {"nik": "   "}, {}])
    assert [cells_of(r, "nik", "nik_asli", "_code_nik", "_repair_nik") for r in rows] == [
        (None, None, None, None)
    ] * 3


def test_the_same_digits_are_valid_as_text_but_held_from_a_number_cell_ending_in_zero(db):
    # Excel keeps 15 significant digits: a 16th digit 0 from a number cell may be rounded.
    rows = normalise(
        db,
        "dtsen",
        [{"nik": "6202010105900010"}, {"nik": "6202010105900010", "_numeric_nik": True}],
    )
    assert [cells_of(r, "nik", "nik_asli", "_code_nik") for r in rows] == [
        ("6202010105900010", "6202010105900010", None),
        (None, "6202010105900010", "nik_digit_akhir_dibulatkan"),
    ]


def cells_of(row: dict, *names: str) -> tuple:
    return tuple(row[name] for name in names)


# --- the typed columns a layout gives ------------------------------------------------------------


def test_a_layouts_typed_columns_add_the_identifier_extras_in_order():
    typed = normalize.typed_columns(LAYOUT_BY_NAME["dtsen"], AS_OF)
    assert [(t.name, t.sql_type, t.raw) for t in typed] == [
        ("nik", "VARCHAR", "nik"),
        ("nik_asli", "VARCHAR", "nik_asli"),
        ("nik_jenis_kelamin", "VARCHAR", "nik_jenis_kelamin"),
        ("nik_tanggal_lahir", "DATE", "nik_tanggal_lahir"),
        ("no_kk", "VARCHAR", "no_kk"),
        ("no_kk_asli", "VARCHAR", "no_kk_asli"),
        ("nama", "VARCHAR", "nama"),
        ("desil", "INTEGER", "desil"),
        ("tanggal_data", "DATE", "tanggal_data"),
    ]


def test_segment_and_status_add_a_group_and_an_active_flag_read_from_their_own_column():
    typed = {t.name: t for t in normalize.typed_columns(LAYOUT_BY_NAME["bpjs_peserta"], AS_OF)}
    assert [(n, typed[n].sql_type, typed[n].raw) for n in ("segmen_kelompok", "aktif")] == [
        ("segmen_kelompok", "VARCHAR", "segmen"),
        ("aktif", "BOOLEAN", "status_peserta"),
    ]
    assert typed["kelas"].sql_type == "INTEGER"


def test_an_invoice_amount_is_a_bigint_of_rupiah():
    typed = {t.name: t for t in normalize.typed_columns(LAYOUT_BY_NAME["tagihan"], AS_OF)}
    assert (typed["iuran"].sql_type, typed["iuran"].code is not None) == ("BIGINT", True)


def test_every_column_kind_has_a_normaliser_and_an_unknown_kind_is_an_error():
    for kind in KINDS:
        assert normalize._typed(Column("x", kind, ("X",)), AS_OF), kind
    with pytest.raises(ValueError, match="unknown column kind sepatu"):
        normalize._typed(Column("x", "sepatu", ("X",)), AS_OF)


# --- every reason, reached and explained in both languages ---------------------------------------

EARLY = date(1985, 1, 1)  # a NIK born in 1990 (or 2090) is born after this data date

# (code, layout, column, raw cell, numeric cell, data date, phrase in Bahasa, phrase in English)
# fmt: off
VALUE_REASONS = [
    ("tanggal_tidak_dikenal", "kematian", "tanggal_meninggal", "30-02-2025", False, AS_OF,
     "Tanggal tidak dikenali", "Date not recognised"),
    ("tanggal_di_luar_jangkauan", "kematian", "tanggal_meninggal", "01-07-2025", False, AS_OF,
     "sesudah tanggal data", "after the data's date"),
    ("angka_tidak_valid", "dtsen", "desil", "lima", False, AS_OF,
     "Bukan bilangan bulat", "Not a whole number"),
    ("angka_di_luar_rentang", "dtsen", "desil", "11", False, AS_OF,
     "Angka di luar rentang", "Number outside"),
    ("rupiah_tidak_valid", "tagihan", "iuran", "42.000,50", False, AS_OF,
     "memuat sen", "has cents"),
    ("jenis_kelamin_tidak_dikenal", "dkb", "jenis_kelamin", "X", False, AS_OF,
     "Jenis kelamin tidak dikenali (L/P)", "Sex not recognised (L/P)"),
    ("kode_desa_tidak_dikenal", "dkb", "kode_desa", "6202019999", False, AS_OF,
     "tidak ada dalam Kepmendagri 2025", "not in Kepmendagri 2025"),
    ("segmen_tidak_dikenal", "bpjs_peserta", "segmen", "PBI", False, AS_OF,
     "katalog segmen", "segment catalogue"),
    ("status_tidak_dikenal", "bpjs_peserta", "status_peserta", "DIBEKUKAN", False, AS_OF,
     "AKTIF / NON AKTIF", "AKTIF / NON AKTIF"),
    # repairs
    ("apostrof", "dkb", "nik", "'6202010105900017", False, AS_OF,
     "apostrof di depan dihapus", "leading apostrophe removed"),
    ("pemisah", "dkb", "nik", "6202 0101 0590 0017", False, AS_OF,
     "pemisah", "separators removed"),
    ("akhiran_desimal", "dkb", "no_kk", "6202011503150004.0", False, AS_OF,
     "akhiran desimal (.0)", "decimal suffix (.0)"),
    ("notasi_ilmiah", "bpjs_peserta", "no_kartu", "1.238681643E+9", False, AS_OF,
     "notasi ilmiah ditulis ulang", "scientific notation expanded"),
    ("angka_excel", "dkb", "nik", "6202010105900017", True, AS_OF,
     "dibaca dari sel angka", "read from a numeric cell"),
    ("nol_di_depan", "bpjs_peserta", "no_kartu", "1238681643", True, AS_OF,
     "nol di depan", "leading zeros restored"),
    # NIK
    ("nik_kosong", "dkb", "nik", "'", False, AS_OF,
     "NIK kosong", "NIK is empty"),
    ("nik_notasi_ilmiah", "dkb", "nik", "3.20201E+15", False, AS_OF,
     "notasi ilmiah Excel; digit hilang", "scientific notation; digits lost"),
    ("nik_bukan_angka", "dkb", "nik", "62020101059OOO17", False, AS_OF,
     "karakter selain angka", "non-digit characters"),
    ("nik_panjang_salah", "dkb", "nik", "620201010590001", False, AS_OF,
     "Jumlah digit NIK salah", "wrong number of digits"),
    ("nik_digit_akhir_dibulatkan", "dkb", "nik", "6202010105900010", True, AS_OF,
     "digit terakhir mungkin dibulatkan", "last digit may be rounded"),
    ("nik_kode_wilayah_tidak_dikenal", "dkb", "nik", "6299010105900017", False, AS_OF,
     "Kode wilayah NIK tidak dikenal", "Unknown region code in NIK"),
    ("nik_tanggal_lahir_tidak_valid", "dkb", "nik", "6202013205900017", False, AS_OF,
     "Tanggal lahir dalam NIK tidak valid", "Invalid birth date in NIK"),
    ("nik_tanggal_lahir_di_masa_depan", "dkb", "nik", "6202010105900017", False, EARLY,
     "di masa depan", "in the future"),
    ("nik_nomor_urut_0000", "dkb", "nik", "6202010105900000", False, AS_OF,
     "Nomor urut NIK 0000", "NIK serial 0000"),
    # KK
    ("kk_kosong", "dkb", "no_kk", "'", False, AS_OF,
     "Nomor KK kosong", "KK number is empty"),
    ("kk_notasi_ilmiah", "dkb", "no_kk", "6.20201E+15", False, AS_OF,
     "notasi ilmiah", "scientific notation"),
    ("kk_bukan_angka", "dkb", "no_kk", "6202O11503150004", False, AS_OF,
     "karakter selain angka", "non-digit characters"),
    ("kk_panjang_salah", "dkb", "no_kk", "620201150315000", False, AS_OF,
     "Jumlah digit Nomor KK salah", "KK number has the wrong number of digits"),
    ("kk_digit_akhir_dibulatkan", "dkb", "no_kk", "6202011503150010", True, AS_OF,
     "digit terakhir mungkin dibulatkan", "last digit may be rounded"),
    ("kk_kode_wilayah_tidak_dikenal", "dkb", "no_kk", "6299011503150004", False, AS_OF,
     "Kode wilayah Nomor KK tidak dikenal", "Unknown region code in KK number"),
    ("kk_tanggal_tidak_valid", "dkb", "no_kk", "6202014103150004", False, AS_OF,
     "Tanggal pencatatan dalam Nomor KK tidak valid", "Invalid recording date in KK number"),
    ("kk_nomor_urut_0000", "dkb", "no_kk", "6202011503150000", False, AS_OF,
     "Nomor urut Nomor KK 0000", "KK number serial 0000"),
    # BPJS card number
    ("noka_kosong", "bpjs_peserta", "no_kartu", "'", False, AS_OF,
     "Noka BPJS kosong", "BPJS card number is empty"),
    ("noka_notasi_ilmiah", "bpjs_peserta", "no_kartu", "1.23868E+9", False, AS_OF,
     "notasi ilmiah", "scientific notation"),
    ("noka_bukan_angka", "bpjs_peserta", "no_kartu", "BPJS0001238681643", False, AS_OF,
     "karakter selain angka", "non-digit characters"),
    ("noka_panjang_salah", "bpjs_peserta", "no_kartu", "00012386816431", False, AS_OF,
     "Jumlah digit Noka BPJS salah", "BPJS card number has the wrong number of digits"),
]
# fmt: on
# Where a column's reason lands when the typed column has another name.
TYPED_NAME = {"segmen": "segmen_kelompok", "status_peserta": "aktif"}
ROW_REASONS = {"baris_kosong", "baris_judul_berulang", "baris_tanpa_identitas"}
REPAIRS = {"apostrof", "pemisah", "akhiran_desimal", "notasi_ilmiah", "angka_excel", "nol_di_depan"}


@pytest.mark.parametrize(
    ("code", "layout", "column", "raw", "numeric", "as_of", "phrase_id", "phrase_en"),
    VALUE_REASONS,
    ids=[case[0] for case in VALUE_REASONS],
)
def test_each_value_reason_is_reached_and_explained_in_both_languages(
    db, code, layout, column, raw, numeric, as_of, phrase_id, phrase_en
):
    cell = {column: raw, f"_numeric_{column}": numeric}
    row = normalise(db, alone(layout, column), [cell], as_of=as_of)[0]
    name = TYPED_NAME.get(column, column)
    expected = (None, code) if code in REPAIRS else (code, None)
    assert (row.get(f"_code_{name}"), row.get(f"_repair_{name}")) == expected
    text = normalize.REASONS[code]
    assert phrase_id in text.id and phrase_en in text.en
    assert text.id != text.en


def test_every_reason_code_is_reached_by_a_case_here():
    assert {case[0] for case in VALUE_REASONS} | ROW_REASONS == set(normalize.REASONS)


def test_row_reasons_and_a_filled_in_range_reach_the_quarantine_in_both_languages(
    tmp_path, workspace
):
    # Line 3 is empty, line 4 repeats the header, line 5 has neither a usable NIK nor a KK,
    # line 6 is kept with its desil 11 held (DTSEN desil runs 1-10).
    write(
        tmp_path / "in" / "dtsen.csv",
        "NIK;NO KK;DESIL\n6202011608930001;;3\n;;\nNIK;NO KK;DESIL\n3.20201E+15;;4\n"
        "6202016112980001;;11\n",
    )
    ingest(tmp_path / "in", "2025-06", workspace)
    con = workspace.connect(read_only=True)
    try:
        found = con.execute(
            "SELECT row_number, column_name, reason_code, reason_id, reason_en FROM quarantine "
            "ORDER BY row_number"
        ).fetchall()
    finally:
        con.close()
    assert found == [
        (3, None, "baris_kosong", "Baris kosong", "Empty row"),
        (4, None, "baris_judul_berulang", "Baris judul kolom yang berulang", "Repeated header row"),
        (
            5,
            None,
            "baris_tanpa_identitas",
            "Baris tanpa identitas yang dapat dipakai (nik / no_kk kosong atau tidak valid)",
            "Row without a usable identity (nik / no_kk empty or invalid)",
        ),
        (6, "desil", "angka_di_luar_rentang", "Angka di luar rentang 1–10", "Number outside 1–10"),
    ]
