"""Spaced repetition on the steps a learner has done: when a review is due, which are due.

A review is due when its date has come, it is not retired, and its step is published
and, for this learner, done right now (a step set back waits until it is done again).
"""

import datetime as dt

from django.contrib.auth.models import User
from django.db.models import QuerySet

from plans.models import Review
from progress.models import StepProgress


def schedule(*, user: User, step_id: int, done_at: dt.datetime) -> None:
    """Give a step just marked done its first review, INTERVALS[0] days on. One that
    exists keeps its round and date: a step done again picks up where its reviews were.
    One INSERT that a conflict turns into nothing, safe under concurrent requests."""
    review = Review(user=user, step_id=step_id, due_at=Review.first_due(done_at))
    Review.objects.bulk_create([review], ignore_conflicts=True)


def due(user: User, *, now: dt.datetime) -> QuerySet[Review]:
    """The learner's reviews due at `now`, the longest overdue first, with their steps."""
    return (
        Review.objects.filter(
            user=user,
            due_at__lte=now,
            retired_at__isnull=True,
            step__is_published=True,
            step__progress__user=user,
            step__progress__status=StepProgress.Status.DONE,
        )
        .select_related("step__stage")
        .order_by("due_at", "pk")
    )


def due_count(user: User, *, now: dt.datetime) -> int:
    """How many reviews the learner has due at `now` (one query)."""
    return due(user, now=now).count()
