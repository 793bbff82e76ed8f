"""Every URL for every role, with the status code each one must get (study groups, with
their own roles, in test_group_url_table.py; both tables are in url_tables.py).

The POST-only addresses answer a GET with 405 for everyone: a styled page that
names POST, and nothing changed.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from courses.models import CourseFeedback, LinkReport
from plans.models import Plan, Review
from progress import services
from progress.guest import GUEST_KEY, GUEST_TICKS_KEY
from progress.models import CheckpointTick, ProgressEvent, ProjectLink, StepNote, StepProgress
from roadmap.models import Step
from tests.url_tables import HEAD_TABLE, POSTS_BY_ROLE, ROLES, TABLE, url_of


@pytest.fixture
def clients(seeded, alice, bob, charlie, superuser) -> list[Client]:
    people = [None, alice, bob, charlie, superuser]
    result = []
    for person in people:
        client = Client()
        if person is not None:
            client.force_login(person)
        result.append(client)
    return result


LEARNER_ROWS = [
    StepProgress, ProgressEvent, StepNote, ProjectLink, CheckpointTick, CourseFeedback, LinkReport,
    Plan,
]  # fmt: skip


@pytest.mark.parametrize("path", TABLE)
def test_every_url_answers_each_role_as_expected(clients, path):
    url = url_of(path)
    responses = [client.get(url) for client in clients]

    got = {role: response.status_code for role, response in zip(ROLES, responses, strict=True)}
    assert got == dict(zip(ROLES, TABLE[path], strict=True)), url
    for response in responses:
        if response.status_code == 405:
            assert response["Allow"] == "POST"
            assert "405.html" in [template.name for template in response.templates]
            assert "Nothing was changed." in response.content.decode()
    assert not any(model.objects.exists() for model in LEARNER_ROWS)
    assert not any(GUEST_KEY in client.session for client in clients)
    assert not any(GUEST_TICKS_KEY in client.session for client in clients)


@pytest.mark.parametrize("path", TABLE)
def test_head_answers_wherever_get_does_with_no_body(clients, path):
    """Load balancers and uptime checkers send HEAD (/healthz, say): it gets what GET
    gets, 405 where GET does, and changes nothing."""
    url = url_of(path)
    responses = [client.head(url) for client in clients]

    got = {role: response.status_code for role, response in zip(ROLES, responses, strict=True)}
    assert got == dict(zip(ROLES, HEAD_TABLE[path], strict=True)), url
    assert all(response.content == b"" for response in responses)
    assert not any(model.objects.exists() for model in LEARNER_ROWS)


@pytest.mark.parametrize("path", POSTS_BY_ROLE)
def test_every_post_answers_each_role_as_expected(clients, alice, path):
    """Each role posts in turn: a visitor is sent to sign in, the learner's change is made
    (or refused with a message), and nobody else's POST changes the learner's rows."""
    step = Step.objects.published().order_by("id").first()
    services.progress_set(user=alice, step=step, status=StepProgress.Status.DONE)
    Review.objects.filter(user=alice).update(due_at=timezone.now() - dt.timedelta(days=1))
    data, expected = POSTS_BY_ROLE[path]
    data = {name: url_of(value) for name, value in data.items()}
    before = list(Review.objects.values_list("round", "due_at"))

    got = [client.post(url_of(path), data).status_code for client in clients]

    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, expected, strict=True))
    assert not StepProgress.objects.exclude(user=alice).exists()
    answered = data.get("outcome") == "solid"
    assert (list(Review.objects.values_list("round", "due_at")) != before) is answered
    if "hours_spent" in data:
        assert StepProgress.objects.get(user=alice).hours_spent == Decimal(data["hours_spent"])
