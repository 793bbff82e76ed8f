"""Every URL for every role, with the status code each one must get."""

import pytest
from django.test import Client

from roadmap.models import Step

ROLES = ["visitor", "learner", "another learner", "editor", "superuser"]

# path: expected status for visitor, learner, another learner, editor, superuser
TABLE = {
    "/": (200, 200, 200, 200, 200),
    "{stage}": (200, 200, 200, 200, 200),
    "{step}": (200, 200, 200, 200, 200),
    "{step}status/": (405, 405, 405, 405, 405),
    "/courses/": (200, 200, 200, 200, 200),
    "/courses/?format=nonsense&page=zzz": (200, 200, 200, 200, 200),
    "/progress/": (302, 200, 200, 200, 200),
    "/healthz": (200, 200, 200, 200, 200),
    "/accounts/login/": (200, 302, 302, 302, 302),
    "/accounts/signup/": (200, 302, 302, 302, 302),
    "/accounts/password/reset/": (200, 200, 200, 200, 200),
    "/admin/": (302, 302, 302, 200, 200),
    "/admin/login/": (302, 403, 403, 302, 302),
    "/admin/roadmap/stage/": (302, 302, 302, 200, 200),
    "/admin/auth/user/": (302, 302, 302, 403, 200),
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


@pytest.mark.parametrize("path", TABLE)
def test_every_url_answers_each_role_as_expected(clients, path):
    step = Step.objects.published().select_related("stage").order_by("id").first()
    url = path.format(stage=step.stage.get_absolute_url(), step=step.get_absolute_url())
    got = {role: clients[i].get(url).status_code for i, role in enumerate(ROLES)}
    assert got == dict(zip(ROLES, TABLE[path], strict=True)), url
