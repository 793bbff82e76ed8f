"""The learner's data export: everything the site keeps about them in progress (and the
courses they voted on or reported), as plain data.

Study groups and study plans add their parts in groups/export.py and plans/export.py;
roadmap_site/accounts.py puts them together for the download, so progress never imports
either.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from courses.selectors import learner_course_marks
from progress.models import CheckpointTick, ProgressEvent, ProjectLink, StepNote, StepProgress
from progress.selectors import profile_of

# What the data export lists of each model: its key in the file, its order, and
# each field's name in the file with where it comes from.
EXPORTED = [
    ("progress", StepProgress, ("step__stage__position", "step__position"),
     {"status": "status", "hours_spent": "hours_spent", "updated_at": "updated_at"}),
    ("notes", StepNote, ("step__stage__position", "step__position"),
     {"body": "body", "updated_at": "updated_at"}),
    ("projects", ProjectLink, ("step__stage__position", "step__position"),
     {"repository_url": "repository_url", "live_url": "live_url"}),
    ("activity", ProgressEvent, ("created_at", "id"),
     {"status": "status", "at": "created_at"}),
]  # fmt: skip


def plain(value: Any) -> Any:
    """A value as JSON holds it: dates as ISO 8601, decimals (hours) as numbers."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return float(value) if isinstance(value, Decimal) else value


def learner_data(user: User) -> dict:
    """Everything the site keeps about a learner, as plain data."""
    profile = profile_of(user)
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "email": user.email,
            "date_joined": plain(user.date_joined),
            "public_progress_page": bool(profile and profile.is_public),
            "time_zone": profile.time_zone if profile else "UTC",
        },
    }
    for key, model, order, fields in EXPORTED:
        rows = model._default_manager.filter(user=user).order_by(*order)
        data[key] = [
            {
                "stage": row.pop("step__stage__slug"),
                "step": row.pop("step__slug"),
                **{name: plain(row[source]) for name, source in fields.items()},
            }
            for row in rows.values("step__stage__slug", "step__slug", *fields.values())
        ]
    ticks = CheckpointTick.objects.filter(user=user).order_by(
        "checkpoint__step__stage__position", "checkpoint__step__position", "checkpoint__position"
    )
    data["self_checks"] = [
        {"stage": stage, "step": step, "checkpoint": text, "ticked_at": plain(when)}
        for stage, step, text, when in ticks.values_list(
            "checkpoint__step__stage__slug", "checkpoint__step__slug", "checkpoint__text",
            "created_at",
        )
    ]  # fmt: skip
    data.update(learner_course_marks(user))
    return data
