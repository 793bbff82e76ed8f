"""Reads of the catalogue's links from steps to courses, with a learner's marks on them."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from courses.models import CourseFeedback, LinkReport, StepCourse


def course_links(*, include_drafts: bool = False) -> QuerySet[StepCourse]:
    """Course links, free ones first, with their course and provider; drafts for editors."""
    links = StepCourse.objects.all() if include_drafts else StepCourse.objects.published()
    return links.free_first().select_related("course__provider")


def with_learner_marks(
    links: QuerySet[StepCourse], *, user: User | AnonymousUser
) -> list[StepCourse]:
    """The links, each course carrying the learner's `my_vote` (True, False or None) and
    `my_report`, read in the same query."""
    if user.is_authenticated:
        mine = {"course": OuterRef("course_id"), "user": user}
        links = links.annotate(
            my_vote=Subquery(CourseFeedback.objects.filter(**mine).values("is_helpful")[:1]),
            my_report=Exists(LinkReport.objects.filter(**mine)),
        )
    marked = list(links)
    for link in marked:
        link.course.my_vote = getattr(link, "my_vote", None)
        link.course.my_report = getattr(link, "my_report", False)
    return marked


def learner_course_marks(user: User) -> dict[str, list[dict]]:
    """A learner's votes on courses and their link reports, as plain data (the data export)."""
    votes = CourseFeedback.objects.filter(user=user).order_by("course__slug")
    reports = LinkReport.objects.filter(user=user).order_by("created_at", "pk")
    return {
        "course_votes": [
            {"course": slug, "helpful": helpful, "updated_at": updated_at.isoformat()}
            for slug, helpful, updated_at in votes.values_list(
                "course__slug", "is_helpful", "updated_at"
            )
        ],
        "link_reports": [
            {
                "course": slug,
                "reason": reason,
                "reported_at": created_at.isoformat(),
                "resolved": resolved,
            }
            for slug, reason, created_at, resolved in reports.values_list(
                "course__slug", "reason", "created_at", "is_resolved"
            )
        ],
    }
