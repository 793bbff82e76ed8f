"""What learners tell editors about a course: link reports and helpful votes."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from courses.models import Course, CourseFeedback, LinkReport, StepCourse


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


def with_learner_marks(
    links: QuerySet[StepCourse], user: AbstractBaseUser | AnonymousUser
) -> list[StepCourse]:
    """The links, each course carrying the learner's `my_vote` (True, False or None) and
    `my_report`, read in the same query."""
    if user.is_authenticated:
        mine = {"course": OuterRef("course_id"), "user": user}
        links = links.annotate(
            my_vote=Subquery(CourseFeedback.objects.filter(**mine).values("is_helpful")[:1]),
            my_report=Exists(LinkReport.objects.filter(**mine)),
        )
    links = list(links)
    for link in links:
        link.course.my_vote = getattr(link, "my_vote", None)
        link.course.my_report = getattr(link, "my_report", False)
    return links
