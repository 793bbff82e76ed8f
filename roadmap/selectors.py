"""Reads of the roadmap's content: stages and steps, in a fixed number of queries."""

from collections.abc import Iterable

from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404

from roadmap.models import Stage, Step


def steps_shown(*, include_drafts: bool = False) -> QuerySet[Step]:
    """The steps a page may show: published ones, and drafts too for editors."""
    return Step.objects.all() if include_drafts else Step.objects.published()


def get_step(*, stage: str, step: str, include_drafts: bool = False) -> Step:
    """The step at /stages/<stage>/<step>/, with its stage, or 404; unpublished ones
    only with include_drafts."""
    steps = steps_shown(include_drafts=include_drafts).select_related("stage")
    return get_object_or_404(steps, stage__slug=stage, slug=step)


def group_by_stage(steps: Iterable[Step]) -> list[Stage]:
    """The stages of `steps` (each step's `stage` selected with it), in the steps' order,
    each with `published_steps`; stages without any are left out. No query of its own."""
    stages: dict[int, Stage] = {}
    for step in steps:
        stage = stages.get(step.stage_id)
        if stage is None:
            stage = stages[step.stage_id] = step.stage
            stage.published_steps = []
        step.stage = stage  # one instance per stage, shared by its steps
        stage.published_steps.append(step)
    return list(stages.values())


def neighbours[M: Model](items: list[M], *, current: M) -> tuple[int, M | None, M | None]:
    """`current`'s index in `items`, and the items before and after it (None at the ends)."""
    index = next(i for i, item in enumerate(items) if item.pk == current.pk)
    before = items[index - 1] if index > 0 else None
    after = items[index + 1] if index + 1 < len(items) else None
    return index, before, after


def stage_neighbours(stage: Stage) -> tuple[Stage | None, Stage | None]:
    """The stages before and after `stage`, in roadmap order."""
    stages = list(Stage.objects.only("title", "slug", "position"))
    _, before, after = neighbours(stages, current=stage)
    return before, after


def step_neighbours(step: Step) -> tuple[int, int, Step | None, Step | None]:
    """The step's position in its stage (from 1), the stage's size, and the steps before
    and after it: among the published steps, and the step itself should it be a draft
    being previewed."""
    shown = Q(is_published=True) | Q(pk=step.pk)
    siblings = list(step.stage.steps.filter(shown).only("title", "slug", "position", "stage_id"))
    index, before, after = neighbours(siblings, current=step)
    return index + 1, len(siblings), before, after
