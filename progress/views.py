"""Views that change or show a learner's own progress (and a guest's)."""

from collections.abc import Sequence
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from progress import activity, guest, selectors, self_checks, services
from progress.forms import (
    HoursForm,
    NoteForm,
    ProjectForm,
    ResetForm,
    StatusForm,
    TickForm,
    keep_rejected,
)
from progress.models import StepProgress
from roadmap.models import Stage, Step
from roadmap.selectors import get_step
from roadmap_site.http import AuthenticatedHttpRequest, safe_next, wants_json


def _refuse(request: HttpRequest, error: str, back: str) -> HttpResponse:
    """A change that was not understood: a 400 for the page's script, else a message."""
    if wants_json(request):
        return JsonResponse({"error": error}, status=400)
    messages.error(request, error, extra_tags=_place(back))
    return HttpResponseRedirect(back)


#: The sections of the step page that show their own messages (the rest go to the top).
PLACES = ("checkpoints", "hours")


def _errors_of(form: Form, *fields: str) -> str:
    """The errors of the first of `fields` that has any, as one message."""
    field = next((name for name in fields if name in form.errors), "")
    errors = form.errors[field] if field else ["That request was not understood."]
    return " ".join(map(str, errors))


def _place(back: str) -> str:
    """The section of the step page a message goes to when the browser returns there."""
    section = back.rpartition("#")[2]
    return section if section in PLACES else ""


def hours_text(hours: Decimal) -> str:
    """1 hour, 1.5 hours, 12 hours."""
    return f"{hours.normalize():f} hour{'' if hours == 1 else 's'}"


GUEST_HOURS = "Hours spent are kept for signed-in learners: sign up to record them."


@require_POST
def set_status(request: HttpRequest, stage: str, step: str) -> HttpResponse:
    """Mark a step in progress, done or skipped, or reset it, for a learner or a guest."""
    step_obj = get_step(stage=stage, step=step)
    if not guest.is_tracking(request):
        # Come back to the step itself, not to this POST-only address.
        return redirect_to_login(step_obj.get_absolute_url())

    form = StatusForm(request.POST)
    back = _back_to_step(request, step_obj)
    if not form.is_valid():
        # The status's error first, then the hours' (their range, or hours with a reset).
        return _refuse(request, _errors_of(form, "status", "hours_spent", "__all__"), back)

    status, hours = form.cleaned_data["status"], form.cleaned_data["hours_spent"]
    if request.user.is_authenticated:
        services.progress_set(user=request.user, step=step_obj, status=status, hours_spent=hours)
    elif hours is not None:
        return _refuse(request, GUEST_HOURS, back)
    else:
        guest.guest_progress_set(request, step=step_obj, status=status)
    shown = "" if status == services.RESET else status
    if wants_json(request):
        return JsonResponse(_status_payload(request, step_obj, shown))
    recorded = f" Recorded {hours_text(hours)}." if hours else ""
    messages.success(
        request,
        StepProgress.change_message(step_obj.title, shown) + recorded,
        extra_tags=_place(back),
    )
    return HttpResponseRedirect(back)


def _back_to_step(request: HttpRequest, step: Step) -> str:
    """Where a status change returns: the page it came from, at the step when it is a list."""
    page = step.get_absolute_url()
    back = safe_next(request, request.POST.get("next", ""), page)
    if back != page and "#" not in back:
        back += f"#step-{step.pk}"
    return back


def _status_payload(request: HttpRequest, step: Step, status: str) -> dict:
    """What the page needs to update itself in place after a status change."""
    counts = selectors.status_counts(request, step=step)
    overall, stage_counts = counts["overall"], counts["stage"]
    icon, label, _ = StepProgress.DISPLAY[status]
    return {
        "step": step.pk,
        "status": status,
        "icon": icon,
        "label": label,
        "overall": {"percent": overall.percent, "settled": overall.settled,
                    "total": overall.required_total},
        "stage": {"slug": step.stage.slug, "percent": stage_counts.percent,
                  "settled": stage_counts.settled, "total": stage_counts.required_total},
    }  # fmt: skip


