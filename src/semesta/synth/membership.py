"""Membership rows (what BPJS lists) and the formal-worker lists, with the register-level dirt.

The population (population.py) says who each person really is; here each person gets zero, one
or several BPJS rows, and the dirt a Pemda meets is injected: the dead still active, movers left
on the Pemda list, people funded twice, formal workers and the well-off on the Pemda list, poor
people left out, outsiders on the list, people enrolled twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from semesta.synth import names
from semesta.synth.population import NONE, SEGMENTS, Population, _nokas

PBI, PEMDA, PPU_BU, PPU_PN, MANDIRI, BP = range(6)

INACTIVE_REASON = {
    PBI: "PBI JK DINONAKTIFKAN KEMENSOS",
    PEMDA: "DINONAKTIFKAN PEMDA",
    PPU_BU: "BADAN USAHA MENUNGGAK IURAN",
    PPU_PN: "DATA TIDAK DIPERBARUI INSTANSI",
    MANDIRI: "NON AKTIF KARENA PREMI",
    BP: "NON AKTIF KARENA PREMI",
}


@dataclass
class Membership:
    """One BPJS row each; ``person`` indexes the Population (outsiders are appended to it)."""

    person: np.ndarray
    segment: np.ndarray
    kelas: np.ndarray
    active: np.ndarray
    reason: np.ndarray  # object array of str ('' when active)
    noka: pa.Array
    nik_override: dict[int, str]  # row → NIK printed instead of the person's (duplicate person)


@dataclass
class FormalWorkers:
    asn: np.ndarray  # person ids in the BKPSDM list
    asn_status: np.ndarray  # "PNS" / "PPPK"
    asn_opd: np.ndarray
    perangkat: np.ndarray
    perangkat_jabatan: np.ndarray
    pekerja: np.ndarray
    pekerja_employer: np.ndarray


def build_membership(pop: Population, rng: np.random.Generator) -> tuple[Membership, list]:
    """Rows for every covered person, plus injected register dirt; returns (rows, events)."""
    dirt = pop.options.dirt
    events: list[tuple[str, np.ndarray, np.ndarray | None]] = []  # (kind, persons, rows)
    covered = pop.segment != NONE
    dead = ~np.isnat(pop.died_on)
    moved = ~np.isnat(pop.moved_on)

    include = covered & pop.resident
    include |= covered & dead
    moved_pemda = covered & moved & (pop.segment == PEMDA)
    include |= moved_pemda & (rng.random(pop.size) < dirt.moved_still_pemda)

    # Poor residents left out: their row is never made (reference §5.2, seed 003).
    poor = pop.resident & pop.in_dtsen & (pop.desil <= pop.options.pbi_desil_max)
    left_out = poor & covered & (rng.random(pop.size) < dirt.poor_uncovered)
    include &= ~left_out

    person = np.flatnonzero(include)
    segment = pop.segment[person].copy()
    kelas = pop.kelas[person].copy()
    active = pop.active[person].copy()
    # BPJS learns of most deaths; a share of the dead stays active (seed 003).
    dead_rows = dead[person]
    keep_active = rng.random(len(person)) < dirt.dead_still_active
    active[dead_rows] &= keep_active[dead_rows]
    active[moved[person]] = True  # left on the Pemda list, still billed
    reason = np.where(
        active, "", np.array([INACTIVE_REASON[s] for s in range(6)], dtype=object)[segment]
    )
    reason[dead_rows & ~active] = "MENINGGAL DUNIA"

    extra_person: list[np.ndarray] = []
    extra_segment: list[np.ndarray] = []

    def add_rows(persons: np.ndarray, seg: int) -> None:
        extra_person.append(persons)
        extra_segment.append(np.full(len(persons), seg))

    pemda_people = person[(segment == PEMDA) & active & pop.resident[person]]
    adults = pemda_people[_age(pop, pemda_people) >= 19]
    add_rows(_pick(rng, pemda_people, dirt.pbi_and_pemda), PBI)
    add_rows(_pick(rng, adults, dirt.pemda_and_ppu), PPU_BU)

    # Outsiders on the Pemda list: NIKs not in the DKB at all.
    outsiders = pop_append_outsiders(pop, rng, int(len(pemda_people) * dirt.non_resident_pemda))
    add_rows(outsiders, PEMDA)

    # The same person enrolled twice under two NIKs (a mistyped NIK at a second registration).
    twice = _pick(rng, person[pop.resident[person]], dirt.duplicate_person)
    add_rows(twice, -2)  # -2: copy the original segment below

    if extra_person:
        more = np.concatenate(extra_person)
        more_seg = np.concatenate(extra_segment)
        originals = pop.segment[more]
        more_seg = np.where(more_seg == -2, originals, more_seg)
        more_seg = np.where(more_seg == NONE, PEMDA, more_seg)
        person = np.concatenate([person, more])
        segment = np.concatenate([segment, more_seg])
        kelas = np.concatenate(
            [kelas, np.where((more_seg == PBI) | (more_seg == PEMDA), 3, pop.kelas[more])]
        )
        active = np.concatenate([active, np.ones(len(more), bool)])
        reason = np.concatenate([reason, np.full(len(more), "", dtype=object)])

    noka = _nokas(rng, len(person))
    nik_override = {}
    twice_rows = np.flatnonzero(np.isin(person, twice))
    seen: set[int] = set()
    for row in twice_rows:  # the later row of each pair carries the mistyped NIK
        p = int(person[row])
        if p in seen:
            nik_override[int(row)] = _mistype(pop.nik[p].as_py(), rng)
        seen.add(p)
    events.append(("duplikat_orang", twice, None))
    return Membership(person, segment, kelas, active, reason, noka, nik_override), events


def pop_append_outsiders(pop: Population, rng: np.random.Generator, count: int) -> np.ndarray:
    """People from elsewhere (not in the DKB), appended to the population arrays."""
    if count == 0:
        return np.array([], int)
    source = rng.choice(np.flatnonzero(pop.resident), count, replace=False)
    start = pop.size
    fields_to_copy = (
        "person_desa",
        "relation",
        "female",
        "birth",
        "first",
        "second",
        "desil",
        "kelas",
        "active",
    )
    for name in fields_to_copy:
        values = getattr(pop, name)
        setattr(pop, name, np.concatenate([values, values[source]]))
    pop.family = np.concatenate([pop.family, pop.family.max() + 1 + np.arange(count)])
    pop.segment = np.concatenate([pop.segment, np.full(count, PEMDA)])
    pop.resident = np.concatenate([pop.resident, np.zeros(count, bool)])
    pop.in_dkb = np.concatenate([pop.in_dkb, np.zeros(count, bool)])
    pop.in_dtsen = np.concatenate([pop.in_dtsen, np.zeros(count, bool)])
    nat = np.full(count, np.datetime64("NaT"), "datetime64[D]")
    pop.died_on = np.concatenate([pop.died_on, nat])
    pop.moved_on = np.concatenate([pop.moved_on, nat])
    # Their NIK comes from another kabupaten: same birth date, another place, a serial nobody
    # holds there.
    other = pa.array(names.MIGRANT_PREFIXES).take(
        pa.array(rng.integers(0, len(names.MIGRANT_PREFIXES), count))
    )
    tail = pc.utf8_slice_codeunits(pop.nik.take(pa.array(source)), 4, 16)
    new_nik = _fresh_serials(pop.nik, pc.binary_join_element_wise(other, tail, ""))
    new_kk = pc.binary_join_element_wise(
        other, pc.utf8_slice_codeunits(pop.kk.take(pa.array(source)), 4, 16), ""
    )
    pop.nik = _concat(pop.nik, new_nik)
    pop.kk = _concat(pop.kk, new_kk)
    pop.noka = _concat(pop.noka, _nokas(rng, count))
    return start + np.arange(count)


def _fresh_serials(taken: pa.Array, niks: pa.Array) -> pa.Array:
    """A NIK someone already holds gets the next serial of its 12-digit prefix (ref. §3.1):
    a resident first registered in the same place on the same birth date may hold it."""
    clash = pc.is_in(niks, value_set=taken).to_numpy(zero_copy_only=False)
    result = niks.to_pylist()
    seen: set[str] = set()
    for i, nik in enumerate(result):
        if clash[i] or nik in seen:
            prefix = nik[:12]
            same = pc.filter(taken, pc.starts_with(taken, prefix)).to_pylist()
            serial = max(int(n[12:]) for n in [*same, *seen] if n.startswith(prefix)) + 1
            nik = result[i] = f"{prefix}{serial:04d}"
        seen.add(nik)
    return pa.array(result, pa.string())


def _concat(*arrays: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Large inputs come back from Arrow kernels in chunks; the population keeps flat arrays."""
    return pa.concat_arrays(
        [a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for a in arrays]
    )


