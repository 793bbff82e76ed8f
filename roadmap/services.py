"""Reading and writing a learner's progress: the one progress service.

How progress counts (also in the README):

* The percentage is over the *required* published steps only. Optional steps
  (alternatives such as React or Angular, or extras) never lower it.
* A required step counts toward the percentage when it is done or skipped:
  skipping says "I already know this" or "not for me", so it is settled.
  Skipped steps are shown separately, so nobody mistakes them for done.
* "In progress" counts as started, not as finished.

Visitors may track progress as guests: it is kept in their session under
GUEST_KEY and merged into their account when they sign up or sign in; where
both have a status for a step, the later change wins.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import HttpRequest
from django.utils import timezone

from roadmap.models import (
    LearnerProfile,
    ProgressEvent,
    ProjectLink,
    Step,
    StepNote,
    StepProgress,
)

Status = StepProgress.Status
RESET = ProgressEvent.RESET
GUEST_KEY = "guest_progress"
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


# ---------------------------------------------------------------- who is tracking


def is_tracking(request: HttpRequest) -> bool:
    """Whether this request belongs to someone whose progress is kept (learner or guest).

    False for requests that never got a user or session (a bad Host header, say).
    """
    user, session = getattr(request, "user", None), getattr(request, "session", None)
    if user is None or session is None:
        return False
    return user.is_authenticated or GUEST_KEY in session


def statuses_for(user: AbstractBaseUser | AnonymousUser) -> dict[int, str]:
    """Map of step id to status for everything this user has touched (one query)."""
    if not user.is_authenticated:
        return {}
    return dict(StepProgress.objects.filter(user=user).values_list("step_id", "status"))


def statuses_for_request(request: HttpRequest) -> dict[int, str]:
    """The statuses to show on a page: the learner's, or the guest's from the session."""
    if request.user.is_authenticated:
        return statuses_for(request.user)
    return {step_id: status for step_id, (status, _) in guest_progress(request).items()}


def next_step(steps: Iterable[Step], statuses: Mapping[int, str]) -> Step | None:
    """The first required step, in roadmap order, that is neither done nor skipped."""
    return next(
        (s for s in steps if not s.is_optional and statuses.get(s.pk, "") not in SETTLED), None
    )


# ---------------------------------------------------------------- learners


def progress_set(*, user: AbstractBaseUser, step: Step, status: str) -> bool:
    """Record `status` for `user` on `step`; RESET forgets the step. Idempotent.

    Returns whether anything changed. Every real change is also logged as a
    ProgressEvent for the activity calendar. Safe under concurrent requests:
    the unique constraint keeps one row per learner and step, and a second
    insert of the same row becomes a no-op (get_or_create retries its read).
    """
    if status != RESET and status not in Status.values:
        raise ValueError(f"Unknown status: {status!r}")
    now = timezone.now()
    with transaction.atomic():
        if status == RESET:
            changed = StepProgress.objects.filter(user=user, step=step).delete()[0] > 0
        else:
            changed = _store(user, step, status, now)
        if changed:
            ProgressEvent.objects.create(user=user, step=step, status=status, created_at=now)
    return changed


def _store(user: AbstractBaseUser, step: Step, status: str, now: dt.datetime) -> bool:
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


def progress_reset(*, user: AbstractBaseUser, steps: Iterable[Step] | None = None) -> int:
    """Forget the learner's statuses on `steps` (all steps when None). Returns how many."""
    rows = StepProgress.objects.filter(user=user)
    if steps is not None:
        rows = rows.filter(step__in=list(steps))
    now = timezone.now()
    with transaction.atomic():
        step_ids = list(rows.values_list("step_id", flat=True))
        StepProgress.objects.filter(user=user, step_id__in=step_ids).delete()
        ProgressEvent.objects.bulk_create(
            ProgressEvent(user=user, step_id=step_id, status=RESET, created_at=now)
            for step_id in step_ids
        )
    return len(step_ids)


