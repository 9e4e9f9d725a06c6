"""NIK, nomor KK and BPJS card number (noka): normalise, repair Excel damage, validate.

Identifier structures follow the domain reference (jkn-domain.md §3):

* §3.1 NIK, 16 digits ``PP KK CC DDMMYY SSSS``: first-registration area, birth date with 40
  added to the day for women, serial from 0001 (Dukcapil). Validation as in python-stdnum
  ``stdnum/id/nik.py`` (known PPKK prefix, real date with ``day % 40``, both centuries) and
  Perl Business::ID::NIK (day > 40 means female, serial 0000 rejected). No check digit.
* §3.2 nomor KK, 16 digits: 6-digit issuing area, DDMMYY recording date, family serial from
  0001 (Perl Business::ID::NKK).
* §3.3 noka / No. KIS: 13 digits kept as a string with its leading zeros; its internal
  structure is undocumented, so it is never parsed.

Spreadsheets damage these numbers in a few recognisable ways (an apostrophe forcing text,
grouping spaces, a ``.0`` float suffix, scientific notation, 15-significant-digit rounding,
lost leading zeros). Only repairs that cannot change the identifier are made; each is recorded
by code. Anything uncertain is rejected with a reason, because a wrong NIK silently joins two
different people during reconciliation.

The Python functions are the specification and explain single values. ``nik_sql``,
``kk_sql`` and ``noka_sql`` give DuckDB expressions that reach the same first code for bulk
ingestion; both are built from the same character classes and patterns below.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from numbers import Integral
from typing import Literal

from semesta.core.regions import regions
from semesta.core.text import Bilingual

Status = Literal["valid", "repaired", "rejected"]

# --------------------------------------------------------------------------------------------
# Character classes and patterns, rendered for Python ``re`` and for DuckDB's RE2
# --------------------------------------------------------------------------------------------

# Whitespace that survives copy-paste from web pages, PDFs and Excel (NBSP, narrow NBSP,
# figure space, zero-width space, byte-order mark). Listed explicitly so that Python and SQL
# strip exactly the same characters (Python's str.strip and RE2's \s differ).
_SPACES = " \t\n\r\u00a0\u2007\u202f\u200b\ufeff"
# Grouping marks seen inside identifiers: "3202.0112.3456.0001", "3202-0112-...", "3,202,...".
_MARKS = ".,-"
# Excel's text prefix is the ASCII apostrophe; word processors turn it into typographic ones.
_APOSTROPHES = "'\u2018\u2019`"

_PATTERN_TEMPLATES = {
    # A printed float: mantissa with an optional decimal point or comma, exponent up to 999.
    "scientific": r"([0-9]+)(?:[.,]([0-9]+))?[eE]\+?([0-9]{1,3})",
    # A trailing .0/.00 (or ,0) is a decimal part only when that mark appears nowhere else:
    # in "3202.0112.3456.0000" the dots group digits and the last group is the serial.
    "decimal": r"(?:[0-9]+(?:[<SEP_NO_DOT>]+[0-9]+)*\.0+|[0-9]+(?:[<SEP_NO_COMMA>]+[0-9]+)*,0+)",
    "decimal_suffix": "[.,]0+$",
    # Digits with separators strictly between them; a leading "-" is not a separator.
    "separated": "[0-9]+(?:[<SEP>]+[0-9]+)*",
    "separator": "[<SEP>]",
    "apostrophe": "^[<APOS>]",
}

_CLASSES = {
    "<APOS>": _APOSTROPHES,
    "<SEP>": _SPACES + _MARKS,
    "<SEP_NO_DOT>": _SPACES + _MARKS.replace(".", ""),
    "<SEP_NO_COMMA>": _SPACES + _MARKS.replace(",", ""),
}
_CONTROL_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _class_body(chars: str) -> str:
    """Characters for use inside ``[...]``, written the same way for Python ``re`` and RE2."""
    parts = []
    for ch in chars:
        if ch in _CONTROL_ESCAPES:
            parts.append(_CONTROL_ESCAPES[ch])
        elif ch.isascii() and not ch.isalnum() and ch != " ":
            parts.append("\\" + ch)
        else:
            parts.append(ch)  # both engines match non-ASCII characters literally
    return "".join(parts)


def _render(template: str) -> str:
    for placeholder, chars in _CLASSES.items():
        template = template.replace(placeholder, _class_body(chars))
    return template


# The same pattern text serves Python (single values) and DuckDB's RE2 (bulk SQL).
_PATTERNS = {name: _render(template) for name, template in _PATTERN_TEMPLATES.items()}
_RE = {name: re.compile(pattern) for name, pattern in _PATTERNS.items()}

# Doubles hold every integer up to 2**53 exactly; above it (all Papua NIKs, 91xx-97xx) only
# even numbers exist, so an even last digit may be a rounded odd one.
_FLOAT_EXACT_LIMIT = 2**53

# --------------------------------------------------------------------------------------------
# Reason codes
# --------------------------------------------------------------------------------------------

_REPAIR_REASONS: dict[str, Bilingual] = {
    "apostrof": Bilingual("apostrof di depan dihapus", "leading apostrophe removed"),
    "pemisah": Bilingual("spasi/pemisah di antara angka dihapus", "spaces/separators removed"),
    "akhiran_desimal": Bilingual("akhiran desimal (.0) dihapus", "decimal suffix (.0) removed"),
    "notasi_ilmiah": Bilingual(
        "notasi ilmiah ditulis ulang; semua digit tersedia",
        "scientific notation expanded; every digit was present",
    ),
    "angka_excel": Bilingual(
        "dibaca dari sel angka; nilainya utuh karena digit terakhirnya tidak mungkin dibulatkan",
        "read from a numeric cell; exact because its last digit cannot have been rounded",
    ),
    "nol_di_depan": Bilingual(
        "nol di depan yang hilang dikembalikan (13 digit)",
        "lost leading zeros restored (13 digits)",
    ),
}

# Short labels per problem suffix; {id}/{en} is the identifier's name.
_PROBLEM_LABELS: dict[str, tuple[str, str]] = {
    "kosong": ("{id} kosong", "{en} is empty"),
    "notasi_ilmiah": (
        "{id} rusak oleh notasi ilmiah Excel; digit hilang",
        "{en} damaged by Excel scientific notation; digits lost",
    ),
    "bukan_angka": ("{id} berisi karakter selain angka", "{en} contains non-digit characters"),
    "panjang_salah": ("jumlah digit {id} salah", "{en} has the wrong number of digits"),
    "digit_akhir_dibulatkan": (
        "{id} dari sel angka; digit terakhir mungkin dibulatkan (Excel menyimpan 15 digit "
        "signifikan)",
        "{en} from a numeric cell; last digit may be rounded (Excel keeps 15 significant digits)",
    ),
    "kode_wilayah_tidak_dikenal": (
        "kode wilayah {id} tidak dikenal",
        "unknown region code in {en}",
    ),
    "tanggal_lahir_tidak_valid": (
        "tanggal lahir dalam {id} tidak valid",
        "invalid birth date in {en}",
    ),
    "tanggal_lahir_di_masa_depan": (
        "tanggal lahir dalam {id} di masa depan",
        "birth date in {en} is in the future",
    ),
    "tanggal_tidak_valid": (
        "tanggal pencatatan dalam {id} tidak valid",
        "invalid recording date in {en}",
    ),
    "nomor_urut_0000": (
        "nomor urut {id} 0000 (dimulai dari 0001)",
        "{en} serial 0000 (serials start at 0001)",
    ),
}


@dataclass(frozen=True)
class _Kind:
    code: str  # problem-code prefix
    id: str  # name in Bahasa Indonesia
    en: str  # name in English
    length: int
    problems: tuple[str, ...]


_COMMON = ("kosong", "notasi_ilmiah", "bukan_angka", "panjang_salah")
_NIK = _Kind(
    "nik",
    "NIK",
    "NIK",
    16,
    (
        *_COMMON,
        "digit_akhir_dibulatkan",
        "kode_wilayah_tidak_dikenal",
        "tanggal_lahir_tidak_valid",
        "tanggal_lahir_di_masa_depan",
        "nomor_urut_0000",
    ),
)
_KK = _Kind(
    "kk",
    "Nomor KK",
    "KK number",
    16,
    (
        *_COMMON,
        "digit_akhir_dibulatkan",
        "kode_wilayah_tidak_dikenal",
        "tanggal_tidak_valid",
        "nomor_urut_0000",
    ),
)
_NOKA = _Kind("noka", "Noka BPJS", "BPJS card number", 13, _COMMON)


def _reasons() -> dict[str, Bilingual]:
    reasons = dict(_REPAIR_REASONS)
    for kind in (_NIK, _KK, _NOKA):
        for suffix in kind.problems:
            label_id, label_en = _PROBLEM_LABELS[suffix]
            text = Bilingual(label_id, label_en).format(id=kind.id, en=kind.en)
            reasons[f"{kind.code}_{suffix}"] = Bilingual(
                text.id[0].upper() + text.id[1:], text.en[0].upper() + text.en[1:]
            )
    return reasons


REASONS: dict[str, Bilingual] = _reasons()
"""A short bilingual label for every repair code and every problem code (quarantine reports)."""

# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NikResult:
    raw: str
    nik: str | None
    status: Status
    repairs: tuple[str, ...]
    problem: str | None
    message: Bilingual
    province_code: str | None = None  # "62"
    kabupaten_code: str | None = None  # "62.02"
    kecamatan_code: str | None = None  # "62.02.01", as first registered (never checked)
    sex: Literal["L", "P"] | None = None
    birth_date: date | None = None
    century_ambiguous: bool = False
    birth_date_mismatch: bool = False
    serial: str | None = None


@dataclass(frozen=True)
class KkResult:
    raw: str
    kk: str | None
    status: Status
    repairs: tuple[str, ...]
    problem: str | None
    message: Bilingual
    recorded_on: date | None = None


@dataclass(frozen=True)
class NokaResult:
    raw: str
    noka: str | None
    status: Status
    repairs: tuple[str, ...]
    problem: str | None
    message: Bilingual


# --------------------------------------------------------------------------------------------
# Cleaning: shared by all three identifiers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cleaned:
    """A raw value reduced to its digits, or the reason it could not be."""

    text: str  # the raw value as text
    digits: str = ""
    repairs: tuple[str, ...] = ()
    failure: str | None = None  # "kosong" | "notasi_ilmiah" | "bukan_angka"
    lost_digits: int = 0  # for "notasi_ilmiah"
    numeric_cell: bool = False  # the cell (or Python value) was a number
    printed_number: bool = False  # the text is a printed number (".0" or "E+15")


@dataclass(frozen=True)
class _Problem:
    code: str
    message: Bilingual


def _clean(raw: object, numeric_cell: bool) -> _Cleaned:
    if raw is None:
        return _Cleaned("", failure="kosong", numeric_cell=numeric_cell)
    if isinstance(raw, float):
        return _clean_float(raw)
    if isinstance(raw, Integral) and not isinstance(raw, bool):
        value = int(raw)
        if value < 0:
            return _Cleaned(str(raw), failure="bukan_angka", numeric_cell=True)
        return _Cleaned(str(raw), digits=str(value), numeric_cell=True)
    return _clean_text(raw if isinstance(raw, str) else str(raw), numeric_cell)


def _clean_float(raw: float) -> _Cleaned:
    """Convert exactly (``int(raw)``): ``str(float)`` would print 3.202011234560017e+15."""
    text = str(raw)
    if math.isnan(raw):  # pandas' empty cell
        return _Cleaned(text, failure="kosong", numeric_cell=True)
    if not raw.is_integer() or raw < 0:  # also rejects inf (is_integer() is False)
        return _Cleaned(text, failure="bukan_angka", numeric_cell=True)
    return _Cleaned(text, digits=str(int(raw)), numeric_cell=True)


def _clean_text(text: str, numeric_cell: bool) -> _Cleaned:
    body = text.strip(_SPACES)  # outer whitespace is not damage, so it is not recorded
    unquoted = body.lstrip(_APOSTROPHES).lstrip(_SPACES)
    repairs = ("apostrof",) if _RE["apostrophe"].match(body) else ()
    base = _Cleaned(text, repairs=repairs, numeric_cell=numeric_cell)
    if not unquoted:
        return replace(base, failure="kosong")
    if match := _RE["scientific"].fullmatch(unquoted):
        return _expand_scientific(base, match)
    if _RE["decimal"].fullmatch(unquoted):
        grouped = _RE["decimal_suffix"].sub("", unquoted)
        cleaned = replace(base, repairs=(*repairs, "akhiran_desimal"), printed_number=True)
        return _ungroup(cleaned, grouped)
    if _RE["separated"].fullmatch(unquoted):
        return _ungroup(base, unquoted)
    return replace(base, failure="bukan_angka")


def _ungroup(cleaned: _Cleaned, grouped: str) -> _Cleaned:
    """Digits with separators between them: removing the separators loses nothing."""
    digits = _RE["separator"].sub("", grouped)
    repairs = (*cleaned.repairs, "pemisah") if digits != grouped else cleaned.repairs
    return replace(cleaned, digits=digits, repairs=repairs)


def _expand_scientific(cleaned: _Cleaned, match: re.Match[str]) -> _Cleaned:
    """``3.202011234560017E+15`` carries all 16 digits; ``3.20201E+15`` lost the last 10.

    The exponent shifts the point past the written fraction digits; every position beyond
    them was filled in by the spreadsheet, not by the data, so such a value is rejected.
    """
    int_part, fraction, exponent = match.group(1), match.group(2) or "", int(match.group(3))
    lost = exponent - len(fraction)
    if lost > 0:
        return replace(cleaned, failure="notasi_ilmiah", lost_digits=lost, printed_number=True)
    mantissa = int_part + fraction
    whole = len(int_part) + exponent
    if mantissa[whole:].strip("0"):  # a fraction is left: no identifier looks like that
        return replace(cleaned, failure="bukan_angka", printed_number=True)
    digits = mantissa[:whole].lstrip("0") or "0"
    repairs = (*cleaned.repairs, "notasi_ilmiah")
    return replace(cleaned, digits=digits, repairs=repairs, printed_number=True)


def _cleaning_problem(cleaned: _Cleaned, kind: _Kind) -> _Problem | None:
    raw = _shown(cleaned.text)
    if cleaned.failure == "kosong":
        return _problem(kind, "kosong", "{id} kosong", "{en} is empty")
    if cleaned.failure == "notasi_ilmiah":
        lost = cleaned.lost_digits
        return _problem(
            kind,
            "notasi_ilmiah",
            "{id} '{raw}' rusak oleh Excel (notasi ilmiah): {lost} digit terakhir hilang, "
            "tidak dapat diperbaiki",
            "{en} '{raw}' was damaged by Excel (scientific notation): the last {lost} digits "
            "are lost and cannot be recovered",
            raw=raw,
            lost=lost,
        )
    if cleaned.failure == "bukan_angka":
        return _problem(
            kind,
            "bukan_angka",
            "{id} '{raw}' berisi karakter selain angka",
            "{en} '{raw}' contains characters other than digits",
            raw=raw,
        )
    return None


def _problem(kind: _Kind, suffix: str, text_id: str, text_en: str, **values: object) -> _Problem:
    message = Bilingual(text_id, text_en).format(id=kind.id, en=kind.en, **values)
    return _Problem(f"{kind.code}_{suffix}", message)


def _shown(text: str, limit: int = 40) -> str:
    """The raw value as quoted in a message; long junk is cut so the message stays readable."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# 16-digit identifiers (NIK and KK)
