"""The puskesmas status check (semesta.core.status_check): every situation at the counter gets
one answer, covered or not, in both languages, with who acts next and the source of the advice;
and the NIK as an officer types or pastes it (semesta.core.identifiers), shown masked.

tests/webapp/test_web_status.py runs the page and the API on published data and checks a few
answers; this file covers every branch of the pure answer and its precedence."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from semesta.core.identifiers import parse_nik
from semesta.core.status_check import Facts, next_step
from semesta.web.privacy import mask_id, redact

DIED = date(2025, 3, 4)
MOVED = date(2025, 1, 31)
AS_OF = date(2025, 6, 30)  # the day the NIKs below are checked
OFFICES = {"puskesmas", "dinsos", "dinkes", "bpjs", "desa", "pemberi_kerja", "peserta"}
TO_PEMDA_ID = "Orang ini layak dibiayai Pemda: Dinsos dapat menerbitkan surat rekomendasi"
TO_PEMDA_EN = "This person qualifies for Pemda funding: Dinsos can issue a recommendation letter"
NOW_ID = "Kabupaten berstatus UHC prioritas: peserta aktif pada hari didaftarkan."
NOW_EN = (
    "The kabupaten has UHC prioritas status: the participant is active the day they are registered."
)
NEXT_MONTH_ID = "kepesertaan baru aktif bulan berikutnya."
NEXT_MONTH_EN = "a new registration becomes active the following month."


def resident(**facts) -> Facts:
    """A person found in the account's region, living in the kabupaten."""
    return Facts(found=True, resident=True, **facts)


def member(segment: str | None, **facts) -> Facts:
    """A resident with a membership in ``segment`` (inactive unless active=True)."""
    return resident(registered=True, segment=segment, **facts)


# One case per answer the counter can give (12 codes).
EVERY_OUTCOME = {
    "STATUS_TIDAK_DITEMUKAN": Facts(found=False),
    "STATUS_DI_LUAR_WILAYAH": Facts(found=True, in_scope=False),
    "STATUS_TERCATAT_MENINGGAL": Facts(found=True, meninggal=DIED),
    "STATUS_AKTIF": member("PBPU_BP_PEMDA", active=True),
    "STATUS_PBI_NONAKTIF": member("PBI_APBN", pemda_eligible=True),
    "STATUS_MANDIRI_MENUNGGAK": member("PBPU_MANDIRI", status_text="Non Aktif Karena Premi"),
    "STATUS_PPU_NONAKTIF": member("PPU_BU"),
    "STATUS_PEMDA_NONAKTIF": member("PBPU_BP_PEMDA"),
    "STATUS_TIDAK_AKTIF": member("BP"),
    "STATUS_BUKAN_PENDUDUK": Facts(found=True, resident=False, pindah=MOVED),
    "STATUS_BELUM_TERDAFTAR_PEKERJA": resident(formal_worker="ASN"),
    "STATUS_BELUM_TERDAFTAR_LAYAK_PEMDA": resident(pemda_eligible=True),
    "STATUS_BELUM_TERDAFTAR": resident(),
    "STATUS_BELUM_TERDAFTAR_MANDIRI": resident(pemda_eligible=False),
}


# --- one answer per situation ------------------------------------------------------------------


@pytest.mark.parametrize(("code", "facts"), EVERY_OUTCOME.items())
def test_each_situation_gets_its_own_code(code, facts):
    assert next_step(facts).code == code


@pytest.mark.parametrize(("code", "facts"), EVERY_OUTCOME.items())
def test_every_answer_is_readable_in_both_languages_and_names_who_acts_and_why(code, facts):
    for uhc_prioritas in (True, False, None):
        step = next_step(facts, uhc_prioritas)
        for text in (step.text.id, step.text.en):
            assert text and text == text.strip() and "  " not in text, text
            assert text.endswith("."), text
        assert step.text.id != step.text.en
        assert step.office in OFFICES
        assert step.source.strip()


def test_only_an_active_membership_counts_as_covered():
    covered = {code for code, facts in EVERY_OUTCOME.items() if next_step(facts).covered}
    assert covered == {"STATUS_AKTIF"}


