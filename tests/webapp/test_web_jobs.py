"""Upload jobs (semesta.web.jobs and the job process semesta.web.worker): a job's life from
queued to done or failed with its progress, refused files explained in both languages with
nothing half written, and the quarantine workbook the job and accounting pages offer."""

from __future__ import annotations

import html
import io
import logging
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from semesta.pipeline.workspace import Workspace
from semesta.web import jobs, worker
from semesta.web.jobs import Reporter
from semesta.web.models import FileAccount, Job, Publication, QuarantineRow
from semesta.web.privacy import RedactFilter, redact
from semesta.web.publish import current
from webapp.cast import CastTestCase
from webapp.conftest import PERIOD

OTHER = "2025-05"  # jobs upload into another period: the session's June stays as it is
INGEST = "Memuat berkas / Ingesting files"
PUBLISH = "Menerbitkan hasil ke aplikasi / Publishing results to the app"


def query(workspace: Workspace, sql: str, *params) -> list[tuple]:
    db = workspace.connect(read_only=True)
    try:
        return db.execute(sql, list(params)).fetchall()
    finally:
        db.close()


def workbook_rows(response) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


@override_settings(SEMESTA_JOB_RUNNER="inline")
class JobTestCase(CastTestCase):
    @pytest.fixture(autouse=True)
    def _places(self, small_exports, fresh_workspace):
        self.exports = small_exports
        self.workspace = fresh_workspace

    def export(self, name: str) -> Path:
        return next(p for p in self.exports.iterdir() if p.is_file() and name in p.name)

    def queue(
        self, *names: str, period: str = OTHER, replace: bool = False, extra: dict | None = None
    ) -> Job:
        """A queued job, as the upload page leaves it: the files in its own folder."""
        job = Job.objects.create(period=period, replace=replace, created_by=self.analyst)
        folder = Path(settings.SEMESTA_DATA_DIR) / "unggahan" / f"{job.pk:06d}"
        folder.mkdir(parents=True)
        for name in names:
            shutil.copy2(self.export(name), folder)
        for name, content in (extra or {}).items():
            (folder / name).write_bytes(content)
        job.folder = str(folder)
        job.files = [{"name": p.name, "size": p.stat().st_size} for p in sorted(folder.iterdir())]
        job.save()
        return job

    def run_watching(self, job: Job) -> list[tuple]:
        """Run the queue and return the job's (status, stage, percent, message) after every
        write to its row: what the polling page can see."""
        seen: list[tuple] = []
        table = Job._meta.db_table
        busy = False

        def watch(execute, sql, params, many, context):
            nonlocal busy
            result = execute(sql, params, many, context)
            if not busy and sql.lstrip().upper().startswith("UPDATE") and table in sql:
                busy = True
                try:
                    seen.append(
                        Job.objects.filter(pk=job.pk)
                        .values_list("status", "stage", "percent", "message")
                        .get()
                    )
                finally:
                    busy = False
            return result

        with connection.execute_wrapper(watch):
            jobs.run_queued()
        return seen


