from django.conf import settings
from django.db import models
from django.urls import reverse


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
        return reverse("roadmap:stage", kwargs={"stage": self.slug})

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
    is_published = models.BooleanField("published", default=True)

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
        return reverse("roadmap:step", kwargs={"stage": self.stage.slug, "step": self.slug})

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
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="progress")
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
