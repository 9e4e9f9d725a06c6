"""Who the Pemda pays for, rule by rule at its boundary: each check of eligibility.toml with a
person who just passes and one who just fails, the rule code, the evidence and the action in both
languages; the Dinsos letter; the ranking and its tie-breaks; the SQL twins against the Python
specification at the boundaries (hypothesis); and, on a hand-made 15-person workspace whose every
decision is worked out below, the stored decision, the budget line, the rule-change preview and
the ``semesta budget eligibility`` command.

tests/test_eligibility.py holds one ordinary case per rule and the synthetic kabupaten; this file
adds the edges and the figures that can be checked by hand.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_semesta as run
from semesta.core import eligibility as el
from semesta.core.text import SemestaError
from semesta.pipeline import eligibility as pe
from semesta.pipeline.link import SCHEMA as LINK_SCHEMA
from semesta.pipeline.workspace import Workspace

PERIOD = "2025-06"
END = date(2025, 6, 30)
DAY = timedelta(days=1)
KAB = "6202"  # Kabupaten Kotawaringin Timur (Kemendagri 62.02)
RATE = 42_000  # pemda_rates.toml [[default]]: Perpres 75/2019 Pasal 29, reference §1.3
RULES = el.eligibility_rules(END)
RULE_FILE = Path(el.__file__).parent.parent / "data" / "rules" / "eligibility.toml"
BASE = el.PersonFacts(
    person_id="p00",
    in_dkb=True,
    kode_desa="6202011001",
    desil=3,
    tanggal_lahir=date(1990, 7, 15),
)


def decided(facts: el.PersonFacts, rules: el.EligibilityRules = RULES) -> el.Decision:
    return el.decide(facts, rules, KAB, END)


def _rule_file_with(tmp_path: Path, old: str, new: str) -> Path:
    text = RULE_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "eligibility.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# --- the versions of eligibility.toml ----------------------------------------------------------


def test_the_dtks_rules_hold_until_4_february_2025_without_any_desil_criterion():
    rules = el.eligibility_rules(date(2025, 2, 4))
    assert rules.effective_from == date(2019, 1, 1)
    assert (rules.desil_range, rules.desil_enabled, rules.desil_text) == (None, False, "-")


def test_the_dtsen_rules_start_on_5_february_2025_with_the_pbi_jk_deciles_1_to_5():
    # Inpres 4/2025 (DTSEN, 5 Feb 2025); PBI JK desil 1–5, reference §5.2.
    rules = el.eligibility_rules(date(2025, 2, 5))
    assert rules.effective_from == date(2025, 2, 5)
    assert (rules.desil_range, rules.desil_text) == (range(1, 6), "1–5")


def test_before_2019_no_eligibility_rule_is_recorded_and_the_refusal_is_bilingual():
    with pytest.raises(SemestaError) as error:
        el.eligibility_rules(date(2018, 12, 31))
    assert "tidak ada aturan yang berlaku pada 2018-12-31" in error.value.message.id
    assert "no rule in force on 2018-12-31" in error.value.message.en


def test_the_age_limits_are_60_for_the_elderly_and_17_for_children_with_their_laws():
    assert (RULES.elderly_min_age, RULES.child_max_age) == (60, 17)
    assert "UU 13/1998" in RULES.age_source and "UU 35/2014" in RULES.age_source


def test_every_enabled_check_but_the_desil_is_applied_and_allowing_mandiri_drops_its_bit():
    # hidup 1 + penduduk_dkb 2 + tidak_pindah 4 + bukan_pbi 8 + bukan_ppu 16 + bukan_formal 32
    # + bukan_mandiri 128 = 191; the desil (64) is decided from its value, not from the mask.
    assert RULES.enabled_mask == 191
    assert RULES.changed(allow_active_mandiri=True).enabled_mask == 63


def test_the_dinsos_route_overrides_only_the_desil_and_the_mandiri_rule():
    assert RULES.route is not None
    assert (RULES.route.code, RULES.route.overrides) == ("ELG-DINSOS", ("ELG-DESIL", "ELG-MANDIRI"))
    # What a letter cannot override: hidup, DKB, pindah, PBI, PPU, formal = 1+2+4+8+16+32.
    assert RULES.route_blocking_mask == 63


def test_a_proposal_says_in_words_what_it_changed():
    proposed = RULES.changed(
        desil_max=4, without_desil_eligible=False, allow_active_mandiri=True, disable=["ELG-FORMAL"]
    )
    assert proposed.describe()["proposed_changes"] == [
        "desil 1–4",
        "without_desil=not_eligible",
        "allow_active_mandiri=true",
        "-ELG-FORMAL",
    ]
    assert RULES.describe()["proposed_changes"] == []


def test_a_rule_switched_off_then_on_again_excludes_again():
    worker = replace(BASE, formal_worker="ASN")
    off = RULES.changed(disable=["ELG-FORMAL"])
    assert decided(worker, off).eligible
    assert decided(worker, off.changed(enable=["ELG-FORMAL"])).rule_code == "ELG-FORMAL"


def test_a_pemda_desil_max_in_the_rule_file_wins_over_the_pbi_jk_range(tmp_path):
    path = _rule_file_with(tmp_path, 'desil_program = "pbi_jk"', "desil_max = 4")
    rules = el.eligibility_rules(END, path)
    assert (rules.desil_range, rules.desil_text) == (range(1, 5), "1–4")
    assert rules.desil_source == rules.source  # the version's own source, not dtsen.toml
    assert decided(replace(BASE, desil=5), rules).rule_code == "ELG-DESIL"


def test_a_rule_marked_disabled_in_the_file_no_longer_excludes(tmp_path):
    path = _rule_file_with(
        tmp_path, '{ code = "ELG-FORMAL", check', '{ code = "ELG-FORMAL", enabled = false, check'
    )
    rules = el.eligibility_rules(END, path)
    assert [r["enabled"] for r in rules.describe()["rules"] if r["code"] == "ELG-FORMAL"] == [False]
    assert decided(replace(BASE, formal_worker="ASN"), rules).rule_code == "ELG-LAYAK"


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ('"anak", "disabilitas"', '"anak", "kekayaan"', "unknown priority key 'kekayaan'"),
        ('without_desil = "eligible"', 'without_desil = "kadang"', "not 'kadang'"),
        (
            'overrides = ["ELG-DESIL", "ELG-MANDIRI"]',
            'overrides = ["ELG-DESIL", "ELG-KAYA"]',
            "overrides unknown rule 'ELG-KAYA'",
        ),
        ('desil_program = "pbi_jk"', "desil_max = 11", "desil range 1..11 is invalid"),
    ],
    ids=["priority key", "without_desil", "route override", "desil_max"],
)
def test_a_broken_rule_file_is_refused_with_what_is_wrong(tmp_path, old, new, said):
    path = _rule_file_with(tmp_path, old, new)
    with pytest.raises(SemestaError) as error:
        el.eligibility_rules(END, path)
    assert said in error.value.message.en
    assert error.value.message.id != error.value.message.en


# --- one person on each side of each rule ------------------------------------------------------

BOUNDARIES = [
    # hidup: dead "on or before the end of the period" (eligibility.toml).
    ("died on the last day of the period", {"meninggal": END}, "ELG-HIDUP"),
    ("dies the day after the period", {"meninggal": END + DAY}, "ELG-LAYAK"),
    # penduduk_dkb: in the DKB with a desa inside the kabupaten.
    ("desa in the kabupaten", {"kode_desa": "6202051003"}, "ELG-LAYAK"),
    ("desa in the next kabupaten", {"kode_desa": "6201011001"}, "ELG-DKB"),
    ("desa of the kabupaten but not in the DKB", {"in_dkb": False}, "ELG-DKB"),
    ("in the DKB without a desa", {"kode_desa": None}, "ELG-DKB"),
    # tidak_pindah: moved out by the end of the period.
    ("moved out on the last day", {"pindah": END}, "ELG-PINDAH"),
    ("moves out the day after", {"pindah": END + DAY}, "ELG-LAYAK"),
    # bukan_pbi / bukan_ppu / bukan_mandiri: active memberships only.
    ("active PBI APBN", {"active_groups": frozenset({"PBI_APBN"})}, "ELG-PBI"),
    ("already on the Pemda list", {"active_groups": frozenset({"PBPU_BP_PEMDA"})}, "ELG-LAYAK"),
    ("active PPU penyelenggara negara", {"active_groups": frozenset({"PPU_PN"})}, "ELG-PPU"),
    ("active PPU badan usaha", {"active_groups": frozenset({"PPU_BU"})}, "ELG-PPU"),
    ("active PBPU mandiri", {"active_groups": frozenset({"PBPU_MANDIRI"})}, "ELG-MANDIRI"),
    ("active bukan pekerja", {"active_groups": frozenset({"BP"})}, "ELG-MANDIRI"),
    # bukan_formal: every kind the reconciliation records (pipeline/link.py "workers").
    ("ASN", {"formal_worker": "ASN"}, "ELG-FORMAL"),
    ("P3K", {"formal_worker": "P3K"}, "ELG-FORMAL"),
    ("perangkat desa", {"formal_worker": "perangkat_desa"}, "ELG-FORMAL"),
    ("company worker", {"formal_worker": "badan_usaha"}, "ELG-FORMAL"),
    # desil: within 1–5 (dtsen.toml [[pbi_jk]], reference §5.2).
    ("desil 1, the poorest", {"desil": 1}, "ELG-LAYAK"),
    ("desil 5, at the threshold", {"desil": 5}, "ELG-LAYAK"),
    ("desil 6, just above", {"desil": 6}, "ELG-DESIL"),
    ("desil 10, the richest", {"desil": 10}, "ELG-DESIL"),
    ("not in DTSEN", {"desil": None}, "ELG-LAYAK-TANPA-DESIL"),
]


@pytest.mark.parametrize(
    ("change", "code"), [b[1:] for b in BOUNDARIES], ids=[b[0] for b in BOUNDARIES]
)
def test_each_rule_decides_on_its_own_side_of_the_boundary(change, code):
    decision = decided(replace(BASE, **change))
    assert decision.rule_code == code
    assert decision.eligible == code.startswith("ELG-LAYAK")


def test_a_death_reported_by_the_death_list_names_that_source_and_the_day():
    decision = decided(replace(BASE, meninggal=END, sumber_meninggal="RSUD dr. Murjani"))
    assert decision.evidence == {"meninggal": "2025-06-30", "sumber": "RSUD dr. Murjani"}


def test_a_move_on_the_last_day_is_evidenced_by_its_date():
    assert decided(replace(BASE, pindah=END)).evidence == {"pindah": "2025-06-30"}


def test_a_non_resident_is_evidenced_by_the_dkb_flag_and_the_desa_the_record_gives():
    decision = decided(replace(BASE, in_dkb=False))
    assert decision.evidence == {"di_dkb": False, "kode_desa": "6202011001"}


def test_a_village_official_is_named_with_the_village_that_employs_them():
    decision = decided(
        replace(BASE, formal_worker="perangkat_desa", employer="Pemerintah Desa Kota Besi")
    )
    assert decision.evidence == {
        "pekerja_formal": "perangkat_desa",
        "pemberi_kerja": "Pemerintah Desa Kota Besi",
    }


def test_the_segment_evidence_lists_every_active_group_in_alphabetical_order():
    decision = decided(replace(BASE, active_groups=frozenset({"PPU_PN", "PBPU_BP_PEMDA", "BP"})))
    assert decision.rule_code == "ELG-PPU"  # PPU comes before MANDIRI in the file
    assert decision.evidence == {"segmen_aktif": ["BP", "PBPU_BP_PEMDA", "PPU_PN"]}


def test_a_desil_below_a_proposed_range_fails_too_and_names_the_range():
    decision = decided(replace(BASE, desil=1), RULES.changed(desil_min=2, desil_max=5))
    assert (decision.rule_code, decision.evidence) == (
        "ELG-DESIL",
        {"desil": 1, "desil_berlaku": "2–5"},
    )


def test_under_the_dtks_rules_even_desil_10_is_eligible():
    assert decided(replace(BASE, desil=10), el.eligibility_rules(date(2024, 12, 31))).eligible


def test_with_the_desil_rule_switched_off_a_person_without_desil_is_plainly_eligible():
    off = RULES.changed(disable=["ELG-DESIL"])
    assert decided(replace(BASE, desil=None), off).rule_code == "ELG-LAYAK"
    assert decided(replace(BASE, desil=9), off).rule_code == "ELG-LAYAK"


def test_the_raw_failures_record_every_failing_check_whatever_rules_are_enabled():
    facts = replace(
        BASE,
        in_dkb=False,
        pindah=END,
        formal_worker="P3K",
        active_groups=frozenset({"PPU_PN", "PBPU_MANDIRI"}),
    )
    decision = decided(facts, RULES.changed(disable=["ELG-DKB", "ELG-PINDAH"]))
    # penduduk_dkb 2 + tidak_pindah 4 + bukan_ppu 16 + bukan_formal 32 + bukan_mandiri 128
    assert decision.fails_raw == 182
    assert decision.rule_code == "ELG-PPU"  # the first rule still enabled


# --- the Dinsos letter -------------------------------------------------------------------------

LETTER = "460/77/DINSOS/VI/2025"


def test_a_letter_admits_someone_failing_both_the_desil_and_the_mandiri_rule():
    facts = replace(BASE, desil=8, active_groups=frozenset({"PBPU_MANDIRI"}), rekomendasi=LETTER)
    decision = decided(facts)
    assert (decision.eligible, decision.rule_code) == (True, "ELG-DINSOS")
    assert decision.evidence == {
        "desil": 8,
        "kode_desa": "6202011001",
        "segmen_aktif": ["PBPU_MANDIRI"],
        "rekomendasi": LETTER,
    }


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"in_dkb": False}, "ELG-DKB"),
        ({"pindah": END}, "ELG-PINDAH"),
        ({"active_groups": frozenset({"PPU_BU"})}, "ELG-PPU"),
        ({"formal_worker": "ASN"}, "ELG-FORMAL"),
    ],
    ids=["not a resident", "moved out", "PPU", "formal worker"],
)
def test_a_letter_does_not_override_a_rule_outside_the_route(change, code):
    decision = decided(replace(BASE, desil=8, rekomendasi=LETTER, **change))
    assert (decision.eligible, decision.rule_code) == (False, code)


def test_a_letter_for_someone_eligible_anyway_changes_nothing_but_the_evidence():
    decision = decided(replace(BASE, rekomendasi=LETTER))
    assert decision.rule_code == "ELG-LAYAK"
    assert decision.evidence["rekomendasi"] == LETTER


def test_a_letter_admits_a_resident_not_in_dtsen_when_the_pemda_requires_a_desil():
    strict = RULES.changed(without_desil_eligible=False)
    assert decided(replace(BASE, desil=None, rekomendasi=LETTER), strict).rule_code == (
        "ELG-DINSOS"
    )


def test_the_letter_route_already_existed_under_the_dtks_rules():
    dtks = el.eligibility_rules(date(2024, 6, 30))
    mandiri = replace(BASE, active_groups=frozenset({"BP"}), rekomendasi=LETTER)
    assert decided(mandiri, dtks).rule_code == "ELG-DINSOS"


# --- the ranking -------------------------------------------------------------------------------


def _order(people: list[el.PersonFacts], rules: el.EligibilityRules = RULES) -> list[str]:
    return [f.person_id for f in sorted(people, key=lambda f: el.priority_key(f, rules, END))]


def test_on_equal_desil_the_one_turning_60_on_the_last_day_of_the_period_ranks_first():
    people = [
        replace(BASE, person_id="a", tanggal_lahir=date(1965, 7, 1)),  # 59 on 30 June 2025
        replace(BASE, person_id="b", tanggal_lahir=date(1965, 6, 30)),  # 60: lansia
    ]
    assert _order(people) == ["b", "a"]


def test_a_child_is_17_or_younger_so_one_who_turned_18_in_the_period_has_no_priority():
    people = [
        replace(BASE, person_id="a", tanggal_lahir=date(2007, 6, 30)),  # 18 on 30 June 2025
        replace(BASE, person_id="b", tanggal_lahir=date(2007, 7, 1)),  # 17: anak
    ]
    assert _order(people) == ["b", "a"]


def test_disability_ranks_before_chronic_illness_and_both_before_neither():
    people = [
        replace(BASE, person_id="a"),
        replace(BASE, person_id="b", penyakit_kronis=True),
        replace(BASE, person_id="c", disabilitas=True),
        replace(BASE, person_id="d", disabilitas=None, penyakit_kronis=None),
    ]
    assert _order(people) == ["c", "b", "a", "d"]


def test_people_without_a_desil_come_after_desil_10_and_equal_people_go_by_person_id():
    people = [
        replace(BASE, person_id="z", desil=None),
        replace(BASE, person_id="m", desil=10),
        replace(BASE, person_id="k", desil=None),
        replace(BASE, person_id="b", desil=10),
    ]
    assert _order(people) == ["b", "m", "k", "z"]


def test_a_pemda_that_puts_the_elderly_first_funds_an_elderly_desil_5_before_a_desil_1():
    rules = replace(RULES, priority=("lansia", "desil"))
    people = [
        replace(BASE, person_id="a", desil=1),
        replace(BASE, person_id="b", desil=5, tanggal_lahir=date(1950, 1, 1)),
    ]
    assert _order(people, rules) == ["b", "a"]
    assert (
        el.rank_order_sql(rules) == "(NOT lansia), (desil IS NULL), COALESCE(desil, 0), person_id"
    )


# --- the SQL twins at the boundaries (hypothesis) ----------------------------------------------

MONTH_ENDS = [date(2024, 2, 29), date(2025, 2, 28), date(2025, 6, 30), date(2025, 12, 31)]
GROUPS = sorted(el.GROUP_BITS)


def _years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@st.composite
def boundary_people(draw, end: date) -> el.PersonFacts:
    near = st.sampled_from([None, end - DAY, end, end + DAY])
    return el.PersonFacts(
        person_id=draw(st.text("0123456789abcdef", min_size=3, max_size=5)),
        in_dkb=draw(st.booleans()),
        kode_desa=draw(st.sampled_from([None, "6202011001", "6201011001", "620"])),
        meninggal=draw(near),
        sumber_meninggal=draw(st.sampled_from([None, "DKB", "RSUD dr. Murjani"])),
        pindah=draw(near),
        desil=draw(st.one_of(st.none(), st.integers(1, 10))),
        formal_worker=draw(st.sampled_from([None, "ASN", "P3K", "perangkat_desa", "badan_usaha"])),
        employer=draw(st.sampled_from([None, "PT SAWIT", "O'Brien & Co"])),
        active_groups=draw(st.frozensets(st.sampled_from(GROUPS), max_size=3)),
        tanggal_lahir=draw(
            st.sampled_from(
                [
                    None,
                    _years_before(end, 60),  # turns 60 on the day: lansia
                    _years_before(end, 60) + DAY,
                    _years_before(end, 18),  # turns 18 on the day: no longer anak
                    _years_before(end, 18) + DAY,
                    date(1964, 2, 29),
                ]
            )
        ),
        rekomendasi=draw(st.sampled_from([None, LETTER])),
        disabilitas=draw(st.sampled_from([None, True, False])),
        penyakit_kronis=draw(st.sampled_from([None, True, False])),
    )


@st.composite
def proposals(draw) -> el.EligibilityRules:
    low = draw(st.integers(1, 10))
    high = draw(st.integers(low, 10))
    return RULES.changed(
        desil_min=low,
        desil_max=high,
        without_desil_eligible=draw(st.booleans()),
        allow_active_mandiri=draw(st.booleans()),
        disable=draw(st.frozensets(st.sampled_from([r.code for r in RULES.rules]), max_size=2)),
    )


def _facts_table(people: list[el.PersonFacts]) -> duckdb.DuckDBPyConnection:
    db = duckdb.connect()
    db.execute(
        "CREATE TABLE facts (n INTEGER, person_id VARCHAR, in_dkb BOOLEAN, kode_desa VARCHAR, "
        "meninggal DATE, sumber_meninggal VARCHAR, pindah DATE, desil INTEGER, "
        "formal_worker VARCHAR, employer VARCHAR, groups_mask INTEGER, tanggal_lahir DATE, "
        "rekomendasi_nomor VARCHAR, disabilitas BOOLEAN, penyakit_kronis BOOLEAN)"
    )
    db.executemany(
        "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                n,
                f.person_id,
                f.in_dkb,
                f.kode_desa,
                f.meninggal,
                f.sumber_meninggal,
                f.pindah,
                f.desil,
                f.formal_worker,
                f.employer,
                el.groups_mask(f.active_groups),
                f.tanggal_lahir,
                f.rekomendasi,
                f.disabilitas,
                f.penyakit_kronis,
            )
            for n, f in enumerate(people)
        ],
    )
    return db


@settings(max_examples=30, deadline=None)
@given(data=st.data(), end=st.sampled_from(MONTH_ENDS), kabupaten=st.sampled_from(["6202", "6201"]))
def test_the_sql_twins_decide_as_the_specification_on_every_boundary_day(data, end, kabupaten):
    people = data.draw(st.lists(boundary_people(end), min_size=1, max_size=20))
    rules = data.draw(proposals())
    eligible, code = el.decision_sql(rules, letter="(rekomendasi_nomor IS NOT NULL)")
    rows = (
        _facts_table(people)
        .execute(
            f"""
            SELECT eligible, rule_code, {el.evidence_sql(rules)}, fails_raw
            FROM (SELECT *, {eligible} AS eligible, {code} AS rule_code
                  FROM (SELECT *, {el.failing_sql(rules)} AS failing
                        FROM (SELECT *, {el.fails_sql(kabupaten, end)} AS fails_raw FROM facts)))
            ORDER BY n
            """
        )
        .fetchall()
    )
    for facts, row in zip(people, rows, strict=True):
        spec = el.decide(facts, rules, kabupaten, end)
        assert (row[0], row[1], json.loads(row[2]), row[3]) == (
            spec.eligible,
            spec.rule_code,
            spec.evidence,
            spec.fails_raw,
        )


PRIORITY_ORDERS = st.lists(
    st.sampled_from(el.PRIORITY_KEYS), unique=True, min_size=0, max_size=6
).map(tuple)


@settings(max_examples=30, deadline=None)
@given(
    data=st.data(),
    end=st.sampled_from(MONTH_ENDS),
    priority=PRIORITY_ORDERS,
)
def test_the_sql_ranking_orders_people_exactly_as_the_priority_key(data, end, priority):
    people = data.draw(
        st.lists(boundary_people(end), min_size=1, max_size=20, unique_by=lambda f: f.person_id)
    )
    rules = replace(RULES, priority=priority)
    flags = ", ".join(f"{sql} AS {name}" for name, sql in el.flags_sql(rules, end).items())
    # The flags replace the raw columns of the same name (disabilitas, penyakit_kronis), as in
    # the stored eligibility table the ORDER BY runs over.
    ordered = (
        _facts_table(people)
        .execute(
            f"SELECT person_id FROM (SELECT person_id, desil, {flags} FROM facts) "
            f"ORDER BY {el.rank_order_sql(rules)}"
        )
        .fetchall()
    )
    expected = sorted(people, key=lambda f: el.priority_key(f, rules, end))
    assert [r[0] for r in ordered] == [f.person_id for f in expected]


def test_a_leap_day_birthday_turns_60_on_29_february_in_python_and_in_sql():
    born = date(1964, 2, 29)
    db = duckdb.connect()
    for end, age in ((date(2024, 2, 28), 59), (date(2024, 2, 29), 60), (date(2025, 2, 28), 60)):
        lansia = el.flags_sql(RULES, end)["lansia"]
        in_sql = db.execute(f"SELECT {lansia} FROM (SELECT DATE '{born}' AS tanggal_lahir)")
        assert el.age_on(born, end) == age
        assert in_sql.fetchall()[0][0] is (age >= 60)


# --- a hand-made workspace of 15 people --------------------------------------------------------

DESA_A, DESA_B = "6202011001", "6202011002"


@dataclass(frozen=True)
class Resident:
    """One row of the hand-made ``person`` table and its memberships."""

    pid: str
    born: date
    desil: int | None
    active: tuple[str, ...] = ()
    inactive: tuple[str, ...] = ()
    desa: str | None = DESA_A
    in_dkb: bool = True
    meninggal: date | None = None
    sumber: str | None = None
    pindah: date | None = None
    formal: str | None = None
    employer: str | None = None
    disabilitas: bool | None = None
    kronis: bool | None = None

    @property
    def nik(self) -> str:  # region 62.02.01, birth day DDMMYY, serial = the person's number
        return f"620201{self.born:%d%m%y}{int(self.pid[1:]):04d}"

    @property
    def resident(self) -> bool:
        gone = any(d is not None and d <= END for d in (self.meninggal, self.pindah))
        return self.in_dkb and (self.desa or "").startswith(KAB) and not gone


PEMDA, PBI, MANDIRI, PPU_BU = "PBPU_BP_PEMDA", "PBI_APBN", "PBPU_MANDIRI", "PPU_BU"
# The decision of each person, worked out by hand from eligibility.toml (2025-02-05 version):
CAST = [
    Resident("p01", date(1950, 3, 10), 1, active=(PEMDA,)),  # ELG-LAYAK, lansia
    Resident("p02", date(1985, 1, 20), 5, active=(PEMDA,), kronis=True),  # ELG-LAYAK (desil 5)
    Resident("p03", date(1980, 2, 2), 6, active=(PEMDA,)),  # ELG-DESIL, paid by the Pemda now
    Resident("p04", date(1992, 4, 4), None),  # ELG-LAYAK-TANPA-DESIL, not registered
    Resident("p05", date(1975, 5, 5), 3, active=(MANDIRI,)),  # ELG-MANDIRI
    Resident("p06", date(1988, 6, 6), 2, active=(PEMDA,), formal="ASN", employer="DINKES"),
    Resident("p07", date(1990, 7, 7), 2, active=(PBI, PEMDA)),  # ELG-PBI (funded twice)
    Resident("p08", date(1940, 8, 8), 4, active=(PEMDA,), meninggal=END, sumber="DKB"),
    Resident("p09", date(1995, 9, 9), 4, pindah=END + DAY),  # moves in July: ELG-LAYAK
    Resident("p10", date(1970, 10, 10), 7),  # holds a Dinsos letter: ELG-DINSOS
    Resident("p11", date(2015, 11, 11), 5, active=(PEMDA,), desa=DESA_B),  # ELG-LAYAK, anak
    Resident("p12", date(1982, 12, 12), 5, inactive=(PBI,), disabilitas=True),  # ELG-LAYAK
    Resident("p13", date(1991, 1, 13), None, active=(PEMDA,), desa=None, in_dkb=False),  # ELG-DKB
    Resident("p14", date(1987, 1, 14), 2, active=(PPU_BU,)),  # ELG-PPU
    Resident("p15", date(1983, 3, 15), 3, pindah=END),  # ELG-PINDAH
]
EXPECTED_CODES = {
    "p01": "ELG-LAYAK",
    "p02": "ELG-LAYAK",
    "p03": "ELG-DESIL",
    "p04": "ELG-LAYAK-TANPA-DESIL",
    "p05": "ELG-MANDIRI",
    "p06": "ELG-FORMAL",
    "p07": "ELG-PBI",
    "p08": "ELG-HIDUP",
    "p09": "ELG-LAYAK",
    "p10": "ELG-DINSOS",
    "p11": "ELG-LAYAK",
    "p12": "ELG-LAYAK",
    "p13": "ELG-DKB",
    "p14": "ELG-PPU",
    "p15": "ELG-PINDAH",
}
# Among the 7 eligible: the letter first (p10), then by desil: 1 (p01), 4 (p09), then desil 5:
# the child p11, the disabled p12, the chronically ill p02; no desil last (p04).
EXPECTED_RANKS = {"p10": 1, "p01": 2, "p09": 3, "p11": 4, "p12": 5, "p02": 6, "p04": 7}
BY_PID = {r.pid: r for r in CAST}


def _build(place: Workspace) -> None:
    db = place.connect()
    try:
        db.execute(LINK_SCHEMA)
        db.execute("ALTER TABLE person ADD COLUMN disabilitas BOOLEAN")
        db.execute("ALTER TABLE person ADD COLUMN penyakit_kronis BOOLEAN")
        db.execute("INSERT INTO link_run (period, kabupaten) VALUES (?, ?)", [PERIOD, KAB])
        row = 0
        for r in CAST:
            groups = r.active + r.inactive
            db.execute(
                "INSERT INTO person (period, person_id, nik, nama, tanggal_lahir, kode_desa, "
                "kode_kecamatan, in_dkb, resident, meninggal, sumber_meninggal, pindah, desil, "
                "formal_worker, employer, registered, active, memberships, segmen_kelompok, kelas, "
                "disabilitas, penyakit_kronis) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    PERIOD,
                    r.pid,
                    r.nik,
                    r.pid.upper(),
                    r.born,
                    r.desa,
                    r.desa[:6] if r.desa else None,
                    r.in_dkb,
                    r.resident,
                    r.meninggal,
                    r.sumber,
                    r.pindah,
                    r.desil,
                    r.formal,
                    r.employer,
                    bool(groups),
                    bool(r.active),
                    len(groups),
                    groups[0] if groups else None,
                    3 if groups else None,
                    r.disabilitas,
                    r.kronis,
                ],
            )
            for group in groups:
                row += 1
                db.execute(
                    "INSERT INTO membership (period, file_id, row_number, person_id, "
                    "link_method, no_kartu, nik, segmen, segmen_kelompok, kelas, aktif) "
                    "VALUES (?, 1, ?, ?, 'nik', ?, ?, ?, ?, 3, ?)",
                    [
                        PERIOD,
                        row,
                        r.pid,
                        f"{row:013d}",
                        r.nik,
                        group,
                        group,
                        group in r.active,
                    ],
                )
    finally:
        db.close()


def _letters(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "rekomendasi.csv"
    path.write_text("NIK;NOMOR SURAT;TANGGAL SURAT;BERLAKU SAMPAI\n" + "\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Workspace:
    """The 15 people above, with p10's Dinsos letter, decided once."""
    folder = tmp_path_factory.mktemp("tiny")
    place = Workspace(folder / "workspace")
    _build(place)
    letters = _letters(folder, f"{BY_PID['p10'].nik};{LETTER};2025-06-10;2025-12-31")
    assert pe.load_recommendations(place, PERIOD, letters) == 1
    pe.decide(place, PERIOD)
    return place


