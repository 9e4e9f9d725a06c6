"""The app's own tables: accounts, audit, login attempts, API tokens, jobs, and the *published*
results of the pipeline that the pages read.

Published data belongs to a :class:`Publication` (one generation of one period's results). A
job writes a new generation in small transactions while the pages still read the previous one,
then makes it current in one short transaction (``completed_at``) and removes the old one: a
page never sees half a publication and a long publish never holds the database lock.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from semesta.core.regions import Region, canonical_code, regions
from semesta.web.roles import PERMISSIONS, PURPOSES, Purpose, Role

LEVEL_BY_LENGTH = {4: "kabupaten", 6: "kecamatan", 10: "desa"}


def region_level(code: str) -> str:
    """``'6202'`` → kabupaten, ``'620201'`` → kecamatan, ``'6202011009'`` → desa."""
    return LEVEL_BY_LENGTH[len(code)]


def region_of(code: str) -> Region | None:
    return regions().get(code) if code else None


class User(AbstractUser):
    """An account: a person with one role, scoped to one region (digits, no dots)."""

    role = models.CharField(_("peran"), max_length=32, choices=Role.choices)
    region_code = models.CharField(
        _("wilayah"),
        max_length=10,
        help_text=_("Kode kabupaten (4 angka), kecamatan (6) atau desa (10)"),
    )
    unit = models.CharField(_("unit kerja"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("akun")

    def can(self, perm: str) -> bool:
        return self.is_active and perm in PERMISSIONS.get(self.role, frozenset())

    @property
    def purposes(self) -> tuple[str, ...]:
        return PURPOSES.get(self.role, ())

    @property
    def region_level(self) -> str:
        return region_level(self.region_code)

    @cached_property
    def region(self) -> Region | None:
        return region_of(self.region_code)

    @property
    def region_dotted(self) -> str:
        return canonical_code(self.region_code) or self.region_code

    @property
    def region_name(self) -> str:
        region = self.region
        return region.name if region else self.region_code


class LoginAttempt(models.Model):
    """One login attempt, for the rate limit (user names only; never a password)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    success = models.BooleanField(default=False)


