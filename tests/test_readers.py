"""Exports are read as they really arrive: every cell as the text a person sees, at its row.

The readers turn a CSV (any of four delimiters, UTF-8 with or without BOM or Windows-1252, a
title block above the header) or a workbook (several sheets, the table anywhere on the sheet,
cells of every type) into Arrow batches of text with the sheet and the row number a person
would look up. Files that are not what they claim are refused with a bilingual message.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from conftest import write
from semesta.core.text import SemestaError
from semesta.pipeline import readers

DEATHS_HEADER = ["NIK", "NAMA", "TGL MENINGGAL", "SUMBER"]
DELIMITERS = [";", ",", "\t", "|"]
DELIMITER_NAMES = ["semicolon", "comma", "tab", "pipe"]


def read(path: Path, mapping: dict[str, str] | None = None) -> tuple[readers.FilePlan, list[dict]]:
    """The file's plan and every staged row, all batches together."""
    plan = readers.plan(path, mapping)
    rows = [row for batch in readers.read_batches(plan) for row in batch.to_pylist()]
    return plan, rows


def cells(rows: list[dict], *names: str) -> list[tuple]:
    return [tuple(row[name] for name in names) for row in rows]


def refusal(path: Path, mapping: dict[str, str] | None = None) -> SemestaError:
    with pytest.raises(SemestaError) as raised:
        readers.plan(path, mapping)
    return raised.value


