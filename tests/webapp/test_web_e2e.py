"""End to end in real headless Chromium (Debian's ``chromium``, driven by Playwright): sign in,
upload the exports, read the accounting, open the dashboard, drill down, download an Excel,
run a status check, switch the language. The screenshots of the main pages it takes are the ones
in the README (docs/screenshots/).

Needs /usr/bin/chromium (``apt-get install chromium``; never ``playwright install``). Without it
the tests are skipped on a developer's machine and fail in CI (SEMESTA_CI=1).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import openpyxl
import pytest

from semesta.web.models import Person, User
from webapp.conftest import CI, PERIOD

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(
    os.environ.get("SEMESTA_SCREENSHOTS") or Path(__file__).parents[2] / "docs" / "screenshots"
)
PASSWORD = "sandi-e2e-semesta-7"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(monkeypatch):
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/masuk/" not in url)


def test_an_analyst_uploads_reads_the_accounting_and_a_puskesmas_checks_a_nik(
    browser, live_server, small_exports, fresh_workspace, settings, tmp_path
):
    settings.SEMESTA_JOB_RUNNER = "process"
    for username, role, region in (
        ("analis", "analis_dinkes", "6202"),
        ("puskesmas", "petugas_puskesmas", "6202"),
    ):
        user = User(username=username, role=role, region_code=region, first_name=username.title())
        user.set_password(PASSWORD)
        user.save()
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()

    # Sign in and upload every export of the period.
    sign_in(page, base, "analis")
    page.goto(f"{base}/unggah/")
    page.fill("#id_period", PERIOD)
    exports = sorted(p for p in small_exports.iterdir() if p.is_file())
    page.set_input_files("#id_files", [str(p) for p in exports])
    shot(page, "unggah")
    page.click("#upload-submit")

    # The job page follows the job, then shows the accounting.
    page.wait_for_url(re.compile(r".*/unggah/\d+/$"))
    page.wait_for_selector("#accounting", timeout=240_000)
    read = int(page.inner_text("#total-read").replace(".", ""))
    ingested = int(page.inner_text("#total-ingested").replace(".", ""))
    quarantined = int(page.inner_text("#total-quarantined").replace(".", ""))
    assert read == ingested + quarantined > 0
    shot(page, "akuntansi")

    # The dashboard, then one kecamatan down.
    page.click("#to-dashboard")
    page.wait_for_selector("#status-badge")
    page.wait_for_function("document.querySelector('#segment-chart').width > 0")
    assert page.inner_text("#population").replace(".", "").isdigit()
    shot(page, "dasbor")
    kecamatan = page.locator("a.drill").first
    name = kecamatan.inner_text()
    kecamatan.click()
    page.wait_for_selector("#children")
    assert name in page.inner_text("h1")
    shot(page, "dasbor-kecamatan")

    # The anomaly list asks for the purpose once, then downloads as Excel.
    page.goto(f"{base}/temuan/")
    page.check("input[name=purpose] >> nth=0")
    page.click("#purpose-submit")
    page.wait_for_selector("#findings-list")
    shot(page, "temuan")
    with page.expect_download() as download:
        page.click("#findings-download")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    book = openpyxl.load_workbook(io.BytesIO(saved.read_bytes()), read_only=True)
    assert sum(1 for sheet in book.worksheets for _ in sheet.iter_rows()) > 10

    # A person's page, and the targeting page.
    page.click("#findings-list a >> nth=0")
    page.wait_for_selector("#sources")
    shot(page, "orang")
    page.goto(f"{base}/sasaran/?pratinjau=1&desil_max=6")
    page.wait_for_selector("#preview-result")
    shot(page, "sasaran")
    page.goto(f"{base}/anggaran/rencana/?tahun=2026&bulan_mulai=1&target=99")
    page.wait_for_selector("#planner-options")
    shot(page, "rencana-apbd")

    # The puskesmas checks a NIK (typed, posted, never in the address).
    person = Person.objects.filter(active=True, resident=True).exclude(nik="").first()
    desk = context.new_page()
    context.clear_cookies()
    sign_in(desk, base, "puskesmas")  # lands on the purpose page: one purpose, preselected
    desk.click("#purpose-submit")
    desk.wait_for_selector("#id_nik")
    desk.fill("#id_nik", person.nik)
    desk.click("#check-submit")
    desk.wait_for_selector("#status-answer")
    assert "TERJAMIN JKN" in desk.inner_text("#status-badge")
    assert person.nik not in desk.url
    shot(desk, "cek-status")

    # The language switch turns the page to English.
    desk.click("#switch-language")
    desk.wait_for_selector("html[lang=en]")
    assert "Check JKN membership status" in desk.inner_text("h1")
    desk.goto(f"{base}/dasbor/")
    desk.wait_for_selector("#status-badge")
    shot(desk, "dashboard-en")
    context.close()
