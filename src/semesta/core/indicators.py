"""UHC indicators, UHC prioritas status, UHC Award category and the gap to each target.

Pure domain logic over the counts of one region (a kabupaten, a kecamatan, a desa, or figures
typed in by hand). Everything that could change lives in the rule files:

* indicator definitions (``data/rules/indikator.toml`` ``[[definitions]]``, reference §2.2):
  coverage = registered ÷ population, activity = active ÷ population (the ratio the thresholds
  use, seed 001), active ÷ registered under its own name, the Pemda-registered and PBI APBN shares;
* the UHC prioritas (non cut-off) criteria in force on a date (``uhc.toml``, reference §2.3);
* the UHC Award criteria of an award year, with selectable readings (``uhc_award.toml``, §2.4);
* the levels a gap is measured against and the levers that close it (``indikator.toml``).

Percentages are exact :class:`~fractions.Fraction` values (× 100) compared with the thresholds'
:class:`~decimal.Decimal` values without rounding; they are rounded only to be shown. A count
that is not known (the Pemda's arrears, the Pemda-registered residents of a province typed in by
hand) makes the conditions that need it *unknown*, never silently met or failed: the status or
category is then reported as undetermined, with what would decide it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from semesta.core.money import format_percent, format_rupiah
from semesta.core.rules import (
    METRICS,
    AnyOf,
    Condition,
    Criterion,
    Version,
    award_rules,
    in_force,
    packaged_rules,
)
from semesta.core.text import Bilingual, SemestaError

RULE_FILE = "indikator"
QUANTITIES = ("population", "registered", "active", "pemda", "pbi_apbn")
Value = Fraction | bool | None


# --- counts and indicators ------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """What is counted for one region and period; ``None`` means not known."""

    population: int
    registered: int
    active: int
    pemda: int | None = None
    pbi_apbn: int | None = None

    def __post_init__(self) -> None:
        for name in QUANTITIES:
            value = getattr(self, name)
            if value is None and name in ("pemda", "pbi_apbn"):
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise SemestaError(_MSG_COUNT.format(name=name, value=value))
        if self.active > self.registered:
            raise SemestaError(_MSG_ACTIVE.format(active=self.active, registered=self.registered))
        if self.pemda is not None and self.pemda > self.registered:
            raise SemestaError(_MSG_PART.format(name="pemda", value=self.pemda))
        if self.pbi_apbn is not None and self.pbi_apbn > self.registered:
            raise SemestaError(_MSG_PART.format(name="pbi_apbn", value=self.pbi_apbn))

    def get(self, name: str) -> int | None:
        if name not in QUANTITIES:
            raise KeyError(name)
        value: int | None = getattr(self, name)
        return value


@dataclass(frozen=True)
class Indicator:
    """One indicator: ``numerator ÷ denominator × 100``, as defined in indikator.toml."""

    name: str
    label: Bilingual
    definition: Bilingual
    numerator: str
    denominator: str
    decides: bool
    source: str

    def value(self, counts: Counts) -> Fraction | None:
        """The exact percentage, or None when a count is unknown or the denominator is 0."""
        top, bottom = counts.get(self.numerator), counts.get(self.denominator)
        if top is None or not bottom:
            return None
        return Fraction(100 * top, bottom)


_MSG_COUNT = Bilingual(
    "jumlah {name} = {value!r} tidak sah: harus bilangan bulat ≥ 0",
    "count {name} = {value!r} is not valid: it must be a whole number ≥ 0",
)
_MSG_ACTIVE = Bilingual(
    "peserta aktif ({active}) melebihi peserta terdaftar ({registered})",
    "active participants ({active}) exceed registered participants ({registered})",
)
_MSG_PART = Bilingual(
    "{name} = {value} melebihi peserta terdaftar",
    "{name} = {value} exceeds registered participants",
)
_MSG_POPULATION = Bilingual(
    "jumlah penduduk harus lebih dari 0", "the population must be greater than 0"
)
_MSG_DEFINITION = Bilingual(
    "indikator.toml: indikator {name!r} memakai jumlah yang tidak dikenal {quantity!r}",
    "indikator.toml: indicator {name!r} uses an unknown count {quantity!r}",
)


def indicator_definitions(on: date) -> tuple[Indicator, ...]:
    """The indicators in force on ``on``, in display order (indikator.toml; reference §2.2)."""
    version = in_force(RULE_FILE, "definitions", on)
    result = []
    for raw in version.tables("indicators"):
        for quantity in (raw["numerator"], raw["denominator"]):
            if quantity not in QUANTITIES:
                raise SemestaError(_MSG_DEFINITION.format(name=raw["name"], quantity=quantity))
        result.append(
            Indicator(
                name=str(raw["name"]),
                label=Bilingual(str(raw["label_id"]), str(raw["label_en"])),
                definition=Bilingual(str(raw["definition_id"]), str(raw["definition_en"])),
                numerator=str(raw["numerator"]),
                denominator=str(raw["denominator"]),
                decides=bool(raw["decides"]),
                source=str(raw.get("source", version.source)),
            )
        )
    return tuple(result)


def measure(counts: Counts, on: date) -> dict[str, Fraction | None]:
    """Every indicator in force on ``on`` for ``counts``: name → exact percentage (or None)."""
    return {i.name: i.value(counts) for i in indicator_definitions(on)}


def persons_for(level_pct: Decimal | Fraction, population: int) -> int:
    """The fewest persons that make ``level_pct`` of ``population``: ⌈level × population ÷ 100⌉."""
    exact = Fraction(level_pct) * population / 100
    return math.ceil(exact)


# --- display --------------------------------------------------------------------------------


def percent_text(value: Fraction | Decimal, digits: int = 2) -> Bilingual:
    """``Fraction(8027, 100)`` → ``80,27 %`` / ``80.27 %``."""
    indonesian = format_percent(value, digits)
    english = indonesian.replace(".", "\0").replace(",", ".").replace("\0", ",")
    return Bilingual(indonesian, english)


def _threshold_text(level: Decimal) -> Bilingual:
    digits = max(0, -int(level.normalize().as_tuple().exponent))
    return percent_text(level, digits)


def _value_text(value: Fraction, level: Decimal | None) -> Bilingual:
    """Two decimals, more when rounding would make a miss look like the threshold itself."""
    digits = 2
    while level is not None and digits < 6 and value != level:
        shown = Fraction(str(decimal_text(value, digits)))
        if (shown >= level) == (value >= level):
            break
        digits += 1
    return percent_text(value, digits)


def decimal_text(value: Fraction | None, digits: int = 4) -> str | None:
    """An exact percentage as a decimal string for JSON, rounded half up: ``'80.2735'``."""
    if value is None:
        return None
    scaled = Fraction(value) * 10**digits
    magnitude = (abs(scaled.numerator) * 2 + scaled.denominator) // (2 * scaled.denominator)
    whole, part = divmod(magnitude, 10**digits)
    sign = "-" if scaled < 0 and magnitude else ""
    return f"{sign}{whole}.{part:0{digits}d}" if digits else f"{sign}{whole}"


_MET = {
    True: Bilingual("terpenuhi", "met"),
    False: Bilingual("belum terpenuhi", "not met"),
    None: Bilingual("belum dapat dinilai", "cannot be assessed"),
}


# --- evaluating criteria --------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One condition tested on one metric, with its outcome (None = unknown) and the evidence."""

    metric: str
    label: Bilingual
    value: Value
    minimum: Decimal | None
    maximum: Decimal | None
    equals: bool | None
    met: bool | None
    text: Bilingual