@require_POST
def tick_checkpoint(request: HttpRequest, stage: str, step: str, checkpoint: int) -> HttpResponse:
    """Tick or untick one of a step's checkpoints, for a learner or a guest."""
    found = self_checks.get_checkpoint(
        stage=stage, step=step, checkpoint=checkpoint, viewer=request.user
    )
    step_obj = found.step
    if not guest.is_tracking(request):
        return redirect_to_login(step_obj.get_absolute_url())
    back = f"{step_obj.get_absolute_url()}#checkpoints"
    if not (form := TickForm(request.POST)).is_valid():
        return _refuse(request, _errors_of(form, "ticked"), back)

    ticked = form.cleaned_data["ticked"]
    if request.user.is_authenticated:
        services.checkpoint_tick(user=request.user, checkpoint=found, ticked=ticked)
        status = found.my_status or ""  # type: ignore[attr-defined]  # annotated by get_checkpoint
    else:
        guest.guest_checkpoint_tick(request, checkpoint=found, ticked=ticked)
        status = guest.guest_statuses(request).get(step_obj.pk, "")
    check = self_checks.self_check_on(request, step=step_obj, status=status)
    if wants_json(request):
        return JsonResponse(
            {"checkpoint": found.pk, "ticked": ticked, "step": step_obj.pk,
             "count": check.ticked, "total": check.total, "offers_done": check.offers_done}
        )  # fmt: skip
    messages.success(
        request,
        f"{'Ticked' if ticked else 'Unticked'}: {check.ticked} of {check.total} self-checks.",
        extra_tags=_place(back),
    )
    return HttpResponseRedirect(back)


@require_POST
def guest_start(request: HttpRequest) -> HttpResponse:
    """Track progress as a guest, in this browser's session, until signing up."""
    guest.guest_start(request)
    back = safe_next(request, request.POST.get("next", ""), reverse("roadmap:index"))
    # The status the visitor tapped before this choice counts: no second tap.
    pending = guest.pending_status(back)
    done = ""
    if pending:
        guest.guest_progress_set(request, step=pending.step, status=pending.status)
        back = pending.step.get_absolute_url()
        done = StepProgress.change_message(pending.step.title, pending.status) + " "
    messages.success(
        request,
        f"{done}You are tracking progress as a guest: it is kept in this browser, "
        "and moves into your account when you sign up or sign in.",
    )
    return HttpResponseRedirect(back)


@require_POST
def save_hours(request: HttpRequest, stage: str, step: str) -> HttpResponse:
    """Record (or clear) the hours the learner spent on a step they have started."""
    step_obj = get_step(stage=stage, step=step)
    if not request.user.is_authenticated:
        return redirect_to_login(step_obj.get_absolute_url())
    back = f"{step_obj.get_absolute_url()}#hours"
    if not (form := HoursForm(request.POST)).is_valid():
        return _refuse(request, _errors_of(form, "hours_spent"), back)
    hours = form.cleaned_data["hours_spent"]
    if not services.hours_record(user=request.user, step=step_obj, hours=hours):
        error = (
            f"Start “{step_obj.title}” first (mark it in progress or done): hours are kept "
            "on a step you have started. Nothing was saved."
        )
        return _refuse(request, error, step_obj.get_absolute_url())  # no hours form there
    done = f"Recorded {hours_text(hours)} on this step." if hours else "Your hours are cleared."
    if wants_json(request):
        return JsonResponse(
            {"step": step_obj.pk, "hours_spent": hours and str(hours), "message": done}
        )
    messages.success(request, done, extra_tags=_place(back))
    return HttpResponseRedirect(back)


NOTE_MESSAGES = {"saved": "Your note is saved.", "deleted": "Your note is deleted."}


@require_POST
def save_note(request: HttpRequest, stage: str, step: str) -> HttpResponse:
    """Save the learner's private note on a step; an empty note deletes it."""
    step_obj = get_step(stage=stage, step=step)
    if not request.user.is_authenticated:
        return redirect_to_login(step_obj.get_absolute_url())
    form = NoteForm(request.POST)
    if not form.is_valid():
        keep_rejected(request, step=step_obj, name="note", form=form)
        return redirect(step_obj)
    done = services.note_save(user=request.user, step=step_obj, body=form.cleaned_data["body"])
    if done:
        messages.success(request, NOTE_MESSAGES[done], extra_tags="note")
    return redirect(f"{step_obj.get_absolute_url()}#note")


