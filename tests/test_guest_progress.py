"""Guests track progress in their session; signing up or in merges it into the account."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from progress import services
from progress.guest import GUEST_KEY
from progress.models import ProgressEvent, StepProgress

pytestmark = pytest.mark.django_db


def status_url(step) -> str:
    return f"{step.get_absolute_url()}status/"


@pytest.fixture
def guest(client) -> Client:
    client.post("/guest/", {"next": "/"})
    return client


def test_a_visitor_is_sent_to_sign_in_and_offered_guest_mode(client, roadmap):
    step = roadmap.steps[0]

    response = client.post(status_url(step), {"status": "done"})

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={step.get_absolute_url()}"
    login = client.get(response.url)
    assert b"Continue as a guest" in login.content
    assert not StepProgress.objects.exists()


def test_it_starts_guest_mode_and_returns_to_the_step(client, roadmap):
    step = roadmap.steps[0]

    response = client.post("/guest/", {"next": step.get_absolute_url()})

    assert response.status_code == 302
    assert response.url == step.get_absolute_url()
    assert client.session[GUEST_KEY] == {}


def test_guest_mode_refuses_an_outside_next(client, roadmap):
    response = client.post("/guest/", {"next": "https://evil.example/"})

    assert response.url == "/"


def test_a_guest_marks_a_step_without_a_database_row(guest, roadmap):
    step = roadmap.steps[0]

    response = guest.post(status_url(step), {"status": "done"})

    assert response.status_code == 302
    assert guest.session[GUEST_KEY][str(step.pk)]["status"] == "done"
    assert not StepProgress.objects.exists()
    page = guest.get(step.get_absolute_url())
    assert page.context["status"] == "done"
    assert page.context["tracking"] is True


def test_a_guest_gets_the_json_answer(guest, roadmap):
    step = roadmap.steps[0]

    response = guest.post(
        status_url(step), {"status": "in_progress"}, headers={"accept": "application/json"}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"


def test_a_guest_can_reset_a_step(guest, roadmap):
    step = roadmap.steps[0]
    guest.post(status_url(step), {"status": "done"})

    guest.post(status_url(step), {"status": "reset"})

    assert guest.session[GUEST_KEY] == {}


def test_a_guest_cannot_set_an_unknown_status(guest, roadmap):
    step = roadmap.steps[0]

    response = guest.post(status_url(step), {"status": "finished"}, follow=True)

    assert response.status_code == 200
    assert guest.session[GUEST_KEY] == {}
    assert "is not a status" in response.content.decode()


def test_malformed_guest_data_is_ignored(guest, roadmap):
    session = guest.session
    session[GUEST_KEY] = {
        "x": {"status": "done"},
        str(roadmap.steps[0].pk): {"status": "weird", "at": timezone.now().isoformat()},
        str(roadmap.steps[1].pk): {"status": "done", "at": "yesterday"},
        str(roadmap.steps[2].pk): "done",
    }
    session.save()

    response = guest.get("/")

    assert response.status_code == 200
    shown = [step.status for stage in response.context["stages"] for step in stage.published_steps]
    assert shown and set(shown) == {""}


def test_signing_in_merges_guest_progress(guest, alice, roadmap):
    first, second = roadmap.steps[0], roadmap.steps[1]
    guest.post(status_url(first), {"status": "done"})
    guest.post(status_url(second), {"status": "in_progress"})

    response = guest.post(
        "/accounts/login/",
        {"login": alice.email, "password": "a-long-and-unguessable-passphrase"},
    )

    assert response.status_code == 302
    mine = dict(StepProgress.objects.filter(user=alice).values_list("step_id", "status"))
    assert mine == {first.pk: "done", second.pk: "in_progress"}
    assert ProgressEvent.objects.filter(user=alice).count() == 2
    assert GUEST_KEY not in guest.session


def test_the_later_change_wins_in_a_merge(alice, roadmap):
    newer, older = roadmap.steps[0], roadmap.steps[1]
    services.progress_set(user=alice, step=newer, status="skipped")
    services.progress_set(user=alice, step=older, status="done")
    StepProgress.objects.filter(user=alice, step=older).update(
        updated_at=timezone.now() - dt.timedelta(days=2)
    )
    day_ago = timezone.now() - dt.timedelta(days=1)
    guest = {newer.pk: ("in_progress", day_ago), older.pk: ("in_progress", day_ago)}

    merged = services.progress_merge(user=alice, guest=guest)

    assert merged == 1
    mine = dict(StepProgress.objects.filter(user=alice).values_list("step_id", "status"))
    assert mine == {newer.pk: "skipped", older.pk: "in_progress"}
    assert StepProgress.objects.get(user=alice, step=older).updated_at == day_ago


def test_a_merge_skips_steps_that_no_longer_exist(alice, roadmap):
    merged = services.progress_merge(user=alice, guest={999_999: ("done", timezone.now())})

    assert merged == 0
    assert not StepProgress.objects.exists()


def test_signing_up_and_confirming_keeps_guest_progress(guest, roadmap, mailoutbox):
    step = roadmap.steps[0]
    guest.post(status_url(step), {"status": "done"})

    guest.post(
        "/accounts/signup/",
        {
            "email": "new@example.com",
            "password1": "pass-phrase-9876",
            "password2": "pass-phrase-9876",
        },
    )
    key = mailoutbox[0].body.split("/accounts/confirm-email/")[1].split("/")[0]
    guest.post(f"/accounts/confirm-email/{key}/")

    progress = StepProgress.objects.get(user__email="new@example.com")
    assert (progress.step, progress.status) == (step, "done")
