"""Issue 26's funnel on a 360 x 740 phone: a visitor's first tap counts through sign-in or
the guest choice; guests get a dashboard; sign-up says their progress moves over and
confirms it did; refused forms come back in view with their errors focused; confirmations
show where the eye is; a new group leads with its invite link; the header is compact."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from groups import services as group_services
from progress.models import StepNote, StepProgress
from roadmap.models import Step
from tests.browser_support import sign_in
from tests.support import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser, live_server, site):
    """A new page on a 360 x 740 phone; `user` signs it in, JavaScript on unless told."""
    contexts = []

    def make(user=None, **options) -> Page:
        context = browser.new_context(base_url=live_server.url, viewport=PHONE, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        if user:
            sign_in(context, user, live_server.url)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def step(slug: str) -> Step:
    return Step.objects.select_related("stage").get(slug=slug)


def in_view(page: Page, selector: str) -> bool:
    """Whether the element is wholly on the phone's screen as it is scrolled now."""
    return page.locator(selector).evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )


def tap_done_as_visitor(page: Page, functions: Step) -> None:
    page.goto(functions.get_absolute_url())
    page.locator("[data-status-links]").get_by_role("link", name="Done").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"Sign in to mark “{functions.title}” done")


# ---------------------------------------------------------------- 1. the first tap counts


@pytest.mark.parametrize("javascript", [True, False])
def test_a_visitors_first_tap_counts_when_they_continue_as_a_guest(phone, javascript):
    functions = step("functions")
    page = phone(java_script_enabled=javascript)
    tap_done_as_visitor(page, functions)
    assert in_view(page, ".guest-option button"), "the guest choice is on the first screen"

    page.get_by_role("button", name="Continue as a guest").click()

    expect(page).to_have_url(re.compile(re.escape(functions.get_absolute_url()) + "$"))
    expect(page.locator(".step-facts .status")).to_contain_text("Done")
    expect(page.locator(".messages")).to_contain_text(f"“{functions.title}” is now done.")


def test_a_visitors_first_tap_counts_when_they_sign_in(phone, alice):
    functions = step("functions")
    page = phone()
    tap_done_as_visitor(page, functions)

    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page).to_have_url(re.compile(re.escape(functions.get_absolute_url()) + "$"))
    expect(page.locator(".step-facts .status")).to_contain_text("Done")
    assert StepProgress.objects.get(user=alice, step=functions).status == "done"


def test_a_visitors_first_tap_counts_when_they_sign_up(phone):
    functions = step("functions")
    page = phone()
    tap_done_as_visitor(page, functions)
    page.get_by_role("link", name="Sign up").last.click()

    page.locator("#id_email").fill("newcomer@example.com")
    page.locator("#id_password1").fill("a-long-unusual-passphrase-42")
    page.locator("#id_password2").fill("a-long-unusual-passphrase-42")
    page.locator("#id_password2").press("Enter")

    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    progress = StepProgress.objects.get(user__email="newcomer@example.com")
    assert (progress.step, progress.status) == (functions, "done")


# ---------------------------------------------------------------- 2 and 3. guests


