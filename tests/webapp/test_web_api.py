"""The JSON API (semesta.web.views.api) against its OpenAPI description: token authentication,
the documented shapes, region scope, NIK only in the POST body, and an audit row for every
check; then the two guards the API shares with the pages: the sign-in limit
(semesta.web.ratelimit) and the audit log (semesta.web.audit)."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import openpyxl
from django.conf import settings
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from semesta.core.regions import regions
from semesta.web import ratelimit
from semesta.web.models import AuditEvent, LoginAttempt, Person
from semesta.web.privacy import mask_id
from semesta.web.roles import PERMISSIONS, PURPOSES
from semesta.web.views.admin import new_token
from webapp.cast import PASSWORD, CastTestCase

UNKNOWN_NIK = "6202014101990001"  # valid form (woman born 1 Jan 1999), nobody has it
# A NIK whole, or as people type it (groups of four with spaces, dots or dashes).
NIK_LIKE = re.compile(r"(?<![0-9])[0-9](?:[ .\-]?[0-9]){15}(?![0-9])")


# --- a small checker for the subset of JSON Schema the OpenAPI document uses -----------------


def _is(value, kind: str) -> bool:
    return {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "null": value is None,
    }[kind]


def violations(value, schema: dict, document: dict, where: str = "$") -> list[str]:
    """Where ``value`` breaks ``schema`` (type, enum, properties, required,
    additionalProperties, items, $ref to the components)."""
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    kinds = schema.get("type")
    if kinds is not None:
        allowed = kinds if isinstance(kinds, list) else [kinds]
        if not any(_is(value, kind) for kind in allowed):
            return [f"{where}: {value!r} is not {kinds}"]
    found = []
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key, sub in properties.items():
            if key in value:
                found += violations(value[key], sub, document, f"{where}.{key}")
        found += [
            f"{where}.{key}: missing" for key in schema.get("required", []) if key not in value
        ]
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for key, item in value.items():
                if key not in properties:
                    found += violations(item, extra, document, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += violations(item, schema["items"], document, f"{where}[{i}]")
    return found


class ApiTestCase(CastTestCase):
    def setUp(self):
        self.document = self.client.get(reverse("api_openapi")).json()
        _, self.puskesmas_secret = new_token(self.puskesmas_a, "SIMPUS", "pelayanan")
        _, self.leader_secret = new_token(self.leader, "Dasbor bupati", "pengawasan")

    def check(self, nik, secret: str | None = None, client: Client | None = None):
        return (client or self.client).post(
            reverse("api_status"),
            data=json.dumps({"nik": nik}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret or self.puskesmas_secret}"},
        )

    def indicators(self, secret: str | None = None, **params):
        return self.client.get(
            reverse("api_indicators"),
            params,
            headers={"Authorization": f"Bearer {secret or self.leader_secret}"},
        )

    def assertDocumented(self, path: str, method: str, response) -> None:
        """The response's status is documented for the operation, and its body has the
        documented shape when one is given."""
        responses = self.document["paths"][path][method]["responses"]
        code = str(response.status_code)
        self.assertIn(code, responses, f"{method.upper()} {path} answered {code}")
        schema = responses[code].get("content", {}).get("application/json", {}).get("schema")
        if schema is not None:
            self.assertEqual(violations(response.json(), schema, self.document), [])

    def person_where(self, **filters) -> Person:
        return (
            Person.objects.filter(publication=self.publication, **filters)
            .exclude(nik="")
            .order_by("ref")
            .first()
        )


class TokenAuthenticationTests(ApiTestCase):
    def test_the_indicators_need_a_token(self):
        response = self.client.get(reverse("api_indicators"))
        self.assertEqual(response.status_code, 401)
        self.assertEqual(
            response.json(),
            {
                "error": "unauthenticated",
                "message": {"id": "Token API diperlukan.", "en": "An API token is required."},
            },
        )

    def test_an_unknown_token_is_refused_on_both_endpoints(self):
        wrong = "smt_" + "x" * 43
        for response in (self.check(self.person_a.nik, wrong), self.indicators(wrong)):
            with self.subTest(url=response.request["PATH_INFO"]):
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response.json()["error"], "invalid_token")

    def test_a_password_in_basic_authentication_is_not_a_token(self):
        response = self.client.get(
            reverse("api_indicators"), headers={"Authorization": "Basic bGVhZGVyOng="}
        )
        self.assertEqual((response.status_code, response.json()["error"]), (401, "unauthenticated"))

    def test_the_token_scheme_is_accepted_like_bearer(self):
        response = self.client.get(
            reverse("api_indicators"), headers={"Authorization": f"Token {self.leader_secret}"}
        )
        self.assertEqual(response.status_code, 200)

    def test_a_token_of_a_deactivated_account_is_refused(self):
        self.leader.is_active = False
        self.leader.save()
        response = self.indicators()
        self.assertEqual((response.status_code, response.json()["error"]), (401, "invalid_token"))

    def test_a_token_acts_with_the_role_of_its_account_as_it_is_now(self):
        self.puskesmas_a.role = "pimpinan"  # the leader's role has no status check
        self.puskesmas_a.save()
        response = self.check(self.person_a.nik)
        self.assertEqual((response.status_code, response.json()["error"]), (403, "forbidden"))

    def test_using_a_token_records_when_it_was_last_used(self):
        token = self.leader.tokens.get()
        self.assertIsNone(token.last_used_at)
        before = timezone.now()
        self.indicators()
        token.refresh_from_db()
        self.assertGreaterEqual(token.last_used_at, before)

    def test_a_refused_request_checks_and_audits_nothing(self):
        self.check(self.person_a.nik, "smt_salah")
        _, leader_secret = new_token(self.leader, "x", "pengawasan")
        self.check(self.person_a.nik, leader_secret)  # role without the status check
        self.assertFalse(AuditEvent.objects.filter(action="status_check").exists())

    def test_the_api_needs_its_token_and_no_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        self.assertEqual(self.check(self.person_a.nik, client=client).status_code, 200)


class AccountModelTests(CastTestCase):
    """What a token (or a session) acts as: the account's role, region and activity."""

    def test_an_account_names_its_region_as_kemendagri_writes_it(self):
        desa = regions().get(self.desa_a)
        self.assertEqual(self.operator_a.region_level, "desa")
        self.assertEqual(self.operator_a.region_dotted, desa.code)
        self.assertEqual(self.operator_a.region_name, desa.name)
        self.assertEqual(
            (self.verifier_b.region_level, self.admin.region_level), ("kecamatan", "kabupaten")
        )

    def test_a_deactivated_account_may_do_nothing(self):
        self.assertTrue(self.admin.can("manage_users"))
        self.admin.is_active = False
        self.assertFalse([perm for perm in PERMISSIONS[self.admin.role] if self.admin.can(perm)])

    def test_an_account_without_a_role_may_do_nothing_and_declare_no_purpose(self):
        self.leader.role = ""
        self.assertFalse(self.leader.can("view_dashboard"))
        self.assertEqual(self.leader.purposes, ())


