"""Formatted Excel reports read back as an officer would see them."""

from datetime import date
from fractions import Fraction

import openpyxl

from semesta.excel import Column, Sheet, sheet_name, write_workbook


def test_a_report_keeps_identifiers_as_text_and_money_as_grouped_integers(tmp_path):
    path = write_workbook(
        tmp_path / "laporan.xlsx",
        [
            Sheet(
                "Ringkasan",
                "Ringkasan rekonsiliasi",
                [
                    Column("NIK", "id"),
                    Column("Iuran", "rupiah"),
                    Column("Persen", "percent"),
                    Column("Tanggal", "date"),
                    Column("Catatan"),
                ],
                [("0102030405060708", 1_088_451_000, Fraction(1, 4), date(2025, 6, 1), None)],
                notes=["Periode 2025-06"],
            )
        ],
    )
    ws = openpyxl.load_workbook(path)["Ringkasan"]
    assert ws["A1"].value == "Ringkasan rekonsiliasi"
    assert ws["A2"].value == "Periode 2025-06"
    assert [c.value for c in ws[4]] == ["NIK", "Iuran", "Persen", "Tanggal", "Catatan"]
    nik, money, share, day, _ = ws[5]
    assert nik.value == "0102030405060708"  # leading zero kept
    assert money.value == 1_088_451_000 and money.number_format == '"Rp" #,##0'
    assert share.value == 0.25 and share.number_format == "0.00%"
    assert day.value.date() == date(2025, 6, 1)
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:E5"


def test_sheet_names_are_made_acceptable_to_excel_and_unique(tmp_path):
    assert (
        sheet_name("Usulan nonaktif ke BPJS: meninggal/pindah [2025]")
        == ("Usulan nonaktif ke BPJS  meningg"[:31])
    )
    long = "Penduduk belum terdaftar per desa"
    path = write_workbook(
        tmp_path / "x.xlsx",
        [Sheet(long, "a", [Column("x")], []), Sheet(long, "b", [Column("x")], [])],
    )
    names = openpyxl.load_workbook(path).sheetnames
    assert len(names) == 2 and len(set(names)) == 2 and all(len(n) <= 31 for n in names)