@pytest.fixture(scope="module")
def report(tiny) -> pe.EligibilityReport:
    return pe.ensure_decided(tiny, PERIOD)  # the stored decision, not decided again


@pytest.fixture
def copy(tiny, tmp_path) -> Workspace:
    """A private copy of the decided tiny workspace, safe to change."""
    shutil.copytree(tiny.path, tmp_path / "workspace")
    return Workspace(tmp_path / "workspace")


def _stored(place: Workspace) -> dict[str, tuple]:
    db = place.connect(read_only=True)
    try:
        rows = db.execute(
            "SELECT person_id, eligible, rule_code, evidence, rank, pemda_aktif FROM eligibility "
            "WHERE period = ? ORDER BY person_id",
            [PERIOD],
        ).fetchall()
    finally:
        db.close()
    return {r[0]: r[1:] for r in rows}


def test_every_person_of_the_workspace_gets_the_rule_code_worked_out_by_hand(tiny, report):
    stored = _stored(tiny)
    assert {pid: row[1] for pid, row in stored.items()} == EXPECTED_CODES
    assert {pid for pid, row in stored.items() if row[0]} == set(EXPECTED_RANKS)


def test_the_eligible_are_ranked_letter_first_then_desil_then_vulnerability(tiny, report):
    stored = _stored(tiny)
    assert {pid: row[3] for pid, row in stored.items() if row[3] is not None} == EXPECTED_RANKS


