"""Kemendagri region codes: provinsi → kabupaten/kota → kecamatan → desa/kelurahan.

The codes come from Kepmendagri 300.2.2-2138/2025 via the vendored npm package idn-area-data
(see data/regions/ATTRIBUTION.md). Coding rules (Permendagri 58/2021, reference §4): province
``PP``, kabupaten/kota ``PP.KK`` (01–69 kabupaten, 71–99 kota), kecamatan ``PP.KK.CC``, desa
``PP.KK.CC.NNNN`` whose first N is 1 for a kelurahan, 2 for a desa and 3 for a desa adat.
Codes have gaps: never assume contiguous numbering.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

LEVELS = ("provinsi", "kabupaten", "kecamatan", "desa")
_LEVEL_BY_DIGITS = {2: "provinsi", 4: "kabupaten", 6: "kecamatan", 10: "desa"}
_NAME_PREFIXES = {
    "kabupaten": ("KABUPATEN", "KAB"),
    "kecamatan": ("KECAMATAN", "KEC"),
    "desa": ("KELURAHAN", "DESA", "KEL", "DS"),
    "provinsi": ("PROVINSI", "PROV"),
}


@dataclass(frozen=True)
class Region:
    code: str  # dotted, e.g. "62.02.01.1009"
    name: str
    level: str  # one of LEVELS
    parent_code: str | None

    @property
    def digits(self) -> str:
        return self.code.replace(".", "")

    @property
    def kind(self) -> str:
        """kabupaten/kota for level 2, desa/kelurahan/desa adat for level 4, else the level."""
        if self.level == "kabupaten":
            return "kota" if int(self.code[3:5]) >= 71 else "kabupaten"
        if self.level == "desa":
            return {"1": "kelurahan", "2": "desa", "3": "desa adat"}.get(self.code[9], "desa")
        return self.level


def canonical_code(code: str) -> str | None:
    """``'6202011009'``, ``'62.02.01.1009'`` or ``' 62 02 '`` → the dotted code, or None."""
    digits = re.sub(r"\D", "", code or "")
    if len(digits) not in _LEVEL_BY_DIGITS:
        return None
    parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(p for p in parts if p)


def name_key(name: str, level: str | None = None) -> str:
    """A name reduced for lookup: case, spacing, punctuation and the level's prefix ignored."""
    text = re.sub(r"[^A-Z0-9 ]", " ", (name or "").upper())
    words = text.split()
    prefixes = _NAME_PREFIXES.get(level or "", ()) if level else sum(_NAME_PREFIXES.values(), ())
    while len(words) > 1 and words[0] in prefixes:
        words = words[1:]
    return "".join(words)


def _names_a_kabupaten(name: str) -> bool:
    """True for "Kab. Bogor": it names Kabupaten Bogor, not Kota Bogor ("Bogor" finds both)."""
    words = re.sub(r"[^A-Z0-9 ]", " ", (name or "").upper()).split()
    return len(words) > 1 and words[0] in _NAME_PREFIXES["kabupaten"]


def _name_keys(region: Region) -> set[str]:
    """A kota is also found without its "Kota" prefix ("Palangkaraya")."""
    key = name_key(region.name, region.level)
    if region.kind == "kota" and key.startswith("KOTA"):
        return {key, key[4:]}
    return {key}


class RegionIndex:
    """All regions of one Kemendagri vintage, by code and by name, with the hierarchy."""

    def __init__(self, regions: list[Region], legacy_kabupaten: dict[str, str] | None = None):
        self._by_code = {r.code: r for r in regions}
        self._children: dict[str | None, list[Region]] = defaultdict(list)
        self._by_name: dict[tuple[str, str], list[Region]] = defaultdict(list)
        for region in regions:
            self._children[region.parent_code].append(region)
            for key in _name_keys(region):
                self._by_name[(region.level, key)].append(region)
        self.legacy_kabupaten = legacy_kabupaten or {}

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Region]:
        return iter(self._by_code.values())

    def get(self, code: str) -> Region | None:
        dotted = canonical_code(code)
        return self._by_code.get(dotted) if dotted else None

    def children(self, code: str | None = None) -> list[Region]:
        """The regions one level down; ``None`` gives the provinces, a malformed code nothing."""
        key = canonical_code(code) if code else None
        if code and key is None:
            return []
        return list(self._children.get(key, []))

    def descendants(self, code: str, level: str) -> list[Region]:
        """Every region at ``level`` inside ``code`` (e.g. all desa of a kabupaten)."""
        found: list[Region] = []
        todo = self.children(code)
        while todo:
            region = todo.pop(0)
            if region.level == level:
                found.append(region)
            else:
                todo.extend(self.children(region.code))
        return sorted(found, key=lambda r: r.code)

    def ancestors(self, code: str) -> list[Region]:
        """From the province down to the region itself."""
        chain: list[Region] = []
        region = self.get(code)
        while region is not None:
            chain.append(region)
            region = self._by_code.get(region.parent_code) if region.parent_code else None
        return chain[::-1]

    def find(self, name: str, level: str | None = None, within: str | None = None) -> list[Region]:
        """Regions whose name matches, ignoring case, spacing and prefixes such as "Desa"/"Kel."."""
        levels = [level] if level else list(LEVELS)
        scope = canonical_code(within) if within else None
        if within and scope is None:
            return []  # a malformed scope must not widen the search to the whole country
        no_kota = _names_a_kabupaten(name)
        found = [
            region
            for lv in levels
            for region in self._by_name.get((lv, name_key(name, lv)), [])
            if (scope is None or region.code.startswith(scope + ".") or region.code == scope)
            and not (no_kota and region.kind == "kota")
        ]
        return sorted(found, key=lambda r: r.code)

    def is_kabupaten_prefix(self, digits4: str) -> bool:
        """True when ``PPKK`` is a kabupaten/kota code of this or an earlier vintage (NIK check)."""
        dotted = f"{digits4[:2]}.{digits4[2:4]}"
        return dotted in self._by_code or dotted in self.legacy_kabupaten

    def kabupaten_prefixes(self) -> set[str]:
        """Every ``PPKK`` accepted as a NIK prefix, current and legacy."""
        current = {r.digits for r in self if r.level == "kabupaten"}
        return current | {code.replace(".", "") for code in self.legacy_kabupaten}


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("semesta.data.regions").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def regions() -> RegionIndex:
    """The packaged Kemendagri 2025 vintage (loaded once)."""
    loaded: list[Region] = []
    for file_name, level, parent in (
        ("provinces.csv", "provinsi", None),
        ("regencies.csv", "kabupaten", "province_code"),
        ("districts.csv", "kecamatan", "regency_code"),
        ("villages.csv", "desa", "district_code"),
    ):
        for row in _read_csv(file_name):
            loaded.append(Region(row["code"], row["name"], level, row[parent] if parent else None))
    legacy = {row["code"]: row["name"] for row in _read_csv("legacy_kabupaten.csv")}
    return RegionIndex(loaded, legacy)