@dataclass(frozen=True)
class Either:
    """Alternatives of which one must hold entirely (``any_of`` in the rule files)."""

    alternatives: tuple[tuple[Outcome, ...], ...]
    met: bool | None
    text: Bilingual


Outcome = Check | Either


def all_of(values: Sequence[bool | None]) -> bool | None:
    """Three-valued AND: False if any is False, else None if any is unknown, else True."""
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def any_of(values: Sequence[bool | None]) -> bool | None:
    """Three-valued OR: True if any is True, else None if any is unknown, else False."""
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def metric_label(metric: str, on: date) -> Bilingual:
    for indicator in indicator_definitions(on):
        if indicator.name == metric:
            return indicator.label
    return METRICS[metric].description


def evaluate(
    criteria: Sequence[Criterion],
    values: Mapping[str, Value],
    on: date,
    evidence: Mapping[str, Bilingual] | None = None,
) -> tuple[Outcome, ...]:
    """Test each criterion against ``values`` (metric → exact percentage, flag, or None)."""
    return tuple(_outcome(c, values, on, evidence or {}) for c in criteria)


def _outcome(
    criterion: Criterion, values: Mapping[str, Value], on: date, evidence: Mapping[str, Bilingual]
) -> Outcome:
    if isinstance(criterion, AnyOf):
        alternatives = tuple(
            tuple(_outcome(c, values, on, evidence) for c in alternative)
            for alternative in criterion.alternatives
        )
        met = any_of([all_of([o.met for o in alt]) for alt in alternatives])
        parts_id = [" dan ".join(o.text.id for o in alt) for alt in alternatives]
        parts_en = [" and ".join(o.text.en for o in alt) for alt in alternatives]
        text = Bilingual(
            "salah satu: (" + ") atau (".join(parts_id) + f") → {_MET[met].id}",
            "one of: (" + ") or (".join(parts_en) + f") → {_MET[met].en}",
        )
        return Either(alternatives, met, text)
    return _check(criterion, values.get(criterion.metric), on, evidence.get(criterion.metric))


