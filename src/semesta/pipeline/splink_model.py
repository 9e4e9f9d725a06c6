"""The probabilistic pass: link the residue (records whose NIK is damaged or not in the DKB) to
DKB residents with Splink on DuckDB.

The model is data, in Splink's own declarative format (``data/linkage/model.json``):
comparisons on NIK, name, birth date, sex, KK and desa, the blocking rules that keep the pairs
bounded, and the m probabilities (how often true matches agree at each level) estimated from
labelled synthetic pairs by ``scripts/train_linkage.py``. The u probabilities (how often
strangers agree) depend on the Pemda's own population, so they are estimated on each run by
random sampling. The thresholds (``data/linkage/thresholds.toml``) were chosen on labelled data
by ``bench/reconcile.py``: at or above ``auto`` a link is applied, from ``review`` it is listed
for a person to decide, below it the record stays unlinked.

Splink runs in its own in-memory DuckDB, so its working tables never reach the workspace.
"""

from __future__ import annotations

import json
import logging
import tempfile
import tomllib
from functools import cache
from importlib import resources

import duckdb
import pyarrow as pa

RESULT_SCHEMA = pa.schema(
    [
        ("unique_id", pa.string()),
        ("candidate_id", pa.string()),
        ("person_id", pa.string()),
        ("match_probability", pa.float64()),
    ]
)
MEMORY_LIMIT = "2GB"
_COLUMNS = "unique_id, nik, nik_stem, nama, no_kk, tanggal_lahir, jenis_kelamin, kode_desa"


@cache
def model_settings() -> dict:
    text = resources.files("semesta.data").joinpath("linkage/model.json").read_text("utf-8")
    return json.loads(text)


@cache
def _threshold_file() -> dict:
    text = resources.files("semesta.data").joinpath("linkage/thresholds.toml").read_text("utf-8")
    return tomllib.loads(text)


def thresholds() -> tuple[float, float]:
    """(auto, review) match probabilities."""
    data = _threshold_file()
    return float(data["auto"]), float(data["review"])


def exact_name_min() -> float:
    """The Jaro-Winkler similarity of names below which an exact NIK match is doubted."""
    return float(_threshold_file()["exact_name_min"])


def link_residue(
    db: duckdb.DuckDBPyConnection,
    residue: str,
    candidates: str,
    settings: dict | None = None,
    keep_below: float | None = None,
) -> pa.Table:
    """The best DKB candidate of each residue record, with its match probability.

    Only pairs at or above the review threshold (``keep_below`` overrides it, for the
    benchmark's threshold sweep) are returned; one row per residue record at most.
    """
    floor = thresholds()[1] if keep_below is None else keep_below
    return _predict(db, residue, candidates, settings or model_settings(), floor)


def _predict(
    db: duckdb.DuckDBPyConnection, residue: str, candidates: str, settings: dict, floor: float
) -> pa.Table:
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    spill = tempfile.TemporaryDirectory(prefix="semesta-splink-")
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        # Splink's pairs spill to disk rather than grow (at 5 M residents: ~8 M pairs).
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute(f"SET temp_directory = '{spill.name}'")
        con.execute("SET preserve_insertion_order = false")
        # Streamed as Arrow batches into Splink's own database, one after the other (a
        # connection serves one open result): never a whole copy in Python.
        for source, table in ((residue, "residue_records"), (candidates, "dkb_records")):
            con.register(
                "source_arrow", db.sql(f"SELECT {_COLUMNS} FROM {source}").to_arrow_reader()
            )
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM source_arrow")
            con.unregister("source_arrow")
        residue_count = con.execute("SELECT count(*) FROM residue_records").fetchall()[0][0]
        dkb_count = con.execute("SELECT count(*) FROM dkb_records").fetchall()[0][0]
        if residue_count == 0 or dkb_count == 0:
            return RESULT_SCHEMA.empty_table()
        api = DuckDBAPI(con)
        tables = [
            api.register("residue_records", table_name="residue"),
            api.register("dkb_records", table_name="dkb"),
        ]
        model = dict(settings)
        # Prior: each residue record is at most one of the DKB's residents.
        model["probability_two_random_records_match"] = 1.0 / max(dkb_count, 2)
        linker = Linker(tables, model, log_level=None)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
        pairs = linker.inference.predict(threshold_match_probability=floor)
        best = con.sql(
            f"""
            WITH pair AS (  -- DKB ids start with 'dkb:'; Splink may put either side left
              SELECT CASE WHEN dkb_left THEN unique_id_r ELSE unique_id_l END AS unique_id,
                     CASE WHEN dkb_left THEN unique_id_l ELSE unique_id_r END AS candidate_id,
                     CASE WHEN dkb_left THEN nik_l ELSE nik_r END AS candidate_nik,
                     match_probability
              FROM (SELECT *, starts_with(unique_id_l, 'dkb:') AS dkb_left
                    FROM {pairs.physical_name}))
            SELECT unique_id, candidate_id,
                   COALESCE(candidate_nik, 'baris:' || candidate_id) AS person_id,
                   match_probability
            FROM pair
            QUALIFY row_number() OVER (PARTITION BY unique_id
                                       ORDER BY match_probability DESC, candidate_id) = 1
            """
        ).to_arrow_table()
        return best.cast(RESULT_SCHEMA)
    finally:
        con.close()
        spill.cleanup()