def build_formal_workers(
    pop: Population, members: Membership, rng: np.random.Generator, events: list
) -> FormalWorkers:
    """BKPSDM, perangkat desa and company lists; some Pemda-paid people are on them (dirt)."""
    dirt = pop.options.dirt
    adult = (_age(pop, np.arange(pop.size)) >= 19) & (_age(pop, np.arange(pop.size)) < 58)
    working = pop.resident & adult & (pop.relation <= 2)
    ppu_pn = np.flatnonzero(working & (pop.segment == PPU_PN))
    ppu_bu = np.flatnonzero(working & (pop.segment == PPU_BU))
    order = rng.permutation(ppu_pn)
    n_perangkat = len(order) // 10
    perangkat = order[:n_perangkat]
    asn = order[n_perangkat : n_perangkat + int(len(order) * 0.75)]
    pekerja = _pick(rng, ppu_bu, 0.85)

    pemda_active = np.unique(members.person[(members.segment == PEMDA) & members.active])
    pemda_workers = np.intersect1d(pemda_active, np.flatnonzero(working))
    misplaced = _pick(rng, pemda_workers, dirt.formal_worker_pemda)
    kind = rng.integers(0, 3, len(misplaced))
    asn = np.concatenate([asn, misplaced[kind == 0]])
    perangkat = np.concatenate([perangkat, misplaced[kind == 1]])
    pekerja = np.concatenate([pekerja, misplaced[kind == 2]])
    events.append(("pekerja_formal_pemda", misplaced, None))

    asn_status = np.where(rng.random(len(asn)) < 0.7, "PNS", "PPPK")
    asn_status[len(asn) - int((kind == 0).sum()) :] = "PPPK"  # the misplaced are mostly new P3K
    return FormalWorkers(
        asn=asn,
        asn_status=asn_status,
        asn_opd=np.array(names.OPD)[rng.integers(0, len(names.OPD), len(asn))],
        perangkat=perangkat,
        perangkat_jabatan=np.array(names.JABATAN_DESA)[
            rng.integers(0, len(names.JABATAN_DESA), len(perangkat))
        ],
        pekerja=pekerja,
        pekerja_employer=np.array(names.EMPLOYERS)[
            rng.integers(0, len(names.EMPLOYERS), len(pekerja))
        ],
    )


