"""``semesta web``: serve the web application, migrate its database, publish a workspace into it,
and create accounts (the first admin, or one demo account per role).

The app keeps its files in a data folder (``--data``, or ``SEMESTA_DATA_DIR``, default
``./semesta-web``): the SQLite database (unless ``SEMESTA_DB_URL`` points to PostgreSQL), the
upload workspace, the job log, and ``secret_key`` (made on first use, readable by the owner
only, unless ``SEMESTA_SECRET_KEY`` is set).
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer

from semesta.console import JsonOption, emit, number, progress
from semesta.core.text import Bilingual, SemestaError

web_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Aplikasi web / web application: serve, migrate, publish, accounts.",
)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data", help="Folder data aplikasi (default: SEMESTA_DATA_DIR atau ./semesta-web)"
    ),
]

DEMO_ROLES = (
    ("admin.dinkes", "admin_dinkes", "kabupaten", "Dinas Kesehatan"),
    ("analis.dinkes", "analis_dinkes", "kabupaten", "Dinas Kesehatan"),
    ("verifikator.dinsos", "verifikator_dinsos", "kecamatan", "Dinas Sosial"),
    ("operator.desa", "operator_desa", "desa", "Pemerintah Desa"),
    ("petugas.puskesmas", "petugas_puskesmas", "kecamatan", "Puskesmas"),
    ("penghubung.bpjs", "penghubung_bpjs", "kabupaten", "BPJS Kesehatan"),
    ("pimpinan", "pimpinan", "kabupaten", "Sekretariat Daerah"),
)


def setup(data: Path | None = None, workspace: Path | None = None) -> Path:
    """Point the app at its data folder, make sure it has a secret key, start Django."""
    folder = Path(data or os.environ.get("SEMESTA_DATA_DIR") or Path.cwd() / "semesta-web")
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["SEMESTA_DATA_DIR"] = str(folder)
    if workspace is not None:
        os.environ["SEMESTA_WORKSPACE"] = str(Path(workspace).resolve())
    if not os.environ.get("SEMESTA_SECRET_KEY"):
        key_file = folder / "secret_key"
        if not key_file.exists():
            key_file.touch(mode=0o600)
            key_file.write_text(secrets.token_urlsafe(50), encoding="ascii")
        os.environ["SEMESTA_SECRET_KEY"] = key_file.read_text(encoding="ascii").strip()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semesta.web.settings")
    import django

    django.setup()
    return folder


def _migrate(verbose: bool = False) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)


@web_app.command()
def migrate(data: DataOption = None) -> None:
    """Buat/perbarui tabel basis data aplikasi / create or update the app's tables."""
    setup(data)
    _migrate(verbose=True)


