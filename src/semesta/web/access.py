"""View guards: login, permission, region scope and a declared purpose for personal data."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse


def purpose_redirect(request: HttpRequest):
    """A redirect to the purpose page when the session has no purpose the role may declare."""
    if request.session.get("purpose") in request.user.purposes:
        return None
    back = request.get_full_path() if request.method == "GET" else request.path
    return redirect(f"{reverse('purpose')}?{urlencode({'next': back})}")


def requires(perm, *, purpose: bool = False):
    """Only for signed-in accounts with ``perm``; with ``purpose``, the session must hold a
    purpose the role may declare (else the purpose page is shown first, then the user returns)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs):
            if not request.user.can(perm):
                raise PermissionDenied
            if purpose and (ask := purpose_redirect(request)) is not None:
                return ask
            return view(request, *args, **kwargs)

        guarded.required_permission = perm
        return guarded

    return decorator
