"""Content 2.0 (issue 13) moves three seeded steps to other stages and renames one.

`seed --force` finds a step by its natural key, (stage slug, step slug). Over a database
seeded before this change, the new fixtures would not find the moved steps: they would
create them a second time and leave the old rows published where they were, with every
learner's progress, notes and projects on them. Moving the existing rows first lets
`seed --force` update them in place; a step keeps its primary key, and with it everything
learners recorded on it.
"""

from django.db import migrations

# (stage, slug) before -> (stage, slug) after
MOVES = {
    ("backend-frameworks", "how-the-web-works"): ("frontend-basics", "how-the-web-works"),
    ("databases", "orms"): ("backend-frameworks", "orms"),
    ("databases", "migrations-and-modelling"): ("backend-frameworks", "migrations-and-modelling"),
    ("databases", "mysql"): ("databases", "postgresql-or-mysql"),
}


def move_steps(apps, moves: dict[tuple[str, str], tuple[str, str]]) -> None:
    Stage = apps.get_model("roadmap", "Stage")
    Step = apps.get_model("roadmap", "Step")
    for (old_stage, old_slug), (new_stage, new_slug) in moves.items():
        step = Step.objects.filter(stage__slug=old_stage, slug=old_slug).first()
        stage = Stage.objects.filter(slug=new_stage).first()
        if step is None or stage is None:
            continue  # never seeded here, or already moved by an editor
        if Step.objects.filter(stage=stage, slug=new_slug).exists():
            continue  # an editor's own step holds the place: leave both alone
        step.stage, step.slug = stage, new_slug
        step.save(update_fields=["stage", "slug"])


def forwards(apps, schema_editor) -> None:
    move_steps(apps, MOVES)


def backwards(apps, schema_editor) -> None:
    move_steps(apps, {after: before for before, after in MOVES.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("roadmap", "0004_learner_data_protects_steps"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
