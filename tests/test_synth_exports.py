"""The synthetic exports and their truth: dirt options, truth/ pointers, parts, invoice, CLI.

Four 5,000-resident Kotawaringin Timur (62.02) kabupaten of one seed are generated once for
this module: with the default dirt, with no dirt at all, with heavy dirt (also written again
through the CLI), and with the default dirt split at 1,000 rows. A kabupaten of another seed
and a small Bengkulu Utara (17.03) of June 2023 complete them.
"""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import fields
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from semesta.core import rules
from semesta.core.identifiers import parse_nik
from semesta.core.regions import regions
from semesta.core.segments import segment_group
from semesta.pipeline.layouts import LAYOUT_BY_NAME, match_headers
from semesta.synth.exports import Export, _split, synthesize
from semesta.synth.options import Dirt, SynthOptions
from semesta.synth.population import build
from test_synth_population import Kabupaten, layout_of, load, read_export

SIZE, SEED = 5_000, 21
DEFAULT = SynthOptions(population=SIZE, seed=SEED)
# Every rate at 0 and one header spelling: a kabupaten without planted dirt.
ZERO = {f.name: 0.0 for f in fields(Dirt) if f.name != "header_variants"}
CLEAN = DEFAULT.with_dirt(**ZERO, header_variants=False)
# Three to ten times the default rates (options.py), and every mover left on the Pemda list.
HEAVY_RATES = {
    "nik_excel_damage": 0.05,
    "name_variant": 0.15,
    "duplicate_row": 0.02,
    "duplicate_person": 0.01,
    "dead_still_active": 0.9,
    "death_list_only": 0.9,
    "moved_still_pemda": 1.0,
    "non_resident_pemda": 0.01,
    "pbi_and_pemda": 0.03,
    "pemda_and_ppu": 0.02,
    "formal_worker_pemda": 0.2,
    "welloff_pemda": 0.1,
    "poor_uncovered": 0.05,
}
HEAVY = DEFAULT.with_dirt(**HEAVY_RATES)
SPLIT = SynthOptions(population=SIZE, seed=SEED, xlsx_max_rows=1_000)

# Each rate of Dirt and the truth kind it plants (options.py, membership.py, exports.py).
RATE_KIND = [
    ("nik_excel_damage", "nik_rusak"),
    ("name_variant", "ejaan_nama"),
    ("duplicate_row", "duplikat_baris"),
    ("duplicate_person", "duplikat_orang"),
    ("dead_still_active", "meninggal_masih_aktif"),
    ("moved_still_pemda", "pindah_masih_pemda"),
    ("non_resident_pemda", "bukan_penduduk_pemda"),
    ("pbi_and_pemda", "ganda_pbi_pemda"),
    ("pemda_and_ppu", "ganda_pemda_ppu"),
    ("formal_worker_pemda", "pekerja_formal_pemda"),
    ("welloff_pemda", "mampu_pemda"),
    ("poor_uncovered", "miskin_belum_terdaftar"),
]
ROW_KINDS = ("nik_rusak", "ejaan_nama", "duplikat_baris")  # detail = file!sheet!row dirt
PEMDA, PBI = "PBPU_BP_PEMDA", "PBI_APBN"
# The formal-worker list a pekerja_formal_pemda detail names ("ASN/PPPK: DINAS …") → its export
FORMAL_LISTS = {
    "ASN/PPPK": "pegawai_asn",
    "PERANGKAT DESA": "perangkat_desa",
    "PEKERJA BADAN USAHA": "pekerja_badan_usaha",
}


@pytest.fixture(scope="module")
def kabupaten(tmp_path_factory):
    """Generate each kabupaten once, on first use."""
    made: dict[str, Kabupaten] = {}

    def get(name: str, options: SynthOptions) -> Kabupaten:
        if name not in made:
            folder = tmp_path_factory.mktemp(name)
            made[name] = load(folder, synthesize(options, folder))
        return made[name]

    return get


@pytest.fixture(scope="module")
def kab(kabupaten) -> Kabupaten:
    return kabupaten("default", DEFAULT)


@pytest.fixture(scope="module")
def clean(kabupaten) -> Kabupaten:
    return kabupaten("clean", CLEAN)


@pytest.fixture(scope="module")
def heavy(kabupaten) -> Kabupaten:
    return kabupaten("heavy", HEAVY)