@web_app.command()
def serve(
    host: Annotated[str, typer.Option(help="Alamat / address (0.0.0.0 for the office LAN)")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    threads: Annotated[int, typer.Option(help="Jumlah thread / worker threads")] = 8,
    data: DataOption = None,
    workspace: Annotated[
        Path | None, typer.Option(help="Workspace DuckDB untuk unggahan / upload workspace")
    ] = None,
) -> None:
    """Jalankan aplikasi (waitress) / run the app with the waitress WSGI server."""
    setup(data, workspace)
    _migrate()
    run_server(host, port, threads)


def run_server(host: str, port: int, threads: int = 8) -> None:
    from waitress import serve as waitress_serve

    from semesta.web.wsgi import application

    typer.echo(f"Semesta: http://{host}:{port}/  (Ctrl+C berhenti / to stop)", err=True)
    waitress_serve(application, host=host, port=port, threads=threads, ident="Semesta")


@web_app.command()
def publish(
    workspace: Annotated[Path, typer.Option(help="Folder workspace")],
    period: Annotated[str, typer.Option(help="Periode YYYY-MM")],
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Jalankan tahap lanjutan lalu terbitkan ke aplikasi / run the later stages and publish."""
    document = publish_workspace(workspace, period, data)
    steps = "\n".join(
        f"- {s['stage']}: {s['status']}" + (f" ({s['message']['id']})" if s["message"] else "")
        for s in document["steps"]
    )
    counts = document["counts"]
    emit(
        as_json,
        document,
        f"Diterbitkan periode {period}: {number(counts.get('persons', 0))} orang, "
        f"{number(counts.get('findings', 0))} temuan, {number(counts.get('regions', 0))} "
        f"wilayah.\n{steps}",
    )


def publish_workspace(workspace: Path, period: str, data: Path | None = None) -> dict:
    from semesta.pipeline.workspace import Workspace, check_period

    check_period(period)
    place = Workspace(workspace)
    if not place.exists():
        raise SemestaError(
            Bilingual(
                f"Workspace '{workspace}' belum ada; jalankan 'semesta ingest' dahulu.",
                f"Workspace '{workspace}' does not exist yet; run 'semesta ingest' first.",
            )
        )
    setup(data, workspace)
    _migrate()
    from semesta.web.jobs import process_period

    steps, publication = process_period(place, period, progress())
    return {
        "period": period,
        "publication": publication.pk,
        "kabupaten": publication.kabupaten_code,
        "steps": steps,
        "counts": publication.counts,
    }


@web_app.command("demo-users")
def demo_users(
    region: Annotated[
        str, typer.Option("--wilayah", help="Kode kabupaten (default: data yang diterbitkan)")
    ] = "",
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Satu akun demo per peran, kata sandi baru / one demo account per role, new passwords."""
    setup(data)
    _migrate()
    accounts = make_demo_users(region)
    emit(as_json, accounts, accounts_table(accounts))


def _demo_regions(kabupaten: str) -> dict[str, str]:
    """A kecamatan and a desa of the kabupaten that have people in the published data."""
    from django.db.models import Count

    from semesta.core.regions import regions
    from semesta.web.models import Person
    from semesta.web.publish import current

    publication = current()
    found = {"kabupaten": kabupaten}
    if publication is not None:
        busiest = (
            Person.objects.filter(publication=publication, kode_kabupaten=kabupaten)
            .exclude(kode_desa="")
            .values("kode_desa")
            .annotate(n=Count("id"))
            .order_by("-n", "kode_desa")
            .first()
        )
        if busiest:
            found["desa"] = busiest["kode_desa"]
            found["kecamatan"] = busiest["kode_desa"][:6]
    if "desa" not in found:
        desa = regions().descendants(kabupaten, "desa")
        if not desa:
            raise SemestaError(
                Bilingual(
                    f"Kabupaten '{kabupaten}' tidak dikenal.", f"Unknown kabupaten '{kabupaten}'."
                )
            )
        found["desa"], found["kecamatan"] = desa[0].digits, desa[0].digits[:6]
    return found


def make_demo_users(region: str = "") -> list[dict]:
    from semesta.core.regions import canonical_code
    from semesta.web.models import User
    from semesta.web.publish import current

    publication = current()
    code = (canonical_code(region) or "").replace(".", "") if region else ""
    if not code:
        code = publication.kabupaten_code if publication and publication.kabupaten_code else "6202"
    if len(code) != 4:
        raise SemestaError(
            Bilingual(
                "--wilayah harus kode kabupaten/kota, mis. 62.02.",
                "--wilayah must be a kabupaten/kota code, e.g. 62.02.",
            )
        )
    places = _demo_regions(code)
    accounts = []
    for username, role, level, unit in DEMO_ROLES:
        password = secrets.token_urlsafe(9)
        user, _ = User.objects.get_or_create(username=username)
        user.role, user.region_code, user.unit = role, places[level], unit
        user.is_active = True
        user.set_password(password)
        user.save()
        accounts.append(
            {
                "username": username,
                "password": password,
                "role": role,
                "role_label": str(user.get_role_display()),
                "region": canonical_code(places[level]),
                "region_name": user.region_name,
            }
        )
    return accounts


def accounts_table(accounts: list[dict]) -> str:
    width = max(len(a["username"]) for a in accounts)
    lines = ["Akun demo (peran · wilayah) / demo accounts (role · region):"]
    for a in accounts:
        lines.append(
            f"  {a['username']:<{width}}  {a['password']:<14}  {a['role_label']} · "
            f"{a['region_name']} ({a['region']})"
        )
    return "\n".join(lines)


@web_app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Argument(help="Nama pengguna")],
    region: Annotated[str, typer.Option("--wilayah", help="Kode kabupaten, mis. 62.02")],
    data: DataOption = None,
) -> None:
    """Akun Admin Dinkes pertama / the first Dinkes administrator (password asked)."""
    from semesta.core.regions import canonical_code, regions

    setup(data)
    _migrate()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from semesta.web.models import User

    code = (canonical_code(region) or "").replace(".", "")
    if len(code) != 4 or regions().get(code) is None:
        raise SemestaError(
            Bilingual(
                "--wilayah harus kode kabupaten/kota yang dikenal, mis. 62.02.",
                "--wilayah must be a known kabupaten/kota code, e.g. 62.02.",
            )
        )
    password = typer.prompt("Kata sandi / password", hide_input=True, confirmation_prompt=True)
    user = User(username=username, role="admin_dinkes", region_code=code)
    refused = {}
    for language in ("id", "en"):  # the validators translate their messages when they fail
        with translation.override(language):
            try:
                validate_password(password, user)
            except ValidationError as error:
                refused[language] = " ".join(error.messages)
    if refused:
        raise SemestaError(Bilingual(refused["id"], refused["en"]))
    user.set_password(password)
    user.save()
    typer.echo(f"Admin {username} ({code}) dibuat / created.", err=True)


def demo_web(out: Path, period: str, *, port: int, document: dict) -> None:
    """The end of ``semesta demo``: publish the demo workspace into the app and make one account
    per role (``document["web"]``); ``demo_serve`` then serves it on localhost."""
    typer.echo("4/4 Menerbitkan ke aplikasi web / publishing to the web app ...", err=True)
    published = publish_workspace(out / "workspace", period, out / "web")
    accounts = make_demo_users()
    document["web"] = {
        "url": f"http://127.0.0.1:{port}/",
        "data": str((out / "web").resolve()),
        "publication": published,
        "accounts": accounts,
    }


def demo_announce(document: dict) -> str:
    web = document.get("web")
    if not web:
        return ""
    return f"\n{accounts_table(web['accounts'])}\n\nBuka / open {web['url']}"


def demo_serve(port: int) -> None:
    sys.stdout.flush()
    run_server("127.0.0.1", port)
