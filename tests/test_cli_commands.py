"""The command line as a person meets it: every command's help, exactly one JSON document on
stdout with ``--json``, two-line bilingual errors with exit code 2, ``--lang en``, and the
``nik``, ``wilayah``, ``ingest``, ``reconcile``, ``uhc``, ``budget``, ``demo`` and ``web``
commands from the outside.

Commands run in this process through Typer's ``CliRunner`` (results) or through ``main`` (errors:
turning a ``SemestaError`` into ``GALAT:``/``ERROR:`` is ``main``'s job), and as
``python -m semesta`` subprocesses where the whole process matters (what reaches stderr, the
demo and the web commands, which start Django)."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import write
from semesta.cli import app, ingest_table, main
from semesta.console import number
from semesta.core.identifiers import parse_nik
from semesta.pipeline.ingest import ingest
from semesta.pipeline.workspace import Workspace

PERIOD = "2025-06"
SIXTEEN_DIGITS = re.compile(r"\d{16}")
# A hand-written deaths list (the smallest export Semesta recognises): two residents of
# Kotawaringin Timur (62.02), a man and a woman born 16-08-1993 (her day is 56 = 16 + 40).
DEATHS = (
    "NIK;NAMA;TGL MENINGGAL\n6202011608930001;ADI;01-02-2025\n6202015608930001;SITI;03-04-2025\n"
)
ONE_MORE_DEATH = DEATHS + "6202020101700001;BUDI;05-05-2025\n"


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def _indonesian_unless_told(monkeypatch):
    """The default language is Bahasa Indonesia; a SEMESTA_LANG of the machine must not leak in."""
    monkeypatch.delenv("SEMESTA_LANG", raising=False)
    monkeypatch.delenv("SEMESTA_DEBUG", raising=False)


def invoke(*args: object) -> Outcome:
    """A command run by Typer's CliRunner; a crash fails the test with its own traceback."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr)


def through_main(monkeypatch, capsys, *args: object) -> Outcome:
    """A command run by ``semesta.cli.main`` in this process, as the console script runs it."""
    monkeypatch.setattr(sys, "argv", ["semesta", *(str(a) for a in args)])
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main()
    out, err = capsys.readouterr()
    code = done.value.code
    return Outcome(code if isinstance(code, int) else 0, out, err)


