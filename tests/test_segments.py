"""The BPJS segment catalogue: every name and code seen in exports maps to one group."""

from __future__ import annotations

import pytest

from semesta.core.segments import (
    PAYERS,
    SEGMENT_GROUPS,
    is_ppu,
    paid_by,
    segment_group,
    segment_key,
)
from semesta.core.text import SemestaError

# reference §6.2 and §6.4: every alias the brief and the sources list, with its group
ALIASES = {
    "PBI_APBN": ["PBI (APBN)", "21", "PBI JAMINAN KESEHATAN", "PBI JK"],
    "PBPU_BP_PEMDA": ["PBI (APBD)", "22", "PBI APBD", "PBPU DAN BP PEMERINTAH DAERAH"],
    "PPU_PN": [
        "PPU PN",
        "PNS PUSAT",
        "PNS DAERAH",
        "PNS PUSAT DIPERBANTUKAN",
        "PNS DAERAH DIPERBANTUKAN",
        "PNS MABES DAN KEMHAN",
        "PRAJURIT AD",
        "PRAJURIT AL",
        "PRAJURIT AU",
        "ANGGOTA POLRI",
        "PEJABAT NEGARA",
        "DEWAN PERWAKILAN RAKYAT DAERAH",
        "KEPALA DESA DAN PERANGKAT DESA",
        "PEGAWAI PEMERINTAH DENGAN PERJANJIAN KERJA",
    ],
    "PPU_BU": ["PPU BU", "PEGAWAI BUMN", "PEGAWAI BUMD", "PEGAWAI SWASTA", "13"],
    "PBPU_MANDIRI": ["PBPU", "PEKERJA MANDIRI"],
    "BP": [
        "BP",
        "INVESTOR",
        "PEMBERI KERJA",
        "PENERIMA PENSIUN PNS",
        "PENERIMA PENSIUN TNI",
        "PENERIMA PENSIUN POLRI",
        "PENERIMA PENSIUN SWASTA",
        "PENERIMA PENSIUN PEJABAT NEGARA",
        "VETERAN",
        "PERINTIS KEMERDEKAAN",
    ],
}
CASES = [(alias, group) for group, aliases in ALIASES.items() for alias in aliases]


def test_there_are_exactly_the_six_groups():
    assert set(SEGMENT_GROUPS) == set(ALIASES)


@pytest.mark.parametrize(("alias", "group"), CASES)
def test_every_alias_maps_to_its_group(alias, group):
    assert segment_group(alias) == group


@pytest.mark.parametrize(("alias", "group"), CASES)
def test_matching_ignores_case_spacing_and_punctuation(alias, group):
    assert segment_group(f"  {alias.lower()} ") == group
    assert segment_group(alias.replace(" ", "-")) == group


def test_every_alias_in_the_catalogue_is_covered_by_these_tests():
    listed = {segment_key(alias) for aliases in ALIASES.values() for alias in aliases}
    for group in SEGMENT_GROUPS.values():
        for alias in (*group.aliases, *group.codes):
            assert segment_key(alias) in listed or segment_group(alias) == group.code


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("pbpu dan bp pemerintah daerah", "PBPU_BP_PEMDA"),
        ("PBPU-BP Pemda", "PBPU_BP_PEMDA"),
        ("pbi apbn", "PBI_APBN"),
        ("00000021", "PBI_APBN"),
        ("Pegawai  Swasta", "PPU_BU"),
        ("PBI_APBN", "PBI_APBN"),
    ],
)
def test_names_as_written_in_real_exports(text, group):
    assert segment_group(text) == group


@pytest.mark.parametrize("text", ["", "   ", "PBI", "PPU", "1", "5", "0", "PNS", "UNKNOWN", "99"])
def test_unknown_or_ambiguous_names_give_none(text):
    assert segment_group(text) is None


def test_only_the_two_ppu_groups_are_formal_work():
    assert {g for g in SEGMENT_GROUPS if is_ppu(g)} == {"PPU_PN", "PPU_BU"}


@pytest.mark.parametrize(
    ("group", "payer"),
    [
        ("PBI_APBN", "apbn"),
        ("PBPU_BP_PEMDA", "apbd"),
        ("PPU_PN", "employer_worker"),
        ("PPU_BU", "employer_worker"),
        ("PBPU_MANDIRI", "participant"),
        ("BP", "participant"),
    ],
)
def test_who_pays_each_group(group, payer):
    assert paid_by(group) == payer
    assert payer in PAYERS


def test_every_group_has_display_names_in_both_languages():
    for group in SEGMENT_GROUPS.values():
        assert group.name.id.strip() and group.name.en.strip()


def test_an_unknown_group_code_is_an_error():
    with pytest.raises(SemestaError, match="unknown segment group"):
        is_ppu("PPU")
    with pytest.raises(SemestaError):
        paid_by("PBI")
