"""Background tasks of the study plan (Django's tasks framework)."""

import datetime as dt

from django.tasks import task

from plans import weekly


@task()
def send_weekly_emails(user_ids: list[int], now: str) -> str:
    """Enqueue the weekly email of each learner in a batch `send_weekly_emails` chose.

    `now` (ISO 8601) is the run's moment: the ISO week each email counts for, whenever
    this runs. Idempotent: run again (a worker killed mid-batch, a second run of the
    command), it skips those whose email for that week is on its way."""
    moment = dt.datetime.fromisoformat(now)
    sent = sum(weekly.send_weekly_email(user_id=user_id, now=moment) for user_id in user_ids)
    return f"{sent} sent, {len(user_ids) - sent} skipped"
