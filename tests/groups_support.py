"""Shared fixtures for the study-group tests: a group owned by alice, with a mentor and
a member, and a stranger (another learner outside it).

Import the fixtures by name (`from tests.groups_support import group, ...`).
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from progress import group_services
from progress.models import Membership, StudyGroup
from tests.conftest import _person


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def mia(db, django_user_model):
    """A learner made a mentor of the group."""
    return _person(django_user_model, "mia")


@pytest.fixture
def stranger(db, django_user_model):
    """A learner outside the group."""
    return _person(django_user_model, "dora")


@pytest.fixture
def group(alice, bob, mia) -> StudyGroup:
    """“Django club”: alice owns it, mia is a mentor, bob a member."""
    group = group_services.group_create(owner=alice, name="Django club", description="Tuesdays.")
    group_services.group_join(group=group, user=bob)
    Membership.objects.create(group=group, user=mia, role=Membership.Role.MENTOR)
    return group


def fill(group: StudyGroup, *, up_to: int) -> None:
    """Add made-up members until the group holds `up_to` people."""
    missing = up_to - group.memberships.count()
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"learner{n}", email=f"learner{n}@example.com")
        for n in range(missing)
    )
    Membership.objects.bulk_create(Membership(group=group, user=user) for user in users)
