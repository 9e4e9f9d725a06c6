"""UHC dashboard: kabupaten → kecamatan → desa, with trend and segment charts, status and award
badges with their reasons, and the gap to target."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from semesta.core.regions import regions
from semesta.core.segments import SEGMENT_GROUPS
from semesta.web.access import requires
from semesta.web.models import Publication, RegionStat
from semesta.web.roles import Perm
from semesta.web.scope import periods_for, publication_for, scope_of


def trend(code: str) -> list[dict]:
    """The region's indicators in every published period (oldest first)."""
    latest = {}
    for publication in Publication.objects.filter(completed_at__isnull=False).order_by(
        "period", "completed_at"
    ):
        latest[publication.period] = publication.pk
    stats = RegionStat.objects.filter(publication_id__in=latest.values(), code=code).order_by(
        "period"
    )
    return [
        {
            "period": s.period,
            "coverage_pct": float(s.coverage_pct) if s.coverage_pct is not None else None,
            "active_pct": float(s.active_pct) if s.active_pct is not None else None,
        }
        for s in stats
    ]


@require_GET
@requires(Perm.VIEW_DASHBOARD)
def dashboard(request: HttpRequest, code: str | None = None) -> HttpResponse:
    scope = scope_of(request.user)
    code = (code or scope.code).replace(".", "")
    if not scope.contains(code):
        raise Http404
    period = request.GET.get("periode") or None
    publication = publication_for(request, period)
    context: dict = {"periods": periods_for(request), "publication": publication, "code": code}
    region = regions().get(code)
    context["region"] = region
    context["breadcrumb"] = [
        r for r in (regions().ancestors(code) if region else []) if scope.contains(r.digits)
    ]
    if publication is None:
        return render(request, "web/dashboard.html", context)
    stat = RegionStat.objects.filter(publication=publication, code=code).first()
    children = RegionStat.objects.filter(publication=publication, parent_code=code).order_by("code")
    if stat is None and region is None:
        raise Http404
    segments = _segments(stat) if stat else []
    for child in children:
        child.summary = _summary(child.detail or {})
    detail = stat.detail if stat else {}
    context.update(
        {
            "stat": stat,
            "detail": detail,
            "summary": _summary(detail),
            "children": children,
            "segments": segments,
            "chart": {"trend": trend(code), "segments": segments},
        }
    )
    return render(request, "web/dashboard.html", context)


UNREGISTERED = {"id": "Belum terdaftar", "en": "Not registered"}
# Short names for the chart axis (the catalogue's names are sentences).
SHORT = {
    "PBI_APBN": {"id": "PBI APBN", "en": "PBI APBN"},
    "PBPU_BP_PEMDA": {"id": "PBPU-BP Pemda", "en": "PBPU-BP Pemda"},
    "PPU_PN": {"id": "PPU penyelenggara negara", "en": "PPU state"},
    "PPU_BU": {"id": "PPU badan usaha", "en": "PPU business"},
    "PBPU_MANDIRI": {"id": "PBPU mandiri", "en": "PBPU self-paying"},
    "BP": {"id": "Bukan pekerja", "en": "Non-workers"},
}


def _segments(stat: RegionStat) -> list[dict]:
    """Participants by segment group (active and inactive), and residents not registered."""
    rows = []
    for group, counts in (stat.segments or {}).items():
        if not isinstance(counts, dict):
            continue
        if group == "BELUM_TERDAFTAR":
            label = UNREGISTERED
            active, inactive = 0, int(counts.get("population") or 0)
        else:
            info = SEGMENT_GROUPS.get(group)
            label = SHORT.get(group) or (
                info.name.as_dict() if info else {"id": group, "en": group}
            )
            active = int(counts.get("active") or 0)
            inactive = int(counts.get("registered") or 0) - active
        if active or inactive:
            rows.append({"code": group, "label": label, "active": active, "inactive": inactive})
    return sorted(rows, key=lambda r: -(r["active"] + r["inactive"]))


def _summary(detail: dict) -> dict:
    """What a table row or a card needs from an area's classification."""
    status = detail.get("status") or {}
    award = detail.get("award") or {}
    gaps = detail.get("gaps") or []
    closures = {c.get("target"): c for c in detail.get("closures") or []}
    active_gaps = [g for g in gaps if g.get("metric") == "active_pct" and g.get("missing")]
    return {
        "prioritas": status.get("prioritas"),
        "status_label": status.get("label"),
        "award_category": award.get("category"),
        "award_label": award.get("label"),
        "missing_active": min((g["missing"] for g in active_gaps), default=0),
        "gaps": [
            {
                **g,
                "closure": closures.get(g.get("target")),
            }
            for g in gaps
        ],
    }
