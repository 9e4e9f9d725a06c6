"""The status check behind the puskesmas page and the API: NIK → covered or not, segment,
active, FKTP, Pemda-eligible and the next step. One indexed lookup on the HMAC of the NIK in the
current publication; every check is audited with the NIK masked."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest

from semesta.core.identifiers import parse_nik
from semesta.core.segments import SEGMENT_GROUPS
from semesta.core.status_check import Facts, next_step
from semesta.core.text import Bilingual
from semesta.web import audit
from semesta.web.models import AuditEvent, Person, Publication, RegionStat
from semesta.web.privacy import mask_id, nik_key, redact
from semesta.web.publish import current
from semesta.web.roles import Perm
from semesta.web.scope import scope_of

_FIELDS = (
    "ref",
    "nama",
    "kode_kabupaten",
    "kode_kecamatan",
    "kode_desa",
    "in_dkb",
    "resident",
    "meninggal",
    "pindah",
    "desil",
    "formal_worker",
    "registered",
    "active",
    "segmen_kelompok",
    "kelas",
    "status_peserta",
    "keterangan_status",
    "kode_faskes",
    "nama_faskes",
    "pemda_eligible",
    "eligibility",
)

NO_DATA = Bilingual(
    "Belum ada data yang diterbitkan; Admin/Analis Dinkes perlu mengunggah ekspor terlebih dahulu.",
    "No data has been published yet; the Dinkes admin or analyst must upload the exports first.",
)


def _best(people: list[Person]) -> Person | None:
    """Several persons may carry one NIK (a duplicate in the registers): the one in the DKB,
    then the active one, then the registered one."""
    ranked = sorted(people, key=lambda p: (not p.in_dkb, not p.active, not p.registered, p.ref))
    return ranked[0] if ranked else None


def _uhc_prioritas(publication: Publication) -> bool | None:
    stat = (
        RegionStat.objects.filter(publication=publication, level="kabupaten")
        .values_list("detail", flat=True)
        .first()
    )
    if not stat:
        return None
    value = stat.get("uhc_prioritas")
    return bool(value) if value is not None else None


def check(request: HttpRequest, text: str, *, via: str = "web", purpose: str | None = None) -> dict:
    """Check one NIK for the request's user; returns the answer as a JSON-ready dict."""
    user = request.user
    publication = current(kabupaten=user.region_code[:4])
    today = date.today()
    parsed = parse_nik(text, as_of=today)
    if parsed.nik is None:
        invalid = {
            "valid": False,
            "problem": parsed.problem,
            "message": {k: redact(v) for k, v in parsed.message.as_dict().items()},
            "nik": mask_id(parsed.raw) if parsed.raw else "",
        }
        _audit(request, "", "NIK_TIDAK_VALID", "", via, purpose)
        return invalid
    masked = mask_id(parsed.nik)
    if publication is None:
        _audit(request, masked, "BELUM_ADA_DATA", "", via, purpose)
        return {"valid": True, "nik": masked, "published": False, "message": NO_DATA.as_dict()}
    people = list(
        Person.objects.filter(publication=publication, nik_key=nik_key(parsed.nik)).only(*_FIELDS)
    )
    person = _best(people)
    scope = scope_of(user)
    in_scope = person is not None and scope.contains(
        person.kode_desa or person.kode_kecamatan or person.kode_kabupaten
    )
    if person is not None and not person.kode_desa and scope.level != "kabupaten":
        in_scope = False  # no desa known: only kabupaten accounts may see them
    facts = (
        Facts(found=False)
        if person is None
        else Facts(found=True, in_scope=False)
        if not in_scope
        else Facts(
            found=True,
            resident=person.resident,
            registered=person.registered,
            active=person.active,
            segment=person.segmen_kelompok or None,
            status_text=person.keterangan_status or None,
            meninggal=person.meninggal,
            pindah=person.pindah,
            pemda_eligible=person.pemda_eligible,
            formal_worker=person.formal_worker or None,
        )
    )
    step = next_step(facts, _uhc_prioritas(publication))
    answer: dict[str, Any] = {
        "valid": True,
        "published": True,
        "period": publication.period,
        "nik": masked,
        "found": facts.found,
        "in_scope": facts.in_scope,
        "covered": step.covered,
        "next_step": step.as_dict(),
    }
    if person is not None and in_scope:
        group = SEGMENT_GROUPS.get(person.segmen_kelompok)
        answer.update(
            {
                "nama": person.nama,
                "kode_desa": person.kode_desa,
                "resident": person.resident,
                "registered": person.registered,
                "active": person.active,
                "segment": {
                    "code": person.segmen_kelompok,
                    "name": group.name.as_dict() if group else None,
                }
                if person.segmen_kelompok
                else None,
                "kelas": person.kelas,
                "status_peserta": person.status_peserta,
                "keterangan_status": person.keterangan_status,
                "fktp": {"code": person.kode_faskes, "name": person.nama_faskes}
                if person.kode_faskes or person.nama_faskes
                else None,
                "pemda_eligible": person.pemda_eligible,
                "eligibility": person.eligibility,
                "meninggal": person.meninggal.isoformat() if person.meninggal else None,
                "pindah": person.pindah.isoformat() if person.pindah else None,
            }
        )
        if user.can(Perm.VIEW_PERSON):
            answer["person_ref"] = person.ref
    subject = f"{masked} {person.ref}" if person is not None and in_scope else masked
    _audit(request, subject, step.code, publication.period, via, purpose)
    return answer


def _audit(request, subject: str, outcome: str, period: str, via: str, purpose) -> None:
    audit.record(
        request,
        AuditEvent.Action.STATUS_CHECK,
        subject=subject,
        detail=outcome,
        period=period,
        via=via,
        purpose=purpose,
    )