def apply_welloff(
    pop: Population, members: Membership, rng: np.random.Generator, events: list
) -> None:
    """Some Pemda-paid people are in fact well off: DTSEN puts them above the threshold."""
    pemda = np.unique(members.person[(members.segment == PEMDA) & members.active])
    pemda = pemda[pop.resident[pemda]]
    chosen = _pick(rng, pemda, pop.options.dirt.welloff_pemda)
    pop.desil[chosen] = rng.integers(pop.options.pbi_desil_max + 1, 11, len(chosen))
    pop.in_dtsen[chosen] = True


def _age(pop: Population, persons: np.ndarray) -> np.ndarray:
    as_of = np.datetime64(pop.options.dkb_as_of, "D")
    return (as_of - pop.birth[persons]).astype(int) // 365


def _pick(rng: np.random.Generator, candidates: np.ndarray, share: float) -> np.ndarray:
    count = round(len(candidates) * share)
    if count == 0:
        return np.array([], dtype=int)
    return np.sort(rng.choice(candidates, count, replace=False))


def _mistype(nik: str, rng: np.random.Generator) -> str:
    """Two adjacent serial digits swapped, or one digit of the serial changed."""
    digits = list(nik)
    i = int(rng.integers(12, 15))
    if digits[i] != digits[i + 1]:
        digits[i], digits[i + 1] = digits[i + 1], digits[i]
    else:
        digits[15] = str((int(digits[15]) + 1 + int(rng.integers(0, 8))) % 10)
    if digits[12:16] == list("0000"):
        digits[15] = "7"
    return "".join(digits)


SEGMENT_EXPORT_NAMES = {
    PBI: ("PBI JAMINAN KESEHATAN", "PBI (APBN)", "PBI JK"),
    PEMDA: ("PBPU DAN BP PEMERINTAH DAERAH", "PBI (APBD)", "PBPU BP PEMDA"),
    PPU_BU: ("PEGAWAI SWASTA", "PEGAWAI BUMN", "PPU BU"),
    PPU_PN: (
        "PNS DAERAH",
        "PEGAWAI PEMERINTAH DENGAN PERJANJIAN KERJA",
        "KEPALA DESA DAN PERANGKAT DESA",
    ),
    MANDIRI: ("PEKERJA MANDIRI", "PBPU"),
    BP: ("PENERIMA PENSIUN PNS", "INVESTOR", "BP"),
}
assert len(SEGMENT_EXPORT_NAMES) == len(SEGMENTS)
