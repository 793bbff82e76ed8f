"""The learner's dashboard /progress/: progress, next step, activity, and resets."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from progress import services
from progress.models import LearnerProfile, ProgressEvent, StepProgress

pytestmark = pytest.mark.django_db


def test_it_shows_the_next_step_and_hours_left(alice_client, alice, roadmap):
    required = [s for s in roadmap.steps if not s.is_optional]
    services.progress_set(user=alice, step=required[0], status="done")

    response = alice_client.get("/progress/")

    assert response.context["next_step"] == required[1]
    assert response.context["overall"].hours_left == sum(s.estimated_hours for s in required[1:])
    assert "Continue" in response.content.decode()


def test_it_asks_before_resetting_a_stage(alice_client, alice, roadmap):
    stage = roadmap.stages[0]
    for step in roadmap.steps_of(stage):
        services.progress_set(user=alice, step=step, status="done")

    response = alice_client.get(f"/progress/reset/?stage={stage.slug}")

    assert response.status_code == 200
    assert "Yes, reset 3 steps" in response.content.decode()
    assert StepProgress.objects.filter(user=alice).count() == 3


def test_it_resets_one_stage_only(alice_client, alice, bob, roadmap):
    first, second = roadmap.stages
    for step in roadmap.steps:
        services.progress_set(user=alice, step=step, status="done")
        services.progress_set(user=bob, step=step, status="done")

    response = alice_client.post("/progress/reset/", {"stage": first.slug})

    assert response.status_code == 302
    left = set(StepProgress.objects.filter(user=alice).values_list("step_id", flat=True))
    assert left == {step.pk for step in roadmap.steps_of(second)}
    assert StepProgress.objects.filter(user=bob).count() == len(roadmap.steps)
    assert ProgressEvent.objects.filter(user=alice, status="reset").count() == 3


def test_it_resets_the_whole_roadmap(alice_client, alice, roadmap):
    for step in roadmap.steps:
        services.progress_set(user=alice, step=step, status="done")

    alice_client.post("/progress/reset/")

    assert not StepProgress.objects.filter(user=alice).exists()


def test_resetting_an_unknown_stage_is_a_404(alice_client, alice, roadmap):
    services.progress_set(user=alice, step=roadmap.steps[0], status="done")

    assert alice_client.post("/progress/reset/", {"stage": "nope"}).status_code == 404
    assert alice_client.get("/progress/reset/?stage=nope").status_code == 404
    assert StepProgress.objects.filter(user=alice).count() == 1


def test_resetting_needs_sign_in(client):
    response = client.post("/progress/reset/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_activity_counts_days_in_the_learners_time_zone(alice_client, alice, roadmap):
    LearnerProfile.objects.create(user=alice, time_zone="Asia/Tokyo")
    tokyo = ZoneInfo("Asia/Tokyo")
    today = timezone.now().astimezone(tokyo).date()
    # 00:30 in Tokyo today is still yesterday in UTC.
    early = dt.datetime.combine(today, dt.time(0, 30), tzinfo=tokyo)
    ProgressEvent.objects.create(user=alice, step=roadmap.steps[0], status="done", created_at=early)

    activity = alice_client.get("/progress/").context["activity"]

    assert activity.days == {today: 1}
    assert activity.current_streak == 1


def test_the_query_count_does_not_grow_with_days_of_activity(
    alice_client, alice, roadmap, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # count the queries of rendering, not of a stored page

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get("/progress/").status_code == 200
        return len(queries)

    services.progress_set(user=alice, step=roadmap.steps[0], status="done")
    count()  # the signed-in user is read from the database once, then from the cache
    before = count()
    now = timezone.now()
    ProgressEvent.objects.bulk_create(
        ProgressEvent(
            user=alice, step=roadmap.steps[0], status="done", created_at=now - dt.timedelta(days=d)
        )
        for d in range(400)
    )

    assert count() == before <= 10