class NikOnlyInTheBodyTests(ApiTestCase):
    def test_a_status_check_by_get_is_refused_without_a_lookup(self):
        response = self.client.get(
            reverse("api_status"),
            {"nik": self.person_a.nik},
            headers={"Authorization": f"Bearer {self.puskesmas_secret}"},
        )
        self.assertEqual(response.status_code, 405)
        self.assertFalse(AuditEvent.objects.filter(action="status_check").exists())

    def test_a_nik_in_the_query_string_of_a_post_is_not_read(self):
        response = self.client.post(
            f"{reverse('api_status')}?nik={self.person_a.nik}",
            data="{}",
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.puskesmas_secret}"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json()["message"],
            {"id": 'Kirim JSON {"nik": "16 angka"}.', "en": 'Send JSON {"nik": "16 digits"}.'},
        )
        self.assertFalse(AuditEvent.objects.filter(action="status_check").exists())

    def test_a_form_encoded_body_is_a_bad_request(self):
        response = self.client.post(
            reverse("api_status"),
            {"nik": self.person_a.nik},
            headers={"Authorization": f"Bearer {self.puskesmas_secret}"},
        )
        self.assertEqual((response.status_code, response.json()["error"]), (400, "bad_request"))

    def test_a_nik_sent_as_a_json_number_gives_the_same_answer_as_text(self):
        as_text = self.check(self.person_a.nik).json()
        as_number = self.check(int(self.person_a.nik)).json()
        self.assertEqual(as_number, as_text)

    def test_the_answer_never_carries_a_whole_nik_or_kk(self):
        body = self.check(self.person_a.nik).content.decode()
        self.assertNotIn(self.person_a.nik, body)
        self.assertNotIn(self.person_a.no_kk, body)
        self.assertFalse(NIK_LIKE.findall(body))
        self.assertIn(mask_id(self.person_a.nik), body)