# --------------------------------------------------------------------------------------------


def _screen_16(cleaned: _Cleaned, kind: _Kind) -> _Problem | None:
    """Checks common to NIK and KK, in order, up to and including the region prefix."""
    return (
        _cleaning_problem(cleaned, kind)
        or _length_problem(cleaned, kind)
        or _rounding_problem(cleaned, kind)
        or _prefix_problem(cleaned, kind)
    )


def _length_problem(cleaned: _Cleaned, kind: _Kind) -> _Problem | None:
    count = len(cleaned.digits)
    if count == kind.length:
        return None
    return _problem(
        kind,
        "panjang_salah",
        "{id} '{raw}' memiliki {count} digit, seharusnya {length}",
        "{en} '{raw}' has {count} digits, expected {length}",
        raw=_shown(cleaned.text),
        count=count,
        length=kind.length,
    )


def _passed_through_number(cleaned: _Cleaned) -> bool:
    return cleaned.numeric_cell or cleaned.printed_number


def _rounding_problem(cleaned: _Cleaned, kind: _Kind) -> _Problem | None:
    """A number may have lost its 16th digit; only digits that could not be rounded are kept.

    Excel keeps 15 significant digits, so a 16-digit number typed into a numeric cell ends in
    0 whatever its real last digit was. Tools writing full doubles are exact up to 2**53;
    above that only even values exist, so an even last digit may be a rounded odd one.
    """
    if not _passed_through_number(cleaned):
        return None
    digits, raw = cleaned.digits, _shown(cleaned.text)
    if digits.endswith("0"):
        return _problem(
            kind,
            "digit_akhir_dibulatkan",
            "{id} '{raw}' berasal dari angka (bukan teks) dan berakhir dengan 0: Excel hanya "
            "menyimpan 15 digit signifikan, jadi digit ke-16 mungkin sudah dibulatkan menjadi 0 "
            "dan tidak dapat dipulihkan",
            "{en} '{raw}' was stored as a number (not text) and ends in 0: Excel keeps only 15 "
            "significant digits, so the 16th digit may have been rounded to 0 and cannot be "
            "recovered",
            raw=raw,
        )
    if int(digits) > _FLOAT_EXACT_LIMIT and digits[-1] in "2468":
        return _problem(
            kind,
            "digit_akhir_dibulatkan",
            "{id} '{raw}' berasal dari angka (bukan teks) di atas 2^53 = 9.007.199.254.740.992: "
            "bilangan sebesar ini tidak tersimpan tepat, jadi digit terakhir mungkin sudah "
            "dibulatkan",
            "{en} '{raw}' was stored as a number (not text) above 2^53 = 9,007,199,254,740,992: "
            "such numbers are not stored exactly, so the last digit may have been rounded",
            raw=raw,
        )
    return None


