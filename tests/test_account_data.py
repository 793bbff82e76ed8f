"""Account settings, downloading one's data, and deleting the account."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from courses.models import CourseFeedback, LinkReport
from progress import services
from progress.models import LearnerProfile, ProgressEvent, ProjectLink, StepNote, StepProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_alice(alice, roadmap):
    step = roadmap.steps[0]
    services.progress_set(user=alice, step=step, status="done")
    StepNote.objects.create(user=alice, step=step, body="note")
    ProjectLink.objects.create(user=alice, step=step, repository_url="https://github.com/a/b")
    LearnerProfile.objects.create(user=alice, is_public=True)
    CourseFeedback.objects.create(user=alice, course=roadmap.courses[0], is_helpful=True)
    LinkReport.objects.create(user=alice, course=roadmap.courses[1], reason="broken")
    return alice


def test_it_changes_the_username_and_time_zone(alice_client, alice):
    response = alice_client.post(
        "/accounts/settings/", {"username": "ada.l", "time_zone": "Europe/Paris"}
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.username == "ada.l"
    assert alice.learner_profile.time_zone == "Europe/Paris"


@pytest.mark.parametrize("username", ["ab", "has space", "<script>", "x" * 31, "bob"])
def test_it_refuses_a_bad_or_taken_username(alice_client, alice, bob, username):
    response = alice_client.post("/accounts/settings/", {"username": username, "time_zone": "UTC"})

    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.username == "alice"


def test_it_refuses_an_unknown_time_zone(alice_client):
    response = alice_client.post(
        "/accounts/settings/", {"username": "alice", "time_zone": "Mars/Olympus"}
    )

    assert response.status_code == 400


def test_the_download_holds_everything(alice_client, busy_alice):
    response = alice_client.get("/accounts/settings/data.json")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == busy_alice.email
    assert [p["status"] for p in data["progress"]] == ["done"]
    assert [n["body"] for n in data["notes"]] == ["note"]
    assert [p["repository_url"] for p in data["projects"]] == ["https://github.com/a/b"]
    assert [e["status"] for e in data["activity"]] == ["done"]
    assert [(v["course"], v["helpful"]) for v in data["course_votes"]] == [
        (busy_alice.course_feedback.get().course.slug, True)
    ]
    assert [(r["reason"], r["resolved"]) for r in data["link_reports"]] == [("broken", False)]


def test_the_download_needs_sign_in(client):
    assert client.get("/accounts/settings/data.json").status_code == 302


def test_deleting_asks_for_confirmation(alice_client, busy_alice):
    page = alice_client.get("/accounts/settings/delete/")
    refused = alice_client.post("/accounts/settings/delete/", {})

    assert page.status_code == 200
    assert refused.status_code == 400
    assert get_user_model().objects.filter(pk=busy_alice.pk).exists()


def test_deleting_removes_every_personal_row(alice_client, busy_alice, bob, roadmap):
    services.progress_set(user=bob, step=roadmap.steps[0], status="done")

    response = alice_client.post("/accounts/settings/delete/", {"confirm": "on"})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=busy_alice.pk).exists()
    personal = (StepProgress, ProgressEvent, StepNote, ProjectLink, LearnerProfile)
    for model in (*personal, CourseFeedback, LinkReport):
        assert not model.objects.filter(user_id=busy_alice.pk).exists(), model
    assert not EmailAddress.objects.filter(user_id=busy_alice.pk).exists()
    assert StepProgress.objects.filter(user=bob).count() == 1
    assert alice_client.get("/progress/").status_code == 302  # signed out


def test_deleting_rejects_a_forged_request(alice, busy_alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post("/accounts/settings/delete/", {"confirm": "on"}).status_code == 403
    assert get_user_model().objects.filter(pk=alice.pk).exists()
