"""Who may open what: every page for every member of the cast, and region scoping."""

from __future__ import annotations

from django.urls import reverse

from webapp.cast import CastTestCase

CAST = ("admin", "analyst", "operator_a", "verifier_b", "puskesmas_a", "bpjs", "leader", "outsider")


def allowed(*names: str) -> dict[str, int]:
    """200 for the named cast members, 403 for everyone else."""
    return {name: 200 if name in names else 403 for name in CAST}


EVERYONE = allowed(*CAST)
FINDINGS = allowed("admin", "analyst", "operator_a", "verifier_b", "bpjs", "leader", "outsider")
BUDGET = allowed("admin", "analyst", "verifier_b", "leader", "outsider")
STATUS = allowed("admin", "analyst", "operator_a", "verifier_b", "puskesmas_a", "bpjs", "outsider")
UPLOAD = allowed("admin", "analyst", "outsider")
ADMIN = allowed("admin", "outsider")
EXPORT = allowed("admin", "analyst", "operator_a", "verifier_b", "bpjs", "outsider")

MATRIX = {
    "dashboard": EVERYONE,
    "findings": FINDINGS,
    "actions": FINDINGS,
    "targeting": BUDGET,
    "budget": BUDGET,
    "invoice": BUDGET,
    "planner": BUDGET,
    "status_check": STATUS,
    "upload": UPLOAD,
    "accounting": UPLOAD,
    "audit": ADMIN,
    "audit_xlsx": ADMIN,
    "users": ADMIN,
    "user_new": ADMIN,
    "tokens": EVERYONE,
}


class PermissionMatrixTests(CastTestCase):
    def test_every_page_answers_each_role_as_the_matrix_says(self):
        for name, expected in MATRIX.items():
            for member, status in expected.items():
                with self.subTest(page=name, member=member):
                    self.sign_in(getattr(self, member))
                    response = self.client.get(reverse(name))
                    self.assertEqual(response.status_code, status)

    def test_an_anonymous_visitor_is_sent_to_the_login_page_from_every_page(self):
        for name in MATRIX:
            with self.subTest(page=name):
                response = self.client.get(reverse(name))
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_the_landing_page_sends_puskesmas_staff_to_the_status_check(self):
        self.sign_in(self.puskesmas_a)
        self.assertRedirects(self.client.get("/"), reverse("status_check"))

    def test_the_landing_page_sends_everyone_else_to_the_dashboard(self):
        for member in ("admin", "operator_a", "leader"):
            self.sign_in(getattr(self, member))
            self.assertRedirects(self.client.get("/"), reverse("dashboard"))

    def test_personal_data_exports_need_the_export_permission(self):
        for member, status in EXPORT.items():
            with self.subTest(member=member):
                self.sign_in(getattr(self, member))
                response = self.client.get(reverse("findings_xlsx"))
                self.assertEqual(response.status_code, 404 if member == "outsider" else status)

    def test_the_quarantine_download_is_for_uploaders_only(self):
        for member in CAST:
            with self.subTest(member=member):
                self.sign_in(getattr(self, member))
                response = self.client.get(reverse("quarantine_xlsx"))
                expected = {"admin": 200, "analyst": 200, "outsider": 404}.get(member, 403)
                self.assertEqual(response.status_code, expected)

    def test_a_personal_data_page_asks_for_the_purpose_first(self):
        self.sign_in(self.operator_a, purpose=None)
        response = self.client.get(reverse("person", args=[self.person_a.ref]))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("purpose")))

    def test_declaring_a_purpose_returns_to_the_page(self):
        self.sign_in(self.operator_a, purpose=None)
        target = reverse("person", args=[self.person_a.ref])
        response = self.client.post(reverse("purpose"), {"purpose": "pemutakhiran", "next": target})
        self.assertRedirects(response, target)
        self.assertEqual(self.client.session["purpose"], "pemutakhiran")

    def test_a_role_cannot_declare_a_purpose_of_another_role(self):
        self.sign_in(self.puskesmas_a, purpose=None)
        response = self.client.post(reverse("purpose"), {"purpose": "perencanaan"})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("purpose", self.client.session)

    def test_the_purpose_page_does_not_redirect_to_another_site(self):
        self.sign_in(self.operator_a, purpose=None)
        response = self.client.post(
            reverse("purpose"), {"purpose": "pemutakhiran", "next": "https://example.com/"}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)


