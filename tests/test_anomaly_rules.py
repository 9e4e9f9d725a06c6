"""The anomaly rules as data and as findings: the rule file, the evidence each finding carries,
the Rupiah the Pemda would stop paying, the summary total, periods and re-runs.

The kabupaten here is hand-written (like tests/test_reconcile.py, whose cases are not repeated):
each person carries a problem chosen for what the finding must then say or cost.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import query, write
from semesta.core import rules
from semesta.core.text import SemestaError
from semesta.pipeline.anomalies import reconcile, rules_in_force
from semesta.pipeline.ingest import ingest
from semesta.pipeline.workspace import Workspace, has_table
from semesta.synth.evaluate import score

PERIOD = "2025-06"
DESA = "6202062005"  # Pelangsian, Kec. Mentawa Baru Ketapang, Kab. Kotawaringin Timur (62.02)
RATE = 42_000  # data/rules/pemda_rates.toml: no series for 62.02, so `default` (Perpres 75/2019)

ANDI = "6202060201850001"  # moved out, paid by the Pemda and by PBI APBN at once
BAYU = "6202060302850001"  # dead per the DKB, his Pemda card listed twice
CICI = "6202064403860001"  # a civil servant on the Pemda list and PPU PN at once
DONI = "6202060504870001"  # paid by the Pemda, DTSEN desil 7
EDO = "3578010605880001"  # registered in Surabaya, paid by this Pemda
FANI = "6202064706890001"  # desil 2, no JKN
GITA = "6202064807900001"  # desil 3, PBI deactivated; HANA of her family is active
HANA = "6202064908700001"
IRAWAN = "6202061009750001"  # enrolled twice, once under a mistyped NIK on the Pemda list
IRAWAN_MISTYPED = "6202061009750010"
JAJA = "6202061110760001"  # his NIK typed with spaces in the BPJS list (repaired)
KOKO = "6202061211770001"  # his NIK used on RATNA SARI's card
KK_GITA_HANA = "6202060101150007"

DKB_HEADER = (
    "nik;no_kk;nama;jenis_kelamin;tanggal_lahir;kode_desa;status_hidup;"
    "tanggal_meninggal;status_pindah;tanggal_pindah"
)
BPJS_HEADER = (
    "no_kartu;nik;nama;tanggal_lahir;jenis_kelamin;segmen;kelas;status_peserta;keterangan_status"
)


def _dkb_row(nik, kk, name, sex, born, status="HIDUP", died="", moved="", moved_on="", desa=DESA):
    return f"{nik};{kk};{name};{sex};{born};{desa};{status};{died};{moved};{moved_on}"


def _bpjs_row(card, nik, name, born, sex, segment, status="AKTIF", note=""):
    return f"{card};{nik};{name};{born};{sex};{segment};3;{status};{note}"


def _card(n: int) -> str:
    return f"{n:013d}"


MOVED_IN_APRIL = {"moved": "PINDAH KELUAR", "moved_on": "2025-04-01"}
DEACTIVATED = {"status": "NON AKTIF", "note": "PBI DINONAKTIFKAN KEMENSOS"}


def write_kabupaten(exports: Path) -> None:
    """The exports of the hand-written 62.02 kabupaten (rows are numbered from 2: the header is
    row 1)."""
    write(
        exports / "dkb.csv",
        "\n".join(
            [
                DKB_HEADER,
                _dkb_row(ANDI, "6202060101150001", "ANDI", "L", "1985-01-02", **MOVED_IN_APRIL),
                _dkb_row(BAYU, "6202060101150002", "BAYU", "L", "1985-02-03", "MATI", "2025-02-10"),
                _dkb_row(CICI, "6202060101150003", "CICI", "P", "1986-03-04"),
                _dkb_row(DONI, "6202060101150004", "DONI", "L", "1987-04-05"),
                _dkb_row(FANI, "6202060101150006", "FANI", "P", "1989-06-07"),
                _dkb_row(GITA, KK_GITA_HANA, "GITA", "P", "1990-07-08"),
                _dkb_row(HANA, KK_GITA_HANA, "HANA", "P", "1970-08-09"),
                _dkb_row(IRAWAN, "6202060101150009", "IRAWAN", "L", "1975-09-10"),
                _dkb_row(JAJA, "6202060101150010", "JAJA", "L", "1976-10-11"),
                _dkb_row(KOKO, "6202060101150011", "KOKO", "L", "1977-11-12"),
            ]
        )
        + "\n",
    )
    write(
        exports / "bpjs.csv",
        "\n".join(
            [
                BPJS_HEADER,
                _bpjs_row(_card(1), ANDI, "ANDI", "1985-01-02", "L", "PBPU BP PEMDA"),  # row 2
                _bpjs_row(_card(2), ANDI, "ANDI", "1985-01-02", "L", "PBI JK"),
                _bpjs_row(_card(3), BAYU, "BAYU", "1985-02-03", "L", "PBPU BP PEMDA"),  # row 4
                _bpjs_row(_card(3), BAYU, "BAYU", "1985-02-03", "L", "PBPU BP PEMDA"),  # row 5
                _bpjs_row(_card(4), CICI, "CICI", "1986-03-04", "P", "PBPU BP PEMDA"),
                _bpjs_row(_card(5), CICI, "CICI", "1986-03-04", "P", "PNS DAERAH"),
                _bpjs_row(_card(6), DONI, "DONI", "1987-04-05", "L", "PBPU BP PEMDA"),
                _bpjs_row(_card(7), EDO, "EDO", "1988-05-06", "L", "PBPU BP PEMDA"),
                # row 10:
                _bpjs_row(_card(8), GITA, "GITA", "1990-07-08", "P", "PBI JK", **DEACTIVATED),
                _bpjs_row(_card(9), HANA, "HANA", "1970-08-09", "P", "PEKERJA MANDIRI"),
                _bpjs_row(_card(10), IRAWAN, "IRAWAN", "1975-09-10", "L", "PEKERJA MANDIRI"),
                _bpjs_row(_card(11), IRAWAN_MISTYPED, "IRAWAN", "1975-09-10", "L", "PBPU BP PEMDA"),
                _bpjs_row(
                    _card(12), "6202 0611 1076 0001", "JAJA", "1976-10-11", "L", "PEKERJA MANDIRI"
                ),  # row 14
                _bpjs_row(_card(13), KOKO, "KOKO", "1977-11-12", "L", "PEKERJA MANDIRI"),
                _bpjs_row(_card(14), KOKO, "RATNA SARI", "1977-11-12", "P", "PBI JK"),  # row 16
            ]
        )
        + "\n",
    )
    write(
        exports / "dtsen.csv",
        "nik;no_kk;nama;desil\n"
        f"{DONI};6202060101150004;DONI;7\n{FANI};6202060101150006;FANI;2\n"
        f"{GITA};{KK_GITA_HANA};GITA;3\n{HANA};{KK_GITA_HANA};HANA;3\n",
    )
    write(
        exports / "asn.csv",
        "nip;nik;nama;tanggal_lahir;status_kepegawaian;instansi\n"
        f"198603042010012001;{CICI};CICI;1986-03-04;PNS;DINAS PERTANIAN\n",
    )


@pytest.fixture(scope="module")
def kabupaten(tmp_path_factory) -> tuple[Workspace, dict]:
    """The 62.02 kabupaten, ingested and reconciled once: (workspace, report as JSON)."""
    folder = tmp_path_factory.mktemp("anomali")
    write_kabupaten(folder / "ekspor")
    workspace = Workspace(folder / "ws")
    accounting = ingest(folder / "ekspor", PERIOD, workspace).as_dict()["totals"]
    assert (accounting["files_refused"], accounting["rows_quarantined"]) == (0, 0)
    return workspace, reconcile(workspace, PERIOD).as_dict()


# --- the rule file ---------------------------------------------------------------------------

CATALOGUE = rules.packaged_rules("anomalies")
ALL_VERSIONS = [
    pytest.param(version, id=f"{code}@{version.effective_from}")
    for code, versions in CATALOGUE.series.items()
    for version in versions
]
DTSEN_RULES = {"mampu_pemda", "miskin_belum_terdaftar", "miskin_nonaktif", "keluarga_terpisah"}


def test_the_rule_file_holds_the_seventeen_documented_rules():
    assert list(CATALOGUE.series) == [
        "nik_rusak",
        "nik_tidak_di_dkb",
        "nik_milik_orang_lain",
        "duplikat_baris",
        "duplikat_orang",
        "meninggal_masih_aktif",
        "pindah_masih_pemda",
        "bukan_penduduk_pemda",
        "ganda_pbi_pemda",
        "ganda_pemda_ppu",
        "pekerja_formal_pemda",
        "mampu_pemda",
        "miskin_belum_terdaftar",
        "miskin_nonaktif",
        "belum_terdaftar",
        "nonaktif",
        "keluarga_terpisah",
    ]


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_every_rule_version_has_severity_office_titles_actions_source_and_sql(version):
    assert version.text("severity") in {"tinggi", "sedang", "rendah"}
    for key in ("office", "sheet", "title_id", "title_en", "action_id", "action_en", "sql"):
        assert version.text(key).strip(), key
    assert version.source.strip()
    assert version.text("action_id") != version.text("action_en")  # two languages, not one
    assert version.text("title_id") != version.text("title_en")


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_every_rule_sql_uses_only_the_documented_placeholders(version):
    # anomalies.toml header: {period}, {period_end}, {kabupaten} and {desil_max}; anything else
    # would raise KeyError when the rule runs.
    sql = version.text("sql").format(
        period=PERIOD, period_end="DATE '2025-06-30'", kabupaten="6202", desil_max=5
    )
    assert "{" not in sql and "}" not in sql


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_every_action_list_is_a_valid_excel_sheet_name_not_taken_by_the_workbook(version):
    # Excel: at most 31 characters, none of []:*?/\ ; reports/action_lists.py writes its own
    # "Ringkasan" and "Tinjauan pencocokan" sheets.
    sheet = version.text("sheet")
    assert len(sheet) <= 31 and not re.search(r"[\[\]:*?/\\]", sheet)
    assert sheet not in {"Ringkasan", "Tinjauan pencocokan"}


def test_the_dtsen_rules_come_into_force_with_inpres_4_2025_and_not_a_day_earlier():
    before = {rule.code for rule in rules_in_force(date(2025, 2, 4))}
    on = {rule.code for rule in rules_in_force(date(2025, 2, 5))}
    assert on - before == DTSEN_RULES
    assert before == set(CATALOGUE.series) - DTSEN_RULES


def test_no_rule_is_in_force_before_bpjs_kesehatan_began_operating():
    assert rules_in_force(date(2013, 12, 31)) == []


def test_a_rule_in_force_carries_its_versions_texts_and_source_in_file_order():
    found = rules_in_force(date(2025, 6, 30))
    assert [rule.code for rule in found] == list(CATALOGUE.series)
    for rule in found:
        version = CATALOGUE.in_force(rule.code, date(2025, 6, 30))
        assert (rule.severity, rule.office, rule.sheet, rule.action_id, rule.action_en) == (
            version.text("severity"),
            version.text("office"),
            version.text("sheet"),
            version.text("action_id"),
            version.text("action_en"),
        )
        assert (rule.sql, rule.source) == (version.text("sql"), version.source)


# --- findings: who, which record, how much ---------------------------------------------------


def test_each_rule_finds_its_person_with_the_record_the_desa_and_the_rupiah_it_saves(kabupaten):
    workspace, _ = kabupaten
    rows = query(
        workspace,
        "SELECT rule_code, person_id, kode_desa, record, monthly_rupiah FROM finding "
        "WHERE period = ? ORDER BY rule_code, person_id",
        [PERIOD],
    )
    # Worked by hand from the rows of write_kabupaten: a finding whose action ends a PBPU-BP
    # Pemda payment saves the Pemda's rate, the others nothing; people outside the DKB have no
    # desa; row-level rules name the source row.
    assert rows == [
        ("belum_terdaftar", FANI, DESA, None, 0),
        ("bukan_penduduk_pemda", EDO, None, None, RATE),
        ("duplikat_baris", BAYU, DESA, "bpjs.csv baris 5", RATE),
        ("duplikat_orang", IRAWAN, DESA, None, RATE),
        ("ganda_pbi_pemda", ANDI, DESA, None, RATE),
        ("ganda_pemda_ppu", CICI, DESA, None, RATE),
        ("keluarga_terpisah", GITA, DESA, None, 0),
        ("mampu_pemda", DONI, DESA, None, RATE),
        ("meninggal_masih_aktif", BAYU, DESA, None, RATE),
        ("miskin_belum_terdaftar", FANI, DESA, None, 0),
        ("miskin_nonaktif", GITA, DESA, None, 0),
        ("nik_milik_orang_lain", "kartu:0000000000014", None, "bpjs.csv baris 16", 0),
        ("nik_rusak", JAJA, DESA, "bpjs.csv baris 14", 0),
        ("nik_tidak_di_dkb", EDO, None, None, 0),
        ("nonaktif", GITA, DESA, "bpjs.csv baris 10", 0),
        ("pekerja_formal_pemda", CICI, DESA, None, RATE),
        ("pindah_masih_pemda", ANDI, DESA, None, RATE),
    ]


EVIDENCE = {
    "nik_rusak": {
        "sumber": "bpjs.csv",
        "baris": 14,
        "nilai_asli": "6202 0611 1076 0001",
        "hasil": f"diperbaiki: {JAJA}",
        "alasan": "pemisah",
        "per": PERIOD,
    },
    "nik_tidak_di_dkb": {
        "bpjs_nik": EDO,
        "bpjs_segmen": "PBPU_BP_PEMDA",
        "bpjs_aktif": True,
        "dkb": "tidak ditemukan",
        "per": PERIOD,
    },
    "nik_milik_orang_lain": {
        "sumber": "bpjs.csv",
        "baris": 16,
        "nik": KOKO,
        "nama_di_sumber": "RATNA SARI",
        "nama_di_dkb": "KOKO",
        "per": PERIOD,
    },
    "duplikat_baris": {
        "no_kartu": _card(3),
        "baris_pertama": 4,
        "baris_ganda": 5,
        "segmen": "PBPU_BP_PEMDA",
        "per": PERIOD,
    },
    "duplikat_orang": {
        "kartu": [_card(10), _card(11)],
        "nik_di_bpjs": [IRAWAN, IRAWAN_MISTYPED],
        "segmen": ["PBPU_MANDIRI", "PBPU_BP_PEMDA"],  # in the order of the cards
        "per": PERIOD,
    },
    "pindah_masih_pemda": {
        "dkb_pindah": "2025-04-01",
        "dkb_desa_asal": DESA,
        "bpjs_segmen": "PBPU_BP_PEMDA",
        "bpjs_aktif": True,
        "per": PERIOD,
    },
    "bukan_penduduk_pemda": {
        "bpjs_nik": EDO,
        "dkb": "tidak ditemukan",
        "bpjs_segmen": "PBPU_BP_PEMDA",
        "per": PERIOD,
    },
    "ganda_pbi_pemda": {"kartu_pbi": _card(2), "kartu_pemda": _card(1), "per": PERIOD},
    "ganda_pemda_ppu": {
        "kartu_ppu": _card(5),
        "segmen_ppu": "PNS DAERAH",  # the segment as the BPJS list wrote it
        "kartu_pemda": _card(4),
        "per": PERIOD,
    },
    "pekerja_formal_pemda": {
        "daftar": "ASN",
        "pemberi_kerja": "DINAS PERTANIAN",
        "bpjs_segmen": "PBPU_BP_PEMDA",
        "per": PERIOD,
    },
    "mampu_pemda": {
        "dtsen_desil": 7,
        "batas_desil": 5,  # data/rules/dtsen.toml: PBI JK desil 1-5
        "bpjs_segmen": "PBPU_BP_PEMDA",
        "per": PERIOD,
    },
    "miskin_belum_terdaftar": {"dtsen_desil": 2, "bpjs": "tidak terdaftar", "per": PERIOD},
    "miskin_nonaktif": {
        "dtsen_desil": 3,
        "bpjs_segmen": "PBI_APBN",
        "bpjs_keterangan": "PBI DINONAKTIFKAN KEMENSOS",
        "per": PERIOD,
    },
    "belum_terdaftar": {
        "dkb_desa": DESA,
        "bpjs": "tidak terdaftar",
        "dtsen_desil": 2,
        "per": PERIOD,
    },
    "nonaktif": {
        "no_kartu": _card(8),
        "segmen": "PBI_APBN",
        "sebab": "PBI DINONAKTIFKAN KEMENSOS",
        "per": PERIOD,
    },
    "keluarga_terpisah": {
        "no_kk": KK_GITA_HANA,
        "dtsen_desil": 3,
        "anggota_aktif": 1,  # HANA
        "bpjs_aktif": False,
        "per": PERIOD,
    },
}


@pytest.mark.parametrize("rule", sorted(EVIDENCE))
def test_a_findings_evidence_says_which_source_said_what_as_of_the_period(kabupaten, rule):
    # meninggal_masih_aktif's evidence is checked in tests/test_reconcile.py.
    workspace, _ = kabupaten
    (evidence,) = query(
        workspace, "SELECT evidence FROM finding WHERE period = ? AND rule_code = ?", [PERIOD, rule]
    )
    assert json.loads(evidence[0]) == EVIDENCE[rule]


def test_every_finding_carries_its_rules_severity_office_action_list_and_actions(kabupaten):
    workspace, _ = kabupaten
    in_force = {rule.code: rule for rule in rules_in_force(date(2025, 6, 30))}
    rows = query(
        workspace,
        "SELECT rule_code, severity, office, sheet, action_id, action_en FROM finding "
        "WHERE period = ?",
        [PERIOD],
    )
    assert len(rows) == 17
    for code, *stored in rows:
        rule = in_force[code]
        assert stored == [rule.severity, rule.office, rule.sheet, rule.action_id, rule.action_en]


def test_the_summary_total_counts_each_pemda_payment_once(kabupaten):
    _, report = kabupaten
    # By hand: ANDI (moved and funded twice), BAYU (dead) and BAYU's duplicate row (a second
    # payment for the same card), CICI (PPU and a civil servant), DONI, EDO, IRAWAN: 7 payments,
    # although 9 Pemda-paid findings.
    assert report["pemda_rate"] == RATE
    assert report["monthly_rupiah_total"] == 7 * RATE
    assert sum(rule["monthly_rupiah"] for rule in report["rules"]) == 9 * RATE


def test_the_report_per_rule_agrees_with_the_stored_findings(kabupaten):
    workspace, report = kabupaten
    stored = {
        code: (count, rupiah)
        for code, count, rupiah in query(
            workspace,
            "SELECT rule_code, count(*), sum(monthly_rupiah) FROM finding WHERE period = ? "
            "GROUP BY rule_code",
            [PERIOD],
        )
    }
    assert {r["rule_code"]: (r["findings"], r["monthly_rupiah"]) for r in report["rules"]} == (
        stored
    )
    assert {r["rule_code"]: r["source"] for r in report["rules"]} == {
        code: CATALOGUE.in_force(code, date(2025, 6, 30)).source for code in CATALOGUE.series
    }


def test_the_report_names_the_period_the_kabupaten_and_the_linkage(kabupaten):
    _, report = kabupaten
    assert (report["period"], report["kabupaten"]) == (PERIOD, "6202")
    # 10 DKB + 15 BPJS + 4 DTSEN + 1 ASN rows; only IRAWAN's mistyped NIK goes through Splink;
    # EDO (Surabaya) and RATNA SARI (KOKO's NIK, another name) stay their own persons.
    linkage = report["linkage"]
    assert (linkage["records"], linkage["splink_linked"], linkage["unlinked"]) == (30, 1, 2)


def test_reconciling_the_same_period_again_replaces_its_findings(kabupaten, tmp_path):
    source, _ = kabupaten
    workspace = Workspace(tmp_path / "ws")
    shutil.copytree(source.path, workspace.path)
    everything = "SELECT * FROM finding WHERE period = ? ORDER BY rule_code, person_id, record"
    before = query(workspace, everything, [PERIOD])
    again = reconcile(workspace, PERIOD).as_dict()
    assert query(workspace, everything, [PERIOD]) == before
    assert again["monthly_rupiah_total"] == 7 * RATE
    assert query(
        workspace,
        "SELECT (SELECT count(*) FROM identity WHERE period = $1), "
        "(SELECT count(*) FROM person WHERE period = $1), "
        "(SELECT count(*) FROM link_run WHERE period = $1)",
        [PERIOD],
    ) == [(30, 12, 1)]


def test_on_the_synthetic_kabupaten_every_finding_is_dated_evidence_and_costs_zero_or_the_rate(
    small_reconciled,
):
    rows = query(
        small_reconciled,
        "SELECT rule_code, evidence, monthly_rupiah FROM finding WHERE period = ?",
        [PERIOD],
    )
    assert len({code for code, _, _ in rows}) >= 15  # nearly every rule finds someone there
    for code, evidence, rupiah in rows:
        document = json.loads(evidence)
        assert isinstance(document, dict) and document["per"] == PERIOD, code
        assert any(v is not None for k, v in document.items() if k != "per"), code
        assert rupiah in (0, RATE), code


# --- periods: the rate and the rules of the period's end -------------------------------------

BENGKULU_DESA = "1703012001"  # Banjar Sari, Kabupaten Bengkulu Utara (17.03)
RINA = "1703014101800001"  # moved out in October 2022, still on the Pemda list
SONY = "1703010202810001"  # on the Pemda list, DTSEN desil 8
TINI = "1703014303820001"  # DTSEN desil 1, no JKN
BENGKULU_PERIODS = ("2022-12", "2025-06")
MOVED_IN_2022 = {"moved": "PINDAH KELUAR", "moved_on": "2022-10-01", "desa": BENGKULU_DESA}


@pytest.fixture(scope="module")
def bengkulu(tmp_path_factory) -> tuple[Workspace, dict[str, dict]]:
    """Bengkulu Utara, whose Pemda pays Rp 37.800 from 2023 (seed 001 Tabel 1) and the
    default Rp 42.000 before; the same exports ingested for December 2022 and June 2025."""
    folder = tmp_path_factory.mktemp("bengkulu")
    exports = folder / "ekspor"
    write(
        exports / "dkb.csv",
        "\n".join(
            [
                DKB_HEADER,
                _dkb_row(RINA, "1703010101150001", "RINA", "P", "1980-01-01", **MOVED_IN_2022),
                _dkb_row(SONY, "1703010101150002", "SONY", "L", "1981-02-02", desa=BENGKULU_DESA),
                _dkb_row(TINI, "1703010101150003", "TINI", "P", "1982-03-03", desa=BENGKULU_DESA),
            ]
        )
        + "\n",
    )
    write(
        exports / "bpjs.csv",
        "\n".join(
            [
                BPJS_HEADER,
                _bpjs_row(_card(21), RINA, "RINA", "1980-01-01", "P", "PBPU BP PEMDA"),
                _bpjs_row(_card(22), SONY, "SONY", "1981-02-02", "L", "PBPU BP PEMDA"),
            ]
        )
        + "\n",
    )
    write(
        exports / "dtsen.csv",
        f"nik;no_kk;nama;desil\n{SONY};1703010101150002;SONY;8\n{TINI};1703010101150003;TINI;1\n",
    )
    workspace = Workspace(folder / "ws")
    reports = {}
    for period in BENGKULU_PERIODS:
        ingest(exports, period, workspace)
        reports[period] = reconcile(workspace, period).as_dict()
    return workspace, reports


def findings_of(workspace: Workspace, period: str) -> list[tuple]:
    return query(
        workspace,
        "SELECT rule_code, person_id, monthly_rupiah FROM finding WHERE period = ? "
        "ORDER BY rule_code, person_id",
        [period],
    )


@pytest.mark.parametrize(("period", "rate"), [("2022-12", 42_000), ("2025-06", 37_800)])
def test_monthly_rupiah_uses_the_pemda_rate_in_force_at_the_period_end(bengkulu, period, rate):
    workspace, reports = bengkulu
    assert reports[period]["pemda_rate"] == rate
    moved = [f for f in findings_of(workspace, period) if f[0] == "pindah_masih_pemda"]
    assert moved == [("pindah_masih_pemda", RINA, rate)]


def test_rules_not_yet_in_force_at_the_period_end_do_not_run(bengkulu):
    workspace, reports = bengkulu
    # December 2022: before DTSEN (Inpres 4/2025), SONY's desil 8 and TINI's desil 1 say nothing.
    assert not DTSEN_RULES & {r["rule_code"] for r in reports["2022-12"]["rules"]}
    assert findings_of(workspace, "2022-12") == [
        ("belum_terdaftar", TINI, 0),
        ("pindah_masih_pemda", RINA, 42_000),
    ]
    assert reports["2022-12"]["monthly_rupiah_total"] == 42_000


def test_the_same_people_in_june_2025_meet_the_dtsen_rules_at_the_new_rate(bengkulu):
    workspace, reports = bengkulu
    assert {r["rule_code"] for r in reports["2025-06"]["rules"]} >= DTSEN_RULES
    assert findings_of(workspace, "2025-06") == [
        ("belum_terdaftar", TINI, 0),
        ("mampu_pemda", SONY, 37_800),
        ("miskin_belum_terdaftar", TINI, 0),
        ("pindah_masih_pemda", RINA, 37_800),
    ]
    assert reports["2025-06"]["monthly_rupiah_total"] == 2 * 37_800


def test_reconciling_one_period_leaves_the_other_periods_results_alone(bengkulu):
    workspace, _ = bengkulu
    # 2022-12 was reconciled first; reconciling 2025-06 afterwards kept its rows.
    counts = query(
        workspace,
        "SELECT period, (SELECT count(*) FROM finding f WHERE f.period = l.period), "
        "(SELECT count(*) FROM person p WHERE p.period = l.period) FROM link_run l ORDER BY 1",
    )
    assert counts == [("2022-12", 2, 3), ("2025-06", 4, 3)]


def test_a_dkb_of_other_periods_does_not_make_a_period_reconcilable(bengkulu):
    workspace, _ = bengkulu
    with pytest.raises(SemestaError) as refused:
        reconcile(workspace, "2024-01")
    assert refused.value.message.id.startswith("Belum ada DKB untuk periode 2024-01")
    assert query(workspace, "SELECT count(*) FROM identity WHERE period = '2024-01'") == [(0,)]


def test_semesta_reconcile_without_a_dkb_explains_in_both_languages_and_exits_with_2(tmp_path):
    write(
        tmp_path / "ekspor" / "bpjs.csv",
        f"{BPJS_HEADER}\n{_bpjs_row(_card(1), ANDI, 'ANDI', '1985-01-02', 'L', 'PBI JK')}\n",
    )
    workspace = Workspace(tmp_path / "ws")
    ingest(tmp_path / "ekspor", PERIOD, workspace)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "semesta.cli",
            "reconcile",
            "--workspace",
            str(workspace.path),
            "--period",
            PERIOD,
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "GALAT: Belum ada DKB untuk periode 2025-06 di workspace: muat DKB dahulu "
        "(semesta ingest).",
        "ERROR: No DKB for period 2025-06 in the workspace: ingest the DKB first (semesta ingest).",
    ]
    assert done.stdout == ""
    db = workspace.connect(read_only=True)
    try:
        assert not has_table(db, "finding") and not has_table(db, "identity")
    finally:
        db.close()


# --- scoring against a synthetic truth (synth/evaluate.py) -----------------------------------


def test_the_scorer_counts_found_planted_and_missed_findings_per_rule(kabupaten, tmp_path):
    workspace, _ = kabupaten
    truth = tmp_path / "truth"
    truth.mkdir()
    # Every row labelled with the person the linkage gave it: right for every row here (IRAWAN's
    # mistyped NIK is his, RATNA SARI is her own person). The linkage's own score is
    # tested in tests/test_link.py against labels written by hand.
    labels = query(
        workspace,
        "SELECT f.file_name, i.row_number, i.person_id FROM identity i JOIN files f "
        "USING (file_id) WHERE i.period = ?",
        [PERIOD],
    )
    pq.write_table(
        pa.table(
            {
                "file": [file for file, _, _ in labels],
                "sheet": [""] * len(labels),  # CSV rows have no sheet
                "row_number": [row for _, row, _ in labels],
                "person_id": [person for _, _, person in labels],
                "dirt": [""] * len(labels),
            }
        ),
        truth / "rows.parquet",
    )
    # Planted: BAYU's duplicate row (row-level, found), DONI well-off (found) and HANA
    # unregistered (wrong on purpose: we find FANI, so one extra finding and one missed).
    write(
        truth / "anomalies.csv",
        "kind,person_id,nik,detail\n"
        f"duplikat_baris,{BAYU},{BAYU},bpjs.csv!!5 duplikat_baris\n"
        f"mampu_pemda,{DONI},{DONI},desil 7\n"
        f"belum_terdaftar,{HANA},{HANA},{DESA}\n",
    )
    db = workspace.connect(read_only=True)
    try:
        _, scores = score(db, truth, PERIOD)
    finally:
        db.close()
    assert {code: s.as_dict() for code, s in scores.items()} == {
        "belum_terdaftar": {"tp": 0, "fp": 1, "fn": 1, "precision": 0.0, "recall": 0.0},
        "duplikat_baris": {"tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0},
        "mampu_pemda": {"tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0},
    }
