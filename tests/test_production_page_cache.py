"""The visitors' page cache: hits, fresh CSRF tokens, invalidation, who never gets it."""

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from roadmap.models import Stage, Step
from roadmap_site import cache as page_cache

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def _step() -> Step:
    return Step.objects.published().select_related("stage").order_by("id").first()


@pytest.fixture
def step(seeded) -> Step:
    return _step()


def test_a_visitors_second_visit_comes_from_the_cache(step):
    url = step.get_absolute_url()
    first = Client().get(url)
    second = Client().get(url)
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert step.title in second.content.decode()


def test_a_cached_page_gets_a_fresh_working_csrf_token(step):
    url = step.get_absolute_url()
    first_visitor, second_visitor = (
        Client(enforce_csrf_checks=True),
        Client(enforce_csrf_checks=True),
    )
    first_token = TOKEN.search(first_visitor.get(url).content.decode()).group(1)
    served = second_visitor.get(url)
    assert served["X-Page-Cache"] == "hit"
    tokens = set(TOKEN.findall(served.content.decode()))
    assert len(tokens) == 1 and first_token not in tokens
    assert page_cache.TOKEN_PLACEHOLDER.decode() not in served.content.decode()
    cookie = served.cookies["csrftoken"].value
    assert _unmask_cipher_token(tokens.pop()) == cookie  # the cookie holds the secret
    # The token works: the POST passes the CSRF check (a visitor is sent to sign in
    # or gets guest progress; never a 403).
    token = TOKEN.search(served.content.decode()).group(1)
    post = second_visitor.post(f"{url}status/", {"status": "done", "csrfmiddlewaretoken": token})
    assert post.status_code in (302, 303)


def test_a_content_change_is_seen_at_once(step):
    url = step.get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"
    step.title = "A brand new title"
    step.save()
    fresh = Client().get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert "A brand new title" in fresh.content.decode()


def test_deleting_content_invalidates_the_roadmap(roadmap):
    Client().get("/")
    stage = roadmap.stages[-1]
    Step.objects.filter(stage=stage).delete()  # queryset delete still sends post_delete
    Stage.objects.filter(pk=stage.pk).delete()
    assert stage.title not in Client().get("/").content.decode()


def test_a_visitor_with_a_session_or_messages_is_not_served_from_the_cache(step):
    url = step.get_absolute_url()
    Client().get(url)
    for cookie in ("sessionid=abc", "messages=abc"):
        client = Client(HTTP_COOKIE=cookie)
        assert "X-Page-Cache" not in client.get(url)


def test_the_theme_cookie_has_its_own_cached_page(step):
    url = step.get_absolute_url()
    Client().get(url)
    dark = Client()
    dark.cookies["theme"] = "dark"
    assert dark.get(url)["X-Page-Cache"] == "miss"
    assert dark.get(url)["X-Page-Cache"] == "hit"


def test_only_public_pages_are_cached(seeded, client):
    assert "X-Page-Cache" not in client.get("/healthz")
    assert "X-Page-Cache" not in client.get("/accounts/login/")
    assert "X-Page-Cache" not in client.get("/no/such/page/")
