"""The public progress page /u/<username>/ and its badge: off by default, 404 when off."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from progress import services
from progress.models import LearnerProfile, ProgressEvent, ProjectLink, StepNote

pytestmark = pytest.mark.django_db


def make_public(user) -> None:
    LearnerProfile.objects.update_or_create(user=user, defaults={"is_public": True})


def test_it_is_off_by_default(client, alice, roadmap):
    services.progress_set(user=alice, step=roadmap.steps[0], status="done")

    assert client.get("/u/alice/").status_code == 404
    assert client.get("/u/alice/badge.svg").status_code == 404


def test_an_unknown_learner_looks_the_same_as_a_private_one(client, alice):
    private = client.get("/u/alice/")
    unknown = client.get("/u/nobody-at-all/")

    def without_tokens(response) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert private.status_code == unknown.status_code == 404
    same_address = without_tokens(private).replace("/u/alice/", "/u/nobody-at-all/")
    assert same_address == without_tokens(unknown)


def test_it_shows_done_steps_and_projects_when_public(client, alice, roadmap):
    done, project_step = roadmap.steps[0], roadmap.steps[1]
    services.progress_set(user=alice, step=done, status="done")
    ProjectLink.objects.create(
        user=alice, step=project_step, repository_url="https://github.com/alice/app"
    )
    StepNote.objects.create(user=alice, step=done, body="my private thoughts")
    make_public(alice)

    response = client.get("/u/alice/")

    page = response.content.decode()
    assert response.status_code == 200
    assert done.title in page
    assert "https://github.com/alice/app" in page
    assert "my private thoughts" not in page
    assert alice.email not in page


def test_the_badge_shows_the_percentage(client, alice, roadmap):
    required = [s for s in roadmap.steps if not s.is_optional]
    services.progress_set(user=alice, step=required[0], status="done")
    make_public(alice)
    expected = round(100 / len(required))

    response = client.get("/u/alice/badge.svg")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert f"{expected}%" in response.content.decode()


def test_the_settings_switch_it_on_and_off(alice_client, client, alice):
    data = {"username": "alice", "time_zone": "UTC"}
    alice_client.post("/accounts/settings/", {**data, "is_public": "on"})
    assert client.get("/u/alice/").status_code == 200

    alice_client.post("/accounts/settings/", data)
    assert client.get("/u/alice/").status_code == 404
    assert client.get("/u/alice/badge.svg").status_code == 404


def test_the_query_count_does_not_grow_with_steps_or_days(client, alice, make_roadmap):
    make_public(alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/u/alice/").status_code == 200
        return len(queries)

    small = make_roadmap(stages=2, steps=3)
    for step in small.steps:
        services.progress_set(user=alice, step=step, status="done")
    before = count()

    big = make_roadmap(stages=2, steps=30)
    now = timezone.now()
    ProgressEvent.objects.bulk_create(
        ProgressEvent(user=alice, step=step, status="done", created_at=now - dt.timedelta(days=d))
        for d, step in enumerate(big.steps)
    )
    for step in big.steps[:20]:
        services.progress_set(user=alice, step=step, status="done")
        ProjectLink.objects.create(user=alice, step=step, repository_url="https://x.org/r")

    assert count() == before <= 8
