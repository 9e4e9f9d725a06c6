"""The platform: settings from the environment, sign-in and its rate limit, sessions, CSRF,
security headers, language, logs without personal data, static files, health check."""

from __future__ import annotations

import logging

from django.conf import settings
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import given
from hypothesis import strategies as st

from semesta.web.models import AuditEvent, LoginAttempt
from semesta.web.privacy import RedactFilter, mask_id, nik_key, person_ref, redact
from semesta.web.settings import database_from_env
from webapp.cast import PASSWORD, CastTestCase


class DatabaseSettingsTests(CastTestCase):
    def test_without_configuration_the_database_is_sqlite_in_the_data_folder(self):
        config = database_from_env({})
        self.assertEqual(config["ENGINE"], "django.db.backends.sqlite3")
        self.assertTrue(config["NAME"].endswith("semesta.sqlite3"))

    def test_a_postgresql_url_with_a_socket_folder(self):
        config = database_from_env(
            {"SEMESTA_DB_URL": "postgresql://semesta:r%40hasia@/semesta_db?host=/run/pg"}
        )
        self.assertEqual(
            (config["ENGINE"], config["NAME"], config["USER"], config["PASSWORD"], config["HOST"]),
            ("django.db.backends.postgresql", "semesta_db", "semesta", "r@hasia", "/run/pg"),
        )

    def test_a_postgresql_url_with_host_and_port(self):
        config = database_from_env({"SEMESTA_DB_URL": "postgres://u:p@db.local:5433/x"})
        self.assertEqual(
            (config["HOST"], config["PORT"], config["NAME"]), ("db.local", "5433", "x")
        )

    def test_database_variables_without_a_url(self):
        config = database_from_env(
            {"DATABASE_ENGINE": "postgres", "DATABASE_NAME": "dinkes", "DATABASE_HOST": "h"}
        )
        self.assertEqual((config["NAME"], config["HOST"]), ("dinkes", "h"))

    def test_a_sqlite_url(self):
        config = database_from_env({"SEMESTA_DB_URL": "sqlite:////srv/semesta/db.sqlite3"})
        self.assertEqual(config["NAME"], "/srv/semesta/db.sqlite3")

    def test_a_job_process_opens_the_database_it_is_given(self):
        config = database_from_env({"SEMESTA_DB_NAME": "/tmp/test.sqlite3"})
        self.assertEqual(config["NAME"], "/tmp/test.sqlite3")

    def test_sqlite_waits_for_writers_instead_of_failing(self):
        config = database_from_env({})
        self.assertEqual(config["OPTIONS"]["transaction_mode"], "IMMEDIATE")
        self.assertIn("journal_mode=WAL", config["OPTIONS"]["init_command"])


class SignInTests(CastTestCase):
    def login(self, username: str, password: str, client: Client | None = None):
        return (client or self.client).post(
            reverse("login"), {"username": username, "password": password}
        )

    def test_a_correct_password_signs_in_and_is_audited(self):
        response = self.login("operator_a", PASSWORD)
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        event = AuditEvent.objects.filter(action="login").latest("at")
        self.assertEqual((event.username, event.region_code), ("operator_a", self.desa_a))

    def test_a_wrong_password_is_refused_and_audited(self):
        response = self.login("operator_a", "salah")
        self.assertContains(response, "Nama pengguna atau kata sandi salah")
        event = AuditEvent.objects.filter(action="login_failed").latest("at")
        self.assertEqual(event.username, "operator_a")
        self.assertEqual(event.region_code, self.desa_a)

    def test_five_failures_lock_the_user_name_even_for_the_right_password(self):
        for _ in range(settings.SEMESTA_LOGIN_FAILURES):
            self.login("operator_a", "salah")
        response = self.login("operator_a", PASSWORD)
        self.assertContains(response, "Terlalu banyak percobaan masuk yang gagal")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_lock_is_per_user_name(self):
        for _ in range(settings.SEMESTA_LOGIN_FAILURES):
            self.login("operator_a", "salah")
        self.assertRedirects(
            self.login("verifier_b", PASSWORD), reverse("home"), fetch_redirect_response=False
        )

    def test_a_success_before_the_limit_starts_the_count_again(self):
        for _ in range(settings.SEMESTA_LOGIN_FAILURES - 1):
            self.login("operator_a", "salah")
        self.login("operator_a", PASSWORD)
        self.client.logout()
        self.login("operator_a", "salah")
        self.assertRedirects(
            self.login("operator_a", PASSWORD), reverse("home"), fetch_redirect_response=False
        )

    def test_the_lock_ends_when_the_window_has_passed(self):
        for _ in range(settings.SEMESTA_LOGIN_FAILURES):
            self.login("operator_a", "salah")
        LoginAttempt.objects.update(at="2020-01-01T00:00:00Z")
        self.assertRedirects(
            self.login("operator_a", PASSWORD), reverse("home"), fetch_redirect_response=False
        )

    def test_passwords_are_never_stored_in_the_attempts(self):
        self.login("operator_a", "rahasia-salah-123")
        stored = [str(v) for row in LoginAttempt.objects.values() for v in row.values()]
        stored += [str(v) for row in AuditEvent.objects.values() for v in row.values()]
        self.assertFalse([s for s in stored if "rahasia-salah-123" in s])

    def test_signing_out_needs_a_post_and_is_audited(self):
        self.sign_in(self.operator_a)
        self.assertEqual(self.client.get(reverse("logout")).status_code, 405)
        self.client.post(reverse("logout"))
        self.assertTrue(AuditEvent.objects.filter(action="logout", username="operator_a"))

    def test_an_account_without_a_role_is_signed_out(self):
        self.operator_a.role = ""
        self.operator_a.save()
        self.client.force_login(self.operator_a)
        response = self.client.get(reverse("dashboard"))
        self.assertEqual(response.status_code, 302)


