"""A learner's study plan, the reviews of what they learned, and the weekly email.

All of it is the learner's alone: never on the public progress page, never shown to a
group's mentors, deleted with the account (CASCADE) and included in the data export.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from roadmap.models import Step


class Weekday(models.IntegerChoices):
    """ISO weekdays, as `date.isoweekday()` counts them."""

    MONDAY = 1, "Monday"
    TUESDAY = 2, "Tuesday"
    WEDNESDAY = 3, "Wednesday"
    THURSDAY = 4, "Thursday"
    FRIDAY = 5, "Friday"
    SATURDAY = 6, "Saturday"
    SUNDAY = 7, "Sunday"


class Plan(models.Model):
    """How many hours a week the learner means to study, and by when they aim to finish.

    A plan row may exist before its hours are set (a learner who first switched the weekly
    email on in their settings): `hours_per_week` is None until then.
    """

    HOURS_MIN = 1
    HOURS_MAX = 60
    #: How far ahead a target date may be.
    TARGET_YEARS_MAX = 5

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan"
    )
    hours_per_week = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(HOURS_MIN), MaxValueValidator(HOURS_MAX)],
    )
    target_date = models.DateField(null=True, blank=True)
    weekly_email = models.BooleanField(default=False)
    email_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.MONDAY
    )
    #: The hour of the day, in the learner's time zone, when the weekly email goes out.
    email_hour = models.PositiveSmallIntegerField(
        default=8, validators=[MinValueValidator(0), MaxValueValidator(23)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | Q(hours_per_week__gte=1, hours_per_week__lte=60),
                name="plan_hours_per_week_in_range",
            ),
            models.CheckConstraint(
                condition=Q(email_weekday__gte=1, email_weekday__lte=7),
                name="plan_email_weekday_is_a_day",
            ),
            models.CheckConstraint(
                condition=Q(email_hour__gte=0, email_hour__lte=23),
                name="plan_email_hour_is_an_hour",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan of {self.user}"

    @property
    def is_set(self) -> bool:
        """Whether the learner has said how many hours a week they have."""
        return self.hours_per_week is not None


class Review(models.Model):
    """The next review of a step the learner marked done (spaced repetition).

    A step marked done gets one, due INTERVALS[0] days later. Answering "solid" moves
    it to the next interval, and past the last one retires it; "refresher" starts over.
    It follows the step: while the step is not done, it is not due (selectors join the
    learner's status), and it waits, keeping its date, until the step is done again.
    """

    #: Days until the review after each round; a solid answer in the last round retires it.
    INTERVALS = (7, 21, 60, 180)

    class Outcome(models.TextChoices):
        SOLID = "solid", "Solid"
        REFRESHER = "refresher", "Needs a refresher"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    # PROTECT, like StepProgress: a step with learners' state is unpublished, never deleted.
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    #: Which interval led to `due_at`: 0 for the first review after the step was done.
    round = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField()
    #: Set when the last round was answered "solid": never due again.
    retired_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "step"], name="one_review_per_user_step"),
            models.CheckConstraint(condition=Q(round__lte=3), name="review_round_is_known"),
        ]
        indexes = [models.Index(fields=["user", "due_at"])]

    def __str__(self) -> str:
        return f"Review of {self.step} by {self.user}, due {self.due_at:%Y-%m-%d}"

    @classmethod
    def first_due(cls, done_at: dt.datetime) -> dt.datetime:
        """When a step done at `done_at` is first due for review."""
        return done_at + dt.timedelta(days=cls.INTERVALS[0])


class SentWeeklyEmail(models.Model):
    """That the learner's weekly email for one ISO week is on its way: at most one per
    learner and week, whatever runs the sending twice (the unique constraint)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_emails"
    )
    #: The Monday of the ISO week, in the learner's time zone.
    week = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="one_weekly_email_per_week")
        ]

    def __str__(self) -> str:
        return f"Weekly email to {self.user} for the week of {self.week}"
