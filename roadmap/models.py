from functools import lru_cache
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.text import slugify


# URLs are a pure function of the slugs (and the URLconf, see roadmap/signals.py);
# a roadmap page asks for a hundred of them.
@lru_cache(maxsize=4096)
def _stage_url(stage: str) -> str:
    return reverse("roadmap:stage", kwargs={"stage": stage})


@lru_cache(maxsize=4096)
def _step_url(stage: str, step: str) -> str:
    return reverse("roadmap:step", kwargs={"stage": stage, "step": step})


class SlugKeyQuerySet[M: models.Model](models.QuerySet[M]):
    """Objects found by their slug alone in fixtures: the natural key."""

    def get_by_natural_key(self, slug: str) -> M:
        return self.get(slug=slug)


class SlugKeyed:
    """A model whose natural key (for fixtures) is its unique slug."""

    slug: str

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Stage(SlugKeyed, models.Model):
    """A chapter of the roadmap, such as "Python fundamentals"."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveIntegerField(default=0, db_index=True)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True, help_text="Markdown.")

    objects = SlugKeyQuerySet.as_manager()

    # Set by hand on the instances a selector returns, never stored; declared for the
    # type checker. (What annotate() or Prefetch(to_attr=) adds, django-stubs sees.)
    published_steps: list["Step"]  # roadmap.selectors.group_by_stage

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return _stage_url(self.slug)


class StepQuerySet(models.QuerySet["Step"]):
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

    # Set by hand on the instances a selector returns, never stored; declared for the
    # type checker. (What annotate() or Prefetch(to_attr=) adds, django-stubs sees.)
    status: str  # the viewer's, "" when not started (progress.selectors.steps_with_status)

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

    natural_key.dependencies = ["roadmap.stage"]  # type: ignore[attr-defined]


class CheckpointQuerySet(models.QuerySet["Checkpoint"]):
    def get_by_natural_key(self, stage_slug: str, step_slug: str, slug: str) -> "Checkpoint":
        return self.get(step__stage__slug=stage_slug, step__slug=step_slug, slug=slug)


class Checkpoint(models.Model):
    """One outcome that says a learner can move on ("Sort a list of dicts by a key").

    Learners tick checkpoints (progress.CheckpointTick). The slug, made from the
    first text and never changed after, is the checkpoint's natural key in the
    fixtures: an editor may reword or reorder checkpoints, and `seed --force`
    still finds each one, so learners' ticks stay on the checkpoint they ticked.
    """

    SLUG_LENGTH = 60

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="checkpoints")
    text = models.CharField(
        max_length=300, help_text="One concrete outcome, in inline Markdown (`code`, *emphasis*)."
    )
    slug = models.SlugField(
        max_length=80, help_text="Made from the first text; keeps learners' ticks across reseeds."
    )
    position = models.PositiveIntegerField(default=0)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["step", "slug"], name="checkpoint_slug_unique_in_step"),
        ]

    def __str__(self) -> str:
        return self.text

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            taken = set(
                Checkpoint.objects.filter(step_id=self.step_id).values_list("slug", flat=True)
            )
            self.slug = checkpoint_slug(self.text, taken=taken)
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.step.natural_key(), self.slug)

    natural_key.dependencies = ["roadmap.step"]  # type: ignore[attr-defined]


def checkpoint_slug(text: str, *, taken: set[str]) -> str:
    """A slug for a checkpoint's text, unique among `taken` (its step's other slugs).

    The migration that made the first checkpoints keeps a frozen copy of this rule
    (`slug_for`), so a database migrated anywhere gets the committed fixtures' slugs.
    """
    base = slugify(text)
    if len(base) > Checkpoint.SLUG_LENGTH:  # cut at a word
        base = base[: Checkpoint.SLUG_LENGTH + 1].rsplit("-", 1)[0]
    base = base.strip("-") or "checkpoint"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug
