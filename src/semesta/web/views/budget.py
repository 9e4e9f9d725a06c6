"""Targeting and budget: the eligibility rule with its preview, the monthly bill, the invoice
check and the APBD planner (start month, target, what-if).

Everything here is computed from published figures with the pure functions of
:mod:`semesta.core.budget` and :mod:`semesta.core.eligibility`, so a what-if costs no workspace
access: the eligibility preview re-decides the published *cells* (people grouped by the facts the
rules test, see :class:`~semesta.web.models.EligibilityCell`) with the proposed rules.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from semesta.core import budget as core_budget
from semesta.core import rules
from semesta.core.regions import canonical_code
from semesta.core.text import SemestaError
from semesta.pipeline.workspace import period_end
from semesta.web.access import requires
from semesta.web.models import EligibilityCell, InvoiceLine, Person, Publication, RegionStat
from semesta.web.roles import Perm
from semesta.web.scope import periods_for, publication_for, scope_of


def _kabupaten(publication: Publication) -> str:
    return canonical_code(publication.kabupaten_code) or ""


def figures(publication: Publication) -> dict:
    """The budget figures of a publication (published by the eligibility stage)."""
    return dict((publication.extra or {}).get("figures") or {})


# --- targeting: the rule and its preview -------------------------------------------------------


TRISTATE = [("", _("tidak diubah")), ("ya", _("ya")), ("tidak", _("tidak"))]


class PreviewForm(forms.Form):
    """A proposed change of the eligibility rules (EligibilityRules.changed)."""

    desil_max = forms.IntegerField(
        label=_("Desil tertinggi yang dibiayai"), min_value=1, max_value=10, required=False
    )
    without_desil = forms.ChoiceField(
        label=_("Orang tanpa desil DTSEN tetap layak"), choices=TRISTATE, required=False
    )
    allow_active_mandiri = forms.ChoiceField(
        label=_("Peserta mandiri aktif boleh dialihkan ke Pemda"), choices=TRISTATE, required=False
    )
    matikan = forms.MultipleChoiceField(
        label=_("Aturan yang dimatikan"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, rules=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rules is not None:
            self.fields["matikan"].choices = [
                (r.code, f"{r.code}") for r in rules.rules if r.enabled
            ]


def _rules_for(publication: Publication):
    from semesta.core.eligibility import eligibility_rules

    return eligibility_rules(period_end(publication.period))


def _proposed(current_rules, data: dict):
    """The current rules with the form's changes (only what the form names)."""
    flag = {"ya": True, "tidak": False}
    return current_rules.changed(
        desil_max=data.get("desil_max"),
        without_desil_eligible=flag.get(data.get("without_desil") or ""),
        allow_active_mandiri=flag.get(data.get("allow_active_mandiri") or ""),
        disable=data.get("matikan") or (),
    )


def preview_cells(publication: Publication, scope, proposed) -> dict:
    """Eligible before and after, who enters and leaves, by rule code, from the cells."""
    from semesta.core.eligibility import apply_rules

    cells = scope.filter(EligibilityCell.objects.filter(publication=publication))
    before = after = entering = leaving = leaving_pemda = 0
    transitions: dict[tuple[str, str, str], list[int]] = {}
    for cell in cells.iterator(chunk_size=5000):
        now_ok, now_code = cell.eligible, cell.rule_code
        new_ok, new_code = apply_rules(cell.fails_raw, cell.desil, cell.rekomendasi, proposed)
        before += cell.persons if now_ok else 0
        after += cell.persons if new_ok else 0
        if new_ok and not now_ok:
            entering += cell.persons
        if now_ok and not new_ok:
            leaving += cell.persons
            leaving_pemda += cell.pemda_aktif
        if now_ok != new_ok:
            key = ("masuk" if new_ok else "keluar", now_code, new_code)
            slot = transitions.setdefault(key, [0, 0])
            slot[0] += cell.persons
            slot[1] += cell.pemda_aktif
    rate = figures(publication).get("rate") or 0
    return {
        "before": before,
        "after": after,
        "entering": entering,
        "leaving": leaving,
        "leaving_pemda": leaving_pemda,
        "monthly_change": (entering - leaving) * rate,
        "yearly_change": (entering - leaving) * rate * 12,
        "rate": rate,
        "transitions": [
            {"direction": k[0], "from": k[1], "to": k[2], "persons": v[0], "pemda_aktif": v[1]}
            for k, v in sorted(transitions.items(), key=lambda kv: -kv[1][0])
        ],
    }


