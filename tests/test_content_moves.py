"""Content 2.0 moved seeded steps between stages: a database seeded before keeps its learners' data.

Fixtures find a step by (stage slug, step slug), so a step that moves stage in the fixtures
is a new row to `loaddata`. Migration 0005 moves the existing rows first.
"""

import importlib

import pytest
from django.apps import apps

from roadmap import services
from roadmap.models import Stage, Step
from tests.conftest import load_seed

migration = importlib.import_module("roadmap.migrations.0005_content_2_moves_steps")

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
    assert services.statuses_for(alice) == {step.pk: "done" for step in moved}
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
