"""GET /healthz: 200 when the app and its database answer."""

from unittest import mock

from django.db import OperationalError, connection


def test_it_answers_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content.decode().strip() == "ok"
    assert response["Content-Type"].startswith("text/plain")


def test_it_is_never_cached(client, db):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_it_answers_503_when_the_database_is_down(client, db):
    down = OperationalError("could not connect to server")

    with mock.patch.object(connection, "cursor", side_effect=down):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content.decode().strip() != "ok"


def test_it_answers_503_when_the_query_fails(client, db):
    failing = mock.MagicMock()
    failing.__enter__.return_value.execute.side_effect = OperationalError("server closed")

    with mock.patch.object(connection, "cursor", return_value=failing):
        response = client.get("/healthz")

    assert response.status_code == 503


def test_it_rejects_post(client, db):
    assert client.post("/healthz").status_code == 405
