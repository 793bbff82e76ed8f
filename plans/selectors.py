"""The study plan's arithmetic: hours left, when the learner will finish, this week's steps.

How the plan counts (also in docs/features.md):

* **Remaining hours**: the estimated hours of the required published steps not yet done
  or skipped, less the hours the learner recorded on each (never below zero per step).
* **Projected finish**: today plus remaining hours ÷ hours per week, in weeks (rounded up
  to a whole day).
* **Measured pace**, once the learner's first status change is two weeks old: the hours
  of the steps settled in the last 28 days ÷ 4, recorded hours where given, estimates
  otherwise.
* **This week** (Monday to Sunday in the learner's time zone): steps in progress first,
  then the required steps not started, in roadmap order, filled up to the week's hours
  less the hours settled since Monday. A step bigger than what is left is "part of" it.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db.models import Count, F, FilteredRelation, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from plans import reviews
from plans.models import Plan
from progress.activity import time_zone_of
from progress.models import LearnerProfile, ProgressEvent, StepProgress
from roadmap.models import Step

Status = StepProgress.Status
#: How far back the measured pace looks, and how much history it needs first.
PACE_WINDOW = dt.timedelta(days=28)
PACE_HISTORY = dt.timedelta(days=14)


@dataclass(frozen=True)
class WeekStep:
    """A step on this week's list: the hours it still needs, and whether only part of it
    fits in the week."""

    step: Step
    hours: Decimal
    is_part: bool = False


@dataclass(frozen=True)
class Outlook:
    """Where the learner's plan stands today (in their time zone)."""

    plan: Plan | None
    today: dt.date
    week_start: dt.date
    remaining_hours: Decimal
    #: None when the plan has no hours set, or nothing is left.
    finish: dt.date | None = None
    #: Hours a week over the last four weeks; None before two weeks of history.
    pace: Decimal | None = None
    pace_finish: dt.date | None = None
    #: With a target date: whether the planned pace finishes by then, else the hours a
    #: week it would take.
    on_track: bool | None = None
    needed_per_week: Decimal | None = None
    this_week: list[WeekStep] = field(default_factory=list)
    #: Hours of this week's plan still open: the plan's hours less those settled since Monday.
    week_hours_left: Decimal = Decimal(0)
    settled_this_week: list[Step] = field(default_factory=list)
    settled_hours_this_week: Decimal = Decimal(0)
    #: How many of the learner's reviews are due now (plans/reviews.py).
    reviews_due: int = 0

    @property
    def is_set(self) -> bool:
        return self.plan is not None and self.plan.is_set

    @property
    def is_finished(self) -> bool:
        return self.remaining_hours == 0


