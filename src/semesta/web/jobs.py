"""Long jobs: upload → ingest → reconcile → UHC → eligibility → publish, outside the request.

A page creates a :class:`~semesta.web.models.Job` (status *queued*) and starts a job process
(``python -m semesta.web.worker``); the page then polls the job's progress, which the process
writes into the database. The job process is the workspace's only DuckDB writer: it takes an
exclusive lock file first, so two uploads at once run one after the other; a job process that
finds a job still marked *running* while it holds the lock knows that job's process died and
marks it failed. A process, not a thread: ingestion parses spreadsheets in Python and would
hold the web server's GIL for minutes; a crash or an out-of-memory kill ends the job, not the
server.

Stages whose pipeline module is not installed yet are skipped with a note, so the app works as
each pipeline issue lands.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from semesta.core.text import Bilingual, SemestaError
from semesta.pipeline.workspace import Workspace
from semesta.web.models import Job
from semesta.web.privacy import redact

log = logging.getLogger("semesta.web.jobs")

# Share of the progress bar each stage takes (ingest is the long one).
_SPAN = {
    "ingest": (0, 50),
    "reconcile": (50, 80),
    "uhc": (80, 86),
    "eligibility": (86, 90),
    "publish": (90, 100),
}
STAGE_NAMES = {
    "ingest": Bilingual("Memuat berkas", "Ingesting files"),
    "reconcile": Bilingual("Memadankan register dan mencari anomali", "Reconciling registers"),
    "uhc": Bilingual("Menghitung indikator UHC", "Computing UHC indicators"),
    "eligibility": Bilingual("Menilai kelayakan PBPU-BP Pemda", "Assessing Pemda eligibility"),
    "publish": Bilingual("Menerbitkan hasil ke aplikasi", "Publishing results to the app"),
}


def data_dir() -> Path:
    return Path(settings.SEMESTA_DATA_DIR)


def workspace() -> Workspace:
    return Workspace(Path(settings.SEMESTA_WORKSPACE))


# --- starting --------------------------------------------------------------------------------


def launch() -> None:
    """Run the queued jobs: in a job process (production) or right here (``inline``, tests)."""
    if settings.SEMESTA_JOB_RUNNER == "inline":
        run_queued()
        return
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE")
            or settings.SETTINGS_MODULE
            or "semesta.web.settings",
            "SEMESTA_SECRET_KEY": settings.SECRET_KEY,
            "SEMESTA_DATA_DIR": str(folder),
            "SEMESTA_WORKSPACE": str(settings.SEMESTA_WORKSPACE),
            # The very database this process uses (in tests: the test database).
            "SEMESTA_DB_NAME": str(connection.settings_dict["NAME"]),
        }
    )
    with (folder / "jobs.log").open("ab") as out:
        subprocess.Popen(
            [sys.executable, "-m", "semesta.web.worker"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (waits for the other job process to finish)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        if os.name == "nt":  # pragma: no cover - Windows office PCs
            import msvcrt

            while True:
                try:
                    lock = getattr(msvcrt, "locking")  # noqa: B009 - Windows only
                    lock(handle.fileno(), getattr(msvcrt, "LK_LOCK"), 1)  # noqa: B009
                    break
                except OSError:
                    time.sleep(1)
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def run_queued() -> int:
    """Run every queued job, oldest first, one at a time; returns how many ran."""
    ran = 0
    with _exclusive(data_dir() / "jobs.lock"):
        interrupted = Job.objects.filter(status=Job.Status.RUNNING)
        for job in interrupted:
            _fail(
                job,
                Bilingual(
                    "Proses pekerjaan berhenti sebelum selesai (server dimatikan?). Unggah ulang.",
                    "The job process stopped before finishing (server shut down?). Upload again.",
                ),
            )
        while True:
            job = Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at", "pk").first()
            if job is None:
                return ran
            claimed = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
                status=Job.Status.RUNNING, started_at=timezone.now(), percent=0
            )
            if claimed:
                job.refresh_from_db()
                run(job)
                ran += 1


# --- running -----------------------------------------------------------------------------------


class Reporter:
    """Writes a stage's progress into the job row, at most twice a second."""

    def __init__(self, job: Job):
        self.job = job
        self.stage = ""
        self.last = 0.0

    def enter(self, stage: str) -> None:
        self.stage = stage
        low, _ = _SPAN[stage]
        text = STAGE_NAMES[stage]
        Job.objects.filter(pk=self.job.pk).update(
            stage=stage, percent=low, message=f"{text.id} / {text.en}"[:300]
        )
        self.last = time.monotonic()

    def __call__(self, message: str) -> None:
        now = time.monotonic()
        if now - self.last < 0.5:
            return
        self.last = now
        low, high = _SPAN[self.stage]
        current = Job.objects.filter(pk=self.job.pk).values_list("percent", flat=True).first()
        step = min(high - 1, max(low, (current or low) + 1))
        Job.objects.filter(pk=self.job.pk).update(message=redact(message)[:300], percent=step)


