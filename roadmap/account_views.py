"""A learner's public progress page and badge, settings, data export and account deletion."""

import json

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from roadmap.forms import AccountSettingsForm, DeleteAccountForm
from roadmap.models import (
    LearnerProfile,
    ProgressEvent,
    ProjectLink,
    StepNote,
    StepProgress,
)
from roadmap.selectors import attach_summaries, stages_with_steps, statuses_on


def _public_learner(username: str):
    """The user whose progress page is public, or 404 (the same 404 whether or not they exist)."""
    user = (
        get_user_model()
        .objects.filter(username=username, is_active=True, learner_profile__is_public=True)
        .first()
    )
    if user is None:
        raise Http404("No public progress page here.")
    return user


@require_GET
def public_progress(request: HttpRequest, username: str) -> HttpResponse:
    learner = _public_learner(username)
    stages = stages_with_steps(learner)
    statuses = statuses_on(stages)
    overall = attach_summaries(stages, statuses)
    for stage in stages:
        stage.done_steps = [s for s in stage.published_steps if statuses.get(s.pk) == "done"]
    projects = (
        ProjectLink.objects.filter(user=learner, step__is_published=True)
        .select_related("step__stage")
        .order_by("step__stage__position", "step__position")
    )
    return render(
        request,
        "roadmap/public_progress.html",
        {"learner": learner, "stages": stages, "overall": overall, "projects": projects},
    )


@require_GET
def progress_badge(request: HttpRequest, username: str) -> HttpResponse:
    """An SVG badge with the learner's overall percentage, for a GitHub README."""
    learner = _public_learner(username)
    stages = stages_with_steps(learner)
    statuses = statuses_on(stages)
    overall = attach_summaries(stages, statuses)
    svg = render_to_string("roadmap/badge.svg", {"percent": overall.percent})
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile, _ = LearnerProfile.objects.get_or_create(user=user)
    initial = {
        "username": user.username,
        "is_public": profile.is_public,
        "time_zone": profile.time_zone,
    }
    data = request.POST if request.method == "POST" else None
    form = AccountSettingsForm(data, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user.username = form.cleaned_data["username"]
            user.save(update_fields=["username"])
            profile.is_public = form.cleaned_data["is_public"]
            profile.time_zone = form.cleaned_data["time_zone"]
            profile.save(update_fields=["is_public", "time_zone"])
        messages.success(request, "Your settings are saved.")
        return redirect("roadmap:account_settings")
    return render(
        request,
        "roadmap/account_settings.html",
        {"form": form, "profile": profile},
        status=400 if form.errors else 200,
    )


def _isoformat(value) -> str | None:
    return value.isoformat() if value else None


def export_data(user) -> dict:
    """Everything the site keeps about a learner, as plain data."""
    profile = LearnerProfile.objects.filter(user=user).first()
    steps = "step__stage__slug", "step__slug"
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "email": user.email,
            "date_joined": _isoformat(user.date_joined),
            "public_progress_page": bool(profile and profile.is_public),
            "time_zone": profile.time_zone if profile else "UTC",
        },
        "progress": [
            {"stage": stage, "step": step, "status": status, "updated_at": _isoformat(at)}
            for stage, step, status, at in StepProgress.objects.filter(user=user)
            .order_by("step__stage__position", "step__position")
            .values_list(*steps, "status", "updated_at")
        ],
        "notes": [
            {"stage": stage, "step": step, "body": body, "updated_at": _isoformat(at)}
            for stage, step, body, at in StepNote.objects.filter(user=user)
            .order_by("step__stage__position", "step__position")
            .values_list(*steps, "body", "updated_at")
        ],
        "projects": [
            {"stage": stage, "step": step, "repository_url": repo, "live_url": live}
            for stage, step, repo, live in ProjectLink.objects.filter(user=user)
            .order_by("step__stage__position", "step__position")
            .values_list(*steps, "repository_url", "live_url")
        ],
        "activity": [
            {"stage": stage, "step": step, "status": status, "at": _isoformat(at)}
            for stage, step, status, at in ProgressEvent.objects.filter(user=user)
            .order_by("created_at", "id")
            .values_list(*steps, "status", "created_at")
        ],
    }


@login_required
@require_GET
def download_data(request: HttpRequest) -> HttpResponse:
    data = json.dumps(export_data(request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="roadmap-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete the account and every personal row (progress, notes, projects, activity)."""
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user.delete()  # cascades to every row that belongs to the learner
        messages.success(request, "Your account and everything in it are deleted. Goodbye!")
        return redirect("roadmap:index")
    return render(
        request,
        "roadmap/delete_account.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
