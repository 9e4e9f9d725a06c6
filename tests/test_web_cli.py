"""``semesta web`` and the end of ``semesta demo``, run as a user runs them (subprocesses with
their own data folder, SQLite database and secret key)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROLES = {
    "admin_dinkes",
    "analis_dinkes",
    "verifikator_dinsos",
    "operator_desa",
    "petugas_puskesmas",
    "penghubung_bpjs",
    "pimpinan",
}


def env() -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SEMESTA_", "DJANGO_", "DATABASE_"))
    }
    return {**clean, "DJANGO_SETTINGS_MODULE": "semesta.web.settings"}


def semesta(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "semesta", *args],
        cwd=cwd,
        env=env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    """``semesta demo --no-serve`` on a small kabupaten."""
    folder = tmp_path_factory.mktemp("demo")
    done = semesta(
        "demo", "--out", "out", "--population", "1500", "--no-serve", "--json", cwd=folder
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return folder / "out", json.loads(done.stdout)


def test_the_demo_publishes_the_kabupaten_and_prints_one_account_per_role(demo):
    _, document = demo
    web = document["web"]
    assert {a["role"] for a in web["accounts"]} == ROLES
    assert web["publication"]["counts"]["persons"] > 1500
    assert web["publication"]["counts"]["regions"] > 17
    assert [s["status"] for s in web["publication"]["steps"]] == ["done"] * 4
    assert web["url"] == "http://127.0.0.1:8000/"


def test_the_demo_data_folder_has_a_private_secret_key(demo):
    out, _ = demo
    key = out / "web" / "secret_key"
    assert len(key.read_text().strip()) >= 50
    assert key.stat().st_mode & 0o077 == 0


def test_demo_users_prints_new_passwords_for_every_role(demo):
    out, document = demo
    done = semesta("web", "demo-users", "--data", str(out / "web"), "--json", cwd=out)
    accounts = json.loads(done.stdout)
    assert {a["role"] for a in accounts} == ROLES
    before = {a["username"]: a["password"] for a in document["web"]["accounts"]}
    assert all(before[a["username"]] != a["password"] for a in accounts)
    places = {a["role"]: a["region"] for a in accounts}
    assert places["admin_dinkes"] == "62.02"
    assert len(places["operator_desa"]) == 13 and len(places["petugas_puskesmas"]) == 8


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_answers_on_localhost_with_the_waitress_server(demo):
    out, _ = demo
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "semesta",
            "web",
            "serve",
            "--data",
            str(out / "web"),
            "--port",
            str(port),
        ],
        cwd=out,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        health = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    health = json.loads(r.read())
                    server_header = r.headers.get("Server")
                break
            except OSError:
                time.sleep(0.5)
        assert health == {"status": "ok"}
        assert server_header == "Semesta"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/masuk/", timeout=5) as page:
            body = page.read().decode()
            assert "Masuk ke Semesta" in body
            assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_publish_runs_the_later_stages_and_reports_the_counts(small_ingested, tmp_path):
    import shutil

    workspace, _ = small_ingested
    copy = tmp_path / "workspace"
    shutil.copytree(workspace.path, copy)
    done = semesta(
        "web",
        "publish",
        "--workspace",
        str(copy),
        "--period",
        "2025-06",
        "--data",
        str(tmp_path / "web"),
        "--json",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    document = json.loads(done.stdout)
    assert document["kabupaten"] == "6202"
    assert document["counts"]["files"] == 8
    assert document["counts"]["persons"] >= 3000


def test_publish_refuses_a_workspace_that_does_not_exist(tmp_path):
    done = semesta(
        "web",
        "publish",
        "--workspace",
        str(tmp_path / "nowhere"),
        "--period",
        "2025-06",
        "--data",
        str(tmp_path / "web"),
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "belum ada" in done.stderr and "does not exist" in done.stderr
