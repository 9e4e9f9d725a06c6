"""Who the Pemda pays for: eligibility for PBPU-BP Pemda, decided per person with the rule and
the evidence, and the priority order when the budget is below the need.

The rules are data (``data/rules/eligibility.toml``, series ``pbpu_pemda``): an ordered list of
checks, each with its code, source, office and action; the desil threshold in force (from
``dtsen.toml`` unless the version sets its own); whether people not in DTSEN stay eligible;
whether active mandiri members may be moved; the Dinsos recommendation route (seed 003); the
priority keys and age limits.

The Python functions here are the specification: :func:`decide` for one person and
:func:`priority_key` for the ranking. Their SQL twins (:func:`fails_sql`, :func:`decision_sql`,
:func:`rank_order_sql`) let the pipeline decide for a million residents at once; tests check that
both agree row by row.

A decision works in two steps, so that a rule change can be previewed without re-reading the
sources: (1) the *raw failures*, a bit mask of every check that fails for the person whatever
rules are enabled (the desil excepted, kept as a value), and (2) the rules applied to that mask,
the desil and whether the person holds a Dinsos letter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from semesta.core import rules as rulebook
from semesta.core.text import Bilingual, SemestaError

# Fixed bit per check, independent of the order of the rules in a version.
CHECK_BITS: Mapping[str, int] = {
    "hidup": 1,
    "penduduk_dkb": 2,
    "tidak_pindah": 4,
    "bukan_pbi": 8,
    "bukan_ppu": 16,
    "bukan_formal": 32,
    "desil": 64,
    "bukan_mandiri": 128,
}
DESIL_BIT = CHECK_BITS["desil"]
PRIORITY_KEYS = ("rekomendasi_dinsos", "desil", "lansia", "anak", "disabilitas", "penyakit_kronis")
PPU_GROUPS = ("PPU_PN", "PPU_BU")
MANDIRI_GROUPS = ("PBPU_MANDIRI", "BP")
PEMDA_GROUP = "PBPU_BP_PEMDA"

_MSG_CHECK = Bilingual(
    "{file}: aturan {code!r} memakai pemeriksaan {check!r} yang tidak dikenal (yang ada: {known})",
    "{file}: rule {code!r} uses unknown check {check!r} (known: {known})",
)
_MSG_PRIORITY = Bilingual(
    "{file}: kunci prioritas {key!r} tidak dikenal (yang ada: {known})",
    "{file}: unknown priority key {key!r} (known: {known})",
)
_MSG_WITHOUT_DESIL = Bilingual(
    "{file}: without_desil harus 'eligible' atau 'not_eligible', bukan {value!r}",
    "{file}: without_desil must be 'eligible' or 'not_eligible', not {value!r}",
)
_MSG_DESIL = Bilingual(
    "rentang desil {low}–{high} tidak sah (desil 1–10, batas bawah ≤ batas atas)",
    "desil range {low}..{high} is invalid (deciles 1–10, lower ≤ upper)",
)
_MSG_UNKNOWN_RULE = Bilingual(
    "aturan {code!r} tidak ada (yang ada: {known})", "no rule {code!r} (known: {known})"
)
_MSG_OVERRIDE = Bilingual(
    "{file}: jalur Dinsos mengesampingkan aturan {code!r} yang tidak ada",
    "{file}: the Dinsos route overrides unknown rule {code!r}",
)


@dataclass(frozen=True)
class EligibilityRule:
    code: str
    check: str
    office: str
    label: Bilingual
    action: Bilingual
    source: str
    enabled: bool = True

    @property
    def bit(self) -> int:
        return CHECK_BITS[self.check]


@dataclass(frozen=True)
class DinsosRoute:
    """Admits a person with a valid Dinsos letter even when ``overrides`` fail (seed 003)."""

    code: str
    office: str
    label: Bilingual
    action: Bilingual
    overrides: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class EligibilityRules:
    """The rules in force on a date (or a proposed change of them)."""

    effective_from: date
    source: str
    rules: tuple[EligibilityRule, ...]
    route: DinsosRoute | None
    desil_range: range | None  # None: no desil criterion (DTKS era, or disabled)
    desil_source: str
    without_desil_eligible: bool
    allow_active_mandiri: bool
    eligible_code: str
    eligible_without_desil_code: str
    elderly_min_age: int
    child_max_age: int
    priority: tuple[str, ...]
    age_source: str = ""
    note: str = ""
    proposed: tuple[str, ...] = field(default=())  # what a preview changed, in words

    # --- derived masks ------------------------------------------------------------------

    def rule(self, code: str) -> EligibilityRule:
        for rule in self.rules:
            if rule.code == code:
                return rule
        known = ", ".join(r.code for r in self.rules)
        raise SemestaError(_MSG_UNKNOWN_RULE.format(code=code, known=known))

    @property
    def desil_enabled(self) -> bool:
        return self.desil_range is not None and any(
            r.check == "desil" and r.enabled for r in self.rules
        )

    @property
    def enabled_mask(self) -> int:
        """Bits of the enabled checks applied to the raw failures (the desil apart)."""
        mask = 0
        for rule in self.rules:
            if not rule.enabled or rule.check == "desil":
                continue
            if rule.check == "bukan_mandiri" and self.allow_active_mandiri:
                continue
            mask |= rule.bit
        return mask

    @property
    def route_blocking_mask(self) -> int:
        """Failures the Dinsos route cannot override."""
        if self.route is None:
            return -1
        overridden = 0
        for code in self.route.overrides:
            overridden |= self.rule(code).bit
        return (self.enabled_mask | DESIL_BIT) & ~overridden

    @property
    def desil_text(self) -> str:
        if not self.desil_enabled or self.desil_range is None:
            return "-"
        return f"{self.desil_range.start}–{self.desil_range.stop - 1}"

    # --- proposals ----------------------------------------------------------------------

    def changed(
        self,
        *,
        desil_min: int | None = None,
        desil_max: int | None = None,
        without_desil_eligible: bool | None = None,
        allow_active_mandiri: bool | None = None,
        disable: Iterable[str] = (),
        enable: Iterable[str] = (),
    ) -> EligibilityRules:
        """A proposed version: the same rules with the given changes (for a preview)."""
        said: list[str] = list(self.proposed)
        new = self
        if desil_min is not None or desil_max is not None:
            low = desil_min if desil_min is not None else self._desil_bounds()[0]
            high = desil_max if desil_max is not None else self._desil_bounds()[1]
            if not 1 <= low <= high <= 10:
                raise SemestaError(_MSG_DESIL.format(low=low, high=high))
            new = replace(new, desil_range=range(low, high + 1))
            said.append(f"desil {low}–{high}")
        if without_desil_eligible is not None:
            new = replace(new, without_desil_eligible=without_desil_eligible)
            said.append(f"without_desil={'eligible' if without_desil_eligible else 'not_eligible'}")
        if allow_active_mandiri is not None:
            new = replace(new, allow_active_mandiri=allow_active_mandiri)
            said.append(f"allow_active_mandiri={str(allow_active_mandiri).lower()}")
        off, on = set(disable), set(enable)
        for code in off | on:
            self.rule(code)
        if off or on:
            new = replace(
                new,
                rules=tuple(
                    replace(r, enabled=(r.code in on) or (r.enabled and r.code not in off))
                    for r in new.rules
                ),
            )
            said += [f"-{c}" for c in sorted(off)] + [f"+{c}" for c in sorted(on)]
        return replace(new, proposed=tuple(said))

    def _desil_bounds(self) -> tuple[int, int]:
        if self.desil_range is None:
            return (1, 10)
        return (self.desil_range.start, self.desil_range.stop - 1)

    def describe(self) -> dict[str, Any]:
        """JSON-ready summary (what a report prints next to its figures)."""
        return {
            "effective_from": self.effective_from.isoformat(),
            "source": self.source,
            "desil": self.desil_text,
            "desil_source": self.desil_source,
            "without_desil": "eligible" if self.without_desil_eligible else "not_eligible",
            "allow_active_mandiri": self.allow_active_mandiri,
            "priority": list(self.priority),
            "rules": [
                {
                    "code": r.code,
                    "check": r.check,
                    "enabled": r.enabled,
                    "office": r.office,
                    "label": r.label.as_dict(),
                    "action": r.action.as_dict(),
                    "source": r.source,
                }
                for r in self.rules
            ],
            "route": None
            if self.route is None
            else {
                "code": self.route.code,
                "overrides": list(self.route.overrides),
                "label": self.route.label.as_dict(),
                "source": self.route.source,
            },
            "proposed_changes": list(self.proposed),
        }


def _bilingual(raw: Mapping[str, Any], key: str) -> Bilingual:
    return Bilingual(str(raw[f"{key}_id"]), str(raw[f"{key}_en"]))


def eligibility_rules(on: date, rule_file: str | Path = "eligibility") -> EligibilityRules:
    """The PBPU-BP Pemda eligibility rules in force on ``on`` (eligibility.toml)."""
    version = rulebook.in_force(rule_file, "pbpu_pemda", on)
    name = version.rule_file
    parsed = []
    for raw in version.tables("rules"):
        check = str(raw["check"])
        if check not in CHECK_BITS:
            known = ", ".join(CHECK_BITS)
            raise SemestaError(
                _MSG_CHECK.format(file=name, code=raw.get("code"), check=check, known=known)
            )
        parsed.append(
            EligibilityRule(
                code=str(raw["code"]),
                check=check,
                office=str(raw["office"]),
                label=_bilingual(raw, "label"),
                action=_bilingual(raw, "action"),
                source=str(raw["source"]),
                enabled=bool(raw.get("enabled", True)),
            )
        )
    route = None
    raw_route = version.values.get("route")
    if isinstance(raw_route, Mapping):
        route = DinsosRoute(
            code=str(raw_route["code"]),
            office=str(raw_route["office"]),
            label=_bilingual(raw_route, "label"),
            action=_bilingual(raw_route, "action"),
            overrides=tuple(str(c) for c in raw_route.get("overrides", ())),
            source=str(raw_route["source"]),
        )
        codes = {r.code for r in parsed}
        for code in route.overrides:
            if code not in codes:
                raise SemestaError(_MSG_OVERRIDE.format(file=name, code=code))
    desil_range, desil_source = _desil(version, on)
    without = str(version.values.get("without_desil", "eligible"))
    if without not in ("eligible", "not_eligible"):
        raise SemestaError(_MSG_WITHOUT_DESIL.format(file=name, value=without))
    priority = tuple(str(k) for k in version.values.get("priority", PRIORITY_KEYS))
    for key in priority:
        if key not in PRIORITY_KEYS:
            known = ", ".join(PRIORITY_KEYS)
            raise SemestaError(_MSG_PRIORITY.format(file=name, key=key, known=known))
    return EligibilityRules(
        effective_from=version.effective_from,
        source=version.source,
        rules=tuple(parsed),
        route=route,
        desil_range=desil_range,
        desil_source=desil_source,
        without_desil_eligible=without == "eligible",
        allow_active_mandiri=version.flag("allow_active_mandiri"),
        eligible_code=version.text("eligible_code"),
        eligible_without_desil_code=version.text("eligible_without_desil_code"),
        elderly_min_age=version.rupiah("elderly_min_age"),
        child_max_age=version.rupiah("child_max_age"),
        priority=priority,
        age_source=str(version.values.get("age_source", "")),
        note=version.note or "",
    )


def _desil(version: rulebook.Version, on: date) -> tuple[range | None, str]:
    if "desil_max" in version.values:
        low = version.rupiah("desil_min") if "desil_min" in version.values else 1
        high = version.rupiah("desil_max")
        if not 1 <= low <= high <= 10:
            raise SemestaError(_MSG_DESIL.format(low=low, high=high))
        return range(low, high + 1), version.source
    program = version.values.get("desil_program")
    if program is None:
        return None, ""
    dtsen = rulebook.in_force("dtsen", str(program), on)
    return rulebook.desil_range(str(program), on), f"dtsen.toml [[{program}]]: {dtsen.source}"


# --- one person -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    """What the workspace knows about one person in one period (the ``person`` table, the
    active membership groups, a Dinsos letter)."""

    person_id: str
    in_dkb: bool
    kode_desa: str | None = None
    meninggal: date | None = None
    sumber_meninggal: str | None = None
    pindah: date | None = None
    desil: int | None = None
    formal_worker: str | None = None
    employer: str | None = None
    active_groups: frozenset[str] = frozenset()
    tanggal_lahir: date | None = None
    rekomendasi: str | None = None  # number of a Dinsos letter valid in the period
    disabilitas: bool | None = None
    penyakit_kronis: bool | None = None


@dataclass(frozen=True)
class Decision:
    eligible: bool
    rule_code: str
    evidence: dict[str, Any]
    fails_raw: int  # every failing check but the desil, whatever is enabled


def raw_failures(facts: PersonFacts, kabupaten: str, period_end: date) -> int:
    """Bits of every check that fails for ``facts`` (the desil apart)."""
    groups = facts.active_groups
    bits = 0
    if facts.meninggal is not None and facts.meninggal <= period_end:
        bits |= CHECK_BITS["hidup"]
    if not facts.in_dkb or not (facts.kode_desa or "").startswith(kabupaten):
        bits |= CHECK_BITS["penduduk_dkb"]
    if facts.pindah is not None and facts.pindah <= period_end:
        bits |= CHECK_BITS["tidak_pindah"]
    if "PBI_APBN" in groups:
        bits |= CHECK_BITS["bukan_pbi"]
    if groups & set(PPU_GROUPS):
        bits |= CHECK_BITS["bukan_ppu"]
    if facts.formal_worker is not None:
        bits |= CHECK_BITS["bukan_formal"]
    if groups & set(MANDIRI_GROUPS):
        bits |= CHECK_BITS["bukan_mandiri"]
    return bits


def desil_fails(desil: int | None, rules: EligibilityRules) -> bool:
    if not rules.desil_enabled or rules.desil_range is None:
        return False
    if desil is None:
        return not rules.without_desil_eligible
    return desil not in rules.desil_range


def apply_rules(
    fails_raw: int, desil: int | None, has_letter: bool, rules: EligibilityRules
) -> tuple[bool, str]:
    """(eligible, rule code) from the raw failures, the desil and a Dinsos letter."""
    failing = (fails_raw & rules.enabled_mask) | (DESIL_BIT if desil_fails(desil, rules) else 0)
    if failing == 0:
        without = rules.desil_enabled and desil is None
        return True, rules.eligible_without_desil_code if without else rules.eligible_code
    if has_letter and rules.route is not None and failing & rules.route_blocking_mask == 0:
        return True, rules.route.code
    for rule in rules.rules:
        if failing & rule.bit:
            return False, rule.code
    raise AssertionError(f"failing bits {failing} match no rule")  # masks come from the rules


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def evidence(facts: PersonFacts, rule_code: str, rules: EligibilityRules) -> dict[str, Any]:
    """What the decision rests on, per rule (the SQL twin builds the same object)."""
    groups = sorted(facts.active_groups)
    check = next((r.check for r in rules.rules if r.code == rule_code), None)
    if check == "hidup":
        return {"meninggal": _iso(facts.meninggal), "sumber": facts.sumber_meninggal}
    if check == "penduduk_dkb":
        return {"di_dkb": facts.in_dkb, "kode_desa": facts.kode_desa}
    if check == "tidak_pindah":
        return {"pindah": _iso(facts.pindah)}
    if check in ("bukan_pbi", "bukan_ppu", "bukan_mandiri"):
        return {"segmen_aktif": groups}
    if check == "bukan_formal":
        return {"pekerja_formal": facts.formal_worker, "pemberi_kerja": facts.employer}
    if check == "desil":
        return {"desil": facts.desil, "desil_berlaku": rules.desil_text}
    return {
        "desil": facts.desil,
        "kode_desa": facts.kode_desa,
        "segmen_aktif": groups,
        "rekomendasi": facts.rekomendasi,
    }


def decide(
    facts: PersonFacts, rules: EligibilityRules, kabupaten: str, period_end: date
) -> Decision:
    """Eligible or not, the rule that decides and its evidence (the specification)."""
    fails = raw_failures(facts, kabupaten, period_end)
    eligible, code = apply_rules(fails, facts.desil, facts.rekomendasi is not None, rules)
    return Decision(eligible, code, evidence(facts, code, rules), fails)


# --- ranking --------------------------------------------------------------------------------


def age_on(born: date, on: date) -> int:
    """Full years of age on ``on``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def vulnerability(facts: PersonFacts, rules: EligibilityRules, on: date) -> dict[str, bool]:
    age = age_on(facts.tanggal_lahir, on) if facts.tanggal_lahir else None
    return {
        "rekomendasi_dinsos": facts.rekomendasi is not None,
        "lansia": age is not None and age >= rules.elderly_min_age,
        "anak": age is not None and age <= rules.child_max_age,
        "disabilitas": bool(facts.disabilitas),
        "penyakit_kronis": bool(facts.penyakit_kronis),
    }


