"""Screens that were rough on a 360 x 740 phone (issue 26): each checked where it showed."""

import pytest
from playwright.sync_api import expect

from courses.models import Course
from plans.models import Plan
from progress.models import LearnerProfile
from tests.browser_support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser, live_server, site):
    """A phone's browser, in Paris's time zone, and a function to sign someone in on it."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, timezone_id="Europe/Paris"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.sign_in = lambda user: sign_in(context, user, live_server.url)
    yield page
    context.close()


def box(locator) -> dict:
    return locator.bounding_box()


# ---------------------------------------------------------------- settings (items 8, 14)


def test_settings_boxes_come_first_at_a_thumbs_size(phone, alice):
    phone.sign_in(alice)
    phone.goto("/accounts/settings/")

    checkbox = phone.locator("#id_is_public")
    label = phone.get_by_text("Make my progress page public")
    assert box(checkbox)["width"] >= 20 and box(checkbox)["height"] >= 20
    assert box(checkbox)["x"] + box(checkbox)["width"] <= box(label)["x"]
    expect(phone.get_by_text("It is in your public page's address: /u/alice/.")).to_be_visible()


def test_settings_offer_the_devices_time_zone_and_save_it(phone, alice):
    phone.sign_in(alice)
    phone.goto("/accounts/settings/")
    zone = phone.get_by_label("Time zone")
    expect(zone).to_have_value("UTC")

    phone.get_by_role("button", name="Use Europe/Paris").click()
    expect(zone).to_have_value("Europe/Paris")
    phone.get_by_role("button", name="Save settings").click()

    expect(phone.get_by_text("Your settings are saved.")).to_be_visible()
    assert LearnerProfile.objects.get(user=alice).time_zone == "Europe/Paris"
    expect(phone.get_by_role("button", name="Use Europe/Paris")).to_have_count(0)


# ---------------------------------------------------------------- catalogue (item 13)


def test_the_catalogue_shows_courses_on_a_phones_first_screen(phone):
    phone.goto("/courses/")

    first_course = phone.locator(".course-list > li").first
    assert box(first_course)["y"] < PHONE["height"] - 100
    expect(phone.get_by_label("Format")).to_be_hidden()

    phone.get_by_text("Filter and sort").click()
    phone.get_by_label("Format").select_option("book")
    phone.get_by_role("button", name="Show courses").click()

    books = Course.objects.published().filter(format="book").count()
    expect(phone.get_by_text("Filter and sort")).to_contain_text("Filter and sort · Book")
    expect(phone.locator(".result-count")).to_have_text(f"{books} resources match your filters.")
    assert box(phone.locator(".course-list > li").first)["y"] < PHONE["height"] - 100


def test_the_catalogue_keeps_its_filters_open_on_a_wide_screen(browser, live_server, site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/courses/")

    expect(page.get_by_label("Format")).to_be_visible()
    expect(page.get_by_text("Filter and sort")).to_be_hidden()
    page.close()


# ---------------------------------------------------------------- the mentor's table (item 9)


@pytest.fixture
def club(alice, bob):
    """Alice's group, which bob joined; he has done the roadmap's first step."""
    from groups import services as group_services
    from progress import services
    from roadmap.models import Step

    group = group_services.group_create(owner=alice, name="Django club")
    group_services.group_join(group=group, user=bob)
    step = Step.objects.published().in_roadmap_order().first()
    services.progress_set(user=bob, step=step, status="done")
    return group


def test_the_member_column_stays_put_with_its_header_when_the_table_scrolls(phone, alice, club):
    phone.sign_in(alice)
    phone.goto(f"/groups/{club.slug}/")
    table = phone.locator(".table-scroll")
    header, name = phone.locator("thead th").first, phone.locator("tbody th").first
    left = box(table)["x"]

    table.evaluate("element => element.scrollBy(300, 0)")

    assert box(header)["x"] == box(name)["x"] == pytest.approx(left + 1, abs=1)
    expect(header).to_have_text("Member")


def test_the_mentors_table_fits_a_desktop_screen(browser, live_server, site, alice, club):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in(context, alice, live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/groups/{club.slug}/")

    scroll = page.locator(".table-scroll")
    assert scroll.evaluate("element => element.scrollWidth <= element.clientWidth")
    context.close()


# ---------------------------------------------------------------- account pages (item 11)


def test_the_sign_in_page_speaks_our_words_on_a_phone(phone):
    phone.goto("/accounts/login/")

    expect(phone.get_by_role("heading", level=1)).to_have_text("Sign in")
    remember = phone.get_by_label("Remember me", exact=True)
    assert box(remember)["x"] < box(phone.locator("label[for=id_remember]"))["x"]
    expect(phone.get_by_role("button", name="Sign in", exact=True)).to_be_visible()


# ---------------------------------------------------------------- the admin (item 14)


@pytest.fixture
def editor(request, site):
    """Charlie, in the Editors group (a transactional test may have flushed it)."""
    from django.apps import apps

    from roadmap_site.editors import sync_editors_group

    sync_editors_group(apps)
    return request.getfixturevalue("charlie")


def test_the_markdown_preview_sits_beside_a_wide_box(browser, live_server, editor):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in(context, editor, live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/roadmap/step/add/")

    body = page.locator("#id_body")
    body.fill("## Sets\n\nA **set** holds each value once.")
    preview = page.locator(".markdown-preview").filter(has_text="A set holds each value once.")

    expect(preview).to_be_visible()
    assert box(body)["width"] >= 400
    assert box(preview)["x"] > box(body)["x"] + box(body)["width"] - 1
    assert abs(box(preview)["y"] - box(body)["y"]) < 5
    expect(page.locator("#id_is_published")).not_to_be_checked()
    context.close()


# ---------------------------------------------------------------- the study plan (issue 23)


def test_the_plan_fits_a_phone_with_its_figures_first(phone, alice):
    Plan.objects.create(user=alice, hours_per_week=5)
    phone.sign_in(alice)
    phone.goto("/plan/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling"
    figures, form = phone.locator(".plan-figures"), phone.locator(".plan-form")
    assert box(figures)["y"] < box(form)["y"]
    assert box(figures)["y"] < PHONE["height"]
    for control in ("#id_hours_per_week", "#id_email_hour", ".plan-form button"):
        assert box(phone.locator(control))["width"] <= 360 - 2 * 16
