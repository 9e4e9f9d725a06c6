"""The reconciliation workbook (``semesta reconcile --xlsx``) read back as the offices read it: a
summary, one sheet per action list holding exactly the findings of its rules, the unregistered
residents per desa and the pairs to review — checked against the workspace's own tables.

The shared ``small_reconciled`` fixture keeps the workspace but not the ``ReconcileReport`` the
writer needs, so this module reconciles its own copy of ``small_ingested`` (the same 3.000-resident
Kotawaringin Timur, seed 7) once and keeps both."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from datetime import date, datetime

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from conftest import query
from semesta.core.regions import regions
from semesta.pipeline.anomalies import reconcile, rules_in_force
from semesta.pipeline.workspace import Workspace
from semesta.reports.action_lists import UNREGISTERED_SHEET, write_reconciliation

PERIOD = "2025-06"
RATE = 42_000  # the Pemda rate of Kotawaringin Timur (62.02) in June 2025, pemda_rates.toml
FINDING_HEADER = (
    "Kode aturan",
    "Tingkat",
    "NIK",
    "Nama",
    "Kode desa",
    "Desa",
    "Baris sumber",
    "Bukti",
    "Tindakan",
    "Instansi",
    "Rp/bulan",
)
# Which office list each rule feeds (data/rules/anomalies.toml, `sheet`), written out by hand.
ROUTING = {
    "Pemadanan Dukcapil": {"nik_rusak", "nik_tidak_di_dkb", "nik_milik_orang_lain"},
    "Usulan nonaktif ke BPJS": {
        "duplikat_baris",
        "duplikat_orang",
        "meninggal_masih_aktif",
        "pindah_masih_pemda",
        "bukan_penduduk_pemda",
        "ganda_pbi_pemda",
        "ganda_pemda_ppu",
    },
    "Pindah ke PPU (pemberi kerja)": {"pekerja_formal_pemda"},
    "Verifikasi lapangan Dinsos": {
        "mampu_pemda",
        "miskin_belum_terdaftar",
        "miskin_nonaktif",
        "keluarga_terpisah",
    },
    "Nonaktif per sebab": {"nonaktif"},
}
FINDING_SHEETS = sorted(ROUTING)


@pytest.fixture(scope="module")
def reconciled(small_ingested, tmp_path_factory):
    source, _ = small_ingested
    workspace = Workspace(tmp_path_factory.mktemp("action-lists") / "workspace")
    shutil.copytree(source.path, workspace.path)
    report = reconcile(workspace, PERIOD)
    return workspace, report


@pytest.fixture(scope="module")
def book(reconciled, tmp_path_factory):
    workspace, report = reconciled
    path = tmp_path_factory.mktemp("book") / "laporan" / "rekonsiliasi.xlsx"
    assert write_reconciliation(workspace, report, path) == path
    return openpyxl.load_workbook(path)


def body(ws, header_row: int) -> list[tuple]:
    """The data rows under the header row (1-based), as values."""
    return [tuple(r) for r in ws.iter_rows(min_row=header_row + 1, values_only=True)]


def header(ws, row: int) -> tuple:
    return next(ws.iter_rows(min_row=row, max_row=row, values_only=True))


def widths(ws) -> dict[str, int]:
    """Column letter → width as set (XlsxWriter stores a range of equal columns once)."""
    found = {}
    for dim in ws.column_dimensions.values():
        for i in range(dim.min, dim.max + 1):
            found[get_column_letter(i)] = int(dim.width)
    return found


SUMMARY_HEADER = 6  # title, three notes, a blank row, then the header


def grouped(value: int) -> str:
    return f"{value:,}".replace(",", ".")


# --- the workbook as a whole ----------------------------------------------------------------


def test_the_workbook_opens_on_the_summary_then_the_lists_the_desa_and_the_review(book):
    assert book.sheetnames == [
        "Ringkasan",
        "Nonaktif per sebab",
        "Pemadanan Dukcapil",
        "Pindah ke PPU (pemberi kerja)",
        "Usulan nonaktif ke BPJS",
        "Verifikasi lapangan Dinsos",
        "Belum terdaftar per desa",
        "Tinjauan pencocokan",
    ]
    assert all(len(name) <= 31 for name in book.sheetnames)


def test_every_list_the_summary_points_to_is_a_sheet_of_the_workbook(book):
    lists = {r[4] for r in body(book["Ringkasan"], SUMMARY_HEADER) if r[0] != "JUMLAH"}
    assert lists == {*ROUTING, UNREGISTERED_SHEET}
    assert lists <= set(book.sheetnames)


# --- the summary ----------------------------------------------------------------------------


def test_the_summary_has_one_row_per_rule_in_force_in_the_order_of_the_rule_file(book):
    codes = [r[0] for r in body(book["Ringkasan"], SUMMARY_HEADER)]
    in_force = [rule.code for rule in rules_in_force(date(2025, 6, 30))]
    assert codes == [*in_force, "JUMLAH"]


def test_the_summary_counts_and_rupiah_of_each_rule_are_those_of_the_finding_table(
    book, reconciled
):
    workspace, _ = reconciled
    stored = {
        code: (int(n), int(rupiah))
        for code, n, rupiah in query(
            workspace,
            "SELECT rule_code, count(*), sum(monthly_rupiah) FROM finding WHERE period = ? "
            "GROUP BY ALL",
            [PERIOD],
        )
    }
    for code, _, severity, office, _, findings, monthly, yearly, _ in body(
        book["Ringkasan"], SUMMARY_HEADER
    ):
        if code == "JUMLAH":
            continue
        assert (findings, monthly) == stored.get(code, (0, 0)), code
        assert yearly == 12 * monthly
        assert severity in {"tinggi", "sedang", "rendah"} and office


def test_the_summary_total_row_adds_up_the_findings_of_the_rule_rows(book):
    rules = body(book["Ringkasan"], SUMMARY_HEADER)
    total = rules.pop()
    assert total[0] == "JUMLAH"
    assert total[5] == sum(r[5] for r in rules)
    assert total[7] == 12 * total[6]


def test_the_summary_saving_counts_each_pemda_payment_once(book, reconciled):
    # A person flagged by two paying rules (say PBI + Pemda and a formal worker) is one payment
    # saved, not two: the total is the report's, at most the sum of the rule rows.
    _, report = reconciled
    rules = body(book["Ringkasan"], SUMMARY_HEADER)
    total = rules.pop()
    assert total[6] == report.monthly_rupiah_total > 0
    assert total[6] <= sum(r[6] for r in rules)
    assert total[6] % RATE == 0  # whole monthly Pemda payments


def test_the_summary_saving_is_at_most_the_rupiah_of_every_line_of_every_list(book):
    total = body(book["Ringkasan"], SUMMARY_HEADER)[-1]
    in_lists = sum(r[10] for name in FINDING_SHEETS for r in body(book[name], 3))
    assert 0 < total[6] <= in_lists


def test_the_summary_total_of_findings_is_every_line_of_the_lists_and_every_unregistered(book):
    total = body(book["Ringkasan"], SUMMARY_HEADER)[-1]
    lines = sum(len(body(book[name], 3)) for name in FINDING_SHEETS)
    unregistered = sum(r[4] for r in body(book[UNREGISTERED_SHEET], 3))
    assert total[5] == lines + unregistered


def test_the_summary_notes_say_the_kabupaten_period_rate_and_linkage_in_indonesian(
    book, reconciled
):
    _, report = reconciled
    link = report.link
    ws = book["Ringkasan"]
    assert ws["A1"].value == "Ringkasan rekonsiliasi"
    assert ws["A2"].value == (
        "Kabupaten 6202, periode 2025-06. Tarif iuran Pemda Rp 42.000 per orang per bulan."
    )
    assert ws["A3"].value == (
        f"Rekaman {grouped(link.records)}; cocok NIK {grouped(link.exact)}; "
        f"sisa {grouped(link.residue)}: dicocokkan Splink {grouped(link.splink_linked)}, "
        f"perlu ditinjau {grouped(link.review)}, tidak cocok {grouped(link.unlinked)}."
    )
    assert ws["A4"].value == (
        "Jumlah hemat menghitung setiap iuran Pemda sekali, walau ditandai lebih dari satu aturan."
    )
    assert link.records > 1_000  # so the grouping dot is really exercised


def test_the_summary_header_is_indonesian_frozen_and_filtered(book):
    ws = book["Ringkasan"]
    assert header(ws, SUMMARY_HEADER) == (
        "Kode aturan",
        "Temuan",
        "Tingkat",
        "Instansi",
        "Daftar tindakan",
        "Jumlah",
        "Hemat Rp/bulan",
        "Hemat Rp/tahun",
        "Dasar",
    )
    assert ws.freeze_panes == f"A{SUMMARY_HEADER + 1}"
    assert ws.auto_filter.ref == f"A{SUMMARY_HEADER}:I{ws.max_row}"


def test_the_summary_writes_counts_and_rupiah_as_formatted_integers(book):
    ws = book["Ringkasan"]
    for count, monthly, yearly in ws.iter_rows(min_row=SUMMARY_HEADER + 1, min_col=6, max_col=8):
        assert isinstance(count.value, int) and count.number_format == "#,##0"
        assert isinstance(monthly.value, int) and isinstance(yearly.value, int)
        assert monthly.number_format == yearly.number_format == '"Rp" #,##0'


def test_the_summary_columns_are_as_wide_as_set(book):
    assert widths(book["Ringkasan"]) == {
        "A": 24,
        "B": 50,
        "C": 9,
        "D": 16,
        "E": 30,
        "F": 12,
        "G": 18,
        "H": 18,
        "I": 60,
    }


# --- the action lists -----------------------------------------------------------------------


@pytest.mark.parametrize("name", FINDING_SHEETS)
def test_each_action_list_holds_exactly_the_findings_the_workspace_sends_to_it(
    book, reconciled, name
):
    workspace, _ = reconciled
    stored = query(
        workspace,
        "SELECT f.rule_code, f.severity, p.nik, f.kode_desa, f.record, f.action_id, f.office, "
        "f.monthly_rupiah FROM finding f LEFT JOIN person p USING (period, person_id) "
        "WHERE f.period = ? AND f.sheet = ?",
        [PERIOD, name],
    )
    written = [(r[0], r[1], r[2], r[4], r[6], r[8], r[9], r[10]) for r in body(book[name], 3)]
    assert stored and Counter(written) == Counter(stored)


@pytest.mark.parametrize("name", FINDING_SHEETS)
def test_each_action_list_holds_only_the_rules_the_rule_file_routes_to_it(book, reconciled, name):
    _, report = reconciled
    found = {r["rule_code"] for r in report.rules if r["findings"] and r["sheet"] == name}
    assert {r[0] for r in body(book[name], 3)} == found
    assert found <= ROUTING[name]


@pytest.mark.parametrize("name", FINDING_SHEETS)
def test_an_action_list_is_titled_with_its_period_and_has_the_finding_header(book, name):
    ws = book[name]
    assert ws["A1"].value == f"{name} — periode {PERIOD}"
    assert header(ws, 3) == FINDING_HEADER
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == f"A3:K{ws.max_row}"


def test_action_list_columns_are_as_wide_as_set(book):
    expected = dict(zip("ABCDEFGHIJK", (22, 9, 19, 26, 12, 20, 34, 60, 50, 14, 12), strict=True))
    for name in FINDING_SHEETS:
        assert widths(book[name]) == expected, name


def test_an_action_list_is_sorted_by_rule_then_desa_then_name(book):
    for name in FINDING_SHEETS:
        rows = body(book[name], 3)
        keys = [(r[0], r[4] is None, r[4] or "", r[3] is None, r[3] or "") for r in rows]
        assert keys == sorted(keys), name


def test_niks_and_desa_codes_are_text_cells_with_all_their_digits(book):
    checked = 0
    for name in FINDING_SHEETS:
        for row in book[name].iter_rows(min_row=4):
            nik, desa = row[2], row[4]
            for cell, digits in ((nik, 16), (desa, 10)):
                if cell.value is None:
                    continue
                assert cell.data_type == "s" and cell.number_format == "@"
                assert re.fullmatch(rf"[0-9]{{{digits}}}", cell.value), cell.value
                checked += 1
    assert checked > 1_000


def test_the_office_workbook_shows_the_nik_unmasked_as_the_person_table_holds_it(book, reconciled):
    workspace, _ = reconciled
    niks = {n for (n,) in query(workspace, "SELECT nik FROM person WHERE nik IS NOT NULL")}
    written = {r[2] for name in FINDING_SHEETS for r in body(book[name], 3) if r[2]}
    assert written <= niks
    assert not any("*" in nik for nik in written)


def test_the_desa_name_is_the_kemendagri_name_of_the_desa_code(book):
    index = regions()
    for name in FINDING_SHEETS:
        for row in body(book[name], 3):
            if row[4] is not None:
                region = index.get(row[4])
                assert region is not None and row[5] == region.name


def test_rupiah_per_month_is_the_pemda_rate_or_nothing(book):
    for name in FINDING_SHEETS:
        for cell in book[name]["K"][3:]:
            assert cell.value in (0, RATE) and cell.number_format == '"Rp" #,##0'


def test_only_the_bpjs_and_ppu_lists_save_rupiah_and_the_dukcapil_list_saves_none(book):
    saved = {name: sum(r[10] for r in body(book[name], 3)) for name in FINDING_SHEETS}
    assert saved["Pemadanan Dukcapil"] == 0 and saved["Nonaktif per sebab"] == 0
    # formal workers on the Pemda list: each one is a Pemda payment that the employer takes over
    ppu = body(book["Pindah ke PPU (pemberi kerja)"], 3)
    assert saved["Pindah ke PPU (pemberi kerja)"] == len(ppu) * RATE


def test_evidence_is_written_as_plain_key_value_text_in_the_stored_order(book, reconciled):
    workspace, _ = reconciled
    stored = {
        (nik, record): json.loads(evidence)
        for nik, record, evidence in query(
            workspace,
            "SELECT p.nik, f.record, f.evidence FROM finding f LEFT JOIN person p "
            "USING (period, person_id) WHERE f.period = ? AND f.rule_code = 'pekerja_formal_pemda'",
            [PERIOD],
        )
    }
    rows = body(book["Pindah ke PPU (pemberi kerja)"], 3)
    for row in rows:
        evidence = stored[(row[2], row[6])]
        # e.g. "daftar: perangkat_desa; pemberi_kerja: Pemerintah Desa …; bpjs_segmen: …"
        assert row[7] == "; ".join(f"{key}: {value}" for key, value in evidence.items())
        assert list(evidence)[:2] == ["daftar", "pemberi_kerja"]
        assert row[7].endswith(f"bpjs_segmen: PBPU_BP_PEMDA; per: {PERIOD}")
    assert not any("{" in r[7] or '"' in r[7] for n in FINDING_SHEETS for r in body(book[n], 3))


def test_each_line_names_the_action_and_the_office_that_acts(book):
    employer = body(book["Pindah ke PPU (pemberi kerja)"], 3)
    assert {(r[8], r[9]) for r in employer} == {
        (
            "Surati pemberi kerja agar mendaftarkan sebagai PPU; lalu hapus dari daftar Pemda",
            "Pemberi kerja",
        )
    }
    offices = {r[9] for r in body(book["Usulan nonaktif ke BPJS"], 3)}
    assert offices <= {"BPJS", "Dinkes"}


# --- unregistered residents per desa --------------------------------------------------------


def test_the_unregistered_per_desa_agree_with_the_person_table(book, reconciled):
    workspace, _ = reconciled
    # residents, unregistered, and poor (desil 1–5, the PBI JK range in force, dtsen.toml)
    # unregistered residents of every desa with at least one resident not registered
    expected = {
        desa: (int(residents), int(unregistered), int(poor))
        for desa, residents, unregistered, poor in query(
            workspace,
            "SELECT kode_desa, count(*), count(*) FILTER (NOT registered), "
            "count(*) FILTER (NOT registered AND desil BETWEEN 1 AND 5) FROM person "
            "WHERE period = ? AND resident GROUP BY ALL "
            "HAVING count(*) FILTER (NOT registered) > 0",
            [PERIOD],
        )
    }
    written = {r[0]: (r[3], r[4], r[5]) for r in body(book[UNREGISTERED_SHEET], 3)}
    assert written == expected


def test_the_unregistered_add_up_to_the_findings_of_their_rules(book, reconciled):
    _, report = reconciled
    findings = {r["rule_code"]: r["findings"] for r in report.rules}
    rows = body(book[UNREGISTERED_SHEET], 3)
    assert sum(r[4] for r in rows) == findings["belum_terdaftar"] > 0
    assert sum(r[5] for r in rows) == findings["miskin_belum_terdaftar"] > 0


def test_the_desa_with_the_most_unregistered_come_first(book):
    rows = body(book[UNREGISTERED_SHEET], 3)
    keys = [(-r[4], r[0]) for r in rows]
    assert keys == sorted(keys)
    assert rows[0][4] >= rows[-1][4] >= 1


def test_each_desa_row_carries_its_name_and_its_kecamatan_code_as_text(book):
    index = regions()
    ws = book[UNREGISTERED_SHEET]
    assert ws["A1"].value == f"{UNREGISTERED_SHEET} — periode {PERIOD}"
    assert header(ws, 3) == (
        "Kode desa",
        "Desa",
        "Kode kecamatan",
        "Penduduk",
        "Belum terdaftar",
        "Di antaranya miskin (desil PBI)",
    )
    for desa, name, kecamatan, *counts in ws.iter_rows(min_row=4):
        region = index.get(desa.value)
        assert region is not None and name.value == region.name
        assert kecamatan.value == desa.value[:6] and region.parent_code.replace(".", "") == (
            kecamatan.value
        )
        assert {desa.number_format, kecamatan.number_format} == {"@"}
        assert all(isinstance(c.value, int) and c.number_format == "#,##0" for c in counts)


# --- pairs to review ------------------------------------------------------------------------


def test_the_review_sheet_lists_every_pair_below_the_automatic_threshold(book, reconciled):
    workspace, report = reconciled
    stored = query(
        workspace,
        "SELECT layout, file_id, row_number, match_probability, record_nik, candidate_nik, "
        "record_tanggal_lahir FROM link_review WHERE period = ? ORDER BY match_probability DESC",
        [PERIOD],
    )
    ws = book["Tinjauan pencocokan"]
    assert ws["A2"].value.startswith("Pasangan di bawah ambang otomatis")
    rows = body(ws, 4)
    assert len(rows) == len(stored) == report.link.review > 0
    for written, (layout, file_id, row_number, probability, nik, candidate, born) in zip(
        rows, stored, strict=True
    ):
        assert written[:3] == (layout, file_id, row_number)
        assert abs(written[3] - probability) < 1e-4
        assert (written[4], written[7]) == (nik, candidate)
        assert written[6] == datetime.combine(born, datetime.min.time())


def test_the_review_sheet_formats_probability_as_percent_dates_as_dates_and_niks_as_text(book):
    ws = book["Tinjauan pencocokan"]
    assert header(ws, 4)[:5] == ("Sumber", "Berkas", "Baris", "Peluang cocok", "NIK di sumber")
    assert ws.freeze_panes == "A5"
    for row in ws.iter_rows(min_row=5):
        assert row[3].number_format == "0.00%" and 0 < row[3].value <= 1
        assert {row[6].number_format, row[9].number_format} == {"dd/mm/yyyy"}
        assert isinstance(row[6].value, datetime) and isinstance(row[9].value, datetime)
        assert {row[4].data_type, row[7].data_type, row[10].data_type} == {"s"}