def run(job: Job) -> None:
    """Run one claimed job to the end; every outcome is written into the job row."""
    report = Reporter(job)
    steps: list[dict] = []
    try:
        report.enter("ingest")
        from semesta.pipeline.ingest import ingest

        result = ingest(
            Path(job.folder), job.period, workspace(), replace=job.replace, progress=report
        )
        document = result.as_dict()
        Job.objects.filter(pk=job.pk).update(report=document)
        steps.append(_step("ingest", "done"))
        uploader = job.created_by.region_code[:4] if job.created_by else None
        later, publication = process_period(workspace(), job.period, report, uploader)
        steps.extend(later)
        job.refresh_from_db()
        job.steps = steps
        job.publication = publication
        job.status = Job.Status.DONE
        job.percent = 100
        job.message = ""
        job.finished_at = timezone.now()
        job.save()
    except SemestaError as error:
        steps.append(_step(report.stage, "failed", error.message))
        Job.objects.filter(pk=job.pk).update(steps=steps)
        _fail(job, error.message)
    except Exception as error:  # reported to the user without the data values it may quote
        log.error("job %s failed: %s", job.pk, redact(traceback.format_exc()))
        message = Bilingual(
            f"Kesalahan tak terduga pada tahap {report.stage}: {type(error).__name__}. "
            "Rinciannya ada di jobs.log; laporkan ke pengelola Semesta.",
            f"Unexpected error in stage {report.stage}: {type(error).__name__}. Details are in "
            "jobs.log; please report it.",
        )
        steps.append(_step(report.stage, "failed", message))
        Job.objects.filter(pk=job.pk).update(steps=steps)
        _fail(job, message)
    finally:
        # The exports hold personal data: once ingested they live in the workspace only.
        if job.folder:
            shutil.rmtree(job.folder, ignore_errors=True)


def _step(stage: str, status: str, message: Bilingual | None = None) -> dict:
    return {
        "stage": stage,
        "status": status,
        "name": STAGE_NAMES.get(stage, Bilingual(stage, stage)).as_dict(),
        "message": message.as_dict() if message else None,
    }


def _fail(job: Job, message: Bilingual) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED,
        error=message.as_dict(),
        finished_at=timezone.now(),
        message="",
    )


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _has_registers(place: Workspace, period: str) -> bool:
    """Reconciliation needs both the population register and the BPJS list of the period."""
    db = place.connect(read_only=True)
    try:
        layouts = {
            row[0]
            for row in db.execute(
                "SELECT DISTINCT layout FROM files WHERE period = ?", [period]
            ).fetchall()
        }
    finally:
        db.close()
    return {"dkb", "bpjs_peserta"} <= layouts


