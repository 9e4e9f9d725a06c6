"""The anomaly list, the action list, a person's page and the UHC dashboard as their users read
them: filters and pages, each finding with its rule code, evidence and action, NIK whole or
masked as the privacy rules say (semesta.web.roles SEE_NIK, semesta.web.privacy.mask_id), the
declared purpose and the audit, the drill-down that keeps its period, the language switch that
keeps its page, the security headers of every page, and the settings read from the environment.

What the other files of tests/webapp already check (the permission matrix, paging of the whole
list, the masked analyst list, the Excel masking per role) is not repeated here."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from urllib.parse import urlencode

import openpyxl
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from semesta.core.regions import regions
from semesta.web.models import AuditEvent, Finding, Person, Publication, RegionStat
from semesta.web.privacy import mask_id
from semesta.web.roles import PERMISSIONS, Perm
from semesta.web.settings import database_from_env
from webapp.cast import CastTestCase
from webapp.test_web_budget_pages import rows_of, text_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLDER = "2025-05"


class PagesCase(CastTestCase):
    def findings(self, **params):
        return Finding.objects.filter(publication=self.publication, **params)

    def in_english(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def list_page(self, user, **params):
        self.sign_in(user)
        return self.client.get(reverse("findings"), params)

    def older_publication(self) -> Publication:
        """A second, older period of the same kabupaten: its region figures copied from the
        current one, the kabupaten's coverage set to 90 % so its trend point can be told apart."""
        older = Publication.objects.create(
            period=OLDER,
            kabupaten_code=self.publication.kabupaten_code,
            completed_at=timezone.now(),
        )
        copies = []
        for stat in RegionStat.objects.filter(publication=self.publication):
            stat.pk, stat.publication, stat.period = None, older, OLDER
            if stat.level == "kabupaten":
                stat.coverage_pct = 90
            copies.append(stat)
        RegionStat.objects.bulk_create(copies)
        return older


def workbook_rows(response) -> dict[str, list[tuple]]:
    """Each sheet's data rows (below its header row: title, two notes, a blank, the header)."""
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return {
        sheet.title: [row for row in sheet.iter_rows(min_row=6, values_only=True)]
        for sheet in book.worksheets
    }


# --- the anomaly list: filters and pages ---------------------------------------------------------


class FindingFilterTests(PagesCase):
    def test_an_office_filter_keeps_only_that_office(self):
        response = self.list_page(self.admin, kantor="Dinsos", halaman=1)
        self.assertEqual(response.context["total"], self.findings(office="Dinsos").count())
        self.assertEqual({s["office"] for s in response.context["summary"]}, {"Dinsos"})
        self.assertEqual({f.office for f in response.context["page"].object_list}, {"Dinsos"})

    def test_a_desa_filter_keeps_only_that_desa(self):
        response = self.list_page(self.admin, wilayah=self.desa_a)
        self.assertEqual(response.context["total"], self.findings(kode_desa=self.desa_a).count())
        self.assertEqual({f.kode_desa for f in response.context["page"].object_list}, {self.desa_a})

    def test_a_region_written_with_dots_is_read_as_its_digits(self):
        dotted = f"{self.kecamatan_b[:2]}.{self.kecamatan_b[2:4]}.{self.kecamatan_b[4:]}"
        response = self.list_page(self.admin, wilayah=dotted)
        self.assertEqual(
            response.context["total"], self.findings(kode_kecamatan=self.kecamatan_b).count()
        )
        self.assertEqual(response.context["chosen"]["wilayah"], self.kecamatan_b)

    def test_rule_office_and_region_filters_combine(self):
        expected = self.findings(
            rule_code="miskin_nonaktif", office="Dinsos", kode_kecamatan=self.kecamatan_b
        ).count()
        self.assertGreater(expected, 0)
        response = self.list_page(
            self.admin, aturan="miskin_nonaktif", kantor="Dinsos", wilayah=self.kecamatan_b
        )
        self.assertEqual(response.context["total"], expected)

    def test_a_rule_and_an_office_that_do_not_meet_give_an_empty_list(self):
        response = self.list_page(self.admin, aturan="nonaktif", kantor="Dinsos")
        self.assertEqual(response.context["total"], 0)
        self.assertContains(response, "Tidak ada temuan.")

    def test_a_severity_filter_keeps_only_that_severity(self):
        response = self.list_page(self.admin, tingkat="tinggi")
        self.assertEqual(response.context["total"], self.findings(severity="tinggi").count())
        self.assertEqual({s["severity"] for s in response.context["summary"]}, {"tinggi"})

    def test_a_region_code_of_no_level_is_not_found(self):
        response = self.list_page(self.admin, wilayah=self.kecamatan_b[:5])
        self.assertEqual(response.status_code, 404)

    def test_the_chosen_filters_stay_selected(self):
        response = self.list_page(self.admin, aturan="nik_rusak", kantor="Dukcapil")
        self.assertContains(response, '<option value="nik_rusak" selected>nik_rusak</option>')
        self.assertContains(response, '<option value="Dukcapil" selected>Dukcapil</option>')

    def test_the_rules_offered_are_those_with_findings_in_the_region(self):
        expected = sorted(
            set(self.findings(kode_desa=self.desa_a).values_list("rule_code", flat=True))
        )
        response = self.list_page(self.operator_a)
        self.assertEqual(response.context["choices"]["rules"], expected)
        self.assertLess(len(expected), self.findings().values("rule_code").distinct().count())

    def test_a_kabupaten_account_chooses_among_kecamatan_and_their_desa(self):
        areas = dict(self.list_page(self.admin).context["choices"]["areas"])
        index = regions()
        self.assertEqual(
            {code for code in areas if len(code) == 6},
            {r.digits for r in index.descendants("6202", "kecamatan")},
        )
        self.assertEqual(areas[self.desa_a], f"· {index.get(self.desa_a).name}")
        self.assertEqual(len([c for c in areas if len(c) == 10]), 185)  # 17 kecamatan, 185 desa

    def test_the_verifier_chooses_among_the_desa_of_kecamatan_b_only(self):
        areas = self.list_page(self.verifier_b).context["choices"]["areas"]
        self.assertTrue(areas)
        self.assertTrue(all(code.startswith(self.kecamatan_b) for code, _ in areas))

    def test_the_desa_operator_has_no_region_to_choose(self):
        response = self.list_page(self.operator_a)
        self.assertEqual(response.context["choices"]["areas"], [])
        self.assertNotContains(response, 'name="wilayah"')


