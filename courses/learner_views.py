"""Learners' say on a course: report a bad link, vote helpful or not helpful."""

from collections.abc import Callable
from functools import wraps
from typing import cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from courses import services
from courses.models import Course, LinkReport
from roadmap_site.http import AuthenticatedHttpRequest, safe_next

VOTES = {"helpful": True, "not_helpful": False}

CourseView = Callable[[AuthenticatedHttpRequest, Course], None]


def learner_post_on_course(view: CourseView) -> Callable[[HttpRequest, str], HttpResponse]:
    """POST only, on a published course, by a signed-in learner; then back where they were.

    The wrapped view gets the course and says how it went in a flash message.
    """

    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str) -> HttpResponse:
        course = get_object_or_404(Course.objects.published(), slug=slug)
        back = safe_next(request, request.POST.get("next", ""), course.get_absolute_url())
        if not request.user.is_authenticated:
            return redirect_to_login(back)
        view(cast(AuthenticatedHttpRequest, request), course)
        return redirect(back)

    return wrapper


def _near(request: HttpRequest, course: Course) -> str:
    """The course's own card when the browser goes back to it (includes/messages.html)."""
    place = f"course-{course.slug}"
    return place if request.POST.get("next", "").endswith(f"#{place}") else ""


@learner_post_on_course
def report_link(request: AuthenticatedHttpRequest, course: Course) -> None:
    """Report a course's link as broken or out of date, once per learner and course."""
    reason = request.POST.get("reason", "")
    if reason not in LinkReport.Reason.values:
        messages.error(
            request,
            "Choose whether the link is broken or the content out of date.",
            extra_tags=_near(request, course),
        )
    elif services.report_link(user=request.user, course=course, reason=reason):
        messages.success(
            request,
            f"Thanks: editors will check “{course.title}”.",
            extra_tags=_near(request, course),
        )
    else:
        messages.info(
            request,
            f"You have already reported “{course.title}”; editors will see it.",
            extra_tags=_near(request, course),
        )


@learner_post_on_course
def vote(request: AuthenticatedHttpRequest, course: Course) -> None:
    """Mark a course helpful or not helpful; voting again changes the learner's one vote."""
    choice = request.POST.get("vote", "")
    if choice not in VOTES:
        messages.error(request, "Choose helpful or not helpful.", extra_tags=_near(request, course))
        return
    services.vote(user=request.user, course=course, is_helpful=VOTES[choice])
    label = "helpful" if VOTES[choice] else "not helpful"
    messages.success(
        request, f"Thanks: you marked “{course.title}” {label}.", extra_tags=_near(request, course)
    )