def test_a_guest_has_a_dashboard_and_a_link_to_it(phone):
    page = phone()
    page.goto("/progress/")
    page.get_by_role("button", name="Continue as a guest").click()

    expect(page).to_have_url(re.compile(r"/progress/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your progress")
    expect(page.locator(".page-header")).to_contain_text("You are tracking as a guest")

    page.goto(step("functions").get_absolute_url())
    page.locator(".status-controls").get_by_role("button", name="Done").click()
    expect(page.locator(".step-facts .status")).to_contain_text("Done")
    page.locator(".menu-button").click()
    page.get_by_role("link", name="My progress").click()
    expect(page.locator(".stat-list")).to_contain_text("1 done")


def test_sign_up_says_a_guests_progress_moves_over_and_confirms_it_did(phone):
    page = phone()
    tap_done_as_visitor(page, step("functions"))
    page.get_by_role("button", name="Continue as a guest").click()
    page.goto(step("control-flow").get_absolute_url())
    page.locator(".status-controls").get_by_role("button", name="Done").click()
    expect(page.locator(".step-facts .status")).to_contain_text("Done")

    page.goto("/accounts/signup/")
    expect(page.locator(".guest-moves-over")).to_contain_text("You have tracked 2 steps as a guest")
    page.locator("#id_email").fill("guest@example.com")
    page.locator("#id_password1").fill("a-long-unusual-passphrase-42")
    page.locator("#id_password2").fill("a-long-unusual-passphrase-42")
    page.locator("#id_password2").press("Enter")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").click()

    expect(page.locator(".messages")).to_contain_text(
        "Your progress as a guest (2 steps) is now in your account."
    )
    assert StepProgress.objects.filter(user__email="guest@example.com", status="done").count() == 2


# ---------------------------------------------------------------- 4. refused forms


@pytest.mark.parametrize("javascript", [True, False])
def test_a_refused_project_link_comes_back_in_view_with_its_errors_focused(
    phone, alice, javascript
):
    project = step("cli-project")
    page = phone(alice, java_script_enabled=javascript)
    page.goto(project.get_absolute_url())

    page.locator("#id_repository_url").fill("not a link")
    page.get_by_role("button", name="Save project").click()

    expect(page).to_have_url(re.compile(re.escape(project.get_absolute_url()) + "$"))
    expect(page.locator("#project-errors")).to_be_focused()
    assert in_view(page, "#project-errors h3")
    expect(page.locator("#project-errors")).to_contain_text("Enter a valid URL")
    expect(page.locator("#id_repository_url")).to_have_value("not a link")

    response = page.reload()
    assert response.status == 200, "a reload shows the page again, never a 405"
    expect(page.locator("#project-errors")).to_have_count(0)


def test_a_refused_note_comes_back_in_view_with_its_errors_focused(phone, alice):
    functions = step("functions")
    page = phone(alice)
    page.goto(functions.get_absolute_url())
    text = "x" * (StepNote.MAX_LENGTH + 1)

    page.locator("#id_body").fill(text)
    page.get_by_role("button", name="Add note").click()

    expect(page.locator("#note-errors")).to_be_focused()
    assert in_view(page, "#note-errors h3")
    expect(page.locator("#note-errors")).to_contain_text("at most 5,000 characters")
    expect(page.locator("#id_body")).to_have_value(text)
    page.locator("#note-errors a").click()
    expect(page.locator("#id_body")).to_be_focused()


# ---------------------------------------------------------------- 5. confirmations in view


def test_saving_a_note_confirms_it_beside_the_note(phone, alice):
    page = phone(alice)
    page.goto(step("functions").get_absolute_url())

    page.locator("#id_body").fill("Remember *args.")
    page.get_by_role("button", name="Add note").click()

    expect(page.locator("#note .messages")).to_have_text("Your note is saved.")
    assert in_view(page, "#note .messages")
    expect(page.locator("main > .messages")).to_have_count(0)


def test_a_vote_on_a_course_is_confirmed_on_its_card(phone, alice):
    page = phone(alice)
    page.goto(step("functions").get_absolute_url())
    card = page.locator(".course-feedback").first

    card.get_by_role("button", name="Helpful", exact=True).click()

    expect(page.locator(".course-feedback .messages")).to_contain_text("Thanks: you marked")
    assert in_view(page, ".course-feedback .messages")


def tick_every_self_check(page: Page) -> None:
    for box in page.locator("button[data-checkpoint]").all():
        box.click()
        expect(box).to_have_attribute("aria-pressed", "true")


def test_mark_done_from_the_self_checks_says_what_changed_and_what_is_next(phone, alice):
    functions, after = step("functions"), step("modules-and-packages")
    page = phone(alice)
    page.goto(functions.get_absolute_url())
    tick_every_self_check(page)

    page.get_by_role("button", name="Mark done").click()

    note = page.locator("[data-done-note]")
    expect(note).to_be_visible()
    expect(note).to_be_focused()
    expect(note).to_contain_text("This step is done.")
    expect(note.get_by_role("link", name=after.title)).to_be_visible()
    assert in_view(page, "[data-done-note]")


def test_without_javascript_mark_done_is_confirmed_in_the_self_checks(phone, alice):
    functions, after = step("functions"), step("modules-and-packages")
    page = phone(alice, java_script_enabled=False)
    page.goto(functions.get_absolute_url())
    for index in range(page.locator("button[data-checkpoint]").count()):
        page.locator("button[data-checkpoint]").nth(index).click()

    page.get_by_role("button", name="Mark done").click()

    confirmation = page.locator("#checkpoints .messages")
    expect(confirmation).to_contain_text(f"“{functions.title}” is now done.")
    assert in_view(page, "#checkpoints .messages")
    expect(page.locator("[data-done-note]")).to_contain_text(f"Up next: {after.title}")


def test_removing_a_member_is_confirmed_in_the_people_list(phone, alice, bob):
    group = group_services.group_create(owner=alice, name="Club", description="")
    group_services.group_join(group=group, user=bob)
    page = phone(alice)
    page.goto(group.get_absolute_url())

    page.get_by_role("link", name=f"Remove {bob.username}").click()
    page.get_by_role("button", name=f"Yes, remove {bob.username}").click()

    expect(page.locator("#people .messages")).to_contain_text("is no longer in “Club”")
    assert in_view(page, "#people .messages")


# ---------------------------------------------------------------- 6. a new group


def test_a_new_group_leads_with_its_invite_link_and_a_prominent_copy_button(phone, alice):
    page = phone(alice)
    page.goto("/groups/")
    page.get_by_label("Name").fill("Tuesday club")
    page.get_by_role("button", name=re.compile("Create")).click()

    invite = page.locator("#invite")
    expect(invite).to_contain_text("is created. Share its invite link")
    expect(invite).to_contain_text("Nobody has joined yet")
    expect(page.locator(".data-table")).to_have_count(0)
    copy = invite.get_by_role("button", name="Copy the link")
    replace = invite.get_by_role("button", name="Replace the link")
    assert copy.bounding_box()["y"] + copy.bounding_box()["height"] <= PHONE["height"]
    font_size = "el => parseFloat(getComputedStyle(el).fontSize)"
    assert copy.evaluate(font_size) >= replace.evaluate(font_size)
    assert copy.bounding_box()["height"] >= replace.bounding_box()["height"]
    assert "button-quiet" not in copy.get_attribute("class")


# ---------------------------------------------------------------- 10. the header


@pytest.mark.parametrize("javascript", [True, False])
def test_the_phone_header_is_one_compact_row_with_a_menu(phone, alice, javascript):
    page = phone(alice, java_script_enabled=javascript)
    page.goto("/")
    assert page.locator(".site-header").bounding_box()["height"] <= 80
    menu = page.locator(".menu-button")
    expect(page.get_by_role("link", name="My progress")).to_be_hidden()

    menu.click()

    expect(page.locator(".site-menu")).to_have_attribute("open", "")
    expect(page.get_by_role("link", name="My progress")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search steps and courses")).to_be_visible()
    page.get_by_role("link", name="My progress").click()
    expect(page).to_have_url(re.compile(r"/progress/$"))


def menu_button_state(page: Page) -> tuple[str, bool]:
    """The menu button as Chromium's accessibility tree exposes it: its role and whether it
    is expanded (a <summary>: a disclosure button, announced "collapsed" or "expanded")."""
    nodes = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    node = next(
        n for n in nodes if not n.get("ignored") and n.get("name", {}).get("value") == "Menu"
    )
    properties = {p["name"]: p["value"]["value"] for p in node.get("properties", [])}
    return node["role"]["value"], properties["expanded"]


def test_the_menu_button_tells_assistive_technology_whether_it_is_open(phone):
    page = phone()
    page.goto("/")
    assert menu_button_state(page) == ("DisclosureTriangle", False)

    page.locator(".menu-button").focus()
    page.keyboard.press("Enter")

    assert menu_button_state(page) == ("DisclosureTriangle", True)
    page.keyboard.press("Tab")
    expect(page.get_by_role("searchbox", name="Search steps and courses")).to_be_focused()


def test_the_desktop_header_stays_one_row_when_signed_in(browser, live_server, site, superuser):
    heights = []
    for user in (None, superuser):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 800}
        )
        if user:
            sign_in(context, user, live_server.url)
        page = context.new_page()
        page.goto("/")
        heights.append(page.locator(".site-header").bounding_box()["height"])
        expect(page.locator(".menu-button")).to_be_hidden()
        context.close()
    assert heights[0] == heights[1] <= 72
