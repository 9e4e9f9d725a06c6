"""``semesta budget``: Tabel 1 of seed 001 from the command line, the Excel and the one-page PDF
for the TAPD, the monthly bill, the calendar, and the workspace commands (eligibility, preview,
invoice) on the small synthetic kabupaten."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from semesta.pipeline.anomalies import reconcile
from semesta.pipeline.workspace import Workspace

TABEL_1 = [
    ("Juni", 7, 7_619_157_000, 11_319_157_000),
    ("Juli", 6, 6_530_706_000, 10_230_706_000),
    ("Agustus", 5, 5_442_255_000, 9_142_255_000),
    ("September", 4, 4_353_804_000, 8_053_804_000),
    ("Oktober", 3, 3_265_353_000, 6_965_353_000),
    ("November", 2, 2_176_902_000, 5_876_902_000),
    ("Desember", 1, 1_088_451_000, 4_788_451_000),
]
SEED_001 = [
    "budget",
    "plan",
    "--year",
    "2023",
    "--participants",
    "28795",
    "--rate",
    "37800",
    "--existing",
    "3700000000",
]


def semesta(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "semesta.cli", *args], capture_output=True, text=True
    )


def test_the_plan_on_31_may_2023_prints_tabel_1_of_seed_001_as_json():
    done = semesta(*SEED_001, "--today", "2023-05-31", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["monthly"] == 1_088_451_000
    rows = [
        (o["start_month_name"], o["months"], o["cost"], o["total"]) for o in document["options"]
    ]
    assert rows == TABEL_1
    assert document["options"][0]["participants"] == 28_795


def test_the_plan_prints_indonesian_rupiah_by_default():
    done = semesta(*SEED_001, "--today", "2023-05-31")
    assert done.returncode == 0, done.stderr
    assert "Rp 1.088.451.000 per bulan" in done.stdout
    assert "Rp 11.319.157.000" in done.stdout and "Rp 4.788.451.000" in done.stdout


def test_the_plan_writes_a_formatted_workbook_and_a_one_page_pdf_for_the_tapd(tmp_path):
    xlsx, pdf = tmp_path / "rencana.xlsx", tmp_path / "tapd.pdf"
    done = semesta(
        *SEED_001,
        "--today",
        "2023-05-31",
        "--years",
        "3",
        "--growth-pct",
        "1,5",
        "--provinsi-pct",
        "40",
        "--xlsx",
        str(xlsx),
        "--pdf",
        str(pdf),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["pdf"]["pages"] == 1
    assert pdf.read_bytes().startswith(b"%PDF")
    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert book.sheetnames == [
        "Rencana APBD",
        "Rincian bulanan",
        "Proyeksi",
        "Pembagian biaya",
        "Kalender",
    ]
    table = [r for r in book["Rencana APBD"].iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [(r[1], r[2], r[4], r[6]) for r in table] == TABEL_1
    assert document["split"]["monthly"] == {"provinsi": 435_380_400, "kabupaten": 653_070_600}
    assert [p["participants"] for p in document["projection"]["years"]] == [
        28_795,
        29_227,
        29_665,
    ]


def test_the_rate_can_come_from_the_rules_of_bengkulu_utara():
    done = semesta(
        "budget",
        "plan",
        "--year",
        "2023",
        "--participants",
        "28795",
        "--region",
        "17.03",
        "--from-month",
        "11",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    options = json.loads(done.stdout)["options"]
    assert [(o["start_month"], o["cost"]) for o in options] == [
        (11, 2_176_902_000),
        (12, 1_088_451_000),
    ]


def test_a_plan_without_a_rate_is_a_bilingual_usage_error():
    done = semesta("budget", "plan", "--year", "2023", "--participants", "10")
    assert done.returncode == 2
    assert "GALAT:" in done.stderr and "--rate" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_bill_adds_the_pemda_bantuan_share_for_kelas_iii():
    done = semesta(
        "budget",
        "bill",
        "--month",
        "2023-06",
        "--pemda-paid",
        "28795",
        "--kelas3",
        "1000",
        "--region",
        "17.03",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert [line["amount"] for line in document["lines"]] == [1_088_451_000, 2_800_000]
    assert document["total"] == 1_091_251_000


def test_the_calendar_shows_what_is_due_against_the_date_given():
    done = semesta("budget", "calendar", "--today", "2026-05-01", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    due = {(d["code"], d["budget_year"]): (d["due"], d["status"]) for d in document["deadlines"]}
    assert due["RKPD", 2027] == ("2026-05-28", "segera")
    assert due["APBD-P-SETUJU", 2026] == ("2026-09-30", "akan_datang")
    assert due["APBD-SETUJU", 2026] == ("2025-11-30", "lewat")
    assert document["earliest_full_year"] == 2027


# --- workspace commands -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def reconciled(small_ingested, tmp_path_factory) -> Path:
    source, _ = small_ingested
    target = tmp_path_factory.mktemp("budget-cli") / "workspace"
    shutil.copytree(source.path, target)
    reconcile(Workspace(target), "2025-06")
    return target


def test_eligibility_stores_the_decision_and_previews_a_narrower_desil(reconciled, tmp_path):
    xlsx = tmp_path / "kelayakan.xlsx"
    done = semesta(
        "budget",
        "eligibility",
        "--workspace",
        str(reconciled),
        "--period",
        "2025-06",
        "--preview-desil-max",
        "4",
        "--budget",
        "Rp 20.000.000",
        "--xlsx",
        str(xlsx),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    decision, preview, line = document["decision"], document["preview"], document["budget_line"]
    assert decision["residents"] == 3_000 and decision["rate"] == 42_000
    assert preview["proposed"]["desil"] == "1–4"
    assert preview["eligible_after"] == decision["eligible"] - preview["leaving"]
    assert line["funded"] == 476
    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert book.sheetnames == [
        "Ringkasan kelayakan",
        "Pratinjau perubahan",
        "Yang masuk dan keluar",
        "Di bawah garis anggaran",
    ]


def test_the_invoice_command_ingests_the_file_and_writes_the_verification_workbook(
    reconciled, small_exports, tmp_path
):
    invoice = next(small_exports.glob("tagihan_*.xlsx"))
    xlsx = tmp_path / "verifikasi.xlsx"
    done = semesta(
        "budget",
        "invoice",
        str(invoice),
        "--workspace",
        str(reconciled),
        "--period",
        "2025-06",
        "--xlsx",
        str(xlsx),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["rows_billed"] == 758
    assert document["rows_accepted"] + document["rows_not_accepted"] == 758
    assert {f["code"] for f in document["by_finding"]} >= {"ELG-HIDUP", "ELG-DESIL", "TAG-GANDA"}
    assert xlsx.exists()
    human = semesta(
        "budget",
        "invoice",
        str(invoice),
        "--workspace",
        str(reconciled),
        "--period",
        "2025-06",
    )
    assert "ditagih tetapi tidak diterima" in human.stdout


def test_an_invoice_of_another_kind_is_refused_in_two_languages(reconciled, small_exports):
    deaths = next(small_exports.glob("kematian_*.csv"))
    done = semesta(
        "budget",
        "invoice",
        str(deaths),
        "--workspace",
        str(reconciled),
        "--period",
        "2025-06",
    )
    assert done.returncode == 2
    assert "GALAT:" in done.stderr and "ERROR:" in done.stderr
    assert "kematian" in done.stderr
    db = Workspace(reconciled).connect(read_only=True)
    try:
        kinds = db.execute("SELECT layout, count(*) FROM files GROUP BY ALL").fetchall()
    finally:
        db.close()
    assert dict(kinds)["kematian"] == 1  # the wrong file was refused, not ingested


def test_the_workspace_plan_prices_the_coverage_targets_and_the_saving(reconciled):
    done = semesta(
        "budget",
        "plan",
        "--workspace",
        str(reconciled),
        "--period",
        "2025-06",
        "--target",
        "99.5",
        "--today",
        "2025-06-15",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    workspace = document["workspace"]
    assert workspace["targets"] == [
        {
            "coverage_pct": "99.5",
            # 99,5 % of 3.000 residents is 2.985; 2.960 are registered: 25 more
            "participants_needed": 25,
            "monthly": 25 * 42_000,
            "yearly": 25 * 42_000 * 12,
            "source": "--target",
        }
    ]
    assert workspace["monthly_saving"] == 1_848_000 and workspace["yearly_saving"] == 22_176_000
    assert document["participants"] == 25
    assert [o["start_month"] for o in document["options"]] == list(range(7, 13))


def test_workspace_commands_before_a_reconciliation_say_what_to_run(small_ingested, tmp_path):
    source, _ = small_ingested
    shutil.copytree(source.path, tmp_path / "raw")
    done = semesta(
        "budget", "eligibility", "--workspace", str(tmp_path / "raw"), "--period", "2025-06"
    )
    assert done.returncode == 2
    assert "semesta reconcile" in done.stderr
