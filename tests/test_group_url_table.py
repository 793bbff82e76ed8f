"""Every study-group URL for every role: owner, mentor, member, another learner outside
the group, an editor and a visitor. Outside the group, every page is a 404, so nobody
learns which groups exist; a visitor is sent to sign in (302) from any group address,
existing or not; POST-only addresses answer a GET with 405."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from groups.models import Membership, StudyGroup
from tests.support import client_for

pytestmark = pytest.mark.django_db

ROLES = ["owner", "mentor", "member", "learner", "editor", "visitor"]

# path: expected status for owner, mentor, member, another learner, editor, visitor
GETS = {
    "/groups/": (200, 200, 200, 200, 200, 302),
    "{group}": (200, 200, 200, 404, 404, 302),
    "{group}progress.csv": (200, 200, 404, 404, 404, 302),
    "{group}members/{eve}/": (200, 200, 404, 404, 404, 302),
    "{group}members/{bob}/": (200, 200, 200, 404, 404, 302),  # the member's own page
    "{group}members/{mia}/": (404, 404, 404, 404, 404, 302),  # mentors are not followed
    "{group}members/{dora}/": (404, 404, 404, 404, 404, 302),  # not in the group
    "{group}members/999999/": (404, 404, 404, 404, 404, 302),
    "{group}members/abc/": (404, 404, 404, 404, 404, 404),
    "{group}members/-1/": (404, 404, 404, 404, 404, 404),
    "{group}settings/": (200, 404, 404, 404, 404, 302),
    "{group}delete/": (200, 404, 404, 404, 404, 302),
    "{group}leave/": (405, 405, 405, 405, 405, 405),
    "{group}invite/": (405, 405, 405, 405, 405, 405),
    "{group}members/{eve}/role/?role=mentor": (405, 405, 405, 405, 405, 405),
    "{group}members/{eve}/remove/": (200, 404, 404, 404, 404, 302),  # the confirmation
    "{group}members/{alice}/remove/": (404, 404, 404, 404, 404, 302),  # never the owner
    "{group}members/{dora}/remove/": (404, 404, 404, 404, 404, 302),  # not in the group
    "{invite}": (200, 200, 200, 200, 200, 200),
    "/groups/join/{invite_token}x/": (404, 404, 404, 404, 404, 404),
    "/groups/join/nonsense/": (404, 404, 404, 404, 404, 404),
    "/groups/no-such-group/": (404, 404, 404, 404, 404, 302),
    "/groups/no-such-group/progress.csv": (404, 404, 404, 404, 404, 302),
    "/groups/join/": (404, 404, 404, 404, 404, 302),  # "join" is a group slug like any other
}

# path: (POST data, expected status for each role); 302 is the only success
POSTS = {
    "/groups/": ({"name": "Another"}, (302, 302, 302, 302, 302, 302)),
    "{group}leave/": ({}, (302, 302, 302, 404, 404, 302)),
    "{group}invite/": ({}, (302, 404, 404, 404, 404, 302)),
    "{group}members/{eve}/role/": ({"role": "mentor"}, (302, 404, 404, 404, 404, 302)),
    "{group}members/{eve}/remove/": ({}, (302, 404, 404, 404, 404, 302)),
    "{group}settings/": ({"name": "Renamed"}, (302, 404, 404, 404, 404, 302)),
    "{group}delete/": ({}, (302, 404, 404, 404, 404, 302)),
    "{group}progress.csv": ({}, (405, 405, 405, 405, 405, 405)),
    "{invite}": ({}, (302, 302, 302, 302, 302, 302)),
}


@pytest.fixture
def clients(group, alice, mia, bob, stranger, charlie, eve) -> list[Client]:
    return [client_for(user) for user in (alice, mia, bob, stranger, charlie, None)]


def url_of(path: str, group: StudyGroup) -> str:
    users = dict(Membership.objects.filter(group=group).values_list("user__username", "user_id"))
    dora = get_user_model().objects.get(username="dora")
    return path.format(
        group=group.get_absolute_url(),
        invite=group.invite_path(),
        invite_token=group.invite_token,
        eve=users["eve"],
        bob=users["bob"],
        mia=users["mia"],
        alice=users["alice"],
        dora=dora.pk,
    )


@pytest.mark.parametrize("path", GETS)
def test_every_group_url_answers_each_role_as_expected(clients, group, path):
    url = url_of(path, group)
    people = set(group.memberships.values_list("user_id", "role"))

    responses = [client.get(url) for client in clients]

    got = {role: response.status_code for role, response in zip(ROLES, responses, strict=True)}
    assert got == dict(zip(ROLES, GETS[path], strict=True)), url
    for response in responses:
        if response.status_code == 405:
            assert response["Allow"] == "POST"
        if response.status_code == 404:
            assert "Django club" not in response.content.decode()
    assert set(group.memberships.values_list("user_id", "role")) == people


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", POSTS)
def test_every_group_post_answers_each_role_as_expected(clients, group, path, role):
    url = url_of(path, group)
    data, expected = POSTS[path]
    client = clients[ROLES.index(role)]
    before = (list(StudyGroup.objects.values_list("name", "invite_token")),
              set(Membership.objects.values_list("group_id", "user_id", "role")))  # fmt: skip

    response = client.post(url, data)

    assert response.status_code == expected[ROLES.index(role)], (url, role)
    if response.status_code != 302:
        after = (list(StudyGroup.objects.values_list("name", "invite_token")),
                 set(Membership.objects.values_list("group_id", "user_id", "role")))  # fmt: skip
        assert after == before


@pytest.mark.parametrize("path", [path for path in POSTS if path != "{group}progress.csv"])
def test_every_group_post_needs_a_csrf_token(group, alice, eve, stranger, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    url = url_of(path, group)
    before = set(Membership.objects.values_list("group_id", "user_id", "role"))

    response = client.post(url, POSTS[path][0])

    assert response.status_code == 403
    assert set(Membership.objects.values_list("group_id", "user_id", "role")) == before
    assert StudyGroup.objects.count() == 1


@pytest.mark.parametrize("path", GETS)
def test_head_answers_every_group_url_as_get_does(clients, group, path):
    url = url_of(path, group)

    responses = [client.head(url) for client in clients]

    got = {role: response.status_code for role, response in zip(ROLES, responses, strict=True)}
    assert got == dict(zip(ROLES, GETS[path], strict=True)), url
    assert all(response.content == b"" for response in responses)
