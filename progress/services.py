"""Every write to a learner's state: statuses, ticks, notes, projects, settings.

How progress counts is in progress/selectors.py (and the README). A guest's
statuses and ticks live in the session: progress/guest.py reads and writes
them, and merges them in here (progress_merge, ticks_merge) on sign-in.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import logout
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone

from progress.models import (
    CheckpointTick,
    LearnerProfile,
    ProgressEvent,
    ProjectLink,
    StepNote,
    StepProgress,
)
from roadmap.models import Checkpoint, Step

Status = StepProgress.Status
RESET = ProgressEvent.RESET

#: Sent when a learner's status on a step changes, inside the change's transaction, with
#: `user`, `step_id`, `status` (RESET for "not started") and `when`. Later apps listen (the
#: study plan schedules a review when a step is done) without progress importing them.
status_changed = Signal()


def check_status(status: str) -> None:
    if status != RESET and status not in Status.values:
        raise ValueError(f"Unknown status: {status!r}")


# ---------------------------------------------------------------- learners


def progress_set(
    *, user: User, step: Step, status: str, hours_spent: Decimal | None = None
) -> bool:
    """Record `status` for `user` on `step`; RESET forgets the step. Idempotent.

    Returns whether the status changed. Every real change is also logged as a
    ProgressEvent for the activity calendar. Safe under concurrent requests:
    the unique constraint keeps one row per learner and step, and a second
    insert of the same row becomes a no-op (get_or_create retries its read).
    `hours_spent`, when given (not with RESET), is recorded too, as hours_record does.
    """
    check_status(status)
    now = timezone.now()
    with transaction.atomic():
        if status == RESET:
            changed = StepProgress.objects.filter(user=user, step=step).delete()[0] > 0
        else:
            changed = _store(user, step, status, now)
            if hours_spent is not None:
                hours_record(user=user, step=step, hours=hours_spent)
        if changed:
            ProgressEvent.objects.create(user=user, step=step, status=status, created_at=now)
            status_changed.send(
                sender=StepProgress, user=user, step_id=step.pk, status=status, when=now
            )
    return changed


def _store(user: User, step: Step, status: str, now: dt.datetime) -> bool:
    """Save the learner's row for the step with `status`; whether anything changed."""
    other_status = StepProgress.objects.filter(user=user, step=step).exclude(status=status)
    if other_status.update(status=status, updated_at=now):
        return True
    progress, created = StepProgress.objects.get_or_create(
        user=user, step=step, defaults={"status": status}
    )
    if created or progress.status == status:
        return created
    # Another request inserted the row, with another status, after our update.
    return other_status.update(status=status, updated_at=now) > 0


def hours_record(*, user: User, step: Step, hours: Decimal | None) -> bool:
    """Record the hours the learner spent on a step they have started (None clears them);
    False, changing nothing, when they have not started it. One UPDATE that leaves
    `updated_at` alone: the plan measures the learner's pace from when statuses changed."""
    return StepProgress.objects.filter(user=user, step=step).update(hours_spent=hours) > 0


class Reset(NamedTuple):
    """What a reset forgot: statuses on steps, and ticks on their checkpoints."""

    steps: int
    ticks: int


def progress_reset(*, user: User, steps: Iterable[Step] | None = None) -> Reset:
    """Forget the learner's statuses and ticks on `steps` (all steps when None)."""
    rows = StepProgress.objects.filter(user=user)
    ticks = CheckpointTick.objects.filter(user=user)
    if steps is not None:
        steps = list(steps)
        rows = rows.filter(step__in=steps)
        ticks = ticks.filter(checkpoint__step__in=steps)
    now = timezone.now()
    with transaction.atomic():
        step_ids = list(rows.values_list("step_id", flat=True))
        StepProgress.objects.filter(user=user, step_id__in=step_ids).delete()
        ProgressEvent.objects.bulk_create(
            ProgressEvent(user=user, step_id=step_id, status=RESET, created_at=now)
            for step_id in step_ids
        )
        ticks_deleted = ticks.delete()[0]
    return Reset(steps=len(step_ids), ticks=ticks_deleted)