def priority_key(facts: PersonFacts, rules: EligibilityRules, on: date) -> tuple:
    """Sort key among eligible people: the configured keys in order, then the person id.

    ``desil``: lowest first, people without a desil after every known desil; the flags: those
    who have them first.
    """
    flags = vulnerability(facts, rules, on)
    key: list[object] = []
    for name in rules.priority:
        if name == "desil":
            key += [facts.desil is None, facts.desil if facts.desil is not None else 0]
        else:
            key.append(not flags[name])
    key.append(facts.person_id)
    return tuple(key)


# --- SQL twins ------------------------------------------------------------------------------


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# Active membership groups as a bit mask (alphabetical, so a mask lists back in sorted order).
GROUP_BITS: Mapping[str, int] = {
    g: 1 << i
    for i, g in enumerate(
        sorted(("PBI_APBN", PEMDA_GROUP, "PPU_PN", "PPU_BU", "PBPU_MANDIRI", "BP"))
    )
}


def groups_mask(groups: Iterable[str]) -> int:
    """The bit mask of a set of membership groups (unknown groups carry no bit)."""
    mask = 0
    for group in groups:
        mask |= GROUP_BITS.get(group, 0)
    return mask


def groups_of(mask: int) -> frozenset[str]:
    return frozenset(g for g, bit in GROUP_BITS.items() if mask & bit)


