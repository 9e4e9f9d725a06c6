"""Rules as versioned data: loading, validation, and the rule in force on a date."""

from __future__ import annotations

import re
import textwrap
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from semesta.core import rules
from semesta.core.regions import regions
from semesta.core.rules import (
    AnyOf,
    Condition,
    award_rules,
    award_variants,
    desil_range,
    in_force,
    load_rule_file,
    packaged_rule_files,
    packaged_rules,
    pbi_premium,
    pbpu_premium,
    pemda_rate,
    uhc_prioritas_criteria,
)
from semesta.core.text import SemestaError

RULE_FILES = packaged_rule_files()


# --- every packaged file --------------------------------------------------------------------


def test_the_package_ships_every_expected_rule_file():
    expected = {"premiums", "pemda_rates", "uhc", "uhc_award", "dtsen", "segments"}
    assert {name.removesuffix(".toml") for name in RULE_FILES} >= expected


@pytest.mark.parametrize("name", RULE_FILES)
def test_every_packaged_rule_file_loads_with_meta_and_series(name):
    rule_file = packaged_rules(name)
    assert {"name", "description", "unit"} <= set(rule_file.meta)
    assert rule_file.series


@pytest.mark.parametrize("name", RULE_FILES)
def test_every_version_names_a_source_and_only_the_last_is_open_ended(name):
    for versions in packaged_rules(name).series.values():
        assert all(v.source.strip() for v in versions)
        assert all(v.effective_to is not None for v in versions[:-1])


@pytest.mark.parametrize("name", RULE_FILES)
def test_every_version_is_in_force_on_its_first_and_last_day(name):
    rule_file = packaged_rules(name)
    for series, versions in rule_file.series.items():
        for version in versions:
            assert rule_file.in_force(series, version.effective_from) == version
            last = version.effective_to or version.effective_from + timedelta(days=3650)
            assert rule_file.in_force(series, last) == version


def test_packaged_files_are_loaded_once():
    assert packaged_rules("premiums") is packaged_rules("premiums")
    assert packaged_rules("premiums.toml").series == packaged_rules("premiums").series


# --- premiums on boundary dates ------------------------------------------------------------


@pytest.mark.parametrize(
    ("series", "key", "on", "expected"),
    [
        ("pbi", "rate", date(2019, 1, 1), 23_000),
        ("pbi", "rate", date(2019, 7, 31), 23_000),
        ("pbi", "rate", date(2019, 8, 1), 42_000),
        ("pbi", "rate", date(2026, 1, 1), 42_000),
        ("pbpu", "kelas_1", date(2019, 12, 31), 80_000),
        ("pbpu", "kelas_1", date(2020, 1, 1), 160_000),
        ("pbpu", "kelas_1", date(2020, 3, 31), 160_000),
        ("pbpu", "kelas_1", date(2020, 4, 1), 80_000),
        ("pbpu", "kelas_1", date(2020, 6, 30), 80_000),
        ("pbpu", "kelas_1", date(2020, 7, 1), 150_000),
        ("pbpu", "kelas_2", date(2019, 12, 31), 51_000),
        ("pbpu", "kelas_2", date(2020, 1, 1), 110_000),
        ("pbpu", "kelas_2", date(2020, 4, 1), 51_000),
        ("pbpu", "kelas_2", date(2020, 7, 1), 100_000),
        ("pbpu", "kelas_3", date(2019, 12, 31), 25_500),
        ("pbpu", "kelas_3", date(2020, 1, 1), 42_000),
        ("pbpu", "kelas_3", date(2020, 6, 30), 25_500),
        ("pbpu", "kelas_3", date(2020, 7, 1), 42_000),
        ("pbpu", "kelas_3", date(2021, 1, 1), 42_000),
        ("ppu", "wage_cap", date(2019, 12, 31), 8_000_000),
        ("ppu", "wage_cap", date(2020, 1, 1), 12_000_000),
    ],
)
def test_premium_in_force_on_boundary_dates(series, key, on, expected):
    assert in_force("premiums", series, on).rupiah(key) == expected


def test_pbi_and_pbpu_helpers_read_the_same_data():
    assert pbi_premium(date(2019, 7, 31)) == 23_000
    assert pbi_premium(date(2019, 8, 1)) == 42_000
    assert pbpu_premium(1, date(2020, 3, 31)) == 160_000
    assert pbpu_premium(1, date(2020, 4, 1)) == 80_000


