"""Linkage (pipeline/link.py, pipeline/splink_model.py): records of every source, the name key,
the certain NIK digits, the exact pass and its doubts, the probabilistic pass and its review list,
the person table, and the scorer of synth/evaluate.py.

One hand-written kabupaten (62.02, June 2025) is ingested and linked once for the module; each
row is written with the person it really is, so every expected outcome can be read off the rows.
"""

from __future__ import annotations

import string
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import query, write
from semesta.pipeline import link as linkage
from semesta.pipeline.anomalies import reconcile
from semesta.pipeline.ingest import ingest
from semesta.pipeline.splink_model import exact_name_min, thresholds
from semesta.pipeline.workspace import Workspace
from semesta.synth.evaluate import Score, score

PERIOD = "2025-06"
DESA, DESA_2 = "6202062005", "6202061001"  # Pelangsian, Mentawa Baru Hulu (62.02)
OUTSIDE = "6201011011"  # Candi, Kabupaten Kotawaringin Barat (62.01)

# Residents (NIK: 6202 06 DDMMYY serial; DD + 40 for women).
AGUS = "6202062001750001"  # on every list
RIZKI = "6202061402900003"  # "M. RIZKI" at BPJS; DTSEN row whose NIK Excel destroyed
SITI = "6202064507880002"  # BPJS typed 0020 for 0002
SITI_MISTYPED = "6202064507880020"
BUDI = "6202061709920117"  # BPJS numeric cell: Excel rounded the 16th digit
BUDI_ROUNDED = 6202061709920120
AHMAD = "6202062106790004"  # "ACHMAD FAUZI" at BPJS with a NIK in scientific notation
DEWI = "6202064804950001"  # her NIK on three BPJS rows: hers, a variant, another woman's
RUDI = "6202060305600001"  # MENINGGAL in the DKB, no date
WATI = "6202065008550001"  # dead per the death list
JONI = "6202061212850001"  # PINDAH KELUAR, no date
TONO = "6202061111820001"  # his desa is in Kotawaringin Barat
LINA = "6202064909990001"  # the DKB itself holds her NIK as 6.20206E+15
SLAMET = "6202060707770001"  # an inactive Pemda card and an active PPU BU card
YUSUF = "6202062503860013"  # "YUSUP" on a rounded BPJS NIK; "…0010.0" on the company list
YUSUF_ROUNDED = 6202062503860010
KARTINI = "6202064112700001"  # MATI in the DKB on 1 March 2025
HERU = "6202061604680001"  # moved on 15 June 2025; perangkat desa
# Not in the DKB.
YOHANES = "3578012001750002"  # Surabaya; born the same day as AGUS
WAYAN, DARSITI = "WAYAN", "DARSITI"  # labels only: their rows carry no NIK of their own

DKB_HEADER = (
    "nik;no_kk;nama;jenis_kelamin;tanggal_lahir;kode_desa;status_hidup;"
    "tanggal_meninggal;status_pindah;tanggal_pindah"
)


def kk(n: int) -> str:
    return f"62020601011501{n:02d}"


def card(n: int) -> str:
    return f"0001{n:09d}"


