"""What the Pemda pays: the APBD plan by start month, the monthly bill, a multi-year projection,
the province/kabupaten split and the planning calendar. Pure and in integer Rupiah.

* :func:`apbd_plan` — for each possible start month of a year, the cost to the year's end and the
  total with the allocation already in the APBD. Seed 001 Tabel 1 (Bengkulu Utara, BPJS Cabang
  Bengkulu, 31 May 2023): 28.795 participants × Rp 37.800 = Rp 1.088.451.000 a month; from June
  Rp 7.619.157.000, with the existing Rp 3.700.000.000 Rp 11.319.157.000; from December
  Rp 1.088.451.000 and Rp 4.788.451.000.
* :func:`monthly_bill` — active Pemda-paid participants × the Pemda's rate in force
  (``pemda_rates.toml``), plus the Pemda share of the kelas III bantuan iuran × active PBPU/BP
  kelas III residents (``premiums.toml`` ``bantuan_iuran_parts.pemda``; Perpres 64/2020 Pasal 34,
  reference §1.4; bantuan only for active participants).
* :func:`project` — years ahead with population growth and rate changes as inputs.
* :func:`split_cost` — shares between province and kabupaten (seed 000: Bali's JKN-KBS shares
  the cost with each kabupaten/kota through a Bantuan Keuangan Khusus); parts always add up.
* :func:`planning_calendar` — RKPD, KUA-PPAS, APBD and APBD-Perubahan deadlines from
  ``apbd_calendar.toml`` (seed 001), and :func:`calendar_status` against a date.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from semesta.core import rules
from semesta.core.regions import canonical_code
from semesta.core.text import Bilingual, SemestaError

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

Rate = int | Callable[[date], int]

_MSG_COUNT = Bilingual(
    "{what} harus bilangan bulat tidak negatif, bukan {value!r}",
    "{what} must be a non-negative whole number, not {value!r}",
)
_MSG_YEAR = Bilingual(
    "tahun anggaran {year} di luar jangkauan (2014–2100; JKN mulai 2014)",
    "budget year {year} is out of range (2014–2100; JKN started in 2014)",
)
_MSG_MONTH = Bilingual("bulan {month} bukan 1–12", "month {month} is not 1–12")
_MSG_SHARES = Bilingual(
    "bagian pembiayaan harus berjumlah 100 %, bukan {total} % ({shares})",
    "cost shares must add up to 100 %, not {total} % ({shares})",
)
_MSG_SHARE = Bilingual(
    "bagian {name!r} = {value} bukan persen 0–100",
    "share {name!r} = {value} is not a 0–100 percent",
)
_MSG_GROWTH = Bilingual(
    "pertumbuhan {value} % tidak masuk akal (harus di atas -100 %)",
    "growth {value} % makes no sense (it must be above -100 %)",
)


def _count(what: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SemestaError(_MSG_COUNT.format(what=what, value=value))
    return value


def _year(year: object) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 2014 <= year <= 2100:
        raise SemestaError(_MSG_YEAR.format(year=year))
    return year


def _month(month: object) -> int:
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise SemestaError(_MSG_MONTH.format(month=month))
    return month


def _rate_on(rate: Rate, on: date) -> int:
    value = rate(on) if callable(rate) else rate
    return _count("tarif / rate", value)


# --- APBD plan by start month ---------------------------------------------------------------


@dataclass(frozen=True)
class MonthCost:
    """One month of iuran: ``participants`` × ``rate`` = ``amount``."""

    month: int
    participants: int
    rate: int
    amount: int


@dataclass(frozen=True)
class StartOption:
    """UHC from ``start_month`` to December: its months, their sum and the total with what the
    APBD already holds."""

    start_month: int
    months: tuple[MonthCost, ...]
    cost: int
    existing: int
    total: int

    @property
    def month_count(self) -> int:
        return len(self.months)


@dataclass(frozen=True)
class ApbdPlan:
    year: int
    participants: int
    existing: int
    options: tuple[StartOption, ...]

    @property
    def monthly(self) -> int:
        """The cost of one month at the first start month's rate."""
        return self.options[0].months[0].amount if self.options else 0

    def option(self, start_month: int) -> StartOption:
        return next(o for o in self.options if o.start_month == start_month)