def test_the_answer_travels_as_a_json_object_with_both_languages():
    step = next_step(EVERY_OUTCOME["STATUS_PBI_NONAKTIF"])
    document = json.loads(json.dumps(step.as_dict()))
    assert document == {
        "code": "STATUS_PBI_NONAKTIF",
        "covered": False,
        "text": {"id": step.text.id, "en": step.text.en},
        "office": "dinsos",
        "source": "Reaktivasi PBI JK (reference §5.2, Kemensos Feb 2026)",
    }


# --- not found, out of scope, deceased: they come first ---------------------------------------


def test_a_nik_in_no_register_sends_the_officer_to_check_the_card_then_to_dukcapil_and_dinkes():
    step = next_step(Facts(found=False))
    assert (step.covered, step.office) == (False, "dinkes")
    assert "Periksa kembali NIK pada KTP/KK" in step.text.id and "Disdukcapil" in step.text.id
    assert "Check the NIK on the ID card or family card" in step.text.en
    assert "UU 24/2013 Pasal 13" in step.source


def test_not_found_comes_before_every_other_fact():
    facts = Facts(found=False, in_scope=False, registered=True, active=True, meninggal=DIED)
    assert next_step(facts).code == "STATUS_TIDAK_DITEMUKAN"


def test_outside_the_region_nothing_about_the_person_is_told():
    facts = Facts(
        found=True,
        in_scope=False,
        resident=True,
        registered=True,
        active=True,
        segment="PBI_APBN",
        meninggal=DIED,
        formal_worker="ASN",
    )
    step = next_step(facts, uhc_prioritas=True)
    assert (step.code, step.covered, step.office) == ("STATUS_DI_LUAR_WILAYAH", False, "dinkes")
    for text in (step.text.id, step.text.en):
        assert "04-03-2025" not in text and "PBI" not in text and "ASN" not in text


def test_a_recorded_death_comes_before_an_active_membership():
    # The person at the counter may be the NIK's owner: the death record is then wrong.
    step = next_step(member("PPU_BU", active=True, meninggal=DIED))
    assert (step.code, step.covered, step.office) == ("STATUS_TERCATAT_MENINGGAL", False, "desa")
    assert step.text.id.startswith("Tercatat meninggal pada 04-03-2025.")
    assert step.text.en.startswith("Recorded as deceased on 04-03-2025.")
    assert "BPJS mengaktifkan kembali" in step.text.id and "BPJS to reactivate" in step.text.en
    assert step.source == "Daftar kematian dan DKB (reference §6.3)"


# --- active ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "segment", ["PBI_APBN", "PBPU_BP_PEMDA", "PPU_PN", "PPU_BU", "PBPU_MANDIRI", "BP", None]
)
def test_an_active_member_of_any_segment_is_served_under_jkn(segment):
    step = next_step(member(segment, active=True))
    assert (step.code, step.covered, step.office) == ("STATUS_AKTIF", True, "puskesmas")
    assert step.text.id == "Peserta JKN aktif: layani dengan JKN."
    assert step.text.en == "Active JKN participant: serve under JKN."


def test_an_active_member_who_moved_out_is_still_served_because_jkn_is_national():
    step = next_step(Facts(found=True, resident=False, registered=True, active=True, pindah=MOVED))
    assert (step.code, step.covered) == ("STATUS_AKTIF", True)


# --- registered but inactive: the reason follows the segment -----------------------------------


@pytest.mark.parametrize(
    ("segment", "eligible", "code", "office", "to_pemda"),
    [
        ("PBI_APBN", None, "STATUS_PBI_NONAKTIF", "dinsos", False),
        ("PBI_APBN", False, "STATUS_PBI_NONAKTIF", "dinsos", False),
        ("PBI_APBN", True, "STATUS_PBI_NONAKTIF", "dinsos", True),
        ("PBPU_MANDIRI", None, "STATUS_MANDIRI_MENUNGGAK", "peserta", False),
        ("PBPU_MANDIRI", False, "STATUS_MANDIRI_MENUNGGAK", "peserta", False),
        ("PBPU_MANDIRI", True, "STATUS_MANDIRI_MENUNGGAK", "dinsos", True),
        ("PPU_BU", None, "STATUS_PPU_NONAKTIF", "pemberi_kerja", False),
        ("PPU_PN", True, "STATUS_PPU_NONAKTIF", "pemberi_kerja", True),
        ("PBPU_BP_PEMDA", None, "STATUS_PEMDA_NONAKTIF", "dinkes", False),
        ("PBPU_BP_PEMDA", True, "STATUS_PEMDA_NONAKTIF", "dinkes", False),  # already the Pemda's
        ("BP", None, "STATUS_TIDAK_AKTIF", "bpjs", False),
        (None, None, "STATUS_TIDAK_AKTIF", "bpjs", False),
        (None, True, "STATUS_TIDAK_AKTIF", "bpjs", True),
    ],
)
def test_an_inactive_member_is_sent_to_the_office_that_can_reactivate_them(
    segment, eligible, code, office, to_pemda
):
    step = next_step(member(segment, pemda_eligible=eligible))
    assert (step.code, step.covered, step.office) == (code, False, office)
    assert (TO_PEMDA_ID in step.text.id, TO_PEMDA_EN in step.text.en) == (to_pemda, to_pemda)