def test_a_condition_recorded_as_absent_ranks_like_an_unknown_one_as_the_specification_says(
    copy,
):
    # p12's disability and chronic illness recorded as "no" instead of unknown: among desil 5
    # the child p11 stays first, then the chronically ill p02, then p12 (priority_key reads an
    # unknown condition as absent).
    db = copy.connect()
    try:
        db.execute(
            "UPDATE person SET disabilitas = FALSE, penyakit_kronis = FALSE WHERE person_id = 'p12'"
        )
    finally:
        db.close()
    pe.decide(copy, PERIOD)
    ranks = {pid: row[3] for pid, row in _stored(copy).items() if row[3] is not None}
    assert (ranks["p11"], ranks["p02"], ranks["p12"]) == (4, 5, 6)
    people = [f for f in pe.facts_rows(copy, PERIOD) if f.person_id in ranks]
    spec = sorted(people, key=lambda f: el.priority_key(f, RULES, END))
    assert [f.person_id for f in spec] == sorted(ranks, key=ranks.__getitem__)


def test_the_stored_flags_are_true_or_false_never_unknown(tiny, report):
    db = tiny.connect(read_only=True)
    try:
        rows = db.execute(
            "SELECT person_id, disabilitas, penyakit_kronis FROM eligibility "
            "WHERE period = ? AND (disabilitas OR penyakit_kronis OR disabilitas IS NULL "
            "OR penyakit_kronis IS NULL) ORDER BY person_id",
            [PERIOD],
        ).fetchall()
    finally:
        db.close()
    assert rows == [("p02", False, True), ("p12", True, False)]


