"""The web app's test database: created once per session with the small synthetic kabupaten
published into it (the real pipeline: ingest, reconcile, UHC, eligibility, publish) and the
named cast of accounts (tests/webapp/cast.py). Each test runs in a transaction rolled back after
it, so every test starts from this state."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from semesta.pipeline.ingest import ingest
from semesta.pipeline.workspace import Workspace
from semesta.synth.options import SynthOptions
from webapp.cast import create_cast

CI = os.environ.get("SEMESTA_CI") == "1"
PERIOD = SynthOptions().period


@pytest.fixture(scope="session", autouse=True)
def web_dirs(tmp_path_factory):
    """The app's data folder and upload workspace in the session's temporary folder."""
    root = tmp_path_factory.mktemp("web")
    before = settings.SEMESTA_DATA_DIR, settings.SEMESTA_WORKSPACE
    settings.SEMESTA_DATA_DIR = root / "data"
    settings.SEMESTA_WORKSPACE = root / "workspace"
    yield root
    settings.SEMESTA_DATA_DIR, settings.SEMESTA_WORKSPACE = before


@pytest.fixture(scope="session")
def published_workspace(small_exports, tmp_path_factory) -> Workspace:
    """The small kabupaten ingested into its own workspace (the later stages write to it)."""
    workspace = Workspace(tmp_path_factory.mktemp("published") / "workspace")
    ingest(small_exports, PERIOD, workspace)
    return workspace


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, published_workspace):
    """pytest-django's test database, then the published kabupaten and the cast."""
    from semesta.web.jobs import process_period

    with django_db_blocker.unblock():
        process_period(published_workspace, PERIOD)
        create_cast()


@pytest.fixture
def fresh_workspace(tmp_path, settings):
    """An empty upload workspace for one test (DuckDB is not rolled back with the database)."""
    settings.SEMESTA_WORKSPACE = tmp_path / "upload-workspace"
    settings.SEMESTA_DATA_DIR = tmp_path / "data"
    return Workspace(tmp_path / "upload-workspace")


def copy_exports(source: Path, target: Path, names: list[str] | None = None) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in sorted(source.iterdir()):
        if path.is_file() and (names is None or any(n in path.name for n in names)):
            copied.append(Path(shutil.copy2(path, target / path.name)))
    return copied
