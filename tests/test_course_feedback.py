"""Learners mark a resource helpful or not (one changeable vote); editors see the tally."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Course, CourseFeedback


@pytest.fixture
def course(roadmap) -> Course:
    return roadmap.steps[0].course_links.first().course


def vote(client: Client, course: Course, choice: str):
    return client.post(
        reverse("courses:vote", args=[course.slug]),
        {"vote": choice, "next": course.step_links.first().step.get_absolute_url()},
    )


def test_it_records_a_helpful_vote(alice_client, alice, course):
    response = vote(alice_client, course, "helpful")

    assert response.status_code == 302
    saved = CourseFeedback.objects.get()
    assert (saved.user, saved.course, saved.is_helpful) == (alice, course, True)


def test_voting_again_changes_the_one_vote(alice_client, course):
    vote(alice_client, course, "helpful")
    vote(alice_client, course, "not_helpful")
    vote(alice_client, course, "not_helpful")

    assert list(CourseFeedback.objects.values_list("is_helpful", flat=True)) == [False]


def test_the_step_page_shows_the_learners_vote(alice_client, roadmap, course):
    vote(alice_client, course, "not_helpful")

    page = alice_client.get(roadmap.steps[0].get_absolute_url()).content.decode()

    assert 'value="not_helpful" aria-pressed="true"' in page
    assert 'value="helpful" aria-pressed="false"' in page


def test_it_needs_sign_in(client, course):
    response = vote(client, course, "helpful")

    assert reverse("account_login") in response["Location"]
    assert not CourseFeedback.objects.exists()


def test_it_needs_the_csrf_token(alice, course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert vote(client, course, "helpful").status_code == 403


def test_it_rejects_an_unknown_vote(alice_client, course):
    response = vote(alice_client, course, "meh")

    assert response.status_code == 302
    assert not CourseFeedback.objects.exists()


def test_an_editor_sees_the_tally_on_the_course_list(charlie_client, alice_client, bob, course):
    bob_client = Client()
    bob_client.force_login(bob)
    vote(alice_client, course, "helpful")
    vote(bob_client, course, "not_helpful")

    response = charlie_client.get(
        reverse("admin:courses_course_changelist"),
        {"o": "-8"},  # most helpful first
    )

    row = next(c for c in response.context["cl"].result_list if c.pk == course.pk)
    assert (row.helpful_total, row.unhelpful_total) == (1, 0 + 1)
    assert "not helpful" in response.content.decode().lower()


def test_an_editor_can_read_but_not_cast_votes(charlie_client, alice_client, course):
    vote(alice_client, course, "helpful")
    saved = CourseFeedback.objects.get()

    listing = charlie_client.get(reverse("admin:courses_coursefeedback_changelist"))
    assert listing.status_code == 200
    assert charlie_client.get(reverse("admin:courses_coursefeedback_add")).status_code == 403
    change = charlie_client.post(
        reverse("admin:courses_coursefeedback_change", args=[saved.pk]), {"is_helpful": ""}
    )
    assert change.status_code == 403
    saved.refresh_from_db()
    assert saved.is_helpful
