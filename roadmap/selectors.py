"""Reads shared by the roadmap's views: what a page loads, in a fixed number of queries."""

from collections.abc import Iterable, Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
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


def with_statuses(steps: QuerySet[Step], user: AbstractBaseUser | None) -> QuerySet[Step]:
    """`steps`, each carrying `my_status`: the learner's status on it, None if not started.

    A join on the learner's rows, not a query of its own (the unique index on
    user and step makes it one index probe per step).
    """
    if user is None or not user.is_authenticated:
        return steps
    return steps.annotate(
        mine=FilteredRelation("progress", condition=Q(progress__user=user)),
        my_status=F("mine__status"),
    )


def attach_statuses(steps: Iterable[Step], statuses: Mapping[int, str] | None = None) -> None:
    """Set `status` on each step ("" when not started): from `statuses`, else from the
    `my_status` that `with_statuses` read."""
    for step in steps:
        if statuses is None:
            step.status = getattr(step, "my_status", None) or ""
        else:
            step.status = statuses.get(step.pk, "")


def steps_with_viewer_statuses(request: HttpRequest, steps: QuerySet[Step]) -> list[Step]:
    """The steps, each with `status`: the learner's (read in the same query) or the guest's."""
    steps = list(with_statuses(steps, request.user))
    guest = None if request.user.is_authenticated else services.statuses_for_request(request)
    attach_statuses(steps, guest)
    return steps


def statuses_of(steps: Iterable[Step]) -> dict[int, str]:
    """Step id to status for the steps that have one (see attach_statuses)."""
    return {step.pk: step.status for step in steps if step.status}


def statuses_on(stages: Iterable[Stage]) -> dict[int, str]:
    """Step id to status for the steps of `stages` (from stages_with_steps) that have one."""
    return statuses_of(step for stage in stages for step in stage.published_steps)


def stages_with_steps(user: AbstractBaseUser | None = None) -> list[Stage]:
    """Stages in order, each with `published_steps` (stages without any are left out),
    each step with `status`, the learner's: all in one query, whatever the size."""
    steps = with_statuses(Step.objects.published().select_related("stage"), user)
    stages: dict[int, Stage] = {}
    for step in steps.in_roadmap_order():
        stage = stages.get(step.stage_id)
        if stage is None:
            stage = stages[step.stage_id] = step.stage
            stage.published_steps = []
        step.stage = stage  # one instance per stage, shared by its steps
        stage.published_steps.append(step)
    stages_list = list(stages.values())
    attach_statuses(step for stage in stages_list for step in stage.published_steps)
    return stages_list


def roadmap_for(request: HttpRequest) -> tuple[list[Stage], dict[int, str]]:
    """The published roadmap with the viewer's statuses: a learner's, a guest's, or none."""
    stages = stages_with_steps(request.user)
    if not request.user.is_authenticated and services.is_tracking(request):
        guest = services.statuses_for_request(request)
        attach_statuses((step for stage in stages for step in stage.published_steps), guest)
    return stages, statuses_on(stages)


def attach_summaries(stages: list[Stage], statuses: dict[int, str]) -> services.ProgressSummary:
    """Set `summary_counts` on each stage and return the summary of the whole roadmap."""
    for stage in stages:
        stage.summary_counts = services.summarise(stage.published_steps, statuses)
    return services.summarise((s for st in stages for s in st.published_steps), statuses)


def get_step(
    stage: str, step: str, include_drafts: bool = False, viewer: AbstractBaseUser | None = None
) -> Step:
    """The step at /stages/<stage>/<step>/, or 404; unpublished ones only with include_drafts.

    With a signed-in `viewer`, the same query also reads their status, note and
    project on the step, for learner_step_context.
    """
    steps = Step.objects.all() if include_drafts else Step.objects.published()
    steps = steps.select_related("stage")
    if viewer is not None and viewer.is_authenticated:
        steps = steps.annotate(**_own_rows(viewer))
    return get_object_or_404(steps, stage__slug=stage, slug=step)


def _own_rows(user: AbstractBaseUser) -> dict[str, Subquery]:
    def own(model, field: str) -> Subquery:
        return Subquery(model.objects.filter(user=user, step=OuterRef("pk")).values(field)[:1])

    return {
        "my_status": own(StepProgress, "status"),
        "note_body": own(StepNote, "body"),
        "note_updated_at": own(StepNote, "updated_at"),
        "project_id": own(ProjectLink, "pk"),
        "project_repository_url": own(ProjectLink, "repository_url"),
        "project_live_url": own(ProjectLink, "live_url"),
    }


def learner_step_context(
    request: HttpRequest,
    step: Step,
    note_form: NoteForm | None = None,
    project_form: ProjectForm | None = None,
) -> dict:
    """The viewer's own status, note and project for a step page.

    A learner's come with the step (get_step with `viewer`); a guest's status
    from their session.
    """
    if not request.user.is_authenticated:
        guest = services.statuses_for_request(request)
        return {"status": guest.get(step.pk, "")}
    mine = {"user": request.user, "step": step}
    note = None
    if step.note_body is not None:
        note = StepNote(**mine, body=step.note_body, updated_at=step.note_updated_at)
    project = None
    if step.project_id is not None:
        project = ProjectLink(
            pk=step.project_id,
            **mine,
            repository_url=step.project_repository_url,
            live_url=step.project_live_url,
        )
    return {
        "status": step.my_status or "",
        "note": note,
        "note_form": note_form or NoteForm(initial={"body": note.body if note else ""}),
        "project": project,
        "project_form": project_form
        or (ProjectForm(instance=project) if step.is_project else None),
    }
