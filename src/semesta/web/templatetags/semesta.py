"""Template filters: bilingual texts, Rupiah, percentages, masked identifiers, region names."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django import template
from django.utils.translation import get_language

from semesta.core.money import format_percent, format_rupiah
from semesta.core.regions import canonical_code, regions
from semesta.core.text import Bilingual
from semesta.web.privacy import mask_id
from semesta.web.roles import Perm

register = template.Library()


def english() -> bool:
    return (get_language() or "id").startswith("en")


@register.filter
def bi(value) -> str:
    """A Bilingual or a {"id": ..., "en": ...} dict in the page's language."""
    if value is None or value == "":
        return ""
    if isinstance(value, Bilingual):
        return value.en if english() else value.id
    if isinstance(value, dict):
        return str(value.get("en" if english() else "id") or value.get("id") or "")
    return str(value)


@register.filter
def rupiah(value) -> str:
    """Whole Rupiah with the page language's digit grouping (Rp 1.088.451.000 / Rp 1,088,451,000),
    as the planner chart writes its axis."""
    if value is None or value == "":
        return "–"
    text = format_rupiah(int(value))
    return text.replace(".", ",") if english() else text


@register.filter
def pct(value, digits: int = 2) -> str:
    """96.49 → "96,49 %" (Indonesian) or "96.49 %" (English)."""
    if value is None or value == "":
        return "–"
    number = value if isinstance(value, Fraction | Decimal | int) else Decimal(str(value))
    text = format_percent(number, int(digits))
    if english():
        text = text.replace(".", "\u2009").replace(",", ".").replace("\u2009", ",")
    return text


@register.filter
def num(value) -> str:
    """An integer with the page language's digit grouping (1.088.451 / 1,088,451)."""
    if value is None or value == "":
        return "–"
    text = f"{int(value):,}"
    return text if english() else text.replace(",", ".")


@register.simple_tag(takes_context=True)
def nik(context, value) -> str:
    """A NIK or KK, whole for roles that need it, masked for the others."""
    user = context.get("user")
    if user is not None and getattr(user, "is_authenticated", False) and user.can(Perm.SEE_NIK):
        return value or ""
    return mask_id(value)


@register.filter
def region_name(code) -> str:
    if not code:
        return ""
    region = regions().get(str(code))
    return region.name if region else str(code)


@register.filter
def dotted(code) -> str:
    return canonical_code(str(code or "")) or str(code or "")


@register.filter
def get(mapping, key):
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def get_month(months, number) -> str:
    """``MONTHS_ID|get_month:6`` → ``Juni``."""
    try:
        return str(months[int(number) - 1])
    except (IndexError, TypeError, ValueError):
        return str(number)
