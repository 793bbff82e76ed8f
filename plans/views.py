"""The study plan's page: what the plan shows, and the form that sets it."""

import copy

from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods

from plans import selectors, services
from plans.forms import PlanForm
from plans.models import Plan
from roadmap_site.http import wants_json

SAVED = "Your plan is saved."
REFUSED = "Nothing was saved: check the form."


@require_http_methods(["GET", "HEAD", "POST"])
def plan(request: HttpRequest) -> HttpResponse:
    """The learner's plan and its form; for anyone signed out, what a plan does.

    With JavaScript (Accept: application/json), a POST answers with the outlook and the
    form rendered afresh, which plans/static/plans/plan.js puts in place.
    """
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(request, "plans/plan.html")
    seen = selectors.outlook(request.user)
    form = _form_for(request.user, seen, data=request.POST if request.method == "POST" else None)
    answer_json = wants_json(request)
    if request.method == "POST" and form.is_valid():
        services.plan_save(user=request.user, **form.cleaned_data)
        if not answer_json:
            messages.success(request, SAVED)
            return redirect("plans:plan")
        seen = selectors.outlook(request.user)
        form = _form_for(request.user, seen)
    context = {"outlook": seen, "form": form}
    status = 400 if form.errors else 200
    if answer_json and request.method == "POST":
        return JsonResponse(
            {
                "message": REFUSED if form.errors else SAVED,
                "outlook": render_to_string("plans/_outlook.html", context, request=request),
                "form": render_to_string("plans/_plan_form.html", context, request=request),
            },
            status=status,
        )
    return render(request, "plans/plan.html", context, status=status)


def _form_for(user: User, seen: selectors.Outlook, *, data: QueryDict | None = None) -> PlanForm:
    # A copy: a refused form changes the instance it validated, and the outlook shows it.
    instance = copy.copy(seen.plan) if seen.plan else Plan(user=user)
    return PlanForm(data, instance=instance, today=seen.today)
