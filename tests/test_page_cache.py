"""Visitors' pages from the cache: who gets them, what makes an entry, what retires it.

The roadmap, stage, step and catalogue pages are the same for every visitor, so
they are kept in the page cache (roadmap_site/page_cache.py; Redis in production,
this process's memory here). Learners, guests, editors and anyone with a message
waiting get their own page, rendered, and marked private. Content saves and
deletes retire every kept page when their transaction commits, through a content
version the database keeps. A kept page is served without rendering a template,
which is how these tests tell it apart.
"""

import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.core.cache import caches
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client

from courses.models import Course, StepCourse
from roadmap.models import Checkpoint, Stage, Step
from roadmap_site import page_cache
from tests.live_servers import RedisServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(roadmap) -> list[str]:
    stage, step = roadmap.stages[0], roadmap.steps[0]
    return ["/", stage.get_absolute_url(), step.get_absolute_url(), "/courses/"]


def visit(url: str, client: Client | None = None, **extra) -> HttpResponse:
    response = (client or Client()).get(url, **extra)
    assert response.status_code == 200, url
    return response


def kept(url: str, client: Client | None = None, **extra) -> bool:
    """Whether the page came from the cache (a new visitor's, unless a client is given)."""
    return not visit(url, client, **extra).templates


def test_a_visitors_second_visit_comes_from_the_cache(pages):
    for url in pages:
        assert not kept(url)
        assert kept(url)


def test_nothing_tells_a_visitor_whether_a_page_was_kept(pages):
    """Whether a page or a filter was asked for lately is nobody's business."""
    for url in pages:
        for response in (visit(url), visit(url)):  # rendered, then kept
            assert not [name for name in response.headers if "cache" in name.lower()], url


def test_a_kept_page_is_the_page_itself(roadmap):
    url = roadmap.steps[0].get_absolute_url()
    first = Client().get(url)
    second = Client().get(url)

    assert second.content == first.content
    assert roadmap.steps[0].title in second.content.decode()
    assert second["Content-Type"] == "text/html; charset=utf-8"


def test_visitors_pages_carry_no_token_and_set_no_cookie(pages):
    for url in pages:
        for _ in range(2):  # rendered, then kept
            response = Client().get(url)
            assert "csrfmiddlewaretoken" not in response.content.decode(), url
            assert not response.cookies, url


@pytest.mark.parametrize(
    "extra",
    [
        {"QUERY_STRING": "utm_source=junk"},
        {"HTTP_HOST": "localhost:1234"},
        {"HTTP_COOKIE": "junk=1; another=2"},
        {"HTTP_COOKIE": "theme=neon"},
    ],
    ids=["unused query string", "host and port", "unknown cookies", "unknown theme"],
)
def test_what_a_page_does_not_read_makes_no_new_entry(roadmap, extra):
    url = roadmap.steps[0].get_absolute_url()
    assert not kept(url)

    assert kept(url, **extra)


def test_each_theme_has_its_own_page(roadmap):
    url = roadmap.steps[0].get_absolute_url()
    visit(url)

    assert not kept(url, HTTP_COOKIE="theme=dark")
    assert kept(url, HTTP_COOKIE="theme=dark")
    assert 'data-theme="dark"' in Client(HTTP_COOKIE="theme=dark").get(url).content.decode()
    assert 'data-theme="dark"' not in Client().get(url).content.decode()


def test_the_catalogue_keeps_a_page_per_filter_it_knows(roadmap):
    assert not kept("/courses/?format=book")
    assert kept("/courses/?format=book&junk=1")
    assert not kept("/courses/?format=video")


def test_a_filter_left_empty_counts_as_not_set(roadmap):
    """As the filter form sends them: no new entry for each way of leaving filters empty."""
    assert not kept("/courses/?format=book")

    assert kept("/courses/?stage=&format=book&level=&price=")