class FindingPagingTests(PagesCase):
    def test_the_next_page_link_keeps_the_filters_and_the_period(self):
        period = self.publication.period
        response = self.list_page(self.admin, aturan="nonaktif", periode=period, halaman=2)
        query = urlencode({"aturan": "nonaktif", "periode": period}).replace("&", "&amp;")
        self.assertContains(response, f'<a href="?{query}&amp;halaman=3">berikutnya ›</a>')
        self.assertContains(response, f'<a href="?{query}&amp;halaman=1">‹ sebelumnya</a>')

    def test_the_pager_says_which_page_of_how_many(self):
        pages = -(-self.findings(rule_code="nonaktif").count() // 50)  # 623 findings: 13 pages
        response = self.list_page(self.admin, aturan="nonaktif", halaman=2)
        self.assertContains(response, f"halaman 2 dari {pages}")
        self.in_english()
        response = self.client.get(reverse("findings"), {"aturan": "nonaktif", "halaman": 2})
        self.assertContains(response, f"page 2 of {pages}")

    def test_the_first_page_has_no_link_back_and_the_last_no_link_on(self):
        first = self.list_page(self.admin, aturan="nik_rusak")
        self.assertNotContains(first, "sebelumnya")
        last = first.context["page"].paginator.num_pages
        response = self.client.get(reverse("findings"), {"aturan": "nik_rusak", "halaman": last})
        self.assertNotContains(response, "berikutnya")

    def test_a_page_is_ordered_by_rule_then_desa(self):
        """Names are left out: their order is the database's collation (SQLite and PostgreSQL
        differ on spaces); rule codes and desa codes sort the same everywhere."""
        rows = list(self.list_page(self.admin, halaman=3).context["page"].object_list)
        keys = [(f.rule_code, f.kode_desa) for f in rows]
        self.assertEqual(keys, sorted(keys))
        self.assertGreater(len(set(keys)), 1)


# --- each finding: rule code, evidence, action ---------------------------------------------------


def evidence_text(finding) -> str:
    """The evidence as the list writes it: "key: value; key: value" (JSON for lists)."""
    items = finding.evidence if isinstance(finding.evidence, dict) else {"": finding.evidence}
    parts = []
    for key, value in items.items():
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
        parts.append(f"{key}: {'' if text is None else text}" if key else str(text))
    return " ".join("; ".join(parts).split())


class FindingContentTests(PagesCase):
    def test_each_row_shows_its_rule_code_name_and_evidence(self):
        response = self.list_page(self.admin, aturan="belum_terdaftar")
        page = list(response.context["page"].object_list)
        rows = rows_of(response, "findings-list")[1:]
        self.assertEqual(len(rows), len(page))
        for finding, row in zip(page, rows, strict=True):
            with self.subTest(finding=finding.pk):
                self.assertEqual(row[0], finding.rule_code)
                self.assertEqual(row[1], finding.nama)
                self.assertEqual(row[4], evidence_text(finding))

    def test_a_rupiah_finding_shows_its_monthly_rupiah(self):
        """mampu_pemda: a well-off person on the Pemda list costs the Pemda Rp 42.000 a month."""
        response = self.list_page(self.admin, aturan="mampu_pemda")
        rows = rows_of(response, "findings-list")[1:]
        self.assertEqual({row[5] for row in rows}, {"Rp 42.000"})
        self.assertEqual(len(rows), self.findings(rule_code="mampu_pemda").count())

    def test_each_rule_of_the_summary_gives_its_title_and_action(self):
        info = self.publication.extra["rules"]
        response = self.list_page(self.admin)
        text = " ".join(response.content.decode().split())
        for item in response.context["summary"]:
            with self.subTest(rule=item["rule_code"]):
                meta = info[item["rule_code"]]
                self.assertEqual(item["title"]["id"], meta["title_id"])
                self.assertIn(" ".join(meta["action_id"].split()), text)

    def test_in_english_the_summary_gives_english_titles_and_actions(self):
        info = self.publication.extra["rules"]["miskin_nonaktif"]
        self.sign_in(self.admin)
        self.in_english()
        response = self.client.get(reverse("findings"), {"aturan": "miskin_nonaktif"})
        self.assertContains(response, info["title_en"])
        self.assertContains(response, info["action_en"])
        self.assertNotContains(response, info["action_id"])

    def test_the_summary_counts_and_rupiah_are_those_of_the_findings(self):
        response = self.list_page(self.admin)
        expected = {
            row["rule_code"]: row["n"]
            for row in self.findings().values("rule_code").annotate(n=Count("id"))
        }
        self.assertEqual({s["rule_code"]: s["n"] for s in response.context["summary"]}, expected)
        self.assertEqual(
            text_of(response, "findings-total"), f"{self.findings().count():,}".replace(",", ".")
        )

    def test_a_row_links_to_the_person_by_reference_never_by_nik(self):
        response = self.list_page(self.verifier_b)
        for finding in response.context["page"].object_list:
            if finding.person_ref:
                self.assertContains(response, f'href="/orang/{finding.person_ref}/"')
        self.assertNotRegex(response.content.decode(), r'href="[^"]*[0-9]{16}')

    def test_the_person_page_gives_each_finding_its_code_evidence_and_action(self):
        finding = self.findings(kode_kecamatan=self.kecamatan_b, rule_code="miskin_nonaktif")[0]
        self.sign_in(self.verifier_b)
        response = self.client.get(reverse("person", args=[finding.person_ref]))
        self.assertContains(response, f"<code>{finding.rule_code}</code> · {finding.severity}")
        for key, value in finding.evidence.items():
            self.assertContains(response, f"<dt>{key}</dt><dd>{value}</dd>", html=True)
        self.assertContains(response, f"<strong>Tindakan:</strong> {finding.action_id}")
        self.in_english()
        response = self.client.get(reverse("person", args=[finding.person_ref]))
        self.assertContains(response, f"<strong>Actions:</strong> {finding.action_en}")


# --- NIK whole or masked, per role ---------------------------------------------------------------

READERS = ("admin", "analyst", "operator_a", "verifier_b", "bpjs")  # the roles with view_person


class NikPrivacyTests(PagesCase):
    def test_the_findings_list_shows_whole_niks_exactly_to_the_roles_allowed_to_see_them(self):
        for member in READERS:
            user = getattr(self, member)
            with self.subTest(member=member):
                response = self.list_page(user)
                niks = [f.nik for f in response.context["page"].object_list if f.nik]
                self.assertTrue(niks)
                page = response.content.decode()
                if Perm.SEE_NIK in PERMISSIONS[user.role]:
                    self.assertTrue(all(f"<td>{nik}</td>" in page for nik in niks))
                else:
                    self.assertFalse([nik for nik in niks if nik in page])
                    self.assertTrue(all(f"<td>{mask_id(nik)}</td>" in page for nik in niks))

    def test_the_person_page_shows_the_whole_nik_exactly_to_the_roles_allowed_to_see_it(self):
        for member in READERS:
            user = getattr(self, member)
            person = self.person_a if member == "operator_a" else self.person_b
            with self.subTest(member=member):
                self.sign_in(user)
                text = text_of(self.client.get(reverse("person", args=[person.ref])), "sources")
                whole = Perm.SEE_NIK in PERMISSIONS[user.role]
                self.assertEqual(person.nik in text, whole)
                self.assertEqual(mask_id(person.nik) in text, not whole)

    def test_only_the_analyst_of_the_cast_is_denied_whole_niks(self):
        """The privacy rule the two tests above follow: of the roles that read persons, only
        the Dinkes analyst works on aggregates and sees NIK and KK masked."""
        masked = [m for m in READERS if Perm.SEE_NIK not in PERMISSIONS[getattr(self, m).role]]
        self.assertEqual(masked, ["analyst"])

    def test_the_leader_list_holds_no_name_and_no_nik(self):
        response = self.list_page(self.leader)
        page = response.content.decode()
        sample = self.findings().exclude(nik="").exclude(nama="")[:300]
        self.assertFalse([f.nik for f in sample if f.nik in page])
        self.assertFalse([f.nama for f in sample if f">{f.nama}<" in page])
        self.assertFalse([m for m in (mask_id(f.nik) for f in sample) if m in page])
        self.assertNotContains(response, 'id="findings-download"')


# --- the declared purpose and the audit ----------------------------------------------------------


class PurposeAndAuditTests(PagesCase):
    def person_views(self):
        return AuditEvent.objects.filter(action="person_view")

    def test_the_list_asks_a_person_reading_role_for_its_purpose_and_keeps_the_filter(self):
        self.sign_in(self.analyst, purpose=None)
        response = self.client.get(reverse("findings"), {"aturan": "nonaktif"})
        self.assertRedirects(
            response,
            reverse("purpose") + "?" + urlencode({"next": "/temuan/?aturan=nonaktif"}),
            fetch_redirect_response=False,
        )

    def test_the_leader_reads_the_summary_without_declaring_a_purpose(self):
        self.sign_in(self.leader, purpose=None)
        self.assertEqual(self.client.get(reverse("findings")).status_code, 200)

    def test_the_person_page_is_opened_after_the_purpose_is_posted_and_audited_with_it(self):
        self.sign_in(self.operator_a, purpose=None)
        target = reverse("person", args=[self.person_a.ref])
        asked = self.client.get(target)
        self.assertEqual(asked.status_code, 302)
        self.assertFalse(self.person_views().exists())
        response = self.client.post(
            reverse("purpose"), {"purpose": "verifikasi", "next": target}, follow=True
        )
        self.assertEqual(response.redirect_chain, [(target, 302)])
        event = self.person_views().get()
        self.assertEqual(
            (event.username, event.role, event.region_code, event.purpose, event.period),
            ("operator_a", "operator_desa", self.desa_a, "verifikasi", self.publication.period),
        )
        self.assertEqual(event.subject, f"{self.person_a.ref} {mask_id(self.person_a.nik)}")

    def test_the_purpose_page_offers_only_the_purposes_of_the_role(self):
        self.sign_in(self.operator_a, purpose=None)
        form = self.client.get(reverse("purpose")).context["form"]
        self.assertEqual(
            [value for value, _ in form.fields["purpose"].choices],
            ["pemutakhiran", "verifikasi", "pelayanan"],
        )

    def test_a_purpose_of_another_role_in_the_session_is_asked_again(self):
        self.sign_in(self.operator_a, purpose="perencanaan")  # the analyst's, not the desa's
        response = self.client.get(reverse("person", args=[self.person_a.ref]))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("purpose")))
        self.assertFalse(self.person_views().exists())

    def test_the_person_page_refuses_a_post_and_records_nothing(self):
        self.sign_in(self.operator_a)
        response = self.client.post(reverse("person", args=[self.person_a.ref]))
        self.assertEqual(response.status_code, 405)
        self.assertFalse(self.person_views().exists())

    def test_each_opening_of_a_person_is_one_audit_row(self):
        self.sign_in(self.verifier_b)
        for _ in range(2):
            self.client.get(reverse("person", args=[self.person_b.ref]))
        self.assertEqual(self.person_views().filter(username="verifier_b").count(), 2)

    def test_a_person_outside_the_region_is_not_found_and_not_audited(self):
        self.sign_in(self.verifier_b)
        response = self.client.get(reverse("person", args=[self.person_a.ref]))
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.person_views().exists())

    def test_roles_that_do_not_read_persons_cannot_open_one(self):
        for member in ("leader", "puskesmas_a"):
            with self.subTest(member=member):
                self.sign_in(getattr(self, member))
                response = self.client.get(reverse("person", args=[self.person_a.ref]))
                self.assertEqual(response.status_code, 403)
        self.assertFalse(self.person_views().exists())

    def test_the_person_page_says_that_it_is_audited_with_the_purpose(self):
        self.sign_in(self.operator_a)
        response = self.client.get(reverse("person", args=[self.person_a.ref]))
        self.assertContains(response, "dicatat di log audit beserta tujuan yang Anda nyatakan")
        self.assertContains(response, "Pemutakhiran data kependudukan desa")  # the purpose shown

    def test_a_download_is_audited_with_its_filters(self):
        self.sign_in(self.verifier_b)
        self.client.get(reverse("findings_xlsx"), {"aturan": "miskin_nonaktif"})
        event = AuditEvent.objects.get(action="export")
        self.assertEqual(
            (event.username, event.purpose, event.subject),
            ("verifier_b", "verifikasi", f"temuan {self.publication.period}"),
        )
        self.assertEqual(event.detail, 'filter: {"aturan": "miskin_nonaktif"}')


