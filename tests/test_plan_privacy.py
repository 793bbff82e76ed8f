"""The plan, reviews and hours spent are the learner's alone: not on their public progress
page, not shown to their study group's mentors; in their data export; deleted with them.

bob (a member of alice's “Django club”, which mia mentors) has a plan, a review, a weekly
email sent and hours recorded, each with a value no page shows by chance.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from plans.models import Plan, Review, SentWeeklyEmail
from progress import services
from progress.models import LearnerProfile, StepProgress
from tests.support import client_for

HOURS = Decimal("123.5")
TARGET = dt.date(2029, 3, 17)
WEEK = dt.date(2026, 11, 30)


@pytest.fixture
def planner(bob, roadmap, group):
    """bob, with a public progress page, a plan, a done step with hours and its review."""
    step = roadmap.steps[0]
    services.progress_set(user=bob, step=step, status=StepProgress.Status.DONE)
    services.hours_record(user=bob, step=step, hours=HOURS)
    Review.objects.filter(user=bob).update(
        due_at=timezone.now() - dt.timedelta(days=2), last_outcome=Review.Outcome.REFRESHER
    )
    Plan.objects.create(user=bob, hours_per_week=37, target_date=TARGET, weekly_email=True)
    SentWeeklyEmail.objects.create(user=bob, week=WEEK)
    LearnerProfile.objects.create(user=bob, is_public=True)
    group.members_see_progress = True
    group.save()
    return bob


def shows_nothing_of_the_plan(page: str) -> None:
    for secret in ("123.5", "123,5", "2029", "17 March", "Mar. 17", "hours a week",
                   "hours per week", "/plan/review/", "refresher", "Review"):  # fmt: skip
        assert secret not in page, secret


def test_the_public_progress_page_shows_no_plan_reviews_or_hours(planner, roadmap, client):
    page = client.get(f"/u/{planner.username}/").content.decode()
    assert roadmap.steps[0].title in page  # the done step is public, as before
    shows_nothing_of_the_plan(page)


def test_mentors_and_members_see_no_plan_reviews_or_hours(planner, group, alice, mia, eve):
    member_page = f"{group.get_absolute_url()}members/{planner.pk}/"
    for viewer in (alice, mia, eve):  # the owner, a mentor, a member who may look
        response = client_for(viewer).get(member_page)
        assert response.status_code == 200
        shows_nothing_of_the_plan(response.content.decode())
    for mentor in (alice, mia):
        table = client_for(mentor).get(f"{group.get_absolute_url()}progress.csv")
        assert table.status_code == 200
        shows_nothing_of_the_plan(table.content.decode())


def test_nobody_else_sees_their_reviews(planner, alice, mia):
    for other in (alice, mia):
        page = client_for(other).get("/plan/review/").content.decode()
        assert "All caught up" in page


def test_the_export_holds_the_plan_reviews_weekly_emails_and_hours(planner, roadmap):
    response = client_for(planner).get("/accounts/settings/data.json")

    data = json.loads(response.content)
    step = roadmap.steps[0]
    assert [(p["step"], p["hours_spent"]) for p in data["progress"]] == [(step.slug, 123.5)]
    assert data["plan"] == {
        "hours_per_week": 37,
        "target_date": "2029-03-17",
        "weekly_email": True,
        "email_weekday": "Monday",
        "email_hour": 8,
        "updated_at": Plan.objects.get().updated_at.isoformat(),
    }
    [review] = data["reviews"]
    assert (review["stage"], review["step"], review["round"]) == (step.stage.slug, step.slug, 0)
    assert review["last_outcome"] == "refresher"
    assert review["due_at"] == Review.objects.get().due_at.isoformat()
    assert data["weekly_emails"] == ["2026-11-30"]
    assert "groups" in data  # the groups' part is still there


def test_the_export_of_a_learner_without_a_plan_says_so(alice_client):
    data = json.loads(alice_client.get("/accounts/settings/data.json").content)
    assert (data["plan"], data["reviews"], data["weekly_emails"]) == (None, [], [])


def test_deleting_the_account_deletes_the_plan_reviews_and_weekly_emails(planner, alice, roadmap):
    services.progress_set(user=alice, step=roadmap.steps[0], status=StepProgress.Status.DONE)
    Plan.objects.create(user=alice, hours_per_week=5)

    response = client_for(planner).post("/accounts/settings/delete/", {"confirm": "on"})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=planner.pk).exists()
    for model in (Plan, Review, SentWeeklyEmail, StepProgress):
        assert not model.objects.filter(user_id=planner.pk).exists(), model
    assert Plan.objects.filter(user=alice).exists()
    assert Review.objects.filter(user=alice).exists()