@pytest.fixture(scope="module")
def split(kabupaten) -> Kabupaten:
    return kabupaten("split", SPLIT)


@pytest.fixture(scope="module")
def bengkulu_utara(kabupaten) -> Kabupaten:
    return kabupaten(
        "bengkulu", SynthOptions(region="17.03", population=2_000, seed=3, period="2023-06")
    )


def truth(k: Kabupaten, kind: str | None = None) -> list[dict]:
    text = {c: pa.string() for c in ("kind", "nik", "detail")}  # a NIK is not a number
    convert = pacsv.ConvertOptions(column_types=text)
    rows = pacsv.read_csv(k.folder / "truth/anomalies.csv", convert_options=convert).to_pylist()
    return [r for r in rows if kind is None or r["kind"] == kind]


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def cells(row: dict) -> dict:
    """A data row's visible cells (no row number, no truth)."""
    return {k: v for k, v in row.items() if not k.startswith("_")}


class Registers:
    """Every export's rows, indexed by the person truth/rows.parquet says they are."""

    def __init__(self, k: Kabupaten):
        self.by_layout: dict[str, dict[int, list[dict]]] = {}
        for layout in k.sheets:
            index: dict[int, list[dict]] = defaultdict(list)
            for row in k.records(layout):
                index[row["_person"]].append(row)
            self.by_layout[layout] = index

    def of(self, layout: str, person: int) -> list[dict]:
        return self.by_layout[layout].get(person, [])

    def active_groups(self, person: int) -> set[str | None]:
        return {
            segment_group(r["segmen"])
            for r in self.of("bpjs_peserta", person)
            if r["status_peserta"] == "AKTIF"
        }

    def dead(self, person: int) -> bool:
        return any(r["status_hidup"] == "MATI" for r in self.of("dkb", person)) or bool(
            self.of("kematian", person)
        )

    def resident(self, person: int) -> bool:
        dkb = self.of("dkb", person)
        return bool(dkb) and dkb[0]["status_hidup"] == "HIDUP" and dkb[0]["status_pindah"] == ""

    def desil(self, person: int) -> int | None:
        rows = self.of("dtsen", person)
        return int(rows[0]["desil"]) if rows else None


@pytest.fixture(scope="module")
def registers(kab) -> Registers:
    return Registers(kab)


# --- truth/anomalies.csv points at real rows and real people ----------------------------------


def located(k: Kabupaten, anomaly: dict) -> dict:
    """The export row a row-level anomaly's detail ("file!sheet!row dirt") points at."""
    where, dirt = anomaly["detail"].split(" ")
    file, sheet, row = where.split("!")
    found = next(s for s in k.sheets[layout_of(file)] if (s.file, s.sheet) == (file, sheet))
    record = found.rows[int(row) - found.first_row]
    assert record["_row"] == int(row)
    return record | {"_dirt": dirt}


def test_every_anomaly_names_the_nik_its_person_really_has(kab):
    anomalies = truth(kab)
    assert len(anomalies) > 1_000
    for anomaly in anomalies:
        assert anomaly["nik"] == kab.persons[anomaly["person_id"]]["nik"]


def test_a_damaged_nik_row_holds_the_persons_name_and_a_nik_damaged_as_the_detail_says(kab):
    forms = Counter()
    for anomaly in truth(kab, "nik_rusak"):
        row = located(kab, anomaly)
        person = kab.persons[anomaly["person_id"]]
        nik, form = person["nik"], anomaly["detail"].split(":")[-1]
        assert row["nama"] == person["nama"]
        expected = {
            "apostrof": "'" + nik,
            "spasi": f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}",
            "akhiran_desimal": nik + ".0",
            "notasi_ilmiah": f"{nik[0]}.{nik[1:6]}E+15",
            "dibulatkan": float(int(nik[:15]) * 10),  # a number cell: 15 significant digits
        }[form]
        assert row["nik"] == expected, anomaly
        forms[form] += 1
    assert set(forms) == {"apostrof", "spasi", "akhiran_desimal", "notasi_ilmiah", "dibulatkan"}


def test_only_the_bpjs_list_stores_niks_as_numbers_that_lost_their_last_digit(kab):
    files = {
        a["detail"].split("!")[0]
        for a in truth(kab, "nik_rusak")
        if a["detail"].endswith(":dibulatkan")
    }
    assert files == {"bpjs_peserta_6202_2025-06.xlsx"}


