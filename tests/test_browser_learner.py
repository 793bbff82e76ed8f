"""A learner's journey in a real browser: guest progress, sign-up, public page and badge."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from progress.models import StepProgress
from roadmap.models import Step

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server, site):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_guest_signs_up_keeps_progress_and_shares_a_public_page(page):
    first, second = Step.objects.published().required().in_roadmap_order()[:2]

    # A visitor marks a step, is offered sign-in, and continues as a guest.
    page.goto(first.get_absolute_url())
    page.get_by_role("link", name="Done").click()
    page.get_by_role("button", name="Continue as a guest").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
    page.get_by_role("button", name="Done").click()
    expect(page.locator(".step-facts .status-label")).to_have_text("Done")

    # A keyboard shortcut marks the next step in progress, in place.
    page.goto(second.get_absolute_url())
    page.keyboard.press("l")
    expect(page.get_by_role("button", name="In progress")).to_have_attribute("aria-pressed", "true")
    assert not StepProgress.objects.exists()

    # Signing up and confirming the email brings the guest progress along.
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill("grace@example.com")
    page.locator("#id_password1").fill("a-long-unusual-passphrase-42")
    page.locator("#id_password2").fill("a-long-unusual-passphrase-42")
    page.get_by_role("button", name="Sign Up").click()
    # The email is sent once this page shows; click() waits for the navigation only
    # by a Playwright default that is deprecated.
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    statuses = dict(StepProgress.objects.values_list("step_id", "status"))
    assert statuses == {first.pk: "done", second.pk: "in_progress"}

    # The learner makes the progress page public and finds it, with its badge.
    page.goto("/accounts/settings/")
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Make my progress page public").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".message-success")).to_contain_text("saved")

    visitor = page.context.browser.new_page(base_url=page.url.split("/accounts")[0])
    visitor.goto("/u/grace/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("grace")
    expect(visitor.locator(".done-list")).to_contain_text(first.title)
    badge = visitor.request.get(visitor.url + "badge.svg")
    assert badge.status == 200
    assert "%" in badge.text()
