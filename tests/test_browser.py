"""Real-browser journeys: Playwright for Python driving Debian's chromium."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import Page, expect

from progress.models import StepProgress
from roadmap.models import Step

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def new_page(browser, live_server, **options) -> Page:
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    return context.new_page()


def sign_up_and_confirm(page: Page, email: str) -> None:
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill("a-long-unusual-passphrase-42")
    page.locator("#id_password2").fill("a-long-unusual-passphrase-42")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()

    assert len(mail.outbox) == 1, "one confirmation email is sent"
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()


def test_a_visitor_signs_up_confirms_and_marks_a_step_done(browser, live_server, site):
    page = new_page(browser, live_server)
    sign_up_and_confirm(page, "ada@example.com")

    page.goto("/")
    overall = page.locator('[data-progress="overall"] progress')
    expect(overall).to_have_attribute("value", "0")

    first = Step.objects.published().required().in_roadmap_order().first()
    row = page.locator(f"#step-{first.pk}")
    row.get_by_role("button", name="Mark done").click()

    # Updated in place, without a reload: the badge, the button and the bar.
    expect(row.locator(".status-label")).to_have_text("Done")
    expect(row.get_by_role("button", name=re.compile("^Undo"))).to_be_visible()
    expect(overall).not_to_have_attribute("value", "0")
    assert StepProgress.objects.get(step=first).status == StepProgress.Status.DONE

    page.reload()
    expect(page.locator(f"#step-{first.pk} .status-label")).to_have_text("Done")
    expect(page.locator('[data-progress="overall"] .progress-text')).to_contain_text("1 of")


def test_status_controls_work_without_javascript(browser, live_server, site):
    page = new_page(browser, live_server, java_script_enabled=False)
    sign_up_and_confirm(page, "grace@example.com")

    step = Step.objects.published().in_roadmap_order().first()
    page.goto(step.get_absolute_url())
    page.get_by_role("button", name="In progress").click()

    expect(page.get_by_role("button", name="In progress")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".message-success")).to_contain_text("in progress")
    assert StepProgress.objects.get(step=step).status == StepProgress.Status.IN_PROGRESS


def test_a_visitor_marking_a_step_is_sent_to_sign_in_and_back(browser, live_server, site):
    user = get_user_model().objects.create_user("linus", "linus@example.com", "kernel-hacker-1991")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    step = Step.objects.published().in_roadmap_order()[2]

    page = new_page(browser, live_server)
    page.goto(step.get_absolute_url())
    page.get_by_role("link", name="Done").click()

    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.locator("#id_login").fill("linus@example.com")
    page.locator("#id_password").fill("kernel-hacker-1991")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(re.escape(step.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(step.title)
