"""The puskesmas status check: from what the registers say about one NIK to the answer a
service desk needs (covered or not) and what to do next when not covered.

Pure domain logic: the web app looks the person up in the published data and passes the facts
here. Every answer carries a rule code, who acts (``office``) and the source of the advice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from semesta.core.text import Bilingual

# Activation of a Pemda-registered resident (reference §2.3): UHC prioritas (non cut-off) → active
# on the day of registration; non-prioritas (cut-off) → the following month.
_ACTIVATION = {
    True: Bilingual(
        "Kabupaten berstatus UHC prioritas: peserta aktif pada hari didaftarkan.",
        "The kabupaten has UHC prioritas status: the participant is active the day they are "
        "registered.",
    ),
    False: Bilingual(
        "Kabupaten tidak berstatus UHC prioritas (cut-off): kepesertaan baru aktif bulan "
        "berikutnya.",
        "The kabupaten is not UHC prioritas (cut-off): a new registration becomes active the "
        "following month.",
    ),
    None: Bilingual("", ""),
}


@dataclass(frozen=True)
class Facts:
    """What the published registers say about the person behind a NIK."""

    found: bool
    in_scope: bool = True
    resident: bool = False
    registered: bool = False
    active: bool = False
    segment: str | None = None  # segment group (semesta.core.segments)
    status_text: str | None = None  # BPJS keterangan_status, e.g. "Non Aktif Karena Premi"
    meninggal: date | None = None
    pindah: date | None = None
    pemda_eligible: bool | None = None  # None: eligibility not computed for this period
    formal_worker: str | None = None  # ASN, P3K, perangkat_desa, badan_usaha


@dataclass(frozen=True)
class NextStep:
    code: str
    covered: bool
    text: Bilingual
    office: str  # puskesmas | dinsos | dinkes | bpjs | desa | pemberi_kerja | peserta
    source: str

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "covered": self.covered,
            "text": self.text.as_dict(),
            "office": self.office,
            "source": self.source,
        }


def _join(*parts: Bilingual) -> Bilingual:
    return Bilingual(" ".join(p.id for p in parts if p.id), " ".join(p.en for p in parts if p.en))


def next_step(facts: Facts, uhc_prioritas: bool | None = None) -> NextStep:
    """The answer for a service desk; ``uhc_prioritas`` is the kabupaten's status, if known."""
    if not facts.found:
        return NextStep(
            "STATUS_TIDAK_DITEMUKAN",
            False,
            Bilingual(
                "NIK tidak ditemukan di data kependudukan (DKB) maupun daftar peserta BPJS "
                "periode ini. Periksa kembali NIK pada KTP/KK; bila sudah benar, minta "
                "Disdukcapil memeriksa pencatatannya dan hubungi Dinas Kesehatan untuk "
                "pendaftaran JKN.",
                "The NIK is in neither the population register (DKB) nor this period's BPJS "
                "list. Check the NIK on the ID card or family card; if it is right, ask "
                "Disdukcapil to check the record and contact the Dinas Kesehatan to register.",
            ),
            "dinkes",
            "UU 24/2013 Pasal 13 (NIK seumur hidup); reference §3.1",
        )
    if not facts.in_scope:
        return NextStep(
            "STATUS_DI_LUAR_WILAYAH",
            False,
            Bilingual(
                "NIK ini tercatat di luar wilayah akun Anda; rinciannya tidak ditampilkan. "
                "Tanyakan status kepesertaan ke Dinas Kesehatan kabupaten atau BPJS Kesehatan.",
                "This NIK is recorded outside your account's region; its details are not "
                "shown. Ask the kabupaten Dinas Kesehatan or BPJS Kesehatan for its status.",
            ),
            "dinkes",
            "Semesta: account scope (docs/architecture.md, web application)",
        )
    if facts.meninggal is not None:
        return NextStep(
            "STATUS_TERCATAT_MENINGGAL",
            False,
            Bilingual(
                f"Tercatat meninggal pada {facts.meninggal:%d-%m-%Y}. Bila pemilik NIK hadir, "
                "catatan kematian keliru: minta Operator Desa/Disdukcapil memperbaikinya dan "
                "BPJS mengaktifkan kembali kepesertaannya.",
                f"Recorded as deceased on {facts.meninggal:%d-%m-%Y}. If the NIK's owner is "
                "present, the death record is wrong: ask the desa operator/Disdukcapil to correct "
                "it and BPJS to reactivate the membership.",
            ),
            "desa",
            "Daftar kematian dan DKB (reference §6.3)",
        )
    if facts.registered and facts.active:
        return NextStep(
            "STATUS_AKTIF",
            True,
            Bilingual(
                "Peserta JKN aktif: layani dengan JKN.",
                "Active JKN participant: serve under JKN.",
            ),
            "puskesmas",
            "BPJS status peserta AKTIF (kode 0); reference §6.2",
        )
    if facts.registered:
        return _inactive(facts, uhc_prioritas)
    return _unregistered(facts, uhc_prioritas)


