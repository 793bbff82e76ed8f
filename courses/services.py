"""Writes of what learners tell editors about a course: link reports and helpful votes."""

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from courses.models import Course, CourseFeedback, LinkReport


def report_link(*, user: User, course: Course, reason: str) -> bool:
    """Record a learner's report on a course link. Returns False if they had reported it."""
    if LinkReport.objects.filter(user=user, course=course).exists():
        return False
    try:
        with transaction.atomic():
            LinkReport.objects.create(user=user, course=course, reason=reason)
    except IntegrityError:  # the same report sent twice at once
        return False
    return True


def vote(*, user: User, course: Course, is_helpful: bool) -> None:
    """Set the learner's one vote on a course; voting again changes it."""
    CourseFeedback.objects.update_or_create(
        user=user, course=course, defaults={"is_helpful": is_helpful}
    )
