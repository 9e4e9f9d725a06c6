"""Region scoping: an account sees nothing outside its region.

Every published row carries ``kode_kabupaten``, ``kode_kecamatan`` and ``kode_desa`` (digits), so
a scope is one equality filter on the column of the account's level. People who are in the BPJS
list but not in the population register have no desa: only kabupaten accounts see them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from semesta.web.models import region_level


@dataclass(frozen=True)
class Scope:
    code: str  # digits: 4 (kabupaten), 6 (kecamatan) or 10 (desa)

    @property
    def level(self) -> str:
        return region_level(self.code)

    def q(self) -> Q:
        """The filter for rows with kode_kabupaten/kode_kecamatan/kode_desa columns."""
        return Q(**{f"kode_{self.level}": self.code})

    def filter(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(self.q())

    def contains(self, code: str | None) -> bool:
        """Whether a region (digits) lies inside this scope (or is the scope itself)."""
        return bool(code) and str(code).startswith(self.code)

    def regions(self, queryset: QuerySet) -> QuerySet:
        """RegionStat rows inside the scope: the scope's own region and everything below it."""
        return queryset.filter(code__startswith=self.code)


def scope_of(user) -> Scope:
    return Scope(user.region_code)


def publication_for(request, period: str | None = None):
    """The current publication of the account's kabupaten (``?periode=`` when given)."""
    from semesta.web.publish import current

    chosen = period if period is not None else (request.GET.get("periode") or None)
    return current(chosen, kabupaten=request.user.region_code[:4])


def periods_for(request) -> list[str]:
    from semesta.web.publish import periods

    return periods(kabupaten=request.user.region_code[:4])
