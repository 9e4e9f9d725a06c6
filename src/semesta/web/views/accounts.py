"""Sign in (rate limited), sign out, the declared purpose, the landing page, the health check."""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from semesta.web import ratelimit
from semesta.web.audit import client_ip
from semesta.web.roles import Purpose, Role


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Nama pengguna atau kata sandi salah."),
        "rate_limited": _(
            "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(minutes)s menit."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        wait = ratelimit.minutes_locked(username, client_ip(self.request))
        if wait:
            raise ValidationError(
                self.error_messages["rate_limited"], code="rate_limited", params={"minutes": wait}
            )
        return super().clean()


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from django.conf import settings

        context = super().get_context_data(**kwargs)
        context.update(
            {
                "session_minutes": settings.SEMESTA_SESSION_MINUTES,
                "failures": settings.SEMESTA_LOGIN_FAILURES,
                "window_minutes": settings.SEMESTA_LOGIN_WINDOW_MINUTES,
            }
        )
        return context


login_view = LoginView.as_view()
logout_view = auth_views.LogoutView.as_view()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands where its work is."""
    if request.user.role == Role.PETUGAS_PUSKESMAS:
        return redirect("status_check")
    return redirect("dashboard")


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Tujuan akses"), widget=forms.RadioSelect)

    def __init__(self, *args, purposes: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [(p, Purpose(p).label) for p in purposes]
        if len(purposes) == 1:
            self.fields["purpose"].initial = purposes[0]


@login_required
def purpose(request: HttpRequest) -> HttpResponse:
    """Declare why personal data is opened; written on every audit record of the session."""
    target = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = ""
    form = PurposeForm(request.POST or None, purposes=request.user.purposes)
    if request.method == "POST" and form.is_valid():
        request.session["purpose"] = form.cleaned_data["purpose"]
        return redirect(target or "home")
    return render(request, "web/purpose.html", {"form": form, "next": target})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for the office's monitoring (no data, no login)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


def static(request: HttpRequest, path: str) -> HttpResponse:
    """The package's own static files (vendored assets included), cacheable for an hour."""
    from django.conf import settings
    from django.views.static import serve

    response = serve(request, path, document_root=settings.STATIC_ROOT)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
