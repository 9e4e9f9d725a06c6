"""What the Pemda pays: the APBD plan by start month (seed 001 Tabel 1), the monthly bill, the
projection, the province/kabupaten split and the planning calendar, all in integer Rupiah."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from semesta.core import budget as bg
from semesta.core.rules import pemda_rate
from semesta.core.text import SemestaError

# Seed 001 Tabel 1 (BPJS Kesehatan Cabang Bengkulu, 31 May 2023): start month, participants,
# need in the APBD-Perubahan 2023, total with the existing allocation.
TABEL_1 = [
    (6, 28_795, 7_619_157_000, 11_319_157_000),
    (7, 28_795, 6_530_706_000, 10_230_706_000),
    (8, 28_795, 5_442_255_000, 9_142_255_000),
    (9, 28_795, 4_353_804_000, 8_053_804_000),
    (10, 28_795, 3_265_353_000, 6_965_353_000),
    (11, 28_795, 2_176_902_000, 5_876_902_000),
    (12, 28_795, 1_088_451_000, 4_788_451_000),
]


def _rows(plan: bg.ApbdPlan) -> list[tuple[int, int, int, int]]:
    return [(o.start_month, plan.participants, o.cost, o.total) for o in plan.options]


# --- seed 001 Tabel 1 -------------------------------------------------------------------------


def test_bengkulu_utara_needs_1_088_451_000_a_month_for_28_795_participants():
    plan = bg.apbd_plan(2023, 28_795, 37_800, 3_700_000_000, first_month=6)
    assert plan.monthly == 1_088_451_000


def test_the_plan_from_june_reproduces_tabel_1_of_seed_001_row_by_row():
    plan = bg.apbd_plan(2023, 28_795, 37_800, 3_700_000_000, first_month=6)
    assert _rows(plan) == TABEL_1


def test_the_rate_from_the_rules_for_bengkulu_utara_gives_the_same_table():
    plan = bg.apbd_plan(
        2023, 28_795, lambda on: pemda_rate("17.03", on), 3_700_000_000, first_month=6
    )
    assert _rows(plan) == TABEL_1


def test_a_plan_from_january_holds_every_start_month_and_tabel_1_as_its_last_seven():
    plan = bg.apbd_plan(2023, 28_795, 37_800, 3_700_000_000)
    assert [o.start_month for o in plan.options] == list(range(1, 13))
    assert _rows(plan)[5:] == TABEL_1
    assert plan.option(1).cost == 12 * 1_088_451_000


def test_november_is_what_bengkulu_utara_could_afford_in_2023():
    # Seed 001: UHC from 1 November 2023 with Rp 2.176.902.000; Rp 5.876.902.000 in all.
    option = bg.apbd_plan(2023, 28_795, 37_800, 3_700_000_000).option(11)
    assert (option.month_count, option.cost, option.total) == (2, 2_176_902_000, 5_876_902_000)


def test_a_rate_change_within_the_year_is_priced_month_by_month():
    plan = bg.apbd_plan(2026, 1_000, lambda on: 42_000 if on.month < 7 else 45_000)
    assert [m.rate for m in plan.option(5).months] == [42_000, 42_000, *[45_000] * 6]
    assert plan.option(5).cost == 1_000 * (2 * 42_000 + 6 * 45_000)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"participants": -1}, "participants"),
        ({"rate": 37_800.0}, "rate"),
        ({"existing": -5}, "existing"),
        ({"year": 2013}, "2013"),
        ({"first_month": 13}, "13"),
    ],
)
def test_impossible_plan_inputs_are_refused_with_a_bilingual_message(kwargs, word):
    args = {"year": 2023, "participants": 10, "rate": 37_800, "existing": 0, "first_month": 1}
    args.update(kwargs)
    with pytest.raises(SemestaError) as error:
        bg.apbd_plan(**args)
    assert word in error.value.message.en


@given(
    year=st.integers(2014, 2100),
    participants=st.integers(0, 5_000_000),
    rates=st.lists(st.integers(0, 200_000), min_size=12, max_size=12),
    existing=st.integers(0, 10**13),
    first=st.integers(1, 12),
)
def test_every_plan_option_is_the_sum_of_its_months_in_whole_rupiah(
    year, participants, rates, existing, first
):
    plan = bg.apbd_plan(year, participants, lambda on: rates[on.month - 1], existing, first)
    assert len(plan.options) == 13 - first
    for option in plan.options:
        assert option.cost == sum(m.amount for m in option.months)
        assert option.total == option.cost + existing
        assert [m.month for m in option.months] == list(range(option.start_month, 13))
        assert all(
            type(m.amount) is int and m.amount == participants * m.rate for m in option.months
        )
        assert type(option.cost) is int and type(option.total) is int


# --- the monthly bill ---------------------------------------------------------------------------


def test_the_bill_is_pemda_participants_times_the_rate_plus_the_pemda_bantuan_share():
    bill = bg.monthly_bill(date(2023, 6, 15), 28_795, 10_000, region="17.03")
    assert [(line.code, line.count, line.rate, line.amount) for line in bill.lines] == [
        ("PBPU_BP_PEMDA", 28_795, 37_800, 1_088_451_000),
        ("BANTUAN_IURAN_KELAS_III", 10_000, 2_800, 28_000_000),
    ]
    assert bill.total == 1_116_451_000
    assert bill.month == date(2023, 6, 1)


def test_a_region_without_its_own_rate_is_billed_at_the_pasal_29_rate():
    bill = bg.monthly_bill(date(2025, 6, 1), 100, 0, region="62.02")
    assert bill.lines[0].rate == 42_000 and "Perpres 75/2019" in bill.lines[0].source


def test_in_2020_the_bantuan_iuran_was_all_central_so_the_pemda_pays_no_share():
    bill = bg.monthly_bill(date(2020, 9, 1), 0, 5_000, rate=42_000)
    assert bill.lines[1].rate == 0 and bill.lines[1].amount == 0


# --- projection and split -----------------------------------------------------------------------


def test_the_projection_compounds_growth_and_applies_rate_changes_from_their_year():
    years = bg.project(2026, 3, 100_000, 42_000, "1.5", {2027: 45_000})
    assert [(y.year, y.participants, y.rate, y.cost) for y in years] == [
        (2026, 100_000, 42_000, 50_400_000_000),
        (2027, 101_500, 45_000, 54_810_000_000),
        (2028, 103_023, 45_000, 55_632_420_000),  # 102.522,5 rounds half up
    ]


def test_a_projection_refuses_a_float_growth_rate():
    with pytest.raises(TypeError):
        bg.project(2026, 2, 100, 42_000, 1.5)  # type: ignore[arg-type]


@given(
    participants=st.integers(0, 2_000_000),
    rate=st.integers(0, 200_000),
    growth=st.decimals(min_value=Decimal("-5"), max_value=Decimal("10"), places=2),
    years=st.integers(1, 10),
)
def test_every_projected_year_costs_participants_times_rate_times_twelve(
    participants, rate, growth, years
):
    projected = bg.project(2026, years, participants, rate, growth)
    assert [p.year for p in projected] == list(range(2026, 2026 + years))
    assert projected[0].participants == participants
    for p in projected:
        assert type(p.cost) is int and p.cost == p.participants * p.rate * 12


def test_a_split_gives_each_share_its_rupiah_and_the_remainder_to_the_largest_fraction():
    assert bg.split_cost(1_088_451_001, {"provinsi": "50", "kabupaten": "50"}) == {
        "provinsi": 544_225_501,
        "kabupaten": 544_225_500,
    }
    assert bg.split_cost(
        100, {"a": Fraction(100, 3), "b": Fraction(100, 3), "c": Fraction(100, 3)}
    ) == {
        "a": 34,
        "b": 33,
        "c": 33,
    }


def test_shares_that_do_not_add_up_to_100_percent_are_refused():
    with pytest.raises(SemestaError) as error:
        bg.split_cost(1_000, {"provinsi": "40", "kabupaten": "50"})
    assert "100" in error.value.message.id


@given(
    total=st.integers(-(10**13), 10**13),
    weights=st.lists(st.integers(0, 1000), min_size=1, max_size=6).filter(lambda w: sum(w) > 0),
)
def test_split_parts_always_add_up_to_the_whole_and_stay_within_a_rupiah(total, weights):
    shares = {f"p{i}": Fraction(100 * w, sum(weights)) for i, w in enumerate(weights)}
    parts = bg.split_cost(total, shares)
    assert sum(parts.values()) == total
    for name, part in parts.items():
        assert type(part) is int
        assert abs(part - Fraction(total) * shares[name] / 100) < 1


# --- targets ----------------------------------------------------------------------------------


def test_in_2025_the_pemda_budgets_for_98_and_99_percent_coverage():
    targets = [t.coverage_pct for t in bg.coverage_targets(date(2025, 6, 30))]
    assert Decimal("98") in targets and Decimal("99") in targets


def test_in_2023_bengkulu_utara_was_measured_against_95_percent():
    assert bg.coverage_targets(date(2023, 5, 31))[0].coverage_pct == Decimal("95")


def test_the_coverage_gap_rounds_the_target_up_to_whole_people():
    # 98 % of 454.515 (Kotawaringin Timur, reference §6.4) = 445.424,7 → 445.425 residents.
    assert bg.coverage_gap(454_515, 445_000, Decimal("98")) == 425
    assert bg.coverage_gap(454_515, 451_026, Decimal("98")) == 0


# --- calendar ---------------------------------------------------------------------------------


def _due(year: int) -> dict[str, date]:
    return {d.code: d.due for d in bg.planning_calendar(year)}


def test_the_rkpd_is_fixed_by_the_fourth_week_of_may_of_the_year_before():
    assert _due(2024)["RKPD"] == date(2023, 5, 28)


def test_the_kua_ppas_apbd_and_apbd_perubahan_deadlines_follow_the_calendar_file():
    due = _due(2024)
    assert due["KUA-PPAS-DPRD"] == date(2023, 7, 14)
    assert due["KUA-PPAS-SEPAKAT"] == date(2023, 8, 7)
    assert due["APBD-SETUJU"] == date(2023, 11, 30)
    assert due["APBD-P-SETUJU"] == date(2024, 9, 30)


def test_every_deadline_names_its_source_and_what_to_do():
    for deadline in bg.planning_calendar(2026):
        assert deadline.source and deadline.action.id and deadline.action.en


def test_on_31_may_2023_the_2024_rkpd_had_just_passed_and_the_apbd_p_was_still_open():
    statuses = {
        (s.deadline.code, s.deadline.budget_year): s
        for s in bg.calendar_status(
            bg.planning_calendar(2023) + bg.planning_calendar(2024), date(2023, 5, 31)
        )
    }
    assert statuses["RKPD", 2024].status == "lewat" and statuses["RKPD", 2024].days_left == -3
    assert statuses["APBD-P-SETUJU", 2023].status == "akan_datang"
    assert statuses["APBD-P-SETUJU", 2023].days_left == 122


def test_a_deadline_within_30_days_is_flagged_as_soon():
    (rkpd,) = [
        s
        for s in bg.calendar_status(bg.planning_calendar(2027), date(2026, 5, 1))
        if s.deadline.code == "RKPD"
    ]
    assert (rkpd.status, rkpd.days_left) == ("segera", 27)


def test_the_first_fundable_year_moves_on_once_the_rkpd_deadline_passes():
    assert bg.earliest_fundable_year(date(2026, 5, 28)) == 2027
    assert bg.earliest_fundable_year(date(2026, 5, 29)) == 2028
