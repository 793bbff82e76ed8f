"""Reading and writing a learner's progress: the one progress service.

How progress counts (also in the README):

* The percentage is over the *required* published steps only. Optional steps
  (alternatives such as React or Angular, or extras) never lower it.
* A required step counts toward the percentage when it is done or skipped:
  skipping says "I already know this" or "not for me", so it is settled.
  Skipped steps are shown separately, so nobody mistakes them for done.
* "In progress" counts as started, not as finished.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction

from roadmap.models import Step, StepProgress

Status = StepProgress.Status
RESET = "reset"
SETTLED = frozenset({Status.DONE, Status.SKIPPED})


@dataclass(frozen=True)
class ProgressSummary:
    """Counts for a set of steps, as one learner stands on them."""

    required_total: int = 0
    done: int = 0
    skipped: int = 0
    in_progress: int = 0
    optional_total: int = 0
    optional_done: int = 0
    hours_left: int = 0

    @property
    def settled(self) -> int:
        return self.done + self.skipped

    @property
    def percent(self) -> int:
        if not self.required_total:
            return 0
        return round(100 * self.settled / self.required_total)

    @property
    def is_complete(self) -> bool:
        return self.required_total > 0 and self.settled == self.required_total


def summarise(steps: Iterable[Step], statuses: Mapping[int, str]) -> ProgressSummary:
    """Summarise progress on `steps`, given a map of step id to status."""
    counts = dict.fromkeys(
        ("required_total", "done", "skipped", "in_progress", "optional_total", "optional_done"), 0
    )
    hours_left = 0
    for step in steps:
        status = statuses.get(step.pk, "")
        if status == Status.IN_PROGRESS:
            counts["in_progress"] += 1
        if step.is_optional:
            counts["optional_total"] += 1
            counts["optional_done"] += status == Status.DONE
            continue
        counts["required_total"] += 1
        counts["done"] += status == Status.DONE
        counts["skipped"] += status == Status.SKIPPED
        if status not in SETTLED:
            hours_left += step.estimated_hours
    return ProgressSummary(hours_left=hours_left, **counts)


def is_tracking(request) -> bool:
    """Whether this request belongs to someone whose progress is kept."""
    return request.user.is_authenticated


def statuses_for(user: AbstractBaseUser | AnonymousUser) -> dict[int, str]:
    """Map of step id to status for everything this user has touched (one query)."""
    if not user.is_authenticated:
        return {}
    return dict(StepProgress.objects.filter(user=user).values_list("step_id", "status"))


def next_step(steps: Iterable[Step], statuses: Mapping[int, str]) -> Step | None:
    """The first required step, in roadmap order, that is neither done nor skipped."""
    return next(
        (s for s in steps if not s.is_optional and statuses.get(s.pk, "") not in SETTLED), None
    )


def progress_set(*, user: AbstractBaseUser, step: Step, status: str) -> StepProgress | None:
    """Record `status` for `user` on `step`; RESET forgets the step. Idempotent.

    Safe under concurrent requests: the unique constraint keeps one row per
    learner and step, and a lost insert race turns into an update.
    """
    if status == RESET:
        StepProgress.objects.filter(user=user, step=step).delete()
        return None
    if status not in Status.values:
        raise ValueError(f"Unknown status: {status!r}")
    try:
        with transaction.atomic():
            progress, _ = StepProgress.objects.update_or_create(
                user=user, step=step, defaults={"status": status}
            )
    except IntegrityError:
        progress = StepProgress.objects.get(user=user, step=step)
        if progress.status != status:
            progress.status = status
            progress.save(update_fields=["status", "updated_at"])
    return progress