@require_GET
@requires(Perm.VIEW_BUDGET)
def targeting(request: HttpRequest) -> HttpResponse:
    publication = publication_for(request)
    context: dict = {"publication": publication, "periods": periods_for(request)}
    scope = scope_of(request.user)
    if publication is None or not EligibilityCell.objects.filter(publication=publication).exists():
        return render(request, "web/targeting.html", context)
    current_rules = _rules_for(publication)
    asked = "pratinjau" in request.GET
    form = PreviewForm(request.GET if asked else None, rules=current_rules)
    proposed, error = None, None
    if asked and form.is_valid():
        try:
            proposed = _proposed(current_rules, form.cleaned_data)
        except (SemestaError, ValueError, TypeError) as failure:
            error = getattr(failure, "message", None) or str(failure)
    people = scope.filter(Person.objects.filter(publication=publication))
    by_code = (
        people.exclude(pemda_eligible__isnull=True)
        .values("pemda_eligible", "eligibility__code")
        .annotate(n=Count("id"))
        .order_by("-pemda_eligible", "-n")
    )
    catalogue = {c["code"]: c for c in (publication.extra or {}).get("eligibility_rules", [])}
    context.update(
        {
            "form": form,
            "rules": (publication.extra or {}).get("eligibility_rules", []),
            "describe": (publication.extra or {}).get("eligibility_describe", {}),
            "by_code": [
                {**row, "label": catalogue.get(row["eligibility__code"], {}).get("label")}
                for row in by_code
            ],
            "preview": {
                **preview_cells(publication, scope, proposed),
                "proposed": list(proposed.proposed),
            }
            if proposed
            else None,
            "error": error,
            "by_area": _eligible_by_area(publication, scope),
        }
    )
    return render(request, "web/targeting.html", context)


def _eligible_by_area(publication: Publication, scope) -> list[dict]:
    level = "kecamatan" if scope.level == "kabupaten" else "desa"
    rows = (
        scope.filter(EligibilityCell.objects.filter(publication=publication, eligible=True))
        .values(f"kode_{level}")
        .annotate(n=Sum("persons"), unregistered=Sum("unregistered"))
        .order_by(f"kode_{level}")
    )
    return [
        {"code": r[f"kode_{level}"], "eligible": r["n"], "unregistered": r["unregistered"]}
        for r in rows
    ]


# --- the monthly bill and the budget line ------------------------------------------------------


@require_GET
@requires(Perm.VIEW_BUDGET)
def budget(request: HttpRequest) -> HttpResponse:
    publication = publication_for(request)
    context: dict = {"publication": publication, "periods": periods_for(request)}
    if publication is None:
        return render(request, "web/budget.html", context)
    numbers = figures(publication)
    if not numbers:
        return render(request, "web/budget.html", context)
    end = period_end(publication.period)
    bill = core_budget.monthly_bill(
        end.replace(day=1),
        int(numbers.get("pemda_paid_active", 0)),
        int(numbers.get("kelas3_mandiri_active", 0)),
        region=_kabupaten(publication) or None,
    )
    line = None
    raw_budget = request.GET.get("anggaran_bulanan", "").replace(".", "").strip()
    if raw_budget.isdecimal():  # isdigit() also passes "²", which int() refuses
        line = _budget_line(
            publication, scope_of(request.user), int(raw_budget), int(numbers.get("rate") or 0)
        )
    context.update({"figures": numbers, "bill": bill, "line": line, "monthly_budget": raw_budget})
    return render(request, "web/budget.html", context)


