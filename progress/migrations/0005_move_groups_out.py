"""Study groups move to their own app (issue 21): progress lets go of StudyGroup and
Membership, without touching the database. groups/migrations/0001 takes them over on the
same tables (progress_studygroup, progress_membership), so every row stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0004_usernames_unique_in_any_case"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="StudyGroup"),
            ],
        ),
    ]
