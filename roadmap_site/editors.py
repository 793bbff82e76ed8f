"""The Editors group: who may curate content in the admin, and nothing else."""

from roadmap_site.content import CONTENT_MODELS

EDITORS_GROUP = "Editors"

# (app label, model name): editors add, change, delete and view each content model.
CONTENT_PERMISSION_MODELS = [label.lower().split(".") for label in CONTENT_MODELS]
ACTIONS = ["add", "change", "delete", "view"]

# What learners send in: editors read and resolve reports and read the votes,
# but never write them on a learner's behalf.
LEARNER_INPUT_PERMISSIONS = [
    ("courses", "linkreport", "view"),
    ("courses", "linkreport", "change"),
    ("courses", "coursefeedback", "view"),
]


def editor_permissions() -> list[tuple[str, str, str]]:
    """Every (app label, model, action) the Editors group holds."""
    content = [
        (app, model, action) for app, model in CONTENT_PERMISSION_MODELS for action in ACTIONS
    ]
    return content + LEARNER_INPUT_PERMISSIONS


def sync_editors_group(apps, schema_editor=None) -> None:
    """Create the Editors group with exactly the content permissions (idempotent)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # A migration's apps have no models module, which create_permissions asks for.
        # Put back what was there: on the project's own apps (as tests call it), None
        # would stop post_migrate from ever creating content types again.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    wanted = [
        Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
        for app_label, model, action in editor_permissions()
        if _model_exists(apps, app_label, model)
    ]
    group.permissions.set(wanted)


def _model_exists(apps, app_label: str, model: str) -> bool:
    """Early migrations run before later models exist; a later migration syncs again."""
    try:
        apps.get_model(app_label, model)
    except LookupError:
        return False
    return True