def _check(condition: Condition, value: Value, on: date, note: Bilingual | None) -> Check:
    label = metric_label(condition.metric, on)
    if condition.equals is not None:
        met = None if value is None else bool(value) is condition.equals
        shown = _flag_text(value)
        wanted = _flag_text(condition.equals)
        text = Bilingual(
            f"{label.id}: {shown.id} (syarat: {wanted.id}) → {_MET[met].id}",
            f"{label.en}: {shown.en} (required: {wanted.en}) → {_MET[met].en}",
        )
    else:
        level = condition.minimum if condition.minimum is not None else condition.maximum
        assert level is not None
        sign = "≥" if condition.minimum is not None else "≤"
        if value is None or isinstance(value, bool):
            met = None
            shown = Bilingual("tidak diketahui", "not known")
        else:
            low_ok = condition.minimum is None or value >= condition.minimum
            high_ok = condition.maximum is None or value <= condition.maximum
            met = low_ok and high_ok
            shown = _value_text(value, level)
        wanted = _threshold_text(level)
        text = Bilingual(
            f"{label.id} {shown.id} (syarat {sign} {wanted.id}) → {_MET[met].id}",
            f"{label.en} {shown.en} (required {sign} {wanted.en}) → {_MET[met].en}",
        )
    if note is not None:
        text = Bilingual(f"{text.id}; {note.id}", f"{text.en}; {note.en}")
    return Check(
        metric=condition.metric,
        label=label,
        value=value,
        minimum=condition.minimum,
        maximum=condition.maximum,
        equals=condition.equals,
        met=met,
        text=text,
    )


def _flag_text(value: Value) -> Bilingual:
    if value is None:
        return Bilingual("tidak diketahui", "not known")
    return Bilingual("ya", "yes") if value else Bilingual("tidak", "no")


def failing(outcomes: Sequence[Outcome]) -> tuple[Outcome, ...]:
    """The outcomes that are not met (False), then those that cannot be assessed (None)."""
    return tuple(o for o in outcomes if o.met is False) + tuple(
        o for o in outcomes if o.met is None
    )


# --- rule references ------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRef:
    """Which rule version decided: file, series, first day in force and its source."""

    file: str
    series: str
    effective_from: date
    source: str

    @classmethod
    def of(cls, version: Version) -> RuleRef:
        return cls(version.rule_file, version.series, version.effective_from, version.source)

    @property
    def code(self) -> str:
        return f"{self.file.removesuffix('.toml')}:{self.series}@{self.effective_from}"


# --- what must change for a condition to hold -----------------------------------------------

_NUMERATOR = {"coverage_pct": "registered", "active_pct": "active", "pemda_registered_pct": "pemda"}
_VERB = {
    "registered": Bilingual("daftarkan {n} penduduk lagi", "register {n} more residents"),
    "active": Bilingual("tambah {n} peserta aktif", "add {n} active participants"),
    "pemda": Bilingual(
        "tambah {n} penduduk yang didaftarkan Pemda", "add {n} residents registered by the Pemda"
    ),
}


