"""Usernames are unique whatever their case (progress 0004): the database refuses a
second "Ada" beside "ada", and the migration first tells apart the names that already
differ only in case.

Like tests/test_migrations.py, it takes the test database back before the
migration, writes through the historical models, and migrates forward.
"""

import pytest
from django.db import IntegrityError

from tests.support import migrate

BEFORE = [("progress", "0003_checkpoint_ticks")]


def test_the_database_refuses_a_username_differing_only_in_case(django_user_model, alice):
    with pytest.raises(IntegrityError):
        django_user_model.objects.create_user(username="ALICE", email="other@example.com")


@pytest.mark.django_db(transaction=True)
def test_names_differing_only_in_case_are_told_apart_and_the_oldest_keeps_its_own():
    User = migrate(BEFORE).get_model("auth", "User")
    first, second, third = (
        User.objects.create(username=name, email=f"{n}@example.com")
        for n, name in enumerate(["Ada", "ada", "ADA"])
    )
    taken = User.objects.create(username=f"ada-{third.pk}", email="taken@example.com")
    grace = User.objects.create(username="grace", email="grace@example.com")

    User = migrate().get_model("auth", "User")

    names = dict(User.objects.values_list("pk", "username"))
    assert names == {
        first.pk: "Ada",
        second.pk: f"ada-{second.pk}",
        third.pk: f"ADA-{third.pk}-1",
        taken.pk: f"ada-{third.pk}",
        grace.pk: "grace",
    }
    with pytest.raises(IntegrityError):
        User.objects.create(username="GRACE", email="grace2@example.com")
