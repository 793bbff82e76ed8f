"""What learners tell editors about a course: link reports and helpful votes."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery

from courses.models import Course, CourseFeedback, LinkReport


def report_link(*, user: AbstractBaseUser, course: Course, reason: str) -> bool:
    """Record a learner's report on a course link. Returns False if they had reported it."""
    if LinkReport.objects.filter(user=user, course=course).exists():
        return False
    try:
        with transaction.atomic():
            LinkReport.objects.create(user=user, course=course, reason=reason)
    except IntegrityError:  # the same report sent twice at once
        return False
    return True


def vote(*, user: AbstractBaseUser, course: Course, is_helpful: bool) -> None:
    """Set the learner's one vote on a course; voting again changes it."""
    CourseFeedback.objects.update_or_create(
        user=user, course=course, defaults={"is_helpful": is_helpful}
    )


def attach_learner_marks(user: AbstractBaseUser | AnonymousUser, courses: Iterable[Course]) -> None:
    """Set `my_vote` (True, False or None) and `my_report` on each course, in one query."""
    courses = list(courses)
    marks: dict[int, tuple[bool | None, bool]] = {}
    if user.is_authenticated and courses:
        mine = {"course": OuterRef("pk"), "user": user}
        marks = {
            pk: (vote, reported)
            for pk, vote, reported in Course.objects.filter(pk__in=[c.pk for c in courses])
            .annotate(
                my_vote=Subquery(CourseFeedback.objects.filter(**mine).values("is_helpful")[:1]),
                my_report=Exists(LinkReport.objects.filter(**mine)),
            )
            .values_list("pk", "my_vote", "my_report")
        }
    for course in courses:
        course.my_vote, course.my_report = marks.get(course.pk, (None, False))
