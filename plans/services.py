"""Writes to a learner's plan."""

import datetime as dt

from django.contrib.auth.models import User

from plans.models import Plan


def plan_save(
    *,
    user: User,
    hours_per_week: int,
    target_date: dt.date | None,
    weekly_email: bool,
    email_weekday: int,
    email_hour: int,
) -> Plan:
    """Set the learner's plan, creating it the first time. One row per learner (unique
    `user`): a double submit, even two at once, updates the same row."""
    plan, _ = Plan.objects.update_or_create(
        user=user,
        defaults={
            "hours_per_week": hours_per_week,
            "target_date": target_date,
            "weekly_email": weekly_email,
            "email_weekday": email_weekday,
            "email_hour": email_hour,
        },
    )
    return plan
