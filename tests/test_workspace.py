"""The workspace helpers every pipeline step shares: periods, tables, the kabupaten."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from semesta.core.text import SemestaError
from semesta.pipeline.workspace import (
    has_table,
    kabupaten_of,
    period_end,
    require_kabupaten,
)


@pytest.mark.parametrize(
    ("period", "last_day"),
    [
        ("2025-06", date(2025, 6, 30)),
        ("2024-02", date(2024, 2, 29)),
        ("2023-12", date(2023, 12, 31)),
    ],
)
def test_the_period_ends_on_its_last_calendar_day(period, last_day):
    assert period_end(period) == last_day


@given(st.integers(2000, 2099), st.integers(1, 12))
def test_the_day_after_a_period_end_is_the_first_of_the_next_month(year, month):
    following = date.fromordinal(period_end(f"{year}-{month:02d}").toordinal() + 1)
    assert following.day == 1 and following.month == month % 12 + 1


def test_a_malformed_period_is_refused_in_both_languages():
    with pytest.raises(SemestaError) as refused:
        period_end("06-2025")
    assert "tahun-bulan" in refused.value.message.id and "year-month" in refused.value.message.en


def test_the_kabupaten_is_where_most_dkb_residents_live(workspace):
    db = workspace.connect()
    try:
        assert not has_table(db, "dkb")
        assert kabupaten_of(db, "2025-06") is None
        db.execute("CREATE TABLE dkb (period VARCHAR, kode_desa VARCHAR)")
        db.execute(
            "INSERT INTO dkb VALUES ('2025-06', '6202062005'), ('2025-06', '6202062006'), "
            "('2025-06', '3578011001'), ('2025-05', '3578011001'), ('2025-05', '3578011002')"
        )
        assert has_table(db, "dkb")
        assert kabupaten_of(db, "2025-06") == "6202"
        assert kabupaten_of(db, "2025-05") == "3578"
    finally:
        db.close()


def test_the_last_reconciliation_names_the_kabupaten_unless_asked_for_the_dkb(workspace):
    db = workspace.connect()
    try:
        db.execute("CREATE TABLE dkb (period VARCHAR, kode_desa VARCHAR)")
        db.execute("INSERT INTO dkb VALUES ('2025-06', '6202062005')")
        db.execute("CREATE TABLE link_run (period VARCHAR, kabupaten VARCHAR, linked_at TIMESTAMP)")
        db.execute("INSERT INTO link_run VALUES ('2025-06', '1703', now())")
        assert kabupaten_of(db, "2025-06") == "1703"
        assert kabupaten_of(db, "2025-06", linked=False) == "6202"
    finally:
        db.close()


def test_a_period_without_a_dkb_is_explained_before_any_work(workspace):
    db = workspace.connect()
    try:
        with pytest.raises(SemestaError) as refused:
            require_kabupaten(db, "2025-06")
    finally:
        db.close()
    assert "Belum ada DKB untuk periode 2025-06" in refused.value.message.id
    assert "ingest the DKB first" in refused.value.message.en
