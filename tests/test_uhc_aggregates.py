"""UHC aggregates (pipeline/uhc.py) and `semesta uhc` (commands/uhc.py) on hand-made kabupaten.

Three small workspaces whose every figure can be counted by hand:

* ``tiny``: 23 people written straight into the reconciliation's ``person`` table, one per case
  (each segment, each gap-closing lever, dead, moved, outside the kabupaten, BPJS only);
* ``by_nik``: tiny hand-written exports (DKB, BPJS list, deaths, DTSEN, company workers) ingested
  without reconciliation, so the exact-NIK fallback decides who lives in the kabupaten;
* ``crowd``: 3.000 residents in two desa (and 2.000 the month before), large enough for
  Indonesian digit grouping and Rupiah amounts in the command's text, JSON and Excel.

Desa used (Kemendagri 2025): 62.02.01.1009 Kota Besi Hulu and 62.02.01.1010 Kota Besi Hilir in
kecamatan Kota Besi, 62.02.02.2004 Rubung Buyung in kecamatan Cempaga, all in Kabupaten
Kotawaringin Timur (62.02); 62.01.01.1011 Candi is in Kotawaringin Barat, outside it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import duckdb
import openpyxl
import pytest

from conftest import query
from semesta.pipeline import uhc
from semesta.pipeline.ingest import ingest
from semesta.pipeline.link import SCHEMA as LINK_SCHEMA
from semesta.pipeline.workspace import Workspace

A1, A2, B1, OUTSIDE = "6202011009", "6202011010", "6202022004", "6201011011"
JUNE = "2025-06"
COUNTS = ("population", "registered", "active", "pemda", "pbi_apbn")


# --- building workspaces by hand -------------------------------------------------------------


def person_workspace(path: Path, *periods: str) -> Workspace:
    """An empty workspace with the reconciliation's tables and a run for each period."""
    workspace = Workspace(path)
    db = workspace.connect()
    try:
        db.execute(LINK_SCHEMA)
        for period in periods:
            db.execute("INSERT INTO link_run (period, kabupaten) VALUES (?, '6202')", [period])
    finally:
        db.close()
    return workspace


def add_people(
    db: duckdb.DuckDBPyConnection,
    period: str,
    n: int,
    desa: str | None,
    segment: str | None = None,
    *,
    active: bool = False,
    registered: bool | None = None,
    desil: int | None = None,
    note: str | None = None,
    formal: str | None = None,
    resident: bool = True,
    tag: str = "x",
) -> None:
    """``n`` identical persons; registered when they have a segment unless told otherwise."""
    db.execute(
        "INSERT INTO person (period, person_id, kode_desa, resident, desil, formal_worker, "
        "registered, active, segmen_kelompok, keterangan_status) "
        "SELECT ?, ? || '-' || range, ?, ?, ?, ?, ?, ?, ?, ? FROM range(?)",
        [
            period,
            tag,
            desa,
            resident,
            desil,
            formal,
            segment is not None if registered is None else registered,
            active,
            segment,
            note,
            n,
        ],
    )


def copy(workspace: Workspace, target: Path) -> Workspace:
    shutil.copytree(workspace.path, target, ignore=shutil.ignore_patterns(".tmp"))
    return Workspace(target)


def areas(workspace: Workspace, period: str = JUNE, level: str | None = None) -> list[uhc.Area]:
    db = workspace.connect(read_only=True)
    try:
        return uhc.read_areas(db, period, level)
    finally:
        db.close()


def area(workspace: Workspace, kode: str, period: str = JUNE) -> uhc.Area:
    return next(a for a in areas(workspace, period) if a.kode == kode)


def counts(item: uhc.Area) -> tuple[int | None, ...]:
    return tuple(item.counts.get(name) for name in COUNTS)


def levers(item: uhc.Area) -> dict[str, int]:
    return {name: n for name, n in item.levers.items() if n}


def runs(workspace: Workspace, period: str = JUNE) -> list[tuple]:
    return query(
        workspace,
        "SELECT basis, stamp, computed_at FROM uhc_aggregate_run WHERE period = ?",
        [period],
    )


# --- tiny: one person per case, in the person table ------------------------------------------

# (tag, desa, segment, active, desil, BPJS status note, formal work, resident) → what counts
TINY = [
    ("p01", A1, "PPU_PN", True, None, None, None, True),  # active
    ("p02", A1, "PBI_APBN", True, None, None, None, True),  # active
    ("p03", A1, "PBPU_BP_PEMDA", True, None, None, None, True),  # active
    ("p04", A1, "PBPU_BP_PEMDA", False, None, None, None, True),  # inactive_other
    ("p05", A1, None, False, 3, None, None, True),  # pemda_poor (desil 1–5 = poor)
    ("p06", A1, None, False, 8, None, None, True),  # uncovered_other
    ("p07", A1, None, False, None, None, "badan_usaha", True),  # employer_unregistered
    ("p08", A2, "PPU_BU", False, None, None, None, True),  # employer_inactive
    ("p09", A2, "PBI_APBN", False, 2, None, None, True),  # pbi_reactivation
    ("p10", A2, "PBPU_MANDIRI", False, 7, "NON AKTIF KARENA PREMI", None, True),  # arrears_self
    ("p11", A2, "PBPU_MANDIRI", False, 1, "NON AKTIF KARENA PREMI", None, True),  # arrears_poor
    ("p12", A2, "PBPU_MANDIRI", True, None, None, None, True),  # active
    ("p13", A2, "PBI_APBN", False, None, None, None, True),  # inactive_other (no desil)
    ("p14", B1, "BP", False, None, "MENUNGGAK", None, True),  # arrears_self
    ("p15", B1, "PBPU_MANDIRI", True, None, None, None, True),  # active
    ("p16", B1, None, False, None, None, None, True),  # uncovered_other
    ("p17", B1, None, True, None, None, None, True),  # registered, segment unknown, active
    ("p18", A1, "PBPU_BP_PEMDA", True, None, None, None, False),  # dead: not a resident
    ("p19", A2, "PBPU_MANDIRI", False, None, None, None, False),  # moved out
    ("p20", OUTSIDE, "PBI_APBN", True, None, None, None, False),  # desa outside the kabupaten
    ("p21", None, "PBPU_MANDIRI", True, None, None, None, False),  # on the BPJS list only
    ("p22", None, "PBPU_MANDIRI", False, None, None, None, False),  # on the BPJS list only
    ("p23", A1, None, False, 2, None, None, False),  # dead, poor, never registered
]