def apbd_plan(
    year: int, participants: int, rate: Rate, existing: int = 0, first_month: int = 1
) -> ApbdPlan:
    """Cost of UHC for ``participants`` for each start month from ``first_month`` to December.

    ``rate`` is Rupiah per participant per month, or a function of the month's first day (e.g.
    ``lambda d: rules.pemda_rate("17.03", d)``) when the rate changes within the year.
    ``existing`` is the allocation already in the APBD (seed 001: Rp 3.700.000.000), added to
    every option's total.
    """
    year = _year(year)
    participants = _count("jumlah peserta / participants", participants)
    existing = _count("anggaran yang ada / existing allocation", existing)
    first_month = _month(first_month)
    per_month = {}
    for month in range(first_month, 13):
        month_rate = _rate_on(rate, date(year, month, 1))
        per_month[month] = MonthCost(month, participants, month_rate, participants * month_rate)
    options = []
    for start in range(first_month, 13):
        months = tuple(per_month[m] for m in range(start, 13))
        cost = sum(m.amount for m in months)
        options.append(StartOption(start, months, cost, existing, cost + existing))
    return ApbdPlan(year, participants, existing, tuple(options))


# --- the monthly bill -----------------------------------------------------------------------


@dataclass(frozen=True)
class BillLine:
    code: str
    label: Bilingual
    count: int
    rate: int
    amount: int
    source: str


@dataclass(frozen=True)
class MonthlyBill:
    month: date
    lines: tuple[BillLine, ...]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def pemda_bantuan_share(on: date) -> tuple[int, str]:
    """The Pemda's part of the kelas III bantuan iuran on ``on`` and its source (0 before 2021)."""
    version = rules.in_force("premiums", "pbpu", on)
    parts = version.values.get("bantuan_iuran_parts")
    share = int(parts.get("pemda", 0)) if isinstance(parts, Mapping) else 0
    return share, version.source


def monthly_bill(
    month: date,
    pemda_paid: int,
    kelas3_mandiri: int,
    *,
    region: str | None = None,
    rate: int | None = None,
) -> MonthlyBill:
    """The month's bill: Pemda-paid participants × the rate in force for ``region`` (or the
    ``rate`` given), plus the Pemda share of bantuan iuran × active PBPU/BP kelas III residents."""
    on = month.replace(day=1)
    pemda_paid = _count("peserta PBPU-BP Pemda aktif", pemda_paid)
    kelas3_mandiri = _count("peserta PBPU/BP kelas III aktif", kelas3_mandiri)
    if rate is None:
        rate = (
            rules.pemda_rate(region, on)
            if region
            else rules.in_force("pemda_rates", "default", on).rupiah("rate")
        )
        source = "pemda_rates.toml: " + _pemda_rate_source(region, on)
    else:
        rate = _count("tarif / rate", rate)
        source = "tarif yang diberikan / rate given"
    share, share_source = pemda_bantuan_share(on)
    lines = (
        BillLine(
            "PBPU_BP_PEMDA",
            Bilingual(
                "Iuran peserta PBPU-BP Pemda aktif", "Iuran of active PBPU-BP Pemda participants"
            ),
            pemda_paid,
            rate,
            pemda_paid * rate,
            source,
        ),
        BillLine(
            "BANTUAN_IURAN_KELAS_III",
            Bilingual(
                "Bantuan iuran bagian Pemda, peserta PBPU/BP kelas III aktif",
                "Pemda share of bantuan iuran, active PBPU/BP kelas III participants",
            ),
            kelas3_mandiri,
            share,
            kelas3_mandiri * share,
            "premiums.toml [[pbpu]] bantuan_iuran_parts.pemda: " + share_source,
        ),
    )
    return MonthlyBill(on, lines)


