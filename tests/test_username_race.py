"""Usernames differing only in case, asked for at the same moment: one person gets the
name, everyone else gets the form back saying it is taken, never a 500.

Transactional (threads need committed rows), in a file of its own, which is
scheduled after the other database tests of its worker.
"""

import pytest
from django.db.models.functions import Lower

from tests.concurrency import at_once
from tests.support import client_for

SPELLINGS = ["racename", "RaceName", "RACENAME"]


@pytest.mark.django_db(transaction=True)
def test_one_of_twelve_people_asking_for_a_name_in_any_case_gets_it(django_user_model):
    people = [
        django_user_model.objects.create_user(username=f"person{n}", email=f"p{n}@example.com")
        for n in range(12)
    ]
    forms = [
        (client_for(person), {"username": SPELLINGS[n % 3], "time_zone": "UTC"})
        for n, person in enumerate(people)
    ]

    responses = at_once(lambda form: form[0].post("/accounts/settings/", form[1]), forms)

    assert sorted(r.status_code for r in responses) == [302] + [400] * 11
    refusals = [r.content.decode() for r in responses if r.status_code == 400]
    assert all("That username is taken; choose another." in page for page in refusals)
    names = django_user_model.objects.annotate(key=Lower("username"))
    assert names.filter(key="racename").count() == 1
