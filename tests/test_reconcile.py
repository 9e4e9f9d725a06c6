"""Reconciliation on a tiny hand-written kabupaten: each person carries one known problem, and
each rule must find exactly its people, with the evidence and the action."""

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import write
from semesta.cli import app
from semesta.pipeline.anomalies import reconcile
from semesta.pipeline.ingest import ingest
from semesta.pipeline.workspace import Workspace
from semesta.synth.evaluate import score

PERIOD = "2025-06"
DESA = "6202062005"

ADI, BUDI, CANDRA, DEDI = (
    "6202060101800001",
    "6202060202800001",
    "6202060303800001",
    "6202060404800001",
)
EKO, FAJAR, GILANG, HADI = (
    "6202060505800001",
    "6202060606800001",
    "6202060707800001",
    "6202060808800001",
)
IWAN, JOKO, KIKI, LUKMAN = (
    "6202060909800001",
    "6202061010800001",
    "6202061010100002",
    "6202061212800001",
)
MAMAN, OKI = "6202061301800001", "6202061501800001"
NOPI = "3578011401800001"  # registered in Surabaya: not a resident here
LUKMAN_MISTYPED = "6202061212800010"


def _dkb_row(nik, kk, name, born, status="HIDUP", died="", moved="", moved_on=""):
    return f"{nik};{kk};{name};L;{born};{DESA};{status};{died};{moved};{moved_on}"


def _bpjs_row(card, nik, name, born, segment, status="AKTIF", note=""):
    return f"{card};{nik};{name};{born};L;{segment};3;{status};{note}"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Workspace:
    folder = tmp_path_factory.mktemp("tiny")
    exports = folder / "ekspor"
    kk = "6202060101150001"
    write(
        exports / "dkb.csv",
        "\n".join(
            [
                "nik;no_kk;nama;jenis_kelamin;tanggal_lahir;kode_desa;status_hidup;"
                "tanggal_meninggal;status_pindah;tanggal_pindah",
                _dkb_row(ADI, kk, "ADI", "1980-01-01"),
                _dkb_row(BUDI, "6202060101150002", "BUDI", "1980-02-02", "MATI", "2025-03-01"),
                _dkb_row(CANDRA, "6202060101150003", "CANDRA", "1980-03-03"),
                _dkb_row(
                    DEDI,
                    "6202060101150004",
                    "DEDI",
                    "1980-04-04",
                    "HIDUP",
                    "",
                    "PINDAH KELUAR",
                    "2025-02-01",
                ),
                _dkb_row(EKO, "6202060101150005", "EKO", "1980-05-05"),
                _dkb_row(FAJAR, "6202060101150006", "FAJAR", "1980-06-06"),
                _dkb_row(GILANG, "6202060101150007", "GILANG", "1980-07-07"),
                _dkb_row(HADI, "6202060101150008", "HADI", "1980-08-08"),
                _dkb_row(IWAN, "6202060101150009", "IWAN", "1980-09-09"),
                _dkb_row(JOKO, "6202060101150010", "JOKO", "1980-10-10"),
                _dkb_row(KIKI, "6202060101150010", "KIKI", "2010-10-10"),
                _dkb_row(LUKMAN, "6202060101150012", "LUKMAN", "1980-12-12"),
                _dkb_row(MAMAN, "6202060101150013", "MAMAN", "1980-01-13"),
                _dkb_row(OKI, "6202060101150015", "OKI SAPUTRA", "1980-01-15"),
            ]
        )
        + "\n",
    )
    write(
        exports / "bpjs.csv",
        "\n".join(
            [
                "no_kartu;nik;nama;tanggal_lahir;jenis_kelamin;segmen;kelas;status_peserta;"
                "keterangan_status",
                _bpjs_row("0000000000001", ADI, "ADI", "1980-01-01", "PBI JK"),
                _bpjs_row("0000000000002", BUDI, "BUDI", "1980-02-02", "PBPU BP PEMDA"),
                _bpjs_row("0000000000003", CANDRA, "CANDRA", "1980-03-03", "PEKERJA MANDIRI"),
                _bpjs_row("0000000000004", DEDI, "DEDI", "1980-04-04", "PBPU BP PEMDA"),
                _bpjs_row("0000000000005", EKO, "EKO", "1980-05-05", "PBI JK"),
                _bpjs_row("0000000000006", EKO, "EKO", "1980-05-05", "PBPU BP PEMDA"),
                _bpjs_row("0000000000007", FAJAR, "FAJAR", "1980-06-06", "PBPU BP PEMDA"),
                _bpjs_row("0000000000008", FAJAR, "FAJAR", "1980-06-06", "PEGAWAI SWASTA"),
                _bpjs_row("0000000000009", GILANG, "GILANG", "1980-07-07", "PBPU BP PEMDA"),
                _bpjs_row("0000000000010", HADI, "HADI", "1980-08-08", "PBPU BP PEMDA"),
                _bpjs_row("0000000000011", JOKO, "JOKO", "1980-10-10", "PBI JK"),
                _bpjs_row(
                    "0000000000012",
                    KIKI,
                    "KIKI",
                    "2010-10-10",
                    "PEKERJA MANDIRI",
                    "NON AKTIF",
                    "NON AKTIF KARENA PREMI",
                ),
                _bpjs_row("0000000000013", LUKMAN, "LUKMAN", "1980-12-12", "PEKERJA MANDIRI"),
                _bpjs_row(
                    "0000000000014", LUKMAN_MISTYPED, "LUKMAN", "1980-12-12", "PEKERJA MANDIRI"
                ),
                _bpjs_row("0000000000015", MAMAN, "MAMAN", "1980-01-13", "PBI JK"),
                _bpjs_row("0000000000015", MAMAN, "MAMAN", "1980-01-13", "PBI JK"),
                _bpjs_row("0000000000016", NOPI, "NOPI", "1980-01-14", "PBPU BP PEMDA"),
                _bpjs_row(
                    "0000000000017", "6202061501800000", "OKI SAPUTRA", "1980-01-15", "PBI JK"
                ),
                _bpjs_row("0000000000018", ADI, "SITI AMINAH", "1980-01-01", "PBI JK"),
            ]
        )
        + "\n",
    )
    write(
        exports / "dtsen.csv",
        "nik;no_kk;nama;desil\n"
        f"{ADI};{kk};ADI;2\n{HADI};6202060101150008;HADI;9\n{IWAN};6202060101150009;IWAN;1\n"
        f"{JOKO};6202060101150010;JOKO;2\n{KIKI};6202060101150010;KIKI;2\n",
    )
    write(
        exports / "kematian.csv",
        f"nik;nama;tanggal_meninggal;sumber\n{CANDRA};CANDRA;2025-04-01;DESA\n",
    )
    write(
        exports / "asn.csv",
        f"nip;nik;nama;tanggal_lahir;status_kepegawaian;instansi\n"
        f"198007072025211001;{GILANG};GILANG;1980-07-07;PPPK;DINAS PENDIDIKAN\n",
    )
    workspace = Workspace(folder / "ws")
    report = ingest(exports, PERIOD, workspace)
    assert report.as_dict()["totals"]["files_refused"] == 0
    reconcile(workspace, PERIOD)
    return workspace


