"""Rupiah and percentages, written the Indonesian way."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from semesta.core.money import format_percent, format_rupiah, parse_rupiah, percent_of
from semesta.core.text import SemestaError

GROUPED = re.compile(r"-?(Rp )?[0-9]{1,3}(\.[0-9]{3})*")


def test_seed_001_total_is_formatted_with_dots():
    assert format_rupiah(28_795 * 37_800) == "Rp 1.088.451.000"


@pytest.mark.parametrize(
    ("amount", "text"),
    [(0, "Rp 0"), (999, "Rp 999"), (1000, "Rp 1.000"), (-1000, "-Rp 1.000"), (42_000, "Rp 42.000")],
)
def test_small_amounts_and_negatives(amount, text):
    assert format_rupiah(amount) == text


def test_without_prefix_only_the_number_is_written():
    assert format_rupiah(1_088_451_000, prefix=False) == "1.088.451.000"
    assert format_rupiah(-1000, prefix=False) == "-1.000"


@pytest.mark.parametrize("bad", [1000.0, 0.1, Decimal("1000"), "1000", True, None])
def test_formatting_refuses_anything_but_int(bad):
    with pytest.raises(TypeError):
        format_rupiah(bad)


@given(st.integers())
def test_format_then_parse_gives_back_any_int(amount):
    assert parse_rupiah(format_rupiah(amount)) == amount
    assert parse_rupiah(format_rupiah(amount, prefix=False)) == amount


@given(st.integers())
def test_formatted_amounts_group_digits_by_three(amount):
    text = format_rupiah(amount)
    assert GROUPED.fullmatch(text)
    assert text.replace("Rp ", "").replace(".", "") == str(amount)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_floats_are_always_refused(value):
    with pytest.raises(TypeError):
        format_rupiah(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "Rp 1.088.451.000",
        "1.088.451.000,00",
        "1088451000",
        "Rp1.088.451.000,-",
        "Rp. 1.088.451.000",
        "IDR 1.088.451.000",
        "  rp 1.088.451.000,0 ",
        "Rp\u00a01.088.451.000",
    ],
)
def test_common_ways_of_writing_the_seed_total_are_read(text):
    assert parse_rupiah(text) == 1_088_451_000


@pytest.mark.parametrize("text", ["-Rp 1.000", "Rp -1.000", "-1.000"])
def test_negative_amounts_are_read(text):
    assert parse_rupiah(text) == -1000


def test_non_zero_sen_is_refused():
    with pytest.raises(SemestaError, match="non-zero sen"):
        parse_rupiah("Rp 1.000,50")


@pytest.mark.parametrize("text", ["1,000", "1,088,451,000", "Rp 1.000,000"])
def test_english_grouping_is_refused_as_ambiguous(text):
    with pytest.raises(SemestaError, match="ambiguous"):
        parse_rupiah(text)


@pytest.mark.parametrize(
    "text",
    ["", "Rp", "1.00", "1.0000", "10.00.000", "1 000", "1.000.-", "--1", "-Rp -1", "12a", "½"],
)
def test_anything_else_is_refused(text):
    with pytest.raises(SemestaError):
        parse_rupiah(text)


def test_parsing_refuses_non_text():
    with pytest.raises(TypeError):
        parse_rupiah(1000)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (Decimal("96.49"), 2, "96,49 %"),
        (Decimal("98.6"), 1, "98,6 %"),
        (Fraction(2, 3), 2, "0,67 %"),
        (Decimal("0.005"), 2, "0,01 %"),
        (Decimal("-1.5"), 2, "-1,50 %"),
        (Decimal("-0.001"), 2, "0,00 %"),
        (Decimal("118.09"), 0, "118 %"),
        (Decimal("1234.5"), 1, "1.234,5 %"),
        (100, 2, "100,00 %"),
    ],
)
def test_percentages_use_a_decimal_comma(value, digits, text):
    assert format_percent(value, digits) == text


def test_seed_003_coverage_is_written_as_published():
    assert format_percent(Decimal("96.49")) == "96,49 %"


def test_percent_of_is_exact_and_formats_like_the_published_figures():
    # Sumut, 1 Sep 2025: 12.555.579 active ÷ 15.640.905 population = 80,27 % (reference §2.2)
    assert format_percent(percent_of(12_555_579, 15_640_905)) == "80,27 %"
    assert percent_of(1, 3) == Fraction(100, 3)


def test_percent_of_a_zero_total_is_an_error():
    with pytest.raises(SemestaError):
        percent_of(1, 0)


@pytest.mark.parametrize("bad", [96.49, True, "96.49"])
def test_percentages_refuse_floats_and_text(bad):
    with pytest.raises(TypeError):
        format_percent(bad)


def test_percentages_refuse_nan_and_negative_digits():
    with pytest.raises(ValueError):
        format_percent(Decimal("NaN"))
    with pytest.raises(ValueError):
        format_percent(Decimal("1"), digits=-1)


@given(st.fractions(), st.integers(min_value=0, max_value=6))
def test_formatted_percentages_round_to_within_half_a_unit(value, digits):
    text = format_percent(value, digits)
    number = Fraction(Decimal(text.removesuffix(" %").replace(".", "").replace(",", ".")))
    assert abs(number - value) <= Fraction(1, 2 * 10**digits)
