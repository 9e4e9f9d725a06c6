"""Ingestion loses nothing: every row is ingested or quarantined with a reason a person reads."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

from conftest import SMALL, write
from semesta.pipeline.ingest import ingest
from semesta.pipeline.workspace import Workspace

PERIOD = "2025-06"


def rows(workspace: Workspace, sql: str, params=None) -> list[tuple]:
    db = workspace.connect(read_only=True)
    try:
        return db.execute(sql, params or []).fetchall()
    finally:
        db.close()


def only_file(report):
    assert len(report.files) == 1, report.files
    return report.files[0]


# --- accounting ----------------------------------------------------------------------------


def test_every_row_of_the_synthetic_kabupaten_is_ingested_or_quarantined(small_ingested):
    workspace, report = small_ingested
    assert {f.status for f in report.files} == {"ingested"}
    for file in report.files:
        assert file.rows_read == file.rows_ingested + file.rows_quarantined, file
        assert file.rows_read > 0
    stored = dict(rows(workspace, "SELECT file_name, rows_read FROM files"))
    assert stored == {f.file: f.rows_read for f in report.files}


def test_the_workspace_holds_exactly_the_rows_the_report_says(small_ingested):
    workspace, report = small_ingested
    for file in report.files:
        (count,) = rows(
            workspace,
            f"SELECT count(*) FROM {file.layout} d JOIN files f USING "
            "(file_id) WHERE f.file_name = ?",
            [file.file],
        )[0]
        (quarantined,) = rows(
            workspace,
            "SELECT count(DISTINCT (sheet, row_number)) FROM "
            "quarantine WHERE file_name = ? AND scope = 'row'",
            [file.file],
        )[0]
        assert count == file.rows_ingested
        assert quarantined == file.rows_quarantined


def test_every_synthetic_row_is_found_by_its_sheet_and_row_number(small_exports, small_ingested):
    import pyarrow.parquet as pq

    workspace, _ = small_ingested
    truth = pq.read_table(small_exports / "truth" / "rows.parquet").to_pylist()
    by_file: dict[str, set] = {}
    for row in truth:
        by_file.setdefault(row["file"], set()).add((row["sheet"] or "", row["row_number"]))
    for file_name, expected in by_file.items():
        layout = rows(workspace, "SELECT layout FROM files WHERE file_name = ?", [file_name])[0][0]
        seen = set(
            rows(
                workspace,
                f"SELECT coalesce(sheet, ''), row_number FROM {layout} d "
                "JOIN files f USING (file_id) WHERE f.file_name = ?",
                [file_name],
            )
        )
        seen |= set(
            rows(
                workspace,
                "SELECT coalesce(sheet, ''), row_number FROM quarantine "
                "WHERE file_name = ? AND scope = 'row'",
                [file_name],
            )
        )
        assert seen == expected, file_name


def test_excel_damaged_niks_are_repaired_when_certain_and_quarantined_otherwise(small_ingested):
    workspace, report = small_ingested
    dkb = next(f for f in report.files if f.layout == "dkb")
    assert set(dkb.values_repaired) == {"nik: akhiran_desimal", "nik: apostrof", "nik: pemisah"}
    assert set(dkb.values_rejected) == {"nik: nik_notasi_ilmiah"}
    bpjs = next(f for f in report.files if f.layout == "bpjs_peserta")
    assert set(bpjs.values_rejected) == {"nik: nik_digit_akhir_dibulatkan"}
    # A BPJS member whose NIK Excel rounded is still a member: the row stays, the value is held.
    (kept,) = rows(
        workspace, "SELECT count(*) FROM bpjs_peserta WHERE nik IS NULL AND nik_asli IS NOT NULL"
    )[0]
    assert kept == bpjs.values_rejected["nik: nik_digit_akhir_dibulatkan"]


def test_quarantine_names_file_row_column_value_and_reason_in_both_languages(small_ingested):
    workspace, _ = small_ingested
    found = rows(
        workspace,
        "SELECT file_name, sheet, row_number, column_name, value, reason_id, "
        "reason_en FROM quarantine WHERE reason_code = 'nik_notasi_ilmiah' LIMIT 1",
    )
    file_name, _sheet, row_number, column, value, reason_id, reason_en = found[0]
    assert file_name.startswith("dkb_")
    assert row_number > 4  # below the title block and the header
    assert column == "nik"
    assert "E+15" in value
    assert "notasi ilmiah" in reason_id.lower()
    assert "scientific" in reason_en.lower()


# --- idempotence and replacement -------------------------------------------------------------


def test_reimporting_the_same_files_changes_nothing(exports_copy, workspace):
    first = ingest(exports_copy, PERIOD, workspace)
    before = rows(workspace, "SELECT file_id, file_name, rows_ingested FROM files ORDER BY 1")
    second = ingest(exports_copy, PERIOD, workspace)
    assert {f.status for f in second.files} == {"already_ingested"}
    assert (
        rows(workspace, "SELECT file_id, file_name, rows_ingested FROM files ORDER BY 1") == before
    )
    assert (
        sum(f.rows_ingested for f in first.files)
        == rows(workspace, "SELECT sum(rows_ingested) FROM files")[0][0]
    )


def test_a_same_named_file_with_other_content_is_refused_unless_replaced(tmp_path, workspace):
    folder = tmp_path / "in"
    write(folder / "kematian.csv", "NIK,NAMA,TGL MENINGGAL\n6202011608930001,BUDI,01-02-2025\n")
    ingest(folder, PERIOD, workspace)
    write(
        folder / "kematian.csv",
        "NIK,NAMA,TGL MENINGGAL\n6202011608930001,BUDI,01-03-2025\n"
        "6202016112980001,SITI,02-03-2025\n",
    )
    refused = only_file(ingest(folder, PERIOD, workspace))
    assert refused.status == "refused"
    assert "--ganti" in refused.message["id"] and "--replace" in refused.message["en"]
    assert rows(workspace, "SELECT count(*) FROM kematian")[0][0] == 1
    replaced = only_file(ingest(folder, PERIOD, workspace, replace=True))
    assert replaced.status == "ingested"
    assert rows(workspace, "SELECT count(*) FROM kematian")[0][0] == 2
    assert rows(workspace, "SELECT count(*) FROM files")[0][0] == 1


# --- the variety of real exports ---------------------------------------------------------------


def test_a_semicolon_windows_1252_csv_with_a_title_block_is_read(tmp_path, workspace):
    text = (
        "DATA KEPENDUDUKAN BERSIH SEMESTER I 2025\r\nKABUPATEN KOTAWARINGIN TIMUR\r\n\r\n"
        "NIK;NO_KK;NAMA_LGKP;JK;TGL_LHR;KODE_KEL\r\n"
        "6202011608930001;6202010711170001;MA\u2019RUF;L;16-08-1993;6202011009\r\n"
    )
    write(tmp_path / "in" / "dkb.csv", text, encoding="cp1252")
    file = only_file(ingest(tmp_path / "in", PERIOD, workspace))
    assert (file.status, file.layout, file.rows_read, file.rows_ingested) == (
        "ingested",
        "dkb",
        1,
        1,
    )
    assert rows(workspace, "SELECT nama, jenis_kelamin, tanggal_lahir, row_number FROM dkb") == [
        ("MA\u2019RUF", "L", date(1993, 8, 16), 5)
    ]


def test_a_comma_csv_in_utf8_with_bom_is_read(tmp_path, workspace):
    write(
        tmp_path / "in" / "mati.csv",
        "\ufeffNIK,Nama,Tanggal Kematian\n6202011608930001,Budi,2025-02-01\n",
    )
    file = only_file(ingest(tmp_path / "in", PERIOD, workspace))
    assert file.layout == "kematian"
    assert rows(workspace, "SELECT nik, nama, tanggal_meninggal FROM kematian") == [
        ("6202011608930001", "BUDI", date(2025, 2, 1))
    ]


def test_dates_as_text_iso_or_excel_serial_numbers_are_all_read(tmp_path, workspace):
    write(
        tmp_path / "in" / "mati.csv",
        "NIK;NAMA;TGL MENINGGAL\n6202011608930001;A;01-02-2025\n6202011608930002;B;01/02/2025\n"
        "6202011608930003;C;2025-02-01\n6202011608930004;D;45689\n6202011608930005;E;45689.0\n",
    )
    ingest(tmp_path / "in", PERIOD, workspace)
    assert {r[0] for r in rows(workspace, "SELECT tanggal_meninggal FROM kematian")} == {
        date(2025, 2, 1)
    }


def test_numbers_stored_as_text_are_read(tmp_path, workspace):
    write(
        tmp_path / "in" / "dtsen.csv",
        "NIK;DESIL\n6202011608930001;05\n6202011608930002;5.0\n6202011608930003; 5 \n"
        "6202011608930004;Desil 5\n",
    )
    ingest(tmp_path / "in", PERIOD, workspace)
    assert [r[0] for r in rows(workspace, "SELECT desil FROM dtsen")] == [5, 5, 5, 5]


def test_rupiah_amounts_are_read_as_integer_rupiah(tmp_path, workspace):
    write(
        tmp_path / "in" / "tagihan.csv",
        "NO KARTU;IURAN\n0001238681643;37800\n0001238681644;Rp 37.800\n0001238681645;37.800,00\n"
        "0001238681646;Rp37.800,-\n0001238681647;37800.0\n0001238681648;37.800,50\n",
    )
    file = only_file(ingest(tmp_path / "in", PERIOD, workspace))
    assert [r[0] for r in rows(workspace, "SELECT iuran FROM tagihan ORDER BY row_number")] == [
        37800,
        37800,
        37800,
        37800,
        37800,
        None,
    ]
    assert file.values_rejected == {"iuran: rupiah_tidak_valid": 1}


def test_an_xlsx_with_a_title_block_spread_over_two_sheets_is_read_whole(tmp_path, workspace):
    path = tmp_path / "in" / "dtsen.xlsx"
    path.parent.mkdir()
    book = xlsxwriter.Workbook(str(path))
    for sheet_name, niks in (
        ("Data 1", ["6202011608930001", "6202011608930002"]),
        ("Data 2", ["6202011608930003"]),
    ):
        sheet = book.add_worksheet(sheet_name)
        sheet.write_row(0, 0, ["DTSEN KAB. KOTAWARINGIN TIMUR"])
        sheet.write_row(2, 0, ["NIK", "Desil", "Posisi Data"])
        for i, nik in enumerate(niks):
            sheet.write_row(3 + i, 0, [nik, 3, 45808])
    book.close()
    file = only_file(ingest(tmp_path / "in", PERIOD, workspace))
    assert (file.sheets, file.rows_read, file.rows_ingested) == (["Data 1", "Data 2"], 3, 3)
    assert rows(workspace, "SELECT sheet, row_number, tanggal_data FROM dtsen ORDER BY 1, 2") == [
        ("Data 1", 4, date(2025, 5, 31)),
        ("Data 1", 5, date(2025, 5, 31)),
        ("Data 2", 4, date(2025, 5, 31)),
    ]


def test_a_nik_in_a_numeric_excel_cell_ending_in_zero_is_held_as_rounded(tmp_path, workspace):
    path = tmp_path / "in" / "peserta.xlsx"
    path.parent.mkdir()
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["NOKA", "NIK", "NAMA", "SEGMEN", "STATUS"])
    sheet.write_row(1, 0, ["0001238681643", 6202011608930010.0, "BUDI", "PBI (APBN)", "AKTIF"])
    sheet.write_row(2, 0, [1238681644, "6202011608930001", "SITI", "PEKERJA MANDIRI", "NON AKTIF"])
    book.close()
    file = only_file(ingest(tmp_path / "in", PERIOD, workspace))
    assert file.values_rejected == {"nik: nik_digit_akhir_dibulatkan": 1}
    assert file.values_repaired == {"no_kartu: nol_di_depan": 1}
    assert rows(
        workspace,
        "SELECT no_kartu, nik, segmen_kelompok, aktif FROM bpjs_peserta ORDER BY row_number",
    ) == [
        ("0001238681643", None, "PBI_APBN", True),
        ("0001238681644", "6202011608930001", "PBPU_MANDIRI", False),
    ]


def test_empty_rows_repeated_headers_and_rows_without_identity_are_quarantined(tmp_path, workspace):
    write(
        tmp_path / "in" / "dtsen.csv",
        "NIK;DESIL\n6202011608930001;3\n;\nNIK;DESIL\n3.20201E+15;4\n",
    )
    file = only_file(ingest(tmp_path / "in", PERIOD, workspace))
    assert (file.rows_read, file.rows_ingested, file.rows_quarantined) == (4, 1, 3)
    assert rows(
        workspace, "SELECT row_number, reason_code FROM quarantine WHERE scope = 'row' ORDER BY 1"
    ) == [(3, "baris_kosong"), (4, "baris_judul_berulang"), (5, "baris_tanpa_identitas")]


def test_an_unknown_desa_code_or_sex_is_held_but_the_resident_is_kept(tmp_path, workspace):
    write(
        tmp_path / "in" / "dkb.csv",
        "NIK;NO KK;NAMA;JK;KODE DESA\n6202011608930001;6202010711170001;BUDI;X;6202019999\n",
    )
    file = only_file(ingest(tmp_path / "in", PERIOD, workspace))
    assert file.rows_ingested == 1
    assert file.values_rejected == {
        "jenis_kelamin: jenis_kelamin_tidak_dikenal": 1,
        "kode_desa: kode_desa_tidak_dikenal": 1,
    }


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "phrase_id", "phrase_en"),
    [
        ("kosong.csv", b"", "kosong", "empty"),
        ("foto.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "biner", "binary"),
        ("rusak.xlsx", b"PK\x03\x04 this is not really a workbook", "XLSX", "XLSX"),
        ("lain.csv", b"KODE;URAIAN;JUMLAH\n1;Beras;10\n", "kolom wajib", "required columns"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_written(
    tmp_path, workspace, name, content, phrase_id, phrase_en
):
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_bytes(content)
    file = only_file(ingest(tmp_path / "in", PERIOD, workspace))
    assert file.status == "refused"
    assert phrase_id in file.message["id"] and phrase_en in file.message["en"]
    assert name in file.message["id"]
    assert rows(workspace, "SELECT count(*) FROM files")[0][0] == 0
    assert rows(workspace, "SELECT count(*) FROM quarantine")[0][0] == 0


def test_a_refused_file_does_not_stop_the_good_ones(tmp_path, workspace):
    write(tmp_path / "in" / "a_lain.csv", "KODE;URAIAN\n1;x\n")
    write(tmp_path / "in" / "b_mati.csv", "NIK;NAMA;TGL MENINGGAL\n6202011608930001;A;01-02-2025\n")
    report = ingest(tmp_path / "in", PERIOD, workspace)
    assert [f.status for f in report.files] == ["refused", "ingested"]


def test_an_unrecognised_header_can_be_mapped_once_in_the_workspace(tmp_path, workspace):
    write(tmp_path / "in" / "miskin.csv", "NO IDENTITAS;PERINGKAT\n6202011608930001;2\n")
    refused = only_file(ingest(tmp_path / "in", PERIOD, workspace))
    assert refused.status == "refused"
    assert (
        "NO IDENTITAS" in refused.message["id"] and "pemetaan_kolom.toml" in refused.message["id"]
    )
    write(
        workspace.path / "pemetaan_kolom.toml",
        '[kolom]\n"NO IDENTITAS" = "nik"\n"Peringkat" = "desil"\n',
    )
    file = only_file(ingest(tmp_path / "in", PERIOD, workspace))
    assert (file.status, file.layout, file.rows_ingested) == ("ingested", "dtsen", 1)


def test_a_mapping_to_an_unknown_column_is_a_clear_error(tmp_path, workspace):
    from semesta.core.text import SemestaError

    write(workspace.path / "pemetaan_kolom.toml", '[kolom]\n"X" = "nomor_sepatu"\n')
    write(tmp_path / "in" / "a.csv", "NIK;DESIL\n6202011608930001;2\n")
    with pytest.raises(SemestaError, match="nomor_sepatu"):
        ingest(tmp_path / "in", PERIOD, workspace)


def test_a_bad_period_is_refused_before_anything_is_read(tmp_path, workspace):
    from semesta.core.text import SemestaError

    with pytest.raises(SemestaError, match="2025-13"):
        ingest(tmp_path, "2025-13", workspace)


# --- a crash leaves the workspace as it was ----------------------------------------------------

KILL_SCRIPT = """
import sys
from pathlib import Path
from semesta.pipeline.ingest import ingest
from semesta.pipeline.workspace import Workspace
print("start", flush=True)
ingest(Path(sys.argv[1]), "2025-06", Workspace(Path(sys.argv[2])))
print("done", flush=True)
"""


def consistent(workspace: Workspace) -> tuple[int, int]:
    """(files recorded, rows in layout tables); raises if a file's rows are half there."""
    db = workspace.connect(read_only=True)
    try:
        files = db.execute("SELECT file_id, layout, rows_ingested FROM files").fetchall()
        tables = [
            t[0]
            for t in db.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_name IN "
                "('dkb','bpjs_peserta','dtsen','pegawai_asn','perangkat_desa','pekerja_badan_usaha',"
                "'kematian','tagihan')"
            ).fetchall()
        ]
        total = 0
        for table in tables:
            per_file = dict(
                db.execute(f"SELECT file_id, count(*) FROM {table} GROUP BY 1").fetchall()
            )
            expected = {f[0]: f[2] for f in files if f[1] == table and f[2]}
            assert per_file == expected, (table, per_file, expected)
            total += sum(per_file.values())
        return len(files), total
    finally:
        db.close()