# (true person, cells). Rows are numbered from 2 (the header is row 1).
DKB_ROWS = [
    (AGUS, [AGUS, kk(1), "AGUS SALIM", "L", "1975-01-20", DESA, "HIDUP", "", "", ""]),
    (RIZKI, [RIZKI, kk(2), "MUHAMMAD RIZKI", "L", "1990-02-14", DESA, "HIDUP", "", "", ""]),
    (SITI, [SITI, kk(3), "SITI RAHAYU", "P", "1988-07-05", DESA_2, "HIDUP", "", "", ""]),
    (BUDI, [BUDI, kk(4), "BUDI HARTONO", "L", "1992-09-17", DESA_2, "HIDUP", "", "", ""]),
    (AHMAD, [AHMAD, kk(5), "AHMAD FAUZI", "L", "1979-06-21", DESA, "HIDUP", "", "", ""]),
    (DEWI, [DEWI, kk(6), "DEWI LESTARI", "P", "1995-04-08", DESA, "HIDUP", "", "", ""]),
    (RUDI, [RUDI, kk(7), "RUDI", "L", "1960-05-03", DESA, "MENINGGAL", "", "", ""]),
    (WATI, [WATI, kk(8), "WATI", "P", "1955-08-10", DESA, "HIDUP", "", "", ""]),
    (JONI, [JONI, kk(9), "JONI", "L", "1985-12-12", DESA, "HIDUP", "", "PINDAH KELUAR", ""]),
    (TONO, [TONO, kk(10), "TONO", "L", "1982-11-11", OUTSIDE, "HIDUP", "", "", ""]),
    (LINA, ["6.20206E+15", kk(11), "LINA", "P", "1999-09-09", DESA, "HIDUP", "", "", ""]),
    (SLAMET, [SLAMET, kk(12), "SLAMET", "L", "1977-07-07", DESA, "HIDUP", "", "", ""]),
    (YUSUF, [YUSUF, kk(13), "YUSUF EFENDI", "L", "1986-03-25", DESA_2, "HIDUP", "", "", ""]),
    (KARTINI, [KARTINI, kk(14), "KARTINI", "P", "1970-12-01", DESA, "MATI", "2025-03-01", "", ""]),
    (HERU, [HERU, kk(15), "HERU", "L", "1968-04-16", DESA, "HIDUP", "", "PINDAH", "2025-06-15"]),
]
BPJS_HEADER = [
    "no_kartu",
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "segmen",
    "kelas",
    "status_peserta",
    "keterangan_status",
]
ACTIVE = ("3", "AKTIF", "")
INACTIVE = ("3", "NON AKTIF", "NON AKTIF KARENA PREMI")
BPJS_ROWS = [  # an XLSX, so that a NIK can be a number as Excel stores it
    (AGUS, [card(1), AGUS, "AGUS SALIM", "1975-01-20", "L", "PEKERJA MANDIRI", *ACTIVE]),
    (RIZKI, [card(2), RIZKI, "M. RIZKI", "1990-02-14", "L", "PBI JK", *ACTIVE]),
    (SITI, [card(3), SITI_MISTYPED, "SITI RAHAYU", "1988-07-05", "P", "PBI JK", *ACTIVE]),
    (BUDI, [card(4), BUDI_ROUNDED, "BUDI HARTONO", "1992-09-17", "L", "PBPU BP PEMDA", *ACTIVE]),
    (AHMAD, [card(5), "6.202062106E+15", "ACHMAD FAUZI", "1979-06-21", "L", "PBI JK", *ACTIVE]),
    (DEWI, [card(6), DEWI, "DWI LESTARI", "1995-04-08", "P", "PBI JK", *ACTIVE]),
    (DARSITI, [card(7), DEWI, "DARSITI", "1995-04-08", "P", "PBI JK", *ACTIVE]),
    (DEWI, [card(8), DEWI, "", "", "", "PBI JK", *ACTIVE]),
    (YOHANES, [card(9), YOHANES, "YOHANES KRISTIAN", "1975-01-20", "L", "PBPU BP PEMDA", *ACTIVE]),
    (
        WAYAN,
        [card(10), "6.20206E+15", "WAYAN SUDARSANA", "1975-01-20", "L", "PBPU BP PEMDA", *ACTIVE],
    ),
    (SLAMET, [card(11), SLAMET, "SLAMET", "1977-07-07", "L", "PBPU BP PEMDA", *INACTIVE]),
    (SLAMET, [card(12), SLAMET, "SLAMET", "1977-07-07", "L", "PEGAWAI SWASTA", *ACTIVE]),
    (YUSUF, [card(13), YUSUF_ROUNDED, "YUSUP EFENDI", "1986-03-25", "L", "PBI JK", *ACTIVE]),
]
DTSEN_ROWS = [  # AGUS three times: the row of the latest date (the middle one) holds
    (AGUS, f"{AGUS};{kk(1)};AGUS SALIM;4;2024-01-01"),
    (AGUS, f"{AGUS};{kk(1)};AGUS SALIM;6;2025-03-01"),
    (AGUS, f"{AGUS};{kk(1)};AGUS SALIM;5;2024-08-01"),
    (RIZKI, f"6.20206E+15;{kk(2)};MOH. RIZKI;2;2025-03-01"),
]
OTHER_FILES = {  # file: (header, [(true person, line)])
    "kematian.csv": ("nik;nama;tanggal_meninggal;sumber", [(WATI, f"{WATI};WATI;2025-05-10;RS")]),
    "asn.csv": (
        "nip;nik;nama;tanggal_lahir;status_kepegawaian;instansi",
        [(AGUS, f"197501202025211001;{AGUS};AGUS SALIM;1975-01-20;PPPK;DINAS KESEHATAN")],
    ),
    "perangkat.csv": (
        "nik;nama;jabatan;kode_desa;nama_desa",
        [
            (AGUS, f"{AGUS};AGUS SALIM;SEKRETARIS DESA;{DESA};PELANGSIAN"),
            (HERU, f"{HERU};HERU;KEPALA DUSUN;{DESA};PELANGSIAN"),
        ],
    ),
    "pekerja.csv": (
        "nik;nama;tanggal_lahir;pemberi_kerja;tanggal_masuk",
        [
            (AGUS, f"{AGUS};AGUS SALIM;1975-01-20;PT SAWIT JAYA;2020-01-01"),
            (YUSUF, "6202062503860010.0;YUSUF EFENDI;1986-03-25;PT KARET;2021-01-01"),
        ],
    ),
    "tagihan.csv": (
        "no_kartu;nik;nama;kelas;iuran;bulan_tagihan",
        [(BUDI, f"{card(4)};{BUDI};BUDI HARTONO;3;42000;2025-06")],
    ),
}


