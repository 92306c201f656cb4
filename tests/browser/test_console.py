"""The agent console on the agent API's port, in Debian's headless Chromium driven by Playwright.

Its agents (cara, dev) sign out at the end: an agent who signed out is offline at once, so the
e2e tests that need nobody online are not affected."""
import re
from pathlib import Path

import pytest

from tests.browser.test_chat_page import browser  # noqa: F401  (the module-scoped Chromium)
from tests.conftest import ROOT
from tests.e2e.handoff_clients import AgentClient, Customer, create_agent

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"
SHOTS = ROOT / "reports" / "screenshots"
PAYLOADS = '<script>window.pwned=1</script> <img src=x onerror="window.pwned=1">'


@pytest.fixture(scope="module")
def console_url(concierge):
    create_agent(concierge.env, "cara", PASSWORD, "agent", "Cara")
    create_agent(concierge.env, "dev", PASSWORD, "agent", "Dev")
    return f"http://localhost:{concierge.console_port}"


def sign_in(browser, url, username):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script("window.pwned = 0")  # every page starts clean; an injected script would set 1
    page = context.new_page()
    page.goto(f"{url}/")
    page.wait_for_url(re.compile(r"/login\?next=/$"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#queue")
    return page


def sign_out(page):
    page.click("form.logout button")
    page.wait_for_url(re.compile(r"/login"))


def test_a_signed_out_browser_is_sent_to_the_login_page_from_every_url(console_url, browser):  # noqa: F811
    page = browser.new_page()
    for path in ("/", "/handoffs/1", "/anything/else"):
        page.goto(f"{console_url}{path}")
        assert page.url.startswith(f"{console_url}/login?next=")
        assert page.locator("input[name=password]").count() == 1
    page.fill("input[name=username]", "cara")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    page.wait_for_selector("#login-error:not([hidden])")
    assert page.inner_text("#login-error") == "Wrong username or password."


def test_an_agent_takes_over_a_conversation_in_the_console(concierge, console_url, browser):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    cara = sign_in(browser, console_url, "cara")
    dev = sign_in(browser, console_url, "dev")
    customer = Customer(concierge.rasa_url)
    try:
        customer.say(f"hi {PAYLOADS}")
        assert "join this chat" in customer.say("I want to talk to a person right now")
        row = cara.wait_for_selector("#queue tbody tr", timeout=30_000)  # live: no reload
        cara.screenshot(path=str(SHOTS / "console-queue.png"), full_page=True)
        handoff_id = row.get_attribute("data-id")
        cara.click(f"#queue tr[data-id='{handoff_id}'] a")
        cara.wait_for_selector("#transcript li")
        assert "I want to talk to a person right now" in cara.inner_text("#transcript")
        assert PAYLOADS in cara.inner_text("#transcript")  # shown as text ...
        assert cara.locator("#transcript img, #transcript script").count() == 0  # ... never as HTML
        assert "explicit request" in cara.inner_text("#why")
        assert cara.inner_text("#summary").startswith("Summary")

        cara.click("#claim")
        cara.wait_for_selector("#send:not([disabled])")
        customer.expect("Cara from Support has joined the chat.")
        cara.select_option("#canned", index=1)
        assert cara.input_value("#reply").startswith("Thanks for your patience")

        # agent assist: a draft grounded in the help pages, edited by the agent, then sent
        customer.send("How long does shipping to Canada take?")
        cara.wait_for_function("document.querySelector('#transcript').innerText.includes('shipping to Canada')",
                               timeout=30_000)
        cara.click("#draft")
        cara.wait_for_function("document.querySelector('#reply').value.includes('business days')", timeout=90_000)
        draft = cara.input_value("#reply")
        cara.fill("#reply", "Hi, this is Cara. " + draft)
        cara.click("#send")
        assert customer.expect("Hi, this is Cara.").startswith("Hi, this is Cara. ")
        cara.wait_for_selector(".from-agent")
        customer.send(f"thanks {PAYLOADS}")
        cara.wait_for_function("document.querySelector('#transcript').innerText.includes('thanks <script>')",
                               timeout=30_000)
        cara.screenshot(path=str(SHOTS / "console-conversation.png"), full_page=True)

        # a second agent sees it but cannot answer it: the console disables sending, the API refuses
        dev.goto(f"{console_url}/handoffs/{handoff_id}")
        dev.wait_for_selector("#transcript li")
        assert dev.locator("#send").is_disabled()
        refused = dev.evaluate(f"fetch('/api/handoffs/{handoff_id}/reply', {{method: 'POST', headers: "
                               f"{{'Content-Type': 'application/json', 'X-CSRF-Token': Console.csrf()}}, "
                               f"body: JSON.stringify({{text: 'me too'}})}}).then(r => r.status)")
        assert refused == 403
        without_csrf = dev.evaluate(f"fetch('/api/handoffs/{handoff_id}/claim', {{method: 'POST'}}).then(r => r.status)")
        assert without_csrf == 403

        cara.fill("#tags", "late, parcel")
        cara.click("#resolve")
        customer.expect("back with the Concierge assistant")
        cara.wait_for_selector("#resolve[disabled]")
        assert "PayPal" in customer.say("Do you accept PayPal?")
        assert cara.evaluate("window.pwned") == 0 and dev.evaluate("window.pwned") == 0
    finally:
        customer.close()
        sign_out(cara)
        sign_out(dev)
    assert AgentClient(console_url).get("/api/auth/me").status_code == 401