class OpenApiTests(ApiTestCase):
    def test_the_description_is_public_and_names_this_server(self):
        self.assertEqual(self.document["openapi"], "3.1.0")
        self.assertEqual(self.document["servers"], [{"url": "http://testserver/"}])
        self.assertEqual(self.document["security"], [{"token": []}])

    def test_every_documented_operation_is_routed_and_guarded_by_the_token(self):
        for path, operations in self.document["paths"].items():
            self.assertEqual(resolve(path).route, path.lstrip("/"))
            for method in operations:
                with self.subTest(operation=f"{method.upper()} {path}"):
                    response = getattr(self.client, method)(path)
                    self.assertEqual(response.status_code, 401)
                    self.assertDocumented(path, method, response)

    def test_the_status_check_answers_with_every_documented_status_and_shape(self):
        _, leader_can_not = new_token(self.leader, "x", "pengawasan")
        path = "/api/v1/status"
        answers = {
            200: self.check(self.person_a.nik),
            400: self.client.post(
                path,
                data="[1]",
                content_type="application/json",
                headers={"Authorization": f"Bearer {self.puskesmas_secret}"},
            ),
            401: self.client.post(path, data="{}", content_type="application/json"),
            403: self.check(self.person_a.nik, leader_can_not),
            422: self.check("62020141019"),
        }
        for status, response in answers.items():
            with self.subTest(status=status):
                self.assertEqual(response.status_code, status)
                self.assertDocumented(path, "post", response)

    def test_an_answer_about_a_person_in_the_region_has_every_documented_field(self):
        schema = self.document["paths"]["/api/v1/status"]["post"]["responses"]["200"]
        fields = schema["content"]["application/json"]["schema"]["properties"]
        person = self.person_where(
            kode_kecamatan=self.puskesmas_a.region_code, active=True, resident=True
        )
        answer = self.check(person.nik).json()
        self.assertEqual(sorted(set(fields) - set(answer)), [])
        self.assertEqual(answer["next_step"]["code"], "STATUS_AKTIF")
        self.assertEqual(answer["fktp"], {"code": person.kode_faskes, "name": person.nama_faskes})

    def test_the_indicators_answer_with_every_documented_status_and_shape(self):
        path = "/api/v1/indikator"
        answers = {
            200: self.indicators(),
            401: self.client.get(path),
            404: self.indicators(wilayah="6203"),
        }
        for status, response in answers.items():
            with self.subTest(status=status):
                self.assertEqual(response.status_code, status)
                self.assertDocumented(path, "get", response)

    def test_the_region_segments_are_described_as_the_counts_they_hold(self):
        region = self.indicators().json()["region"]
        segments = region["segments"]
        schema = self.document["components"]["schemas"]["Region"]["properties"]["segments"]
        self.assertEqual(violations(segments, schema, self.document), [])
        self.assertIn("BELUM_TERDAFTAR", segments)
        for key in ("population", "registered", "active"):
            self.assertEqual(sum(s[key] for s in segments.values()), region[key], key)

    def test_the_api_page_shows_the_addresses_to_call(self):
        response = self.client.get(reverse("api_docs"))
        self.assertContains(response, "http://testserver/api/v1/status")
        self.assertContains(response, "http://testserver/api/v1/indikator")
        self.assertContains(response, reverse("api_openapi"))