def workbook(path: Path, sheets: dict[str, dict[tuple[int, int], object]]) -> Path:
    """An XLSX with the given cells per sheet ((row, column) 0-based, as xlsxwriter counts);
    dates and datetimes get a date format so that Excel (and calamine) see them as dates."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "dd-mm-yyyy"})
    time_format = book.add_format({"num_format": "dd-mm-yyyy hh:mm:ss"})
    for name, values in sheets.items():
        sheet = book.add_worksheet(name)
        for (row, column), value in values.items():
            if isinstance(value, dt.datetime):
                sheet.write_datetime(row, column, value, time_format)
            elif isinstance(value, dt.date):
                sheet.write_datetime(row, column, value, date_format)
            elif isinstance(value, str):
                sheet.write_string(row, column, value)
            else:
                sheet.write(row, column, value)
    book.close()
    return path


def table(rows: list[list[object]], top: int = 0, left: int = 0) -> dict[tuple[int, int], object]:
    """Cells of a table whose first row is at (top, left); None leaves a cell empty."""
    return {
        (top + r, left + c): value
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if value is not None
    }


# --- CSV: delimiters and encodings --------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "name"),
    [(";", "BUDI, S.PD"), (",", "BUDI S.PD"), ("\t", "BUDI, S.PD"), ("|", "BUDI, S.PD")],
    ids=DELIMITER_NAMES,
)
def test_a_csv_is_split_on_whichever_of_the_four_delimiters_it_uses(tmp_path, delimiter, name):
    line = delimiter.join(["6202011608930001", name, "01-02-2025", "RSUD"])
    path = write(tmp_path / "mati.csv", delimiter.join(DEATHS_HEADER) + "\n" + line + "\n")
    plan, rows = read(path)
    assert (plan.fmt, plan.layout.name, plan.delimiter) == ("csv", "kematian", delimiter)
    assert cells(rows, "_row", "nik", "nama", "tanggal_meninggal", "sumber") == [
        (2, "6202011608930001", name, "01-02-2025", "RSUD")
    ]


@pytest.mark.parametrize(
    ("prefix", "encoding", "detected"),
    [("", "utf-8", "utf-8-sig"), ("\ufeff", "utf-8", "utf-8-sig"), ("", "cp1252", "cp1252")],
    ids=["utf8", "utf8-bom", "windows-1252"],
)
def test_accented_letters_and_curly_apostrophes_are_read_as_the_text_they_are(
    tmp_path, prefix, encoding, detected
):
    text = prefix + "NIK;NAMA;TGL MENINGGAL\n6202011608930001;JOS\u00c9 MA\u2019RUF;01-02-2025\n"
    plan, rows = read(write(tmp_path / "mati.csv", text, encoding))
    assert plan.encoding == detected
    # The BOM is not glued to the first header: "NIK" is still recognised.
    assert plan.sheets[0].columns == {0: "nik", 1: "nama", 2: "tanggal_meninggal"}
    assert cells(rows, "nik", "nama") == [("6202011608930001", "JOS\u00c9 MA\u2019RUF")]


def test_a_windows_1252_letter_far_below_the_header_still_decides_the_encoding(tmp_path):
    # 200 plain ASCII rows, then one é in Windows-1252 (byte E9, invalid alone in UTF-8).
    body = "".join(f"62020116089{i:05d};A;01-02-2025\n" for i in range(1, 201))
    text = "NIK;NAMA;TGL MENINGGAL\n" + body + "6202011608930999;JOS\u00c9;01-02-2025\n"
    plan, rows = read(write(tmp_path / "mati.csv", text, "cp1252"))
    assert plan.encoding == "cp1252"
    assert (len(rows), rows[-1]["_row"], rows[-1]["nama"]) == (201, 202, "JOS\u00c9")


# --- CSV: what lies above the header -------------------------------------------------------------


def test_a_title_block_above_the_header_is_skipped_and_rows_keep_their_line_numbers(tmp_path):
    text = (
        "DAFTAR KEMATIAN, KAB. KOTAWARINGIN TIMUR;;;\n"
        "Periode: Januari - Juni 2025;;;\n"
        ";;;\n"
        "NIK;NAMA;TGL MENINGGAL;SUMBER\n"
        "6202011608930001;BUDI;01-02-2025;RSUD\n"
    )
    plan, rows = read(write(tmp_path / "mati.csv", text))
    assert plan.sheets[0].header_row == 4
    assert cells(rows, "_row", "nama") == [(5, "BUDI")]


def test_excels_sep_hint_on_the_first_line_is_skipped_like_a_title(tmp_path):
    text = "sep=;\nNIK;NAMA;TGL MENINGGAL\n6202011608930001;BUDI;01-02-2025\n"
    plan, rows = read(write(tmp_path / "mati.csv", text))
    assert (plan.delimiter, plan.sheets[0].header_row) == (";", 2)
    assert cells(rows, "_row", "nik") == [(3, "6202011608930001")]


def test_a_title_cell_spanning_two_lines_does_not_swallow_the_first_data_row(tmp_path):
    # Excel writes a title typed with Alt+Enter as one quoted cell over two lines; the header
    # is line 3, so the first resident is line 4 and must be read.
    text = (
        '"DAFTAR KEMATIAN\nSEMESTER I 2025"\n'
        "NIK;NAMA;TGL MENINGGAL\n"
        "6202011608930001;BUDI;01-02-2025\n"
        "6202016112980001;SITI;02-02-2025\n"
    )
    plan, rows = read(write(tmp_path / "mati.csv", text))
    assert plan.sheets[0].header_row == 3
    assert cells(rows, "_row", "nama") == [(4, "BUDI"), (5, "SITI")]


def test_a_header_below_the_first_thirty_lines_is_not_looked_for(tmp_path):
    text = "catatan\n" * readers.HEADER_SEARCH_ROWS + "NIK;NAMA;TGL MENINGGAL\n1;A;01-02-2025\n"
    error = refusal(write(tmp_path / "mati.csv", text))
    assert "kolom wajib tidak ditemukan" in error.message.id


# --- CSV: quoting, ragged lines, blank lines ---------------------------------------------------


def test_quoted_cells_keep_their_delimiters_quotes_and_line_breaks(tmp_path):
    text = (
        "NIK;NAMA;TGL MENINGGAL;SUMBER\n"
        '6202011608930001;"BUDI; S.PD";01-02-2025;"RSUD\nDR. MURJANI"\n'
        '6202016112980001;SITI;02-02-2025;"laporan ""RT 03"""\n'
    )
    _, rows = read(write(tmp_path / "mati.csv", text))
    assert cells(rows, "nama", "sumber") == [
        ("BUDI; S.PD", "RSUD\nDR. MURJANI"),
        ("SITI", 'laporan "RT 03"'),
    ]