def test_a_nik_only_reformatted_is_repaired_to_the_persons_nik_and_a_rounded_one_refused(kab):
    outcome = Counter()
    for anomaly in truth(kab, "nik_rusak"):
        row = located(kab, anomaly)
        nik = kab.persons[anomaly["person_id"]]["nik"]
        form = anomaly["detail"].split(":")[-1]
        result = parse_nik(
            row["nik"], as_of=DEFAULT.dkb_as_of, numeric_cell=isinstance(row["nik"], float)
        )
        if form in ("apostrof", "spasi", "akhiran_desimal"):
            assert (result.status, result.nik) == ("repaired", nik)
        else:  # the digits are gone: refused with a reason, never guessed
            assert result.status == "rejected" and result.nik is None
        outcome[result.status] += 1
    assert outcome["repaired"] > outcome["rejected"] > 0


def test_a_respelt_name_row_holds_the_persons_nik_and_another_spelling_of_the_name(kab):
    anomalies = truth(kab, "ejaan_nama")
    assert anomalies
    for anomaly in anomalies:
        row = located(kab, anomaly)
        person = kab.persons[anomaly["person_id"]]
        assert row["nik"] == person["nik"]
        assert row["nama"] != person["nama"], anomaly


def test_a_row_exported_twice_follows_its_original_with_the_same_card(kab):
    anomalies = truth(kab, "duplikat_baris")
    assert anomalies
    for anomaly in anomalies:
        copy = located(kab, anomaly)
        sheet = next(
            s for s in kab.sheets["bpjs_peserta"] if s.file == anomaly["detail"].split("!")[0]
        )
        original = sheet.rows[copy["_row"] - sheet.first_row - 1]
        assert original["no_kartu"] == copy["no_kartu"]
        for column in ("tanggal_lahir", "segmen", "status_peserta", "kode_faskes"):
            assert original[column] == copy[column]
        truth_row = kab.rows[(sheet.file, sheet.sheet, original["_row"])]
        assert truth_row["person_id"] == anomaly["person_id"]
        assert truth_row["dirt"] != "duplikat_baris"


def test_the_dirt_of_a_row_level_anomaly_is_the_dirt_rows_parquet_gives_that_row(kab):
    for anomaly in (a for a in truth(kab) if a["kind"] in ROW_KINDS):
        where, dirt = anomaly["detail"].split(" ")
        file, sheet, row = where.split("!")
        assert kab.rows[(file, sheet, int(row))]["dirt"] == dirt
        assert kab.rows[(file, sheet, int(row))]["person_id"] == anomaly["person_id"]


def _intact_niks(r: Registers, p: int) -> set[str]:
    """The NIKs on a person's BPJS rows, leaving out those Excel damaged."""
    return {x["nik"] for x in r.of("bpjs_peserta", p) if not x["_dirt"].startswith("nik_rusak")}


def _pemda_active(r: Registers, p: int) -> bool:
    return PEMDA in r.active_groups(p)


PERSON_KINDS = {
    # kind: what the exports show about each person truth lists under it
    "meninggal_masih_aktif": lambda r, p, a: r.dead(p) and bool(r.active_groups(p)),
    "pindah_masih_pemda": lambda r, p, a: (
        r.of("dkb", p)[0]["status_pindah"] == "PINDAH KELUAR" and _pemda_active(r, p)
    ),
    "bukan_penduduk_pemda": lambda r, p, a: not r.of("dkb", p) and _pemda_active(r, p),
    "ganda_pbi_pemda": lambda r, p, a: {PBI, PEMDA} <= r.active_groups(p),
    "ganda_pemda_ppu": lambda r, p, a: (
        _pemda_active(r, p) and bool({"PPU_BU", "PPU_PN"} & r.active_groups(p))
    ),
    "pekerja_formal_pemda": lambda r, p, a: (
        _pemda_active(r, p) and bool(r.of(FORMAL_LISTS[a["detail"].split(": ")[0]], p))
    ),
    "mampu_pemda": lambda r, p, a: (
        _pemda_active(r, p) and r.desil(p) > 5 and a["detail"] == f"desil {r.desil(p)}"
    ),
    "miskin_belum_terdaftar": lambda r, p, a: (
        r.resident(p) and r.desil(p) <= 5 and not r.of("bpjs_peserta", p)
    ),
    "miskin_nonaktif": lambda r, p, a: (
        r.resident(p) and r.desil(p) <= 5 and r.of("bpjs_peserta", p) and not r.active_groups(p)
    ),
    "belum_terdaftar": lambda r, p, a: (
        r.resident(p)
        and not r.of("bpjs_peserta", p)
        and a["detail"] == r.of("dkb", p)[0]["kode_desa"]
    ),
    "nonaktif": lambda r, p, a: any(
        x["status_peserta"] == "NON AKTIF" and x["keterangan_status"] == a["detail"]
        for x in r.of("bpjs_peserta", p)
    ),
    "duplikat_orang": lambda r, p, a: (
        len({x["no_kartu"] for x in r.of("bpjs_peserta", p)}) >= 2
        and all(n[:12] == a["nik"][:12] for n in _intact_niks(r, p))
    ),
}


