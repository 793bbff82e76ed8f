"""The apps depend one way: roadmap (stages, steps) <- courses <- progress (the learner's state).

Read from the source, so a new import that points the wrong way fails here
rather than in a circular import some day. Views and the admin may compose
apps (a step page shows its courses and the learner's status); models,
selectors, services and the rest may not look "up". The helpers every app
shares live in roadmap_site and import no app.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["roadmap", "courses", "progress"]
# Pages and admin screens: they compose the apps.
COMPOSERS = {"roadmap/views.py", "roadmap/admin.py"}
SHARED_HELPERS = ["markup", "validators", "http", "themes", "admin_tools", "editors"]


def modules(app: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
    )


def imported_apps(path: Path) -> set[str]:
    """The project's apps that a module imports, at any depth of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in ORDER)
    return found


@pytest.mark.parametrize("app", ORDER)
def test_an_app_imports_only_the_apps_before_it_except_in_views(app):
    later = set(ORDER[ORDER.index(app) + 1 :])
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) & later)
        for path in modules(app)
        if str(path.relative_to(ROOT)) not in COMPOSERS and imported_apps(path) & later
    }
    assert wrong == {}


@pytest.mark.parametrize("app", ORDER)
def test_models_never_import_a_later_app(app):
    later = set(ORDER[ORDER.index(app) + 1 :])
    assert not imported_apps(ROOT / app / "models.py") & later


@pytest.mark.parametrize("helper", SHARED_HELPERS)
def test_the_shared_helpers_import_no_app(helper):
    assert imported_apps(ROOT / "roadmap_site" / f"{helper}.py") == set()


def test_the_check_sees_an_import_that_points_the_wrong_way(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from progress.models import StepProgress\n")
    assert imported_apps(module) == {"progress"}