def test_a_record_over_several_lines_is_numbered_by_its_first_line(tmp_path):
    # Lines: 1 header, 2-4 BUDI (two line breaks in SUMBER), 5 SITI, 6-7 ANI, 8 DEWI.
    text = (
        "NIK;NAMA;TGL MENINGGAL;SUMBER\r\n"
        '1;BUDI;01-02-2025;"a\r\nb\r\nc"\r\n'
        "2;SITI;01-02-2025;d\r\n"
        '3;ANI;01-02-2025;"e\r\nf"\r\n'
        "4;DEWI;01-02-2025;g\r\n"
    )
    _, rows = read(write(tmp_path / "mati.csv", text))
    assert cells(rows, "_row", "nama") == [(2, "BUDI"), (5, "SITI"), (6, "ANI"), (8, "DEWI")]
    assert rows[0]["sumber"] == "a\r\nb\r\nc"


def test_a_csv_line_shorter_than_the_header_gives_empty_text_for_the_missing_cells(tmp_path):
    text = "NIK;NAMA;TGL MENINGGAL;SUMBER\n6202011608930001;BUDI\n6202016112980001\n"
    _, rows = read(write(tmp_path / "mati.csv", text))
    assert cells(rows, "_row", "nik", "nama", "tanggal_meninggal", "sumber") == [
        (2, "6202011608930001", "BUDI", "", ""),
        (3, "6202016112980001", "", "", ""),
    ]


def test_a_csv_line_longer_than_the_header_keeps_the_headers_columns(tmp_path):
    text = "NIK;NAMA;TGL MENINGGAL\n6202011608930001;BUDI;01-02-2025;RSUD;;x\n"
    _, rows = read(write(tmp_path / "mati.csv", text))
    assert cells(rows, "nik", "nama", "tanggal_meninggal", "sumber") == [
        ("6202011608930001", "BUDI", "01-02-2025", None)
    ]


def test_a_blank_line_among_the_data_is_an_empty_row_with_its_own_number(tmp_path):
    # Kept (not dropped) so that ingestion counts it and quarantines it as an empty row.
    text = "NIK;NAMA;TGL MENINGGAL\n6202011608930001;BUDI;01-02-2025\n\n6202016112980001;SITI;\n"
    _, rows = read(write(tmp_path / "mati.csv", text))
    assert cells(rows, "_row", "nik", "nama") == [
        (2, "6202011608930001", "BUDI"),
        (3, "", ""),
        (4, "6202016112980001", "SITI"),
    ]


def test_a_file_with_a_header_and_no_rows_is_planned_and_yields_nothing(tmp_path):
    plan, rows = read(write(tmp_path / "mati.csv", "NIK;NAMA;TGL MENINGGAL\n"))
    assert (plan.layout.name, rows) == ("kematian", [])


# --- headers ----------------------------------------------------------------------------------


def test_headers_are_recognised_however_spelled_and_the_rest_are_listed_as_ignored(tmp_path):
    text = (
        " nik ;No. KK;Nama_Lgkp;Tgl. Lahir;Kode Desa/Kel;Catatan Petugas;\n"
        "6202011608930001;6202010711170001;BUDI;16-08-1993;6202011009;pindahan;\n"
    )
    plan, rows = read(write(tmp_path / "dkb.csv", text))
    assert plan.layout.name == "dkb"
    assert plan.sheets[0].columns == {
        0: "nik",
        1: "no_kk",
        2: "nama",
        3: "tanggal_lahir",
        4: "kode_desa",
    }
    assert plan.sheets[0].ignored == ["Catatan Petugas"]
    assert cells(rows, "nama", "tanggal_lahir", "kode_desa") == [
        ("BUDI", "16-08-1993", "6202011009")
    ]