@pytest.mark.parametrize("kind", sorted(PERSON_KINDS))
def test_each_person_truth_lists_shows_that_anomaly_in_the_exports(kab, registers, kind):
    anomalies = truth(kab, kind)
    assert anomalies
    for anomaly in anomalies:
        assert PERSON_KINDS[kind](registers, anomaly["person_id"], anomaly), anomaly


def test_a_member_enrolled_twice_carries_a_nik_mistyped_in_its_serial_on_one_row(kab, registers):
    twice = truth(kab, "duplikat_orang")
    mistyped = damaged = 0
    for anomaly in twice:
        rows = registers.of("bpjs_peserta", anomaly["person_id"])
        damaged += sum(x["_dirt"].startswith("nik_rusak") for x in rows)
        for nik in _intact_niks(registers, anomaly["person_id"]) - {anomaly["nik"]}:
            # membership.py: two serial digits swapped or one changed, never 0000
            assert nik[:12] == anomaly["nik"][:12] and nik[12:] != "0000"
            mistyped += 1
    assert len(twice) - damaged <= mistyped <= len(twice)


def test_a_split_family_has_an_active_member_while_a_poor_member_is_left_uncovered(kab, registers):
    kk_active = {
        r["no_kk"]
        for rows in registers.by_layout["dkb"].values()
        for r in rows
        if registers.active_groups(r["_person"])
    }
    anomalies = truth(kab, "keluarga_terpisah")
    assert anomalies
    for anomaly in anomalies:
        p = anomaly["person_id"]
        assert registers.of("dkb", p)[0]["no_kk"] in kk_active
        assert not registers.active_groups(p) and registers.desil(p) <= 5


# --- truth/rows.parquet maps every row ------------------------------------------------------


@pytest.mark.parametrize("which", ["kab", "split"])
def test_rows_parquet_numbers_every_data_row_of_every_file_exactly_once(request, which):
    k: Kabupaten = request.getfixturevalue(which)
    in_files = [
        (s.file, s.sheet, row["_row"])
        for sheets in k.sheets.values()
        for s in sheets
        for row in s.rows
    ]
    assert len(in_files) == len(set(in_files)) == len(k.rows)
    assert set(in_files) == set(k.rows)
    per_file = Counter(f for f, _, _ in in_files)
    assert {f["file"]: f["rows"] for f in k.report["files"]} == dict(per_file)


def test_every_export_row_is_the_person_rows_parquet_says(kab):
    twice = {a["person_id"] for a in truth(kab, "duplikat_orang")}
    checked = 0
    for layout in kab.sheets:
        for row in kab.records(layout):
            person = kab.persons[row["_person"]]
            if row["_dirt"] != "ejaan_nama":
                assert row["nama"] == person["nama"], row
            if not row["_dirt"].startswith("nik_rusak") and row["_person"] not in twice:
                assert row["nik"] == person["nik"], row
            checked += 1
    assert checked == len(kab.rows)


def test_the_persons_in_truth_are_the_residents_the_dead_the_movers_and_the_outsiders(kab):
    people = list(kab.persons.values())
    assert sorted(p["person_id"] for p in people) == list(range(len(people)))
    assert sum(p["penduduk"] for p in people) == kab.report["population"] == SIZE
    outsiders = [p for p in people if not p["di_dkb"]]
    dead_and_movers = int(SIZE * 0.012) + int(SIZE * 0.008)  # population.py: 60 + 40
    assert len(people) == SIZE + dead_and_movers + len(outsiders)
    assert {a["person_id"] for a in truth(kab, "bukan_penduduk_pemda")} == {
        p["person_id"] for p in outsiders
    }


