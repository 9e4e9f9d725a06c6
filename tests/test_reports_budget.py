"""The budget documents as the TAPD and the Dinkes read them: the APBD plan workbook (seed 001
Tabel 1), its terminal text, the one-page TAPD PDF, the monthly bill, the planning calendar and the
invoice verification workbook. Every figure is worked out by hand from seed 001 (BPJS Cabang
Bengkulu, 31 May 2023: 28.795 participants × Rp 37.800 = Rp 1.088.451.000 a month, Rp 3,7 bn
already in the APBD) or from the small hand-written figures below."""

from __future__ import annotations

import contextlib
import json
import re
import zlib
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from semesta.core import budget as bg
from semesta.core import eligibility as el
from semesta.core.money import parse_rupiah
from semesta.pipeline.eligibility import InvoiceCheck, WorkspaceFigures
from semesta.reports.budget import (
    bill_document,
    bill_text,
    calendar_document,
    calendar_text,
    calendar_workbook,
    invoice_text,
    plan_document,
    plan_text,
    write_invoice,
    write_plan,
)
from semesta.reports.tapd import render_html, write_tapd_pdf

QUICK = settings(max_examples=25, deadline=None)

RATE_NOTE = "tarif Rp 37.800 per orang per bulan (diberikan)"
MAY_31 = date(2023, 5, 31)  # the date of the BPJS letter in seed 001
# Seed 001 Tabel 1: (no, start month, months, participants, cost to December, existing, total).
TABEL_1 = [
    (1, "Juni", 7, 28_795, 7_619_157_000, 3_700_000_000, 11_319_157_000),
    (2, "Juli", 6, 28_795, 6_530_706_000, 3_700_000_000, 10_230_706_000),
    (3, "Agustus", 5, 28_795, 5_442_255_000, 3_700_000_000, 9_142_255_000),
    (4, "September", 4, 28_795, 4_353_804_000, 3_700_000_000, 8_053_804_000),
    (5, "Oktober", 3, 28_795, 3_265_353_000, 3_700_000_000, 6_965_353_000),
    (6, "November", 2, 28_795, 2_176_902_000, 3_700_000_000, 5_876_902_000),
    (7, "Desember", 1, 28_795, 1_088_451_000, 3_700_000_000, 4_788_451_000),
]


def seed_001_calendar(today: date = MAY_31) -> tuple[bg.DeadlineStatus, ...]:
    """The deadlines of budget years 2023 and 2024 against ``today`` (as `budget plan` does)."""
    deadlines = bg.planning_calendar(2023) + bg.planning_calendar(2024)
    return bg.calendar_status(tuple(sorted(deadlines, key=lambda d: d.due)), today)


def seed_001(**extra) -> dict:
    """The plan of seed 001 from June, the first start month after the letter of 31 May."""
    plan = bg.apbd_plan(2023, 28_795, 37_800, 3_700_000_000, first_month=6)
    return plan_document(plan, rate_note=RATE_NOTE, **extra)


def seed_001_full() -> dict:
    """Seed 001 with everything a plan can carry: a 3-year projection at 1,5 % growth, a 40/60
    province/kabupaten split and the calendar of 31 May 2023."""
    return seed_001(
        projection=bg.project(2024, 3, 28_795, 37_800, "1.5"),
        growth_pct="1.5",
        shares={"provinsi": "40", "kabupaten": "60"},
        calendar=seed_001_calendar(),
        today=MAY_31,
    )


# A workspace's figures, chosen by hand (they are those of the small synthetic kabupaten):
# 3.000 residents, 2.970 registered (99,00 %), 2.332 active (77,73 %), Pemda rate Rp 42.000.
SAVING_BY_RULE = [
    ("mampu_pemda", 16, 672_000),
    ("pekerja_formal_pemda", 8, 336_000),
    ("ganda_pbi_pemda", 4, 168_000),
    ("meninggal_masih_aktif", 6, 168_000),
    ("duplikat_baris", 12, 126_000),
    ("duplikat_orang", 6, 126_000),
    ("pindah_masih_pemda", 2, 84_000),
    ("bukan_penduduk_pemda", 1, 42_000),
    ("ganda_pemda_ppu", 1, 42_000),
]
FIGURES = WorkspaceFigures(
    period="2025-06",
    kabupaten="6202",
    region="62.02",
    rate=42_000,
    population=3_000,
    registered=2_970,
    active=2_332,
    coverage_source="person",
    pemda_paid_active=500,
    kelas3_mandiri_active=120,
    bantuan_share=2_800,
    eligible=600,
    eligible_unregistered=20,
    monthly_saving=1_764_000,
    saving_source="finding",
    saving_by_rule=[
        {"rule_code": c, "findings": n, "monthly_rupiah": rp} for c, n, rp in SAVING_BY_RULE
    ],
).as_dict()
TARGETS = (
    bg.CoverageTarget(Decimal("98"), "uhc.toml [[targets]]: RPJMN"),
    bg.CoverageTarget(Decimal("99.5"), "--target"),
)


