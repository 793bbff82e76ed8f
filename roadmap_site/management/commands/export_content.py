import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Prefetch

from courses.models import Course, Provider, StepCourse
from roadmap.models import Checkpoint, Stage, Step

# Written by check_links, not by editors: machine state, not content.
NOT_CONTENT = {"link_status", "link_final_url", "link_error", "link_checked_at"}


def _roadmap_objects() -> list[Model]:
    """Each stage followed by its steps, each step by its checkpoints, as an editor reads
    the roadmap."""
    checkpoints = Checkpoint.objects.select_related("step__stage").order_by("position", "slug")
    steps = (
        Step.objects.select_related("stage")
        .prefetch_related(Prefetch("checkpoints", checkpoints, to_attr="ordered_checkpoints"))
        .order_by("position", "slug")
    )
    objects: list[Model] = []
    for stage in Stage.objects.order_by("position", "slug"):
        objects.append(stage)
        for step in (step for step in steps if step.stage_id == stage.pk):
            objects += [step, *step.ordered_checkpoints]
    return objects


def _courses_objects() -> list[Model]:
    links = StepCourse.objects.select_related("step__stage", "course").order_by(
        "step__stage__position", "step__stage__slug", "step__position", "step__slug",
        "position", "course__slug",
    )  # fmt: skip
    return [
        *Provider.objects.order_by("slug"),
        *Course.objects.select_related("provider").order_by("slug"),
        *links,
    ]


def content_fixtures() -> dict[str, list[Model]]:
    """The content, file by file, in a stable order of natural keys."""
    return {"roadmap.json": _roadmap_objects(), "courses.json": _courses_objects()}


def _content_fields(model: type[Model]) -> set[str]:
    return {
        field.name
        for field in model._meta.local_fields
        if not field.primary_key and field.name not in NOT_CONTENT
    }


def serialise(objects: list[Model]) -> str:
    """JSON in loaddata's format: natural keys, no primary keys, two-space indent."""
    models = {type(obj) for obj in objects}
    data = serializers.serialize(
        "python",
        objects,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        fields=sorted(set().union(*map(_content_fields, models))),
    )
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write next to the target and rename, so a failure never leaves half a fixture."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


class Command(BaseCommand):
    help = (
        "Write the current stages, steps, checkpoints, providers, courses and course links to "
        "fixtures/ in the format `manage.py seed` loads, ready to review and commit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "fixtures",
            help="where to write roadmap.json and courses.json (default: fixtures/)",
        )

    def handle(self, *args, output_dir: Path, **options):
        for name, objects in content_fixtures().items():
            write_atomically(output_dir / name, serialise(objects))
            self.stdout.write(f"Wrote {len(objects)} objects to {output_dir / name}")
