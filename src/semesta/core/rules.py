"""Rules as versioned data: premiums, Pemda rates, UHC thresholds, award criteria, DTSEN deciles.

A yearly change is a data change. Each rule file in ``semesta/data/rules/*.toml`` has a
``[meta]`` table (name, description, unit) and one or more series, each an array of tables
``[[series]]``. A version carries ``effective_from`` (TOML date), an optional inclusive
``effective_to`` (absent = open-ended), a non-empty ``source`` (regulation + article, or
"reference §x.y" with the page it cites), an optional ``note`` and its values. Code asks
:func:`in_force` for the version in force on a date.

Value conventions, checked when a file is loaded:

* money is integer Rupiah (TOML int); TOML floats are refused everywhere;
* a key ending in ``_pct`` holds a percentage as a decimal string (``"98.6"``) and is read as
  :class:`decimal.Decimal`;
* a key ending in ``_parts`` is a table whose values must add up to the value of the same key
  without ``_parts`` (``kelas_3_parts`` adds up to ``kelas_3``);
* a key named ``criteria`` or ending in ``_criteria`` is a list of conditions on the metrics in
  :data:`METRICS`: ``{ metric = "active_pct", min = "80" }``, ``{ metric = "uhc_prioritas",
  is = true }``, or ``{ any_of = [[cond, ...], [cond, ...]] }`` (any one alternative, each an
  all-of list).

The module is pure: it reads only the package's own files (via :mod:`importlib.resources`) or a
path given explicitly (for tests).
"""

from __future__ import annotations

import bisect
import itertools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

from semesta.core.regions import canonical_code
from semesta.core.text import Bilingual, SemestaError

RULES_PACKAGE = "semesta.data.rules"
_RESERVED = ("effective_from", "effective_to", "source", "note")
_META_REQUIRED = ("name", "description", "unit")
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_ONE_DAY = timedelta(days=1)


# --- metrics that criteria may name -------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """A measured quantity a criterion can test: ``percent`` (compared with min/max) or ``flag``."""

    name: str
    kind: str
    description: Bilingual


METRICS: Mapping[str, Metric] = MappingProxyType(
    {
        m.name: m
        for m in (
            Metric(
                "coverage_pct",
                "percent",
                Bilingual(
                    "peserta JKN berdomisili di wilayah ÷ penduduk Dukcapil (DKB) × 100",
                    "JKN participants domiciled in the region ÷ Dukcapil population (DKB) × 100",
                ),
            ),
            Metric(
                "active_pct",
                "percent",
                Bilingual(
                    "peserta berstatus aktif ÷ jumlah penduduk × 100 (bukan ÷ peserta)",
                    "active participants ÷ population × 100 (not ÷ participants)",
                ),
            ),
            Metric(
                "pemda_registered_pct",
                "percent",
                Bilingual(
                    "penduduk yang didaftarkan Pemda (PBPU-BP Pemda) ÷ jumlah penduduk × 100",
                    "residents registered by the Pemda (PBPU-BP Pemda) ÷ population × 100",
                ),
            ),
            Metric(
                "uhc_prioritas",
                "flag",
                Bilingual("berstatus UHC prioritas (non cut-off)", "UHC prioritas (non cut-off)"),
            ),
            Metric(
                "pemda_iuran_paid_in_full",
                "flag",
                Bilingual(
                    "iuran PBPU-BP Pemda lunas (tanpa tunggakan Pemda)",
                    "PBPU-BP Pemda premiums paid in full (no Pemda arrears)",
                ),
            ),
            Metric(
                "jamkesda_integrated",
                "flag",
                Bilingual(
                    "Jamkesda terintegrasi ke JKN (penduduk didaftarkan sebagai PBPU-BP Pemda)",
                    "Jamkesda integrated into JKN (residents registered as PBPU-BP Pemda)",
                ),
            ),
        )
    }
)


