"""GET /healthz: 200 when the app and its database answer."""

from unittest import mock

import redis
from django.core.cache import caches
from django.db import OperationalError, connection

from roadmap_site import page_cache


def test_it_answers_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert (
        response.content.decode() == "database: ok\ncache: ok\nqueue: ok (oldest ready task 0 s)\n"
    )
    assert response["Content-Type"].startswith("text/plain")


def test_it_stays_200_and_says_degraded_when_the_page_cache_does_not_answer(client, db):
    refused = redis.ConnectionError("Connection refused")  # what Redis stopped raises

    with (
        mock.patch.object(page_cache, "_unavailable_until", 0.0),
        mock.patch.object(caches[page_cache.PAGES], "set", side_effect=refused),
    ):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert (
        response.content.decode()
        == "database: ok\ncache: degraded\nqueue: ok (oldest ready task 0 s)\n"
    )


def test_it_says_off_without_a_page_cache(client, db, settings):
    settings.PAGE_CACHE_SECONDS = 0  # what no REDIS_URL means

    response = client.get("/healthz")

    assert (
        response.content.decode() == "database: ok\ncache: off\nqueue: ok (oldest ready task 0 s)\n"
    )


def test_it_is_never_cached(client, db):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_it_answers_503_when_the_database_is_down(client, db):
    down = OperationalError("could not connect to server")

    with mock.patch.object(connection, "cursor", side_effect=down):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert "database: unavailable" in response.content.decode()


def test_it_answers_503_when_the_query_fails(client, db):
    failing = mock.MagicMock()
    failing.__enter__.return_value.execute.side_effect = OperationalError("server closed")

    with mock.patch.object(connection, "cursor", return_value=failing):
        response = client.get("/healthz")

    assert response.status_code == 503


def test_it_rejects_post(client, db):
    assert client.post("/healthz").status_code == 405
