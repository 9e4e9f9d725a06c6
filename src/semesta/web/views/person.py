"""A person's page: every source row side by side, the status facts, and each finding with its
evidence. Opened by an opaque reference, never by NIK; audited with the declared purpose."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from semesta.core.segments import SEGMENT_GROUPS
from semesta.pipeline.layouts import LAYOUT_BY_NAME
from semesta.web import audit
from semesta.web.access import requires
from semesta.web.models import AuditEvent, Finding, Person
from semesta.web.privacy import mask_id, redact
from semesta.web.roles import Perm
from semesta.web.scope import publication_for, scope_of
from semesta.web.views.findings import _evidence_items, rule_info

# Identifier fields shown masked to roles without see_nik.
_IDENTIFIERS = {"nik", "nik_asli", "no_kk", "no_kk_asli", "no_kartu", "no_kartu_asli", "nip"}
_FIRST = (
    "berkas",
    "baris",
    "cara_padan",
    "peluang_padan",
    "nik",
    "nik_asli",
    "no_kk",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "kode_desa",
    "no_kartu",
)


@require_GET
@requires(Perm.VIEW_PERSON, purpose=True)
def person(request: HttpRequest, ref: str) -> HttpResponse:
    publication = publication_for(request)
    if publication is None:
        raise Http404
    found = (
        scope_of(request.user)
        .filter(Person.objects.filter(publication=publication, ref=ref))
        .first()
    )
    if found is None:  # absent or outside the account's region: the same answer
        raise Http404
    see_nik = request.user.can(Perm.SEE_NIK)
    columns, fields = _side_by_side(found.sources or {}, see_nik)
    info = rule_info(publication)
    findings = list(
        Finding.objects.filter(publication=publication, person_ref=found.ref).order_by("rule_code")
    )
    for item in findings:
        item.meta = info.get(item.rule_code, {})
        item.title = {"id": item.meta.get("title_id", ""), "en": item.meta.get("title_en", "")}
        item.evidence_items = _evidence_items(item.evidence, see_nik)
    audit.record(
        request,
        AuditEvent.Action.PERSON_VIEW,
        subject=f"{found.ref} {mask_id(found.nik)}",
        period=publication.period,
    )
    group = SEGMENT_GROUPS.get(found.segmen_kelompok)
    return render(
        request,
        "web/person.html",
        {
            "person": found,
            "publication": publication,
            "segment_name": group.name.as_dict() if group else None,
            "columns": columns,
            "fields": fields,
            "findings": findings,
        },
    )


def _side_by_side(sources: dict, see_nik: bool) -> tuple[list[dict], list[tuple[str, list]]]:
    """Columns: one per source row; rows: the union of their fields, identity fields first."""
    columns = []
    for layout, rows in sources.items():
        title = (
            LAYOUT_BY_NAME[layout].title.as_dict()
            if layout in LAYOUT_BY_NAME
            else {"id": layout, "en": layout}
        )
        for row in rows or []:
            shown = {key: _shown(key, value, see_nik) for key, value in row.items()}
            columns.append({"layout": layout, "title": title, "values": shown})
    names: list[str] = [f for f in _FIRST if any(f in c["values"] for c in columns)]
    for column in columns:
        for key in column["values"]:
            if key not in names:
                names.append(key)
    fields = [(name, [c["values"].get(name) for c in columns]) for name in names]
    return columns, fields


def _shown(key: str, value, see_nik: bool):
    """A source value as this role may see it: identifiers masked, stray NIKs redacted."""
    if see_nik or value is None:
        return value
    if key in _IDENTIFIERS:
        return mask_id(str(value))
    return redact(value) if isinstance(value, str) else value