def test_a_column_the_file_lacks_is_null_and_a_cell_it_left_empty_is_empty_text(tmp_path):
    # The normalisers rely on it: NULL means "no such column", "" means "the cell is empty".
    text = "NIK;NO KK;NAMA;KODE DESA;ALAMAT\n6202011608930001;6202010711170001;BUDI;6202011009;\n"
    _, rows = read(write(tmp_path / "dkb.csv", text))
    assert cells(rows, "alamat", "tempat_lahir", "tanggal_lahir") == [("", None, None)]


def test_the_staged_schema_is_sheet_row_every_layout_column_and_the_identifier_flags(tmp_path):
    plan, _ = read(write(tmp_path / "dtsen.csv", "NIK;DESIL\n6202011608930001;3\n"))
    assert plan.schema() == pa.schema(
        [
            ("_sheet", pa.string()),
            ("_row", pa.int64()),
            ("nik", pa.string()),
            ("no_kk", pa.string()),
            ("nama", pa.string()),
            ("desil", pa.string()),
            ("tanggal_data", pa.string()),
            ("_numeric_nik", pa.bool_()),
            ("_numeric_no_kk", pa.bool_()),
        ]
    )


def test_a_csv_cell_is_never_flagged_as_numeric_even_when_all_digits(tmp_path):
    # A CSV keeps every digit a person typed: only spreadsheet number cells lose the 16th.
    _, rows = read(write(tmp_path / "dtsen.csv", "NIK;DESIL\n6202011608930010;3\n"))
    assert (rows[0]["nik"], rows[0]["_numeric_nik"]) == ("6202011608930010", False)


def test_the_users_mapping_recognises_a_spreadsheet_header_no_alias_covers(tmp_path):
    path = workbook(
        tmp_path / "miskin.xlsx",
        {"Sheet1": table([["NO IDENTITAS", "PERINGKAT"], ["6202011608930001", 2]])},
    )
    assert "kolom wajib" in refusal(path).message.id
    plan, rows = read(path, {"no identitas": "nik", "Peringkat": "desil"})
    assert (plan.layout.name, plan.sheets[0].columns) == ("dtsen", {0: "nik", 1: "desil"})
    assert cells(rows, "nik", "desil") == [("6202011608930001", "2")]


# --- spreadsheets: sheets and positions --------------------------------------------------------


def test_every_sheet_with_a_header_is_read_at_the_rows_excel_shows(tmp_path):
    path = workbook(
        tmp_path / "dtsen.xlsx",
        {
            "Petunjuk": {(0, 0): "Data dari Dinas Sosial", (1, 0): "Jangan diubah"},
            "Desa A": table([["DTSEN DESA A"], [], ["NIK", "DESIL"], ["6202011608930001", 3]]),
            "Kosong": {},
            # Columns in another order on this sheet, and a third, unrecognised one.
            "Desa B": table(
                [["DESIL", "KETERANGAN", "NIK"], [4, "baru", "6202016112980001"], [5, "", "x"]]
            ),
        },
    )
    plan, rows = read(path)
    assert [s.name for s in plan.sheets] == ["Desa A", "Desa B"]
    assert plan.skipped_sheets == ["Petunjuk", "Kosong"]
    assert plan.sheets[1].ignored == ["KETERANGAN"]
    assert cells(rows, "_sheet", "_row", "nik", "desil") == [
        ("Desa A", 4, "6202011608930001", "3"),
        ("Desa B", 2, "6202016112980001", "4"),
        ("Desa B", 3, "x", "5"),
    ]