def test_the_stored_evidence_says_which_source_said_what(tiny, report):
    evidence = {pid: json.loads(row[2]) for pid, row in _stored(tiny).items()}
    assert evidence["p08"] == {"meninggal": "2025-06-30", "sumber": "DKB"}
    assert evidence["p15"] == {"pindah": "2025-06-30"}
    assert evidence["p13"] == {"di_dkb": False, "kode_desa": None}
    assert evidence["p07"] == {"segmen_aktif": ["PBI_APBN", "PBPU_BP_PEMDA"]}
    assert evidence["p06"] == {"pekerja_formal": "ASN", "pemberi_kerja": "DINKES"}
    assert evidence["p03"] == {"desil": 6, "desil_berlaku": "1–5"}
    assert evidence["p10"] == {
        "desil": 7,
        "kode_desa": DESA_A,
        "segmen_aktif": [],
        "rekomendasi": LETTER,
    }


def test_an_inactive_pbi_membership_does_not_make_someone_centrally_funded(tiny, report):
    p12 = _stored(tiny)["p12"]
    assert (p12[0], p12[1], json.loads(p12[2])["segmen_aktif"]) == (True, "ELG-LAYAK", [])


def test_the_decision_report_counts_and_prices_the_list_in_whole_rupiah(report):
    assert (report.persons, report.residents, report.eligible) == (15, 12, 7)
    # Pemda-paid now: p01 p02 p03 p06 p07 p08 p11 p13; of them eligible p01 p02 p11.
    assert (report.pemda_aktif, report.eligible_pemda_aktif) == (8, 3)
    assert report.pemda_aktif_not_eligible == 5
    assert (report.rate, report.monthly_cost, report.yearly_cost) == (42_000, 294_000, 3_528_000)
    assert report.monthly_saving == 5 * RATE
    for value in (report.monthly_cost, report.yearly_cost, report.monthly_saving, report.rate):
        assert type(value) is int


