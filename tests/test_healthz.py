"""GET /healthz: 200 when the app and its database answer."""

from unittest import mock

from django.core.cache import cache
from django.db import OperationalError, connection


def test_it_answers_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content.decode() == "database: ok\ncache: ok\n"
    assert response["Content-Type"].startswith("text/plain")


def test_it_stays_200_and_says_degraded_when_the_cache_does_not_answer(client, db):
    # What django-redis does with IGNORE_EXCEPTIONS while Redis is down: every
    # read is a miss, every write is dropped.
    with mock.patch.object(cache, "get", return_value=None):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content.decode() == "database: ok\ncache: degraded\n"


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