def test_the_catalogue_keeps_no_page_for_a_combination_of_filters(roadmap):
    """About a million valid combinations: each is rendered, none fills the cache."""
    for query in ["format=book&level=beginner", "price=free&sort=level", "format=book&page=1"]:
        assert not kept(f"/courses/?{query}"), query
        assert not kept(f"/courses/?{query}"), query


@pytest.mark.parametrize("query", ["format=podcast", "page=999", "stage=<b>x</b>"])
def test_the_catalogue_never_keeps_a_page_for_parameters_it_does_not_know(roadmap, query):
    assert not kept(f"/courses/?{query}")
    assert not kept(f"/courses/?{query}")


def test_the_pager_links_carry_only_the_filters(make_roadmap):
    make_roadmap(stages=2, steps=30)  # more than one page of courses
    page = Client().get("/courses/?format=course&utm_source=junk").content.decode()

    assert "format=course" in page and "utm_source" not in page


def test_a_learner_gets_their_own_page_rendered(alice_client, roadmap):
    url = roadmap.steps[0].get_absolute_url()
    visit(url)

    assert not kept(url, alice_client)
    assert "Sign out" in alice_client.get(url).content.decode()
    assert "Sign out" not in Client().get(url).content.decode()


def test_a_guest_gets_their_own_page_rendered(roadmap):
    url = roadmap.steps[0].get_absolute_url()
    visit(url)
    guest = Client()
    guest.post("/guest/", {"next": url})

    assert not kept(url, guest)
    assert "kept in this browser" in guest.get(url).content.decode()


def test_a_waiting_message_is_shown_not_a_kept_page(roadmap):
    url = roadmap.steps[0].get_absolute_url()
    visitor = Client()
    visitor.post("/theme/", {"theme": "dark", "next": url})  # no message: still kept
    visit(url, visitor)
    assert kept(url, visitor)
    visitor.cookies["messages"] = "anything"

    assert not kept(url, visitor)


def test_an_editor_gets_drafts_never_a_kept_page(charlie_client, roadmap):
    draft = roadmap.steps[1]
    draft.is_published = False
    draft.save()
    url = draft.stage.get_absolute_url()
    visit(url)

    assert not kept(draft.get_absolute_url(), charlie_client)
    assert not kept(draft.get_absolute_url(), charlie_client)
    assert draft.title not in Client().get(url).content.decode()


@pytest.mark.parametrize("page", ["/", "/progress/", "/accounts/settings/"])
def test_a_learners_pages_are_private(alice_client, roadmap, page):
    """A shared cache in front of the site (a CDN, a proxy) must never keep them."""
    response = alice_client.get(page)

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_a_guests_pages_are_private(roadmap):
    guest = Client()
    guest.post("/guest/", {"next": "/"})

    assert "private" in guest.get(roadmap.steps[0].get_absolute_url())["Cache-Control"]


def test_a_visitors_kept_page_is_not_private(pages):
    for url in pages:
        for response in (visit(url), visit(url)):
            assert "private" not in response.get("Cache-Control", ""), url
            assert "Cookie" in response["Vary"], url


@pytest.mark.parametrize(
    "change",
    [
        lambda roadmap: Step.objects.filter(pk=roadmap.steps[0].pk).first().save(),
        lambda roadmap: roadmap.stages[0].save(),
        lambda roadmap: Course.objects.first().save(),
        lambda roadmap: StepCourse.objects.first().delete(),
        lambda roadmap: roadmap.courses[0].provider.save(),
        lambda roadmap: Checkpoint.objects.create(step=roadmap.steps[0], text="Do it."),
        lambda roadmap: Checkpoint.objects.filter(pk=checkpoint_of(roadmap).pk).first().delete(),
    ],
    ids=[
        "step saved",
        "stage saved",
        "course saved",
        "link deleted",
        "provider saved",
        "checkpoint added",
        "checkpoint deleted",
    ],
)
def test_any_content_change_retires_every_kept_page(
    pages, roadmap, change, django_capture_on_commit_callbacks
):
    for url in pages:
        visit(url)

    with django_capture_on_commit_callbacks(execute=True):
        change(roadmap)

    assert [kept(url) for url in pages] == [False] * len(pages)


