"""Content 2.0 over a database seeded before it: learners keep their data, nothing is duplicated.

Fixtures find a step by (stage slug, step slug), so a step that moves stage in the fixtures
is a new row to `loaddata`, and `loaddata` never deletes. Migration 0005 moves the existing
rows first and retires the course links the new fixtures drop.
"""

import importlib

import pytest
from django.apps import apps

from courses.models import Course, CourseFeedback, Provider, StepCourse
from progress import selectors, services
from roadmap.models import Stage, Step
from tests.support import load_seed

migration = importlib.import_module("roadmap.migrations.0005_content_2_reorganisation")

pytestmark = pytest.mark.django_db


def put_back_where_the_old_fixtures_had_them() -> list[Step]:
    """The seeded roadmap as a database seeded before Content 2.0 has it."""
    for (old_stage, old_slug), (new_stage, new_slug) in migration.MOVES.items():
        Step.objects.filter(stage__slug=new_stage, slug=new_slug).update(
            stage=Stage.objects.get(slug=old_stage), slug=old_slug
        )
    return [Step.objects.get(stage__slug=stage, slug=slug) for stage, slug in migration.MOVES]


def test_reseeding_after_the_migration_keeps_progress_and_duplicates_nothing(seeded, alice):
    moved = put_back_where_the_old_fixtures_had_them()
    for step in moved:
        services.progress_set(user=alice, step=step, status="done")
    steps = Step.objects.count()

    migration.forwards(apps, None)
    load_seed()

    assert Step.objects.count() == steps
    assert selectors.statuses_for(alice) == {step.pk: "done" for step in moved}
    for step, (stage, slug) in zip(moved, migration.MOVES.values(), strict=True):
        step.refresh_from_db()
        assert (step.stage.slug, step.slug) == (stage, slug)
        assert step.is_published


def test_without_the_migration_reseeding_would_duplicate_the_moved_steps(seeded):
    put_back_where_the_old_fixtures_had_them()
    steps = Step.objects.count()

    load_seed()

    assert Step.objects.count() == steps + len(migration.MOVES)


def test_it_does_nothing_on_an_empty_or_already_moved_roadmap(seeded):
    before = list(Step.objects.values_list("pk", "stage__slug", "slug").order_by("pk"))

    migration.forwards(apps, None)

    assert list(Step.objects.values_list("pk", "stage__slug", "slug").order_by("pk")) == before


def test_it_leaves_an_editors_step_in_the_new_place_alone(seeded):
    put_back_where_the_old_fixtures_had_them()
    old = Step.objects.get(stage__slug="backend-frameworks", slug="how-the-web-works")
    editors = Step.objects.create(
        stage=Stage.objects.get(slug="frontend-basics"), slug="how-the-web-works", title="Mine"
    )

    migration.forwards(apps, None)

    old.refresh_from_db()
    editors.refresh_from_db()
    assert old.stage.slug == "backend-frameworks"
    assert editors.title == "Mine"


def test_it_can_be_reversed(seeded):
    before = dict(Step.objects.values_list("pk", "stage__slug"))

    migration.backwards(apps, None)
    assert Step.objects.filter(stage__slug="databases", slug="mysql").exists()
    migration.forwards(apps, None)

    assert dict(Step.objects.values_list("pk", "stage__slug")) == before


def link_retired_courses_as_before() -> None:
    """Content 2.0 retired these; Content 3.0 retired more, so some courses are gone by now."""
    provider = Provider.objects.get(slug="udemy")
    for stage, step, slug in migration.RETIRED_LINKS:
        course, _ = Course.objects.get_or_create(
            slug=slug, defaults={"title": slug, "url": "https://example.com/", "provider": provider}
        )
        StepCourse.objects.create(
            step=Step.objects.get(stage__slug=stage, slug=step), course=course, position=9
        )


def test_it_retires_the_links_and_the_course_content_2_drops(seeded):
    link_retired_courses_as_before()

    migration.forwards(apps, None)
    load_seed()

    for stage, step, course in migration.RETIRED_LINKS:
        assert not StepCourse.objects.filter(
            step__stage__slug=stage, step__slug=step, course__slug=course
        ).exists()
    assert not Course.objects.filter(slug__in=migration.RETIRED_COURSES).exists()


def test_a_retired_course_with_learners_votes_is_unpublished_not_deleted(seeded, alice):
    link_retired_courses_as_before()
    course = Course.objects.get(slug=migration.RETIRED_COURSES[0])
    CourseFeedback.objects.create(course=course, user=alice, is_helpful=True)

    migration.forwards(apps, None)

    course.refresh_from_db()
    assert not course.is_published
    assert CourseFeedback.objects.filter(course=course).exists()
