"""UHC aggregates stored in the workspace: counted once, read back, adding up at every level."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from semesta.core.rules import pemda_rate
from semesta.core.text import SemestaError
from semesta.pipeline import uhc
from semesta.pipeline.link import link
from semesta.pipeline.workspace import Workspace

PERIOD = "2025-06"
COUNTS = ("population", "registered", "active", "pemda", "pbi_apbn")


def _copy(source: Workspace, target: Path) -> Workspace:
    shutil.copytree(source.path, target, ignore=shutil.ignore_patterns(".tmp"))
    return Workspace(target)


@pytest.fixture(scope="module")
def by_nik(small_ingested, tmp_path_factory) -> Workspace:
    """The small kabupaten, ingested but not reconciled: the exact-NIK fallback."""
    workspace = _copy(small_ingested[0], tmp_path_factory.mktemp("uhc") / "nik")
    uhc.compute(workspace, PERIOD)
    return workspace


@pytest.fixture(scope="module")
def reconciled(small_ingested, tmp_path_factory) -> Workspace:
    """The small kabupaten after the reconciliation's linkage (person table)."""
    workspace = _copy(small_ingested[0], tmp_path_factory.mktemp("uhc") / "person")
    link(workspace, PERIOD)
    uhc.compute(workspace, PERIOD)
    return workspace


@pytest.fixture(scope="module")
def truth(small_exports) -> dict[str, int]:
    with open(small_exports / "truth" / "anomalies.csv", encoding="utf-8") as handle:
        kinds = [row["kind"] for row in csv.DictReader(handle)]
    return {kind: kinds.count(kind) for kind in set(kinds)}


def areas(workspace: Workspace, level: str | None = None) -> list[uhc.Area]:
    db = workspace.connect(read_only=True)
    try:
        return uhc.read_areas(db, PERIOD, level)
    finally:
        db.close()


def runs(workspace: Workspace) -> list[tuple]:
    db = workspace.connect(read_only=True)
    try:
        return db.execute(
            "SELECT period, basis, computed_at FROM uhc_aggregate_run ORDER BY period"
        ).fetchall()
    finally:
        db.close()


# --- what is counted ------------------------------------------------------------------------


def test_after_reconciliation_the_population_is_the_3000_synthetic_residents(reconciled, truth):
    (kabupaten,) = areas(reconciled, "kabupaten")
    assert runs(reconciled)[0][1] == "person"
    assert kabupaten.kode == "6202" and kabupaten.nama == "Kabupaten Kotawaringin Timur"
    assert kabupaten.counts.population == 3_000
    assert kabupaten.counts.population - kabupaten.counts.registered == truth["belum_terdaftar"]
    # A poor uncovered resident on a formal-worker list is the employer's to register: that
    # lever comes first (uhc._LEVER_CASE), so the Pemda's lever holds the others.
    db = reconciled.connect(read_only=True)
    try:
        (workers,) = db.execute(
            "SELECT count(*) FROM person WHERE period = ? AND resident AND NOT registered "
            "AND desil <= 5 AND formal_worker IS NOT NULL",
            [PERIOD],
        ).fetchall()[0]
    finally:
        db.close()
    assert kabupaten.levers["pemda_poor"] + workers == truth["miskin_belum_terdaftar"]


def test_without_reconciliation_the_exact_nik_fallback_misses_damaged_niks_and_says_so(
    by_nik, reconciled
):
    (fallback,) = areas(by_nik, "kabupaten")
    (linked,) = areas(reconciled, "kabupaten")
    assert runs(by_nik)[0][1] == "nik"
    assert fallback.counts.population < linked.counts.population
    assert fallback.counts.registered < linked.counts.registered
    assert "identical NIK only" in uhc.BASIS_NOTES["nik"].en


@pytest.mark.parametrize("basis", ["by_nik", "reconciled"])
def test_kabupaten_totals_are_the_sums_of_kecamatan_and_of_desa(basis, request):
    workspace = request.getfixturevalue(basis)
    (kabupaten,) = areas(workspace, "kabupaten")
    for level in ("kecamatan", "desa"):
        parts = areas(workspace, level)
        for name in COUNTS:
            assert sum(a.counts.get(name) or 0 for a in parts) == kabupaten.counts.get(name)
        for lever in uhc.LEVER_NAMES:
            assert sum(a.levers[lever] for a in parts) == kabupaten.levers[lever]
    desa = areas(workspace, "desa")
    assert {a.kode_induk for a in desa} == {a.kode for a in areas(workspace, "kecamatan")}
    assert len(desa) > 100 and all(a.nama for a in desa)