def flagged(workspace: Workspace, rule: str) -> set[str]:
    db = workspace.connect(read_only=True)
    try:
        rows = db.execute(
            "SELECT p.nik FROM finding f JOIN person p USING (period, person_id) "
            "WHERE f.period = ? AND f.rule_code = ?",
            [PERIOD, rule],
        ).fetchall()
    finally:
        db.close()
    return {nik for (nik,) in rows}


@pytest.mark.parametrize(
    ("rule", "people"),
    [
        ("nik_rusak", {OKI}),
        ("nik_tidak_di_dkb", {NOPI}),
        ("nik_milik_orang_lain", {None}),  # SITI AMINAH typed ADI's NIK: not in the DKB
        ("duplikat_baris", {MAMAN}),
        ("duplikat_orang", {LUKMAN}),
        ("meninggal_masih_aktif", {BUDI, CANDRA}),
        ("pindah_masih_pemda", {DEDI}),
        ("bukan_penduduk_pemda", {NOPI}),
        ("ganda_pbi_pemda", {EKO}),
        ("ganda_pemda_ppu", {FAJAR}),
        ("pekerja_formal_pemda", {GILANG}),
        ("mampu_pemda", {HADI}),
        ("miskin_belum_terdaftar", {IWAN}),
        ("miskin_nonaktif", {KIKI}),
        ("belum_terdaftar", {IWAN}),
        ("nonaktif", {KIKI}),
        ("keluarga_terpisah", {KIKI}),
    ],
)
def test_each_rule_finds_exactly_its_people(tiny, rule, people):
    assert flagged(tiny, rule) == people