@require_POST
def save_project(request: HttpRequest, stage: str, step: str) -> HttpResponse:
    """Save where the learner's project for a project step lives."""
    step_obj = get_step(stage=stage, step=step)
    if not request.user.is_authenticated:
        return redirect_to_login(step_obj.get_absolute_url())
    if not step_obj.is_project:
        raise Http404("Only project steps take project links.")
    back = f"{step_obj.get_absolute_url()}#project"
    if request.POST.get("remove") and services.project_remove(user=request.user, step=step_obj):
        messages.success(request, "Your project link is removed.", extra_tags="project")
        return redirect(back)
    form = ProjectForm(request.POST)
    if not form.is_valid():
        keep_rejected(request, step=step_obj, name="project", form=form)
        return redirect(step_obj)
    services.project_save(user=request.user, step=step_obj, **form.cleaned_data)
    messages.success(request, "Your project is saved.", extra_tags="project")
    return redirect(back)


def dashboard(request: HttpRequest, *, cards: Sequence[str] = ()) -> HttpResponse:
    """The learner's dashboard; a guest's, from the session, without what needs an account.

    `cards` (HTML) go beside the overall progress and the next step: later apps' own, such
    as the learner's study groups. roadmap_site/accounts.py routes /progress/ here with them.
    """
    if not guest.is_tracking(request):
        return redirect_to_login(request.get_full_path())
    mine = selectors.roadmap_progress(request)
    next_up = selectors.next_step(mine.steps, statuses=mine.statuses)
    in_progress = [
        s for s in mine.steps if s.status == StepProgress.Status.IN_PROGRESS and s != next_up
    ]
    per_stage = self_checks.self_checks_per_stage(request)
    for stage in mine.stages:
        stage.self_check = per_stage.get(stage.pk)  # type: ignore[attr-defined]
    context = {
        "stages": mine.stages,
        "overall": mine.overall,
        "next_step": next_up,
        "in_progress": in_progress,
        "cards": cards,
    }
    if request.user.is_authenticated:
        profile = selectors.profile_of(request.user)
        zone = activity.time_zone_of(profile)
        context |= {
            "recent": selectors.recent_changes(request.user),
            "activity": activity.activity_for(request.user, zone=zone),
            "activity_zone": zone.key,
            "profile": profile,
        }
    return render(request, "progress/dashboard.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reset_progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Reset one step (?stage=<slug>&step=<slug>), one stage (?stage=<slug>) or the whole
    roadmap: statuses and self-check ticks, after a confirmation page."""
    chosen = ResetForm(
        {name: request.POST.get(name) or request.GET.get(name) for name in ResetForm.base_fields}
    )
    if not chosen.is_valid():  # not a slug: no such stage or step
        raise Http404("No such stage or step.")
    stage_slug, step_slug = chosen.cleaned_data["stage"], chosen.cleaned_data["step"]
    # A step without its stage is a 404 (no step has no stage), never "the whole roadmap".
    stage = get_object_or_404(Stage, slug=stage_slug) if stage_slug else None
    step = get_object_or_404(Step, stage=stage, slug=step_slug) if step_slug else None
    steps = Step.objects.filter(pk=step.pk) if step else stage.steps.all() if stage else None
    if request.method == "POST":
        reset = services.progress_reset(user=request.user, steps=steps)
        where = f"“{(step or stage).title}”" if stage else "the whole roadmap"
        ticks = f" and {reset.ticks} self-check{pluralize(reset.ticks)}" if reset.ticks else ""
        messages.success(
            request, f"Reset {reset.steps} step{pluralize(reset.steps)}{ticks} in {where}."
        )
        return redirect("progress:dashboard")
    context = {
        "stage": stage,
        "step": step,
        "count": selectors.status_count(request.user, steps=steps),
        "ticks": self_checks.tick_count(request.user, steps=steps),
    }
    return render(request, "progress/reset_confirm.html", context)
