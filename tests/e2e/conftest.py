"""End-to-end tests: the real application served on a local port, driven in Debian's Chromium."""

import shutil
import threading

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

# A loaded two-core machine can be slow to answer; waiting longer costs nothing when it is not.
expect.set_options(timeout=15_000)

# Flags for a closed network: no background connections, no first-run or sync chatter.
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: `make test` installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """Serve the test application on a free local port for the length of one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def app_config(app_config):
    """A browser sends real forms, so CSRF is on as in production."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def console(page) -> list[str]:
    """Every console message and uncaught error of the page, as the browser words them."""
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    return messages


def csp_violations(messages: list[str]) -> list[str]:
    """Messages of the browser refusing something under the Content-Security-Policy."""
    return [
        message for message in messages if "Refused to" in message or "Content Security Policy" in message
    ]


def sign_in_in_browser(page, email: str, password: str) -> None:
    """Fill in and send the sign-in form the browser is on."""
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    page.get_by_label("Email address").fill(email)
    # GOV.UK's password input has a "Show password" button, which get_by_label would also find.
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