def group_bit_sql(column: str) -> str:
    """SQL: the bit of one membership group name, for ``bit_or`` over a person's memberships."""
    whens = " ".join(f"WHEN {_lit(g)} THEN {bit}" for g, bit in GROUP_BITS.items())
    return f"CASE {column} {whens} ELSE 0 END"


def _any_bit(names: Iterable[str], mask: str) -> str:
    return f"({mask} & {groups_mask(names)}) <> 0"


def groups_list_sql(mask: str = "groups_mask") -> str:
    """SQL: the sorted list of group names in ``mask`` (the evidence's ``segmen_aktif``)."""
    names = ", ".join(
        f"CASE WHEN ({mask} & {bit}) <> 0 THEN {_lit(g)} END" for g, bit in GROUP_BITS.items()
    )
    return (
        f"CASE WHEN COALESCE({mask}, 0) = 0 THEN CAST([] AS VARCHAR[]) "
        f"ELSE string_split(concat_ws(',', {names}), ',') END"
    )


def fails_sql(kabupaten: str, period_end: date, mask: str = "groups_mask") -> str:
    """SQL for :func:`raw_failures` over columns meninggal, in_dkb, kode_desa, pindah,
    formal_worker and ``mask`` (the active membership groups, see :data:`GROUP_BITS`)."""
    end = f"DATE '{period_end.isoformat()}'"
    b = CHECK_BITS
    return (
        f"(CASE WHEN meninggal IS NOT NULL AND meninggal <= {end} THEN {b['hidup']} ELSE 0 END"
        f" + CASE WHEN NOT COALESCE(in_dkb, FALSE) OR NOT starts_with(COALESCE(kode_desa, ''),"
        f" {_lit(kabupaten)}) THEN {b['penduduk_dkb']} ELSE 0 END"
        f" + CASE WHEN pindah IS NOT NULL AND pindah <= {end} THEN {b['tidak_pindah']} ELSE 0 END"
        f" + CASE WHEN {_any_bit(['PBI_APBN'], mask)} THEN {b['bukan_pbi']} ELSE 0 END"
        f" + CASE WHEN {_any_bit(PPU_GROUPS, mask)} THEN {b['bukan_ppu']} ELSE 0 END"
        f" + CASE WHEN formal_worker IS NOT NULL THEN {b['bukan_formal']} ELSE 0 END"
        f" + CASE WHEN {_any_bit(MANDIRI_GROUPS, mask)} THEN {b['bukan_mandiri']} ELSE 0 END)"
    )