class LifecycleTests(JobTestCase):
    def test_a_job_goes_from_queued_through_running_to_done_with_each_stage_named(self):
        job = self.queue("kematian")
        self.assertEqual((job.status, job.percent), ("queued", 0))
        seen = self.run_watching(job)
        statuses = [s for i, (s, *_) in enumerate(seen) if i == 0 or seen[i - 1][0] != s]
        self.assertEqual(statuses, ["running", "done"])
        messages = [message for _, _, _, message in seen]
        self.assertLess(messages.index(INGEST), messages.index(PUBLISH))
        self.assertEqual(seen[messages.index(PUBLISH)][1:3], ("publish", 90))
        percents = [percent for _, _, percent, _ in seen]
        self.assertEqual(percents, sorted(percents))
        self.assertEqual(seen[-1], ("done", "publish", 100, ""))

    def test_a_job_is_finished_once_done_or_failed(self):
        self.assertEqual(
            {status: Job(status=status).finished for status in Job.Status.values},
            {"queued": False, "running": False, "done": True, "failed": True},
        )

    def test_a_finished_job_keeps_its_report_its_steps_and_its_publication(self):
        job = self.queue("kematian")
        jobs.run_queued()
        job.refresh_from_db()
        rows = len(self.export("kematian").read_text(encoding="utf-8").splitlines()) - 1
        totals = job.report["totals"]
        self.assertEqual((totals["files_ingested"], totals["rows_read"]), (1, rows))
        self.assertEqual(totals["rows_read"], totals["rows_ingested"] + totals["rows_quarantined"])
        self.assertEqual(
            [(s["stage"], s["status"]) for s in job.steps],
            [
                ("ingest", "done"),
                ("reconcile", "skipped"),
                ("uhc", "skipped"),
                ("eligibility", "skipped"),
                ("publish", "done"),
            ],
        )
        self.assertEqual(job.publication, current(OTHER))
        self.assertLessEqual(job.started_at, job.finished_at)
        self.assertIsNone(job.error)

    def test_a_job_whose_files_are_gone_fails_with_a_bilingual_reason(self):
        job = self.queue("kematian")
        shutil.rmtree(job.folder)
        seen = self.run_watching(job)
        job.refresh_from_db()
        self.assertEqual(seen[-1][0], "failed")
        self.assertEqual(
            job.error,
            {
                "id": f"Folder '{job.folder}' tidak ditemukan.",
                "en": f"Folder '{job.folder}' not found.",
            },
        )
        self.assertEqual(
            job.steps,
            [
                {
                    "stage": "ingest",
                    "status": "failed",
                    "name": {"id": "Memuat berkas", "en": "Ingesting files"},
                    "message": job.error,
                }
            ],
        )
        self.assertIsNotNone(job.finished_at)
        self.assertIsNone(job.publication)
        self.assertFalse(Publication.objects.filter(period=OTHER).exists())

    def test_an_unexpected_error_names_its_stage_and_logs_no_nik(self):
        broken = Path(settings.SEMESTA_DATA_DIR) / "6202011505900003"
        broken.parent.mkdir(parents=True, exist_ok=True)
        broken.write_text("not a folder")  # the workspace setting points at a file
        job = self.queue("kematian")
        with (
            override_settings(SEMESTA_WORKSPACE=broken),
            self.assertLogs("semesta.web.jobs", logging.ERROR) as logs,
        ):
            jobs.run_queued()
        job.refresh_from_db()
        self.assertEqual(job.status, "failed")
        self.assertEqual(
            job.error,
            {
                "id": "Kesalahan tak terduga pada tahap ingest: FileExistsError. Rinciannya ada "
                "di jobs.log; laporkan ke pengelola Semesta.",
                "en": "Unexpected error in stage ingest: FileExistsError. Details are in "
                "jobs.log; please report it.",
            },
        )
        logged = "\n".join(logs.output)
        self.assertIn(f"job {job.pk} failed", logged)
        self.assertIn("6202********0003", logged)
        self.assertNotIn("6202011505900003", logged)

    def test_the_uploaded_files_are_removed_even_when_the_job_fails(self):
        job = self.queue("kematian", period="2025-13")  # a period no upload form lets through
        jobs.run_queued()
        job.refresh_from_db()
        self.assertEqual(job.status, "failed")
        self.assertFalse(Path(job.folder).exists())

    def test_queued_jobs_run_oldest_first_one_after_the_other(self):
        first = self.queue("kematian", period="2025-04")
        second = self.queue("perangkat_desa", period=OTHER)
        self.assertEqual(jobs.run_queued(), 2)
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual((first.status, second.status), ("done", "done"))
        self.assertLessEqual(first.finished_at, second.started_at)
        self.assertEqual(jobs.run_queued(), 0)

    def test_the_job_process_runs_the_queue_and_masks_niks_in_its_log(self):
        job = self.queue("kematian")
        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        try:
            with self.assertLogs("semesta.web.worker", logging.INFO) as logs:
                worker.main()
            record = logging.LogRecord(
                "semesta.web.jobs",
                logging.ERROR,
                __file__,
                1,
                "baris %s",
                ("6202011505900003",),
                None,
            )
            self.assertTrue(root.handlers)
            for handler in root.handlers:
                handler.filter(record)
            self.assertEqual(record.getMessage(), "baris 6202********0003")
        finally:
            for handler in list(root.handlers):
                for found in [f for f in handler.filters if isinstance(f, RedactFilter)]:
                    handler.removeFilter(found)
                if handler not in handlers:
                    root.removeHandler(handler)
            root.setLevel(level)
        self.assertEqual(logs.output, ["INFO:semesta.web.worker:job process done: 1 job(s)"])
        job.refresh_from_db()
        self.assertEqual(job.status, "done")