def test_a_table_placed_lower_and_further_right_keeps_excels_row_numbers(tmp_path):
    # Title in B2, header in C4:D4, residents in rows 5 and 7 (row 6 left empty), as Excel
    # shows them; the used range starts at B2, so calamine's sheet.start is (1, 1).
    path = workbook(
        tmp_path / "dtsen.xlsx",
        {
            "Data": {(1, 1): "DTSEN KAB. KOTAWARINGIN TIMUR"}
            | table([["NIK", "DESIL"], ["6202011608930001", 3]], top=3, left=2)
            | table([["6202016112980001", 4]], top=6, left=2)
        },
    )
    plan, rows = read(path)
    assert (plan.sheets[0].header_row, plan.sheets[0].columns) == (4, {2: "nik", 3: "desil"})
    assert cells(rows, "_row", "nik", "desil") == [
        (5, "6202011608930001", "3"),
        (6, "", ""),
        (7, "6202016112980001", "4"),
    ]


def test_a_table_that_starts_on_row_four_with_nothing_above_is_numbered_from_row_five(tmp_path):
    path = workbook(
        tmp_path / "dtsen.xlsx",
        {"Data": table([["NIK", "DESIL"], ["6202011608930001", 3]], top=3, left=1)},
    )
    plan, rows = read(path)
    assert plan.sheets[0].header_row == 4
    assert cells(rows, "_row", "nik") == [(5, "6202011608930001")]


def test_calamine_yields_rows_from_the_first_but_columns_from_the_used_range(tmp_path):
    """The reader's row and column arithmetic rests on this (python-calamine issue #177); an
    upgrade that changes it must fail here rather than shift every row number."""
    path = workbook(tmp_path / "a.xlsx", {"S": table([["NIK", "DESIL"]], top=2, left=1)})
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("S")
    assert sheet.start == (2, 1)
    assert list(sheet.iter_rows()) == [["", ""], ["", ""], ["NIK", "DESIL"]]


def test_a_sheet_holding_another_kind_of_export_is_refused_by_name(tmp_path):
    path = workbook(
        tmp_path / "campur.xlsx",
        {
            "DTSEN": table([["NIK", "DESIL"], ["6202011608930001", 3]]),
            "Kematian": table([["NIK", "NAMA", "TGL MENINGGAL"], ["6202011608930001", "A", ""]]),
        },
    )
    message = refusal(path).message
    assert "lembar 'Kematian' berisi Daftar kematian" in message.id
    assert "pisahkan" in message.id
    assert "sheet 'Kematian' holds Death list" in message.en
    assert "split them into separate files" in message.en


# --- spreadsheets: cells of every type ---------------------------------------------------------

# (cell as written to the workbook, the text the reader must give)
TYPED_CELLS: list[tuple[object, str]] = [
    ("RSUD dr. Murjani", "RSUD dr. Murjani"),
    (42, "42"),  # Excel stores every number as a float: no spurious ".0"
    (42.0, "42"),
    (-3.0, "-3"),
    (3.25, "3.25"),
    (0.1, "0.1"),
    (6202011608930010, "6202011608930010"),
    (1e20, "1e+20"),  # beyond 17 digits an integer text would invent digits
    (True, "TRUE"),
    (False, "FALSE"),
    (dt.date(2025, 2, 1), "2025-02-01"),
    (dt.datetime(2025, 2, 1, 0, 0), "2025-02-01"),
    (dt.datetime(2025, 2, 1, 10, 30, 15), "2025-02-01 10:30:15"),
    (None, ""),
    ("", ""),
]


def typed_workbook(path: Path) -> Path:
    """SUMBER mixes every type; NAMA holds the expected texts, all text (the fast path)."""
    rows = [DEATHS_HEADER] + [
        [f"62020116089{i:05d}", expected, "01-02-2025", value]
        for i, (value, expected) in enumerate(TYPED_CELLS, start=1)
    ]
    return workbook(path, {"Data": table(rows)})


def test_every_type_of_spreadsheet_cell_is_read_as_the_text_a_person_sees(tmp_path):
    _, rows = read(typed_workbook(tmp_path / "mati.xlsx"))
    assert [row["sumber"] for row in rows] == [expected for _, expected in TYPED_CELLS]


