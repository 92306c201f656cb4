"""The agent console on the agent API's port, in Debian's headless Chromium driven by Playwright.

Its agents (cara, dev) sign out at the end: an agent who signed out is offline at once, so the
e2e tests that need nobody online are not affected."""
import re

import pytest

from tests.browser.conftest import SHOTS
from tests.e2e.handoff_clients import AgentClient, Customer, create_agent

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"
PAYLOADS = '<script>window.pwned=1</script> <img src=x onerror="window.pwned=1">'


@pytest.fixture(scope="module")
def console_url(concierge):
    create_agent(concierge.env, "cara", PASSWORD, "agent", "Cara")
    create_agent(concierge.env, "dev", PASSWORD, "agent", "Dev")
    create_agent(concierge.env, "erin", PASSWORD, "admin", "Erin")
    return f"http://localhost:{concierge.console_port}"


def sign_in(browser, url, username):
    # without the pages' CSP, so the rendering itself must keep injected markup inert (and the test's
    # own waits may evaluate script); the CSP header is checked on its own below
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
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


def test_a_signed_out_browser_is_sent_to_the_login_page_from_every_url(console_url, browser):
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
    csp = AgentClient(console_url).http.get("/login").headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp


def no_markup_ran(page, selector):
    """The payloads show as text in `selector`, no element came from them, and no script ran."""
    assert "<script>window.pwned=1</script>" in page.inner_text(selector)
    assert page.locator(f"{selector} img, {selector} script").count() == 0
    assert page.evaluate("window.pwned") == 0


def test_an_agent_takes_over_a_conversation_in_the_console(concierge, console_url, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    cara = sign_in(browser, console_url, "cara")
    dev = sign_in(browser, console_url, "dev")
    customer = Customer(concierge.rasa_url)
    try:
        assert "PayPal" in customer.say("Do you accept PayPal?")  # a cited answer: the ticket's sources
        assert "join this chat" in customer.say(f"I want to talk to a person right now {PAYLOADS}")
        row = cara.wait_for_selector("#queue tbody tr", timeout=30_000)  # live: no reload
        no_markup_ran(cara, "#queue")  # the summary quotes the last message
        cara.screenshot(path=str(SHOTS / "console-queue.png"), full_page=True)
        handoff_id = row.get_attribute("data-id")
        cara.click(f"#queue tr[data-id='{handoff_id}'] a")
        cara.wait_for_selector("#transcript li")
        assert "Do you accept PayPal?" in cara.inner_text("#transcript")
        no_markup_ran(cara, "#transcript")
        no_markup_ran(cara, "#summary")
        assert "explicit request" in cara.inner_text("#why")
        assert "Payment methods" in cara.inner_text("#sources a")
        assert cara.locator("#sources a").first.get_attribute("href").startswith("https://alderandpine.example/")

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
        cara.screenshot(path=str(SHOTS / "console-conversation.png"), full_page=True)

        # a second agent sees it but cannot answer it: the console disables sending, the API refuses ...
        dev.goto(f"{console_url}/handoffs/{handoff_id}")
        dev.wait_for_selector("#transcript li")
        assert dev.locator("#send").is_disabled()
        refused = dev.evaluate(f"fetch('/api/handoffs/{handoff_id}/reply', {{method: 'POST', headers: "
                               f"{{'Content-Type': 'application/json', 'X-CSRF-Token': Console.csrf()}}, "
                               f"body: JSON.stringify({{text: 'me too'}})}}).then(r => r.status)")
        assert refused == 403
        without_csrf = dev.evaluate(
            f"fetch('/api/handoffs/{handoff_id}/claim', {{method: 'POST'}}).then(r => r.status)"
        )
        assert without_csrf == 403
        # ... until the conversation is transferred to them
        cara.fill("#transfer-to", "dev")
        cara.click("#transfer")
        customer.expect("Dev from Support has joined the chat.")
        dev.wait_for_selector("#send:not([disabled])", timeout=30_000)  # the live feed updates the page
        assert cara.locator("#send").is_disabled()
        dev.fill("#reply", "Dev here, I'll finish this one.")
        dev.click("#send")
        assert customer.expect("Dev here") == "Dev here, I'll finish this one."

        dev.fill("#tags", "late, parcel")
        dev.fill("#note", "answered from the shipping page")
        dev.click("#resolve")
        customer.expect("back with the Concierge assistant")
        dev.wait_for_selector("#resolve[disabled]")
        assert "PayPal" in customer.say("Do you accept PayPal?")
        assert cara.evaluate("window.pwned") == 0 and dev.evaluate("window.pwned") == 0
    finally:
        customer.close()
        sign_out(cara)
        sign_out(dev)
    assert AgentClient(console_url).get("/api/auth/me").status_code == 401


def test_search_analytics_and_the_admin_page(console_url, browser):
    """Runs after the takeover above: its handoff is in the search and the charts."""
    erin = sign_in(browser, console_url, "erin")
    try:
        erin.goto(f"{console_url}/search?q=pwned")
        erin.wait_for_selector("#results tbody tr")
        assert "explicit request" in erin.inner_text("#results")
        no_markup_ran(erin, "#results")
        erin.goto(f"{console_url}/analytics")
        erin.wait_for_selector("#per-day svg", state="attached")
        assert (
            erin.evaluate(
                "[...document.querySelectorAll('#per-day rect')].filter(r => +r.getAttribute('height') > 0).length"
            )
            >= 1
        )  # today's bar
        assert erin.locator("#reasons svg rect").count() >= 1
        assert "no ratings yet" in erin.inner_text("#tiles")
        erin.screenshot(path=str(SHOTS / "console-analytics.png"), full_page=True)

        erin.goto(f"{console_url}/admin")
        erin.fill("#username", "frank")
        erin.fill("#display-name", "Frank <b>bold</b>")
        erin.fill("#password", PASSWORD)
        erin.click("#add-agent button[type=submit]")
        row = erin.wait_for_selector("#agents tr[data-username='frank']")
        assert "Frank <b>bold</b>" in row.inner_text() and erin.locator("#agents b").count() == 0
        erin.click("#agents tr[data-username='frank'] button")
        erin.wait_for_function(
            "document.querySelector(\"#agents tr[data-username='frank']\").innerText.includes('Disable') === false"
        )
        assert AgentClient(console_url).login("frank", PASSWORD).status_code == 401  # disabled
        assert erin.evaluate("window.pwned") == 0
    finally:
        sign_out(erin)
    cara = sign_in(browser, console_url, "cara")
    try:
        cara.goto(f"{console_url}/admin")
        assert "needs an admin" in cara.inner_text("body")
    finally:
        cara.goto(f"{console_url}/")
        sign_out(cara)
