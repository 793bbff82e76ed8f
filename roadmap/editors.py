"""The Editors group: who may curate content in the admin, and nothing else."""

EDITORS_GROUP = "Editors"

# (app label, model name): editors add, change, delete and view these.
CONTENT_MODELS = [
    ("roadmap", "stage"),
    ("roadmap", "step"),
    ("courses", "provider"),
    ("courses", "course"),
    ("courses", "stepcourse"),  # the course links edited inline on a step
]
ACTIONS = ["add", "change", "delete", "view"]


def sync_editors_group(apps, schema_editor=None) -> None:
    """Create the Editors group with exactly the content permissions (idempotent)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    wanted = [
        Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
        for app_label, model in CONTENT_MODELS
        for action in ACTIONS
    ]
    group.permissions.set(wanted)
