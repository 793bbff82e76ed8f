"""Study groups, taken over from `progress` with their tables (issue 21).

progress/migrations/0005 lets go of them; this creates them in `groups` on the same
tables (Meta.db_table), without touching the database: every row stays. On a new
database the tables are the ones progress's migration 0002 created. Their content
types move too, so permissions and admin history follow them. Reversible: back, the
models return to progress's state and their content types to progress.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from roadmap_site.model_moves import content_types_move

import groups.models

MODELS = ["studygroup", "membership"]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("progress", "0005_move_groups_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="StudyGroup",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=80)),
                        ("slug", models.SlugField(max_length=60, unique=True)),
                        ("description", models.TextField(blank=True, max_length=500)),
                        ("invite_token", models.CharField(default=groups.models.new_invite_token, max_length=64, unique=True)),
                        ("members_see_progress", models.BooleanField(default=False, help_text="Off: only mentors see members' progress. Members always see who is in it.", verbose_name="members see each other's progress")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("owner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="owned_groups", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "progress_studygroup",
                        "ordering": ["name", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("role", models.CharField(choices=[("member", "Member"), ("mentor", "Mentor")], default="member", max_length=10)),
                        ("joined_at", models.DateTimeField(auto_now_add=True)),
                        ("group", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="groups.studygroup")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="group_memberships", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "progress_membership",
                        "constraints": [models.UniqueConstraint(fields=("group", "user"), name="one_membership_per_group_user"), models.CheckConstraint(condition=models.Q(("role__in", ["member", "mentor"])), name="membership_role_is_known")],
                    },
                ),
            ],
        ),
        content_types_move(MODELS, source="progress", target="groups"),
    ]
