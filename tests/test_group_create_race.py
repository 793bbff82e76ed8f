"""Groups created at the same moment: the per-owner cap holds and every group gets a slug
of its own, with a form error, never a 500, for whoever loses the race.

Transactional tests (threads need committed rows), in a file of their own, which
is scheduled after the other database tests of its worker.
"""

import pytest

from groups import services as group_services
from groups.models import Membership, StudyGroup
from tests.concurrency import at_once
from tests.support import client_for


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_stop_at_the_cap(alice):
    """One owner sends twelve “new group” forms at once with two places left: two groups
    are created, ten forms come back saying the owner owns the most one may."""
    for n in range(StudyGroup.MAX_OWNED - 2):
        group_services.group_create(owner=alice, name=f"Cohort {n}")
    clients = [client_for(alice) for _ in range(12)]

    responses = at_once(
        lambda numbered: numbered[1].post("/groups/", {"name": f"Racing {numbered[0]}"}),
        list(enumerate(clients)),
    )

    assert sorted(r.status_code for r in responses) == [302] * 2 + [400] * 10
    refusals = [r.content.decode() for r in responses if r.status_code == 400]
    assert all(f"You own {StudyGroup.MAX_OWNED} groups" in page for page in refusals)
    assert StudyGroup.objects.filter(owner=alice).count() == StudyGroup.MAX_OWNED


@pytest.mark.django_db(transaction=True)
def test_concurrent_groups_of_one_name_each_get_their_own_slug(django_user_model):
    """Twelve people create “Python club” at the same moment: twelve groups, twelve
    slugs, each owner the mentor of their own."""
    owners = [
        django_user_model.objects.create_user(username=f"owner{n}", email=f"o{n}@example.com")
        for n in range(12)
    ]

    responses = at_once(
        lambda owner: client_for(owner).post("/groups/", {"name": "Python club"}), owners
    )

    assert [r.status_code for r in responses] == [302] * len(owners)
    groups = StudyGroup.objects.all()
    assert len({group.slug for group in groups}) == len(owners)
    assert all(group.slug.startswith("python-club") for group in groups)
    assert [r["Location"] for r in responses] == [
        groups.get(owner=owner).get_absolute_url() for owner in owners
    ]
    assert Membership.objects.filter(role=Membership.Role.MENTOR).count() == len(owners)
