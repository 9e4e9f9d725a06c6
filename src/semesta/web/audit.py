"""The audit log: one row for every view of a person's record, every status check and every
export of personal data (and logins, account changes, tokens, uploads). The subject is a person
reference or a masked NIK, never a NIK."""

from __future__ import annotations

from django.http import HttpRequest

from semesta.web.models import AuditEvent


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def record(
    request: HttpRequest | None,
    action,
    *,
    user=None,
    subject: str = "",
    detail: str = "",
    period: str = "",
    purpose: str | None = None,
    via: str = "web",
    username: str = "",
    region_code: str = "",
) -> AuditEvent:
    """Write one audit row for the request's user (or ``user``) and declared purpose."""
    user = user if user is not None else getattr(request, "user", None)
    known = user if user is not None and user.is_authenticated else None
    if purpose is None and request is not None and hasattr(request, "session"):
        purpose = request.session.get("purpose", "")
    return AuditEvent.objects.create(
        user=known,
        username=known.username if known else username,
        role=known.role if known else "",
        region_code=known.region_code if known else region_code,
        action=action,
        purpose=purpose or "",
        subject=subject[:200],
        detail=detail,
        period=period,
        via=via,
        ip=client_ip(request) if request is not None else None,
    )
