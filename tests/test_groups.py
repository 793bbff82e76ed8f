"""Study groups: creating one, its page for each kind of person in it, the owner's tools,
leaving, deleting, and what account deletion and the data export do with groups."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from groups import services as group_services
from groups.models import Membership, StudyGroup
from progress.models import StepNote, StepProgress
from tests.support import client_for

pytestmark = pytest.mark.django_db
Role = Membership.Role


# ---------------------------------------------------------------- creating


def test_it_creates_a_group_owned_by_its_creator(alice_client, alice):
    response = alice_client.post(
        "/groups/", {"name": "Python club, Lyon", "description": "Tuesday nights."}
    )

    group = StudyGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/groups/python-club-lyon/"
    assert group.owner == alice
    assert group.description == "Tuesday nights."
    assert not group.members_see_progress
    assert list(group.memberships.values_list("user__username", "role")) == [("alice", "mentor")]


def test_it_makes_unguessable_invite_tokens(alice):
    first = group_services.group_create(owner=alice, name="One")
    second = group_services.group_create(owner=alice, name="Two")

    assert len(first.invite_token) >= 43
    assert first.invite_token != second.invite_token


def test_it_gives_each_group_its_own_slug(alice, bob):
    slugs = [group_services.group_create(owner=alice, name="Club").slug for _ in range(3)]
    slugs.append(group_services.group_create(owner=bob, name="Join").slug)
    slugs.append(group_services.group_create(owner=bob, name="Клуб").slug)

    assert slugs == ["club", "club-2", "club-3", "join-2", "group"]


@pytest.mark.parametrize(
    "data",
    [
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 81},
        {"name": "ok", "description": "y" * 501},
        {"name": "nul\x00byte"},
    ],
)
def test_it_refuses_a_bad_group_with_a_clear_message(alice_client, data):
    response = alice_client.post("/groups/", data)

    assert response.status_code == 400
    assert not StudyGroup.objects.exists()
    assert b"errorlist" in response.content


def test_the_list_needs_sign_in(client):
    response = client.get("/groups/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/groups/")


def test_the_list_shows_the_learners_groups_with_their_roles(group, alice, bob, stranger):
    owner_page = client_for(alice).get("/groups/").content.decode()
    member_page = client_for(bob).get("/groups/").content.decode()
    stranger_page = client_for(stranger).get("/groups/").content.decode()

    assert "Django club" in owner_page and "Owner" in owner_page
    assert "Django club" in member_page and "Member" in member_page
    assert "Django club" not in stranger_page
    assert "You are in no group yet" in stranger_page


# ---------------------------------------------------------------- the group's page


def test_a_mentor_sees_the_progress_table_the_invite_link_and_the_csv_link(group, mia, bob):
    response = client_for(mia).get(group.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert 'class="data-table"' in page
    assert f"/groups/join/{group.invite_token}/" in page
    assert f"/groups/{group.slug}/progress.csv" in page
    assert f"/groups/{group.slug}/members/{bob.pk}/" in page
    assert "May be stuck" in page


def test_a_member_sees_the_people_but_not_their_progress(group, bob):
    response = client_for(bob).get(group.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "mia" in page and "alice" in page
    assert 'class="data-table"' not in page
    assert group.invite_token not in page
    assert "/progress.csv" not in page
    assert "Only the mentors see the members' progress" in page
    assert f'href="/groups/{group.slug}/members/{bob.pk}/">What the mentors see of you' in page


def test_a_member_sees_the_table_when_the_owner_shares_it(group, bob):
    group.members_see_progress = True
    group.save()

    page = client_for(bob).get(group.get_absolute_url()).content.decode()

    assert 'class="data-table"' in page
    assert "/progress.csv" not in page
    assert "May be stuck" not in page


def test_the_owner_gets_the_tools_and_others_do_not(group, alice, mia, bob):
    pages = {p.username: client_for(p).get(group.get_absolute_url()).content.decode()
             for p in (alice, mia, bob)}  # fmt: skip

    assert "Make mentor" in pages["alice"] and "Delete the group" in pages["alice"]
    for name in ("mia", "bob"):
        assert "Make mentor" not in pages[name]
        assert "Delete the group" not in pages[name]
        assert "Leave “Django club”" in pages[name]
    assert "Leave “Django club”" not in pages["alice"]


def test_names_are_shown_as_text_never_as_markup(alice, bob, django_user_model):
    group = group_services.group_create(owner=alice, name="<script>alert(1)</script>")
    sly = django_user_model.objects.create_user(username="<b>sly</b>", email="sly@example.com")
    group_services.group_join(group=group, user=sly)

    page = client_for(alice).get(group.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<b>sly</b>" not in page and "&lt;b&gt;sly&lt;/b&gt;" in page


# ---------------------------------------------------------------- the owner's tools


def test_the_owner_makes_a_member_a_mentor_and_back(group, alice, bob):
    client = client_for(alice)
    url = f"/groups/{group.slug}/members/{bob.pk}/role/"

    client.post(url, {"role": "mentor"})
    assert Membership.objects.get(group=group, user=bob).role == Role.MENTOR
    client.post(url, {"role": "member"})
    assert Membership.objects.get(group=group, user=bob).role == Role.MEMBER


def test_it_refuses_an_unknown_role(group, alice, bob):
    response = client_for(alice).post(
        f"/groups/{group.slug}/members/{bob.pk}/role/", {"role": "owner"}, follow=True
    )

    assert "is not a role" in response.content.decode()
    assert Membership.objects.get(group=group, user=bob).role == Role.MEMBER


def test_the_owner_stays_a_mentor(group, alice):
    client_for(alice).post(f"/groups/{group.slug}/members/{alice.pk}/role/", {"role": "member"})

    assert Membership.objects.get(group=group, user=alice).role == Role.MENTOR


def test_only_the_owner_changes_roles(group, mia, bob):
    response = client_for(mia).post(
        f"/groups/{group.slug}/members/{bob.pk}/role/", {"role": "mentor"}
    )

    assert response.status_code == 404
    assert Membership.objects.get(group=group, user=bob).role == Role.MEMBER


def test_the_owner_removes_a_member(group, alice, bob):
    response = client_for(alice).post(f"/groups/{group.slug}/members/{bob.pk}/remove/")

    assert response.status_code == 302
    assert not group.memberships.filter(user=bob).exists()
    assert client_for(bob).get(group.get_absolute_url()).status_code == 404


def test_removing_someone_asks_first_and_names_them(group, alice, bob):
    response = client_for(alice).get(f"/groups/{group.slug}/members/{bob.pk}/remove/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Remove bob from “Django club”?" in page
    assert "Yes, remove bob" in page
    assert group.memberships.filter(user=bob).exists()


def test_the_group_page_links_to_the_confirmation(group, alice, bob):
    page = client_for(alice).get(group.get_absolute_url()).content.decode()

    assert f'href="/groups/{group.slug}/members/{bob.pk}/remove/"' in page


def test_removing_tells_the_owner_how_to_keep_them_out(group, alice, bob):
    response = client_for(alice).post(f"/groups/{group.slug}/members/{bob.pk}/remove/", follow=True)

    assert "bob is no longer in “Django club”" in response.content.decode()
    assert "replace it to stop that" in response.content.decode()


def test_the_owner_cannot_be_removed(group, alice):
    response = client_for(alice).post(f"/groups/{group.slug}/members/{alice.pk}/remove/")

    assert response.status_code == 404
    assert group.memberships.filter(user=alice).exists()


def test_only_the_owner_removes(group, mia, bob):
    response = client_for(mia).post(f"/groups/{group.slug}/members/{bob.pk}/remove/")

    assert response.status_code == 404
    assert group.memberships.filter(user=bob).exists()


def test_the_owner_renames_the_group_and_its_address_stays(group, alice):
    response = client_for(alice).post(
        f"/groups/{group.slug}/settings/",
        {"name": "Django club, autumn", "description": "", "members_see_progress": "on"},
    )

    group.refresh_from_db()
    assert response.status_code == 302
    assert group.name == "Django club, autumn"
    assert group.slug == "django-club"
    assert group.members_see_progress


def test_a_bad_rename_changes_nothing(group, alice):
    response = client_for(alice).post(f"/groups/{group.slug}/settings/", {"name": "x" * 200})

    group.refresh_from_db()
    assert response.status_code == 400
    assert "at most 80 characters" in response.content.decode()
    assert group.name == "Django club"


def test_only_the_owner_opens_the_settings(group, mia, bob):
    for person in (mia, bob):
        assert client_for(person).get(f"/groups/{group.slug}/settings/").status_code == 404


def test_replacing_the_link_retires_the_old_one(group, alice, stranger):
    old = group.invite_path()

    response = client_for(alice).post(f"/groups/{group.slug}/invite/")

    group.refresh_from_db()
    assert response.status_code == 302
    assert group.invite_path() != old
    assert client_for(stranger).get(old).status_code == 404
    assert client_for(stranger).post(old).status_code == 404
    assert client_for(stranger).get(group.invite_path()).status_code == 200
    assert not group.memberships.filter(user=stranger).exists()


def test_deleting_asks_for_confirmation_first(group, alice):
    client = client_for(alice)

    page = client.get(f"/groups/{group.slug}/delete/")
    assert page.status_code == 200
    assert "Delete “Django club”?" in page.content.decode()
    assert StudyGroup.objects.filter(pk=group.pk).exists()

    response = client.post(f"/groups/{group.slug}/delete/")
    assert response.status_code == 302
    assert not StudyGroup.objects.exists()
    assert not Membership.objects.exists()


def test_only_the_owner_deletes(group, mia):
    response = client_for(mia).post(f"/groups/{group.slug}/delete/")

    assert response.status_code == 404
    assert StudyGroup.objects.filter(pk=group.pk).exists()


def test_deleting_a_group_keeps_everyones_progress(group, alice, bob, roadmap):
    StepProgress.objects.create(user=bob, step=roadmap.steps[0], status="done")

    client_for(alice).post(f"/groups/{group.slug}/delete/")

    assert StepProgress.objects.filter(user=bob).count() == 1


# ---------------------------------------------------------------- leaving


def test_a_member_leaves_and_mentors_see_nothing_of_them_at_once(group, bob, mia, roadmap):
    StepProgress.objects.create(user=bob, step=roadmap.steps[0], status="done")
    mentor = client_for(mia)
    assert "bob" in mentor.get(group.get_absolute_url()).content.decode()

    response = client_for(bob).post(f"/groups/{group.slug}/leave/")

    assert response.status_code == 302
    assert not group.memberships.filter(user=bob).exists()
    assert "bob" not in mentor.get(group.get_absolute_url()).content.decode()
    assert mentor.get(f"/groups/{group.slug}/members/{bob.pk}/").status_code == 404
    assert "bob" not in mentor.get(f"/groups/{group.slug}/progress.csv").content.decode()


def test_a_mentor_may_leave(group, mia):
    client_for(mia).post(f"/groups/{group.slug}/leave/")

    assert not group.memberships.filter(user=mia).exists()


def test_the_owner_cannot_leave_and_is_told_why(group, alice):
    response = client_for(alice).post(f"/groups/{group.slug}/leave/", follow=True)

    assert group.memberships.filter(user=alice).exists()
    assert "As the owner you cannot leave the group" in response.content.decode()


# ---------------------------------------------------------------- the account


def test_deleting_the_account_deletes_owned_groups_and_memberships(group, alice, bob, stranger):
    theirs = group_services.group_create(owner=stranger, name="Other club")
    group_services.group_join(group=theirs, user=alice)

    client_for(alice).post("/accounts/settings/delete/", {"confirm": "on"})

    assert not StudyGroup.objects.filter(pk=group.pk).exists()
    assert not Membership.objects.filter(user_id=alice.pk).exists()
    assert not Membership.objects.filter(user=bob).exists()
    assert list(theirs.memberships.values_list("user__username", flat=True)) == ["dora"]


def test_leaving_a_group_by_deleting_the_account_keeps_the_group(group, bob):
    client_for(bob).post("/accounts/settings/delete/", {"confirm": "on"})

    assert not get_user_model().objects.filter(username="bob").exists()
    assert StudyGroup.objects.filter(pk=group.pk).exists()
    assert group.memberships.count() == 2


def test_the_delete_account_page_names_the_groups_that_go(group, alice, bob):
    page = client_for(alice).get("/accounts/settings/delete/").content.decode()
    members_page = client_for(bob).get("/accounts/settings/delete/").content.decode()

    assert "the groups you own are deleted" in page
    assert "The groups you own: <strong>Django club</strong>." in page
    assert "The groups you own:" not in members_page


def test_the_data_export_lists_the_groups_with_the_role(group, alice, bob, mia):
    group_services.group_create(owner=bob, name="Bob's own")

    data = json.loads(client_for(bob).get("/accounts/settings/data.json").content)

    assert [(g["name"], g["role"]) for g in data["groups"]] == [
        ("Django club", "member"),
        ("Bob's own", "owner"),
    ]
    owner = json.loads(client_for(alice).get("/accounts/settings/data.json").content)
    assert [(g["slug"], g["role"]) for g in owner["groups"]] == [("django-club", "owner")]


def test_the_dashboard_links_to_the_learners_groups(group, bob, stranger):
    mine = client_for(bob).get("/progress/").content.decode()
    none = client_for(stranger).get("/progress/").content.decode()

    assert 'href="/groups/django-club/"' in mine
    assert "Create a study group" in none


def test_the_header_links_to_groups_for_learners_only(alice_client, seeded):
    assert 'href="/groups/"' in alice_client.get("/").content.decode()
    assert 'href="/groups/"' not in Client().get("/").content.decode()


# ---------------------------------------------------------------- the admin


def test_superusers_see_groups_in_the_admin(group, superuser):
    client = client_for(superuser)

    listing = client.get("/admin/groups/studygroup/")
    change = client.get(f"/admin/groups/studygroup/{group.pk}/change/")

    assert listing.status_code == 200
    assert "Django club" in listing.content.decode()
    assert change.status_code == 200
    assert group.invite_token not in change.content.decode()


def test_editors_never_see_groups_in_the_admin(group, charlie_client, charlie):
    assert charlie_client.get("/admin/groups/studygroup/").status_code == 403
    assert charlie_client.get(f"/admin/groups/studygroup/{group.pk}/change/").status_code == 403
    assert "studygroup" not in charlie_client.get("/admin/").content.decode()
    assert not charlie.has_perm("groups.view_studygroup")
    assert not charlie.has_perm("groups.view_membership")


def test_even_a_granted_permission_does_not_open_groups_to_staff(group, charlie):
    from django.contrib.auth.models import Permission

    charlie.user_permissions.add(*Permission.objects.filter(content_type__app_label="groups"))
    client = client_for(get_user_model().objects.get(pk=charlie.pk))

    assert client.get("/admin/groups/studygroup/").status_code == 403


def test_mentors_never_see_notes(group, mia, bob, roadmap):
    StepNote.objects.create(user=bob, step=roadmap.steps[0], body="my secret worry")
    StepProgress.objects.create(user=bob, step=roadmap.steps[0], status="in_progress")
    mentor = client_for(mia)

    pages = [
        mentor.get(group.get_absolute_url()),
        mentor.get(f"/groups/{group.slug}/members/{bob.pk}/"),
        mentor.get(f"/groups/{group.slug}/progress.csv"),
    ]

    assert [p.status_code for p in pages] == [200, 200, 200]
    assert not any(b"my secret worry" in p.content for p in pages)


def test_one_person_owns_at_most_max_owned_groups(alice):
    client = client_for(alice)
    for n in range(StudyGroup.MAX_OWNED):
        assert client.post("/groups/", {"name": f"Cohort {n}"}).status_code == 302

    response = client.post("/groups/", {"name": "One too many"})

    assert response.status_code == 400
    assert f"You own {StudyGroup.MAX_OWNED} groups, the most one person may." in (
        response.content.decode()
    )
    assert StudyGroup.objects.filter(owner=alice).count() == StudyGroup.MAX_OWNED
    assert not StudyGroup.objects.filter(name="One too many").exists()


def test_a_group_whose_every_slug_was_taken_meanwhile_is_a_form_error(alice, bob, monkeypatch):
    group_services.group_create(owner=bob, name="Taken")
    monkeypatch.setattr(group_services, "_free_slug", lambda name, attempt: "taken")

    response = client_for(alice).post("/groups/", {"name": "Taken"})

    assert response.status_code == 400
    assert "Nothing was created: send the form again." in response.content.decode()
    assert not StudyGroup.objects.filter(owner=alice).exists()


def test_belonging_to_many_groups_does_not_count_as_owning(alice, bob):
    for n in range(StudyGroup.MAX_OWNED):
        group = group_services.group_create(owner=bob, name=f"Bob's cohort {n}")
        group_services.group_join(group=group, user=alice)

    assert client_for(alice).post("/groups/", {"name": "Mine"}).status_code == 302