class SessionAndSecurityTests(CastTestCase):
    def test_sessions_expire_after_thirty_idle_minutes_and_with_the_browser(self):
        self.assertEqual(settings.SESSION_COOKIE_AGE, 30 * 60)
        self.assertTrue(settings.SESSION_SAVE_EVERY_REQUEST)
        self.assertTrue(settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)
        self.assertTrue(settings.SESSION_COOKIE_HTTPONLY)

    def test_forms_without_a_csrf_token_are_refused(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.puskesmas_a)
        response = client.post(reverse("status_check"), {"nik": self.person_a.nik})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "Formulir kedaluwarsa", status_code=403)

    def test_every_page_carries_the_security_headers(self):
        self.sign_in(self.analyst)
        response = self.client.get(reverse("dashboard"))
        self.assertIn("default-src 'self'", response["Content-Security-Policy"])
        self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertIn("camera=()", response["Permissions-Policy"])

    def test_static_files_are_served_by_the_app_and_may_be_cached(self):
        response = self.client.get("/static/vendor/chartjs/chart.umd.min.js")
        self.assertEqual(response.status_code, 200)
        self.assertIn("public", response["Cache-Control"])
        self.assertIn(b"Chart.js v4", b"".join(response.streaming_content)[:200])

    def test_static_files_cannot_leave_the_static_folder(self):
        client = Client(raise_request_exception=False)
        self.assertEqual(client.get("/static/../settings.py").status_code, 400)

    def test_the_health_check_needs_no_login(self):
        self.assertEqual(self.client.get(reverse("healthz")).json(), {"status": "ok"})


def _routes(patterns, prefix: str = "") -> list[str]:
    found = []
    for item in patterns:
        if isinstance(item, URLResolver):
            found += _routes(item.url_patterns, prefix + str(item.pattern))
        elif isinstance(item, URLPattern):
            found.append(prefix + str(item.pattern))
    return found


class PersonalDataTests(CastTestCase):
    def test_no_route_takes_a_nik(self):
        routes = _routes(get_resolver().url_patterns)
        self.assertFalse([r for r in routes if "nik" in r.lower()])

    def test_a_person_page_is_addressed_by_an_opaque_reference(self):
        self.assertNotIn(self.person_a.nik, reverse("person", args=[self.person_a.ref]))
        self.assertEqual(len(self.person_a.ref), 20)

    def test_the_nik_is_masked_for_the_analyst_and_whole_for_the_verifier(self):
        self.sign_in(self.analyst)
        response = self.client.get(reverse("person", args=[self.person_b.ref]))
        self.assertNotContains(response, self.person_b.nik)
        self.assertContains(response, mask_id(self.person_b.nik))
        self.sign_in(self.verifier_b)
        response = self.client.get(reverse("person", args=[self.person_b.ref]))
        self.assertContains(response, self.person_b.nik)

    def test_log_records_lose_their_niks(self):
        record = logging.LogRecord(
            "x", logging.WARNING, "f", 1, "cek %s gagal", ("6202011505900003",), None
        )
        RedactFilter().filter(record)
        self.assertEqual(record.getMessage(), "cek 6202********0003 gagal")

    def test_the_index_key_and_the_reference_are_stable_and_not_the_nik(self):
        self.assertEqual(nik_key("6202011505900003"), nik_key("6202011505900003"))
        self.assertNotIn("6202011505900003", nik_key("6202011505900003"))
        self.assertNotEqual(person_ref("6202011505900003"), nik_key("6202011505900003"))


@given(st.from_regex(r"[0-9]{16}", fullmatch=True))
def test_a_masked_nik_keeps_only_its_kabupaten_and_serial(nik):
    masked = mask_id(nik)
    assert masked == nik[:4] + "********" + nik[-4:]
    assert redact(f"NIK {nik}.") == f"NIK {masked}."


@given(st.text(alphabet="0123456789 -/abc", max_size=40))
def test_redaction_leaves_no_run_of_sixteen_digits(text):
    import re

    assert not re.search(r"(?<![0-9])[0-9]{16}(?![0-9])", redact(text))


class LanguageTests(CastTestCase):
    def test_pages_are_in_bahasa_indonesia_even_for_an_english_browser(self):
        self.sign_in(self.analyst)
        response = self.client.get(reverse("dashboard"), headers={"Accept-Language": "en-US"})
        self.assertEqual(response["Content-Language"], "id")
        self.assertContains(response, "Dasbor UHC")

    def test_the_switch_turns_the_pages_to_english_and_back(self):
        self.sign_in(self.analyst)
        self.client.post(reverse("set_language"), {"language": "en", "next": "/dasbor/"})
        response = self.client.get(reverse("dashboard"))
        self.assertEqual(response["Content-Language"], "en")
        self.assertContains(response, "UHC dashboard")
        self.assertContains(response, "Coverage")
        self.client.post(reverse("set_language"), {"language": "id", "next": "/dasbor/"})
        self.assertContains(self.client.get(reverse("dashboard")), "Cakupan")

    def test_numbers_use_indonesian_grouping(self):
        self.sign_in(self.analyst)
        response = self.client.get(reverse("dashboard"))
        population = response.context["stat"].population
        self.assertContains(response, f"{population:,}".replace(",", "."))


@override_settings(SEMESTA_LOGIN_FAILURES=2)
class ConfigurableLimitTests(CastTestCase):
    def test_the_failure_limit_comes_from_the_settings(self):
        for _ in range(2):
            self.client.post(reverse("login"), {"username": "bpjs", "password": "x"})
        response = self.client.post(reverse("login"), {"username": "bpjs", "password": PASSWORD})
        self.assertContains(response, "Terlalu banyak")
