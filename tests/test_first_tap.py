"""A visitor's first tap on a step's status is kept through sign-in, sign-up or the guest
choice: the status travels in the sign-in's `next` (/stages/<stage>/<step>/?mark=<status>)."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from progress.guest import pending_status
from progress.models import StepProgress
from tests.support import PASSWORD

pytestmark = pytest.mark.django_db


def marked(step, status: str = "done") -> str:
    return f"{step.get_absolute_url()}?mark={status}"


def test_it_reads_the_step_and_status_from_next(roadmap):
    step = roadmap.steps[0]

    pending = pending_status(marked(step, "in_progress"))

    assert (pending.step, pending.status, pending.label) == (step, "in_progress", "In progress")


@pytest.mark.parametrize(
    "next_url",
    ["/", "/stages/stage-1-1/step-1/", "/stages/stage-1-1/step-1/?mark=reset",
     "/stages/stage-1-1/step-1/?mark=<b>", "/stages/stage-1-1/nope/?mark=done",
     "https://evil.example/stages/stage-1-1/step-1/?mark=done", "/progress/?mark=done",
     "//evil.example/stages/stage-1-1/step-1/?mark=done", "\x00", ""],
)  # fmt: skip
def test_anything_else_carries_no_status(roadmap, next_url):
    assert pending_status(next_url) is None


def test_a_draft_step_carries_no_status(roadmap):
    step = roadmap.steps[0]
    step.is_published = False
    step.save()

    assert pending_status(marked(step)) is None


def test_the_status_links_carry_the_tapped_status(client, roadmap):
    step = roadmap.steps[0]

    page = client.get(step.get_absolute_url()).text

    assert "?next=/stages/stage-1-1/step-1/%3Fmark%3Ddone" in page
    assert "?next=/stages/stage-1-1/step-1/%3Fmark%3Dskipped" in page


def test_the_sign_in_page_says_why(client, roadmap):
    page = client.get(reverse("account_login"), {"next": marked(roadmap.steps[0])}).text

    assert f"Sign in to mark “{roadmap.steps[0].title}” done" in page
    assert "Continue as a guest" in page


def test_continuing_as_a_guest_sets_the_tapped_status(client, roadmap):
    step = roadmap.steps[0]

    response = client.post(reverse("progress:guest_start"), {"next": marked(step, "skipped")})

    assert response.url == step.get_absolute_url()
    assert client.get(step.get_absolute_url()).context["status"] == "skipped"


def test_signing_in_sets_the_tapped_status(client, alice, roadmap):
    step = roadmap.steps[0]

    response = client.post(
        reverse("account_login"),
        {"login": alice.email, "password": PASSWORD, "next": marked(step)},
    )

    assert response.url == marked(step)
    assert StepProgress.objects.get(user=alice, step=step).status == "done"
    # Back on the step: the address loses the mark, the message says what changed.
    back = client.get(response.url)
    assert back.url == step.get_absolute_url()
    assert f"“{step.title}” is now done." in [m.message for m in get_messages(back.wsgi_request)]


def test_signing_in_without_a_tap_changes_nothing(client, alice, roadmap):
    client.post(
        reverse("account_login"),
        {"login": alice.email, "password": PASSWORD, "next": roadmap.steps[0].get_absolute_url()},
    )

    assert not StepProgress.objects.exists()


def test_a_guest_has_a_dashboard(client, roadmap):
    client.post(reverse("progress:guest_start"), {"next": marked(roadmap.steps[0])})

    response = client.get(reverse("progress:dashboard"))

    assert response.status_code == 200
    assert "You are tracking as a guest" in response.text
    assert response.context["overall"].done == 1
    assert 'href="/progress/"' in response.text  # "My progress" in the header


def test_a_visitor_is_asked_to_sign_in_or_continue_as_a_guest(client, roadmap):
    response = client.get(reverse("progress:dashboard"))

    assert response.url == f"{reverse('account_login')}?next=/progress/"


def test_signing_in_says_the_guests_progress_moved_over(alice, roadmap):
    client = Client()
    client.post(reverse("progress:guest_start"), {"next": marked(roadmap.steps[0])})
    client.post(reverse("progress:guest_start"), {"next": marked(roadmap.steps[1])})
    assert "2 steps</strong> as a guest" in client.get(reverse("account_signup")).text

    response = client.post(
        reverse("account_login"), {"login": alice.email, "password": PASSWORD}, follow=True
    )

    assert "Your progress as a guest (2 steps) is now in your account." in response.text
