"""NIK, nomor KK and noka: Excel damage repaired only when certain, every rejection explained.

Rules: domain reference §3.1 (NIK), §3.2 (KK), §3.3 (noka); serial 0000 and the +40 day as in
Dukcapil, python-stdnum ``id.nik`` and Perl Business::ID::NIK / ::NKK.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from semesta.core.identifiers import (
    REASONS,
    KkResult,
    NikResult,
    parse_kk,
    parse_nik,
    parse_noka,
)
from semesta.core.regions import regions

AS_OF = date(2025, 6, 30)
PREFIXES = sorted(regions().kabupaten_prefixes())

MAN_1990 = "6202010105900017"  # Kotawaringin Timur, kec. 01, born 01-05-1990, serial 0017
WOMAN_1990 = "6202014105900017"  # the same day for a woman: 01 + 40 = 41


def nik(
    prefix: str = "620201", dd: int = 1, mm: int = 5, yy: int = 90, serial: str = "0017"
) -> str:
    return f"{prefix}{dd:02d}{mm:02d}{yy:02d}{serial}"


def nik_of(
    raw: object,
    *,
    as_of: date = AS_OF,
    birth_date: date | None = None,
    numeric_cell: bool = False,
) -> NikResult:
    return parse_nik(raw, as_of=as_of, birth_date=birth_date, numeric_cell=numeric_cell)


# --------------------------------------------------------------------------------------------
# NIK: valid values and what is derived from them
# --------------------------------------------------------------------------------------------


def test_a_clean_nik_is_valid_and_yields_region_sex_birth_date_and_serial():
    result = nik_of(MAN_1990)
    assert (result.status, result.nik, result.repairs, result.problem) == (
        "valid",
        MAN_1990,
        (),
        None,
    )
    assert (result.province_code, result.kabupaten_code, result.kecamatan_code) == (
        "62",
        "62.02",
        "62.02.01",
    )
    assert (result.sex, result.birth_date, result.serial) == ("L", date(1990, 5, 1), "0017")
    assert not result.century_ambiguous and not result.birth_date_mismatch
    assert MAN_1990 in result.message.id and MAN_1990 in result.message.en


def test_a_woman_has_40_added_to_her_birth_day():
    result = nik_of(WOMAN_1990)
    assert (result.status, result.sex, result.birth_date) == ("valid", "P", date(1990, 5, 1))
    last_day = nik_of(nik(dd=71, mm=12, yy=85))
    assert (last_day.sex, last_day.birth_date) == ("P", date(1985, 12, 31))


def test_outer_whitespace_is_not_damage_and_is_not_reported():
    result = nik_of(f"  {MAN_1990}\u00a0\n")
    assert (result.status, result.nik, result.repairs) == ("valid", MAN_1990, ())


# --------------------------------------------------------------------------------------------
# NIK: repairs of Excel damage
# --------------------------------------------------------------------------------------------


def test_a_leading_apostrophe_is_removed_and_reported():
    result = nik_of("'" + MAN_1990)
    assert (result.status, result.nik, result.repairs) == ("repaired", MAN_1990, ("apostrof",))
    assert "apostrof" in result.message.id and "apostrophe" in result.message.en


def test_a_typographic_apostrophe_from_a_word_processor_is_also_removed():
    assert nik_of("\u2019" + MAN_1990).repairs == ("apostrof",)


@pytest.mark.parametrize(
    "written",
    [
        "6202 0101 0590 0017",
        "6202.0101.0590.0017",
        "6202-0101-0590-0017",
        "62.02.01.010590.0017",
        "6202\u00a00101\u00a00590\u00a00017",
        "6202\t0101\t0590\t0017",
        "6.202.010.105.900.017",
        "6,202,010,105,900,017",
    ],
)
def test_separators_between_digit_groups_are_removed_and_reported(written):
    result = nik_of(written)
    assert (result.status, result.nik, result.repairs) == ("repaired", MAN_1990, ("pemisah",))


@pytest.mark.parametrize("suffix", [".0", ".00", ",0", ",00"])
def test_a_decimal_suffix_is_removed_and_reported(suffix):
    result = nik_of(MAN_1990 + suffix)
    assert (result.status, result.nik, result.repairs) == (
        "repaired",
        MAN_1990,
        ("akhiran_desimal",),
    )


def test_dots_that_group_digits_are_not_mistaken_for_a_decimal_point():
    # The last group is the serial 0000, not a ".0000" fraction: the value is 16 digits.
    result = nik_of("6202.0101.0590.0000")
    assert result.problem == "nik_nomor_urut_0000"


def test_a_decimal_point_that_also_groups_digits_is_ambiguous_and_not_repaired():
    # The dots group digits, so the final ".0" cannot be told from a group: 17 digits.
    assert nik_of("6202.0101.0590.0017.0").problem == "nik_panjang_salah"
    assert nik_of("6202 0101 0590 0017.0").nik == MAN_1990


def test_a_decimal_suffix_on_15_digits_does_not_become_a_16th_digit():
    result = nik_of(MAN_1990[:15] + ".0")
    assert (result.status, result.problem) == ("rejected", "nik_panjang_salah")
    assert "15" in result.message.id


@pytest.mark.parametrize(
    "written", ["6.202010105900017E+15", "6,202010105900017E+15", "6.202010105900017e15"]
)
def test_scientific_notation_carrying_all_16_digits_is_expanded(written):
    result = nik_of(written)
    assert (result.status, result.nik, result.repairs) == (
        "repaired",
        MAN_1990,
        ("notasi_ilmiah",),
    )


def test_scientific_notation_that_lost_digits_is_rejected_and_says_how_many():
    result = nik_of("3.20201E+15")
    assert (result.status, result.nik, result.problem) == (
        "rejected",
        None,
        "nik_notasi_ilmiah",
    )
    assert result.message.id == (
        "NIK '3.20201E+15' rusak oleh Excel (notasi ilmiah): 10 digit terakhir hilang, "
        "tidak dapat diperbaiki"
    )
    assert "last 10 digits" in result.message.en


def test_scientific_notation_one_digit_short_is_still_rejected():
    result = nik_of("6.20201010590001E+15")
    assert result.problem == "nik_notasi_ilmiah"
    assert "1 digit" in result.message.id


def test_scientific_notation_with_a_fraction_left_over_is_not_a_number_id():
    assert nik_of("6.2020101059000175E+15").problem == "nik_bukan_angka"


def test_a_number_whose_last_digit_is_not_0_is_exact_and_reported():
    for raw in (int(MAN_1990), float(MAN_1990)):
        result = nik_of(raw)
        assert (result.status, result.nik, result.repairs) == (
            "repaired",
            MAN_1990,
            ("angka_excel",),
        )
    text_of_a_number = nik_of(MAN_1990, numeric_cell=True)
    assert text_of_a_number.repairs == ("angka_excel",)


def test_a_number_ending_in_0_may_have_lost_its_16th_digit_and_is_rejected():
    ends_in_0 = nik(serial="0010")
    for raw, numeric_cell in (
        (int(ends_in_0), False),
        (float(ends_in_0), False),
        (ends_in_0, True),
    ):
        result = nik_of(raw, numeric_cell=numeric_cell)
        assert (result.status, result.problem) == ("rejected", "nik_digit_akhir_dibulatkan")
        assert "15 digit signifikan" in result.message.id
        assert "15 significant digits" in result.message.en
    # The same digits typed as text are exact.
    assert nik_of(ends_in_0).status == "valid"


def test_a_printed_float_ending_in_0_is_as_uncertain_as_the_number_it_came_from():
    assert nik_of(nik(serial="0010") + ".0").problem == "nik_digit_akhir_dibulatkan"


def test_a_number_above_2_pow_53_with_an_even_last_digit_may_have_been_rounded():
    # Papua NIKs (91xx-97xx) exceed 2**53: a double holds only even values there.
    even = nik(prefix="947101", serial="0018")
    odd = nik(prefix="947101", serial="0017")
    assert nik_of(int(even)).problem == "nik_digit_akhir_dibulatkan"
    assert "2^53" in nik_of(int(even)).message.en
    assert nik_of(int(odd)).repairs == ("angka_excel",)
    assert nik_of(even).status == "valid"  # as text it is exact


def test_repairs_are_reported_in_the_order_they_were_made():
    result = nik_of("'6202 0101 0590 0017.0")
    assert result.repairs == ("apostrof", "akhiran_desimal", "pemisah")
    assert result.nik == MAN_1990


# --------------------------------------------------------------------------------------------
# NIK: problems, each reported first in the documented order
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, "", "   ", "\u00a0", float("nan"), "'"])
def test_an_empty_value_is_rejected_as_empty(raw):
    result = nik_of(raw)
    assert (result.status, result.nik, result.problem) == ("rejected", None, "nik_kosong")


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "62020101059OOO17",
        "NIK 6202010105900017",
        "-6202010105900017",
        "6202..",
        -5,
        1.5,
        math.inf,
        "6202_0101_0590_0017",
        True,
    ],
)
def test_other_characters_are_rejected_as_not_a_number(raw):
    assert nik_of(raw).problem == "nik_bukan_angka"


def test_a_wrong_length_is_rejected_and_the_message_gives_the_count():
    short = nik_of(MAN_1990[:-1])
    assert (short.problem, short.status) == ("nik_panjang_salah", "rejected")
    assert "15 digit" in short.message.id and "15 digits" in short.message.en
    assert nik_of(MAN_1990 + "1").problem == "nik_panjang_salah"


def test_an_unknown_kabupaten_prefix_is_rejected_but_6202_is_accepted():
    assert nik_of(nik(prefix="629901")).problem == "nik_kode_wilayah_tidak_dikenal"
    assert "62.99" in nik_of(nik(prefix="629901")).message.id
    assert nik_of(nik(prefix="620201")).status == "valid"


def test_legacy_papua_prefixes_are_accepted():
    # 94.71 Kota Jayapura (Papua, before the 2022 split) is legacy; 96.04 Tambrauw is the
    # current Papua Barat Daya code (it was 91.09 before 2022).
    for prefix in ("947101", "960401", "910901"):
        assert nik_of(nik(prefix=prefix)).status == "valid", prefix


def test_the_kecamatan_is_not_checked():
    assert nik_of(nik(prefix="620299")).status == "valid"


@pytest.mark.parametrize(
    ("dd", "mm", "yy"),
    [
        (0, 5, 90),
        (32, 5, 90),
        (40, 5, 90),
        (72, 5, 90),
        (1, 0, 90),
        (1, 13, 90),
        (31, 2, 90),
        (71, 2, 90),
        (29, 2, 1),
        (31, 4, 90),
    ],
)
def test_an_impossible_birth_date_is_rejected(dd, mm, yy):
    result = nik_of(nik(dd=dd, mm=mm, yy=yy))
    assert result.problem == "nik_tanggal_lahir_tidak_valid"
    assert f"{dd:02d}-{mm:02d}-{yy:02d}" in result.message.id


def test_29_february_is_valid_when_either_century_is_a_leap_year():
    assert nik_of(nik(dd=29, mm=2, yy=0)).birth_date == date(2000, 2, 29)  # 1900 is not leap
    assert nik_of(nik(dd=69, mm=2, yy=96)).birth_date == date(1996, 2, 29)


def test_a_birth_date_after_the_data_date_in_both_centuries_is_rejected():
    result = nik_of(nik(yy=90), as_of=date(1985, 1, 1))
    assert result.problem == "nik_tanggal_lahir_di_masa_depan"
    assert "1990-05-01" in result.message.id and "1985-01-01" in result.message.en


def test_serial_0000_is_rejected_because_dukcapil_serials_start_at_0001():
    result = nik_of(nik(serial="0000"))
    assert result.problem == "nik_nomor_urut_0000"
    assert "0001" in result.message.id


def test_the_first_problem_in_order_is_reported():
    # Unknown prefix, impossible date and serial 0000 at once: the prefix comes first.
    assert nik_of(nik(prefix="629901", dd=32, serial="0000")).problem == (
        "nik_kode_wilayah_tidak_dikenal"
    )
    assert nik_of(nik(dd=32, serial="0000")).problem == "nik_tanggal_lahir_tidak_valid"


# --------------------------------------------------------------------------------------------
# NIK: the century of the birth year
# --------------------------------------------------------------------------------------------


def test_the_century_that_is_neither_future_nor_over_100_years_ago_is_taken():
    assert nik_of(nik(yy=90)).birth_date == date(1990, 5, 1)  # 2090 is in the future
    too_old = nik_of(nik(dd=1, mm=1, yy=10))  # 1910 would be 115 years old
    assert (too_old.birth_date, too_old.century_ambiguous) == (date(2010, 1, 1), False)


def test_when_both_centuries_are_possible_the_younger_is_taken_and_flagged():
    result = nik_of(nik(dd=1, mm=1, yy=25))  # 1925 (aged 100) or 2025 (a baby)
    assert (result.birth_date, result.century_ambiguous) == (date(2025, 1, 1), True)
    assert "abad" in result.message.id and "century" in result.message.en


def test_when_both_centuries_are_over_100_years_ago_19yy_is_taken_and_flagged():
    result = nik_of(nik(dd=1, mm=1, yy=5), as_of=date(2130, 1, 1))
    assert (result.birth_date, result.century_ambiguous) == (date(1905, 1, 1), True)


def test_a_matching_birth_date_from_the_source_settles_the_century():
    result = nik_of(nik(dd=1, mm=1, yy=25), birth_date=date(1925, 1, 1))
    assert (result.birth_date, result.century_ambiguous, result.birth_date_mismatch) == (
        date(1925, 1, 1),
        False,
        False,
    )


def test_a_disagreeing_birth_date_is_flagged_not_rejected_and_the_nik_date_is_kept():
    result = nik_of(MAN_1990, birth_date=date(1990, 5, 2))
    assert (result.status, result.birth_date, result.birth_date_mismatch) == (
        "valid",
        date(1990, 5, 1),
        True,
    )
    assert "1990-05-02" in result.message.id


def test_age_100_is_still_plausible_and_age_101_is_not():
    aged_100 = nik_of(nik(dd=1, mm=7, yy=24))  # 1924-07-01 turns 101 a day after the data date
    assert (aged_100.birth_date, aged_100.century_ambiguous) == (date(2024, 7, 1), True)
    aged_101 = nik_of(nik(dd=30, mm=6, yy=24))  # 1924-06-30 is 101: only 2024 remains
    assert (aged_101.birth_date, aged_101.century_ambiguous) == (date(2024, 6, 30), False)


# --------------------------------------------------------------------------------------------
# Nomor KK
# --------------------------------------------------------------------------------------------

KK = "6202011503150004"  # Kotawaringin Timur, recorded 15-03-2015, family 0004


def kk_of(raw: object, *, as_of: date = AS_OF, numeric_cell: bool = False) -> KkResult:
    return parse_kk(raw, as_of=as_of, numeric_cell=numeric_cell)


def test_a_clean_kk_number_is_valid_and_gives_its_recording_date():
    result = kk_of(KK)
    assert (result.status, result.kk, result.repairs, result.recorded_on) == (
        "valid",
        KK,
        (),
        date(2015, 3, 15),
    )
    assert "Nomor KK" in result.message.id and "KK number" in result.message.en


@pytest.mark.parametrize(
    ("raw", "numeric_cell", "repairs"),
    [
        ("'" + KK, False, ("apostrof",)),
        ("6202 0115 0315 0004", False, ("pemisah",)),
        (KK + ".0", False, ("akhiran_desimal",)),
        ("6.202011503150004E+15", False, ("notasi_ilmiah",)),
        (int(KK), False, ("angka_excel",)),
        (KK, True, ("angka_excel",)),
    ],
)
def test_the_kk_number_gets_the_same_excel_repairs_as_the_nik(raw, numeric_cell, repairs):
    result = kk_of(raw, numeric_cell=numeric_cell)
    assert (result.status, result.kk, result.repairs) == ("repaired", KK, repairs)


@pytest.mark.parametrize(
    ("raw", "numeric_cell", "problem"),
    [
        (None, False, "kk_kosong"),
        ("KK-6202", False, "kk_bukan_angka"),
        (KK[:-2], False, "kk_panjang_salah"),
        ("6.20201E+15", False, "kk_notasi_ilmiah"),
        (int(KK[:-1] + "0"), False, "kk_digit_akhir_dibulatkan"),
        ("6299011503150004", False, "kk_kode_wilayah_tidak_dikenal"),
        ("6202014103150004", False, "kk_tanggal_tidak_valid"),  # no +40 on a KK
        ("6202013102150004", False, "kk_tanggal_tidak_valid"),  # 31 February
        ("6202011503650004", False, "kk_tanggal_tidak_valid"),  # 1965 < 1970, 2065 future
        ("6202010107250004", False, "kk_tanggal_tidak_valid"),  # 2025-07-01 after the data
        ("6202011503150000", False, "kk_nomor_urut_0000"),
    ],
)
def test_each_kk_problem_is_named(raw, numeric_cell, problem):
    result = kk_of(raw, numeric_cell=numeric_cell)
    assert (result.status, result.kk, result.problem) == ("rejected", None, problem)
    assert result.message.id and result.message.en


def test_a_kk_recording_date_in_both_centuries_takes_the_later():
    assert kk_of("6202010101720004", as_of=date(2075, 1, 1)).recorded_on == date(2072, 1, 1)
    assert kk_of("6202010101720004").recorded_on == date(1972, 1, 1)


# --------------------------------------------------------------------------------------------
# Noka (BPJS card number)
# --------------------------------------------------------------------------------------------

NOKA = "0001238681643"  # sample from OpenSID/OpenKab PR #423 (reference §3.3)


def test_a_13_digit_card_number_keeps_its_leading_zeros():
    result = parse_noka(NOKA)
    assert (result.status, result.noka, result.repairs) == ("valid", NOKA, ())


def test_a_13_digit_number_without_leading_zeros_is_exact():
    assert parse_noka(1105986780439).status == "valid"


@pytest.mark.parametrize(
    ("raw", "numeric_cell", "repairs"),
    [
        (1238681643, False, ("nol_di_depan",)),
        (1238681643.0, False, ("nol_di_depan",)),
        ("1238681643", True, ("nol_di_depan",)),
        ("1238681643", False, ("nol_di_depan",)),
        ("'" + NOKA, False, ("apostrof",)),
        ("0001 2386 8164 3", False, ("pemisah",)),
        ("1238681643.0", False, ("akhiran_desimal", "nol_di_depan")),
        ("1.238681643E+9", False, ("notasi_ilmiah", "nol_di_depan")),
    ],
)
def test_card_number_repairs(raw, numeric_cell, repairs):
    result = parse_noka(raw, numeric_cell=numeric_cell)
    assert (result.status, result.noka, result.repairs) == ("repaired", NOKA, repairs)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (None, "noka_kosong"),
        ("", "noka_kosong"),
        ("BPJS0001238681643", "noka_bukan_angka"),
        ("1.23868E+9", "noka_notasi_ilmiah"),
        ("00012386816431", "noka_panjang_salah"),
        ("12386816", "noka_panjang_salah"),
        (12386816, "noka_panjang_salah"),
    ],
)
def test_card_number_problems(raw, problem):
    result = parse_noka(raw)
    assert (result.status, result.noka, result.problem) == ("rejected", None, problem)


def test_a_lossy_card_number_message_names_the_value():
    message = parse_noka("1.23868E+9").message
    assert "1.23868E+9" in message.id and "1.23868E+9" in message.en


# --------------------------------------------------------------------------------------------
# Reason labels
# --------------------------------------------------------------------------------------------

REPAIR_CODES = {
    "apostrof",
    "pemisah",
    "akhiran_desimal",
    "notasi_ilmiah",
    "angka_excel",
    "nol_di_depan",
}
NIK_PROBLEMS = {
    "kosong",
    "notasi_ilmiah",
    "bukan_angka",
    "panjang_salah",
    "digit_akhir_dibulatkan",
    "kode_wilayah_tidak_dikenal",
    "tanggal_lahir_tidak_valid",
    "tanggal_lahir_di_masa_depan",
    "nomor_urut_0000",
}
KK_PROBLEMS = {
    "kosong",
    "notasi_ilmiah",
    "bukan_angka",
    "panjang_salah",
    "digit_akhir_dibulatkan",
    "kode_wilayah_tidak_dikenal",
    "tanggal_tidak_valid",
    "nomor_urut_0000",
}
NOKA_PROBLEMS = {"kosong", "notasi_ilmiah", "bukan_angka", "panjang_salah"}


def test_every_repair_and_problem_code_has_a_bilingual_label():
    expected = (
        REPAIR_CODES
        | {f"nik_{p}" for p in NIK_PROBLEMS}
        | {f"kk_{p}" for p in KK_PROBLEMS}
        | {f"noka_{p}" for p in NOKA_PROBLEMS}
    )
    assert set(REASONS) == expected
    for code, label in REASONS.items():
        assert label.id and label.en and label.id != label.en, code


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

OLDEST = date(AS_OF.year - 100, AS_OF.month, AS_OF.day) + timedelta(days=1)


@st.composite
def valid_niks(draw) -> tuple[str, str, date]:
    """(NIK, sex, birth date) from a known prefix, a real date within 100 years, serial ≥ 1."""
    prefix = draw(st.sampled_from(PREFIXES))
    kecamatan = draw(st.integers(0, 99))
    born = draw(st.dates(min_value=OLDEST, max_value=AS_OF))
    sex = draw(st.sampled_from("LP"))
    serial = draw(st.integers(1, 9999))
    day = born.day + (40 if sex == "P" else 0)
    digits = f"{prefix}{kecamatan:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    return digits, sex, born


@settings(max_examples=300, deadline=None)
@given(valid_niks())
def test_any_well_formed_nik_is_valid_and_round_trips_sex_and_birth_date(case):
    digits, sex, born = case
    result = nik_of(digits)
    assert (result.status, result.nik, result.sex) == ("valid", digits, sex)
    assert result.birth_date == born or result.century_ambiguous
    assert result.birth_date is not None
    assert (result.birth_date.day, result.birth_date.month) == (born.day, born.month)
    hinted = nik_of(digits, birth_date=born)
    assert (hinted.birth_date, hinted.birth_date_mismatch) == (born, False)


def may_be_rounded(digits: str) -> bool:
    return digits.endswith("0") or (int(digits) > 2**53 and int(digits) % 2 == 0)


SEPARATORS = st.sampled_from([" ", ".", "-", "\u00a0", "\t", "  "])


@settings(max_examples=300, deadline=None)
@given(
    valid_niks(),
    st.booleans(),
    st.one_of(st.none(), SEPARATORS),
    st.sampled_from(["", ".0", ".00", ",0"]),
    st.sampled_from(["", " ", "\u00a0"]),
)
def test_decorating_a_valid_nik_yields_the_same_nik_as_repaired(
    case, apostrophe, separator, suffix, padding
):
    # "3202.0112.3456.0017.0" is ambiguous (is the last dot a decimal point?): see below.
    assume(not (separator == "." and suffix.startswith(".")))
    digits = case[0]
    grouped = separator.join(digits[i : i + 4] for i in range(0, 16, 4)) if separator else digits
    written = padding + ("'" if apostrophe else "") + grouped + suffix + padding
    result = nik_of(written)
    if suffix and may_be_rounded(digits):
        # A printed float may hide a rounded last digit: it ends in 0 (Excel keeps 15
        # significant digits) or is an even number above 2**53.
        assert result.problem == "nik_digit_akhir_dibulatkan"
        return
    assert result.nik == digits
    expected = [
        name
        for name, used in (
            ("apostrof", apostrophe),
            ("akhiran_desimal", suffix),
            ("pemisah", separator),
        )
        if used
    ]
    assert list(result.repairs) == expected
    assert result.status == ("repaired" if expected else "valid")


ANY_VALUE = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789 .,-'eE+\u00a0\t", max_size=30),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)


@settings(max_examples=500, deadline=None)
@given(ANY_VALUE, st.booleans())
def test_parsing_never_raises_and_always_explains_itself(raw, numeric_cell):
    for result, value, problems in (
        (nik_of(raw, numeric_cell=numeric_cell), "nik", NIK_PROBLEMS),
        (kk_of(raw, numeric_cell=numeric_cell), "kk", KK_PROBLEMS),
        (parse_noka(raw, numeric_cell=numeric_cell), "noka", NOKA_PROBLEMS),
    ):
        assert result.message.id and result.message.en
        assert set(result.repairs) <= REPAIR_CODES
        if result.status == "rejected":
            assert getattr(result, value) is None
            assert result.problem in {f"{value}_{p}" for p in problems}
        else:
            assert result.problem is None
            assert getattr(result, value).isdigit()
            assert result.status == ("repaired" if result.repairs else "valid")


@settings(max_examples=300, deadline=None)
@given(st.integers(10**8, 10**13 - 1))
def test_a_card_number_survives_as_text_and_comes_back_from_a_number(number):
    noka = f"{number:013d}"
    assert parse_noka(noka).noka == noka
    assert parse_noka(noka).status == "valid"
    for raw in (number, float(number)):
        result = parse_noka(raw)
        assert result.noka == noka
        assert result.repairs == (("nol_di_depan",) if noka.startswith("0") else ())
    assert parse_noka(str(number), numeric_cell=True).noka == noka
