"""Who the Pemda pays for: one hand-written case per rule, the SQL twin agreeing with the Python
specification, the stored decision, the rule-change preview, the budget line, Dinsos letters,
and the BPJS invoice of the synthetic kabupaten against its planted errors."""

from __future__ import annotations

import csv
import json
import shutil
from collections import defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semesta.core import eligibility as el
from semesta.core.text import SemestaError
from semesta.pipeline import eligibility as pe
from semesta.pipeline.anomalies import reconcile
from semesta.pipeline.workspace import Workspace

END = date(2025, 6, 30)
KAB = "6202"
RULES = el.eligibility_rules(END)
BASE = el.PersonFacts(
    person_id="6202011507900001",
    in_dkb=True,
    kode_desa="6202011001",
    desil=3,
    tanggal_lahir=date(1990, 7, 15),
)


def decided(facts: el.PersonFacts, rules: el.EligibilityRules = RULES) -> el.Decision:
    return el.decide(facts, rules, KAB, END)


# --- the rules in force -------------------------------------------------------------------------


def test_in_2025_the_desil_threshold_is_the_pbi_jk_range_1_to_5_from_dtsen_toml():
    assert RULES.desil_range == range(1, 6)
    assert "dtsen.toml [[pbi_jk]]" in RULES.desil_source


def test_before_dtsen_there_is_no_desil_criterion():
    rules = el.eligibility_rules(date(2024, 6, 30))
    assert not rules.desil_enabled
    assert decided(replace(BASE, desil=None), rules).rule_code == "ELG-LAYAK"


def test_every_rule_names_its_code_source_office_and_action():
    codes = [r.code for r in RULES.rules]
    assert codes == [
        "ELG-HIDUP",
        "ELG-DKB",
        "ELG-PINDAH",
        "ELG-PBI",
        "ELG-PPU",
        "ELG-FORMAL",
        "ELG-DESIL",
        "ELG-MANDIRI",
    ]
    for rule in RULES.rules:
        assert rule.source and rule.office and rule.action.id and rule.action.en
    assert RULES.route is not None and "Dinas Sosial" in RULES.route.source


# --- one case per rule --------------------------------------------------------------------------


def test_a_poor_resident_with_no_other_cover_is_eligible_with_the_evidence():
    decision = decided(BASE)
    assert (decision.eligible, decision.rule_code) == (True, "ELG-LAYAK")
    assert decision.evidence == {
        "desil": 3,
        "kode_desa": "6202011001",
        "segmen_aktif": [],
        "rekomendasi": None,
    }


def test_a_resident_already_on_the_pemda_list_stays_eligible():
    assert decided(replace(BASE, active_groups=frozenset({"PBPU_BP_PEMDA"}))).eligible


def test_the_dead_are_not_eligible_and_the_evidence_says_since_when_and_who_said_so():
    decision = decided(replace(BASE, meninggal=date(2025, 3, 1), sumber_meninggal="DKB"))
    assert (decision.eligible, decision.rule_code) == (False, "ELG-HIDUP")
    assert decision.evidence == {"meninggal": "2025-03-01", "sumber": "DKB"}


def test_a_death_after_the_period_does_not_count_yet():
    assert decided(replace(BASE, meninggal=date(2025, 7, 2))).eligible


def test_someone_not_in_the_dkb_is_not_a_resident():
    decision = decided(replace(BASE, in_dkb=False, kode_desa=None))
    assert decision.rule_code == "ELG-DKB"
    assert decision.evidence == {"di_dkb": False, "kode_desa": None}


def test_a_dkb_desa_in_another_kabupaten_is_not_a_resident_here():
    assert decided(replace(BASE, kode_desa="6201011001")).rule_code == "ELG-DKB"


def test_someone_who_moved_out_is_not_eligible():
    decision = decided(replace(BASE, pindah=date(2025, 5, 20)))
    assert (decision.rule_code, decision.evidence) == ("ELG-PINDAH", {"pindah": "2025-05-20"})


def test_an_active_pbi_member_is_already_paid_for_by_the_centre():
    decision = decided(replace(BASE, active_groups=frozenset({"PBI_APBN", "PBPU_BP_PEMDA"})))
    assert decision.rule_code == "ELG-PBI"
    assert decision.evidence == {"segmen_aktif": ["PBI_APBN", "PBPU_BP_PEMDA"]}