def test_a_column_mixing_types_reads_each_cell_as_a_column_of_text_alone_would(tmp_path):
    # NAMA is all text (Arrow takes it as it is); SUMBER mixes types (converted per class).
    _, rows = read(typed_workbook(tmp_path / "mati.xlsx"))
    assert [row["sumber"] for row in rows] == [row["nama"] for row in rows]


def test_a_column_of_only_numbers_or_only_dates_reads_as_when_mixed(tmp_path):
    numbers = [42, 3.25, 6202011608930010]
    dates = [dt.date(2025, 2, 1), dt.datetime(2025, 2, 1, 10, 30, 15), dt.date(1990, 5, 17)]
    rows = [DEATHS_HEADER] + [[None, n, d] for n, d in zip(numbers, dates, strict=True)]
    _, read_rows = read(workbook(tmp_path / "mati.xlsx", {"Data": table(rows)}))
    assert cells(read_rows, "nama", "tanggal_meninggal") == [
        ("42", "2025-02-01"),
        ("3.25", "2025-02-01 10:30:15"),
        ("6202011608930010", "1990-05-17"),
    ]


def test_identifier_cells_stored_as_numbers_are_flagged_and_text_cells_are_not(tmp_path):
    rows = [
        ["NIK", "NO KK", "DESIL"],
        [6202011608930010, "6202010711170001", 3],
        ["6202011608930001", 6202010711170001, 4],
        [None, True, 5],
    ]
    _, read_rows = read(workbook(tmp_path / "dtsen.xlsx", {"Data": table(rows)}))
    assert cells(read_rows, "nik", "_numeric_nik", "no_kk", "_numeric_no_kk") == [
        ("6202011608930010", True, "6202010711170001", False),
        ("6202011608930001", False, "6202010711170001", True),
        ("", False, "TRUE", False),  # an empty cell or a boolean is no number
    ]


def test_an_excel_workbook_saved_with_a_csv_name_is_read_as_the_workbook_it_is(tmp_path):
    source = workbook(
        tmp_path / "a.xlsx", {"Data": table([["NIK", "DESIL"], [6202011608930001, 2]])}
    )
    renamed = tmp_path / "dtsen.csv"
    renamed.write_bytes(source.read_bytes())
    plan, rows = read(renamed)
    assert (plan.fmt, plan.layout.name) == ("xlsx", "dtsen")
    assert cells(rows, "_sheet", "_row", "nik", "_numeric_nik") == [
        ("Data", 2, "6202011608930001", True)
    ]


# --- batches -----------------------------------------------------------------------------------


def test_csv_batches_keep_row_numbers_continuous_across_batch_boundaries(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "BATCH_ROWS", 2)
    # Lines: 1 header, 2 A, 3-4 B (quoted line break), 5 C, 6 D, 7 E.
    text = 'NIK;NAMA;TGL MENINGGAL\n1;A;x\n2;"B\nB";x\n3;C;x\n4;D;x\n5;E;x\n'
    plan = readers.plan(write(tmp_path / "mati.csv", text))
    batches = list(readers.read_batches(plan))
    assert [b.num_rows for b in batches] == [2, 2, 1]
    numbers = [n for b in batches for n in b.column("_row").to_pylist()]
    assert numbers == [2, 3, 5, 6, 7]


def test_spreadsheet_batches_keep_row_numbers_continuous_across_sheets(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "BATCH_ROWS", 2)
    one = [["NIK", "DESIL"]] + [[f"620201160893000{i}", i] for i in range(1, 6)]
    two = [["judul"], [], ["NIK", "DESIL"], ["6202016112980001", 9]]
    path = workbook(tmp_path / "dtsen.xlsx", {"S1": table(one), "S2": table(two)})
    batches = list(readers.read_batches(readers.plan(path)))
    assert [b.num_rows for b in batches] == [2, 2, 1, 1]
    rows = [row for b in batches for row in b.to_pylist()]
    assert cells(rows, "_sheet", "_row", "desil") == [
        ("S1", 2, "1"),
        ("S1", 3, "2"),
        ("S1", 4, "3"),
        ("S1", 5, "4"),
        ("S1", 6, "5"),
        ("S2", 4, "9"),
    ]


