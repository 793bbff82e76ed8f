from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from courses.feedback import with_learner_marks
from roadmap import services
from roadmap.models import Stage, Step
from roadmap.selectors import (
    attach_summaries,
    course_links,
    get_step,
    learner_step_context,
    roadmap_for,
    statuses_of,
    steps_with_viewer_statuses,
)
from roadmap_site.page_cache import cache_for_visitors


@require_GET
@cache_for_visitors()
def index(request: HttpRequest) -> HttpResponse:
    stages, statuses = roadmap_for(request)
    overall = attach_summaries(stages, statuses)
    all_steps = [step for stage in stages for step in stage.published_steps]
    return render(
        request,
        "roadmap/index.html",
        {
            "stages": stages,
            "overall": overall,
            "next_step": services.next_step(all_steps, statuses) if statuses else None,
            "total_hours": sum(s.estimated_hours for s in all_steps if not s.is_optional),
        },
    )


@require_GET
@cache_for_visitors()
def stage_detail(request: HttpRequest, stage: str) -> HttpResponse:
    stage_obj = get_object_or_404(Stage, slug=stage)
    steps = steps_with_viewer_statuses(
        request,
        stage_obj.steps.published()
        .order_by("position", "id")
        .prefetch_related(Prefetch("course_links", course_links(), to_attr="published_links")),
    )
    statuses = statuses_of(steps)
    stages = list(Stage.objects.only("title", "slug", "position"))
    index = next(i for i, s in enumerate(stages) if s.pk == stage_obj.pk)
    return render(
        request,
        "roadmap/stage_detail.html",
        {
            "stage": stage_obj,
            "steps": steps,
            "summary": services.summarise(steps, statuses),
            "previous_stage": stages[index - 1] if index > 0 else None,
            "next_stage": stages[index + 1] if index + 1 < len(stages) else None,
        },
    )


@require_GET
@cache_for_visitors()
def step_detail(request: HttpRequest, stage: str, step: str) -> HttpResponse:
    # Editors preview drafts; everyone else gets a 404 for them.
    drafts = _may_preview(request, "roadmap.change_step")
    step_obj = get_step(stage, step, include_drafts=drafts, viewer=request.user)
    return render_step_page(request, step_obj)


def _may_preview(request: HttpRequest, permission: str) -> bool:
    """Editors see drafts; checking is_staff first spares learners two permission queries."""
    return request.user.is_staff and request.user.has_perm(permission)


def render_step_page(request: HttpRequest, step: Step, **forms) -> HttpResponse:
    """The step page; `forms` are bound note/project forms to show with their errors."""
    drafts = _may_preview(request, "courses.change_course")
    links = with_learner_marks(course_links(include_drafts=drafts).filter(step=step), request.user)
    shown = Q(is_published=True) | Q(pk=step.pk)  # a draft being previewed among its siblings
    siblings = list(step.stage.steps.filter(shown).only("title", "slug", "position", "stage_id"))
    index = next(i for i, s in enumerate(siblings) if s.pk == step.pk)
    return render(
        request,
        "roadmap/step_detail.html",
        {
            "stage": step.stage,
            "step": step,
            "links": links,
            "position": index + 1,
            "stage_size": len(siblings),
            "previous_step": siblings[index - 1] if index > 0 else None,
            "next_step": siblings[index + 1] if index + 1 < len(siblings) else None,
            **learner_step_context(request, step, **forms),
        },
        status=400 if any(form.errors for form in forms.values()) else 200,
    )
