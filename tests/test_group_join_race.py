"""The 500-member limit holds when learners join at the same moment.

A transactional test (threads need committed rows), alone in its file: the
database is emptied after it, Editors group included, so it must run after the
other database tests of its worker, and a file of its own is scheduled last.
"""

import pytest

from groups import services as group_services
from groups.models import StudyGroup
from tests.concurrency import at_once
from tests.support import client_for, fill_group


@pytest.mark.django_db(transaction=True)
def test_concurrent_joins_never_take_a_group_past_its_limit(alice, django_user_model):
    """Eight learners press "Join" for the last two places at the same moment: two join,
    six see that the group is full, and it holds exactly MAX_MEMBERS people."""
    group = group_services.group_create(owner=alice, name="Racing club")
    fill_group(group, up_to=StudyGroup.MAX_MEMBERS - 2)
    racers = [
        django_user_model.objects.create_user(username=f"racer{n}", email=f"r{n}@example.com")
        for n in range(8)
    ]
    clients = [client_for(racer) for racer in racers]

    responses = at_once(lambda client: client.post(group.invite_path()), clients)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * 6 + [302] * 2
    refused = [r.content.decode() for r in responses if r.status_code == 200]
    assert all("This group is full" in page for page in refused)
    assert group.memberships.count() == StudyGroup.MAX_MEMBERS
    assert group.memberships.filter(user__in=racers).count() == 2
