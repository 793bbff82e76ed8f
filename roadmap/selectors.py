"""Reads shared by the roadmap's views: what a page loads, in a fixed number of queries."""

import threading
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from courses.models import StepCourse
from roadmap import services
from roadmap.forms import NoteForm, ProjectForm
from roadmap.models import ProjectLink, Stage, Step, StepNote, StepProgress
from roadmap_site.versions import content_version


def course_links(include_drafts: bool = False) -> QuerySet[StepCourse]:
    """Course links, free ones first, with their course and provider; drafts for editors."""
    links = StepCourse.objects.all() if include_drafts else StepCourse.objects.published()
    return links.free_first().select_related("course__provider")


def stages_with_steps() -> list[Stage]:
    """Stages in order, each with `published_steps`; stages without any are left out."""
    steps = Prefetch(
        "steps",
        queryset=Step.objects.published().order_by("position", "id"),
        to_attr="published_steps",
    )
    return [stage for stage in Stage.objects.prefetch_related(steps) if stage.published_steps]


@dataclass(frozen=True)
class Outline:
    """The published roadmap's shape, shared read-only by every request in a process."""

    version: int
    steps: tuple[Step, ...]
    by_stage: dict[int, tuple[Step, ...]]
    by_slugs: dict[tuple[str, str], Step]


_outline: Outline | None = None
_outline_lock = threading.Lock()


def outline() -> Outline:
    """The published stages and steps, rebuilt only when the content version moves.

    For hot paths that only read (the status POST): no query at all while the
    content is unchanged. The instances are shared between threads; never
    change them (views that annotate stages use `stages_with_steps()`).
    """
    global _outline
    version = content_version()
    current = _outline
    if current is not None and current.version == version:
        return current
    with _outline_lock:
        stages = stages_with_steps()
        steps = tuple(step for stage in stages for step in stage.published_steps)
        for stage in stages:
            for step in stage.published_steps:
                step.stage = stage  # step.stage.slug without a query
        _outline = Outline(
            version=version,
            steps=steps,
            by_stage={stage.pk: tuple(stage.published_steps) for stage in stages},
            by_slugs={(step.stage.slug, step.slug): step for step in steps},
        )
        return _outline


def published_step(stage: str, step: str) -> Step:
    """The published step at /stages/<stage>/<step>/ from the outline, or 404."""
    found = outline().by_slugs.get((stage, step))
    if found is None:
        raise Http404("No such step.")
    return found


def attach_summaries(stages: list[Stage], statuses: dict[int, str]) -> services.ProgressSummary:
    """Set `summary_counts` on each stage and return the summary of the whole roadmap."""
    for stage in stages:
        stage.summary_counts = services.summarise(stage.published_steps, statuses)
    return services.summarise((s for st in stages for s in st.published_steps), statuses)


def get_step(stage: str, step: str, include_drafts: bool = False) -> Step:
    """The step at /stages/<stage>/<step>/, or 404; unpublished ones only with include_drafts."""
    steps = Step.objects.all() if include_drafts else Step.objects.published()
    return get_object_or_404(steps.select_related("stage"), stage__slug=stage, slug=step)


def learner_step_context(
    request: HttpRequest,
    step: Step,
    note_form: NoteForm | None = None,
    project_form: ProjectForm | None = None,
) -> dict:
    """The viewer's own status, note and project for a step page (one query for a learner)."""
    if not request.user.is_authenticated:
        guest = services.statuses_for_request(request)
        return {"status": guest.get(step.pk, "")}
    user = request.user
    mine = {"user": user, "step": step}

    def own(model, field: str) -> Subquery:
        return Subquery(model.objects.filter(**mine).values(field)[:1])

    row = (
        Step.objects.filter(pk=step.pk)
        .annotate(
            my_status=own(StepProgress, "status"),
            note_body=own(StepNote, "body"),
            note_updated_at=own(StepNote, "updated_at"),
            project_id=own(ProjectLink, "pk"),
            project_repository_url=own(ProjectLink, "repository_url"),
            project_live_url=own(ProjectLink, "live_url"),
        )
        .values(
            "my_status",
            "note_body",
            "note_updated_at",
            "project_id",
            "project_repository_url",
            "project_live_url",
        )  # fmt: skip
        .get()
    )
    note = None
    if row["note_body"] is not None:
        note = StepNote(**mine, body=row["note_body"], updated_at=row["note_updated_at"])
    project = None
    if row["project_id"] is not None:
        project = ProjectLink(
            pk=row["project_id"],
            **mine,
            repository_url=row["project_repository_url"],
            live_url=row["project_live_url"],
        )
    return {
        "status": row["my_status"] or "",
        "note": note,
        "note_form": note_form or NoteForm(initial={"body": note.body if note else ""}),
        "project": project,
        "project_form": project_form
        or (ProjectForm(instance=project) if step.is_project else None),
    }
