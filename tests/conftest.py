"""Shared fixtures: a small synthetic kabupaten, written once per test session."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from semesta import cli
from semesta.pipeline.ingest import ingest
from semesta.pipeline.workspace import Workspace
from semesta.synth.exports import synthesize
from semesta.synth.options import SynthOptions

SMALL = SynthOptions(population=3_000, seed=7)


@pytest.fixture(scope="session")
def small_exports(tmp_path_factory) -> Path:
    """Exports of a 3,000-resident Kotawaringin Timur, with default dirt."""
    out = tmp_path_factory.mktemp("exports")
    synthesize(SMALL, out)
    return out


@pytest.fixture(scope="session")
def small_ingested(small_exports, tmp_path_factory):
    """The small exports ingested into a workspace (read-only use, please)."""
    workspace = Workspace(tmp_path_factory.mktemp("workspace"))
    report = ingest(small_exports, SMALL.period, workspace)
    return workspace, report


@pytest.fixture(scope="session")
def small_reconciled(small_ingested, tmp_path_factory) -> Workspace:
    """A copy of the small workspace, reconciled (person, membership, finding tables)."""
    from semesta.pipeline.anomalies import reconcile

    workspace = Workspace(tmp_path_factory.mktemp("reconciled") / "workspace")
    shutil.copytree(small_ingested[0].path, workspace.path)
    reconcile(workspace, SMALL.period)
    return workspace


@pytest.fixture
def exports_copy(small_exports, tmp_path) -> Path:
    """A private copy of the small exports (without truth/), safe to modify."""
    target = tmp_path / "exports"
    shutil.copytree(small_exports, target, ignore=shutil.ignore_patterns("truth"))
    return target


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    return Workspace(tmp_path / "workspace")


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def query(workspace: Workspace, sql: str, params: list | None = None) -> list[tuple]:
    """The rows of one read-only query on a workspace."""
    db = workspace.connect(read_only=True)
    try:
        return db.execute(sql, params or []).fetchall()
    finally:
        db.close()


def run_semesta(*args: str) -> tuple[int, str, str]:
    """``semesta`` in-process through its real entry point (which turns a SemestaError into a
    bilingual message and exit code 2): exit code, stdout and stderr."""
    with CliRunner().isolation() as (out, err, _):
        argv, sys.argv = sys.argv, ["semesta", *args]
        try:
            cli.main()
            code = 0
        except SystemExit as done:
            code = int(done.code or 0)
        finally:
            sys.argv = argv
        return code, out.getvalue().decode(), err.getvalue().decode()
