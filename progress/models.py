"""The learner's state: statuses on steps, the activity log, notes, projects, settings.

These models moved here from `roadmap` (issue 12) and keep their tables
(`roadmap_stepprogress` and so on): see migrations/0001_initial.py.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from roadmap.models import Checkpoint, Step
from roadmap_site.validators import http_url


def one_per_learner_and_step(name: str) -> models.UniqueConstraint:
    """At most one row per learner and step: the database says so, not only the code."""
    return models.UniqueConstraint(fields=["user", "step"], name=name)


class ProgressStatus(models.TextChoices):
    """A learner's status on a step (StepProgress.Status): here, so that the check
    constraint in StepProgress.Meta can name its values."""

    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


class StepProgress(models.Model):
    """Where one learner stands on one step. No row means "not started"."""

    Status = ProgressStatus

    #: Done and skipped both settle a step: neither is left to work on. The one
    #: definition, for the percentage, the next step and the groups' counts.
    SETTLED = frozenset({Status.DONE, Status.SKIPPED})

    #: How each status is drawn, "" being "not started": (icon, badge label, button label).
    #: The one table behind the badges, the status buttons and progress.js's updates.
    DISPLAY = {
        Status.IN_PROGRESS: ("◐", "In progress", "In progress"),
        Status.DONE: ("✓", "Done", "Done"),
        Status.SKIPPED: ("↷", "Skipped", "Skip"),
        "": ("○", "Not started", "Not started"),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="step_progress"
    )
    # PROTECT: a step with learners' progress is unpublished, never deleted.
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(max_length=20, choices=Status.choices)
    #: The hours the learner says the step really took (optional): the study plan counts
    #: them instead of the estimate, and the data export includes them.
    hours_spent = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    #: The hours a learner may record on a step.
    HOURS_MIN = Decimal("0.5")
    HOURS_MAX = Decimal(500)

    class Meta:
        db_table = "roadmap_stepprogress"
        verbose_name_plural = "step progress"
        constraints = [
            one_per_learner_and_step("one_progress_per_user_step"),
            models.CheckConstraint(
                condition=models.Q(status__in=ProgressStatus.values),
                name="progress_status_is_known",
            ),
            models.CheckConstraint(
                condition=models.Q(hours_spent__isnull=True)
                | models.Q(hours_spent__gte=Decimal("0.5"), hours_spent__lte=500),
                name="progress_hours_spent_in_range",
            ),
        ]
        indexes = [models.Index(fields=["user", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.step} · {self.get_status_display()}"

    @classmethod
    def change_message(cls, step_title: str, status: str) -> str:
        """What a learner is told after a status change: “Functions” is now done."""
        return f"“{step_title}” is now {cls.DISPLAY[status][1].lower()}."

    #: A step in progress for longer than this "may be stuck" (mentors see it).
    STUCK_AFTER = dt.timedelta(days=14)

    @property
    def is_settled(self) -> bool:
        """Whether this status settles the step (SETTLED)."""
        return self.status in self.SETTLED

    @classmethod
    def stuck_before(cls, now: dt.datetime) -> dt.datetime:
        """A step in progress since before this time "may be stuck"."""
        return now - cls.STUCK_AFTER

    @classmethod
    def may_be_stuck(cls, status: str, updated_at: dt.datetime, *, now: dt.datetime) -> bool:
        """Whether a step with this status, last changed then, has been in progress too long."""
        return status == cls.Status.IN_PROGRESS and updated_at < cls.stuck_before(now)


class ProgressEvent(models.Model):
    """One change of status, kept for the activity calendar and streaks."""

    RESET = "reset"
    #: A status change: to one of the statuses, or back to "not started".
    CHANGES = [*StepProgress.Status.choices, (RESET, "Not started")]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_events"
    )
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=CHANGES)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "roadmap_progressevent"
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.step} · {self.status} · {self.created_at:%Y-%m-%d}"


class OwnedByLearner(models.Model):
    """A learner's own row on a step (a note, a project): one each at most."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class StepNote(OwnedByLearner):
    """A learner's private Markdown note on a step, seen only by its author."""

    MAX_LENGTH = 5000

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes"
    )
    body = models.TextField(max_length=MAX_LENGTH)

    class Meta:
        db_table = "roadmap_stepnote"
        constraints = [one_per_learner_and_step("one_note_per_user_step")]

    def __str__(self) -> str:
        return f"Note by {self.user} on {self.step}"


class ProjectLink(OwnedByLearner):
    """Where a learner's project for a project step lives: its repository and live site."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects"
    )
    repository_url = models.URLField("repository URL", max_length=500, validators=[http_url])
    live_url = models.URLField("live URL", max_length=500, blank=True, validators=[http_url])

    class Meta:
        db_table = "roadmap_projectlink"
        constraints = [one_per_learner_and_step("one_project_per_user_step")]

    def __str__(self) -> str:
        return f"{self.user}'s project for {self.step}"


class CheckpointTick(models.Model):
    """A learner's tick on a checkpoint: "I can do this". Private, like notes.

    Rewording or moving the checkpoint keeps the tick; deleting it deletes the tick.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkpoint_ticks"
    )
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="ticks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "checkpoint"], name="one_tick_per_user_checkpoint"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ticked “{self.checkpoint}”"


class LearnerProfile(models.Model):
    """A learner's settings: whether their progress page is public, and their time zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    is_public = models.BooleanField(
        "public progress page",
        default=False,
        help_text="Show your progress, done steps and projects at /u/<username>/.",
    )
    time_zone = models.CharField(max_length=64, default="UTC")

    class Meta:
        db_table = "roadmap_learnerprofile"

    def __str__(self) -> str:
        return f"Profile of {self.user}"