def desil_fails_sql(rules: EligibilityRules, desil: str = "desil") -> str:
    if not rules.desil_enabled or rules.desil_range is None:
        return "FALSE"
    low, high = rules.desil_range.start, rules.desil_range.stop - 1
    missing = "FALSE" if rules.without_desil_eligible else "TRUE"
    outside = f"{desil} NOT BETWEEN {low} AND {high}"
    return f"(CASE WHEN {desil} IS NULL THEN {missing} ELSE {outside} END)"


def failing_sql(rules: EligibilityRules, fails: str = "fails_raw", desil: str = "desil") -> str:
    """SQL: the bits of the enabled checks that fail (the first step of :func:`apply_rules`);
    compute it once as a column named ``failing`` and pass it to :func:`decision_sql`."""
    return (
        f"(({fails} & {rules.enabled_mask}) | "
        f"CASE WHEN {desil_fails_sql(rules, desil)} THEN {DESIL_BIT} ELSE 0 END)"
    )


def decision_sql(
    rules: EligibilityRules,
    failing: str = "failing",
    desil: str = "desil",
    letter: str = "rekomendasi",
) -> tuple[str, str]:
    """SQL expressions (eligible, rule_code) for :func:`apply_rules` over the column
    ``failing`` (:func:`failing_sql`), the desil and ``letter`` (a boolean expression: holds a
    valid Dinsos letter)."""
    without = f"{desil} IS NULL" if rules.desil_enabled else "FALSE"
    admitted = (
        f"CASE WHEN {without} THEN {_lit(rules.eligible_without_desil_code)} "
        f"ELSE {_lit(rules.eligible_code)} END"
    )
    route = (
        f"{letter} AND ({failing} & {rules.route_blocking_mask}) = 0"
        if rules.route is not None
        else "FALSE"
    )
    whens = " ".join(f"WHEN ({failing} & {r.bit}) <> 0 THEN {_lit(r.code)}" for r in rules.rules)
    route_code = _lit(rules.route.code) if rules.route is not None else "NULL"
    code = f"CASE WHEN {failing} = 0 THEN {admitted} WHEN {route} THEN {route_code} {whens} END"
    eligible = f"({failing} = 0 OR ({route}))"
    return eligible, code


def evidence_sql(
    rules: EligibilityRules, code: str = "rule_code", mask: str = "groups_mask"
) -> str:
    """SQL twin of :func:`evidence` (a JSON text), over the facts' columns."""
    groups = groups_list_sql(mask)
    parts = []
    for rule in rules.rules:
        if rule.check == "hidup":
            body = (
                "json_object('meninggal', CAST(meninggal AS VARCHAR), 'sumber', sumber_meninggal)"
            )
        elif rule.check == "penduduk_dkb":
            body = "json_object('di_dkb', COALESCE(in_dkb, FALSE), 'kode_desa', kode_desa)"
        elif rule.check == "tidak_pindah":
            body = "json_object('pindah', CAST(pindah AS VARCHAR))"
        elif rule.check in ("bukan_pbi", "bukan_ppu", "bukan_mandiri"):
            body = f"json_object('segmen_aktif', {groups})"
        elif rule.check == "bukan_formal":
            body = "json_object('pekerja_formal', formal_worker, 'pemberi_kerja', employer)"
        else:
            body = f"json_object('desil', desil, 'desil_berlaku', {_lit(rules.desil_text)})"
        parts.append(f"WHEN {_lit(rule.code)} THEN {body}")
    admitted = (
        f"json_object('desil', desil, 'kode_desa', kode_desa, 'segmen_aktif', {groups}, "
        "'rekomendasi', rekomendasi_nomor)"
    )
    return f"CAST(CASE {code} {' '.join(parts)} ELSE {admitted} END AS VARCHAR)"