def workspace_plan() -> dict:
    """The plan for the 15 residents still to register for 99,5 % (⌈0,995 × 3.000⌉ − 2.970)
    from July 2025, with the workspace figures."""
    plan = bg.apbd_plan(2025, 15, 42_000, 0, first_month=7)
    return plan_document(plan, rate_note="tarif Pemda", figures=FIGURES, targets=TARGETS)


def rows(ws, first: int) -> list[tuple]:
    """The sheet's rows from row ``first`` (1-based) on, as values."""
    return [tuple(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def widths(ws) -> dict[str, int]:
    """Column letter → width as set (XlsxWriter stores a range of equal columns once)."""
    found = {}
    for dim in ws.column_dimensions.values():
        for i in range(dim.min, dim.max + 1):
            found[get_column_letter(i)] = int(dim.width)
    return found


# --- the APBD plan workbook -----------------------------------------------------------------


@pytest.fixture(scope="module")
def plan_book(tmp_path_factory):
    path = write_plan(tmp_path_factory.mktemp("plan") / "rencana.xlsx", seed_001_full())
    return openpyxl.load_workbook(path)


def test_the_plan_sheet_reproduces_tabel_1_of_seed_001(plan_book):
    ws = plan_book["Rencana APBD"]
    assert rows(ws, 6) == TABEL_1


def test_the_plan_sheet_says_what_it_is_and_how_it_was_counted(plan_book):
    ws = plan_book["Rencana APBD"]
    assert ws["A1"].value == "Kebutuhan anggaran iuran PBPU-BP Pemda tahun 2023 per bulan mulai"
    assert ws["A2"].value == (
        "28.795 peserta × tarif = Rp 1.088.451.000 per bulan. "
        "tarif Rp 37.800 per orang per bulan (diberikan)"
    )
    assert ws["A3"].value == (
        "Cara hitung seperti Tabel 1 seed 001 (BPJS Cabang Bengkulu, 31 Mei 2023)."
    )


def test_the_plan_sheet_has_an_indonesian_header_a_frozen_pane_and_a_filter(plan_book):
    ws = plan_book["Rencana APBD"]
    assert rows(ws, 5)[0] == (
        "No",
        "Bulan mulai UHC",
        "Jumlah bulan",
        "Penambahan peserta",
        "Kebutuhan s.d. Desember (Rp)",
        "Anggaran yang ada (Rp)",
        "Total termasuk yang ada (Rp)",
    )
    assert ws.freeze_panes == "A6"
    assert ws.auto_filter.ref == "A5:G12"


def test_the_plan_sheet_writes_rupiah_as_whole_numbers_formatted_as_rupiah(plan_book):
    ws = plan_book["Rencana APBD"]
    for row in ws.iter_rows(min_row=6, max_row=12):
        no, month, months, people, cost, existing, total = row
        assert all(isinstance(c.value, int) for c in (cost, existing, total))
        assert {c.number_format for c in (cost, existing, total)} == {'"Rp" #,##0'}
        assert {c.number_format for c in (no, months, people)} == {"#,##0"}
        assert month.data_type == "s"


def test_the_plan_sheet_columns_are_as_wide_as_set(plan_book):
    assert widths(plan_book["Rencana APBD"]) == {
        "A": 5,
        "B": 16,
        "C": 8,
        "D": 14,
        "E": 20,
        "F": 18,
        "G": 20,
    }


def test_the_monthly_breakdown_of_each_start_month_adds_up_to_its_cost(plan_book):
    details = rows(plan_book["Rincian bulanan"], 3)
    assert details[0] == ("Bulan mulai", "Bulan", "Peserta", "Tarif (Rp)", "Iuran (Rp)")
    body = details[1:]
    assert len(body) == 7 + 6 + 5 + 4 + 3 + 2 + 1
    assert {(r[2], r[3], r[4]) for r in body} == {(28_795, 37_800, 1_088_451_000)}
    for _, start, _, _, cost, _, _ in TABEL_1:
        assert sum(r[4] for r in body if r[0] == start) == cost
    assert [r[1] for r in body if r[0] == "Oktober"] == ["Oktober", "November", "Desember"]


def test_a_plan_with_everything_has_its_sheets_in_reading_order(tmp_path):
    document = seed_001_full()
    document["workspace"] = workspace_plan()["workspace"]
    book = openpyxl.load_workbook(write_plan(tmp_path / "rencana.xlsx", document))
    assert book.sheetnames == [
        "Rencana APBD",
        "Rincian bulanan",
        "Kebutuhan UHC",
        "Proyeksi",
        "Pembagian biaya",
        "Kalender",
    ]


def test_a_plan_without_extras_has_only_tabel_1_and_its_months(tmp_path):
    book = openpyxl.load_workbook(write_plan(tmp_path / "rencana.xlsx", seed_001()))
    assert book.sheetnames == ["Rencana APBD", "Rincian bulanan"]


def test_the_projection_sheet_grows_participants_and_splits_each_year(plan_book):
    ws = plan_book["Proyeksi"]
    assert ws["A1"].value == "Proyeksi kebutuhan tahunan (pertumbuhan 1,5 % per tahun)"
    assert ws["A2"].value == "Perubahan tarif: tidak ada"
    # 28.795 × 1,015 = 29.226,9 → 29.227; × 1,015² = 29.665,3 → 29.665; cost = people × 37.800
    # × 12; the split is 40/60 of each year (exact here: every cost is a multiple of 10).
    assert rows(ws, 4) == [
        (
            "Tahun",
            "Peserta",
            "Tarif (Rp)",
            "Kebutuhan setahun (Rp)",
            "Bagian provinsi (Rp)",
            "Bagian kabupaten (Rp)",
        ),
        (2024, 28_795, 37_800, 13_061_412_000, 5_224_564_800, 7_836_847_200),
        (2025, 29_227, 37_800, 13_257_367_200, 5_302_946_880, 7_954_420_320),
        (2026, 29_665, 37_800, 13_456_044_000, 5_382_417_600, 8_073_626_400),
    ]


def test_a_rate_change_in_the_projection_is_named_and_applied_from_its_year(tmp_path):
    document = seed_001(
        projection=bg.project(2024, 2, 28_795, 37_800, "0", {2025: 42_000}),
        growth_pct="0",
        rate_changes={2025: 42_000},
    )
    ws = openpyxl.load_workbook(write_plan(tmp_path / "r.xlsx", document))["Proyeksi"]
    assert ws["A1"].value == "Proyeksi kebutuhan tahunan (pertumbuhan 0 % per tahun)"
    assert ws["A2"].value == "Perubahan tarif: 2025: Rp 42.000"
    # 28.795 × 42.000 × 12 = 14.512.680.000
    assert rows(ws, 5) == [
        (2024, 28_795, 37_800, 13_061_412_000),
        (2025, 28_795, 42_000, 14_512_680_000),
    ]


def test_the_split_sheet_divides_the_month_and_the_rest_of_the_year_40_60(plan_book):
    ws = plan_book["Pembagian biaya"]
    assert ws["A2"].value == "Bagian: provinsi 40 %, kabupaten 60 %"
    by_label = {r[0]: r[1:] for r in rows(ws, 7)}
    # 40 % and 60 % of Rp 1.088.451.000 and of Rp 7.619.157.000 (June–December)
    assert by_label["Per bulan"] == (435_380_400, 653_070_600)
    assert by_label["Juni–Desember 2023"] == (3_047_662_800, 4_571_494_200)
    assert rows(ws, 6)[0] == ("Uraian", "provinsi (Rp)", "kabupaten (Rp)")


def test_the_calendar_sheet_holds_real_dates_and_the_days_left(plan_book):
    ws = plan_book["Kalender"]
    assert rows(ws, 3)[0][:5] == ("Tenggat", "TA", "Langkah", "Status", "Hari lagi")
    body = list(ws.iter_rows(min_row=4))
    assert len(body) == 12  # six steps for each of the budget years 2023 and 2024
    due = [r[0].value for r in body]
    assert all(isinstance(d, datetime) for d in due) and due == sorted(due)
    assert {r[0].number_format for r in body} == {"dd/mm/yyyy"}
    rkpd_2024 = next(r for r in body if r[1].value == 2024 and r[0].value == datetime(2023, 5, 28))
    # the RKPD of budget year 2024 was due in the 4th week of May 2023: 3 days before the letter
    assert (rkpd_2024[3].value, rkpd_2024[4].value) == ("sudah lewat", -3)


def test_the_calendar_workbook_alone_has_the_calendar_sheet(tmp_path):
    calendar = calendar_document(seed_001_calendar(), MAY_31)
    book = openpyxl.load_workbook(calendar_workbook(tmp_path / "kalender.xlsx", calendar))
    assert book.sheetnames == ["Kalender"]
    assert book["Kalender"]["A1"].value == (
        "Kalender perencanaan dan penganggaran (hari ini 2023-05-31)"
    )


def test_the_workspace_sheet_prices_the_pemda_list_the_targets_and_the_saving(tmp_path):
    book = openpyxl.load_workbook(write_plan(tmp_path / "r.xlsx", workspace_plan()))
    ws = book["Kebutuhan UHC"]
    assert ws["A1"].value == "Kebutuhan dan penghematan dari workspace, periode 2025-06"
    assert ws["A2"].value == "Tarif Pemda Rp 42.000 per orang per bulan; cakupan dari person."
    body = rows(ws, 5)
    assert body[:8] == [
        ("Penduduk (DKB, hidup, tidak pindah)", 3_000, None, None, None),
        ("Terdaftar JKN", 2_970, None, None, "99,00 %"),
        ("Aktif", 2_332, None, None, "77,73 %"),
        # 500 × Rp 42.000 = Rp 21.000.000 a month, × 12 = Rp 252.000.000
        ("Peserta PBPU-BP Pemda aktif (kartu)", 500, 21_000_000, 252_000_000, None),
        ("Layak dibiayai Pemda (aturan kelayakan)", 600, 25_200_000, 302_400_000, None),
        # 98 % of 3.000 = 2.940 < 2.970 registered: nothing to add
        ("Tambahan peserta untuk cakupan 98 %", 0, 0, 0, "uhc.toml [[targets]]: RPJMN"),
        ("Tambahan peserta untuk cakupan 99,5 %", 15, 630_000, 7_560_000, "--target"),
        (
            "Hemat bila daftar rekonsiliasi ditindaklanjuti",
            None,
            1_764_000,
            21_168_000,
            "sumber: finding",
        ),
    ]
    assert body[8:] == [(f"  {c}", n, rp, rp * 12, None) for c, n, rp in SAVING_BY_RULE]


# --- the plan document ----------------------------------------------------------------------


def test_the_plan_document_is_plain_json():
    document = seed_001_full()
    document["workspace"] = workspace_plan()["workspace"]
    assert json.loads(json.dumps(document)) == document


def test_the_plan_document_holds_the_month_cost_and_each_start_month():
    document = seed_001()
    assert (document["monthly"], document["participants"], document["existing"]) == (
        1_088_451_000,
        28_795,
        3_700_000_000,
    )
    assert [
        (
            i,
            o["start_month_name"],
            o["months"],
            o["participants"],
            o["cost"],
            o["existing"],
            o["total"],
        )
        for i, o in enumerate(document["options"], start=1)
    ] == TABEL_1


def test_the_workspace_part_gives_coverage_activity_and_the_yearly_saving():
    workspace = workspace_plan()["workspace"]
    assert (workspace["coverage_pct"], workspace["active_pct"]) == ("99,00 %", "77,73 %")
    assert workspace["yearly_saving"] == 12 * 1_764_000
    assert [
        (t["coverage_pct"], t["participants_needed"], t["monthly"]) for t in workspace["targets"]
    ] == [("98", 0, 0), ("99.5", 15, 630_000)]


def test_a_workspace_without_residents_has_no_percentages_rather_than_a_division_by_zero():
    empty = {**FIGURES, "population": 0, "registered": 0, "active": 0}
    plan = bg.apbd_plan(2025, 0, 42_000, 0, first_month=7)
    workspace = plan_document(plan, rate_note="", figures=empty)["workspace"]
    assert workspace["coverage_pct"] is None and workspace["active_pct"] is None


def test_the_split_document_labels_the_months_it_covers():
    split = seed_001_full()["split"]
    assert split["year_label"] == "Juni–Desember 2023"
    assert split["monthly"] == {"provinsi": 435_380_400, "kabupaten": 653_070_600}
    assert split["projection"][0]["parts"] == {
        "provinsi": 5_224_564_800,
        "kabupaten": 7_836_847_200,
    }


# --- the plan in the terminal ---------------------------------------------------------------


def test_the_terminal_plan_in_indonesian_names_the_month_cost_and_tabel_1():
    lines = plan_text(seed_001_full(), "id").splitlines()
    assert lines[0] == (
        "Rencana APBD 2023: 28.795 peserta, Rp 1.088.451.000 per bulan; "
        "anggaran yang ada Rp 3.700.000.000."
    )
    assert lines[1] == f"({RATE_NOTE})"
    words = [" ".join(line.split()) for line in lines]
    assert words[3] == ("Bulan mulai Bulan Peserta Kebutuhan s.d. Desember Total termasuk yang ada")
    assert words[5] == "Juni 7 28.795 Rp 7.619.157.000 Rp 11.319.157.000"
    assert words[11] == "Desember 1 28.795 Rp 1.088.451.000 Rp 4.788.451.000"


def test_the_terminal_plan_in_english_uses_english_words_and_month_names():
    text = plan_text(seed_001_full(), "en")
    assert text.startswith(
        "APBD plan 2023: 28.795 participants, Rp 1.088.451.000 a month; "
        "existing allocation Rp 3.700.000.000."
    )
    assert "Start month" in text and "Total with existing" in text
    months = [line.split()[0] for line in text.splitlines()[5:12]]
    assert months == ["June", "July", "August", "September", "October", "November", "December"]


def test_the_terminal_table_right_aligns_its_figures():
    table = plan_text(seed_001(), "id").splitlines()[3:]
    assert len({len(line) for line in table}) == 1  # every line ends at the same column
    assert table[1] == "-" * len(table[0])


def test_the_projection_growth_is_written_with_a_decimal_comma_in_both_languages():
    assert "Proyeksi (1,5 %/th):" in plan_text(seed_001_full(), "id")
    assert "Projection (1,5 %/year):" in plan_text(seed_001_full(), "en")
    assert "  2025: 29.227 × Rp 37.800 × 12 = Rp 13.257.367.200" in plan_text(seed_001_full())


def test_the_terminal_plan_shows_the_split_and_the_calendar():
    text = plan_text(seed_001_full(), "id")
    assert "Pembagian per bulan: provinsi Rp 435.380.400, kabupaten Rp 653.070.600" in text
    assert "Kalender perencanaan, hari ini 2023-05-31" in text
    rkpd = next(line for line in text.splitlines() if line.startswith("  2023-05-28"))
    assert rkpd.split()[:6] == ["2023-05-28", "TA", "2024", "sudah", "lewat", "3"]


def test_the_terminal_plan_prices_each_coverage_target_per_month_and_year():
    text = plan_text(workspace_plan(), "id")
    assert "  Cakupan 99,5 %: +15 peserta = Rp 630.000/bulan, Rp 7.560.000/tahun" in text
    assert (
        "  Hemat bila daftar ditindaklanjuti: Rp 1.764.000/bulan, Rp 21.168.000/tahun (finding)"
        in text
    )
    english = plan_text(workspace_plan(), "en")
    assert "  Coverage 99,5 %: +15 participants = Rp 630.000/month, Rp 7.560.000/year" in english


RUPIAH = re.compile(r"Rp [0-9]{1,3}(?:\.[0-9]{3})*")


@QUICK
@given(
    participants=st.integers(min_value=0, max_value=5_000_000),
    rate=st.integers(min_value=0, max_value=200_000),
    existing=st.integers(min_value=0, max_value=10**13),
    first_month=st.integers(min_value=1, max_value=12),
)
def test_every_rupiah_the_terminal_plan_prints_reads_back_as_the_documents_integer(
    participants, rate, existing, first_month
):
    plan = bg.apbd_plan(2026, participants, rate, existing, first_month)
    document = plan_document(plan, rate_note="tarif diberikan")
    printed = [parse_rupiah(t) for t in RUPIAH.findall(plan_text(document, "id"))]
    expected = [document["monthly"], document["existing"]]
    for option in document["options"]:
        expected += [option["cost"], option["total"]]
    assert printed == expected


@QUICK
@given(
    participants=st.integers(min_value=0, max_value=5_000_000),
    rate=st.integers(min_value=0, max_value=200_000),
    existing=st.integers(min_value=0, max_value=10**13),
    first_month=st.integers(min_value=1, max_value=12),
)
def test_every_rupiah_the_tapd_page_shows_reads_back_as_the_documents_integer(
    participants, rate, existing, first_month
):
    plan = bg.apbd_plan(2026, participants, rate, existing, first_month)
    document = plan_document(plan, rate_note="tarif diberikan", today=date(2025, 10, 1))
    printed = [parse_rupiah(t) for t in RUPIAH.findall(render_html(document, "Kab. X"))]
    expected = [document["monthly"], document["monthly"] * 12, document["existing"]]
    for option in document["options"]:
        expected += [option["cost"], option["total"]]
    assert printed == expected


# --- the one-page PDF for the TAPD ----------------------------------------------------------


def pdf_objects(data: bytes) -> bytes:
    """The PDF's bytes with every compressed stream inflated, so its objects can be read."""
    parts = [data]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(stream.group(1)))
    return b"".join(parts)


def pdf_pages(data: bytes) -> int:
    """Page objects in the PDF (``/Type /Page``, not the ``/Pages`` tree)."""
    return len(re.findall(rb"/Type\s*/Page\b", pdf_objects(data)))


def test_the_tapd_summary_of_seed_001_is_a_one_page_pdf(tmp_path):
    pdf = tmp_path / "tapd" / "ringkasan.pdf"  # the folder is created
    pages = write_tapd_pdf(pdf, seed_001_full(), "Kab. Bengkulu Utara")
    data = pdf.read_bytes()
    assert pages == 1
    assert data.startswith(b"%PDF-")
    assert pdf_pages(data) == 1


def test_a_crowded_summary_still_fits_on_one_page(tmp_path):
    plan = bg.apbd_plan(2025, 15, 42_000, 1_000_000_000, first_month=1)  # 12 start months
    document = plan_document(
        plan,
        rate_note="tarif Pemda Kotawaringin Timur dari pemda_rates.toml",
        figures=FIGURES,
        targets=TARGETS,
        projection=bg.project(2026, 10, 600, 42_000, "2.5", {2028: 45_000}),
        growth_pct="2.5",
        rate_changes={2028: 45_000},
        shares={"provinsi": "40", "kabupaten": "60"},
        calendar=bg.calendar_status(
            bg.planning_calendar(2025) + bg.planning_calendar(2026) + bg.planning_calendar(2027),
            date(2025, 6, 15),
        ),
        today=date(2025, 6, 15),
    )
    pdf = tmp_path / "ringkasan.pdf"
    assert write_tapd_pdf(pdf, document, "Kab. Kotawaringin Timur") == 1
    assert pdf_pages(pdf.read_bytes()) == 1


def test_the_tapd_page_shows_the_key_figures_of_seed_001_in_indonesian_format():
    page = render_html(seed_001_full(), "Kab. Bengkulu Utara")
    keys = re.findall(r'<div class="key"><b>(.*?)</b><span>(.*?)</span></div>', page)
    assert keys == [
        ("28.795", "peserta yang dibiayai"),
        ("Rp 1.088.451.000", "per bulan"),
        ("Rp 13.061.412.000", "setahun penuh (12 bulan)"),  # 12 × Rp 1.088.451.000
        ("Rp 3.700.000.000", "sudah ada di APBD"),
    ]


def test_the_tapd_page_lists_tabel_1_row_by_row():
    page = render_html(seed_001_full())
    body = re.search(r"Tabel 1 seed 001\)</h2>\s*<table>.*?<tbody>(.*?)</tbody>", page, re.S)
    assert body is not None
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.group(1).split("</tr>")[:-1]]
    assert cells == [
        [
            str(no),
            month,
            str(months),
            "28.795",
            f"Rp {cost:,}".replace(",", "."),
            f"Rp {total:,}".replace(",", "."),
        ]
        for no, month, months, _, cost, _, total in TABEL_1
    ]