@pytest.mark.parametrize("basis", ["by_nik", "reconciled"])
def test_every_resident_who_is_not_active_is_in_exactly_one_lever(basis, request):
    workspace = request.getfixturevalue(basis)
    gains_coverage = {"employer_unregistered", "pemda_poor", "uncovered_other"}
    for area in areas(workspace):
        counts = area.counts
        assert sum(area.levers.values()) == counts.population - counts.active
        covering = sum(area.levers[name] for name in gains_coverage)
        assert covering == counts.population - counts.registered


def test_segment_rows_partition_each_area_population(reconciled):
    for area in areas(reconciled):
        assert sum(p for _, p, _, _ in area.segments) == area.counts.population
        assert sum(r for _, _, r, _ in area.segments) == area.counts.registered
        assert sum(a for _, _, _, a in area.segments) == area.counts.active
        unregistered = [s for s in area.segments if s[0] == uhc.UNREGISTERED]
        assert all(r == 0 for _, _, r, _ in unregistered)
    (kabupaten,) = areas(reconciled, "kabupaten")
    by_segment = {s: r for s, _, r, _ in kabupaten.segments}
    assert by_segment["PBPU_BP_PEMDA"] == kabupaten.counts.pemda
    assert by_segment["PBI_APBN"] == kabupaten.counts.pbi_apbn


def test_the_bpjs_list_counts_participants_who_are_not_residents_too(reconciled):
    (kabupaten,) = areas(reconciled, "kabupaten")
    assert kabupaten.listed is not None and kabupaten.listed_active is not None
    assert kabupaten.listed > kabupaten.counts.registered  # dead, moved, not in the DKB
    db = reconciled.connect(read_only=True)
    try:
        listed = db.execute(
            "SELECT count(*) FROM person WHERE period = ? AND registered", [PERIOD]
        ).fetchall()[0][0]
    finally:
        db.close()
    assert kabupaten.listed == listed
    assert all(a.listed is None for a in areas(reconciled, "desa"))


def test_the_lever_names_in_the_sql_are_the_levers_in_the_rule_data():
    assert uhc.lever_names(uhc.period_end(PERIOD)) == uhc.LEVER_NAMES


# --- stored once, read many times -----------------------------------------------------------


def test_a_report_reads_the_stored_aggregates_without_recounting(reconciled):
    before = runs(reconciled)
    uhc.report(reconciled, PERIOD)
    uhc.report(reconciled, PERIOD, ("desa",))
    assert runs(reconciled) == before


def test_a_new_ingest_makes_the_next_report_recount(by_nik, tmp_path):
    from semesta.pipeline.ingest import ingest

    workspace = _copy(by_nik, tmp_path / "w")
    (before,) = areas(workspace, "kabupaten")
    first_run = runs(workspace)
    resident = _a_resident_nik(workspace)
    deaths = tmp_path / "in" / "kematian_tambahan.csv"
    deaths.parent.mkdir()
    deaths.write_text(f"NIK;NAMA;TGL MENINGGAL\n{resident};X;01-06-2025\n", encoding="utf-8")
    ingest(deaths.parent, PERIOD, workspace)
    result = uhc.report(workspace, PERIOD)
    assert runs(workspace) != first_run
    assert result.level("kabupaten")[0].area.counts.population == before.counts.population - 1


def _a_resident_nik(workspace: Workspace) -> str:
    db = workspace.connect(read_only=True)
    try:
        rows = db.execute(
            "SELECT nik FROM dkb WHERE period = ? AND nik IS NOT NULL AND status_hidup = 'HIDUP' "
            "AND status_pindah IS NULL GROUP BY nik HAVING count(*) = 1 ORDER BY nik LIMIT 1",
            [PERIOD],
        ).fetchall()
    finally:
        db.close()
    return str(rows[0][0])