def test_each_rule_line_of_the_report_prices_what_it_covers(report):
    lines = [
        (r["rule_code"], r["eligible"], r["persons"], r["pemda_aktif"], r["monthly_rupiah"])
        for r in report.by_rule
    ]
    # Admitted codes first, then the rules in file order; an admitted line costs persons × rate,
    # an excluded line saves its Pemda-paid persons × rate.
    assert lines == [
        ("ELG-LAYAK", True, 5, 3, 210_000),
        ("ELG-LAYAK-TANPA-DESIL", True, 1, 0, 42_000),
        ("ELG-DINSOS", True, 1, 0, 42_000),
        ("ELG-HIDUP", False, 1, 1, 42_000),
        ("ELG-DKB", False, 1, 1, 42_000),
        ("ELG-PINDAH", False, 1, 0, 0),
        ("ELG-PBI", False, 1, 1, 42_000),
        ("ELG-PPU", False, 1, 0, 0),
        ("ELG-FORMAL", False, 1, 1, 42_000),
        ("ELG-DESIL", False, 1, 1, 42_000),
        ("ELG-MANDIRI", False, 1, 0, 0),
    ]


ACTIONS = {
    "ELG-LAYAK": (
        "Dinkes",
        "Pertahankan / daftarkan sebagai PBPU-BP Pemda",
        "Keep / register",
    ),
    "ELG-LAYAK-TANPA-DESIL": (
        "Dinsos",
        "Usulkan masuk DTSEN melalui Musdesus",
        "Propose for DTSEN through the Musdesus",
    ),
    "ELG-DINSOS": (
        "Dinsos",
        "Daftarkan segera; usulkan masuk DTSEN melalui Musdesus",
        "Register at once; propose for DTSEN through the Musdesus",
    ),
    "ELG-HIDUP": (
        "Dukcapil",
        "Keluarkan dari daftar Pemda dan usulkan nonaktif ke BPJS",
        "Remove from the Pemda list and ask BPJS to deactivate",
    ),
    "ELG-DKB": (
        "Dukcapil",
        "Padankan NIK dengan Dukcapil; bila bukan penduduk, keluarkan dari daftar Pemda",
        "Match the NIK with Dukcapil; if not a resident, remove from the Pemda list",
    ),
    "ELG-PINDAH": (
        "Dukcapil",
        "Keluarkan dari daftar Pemda; Pemda tujuan yang mendaftarkan",
        "Remove from the Pemda list; the destination Pemda registers them",
    ),
    "ELG-PBI": (
        "Dinsos",
        "Keluarkan dari daftar Pemda (dibiayai ganda)",
        "Remove from the Pemda list (funded twice)",
    ),
    "ELG-PPU": (
        "BPJS",
        "Keluarkan dari daftar Pemda (dibiayai ganda); iuran dibayar pemberi kerja",
        "Remove from the Pemda list (funded twice); the employer pays",
    ),
    "ELG-FORMAL": (
        "Pemberi kerja",
        "Alihkan ke segmen PPU; pemberi kerja mendaftarkan dan membayar",
        "Move to the PPU segment; the employer registers and pays",
    ),
    "ELG-DESIL": (
        "Dinsos",
        "Verifikasi lapangan Dinsos; bila mampu, alihkan ke peserta mandiri",
        "Dinsos field verification; if well off, move to self-paying (mandiri)",
    ),
    "ELG-MANDIRI": (
        "Dinkes",
        "Tetap mandiri; Pemda cukup memberi bantuan iuran kelas III",
        "Stay self-paying; the Pemda gives only the kelas III bantuan iuran",
    ),
}