def _prefix_problem(cleaned: _Cleaned, kind: _Kind) -> _Problem | None:
    """§3.1: the first 4 digits are a kabupaten/kota code, current or legacy (python-stdnum,
    Business::ID::NIK). The kecamatan is not checked: codes are renumbered when regions split
    and the NIK keeps its first-registration place."""
    prefix = cleaned.digits[:4]
    if regions().is_kabupaten_prefix(prefix):
        return None
    return _problem(
        kind,
        "kode_wilayah_tidak_dikenal",
        "{id} '{raw}': {prefix} bukan kode kabupaten/kota yang dikenal (Kemendagri 2025 "
        "atau kode lama)",
        "{en} '{raw}': {prefix} is not a known kabupaten/kota code (Kemendagri 2025 or legacy)",
        raw=_shown(cleaned.text),
        prefix=f"{prefix[:2]}.{prefix[2:]}",
    )


def _serial_problem(cleaned: _Cleaned, kind: _Kind) -> _Problem | None:
    """§3.1/§3.2: Dukcapil serials start at 0001; Business::ID::NIK and ::NKK reject 0000."""
    if cleaned.digits[12:] != "0000":
        return None
    return _problem(
        kind,
        "nomor_urut_0000",
        "{id} '{raw}': nomor urut 0000 tidak mungkin (nomor urut Dukcapil dimulai dari 0001)",
        "{en} '{raw}': serial 0000 is impossible (Dukcapil serials start at 0001)",
        raw=_shown(cleaned.text),
    )


def _number_repairs(cleaned: _Cleaned) -> tuple[str, ...]:
    """A 16-digit value read from a numeric cell that passed the rounding check is exact."""
    return (*cleaned.repairs, "angka_excel") if cleaned.numeric_cell else cleaned.repairs


def _status(repairs: tuple[str, ...]) -> Status:
    return "repaired" if repairs else "valid"


