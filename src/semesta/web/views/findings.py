"""Anomaly list (every finding, filtered) and action list (what each office must do), with the
Excel download of either. Person-level rows need ``view_person``; others see the summaries."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from semesta.core.regions import regions
from semesta.excel import Column, Sheet
from semesta.web import audit
from semesta.web.access import purpose_redirect, requires
from semesta.web.exports import xlsx_response
from semesta.web.models import AuditEvent, Finding, Publication
from semesta.web.privacy import mask_id, redact
from semesta.web.roles import OFFICE_OF_ROLE, Perm
from semesta.web.scope import periods_for, publication_for, scope_of

PAGE = 50


def rule_info(publication: Publication | None) -> dict[str, dict]:
    return (publication.extra or {}).get("rules", {}) if publication else {}


def _filtered(request: HttpRequest) -> tuple[Publication | None, QuerySet, dict]:
    """The scoped findings of the chosen period with the request's filters applied."""
    publication = publication_for(request)
    if publication is None:
        return None, Finding.objects.none(), {}
    scope = scope_of(request.user)
    rows = scope.filter(Finding.objects.filter(publication=publication))
    chosen = {
        "aturan": request.GET.get("aturan", ""),
        "tingkat": request.GET.get("tingkat", ""),
        "kantor": request.GET.get("kantor", ""),
        "wilayah": request.GET.get("wilayah", "").replace(".", ""),
    }
    if chosen["aturan"]:
        rows = rows.filter(rule_code=chosen["aturan"])
    if chosen["tingkat"]:
        rows = rows.filter(severity=chosen["tingkat"])
    if chosen["kantor"]:
        rows = rows.filter(office=chosen["kantor"])
    if chosen["wilayah"]:
        area = chosen["wilayah"]
        if not scope.contains(area) or len(area) not in (4, 6, 10):
            raise Http404
        rows = rows.filter(
            **{f"kode_{ {4: 'kabupaten', 6: 'kecamatan', 10: 'desa'}[len(area)] }": area}
        )
    return publication, rows, chosen


def _choices(publication: Publication | None, request: HttpRequest) -> dict:
    if publication is None:
        return {}
    scope = scope_of(request.user)
    base = scope.filter(Finding.objects.filter(publication=publication))
    areas = []
    if scope.level != "desa":
        index = regions()
        level = "kecamatan" if scope.level == "kabupaten" else "desa"
        areas = [(r.digits, r.name) for r in index.descendants(scope.code, level)]
        if scope.level == "kabupaten":
            areas += [(r.digits, f"· {r.name}") for r in index.descendants(scope.code, "desa")]
            areas.sort()
    return {
        "rules": sorted(base.values_list("rule_code", flat=True).distinct()),
        "severities": sorted(set(base.values_list("severity", flat=True).distinct()) - {""}),
        "offices": sorted(set(base.values_list("office", flat=True).distinct()) - {""}),
        "areas": areas,
    }


def _summary(rows: QuerySet, info: dict) -> list[dict]:
    summary = []
    for item in (
        rows.values("rule_code", "severity", "office")
        .annotate(n=Count("id"), rupiah=Sum("monthly_rupiah"))
        .order_by("-n")
    ):
        meta = info.get(item["rule_code"], {})
        summary.append(
            {
                **item,
                "title": {
                    "id": meta.get("title_id", item["rule_code"]),
                    "en": meta.get("title_en", item["rule_code"]),
                },
                "action": {"id": meta.get("action_id", ""), "en": meta.get("action_en", "")},
                "rupiah": item["rupiah"] or 0,
            }
        )
    return summary


@require_GET
@requires(Perm.VIEW_FINDINGS)
def findings(request: HttpRequest) -> HttpResponse:
    """The anomaly list; roles that see persons on it declare their purpose first."""
    if request.user.can(Perm.VIEW_PERSON) and (ask := purpose_redirect(request)) is not None:
        return ask
    publication, rows, chosen = _filtered(request)
    info = rule_info(publication)
    context = {
        "publication": publication,
        "periods": periods_for(request),
        "chosen": chosen,
        "choices": _choices(publication, request),
        "summary": _summary(rows, info),
        "total": rows.count(),
        "total_rupiah": rows.aggregate(s=Sum("monthly_rupiah"))["s"] or 0,
        "query": urlencode(
            {k: v for k, v in {**chosen, "periode": request.GET.get("periode", "")}.items() if v}
        ),
    }
    see_nik = request.user.can(Perm.SEE_NIK)
    if request.user.can(Perm.VIEW_PERSON):
        page = Paginator(rows.order_by("rule_code", "kode_desa", "nama", "pk"), PAGE).get_page(
            request.GET.get("halaman")
        )
        for item in page.object_list:
            item.meta = info.get(item.rule_code, {})
            item.evidence_items = _evidence_items(item.evidence, see_nik)
        context["page"] = page
    return render(request, "web/findings.html", context)


