"""Study groups moved from progress to groups (issue 21) without losing a row.

The test takes the test database back to the schema before the move (progress 0004,
no groups app), fills it through the historical models as a live site would be,
migrates forward, and reads every row through groups.models; then back again, where
progress holds them once more.
"""

import datetime as dt

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from groups.models import Membership, StudyGroup
from tests.support import migrate

BEFORE_THE_MOVE = [("progress", "0004_usernames_unique_in_any_case")]
GROUP_MODELS = ["studygroup", "membership"]
WHEN = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)


def fill(apps) -> dict:
    """Two groups, their memberships in every role, and the admin's history of one."""
    User = apps.get_model("auth", "User")
    Group = apps.get_model("progress", "StudyGroup")
    Member = apps.get_model("progress", "Membership")
    ada, grace, linus = (User.objects.create(username=name, email=f"{name}@example.com")
                         for name in ("ada", "grace", "linus"))  # fmt: skip
    club = Group.objects.create(
        name="Django club", slug="django-club", owner=ada, invite_token="t" * 43,
        description="Tuesdays.", members_see_progress=True,
    )  # fmt: skip
    other = Group.objects.create(name="Flask", slug="flask", owner=grace, invite_token="u" * 43)
    Member.objects.bulk_create([
        Member(group=club, user=ada, role="mentor"),
        Member(group=club, user=grace, role="mentor"),
        Member(group=club, user=linus, role="member"),
        Member(group=other, user=grace, role="mentor"),
        Member(group=other, user=ada, role="member"),
    ])  # fmt: skip
    Member.objects.update(joined_at=WHEN)
    content_types = {
        name: ContentType.objects.get(app_label="progress", model=name).pk for name in GROUP_MODELS
    }
    LogEntry.objects.create(
        user_id=ada.pk, content_type_id=content_types["studygroup"], object_id=str(club.pk),
        object_repr="Django club", action_flag=ADDITION,
    )  # fmt: skip
    return {"ada": ada.pk, "grace": grace.pk, "linus": linus.pk, "club": club.pk,
            "other": other.pk, "content_types": content_types}  # fmt: skip


def memberships(model) -> set[tuple]:
    return set(model.objects.values_list("group_id", "user_id", "role", "joined_at"))


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_every_group_membership_and_permission():
    old = migrate(BEFORE_THE_MOVE)
    ids = fill(old)
    ada, grace, linus, club, other = (ids[k] for k in ("ada", "grace", "linus", "club", "other"))
    expected = {
        (club, ada, "mentor", WHEN), (club, grace, "mentor", WHEN), (club, linus, "member", WHEN),
        (other, grace, "mentor", WHEN), (other, ada, "member", WHEN),
    }  # fmt: skip

    migrate()

    assert list(StudyGroup.objects.values_list("pk", "slug", "owner_id", "invite_token")) == [
        (club, "django-club", ada, "t" * 43),
        (other, "flask", grace, "u" * 43),
    ]
    group = StudyGroup.objects.get(pk=club)
    assert (group.description, group.members_see_progress) == ("Tuesdays.", True)
    assert memberships(Membership) == expected
    assert [m.role_label for m in Membership.objects.filter(group=group).order_by("pk")] == [
        "Owner", "Mentor", "Member"
    ]  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():  # the constraint came along
        Membership.objects.create(group=group, user_id=linus)
    for name in GROUP_MODELS:  # permissions and the admin's history follow the models
        content_type = ContentType.objects.get(app_label="groups", model=name)
        assert content_type.pk == ids["content_types"][name]
        assert Permission.objects.filter(content_type=content_type).count() == 4
    assert not ContentType.objects.filter(app_label="progress", model__in=GROUP_MODELS).exists()
    assert LogEntry.objects.get().get_edited_object() == group

    back = migrate(BEFORE_THE_MOVE)

    assert memberships(back.get_model("progress", "Membership")) == expected
    assert back.get_model("progress", "StudyGroup").objects.count() == 2
    assert (
        ContentType.objects.get(app_label="progress", model="studygroup").pk
        == (ids["content_types"]["studygroup"])
    )
    migrate()
    assert memberships(Membership) == expected
