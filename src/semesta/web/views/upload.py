"""Upload of each export, the job's progress, the accounting and the quarantine download."""

from __future__ import annotations

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from semesta.excel import Column, Sheet
from semesta.web import audit, jobs
from semesta.web.access import requires
from semesta.web.exports import xlsx_response
from semesta.web.models import AuditEvent, FileAccount, Job, QuarantineRow
from semesta.web.privacy import redact
from semesta.web.roles import Perm
from semesta.web.scope import periods_for, publication_for

PERIOD = re.compile(r"^20\d\d-(0[1-9]|1[0-2])$")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._ ()-]")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    period = forms.RegexField(
        PERIOD,
        label=_("Periode data (tahun-bulan)"),
        error_messages={"invalid": _("Tulis periode sebagai tahun-bulan, misalnya 2025-06.")},
        widget=forms.TextInput(attrs={"placeholder": "2025-06", "inputmode": "numeric"}),
    )
    files = MultipleFileField(
        label=_(
            "Berkas ekspor (DKB, peserta BPJS, DTSEN, ASN/P3K, perangkat desa, pekerja "
            "badan usaha, kematian, tagihan PBPU-BP Pemda)"
        )
    )
    replace = forms.BooleanField(
        label=_("Ganti berkas bernama sama yang sudah diunggah untuk periode ini"), required=False
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = settings.SEMESTA_MAX_UPLOAD_MB * 1024 * 1024
        names = set()
        for upload in files:
            name = Path(upload.name).name
            if not name or name.startswith(".") or SAFE_NAME.sub("_", name) in names:
                raise forms.ValidationError(
                    _("Nama berkas tidak sah atau ganda: %(name)s"), params={"name": name}
                )
            if upload.size > limit:
                raise forms.ValidationError(
                    _("%(name)s lebih besar dari batas %(limit)s MB."),
                    params={"name": name, "limit": settings.SEMESTA_MAX_UPLOAD_MB},
                )
            names.add(SAFE_NAME.sub("_", name))
        return files


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _kabupaten_only(request: HttpRequest) -> None:
    """Uploads replace the whole kabupaten's data: kabupaten accounts only."""
    if request.user.region_level != "kabupaten":
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@requires(Perm.UPLOAD)
def upload(request: HttpRequest) -> HttpResponse:
    _kabupaten_only(request)
    latest = publication_for(request)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"period": latest.period if latest else ""},
    )
    if request.method == "POST":
        if not form.is_valid():
            if _wants_json(request):
                return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
            return render(request, "web/upload.html", _context(request, form), status=400)
        job = _create_job(request, form.cleaned_data)
        jobs.launch()
        url = reverse("job", args=[job.pk])
        if _wants_json(request):
            return JsonResponse({"job": job.pk, "url": url}, status=202)
        return redirect(url)
    return render(request, "web/upload.html", _context(request, form))


def _context(request: HttpRequest, form: UploadForm) -> dict:
    kabupaten = request.user.region_code[:4]
    jobs_here = Job.objects.select_related("created_by").filter(
        created_by__region_code__startswith=kabupaten
    )
    return {"form": form, "jobs": jobs_here[:20]}


def _create_job(request: HttpRequest, data: dict) -> Job:
    job = Job.objects.create(
        period=data["period"], replace=data["replace"], created_by=request.user, folder=""
    )
    folder = Path(settings.SEMESTA_DATA_DIR) / "unggahan" / f"{job.pk:06d}"
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for upload in data["files"]:
        name = SAFE_NAME.sub("_", Path(upload.name).name)
        with (folder / name).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        saved.append({"name": name, "size": upload.size})
    job.folder, job.files = str(folder), saved
    job.save(update_fields=["folder", "files"])
    audit.record(
        request,
        AuditEvent.Action.UPLOAD,
        subject=", ".join(f["name"] for f in saved)[:200],
        detail=f"job {job.pk}",
        period=job.period,
        purpose="",
    )
    return job


def _own_job(request: HttpRequest, pk: int) -> Job:
    """A job of the account's kabupaten (started by one of its accounts)."""
    _kabupaten_only(request)
    return get_object_or_404(
        Job, pk=pk, created_by__region_code__startswith=request.user.region_code[:4]
    )