def test_an_active_ppu_member_is_paid_for_by_the_employer():
    assert decided(replace(BASE, active_groups=frozenset({"PPU_BU"}))).rule_code == "ELG-PPU"


def test_a_formal_worker_is_named_with_the_employer():
    decision = decided(replace(BASE, formal_worker="ASN", employer="DINAS PENDIDIKAN"))
    assert decision.rule_code == "ELG-FORMAL"
    assert decision.evidence == {"pekerja_formal": "ASN", "pemberi_kerja": "DINAS PENDIDIKAN"}


def test_a_desil_above_the_threshold_is_not_eligible():
    decision = decided(replace(BASE, desil=7))
    assert decision.rule_code == "ELG-DESIL"
    assert decision.evidence == {"desil": 7, "desil_berlaku": "1–5"}


def test_a_resident_not_in_dtsen_stays_eligible_and_is_named_for_the_musdesus():
    assert decided(replace(BASE, desil=None)).rule_code == "ELG-LAYAK-TANPA-DESIL"


def test_a_pemda_may_require_a_desil_and_then_no_desil_means_not_eligible():
    strict = RULES.changed(without_desil_eligible=False)
    assert decided(replace(BASE, desil=None), strict).rule_code == "ELG-DESIL"


def test_an_active_mandiri_member_keeps_paying_unless_the_rules_allow_moving():
    mandiri = replace(BASE, active_groups=frozenset({"PBPU_MANDIRI"}))
    assert decided(mandiri).rule_code == "ELG-MANDIRI"
    assert decided(mandiri, RULES.changed(allow_active_mandiri=True)).eligible


def test_an_inactive_mandiri_member_in_arrears_is_eligible():
    assert decided(BASE).eligible  # inactive memberships are not in active_groups


def test_a_dinsos_letter_admits_a_poor_urgent_case_the_desil_would_exclude():
    decision = decided(replace(BASE, desil=8, rekomendasi="460/123/DINSOS/2025"))
    assert (decision.eligible, decision.rule_code) == (True, "ELG-DINSOS")
    assert decision.evidence["rekomendasi"] == "460/123/DINSOS/2025"


def test_a_dinsos_letter_does_not_override_death_or_central_funding():
    letter = replace(BASE, rekomendasi="460/1/2025")
    assert decided(replace(letter, meninggal=date(2025, 1, 1))).rule_code == "ELG-HIDUP"
    assert decided(replace(letter, active_groups=frozenset({"PBI_APBN"}))).rule_code == "ELG-PBI"


def test_the_first_failing_rule_in_order_decides():
    decision = decided(
        replace(BASE, meninggal=date(2025, 2, 1), desil=9, active_groups=frozenset({"PBI_APBN"}))
    )
    assert decision.rule_code == "ELG-HIDUP"
    bits = el.CHECK_BITS
    assert decision.fails_raw == bits["hidup"] | bits["bukan_pbi"]


def test_a_disabled_rule_no_longer_excludes():
    worker = replace(BASE, formal_worker="perangkat_desa")
    assert decided(worker, RULES.changed(disable=["ELG-FORMAL"])).eligible


def test_an_impossible_desil_range_or_an_unknown_rule_is_refused():
    with pytest.raises(SemestaError):
        RULES.changed(desil_max=11)
    with pytest.raises(SemestaError):
        RULES.changed(desil_min=6, desil_max=4)
    with pytest.raises(SemestaError):
        RULES.changed(disable=["ELG-TIDAK-ADA"])


def test_a_rule_file_with_an_unknown_check_is_refused(tmp_path):
    text = (Path(el.__file__).parent.parent / "data/rules/eligibility.toml").read_text()
    broken = tmp_path / "eligibility.toml"
    broken.write_text(text.replace('check = "hidup"', 'check = "kaya"'))
    with pytest.raises(SemestaError) as error:
        el.eligibility_rules(END, broken)
    assert "kaya" in error.value.message.en


# --- ranking ----------------------------------------------------------------------------------