def _accepted_message(
    kind: _Kind,
    cleaned: _Cleaned,
    value: str,
    repairs: tuple[str, ...],
    notes: tuple[Bilingual, ...] = (),
) -> Bilingual:
    if repairs:
        message = Bilingual(
            "{id} '{raw}' diperbaiki menjadi '{value}': {what}",
            "{en} '{raw}' repaired to '{value}': {what_en}",
        ).format(
            id=kind.id,
            en=kind.en,
            raw=_shown(cleaned.text),
            value=value,
            what="; ".join(_REPAIR_REASONS[r].id for r in repairs),
            what_en="; ".join(_REPAIR_REASONS[r].en for r in repairs),
        )
    else:
        message = Bilingual("{id} '{value}' valid", "{en} '{value}' is valid").format(
            id=kind.id, en=kind.en, value=value
        )
    for note in notes:
        message = Bilingual(f"{message.id}; {note.id}", f"{message.en}; {note.en}")
    return message


# --------------------------------------------------------------------------------------------
# Dates inside identifiers
# --------------------------------------------------------------------------------------------


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@cache
def _oldest_plausible_birth(as_of: date) -> date:
    """The earliest birth date giving an age of at most 100 at ``as_of`` (same rule in SQL)."""
    day = date(as_of.year - 101, 1, 1)
    while _age(day, as_of) > 100:
        day += timedelta(days=1)
    return day


def _two_digit_fields(digits: str) -> tuple[int, int, int]:
    """DD, MM, YY of the DDMMYY block at positions 7-12 (both NIK and KK)."""
    return int(digits[6:8]), int(digits[8:10]), int(digits[10:12])


def _century_candidates(day: int, month: int, yy: int) -> list[date]:
    """The real dates 19yy-mm-dd and 20yy-mm-dd (29 Feb 00 exists only in 2000)."""
    found = []
    for century in (1900, 2000):
        try:
            found.append(date(century + yy, month, day))
        except ValueError:
            continue
    return found


def _nik_birth_candidates(digits: str) -> list[date]:
    """§3.1: DD is 01-31, or 41-71 for women (day + 40); MM is 01-12; the date must exist in
    at least one century (python-stdnum tries 19yy and 20yy with ``day % 40``)."""
    dd, month, yy = _two_digit_fields(digits)
    if not (1 <= dd <= 31 or 41 <= dd <= 71):
        return []
    return _century_candidates(dd - 40 if dd > 40 else dd, month, yy)


def _resolve_century(
    candidates: list[date], as_of: date, hint: date | None
) -> tuple[date, bool, bool]:
    """(birth date, century ambiguous, mismatch with the hint).

    YY is ambiguous by a century (§3.1), so a birth date from the data source decides when its
    day, month and yy agree. Otherwise: drop future dates and ages over 100; one left is
    certain; two left means the younger (ambiguous); none left means 19yy (ambiguous).
    """
    first = candidates[0]
    if hint is not None and (hint.day, hint.month, hint.year % 100) == (
        first.day,
        first.month,
        first.year % 100,
    ):
        return hint, False, False
    mismatch = hint is not None
    oldest = _oldest_plausible_birth(as_of)
    plausible = [c for c in candidates if oldest <= c <= as_of]
    if len(plausible) == 1:
        return plausible[0], False, mismatch
    if plausible:
        return max(plausible), True, mismatch
    return min(c for c in candidates if c <= as_of), True, mismatch


# --------------------------------------------------------------------------------------------
# NIK
# --------------------------------------------------------------------------------------------


def parse_nik(
    raw: object,
    *,
    as_of: date,
    birth_date: date | None = None,
    numeric_cell: bool = False,
) -> NikResult:
    """Normalise, repair and validate a NIK (§3.1); derive region, sex and birth date.

    ``raw`` is the cell value (str, int, float or None); ``numeric_cell`` says the cell was a
    number rather than text. ``birth_date`` from the same record only settles the century; a
    disagreement is flagged (``birth_date_mismatch``), not rejected, because reconciliation
    reports which source is wrong. Problems are checked in a fixed order and the first wins.
    """
    cleaned = _clean(raw, numeric_cell)
    problem = _screen_16(cleaned, _NIK) or _nik_date_problem(cleaned, as_of)
    problem = problem or _serial_problem(cleaned, _NIK)
    if problem is not None:
        return NikResult(
            cleaned.text, None, "rejected", cleaned.repairs, problem.code, problem.message
        )
    digits = cleaned.digits
    born, ambiguous, mismatch = _resolve_century(_nik_birth_candidates(digits), as_of, birth_date)
    repairs = _number_repairs(cleaned)
    notes = _birth_notes(born, ambiguous, mismatch, birth_date)
    return NikResult(
        raw=cleaned.text,
        nik=digits,
        status=_status(repairs),
        repairs=repairs,
        problem=None,
        message=_accepted_message(_NIK, cleaned, digits, repairs, notes),
        province_code=digits[:2],
        kabupaten_code=f"{digits[:2]}.{digits[2:4]}",
        kecamatan_code=f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}",
        sex="P" if int(digits[6:8]) > 40 else "L",
        birth_date=born,
        century_ambiguous=ambiguous,
        birth_date_mismatch=mismatch,
        serial=digits[12:],
    )


def _nik_date_problem(cleaned: _Cleaned, as_of: date) -> _Problem | None:
    digits, raw = cleaned.digits, _shown(cleaned.text)
    candidates = _nik_birth_candidates(digits)
    ddmmyy = f"{digits[6:8]}-{digits[8:10]}-{digits[10:12]}"
    if not candidates:
        return _problem(
            _NIK,
            "tanggal_lahir_tidak_valid",
            "{id} '{raw}': tanggal lahir {ddmmyy} tidak valid (tanggal 01–31, atau 41–71 "
            "untuk perempuan; bulan 01–12; tanggal harus ada di kalender)",
            "{en} '{raw}': birth date {ddmmyy} is invalid (day 01–31, or 41–71 for women; "
            "month 01–12; the date must exist)",
            raw=raw,
            ddmmyy=ddmmyy,
        )
    if all(c > as_of for c in candidates):
        return _problem(
            _NIK,
            "tanggal_lahir_di_masa_depan",
            "{id} '{raw}': tanggal lahir {dates} setelah {as_of}",
            "{en} '{raw}': birth date {dates} is after {as_of}",
            raw=raw,
            dates=" / ".join(c.isoformat() for c in candidates),
            as_of=as_of.isoformat(),
        )
    return None


def _birth_notes(
    born: date, ambiguous: bool, mismatch: bool, hint: date | None
) -> tuple[Bilingual, ...]:
    notes: list[Bilingual] = []
    if ambiguous:
        notes.append(
            Bilingual(
                "abad tahun lahir tidak pasti, dipakai {born}",
                "birth century uncertain, {born} used",
            ).format(born=born.isoformat())
        )
    if mismatch and hint is not None:
        notes.append(
            Bilingual(
                "tanggal lahir di sumber ({hint}) berbeda dengan NIK ({born})",
                "the source's birth date ({hint}) differs from the NIK's ({born})",
            ).format(hint=hint.isoformat(), born=born.isoformat())
        )
    return tuple(notes)