def _budget_line(publication: Publication, scope, monthly_budget: int, rate: int) -> dict:
    """How many eligible people the budget pays for, in priority order, and who is left."""
    eligible = Person.objects.filter(publication=publication, pemda_eligible=True)
    total = eligible.count()
    funded = min(total, monthly_budget // rate) if rate else total
    below = scope.filter(eligible.filter(eligibility_rank__gt=funded))
    by_desil = below.values("desil").annotate(n=Count("id")).order_by("desil")
    return {
        "monthly_budget": monthly_budget,
        "rate": rate,
        "eligible": total,
        "funded": funded,
        "below": total - funded,
        "shortfall": (total - funded) * rate,
        "below_in_scope": below.count(),
        "by_desil": list(by_desil),
    }


@require_GET
@requires(Perm.VIEW_BUDGET)
def invoice(request: HttpRequest) -> HttpResponse:
    """The BPJS invoice against the Pemda's own list."""
    publication = publication_for(request)
    context: dict = {"publication": publication, "periods": periods_for(request)}
    if publication is not None and (publication.extra or {}).get("invoice"):
        check = publication.extra["invoice"]
        lines = scope_of(request.user).filter(InvoiceLine.objects.filter(publication=publication))
        context.update(
            {
                "check": check,
                "lines": lines.order_by("finding", "row_number")[:200]
                if request.user.can(Perm.VIEW_PERSON)
                else None,
            }
        )
    return render(request, "web/invoice.html", context)


# --- APBD planner -----------------------------------------------------------------------------


class PlannerForm(forms.Form):
    tahun = forms.IntegerField(label=_("Tahun anggaran"), min_value=2014, max_value=2100)
    bulan_mulai = forms.IntegerField(
        label=_("Bulan mulai paling awal"), min_value=1, max_value=12, initial=1
    )
    target = forms.CharField(
        label=_("Target cakupan (%)"),
        required=False,
        help_text=_(
            "Mis. 98 — peserta yang perlu didaftarkan dihitung dari penduduk dan peserta terdaftar."
        ),
    )
    peserta = forms.IntegerField(label=_("Atau: jumlah peserta baru"), min_value=0, required=False)
    tarif = forms.IntegerField(
        label=_("Iuran per orang per bulan (Rp)"), min_value=0, required=False
    )
    anggaran_ada = forms.IntegerField(
        label=_("Anggaran yang sudah ada di APBD (Rp)"), min_value=0, required=False
    )

    def clean_target(self):
        text = (self.cleaned_data.get("target") or "").replace(",", ".").strip()
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(
                _("Tulis persen sebagai angka, mis. 98 atau 98,5.")
            ) from None
        if not value.is_finite() or not 0 < value <= 100:
            raise forms.ValidationError(_("Target harus di antara 0 dan 100 %."))
        return value


@require_GET
@requires(Perm.VIEW_BUDGET)
def planner(request: HttpRequest) -> HttpResponse:
    publication = publication_for(request)
    today = date.today()
    kabupaten = _kabupaten(publication) if publication else ""
    stat = (
        RegionStat.objects.filter(publication=publication, level="kabupaten").first()
        if publication
        else None
    )
    numbers = figures(publication) if publication else {}
    initial = {"tahun": today.year + 1, "bulan_mulai": 1}
    form = PlannerForm(request.GET or None, initial=initial)
    plan = None
    needed = None
    error = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            needed = _participants(data, stat, numbers)
            rate = data.get("tarif")
            rate_source = None
            if rate is None:

                def rate_on(day, region=kabupaten):
                    return (
                        rules.pemda_rate(region, day)
                        if region
                        else rules.in_force("pemda_rates", "default", day).rupiah("rate")
                    )

                rate = rate_on
                rate_source = "pemda_rates.toml"
            plan = core_budget.apbd_plan(
                data["tahun"], needed, rate, data.get("anggaran_ada") or 0, data["bulan_mulai"]
            )
        except SemestaError as failure:
            error = failure.message
            plan = None
        else:
            chart = {
                "labels": [o.start_month for o in plan.options],
                "cost": [o.cost for o in plan.options],
                "total": [o.total for o in plan.options],
            }
            return render(
                request,
                "web/planner.html",
                {
                    "form": form,
                    "plan": plan,
                    "needed": needed,
                    "rate_source": rate_source,
                    "chart": chart,
                    "months": core_budget.MONTHS_EN
                    if request.LANGUAGE_CODE == "en"
                    else core_budget.MONTHS_ID,
                    "publication": publication,
                    "stat": stat,
                    "figures": numbers,
                },
            )
    return render(
        request,
        "web/planner.html",
        {
            "form": form,
            "publication": publication,
            "stat": stat,
            "figures": numbers,
            "error": error,
        },
    )


def _participants(data: dict, stat: RegionStat | None, numbers: dict) -> int:
    if data.get("peserta") is not None:
        return int(data["peserta"])
    if data.get("target") is not None:
        population = stat.population if stat else int(numbers.get("population") or 0)
        registered = stat.registered if stat else int(numbers.get("registered") or 0)
        return core_budget.coverage_gap(population, registered, data["target"])
    return int(numbers.get("eligible_unregistered") or 0)
