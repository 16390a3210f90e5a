"""The catalogue in a real browser: Debian's chromium driven by Playwright (no downloaded browsers)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from allonav.services.catalogue_import import import_paths
from allonav.services.context import open_context
from allonav.settings import Settings
from allonav.web.app import create_app

pytestmark = pytest.mark.browser
STUDIES = Path(__file__).resolve().parents[1] / "fixtures" / "studies"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if CHROMIUM is None:
        pytest.skip("browser test skipped: Debian's chromium is not installed (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("browser")
    ctx = open_context(Settings.from_env({"ALLONAV_DATA_DIR": str(folder), "ALLONAV_OFFLINE": "1"}))
    import_paths(ctx.sessions, [STUDIES / "six_programmes.json"], vocabulary=ctx.vocabulary)
    port = _free_port()
    config = uvicorn.Config(create_app(context=ctx), host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    ctx.close()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def test_navigator_finds_allogeneic_cd19_programmes_and_opens_one(server: str, browser: object,
                                                                   tmp_path: Path) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    page = browser.new_page()
    page.goto(server + "/")
    expect(page.locator("#total")).to_have_text("6")
    # Facet clicks: off-the-shelf sources, then CD19.
    page.locator(".facet a[data-facet-value='cord-blood']").click()
    expect(page.locator("#total")).to_have_text("1")
    page.locator(".chip").first.click()
    expect(page.locator("#total")).to_have_text("6")
    page.fill("input[name=q]", "lymphoma")
    page.click("button[type=submit]")
    expect(page.locator(".hit")).to_have_count(3)
    page.click("a.title >> text=Cord Blood-derived CD19 CAR-NK")
    expect(page.locator("h1")).to_contain_text("NCT99000004")
    expect(page.locator("table.profile")).to_contain_text("cord-blood")
    expect(page.locator("details summary").first).to_contain_text("United States")
    page.screenshot(path=str(tmp_path / "trial.png"), full_page=True)
    page.close()


def test_unknown_filter_value_shows_the_reason(server: str, browser: object) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    page = browser.new_page()
    page.goto(server + "/?antigen=CD999")
    expect(page.locator(".error")).to_contain_text("unknown antigen 'CD999'")
    page.close()
