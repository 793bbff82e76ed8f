"""The catalogue's filtering, sorting and per-value counts (facets).

Counts follow the usual faceted-search rule: the count next to a value is how
many courses you would see if you picked it, keeping your other filters. They
come from two small row queries, whatever the number of filters, values or
courses shown.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Lower

from courses.models import Course, StepCourse

#: The catalogue's filters, each counted per value (CatalogueFilterForm has a field each).
FACETS = ("stage", "format", "level", "price", "provider")

SORTS = {
    "title": ("Title, A to Z", ("title", "id")),
    "level": ("Level, beginner first", ("level_rank", "title", "id")),
    "short": ("Shortest first", (F("duration_hours").asc(nulls_last=True), "title", "id")),
    "free": ("Free first", ("paid_rank", "title", "id")),
    "provider": ("Provider", (Lower("provider__name"), "title", "id")),
}
DEFAULT_SORT = "title"


def _rank(field: str, order: list[str]) -> Case:
    whens = [When(**{field: value}, then=Value(i)) for i, value in enumerate(order)]
    return Case(*whens, default=Value(len(order)), output_field=IntegerField())


def filtered_courses(filters: dict[str, str], sort: str = DEFAULT_SORT) -> QuerySet[Course]:
    """Published courses matching every filter, in the chosen order."""
    courses = Course.objects.published().select_related("provider")
    if stage := filters.get("stage"):
        courses = courses.filter(
            step_links__step__stage__slug=stage, step_links__step__is_published=True
        ).distinct()
    if fmt := filters.get("format"):
        courses = courses.filter(format=fmt)
    if level := filters.get("level"):
        courses = courses.filter(level=level)
    if provider := filters.get("provider"):
        courses = courses.filter(provider__slug=provider)
    if filters.get("price") == "free":
        courses = courses.free()
    elif filters.get("price") == "paid":
        courses = courses.paid()
    courses = courses.annotate(
        level_rank=_rank("level", Course.Level.values),
        paid_rank=_rank("pricing", [Course.Pricing.FREE, Course.Pricing.FREE_CERTIFICATE]),
    )
    return courses.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT])[1])


@dataclass(frozen=True)
class _Row:
    """What the facets need to know about one published course."""

    stages: frozenset[str]
    values: dict[str, str]

    def matches(self, filters: dict[str, str], skip: str) -> bool:
        for name, wanted in filters.items():
            if name == skip or not wanted:
                continue
            if name == "stage":
                if wanted not in self.stages:
                    return False
            elif self.values[name] != wanted:
                return False
        return True

    def facet_values(self, name: str) -> set[str]:
        return set(self.stages) if name == "stage" else {self.values[name]}


def _rows() -> list[_Row]:
    stage_pairs = StepCourse.objects.filter(
        step__is_published=True, course__is_published=True
    ).values_list("course_id", "step__stage__slug")
    stages: dict[int, set[str]] = {}
    for course_id, slug in stage_pairs:
        stages.setdefault(course_id, set()).add(slug)
    courses = Course.objects.published().values_list(
        "pk", "format", "level", "pricing", "provider__slug"
    )
    return [
        _Row(
            stages=frozenset(stages.get(pk, ())),
            values={
                "format": fmt,
                "level": level,
                "price": "paid" if pricing == Course.Pricing.PAID else "free",
                "provider": provider,
            },
        )
        for pk, fmt, level, pricing, provider in courses
    ]


def facet_counts(filters: dict[str, str]) -> dict[str, Counter]:
    """For each filter, how many courses each of its values would show with the other filters."""
    rows = _rows()
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    for row in rows:
        for name in FACETS:
            if row.matches(filters, skip=name):
                counts[name].update(row.facet_values(name))
                counts[name][""] += 1
    return counts