class ProgressTests(JobTestCase):
    """The Reporter writes a stage's progress into the job row for the polling page."""

    def setUp(self):
        super().setUp()
        self.job = Job.objects.create(period=OTHER, folder="", status="running")

    def row(self) -> tuple:
        return Job.objects.filter(pk=self.job.pk).values_list("stage", "percent", "message").get()

    def test_entering_a_stage_moves_the_bar_to_the_start_of_its_share(self):
        report = Reporter(self.job)
        for stage, low in (("ingest", 0), ("reconcile", 50), ("uhc", 80), ("publish", 90)):
            report.enter(stage)
            self.assertEqual(self.row()[:2], (stage, low))

    def test_progress_creeps_forward_but_stays_inside_the_stage_share(self):
        report = Reporter(self.job)
        report.enter("reconcile")  # 50 to 80
        for n in range(40):
            report.last = 0.0  # as if half a second had passed
            report(f"langkah {n}")
        self.assertEqual(self.row(), ("reconcile", 79, "langkah 39"))

    def test_progress_is_written_at_most_twice_a_second(self):
        report = Reporter(self.job)
        report.enter("ingest")
        report("dkb.csv: dibaca")  # within half a second of entering the stage
        self.assertEqual(self.row(), ("ingest", 0, INGEST))

    def test_a_progress_message_loses_its_niks(self):
        report = Reporter(self.job)
        report.enter("ingest")
        report.last = 0.0
        report("baris 6202011505900003 / 6202 0115 0590 0003")
        self.assertEqual(self.row()[2], "baris 6202********0003 / 6202********0003")


