"""Content 3.0 over a database seeded before it: learners keep their data, nothing is duplicated.

Migration 0009 moves two steps, splits two, and retires the self-checks and course links the new
fixtures drop. These tests put a seeded database back the way the old fixtures left it, fill it
with a learner's real rows (progress, ticks, notes), run the migration and `seed` again, and read
where everything ended up. The last test does the same through the migration executor, with the
historical models a live site would migrate with.
"""

import importlib

import pytest
from django.apps import apps

from courses.models import Course, Provider, StepCourse
from progress import selectors, services
from progress.models import CheckpointTick, StepNote, StepProgress
from roadmap.models import Checkpoint, Stage, Step
from tests.support import load_seed

migration = importlib.import_module("roadmap.migrations.0009_content_3_reorganisation")

pytestmark = pytest.mark.django_db

OLD_TESTING = ("servers-apis-devops", "automated-testing")
OLD_CACHING = ("servers-apis-devops", "caching-and-background-jobs")
REGEX_CHECK = "extract-fields-from-text-with-a-regular-expression-that-uses"
CELERY_CHECK = "move-a-slow-task-such-as-sending-email-into-a-background"


def step_at(stage: str, slug: str) -> Step:
    return Step.objects.get(stage__slug=stage, slug=slug)


def put_back_where_the_old_fixtures_had_them() -> None:
    """The seeded roadmap as a database seeded before Content 3.0 has it."""
    for (old_stage, old_slug), (new_stage, new_slug) in migration.MOVES.items():
        Step.objects.filter(stage__slug=new_stage, slug=new_slug).update(
            stage=Stage.objects.get(slug=old_stage), slug=old_slug
        )
    for stage, slug, new_slug, _title, checkpoints in migration.SPLITS:
        source = step_at(*old_place(stage, slug))
        Checkpoint.objects.filter(step__slug=new_slug, slug__in=checkpoints).update(step=source)
        Step.objects.filter(stage__slug=stage, slug=new_slug).delete()
    for stage, step, slug in migration.RETIRED_CHECKPOINTS:
        Checkpoint.objects.create(step=step_at(stage, step), slug=slug, text=slug, position=9)
    provider = Provider.objects.get(slug="udemy")
    for stage, step, course in migration.RETIRED_LINKS:
        stage, step = old_place(stage, step)
        StepCourse.objects.get_or_create(
            step=step_at(stage, step),
            course=Course.objects.get_or_create(
                slug=course,
                defaults={"title": course, "url": "https://example.com/", "provider": provider},
            )[0],
            defaults={"position": 9},
        )


def old_place(stage: str, slug: str) -> tuple[str, str]:
    """Where a step of the new fixtures lived before Content 3.0."""
    before = {after: before for before, after in migration.MOVES.items()}
    return before.get((stage, slug), (stage, slug))


@pytest.fixture
def old_roadmap(seeded):
    put_back_where_the_old_fixtures_had_them()


def test_reseeding_after_the_migration_keeps_every_learner_row_and_duplicates_nothing(
    old_roadmap, alice, bob
):
    testing, caching = step_at(*OLD_TESTING), step_at(*OLD_CACHING)
    intermediate = step_at("python-fundamentals", "intermediate-python")
    services.progress_set(user=alice, step=testing, status="done")
    services.progress_set(user=alice, step=caching, status="done")
    services.progress_set(user=alice, step=intermediate, status="in_progress")
    services.progress_set(user=bob, step=intermediate, status="skipped")
    for checkpoint in (
        intermediate.checkpoints.get(slug=REGEX_CHECK),
        caching.checkpoints.get(slug=CELERY_CHECK),
    ):
        CheckpointTick.objects.create(user=alice, checkpoint=checkpoint)
    StepNote.objects.create(user=alice, step=caching, body="Redis notes")

    migration.forwards(apps, None)
    load_seed()

    seeded_steps = Step.objects.values_list("stage__slug", "slug")
    assert len(seeded_steps) == len(set(seeded_steps))
    assert not Step.objects.filter(slug__in=["caching-and-background-jobs"]).exists()
    background = step_at("servers-apis-devops", "background-jobs")
    regex = step_at("python-fundamentals", "regex-logging-and-dates")
    assert selectors.statuses_for(alice) == {
        testing.pk: "done",
        caching.pk: "done",
        background.pk: "done",
        intermediate.pk: "in_progress",
        regex.pk: "in_progress",
    }
    assert selectors.statuses_for(bob) == {intermediate.pk: "skipped", regex.pk: "skipped"}
    assert step_at("backend-frameworks", "automated-testing").pk == testing.pk
    assert step_at("servers-apis-devops", "caching").pk == caching.pk
    ticked = CheckpointTick.objects.filter(user=alice).values_list(
        "checkpoint__step", "checkpoint__slug"
    )
    assert sorted(ticked) == sorted([(regex.pk, REGEX_CHECK), (background.pk, CELERY_CHECK)])
    assert StepNote.objects.get(user=alice).step_id == caching.pk
    assert background.body and background.is_published and background.checkpoints.count() >= 3


