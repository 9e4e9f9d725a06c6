"""The command line: one JSON document on stdout with --json, bilingual errors, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import write


def semesta(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "semesta.cli", *args], capture_output=True, text=True, env=env
    )


def test_json_output_is_one_document_on_stdout_and_progress_goes_to_stderr(tmp_path):
    done = semesta("synth", "--out", str(tmp_path / "x"), "--population", "300", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["population"] == 300
    assert {f["file"].split("_6202")[0] for f in document["files"]} >= {"dkb", "bpjs_peserta"}


def test_ingest_prints_the_accounting_in_indonesian_by_default_and_english_on_request(tmp_path):
    write(tmp_path / "in" / "mati.csv", "NIK;NAMA;TGL MENINGGAL\n6202011608930001;A;01-02-2025\n")
    args = [
        "ingest",
        str(tmp_path / "in"),
        "--period",
        "2025-06",
        "--workspace",
        str(tmp_path / "w"),
    ]
    indonesian = semesta(*args)
    assert indonesian.returncode == 0, indonesian.stderr
    assert "Dibaca" in indonesian.stdout and "dibaca = masuk + karantina" in indonesian.stdout
    english = semesta(*args, "--lang", "en")
    assert "Read" in english.stdout and "read = ingested + quarantined" in english.stdout


def test_ingest_json_counts_add_up(tmp_path):
    write(
        tmp_path / "in" / "mati.csv", "NIK;NAMA;TGL MENINGGAL\n6202011608930001;A;01-02-2025\n;;\n"
    )
    done = semesta(
        "ingest",
        str(tmp_path / "in"),
        "--period",
        "2025-06",
        "--workspace",
        str(tmp_path / "w"),
        "--json",
    )
    totals = json.loads(done.stdout)["totals"]
    assert (totals["rows_read"], totals["rows_ingested"], totals["rows_quarantined"]) == (2, 1, 1)


def test_a_refused_file_makes_ingest_exit_with_code_3(tmp_path):
    write(tmp_path / "in" / "lain.csv", "KODE;URAIAN\n1;x\n")
    done = semesta(
        "ingest", str(tmp_path / "in"), "--period", "2025-06", "--workspace", str(tmp_path / "w")
    )
    assert done.returncode == 3
    assert "ditolak" in done.stdout


def test_bad_input_gets_a_bilingual_message_and_no_traceback(tmp_path):
    done = semesta(
        "ingest",
        str(tmp_path / "missing"),
        "--period",
        "2025-06",
        "--workspace",
        str(tmp_path / "w"),
    )
    assert done.returncode == 2
    assert "GALAT:" in done.stderr and "ERROR:" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_nik_is_explained_and_a_rejected_one_exits_non_zero():
    good = semesta("nik", "'6202011608930001", "--per", "2025-06-30", "--json")
    assert json.loads(good.stdout)["status"] == "repaired"
    bad = semesta("nik", "3.20201E+15", "--per", "2025-06-30", "--lang", "en")
    assert bad.returncode == 1
    assert "scientific" in bad.stdout


def test_regions_are_looked_up_by_name():
    done = semesta("wilayah", "Kota Besi Hulu", "--json")
    assert json.loads(done.stdout)[0]["code"] == "62.02.01.1009"


def test_a_mistyped_option_is_a_usage_error_not_a_crash():
    done = semesta("ingest", "--bogus")
    assert done.returncode == 2
    assert "--bogus" in done.stderr and "Traceback" not in done.stderr


def test_the_rules_in_force_on_a_date_are_listed_with_their_sources():
    done = semesta("aturan", "--tanggal", "2020-02-15", "--json")
    rules = {(r["file"], r["series"]): r for r in json.loads(done.stdout)}
    pbpu = rules[("premiums.toml", "pbpu")]
    assert pbpu["values"]["kelas_1"] == 160_000  # Perpres 75/2019, Jan–Mar 2020
    assert "75/2019" in pbpu["source"]