@pytest.mark.parametrize(
    ("segment", "reason_id", "reason_en", "source"),
    [
        ("PBI_APBN", "melalui SIKS-NG", "in SIKS-NG", "reference §5.2"),
        (
            "PBPU_MANDIRI",
            "rawat inap dalam 45 hari",
            "inpatient stay within 45 days",
            "reference §1.6",
        ),
        ("PPU_BU", "BKPSDM untuk ASN", "BKPSDM for civil servants", "Perpres 75/2019 Pasal 30"),
        (
            "PPU_PN",
            "iuran dibayar pemberi kerja",
            "the employer pays the premium",
            "reference §1.5",
        ),
        ("PBPU_BP_PEMDA", "di e-Dabu bersama BPJS", "in e-Dabu with BPJS", "Pasal 3(1)"),
        (
            "BP",
            "Tanyakan penyebabnya ke BPJS",
            "Ask BPJS Kesehatan for the cause",
            "reference §6.2",
        ),
    ],
)
def test_an_inactive_member_is_told_the_likely_reason_and_its_source(
    segment, reason_id, reason_en, source
):
    step = next_step(member(segment))
    assert reason_id in step.text.id and reason_en in step.text.en
    assert source in step.source


def test_the_pemda_sentence_follows_the_reason_for_an_eligible_deactivated_pbi_member():
    step = next_step(member("PBI_APBN", pemda_eligible=True))
    assert step.text.id.startswith("Terdaftar PBI JK tetapi dinonaktifkan.")
    assert step.text.id.endswith("mendaftarkannya sebagai PBPU-BP Pemda.")
    assert step.text.en.endswith("registers them as PBPU-BP Pemda.")


# --- not registered ----------------------------------------------------------------------------


def test_a_resident_who_moved_out_is_told_the_date_and_sent_to_the_pemda_of_residence():
    step = next_step(Facts(found=True, resident=False, pindah=MOVED))
    assert (step.code, step.covered, step.office) == ("STATUS_BUKAN_PENDUDUK", False, "peserta")
    assert step.text.id.startswith(
        "Tercatat pindah pada 31-01-2025. Belum terdaftar JKN dan bukan penduduk"
    )
    assert step.text.en.startswith(
        "Recorded as moved out on 31-01-2025. Not registered and not a resident"
    )
    assert "Pemda domisili" in step.text.id and "Pemda of residence" in step.text.en


def test_a_non_resident_without_a_move_date_is_told_only_that_they_are_not_a_resident():
    step = next_step(Facts(found=True, resident=False))
    assert step.code == "STATUS_BUKAN_PENDUDUK"
    assert step.text.id.startswith("Belum terdaftar JKN dan bukan penduduk kabupaten ini")
    assert "pindah" not in step.text.id.lower() and "moved" not in step.text.en


def test_a_pemda_pays_only_for_its_own_residents_even_when_the_person_qualifies():
    step = next_step(Facts(found=True, resident=False, pindah=MOVED, pemda_eligible=True), True)
    assert step.code == "STATUS_BUKAN_PENDUDUK"
    assert "Peraturan BPJS Kesehatan 5/2018 Pasal 3(1)" in step.source


@pytest.mark.parametrize("kind", ["ASN", "P3K", "perangkat_desa", "badan_usaha"])
def test_an_unregistered_formal_worker_is_the_employers_to_register_whatever_else_holds(kind):
    step = next_step(resident(formal_worker=kind, pemda_eligible=True), True)
    assert (step.code, step.office) == ("STATUS_BELUM_TERDAFTAR_PEKERJA", "pemberi_kerja")
    assert f"({kind}): pemberi kerja wajib mendaftarkannya (PPU)." in step.text.id
    assert f"({kind}): the employer must register them (PPU)." in step.text.en


