"""The DuckDB expressions agree with the Python parsers, row by row.

The Python functions are the specification (reference §3.1-§3.3); ``nik_sql``, ``kk_sql`` and
``noka_sql`` run the same rules in bulk. Each case below goes through both: the cell text and
its numeric-cell flag, as the readers stage them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semesta.core.identifiers import (
    REASONS,
    SqlSteps,
    kk_sql,
    nik_sql,
    noka_sql,
    parse_kk,
    parse_nik,
    parse_noka,
)
from semesta.core.regions import regions

AS_OF = date(2025, 6, 30)
PREFIXES = sorted(regions().kabupaten_prefixes())

Row = tuple[str | None, bool]

HAND_WRITTEN: list[Row] = [
    # NIK: valid, female, leap day, centuries
    ("6202010105900017", False),
    ("6202014105900017", False),
    ("6202017112850017", False),
    ("6202012902000001", False),
    ("6202016902960001", False),
    ("6202010101250001", False),
    ("6202010101100001", False),
    ("6202010107240001", False),
    ("6202013006240001", False),
    ("9471010105900017", False),
    ("9604010105900017", False),
    ("6202990105900017", False),
    # repairs
    ("'6202010105900017", False),
    ("\u20186202010105900017", False),
    ("  6202010105900017\u00a0", False),
    ("6202 0101 0590 0017", False),
    ("6202.0101.0590.0017", False),
    ("6202-0101-0590-0017", False),
    ("62.02.01.010590.0017", False),
    ("6202\u00a00101\u00a00590\u00a00017", False),
    ("6202\t0101\t0590\t0017", False),
    ("6.202.010.105.900.017", False),
    ("6,202,010,105,900,017", False),
    ("6,202,010,105,900,017.00", False),
    ("6202010105900017.0", False),
    ("6202010105900017,00", False),
    ("6202 0101 0590 0017.0", False),
    ("'6202 0101 0590 0017.0", False),
    ("6.202010105900017E+15", False),
    ("6,202010105900017E+15", False),
    ("6.202010105900017e15", False),
    ("6202010105900017", True),
    ("9471010105900017", True),
    # problems
    (None, False),
    ("", False),
    ("   ", False),
    ("'", False),
    ("abc", False),
    ("62020101059OOO17", False),
    ("-6202010105900017", False),
    ("6202..", False),
    ("6202_0101_0590_0017", False),
    ("6.2020101059000175E+15", False),
    ("3.20201E+15", False),
    ("3,20201E+15", False),
    ("6.20201010590001E+15", False),
    ("620201010590001", False),
    ("620201010590001.0", False),
    ("62020101059000171", False),
    ("6202.0101.0590.0017.0", False),
    ("6202.0101.0590.0000", False),
    ("6202010105900010", True),
    ("6202010105900010.0", False),
    ("9471010105900018", True),
    ("6299010105900017", False),
    ("6202010005900017", False),
    ("6202013205900017", False),
    ("6202014005900017", False),
    ("6202017205900017", False),
    ("6202010100900017", False),
    ("6202010113900017", False),
    ("6202013102900017", False),
    ("6202017102900017", False),
    ("6202012902010017", False),
    ("6202010105900000", False),
    # KK
    ("6202011503150004", False),
    ("6202014103150004", False),
    ("6202011503650004", False),
    ("6202010107250004", False),
    ("6202011503150000", False),
    ("6202011503150000", True),
    ("6202010101720004", False),
    # noka
    ("0001238681643", False),
    ("1105986780439", True),
    ("1238681643", True),
    ("1238681643", False),
    ("'0001238681643", False),
    ("0001 2386 8164 3", False),
    ("1238681643.0", False),
    ("1.238681643E+9", False),
    ("1.23868E+9", False),
    ("00012386816431", False),
    ("12386816", True),
    ("BPJS0001238681643", False),
    # scientific notation corner cases
    ("0E+0", False),
    ("0.00E+1", False),
    ("1E+999", False),
    ("1.5E+1", False),
    ("00000001238681643E+0", False),
]


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    yield con
    con.close()


def load(db: duckdb.DuckDBPyConnection, rows: list[Row]) -> None:
    db.execute("CREATE OR REPLACE TABLE cells (id INTEGER, v VARCHAR, n BOOLEAN)")
    db.executemany(
        "INSERT INTO cells VALUES (?, ?, ?)", [(i, v, n) for i, (v, n) in enumerate(rows)]
    )


def select(db: duckdb.DuckDBPyConnection, steps: SqlSteps) -> list[dict]:
    cursor = db.execute(steps.query("cells") + " ORDER BY id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def first_code(result) -> str | None:
    if result.status == "rejected":
        return result.problem
    return result.repairs[0] if result.repairs else None


def assert_nik_agrees(
    db: duckdb.DuckDBPyConnection, rows: list[Row], as_of: date = AS_OF, fast_path: bool = True
) -> None:
    load(db, rows)
    for (value, numeric), got in zip(
        rows, select(db, nik_sql("v", "n", as_of=as_of, fast_path=fast_path)), strict=True
    ):
        want = parse_nik(value, as_of=as_of, numeric_cell=numeric)
        expected = {
            "nik": want.nik,
            "status": want.status,
            "code": first_code(want),
            "sex": want.sex,
            "birth_date": want.birth_date,
        }
        assert got == expected, (value, numeric)


def assert_kk_agrees(
    db: duckdb.DuckDBPyConnection, rows: list[Row], as_of: date = AS_OF, fast_path: bool = True
) -> None:
    load(db, rows)
    for (value, numeric), got in zip(
        rows, select(db, kk_sql("v", "n", as_of=as_of, fast_path=fast_path)), strict=True
    ):
        want = parse_kk(value, as_of=as_of, numeric_cell=numeric)
        expected = {
            "kk": want.kk,
            "status": want.status,
            "code": first_code(want),
            "recorded_on": want.recorded_on,
        }
        assert got == expected, (value, numeric)


def assert_noka_agrees(
    db: duckdb.DuckDBPyConnection, rows: list[Row], fast_path: bool = True
) -> None:
    load(db, rows)
    for (value, numeric), got in zip(
        rows, select(db, noka_sql("v", "n", fast_path=fast_path)), strict=True
    ):
        want = parse_noka(value, numeric_cell=numeric)
        expected = {"noka": want.noka, "status": want.status, "code": first_code(want)}
        assert got == expected, (value, numeric)


# Early: 1990 and 2090 are both in the future. Late: 19yy and 20yy are both over 100 years ago.
EARLY, LATE = date(1985, 1, 1), date(2130, 1, 1)


# Both ways through the SQL: the fast path for plain cells, and the full rules for every cell.
FAST_AND_FULL = pytest.mark.parametrize("fast_path", [True, False], ids=["fast", "full"])


@FAST_AND_FULL
@pytest.mark.parametrize("as_of", [AS_OF, EARLY, LATE])
def test_the_nik_sql_agrees_with_parse_nik_on_every_hand_written_case(db, as_of, fast_path):
    assert_nik_agrees(db, HAND_WRITTEN, as_of, fast_path)


@FAST_AND_FULL
@pytest.mark.parametrize("as_of", [AS_OF, date(2075, 1, 1)])
def test_the_kk_sql_agrees_with_parse_kk_on_every_hand_written_case(db, as_of, fast_path):
    assert_kk_agrees(db, HAND_WRITTEN, as_of, fast_path)


@FAST_AND_FULL
def test_the_noka_sql_agrees_with_parse_noka_on_every_hand_written_case(db, fast_path):
    assert_noka_agrees(db, HAND_WRITTEN, fast_path)


def test_the_hand_written_cases_reach_every_code():
    """Guards the cases above: each repair and problem appears at least once."""
    codes = set()
    for value, numeric in HAND_WRITTEN:
        for result in (
            parse_nik(value, as_of=AS_OF, numeric_cell=numeric),
            parse_kk(value, as_of=AS_OF, numeric_cell=numeric),
            parse_noka(value, numeric_cell=numeric),
        ):
            codes.add(first_code(result))
            codes.update(result.repairs)
    # A birth date after the data date in both centuries needs an early data date.
    assert set(REASONS) - codes == {"nik_tanggal_lahir_di_masa_depan"}
    early = {parse_nik(v, as_of=EARLY, numeric_cell=n).problem for v, n in HAND_WRITTEN}
    assert "nik_tanggal_lahir_di_masa_depan" in early


def test_a_numeric_flag_of_null_counts_as_text(db):
    db.execute(
        "CREATE OR REPLACE TABLE cells AS SELECT 1 AS id, '6202010105900010' AS v, "
        "CAST(NULL AS BOOLEAN) AS n"
    )
    assert select(db, nik_sql("v", "n", as_of=AS_OF))[0]["status"] == "valid"


# --------------------------------------------------------------------------------------------
# Generated mixes of valid, damaged and junk cells
# --------------------------------------------------------------------------------------------


@st.composite
def well_formed(draw) -> str:
    """16 digits shaped like a NIK or KK (often valid), or 13 like a noka."""
    if draw(st.booleans()):
        return f"{draw(st.integers(0, 10**13 - 1)):013d}"
    prefix = draw(st.one_of(st.sampled_from(PREFIXES), st.from_regex(r"[0-9]{4}", fullmatch=True)))
    day = draw(st.integers(0, 75))
    month = draw(st.integers(0, 13))
    year = draw(st.integers(0, 99))
    serial = draw(st.integers(0, 9999))
    kecamatan = draw(st.integers(0, 99))
    return f"{prefix}{kecamatan:02d}{day:02d}{month:02d}{year:02d}{serial:04d}"


@st.composite
def damaged(draw) -> str:
    """A well-formed value as a spreadsheet might have mangled it."""
    digits = draw(well_formed())
    style = draw(st.sampled_from(["apostrophe", "groups", "suffix", "scientific", "cut", "mix"]))
    if style == "apostrophe":
        return draw(st.sampled_from(["'", "\u2019", "''", "' "])) + digits
    if style == "groups":
        separator = draw(st.sampled_from([" ", ".", "-", ",", "\u00a0", "\t", " - "]))
        return separator.join(digits[i : i + 4] for i in range(0, len(digits), 4))
    if style == "suffix":
        return digits + draw(st.sampled_from([".0", ".00", ",0", ".000", ".5", ".01"]))
    if style == "scientific":
        significant = digits.lstrip("0") or "0"
        keep = draw(st.integers(1, len(significant) + 2))
        mantissa = (significant + "00")[:keep]
        mark = draw(st.sampled_from([".", ","]))
        exponent = len(significant) - 1
        e = draw(st.sampled_from(["E+", "e+", "E", "e"]))
        return (
            f"{mantissa[0]}{mark}{mantissa[1:]}{e}{exponent}"
            if keep > 1
            else f"{mantissa}{e}{exponent}"
        )
    if style == "cut":
        return digits[: draw(st.integers(0, len(digits)))]
    return draw(st.sampled_from(["", " ", "'"])) + digits + draw(st.sampled_from(["", " ", ".0"]))


CELLS = st.one_of(
    st.none(),
    well_formed(),
    damaged(),
    st.text(alphabet="0123456789 .,-'eE+\u00a0\t\u2018\u2019`", max_size=24),
    st.text(max_size=20),
)
ROWS = st.lists(st.tuples(CELLS, st.booleans()), min_size=80, max_size=160)


@settings(max_examples=4, deadline=None)
@given(ROWS)
def test_the_sql_agrees_with_python_on_generated_cells(db, rows):
    assert_nik_agrees(db, rows)
    assert_kk_agrees(db, rows)
    assert_noka_agrees(db, rows)