def test_the_tapd_page_names_the_region_the_date_and_the_rate():
    page = render_html(seed_001_full(), "Kab. Bengkulu Utara")
    assert (
        "<title>Ringkasan untuk TAPD — iuran JKN PBPU-BP Pemda tahun anggaran 2023</title>" in page
    )
    assert (
        '<p class="sub">Kab. Bengkulu Utara · disiapkan 31 Mei 2023 · '
        "tarif Rp 37.800 per orang per bulan (diberikan)</p>"
    ) in page


def test_without_a_calendar_the_tapd_page_is_dated_today():
    page = render_html(seed_001(), "Kab. Bengkulu Utara")
    today = date.today()
    month = bg.MONTHS_ID[today.month - 1]  # "Januari" … "Desember"
    assert f"disiapkan {today.day} {month} {today.year}" in page
    assert "Kalender perencanaan" not in page


def test_text_from_a_document_is_escaped_in_the_tapd_page():
    document = seed_001()
    document["rate_note"] = "tarif <b>naik</b> & turun"
    page = render_html(document, "Kab. A & B")
    assert "tarif &lt;b&gt;naik&lt;/b&gt; &amp; turun" in page and "<b>naik</b>" not in page
    assert "Kab. A &amp; B" in page


def test_the_start_month_the_pemda_chose_is_highlighted():
    document = seed_001()
    document["chosen_month"] = 11  # seed 001: Bengkulu Utara chose November 2023
    page = render_html(document)
    assert page.count('<tr class="chosen">') == 1
    assert '<tr class="chosen"><td>6</td><td>November</td>' in page


