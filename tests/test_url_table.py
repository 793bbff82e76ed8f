"""Every URL for every role, with the status code each one must get (study groups, with
their own roles, in test_group_url_table.py).

The POST-only addresses answer a GET with 405 for everyone: a styled page that
names POST, and nothing changed.
"""

import pytest
from django.test import Client

from courses.models import Course, CourseFeedback, LinkReport
from progress.models import CheckpointTick, ProgressEvent, ProjectLink, StepNote, StepProgress
from progress.selectors import GUEST_KEY, GUEST_TICKS_KEY
from roadmap.models import Step

ROLES = ["visitor", "learner", "another learner", "editor", "superuser"]

# path: expected status for visitor, learner, another learner, editor, superuser
TABLE = {
    "/": (200, 200, 200, 200, 200),
    "{stage}": (200, 200, 200, 200, 200),
    "{step}": (200, 200, 200, 200, 200),
    "{step}status/?status=done": (405, 405, 405, 405, 405),
    "{step}note/?body=hello": (405, 405, 405, 405, 405),
    "{step}checkpoints/{checkpoint}/?ticked=1": (405, 405, 405, 405, 405),
    "{project}project/?repository_url=https://example.com/": (405, 405, 405, 405, 405),
    "/guest/": (405, 405, 405, 405, 405),
    "/courses/{course}/vote/?vote=helpful": (405, 405, 405, 405, 405),
    "/courses/{course}/report/?reason=broken": (405, 405, 405, 405, 405),
    "/courses/markdown-preview/?text=hello": (405, 405, 405, 405, 405),
    "/courses/": (200, 200, 200, 200, 200),
    "/courses/?format=nonsense&page=zzz": (200, 200, 200, 200, 200),
    "/progress/": (302, 200, 200, 200, 200),
    "/progress/reset/?stage={stage_slug}&step={step_slug}": (302, 200, 200, 200, 200),
    "/progress/reset/?stage={stage_slug}&step=no-such-step": (302, 404, 404, 404, 404),
    "/healthz": (200, 200, 200, 200, 200),
    "/theme/": (200, 200, 200, 200, 200),
    "/accounts/login/": (200, 302, 302, 302, 302),
    "/accounts/signup/": (200, 302, 302, 302, 302),
    "/accounts/password/reset/": (200, 200, 200, 200, 200),
    "/admin/": (302, 302, 302, 200, 200),
    "/admin/login/": (302, 403, 403, 302, 302),
    "/admin/roadmap/stage/": (302, 302, 302, 200, 200),
    "/admin/roadmap/checkpoint/": (302, 302, 302, 200, 200),
    "/admin/auth/user/": (302, 302, 302, 403, 200),
    "/groups/": (302, 200, 200, 200, 200),
    "/groups/no-such-group/": (302, 404, 404, 404, 404),
    "/groups/join/no-such-token/": (404, 404, 404, 404, 404),
    "/stages/no-such-stage/": (404, 404, 404, 404, 404),
    "/no/such/page/": (404, 404, 404, 404, 404),
}


@pytest.fixture
def clients(seeded, alice, bob, charlie, superuser) -> list[Client]:
    people = [None, alice, bob, charlie, superuser]
    result = []
    for person in people:
        client = Client()
        if person is not None:
            client.force_login(person)
        result.append(client)
    return result


LEARNER_ROWS = [
    StepProgress, ProgressEvent, StepNote, ProjectLink, CheckpointTick, CourseFeedback, LinkReport
]  # fmt: skip


def url_of(path: str) -> str:
    steps = Step.objects.published().select_related("stage").order_by("id")
    step, project = steps.first(), steps.filter(is_project=True).first()
    return path.format(
        stage=step.stage.get_absolute_url(),
        step=step.get_absolute_url(),
        project=project.get_absolute_url(),
        checkpoint=step.checkpoints.first().pk,
        stage_slug=step.stage.slug,
        step_slug=step.slug,
        course=Course.objects.published().order_by("id").first().slug,
    )


@pytest.mark.parametrize("path", TABLE)
def test_every_url_answers_each_role_as_expected(clients, path):
    url = url_of(path)
    responses = [client.get(url) for client in clients]

    got = {role: response.status_code for role, response in zip(ROLES, responses, strict=True)}
    assert got == dict(zip(ROLES, TABLE[path], strict=True)), url
    for response in responses:
        if response.status_code == 405:
            assert response["Allow"] == "POST"
            assert "405.html" in [template.name for template in response.templates]
            assert "Nothing was changed." in response.content.decode()
    assert not any(model.objects.exists() for model in LEARNER_ROWS)
    assert not any(GUEST_KEY in client.session for client in clients)
    assert not any(GUEST_TICKS_KEY in client.session for client in clients)


# Django's admin sends signed-in staff from its sign-in page to its index on GET only.
HEAD_TABLE = TABLE | {"/admin/login/": (302, 403, 403, 200, 200)}


@pytest.mark.parametrize("path", TABLE)
def test_head_answers_wherever_get_does_with_no_body(clients, path):
    """Load balancers and uptime checkers send HEAD (/healthz, say): it gets what GET
    gets, 405 where GET does, and changes nothing."""
    url = url_of(path)
    responses = [client.head(url) for client in clients]

    got = {role: response.status_code for role, response in zip(ROLES, responses, strict=True)}
    assert got == dict(zip(ROLES, HEAD_TABLE[path], strict=True)), url
    assert all(response.content == b"" for response in responses)
    assert not any(model.objects.exists() for model in LEARNER_ROWS)
