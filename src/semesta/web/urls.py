"""URL map. Paths are Indonesian, like the pages; a NIK never appears in a path or a query."""

from django.urls import include, path, re_path

from semesta.web.views import (
    accounts,
    admin,
    api,
    budget,
    dashboard,
    findings,
    person,
    status,
    upload,
)

urlpatterns = [
    path("", accounts.home, name="home"),
    path("masuk/", accounts.login_view, name="login"),
    path("keluar/", accounts.logout_view, name="logout"),
    path("tujuan/", accounts.purpose, name="purpose"),
    path("healthz", accounts.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tentang/", admin.about, name="about"),
    path("dasbor/", dashboard.dashboard, name="dashboard"),
    path("dasbor/<str:code>/", dashboard.dashboard, name="dashboard_region"),
    path("temuan/", findings.findings, name="findings"),
    path("temuan/unduh.xlsx", findings.findings_xlsx, name="findings_xlsx"),
    path("tindakan/", findings.actions, name="actions"),
    path("orang/<str:ref>/", person.person, name="person"),
    path("sasaran/", budget.targeting, name="targeting"),
    path("anggaran/", budget.budget, name="budget"),
    path("anggaran/tagihan/", budget.invoice, name="invoice"),
    path("anggaran/rencana/", budget.planner, name="planner"),
    path("cek-status/", status.status_check, name="status_check"),
    path("unggah/", upload.upload, name="upload"),
    path("unggah/<int:pk>/", upload.job, name="job"),
    path("unggah/<int:pk>/status", upload.job_status, name="job_status"),
    path("akuntansi/", upload.accounting, name="accounting"),
    path("akuntansi/karantina.xlsx", upload.quarantine_xlsx, name="quarantine_xlsx"),
    path("audit/", admin.audit_log, name="audit"),
    path("audit/unduh.xlsx", admin.audit_xlsx, name="audit_xlsx"),
    path("akun/", admin.users, name="users"),
    path("akun/baru/", admin.user_edit, name="user_new"),
    path("akun/<int:pk>/", admin.user_edit, name="user_edit"),
    path("token/", admin.tokens, name="tokens"),
    path("api/v1/status", api.status_check, name="api_status"),
    path("api/v1/indikator", api.indicators, name="api_indicators"),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
    path("api/", api.docs, name="api_docs"),
    # Static files come from the package itself: an office server needs no web server in front.
    re_path(r"^static/(?P<path>.*)$", accounts.static),
]

handler403 = "semesta.web.views.errors.forbidden"
handler404 = "semesta.web.views.errors.not_found"
handler500 = "semesta.web.views.errors.server_error"
