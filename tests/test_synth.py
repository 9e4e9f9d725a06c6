"""The synthetic kabupaten looks like what a Dinas Kesehatan receives, and is reproducible."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from conftest import SMALL
from semesta.core.regions import regions
from semesta.synth.exports import invoice_rate, synthesize
from semesta.synth.options import SynthOptions
from semesta.synth.population import SEGMENTS, build

DIRT_KINDS = {
    "nik_rusak",
    "ejaan_nama",
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
}


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    options = SynthOptions(population=800, seed=3)
    synthesize(options, tmp_path / "a")
    synthesize(options, tmp_path / "b")
    assert digest(tmp_path / "a") == digest(tmp_path / "b")


def test_another_seed_writes_another_kabupaten(tmp_path):
    synthesize(SynthOptions(population=800, seed=3), tmp_path / "a")
    synthesize(SynthOptions(population=800, seed=4), tmp_path / "b")
    assert digest(tmp_path / "a") != digest(tmp_path / "b")


def test_every_export_a_dinas_receives_is_written(small_exports):
    names = sorted(p.name for p in small_exports.iterdir() if p.is_file())
    prefixes = [
        "bkpsdm_asn_pppk_",
        "bpjs_peserta_",
        "dkb_",
        "dtsen_",
        "kematian_",
        "pekerja_badan_usaha_",
        "perangkat_desa_",
        "tagihan_pbpu_pemda_",
    ]
    assert [n.split("6202")[0] for n in names] == prefixes


def test_residents_live_in_the_real_desa_of_the_region(small_exports):
    persons = pq.read_table(small_exports / "truth" / "persons.parquet")
    desa = {r.digits for r in regions().descendants("62.02", "desa")}
    assert set(persons["kode_desa"].to_pylist()) <= desa
    assert len(set(persons["kode_desa"].to_pylist())) > 150  # spread over most desa


def test_population_sex_ages_and_families_are_plausible():
    pop = build(SynthOptions(population=20_000, seed=2))
    residents = pop.resident
    assert residents.sum() == 20_000
    assert 0.46 < pop.female[residents].mean() < 0.50  # Kotim: 219,428 of 454,515 (48.3 %)
    age = (np.datetime64("2025-06-30") - pop.birth[residents]).astype(int) / 365.25
    assert 25 < np.median(age) < 35
    assert (age < 15).mean() > 0.2
    family_size = np.bincount(pop.family).mean()
    assert 3.0 < family_size < 4.0
    niks = pop.nik.to_pylist()
    assert len(set(niks)) == len(niks)
    assert all(n[12:] != "0000" for n in niks)


def test_the_segment_mix_follows_kotawaringin_timur():
    pop = build(SynthOptions(population=50_000, seed=5))
    residents = pop.resident
    shares = {s: (pop.segment[residents] == i).mean() for i, s in enumerate(SEGMENTS)}
    expected = {
        "PBI_APBN": 0.259,
        "PBPU_BP_PEMDA": 0.259,
        "PPU_BU": 0.272,
        "PPU_PN": 0.081,
        "PBPU_MANDIRI": 0.107,
        "BP": 0.013,
    }
    for segment, share in expected.items():
        assert shares[segment] == pytest.approx(share, abs=0.03), segment
    covered = (pop.segment[residents] >= 0).mean()
    assert covered == pytest.approx(0.992, abs=0.01)
    active = (pop.active & (pop.segment >= 0))[residents].mean()
    assert 0.72 < active < 0.84  # seed 003: 76.32 %


def test_the_poor_are_mostly_pbi_or_pemda_and_the_well_off_are_not():
    pop = build(SynthOptions(population=30_000, seed=6))
    subsidised = (pop.segment == 0) | (pop.segment == 1)
    assert subsidised[pop.desil <= 3].mean() > 0.7
    assert subsidised[pop.desil >= 8].mean() == 0


def test_truth_lists_every_kind_of_dirt(small_exports):
    truth = pacsv.read_csv(small_exports / "truth" / "anomalies.csv")
    assert set(truth["kind"].to_pylist()) == DIRT_KINDS


def test_headers_differ_between_exports_as_in_real_life(small_exports):
    bpjs = next(small_exports.glob("bpjs_peserta_*.xlsx"))
    header = next(CalamineWorkbook.from_path(str(bpjs)).get_sheet_by_index(0).iter_rows())
    assert "NIK" not in header or "NO KARTU" not in header  # not all canonical names


def test_past_the_sheet_row_limit_an_export_continues_in_sheets_or_files(tmp_path):
    options = SynthOptions(population=600, seed=1, xlsx_max_rows=250)
    report = synthesize(options, tmp_path)
    files = [f["file"] for f in report["files"]]
    bpjs_parts = [f for f in files if f.startswith("bpjs_peserta_")]
    assert len(bpjs_parts) >= 2 and all("_bagian" in f for f in bpjs_parts)
    dtsen = next(tmp_path.glob("dtsen_*.xlsx"))
    sheets = CalamineWorkbook.from_path(str(dtsen)).sheet_names
    assert sheets[:2] == ["Data 1", "Data 2"]
    rows = pq.read_table(tmp_path / "truth" / "rows.parquet").to_pylist()
    assert max(r["row_number"] for r in rows if r["file"].endswith(".xlsx")) <= 251  # + header


def test_the_invoice_bills_every_active_pemda_row_at_the_pemda_rate(small_exports):
    invoice = next(small_exports.glob("tagihan_*.xlsx"))
    rows = list(CalamineWorkbook.from_path(str(invoice)).get_sheet_by_index(0).iter_rows())
    amounts = {r[4] for r in rows[4:]}
    assert amounts == {invoice_rate(SMALL)} == {42_000}  # Perpres 64/2020 Pasal 29 default


def test_the_invoice_rate_is_the_rule_in_force_for_the_region():
    bengkulu_utara = SynthOptions(region="17.03", period="2023-06", population=100)
    assert invoice_rate(bengkulu_utara) == 37_800  # seed 001, Tabel 1
    assert invoice_rate(SynthOptions(pemda_rate=35_000)) == 35_000
