"""Browser tests: Debian's Chromium driven by Playwright against a live server of the portal.

Every test here runs against `live_server` (a real HTTP server in a thread, on a transactional database
restored after each test), with Huey in immediate mode and e-mails in `mail.outbox`. Screenshots of the
key screens go to `SCREENSHOTS_DIR` when it is set (`make screenshots` sets it to docs/screenshots).
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, DESKTOP

# Assertions wait for the page as long as actions do (the live server shares two cores with the browser).
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}. Install it with `sudo apt-get install chromium` "
            "(Debian, Ubuntu), or point CHROMIUM at a Chromium or Chrome binary.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API runs an event loop in the tests' thread while the browser is open; the ORM
    # calls of the tests and of their database set-up are synchronous and safe there.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def new_page(browser, live_server, *, viewport=DESKTOP, locale="fr-FR"):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale=locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture(autouse=True)
def _links_to_the_live_server(settings, live_server):
    """E-mails link to the server the browser talks to."""
    settings.SITE_URL = live_server.url


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (its own cookies), in French, on a desktop screen."""
    tab = new_page(browser, live_server)
    yield tab
    tab.context.close()


@pytest.fixture
def open_page(browser, live_server):
    """Opens more tabs, each with its own cookies (one per person of a journey)."""
    opened = []

    def open_one(**options):
        tab = new_page(browser, live_server, **options)
        opened.append(tab)
        return tab

    yield open_one
    for tab in opened:
        tab.context.close()