def write_kabupaten(exports: Path) -> None:
    write(exports / "dkb.csv", "\n".join([DKB_HEADER] + [";".join(r) for _, r in DKB_ROWS]))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(BPJS_HEADER)
    for _, cells in BPJS_ROWS:
        sheet.append(cells)
    book.save(exports / "bpjs.xlsx")
    write(
        exports / "dtsen.csv",
        "\n".join(["nik;no_kk;nama;desil;tanggal_data"] + [line for _, line in DTSEN_ROWS]),
    )
    for name, (header, rows) in OTHER_FILES.items():
        write(exports / name, "\n".join([header] + [line for _, line in rows]))


def truth_rows() -> list[tuple[str, str, int, str]]:
    """(file, sheet, row number, true person) of every row written above."""
    files = [
        ("dkb.csv", "", DKB_ROWS),
        ("bpjs.xlsx", "Sheet", BPJS_ROWS),
        ("dtsen.csv", "", DTSEN_ROWS),
        *((name, "", rows) for name, (_, rows) in OTHER_FILES.items()),
    ]
    return [
        (name, sheet_name, number, who)
        for name, sheet_name, rows in files
        for number, (who, _) in enumerate(rows, start=2)
    ]


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> Workspace:
    folder = tmp_path_factory.mktemp("pemadanan")
    write_kabupaten(folder / "ekspor")
    workspace = Workspace(folder / "ws")
    totals = ingest(folder / "ekspor", PERIOD, workspace).as_dict()["totals"]
    assert (totals["files_ingested"], totals["rows_quarantined"]) == (8, 0)
    reconcile(workspace, PERIOD)
    return workspace


def identity(workspace: Workspace, layout: str, row: int) -> tuple:
    (found,) = query(
        workspace,
        "SELECT person_id, link_method, match_probability FROM identity "
        "WHERE period = ? AND layout = ? AND row_number = ?",
        [PERIOD, layout, row],
    )
    return found


@pytest.fixture(scope="module")
def records(linked) -> dict[tuple[str, int], tuple]:
    """Every record of the period as the linkage builds it: (layout, row) → (nik, nik_stem,
    nama, no_kk, tanggal_lahir, jenis_kelamin, kode_desa, no_kartu)."""
    db = linked.connect(read_only=True)
    try:
        linkage.prepare_residue(db, PERIOD)
        rows = db.execute(
            "SELECT layout, row_number, nik, nik_stem, nama, no_kk, tanggal_lahir, "
            "jenis_kelamin, kode_desa, no_kartu FROM record"
        ).fetchall()
    finally:
        db.close()
    return {(layout, row): tuple(rest) for layout, row, *rest in rows}


# --- records ---------------------------------------------------------------------------------


def test_every_ingested_row_of_every_source_becomes_one_record_and_one_identity(linked, records):
    expected = {
        "dkb": 15,
        "bpjs_peserta": 13,
        "dtsen": 4,
        "kematian": 1,
        "pegawai_asn": 1,
        "perangkat_desa": 2,
        "pekerja_badan_usaha": 2,
        "tagihan": 1,
    }
    assert set(linkage.RECORD_LAYOUTS) == set(expected)
    by_layout = {layout: 0 for layout in expected}
    for layout, _ in records:
        by_layout[layout] += 1
    assert by_layout == expected
    identities = query(
        linked,
        "SELECT layout, count(*), count(DISTINCT row_number) FROM identity WHERE period = ? "
        "GROUP BY layout",
        [PERIOD],
    )
    assert {layout: (n, n) for layout, n in expected.items()} == {
        layout: (n, distinct) for layout, n, distinct in identities
    }


