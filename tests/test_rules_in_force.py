"""The rule in force on a date, for every rule family, around every effective date; the refusal
of dates no rule covers; periods with a gap or an overlap refused at load; `semesta aturan`.

Extends tests/test_rules.py (which checks each version on its own first and last day, the
premium boundaries and the load errors one by one) without repeating it. Figures are checked
against /work/shared/reference/jkn-domain.md §1–§2 and the rule files' own sources."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import tomllib
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib import resources

import pytest
from typer.testing import CliRunner

from semesta.cli import app
from semesta.core.rules import (
    Condition,
    award_rules,
    award_variants,
    in_force,
    packaged_rule_files,
    packaged_rules,
    parse_rule_text,
    pemda_rate,
)
from semesta.core.text import SemestaError

DAY = timedelta(days=1)
RULE_FILES = packaged_rule_files()
SERIES = [(f, s) for f in RULE_FILES for s in packaged_rules(f).series]
HANDOVERS = [(f, s, i) for f, s in SERIES for i in range(1, len(packaged_rules(f).versions(s)))]


def version(file: str, series: str, index: int):
    return packaged_rules(file).versions(series)[index]


def refusal(call) -> SemestaError:
    with pytest.raises(SemestaError) as caught:
        call()
    return caught.value


# --- every series of every packaged file ---------------------------------------------------


@pytest.mark.parametrize(("file", "series"), SERIES)
def test_the_day_before_the_first_version_no_rule_is_in_force_and_the_refusal_is_bilingual(
    file, series
):
    rule_file = packaged_rules(file)
    first = rule_file.versions(series)[0].effective_from
    day = first - DAY
    assert rule_file.find(series, day) is None
    message = refusal(lambda: in_force(file.removesuffix(".toml"), series, day)).message
    assert f"tidak ada aturan yang berlaku pada {day}: {file} [[{series}]] mencakup {first}" in (
        message.id
    )
    assert f"no rule in force on {day}: {file} [[{series}]] covers {first}" in message.en


@pytest.mark.parametrize(("file", "series", "index"), HANDOVERS)
def test_a_version_hands_over_to_the_next_from_one_day_to_the_next(file, series, index):
    rule_file = packaged_rules(file)
    previous, current = version(file, series, index - 1), version(file, series, index)
    start = current.effective_from
    assert rule_file.find(series, start - DAY) == previous
    assert rule_file.find(series, start) == current
    after = start + DAY
    expected = current if current.covers(after) else version(file, series, index + 1)
    assert rule_file.find(series, after) == expected


def test_the_national_targets_end_with_the_rpjmn_2025_2029_and_2030_is_refused():
    # uhc.toml [[targets]] is the only series whose last version is closed.
    closed = [(f, s) for f, s in SERIES if packaged_rules(f).versions(s)[-1].effective_to]
    assert closed == [("uhc.toml", "targets")]
    assert in_force("uhc", "targets", date(2029, 12, 31)).rupiah("target_year") == 2029
    message = refusal(lambda: in_force("uhc", "targets", date(2030, 1, 1))).message
    assert "no rule in force on 2030-01-01" in message.en
    assert "covers 2020-01-01 .. 2029-12-31" in message.en
    assert "mencakup 2020-01-01 – 2029-12-31" in message.id


def _raw(file: str) -> dict:
    text = resources.files("semesta.data.rules").joinpath(file).read_text("utf-8")
    return tomllib.loads(text)


@pytest.mark.parametrize("file", RULE_FILES)
def test_every_entry_of_every_file_has_a_toml_date_and_a_source_as_written(file):
    # Checked on the TOML itself, independent of the loader.
    document = _raw(file)
    document.pop("meta")
    for series, entries in document.items():
        for number, entry in enumerate(entries, 1):
            where = f"{file} [[{series}]] #{number}"
            start = entry.get("effective_from")
            assert isinstance(start, date) and not isinstance(start, datetime), where
            assert isinstance(entry.get("source"), str) and entry["source"].strip(), where


@pytest.mark.parametrize(
    ("file", "series", "key"),
    [
        ("eligibility.toml", "pbpu_pemda", "rules"),
        ("indikator.toml", "definitions", "indicators"),
        ("indikator.toml", "gap_targets", "targets"),
        ("indikator.toml", "levers", "options"),
        ("apbd_calendar.toml", "calendar", "steps"),
    ],
)
def test_every_item_inside_a_version_names_its_own_source(file, series, key):
    for entry in _raw(file)[series]:
        items = entry[key]
        assert items
        for item in items:
            assert isinstance(item.get("source"), str) and item["source"].strip(), item


def test_the_eligibility_route_of_dinsos_names_its_source_in_every_version():
    assert all(entry["route"]["source"].strip() for entry in _raw("eligibility.toml")["pbpu_pemda"])


def test_every_award_category_has_a_source_its_own_or_its_versions():
    for award in packaged_rules("uhc_award").versions("award"):
        on = award.effective_from
        for variant in (None, *award_variants(on)):
            for category in award_rules(on, variant=variant).categories:
                assert category.source.strip(), (on, category.name)
    # 2023's single category has no source of its own: it carries the 2023 version's.
    penerima = award_rules(date(2023, 1, 1)).categories[0]
    assert penerima.source == version("uhc_award.toml", "award", 0).source


# --- premiums (reference §1.2–§1.5) -----------------------------------------------------------


def test_the_pbpu_history_2019_to_2021_is_the_reference_table():
    # Reference §1.2: kelas I / II / III per period, and who pays kelas III (§1.4).
    history = [
        (
            v.effective_from,
            v.effective_to,
            v.rupiah("kelas_1"),
            v.rupiah("kelas_2"),
            v.rupiah("kelas_3"),
            dict(v.parts("kelas_3")),
        )
        for v in packaged_rules("premiums").versions("pbpu")
    ]
    assert history == [
        (date(2019, 1, 1), date(2019, 12, 31), 80_000, 51_000, 25_500, {"peserta": 25_500}),
        (date(2020, 1, 1), date(2020, 3, 31), 160_000, 110_000, 42_000, {"peserta": 42_000}),
        (date(2020, 4, 1), date(2020, 6, 30), 80_000, 51_000, 25_500, {"peserta": 25_500}),
        (
            date(2020, 7, 1),
            date(2020, 12, 31),
            150_000,
            100_000,
            42_000,
            {"peserta": 25_500, "pusat": 16_500},
        ),
        (
            date(2021, 1, 1),
            None,
            150_000,
            100_000,
            42_000,
            {"peserta": 35_000, "pusat": 4_200, "pemda": 2_800},
        ),
    ]


@pytest.mark.parametrize(
    ("on", "peserta", "bantuan"),
    [(date(2020, 7, 1), 25_500, 16_500), (date(2021, 1, 1), 35_000, 7_000)],
)
def test_kelas_3_is_the_participants_share_plus_the_bantuan_iuran(on, peserta, bantuan):
    # Perpres 64/2020 Pasal 34: 2020 25.500 + 16.500; from 2021 35.000 + 7.000 (4.200 + 2.800).
    pbpu = in_force("premiums", "pbpu", on)
    assert pbpu.parts("kelas_3")["peserta"] == peserta
    assert pbpu.rupiah("bantuan_iuran") == bantuan
    assert peserta + bantuan == pbpu.rupiah("kelas_3") == 42_000
    assert sum(pbpu.parts("bantuan_iuran").values()) == bantuan


def test_the_day_before_1_january_2021_the_centre_paid_the_whole_bantuan_iuran():
    before = in_force("premiums", "pbpu", date(2020, 12, 31))
    after = in_force("premiums", "pbpu", date(2021, 1, 1))
    assert dict(before.parts("bantuan_iuran")) == {"pusat": 16_500}
    assert dict(after.parts("bantuan_iuran")) == {"pusat": 4_200, "pemda": 2_800}


def test_there_was_no_bantuan_iuran_before_perpres_64_2020():
    pbpu = in_force("premiums", "pbpu", date(2020, 6, 30))
    error = refusal(lambda: pbpu.rupiah("bantuan_iuran"))
    assert "bantuan_iuran is missing or not integer" in error.message.en
    assert "bantuan_iuran tidak ada atau bukan integer" in error.message.id


def test_the_premiums_in_force_today_cite_perpres_64_2020_not_63_2022():
    # Reference §1.1: rates still follow Perpres 64/2020; "Perpres 63/2022" is a mislabel.
    today = date(2026, 1, 27)
    for series in ("pbi", "pbpu"):
        source = in_force("premiums", series, today).source
        assert "Perpres 64/2020" in source and "63/2022" not in source


def test_from_2020_ppu_badan_usaha_has_the_umk_floor_and_1_percent_per_extra_family_member():
    # Perpres 75/2019 Pasal 32 (reference §1.5): cap 12 juta, floor UMK; extra members 1 %.
    ppu = in_force("premiums", "ppu", date(2020, 1, 1))
    assert (ppu.rupiah("wage_cap"), ppu.text("wage_floor")) == (12_000_000, "UMK")
    assert ppu.percent("additional_family_member_pct") == Decimal("1")
    before = in_force("premiums", "ppu", date(2019, 12, 31))
    with pytest.raises(SemestaError, match="wage_floor"):
        before.text("wage_floor")


def test_from_2020_penyelenggara_negara_pay_4_plus_1_percent_up_to_12_juta():
    pn = in_force("premiums", "ppu_pn", date(2020, 1, 1))
    assert dict(pn.parts("rate_pct")) == {"employer_pct": Decimal("4"), "worker_pct": Decimal("1")}
    assert pn.rupiah("wage_cap") == 12_000_000
    assert "TPP" in pn.text("wage_base")
    assert in_force("premiums", "ppu_pn", date(2019, 12, 31)).text("wage_base") == (
        "gaji pokok + tunjangan keluarga"
    )


# --- per-Pemda rates (pemda_rates.toml) ------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "on", "rate"),
    [
        ("17.03", date(2019, 7, 31), 23_000),  # before its own series: the default history
        ("17.03", date(2019, 8, 1), 42_000),
        ("17.03", date(2022, 12, 31), 42_000),
        ("17.03", date(2023, 1, 1), 37_800),
        ("17.03", date(2023, 1, 2), 37_800),
        ("17.03", date(2026, 1, 27), 37_800),  # open-ended until a later PKS
        ("17", date(2023, 6, 1), 42_000),  # Provinsi Bengkulu has no rate of its own
        ("17.01", date(2023, 6, 1), 42_000),  # a neighbouring kabupaten neither
        ("62.71", date(2025, 6, 30), 42_000),  # a kota
    ],
)
def test_the_pemda_rate_on_a_date(region, on, rate):
    assert pemda_rate(region, on) == rate


def test_bengkulu_utaras_37800_is_the_participants_35000_plus_the_pemdas_2800():
    own = in_force("pemda_rates", "r17_03", date(2023, 1, 1))
    assert dict(own.parts("rate")) == {"peserta": 35_000, "pemda": 2_800}
    assert own.text("region_name") == "Kabupaten Bengkulu Utara"


def test_a_pemda_rate_before_the_recorded_history_is_refused_in_both_languages():
    message = refusal(lambda: pemda_rate("17.03", date(2018, 12, 31))).message
    assert "no rule in force on 2018-12-31: pemda_rates.toml [[default]]" in message.en
    assert "tidak ada aturan yang berlaku pada 2018-12-31" in message.id


@pytest.mark.parametrize("code", ["abc", "", "62.02.01.1009", "620"])
def test_a_code_that_is_no_province_or_kabupaten_is_refused_in_both_languages(code):
    message = refusal(lambda: pemda_rate(code, date(2024, 1, 1))).message
    assert f"region code {code!r} is not a province (PP) or kabupaten/kota (PP.KK) code" == (
        message.en
    )
    assert message.id.startswith(f"kode wilayah {code!r} bukan kode provinsi")


# --- UHC status, targets, awards, DTSEN, catalogues ----------------------------------------------


def _minimums(criteria) -> dict:
    return {c.metric: c.minimum for c in criteria if isinstance(c, Condition) and c.minimum}


@pytest.mark.parametrize(
    ("on", "coverage", "active"),
    [
        (date(2022, 1, 1), "95", "75"),
        (date(2022, 1, 2), "95", "75"),
        (date(2025, 1, 2), "98", "80"),
    ],
)
def test_uhc_prioritas_thresholds_around_their_effective_dates(on, coverage, active):
    criteria = in_force("uhc", "prioritas", on).criteria()
    assert _minimums(criteria) == {"coverage_pct": Decimal(coverage), "active_pct": Decimal(active)}


def test_pemda_registrants_are_active_at_once_under_prioritas_in_every_version():
    # Reference §2.3: prioritas → active on the day of registration; cut-off → next month.
    delays = [
        v.rupiah("activation_delay_months") for v in packaged_rules("uhc").versions("prioritas")
    ]
    assert delays == [0, 0]
    assert in_force("uhc", "non_prioritas", date(2022, 1, 1)).rupiah("activation_delay_months") == 1


def test_the_rpjmn_2020_2024_target_is_98_percent_with_no_activity_target():
    target = in_force("uhc", "targets", date(2020, 1, 1))
    assert (target.rupiah("target_year"), target.percent("coverage_pct")) == (2024, Decimal("98"))
    with pytest.raises(SemestaError, match="active_pct"):
        target.percent("active_pct")


def test_the_rpjmn_2025_2029_target_reaches_99_percent_by_2029():
    target = in_force("uhc", "targets", date(2029, 12, 31))
    assert target.percent("coverage_by_target_year_pct") == Decimal("99")


@pytest.mark.parametrize(
    ("on", "award_year", "held_on"),
    [
        (date(2023, 1, 1), 2023, date(2023, 3, 14)),
        (date(2023, 12, 31), 2023, date(2023, 3, 14)),
        (date(2024, 1, 1), 2024, date(2024, 8, 8)),
        (date(2024, 1, 2), 2024, date(2024, 8, 8)),
        (date(2025, 12, 31), 2024, date(2024, 8, 8)),  # no award in 2025
        (date(2026, 1, 1), 2026, date(2026, 1, 27)),
        (date(2026, 1, 2), 2026, date(2026, 1, 27)),
    ],
)
def test_the_award_criteria_in_force_around_each_award_year(on, award_year, held_on):
    rules = award_rules(on)
    assert (rules.award_year, rules.held_on) == (award_year, held_on)


def test_the_2026_award_judged_data_up_to_september_2025():
    assert award_rules(date(2026, 1, 27)).version.day("data_up_to") == date(2025, 9, 30)


def test_2023_award_needed_jamkesda_integrated_into_jkn():
    minimum = award_rules(date(2023, 6, 1)).minimum
    assert Condition("jamkesda_integrated", equals=True) in minimum


def test_award_variants_exist_only_where_a_source_reads_differently():
    assert award_variants(date(2023, 1, 1)) == ()
    assert award_variants(date(2025, 12, 31)) == ()
    assert award_variants(date(2026, 1, 1)) == ("madya_keaktifan_98",)


def test_the_dtsen_deciles_are_the_same_on_the_day_after_inpres_4_2025():
    on, after = date(2025, 2, 5), date(2025, 2, 6)
    for program, high in (("pbi_jk", 5), ("pkh", 4), ("sembako", 5)):
        assert in_force("dtsen", program, after) == in_force("dtsen", program, on)
        assert in_force("dtsen", program, after).rupiah("desil_max") == high


def test_the_segment_catalogue_applies_from_the_first_day_of_bpjs_kesehatan():
    # UU 24/2011 Pasal 60(1): BPJS Kesehatan began operating on 1 January 2014.
    catalogue = in_force("segments", "catalogue", date(2014, 1, 1))
    assert set(catalogue.table("groups")) == {
        "PBI_APBN",
        "PBPU_BP_PEMDA",
        "PPU_PN",
        "PPU_BU",
        "PBPU_MANDIRI",
        "BP",
    }
    assert packaged_rules("segments").find("catalogue", date(2013, 12, 31)) is None


def test_the_apbd_calendar_starts_with_pp_12_2019_and_lists_its_six_deadlines_in_order():
    steps = in_force("apbd_calendar", "calendar", date(2019, 1, 1)).tables("steps")
    assert [s["code"] for s in steps] == [
        "RKPD",
        "KUA-PPAS-DPRD",
        "KUA-PPAS-SEPAKAT",
        "RAPERDA-APBD",
        "APBD-SETUJU",
        "APBD-P-SETUJU",
    ]


# --- loading a rule text: periods must join day to day ---------------------------------------

META = """
[meta]
name = "contoh"
description = "aturan contoh / example rule"
unit = "Rupiah"
"""


def parse(body: str, name: str = "contoh.toml"):
    return parse_rule_text(META + textwrap.dedent(body), name)


def load_refusal(body: str, name: str = "contoh.toml"):
    return refusal(lambda: parse(body, name)).message


def test_versions_that_join_day_to_day_load_and_answer_on_each_side_of_the_joins():
    rule_file = parse(
        """
        [[rate]]
        effective_from = 2020-01-01
        effective_to = 2020-06-30
        source = "a"
        amount = 1

        [[rate]]
        effective_from = 2020-07-01
        effective_to = 2020-07-01
        source = "b (one day)"
        amount = 2

        [[rate]]
        effective_from = 2020-07-02
        source = "c"
        amount = 3
        """
    )
    amounts = [
        rule_file.in_force("rate", day).rupiah("amount")
        for day in (date(2020, 6, 30), date(2020, 7, 1), date(2020, 7, 2), date(2030, 1, 1))
    ]
    assert amounts == [1, 2, 3, 3]
    assert rule_file.name == "contoh.toml" and rule_file.meta["name"] == "contoh"


def test_a_gap_of_a_single_day_is_refused_naming_that_day_in_both_languages():
    message = load_refusal(
        """
        [[rate]]
        effective_from = 2020-01-01
        effective_to = 2020-06-29
        source = "a"
        amount = 1

        [[rate]]
        effective_from = 2020-07-01
        source = "b"
        amount = 2
        """
    )
    assert message.en == "contoh.toml [[rate]]: gap with no rule from 2020-06-30 to 2020-06-30"
    assert (
        message.id == "contoh.toml [[rate]]: celah tanpa aturan dari 2020-06-30 sampai 2020-06-30"
    )


def test_ending_on_28_february_of_a_leap_year_leaves_29_february_without_a_rule():
    message = load_refusal(
        """
        [[rate]]
        effective_from = 2024-01-01
        effective_to = 2024-02-28
        source = "a"
        amount = 1

        [[rate]]
        effective_from = 2024-03-01
        source = "b"
        amount = 2
        """
    )
    assert "gap with no rule from 2024-02-29 to 2024-02-29" in message.en


def test_ending_on_28_february_of_a_common_year_joins_1_march():
    rule_file = parse(
        """
        [[rate]]
        effective_from = 2023-01-01
        effective_to = 2023-02-28
        source = "a"
        amount = 1

        [[rate]]
        effective_from = 2023-03-01
        source = "b"
        amount = 2
        """
    )
    assert rule_file.in_force("rate", date(2023, 3, 1)).rupiah("amount") == 2


def test_a_version_starting_inside_the_previous_one_is_refused_as_an_overlap():
    message = load_refusal(
        """
        [[rate]]
        effective_from = 2020-01-01
        effective_to = 2020-12-31
        source = "a"
        amount = 1

        [[rate]]
        effective_from = 2020-06-01
        source = "b"
        amount = 2
        """
    )
    assert message.en == (
        "contoh.toml [[rate]]: the version from 2020-06-01 overlaps the version "
        "2020-01-01..2020-12-31"
    )
    assert "tumpang tindih dengan versi 2020-01-01–2020-12-31" in message.id


def test_two_versions_starting_on_the_same_day_are_refused_as_an_overlap():
    message = load_refusal(
        """
        [[rate]]
        effective_from = 2020-01-01
        effective_to = 2020-12-31
        source = "a"
        amount = 1

        [[rate]]
        effective_from = 2020-01-01
        source = "b"
        amount = 2
        """
    )
    assert "the version from 2020-01-01 overlaps" in message.en


def test_an_overlap_between_the_second_and_third_version_is_found():
    message = load_refusal(
        """
        [[rate]]
        effective_from = 2020-01-01
        effective_to = 2020-12-31
        source = "a"
        amount = 1

        [[rate]]
        effective_from = 2021-01-01
        effective_to = 2021-12-31
        source = "b"
        amount = 2

        [[rate]]
        effective_from = 2021-12-01
        source = "c"
        amount = 3
        """
    )
    assert "the version from 2021-12-01 overlaps the version 2021-01-01..2021-12-31" in message.en


def test_a_gap_in_a_second_series_is_refused_even_when_the_first_is_sound():
    message = load_refusal(
        """
        [[good]]
        effective_from = 2020-01-01
        source = "a"
        amount = 1

        [[bad]]
        effective_from = 2020-01-01
        effective_to = 2020-12-31
        source = "a"
        amount = 1

        [[bad]]
        effective_from = 2021-02-01
        source = "b"
        amount = 2
        """,
        name="dua_seri.toml",
    )
    assert message.en == "dua_seri.toml [[bad]]: gap with no rule from 2021-01-01 to 2021-01-31"


@pytest.mark.parametrize(
    "line", ['effective_to = "2020-12-31"', "effective_to = 2020-12-31T23:59:00"]
)
def test_an_end_that_is_not_a_toml_date_is_refused(line):
    message = load_refusal(
        f"""
        [[rate]]
        effective_from = 2020-01-01
        {line}
        source = "a"
        amount = 1
        """
    )
    assert "version #1: effective_to must be a TOML date (YYYY-MM-DD)" in message.en
    assert "versi ke-1: effective_to harus berupa tanggal TOML" in message.id


def test_a_rule_file_given_as_a_path_is_read_again_once_it_changes(tmp_path):
    path = tmp_path / "tarif.toml"
    body = '\n[[rate]]\neffective_from = 2020-01-01\nsource = "a"\namount = {}\n'
    path.write_text(META + body.format(1000), encoding="utf-8")
    assert in_force(path, "rate", date(2020, 1, 1)).rupiah("amount") == 1000
    path.write_text(META + body.format(25500), encoding="utf-8")  # another size: not the cache
    assert in_force(path, "rate", date(2020, 1, 1)).rupiah("amount") == 25500


# --- `semesta aturan` ------------------------------------------------------------------------


def aturan(*args: str):
    result = CliRunner().invoke(app, ["aturan", *args])
    assert result.exit_code == 0, result.output
    return result


def aturan_json(on: str) -> dict:
    document = json.loads(aturan("--tanggal", on, "--json").stdout)  # one document, all stdout
    assert isinstance(document, list)
    return {(entry["file"], entry["series"]): entry for entry in document}


@pytest.mark.parametrize("on", [date(2021, 1, 1), date(2025, 2, 5), date(2026, 1, 27)])
def test_aturan_lists_exactly_the_series_with_a_version_in_force(on):
    listed = aturan_json(on.isoformat())
    expected = {(f, s) for f, s in SERIES if packaged_rules(f).find(s, on) is not None}
    assert set(listed) == expected
    for (file, series), entry in listed.items():
        found = packaged_rules(file).find(series, on)
        assert entry["effective_from"] == found.effective_from.isoformat()
        assert entry["source"] == found.source


def test_aturan_on_a_day_before_every_rule_prints_an_empty_list():
    assert aturan_json("2013-12-31") == {}


def test_aturan_json_gives_the_2021_kelas_3_split_as_numbers_in_a_table():
    pbpu = aturan_json("2021-01-01")[("premiums.toml", "pbpu")]
    assert pbpu["effective_to"] is None
    assert pbpu["values"]["kelas_3"] == 42_000
    assert pbpu["values"]["kelas_3_parts"] == {"peserta": 35_000, "pusat": 4_200, "pemda": 2_800}
    assert pbpu["values"]["bantuan_iuran_parts"] == {"pusat": 4_200, "pemda": 2_800}


def test_aturan_json_writes_percentages_as_decimal_text_and_criteria_as_objects():
    listed = aturan_json("2025-06-30")
    ppu = listed[("premiums.toml", "ppu")]["values"]
    assert ppu["rate_pct"] == "5"
    assert ppu["rate_pct_parts"] == {"employer_pct": "4", "worker_pct": "1"}
    prioritas = listed[("uhc.toml", "prioritas")]["values"]["criteria"]
    assert prioritas == [
        {"metric": "coverage_pct", "minimum": "98"},
        {"metric": "active_pct", "minimum": "80"},
        {"metric": "pemda_iuran_paid_in_full", "equals": True},
    ]
    targets = listed[("uhc.toml", "targets")]
    assert (targets["effective_to"], targets["values"]["coverage_pct"]) == ("2029-12-31", "98.6")


def test_aturan_shows_a_pemdas_own_rate_only_from_its_effective_date():
    assert ("pemda_rates.toml", "r17_03") not in aturan_json("2022-12-31")
    own = aturan_json("2023-01-01")[("pemda_rates.toml", "r17_03")]
    assert own["values"]["rate"] == 37_800
    assert own["values"]["rate_parts"] == {"peserta": 35_000, "pemda": 2_800}


def test_aturan_shows_the_dtsen_deciles_from_inpres_4_2025():
    assert not {s for f, s in aturan_json("2025-02-04") if f == "dtsen.toml"}
    listed = aturan_json("2025-02-05")
    assert listed[("dtsen.toml", "pbi_jk")]["values"] == {"desil_min": 1, "desil_max": 5}


def test_aturan_prints_each_rule_with_its_period_and_source_for_a_reader():
    text = aturan("--tanggal", "2021-01-01").stdout
    assert "premiums.toml:pbpu (berlaku 2021-01-01)\n" in text
    assert "    sumber: Perpres 64/2020 Pasal 34" in text
    assert "uhc.toml:targets (berlaku 2020-01-01 s.d. 2024-12-31)\n" in text
    assert '"kelas_3_parts": {"peserta": 35000, "pusat": 4200, "pemda": 2800}' in text


def test_aturan_refuses_a_malformed_date_in_both_languages_with_exit_code_2():
    done = subprocess.run(
        [sys.executable, "-m", "semesta.cli", "aturan", "--tanggal", "2021-02-30", "--json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "GALAT: Tanggal '2021-02-30' tidak valid: tulis YYYY-MM-DD." in done.stderr
    assert "ERROR: Date '2021-02-30' is not valid: write YYYY-MM-DD." in done.stderr
    assert "Traceback" not in done.stderr
