"""Moving models from one app to another keeps their content types, and so their
permissions and the admin's history: the migration that takes the models over relabels
them (progress 0001 from roadmap, groups 0001 from progress)."""

from django.db import migrations


def content_types_move(models: list[str], *, source: str, target: str) -> migrations.RunPython:
    """A migration operation relabelling `models`' content types from `source` to `target`
    (and back when the migration is reversed), keeping their ids."""

    def relabel(apps, schema_editor, source: str = source, target: str = target) -> None:
        ContentType = apps.get_model("contenttypes", "ContentType")
        types = ContentType.objects.using(schema_editor.connection.alias)
        for model in models:
            if types.filter(app_label=target, model=model).exists():
                continue
            types.filter(app_label=source, model=model).update(app_label=target)
        ContentType.objects.clear_cache()

    def relabel_back(apps, schema_editor) -> None:
        relabel(apps, schema_editor, source=target, target=source)

    return migrations.RunPython(relabel, relabel_back)