def _evidence_items(evidence, see_nik: bool) -> list[tuple[str, str]]:
    """The evidence as (key, text) pairs; NIK/KK-like numbers masked unless the role sees them."""
    if not isinstance(evidence, dict):
        evidence = {"": evidence}
    items = []
    for key, value in evidence.items():
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
        text = "" if text is None else str(text)
        items.append((key, text if see_nik else redact(text)))
    return items


@require_GET
@requires(Perm.VIEW_FINDINGS)
def actions(request: HttpRequest) -> HttpResponse:
    """What each office must do, its own office first, with counts and the monthly Rupiah."""
    publication, rows, chosen = _filtered(request)
    info = rule_info(publication)
    groups: dict[str, list[dict]] = {}
    for item in _summary(rows, info):
        groups.setdefault(item["office"] or "-", []).append(item)
    # The rules name offices as people write them ("Dinsos", "BPJS"); the roles in lower case.
    office = OFFICE_OF_ROLE.get(request.user.role, "")
    mine = next((name for name in groups if office and name.lower() == office), office)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] != mine, kv[0]))
    return render(
        request,
        "web/actions.html",
        {
            "publication": publication,
            "periods": periods_for(request),
            "groups": ordered,
            "mine": mine,
            "chosen": chosen,
            "choices": _choices(publication, request),
        },
    )


@require_GET
@requires(Perm.EXPORT_PERSONAL, purpose=True)
def findings_xlsx(request: HttpRequest) -> HttpResponse:
    """The filtered findings as Excel, one sheet per rule; NIK masked unless the role sees it.
    Audited as an export of personal data."""
    if not request.user.can(Perm.VIEW_PERSON):
        raise PermissionDenied
    publication, rows, chosen = _filtered(request)
    if publication is None:
        raise Http404
    info = rule_info(publication)
    see_nik = request.user.can(Perm.SEE_NIK)
    english = request.LANGUAGE_CODE == "en"
    index = regions()
    columns = [
        Column(gettext("Kecamatan"), width=20),
        Column(gettext("Desa"), width=22),
        Column(gettext("Nama"), width=28),
        Column("NIK", "id"),
        Column(gettext("Tingkat"), width=10),
        Column(gettext("Bukti"), width=60),
        Column(gettext("Tindakan"), width=50),
        Column(gettext("Rupiah per bulan"), "rupiah"),
    ]
    sheets = []
    for code in rows.values_list("rule_code", flat=True).distinct().order_by("rule_code"):
        meta = info.get(code, {})
        subset = rows.filter(rule_code=code).order_by("kode_desa", "nama", "pk")

        def lines(subset=subset):
            for f in subset.iterator(chunk_size=2000):
                kec = index.get(f.kode_kecamatan) if f.kode_kecamatan else None
                desa = index.get(f.kode_desa) if f.kode_desa else None
                yield (
                    kec.name if kec else "",
                    desa.name if desa else "",
                    f.nama,
                    f.nik if see_nik else mask_id(f.nik),
                    f.severity,
                    "; ".join(f"{k}: {v}" for k, v in _evidence_items(f.evidence, see_nik)),
                    f.action_en if english else f.action_id,
                    f.monthly_rupiah,
                )

        sheets.append(
            Sheet(
                name=code,
                title=(meta.get("title_en") if english else meta.get("title_id")) or code,
                notes=[
                    (meta.get("action_en") if english else meta.get("action_id")) or "",
                    gettext("Sumber aturan: %(source)s") % {"source": meta.get("source", "-")},
                ],
                columns=columns,
                rows=lines(),
            )
        )
    if not sheets:
        sheets.append(
            Sheet(
                name=gettext("Temuan"), title=gettext("Tidak ada temuan"), columns=columns, rows=[]
            )
        )
    audit.record(
        request,
        AuditEvent.Action.EXPORT,
        subject=f"temuan {publication.period}",
        detail="filter: " + json.dumps({k: v for k, v in chosen.items() if v}),
        period=publication.period,
    )
    return xlsx_response(f"temuan-{publication.period}.xlsx", sheets)
