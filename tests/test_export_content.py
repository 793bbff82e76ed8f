"""Content as code: export_content writes fixtures/ in exactly the format seed loads."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError

from courses.models import Course
from roadmap.models import Stage, Step
from roadmap_site.content import CONTENT_MODELS, content_models

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FILES = ["roadmap.json", "courses.json"]


def export_to(directory: Path) -> dict[str, bytes]:
    call_command("export_content", output_dir=directory, verbosity=0)
    return {name: (directory / name).read_bytes() for name in FILES}


def committed(name: str, model: str) -> list[dict]:
    """The objects of one model in a committed fixture."""
    return [obj for obj in json.loads((FIXTURES / name).read_text()) if obj["model"] == model]


def empty_content() -> None:
    for model in reversed(content_models()):  # children before their parents
        model.objects.all().delete()


def test_it_round_trips_byte_for_byte(seeded, tmp_path):
    Course.objects.update(link_status=200, link_error="")  # machine state, not content
    first = export_to(tmp_path / "first")

    empty_content()
    assert not Stage.objects.exists()
    call_command("loaddata", *(tmp_path / "first" / name for name in FILES), verbosity=0)
    second = export_to(tmp_path / "second")

    assert first == second
    assert Course.objects.count() == len(committed("courses.json", "courses.course"))


def test_it_writes_every_content_model(seeded, tmp_path):
    exported = export_to(tmp_path)

    written = {obj["model"] for name in FILES for obj in json.loads(exported[name])}
    assert written == {label.lower() for label in CONTENT_MODELS}


def test_the_committed_fixtures_are_already_in_the_export_format(seeded, tmp_path):
    exported = export_to(tmp_path)

    for name in FILES:
        assert exported[name] == (FIXTURES / name).read_bytes(), name


def test_it_writes_natural_keys_and_no_primary_keys(seeded, tmp_path):
    data = json.loads(export_to(tmp_path)["courses.json"])

    assert all("pk" not in obj for obj in data)
    link = next(obj for obj in data if obj["model"] == "courses.stepcourse")
    assert isinstance(link["fields"]["step"], list)
    assert isinstance(link["fields"]["course"], list)


def test_it_leaves_out_link_health(seeded, tmp_path):
    Course.objects.update(link_status=404, link_error="gone")

    text = export_to(tmp_path)["courses.json"].decode()

    assert "link_status" not in text
    assert "gone" not in text


def test_it_exports_an_editors_change(seeded, tmp_path):
    Step.objects.filter(slug="setup-python").update(title="Set up Python, Zzyzx edition")

    text = export_to(tmp_path)["roadmap.json"].decode()

    assert "Set up Python, Zzyzx edition" in text


def test_seed_force_reloads_an_export_without_duplicates(seeded, tmp_path):
    export_to(tmp_path)
    before = [model.objects.count() for model in content_models()]

    call_command("loaddata", *(tmp_path / name for name in FILES), verbosity=0)

    assert [model.objects.count() for model in content_models()] == before


@pytest.mark.parametrize(
    "text",
    [
        '[{"model": "courses.course", "fields": {',  # cut short
        '[{"model": "courses.course", "fields": {"slug": "x", "provider": ["nobody"]}}]',
        '[{"model": "courses.nosuchmodel", "fields": {}}]',
    ],
)
def test_a_malformed_fixture_loses_no_content(seeded, tmp_path, text):
    before = [model.objects.count() for model in content_models()]
    bad = tmp_path / "bad.json"
    bad.write_text(text)

    with pytest.raises((CommandError, DeserializationError, IntegrityError)):
        call_command("loaddata", bad, verbosity=0)

    assert [model.objects.count() for model in content_models()] == before


def test_a_failed_export_leaves_the_old_files(seeded, tmp_path, monkeypatch):
    export_to(tmp_path)
    before = (tmp_path / "roadmap.json").read_bytes()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("roadmap_site.management.commands.export_content.json.dumps", explode)
    with pytest.raises(RuntimeError):
        export_to(tmp_path)

    assert (tmp_path / "roadmap.json").read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(FILES)