# --- the dirt options change what they say ------------------------------------------------


@pytest.mark.parametrize(("rate", "kind"), [rk for rk in RATE_KIND if rk[0] != "poor_uncovered"])
def test_a_dirt_rate_of_zero_plants_none_of_its_anomaly(clean, rate, kind):
    assert getattr(CLEAN.dirt, rate) == 0
    assert truth(clean, kind) == []


def test_with_no_dirt_no_row_of_any_export_is_damaged(clean):
    assert {r["dirt"] for r in clean.rows.values()} == {""}


def test_with_no_poor_left_out_the_only_poor_unregistered_are_families_never_covered(clean):
    # population.py leaves ~0.8 % of families without any segment; they stay unregistered
    pop = build(CLEAN)
    poor = truth(clean, "miskin_belum_terdaftar")
    assert poor
    assert {int(pop.segment[a["person_id"]]) for a in poor} == {-1}


@pytest.mark.parametrize(("rate", "kind"), RATE_KIND)
def test_a_higher_dirt_rate_plants_more_of_its_anomaly(kab, heavy, rate, kind):
    assert getattr(HEAVY.dirt, rate) > getattr(DEFAULT.dirt, rate)
    assert len(truth(heavy, kind)) > len(truth(kab, kind)) > 0


def _identity_rows(k: Kabupaten) -> list[dict]:
    """DKB, BPJS and DTSEN rows, without the BPJS copies (the layouts Excel damages)."""
    return [
        r
        for layout in ("dkb", "bpjs_peserta", "dtsen")
        for r in k.records(layout)
        if r["_dirt"] != "duplikat_baris"
    ]


def test_the_nik_damage_rate_is_the_share_of_identity_rows_with_a_damaged_nik(heavy):
    # ~15,000 rows at 5 %: binomial sd 0.18 point, so one point is over five sd
    rows = _identity_rows(heavy)
    damaged = sum(r["_dirt"].startswith("nik_rusak:") for r in rows) / len(rows)
    assert damaged == pytest.approx(HEAVY_RATES["nik_excel_damage"], abs=0.01)


def test_the_name_variant_rate_is_the_share_of_bpjs_and_dtsen_rows_respelt(heavy):
    # drawn on the rows whose NIK was left intact (exports.py: one damage a row); ~9,000 rows
    # at 15 %: sd 0.4 point, so 1.5 points is about four sd (less the ~1 % of names, such as
    # "SRI", that have no other spelling and stay as they are)
    rows = [
        r
        for r in _identity_rows(heavy)
        if r["_file"].startswith(("bpjs", "dtsen")) and not r["_dirt"].startswith("nik_rusak:")
    ]
    respelt = sum(r["_dirt"] == "ejaan_nama" for r in rows) / len(rows)
    assert respelt == pytest.approx(HEAVY_RATES["name_variant"], abs=0.015)


def test_the_duplicate_row_rate_is_the_share_of_bpjs_rows_exported_twice(heavy):
    # ~5,000 rows at 2 %: binomial sd 0.2 point, so 0.6 point is three sd
    rows = heavy.records("bpjs_peserta")
    copies = sum(r["_dirt"] == "duplikat_baris" for r in rows)
    assert copies / (len(rows) - copies) == pytest.approx(HEAVY_RATES["duplicate_row"], abs=0.006)


def test_the_duplicate_person_rate_is_the_share_of_registered_residents_enrolled_twice(heavy):
    registered = {
        r["_person"]
        for r in heavy.records("bpjs_peserta")
        if heavy.persons[r["_person"]]["penduduk"]
    }
    # membership.py picks round(n × rate) of the n registered residents, exactly
    assert len(truth(heavy, "duplikat_orang")) == round(len(registered) * 0.01)


def test_with_every_mover_kept_each_mover_of_a_pemda_family_stays_on_the_pemda_list(heavy):
    pop = build(HEAVY)
    movers = {p["person_id"] for p in heavy.persons.values() if p["pindah"] is not None}
    pemda_movers = {p for p in movers if pop.segment[p] == 1}  # SEGMENTS[1] = PBPU_BP_PEMDA
    assert pemda_movers
    assert {a["person_id"] for a in truth(heavy, "pindah_masih_pemda")} == pemda_movers