def test_the_change_since_the_previous_period_is_read_from_its_stored_aggregates(by_nik, tmp_path):
    workspace = _copy(by_nik, tmp_path / "w")
    db = workspace.connect()
    try:  # May: the same registers, but every mandiri participant was inactive
        for table in (
            "dkb",
            "bpjs_peserta",
            "dtsen",
            "kematian",
            "pegawai_asn",
            "perangkat_desa",
            "pekerja_badan_usaha",
        ):
            db.execute(
                f"INSERT INTO {table} SELECT * REPLACE ('2025-05' AS period) FROM {table} "
                f"WHERE period = '{PERIOD}'"
            )
        db.execute(
            "UPDATE bpjs_peserta SET aktif = FALSE "
            "WHERE period = '2025-05' AND segmen_kelompok = 'PBPU_MANDIRI'"
        )
    finally:
        db.close()
    june = uhc.report(workspace, PERIOD).level("kabupaten")[0]
    may = uhc.report(workspace, "2025-05").level("kabupaten")[0]
    assert june.change is not None and june.change.period == "2025-05"
    assert may.change is None
    gained = june.area.counts.active - may.area.counts.active
    assert gained > 0 and june.change.active == gained
    # residence is judged at each period's end: a move dated in June counts in June only
    moved_in_june = _moves(workspace, "2025-06-01", "2025-06-30")
    assert (
        june.change.population
        == -moved_in_june
        == (june.area.counts.population - may.area.counts.population)
    )
    points = june.change.points["active_pct"]
    assert points == june.result.indicators["active_pct"] - may.result.indicators["active_pct"]


def _moves(workspace: Workspace, first: str, last: str) -> int:
    db = workspace.connect(read_only=True)
    try:
        return int(
            db.execute(
                "SELECT count(DISTINCT nik) FROM dkb WHERE period = ? "
                "AND status_pindah IS NOT NULL AND tanggal_pindah BETWEEN ?::DATE AND ?::DATE",
                [PERIOD, first, last],
            ).fetchall()[0][0]
        )
    finally:
        db.close()


# --- the report ---------------------------------------------------------------------------


def test_each_desa_gets_its_status_gap_and_levers_at_the_pemda_rate_in_force(reconciled):
    result = uhc.report(reconciled, PERIOD, ("desa",), arrears=0)
    assert result.rate == pemda_rate("62.02", uhc.period_end(PERIOD)) == 42_000
    assert result.basis == "person" and result.levels == ("desa",)
    assert len(result.areas) == len(areas(reconciled, "desa"))
    for item in result.areas:
        costs = [option.rupiah_per_person for option in item.levers]
        assert costs == sorted(costs)  # free levers first
        for closure in item.closures:
            assert closure.closed + closure.remaining == closure.gap.missing
            assert closure.monthly_rupiah == sum(
                s.persons * s.option.rupiah_per_person for s in closure.steps
            )


def test_the_kabupaten_report_shows_the_status_as_counted_on_the_bpjs_list_too(reconciled):
    (item,) = uhc.report(reconciled, PERIOD, ("kabupaten",), arrears=0).areas
    assert item.listed_view is not None
    assert item.listed_view.counts.registered == item.area.listed
    assert item.listed_view.indicators["coverage_pct"] > item.result.indicators["coverage_pct"]
    document = uhc.area_dict(item)
    assert document["bpjs_list"]["listed"] == item.area.listed
    assert document["status"]["code"] == item.result.status.code


def test_an_unknown_level_is_a_bilingual_error(reconciled):
    with pytest.raises(SemestaError, match="Unknown level 'provinsi'"):
        uhc.report(reconciled, PERIOD, ("provinsi",))


def test_a_period_without_a_dkb_is_a_bilingual_error(by_nik):
    with pytest.raises(SemestaError) as caught:
        uhc.report(by_nik, "2024-12")
    assert "ingest the DKB first" in caught.value.message.en
    assert "muat DKB dahulu" in caught.value.message.id


def test_a_workspace_that_does_not_exist_is_a_bilingual_error(tmp_path):
    with pytest.raises(SemestaError, match="does not exist yet"):
        uhc.report(Workspace(tmp_path / "nowhere"), PERIOD)
    assert not (tmp_path / "nowhere").exists()


def test_the_stored_table_has_one_total_row_per_area(reconciled):
    db = duckdb.connect(str(reconciled.database), read_only=True)
    try:
        duplicates = db.execute(
            "SELECT count(*) FROM (SELECT level, kode, segmen FROM uhc_aggregate "
            "WHERE period = ? GROUP BY ALL HAVING count(*) > 1)",
            [PERIOD],
        ).fetchall()[0][0]
    finally:
        db.close()
    assert duplicates == 0
