"""Login rate limit, kept in the database (works the same with one or several server processes):
after SEMESTA_LOGIN_FAILURES failed attempts for a user name within the window (or four times as
many from one address), further attempts are refused until the window has passed."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from semesta.web.models import LoginAttempt


def _window() -> timedelta:
    return timedelta(minutes=settings.SEMESTA_LOGIN_WINDOW_MINUTES)


def key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def minutes_locked(username: str, ip: str | None) -> int:
    """How many minutes this user name (or address) must wait; 0 when it may try."""
    now = timezone.now()
    since = now - _window()
    limit = settings.SEMESTA_LOGIN_FAILURES
    waits = []
    for filters, allowed in (({"username": key(username)}, limit), ({"ip": ip}, limit * 4)):
        if filters.get("ip", "") is None:
            continue
        recent = LoginAttempt.objects.filter(at__gte=since, **filters)
        last_success = recent.filter(success=True).order_by("-at").values_list("at", flat=True)
        if "username" in filters and last_success:
            recent = recent.filter(at__gt=last_success[0])
        failures = list(
            recent.filter(success=False).order_by("-at").values_list("at", flat=True)[:allowed]
        )
        if len(failures) >= allowed:
            free_at = failures[-1] + _window()
            waits.append(max(1, math.ceil((free_at - now).total_seconds() / 60)))
    return max(waits, default=0)


def note(username: str, ip: str | None, success: bool) -> None:
    LoginAttempt.objects.create(username=key(username), ip=ip, success=success)