# --- the Excel download --------------------------------------------------------------------------


class FindingDownloadTests(PagesCase):
    def download(self, user, **params):
        self.sign_in(user)
        return self.client.get(reverse("findings_xlsx"), params)

    def test_the_download_is_an_xlsx_attachment_named_after_the_period(self):
        response = self.download(self.admin)
        self.assertEqual(response["Content-Type"], XLSX)
        self.assertEqual(
            response["Content-Disposition"],
            f'attachment; filename="temuan-{self.publication.period}.xlsx"',
        )
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_there_is_one_sheet_per_rule_with_every_finding(self):
        sheets = workbook_rows(self.download(self.admin))
        expected = {
            row["rule_code"]: row["n"]
            for row in self.findings().values("rule_code").annotate(n=Count("id"))
        }
        self.assertEqual({name: len(rows) for name, rows in sheets.items()}, expected)

    def test_a_rule_filter_gives_that_rule_only(self):
        sheets = workbook_rows(self.download(self.admin, aturan="mampu_pemda"))
        self.assertEqual(list(sheets), ["mampu_pemda"])
        self.assertEqual({row[7] for row in sheets["mampu_pemda"]}, {42_000})

    def test_the_office_link_of_the_action_list_downloads_that_office_only(self):
        offices = dict(self.findings().values_list("rule_code", "office").distinct())
        sheets = workbook_rows(self.download(self.admin, kantor="BPJS"))
        self.assertEqual(sorted(sheets), sorted(r for r, o in offices.items() if o == "BPJS"))

    def test_the_operator_download_holds_desa_a_only(self):
        sheets = workbook_rows(self.download(self.operator_a))
        desa_name = regions().get(self.desa_a).name
        rows = [row for sheet in sheets.values() for row in sheet]
        self.assertEqual(len(rows), self.findings(kode_desa=self.desa_a).count())
        self.assertEqual({row[1] for row in rows}, {desa_name})

    def test_each_row_gives_the_evidence_and_the_action(self):
        sheets = workbook_rows(self.download(self.admin, aturan="pindah_masih_pemda"))
        findings = self.findings(rule_code="pindah_masih_pemda").order_by("kode_desa", "nama", "pk")
        for finding, row in zip(findings, sheets["pindah_masih_pemda"], strict=True):
            self.assertEqual(row[2], finding.nama)
            self.assertEqual(row[5], "; ".join(f"{k}: {v}" for k, v in finding.evidence.items()))
            self.assertEqual(row[6], finding.action_id)

    def test_in_english_the_rows_give_the_english_action(self):
        self.sign_in(self.admin)
        self.in_english()
        response = self.client.get(reverse("findings_xlsx"), {"aturan": "pindah_masih_pemda"})
        (rows,) = workbook_rows(response).values()
        actions = set(
            self.findings(rule_code="pindah_masih_pemda").values_list("action_en", flat=True)
        )
        self.assertEqual({row[6] for row in rows}, actions)

    def test_a_filter_outside_the_region_downloads_nothing(self):
        response = self.download(self.operator_a, wilayah=self.kecamatan_b)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(AuditEvent.objects.filter(action="export").exists())

    def test_a_filter_that_matches_nothing_gives_a_workbook_that_says_so(self):
        response = self.download(self.admin, aturan="tidak_ada")
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        self.assertEqual(book.sheetnames, ["Temuan"])
        self.assertEqual(
            next(book.worksheets[0].iter_rows(values_only=True))[0], "Tidak ada temuan"
        )