def _persons(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def shortfall(outcome: Outcome, counts: Counts) -> dict[str, int] | None:
    """Persons missing per count for ``outcome`` to hold (cheapest alternative for ``Either``).

    None when it cannot be reached by adding persons (a flag, or an unknown count).
    """
    if outcome.met is True:
        return {}
    if isinstance(outcome, Either):
        options = []
        for alternative in outcome.alternatives:
            needs: dict[str, int] = {}
            for part in alternative:
                need = shortfall(part, counts)
                if need is None:
                    break
                for key, n in need.items():
                    needs[key] = max(needs.get(key, 0), n)
            else:
                options.append(needs)
        return min(options, key=lambda n: sum(n.values())) if options else None
    quantity = _NUMERATOR.get(outcome.metric)
    have = counts.get(quantity) if quantity else None
    if quantity is None or outcome.minimum is None or have is None or not counts.population:
        return None
    return {quantity: max(0, persons_for(outcome.minimum, counts.population) - have)}


def _needs_text(needs: Mapping[str, int]) -> Bilingual:
    parts = [_VERB[k].format(n=_persons(n)) for k, n in needs.items() if n > 0]
    return Bilingual("; ".join(p.id for p in parts), "; ".join(p.en for p in parts))


# --- UHC prioritas status -------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """UHC prioritas (non cut-off) or not, by the rule in force, with each reason."""

    code: str
    prioritas: bool | None
    label: Bilingual
    checks: tuple[Outcome, ...]
    action: Bilingual
    rule: RuleRef
    activation_delay_months: int


STATUS_LABELS = {
    True: Bilingual("UHC prioritas (non cut-off)", "UHC prioritas (non cut-off)"),
    False: Bilingual("UHC non-prioritas (cut-off)", "UHC non-prioritas (cut-off)"),
    None: Bilingual("belum dapat ditentukan", "cannot be determined yet"),
}
STATUS_CODES = {True: "UHC-PRIORITAS", False: "UHC-NON-PRIORITAS", None: "UHC-BELUM-PASTI"}


def _values(
    counts: Counts, on: date, arrears: int | None, prioritas: bool | None = None
) -> dict[str, Value]:
    values: dict[str, Value] = dict(measure(counts, on))
    values["pemda_iuran_paid_in_full"] = None if arrears is None else arrears == 0
    values["jamkesda_integrated"] = None if counts.pemda is None else counts.pemda > 0
    values["uhc_prioritas"] = prioritas
    return values


def _evidence(arrears: int | None, counts: Counts) -> dict[str, Bilingual]:
    if arrears is None:
        paid = Bilingual(
            "tunggakan iuran Pemda tidak diketahui (isi --arrears)",
            "the Pemda's arrears are not known (give --arrears)",
        )
    else:
        amount = format_rupiah(arrears)
        paid = Bilingual(f"tunggakan Pemda {amount}", f"Pemda arrears {amount}")
    pemda = (
        Bilingual(
            f"{_persons(counts.pemda)} penduduk didaftarkan Pemda",
            f"{_persons(counts.pemda)} residents registered by the Pemda",
        )
        if counts.pemda is not None
        else Bilingual(
            "jumlah peserta PBPU-BP Pemda tidak diketahui", "PBPU-BP Pemda count unknown"
        )
    )
    return {"pemda_iuran_paid_in_full": paid, "jamkesda_integrated": pemda}


def _check_arrears(arrears: int | None) -> None:
    if arrears is not None and (isinstance(arrears, bool) or not isinstance(arrears, int)):
        raise TypeError("arrears must be integer Rupiah")
    if arrears is not None and arrears < 0:
        raise SemestaError(Bilingual("tunggakan tidak boleh negatif", "arrears cannot be negative"))


def uhc_status(counts: Counts, on: date, arrears: int | None = None) -> Status:
    """UHC prioritas status on ``on`` (uhc.toml ``[[prioritas]]``; reference §2.3).

    ``arrears`` is the Pemda's unpaid PBPU-BP Pemda iuran in Rupiah (None = not known).
    """
    _check_arrears(arrears)
    version = in_force("uhc", "prioritas", on)
    checks = evaluate(
        version.criteria(), _values(counts, on, arrears), on, _evidence(arrears, counts)
    )
    prioritas = all_of([c.met for c in checks])
    delay = in_force("uhc", "prioritas" if prioritas else "non_prioritas", on).rupiah(
        "activation_delay_months"
    )
    return Status(
        code=STATUS_CODES[prioritas],
        prioritas=prioritas,
        label=STATUS_LABELS[prioritas],
        checks=checks,
        action=_status_action(checks, counts, arrears, prioritas),
        rule=RuleRef.of(version),
        activation_delay_months=delay,
    )


def _status_action(
    checks: Sequence[Outcome], counts: Counts, arrears: int | None, prioritas: bool | None
) -> Bilingual:
    steps_id, steps_en = [], []
    for check in failing(checks):
        if isinstance(check, Check) and check.metric == "pemda_iuran_paid_in_full":
            if arrears:
                steps_id.append(f"lunasi tunggakan iuran PBPU-BP Pemda {format_rupiah(arrears)}")
                steps_en.append(f"pay the PBPU-BP Pemda arrears of {format_rupiah(arrears)}")
            else:
                steps_id.append("pastikan tidak ada tunggakan iuran Pemda (isi --arrears)")
                steps_en.append("confirm there are no Pemda arrears (give --arrears)")
            continue
        need = shortfall(check, counts)
        if need:
            text = _needs_text(need)
            steps_id.append(text.id)
            steps_en.append(text.en)
    if prioritas:
        margin = _margin(checks, counts)
        return Bilingual(
            "Pertahankan status; " + margin.id if margin.id else "Pertahankan status.",
            "Keep the status; " + margin.en if margin.en else "Keep the status.",
        )
    if not steps_id:
        return Bilingual("Lengkapi data yang belum diketahui.", "Supply the missing figures.")
    return Bilingual(
        "Untuk UHC prioritas: " + "; ".join(steps_id) + ".",
        "For UHC prioritas: " + "; ".join(steps_en) + ".",
    )


def _margin(checks: Sequence[Outcome], counts: Counts) -> Bilingual:
    """How many active participants may be lost before the activity threshold is missed."""
    for check in checks:
        if isinstance(check, Check) and check.metric == "active_pct" and check.minimum is not None:
            spare = counts.active - persons_for(check.minimum, counts.population)
            level = _threshold_text(check.minimum)
            return Bilingual(
                f"cadangan {_persons(spare)} peserta aktif di atas ambang {level.id}.",
                f"{_persons(spare)} active participants above the {level.en} threshold.",
            )
    return Bilingual("", "")


# --- UHC Award ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryResult:
    name: str
    label: str
    published: bool
    met: bool | None
    checks: tuple[Outcome, ...]
    unstated: tuple[str, ...]
    source: str
    variant: str | None


@dataclass(frozen=True)
class Award:
    """The UHC Award category reached (best first), or none, with the reasons for each."""

    award_year: int
    held_on: date | None
    variant: str | None
    code: str
    category: str | None
    label: Bilingual
    determined: bool
    possible: tuple[str, ...]
    minimum: tuple[Outcome, ...]
    minimum_met: bool | None
    categories: tuple[CategoryResult, ...]
    action: Bilingual
    rule: RuleRef


def award_year_for(on: date) -> int:
    """The award a region's figures on ``on`` count for: the next one held on or after ``on``
    (the 2026 award used data up to September 2025), else the one whose criteria are in force."""
    held = [
        (v.values["held_on"], v.rupiah("award_year"))
        for v in packaged_rules("uhc_award").versions("award")
        if isinstance(v.values.get("held_on"), date) and v.values["held_on"] >= on
    ]
    if held:
        return min(held)[1]
    return in_force("uhc_award", "award", on).rupiah("award_year")


def uhc_award(
    counts: Counts,
    on: date,
    *,
    arrears: int | None = None,
    prioritas: bool | None = None,
    variant: str | None = None,
    award_year: int | None = None,
) -> Award:
    """The UHC Award category for ``counts`` by the criteria of ``award_year`` (default: the
    award for data on ``on``, :func:`award_year_for`); reference §2.4, uhc_award.toml.

    ``prioritas`` is the region's UHC prioritas status (see :func:`uhc_status`); ``variant``
    selects another reading of a category (e.g. ``"madya_keaktifan_98"``).
    """
    _check_arrears(arrears)
    year = award_year if award_year is not None else award_year_for(on)
    rules = award_rules(date(year, 1, 1), variant=variant)
    values = _values(counts, on, arrears, prioritas)
    evidence = _evidence(arrears, counts)
    minimum = evaluate(rules.minimum, values, on, evidence)
    minimum_met = all_of([o.met for o in minimum])
    results: list[CategoryResult] = []
    reached: CategoryResult | None = None
    possible: list[str] = []
    for category in rules.categories:
        checks = evaluate(category.criteria, values, on, evidence) if category.criteria else ()
        met = all_of([o.met for o in checks]) if category.criteria is not None else None
        result = CategoryResult(
            name=category.name,
            label=category.label,
            published=category.criteria is not None,
            met=met,
            checks=checks,
            unstated=category.unstated,
            source=category.source,
            variant=category.variant,
        )
        results.append(result)
        overall = all_of([minimum_met, met])
        if reached is None:
            if overall is True:
                reached = result
            elif overall is None:
                possible.append(category.name)
    label = _award_label(reached, possible, minimum_met, results)
    return Award(
        award_year=rules.award_year,
        held_on=rules.held_on,
        variant=variant,
        code=f"UHC-AWARD-{rules.award_year}-{(reached.name if reached else 'tidak').upper()}",
        category=reached.name if reached else None,
        label=label,
        determined=not possible,
        possible=tuple(possible),
        minimum=minimum,
        minimum_met=minimum_met,
        categories=tuple(results),
        action=_award_action(reached, results, minimum, counts),
        rule=RuleRef.of(rules.version),
    )


def _award_label(
    reached: CategoryResult | None,
    possible: Sequence[str],
    minimum_met: bool | None,
    results: Sequence[CategoryResult],
) -> Bilingual:
    labels = {r.name: r.label for r in results}
    maybe = ", ".join(labels[name] for name in possible)
    unpublished = [labels[name] for name in possible if not _published(results, name)]
    if reached is not None:
        label = Bilingual(reached.label, reached.label)
    elif minimum_met is False:
        label = Bilingual("tidak memenuhi syarat", "not eligible")
    elif minimum_met is True and not possible:
        label = Bilingual("tidak mencapai kategori", "no category reached")
    else:
        label = Bilingual("belum dapat ditentukan", "cannot be determined")
    if possible:
        why = (
            Bilingual("ambang tidak dipublikasikan", "thresholds not published")
            if unpublished and len(unpublished) == len(possible)
            else Bilingual("ada data yang belum diketahui", "some figures are not known")
        )
        label = Bilingual(
            f"{label.id}; mungkin {maybe} ({why.id})", f"{label.en}; possibly {maybe} ({why.en})"
        )
    return label


def _published(results: Sequence[CategoryResult], name: str) -> bool:
    return next(r.published for r in results if r.name == name)


def _award_action(
    reached: CategoryResult | None,
    results: Sequence[CategoryResult],
    minimum: Sequence[Outcome],
    counts: Counts,
) -> Bilingual:
    """What the next category up needs: persons per count, and the flags that fail."""
    better = results[: results.index(reached)] if reached else list(results)
    for category in reversed(better):  # the nearest category above the one reached first
        if not category.published:
            continue
        needs: dict[str, int] = {}
        flags_id, flags_en = [], []
        for outcome in failing((*minimum, *category.checks)):
            need = shortfall(outcome, counts)
            for key, n in (need or {}).items():
                needs[key] = max(needs.get(key, 0), n)
            if need is None and isinstance(outcome, Check) and outcome.equals is not None:
                flags_id.append(f"{outcome.label.id}: ya")
                flags_en.append(f"{outcome.label.en}: yes")
        text = _needs_text(needs)
        parts_id = [p for p in (text.id, *flags_id) if p]
        parts_en = [p for p in (text.en, *flags_en) if p]
        if parts_id:
            return Bilingual(
                f"Untuk {category.label}: {'; '.join(parts_id)}.",
                f"For {category.label}: {'; '.join(parts_en)}.",
            )
    return Bilingual("", "")


# --- gap to each target ---------------------------------------------------------------------


@dataclass(frozen=True)
class GapTarget:
    metric: str
    level: Decimal
    why: Bilingual
    source: str

    @property
    def name(self) -> str:
        return f"{self.metric.removesuffix('_pct')}_{self.level.normalize():f}"


@dataclass(frozen=True)
class Gap:
    """Persons missing to reach ``target``: to register (coverage) or to make active."""

    target: GapTarget
    have: int
    required: int
    missing: int
    reactivate: int  # of ``missing``, at most this many can be inactive participants reactivated
    register: int  # the rest must be newly registered (and active)

    @property
    def reached(self) -> bool:
        return self.missing == 0


def gap_targets(on: date) -> tuple[GapTarget, ...]:
    """The levels every gap is measured against (indikator.toml ``[[gap_targets]]``)."""
    version = in_force(RULE_FILE, "gap_targets", on)
    return tuple(
        GapTarget(
            metric=str(raw["metric"]),
            level=Decimal(raw["level_pct"]),
            why=Bilingual(str(raw["why_id"]), str(raw["why_en"])),
            source=str(raw.get("source", version.source)),
        )
        for raw in version.tables("targets")
    )


def gaps(counts: Counts, on: date) -> tuple[Gap, ...]:
    """How many more residents must be registered, and how many made active, per target."""
    result = []
    for target in gap_targets(on):
        required = persons_for(target.level, counts.population)
        if target.metric == "coverage_pct":
            missing = max(0, required - counts.registered)
            result.append(Gap(target, counts.registered, required, missing, 0, missing))
        else:
            missing = max(0, required - counts.active)
            reactivate = min(missing, counts.registered - counts.active)
            gap = Gap(target, counts.active, required, missing, reactivate, missing - reactivate)
            result.append(gap)
    return tuple(result)


# --- levers: who could close a gap, ranked per Rupiah ---------------------------------------


@dataclass(frozen=True)
class Lever:
    name: str
    label: Bilingual
    action: Bilingual
    gains_coverage: bool
    apbd_cost: str  # "none" | "pemda_rate"
    source: str


def levers(on: date) -> tuple[Lever, ...]:
    """The gap-closing levers in force (indikator.toml ``[[levers]]``), in data order."""
    version = in_force(RULE_FILE, "levers", on)
    return tuple(
        Lever(
            name=str(raw["name"]),
            label=Bilingual(str(raw["label_id"]), str(raw["label_en"])),
            action=Bilingual(str(raw["action_id"]), str(raw["action_en"])),
            gains_coverage=bool(raw["gains_coverage"]),
            apbd_cost=str(raw["apbd_cost"]),
            source=str(raw.get("source", version.source)),
        )
        for raw in version.tables("options")
    )


def arrears_status_words(on: date) -> tuple[str, ...]:
    """Words in a BPJS status text that mean arrears ('NON AKTIF KARENA PREMI'; §6.2)."""
    words = in_force(RULE_FILE, "levers", on).values["arrears_status_words"]
    return tuple(str(w) for w in words)


@dataclass(frozen=True)
class LeverOption:
    """One lever for one region: how many persons it holds and what each costs the APBD."""

    lever: Lever
    persons: int
    rupiah_per_person: int  # per month, from the APBD

    @property
    def monthly_rupiah(self) -> int:
        return self.persons * self.rupiah_per_person

    @property
    def active_per_million_rupiah(self) -> Fraction | None:
        """Persons made active per Rp 1.000.000 a month; None when it costs the APBD nothing."""
        return None if not self.rupiah_per_person else Fraction(10**6, self.rupiah_per_person)


def rank_levers(available: Mapping[str, int], rate: int, on: date) -> tuple[LeverOption, ...]:
    """Levers with persons in them, best first: most persons made active per Rupiah of APBD
    (free ones first), then those that also raise coverage, then the data order.

    ``rate`` is the Pemda's PBPU-BP Pemda rate in force (:func:`semesta.core.rules.pemda_rate`).
    """
    if isinstance(rate, bool) or not isinstance(rate, int) or rate <= 0:
        raise TypeError("rate must be a positive integer Rupiah amount")
    options = []
    for index, lever in enumerate(levers(on)):
        persons = int(available.get(lever.name, 0))
        if persons > 0:
            cost = 0 if lever.apbd_cost == "none" else rate
            options.append(
                (cost, not lever.gains_coverage, index, LeverOption(lever, persons, cost))
            )
    return tuple(option for *_, option in sorted(options, key=lambda o: o[:3]))


@dataclass(frozen=True)
class Step:
    option: LeverOption
    persons: int

    @property
    def monthly_rupiah(self) -> int:
        return self.persons * self.option.rupiah_per_person


@dataclass(frozen=True)
class Closure:
    """How a gap would be closed with the ranked levers: who, how many, at what monthly cost."""

    gap: Gap
    steps: tuple[Step, ...]
    closed: int
    remaining: int

    @property
    def monthly_rupiah(self) -> int:
        return sum(step.monthly_rupiah for step in self.steps)

    @property
    def yearly_rupiah(self) -> int:
        return 12 * self.monthly_rupiah


def close_gap(gap: Gap, ranked: Sequence[LeverOption]) -> Closure:
    """Take persons from the ranked levers until the gap is closed (coverage gaps only count
    levers that register someone new)."""
    remaining = gap.missing
    steps = []
    for option in ranked:
        if remaining == 0:
            break
        if gap.target.metric == "coverage_pct" and not option.lever.gains_coverage:
            continue
        used = min(remaining, option.persons)
        steps.append(Step(option, used))
        remaining -= used
    return Closure(gap, tuple(steps), gap.missing - remaining, remaining)


# --- everything for one region --------------------------------------------------------------


@dataclass(frozen=True)
class Classification:
    on: date
    counts: Counts
    arrears: int | None
    indicators: Mapping[str, Fraction | None]
    status: Status
    award: Award
    gaps: tuple[Gap, ...] = field(default=())


def classify(
    counts: Counts,
    on: date,
    *,
    arrears: int | None = None,
    variant: str | None = None,
    award_year: int | None = None,
) -> Classification:
    """Indicators, UHC prioritas status, UHC Award category and gaps for one region on ``on``."""
    if counts.population <= 0:
        raise SemestaError(_MSG_POPULATION)
    status = uhc_status(counts, on, arrears)
    award = uhc_award(
        counts,
        on,
        arrears=arrears,
        prioritas=status.prioritas,
        variant=variant,
        award_year=award_year,
    )
    return Classification(on, counts, arrears, measure(counts, on), status, award, gaps(counts, on))


# --- JSON-ready views -----------------------------------------------------------------------


def outcome_dict(outcome: Outcome) -> dict[str, Any]:
    if isinstance(outcome, Either):
        return {
            "any_of": [[outcome_dict(o) for o in alt] for alt in outcome.alternatives],
            "met": outcome.met,
            "text": outcome.text.as_dict(),
        }
    value = outcome.value
    return {
        "metric": outcome.metric,
        "value": decimal_text(value) if isinstance(value, Fraction) else value,
        "min": str(outcome.minimum) if outcome.minimum is not None else None,
        "max": str(outcome.maximum) if outcome.maximum is not None else None,
        "is": outcome.equals,
        "met": outcome.met,
        "text": outcome.text.as_dict(),
    }


def rule_dict(rule: RuleRef) -> dict[str, Any]:
    return {"code": rule.code, "effective_from": rule.effective_from, "source": rule.source}


def status_dict(status: Status) -> dict[str, Any]:
    return {
        "code": status.code,
        "prioritas": status.prioritas,
        "label": status.label.as_dict(),
        "reasons": [outcome_dict(c) for c in status.checks],
        "action": status.action.as_dict(),
        "activation_delay_months": status.activation_delay_months,
        "rule": rule_dict(status.rule),
    }


def award_dict(award: Award) -> dict[str, Any]:
    return {
        "code": award.code,
        "award_year": award.award_year,
        "held_on": award.held_on,
        "variant": award.variant,
        "category": award.category,
        "label": award.label.as_dict(),
        "determined": award.determined,
        "possible": list(award.possible),
        "minimum": {"met": award.minimum_met, "reasons": [outcome_dict(o) for o in award.minimum]},
        "categories": [
            {
                "name": c.name,
                "label": c.label,
                "variant": c.variant,
                "published": c.published,
                "met": c.met,
                "reasons": [outcome_dict(o) for o in c.checks],
                "unstated": list(c.unstated),
                "source": c.source,
            }
            for c in award.categories
        ],
        "action": award.action.as_dict(),
        "rule": rule_dict(award.rule),
    }


def gap_dict(gap: Gap) -> dict[str, Any]:
    return {
        "target": gap.target.name,
        "metric": gap.target.metric,
        "level_pct": str(gap.target.level),
        "why": gap.target.why.as_dict(),
        "have": gap.have,
        "required": gap.required,
        "missing": gap.missing,
        "reactivate": gap.reactivate,
        "register": gap.register,
    }


def classification_dict(result: Classification) -> dict[str, Any]:
    counts = result.counts
    return {
        "date": result.on,
        "counts": {name: counts.get(name) for name in QUANTITIES},
        "arrears_rupiah": result.arrears,
        "indicators": {name: decimal_text(v) for name, v in result.indicators.items()},
        "status": status_dict(result.status),
        "award": award_dict(result.award),
        "gaps": [gap_dict(g) for g in result.gaps],
    }
