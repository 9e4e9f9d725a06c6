"""What every page's frame needs: the menu the account may use and its region."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from semesta.web.roles import Perm, Purpose

MENU = (
    ("dashboard", _("Dasbor UHC"), Perm.VIEW_DASHBOARD),
    ("findings", _("Temuan"), Perm.VIEW_FINDINGS),
    ("actions", _("Tindakan"), Perm.VIEW_FINDINGS),
    ("targeting", _("Sasaran"), Perm.VIEW_BUDGET),
    ("budget", _("Anggaran"), Perm.VIEW_BUDGET),
    ("status_check", _("Cek status"), Perm.STATUS_CHECK),
    ("upload", _("Unggah"), Perm.UPLOAD),
    ("audit", _("Audit"), Perm.READ_AUDIT),
    ("users", _("Akun"), Perm.MANAGE_USERS),
)


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    purpose = request.session.get("purpose", "")
    return {
        "menu": [(name, label) for name, label, perm in MENU if user.can(perm)],
        "current_purpose": Purpose(purpose).label if purpose in Purpose.values else "",
        "active_menu": getattr(request.resolver_match, "url_name", "") or "",
    }