@pytest.mark.parametrize(
    ("layout", "row", "record"),
    [
        # The DKB: its own KK and desa; birth date and sex from its columns.
        ("dkb", 2, (AGUS, "620206200175", "AGUS SALIM", kk(1), date(1975, 1, 20), "L", DESA, None)),
        # BPJS: the card number, no KK, no desa; "M." written out.
        (
            "bpjs_peserta",
            3,
            (RIZKI, "620206140290", "MUHAMMAD RIZKI", None, date(1990, 2, 14), "L", None, card(2)),
        ),
        # A BPJS row without name, birth date or sex: the last two read from the NIK.
        (
            "bpjs_peserta",
            9,
            (DEWI, "620206480495", None, None, date(1995, 4, 8), "P", None, card(8)),
        ),
        # DTSEN: the KK, birth date and sex from the NIK.
        (
            "dtsen",
            2,
            (AGUS, "620206200175", "AGUS SALIM", kk(1), date(1975, 1, 20), "L", None, None),
        ),
        # Deaths: birth date and sex from the NIK (the list has neither).
        ("kematian", 2, (WATI, "620206500855", "WATI", None, date(1955, 8, 10), "P", None, None)),
        (
            "pegawai_asn",
            2,
            (AGUS, "620206200175", "AGUS SALIM", None, date(1975, 1, 20), "L", None, None),
        ),
        # Perangkat desa: the desa of the office.
        (
            "perangkat_desa",
            3,
            (HERU, "620206160468", "HERU", None, date(1968, 4, 16), "L", DESA, None),
        ),
        # A company list row whose NIK Excel rounded and printed as a decimal: no NIK, no sex,
        # but its 12 certain digits and the birth date column.
        (
            "pekerja_badan_usaha",
            3,
            (None, "620206250386", "YUSUF EFENDI", None, date(1986, 3, 25), None, None, None),
        ),
        # The invoice: the card number.
        (
            "tagihan",
            2,
            (BUDI, "620206170992", "BUDI HARTONO", None, date(1992, 9, 17), "L", None, card(4)),
        ),
    ],
)
def test_each_source_row_becomes_a_record_of_one_shape(records, layout, row, record):
    assert records[(layout, row)] == record


def test_a_dtsen_row_whose_nik_excel_destroyed_still_becomes_a_record_with_its_kk(records):
    # "6.20206E+15": ten digits lost, so no NIK, no birth date, no sex; the KK and the name stay.
    assert records[("dtsen", 5)] == (
        None,
        "620206",
        "MUHAMMAD RIZKI",
        kk(2),
        None,
        None,
        None,
        None,
    )


# --- the name key ----------------------------------------------------------------------------

_KEY = duckdb.connect()


def name_key(name: str | None) -> str | None:
    sql = f"SELECT {linkage._name_key('nama')} FROM (SELECT CAST(? AS VARCHAR) AS nama)"
    return _KEY.execute(sql, [name]).fetchall()[0][0]


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("M. KUSUMA", "MUHAMMAD KUSUMA"),
        ("M.RIZKI", "MUHAMMAD RIZKI"),
        ("MOH. RIZKI", "MUHAMMAD RIZKI"),
        ("moh rizki", "MUHAMMAD RIZKI"),
        ("MOCH. HASAN", "MUHAMMAD HASAN"),
        ("MOCHAMMAD HASAN", "MUHAMMAD HASAN"),
        ("Muh Hasan", "MUHAMMAD HASAN"),
        ("MUHAMAD HASAN", "MUHAMMAD HASAN"),
        ("MOHAMMAD HASAN", "MUHAMMAD HASAN"),
        ("MHD HASAN", "MUHAMMAD HASAN"),
        ("MOHD. HASAN", "MUHAMMAD HASAN"),
        ("RIZKI MOH", "RIZKI MUHAMMAD"),
        ("ABD. RAHMAN", "ABDUL RAHMAN"),
        ("ABD.RAHMAN", "ABDUL RAHMAN"),
        ("abd rahman", "ABDUL RAHMAN"),
        ("  siti   aminah ", "SITI AMINAH"),
        ("SITI\tAMINAH", "SITI AMINAH"),
        ("SITI\nAMINAH", "SITI AMINAH"),
        ("AHMAD, S.PD", "AHMAD S PD"),
        # Not abbreviations: a name containing the letters, an initial at the end.
        ("MAMAN", "MAMAN"),
        ("MOHAN", "MOHAN"),
        ("ABDULLAH", "ABDULLAH"),
        ("AMIR M.", "AMIR M"),
        ("MUHAMMAD RIZKI", "MUHAMMAD RIZKI"),
        # Nothing left: no name.
        ("", None),
        ("  ", None),
        (". ,", None),
        (None, None),
    ],
)
def test_the_name_key_writes_out_abbreviations_and_ignores_case_spacing_and_dots(written, key):
    assert name_key(written) == key


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_the_name_key_of_a_name_key_is_itself(name):
    key = name_key(name)
    assert key is None or name_key(key) == key


