"""A double submit of a review's answer counts once, even when both arrive at once.

A transactional test (threads need committed rows), alone in its file: the database is
emptied after it, so a file of its own is scheduled last (see test_group_join_race.py).
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import Review
from progress import services
from progress.models import StepProgress
from tests.concurrency import at_once
from tests.support import client_for


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("outcomes", [["solid"] * 6, ["refresher"] * 6, ["solid", "refresher"] * 3])
def test_answers_sent_at_the_same_moment_move_a_review_once(alice, roadmap, outcomes):
    """Six tabs answer the same due review at the same moment: one answer counts, the
    other five are told it is already recorded, and the review moved one round."""
    step = roadmap.steps[0]
    services.progress_set(user=alice, step=step, status=StepProgress.Status.DONE)
    Review.objects.filter(user=alice, step=step).update(
        due_at=timezone.now() - dt.timedelta(days=1), round=1
    )
    clients = [client_for(alice) for _ in outcomes]

    def send(index: int):
        return clients[index].post(
            reverse("plans:review"),
            {"step": step.pk, "outcome": outcomes[index]},
            headers={"accept": "application/json"},
        )

    responses = at_once(send, range(len(outcomes)))

    assert [response.status_code for response in responses] == [200] * len(outcomes)
    answers = sorted(response.json()["answer"] for response in responses)
    assert answers == ["already_recorded"] * (len(outcomes) - 1) + ["recorded"]
    counted = outcomes[[r.json()["answer"] for r in responses].index("recorded")]
    review = Review.objects.get(user=alice, step=step)
    assert review.last_outcome == counted
    expected_round, expected_days = (2, 60) if counted == "solid" else (0, 7)
    assert review.round == expected_round
    assert round((review.due_at - timezone.now()) / dt.timedelta(days=1)) == expected_days