def fill_tiny(db: duckdb.DuckDBPyConnection, period: str) -> None:
    for tag, desa, segment, active, desil, note, formal, resident in TINY:
        registered = segment is not None or tag == "p17"
        flags = dict(active=active, desil=desil, note=note, formal=formal, resident=resident)
        add_people(db, period, 1, desa, segment, registered=registered, tag=tag, **flags)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Workspace:
    workspace = person_workspace(tmp_path_factory.mktemp("tiny") / "w", JUNE)
    db = workspace.connect()
    try:
        fill_tiny(db, JUNE)
    finally:
        db.close()
    uhc.compute(workspace, JUNE)
    return workspace


def test_each_desa_counts_its_residents_by_hand(tiny):
    # (population, registered, active, pemda, pbi_apbn), from the TINY comments
    assert counts(area(tiny, A1)) == (7, 4, 3, 2, 1)  # p01–p07; p04 Pemda but inactive
    assert counts(area(tiny, A2)) == (6, 6, 1, 0, 2)  # p08–p13
    assert counts(area(tiny, B1)) == (4, 3, 2, 0, 0)  # p14–p17


def test_kecamatan_and_kabupaten_are_the_sums_of_their_desa(tiny):
    assert counts(area(tiny, "620201")) == (13, 10, 4, 2, 3)  # Kota Besi = A1 + A2
    assert counts(area(tiny, "620202")) == (4, 3, 2, 0, 0)  # Cempaga = B1
    assert counts(area(tiny, "6202")) == (17, 13, 6, 2, 3)


def test_every_level_adds_up_for_every_segment_and_every_lever(tiny):
    lever_sums = ", ".join(f"sum(lever_{name})" for name in uhc.LEVER_NAMES)
    sums = f"sum(population), sum(registered), sum(active), sum(pemda), sum(pbi_apbn), {lever_sums}"
    for child, parent in (("desa", "kecamatan"), ("kecamatan", "kabupaten")):
        children = query(
            tiny,
            f"SELECT kode_induk, segmen, {sums} FROM uhc_aggregate WHERE period = ? AND level = ? "
            "GROUP BY ALL ORDER BY ALL",
            [JUNE, child],
        )
        parents = query(
            tiny,
            f"SELECT kode, segmen, {sums} FROM uhc_aggregate WHERE period = ? AND level = ? "
            "GROUP BY ALL ORDER BY ALL",
            [JUNE, parent],
        )
        assert children == parents and len(parents) > 1


def test_the_kabupaten_segments_partition_its_residents(tiny):
    (kabupaten,) = areas(tiny, level="kabupaten")
    # (segment, population, registered, active)
    assert kabupaten.segments == (
        ("BELUM_TERDAFTAR", 4, 0, 0),  # p05, p06, p07, p16
        ("BP", 1, 1, 0),  # p14
        ("PBI_APBN", 3, 3, 1),  # p02 active, p09, p13
        ("PBPU_BP_PEMDA", 2, 2, 1),  # p03 active, p04
        ("PBPU_MANDIRI", 4, 4, 2),  # p10, p11, p12 active, p15 active
        ("PPU_BU", 1, 1, 0),  # p08
        ("PPU_PN", 1, 1, 1),  # p01
        ("TIDAK_DIKENAL", 1, 1, 1),  # p17: registered, group unknown
    )


def test_residents_on_no_bpjs_list_are_counted_as_uncovered(tiny):
    (kabupaten,) = areas(tiny, level="kabupaten")
    unregistered = dict((s, p) for s, p, _, _ in kabupaten.segments)["BELUM_TERDAFTAR"]
    assert unregistered == kabupaten.counts.population - kabupaten.counts.registered == 4


def test_each_resident_who_is_not_active_falls_in_the_lever_its_case_names(tiny):
    assert levers(area(tiny, A1)) == {
        "employer_unregistered": 1,  # p07
        "pemda_poor": 1,  # p05
        "uncovered_other": 1,  # p06
        "inactive_other": 1,  # p04
    }
    assert levers(area(tiny, A2)) == {
        "employer_inactive": 1,  # p08: PPU BU is formal work
        "pbi_reactivation": 1,  # p09
        "arrears_self": 1,  # p10
        "arrears_poor": 1,  # p11
        "inactive_other": 1,  # p13
    }
    assert levers(area(tiny, B1)) == {"arrears_self": 1, "uncovered_other": 1}  # p14, p16