@pytest.mark.parametrize(("which", "only_on_list"), [("clean", 0), ("heavy", 0.9)])
def test_deaths_known_only_from_the_death_list_are_still_alive_in_the_dkb(
    request, which, only_on_list
):
    k: Kabupaten = request.getfixturevalue(which)
    death_list = {r["_person"]: r["sumber"] for r in k.records("kematian")}
    dkb = {r["_person"]: r for r in k.records("dkb")}
    dead = [p for p in k.persons.values() if p["meninggal"] is not None]
    still_alive = [p for p in dead if dkb[p["person_id"]]["status_hidup"] == "HIDUP"]
    for person in still_alive:
        assert death_list[person["person_id"]] == "LAPORAN DESA"
    for person_id, source in death_list.items():
        if source == "LAPORAN DESA":
            assert dkb[person_id]["status_hidup"] == "HIDUP"
    # 60 dead at 5,000 residents: the share is within 0.15 of the rate (about 3 sd)
    assert len(still_alive) / len(dead) == pytest.approx(only_on_list, abs=0.15)


def test_with_dirt_refuses_an_unknown_rate_and_keeps_every_other_setting():
    with pytest.raises(ValueError, match=r"unknown dirt option\(s\): \['bogus'\]"):
        DEFAULT.with_dirt(bogus=0.1)
    changed = SynthOptions(
        region="17.03", population=1_234, seed=9, period="2023-06", xlsx_max_rows=500
    ).with_dirt(duplicate_row=0.5)
    kept = (changed.region, changed.population, changed.seed, changed.period)
    assert kept == ("17.03", 1_234, 9, "2023-06") and changed.xlsx_max_rows == 500
    assert changed.dirt == Dirt(duplicate_row=0.5)  # the other rates keep their defaults


# --- headers --------------------------------------------------------------------------------


def test_without_header_variants_every_export_uses_the_first_spelling_of_each_column(clean):
    for sheets in clean.sheets.values():
        for sheet in sheets:
            layout = LAYOUT_BY_NAME[sheet.layout]
            assert sheet.header == [layout.column(c).aliases[1] for c in sheet.columns]


def test_with_header_variants_the_exports_spell_the_same_column_differently(kab):
    spellings = defaultdict(set)
    for sheets in kab.sheets.values():
        for sheet in sheets:
            for header, column in zip(sheet.header, sheet.columns, strict=True):
                spellings[column].add(header)
    assert len(spellings["nik"]) >= 3  # eight exports carry a NIK column
    assert len(spellings["nama"]) >= 3


@pytest.mark.parametrize("which", ["kab", "clean"])
def test_every_header_is_recognised_as_its_own_export(request, which):
    k: Kabupaten = request.getfixturevalue(which)
    for sheets in k.sheets.values():
        for sheet in sheets:
            best = match_headers(sheet.header)[0]
            assert best[0].name == sheet.layout, (sheet.file, sheet.header)
            assert list(best[1].values()) == sheet.columns


# --- files and parts ------------------------------------------------------------------------


def test_each_export_comes_in_the_format_and_title_a_dinas_receives(kab):
    def head(prefix: str) -> bytes:
        return next(kab.folder.glob(prefix + "*")).read_bytes()[:400]

    assert head("dkb_").startswith(
        b"DATA KEPENDUDUKAN BERSIH SEMESTER I TAHUN 2025\r\nKABUPATEN KOTAWARINGIN TIMUR\r\n\r\n"
    )
    assert head("dkb_").split(b"\r\n")[3].count(b";") == 14  # 15 columns, semicolons
    assert head("perangkat_desa_").startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    assert head("perangkat_desa_").split(b"\r\n")[0].count(b",") == 4
    assert head("kematian_")[:1] != b"\xef"  # plain UTF-8
    assert [line[0] for line in kab.sheets["tagihan"][0].title] == [
        "TAGIHAN IURAN PESERTA PBPU DAN BP PEMERINTAH DAERAH",
        "KABUPATEN KOTAWARINGIN TIMUR BULAN 2025-06",
        "",
    ]
    assert [line[0] for line in kab.sheets["pegawai_asn"][0].title] == [
        "DAFTAR PEGAWAI ASN DAN PPPK",
        "PEMERINTAH KABUPATEN KOTAWARINGIN TIMUR",
        "",
    ]