class RefusedFileTests(JobTestCase):
    """A file that cannot be used is refused whole, with its reason in both languages; the
    other files of the job go in, and nothing of the refused one is written."""

    def test_broken_files_are_refused_in_both_languages_and_leave_nothing_behind(self):
        asn = self.export("bkpsdm_asn").read_bytes()
        job = self.queue(
            "kematian",
            extra={"kosong.csv": b"", "asn_terpotong.xlsx": asn[: len(asn) // 2]},
        )
        jobs.run_queued()
        job.refresh_from_db()
        self.assertEqual(job.status, "done")
        files = {f["file"]: f for f in job.report["files"]}
        self.assertEqual(
            files["kosong.csv"]["message"],
            {
                "id": "Berkas 'kosong.csv' ditolak: berkas kosong.",
                "en": "File 'kosong.csv' refused: the file is empty.",
            },
        )
        self.assertEqual(
            files["asn_terpotong.xlsx"]["message"],
            {
                "id": "Berkas 'asn_terpotong.xlsx' ditolak: bukan berkas XLSX yang utuh (rusak "
                "atau bukan Excel).",
                "en": "File 'asn_terpotong.xlsx' refused: not a complete XLSX file (corrupted "
                "or not Excel).",
            },
        )
        self.assertEqual(
            {name: f["status"] for name, f in files.items()},
            {
                "kosong.csv": "refused",
                "asn_terpotong.xlsx": "refused",
                self.export("kematian").name: "ingested",
            },
        )
        self.assertEqual(
            query(self.workspace, "SELECT layout FROM files WHERE period = ?", OTHER),
            [("kematian",)],
        )
        tables = {r[0] for r in query(self.workspace, "SELECT table_name FROM duckdb_tables()")}
        self.assertNotIn("pegawai_asn", tables)
        self.assertEqual(
            list(FileAccount.objects.filter(publication=job.publication).values_list("layout")),
            [("kematian",)],
        )

    def test_a_same_named_file_with_other_content_is_refused_and_the_first_kept(self):
        original = self.export("kematian")
        lines = original.read_text(encoding="utf-8").splitlines(keepends=True)
        self.queue("kematian")
        jobs.run_queued()
        shorter = self.queue(extra={original.name: "".join(lines[:-4]).encode()})
        jobs.run_queued()
        shorter.refresh_from_db()
        (refused,) = shorter.report["files"]
        self.assertEqual(refused["status"], "refused")
        self.assertTrue(refused["message"]["id"].startswith("Berkas bernama sama dengan isi"))
        self.assertTrue(refused["message"]["en"].startswith("A file of the same name"))
        self.assertEqual(
            query(self.workspace, "SELECT rows_read FROM files WHERE period = ?", OTHER),
            [(len(lines) - 1,)],
        )
        self.assertEqual(
            query(self.workspace, "SELECT count(*) FROM kematian WHERE period = ?", OTHER),
            [(len(lines) - 1,)],
        )

    def test_with_the_replace_option_the_new_version_takes_the_place_of_the_first(self):
        original = self.export("kematian")
        lines = original.read_text(encoding="utf-8").splitlines(keepends=True)
        self.queue("kematian")
        jobs.run_queued()
        self.queue(extra={original.name: "".join(lines[:-4]).encode()}, replace=True)
        jobs.run_queued()
        self.assertEqual(
            query(self.workspace, "SELECT rows_read FROM files WHERE period = ?", OTHER),
            [(len(lines) - 5,)],
        )
        self.assertEqual(
            query(self.workspace, "SELECT count(*) FROM kematian WHERE period = ?", OTHER),
            [(len(lines) - 5,)],
        )
        self.assertEqual(
            list(FileAccount.objects.filter(publication=current(OTHER)).values_list("rows_read")),
            [(len(lines) - 5,)],
        )

    def test_the_same_file_twice_changes_nothing(self):
        self.queue("kematian")
        jobs.run_queued()
        again = self.queue("kematian")
        jobs.run_queued()
        again.refresh_from_db()
        self.assertEqual(
            again.report["files"][0]["message"],
            {
                "id": "Sudah diimpor untuk periode ini; tidak ada yang berubah.",
                "en": "Already ingested for this period; nothing changed.",
            },
        )
        self.assertEqual(
            query(self.workspace, "SELECT count(*) FROM files WHERE period = ?", OTHER), [(1,)]
        )


class JobDownloadTests(JobTestCase):
    """The job and accounting pages of a period uploaded before its DKB."""

    def test_the_quarantine_link_of_a_job_downloads_the_values_its_files_held(self):
        job = self.queue("bpjs_peserta")
        jobs.run_queued()
        job.refresh_from_db()
        held = sum(job.report["files"][0]["values_rejected"].values())
        # 33 NIKs Excel rounded, and 7 babies born in June: a birth date after the end of May.
        self.assertEqual(job.report["files"][0]["values_rejected"], {
            "nik: nik_digit_akhir_dibulatkan": 33,
            "tanggal_lahir: tanggal_di_luar_jangkauan": 7,
        })  # fmt: skip
        self.sign_in(self.analyst)
        page = self.client.get(reverse("job", args=[job.pk])).content.decode()
        link = html.unescape(re.search(r'id="quarantine-download" href="([^"]+)"', page)[1])
        response = self.client.get(link)
        self.assertEqual(response.status_code, 200)
        (rows,) = workbook_rows(response).values()
        self.assertEqual(rows[0], (f"Karantina periode {OTHER}",) + (None,) * 7)
        body = rows[4:]
        self.assertEqual(len(body), held)
        self.assertEqual({r[0] for r in body}, {self.export("bpjs_peserta").name})

    def test_the_accounting_page_lists_a_period_uploaded_without_its_dkb(self):
        self.queue("kematian", "perangkat_desa")
        jobs.run_queued()
        self.sign_in(self.analyst)
        response = self.client.get(reverse("accounting"), {"periode": OTHER})
        self.assertEqual(
            sorted(f.layout for f in response.context["files"]), ["kematian", "perangkat_desa"]
        )
        self.assertIn(OTHER, response.context["periods"])


class QuarantineWorkbookTests(CastTestCase):
    """The quarantine of the published June, as Excel."""

    @pytest.fixture(autouse=True)
    def _workspace(self, published_workspace):
        self.workspace = published_workspace

    def download(self, user, **params) -> list[tuple]:
        self.sign_in(user)
        response = self.client.get(reverse("quarantine_xlsx"), params)
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="karantina-{PERIOD}.xlsx"'
        )
        sheets = workbook_rows(response)
        self.assertEqual(len(sheets), 1)
        return next(iter(sheets.values()))

    def test_the_workbook_has_one_sheet_with_title_note_and_header(self):
        self.sign_in(self.admin)
        response = self.client.get(reverse("quarantine_xlsx"))
        sheets = workbook_rows(response)
        self.assertEqual(list(sheets), ["Karantina"])
        rows = sheets["Karantina"]
        self.assertEqual(rows[0][0], f"Karantina periode {PERIOD}")
        self.assertTrue(rows[1][0].startswith("Setiap baris atau nilai yang tidak dapat dipakai"))
        self.assertEqual(
            rows[3],
            ("Berkas", "Lembar", "Baris", "Kolom", "Nilai dalam berkas", "Cakupan",
             "Kode alasan", "Alasan"),
        )  # fmt: skip

    def test_the_administrator_gets_every_held_value_as_the_file_wrote_it(self):
        rows = self.download(self.admin)[4:]
        expected = query(
            self.workspace,
            "SELECT file_name, COALESCE(sheet, ''), row_number, column_name, value, scope, "
            "reason_code, reason_id FROM quarantine WHERE period = ?",
            PERIOD,
        )
        self.assertEqual(
            sorted(tuple("" if c is None else c for c in r) for r in rows), sorted(expected)
        )

    def test_the_analyst_gets_nik_like_values_masked(self):
        admin = self.download(self.admin)[4:]
        analyst = self.download(self.analyst)[4:]
        self.assertEqual([redact(r[4]) for r in admin], [r[4] for r in analyst])
        self.assertFalse([r[4] for r in analyst if re.search(r"[0-9]{16}", r[4])])
        self.assertTrue([r[4] for r in analyst if "********" in r[4]])

    def test_a_file_filter_keeps_only_that_file(self):
        name = "dtsen_6202_2025-05.xlsx"
        rows = self.download(self.admin, berkas=name)[4:]
        self.assertEqual({r[0] for r in rows}, {name})
        self.assertEqual(
            len(rows),
            QuarantineRow.objects.filter(publication=self.publication, file_name=name).count(),
        )

    def test_in_english_the_workbook_gives_the_english_reasons(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        rows = self.download(self.admin)
        self.assertEqual(rows[0][0], f"Quarantine of period {PERIOD}")
        self.assertEqual(
            rows[3],
            ("File", "Sheet", "Row", "Column", "Value in the file", "Scope", "Reason code",
             "Reason"),
        )  # fmt: skip
        english = dict(
            QuarantineRow.objects.filter(publication=self.publication).values_list(
                "reason_code", "reason_en"
            )
        )
        self.assertEqual({r[7] for r in rows[4:]}, {english[r[6]] for r in rows[4:]})