def week_of(now: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The Monday of the ISO week that `now` falls in, in `zone`: the plan's week and the
    weekly email's."""
    today = timezone.localtime(now, zone).date()
    return today - dt.timedelta(days=today.weekday())


def learner_today(user: User, *, now: dt.datetime | None = None) -> tuple[dt.date, ZoneInfo]:
    """Today's date in the learner's time zone, and the zone (one query)."""
    zone = time_zone_of(LearnerProfile.objects.filter(user=user).first())
    return timezone.localtime(now or timezone.now(), zone).date(), zone


def _learner(user: User, *, now: dt.datetime) -> User:
    """The learner's row with their plan and profile (read with getattr: they may have
    none), their first status change (`first_change`) and their due reviews
    (`reviews_due`): one query, so that the dashboard's plan card fits its page's ceiling."""
    first_change = ProgressEvent.objects.filter(user=user).order_by("created_at")
    due_reviews = reviews.due(user, now=now).order_by().values("user")
    return (
        User.objects.filter(pk=user.pk)
        .select_related("plan", "learner_profile")
        .annotate(
            first_change=Subquery(first_change.values("created_at")[:1]),
            reviews_due=Coalesce(Subquery(due_reviews.annotate(n=Count("pk")).values("n")[:1]), 0),
        )
        .get()
    )


def _steps(user: User) -> list[Step]:
    """Every published step in roadmap order, each with the learner's `my_status`,
    `my_hours` and `my_updated_at` (None where not started), and `status` as the roadmap's
    lists carry it ("" where not started; progress's `status_toggle` reads it): one query."""
    steps: list[Step] = list(
        Step.objects.published()
        .in_roadmap_order()
        .select_related("stage")
        .annotate(
            mine=FilteredRelation("progress", condition=Q(progress__user=user)),
            my_status=F("mine__status"),
            my_hours=F("mine__hours_spent"),
            my_updated_at=F("mine__updated_at"),
        )
    )
    for step in steps:
        step.status = step.my_status or ""  # type: ignore[attr-defined]
    return steps


def _hours_left(step: Step) -> Decimal:
    """What the step still needs: its estimate less the hours recorded, never below zero."""
    return max(Decimal(step.estimated_hours) - (step.my_hours or 0), Decimal(0))  # type: ignore[attr-defined]


def _hours_taken(step: Step) -> Decimal:
    """What a settled step took: the hours recorded, or else its estimate."""
    recorded = step.my_hours  # type: ignore[attr-defined]
    return Decimal(recorded) if recorded is not None else Decimal(step.estimated_hours)


def _weeks_from(today: dt.date, hours: Decimal, per_week: Decimal) -> dt.date:
    return today + dt.timedelta(days=math.ceil(hours * 7 / per_week))


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"))


def outlook(user: User, *, now: dt.datetime | None = None) -> Outlook:
    """The learner's plan as it stands at `now`: a fixed number of queries (two) whatever
    the size of the roadmap."""
    now = now or timezone.now()
    learner = _learner(user, now=now)
    plan: Plan | None = getattr(learner, "plan", None)  # select_related read it, or its absence
    zone = time_zone_of(getattr(learner, "learner_profile", None))
    today = timezone.localtime(now, zone).date()
    week_start = week_of(now, zone)
    week_began = dt.datetime.combine(week_start, dt.time(), tzinfo=zone)
    steps = _steps(user)

    open_steps = [s for s in steps if s.my_status not in StepProgress.SETTLED]  # type: ignore[attr-defined]
    remaining = sum((_hours_left(s) for s in open_steps if not s.is_optional), Decimal(0))
    settled = [s for s in steps if s.my_status in StepProgress.SETTLED]  # type: ignore[attr-defined]
    this_week_settled = [s for s in settled if s.my_updated_at >= week_began]  # type: ignore[attr-defined]
    settled_hours = sum((_hours_taken(s) for s in this_week_settled), Decimal(0))

    values: dict = {
        "plan": plan,
        "today": today,
        "week_start": week_start,
        "remaining_hours": _one_decimal(remaining),
        "settled_this_week": this_week_settled,
        "settled_hours_this_week": _one_decimal(settled_hours),
        "reviews_due": learner.reviews_due,  # type: ignore[attr-defined]
    }
    first_change = learner.first_change  # type: ignore[attr-defined]
    if first_change and first_change <= now - PACE_HISTORY:
        recent = [s for s in settled if s.my_updated_at >= now - PACE_WINDOW]  # type: ignore[attr-defined]
        pace = sum((_hours_taken(s) for s in recent), Decimal(0)) / 4
        values["pace"] = _one_decimal(pace)
        if pace and remaining:
            values["pace_finish"] = _weeks_from(today, remaining, pace)
    if plan is None or plan.hours_per_week is None:
        return Outlook(**values)

    per_week = Decimal(plan.hours_per_week)
    if remaining:
        values["finish"] = _weeks_from(today, remaining, per_week)
    if plan.target_date:
        days_left = (plan.target_date - today).days
        values["on_track"] = not remaining or (
            days_left > 0 and values["finish"] <= plan.target_date
        )
        if not values["on_track"] and days_left > 0:
            values["needed_per_week"] = _one_decimal(
                Decimal(math.ceil(remaining * 70 / days_left)) / 10
            )
    week_left = max(per_week - settled_hours, Decimal(0))
    values["week_hours_left"] = _one_decimal(week_left)
    values["this_week"] = _this_week(open_steps, budget=week_left)
    return Outlook(**values)


def _this_week(open_steps: list[Step], *, budget: Decimal) -> list[WeekStep]:
    """Steps in progress first (optional ones too: the learner chose them), then the
    required steps not started, in roadmap order, until the budget is spent."""
    started = [s for s in open_steps if s.my_status == Status.IN_PROGRESS]  # type: ignore[attr-defined]
    not_started = [s for s in open_steps if s.my_status is None and not s.is_optional]  # type: ignore[attr-defined]
    week: list[WeekStep] = []
    for step in started + not_started:
        if budget <= 0:
            break
        hours = _hours_left(step)
        if hours > budget:
            week.append(WeekStep(step=step, hours=_one_decimal(budget), is_part=True))
            break
        week.append(WeekStep(step=step, hours=_one_decimal(hours)))
        budget -= hours
    return week
