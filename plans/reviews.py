"""Spaced repetition on the steps a learner has done: when a review is due, which are due.

A review is due when its date has come, it is not retired, and its step is published
and, for this learner, done right now (a step set back waits until it is done again).
"""

import datetime as dt
from enum import StrEnum

from django.contrib.auth.models import User
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from plans.models import Review
from progress.models import StepProgress


def schedule(*, user: User, step_id: int, done_at: dt.datetime) -> None:
    """Give a step just marked done its first review, INTERVALS[0] days on. One that
    exists keeps its round and date: a step done again picks up where its reviews were.
    One INSERT that a conflict turns into nothing, safe under concurrent requests."""
    review = Review(user=user, step_id=step_id, due_at=Review.first_due(done_at))
    Review.objects.bulk_create([review], ignore_conflicts=True)


def _waiting(user: User) -> QuerySet[Review]:
    """The learner's reviews that will come due: not retired, their step published and,
    for this learner, done right now."""
    return Review.objects.filter(
        user=user,
        retired_at__isnull=True,
        step__is_published=True,
        step__progress__user=user,
        step__progress__status=StepProgress.Status.DONE,
    )


def due(user: User, *, now: dt.datetime) -> QuerySet[Review]:
    """The learner's reviews due at `now`, the longest overdue first, with their steps."""
    return (
        _waiting(user)
        .filter(due_at__lte=now)
        .select_related("step__stage")
        .order_by("due_at", "pk")
    )


def due_count(user: User, *, now: dt.datetime) -> int:
    """How many reviews the learner has due at `now` (one query)."""
    return due(user, now=now).count()


def next_due_at(user: User) -> dt.datetime | None:
    """When the learner's next review comes due, among those that will (not retired, their
    step published and done); None when none is scheduled. One query."""
    return _waiting(user).order_by("due_at").values_list("due_at", flat=True).first()


def review_of(user: User, *, step_id: int) -> Review | None:
    """The learner's review of a published step, whether due or not, with its step and
    stage and the learner's `step_status` on it ("" when not started); None when there is
    none (another learner's, a draft's, an unknown step's). One query."""
    status = StepProgress.objects.filter(user=user, step=OuterRef("step_id")).values("status")
    return (
        Review.objects.filter(user=user, step_id=step_id, step__is_published=True)
        .select_related("step__stage")
        .annotate(step_status=Coalesce(Subquery(status[:1]), Value("")))
        .first()
    )


#: The fields an answer changes.
ANSWERED_FIELDS = ["round", "due_at", "retired_at", "last_outcome", "last_reviewed_at"]


class Answer(StrEnum):
    """What became of an answer to a review."""

    RECORDED = "recorded"
    #: The same answer sent twice (a double click, two tabs): the first one counted.
    ALREADY_RECORDED = "already_recorded"
    NOT_DUE = "not_due"
    #: The step is no longer done: its review waits until it is done again.
    NOT_DONE = "not_done"


def next_round(review: Review, outcome: str, *, now: dt.datetime) -> dict[str, object]:
    """The fields of `review` after answering `outcome` at `now`: "solid" moves it to the next
    interval, or retires it after the last; "refresher" starts it over at the first."""
    answered = {"last_outcome": outcome, "last_reviewed_at": now}
    if outcome == Review.Outcome.REFRESHER:
        return answered | {"round": 0, "due_at": now + dt.timedelta(days=Review.INTERVALS[0])}
    if review.round + 1 >= len(Review.INTERVALS):
        return answered | {"retired_at": now}
    later = review.round + 1
    return answered | {"round": later, "due_at": now + dt.timedelta(days=Review.INTERVALS[later])}


def review_answer(*, review: Review, outcome: str, now: dt.datetime) -> Answer:
    """Answer a review of `review_of`: "solid" or "refresher" (Review.Outcome).

    It counts once. The change is one conditional UPDATE of the row as it was read (still
    due, still in the round read, not retired): of two identical answers sent at the same
    moment, the database lets one through and the other finds nothing to change. On
    success `review` carries its new round and date.
    """
    if outcome not in Review.Outcome.values:
        raise ValueError(f"Unknown outcome: {outcome!r}")
    if review.step_status != StepProgress.Status.DONE:  # type: ignore[attr-defined]  # review_of
        return Answer.NOT_DONE
    if review.retired_at is not None or review.due_at > now:
        return Answer.ALREADY_RECORDED if review.last_reviewed_at else Answer.NOT_DUE
    changes = next_round(review, outcome, now=now)
    as_read = Review.objects.filter(
        pk=review.pk, round=review.round, due_at__lte=now, retired_at__isnull=True
    )
    if not as_read.update(**changes):
        review.refresh_from_db(fields=ANSWERED_FIELDS)  # as the answer that counted left it
        return Answer.ALREADY_RECORDED
    for field, value in changes.items():
        setattr(review, field, value)
    return Answer.RECORDED