def test_the_dead_the_moved_and_people_outside_the_kabupaten_are_not_residents(tiny):
    # p18–p23 are not residents: the population is the 17 residents only, and no row is
    # written for Candi (62.01, Kotawaringin Barat) although p20 has its desa code
    assert area(tiny, "6202").counts.population == 17
    codes = {a.kode for a in areas(tiny)}
    assert codes == {"6202", "620201", "620202", A1, A2, B1}
    assert query(tiny, "SELECT count(*) FROM uhc_aggregate WHERE kode LIKE '6201%'") == [(0,)]


def test_the_bpjs_list_figures_count_every_participant_resident_or_not(tiny):
    kabupaten = area(tiny, "6202")
    # 13 registered residents + p18, p19, p20, p21, p22 = 18; active: 6 + p18, p20, p21 = 9
    assert (kabupaten.listed, kabupaten.listed_active) == (18, 9)
    assert all(a.listed is None for a in areas(tiny) if a.level != "kabupaten")


def test_areas_carry_kemendagri_names_and_their_parent_codes(tiny):
    found = {(a.level, a.kode): (a.nama, a.kode_induk) for a in areas(tiny)}
    assert found == {
        ("kabupaten", "6202"): ("Kabupaten Kotawaringin Timur", "62"),
        ("kecamatan", "620201"): ("Kota Besi", "6202"),
        ("kecamatan", "620202"): ("Cempaga", "6202"),
        ("desa", A1): ("Kota Besi Hulu", "620201"),
        ("desa", A2): ("Kota Besi Hilir", "620201"),
        ("desa", B1): ("Rubung Buyung", "620202"),
    }


def test_the_run_records_its_basis_kabupaten_and_residents(tiny):
    (row,) = query(
        tiny,
        "SELECT basis, kabupaten, residents FROM uhc_aggregate_run WHERE period = ?",
        [JUNE],
    )
    assert row == ("person", "6202", 17)


# --- stored once; recounted only when the period's inputs are newer ---------------------------


def test_computing_again_replaces_the_period_rows_instead_of_adding_to_them(tiny, tmp_path):
    workspace = copy(tiny, tmp_path / "w")
    before = query(workspace, "SELECT * FROM uhc_aggregate ORDER BY ALL")
    uhc.compute(workspace, JUNE)
    assert query(workspace, "SELECT * FROM uhc_aggregate ORDER BY ALL") == before
    assert len(runs(workspace)) == 1


def test_a_report_without_newer_inputs_keeps_the_stored_aggregates(tiny, tmp_path):
    workspace = copy(tiny, tmp_path / "w")
    db = workspace.connect()
    try:  # edited behind the pipeline's back: no new ingest, no new reconciliation run
        db.execute(
            "UPDATE person SET registered = TRUE, active = TRUE, segmen_kelompok = "
            "'PBPU_BP_PEMDA' WHERE person_id = 'p16-0'"
        )
    finally:
        db.close()
    assert uhc.ensure(workspace, JUNE) is False
    (item,) = uhc.report(workspace, JUNE, ("kabupaten",)).areas
    assert item.area.counts.active == 6  # the stored figure, not recounted


def test_a_newer_reconciliation_run_makes_the_next_report_recount(tiny, tmp_path):
    workspace = copy(tiny, tmp_path / "w")
    (first,) = runs(workspace)
    db = workspace.connect()
    try:  # p16 registered and active after a new reconciliation
        db.execute(
            "UPDATE person SET registered = TRUE, active = TRUE, segmen_kelompok = "
            "'PBPU_BP_PEMDA' WHERE person_id = 'p16-0'"
        )
        db.execute("INSERT INTO link_run (period, kabupaten) VALUES (?, '6202')", [JUNE])
    finally:
        db.close()
    (item,) = uhc.report(workspace, JUNE, ("kabupaten",)).areas
    (second,) = runs(workspace)
    assert second[1] != first[1] and second[2] > first[2]
    assert counts(item.area) == (17, 14, 7, 3, 3)
    assert item.area.levers["uncovered_other"] == 1  # only p06 left


def test_an_ingest_for_another_period_does_not_recount_this_one(tiny, tmp_path):
    workspace = copy(tiny, tmp_path / "w")
    db = workspace.connect()
    try:
        db.execute(
            "INSERT INTO files (file_id, period, layout, file_name, sha256) "
            "VALUES (1, '2025-07', 'dkb', 'dkb_juli.csv', 'abc')"
        )
    finally:
        db.close()
    assert uhc.ensure(workspace, JUNE) is False
    db = workspace.connect()
    try:
        db.execute(
            "INSERT INTO files (file_id, period, layout, file_name, sha256) "
            "VALUES (2, ?, 'dtsen', 'dtsen_juni.csv', 'def')",
            [JUNE],
        )
    finally:
        db.close()
    assert uhc.ensure(workspace, JUNE) is True


def test_recounting_one_period_leaves_the_other_periods_rows_alone(tmp_path):
    workspace = person_workspace(tmp_path / "w", "2025-05", JUNE)
    db = workspace.connect()
    try:
        add_people(db, "2025-05", 10, A1, "PBI_APBN", active=True)
        add_people(db, JUNE, 12, A1, "PBI_APBN", active=True)
    finally:
        db.close()
    uhc.compute(workspace, "2025-05")
    uhc.compute(workspace, JUNE)
    uhc.compute(workspace, JUNE)
    assert area(workspace, "6202", "2025-05").counts.population == 10
    assert area(workspace, "6202", JUNE).counts.population == 12
    stored = query(workspace, "SELECT period, count(*) FROM uhc_aggregate_run GROUP BY ALL")
    assert sorted(stored) == [("2025-05", 1), (JUNE, 1)]


