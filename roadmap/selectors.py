"""Reads shared by the roadmap's views: what a page loads, in a fixed number of queries."""

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from courses.models import StepCourse
from roadmap import services
from roadmap.forms import NoteForm, ProjectForm
from roadmap.models import ProjectLink, Stage, Step, StepNote, StepProgress


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
    """The viewer's own status, note and project for a step page."""
    if not request.user.is_authenticated:
        guest = services.statuses_for_request(request)
        return {"status": guest.get(step.pk, "")}
    user = request.user
    progress = StepProgress.objects.filter(user=user, step=step).only("status").first()
    note = StepNote.objects.filter(user=user, step=step).first()
    project = ProjectLink.objects.filter(user=user, step=step).first() if step.is_project else None
    return {
        "status": progress.status if progress else "",
        "note": note,
        "note_form": note_form or NoteForm(initial={"body": note.body if note else ""}),
        "project": project,
        "project_form": project_form
        or (ProjectForm(instance=project) if step.is_project else None),
    }