def process_env() -> dict[str, str]:
    """The user's environment without this test session's Semesta and Django settings."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SEMESTA_", "DJANGO_", "DATABASE_"))
    }
    return {**clean, "DJANGO_SETTINGS_MODULE": "semesta.web.settings"}


def as_process(*args: object, cwd: Path, stdin: str | None = None) -> Outcome:
    """``python -m semesta ...`` in its own session (no terminal: a password prompt reads stdin)."""
    done = subprocess.run(
        [sys.executable, "-m", "semesta", *(str(a) for a in args)],
        cwd=cwd,
        env=process_env(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        start_new_session=True,
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


def bilingual(outcome: Outcome) -> list[str]:
    """The GALAT:/ERROR: pair of an error message, as printed."""
    return [line for line in outcome.stderr.splitlines() if line.startswith(("GALAT:", "ERROR:"))]


def copy_workspace(source: Workspace, target: Path) -> Path:
    shutil.copytree(source.path, target, ignore=shutil.ignore_patterns(".tmp"))
    return target


def table_rows(workspace: Path, sql: str) -> list[tuple]:
    db = duckdb.connect(str(workspace / "semesta.duckdb"), read_only=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


# --- the commands, read from the Typer app ----------------------------------------------------


def _walk(group, path: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*path, name), command
        if hasattr(command, "commands"):
            yield from _walk(command, (*path, name))


ROOT = typer.main.get_command(app)
# Every node of the command tree (groups too) and the runnable commands: a group is runnable
# itself when it has work of its own (``semesta uhc --workspace ...``).
NODES = dict(_walk(ROOT))
COMMANDS = {
    path: command
    for path, command in NODES.items()
    if not hasattr(command, "commands") or command.invoke_without_command
}
GROUPS = [()] + [path for path, command in NODES.items() if hasattr(command, "commands")]


def options_of(command) -> set[str]:
    return {opt for p in command.params if p.param_type_name == "option" for opt in p.opts}


# Commands that produce no result document: they change the app's tables, create one account
# after a password prompt, or run the server.
NOT_RESULTS = {("web", "migrate"), ("web", "serve"), ("web", "create-admin")}

# The Indonesian half of every help text (the English half follows after " / ").
INDONESIAN = {
    (): "Semesta: Jaminan Kesehatan Semesta untuk Pemda",
    ("synth",): "Tulis ekspor sintetis sebuah kabupaten",
    ("ingest",): "Muat ekspor ke workspace untuk satu periode",
    ("demo",): "Kabupaten contoh: buat, muat, terbitkan, sajikan",
    ("aturan",): "Aturan yang berlaku pada suatu tanggal, dengan sumbernya",
    ("nik",): "Periksa dan jelaskan satu NIK",
    ("wilayah",): "Cari wilayah Kemendagri 2025 menurut kode atau nama",
    ("reconcile",): "Padankan register dan temukan anomali",
    ("uhc",): "Indikator, status dan kategori UHC, celah ke target",
    ("uhc", "classify"): "Status dan kategori dari angka agregat",
    ("budget",): "Sasaran dan anggaran PBPU-BP Pemda",
    ("budget", "plan"): "Rencana APBD per bulan mulai, proyeksi, pembagian biaya",
    ("budget", "bill"): "Tagihan bulan ini: iuran PBPU-BP Pemda + bantuan iuran kelas III",
    ("budget", "eligibility"): "Keputusan kelayakan per orang, pratinjau perubahan aturan",
    ("budget", "invoice"): "Periksa tagihan BPJS terhadap daftar Pemda",
    ("budget", "calendar"): "Tenggat RKPD, KUA-PPAS, APBD, APBD-Perubahan",
    ("web",): "Aplikasi web",
    ("web", "migrate"): "Buat/perbarui tabel basis data aplikasi",
    ("web", "serve"): "Jalankan aplikasi (waitress)",
    ("web", "publish"): "Jalankan tahap lanjutan lalu terbitkan ke aplikasi",
    ("web", "demo-users"): "Satu akun demo per peran, kata sandi baru",
    ("web", "create-admin"): "Akun Admin Dinkes pertama",
}


def test_every_command_and_group_has_an_indonesian_description_before_the_english_one():
    assert set(INDONESIAN) == {(), *NODES}
    for path, text in INDONESIAN.items():
        node = NODES[path] if path else ROOT
        indonesian, _, english = node.help.partition(" / ")
        assert indonesian == text, path
        assert english and english != indonesian, path


def first_words(text: str) -> str:
    """What a command listing surely shows of a description: it cuts long ones with "..."."""
    return " ".join(text.split()[:3])


def test_semesta_help_lists_every_command_with_its_indonesian_description():
    done = invoke("--help")
    assert done.code == 0
    listed = {
        line.split()[0]: line.split(maxsplit=1)[1]
        for line in done.stdout.split("Commands:")[1].splitlines()
        if line.strip()
    }
    assert set(listed) == {path[0] for path in NODES if len(path) == 1}
    for name, description in listed.items():
        assert description.startswith(first_words(INDONESIAN[(name,)])), name


@pytest.mark.parametrize("group", [g for g in GROUPS if g], ids=" ".join)
def test_a_group_help_lists_its_commands_with_their_indonesian_descriptions(group):
    done = invoke(*group, "--help")
    assert done.code == 0
    commands = done.stdout.split("Commands:")[1]
    children = [path for path in NODES if path[:-1] == group]
    assert children
    for path in children:
        line = next(row for row in commands.splitlines() if row.split()[:1] == [path[-1]])
        assert line.split(maxsplit=1)[1].startswith(first_words(INDONESIAN[path])), path


@pytest.mark.parametrize("path", sorted(NODES), ids=" ".join)
def test_the_help_of_every_command_shows_its_usage_description_and_options(path):
    done = invoke(*path, "--help")
    assert done.code == 0, done.stderr
    assert f"{' '.join(path)} [OPTIONS]" in done.stdout
    flat = " ".join(done.stdout.split())  # help text is wrapped to the terminal's width
    assert INDONESIAN[path] in flat
    for option in options_of(NODES[path]) - {"--help"}:
        assert option in flat, option


def test_every_option_and_argument_of_every_command_is_explained():
    unexplained = [
        (path, param.name) for path, command in NODES.items() for param in command.params
        if not param.help
    ]  # fmt: skip
    assert unexplained == []


def test_every_command_with_lang_also_reads_semesta_lang_from_the_environment():
    langs = [
        param for command in COMMANDS.values() for param in command.params
        if "--lang" in getattr(param, "opts", ())
    ]  # fmt: skip
    assert len(langs) >= 10
    assert {param.envvar for param in langs} == {"SEMESTA_LANG"}


# --- --json: one document on stdout, for every command that produces results ------------------


def test_every_command_that_produces_results_takes_json():
    without = {path for path, command in COMMANDS.items() if "--json" not in options_of(command)}
    assert without == NOT_RESULTS


JSON_RUNS: dict[tuple[str, ...], Callable[[pytest.FixtureRequest, Path], Outcome]] = {}


def json_run(*path: str):
    def register(run):
        JSON_RUNS[path] = run
        return run

    return register


@json_run("synth")
def _synth_json(request, tmp: Path) -> Outcome:
    return invoke("synth", "--out", tmp / "ekspor", "--population", "100", "--json")


@json_run("ingest")
def _ingest_json(request, tmp: Path) -> Outcome:
    write(tmp / "in" / "kematian.csv", DEATHS)
    return invoke("ingest", tmp / "in", "--period", PERIOD, "--workspace", tmp / "w", "--json")


@json_run("demo")
def _demo_json(request, tmp: Path) -> Outcome:
    return request.getfixturevalue("demo").outcome


@json_run("aturan")
def _aturan_json(request, tmp: Path) -> Outcome:
    return invoke("aturan", "--tanggal", "2025-06-30", "--json")


@json_run("nik")
def _nik_json(request, tmp: Path) -> Outcome:
    return invoke("nik", "6202015608930001", "--per", "2025-06-30", "--json")


@json_run("wilayah")
def _wilayah_json(request, tmp: Path) -> Outcome:
    return invoke("wilayah", "Kota Besi", "--json")


@json_run("reconcile")
def _reconcile_json(request, tmp: Path) -> Outcome:
    workspace = request.getfixturevalue("reconciled_copy")
    return invoke("reconcile", "--workspace", workspace, "--period", PERIOD, "--json")


@json_run("uhc")
def _uhc_json(request, tmp: Path) -> Outcome:
    workspace = request.getfixturevalue("reconciled_copy")
    return invoke("uhc", "--workspace", workspace, "--period", PERIOD, "--json")


@json_run("uhc", "classify")
def _classify_json(request, tmp: Path) -> Outcome:
    return invoke(
        "uhc", "classify", "--date", "2026-01-27", "--population", "100000",
        "--registered", "100180", "--active", "85240", "--json",
    )  # fmt: skip


@json_run("budget", "plan")
def _plan_json(request, tmp: Path) -> Outcome:
    return invoke(
        "budget", "plan", "--year", "2023", "--participants", "28795", "--rate", "37800",
        "--today", "2023-05-31", "--json",
    )  # fmt: skip


@json_run("budget", "bill")
def _bill_json(request, tmp: Path) -> Outcome:
    return invoke(
        "budget", "bill", "--month", PERIOD, "--pemda-paid", "10", "--kelas3", "5", "--json"
    )


@json_run("budget", "eligibility")
def _eligibility_json(request, tmp: Path) -> Outcome:
    workspace = request.getfixturevalue("reconciled_copy")
    return invoke("budget", "eligibility", "--workspace", workspace, "--period", PERIOD, "--json")


@json_run("budget", "invoice")
def _invoice_json(request, tmp: Path) -> Outcome:
    workspace = request.getfixturevalue("reconciled_copy")
    invoice = next(request.getfixturevalue("small_exports").glob("tagihan_*.xlsx"))
    return invoke(
        "budget", "invoice", invoice, "--workspace", workspace, "--period", PERIOD, "--json"
    )


@json_run("budget", "calendar")
def _calendar_json(request, tmp: Path) -> Outcome:
    return invoke("budget", "calendar", "--today", "2026-05-01", "--json")


@json_run("web", "publish")
def _publish_json(request, tmp: Path) -> Outcome:
    demo = request.getfixturevalue("demo")
    return as_process(
        "web", "publish", "--workspace", demo.out / "workspace", "--period", PERIOD,
        "--data", demo.out / "web", "--json", cwd=demo.folder,
    )  # fmt: skip


@json_run("web", "demo-users")
def _demo_users_json(request, tmp: Path) -> Outcome:
    demo = request.getfixturevalue("demo")
    return as_process("web", "demo-users", "--data", demo.out / "web", "--json", cwd=demo.folder)


def test_every_command_with_json_is_run_by_the_json_test_below():
    assert set(JSON_RUNS) == {
        path for path, command in COMMANDS.items() if "--json" in options_of(command)
    }


@pytest.mark.parametrize("path", sorted(JSON_RUNS), ids=" ".join)
def test_with_json_a_command_prints_exactly_one_json_document_on_stdout(path, request, tmp_path):
    done = JSON_RUNS[path](request, tmp_path)
    assert done.code == 0, done.stderr[-3000:]
    document = json.loads(done.stdout)  # refuses any text before or after the one document
    assert document
    assert done.stdout.lstrip()[0] in "{["


def test_with_json_an_error_leaves_stdout_empty(monkeypatch, capsys, tmp_path):
    done = through_main(
        monkeypatch, capsys, "reconcile", "--workspace", tmp_path / "none", "--period", PERIOD,
        "--json",
    )  # fmt: skip
    assert done.code == 2 and done.stdout == ""
    assert len(bilingual(done)) == 2


# --- errors a user can cause: two lines, Indonesian then English, exit code 2 ------------------

# The command line, split on spaces. {tmp} is the test's folder; {deaths} a workspace holding
# only a deaths list; {reconciled} a reconciled copy of the small kabupaten; {png} a picture
# saved with an .xlsx name.
USER_ERRORS = [
    pytest.param(
        "ingest {tmp}/tidak-ada --period 2025-06 --workspace {tmp}/w",
        "Folder '{tmp}/tidak-ada' tidak ditemukan.",
        "Folder '{tmp}/tidak-ada' not found.",
        id="ingest-missing-folder",
    ),
    pytest.param(
        "ingest {tmp}/kosong --period 2025-06 --workspace {tmp}/w",
        "Folder '{tmp}/kosong' tidak berisi berkas.",
        "Folder '{tmp}/kosong' contains no files.",
        id="ingest-empty-folder",
    ),
    pytest.param(
        "ingest {tmp}/kosong --period 2025-13 --workspace {tmp}/w",
        "Periode '2025-13' tidak valid: tulis tahun-bulan, misalnya 2025-06.",
        "Period '2025-13' is not valid: write year-month, e.g. 2025-06.",
        id="ingest-month-13",
    ),
    pytest.param(
        "reconcile --workspace {deaths} --period 2025-13",
        "Periode '2025-13' tidak valid: tulis tahun-bulan, misalnya 2025-06.",
        "Period '2025-13' is not valid: write year-month, e.g. 2025-06.",
        id="reconcile-month-13",
    ),
    pytest.param(
        "uhc --workspace {deaths} --period 2025-13",
        "Periode '2025-13' tidak valid: tulis tahun-bulan, misalnya 2025-06.",
        "Period '2025-13' is not valid: write year-month, e.g. 2025-06.",
        id="uhc-month-13",
    ),
    pytest.param(
        "web publish --workspace {deaths} --period 2025-13",
        "Periode '2025-13' tidak valid: tulis tahun-bulan, misalnya 2025-06.",
        "Period '2025-13' is not valid: write year-month, e.g. 2025-06.",
        id="publish-month-13",
    ),
    pytest.param(
        "reconcile --workspace {tmp}/none --period 2025-06",
        "Workspace '{tmp}/none' belum ada; jalankan 'semesta ingest' dahulu.",
        "Workspace '{tmp}/none' does not exist yet; run 'semesta ingest' first.",
        id="reconcile-missing-workspace",
    ),
    pytest.param(
        "reconcile --workspace {deaths} --period 2025-06",
        "Belum ada DKB untuk periode 2025-06 di workspace: muat DKB dahulu (semesta ingest).",
        "No DKB for period 2025-06 in the workspace: ingest the DKB first (semesta ingest).",
        id="reconcile-without-dkb",
    ),
    pytest.param(
        "uhc --workspace {deaths} --period 2025-06",
        "Belum ada DKB untuk periode 2025-06 di workspace: muat DKB dahulu (semesta ingest).",
        "No DKB for period 2025-06 in the workspace: ingest the DKB first (semesta ingest).",
        id="uhc-without-dkb",
    ),
    pytest.param(
        "budget bill --workspace {deaths} --period 2025-06",
        "Belum ada hasil pemadanan (tabel person) untuk periode 2025-06: jalankan 'semesta "
        "reconcile --workspace ... --period 2025-06' dahulu.",
        "No reconciliation (person table) for period 2025-06 yet: run 'semesta reconcile "
        "--workspace ... --period 2025-06' first.",
        id="bill-without-reconciliation",
    ),
    pytest.param(
        "budget invoice {png} --workspace {reconciled} --period 2025-06",
        "Berkas 'foto.xlsx' ditolak: bukan berkas XLSX yang utuh (rusak atau bukan Excel).",
        "File 'foto.xlsx' refused: not a complete XLSX file (corrupted or not Excel).",
        id="invoice-not-an-export",
    ),
    pytest.param(
        "budget invoice {tmp}/tagihan.xlsx --workspace {reconciled} --period 2025-06",
        "Berkas '{tmp}/tagihan.xlsx' tidak ditemukan.",
        "File '{tmp}/tagihan.xlsx' not found.",
        id="invoice-missing-file",
    ),
    pytest.param(
        "synth --out {tmp}/x --region 99.99 --population 100",
        "Kode wilayah '99.99' bukan kabupaten/kota yang dikenal (Kepmendagri 2025).",
        "Region code '99.99' is not a known kabupaten/kota (Kepmendagri 2025).",
        id="synth-unknown-region",
    ),
    pytest.param(
        "budget plan --year 2023 --participants 10 --region 99.99",
        "Kode wilayah '99.99' tidak dikenal (Kepmendagri 2025).",
        "Unknown region code '99.99' (Kepmendagri 2025).",
        id="plan-unknown-region",
    ),
    pytest.param(
        "budget bill --month 2025-06 --pemda-paid 1 --kelas3 1 --region 99.99",
        "Kode wilayah '99.99' tidak dikenal (Kepmendagri 2025).",
        "Unknown region code '99.99' (Kepmendagri 2025).",
        id="bill-unknown-region",
    ),
    pytest.param(
        "synth --out {tmp}/x --population 99",
        "Penduduk minimal 100.",
        "Population must be at least 100.",
        id="synth-too-few-residents",
    ),
    pytest.param(
        "synth --out {tmp}/x --dirt name_variant=banyak",
        "--dirt 'name_variant=banyak': tulis nama=angka.",
        "--dirt 'name_variant=banyak': write name=number.",
        id="synth-dirt-not-a-number",
    ),
    pytest.param(
        "nik 6202011608930001 --per 2025-13-01",
        "Tanggal '2025-13-01' tidak valid: tulis YYYY-MM-DD.",
        "Date '2025-13-01' is not valid: write YYYY-MM-DD.",
        id="nik-date-month-13",
    ),
    pytest.param(
        "aturan --tanggal 2025-02-30",
        "Tanggal '2025-02-30' tidak valid: tulis YYYY-MM-DD.",
        "Date '2025-02-30' is not valid: write YYYY-MM-DD.",
        id="aturan-30-february",
    ),
    pytest.param(
        "budget plan --year 2023 --participants 10 --rate 37800 --years 2 --rate-change 2027:45000",
        "--rate-change '2027:45000': tulis TAHUN=RUPIAH, mis. 2027=45000.",
        "--rate-change '2027:45000': write YEAR=RUPIAH, e.g. 2027=45000.",
        id="plan-rate-change-colon",
    ),
    pytest.param(
        "budget plan --year 2023 --participants 10 --rate 37800 --growth-pct dua",
        "--growth-pct 'dua' bukan angka (tulis mis. 1,5).",
        "--growth-pct 'dua' is not a number (write e.g. 1.5).",
        id="plan-growth-not-a-number",
    ),
    pytest.param(
        "budget plan --year 2023 --participants 10 --rate 37800 --existing -5",
        "--existing tidak boleh negatif.",
        "--existing must not be negative.",
        id="plan-negative-budget",
    ),
    pytest.param(
        "budget plan --participants 10 --rate 37800",
        "Opsi --year wajib diisi di sini.",
        "Option --year is required here.",
        id="plan-without-year",
    ),
    pytest.param(
        "budget bill --month 2025-06",
        "Isi --workspace dan --period, atau --pemda-paid dan --kelas3.",
        "Give --workspace and --period, or --pemda-paid and --kelas3.",
        id="bill-without-counts",
    ),
    pytest.param(
        "budget eligibility --workspace {reconciled} --period 2025-06 "
        "--preview-without-desil mungkin",
        "--preview-without-desil: tulis eligible atau not_eligible.",
        "--preview-without-desil: write eligible or not_eligible.",
        id="eligibility-preview-unknown-choice",
    ),
]


@pytest.fixture(scope="module")
def deaths_only(tmp_path_factory) -> Path:
    """A workspace holding only a hand-written deaths list for 2025-06 (no DKB, no BPJS)."""
    folder = tmp_path_factory.mktemp("deaths")
    write(folder / "in" / "kematian.csv", DEATHS)
    workspace = Workspace(folder / "workspace")
    assert ingest(folder / "in", PERIOD, workspace).totals()["rows_ingested"] == 2
    return workspace.path


@pytest.fixture
def reconciled_copy(small_reconciled, tmp_path) -> Path:
    """A private copy of the reconciled small kabupaten, safe to write into."""
    return copy_workspace(small_reconciled, tmp_path / "reconciled")


@pytest.mark.parametrize(("args", "indonesian", "english"), USER_ERRORS)
def test_a_mistake_of_the_user_is_explained_in_two_lines_with_exit_code_2(
    args, indonesian, english, monkeypatch, capsys, tmp_path, request
):
    (tmp_path / "kosong").mkdir()
    places = {"tmp": str(tmp_path)}
    if "{deaths}" in args:
        places["deaths"] = str(request.getfixturevalue("deaths_only"))
    if "{reconciled}" in args:
        places["reconciled"] = str(request.getfixturevalue("reconciled_copy"))
    if "{png}" in args:
        places["png"] = str(write(tmp_path / "foto.xlsx", "\x89PNG\r\n\x1a\n", "latin-1"))
    done = through_main(monkeypatch, capsys, *args.format(**places).split())
    assert done.code == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines()[-2:] == [
        "GALAT: " + indonesian.format(**places),
        "ERROR: " + english.format(**places),
    ]
    assert "Traceback" not in done.stderr


def test_the_demo_refuses_a_population_under_100_before_writing_anything(
    monkeypatch, capsys, tmp_path
):
    done = through_main(
        monkeypatch, capsys, "demo", "--out", tmp_path / "demo", "--population", "50",
        "--no-serve",
    )  # fmt: skip
    assert done.code == 2
    assert done.stderr.splitlines() == [
        "GALAT: Penduduk minimal 100.",
        "ERROR: Population must be at least 100.",
    ]
    assert not (tmp_path / "demo").exists()


def test_a_workspace_path_that_is_a_file_is_a_user_error_not_a_crash(monkeypatch, capsys, tmp_path):
    write(tmp_path / "in" / "kematian.csv", DEATHS)
    write(tmp_path / "catatan.txt", "bukan folder\n")
    done = through_main(
        monkeypatch, capsys, "ingest", tmp_path / "in", "--period", PERIOD, "--workspace",
        tmp_path / "catatan.txt",
    )  # fmt: skip
    assert done.code == 2
    assert done.stderr.splitlines() == [
        f"GALAT: '{tmp_path}/catatan.txt' tidak dapat dipakai: sudah ada dan bukan folder.",
        f"ERROR: Cannot use '{tmp_path}/catatan.txt': exists and is not a folder.",
    ]


def test_a_workbook_path_that_is_a_folder_is_a_user_error_not_a_crash(
    monkeypatch, capsys, tmp_path
):
    (tmp_path / "laporan").mkdir()
    done = through_main(
        monkeypatch, capsys, "budget", "calendar", "--today", "2026-05-01", "--xlsx",
        tmp_path / "laporan",
    )  # fmt: skip
    assert done.code == 2
    assert done.stderr.splitlines() == [
        f"GALAT: '{tmp_path}/laporan' tidak dapat dipakai: adalah folder, bukan berkas.",
        f"ERROR: Cannot use '{tmp_path}/laporan': is a folder, not a file.",
    ]


def test_an_output_folder_below_a_file_is_a_user_error_not_a_crash(monkeypatch, capsys, tmp_path):
    write(tmp_path / "catatan.txt", "bukan folder\n")
    done = through_main(
        monkeypatch, capsys, "synth", "--out", tmp_path / "catatan.txt" / "ekspor",
        "--population", "100",
    )  # fmt: skip
    assert done.code == 2
    assert bilingual(done) == [
        f"GALAT: '{tmp_path}/catatan.txt/ekspor' tidak dapat dipakai: bagian jalurnya bukan "
        "folder.",
        f"ERROR: Cannot use '{tmp_path}/catatan.txt/ekspor': part of the path is not a folder.",
    ]


def test_an_unexpected_failure_asks_for_a_report_in_both_languages_with_exit_code_1(
    monkeypatch, capsys
):
    from semesta.core import identifiers

    def broken(*args, **kwargs):
        raise RuntimeError("rusak")

    monkeypatch.setattr(identifiers, "parse_nik", broken)  # a bug cannot be had for real
    done = through_main(monkeypatch, capsys, "nik", "6202011608930001")
    assert done.code == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "GALAT: Kesalahan tak terduga: RuntimeError: rusak. Laporkan ke pengelola Semesta "
        "(SEMESTA_DEBUG=1 menampilkan rinciannya).",
        "ERROR: Unexpected error: RuntimeError: rusak. Please report it (SEMESTA_DEBUG=1 shows "
        "details).",
    ]


def test_semesta_debug_lets_an_unexpected_failure_through_with_its_traceback(monkeypatch):
    from semesta.core import identifiers

    def broken(*args, **kwargs):
        raise RuntimeError("rusak")

    monkeypatch.setattr(identifiers, "parse_nik", broken)
    monkeypatch.setenv("SEMESTA_DEBUG", "1")
    monkeypatch.setattr(sys, "argv", ["semesta", "nik", "6202011608930001"])
    with pytest.raises(RuntimeError, match="rusak"):
        main()


def test_ctrl_c_is_reported_as_cancelled_with_exit_code_130(monkeypatch, capsys):
    from semesta.core import identifiers

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(identifiers, "parse_nik", interrupted)
    done = through_main(monkeypatch, capsys, "nik", "6202011608930001")
    assert done.code == 130
    assert done.stderr.splitlines() == ["GALAT: Dibatalkan.", "ERROR: Cancelled."]


def test_a_bad_period_from_the_installed_command_has_no_traceback(tmp_path):
    done = as_process(
        "reconcile", "--workspace", tmp_path, "--period", "2025-13", "--json", cwd=tmp_path
    )
    assert done.code == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "GALAT: Periode '2025-13' tidak valid: tulis tahun-bulan, misalnya 2025-06.",
        "ERROR: Period '2025-13' is not valid: write year-month, e.g. 2025-06.",
    ]


# --- semesta nik ------------------------------------------------------------------------------


def test_a_valid_nik_of_a_woman_gives_her_sex_region_and_birth_day_minus_40():
    done = invoke("nik", "6202015608930001", "--per", "2025-06-30", "--json")
    assert done.code == 0
    assert json.loads(done.stdout) == {
        "status": "valid",
        "nik": "6202015608930001",
        "problem": None,
        "repairs": [],
        "message": {
            "id": "NIK '6202015608930001' valid",
            "en": "NIK '6202015608930001' is valid",
        },
        "kabupaten_code": "62.02",
        "sex": "P",
        "birth_date": "1993-08-16",  # day 56 − 40
        "century_ambiguous": False,
    }


def test_a_valid_nik_is_confirmed_in_indonesian_and_nothing_goes_to_stderr():
    done = invoke("nik", "6202011608930001", "--per", "2025-06-30")
    assert (done.code, done.stdout, done.stderr) == (0, "NIK '6202011608930001' valid\n", "")


def test_a_nik_whose_century_is_uncertain_says_which_birth_year_was_used():
    # 16-01-25 on 30 June 2025: 1925 (age 100) and 2025 are both possible; the younger is used
    done = invoke("nik", "6202011601250001", "--per", "2025-06-30", "--lang", "en")
    assert done.stdout == (
        "NIK '6202011601250001' is valid; birth century uncertain, 2025-01-16 used\n"
    )


def test_a_nik_typed_in_groups_is_repaired_and_the_repair_explained():
    done = invoke("nik", "3202 0116 0893 0001", "--per", "2025-06-30", "--json")
    document = json.loads(done.stdout)
    assert (document["status"], document["nik"], document["repairs"]) == (
        "repaired",
        "3202011608930001",
        ["pemisah"],
    )
    assert document["message"]["id"] == (
        "NIK '3202 0116 0893 0001' diperbaiki menjadi '3202011608930001': spasi/pemisah di "
        "antara angka dihapus"
    )
    assert done.code == 0


def test_a_nik_in_full_scientific_notation_is_repaired_and_explained_in_english():
    done = invoke("nik", "6.202011608930001E+15", "--per", "2025-06-30", "--lang", "en")
    assert done.code == 0
    assert done.stdout == (
        "NIK '6.202011608930001E+15' repaired to '6202011608930001': scientific notation "
        "expanded; every digit was present\n"
    )


@pytest.mark.parametrize(
    ("value", "problem", "reason"),
    [
        (
            "6202013208930001",
            "nik_tanggal_lahir_tidak_valid",
            "NIK '6202013208930001': tanggal lahir 32-08-93 tidak valid (tanggal 01–31, atau "
            "41–71 untuk perempuan; bulan 01–12; tanggal harus ada di kalender)",
        ),
        (
            "9902011608930001",
            "nik_kode_wilayah_tidak_dikenal",
            "NIK '9902011608930001': 99.02 bukan kode kabupaten/kota yang dikenal (Kemendagri "
            "2025 atau kode lama)",
        ),
        (
            "6202011608930000",
            "nik_nomor_urut_0000",
            "NIK '6202011608930000': nomor urut 0000 tidak mungkin (nomor urut Dukcapil dimulai "
            "dari 0001)",
        ),
        (
            "62020116089300",
            "nik_panjang_salah",
            "NIK '62020116089300' memiliki 14 digit, seharusnya 16",
        ),
        (
            "3.20201E+15",
            "nik_notasi_ilmiah",
            "NIK '3.20201E+15' rusak oleh Excel (notasi ilmiah): 10 digit terakhir hilang, tidak "
            "dapat diperbaiki",
        ),
    ],
    ids=["day-32", "unknown-region", "serial-0000", "14-digits", "rounded-by-excel"],
)
def test_a_rejected_nik_gets_its_reason_and_exit_code_1(value, problem, reason):
    human = invoke("nik", value, "--per", "2025-06-30")
    assert (human.code, human.stdout) == (1, reason + "\n")
    document = json.loads(invoke("nik", value, "--per", "2025-06-30", "--json").stdout)
    assert (document["status"], document["nik"], document["problem"]) == ("rejected", None, problem)
    assert document["message"]["id"] == reason


def test_a_nik_born_after_the_reference_date_is_rejected_in_english():
    # 16-08-95 before 1 January 1990: neither 1995 nor 2095 has happened yet
    done = invoke("nik", "6202011608950001", "--per", "1990-01-01", "--lang", "en")
    assert done.code == 1
    assert done.stdout == (
        "NIK '6202011608950001': birth date 1995-08-16 / 2095-08-16 is after 1990-01-01\n"
    )


# What people paste as a NIK: digits with grouping marks, apostrophes and printed floats.
NIK_LIKE = st.text(alphabet="0123456789 .,'E+", max_size=24) | st.from_regex(
    r"\A62020[1-9][0-7][0-9][01][0-9][0-9]{2}[0-9]{4}\Z"
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=NIK_LIKE)
def test_the_nik_command_reports_exactly_what_the_parser_decides(value):
    result = parse_nik(value, as_of=date(2025, 6, 30))
    done = invoke("nik", value, "--per", "2025-06-30", "--json")
    document = json.loads(done.stdout)
    assert (document["status"], document["nik"], document["problem"]) == (
        result.status,
        result.nik,
        result.problem,
    )
    assert document["message"] == result.message.as_dict()
    assert done.code == (1 if result.status == "rejected" else 0)


# --- semesta wilayah --------------------------------------------------------------------------


def test_a_kabupaten_is_found_by_its_code_with_its_place_in_the_hierarchy():
    done = invoke("wilayah", "62.02", "--json")
    assert json.loads(done.stdout) == [
        {
            "code": "62.02",
            "name": "Kabupaten Kotawaringin Timur",
            "level": "kabupaten",
            "kind": "kabupaten",
            "path": ["Kalimantan Tengah", "Kabupaten Kotawaringin Timur"],
        }
    ]


def test_a_code_written_without_dots_or_with_spaces_finds_the_same_region():
    assert invoke("wilayah", "6202011009").stdout == (
        "62.02.01.1009  kelurahan  Kalimantan Tengah › Kabupaten Kotawaringin Timur › Kota Besi "
        "› Kota Besi Hulu\n"
    )
    assert invoke("wilayah", " 62 02 ").stdout.startswith("62.02          kabupaten  ")


def test_a_kota_is_found_by_its_name_without_the_word_kota():
    assert invoke("wilayah", "palangkaraya").stdout == (
        "62.71          kota       Kalimantan Tengah › Kota Palangkaraya\n"
    )


def test_a_name_shared_by_several_regions_lists_them_all_by_code():
    # "Kotabesi" (a desa in Lampung Barat) and "Kota Besi" (a kecamatan of Kotawaringin Timur)
    # reduce to the same name key: spacing and case are ignored
    found = json.loads(invoke("wilayah", "kota besi", "--json").stdout)
    assert [(r["code"], r["name"], r["level"]) for r in found] == [
        ("18.04.10.2008", "Kotabesi", "desa"),
        ("62.02.01", "Kota Besi", "kecamatan"),
    ]


def test_an_unknown_region_says_not_found_with_exit_code_1():
    human = invoke("wilayah", "Atlantis")
    assert (human.code, human.stdout) == (1, "Tidak ditemukan / not found\n")
    machine = invoke("wilayah", "99.99", "--json")
    assert (machine.code, json.loads(machine.stdout)) == (1, [])


# --- semesta ingest: twice, --ganti / --replace, files that are not exports --------------------


def snapshot(workspace: Path) -> dict[str, list[tuple]]:
    return {
        "files": table_rows(workspace, "SELECT * FROM files ORDER BY file_id"),
        "kematian": table_rows(workspace, "SELECT * FROM kematian ORDER BY file_id, row_number"),
    }


def test_ingesting_the_same_folder_twice_reports_already_ingested_and_changes_nothing(tmp_path):
    write(tmp_path / "in" / "kematian.csv", DEATHS)
    args = ["ingest", tmp_path / "in", "--period", PERIOD, "--workspace", tmp_path / "w"]
    assert invoke(*args).code == 0
    before = snapshot(tmp_path / "w")
    again = invoke(*args, "--json")
    assert again.code == 0
    document = json.loads(again.stdout)
    assert [(f["file"], f["status"]) for f in document["files"]] == [
        ("kematian.csv", "already_ingested")
    ]
    assert document["totals"]["files_already_ingested"] == 1
    assert document["totals"]["rows_read"] == 0
    assert snapshot(tmp_path / "w") == before  # same rows, same file row, same ingest time


def test_the_human_report_of_a_second_ingest_says_nothing_changed(tmp_path):
    write(tmp_path / "in" / "kematian.csv", DEATHS)
    args = ["ingest", tmp_path / "in", "--period", PERIOD, "--workspace", tmp_path / "w"]
    invoke(*args)
    assert "- kematian.csv: Sudah diimpor untuk periode ini; tidak ada yang berubah." in (
        invoke(*args).stdout.splitlines()
    )
    assert "- kematian.csv: Already ingested for this period; nothing changed." in (
        invoke(*args, "--lang", "en").stdout.splitlines()
    )


def test_a_changed_file_of_the_same_name_is_refused_without_ganti(tmp_path):
    folder, workspace = tmp_path / "in", tmp_path / "w"
    write(folder / "kematian.csv", DEATHS)
    invoke("ingest", folder, "--period", PERIOD, "--workspace", workspace)
    write(folder / "kematian.csv", ONE_MORE_DEATH)
    done = invoke("ingest", folder, "--period", PERIOD, "--workspace", workspace)
    assert done.code == 3
    assert (
        "- kematian.csv: Berkas bernama sama dengan isi berbeda sudah diimpor untuk 2025-06; "
        "pakai --ganti untuk menggantinya." in done.stdout.splitlines()
    )
    assert table_rows(workspace, "SELECT count(*) FROM kematian") == [(2,)]


@pytest.mark.parametrize("flag", ["--ganti", "--replace"])
def test_ganti_or_replace_puts_the_new_file_in_place_of_the_old_one(flag, tmp_path):
    folder, workspace = tmp_path / "in", tmp_path / "w"
    write(folder / "kematian.csv", DEATHS)
    invoke("ingest", folder, "--period", PERIOD, "--workspace", workspace)
    write(folder / "kematian.csv", ONE_MORE_DEATH)
    done = invoke("ingest", folder, "--period", PERIOD, "--workspace", workspace, flag, "--json")
    assert done.code == 0
    (report,) = json.loads(done.stdout)["files"]
    assert (report["status"], report["rows_read"], report["rows_ingested"]) == ("ingested", 3, 3)
    # the 3 rows of the new file, not 2 + 3; one file row for the name
    assert table_rows(workspace, "SELECT count(*) FROM kematian") == [(3,)]
    assert table_rows(workspace, "SELECT file_name, rows_ingested FROM files") == [
        ("kematian.csv", 3)
    ]


def test_a_file_that_is_not_an_export_is_refused_and_the_others_are_ingested(tmp_path):
    write(tmp_path / "in" / "kematian.csv", DEATHS)
    write(tmp_path / "in" / "foto.xlsx", "\x89PNG\r\n\x1a\n", "latin-1")
    done = invoke(
        "ingest", tmp_path / "in", "--period", PERIOD, "--workspace", tmp_path / "w", "--json"
    )
    assert done.code == 3
    document = json.loads(done.stdout)
    files = {f["file"]: f for f in document["files"]}
    assert files["kematian.csv"]["status"] == "ingested"
    assert files["foto.xlsx"]["status"] == "refused"
    assert files["foto.xlsx"]["message"] == {
        "id": "Berkas 'foto.xlsx' ditolak: bukan berkas XLSX yang utuh (rusak atau bukan Excel).",
        "en": "File 'foto.xlsx' refused: not a complete XLSX file (corrupted or not Excel).",
    }
    assert (document["totals"]["files_ingested"], document["totals"]["files_refused"]) == (1, 1)


def test_the_english_accounting_names_the_refused_file_and_why():
    document = {
        "files": [
            {
                "file": "foto.xlsx",
                "status": "refused",
                "layout": None,
                "message": {"id": "Berkas ditolak.", "en": "File refused."},
            }
        ],
        "totals": dict.fromkeys(
            ("rows_read", "rows_ingested", "rows_quarantined", "values_repaired",
             "values_rejected"),
            0,
        ),
    }  # fmt: skip
    lines = ingest_table(document, "en").splitlines()
    assert lines[0].split() == [
        "File", "Kind", "Read", "Ingested", "Quarantined", "Repaired", "Rejected", "values",
    ]  # fmt: skip
    assert lines[2].split() == ["foto.xlsx", "-", "-", "-", "-", "-", "-"]
    assert lines[-1] == "- foto.xlsx: File refused."


# --- the small kabupaten through the installed command: ingest, reconcile --xlsx ---------------


@dataclass(frozen=True)
class Pipeline:
    workspace: Path
    book: Path
    ingest: Outcome
    reconcile: Outcome


@pytest.fixture(scope="module")
def pipeline(small_exports, tmp_path_factory) -> Pipeline:
    """``semesta ingest`` then ``semesta reconcile --xlsx`` on the small exports, as processes."""
    folder = tmp_path_factory.mktemp("pipeline")
    exports = folder / "ekspor"
    shutil.copytree(small_exports, exports, ignore=shutil.ignore_patterns("truth"))
    workspace, book = folder / "workspace", folder / "rekonsiliasi.xlsx"
    ingested = as_process(
        "ingest", exports, "--period", PERIOD, "--workspace", workspace, cwd=folder
    )
    assert ingested.code == 0, ingested.stderr[-3000:]
    reconciled = as_process(
        "reconcile", "--workspace", workspace, "--period", PERIOD, "--xlsx", book, cwd=folder
    )
    assert reconciled.code == 0, reconciled.stderr[-3000:]
    return Pipeline(workspace, book, ingested, reconciled)


def test_progress_of_ingest_and_reconcile_on_stderr_never_shows_a_nik(pipeline):
    stderr = pipeline.ingest.stderr + pipeline.reconcile.stderr
    assert "[" in pipeline.ingest.stderr and "[" in pipeline.reconcile.stderr  # progress shown
    assert SIXTEEN_DIGITS.findall(stderr) == []


def test_the_human_ingest_report_of_the_small_kabupaten_shows_no_nik_either(pipeline):
    assert SIXTEEN_DIGITS.findall(pipeline.ingest.stdout) == []
    assert "Setiap baris terhitung: dibaca = masuk + karantina." in (
        pipeline.ingest.stdout.splitlines()
    )


def rule_lines(text: str, month: str) -> dict[str, tuple[str, str, str]]:
    """``code  count  Rp amount/month  title`` lines of the reconcile report."""
    found = re.findall(rf"^(\w+) +([\d.]+) +Rp +([\d.]+)/{month} +(.+)$", text, re.MULTILINE)
    return {code: (count, amount, title) for code, count, amount, title in found}


def finding_counts(workspace: Path) -> dict[str, int]:
    rows = table_rows(
        workspace, f"SELECT rule_code, count(*) FROM finding WHERE period = '{PERIOD}' GROUP BY 1"
    )
    return dict(rows)


def link_figures(workspace: Path) -> tuple:
    return table_rows(
        workspace,
        "SELECT records, exact, splink_linked, review, unlinked FROM link_run "
        f"WHERE period = '{PERIOD}' ORDER BY linked_at DESC LIMIT 1",
    )[0]


def test_reconcile_prints_the_linkage_and_each_rule_in_indonesian(pipeline):
    text = pipeline.reconcile.stdout
    records, exact, splink, review, unlinked = link_figures(pipeline.workspace)
    assert text.splitlines()[0] == (
        f"Rekaman {number(records)}: cocok NIK {number(exact)}, Splink {number(splink)}, "
        f"ditinjau {number(review)}, tidak cocok {number(unlinked)}."
    )
    printed = rule_lines(text, "bulan")
    stored = finding_counts(pipeline.workspace)
    assert {code: count for code, (count, _, _) in printed.items() if count != "0"} == {
        code: number(n) for code, n in stored.items()
    }
    assert printed["meninggal_masih_aktif"][2] == "Meninggal tetapi masih aktif di BPJS"
    assert "Hemat per bulan bila semua daftar ditindaklanjuti: Rp " in text


def test_reconcile_xlsx_writes_the_workbook_whose_summary_matches_the_printed_report(pipeline):
    assert pipeline.reconcile.stdout.splitlines()[-1] == f"Excel: {pipeline.book}"
    book = openpyxl.load_workbook(pipeline.book, read_only=True)
    rows = list(book["Ringkasan"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "Kode aturan")
    column = {name: i for i, name in enumerate(rows[header])}
    summary = {row[0]: row for row in rows[header + 1 :] if row[0]}
    printed = rule_lines(pipeline.reconcile.stdout, "bulan")
    assert set(summary) == set(printed) | {"JUMLAH"}
    for code, (count, amount, _) in printed.items():
        assert number(summary[code][column["Jumlah"]]) == count
        assert number(summary[code][column["Hemat Rp/bulan"]]) == amount
    saving = re.search(r"ditindaklanjuti: Rp ([\d.]+)$", pipeline.reconcile.stdout, re.MULTILINE)
    assert saving is not None
    assert number(summary["JUMLAH"][column["Hemat Rp/bulan"]]) == saving.group(1)


def test_reconcile_speaks_english_with_lang_en(reconciled_copy):
    done = invoke("reconcile", "--workspace", reconciled_copy, "--period", PERIOD, "--lang", "en")
    assert done.code == 0, done.stderr
    records, exact, splink, review, unlinked = link_figures(reconciled_copy)
    assert done.stdout.splitlines()[0] == (
        f"Records {number(records)}: exact NIK {number(exact)}, Splink {number(splink)}, "
        f"review {number(review)}, unlinked {number(unlinked)}."
    )
    printed = rule_lines(done.stdout, "month")
    stored = finding_counts(reconciled_copy)
    assert {code: printed[code][0] for code in stored} == {
        code: number(n) for code, n in stored.items()
    }
    assert printed["meninggal_masih_aktif"][2] == "Dead but still active in BPJS"
    assert "Monthly saving if every list is acted on: Rp " in done.stdout
    assert "/bulan" not in done.stdout


def test_reconcile_json_carries_the_workbook_path_and_the_saving_of_the_rules(
    reconciled_copy, tmp_path
):
    book = tmp_path / "daftar" / "rekonsiliasi.xlsx"  # a folder that does not exist yet
    done = invoke(
        "reconcile", "--workspace", reconciled_copy, "--period", PERIOD, "--xlsx", book, "--json"
    )
    document = json.loads(done.stdout)
    assert document["xlsx"] == str(book) and book.exists()
    counts = {rule["rule_code"]: rule["findings"] for rule in document["rules"]}
    assert {code: n for code, n in counts.items() if n} == finding_counts(reconciled_copy)
    # each Pemda payment is saved once even when two rules flag the same person
    assert document["monthly_rupiah_total"] <= sum(r["monthly_rupiah"] for r in document["rules"])


# --- semesta uhc: the workspace report in English ---------------------------------------------


@pytest.fixture(scope="module")
def uhc_workspace(small_reconciled, tmp_path_factory) -> Path:
    return copy_workspace(small_reconciled, tmp_path_factory.mktemp("uhc") / "workspace")


def test_the_uhc_report_speaks_english_with_the_same_figures(uhc_workspace):
    args = ["uhc", "--workspace", uhc_workspace, "--period", PERIOD]
    counts = json.loads(invoke(*args, "--json").stdout)["areas"][0]["counts"]
    done = invoke(*args, "--lang", "en")
    assert done.code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "Kabupaten Kotawaringin Timur (62.02), period 2025-06 (rules as of 2025-06-30)"
    )
    assert (
        f"Kabupaten Kotawaringin Timur (62.02): population {number(counts['population'])}, "
        f"registered {number(counts['registered'])}, active {number(counts['active'])}"
    ) in lines
    assert "Gap to each target:" in lines
    assert "Who could close it, best per Rupiah of APBD first:" in lines
    assert "Celah ke setiap target:" not in lines


def test_the_uhc_desa_table_has_english_headings_with_lang_en(uhc_workspace):
    done = invoke(
        "uhc", "--workspace", uhc_workspace, "--period", PERIOD, "--level", "desa", "--lang", "en"
    )
    heading = done.stdout.splitlines()[2].split()
    assert heading[:7] == [
        "code", "name", "population", "registered", "active", "coverage", "activity",
    ]  # fmt: skip


# --- semesta budget: what tests/test_budget_cli.py leaves out ----------------------------------


def test_the_bill_of_a_reconciled_workspace_takes_its_counts_from_the_workspace(reconciled_copy):
    done = invoke("budget", "bill", "--workspace", reconciled_copy, "--period", PERIOD, "--json")
    assert done.code == 0, done.stderr
    document = json.loads(done.stdout)
    figures = document["workspace"]
    assert document["month"] == PERIOD and figures["region"] == "62.02"
    pemda, kelas3 = document["lines"]
    # Kotawaringin Timur has no rate of its own: the Perpres rate, Rp 42.000; the Pemda's share
    # of the kelas III bantuan iuran is Rp 2.800 (of Rp 7.000)
    assert (pemda["count"], pemda["rate"]) == (figures["pemda_paid_active"], 42_000)
    assert (kelas3["count"], kelas3["rate"]) == (figures["kelas3_mandiri_active"], 2_800)
    assert document["total"] == pemda["count"] * 42_000 + kelas3["count"] * 2_800
    assert document["yearly"] == document["total"] * 12


def test_a_count_given_on_the_command_line_wins_over_the_workspace(reconciled_copy):
    done = invoke(
        "budget", "bill", "--workspace", reconciled_copy, "--period", PERIOD, "--pemda-paid",
        "1000", "--json",
    )  # fmt: skip
    pemda, _ = json.loads(done.stdout)["lines"]
    assert (pemda["count"], pemda["amount"]) == (1_000, 42_000_000)


def test_the_bill_is_printed_in_english_with_indonesian_rupiah():
    done = invoke(
        "budget", "bill", "--month", "2023-06", "--pemda-paid", "28795", "--kelas3", "1000",
        "--region", "17.03", "--lang", "en",
    )  # fmt: skip
    # Bengkulu Utara pays Rp 37.800 per participant from 2023 (seed 001 Tabel 1)
    assert done.stdout.splitlines() == [
        "Bill for 2023-06",
        "  Iuran of active PBPU-BP Pemda participants: 28.795 × Rp 37.800 = Rp 1.088.451.000",
        "  Pemda share of bantuan iuran, active PBPU/BP kelas III participants: 1.000 × Rp 2.800 "
        "= Rp 2.800.000",
        "  Total: Rp 1.091.251.000",
    ]


def test_the_calendar_is_printed_in_indonesian_and_in_english():
    indonesian = invoke("budget", "calendar", "--today", "2026-05-01").stdout.splitlines()
    english = invoke("budget", "calendar", "--today", "2026-05-01", "--lang", "en")
    assert indonesian[0] == "Kalender perencanaan, hari ini 2026-05-01"
    assert indonesian[-1] == (
        "Tahun anggaran pertama yang RKPD-nya masih dapat memuat kebutuhan: 2027"
    )
    lines = english.stdout.splitlines()
    assert lines[0] == "Planning calendar, today 2026-05-01"
    assert lines[-1] == "First budget year whose RKPD can still take the need: 2027"
    # 28 May 2025 is 338 days before 1 May 2026
    assert lines[1].split()[:5] == ["2025-05-28", "TA", "2026", "passed", "338"]


def test_the_calendar_workbook_is_written_and_named_in_the_output(tmp_path):
    book = tmp_path / "kalender.xlsx"
    done = invoke("budget", "calendar", "--today", "2026-05-01", "--xlsx", book)
    assert done.stdout.splitlines()[-1] == f"Excel: {book}"
    sheet = openpyxl.load_workbook(book, read_only=True)["Kalender"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Kalender perencanaan dan penganggaran (hari ini 2026-05-01)"
    assert rows[2][:4] == ("Tenggat", "TA", "Langkah", "Status")


# --- semesta demo (a small kabupaten) and the web commands ------------------------------------


@dataclass(frozen=True)
class Demo:
    folder: Path  # where the command ran
    out: Path
    outcome: Outcome
    document: dict


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Demo:
    """``semesta demo --population 100 --no-serve --json --port 8765``, as a process."""
    folder = tmp_path_factory.mktemp("demo")
    done = as_process(
        "demo", "--out", "contoh", "--population", "100", "--no-serve", "--port", "8765",
        "--json", cwd=folder,
    )  # fmt: skip
    assert done.code == 0, done.stderr[-3000:]
    return Demo(folder, folder / "contoh", done, json.loads(done.stdout))


def test_the_demo_announces_its_four_steps_on_stderr(demo):
    steps = [line for line in demo.outcome.stderr.splitlines() if re.match(r"\d/4 ", line)]
    assert steps == [
        "1/4 Membuat ekspor sintetis Kab. Kotawaringin Timur (100 penduduk) di contoh/ekspor ...",
        "2/4 Memuat ke workspace contoh/workspace ...",
        "3/4 Memadankan register, mencari anomali / reconciling ...",
        "4/4 Menerbitkan ke aplikasi web / publishing to the web app ...",
    ]


def test_the_demo_progress_shows_no_nik(demo):
    assert SIXTEEN_DIGITS.findall(demo.outcome.stderr) == []


def test_the_demo_makes_the_population_asked_for_and_accounts_for_every_row(demo):
    document = demo.document
    assert document["synth"]["population"] == 100
    totals = document["ingest"]["totals"]
    assert totals["files_ingested"] == 8 and totals["files_refused"] == 0
    assert totals["rows_read"] == totals["rows_ingested"] + totals["rows_quarantined"]


def test_the_demo_writes_the_reconciliation_workbook_next_to_the_exports(demo):
    reconciled = demo.document["reconcile"]
    assert reconciled["xlsx"] == "contoh/rekonsiliasi.xlsx"
    book = openpyxl.load_workbook(demo.out / "rekonsiliasi.xlsx", read_only=True)
    assert book.sheetnames[0] == "Ringkasan"


def test_the_demo_url_uses_the_port_asked_for(demo):
    assert demo.document["web"]["url"] == "http://127.0.0.1:8765/"


def test_the_demo_summary_line_counts_findings_and_the_monthly_saving_in_each_language(demo):
    from semesta.cli import _demo_findings

    reconciled = demo.document["reconcile"]
    findings = number(sum(rule["findings"] for rule in reconciled["rules"]))
    saving = number(reconciled["monthly_rupiah_total"])
    assert _demo_findings(reconciled, "en") == (
        f"\nReconciliation: {findings} findings; acting on them saves Rp {saving} a month. "
        "Action lists: contoh/rekonsiliasi.xlsx"
    )
    assert _demo_findings(reconciled, "id") == (
        f"\nRekonsiliasi: {findings} temuan; bila ditindaklanjuti hemat Rp {saving} per bulan. "
        "Daftar tindakan: contoh/rekonsiliasi.xlsx"
    )


def users(data: Path) -> dict[str, tuple[str, str]]:
    db = sqlite3.connect(data / "semesta.sqlite3")
    try:
        rows = db.execute("SELECT username, role, region_code FROM web_user").fetchall()
    finally:
        db.close()
    return {name: (role, region) for name, role, region in rows}


def test_create_admin_makes_the_first_dinkes_administrator_after_the_password_prompt(demo):
    password = "Mentaya-Sampit-2025\n"
    done = as_process(
        "web", "create-admin", "kepala.dinkes", "--wilayah", "62.02", "--data", demo.out / "web",
        cwd=demo.folder, stdin=password * 2,
    )  # fmt: skip
    assert done.code == 0, done.stderr[-3000:]
    assert "Admin kepala.dinkes (6202) dibuat / created." in done.stderr.splitlines()
    assert users(demo.out / "web")["kepala.dinkes"] == ("admin_dinkes", "6202")


def test_create_admin_refuses_a_weak_password_in_indonesian_and_english(demo):
    done = as_process(
        "web", "create-admin", "lemah", "--wilayah", "62.02", "--data", demo.out / "web",
        cwd=demo.folder, stdin="12345\n12345\n",
    )  # fmt: skip
    assert done.code == 2
    indonesian, english = bilingual(done)
    assert indonesian.startswith("GALAT: Kata sandi terlalu pendek.")
    assert english.startswith("ERROR: This password is too short.")
    assert "This password is entirely numeric." in english
    assert "lemah" not in users(demo.out / "web")


def test_create_admin_refuses_an_unknown_kabupaten_before_asking_for_a_password(demo):
    done = as_process(
        "web", "create-admin", "tamu", "--wilayah", "99.99", "--data", demo.out / "web",
        cwd=demo.folder, stdin="",
    )  # fmt: skip
    assert done.code == 2
    assert bilingual(done) == [
        "GALAT: --wilayah harus kode kabupaten/kota yang dikenal, mis. 62.02.",
        "ERROR: --wilayah must be a known kabupaten/kota code, e.g. 62.02.",
    ]
    assert "Kata sandi" not in done.stdout
