"""Every kind of page is valid HTML: the W3C Nu HTML checker (vnu, from the vnu-jar npm
package; it needs Java) reads each one, for a visitor and a learner, in both themes.

The pages are fetched with the test client, written to files and checked in one run of
vnu, so the JVM starts once.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client

from groups import services as group_services
from plans.weekly import unsubscribe_token
from progress import services
from progress.models import LearnerProfile, StepNote
from roadmap.models import Stage, Step

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

VNU = (
    Path(__file__).resolve().parent.parent
    / "node_modules"
    / "vnu-jar"
    / "build"
    / "dist"
    / "vnu.jar"
)
THEMES = ["light", "dark"]


def visitor_pages() -> dict[str, str]:
    stage = Stage.objects.order_by("position").first()
    step = Step.objects.published().in_roadmap_order().first()
    project_step = Step.objects.published().filter(is_project=True).first()
    return {
        "roadmap": "/",
        "stage": stage.get_absolute_url(),
        "step": step.get_absolute_url(),
        "project-step": project_step.get_absolute_url(),
        "catalogue": "/courses/",
        "catalogue-filtered": "/courses/?format=book&price=free&sort=level",
        "catalogue-unknown-filter": "/courses/?format=scroll",
        "search": "/search/?q=django+orm",
        "search-empty": "/search/?q=",
        "search-nothing": "/search/?q=xylophone",
        "not-found": "/stages/no-such-stage/",
        "theme": "/theme/",
        "password-reset-sent": "/accounts/password/reset/done/",
    }


# Signed in, these lead on to the dashboard.
ENTRANCE = {
    "sign-in": "/accounts/login/",
    "sign-up": "/accounts/signup/",
    "password-reset": "/accounts/password/reset/",
    "confirmation-sent": "/accounts/confirm-email/",
    "password-link-spent": "/accounts/password/reset/key/1-spent/",
}


def learner_pages(alice, bob, group) -> dict[str, str]:
    return {
        "dashboard": "/progress/",
        "settings": "/accounts/settings/",
        "delete-account": "/accounts/settings/delete/",
        "email-addresses": "/accounts/email/",
        "change-password": "/accounts/password/change/",
        "sign-out": "/accounts/logout/",
        "public-page": f"/u/{alice.username}/",
        "groups": "/groups/",
        "group": group.get_absolute_url(),
        "group-settings": f"{group.get_absolute_url()}settings/",
        "group-delete": f"{group.get_absolute_url()}delete/",
        "group-member": f"{group.get_absolute_url()}members/{bob.pk}/",
        "group-remove-member": f"{group.get_absolute_url()}members/{bob.pk}/remove/",
        "group-invitation": group.invite_path(),
        "weekly-email-settings": "/plan/email/",
        "unsubscribe": f"/plan/unsubscribe/{unsubscribe_token(alice.pk)}/",
        "unsubscribe-bad-link": "/plan/unsubscribe/not-a-token/",
    }


@pytest.fixture
def learners(seeded, alice, bob):
    """Alice, with progress, a note, a project link, a public page and a group bob joined."""
    steps = list(Step.objects.published().in_roadmap_order()[:4])
    for step, status in zip(steps, ["done", "skipped", "in_progress", "done"], strict=True):
        services.progress_set(user=alice, step=step, status=status)
        services.progress_set(user=bob, step=step, status=status)
    StepNote.objects.create(user=alice, step=steps[0], body="Remember **sets**.")
    project = Step.objects.published().filter(is_project=True).first()
    services.project_save(
        user=alice, step=project, repository_url="https://github.com/alice/todo", live_url=""
    )
    LearnerProfile.objects.create(user=alice, is_public=True)
    group = group_services.group_create(owner=alice, name="Django club", description="Tuesdays.")
    group_services.group_join(group=group, user=bob)
    return alice, bob, group


def forms_with_errors(step: Step, group) -> dict[str, tuple[str, dict]]:
    """Forms sent back with their errors: name -> (url, POST data)."""
    return {
        "settings-errors": ("/accounts/settings/", {"username": "a b", "time_zone": "Mars/Base"}),
        "note-errors": (f"{step.get_absolute_url()}note/", {"body": "x" * 5001}),
        "project-errors": (f"{step.get_absolute_url()}project/", {"repository_url": "nope"}),
        "new-group-errors": ("/groups/", {"name": ""}),
        "group-settings-errors": (f"{group.get_absolute_url()}settings/", {"name": ""}),
        "delete-account-errors": ("/accounts/settings/delete/", {}),
        "method-not-allowed": (f"{group.get_absolute_url()}leave/", None),  # a GET: 405
        "weekly-email-errors": ("/plan/email/", {"email_weekday": "9", "email_hour": "x"}),
    }


def fetch_all(tmp_path: Path, learners) -> list[Path]:
    alice, bob, group = learners
    visitor, learner = Client(), Client()
    learner.force_login(alice)
    project = Step.objects.published().filter(is_project=True).first()
    pages = [(visitor, name, url, None) for name, url in (visitor_pages() | ENTRANCE).items()]
    pages += [(learner, f"learner-{name}", url, None) for name, url in visitor_pages().items()]
    pages += [(learner, name, url, None) for name, url in learner_pages(alice, bob, group).items()]
    pages += [(learner, name, *sent) for name, sent in forms_with_errors(project, group).items()]
    files = []
    for theme in THEMES:
        for client, name, url, data in pages:
            client.cookies["theme"] = theme
            # A refused note or project comes back on the step's own page (a redirect).
            response = client.get(url) if data is None else client.post(url, data, follow=True)
            assert response.status_code in (200, 400, 404, 405), (
                f"{name} ({url}): {response.status_code}"
            )
            assert response["Content-Type"].startswith("text/html"), name
            files.append(tmp_path / f"{name}-{theme}.html")
            files[-1].write_bytes(response.content)
    for error_page in ("400.html", "403.html", "403_csrf.html", "500.html"):  # no request
        files.append(tmp_path / error_page)
        files[-1].write_text(render_to_string(error_page))
    return files


def test_every_page_kind_is_valid_html(tmp_path, learners):
    assert VNU.exists(), "vnu is missing: run `npm ci` (make test does)"
    assert shutil.which("java"), "vnu needs Java: apt-get install default-jre-headless"
    files = fetch_all(tmp_path, learners)

    result = subprocess.run(
        [
            "java",
            # One short run: the JIT's second tier and the parallel collector cost more
            # CPU than they save (vnu on 90 pages: 5.3 s CPU with them, 2.3 s without).
            # The first tier's frames are bigger: vnu wants a deeper stack with it.
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xss2m",
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            "--stdout",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )

    messages = json.loads(result.stdout)["messages"]
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine', '?')}: {m['message']} "
        f"[{m.get('extract', '').strip()[:80]}]"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert len(files) > 80
    assert not errors, f"{len(errors)} vnu errors:\n" + "\n".join(errors)