WORDS = st.lists(
    st.text(string.ascii_letters + ".", min_size=1, max_size=8), min_size=1, max_size=4
)


@settings(max_examples=100, deadline=None)
@given(WORDS, st.lists(st.sampled_from([" ", "  ", "\t", " \t "]), min_size=4, max_size=4))
def test_the_name_key_ignores_case_and_the_spaces_between_words(words, gaps):
    spaced = gaps[0] + "".join(w.swapcase() + gaps[i % 3 + 1] for i, w in enumerate(words))
    assert name_key(spaced) == name_key(" ".join(words))


# --- the certain leading digits of a NIK -----------------------------------------------------


def nik_stem(nik: str | None, nik_asli: str | None) -> str | None:
    common = linkage._COMMON.format(_NAME_KEY="NULL")
    sql = (
        f"SELECT nik_stem FROM (SELECT {common} FROM (SELECT CAST(? AS VARCHAR) AS nik, "
        f"CAST(? AS VARCHAR) AS nik_asli))"
    )
    return _KEY.execute(sql, [nik, nik_asli]).fetchall()[0][0]


@pytest.mark.parametrize(
    ("nik", "nik_asli", "stem"),
    [
        # A NIK that was read: region, kecamatan and birth date.
        (AGUS, AGUS, "620206200175"),
        (AGUS, "6202 0620 0175 0001", "620206200175"),
        # Excel kept 15 significant digits of a number: the first 12 are certain.
        (None, "6202061709920120", "620206170992"),
        (None, " 6202061709920120 ", "620206170992"),
        (None, "6202061709920120.0", "620206170992"),
        (None, "6202061709920120,00", "620206170992"),
        # Scientific notation: the mantissa's digits.
        (None, "6.20206E+15", "620206"),
        (None, "6,202062106E+15", "6202062106"),
        (None, "6.2020620175e15", "62020620175"),
        # Nothing certain.
        (None, "6.20206E+14", None),
        (None, "6202060101800", None),
        (None, "62020617099201201", None),
        (None, "TIDAK ADA", None),
        (None, None, None),
    ],
)
def test_the_nik_stem_keeps_only_the_digits_excel_cannot_have_changed(nik, nik_asli, stem):
    assert nik_stem(nik, nik_asli) == stem


# --- the exact pass --------------------------------------------------------------------------


def jaro_winkler(a: str, b: str) -> float:
    return _KEY.execute("SELECT jaro_winkler_similarity(?, ?)", [a, b]).fetchall()[0][0]


def test_the_thresholds_file_orders_review_below_auto_and_bounds_the_name_similarity():
    text = resources.files("semesta.data").joinpath("linkage/thresholds.toml").read_text("utf-8")
    data = tomllib.loads(text)
    assert thresholds() == (data["auto"], data["review"])
    assert exact_name_min() == data["exact_name_min"]
    assert 0.5 <= data["review"] < data["auto"] < 1.0 and 0.0 < data["exact_name_min"] < 1.0
    assert data["source"].strip()


def test_a_nik_match_whose_name_is_a_spelling_variant_is_linked_exactly(linked):
    # The premise: the variant is within exact_name_min of the DKB's name (after the name key).
    assert jaro_winkler("DEWI LESTARI", "DWI LESTARI") >= exact_name_min()
    assert identity(linked, "bpjs_peserta", 7) == (DEWI, "nik", 1.0)


def test_a_nik_match_without_a_name_is_linked_exactly(linked):
    assert identity(linked, "bpjs_peserta", 9) == (DEWI, "nik", 1.0)


def test_a_nik_match_whose_names_disagree_is_doubted_and_recorded_in_nik_conflict(linked):
    assert jaro_winkler("DEWI LESTARI", "DARSITI") < exact_name_min()
    assert query(
        linked,
        "SELECT layout, row_number, nik, record_nama, dkb_nama FROM nik_conflict WHERE period = ?",
        [PERIOD],
    ) == [("bpjs_peserta", 8, DEWI, "DARSITI", "DEWI LESTARI")]
    # Splink found no candidate either: she is her own person, keyed by her card.
    assert identity(linked, "bpjs_peserta", 8) == (f"kartu:{card(7)}", "none", None)