class ApiScopeTests(ApiTestCase):
    """A token sees what its account sees: its kabupaten, kecamatan or desa."""

    def test_the_operator_of_desa_a_sees_no_details_of_another_desa_of_the_kecamatan(self):
        _, secret = new_token(self.operator_a, "SIK desa", "pemutakhiran")
        neighbour = (
            Person.objects.filter(publication=self.publication, kode_kecamatan=self.desa_a[:6])
            .exclude(kode_desa=self.desa_a)
            .exclude(nik="")
            .order_by("ref")
            .first()
        )
        answer = self.check(neighbour.nik, secret).json()
        self.assertEqual(
            (answer["found"], answer["in_scope"], answer["next_step"]["code"]),
            (True, False, "STATUS_DI_LUAR_WILAYAH"),
        )
        self.assertFalse({"nama", "segment", "fktp", "person_ref", "kode_desa"} & set(answer))

    def test_an_account_that_may_open_persons_gets_the_person_reference(self):
        _, secret = new_token(self.operator_a, "SIK desa", "pemutakhiran")
        answer = self.check(self.person_a.nik, secret).json()
        self.assertEqual(answer["person_ref"], self.person_a.ref)
        self.assertEqual(answer["nama"], self.person_a.nama)

    def test_the_puskesmas_gets_the_status_but_no_person_reference(self):
        answer = self.check(self.person_a.nik).json()
        self.assertEqual(answer["nama"], self.person_a.nama)
        self.assertNotIn("person_ref", answer)

    def test_a_member_without_a_desa_is_shown_to_kabupaten_tokens_only(self):
        person = self.person_where(kode_desa="")
        _, kabupaten = new_token(self.bpjs, "P-Care", "pendaftaran")
        seen = self.check(person.nik, kabupaten).json()
        self.assertEqual((seen["in_scope"], seen["nama"]), (True, person.nama))
        hidden = self.check(person.nik).json()
        self.assertEqual(hidden["next_step"]["code"], "STATUS_DI_LUAR_WILAYAH")
        self.assertNotIn("nama", hidden)

    def test_a_token_of_another_kabupaten_learns_nothing_about_this_one(self):
        _, secret = new_token(self.outsider, "x", "pelayanan")
        answer = self.check(self.person_a.nik, secret).json()
        self.assertEqual(
            answer,
            {
                "valid": True,
                "nik": mask_id(self.person_a.nik),
                "published": False,
                "message": answer["message"],
            },
        )
        self.assertTrue(answer["message"]["id"].startswith("Belum ada data yang diterbitkan"))

    def test_the_indicators_of_a_desa_token_are_its_desa_without_children(self):
        _, secret = new_token(self.operator_a, "SIK desa", "pemutakhiran")
        document = self.indicators(secret).json()
        self.assertEqual(
            (document["region"]["code"], document["region"]["level"]), (self.desa_a, "desa")
        )
        self.assertEqual(document["children"], [])
        people = Person.objects.filter(
            publication=self.publication, kode_desa=self.desa_a, resident=True
        ).count()
        self.assertEqual(document["region"]["population"], people)

    def test_the_indicators_of_a_kecamatan_token_add_up_over_its_desa(self):
        _, secret = new_token(self.verifier_b, "x", "verifikasi")
        document = self.indicators(secret).json()
        self.assertEqual(document["region"]["code"], self.kecamatan_b)
        self.assertTrue(document["children"])
        self.assertEqual({c["parent_code"] for c in document["children"]}, {self.kecamatan_b})
        for key in ("population", "registered", "active"):
            self.assertEqual(
                sum(c[key] for c in document["children"]), document["region"][key], key
            )

    def test_a_desa_token_cannot_read_its_kecamatan(self):
        _, secret = new_token(self.operator_a, "SIK desa", "pemutakhiran")
        response = self.indicators(secret, wilayah=self.desa_a[:6])
        self.assertEqual((response.status_code, response.json()["error"]), (404, "not_found"))

    def test_a_region_code_may_be_written_with_dots(self):
        document = self.indicators(wilayah="62.02").json()
        self.assertEqual(document["region"]["code"], "6202")

    def test_a_region_inside_the_scope_but_absent_from_the_data_is_not_found(self):
        response = self.indicators(wilayah="620299")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["message"]["en"], "Region not in this period's data.")

    def test_a_period_that_was_never_published_has_no_data(self):
        response = self.indicators(periode="2099-01")
        self.assertEqual((response.status_code, response.json()["error"]), (404, "no_data"))

    def test_the_other_kabupaten_token_has_no_data_of_its_own(self):
        _, secret = new_token(self.outsider, "x", "pengawasan")
        response = self.indicators(secret)
        self.assertEqual((response.status_code, response.json()["error"]), (404, "no_data"))


