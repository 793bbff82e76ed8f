"""The 500-member limit holds when learners join at the same moment.

A transactional test (threads need committed rows), alone in its file: the
database is emptied after it, Editors group included, so it must run after the
other database tests of its worker, and a file of its own is scheduled last.
"""

import threading

import pytest
from django.db import OperationalError
from django.db import connection as default_connection

from progress import group_services
from progress.models import StudyGroup
from tests.support import fill_group


@pytest.mark.django_db(transaction=True)
def test_concurrent_joins_never_take_a_group_past_its_limit(alice, django_user_model):
    """Eight learners race for the last two places, each in its own thread and connection:
    two join, six are refused, and the group holds exactly MAX_MEMBERS people."""
    group = group_services.group_create(owner=alice, name="Racing club")
    fill_group(group, up_to=StudyGroup.MAX_MEMBERS - 2)
    racers = [
        django_user_model.objects.create_user(username=f"racer{n}", email=f"r{n}@example.com")
        for n in range(8)
    ]
    barrier = threading.Barrier(len(racers))
    results = []

    def race(user) -> None:
        barrier.wait()
        try:
            for _attempt in range(50):
                try:
                    results.append(group_services.group_join(group=group, user=user))
                    return
                except OperationalError:  # SQLite: "database table is locked"; try again
                    continue
        finally:
            default_connection.close()

    threads = [threading.Thread(target=race, args=(user,)) for user in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    joined = [r for r in results if r is group_services.Joined.JOINED]
    assert len(results) == len(racers)
    assert len(joined) == 2
    assert results.count(group_services.Joined.FULL) == 6
    assert group.memberships.count() == StudyGroup.MAX_MEMBERS