# --- the action list -----------------------------------------------------------------------------


class ActionListTests(PagesCase):
    def groups(self, user):
        self.sign_in(user)
        response = self.client.get(reverse("actions"))
        return response, [office for office, _ in response.context["groups"]]

    def test_the_dinsos_verifier_finds_the_dinsos_actions_first_and_marked(self):
        response, offices = self.groups(self.verifier_b)
        self.assertEqual(offices[0], "Dinsos")
        self.assertContains(response, "<h2>Dinsos · kantor Anda</h2>", html=True)

    def test_the_bpjs_liaison_finds_the_bpjs_actions_first(self):
        _, offices = self.groups(self.bpjs)
        self.assertEqual(offices[0], "BPJS")

    def test_the_dinkes_staff_find_the_dinkes_actions_first(self):
        for member in ("admin", "analyst"):
            with self.subTest(member=member):
                _, offices = self.groups(getattr(self, member))
                self.assertEqual(offices[0], "Dinkes")

    def test_the_leader_has_no_office_and_reads_the_offices_in_order(self):
        response, offices = self.groups(self.leader)
        self.assertEqual(offices, sorted(offices))
        self.assertNotContains(response, "kantor Anda")

    def test_each_action_counts_the_findings_of_its_rule_in_the_region(self):
        self.sign_in(self.verifier_b)
        groups = self.client.get(reverse("actions")).context["groups"]
        expected = {
            row["rule_code"]: row["n"]
            for row in self.findings(kode_kecamatan=self.kecamatan_b)
            .values("rule_code")
            .annotate(n=Count("id"))
        }
        self.assertEqual({i["rule_code"]: i["n"] for _, items in groups for i in items}, expected)

    def test_each_action_links_to_its_findings_in_the_same_period(self):
        self.sign_in(self.verifier_b)
        response = self.client.get(reverse("actions"))
        for _, items in response.context["groups"]:
            for item in items:
                self.assertContains(
                    response,
                    f'href="/temuan/?periode={self.publication.period}&amp;'
                    f'aturan={item["rule_code"]}"',
                )