def test_it_retires_the_self_checks_and_links_content_3_drops(old_roadmap, alice):
    _stage, step, slug = migration.RETIRED_CHECKPOINTS[0]
    CheckpointTick.objects.create(
        user=alice, checkpoint=Checkpoint.objects.get(step__slug=step, slug=slug)
    )

    migration.forwards(apps, None)
    load_seed()

    checkpoints = Checkpoint.objects.values_list("step__stage__slug", "step__slug", "slug")
    assert not set(checkpoints) & set(migration.RETIRED_CHECKPOINTS)
    assert not CheckpointTick.objects.exists()
    links = StepCourse.objects.values_list("step__stage__slug", "step__slug", "course__slug")
    assert not set(links) & set(migration.RETIRED_LINKS)
    assert not Course.objects.filter(slug__in=migration.RETIRED_COURSES).exists()
    for step in Step.objects.published():
        assert 3 <= step.checkpoints.count() <= 6, step.slug


def test_without_the_migration_reseeding_would_duplicate_the_moved_steps(old_roadmap):
    load_seed()

    assert Step.objects.filter(slug="automated-testing").count() == 2
    assert Step.objects.filter(slug__in=["caching", "caching-and-background-jobs"]).count() == 2


def test_it_does_nothing_on_an_empty_or_already_migrated_roadmap(seeded, alice):
    step = step_at("servers-apis-devops", "caching")
    services.progress_set(user=alice, step=step, status="done")
    before = (
        list(Step.objects.values_list("pk", "stage__slug", "slug").order_by("pk")),
        list(Checkpoint.objects.values_list("pk", "step_id").order_by("pk")),
        list(StepProgress.objects.values_list("user_id", "step_id", "status").order_by("pk")),
    )

    migration.forwards(apps, None)

    assert (
        list(Step.objects.values_list("pk", "stage__slug", "slug").order_by("pk")),
        list(Checkpoint.objects.values_list("pk", "step_id").order_by("pk")),
        list(StepProgress.objects.values_list("user_id", "step_id", "status").order_by("pk")),
    ) == before


def test_it_leaves_an_editors_steps_in_the_new_places_alone(old_roadmap, alice):
    caching = step_at(*OLD_CACHING)
    services.progress_set(user=alice, step=caching, status="done")
    stage = Stage.objects.get(slug="backend-frameworks")
    editors = Step.objects.create(stage=stage, slug="automated-testing", title="Mine")
    Step.objects.create(stage=caching.stage, slug="background-jobs", title="Also mine")
    services_before = selectors.statuses_for(alice)

    migration.forwards(apps, None)

    assert step_at(*OLD_TESTING).stage.slug == "servers-apis-devops"
    editors.refresh_from_db()
    assert editors.title == "Mine"
    assert step_at("servers-apis-devops", "background-jobs").title == "Also mine"
    assert selectors.statuses_for(alice) == services_before  # nothing copied onto the editor's step
    assert step_at("servers-apis-devops", "caching").checkpoints.filter(slug=CELERY_CHECK).exists()


def test_it_can_be_reversed_and_applied_again(old_roadmap, alice):
    caching = step_at(*OLD_CACHING)
    services.progress_set(user=alice, step=caching, status="done")
    CheckpointTick.objects.create(user=alice, checkpoint=caching.checkpoints.get(slug=CELERY_CHECK))
    migration.forwards(apps, None)
    after = list(Step.objects.values_list("pk", "stage__slug", "slug").order_by("pk"))

    migration.backwards(apps, None)

    assert step_at(*OLD_CACHING).pk == caching.pk
    assert step_at(*OLD_TESTING).stage.slug == "servers-apis-devops"
    background = step_at("servers-apis-devops", "background-jobs")  # split steps stay, data and all
    assert CheckpointTick.objects.get(user=alice).checkpoint.step_id == background.pk
    assert selectors.statuses_for(alice) == {caching.pk: "done", background.pk: "done"}
    migration.forwards(apps, None)
    assert list(Step.objects.values_list("pk", "stage__slug", "slug").order_by("pk")) == after
