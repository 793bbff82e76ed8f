"""Browser journeys: a visitor browses, searches and filters; a learner signs up, confirms,
marks steps (keyboard only) and sees the roadmap change; an editor adds a course in the admin."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from courses.models import Course, Provider
from plans.models import Plan
from progress.models import StepProgress
from roadmap.models import Step
from roadmap_site.editors import EDITORS_GROUP, sync_editors_group
from tests.browser_support import sign_in
from tests.support import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def new_page(browser, live_server, **options) -> Page:
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    return context.new_page()


def test_a_visitor_browses_searches_and_filters(browser, live_server, site):
    page = new_page(browser, live_server, viewport={"width": 360, "height": 800})
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling"
    expect(page.locator(".path-choice").first).to_contain_text("Alternatives: pick one")

    page.get_by_role("link", name=re.compile("front-end basics")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The web and front-end basics")

    page.locator(".menu-button").click()  # on a phone the search is in the menu
    page.get_by_role("searchbox", name="Search steps and courses").fill("Angular")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Steps"))).to_be_visible()
    page.locator(".result h3 a", has_text="Angular").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Angular")

    page.goto("/courses/")
    page.get_by_text("Filter and sort").click()  # folded on a phone
    page.get_by_label("Format").select_option("book")
    page.get_by_label("Price").select_option("free")
    page.get_by_role("button", name="Show courses").click()
    expect(page).to_have_url(re.compile(r"format=book.*price=free"))
    count = Course.objects.published().free().filter(format="book").count()
    expect(page.locator(".result-count")).to_contain_text(f"{count} resource")


def sign_up_and_confirm(page: Page, email: str) -> None:
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill("a-long-unusual-passphrase-42")
    page.locator("#id_password2").fill("a-long-unusual-passphrase-42")
    page.locator("#id_password2").press("Enter")
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").press("Enter")
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()


def tab_to(page: Page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_learner_signs_up_and_marks_steps_with_the_keyboard(browser, live_server, site):
    page = new_page(browser, live_server)
    sign_up_and_confirm(page, "ada@example.com")
    first, second = Step.objects.published().required().in_roadmap_order()[:2]

    page.goto("/")
    tab_to(page, ".skip-link")
    node = page.locator(f"#step-{first.pk} > .node")
    before = node.evaluate("el => getComputedStyle(el).backgroundColor")
    tab_to(page, f"#step-{first.pk} [data-toggle-done]")
    page.keyboard.press("Enter")

    expect(page.locator(f"#step-{first.pk} .status-label")).to_have_text("Done")
    expect(page.locator('[data-progress="overall"] .progress-text')).to_contain_text("1 of")
    assert node.evaluate("el => getComputedStyle(el).backgroundColor") != before
    assert page.evaluate("document.activeElement.closest('li').id") == f"step-{first.pk}"

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    tab_to(page, f"#step-{second.pk} [data-toggle-done]")
    page.keyboard.press("Enter")
    expect(page.locator(f"#step-{second.pk} .status-label")).to_have_text("Done")
    assert StepProgress.objects.filter(status="done").count() == 2


def test_the_theme_toggle_flips_the_page_and_is_remembered(browser, live_server, site):
    page = new_page(browser, live_server, color_scheme="light")
    page.goto("/")
    page.get_by_role("button", name="Dark theme").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.get_by_role("button", name="Light theme")).to_be_visible()


def test_the_theme_toggle_keeps_its_label_inside_its_pill(browser, live_server, site):
    """The toggle is a link in the header's nav, whose links have no side padding: the
    pill must keep its own, or its icon and label touch (and cross) its border."""
    page = new_page(browser, live_server)
    page.goto("/")
    toggle = page.locator(".site-bar .theme-toggle")
    pill, label = toggle.bounding_box(), toggle.locator(".theme-icon").bounding_box()
    assert label["x"] - pill["x"] >= 8
    assert toggle.evaluate("el => el.scrollWidth <= el.clientWidth")


def test_the_theme_toggle_works_without_javascript(browser, live_server, site):
    page = new_page(browser, live_server, java_script_enabled=False)
    page.goto("/courses/")
    page.get_by_role("link", name="Dark theme").click()
    page.get_by_label("Dark").check()
    page.get_by_role("button", name="Use this theme").click()
    expect(page).to_have_url(re.compile(r"/courses/$"))
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.get_by_role("link", name="Light theme")).to_be_visible()


def choose(page: Page, select: str, value: str, label: str) -> None:
    """Pick a value in an admin autocomplete (select2) field through its underlying <select>."""
    page.locator(select).evaluate(
        "(el, [value, label]) => { el.add(new Option(label, value, true, true)); }", [value, label]
    )


@pytest.fixture
def editor(site, django_user_model):
    """charlie, made an editor after the flush that transactional tests do."""
    from django.apps import apps

    sync_editors_group(apps)
    return request_editor(django_user_model)


def request_editor(django_user_model):
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "charlie", "charlie@example.com", PASSWORD, is_staff=True
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


def test_an_editor_adds_a_course_and_finds_it_on_the_step_page(browser, live_server, editor):
    charlie = editor
    step = Step.objects.published().select_related("stage").get(slug="docker")
    provider = Provider.objects.first()
    page = new_page(browser, live_server)
    page.goto("/admin/")
    page.locator("#id_login, #id_username").first.fill(charlie.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.goto("/admin/courses/course/add/")
    page.locator("#id_title").fill("Docker for Django developers")
    page.locator("#id_slug").fill("docker-for-django-developers")
    page.locator("#id_url").fill("https://example.com/docker-django")
    choose(page, "#id_provider", str(provider.pk), provider.name)
    page.locator("#step_links-group .add-row a").click()
    choose(page, "#id_step_links-0-step", str(step.pk), step.title)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(step.get_absolute_url())
    expect(page.get_by_role("link", name="Docker for Django developers")).to_be_visible()


def test_a_learner_plans_a_week_and_marks_a_step_of_it_with_the_keyboard(
    browser, live_server, site, alice
):
    page = new_page(browser, live_server)
    sign_in(page.context, alice, live_server.url)
    page.goto("/plan/")
    page.evaluate("window.stillThisPage = true")  # gone if anything reloads the page

    # A refused number: the errors are focused, and nothing is saved.
    tab_to(page, "#id_hours_per_week")
    page.keyboard.type("0")
    page.keyboard.press("Enter")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary]")).to_contain_text("from 1 to 60")
    assert not Plan.objects.exists()

    tab_to(page, "#id_hours_per_week")
    page.keyboard.press("Control+A")
    page.keyboard.type("6")
    tab_to(page, ".plan-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#outlook-heading")).to_be_focused()
    expect(page.locator("#live-region")).to_have_text("Your plan is saved.")
    expect(page.get_by_role("heading", name="This week")).to_be_visible()
    assert Plan.objects.get(user=alice).hours_per_week == 6

    first = Step.objects.published().required().in_roadmap_order().first()
    tab_to(page, f'.plan-week [data-toggle-done][data-step="{first.pk}"]')
    page.keyboard.press("Enter")
    status = page.locator(f'.plan-week [data-status-for="{first.pk}"] .status-label')
    expect(status).to_have_text("Done")
    assert StepProgress.objects.get(user=alice, step=first).status == "done"
    assert page.evaluate("window.stillThisPage") is True