# --- the dashboard drill-down --------------------------------------------------------------------


class DrillDownTests(PagesCase):
    def test_the_kecamatan_links_keep_the_period_chosen(self):
        self.older_publication()
        self.sign_in(self.analyst)
        response = self.client.get(reverse("dashboard"), {"periode": OLDER})
        self.assertEqual(response.context["publication"].period, OLDER)
        for child in response.context["children"]:
            self.assertContains(response, f'href="/dasbor/{child.code}/?periode={OLDER}"')

    def test_the_desa_links_of_a_kecamatan_keep_the_period_chosen(self):
        self.older_publication()
        self.sign_in(self.verifier_b)
        response = self.client.get(
            reverse("dashboard_region", args=[self.kecamatan_b]), {"periode": OLDER}
        )
        children = response.context["children"]
        self.assertTrue(children)
        for child in children:
            self.assertContains(response, f'href="/dasbor/{child.code}/?periode={OLDER}"')

    def test_the_breadcrumb_leads_back_up_in_the_same_period(self):
        self.older_publication()
        self.sign_in(self.analyst)
        response = self.client.get(
            reverse("dashboard_region", args=[self.desa_a]), {"periode": OLDER}
        )
        self.assertContains(response, f'href="/dasbor/6202/?periode={OLDER}"')
        self.assertContains(response, f'href="/dasbor/{self.desa_a[:6]}/?periode={OLDER}"')

    def test_the_period_picker_offers_both_periods_and_keeps_the_other_fields(self):
        self.older_publication()
        self.sign_in(self.analyst)
        response = self.client.get(reverse("budget"), {"anggaran_bulanan": "1000000"})
        self.assertContains(response, f'<option value="{OLDER}">{OLDER}</option>')
        self.assertContains(
            response, '<input type="hidden" name="anggaran_bulanan" value="1000000">'
        )
        self.assertContains(
            response,
            f'<option value="{self.publication.period}" selected>{self.publication.period}'
            "</option>",
        )

    def test_the_older_period_chosen_shows_its_own_figures(self):
        self.older_publication()
        self.sign_in(self.leader)
        response = self.client.get(reverse("dashboard"), {"periode": OLDER})
        self.assertEqual(response.context["stat"].coverage_pct, 90)
        self.assertContains(response, f"Dasbor UHC · Kabupaten Kotawaringin Timur · {OLDER}")

    def test_the_trend_has_one_point_per_period_oldest_first(self):
        self.older_publication()
        self.sign_in(self.leader)
        trend = self.client.get(reverse("dashboard")).context["chart"]["trend"]
        self.assertEqual([p["period"] for p in trend], [OLDER, self.publication.period])
        self.assertEqual(trend[0]["coverage_pct"], 90.0)

    def test_the_findings_link_of_a_region_lists_the_findings_of_that_region(self):
        self.sign_in(self.admin)
        dashboard = self.client.get(reverse("dashboard_region", args=[self.kecamatan_b]))
        link = f"/temuan/?wilayah={self.kecamatan_b}&amp;periode={self.publication.period}"
        self.assertContains(dashboard, f'href="{link}"')
        response = self.client.get(link.replace("&amp;", "&"))
        self.assertEqual(
            response.context["total"], self.findings(kode_kecamatan=self.kecamatan_b).count()
        )

    def test_a_desa_account_lands_on_its_own_desa_without_children(self):
        self.sign_in(self.operator_a)
        response = self.client.get(reverse("dashboard"))
        self.assertEqual(response.context["stat"].code, self.desa_a)
        self.assertFalse(response.context["children"])
        self.assertEqual(
            response.context["stat"].population,
            Person.objects.filter(
                publication=self.publication, kode_desa=self.desa_a, resident=True
            ).count(),
        )

    def test_a_desa_account_cannot_open_another_desa_of_its_kecamatan(self):
        neighbour = (
            RegionStat.objects.filter(
                publication=self.publication, parent_code=self.desa_a[:6], level="desa"
            )
            .exclude(code=self.desa_a)
            .first()
        )
        self.sign_in(self.operator_a)
        response = self.client.get(reverse("dashboard_region", args=[neighbour.code]))
        self.assertEqual(response.status_code, 404)

    def test_a_desa_account_cannot_open_its_kecamatan_or_the_kabupaten(self):
        self.sign_in(self.operator_a)
        for code in (self.desa_a[:6], "6202"):
            with self.subTest(code=code):
                response = self.client.get(reverse("dashboard_region", args=[code]))
                self.assertEqual(response.status_code, 404)

    def test_the_breadcrumb_of_a_desa_account_leads_nowhere_above_it(self):
        self.sign_in(self.operator_a)
        response = self.client.get(reverse("dashboard"))
        self.assertEqual([r.digits for r in response.context["breadcrumb"]], [self.desa_a])
        self.assertNotContains(response, 'href="/dasbor/6202/')

    def test_a_region_code_written_with_dots_opens_the_same_region(self):
        self.sign_in(self.analyst)
        dotted = f"{self.kecamatan_b[:2]}.{self.kecamatan_b[2:4]}.{self.kecamatan_b[4:]}"
        response = self.client.get(reverse("dashboard_region", args=[dotted]))
        self.assertEqual(response.context["stat"].code, self.kecamatan_b)

    def test_a_region_inside_the_scope_but_not_in_the_code_list_is_not_found(self):
        self.sign_in(self.analyst)
        self.assertEqual(
            self.client.get(reverse("dashboard_region", args=["620299"])).status_code, 404
        )