def test_a_doubted_nik_is_not_the_strangers_and_adds_nothing_to_the_resident(linked):
    people = {
        person: rest
        for person, *rest in query(
            linked,
            "SELECT person_id, nik, nama, in_dkb, memberships, no_kartu FROM person "
            "WHERE period = ? AND person_id IN (?, ?)",
            [PERIOD, f"kartu:{card(7)}", DEWI],
        )
    }
    assert people == {
        f"kartu:{card(7)}": [None, "DARSITI", False, 1, card(7)],
        DEWI: [DEWI, "DEWI LESTARI", True, 2, card(6)],  # cards 6 and 8, not DARSITI's 7
    }


def test_a_dkb_row_is_never_doubted_by_the_exact_pass(linked):
    rows = query(
        linked,
        "SELECT count(*) FROM nik_conflict WHERE period = ? AND layout = 'dkb'",
        [PERIOD],
    )
    dkb = query(
        linked,
        "SELECT count(*) FILTER (link_method = 'nik'), count(*) FROM identity "
        "WHERE period = ? AND layout = 'dkb'",
        [PERIOD],
    )
    assert rows == [(0,)]
    assert dkb == [(14, 15)]  # every DKB row with a NIK; LINA's was destroyed


# --- the probabilistic pass ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layout", "row", "person"),
    [
        ("bpjs_peserta", 4, SITI),  # 0020 typed for 0002: a serial typo
        ("bpjs_peserta", 5, BUDI),  # a numeric cell: Excel rounded the 16th digit
        ("bpjs_peserta", 14, YUSUF),  # rounded, and "YUSUP" for YUSUF
        ("dtsen", 5, RIZKI),  # 6.20206E+15, the KK and "MOH. RIZKI"
        ("pekerja_badan_usaha", 3, YUSUF),  # rounded and printed as "…0010.0"
    ],
)
def test_the_probabilistic_pass_links_a_damaged_nik_to_the_right_resident(
    linked, layout, row, person
):
    person_id, method, probability = identity(linked, layout, row)
    assert (person_id, method) == (person, "splink")
    assert probability >= thresholds()[0]


def test_a_stranger_with_a_nik_of_another_region_born_the_same_day_stays_unlinked(linked):
    # YOHANES (Surabaya) shares AGUS's birth date and sex: blocked together, never linked.
    assert identity(linked, "bpjs_peserta", 10) == (YOHANES, "none", None)


def test_a_stranger_whose_nik_excel_destroyed_stays_unlinked_under_his_card(linked):
    # WAYAN: 6.20206E+15 (a prefix of AGUS's NIK), AGUS's birth date and sex, another name.
    assert identity(linked, "bpjs_peserta", 11) == (f"kartu:{card(10)}", "none", None)


def test_a_link_between_the_review_and_auto_thresholds_is_listed_side_by_side(linked):
    auto, review = thresholds()
    ((layout, row, candidate, probability, *sides),) = query(
        linked,
        "SELECT layout, row_number, candidate_person_id, match_probability, record_nik, "
        "record_nama, record_tanggal_lahir, candidate_nik, candidate_nama, "
        "candidate_tanggal_lahir, candidate_kode_desa FROM link_review WHERE period = ?",
        [PERIOD],
    )
    assert (layout, row, candidate) == ("bpjs_peserta", 6, AHMAD)
    assert review <= probability < auto
    assert sides == [
        None,
        "ACHMAD FAUZI",
        date(1979, 6, 21),
        AHMAD,
        "AHMAD FAUZI",
        date(1979, 6, 21),
        DESA,
    ]


def test_a_link_under_review_is_never_applied(linked):
    person_id, method, _ = identity(linked, "bpjs_peserta", 6)
    assert (person_id, method) == (f"kartu:{card(5)}", "none")
    # AHMAD keeps no membership: his card waits for a person to decide.
    assert query(
        linked,
        "SELECT registered, memberships FROM person WHERE period = ? AND person_id = ?",
        [PERIOD, AHMAD],
    ) == [(False, 0)]


def test_the_link_report_counts_add_up_and_are_stored_with_the_thresholds(linked):
    (run,) = query(
        linked,
        "SELECT kabupaten, records, exact, residue, splink_linked, review, unlinked, persons, "
        "residents, auto_threshold, review_threshold FROM link_run WHERE period = ?",
        [PERIOD],
    )
    # By hand: 39 rows; 29 exact (14 DKB + 6 BPJS + 3 DTSEN + 1 death + 1 ASN + 2 perangkat +
    # 1 company + 1 invoice); the residue is the other 9 non-DKB records, of which 5 linked,
    # 1 in review and 4 unlinked (ACHMAD, DARSITI, YOHANES, WAYAN); LINA's DKB row is its own.
    # Persons: 15 in the DKB + YOHANES, WAYAN, DARSITI and ACHMAD's card; residents: the 15
    # less RUDI, WATI, KARTINI (dead), JONI, HERU (moved) and TONO (another kabupaten).
    assert run == ("6202", 39, 29, 9, 5, 1, 4, 19, 9, *thresholds())