def flags_sql(rules: EligibilityRules, period_end: date) -> dict[str, str]:
    """SQL for :func:`vulnerability` over tanggal_lahir, rekomendasi_nomor, disabilitas,
    penyakit_kronis (age in full years at ``period_end``)."""
    end = f"DATE '{period_end.isoformat()}'"
    age = (
        f"(year({end}) - year(tanggal_lahir) - CASE WHEN month(tanggal_lahir) > month({end}) "
        f"OR (month(tanggal_lahir) = month({end}) AND day(tanggal_lahir) > day({end})) "
        f"THEN 1 ELSE 0 END)"
    )
    return {
        "rekomendasi_dinsos": "(rekomendasi_nomor IS NOT NULL)",
        "lansia": f"COALESCE({age} >= {rules.elderly_min_age}, FALSE)",
        "anak": f"COALESCE({age} <= {rules.child_max_age}, FALSE)",
        "disabilitas": "COALESCE(disabilitas, FALSE)",
        "penyakit_kronis": "COALESCE(penyakit_kronis, FALSE)",
    }


def rank_order_sql(rules: EligibilityRules) -> str:
    """ORDER BY for :func:`priority_key` over columns desil and the stored flag columns."""
    terms = []
    for name in rules.priority:
        if name == "desil":
            terms += ["(desil IS NULL)", "COALESCE(desil, 0)"]
        else:
            terms.append(f"(NOT {name})")
    return ", ".join([*terms, "person_id"])


# --- invoice findings -----------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceFinding:
    code: str
    office: str
    label: Bilingual
    action: Bilingual
    source: str


def invoice_findings(on: date, rule_file: str | Path = "eligibility") -> dict[str, InvoiceFinding]:
    """The invoice-check findings in force on ``on`` (eligibility.toml ``[[invoice]]``)."""
    version = rulebook.in_force(rule_file, "invoice", on)
    return {
        str(raw["code"]): InvoiceFinding(
            code=str(raw["code"]),
            office=str(raw["office"]),
            label=_bilingual(raw, "label"),
            action=_bilingual(raw, "action"),
            source=version.source,
        )
        for raw in version.tables("findings")
    }
