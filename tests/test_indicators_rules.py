"""UHC status, award category, gaps and levers at the exact edges of the rules in force.

Thresholds (reference §2.3, uhc.toml): UHC prioritas needs coverage ≥ 95 % and activity ≥ 75 %
until 31 Dec 2024, then coverage ≥ 98 %, activity ≥ 80 % and no Pemda arrears from 1 Jan 2025.
UHC Award criteria (reference §2.4, uhc_award.toml): 2023 ≥ 95/75 + Jamkesda integrated; 2024
≥ 95/75 with unpublished Utama/Madya thresholds; 2026 Utama 99/95 + Pemda ≥ 18 % (waived at 100 %
active), Madya 98/85 or Pemda ≥ 25 % with 80 % (or the "keaktifan 98" reading), Pratama 98/80,
every category needing UHC prioritas and no arrears. Every expected figure below is worked out by
hand in a comment, with exact integer arithmetic.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semesta.core import indicators as ind
from semesta.core.rules import AnyOf, Condition, award_rules, in_force, packaged_rules
from semesta.core.text import SemestaError

LAST_DAY_95_75 = date(2024, 12, 31)  # last day of uhc.toml [[prioritas]] 2022-01-01
FIRST_DAY_98_80 = date(2025, 1, 1)  # first day of uhc.toml [[prioritas]] 2025-01-01
AWARD_2026 = date(2026, 1, 27)
KOTIM = 454_515  # DKB Sem II 2024 population of Kab. Kotawaringin Timur (reference §2.2, §6.4)


def check(status: ind.Status, metric: str) -> ind.Check:
    found = next(c for c in status.checks if isinstance(c, ind.Check) and c.metric == metric)
    assert isinstance(found, ind.Check)
    return found


def award_2026(registered: int, active: int, pemda: int | None, **options) -> ind.Award:
    """The 2026 award of a region of 100.000 residents without arrears."""
    counts = ind.Counts(100_000, registered, active, pemda=pemda)
    return ind.classify(counts, AWARD_2026, arrears=0, **options).award


def category(award: ind.Award, name: str) -> ind.CategoryResult:
    return next(c for c in award.categories if c.name == name)


# --- UHC prioritas at the exact thresholds, per period in force -------------------------------

# (date, registered, active, coverage met?, activity met?) for 100.000 residents:
# the threshold count is level × 1.000 (95 % → 95.000), one below fails, one above passes.
EDGES_100K = [
    (date(2022, 1, 1), 94_999, 90_000, False, True),
    (date(2022, 1, 1), 95_000, 90_000, True, True),
    (LAST_DAY_95_75, 95_001, 90_000, True, True),
    (LAST_DAY_95_75, 99_000, 74_999, True, False),
    (LAST_DAY_95_75, 99_000, 75_000, True, True),
    (date(2023, 6, 30), 99_000, 75_001, True, True),
    (FIRST_DAY_98_80, 97_999, 90_000, False, True),
    (FIRST_DAY_98_80, 98_000, 90_000, True, True),
    (date(2026, 6, 30), 98_001, 90_000, True, True),
    (FIRST_DAY_98_80, 99_000, 79_999, True, False),
    (FIRST_DAY_98_80, 99_000, 80_000, True, True),
    (date(2025, 6, 30), 99_000, 80_001, True, True),
]


@pytest.mark.parametrize(("on", "registered", "active", "coverage_ok", "activity_ok"), EDGES_100K)
def test_prioritas_thresholds_hold_at_equality_and_fail_one_person_below(
    on, registered, active, coverage_ok, activity_ok
):
    status = ind.uhc_status(ind.Counts(100_000, registered, active), on, arrears=0)
    assert check(status, "coverage_pct").met is coverage_ok
    assert check(status, "active_pct").met is activity_ok
    assert status.prioritas is (coverage_ok and activity_ok)
    assert status.code == ("UHC-PRIORITAS" if status.prioritas else "UHC-NON-PRIORITAS")


# Kotawaringin Timur's 454.515 residents: no threshold is a whole number of persons except 80 %.
#   95 % = 431.789,25 → 431.790 needed     75 % = 340.886,25 → 340.887 needed
#   98 % = 445.424,7  → 445.425 needed     80 % = 363.612 exactly
EDGES_KOTIM = [
    (LAST_DAY_95_75, 431_789, 400_000, False, True),
    (LAST_DAY_95_75, 431_790, 400_000, True, True),
    (LAST_DAY_95_75, 440_000, 340_886, True, False),
    (LAST_DAY_95_75, 440_000, 340_887, True, True),
    (FIRST_DAY_98_80, 445_424, 400_000, False, True),
    (FIRST_DAY_98_80, 445_425, 400_000, True, True),
    (FIRST_DAY_98_80, 450_000, 363_611, True, False),
    (FIRST_DAY_98_80, 450_000, 363_612, True, True),
    (FIRST_DAY_98_80, 450_000, 363_613, True, True),
]


@pytest.mark.parametrize(("on", "registered", "active", "coverage_ok", "activity_ok"), EDGES_KOTIM)
def test_prioritas_thresholds_on_a_population_where_the_level_falls_between_two_persons(
    on, registered, active, coverage_ok, activity_ok
):
    status = ind.uhc_status(ind.Counts(KOTIM, registered, active), on, arrears=0)
    assert (check(status, "coverage_pct").met, check(status, "active_pct").met) == (
        coverage_ok,
        activity_ok,
    )


def test_the_last_day_of_2024_uses_95_75_and_the_first_day_of_2025_uses_98_80():
    exactly_95_75 = ind.Counts(100_000, 95_000, 75_000)
    before = ind.uhc_status(exactly_95_75, LAST_DAY_95_75, arrears=0)
    after = ind.uhc_status(exactly_95_75, FIRST_DAY_98_80, arrears=0)
    assert before.rule.code == "uhc:prioritas@2022-01-01" and before.prioritas is True
    assert after.rule.code == "uhc:prioritas@2025-01-01" and after.prioritas is False
    # 98.000 − 95.000 = 3.000 to register; 80.000 − 75.000 = 5.000 to make active
    assert after.action.en == (
        "For UHC prioritas: register 3.000 more residents; add 5.000 active participants."
    )
    assert after.action.id == (
        "Untuk UHC prioritas: daftarkan 3.000 penduduk lagi; tambah 5.000 peserta aktif."
    )


def test_until_2024_the_status_does_not_ask_about_arrears_so_unknown_arrears_leave_it_decided():
    status = ind.uhc_status(ind.Counts(100_000, 96_000, 78_000), LAST_DAY_95_75)
    assert [c.metric for c in status.checks] == ["coverage_pct", "active_pct"]
    assert status.prioritas is True and status.code == "UHC-PRIORITAS"


def test_from_2025_any_arrears_even_one_rupiah_make_the_region_cut_off():
    status = ind.uhc_status(ind.Counts(100_000, 99_000, 90_000), FIRST_DAY_98_80, arrears=1)
    assert status.prioritas is False and status.activation_delay_months == 1
    assert check(status, "pemda_iuran_paid_in_full").met is False
    assert "Rp 1" in check(status, "pemda_iuran_paid_in_full").text.id
    assert status.action.id == "Untuk UHC prioritas: lunasi tunggakan iuran PBPU-BP Pemda Rp 1."


def test_unknown_arrears_with_passing_ratios_leave_the_status_open_and_ask_for_arrears():
    status = ind.uhc_status(ind.Counts(100_000, 98_000, 80_000), FIRST_DAY_98_80)
    assert status.prioritas is None and status.label.en == "cannot be determined yet"
    paid = check(status, "pemda_iuran_paid_in_full")
    assert paid.met is None and "not known (give --arrears)" in paid.text.en
    assert "tidak diketahui (isi --arrears)" in paid.text.id
    assert status.action.en == (
        "For UHC prioritas: confirm there are no Pemda arrears (give --arrears)."
    )


def test_an_open_status_plans_for_the_cut_off_activation_delay_of_one_month():
    # uhc.toml: registrants are active the same day only under prioritas; until that is
    # known, the next-month activation of [[non_prioritas]] is the safe assumption.
    status = ind.uhc_status(ind.Counts(100_000, 98_000, 80_000), FIRST_DAY_98_80)
    assert status.prioritas is None and status.activation_delay_months == 1


def test_a_prioritas_region_exactly_at_the_activity_threshold_has_no_margin_left():
    # 80 % of 454.515 = 363.612 exactly: 363.612 active leaves 0 spare
    status = ind.uhc_status(ind.Counts(KOTIM, 450_000, 363_612), FIRST_DAY_98_80, arrears=0)
    assert status.prioritas is True
    assert status.action.en == "Keep the status; 0 active participants above the 80 % threshold."


def test_a_date_before_the_first_status_rule_is_a_bilingual_error_naming_the_first_day():
    with pytest.raises(SemestaError) as caught:
        ind.uhc_status(ind.Counts(100, 99, 90), date(2021, 12, 31), arrears=0)
    assert "no rule in force on 2021-12-31" in caught.value.message.en
    assert "2022-01-01" in caught.value.message.en
    assert "tidak ada aturan yang berlaku pada 2021-12-31" in caught.value.message.id


def test_negative_arrears_are_refused_and_arrears_must_be_integer_rupiah():
    counts = ind.Counts(100, 99, 90)
    with pytest.raises(SemestaError, match="arrears cannot be negative"):
        ind.uhc_status(counts, FIRST_DAY_98_80, arrears=-1)
    with pytest.raises(TypeError, match="integer Rupiah"):
        ind.uhc_status(counts, FIRST_DAY_98_80, arrears=1.5)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(
    population=st.integers(min_value=1, max_value=10_000_000),
    data=st.data(),
    after_2024=st.booleans(),
)
def test_prioritas_agrees_with_integer_arithmetic_on_the_counts(population, data, after_2024):
    registered = data.draw(st.integers(min_value=0, max_value=population + population // 10))
    active = data.draw(st.integers(min_value=0, max_value=registered))
    on, coverage_level, activity_level = (
        (FIRST_DAY_98_80, 98, 80) if after_2024 else (LAST_DAY_95_75, 95, 75)
    )
    status = ind.uhc_status(ind.Counts(population, registered, active), on, arrears=0)
    # registered ÷ population ≥ level % ⇔ 100 × registered ≥ level × population (integers)
    expected = (
        100 * registered >= coverage_level * population
        and 100 * active >= activity_level * population
    )
    assert status.prioritas is expected


# --- exact fractions: no float drift ---------------------------------------------------------


def test_98_percent_of_454515_residents_is_445425_persons_not_a_rounded_float():
    # 0,98 × 454.515 = 445.424,7 → the fewest whole persons reaching it is 445.425
    assert ind.persons_for(Decimal("98"), KOTIM) == 445_425
    # 0,835 × 454.515 = 379.520,025 → 379.521
    assert ind.persons_for(Decimal("83.5"), KOTIM) == 379_521
    coverage = ind.measure(ind.Counts(KOTIM, 445_425, 0), FIRST_DAY_98_80)["coverage_pct"]
    assert coverage == Fraction(44_542_500, 454_515) and coverage >= 98
    short = ind.measure(ind.Counts(KOTIM, 445_424, 0), FIRST_DAY_98_80)["coverage_pct"]
    assert short == Fraction(44_542_400, 454_515) and short < 98


def test_a_coverage_0_7_person_short_of_98_percent_is_shown_with_enough_decimals_to_fail():
    # 445.424 ÷ 454.515 = 97,999846… %: two decimals would print "98,00 %" next to "→ not met"
    status = ind.uhc_status(ind.Counts(KOTIM, 445_424, 400_000), FIRST_DAY_98_80, arrears=0)
    coverage = check(status, "coverage_pct")
    assert coverage.text.id == "Cakupan kepesertaan 97,9998 % (syarat ≥ 98 %) → belum terpenuhi"
    assert coverage.text.en == "Coverage 97.9998 % (required ≥ 98 %) → not met"


def test_an_exact_tie_in_the_last_shown_digit_rounds_half_up_unlike_binary_floats():
    activity = ind.measure(ind.Counts(800, 700, 641), FIRST_DAY_98_80)["active_pct"]
    assert activity == Fraction(641 * 100, 800)  # 80,125 % exactly
    assert f"{float(activity):.2f}" == "80.12"  # what a float would print
    assert ind.decimal_text(activity, 2) == "80.13"
    assert ind.percent_text(activity) == ind.percent_text(Fraction(8013, 100))


def test_active_of_registered_is_reported_beside_activity_but_never_decides():
    # 700 active of 800 residents = 87,5 %; of 750 registered = 93,33… %
    values = ind.measure(ind.Counts(800, 750, 700), FIRST_DAY_98_80)
    assert values["active_pct"] == Fraction(175, 2)
    assert values["active_of_registered_pct"] == Fraction(280, 3)
    deciding = {d.name for d in ind.indicator_definitions(FIRST_DAY_98_80) if d.decides}
    assert "active_of_registered_pct" not in deciding


# --- UHC Award 2023 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("registered", "active", "pemda", "category", "minimum_met"),
    [
        (95_000, 75_000, 1, "penerima", True),  # both at the threshold, one Pemda registrant
        (94_999, 75_000, 1, None, False),
        (95_000, 74_999, 1, None, False),
        (95_000, 75_000, 0, None, False),  # Jamkesda not integrated: nobody registered by Pemda
    ],
)
def test_award_2023_needs_95_75_and_residents_registered_by_the_pemda(
    registered, active, pemda, category, minimum_met
):
    counts = ind.Counts(100_000, registered, active, pemda=pemda)
    award = ind.uhc_award(counts, date(2023, 1, 1))
    assert award.award_year == 2023 and award.held_on == date(2023, 3, 14)
    assert (award.category, award.minimum_met, award.determined) == (category, minimum_met, True)


def test_award_2023_with_an_unknown_pemda_count_is_open_and_says_that_count_is_missing():
    award = ind.uhc_award(ind.Counts(100_000, 95_000, 75_000), date(2023, 1, 1))
    assert award.category is None and award.determined is False
    assert award.possible == ("penerima",)
    assert award.label.en == (
        "cannot be determined; possibly Penerima UHC Award (some figures are not known)"
    )
    jamkesda = award.minimum[2]
    assert isinstance(jamkesda, ind.Check) and jamkesda.met is None
    assert jamkesda.text.en.endswith("cannot be assessed; PBPU-BP Pemda count unknown")


# --- UHC Award 2024 ----------------------------------------------------------------------------


def test_award_2024_at_95_75_meets_the_minimum_but_its_categories_were_never_published():
    award = ind.uhc_award(ind.Counts(100_000, 95_000, 75_000), date(2024, 8, 8), arrears=0)
    assert award.award_year == 2024 and award.minimum_met is True
    assert award.category is None and award.possible == ("utama", "madya")
    assert all(not c.published and c.met is None for c in award.categories)
    assert award.code == "UHC-AWARD-2024-TIDAK"


def test_award_2024_one_person_below_95_percent_is_not_eligible_whatever_the_categories():
    award = ind.uhc_award(ind.Counts(100_000, 94_999, 90_000), date(2024, 8, 8), arrears=0)
    assert award.minimum_met is False and award.determined is True
    assert award.label.en == "not eligible" and award.label.id == "tidak memenuhi syarat"


def test_figures_of_2025_count_for_the_2026_award_although_2024_criteria_are_in_force():
    # no 2025 award: the 2024 version is in force until 31 Dec 2025 (uhc_award.toml)
    assert in_force("uhc_award", "award", date(2025, 6, 30)).values["award_year"] == 2024
    award = ind.uhc_award(ind.Counts(100_000, 98_000, 80_000, pemda=0), date(2025, 6, 30))
    assert award.award_year == 2026


@pytest.mark.parametrize(
    ("on", "year"),
    [
        (date(2023, 3, 14), 2023),  # the 2023 ceremony day itself
        (date(2023, 3, 15), 2024),
        (date(2024, 8, 8), 2024),
        (date(2024, 8, 9), 2026),
        (date(2026, 1, 28), 2026),  # no later award known: the criteria in force
    ],
)
def test_figures_dated_on_an_award_day_count_for_that_award_and_the_next_day_for_the_next(on, year):
    assert ind.award_year_for(on) == year


# --- UHC Award 2026 -----------------------------------------------------------------------------

# (registered, active, pemda) per 100.000 residents, arrears 0 → category by the default reading
AWARD_2026_EDGES = [
    ((99_000, 95_000, 18_000), "utama"),  # every Utama threshold met with equality
    ((98_999, 95_000, 18_000), "madya"),  # coverage one short of 99 %
    ((99_000, 94_999, 18_000), "madya"),  # activity one short of 95 %
    ((99_000, 95_000, 17_999), "madya"),  # Pemda share one short of 18 %
    ((100_000, 100_000, 0), "utama"),  # 100 % active waives the Pemda share
    ((100_000, 99_999, 0), "madya"),
    ((98_000, 85_000, 0), "madya"),  # first Madya reading: 98 % with 85 %
    ((98_000, 84_999, 0), "pratama"),
    ((98_000, 80_000, 25_000), "madya"),  # second Madya reading: Pemda 25 % with 80 %
    ((98_000, 80_000, 24_999), "pratama"),
    ((98_000, 80_000, 0), "pratama"),  # Pratama exactly at 98/80
    ((97_999, 90_000, 30_000), None),  # below 98 %: not UHC prioritas, so no category
    ((99_000, 79_999, 30_000), None),
]


@pytest.mark.parametrize(("counts", "expected"), AWARD_2026_EDGES)
def test_award_2026_category_at_each_threshold(counts, expected):
    award = award_2026(*counts)
    assert award.category == expected and award.determined is True
    assert award.code == f"UHC-AWARD-2026-{(expected or 'tidak').upper()}"


def test_the_madya_keaktifan_98_reading_needs_98_percent_active_and_drops_the_pemda_route():
    variant = "madya_keaktifan_98"
    at_98 = award_2026(98_000, 98_000, 0, variant=variant)
    assert at_98.category == "madya" and at_98.variant == variant
    assert award_2026(98_000, 97_999, 0, variant=variant).category == "pratama"
    # Madya under the default reading (Pemda 25 % with 80 %), not under this one
    assert award_2026(98_000, 80_000, 25_000, variant=variant).category == "pratama"
    madya = category(at_98, "madya")
    assert madya.variant == variant
    assert madya.unstated == ("pemda_registered_pct: 'proporsi tertentu' (threshold not stated)",)


def test_the_two_madya_readings_disagree_on_a_region_at_90_percent_active():
    default = award_2026(98_500, 90_000, 5_000)
    typo = award_2026(98_500, 90_000, 5_000, variant="madya_keaktifan_98")
    assert (default.category, typo.category) == ("madya", "pratama")
    assert default.rule == typo.rule  # same rule version, another reading of one category


def test_an_unknown_award_reading_is_refused_naming_the_known_ones():
    with pytest.raises(SemestaError) as caught:
        ind.uhc_award(ind.Counts(100, 99, 90), AWARD_2026, arrears=0, variant="madya_85")
    assert "unknown variant 'madya_85'" in caught.value.message.en
    assert "known: madya_keaktifan_98" in caught.value.message.en
    with pytest.raises(SemestaError, match=r"known: -"):
        award_2026(99_000, 90_000, 0, award_year=2024, variant="madya_keaktifan_98")


def test_award_2026_with_unknown_arrears_is_open_and_names_the_arrears_as_missing():
    # 98,5 % / 82 %: Pratama's ratios met, Madya's not (82 < 85, Pemda 20 % < 25 %)
    result = ind.classify(ind.Counts(100_000, 98_500, 82_000, pemda=20_000), AWARD_2026)
    award = result.award
    assert result.status.prioritas is None
    assert award.category is None and award.determined is False
    assert award.possible == ("pratama",) and award.minimum_met is None
    assert award.label.en == "cannot be determined; possibly Pratama (some figures are not known)"
    assert award.label.id == (
        "belum dapat ditentukan; mungkin Pratama (ada data yang belum diketahui)"
    )
    paid = award.minimum[1]
    assert isinstance(paid, ind.Check) and paid.metric == "pemda_iuran_paid_in_full"
    assert paid.text.en.endswith("the Pemda's arrears are not known (give --arrears)")
    assert award.code == "UHC-AWARD-2026-TIDAK"


def test_award_2026_with_an_unknown_pemda_count_reaches_madya_and_leaves_utama_open():
    award = award_2026(99_500, 96_000, None)
    assert (award.category, award.possible, award.determined) == ("madya", ("utama",), False)
    assert award.label.en == "Madya; possibly Utama (some figures are not known)"
    utama = category(award, "utama")
    assert utama.met is None
    either = utama.checks[2]
    assert isinstance(either, ind.Either) and either.met is None
    assert "Registered by the Pemda (PBPU-BP Pemda) not known" in either.text.en


def test_the_award_action_names_the_persons_the_next_category_needs():
    # Pratama at 98.000 / 84.999 / Pemda 0 of 100.000: Madya by the first reading needs
    # 85.000 − 84.999 = 1 more active; by the second 25.000 Pemda registrants: the cheaper wins.
    award = award_2026(98_000, 84_999, 0)
    assert award.category == "pratama"
    assert award.action.en == "For Madya: add 1 active participants."
    # Madya at 98.000 / 85.000 / Pemda 0: Utama needs 99.000 − 98.000 = 1.000 registered,
    # 95.000 − 85.000 = 10.000 active, and either 18.000 Pemda registrants or 100 % active
    # (15.000 more): the route with fewer persons is 15.000 active, which covers the 10.000
    madya = award_2026(98_000, 85_000, 0)
    assert madya.action.en == (
        "For Utama: register 1.000 more residents; add 15.000 active participants."
    )


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    population=st.integers(min_value=1, max_value=2_000_000),
)
def test_a_region_reaching_a_2026_category_meets_every_category_below_it(data, population):
    registered = data.draw(st.integers(min_value=0, max_value=population))
    active = data.draw(st.integers(min_value=0, max_value=registered))
    pemda = data.draw(st.integers(min_value=0, max_value=registered))
    award = ind.classify(
        ind.Counts(population, registered, active, pemda=pemda), AWARD_2026, arrears=0
    ).award
    names = [c.name for c in award.categories]
    assert names == ["utama", "madya", "pratama"]
    if award.category is not None:
        below = award.categories[names.index(award.category) :]
        assert all(c.met is True for c in below)
        assert all(c.met is False for c in award.categories[: names.index(award.category)])


# --- gaps to each target, in persons ---------------------------------------------------------

# Kotawaringin Timur: 454.515 residents, 420.000 registered, 350.000 active (70.000 inactive).
KOTIM_GAP = ind.Counts(KOTIM, 420_000, 350_000)


def test_every_gap_of_a_kabupaten_in_persons_worked_out_by_hand():
    found = {
        g.target.name: (g.required, g.missing, g.reactivate, g.register)
        for g in ind.gaps(KOTIM_GAP, date(2025, 6, 30))
    }
    assert found == {
        # ⌈0,95 × 454.515⌉ = ⌈431.789,25⌉ = 431.790; − 420.000 registered
        "coverage_95": (431_790, 11_790, 0, 11_790),
        # ⌈445.424,7⌉ = 445.425
        "coverage_98": (445_425, 25_425, 0, 25_425),
        # ⌈449.969,85⌉ = 449.970
        "coverage_99": (449_970, 29_970, 0, 29_970),
        # ⌈340.886,25⌉ = 340.887 ≤ 350.000 active: reached
        "active_75": (340_887, 0, 0, 0),
        # 363.612 − 350.000 = 13.612, all of them among the 70.000 inactive
        "active_80": (363_612, 13_612, 13_612, 0),
        # ⌈379.520,025⌉ = 379.521
        "active_83.5": (379_521, 29_521, 29_521, 0),
        # ⌈386.337,75⌉ = 386.338
        "active_85": (386_338, 36_338, 36_338, 0),
        # 431.790 − 350.000 = 81.790: 70.000 inactive to reactivate, 11.790 to register
        "active_95": (431_790, 81_790, 70_000, 11_790),
    }


def test_a_region_above_every_target_has_no_gap():
    gaps = ind.gaps(ind.Counts(1_000, 1_000, 950), date(2025, 6, 30))
    assert all(g.reached and g.missing == 0 for g in gaps)


def test_coverage_above_100_percent_still_counts_against_the_same_population():
    # Murung Raya 118,09 % (reference §2.2): 1.181 registered of 1.000 residents
    gaps = {g.target.name: g for g in ind.gaps(ind.Counts(1_000, 1_181, 700), date(2025, 6, 30))}
    assert gaps["coverage_99"].missing == 0
    assert gaps["active_80"].missing == 100 and gaps["active_80"].reactivate == 100


@settings(max_examples=60, deadline=None)
@given(population=st.integers(min_value=1, max_value=5_000_000), data=st.data())
def test_a_gap_is_the_fewest_persons_and_splits_into_reactivation_and_registration(
    population, data
):
    registered = data.draw(st.integers(min_value=0, max_value=population))
    active = data.draw(st.integers(min_value=0, max_value=registered))
    for gap in ind.gaps(ind.Counts(population, registered, active), date(2025, 6, 30)):
        level = Fraction(gap.target.level)
        assert Fraction(100 * gap.required, population) >= level
        assert Fraction(100 * (gap.required - 1), population) < level or gap.required == 0
        assert gap.missing == max(0, gap.required - gap.have)
        assert gap.reactivate + gap.register == gap.missing
        assert gap.reactivate <= registered - active


# --- levers ranked per Rupiah, and the cost of closing each gap -------------------------------

# Every non-active resident of KOTIM_GAP in exactly one lever (indikator.toml [[levers]]):
# those who would add coverage sum to 454.515 − 420.000 = 34.515, the rest to 70.000 inactive.
KOTIM_LEVERS = {
    "employer_unregistered": 2_000,
    "pemda_poor": 12_515,
    "uncovered_other": 20_000,
    "employer_inactive": 5_000,
    "pbi_reactivation": 10_000,
    "arrears_self": 20_000,
    "arrears_poor": 8_000,
    "inactive_other": 27_000,
}
ON = date(2025, 6, 30)


def test_all_eight_levers_rank_free_first_then_those_adding_coverage_then_data_order():
    ranked = ind.rank_levers(KOTIM_LEVERS, 42_000, ON)
    assert [(o.lever.name, o.rupiah_per_person) for o in ranked] == [
        ("employer_unregistered", 0),  # free and adds coverage
        ("employer_inactive", 0),  # free, in data order
        ("pbi_reactivation", 0),
        ("arrears_self", 0),
        ("pemda_poor", 42_000),  # Pemda rate, adds coverage
        ("uncovered_other", 42_000),
        ("arrears_poor", 42_000),  # Pemda rate, reactivation only
        ("inactive_other", 42_000),
    ]
    assert sum(o.persons for o in ranked) == KOTIM - 350_000


def test_persons_made_active_per_million_rupiah_depend_on_the_pemda_rate():
    at_42000 = ind.rank_levers({"pemda_poor": 1}, 42_000, ON)[0]
    at_37800 = ind.rank_levers({"pemda_poor": 1}, 37_800, ON)[0]
    # 1.000.000 ÷ 42.000 = 23,809…; 1.000.000 ÷ 37.800 = 26,455… (Bengkulu Utara's rate)
    assert at_42000.active_per_million_rupiah == Fraction(500, 21)
    assert at_37800.active_per_million_rupiah == Fraction(5_000, 189)
    assert ind.decimal_text(at_37800.active_per_million_rupiah, 2) == "26.46"
    free = ind.rank_levers({"arrears_self": 1}, 42_000, ON)[0]
    assert free.active_per_million_rupiah is None and free.monthly_rupiah == 0


def test_levers_with_nobody_in_them_are_left_out():
    ranked = ind.rank_levers({"pemda_poor": 0, "arrears_self": 3, "unknown": 9}, 42_000, ON)
    assert [o.lever.name for o in ranked] == ["arrears_self"]


@pytest.mark.parametrize("rate", [0, -42_000, 42_000.0, True])
def test_the_pemda_rate_must_be_a_positive_integer_rupiah_amount(rate):
    with pytest.raises(TypeError, match="positive integer Rupiah"):
        ind.rank_levers({"pemda_poor": 1}, rate, ON)


@pytest.mark.parametrize(
    ("target", "steps", "monthly"),
    [
        # 25.425 to register: 2.000 via employers (free), all 12.515 poor, 10.910 others;
        # (12.515 + 10.910) × Rp 42.000 = 23.425 × 42.000 = Rp 983.850.000 a month
        (
            "coverage_98",
            [("employer_unregistered", 2_000), ("pemda_poor", 12_515), ("uncovered_other", 10_910)],
            983_850_000,
        ),
        # 13.612 to activate: 2.000 + 5.000 + 6.612 from free levers, Rp 0
        (
            "active_80",
            [
                ("employer_unregistered", 2_000),
                ("employer_inactive", 5_000),
                ("pbi_reactivation", 6_612),
            ],
            0,
        ),
        # 81.790 to activate: the free 37.000, then 12.515 + 20.000 + 8.000 + 4.275 = 44.790
        # at Rp 42.000 = Rp 1.881.180.000 a month
        (
            "active_95",
            [
                ("employer_unregistered", 2_000),
                ("employer_inactive", 5_000),
                ("pbi_reactivation", 10_000),
                ("arrears_self", 20_000),
                ("pemda_poor", 12_515),
                ("uncovered_other", 20_000),
                ("arrears_poor", 8_000),
                ("inactive_other", 4_275),
            ],
            1_881_180_000,
        ),
    ],
)
def test_closing_each_gap_takes_the_cheapest_persons_first(target, steps, monthly):
    gap = next(g for g in ind.gaps(KOTIM_GAP, ON) if g.target.name == target)
    closure = ind.close_gap(gap, ind.rank_levers(KOTIM_LEVERS, 42_000, ON))
    assert [(s.option.lever.name, s.persons) for s in closure.steps] == steps
    assert (closure.closed, closure.remaining) == (gap.missing, 0)
    assert closure.monthly_rupiah == monthly and closure.yearly_rupiah == 12 * monthly


def test_a_reached_target_costs_nothing_and_takes_nobody():
    gap = next(g for g in ind.gaps(KOTIM_GAP, ON) if g.target.name == "active_75")
    closure = ind.close_gap(gap, ind.rank_levers(KOTIM_LEVERS, 42_000, ON))
    assert closure.steps == () and closure.monthly_rupiah == 0 and closure.remaining == 0


@settings(max_examples=40, deadline=None)
@given(
    persons=st.dictionaries(
        st.sampled_from(sorted(KOTIM_LEVERS)), st.integers(min_value=0, max_value=50_000)
    ),
    missing=st.integers(min_value=0, max_value=200_000),
    coverage=st.booleans(),
    rate=st.integers(min_value=1, max_value=200_000),
)
def test_a_closure_accounts_for_every_missing_person_and_every_rupiah(
    persons, missing, coverage, rate
):
    target = ind.gap_targets(ON)[1 if coverage else 4]  # coverage_98 or active_80
    gap = ind.Gap(target, 0, missing, missing, reactivate=0, register=missing)
    closure = ind.close_gap(gap, ind.rank_levers(persons, rate, ON))
    assert closure.closed + closure.remaining == missing
    assert sum(s.persons for s in closure.steps) == closure.closed
    paid = [s.persons * s.option.rupiah_per_person for s in closure.steps]
    assert closure.monthly_rupiah == sum(paid)
    assert all(s.monthly_rupiah % rate == 0 for s in closure.steps)
    if coverage:
        assert all(s.option.lever.gains_coverage for s in closure.steps)


# --- the rule files agree with each other ---------------------------------------------------


def _thresholds(criteria) -> set[tuple[str, Decimal]]:
    found = set()
    for criterion in criteria:
        if isinstance(criterion, Condition) and criterion.minimum is not None:
            found.add((criterion.metric, criterion.minimum))
        elif isinstance(criterion, AnyOf):
            for alternative in criterion.alternatives:
                found |= _thresholds(alternative)
    return found


def test_every_status_threshold_and_default_award_threshold_is_a_gap_target():
    targets = {(t.metric, t.level) for t in ind.gap_targets(ON)}
    wanted: set[tuple[str, Decimal]] = set()
    for version in packaged_rules("uhc").versions("prioritas"):
        wanted |= _thresholds(version.criteria())
    for year in (2023, 2024, 2026):
        rules = award_rules(date(year, 1, 1))
        wanted |= _thresholds(rules.minimum)
        for entry in rules.categories:
            wanted |= _thresholds(entry.criteria or ())
    wanted = {(m, v) for m, v in wanted if m in ("coverage_pct", "active_pct")}
    # 100 % active is the Utama waiver, not a level anyone plans a gap to
    assert wanted - targets == {("active_pct", Decimal("100"))}


def test_the_2026_award_criteria_carry_their_source_and_data_cut_off():
    version = award_rules(AWARD_2026).version
    assert version.values["data_up_to"] == date(2025, 9, 30)
    assert version.values["held_on"] == AWARD_2026
    for entry in award_rules(AWARD_2026).categories:
        assert entry.source.strip()