def test_the_tapd_page_shows_the_projection_split_and_workspace_in_indonesian_format():
    page = render_html(seed_001_full())
    assert "<h2>Proyeksi (pertumbuhan 1,5 %/tahun)</h2>" in page
    assert '<td>2025</td><td class="n">29.227</td><td class="n">Rp 37.800</td>' in page
    assert '<td>Persen</td><td class="n">40 %</td><td class="n">60 %</td>' in page
    assert '<td>Juni–Desember 2023</td><td class="n">Rp 3.047.662.800</td>' in page
    workspace = render_html(workspace_plan())
    assert (
        '<td>Tambahan peserta untuk cakupan 99,5 %</td><td class="n">15</td>'
        '<td class="n">Rp 630.000</td><td class="n">Rp 7.560.000</td>'
    ) in workspace
    assert '<td class="n">Rp 1.764.000</td><td class="n">Rp 21.168.000</td>' in workspace


def test_the_tapd_page_shows_at_most_six_projection_years():
    document = seed_001(projection=bg.project(2024, 9, 28_795, 37_800), growth_pct="0")
    page = render_html(document)
    projection = page.split("<h2>Proyeksi")[1].split("</table>")[0]
    assert re.findall(r"<tr><td>(\d{4})</td>", projection) == [str(y) for y in range(2024, 2030)]


