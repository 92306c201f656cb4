"""Debian's headless Chromium driven by Playwright, shared by the browser tests (never a downloaded browser)."""
import os
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "reports" / "screenshots"  # kept as the run's artifacts


@pytest.fixture(scope="module")  # per module: Playwright's sync API holds an event loop while it runs
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Debian's chromium is not at {CHROMIUM}: `apt-get install chromium` (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def shot():
    """Save a screenshot of a page as reports/screenshots/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"))

    return take