# --- refusals ----------------------------------------------------------------------------------


def test_an_empty_file_is_refused_in_both_languages(tmp_path):
    message = refusal(write(tmp_path / "dtsen.csv", "")).message
    assert message.id == "Berkas 'dtsen.csv' ditolak: berkas kosong."
    assert message.en == "File 'dtsen.csv' refused: the file is empty."


def test_an_old_binary_excel_file_renamed_csv_is_refused_as_binary(tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"NIK" * 10)
    message = refusal(path).message
    assert "isinya biner, bukan teks CSV" in message.id
    assert "it is binary, not CSV text (perhaps another file renamed)" in message.en


def test_a_workbook_cut_short_in_the_download_is_refused_as_not_a_complete_xlsx(tmp_path):
    whole = workbook(tmp_path / "a.xlsx", {"Data": table([["NIK", "DESIL"], ["1", 2]])})
    cut = tmp_path / "peserta.xlsx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    message = refusal(cut).message
    assert "bukan berkas XLSX yang utuh (rusak atau bukan Excel)" in message.id
    assert "not a complete XLSX file (corrupted or not Excel)" in message.en


def test_a_csv_renamed_xlsx_is_refused_as_not_a_complete_xlsx(tmp_path):
    message = refusal(write(tmp_path / "dtsen.xlsx", "NIK;DESIL\n6202011608930001;2\n")).message
    assert "bukan berkas XLSX yang utuh" in message.id
    assert "not a complete XLSX file" in message.en


def test_a_zip_that_is_no_workbook_is_refused_as_unreadable(tmp_path):
    path = tmp_path / "dtsen.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("catatan.txt", "bukan lembar kerja")
    message = refusal(path).message
    assert message.id.startswith("Berkas 'dtsen.xlsx' ditolak: tidak dapat dibaca sebagai lembar")
    assert message.en.startswith("File 'dtsen.xlsx' refused: cannot be read as a spreadsheet (")


@pytest.mark.parametrize("delimiter", DELIMITERS, ids=DELIMITER_NAMES)
def test_an_unrecognised_csv_header_is_refused_listing_the_columns_read(tmp_path, delimiter):
    header = delimiter.join(["NO IDENTITAS", "PERINGKAT", "DESA"])
    text = f"LAPORAN BANSOS\n{header}\n" + delimiter.join(["1", "2", "3"]) + "\n"
    message = refusal(write(tmp_path / "miskin.csv", text)).message
    assert "Kolom yang terbaca: NO IDENTITAS, PERINGKAT, DESA." in message.id
    assert "petakan sekali di pemetaan_kolom.toml" in message.id
    assert "Columns read: NO IDENTITAS, PERINGKAT, DESA." in message.en
    assert "map them once in the workspace's pemetaan_kolom.toml" in message.en


def test_an_unrecognised_spreadsheet_header_is_refused_listing_the_columns_read(tmp_path):
    path = workbook(
        tmp_path / "miskin.xlsx",
        {
            "Kosong": {},
            "Data": table([["LAPORAN BANSOS"], ["NO IDENTITAS", "PERINGKAT"], ["1", 2]]),
        },
    )
    message = refusal(path).message
    assert "kolom wajib tidak ditemukan" in message.id
    assert "Kolom yang terbaca: NO IDENTITAS, PERINGKAT." in message.id
    assert "Columns read: NO IDENTITAS, PERINGKAT." in message.en
    assert "pemetaan_kolom.toml" in message.id and "pemetaan_kolom.toml" in message.en


