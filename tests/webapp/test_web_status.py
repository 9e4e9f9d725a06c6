"""The puskesmas status check: page, API and the pure answer, each audited."""

from __future__ import annotations

import json
from datetime import date

from django.urls import reverse

from semesta.core.status_check import Facts, next_step
from semesta.web.models import AuditEvent, Person
from semesta.web.privacy import mask_id
from semesta.web.views.admin import new_token
from webapp.cast import CastTestCase


class StatusCheckPageTests(CastTestCase):
    def check(self, nik: str):
        return self.client.post(reverse("status_check"), {"nik": nik})

    def test_an_active_participant_is_covered(self):
        person = (
            Person.objects.filter(
                publication=self.publication,
                kode_kecamatan=self.puskesmas_a.region_code,
                active=True,
                resident=True,
            )
            .exclude(nik="")
            .first()
        )
        self.sign_in(self.puskesmas_a)
        answer = self.check(person.nik).context["answer"]
        self.assertTrue(answer["covered"])
        self.assertEqual(answer["next_step"]["code"], "STATUS_AKTIF")
        self.assertEqual(answer["segment"]["code"], person.segmen_kelompok)
        self.assertEqual(answer["fktp"]["code"], person.kode_faskes)
        self.assertEqual(answer["nama"], person.nama)

    def test_an_unregistered_resident_is_not_covered_and_gets_a_next_step(self):
        person = (
            Person.objects.filter(
                publication=self.publication,
                kode_kecamatan=self.puskesmas_a.region_code,
                registered=False,
                resident=True,
                formal_worker="",
            )
            .exclude(nik="")
            .first()
        )
        self.sign_in(self.puskesmas_a)
        response = self.check(person.nik)
        answer = response.context["answer"]
        self.assertFalse(answer["covered"])
        self.assertTrue(answer["next_step"]["code"].startswith("STATUS_BELUM_TERDAFTAR"))
        self.assertEqual(answer["pemda_eligible"], person.pemda_eligible)
        self.assertContains(response, "TIDAK TERJAMIN")

    def test_a_nik_outside_the_account_region_shows_no_details(self):
        self.sign_in(self.puskesmas_a)
        answer = self.check(self.person_b.nik).context["answer"]
        self.assertEqual(answer["next_step"]["code"], "STATUS_DI_LUAR_WILAYAH")
        self.assertNotIn("nama", answer)
        self.assertNotIn("segment", answer)

    def test_an_unknown_nik_is_not_found(self):
        self.sign_in(self.puskesmas_a)
        answer = self.check("6202014101990001").context["answer"]
        self.assertFalse(answer["found"])
        self.assertEqual(answer["next_step"]["code"], "STATUS_TIDAK_DITEMUKAN")

    def test_a_malformed_nik_is_explained_not_looked_up(self):
        self.sign_in(self.puskesmas_a)
        answer = self.check("62020141019").context["answer"]
        self.assertFalse(answer["valid"])
        self.assertTrue(answer["message"]["id"])

    def test_every_check_is_audited_with_the_nik_masked(self):
        self.sign_in(self.puskesmas_a)
        self.check(self.person_a.nik)
        event = AuditEvent.objects.filter(action="status_check").latest("at")
        self.assertEqual(event.username, "puskesmas_a")
        self.assertEqual(event.purpose, "pelayanan")
        self.assertIn(mask_id(self.person_a.nik), event.subject)
        self.assertNotIn(self.person_a.nik, event.subject + event.detail)
        self.assertEqual(event.period, self.publication.period)

    def test_the_nik_is_not_echoed_back_into_the_form(self):
        self.sign_in(self.puskesmas_a)
        response = self.check(self.person_a.nik)
        self.assertNotContains(response, f'value="{self.person_a.nik}"')

    def test_a_nik_in_the_query_string_checks_nothing(self):
        self.sign_in(self.puskesmas_a)
        response = self.client.get(reverse("status_check"), {"nik": self.person_a.nik})
        self.assertIsNone(response.context["answer"])
        self.assertFalse(AuditEvent.objects.filter(action="status_check").exists())

    def test_the_leader_may_not_check_a_nik(self):
        self.sign_in(self.leader)
        self.assertEqual(self.check(self.person_a.nik).status_code, 403)


