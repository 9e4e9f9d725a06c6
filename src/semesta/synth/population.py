"""The ground truth of a synthetic kabupaten: its residents, families, welfare and membership.

Everything is vectorised with NumPy so that five million residents take seconds. One array per
attribute, indexed by person id; exports (with their dirt) are derived from it in exports.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from semesta.core.regions import regions
from semesta.core.text import Bilingual, SemestaError
from semesta.synth import names
from semesta.synth.options import SynthOptions

SEGMENTS = ("PBI_APBN", "PBPU_BP_PEMDA", "PPU_BU", "PPU_PN", "PBPU_MANDIRI", "BP")
NONE = -1  # no membership

# Desil distribution of residents (1 = poorest national decile); a kabupaten outside Java is
# poorer than the national average, so desil 1–5 hold ~62 % (enough for PBI + Pemda lists).
DESIL_WEIGHTS = np.array([0.14, 0.14, 0.13, 0.11, 0.10, 0.09, 0.08, 0.08, 0.07, 0.06])
# How likely each segment is for a family of each desil (relative weights, desil 1..10).
SEGMENT_DESIL_PREFERENCE = {
    "PBI_APBN": (6, 6, 5, 4, 3, 0, 0, 0, 0, 0),
    "PBPU_BP_PEMDA": (3, 3, 4, 4, 4, 0, 0, 0, 0, 0),
    "PPU_BU": (1, 1, 2, 3, 3, 4, 4, 3, 3, 2),
    "PPU_PN": (0, 0, 0, 1, 1, 3, 4, 5, 5, 5),
    "PBPU_MANDIRI": (1, 1, 1, 2, 2, 4, 4, 4, 4, 4),
    "BP": (0, 0, 0, 1, 1, 2, 2, 3, 3, 4),
}
RELATIONS = ("KEPALA KELUARGA", "ISTRI", "SUAMI", "ANAK", "ORANG TUA", "FAMILI LAIN")


@dataclass
class Population:
    """Ground truth arrays, one entry per person (residents, the dead, movers, outsiders)."""

    options: SynthOptions
    desa_codes: np.ndarray  # str, per desa index
    person_desa: np.ndarray  # int desa index
    family: np.ndarray  # int family id
    relation: np.ndarray  # int index into RELATIONS
    female: np.ndarray  # bool
    birth: np.ndarray  # datetime64[D]
    first: np.ndarray  # int index into the sex's first-name list
    second: np.ndarray  # int index into SECOND, or -1 for a single name
    nik: pa.Array  # str
    kk: pa.Array  # str (per person, the family's KK)
    died_on: np.ndarray  # datetime64[D], NaT if alive
    moved_on: np.ndarray  # datetime64[D], NaT if not moved out
    resident: np.ndarray  # bool: in the DKB as a current resident (alive, not moved)
    in_dkb: np.ndarray  # bool: appears in the DKB at all
    desil: np.ndarray  # int 1..10 (latent welfare)
    in_dtsen: np.ndarray  # bool
    segment: np.ndarray  # int index into SEGMENTS or NONE
    kelas: np.ndarray  # int 1..3
    active: np.ndarray  # bool
    noka: pa.Array  # str, 13 digits

    @property
    def size(self) -> int:
        return len(self.family)

    def full_names(self) -> pa.Array:
        male = pa.array(names.MALE_FIRST).take(pa.array(np.where(self.female, 0, self.first)))
        female = pa.array(names.FEMALE_FIRST).take(pa.array(np.where(self.female, self.first, 0)))
        first = pc.if_else(pa.array(self.female), female, male)
        second = pa.array(names.SECOND).take(pa.array(np.maximum(self.second, 0)))
        joined = pc.binary_join_element_wise(first, second, " ")
        return pc.if_else(pa.array(self.second >= 0), joined, first)


def build(options: SynthOptions) -> Population:
    """Draw the whole kabupaten. Same options and seed, same population."""
    rng = np.random.default_rng(options.seed)
    desa_codes = _desa_codes(options.region)
    n_dead = max(1, int(options.population * 0.012))
    n_moved = max(1, int(options.population * 0.008))
    total = options.population + n_dead + n_moved

    family, relation, female, age_days = _families(rng, total)
    n_families = int(family.max()) + 1
    family_desa = _pick_desa(rng, desa_codes, n_families)
    person_desa = family_desa[family]
    as_of = np.datetime64(options.dkb_as_of, "D")
    birth = as_of - age_days

    died_on, moved_on = _deaths_and_moves(rng, age_days, as_of, n_dead, n_moved)
    resident = np.isnat(died_on) & np.isnat(moved_on)

    first = np.where(
        female,
        rng.integers(0, len(names.FEMALE_FIRST), total),
        rng.integers(0, len(names.MALE_FIRST), total),
    )
    single_name = rng.random(total) < 0.25
    second = np.where(single_name, -1, rng.integers(0, len(names.SECOND), total))

    family_desil = rng.choice(np.arange(1, 11), size=n_families, p=DESIL_WEIGHTS)
    desil = family_desil[family]
    family_segment = _segments(rng, family_desil, options)
    segment = family_segment[family]
    in_dtsen = (rng.random(total) < _dtsen_share(desil, options)) | (segment == 0)

    nik = _niks(rng, desa_codes[person_desa], birth, female, options)
    kk = _kks(rng, desa_codes[family_desa], n_families, options).take(pa.array(family))
    kelas = _kelas(rng, segment)
    active = rng.random(total) >= _inactive_share(segment, options)
    noka = _nokas(rng, total)
    return Population(
        options,
        desa_codes,
        person_desa,
        family,
        relation,
        female,
        birth,
        first,
        second,
        nik,
        kk,
        died_on,
        moved_on,
        resident,
        np.ones(total, bool),
        desil,
        in_dtsen,
        segment,
        kelas,
        active,
        noka,
    )


def _desa_codes(region: str) -> np.ndarray:
    index = regions()
    kabupaten = index.get(region)
    if kabupaten is None or kabupaten.level != "kabupaten":
        raise SemestaError(
            Bilingual(
                f"Kode wilayah '{region}' bukan kabupaten/kota yang dikenal (Kepmendagri 2025).",
                f"Region code '{region}' is not a known kabupaten/kota (Kepmendagri 2025).",
            )
        )
    return np.array([d.digits for d in index.descendants(kabupaten.code, "desa")])


def _families(rng: np.random.Generator, total: int):
    """Households of 1–9 people (mean ≈ 3.4): head, spouse, children, sometimes a parent."""
    sizes = np.minimum(1 + rng.poisson(2.4, size=total // 2 + 10), 9)
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), total) + 1]
    sizes[-1] -= int(sizes.sum()) - total
    sizes = sizes[sizes > 0]
    family = np.repeat(np.arange(len(sizes)), sizes)
    position = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)

    head_female = rng.random(len(sizes)) < 0.13
    # Heads mostly 35-60, at most 79 (so their parent is at most 99). With spouses, children
    # and parents this gives ~29 % under 15, ~67 % 15-64 and ~4 % 65+ (BPS Kalimantan Tengah,
    # SP2020: 24.9 / 71.4 / 3.7 %); ages drawn evenly up to 80 gave 13 % aged 65+.
    head_age = (np.clip(rng.normal(47, 12, len(sizes)), 20, 79) * 365).astype("int64")
    has_spouse = (rng.random(len(sizes)) < 0.85) & (sizes >= 2)
    has_parent = (rng.random(len(sizes)) < 0.12) & (sizes >= 4)

    relation = np.full(total, 3)  # ANAK
    relation[position == 0] = 0
    spouse = (position == 1) & has_spouse[family]
    relation[spouse] = np.where(head_female[family][spouse], 2, 1)
    last = position == (sizes[family] - 1)
    parent = last & has_parent[family] & (position >= 2)
    relation[parent] = 4
    other = (relation == 3) & (rng.random(total) < 0.03)
    relation[other] = 5

    female = np.where(relation == 0, head_female[family], rng.random(total) < 0.5)
    female[relation == 1] = True
    female[relation == 2] = False
    h = head_age[family]
    age = np.where(relation == 0, h, 0)
    age = np.where(
        (relation == 1) | (relation == 2),
        np.clip(h + rng.normal(-3, 4, total) * 365, 17 * 365, 90 * 365),
        age,
    )
    child_max = np.maximum(h - 18 * 365, 30)
    age = np.where(relation == 3, rng.random(total) * np.minimum(child_max, 30 * 365), age)
    age = np.where(
        relation == 4, np.clip(h + rng.integers(20, 32, total) * 365, 45 * 365, 99 * 365), age
    )
    age = np.where(relation == 5, rng.integers(0, 70 * 365, total), age)
    return family, relation, female, age.astype("int64").astype("timedelta64[D]")


def _pick_desa(rng: np.random.Generator, desa_codes: np.ndarray, n_families: int) -> np.ndarray:
    """Kelurahan (town) are about three times as populous as rural desa."""
    weights = rng.lognormal(0.0, 0.6, len(desa_codes))
    kelurahan = np.array([code[6] == "1" for code in desa_codes])
    weights = np.where(kelurahan, weights * 3.0, weights)
    return rng.choice(len(desa_codes), size=n_families, p=weights / weights.sum())


def _deaths_and_moves(rng, age_days, as_of, n_dead, n_moved):
    """The dead (older people more likely) and movers (adults), within the last two years."""
    total = len(age_days)
    age_years = age_days.astype("int64") / 365.0
    death_weight = np.exp(age_years / 12.0)
    dead = rng.choice(total, n_dead, replace=False, p=death_weight / death_weight.sum())
    adults = np.flatnonzero((age_years >= 18) & (age_years < 60))
    candidates = np.setdiff1d(adults, dead)
    moved = rng.choice(candidates, n_moved, replace=False)
    died_on = np.full(total, np.datetime64("NaT"), "datetime64[D]")
    moved_on = died_on.copy()
    died_on[dead] = as_of - rng.integers(1, 730, n_dead).astype("timedelta64[D]")
    moved_on[moved] = as_of - rng.integers(1, 730, n_moved).astype("timedelta64[D]")
    return died_on, moved_on


def _segments(rng, family_desil: np.ndarray, options: SynthOptions) -> np.ndarray:
    """Segment per family, likelier where the desil fits it; ~0.8 % of families uncovered."""
    mix = np.array([options.segment_mix[s] for s in SEGMENTS])
    pref = np.array([SEGMENT_DESIL_PREFERENCE[s] for s in SEGMENTS], float)
    pref /= pref.sum(axis=1, keepdims=True)
    # P(segment | desil) ∝ mix × P(desil | segment) / P(desil)
    weights = (mix[:, None] * pref) / DESIL_WEIGHTS[None, :]
    uncovered = max(0.0, 1.0 - mix.sum())
    weights = np.vstack([weights, np.full(10, uncovered)])
    probs = weights / weights.sum(axis=0, keepdims=True)
    cumulative = probs.cumsum(axis=0)[:, family_desil - 1]
    draw = rng.random(len(family_desil))
    choice = (draw[None, :] > cumulative).sum(axis=0)
    return np.where(choice >= len(SEGMENTS), NONE, choice)


def _dtsen_share(desil: np.ndarray, options: SynthOptions) -> np.ndarray:
    """The poor are almost all in DTSEN; the well-off are the ones missing."""
    missing = 1.0 - options.dtsen_share
    return 1.0 - missing * (desil / 5.5)


def _inactive_share(segment: np.ndarray, options: SynthOptions) -> np.ndarray:
    shares = np.array([options.inactive_share[s] for s in SEGMENTS] + [0.0])
    return shares[segment]


def _kelas(rng, segment: np.ndarray) -> np.ndarray:
    """PBI and Pemda are kelas III; PPU by wage and rank; mandiri mostly kelas III."""
    draw = rng.random(len(segment))
    kelas = np.full(len(segment), 3)
    ppu = (segment == 2) | (segment == 3) | (segment == 5)
    kelas[ppu] = np.where(draw[ppu] < 0.55, 1, 2)
    mandiri = segment == 4
    kelas[mandiri] = np.select([draw[mandiri] < 0.15, draw[mandiri] < 0.35], [1, 2], 3)
    return kelas


def _with_serial(rng, prefix12: pa.Array) -> pa.Array:
    """Append a 4-digit serial, unique within each 12-digit prefix, starting at 0001 (ref. §3.1)."""
    keys = np.asarray(prefix12.to_numpy(zero_copy_only=False))
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(keys)), 0))
    rank = np.arange(len(keys)) - group_start
    serial = np.empty(len(keys), "int64")
    serial[order] = rank + 1
    if serial.max() > 9999:
        raise SemestaError(
            Bilingual(
                "Terlalu banyak NIK dengan awalan yang sama.", "Too many NIKs share a prefix."
            )
        )
    return pc.binary_join_element_wise(prefix12, _zero_pad(serial, 4), "")


def _zero_pad(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width, "0")


def _ddmmyy(days: np.ndarray, add_to_day: np.ndarray | int = 0) -> pa.Array:
    dates = days.astype("datetime64[D]")
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    months = dates.astype("datetime64[M]").astype(int) % 12 + 1
    day = (dates - dates.astype("datetime64[M]")).astype(int) + 1 + add_to_day
    return pc.binary_join_element_wise(
        _zero_pad(day, 2), _zero_pad(months, 2), _zero_pad(years % 100, 2), ""
    )


def _niks(rng, person_desa_codes: np.ndarray, birth, female, options: SynthOptions) -> pa.Array:
    """NIK = place of first registration + DDMMYY (+40 for women) + serial (reference §3.1).

    Most residents were first registered in their own kecamatan; about one in eight is a
    transmigrant or newcomer whose NIK keeps the code of the kabupaten where it was issued.
    """
    total = len(birth)
    place = pc.utf8_slice_codeunits(pa.array(person_desa_codes), 0, 6)
    migrant = rng.random(total) < 0.12
    migrant_prefix = pa.array(names.MIGRANT_PREFIXES).take(
        pa.array(rng.integers(0, len(names.MIGRANT_PREFIXES), total))
    )
    migrant_place = pc.binary_join_element_wise(
        migrant_prefix, _zero_pad(rng.integers(1, 20, total), 2), ""
    )
    place = pc.if_else(pa.array(migrant), migrant_place, place)
    prefix12 = pc.binary_join_element_wise(place, _ddmmyy(birth, np.where(female, 40, 0)), "")
    return _with_serial(rng, prefix12)


def _kks(rng, family_desa_codes: np.ndarray, n_families: int, options: SynthOptions) -> pa.Array:
    """KK = kecamatan of issue (6 digits) + recording date DDMMYY + family serial (ref. §3.2)."""
    as_of = np.datetime64(options.dkb_as_of, "D")
    recorded = as_of - rng.integers(30, 20 * 365, n_families).astype("timedelta64[D]")
    area = pc.utf8_slice_codeunits(pa.array(family_desa_codes), 0, 6)
    return _with_serial(rng, pc.binary_join_element_wise(area, _ddmmyy(recorded), ""))


def _nokas(rng, total: int) -> pa.Array:
    """13-digit card numbers with leading zeros, unique (structure undocumented, ref. §3.3)."""
    numbers = 1_000_000_000 + np.cumsum(rng.integers(1, 400, total))
    shuffled = rng.permutation(numbers)
    return pc.binary_join_element_wise(pa.scalar("000"), _zero_pad(shuffled, 10), "")
