"""Issue 15: each step's "You can move on when you can…" list became checkpoints.

Like tests/test_migrations.py, the test takes the test database back to the schema
before checkpoints (roadmap 0007: the table exists, no checkpoint in it), writes
step bodies through the historical models as a live site holds them, migrates
forward, and reads the result through today's models; and back again.
"""

import importlib
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from roadmap.models import Checkpoint, Step
from tests.support import migrate, restore_seed

checkpoints_0008 = importlib.import_module("roadmap.migrations.0008_checkpoints_from_step_bodies")
content_3 = importlib.import_module("roadmap.migrations.0009_content_3_reorganisation")

BEFORE_CHECKPOINTS = [("roadmap", "0007_checkpoints")]
HEADING = "### You can move on when you can…"
FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "roadmap.json"

WITH_TEXT_AFTER = (
    "Intro.\n\n### You can move on when you can...\n\n- Do one thing.\n- Do another,\n"
    "  wrapped on two lines.\n\n* Do a *third*.\n\n### Going further\nRead more."
)
NESTED = f"Intro.\n\n{HEADING}\n- A parent\n  - a child\n- Another"
WITHOUT = "A body with no checklist.\n\n- Just a list.\n- Of two things."


def before_content_3(key: tuple[str, str]) -> tuple[str, str]:
    """Where a step of today's fixtures is once the database is back before 0008 (0009 moved it)."""
    return {after: before for before, after in content_3.MOVES.items()}.get(key, key)


def committed_checklists(as_first_written: bool = False) -> dict[tuple[str, str], list[str]]:
    """What the fixtures held before checkpoints: each step's bullets, rebuilt from the
    committed checkpoints (the reverse test checks that they were the bodies' lists).

    A self-check reworded since keeps the slug of its first text; `as_first_written` puts back
    a text that gives that slug, as the body of a database that old would hold it."""
    lists: dict[tuple[str, str], list[str]] = {}
    for obj in json.loads(FIXTURES.read_text()):
        if obj["model"] == "roadmap.checkpoint":
            text, slug = obj["fields"]["text"], obj["fields"]["slug"]
            if as_first_written and checkpoints_0008.slug_for(text, set()) != slug:
                text = slug.replace("-", " ")
            lists.setdefault(tuple(obj["fields"]["step"]), []).append(text)
    return lists


def old_bodies(apps, as_first_written: bool = False) -> dict[int, str]:
    """Every seeded step's body as it was before checkpoints, plus three bodies of our own."""
    Stage, Step = apps.get_model("roadmap", "Stage"), apps.get_model("roadmap", "Step")
    stage = Stage.objects.create(title="Odd", slug="odd", position=99)
    for position, (slug, body) in enumerate(
        [("text-after", WITH_TEXT_AFTER), ("nested", NESTED), ("without", WITHOUT)], start=1
    ):
        Step.objects.create(stage=stage, title=slug, slug=slug, position=position, body=body)
    seeded = {(step.stage.slug, step.slug): step for step in Step.objects.select_related("stage")}
    for key, texts in committed_checklists(as_first_written).items():
        step = seeded[before_content_3(key)]
        section = "\n".join([HEADING, *(f"- {text}" for text in texts)])
        # Whatever going back wrote (tested on its own below), the body as it was.
        step.body = f"{step.body.split(HEADING)[0].rstrip()}\n\n{section}"
        step.save(update_fields=["body"])
    return dict(Step.objects.values_list("pk", "body"))


@pytest.fixture
def before_checkpoints(seeded_database):
    old = migrate(BEFORE_CHECKPOINTS)
    assert not old.get_model("roadmap", "Checkpoint").objects.exists()
    yield old
    migrate()


@pytest.fixture
def seeded_database(transactional_db):
    restore_seed()  # the seeded steps, with their checkpoints; going back puts them in bodies


@pytest.mark.django_db(transaction=True)
def test_every_bullet_becomes_a_checkpoint_and_no_body_keeps_its_list(before_checkpoints):
    bodies = old_bodies(before_checkpoints)

    migrate()

    steps = {(s.stage.slug, s.slug): s for s in Step.objects.select_related("stage")}
    for key, texts in committed_checklists().items():
        step = steps[key]
        assert list(step.checkpoints.values_list("text", flat=True)) == texts, key
        assert list(step.checkpoints.values_list("position", flat=True)) == list(
            range(1, len(texts) + 1)
        )
        assert "move on when you can" not in step.body, key
        assert step.body == bodies[step.pk].split(f"\n\n{HEADING}")[0], key
    assert Checkpoint.objects.exclude(step__stage__slug="odd").count() == sum(
        map(len, committed_checklists().values())
    )


@pytest.mark.django_db(transaction=True)
def test_it_keeps_what_follows_the_list_and_joins_wrapped_bullets(before_checkpoints):
    old_bodies(before_checkpoints)

    migrate()

    step = Step.objects.get(stage__slug="odd", slug="text-after")
    assert list(step.checkpoints.values_list("text", flat=True)) == [
        "Do one thing.",
        "Do another, wrapped on two lines.",
        "Do a *third*.",
    ]
    assert step.body == "Intro.\n\n### Going further\nRead more."


@pytest.mark.django_db(transaction=True)
def test_it_leaves_alone_a_body_without_the_section_or_with_a_list_it_cannot_read(
    before_checkpoints,
):
    old_bodies(before_checkpoints)

    migrate()

    for slug, body in [("nested", NESTED), ("without", WITHOUT)]:
        step = Step.objects.get(stage__slug="odd", slug=slug)
        assert step.body == body, slug
        assert not step.checkpoints.exists(), slug


@pytest.mark.django_db(transaction=True)
def test_it_gives_the_slugs_of_the_committed_fixtures_so_seed_force_adds_none(
    before_checkpoints,
):
    old_bodies(before_checkpoints, as_first_written=True)

    migrate()

    committed = {
        (*obj["fields"]["step"], obj["fields"]["slug"])
        for obj in json.loads(FIXTURES.read_text())
        if obj["model"] == "roadmap.checkpoint"
    }
    migrated = Checkpoint.objects.exclude(step__stage__slug="odd")
    assert set(migrated.values_list("step__stage__slug", "step__slug", "slug")) == committed
    before = Checkpoint.objects.count()
    call_command("seed", force=True, verbosity=0)
    assert Checkpoint.objects.count() == before


@pytest.fixture
def latest_schema_after(seeded_database):
    """The latest schema again once the test is over: the tests run after it on the same
    process (xdist's choice) need every table and column of today's models."""
    yield
    migrate()


@pytest.mark.django_db(transaction=True)
def test_going_back_puts_every_checklist_back_in_its_body(latest_schema_after):
    seeded = {
        before_content_3((s.stage.slug, s.slug)): s.body
        for s in Step.objects.select_related("stage")
    }
    checklists = {before_content_3(key): texts for key, texts in committed_checklists().items()}

    old = migrate(BEFORE_CHECKPOINTS)

    OldStep = old.get_model("roadmap", "Step")
    for step in OldStep.objects.select_related("stage"):
        key = (step.stage.slug, step.slug)
        texts = checklists[key]
        section = "\n".join([HEADING, *(f"- {text}" for text in texts)])
        assert step.body == f"{seeded[key]}\n\n{section}", key