def test_the_ranking_puts_letters_first_then_lowest_desil_then_elderly_then_children():
    people = [
        replace(BASE, person_id="a", desil=2, tanggal_lahir=date(1990, 1, 1)),
        replace(BASE, person_id="b", desil=1, tanggal_lahir=date(1990, 1, 1)),
        replace(BASE, person_id="c", desil=2, tanggal_lahir=date(1950, 1, 1)),  # lansia
        replace(BASE, person_id="d", desil=2, tanggal_lahir=date(2020, 1, 1)),  # anak
        replace(BASE, person_id="e", desil=None),
        replace(BASE, person_id="f", desil=5, rekomendasi="460/9/2025"),
    ]
    order = sorted(people, key=lambda f: el.priority_key(f, RULES, END))
    assert [f.person_id for f in order] == ["f", "b", "c", "d", "a", "e"]


def test_age_is_counted_in_full_years_on_the_last_day_of_the_period():
    assert el.age_on(date(1965, 6, 30), END) == 60
    assert el.age_on(date(1965, 7, 1), END) == 59
    flags = el.vulnerability(replace(BASE, tanggal_lahir=date(2007, 7, 1)), RULES, END)
    assert flags["anak"] and not flags["lansia"]


# --- the SQL twin agrees with the Python specification --------------------------------------

GROUPS = ["PBI_APBN", "PBPU_BP_PEMDA", "PPU_PN", "PPU_BU", "PBPU_MANDIRI", "BP"]
DAYS = st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2025, 12, 31)))
FACTS = st.builds(
    el.PersonFacts,
    person_id=st.text("0123456789", min_size=4, max_size=6),
    in_dkb=st.booleans(),
    kode_desa=st.sampled_from([None, "6202011001", "6202051003", "6201011001"]),
    meninggal=DAYS,
    sumber_meninggal=st.sampled_from([None, "DKB", "RS"]),
    pindah=DAYS,
    desil=st.one_of(st.none(), st.integers(1, 10)),
    formal_worker=st.sampled_from([None, "ASN", "P3K", "perangkat_desa", "badan_usaha"]),
    employer=st.sampled_from([None, "PT SAWIT"]),
    active_groups=st.frozensets(st.sampled_from(GROUPS), max_size=3),
    tanggal_lahir=st.one_of(st.none(), st.dates(date(1920, 1, 1), date(2025, 6, 30))),
    rekomendasi=st.sampled_from([None, "460/1/2025"]),
    disabilitas=st.sampled_from([None, True, False]),
    penyakit_kronis=st.sampled_from([None, True, False]),
)
PROPOSALS = st.sampled_from(
    [
        RULES,
        RULES.changed(desil_max=4),
        RULES.changed(desil_min=2, desil_max=7, without_desil_eligible=False),
        RULES.changed(allow_active_mandiri=True, disable=["ELG-FORMAL"]),
        el.eligibility_rules(date(2024, 1, 1)),
    ]
)


def _sql_decisions(people: list[el.PersonFacts], rules: el.EligibilityRules) -> list[tuple]:
    db = duckdb.connect()
    db.execute(
        "CREATE TABLE facts (person_id VARCHAR, in_dkb BOOLEAN, kode_desa VARCHAR, "
        "meninggal DATE, sumber_meninggal VARCHAR, pindah DATE, desil INTEGER, "
        "formal_worker VARCHAR, employer VARCHAR, groups_mask INTEGER, tanggal_lahir DATE, "
        "rekomendasi_nomor VARCHAR, disabilitas BOOLEAN, penyakit_kronis BOOLEAN)"
    )
    db.executemany(
        "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
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
            for f in people
        ],
    )
    eligible, code = el.decision_sql(rules, letter="(rekomendasi_nomor IS NOT NULL)")
    flags = ", ".join(f"{sql} AS {name}" for name, sql in el.flags_sql(rules, END).items())
    return db.execute(
        f"""
        SELECT rowid, eligible, rule_code, {el.evidence_sql(rules)}, fails_raw, {flags}
        FROM (SELECT *, {eligible} AS eligible, {code} AS rule_code
              FROM (SELECT *, {el.failing_sql(rules)} AS failing
                    FROM (SELECT rowid, *, {el.fails_sql(KAB, END)} AS fails_raw FROM facts)))
        ORDER BY rowid
        """
    ).fetchall()


