"""Study groups in a real browser: a mentor creates a group; a new learner opens the
invite link, signs up, confirms the email, comes back and joins; the learner marks steps;
the mentor sees it in the table and downloads the CSV."""

import csv
import io
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from groups.models import Membership, StudyGroup
from roadmap.models import Step
from tests.browser_support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def new_context(browser, live_server, site):
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, accept_downloads=True, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def test_a_mentor_follows_a_learner_who_joined_through_the_link(new_context, live_server, alice):
    # The mentor creates a group and reads its invite link.
    mentor = new_context(permissions=["clipboard-read", "clipboard-write"])
    sign_in(mentor, alice, live_server.url)
    page = mentor.new_page()
    page.goto("/progress/")
    page.get_by_role("link", name="Create a study group").click()
    page.get_by_label("Name").fill("Backend cohort")
    page.get_by_label("Description").fill("Autumn, Thursdays.")
    page.get_by_role("button", name="Create the group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Backend cohort")
    invite = page.get_by_label("Invite link").input_value()
    assert invite.startswith(live_server.url + "/groups/join/")
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == invite

    # A newcomer opens it, reads what mentors will see, signs up and comes back.
    learner = new_context(viewport={"width": 360, "height": 800})
    newcomer = learner.new_page()
    newcomer.goto(invite)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Backend cohort")
    expect(newcomer.locator(".join-card")).to_contain_text("private notes")
    newcomer.get_by_role("link", name="Sign up to join").click()
    newcomer.locator("#id_email").fill("ada@example.com")
    newcomer.locator("#id_password1").fill("a-long-unusual-passphrase-42")
    newcomer.locator("#id_password2").fill("a-long-unusual-passphrase-42")
    newcomer.get_by_role("button", name="Sign Up").click()
    expect(newcomer.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    newcomer.goto(link)
    newcomer.get_by_role("button", name="Confirm").click()
    expect(newcomer).to_have_url(invite)
    newcomer.get_by_role("button", name="Join “Backend cohort”").click()
    expect(newcomer.locator(".messages")).to_contain_text("Welcome to “Backend cohort”")
    assert newcomer.evaluate("document.documentElement.scrollWidth") <= 360
    group = StudyGroup.objects.get()
    ada = Membership.objects.get(group=group, role="member").user

    # The learner marks two steps: one done, one in progress.
    first, second = Step.objects.published().required().in_roadmap_order()[:2]
    newcomer.goto(first.get_absolute_url())
    newcomer.get_by_role("button", name="Done").click()
    expect(newcomer.get_by_role("button", name="Done")).to_have_attribute("aria-pressed", "true")
    newcomer.goto(second.get_absolute_url())
    newcomer.get_by_role("button", name="In progress").click()
    expect(newcomer.get_by_role("button", name="In progress")).to_have_attribute(
        "aria-pressed", "true"
    )

    # The mentor sees it in the table and on the learner's page, then downloads the CSV.
    page.reload()
    row = page.locator(".data-table tbody tr", has_text=ada.username)
    expect(row).to_contain_text("1/")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the table scrolls alone"
    page.set_viewport_size({"width": 1280, "height": 800})
    row.get_by_role("link", name=ada.username).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ada.username)
    expect(page.locator(".member-steps li", has_text=first.title)).to_contain_text("Done")
    expect(page.locator(".member-steps li", has_text=second.title)).to_contain_text("In progress")
    page.go_back()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the table (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("backend-cohort-progress-")
    with open(download.path(), encoding="utf-8") as file:
        header, *rows = list(csv.reader(io.StringIO(file.read())))
    assert header[:5] == ["member", "joined", "last activity", "percent", "steps done"]
    assert [(r[0], r[4], r[6]) for r in rows] == [(ada.username, "1", "1")]
    assert int(rows[0][3]) > 0