@pytest.mark.parametrize(
    ("on", "parts"),
    [
        (date(2020, 12, 31), {"peserta": 25_500, "pusat": 16_500}),
        (date(2021, 1, 1), {"peserta": 35_000, "pusat": 4_200, "pemda": 2_800}),
    ],
)
def test_kelas_3_is_split_between_participant_centre_and_pemda(on, parts):
    version = in_force("premiums", "pbpu", on)
    assert dict(version.parts("kelas_3")) == parts
    assert sum(version.parts("kelas_3").values()) == version.rupiah("kelas_3") == 42_000


def test_kelas_3_parts_add_up_in_every_version():
    for version in packaged_rules("premiums").versions("pbpu"):
        assert sum(version.parts("kelas_3").values()) == version.rupiah("kelas_3")


def test_bantuan_iuran_from_2021_is_4200_central_plus_2800_pemda():
    version = in_force("premiums", "pbpu", date(2021, 1, 1))
    assert version.rupiah("bantuan_iuran") == 7_000
    assert dict(version.parts("bantuan_iuran")) == {"pusat": 4_200, "pemda": 2_800}


def test_ppu_rate_is_an_exact_decimal_split_between_employer_and_worker():
    version = in_force("premiums", "ppu", date(2020, 1, 1))
    assert version.percent("rate_pct") == Decimal("5")
    parts = version.parts("rate_pct")
    assert parts == {"employer_pct": Decimal("4"), "worker_pct": Decimal("1")}
    assert all(isinstance(v, Decimal) for v in parts.values())


def test_ppu_pn_was_3_percent_government_2_percent_worker_before_2020():
    version = in_force("premiums", "ppu_pn", date(2019, 12, 31))
    assert version.parts("rate_pct") == {"employer_pct": Decimal("3"), "worker_pct": Decimal("2")}


def test_a_date_before_the_first_version_is_a_clear_error():
    with pytest.raises(SemestaError) as caught:
        in_force("premiums", "pbi", date(2018, 12, 31))
    message = caught.value.message
    assert "2018-12-31" in message.en and "no rule in force" in message.en
    assert "premiums.toml" in message.en and "[[pbi]]" in message.en
    assert "tidak ada aturan yang berlaku" in message.id


def test_an_unknown_series_or_file_is_a_clear_error():
    with pytest.raises(SemestaError, match="no series 'pbpu_kelas_4'"):
        in_force("premiums", "pbpu_kelas_4", date(2024, 1, 1))
    with pytest.raises(SemestaError, match="no rule file 'iuran'"):
        in_force("iuran", "pbi", date(2024, 1, 1))


def test_asking_for_a_missing_or_mistyped_value_names_the_key():
    version = in_force("premiums", "pbi", date(2024, 1, 1))
    with pytest.raises(SemestaError, match="kelas_9"):
        version.rupiah("kelas_9")
    with pytest.raises(SemestaError, match="rate"):
        version.percent("rate")


# --- Pemda rates ---------------------------------------------------------------------------


def test_bengkulu_utara_pays_37800_per_participant_in_2023():
    assert pemda_rate("17.03", date(2023, 6, 1)) == 37_800
    assert pemda_rate("1703", date(2023, 1, 1)) == 37_800


def test_seed_001_monthly_need_is_28795_times_37800():
    assert 28_795 * pemda_rate("17.03", date(2023, 12, 1)) == 1_088_451_000


def test_bengkulu_utara_falls_back_to_the_default_before_its_own_rate():
    assert pemda_rate("17.03", date(2022, 12, 31)) == 42_000


def test_a_region_without_its_own_rate_gets_the_pasal_29_rate():
    assert pemda_rate("62.02", date(2024, 1, 1)) == 42_000
    assert pemda_rate("62", date(2024, 1, 1)) == 42_000
    assert pemda_rate("62.02", date(2019, 7, 31)) == 23_000


def test_a_kecamatan_code_is_not_a_pemda():
    with pytest.raises(SemestaError, match="not a province"):
        pemda_rate("62.02.01", date(2024, 1, 1))


def test_the_default_pemda_rate_equals_the_pbi_rate():
    for version in packaged_rules("pemda_rates").versions("default"):
        assert version.rupiah("rate") == pbi_premium(version.effective_from)