def test_a_membership_group_mask_lists_back_the_sorted_group_names():
    db = duckdb.connect()
    for groups in ([], ["PPU_BU"], ["PBPU_BP_PEMDA", "BP", "PBI_APBN"]):
        mask = el.groups_mask(groups)
        assert el.groups_of(mask) == frozenset(groups)
        listed = db.execute(f"SELECT {el.groups_list_sql(str(mask))}").fetchall()[0][0]
        assert listed == sorted(groups)


@settings(max_examples=40, deadline=None)
@given(people=st.lists(FACTS, min_size=1, max_size=25), rules=PROPOSALS)
def test_the_sql_twin_decides_exactly_as_the_python_specification(people, rules):
    for facts, row in zip(people, _sql_decisions(people, rules), strict=True):
        decision = el.decide(facts, rules, KAB, END)
        assert (row[1], row[2], row[4]) == (
            decision.eligible,
            decision.rule_code,
            decision.fails_raw,
        )
        assert json.loads(row[3]) == decision.evidence
        flags = el.vulnerability(facts, rules, END)
        assert dict(zip(flags, row[5:], strict=True)) == flags


# --- the stored decision on the synthetic kabupaten ------------------------------------------


@pytest.fixture(scope="module")
def reconciled(small_ingested, tmp_path_factory) -> Workspace:
    """A private copy of the small workspace, reconciled (person, membership, finding)."""
    source, _ = small_ingested
    target = tmp_path_factory.mktemp("budget") / "workspace"
    shutil.copytree(source.path, target)
    place = Workspace(target)
    reconcile(place, "2025-06")
    return place


@pytest.fixture(scope="module")
def decision(reconciled) -> pe.EligibilityReport:
    return pe.decide(reconciled, "2025-06")


def _stored(place: Workspace) -> dict[str, tuple]:
    db = place.connect(read_only=True)
    try:
        rows = db.execute(
            "SELECT person_id, eligible, rule_code, evidence, rank, fails_raw FROM eligibility "
            "WHERE period = '2025-06'"
        ).fetchall()
    finally:
        db.close()
    return {r[0]: r for r in rows}


def test_every_person_of_the_period_gets_one_decision(reconciled, decision):
    db = reconciled.connect(read_only=True)
    try:
        persons = db.execute("SELECT count(*) FROM person WHERE period = '2025-06'").fetchall()
    finally:
        db.close()
    assert decision.persons == persons[0][0] == len(_stored(reconciled))
    assert decision.residents == 3_000
    assert sum(r["persons"] for r in decision.by_rule) == decision.persons
    assert decision.monthly_cost == decision.eligible * 42_000
    assert decision.yearly_cost == decision.monthly_cost * 12


def test_the_stored_decisions_agree_with_the_python_specification_for_everyone(
    reconciled, decision
):
    stored = _stored(reconciled)
    people = list(pe.facts_rows(reconciled, "2025-06"))
    for facts in people:
        spec = el.decide(facts, RULES, decision.kabupaten, END)
        row = stored[facts.person_id]
        assert (row[1], row[2], json.loads(row[3]), row[5]) == (
            spec.eligible,
            spec.rule_code,
            spec.evidence,
            spec.fails_raw,
        )
    order = sorted(
        (f for f in people if el.decide(f, RULES, decision.kabupaten, END).eligible),
        key=lambda f: el.priority_key(f, RULES, END),
    )
    ranks = [stored[f.person_id][4] for f in order]
    assert ranks == list(range(1, decision.eligible + 1))


def test_the_active_pemda_paid_who_are_not_eligible_match_the_planted_list_errors(decision):
    excluded = {r["rule_code"]: r["pemda_aktif"] for r in decision.by_rule if not r["eligible"]}
    # Planted in the seed-7 kabupaten (truth/anomalies.csv): 3 movers, 1 outsider, 4 PBI + Pemda,
    # 1 Pemda + PPU, 10 formal workers, 15 well-off on the Pemda list.
    assert excluded["ELG-PINDAH"] == 3
    assert excluded["ELG-DKB"] == 1
    assert excluded["ELG-PBI"] == 4
    assert excluded["ELG-PPU"] == 1
    assert excluded["ELG-FORMAL"] == 10
    assert excluded["ELG-DESIL"] == 15
    assert decision.monthly_saving == decision.pemda_aktif_not_eligible * 42_000


