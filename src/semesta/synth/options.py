"""Options of the synthetic kabupaten: its size and how dirty each export is.

Defaults follow the references: the segment mix of Kab. Kotawaringin Timur on 1 Jun 2025
(reference §6.4: 451,026 participants of 454,515 residents) and an activity near the 76 % of
seed 003. Dirt rates are shares of the rows or people they apply to.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

from semesta.core import rules

# Share of residents per segment (reference §6.4, Kotim 1 Jun 2025, ÷ DKB 454,515).
SEGMENT_MIX = {
    "PBI_APBN": 117_811 / 454_515,
    "PBPU_BP_PEMDA": 117_934 / 454_515,
    "PPU_BU": 123_760 / 454_515,
    "PPU_PN": 36_825 / 454_515,
    "PBPU_MANDIRI": 48_699 / 454_515,
    "BP": 5_997 / 454_515,
}

# Share inactive per segment: inactive members are mostly mandiri in arrears and PPU badan
# usaha whose employer is in arrears (seed 003: activity 76.32 %).
INACTIVE_SHARE = {
    "PBI_APBN": 0.04,
    "PBPU_BP_PEMDA": 0.01,
    "PPU_BU": 0.42,
    "PPU_PN": 0.01,
    "PBPU_MANDIRI": 0.62,
    "BP": 0.10,
}


@dataclass(frozen=True)
class Dirt:
    """Rates of each kind of dirt. Every injected case is written to ``truth``."""

    nik_excel_damage: float = 0.010  # BPJS, DTSEN, DKB rows whose NIK Excel mangled
    name_variant: float = 0.030  # BPJS/DTSEN rows whose name is spelt differently
    duplicate_row: float = 0.003  # BPJS rows exported twice
    duplicate_person: float = 0.002  # people enrolled twice under two NIKs
    dead_still_active: float = 0.35  # share of the recently dead still active in BPJS
    death_list_only: float = 0.30  # share of deaths known from the death list, not yet in DKB
    moved_still_pemda: float = 0.60  # share of movers on the Pemda list who stay on it
    non_resident_pemda: float = 0.002  # Pemda list rows whose NIK is not in the DKB
    pbi_and_pemda: float = 0.005  # Pemda-paid people also enrolled as PBI APBN
    pemda_and_ppu: float = 0.003  # Pemda-paid people also enrolled as PPU
    formal_worker_pemda: float = 0.03  # formal workers enrolled on the Pemda list
    welloff_pemda: float = 0.02  # Pemda-paid people in desil above the threshold
    poor_uncovered: float = 0.010  # poor residents with no membership at all
    header_variants: bool = True  # exports use different column names


@dataclass(frozen=True)
class SynthOptions:
    region: str = "62.02"
    population: int = 454_515  # current residents (alive, not moved out)
    seed: int = 1
    period: str = "2025-06"  # the month of the BPJS list and the invoice
    dkb_as_of: date = date(2025, 6, 30)  # DKB Semester I 2025
    pemda_rate: int | None = None  # Rupiah a month per PBPU-BP Pemda participant; None: the
    # rate in force for the region (data/rules/pemda_rates.toml)
    # PBI JK desil range in force for the default DKB date (data/rules/dtsen.toml: desil 1–5)
    pbi_desil_max: int = field(
        default_factory=lambda: max(rules.desil_range("pbi_jk", date(2025, 6, 30)))
    )
    dtsen_share: float = 0.93  # residents found in DTSEN
    segment_mix: dict[str, float] = field(default_factory=lambda: dict(SEGMENT_MIX))
    inactive_share: dict[str, float] = field(default_factory=lambda: dict(INACTIVE_SHARE))
    dirt: Dirt = field(default_factory=Dirt)
    xlsx_max_rows: int = 1_048_575  # Excel's 1,048,576 rows a sheet, less the header

    def with_dirt(self, **rates: float) -> SynthOptions:
        known = {f.name for f in fields(Dirt)}
        unknown = set(rates) - known
        if unknown:
            raise ValueError(f"unknown dirt option(s): {sorted(unknown)}")
        values = {f.name: getattr(self.dirt, f.name) for f in fields(Dirt)} | rates
        return SynthOptions(
            **{f.name: getattr(self, f.name) for f in fields(self)} | {"dirt": Dirt(**values)}
        )
