"""A learner's public progress page and badge, settings, data export and account deletion."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from progress import selectors, services
from progress.forms import AccountSettingsForm, DeleteAccountForm
from progress.models import LearnerProfile, StepProgress


@require_GET
def public_progress(request: HttpRequest, username: str) -> HttpResponse:
    learner = selectors.public_learner(username)
    stages = selectors.stages_with_steps(learner)
    statuses = selectors.statuses_on(stages)
    overall = selectors.attach_summaries(stages, statuses)
    for stage in stages:
        stage.done_steps = [
            s for s in stage.published_steps if statuses.get(s.pk) == StepProgress.Status.DONE
        ]
    return render(
        request,
        "progress/public_progress.html",
        {
            "learner": learner,
            "stages": stages,
            "overall": overall,
            "projects": selectors.public_projects(learner),
        },
    )


@require_GET
def progress_badge(request: HttpRequest, username: str) -> HttpResponse:
    """An SVG badge with the learner's overall percentage, for a GitHub README."""
    learner = selectors.public_learner(username)
    stages = selectors.stages_with_steps(learner)
    overall = selectors.attach_summaries(stages, selectors.statuses_on(stages))
    svg = render_to_string("progress/badge.svg", {"percent": overall.percent})
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = selectors.profile_of(user) or LearnerProfile(user=user)
    initial = {
        "username": user.username,
        "is_public": profile.is_public,
        "time_zone": profile.time_zone,
    }
    data = request.POST if request.method == "POST" else None
    form = AccountSettingsForm(data, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.account_update(user=user, **form.cleaned_data)
        messages.success(request, "Your settings are saved.")
        return redirect("progress:account_settings")
    return render(
        request,
        "progress/account_settings.html",
        {"form": form, "profile": profile},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def download_data(request: HttpRequest) -> HttpResponse:
    data = json.dumps(selectors.learner_data(request.user), indent=2, ensure_ascii=False)
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
        services.account_delete(request)
        messages.success(request, "Your account and everything in it are deleted. Goodbye!")
        return redirect("roadmap:index")
    return render(
        request,
        "progress/delete_account.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
