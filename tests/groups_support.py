"""Shared fixtures for the study-group tests: a group owned by alice, with a mentor and
a member, and a stranger (another learner outside it).

tests/conftest.py registers this module as a plugin (`pytest_plugins`): a test names
the fixtures it needs and imports nothing.
"""

import pytest

from groups import services as group_services
from groups.models import Membership, StudyGroup
from tests.support import person


@pytest.fixture
def mia(db, django_user_model):
    """A learner made a mentor of the group."""
    return person(django_user_model, "mia")


@pytest.fixture
def stranger(db, django_user_model):
    """A learner outside the group."""
    return person(django_user_model, "dora")


@pytest.fixture
def group(alice, bob, mia) -> StudyGroup:
    """“Django club”: alice owns it, mia is a mentor, bob a member."""
    group = group_services.group_create(owner=alice, name="Django club", description="Tuesdays.")
    group_services.group_join(group=group, user=bob)
    Membership.objects.create(group=group, user=mia, role=Membership.Role.MENTOR)
    return group


@pytest.fixture
def eve(group, django_user_model):
    """A second member of the group."""
    user = person(django_user_model, "eve")
    Membership.objects.create(group=group, user=user)
    return user