class RegionScopeTests(CastTestCase):
    def test_the_operator_of_desa_a_opens_a_person_of_desa_a(self):
        self.sign_in(self.operator_a)
        response = self.client.get(reverse("person", args=[self.person_a.ref]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.person_a.nama)

    def test_the_operator_of_desa_a_cannot_open_a_person_of_kecamatan_b(self):
        self.sign_in(self.operator_a)
        response = self.client.get(reverse("person", args=[self.person_b.ref]))
        self.assertEqual(response.status_code, 404)

    def test_the_verifier_of_kecamatan_b_cannot_open_a_person_of_desa_a(self):
        self.sign_in(self.verifier_b)
        self.assertEqual(
            self.client.get(reverse("person", args=[self.person_a.ref])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("person", args=[self.person_b.ref])).status_code, 200
        )

    def test_the_outsider_opens_no_person_of_this_kabupaten(self):
        self.sign_in(self.outsider)
        for person in (self.person_a, self.person_b):
            self.assertEqual(self.client.get(reverse("person", args=[person.ref])).status_code, 404)

    def test_the_outsider_cannot_drill_into_this_kabupaten(self):
        self.sign_in(self.outsider)
        for code in ("6202", self.kecamatan_b, self.desa_a):
            with self.subTest(code=code):
                response = self.client.get(reverse("dashboard_region", args=[code]))
                self.assertEqual(response.status_code, 404)

    def test_the_outsider_sees_no_published_data_on_any_page(self):
        self.sign_in(self.outsider)
        for name in ("dashboard", "findings", "accounting", "targeting", "budget"):
            with self.subTest(page=name):
                response = self.client.get(reverse(name))
                self.assertIsNone(response.context["publication"])

    def test_the_operator_of_desa_a_sees_only_findings_of_desa_a(self):
        self.sign_in(self.operator_a)
        response = self.client.get(reverse("findings"))
        rows = list(response.context["page"].object_list)
        self.assertTrue(rows)
        self.assertEqual({f.kode_desa for f in rows}, {self.desa_a})

    def test_the_verifier_of_kecamatan_b_sees_only_findings_of_kecamatan_b(self):
        self.sign_in(self.verifier_b)
        response = self.client.get(reverse("findings"), {"halaman": 1})
        self.assertEqual(
            {f.kode_kecamatan for f in response.context["page"].object_list}, {self.kecamatan_b}
        )

    def test_a_filter_outside_the_region_is_refused(self):
        self.sign_in(self.operator_a)
        response = self.client.get(reverse("findings"), {"wilayah": self.kecamatan_b})
        self.assertEqual(response.status_code, 404)

    def test_the_dashboard_of_the_verifier_starts_at_kecamatan_b(self):
        self.sign_in(self.verifier_b)
        response = self.client.get(reverse("dashboard"))
        self.assertEqual(response.context["stat"].code, self.kecamatan_b)
        self.assertTrue(
            all(c.parent_code == self.kecamatan_b for c in response.context["children"])
        )

    def test_the_verifier_cannot_drill_up_to_the_kabupaten(self):
        self.sign_in(self.verifier_b)
        response = self.client.get(reverse("dashboard_region", args=["6202"]))
        self.assertEqual(response.status_code, 404)

    def test_the_verifier_only_reads_the_eligibility_of_kecamatan_b(self):
        self.sign_in(self.verifier_b)
        response = self.client.get(reverse("targeting"))
        codes = {row["code"] for row in response.context["by_area"]}
        self.assertTrue(codes)
        self.assertTrue(all(code.startswith(self.kecamatan_b) for code in codes))

    def test_an_administrator_only_manages_accounts_inside_their_region(self):
        self.sign_in(self.outsider)
        listed = {u.username for u in self.client.get(reverse("users")).context["accounts"]}
        self.assertEqual(listed, {"outsider"})
        response = self.client.get(reverse("user_edit", args=[self.operator_a.pk]))
        self.assertEqual(response.status_code, 403)

    def test_an_administrator_reads_only_the_audit_of_their_region(self):
        self.sign_in(self.operator_a)
        self.client.get(reverse("person", args=[self.person_a.ref]))
        self.sign_in(self.outsider)
        events = self.client.get(reverse("audit")).context["page"].object_list
        self.assertFalse([e for e in events if e.username == "operator_a"])
        self.sign_in(self.admin)
        events = self.client.get(reverse("audit")).context["page"].object_list
        self.assertTrue([e for e in events if e.username == "operator_a"])
