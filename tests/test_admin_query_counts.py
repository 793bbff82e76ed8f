"""No admin list page queries once per row: the count stays the same with ten times the rows.

Run with -s to see the counts.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import CourseFeedback, LinkReport, Provider
from progress.models import CheckpointTick
from roadmap.models import Checkpoint

CHANGELISTS = [
    "roadmap_stage",
    "roadmap_step",
    "roadmap_checkpoint",
    "courses_provider",
    "courses_course",
    "courses_linkreport",
    "courses_coursefeedback",
]
SMALL = {"stages": 1, "steps": 3, "checkpoints_per_step": 3}
TEN_TIMES_MORE = {"stages": 10, "steps": 3, "checkpoints_per_step": 3}


def learner_input(users, roadmap) -> None:
    """Every learner reports and votes on every course of the roadmap, and ticks every
    checkpoint."""
    for user in users:
        CheckpointTick.objects.bulk_create(
            CheckpointTick(user=user, checkpoint=checkpoint)
            for checkpoint in Checkpoint.objects.filter(step__in=roadmap.steps)
        )
        LinkReport.objects.bulk_create(
            LinkReport(user=user, course=course, reason="broken") for course in roadmap.courses
        )
        CourseFeedback.objects.bulk_create(
            CourseFeedback(user=user, course=course, is_helpful=course.pk % 2 == 0)
            for course in roadmap.courses
        )


def count(client, name: str) -> tuple[int, int]:
    url = reverse(f"admin:{name}_changelist")
    client.get(url)  # warm up once-per-process lookups
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


@pytest.mark.parametrize("name", CHANGELISTS)
def test_the_admin_list_query_count_does_not_grow(charlie_client, alice, bob, make_roadmap, name):
    learner_input([alice, bob], make_roadmap(**SMALL))
    before, rows_before = count(charlie_client, name)

    learner_input([alice, bob], make_roadmap(**TEN_TIMES_MORE))
    Provider.objects.bulk_create(Provider(name=f"P{n}", slug=f"p-{n}") for n in range(10))
    after, rows_after = count(charlie_client, name)

    print(f"\nadmin {name:<24}: {before} queries for {rows_before} rows, {after} for {rows_after}")
    assert rows_after >= 9 * rows_before  # the page really has (about) ten times the rows
    assert after == before
