"""The learner's models moved from roadmap to progress (issue 12) without losing a row.

The test takes the test database back to the schema before the move
(roadmap 0005, no progress app), fills it through the historical models as a
live site would be, migrates forward, and reads every row through today's models.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from progress.models import LearnerProfile, ProgressEvent, ProjectLink, StepNote, StepProgress
from tests.support import migrate

BEFORE_THE_MOVE = [("roadmap", "0005_content_2_reorganisation")]
LEARNER_MODELS = ["stepprogress", "progressevent", "stepnote", "projectlink", "learnerprofile"]
WHEN = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)


def fill(apps) -> dict:
    """What a live site holds today: two learners' progress, activity, notes, projects."""
    User = apps.get_model("auth", "User")
    Stage, Step = apps.get_model("roadmap", "Stage"), apps.get_model("roadmap", "Step")
    model = {name: apps.get_model("roadmap", name) for name in LEARNER_MODELS}
    stage = Stage.objects.create(title="Old stage", slug="old-stage", position=99)
    first, second = (
        Step.objects.create(stage=stage, title=f"Old step {n}", slug=f"old-{n}", position=n)
        for n in (1, 2)
    )
    ada, grace = (User.objects.create(username=name, email=f"{name}@example.com") for name in
                  ("ada", "grace"))  # fmt: skip
    model["stepprogress"].objects.bulk_create([
        model["stepprogress"](user=ada, step=first, status="done"),
        model["stepprogress"](user=ada, step=second, status="in_progress"),
        model["stepprogress"](user=grace, step=first, status="skipped"),
    ])  # fmt: skip
    model["progressevent"].objects.bulk_create(
        model["progressevent"](user=ada, step=step, status=status, created_at=WHEN)
        for step, status in ((first, "in_progress"), (first, "done"), (second, "reset"))
    )
    model["stepnote"].objects.create(user=ada, step=first, body="My *note*.")
    model["projectlink"].objects.create(
        user=grace, step=second, repository_url="https://example.com/grace/app"
    )
    model["learnerprofile"].objects.create(user=ada, is_public=True, time_zone="Europe/Paris")
    content_types = {
        name: ContentType.objects.get(app_label="roadmap", model=name).pk for name in LEARNER_MODELS
    }
    return {"ada": ada.pk, "grace": grace.pk, "first": first.pk, "second": second.pk,
            "content_types": content_types}  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_every_learner_row_and_permission():
    old = migrate(BEFORE_THE_MOVE)
    assert not old.is_installed("progress")
    ids = fill(old)

    migrate()

    ada, grace, first, second = ids["ada"], ids["grace"], ids["first"], ids["second"]
    progress = StepProgress.objects.values_list("user_id", "step_id", "status")
    assert sorted(progress) == sorted(
        [(ada, first, "done"), (ada, second, "in_progress"), (grace, first, "skipped")]
    )
    assert sorted(ProgressEvent.objects.values_list("step_id", "status", "created_at")) == sorted(
        [(first, "in_progress", WHEN), (first, "done", WHEN), (second, "reset", WHEN)]
    )
    assert list(StepNote.objects.values_list("user_id", "step_id", "body")) == [
        (ada, first, "My *note*.")
    ]
    assert list(ProjectLink.objects.values_list("user_id", "step_id", "repository_url")) == [
        (grace, second, "https://example.com/grace/app")
    ]
    assert list(LearnerProfile.objects.values_list("user_id", "is_public", "time_zone")) == [
        (ada, True, "Europe/Paris")
    ]

    for name in LEARNER_MODELS:  # permissions (none of them the Editors') follow the models
        content_type = ContentType.objects.get(app_label="progress", model=name)
        assert content_type.pk == ids["content_types"][name]
        assert Permission.objects.filter(content_type=content_type).count() == 4
    assert not ContentType.objects.filter(app_label="roadmap", model__in=LEARNER_MODELS).exists()
