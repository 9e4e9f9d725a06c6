"""`semesta uhc`: the workspace report and the hand-typed classification, in both languages."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import openpyxl
import pytest

from semesta.pipeline.workspace import Workspace

KALTENG = ["--population", "100000", "--registered", "100180", "--active", "85240"]


def semesta(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "semesta.cli", *args], capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def workspace(small_ingested, tmp_path_factory) -> Workspace:
    target = tmp_path_factory.mktemp("uhc-cli") / "w"
    shutil.copytree(small_ingested[0].path, target, ignore=shutil.ignore_patterns(".tmp"))
    return Workspace(target)


# --- semesta uhc classify -------------------------------------------------------------------


def test_classify_prints_one_json_document_with_the_category_and_its_reasons():
    done = semesta(
        "uhc", "classify", "--date", "2026-01-27", *KALTENG, "--pemda", "10000",
        "--arrears", "0", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["indicators"]["coverage_pct"] == "100.1800"
    assert document["status"]["code"] == "UHC-PRIORITAS"
    assert document["award"]["code"] == "UHC-AWARD-2026-MADYA"
    madya = document["award"]["categories"][1]
    assert madya["name"] == "madya" and madya["met"] is True and madya["source"]


def test_classify_with_the_keaktifan_98_reading_gives_pratama():
    done = semesta(
        "uhc", "classify", "--date", "2026-01-27", *KALTENG, "--pemda", "10000",
        "--arrears", "0", "--award-variant", "madya_keaktifan_98", "--json",
    )  # fmt: skip
    assert json.loads(done.stdout)["award"]["category"] == "pratama"


def test_classify_explains_pamekasan_in_indonesian_with_each_reason():
    done = semesta(
        "uhc", "classify", "--date", "2025-06-30", "--population", "100000",
        "--registered", "98600", "--active", "79140", "--arrears", "Rp 43.000.000.000",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Status: UHC non-prioritas (cut-off)" in done.stdout
    assert "Keaktifan (aktif ÷ penduduk) 79,14 % (syarat ≥ 80 %) → belum terpenuhi" in done.stdout
    assert "tunggakan Pemda Rp 43.000.000.000" in done.stdout
    assert "tambah 860 peserta aktif" in done.stdout


def test_classify_speaks_english_on_request():
    done = semesta(
        "uhc", "classify", "--date", "2023-06-30", "--population", "100000",
        "--registered", "96550", "--active", "74920", "--arrears", "0", "--lang", "en",
    )  # fmt: skip
    assert "Activity (active ÷ population) 74.92 % (required ≥ 75 %) → not met" in done.stdout
    assert "UHC Award 2024" in done.stdout


def test_classify_refuses_impossible_figures_with_a_bilingual_message():
    done = semesta("uhc", "classify", "--population", "10", "--registered", "5", "--active", "6")
    assert done.returncode == 2
    assert "GALAT:" in done.stderr and "exceed registered participants" in done.stderr
    assert "Traceback" not in done.stderr


def test_classify_refuses_arrears_written_with_sen():
    done = semesta("uhc", "classify", *KALTENG, "--arrears", "1.000,50")
    assert done.returncode == 2 and "sen" in done.stderr


# --- semesta uhc --workspace --------------------------------------------------------------


def test_the_workspace_report_is_one_json_document_for_the_kabupaten(workspace):
    done = semesta(
        "uhc", "--workspace", str(workspace.path), "--period", "2025-06", "--arrears", "0",
        "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["kabupaten"] == "6202" and document["basis"] == "nik"
    assert "semesta reconcile" in document["basis_note"]["en"]
    (kabupaten,) = document["areas"]
    assert kabupaten["level"] == "kabupaten"
    counts = kabupaten["counts"]
    assert 0 < counts["active"] <= counts["registered"] <= counts["population"] <= 3_000
    assert kabupaten["status"]["code"] in ("UHC-PRIORITAS", "UHC-NON-PRIORITAS")
    assert [g["target"] for g in kabupaten["gaps"]][:3] == [
        "coverage_95",
        "coverage_98",
        "coverage_99",
    ]
    assert kabupaten["levers"] and kabupaten["bpjs_list"]["listed"] >= counts["registered"]


def test_the_desa_level_lists_every_desa_with_residents(workspace):
    done = semesta(
        "uhc", "--workspace", str(workspace.path), "--period", "2025-06", "--level", "desa",
        "--json",
    )  # fmt: skip
    desa = json.loads(done.stdout)["areas"]
    assert len(desa) > 100 and {d["level"] for d in desa} == {"desa"}
    assert sum(d["counts"]["population"] for d in desa) == _population(workspace)


def _population(workspace: Workspace) -> int:
    db = workspace.connect(read_only=True)
    try:
        return int(
            db.execute(
                "SELECT population FROM uhc_aggregate WHERE level = 'kabupaten' "
                "AND segmen = 'SEMUA' AND period = '2025-06'"
            ).fetchall()[0][0]
        )
    finally:
        db.close()


def test_the_human_report_shows_status_award_gap_and_levers(workspace):
    done = semesta("uhc", "--workspace", str(workspace.path), "--period", "2025-06")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "Kabupaten Kotawaringin Timur (62.02)" in text
    assert "Status: UHC" in text and "UHC Award 2026" in text
    assert "Celah ke setiap target:" in text and "keaktifan 83,5 %" in text
    assert "Menurut daftar BPJS" in text and "Rp 42.000" in text


def test_the_excel_has_one_formatted_sheet_per_level_with_status_and_gap(workspace, tmp_path):
    book = tmp_path / "uhc.xlsx"
    done = semesta(
        "uhc", "--workspace", str(workspace.path), "--period", "2025-06", "--xlsx", str(book),
        "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    kabupaten = json.loads(done.stdout)["areas"][0]
    workbook = openpyxl.load_workbook(book)
    assert workbook.sheetnames == ["Kabupaten", "Kecamatan", "Desa", "Penutup celah", "Segmen"]
    for name in ("Kabupaten", "Kecamatan", "Desa"):
        sheet = workbook[name]
        header = [cell.value for cell in next(r for r in sheet.iter_rows() if r[0].value == "Kode")]
        assert "Status UHC" in header and "Kurang aktif ke 80 %" in header
        assert sheet.freeze_panes is not None and sheet.auto_filter.ref
    sheet = workbook["Kabupaten"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    top = next(i for i, row in enumerate(rows) if row[0] == "Kode")
    header, first = rows[top], rows[top + 1]
    assert first[header.index("Penduduk")] == kabupaten["counts"]["population"]
    assert first[header.index("Status UHC")] == kabupaten["status"]["label"]["id"]
    gap = next(g for g in kabupaten["gaps"] if g["target"] == "active_80")
    assert first[header.index("Kurang aktif ke 80 %")] == gap["missing"]
    coverage = sheet.cell(row=top + 2, column=header.index("Cakupan") + 1)
    assert coverage.number_format == "0.00%"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2025-06"], "Give --workspace PATH and --period"),
        (["--workspace", "W", "--period", "2025-06", "--level", "provinsi"], "Unknown level"),
        (["--workspace", "W", "--period", "2025-6"], "Period '2025-6' is not valid"),
    ],
)
def test_usage_mistakes_are_bilingual_errors_with_exit_code_2(workspace, args, message):
    args = [str(workspace.path) if a == "W" else a for a in args]
    done = semesta("uhc", *args)
    assert done.returncode == 2 and message in done.stderr and "GALAT:" in done.stderr


def test_a_missing_workspace_is_explained_not_created(tmp_path):
    done = semesta("uhc", "--workspace", str(tmp_path / "none"), "--period", "2025-06")
    assert done.returncode == 2 and "does not exist yet" in done.stderr
    assert not (tmp_path / "none").exists()
