"""Usernames unique whatever their case: a unique index on LOWER(username).

The settings form refuses a name that differs from another only in case, but two
people saving at the same moment both passed its check; the database decides now.
auth.User is Django's model, so the index is added here, through the schema
editor (the same SQL Django would write for a UniqueConstraint on Lower("username"),
on SQLite and PostgreSQL), and no model state changes.

Names that already differ only in case are told apart first: the oldest account
keeps its name, each later one gets "-<its id>" added (cut to fit 30 characters).
"""

import itertools

from django.db import migrations
from django.db.models import Count, UniqueConstraint
from django.db.models.functions import Lower

INDEX = UniqueConstraint(Lower("username"), name="auth_user_username_lower_unique")
MAX_LENGTH = 30  # what the settings form accepts


def rename_case_duplicates(apps, schema_editor):
    User = apps.get_model("auth", "User")
    users = User.objects.using(schema_editor.connection.alias).annotate(key=Lower("username"))
    clashing = users.values("key").annotate(n=Count("pk")).filter(n__gt=1).values("key")
    taken = set()
    for user in users.filter(key__in=clashing).order_by("key", "pk"):
        if user.key not in taken:  # the oldest account of the name keeps it
            taken.add(user.key)
            continue
        for n in itertools.count():
            suffix = f"-{user.pk}-{n}" if n else f"-{user.pk}"
            name = f"{user.username[: MAX_LENGTH - len(suffix)]}{suffix}"
            if not users.filter(key=name.lower()).exists():
                break
        user.username = name
        user.save(update_fields=["username"])


def add_index(apps, schema_editor):
    schema_editor.add_constraint(apps.get_model("auth", "User"), INDEX)


def remove_index(apps, schema_editor):
    schema_editor.remove_constraint(apps.get_model("auth", "User"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0003_checkpoint_ticks"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(rename_case_duplicates, migrations.RunPython.noop),
        migrations.RunPython(add_index, remove_index),
    ]
