"""The strict Content Security Policy holds in a real browser on the pages we did not
write ourselves: Django's admin and django-allauth's account pages. A blocked
inline script or style would break them silently, so every page is opened in
Chromium and any `securitypolicyviolation` event fails the test."""

import pytest

from courses.models import Course
from roadmap.models import Step
from tests.browser_support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Collects violations from the first script the page runs; init scripts come
# through the DevTools protocol, so the policy under test does not block this one.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} in ${where}`);
});
"""


def violations(browser, live_server, user, paths: list[str]) -> dict[str, list[str]]:
    context = browser.new_context()
    context.add_init_script(LISTEN)
    if user is not None:
        sign_in(context, user, live_server.url)
    page = context.new_page()
    found = {}
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{path}: {response.status}"
        page.wait_for_load_state("load")
        found[path] = page.evaluate("window.__csp")
    context.close()
    return {path: v for path, v in found.items() if v}


def test_the_admin_runs_under_the_policy(browser, live_server, site, superuser):
    step, course = Step.objects.order_by("pk").first(), Course.objects.order_by("pk").first()
    paths = [
        "/admin/",
        "/admin/roadmap/stage/",
        "/admin/roadmap/step/",
        f"/admin/roadmap/step/{step.pk}/change/",
        "/admin/roadmap/step/add/",
        "/admin/courses/course/",
        f"/admin/courses/course/{course.pk}/change/",
        "/admin/courses/linkreport/",
        "/admin/auth/user/",
    ]
    assert violations(browser, live_server, superuser, paths) == {}


def test_account_pages_run_under_the_policy(browser, live_server, site, alice):
    signed_out = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
    assert violations(browser, live_server, None, signed_out) == {}
    signed_in = ["/accounts/settings/", "/accounts/email/", "/accounts/password/change/"]
    assert violations(browser, live_server, alice, signed_in) == {}


def test_the_check_sees_a_violation_when_there_is_one(browser, live_server, site, settings):
    """Control: with styles forbidden, the same check reports the page's stylesheet."""
    settings.SECURE_CSP = {**settings.SECURE_CSP, "style-src": ["'none'"]}
    found = violations(browser, live_server, None, ["/accounts/login/"])
    assert any("style-src" in v for v in found.get("/accounts/login/", []))
