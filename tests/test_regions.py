"""Kemendagri 2025 region codes, vendored from idn-area-data, looked up by code and by name."""

from semesta.core.regions import canonical_code, name_key, regions


def test_the_vendored_vintage_has_every_level_of_kepmendagri_2025():
    index = regions()
    counts = {
        level: sum(1 for r in index if r.level == level)
        for level in ("provinsi", "kabupaten", "kecamatan", "desa")
    }
    # Reference §4: 38 provinces, 416 kabupaten + 98 kota, 7,285 kecamatan, 83,762 desa/kel.
    assert counts == {"provinsi": 38, "kabupaten": 514, "kecamatan": 7285, "desa": 83762}


def test_kotawaringin_timur_has_its_17_kecamatan_and_185_desa_and_kelurahan():
    index = regions()
    kotim = index.get("62.02")
    assert kotim is not None and kotim.name == "Kabupaten Kotawaringin Timur"
    assert len(index.descendants("62.02", "kecamatan")) == 17
    desa = index.descendants("62.02", "desa")
    assert len(desa) == 185
    assert sum(d.kind == "kelurahan" for d in desa) == 17


def test_codes_have_gaps_and_are_never_assumed_contiguous():
    index = regions()
    assert index.get("62.02.01.2001") is None  # reference §4
    assert index.get("62.02.01.1009").name == "Kota Besi Hulu"


def test_a_code_is_found_with_or_without_dots_and_spaces():
    index = regions()
    assert index.get("6202011009") == index.get("62.02.01.1009") == index.get(" 62 02 01 1009 ")
    assert canonical_code("620201") == "62.02.01"
    assert canonical_code("62020") is None


def test_names_are_found_ignoring_case_spacing_and_prefixes():
    index = regions()
    assert [r.code for r in index.find("kel. kota besi hulu")] == ["62.02.01.1009"]
    assert [r.code for r in index.find("DESA  Palangan", within="62.02")] == ["62.02.01.2003"]
    assert [r.code for r in index.find("Kota Besi", level="kecamatan")] == ["62.02.01"]
    assert [r.code for r in index.find("palangkaraya")] == ["62.71"]
    assert name_key("Kab. Kotawaringin  Timur", "kabupaten") == "KOTAWARINGINTIMUR"


def test_the_hierarchy_runs_from_province_to_desa():
    names = [r.name for r in regions().ancestors("62.02.01.1009")]
    assert names == [
        "Kalimantan Tengah",
        "Kabupaten Kotawaringin Timur",
        "Kota Besi",
        "Kota Besi Hulu",
    ]
    assert [r.code for r in regions().children("62.02")][:2] == ["62.02.01", "62.02.02"]


def test_kabupaten_and_kota_are_told_apart_by_their_code():
    assert regions().get("62.02").kind == "kabupaten"
    assert regions().get("62.71").kind == "kota"


def test_a_nik_prefix_may_be_a_code_of_an_earlier_vintage():
    index = regions()
    assert index.is_kabupaten_prefix("6202")
    assert index.is_kabupaten_prefix("9471")  # Kota Jayapura before the 2022 Papua split
    assert not index.is_kabupaten_prefix("6299")
    assert {"6202", "9471"} <= index.kabupaten_prefixes()