@dataclass(frozen=True)
class Condition:
    """One test on one metric: ``minimum <= value <= maximum`` or ``value is equals``."""

    metric: str
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    equals: bool | None = None


@dataclass(frozen=True)
class AnyOf:
    """Satisfied when every condition of at least one alternative holds."""

    alternatives: tuple[tuple[Criterion, ...], ...]


Criterion = Condition | AnyOf


# --- versions and files -------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One version of one series, in force from ``effective_from`` to ``effective_to`` (incl.)."""

    effective_from: date
    effective_to: date | None
    source: str
    values: Mapping[str, Any] = field(hash=False)
    note: str | None = None
    rule_file: str = field(default="", compare=False)
    series: str = field(default="", compare=False)

    def covers(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def _get(self, key: str, kind: type | tuple[type, ...], kind_name: str) -> Any:
        value = self.values.get(key)
        bool_mismatch = isinstance(value, bool) is not (kind is bool)  # bool is an int subclass
        if value is None or bool_mismatch or not isinstance(value, kind):
            self._wrong(key, kind_name)
        return value

    def _wrong(self, key: str, kind_name: str) -> NoReturn:
        _fail(
            _MSG_VALUE,
            file=self.rule_file,
            series=self.series,
            start=self.effective_from,
            key=key,
            kind=kind_name,
        )

    def rupiah(self, key: str) -> int:
        """An integer Rupiah amount (or any integer, e.g. a desil)."""
        return int(self._get(key, int, "integer"))

    def percent(self, key: str) -> Decimal:
        """A percentage stored as a decimal string, e.g. ``Decimal("98.6")``."""
        return Decimal(self._get(key, Decimal, "percent"))

    def text(self, key: str) -> str:
        return str(self._get(key, str, "text"))

    def flag(self, key: str) -> bool:
        return bool(self._get(key, bool, "true/false"))

    def day(self, key: str) -> date:
        return self._get(key, date, "date")

    def parts(self, key: str) -> Mapping[str, Any]:
        """The ``<key>_parts`` table (already checked to add up to ``<key>``)."""
        return self.table(f"{key}_parts")

    def table(self, key: str) -> Mapping[str, Any]:
        return self._get(key, Mapping, "table")

    def tables(self, key: str) -> tuple[Mapping[str, Any], ...]:
        items = self._get(key, tuple, "array of tables")
        if not all(isinstance(item, Mapping) for item in items):
            self._wrong(key, "array of tables")
        return tuple(items)

    def criteria(self, key: str = "criteria") -> tuple[Criterion, ...]:
        items = self._get(key, tuple, "criteria")
        if not all(isinstance(item, Condition | AnyOf) for item in items):
            self._wrong(key, "criteria")
        return tuple(items)


@dataclass(frozen=True)
class RuleFile:
    """A loaded, validated rule file: its meta table and its series of versions."""

    name: str
    meta: Mapping[str, str]
    series: Mapping[str, tuple[Version, ...]]

    def versions(self, series: str) -> tuple[Version, ...]:
        if series not in self.series:
            _fail(_MSG_NO_SERIES, file=self.name, series=series, known=", ".join(self.series))
        return self.series[series]

    def find(self, series: str, on: date) -> Version | None:
        """The version of ``series`` in force on ``on``, or None."""
        versions = self.versions(series)
        starts = [v.effective_from for v in versions]
        index = bisect.bisect_right(starts, on) - 1
        if index >= 0 and versions[index].covers(on):
            return versions[index]
        return None

    def in_force(self, series: str, on: date) -> Version:
        """The version of ``series`` in force on ``on``; SemestaError if there is none."""
        version = self.find(series, on)
        if version is None:
            versions = self.versions(series)
            last = versions[-1].effective_to
            _fail(
                _MSG_NOT_IN_FORCE,
                on=on,
                file=self.name,
                series=series,
                first=versions[0].effective_from,
                last=last if last is not None else "…",
            )
        return version


# --- messages -----------------------------------------------------------------------------

_MSG_TOML = Bilingual("{file}: bukan TOML yang sah: {error}", "{file}: not valid TOML: {error}")
_MSG_META = Bilingual(
    "{file}: tabel [meta] harus berisi teks tidak kosong untuk {key!r}",
    "{file}: the [meta] table must hold a non-empty text for {key!r}",
)
_MSG_NO_SERIES_IN_FILE = Bilingual(
    "{file}: tidak ada seri [[...]] sama sekali", "{file}: no [[...]] series at all"
)
_MSG_NOT_ARRAY = Bilingual(
    "{file}: {series!r} harus berupa array tabel [[{series}]] yang tidak kosong",
    "{file}: {series!r} must be a non-empty array of tables [[{series}]]",
)
_MSG_DATE = Bilingual(
    "{file} [[{series}]] versi ke-{index}: {key} harus berupa tanggal TOML (YYYY-MM-DD)",
    "{file} [[{series}]] version #{index}: {key} must be a TOML date (YYYY-MM-DD)",
)
_MSG_REVERSED = Bilingual(
    "{file} [[{series}]]: versi mulai {start} berakhir {end}, sebelum tanggal mulainya",
    "{file} [[{series}]]: the version from {start} ends on {end}, before it starts",
)
_MSG_SOURCE = Bilingual(
    "{file} [[{series}]]: versi mulai {start} tidak menyebut sumber (source)",
    "{file} [[{series}]]: the version from {start} names no source",
)
_MSG_ORDER = Bilingual(
    "{file} [[{series}]]: versi harus urut dari yang terlama; {start} muncul setelah {previous}",
    "{file} [[{series}]]: versions must be listed oldest first; {start} comes after {previous}",
)
_MSG_OPEN_NOT_LAST = Bilingual(
    "{file} [[{series}]]: versi mulai {start} tanpa effective_to bukan versi terakhir "
    "(versi berikutnya mulai {next})",
    "{file} [[{series}]]: the open-ended version from {start} is not the last one "
    "(the next starts on {next})",
)
_MSG_OVERLAP = Bilingual(
    "{file} [[{series}]]: versi mulai {start} tumpang tindih dengan versi {previous}–{end}",
    "{file} [[{series}]]: the version from {start} overlaps the version {previous}..{end}",
)
_MSG_GAP = Bilingual(
    "{file} [[{series}]]: celah tanpa aturan dari {gap_from} sampai {gap_to}",
    "{file} [[{series}]]: gap with no rule from {gap_from} to {gap_to}",
)
_MSG_BAD_VALUE = Bilingual(
    "{where}: {key} = {value!r} tidak diterima ({why})",
    "{where}: {key} = {value!r} is not accepted ({why_en})",
)
_MSG_PARTS = Bilingual(
    "{where}: bagian {key}_parts berjumlah {total}, bukan {key} = {expected}",
    "{where}: the parts {key}_parts add up to {total}, not {key} = {expected}",
)
_MSG_CRITERION = Bilingual(
    "{where}: kriteria {key} tidak sah: {raw!r}", "{where}: invalid criterion in {key}: {raw!r}"
)
_MSG_NOT_IN_FORCE = Bilingual(
    "tidak ada aturan yang berlaku pada {on}: {file} [[{series}]] mencakup {first} – {last}",
    "no rule in force on {on}: {file} [[{series}]] covers {first} .. {last}",
)
_MSG_NO_SERIES = Bilingual(
    "{file}: tidak ada seri {series!r} (yang ada: {known})",
    "{file}: no series {series!r} (known: {known})",
)
_MSG_NO_FILE = Bilingual(
    "tidak ada berkas aturan {name!r} (yang ada: {known})",
    "no rule file {name!r} (known: {known})",
)
_MSG_VALUE = Bilingual(
    "{file} [[{series}]] versi mulai {start}: {key} tidak ada atau bukan {kind}",
    "{file} [[{series}]] version from {start}: {key} is missing or not {kind}",
)
_MSG_REGION = Bilingual(
    "kode wilayah {code!r} bukan kode provinsi (PP) atau kabupaten/kota (PP.KK)",
    "region code {code!r} is not a province (PP) or kabupaten/kota (PP.KK) code",
)
_MSG_VARIANT = Bilingual(
    "{file}: varian {variant!r} tidak dikenal untuk {on} (yang ada: {known})",
    "{file}: unknown variant {variant!r} on {on} (known: {known})",
)
_MSG_AWARD = Bilingual(
    "{file} [[award]] versi mulai {start}: kategori {category!r} tidak sah ({why})",
    "{file} [[award]] version from {start}: invalid category {category!r} ({why})",
)


def _fail(message: Bilingual, **values: object) -> NoReturn:
    raise SemestaError(message.format(**values))


# --- loading ------------------------------------------------------------------------------


def parse_rule_text(text: str, name: str) -> RuleFile:
    """Parse and validate one rule file's TOML ``text``; ``name`` is used in error messages."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        _fail(_MSG_TOML, file=name, error=error)
    meta = _meta(name, document.pop("meta", None))
    if not document:
        _fail(_MSG_NO_SERIES_IN_FILE, file=name)
    series = {key: _series(name, key, raw) for key, raw in document.items()}
    return RuleFile(name=name, meta=MappingProxyType(meta), series=MappingProxyType(series))


def load_rule_file(path: str | Path) -> RuleFile:
    """Load and validate a rule file from an explicit path (uncached; for tests and review)."""
    path = Path(path)
    return parse_rule_text(path.read_text(encoding="utf-8"), path.name)


@cache
def packaged_rules(name: str) -> RuleFile:
    """A packaged rule file by name (``"premiums"`` or ``"premiums.toml"``), loaded once."""
    filename = name if name.endswith(".toml") else f"{name}.toml"
    if filename not in packaged_rule_files():
        _fail(_MSG_NO_FILE, name=name, known=", ".join(packaged_rule_files()))
    text = resources.files(RULES_PACKAGE).joinpath(filename).read_text(encoding="utf-8")
    return parse_rule_text(text, filename)


@cache
def packaged_rule_files() -> tuple[str, ...]:
    """File names of every packaged rule file, sorted."""
    files = resources.files(RULES_PACKAGE).iterdir()
    return tuple(sorted(f.name for f in files if f.name.endswith(".toml")))


def in_force(rule_file: str | Path, series: str, on: date) -> Version:
    """The version of ``series`` in force on ``on``.

    ``rule_file`` names a packaged file (``"premiums"``); a :class:`~pathlib.Path` is read from
    disk instead (for tests). Both are cached.
    """
    if isinstance(rule_file, Path):
        stat = rule_file.stat()
        return _path_rules(rule_file.resolve(), stat.st_mtime_ns, stat.st_size).in_force(series, on)
    return packaged_rules(rule_file).in_force(series, on)


@cache
def _path_rules(path: Path, mtime_ns: int, size: int) -> RuleFile:
    return load_rule_file(path)


def _meta(name: str, raw: object) -> dict[str, str]:
    if not isinstance(raw, dict):
        _fail(_MSG_META, file=name, key="name")
    for key in _META_REQUIRED:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            _fail(_MSG_META, file=name, key=key)
    return {key: str(value) for key, value in raw.items()}


def _series(name: str, series: str, raw: object) -> tuple[Version, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(v, dict) for v in raw):
        _fail(_MSG_NOT_ARRAY, file=name, series=series)
    versions = tuple(_version(name, series, i + 1, item) for i, item in enumerate(raw))
    _check_chain(name, series, versions)
    return versions


def _date(name: str, series: str, index: int, raw: dict[str, Any], key: str) -> date | None:
    value = raw.get(key)
    if value is None and key == "effective_to":
        return None
    if not isinstance(value, date) or isinstance(value, datetime):
        _fail(_MSG_DATE, file=name, series=series, index=index, key=key)
    return value


def _version(name: str, series: str, index: int, raw: dict[str, Any]) -> Version:
    start = _date(name, series, index, raw, "effective_from")
    assert start is not None
    end = _date(name, series, index, raw, "effective_to")
    if end is not None and end < start:
        _fail(_MSG_REVERSED, file=name, series=series, start=start, end=end)
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        _fail(_MSG_SOURCE, file=name, series=series, start=start)
    note = raw.get("note")
    where = f"{name} [[{series}]] {start}"
    values = {k: v for k, v in raw.items() if k not in _RESERVED}
    return Version(
        effective_from=start,
        effective_to=end,
        source=source.strip(),
        values=_mapping(values, where),
        note=note if isinstance(note, str) else None,
        rule_file=name,
        series=series,
    )


def _check_chain(name: str, series: str, versions: tuple[Version, ...]) -> None:
    """Each next version starts exactly one day after the previous one ends."""
    for previous, current in itertools.pairwise(versions):
        kw = {"file": name, "series": series, "start": current.effective_from}
        if current.effective_from < previous.effective_from:
            _fail(_MSG_ORDER, previous=previous.effective_from, **kw)
        if previous.effective_to is None:
            _fail(
                _MSG_OPEN_NOT_LAST,
                file=name,
                series=series,
                start=previous.effective_from,
                next=current.effective_from,
            )
        expected = previous.effective_to + _ONE_DAY
        if current.effective_from < expected:
            _fail(_MSG_OVERLAP, previous=previous.effective_from, end=previous.effective_to, **kw)
        if current.effective_from > expected:
            _fail(
                _MSG_GAP,
                file=name,
                series=series,
                gap_from=expected,
                gap_to=current.effective_from - _ONE_DAY,
            )


# --- value normalisation ------------------------------------------------------------------


def _bad(where: str, key: str, value: object, why: str, why_en: str) -> NoReturn:
    _fail(_MSG_BAD_VALUE, where=where, key=key, value=value, why=why, why_en=why_en)


def _mapping(raw: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    values = {key: _value(key, value, where) for key, value in raw.items()}
    for key in values:
        if key.endswith("_parts"):
            _check_parts(values, key[: -len("_parts")], where)
    return MappingProxyType(values)


def _value(key: str, value: Any, where: str) -> Any:
    if key == "criteria" or key.endswith("_criteria"):
        return _criteria(key, value, where)
    if isinstance(value, float):
        _bad(where, key, value, "bilangan pecahan (float) dilarang", "floats are not allowed")
    if isinstance(value, datetime | time):
        _bad(where, key, value, "hanya tanggal tanpa jam", "only dates without a time")
    if key.endswith("_pct"):
        return _percent(key, value, where)
    if isinstance(value, dict):
        return _mapping(value, where)
    if isinstance(value, list):
        return tuple(_value(key, item, where) for item in value)
    return value


def _percent(key: str, value: Any, where: str) -> Decimal:
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value.strip()):
        _bad(
            where,
            key,
            value,
            'persen ditulis sebagai teks desimal, mis. "98.6"',
            'percentages are decimal strings, e.g. "98.6"',
        )
    return Decimal(value.strip())


def _check_parts(values: Mapping[str, Any], key: str, where: str) -> None:
    parts = values[f"{key}_parts"]
    expected = values.get(key)
    numbers = (int, Decimal)
    if not isinstance(parts, Mapping) or not parts or expected is None:
        _bad(
            where,
            f"{key}_parts",
            parts,
            f"perlu tabel bagian dan {key}",
            f"needs a table of parts and {key}",
        )
    if any(isinstance(v, bool) or not isinstance(v, numbers) for v in [expected, *parts.values()]):
        _bad(
            where, f"{key}_parts", dict(parts), "bagian harus berupa angka", "parts must be numbers"
        )
    total = sum(parts.values())
    if total != expected:
        _fail(_MSG_PARTS, where=where, key=key, total=total, expected=expected)


def _criteria(key: str, raw: Any, where: str) -> tuple[Criterion, ...]:
    if not isinstance(raw, list) or not raw:
        _fail(_MSG_CRITERION, where=where, key=key, raw=raw)
    return tuple(_criterion(key, item, where) for item in raw)


def _criterion(key: str, raw: Any, where: str) -> Criterion:
    if not isinstance(raw, dict):
        _fail(_MSG_CRITERION, where=where, key=key, raw=raw)
    if "any_of" in raw:
        return _any_of(key, raw, where)
    return _condition(key, raw, where)


def _any_of(key: str, raw: dict[str, Any], where: str) -> AnyOf:
    alternatives = raw["any_of"]
    if set(raw) - {"any_of", "note"} or not isinstance(alternatives, list):
        _fail(_MSG_CRITERION, where=where, key=key, raw=raw)
    if len(alternatives) < 2:
        _fail(_MSG_CRITERION, where=where, key=key, raw=raw)
    return AnyOf(tuple(_criteria(key, alternative, where) for alternative in alternatives))


def _condition(key: str, raw: dict[str, Any], where: str) -> Condition:
    name = raw.get("metric")
    metric = METRICS.get(name) if isinstance(name, str) else None
    if metric is None or set(raw) - {"metric", "min", "max", "is", "note"}:
        _fail(_MSG_CRITERION, where=where, key=key, raw=raw)
    if metric.kind == "flag":
        if set(raw) & {"min", "max"} or not isinstance(raw.get("is"), bool):
            _fail(_MSG_CRITERION, where=where, key=key, raw=raw)
        return Condition(metric.name, equals=raw["is"])
    if "is" in raw or not set(raw) & {"min", "max"}:
        _fail(_MSG_CRITERION, where=where, key=key, raw=raw)
    low = _percent(f"{key}.min", raw["min"], where) if "min" in raw else None
    high = _percent(f"{key}.max", raw["max"], where) if "max" in raw else None
    return Condition(metric.name, minimum=low, maximum=high)


# --- small typed accessors ----------------------------------------------------------------


def pbi_premium(on: date) -> int:
    """Iuran PBI JK per person per month (Perpres 75/2019 Pasal 29; Perpres 64/2020 Pasal 29)."""
    return in_force("premiums", "pbi", on).rupiah("rate")


def pbpu_premium(kelas: int, on: date) -> int:
    """Total iuran PBPU/BP mandiri for ``kelas`` 1–3 (Perpres 64/2020 Pasal 34; reference §1.2)."""
    return in_force("premiums", "pbpu", on).rupiah(f"kelas_{kelas}")


def _region_series(region_code: str) -> str:
    code = canonical_code(region_code)
    if code is None or len(code) not in (2, 5):
        _fail(_MSG_REGION, code=region_code)
    return "r" + code.replace(".", "_")


def pemda_rate(region_code: str, on: date) -> int:
    """Rupiah a Pemda pays per PBPU-BP Pemda participant per month on ``on``.

    Uses the region's own series in ``pemda_rates.toml`` (e.g. ``r17_03`` Kabupaten Bengkulu
    Utara, Rp 37.800 from 2023, seed 001 Tabel 1) when one is in force, else ``default`` (the
    Perpres 75/2019 Pasal 29 rate). Practice varies by Pemda (reference §1.4).
    """
    rates = packaged_rules("pemda_rates")
    key = _region_series(region_code)
    version = rates.find(key, on) if key in rates.series else None
    return (version or rates.in_force("default", on)).rupiah("rate")


def uhc_prioritas_criteria(on: date) -> tuple[Criterion, ...]:
    """Conditions for UHC prioritas (non cut-off) status on ``on`` (uhc.toml; reference §2.3)."""
    return in_force("uhc", "prioritas", on).criteria()


def desil_range(program: str, on: date) -> range:
    """DTSEN deciles eligible for ``program`` (``pbi_jk``, ``pkh``, ``sembako``); reference §5.2."""
    version = in_force("dtsen", program, on)
    return range(version.rupiah("desil_min"), version.rupiah("desil_max") + 1)


@dataclass(frozen=True)
class AwardCategory:
    """One UHC Award category; ``criteria`` is None when its thresholds were never published.

    ``unstated`` lists conditions the sources mention without a usable number.
    """

    name: str
    label: str
    criteria: tuple[Criterion, ...] | None
    unstated: tuple[str, ...]
    source: str
    variant: str | None


@dataclass(frozen=True)
class AwardRules:
    """UHC Award criteria in force on a date: ``minimum`` applies to every category."""

    award_year: int
    held_on: date | None
    minimum: tuple[Criterion, ...]
    categories: tuple[AwardCategory, ...]
    variant: str | None
    version: Version


def award_rules(on: date, variant: str | None = None) -> AwardRules:
    """UHC Award criteria in force on ``on`` (uhc_award.toml; reference §2.4).

    For award year Y ask ``award_rules(date(Y, 1, 1))``. ``variant`` selects an alternative
    reading of a category (e.g. ``"madya_keaktifan_98"`` for 2026); the categories it names
    replace the default ones.
    """
    version = in_force("uhc_award", "award", on)
    entries = [_award_category(version, raw) for raw in version.tables("categories")]
    variants = sorted({c.variant for c in entries if c.variant is not None})
    if variant is not None and variant not in variants:
        _fail(
            _MSG_VARIANT,
            file=version.rule_file,
            variant=variant,
            on=on,
            known=", ".join(variants) or "-",
        )
    replaced = {c.name for c in entries if variant is not None and c.variant == variant}
    categories = [
        c
        for c in entries
        if (c.variant is None and c.name not in replaced)
        or (variant is not None and c.variant == variant)
    ]
    held = version.values.get("held_on")
    return AwardRules(
        award_year=version.rupiah("award_year"),
        held_on=held if isinstance(held, date) else None,
        minimum=version.criteria("minimum_criteria"),
        categories=tuple(sorted(categories, key=lambda c: _rank(entries, c))),
        variant=variant,
        version=version,
    )


def award_variants(on: date) -> tuple[str, ...]:
    """Names of the alternative readings available for the award criteria in force on ``on``."""
    version = in_force("uhc_award", "award", on)
    return tuple(
        sorted({str(raw["variant"]) for raw in version.tables("categories") if "variant" in raw})
    )


def _rank(entries: list[AwardCategory], category: AwardCategory) -> int:
    return next(i for i, c in enumerate(entries) if c.name == category.name)


def _award_category(version: Version, raw: Mapping[str, Any]) -> AwardCategory:
    name = raw.get("name")
    criteria = raw.get("criteria")
    published = raw.get("criteria_published", True)
    why = None
    if not isinstance(name, str) or not isinstance(raw.get("label"), str):
        why = "name/label"
    elif criteria is None and published is not False:
        why = "criteria missing without criteria_published = false"
    elif criteria is not None and published is False:
        why = "criteria given but criteria_published = false"
    if why is not None:
        _fail(
            _MSG_AWARD, file=version.rule_file, start=version.effective_from, category=name, why=why
        )
    variant = raw.get("variant")
    return AwardCategory(
        name=str(name),
        label=str(raw["label"]),
        criteria=tuple(criteria) if criteria is not None else None,
        unstated=tuple(str(u) for u in raw.get("unstated", ())),
        source=str(raw.get("source", version.source)),
        variant=str(variant) if variant is not None else None,
    )