def checkpoint_tick(*, user: User, checkpoint: Checkpoint, ticked: bool) -> None:
    """Tick (or untick) a checkpoint for the learner, in one statement. Idempotent: the
    unique constraint turns a double tick, even two at once, into a no-op.

    Never changes the step's status: the page offers "Mark done" once every
    checkpoint is ticked, and the learner decides.
    """
    if ticked:
        tick = CheckpointTick(user=user, checkpoint=checkpoint)
        CheckpointTick.objects.bulk_create([tick], ignore_conflicts=True)
    else:
        CheckpointTick.objects.filter(user=user, checkpoint=checkpoint).delete()


def note_save(*, user: User, step: Step, body: str) -> str:
    """Keep the learner's note on the step; a blank one deletes it.

    Returns what happened: "saved", "deleted" or "" (a blank note where there was none).
    """
    if body.strip():
        StepNote.objects.update_or_create(user=user, step=step, defaults={"body": body})
        return "saved"
    return "deleted" if StepNote.objects.filter(user=user, step=step).delete()[0] else ""


def project_save(*, user: User, step: Step, repository_url: str, live_url: str) -> None:
    """Keep where the learner's project for a project step lives (validated by ProjectForm)."""
    ProjectLink.objects.update_or_create(
        user=user, step=step, defaults={"repository_url": repository_url, "live_url": live_url}
    )


def project_remove(*, user: User, step: Step) -> bool:
    """Forget the learner's project link on the step; whether there was one."""
    return ProjectLink.objects.filter(user=user, step=step).delete()[0] > 0


class UsernameTaken(Exception):
    """Someone else has this username, in this case or another."""


def account_update(*, user: User, username: str, is_public: bool, time_zone: str) -> LearnerProfile:
    """Save the learner's settings: username, public page and time zone, together.

    Raises UsernameTaken, saving nothing, when someone else has `username` in any case:
    the database's unique index on LOWER(username) decides when two people ask at once.
    """
    previous, user.username = user.username, username
    try:
        with transaction.atomic():
            user.save(update_fields=["username"])
            profile, _ = LearnerProfile.objects.update_or_create(
                user=user, defaults={"is_public": is_public, "time_zone": time_zone}
            )
    except IntegrityError as error:
        user.username = previous
        raise UsernameTaken(username) from error
    return profile


def account_delete(request: HttpRequest) -> None:
    """Sign the learner out and delete the account with every personal row (by cascade)."""
    user = request.user
    logout(request)
    user.delete()


# ---------------------------------------------------------------- a guest's, on sign-in


def ticks_merge(*, user: User, guest: Mapping[int, dt.datetime]) -> int:
    """Add a guest's ticks to the learner's, keeping when the guest ticked; checkpoints
    deleted since are ignored, and ones the learner had ticked keep their tick.
    Returns how many ticks were added."""
    if not guest:
        return 0
    existing = Checkpoint.objects.filter(pk__in=guest).values_list("pk", flat=True)
    new = set(existing) - set(
        CheckpointTick.objects.filter(user=user, checkpoint__in=guest).values_list(
            "checkpoint_id", flat=True
        )
    )
    CheckpointTick.objects.bulk_create(
        (CheckpointTick(user=user, checkpoint_id=pk, created_at=guest[pk]) for pk in new),
        ignore_conflicts=True,  # the same learner signing in twice at once
    )
    return len(new)


def progress_merge(*, user: User, guest: Mapping[int, tuple[str, dt.datetime]]) -> int:
    """Merge a guest's progress into the learner's account; returns how many steps changed.

    Where both have a status for a step, the later change wins. Nothing is
    lost: every status the guest set that wins becomes the learner's, with an
    activity event at the time the guest made the change.
    """
    if not guest:
        return 0
    steps = set(Step.objects.filter(pk__in=guest).values_list("pk", flat=True))
    with transaction.atomic():
        mine = {p.step_id: p for p in StepProgress.objects.filter(user=user, step_id__in=steps)}
        merged = 0
        for step_id, (status, when) in sorted(guest.items(), key=lambda item: item[1][1]):
            current = mine.get(step_id)
            if step_id not in steps or (current and current.updated_at >= when):
                continue
            if current is None:
                StepProgress.objects.create(user=user, step_id=step_id, status=status)
            # updated_at keeps the time of the change itself, not of the merge.
            StepProgress.objects.filter(user=user, step_id=step_id).update(
                status=status, updated_at=when
            )
            ProgressEvent.objects.create(user=user, step_id=step_id, status=status, created_at=when)
            status_changed.send(
                sender=StepProgress, user=user, step_id=step_id, status=status, when=when
            )
            merged += 1
    return merged