def test_a_rule_change_preview_equals_deciding_everything_again(reconciled, decision, tmp_path):
    proposed = RULES.changed(desil_max=4)
    preview = pe.preview(reconciled, "2025-06", proposed)
    assert preview.eligible_before == decision.eligible
    assert preview.entering == 0 and preview.leaving > 0
    assert preview.monthly_change == -preview.leaving * 42_000
    assert preview.yearly_change == preview.monthly_change * 12
    assert {(t["from"], t["to"]) for t in preview.transitions} == {("ELG-LAYAK", "ELG-DESIL")}
    again = Workspace(tmp_path / "again")
    shutil.copytree(reconciled.path, again.path)
    redone = pe.decide(again, "2025-06", proposed)
    assert redone.eligible == preview.eligible_after
    movers = pe.preview_people(reconciled, "2025-06", proposed)
    assert len(movers) == preview.leaving
    assert {m[5] for m in movers} == {5} and {m[0] for m in movers} == {"keluar"}


def test_widening_the_desil_lets_people_in_and_costs_more(reconciled, decision):
    preview = pe.preview(reconciled, "2025-06", RULES.changed(desil_max=6))
    assert preview.entering > 0 and preview.leaving == 0
    assert preview.monthly_change == preview.entering * 42_000


def test_a_budget_below_the_need_funds_the_first_ranks_and_lists_the_rest_with_why(
    reconciled, decision
):
    budget = 20_000_000
    line = pe.budget_line(reconciled, "2025-06", budget)
    assert line.funded == budget // 42_000 == 476
    assert line.below == decision.eligible - 476
    assert line.monthly_shortfall == line.below * 42_000
    assert sum(line.below_by_desil.values()) == line.below
    people = pe.below_line_people(reconciled, "2025-06", line.funded)
    assert len(people) == line.below
    assert people[0][0] == 477
    assert "peringkat 477 > 476" in people[0][6]
    assert "1" not in line.below_by_desil  # the poorest are funded first


def test_a_negative_budget_is_refused(reconciled, decision):
    with pytest.raises(SemestaError):
        pe.budget_line(reconciled, "2025-06", -1)


def test_a_dinsos_letter_admits_a_well_off_resident_for_the_period(reconciled, tmp_path):
    place = Workspace(tmp_path / "letters")
    shutil.copytree(reconciled.path, place.path)
    db = place.connect(read_only=True)
    try:
        nik = db.execute(
            "SELECT p.nik FROM eligibility e JOIN person p USING (period, person_id) "
            "WHERE e.period = '2025-06' AND e.rule_code = 'ELG-DESIL' ORDER BY p.nik LIMIT 1"
        ).fetchall()[0][0]
    finally:
        db.close()
    letters = tmp_path / "rekomendasi.csv"
    letters.write_text(
        "NIK;NOMOR SURAT;TANGGAL SURAT;BERLAKU SAMPAI;ALASAN\n"
        f"{nik};460/77/DINSOS/VI/2025;10-06-2025;31-12-2025;rawat inap mendesak\n"
    )
    assert pe.load_recommendations(place, "2025-06", letters) == 1
    pe.decide(place, "2025-06")
    db = place.connect(read_only=True)
    try:
        row = db.execute(
            "SELECT e.eligible, e.rule_code, e.evidence, e.rank FROM eligibility e "
            "JOIN person p USING (period, person_id) WHERE e.period = '2025-06' AND p.nik = ?",
            [nik],
        ).fetchall()[0]
    finally:
        db.close()
    assert (row[0], row[1], row[3]) == (True, "ELG-DINSOS", 1)
    assert json.loads(row[2])["rekomendasi"] == "460/77/DINSOS/VI/2025"