def checkpoint_of(roadmap) -> Checkpoint:
    """A checkpoint made without a signal (the pages are kept after it)."""
    return Checkpoint.objects.bulk_create(
        [Checkpoint(step=roadmap.steps[0], slug="kept", text="Kept.")]
    )[0]


def test_a_reworded_checkpoint_is_shown_to_visitors(roadmap, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = Checkpoint.objects.create(step=roadmap.steps[0], text="Old words.")
    url = roadmap.steps[0].get_absolute_url()
    visit(url)

    with django_capture_on_commit_callbacks(execute=True):
        checkpoint.text = "New words."
        checkpoint.save()

    page = Client().get(url).content.decode()
    assert "New words." in page and "Old words." not in page


def test_a_change_is_shown_once_it_commits(roadmap, django_capture_on_commit_callbacks):
    step = roadmap.steps[0]
    visit(step.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        Step.objects.filter(pk=step.pk).update(title="Not announced")  # sends no signal
        step.title = "A brand new title"
        step.save()

    assert "A brand new title" in Client().get(step.get_absolute_url()).content.decode()


def test_deleting_a_stage_takes_it_off_the_roadmap(roadmap, django_capture_on_commit_callbacks):
    visit("/")
    stage = roadmap.stages[-1]

    with django_capture_on_commit_callbacks(execute=True):
        Step.objects.filter(stage=stage).delete()
        Stage.objects.filter(pk=stage.pk).delete()

    assert stage.title not in Client().get("/").content.decode()


def test_learners_own_changes_keep_the_visitors_pages(
    alice_client, roadmap, django_capture_on_commit_callbacks
):
    url = roadmap.steps[0].get_absolute_url()
    checkpoint = checkpoint_of(roadmap)
    visit(url)

    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(f"{url}status/", {"status": "done"})
        alice_client.post(f"{url}checkpoints/{checkpoint.pk}/", {"ticked": "1"})

    assert kept(url)


def test_it_can_be_switched_off(roadmap, settings):
    settings.PAGE_CACHE_SECONDS = 0  # as it is without Redis
    url = roadmap.steps[0].get_absolute_url()

    assert not kept(url) and not kept(url)


def test_a_release_retires_every_kept_page(pages, django_capture_on_commit_callbacks):
    """`migrate` runs on every release: data migrations send no signal of the live
    models, and new templates change pages, so nothing kept before it is served after."""
    for url in pages:
        visit(url)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("migrate", verbosity=0)

    assert [kept(url) for url in pages] == [False] * len(pages)


# ---------------------------------------------------------------- when Redis does not answer

REFUSED = redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def page_cache_down(monkeypatch) -> mock.Mock:
    """The page cache raising what a stopped Redis raises, whatever it is asked."""
    monkeypatch.setattr(page_cache, "_unavailable_until", 0.0)  # put back afterwards
    refused = mock.Mock(side_effect=REFUSED)
    for name in ("get_many", "get", "add", "set", "delete"):
        monkeypatch.setattr(caches[page_cache.PAGES], name, refused)
    return refused


def later(seconds: float):
    """This process's clock, `seconds` from now."""
    return mock.patch.object(page_cache.time, "monotonic", return_value=time.monotonic() + seconds)


def test_with_redis_down_pages_are_rendered_with_one_warning(roadmap, page_cache_down, caplog):
    url = roadmap.steps[0].get_absolute_url()

    for _ in range(5):
        assert roadmap.steps[0].title in visit(url).content.decode()

    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        f"The page cache does not answer ({REFUSED}): pages are rendered meanwhile."
    ]
    assert not any(r.exc_info for r in caplog.records)  # no traceback


def test_after_a_failure_redis_is_left_alone_for_a_while(roadmap, page_cache_down):
    url = roadmap.steps[0].get_absolute_url()
    visit(url)
    visit(url)
    assert page_cache_down.call_count == 1  # a hanging Redis costs one request, not each

    with later(page_cache.RETRY_SECONDS + 1):
        visit(url)
    assert page_cache_down.call_count == 2


def test_pages_are_kept_again_once_redis_answers(roadmap, page_cache_down, monkeypatch, caplog):
    url = roadmap.steps[0].get_absolute_url()
    visit(url)
    monkeypatch.undo()  # Redis is back
    monkeypatch.setattr(page_cache, "_unavailable_until", time.monotonic())

    visit(url)

    assert kept(url)
    assert "The page cache answers again." in caplog.messages


def test_an_edit_redis_missed_is_seen_once_its_copy_of_the_version_expires(
    roadmap, monkeypatch, django_capture_on_commit_callbacks
):
    """Stopped, hanging or restarted from an old snapshot, Redis may not have heard of an
    edit: the database did, and Redis's copy of the version is only trusted a second."""
    step = roadmap.steps[0]
    url = step.get_absolute_url()
    visit(url)
    assert kept(url)
    redis_down = mock.patch.object(caches[page_cache.PAGES], "set", side_effect=REFUSED)
    monkeypatch.setattr(page_cache, "_unavailable_until", 0.0)
    with redis_down, django_capture_on_commit_callbacks(execute=True):
        step.title = "Saved while Redis was away"
        step.save()
    monkeypatch.setattr(page_cache, "_unavailable_until", 0.0)  # back, with its old data

    time.sleep(page_cache.VERSION_COPY_SECONDS + 0.1)

    assert "Saved while Redis was away" in visit(url).content.decode()


def test_a_new_content_version_is_written_to_the_database(
    roadmap, django_capture_on_commit_callbacks
):
    before = page_cache.content_version()

    with django_capture_on_commit_callbacks(execute=True):
        roadmap.stages[0].save()

    assert caches["default"].get(page_cache.VERSION_KEY) not in (None, before)


@pytest.fixture
def real_redis(settings):
    """A Redis of this test's own behind the page cache, connected as settings.py does."""
    server = RedisServer()
    server.start()
    test_caches = settings.CACHES
    settings.CACHES = {
        **test_caches,
        page_cache.PAGES: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"pool_class": "roadmap_site.page_cache.PagesConnectionPool"},
        },
    }
    try:
        yield server
    finally:
        settings.CACHES = test_caches  # what conftest empties after the test
        server.stop()


