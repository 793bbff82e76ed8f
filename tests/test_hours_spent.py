"""Hours spent: a learner records the hours a step really took, on the step page (its own
small form) or with the status POST as they mark it done."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from progress import services
from progress.models import StepProgress
from tests.support import client_for

Status = StepProgress.Status
BAD_HOURS = ["0", "-1", "0.4", "501", "abc", "NaN", "inf", "-inf", "1.25", "1e9", "a\x00b"]
LONG_AGO = timezone.now() - dt.timedelta(days=30)


def hours_url(step) -> str:
    return reverse("progress:save_hours", args=[step.stage.slug, step.slug])


def status_url(step) -> str:
    return f"{step.get_absolute_url()}status/"


def started(user, step, status=Status.IN_PROGRESS, hours=None) -> StepProgress:
    """The learner's row on the step, last changed long ago (to see that hours leave it)."""
    row = StepProgress.objects.create(user=user, step=step, status=status, hours_spent=hours)
    StepProgress.objects.filter(pk=row.pk).update(updated_at=LONG_AGO)
    return row


def post_json(client: Client, url: str, data: dict):
    """A POST as the page's script sends it, asking for JSON."""
    return client.post(url, data, headers={"accept": "application/json"})


def row(user, step) -> StepProgress | None:
    return StepProgress.objects.filter(user=user, step=step).first()


# ---------------------------------------------------------------- the hours form


def test_it_records_hours_without_touching_when_the_status_changed(alice, alice_client, roadmap):
    step = roadmap.steps[0]
    started(alice, step)

    response = alice_client.post(hours_url(step), {"hours_spent": "3.5"})

    assert response.status_code == 302
    assert response["Location"] == f"{step.get_absolute_url()}#hours"
    saved = row(alice, step)
    assert saved.hours_spent == Decimal("3.5")
    assert saved.updated_at == LONG_AGO
    page = alice_client.get(step.get_absolute_url()).content.decode()
    assert "Recorded 3.5 hours on this step." in page
    assert 'value="3.5"' in page


def test_blank_hours_clear_them(alice, alice_client, roadmap):
    step = roadmap.steps[0]
    started(alice, step, hours=Decimal(4))

    alice_client.post(hours_url(step), {"hours_spent": ""})

    assert row(alice, step).hours_spent is None
    assert row(alice, step).updated_at == LONG_AGO


@pytest.mark.parametrize("hours", ["0.5", "500", "12", "7.0"])
def test_the_range_is_half_an_hour_to_500_hours(alice, alice_client, roadmap, hours):
    step = roadmap.steps[0]
    started(alice, step, status=Status.DONE)
    alice_client.post(hours_url(step), {"hours_spent": hours})
    assert row(alice, step).hours_spent == Decimal(hours)


@pytest.mark.parametrize("hours", BAD_HOURS)
def test_bad_hours_are_refused_with_a_message_and_change_nothing(
    alice, alice_client, roadmap, hours
):
    step = roadmap.steps[0]
    started(alice, step, hours=Decimal(2))

    response = alice_client.post(hours_url(step), {"hours_spent": hours})

    assert response.status_code == 302
    assert row(alice, step).hours_spent == Decimal(2)
    page = alice_client.get(step.get_absolute_url()).content.decode()
    assert "Hours spent go from 0.5 to 500" in page


def test_bad_hours_are_a_400_in_json(alice, alice_client, roadmap):
    step = roadmap.steps[0]
    started(alice, step)
    response = post_json(alice_client, hours_url(step), {"hours_spent": "501"})
    assert response.status_code == 400
    assert "0.5 to 500" in response.json()["error"]


def test_good_hours_answer_json_when_asked(alice, alice_client, roadmap):
    step = roadmap.steps[0]
    started(alice, step)
    response = post_json(alice_client, hours_url(step), {"hours_spent": "2.5"})
    assert response.json() == {
        "step": step.pk,
        "hours_spent": "2.5",
        "message": "Recorded 2.5 hours on this step.",
    }


def test_a_step_not_started_keeps_no_hours_and_says_so(alice, alice_client, roadmap):
    step = roadmap.steps[0]

    response = alice_client.post(hours_url(step), {"hours_spent": "3"})

    assert response.status_code == 302
    assert not StepProgress.objects.exists()
    page = alice_client.get(step.get_absolute_url()).content.decode()
    assert f"Start “{step.title}” first" in page


