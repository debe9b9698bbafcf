"""What the browser tests share: the browser's settings, screenshots, accessibility and layout checks."""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the networking flags Chromium keeps trying to reach Google's services and stalls on a closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR", "")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
BLOCKING_IMPACTS = ("serious", "critical")

# Every browser test talks to a live server: a transactional database, restored after each test.
browser_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def screenshot(page, name: str) -> None:
    """Keep a picture of a key screen (for the README's tour) when screenshots are asked for."""
    if SCREENSHOTS_DIR:
        folder = Path(SCREENSHOTS_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert blocking == [], f"{page.url}:\n" + "\n".join(blocking)


def fits_the_screen(page) -> bool:
    """Nothing overflows sideways: no horizontal scrolling on the page."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def link_in(text: str) -> str:
    """The first portal link in an e-mail's text."""
    return re.search(r"https?://\S+", text).group(0)


def sign_in(page, user, server_url: str) -> None:
    """Give the tab a signed-in session of `user` (the sign-in form itself is driven by the journeys)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": server_url}])