class StatusApiTests(CastTestCase):
    def setUp(self):
        _, self.secret = new_token(self.puskesmas_a, "SIMPUS", "pelayanan")

    def post(self, body, secret: str | None = None):
        return self.client.post(
            reverse("api_status"),
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret or self.secret}"},
        )

    def test_the_api_answers_with_the_same_facts_as_the_page(self):
        response = self.post({"nik": self.person_a.nik})
        self.assertEqual(response.status_code, 200)
        answer = response.json()
        self.assertEqual(answer["nik"], mask_id(self.person_a.nik))
        self.assertEqual(answer["registered"], self.person_a.registered)
        self.assertEqual(answer["active"], self.person_a.active)

    def test_api_checks_are_audited_as_api_with_the_token_purpose(self):
        self.post({"nik": self.person_a.nik})
        event = AuditEvent.objects.filter(action="status_check").latest("at")
        self.assertEqual(
            (event.via, event.purpose, event.username), ("api", "pelayanan", "puskesmas_a")
        )

    def test_without_a_token_the_api_refuses(self):
        response = self.client.post(
            reverse("api_status"), data=json.dumps({"nik": "1"}), content_type="application/json"
        )
        self.assertEqual(response.status_code, 401)

    def test_a_revoked_token_is_refused(self):
        self.puskesmas_a.tokens.update(revoked_at="2025-01-01T00:00:00Z")
        self.assertEqual(self.post({"nik": self.person_a.nik}).status_code, 401)

    def test_a_token_of_a_role_without_status_check_is_refused(self):
        _, secret = new_token(self.leader, "dashboard", "pengawasan")
        self.assertEqual(self.post({"nik": self.person_a.nik}, secret).status_code, 403)

    def test_a_body_without_a_nik_is_a_bad_request(self):
        self.assertEqual(self.post({"nomor": "x"}).status_code, 400)

    def test_an_invalid_nik_is_unprocessable(self):
        self.assertEqual(self.post({"nik": "123"}).status_code, 422)

    def test_the_indicators_api_gives_the_region_and_its_children(self):
        _, secret = new_token(self.leader, "dashboard", "pengawasan")
        response = self.client.get(
            reverse("api_indicators"), headers={"Authorization": f"Bearer {secret}"}
        )
        document = response.json()
        self.assertEqual(document["region"]["code"], "6202")
        self.assertEqual(len(document["children"]), 17)  # Kotawaringin Timur's 17 kecamatan
        self.assertEqual(
            sum(c["population"] for c in document["children"]), document["region"]["population"]
        )

    def test_the_indicators_api_refuses_a_region_outside_the_token(self):
        _, secret = new_token(self.verifier_b, "dashboard", "verifikasi")
        response = self.client.get(
            reverse("api_indicators"),
            {"wilayah": "6202"},
            headers={"Authorization": f"Bearer {secret}"},
        )
        self.assertEqual(response.status_code, 404)

    def test_the_openapi_description_names_both_endpoints(self):
        document = self.client.get(reverse("api_openapi")).json()
        self.assertEqual(document["openapi"], "3.1.0")
        self.assertEqual(set(document["paths"]), {"/api/v1/status", "/api/v1/indikator"})
        self.assertIn("bearer", json.dumps(document["components"]["securitySchemes"]))


class NextStepTests(CastTestCase):
    """The pure answer (semesta.core.status_check) for each situation."""

    def test_an_active_member_is_served(self):
        step = next_step(Facts(found=True, resident=True, registered=True, active=True))
        self.assertEqual(
            (step.code, step.covered, step.office), ("STATUS_AKTIF", True, "puskesmas")
        )

    def test_a_deactivated_pbi_member_goes_to_dinsos_for_reactivation(self):
        step = next_step(Facts(found=True, resident=True, registered=True, segment="PBI_APBN"))
        self.assertEqual((step.code, step.office), ("STATUS_PBI_NONAKTIF", "dinsos"))
        self.assertIn("SIKS-NG", step.text.id)

    def test_an_eligible_unregistered_resident_needs_a_dinsos_letter(self):
        step = next_step(Facts(found=True, resident=True, pemda_eligible=True), True)
        self.assertEqual(step.code, "STATUS_BELUM_TERDAFTAR_LAYAK_PEMDA")
        self.assertIn("surat rekomendasi", step.text.id)
        self.assertIn("aktif pada hari didaftarkan", step.text.id)

    def test_outside_uhc_prioritas_registration_takes_a_month(self):
        step = next_step(Facts(found=True, resident=True, pemda_eligible=True), False)
        self.assertIn("bulan berikutnya", step.text.id)

    def test_a_formal_worker_goes_to_the_employer(self):
        step = next_step(Facts(found=True, resident=True, formal_worker="badan_usaha"))
        self.assertEqual(step.office, "pemberi_kerja")

    def test_a_recorded_death_is_named_with_its_date(self):
        step = next_step(Facts(found=True, meninggal=date(2025, 3, 4)))
        self.assertEqual(step.code, "STATUS_TERCATAT_MENINGGAL")
        self.assertIn("04-03-2025", step.text.id)

    def test_a_non_resident_is_referred_to_the_pemda_of_residence(self):
        step = next_step(Facts(found=True, resident=False, pindah=date(2025, 1, 31)))
        self.assertEqual(step.code, "STATUS_BUKAN_PENDUDUK")
        self.assertIn("31-01-2025", step.text.en)

    def test_every_answer_is_bilingual_with_a_source(self):
        cases = [
            Facts(found=False),
            Facts(found=True, in_scope=False),
            Facts(found=True, resident=True, registered=True, segment="PBPU_MANDIRI"),
            Facts(found=True, resident=True, registered=True, segment="PPU_BU"),
            Facts(found=True, resident=True, registered=True, segment="PBPU_BP_PEMDA"),
            Facts(found=True, resident=True, registered=True, segment="BP"),
            Facts(found=True, resident=True, pemda_eligible=False),
            Facts(found=True, resident=True),
        ]
        for facts in cases:
            step = next_step(facts)
            self.assertFalse(step.covered)
            self.assertTrue(step.text.id and step.text.en and step.source)
