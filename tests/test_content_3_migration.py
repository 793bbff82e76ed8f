"""Migration 0009 on a live database: the learners' rows of the old roadmap carried across.

The test takes the test database back to roadmap 0008, fills it through the historical models
as a site seeded before Content 3.0 would be, migrates forward, and reads the rows through
today's models. (It needs its own module: the `seeded` fixture holds a transaction open for a
whole module, and SQLite cannot change a schema inside one.)
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from progress.models import CheckpointTick, StepProgress
from roadmap.models import Step

CELERY_CHECK = "move-a-slow-task-such-as-sending-email-into-a-background"


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    state = executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return state.apps


@pytest.mark.django_db(transaction=True)
def test_a_live_database_migrates_with_its_learners_rows():
    old = migrate([("roadmap", "0008_checkpoints_from_step_bodies")])
    OldStage, OldStep = old.get_model("roadmap", "Stage"), old.get_model("roadmap", "Step")
    OldCheckpoint, OldUser = old.get_model("roadmap", "Checkpoint"), old.get_model("auth", "User")
    OldProgress = old.get_model("progress", "StepProgress")
    OldTick = old.get_model("progress", "CheckpointTick")
    servers = OldStage.objects.create(title="Servers", slug="servers-apis-devops", position=5)
    OldStage.objects.create(title="Frameworks", slug="backend-frameworks", position=4)
    caching = OldStep.objects.create(stage=servers, slug="caching-and-background-jobs", title="C")
    testing = OldStep.objects.create(stage=servers, slug="automated-testing", title="T", position=2)
    celery = OldCheckpoint.objects.create(
        step=caching, slug=CELERY_CHECK, text="Celery", position=1
    )
    ada = OldUser.objects.create(username="ada", email="ada@example.com")
    OldProgress.objects.create(user=ada, step=caching, status="done")
    OldProgress.objects.create(user=ada, step=testing, status="skipped")
    OldTick.objects.create(user=ada, checkpoint=celery)

    migrate()

    background = Step.objects.get(slug="background-jobs")
    assert (
        Step.objects.get(stage__slug="backend-frameworks", slug="automated-testing").pk,
        background.stage_id,
    ) == (
        testing.pk,
        servers.pk,
    )
    assert Step.objects.get(stage__slug="servers-apis-devops", slug="caching").pk == caching.pk
    assert sorted(StepProgress.objects.values_list("step_id", "status")) == sorted(
        [(caching.pk, "done"), (testing.pk, "skipped"), (background.pk, "done")]
    )
    assert CheckpointTick.objects.get().checkpoint.step_id == background.pk
