"""Private Markdown notes on a step: only their author sees them."""

import pytest

from progress.models import StepNote

pytestmark = pytest.mark.django_db


def note_url(step) -> str:
    return f"{step.get_absolute_url()}note/"


def test_it_saves_a_note(alice_client, alice, roadmap):
    step = roadmap.steps[0]

    response = alice_client.post(note_url(step), {"body": "Remember **sets**."})

    assert response.status_code == 302
    assert StepNote.objects.get(user=alice, step=step).body == "Remember **sets**."
    page = alice_client.get(step.get_absolute_url())
    assert "<strong>sets</strong>" in page.content.decode()


def test_it_updates_without_a_second_row(alice_client, alice, roadmap):
    step = roadmap.steps[0]
    alice_client.post(note_url(step), {"body": "one"})
    alice_client.post(note_url(step), {"body": "two"})

    assert list(StepNote.objects.filter(user=alice).values_list("body", flat=True)) == ["two"]


def test_an_empty_note_deletes_it(alice_client, alice, roadmap):
    step = roadmap.steps[0]
    alice_client.post(note_url(step), {"body": "one"})

    alice_client.post(note_url(step), {"body": "   "})

    assert not StepNote.objects.exists()


def test_an_oversized_note_is_refused_and_kept_on_the_page(alice_client, roadmap):
    step = roadmap.steps[0]
    text = "x" * (StepNote.MAX_LENGTH + 1)

    response = alice_client.post(note_url(step), {"body": text}, follow=True)

    assert response.redirect_chain == [(step.get_absolute_url(), 302)]
    body = response.content.decode()
    assert 'id="note-errors"' in body
    assert "at most 5,000 characters" in body
    assert text in body  # nothing the learner typed is lost
    assert not StepNote.objects.exists()


def test_another_learner_never_sees_the_note(alice_client, bob, roadmap):
    step = roadmap.steps[0]
    alice_client.post(note_url(step), {"body": "alice's secret"})
    alice_client.force_login(bob)

    page = alice_client.get(step.get_absolute_url())

    assert "alice's secret" not in page.content.decode()


def test_a_note_is_sanitised(alice_client, roadmap):
    step = roadmap.steps[0]
    alice_client.post(note_url(step), {"body": "<script>alert(1)</script>[x](javascript:alert(1))"})

    page = alice_client.get(step.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the raw text, escaped, in the form


def test_it_needs_sign_in(client, roadmap):
    step = roadmap.steps[0]

    response = client.post(note_url(step), {"body": "hi"})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not StepNote.objects.exists()


def test_it_requires_csrf(alice, roadmap):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(note_url(roadmap.steps[0]), {"body": "hi"})

    assert response.status_code == 403
    assert not StepNote.objects.exists()
