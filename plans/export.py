"""The study plan's part of a learner's data export (progress/export.py holds the rest):
their plan, their reviews and the weeks their weekly email went out.
roadmap_site/accounts.py puts it into the download."""

from django.contrib.auth.models import User

from plans.models import Plan, Review, SentWeeklyEmail, Weekday
from progress.export import plain


def plans_data(user: User) -> dict[str, object]:
    """The learner's plan (None if they never made one), reviews and weekly emails sent."""
    plan = Plan.objects.filter(user=user).first()
    reviews = Review.objects.filter(user=user).order_by("step__stage__position", "step__position")
    fields = ("round", "due_at", "retired_at", "last_outcome", "last_reviewed_at")
    weeks = SentWeeklyEmail.objects.filter(user=user).order_by("week")
    return {
        "plan": plan
        and {
            "hours_per_week": plan.hours_per_week,
            "target_date": plain(plan.target_date),
            "weekly_email": plan.weekly_email,
            "email_weekday": Weekday(plan.email_weekday).label,
            "email_hour": plan.email_hour,
            "updated_at": plain(plan.updated_at),
        },
        "reviews": [
            {
                "stage": row.pop("step__stage__slug"),
                "step": row.pop("step__slug"),
                **{name: plain(row[name]) for name in fields},
            }
            for row in reviews.values("step__stage__slug", "step__slug", *fields)
        ],
        "weekly_emails": [plain(week) for week in weeks.values_list("week", flat=True)],
    }