@pytest.mark.slow
def test_a_killed_ingest_leaves_the_workspace_as_it_was(small_exports, tmp_path):
    base = Workspace(tmp_path / "base")
    ingest(small_exports, PERIOD, base)
    complete = consistent(base)
    outcomes = set()
    for delay in (0.3, 0.8, 1.5, 2.5, 4.0):
        workspace = Workspace(tmp_path / f"w{delay}")
        process = subprocess.Popen(
            [sys.executable, "-c", KILL_SCRIPT, str(small_exports), str(workspace.path)],
            stdout=subprocess.PIPE,
            env=os.environ | {"PYTHONPATH": str(Path(__file__).parent)},
        )
        assert process.stdout is not None
        process.stdout.readline()  # started
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if not workspace.exists():
            outcomes.add("untouched")
            continue
        state = consistent(workspace)
        assert state in ((0, 0), complete), (delay, state)
        outcomes.add("empty" if state == (0, 0) else "complete")
        # and the next ingest after the crash completes normally
        report = ingest(small_exports, PERIOD, workspace)
        assert consistent(workspace) == complete, report
    assert outcomes, "the kill never happened"


def test_small_set_matches_the_options_it_was_made_with(small_ingested):
    workspace, _ = small_ingested
    (residents,) = rows(
        workspace, "SELECT count(*) FROM dkb WHERE status_hidup = 'HIDUP' AND status_pindah IS NULL"
    )[0]
    # DKB residents = population + deaths known only from the death list (still HIDUP)
    assert SMALL.population <= residents <= SMALL.population * 1.01


