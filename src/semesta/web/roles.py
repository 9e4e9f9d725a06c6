"""Who may do what: the seven roles, their permissions and the purposes they may declare.

The matrix is data, read by the views (``@requires(...)``), the navigation and the tests. An
account also has a region (kabupaten, kecamatan or desa code) and sees nothing outside it; that
is :mod:`semesta.web.scope`. NIK and KK are shown only to roles with ``see_nik`` (the ones that
act on a person in another register: Dinsos verification, desa population updates, BPJS
registration, and the administrator); everyone else sees them masked, on pages and in exports.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN_DINKES = "admin_dinkes", _("Admin Dinkes")
    ANALIS_DINKES = "analis_dinkes", _("Analis Dinkes")
    VERIFIKATOR_DINSOS = "verifikator_dinsos", _("Verifikator Dinsos")
    OPERATOR_DESA = "operator_desa", _("Operator Desa")
    PETUGAS_PUSKESMAS = "petugas_puskesmas", _("Petugas Puskesmas")
    PENGHUBUNG_BPJS = "penghubung_bpjs", _("Penghubung BPJS")
    PIMPINAN = "pimpinan", _("Pimpinan (baca saja)")


class Perm(models.TextChoices):
    VIEW_DASHBOARD = "view_dashboard", _("Lihat dasbor UHC")
    VIEW_FINDINGS = "view_findings", _("Lihat daftar temuan dan tindakan")
    VIEW_PERSON = "view_person", _("Lihat data perorangan")
    SEE_NIK = "see_nik", _("Lihat NIK/KK tanpa samaran")
    EXPORT_PERSONAL = "export_personal", _("Unduh data perorangan (Excel)")
    UPLOAD = "upload", _("Unggah ekspor dan jalankan pengolahan")
    VIEW_BUDGET = "view_budget", _("Lihat sasaran dan anggaran")
    STATUS_CHECK = "status_check", _("Cek status kepesertaan")
    READ_AUDIT = "read_audit", _("Baca log audit")
    MANAGE_USERS = "manage_users", _("Kelola akun")


P = Perm
PERMISSIONS: dict = {  # role → permissions (TextChoices members are str at run time)
    Role.ADMIN_DINKES: frozenset(Perm.values),
    Role.ANALIS_DINKES: frozenset(
        {
            P.VIEW_DASHBOARD,
            P.VIEW_FINDINGS,
            P.VIEW_PERSON,
            P.EXPORT_PERSONAL,
            P.UPLOAD,
            P.VIEW_BUDGET,
            P.STATUS_CHECK,
        }
    ),
    Role.VERIFIKATOR_DINSOS: frozenset(
        {
            P.VIEW_DASHBOARD,
            P.VIEW_FINDINGS,
            P.VIEW_PERSON,
            P.SEE_NIK,
            P.EXPORT_PERSONAL,
            P.VIEW_BUDGET,
            P.STATUS_CHECK,
        }
    ),
    Role.OPERATOR_DESA: frozenset(
        {
            P.VIEW_DASHBOARD,
            P.VIEW_FINDINGS,
            P.VIEW_PERSON,
            P.SEE_NIK,
            P.EXPORT_PERSONAL,
            P.STATUS_CHECK,
        }
    ),
    Role.PETUGAS_PUSKESMAS: frozenset({P.VIEW_DASHBOARD, P.STATUS_CHECK}),
    Role.PENGHUBUNG_BPJS: frozenset(
        {
            P.VIEW_DASHBOARD,
            P.VIEW_FINDINGS,
            P.VIEW_PERSON,
            P.SEE_NIK,
            P.EXPORT_PERSONAL,
            P.STATUS_CHECK,
        }
    ),
    # Read only, and aggregates only: leaders decide on numbers, not on persons.
    Role.PIMPINAN: frozenset({P.VIEW_DASHBOARD, P.VIEW_FINDINGS, P.VIEW_BUDGET}),
}


def allowed(role: str, perm: str) -> bool:
    return perm in PERMISSIONS.get(role, frozenset())


class Purpose(models.TextChoices):
    """Why personal data is opened (UU 27/2022 PDP: processing limited to its purpose; reference
    §7). Declared once per session and written on every audit record."""

    PELAYANAN = "pelayanan", _("Pelayanan kesehatan (cek status pasien)")
    VERIFIKASI = "verifikasi", _("Verifikasi dan validasi data")
    PENDAFTARAN = "pendaftaran", _("Pendaftaran/mutasi peserta JKN")
    PEMUTAKHIRAN = "pemutakhiran", _("Pemutakhiran data kependudukan desa")
    PERENCANAAN = "perencanaan", _("Perencanaan sasaran dan anggaran")
    PENGAWASAN = "pengawasan", _("Pengawasan dan audit")


PURPOSES: dict = {
    Role.ADMIN_DINKES: tuple(Purpose.values),
    Role.ANALIS_DINKES: (Purpose.VERIFIKASI, Purpose.PERENCANAAN, Purpose.PELAYANAN),
    Role.VERIFIKATOR_DINSOS: (Purpose.VERIFIKASI, Purpose.PENDAFTARAN, Purpose.PELAYANAN),
    Role.OPERATOR_DESA: (Purpose.PEMUTAKHIRAN, Purpose.VERIFIKASI, Purpose.PELAYANAN),
    Role.PETUGAS_PUSKESMAS: (Purpose.PELAYANAN,),
    Role.PENGHUBUNG_BPJS: (Purpose.PENDAFTARAN, Purpose.VERIFIKASI, Purpose.PELAYANAN),
    Role.PIMPINAN: (Purpose.PENGAWASAN,),
}

# Offices that act on findings; a role sees every finding in its region, and its own office's
# actions first in the action list.
OFFICE_OF_ROLE = {
    Role.ADMIN_DINKES: "dinkes",
    Role.ANALIS_DINKES: "dinkes",
    Role.VERIFIKATOR_DINSOS: "dinsos",
    Role.OPERATOR_DESA: "desa",
    Role.PETUGAS_PUSKESMAS: "puskesmas",
    Role.PENGHUBUNG_BPJS: "bpjs",
    Role.PIMPINAN: "",
}
