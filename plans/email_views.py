"""The weekly email's settings (a part of /accounts/settings/) and its unsubscribe page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from plans import weekly
from plans.email_forms import WeeklyEmailForm
from plans.models import Plan
from roadmap_site.http import AuthenticatedHttpRequest


def settings_section(request: AuthenticatedHttpRequest) -> str:
    """The weekly email's card on the settings page (one query: the plan)."""
    plan = Plan.objects.filter(user=request.user).first()
    return _section(request, WeeklyEmailForm(instance=plan))


def _section(request: HttpRequest, form: WeeklyEmailForm) -> str:
    # Without the request: the page's context processors have run once already.
    context = {"email_form": form, "csrf_token": get_token(request)}
    return render_to_string("plans/_email_settings.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def email_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Save the weekly email's settings, making the learner's plan row if there is none;
    sent back with errors, nothing is saved and the form says what to fix."""
    plan = Plan.objects.filter(user=request.user).first()
    form = WeeklyEmailForm(request.POST if request.method == "POST" else None, instance=plan)
    if request.method == "POST" and form.is_valid():
        Plan.objects.update_or_create(user=request.user, defaults=form.cleaned_data)
        on = form.cleaned_data["weekly_email"]
        messages.success(request, "Your weekly email is on." if on else "Your weekly email is off.")
        return redirect("progress:account_settings")
    status = 400 if form.errors else 200
    context = {"section": _section(request, form)}
    return render(request, "plans/email_settings.html", context, status=status)


# CSRF-exempt by necessity: a mail client's one-click unsubscribe (RFC 8058) is a POST with
# no cookie and no CSRF token. The signed token in the address is what authorises it, and
# all it can do is switch off that one learner's weekly email. A GET only shows a button,
# so link scanners that open every link in an email unsubscribe nobody.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id = weekly.user_id_from_token(token)
    except weekly.ExpiredToken:
        return _unsubscribe_page(request, "expired", status=400)
    except weekly.BadToken:
        return _unsubscribe_page(request, "bad", status=400)
    if not User.objects.filter(pk=user_id).exists():
        return _unsubscribe_page(request, "gone", status=404)
    if request.method == "POST":
        weekly.switch_off(user_id=user_id)
        return _unsubscribe_page(request, "done")
    return _unsubscribe_page(request, "confirm")


def _unsubscribe_page(request: HttpRequest, state: str, *, status: int = 200) -> HttpResponse:
    return render(request, "plans/unsubscribe.html", {"state": state}, status=status)