@pytest.mark.parametrize("code", list(ACTIONS))
def test_each_decision_code_carries_its_office_and_action_in_both_languages(report, code):
    (line,) = [r for r in report.by_rule if r["rule_code"] == code]
    office, action_id, action_en = ACTIONS[code]
    assert (line["office"], line["action"]) == (office, {"id": action_id, "en": action_en})
    assert (
        line["label"]["id"] and line["label"]["en"] and line["label"]["id"] != line["label"]["en"]
    )
    assert line["source"]


# --- the budget line ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "funded", "below_by_desil"),
    [
        (0, 0, {"1": 1, "4": 1, "5": 3, "7": 1, "tanpa desil": 1}),
        (41_999, 0, {"1": 1, "4": 1, "5": 3, "7": 1, "tanpa desil": 1}),
        (42_000, 1, {"1": 1, "4": 1, "5": 3, "tanpa desil": 1}),
        (209_999, 4, {"5": 2, "tanpa desil": 1}),
        (210_000, 5, {"5": 1, "tanpa desil": 1}),
        (294_000, 7, {}),
        (10**12, 7, {}),
    ],
    ids=[
        "nothing",
        "one rupiah short of one",
        "one",
        "a rupiah short of five",
        "five",
        "all",
        "more",
    ],
)
def test_the_budget_line_falls_exactly_where_the_money_runs_out(
    report, tiny, budget, funded, below_by_desil
):
    line = pe.budget_line(tiny, PERIOD, budget)
    assert (line.funded, line.below, line.eligible) == (funded, 7 - funded, 7)
    assert line.monthly_shortfall == (7 - funded) * RATE
    assert line.below_by_desil == below_by_desil
    for value in (line.monthly_budget, line.funded, line.below, line.monthly_shortfall, line.rate):
        assert type(value) is int


