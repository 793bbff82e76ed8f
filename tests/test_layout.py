"""The apps depend one way: roadmap (stages, steps) <- courses <- progress (the learner's
state) <- groups (mentors following learners), and progress <- plans (the study plan),
which never imports groups either.

Read from the source, so a new import that points the wrong way fails here
rather than in a circular import some day. The roadmap's pages compose apps (a step
page shows its courses and the learner's status); models, selectors, services and the
rest may not look "up", and neither may their templates. progress never imports groups:
the pages that show both (the dashboard, the data download, account deletion) are put
together in roadmap_site/accounts.py. The helpers every app shares live in roadmap_site
and import no app.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["roadmap", "courses", "progress", "groups", "plans"]
# The roadmap's pages and its admin: a step shows its courses and the learner's status on
# it, the admin's step screen the courses linked to it.
COMPOSERS = {"roadmap/views.py", "roadmap/admin.py"}
# The templates of those pages, which include courses' and progress's partials.
TEMPLATE_COMPOSERS = {
    "roadmap/templates/roadmap/index.html",
    "roadmap/templates/roadmap/stage_detail.html",
    "roadmap/templates/roadmap/step_detail.html",
}
SHARED_HELPERS = ["markup", "validators", "http", "themes", "admin_tools", "editors", "model_moves"]


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


def test_progress_never_imports_groups_not_even_in_its_views():
    wrong = [str(path.relative_to(ROOT)) for path in modules("progress") if "groups" in
             imported_apps(path)]  # fmt: skip
    assert wrong == []


def test_plans_never_import_groups():
    wrong = [str(path.relative_to(ROOT)) for path in modules("plans") if "groups" in
             imported_apps(path)]  # fmt: skip
    assert wrong == []


def tag_libraries(app: str) -> set[str]:
    return {path.stem for path in (ROOT / app / "templatetags").glob("*.py")} - {"__init__"}


def referenced_apps(template: Path) -> set[str]:
    """The apps whose URL names, templates or tag libraries a template uses."""
    text = template.read_text()
    found = set(re.findall(r"{%\s*url\s+['\"](\w+):", text))
    found |= set(re.findall(r"{%\s*(?:include|extends)\s+['\"](\w+)/", text))
    loaded = {name for names in re.findall(r"{%\s*load\s+([^%]+)%}", text) for name in
              names.split()}  # fmt: skip
    found |= {app for app in ORDER if loaded & tag_libraries(app)}
    return found & set(ORDER)


@pytest.mark.parametrize("app", ORDER)
def test_an_apps_templates_use_nothing_of_a_later_app(app):
    later = set(ORDER[ORDER.index(app) + 1 :])
    wrong = {
        str(path.relative_to(ROOT)): sorted(referenced_apps(path) & later)
        for path in sorted((ROOT / app / "templates").rglob("*.html"))
        if str(path.relative_to(ROOT)) not in TEMPLATE_COMPOSERS and referenced_apps(path) & later
    }
    assert wrong == {}


def test_the_template_check_sees_a_link_a_tag_and_an_include_of_groups(tmp_path):
    for text in ("{% url 'groups:list' %}", "{% load static group_tags %}",
                 '{% include "groups/_invite.html" %}'):  # fmt: skip
        template = tmp_path / "page.html"
        template.write_text(f"<p>{text}</p>")
        assert referenced_apps(template) == {"groups"}, text


@pytest.mark.parametrize("helper", SHARED_HELPERS)
def test_the_shared_helpers_import_no_app(helper):
    assert imported_apps(ROOT / "roadmap_site" / f"{helper}.py") == set()


def test_the_check_sees_an_import_that_points_the_wrong_way(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from progress.models import StepProgress\n")
    assert imported_apps(module) == {"progress"}