def test_37800_is_the_kelas_3_participant_share_plus_the_pemda_share():
    kelas_3 = in_force("premiums", "pbpu", date(2023, 1, 1)).parts("kelas_3")
    assert kelas_3["peserta"] + kelas_3["pemda"] == pemda_rate("17.03", date(2023, 1, 1))


def test_every_region_series_names_a_real_region():
    index = regions()
    for series, versions in packaged_rules("pemda_rates").series.items():
        if series == "default":
            continue
        code = series.removeprefix("r").replace("_", ".")
        region = index.get(code)
        assert region is not None, series
        assert all(v.text("region_name") == region.name for v in versions)


# --- UHC, awards, DTSEN ----------------------------------------------------------------------


def _thresholds(criteria):
    return {c.metric: c.minimum for c in criteria if isinstance(c, Condition) and c.minimum}


def test_uhc_prioritas_needed_95_and_75_until_end_of_2024():
    criteria = uhc_prioritas_criteria(date(2024, 12, 31))
    assert _thresholds(criteria) == {"coverage_pct": Decimal("95"), "active_pct": Decimal("75")}


def test_uhc_prioritas_needs_98_80_and_no_arrears_from_2025():
    criteria = uhc_prioritas_criteria(date(2025, 1, 1))
    assert _thresholds(criteria) == {"coverage_pct": Decimal("98"), "active_pct": Decimal("80")}
    assert Condition("pemda_iuran_paid_in_full", equals=True) in criteria


def test_pemda_registrants_wait_a_month_only_under_cut_off():
    assert in_force("uhc", "prioritas", date(2025, 6, 1)).rupiah("activation_delay_months") == 0
    assert in_force("uhc", "non_prioritas", date(2025, 6, 1)).rupiah("activation_delay_months") == 1


def test_national_target_is_98_then_98_6_with_80_active():
    assert in_force("uhc", "targets", date(2024, 12, 31)).percent("coverage_pct") == Decimal("98")
    target = in_force("uhc", "targets", date(2025, 1, 1))
    assert target.percent("coverage_pct") == Decimal("98.6")
    assert target.percent("active_pct") == Decimal("80")


def test_2023_award_needs_95_coverage_and_75_active_with_no_categories():
    rules_2023 = award_rules(date(2023, 1, 1))
    assert rules_2023.award_year == 2023
    assert _thresholds(rules_2023.minimum) == {
        "coverage_pct": Decimal("95"),
        "active_pct": Decimal("75"),
    }
    assert [c.name for c in rules_2023.categories] == ["penerima"]


def test_2024_award_categories_have_unpublished_thresholds_and_stay_in_force_through_2025():
    for on in (date(2024, 1, 1), date(2025, 12, 31)):
        rules_2024 = award_rules(on)
        assert rules_2024.award_year == 2024
        assert [c.name for c in rules_2024.categories] == ["utama", "madya"]
        assert all(c.criteria is None for c in rules_2024.categories)
        assert _thresholds(rules_2024.minimum)["coverage_pct"] == Decimal("95")


def test_2026_award_utama_needs_99_95_and_18_percent_pemda_unless_fully_active():
    rules_2026 = award_rules(date(2026, 1, 1))
    assert [c.name for c in rules_2026.categories] == ["utama", "madya", "pratama"]
    utama = rules_2026.categories[0]
    assert utama.criteria is not None
    assert _thresholds(utama.criteria) == {
        "coverage_pct": Decimal("99"),
        "active_pct": Decimal("95"),
    }
    waiver = next(c for c in utama.criteria if isinstance(c, AnyOf))
    assert waiver.alternatives == (
        (Condition("pemda_registered_pct", minimum=Decimal("18")),),
        (Condition("active_pct", minimum=Decimal("100")),),
    )


def test_2026_award_needs_uhc_prioritas_and_paid_iuran_for_every_category():
    assert award_rules(date(2026, 1, 27)).minimum == (
        Condition("uhc_prioritas", equals=True),
        Condition("pemda_iuran_paid_in_full", equals=True),
    )