class ApiAuditTests(ApiTestCase):
    def test_every_api_check_is_audited_once_with_the_token_purpose_whatever_the_answer(self):
        # The operator's token declares verification, not the role's first purpose.
        _, secret = new_token(self.operator_a, "SIK desa", "verifikasi")
        neighbour = (
            Person.objects.filter(publication=self.publication, kode_kecamatan=self.desa_a[:6])
            .exclude(kode_desa=self.desa_a)
            .exclude(nik="")
            .first()
        )
        for nik in (self.person_a.nik, neighbour.nik, UNKNOWN_NIK, "123"):
            self.check(nik, secret)
        events = list(AuditEvent.objects.filter(action="status_check").order_by("id"))
        self.assertEqual(len(events), 4)
        self.assertEqual(
            {(e.via, e.purpose, e.username) for e in events}, {("api", "verifikasi", "operator_a")}
        )
        self.assertEqual(
            [(e.subject, e.detail) for e in events[1:]],
            [
                (mask_id(neighbour.nik), "STATUS_DI_LUAR_WILAYAH"),
                (mask_id(UNKNOWN_NIK), "STATUS_TIDAK_DITEMUKAN"),
                ("", "NIK_TIDAK_VALID"),
            ],
        )
        self.assertEqual(events[0].subject, f"{mask_id(self.person_a.nik)} {self.person_a.ref}")
        self.assertEqual(events[0].period, self.publication.period)


