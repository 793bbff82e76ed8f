"""Drafts: invisible to visitors and learners, previewed by editors with a clear banner."""

import pytest
from django.test import Client

from courses.models import Course, StepCourse

BANNER = "Draft: not visible to visitors"


@pytest.fixture
def draft_step(roadmap):
    step = roadmap.steps[1]
    step.is_published = False
    step.save()
    return step


@pytest.fixture
def draft_course(roadmap) -> Course:
    course = StepCourse.objects.filter(step=roadmap.steps[0]).first().course
    course.title = "Qwerty draft course"
    course.is_published = False
    course.save()
    return course


def test_it_shows_an_editor_a_draft_step_with_a_banner(charlie_client, draft_step):
    response = charlie_client.get(draft_step.get_absolute_url())

    assert response.status_code == 200
    assert BANNER in response.content.decode()
    assert draft_step.title in response.content.decode()


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_it_hides_a_draft_step_from_everyone_else(client, alice, draft_step, who):
    if who == "learner":
        client.force_login(alice)

    assert client.get(draft_step.get_absolute_url()).status_code == 404


def test_it_hides_a_draft_step_from_staff_without_the_permission(
    client, django_user_model, draft_step
):
    staff = django_user_model.objects.create_user("staffer", is_staff=True)
    client.force_login(staff)

    assert client.get(draft_step.get_absolute_url()).status_code == 404


def test_it_does_not_banner_a_published_step(charlie_client, roadmap):
    response = charlie_client.get(roadmap.steps[0].get_absolute_url())

    assert BANNER not in response.content.decode()


def test_it_shows_an_editor_a_draft_course_in_its_place(charlie_client, roadmap, draft_course):
    page = charlie_client.get(roadmap.steps[0].get_absolute_url()).content.decode()

    assert draft_course.title in page
    assert f'id="course-{draft_course.slug}"' in page
    assert "tag-draft" in page


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_it_hides_a_draft_course_from_everyone_else(client, alice, roadmap, draft_course, who):
    if who == "learner":
        client.force_login(alice)

    for url in [
        roadmap.steps[0].get_absolute_url(),
        roadmap.stages[0].get_absolute_url(),
        "/courses/",
    ]:
        page = client.get(url).content.decode()
        assert draft_course.title not in page, url


def test_it_keeps_a_draft_step_out_of_a_learners_progress(client: Client, alice, draft_step):
    client.force_login(alice)

    page = client.get("/").content.decode()

    assert draft_step.title not in page