def test_past_the_row_limit_the_bpjs_list_continues_in_numbered_files_losing_no_row(kab, split):
    whole = kab.records("bpjs_peserta")
    parts = split.sheets["bpjs_peserta"]
    assert [p.file for p in parts] == [
        f"bpjs_peserta_6202_2025-06_bagian{i}.xlsx" for i in range(1, len(parts) + 1)
    ]
    assert len(parts) == math.ceil(len(whole) / 1_000) >= 5
    assert all(p.sheet == "Sheet1" and p.first_row == 2 for p in parts)
    assert [len(p.rows) for p in parts[:-1]] == [1_000] * (len(parts) - 1)
    joined = [cells(r) for p in parts for r in p.rows]
    assert joined == [cells(r) for r in whole]


def test_past_the_row_limit_dtsen_continues_in_numbered_sheets_losing_no_row(kab, split):
    whole = kab.records("dtsen")
    parts = split.sheets["dtsen"]
    assert {p.file for p in parts} == {"dtsen_6202_2025-05.xlsx"}
    assert [p.sheet for p in parts] == [f"Data {i}" for i in range(1, len(parts) + 1)]
    assert len(parts) == math.ceil(len(whole) / 1_000) >= 4
    assert all(len(p.rows) <= 1_000 and p.first_row == 2 for p in parts)
    assert [cells(r) for p in parts for r in p.rows] == [cells(r) for r in whole]


def test_a_titled_export_counts_its_title_lines_against_the_row_limit(kab, split):
    whole = kab.records("tagihan")
    parts = split.sheets["tagihan"]
    assert len(whole) > 997  # three title lines + header + 997 rows = 1,001 sheet rows
    assert [p.file for p in parts] == [
        f"tagihan_pbpu_pemda_6202_2025-06_bagian{i}.xlsx" for i in range(1, len(parts) + 1)
    ]
    assert [len(p.rows) for p in parts[:-1]] == [997] * (len(parts) - 1)
    for part in parts:  # each part repeats the title and the header
        assert [line[0] for line in part.title][:2] == [
            "TAGIHAN IURAN PESERTA PBPU DAN BP PEMERINTAH DAERAH",
            "KABUPATEN KOTAWARINGIN TIMUR BULAN 2025-06",
        ]
        assert part.first_row == 5
    assert [cells(r) for p in parts for r in p.rows] == [cells(r) for r in whole]


def test_a_csv_export_is_never_split(kab, split):
    assert [s.file for s in split.sheets["dkb"]] == ["dkb_6202_semesterI_2025.csv"]
    assert len(split.records("dkb")) == len(kab.records("dkb")) > 1_000


@pytest.mark.parametrize(
    ("mode", "eleven_rows"),
    [
        ("files", [("t_bagian1.xlsx", [("Sheet1", 10)]), ("t_bagian2.xlsx", [("Sheet1", 1)])]),
        ("sheets", [("t.xlsx", [("Data 1", 10), ("Data 2", 1)])]),
    ],
)
def test_an_export_of_exactly_the_limit_stays_whole_and_one_row_more_starts_a_part(
    mode, eleven_rows
):
    def parts(rows: int) -> list:
        table = pa.table({"_person": list(range(rows))})
        export = Export("t.xlsx", "dtsen", table, "xlsx", split=mode, max_rows=10)
        return [(f, [(s, t.num_rows) for s, t in sheets]) for f, sheets in _split(export)]

    assert parts(10) == [("t.xlsx", [("Sheet1", 10)])]
    assert parts(11) == eleven_rows


# --- the invoice ----------------------------------------------------------------------------


def test_the_invoice_lists_each_active_pemda_row_of_the_bpjs_list_once(kab):
    billed = [r["no_kartu"] for r in kab.records("tagihan")]
    pemda_active = {
        r["no_kartu"]
        for r in kab.records("bpjs_peserta")
        if segment_group(r["segmen"]) == PEMDA and r["status_peserta"] == "AKTIF"
    }
    assert len(billed) == len(set(billed)) == len(pemda_active) > 1_000
    assert set(billed) == pemda_active


def test_every_invoice_line_charges_the_pemda_rate_in_force_for_the_month(kab):
    rate = rules.pemda_rate("62.02", date(2025, 6, 1))
    assert rate == 42_000  # data/rules/pemda_rates.toml default: Perpres 64/2020 Pasal 29(1)
    lines = kab.records("tagihan")
    assert {(r["iuran"], r["bulan_tagihan"], r["kelas"]) for r in lines} == {(rate, "2025-06", 3)}