def test_the_tapd_calendar_looks_ahead_with_only_the_last_two_deadlines_passed():
    page = render_html(seed_001_full())
    calendar = page.split("<h2>Kalender perencanaan (hari ini 2023-05-31)</h2>")[1]
    due = re.findall(r"<tr><td>(\d+&nbsp;\w+&nbsp;\d{4})</td>", calendar)
    assert due[:2] == ["30&nbsp;Nov&nbsp;2022", "28&nbsp;Mei&nbsp;2023"]  # the last two passed
    assert len(due) == 2 + 6  # and every deadline still ahead
    assert "28&nbsp;Mei&nbsp;2022" not in calendar
    assert calendar.count('class="lewat"') == 2
    assert "3&nbsp;hari lalu" in calendar and "44&nbsp;hari lagi" in calendar


def test_the_font_size_is_filled_into_the_page_style():
    assert "font-size: 7.5pt;" in render_html(seed_001(), font=7.5)
    assert "$" not in render_html(seed_001_full()).split("<body>")[1]  # every slot filled


# --- the monthly bill -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def june_2023_bill() -> dict:
    """Bengkulu Utara (17.03), June 2023: 28.795 Pemda-paid and 1.000 kelas III mandiri."""
    return bill_document(bg.monthly_bill(date(2023, 6, 1), 28_795, 1_000, region="17.03"))


