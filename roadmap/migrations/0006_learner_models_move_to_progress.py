"""The learner's models move to the `progress` app (issue 12); their tables stay.

Only Django's idea of where the models live changes: no table is dropped,
renamed or touched. progress/migrations/0001_initial.py takes them over, with
the same tables, and moves their content types (and so their permissions).
"""

from django.db import migrations

LEARNER_MODELS = ["StepProgress", "ProgressEvent", "StepNote", "ProjectLink", "LearnerProfile"]


class Migration(migrations.Migration):
    dependencies = [
        ("roadmap", "0005_content_2_reorganisation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name) for name in LEARNER_MODELS],
            database_operations=[],
        ),
    ]