# --- persons ---------------------------------------------------------------------------------


def test_the_person_table_has_one_row_per_person_of_the_identities(linked):
    (counts,) = query(
        linked,
        "SELECT count(*), count(DISTINCT person_id), "
        "(SELECT count(DISTINCT person_id) FROM identity WHERE period = $1), "
        "(SELECT count(*) FROM identity i WHERE period = $1 AND NOT EXISTS ("
        "  SELECT 1 FROM person p WHERE p.period = $1 AND p.person_id = i.person_id)) "
        "FROM person WHERE period = $1",
        [PERIOD],
    )
    assert counts == (19, 19, 19, 0)


@pytest.mark.parametrize(
    ("person", "in_dkb", "resident", "died", "death_source", "moved"),
    [
        (AGUS, True, True, None, None, None),
        (RUDI, True, False, None, None, None),  # MENINGGAL without a date
        (KARTINI, True, False, date(2025, 3, 1), "DKB", None),
        (WATI, True, False, date(2025, 5, 10), "RS", None),  # the death list and its source
        (JONI, True, False, None, None, date(2025, 6, 30)),  # moved, no date: by the period end
        (HERU, True, False, None, None, date(2025, 6, 15)),
        (TONO, True, False, None, None, None),  # his desa is in Kotawaringin Barat
        ("baris:dkb:{dkb}:12", True, True, None, None, None),  # LINA, NIK destroyed
        (YOHANES, False, False, None, None, None),
        (f"kartu:{card(10)}", False, False, None, None, None),
    ],
)
def test_a_person_is_a_resident_at_the_period_end_unless_dead_moved_or_outside(
    linked, person, in_dkb, resident, died, death_source, moved
):
    (dkb_file,) = query(linked, "SELECT file_id FROM files WHERE file_name = 'dkb.csv'")
    (row,) = query(
        linked,
        "SELECT in_dkb, resident, meninggal, sumber_meninggal, pindah FROM person "
        "WHERE period = ? AND person_id = ?",
        [PERIOD, person.format(dkb=dkb_file[0])],
    )
    assert row == (in_dkb, resident, died, death_source, moved)


def test_a_person_outside_the_dkb_has_no_desa_and_one_in_it_has_the_kecamatan_of_the_desa(linked):
    rows = query(
        linked,
        "SELECT person_id, kode_desa, kode_kecamatan FROM person WHERE period = ? "
        "AND person_id IN (?, ?, ?)",
        [PERIOD, SITI, TONO, YOHANES],
    )
    assert sorted(rows) == [
        (YOHANES, None, None),
        (TONO, OUTSIDE, "620101"),
        (SITI, DESA_2, "620206"),
    ]


@pytest.mark.parametrize(
    ("person", "kind", "employer"),
    [
        # On the ASN, perangkat desa and company lists at once: the ASN/P3K list comes first.
        (AGUS, "P3K", "DINAS KESEHATAN"),
        (HERU, "perangkat_desa", "Pemerintah Desa PELANGSIAN"),
        (YUSUF, "badan_usaha", "PT KARET"),  # through the probabilistic link of his row
        (SITI, None, None),
    ],
)
def test_a_persons_formal_work_comes_from_the_first_list_that_names_them(
    linked, person, kind, employer
):
    assert query(
        linked,
        "SELECT formal_worker, employer FROM person WHERE period = ? AND person_id = ?",
        [PERIOD, person],
    ) == [(kind, employer)]


def test_a_persons_desil_is_the_one_of_the_latest_dtsen_data(linked):
    # AGUS: desil 4 (Jan 2024), 6 (Mar 2025), 5 (Aug 2024) in that order: the March 2025 one.
    assert query(
        linked,
        "SELECT person_id, desil FROM person WHERE period = ? AND desil IS NOT NULL ORDER BY 1",
        [PERIOD],
    ) == [(RIZKI, 2), (AGUS, 6)]


def test_a_person_with_several_cards_is_summarised_by_the_active_one(linked):
    # SLAMET: an inactive Pemda card (row 12) and an active PPU BU card (row 13).
    assert query(
        linked,
        "SELECT registered, active, memberships, segmen_kelompok, status_peserta, no_kartu "
        "FROM person WHERE period = ? AND person_id = ?",
        [PERIOD, SLAMET],
    ) == [(True, True, 2, "PPU_BU", "AKTIF", card(12))]