def test_the_bill_document_gives_the_month_its_lines_and_the_year(june_2023_bill):
    assert june_2023_bill["month"] == "2023-06"
    # Rp 1.088.451.000 + 1.000 × Rp 2.800 (Pemda share of the kelas III bantuan iuran)
    assert june_2023_bill["total"] == 1_091_251_000
    assert june_2023_bill["yearly"] == 12 * 1_091_251_000
    assert json.loads(json.dumps(june_2023_bill)) == june_2023_bill


def test_the_bill_reads_in_indonesian(june_2023_bill):
    assert bill_text(june_2023_bill, "id").splitlines() == [
        "Tagihan bulan 2023-06",
        "  Iuran peserta PBPU-BP Pemda aktif: 28.795 × Rp 37.800 = Rp 1.088.451.000",
        "  Bantuan iuran bagian Pemda, peserta PBPU/BP kelas III aktif: 1.000 × Rp 2.800 = "
        "Rp 2.800.000",
        "  Jumlah: Rp 1.091.251.000",
    ]


def test_the_bill_reads_in_english(june_2023_bill):
    lines = bill_text(june_2023_bill, "en").splitlines()
    assert lines[0] == "Bill for 2023-06"
    assert lines[1] == (
        "  Iuran of active PBPU-BP Pemda participants: 28.795 × Rp 37.800 = Rp 1.088.451.000"
    )
    assert lines[-1] == "  Total: Rp 1.091.251.000"


