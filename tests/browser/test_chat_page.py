"""The chat page on the web port, in Debian's headless Chromium driven by Playwright."""
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Debian's chromium is not at {CHROMIUM}: `apt-get install chromium` (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def test_chat_box_answers_with_a_clickable_source(concierge, browser, tmp_path):
    page = browser.new_page()
    page.goto(f"http://localhost:{concierge.web_port}/")
    page.fill("#text", "How long does shipping to Canada take?")
    page.press("#text", "Enter")
    page.wait_for_selector(".msg.bot a", timeout=60_000)
    bot_text = page.inner_text(".log")
    assert "5 to 8 business days" in bot_text
    link = page.locator(".msg.bot a").first
    assert link.get_attribute("href") == "https://alderandpine.example/help/shipping"
    assert link.inner_text() == "Shipping and delivery › Delivery times by region"
    page.screenshot(path=str(tmp_path / "chat.png"))


def test_server_text_is_never_rendered_as_html(concierge, browser):
    page = browser.new_page()
    page.goto(f"http://localhost:{concierge.web_port}/")
    page.evaluate("window.pwned = false")
    page.fill("#text", '<img src=x onerror="window.pwned=true"> where is my order?')
    page.press("#text", "Enter")
    page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 1", timeout=60_000)
    assert page.locator(".log img").count() == 0
    assert page.evaluate("window.pwned") is False
    assert "<img src=x" in page.inner_text(".msg.user")
