"""Shared fixtures and helpers for the browser tests: Debian's chromium and axe-core
from node_modules.

tests/conftest.py registers this module as a plugin (`pytest_plugins`): a test names
the fixtures (`browser`, `site`) it needs; it imports only the helpers.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, sync_playwright

from tests.support import restore_seed

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page: Page) -> list[str]:
    """Run axe-core (WCAG 2.2 A/AA and best practices) on the page; describe each violation."""
    assert AXE.exists(), "axe-core is missing: run `npm ci` (make test does)"
    # Evaluated through the DevTools protocol, so a strict CSP on the page does not block it.
    page.evaluate("() => {" + AXE.read_text() + "\n}")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
    ]


def sign_in(context: BrowserContext, user, base_url: str) -> None:
    """Give the browser a signed-in session for `user`, as the test client would."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


@pytest.fixture(scope="session")
def _chromium():
    """Debian's chromium, launched once for the whole run: a launch (and Playwright's
    driver) cost some 2 s of CPU, once per file when each module had its own."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def browser(_chromium):
    """The browser, shared by a module's tests; each opens a context of its own (its own
    cookies and storage). What a module leaves open is closed when it ends, as closing a
    module's own browser did."""
    yield _chromium
    for context in _chromium.contexts:
        context.close()


@pytest.fixture
def site(transactional_db):
    """The seeded roadmap and catalogue, for tests whose live server needs committed data."""
    restore_seed()
