"""BPJS Kesehatan participant segments, grouped for UHC work.

The catalogue lives in ``data/rules/segments.toml`` (reference §6.2 names and codes, §6.4
labels; payers per Peraturan BPJS Kesehatan 5/2018 Pasal 3(1)). Six groups: ``PBI_APBN``,
``PBPU_BP_PEMDA``, ``PPU_PN``, ``PPU_BU``, ``PBPU_MANDIRI`` and ``BP``. Export names are matched
ignoring case, spacing and punctuation; numeric codes ignoring leading zeros.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

from semesta.core.rules import Version, packaged_rules
from semesta.core.text import Bilingual, SemestaError


@dataclass(frozen=True)
class SegmentGroup:
    """A segment group: display name, who pays, whether it is formal work (PPU), its aliases."""

    code: str
    name: Bilingual
    paid_by: str
    ppu: bool
    aliases: tuple[str, ...]
    codes: tuple[str, ...]


_MSG_UNKNOWN_GROUP = Bilingual(
    "kelompok segmen {group!r} tidak dikenal (yang ada: {known})",
    "unknown segment group {group!r} (known: {known})",
)
_MSG_DUPLICATE = Bilingual(
    "segments.toml: {alias!r} dipetakan ke {first} dan {second}",
    "segments.toml: {alias!r} is mapped to both {first} and {second}",
)


def segment_key(text: str) -> str:
    """``'PBI (APBN)'`` → ``'PBIAPBN'``; an all-digit code loses its leading zeros."""
    key = re.sub(r"[^0-9A-Z]", "", (text or "").upper())
    return key.lstrip("0") if key.isdigit() else key


def _catalogue(on: date | None = None) -> Version:
    rules = packaged_rules("segments")
    return rules.in_force("catalogue", on) if on else rules.versions("catalogue")[-1]


def _group(code: str, raw: Mapping[str, Any]) -> SegmentGroup:
    return SegmentGroup(
        code=code,
        name=Bilingual(str(raw["name_id"]), str(raw["name_en"])),
        paid_by=str(raw["paid_by"]),
        ppu=bool(raw["ppu"]),
        aliases=tuple(str(a) for a in raw["aliases"]),
        codes=tuple(str(c) for c in raw["codes"]),
    )


def _index(groups: Mapping[str, SegmentGroup]) -> Mapping[str, str]:
    """Every alias and code key → its group; an alias claimed by two groups is an error."""
    index: dict[str, str] = {}
    for group in groups.values():
        for alias in (*group.aliases, *group.codes, group.code):
            key = segment_key(alias)
            if index.get(key, group.code) != group.code:
                raise SemestaError(
                    _MSG_DUPLICATE.format(alias=alias, first=index[key], second=group.code)
                )
            index[key] = group.code
    return MappingProxyType(index)


_CATALOGUE = _catalogue()
SEGMENT_GROUPS: Mapping[str, SegmentGroup] = MappingProxyType(
    {code: _group(code, raw) for code, raw in _CATALOGUE.table("groups").items()}
)
PAYERS: Mapping[str, Bilingual] = MappingProxyType(
    {
        code: Bilingual(str(raw["name_id"]), str(raw["name_en"]))
        for code, raw in _CATALOGUE.table("payers").items()
    }
)
_INDEX = _index(SEGMENT_GROUPS)


def segment_group(text: str) -> str | None:
    """The group of a segment name or code as seen in exports, or None if unknown/ambiguous.

    ``"pbpu dan bp pemerintah daerah"`` → ``"PBPU_BP_PEMDA"``; ``"PBI (APBN)"`` and ``"21"`` →
    ``"PBI_APBN"``; ``"PBI"`` alone → None (reference §6.2: "PBI (APBD)" was the older name for
    PBPU-BP Pemda, so a bare "PBI" is ambiguous).
    """
    key = segment_key(text)
    return _INDEX.get(key) if key else None


def _known(group: str) -> SegmentGroup:
    if group not in SEGMENT_GROUPS:
        raise SemestaError(_MSG_UNKNOWN_GROUP.format(group=group, known=", ".join(SEGMENT_GROUPS)))
    return SEGMENT_GROUPS[group]


def is_ppu(group: str) -> bool:
    """True for the formal-work groups PPU_PN and PPU_BU (wage-based iuran, reference §1.5)."""
    return _known(group).ppu


def paid_by(group: str) -> str:
    """Who pays the group's iuran: ``apbn``, ``apbd``, ``employer_worker`` or ``participant``.

    Peraturan BPJS Kesehatan 5/2018 Pasal 3(1); display names in :data:`PAYERS`.
    """
    return _known(group).paid_by
