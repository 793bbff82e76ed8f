"""A learner walks their due reviews in a real browser, by keyboard only: answers update
the page in place, the focus follows, and the refresher's offer is a keypress away; then
they record the hours a step took, in place too."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from plans.models import Review
from progress import services
from progress.models import StepProgress
from roadmap.models import Step
from tests.browser_support import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server, site, alice):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    sign_in(context, alice, live_server.url)
    yield context.new_page()
    context.close()


def tab_to(page: Page, name: str, *, backwards: bool = False) -> None:
    """Press Tab (Shift+Tab) until the focused element's text starts with `name`."""
    for _ in range(40):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("document.activeElement.textContent.trim()").startswith(name):
            return
    raise AssertionError(f"No focusable element named {name!r}")


def focused_text(page: Page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def test_a_learner_answers_two_reviews_by_keyboard(page, alice):
    first, second = Step.objects.published().in_roadmap_order()[:2]
    for step, days in ((first, 5), (second, 1)):
        services.progress_set(user=alice, step=step, status=StepProgress.Status.DONE)
        Review.objects.filter(step=step).update(due_at=timezone.now() - dt.timedelta(days=days))

    page.goto("/plan/review/")
    expect(page.locator("[data-review-count]")).to_have_text(
        "2 reviews due · the longest overdue first"
    )
    expect(page.locator(".review-card")).to_contain_text(first.title)

    # Solid on the longest overdue: the next one takes its place, its heading focused.
    tab_to(page, "✓ Solid")
    page.keyboard.press("Enter")
    expect(page.locator("[data-review-count]")).to_have_text("1 review due")
    expect(page.locator(".review-card")).to_contain_text(second.title)
    assert focused_text(page) == "Can you still…"
    expect(page.locator("#live-region")).to_contain_text(f"“{first.title}”: solid.")

    # A refresher on the second: all caught up, and the offer to set the step back.
    tab_to(page, "↺ I need a refresher")
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name="All caught up")).to_be_focused()
    tab_to(page, "◐ Set", backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_text("It is in progress again")).to_be_focused()

    assert dict(Review.objects.values_list("step_id", "round")) == {first.pk: 1, second.pk: 0}
    assert StepProgress.objects.get(user=alice, step=second).status == "in_progress"
    assert axe_violations(page) == []

    # Back on the step, the learner records the hours it took, in place.
    page.goto(second.get_absolute_url())
    page.get_by_label("Hours you spent").fill("2.5")
    page.keyboard.press("Enter")
    expect(page.locator("[data-hours-said]")).to_have_text("Recorded 2.5 hours on this step.")
    assert str(StepProgress.objects.get(user=alice, step=second).hours_spent) == "2.5"
    assert page.url.endswith(second.get_absolute_url())  # no reload
