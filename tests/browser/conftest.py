"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

Locally they skip when Chromium is missing; CI sets COUNCIL_REQUIRE_BROWSER=1 so that a missing
browser fails the run instead. Nothing here downloads a browser.
"""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) and shutil.which("chromium")):
        if os.environ.get("COUNCIL_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is required for browser tests but {CHROMIUM} is missing")
        pytest.skip("Chromium is not installed (CI installs it and makes these tests mandatory)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """Serves the test's app on a free local port, in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
