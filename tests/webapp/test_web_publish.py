"""Publishing a period into the app's database (semesta.web.publish): every table the pages read
holds what the DuckDB workspace holds, a new generation replaces the previous one whole, and
NIK/KK are kept and shown only as the privacy rules say (semesta.web.privacy)."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Count, Sum
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from semesta.pipeline import eligibility as pe
from semesta.pipeline.ingest import ingest
from semesta.pipeline.workspace import Workspace
from semesta.web.models import (
    EligibilityCell,
    FileAccount,
    Finding,
    InvoiceLine,
    Person,
    Publication,
    QuarantineRow,
    RegionStat,
)
from semesta.web.privacy import mask_id, nik_key, person_ref, redact
from semesta.web.publish import current, periods, publish
from webapp.cast import OUTSIDE, CastTestCase
from webapp.conftest import PERIOD

TEXT_COLUMNS = {
    "nik", "no_kk", "nama", "jenis_kelamin", "kode_desa", "segmen_kelompok",
    "keterangan_status", "kode_faskes", "no_kartu",
}  # fmt: skip
SIXTEEN = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
# A NIK as people type it: four groups of four digits with a space, dot or dash between.
GROUPED = re.compile(r"(?<![0-9])[0-9]{4}([ .\-])[0-9]{4}\1[0-9]{4}\1[0-9]{4}(?![0-9])")


def query(workspace: Workspace, sql: str, *params) -> list[tuple]:
    db = workspace.connect(read_only=True)
    try:
        return db.execute(sql, list(params)).fetchall()
    finally:
        db.close()


def text(value) -> str:
    """A workspace value as the app stores a text column (NULL becomes '')."""
    return "" if value is None else value


class WithWorkspace(CastTestCase):
    @pytest.fixture(autouse=True)
    def _workspace(self, published_workspace):
        self.workspace = published_workspace

    def duck(self, sql: str, *params) -> list[tuple]:
        return query(self.workspace, sql, *params)


class PublishedTablesTests(WithWorkspace):
    """Each step copies one workspace table; the counts and values are the workspace's."""

    def test_every_ingested_file_is_published_with_its_accounting(self):
        expected = self.duck(
            "SELECT file_id, file_name, layout, rows_read, rows_ingested, rows_quarantined, "
            "values_repaired, values_rejected FROM files WHERE period = ? ORDER BY file_id",
            PERIOD,
        )
        published = list(
            FileAccount.objects.filter(publication=self.publication)
            .order_by("file_id")
            .values_list(
                "file_id",
                "file_name",
                "layout",
                "rows_read",
                "rows_ingested",
                "rows_quarantined",
                "values_repaired",
                "values_rejected",
            )
        )
        self.assertEqual(published, expected)
        self.assertEqual(len(published), 8)  # the eight exports of the synthetic kabupaten

    def test_every_quarantined_value_is_published_with_its_reason_in_both_languages(self):
        expected = self.duck(
            "SELECT file_name, row_number, column_name, value, scope, reason_code, reason_id, "
            "reason_en FROM quarantine WHERE period = ?",
            PERIOD,
        )
        published = QuarantineRow.objects.filter(publication=self.publication).values_list(
            "file_name",
            "row_number",
            "column_name",
            "value",
            "scope",
            "reason_code",
            "reason_id",
            "reason_en",
        )
        self.assertEqual(Counter(published), Counter(expected))
        self.assertTrue(all(row[6] and row[7] for row in expected))

    def test_every_person_of_the_period_is_published_once_under_their_reference(self):
        ids = [row[0] for row in self.duck("SELECT person_id FROM person WHERE period = ?", PERIOD)]
        refs = list(
            Person.objects.filter(publication=self.publication).values_list("ref", flat=True)
        )
        self.assertEqual(len(refs), len(ids))
        self.assertEqual(Counter(refs), Counter(person_ref(i) for i in ids))

    def test_a_published_person_carries_the_facts_of_the_workspace(self):
        columns = [
            "nik", "no_kk", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa", "resident",
            "registered", "active", "segmen_kelompok", "kelas", "desil", "keterangan_status",
            "kode_faskes", "no_kartu",
        ]  # fmt: skip
        texts = {i for i, name in enumerate(columns) if name in TEXT_COLUMNS}
        expected = {
            person_ref(person_id): tuple(text(v) if i in texts else v for i, v in enumerate(row))
            for person_id, *row in self.duck(
                f"SELECT person_id, {', '.join(columns)} FROM person WHERE period = ?", PERIOD
            )
        }
        published = {
            ref: tuple(row)
            for ref, *row in Person.objects.filter(publication=self.publication).values_list(
                "ref", *columns
            )
        }
        self.assertEqual(published, expected)

    def test_each_person_holds_every_source_row_linked_to_them(self):
        linked = dict(
            self.duck(
                "SELECT layout, count(*) FROM identity WHERE period = ? "
                "AND person_id IN (SELECT person_id FROM person WHERE period = ?) GROUP BY 1",
                PERIOD,
                PERIOD,
            )
        )
        published: Counter = Counter()
        for sources in Person.objects.filter(publication=self.publication).values_list(
            "sources", flat=True
        ):
            for layout, rows in sources.items():
                published[layout] += len(rows)
        self.assertEqual(dict(published), linked)

    def test_what_a_file_said_is_kept_only_where_its_value_was_not_usable(self):
        usable, held = 0, 0
        for sources in Person.objects.filter(publication=self.publication).values_list(
            "sources", flat=True
        ):
            for rows in sources.values():
                for row in rows:
                    if "nik_asli" not in row:
                        continue
                    if row["nik"] is not None:
                        usable += 1
                        self.assertIsNone(row["nik_asli"])
                    elif row["nik_asli"] is not None:
                        held += 1
        # Every NIK held in the quarantine as a value (Excel rounded it, …) keeps its row, which
        # is linked to its person by name and birth date; the file's text is kept beside it.
        quarantined = self.duck(
            "SELECT count(*) FROM quarantine WHERE period = ? AND column_name = 'nik' "
            "AND scope = 'value'",
            PERIOD,
        )[0][0]
        self.assertGreater(usable, 0)
        self.assertGreater(held, 0)
        self.assertEqual(held, quarantined)

    def test_a_person_without_a_dkb_desa_belongs_to_the_kabupaten_only(self):
        expected = self.duck(
            "SELECT person_id FROM person WHERE period = ? AND kode_desa IS NULL", PERIOD
        )
        homeless = Person.objects.filter(publication=self.publication, kode_desa="")
        self.assertEqual(
            sorted(homeless.values_list("ref", flat=True)),
            sorted(person_ref(row[0]) for row in expected),
        )
        self.assertEqual(
            set(homeless.values_list("kode_kabupaten", "kode_kecamatan")), {("6202", "")}
        )

    def test_every_finding_is_published_with_its_person_and_region_codes(self):
        expected = Counter(
            (rule, person_ref(person) if person else "", text(desa))
            for rule, person, desa in self.duck(
                "SELECT f.rule_code, f.person_id, COALESCE(f.kode_desa, p.kode_desa) "
                "FROM finding f LEFT JOIN person p ON p.period = f.period "
                "AND p.person_id = f.person_id WHERE f.period = ?",
                PERIOD,
            )
        )
        published = Finding.objects.filter(publication=self.publication)
        self.assertEqual(
            Counter(published.values_list("rule_code", "person_ref", "kode_desa")), expected
        )
        for desa, kecamatan, kabupaten in published.values_list(
            "kode_desa", "kode_kecamatan", "kode_kabupaten"
        ).distinct():
            self.assertEqual(kecamatan, desa[:6])
            self.assertEqual(kabupaten, desa[:4] or "6202")

    def test_the_finding_count_of_a_person_is_the_number_of_their_findings(self):
        per_ref = dict(
            Finding.objects.filter(publication=self.publication)
            .exclude(person_ref="")
            .values("person_ref")
            .annotate(n=Count("id"))
            .values_list("person_ref", "n")
        )
        counted = dict(
            Person.objects.filter(publication=self.publication, finding_count__gt=0).values_list(
                "ref", "finding_count"
            )
        )
        self.assertEqual(counted, per_ref)

    def test_every_region_of_the_uhc_aggregates_is_a_region_stat_with_its_counts(self):
        expected = {
            (level, kode): (population, registered, active)
            for level, kode, population, registered, active in self.duck(
                "SELECT level, kode, population, registered, active FROM uhc_aggregate "
                "WHERE period = ? AND segmen = 'SEMUA'",
                PERIOD,
            )
        }
        published = {
            (level, code): counts
            for level, code, *counts in RegionStat.objects.filter(
                publication=self.publication
            ).values_list("level", "code", "population", "registered", "active")
        }
        self.assertEqual({k: tuple(v) for k, v in published.items()}, expected)
        self.assertEqual(
            Counter(level for level, _ in published), {"kabupaten": 1, "kecamatan": 17, "desa": 177}
        )

    def test_each_region_lists_its_segments_with_their_counts(self):
        expected = {
            (kode, segmen): {"population": p, "registered": r, "active": a}
            for kode, segmen, p, r, a in self.duck(
                "SELECT kode, segmen, population, registered, active FROM uhc_aggregate "
                "WHERE period = ? AND level = 'kecamatan' AND segmen <> 'SEMUA'",
                PERIOD,
            )
        }
        published = {
            (stat.code, segmen): counts
            for stat in RegionStat.objects.filter(publication=self.publication, level="kecamatan")
            for segmen, counts in stat.segments.items()
            if segmen != "SEMUA"
        }
        self.assertEqual(published, expected)

    def test_region_percentages_are_the_report_figures_rounded_half_up_to_two_decimals(self):
        stats = RegionStat.objects.filter(publication=self.publication)
        for stat in stats:
            exact = stat.detail["indicators"]["coverage_pct"]
            with self.subTest(region=stat.code):
                self.assertEqual(
                    stat.coverage_pct,
                    Decimal(str(exact)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                )
        kabupaten = stats.get(level="kabupaten")
        # 2.960 registered of 3.000 residents = 98,666… → 98,67 %; 2.372 active = 79,066… → 79,07 %.
        self.assertEqual(
            (kabupaten.population, kabupaten.registered, kabupaten.active), (3000, 2960, 2372)
        )
        self.assertEqual(
            (kabupaten.coverage_pct, kabupaten.active_pct), (Decimal("98.67"), Decimal("79.07"))
        )

    def test_the_eligibility_cells_count_every_decided_person_by_rule(self):
        expected = dict(
            self.duck(
                "SELECT rule_code, count(*) FROM eligibility WHERE period = ? GROUP BY 1", PERIOD
            )
        )
        published = dict(
            EligibilityCell.objects.filter(publication=self.publication)
            .values("rule_code")
            .annotate(n=Sum("persons"))
            .values_list("rule_code", "n")
        )
        self.assertEqual(published, expected)
        self.assertEqual(sum(published.values()), self.publication.counts["persons"])

    def test_each_decided_person_carries_their_rule_and_its_label(self):
        expected = dict(
            self.duck("SELECT person_id, rule_code FROM eligibility WHERE period = ?", PERIOD)
        )
        people = Person.objects.filter(publication=self.publication).values_list(
            "ref", "eligibility"
        )
        codes = {ref: (eligibility or {}).get("code") for ref, eligibility in people}
        self.assertEqual(codes, {person_ref(pid): code for pid, code in expected.items()})
        labels = [e["label"] for _, e in people if e]
        self.assertTrue(all(label["id"] and label["en"] for label in labels))

    def test_every_invoice_line_not_accepted_is_published_with_its_person(self):
        checked = pe.check_invoice(self.workspace, PERIOD)
        expected = pe.invoice_rows(self.workspace, PERIOD, checked.file_id, "not_accepted")
        lines = InvoiceLine.objects.filter(publication=self.publication)
        self.assertEqual(
            Counter(lines.values_list("row_number", "finding")),
            Counter((row[0], row[5]) for row in expected),
        )
        self.assertTrue(lines.exists())
        by_ref = dict(Person.objects.filter(publication=self.publication).values_list("ref", "nik"))
        for line in lines.exclude(person_ref=""):
            self.assertEqual(by_ref[line.person_ref], line.nik)

    def test_the_publication_records_its_stages_counts_and_rules(self):
        counts = {
            name: self.duck(f"SELECT count(*) FROM {table} WHERE period = ?", PERIOD)[0][0]
            for name, table in (
                ("files", "files"),
                ("quarantine", "quarantine"),
                ("persons", "person"),
                ("findings", "finding"),
            )
        }
        self.assertEqual({k: self.publication.counts[k] for k in counts}, counts)
        self.assertEqual(
            self.publication.stages, ["ingest", "person", "findings", "uhc", "eligibility"]
        )
        self.assertEqual(self.publication.notes, [])
        used = set(
            Finding.objects.filter(publication=self.publication).values_list("rule_code", flat=True)
        )
        rules = self.publication.extra["rules"]
        self.assertLessEqual(used, set(rules))
        self.assertTrue(all(rules[code]["title_id"] and rules[code]["source"] for code in used))
        self.assertEqual(self.publication.kabupaten_code, "6202")


class GenerationTests(WithWorkspace):
    """A new generation replaces the old one whole; a page never sees half of one."""

    def test_republishing_a_period_replaces_its_generation_instead_of_adding_one(self):
        before = set(
            Person.objects.filter(publication=self.publication).values_list("ref", flat=True)
        )
        again = publish(self.workspace, PERIOD)
        self.assertEqual(list(Publication.objects.filter(period=PERIOD)), [again])
        self.assertEqual(current(PERIOD), again)
        self.assertEqual(Person.objects.count(), len(before))
        self.assertEqual(FileAccount.objects.count(), 8)
        self.assertEqual(Finding.objects.count(), self.publication.counts["findings"])

    def test_a_person_keeps_their_reference_across_generations(self):
        before = set(
            Person.objects.filter(publication=self.publication).values_list("ref", flat=True)
        )
        again = publish(self.workspace, PERIOD)
        after = set(Person.objects.filter(publication=again).values_list("ref", flat=True))
        self.assertEqual(after, before)

    def test_a_publish_that_fails_half_way_leaves_the_previous_generation_current(self):
        def fail_after_the_first_batch(message: str) -> None:
            if message.startswith("orang / persons:"):
                raise RuntimeError("disk full")

        persons = Person.objects.count()
        with self.assertRaisesMessage(RuntimeError, "disk full"):
            publish(self.workspace, PERIOD, progress=fail_after_the_first_batch)
        self.assertEqual(list(Publication.objects.filter(period=PERIOD)), [self.publication])
        self.assertEqual(current(PERIOD), self.publication)
        self.assertEqual(Person.objects.count(), persons)
        self.assertEqual(FileAccount.objects.exclude(publication=self.publication).count(), 0)

    def test_a_generation_still_being_written_is_never_current(self):
        Publication.objects.create(period="2099-01", kabupaten_code="6202")
        self.assertEqual(current(), self.publication)
        self.assertEqual(current(kabupaten="6202"), self.publication)
        self.assertIsNone(current("2099-01"))
        self.assertEqual(periods("6202"), [PERIOD])

    def test_the_current_generation_is_chosen_per_kabupaten(self):
        self.assertEqual(current(PERIOD, "6202"), self.publication)
        self.assertIsNone(current(PERIOD, OUTSIDE))
        self.assertEqual(periods(OUTSIDE), [])

    def test_the_workspace_kabupaten_wins_over_the_one_given_as_fallback(self):
        again = publish(self.workspace, PERIOD, kabupaten=OUTSIDE)
        self.assertEqual(again.kabupaten_code, "6202")


class PartialPeriodTests(WithWorkspace):
    """A period with only some exports: what there is, with a note for what is missing."""

    @pytest.fixture(autouse=True)
    def _deaths_only(self, small_exports, tmp_path):
        folder = tmp_path / "unggahan"
        folder.mkdir()
        shutil.copy2(next(small_exports.glob("kematian_*.csv")), folder)
        self.partial = Workspace(tmp_path / "partial")
        ingest(folder, "2025-05", self.partial)

    def test_a_period_without_reconciliation_is_published_with_a_bilingual_note(self):
        published = publish(self.partial, "2025-05", kabupaten="6202")
        self.assertEqual(published.stages, ["ingest"])
        self.assertEqual(len(published.notes), 1)
        self.assertTrue(published.notes[0]["id"].startswith("Rekonsiliasi belum dijalankan"))
        self.assertTrue(published.notes[0]["en"].startswith("Reconciliation has not run"))
        held = query(self.partial, "SELECT count(*) FROM quarantine")[0][0]
        self.assertEqual(
            published.counts,
            {
                "files": 1,
                "quarantine": held,
                "persons": 0,
                "findings": 0,
                "regions": 0,
                "eligibility_cells": 0,
                "invoice_lines": 0,
            },
        )

    def test_without_a_dkb_the_period_belongs_to_the_kabupaten_given(self):
        self.assertEqual(publish(self.partial, "2025-05", kabupaten="6202").kabupaten_code, "6202")
        self.assertEqual(periods("6202"), [PERIOD, "2025-05"])

    def test_publishing_another_period_leaves_this_period_in_place(self):
        publish(self.partial, "2025-05", kabupaten="6202")
        self.assertEqual(current(PERIOD), self.publication)
        self.assertEqual(
            Person.objects.filter(publication=self.publication).count(),
            self.publication.counts["persons"],
        )
        # The latest period stays the default one of the pages.
        self.assertEqual(current().period, PERIOD)


class PrivacyOfPublishedDataTests(WithWorkspace):
    """NIK/KK: stored for the roles that need them, keyed by HMAC for the lookup, masked for
    everyone else on every page."""

    def test_the_lookup_key_of_every_person_is_the_hmac_of_their_nik_never_the_nik(self):
        people = Person.objects.filter(publication=self.publication).values_list("nik", "nik_key")
        for nik, key in people:
            self.assertEqual(key, nik_key(nik) if nik else "")
            self.assertNotIn(nik or "-", key)
            self.assertRegex(key, r"^([0-9a-f]{32})?$")
        without = self.duck("SELECT count(*) FROM person WHERE period = ? AND nik IS NULL", PERIOD)
        self.assertEqual(sum(1 for nik, _ in people if not nik), without[0][0])

    def test_the_kk_is_masked_for_the_analyst_and_whole_for_the_verifier(self):
        self.assertTrue(self.person_b.no_kk)
        self.sign_in(self.analyst)
        response = self.client.get(reverse("person", args=[self.person_b.ref]))
        self.assertNotContains(response, self.person_b.no_kk)
        self.assertContains(response, mask_id(self.person_b.no_kk))
        self.sign_in(self.verifier_b)
        response = self.client.get(reverse("person", args=[self.person_b.ref]))
        self.assertContains(response, self.person_b.no_kk)

    def test_a_rounded_nik_kept_from_the_file_is_masked_for_the_analyst(self):
        held = next(
            (person, row["nik_asli"])
            for person in Person.objects.filter(publication=self.publication)
            for row in person.sources.get("bpjs_peserta", [])
            if row["nik"] is None and row["nik_asli"]
        )
        person, value = held
        self.sign_in(self.analyst)
        response = self.client.get(reverse("person", args=[person.ref]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, value)
        self.assertContains(response, mask_id(value))

    def test_the_findings_page_shows_the_analyst_no_whole_nik(self):
        self.sign_in(self.analyst)
        rule = "nik_rusak"  # its evidence quotes the damaged value and the repaired NIK
        findings = Finding.objects.filter(publication=self.publication, rule_code=rule)
        niks = {f.nik for f in findings if f.nik}
        for f in findings:
            written = json.dumps(f.evidence, ensure_ascii=False)
            niks |= set(SIXTEEN.findall(written)) | {m.group() for m in GROUPED.finditer(written)}
        self.assertTrue(niks)
        for number in range(1, findings.count() // 50 + 2):
            response = self.client.get(reverse("findings"), {"aturan": rule, "halaman": number})
            page = response.content.decode()
            with self.subTest(page=number):
                self.assertFalse([n for n in niks if n in page])

    def test_a_nik_typed_with_separators_in_the_evidence_is_masked_for_the_analyst(self):
        typed = [
            (f, match.group())
            for f in Finding.objects.filter(publication=self.publication, rule_code="nik_rusak")
            for match in [GROUPED.search(json.dumps(f.evidence, ensure_ascii=False))]
            if match
        ]
        self.assertTrue(typed, "the synthetic dirt writes some NIKs in groups of four")
        finding, value = typed[0]
        digits = re.sub(r"[^0-9]", "", value)
        self.sign_in(self.analyst)
        response = self.client.get(reverse("person", args=[finding.person_ref]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, value)
        self.assertNotContains(response, digits)
        self.assertContains(response, f"{digits[:4]}********{digits[-4:]}")

    def test_the_administrator_sees_the_evidence_as_the_file_wrote_it(self):
        finding, value = next(
            (f, match.group())
            for f in Finding.objects.filter(publication=self.publication, rule_code="nik_rusak")
            for match in [GROUPED.search(json.dumps(f.evidence, ensure_ascii=False))]
            if match
        )
        self.sign_in(self.admin)
        self.assertContains(self.client.get(reverse("person", args=[finding.person_ref])), value)


class FindingListPagingTests(WithWorkspace):
    """The anomaly list reads the published findings fifty at a time."""

    def page(self, number):
        return self.client.get(reverse("findings"), {"halaman": number}).context["page"]

    def test_the_published_findings_are_listed_fifty_to_a_page(self):
        self.sign_in(self.admin)
        total = Finding.objects.filter(publication=self.publication).count()
        pages = -(-total // 50)  # 1.211 findings: 24 full pages and 11 on the 25th
        first = self.page(1)
        self.assertEqual((first.paginator.num_pages, len(first.object_list)), (pages, 50))
        self.assertEqual(len(self.page(pages).object_list), total - 50 * (pages - 1))

    def test_a_page_beyond_the_last_or_not_a_number_gives_the_last_or_the_first(self):
        self.sign_in(self.admin)
        last = self.page(1).paginator.num_pages
        self.assertEqual(self.page(999).number, last)
        self.assertEqual(self.page("dua").number, 1)

    def test_the_pages_together_hold_every_finding_of_the_region_once(self):
        self.sign_in(self.verifier_b)
        first = self.page(1)
        seen = [f.pk for n in first.paginator.page_range for f in self.page(n).object_list]
        expected = Finding.objects.filter(
            publication=self.publication, kode_kecamatan=self.kecamatan_b
        )
        self.assertEqual(sorted(seen), sorted(expected.values_list("pk", flat=True)))


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("NIK 6202 0453 0570 0001 salah", "NIK 6202********0001 salah"),
        ("6202.0453.0570.0001", "6202********0001"),
        ("6202-0453-0570-0001;", "6202********0001;"),
        ("'6371130505620001", "'6371********0001"),
        ("6371101908470001.0", "6371********0001.0"),
    ],
)
def test_redaction_masks_a_nik_however_it_was_written(written, masked):
    assert redact(written) == masked


@pytest.mark.parametrize(
    "kept",
    [
        "Rp 1.088.451.000",  # money: ten digits
        "2025-06-30 08:15",  # a date and time
        "0001000492419",  # a 13-digit BPJS card number
        "62020453057000012",  # seventeen digits: not a NIK
        "baris 305, kolom 4",
        "127.0.0.1 2026-11-24 01",  # an address and a date: separators of three kinds
    ],
)
def test_redaction_leaves_other_numbers_alone(kept):
    assert redact(kept) == kept


@settings(max_examples=60, deadline=None)
@given(
    st.from_regex(r"[0-9]{16}", fullmatch=True),
    st.sampled_from([" ", ".", "-"]),
    st.lists(st.booleans(), min_size=15, max_size=15),
)
def test_no_nik_survives_redaction_whatever_its_grouping(nik, separator, between):
    written = nik[0] + "".join(
        (separator if cut else "") + digit for cut, digit in zip(between, nik[1:], strict=True)
    )
    shown = redact(f"nilai_asli: {written};")
    assert re.sub(r"[^0-9]", "", shown) == nik[:4] + nik[-4:]