def _inactive(facts: Facts, uhc_prioritas: bool | None) -> NextStep:
    segment = facts.segment or ""
    eligible = facts.pemda_eligible
    to_pemda = (
        Bilingual(
            "Orang ini layak dibiayai Pemda: Dinsos dapat menerbitkan surat rekomendasi agar "
            "Dinkes mendaftarkannya sebagai PBPU-BP Pemda.",
            "This person qualifies for Pemda funding: Dinsos can issue a recommendation letter "
            "so that the Dinkes registers them as PBPU-BP Pemda.",
        )
        if eligible
        else Bilingual("", "")
    )
    if segment == "PBI_APBN":
        return NextStep(
            "STATUS_PBI_NONAKTIF",
            False,
            _join(
                Bilingual(
                    "Terdaftar PBI JK tetapi dinonaktifkan. Reaktivasi diusulkan Dinsos melalui "
                    "SIKS-NG dengan surat keterangan dari fasilitas kesehatan.",
                    "Registered as PBI JK but deactivated. Dinsos proposes reactivation in "
                    "SIKS-NG with a letter from the health facility.",
                ),
                to_pemda,
            ),
            "dinsos",
            "Reaktivasi PBI JK (reference §5.2, Kemensos Feb 2026)",
        )
    if segment == "PBPU_MANDIRI":
        return NextStep(
            "STATUS_MANDIRI_MENUNGGAK",
            False,
            _join(
                Bilingual(
                    "Peserta mandiri (PBPU) tidak aktif, biasanya karena tunggakan iuran. Peserta "
                    "melunasi tunggakan; rawat inap dalam 45 hari setelah aktif kembali dikenai "
                    "denda pelayanan.",
                    "Self-paying (PBPU) participant, inactive, usually for unpaid premiums. The "
                    "participant pays the arrears; an inpatient stay within 45 days of "
                    "reactivation incurs the service fine.",
                ),
                to_pemda,
            ),
            "dinsos" if eligible else "peserta",
            "Perpres 64/2020 Pasal 42; denda pelayanan (reference §1.6)",
        )
    if segment in ("PPU_BU", "PPU_PN"):
        return NextStep(
            "STATUS_PPU_NONAKTIF",
            False,
            _join(
                Bilingual(
                    "Peserta penerima upah tidak aktif: iuran dibayar pemberi kerja. Hubungi "
                    "pemberi kerja (atau BKPSDM untuk ASN); bila tidak lagi bekerja, daftarkan "
                    "sebagai peserta mandiri.",
                    "Wage-earner participant, inactive: the employer pays the premium. Contact "
                    "the employer (BKPSDM for civil servants); if no longer employed, register "
                    "as a self-paying participant.",
                ),
                to_pemda,
            ),
            "pemberi_kerja",
            "Perpres 75/2019 Pasal 30 (PPU 4 % + 1 %); reference §1.5",
        )
    if segment == "PBPU_BP_PEMDA":
        return NextStep(
            "STATUS_PEMDA_NONAKTIF",
            False,
            Bilingual(
                "Peserta PBPU-BP Pemda tidak aktif: Dinkes memeriksa pembayaran iuran Pemda dan "
                "status peserta di e-Dabu bersama BPJS.",
                "PBPU-BP Pemda participant, inactive: the Dinkes checks the Pemda's premium "
                "payment and the participant's status in e-Dabu with BPJS.",
            ),
            "dinkes",
            "Peraturan BPJS Kesehatan 5/2018 Pasal 3(1); reference §6.1",
        )
    return NextStep(
        "STATUS_TIDAK_AKTIF",
        False,
        _join(
            Bilingual(
                "Terdaftar tetapi tidak aktif. Tanyakan penyebabnya ke BPJS Kesehatan.",
                "Registered but inactive. Ask BPJS Kesehatan for the cause.",
            ),
            to_pemda,
        ),
        "bpjs",
        "reference §6.2",
    )


