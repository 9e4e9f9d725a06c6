"""What every command shares (``semesta.console``): Indonesian digit grouping, dates typed on the
command line, one JSON document on stdout with ``--json``, progress on stderr, JSON-ready values."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from semesta import console
from semesta.console import JsonOption, LangOption, emit, number, parse_date, plain, progress
from semesta.core.money import format_rupiah, parse_rupiah
from semesta.core.text import SemestaError

QUICK = settings(max_examples=60, deadline=None)

# --- number ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1_000, "1.000"),
        (28_795, "28.795"),  # seed 001 Tabel 1: penambahan peserta
        (454_515, "454.515"),  # the default Kotawaringin Timur population
        (1_088_451_000, "1.088.451.000"),  # seed 001: Rupiah per month
        (-1_234_567, "-1.234.567"),
    ],
)
def test_a_count_is_grouped_by_thousands_with_dots(value, text):
    assert number(value) == text


@QUICK
@given(st.integers())
def test_number_writes_the_same_digits_as_the_rupiah_formatter_without_its_prefix(value):
    assert number(value) == format_rupiah(value, prefix=False)


@QUICK
@given(st.integers(min_value=0, max_value=10**15))
def test_every_group_after_the_first_has_exactly_three_digits(value):
    first, *rest = number(value).split(".")
    assert 1 <= len(first) <= 3 and all(len(group) == 3 for group in rest)
    assert first + "".join(rest) == str(value)


# Ways officers write an amount that `parse_rupiah` promises to read (its docstring and seed 001:
# "Rp11.319.157.000,00", "Rp2.176.902.000,-").
DECORATIONS = [
    "{}",
    "Rp {}",
    "Rp{}",
    "Rp. {}",
    "rp {}",
    "IDR {}",
    "Rp\u00a0{}",
    "  Rp {}  ",
    "{},00",
    "Rp{},00",
    "Rp{},-",
    "{},0",
]


@QUICK
@given(st.integers(min_value=0, max_value=10**15), st.sampled_from(DECORATIONS))
def test_a_printed_amount_reads_back_however_it_is_decorated(value, decoration):
    assert parse_rupiah(decoration.format(number(value))) == value


@QUICK
@given(st.integers(min_value=1, max_value=10**15), st.sampled_from(DECORATIONS[:4]))
def test_a_printed_negative_amount_reads_back_negative(value, decoration):
    assert parse_rupiah("-" + decoration.format(number(value)).strip()) == -value


@QUICK
@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=99))
def test_an_amount_with_non_zero_sen_is_always_refused(value, sen):
    with pytest.raises(SemestaError, match="sen"):
        parse_rupiah(f"Rp {number(value)},{sen:02d}")


@QUICK
@given(st.integers(min_value=1_000, max_value=10**12))
def test_an_amount_grouped_the_english_way_is_refused_as_ambiguous(value):
    english = f"{value:,}"  # 1,088,451,000: a thousands comma an Indonesian reads as decimals
    with pytest.raises(SemestaError) as refused:
        parse_rupiah(english)
    assert "ambigu" in refused.value.message.id and "ambiguous" in refused.value.message.en


# --- parse_date -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-06-15", date(2025, 6, 15)),
        ("2023-05-31", date(2023, 5, 31)),  # seed 001: the BPJS letter the plan reproduces
        ("2024-02-29", date(2024, 2, 29)),  # a leap day
    ],
)
def test_a_date_written_yyyy_mm_dd_is_accepted(text, day):
    assert parse_date(text) == day


def test_an_empty_date_means_today():
    before = date.today()
    parsed = parse_date("")
    assert before <= parsed <= date.today()


@QUICK
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_any_calendar_date_written_in_iso_form_reads_back_as_itself(day):
    assert parse_date(day.isoformat()) == day


@pytest.mark.parametrize(
    "text",
    [
        "31-05-2023",  # the Indonesian day-first order
        "31/05/2023",
        "2023/05/31",
        "2023-13-01",  # no 13th month
        "2023-02-29",  # 2023 is not a leap year
        "2023-04-31",
        "2023-5-31",  # the month needs two digits
        "kemarin",
        "2023-05-31 besok",
    ],
)
def test_a_date_in_another_form_is_refused(text):
    with pytest.raises(SemestaError):
        parse_date(text)


def test_a_refused_date_is_explained_in_both_languages_with_the_form_to_use():
    with pytest.raises(SemestaError) as refused:
        parse_date("31-05-2023")
    assert refused.value.message.id == "Tanggal '31-05-2023' tidak valid: tulis YYYY-MM-DD."
    assert refused.value.message.en == "Date '31-05-2023' is not valid: write YYYY-MM-DD."


def test_a_refused_date_does_not_carry_pythons_own_error_along():
    with pytest.raises(SemestaError) as refused:
        parse_date("2023-02-29")
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_the_command_line_reports_a_refused_date_in_both_languages_without_a_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "semesta.cli", "budget", "calendar", "--today", "31-05-2023"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "GALAT: Tanggal '31-05-2023' tidak valid: tulis YYYY-MM-DD.",
        "ERROR: Date '31-05-2023' is not valid: write YYYY-MM-DD.",
    ]


# --- emit -----------------------------------------------------------------------------------


def test_with_json_stdout_holds_exactly_one_json_document_and_no_human_text(capsys):
    emit(
        True, {"total": 1_088_451_000, "wilayah": "Kotawaringin Timur"}, "Jumlah: Rp 1.088.451.000"
    )
    out, err = capsys.readouterr()
    assert json.loads(out) == {"total": 1_088_451_000, "wilayah": "Kotawaringin Timur"}
    assert "Jumlah" not in out and err == ""


def test_json_keeps_non_ascii_text_as_written(capsys):
    emit(True, {"judul": "Juni–Desember 2023", "tingkat": "segera (≤ 30 hari)"}, "")
    out, _ = capsys.readouterr()
    assert "Juni–Desember 2023" in out and "≤ 30 hari" in out
    assert "\\u" not in out


def test_json_writes_dates_decimals_and_paths_as_text(capsys, tmp_path):
    emit(
        True,
        {"hari": date(2023, 5, 31), "cakupan": Decimal("96.49"), "berkas": tmp_path / "a.xlsx"},
        "",
    )
    out, _ = capsys.readouterr()
    assert json.loads(out) == {
        "hari": "2023-05-31",
        "cakupan": "96.49",
        "berkas": str(tmp_path / "a.xlsx"),
    }


def test_without_json_only_the_human_text_is_printed(capsys):
    emit(False, {"total": 1_088_451_000}, "Jumlah: Rp 1.088.451.000")
    out, err = capsys.readouterr()
    assert out == "Jumlah: Rp 1.088.451.000\n" and err == ""


# --- progress -------------------------------------------------------------------------------


class Clock:
    """A monotonic clock the test moves by hand, so the throttle is checked without sleeping."""

    def __init__(self, now: float = 1_000.0):
        self.now = now

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(console, "time", fake)  # only the console module's view of time
    return fake


def test_progress_goes_to_stderr_with_the_seconds_elapsed(clock, capsys):
    report = progress()
    clock.now += 2.3
    report("membaca berkas / reading files")
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "[   2.3 s] membaca berkas / reading files\n"


def test_progress_prints_at_most_twice_a_second(clock, capsys):
    report = progress()
    report("satu")
    clock.now += 0.3
    report("dua")  # 0,3 s after the last message: dropped
    clock.now += 0.3
    report("tiga")  # 0,6 s after the last message: printed
    _, err = capsys.readouterr()
    assert err.splitlines() == ["[   0.0 s] satu", "[   0.6 s] tiga"]


def test_disabled_progress_prints_nothing(clock, capsys):
    report = progress(enabled=False)
    report("satu")
    clock.now += 5
    report("dua")
    assert capsys.readouterr() == ("", "")


# --- the shared options through a command ---------------------------------------------------


def _command() -> typer.Typer:
    """A command built like the real ones: --json, --lang (SEMESTA_LANG), progress, emit."""
    app = typer.Typer(add_completion=False)

    @app.command()
    def hitung(as_json: JsonOption = False, lang: LangOption = "id") -> None:
        progress()("menghitung / counting")
        human = (
            f"Total {number(28_795)} participants" if lang == "en" else f"{number(28_795)} peserta"
        )
        emit(as_json, {"lang": lang, "participants": 28_795}, human)

    return app


def test_a_command_with_json_prints_the_document_on_stdout_and_progress_on_stderr():
    result = CliRunner().invoke(_command(), ["--json"], env={"SEMESTA_LANG": ""})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"lang": "id", "participants": 28_795}
    assert "menghitung / counting" in result.stderr


def test_a_command_speaks_indonesian_unless_told_otherwise():
    result = CliRunner().invoke(_command(), [], env={"SEMESTA_LANG": ""})
    assert result.stdout == "28.795 peserta\n"


def test_semesta_lang_in_the_environment_switches_a_command_to_english():
    result = CliRunner().invoke(_command(), [], env={"SEMESTA_LANG": "en"})
    assert result.stdout == "Total 28.795 participants\n"


def test_the_lang_option_wins_over_the_environment():
    result = CliRunner().invoke(_command(), ["--lang", "id"], env={"SEMESTA_LANG": "en"})
    assert result.stdout == "28.795 peserta\n"


# --- plain ----------------------------------------------------------------------------------


@dataclass
class _Rule:
    code: str
    desil: tuple[int, ...]
    threshold: Decimal
    effective_from: date
    active: bool
    note: str | None = None


def test_a_rule_value_becomes_json_ready_data_without_its_empty_fields():
    rule = _Rule("pbi_jk", (1, 2, 3, 4, 5), Decimal("98.6"), date(2025, 2, 5), True)
    assert plain(rule) == {
        "code": "pbi_jk",
        "desil": [1, 2, 3, 4, 5],
        "threshold": "98.6",
        "effective_from": "2025-02-05",
        "active": True,
    }


def test_nested_dicts_and_lists_are_converted_all_the_way_down():
    value = {"versions": [{"rate": 42_000, "from": date(2025, 1, 1)}, (Decimal("1.5"), "x")]}
    converted = plain(value)
    assert converted == {"versions": [{"rate": 42_000, "from": "2025-01-01"}, ["1.5", "x"]]}
    assert json.loads(json.dumps(converted)) == converted
