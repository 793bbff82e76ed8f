"""Issue 26's smaller things, each as a sentence: the words a page uses, who sees what,
and where the admin starts a new step."""

import re

import pytest
from django.urls import reverse

from progress.models import LearnerProfile, StepNote
from tests.support import client_for

pytestmark = pytest.mark.django_db


def test_a_note_saved_a_moment_ago_says_so_not_zero_minutes(alice_client, alice, roadmap):
    step = roadmap.steps[0]
    StepNote.objects.create(user=alice, step=step, body="fresh")

    html = alice_client.get(step.get_absolute_url()).content.decode()

    assert "0 minutes" not in html
    assert re.search(r"Last saved <time datetime=\"[^\"]+\">now</time>", html)


def test_times_carry_no_microseconds(alice_client, alice, roadmap):
    step = roadmap.steps[0]
    StepNote.objects.create(user=alice, step=step, body="fresh")

    html = alice_client.get(step.get_absolute_url()).content.decode()

    [stamp] = re.findall(r'<time datetime="([^"]+)"', html)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", stamp)


def test_the_readme_badge_is_shown_to_its_owner_only(client, alice_client, alice):
    LearnerProfile.objects.create(user=alice, is_public=True)
    url = reverse("progress:public_progress", args=["alice"])

    assert "![Python backend roadmap progress]" in alice_client.get(url).content.decode()
    assert "![Python backend roadmap progress]" not in client.get(url).content.decode()


def test_the_404_page_marks_no_section_as_current(client, roadmap):
    response = client.get(f"{roadmap.stages[0].get_absolute_url()}no-such-step/")

    assert response.status_code == 404
    assert 'aria-current="page"' not in response.content.decode()


def test_the_invitation_speaks_to_the_person_invited(client, group):
    html = client.get(group.invite_path()).content.decode()

    assert "your username and the day you joined" in html
    assert "the member" not in html


def test_a_signed_out_member_following_a_group_link_is_asked_to_sign_in(client, group):
    response = client.get(group.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={group.get_absolute_url()}"


def test_a_new_step_starts_as_a_draft_in_the_admin(charlie_client):
    html = charlie_client.get(reverse("admin:roadmap_step_add")).content.decode()

    [box] = re.findall(r'<input type="checkbox" name="is_published"[^>]*>', html)
    assert "checked" not in box


def test_a_draft_step_links_its_editor_to_the_admin(charlie_client, roadmap):
    step = roadmap.steps[1]
    step.is_published = False
    step.save()

    html = charlie_client.get(step.get_absolute_url()).content.decode()

    assert (
        f'<a href="{reverse("admin:roadmap_step_change", args=[step.pk])}">Edit in admin</a>'
        in html
    )


@pytest.mark.parametrize(
    ("who", "url", "box"),
    [
        ("alice", "/accounts/settings/", "id_is_public"),
        ("alice", "/accounts/settings/delete/", "id_confirm"),
        ("alice", "{group}settings/", "id_members_see_progress"),
    ],
)
def test_a_boxs_label_has_no_colon(request, group, who, url, box):
    client = client_for(request.getfixturevalue(who))

    html = client.get(url.format(group=group.get_absolute_url())).content.decode()

    [label] = re.findall(rf'<label for="{box}">([^<]*)</label>', html)
    assert label and not label.endswith(":")
