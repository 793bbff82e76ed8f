"""The learner's state: statuses on steps, the activity log, notes, projects, settings,
and the study groups through which mentors follow learners who agreed to it.

These models moved here from `roadmap` (issue 12) and keep their tables
(`roadmap_stepprogress` and so on): see migrations/0001_initial.py.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from roadmap.models import Checkpoint, Step
from roadmap_site.validators import http_url


def one_per_learner_and_step(name: str) -> models.UniqueConstraint:
    """At most one row per learner and step: the database says so, not only the code."""
    return models.UniqueConstraint(fields=["user", "step"], name=name)


class StepProgress(models.Model):
    """Where one learner stands on one step. No row means "not started"."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "roadmap_stepprogress"
        verbose_name_plural = "step progress"
        constraints = [
            one_per_learner_and_step("one_progress_per_user_step"),
            models.CheckConstraint(
                condition=models.Q(status__in=["in_progress", "done", "skipped"]),
                name="progress_status_is_known",
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
        """Done and skipped both settle a step: neither is left to work on."""
        return self.status in (self.Status.DONE, self.Status.SKIPPED)

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


def new_invite_token() -> str:
    """An unguessable invite token: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class StudyGroup(models.Model):
    """A group whose mentors follow its members' progress, with their consent.

    The owner created it; they also hold a Membership, as a mentor, so "who is
    in the group" is always the memberships (one query, one unique constraint)
    and the owner counts toward MAX_MEMBERS like everyone else.
    """

    MAX_MEMBERS = 500
    #: How many groups one person may own: room for any teacher, not for a script.
    MAX_OWNED = 20

    name = models.CharField(max_length=80)
    # Made from the name when the group is created; a rename keeps it, so links stay good.
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_groups"
    )
    invite_token = models.CharField(max_length=64, unique=True, default=new_invite_token)
    members_see_progress = models.BooleanField(
        "members see each other's progress",
        default=False,
        help_text="Off: only mentors see members' progress. Members always see who is in it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("progress:group", args=[self.slug])

    def invite_path(self) -> str:
        """The join page's path; whoever holds it may join."""
        return reverse("progress:group_join", args=[self.invite_token])

    def is_invited_by(self, token: str) -> bool:
        """Whether `token` is this group's current invite token (compared in constant time)."""
        return secrets.compare_digest(self.invite_token.encode(), token.encode())


class Membership(models.Model):
    """One person in one study group: a member (followed) or a mentor (following)."""

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        MENTOR = "mentor", "Mentor"

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group_user"),
            models.CheckConstraint(
                condition=models.Q(role__in=["member", "mentor"]), name="membership_role_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.get_role_display()})"

    @property
    def is_mentor(self) -> bool:
        """Mentors (the owner among them) follow the members' progress."""
        return self.role == self.Role.MENTOR

    @property
    def is_owner(self) -> bool:
        """Whether this is the owner's membership (the group must be loaded with it)."""
        return self.user_id == self.group.owner_id

    @property
    def role_label(self) -> str:
        """ "Owner", "Mentor" or "Member", as the group's pages name the role."""
        return "Owner" if self.is_owner else self.get_role_display()

    def sees_progress(self) -> bool:
        """Whether this person may see the members' progress: mentors always, members
        only when the owner switched it on."""
        return self.is_mentor or self.group.members_see_progress
