"""The administrator's pages (accounts, audit log), API tokens for every account, and the about
page with the licences of the vendored assets."""

from __future__ import annotations

import hashlib
import secrets

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from semesta.core.regions import canonical_code, regions
from semesta.excel import Column, Sheet
from semesta.web import audit
from semesta.web.access import requires
from semesta.web.exports import xlsx_response
from semesta.web.models import ApiToken, AuditEvent, User
from semesta.web.roles import PERMISSIONS, PURPOSES, Perm, Purpose, Role
from semesta.web.scope import scope_of


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    """What the app is, the role matrix, and the attribution of everything vendored."""
    matrix = [
        (Role(role).label, [perm in PERMISSIONS[role] for perm in Perm.values])
        for role in Role.values
    ]
    return render(
        request,
        "web/about.html",
        {"matrix": matrix, "perms": [Perm(p).label for p in Perm.values]},
    )


# --- audit log -------------------------------------------------------------------------------


def _audit_rows(request: HttpRequest):
    """Audit rows of accounts inside the administrator's region (and failed logins, which have
    no account, for kabupaten administrators)."""
    scope = scope_of(request.user)
    rows = AuditEvent.objects.filter(region_code__startswith=scope.code)
    if scope.level == "kabupaten":
        rows = AuditEvent.objects.filter(Q(region_code__startswith=scope.code) | Q(region_code=""))
    action = request.GET.get("aksi", "")
    username = request.GET.get("pengguna", "")
    if action:
        rows = rows.filter(action=action)
    if username:
        rows = rows.filter(username=username)
    return rows, {"aksi": action, "pengguna": username}


@require_GET
@requires(Perm.READ_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    rows, chosen = _audit_rows(request)
    page = Paginator(rows, 100).get_page(request.GET.get("halaman"))
    return render(
        request,
        "web/audit.html",
        {
            "page": page,
            "chosen": chosen,
            "actions": AuditEvent.Action.choices,
            "usernames": rows.order_by("username").values_list("username", flat=True).distinct(),
        },
    )


@require_GET
@requires(Perm.READ_AUDIT)
def audit_xlsx(request: HttpRequest) -> HttpResponse:
    rows, _chosen = _audit_rows(request)
    columns = [
        Column(gettext("Waktu"), width=20),
        Column(gettext("Pengguna"), width=18),
        Column(gettext("Peran"), width=18),
        Column(gettext("Wilayah"), width=14),
        Column(gettext("Aksi"), width=16),
        Column(gettext("Tujuan"), width=16),
        Column(gettext("Subjek"), width=36),
        Column(gettext("Rincian"), width=40),
        Column(gettext("Periode"), width=9),
        Column(gettext("Lewat"), width=6),
        Column("IP", width=15),
    ]
    data = (
        (
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.username,
            e.role,
            canonical_code(e.region_code) or e.region_code,
            e.action,
            e.purpose,
            e.subject,
            e.detail,
            e.period,
            e.via,
            e.ip or "",
        )
        for e in rows.iterator(chunk_size=5000)
    )
    return xlsx_response(
        "audit.xlsx",
        [Sheet(name="Audit", title=gettext("Log audit Semesta"), columns=columns, rows=data)],
    )


# --- accounts --------------------------------------------------------------------------------


class UserForm(forms.ModelForm):
    region_code = forms.CharField(
        label=_("Wilayah"),
        max_length=16,
        help_text=_("Kode kabupaten, kecamatan atau desa Kemendagri, mis. 62.02.01"),
    )
    password = forms.CharField(
        label=_("Kata sandi baru"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        help_text=_("Kosongkan untuk tidak mengubah kata sandi."),
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "role", "region_code", "unit", "is_active"]

    def __init__(self, *args, admin: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.admin = admin
        self.fields["region_code"].widget.attrs["placeholder"] = "62.02.01"

    def clean_region_code(self) -> str:
        code = (canonical_code(self.cleaned_data["region_code"]) or "").replace(".", "")
        if len(code) not in (4, 6, 10) or regions().get(code) is None:
            raise forms.ValidationError(
                _(
                    "Kode wilayah tidak dikenal: tulis kode kabupaten, kecamatan atau desa "
                    "Kemendagri."
                )
            )
        if not scope_of(self.admin).contains(code):
            raise forms.ValidationError(_("Wilayah ini di luar wilayah akun Anda."))
        return code

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("password"):
            self.add_error("password", _("Akun baru memerlukan kata sandi."))
        if data.get("password"):
            from django.contrib.auth.password_validation import validate_password

            try:
                validate_password(data["password"], self.instance)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        if self.cleaned_data.get("password"):
            user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


@require_GET
@requires(Perm.MANAGE_USERS)
def users(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    accounts = User.objects.filter(region_code__startswith=scope.code).order_by("role", "username")
    return render(request, "web/users.html", {"accounts": accounts})


@require_http_methods(["GET", "POST"])
@requires(Perm.MANAGE_USERS)
def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = scope_of(request.user)
    account = get_object_or_404(User, pk=pk) if pk else None
    if account is not None and not scope.contains(account.region_code):
        raise PermissionDenied
    form = UserForm(request.POST or None, instance=account, admin=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        audit.record(
            request,
            AuditEvent.Action.ACCOUNT,
            subject=saved.username,
            detail=f"{saved.role} {saved.region_code} aktif={saved.is_active}"
            + (" kata sandi diubah" if form.cleaned_data.get("password") else ""),
            purpose="",
        )
        return redirect("users")
    return render(request, "web/user_edit.html", {"form": form, "account": account})


# --- API tokens ------------------------------------------------------------------------------


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Nama sistem pemakai (mis. SIMPUS Kota Besi)"), max_length=80)
    purpose = forms.ChoiceField(label=_("Tujuan"))

    def __init__(self, *args, purposes: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [(p, Purpose(p).label) for p in purposes]


def new_token(user: User, name: str, purpose: str) -> tuple[ApiToken, str]:
    """A token for ``user``: the secret is returned once; only its SHA-256 is stored."""
    secret = "smt_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[4:12],
        key_hash=hashlib.sha256(secret.encode()).hexdigest(),
        purpose=purpose,
    )
    return token, secret


@require_http_methods(["GET", "POST"])
@requires(Perm.VIEW_DASHBOARD)
def tokens(request: HttpRequest) -> HttpResponse:
    """Each account manages its own tokens (a token acts with the account's role and region)."""
    form = TokenForm(request.POST or None, purposes=PURPOSES.get(request.user.role, ()))
    secret = None
    if request.method == "POST" and request.POST.get("revoke"):
        token = get_object_or_404(ApiToken, pk=request.POST["revoke"], user=request.user)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            request, AuditEvent.Action.TOKEN, subject=token.prefix, detail="dicabut", purpose=""
        )
        return redirect("tokens")
    if request.method == "POST" and form.is_valid():
        token, secret = new_token(
            request.user, form.cleaned_data["name"], form.cleaned_data["purpose"]
        )
        audit.record(
            request,
            AuditEvent.Action.TOKEN,
            subject=token.prefix,
            detail=f"dibuat: {token.name}",
            purpose=token.purpose,
        )
        form = TokenForm(purposes=PURPOSES.get(request.user.role, ()))
    return render(
        request,
        "web/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"),
        },
    )