# --- the planning calendar ------------------------------------------------------------------


def test_the_calendar_document_carries_both_languages_and_iso_dates():
    calendar = calendar_document(seed_001_calendar(), MAY_31)
    rkpd = next(d for d in calendar["deadlines"] if (d["code"], d["budget_year"]) == ("RKPD", 2024))
    assert (rkpd["due"], rkpd["days_left"], rkpd["status"]) == ("2023-05-28", -3, "lewat")
    assert rkpd["status_label"] == {"id": "sudah lewat", "en": "passed"}
    assert set(rkpd["label"]) == set(rkpd["action"]) == {"id", "en"}


def test_the_calendar_text_counts_days_ago_and_ahead_in_each_language():
    calendar = calendar_document(seed_001_calendar(), MAY_31)
    indonesian = calendar_text(calendar, "id")
    assert indonesian[0] == "Kalender perencanaan, hari ini 2023-05-31"
    assert "3 hari lalu" in indonesian[6] and indonesian[6].startswith("  2023-05-28  TA 2024")
    assert "44 hari lagi" in indonesian[7]
    english = calendar_text(calendar, "en")
    assert english[0] == "Planning calendar, today 2023-05-31"
    assert "3 days ago" in english[6] and "in 44 days" in english[7]


# --- the invoice verification workbook ------------------------------------------------------

# A hand-made invoice at the 62.02 rate Rp 42.000: six rows billed, rows 1–4 fine, row 5 bills
# the person of row 4 again (TAG-GANDA), row 6 is an unknown card billed at Rp 45.000
# (TAG-TIDAK-DIKENAL, and Rp 3.000 over the rate). The Pemda's own list has five eligible people,
# one of them not billed and not registered.
LABELS = el.invoice_findings(date(2025, 6, 1))


def _labelled(code: str) -> dict:
    finding = LABELS[code]
    return {
        "label": finding.label.as_dict(),
        "office": finding.office,
        "action": finding.action.as_dict(),
    }


INVOICE = InvoiceCheck(
    period="2025-06",
    file_id=9,
    file_name="tagihan_6202_2025-06.xlsx",
    rate=42_000,
    rows_billed=6,
    rupiah_billed=5 * 42_000 + 45_000,  # 255.000
    persons_billed=4,  # rows 4 and 5 are one person; row 6 is nobody known
    rows_accepted=4,
    rupiah_payable=4 * 42_000,
    rows_not_accepted=2,
    rupiah_not_accepted=45_000 + 42_000,
    by_finding=[
        {
            "code": "TAG-TIDAK-DIKENAL",
            "rows": 1,
            "rupiah": 45_000,
            **_labelled("TAG-TIDAK-DIKENAL"),
        },
        {"code": "TAG-GANDA", "rows": 1, "rupiah": 42_000, **_labelled("TAG-GANDA")},
    ],
    rate_difference_rows=1,
    rate_difference_rupiah=3_000,
    rate_difference_finding={"code": "TAG-TARIF", **_labelled("TAG-TARIF")},
    eligible_persons=5,
    expected_rupiah=5 * 42_000,
    eligible_not_billed=[
        {
            "code": "TAG-BELUM-TERDAFTAR",
            "persons": 1,
            "rupiah": 42_000,
            **_labelled("TAG-BELUM-TERDAFTAR"),
        },
    ],
    headcount_difference=6 - 5,
    rupiah_difference=255_000 - 210_000,
).as_dict()
NOT_ACCEPTED = [
    (
        5,
        "0001000012345",
        "6202015408730001",
        "UMI DJAHRI",
        42_000,
        "TAG-GANDA",
        LABELS["TAG-GANDA"].label.id,
        '{"baris_pertama": 4, "kartu": ["0001000012345", "0001000012346"], "catatan": null, '
        '"lain": []}',
        LABELS["TAG-GANDA"].action.id,
    ),
    (
        6,
        "0000000000099",
        None,
        "TIDAK DIKENAL",
        45_000,
        "TAG-TIDAK-DIKENAL",
        LABELS["TAG-TIDAK-DIKENAL"].label.id,
        "catatan petugas: kartu tidak ada",
        LABELS["TAG-TIDAK-DIKENAL"].action.id,
    ),
]
RATE_ROWS = [(6, "0000000000099", None, "TIDAK DIKENAL", 45_000, 42_000, 3_000)]
NOT_BILLED = [
    (
        "6202014107950001",
        "SITI AMINAH",
        "6202011009",
        2,
        "ELG-LAYAK",
        "TAG-BELUM-TERDAFTAR",
        LABELS["TAG-BELUM-TERDAFTAR"].label.id,
        42_000,
    )
]


