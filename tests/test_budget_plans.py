"""What the Pemda pays, figure by figure: the monthly bill at the rates Pemdas actually pay, the
cost of every start month (and the APBD-Perubahan route of seed 001), the 98 % / 99 % coverage
gaps and their cost, the province/kabupaten split (hypothesis), the planning calendar on either
side of each deadline, and ``semesta budget plan | bill | calendar`` through the real entry
point: one JSON document in whole Rupiah, or a bilingual refusal with exit code 2.

tests/test_budget.py reproduces seed 001 Tabel 1 and the basic rules; this file adds the
boundaries and the hand-checked figures around them.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_semesta as run
from semesta.core import budget as bg
from semesta.core.text import SemestaError
from semesta.reports.budget import plan_document

# The Pemda share of the Rp 7.000 kelas III bantuan iuran from 2021: Perpres 64/2020 Pasal 34 and
# the PMK split pusat 4.200 / Pemda 2.800, reference §1.4 (premiums.toml bantuan_iuran_parts).
BANTUAN_PEMDA = 2_800
MONEY_KEYS = {"amount", "cost", "existing", "monthly", "rate", "total", "yearly"}


def _floats(value: Any) -> list[Any]:
    """Every float anywhere in a JSON-ready value (money must be integer Rupiah)."""
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _floats(v)]
    if isinstance(value, list | tuple):
        return [f for v in value for f in _floats(v)]
    return []


def _money(value: Any) -> list[Any]:
    """The values of every money key anywhere in a document."""
    if isinstance(value, dict):
        own = [v for k, v in value.items() if k in MONEY_KEYS and not isinstance(v, dict | list)]
        return own + [m for v in value.values() for m in _money(v)]
    if isinstance(value, list):
        return [m for v in value for m in _money(v)]
    return []


# --- the monthly bill --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "pemda_line", "total"),
    [
        # 37.800 = 35.000 + 2.800 (derived, reference §1.4; Bengkulu Utara, seed 001 Tabel 1)
        (37_800, 37_800_000, 38_500_000),
        # 42.000: Perpres 75/2019 Pasal 29 and Perpres 64/2020 Pasal 29(1), reference §1.3
        (42_000, 42_000_000, 42_700_000),
        # 35.000: the participant's share only (Kota Balikpapan, 2021), reference §1.4
        (35_000, 35_000_000, 35_700_000),
    ],
)
def test_the_bill_is_pemda_participants_at_the_rate_plus_2800_per_kelas_iii_member(
    rate, pemda_line, total
):
    # 1.000 Pemda-paid participants × rate, plus 250 active PBPU/BP kelas III residents × 2.800
    # = Rp 700.000.
    bill = bg.monthly_bill(date(2025, 6, 1), 1_000, 250, rate=rate)
    assert [(line.code, line.count, line.rate, line.amount) for line in bill.lines] == [
        ("PBPU_BP_PEMDA", 1_000, rate, pemda_line),
        ("BANTUAN_IURAN_KELAS_III", 250, BANTUAN_PEMDA, 700_000),
    ]
    assert bill.total == total
    assert all(type(v) is int for line in bill.lines for v in (line.count, line.rate, line.amount))
    assert type(bill.total) is int


@pytest.mark.parametrize(
    ("rate", "total"),
    [
        (37_800, 1_169_077_000),  # 28.795 × 40.600
        (42_000, 1_290_016_000),  # 28.795 × 44.800
        (35_000, 1_088_451_000),  # 28.795 × 37.800: the Tabel 1 month of seed 001
    ],
)
def test_for_the_same_members_the_bill_is_members_times_the_rate_plus_the_pemda_share(rate, total):
    # 28.795 members (seed 001, Bengkulu Utara) counted on both lines.
    assert bg.monthly_bill(date(2023, 6, 1), 28_795, 28_795, rate=rate).total == total


def test_the_pemda_share_of_bantuan_iuran_starts_in_january_2021():
    # Jul–Dec 2020 the centre paid all Rp 16.500 of the bantuan; from 2021 the Pemda pays 2.800
    # of the Rp 7.000 (Perpres 64/2020 Pasal 34, reference §1.4).
    december, january = (
        bg.monthly_bill(day, 0, 100, rate=42_000).lines[1]
        for day in (date(2020, 12, 1), date(2021, 1, 1))
    )
    assert (december.rate, december.amount) == (0, 0)
    assert (january.rate, january.amount) == (2_800, 280_000)
    assert "Perpres 64/2020 Pasal 34" in january.source
    assert bg.pemda_bantuan_share(date(2021, 1, 1))[0] == 2_800


@pytest.mark.parametrize(
    ("region", "month", "rate", "source"),
    [
        ("62.02", date(2019, 7, 1), 23_000, "Perpres 82/2018"),  # reference §1.3
        ("62.02", date(2019, 8, 1), 42_000, "Perpres 75/2019 Pasal 29"),  # from 1 Aug 2019
        ("17.03", date(2022, 12, 1), 42_000, "Perpres 75/2019 Pasal 29"),  # no own rate yet
        ("17.03", date(2023, 1, 1), 37_800, "Seed 001 Tabel 1"),  # Bengkulu Utara from 2023
    ],
    ids=["before Aug 2019", "from Aug 2019", "Bengkulu Utara 2022", "Bengkulu Utara 2023"],
)
def test_the_rate_of_a_region_is_the_one_in_force_in_the_bill_month(region, month, rate, source):
    line = bg.monthly_bill(month, 10, 0, region=region).lines[0]
    assert (line.rate, line.amount) == (rate, 10 * rate)
    assert line.source.startswith("pemda_rates.toml: ") and source in line.source


@pytest.mark.parametrize(
    ("args", "kwargs", "said"),
    [
        ((-1, 0), {"rate": 42_000}, "not -1"),
        ((10, -5), {"rate": 42_000}, "not -5"),
        ((True, 0), {"rate": 42_000}, "not True"),
        ((10, 0), {"rate": 42_000.0}, "not 42000.0"),
    ],
    ids=["negative participants", "negative kelas III", "bool", "float rate"],
)
def test_a_bill_with_counts_or_a_rate_that_are_not_whole_numbers_is_refused(args, kwargs, said):
    with pytest.raises(SemestaError) as error:
        bg.monthly_bill(date(2025, 6, 1), *args, **kwargs)
    assert "must be a non-negative whole number" in error.value.message.en
    assert said in error.value.message.en and "harus bilangan bulat" in error.value.message.id


# --- the APBD plan for every start month -------------------------------------------------------

# 1.000 participants × Rp 42.000 = Rp 42.000.000 a month; from month m to December costs
# (13 − m) months; Rp 100.000.000 is already in the APBD.
START_MONTHS = [
    (1, "Januari", "January", 12, 504_000_000),
    (2, "Februari", "February", 11, 462_000_000),
    (3, "Maret", "March", 10, 420_000_000),
    (4, "April", "April", 9, 378_000_000),
    (5, "Mei", "May", 8, 336_000_000),
    (6, "Juni", "June", 7, 294_000_000),
    (7, "Juli", "July", 6, 252_000_000),
    (8, "Agustus", "August", 5, 210_000_000),
    (9, "September", "September", 4, 168_000_000),
    (10, "Oktober", "October", 3, 126_000_000),
    (11, "November", "November", 2, 84_000_000),
    (12, "Desember", "December", 1, 42_000_000),
]


@pytest.mark.parametrize(
    ("month", "name_id", "name_en", "months", "cost"),
    START_MONTHS,
    ids=[m[2] for m in START_MONTHS],
)
def test_each_start_month_costs_the_months_left_to_december(month, name_id, name_en, months, cost):
    option = bg.apbd_plan(2026, 1_000, 42_000, 100_000_000).option(month)
    assert (option.month_count, option.cost, option.total) == (months, cost, cost + 100_000_000)
    assert (bg.MONTHS_ID[month - 1], bg.MONTHS_EN[month - 1]) == (name_id, name_en)
    assert all(type(v) is int for v in (option.cost, option.total, option.existing))


def test_a_plan_from_december_has_one_option_of_one_month():
    plan = bg.apbd_plan(2026, 1_000, 42_000, first_month=12)
    assert [(o.start_month, o.month_count, o.cost) for o in plan.options] == [(12, 1, 42_000_000)]
    assert plan.monthly == 42_000_000


def test_without_participants_every_option_costs_nothing_but_keeps_the_existing_allocation():
    plan = bg.apbd_plan(2026, 0, 42_000, 3_700_000_000)
    assert {(o.cost, o.total) for o in plan.options} == {(0, 3_700_000_000)}


def test_through_the_apbd_perubahan_bengkulu_utara_could_start_in_october_at_the_earliest():
    # Seed 001: the need was not in the 2023 APBD; the APBD-Perubahan had to be agreed by 30
    # September 2023 (apbd_calendar.toml), so the first month it can pay for is October, with
    # the Rp 3.700.000.000 already in the APBD. Figures: seed 001 Tabel 1.
    (apbd_p,) = [d for d in bg.planning_calendar(2023) if d.code == "APBD-P-SETUJU"]
    assert apbd_p.due == date(2023, 9, 30)
    plan = bg.apbd_plan(2023, 28_795, 37_800, 3_700_000_000, first_month=apbd_p.due.month + 1)
    assert [(o.start_month, o.month_count, o.cost, o.total) for o in plan.options] == [
        (10, 3, 3_265_353_000, 6_965_353_000),
        (11, 2, 2_176_902_000, 5_876_902_000),  # UHC from 1 November 2023, as happened
        (12, 1, 1_088_451_000, 4_788_451_000),
    ]


def test_a_rate_rule_that_gives_a_fraction_of_a_rupiah_for_one_month_is_refused():
    with pytest.raises(SemestaError) as error:
        bg.apbd_plan(2026, 10, lambda on: 42_000 if on.month < 7 else 42_000.5)
    assert "not 42000.5" in error.value.message.en


# --- coverage targets, the gap and its cost ----------------------------------------------------


END_2025 = date(2025, 6, 30)


def test_in_2025_the_pemda_budgets_for_98_98_6_and_99_percent_each_with_its_source():
    # 98 %: UHC prioritas (reference §2.3); 98,6 % and 99 %: RPJMN 2025–2029 (reference §2.1).
    targets = [(t.coverage_pct, t.source.split(":")[0]) for t in bg.coverage_targets(END_2025)]
    assert targets == [
        (Decimal("98"), "uhc.toml [[prioritas]]"),
        (Decimal("98.6"), "uhc.toml [[targets]]"),
        (Decimal("99"), "uhc.toml [[targets]]"),
    ]


def test_in_2024_the_targets_were_95_for_prioritas_and_98_from_the_rpjmn_2020_2024():
    # Reference §2.3 (older criterion ≥ 95 %) and §2.1 (RPJMN 2020–2024: 98 %).
    targets = [t.coverage_pct for t in bg.coverage_targets(date(2024, 12, 31))]
    assert targets == [Decimal("95"), Decimal("98")]


# Kabupaten Kotawaringin Timur: 454.515 residents (DKB Sem II 2024, reference §2.2).
KOTIM = {
    "period": "2025-06",
    "population": 454_515,
    "registered": 445_000,
    "active": 360_000,
    "rate": 42_000,
    "monthly_saving": 0,
}


def _targets(figures: dict[str, Any]) -> list[tuple[str, int, int, int]]:
    plan = bg.apbd_plan(2025, 1, 42_000, first_month=7)
    document = plan_document(
        plan, rate_note="", figures=figures, targets=bg.coverage_targets(END_2025)
    )
    return [
        (t["coverage_pct"], t["participants_needed"], t["monthly"], t["yearly"])
        for t in document["workspace"]["targets"]
    ]


def test_the_gap_to_98_and_99_percent_is_priced_per_month_and_year_in_whole_rupiah():
    # 98 % of 454.515 = 445.424,7 → 445.425 residents: 425 more × Rp 42.000 = Rp 17.850.000.
    # 98,6 % = 448.151,79 → 448.152: 3.152 more = Rp 132.384.000.
    # 99 % = 449.969,85 → 449.970: 4.970 more = Rp 208.740.000.
    assert _targets(KOTIM) == [
        ("98", 425, 17_850_000, 214_200_000),
        ("98.6", 3_152, 132_384_000, 1_588_608_000),
        ("99", 4_970, 208_740_000, 2_504_880_000),
    ]


def test_a_kabupaten_already_at_99_23_percent_needs_nothing_more():
    # Kotawaringin Timur: 451.026 registered ÷ 454.515 = 99,23 % (reference §2.2).
    assert _targets({**KOTIM, "registered": 451_026}) == [
        ("98", 0, 0, 0),
        ("98.6", 0, 0, 0),
        ("99", 0, 0, 0),
    ]


@pytest.mark.parametrize(
    ("population", "registered", "pct", "gap"),
    [
        (1_000, 980, "98", 0),  # exactly 98 %
        (1_000, 979, "98", 1),
        (1_000, 980, "99", 10),
        (3, 0, "99", 3),  # 2,97 people round up to 3
        (1_000, 1_020, "99", 0),  # coverage above 100 % happens (reference §2.2)
    ],
)
def test_the_coverage_gap_is_the_fewest_whole_people_that_reach_the_target(
    population, registered, pct, gap
):
    assert bg.coverage_gap(population, registered, Decimal(pct)) == gap


@settings(max_examples=60, deadline=None)
@given(
    population=st.integers(1, 5_000_000),
    share=st.fractions(0, Fraction(6, 5)),
    pct=st.sampled_from(["95", "98", "98.6", "99", "99.5", "100"]),
)
def test_the_coverage_gap_is_never_one_person_too_many_or_too_few(population, share, pct):
    registered = int(population * share)
    gap = bg.coverage_gap(population, registered, Decimal(pct))
    target = Fraction(Decimal(pct)) * population / 100
    assert type(gap) is int and gap >= 0
    assert registered + gap >= target
    if gap:
        assert registered + gap - 1 < target


# --- the province/kabupaten split --------------------------------------------------------------


def test_a_33_33_percent_province_share_of_rp_100_leaves_the_rupiah_to_the_larger_remainder():
    # Exact parts 33,33 and 66,67: the floors 33 + 66 leave Rp 1 for the larger remainder (0,67).
    assert bg.split_cost(100, {"provinsi": "33.33", "kabupaten": "66.67"}) == {
        "provinsi": 33,
        "kabupaten": 67,
    }


@settings(max_examples=80, deadline=None)
@given(
    total=st.integers(-(10**13), 10**13),
    provinsi=st.decimals(min_value=0, max_value=100, places=2),
)
def test_a_province_kabupaten_split_adds_up_exactly_and_is_symmetric_for_refunds(total, provinsi):
    shares = {"provinsi": str(provinsi), "kabupaten": str(100 - provinsi)}
    parts = bg.split_cost(total, shares)
    assert sum(parts.values()) == total
    for name, part in parts.items():
        exact = Fraction(total) * Fraction(Decimal(shares[name])) / 100
        assert type(part) is int and abs(part - exact) < 1
    assert bg.split_cost(-total, shares) == {k: -v for k, v in parts.items()}


@settings(max_examples=80, deadline=None)
@given(
    total=st.integers(0, 10**12),
    weights=st.lists(st.integers(0, 500), min_size=2, max_size=6).filter(lambda w: sum(w) > 0),
)
def test_the_leftover_rupiah_go_to_the_largest_remainders_then_to_the_first_listed(total, weights):
    names = [f"kab{i}" for i in range(len(weights))]
    shares = {n: Fraction(100 * w, sum(weights)) for n, w in zip(names, weights, strict=True)}
    parts = bg.split_cost(total, shares)
    remainder = {n: total * shares[n] / 100 - total * shares[n] // 100 for n in names}
    up = [n for n in names if parts[n] > total * shares[n] // 100]
    down = [n for n in names if n not in up]
    for i in up:
        for j in down:
            assert remainder[i] > remainder[j] or (
                remainder[i] == remainder[j] and names.index(i) < names.index(j)
            )


@pytest.mark.parametrize(
    ("total", "shares", "error", "said"),
    [
        (1_000, {"provinsi": "150", "kabupaten": "-50"}, SemestaError, "share 'provinsi' = 150"),
        (1_000, {"provinsi": "-10", "kabupaten": "110"}, SemestaError, "share 'provinsi' = -10"),
        (1_000, {"provinsi": 40.0, "kabupaten": 60}, TypeError, "not float"),
        (1_000.0, {"provinsi": "40", "kabupaten": "60"}, TypeError, "must be int, not float"),
    ],
    ids=["above 100", "negative", "float share", "float total"],
)
def test_a_split_with_an_impossible_or_inexact_share_is_refused(total, shares, error, said):
    with pytest.raises(error) as raised:
        bg.split_cost(total, shares)
    message = raised.value.message.en if isinstance(raised.value, SemestaError) else raised.value
    assert said in str(message)


# --- the planning calendar ---------------------------------------------------------------------

# Budget year 2026 (apbd_calendar.toml): "minggu ke-4 bulan Mei" = 28 May, week N = day 7 × N.
DEADLINES_2026 = [
    ("RKPD", date(2025, 5, 28)),
    ("KUA-PPAS-DPRD", date(2025, 7, 14)),
    ("KUA-PPAS-SEPAKAT", date(2025, 8, 7)),
    ("RAPERDA-APBD", date(2025, 9, 7)),
    ("APBD-SETUJU", date(2025, 11, 30)),
    ("APBD-P-SETUJU", date(2026, 9, 30)),
]


def test_the_deadlines_of_a_budget_year_come_in_date_order():
    assert [(d.code, d.due) for d in bg.planning_calendar(2026)] == DEADLINES_2026


@pytest.mark.parametrize(("code", "due"), DEADLINES_2026, ids=[d[0] for d in DEADLINES_2026])
def test_each_deadline_is_upcoming_then_soon_for_30_days_then_passed(code, due):
    seen = []
    for offset in (-31, -30, 0, 1):
        (status,) = [
            s
            for s in bg.calendar_status(bg.planning_calendar(2026), due + timedelta(days=offset))
            if s.deadline.code == code
        ]
        seen.append((status.days_left, status.status))
    assert seen == [(31, "akan_datang"), (30, "segera"), (0, "segera"), (-1, "lewat")]


def test_each_status_reads_in_both_languages():
    (deadline, *_) = bg.planning_calendar(2026)
    labels = {
        s: bg.DeadlineStatus(deadline, 0, s).status_label.as_dict()
        for s in ("lewat", "segera", "akan_datang")
    }
    assert labels == {
        "lewat": {"id": "sudah lewat", "en": "passed"},
        "segera": {"id": "segera (≤ 30 hari)", "en": "soon (≤ 30 days)"},
        "akan_datang": {"id": "akan datang", "en": "upcoming"},
    }


def test_a_budget_year_planned_before_the_2019_calendar_is_refused_in_both_languages():
    # Budget year 2019 was planned in 2018; the calendar starts with PP 12/2019.
    with pytest.raises(SemestaError) as error:
        bg.planning_calendar(2019)
    assert "tidak ada aturan yang berlaku pada 2018-01-01" in error.value.message.id
    assert "no rule in force on 2018-01-01" in error.value.message.en
    assert bg.planning_calendar(2020)[0].due == date(2019, 5, 28)


CALENDAR = """
[meta]
name = "apbd_calendar"
description = "kalender uji / test calendar"
unit = "tenggat / deadlines"

