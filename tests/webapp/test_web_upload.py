"""Uploads: the job, its progress, the accounting, the quarantine; the job process."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape

from semesta.web import jobs
from semesta.web.models import AuditEvent, Job, User
from webapp.cast import CastTestCase
from webapp.conftest import PERIOD


def files_of(folder: Path, *names: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    chosen = [
        p for p in sorted(folder.iterdir()) if p.is_file() and any(n in p.name for n in names)
    ]
    return [SimpleUploadedFile(p.name, p.read_bytes()) for p in chosen]


@override_settings(SEMESTA_JOB_RUNNER="inline")
class UploadTests(CastTestCase):
    @pytest.fixture(autouse=True)
    def _exports(self, small_exports, fresh_workspace):
        self.exports = small_exports
        self.workspace = fresh_workspace

    def upload(self, *names: str, period: str = PERIOD, **extra):
        return self.client.post(
            reverse("upload"),
            {"period": period, "files": files_of(self.exports, *names), **extra},
            **({"headers": {"Accept": "application/json"}} if extra.pop("as_json", False) else {}),
        )

    def test_an_upload_runs_the_job_and_shows_the_accounting(self):
        self.sign_in(self.analyst)
        response = self.upload("kematian", "perangkat_desa")
        job = Job.objects.latest("created_at")
        self.assertRedirects(response, reverse("job", args=[job.pk]))
        self.assertEqual(job.status, "done")
        page = self.client.get(reverse("job", args=[job.pk]))
        self.assertContains(page, 'id="accounting"')
        totals = page.context["totals"]
        self.assertEqual(totals["rows_read"], totals["rows_ingested"] + totals["rows_quarantined"])
        self.assertEqual(totals["files_ingested"], 2)

    def test_without_both_registers_the_later_stages_wait(self):
        self.sign_in(self.analyst)
        self.upload("kematian")
        job = Job.objects.latest("created_at")
        stages = {s["stage"]: s["status"] for s in job.steps}
        self.assertEqual(stages["reconcile"], "skipped")
        self.assertEqual(stages["publish"], "done")
        self.assertIn("Menunggu DKB", job.steps[1]["message"]["id"])

    def test_a_file_semesta_does_not_recognise_is_refused_with_a_reason(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.sign_in(self.analyst)
        self.client.post(
            reverse("upload"),
            {"period": PERIOD, "files": [SimpleUploadedFile("catatan.csv", b"a;b\n1;2\n")]},
        )
        job = Job.objects.latest("created_at")
        refused = job.report["files"][0]
        self.assertEqual(refused["status"], "refused")
        self.assertTrue(refused["message"]["id"])
        page = self.client.get(reverse("job", args=[job.pk]))
        self.assertContains(page, escape(refused["message"]["id"]))
        self.assertNotContains(page, 'id="quarantine-download"')

    def test_the_browser_upload_gets_the_job_address_back(self):
        self.sign_in(self.analyst)
        response = self.upload("kematian", as_json=True)
        self.assertEqual(response.status_code, 202)
        self.assertEqual(response.json()["url"], reverse("job", args=[response.json()["job"]]))

    def test_a_bad_period_is_refused_before_any_job(self):
        self.sign_in(self.analyst)
        response = self.upload("kematian", period="Juni 2025")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "tahun-bulan", status_code=400)
        self.assertFalse(Job.objects.exists())

    def test_the_job_status_is_polled_as_json(self):
        self.sign_in(self.analyst)
        self.upload("kematian")
        job = Job.objects.latest("created_at")
        status = self.client.get(reverse("job_status", args=[job.pk])).json()
        self.assertEqual(
            (status["status"], status["percent"], status["finished"]), ("done", 100, True)
        )

    def test_uploaded_files_are_removed_once_ingested(self):
        self.sign_in(self.analyst)
        self.upload("kematian")
        job = Job.objects.latest("created_at")
        self.assertFalse(Path(job.folder).exists())

    def test_uploads_are_audited(self):
        self.sign_in(self.analyst)
        self.upload("kematian")
        event = AuditEvent.objects.filter(action="upload").latest("at")
        self.assertIn("kematian", event.subject)

    def test_a_kecamatan_account_may_not_upload(self):
        self.verifier_b.role = "analis_dinkes"
        self.verifier_b.save()
        self.sign_in(self.verifier_b)
        self.assertEqual(self.upload("kematian").status_code, 403)

    def test_a_job_of_another_kabupaten_is_not_found(self):
        self.sign_in(self.analyst)
        self.upload("kematian")
        job = Job.objects.latest("created_at")
        self.sign_in(self.outsider)
        self.assertEqual(self.client.get(reverse("job", args=[job.pk])).status_code, 404)

    def test_a_job_left_running_by_a_dead_process_is_marked_failed(self):
        stale = Job.objects.create(
            period=PERIOD, folder="", status="running", created_by=self.analyst
        )
        jobs.run_queued()
        stale.refresh_from_db()
        self.assertEqual(stale.status, "failed")
        self.assertIn("berhenti", stale.error["id"])


@pytest.mark.django_db(transaction=True)
def test_a_long_job_runs_in_its_own_process_and_never_blocks_the_page(
    small_exports, fresh_workspace, settings
):
    """The real runner: the POST returns at once, the job process ingests, reconciles and
    publishes into this very database, and the page follows its progress."""
    settings.SEMESTA_JOB_RUNNER = "process"
    user = User.objects.create_user(
        "uploader", password="x", role="admin_dinkes", region_code="6202"
    )
    client = Client()
    client.force_login(user)
    started = time.monotonic()
    response = client.post(
        reverse("upload"),
        {"period": PERIOD, "files": files_of(small_exports, "dkb", "bpjs", "kematian")},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 202
    assert time.monotonic() - started < 5  # the page does not wait for the job
    url = reverse("job_status", args=[response.json()["job"]])
    seen = set()
    deadline = time.monotonic() + 240
    status = client.get(url).json()
    while not status["finished"] and time.monotonic() < deadline:
        seen.add(status["status"])
        time.sleep(0.5)
        status = client.get(url).json()
    assert status["status"] == "done", status
    job = Job.objects.get(pk=response.json()["job"])
    assert [s["stage"] for s in job.steps if s["status"] == "done"] == [
        "ingest",
        "reconcile",
        "uhc",
        "eligibility",
        "publish",
    ]
    assert job.publication.counts["persons"] > 0
    assert (Path(settings.SEMESTA_DATA_DIR) / "jobs.log").exists()
    assert seen & {"queued", "running"}