def _pemda_rate_source(region: str | None, on: date) -> str:
    table = rules.packaged_rules("pemda_rates")
    if region:
        code = canonical_code(region)
        key = "r" + code.replace(".", "_") if code else ""
        version = table.find(key, on) if key in table.series else None
        if version is not None:
            return version.source
    return table.in_force("default", on).source


# --- coverage targets -----------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageTarget:
    coverage_pct: Decimal
    source: str


def coverage_targets(on: date) -> tuple[CoverageTarget, ...]:
    """The coverage percentages a Pemda budgets for on ``on``: the UHC prioritas threshold in
    force (uhc.toml [[prioritas]]) and the national target(s) (uhc.toml [[targets]]), e.g. 98 %
    and 99 % in 2025 (reference §2.1, §2.3; seed 003)."""
    found: dict[Decimal, str] = {}
    prioritas = rules.packaged_rules("uhc").find("prioritas", on)
    if prioritas is not None:
        for criterion in prioritas.criteria():
            if (
                isinstance(criterion, rules.Condition)
                and criterion.metric == "coverage_pct"
                and criterion.minimum is not None
            ):
                source = "uhc.toml [[prioritas]]: " + prioritas.source
                found.setdefault(criterion.minimum, source)
    target = rules.packaged_rules("uhc").find("targets", on)
    if target is not None:
        for key in ("coverage_pct", "coverage_by_target_year_pct"):
            if key in target.values:
                found.setdefault(target.percent(key), "uhc.toml [[targets]]: " + target.source)
    return tuple(CoverageTarget(pct, src) for pct, src in sorted(found.items()))


def coverage_gap(population: int, registered: int, coverage_pct: Decimal) -> int:
    """Residents still to register for ``coverage_pct`` % of ``population`` (0 when reached)."""
    _count("penduduk / population", population)
    _count("terdaftar / registered", registered)
    needed = Fraction(coverage_pct) * population / 100
    whole = needed.numerator // needed.denominator + (needed.denominator != 1)
    return max(0, whole - registered)


# --- projection -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectionYear:
    year: int
    participants: int
    rate: int
    cost: int  # participants × rate × 12