def test_below_the_line_each_person_is_listed_with_why(report, tiny):
    people = pe.below_line_people(tiny, PERIOD, 5)
    order = "(urutan: rekomendasi_dinsos, desil, lansia, anak, disabilitas, penyakit_kronis)"
    assert people == [
        (
            6,
            BY_PID["p02"].nik,
            "P02",
            DESA_A,
            5,
            "penyakit_kronis",
            f"peringkat 6 > 5 yang terbiayai; desil 5; penyakit_kronis {order}",
        ),
        (
            7,
            BY_PID["p04"].nik,
            "P04",
            DESA_A,
            None,
            "",
            f"peringkat 7 > 5 yang terbiayai; tanpa desil; tanpa prioritas kerentanan {order}",
        ),
    ]


@pytest.mark.parametrize("budget", [42_000.0, True, "42000"], ids=["float", "bool", "text"])
def test_a_budget_that_is_not_whole_rupiah_is_refused(report, tiny, budget):
    with pytest.raises(SemestaError) as error:
        pe.budget_line(tiny, PERIOD, budget)  # type: ignore[arg-type]
    assert "whole number of Rupiah" in error.value.message.en


# --- the rule-change preview -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "entering", "leaving", "leaving_pemda", "transitions"),
    [
        # desil 5 leaves: p02, p11 (both Pemda-paid now), p12; p10's letter keeps them in.
        ({"desil_max": 4}, 0, 3, 2, [("ELG-LAYAK", "ELG-DESIL", "keluar", 3, 2)]),
        ({"desil_max": 6}, 1, 0, 0, [("ELG-DESIL", "ELG-LAYAK", "masuk", 1, 1)]),  # p03
        ({"desil_min": 2}, 0, 1, 1, [("ELG-LAYAK", "ELG-DESIL", "keluar", 1, 1)]),  # p01
        ({"allow_active_mandiri": True}, 1, 0, 0, [("ELG-MANDIRI", "ELG-LAYAK", "masuk", 1, 0)]),
        (
            {"without_desil_eligible": False},  # p04; p13 still fails the DKB rule first
            0,
            1,
            0,
            [("ELG-LAYAK-TANPA-DESIL", "ELG-DESIL", "keluar", 1, 0)],
        ),
        ({"disable": ["ELG-FORMAL"]}, 1, 0, 0, [("ELG-FORMAL", "ELG-LAYAK", "masuk", 1, 1)]),
        (
            {"desil_max": 4, "allow_active_mandiri": True},
            1,
            3,
            2,
            [
                ("ELG-LAYAK", "ELG-DESIL", "keluar", 3, 2),
                ("ELG-MANDIRI", "ELG-LAYAK", "masuk", 1, 0),
            ],
        ),
    ],
    ids=["desil 1-4", "desil 1-6", "desil 2-5", "mandiri", "desil required", "no formal", "both"],
)
def test_the_preview_counts_who_enters_and_leaves_and_what_it_costs(
    report, tiny, change, entering, leaving, leaving_pemda, transitions
):
    preview = pe.preview(tiny, PERIOD, RULES.changed(**change))
    assert (preview.entering, preview.leaving, preview.leaving_pemda_aktif) == (
        entering,
        leaving,
        leaving_pemda,
    )
    assert (preview.eligible_before, preview.eligible_after) == (7, 7 + entering - leaving)
    assert preview.monthly_change == (entering - leaving) * RATE
    assert preview.yearly_change == (entering - leaving) * RATE * 12
    assert type(preview.monthly_change) is int and type(preview.yearly_change) is int
    assert [
        (t["from"], t["to"], t["direction"], t["persons"], t["pemda_aktif"])
        for t in preview.transitions
    ] == transitions


def test_narrowing_to_desil_4_and_allowing_mandiri_saves_84_000_a_month(report, tiny):
    preview = pe.preview(tiny, PERIOD, RULES.changed(desil_max=4, allow_active_mandiri=True))
    # 1 enters (p05) and 3 leave (p02, p11, p12): −2 × Rp 42.000 = −Rp 84.000 a month.
    assert (preview.monthly_change, preview.yearly_change) == (-84_000, -1_008_000)
    assert preview.current["desil"] == "1–5" and preview.proposed["desil"] == "1–4"


def test_the_preview_lists_the_movers_by_direction_then_desa_then_person(report, tiny):
    movers = pe.preview_people(tiny, PERIOD, RULES.changed(desil_max=4, allow_active_mandiri=True))
    assert [(m[0], m[1], m[4], m[5], m[6], m[7]) for m in movers] == [
        ("keluar", "p02", DESA_A, 5, "ELG-LAYAK", "ELG-DESIL"),
        ("keluar", "p12", DESA_A, 5, "ELG-LAYAK", "ELG-DESIL"),
        ("keluar", "p11", DESA_B, 5, "ELG-LAYAK", "ELG-DESIL"),
        ("masuk", "p05", DESA_A, 3, "ELG-MANDIRI", "ELG-LAYAK"),
    ]
    assert movers[0][2:4] == (BY_PID["p02"].nik, "P02")
    assert len(pe.preview_people(tiny, PERIOD, RULES.changed(desil_max=4), limit=2)) == 2


