"""Error pages in the user's language, without technical detail."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "web/error.html", {"code": 403, "csrf": True}, status=403)


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "web/error.html", {"code": 403}, status=403)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "web/error.html", {"code": 404}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/error.html", {"code": 500}, status=500)