def _unregistered(facts: Facts, uhc_prioritas: bool | None) -> NextStep:
    if not facts.resident:
        moved = (
            Bilingual(
                f"Tercatat pindah pada {facts.pindah:%d-%m-%Y}.",
                f"Recorded as moved out on {facts.pindah:%d-%m-%Y}.",
            )
            if facts.pindah
            else Bilingual("", "")
        )
        return NextStep(
            "STATUS_BUKAN_PENDUDUK",
            False,
            _join(
                moved,
                Bilingual(
                    "Belum terdaftar JKN dan bukan penduduk kabupaten ini: Pemda hanya "
                    "mendaftarkan penduduknya sendiri. Arahkan ke Pemda domisili atau "
                    "pendaftaran mandiri.",
                    "Not registered and not a resident of this kabupaten: a Pemda registers only "
                    "its own residents. Refer to the Pemda of residence or to self-paid "
                    "registration.",
                ),
            ),
            "peserta",
            "Peraturan BPJS Kesehatan 5/2018 Pasal 3(1) (penduduk yang didaftarkan Pemda)",
        )
    if facts.formal_worker:
        return NextStep(
            "STATUS_BELUM_TERDAFTAR_PEKERJA",
            False,
            Bilingual(
                "Belum terdaftar JKN tetapi tercatat sebagai pekerja penerima upah "
                f"({facts.formal_worker}): pemberi kerja wajib mendaftarkannya (PPU).",
                "Not registered but recorded as a wage earner "
                f"({facts.formal_worker}): the employer must register them (PPU).",
            ),
            "pemberi_kerja",
            "Perpres 82/2018 jo. 75/2019 Pasal 30; reference §1.5",
        )
    if facts.pemda_eligible:
        return NextStep(
            "STATUS_BELUM_TERDAFTAR_LAYAK_PEMDA",
            False,
            _join(
                Bilingual(
                    "Belum terdaftar JKN dan layak dibiayai Pemda: minta surat rekomendasi "
                    "Dinsos, lalu Dinkes mendaftarkannya sebagai PBPU-BP Pemda.",
                    "Not registered and qualifies for Pemda funding: ask Dinsos for a "
                    "recommendation letter; the Dinkes then registers them as PBPU-BP Pemda.",
                ),
                _ACTIVATION[uhc_prioritas],
            ),
            "dinsos",
            "Peraturan BPJS Kesehatan 5/2018 Pasal 3(1); UHC prioritas (reference §2.3)",
        )
    if facts.pemda_eligible is None:
        return NextStep(
            "STATUS_BELUM_TERDAFTAR",
            False,
            _join(
                Bilingual(
                    "Belum terdaftar JKN. Minta Dinsos menilai kelayakan pembiayaan Pemda (surat "
                    "rekomendasi untuk PBPU-BP Pemda); bila tidak layak, daftar sebagai peserta "
                    "mandiri.",
                    "Not registered. Ask Dinsos to assess Pemda funding (a recommendation letter "
                    "for PBPU-BP Pemda); otherwise register as a self-paying participant.",
                ),
                _ACTIVATION[uhc_prioritas],
            ),
            "dinsos",
            "Peraturan BPJS Kesehatan 5/2018 Pasal 3(1); reference §2.3",
        )
    return NextStep(
        "STATUS_BELUM_TERDAFTAR_MANDIRI",
        False,
        Bilingual(
            "Belum terdaftar JKN dan tidak memenuhi kriteria pembiayaan Pemda: daftar sebagai "
            "peserta mandiri (PBPU) melalui Mobile JKN atau kantor BPJS; bila keadaan ekonominya "
            "berubah, ajukan pemutakhiran DTSEN melalui desa.",
            "Not registered and not eligible for Pemda funding: register as a self-paying (PBPU) "
            "participant via Mobile JKN or a BPJS office; if their circumstances changed, ask "
            "the desa to update DTSEN.",
        ),
        "peserta",
        "Perpres 64/2020 Pasal 34; DTSEN (reference §5.2)",
    )