def test_a_refusal_names_the_kinds_of_export_that_are_recognised(tmp_path):
    message = refusal(write(tmp_path / "lain.csv", "KODE;URAIAN\n1;x\n")).message
    assert "(DKB, peserta BPJS, DTSEN, ASN, perangkat desa, pekerja, kematian, tagihan)" in (
        message.id
    )
    assert "(DKB, BPJS members, DTSEN, civil servants, village officials, workers, deaths" in (
        message.en
    )


# --- reading into staged Parquet files (what ingestion calls) ------------------------------------


def test_read_to_parquet_writes_the_staged_rows_to_a_parquet_file(tmp_path):
    source = write(tmp_path / "dtsen.csv", "NIK;DESIL\n6202011608930001;3\n6202016112980001;4\n")
    plan, target = readers.read_to_parquet(source, None, tmp_path / "stage.parquet")
    staged = pq.read_table(target)
    assert staged.schema == plan.schema()
    assert staged.select(["_row", "nik", "desil"]).to_pylist() == [
        {"_row": 2, "nik": "6202011608930001", "desil": "3"},
        {"_row": 3, "nik": "6202016112980001", "desil": "4"},
    ]


def test_read_to_parquet_returns_a_refusal_as_its_bilingual_message_and_leaves_no_file(tmp_path):
    target = tmp_path / "stage.parquet"
    target.write_bytes(b"left by an earlier run")
    outcome = readers.read_to_parquet(write(tmp_path / "kosong.csv", ""), None, target)
    assert outcome == {
        "id": "Berkas 'kosong.csv' ditolak: berkas kosong.",
        "en": "File 'kosong.csv' refused: the file is empty.",
    }
    assert not target.exists()


def test_a_reader_process_gives_the_same_plan_and_rows_as_reading_here(tmp_path):
    source = write(
        tmp_path / "dtsen.csv", "LAPORAN\nNO IDENTITAS;DESIL\n6202011608930001;Desil 3\n"
    )
    mapping = {"NO IDENTITAS": "nik"}
    here = readers.read_to_parquet(source, mapping, tmp_path / "here.parquet")
    there = readers.read_to_parquet_in_subprocess(source, mapping, tmp_path / "there.parquet")
    assert isinstance(there, tuple), there
    assert (there[0].layout.name, there[0].sheets) == (here[0].layout.name, here[0].sheets)
    tables = [pq.read_table(path) for path in (here[1], there[1])]
    assert tables[0].equals(tables[1])
    assert tables[1].select(["_row", "nik", "desil"]).to_pylist() == [
        {"_row": 3, "nik": "6202011608930001", "desil": "Desil 3"}
    ]


# --- properties --------------------------------------------------------------------------------

# Any text a cell can hold, except NUL (which no CSV writer or reader accepts).
CELL_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("readers-property")


@settings(max_examples=60, deadline=None)
@given(text=CELL_TEXT, delimiter=st.sampled_from(DELIMITERS))
def test_any_text_cell_written_by_csv_writer_is_read_back_unchanged(scratch, text, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerows(
        [["NIK", "NAMA", "TGL MENINGGAL"], ["1", text, "01-02-2025"], ["2", "SITI", "x"]]
    )
    path = write(scratch / "mati.csv", buffer.getvalue())
    plan, rows = read(path)
    assert plan.delimiter == delimiter
    assert cells(rows, "nik", "nama", "tanggal_meninggal") == [
        ("1", text, "01-02-2025"),
        ("2", "SITI", "x"),
    ]
    # The second record starts on the line after the first one's last line.
    breaks = len(re.findall(r"\r\n|\r|\n", text))
    assert [row["_row"] for row in rows] == [2, 3 + breaks]


SPREADSHEET_CELLS = st.one_of(
    st.none(),
    st.text(max_size=10),
    st.booleans(),
    st.integers(-(10**18), 10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(SPREADSHEET_CELLS, max_size=8))
def test_the_per_class_shortcut_gives_the_same_text_as_the_general_conversion(values):
    assert readers._text_array(values).to_pylist() == [readers._text(v) for v in values]
