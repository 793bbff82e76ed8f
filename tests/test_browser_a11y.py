"""axe-core finds no WCAG 2.2 AA violation on the public pages, sign-in, sign-up, the
dashboard, a learner's step pages (self-checks ticked or not) and due review, in both themes."""

import datetime as dt

import pytest
from django.utils import timezone

from plans.models import Plan, Review
from progress.models import CheckpointTick, StepProgress
from roadmap.models import Step
from tests.browser_support import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

THEMES = ["light", "dark"]


def public_pages() -> list[str]:
    step = Step.objects.published().select_related("stage").get(slug="react")
    return [
        "/",
        step.stage.get_absolute_url(),
        step.get_absolute_url(),
        "/courses/",
        "/courses/?format=book&sort=free",
        "/search/?q=django",
        "/search/?q=" + "x" * 250,
        "/accounts/login/",
        "/accounts/signup/",
        "/no-such-page/",
        "/plan/",
    ]


def check(browser, live_server, theme: str, urls: list[str], user=None) -> dict[str, list[str]]:
    context = browser.new_context(base_url=live_server.url, color_scheme=theme)
    context.add_cookies([{"name": "theme", "value": theme, "url": live_server.url}])
    if user:
        sign_in(context, user, live_server.url)
    page = context.new_page()
    found = {}
    for url in urls:
        page.goto(url)
        assert page.evaluate("document.documentElement.dataset.theme") == theme
        if violations := axe_violations(page):
            found[url] = violations
    context.close()
    return found


@pytest.mark.parametrize("theme", THEMES)
def test_public_pages_have_no_violations(browser, live_server, site, theme):
    assert check(browser, live_server, theme, public_pages()) == {}


@pytest.mark.parametrize("theme", THEMES)
def test_a_learners_pages_have_no_violations(browser, live_server, site, alice, theme):
    steps = list(Step.objects.published().in_roadmap_order()[:3])
    for step, status in zip(steps, StepProgress.Status.values, strict=True):
        StepProgress.objects.create(user=alice, step=step, status=status)

    # Every self-check of the step in progress ticked: its "Mark done" offer shows.
    CheckpointTick.objects.bulk_create(
        CheckpointTick(user=alice, checkpoint=c) for c in steps[1].checkpoints.all()
    )
    # A plan with a target out of reach: every figure of /plan/ shows, and the dashboard's card.
    Plan.objects.create(user=alice, hours_per_week=3, target_date=dt.date.today().replace(
        year=dt.date.today().year + 1, day=1))  # fmt: skip
    # The done step's review is due: /plan/review/ shows it, with the offer of a refresher.
    Review.objects.create(user=alice, step=steps[1], due_at=timezone.now() - dt.timedelta(days=1))
    urls = ["/", "/progress/", steps[0].stage.get_absolute_url(), steps[0].get_absolute_url(),
            steps[1].get_absolute_url(),
            f"/progress/reset/?stage={steps[1].stage.slug}&step={steps[1].slug}",
            "/plan/", "/plan/review/", f"/plan/review/?offer={steps[1].pk}"]  # fmt: skip
    assert check(browser, live_server, theme, urls, user=alice) == {}


@pytest.mark.parametrize("theme", THEMES)
def test_study_group_pages_have_no_violations(browser, live_server, site, alice, bob, theme):
    import datetime as dt

    from django.utils import timezone

    from groups import services as group_services
    from progress.models import ProjectLink

    group = group_services.group_create(owner=alice, name="Django club", description="Tuesdays.")
    group_services.group_join(group=group, user=bob)
    steps = list(Step.objects.published().in_roadmap_order()[:3])
    for step, status in zip(steps, StepProgress.Status.values, strict=True):
        StepProgress.objects.create(user=bob, step=step, status=status)
    StepProgress.objects.filter(status="in_progress").update(
        updated_at=timezone.now() - dt.timedelta(days=20)
    )
    project = Step.objects.published().filter(is_project=True).first()
    ProjectLink.objects.create(user=bob, step=project, repository_url="https://example.com/b")
    base = group.get_absolute_url()

    owners = [
        "/groups/",
        base,
        f"{base}members/{bob.pk}/",
        f"{base}settings/",
        f"{base}delete/",
        f"{base}members/{bob.pk}/remove/",
        group.invite_path(),
    ]
    assert check(browser, live_server, theme, owners, user=alice) == {}
    assert check(browser, live_server, theme, [base, group.invite_path()], user=bob) == {}
    assert check(browser, live_server, theme, [group.invite_path()]) == {}


@pytest.mark.parametrize("theme", THEMES)
def test_the_funnels_pages_have_no_violations_on_a_phone(browser, live_server, site, alice, theme):
    """Issue 26: the sign-in page after a visitor's tap, a guest's dashboard, a refused
    project link with its error summary, a new group, and the phone's open menu."""
    from groups import services as group_services

    step = Step.objects.published().select_related("stage").get(slug="functions")
    project = Step.objects.published().filter(is_project=True).first()
    group = group_services.group_create(owner=alice, name="Club", description="")
    found = {}
    for user in (None, alice):
        context = browser.new_context(
            base_url=live_server.url, color_scheme=theme, viewport={"width": 360, "height": 740}
        )
        context.add_cookies([{"name": "theme", "value": theme, "url": live_server.url}])
        if user:
            sign_in(context, user, live_server.url)
        page = context.new_page()
        if user:
            page.goto(project.get_absolute_url())
            page.locator("#id_repository_url").fill("not a link")
            page.get_by_role("button", name="Save project").click()
            pages = {"refused project": None, "new group": group.get_absolute_url()}
        else:
            page.goto(f"/accounts/login/?next={step.get_absolute_url()}%3Fmark%3Ddone")
            found["sign-in after a tap"] = axe_violations(page)
            page.get_by_role("button", name="Continue as a guest").click()
            pages = {"guest dashboard": "/progress/"}
        for name, url in pages.items():
            if url:
                page.goto(url)
            page.locator(".menu-button").click()
            found[name] = axe_violations(page)
        context.close()
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("theme", THEMES)
def test_the_weekly_email_pages_have_no_violations(browser, live_server, site, alice, theme):
    """The settings page with the weekly email's part, its form refused, and the
    unsubscribe pages: the button, a bad link."""
    from plans.weekly import unsubscribe_token

    context = browser.new_context(base_url=live_server.url, color_scheme=theme)
    context.add_cookies([{"name": "theme", "value": theme, "url": live_server.url}])
    sign_in(context, alice, live_server.url)
    page = context.new_page()
    page.goto("/accounts/settings/")
    found = {"settings": axe_violations(page)}
    page.locator("#id_email_hour").evaluate(
        "select => { select.options[0].value = '99'; select.value = '99'; }"
    )
    page.get_by_role("button", name="Save the weekly email").click()
    assert page.get_by_text("Choose an hour from the list.").is_visible()
    found["refused"] = axe_violations(page)
    context.close()
    token = unsubscribe_token(alice.pk)
    urls = [f"/plan/unsubscribe/{token}/", "/plan/unsubscribe/not-a-token/"]
    assert {k: v for k, v in found.items() if v} == {}
    assert check(browser, live_server, theme, urls) == {}
