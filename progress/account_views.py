"""A learner's public progress page and badge, settings, data export and account deletion."""

import json
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from progress import export, selectors, services
from progress.forms import USERNAME_TAKEN, AccountSettingsForm, DeleteAccountForm
from progress.models import LearnerProfile, StepProgress
from roadmap_site.http import AuthenticatedHttpRequest


@require_safe
def public_progress(request: HttpRequest, username: str) -> HttpResponse:
    learner = selectors.public_learner(username)
    mine = selectors.roadmap_progress(learner)
    for stage in mine.stages:
        stage.done_steps = [  # type: ignore[attr-defined]
            s for s in stage.published_steps if s.status == StepProgress.Status.DONE
        ]
    return render(
        request,
        "progress/public_progress.html",
        {
            "learner": learner,
            "stages": mine.stages,
            "overall": mine.overall,
            "projects": selectors.public_projects(learner),
        },
    )


@require_safe
def progress_badge(request: HttpRequest, username: str) -> HttpResponse:
    """An SVG badge with the learner's overall percentage, for a GitHub README."""
    learner = selectors.public_learner(username)
    overall = selectors.roadmap_progress(learner).overall
    svg = render_to_string("progress/badge.svg", {"percent": overall.percent})
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


def learner_form_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in learner's own form: shown on GET, sent with POST, never cached."""
    return login_required(never_cache(require_http_methods(["GET", "HEAD", "POST"])(view)))


def _render_form(
    request: HttpRequest, template: str, form: Form, **context: object
) -> HttpResponse:
    """The form's page; a 400 when it comes back with errors."""
    status = 400 if form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


def account_settings(
    request: AuthenticatedHttpRequest, *, sections: Sequence[str] = ()
) -> HttpResponse:
    """The learner's settings, with `sections` (HTML) from later apps: roadmap_site/accounts.py
    routes the page here with the weekly email's, which posts to an address of its own."""
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
        try:
            services.account_update(user=user, **form.cleaned_data)
        except services.UsernameTaken:  # taken since the form checked
            form.add_error("username", USERNAME_TAKEN)
        else:
            messages.success(request, "Your settings are saved.")
            return redirect("progress:account_settings")
    return _render_form(
        request, "progress/account_settings.html", form, profile=profile, sections=sections
    )


def download_data(
    request: AuthenticatedHttpRequest, *, more: Mapping[str, object] = MappingProxyType({})
) -> HttpResponse:
    """The learner's data as a JSON file, with `more` of it from later apps (their groups):
    roadmap_site/accounts.py routes the download here with them."""
    exported = export.learner_data(request.user) | dict(more)
    data = json.dumps(exported, indent=2, ensure_ascii=False)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="roadmap-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


def delete_account(
    request: AuthenticatedHttpRequest, *, notices: Sequence[str] = ()
) -> HttpResponse:
    """Delete the account and every personal row (progress, notes, projects, activity, and
    by cascade what later apps keep: memberships and the study groups the learner owns).

    `notices` (HTML) say what else goes: roadmap_site/accounts.py routes the page here with
    the groups' notice."""
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.account_delete(request)
        messages.success(request, "Your account and everything in it are deleted. Goodbye!")
        return redirect("roadmap:index")
    return _render_form(request, "progress/delete_account.html", form, notices=notices)
