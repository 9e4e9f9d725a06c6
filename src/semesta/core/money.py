"""Rupiah and percentages, Indonesian style: ``Rp 1.088.451.000`` and ``96,49 %``.

Money is always an integer number of Rupiah; floats are refused (TypeError) because they cannot
represent amounts such as 28.795 × Rp 37.800 = Rp 1.088.451.000 (seed 001 Tabel 1) safely once
summed over a year. Percentages are exact (:class:`~fractions.Fraction` or
:class:`~decimal.Decimal`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from semesta.core.text import Bilingual, SemestaError

_RUPIAH = re.compile(
    r"""
    (?P<sign>-?)\s*
    (?:(?:RP\.?|IDR)\s*)?
    (?P<sign2>-?)\s*
    (?P<whole>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)
    (?:,(?P<sen>[0-9]{1,2}|-))?
    """,
    re.VERBOSE,
)
_ENGLISH_GROUPING = re.compile(r"[0-9],[0-9]{3}(?![0-9])")

_MSG_NOT_RUPIAH = Bilingual(
    "{text!r} bukan jumlah Rupiah yang dikenali (contoh: 'Rp 1.088.451.000')",
    "{text!r} is not a recognised Rupiah amount (e.g. 'Rp 1.088.451.000')",
)
_MSG_AMBIGUOUS = Bilingual(
    "{text!r} ambigu: ',' diikuti tiga angka bisa pemisah ribuan gaya Inggris",
    "{text!r} is ambiguous: ',' followed by three digits may be English thousands grouping",
)
_MSG_SEN = Bilingual(
    "{text!r} memuat sen bukan nol; jumlah Rupiah harus bulat",
    "{text!r} has non-zero sen; Rupiah amounts must be whole",
)
_MSG_ZERO = Bilingual(
    "persentase dari total nol tidak terdefinisi", "a percentage of a zero total is undefined"
)


def _require_int(amount: object) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"Rupiah amounts must be int, not {type(amount).__name__}")
    return amount


def _group_thousands(number: int) -> str:
    """``1088451000`` → ``'1.088.451.000'`` (Indonesian thousands separator)."""
    return f"{number:,}".replace(",", ".")


def format_rupiah(amount: int, *, prefix: bool = True) -> str:
    """``1088451000`` → ``'Rp 1.088.451.000'``; ``-1000`` → ``'-Rp 1.000'``; floats → TypeError."""
    amount = _require_int(amount)
    sign = "-" if amount < 0 else ""
    body = _group_thousands(abs(amount))
    return f"{sign}Rp {body}" if prefix else f"{sign}{body}"


def parse_rupiah(text: str) -> int:
    """Read a Rupiah amount written the Indonesian way; SemestaError if it is not exact.

    Accepts ``'Rp 1.088.451.000'``, ``'1.088.451.000,00'``, ``'1088451000'``,
    ``'Rp1.088.451.000,-'`` and a leading minus. Rejects non-zero sen (``'1.000,50'``),
    English grouping (``'1,000'``), irregular dot groups (``'1.00'``) and anything else.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_rupiah expects str, not {type(text).__name__}")
    cleaned = " ".join(text.replace("\u00a0", " ").split()).upper()
    match = _RUPIAH.fullmatch(cleaned)
    if match is None:
        message = _MSG_AMBIGUOUS if _ENGLISH_GROUPING.search(cleaned) else _MSG_NOT_RUPIAH
        raise SemestaError(message.format(text=text))
    if match["sign"] and match["sign2"]:
        raise SemestaError(_MSG_NOT_RUPIAH.format(text=text))
    sen = match["sen"]
    if sen is not None and sen != "-" and int(sen) != 0:
        raise SemestaError(_MSG_SEN.format(text=text))
    value = int(match["whole"].replace(".", ""))
    return -value if match["sign"] or match["sign2"] else value


def percent_of(part: int, whole: int) -> Fraction:
    """``part`` as an exact percentage of ``whole``: ``percent_of(1, 4) == Fraction(25)``."""
    if _require_int(whole) == 0:
        raise SemestaError(_MSG_ZERO)
    return Fraction(100 * _require_int(part), whole)


def _round_half_up(value: Fraction) -> int:
    """Round to the nearest integer, halves away from zero (as reports do)."""
    magnitude = (abs(value.numerator) * 2 + value.denominator) // (2 * value.denominator)
    return -magnitude if value < 0 else magnitude


def format_percent(value: Fraction | Decimal | int, digits: int = 2) -> str:
    """A percentage (already × 100) the Indonesian way: ``Decimal("96.49")`` → ``'96,49 %'``.

    Rounds half away from zero to ``digits`` decimals; floats → TypeError. Use
    :func:`percent_of` to turn a count and a total into the percentage.
    """
    if isinstance(value, bool) or not isinstance(value, Fraction | Decimal | int):
        raise TypeError(f"percentages must be Fraction, Decimal or int, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"not a finite percentage: {value}")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError(f"digits must be a non-negative int, not {digits!r}")
    scaled = _round_half_up(Fraction(value) * 10**digits)
    whole, fraction = divmod(abs(scaled), 10**digits)
    sign = "-" if scaled < 0 else ""
    decimals = f",{fraction:0{digits}d}" if digits else ""
    return f"{sign}{_group_thousands(whole)}{decimals} %"