# --- rules applied on the period's last day --------------------------------------------------


@pytest.fixture(scope="module")
def edges(tmp_path_factory) -> Workspace:
    """The same 100 residents in Dec 2024, Jan 2025 and Feb 2025: 78 PBI active, 18 PBI
    inactive in desil 2, 4 unregistered in desil 3 (coverage 96 %, activity 78 %)."""
    periods = ("2024-12", "2025-01", "2025-02")
    workspace = person_workspace(tmp_path_factory.mktemp("edges") / "w", *periods)
    db = workspace.connect()
    try:
        for period in periods:
            add_people(db, period, 78, A1, "PBI_APBN", active=True)
            add_people(db, period, 18, A1, "PBI_APBN", desil=2)
            add_people(db, period, 4, A1, desil=3)
    finally:
        db.close()
    return workspace


def test_the_same_figures_are_prioritas_in_december_2024_and_cut_off_in_january_2025(edges):
    december = uhc.report(edges, "2024-12", ("kabupaten",), arrears=0).areas[0]
    january = uhc.report(edges, "2025-01", ("kabupaten",), arrears=0).areas[0]
    assert december.result.status.code == "UHC-PRIORITAS"  # 96 ≥ 95 and 78 ≥ 75
    assert january.result.status.code == "UHC-NON-PRIORITAS"  # 96 < 98 and 78 < 80
    assert january.result.status.rule.code == "uhc:prioritas@2025-01-01"
    # 98 − 96 = 2 to register, 80 − 78 = 2 to make active
    assert january.result.status.action.en == (
        "For UHC prioritas: register 2 more residents; add 2 active participants."
    )


def test_nobody_counts_as_poor_before_dtsen_took_effect_on_5_february_2025(edges):
    uhc.report(edges, "2025-02", ("kabupaten",))
    january, february = area(edges, "6202", "2025-01"), area(edges, "6202", "2025-02")
    assert levers(january) == {"inactive_other": 18, "uncovered_other": 4}
    assert levers(february) == {"pbi_reactivation": 18, "pemda_poor": 4}


# --- the exact-NIK fallback on hand-written exports ------------------------------------------


def nik(serial: int) -> str:
    return f"62020116089300{serial:02d}"


# Each person the fallback must leave out lives alone in a desa of their own, so the desa's
# missing row shows the exclusion (and the DKB table shows the row was ingested with its desa).
PALANGAN, PATAI, LUWUK_RANGGAN = "6202012003", "6202022005", "6202022006"
KUALA_KUAYAN, TANGAR = "6202031012", "6202032001"  # kecamatan 62.02.03 Mentaya Hulu
DKB_ROWS = [  # serial, desa, STATUS HIDUP, TGL MENINGGAL, STATUS PINDAH, TGL PINDAH
    (1, A1, "HIDUP", "", "", ""),  # Pemda participant, active
    (2, A1, "HIDUP", "", "", ""),  # in no BPJS list: uncovered
    (3, PALANGAN, "MATI", "", "", ""),  # dead by the DKB status (active on the BPJS list)
    (4, PATAI, "HIDUP", "03-03-2025", "", ""),  # dead by the DKB death date
    (5, LUWUK_RANGGAN, "HIDUP", "", "", ""),  # on the death list (active on the BPJS list)
    (6, KUALA_KUAYAN, "HIDUP", "", "PINDAH KELUAR", "15-06-2025"),  # moved out in June
    (8, TANGAR, "HIDUP", "", "PINDAH KELUAR", ""),  # moved out, no date: gone by period end
    (9, OUTSIDE, "HIDUP", "", "", ""),  # lives in Kotawaringin Barat
    (10, B1, "HIDUP", "", "", ""),  # mandiri in arrears, desil 2
    (11, B1, "HIDUP", "", "", ""),  # on the company-worker list, not registered
    (12, A1, "HIDUP", "", "", ""),  # desil 4, not registered
    (13, A1, "HIDUP", "", "", ""),  # two memberships: mandiri inactive, PBI active
    (14, A2, "HIDUP", "", "", ""),  # PNS daerah, active
]
BPJS_ROWS = [  # card, serial, segment, status, note
    ("0001000000001", 1, "PBPU DAN BP PEMERINTAH DAERAH", "AKTIF", ""),
    ("0001000000003", 3, "PBPU DAN BP PEMERINTAH DAERAH", "AKTIF", ""),
    ("0001000000005", 5, "PEKERJA MANDIRI", "AKTIF", ""),
    ("0001000000010", 10, "PEKERJA MANDIRI", "NON AKTIF", "NON AKTIF KARENA PREMI"),
    ("0001000000013", 13, "PEKERJA MANDIRI", "NON AKTIF", ""),
    ("0001000000113", 13, "PBI JAMINAN KESEHATAN", "AKTIF", ""),
    ("0001000000014", 14, "PNS DAERAH", "AKTIF", ""),
    ("0001000000099", 99, "PEKERJA MANDIRI", "AKTIF", ""),  # not in the DKB
]