def test_a_letter_file_with_a_bad_nik_is_refused_with_the_row(reconciled, tmp_path):
    letters = tmp_path / "bad.csv"
    letters.write_text("NIK,NOMOR SURAT,TANGGAL SURAT\n12345,460/1,2025-06-01\n")
    with pytest.raises(SemestaError) as error:
        pe.load_recommendations(reconciled, "2025-06", letters)
    assert "2:" in error.value.message.id


def test_deciding_before_the_reconciliation_says_what_to_run(small_ingested, tmp_path):
    source, _ = small_ingested
    shutil.copytree(source.path, tmp_path / "raw")
    with pytest.raises(SemestaError) as error:
        pe.decide(Workspace(tmp_path / "raw"), "2025-06")
    assert "semesta reconcile" in error.value.message.en


# --- the invoice against the planted errors ---------------------------------------------------

PEMDA_KINDS = {
    "meninggal_masih_aktif": {"ELG-HIDUP"},
    "pindah_masih_pemda": {"ELG-PINDAH"},
    "bukan_penduduk_pemda": {"ELG-DKB"},
    "ganda_pbi_pemda": {"ELG-PBI", "ELG-HIDUP"},
    "ganda_pemda_ppu": {"ELG-PPU", "ELG-HIDUP"},
    "pekerja_formal_pemda": {"ELG-FORMAL"},
    "mampu_pemda": {"ELG-DESIL"},
}


@pytest.fixture(scope="module")
def invoice(reconciled, decision) -> pe.InvoiceCheck:
    return pe.check_invoice(reconciled, "2025-06")


@pytest.fixture(scope="module")
def truth(small_exports) -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = defaultdict(set)
    with (small_exports / "truth" / "anomalies.csv").open() as handle:
        for row in csv.DictReader(handle):
            kinds[row["kind"]].add(row["nik"])
    return kinds


def _flagged(place: Workspace, file_id: int) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for row in pe.invoice_rows(place, "2025-06", file_id, "not_accepted"):
        found[row[2]].add(row[5])
    return found


def test_every_planted_error_on_the_invoice_is_billed_but_not_accepted_with_its_reason(
    reconciled, invoice, truth
):
    flagged = _flagged(reconciled, invoice.file_id)
    db = reconciled.connect(read_only=True)
    try:
        billed = {r[0] for r in db.execute("SELECT nik FROM tagihan").fetchall()}
    finally:
        db.close()
    checked = 0
    for kind, codes in PEMDA_KINDS.items():
        for nik in truth[kind] & billed:
            assert flagged.get(nik, set()) & codes, (kind, nik, flagged.get(nik))
            checked += 1
    assert checked == 36


def test_every_row_not_accepted_is_a_planted_error_or_a_second_bill_for_one_person(
    reconciled, invoice, truth
):
    planted = set().union(*(truth[k] for k in PEMDA_KINDS))
    duplicates = truth["duplikat_orang"] | truth["duplikat_baris"]
    db = reconciled.connect(read_only=True)
    try:
        person_nik = dict(
            db.execute(
                "SELECT m.no_kartu, p.nik FROM membership m JOIN person p "
                "USING (period, person_id) WHERE m.period = '2025-06'"
            ).fetchall()
        )
    finally:
        db.close()
    rows = pe.invoice_rows(reconciled, "2025-06", invoice.file_id, "not_accepted")
    for row in rows:
        if row[5] == "TAG-GANDA":
            assert person_nik[row[1]] in duplicates
        else:
            assert row[2] in planted, row
    assert {row[5] for row in rows} >= {"TAG-GANDA", "ELG-DESIL", "ELG-FORMAL"}


def test_the_invoice_figures_add_up(invoice):
    assert invoice.rows_billed == 758 and invoice.rupiah_billed == 758 * 42_000
    assert invoice.rows_accepted + invoice.rows_not_accepted == invoice.rows_billed
    assert invoice.rupiah_payable == invoice.rows_accepted * 42_000
    assert invoice.rupiah_not_accepted == sum(f["rupiah"] for f in invoice.by_finding)
    assert invoice.rate_difference_rows == 0 and invoice.rate_difference_rupiah == 0
    assert invoice.expected_rupiah == invoice.eligible_persons * 42_000
    assert invoice.headcount_difference == invoice.rows_billed - invoice.eligible_persons
    assert invoice.rupiah_difference == invoice.rupiah_billed - invoice.expected_rupiah
    not_billed = sum(f["persons"] for f in invoice.eligible_not_billed)
    accepted_persons = invoice.rows_accepted  # one accepted row per eligible person billed
    assert not_billed + accepted_persons == invoice.eligible_persons
    for finding in invoice.by_finding:
        assert finding["label"]["id"] and finding["action"]["id"]