def test_a_visitor_or_guest_is_sent_to_sign_in(roadmap):
    step = roadmap.steps[0]
    guest = Client()
    guest.post(reverse("progress:guest_start"))
    for client in (Client(), guest):
        response = client.post(hours_url(step), {"hours_spent": "3"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_only_the_learners_own_row_changes(alice, bob, roadmap):
    step = roadmap.steps[0]
    started(alice, step, hours=Decimal(1))
    started(bob, step)
    client_for(bob).post(hours_url(step), {"hours_spent": "9"})
    assert row(alice, step).hours_spent == Decimal(1)
    assert row(bob, step).hours_spent == Decimal(9)


def test_a_draft_step_is_a_404(alice, alice_client, roadmap):
    step = roadmap.steps[0]
    started(alice, step)
    step.is_published = False
    step.save()
    assert alice_client.post(hours_url(step), {"hours_spent": "3"}).status_code == 404
    assert row(alice, step).hours_spent is None


def test_it_refuses_get_and_needs_a_csrf_token(alice, roadmap):
    step = roadmap.steps[0]
    started(alice, step)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get(hours_url(step)).status_code == 405
    assert client.post(hours_url(step), {"hours_spent": "3"}).status_code == 403
    assert row(alice, step).hours_spent is None


def test_the_step_page_offers_the_form_to_a_learner_with_a_status_only(
    alice, alice_client, roadmap
):
    step = roadmap.steps[0]
    assert hours_url(step) not in alice_client.get(step.get_absolute_url()).content.decode()
    started(alice, step)
    assert hours_url(step) in alice_client.get(step.get_absolute_url()).content.decode()
    assert hours_url(step) not in Client().get(step.get_absolute_url()).content.decode()


# ---------------------------------------------------------------- with the status POST


def test_marking_done_may_record_the_hours_too(alice, alice_client, roadmap):
    step = roadmap.steps[0]

    response = alice_client.post(status_url(step), {"status": "done", "hours_spent": "6"})

    assert response.status_code == 302
    assert (row(alice, step).status, row(alice, step).hours_spent) == (Status.DONE, Decimal(6))
    page = alice_client.get(response["Location"]).content.decode()
    assert "is now done. Recorded 6 hours." in page


def test_blank_hours_with_a_status_leave_the_recorded_ones(alice, alice_client, roadmap):
    step = roadmap.steps[0]
    started(alice, step, hours=Decimal(3))
    alice_client.post(status_url(step), {"status": "done", "hours_spent": ""})
    assert (row(alice, step).status, row(alice, step).hours_spent) == (Status.DONE, Decimal(3))


@pytest.mark.parametrize("hours", BAD_HOURS)
@pytest.mark.parametrize("json", [False, True])
def test_bad_hours_refuse_the_whole_status_post(alice, alice_client, roadmap, hours, json):
    step = roadmap.steps[0]
    started(alice, step)
    headers = {"accept": "application/json"} if json else {}

    response = alice_client.post(
        status_url(step), {"status": "done", "hours_spent": hours}, headers=headers
    )

    assert (row(alice, step).status, row(alice, step).hours_spent) == (Status.IN_PROGRESS, None)
    assert row(alice, step).updated_at == LONG_AGO
    if json:
        assert response.status_code == 400
        assert "Hours spent go from 0.5 to 500" in response.json()["error"]
    else:
        page = alice_client.get(response["Location"]).content.decode()
        assert "Hours spent go from 0.5 to 500" in page


def test_hours_with_not_started_are_refused(alice, alice_client, roadmap):
    step = roadmap.steps[0]
    started(alice, step)
    response = post_json(alice_client, status_url(step), {"status": "reset", "hours_spent": "2"})
    assert response.status_code == 400
    assert "keeps no hours" in response.json()["error"]
    assert row(alice, step).status == Status.IN_PROGRESS


def test_a_guest_cannot_record_hours(roadmap):
    step = roadmap.steps[0]
    guest = Client()
    guest.post(reverse("progress:guest_start"))
    response = post_json(guest, status_url(step), {"status": "done", "hours_spent": "2"})
    assert response.status_code == 400
    assert "signed-in learners" in response.json()["error"]
    assert guest.post(status_url(step), {"status": "done"}).status_code == 302


def test_the_step_page_shows_the_hours_where_a_learner_marks_done(alice, alice_client, roadmap):
    step = roadmap.steps[0]
    page = alice_client.get(step.get_absolute_url()).content.decode()
    assert 'id="done-hours_spent"' in page
    services.progress_set(user=alice, step=step, status=Status.DONE)
    page = alice_client.get(step.get_absolute_url()).content.decode()
    assert 'id="done-hours_spent"' not in page  # done: the hours form is the place
    assert 'id="hours-hours_spent"' in page


def test_the_service_leaves_updated_at_alone(alice, roadmap):
    step = roadmap.steps[0]
    started(alice, step)
    assert services.hours_record(user=alice, step=step, hours=Decimal("1.5"))
    assert row(alice, step).updated_at == LONG_AGO
    assert not services.hours_record(user=alice, step=roadmap.steps[1], hours=Decimal(1))
