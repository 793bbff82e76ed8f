"""Every study-group URL for every role: owner, mentor, member, another learner outside
the group, an editor and a visitor. Outside the group, every page is a 404, so nobody
learns which groups exist; a visitor is sent to sign in (302) from any group address,
existing or not; POST-only addresses answer a GET with 405."""

import pytest
from django.test import Client

from groups.models import Membership, StudyGroup
from tests.support import client_for
from tests.url_tables import GETS, POSTS
from tests.url_tables import GROUP_ROLES as ROLES
from tests.url_tables import group_url_of as url_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(group, alice, mia, bob, stranger, charlie, eve) -> list[Client]:
    return [client_for(user) for user in (alice, mia, bob, stranger, charlie, None)]


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