def write_exports(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dkb = [
        "NIK;NO KK;NAMA;JK;TGL LAHIR;KODE DESA;STATUS HIDUP;TGL MENINGGAL;STATUS PINDAH;TGL PINDAH"
    ]
    for serial, *columns in DKB_ROWS:
        person = f"{nik(serial)};6202010711170001;ORANG {serial};L;16-08-1993"
        dkb.append(";".join([person, *columns]))
    bpjs = ["NO KARTU;NIK;NAMA;SEGMEN;STATUS;KETERANGAN"]
    for card, serial, segment, status, note in BPJS_ROWS:
        bpjs.append(f"{card};{nik(serial)};ORANG {serial};{segment};{status};{note}")
    files = {
        "dkb.csv": dkb,
        "bpjs.csv": bpjs,
        "kematian.csv": ["NIK;NAMA;TGL MENINGGAL", f"{nik(5)};ORANG 5;01-05-2025"],
        "dtsen.csv": ["NIK;DESIL", f"{nik(10)};2", f"{nik(12)};4"],
        "pekerja.csv": ["NIK;NAMA;NAMA PERUSAHAAN", f"{nik(11)};ORANG 11;PT SAWIT MENTAYA"],
    }
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def by_nik(tmp_path_factory) -> Workspace:
    root = tmp_path_factory.mktemp("by-nik")
    workspace = Workspace(root / "w")
    report = ingest(write_exports(root / "in"), JUNE, workspace)
    assert all(f.status == "ingested" and f.balanced for f in report.files)
    uhc.compute(workspace, JUNE)
    return workspace


def test_without_reconciliation_the_residents_are_matched_on_exact_nik(by_nik):
    assert runs(by_nik)[0][0] == "nik"
    assert counts(area(by_nik, A1)) == (4, 2, 2, 1, 1)  # 1, 2, 12, 13
    assert counts(area(by_nik, A2)) == (1, 1, 1, 0, 0)  # 14
    assert counts(area(by_nik, B1)) == (2, 1, 0, 0, 0)  # 10, 11
    assert counts(area(by_nik, "6202")) == (7, 4, 3, 1, 1)
    assert {a.kode for a in areas(by_nik)} == {"6202", "620201", "620202", A1, A2, B1}


def dkb_desa(workspace: Workspace, *serials: int) -> list[str]:
    niks = [nik(serial) for serial in serials]
    rows = query(
        workspace,
        "SELECT kode_desa FROM dkb WHERE nik IN (SELECT unnest(?::VARCHAR[])) ORDER BY nik",
        [niks],
    )
    return [row[0] for row in rows]


def test_by_nik_the_dead_by_status_by_date_or_by_the_death_list_are_not_residents(by_nik):
    assert dkb_desa(by_nik, 3, 4, 5) == [PALANGAN, PATAI, LUWUK_RANGGAN]  # ingested, desa kept
    codes = {a.kode for a in areas(by_nik)}
    assert not codes & {PALANGAN, PATAI, LUWUK_RANGGAN}


def test_by_nik_a_move_by_the_period_end_or_without_a_date_removes_the_resident(by_nik):
    assert dkb_desa(by_nik, 6, 8) == [KUALA_KUAYAN, TANGAR]
    codes = {a.kode for a in areas(by_nik)}
    assert not codes & {KUALA_KUAYAN, TANGAR, "620203"}  # nor their kecamatan


@pytest.mark.parametrize(
    ("moved_on", "population"),
    [("2025-06-30", None), ("2025-07-01", 1)],  # on the period's last day: gone; the day after
)
def test_by_nik_residence_is_judged_on_the_period_last_day(by_nik, tmp_path, moved_on, population):
    workspace = copy(by_nik, tmp_path / "w")
    db = workspace.connect()
    try:
        db.execute(f"UPDATE dkb SET tanggal_pindah = DATE '{moved_on}' WHERE nik = ?", [nik(6)])
    finally:
        db.close()
    uhc.compute(workspace, JUNE)
    found = {a.kode: a.counts.population for a in areas(workspace)}
    assert found.get(KUALA_KUAYAN) == population


def test_by_nik_a_desa_outside_the_kabupaten_is_left_out(by_nik):
    assert dkb_desa(by_nik, 9) == [OUTSIDE]
    assert query(by_nik, "SELECT count(*) FROM uhc_aggregate WHERE kode LIKE '6201%'") == [(0,)]


def test_by_nik_a_resident_with_two_memberships_counts_once_under_the_active_one(by_nik):
    segments = {s: (p, r, a) for s, p, r, a in area(by_nik, A1).segments}
    assert segments == {
        "BELUM_TERDAFTAR": (2, 0, 0),  # 2 and 12
        "PBI_APBN": (1, 1, 1),  # 13: the active PBI card, not the inactive mandiri one
        "PBPU_BP_PEMDA": (1, 1, 1),  # 1
    }


def test_by_nik_the_levers_use_dtsen_deciles_and_the_company_worker_list(by_nik):
    assert levers(area(by_nik, A1)) == {"uncovered_other": 1, "pemda_poor": 1}  # 2; 12 desil 4
    # 10: mandiri "NON AKTIF KARENA PREMI" in desil 2; 11: worker of PT Sawit Mentaya
    assert levers(area(by_nik, B1)) == {"arrears_poor": 1, "employer_unregistered": 1}


def test_by_nik_the_bpjs_list_counts_every_distinct_participant(by_nik):
    kabupaten = area(by_nik, "6202")
    # 1, 3, 5, 10, 13 (two cards, one NIK), 14, 99 = 7; all but 10 have an active card = 6
    assert (kabupaten.listed, kabupaten.listed_active) == (7, 6)


def test_by_nik_a_new_dtsen_file_for_the_period_makes_the_next_report_recount(by_nik, tmp_path):
    workspace = copy(by_nik, tmp_path / "w")
    more = tmp_path / "more"
    more.mkdir()
    (more / "dtsen_susulan.csv").write_text(f"NIK;DESIL\n{nik(2)};3\n", encoding="utf-8")
    ingest(more, JUNE, workspace)
    result = uhc.report(workspace, JUNE, ("desa",))
    item = next(a for a in result.areas if a.area.kode == A1)
    assert levers(item.area) == {"pemda_poor": 2}  # 2 is now known to be poor
    assert len(runs(workspace)) == 1 and runs(workspace) != runs(by_nik)


def test_once_the_period_is_reconciled_the_recount_reads_the_person_table(by_nik, tmp_path):
    workspace = copy(by_nik, tmp_path / "w")
    db = workspace.connect()
    try:
        db.execute(LINK_SCHEMA)
        db.execute("INSERT INTO link_run (period, kabupaten) VALUES (?, '6202')", [JUNE])
        add_people(db, JUNE, 5, B1, "PBI_APBN", active=True)
    finally:
        db.close()
    assert uhc.ensure(workspace, JUNE) is True
    assert runs(workspace)[0][0] == "person"
    assert counts(area(workspace, "6202")) == (5, 5, 5, 0, 5)


# --- the change since the previous period ------------------------------------------------


@pytest.fixture(scope="module")
def crowd(tmp_path_factory) -> Workspace:
    """June 2025: Kota Besi Hulu 2.000 residents, Rubung Buyung 1.000; May 2025: Kota Besi Hulu
    alone, the same 2.000; March 2025: 10 residents; July 2025: 1 resident.

    Kota Besi Hulu: 1.000 PBI active, 700 Pemda active, 260 mandiri in arrears (not poor),
    40 poor unregistered → 2.000 / 1.960 registered / 1.700 active.
    Rubung Buyung: 500 PPU BU active, 250 mandiri active, 170 mandiri inactive (no reason),
    30 mandiri in arrears (not poor), 50 unregistered not poor → 1.000 / 950 / 750.
    Kabupaten in June: 3.000 / 2.910 (97 %) / 2.450 (81,67 %); Pemda 700, PBI 1.000.
    """
    workspace = person_workspace(
        tmp_path_factory.mktemp("crowd") / "w", "2025-03", "2025-05", JUNE, "2025-07"
    )
    db = workspace.connect()
    try:
        for period in ("2025-05", JUNE):
            add_people(db, period, 1_000, A1, "PBI_APBN", active=True)
            add_people(db, period, 700, A1, "PBPU_BP_PEMDA", active=True)
            add_people(db, period, 260, A1, "PBPU_MANDIRI", note="NON AKTIF KARENA PREMI")
            add_people(db, period, 40, A1, desil=2)
        add_people(db, JUNE, 500, B1, "PPU_BU", active=True)
        add_people(db, JUNE, 250, B1, "PBPU_MANDIRI", active=True)
        add_people(db, JUNE, 170, B1, "PBPU_MANDIRI")
        add_people(db, JUNE, 30, B1, "PBPU_MANDIRI", note="NON AKTIF KARENA PREMI")
        add_people(db, JUNE, 50, B1)
        add_people(db, "2025-03", 10, A1, "PBI_APBN", active=True)
        add_people(db, "2025-07", 1, A1, "PBI_APBN", active=True)
    finally:
        db.close()
    return workspace


def test_the_previous_period_is_the_latest_earlier_one_with_residents(crowd):
    assert uhc.previous_period(crowd, JUNE) == "2025-05"
    assert uhc.previous_period(crowd, "2025-05") == "2025-03"
    assert uhc.previous_period(crowd, "2025-03") is None


def test_the_change_since_may_is_counted_in_persons_and_exact_percentage_points(crowd):
    result = uhc.report(crowd, JUNE, arrears=0)
    assert result.previous == "2025-05"
    (kabupaten,) = result.level("kabupaten")
    change = kabupaten.change
    assert change is not None and change.period == "2025-05"
    # June 3.000 / 2.910 / 2.450 against May 2.000 / 1.960 / 1.700
    assert (change.population, change.registered, change.active) == (1_000, 950, 750)
    # coverage 2.910/3.000 − 1.960/2.000 = 97 − 98 = −1 point;
    # activity 2.450/3.000 − 1.700/2.000 = 81⅔ − 85 = −3⅓ points
    assert change.points["coverage_pct"] == Fraction(-1)
    assert change.points["active_pct"] == Fraction(-10, 3)


def test_a_desa_without_residents_in_the_previous_period_has_no_change(crowd):
    result = uhc.report(crowd, JUNE, ("desa",), arrears=0)
    changes = {item.area.kode: item.change for item in result.areas}
    assert changes[B1] is None
    unchanged = changes[A1]
    assert unchanged is not None
    assert (unchanged.population, unchanged.registered, unchanged.active) == (0, 0, 0)
    assert unchanged.points["coverage_pct"] == 0


def test_the_kabupaten_report_closes_each_gap_with_the_cheapest_residents(crowd):
    (item,) = uhc.report(crowd, JUNE, ("kabupaten",), arrears=0).areas
    assert [(o.lever.name, o.persons, o.rupiah_per_person) for o in item.levers] == [
        ("arrears_self", 290, 0),  # 260 + 30, free
        ("pemda_poor", 40, 42_000),
        ("uncovered_other", 50, 42_000),
        ("inactive_other", 170, 42_000),
    ]
    closures = {c.gap.target.name: c for c in item.closures}
    # coverage 98 %: 2.940 − 2.910 = 30, all poor → 30 × Rp 42.000 = Rp 1.260.000
    assert closures["coverage_98"].monthly_rupiah == 1_260_000
    # coverage 99 %: 2.970 − 2.910 = 60: 40 poor + 20 others = 60 × 42.000 = Rp 2.520.000
    assert [(s.option.lever.name, s.persons) for s in closures["coverage_99"].steps] == [
        ("pemda_poor", 40),
        ("uncovered_other", 20),
    ]
    assert closures["coverage_99"].monthly_rupiah == 2_520_000
    # activity 95 %: 2.850 − 2.450 = 400: 290 free, then 40 + 50 + 20 paid = 110 × 42.000
    assert closures["active_95"].monthly_rupiah == 4_620_000
    assert closures["active_95"].yearly_rupiah == 55_440_000


# --- `semesta uhc`: JSON, text, Excel, errors ------------------------------------------------


def semesta(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run the command line in this process: exit code, stdout, stderr."""
    from semesta.cli import main

    monkeypatch.setattr(sys, "argv", ["semesta", *args])
    with pytest.raises(SystemExit) as done:
        main()
    out, err = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else 0), out, err


def june(workspace: Workspace, *options: str) -> list[str]:
    return ["uhc", "--workspace", str(workspace.path), "--period", JUNE, *options]


def test_json_is_one_document_on_stdout_with_the_kabupaten_figures(crowd, monkeypatch, capsys):
    code, out, err = semesta(monkeypatch, capsys, *june(crowd, "--arrears", "0", "--json"))
    assert code == 0, err
    document = json.loads(out)  # the whole of stdout is one JSON document
    assert document["period"] == JUNE and document["previous_period"] == "2025-05"
    assert document["pemda_rate_rupiah"] == 42_000 and document["arrears_rupiah"] == 0
    (kabupaten,) = document["areas"]
    assert kabupaten["counts"] == {
        "population": 3_000,
        "registered": 2_910,
        "active": 2_450,
        "pemda": 700,
        "pbi_apbn": 1_000,
    }
    assert kabupaten["indicators"]["coverage_pct"] == "97.0000"
    assert kabupaten["indicators"]["active_pct"] == "81.6667"
    assert kabupaten["status"]["code"] == "UHC-NON-PRIORITAS"
    assert kabupaten["change"] == {
        "since": "2025-05",
        "population": 1_000,
        "registered": 950,
        "active": 750,
        "points": {
            "coverage_pct": "-1.0000",
            "active_pct": "-3.3333",
            "active_of_registered_pct": "-2.5423",  # 84,1924 % − 86,7347 %
            "pemda_registered_pct": "-11.6667",  # 700/3.000 − 700/2.000
            "pbi_apbn_pct": "-16.6667",  # 1.000/3.000 − 1.000/2.000
        },
    }


def test_json_for_the_desa_level_lists_only_desa_with_their_own_figures(crowd, monkeypatch, capsys):
    code, out, _ = semesta(
        monkeypatch, capsys, *june(crowd, "--level", "desa", "--arrears", "0", "--json")
    )
    assert code == 0
    found = {
        a["kode"]: (a["kode_induk"], a["counts"]["population"], a["status"]["code"])
        for a in json.loads(out)["areas"]
    }
    assert found == {
        A1: ("620201", 2_000, "UHC-PRIORITAS"),  # 98 % / 85 %, no arrears
        B1: ("620202", 1_000, "UHC-NON-PRIORITAS"),  # 95 % / 75 %
    }


def test_the_text_report_writes_counts_percentages_and_rupiah_the_indonesian_way(
    crowd, monkeypatch, capsys
):
    code, out, _ = semesta(monkeypatch, capsys, *june(crowd, "--arrears", "0"))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "Kabupaten Kotawaringin Timur (62.02), periode 2025-06 (aturan per 2025-06-30)"
    )
    assert "Kabupaten Kotawaringin Timur (62.02): penduduk 3.000, peserta 2.910, aktif 2.450" in out
    assert "  Cakupan kepesertaan: 97,00 %" in lines
    assert "  Keaktifan (aktif ÷ penduduk): 81,67 %" in lines
    assert "  Tindakan: Untuk UHC prioritas: daftarkan 30 penduduk lagi." in lines
    gap_98 = next(line for line in lines if line.strip().startswith("cakupan 98 %"))
    assert gap_98.split() == ["cakupan", "98", "%", "30", "30", "0", "30", "0", "Rp", "1.260.000"]
    gap_95 = next(line for line in lines if line.strip().startswith("keaktifan 95 %"))
    assert gap_95.split()[-2:] == ["Rp", "4.620.000"]


def test_the_change_line_groups_thousands_the_indonesian_way(crowd, monkeypatch, capsys):
    _, out, _ = semesta(monkeypatch, capsys, *june(crowd, "--arrears", "0"))
    assert (
        "Perubahan sejak 2025-05: penduduk +1.000, peserta +950, aktif +750; "
        "cakupan -1,00 poin, keaktifan -3,33 poin"
    ) in out.splitlines()


def test_the_desa_table_has_one_row_per_desa_with_dotted_codes(crowd, monkeypatch, capsys):
    _, out, _ = semesta(monkeypatch, capsys, *june(crowd, "--level", "desa", "--arrears", "0"))
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith("62.")}
    assert rows["62.02.01.1009"] == [
        "62.02.01.1009", "Kota", "Besi", "Hulu", "2.000", "1.960", "1.700", "98,00", "%",
        "85,00", "%", "PRIORITAS", "madya", "0", "0",
    ]  # fmt: skip
    # Rubung Buyung: 98 % of 1.000 = 980 − 950 = 30 to register; 800 − 750 = 50 to activate
    assert rows["62.02.02.2004"] == [
        "62.02.02.2004", "Rubung", "Buyung", "1.000", "950", "750", "95,00", "%", "75,00", "%",
        "NON-PRIORITAS", "-", "30", "50",
    ]  # fmt: skip


LEVEL_HEADER = [
    "Kode", "Nama", "Kode induk", "Penduduk", "Peserta", "Aktif", "Cakupan",
    "Keaktifan (aktif ÷ penduduk)", "Aktif ÷ peserta", "Didaftarkan Pemda", "PBI APBN",
    "Δ cakupan", "Δ keaktifan", "Status UHC", "Alasan status", "Tindakan", "UHC Award",
    "Tindakan UHC Award", "Kurang daftar ke 95 %", "Kurang daftar ke 98 %",
    "Kurang daftar ke 99 %", "Kurang aktif ke 75 %", "Kurang aktif ke 80 %",
    "Kurang aktif ke 83,5 %", "Kurang aktif ke 85 %", "Kurang aktif ke 95 %",
    "Biaya/bulan tutup ke aktif 80 %",
]  # fmt: skip


@pytest.fixture(scope="module")
def workbook(crowd, tmp_path_factory) -> tuple[dict, openpyxl.Workbook]:
    """`semesta uhc --xlsx --json` on the crowd: the JSON document and the workbook."""
    book = tmp_path_factory.mktemp("xlsx") / "uhc.xlsx"
    command = [sys.executable, "-m", "semesta.cli", *june(crowd, "--xlsx", str(book), "--json")]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), openpyxl.load_workbook(book)


def sheet_rows(book: openpyxl.Workbook, name: str) -> tuple[list, list[list]]:
    rows = [[cell.value for cell in row] for row in book[name].iter_rows()]
    top = next(i for i, row in enumerate(rows) if row[0] in ("Kode", "Tingkat"))
    return rows[top], [row for row in rows[top + 1 :] if row[0] is not None]


def test_the_workbook_has_one_sheet_per_level_with_the_same_headers(workbook):
    document, book = workbook
    assert document["xlsx"].endswith("uhc.xlsx")
    assert book.sheetnames == ["Kabupaten", "Kecamatan", "Desa", "Penutup celah", "Segmen"]
    codes = {}
    for name in ("Kabupaten", "Kecamatan", "Desa"):
        header, rows = sheet_rows(book, name)
        assert header == LEVEL_HEADER
        codes[name] = [row[0] for row in rows]
    assert codes == {"Kabupaten": ["6202"], "Kecamatan": ["620201", "620202"], "Desa": [A1, B1]}


def test_a_level_sheet_row_holds_the_hand_counted_figures(workbook):
    _, book = workbook
    header, rows = sheet_rows(book, "Kecamatan")
    cempaga = dict(zip(header, next(r for r in rows if r[0] == "620202"), strict=True))
    assert (cempaga["Nama"], cempaga["Kode induk"]) == ("Cempaga", "6202")
    assert (cempaga["Penduduk"], cempaga["Peserta"], cempaga["Aktif"]) == (1_000, 950, 750)
    assert cempaga["Cakupan"] == pytest.approx(0.95)
    assert cempaga["Δ cakupan"] is None  # no residents there in May
    assert cempaga["Status UHC"] == "UHC non-prioritas (cut-off)"
    assert (cempaga["Kurang daftar ke 98 %"], cempaga["Kurang aktif ke 80 %"]) == (30, 50)
    # 50 to activate: the 30 in arrears for free, then 20 unregistered at Rp 42.000 = 840.000
    assert cempaga["Biaya/bulan tutup ke aktif 80 %"] == 840_000


def test_the_kabupaten_row_shows_the_change_since_may_as_a_share(workbook):
    _, book = workbook
    header, (row,) = sheet_rows(book, "Kabupaten")
    kabupaten = dict(zip(header, row, strict=True))
    assert kabupaten["Δ cakupan"] == pytest.approx(-0.01)  # −1 point
    assert kabupaten["Δ keaktifan"] == pytest.approx(-1 / 30)  # −3⅓ points


def test_the_lever_sheet_ranks_each_area_levers_cheapest_first(workbook):
    _, book = workbook
    header, rows = sheet_rows(book, "Penutup celah")
    kabupaten = [dict(zip(header, r, strict=True)) for r in rows if r[1] == "6202"]
    ranked = [(r["Urutan"], r["Pengungkit"], r["Orang"], r["Rp/bulan (APBD)"]) for r in kabupaten]
    assert ranked == [
        (1, "Mandiri menunggak, tidak miskin", 290, 0),
        (2, "Miskin belum terdaftar", 40, 1_680_000),  # 40 × Rp 42.000
        (3, "Belum terdaftar, tidak tercatat miskin", 50, 2_100_000),  # 50 × Rp 42.000
        (4, "Nonaktif lainnya", 170, 7_140_000),  # 170 × Rp 42.000
    ]


@pytest.mark.parametrize("as_json", [False, True])
def test_a_period_without_data_is_a_bilingual_error_with_exit_code_2(
    crowd, monkeypatch, capsys, as_json
):
    args = ["uhc", "--workspace", str(crowd.path), "--period", "2025-04"]
    code, out, err = semesta(monkeypatch, capsys, *args, *(["--json"] if as_json else []))
    assert code == 2 and out == ""
    assert "GALAT: Belum ada DKB untuk periode 2025-04 di workspace" in err
    assert "ERROR: No DKB for period 2025-04 in the workspace: ingest the DKB first" in err
    assert "Traceback" not in err