@pytest.mark.parametrize(
    ("uhc_prioritas", "tail_id", "tail_en"),
    [
        (True, NOW_ID, NOW_EN),
        (False, NEXT_MONTH_ID, NEXT_MONTH_EN),
        (None, "sebagai PBPU-BP Pemda.", "as PBPU-BP Pemda."),
    ],
)
def test_a_qualifying_resident_needs_a_dinsos_letter_and_is_told_when_cover_starts(
    uhc_prioritas, tail_id, tail_en
):
    # Reference §2.3: prioritas → active the day of registration; cut-off → the following month.
    step = next_step(resident(pemda_eligible=True), uhc_prioritas)
    assert (step.code, step.office) == ("STATUS_BELUM_TERDAFTAR_LAYAK_PEMDA", "dinsos")
    assert step.text.id.startswith(
        "Belum terdaftar JKN dan layak dibiayai Pemda: minta surat rekomendasi Dinsos"
    )
    assert step.text.id.endswith(tail_id) and step.text.en.endswith(tail_en)


def test_when_the_status_is_unknown_no_activation_promise_is_made():
    step = next_step(resident(pemda_eligible=True))
    for word in ("prioritas", "bulan berikutnya", "following month", "the day they are"):
        assert word not in step.text.id and word not in step.text.en


@pytest.mark.parametrize(("uhc_prioritas", "tail_en"), [(True, NOW_EN), (False, NEXT_MONTH_EN)])
def test_when_eligibility_was_not_computed_dinsos_assesses_and_cover_timing_is_told(
    uhc_prioritas, tail_en
):
    step = next_step(resident(), uhc_prioritas)
    assert (step.code, step.office) == ("STATUS_BELUM_TERDAFTAR", "dinsos")
    assert "Minta Dinsos menilai kelayakan pembiayaan Pemda" in step.text.id
    assert "otherwise register as a self-paying participant" in step.text.en
    assert step.text.en.endswith(tail_en)


def test_a_resident_who_does_not_qualify_registers_as_mandiri_with_no_activation_promise():
    step = next_step(resident(pemda_eligible=False), uhc_prioritas=True)
    assert (step.code, step.office) == ("STATUS_BELUM_TERDAFTAR_MANDIRI", "peserta")
    assert "melalui Mobile JKN atau kantor BPJS" in step.text.id
    assert "ask the desa to update DTSEN" in step.text.en
    assert NOW_EN not in step.text.en
    assert "Perpres 64/2020 Pasal 34" in step.source


def test_dates_are_written_day_month_year_as_at_an_indonesian_counter():
    death = next_step(Facts(found=True, meninggal=date(2024, 12, 1)))
    move = next_step(Facts(found=True, resident=False, pindah=date(2025, 11, 9)))
    assert "01-12-2024" in death.text.id and "01-12-2024" in death.text.en
    assert "09-11-2025" in move.text.id and "09-11-2025" in move.text.en


# --- the NIK typed or pasted at the counter (semesta.core.identifiers) -------------------------

NIK = "6202011505900003"  # Kotim, kecamatan 01, man born 15-05-1990, serial 0003


@pytest.mark.parametrize(
    ("typed", "repairs"),
    [
        (NIK, ()),
        (f" {NIK}\n", ()),  # a barcode scanner's Enter, a stray space: not damage
        ("6202 0115 0590 0003", ("pemisah",)),  # grouped as printed on the KTP
        ("6202.0115.0590.0003", ("pemisah",)),
        ("6202-0115-0590-0003", ("pemisah",)),
        ("6202\u00a00115\u00a00590\u00a00003", ("pemisah",)),  # pasted from a web page
        (f"'{NIK}", ("apostrof",)),  # copied from an Excel text cell
        (f"\u2018{NIK}", ("apostrof",)),  # the same after a word processor
        (f"{NIK}.0", ("akhiran_desimal",)),
        ("6.202011505900003E+15", ("notasi_ilmiah",)),  # Excel's display, all 16 digits kept
        ("6,202011505900003E+15", ("notasi_ilmiah",)),  # the same with a decimal comma
    ],
)
def test_a_nik_typed_or_pasted_at_the_counter_is_read_when_nothing_is_uncertain(typed, repairs):
    parsed = parse_nik(typed, as_of=AS_OF)
    assert (parsed.nik, parsed.repairs, parsed.problem) == (NIK, repairs, None)
    assert parsed.kabupaten_code == "62.02"