def test_a_damaged_nik_and_a_mistyped_nik_are_linked_to_the_resident_by_splink(tiny):
    db = tiny.connect(read_only=True)
    try:
        links = db.execute(
            "SELECT b.nik_asli, i.person_id, i.link_method FROM identity i "
            "JOIN bpjs_peserta b USING (file_id, row_number) "
            "WHERE i.layout = 'bpjs_peserta' AND i.link_method <> 'nik' ORDER BY 1"
        ).fetchall()
    finally:
        db.close()
    assert links == [
        (NOPI, NOPI, "none"),
        (ADI, "kartu:0000000000018", "none"),  # SITI AMINAH: ADI's NIK, another name
        (LUKMAN_MISTYPED, LUKMAN, "splink"),
        ("6202061501800000", OKI, "splink"),
    ]


def test_a_finding_carries_its_evidence_action_office_and_the_rupiah_it_saves(tiny):
    db = tiny.connect(read_only=True)
    try:
        severity, office, evidence, action, rupiah = db.execute(
            "SELECT severity, office, evidence, action_id, monthly_rupiah FROM finding "
            "WHERE rule_code = 'meninggal_masih_aktif' AND person_id = ?",
            [BUDI],
        ).fetchall()[0]
    finally:
        db.close()
    assert (severity, office, rupiah) == ("tinggi", "BPJS", 42_000)  # Pemda rate of 62.02
    assert json.loads(evidence) == {
        "meninggal": "2025-03-01",
        "sumber_kematian": "DKB",
        "bpjs_aktif": True,
        "segmen": "PBPU_BP_PEMDA",
        "per": PERIOD,
    }
    assert "bukti kematian" in action


def test_the_cli_prints_counts_per_rule_as_json_and_writes_the_action_lists(tiny, tmp_path):
    book = tmp_path / "rekonsiliasi.xlsx"
    result = CliRunner().invoke(
        app,
        [
            "reconcile",
            "--workspace",
            str(tiny.path),
            "--period",
            PERIOD,
            "--json",
            "--xlsx",
            str(book),
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    counts = {r["rule_code"]: r["findings"] for r in document["rules"]}
    assert counts["meninggal_masih_aktif"] == 2 and counts["ganda_pbi_pemda"] == 1
    # Pemda payments ended: BUDI, DEDI, EKO, FAJAR, GILANG, HADI, NOPI — once each.
    assert document["monthly_rupiah_total"] == 7 * 42_000
    workbook = openpyxl.load_workbook(book)
    assert workbook.sheetnames[0] == "Ringkasan"
    assert {
        "Usulan nonaktif ke BPJS",
        "Verifikasi lapangan Dinsos",
        "Pemadanan Dukcapil",
        "Pindah ke PPU (pemberi kerja)",
        "Belum terdaftar per desa",
    } <= set(workbook.sheetnames)
    employer = workbook["Pindah ke PPU (pemberi kerja)"]
    assert [c.value for c in employer[4]][:4] == [
        "pekerja_formal_pemda",
        "tinggi",
        GILANG,
        "GILANG",
    ]
    assert "pemberi_kerja: DINAS PENDIDIKAN" in employer["H4"].value


def test_reconciling_a_missing_workspace_explains_itself_in_both_languages(tmp_path):
    result = CliRunner().invoke(
        app, ["reconcile", "--workspace", str(tmp_path / "none"), "--period", PERIOD]
    )
    assert result.exit_code != 0
    assert "belum ada" in str(result.exception) or "belum ada" in result.output


def test_on_the_small_synthetic_kabupaten_every_rule_and_link_meets_the_accuracy_goal(
    small_reconciled, small_exports
):
    db = small_reconciled.connect()
    try:
        truth = Path(small_exports) / "truth"
        links, scores = score(db, truth, PERIOD)
    finally:
        db.close()
    assert links.precision >= 0.99 and links.recall >= 0.97
    for rule, rule_score in scores.items():
        if rule == "ejaan_nama":  # spelling variants are the linkage's job, scored above
            continue
        assert rule_score.precision >= 0.99 and rule_score.recall >= 0.97, (
            rule,
            rule_score.as_dict(),
        )
