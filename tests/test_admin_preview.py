"""The admin's live Markdown preview: staff only, POST with CSRF, through the one sanitiser."""

import pytest
from django.test import Client
from django.urls import reverse

URL = reverse("courses:markdown_preview")


def test_it_renders_markdown_for_an_editor(charlie_client):
    response = charlie_client.post(URL, {"text": "# Title\n\nSome **bold** [link](https://x.org)"})

    assert response.status_code == 200
    html = response.json()["html"]
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html
    assert 'rel="nofollow noopener"' in html


def test_it_sanitises_like_the_public_pages(charlie_client):
    text = "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"

    html = charlie_client.post(URL, {"text": text}).json()["html"]

    assert "<script" not in html
    assert "javascript:" not in html
    assert "<img" not in html and "onerror" not in html


def test_it_takes_the_heading_level_of_the_field(charlie_client):
    html = charlie_client.post(URL, {"text": "# Title", "top_heading": "4"}).json()["html"]

    assert "<h4>Title</h4>" in html


def test_it_shrugs_off_a_bad_heading_level(charlie_client):
    response = charlie_client.post(URL, {"text": "# Title", "top_heading": "lots"})

    assert response.status_code == 200
    assert "<h2>Title</h2>" in response.json()["html"]


def test_it_refuses_text_too_long_to_preview(charlie_client):
    response = charlie_client.post(URL, {"text": "x" * 100_001})

    assert response.status_code == 400
    assert "too long" in response.json()["error"]


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_it_refuses_anyone_but_staff(client, alice, who):
    if who == "learner":
        client.force_login(alice)

    response = client.post(URL, {"text": "hello"})

    assert response.status_code == 403
    assert "html" not in response.json()


def test_it_needs_the_csrf_token(charlie):
    client = Client(enforce_csrf_checks=True)
    client.force_login(charlie)

    assert client.post(URL, {"text": "hello"}).status_code == 403