def test_every_bpjs_row_is_one_membership_of_its_linked_person(linked):
    rows = query(
        linked,
        "SELECT m.row_number, m.person_id, m.link_method, m.no_kartu FROM membership m "
        "WHERE m.period = ? ORDER BY m.row_number",
        [PERIOD],
    )
    methods = {row: method for row, _, method, _ in rows}
    assert [row for row, *_ in rows] == list(range(2, 15))
    assert [no_kartu for *_, no_kartu in rows] == [card(n) for n in range(1, 14)]
    assert [row for row, method in methods.items() if method == "splink"] == [4, 5, 14]
    assert [row for row, method in methods.items() if method == "none"] == [6, 8, 10, 11]


def test_a_period_with_only_a_dkb_links_and_finds_the_other_sources_empty(tmp_path):
    write(
        tmp_path / "ekspor" / "dkb.csv",
        "\n".join([DKB_HEADER, *(";".join(cells) for _, cells in DKB_ROWS[:2])]),
    )
    workspace = Workspace(tmp_path / "ws")
    ingest(tmp_path / "ekspor", PERIOD, workspace)
    report = linkage.link(workspace, PERIOD).as_dict()
    counts = {key: report[key] for key in ("records", "exact", "residue", "persons", "residents")}
    assert counts == {"records": 2, "exact": 2, "residue": 0, "persons": 2, "residents": 2}
    # No death list, DTSEN or BPJS list this month: empty tables, nobody registered.
    rows = {
        layout: query(workspace, f"SELECT count(*) FROM {layout} WHERE period = ?", [PERIOD])[0][0]
        for layout in linkage.RECORD_LAYOUTS
    }
    assert rows == {layout: 2 if layout == "dkb" else 0 for layout in linkage.RECORD_LAYOUTS}
    assert query(workspace, "SELECT person_id, registered FROM person ORDER BY person_id") == [
        (RIZKI, False),
        (AGUS, False),
    ]


# --- scoring the linkage against the truth (synth/evaluate.py) -------------------------------


def write_truth(folder: Path, relabel: dict[tuple[str, int], str] | None = None) -> Path:
    """truth/ as the synthetic kabupaten writes it, from the true person of every row above;
    ``relabel`` changes the truth of (file, row) for a test."""
    rows = [
        (file, sheet, number, (relabel or {}).get((file, number), who))
        for file, sheet, number, who in truth_rows()
    ]
    folder.mkdir(parents=True)
    pq.write_table(
        pa.table(
            {
                "file": [r[0] for r in rows],
                "sheet": [r[1] for r in rows],
                "row_number": [r[2] for r in rows],
                "person_id": [r[3] for r in rows],
                "dirt": [""] * len(rows),
            }
        ),
        folder / "rows.parquet",
    )
    write(folder / "anomalies.csv", "kind,person_id,nik,detail\n")
    return folder


def linkage_score(workspace: Workspace, truth: Path) -> Score:
    db = workspace.connect(read_only=True)
    try:
        links, _ = score(db, truth, PERIOD)
    finally:
        db.close()
    return links


def test_the_linkage_score_counts_right_links_and_linkable_records_left_out(linked, tmp_path):
    # Residue: 5 links, each to the right resident; ACHMAD (in review) is AHMAD, who is in the
    # DKB: linkable but left out; DARSITI, YOHANES and WAYAN have nobody to be linked to.
    links = linkage_score(linked, write_truth(tmp_path / "truth"))
    assert (links.true_positives, links.false_positives, links.false_negatives) == (5, 0, 1)


def test_the_linkage_score_counts_a_link_to_the_wrong_person_as_false(linked, tmp_path):
    # Suppose the row typed with SITI's neighbouring NIK were really another woman's.
    truth = write_truth(tmp_path / "truth", {("bpjs.xlsx", 4): "SITI LAIN"})
    links = linkage_score(linked, truth)
    assert (links.true_positives, links.false_positives, links.false_negatives) == (4, 1, 1)


@pytest.mark.parametrize(
    ("counts", "precision", "recall"),
    [
        ((5, 0, 1), 1.0, 0.8333),
        ((4, 1, 1), 0.8, 0.8),
        ((2, 1, 0), 0.6667, 1.0),
        ((0, 0, 0), 1.0, 1.0),  # nothing found, nothing planted: nothing wrong
        ((0, 3, 0), 0.0, 1.0),
        ((0, 0, 3), 1.0, 0.0),
    ],
)
def test_a_score_is_precision_over_found_and_recall_over_planted(counts, precision, recall):
    tp, fp, fn = counts
    assert Score(tp, fp, fn).as_dict() == {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": precision,
        "recall": recall,
    }