# --------------------------------------------------------------------------------------------
# Nomor KK
# --------------------------------------------------------------------------------------------

_KK_EARLIEST = date(1970, 1, 1)


def _kk_recording_candidates(digits: str, as_of: date) -> list[date]:
    """§3.2: DDMMYY is the recording date (no +40); never before 1970 nor after ``as_of``."""
    dd, month, yy = _two_digit_fields(digits)
    return [c for c in _century_candidates(dd, month, yy) if _KK_EARLIEST <= c <= as_of]


def parse_kk(raw: object, *, as_of: date, numeric_cell: bool = False) -> KkResult:
    """Normalise, repair and validate a nomor KK (§3.2): same Excel rules as the NIK, known
    PPKK prefix, a real recording date between 1970 and ``as_of``, serial from 0001
    (Business::ID::NKK). When both centuries fit, the later date is taken."""
    cleaned = _clean(raw, numeric_cell)
    problem = _screen_16(cleaned, _KK) or _kk_date_problem(cleaned, as_of)
    problem = problem or _serial_problem(cleaned, _KK)
    if problem is not None:
        return KkResult(
            cleaned.text, None, "rejected", cleaned.repairs, problem.code, problem.message
        )
    repairs = _number_repairs(cleaned)
    return KkResult(
        raw=cleaned.text,
        kk=cleaned.digits,
        status=_status(repairs),
        repairs=repairs,
        problem=None,
        message=_accepted_message(_KK, cleaned, cleaned.digits, repairs),
        recorded_on=max(_kk_recording_candidates(cleaned.digits, as_of)),
    )


def _kk_date_problem(cleaned: _Cleaned, as_of: date) -> _Problem | None:
    if _kk_recording_candidates(cleaned.digits, as_of):
        return None
    digits = cleaned.digits
    return _problem(
        _KK,
        "tanggal_tidak_valid",
        "{id} '{raw}': tanggal pencatatan {ddmmyy} tidak valid (harus tanggal nyata antara "
        "1970-01-01 dan {as_of})",
        "{en} '{raw}': recording date {ddmmyy} is invalid (must be a real date between "
        "1970-01-01 and {as_of})",
        raw=_shown(cleaned.text),
        ddmmyy=f"{digits[6:8]}-{digits[8:10]}-{digits[10:12]}",
        as_of=as_of.isoformat(),
    )


# --------------------------------------------------------------------------------------------
# Noka (BPJS card number)
# --------------------------------------------------------------------------------------------

_NOKA_MIN_DIGITS = 9  # at most 4 leading zeros lost; shorter values are not card numbers


def parse_noka(raw: object, *, numeric_cell: bool = False) -> NokaResult:
    """Normalise a BPJS card number (§3.3): 13 digits as a string, leading zeros kept.

    Its structure is undocumented, so nothing beyond the length is checked. Every card number
    has 13 digits, so 9-12 digits (a number cell, or text that went through one) can only mean
    lost leading zeros, and padding is certain. ``numeric_cell`` only changes the wording.
    """
    cleaned = _clean(raw, numeric_cell)
    problem = _cleaning_problem(cleaned, _NOKA) or _noka_length_problem(cleaned)
    if problem is not None:
        return NokaResult(
            cleaned.text, None, "rejected", cleaned.repairs, problem.code, problem.message
        )
    noka = cleaned.digits.zfill(_NOKA.length)
    repairs = cleaned.repairs if noka == cleaned.digits else (*cleaned.repairs, "nol_di_depan")
    return NokaResult(
        raw=cleaned.text,
        noka=noka,
        status=_status(repairs),
        repairs=repairs,
        problem=None,
        message=_accepted_message(_NOKA, cleaned, noka, repairs),
    )


def _noka_length_problem(cleaned: _Cleaned) -> _Problem | None:
    count = len(cleaned.digits)
    if _NOKA_MIN_DIGITS <= count <= _NOKA.length:
        return None
    return _problem(
        _NOKA,
        "panjang_salah",
        "{id} '{raw}' memiliki {count} digit, seharusnya 13 (atau 9–12 bila nol di depan hilang)",
        "{en} '{raw}' has {count} digits, expected 13 (or 9–12 when leading zeros were lost)",
        raw=_shown(cleaned.text),
        count=count,
    )


# --------------------------------------------------------------------------------------------
# SQL for bulk normalisation: same rules, same first code
# --------------------------------------------------------------------------------------------
#
# An identifier's SQL is a few layers of named pieces (``SqlSteps``), each layer computed over
# the one before by a nested ``SELECT *, <pieces> FROM (...)``. SQL has no ``let``: written as
# one flat expression, every output repeats every piece and sharing their evaluation is left to
# the optimiser; that form also took ~0.4 s per column just to plan. In layers each piece is
# computed once per row on any engine (DuckDB here, Spark for a province). The digits travel
# as one VARCHAR: the digits themselves, '' when empty, '!L' when scientific notation lost
# digits and '!X' when the text is not a number.
#
# Fast path. Real exports are ~99 % clean: plain digits in a text cell. For such a cell the
# cleaning steps do nothing, and the remaining rules (prefix, date, serial) come down to one
# regular expression and, for the dates, a comparison of integers. ``plain`` (a text cell of
# exactly the identifier's digits) lets the cleaning pieces skip their work, and ``clean`` (a
# plain cell that passes every rule the pattern can check) lets the rules and the dates skip
# theirs. The results are those of the full rules in every case: ``clean`` is sufficient, not
# necessary; a valid value it does not recognise (a woman born on 29 February 2000) gets the
# same answer from the rules.

# The depth of each kind of piece: a piece uses only pieces of smaller depth.
_TEXT, _PLAIN, _STRIPPED, _UNQUOTED, _SHAPE, _DIGITS, _DATES, _CODE = range(8)


# Layers of pieces: each layer's (name, expression) pairs may use the names of earlier layers.
Layers = tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True)
class SqlSteps:
    """An identifier's SQL: layers of (name, expression), then the outputs.

    The expressions of a layer use the input columns and the names of earlier layers; the
    outputs use any name. Names are unquoted here and quoted wherever they are used.
    """

    layers: Layers
    outputs: dict[str, str]

    def query(self, source: str) -> str:
        """``SELECT <outputs>`` over the table ``source``, with the layers nested in between."""
        outputs = ", ".join(f'{expr} AS "{name}"' for name, expr in self.outputs.items())
        return f"SELECT {outputs} FROM {with_layers(source, [self.layers])}"


