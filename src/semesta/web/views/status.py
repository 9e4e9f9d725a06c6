"""The puskesmas status check page: the NIK goes in a POST body, never in the URL."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from semesta.web import status
from semesta.web.access import requires
from semesta.web.roles import Perm


class StatusForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK (16 angka)"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )


@require_http_methods(["GET", "POST"])
@requires(Perm.STATUS_CHECK, purpose=True)
def status_check(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.POST or None)
    answer = None
    if request.method == "POST" and form.is_valid():
        answer = status.check(request, form.cleaned_data["nik"])
        form = StatusForm()  # the NIK is not echoed back into the field
    return render(request, "web/status_check.html", {"form": form, "answer": answer})