def process_period(
    place: Workspace,
    period: str,
    report: Callable[[str], None] | Reporter | None = None,
    kabupaten: str | None = None,
):
    """Run the later stages for ``period`` (those installed and possible), then publish.

    Returns the steps (what ran, what was skipped and why) and the new publication. Used by the
    upload job and by ``semesta demo`` / ``semesta web publish``. Each stage opens the
    workspace itself and closes it; what a stage returns is handed to the publication
    (``kabupaten``: the uploader's, for a period the workspace cannot place yet).
    """
    from semesta.web.publish import publish

    say = report if report is not None else (lambda message: None)
    enter = report.enter if isinstance(report, Reporter) else (lambda stage: None)
    steps: list[dict] = []
    results: dict[str, dict] = {}
    ready = _has_registers(place, period)
    stages = (
        ("reconcile", "semesta.pipeline.anomalies", _reconcile_stage),
        ("uhc", "semesta.pipeline.uhc", _uhc_stage),
        ("eligibility", "semesta.pipeline.eligibility", _eligibility_stage),
    )
    for stage, module, run_stage in stages:
        if not ready:
            steps.append(_step(stage, "skipped", _WAITING))
            continue
        if not _installed(module):
            steps.append(_step(stage, "skipped", _NOT_INSTALLED))
            continue
        if stage == "reconcile" and _reconciled_since_ingest(place, period):
            steps.append(_step(stage, "done", _UP_TO_DATE))
            continue
        enter(stage)
        results[stage] = run_stage(place, period, say)
        steps.append(_step(stage, "done"))
    enter("publish")
    publication = publish(place, period, progress=say, results=results, kabupaten=kabupaten)
    steps.append(_step("publish", "done"))
    return steps, publication


_WAITING = Bilingual(
    "Menunggu DKB dan daftar peserta BPJS periode ini; unggah keduanya untuk memadankan.",
    "Waiting for this period's DKB and BPJS membership list; upload both to reconcile.",
)
_NOT_INSTALLED = Bilingual("Modul belum terpasang.", "Module not installed.")
_UP_TO_DATE = Bilingual(
    "Sudah dipadankan setelah pemuatan terakhir; tidak diulang.",
    "Already reconciled after the latest ingest; not repeated.",
)


def _reconciled_since_ingest(place: Workspace, period: str) -> bool:
    """Whether the period's linkage and findings are newer than its latest ingested file."""
    db = place.connect(read_only=True)
    try:
        tables = {r[0] for r in db.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if not {"link_run", "finding", "files"} <= tables:
            return False
        linked = db.execute(
            "SELECT max(linked_at) FROM link_run WHERE period = ?", [period]
        ).fetchall()[0][0]
        ingested = db.execute(
            "SELECT max(ingested_at) FROM files WHERE period = ?", [period]
        ).fetchall()[0][0]
    finally:
        db.close()
    return linked is not None and ingested is not None and linked >= ingested


def _reconcile_stage(place: Workspace, period: str, say) -> dict:
    """Link the registers and find the anomalies (reconciliation issue)."""
    from semesta.pipeline.anomalies import reconcile

    return reconcile(place, period, progress=say).as_dict()


def _uhc_stage(place: Workspace, period: str, say) -> dict:
    """Aggregate and classify every area (UHC issue): status, award, gaps, levers."""
    from semesta.pipeline import uhc

    return uhc.report_dict(uhc.report(place, period, progress=say))


def _eligibility_stage(place: Workspace, period: str, say) -> dict:
    """Decide eligibility for PBPU-BP Pemda, the budget figures and the invoice check
    (budget issue)."""
    from semesta.pipeline import eligibility as pe

    decided = pe.decide(place, period, progress=say)
    result: dict = {
        "report": decided.as_dict(),
        "figures": pe.workspace_figures(place, period).as_dict(),
        "invoice": None,
        "invoice_lines": [],
    }
    db = place.connect(read_only=True)
    try:
        has_invoice = bool(
            db.execute(
                "SELECT count(*) FROM files WHERE period = ? AND layout = 'tagihan'", [period]
            ).fetchall()[0][0]
        )
    finally:
        db.close()
    if has_invoice:
        checked = pe.check_invoice(place, period)
        result["invoice"] = checked.as_dict()
        if checked.file_id is not None:
            result["invoice_lines"] = [
                list(row) for row in pe.invoice_rows(place, period, checked.file_id, "not_accepted")
            ]
    return result
