"""A learner's first plan, sent twice at the same moment (a double click, two tabs), is
one plan: Plan.user is unique, and update_or_create takes the row the other made.

A transactional test (threads need committed rows), alone in its file, like the other
race tests: the database is emptied after it.
"""

import pytest

from plans.models import Plan
from tests.concurrency import at_once
from tests.support import client_for


@pytest.mark.django_db(transaction=True)
def test_two_first_saves_at_once_make_one_plan_with_the_last_hours(alice):
    clients = [client_for(alice) for _ in range(4)]
    forms = [
        {"hours_per_week": str(hours), "email_weekday": "1", "email_hour": "8"}
        for hours in (3, 5, 7, 9)
    ]

    responses = at_once(
        lambda pair: pair[0].post("/plan/", pair[1]), list(zip(clients, forms, strict=True))
    )

    assert [response.status_code for response in responses] == [302] * 4
    assert Plan.objects.filter(user=alice).count() == 1
    assert Plan.objects.get(user=alice).hours_per_week in {3, 5, 7, 9}
