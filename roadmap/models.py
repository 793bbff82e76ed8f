from functools import lru_cache

from django.conf import settings
from django.db import models
from django.urls import reverse

from roadmap.validators import http_url


# URLs are a pure function of the slugs (and the URLconf, see roadmap/signals.py);
# a roadmap page asks for a hundred of them.
@lru_cache(maxsize=4096)
def _stage_url(stage: str) -> str:
    return reverse("roadmap:stage", kwargs={"stage": stage})


@lru_cache(maxsize=4096)
def _step_url(stage: str, step: str) -> str:
    return reverse("roadmap:step", kwargs={"stage": stage, "step": step})


class StageQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug: str) -> "Stage":
        return self.get(slug=slug)


class Stage(models.Model):
    """A chapter of the roadmap, such as "Python fundamentals"."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveIntegerField(default=0, db_index=True)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True, help_text="Markdown.")

    objects = StageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return _stage_url(self.slug)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class StepQuerySet(models.QuerySet):
    def published(self) -> "StepQuerySet":
        return self.filter(is_published=True)

    def required(self) -> "StepQuerySet":
        return self.filter(is_optional=False)

    def in_roadmap_order(self) -> "StepQuerySet":
        return self.order_by("stage__position", "stage_id", "position", "id")

    def get_by_natural_key(self, stage_slug: str, slug: str) -> "Step":
        return self.get(stage__slug=stage_slug, slug=slug)


class Step(models.Model):
    """One thing to learn inside a stage, with curated courses linked to it."""

    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="steps")
    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=80)
    position = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True, help_text="Markdown.")
    is_optional = models.BooleanField(
        "optional",
        default=False,
        help_text="An alternative or extra (React or Angular, say): not counted in the percentage.",
    )
    estimated_hours = models.PositiveSmallIntegerField(default=1)
    is_project = models.BooleanField(
        "project",
        default=False,
        help_text="Learners can attach a repository URL and a live URL to a project step.",
    )
    is_published = models.BooleanField(
        "published",
        default=True,
        help_text="Unpublished steps are hidden from visitors and learners; progress is kept.",
    )

    objects = StepQuerySet.as_manager()

    class Meta:
        ordering = ["stage__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "slug"], name="step_slug_unique_in_stage"),
        ]
        indexes = [models.Index(fields=["stage", "position"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return _step_url(self.stage.slug, self.slug)

    def natural_key(self) -> tuple[str, str]:
        return (self.stage.slug, self.slug)

    natural_key.dependencies = ["roadmap.stage"]


class StepProgress(models.Model):
    """Where one learner stands on one step. No row means "not started"."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="step_progress"
    )
    # PROTECT: a step with learners' progress is unpublished, never deleted.
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "step progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "step"], name="one_progress_per_user_step"),
            models.CheckConstraint(
                condition=models.Q(status__in=["in_progress", "done", "skipped"]),
                name="progress_status_is_known",
            ),
        ]
        indexes = [models.Index(fields=["user", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.step} · {self.get_status_display()}"

    @property
    def is_settled(self) -> bool:
        """Done and skipped both settle a step: neither is left to work on."""
        return self.status in (self.Status.DONE, self.Status.SKIPPED)


class ProgressEvent(models.Model):
    """One change of status, kept for the activity calendar and streaks."""

    RESET = "reset"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_events"
    )
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=[*StepProgress.Status.choices, (RESET, "Not started")]
    )
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.step} · {self.status} · {self.created_at:%Y-%m-%d}"


class StepNote(models.Model):
    """A learner's private Markdown note on a step, seen only by its author."""

    MAX_LENGTH = 5000

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes"
    )
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "step"], name="one_note_per_user_step")
        ]

    def __str__(self) -> str:
        return f"Note by {self.user} on {self.step}"


class ProjectLink(models.Model):
    """Where a learner's project for a project step lives: its repository and live site."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects"
    )
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    repository_url = models.URLField("repository URL", max_length=500, validators=[http_url])
    live_url = models.URLField("live URL", max_length=500, blank=True, validators=[http_url])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "step"], name="one_project_per_user_step")
        ]

    def __str__(self) -> str:
        return f"{self.user}'s project for {self.step}"


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

    def __str__(self) -> str:
        return f"Profile of {self.user}"
