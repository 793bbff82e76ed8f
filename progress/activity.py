"""A learner's activity: days with progress changes, streaks and the calendar."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth.models import User
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from progress.models import LearnerProfile, ProgressEvent


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


def activity_for(user: User, *, zone: ZoneInfo) -> Activity:
    """Count progress changes per day in `zone` (one query, whatever the history's length)."""
    rows = (
        ProgressEvent.objects.filter(user=user)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(changes=Count("id"))
        .values_list("day", "changes")
    )
    return Activity(days=dict(rows), today=timezone.now().astimezone(zone).date())