# --- language, numbers, headers ------------------------------------------------------------------


class LanguageSwitchTests(PagesCase):
    def test_the_switch_names_the_page_with_its_query_as_the_way_back(self):
        response = self.list_page(self.admin, aturan="nonaktif", halaman=2)
        self.assertContains(
            response,
            '<input name="next" type="hidden" value="/temuan/?aturan=nonaktif&amp;halaman=2">',
        )

    def test_switching_returns_to_the_same_page_in_english(self):
        self.sign_in(self.admin)
        back = "/temuan/?aturan=nonaktif&halaman=2"
        response = self.client.post(reverse("set_language"), {"language": "en", "next": back})
        self.assertRedirects(response, back, fetch_redirect_response=False)
        page = self.client.get(back)
        self.assertEqual(page["Content-Language"], "en")
        self.assertEqual(
            (page.context["chosen"]["aturan"], page.context["page"].number), ("nonaktif", 2)
        )
        self.assertContains(page, "Anomaly list")

    def test_switching_on_a_person_page_returns_to_that_person(self):
        self.sign_in(self.operator_a)
        back = reverse("person", args=[self.person_a.ref])
        response = self.client.post(reverse("set_language"), {"language": "en", "next": back})
        self.assertRedirects(response, back, fetch_redirect_response=False)
        self.assertContains(self.client.get(back), "Every source side by side")

    def test_the_switch_does_not_send_the_user_to_another_site(self):
        self.sign_in(self.admin)
        response = self.client.post(
            reverse("set_language"), {"language": "en", "next": "https://example.com/temuan/"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(response["Location"].startswith("https://example.com"))

    def test_the_language_choice_is_kept_in_a_cookie_scripts_cannot_read(self):
        self.sign_in(self.admin)
        response = self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
        self.assertEqual(
            (cookie.value, cookie["httponly"], cookie["samesite"]), ("en", True, "Lax")
        )


class NumberFormatTests(PagesCase):
    def test_the_dashboard_groups_and_decimals_the_indonesian_way(self):
        self.sign_in(self.leader)
        response = self.client.get(reverse("dashboard"))
        stat = response.context["stat"]
        self.assertEqual(text_of(response, "population"), f"{stat.population:,}".replace(",", "."))
        self.assertEqual(
            text_of(response, "coverage"), f"{stat.coverage_pct}".replace(".", ",") + " %"
        )

    def test_the_dashboard_groups_and_decimals_the_english_way_in_english(self):
        """3.000 residents, 98,67 % covered → 3,000 and 98.67 %."""
        self.sign_in(self.leader)
        self.in_english()
        response = self.client.get(reverse("dashboard"))
        stat = response.context["stat"]
        self.assertEqual(stat.population, 3000)
        self.assertEqual(text_of(response, "population"), "3,000")
        self.assertEqual(text_of(response, "coverage"), f"{stat.coverage_pct} %")

    def test_the_findings_total_rupiah_follows_the_page_language(self):
        """The 9 rules that stop a payment save Rp 1.848.000 a month together."""
        response = self.list_page(self.admin)
        self.assertEqual(response.context["total_rupiah"], 1_848_000)
        self.assertContains(response, "<strong>Rp 1.848.000</strong>")
        self.in_english()
        self.assertContains(self.client.get(reverse("findings")), "<strong>Rp 1,848,000</strong>")


class SecurityHeaderTests(PagesCase):
    def assert_headers(self, response, signed_in: bool = True) -> None:
        policy = response["Content-Security-Policy"]
        self.assertIn("default-src 'self'", policy)
        self.assertIn("script-src 'self'", policy)
        self.assertIn("frame-ancestors 'none'", policy)
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")
        self.assertEqual(response["Cross-Origin-Resource-Policy"], "same-origin")
        self.assertIn("camera=()", response["Permissions-Policy"])
        self.assertIn(response["Content-Language"], ("id", "en"))
        if signed_in:
            self.assertEqual(response["Cache-Control"], "no-store")

    def test_every_page_of_the_admin_carries_the_security_headers(self):
        self.sign_in(self.admin)
        pages = [
            reverse("dashboard"),
            reverse("dashboard_region", args=[self.kecamatan_b]),
            reverse("findings") + "?aturan=nik_rusak",
            reverse("actions"),
            reverse("findings_xlsx") + "?aturan=mampu_pemda",
            reverse("person", args=[self.person_a.ref]),
            reverse("targeting") + "?pratinjau=1&desil_max=6",
            reverse("budget") + "?anggaran_bulanan=1000000",
            reverse("invoice"),
            reverse("planner") + "?tahun=2026&bulan_mulai=1",
            reverse("status_check"),
            reverse("accounting"),
            reverse("audit"),
            reverse("users"),
            reverse("tokens"),
            reverse("purpose"),
            reverse("about"),
        ]
        for url in pages:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assert_headers(response)

    def test_refusals_and_missing_pages_carry_them_too(self):
        self.sign_in(self.leader)
        refused = self.client.get(reverse("person", args=[self.person_a.ref]))
        self.assertEqual(refused.status_code, 403)
        self.assert_headers(refused)
        missing = self.client.get(reverse("dashboard_region", args=["620299"]))
        self.assertEqual(missing.status_code, 404)
        self.assert_headers(missing)

    def test_the_sign_in_page_carries_them_before_anyone_signs_in(self):
        response = Client().get(reverse("login"))
        self.assert_headers(response, signed_in=False)

    def test_the_english_pages_carry_them_too(self):
        self.sign_in(self.verifier_b)
        self.in_english()
        response = self.client.get(reverse("targeting"))
        self.assert_headers(response)
        self.assertEqual(response["Content-Language"], "en")


# --- settings from the environment ---------------------------------------------------------------


class DatabaseSettingsTests(CastTestCase):
    """database_from_env beyond what test_web_platform.py checks."""

    def test_an_unknown_database_url_scheme_is_refused(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "unknown scheme 'mysql'"):
            database_from_env({"SEMESTA_DB_URL": "mysql://u:p@h/db"})

    def test_an_unknown_database_engine_is_refused(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "unknown engine 'oracle'"):
            database_from_env({"DATABASE_ENGINE": "oracle"})

    def test_postgresql_without_a_name_uses_semesta_and_keeps_connections(self):
        config = database_from_env({"DATABASE_ENGINE": "postgresql"})
        self.assertEqual(
            (
                config["ENGINE"],
                config["NAME"],
                config["CONN_MAX_AGE"],
                config["CONN_HEALTH_CHECKS"],
            ),
            ("django.db.backends.postgresql", "semesta", 60, True),
        )

    def test_a_port_in_the_query_wins_over_the_url(self):
        config = database_from_env({"SEMESTA_DB_URL": "postgresql://u@h:5432/db?port=6543"})
        self.assertEqual(config["PORT"], "6543")

    def test_a_relative_sqlite_url_keeps_its_relative_path(self):
        config = database_from_env({"SEMESTA_DB_URL": "sqlite:///data/semesta.sqlite3"})
        self.assertEqual(config["NAME"], "data/semesta.sqlite3")

    def test_the_job_database_overrides_a_postgresql_url_name(self):
        config = database_from_env(
            {"SEMESTA_DB_URL": "postgresql://u@h/db", "SEMESTA_DB_NAME": "test_db"}
        )
        self.assertEqual(config["NAME"], "test_db")


def settings_in_child(tmp_path, **env) -> subprocess.CompletedProcess:
    """Import semesta.web.settings in a fresh interpreter with only ``env`` set (besides the
    path) and print the settings the tests read as JSON."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SEMESTA_", "DJANGO_", "DATABASE_"))
    }
    clean.update({"SEMESTA_DATA_DIR": str(tmp_path), **env})
    code = (
        "import json, semesta.web.settings as s; print(json.dumps({k: getattr(s, k, None) for k "
        "in ('SECRET_KEY', 'DEBUG', 'ALLOWED_HOSTS', 'CSRF_TRUSTED_ORIGINS', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
        "'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_AGE', 'SEMESTA_LOGIN_FAILURES', "
        "'TIME_ZONE')}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60
    )


def child_settings(tmp_path, **env) -> dict:
    done = settings_in_child(tmp_path, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_without_a_secret_key_the_app_refuses_to_start_in_both_languages(tmp_path):
    done = settings_in_child(tmp_path)
    assert done.returncode != 0
    assert "SEMESTA_SECRET_KEY belum diisi (wajib kecuali SEMESTA_DEBUG=1)" in done.stderr
    assert "SEMESTA_SECRET_KEY is not set (required unless SEMESTA_DEBUG=1)" in done.stderr


def test_debug_mode_runs_with_a_development_key(tmp_path):
    found = child_settings(tmp_path, SEMESTA_DEBUG="ya")
    assert (found["DEBUG"], found["SECRET_KEY"]) == (True, "semesta-development-only-not-secret")


def test_the_django_secret_key_is_read_when_semesta_has_none(tmp_path):
    assert child_settings(tmp_path, DJANGO_SECRET_KEY="dari-django")["SECRET_KEY"] == "dari-django"


def test_without_https_cookies_are_not_marked_secure(tmp_path):
    found = child_settings(tmp_path, SEMESTA_SECRET_KEY="k")
    assert (found["SESSION_COOKIE_SECURE"], found["SECURE_HSTS_SECONDS"]) == (None, None)


def test_behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent(tmp_path):
    found = child_settings(tmp_path, SEMESTA_SECRET_KEY="k", SEMESTA_HTTPS="on")
    assert (found["SESSION_COOKIE_SECURE"], found["CSRF_COOKIE_SECURE"]) == (True, True)
    assert found["SECURE_HSTS_SECONDS"] == 31_536_000
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_hosts_and_origins_are_comma_lists_with_blanks_ignored(tmp_path):
    found = child_settings(
        tmp_path,
        SEMESTA_SECRET_KEY="k",
        SEMESTA_ALLOWED_HOSTS=" semesta.dinkes.local , 10.0.0.5,,",
        SEMESTA_CSRF_TRUSTED_ORIGINS="https://semesta.dinkes.local",
    )
    assert found["ALLOWED_HOSTS"] == ["semesta.dinkes.local", "10.0.0.5"]
    assert found["CSRF_TRUSTED_ORIGINS"] == ["https://semesta.dinkes.local"]


def test_session_length_login_limit_and_time_zone_come_from_the_environment(tmp_path):
    found = child_settings(
        tmp_path,
        SEMESTA_SECRET_KEY="k",
        SEMESTA_SESSION_MINUTES="45",
        SEMESTA_LOGIN_FAILURES="3",
        SEMESTA_TIME_ZONE="Asia/Makassar",
    )
    assert (found["SESSION_COOKIE_AGE"], found["SEMESTA_LOGIN_FAILURES"]) == (45 * 60, 3)
    assert found["TIME_ZONE"] == "Asia/Makassar"


def test_the_defaults_suit_an_office_intranet_pc(tmp_path):
    found = child_settings(tmp_path, SEMESTA_SECRET_KEY="k")
    assert found["DEBUG"] is False
    assert found["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert (found["SESSION_COOKIE_AGE"], found["TIME_ZONE"]) == (30 * 60, "Asia/Jakarta")