def _round_half_up(value: Fraction) -> int:
    return int((value * 2 + 1) // 2) if value >= 0 else -int((-value * 2 + 1) // 2)


def _percent(value: Decimal | Fraction | int | str, what: str) -> Fraction:
    if isinstance(value, float | bool):
        raise TypeError(f"{what} must be exact (Decimal, Fraction, int or str), not float")
    return Fraction(Decimal(value)) if isinstance(value, str) else Fraction(value)


def project(
    start_year: int,
    years: int,
    participants: int,
    rate: int,
    growth_pct: Decimal | Fraction | int | str = 0,
    rate_changes: Mapping[int, int] | None = None,
) -> tuple[ProjectionYear, ...]:
    """Yearly cost for ``years`` years from ``start_year``.

    Participants grow by ``growth_pct`` % a year, compounded and rounded half up to whole
    people; ``rate_changes`` maps a year to the rate in force from that year on (e.g. a new
    Perpres on iuran). Each year costs participants × rate × 12.
    """
    start_year = _year(start_year)
    _count("jumlah tahun / years", years)
    participants = _count("jumlah peserta / participants", participants)
    rate = _count("tarif / rate", rate)
    growth = 1 + _percent(growth_pct, "growth_pct") / 100
    if growth <= 0:
        raise SemestaError(_MSG_GROWTH.format(value=growth_pct))
    changes = dict(sorted((rate_changes or {}).items()))
    for year, value in changes.items():
        _year(year)
        _count("tarif / rate", value)
    result = []
    current_rate = rate
    for offset in range(years):
        year = start_year + offset
        current_rate = changes.get(year, current_rate)
        people = _round_half_up(participants * growth**offset)
        result.append(ProjectionYear(year, people, current_rate, people * current_rate * 12))
    return tuple(result)


# --- province / kabupaten split -------------------------------------------------------------


def split_cost(total: int, shares: Mapping[str, Decimal | Fraction | int | str]) -> dict[str, int]:
    """Split ``total`` Rupiah by percentage ``shares`` (adding up to 100) into whole Rupiah.

    Largest-remainder rounding: every part is within Rp 1 of its exact share and the parts add
    up to ``total`` exactly; on equal remainders the share listed first gets the Rupiah.
    """
    if isinstance(total, bool) or not isinstance(total, int):
        raise TypeError(f"Rupiah amounts must be int, not {type(total).__name__}")
    exact = {}
    for name, value in shares.items():
        share = _percent(value, f"share {name}")
        if not 0 <= share <= 100:
            raise SemestaError(_MSG_SHARE.format(name=name, value=value))
        exact[name] = share
    if sum(exact.values()) != 100:
        listed = ", ".join(f"{k} {v}" for k, v in shares.items())
        raise SemestaError(_MSG_SHARES.format(total=float(sum(exact.values())), shares=listed))
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    floors = {name: int(magnitude * share // 100) for name, share in exact.items()}
    left = magnitude - sum(floors.values())
    order = sorted(
        exact, key=lambda n: (-(magnitude * exact[n] / 100 - floors[n]), list(exact).index(n))
    )
    for name in order[:left]:
        floors[name] += 1
    return {name: sign * value for name, value in floors.items()}


# --- planning calendar ----------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    code: str
    budget_year: int
    due: date
    label: Bilingual
    action: Bilingual
    source: str


@dataclass(frozen=True)
class DeadlineStatus:
    deadline: Deadline
    days_left: int  # negative once passed
    status: str  # "lewat" (passed), "segera" (within 30 days), "akan_datang" (later)

    @property
    def status_label(self) -> Bilingual:
        return {
            "lewat": Bilingual("sudah lewat", "passed"),
            "segera": Bilingual("segera (≤ 30 hari)", "soon (≤ 30 days)"),
            "akan_datang": Bilingual("akan datang", "upcoming"),
        }[self.status]


def _due(step: Mapping[str, object], budget_year: int) -> date:
    year = budget_year + int(str(step.get("year", 0)))
    month = int(str(step["month"]))
    last = _calendar.monthrange(year, month)[1]
    if step.get("last_day") is True:
        return date(year, month, last)
    if "week" in step:
        return date(year, month, min(7 * int(str(step["week"])), last))
    return date(year, month, int(str(step["day"])))


def planning_calendar(
    budget_year: int, rule_file: str | Path = "apbd_calendar"
) -> tuple[Deadline, ...]:
    """The deadlines for budget year ``budget_year`` (steps in the year before and in the year),
    from the calendar version in force on 1 January of the year before."""
    budget_year = _year(budget_year)
    version = rules.in_force(rule_file, "calendar", date(budget_year - 1, 1, 1))
    deadlines = [
        Deadline(
            code=str(step["code"]),
            budget_year=budget_year,
            due=_due(step, budget_year),
            label=Bilingual(str(step["label_id"]), str(step["label_en"])),
            action=Bilingual(str(step["action_id"]), str(step["action_en"])),
            source=str(step["source"]),
        )
        for step in version.tables("steps")
    ]
    return tuple(sorted(deadlines, key=lambda d: d.due))


def calendar_status(deadlines: tuple[Deadline, ...], today: date) -> tuple[DeadlineStatus, ...]:
    """Each deadline against ``today``: days left, and passed / soon (≤ 30 days) / upcoming."""
    result = []
    for deadline in deadlines:
        days = (deadline.due - today).days
        status = "lewat" if days < 0 else "segera" if days <= 30 else "akan_datang"
        result.append(DeadlineStatus(deadline, days, status))
    return tuple(result)


def earliest_fundable_year(today: date, rule_file: str | Path = "apbd_calendar") -> int:
    """The first budget year whose RKPD deadline has not passed on ``today``."""
    year = today.year + 1
    while True:
        rkpd = [d for d in planning_calendar(year, rule_file) if d.code == "RKPD"]
        if not rkpd or rkpd[0].due >= today:
            return year
        year += 1