class AuditLogTests(ApiTestCase):
    """Every row says who (account, role, region, address), what (action, masked subject), when
    and why (the declared purpose), and never holds a NIK in clear."""

    def open_personal_data(self) -> None:
        self.sign_in(self.operator_a)
        self.client.get(reverse("person", args=[self.person_a.ref]))
        self.sign_in(self.puskesmas_a)
        self.client.post(reverse("status_check"), {"nik": self.person_b.nik})
        self.client.post(reverse("status_check"), {"nik": "6202 0453 0570 0001"})
        self.check(self.person_a.nik)
        self.sign_in(self.verifier_b)
        self.client.get(reverse("findings_xlsx"))
        self.sign_in(self.analyst)
        self.client.get(reverse("quarantine_xlsx"))

    def test_every_personal_data_event_carries_who_what_when_and_why(self):
        started = timezone.now()
        self.open_personal_data()
        events = AuditEvent.objects.filter(action__in=["person_view", "status_check", "export"])
        self.assertEqual(
            sorted((e.action, e.username) for e in events),
            [
                ("export", "analyst"),
                ("export", "verifier_b"),
                ("person_view", "operator_a"),
                ("status_check", "puskesmas_a"),
                ("status_check", "puskesmas_a"),
                ("status_check", "puskesmas_a"),
            ],
        )
        for event in events:
            with self.subTest(action=event.action, user=event.username):
                user = getattr(self, event.username)
                self.assertEqual((event.role, event.region_code), (user.role, user.region_code))
                self.assertIn(event.purpose, PURPOSES[user.role])
                self.assertTrue(event.subject)
                self.assertTrue(started <= event.at <= timezone.now())
                self.assertEqual(event.ip, "127.0.0.1")

    def test_no_audit_row_holds_a_nik_in_clear(self):
        self.open_personal_data()
        for event in AuditEvent.objects.all():
            with self.subTest(action=event.action, subject=event.subject):
                self.assertEqual(NIK_LIKE.findall(f"{event.subject} {event.detail}"), [])

    def test_the_audit_download_lists_every_event_without_a_nik(self):
        self.open_personal_data()
        self.sign_in(self.admin)
        response = self.client.get(reverse("audit_xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        rows = list(book["Audit"].iter_rows(values_only=True))
        self.assertEqual(
            rows[2],
            ("Waktu", "Pengguna", "Peran", "Wilayah", "Aksi", "Tujuan", "Subjek", "Rincian",
             "Periode", "Lewat", "IP"),
        )  # fmt: skip
        body = rows[3:]
        self.assertEqual(len(body), AuditEvent.objects.count())
        api = [r for r in body if r[4] == "status_check" and r[9] == "api"]
        self.assertEqual([(r[1], r[5]) for r in api], [("puskesmas_a", "pelayanan")])
        cells = [str(c) for row in body for c in row if c is not None]
        self.assertEqual([c for c in cells if NIK_LIKE.search(c)], [])


class SignInLimitTests(CastTestCase):
    """Five failures for a user name, or twenty from one address, within the window lock it
    for the rest of the window (settings SEMESTA_LOGIN_FAILURES, SEMESTA_LOGIN_WINDOW_MINUTES)."""

    def login(self, username: str, password: str, **extra):
        return self.client.post(
            reverse("login"), {"username": username, "password": password}, **extra
        )

    def test_twenty_failures_from_one_address_lock_every_user_name_from_it(self):
        self.assertEqual(settings.SEMESTA_LOGIN_FAILURES * 4, 20)
        for n in range(20):
            self.login(f"tamu{n:02d}", "salah")
        locked = self.login("operator_a", PASSWORD)
        self.assertContains(locked, "Terlalu banyak percobaan masuk yang gagal")
        self.assertNotIn("_auth_user_id", self.client.session)
        elsewhere = self.login("operator_a", PASSWORD, REMOTE_ADDR="10.20.30.40")
        self.assertRedirects(elsewhere, reverse("home"), fetch_redirect_response=False)

    def test_nineteen_failures_from_one_address_lock_nobody(self):
        for n in range(19):
            self.login(f"tamu{n:02d}", "salah")
        self.assertRedirects(
            self.login("operator_a", PASSWORD), reverse("home"), fetch_redirect_response=False
        )

    def test_the_message_says_how_many_minutes_remain(self):
        for _ in range(5):
            self.login("operator_a", "salah")
        response = self.login("operator_a", PASSWORD)
        self.assertContains(response, "Coba lagi dalam 15 menit.")

    def test_the_wait_counts_from_the_oldest_failure_that_reached_the_limit(self):
        """Five failures ten minutes ago in a fifteen-minute window: five minutes left."""
        for _ in range(5):
            ratelimit.note("operator_a", None, False)
        LoginAttempt.objects.update(at=timezone.now() - timedelta(minutes=10))
        self.assertEqual(ratelimit.minutes_locked("operator_a", None), 5)

    def test_failures_older_than_the_window_do_not_count(self):
        for _ in range(4):
            ratelimit.note("operator_a", "10.0.0.1", False)
        LoginAttempt.objects.update(at=timezone.now() - timedelta(minutes=16))
        ratelimit.note("operator_a", "10.0.0.1", False)
        self.assertEqual(ratelimit.minutes_locked("operator_a", "10.0.0.1"), 0)

    def test_a_user_name_counts_whatever_its_case_and_surrounding_spaces(self):
        for _ in range(5):
            self.login("  OPERATOR_A ", "salah")
        self.assertContains(self.login("operator_a", PASSWORD), "Terlalu banyak")

    def test_every_attempt_is_recorded_with_its_address_and_outcome(self):
        self.login("Operator_A", "salah")
        self.login("operator_a", PASSWORD)
        self.assertEqual(
            list(LoginAttempt.objects.order_by("id").values_list("username", "ip", "success")),
            [("operator_a", "127.0.0.1", False), ("operator_a", "127.0.0.1", True)],
        )