def test_2026_madya_is_98_85_or_25_percent_pemda_with_80_active_by_default():
    madya = award_rules(date(2026, 1, 1)).categories[1]
    assert madya.name == "madya" and madya.variant is None
    assert madya.criteria == (
        AnyOf(
            (
                (
                    Condition("coverage_pct", minimum=Decimal("98")),
                    Condition("active_pct", minimum=Decimal("85")),
                ),
                (
                    Condition("pemda_registered_pct", minimum=Decimal("25")),
                    Condition("active_pct", minimum=Decimal("80")),
                ),
            )
        ),
    )


def test_the_keaktifan_98_reading_of_madya_is_a_selectable_variant():
    assert award_variants(date(2026, 1, 1)) == ("madya_keaktifan_98",)
    chosen = award_rules(date(2026, 1, 1), variant="madya_keaktifan_98")
    assert [c.name for c in chosen.categories] == ["utama", "madya", "pratama"]
    madya = chosen.categories[1]
    assert madya.variant == "madya_keaktifan_98"
    assert _thresholds(madya.criteria) == {
        "coverage_pct": Decimal("98"),
        "active_pct": Decimal("98"),
    }
    assert madya.unstated


def test_an_unknown_award_variant_is_an_error():
    with pytest.raises(SemestaError, match="unknown variant"):
        award_rules(date(2026, 1, 1), variant="madya_typo")


def test_there_are_no_award_criteria_before_2023():
    with pytest.raises(SemestaError, match="no rule in force on 2022-12-31"):
        award_rules(date(2022, 12, 31))


@pytest.mark.parametrize(
    ("program", "deciles"),
    [("pbi_jk", range(1, 6)), ("pkh", range(1, 5)), ("sembako", range(1, 6))],
)
def test_dtsen_deciles_per_program_from_inpres_4_2025(program, deciles):
    assert desil_range(program, date(2025, 2, 5)) == deciles
    with pytest.raises(SemestaError):
        desil_range(program, date(2025, 2, 4))


# --- load errors -----------------------------------------------------------------------------

