"""Site search over published steps and courses.

On PostgreSQL it uses full-text search with ranking (title weighs most, then
summary or provider, then body or description), computed on the fly so no
migration or index is needed at this size. Elsewhere (SQLite in development
and in half of CI) every word must start a word somewhere, case-insensitively
("orm" finds "ORMs", not "forms"), and the results rank by where the words
are: the title first, then the summary or provider, then the rest.
"""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import add, and_, or_

from django.db import connection
from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
    When,
)

from courses.models import Course
from roadmap.models import Checkpoint, Step

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 50
MAX_WORDS = 12
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# "outcomes": the step's self-checks, joined (see search()).
STEP_FIELDS = ("title", "summary", "body", "outcomes")
COURSE_FIELDS = ("title", "provider__name", "description")


@dataclass
class SearchResults:
    """What one search found, with what was done to the query on the way."""

    query: str = ""
    truncated: bool = False
    steps: list[Step] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.steps) + len(self.courses)


def clean_query(raw: str) -> tuple[str, bool]:
    """The query without control characters or runs of spaces, cut to MAX_QUERY_LENGTH.

    Returns the cleaned query and whether it had to be cut.
    """
    text = " ".join(_CONTROL.sub(" ", raw or "").split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, False
    return text[:MAX_QUERY_LENGTH].rstrip(), True


def _word_start(text: str) -> str:
    """A regex for text not after a letter or digit: "orm" matches "ORMs", never "forms"."""
    return rf"(?<!\w){re.escape(text)}"


def _uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def _ranked(queryset: QuerySet, fields: tuple[str, ...], query: str) -> QuerySet:
    """PostgreSQL: full-text match on all fields, or a title with a word starting so."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    weights = ("A", "B", "C", "C")
    vector = reduce(
        add,
        (
            SearchVector(name, weight=w, config="english")
            for name, w in zip(fields, weights[: len(fields)], strict=True)
        ),
    )
    search_query = SearchQuery(query, search_type="websearch", config="english")
    return (
        queryset.annotate(document=vector, rank=SearchRank(vector, search_query))
        .filter(Q(document=search_query) | Q(title__iregex=_word_start(query)))
        .order_by("-rank", "title", "pk")
    )


def _every_word_somewhere(queryset: QuerySet, fields: tuple[str, ...], query: str) -> QuerySet:
    """The portable fallback: each word starts a word in some field; title matches first."""
    words = query.split()[:MAX_WORDS]
    starts = [_word_start(word) for word in words]
    found = [reduce(or_, (Q(**{f"{name}__iregex": s}) for name in fields)) for s in starts]
    title, second = fields[0], fields[1]
    weight = [  # each word scores by the best place it is in: title 4, second field 2, else 1
        Case(
            When(Q(**{f"{title}__iregex": s}), then=Value(4)),
            When(Q(**{f"{second}__iregex": s}), then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
        for s in starts
    ]
    return (
        queryset.filter(reduce(and_, found))
        .annotate(score=sum(weight[1:], start=weight[0]))
        .order_by(F("score").desc(), "title", "pk")
    )


def _matching(queryset: QuerySet, fields: tuple[str, ...], query: str) -> list:
    find = _ranked if _uses_postgres() else _every_word_somewhere
    return list(find(queryset, fields, query)[:MAX_RESULTS])


def search(raw_query: str) -> SearchResults:
    """Find published steps and courses for what a visitor typed. Two queries at most."""
    query, truncated = clean_query(raw_query)
    results = SearchResults(query=query, truncated=truncated)
    if not query:
        return results
    # A step's self-checks are part of its text, as they were when they lived in its body.
    outcomes = (
        Checkpoint.objects.filter(step=OuterRef("pk"))
        .values("step")
        .annotate(texts=StringAgg("text", delimiter=Value(" ")))
        .values("texts")
    )
    steps = Step.objects.published().select_related("stage").annotate(outcomes=Subquery(outcomes))
    courses = Course.objects.published().select_related("provider")
    results.steps = _matching(steps, STEP_FIELDS, query)
    results.courses = _matching(courses, COURSE_FIELDS, query)
    return results
