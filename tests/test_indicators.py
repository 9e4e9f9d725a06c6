"""UHC indicators, status, award category and gaps, checked on the published figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from semesta.core import indicators as ind
from semesta.core.money import format_percent
from semesta.core.rules import METRICS, award_rules, pemda_rate
from semesta.core.text import SemestaError

AWARD_DAY = date(2026, 1, 27)  # UHC Awards 2026, JIEXPO Kemayoran (reference §2.4)


def per_100k(coverage: str, active: str, pemda: str | None = None) -> ind.Counts:
    """A region of 100.000 residents with the published percentages (two decimals) exactly."""

    def count(pct: str) -> int:
        return int(Decimal(pct) * 1000)

    return ind.Counts(
        population=100_000,
        registered=count(coverage),
        active=count(active),
        pemda=count(pemda) if pemda is not None else None,
    )


def shown(value: Fraction | None) -> str:
    assert value is not None
    return format_percent(value)


# --- the indicators and their definitions ----------------------------------------------------


def test_sumut_activity_is_active_over_population_80_27_percent():
    sumut = ind.Counts(population=15_640_905, registered=15_672_374, active=12_555_579)
    values = ind.measure(sumut, date(2025, 9, 1))
    assert shown(values["active_pct"]) == "80,27 %"
    assert shown(values["coverage_pct"]) == "100,20 %"
    assert shown(values["active_of_registered_pct"]) == "80,11 %"  # the other ratio, own name


def test_kotim_coverage_is_451026_over_454515_exactly_99_23_percent():
    kotim = ind.Counts(population=454_515, registered=451_026, active=0)
    coverage = ind.measure(kotim, date(2025, 6, 1))["coverage_pct"]
    assert coverage == Fraction(100 * 451_026, 454_515)
    assert shown(coverage) == "99,23 %"


def test_percentages_are_exact_fractions_of_the_counts():
    values = ind.measure(ind.Counts(3, 3, 1, pemda=1, pbi_apbn=2), date(2025, 6, 1))
    assert values["active_pct"] == Fraction(100, 3)
    assert values["pbi_apbn_pct"] == Fraction(200, 3)
    assert values["active_of_registered_pct"] == Fraction(100, 3)


def test_an_unknown_count_gives_an_unknown_indicator_not_zero():
    values = ind.measure(ind.Counts(100, 90, 80), date(2025, 6, 1))
    assert values["pemda_registered_pct"] is None and values["pbi_apbn_pct"] is None


def test_every_indicator_is_defined_with_a_source_and_the_deciding_ones_are_the_rule_metrics():
    definitions = ind.indicator_definitions(date(2025, 6, 1))
    assert [d.name for d in definitions] == [
        "coverage_pct",
        "active_pct",
        "active_of_registered_pct",
        "pemda_registered_pct",
        "pbi_apbn_pct",
    ]
    assert all(d.source.strip() and d.label.id and d.label.en for d in definitions)
    deciding = {d.name for d in definitions if d.decides}
    assert deciding == {name for name, m in METRICS.items() if m.kind == "percent"}
    activity = next(d for d in definitions if d.name == "active_pct")
    assert (activity.numerator, activity.denominator) == ("active", "population")


@pytest.mark.parametrize(
    ("counts", "problem"),
    [
        (dict(population=10, registered=5, active=6), "exceed registered"),
        (dict(population=-1, registered=0, active=0), "population"),
        (dict(population=10, registered=5, active=5, pemda=6), "pemda"),
        (dict(population=10, registered=5.0, active=5), "registered"),
    ],
)
def test_impossible_counts_are_refused_with_a_bilingual_message(counts, problem):
    with pytest.raises(SemestaError) as caught:
        ind.Counts(**counts)
    assert problem in caught.value.message.en and caught.value.message.id


def test_a_zero_population_cannot_be_classified():
    with pytest.raises(SemestaError, match="population must be greater than 0"):
        ind.classify(ind.Counts(0, 0, 0), date(2025, 6, 1))


# --- UHC prioritas status by the rule in force -----------------------------------------------


def test_pamekasan_98_60_coverage_79_14_active_and_arrears_is_non_prioritas_for_two_reasons():
    pamekasan = per_100k("98.60", "79.14")
    status = ind.uhc_status(pamekasan, date(2025, 6, 30), arrears=43_000_000_000)
    assert status.prioritas is False and status.code == "UHC-NON-PRIORITAS"
    outcomes = {c.metric: c.met for c in status.checks}
    assert outcomes == {
        "coverage_pct": True,
        "active_pct": False,
        "pemda_iuran_paid_in_full": False,
    }
    assert "79,14 %" in status.checks[1].text.id and "≥ 80 %" in status.checks[1].text.id
    assert "Rp 43.000.000.000" in status.checks[2].text.en
    assert "add 860 active participants" in status.action.en  # 80.000 − 79.140
    assert status.activation_delay_months == 1  # cut-off: Pemda registrants wait a month


def test_bangka_tengah_2023_with_74_92_percent_active_was_not_eligible():
    bangka_tengah = per_100k("96.55", "74.92")
    status = ind.uhc_status(bangka_tengah, date(2023, 6, 30), arrears=0)
    assert status.prioritas is False
    assert {c.metric: c.met for c in status.checks} == {"coverage_pct": True, "active_pct": False}
    assert status.rule.code == "uhc:prioritas@2022-01-01"


def test_the_thresholds_were_95_75_in_2023_and_98_80_from_2025():
    region = per_100k("96.00", "78.00")
    assert ind.uhc_status(region, date(2023, 11, 1), arrears=0).prioritas is True
    assert ind.uhc_status(region, date(2024, 12, 31), arrears=0).prioritas is True
    later = ind.uhc_status(region, date(2025, 1, 1), arrears=0)
    assert later.prioritas is False
    levels = {c.metric: c.minimum for c in later.checks if c.minimum is not None}
    assert levels == {"coverage_pct": Decimal("98"), "active_pct": Decimal("80")}


def test_unknown_arrears_leave_the_status_open_only_when_the_ratios_pass():
    passing = ind.uhc_status(per_100k("99.00", "85.00"), date(2025, 6, 30))
    assert passing.prioritas is None and passing.code == "UHC-BELUM-PASTI"
    assert "give --arrears" in passing.checks[-1].text.en
    failing = ind.uhc_status(per_100k("99.00", "79.00"), date(2025, 6, 30))
    assert failing.prioritas is False


def test_a_prioritas_region_is_told_its_margin_above_the_activity_threshold():
    status = ind.uhc_status(per_100k("99.00", "85.00"), date(2025, 6, 30), arrears=0)
    assert status.prioritas is True and status.activation_delay_months == 0
    assert "5.000 active participants above the 80 % threshold" in status.action.en


def test_a_value_just_below_a_threshold_is_never_shown_as_the_threshold():
    status = ind.uhc_status(ind.Counts(100_000, 99_000, 79_999), date(2025, 6, 30), arrears=0)
    activity = status.checks[1]
    assert activity.met is False
    assert "79,999 %" in activity.text.id and "80,00 %" not in activity.text.id


# --- UHC Award category by the award year --------------------------------------------------


def test_kalteng_100_18_and_85_24_is_madya_in_2026():
    kalteng = per_100k("100.18", "85.24", pemda="10.00")
    award = ind.classify(kalteng, AWARD_DAY, arrears=0).award
    assert (award.award_year, award.category, award.determined) == (2026, "madya", True)
    assert award.code == "UHC-AWARD-2026-MADYA"
    assert [c.met for c in award.categories] == [False, True, True]


def test_under_the_keaktifan_98_reading_kalteng_would_only_be_pratama():
    kalteng = per_100k("100.18", "85.24", pemda="10.00")
    award = ind.classify(kalteng, AWARD_DAY, arrears=0, variant="madya_keaktifan_98").award
    assert award.category == "pratama" and award.variant == "madya_keaktifan_98"
    madya = award.categories[1]
    assert madya.unstated and madya.met is False


def test_kota_blitar_2024_meets_the_minimum_but_its_utama_cannot_be_recomputed():
    blitar = per_100k("101.80", "97.42")
    award = ind.classify(blitar, date(2024, 1, 1), arrears=0).award
    assert award.award_year == 2024 and award.minimum_met is True
    assert award.category is None and award.determined is False
    assert award.possible == ("utama", "madya")
    assert "thresholds not published" in award.label.en


def test_kota_blitar_figures_reach_utama_by_the_2026_criteria_with_18_percent_pemda():
    with_pemda = ind.classify(per_100k("101.80", "97.42", "18.00"), AWARD_DAY, arrears=0)
    assert with_pemda.award.category == "utama"
    without = ind.classify(per_100k("101.80", "97.42", "17.99"), AWARD_DAY, arrears=0)
    assert without.award.category == "madya"
    assert "For Utama: add 10 residents registered by the Pemda" in without.award.action.en


def test_sumut_is_pratama_and_madya_only_if_the_pemda_share_reaches_25_percent():
    sumut = ind.Counts(population=15_640_905, registered=15_672_374, active=12_555_579)
    award = ind.classify(sumut, date(2025, 9, 1), arrears=0).award
    assert award.award_year == 2026  # data up to September 2025 count for the January 2026 award
    assert award.category == "pratama" and award.possible == ("madya",)
    assert award.determined is False


def test_kepulauan_sula_reported_madya_with_92_50_percent_does_not_qualify():
    sula = per_100k("92.50", "84.04", pemda="30.00")
    result = ind.classify(sula, AWARD_DAY, arrears=0)
    assert result.status.prioritas is False
    assert result.award.category is None and result.award.determined is True
    assert result.award.label.en == "not eligible"


def test_arrears_rule_out_every_2026_category():
    award = ind.classify(per_100k("99.50", "96.00", "20.00"), AWARD_DAY, arrears=1).award
    assert award.category is None and award.minimum_met is False


def test_the_2023_award_needed_jamkesda_integration_as_pemda_registrations():
    integrated = ind.classify(per_100k("96.00", "76.00", "5.00"), date(2023, 1, 1)).award
    assert integrated.category == "penerima"
    none = ind.classify(per_100k("96.00", "76.00", "0.00"), date(2023, 1, 1)).award
    assert none.category is None and none.minimum_met is False


@pytest.mark.parametrize(
    ("on", "year"),
    [
        (date(2023, 1, 10), 2023),
        (date(2023, 6, 30), 2024),
        (date(2025, 6, 30), 2026),
        (date(2025, 12, 31), 2026),
        (AWARD_DAY, 2026),
        (date(2026, 6, 30), 2026),
    ],
)
def test_figures_count_for_the_next_award_held_after_their_date(on, year):
    assert ind.award_year_for(on) == year


def test_an_explicit_award_year_overrides_the_next_award():
    award = ind.classify(per_100k("96.00", "76.00", "5.00"), date(2025, 6, 30), award_year=2023)
    assert award.award.award_year == 2023


# --- gaps ---------------------------------------------------------------------------------


def test_the_gap_targets_are_the_levels_the_sources_name():
    levels = [(t.metric, t.level) for t in ind.gap_targets(date(2025, 6, 30))]
    assert levels == [
        ("coverage_pct", Decimal("95")),
        ("coverage_pct", Decimal("98")),
        ("coverage_pct", Decimal("99")),
        ("active_pct", Decimal("75")),
        ("active_pct", Decimal("80")),
        ("active_pct", Decimal("83.5")),
        ("active_pct", Decimal("85")),
        ("active_pct", Decimal("95")),
    ]
    assert all(t.source and t.why.id and t.why.en for t in ind.gap_targets(date(2025, 6, 30)))


def test_kotim_needs_445425_participants_for_98_percent_and_already_passes_99():
    gaps = {g.target.name: g for g in ind.gaps(ind.Counts(454_515, 451_026, 0), date(2025, 6, 1))}
    assert gaps["coverage_98"].required == 445_425  # ⌈0,98 × 454.515⌉ = ⌈445.424,7⌉
    assert gaps["coverage_99"].required == 449_970 and gaps["coverage_99"].reached


def test_an_activity_gap_is_reactivation_first_then_new_registrations():
    region = ind.Counts(population=1_000, registered=900, active=700)
    gaps = {g.target.name: g for g in ind.gaps(region, date(2025, 6, 30))}
    eighty = gaps["active_80"]
    assert (eighty.missing, eighty.reactivate, eighty.register) == (100, 100, 0)
    ninety_five = gaps["active_95"]
    assert (ninety_five.missing, ninety_five.reactivate, ninety_five.register) == (250, 200, 50)
    assert gaps["coverage_95"].register == 50 and gaps["coverage_95"].reactivate == 0


@given(
    level=st.decimals(min_value=0, max_value=120, places=2),
    population=st.integers(min_value=1, max_value=300_000_000),
)
def test_persons_for_a_level_is_the_least_count_that_reaches_it(level, population):
    needed = ind.persons_for(level, population)
    assert Fraction(100 * needed, population) >= level
    assert needed == 0 or Fraction(100 * (needed - 1), population) < level


@given(st.fractions(min_value=-1000, max_value=1000), st.integers(0, 6))
def test_decimal_text_rounds_half_up_like_decimal_quantize(value, digits):
    from decimal import ROUND_HALF_UP, localcontext

    with localcontext() as context:
        context.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        expected = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    assert Decimal(ind.decimal_text(value, digits)) == expected


# --- levers: who closes a gap, ranked per Rupiah ------------------------------------------------


def test_levers_are_ranked_free_first_then_coverage_gainers_then_data_order():
    available = {"arrears_poor": 5, "pemda_poor": 5, "employer_inactive": 5, "arrears_self": 5}
    ranked = ind.rank_levers(available, 42_000, date(2025, 6, 30))
    assert [o.lever.name for o in ranked] == [
        "employer_inactive",
        "arrears_self",
        "pemda_poor",
        "arrears_poor",
    ]
    assert [o.rupiah_per_person for o in ranked] == [0, 0, 42_000, 42_000]
    assert ranked[2].active_per_million_rupiah == Fraction(1_000_000, 42_000)


def test_a_coverage_gap_is_closed_only_by_levers_that_register_someone():
    region = ind.Counts(population=100, registered=90, active=80)
    gap = next(g for g in ind.gaps(region, date(2025, 6, 30)) if g.target.name == "coverage_98")
    ranked = ind.rank_levers(
        {"employer_inactive": 50, "pemda_poor": 3, "uncovered_other": 10}, 42_000, date(2025, 6, 30)
    )
    closure = ind.close_gap(gap, ranked)
    assert [(s.option.lever.name, s.persons) for s in closure.steps] == [
        ("pemda_poor", 3),
        ("uncovered_other", 5),
    ]
    assert (closure.closed, closure.remaining, closure.monthly_rupiah) == (8, 0, 336_000)
    assert closure.yearly_rupiah == 12 * 336_000


def test_bengkulu_utara_registering_28795_poor_costs_the_seed_001_monthly_bill():
    rate = pemda_rate("17.03", date(2023, 11, 1))  # Rp 37.800, seed 001 Tabel 1
    region = ind.Counts(population=1_000_000, registered=951_205, active=900_000)
    gap = next(g for g in ind.gaps(region, date(2023, 11, 1)) if g.target.name == "coverage_98")
    assert gap.missing == 28_795
    closure = ind.close_gap(gap, ind.rank_levers({"pemda_poor": 40_000}, rate, date(2023, 11, 1)))
    assert closure.monthly_rupiah == 1_088_451_000


def test_an_unreachable_gap_reports_what_remains():
    region = ind.Counts(population=100, registered=50, active=50)
    gap = next(g for g in ind.gaps(region, date(2025, 6, 30)) if g.target.name == "coverage_95")
    closure = ind.close_gap(gap, ind.rank_levers({"pemda_poor": 10}, 42_000, date(2025, 6, 30)))
    assert gap.missing == 45
    assert (closure.closed, closure.remaining) == (10, 35)


def test_every_lever_has_an_action_a_cost_basis_and_a_source():
    for lever in ind.levers(date(2025, 6, 30)):
        assert lever.apbd_cost in ("none", "pemda_rate")
        assert lever.action.id and lever.action.en and lever.source
    assert "PREMI" in ind.arrears_status_words(date(2025, 6, 30))


# --- JSON --------------------------------------------------------------------------------


def test_the_json_view_carries_rule_codes_evidence_and_actions():
    result = ind.classify(per_100k("98.60", "79.14"), date(2025, 6, 30), arrears=43_000_000_000)
    document = ind.classification_dict(result)
    assert document["indicators"]["active_pct"] == "79.1400"
    assert document["status"]["code"] == "UHC-NON-PRIORITAS"
    assert document["status"]["rule"]["code"] == "uhc:prioritas@2025-01-01"
    assert document["status"]["reasons"][1] == {
        "metric": "active_pct",
        "value": "79.1400",
        "min": "80",
        "max": None,
        "is": None,
        "met": False,
        "text": result.status.checks[1].text.as_dict(),
    }
    assert document["award"]["rule"]["source"] == award_rules(AWARD_DAY).version.source
    assert document["gaps"][4]["target"] == "active_80" and document["gaps"][4]["missing"] == 860
