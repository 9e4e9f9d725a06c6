"""The named cast every web test uses, and the shared base test case.

Desa A and kecamatan B are chosen from the published small kabupaten: desa A is its busiest
desa; kecamatan B is the busiest kecamatan that does not contain desa A. So the operator of desa
A and the Dinsos verifier of kecamatan B each have people the other must not see, and the
outsider (an admin of another kabupaten) must see nothing at all.
"""

from __future__ import annotations

from django.db.models import Count
from django.test import TestCase

from semesta.web.models import Person, Publication, User
from semesta.web.publish import current
from semesta.web.roles import PURPOSES

PASSWORD = "sandi-uji-semesta-7"
OUTSIDE = "6203"  # Kabupaten Kapuas: another kabupaten of the same province


def _places() -> dict[str, str]:
    publication = current()
    assert publication is not None, "the session fixture publishes the small kabupaten"
    desa = (
        Person.objects.filter(publication=publication, resident=True)
        .values("kode_desa")
        .annotate(n=Count("id"))
        .order_by("-n", "kode_desa")
    )
    desa_a = desa[0]["kode_desa"]
    kecamatan = (
        Person.objects.filter(publication=publication, resident=True)
        .exclude(kode_kecamatan=desa_a[:6])
        .values("kode_kecamatan")
        .annotate(n=Count("id"))
        .order_by("-n", "kode_kecamatan")
    )
    return {
        "kabupaten": publication.kabupaten_code,
        "desa_a": desa_a,
        "kecamatan_a": desa_a[:6],
        "kecamatan_b": kecamatan[0]["kode_kecamatan"],
    }


CAST = (
    # username, role, region key
    ("admin", "admin_dinkes", "kabupaten"),
    ("analyst", "analis_dinkes", "kabupaten"),
    ("operator_a", "operator_desa", "desa_a"),
    ("verifier_b", "verifikator_dinsos", "kecamatan_b"),
    ("puskesmas_a", "petugas_puskesmas", "kecamatan_a"),
    ("bpjs", "penghubung_bpjs", "kabupaten"),
    ("leader", "pimpinan", "kabupaten"),
    ("outsider", "admin_dinkes", "outside"),
)


def create_cast() -> None:
    places = {**_places(), "outside": OUTSIDE}
    for username, role, where in CAST:
        user = User(username=username, role=role, region_code=places[where])
        user.set_password(PASSWORD)
        user.save()


class CastTestCase(TestCase):
    """Base test case: the cast as attributes, their places, and people in them."""

    admin: User
    analyst: User
    operator_a: User
    verifier_b: User
    puskesmas_a: User
    bpjs: User
    leader: User
    outsider: User
    publication: Publication

    @classmethod
    def setUpTestData(cls) -> None:
        for username, _role, _where in CAST:
            setattr(cls, username, User.objects.get(username=username))
        cls.publication = current()
        cls.desa_a = cls.operator_a.region_code
        cls.kecamatan_b = cls.verifier_b.region_code
        people = Person.objects.filter(publication=cls.publication, resident=True).exclude(nik="")
        cls.person_a = people.filter(kode_desa=cls.desa_a).order_by("ref").first()
        cls.person_b = people.filter(kode_kecamatan=cls.kecamatan_b).order_by("ref").first()

    def sign_in(self, user: User, purpose: str | None = "default") -> None:
        """Log ``user`` in; with a purpose (their role's first by default) declared."""
        self.client.force_login(user)
        if purpose:
            session = self.client.session
            session["purpose"] = PURPOSES[user.role][0] if purpose == "default" else purpose
            session.save()