def test_the_invoice_names_the_member_as_bpjs_knows_them(kab):
    # the bill comes from BPJS's own system: the NIK and name before Excel or a clerk
    # touched the list (a mistyped NIK of a double enrolment is BPJS's own error, kept)
    twice = {a["person_id"] for a in truth(kab, "duplikat_orang")}
    for row in kab.records("tagihan"):
        person = kab.persons[row["_person"]]
        assert row["nama"] == person["nama"]
        assert row["nik"] == person["nik"] or row["_person"] in twice


def test_bengkulu_utara_is_billed_its_own_rate_for_june_2023(bengkulu_utara):
    assert rules.pemda_rate("17.03", date(2023, 6, 1)) == 37_800  # seed 001, Tabel 1
    [sheet] = bengkulu_utara.sheets["tagihan"]
    assert sheet.file == "tagihan_pbpu_pemda_1703_2023-06.xlsx"
    assert sheet.title[1][0] == "KABUPATEN BENGKULU UTARA BULAN 2023-06"
    assert {(r["iuran"], r["bulan_tagihan"]) for r in sheet.rows} == {(37_800, "2023-06")}


def test_bengkulu_utara_residents_live_in_its_desa(bengkulu_utara):
    desa = {r.digits for r in regions().descendants("17.03", "desa")}
    assert {r["kode_desa"] for r in bengkulu_utara.records("dkb")} <= desa


def test_a_members_puskesmas_bears_the_name_of_the_kecamatan_they_live_in(bengkulu_utara):
    # Bengkulu Utara's kecamatan codes have gaps (01, 06, 07, …, 25) after regions split
    for row in bengkulu_utara.records("bpjs_peserta"):
        kecamatan = regions().get(f"17.03.{row['kode_faskes'][:2]}")
        assert kecamatan is not None
        assert row["nama_faskes"] == f"PUSKESMAS {kecamatan.name.upper()}"
        assert bengkulu_utara.persons[row["_person"]]["kode_desa"][:6] == kecamatan.digits


# --- the same seed, the same bytes; the CLI ---------------------------------------------------


def test_another_seed_changes_the_content_of_every_file(kab, tmp_path):
    other = tmp_path / "seed22"
    synthesize(SynthOptions(population=SIZE, seed=SEED + 1), other)
    mine, theirs = digests(kab.folder), digests(other)
    assert sorted(mine) == sorted(theirs)
    assert [f for f in mine if mine[f] == theirs[f]] == []


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    """`semesta synth --json` with the heavy options, in its own process."""
    out = tmp_path_factory.mktemp("cli")
    args = f"synth --out {out} --region 62.02 --population {SIZE} --seed {SEED} --period 2025-06"
    dirt = [arg for k, v in HEAVY_RATES.items() for arg in ("--dirt", f"{k}={v}")]
    done = subprocess.run(
        [sys.executable, "-m", "semesta.cli", *args.split(), *dirt, "--json"],
        capture_output=True,
        text=True,
    )
    return out, done


def test_the_cli_with_the_same_seed_and_rates_writes_the_same_bytes_in_another_process(
    heavy, cli_run
):
    out, done = cli_run
    assert done.returncode == 0, done.stderr
    assert digests(out) == digests(heavy.folder)


def test_synth_json_is_one_document_whose_counts_match_the_files(cli_run):
    out, done = cli_run
    document = json.loads(done.stdout)
    files = {f["file"]: f["rows"] for f in document["files"]}
    assert sorted(files) == sorted(p.name for p in out.iterdir() if p.is_file())
    for name, rows in files.items():
        assert sum(len(s.rows) for s in read_export(out / name)) == rows, name
    kinds = Counter(pacsv.read_csv(out / "truth/anomalies.csv")["kind"].to_pylist())
    assert document["truth"] == dict(kinds)
    persons = pq.read_table(out / "truth/persons.parquet")
    assert document["population"] == sum(persons["penduduk"].to_pylist()) == SIZE
    assert document["region"] == "62.02"


def test_synth_refuses_an_unknown_dirt_rate_with_exit_code_2_and_writes_nothing(tmp_path):
    args = f"synth --out {tmp_path / 'x'} --population 2000 --dirt bogus=0.1 --json"
    done = subprocess.run(
        [sys.executable, "-m", "semesta.cli", *args.split()], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "--dirt: unknown dirt option(s): ['bogus']" in done.stderr
    assert not (tmp_path / "x").exists()