@pytest.mark.parametrize(
    ("typed", "problem", "says"),
    [
        ("", "nik_kosong", "NIK is empty"),
        ("   ", "nik_kosong", "NIK is empty"),
        ("6.20201E+15", "nik_notasi_ilmiah", "the last 10 digits are lost and cannot be recovered"),
        ("620201150590003", "nik_panjang_salah", "has 15 digits, expected 16"),
        ("62020115059000033", "nik_panjang_salah", "has 17 digits, expected 16"),
        (f"{NIK} {NIK}", "nik_panjang_salah", "has 32 digits, expected 16"),  # pasted twice
        ("62O2011505900003", "nik_bukan_angka", "contains characters other than digits"),
        (f"NIK: {NIK}", "nik_bukan_angka", "contains characters other than digits"),
        (
            "9999011505900003",
            "nik_kode_wilayah_tidak_dikenal",
            "99.99 is not a known kabupaten/kota",
        ),
        ("6202013205900003", "nik_tanggal_lahir_tidak_valid", "birth date 32-05-90 is invalid"),
        ("6202011505900000", "nik_nomor_urut_0000", "serial 0000 is impossible"),
    ],
)
def test_a_nik_that_cannot_be_trusted_is_explained_not_looked_up(typed, problem, says):
    parsed = parse_nik(typed, as_of=AS_OF)
    assert (parsed.nik, parsed.status, parsed.problem) == (None, "rejected", problem)
    assert says in parsed.message.en
    assert parsed.message.id and parsed.message.id != parsed.message.en


@pytest.mark.parametrize(
    ("typed", "kabupaten"),
    [
        ("9271011505900003", "92.71"),  # Kota Sorong, Papua Barat before Papua Barat Daya (96.71)
        ("9201014505900003", "92.01"),  # Kabupaten Sorong (96.01), a woman
        ("9118011505900003", "91.18"),  # Asmat, Papua before Papua Selatan (93.04)
        ("9109011505900003", "91.09"),  # Mimika, Papua before Papua Tengah (94.04)
    ],
)
def test_a_nik_first_issued_in_papua_before_the_split_is_accepted(typed, kabupaten):
    # A NIK never changes (reference §3.1); Dukcapil: NIKs there began with 91 / 92 before 2023.
    parsed = parse_nik(typed, as_of=AS_OF)
    assert (parsed.nik, parsed.problem, parsed.kabupaten_code) == (typed, None, kabupaten)


def test_a_typed_nik_above_2_pow_53_is_not_suspected_of_excel_rounding():
    # Only a number can lose its last digit; typed text keeps every digit, even or odd.
    typed = "9671011505900002"  # Kota Sorong 96.71 (Papua Barat Daya), even last digit
    assert int(typed) > 2**53
    assert parse_nik(typed, as_of=AS_OF).nik == typed
    assert parse_nik(typed, as_of=AS_OF, numeric_cell=True).problem == "nik_digit_akhir_dibulatkan"


# --- what the counter shows: the NIK masked ------------------------------------------------------


def test_the_checked_nik_is_shown_with_its_kabupaten_and_serial_only():
    parsed = parse_nik("6202 0115 0590 0003", as_of=AS_OF)
    assert mask_id(parsed.nik) == "6202********0003"


@pytest.mark.parametrize(
    "typed",
    [
        "9999011505900003",
        "9999 0115 0590 0003",
        "9999.0115.0590.0003",
        "6202013205900003",
        "6202011505900000",
    ],
)
def test_the_explanation_of_a_rejected_16_digit_nik_can_be_shown_without_the_number(typed):
    # The web answer redacts the explanation (semesta.web.status); no 16-digit run may remain.
    message = parse_nik(typed, as_of=AS_OF).message
    for text in (redact(message.id), redact(message.en)):
        digits_only = re.sub(r"[ .\-]", "", text)
        assert not re.search(r"[0-9]{16}", digits_only), text
        assert "********" in text


def test_a_rejected_value_is_echoed_with_all_but_its_last_four_characters_hidden():
    parsed = parse_nik("9999011505900003", as_of=AS_OF)
    assert parsed.nik is None
    assert mask_id(parsed.raw) == "9999********0003"
    assert mask_id("62020115059003") == "**********9003"