@require_GET
@requires(Perm.UPLOAD)
def job(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_job(request, pk)
    report = item.report or {}
    for entry in report.get("files", []):
        entry["repaired_total"] = sum((entry.get("values_repaired") or {}).values())
        entry["rejected_total"] = sum((entry.get("values_rejected") or {}).values())
    return render(
        request,
        "web/job.html",
        {
            "job": item,
            "report": report,
            "files": report.get("files", []),
            "totals": report.get("totals"),
            "has_quarantine": any(
                f.get("rows_quarantined") or f.get("values_rejected")
                for f in report.get("files", [])
            ),
        },
    )


@require_GET
@requires(Perm.UPLOAD)
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    item = _own_job(request, pk)
    return JsonResponse(
        {
            "status": item.status,
            "status_label": str(item.get_status_display()),
            "percent": item.percent,
            "stage": item.stage,
            "message": item.message,
            "finished": item.finished,
        }
    )


@require_GET
@requires(Perm.UPLOAD)
def accounting(request: HttpRequest) -> HttpResponse:
    """Every file of a period: rows read = rows ingested + rows quarantined."""
    _kabupaten_only(request)
    period = request.GET.get("periode") or ""
    publication = publication_for(request, period or None)
    files = FileAccount.objects.filter(publication=publication) if publication else []
    totals = None
    if publication:
        totals = {
            key: sum(getattr(f, key) for f in files)
            for key in (
                "rows_read",
                "rows_ingested",
                "rows_quarantined",
                "values_repaired",
                "values_rejected",
            )
        }
    return render(
        request,
        "web/accounting.html",
        {
            "publication": publication,
            "files": files,
            "totals": totals,
            "periods": periods_for(request),
        },
    )


@require_GET
@requires(Perm.EXPORT_PERSONAL, purpose=True)
def quarantine_xlsx(request: HttpRequest) -> HttpResponse:
    """The quarantine of a period (or of one file) as Excel; values that look like a NIK or KK
    are masked for roles that do not see them. Audited."""
    if not request.user.can(Perm.UPLOAD):
        raise PermissionDenied
    _kabupaten_only(request)
    publication = publication_for(request)
    if publication is None:
        raise Http404
    rows = QuarantineRow.objects.filter(publication=publication).order_by("file_id", "row_number")
    names = request.GET.getlist("berkas")
    if names:
        rows = rows.filter(file_name__in=names)
    see_nik = request.user.can(Perm.SEE_NIK)
    english = request.LANGUAGE_CODE == "en"
    columns = [
        Column(gettext("Berkas"), width=40),
        Column(gettext("Lembar"), width=12),
        Column(gettext("Baris"), "int"),
        Column(gettext("Kolom"), width=18),
        Column(gettext("Nilai dalam berkas"), width=28),
        Column(pgettext("quarantine scope: row or value", "Cakupan"), width=10),
        Column(gettext("Kode alasan"), width=24),
        Column(gettext("Alasan"), width=60),
    ]
    data = (
        (
            r.file_name,
            r.sheet,
            r.row_number,
            r.column_name,
            r.value if see_nik else redact(r.value),
            r.scope,
            r.reason_code,
            r.reason_en if english else r.reason_id,
        )
        for r in rows.iterator(chunk_size=5000)
    )
    sheet = Sheet(
        name=gettext("Karantina"),
        title=gettext("Karantina periode %(period)s") % {"period": publication.period},
        notes=[
            gettext(
                "Setiap baris atau nilai yang tidak dapat dipakai, dengan alasannya. Perbaiki di "
                "sumbernya lalu unggah ulang dengan pilihan 'ganti'."
            ),
        ],
        columns=columns,
        rows=data,
    )
    audit.record(
        request,
        AuditEvent.Action.EXPORT,
        subject=f"karantina {publication.period}",
        detail=("berkas: " + ", ".join(names))[:500] if names else "semua berkas",
        period=publication.period,
    )
    return xlsx_response(f"karantina-{publication.period}.xlsx", [sheet])
