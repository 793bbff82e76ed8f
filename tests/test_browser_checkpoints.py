"""Self-checks in a real browser: a learner ticks every checkpoint of a step by keyboard,
in place, then marks the step done from the offer; without JavaScript the same boxes
are plain form posts."""

import pytest
from playwright.sync_api import Page, expect

from progress.models import CheckpointTick, StepProgress
from roadmap.models import Step
from tests.browser_support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def step(site) -> Step:
    return Step.objects.published().select_related("stage").get(slug="data-structures")


def learner_page(browser, live_server, user, **options) -> Page:
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    sign_in(context, user, live_server.url)
    return context.new_page()


def tab_to(page: Page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_learner_ticks_every_checkpoint_by_keyboard_and_marks_the_step_done(
    browser, live_server, alice, step
):
    page = learner_page(browser, live_server, alice)
    checkpoints = list(step.checkpoints.all())
    page.goto(step.get_absolute_url())
    page.evaluate("window.notReloaded = true")  # gone if any tick reloaded the page
    boxes = page.locator("button[data-checkpoint]")
    count = page.locator("[data-checkpoint-count]")
    offer = page.locator("[data-done-offer]")
    expect(count).to_have_text(f"0 of {len(checkpoints)} ticked")
    expect(offer).to_be_hidden()

    tab_to(page, "button[data-checkpoint]")
    for number, checkpoint in enumerate(checkpoints, start=1):
        box = boxes.nth(number - 1)
        expect(box).to_be_focused()
        expect(box).to_have_accessible_name(checkpoint.text.replace("`", ""))
        page.keyboard.press("Space")
        expect(box).to_have_attribute("aria-pressed", "true")
        expect(count).to_have_text(f"{number} of {len(checkpoints)} ticked")
        if number < len(checkpoints):
            expect(offer).to_be_hidden()
            page.keyboard.press("Tab")

    expect(offer).to_be_visible()
    assert not StepProgress.objects.filter(user=alice).exists()  # offered, never decided
    assert CheckpointTick.objects.filter(user=alice).count() == len(checkpoints)
    page.keyboard.press("Tab")
    expect(offer.get_by_role("button", name="Mark done")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".step-facts .status-label")).to_have_text("Done")
    expect(offer).to_be_hidden()
    # The focused offer is gone: the focus moves to what replaced it, which says what
    # changed and what comes next, not to nowhere.
    expect(page.locator("[data-done-note]")).to_be_focused()
    expect(page.locator("[data-done-note]")).to_contain_text("This step is done. Up next:")
    expect(page.get_by_role("button", name="Done", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("window.notReloaded") is True
    assert StepProgress.objects.get(user=alice, step=step).status == "done"

    # The page as the server renders it now says the same.
    page.reload()
    expect(count).to_have_text(f"{len(checkpoints)} of {len(checkpoints)} ticked")
    expect(offer).to_be_hidden()
    expect(boxes.nth(0)).to_have_attribute("aria-pressed", "true")
    page.context.close()


def test_without_javascript_each_box_is_a_form_post(browser, live_server, alice, step):
    page = learner_page(browser, live_server, alice, java_script_enabled=False)
    checkpoints = list(step.checkpoints.all())
    page.goto(step.get_absolute_url())

    for number in range(1, len(checkpoints) + 1):
        page.locator("button[data-checkpoint]").nth(number - 1).click()
        expect(page.locator(".messages")).to_contain_text(
            f"Ticked: {number} of {len(checkpoints)} self-checks."
        )
    boxes = page.locator("button[data-checkpoint]")
    expect(boxes.nth(len(checkpoints) - 1)).to_have_attribute("aria-pressed", "true")
    assert page.url.endswith("#checkpoints")

    page.locator("[data-done-offer]").get_by_role("button", name="Mark done").click()
    expect(page.locator(".messages")).to_contain_text(f"“{step.title}” is now done.")
    expect(page.locator("[data-done-offer]")).to_be_hidden()
    assert StepProgress.objects.get(user=alice, step=step).status == "done"

    boxes.nth(0).click()  # and untick one
    expect(boxes.nth(0)).to_have_attribute("aria-pressed", "false")
    assert CheckpointTick.objects.filter(user=alice).count() == len(checkpoints) - 1
    page.context.close()


def test_a_visitor_sees_the_list_and_a_way_to_start_ticking(browser, live_server, step):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto(step.get_absolute_url())

    section = page.locator("#checkpoints")
    expect(section.locator("li")).to_have_count(step.checkpoints.count())
    expect(section.locator("button")).to_have_count(0)
    section.get_by_role("link", name="Sign in or continue as a guest").click()
    page.get_by_role("button", name="Continue as a guest").click()
    page.locator("button[data-checkpoint]").first.click()
    expect(page.locator("[data-checkpoint-count]")).to_have_text(
        f"1 of {step.checkpoints.count()} ticked"
    )
    assert not CheckpointTick.objects.exists()  # a guest's ticks live in the session
    context.close()
