"""Logins, failed logins and logouts go to the audit log and the rate limit."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from semesta.web import audit, ratelimit
from semesta.web.audit import client_ip
from semesta.web.models import AuditEvent, User


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    ratelimit.note(user.username, client_ip(request) if request else None, True)
    audit.record(request, AuditEvent.Action.LOGIN, user=user, purpose="")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))
    ratelimit.note(username, client_ip(request) if request else None, False)
    known = User.objects.filter(username=username).values_list("region_code", flat=True).first()
    audit.record(
        request,
        AuditEvent.Action.LOGIN_FAILED,
        username=ratelimit.key(username),
        region_code=known or "",
        purpose="",
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.record(request, AuditEvent.Action.LOGOUT, user=user, purpose="")