def with_layers(source: str, all_layers: list[Layers]) -> str:
    """The relation ``source`` with every piece of ``all_layers`` added, depth by depth: the
    pieces of several columns at one depth share one nested SELECT."""
    relation = source
    for depth in range(max((len(layers) for layers in all_layers), default=0)):
        pieces = ", ".join(
            f'{expr} AS "{name}"'
            for layers in all_layers
            if depth < len(layers)
            for name, expr in layers[depth]
        )
        relation = f"(SELECT *, {pieces} FROM {relation}) AS _layer_{depth}"
    return relation


class _Layers:
    """Collects one identifier's pieces by depth, named ``__<prefix>_<piece>``."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.layers: list[list[tuple[str, str]]] = []

    def at(self, depth: int, **pieces: str) -> tuple[str, ...]:
        """Add ``pieces`` at ``depth``; returns their quoted names, in order."""
        while len(self.layers) <= depth:
            self.layers.append([])
        named = [(f"__{self.prefix}_{name}", expr) for name, expr in pieces.items()]
        self.layers[depth].extend(named)
        return tuple(f'"{name}"' for name, _ in named)

    def steps(self, outputs: dict[str, str]) -> SqlSteps:
        return SqlSteps(tuple(tuple(layer) for layer in self.layers), outputs)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _re2(name: str) -> str:
    return _lit(_PATTERNS[name])


@dataclass(frozen=True)
class _SqlValue:
    """The names of the cleaning pieces of one column: the steps of ``_clean_text``."""

    text: str  # the cell as VARCHAR
    numeric_cell: str  # BOOLEAN
    plain: str  # BOOLEAN: a text cell of the identifier's digits alone (always FALSE: no fast path)
    stripped: str
    unquoted: str
    scientific: str  # BOOLEAN: the text is a printed float
    decimal: str  # BOOLEAN: the text ends in a decimal .0 suffix
    digits: str


def _sql_value(
    layers: _Layers, value: str, numeric: str, length: int, fast_path: bool, numeric_matters: bool
) -> _SqlValue:
    """The cleaning pieces over the cell ``value`` (VARCHAR) and ``numeric`` (BOOLEAN)."""
    text, numeric_cell = layers.at(
        _TEXT, text=f"CAST(({value}) AS VARCHAR)", numeric=f"COALESCE(({numeric}), FALSE)"
    )
    plain_test = f"regexp_full_match({text}, '[0-9]{{{length}}}')"
    if numeric_matters:
        plain_test += f" AND NOT {numeric_cell}"
    (plain,) = layers.at(_PLAIN, plain=f"COALESCE({plain_test}, FALSE)" if fast_path else "FALSE")
    # A plain cell has nothing to strip: it is its own stripped and unquoted text.
    (stripped,) = layers.at(
        _STRIPPED,
        stripped=f"(CASE WHEN {plain} THEN {text}"
        f" ELSE trim(COALESCE({text}, ''), {_lit(_SPACES)}) END)",
    )
    (u,) = layers.at(
        _UNQUOTED,
        unquoted=f"(CASE WHEN {plain} THEN {text}"
        f" ELSE ltrim(ltrim({stripped}, {_lit(_APOSTROPHES)}), {_lit(_SPACES)}) END)",
    )

    def shape(name: str) -> str:  # plain cells are neither
        return f"(CASE WHEN {plain} THEN FALSE ELSE regexp_full_match({u}, {_re2(name)}) END)"

    scientific, decimal = layers.at(
        _SHAPE, scientific=shape("scientific"), decimal=shape("decimal")
    )
    suffix_or_separator = _lit(_PATTERNS["decimal_suffix"] + "|" + _PATTERNS["separator"])
    (digits,) = layers.at(
        _DIGITS,
        digits=(
            f"(CASE WHEN {plain} THEN {text} WHEN {u} = '' THEN ''"
            f" WHEN {scientific} THEN {_sql_scientific(u)}"
            f" WHEN {decimal} THEN regexp_replace({u}, {suffix_or_separator}, '', 'g')"
            f" WHEN regexp_full_match({u}, {_re2('separated')})"
            f" THEN regexp_replace({u}, {_re2('separator')}, '', 'g')"
            f" ELSE '!X' END)"
        ),
    )
    return _SqlValue(text, numeric_cell, plain, stripped, u, scientific, decimal, digits)


def _sql_scientific(u: str) -> str:
    """``_expand_scientific``: '!L' when digits were lost, '!X' when a fraction is left."""
    mantissa = f"regexp_replace({u}, '^([0-9]+)[.,]?([0-9]*)[eE].*$', '\\1\\2')"
    int_digits = f"length(regexp_extract({u}, '^[0-9]+'))"
    whole = f"({int_digits} + CAST(regexp_extract({u}, '[0-9]+$') AS INTEGER))"
    return (
        f"(CASE WHEN {whole} > length({mantissa}) THEN '!L'"
        f" WHEN NOT regexp_full_match(substr({mantissa}, {whole} + 1), '0*') THEN '!X'"
        f" ELSE regexp_replace(left({mantissa}, {whole}), '^0+([0-9])', '\\1') END)"
    )


def _sql_first_repair(v: _SqlValue, number_repair: str) -> str:
    """The first code ``_clean_text`` would record, then the number repair (a WHEN clause)."""
    return (
        f"(CASE WHEN regexp_matches({v.stripped}, {_re2('apostrophe')}) THEN 'apostrof'"
        f" WHEN {v.scientific} THEN 'notasi_ilmiah'"
        f" WHEN {v.decimal} THEN 'akhiran_desimal'"
        f" WHEN regexp_matches({v.unquoted}, {_re2('separator')}) THEN 'pemisah'"
        f" {number_repair} END)"
    )


def _sql_prefix_pattern() -> str:
    """The accepted PPKK codes as one anchored alternation, grouped by province."""
    return "^" + _prefix_alternation()


def _prefix_alternation() -> str:
    """The accepted PPKK codes as one group ``(?:11(?:01|02|...)|...)``, grouped by province."""
    by_province: dict[str, list[str]] = {}
    for code in sorted(regions().kabupaten_prefixes()):
        by_province.setdefault(code[:2], []).append(code[2:])
    groups = (f"{pp}(?:{'|'.join(kk)})" for pp, kk in by_province.items())
    return "(?:" + "|".join(groups) + ")"


def _sql_screen_16(v: _SqlValue, kind: _Kind) -> list[tuple[str, str]]:
    """(condition, code) pairs of ``_screen_16``, in the same order."""
    d, p = v.digits, kind.code
    through_number = f"({v.numeric_cell} OR {v.scientific} OR {v.decimal})"
    rounded = (
        f"(right({d}, 1) = '0' OR ({d} > '{_FLOAT_EXACT_LIMIT}'"
        f" AND right({d}, 1) IN ('2', '4', '6', '8')))"
    )
    return [
        (f"{d} = ''", f"{p}_kosong"),
        (f"{d} = '!L'", f"{p}_notasi_ilmiah"),
        (f"{d} = '!X'", f"{p}_bukan_angka"),
        (f"length({d}) <> {kind.length}", f"{p}_panjang_salah"),
        (f"{through_number} AND {rounded}", f"{p}_digit_akhir_dibulatkan"),
        (
            f"NOT regexp_matches({d}, {_lit(_sql_prefix_pattern())})",
            f"{p}_kode_wilayah_tidak_dikenal",
        ),
    ]


def _sql_code(layers: _Layers, clean: str, checks: list[tuple[str, str]], first_repair: str) -> str:
    """The code piece: the first failed check, else the first repair; NULL for clean cells."""
    whens = " ".join(f"WHEN {condition} THEN {_lit(code)}" for condition, code in checks)
    (code,) = layers.at(
        _CODE, code=f"(CASE WHEN {clean} THEN NULL ELSE (CASE {whens} ELSE {first_repair} END) END)"
    )
    return code


def _sql_rejected(code: str, kind: _Kind) -> str:
    """TRUE when rejected, FALSE when repaired, NULL when valid."""
    return f"starts_with({code}, '{kind.code}_')"


def _sql_status(code: str, kind: _Kind) -> str:
    return (
        f"(CASE {_sql_rejected(code, kind)} WHEN TRUE THEN 'rejected'"
        f" WHEN FALSE THEN 'repaired' ELSE 'valid' END)"
    )


def _sql_unless_rejected(code: str, kind: _Kind, expr: str) -> str:
    return f"(CASE WHEN {_sql_rejected(code, kind)} THEN NULL ELSE {expr} END)"


def _sql_yymmdd(d: str, *, female_day: bool) -> str:
    """'yy-mm-dd' from the DDMMYY block at positions 7-12.

    For the NIK, 40 is taken off a woman's day by rewriting its tens digit (4-7 → 0-3); DD
    outside 01-31/41-71 is caught by the NIK's own range check, not here.
    """
    block = "^[0-9]{6}([0-9]{2})([0-9]{2})([0-9]{2})[0-9]{4}$"
    iso = f"regexp_replace({d}, '{block}', '\\3-\\2-\\1')"
    if female_day:
        for tens, day_tens in (("4", "0"), ("5", "1"), ("6", "2"), ("7", "3")):
            iso = f"regexp_replace({iso}, '-{tens}([0-9])$', '-{day_tens}\\1')"
    return iso


def _sql_centuries(
    layers: _Layers, v: _SqlValue, clean: str, *, female_day: bool
) -> tuple[str, str]:
    """The pieces c19 and c20: the DDMMYY block as a date in 19yy and in 20yy, NULL when no
    such day exists and for clean cells (which get their date from ``_SqlBlock``)."""
    yymmdd = _sql_yymmdd(v.digits, female_day=female_day)
    c19, c20 = layers.at(
        _DATES,
        **{
            f"c{century}": (
                f"(CASE WHEN {clean} THEN NULL"
                f" ELSE TRY_CAST(concat('{century}', {yymmdd}) AS DATE) END)"
            )
            for century in ("19", "20")
        },
    )
    return c19, c20


def _sql_date(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


_SERIAL_FROM_0001 = "(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
_ANY_MONTH = "(?:0[1-9]|1[0-2])"
_NOT_FEBRUARY = "(?:0[13-9]|1[0-2])"
_MONTH_OF_31 = "(?:0[13578]|1[02])"
# yy whose 29 February exists in 19yy and in 20yy: multiples of 4 except 00 (1900 is no leap
# year). With 29-02-00 left out, every accepted block is a real date in both centuries.
_LEAP_YY = "(?:0[48]|[2468][048]|[13579][26])"
_NIK_DAY_MONTH = "^[0-9]{6}(?:0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01])(?:0[1-9]|1[0-2])"


def _ddmmyy_pattern(*, female_day: bool) -> str:
    """DDMMYY blocks that are a real date in both 19yy and 20yy (NIK: also with day + 40)."""
    alternatives = []
    for tens in (0, 4) if female_day else (0,):
        t0, t1, t2, t3 = (str(tens + i) for i in range(4))
        alternatives += [
            f"(?:{t0}[1-9]|{t1}[0-9]|{t2}[0-8]){_ANY_MONTH}[0-9]{{2}}",
            f"{t2}9(?:{_NOT_FEBRUARY}[0-9]{{2}}|02{_LEAP_YY})",
            f"{t3}0{_NOT_FEBRUARY}[0-9]{{2}}",
            f"{t3}1{_MONTH_OF_31}[0-9]{{2}}",
        ]
    return "(?:" + "|".join(alternatives) + ")"


def _clean_16_pattern(*, female_day: bool) -> str:
    """16 digits: known PPKK, any kecamatan, DDMMYY as above, serial 0001-9999."""
    ddmmyy = _ddmmyy_pattern(female_day=female_day)
    return f"{_prefix_alternation()}[0-9]{{2}}{ddmmyy}{_SERIAL_FROM_0001}"


@dataclass(frozen=True)
class _SqlBlock:
    """The DDMMYY block of a plain cell, as INTEGER expressions over the piece ``block``."""

    block: str

    @property
    def yy(self) -> str:
        return f"({self.block} % 100)"

    @property
    def month(self) -> str:
        return f"(({self.block} // 100) % 100)"

    @property
    def day(self) -> str:  # without the 40 added for women: 41-71 -> 1-31; 01-31 unchanged
        return f"(({self.block} // 10000) % 40)"

    @property
    def key(self) -> str:  # yy * 10000 + month * 100 + day: orders the dates of one century
        return f"({self.yy} * 10000 + {self.month} * 100 + {self.day})"

    def date_in(self, century: str) -> str:
        """The date in ``century`` (an INTEGER expression: 1900 or 2000)."""
        return f"make_date(({century}) + {self.yy}, {self.month}, {self.day})"

    def within(self, century: int, first: date, last: date) -> str:
        """BOOLEAN: the date in ``century`` lies in ``first..last``."""
        return f"({self.key} BETWEEN {_key_of(first, century)} AND {_key_of(last, century)})"


def _sql_block(layers: _Layers, v: _SqlValue) -> _SqlBlock:
    """The DDMMYY block of plain cells, a piece beside ``stripped``."""
    (block,) = layers.at(
        _STRIPPED,
        block=f"(CASE WHEN {v.plain} THEN TRY_CAST(substr({v.text}, 7, 6) AS INTEGER) END)",
    )
    return _SqlBlock(block)


def _key_of(day: date, century: int) -> int:
    """``day`` on the scale of ``_SqlBlock.key`` for the dates of ``century`` (1900, 2000)."""
    return (day.year - century) * 10000 + day.month * 100 + day.day


def _sql_clean(layers: _Layers, v: _SqlValue, pattern: str, also: str | None = None) -> str:
    """The piece ``clean``: a plain cell whose text matches ``pattern`` (and ``also``)."""
    test = f"{v.plain} AND regexp_full_match({v.text}, {_lit(pattern)})"
    if also:
        test += f" AND {also}"
    (clean,) = layers.at(_UNQUOTED, clean=f"COALESCE({test}, FALSE)")
    return clean


def nik_sql(
    value: str,
    numeric: str = "FALSE",
    *,
    as_of: date,
    prefix: str = "nik",
    fast_path: bool = True,
) -> SqlSteps:
    """The SQL equivalent of ``parse_nik`` without a birth-date hint.

    ``value`` is a VARCHAR SQL expression (the cell as text) and ``numeric`` a BOOLEAN one (the
    cell was a number). Outputs: ``nik`` (16 digits or NULL), ``status``, ``code`` (the
    problem when rejected, else the first repair, else NULL), ``sex`` ('L'/'P') and
    ``birth_date`` (century by the age rule of ``parse_nik``); all NULL when rejected.
    ``fast_path=False`` gives the same results the slow way, for the benchmark.
    """
    layers = _Layers(prefix)
    v = _sql_value(layers, value, numeric, _NIK.length, fast_path, numeric_matters=True)
    b = _sql_block(layers, v)
    # With a clean DDMMYY block both centuries exist and the earlier, 19yy, is the one checked
    # against the future: before 2000 it may lie after as_of.
    in_past = f"{b.key} <= {_key_of(as_of, 1900)}" if as_of < date(1999, 12, 31) else None
    clean = _sql_clean(layers, v, _clean_16_pattern(female_day=True), in_past)
    c19, c20 = _sql_centuries(layers, v, clean, female_day=True)
    d, today = v.digits, _sql_date(as_of)
    earliest = f"COALESCE({c19}, {c20})"  # 19yy precedes 20yy whenever both exist
    checks = [
        *_sql_screen_16(v, _NIK),
        (
            f"NOT regexp_matches({d}, '{_NIK_DAY_MONTH}') OR {earliest} IS NULL",
            "nik_tanggal_lahir_tidak_valid",
        ),
        (f"{earliest} > {today}", "nik_tanggal_lahir_di_masa_depan"),
        (f"substr({d}, 13, 4) = '0000'", "nik_nomor_urut_0000"),
    ]
    first_repair = _sql_first_repair(v, f"WHEN {v.numeric_cell} THEN 'angka_excel'")
    code = _sql_code(layers, clean, checks, first_repair)
    plausible = f"BETWEEN {_sql_date(_oldest_plausible_birth(as_of))} AND {today}"
    born = (
        f"(CASE WHEN {c20} {plausible} THEN {c20} WHEN {c19} {plausible} THEN {c19}"
        f" WHEN {c19} <= {today} THEN {c19} ELSE {c20} END)"
    )
    # A clean cell: 20yy when that is a plausible birth date, else 19yy (``born`` reduced).
    plausible_20 = b.within(2000, _oldest_plausible_birth(as_of), as_of)
    born_clean = b.date_in(f"CASE WHEN {plausible_20} THEN 2000 ELSE 1900 END")
    sex = f"(CASE WHEN substr({d}, 7, 2) > '40' THEN 'P' ELSE 'L' END)"
    return layers.steps(
        {
            "nik": _sql_unless_rejected(code, _NIK, d),
            "status": _sql_status(code, _NIK),
            "code": code,
            "sex": _sql_unless_rejected(code, _NIK, sex),
            "birth_date": f"(CASE WHEN {clean} THEN {born_clean}"
            f" ELSE {_sql_unless_rejected(code, _NIK, born)} END)",
        }
    )


def kk_sql(
    value: str,
    numeric: str = "FALSE",
    *,
    as_of: date,
    prefix: str = "kk",
    fast_path: bool = True,
) -> SqlSteps:
    """The SQL equivalent of ``parse_kk``: ``kk``, ``status``, ``code`` and ``recorded_on``
    (the later century within 1970-01-01..as_of)."""
    layers = _Layers(prefix)
    v = _sql_value(layers, value, numeric, _KK.length, fast_path, numeric_matters=True)
    b = _sql_block(layers, v)
    in_20 = b.within(2000, _KK_EARLIEST, as_of)
    in_19 = b.within(1900, _KK_EARLIEST, as_of)
    clean = _sql_clean(layers, v, _clean_16_pattern(female_day=False), f"({in_20} OR {in_19})")
    c19, c20 = _sql_centuries(layers, v, clean, female_day=False)
    d = v.digits
    window = f"BETWEEN {_sql_date(_KK_EARLIEST)} AND {_sql_date(as_of)}"
    recorded = f"(CASE WHEN {c20} {window} THEN {c20} WHEN {c19} {window} THEN {c19} END)"
    checks = [
        *_sql_screen_16(v, _KK),
        (f"{recorded} IS NULL", "kk_tanggal_tidak_valid"),
        (f"substr({d}, 13, 4) = '0000'", "kk_nomor_urut_0000"),
    ]
    first_repair = _sql_first_repair(v, f"WHEN {v.numeric_cell} THEN 'angka_excel'")
    code = _sql_code(layers, clean, checks, first_repair)
    recorded_clean = b.date_in(f"CASE WHEN {in_20} THEN 2000 ELSE 1900 END")
    return layers.steps(
        {
            "kk": _sql_unless_rejected(code, _KK, d),
            "status": _sql_status(code, _KK),
            "code": code,
            "recorded_on": f"(CASE WHEN {clean} THEN {recorded_clean}"
            f" ELSE {_sql_unless_rejected(code, _KK, recorded)} END)",
        }
    )


def noka_sql(
    value: str, numeric: str = "FALSE", *, prefix: str = "noka", fast_path: bool = True
) -> SqlSteps:
    """The SQL equivalent of ``parse_noka``: ``noka``, ``status``, ``code``.

    ``numeric`` is accepted for symmetry; as in ``parse_noka`` it changes no outcome, so a
    plain cell of 13 digits is clean whatever its type.
    """
    layers = _Layers(prefix)
    v = _sql_value(layers, value, numeric, _NOKA.length, fast_path, numeric_matters=False)
    d = v.digits
    checks = [
        (f"{d} = ''", "noka_kosong"),
        (f"{d} = '!L'", "noka_notasi_ilmiah"),
        (f"{d} = '!X'", "noka_bukan_angka"),
        (f"length({d}) NOT BETWEEN {_NOKA_MIN_DIGITS} AND {_NOKA.length}", "noka_panjang_salah"),
    ]
    padding = f"WHEN length({d}) < {_NOKA.length} THEN 'nol_di_depan'"
    code = _sql_code(layers, v.plain, checks, _sql_first_repair(v, padding))
    return layers.steps(
        {
            "noka": _sql_unless_rejected(code, _NOKA, f"lpad({d}, {_NOKA.length}, '0')"),
            "status": _sql_status(code, _NOKA),
            "code": code,
        }
    )