[[calendar]]
effective_from = 2019-01-01
source = "test"
steps = [
  { code = "MINGGU-5", year = -1, month = 2, week = 5, label_id = "a", label_en = "a", action_id = "a", action_en = "a", source = "s" },
  { code = "AKHIR-FEB", year = 0, month = 2, last_day = true, label_id = "b", label_en = "b", action_id = "b", action_en = "b", source = "s" },
  { code = "TANGGAL", year = 0, month = 3, day = 15, label_id = "c", label_en = "c", action_id = "c", action_en = "c", source = "s" },
]
"""  # noqa: E501


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # Week 5 = day 35, capped at the month's last day: 29 February in the leap year 2024.
        (2025, [date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 15)]),
        (2029, [date(2028, 2, 29), date(2029, 2, 28), date(2029, 3, 15)]),
        (2026, [date(2025, 2, 28), date(2026, 2, 28), date(2026, 3, 15)]),
    ],
)
def test_weeks_last_days_and_days_of_a_calendar_file_fall_on_real_dates(tmp_path, year, expected):
    path = tmp_path / "apbd_calendar.toml"
    path.write_text(CALENDAR, encoding="utf-8")
    deadlines = bg.planning_calendar(year, path)
    assert [d.code for d in deadlines] == ["MINGGU-5", "AKHIR-FEB", "TANGGAL"]
    assert [d.due for d in deadlines] == expected


# --- semesta budget plan | bill | calendar -----------------------------------------------------


PLAN_2026 = ["budget", "plan", "--year", "2026", "--participants", "1000", "--rate", "Rp 42.000"]


def test_the_plan_prints_one_json_document_with_every_amount_in_whole_rupiah():
    code, out, err = run(
        *PLAN_2026, "--existing", "Rp 100.000.000", "--years", "2", "--growth-pct", "1,5",
        "--provinsi-pct", "40", "--today", "2025-05-01", "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    document = json.loads(out)  # exactly one document: anything else would not parse
    assert [(o["start_month"], o["cost"], o["total"]) for o in document["options"]] == [
        (m, cost, cost + 100_000_000) for m, _, _, _, cost in START_MONTHS
    ]
    # 2027: 1.000 × 42.000 × 12; 2028: 1.015 (1,5 % growth) × 42.000 × 12.
    assert [(y["year"], y["participants"], y["cost"]) for y in document["projection"]["years"]] == [
        (2027, 1_000, 504_000_000),
        (2028, 1_015, 511_560_000),
    ]
    assert document["split"]["monthly"] == {"provinsi": 16_800_000, "kabupaten": 25_200_000}
    assert _floats(document) == []
    amounts = _money(document)
    assert len(amounts) > 100 and all(type(v) is int for v in amounts)


def test_a_plan_for_the_current_year_made_on_the_apbd_p_deadline_starts_in_october():
    # Seed 001: Bengkulu Utara (17.03, Rp 37.800 from pemda_rates.toml) had to go through the
    # APBD-Perubahan, agreed by 30 September 2023.
    code, out, _ = run(
        "budget", "plan", "--year", "2023", "--participants", "28795", "--region", "17.03",
        "--existing", "3700000000", "--today", "2023-09-30", "--json",
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert [(o["start_month_name"], o["cost"]) for o in document["options"]] == [
        ("Oktober", 3_265_353_000),
        ("November", 2_176_902_000),
        ("Desember", 1_088_451_000),
    ]
    calendar = {(d["code"], d["budget_year"]): d for d in document["calendar"]["deadlines"]}
    assert (
        calendar["APBD-P-SETUJU", 2023]["days_left"],
        calendar["APBD-P-SETUJU", 2023]["status"],
    ) == (0, "segera")
    assert calendar["RKPD", 2024]["status"] == "lewat"


def test_the_bill_prints_one_json_document_at_the_rate_given():
    code, out, _ = run(
        "budget", "bill", "--month", "2025-06", "--pemda-paid", "1000", "--kelas3", "250",
        "--rate", "35000", "--json",
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert [(line["code"], line["amount"]) for line in document["lines"]] == [
        ("PBPU_BP_PEMDA", 35_000_000),
        ("BANTUAN_IURAN_KELAS_III", 700_000),
    ]
    assert (document["total"], document["yearly"]) == (35_700_000, 428_400_000)
    assert _floats(document) == []


def test_the_bill_reads_in_english_when_asked():
    code, out, _ = run(
        "budget", "bill", "--month", "2025-06", "--pemda-paid", "3", "--kelas3", "2",
        "--rate", "37800", "--lang", "en",
    )  # fmt: skip
    assert code == 0
    assert out.splitlines() == [
        "Bill for 2025-06",
        "  Iuran of active PBPU-BP Pemda participants: 3 × Rp 37.800 = Rp 113.400",
        "  Pemda share of bantuan iuran, active PBPU/BP kelas III participants: "
        "2 × Rp 2.800 = Rp 5.600",
        "  Total: Rp 119.000",  # 113.400 + 5.600
    ]


def test_the_calendar_of_one_year_prints_its_deadlines_against_the_date_given():
    code, out, _ = run("budget", "calendar", "--year", "2026", "--today", "2025-09-07", "--json")
    assert code == 0
    document = json.loads(out)
    assert [(d["code"], d["days_left"], d["status"]) for d in document["deadlines"]] == [
        ("RKPD", -102, "lewat"),
        ("KUA-PPAS-DPRD", -55, "lewat"),
        ("KUA-PPAS-SEPAKAT", -31, "lewat"),
        ("RAPERDA-APBD", 0, "segera"),
        ("APBD-SETUJU", 84, "akan_datang"),
        ("APBD-P-SETUJU", 388, "akan_datang"),
    ]
    assert document["earliest_full_year"] == 2027  # the 2027 RKPD is due 28 May 2026


@pytest.mark.parametrize(
    ("args", "said_id", "said_en"),
    [
        (
            (*PLAN_2026[:-2], "--rate", "abc"),
            "'abc' bukan jumlah Rupiah",
            "'abc' is not a recognised Rupiah amount",
        ),
        ((*PLAN_2026[:-2], "--rate", "-42000"), "--rate tidak boleh negatif", "must not be"),
        ((*PLAN_2026, "--existing", "-1"), "--existing tidak boleh negatif", "must not be"),
        ((*PLAN_2026, "--rate", "42.000,50"), "memuat sen bukan nol", "has non-zero sen"),
        (
            ("budget", "plan", "--year", "2013", "--participants", "10", "--rate", "42000"),
            "tahun anggaran 2013 di luar jangkauan",
            "budget year 2013 is out of range",
        ),
        ((*PLAN_2026, "--from-month", "13"), "bulan 13 bukan 1–12", "month 13 is not 1–12"),
        (
            ("budget", "plan", "--year", "2026", "--participants", "-5", "--rate", "42000"),
            "jumlah peserta / participants harus bilangan bulat",
            "not -5",
        ),
        (
            ("budget", "plan", "--year", "2026", "--rate", "42000"),
            "Opsi --participants wajib diisi di sini.",
            "Option --participants is required here.",
        ),
        (
            ("budget", "plan", "--year", "2026", "--participants", "10"),
            "Isi --rate",
            "Give --rate",
        ),
        ((*PLAN_2026, "--growth-pct", "x"), "--growth-pct 'x' bukan angka", "is not a number"),
        ((*PLAN_2026, "--rate-change", "2027"), "tulis TAHUN=RUPIAH", "write YEAR=RUPIAH"),
        (
            (*PLAN_2026, "--provinsi-pct", "150"),
            "bagian 'provinsi' = 150 bukan persen 0–100",
            "share 'provinsi' = 150 is not a 0–100 percent",
        ),
        ((*PLAN_2026, "--today", "31-05-2023"), "tulis YYYY-MM-DD", "write YYYY-MM-DD"),
        (
            ("budget", "bill", "--month", "2025-13", "--pemda-paid", "1", "--kelas3", "0"),
            "Periode '2025-13' tidak valid",
            "Period '2025-13' is not valid",
        ),
        (
            ("budget", "bill", "--month", "2025-06", "--pemda-paid", "1"),
            "Isi --workspace dan --period, atau --pemda-paid dan --kelas3.",
            "Give --workspace and --period, or --pemda-paid and --kelas3.",
        ),
        (
            ("budget", "bill", "--month", "2025-06", "--pemda-paid", "-1", "--kelas3", "0"),
            "peserta PBPU-BP Pemda aktif harus bilangan bulat tidak negatif",
            "not -1",
        ),
        (
            ("budget", "calendar", "--year", "2013"),
            "tahun anggaran 2013 di luar jangkauan",
            "budget year 2013 is out of range",
        ),
        (
            ("budget", "calendar", "--today", "2025-02-30"),
            "Tanggal '2025-02-30' tidak valid",
            "Date '2025-02-30' is not valid",
        ),
    ],
    ids=[
        "rate not a number",
        "negative rate",
        "negative existing",
        "rate with sen",
        "year before JKN",
        "month 13",
        "negative participants",
        "no participants",
        "no rate",
        "growth not a number",
        "rate change without amount",
        "province above 100 %",
        "date written DD-MM-YYYY",
        "bill month 13",
        "bill without kelas III",
        "bill negative",
        "calendar before JKN",
        "calendar 30 February",
    ],
)
def test_bad_budget_inputs_are_refused_in_both_languages_with_exit_code_2(args, said_id, said_en):
    code, out, err = run(*args, "--json")
    assert code == 2 and out == ""
    galat, error = err.splitlines()[-2:]
    assert galat.startswith("GALAT: ") and said_id in galat
    assert error.startswith("ERROR: ") and said_en in error
    assert "Traceback" not in err


def test_a_count_that_is_not_a_number_is_a_usage_error_naming_the_option():
    code, out, err = run("budget", "plan", "--year", "2026", "--participants", "banyak")
    assert (code, out) == (2, "")
    assert "Invalid value for '--participants'" in err