def test_an_invoice_row_at_another_rate_is_flagged_with_the_rupiah_difference(
    reconciled, invoice, tmp_path
):
    place = Workspace(tmp_path / "tarif")
    shutil.copytree(reconciled.path, place.path)
    db = place.connect()
    try:
        db.execute(
            "UPDATE tagihan SET iuran = 45000 WHERE row_number IN "
            "(SELECT row_number FROM tagihan ORDER BY row_number LIMIT 2)"
        )
    finally:
        db.close()
    check = pe.check_invoice(place, "2025-06")
    assert (check.rate_difference_rows, check.rate_difference_rupiah) == (2, 6_000)
    rows = pe.invoice_rows(place, "2025-06", check.file_id, "rate")
    assert [r[4:] for r in rows] == [(45_000, 42_000, 3_000)] * 2


def test_the_invoice_workbook_has_the_summary_and_the_lists(reconciled, invoice, tmp_path):
    from semesta.reports.budget import write_invoice

    path = write_invoice(
        tmp_path / "verifikasi.xlsx",
        invoice.as_dict(),
        pe.invoice_rows(reconciled, "2025-06", invoice.file_id, "not_accepted"),
        pe.invoice_rows(reconciled, "2025-06", invoice.file_id, "rate"),
        pe.invoice_rows(reconciled, "2025-06", invoice.file_id, "not_billed"),
    )
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == [
        "Ringkasan",
        "Ditagih tidak layak",
        "Layak tidak ditagih",
        "Selisih tarif",
    ]
    summary = list(book["Ringkasan"].iter_rows(values_only=True))
    assert ("Baris ditagih BPJS", 758, 758 * 42_000) in summary
    listed = list(book["Ditagih tidak layak"].iter_rows(values_only=True))
    assert len([r for r in listed if r[5] and str(r[5]).startswith(("ELG-", "TAG-"))]) == (
        invoice.rows_not_accepted
    )


def test_the_workspace_figures_carry_the_reconciliation_saving(reconciled, decision):
    figures = pe.workspace_figures(reconciled, "2025-06")
    assert (figures.population, figures.registered, figures.active) == (3_000, 2_960, 2_372)
    assert figures.saving_source == "finding"
    assert figures.monthly_saving == 1_848_000  # 44 payments the lists would stop
    assert figures.pemda_paid_active == 762 and figures.kelas3_mandiri_active == 92
    assert figures.eligible == decision.eligible


def test_the_coverage_comes_from_the_stored_uhc_aggregate_when_issue_5_has_run(
    reconciled, decision, tmp_path
):
    place = Workspace(tmp_path / "uhc")
    shutil.copytree(reconciled.path, place.path)
    db = place.connect()
    try:
        db.execute(
            "CREATE OR REPLACE TABLE uhc_aggregate (period VARCHAR, level VARCHAR, kode VARCHAR, "
            "nama VARCHAR, kode_induk VARCHAR, segmen VARCHAR, population BIGINT, "
            "registered BIGINT, active BIGINT, pemda BIGINT, pbi_apbn BIGINT)"
        )
        db.execute(
            "INSERT INTO uhc_aggregate VALUES "
            "('2025-06', 'kabupaten', '6202', 'KOTIM', '62', 'SEMUA', 3000, 2900, 2300, 0, 0), "
            "('2025-06', 'kabupaten', '6202', 'KOTIM', '62', 'PBI_APBN', 3000, 690, 680, 0, 0)"
        )
    finally:
        db.close()
    figures = pe.workspace_figures(place, "2025-06")
    assert figures.coverage_source == "uhc_aggregate"
    assert (figures.population, figures.registered, figures.active) == (3_000, 2_900, 2_300)