@pytest.fixture(scope="module")
def invoice_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("invoice") / "verifikasi.xlsx"
    return openpyxl.load_workbook(write_invoice(path, INVOICE, NOT_ACCEPTED, RATE_ROWS, NOT_BILLED))


def test_the_invoice_workbook_has_the_summary_then_the_three_lists(invoice_book):
    assert invoice_book.sheetnames == [
        "Ringkasan",
        "Ditagih tidak layak",
        "Layak tidak ditagih",
        "Selisih tarif",
    ]


def test_the_invoice_summary_accounts_for_every_row_and_rupiah_billed(invoice_book):
    ws = invoice_book["Ringkasan"]
    assert ws["A1"].value == (
        "Verifikasi tagihan iuran PBPU-BP Pemda 2025-06 — tagihan_6202_2025-06.xlsx"
    )
    assert ws["A2"].value == "Tarif Pemda yang berlaku Rp 42.000 per orang per bulan."
    assert rows(ws, 5) == [
        ("Uraian", "Jumlah", "Rupiah"),
        ("Baris ditagih BPJS", 6, 255_000),
        ("Orang ditagih", 4, None),
        ("Diterima (layak, tidak ganda)", 4, 168_000),
        ("Ditagih tetapi tidak diterima", 2, 87_000),
        (f"  TAG-TIDAK-DIKENAL: {LABELS['TAG-TIDAK-DIKENAL'].label.id}", 1, 45_000),
        (f"  TAG-GANDA: {LABELS['TAG-GANDA'].label.id}", 1, 42_000),
        ("Daftar Pemda: orang layak × tarif", 5, 210_000),
        (
            f"  tidak ditagih — TAG-BELUM-TERDAFTAR: {LABELS['TAG-BELUM-TERDAFTAR'].label.id}",
            1,
            42_000,
        ),
        ("Selisih jumlah orang (ditagih − layak)", 1, None),
        ("Selisih Rupiah (ditagih − daftar Pemda)", None, 45_000),
        (
            f"TAG-TARIF: {LABELS['TAG-TARIF'].label.id} — {LABELS['TAG-TARIF'].action.id}",
            1,
            3_000,
        ),
    ]


def test_the_invoice_evidence_is_plain_text_without_empty_values(invoice_book):
    ws = invoice_book["Ditagih tidak layak"]
    evidence = [r[7] for r in rows(ws, 4)]
    assert evidence == [
        "baris_pertama: 4; kartu: 0001000012345, 0001000012346",
        "catatan petugas: kartu tidak ada",  # not JSON: kept as written
    ]


def test_card_numbers_and_niks_in_the_invoice_lists_keep_their_leading_zeros(invoice_book):
    rejected = invoice_book["Ditagih tidak layak"]
    cards = [rejected.cell(row=r, column=2) for r in (4, 5)]
    assert [c.value for c in cards] == ["0001000012345", "0000000000099"]
    assert {(c.data_type, c.number_format) for c in cards} == {("s", "@")}
    assert rejected["C4"].value == "6202015408730001" and rejected["C5"].value is None
    rate = invoice_book["Selisih tarif"]
    assert rows(rate, 4) == [(6, "0000000000099", None, "TIDAK DIKENAL", 45_000, 42_000, 3_000)]
    assert rate["E4"].number_format == rate["G4"].number_format == '"Rp" #,##0'


def test_the_eligible_people_not_billed_are_listed_with_their_desa_and_rate(invoice_book):
    ws = invoice_book["Layak tidak ditagih"]
    assert rows(ws, 3)[0][:5] == ("NIK", "Nama", "Kode desa", "Desil", "Kode kelayakan")
    assert rows(ws, 4) == [NOT_BILLED[0]]
    assert ws["C4"].data_type == "s" and ws["H4"].number_format == '"Rp" #,##0'


def test_the_invoice_text_sums_up_in_indonesian():
    lines = invoice_text(INVOICE, "id").splitlines()
    assert lines[:3] == [
        "Tagihan tagihan_6202_2025-06.xlsx (2025-06): 6 baris, Rp 255.000.",
        "  diterima 4 baris, layak dibayar Rp 168.000",
        "  ditagih tetapi tidak diterima 2 baris = Rp 87.000:",
    ]
    assert lines[-2] == "  Daftar Pemda: 5 layak = Rp 210.000; selisih +1 orang, Rp 45.000"
    assert lines[-1] == "  baris dengan tarif lain: 1, Rp 3.000"


def test_the_invoice_text_sums_up_in_english_with_a_signed_difference():
    short = {**INVOICE, "headcount_difference": -3, "rupiah_difference": -126_000}
    lines = invoice_text(short, "en").splitlines()
    assert lines[0] == "Invoice tagihan_6202_2025-06.xlsx (2025-06): 6 rows, Rp 255.000."
    assert lines[-2] == (
        "  Pemda list: 5 eligible = Rp 210.000; difference -3 persons, -Rp 126.000"
    )
    assert "  eligible but not billed:" in lines