@pytest.mark.slow  # a redis-server of its own
def test_a_redis_restarted_with_an_old_snapshot_shows_an_edit_at_once(
    roadmap, real_redis, monkeypatch, django_capture_on_commit_callbacks
):
    """Its copy of the content version is from before the edit, and may not have expired
    yet (here it would live a minute): every new connection drops it first."""
    monkeypatch.setattr(page_cache, "VERSION_COPY_SECONDS", 60)
    monkeypatch.setattr(page_cache, "_unavailable_until", 0.0)
    step = roadmap.steps[0]
    url = step.get_absolute_url()
    visit(url)
    assert kept(url)
    real_redis.cli("save")
    real_redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        step.title = "Saved while Redis was away"
        step.save()
    real_redis.start()  # with the snapshot: the old page and the old copy
    monkeypatch.setattr(page_cache, "_unavailable_until", 0.0)

    assert "Saved while Redis was away" in visit(url).content.decode()


def test_with_redis_pages_go_there_and_the_sign_in_limits_stay_in_the_database():
    """allauth keeps its limits in the default cache: were it Redis, an outage would answer
    every sign-in 429. And the pages' connections are those that drop the version's copy."""
    show = (
        "from django.conf import settings; from django.core.cache import caches\n"
        "print(type(caches['default']).__name__, settings.PAGE_CACHE_SECONDS,"
        " caches['pages']._cache._pool_class.__name__)"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("PAGE_CACHE_SECONDS", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "--command", show],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.split() == ["DatabaseCache", "600", "PagesConnectionPool"], result.stderr
