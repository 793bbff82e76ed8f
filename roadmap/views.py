from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from courses.models import StepCourse
from roadmap import services
from roadmap.forms import StatusForm
from roadmap.models import Stage, Step, StepProgress


def _published_steps() -> Prefetch:
    return Prefetch(
        "steps",
        queryset=Step.objects.published().order_by("position", "id"),
        to_attr="published_steps",
    )


def _course_links() -> QuerySet[StepCourse]:
    return StepCourse.objects.published().free_first().select_related("course__provider")


def _stages_with_steps() -> list[Stage]:
    stages = Stage.objects.prefetch_related(_published_steps())
    return [stage for stage in stages if stage.published_steps]


def _attach_summaries(stages: list[Stage], statuses: dict[int, str]) -> services.ProgressSummary:
    for stage in stages:
        stage.summary_counts = services.summarise(stage.published_steps, statuses)
    return services.summarise((s for st in stages for s in st.published_steps), statuses)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    stages = _stages_with_steps()
    statuses = services.statuses_for(request.user)
    overall = _attach_summaries(stages, statuses)
    all_steps = [step for stage in stages for step in stage.published_steps]
    return render(
        request,
        "roadmap/index.html",
        {
            "stages": stages,
            "statuses": statuses,
            "overall": overall,
            "next_step": services.next_step(all_steps, statuses) if statuses else None,
            "total_hours": sum(s.estimated_hours for s in all_steps if not s.is_optional),
        },
    )


@require_GET
def stage_detail(request: HttpRequest, stage: str) -> HttpResponse:
    stage_obj = get_object_or_404(Stage, slug=stage)
    steps = list(
        stage_obj.steps.published()
        .order_by("position", "id")
        .prefetch_related(Prefetch("course_links", _course_links(), to_attr="published_links"))
    )
    statuses = services.statuses_for(request.user)
    stages = list(Stage.objects.only("title", "slug", "position"))
    index = next(i for i, s in enumerate(stages) if s.pk == stage_obj.pk)
    return render(
        request,
        "roadmap/stage_detail.html",
        {
            "stage": stage_obj,
            "steps": steps,
            "statuses": statuses,
            "summary": services.summarise(steps, statuses),
            "previous_stage": stages[index - 1] if index > 0 else None,
            "next_stage": stages[index + 1] if index + 1 < len(stages) else None,
        },
    )


def _get_step(stage: str, step: str) -> Step:
    return get_object_or_404(
        Step.objects.published().select_related("stage"), stage__slug=stage, slug=step
    )


@require_GET
def step_detail(request: HttpRequest, stage: str, step: str) -> HttpResponse:
    step_obj = _get_step(stage, step)
    links = list(_course_links().filter(step=step_obj))
    siblings = list(step_obj.stage.steps.published().only("title", "slug", "position", "stage_id"))
    index = next(i for i, s in enumerate(siblings) if s.pk == step_obj.pk)
    status = ""
    if request.user.is_authenticated:
        progress = StepProgress.objects.filter(user=request.user, step=step_obj).first()
        status = progress.status if progress else ""
    return render(
        request,
        "roadmap/step_detail.html",
        {
            "stage": step_obj.stage,
            "step": step_obj,
            "links": links,
            "status": status,
            "position": index + 1,
            "stage_size": len(siblings),
            "previous_step": siblings[index - 1] if index > 0 else None,
            "next_step": siblings[index + 1] if index + 1 < len(siblings) else None,
        },
    )


def _safe_next(request: HttpRequest, candidate: str, fallback: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def set_status(request: HttpRequest, stage: str, step: str) -> HttpResponse:
    """Mark a step in progress, done or skipped, or reset it, for the signed-in learner."""
    step_obj = _get_step(stage, step)
    if not request.user.is_authenticated:
        # Come back to the step itself, not to this POST-only address.
        return redirect_to_login(step_obj.get_absolute_url())

    form = StatusForm(request.POST)
    back = _safe_next(request, request.POST.get("next", ""), step_obj.get_absolute_url())
    if not form.is_valid():
        error = " ".join(form.errors.get("status", ["That request was not understood."]))
        if _wants_json(request):
            return JsonResponse({"error": error}, status=400)
        messages.error(request, error)
        return redirect(back)

    status = form.cleaned_data["status"]
    services.progress_set(user=request.user, step=step_obj, status=status)
    if _wants_json(request):
        return JsonResponse(_status_payload(request, step_obj, status))
    label = "not started" if status == services.RESET else StepProgress.Status(status).label
    messages.success(request, f"“{step_obj.title}” is now {label.lower()}.")
    return redirect(back)


def _status_payload(request: HttpRequest, step: Step, status: str) -> dict:
    """What the page needs to update itself in place after a status change."""
    statuses = services.statuses_for(request.user)
    stages = _stages_with_steps()
    overall = _attach_summaries(stages, statuses)
    stage = next((s for s in stages if s.pk == step.stage_id), None)
    stage_counts = stage.summary_counts if stage else services.ProgressSummary()
    return {
        "step": step.pk,
        "status": "" if status == services.RESET else status,
        "overall": {"percent": overall.percent, "settled": overall.settled,
                    "total": overall.required_total},
        "stage": {"slug": step.stage.slug, "percent": stage_counts.percent,
                  "settled": stage_counts.settled, "total": stage_counts.required_total},
    }  # fmt: skip


@login_required
@require_GET
def progress_dashboard(request: HttpRequest) -> HttpResponse:
    stages = _stages_with_steps()
    statuses = services.statuses_for(request.user)
    overall = _attach_summaries(stages, statuses)
    all_steps = [step for stage in stages for step in stage.published_steps]
    recent = (
        StepProgress.objects.filter(user=request.user, step__is_published=True)
        .select_related("step__stage")
        .order_by("-updated_at")[:8]
    )
    next_up = services.next_step(all_steps, statuses)
    in_progress = [
        s
        for s in all_steps
        if statuses.get(s.pk) == StepProgress.Status.IN_PROGRESS and s != next_up
    ]
    return render(
        request,
        "roadmap/progress.html",
        {
            "stages": stages,
            "statuses": statuses,
            "overall": overall,
            "next_step": next_up,
            "in_progress": in_progress,
            "recent": recent,
        },
    )
