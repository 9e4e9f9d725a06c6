"""Exports are recognised by their headers, however each office spells them."""

import pytest

from semesta.pipeline.layouts import LAYOUTS, header_key, match_headers


def best(headers, mapping=None):
    matches = match_headers(headers, mapping)
    return matches[0][0].name if matches else None


@pytest.mark.parametrize(
    ("headers", "layout"),
    [
        (["NIK", "NO_KK", "NAMA_LGKP", "JK", "TGL_LHR", "KODE_KEL"], "dkb"),
        (
            ["No. Kartu JKN", "NIK Peserta", "Nama", "Segmen Peserta", "Status Peserta"],
            "bpjs_peserta",
        ),
        (["NIK", "Desil Nasional"], "dtsen"),
        (["NIP Baru", "NIK", "Nama Pegawai", "OPD"], "pegawai_asn"),
        (["NIK", "Nama", "Jabatan", "Desa"], "perangkat_desa"),
        (["NIK", "Nama", "Nama Perusahaan"], "pekerja_badan_usaha"),
        (["NIK", "Nama", "Tgl Meninggal"], "kematian"),
        (["NOKA", "Nama", "Jumlah Iuran"], "tagihan"),
    ],
)
def test_each_export_is_recognised_by_its_headers(headers, layout):
    assert best(headers) == layout


def test_a_population_register_with_death_dates_is_still_a_population_register():
    headers = ["NIK", "NO KK", "NAMA", "KODE DESA", "TGL MENINGGAL"]
    assert [m[0].name for m in match_headers(headers)][:2] == ["dkb", "kematian"]


def test_headers_are_compared_without_case_spaces_or_punctuation():
    assert header_key(" Tgl. Lahir ") == header_key("TGL_LAHIR") == "TGLLAHIR"


def test_a_file_without_its_required_columns_matches_nothing():
    assert best(["NAMA", "ALAMAT"]) is None


def test_the_users_mapping_is_consulted_before_the_built_in_names():
    assert best(["NO IDENTITAS", "PERINGKAT"]) is None
    assert (
        best(["NO IDENTITAS", "PERINGKAT"], {"no identitas": "nik", "Peringkat": "desil"})
        == "dtsen"
    )


def test_the_positions_of_the_recognised_columns_are_returned():
    layout, columns = match_headers(["x", "NIK", "DESIL", "y"])[0]
    assert (layout.name, columns) == ("dtsen", {1: "nik", 2: "desil"})


def test_every_alias_belongs_to_one_column_of_its_layout():
    for layout in LAYOUTS:
        owners: dict[str, set[str]] = {}
        for column in layout.columns:
            for alias in column.aliases:
                owners.setdefault(header_key(alias), set()).add(column.name)
        shared = {key: names for key, names in owners.items() if len(names) > 1}
        assert not shared, (layout.name, shared)
