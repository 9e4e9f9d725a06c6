"""Kemendagri 2025 regions: the vendored files as loaded, lookup by name and code, the hierarchy,
and the NIK prefixes of earlier vintages. Extends tests/test_regions.py (totals, Kotim's 17/185,
the basic lookups) without repeating it."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semesta.core.regions import LEVELS, canonical_code, name_key, regions

INDEX = regions()
ALL = list(INDEX)
KOTIM = "62.02"

# The kecamatan of Kabupaten Kotawaringin Timur in code order, with the number of desa and
# kelurahan in each, as in the vendored villages.csv (reference §4: 17 kecamatan, 62.02.01 Kota
# Besi … 62.02.17 Telaga Antang, 185 desa/kelurahan; 11 + 8 + … + 18 = 185).
KOTIM_KECAMATAN = [
    ("62.02.01", "Kota Besi", 11),
    ("62.02.02", "Cempaga", 8),
    ("62.02.03", "Mentaya Hulu", 16),
    ("62.02.04", "Parenggean", 15),
    ("62.02.05", "Baamang", 6),
    ("62.02.06", "Mentawa Baru Ketapang", 11),
    ("62.02.07", "Mentaya Hilir Utara", 7),
    ("62.02.08", "Mentaya Hilir Selatan", 10),
    ("62.02.09", "Pulau Hanaut", 14),
    ("62.02.10", "Antang Kalang", 15),
    ("62.02.11", "Teluk Sampit", 6),
    ("62.02.12", "Seranau", 6),
    ("62.02.13", "Cempaga Hulu", 11),
    ("62.02.14", "Telawang", 6),
    ("62.02.15", "Bukit Santuai", 14),
    ("62.02.16", "Tualan Hulu", 11),
    ("62.02.17", "Telaga Antang", 18),
]

# Papua (91) and Papua Barat (92) kabupaten/kota whose Kemendagri code changed when Papua
# Selatan (93), Papua Tengah (94), Papua Pegunungan (95) and Papua Barat Daya (96) were formed
# (UU 14-16/2022, UU 29/2022). Dukcapil: "kode wilayah dalam NIK sebelumnya adalah 91 untuk
# provinsi, 01 Kabupaten" (Merauke, now 93.01); Papua Barat Daya NIKs "sebelumnya berkode 92".
PRE_SPLIT_CODES = {
    "91.01": "93.01",  # Merauke
    "91.09": "94.04",  # Mimika
    "91.18": "93.04",  # Asmat
    "91.24": "95.08",  # Nduga
    "91.28": "94.08",  # Deiyai
    "92.01": "96.01",  # Kabupaten Sorong
    "92.71": "96.71",  # Kota Sorong
}


def codes(found) -> list[str]:
    return [region.code for region in found]


def vendored_rows(file_name: str) -> list[dict[str, str]]:
    text = resources.files("semesta.data.regions").joinpath(file_name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


# --- the vendored files as loaded ---------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "level"),
    [
        ("provinces.csv", "provinsi"),
        ("regencies.csv", "kabupaten"),
        ("districts.csv", "kecamatan"),
        ("villages.csv", "desa"),
    ],
)
def test_each_level_holds_exactly_the_rows_of_its_vendored_file(file_name, level):
    rows = vendored_rows(file_name)
    loaded = {r.code: r.name for r in ALL if r.level == level}
    assert loaded == {row["code"]: row["name"] for row in rows}
    assert len(loaded) == len(rows)  # no code appears twice in the file


def test_there_are_416_kabupaten_and_98_kota():
    # Reference §4: 416 kabupaten, 98 kota (Kepmendagri 300.2.2-2138/2025).
    kinds = Counter(r.kind for r in ALL if r.level == "kabupaten")
    assert kinds == {"kabupaten": 416, "kota": 98}


def test_there_are_8496_kelurahan_and_75266_desa_of_which_14_desa_adat():
    # Reference §4: 8,496 kelurahan and 75,266 desa; the 14 desa adat (3xxx) are among the desa.
    kinds = Counter(r.kind for r in ALL if r.level == "desa")
    assert kinds == {"kelurahan": 8_496, "desa": 75_252, "desa adat": 14}
    assert kinds["desa"] + kinds["desa adat"] == 75_266


def test_desa_adat_occur_only_in_papua():
    adat = [r for r in ALL if r.kind == "desa adat"]
    assert {r.code[:2] for r in adat} == {"91"}
    assert INDEX.get("91.03.01.3007").name == "Desa Adat Yoboi"  # reference §4


@pytest.mark.parametrize(
    ("level", "pattern"),
    [
        ("provinsi", r"[0-9]{2}"),
        ("kabupaten", r"[0-9]{2}\.[0-9]{2}"),
        ("kecamatan", r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}"),
        ("desa", r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[123][0-9]{3}"),
    ],
)
def test_every_code_is_dotted_as_its_level_requires(level, pattern):
    wrong = [r.code for r in ALL if r.level == level and not re.fullmatch(pattern, r.code)]
    assert wrong == []


def test_every_region_below_a_province_has_a_parent_one_level_up_whose_code_it_extends():
    broken = []
    for region in ALL:
        if region.level == "provinsi":
            if region.parent_code is not None:
                broken.append(region.code)
            continue
        parent = INDEX.get(region.parent_code)
        level_up = LEVELS[LEVELS.index(region.level) - 1]
        if (
            parent is None
            or parent.level != level_up
            or not region.code.startswith(parent.code + ".")
        ):
            broken.append(region.code)
    assert broken == []


def test_every_province_kabupaten_and_kecamatan_has_at_least_one_region_below_it():
    empty = [
        r.code
        for r in ALL
        if r.level in ("provinsi", "kabupaten", "kecamatan") and not INDEX.children(r.code)
    ]
    assert empty == []


def test_kota_are_numbered_71_and_up_and_named_kota_and_kabupaten_are_named_kabupaten():
    # Reference §4: kabupaten 01–69, kota 71–99; the vendored names carry the kind.
    mismatched = [
        r.code
        for r in ALL
        if r.level == "kabupaten"
        and not r.name.startswith("Kota " if r.kind == "kota" else "Kabupaten ")
    ]
    assert mismatched == []
    assert {r.kind for r in ALL if r.level == "kabupaten" and int(r.code[3:5]) <= 69} == {
        "kabupaten"
    }


def test_no_name_is_empty_or_carries_stray_spaces():
    assert [r.code for r in ALL if not r.name or r.name != r.name.strip() or "  " in r.name] == []


def test_a_region_knows_its_digits_and_its_kind():
    assert INDEX.get("62.02.01.1009").digits == "6202011009"
    assert [INDEX.get(c).kind for c in ("62", "62.02", "62.71", "62.02.01")] == [
        "provinsi",
        "kabupaten",
        "kota",
        "kecamatan",
    ]
    assert [INDEX.get(c).kind for c in ("62.02.01.1009", "62.02.01.2003", "91.03.01.3007")] == [
        "kelurahan",
        "desa",
        "desa adat",
    ]


# --- codes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "dotted"),
    [
        ("62", "62"),
        ("6202", "62.02"),
        ("62.02", "62.02"),
        ("620201", "62.02.01"),
        ("62.02.01", "62.02.01"),
        ("6202011009", "62.02.01.1009"),
        ("62.02.01.1009", "62.02.01.1009"),
        ("62-02-01-1009", "62.02.01.1009"),
        ("62 02 01 1009", "62.02.01.1009"),
        (" 6202011009\n", "62.02.01.1009"),
        ("'6202011009", "62.02.01.1009"),  # Excel's text apostrophe
    ],
)
def test_a_code_written_with_or_without_dots_becomes_the_dotted_code(written, dotted):
    assert canonical_code(written) == dotted


@pytest.mark.parametrize(
    "written", ["", "   ", "6", "620", "62020", "62020110", "62020110091", "abc"]
)
def test_a_number_of_digits_that_is_no_level_is_not_a_code(written):
    # 2, 4, 6 and 10 digits are the four levels; anything else is not a region code.
    assert canonical_code(written) is None


@pytest.mark.parametrize("code", ["99", "62.99", "62.02.99", "62.02.01.2001", "abc", "620"])
def test_an_unknown_or_malformed_code_finds_no_region_and_nothing_below_it(code):
    # A typo must never turn into "all of Indonesia" (children of no code are the provinces).
    assert INDEX.get(code) is None
    assert INDEX.children(code) == []
    assert INDEX.descendants(code, "kabupaten") == []
    assert INDEX.ancestors(code) == []


def test_an_empty_code_is_no_region():
    assert INDEX.get("") is None and INDEX.ancestors("") == []


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ALL), st.lists(st.sampled_from([" ", ".", "-", ""]), min_size=9, max_size=9))
def test_any_region_is_found_by_its_digits_whatever_separates_them(region, separators):
    written = "".join(d + s for d, s in zip(region.digits, [*separators, ""], strict=False))
    assert canonical_code(written) == region.code
    assert INDEX.get(written) == region


# --- lookup by name -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "Kotawaringin Timur",
        "kotawaringin timur",
        "KOTAWARINGIN   TIMUR",
        "  Kotawaringin Timur  ",
        "Kabupaten Kotawaringin Timur",
        "Kab. Kotawaringin Timur",
        "kab kotawaringin-timur",
    ],
)
def test_a_kabupaten_is_found_by_name_with_or_without_its_prefix(query):
    assert codes(INDEX.find(query)) == [KOTIM]


@pytest.mark.parametrize(
    "query", ["Kota Palangkaraya", "Palangkaraya", "palangka raya", "KOTA PALANGKA-RAYA"]
)
def test_a_kota_is_found_with_or_without_kota_and_whatever_the_spacing(query):
    assert codes(INDEX.find(query, level="kabupaten")) == ["62.71"]


def test_kabupaten_bogor_is_not_kota_bogor_but_bogor_alone_is_both():
    assert codes(INDEX.find("Kabupaten Bogor")) == ["32.01"]
    assert codes(INDEX.find("Kab. Bogor", level="kabupaten")) == ["32.01"]
    assert codes(INDEX.find("Kota Bogor")) == ["32.71"]
    assert codes(INDEX.find("Bogor", level="kabupaten")) == ["32.01", "32.71"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Kota Besi Hulu", "62.02.01.1009"),
        ("Kelurahan Kota Besi Hulu", "62.02.01.1009"),
        ("Kel. Kota Besi Hulu", "62.02.01.1009"),
        ("KEL KOTA BESI HULU", "62.02.01.1009"),
        ("Palangan", "62.02.01.2003"),
        ("Desa Palangan", "62.02.01.2003"),
        ("Ds. Palangan", "62.02.01.2003"),
        ("desa   PALANGAN", "62.02.01.2003"),
    ],
)
def test_a_desa_or_kelurahan_is_found_with_or_without_desa_or_kelurahan(query, code):
    assert codes(INDEX.find(query, level="desa", within=KOTIM)) == [code]


@pytest.mark.parametrize("query", ["Baamang", "Kecamatan Baamang", "Kec. Baamang", "kec baamang"])
def test_a_kecamatan_is_found_with_or_without_kecamatan(query):
    assert codes(INDEX.find(query, within=KOTIM)) == ["62.02.05"]


@pytest.mark.parametrize(
    "query", ["Kalimantan Tengah", "Provinsi Kalimantan Tengah", "Prov. Kalimantan Tengah"]
)
def test_a_province_is_found_with_or_without_provinsi(query):
    assert codes(INDEX.find(query)) == ["62"]


def test_a_name_starting_with_desa_keeps_its_first_word_when_that_is_part_of_the_name():
    # "Desa Adat Yoboi" is found by its full name and without "Desa", not by "Yoboi" alone.
    assert codes(INDEX.find("Desa Adat Yoboi")) == ["91.03.01.3007"]
    assert codes(INDEX.find("Adat Yoboi", level="desa")) == ["91.03.01.3007"]
    assert INDEX.find("Yoboi", level="desa") == []


def test_a_prefix_word_on_its_own_is_a_name_not_a_prefix():
    # 19.02.01.1001 is a kelurahan named "Kota": nothing is left to strip from a single word.
    assert name_key("Kelurahan", "desa") == "KELURAHAN"
    assert codes(INDEX.find("Kota", level="desa")) == ["19.02.01.1001"]


def test_a_prefix_of_another_level_is_part_of_the_name():
    assert name_key("Desa Palangan", "kecamatan") == "DESAPALANGAN"
    assert name_key("Kecamatan Baamang", "desa") == "KECAMATANBAAMANG"
    assert INDEX.find("Desa Palangan", level="kecamatan") == []


def test_the_same_desa_name_in_three_kecamatan_gives_all_three_in_code_order():
    # Sumber Makmur is a desa of Parenggean, Mentaya Hilir Utara and Telawang.
    found = INDEX.find("Sumber Makmur", within=KOTIM)
    assert codes(found) == ["62.02.04.2009", "62.02.07.2006", "62.02.14.2003"]
    assert [INDEX.get(r.parent_code).name for r in found] == [
        "Parenggean",
        "Mentaya Hilir Utara",
        "Telawang",
    ]


@pytest.mark.parametrize(
    ("within", "expected"),
    [
        ("62.02.04", ["62.02.04.2009"]),
        ("620207", ["62.02.07.2006"]),
        ("62.02.14.2003", ["62.02.14.2003"]),  # the desa itself
        ("62.02.01", []),  # Kota Besi has no Sumber Makmur
        ("62.99", []),  # no such kabupaten
        ("62.2", []),  # malformed: must not widen the search to the whole country
        ("abc", []),
    ],
)
def test_within_narrows_an_ambiguous_name_to_one_region_or_none(within, expected):
    assert codes(INDEX.find("Sumber Makmur", within=within)) == expected


def test_without_a_scope_an_ambiguous_name_is_found_across_the_country():
    everywhere = codes(INDEX.find("Sumber Makmur", level="desa"))
    in_kalteng = codes(INDEX.find("Sumber Makmur", level="desa", within="62"))
    assert everywhere == sorted(everywhere) and len(everywhere) == 23
    assert in_kalteng == ["62.02.04.2009", "62.02.07.2006", "62.02.14.2003", "62.03.09.2033"]
    assert set(in_kalteng) < set(everywhere)


def test_a_level_restricts_the_search_to_that_level():
    # "Kota Besi" is a kecamatan of Kotim; "Kotabesi" (the same key) is a desa in Lampung.
    assert codes(INDEX.find("Kota Besi")) == ["18.04.10.2008", "62.02.01"]
    assert codes(INDEX.find("Kota Besi", level="desa")) == ["18.04.10.2008"]


@pytest.mark.parametrize("query", ["", "   ", "...", "Desa", "Atlantis"])
def test_an_empty_or_unknown_name_finds_nothing(query):
    assert INDEX.find(query, within=KOTIM) == []


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(ALL))
def test_every_region_is_found_by_its_own_name_at_its_own_level(region):
    assert region in INDEX.find(region.name, level=region.level)
    assert region in INDEX.find(region.name.upper().replace(" ", "  "), level=region.level)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([r for r in ALL if r.level == "desa"]),
    st.sampled_from(["Desa ", "Ds. ", "Kel. ", "Kelurahan ", "DESA  "]),
)
def test_every_desa_is_found_within_its_kecamatan_with_a_desa_or_kelurahan_prefix(desa, prefix):
    assert desa in INDEX.find(prefix + desa.name, level="desa", within=desa.parent_code)


NAME_TEXT = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,-'()/", max_size=40
)


@settings(max_examples=80, deadline=None)
@given(NAME_TEXT, st.sampled_from([None, *LEVELS]))
def test_name_key_is_idempotent(name, level):
    once = name_key(name, level)
    assert name_key(once, level) == once


@settings(max_examples=80, deadline=None)
@given(NAME_TEXT, st.sampled_from([None, *LEVELS]))
def test_name_key_ignores_case_and_extra_spaces(name, level):
    key = name_key(name, level)
    assert name_key(name.lower(), level) == key
    assert name_key(name.upper(), level) == key
    assert name_key("  " + name.replace(" ", "   ") + "\t", level) == key
    assert re.fullmatch("[A-Z0-9]*", key)


# --- hierarchy: Kabupaten Kotawaringin Timur 62.02 ----------------------------------------


def test_kotim_has_its_17_real_kecamatan_in_code_order():
    assert [(r.code, r.name) for r in INDEX.children(KOTIM)] == [
        (c, n) for c, n, _ in KOTIM_KECAMATAN
    ]


def test_each_kotim_kecamatan_has_its_number_of_desa_and_kelurahan():
    assert {c: len(INDEX.children(c)) for c, _, _ in KOTIM_KECAMATAN} == {
        c: n for c, _, n in KOTIM_KECAMATAN
    }


def test_kota_besi_has_two_kelurahan_and_nine_desa_with_gaps_in_the_numbering():
    kota_besi = INDEX.children("62.02.01")
    assert [r.code[-4:] for r in kota_besi] == [
        "1009",
        "1010",
        "2003",
        "2004",
        "2005",
        "2006",
        "2007",
        "2008",
        "2012",
        "2015",
        "2017",
    ]
    assert Counter(r.kind for r in kota_besi) == {"kelurahan": 2, "desa": 9}


def test_the_desa_of_kotim_are_the_desa_of_its_kecamatan_in_code_order():
    by_kecamatan = [d for c, _, _ in KOTIM_KECAMATAN for d in INDEX.children(c)]
    assert INDEX.descendants(KOTIM, "desa") == sorted(by_kecamatan, key=lambda r: r.code)
    assert INDEX.descendants(KOTIM, "kecamatan") == INDEX.children(KOTIM)


def test_kalimantan_tengah_has_13_kabupaten_and_kota_palangkaraya():
    below = INDEX.descendants("62", "kabupaten")
    assert len(below) == 14 and KOTIM in codes(below)
    assert [r.name for r in below if r.kind == "kota"] == ["Kota Palangkaraya"]


def test_descendants_at_the_same_or_a_higher_level_are_none():
    assert INDEX.descendants(KOTIM, "kabupaten") == []
    assert INDEX.descendants(KOTIM, "provinsi") == []
    assert INDEX.descendants("62.02.01.1009", "desa") == []


def test_the_ancestors_of_each_level_run_from_the_province_to_the_region_itself():
    assert codes(INDEX.ancestors("62")) == ["62"]
    assert codes(INDEX.ancestors("6202")) == ["62", KOTIM]
    assert codes(INDEX.ancestors("62.02.17")) == ["62", KOTIM, "62.02.17"]
    assert [r.name for r in INDEX.ancestors("6202172001")] == [
        "Kalimantan Tengah",
        "Kabupaten Kotawaringin Timur",
        "Telaga Antang",
        INDEX.get("62.02.17.2001").name,
    ]


def test_the_children_of_nothing_are_the_38_provinces_from_aceh_to_papua_barat_daya():
    provinces = INDEX.children(None)
    assert len(provinces) == 38 and {r.level for r in provinces} == {"provinsi"}
    assert (provinces[0].name, provinces[-1].name) == ("Aceh", "Papua Barat Daya")


def test_a_desa_has_no_children():
    assert INDEX.children("62.02.01.1009") == []


# --- NIK prefixes of earlier vintages -----------------------------------------------------

LEGACY = vendored_rows("legacy_kabupaten.csv")


@pytest.mark.parametrize("old", sorted(PRE_SPLIT_CODES))
def test_a_papua_nik_prefix_from_before_the_2022_split_is_accepted(old):
    # A NIK keeps the code of its first registration (reference §3.1), so an old code stays valid.
    assert INDEX.get(old) is None  # gone from the 2025 list
    assert INDEX.is_kabupaten_prefix(old.replace(".", ""))
    assert old.replace(".", "") in INDEX.kabupaten_prefixes()


def test_every_kabupaten_of_the_four_new_papua_provinces_has_its_pre_split_code():
    new_provinces = {"93", "94", "95", "96"}
    now = {r.code for r in ALL if r.level == "kabupaten" and r.code[:2] in new_provinces}
    pre_split = {row["code_2025"] for row in LEGACY if row["code"][:2] in ("91", "92")}
    assert len(now) == 26 and now == pre_split


def test_each_legacy_code_names_the_2025_region_it_became():
    for row in LEGACY:
        now = INDEX.get(row["code_2025"])
        assert now is not None and now.level == "kabupaten", row["code"]
        assert row["name"].split(" (")[0] == now.name, row["code"]
        assert row["source"].strip(), row["code"]
    kemendagri = [row["code"] for row in LEGACY if row["code"][:2] in ("91", "92")]
    assert not [code for code in kemendagri if INDEX.get(code) is not None]


def test_a_province_code_or_an_unused_kabupaten_number_is_not_a_nik_prefix():
    for digits4 in ("6200", "0000", "6299", "9199", "9272", "1234"):
        assert not INDEX.is_kabupaten_prefix(digits4), digits4


def test_every_2025_kabupaten_and_kota_is_a_nik_prefix():
    current = {r.digits for r in ALL if r.level == "kabupaten"}
    assert len(current) == 514 and current <= INDEX.kabupaten_prefixes()
    assert all(INDEX.is_kabupaten_prefix(d) for d in ("6202", "6271", "1703", "9171", "9671"))