def learners_per_step(step_ids: Iterable[int]) -> dict[int, set[int]]:
    """Which learners have progress, notes, projects or activity on each of these steps."""
    learners: dict[int, set[int]] = {}
    for model in (StepProgress, StepNote, ProjectLink, ProgressEvent):
        for step_id, user_id in model.objects.filter(step_id__in=step_ids).values_list(
            "step_id", "user_id"
        ):
            learners.setdefault(step_id, set()).add(user_id)
    return learners


# ---------------------------------------------------------------- guests


def guest_progress(request: HttpRequest) -> dict[int, tuple[str, dt.datetime]]:
    """The guest's statuses from the session, as step id -> (status, when). Skips bad entries."""
    result = {}
    for key, entry in request.session.get(GUEST_KEY, {}).items():
        try:
            status, when = entry["status"], dt.datetime.fromisoformat(entry["at"])
            if status in Status.values and timezone.is_aware(when):
                result[int(key)] = (status, when)
        except (KeyError, TypeError, ValueError):
            continue
    return result


def guest_start(request: HttpRequest) -> None:
    """Let this visitor track progress in their session, without an account."""
    request.session.setdefault(GUEST_KEY, {})
    request.session.modified = True


def guest_progress_set(request: HttpRequest, *, step: Step, status: str) -> None:
    """Record a guest's status on a step in their session (RESET forgets it)."""
    if status != RESET and status not in Status.values:
        raise ValueError(f"Unknown status: {status!r}")
    data = dict(request.session.get(GUEST_KEY, {}))
    if status == RESET:
        data.pop(str(step.pk), None)
    else:
        data[str(step.pk)] = {"status": status, "at": timezone.now().isoformat()}
    request.session[GUEST_KEY] = data


def progress_merge(*, user: AbstractBaseUser, guest: Mapping[int, tuple[str, dt.datetime]]) -> int:
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
            merged += 1
    return merged


def guest_merge_into(request: HttpRequest, user: AbstractBaseUser) -> int:
    """On sign-in or sign-up: move the session's guest progress into the account."""
    merged = progress_merge(user=user, guest=guest_progress(request))
    request.session.pop(GUEST_KEY, None)
    return merged


# ---------------------------------------------------------------- activity


@dataclass(frozen=True)
class Activity:
    """Days with progress changes, in the learner's time zone."""

    days: dict[dt.date, int]
    today: dt.date

    @property
    def current_streak(self) -> int:
        """Days in a row with activity, ending today (or yesterday, if today is still open)."""
        day = self.today if self.today in self.days else self.today - dt.timedelta(days=1)
        streak = 0
        while day in self.days:
            streak += 1
            day -= dt.timedelta(days=1)
        return streak

    @property
    def longest_streak(self) -> int:
        longest = run = 0
        previous = None
        for day in sorted(self.days):
            run = run + 1 if previous and day - previous == dt.timedelta(days=1) else 1
            longest = max(longest, run)
            previous = day
        return longest

    def calendar(self, weeks: int = 26) -> list[list[tuple[dt.date, int] | None]]:
        """Weeks (columns, Monday first) of (day, changes) for the last `weeks` weeks."""
        start = self.today - dt.timedelta(days=self.today.weekday() + 7 * (weeks - 1))
        columns = []
        for week in range(weeks):
            column = []
            for weekday in range(7):
                day = start + dt.timedelta(days=7 * week + weekday)
                column.append((day, self.days.get(day, 0)) if day <= self.today else None)
            columns.append(column)
        return columns


def time_zone_of(profile: LearnerProfile | None) -> ZoneInfo:
    """The learner's time zone (UTC until they choose one, or if theirs is unknown)."""
    try:
        return ZoneInfo(profile.time_zone if profile else "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def activity_for(user: AbstractBaseUser, zone: ZoneInfo) -> Activity:
    """Count progress changes per day in `zone` (one query, whatever the history's length)."""
    rows = (
        ProgressEvent.objects.filter(user=user)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(changes=Count("id"))
        .values_list("day", "changes")
    )
    return Activity(days=dict(rows), today=timezone.now().astimezone(zone).date())
