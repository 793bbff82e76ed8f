"""Views that change or show a learner's own progress (and a guest's)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roadmap import services
from roadmap.forms import NoteForm, ProjectForm, StatusForm
from roadmap.models import LearnerProfile, ProjectLink, Stage, Step, StepNote, StepProgress
from roadmap.selectors import (
    attach_summaries,
    get_step,
    stages_with_steps,
    statuses_of,
    statuses_on,
    steps_with_viewer_statuses,
)
from roadmap.views import render_step_page


def safe_next(request: HttpRequest, candidate: str, fallback: str) -> str:
    """`candidate` if it is a path on this site, else `fallback` (no open redirects)."""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def set_status(request: HttpRequest, stage: str, step: str) -> HttpResponse:
    """Mark a step in progress, done or skipped, or reset it, for a learner or a guest."""
    step_obj = get_step(stage, step)
    if not services.is_tracking(request):
        # Come back to the step itself, not to this POST-only address.
        return redirect_to_login(step_obj.get_absolute_url())

    form = StatusForm(request.POST)
    back = _back_to_step(request, step_obj)
    if not form.is_valid():
        error = " ".join(form.errors.get("status", ["That request was not understood."]))
        if _wants_json(request):
            return JsonResponse({"error": error}, status=400)
        messages.error(request, error)
        return HttpResponseRedirect(back)

    status = form.cleaned_data["status"]
    if request.user.is_authenticated:
        services.progress_set(user=request.user, step=step_obj, status=status)
    else:
        services.guest_progress_set(request, step=step_obj, status=status)
    if _wants_json(request):
        return JsonResponse(_status_payload(request, step_obj, status))
    label = "not started" if status == services.RESET else StepProgress.Status(status).label
    messages.success(request, f"“{step_obj.title}” is now {label.lower()}.")
    return HttpResponseRedirect(back)


def _back_to_step(request: HttpRequest, step: Step) -> str:
    """Where a status change returns: the page it came from, at the step when it is a list."""
    page = step.get_absolute_url()
    back = safe_next(request, request.POST.get("next", ""), page)
    if back != page and "#" not in back:
        back += f"#step-{step.pk}"
    return back


def _status_payload(request: HttpRequest, step: Step, status: str) -> dict:
    """What the page needs to update itself in place after a status change (one query)."""
    steps = Step.objects.published().only("stage_id", "is_optional", "estimated_hours")
    steps = steps_with_viewer_statuses(request, steps)
    statuses = statuses_of(steps)
    overall = services.summarise(steps, statuses)
    stage_counts = services.summarise([s for s in steps if s.stage_id == step.stage_id], statuses)
    return {
        "step": step.pk,
        "status": "" if status == services.RESET else status,
        "overall": {"percent": overall.percent, "settled": overall.settled,
                    "total": overall.required_total},
        "stage": {"slug": step.stage.slug, "percent": stage_counts.percent,
                  "settled": stage_counts.settled, "total": stage_counts.required_total},
    }  # fmt: skip


@require_POST
def guest_start(request: HttpRequest) -> HttpResponse:
    """Track progress as a guest, in this browser's session, until signing up."""
    services.guest_start(request)
    messages.success(
        request,
        "You are tracking progress as a guest: it is kept in this browser, "
        "and moves into your account when you sign up or sign in.",
    )
    back = safe_next(request, request.POST.get("next", ""), reverse("roadmap:index"))
    return HttpResponseRedirect(back)


@require_POST
def save_note(request: HttpRequest, stage: str, step: str) -> HttpResponse:
    """Save the learner's private note on a step; an empty note deletes it."""
    step_obj = get_step(stage, step, viewer=request.user)
    if not request.user.is_authenticated:
        return redirect_to_login(step_obj.get_absolute_url())
    form = NoteForm(request.POST)
    if not form.is_valid():
        return render_step_page(request, step_obj, note_form=form)
    body = form.cleaned_data["body"]
    if body.strip():
        StepNote.objects.update_or_create(user=request.user, step=step_obj, defaults={"body": body})
        messages.success(request, "Your note is saved.")
    elif StepNote.objects.filter(user=request.user, step=step_obj).delete()[0]:
        messages.success(request, "Your note is deleted.")
    return redirect(f"{step_obj.get_absolute_url()}#note")


@require_POST
def save_project(request: HttpRequest, stage: str, step: str) -> HttpResponse:
    """Save where the learner's project for a project step lives."""
    step_obj = get_step(stage, step, viewer=request.user)
    if not request.user.is_authenticated:
        return redirect_to_login(step_obj.get_absolute_url())
    if not step_obj.is_project:
        raise Http404("Only project steps take project links.")
    project = ProjectLink.objects.filter(user=request.user, step=step_obj).first()
    if request.POST.get("remove") and project:
        project.delete()
        messages.success(request, "Your project link is removed.")
        return redirect(f"{step_obj.get_absolute_url()}#project")
    form = ProjectForm(
        request.POST, instance=project or ProjectLink(user=request.user, step=step_obj)
    )
    if not form.is_valid():
        return render_step_page(request, step_obj, project_form=form)
    form.save()
    messages.success(request, "Your project is saved.")
    return redirect(f"{step_obj.get_absolute_url()}#project")


@login_required
@require_GET
def progress_dashboard(request: HttpRequest) -> HttpResponse:
    stages = stages_with_steps(request.user)
    statuses = statuses_on(stages)
    overall = attach_summaries(stages, statuses)
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
    profile = LearnerProfile.objects.filter(user=request.user).first()
    zone = services.time_zone_of(profile)
    return render(
        request,
        "roadmap/progress.html",
        {
            "stages": stages,
            "overall": overall,
            "next_step": next_up,
            "in_progress": in_progress,
            "recent": recent,
            "activity": services.activity_for(request.user, zone),
            "activity_zone": zone.key,
            "profile": profile,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reset_progress(request: HttpRequest) -> HttpResponse:
    """Reset one stage (?stage=<slug>) or the whole roadmap, after a confirmation page."""
    slug = request.POST.get("stage") or request.GET.get("stage") or ""
    stage = get_object_or_404(Stage, slug=slug) if slug else None
    if request.method == "POST":
        steps = stage.steps.all() if stage else None
        count = services.progress_reset(user=request.user, steps=steps)
        where = f"“{stage.title}”" if stage else "the whole roadmap"
        messages.success(request, f"Reset {count} step{'s' if count != 1 else ''} in {where}.")
        return redirect("roadmap:progress")
    rows = StepProgress.objects.filter(user=request.user)
    if stage:
        rows = rows.filter(step__stage=stage)
    return render(request, "roadmap/reset_confirm.html", {"stage": stage, "count": rows.count()})