class AuditEvent(models.Model):
    """Who opened which personal data, when, and for which declared purpose."""

    class Action(models.TextChoices):
        PERSON_VIEW = "person_view", _("Lihat data perorangan")
        STATUS_CHECK = "status_check", _("Cek status")
        EXPORT = "export", _("Unduh data perorangan")
        LOGIN = "login", _("Masuk")
        LOGIN_FAILED = "login_failed", _("Gagal masuk")
        LOGOUT = "logout", _("Keluar")
        ACCOUNT = "account", _("Perubahan akun")
        TOKEN = "token", _("Token API")
        UPLOAD = "upload", _("Unggah ekspor")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=32, blank=True)
    region_code = models.CharField(max_length=10, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, blank=True)
    # What was opened: a person reference, a masked NIK, a file or a list with its filters.
    subject = models.CharField(max_length=200, blank=True)
    detail = models.TextField(blank=True)
    period = models.CharField(max_length=7, blank=True)
    via = models.CharField(max_length=8, default="web")  # web | api | cli
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class ApiToken(models.Model):
    """A token for local systems (SIMPUS, SIK desa): only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(_("nama"), max_length=80)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class Publication(models.Model):
    """One generation of one period's published results."""

    period = models.CharField(max_length=7, db_index=True)
    kabupaten_code = models.CharField(max_length=4, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    workspace = models.CharField(max_length=500, blank=True)
    stages = models.JSONField(default=list)  # what was published: ingest, person, findings, ...
    notes = models.JSONField(default=list)  # Bilingual dicts shown on the pages
    counts = models.JSONField(default=dict)
    extra = models.JSONField(default=dict)  # small results of the later stages (budget, ...)


class Job(models.Model):
    """A long job (upload → ingest → reconcile → UHC → eligibility → publish), run by the job
    process; the page polls its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("menunggu")
        RUNNING = "running", _("berjalan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")

    kind = models.CharField(max_length=20, default="upload")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    period = models.CharField(max_length=7)
    replace = models.BooleanField(default=False)
    folder = models.CharField(max_length=500)
    files = models.JSONField(default=list)  # [{"name", "size"}]
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=300, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)  # the ingest report (IngestReport.as_dict)
    steps = models.JSONField(default=list)  # [{"stage", "status", "message": {id, en}}]
    error = models.JSONField(null=True, blank=True)  # {"id": ..., "en": ...}
    publication = models.ForeignKey(Publication, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class FileAccount(models.Model):
    """Per ingested file: rows read = rows ingested + rows quarantined."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="files")
    file_id = models.IntegerField()
    file_name = models.CharField(max_length=255)
    layout = models.CharField(max_length=40)
    rows_read = models.BigIntegerField()
    rows_ingested = models.BigIntegerField()
    rows_quarantined = models.BigIntegerField()
    values_repaired = models.BigIntegerField()
    values_rejected = models.BigIntegerField()
    ingested_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["file_id"]


class QuarantineRow(models.Model):
    """A held row or value, with its reason in both languages."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE)
    file_id = models.IntegerField()
    file_name = models.CharField(max_length=255)
    sheet = models.CharField(max_length=100, blank=True)
    row_number = models.BigIntegerField()
    column_name = models.CharField(max_length=100, blank=True)
    value = models.TextField(blank=True)
    scope = models.CharField(max_length=8)  # row | value
    reason_code = models.CharField(max_length=60)
    reason_id = models.TextField(blank=True)
    reason_en = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["publication", "file_id"])]


class Person(models.Model):
    """One resolved person of a period (the reconciliation's ``person`` table), with every source
    row side by side in ``sources`` and the status-check facts."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE)
    ref = models.CharField(max_length=20)
    nik_key = models.CharField(max_length=32)
    nik = models.CharField(max_length=16, blank=True)
    no_kk = models.CharField(max_length=16, blank=True)
    nama = models.CharField(max_length=200, blank=True)
    jenis_kelamin = models.CharField(max_length=1, blank=True)
    tanggal_lahir = models.DateField(null=True)
    kode_kabupaten = models.CharField(max_length=4)
    kode_kecamatan = models.CharField(max_length=6, blank=True)
    kode_desa = models.CharField(max_length=10, blank=True)
    in_dkb = models.BooleanField(default=False)
    resident = models.BooleanField(default=False)
    meninggal = models.DateField(null=True)
    pindah = models.DateField(null=True)
    desil = models.SmallIntegerField(null=True)
    formal_worker = models.CharField(max_length=20, blank=True)
    employer = models.CharField(max_length=200, blank=True)
    registered = models.BooleanField(default=False)
    active = models.BooleanField(default=False)
    segmen_kelompok = models.CharField(max_length=20, blank=True)
    kelas = models.SmallIntegerField(null=True)
    status_peserta = models.CharField(max_length=60, blank=True)
    keterangan_status = models.CharField(max_length=200, blank=True)
    kode_faskes = models.CharField(max_length=20, blank=True)
    nama_faskes = models.CharField(max_length=200, blank=True)
    no_kartu = models.CharField(max_length=13, blank=True)
    # Eligibility for PBPU-BP Pemda (the budget issue's rule), None when not computed.
    pemda_eligible = models.BooleanField(null=True)
    eligibility = models.JSONField(null=True)  # {"code", "label": {id, en}, "evidence", "rank"}
    eligibility_rank = models.BigIntegerField(null=True)  # 1 = first to fund
    finding_count = models.IntegerField(default=0)
    sources = models.JSONField(default=dict)  # {layout: [{"file", "row", ...values}]}

    class Meta:
        indexes = [
            models.Index(fields=["publication", "nik_key"]),
            models.Index(fields=["publication", "ref"]),
            models.Index(fields=["publication", "kode_kecamatan"]),
            models.Index(fields=["publication", "kode_desa"]),
        ]


class Finding(models.Model):
    """An anomaly with its rule code, evidence and recommended action (reconciliation issue)."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE)
    rule_code = models.CharField(max_length=60)
    severity = models.CharField(max_length=20, blank=True)
    office = models.CharField(max_length=40, blank=True)
    person_ref = models.CharField(max_length=20, blank=True)
    nama = models.CharField(max_length=200, blank=True)
    nik = models.CharField(max_length=16, blank=True)
    kode_kabupaten = models.CharField(max_length=4)
    kode_kecamatan = models.CharField(max_length=6, blank=True)
    kode_desa = models.CharField(max_length=10, blank=True)
    evidence = models.JSONField(default=dict)
    action_id = models.TextField(blank=True)
    action_en = models.TextField(blank=True)
    monthly_rupiah = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["publication", "rule_code"]),
            models.Index(fields=["publication", "person_ref"]),
            models.Index(fields=["publication", "kode_kecamatan"]),
            models.Index(fields=["publication", "kode_desa"]),
        ]


class RegionStat(models.Model):
    """UHC indicators of one region (kabupaten, kecamatan or desa) for one period."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE)
    period = models.CharField(max_length=7)
    level = models.CharField(max_length=10)
    code = models.CharField(max_length=10)
    parent_code = models.CharField(max_length=10, blank=True)
    name = models.CharField(max_length=120)
    population = models.BigIntegerField()
    registered = models.BigIntegerField()
    active = models.BigIntegerField()
    coverage_pct = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    active_pct = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    pemda_pct = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    segments = models.JSONField(default=dict)  # {group: count}
    detail = models.JSONField(default=dict)  # status, award, gap to target, with reasons

    class Meta:
        indexes = [
            models.Index(fields=["publication", "code"]),
            models.Index(fields=["publication", "parent_code"]),
        ]


class EligibilityCell(models.Model):
    """People grouped by what the eligibility rules test (raw failures, desil, Dinsos letter)
    per desa: the rule preview re-decides each cell with the proposed rules
    (semesta.core.eligibility.apply_rules) instead of every person."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE)
    kode_kabupaten = models.CharField(max_length=4)
    kode_kecamatan = models.CharField(max_length=6, blank=True)
    kode_desa = models.CharField(max_length=10, blank=True)
    fails_raw = models.IntegerField()
    desil = models.SmallIntegerField(null=True)
    rekomendasi = models.BooleanField(default=False)
    eligible = models.BooleanField()
    rule_code = models.CharField(max_length=60)
    persons = models.IntegerField()
    pemda_aktif = models.IntegerField(default=0)
    unregistered = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["publication", "kode_kecamatan"])]


class InvoiceLine(models.Model):
    """A row of the BPJS PBPU-BP Pemda invoice that the Pemda's own list does not accept."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE)
    row_number = models.BigIntegerField()
    finding = models.CharField(max_length=60)
    no_kartu = models.CharField(max_length=13, blank=True)
    nik = models.CharField(max_length=16, blank=True)
    nama = models.CharField(max_length=200, blank=True)
    kelas = models.SmallIntegerField(null=True)
    iuran = models.BigIntegerField(null=True)
    person_ref = models.CharField(max_length=20, blank=True)
    kode_kabupaten = models.CharField(max_length=4)
    kode_kecamatan = models.CharField(max_length=6, blank=True)
    kode_desa = models.CharField(max_length=10, blank=True)
