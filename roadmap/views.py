"""The roadmap's pages: the whole roadmap, a stage, a step.

They compose the apps: the content (roadmap), its courses (courses) and the
viewer's own statuses, note and project (progress).
"""

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from courses.selectors import course_links, with_learner_marks
from progress import selectors as progress
from progress.forms import HoursForm, NoteForm, ProjectForm, StatusForm, take_rejected
from progress.self_checks import (
    SelfCheck,
    attach_self_checks,
    checkpoints_for,
    with_checkpoints,
)
from roadmap.models import Stage, Step
from roadmap.selectors import stage_neighbours, step_neighbours
from roadmap_site.page_cache import cache_for_visitors


@require_safe
@cache_for_visitors()
def index(request: HttpRequest) -> HttpResponse:
    mine = progress.roadmap_progress(request)
    all_steps = mine.steps
    return render(
        request,
        "roadmap/index.html",
        {
            "stages": mine.stages,
            "overall": mine.overall,
            "next_step": (
                progress.next_step(all_steps, statuses=mine.statuses) if mine.statuses else None
            ),
            "total_hours": sum(s.estimated_hours for s in all_steps if not s.is_optional),
        },
    )


@require_safe
@cache_for_visitors()
def stage_detail(request: HttpRequest, stage: str) -> HttpResponse:
    stage_obj = get_object_or_404(Stage, slug=stage)
    published = (
        stage_obj.steps.published()
        .order_by("position", "id")
        .prefetch_related(Prefetch("course_links", course_links(), to_attr="published_links"))
    )
    steps = progress.steps_with_status(request, steps=with_checkpoints(request, published))
    attach_self_checks(request, steps)
    previous_stage, next_stage = stage_neighbours(stage_obj)
    return render(
        request,
        "roadmap/stage_detail.html",
        {
            "stage": stage_obj,
            "steps": steps,
            "summary": progress.summarise(steps, statuses=progress.statuses_of(steps)),
            "previous_stage": previous_stage,
            "next_stage": next_stage,
        },
    )


@require_safe
@cache_for_visitors()
def step_detail(request: HttpRequest, stage: str, step: str) -> HttpResponse:
    if "mark" in request.GET:
        # Back from sign-in with the status a visitor tapped, now set (progress.signals).
        return redirect(request.path)
    # Editors preview drafts; everyone else gets a 404 for them.
    drafts = _may_preview(request, "roadmap.change_step")
    step_obj = progress.step_with_status(request, stage=stage, step=step, include_drafts=drafts)
    return render_step_page(request, step_obj)


def _may_preview(request: HttpRequest, permission: str) -> bool:
    """Editors see drafts; checking is_staff first spares learners two permission queries."""
    return request.user.is_staff and request.user.has_perm(permission)


def render_step_page(request: HttpRequest, step: Step) -> HttpResponse:
    """The step page; a note or project form refused a moment ago comes back with its
    input and errors (progress.forms.keep_rejected)."""
    drafts = _may_preview(request, "courses.change_course")
    links = with_learner_marks(
        course_links(include_drafts=drafts).filter(step=step), user=request.user
    )
    position, stage_size, previous_step, next_step = step_neighbours(step)
    status = step.status
    note, project = progress.own_rows_on(request, step=step)
    checkpoints = checkpoints_for(request, step=step)
    note_form = project_form = hours_form = done_hours = None
    if request.user.is_authenticated:
        # Hours are a learner's: recorded on a started step, or as it is marked done.
        hours = getattr(step, "hours_spent", None)
        hours_form = HoursForm(initial={"hours_spent": hours}, auto_id="hours-%s")
        done_hours = StatusForm(auto_id="done-%s")["hours_spent"]
        rejected = take_rejected(request, step=step)
        note_form = NoteForm(rejected["note"]) if "note" in rejected else None
        note_form = note_form or NoteForm(initial={"body": note.body if note else ""})
        if step.is_project:
            project_form = ProjectForm(rejected.get("project"), instance=project)
    return render(
        request,
        "roadmap/step_detail.html",
        {
            "stage": step.stage,
            "step": step,
            "links": links,
            "position": position,
            "stage_size": stage_size,
            "previous_step": previous_step,
            "next_step": next_step,
            "status": status,
            "checkpoints": checkpoints,
            "self_check": SelfCheck.of(checkpoints, status=status),
            "note": note,
            "note_form": note_form,
            "project": project,
            "project_form": project_form,
            "hours_form": hours_form,
            "done_hours": done_hours,
        },
    )