# --- reading files side by side, within the readers' memory --------------------------------


def test_a_spreadsheet_reader_is_counted_at_twelve_times_its_size_and_a_csv_reader_at_64_mb(
    tmp_path,
):
    from semesta.pipeline.ingest import _reader_memory

    sheet = tmp_path / "bpjs.xlsx"
    sheet.write_bytes(b"x" * 1000)
    csv = write(tmp_path / "dkb.csv", "x" * 5000)
    assert _reader_memory(sheet) == 12_000  # python-calamine holds the whole sheet
    assert _reader_memory(csv) == 64 << 20  # a CSV is streamed in batches, whatever its size


def test_files_too_large_to_be_read_together_are_read_one_after_the_other(
    exports_copy, workspace, monkeypatch
):
    from semesta.pipeline import ingest as module
    from semesta.pipeline import readers

    monkeypatch.setattr(module, "READERS_MEMORY", 1)  # any two readers are too many
    active, most = [0], [0]
    read = readers.read_to_parquet

    def counted(*args):
        active[0] += 1
        most[0] = max(most[0], active[0])
        try:
            time.sleep(0.05)  # long enough for a second reader to start if it were let
            return read(*args)
        finally:
            active[0] -= 1

    monkeypatch.setattr(readers, "read_to_parquet", counted)
    report = ingest(exports_copy, SMALL.period, workspace, workers=2)
    assert report.totals()["files_ingested"] == len(report.files) >= 8
    assert most[0] == 1
