"""What each page shows, checked against the pipeline's own results for the same workspace."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from semesta.core import budget as core_budget
from semesta.core.eligibility import eligibility_rules
from semesta.pipeline import eligibility as pe
from semesta.pipeline import uhc
from semesta.web.models import AuditEvent, Finding, Person, QuarantineRow, User
from semesta.web.privacy import mask_id
from webapp.cast import CastTestCase


class WithWorkspace(CastTestCase):
    @pytest.fixture(autouse=True)
    def _workspace(self, published_workspace):
        self.workspace = published_workspace

    def sheet_rows(self, response) -> list[tuple]:
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


class DashboardTests(WithWorkspace):
    def test_the_kabupaten_figures_are_those_of_the_uhc_report(self):
        report = uhc.report(self.workspace, self.publication.period, levels=("kabupaten",))
        counts = report.areas[0].area.counts
        self.sign_in(self.leader)
        response = self.client.get(reverse("dashboard"))
        stat = response.context["stat"]
        self.assertEqual(
            (stat.population, stat.registered, stat.active),
            (counts.population, counts.registered, counts.active),
        )
        self.assertContains(response, f"{counts.population:,}".replace(",", "."))
        self.assertEqual(stat.detail["status"]["code"], report.areas[0].result.status.code)

    def test_the_status_and_award_badges_show_their_reasons(self):
        self.sign_in(self.leader)
        response = self.client.get(reverse("dashboard"))
        self.assertContains(response, 'id="status-badge"')
        self.assertContains(response, 'id="award-badge"')
        self.assertContains(response, "(syarat ≥ 98 %)")

    def test_the_gap_to_target_is_listed(self):
        self.sign_in(self.leader)
        response = self.client.get(reverse("dashboard"))
        gaps = response.context["summary"]["gaps"]
        self.assertTrue(gaps)
        self.assertTrue(all(g["missing"] == max(0, g["required"] - g["have"]) for g in gaps))

    def test_drilling_from_kabupaten_to_kecamatan_to_desa(self):
        self.sign_in(self.analyst)
        kabupaten = self.client.get(reverse("dashboard")).context
        self.assertEqual(len(kabupaten["children"]), 17)
        kecamatan = kabupaten["children"][0]
        below = self.client.get(reverse("dashboard_region", args=[kecamatan.code])).context
        self.assertEqual(below["stat"].population, kecamatan.population)
        self.assertEqual(sum(d.population for d in below["children"]), kecamatan.population)
        desa = below["children"][0]
        last = self.client.get(reverse("dashboard_region", args=[desa.code])).context
        self.assertEqual(last["stat"].code, desa.code)
        self.assertFalse(last["children"])

    def test_the_charts_get_their_data_as_json(self):
        self.sign_in(self.analyst)
        response = self.client.get(reverse("dashboard"))
        chart = response.context["chart"]
        self.assertEqual(chart["trend"][-1]["period"], self.publication.period)
        self.assertEqual(
            sum(s["active"] for s in chart["segments"]), response.context["stat"].active
        )
        self.assertContains(response, 'id="chart-data"')


class FindingsTests(WithWorkspace):
    def test_the_list_holds_every_finding_of_the_workspace(self):
        db = self.workspace.connect(read_only=True)
        try:
            total = db.execute(
                "SELECT count(*) FROM finding WHERE period = ?", [self.publication.period]
            ).fetchall()[0][0]
        finally:
            db.close()
        self.sign_in(self.admin)
        self.assertEqual(self.client.get(reverse("findings")).context["total"], total)

    def test_a_rule_filter_keeps_only_that_rule(self):
        rule = Finding.objects.filter(publication=self.publication).first().rule_code
        self.sign_in(self.admin)
        response = self.client.get(reverse("findings"), {"aturan": rule})
        self.assertEqual({f.rule_code for f in response.context["page"].object_list}, {rule})

    def test_the_leader_sees_the_summary_without_persons(self):
        self.sign_in(self.leader)
        response = self.client.get(reverse("findings"))
        self.assertTrue(response.context["summary"])
        self.assertNotIn("page", response.context)

    def test_the_action_list_puts_the_role_office_first(self):
        self.sign_in(self.verifier_b)
        groups = self.client.get(reverse("actions")).context["groups"]
        offices = [office for office, _ in groups]
        self.assertGreater(len(offices), 1)
        self.assertEqual(offices[0].lower(), "dinsos")  # the verifier works for the Dinsos

    def test_the_excel_download_masks_niks_for_the_analyst_and_is_audited(self):
        self.sign_in(self.analyst)
        response = self.client.get(reverse("findings_xlsx"))
        text = " ".join(str(c) for row in self.sheet_rows(response) for c in row if c)
        niks = Finding.objects.filter(publication=self.publication).exclude(nik="")
        self.assertFalse([f.nik for f in niks[:200] if f.nik in text])
        self.assertIn(mask_id(niks[0].nik), text)
        event = AuditEvent.objects.filter(action="export").latest("at")
        self.assertEqual((event.username, event.purpose), ("analyst", "verifikasi"))

    def test_the_excel_download_of_the_verifier_holds_whole_niks_of_kecamatan_b_only(self):
        self.sign_in(self.verifier_b)
        rows = self.sheet_rows(self.client.get(reverse("findings_xlsx")))
        text = " ".join(str(c) for row in rows for c in row if c)
        mine = Finding.objects.filter(
            publication=self.publication, kode_kecamatan=self.kecamatan_b
        ).exclude(nik="")
        other = (
            Finding.objects.filter(publication=self.publication)
            .exclude(kode_kecamatan=self.kecamatan_b)
            .exclude(nik="")
        )
        self.assertIn(mine[0].nik, text)
        self.assertFalse([f.nik for f in other[:200] if f.nik in text])


class PersonPageTests(WithWorkspace):
    def test_every_source_row_of_the_person_is_side_by_side(self):
        db = self.workspace.connect(read_only=True)
        try:
            rows = db.execute(
                "SELECT count(*) FROM identity WHERE period = ? AND person_id = ?",
                [self.publication.period, self.person_a.nik],
            ).fetchall()[0][0]
        finally:
            db.close()
        self.sign_in(self.operator_a)
        response = self.client.get(reverse("person", args=[self.person_a.ref]))
        self.assertEqual(len(response.context["columns"]), rows)
        self.assertIn("dkb", {c["layout"] for c in response.context["columns"]})

    def test_each_finding_of_the_person_shows_its_evidence(self):
        finding = (
            Finding.objects.filter(publication=self.publication, kode_kecamatan=self.kecamatan_b)
            .exclude(person_ref="")
            .first()
        )
        self.sign_in(self.verifier_b)
        response = self.client.get(reverse("person", args=[finding.person_ref]))
        shown = {f.rule_code: f for f in response.context["findings"]}
        self.assertIn(finding.rule_code, shown)
        self.assertTrue(shown[finding.rule_code].evidence_items)

    def test_opening_a_person_is_audited_with_purpose_and_reference(self):
        self.sign_in(self.operator_a)
        self.client.get(reverse("person", args=[self.person_a.ref]))
        event = AuditEvent.objects.filter(action="person_view").latest("at")
        self.assertEqual((event.username, event.purpose), ("operator_a", "pemutakhiran"))
        self.assertIn(self.person_a.ref, event.subject)
        self.assertNotIn(self.person_a.nik, event.subject)


class BudgetPageTests(WithWorkspace):
    def test_the_rule_preview_agrees_with_the_pipeline_preview(self):
        end = date(2025, 6, 30)
        proposed = eligibility_rules(end).changed(desil_max=6)
        expected = pe.preview(self.workspace, self.publication.period, proposed)
        self.sign_in(self.admin)
        response = self.client.get(reverse("targeting"), {"pratinjau": 1, "desil_max": 6})
        preview = response.context["preview"]
        self.assertEqual(
            (preview["before"], preview["after"], preview["entering"], preview["leaving"]),
            (
                expected.eligible_before,
                expected.eligible_after,
                expected.entering,
                expected.leaving,
            ),
        )
        self.assertEqual(preview["monthly_change"], expected.monthly_change)

    def test_the_eligibility_outcome_counts_every_decided_person(self):
        self.sign_in(self.admin)
        rows = self.client.get(reverse("targeting")).context["by_code"]
        decided = Person.objects.filter(
            publication=self.publication, pemda_eligible__isnull=False
        ).count()
        self.assertEqual(sum(r["n"] for r in rows), decided)

    def test_the_monthly_bill_is_the_core_bill_of_the_published_figures(self):
        self.sign_in(self.analyst)
        response = self.client.get(reverse("budget"))
        figures = response.context["figures"]
        bill = core_budget.monthly_bill(
            date(2025, 6, 1),
            figures["pemda_paid_active"],
            figures["kelas3_mandiri_active"],
            region="62.02",
        )
        self.assertEqual(response.context["bill"].total, bill.total)
        self.assertContains(
            response,
            core_budget.format_rupiah(bill.total)
            if hasattr(core_budget, "format_rupiah")
            else f"{bill.total:,}".replace(",", "."),
        )

    def test_the_budget_line_funds_eligible_people_in_rank_order(self):
        self.sign_in(self.analyst)
        rate = self.client.get(reverse("budget")).context["figures"]["rate"]
        response = self.client.get(reverse("budget"), {"anggaran_bulanan": str(rate * 100)})
        line = response.context["line"]
        expected = pe.budget_line(self.workspace, self.publication.period, rate * 100)
        self.assertEqual((line["funded"], line["below"]), (expected.funded, expected.below))

    def test_the_invoice_check_is_the_pipeline_check(self):
        expected = pe.check_invoice(self.workspace, self.publication.period)
        self.sign_in(self.analyst)
        check = self.client.get(reverse("invoice")).context["check"]
        self.assertEqual(
            (check["rows_billed"], check["rows_accepted"], check["rupiah_not_accepted"]),
            (expected.rows_billed, expected.rows_accepted, expected.rupiah_not_accepted),
        )

    def test_the_planner_reproduces_seed_001(self):
        """28.795 participants × Rp 37.800 = Rp 1.088.451.000 a month; from June with the
        existing Rp 3.700.000.000: Rp 11.319.157.000 (seed 001 Tabel 1)."""
        self.sign_in(self.leader)
        response = self.client.get(
            reverse("planner"),
            {
                "tahun": 2023,
                "bulan_mulai": 1,
                "peserta": 28795,
                "tarif": 37800,
                "anggaran_ada": 3_700_000_000,
            },
        )
        plan = response.context["plan"]
        self.assertEqual(plan.option(6).total, 11_319_157_000)
        self.assertEqual(plan.option(12).cost, 1_088_451_000)
        self.assertContains(response, "Rp 11.319.157.000")

    def test_the_planner_turns_a_coverage_target_into_participants(self):
        self.sign_in(self.leader)
        response = self.client.get(
            reverse("planner"), {"tahun": 2026, "bulan_mulai": 1, "target": "99,9"}
        )
        stat = response.context["stat"]
        self.assertEqual(
            response.context["needed"],
            core_budget.coverage_gap(
                stat.population, stat.registered, __import__("decimal").Decimal("99.9")
            ),
        )


class AccountingTests(WithWorkspace):
    def test_every_file_balances(self):
        self.sign_in(self.analyst)
        response = self.client.get(reverse("accounting"))
        for f in response.context["files"]:
            self.assertEqual(f.rows_read, f.rows_ingested + f.rows_quarantined)
        self.assertEqual(len(response.context["files"]), 8)

    def test_the_quarantine_download_has_every_held_value(self):
        self.sign_in(self.analyst)
        rows = self.sheet_rows(self.client.get(reverse("quarantine_xlsx")))
        held = QuarantineRow.objects.filter(publication=self.publication).count()
        self.assertEqual(len(rows), held + 4)  # title, note, blank, header
        self.assertTrue(AuditEvent.objects.filter(action="export", subject__startswith="karantina"))


class AdministrationTests(CastTestCase):
    def test_the_admin_creates_an_account_inside_the_kabupaten(self):
        self.sign_in(self.admin)
        response = self.client.post(
            reverse("user_new"),
            {
                "username": "bidan.desa",
                "role": "operator_desa",
                "region_code": self.desa_a,
                "password": "kata-sandi-panjang-99",
                "is_active": "on",
            },
        )
        self.assertRedirects(response, reverse("users"))
        created = User.objects.get(username="bidan.desa")
        self.assertEqual(created.region_code, self.desa_a)
        self.assertTrue(created.check_password("kata-sandi-panjang-99"))
        self.assertTrue(AuditEvent.objects.filter(action="account", subject="bidan.desa"))

    def test_an_unknown_region_code_is_refused(self):
        self.sign_in(self.admin)
        response = self.client.post(
            reverse("user_new"),
            {
                "username": "x",
                "role": "operator_desa",
                "region_code": "62.02.99.9999",
                "password": "kata-sandi-panjang-99",
            },
        )
        self.assertContains(response, "Kode wilayah tidak dikenal")

    def test_a_weak_password_is_refused(self):
        self.sign_in(self.admin)
        response = self.client.post(
            reverse("user_new"),
            {"username": "y", "role": "pimpinan", "region_code": "6202", "password": "12345"},
        )
        self.assertFalse(User.objects.filter(username="y").exists())
        self.assertEqual(response.status_code, 200)

    def test_a_token_is_shown_once_and_stored_as_a_hash(self):
        self.sign_in(self.puskesmas_a)
        response = self.client.post(reverse("tokens"), {"name": "SIMPUS", "purpose": "pelayanan"})
        secret = response.context["secret"]
        self.assertTrue(secret.startswith("smt_"))
        token = self.puskesmas_a.tokens.get()
        self.assertNotEqual(token.key_hash, secret)
        self.assertNotContains(self.client.get(reverse("tokens")), secret)

    def test_a_token_can_be_revoked_by_its_owner(self):
        self.sign_in(self.puskesmas_a)
        self.client.post(reverse("tokens"), {"name": "SIMPUS", "purpose": "pelayanan"})
        token = self.puskesmas_a.tokens.get()
        self.client.post(reverse("tokens"), {"revoke": token.pk})
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)

    def test_the_audit_log_can_be_downloaded(self):
        self.sign_in(self.admin)
        response = self.client.get(reverse("audit_xlsx"))
        self.assertEqual(
            response["Content-Type"].split(";")[0],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def test_the_about_page_shows_the_role_matrix_and_the_licences(self):
        response = self.client.get(reverse("about"))
        self.assertContains(response, "Verifikator Dinsos")
        self.assertContains(response, "Chart.js (MIT)")