def test_the_preview_leaves_the_stored_decision_as_it_was(report, tiny):
    before = _stored(tiny)
    pe.preview(tiny, PERIOD, RULES.changed(desil_max=2, allow_active_mandiri=True))
    assert _stored(tiny) == before


# --- the Dinsos letter in the workspace: valid within the period -------------------------------


@pytest.mark.parametrize(
    ("issued", "until", "code"),
    [
        ("2025-06-30", "", "ELG-DINSOS"),  # signed on the period's last day
        ("2025-07-01", "", "ELG-DESIL"),  # signed after the period
        ("2025-01-02", "2025-06-01", "ELG-DINSOS"),  # valid until the period's first day
        ("2025-01-02", "2025-05-31", "ELG-DESIL"),  # expired the day before the period
        ("30-06-2025", "31-12-2025", "ELG-DINSOS"),  # DD-MM-YYYY, as Dinsos writes it
    ],
    ids=["signed on the last day", "signed after", "until day one", "expired", "dd-mm-yyyy"],
)
def test_a_letter_counts_only_when_it_is_valid_within_the_period(
    copy, tmp_path, issued, until, code
):
    # p03 (desil 6, on the Pemda list) fails only the desil rule, which a letter overrides.
    letters = _letters(tmp_path, f"{BY_PID['p03'].nik};460/9/2025;{issued};{until}")
    assert pe.load_recommendations(copy, PERIOD, letters) == 1
    pe.decide(copy, PERIOD)
    assert _stored(copy)["p03"][1] == code


def test_loading_letters_replaces_those_of_the_period(copy, tmp_path):
    letters = _letters(tmp_path, f"{BY_PID['p03'].nik};460/9/2025;2025-06-01;")
    pe.load_recommendations(copy, PERIOD, letters)
    pe.decide(copy, PERIOD)
    stored = _stored(copy)
    assert (stored["p03"][1], stored["p10"][1]) == ("ELG-DINSOS", "ELG-DESIL")


def test_a_letter_file_without_the_date_column_is_refused_in_both_languages(copy, tmp_path):
    path = tmp_path / "surat.csv"
    path.write_text(f"NIK,NOMOR SURAT\n{BY_PID['p03'].nik},460/9/2025\n")
    with pytest.raises(SemestaError) as error:
        pe.load_recommendations(copy, PERIOD, path)
    assert "kolom wajib tidak ada: tanggal_surat" in error.value.message.id
    assert "required columns missing: tanggal_surat" in error.value.message.en


# --- semesta budget eligibility ----------------------------------------------------------------


def _floats(value: Any) -> list[Any]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _floats(v)]
    if isinstance(value, list):
        return [f for v in value for f in _floats(v)]
    return []


def test_the_eligibility_command_prints_one_json_document_in_whole_rupiah(copy):
    code, out, _ = run(
        "budget", "eligibility", "--workspace", str(copy.path), "--period", PERIOD,
        "--preview-desil-max", "4", "--budget", "Rp 210.000", "--json",
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert document["decision"]["eligible"] == 7
    assert document["decision"]["monthly_cost"] == 294_000
    assert (document["preview"]["leaving"], document["preview"]["monthly_change"]) == (3, -126_000)
    assert document["budget_line"]["funded"] == 5
    assert document["budget_line"]["below_by_desil"] == {"5": 1, "tanpa desil": 1}
    assert _floats(document) == []


def test_the_eligibility_command_speaks_english_when_asked(copy):
    code, out, _ = run(
        "budget", "eligibility", "--workspace", str(copy.path), "--period", PERIOD,
        "--preview-desil-max", "4", "--budget", "210000", "--lang", "en",
    )  # fmt: skip
    assert code == 0
    assert (
        "Eligibility 2025-06 (rules from 2025-02-05, desil 1–5): 7 of 15 persons eligible "
        "= Rp 294.000/month, Rp 3.528.000/year." in out
    )
    assert "enter 0, leave 3 (of whom 2 paid now); eligible 7 → 4" in out
    assert "-Rp 126.000/month, -Rp 1.512.000/year" in out
    assert "Budget Rp 210.000/month pays for 5 of 7; 2 below the line" in out


@pytest.mark.parametrize(
    ("args", "said_id", "said_en"),
    [
        (("--budget", "-1"), "--budget tidak boleh negatif", "--budget must not be negative"),
        (("--budget", "1,5"), "'1,5' memuat sen bukan nol", "'1,5' has non-zero sen"),
        (("--preview-desil-max", "11"), "rentang desil 1–11", "desil range 1..11 is invalid"),
        (
            ("--preview-desil-min", "6", "--preview-desil-max", "4"),
            "rentang desil 6–4",
            "desil range 6..4 is invalid",
        ),
        (
            ("--preview-without-desil", "kadang"),
            "tulis eligible atau not_eligible",
            "write eligible or not_eligible",
        ),
        (("--preview-disable", "ELG-KAYA"), "aturan 'ELG-KAYA' tidak ada", "no rule 'ELG-KAYA'"),
    ],
    ids=["negative budget", "budget with sen", "desil 11", "desil 6-4", "without", "unknown rule"],
)
def test_bad_eligibility_inputs_are_refused_in_both_languages_with_exit_code_2(
    copy, args, said_id, said_en
):
    code, out, err = run(
        "budget", "eligibility", "--workspace", str(copy.path), "--period", PERIOD, "--json", *args
    )
    assert code == 2 and out == ""  # progress lines may come first on stderr, never stdout
    galat, error = err.splitlines()[-2:]
    assert galat.startswith("GALAT: ") and said_id in galat
    assert error.startswith("ERROR: ") and said_en in error
    assert "Traceback" not in err


def test_an_eligibility_run_without_a_period_or_with_a_bad_one_is_refused(copy):
    code, _, err = run("budget", "eligibility", "--workspace", str(copy.path))
    assert (code, err) == (
        2,
        "GALAT: Opsi --period wajib diisi di sini.\nERROR: Option --period is required here.\n",
    )
    code, _, err = run("budget", "eligibility", "--workspace", str(copy.path), "--period", "2025-6")
    assert code == 2 and "Period '2025-6' is not valid" in err