META = """
[meta]
name = "test"
description = "a test rule file"
unit = "Rupiah"
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "test_rules.toml"
    path.write_text(META + textwrap.dedent(body), encoding="utf-8")
    return path


def load_error(tmp_path: Path, body: str) -> str:
    with pytest.raises(SemestaError) as caught:
        load_rule_file(write(tmp_path, body))
    return caught.value.message.en


def test_a_valid_temp_file_loads_and_answers_in_force_by_path(tmp_path):
    path = write(
        tmp_path,
        """
        [[rate]]
        effective_from = 2020-01-01
        effective_to = 2020-12-31
        source = "test §1"
        amount = 1000

        [[rate]]
        effective_from = 2021-01-01
        source = "test §2"
        amount = 2000
        """,
    )
    assert load_rule_file(path).in_force("rate", date(2020, 12, 31)).rupiah("amount") == 1000
    assert in_force(path, "rate", date(2021, 1, 1)).rupiah("amount") == 2000


def test_overlapping_versions_are_a_load_error(tmp_path):
    message = load_error(
        tmp_path,
        """
        [[rate]]
        effective_from = 2020-01-01
        effective_to = 2020-12-31
        source = "a"
        amount = 1

        [[rate]]
        effective_from = 2020-12-31
        source = "b"
        amount = 2
        """,
    )
    assert "overlaps" in message and "test_rules.toml" in message and "[[rate]]" in message
    assert "2020-12-31" in message and "2020-01-01" in message


def test_a_gap_between_versions_is_a_load_error(tmp_path):
    message = load_error(
        tmp_path,
        """
        [[rate]]
        effective_from = 2020-01-01
        effective_to = 2020-12-30
        source = "a"
        amount = 1

        [[rate]]
        effective_from = 2021-01-01
        source = "b"
        amount = 2
        """,
    )
    assert "gap" in message and "2020-12-31" in message and "[[rate]]" in message


def test_an_open_ended_version_that_is_not_last_is_a_load_error(tmp_path):
    message = load_error(
        tmp_path,
        """
        [[rate]]
        effective_from = 2020-01-01
        source = "a"
        amount = 1

        [[rate]]
        effective_from = 2021-01-01
        source = "b"
        amount = 2
        """,
    )
    assert "open-ended" in message and "2020-01-01" in message and "2021-01-01" in message


def test_versions_out_of_order_are_a_load_error(tmp_path):
    message = load_error(
        tmp_path,
        """
        [[rate]]
        effective_from = 2021-01-01
        source = "b"
        amount = 2

        [[rate]]
        effective_from = 2020-01-01
        effective_to = 2020-12-31
        source = "a"
        amount = 1
        """,
    )
    assert "oldest first" in message


@pytest.mark.parametrize("source_line", ["", 'source = ""', 'source = "   "', "source = 7"])
def test_a_missing_or_empty_source_is_a_load_error(tmp_path, source_line):
    message = load_error(
        tmp_path,
        f"""
        [[rate]]
        effective_from = 2020-01-01
        {source_line}
        amount = 1
        """,
    )
    assert "names no source" in message and "2020-01-01" in message


@pytest.mark.parametrize(
    "date_line", ["", 'effective_from = "2020-01-01"', "effective_from = 2020-01-01T00:00:00"]
)
def test_a_missing_or_non_date_effective_from_is_a_load_error(tmp_path, date_line):
    message = load_error(
        tmp_path,
        f"""
        [[rate]]
        {date_line}
        source = "a"
        amount = 1
        """,
    )
    assert "effective_from must be a TOML date" in message


def test_an_end_before_the_start_is_a_load_error(tmp_path):
    message = load_error(
        tmp_path,
        """
        [[rate]]
        effective_from = 2020-01-01
        effective_to = 2019-12-31
        source = "a"
        amount = 1
        """,
    )
    assert "before it starts" in message


def test_parts_that_do_not_add_up_are_a_load_error(tmp_path):
    message = load_error(
        tmp_path,
        """
        [[pbpu]]
        effective_from = 2021-01-01
        source = "a"
        kelas_3 = 42000
        kelas_3_parts = { peserta = 35000, pusat = 4200, pemda = 2700 }
        """,
    )
    assert "41900" in message and "42000" in message and "kelas_3" in message


def test_parts_without_their_total_are_a_load_error(tmp_path):
    message = load_error(
        tmp_path,
        """
        [[pbpu]]
        effective_from = 2021-01-01
        source = "a"
        kelas_3_parts = { peserta = 35000 }
        """,
    )
    assert "kelas_3_parts" in message


@pytest.mark.parametrize("line", ["amount = 42000.0", "rate_pct = 5", "rate_pct = 98.6"])
def test_floats_and_numeric_percentages_are_a_load_error(tmp_path, line):
    message = load_error(
        tmp_path,
        f"""
        [[rate]]
        effective_from = 2020-01-01
        source = "a"
        {line}
        """,
    )
    assert "not accepted" in message


@pytest.mark.parametrize(
    "criterion",
    [
        '{ metric = "happiness_pct", min = "50" }',
        '{ metric = "coverage_pct", min = 98 }',
        '{ metric = "coverage_pct", is = true }',
        '{ metric = "uhc_prioritas", min = "1" }',
        '{ any_of = [ [ { metric = "coverage_pct", min = "98" } ] ] }',
    ],
)
def test_an_invalid_criterion_is_a_load_error(tmp_path, criterion):
    message = load_error(
        tmp_path,
        f"""
        [[status]]
        effective_from = 2020-01-01
        source = "a"
        criteria = [ {criterion} ]
        """,
    )
    assert "criteri" in message and "[[status]]" in message


def test_meta_without_a_unit_is_a_load_error(tmp_path):
    path = tmp_path / "no_unit.toml"
    path.write_text('[meta]\nname = "x"\ndescription = "y"\n\n[[a]]\n', encoding="utf-8")
    with pytest.raises(SemestaError, match="'unit'"):
        load_rule_file(path)


def test_a_file_without_series_is_a_load_error(tmp_path):
    with pytest.raises(SemestaError, match=re.escape("no [[...]] series")):
        load_rule_file(write(tmp_path, ""))


def test_invalid_toml_is_a_load_error(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[meta\n", encoding="utf-8")
    with pytest.raises(SemestaError, match=re.escape("broken.toml: not valid TOML")):
        load_rule_file(path)


def test_metric_names_used_in_packaged_criteria_are_all_documented():
    assert set(rules.METRICS) >= {"coverage_pct", "active_pct", "pemda_registered_pct"}
    assert all(m.kind in {"percent", "flag"} for m in rules.METRICS.values())
