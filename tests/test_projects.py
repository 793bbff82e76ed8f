"""Project steps take a repository URL and an optional live URL, http(s) only."""

import pytest

from progress.models import ProjectLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_step(roadmap):
    step = roadmap.steps[0]
    step.is_project = True
    step.save()
    return step


def project_url(step) -> str:
    return f"{step.get_absolute_url()}project/"


def test_it_saves_a_project(alice_client, alice, project_step):
    response = alice_client.post(
        project_url(project_step),
        {"repository_url": "https://github.com/alice/app", "live_url": "https://app.example.org"},
    )

    assert response.status_code == 302
    project = ProjectLink.objects.get(user=alice, step=project_step)
    assert (project.repository_url, project.live_url) == (
        "https://github.com/alice/app",
        "https://app.example.org",
    )


def test_the_live_url_is_optional(alice_client, alice, project_step):
    alice_client.post(project_url(project_step), {"repository_url": "https://github.com/a/b"})

    assert ProjectLink.objects.get(user=alice).live_url == ""


@pytest.mark.parametrize(
    "bad",
    ["javascript:alert(1)", "ftp://example.org/x", "data:text/html,hi", "not a url", ""],
)
def test_it_refuses_anything_but_a_web_address(alice_client, project_step, bad):
    response = alice_client.post(project_url(project_step), {"repository_url": bad, "live_url": ""})

    assert response.status_code == 302
    assert response.url == project_step.get_absolute_url()
    assert not ProjectLink.objects.exists()


def test_it_refuses_a_bad_live_url(alice_client, project_step):
    response = alice_client.post(
        project_url(project_step),
        {"repository_url": "https://github.com/a/b", "live_url": "javascript:alert(1)"},
        follow=True,
    )

    body = response.content.decode()
    assert response.redirect_chain == [(project_step.get_absolute_url(), 302)]
    assert 'id="project-errors"' in body and "http://" in body
    assert 'value="https://github.com/a/b"' in body  # what was typed comes back


def test_a_refused_form_shows_its_errors_once(alice_client, project_step):
    """Back on the step page after the refusal; a reload shows the saved state, not the errors
    (and never re-posts: the address is the step's)."""
    alice_client.post(project_url(project_step), {"repository_url": "nope"})
    assert 'id="project-errors"' in alice_client.get(project_step.get_absolute_url()).text

    assert 'id="project-errors"' not in alice_client.get(project_step.get_absolute_url()).text


def test_a_refused_form_shows_only_on_its_own_step(alice_client, project_step, roadmap):
    alice_client.post(project_url(project_step), {"repository_url": "nope"})

    assert "nope" not in alice_client.get(roadmap.steps[1].get_absolute_url()).text
    assert not ProjectLink.objects.exists()


def test_it_removes_a_project(alice_client, alice, project_step):
    alice_client.post(project_url(project_step), {"repository_url": "https://github.com/a/b"})

    alice_client.post(project_url(project_step), {"remove": "1"})

    assert not ProjectLink.objects.exists()


def test_only_project_steps_take_projects(alice_client, roadmap):
    step = roadmap.steps[1]

    response = alice_client.post(project_url(step), {"repository_url": "https://github.com/a/b"})

    assert response.status_code == 404
    assert not ProjectLink.objects.exists()


def test_it_needs_sign_in(client, project_step):
    response = client.post(project_url(project_step), {"repository_url": "https://x.org"})

    assert response.status_code == 302
    assert not ProjectLink.objects.exists()


def test_a_double_submit_keeps_one_row(alice_client, project_step):
    for _ in range(2):
        alice_client.post(project_url(project_step), {"repository_url": "https://github.com/a/b"})

    assert ProjectLink.objects.count() == 1
